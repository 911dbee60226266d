/* Group by group (so only one group's tables are held at a time), two
 * phases, each a parallel loop over tasks (core/pool.h): first the group's
 * table for each validation season, then its families, largest first, and
 * its configurations trained one by one. */
#include "ml/search.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/pool.h"
#include "data/feature_set.h"
#include "data/feature_table.h"
#include "ml/model.h"
#include "ml/score.h"
#include "ml/tree.h"

/* One group's table for one validation season, and for the families its
 * training rows as their own column-major table (as model_train builds
 * it) and its rows to score. */
typedef struct {
    int season, g;   /* the season, its group */
    feature_set set;
    int first;       /* the group's first training season */
    int families;    /* 1 when a family is scored on it */
    int generic;     /* 1 when a configuration is trained on t */
    prepared view;   /* p's rows of seasons <= season (borrowed rows) */
    feature_table t; /* the table of view (kept when generic) */
    int n_train, nfeat;
    double *x, *y;   /* n_train x nfeat, n_train (families) */
    int *presorted;  /* tree_presort of x, or NULL when no family needs it */
    int val_first;   /* the season's rows are view rows [val_first, +n_val) */
    int n_val;
    double *xv;      /* n_val x nfeat (families) */
    /* Just the season's rows, for scoring: expected precision depends on
     * nothing else, and the baselines score_season also computes would
     * cost a pass over every earlier row. */
    prepared scored;
} vseason;

/* Configurations of one vseason that draw the same trees. */
typedef struct {
    int v;              /* vseason index */
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
    int n_groups;
    int *group;         /* per config: its group */
    int g;              /* the group being scored */
    vseason *vs;        /* [g * n_seasons + s] */
    family *fam;
    int n_fam;
    int *generic;       /* configs trained one by one */
    int n_generic;
    int max_val;        /* most rows of a validation season (prediction buffer) */
} search_ctx;

/* Bagging on the spec features runs in families; every other
 * configuration through model_train. */
static int in_family(const space_config *c)
{
    return c->learner.kind == LEARNER_BAGGING && c->set == FEATURE_SET_SPEC;
}

/* A worker's prediction buffer. */
static void *scratch_new(void *ctx, err *e)
{
    const search_ctx *c = ctx;
    void *s = malloc((size_t)(c->max_val > 0 ? c->max_val : 1) * sizeof(double));
    if (s == NULL)
        err_set(e, "out of memory for search scratch");
    return s;
}

/* ---- phase 1: the tables ---- */

