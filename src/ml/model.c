#include "ml/model.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fsutil.h"
#include "core/jsonfile.h"
#include "core/version.h"
#include "ml/numfmt.h"

void model_season_counts(const feature_table *t, int first, int last, int *rows, int *races)
{
    int n = 0, r = 0;
    for (int i = 0; i < t->nrows; i++) {
        if (t->season[i] < first || t->season[i] > last)
            continue;
        n++;
        /* Rows of a race are adjacent (prepared order). */
        if (n == 1 || t->season[i] != t->season[i - 1] || t->round[i] != t->round[i - 1])
            r++;
    }
    *rows = n;
    *races = r;
}

static int copy_names(model *m, char *const *names, int n, err *e)
{
    m->features = calloc((size_t)(n > 0 ? n : 1), sizeof *m->features);
    if (m->features == NULL)
        return err_set(e, "out of memory for feature names");
    m->nfeat = n;
    for (int j = 0; j < n; j++) {
        m->features[j] = strdup(names[j]);
        if (m->features[j] == NULL)
            return err_set(e, "out of memory for feature names");
    }
    return 0;
}

int model_train(model *m, const feature_table *t, int first, int last, const bagging_params *p,
                int threads, err *e)
{
    memset(m, 0, sizeof *m);
    int n, races;
    model_season_counts(t, first, last, &n, &races);
    if (n == 0)
        return err_setk(e, ERR_DATA, "features.csv has no rows of the training seasons %d-%d", first,
                        last);
    int lo = 0, run = 0;
    while (lo < t->nrows && !(t->season[lo] >= first && t->season[lo] <= last))
        lo++;
    while (lo + run < t->nrows && t->season[lo + run] >= first && t->season[lo + run] <= last)
        run++;
    m->params = *p;
    m->train_first = first;
    m->train_last = last;
    /* The training seasons are one run of rows, fitted in place: features
     * are built and written in season order. */
    if (run != n)
        return err_setk(e, ERR_DATA,
                        "features.csv is not in season order: the rows of seasons %d-%d are not "
                        "together (rerun the features stage)",
                        first, last);
    int rc = copy_names(m, t->names, t->nfeat, e);
    if (rc == 0)
        rc = bagging_fit_rows(&m->bag, p, t->x, t->won, t->nrows, lo, n, t->nfeat, threads, e);
    if (rc != 0)
        model_release(m);
    return rc;
}

void model_predict(const model *m, const feature_table *t, int first, int n, double *out)
{
    bagging_predict(&m->bag, t->x, t->nrows, first, n, out);
}

int model_check_features(const model *m, const feature_table *t, err *e)
{
    const char *hint = "rerun the train stage on this features.csv";
    for (int j = 0; j < m->nfeat && j < t->nfeat; j++)
        if (strcmp(m->features[j], t->names[j]) != 0)
            return err_setk(e, ERR_DATA,
                            "model.json's feature %d is '%s' but features.csv's is '%s' (%s)",
                            j + 1, m->features[j], t->names[j], hint);
    if (m->nfeat != t->nfeat)
        return err_setk(e, ERR_DATA, "model.json has %d features but features.csv has %d (%s)",
                        m->nfeat, t->nfeat, hint);
    return 0;
}

/* Adds item under key (item NULL = out of memory); returns 0 or -1. */
static int put(cJSON *obj, const char *key, cJSON *item)
{
    if (item == NULL)
        return -1;
    cJSON_AddItemToObject(obj, key, item);
    return 0;
}

