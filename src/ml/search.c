/* Two phases, each a parallel loop over tasks: first the validation
 * seasons (features, training matrix, presorted columns), then the
 * families, largest first. */
#include "ml/search.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data/feature_table.h"
#include "ml/score.h"
#include "ml/tree.h"

/* One validation season's data: its training rows as their own
 * column-major table (as model_train builds it) and its rows to score. */
typedef struct {
    int season;
    prepared view;   /* p's rows of seasons <= season (borrowed rows) */
    int n_train, nfeat;
    double *x, *y;   /* n_train x nfeat, n_train */
    int *presorted;  /* tree_presort of x, or NULL when no family needs it */
    int val_first;   /* the season's rows are view rows [val_first, +n_val) */
    int n_val;
    double *xv;      /* n_val x nfeat */
    /* Just the season's rows, for scoring: expected precision depends on
     * nothing else, and the baselines score_season also computes would
     * cost a pass over every earlier row. */
    prepared scored;
} vseason;

/* Configurations of one season that draw the same trees. */
typedef struct {
    int s;              /* season index */
    int *members;       /* config indices, by n-estimators */
    int n_members;
    int *depth_of;      /* per member: its index in lims */
    int *lims;          /* distinct depths, ascending, unlimited = INT_MAX */
    int n_lims;
    double cost;        /* estimated work, to run the largest first */
} family;

typedef struct {
    const search_job *j;
    search_result *r;
    vseason *vs;
    family *fam;
    int n_fam;
    int max_val;        /* most rows of a validation season (prediction buffer) */
} search_ctx;

/* ---- a parallel loop ---- */

typedef int (*task_fn)(search_ctx *c, int task, double *scratch, err *e);

typedef struct {
    search_ctx *c;
    task_fn fn;
    int n_tasks;
    atomic_int next;
    atomic_int failed;
} loop;

typedef struct {
    loop *l;
    err e;
    int rc;
} loop_worker;

static void *loop_work(void *arg)
{
    loop_worker *w = arg;
    loop *l = w->l;
    w->rc = 0;
    double *scratch = malloc((size_t)(l->c->max_val > 0 ? l->c->max_val : 1) * sizeof *scratch);
    if (scratch == NULL) {
        w->rc = err_set(&w->e, "out of memory for search scratch");
        atomic_store(&l->failed, 1);
        return NULL;
    }
    for (;;) {
        int t = atomic_fetch_add(&l->next, 1);
        if (t >= l->n_tasks || atomic_load(&l->failed))
            break;
        if (l->fn(l->c, t, scratch, &w->e) != 0) {
            w->rc = -1;
            atomic_store(&l->failed, 1);
            break;
        }
    }
    free(scratch);
    return NULL;
}

/* Runs fn on tasks 0..n-1 over the job's threads (the caller is one). */
static int parallel(search_ctx *c, task_fn fn, int n, err *e)
{
    long nt = c->j->threads > 0 ? c->j->threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (nt > n)
        nt = n;
    if (nt < 1)
        nt = 1;
    loop l = {.c = c, .fn = fn, .n_tasks = n};
    atomic_init(&l.next, 0);
    atomic_init(&l.failed, 0);
    loop_worker *w = calloc((size_t)nt, sizeof *w);
    pthread_t *tid = calloc((size_t)nt, sizeof *tid);
    int started = 1, rc = 0;
    if (w == NULL || tid == NULL) {
        rc = err_set(e, "out of memory for %ld search threads", nt);
        goto out;
    }
    for (long i = 0; i < nt; i++)
        w[i].l = &l;
    for (; started < nt; started++)
        if (pthread_create(&tid[started], NULL, loop_work, &w[started]) != 0)
            break; /* fewer threads only cost time */
    loop_work(&w[0]);
    for (int i = 1; i < started; i++)
        pthread_join(tid[i], NULL);
    for (int i = 0; i < started && rc == 0; i++)
        if (w[i].rc != 0) {
            *e = w[i].e;
            rc = -1;
        }
out:
    free(w);
    free(tid);
    return rc;
}

/* ---- phase 1: the validation seasons ---- */

static int needs_presort(const search_job *j, int n_train)
{
    for (int c = 0; c < j->n_configs; c++)
        if (tree_presort_pays(amount_resolve(j->configs[c].max_samples, n_train), n_train))
            return 1;
    return 0;
}

