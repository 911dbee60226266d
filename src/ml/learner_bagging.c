/* The bagging learner (learner.h): ml/bagging.h behind the interface, and
 * its part of model.json as format 1 wrote it ("parameters", "seed",
 * "trees"), plus "impute_median" when a training column had missing
 * values. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonfile.h"
#include "core/num.h"
#include "ml/learner_impl.h"
#include "ml/numfmt.h"
#include "ml/standardize.h"

static int has_missing(const learner_data *d)
{
    for (int j = 0; j < d->nfeat; j++)
        for (int i = d->lo; i < d->lo + d->n; i++)
            if (isnan(d->x[(size_t)j * d->stride + i]))
                return 1;
    return 0;
}

/* Rows [lo, lo + n) of d's columns as their own n x nfeat table, NAN
 * replaced by med[j]; NULL when out of memory or (ERR_DATA) a value is
 * missing and med is NULL. */
static double *imputed(const learner_data *d, const double *med, err *e)
{
    size_t n = (size_t)d->n;
    double *x = malloc(n * (size_t)d->nfeat * sizeof *x);
    if (x == NULL) {
        err_set(e, "out of memory imputing %d rows", d->n);
        return NULL;
    }
    for (int j = 0; j < d->nfeat; j++)
        for (size_t k = 0; k < n; k++) {
            double v = d->x[(size_t)j * d->stride + (size_t)d->lo + k];
            if (isnan(v)) {
                if (med == NULL) {
                    free(x);
                    err_setk(e, ERR_DATA,
                             "row %zu: feature '%s' is missing, and the bagging model was trained "
                             "without missing values",
                             (size_t)d->lo + k + 1, d->names ? d->names[j] : "?");
                    return NULL;
                }
                v = med[j];
            }
            x[(size_t)j * n + k] = v;
        }
    return x;
}

static int bag_fit(learner *l, const learner_params *p, const learner_data *d, int threads, err *e)
{
    bagging_params bp = p->bagging;
    bp.seed = p->seed;
    l->params.bagging.seed = p->seed;
    if (!has_missing(d))
        return bagging_fit_rows(&l->bag, &bp, d->x, d->won, d->stride, d->lo, d->n, d->nfeat,
                                threads, e);
    /* Missing values (v2 features): the training medians stand in. */
    size_t nf = (size_t)d->nfeat;
    /* mean (nf), sd (nf), then the fit's n doubles of work */
    double *scratch = malloc(((size_t)d->n + 2 * nf) * sizeof *scratch);
    l->impute = malloc(nf * sizeof *l->impute);
    if (scratch == NULL || l->impute == NULL) {
        free(scratch);
        return err_set(e, "out of memory for %zu medians", nf);
    }
    double *mean = scratch, *sd = mean + nf;
    int rc = standardize_fit(d->x, d->stride, d->lo, d->n, d->nfeat, d->names, l->impute, mean, sd,
                             sd + nf, e);
    double *x = rc == 0 ? imputed(d, l->impute, e) : NULL;
    free(scratch);
    if (x == NULL)
        return -1;
    rc = bagging_fit_rows(&l->bag, &bp, x, d->won + d->lo, d->n, 0, d->n, d->nfeat, threads, e);
    free(x);
    return rc;
}

static int bag_score(const learner *l, const learner_data *d, double *out, err *e)
{
    if (l->impute == NULL && !has_missing(d)) {
        bagging_predict(&l->bag, d->x, d->stride, d->lo, d->n, out);
        return 0;
    }
    double *x = imputed(d, l->impute, e);
    if (x == NULL)
        return -1;
    bagging_predict(&l->bag, x, d->n, 0, d->n, out);
    free(x);
    return 0;
}

/* Scores are means of 0/1 leaves, so >= 0; normalised to sum 1. */
static void bag_race_probabilities(const double *s, int n, double *prob)
{
    double sum = 0.0;
    for (int i = 0; i < n; i++)
        sum += s[i] > 0.0 ? s[i] : 0.0;
    for (int i = 0; i < n; i++)
        prob[i] = sum > 0.0 ? (s[i] > 0.0 ? s[i] : 0.0) / sum : 1.0 / n;
}

