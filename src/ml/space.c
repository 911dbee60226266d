#include "ml/space.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"

const char *const space_names[SPACE_NPARAMS] = {
    "bootstrap-features", "bootstrap", "max-features", "max-samples", "max-depth", "n-estimators",
};

uint64_t space_size(const space *s)
{
    /* At most 1e5^3 x 1001 x 2 x 2 (the inputs' ranges): no overflow. */
    uint64_t n = 1;
    for (int i = 0; i < SPACE_NPARAMS; i++)
        n *= s->n[i] > 0 ? (uint64_t)s->n[i] : 1;
    return n;
}

bagging_params space_params(const space *s, uint64_t index, const bagging_params *base)
{
    bagging_params p = *base;
    for (int i = SPACE_NPARAMS - 1; i >= 0; i--) {
        if (s->n[i] == 0)
            continue;
        amount v = s->v[i][index % (uint64_t)s->n[i]];
        index /= (uint64_t)s->n[i];
        switch (i) {
        case SPACE_BOOTSTRAP_FEATURES: p.bootstrap_features = (int)v.value; break;
        case SPACE_BOOTSTRAP: p.bootstrap = (int)v.value; break;
        case SPACE_MAX_FEATURES: p.max_features = v; break;
        case SPACE_MAX_SAMPLES: p.max_samples = v; break;
        case SPACE_MAX_DEPTH: p.max_depth = (int)v.value; break;
        default: p.n_estimators = (int)v.value; break;
        }
    }
    return p;
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

int space_configs(const space *s, space_method method, int trials, uint64_t seed,
                  const char *input, uint64_t **out, int *n, err *e)
{
    *out = NULL;
    *n = 0;
    uint64_t size = space_size(s);
    uint64_t want = size;
    if (method == SPACE_RANDOM && trials >= 1 && (uint64_t)trials < size)
        want = (uint64_t)trials;
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

void space_release(space *s)
{
    if (s == NULL)
        return;
    for (int i = 0; i < SPACE_NPARAMS; i++)
        free(s->v[i]);
    memset(s, 0, sizeof *s);
}
