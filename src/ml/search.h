/* search: scores many model configurations by rolling-origin validation,
 * fast enough for a CI step.
 *
 * Each configuration (ml/space.h: a learner with its parameters, a
 * feature set and a first training season F) is scored on each validation
 * season V: trained on the rows of seasons [F, V-1] with the features
 * built for exactly those training seasons, it predicts V's rows, and V is
 * scored as the evaluate stage scores a test season (score.h); the score
 * kept is V's expected_precision.  Only rows of seasons <= V are ever read
 * for V (the features are built on that prefix of the table), so a season
 * after the last validation season cannot influence any score.
 *
 * Configurations are grouped by (feature set, F): each group's table is
 * built once per validation season.  The scores are exactly those of
 * training each configuration with model_train and predicting with
 * model_score, bit for bit:
 *   - every configuration but bagging on the spec features (the
 *     conditional logit, and bagging on v2, whose missing values it
 *     imputes) is trained and scored through model_train and model_score
 *     themselves, one task per configuration and season;
 *   - bagging on the spec features is far cheaper, because of two
 *     properties of bagging.h and tree.h:
 *       - tree e of a model depends only on (seed, e), the rows and
 *         features each tree draws and max-depth, not on n-estimators: a
 *         model of n trees is the first n trees of one of more trees, and
 *         its prediction (the trees' sum in index order over n) a prefix
 *         sum;
 *       - a tree grown to depth d is the deeper tree cut at depth d: every
 *         node's split and value depend only on the node's rows, so
 *         predicting with the deeper tree and stopping at depth d gives
 *         the same value.
 *     So the configurations of one group and validation season that draw
 *     alike (same resolved max-samples and max-features counts, bootstrap
 *     flags and seed) form a family: its trees are grown once, to the
 *     largest n-estimators and depth any member asks for, and every member
 *     is scored from the running per-depth sums when the tree count
 *     reaches its n-estimators.
 * Tables, then families (largest first) and the other tasks, are spread
 * over `threads` threads (core/pool.h); each task writes only its own
 * scores and a family's trees are summed in index order on one thread, so
 * scores never depend on the thread count.
 *
 * A search_result owns its arrays (search_result_release; zeroed struct or
 * NULL: no-op).  search_run borrows everything in the job. */
#ifndef F1_ML_SEARCH_H
#define F1_ML_SEARCH_H

#include "core/err.h"
#include "data/prepared.h"
#include "data/qualifying.h"
#include "ml/space.h"

typedef struct {
    const prepared *p;              /* rows in (season, round) order */
    const qualifying_table *q;      /* qualifying times for v2, or NULL (none known) */
    const int *seasons;             /* validation seasons, each > every train_from */
    int n_seasons;
    const space_config *configs;    /* the configurations to score */
    int n_configs;
    int threads;                    /* 0 = the online cores */
} search_job;

typedef struct {
    int n_configs, n_seasons;
    /* [c * n_seasons + s], for configuration c on validation season s: */
    double *expected;   /* expected_precision */
    int *train_rows;    /* training rows */
    int *nfeat;         /* model features */
} search_result;

/* Scores every configuration of j on every validation season into *r.
 * Fails (ERR_DATA) when a validation season has no rows or no training
 * rows before it (ERR_INPUT when it does not follow a train_from); on
 * failure *r is left empty. */
int search_run(const search_job *j, search_result *r, err *e);

/* Frees what *r owns; *r itself stays the caller's (a zeroed struct or NULL: no-op). */
void search_result_release(search_result *r);

#endif