/* Copies rows [from, from + n) of t's columns into a column-major n x nfeat table. */
static double *columns(const feature_table *t, int from, int n)
{
    double *x = malloc((size_t)(n > 0 ? n : 1) * (size_t)t->nfeat * sizeof *x);
    if (x == NULL)
        return NULL;
    for (int f = 0; f < t->nfeat; f++)
        memcpy(x + (size_t)f * n, t->x + (size_t)f * t->nrows + from, (size_t)n * sizeof *x);
    return x;
}

static int prepare_season(search_ctx *c, int s, double *scratch, err *e)
{
    (void)scratch;
    const search_job *j = c->j;
    vseason *v = &c->vs[s];
    feature_table t = {0};
    int rc = -1;
    if (feature_table_build(&v->view, j->first, v->season - 1, &t, e) != 0)
        goto out;
    /* The view ends with the season's rows; training rows are those of
     * [first, season-1] (rows before `first` would be skipped, as
     * model_train skips them, but must then not sit between them). */
    int lo = 0;
    while (lo < t.nrows && t.season[lo] < j->first)
        lo++;
    v->val_first = v->view.n - v->n_val;
    v->scored = (prepared){.n = v->n_val, .alloc = v->n_val, .rows = v->view.rows + v->val_first};
    v->n_train = v->val_first - lo;
    v->nfeat = t.nfeat;
    if (v->n_train < 1) {
        err_setk(e, ERR_DATA, "validation season %d has no training rows from %d", v->season,
                 j->first);
        goto out;
    }
    v->x = columns(&t, lo, v->n_train);
    v->xv = columns(&t, v->val_first, v->n_val);
    v->y = malloc((size_t)v->n_train * sizeof *v->y);
    if (v->x == NULL || v->xv == NULL || v->y == NULL) {
        err_set(e, "out of memory for validation season %d", v->season);
        goto out;
    }
    memcpy(v->y, t.won + lo, (size_t)v->n_train * sizeof *v->y);
    if (needs_presort(j, v->n_train)) {
        v->presorted = malloc((size_t)v->n_train * (size_t)v->nfeat * sizeof *v->presorted);
        if (v->presorted == NULL) {
            err_set(e, "out of memory presorting validation season %d", v->season);
            goto out;
        }
        if (tree_presort(v->x, v->n_train, v->nfeat, v->presorted, e) != 0)
            goto out;
    }
    rc = 0;
out:
    feature_table_release(&t);
    return rc;
}

/* Finds each season's prefix of p and its row count; checks the order. */
static int slice_seasons(const search_job *j, vseason *vs, int *max_val, err *e)
{
    const prepared *p = j->p;
    for (int i = 1; i < p->n; i++)
        if (p->rows[i].season < p->rows[i - 1].season)
            return err_setk(e, ERR_DATA, "prepared rows are not in season order");
    *max_val = 0;
    for (int s = 0; s < j->n_seasons; s++) {
        int season = j->seasons[s], end = 0, n_val = 0;
        if (season <= j->first)
            return err_setk(e, ERR_INPUT, "validation season %d leaves no training season from %d",
                            season, j->first);
        while (end < p->n && p->rows[end].season <= season) {
            n_val += p->rows[end].season == season;
            end++;
        }
        if (n_val == 0)
            return err_setk(e, ERR_DATA, "no rows of validation season %d", season);
        vs[s] = (vseason){.season = season, .view = {.n = end, .alloc = end, .rows = p->rows}, .n_val = n_val};
        if (n_val > *max_val)
            *max_val = n_val;
    }
    return 0;
}

/* ---- phase 2: the families ---- */

typedef struct {
    const search_job *j;
    const vseason *v;
    int idx;
} keyed;

/* Orders configurations by what their trees draw (bagging_draws_init
 * resolves the amounts the same way). */
static int draw_key_cmp(const bagging_params *a, const bagging_params *b, const vseason *v)
{
    int ka[4] = {amount_resolve(a->max_samples, v->n_train),
                 amount_resolve(a->max_features, v->nfeat), a->bootstrap,
                 a->bootstrap_features};
    int kb[4] = {amount_resolve(b->max_samples, v->n_train),
                 amount_resolve(b->max_features, v->nfeat), b->bootstrap,
                 b->bootstrap_features};
    for (int i = 0; i < 4; i++)
        if (ka[i] != kb[i])
            return ka[i] < kb[i] ? -1 : 1;
    if (a->seed != b->seed)
        return a->seed < b->seed ? -1 : 1;
    return 0;
}

