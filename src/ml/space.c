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

#define NAMES_ALLOWED \
    "n-estimators, max-samples, max-features, max-depth, bootstrap, bootstrap-features"

static int is_amount(int param)
{
    return param == SPACE_MAX_FEATURES || param == SPACE_MAX_SAMPLES;
}

static int is_bool(int param)
{
    return param == SPACE_BOOTSTRAP || param == SPACE_BOOTSTRAP_FEATURES;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

/* One value through the input's own parser; its message loses its
 * "input 'x': " prefix, as ours names both inputs. */
static int parse_value(int param, const char *tok, const char *input, cfg_amount *out, err *e)
{
    err inner;
    err_clear(&inner);
    int iv = 0;
    int rc = is_amount(param) ? config_parse_value(space_names[param], tok, out, &inner)
                              : config_parse_value(space_names[param], tok, &iv, &inner);
    if (rc != 0) {
        const char *msg = inner.msg;
        const char *cut = strstr(msg, "': ");
        if (strncmp(msg, "input '", 7) == 0 && cut != NULL)
            msg = cut + 3;
        return err_setk(e, ERR_INPUT, "input '%s': %s: %s", input, space_names[param], msg);
    }
    if (!is_amount(param))
        *out = (cfg_amount){0, (double)iv};
    return 0;
}

static int append(space *s, int param, cfg_amount v, const char *input, err *e)
{
    for (int i = 0; i < s->n[param]; i++)
        if (s->v[param][i].is_fraction == v.is_fraction && s->v[param][i].value == v.value)
            return err_setk(e, ERR_INPUT, "input '%s': %s lists the value %g twice", input,
                            space_names[param], v.value);
    if (s->n[param] >= SPACE_MAX_VALUES)
        return err_setk(e, ERR_INPUT, "input '%s': %s lists more than %d values", input,
                        space_names[param], SPACE_MAX_VALUES);
    int n = s->n[param];
    if ((n & (n - 1)) == 0) { /* grow at powers of two */
        cfg_amount *p = realloc(s->v[param], (size_t)(n ? 2 * n : 1) * sizeof *p);
        if (p == NULL)
            return err_set(e, "out of memory parsing input '%s'", input);
        s->v[param] = p;
    }
    s->v[param][s->n[param]++] = v;
    return 0;
}

/* "A..B" or "A..B/S": whole numbers from A to B stepping by S. */
static int parse_range(space *s, int param, char *tok, char *dots, const char *input, err *e)
{
    const char *allowed = "A..B or A..B/S with whole numbers A <= B and a step S >= 1";
    if (is_bool(param))
        return err_setk(e, ERR_INPUT, "input '%s': %s takes true or false, not a range '%s'",
                        input, space_names[param], tok);
    *dots = '\0';
    char *hi = dots + 2, *slash = strchr(hi, '/');
    long step = 1;
    if (slash != NULL) {
        *slash = '\0';
        char *end;
        errno = 0;
        step = strtol(slash + 1, &end, 10);
        if (slash[1] == '\0' || *end != '\0' || errno != 0 || step < 1)
            return err_setk(e, ERR_INPUT, "input '%s': %s: bad step '%s' (expected %s)", input,
                            space_names[param], slash + 1, allowed);
    }
    cfg_amount a, b;
    if (parse_value(param, trim(tok), input, &a, e) != 0 ||
        parse_value(param, trim(hi), input, &b, e) != 0)
        return -1;
    if (a.is_fraction || b.is_fraction || b.value < a.value)
        return err_setk(e, ERR_INPUT, "input '%s': %s: bad range (expected %s)", input,
                        space_names[param], allowed);
    for (double v = a.value; v <= b.value; v += (double)step)
        if (append(s, param, (cfg_amount){0, v}, input, e) != 0)
            return -1;
    return 0;
}

static int parse_entry(space *s, char *entry, int *seen, const char *input, err *e)
{
    char *eq = strchr(entry, '=');
    if (eq == NULL)
        return err_setk(e, ERR_INPUT,
                        "input '%s': entry '%s' has no '=' (expected name=value,value,... entries "
                        "separated by ';')",
                        input, entry);
    *eq = '\0';
    char *name = trim(entry);
    int param = -1;
    for (int i = 0; i < SPACE_NPARAMS; i++)
        if (strcmp(name, space_names[i]) == 0)
            param = i;
    if (param < 0)
        return err_setk(e, ERR_INPUT, "input '%s': unknown parameter '%s' (expected %s)", input,
                        name, NAMES_ALLOWED);
    if (seen[param])
        return err_setk(e, ERR_INPUT, "input '%s': %s is listed twice", input, name);
    seen[param] = 1;
    char *save = NULL, *list = eq + 1;
    /* strtok_r would skip empty values; find them first. */
    char *t = trim(list);
    if (*t == '\0' || *t == ',' || t[strlen(t) - 1] == ',' || strstr(t, ",,") != NULL)
        return err_setk(e, ERR_INPUT, "input '%s': %s has an empty value (expected %s=v1,v2,...)",
                        input, name, name);
    for (char *tok = strtok_r(t, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        tok = trim(tok);
        if (*tok == '\0')
            return err_setk(e, ERR_INPUT, "input '%s': %s has an empty value", input, name);
        char *dots = strstr(tok, "..");
        cfg_amount v;
        if (dots != NULL) {
            if (parse_range(s, param, tok, dots, input, e) != 0)
                return -1;
        } else if (parse_value(param, tok, input, &v, e) != 0 ||
                   append(s, param, v, input, e) != 0) {
            return -1;
        }
    }
    return 0;
}

int space_parse(const char *text, const char *input, space *s, err *e)
{
    memset(s, 0, sizeof *s);
    char *copy = strdup(text);
    if (copy == NULL)
        return err_set(e, "out of memory parsing input '%s'", input);
    int seen[SPACE_NPARAMS] = {0}, any = 0, rc = 0;
    char *save = NULL;
    for (char *ent = strtok_r(copy, ";", &save); ent && rc == 0; ent = strtok_r(NULL, ";", &save)) {
        ent = trim(ent);
        if (*ent == '\0')
            continue;
        any = 1;
        rc = parse_entry(s, ent, seen, input, e);
    }
    free(copy);
    if (rc == 0 && !any)
        rc = err_setk(e, ERR_INPUT,
                      "input '%s': empty (expected name=value,value,... entries separated by ';', "
                      "e.g. n-estimators=50,200;max-depth=0,4)",
                      input);
    if (rc != 0)
        space_free(s);
    return rc;
}

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
        cfg_amount v = s->v[i][index % (uint64_t)s->n[i]];
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
        c = cmp_int(config_amount_resolve(a->max_samples, rows),
                    config_amount_resolve(b->max_samples, rows));
    if (c == 0)
        c = cmp_int(config_amount_resolve(a->max_features, feats),
                    config_amount_resolve(b->max_features, feats));
    if (c == 0)
        c = cmp_int(b->bootstrap, a->bootstrap);
    if (c == 0)
        c = cmp_int(b->bootstrap_features, a->bootstrap_features);
    return c;
}

void space_free(space *s)
{
    if (s == NULL)
        return;
    for (int i = 0; i < SPACE_NPARAMS; i++)
        free(s->v[i]);
    memset(s, 0, sizeof *s);
}
