#include "ml/bagging.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/pool.h"
#include "core/rng.h"

int bagging_draws_init(bagging_draws *d, const bagging_params *p, int nrows, int nfeat, err *e)
{
    memset(d, 0, sizeof *d);
    if (nrows < 1 || nfeat < 1)
        return err_setk(e, ERR_DATA, "nothing to train on (%d rows, %d features)", nrows, nfeat);
    d->nrows = nrows;
    d->nfeat = nfeat;
    d->m = amount_resolve(p->max_samples, nrows);
    d->k = amount_resolve(p->max_features, nfeat);
    int most = d->m > d->k ? d->m : d->k;
    d->rows = malloc((size_t)d->m * sizeof *d->rows);
    d->feats = malloc((size_t)d->k * sizeof *d->feats);
    d->perm_rows = malloc((size_t)nrows * sizeof *d->perm_rows);
    d->perm_feats = malloc((size_t)nfeat * sizeof *d->perm_feats);
    d->swaps = malloc((size_t)most * sizeof *d->swaps);
    if (!d->rows || !d->feats || !d->perm_rows || !d->perm_feats || !d->swaps) {
        bagging_draws_release(d);
        return err_set(e, "out of memory for bagging draws");
    }
    for (int i = 0; i < nrows; i++)
        d->perm_rows[i] = i;
    for (int i = 0; i < nfeat; i++)
        d->perm_feats[i] = i;
    return 0;
}

void bagging_draws_release(bagging_draws *d)
{
    if (d == NULL)
        return;
    free(d->rows);
    free(d->feats);
    free(d->perm_rows);
    free(d->perm_feats);
    free(d->swaps);
    memset(d, 0, sizeof *d);
}

/* k draws from [0, n) into out: independent ones when `replace`, else k
 * distinct ones by a partial Fisher-Yates shuffle of perm (the identity on
 * entry), whose swaps are then undone in reverse so perm is the identity
 * again without an O(n) reset. */
static void draw(rng *r, int n, int k, int replace, int *perm, int *swaps, int *out)
{
    if (replace) {
        for (int i = 0; i < k; i++)
            out[i] = (int)rng_below(r, (uint64_t)n);
        return;
    }
    for (int i = 0; i < k; i++) {
        int j = i + (int)rng_below(r, (uint64_t)(n - i));
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
        out[i] = perm[i];
        swaps[i] = j;
    }
    while (k-- > 0) {
        int t = perm[k];
        perm[k] = perm[swaps[k]];
        perm[swaps[k]] = t;
    }
}

void bagging_draw(bagging_draws *d, const bagging_params *p, int tree_index)
{
    rng r = rng_stream(p->seed, (uint64_t)tree_index);
    /* Features first, then rows: scikit-learn's order. */
    draw(&r, d->nfeat, d->k, p->bootstrap_features, d->perm_feats, d->swaps, d->feats);
    draw(&r, d->nrows, d->m, p->bootstrap, d->perm_rows, d->swaps, d->rows);
}

typedef struct {
    bagging *b;
    const bagging_params *p;
    const double *x, *y;   /* the whole table: stride rows */
    const int *presorted;  /* NULL when samples are small */
    int stride, lo;        /* the training rows are [lo, lo + nrows) */
    int nrows, nfeat;
} job;

/* A worker's scratch: its draws and tree buffers, reused tree after tree. */
typedef struct {
    bagging_draws d;
    tree_work *tw;
} worker;

static void worker_done(void *state)
{
    worker *w = state;
    if (w == NULL)
        return;
    tree_work_free(w->tw);
    bagging_draws_release(&w->d);
    free(w);
}

static void *worker_init(void *ctx, err *e)
{
    const job *j = ctx;
    worker *w = calloc(1, sizeof *w);
    if (w == NULL) {
        err_set(e, "out of memory for a training thread");
        return NULL;
    }
    /* A failed init has released its draws already. */
    if (bagging_draws_init(&w->d, j->p, j->nrows, j->nfeat, e) != 0) {
        free(w);
        return NULL;
    }
    if ((w->tw = tree_work_new(j->stride, w->d.m, w->d.k, e)) == NULL) {
        worker_done(w);
        return NULL;
    }
    return w;
}

