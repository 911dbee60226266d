#include "ml/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/fsutil.h"
#include "core/jsonbuild.h"
#include "core/jsonfile.h"
#include "core/version.h"
#include "data/features_v2.h"
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

static int copy_names(model *m, const char *const *names, int n, err *e)
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

/* The model's columns of t as a learner_data over all of t's rows: in
 * place when they are consecutive columns of t in the model's order (the
 * spec set, v2's features, the grid baseline's), else copied into *owned;
 * race ids (season * 1000 + round) into *race.  The caller frees *owned
 * and *race. */
typedef struct {
    learner_data d;
    double *owned;
    int *race;
} view;

static int view_of(const model *m, const feature_table *t, view *v, err *e)
{
    memset(v, 0, sizeof *v);
    if (m->nfeat < 1)
        return err_setk(e, ERR_DATA, "a model without features");
    size_t n = (size_t)t->nrows;
    int *col = malloc((size_t)m->nfeat * sizeof *col);
    v->race = malloc((n > 0 ? n : 1) * sizeof *v->race);
    if (col == NULL || v->race == NULL) {
        free(col);
        return err_set(e, "out of memory for %zu rows", n);
    }
    for (size_t i = 0; i < n; i++)
        v->race[i] = t->season[i] * 1000 + t->round[i];
    int consecutive = 1;
    for (int j = 0; j < m->nfeat; j++) {
        col[j] = -1;
        for (int k = 0; k < t->nfeat && col[j] < 0; k++)
            if (strcmp(t->names[k], m->features[j]) == 0)
                col[j] = k;
        if (col[j] < 0) {
            free(col);
            return err_setk(e, ERR_DATA, "features.csv has no column '%s' (rerun the features stage)",
                            m->features[j]);
        }
        consecutive &= j == 0 || col[j] == col[j - 1] + 1;
    }
    const double *x = t->x + (size_t)col[0] * n;
    if (!consecutive) {
        v->owned = malloc((n > 0 ? n : 1) * (size_t)m->nfeat * sizeof *v->owned);
        if (v->owned == NULL) {
            free(col);
            return err_set(e, "out of memory for %zu rows", n);
        }
        for (int j = 0; j < m->nfeat; j++)
            memcpy(v->owned + (size_t)j * n, t->x + (size_t)col[j] * n, n * sizeof *v->owned);
        x = v->owned;
    }
    free(col);
    v->d = (learner_data){.x = x, .stride = t->nrows, .nfeat = m->nfeat,
                          .names = (const char *const *)m->features, .race = v->race,
                          .won = t->won};
    return 0;
}

static void view_release(view *v)
{
    free(v->owned);
    free(v->race);
}

int model_train(model *m, const feature_table *t, feature_set set, const char *const *names,
                int n_names, int first, int last, const learner_params *p, int threads, err *e)
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
    m->set = set;
    m->train_first = first;
    m->train_last = last;
    /* The training seasons are one run of rows, fitted in place: features
     * are built and written in season order. */
    if (run != n)
        return err_setk(e, ERR_DATA,
                        "features.csv is not in season order: the rows of seasons %d-%d are not "
                        "together (rerun the features stage)",
                        first, last);
    if (names == NULL)
        feature_set_features(set, t, &names, &n_names);
    view v = {0};
    int rc = copy_names(m, names, n_names, e);
    if (rc == 0)
        rc = view_of(m, t, &v, e);
    if (rc == 0) {
        v.d.lo = lo;
        v.d.n = n;
        rc = learner_fit(&m->l, p, &v.d, threads, e);
    }
    view_release(&v);
    if (rc != 0)
        model_release(m);
    return rc;
}

int model_score(const model *m, const feature_table *t, int first, int n, double *score,
                double *prob, err *e)
{
    view v;
    if (view_of(m, t, &v, e) != 0) {
        view_release(&v);
        return -1;
    }
    v.d.lo = first;
    v.d.n = n;
    int rc = learner_score(&m->l, &v.d, score, e);
    if (rc == 0 && prob != NULL)
        rc = learner_probabilities(&m->l, &v.d, score, prob, e);
    view_release(&v);
    return rc;
}

