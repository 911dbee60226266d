#include "data/feature_set.h"

#include <stdlib.h>
#include <string.h>

#include "data/features_v2.h"

const char *const feature_set_names[FEATURE_SET_COUNT] = {"spec", "v2"};

int feature_set_parse(const char *s)
{
    for (int i = 0; i < FEATURE_SET_COUNT; i++)
        if (strcmp(s, feature_set_names[i]) == 0)
            return i;
    return -1;
}

/* The v2 table with season and round put before its columns. */
static int with_keys(const feature_table *v, feature_table *out, err *e)
{
    int n = v->nrows, nf = FEATURE_SET_V2_KEYS + v->nfeat;
    if (feature_table_alloc(out, n, nf, e) != 0)
        return -1;
    static const char *const keys[FEATURE_SET_V2_KEYS] = {"season", "round"};
    for (int j = 0; j < nf; j++) {
        out->names[j] = strdup(j < FEATURE_SET_V2_KEYS ? keys[j] : v->names[j - FEATURE_SET_V2_KEYS]);
        if (out->names[j] == NULL)
            return err_set(e, "features: out of memory");
    }
    size_t sn = (size_t)n;
    for (int i = 0; i < n; i++) {
        out->driver_id[i] = strdup(v->driver_id[i]);
        if (out->driver_id[i] == NULL)
            return err_set(e, "features: out of memory");
        out->x[i] = v->season[i];
        out->x[sn + i] = v->round[i];
    }
    memcpy(out->x + FEATURE_SET_V2_KEYS * sn, v->x, sn * (size_t)v->nfeat * sizeof *v->x);
    memcpy(out->won, v->won, sn * sizeof *v->won);
    memcpy(out->season, v->season, sn * sizeof *v->season);
    memcpy(out->round, v->round, sn * sizeof *v->round);
    return 0;
}

int feature_set_build(feature_set s, const prepared *p, const qualifying_table *q, int first_train,
                      int last_train, feature_table *out, err *e)
{
    memset(out, 0, sizeof *out);
    if (s == FEATURE_SET_SPEC)
        return feature_table_build(p, first_train, last_train, out, e);
    feature_table v = {0};
    int rc = features_v2_build(p, q, &v, e);
    if (rc == 0 && (rc = with_keys(&v, out, e)) != 0)
        feature_table_release(out);
    feature_table_release(&v);
    return rc;
}

feature_set feature_set_of(char *const *names, int nfeat)
{
    if (nfeat != FEATURE_SET_V2_KEYS + FEATURES_V2_NFEAT || strcmp(names[0], "season") != 0 ||
        strcmp(names[1], "round") != 0)
        return FEATURE_SET_SPEC;
    for (int j = 0; j < FEATURES_V2_NFEAT; j++)
        if (strcmp(names[FEATURE_SET_V2_KEYS + j], features_v2_names[j]) != 0)
            return FEATURE_SET_SPEC;
    return FEATURE_SET_V2;
}

void feature_set_features(feature_set s, const feature_table *t, const char *const **names, int *n)
{
    if (s == FEATURE_SET_V2) {
        *names = features_v2_names;
        *n = FEATURES_V2_NFEAT;
    } else {
        *names = (const char *const *)t->names;
        *n = t->nfeat;
    }
}

int feature_set_missing_ok(feature_set s, int j)
{
    return s == FEATURE_SET_V2 && j >= FEATURE_SET_V2_KEYS;
}
