/* bagging: an ensemble of regression trees with the semantics of
 * scikit-learn's BaggingRegressor(DecisionTreeRegressor()) (docs/pipeline.md §4).
 *
 * Tree e draws, from its own stream rng_stream(seed, e), first its
 * features (max_features of the table's columns, with replacement when
 * bootstrap_features) and then its rows (max_samples of the training rows,
 * with replacement when bootstrap), and is grown on them (tree.h).  Trees
 * are grown on `threads` threads, but each tree's draws and growth depend
 * only on (seed, e) and the data, and tree e is stored at index e, so the
 * ensemble is bit-identical whatever the thread count.  The prediction is
 * the mean of the trees, summed in index order.
 *
 * A bagging owns its trees; bagging_release releases them (zeroed struct or
 * NULL: no-op). */
#ifndef F1_ML_BAGGING_H
#define F1_ML_BAGGING_H

#include <stdint.h>

#include "core/err.h"
#include "ml/amount.h"
#include "ml/tree.h"

typedef struct {
    int n_estimators;        /* >= 1 */
    amount max_samples;      /* rows per tree: count or fraction */
    amount max_features;     /* features per tree: count or fraction */
    int bootstrap;           /* rows with replacement */
    int bootstrap_features;  /* features with replacement */
    int max_depth;           /* 0 = unlimited */
    uint64_t seed;
} bagging_params;

typedef struct {
    int nfeat;     /* columns of the table the trees index */
    int n_trees;
    tree *trees;   /* n_trees */
} bagging;

/* One tree's draws.  perm_rows / perm_feats are the identity between
 * draws (sampling without replacement swaps and then restores them). */
typedef struct {
    int nrows, nfeat;  /* what is drawn from */
    int m, k;          /* rows and features each tree draws */
    int *rows;         /* m */
    int *feats;        /* k */
    int *perm_rows;    /* nrows */
    int *perm_feats;   /* nfeat */
    int *swaps;        /* max(m, k) */
} bagging_draws;

/* Sizes d for drawing from nrows rows and nfeat features under p.
 * Returns -1 when out of memory, with d already released; otherwise
 * release with bagging_draws_release. */
int bagging_draws_init(bagging_draws *d, const bagging_params *p, int nrows, int nfeat, err *e);
/* Fills d->feats and then d->rows for tree `tree_index`. */
void bagging_draw(bagging_draws *d, const bagging_params *p, int tree_index);
/* Frees what *d owns; *d itself stays the caller's (a zeroed struct or NULL: no-op). */
void bagging_draws_release(bagging_draws *d);

/* Fits p.n_estimators trees on the rows [lo, lo + nrows) of the
 * column-major table x of `stride` rows and nfeat columns
 * (x[j * stride + i]) with targets y[i], on `threads` threads (0 = the
 * online cores).  Tree e draws row numbers k in [0, nrows) and uses row
 * lo + k, so fitting a slice in place gives the trees fitting its copy
 * would (lo = 0, stride = nrows: the whole table).  Every value must be
 * finite.  On success *b owns the trees; on failure *b is left empty. */
int bagging_fit_rows(bagging *b, const bagging_params *p, const double *x, const double *y,
                     int stride, int lo, int nrows, int nfeat, int threads, err *e);

/* out[k] = the mean of the trees' predictions for row first + k of the
 * column-major table x (nrows rows, the columns the model was fitted on),
 * for k in [0, n). */
void bagging_predict(const bagging *b, const double *x, int nrows, int first, int n, double *out);

/* Frees what *b owns; *b itself stays the caller's (a zeroed struct or NULL: no-op). */
void bagging_release(bagging *b);

#endif