int model_check_features(const model *m, const feature_table *t, err *e)
{
    const char *hint = "rerun the train stage on this features.csv";
    feature_set set = feature_set_of(t->names, t->nfeat);
    if (set != m->set)
        return err_setk(e, ERR_DATA,
                        "model.json was trained on the %s features but features.csv holds the %s "
                        "features (rerun the features and train stages with the same input "
                        "'features')",
                        feature_set_names[m->set], feature_set_names[set]);
    if (set != FEATURE_SET_SPEC)
        return 0; /* the set fixes the columns; model_score finds them by name */
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

uint64_t model_seed(const model *m)
{
    return m->l.params.seed;
}

static int format_version(const model *m)
{
    return m->l.params.kind == LEARNER_BAGGING && m->set == FEATURE_SET_SPEC
               ? MODEL_FORMAT_VERSION_BAGGING_SPEC
               : MODEL_FORMAT_VERSION;
}

static cJSON *model_json(const model *m)
{
    int seasons[2] = {m->train_first, m->train_last};
    int version = format_version(m);
    cJSON *root = cJSON_CreateObject();
    if (root == NULL || jsonbuild_put(root, "format", cJSON_CreateString(MODEL_FORMAT)) != 0 ||
        jsonbuild_put(root, "format_version", cJSON_CreateNumber(version)) != 0 ||
        jsonbuild_put(root, "tool_version", cJSON_CreateString(F1_VERSION)) != 0 ||
        (version != MODEL_FORMAT_VERSION_BAGGING_SPEC &&
         (jsonbuild_put(root, "learner", cJSON_CreateString(learner_names[m->l.params.kind])) != 0 ||
          jsonbuild_put(root, "feature_set", cJSON_CreateString(feature_set_names[m->set])) != 0)) ||
        jsonbuild_put(root, "features", cJSON_CreateStringArray((const char *const *)m->features, m->nfeat)) != 0 ||
        learner_params_save(&m->l.params, root) != 0 ||
        jsonbuild_put(root, "train_seasons", cJSON_CreateIntArray(seasons, 2)) != 0 ||
        learner_save(&m->l, root) != 0) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

int model_write(const model *m, const char *path, err *e)
{
    cJSON *root = model_json(m);
    if (root == NULL)
        return err_set(e, "out of memory writing '%s'", path);
    int rc = jsonfile_write(path, root, JSONFILE_COMPACT, e);
    cJSON_Delete(root);
    return rc;
}

/* ---- reading ---- */

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

/* A season: a whole number from 1950 (the first championship) to 9999. */
static int is_season(const cJSON *it)
{
    return cJSON_IsNumber(it) && it->valuedouble == floor(it->valuedouble) && it->valuedouble >= 1950 &&
           it->valuedouble <= 9999;
}

/* "learner" and "feature_set" of a format 2 file. */
static int read_kind(const cJSON *root, learner_kind *kind, feature_set *set, err *e)
{
    const char *l = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "learner"));
    const char *f = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "feature_set"));
    int k = l ? learner_parse(l) : -1, s = f ? feature_set_parse(f) : -1;
    if (k < 0)
        return err_setk(e, ERR_DATA, "'learner' is missing or not one of bagging, clogit");
    if (s < 0)
        return err_setk(e, ERR_DATA, "'feature_set' is missing or not one of spec, v2");
    *kind = (learner_kind)k;
    *set = (feature_set)s;
    return 0;
}

static int read_model(const cJSON *root, model *m, err *e)
{
    const char *format = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "format"));
    if (format == NULL || strcmp(format, MODEL_FORMAT) != 0)
        return err_setk(e, ERR_DATA, "not an f1-mlops model (\"format\" is '%s', expected '%s')",
                        format ? format : "missing", MODEL_FORMAT);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "format_version");
    learner_kind kind = LEARNER_BAGGING;
    m->set = FEATURE_SET_SPEC;
    if (cJSON_IsNumber(v) && v->valuedouble == MODEL_FORMAT_VERSION) {
        if (read_kind(root, &kind, &m->set, e) != 0)
            return -1;
    } else if (!cJSON_IsNumber(v) || v->valuedouble != MODEL_FORMAT_VERSION_BAGGING_SPEC) {
        char got[NUMFMT_MAX];
        return err_setk(e, ERR_DATA,
                        "model format version %s is not a version (%d or %d) this f1-mlops %s "
                        "reads (hint: rerun the train stage with this version to rebuild the "
                        "model)",
                        cJSON_IsNumber(v) ? numfmt_double(v->valuedouble, got) : "missing",
                        MODEL_FORMAT_VERSION_BAGGING_SPEC, MODEL_FORMAT_VERSION, F1_VERSION);
    }
    const cJSON *seasons = cJSON_GetObjectItemCaseSensitive(root, "train_seasons");
    const cJSON *s0 = cJSON_GetArrayItem(seasons, 0), *s1 = cJSON_GetArrayItem(seasons, 1);
    /* whole years only: casting an out-of-range double to int is undefined */
    if (cJSON_GetArraySize(seasons) != 2 || !is_season(s0) || !is_season(s1) ||
        s0->valuedouble > s1->valuedouble)
        return err_setk(e, ERR_DATA, "'train_seasons' is not [first, last]");
    m->train_first = (int)s0->valuedouble;
    m->train_last = (int)s1->valuedouble;
    learner_params p;
    if (learner_params_load(root, kind, &p, e) != 0 || read_features(root, m, e) != 0)
        return -1;
    for (int j = 0; m->set == FEATURE_SET_V2 && j < m->nfeat; j++) {
        int k = 0;
        while (k < FEATURES_V2_NFEAT && strcmp(m->features[j], features_v2_names[k]) != 0)
            k++;
        if (k == FEATURES_V2_NFEAT)
            return err_setk(e, ERR_DATA, "feature '%s' is not one of the v2 features",
                            m->features[j]);
    }
    return learner_load(root, &p, m->nfeat, &m->l, e);
}

int model_parse(const char *data, size_t n, const char *what, model *m, err *e)
{
    memset(m, 0, sizeof *m);
    cJSON *root = jsonfile_parse(data, n, what, e);
    if (root == NULL)
        return -1;
    int rc = read_model(root, m, e);
    cJSON_Delete(root);
    if (rc != 0) {
        model_release(m);
        return err_wrap(e, "model file %s", what);
    }
    return 0;
}

int model_load(const char *path, int flags, model *m, err *e)
{
    memset(m, 0, sizeof *m);
    buf b;
    buf_init(&b, MODEL_FILE_MAX);
    char what[4200];
    snprintf(what, sizeof what, "'%s'", path);
    int rc = fs_read_path(path, flags, &b, e) == 0 ? model_parse(b.data, b.len, what, m, e) : -1;
    buf_release(&b);
    return rc;
}

int model_read(const char *path, model *m, err *e)
{
    return model_load(path, 0, m, e);
}

void model_release(model *m)
{
    if (m == NULL)
        return;
    for (int j = 0; j < m->nfeat && m->features; j++)
        free(m->features[j]);
    free(m->features);
    learner_release(&m->l);
    memset(m, 0, sizeof *m);
}
