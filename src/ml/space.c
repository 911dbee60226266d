#include "ml/space.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"

const char *const space_names[SPACE_NPARAMS] = {
    "features",  "train-from",         "model",     "l2",           "bootstrap-features",
    "bootstrap", "max-features",       "max-samples", "max-depth", "n-estimators",
};

static uint64_t count(const space *s, int param)
{
    return s->n[param] > 0 ? (uint64_t)s->n[param] : 1;
}

/* a x b and a + b, at most SPACE_SIZE_CAP (a, b <= the cap: no overflow). */
static uint64_t mul_cap(uint64_t a, uint64_t b)
{
    return a != 0 && b > SPACE_SIZE_CAP / a ? SPACE_SIZE_CAP : a * b;
}

static uint64_t add_cap(uint64_t a, uint64_t b)
{
    return a + b > SPACE_SIZE_CAP ? SPACE_SIZE_CAP : a + b;
}

/* The size of learner kind's sub-grid. */
static uint64_t sub_size(const space *s, int kind)
{
    if (kind == LEARNER_CLOGIT)
        return count(s, SPACE_L2);
    uint64_t n = 1;
    for (int i = SPACE_BAGGING_FIRST; i < SPACE_NPARAMS; i++)
        n = mul_cap(n, count(s, i));
    return n;
}

/* The learner of entry k of the model list (the run's own when unlisted). */
static int model_at(const space *s, int k, int model)
{
    return s->n[SPACE_MODEL] > 0 ? (int)s->v[SPACE_MODEL][k].value : model;
}

/* The learners' sub-grids together. */
static uint64_t models_size(const space *s, int model)
{
    uint64_t n = 0;
    for (int k = 0; k < (int)count(s, SPACE_MODEL); k++)
        n = add_cap(n, sub_size(s, model_at(s, k, model)));
    return n;
}

uint64_t space_size(const space *s, learner_kind model)
{
    return mul_cap(mul_cap(count(s, SPACE_FEATURES), count(s, SPACE_TRAIN_FROM)),
                   models_size(s, (int)model));
}

static void bagging_at(const space *s, uint64_t index, bagging_params *p)
{
    for (int i = SPACE_NPARAMS - 1; i >= SPACE_BAGGING_FIRST; i--) {
        if (s->n[i] == 0)
            continue;
        amount v = s->v[i][index % (uint64_t)s->n[i]];
        index /= (uint64_t)s->n[i];
        switch (i) {
        case SPACE_BOOTSTRAP_FEATURES: p->bootstrap_features = (int)v.value; break;
        case SPACE_BOOTSTRAP: p->bootstrap = (int)v.value; break;
        case SPACE_MAX_FEATURES: p->max_features = v; break;
        case SPACE_MAX_SAMPLES: p->max_samples = v; break;
        case SPACE_MAX_DEPTH: p->max_depth = (int)v.value; break;
        default: p->n_estimators = (int)v.value; break;
        }
    }
}