cJSON *model_params_json(const bagging_params *p)
{
    char samples[64], features[64], seed[32];
    amount_str(p->max_samples, samples, sizeof samples);
    amount_str(p->max_features, features, sizeof features);
    snprintf(seed, sizeof seed, "%" PRIu64, p->seed);
    cJSON *o = cJSON_CreateObject();
    if (o == NULL || put(o, "n-estimators", cJSON_CreateNumber(p->n_estimators)) != 0 ||
        put(o, "max-samples", cJSON_CreateString(samples)) != 0 ||
        put(o, "max-features", cJSON_CreateString(features)) != 0 ||
        put(o, "bootstrap", cJSON_CreateBool(p->bootstrap)) != 0 ||
        put(o, "bootstrap-features", cJSON_CreateBool(p->bootstrap_features)) != 0 ||
        put(o, "max-depth", cJSON_CreateNumber(p->max_depth)) != 0 ||
        put(o, "seed", cJSON_CreateString(seed)) != 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *tree_json(const tree *t)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL || put(o, "feature", cJSON_CreateIntArray(t->feature, t->n_nodes)) != 0 ||
        put(o, "threshold", numfmt_json_array(t->threshold, t->n_nodes)) != 0 ||
        put(o, "left", cJSON_CreateIntArray(t->left, t->n_nodes)) != 0 ||
        put(o, "right", cJSON_CreateIntArray(t->right, t->n_nodes)) != 0 ||
        put(o, "value", numfmt_json_array(t->value, t->n_nodes)) != 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *model_json(const model *m)
{
    char seed[32];
    snprintf(seed, sizeof seed, "%" PRIu64, m->params.seed);
    int seasons[2] = {m->train_first, m->train_last};
    cJSON *root = cJSON_CreateObject();
    cJSON *trees = cJSON_CreateArray();
    if (root == NULL || trees == NULL)
        goto fail;
    for (int i = 0; i < m->bag.n_trees; i++) {
        cJSON *t = tree_json(&m->bag.trees[i]);
        if (t == NULL)
            goto fail;
        cJSON_AddItemToArray(trees, t);
    }
    if (put(root, "format", cJSON_CreateString(MODEL_FORMAT)) != 0 ||
        put(root, "format_version", cJSON_CreateNumber(MODEL_FORMAT_VERSION)) != 0 ||
        put(root, "tool_version", cJSON_CreateString(F1_VERSION)) != 0 ||
        put(root, "features", cJSON_CreateStringArray((const char *const *)m->features, m->nfeat)) != 0 ||
        put(root, "parameters", model_params_json(&m->params)) != 0 ||
        put(root, "seed", cJSON_CreateString(seed)) != 0 ||
        put(root, "train_seasons", cJSON_CreateIntArray(seasons, 2)) != 0)
        goto fail;
    cJSON_AddItemToObject(root, "trees", trees);
    return root;
fail:
    cJSON_Delete(trees);
    cJSON_Delete(root);
    return NULL;
}

int model_write(const model *m, const char *path, err *e)
{
    cJSON *root = model_json(m);
    int rc = jsonfile_write(path, root, JSONFILE_COMPACT, e);
    cJSON_Delete(root);
    return rc;
}

/* ---- reading ---- */

/* An integer-valued number in [lo, hi] at key of obj into *out. */
static int get_int(const cJSON *obj, const char *key, int lo, int hi, int *out, err *e)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsNumber(it) || it->valuedouble != floor(it->valuedouble) || it->valuedouble < lo ||
        it->valuedouble > hi)
        return err_setk(e, ERR_DATA, "'%s' is missing or not a whole number in [%d, %d]", key, lo,
                        hi);
    *out = (int)it->valuedouble;
    return 0;
}

static int get_bool(const cJSON *obj, const char *key, int *out, err *e)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsBool(it))
        return err_setk(e, ERR_DATA, "'%s' is missing or not true/false", key);
    *out = cJSON_IsTrue(it);
    return 0;
}

/* "10" (a count) or "0.5" (a fraction in (0, 1]), as amount_str
 * writes them. */
static int get_amount(const cJSON *obj, const char *key, amount *out, err *e)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, key));
    char *end = NULL;
    errno = 0;
    double v = s ? strtod(s, &end) : 0.0;
    out->is_fraction = s && strchr(s, '.') != NULL;
    out->value = v;
    if (s == NULL || s[0] == '\0' || *end != '\0' || errno != 0 ||
        (out->is_fraction ? !(v > 0.0 && v <= 1.0) : !(v >= 1.0 && v == floor(v) && v <= 1e8)))
        return err_setk(e, ERR_DATA, "'%s' is missing or not a count or a fraction in (0, 1]", key);
    return 0;
}

static int get_seed(const cJSON *obj, uint64_t *out, err *e)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "seed"));
    char *end = NULL;
    errno = 0;
    unsigned long long v = s ? strtoull(s, &end, 10) : 0;
    if (s == NULL || s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0)
        return err_setk(e, ERR_DATA, "'seed' is missing or not a decimal string");
    *out = (uint64_t)v;
    return 0;
}

static int read_params(const cJSON *root, bagging_params *p, err *e)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, "parameters");
    if (!cJSON_IsObject(o))
        return err_setk(e, ERR_DATA, "'parameters' is missing");
    if (get_int(o, "n-estimators", 1, 100000000, &p->n_estimators, e) != 0 ||
        get_amount(o, "max-samples", &p->max_samples, e) != 0 ||
        get_amount(o, "max-features", &p->max_features, e) != 0 ||
        get_bool(o, "bootstrap", &p->bootstrap, e) != 0 ||
        get_bool(o, "bootstrap-features", &p->bootstrap_features, e) != 0 ||
        get_int(o, "max-depth", 0, 1000000, &p->max_depth, e) != 0)
        return -1;
    uint64_t seed;
    if (get_seed(root, &p->seed, e) != 0 || get_seed(o, &seed, e) != 0)
        return -1;
    if (seed != p->seed)
        return err_setk(e, ERR_DATA, "the two 'seed' values differ");
    return 0;
}

static int read_features(const cJSON *root, model *m, err *e)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "features");
    int n = cJSON_GetArraySize(a);
    if (!cJSON_IsArray(a) || n < 1)
        return err_setk(e, ERR_DATA, "'features' is missing or empty");
    m->features = calloc((size_t)n, sizeof *m->features);
    if (m->features == NULL)
        return err_set(e, "out of memory for feature names");
    m->nfeat = n;
    int j = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, a) {
        if (!cJSON_IsString(it))
            return err_setk(e, ERR_DATA, "feature %d is not a string", j + 1);
        m->features[j] = strdup(it->valuestring);
        if (m->features[j++] == NULL)
            return err_set(e, "out of memory for feature names");
    }
    return 0;
}