/* qsort has no context argument: sort (context, index) records. */
static int keyed_cmp(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    const bagging_params *x = &a->j->configs[a->idx], *y = &b->j->configs[b->idx];
    int c = draw_key_cmp(x, y, a->v);
    if (c == 0)
        c = (x->n_estimators > y->n_estimators) - (x->n_estimators < y->n_estimators);
    if (c == 0)
        c = (a->idx > b->idx) - (a->idx < b->idx);
    return c;
}

static int depth_lim(int max_depth)
{
    return max_depth == 0 ? INT_MAX : max_depth;
}

/* Fills f's depth list (room for one per member) from its members. */
static void family_depths(family *f, const search_job *j)
{
    f->n_lims = 0;
    for (int m = 0; m < f->n_members; m++) {
        int d = depth_lim(j->configs[f->members[m]].max_depth), k = 0;
        while (k < f->n_lims && f->lims[k] < d)
            k++;
        if (k < f->n_lims && f->lims[k] == d)
            continue;
        memmove(f->lims + k + 1, f->lims + k, (size_t)(f->n_lims - k) * sizeof *f->lims);
        f->lims[k] = d;
        f->n_lims++;
    }
    for (int m = 0; m < f->n_members; m++) {
        int d = depth_lim(j->configs[f->members[m]].max_depth), k = 0;
        while (f->lims[k] != d)
            k++;
        f->depth_of[m] = k;
    }
}

static int cost_cmp(const void *pa, const void *pb)
{
    const family *a = pa, *b = pb;
    if (a->cost != b->cost)
        return a->cost > b->cost ? -1 : 1;
    return (a->s > b->s) - (a->s < b->s);
}

/* Groups each season's configurations into families (members, depth_of
 * and lims point into one block of 3 x seasons x configs ints). */
static void make_families(search_ctx *c, int *block, keyed *order)
{
    const search_job *j = c->j;
    int nc = j->n_configs;
    c->n_fam = 0;
    for (int s = 0; s < j->n_seasons; s++) {
        int *members = block + (size_t)s * 3 * nc, *depth_of = members + nc, *lims = depth_of + nc;
        for (int i = 0; i < nc; i++)
            order[i] = (keyed){j, &c->vs[s], i};
        qsort(order, (size_t)nc, sizeof *order, keyed_cmp);
        for (int i = 0; i < nc; i++)
            members[i] = order[i].idx;
        for (int a = 0; a < nc;) {
            int b = a + 1;
            while (b < nc && draw_key_cmp(&j->configs[members[a]], &j->configs[members[b]],
                                          &c->vs[s]) == 0)
                b++;
            family *f = &c->fam[c->n_fam++];
            *f = (family){.s = s, .members = members + a, .n_members = b - a,
                          .depth_of = depth_of + a, .lims = lims + a};
            family_depths(f, j);
            const bagging_params *p = &j->configs[members[b - 1]];
            double m = amount_resolve(p->max_samples, c->vs[s].n_train);
            f->cost = (double)p->n_estimators * m * log2(m + 2.0) *
                      amount_resolve(p->max_features, c->vs[s].nfeat);
            a = b;
        }
    }
    qsort(c->fam, (size_t)c->n_fam, sizeof *c->fam, cost_cmp);
}

/* The tree's prediction for row `row` of x when cut at each depth of
 * lims (ascending): out[k] for lims[k]. */
static void predict_depths(const tree *t, const double *x, int nrows, int row, const int *lims,
                           int n, double *out)
{
    int i = 0, depth = 0, k = 0;
    for (;;) {
        while (k < n && lims[k] == depth)
            out[k++] = t->value[i];
        if (k == n)
            return;
        if (t->feature[i] < 0) {
            while (k < n)
                out[k++] = t->value[i];
            return;
        }
        i = x[(size_t)t->feature[i] * nrows + row] <= t->threshold[i] ? t->left[i] : t->right[i];
        depth++;
    }
}

/* Scores member m of f from the sums of its first n trees. */
static int score_member(search_ctx *c, const family *f, int m, const double *sums, double *pred,
                        err *e)
{
    const vseason *v = &c->vs[f->s];
    const bagging_params *p = &c->j->configs[f->members[m]];
    const double *sum = sums + (size_t)f->depth_of[m] * v->n_val;
    for (int r = 0; r < v->n_val; r++)
        pred[r] = sum[r] / p->n_estimators;
    score sc;
    if (score_season(&sc, &v->scored, v->season, pred, p->seed, e) != 0)
        return -1;
    c->r->expected[(size_t)f->members[m] * c->j->n_seasons + f->s] =
        sc.expected_hits / sc.n_races;
    score_release(&sc);
    return 0;
}