space_config space_params(const space *s, uint64_t index, const space_base *base)
{
    space_config c = {.learner = base->learner, .set = base->set};
    uint64_t m = models_size(s, (int)base->learner.kind);
    uint64_t r = index % m;
    index /= m;
    int from = -1;
    if (s->n[SPACE_TRAIN_FROM] > 0) {
        from = (int)s->v[SPACE_TRAIN_FROM][index % (uint64_t)s->n[SPACE_TRAIN_FROM]].value;
        index /= (uint64_t)s->n[SPACE_TRAIN_FROM];
    }
    if (s->n[SPACE_FEATURES] > 0)
        c.set = (feature_set)s->v[SPACE_FEATURES][index % (uint64_t)s->n[SPACE_FEATURES]].value;
    int kind = (int)base->learner.kind;
    for (int k = 0; k < (int)count(s, SPACE_MODEL); k++) {
        kind = model_at(s, k, (int)base->learner.kind);
        if (r < sub_size(s, kind))
            break;
        r -= sub_size(s, kind);
    }
    c.learner.kind = (learner_kind)kind;
    if (kind == LEARNER_CLOGIT && s->n[SPACE_L2] > 0)
        c.learner.clogit.l2 = s->v[SPACE_L2][r].value;
    else if (kind == LEARNER_BAGGING)
        bagging_at(s, r, &c.learner.bagging);
    c.train_from = from >= 0 ? from : base->train_from[kind];
    return c;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* k distinct indices below n (k < n), drawn uniformly: rejection against
 * an open-addressing set twice k's size, so a draw costs O(1). */
static int draw_distinct(uint64_t n, int k, uint64_t seed, uint64_t *out, err *e)
{
    size_t cap = 1;
    while (cap < 2 * (size_t)k)
        cap *= 2;
    uint64_t *set = malloc(cap * sizeof *set);
    if (set == NULL)
        return err_set(e, "out of memory drawing %d configurations", k);
    for (size_t i = 0; i < cap; i++)
        set[i] = UINT64_MAX; /* never an index: n < UINT64_MAX */
    rng r = rng_stream(seed, SPACE_RNG_STREAM);
    int got = 0;
    while (got < k) {
        uint64_t v = rng_below(&r, n);
        size_t h = (size_t)((v * UINT64_C(0x9E3779B97F4A7C15)) >> 20) & (cap - 1);
        while (set[h] != UINT64_MAX && set[h] != v)
            h = (h + 1) & (cap - 1);
        if (set[h] == v)
            continue;
        set[h] = v;
        out[got++] = v;
    }
    free(set);
    qsort(out, (size_t)k, sizeof *out, cmp_u64);
    return 0;
}

int space_configs(const space *s, learner_kind model, space_method method, int trials,
                  uint64_t seed, const char *input, uint64_t **out, int *n, err *e)
{
    *out = NULL;
    *n = 0;
    uint64_t size = space_size(s, model);
    uint64_t want = size;
    if (method == SPACE_RANDOM && trials >= 1 && (uint64_t)trials < size)
        want = (uint64_t)trials;
    if (size == SPACE_SIZE_CAP)
        return err_setk(e, ERR_INPUT,
                        "input '%s': the space has 2^62 configurations or more (list fewer "
                        "values)",
                        input);
    if (want > SPACE_MAX_CONFIGS)
        return err_setk(e, ERR_INPUT,
                        "input '%s': the grid has %llu configurations, more than %d (list fewer "
                        "values, or use tune: random with tune-trials)",
                        input, (unsigned long long)size, SPACE_MAX_CONFIGS);
    uint64_t *v = malloc((size_t)want * sizeof *v);
    if (v == NULL)
        return err_set(e, "out of memory for %llu configurations", (unsigned long long)want);
    if (want == size) {
        for (uint64_t i = 0; i < size; i++)
            v[i] = i;
    } else if (draw_distinct(size, (int)want, seed, v, e) != 0) {
        free(v);
        return -1;
    }
    *out = v;
    *n = (int)want;
    return 0;
}

static int cmp_int(long a, long b)
{
    return (a > b) - (a < b);
}

int space_simpler(const bagging_params *a, const bagging_params *b, int rows, int feats)
{
    long da = a->max_depth == 0 ? LONG_MAX : a->max_depth;
    long db = b->max_depth == 0 ? LONG_MAX : b->max_depth;
    int c = cmp_int(a->n_estimators, b->n_estimators);
    if (c == 0)
        c = cmp_int(da, db);
    if (c == 0)
        c = cmp_int(amount_resolve(a->max_samples, rows),
                    amount_resolve(b->max_samples, rows));
    if (c == 0)
        c = cmp_int(amount_resolve(a->max_features, feats),
                    amount_resolve(b->max_features, feats));
    if (c == 0)
        c = cmp_int(b->bootstrap, a->bootstrap);
    if (c == 0)
        c = cmp_int(b->bootstrap_features, a->bootstrap_features);
    return c;
}

int space_config_simpler(const space_config *a, const space_config *b, int rows, int feats)
{
    int c = cmp_int(a->learner.kind != LEARNER_CLOGIT, b->learner.kind != LEARNER_CLOGIT);
    if (c == 0)
        c = cmp_int(a->set != FEATURE_SET_V2, b->set != FEATURE_SET_V2);
    if (c == 0)
        c = cmp_int(b->train_from, a->train_from);
    if (c == 0 && a->learner.kind == LEARNER_CLOGIT) {
        double x = a->learner.clogit.l2, y = b->learner.clogit.l2;
        c = (y > x) - (y < x);
    } else if (c == 0) {
        c = space_simpler(&a->learner.bagging, &b->learner.bagging, rows, feats);
    }
    return c;
}

void space_release(space *s)
{
    if (s == NULL)
        return;
    for (int i = 0; i < SPACE_NPARAMS; i++)
        free(s->v[i]);
    memset(s, 0, sizeof *s);
}