/* Fills n entries of ints or doubles (one of them NULL) from array key. */
static int read_array(const cJSON *obj, const char *key, int n, int *ints, double *dbls, err *e)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != n)
        return err_setk(e, ERR_DATA, "'%s' is missing or does not have %d entries", key, n);
    int i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, a) {
        double v = it->valuedouble;
        if (!cJSON_IsNumber(it) || (ints && (v != floor(v) || fabs(v) > 2e9)))
            return err_setk(e, ERR_DATA, "'%s' entry %d is not a %s", key, i,
                            ints ? "whole number" : "number");
        if (ints)
            ints[i] = (int)v;
        else
            dbls[i] = v;
        i++;
    }
    return 0;
}

static int read_tree(const cJSON *o, int nfeat, tree *t, err *e)
{
    int n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "feature"));
    if (!cJSON_IsObject(o) || n < 1)
        return err_setk(e, ERR_DATA, "not an object with a non-empty 'feature' array");
    if (tree_alloc(t, n, e) != 0)
        return -1;
    if (read_array(o, "feature", n, t->feature, NULL, e) != 0 ||
        read_array(o, "threshold", n, NULL, t->threshold, e) != 0 ||
        read_array(o, "left", n, t->left, NULL, e) != 0 ||
        read_array(o, "right", n, t->right, NULL, e) != 0 ||
        read_array(o, "value", n, NULL, t->value, e) != 0)
        return -1;
    return tree_check(t, nfeat, e);
}

static int read_trees(const cJSON *root, model *m, err *e)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "trees");
    int n = cJSON_GetArraySize(a);
    if (!cJSON_IsArray(a) || n != m->params.n_estimators)
        return err_setk(e, ERR_DATA, "'trees' is missing or does not hold n-estimators = %d trees",
                        m->params.n_estimators);
    m->bag.trees = calloc((size_t)n, sizeof *m->bag.trees);
    if (m->bag.trees == NULL)
        return err_set(e, "out of memory for %d trees", n);
    m->bag.n_trees = n;
    m->bag.nfeat = m->nfeat;
    int i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, a) {
        if (read_tree(it, m->nfeat, &m->bag.trees[i], e) != 0)
            return err_wrap(e, "tree %d", i);
        i++;
    }
    return 0;
}

/* A season: a whole number from 1950 (the first championship) to 9999. */
static int is_season(const cJSON *it)
{
    return cJSON_IsNumber(it) && it->valuedouble == floor(it->valuedouble) && it->valuedouble >= 1950 &&
           it->valuedouble <= 9999;
}

static int read_model(const cJSON *root, model *m, err *e)
{
    const char *format = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "format"));
    if (format == NULL || strcmp(format, MODEL_FORMAT) != 0)
        return err_setk(e, ERR_DATA, "not an f1-mlops model (\"format\" is '%s', expected '%s')",
                        format ? format : "missing", MODEL_FORMAT);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "format_version");
    if (!cJSON_IsNumber(v) || v->valuedouble != MODEL_FORMAT_VERSION) {
        char got[NUMFMT_MAX];
        return err_setk(e, ERR_DATA,
                        "model format version %s is not the version %d this f1-mlops %s reads "
                        "(hint: rerun the train stage with this version to rebuild the model)",
                        cJSON_IsNumber(v) ? numfmt_double(v->valuedouble, got) : "missing",
                        MODEL_FORMAT_VERSION, F1_VERSION);
    }
    const cJSON *seasons = cJSON_GetObjectItemCaseSensitive(root, "train_seasons");
    const cJSON *s0 = cJSON_GetArrayItem(seasons, 0), *s1 = cJSON_GetArrayItem(seasons, 1);
    /* whole years only: casting an out-of-range double to int is undefined */
    if (cJSON_GetArraySize(seasons) != 2 || !is_season(s0) || !is_season(s1) ||
        s0->valuedouble > s1->valuedouble)
        return err_setk(e, ERR_DATA, "'train_seasons' is not [first, last]");
    m->train_first = (int)s0->valuedouble;
    m->train_last = (int)s1->valuedouble;
    if (read_params(root, &m->params, e) != 0 || read_features(root, m, e) != 0)
        return -1;
    return read_trees(root, m, e);
}

int model_read(const char *path, model *m, err *e)
{
    memset(m, 0, sizeof *m);
    cJSON *root = jsonfile_load(path, 0, e);
    if (root == NULL)
        return -1;
    int rc = read_model(root, m, e);
    cJSON_Delete(root);
    if (rc != 0) {
        model_release(m);
        return err_wrap(e, "model file '%s'", path);
    }
    return 0;
}

void model_release(model *m)
{
    if (m == NULL)
        return;
    for (int j = 0; j < m->nfeat && m->features; j++)
        free(m->features[j]);
    free(m->features);
    bagging_release(&m->bag);
    memset(m, 0, sizeof *m);
}
