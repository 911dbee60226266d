#include "ml/bagging.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    atomic_int next;       /* the next tree to grow */
    atomic_int failed;     /* set by the first failing worker: others stop */
} job;

typedef struct {
    job *j;
    err e;
    int rc;
} worker;

static void *work(void *arg)
{
    worker *wk = arg;
    job *j = wk->j;
    bagging_draws d;
    tree_work *tw = NULL;
    wk->rc = -1;
    if (bagging_draws_init(&d, j->p, j->nrows, j->nfeat, &wk->e) != 0)
        goto out;
    tw = tree_work_new(j->stride, d.m, d.k, &wk->e);
    if (tw == NULL)
        goto out;
    for (;;) {
        int t = atomic_fetch_add(&j->next, 1);
        if (t >= j->p->n_estimators || atomic_load(&j->failed))
            break;
        bagging_draw(&d, j->p, t);
        for (int k = 0; k < d.m; k++)
            d.rows[k] += j->lo;
        if (tree_fit(&j->b->trees[t], j->x, j->y, j->stride, d.rows, d.m, d.feats, d.k,
                     j->presorted, j->p->max_depth, tw, &wk->e) != 0)
            goto out;
    }
    wk->rc = 0;
out:
    if (wk->rc != 0)
        atomic_store(&j->failed, 1);
    tree_work_free(tw);
    bagging_draws_release(&d);
    return NULL;
}

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

static int thread_count(int threads, int n_estimators)
{
    long t = threads > 0 ? threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (t < 1)
        t = 1;
    return t > n_estimators ? n_estimators : (int)t;
}

/* Runs the workers: the calling thread is worker 0. */
static int run_workers(job *j, int nthreads, err *e)
{
    if (nthreads < 1)
        nthreads = 1;
    worker *wk = calloc((size_t)nthreads, sizeof *wk);
    pthread_t *tid = calloc((size_t)nthreads, sizeof *tid);
    int started = 1, rc = -1;
    if (wk == NULL || tid == NULL) {
        err_set(e, "out of memory for %d training threads", nthreads);
        goto out;
    }
    for (int i = 0; i < nthreads; i++)
        wk[i].j = j;
    for (; started < nthreads; started++)
        if (pthread_create(&tid[started], NULL, work, &wk[started]) != 0)
            break; /* fewer threads only cost time: the trees are the same */
    work(&wk[0]);
    for (int i = 1; i < started; i++)
        pthread_join(tid[i], NULL);
    rc = 0;
    for (int i = 0; i < started && rc == 0; i++)
        if (wk[i].rc != 0) {
            *e = wk[i].e;
            rc = -1;
        }
out:
    free(wk);
    free(tid);
    return rc;
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
    atomic_init(&j.next, 0);
    atomic_init(&j.failed, 0);
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
        rc = run_workers(&j, thread_count(threads, p->n_estimators), e);
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