static int run_family(search_ctx *c, int task, double *pred, err *e)
{
    const family *f = &c->fam[task];
    const vseason *v = &c->vs[f->s];
    bagging_params gp = c->j->configs[f->members[f->n_members - 1]];
    gp.max_depth = f->lims[f->n_lims - 1] == INT_MAX ? 0 : f->lims[f->n_lims - 1];
    bagging_draws d;
    tree_work *tw = NULL;
    double *sums = NULL;
    int rc = -1;
    if (bagging_draws_init(&d, &gp, v->n_train, v->nfeat, e) != 0)
        return -1;
    tw = tree_work_new(v->n_train, d.m, d.k, e);
    /* The per-depth sums, then one tree's per-depth values. */
    sums = calloc((size_t)f->n_lims * (size_t)(v->n_val + 1), sizeof *sums);
    if (tw == NULL || sums == NULL) {
        if (tw != NULL)
            err_set(e, "out of memory for a search family");
        goto out;
    }
    double *vals = sums + (size_t)f->n_lims * v->n_val;
    for (int t = 0, m = 0; m < f->n_members; t++) {
        tree tr;
        bagging_draw(&d, &gp, t);
        if (tree_fit(&tr, v->x, v->y, v->n_train, d.rows, d.m, d.feats, d.k, v->presorted,
                     gp.max_depth, tw, e) != 0)
            goto out;
        for (int r = 0; r < v->n_val; r++) {
            predict_depths(&tr, v->xv, v->n_val, r, f->lims, f->n_lims, vals);
            for (int k = 0; k < f->n_lims; k++)
                sums[(size_t)k * v->n_val + r] += vals[k];
        }
        tree_release(&tr);
        for (; m < f->n_members && c->j->configs[f->members[m]].n_estimators == t + 1; m++)
            if (score_member(c, f, m, sums, pred, e) != 0)
                goto out;
    }
    rc = 0;
out:
    free(sums);
    tree_work_free(tw);
    bagging_draws_release(&d);
    return rc;
}

/* ---- the search ---- */

static void release_seasons(vseason *vs, int n)
{
    for (int s = 0; vs != NULL && s < n; s++) {
        free(vs[s].x);
        free(vs[s].y);
        free(vs[s].xv);
        free(vs[s].presorted);
    }
    free(vs);
}

int search_run(const search_job *j, search_result *r, err *e)
{
    memset(r, 0, sizeof *r);
    int ns = j->n_seasons, nc = j->n_configs, rc = -1;
    if (ns < 1 || nc < 1)
        return err_setk(e, ERR_INPUT, "a search needs a validation season and a configuration");
    search_ctx c = {.j = j, .r = r};
    int *block = NULL;
    keyed *order = NULL;
    c.vs = calloc((size_t)ns, sizeof *c.vs);
    c.fam = calloc((size_t)ns * (size_t)nc, sizeof *c.fam);
    block = malloc((size_t)ns * 3 * (size_t)nc * sizeof *block);
    order = malloc((size_t)nc * sizeof *order);
    r->n_configs = nc;
    r->n_seasons = ns;
    r->expected = calloc((size_t)ns * (size_t)nc, sizeof *r->expected);
    r->train_rows = calloc((size_t)ns, sizeof *r->train_rows);
    r->nfeat = calloc((size_t)ns, sizeof *r->nfeat);
    if (!c.vs || !c.fam || !block || !order || !r->expected || !r->train_rows || !r->nfeat) {
        err_set(e, "out of memory for a search of %d configurations", nc);
        goto out;
    }
    if (slice_seasons(j, c.vs, &c.max_val, e) != 0 ||
        parallel(&c, prepare_season, ns, e) != 0)
        goto out;
    make_families(&c, block, order);
    if (parallel(&c, run_family, c.n_fam, e) != 0)
        goto out;
    for (int s = 0; s < ns; s++) {
        r->train_rows[s] = c.vs[s].n_train;
        r->nfeat[s] = c.vs[s].nfeat;
    }
    rc = 0;
out:
    release_seasons(c.vs, ns);
    free(c.fam);
    free(block);
    free(order);
    if (rc != 0)
        search_result_release(r);
    return rc;
}

void search_result_release(search_result *r)
{
    if (r == NULL)
        return;
    free(r->expected);
    free(r->train_rows);
    free(r->nfeat);
    memset(r, 0, sizeof *r);
}
