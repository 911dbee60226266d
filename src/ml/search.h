/* search: scores many model configurations by rolling-origin validation,
 * fast enough for a CI step.
 *
 * Each configuration is scored on each validation season V: trained on
 * the rows of seasons [first, V-1] with the features built for exactly
 * those training seasons, it predicts V's rows, and V is scored as the
 * evaluate stage scores a test season (score.h); the score kept is V's
 * expected_precision.  Only rows of seasons <= V are ever read for V (the
 * features are built on that prefix of the table), so a season after the
 * last validation season cannot influence any score.
 *
 * The scores are exactly those of training each configuration with
 * model_train and predicting with model_predict, bit for bit, yet far
 * cheaper, because of two properties of bagging.h and tree.h:
 *   - tree e of a model depends only on (seed, e), the rows and features
 *     each tree draws and max-depth, not on n-estimators: a model of n
 *     trees is the first n trees of one of more trees, and its prediction
 *     (the trees' sum in index order over n) a prefix sum;
 *   - a tree grown to depth d is the deeper tree cut at depth d: every
 *     node's split and value depend only on the node's rows, so predicting
 *     with the deeper tree and stopping at depth d gives the same value.
 * So the configurations of one validation season that draw alike (same
 * resolved max-samples and max-features counts, bootstrap flags and seed)
 * form a family: its trees are grown once, to the largest n-estimators
 * and depth any member asks for, and every member is scored from the
 * running per-depth sums when the tree count reaches its n-estimators.
 * Features are built once per validation season.  Families (over all
 * validation seasons) are spread over `threads` threads, largest first;
 * each family's trees are summed in index order on one thread, so scores
 * never depend on the thread count.
 *
 * A search_result owns its arrays (search_result_release; zeroed struct or
 * NULL: no-op).  search_run borrows everything in the job. */
#ifndef F1_ML_SEARCH_H
#define F1_ML_SEARCH_H

#include "core/err.h"
#include "data/prepared.h"
#include "ml/bagging.h"

typedef struct {
    const prepared *p;              /* rows in (season, round) order */
    int first;                      /* first training season */
    const int *seasons;             /* validation seasons, each > first */
    int n_seasons;
    const bagging_params *configs;  /* the configurations to score */
    int n_configs;
    int threads;                    /* 0 = the online cores */
} search_job;

typedef struct {
    int n_configs, n_seasons;
    double *expected;   /* [c * n_seasons + s]: expected_precision of config c on season s */
    int *train_rows;    /* [s]: training rows of validation season s */
    int *nfeat;         /* [s]: features of validation season s's table */
} search_result;

/* Scores every configuration of j on every validation season into *r.
 * Fails (ERR_DATA) when a validation season has no rows or no training
 * rows before it; on failure *r is left empty. */
int search_run(const search_job *j, search_result *r, err *e);

/* Frees what *r owns; *r itself stays the caller's (a zeroed struct or NULL: no-op). */
void search_result_release(search_result *r);

#endif