static int needs_presort(const search_ctx *c, int g, int n_train)
{
    const search_job *j = c->j;
    for (int k = 0; k < j->n_configs; k++)
        if (c->group[k] == g && in_family(&j->configs[k]) &&
            tree_presort_pays(amount_resolve(j->configs[k].learner.bagging.max_samples, n_train),
                              n_train))
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

/* The family's matrices from v's spec table (training rows [lo, val_first)). */
static int family_matrices(search_ctx *c, vseason *v, int lo, err *e)
{
    const feature_table *t = &v->t;
    v->x = columns(t, lo, v->n_train);
    v->xv = columns(t, v->val_first, v->n_val);
    v->y = malloc((size_t)v->n_train * sizeof *v->y);
    if (v->x == NULL || v->xv == NULL || v->y == NULL)
        return err_set(e, "out of memory for validation season %d", v->season);
    memcpy(v->y, t->won + lo, (size_t)v->n_train * sizeof *v->y);
    if (needs_presort(c, v->g, v->n_train)) {
        v->presorted = malloc((size_t)v->n_train * (size_t)v->nfeat * sizeof *v->presorted);
        if (v->presorted == NULL)
            return err_set(e, "out of memory presorting validation season %d", v->season);
        if (tree_presort(v->x, v->n_train, v->nfeat, v->presorted, e) != 0)
            return -1;
    }
    return 0;
}

static int prepare_season(void *ctx, void *scratch, int task, err *e)
{
    (void)scratch;
    search_ctx *c = ctx;
    vseason *v = &c->vs[(size_t)c->g * c->j->n_seasons + task];
    if (feature_set_build(v->set, &v->view, c->j->q, v->first, v->season - 1, &v->t, e) != 0)
        return err_wrap(e, "validation season %d", v->season);
    if (v->t.nrows != v->view.n)
        return err_setk(e, ERR_INTERNAL, "the features of season %d lost rows", v->season);
    const char *const *names;
    int races;
    feature_set_features(v->set, &v->t, &names, &v->nfeat);
    model_season_counts(&v->t, v->first, v->season - 1, &v->n_train, &races);
    v->val_first = v->view.n - v->n_val;
    v->scored = (prepared){.n = v->n_val, .alloc = v->n_val, .rows = v->view.rows + v->val_first};
    if (v->n_train < 1)
        return err_setk(e, ERR_DATA, "validation season %d has no training rows from %d",
                        v->season, v->first);
    if (v->families) {
        /* The view ends with the season's rows; training rows are those of
         * [first, season-1] (rows before `first` would be skipped, as
         * model_train skips them, but must then not sit between them). */
        int lo = 0;
        while (lo < v->t.nrows && v->t.season[lo] < v->first)
            lo++;
        if (v->val_first - lo != v->n_train)
            return err_setk(e, ERR_DATA, "prepared rows are not in season order");
        if (family_matrices(c, v, lo, e) != 0)
            return -1;
    }
    if (!v->generic)
        feature_table_release(&v->t);
    return 0;
}

/* Groups the configurations by (feature set, train_from), numbered by
 * first appearance; rep holds each group's first configuration. */
static void make_groups(search_ctx *c, int *rep)
{
    const search_job *j = c->j;
    c->n_groups = 0;
    for (int k = 0; k < j->n_configs; k++) {
        const space_config *x = &j->configs[k];
        int g = 0;
        while (g < c->n_groups && (j->configs[rep[g]].set != x->set ||
                                   j->configs[rep[g]].train_from != x->train_from))
            g++;
        if (g == c->n_groups)
            rep[c->n_groups++] = k;
        c->group[k] = g;
    }
}

/* Finds each season's prefix of p and its row count; checks the order. */
static int slice_seasons(search_ctx *c, err *e)
{
    const search_job *j = c->j;
    const prepared *p = j->p;
    for (int i = 1; i < p->n; i++)
        if (p->rows[i].season < p->rows[i - 1].season)
            return err_setk(e, ERR_DATA, "prepared rows are not in season order");
    c->max_val = 0;
    for (int k = 0; k < j->n_configs; k++) {
        vseason *row = &c->vs[(size_t)c->group[k] * j->n_seasons];
        row->families |= in_family(&j->configs[k]);
        row->generic |= !in_family(&j->configs[k]);
        row->set = j->configs[k].set;
        row->first = j->configs[k].train_from;
    }
    /* A season's prefix of p is the same for every group. */
    for (int s = 0; s < j->n_seasons; s++) {
        int season = j->seasons[s], end = 0, n_val = 0;
        while (end < p->n && p->rows[end].season <= season) {
            n_val += p->rows[end].season == season;
            end++;
        }
        if (n_val == 0)
            return err_setk(e, ERR_DATA, "no rows of validation season %d", season);
        if (n_val > c->max_val)
            c->max_val = n_val;
        for (int g = 0; g < c->n_groups; g++) {
            const vseason *g0 = &c->vs[(size_t)g * j->n_seasons];
            if (season <= g0->first)
                return err_setk(e, ERR_INPUT,
                                "validation season %d leaves no training season from %d", season,
                                g0->first);
            vseason *v = &c->vs[(size_t)g * j->n_seasons + s];
            *v = (vseason){.season = season, .g = g, .set = g0->set, .first = g0->first,
                           .families = g0->families, .generic = g0->generic,
                           .view = {.n = end, .alloc = end, .rows = p->rows}, .n_val = n_val};
        }
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

static const bagging_params *bag(const search_job *j, int c)
{
    return &j->configs[c].learner.bagging;
}

/* qsort has no context argument: sort (context, index) records. */
static int keyed_cmp(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    const bagging_params *x = bag(a->j, a->idx), *y = bag(b->j, b->idx);
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
        int d = depth_lim(bag(j, f->members[m])->max_depth), k = 0;
        while (k < f->n_lims && f->lims[k] < d)
            k++;
        if (k < f->n_lims && f->lims[k] == d)
            continue;
        memmove(f->lims + k + 1, f->lims + k, (size_t)(f->n_lims - k) * sizeof *f->lims);
        f->lims[k] = d;
        f->n_lims++;
    }
    for (int m = 0; m < f->n_members; m++) {
        int d = depth_lim(bag(j, f->members[m])->max_depth), k = 0;
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
    return (a->v > b->v) - (a->v < b->v);
}

/* Groups the family configurations of group c->g into families on each
 * season (members, depth_of and lims point into block, 3 ints per family
 * configuration and season). */
static void make_families(search_ctx *c, int *block, keyed *order)
{
    const search_job *j = c->j;
    c->n_fam = 0;
    for (int vi = c->g * j->n_seasons; vi < (c->g + 1) * j->n_seasons; vi++) {
        const vseason *v = &c->vs[vi];
        int nc = 0;
        for (int k = 0; k < j->n_configs; k++)
            if (c->group[k] == v->g && in_family(&j->configs[k]))
                order[nc++] = (keyed){j, v, k};
        if (nc == 0)
            continue;
        int *members = block, *depth_of = members + nc, *lims = depth_of + nc;
        block += 3 * nc;
        qsort(order, (size_t)nc, sizeof *order, keyed_cmp);
        for (int i = 0; i < nc; i++)
            members[i] = order[i].idx;
        for (int a = 0; a < nc;) {
            int b = a + 1;
            while (b < nc && draw_key_cmp(bag(j, members[a]), bag(j, members[b]), v) == 0)
                b++;
            family *f = &c->fam[c->n_fam++];
            *f = (family){.v = vi, .members = members + a, .n_members = b - a,
                          .depth_of = depth_of + a, .lims = lims + a};
            family_depths(f, j);
            const bagging_params *p = bag(j, members[b - 1]);
            double m = amount_resolve(p->max_samples, v->n_train);
            f->cost = (double)p->n_estimators * m * log2(m + 2.0) *
                      amount_resolve(p->max_features, v->nfeat);
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

/* Records configuration k's score on vseason v from its predictions. */
static int record(search_ctx *c, int k, const vseason *v, const double *pred, uint64_t seed,
                  err *e)
{
    score sc;
    if (score_season(&sc, &v->scored, v->season, pred, seed, e) != 0)
        return -1;
    size_t at = (size_t)k * c->j->n_seasons + (size_t)(v - c->vs) % (size_t)c->j->n_seasons;
    c->r->expected[at] = sc.expected_hits / sc.n_races;
    c->r->train_rows[at] = v->n_train;
    c->r->nfeat[at] = v->nfeat;
    score_release(&sc);
    return 0;
}

/* Scores member m of f from the sums of its first n trees. */
static int score_member(search_ctx *c, const family *f, int m, const double *sums, double *pred,
                        err *e)
{
    const vseason *v = &c->vs[f->v];
    const bagging_params *p = bag(c->j, f->members[m]);
    const double *sum = sums + (size_t)f->depth_of[m] * v->n_val;
    for (int r = 0; r < v->n_val; r++)
        pred[r] = sum[r] / p->n_estimators;
    return record(c, f->members[m], v, pred, p->seed, e);
}

static int run_family(search_ctx *c, const family *f, double *pred, err *e)
{
    const vseason *v = &c->vs[f->v];
    bagging_params gp = *bag(c->j, f->members[f->n_members - 1]);
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
        for (; m < f->n_members && bag(c->j, f->members[m])->n_estimators == t + 1; m++)
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

/* Configuration k on vseason v as train and evaluate run it: model_train
 * on the group's table, model_score on the season's rows (one thread: a
 * task is already one of many). */
static int run_one(search_ctx *c, int k, const vseason *v, double *pred, err *e)
{
    const space_config *x = &c->j->configs[k];
    model m = {0};
    int rc = model_train(&m, &v->t, x->set, NULL, 0, v->first, v->season - 1, &x->learner, 1, e);
    if (rc == 0)
        rc = model_score(&m, &v->t, v->val_first, v->n_val, pred, NULL, e);
    if (rc == 0)
        rc = record(c, k, v, pred, model_seed(&m), e);
    model_release(&m);
    return rc == 0 ? 0 : err_wrap(e, "validation season %d", v->season);
}

/* Tasks: the families, largest first, then each other configuration on
 * each season. */
static int run_task(void *ctx, void *scratch, int task, err *e)
{
    search_ctx *c = ctx;
    if (task < c->n_fam)
        return run_family(c, &c->fam[task], scratch, e);
    task -= c->n_fam;
    int ns = c->j->n_seasons, k = c->generic[task / ns];
    return run_one(c, k, &c->vs[(size_t)c->group[k] * ns + task % ns], scratch, e);
}

/* ---- the search ---- */

/* Frees what n vseasons hold (each freed pointer reset: a group's tables
 * are released when it is done, and every group again at the end). */
static void release_tables(vseason *vs, int n)
{
    for (int s = 0; vs != NULL && s < n; s++) {
        free(vs[s].x);
        free(vs[s].y);
        free(vs[s].xv);
        free(vs[s].presorted);
        vs[s].x = vs[s].y = vs[s].xv = NULL;
        vs[s].presorted = NULL;
        feature_table_release(&vs[s].t);
    }
}

int search_run(const search_job *j, search_result *r, err *e)
{
    memset(r, 0, sizeof *r);
    int ns = j->n_seasons, nc = j->n_configs, rc = -1;
    if (ns < 1 || nc < 1)
        return err_setk(e, ERR_INPUT, "a search needs a validation season and a configuration");
    search_ctx c = {.j = j, .r = r};
    int *block = NULL, *rep = NULL;
    keyed *order = NULL;
    size_t cells = (size_t)ns * (size_t)nc;
    c.group = malloc((size_t)nc * sizeof *c.group);
    rep = malloc((size_t)nc * sizeof *rep);
    c.generic = malloc((size_t)nc * sizeof *c.generic);
    c.fam = calloc(cells, sizeof *c.fam);
    block = malloc(3 * cells * sizeof *block);
    order = malloc((size_t)nc * sizeof *order);
    r->n_configs = nc;
    r->n_seasons = ns;
    r->expected = calloc(cells, sizeof *r->expected);
    r->train_rows = calloc(cells, sizeof *r->train_rows);
    r->nfeat = calloc(cells, sizeof *r->nfeat);
    if (!c.group || !rep || !c.generic || !c.fam || !block || !order || !r->expected ||
        !r->train_rows || !r->nfeat) {
        err_set(e, "out of memory for a search of %d configurations", nc);
        goto out;
    }
    make_groups(&c, rep);
    c.vs = calloc((size_t)c.n_groups * (size_t)ns, sizeof *c.vs);
    if (c.vs == NULL) {
        err_set(e, "out of memory for a search of %d configurations", nc);
        goto out;
    }
    pool_fns prep = {.run = prepare_season}, score = {scratch_new, run_task, free};
    if (slice_seasons(&c, e) != 0)
        goto out;
    for (c.g = 0; c.g < c.n_groups; c.g++) {
        if (pool_run(j->threads, ns, &prep, &c, e) != 0)
            goto out;
        make_families(&c, block, order);
        c.n_generic = 0;
        for (int k = 0; k < nc; k++)
            if (c.group[k] == c.g && !in_family(&j->configs[k]))
                c.generic[c.n_generic++] = k;
        if (pool_run(j->threads, c.n_fam + c.n_generic * ns, &score, &c, e) != 0)
            goto out;
        release_tables(c.vs + (size_t)c.g * ns, ns);
    }
    rc = 0;
out:
    release_tables(c.vs, c.n_groups * ns);
    free(c.vs);
    free(c.group);
    free(rep);
    free(c.generic);
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