/* Grows tree t: it depends only on (seed, t), never on the worker. */
static int grow(void *ctx, void *state, int t, err *e)
{
    const job *j = ctx;
    worker *w = state;
    bagging_draw(&w->d, j->p, t);
    for (int k = 0; k < w->d.m; k++)
        w->d.rows[k] += j->lo;
    return tree_fit(&j->b->trees[t], j->x, j->y, j->stride, w->d.rows, w->d.m, w->d.feats,
                    w->d.k, j->presorted, j->p->max_depth, w->tw, e);
}

static const pool_fns grow_fns = {worker_init, grow, worker_done};

static int check_finite(const double *v, size_t n, const char *what, err *e)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return err_setk(e, ERR_DATA, "%s value %zu is not a finite number", what, i);
    return 0;
}

/* The training rows' columns and targets. */
static int check_rows(const double *x, const double *y, int stride, int lo, int n, int nfeat,
                      err *e)
{
    for (int f = 0; f < nfeat; f++)
        if (check_finite(x + (size_t)f * stride + lo, (size_t)n, "feature", e) != 0)
            return err_wrap(e, "column %d", f + 1);
    return check_finite(y + lo, (size_t)n, "target", e);
}

/* The presorted columns of the whole table (stride rows: rows outside the
 * training ones are never drawn, so the trees skip them) when samples of
 * the nrows training rows are large enough to use them, else NULL in
 * *out.  Returns -1 when out of memory. */
static int presort_if_useful(const bagging_params *p, const double *x, int stride, int nrows,
                             int nfeat, int **out, err *e)
{
    *out = NULL;
    if (!tree_presort_pays(amount_resolve(p->max_samples, nrows), stride))
        return 0;
    int *order = malloc((size_t)stride * (size_t)nfeat * sizeof *order);
    if (order == NULL)
        return err_set(e, "out of memory presorting %d x %d features", stride, nfeat);
    if (tree_presort(x, stride, nfeat, order, e) != 0) {
        free(order);
        return -1;
    }
    *out = order;
    return 0;
}

int bagging_fit_rows(bagging *b, const bagging_params *p, const double *x, const double *y,
                     int stride, int lo, int nrows, int nfeat, int threads, err *e)
{
    memset(b, 0, sizeof *b);
    if (p->n_estimators < 1)
        return err_setk(e, ERR_INPUT, "n-estimators must be at least 1");
    if (nrows < 1 || nfeat < 1)
        return err_setk(e, ERR_DATA, "nothing to train on (%d rows, %d features)", nrows, nfeat);
    if (lo < 0 || lo + nrows > stride)
        return err_setk(e, ERR_INTERNAL, "training rows %d-%d outside a table of %d", lo,
                        lo + nrows - 1, stride);
    if (check_rows(x, y, stride, lo, nrows, nfeat, e) != 0)
        return -1;
    job j = {.b = b, .p = p, .x = x, .y = y, .stride = stride, .lo = lo, .nrows = nrows,
             .nfeat = nfeat};
    int *presorted;
    if (presort_if_useful(p, x, stride, nrows, nfeat, &presorted, e) != 0)
        return -1;
    j.presorted = presorted;
    b->trees = calloc((size_t)p->n_estimators, sizeof *b->trees);
    int rc;
    if (b->trees == NULL) {
        rc = err_set(e, "out of memory for %d trees", p->n_estimators);
    } else {
        b->n_trees = p->n_estimators;
        b->nfeat = nfeat;
        rc = pool_run(threads, p->n_estimators, &grow_fns, &j, e);
    }
    free(presorted);
    if (rc != 0)
        bagging_release(b);
    return rc;
}

void bagging_predict(const bagging *b, const double *x, int nrows, int first, int n, double *out)
{
    for (int k = 0; k < n; k++) {
        double s = 0.0;
        for (int t = 0; t < b->n_trees; t++)
            s += tree_predict(&b->trees[t], x, nrows, first + k);
        out[k] = s / b->n_trees;
    }
}

void bagging_release(bagging *b)
{
    if (b == NULL)
        return;
    for (int t = 0; t < b->n_trees; t++)
        tree_release(&b->trees[t]);
    free(b->trees);
    memset(b, 0, sizeof *b);
}