static cJSON *bag_params_json(const learner_params *lp)
{
    const bagging_params *p = &lp->bagging;
    char samples[64], features[64], seed[32];
    amount_str(p->max_samples, samples, sizeof samples);
    amount_str(p->max_features, features, sizeof features);
    snprintf(seed, sizeof seed, "%" PRIu64, lp->seed);
    cJSON *o = cJSON_CreateObject();
    if (o == NULL || jsonbuild_put(o, "n-estimators", cJSON_CreateNumber(p->n_estimators)) != 0 ||
        jsonbuild_put(o, "max-samples", cJSON_CreateString(samples)) != 0 ||
        jsonbuild_put(o, "max-features", cJSON_CreateString(features)) != 0 ||
        jsonbuild_put(o, "bootstrap", cJSON_CreateBool(p->bootstrap)) != 0 ||
        jsonbuild_put(o, "bootstrap-features", cJSON_CreateBool(p->bootstrap_features)) != 0 ||
        jsonbuild_put(o, "max-depth", cJSON_CreateNumber(p->max_depth)) != 0 ||
        jsonbuild_put(o, "seed", cJSON_CreateString(seed)) != 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static int bag_params_save(const learner_params *p, cJSON *root)
{
    char seed[32];
    snprintf(seed, sizeof seed, "%" PRIu64, p->seed);
    if (jsonbuild_put(root, "parameters", bag_params_json(p)) != 0 ||
        jsonbuild_put(root, "seed", cJSON_CreateString(seed)) != 0)
        return -1;
    return 0;
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
    double v = 0.0;
    err ignored; /* the message below says what is expected */
    out->is_fraction = s && strchr(s, '.') != NULL;
    if (s == NULL || num_parse_finite(s, 0.0, 1e8, &v, &ignored) != 0 ||
        (out->is_fraction ? !(v > 0.0 && v <= 1.0) : !(v >= 1.0 && v == floor(v))))
        return err_setk(e, ERR_DATA, "'%s' is missing or not a count or a fraction in (0, 1]", key);
    out->value = v;
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

static int bag_params_load(const cJSON *root, learner_params *lp, err *e)
{
    bagging_params *p = &lp->bagging;
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
    if (get_seed(root, &lp->seed, e) != 0 || get_seed(o, &seed, e) != 0)
        return -1;
    if (seed != lp->seed)
        return err_setk(e, ERR_DATA, "the two 'seed' values differ");
    p->seed = lp->seed;
    return 0;
}

static cJSON *tree_json(const tree *t)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL || jsonbuild_put(o, "feature", cJSON_CreateIntArray(t->feature, t->n_nodes)) != 0 ||
        jsonbuild_put(o, "threshold", numfmt_json_array(t->threshold, t->n_nodes)) != 0 ||
        jsonbuild_put(o, "left", cJSON_CreateIntArray(t->left, t->n_nodes)) != 0 ||
        jsonbuild_put(o, "right", cJSON_CreateIntArray(t->right, t->n_nodes)) != 0 ||
        jsonbuild_put(o, "value", numfmt_json_array(t->value, t->n_nodes)) != 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static int bag_save(const learner *l, cJSON *root)
{
    cJSON *trees = cJSON_CreateArray();
    if (trees == NULL)
        return -1;
    for (int i = 0; i < l->bag.n_trees; i++) {
        cJSON *t = tree_json(&l->bag.trees[i]);
        if (t == NULL) {
            cJSON_Delete(trees);
            return -1;
        }
        cJSON_AddItemToArray(trees, t);
    }
    if (l->impute != NULL &&
        jsonbuild_put(root, "impute_median", numfmt_json_array(l->impute, l->nfeat)) != 0) {
        cJSON_Delete(trees);
        return -1;
    }
    return jsonbuild_put(root, "trees", trees);
}

static int read_tree(const cJSON *o, int nfeat, tree *t, err *e)
{
    int n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "feature"));
    if (!cJSON_IsObject(o) || n < 1)
        return err_setk(e, ERR_DATA, "not an object with a non-empty 'feature' array");
    if (tree_alloc(t, n, e) != 0)
        return -1;
    /* A threshold or leaf value must be finite, or every prediction
     * through it is NaN or infinite. */
    if (jsonfile_num_array(o, "feature", n, -HUGE_VAL, NULL, t->feature, e) != 0 ||
        jsonfile_num_array(o, "threshold", n, -HUGE_VAL, t->threshold, NULL, e) != 0 ||
        jsonfile_num_array(o, "left", n, -HUGE_VAL, NULL, t->left, e) != 0 ||
        jsonfile_num_array(o, "right", n, -HUGE_VAL, NULL, t->right, e) != 0 ||
        jsonfile_num_array(o, "value", n, -HUGE_VAL, t->value, NULL, e) != 0)
        return -1;
    return tree_check(t, nfeat, e);
}

static int bag_load(const cJSON *root, int nfeat, learner *l, err *e)
{
    if (cJSON_HasObjectItem(root, "impute_median")) {
        l->impute = malloc((size_t)nfeat * sizeof *l->impute);
        if (l->impute == NULL)
            return err_set(e, "out of memory for %d medians", nfeat);
        if (jsonfile_num_array(root, "impute_median", nfeat, -HUGE_VAL, l->impute, NULL, e) != 0)
            return -1;
    }
    int want = l->params.bagging.n_estimators;
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "trees");
    int n = cJSON_GetArraySize(a);
    if (!cJSON_IsArray(a) || n != want)
        return err_setk(e, ERR_DATA, "'trees' is missing or does not hold n-estimators = %d trees",
                        want);
    l->bag.trees = calloc((size_t)n, sizeof *l->bag.trees);
    if (l->bag.trees == NULL)
        return err_set(e, "out of memory for %d trees", n);
    l->bag.n_trees = n;
    l->bag.nfeat = nfeat;
    int i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, a) {
        if (read_tree(it, nfeat, &l->bag.trees[i], e) != 0)
            return err_wrap(e, "tree %d", i);
        i++;
    }
    return 0;
}

static void bag_release(learner *l)
{
    bagging_release(&l->bag);
    free(l->impute);
    l->impute = NULL;
}

const learner_ops learner_bagging_ops = {
    .fit = bag_fit,
    .score = bag_score,
    .race_probabilities = bag_race_probabilities,
    .params_json = bag_params_json,
    .params_save = bag_params_save,
    .params_load = bag_params_load,
    .save = bag_save,
    .load = bag_load,
    .release = bag_release,
};
