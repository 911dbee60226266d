/* tune results: choosing, tune.json, and what train, evaluate and
 * metrics.json take from it (tune.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fsutil.h"
#include "core/jsonbuild.h"
#include "core/jsonfile.h"
#include "core/log.h"
#include "ml/model.h"
#include "ml/numfmt.h"
#include "stages/tune.h"

#define TUNE_FORMAT "f1-mlops-tune"

/* Configuration c's mean score over test season `season`'s validation
 * seasons, summed in season order. */
static double mean_score(const tune_plan *pl, const double *expected, int c, int season)
{
    int s0 = season - pl->k - pl->seasons[0];
    double sum = 0.0;
    for (int s = s0; s < s0 + pl->k; s++)
        sum += expected[(size_t)c * pl->n_seasons + s];
    return sum / pl->k;
}

int tune_choose(const tune_plan *pl, const tune_scores *sc, int season, double *score)
{
    double best = -INFINITY;
    for (int c = 0; c < pl->n; c++) {
        double m = mean_score(pl, sc->expected, c, season);
        if (m > best)
            best = m;
    }
    size_t ns = (size_t)pl->n_seasons, ref = (size_t)(season - 1 - pl->seasons[0]);
    int win = -1;
    space_config wp = {0};
    for (int c = 0; c < pl->n; c++) {
        if (mean_score(pl, sc->expected, c, season) < best - TUNE_TIE)
            continue;
        /* Amounts resolve on c's training set: the order only reaches them
         * when c and the winner share their feature set and seasons. */
        space_config p = tune_plan_params(pl, c);
        if (win < 0 || space_config_simpler(&p, &wp, sc->train_rows[c * ns + ref],
                                            sc->nfeat[c * ns + ref]) < 0) {
            win = c;
            wp = p;
        }
    }
    *score = mean_score(pl, sc->expected, win, season);
    return win;
}

/* Adds configuration c of pl to o (tune_config_json). */
static void add_config(cJSON *o, const tune_plan *pl, int c, int *oom)
{
    space_config x = tune_plan_params(pl, c);
    tune_config_json(o, &x, oom);
}

static void log_choice(const tune_plan *pl, int season, int c, double score)
{
    space_config x = tune_plan_params(pl, c);
    char what[256];
    if (x.learner.kind == LEARNER_CLOGIT) {
        snprintf(what, sizeof what, "clogit, l2 %g", x.learner.clogit.l2);
    } else {
        const bagging_params *p = &x.learner.bagging;
        char samples[32], feats[32];
        amount_str(p->max_samples, samples, sizeof samples);
        amount_str(p->max_features, feats, sizeof feats);
        snprintf(what, sizeof what,
                 "bagging, n-estimators %d, max-samples %s, max-features %s, max-depth %d, "
                 "bootstrap %s, bootstrap-features %s",
                 p->n_estimators, samples, feats, p->max_depth, p->bootstrap ? "true" : "false",
                 p->bootstrap_features ? "true" : "false");
    }
    log_info("tune: test season %d: chose configuration %d of %d (%s; %s features, training "
             "from %d): mean expected precision %.4f on %d-%d",
             season, c + 1, pl->n, what, feature_set_names[x.set], x.train_from, score,
             season - pl->k, season - 1);
}

int tune_write(const stage_ctx *ctx, const tune_plan *pl, const tune_scores *sc,
               const char *data_sha256, int shards, double seconds, err *e)
{
    int oom = 0, ns = pl->n_seasons, rc = -1;
    cJSON *root = tune_doc_new(pl, TUNE_FORMAT, data_sha256, seconds, &oom);
    jsonbuild_add(root, "shards", cJSON_CreateNumber(shards), &oom);
    cJSON *configs = jsonbuild_add(root, "configurations", cJSON_CreateArray(), &oom);
    for (int c = 0; c < pl->n && !oom; c++) {
        size_t at = (size_t)c * ns;
        cJSON *o = jsonbuild_add(configs, NULL, cJSON_CreateObject(), &oom);
        add_config(o, pl, c, &oom);
        jsonbuild_add(o, "expected_precision", numfmt_json_array(sc->expected + at, ns), &oom);
        jsonbuild_add(o, "train_rows", cJSON_CreateIntArray(sc->train_rows + at, ns), &oom);
        jsonbuild_add(o, "features", cJSON_CreateIntArray(sc->nfeat + at, ns), &oom);
    }
    cJSON *chosen = jsonbuild_add(root, "chosen", cJSON_CreateArray(), &oom);
    for (int season = pl->test_first; season <= pl->test_last && !oom; season++) {
        double score;
        int c = tune_choose(pl, sc, season, &score);
        int vs[2] = {season - pl->k, season - 1};
        cJSON *o = jsonbuild_add(chosen, NULL, cJSON_CreateObject(), &oom);
        jsonbuild_add(o, "test_season", cJSON_CreateNumber(season), &oom);
        jsonbuild_add(o, "validation_seasons", cJSON_CreateIntArray(vs, 2), &oom);
        jsonbuild_add(o, "configuration", cJSON_CreateNumber(c), &oom);
        add_config(o, pl, c, &oom);
        jsonbuild_add(o, "validation_score", numfmt_json(score), &oom);
        log_choice(pl, season, c, score);
    }
    char path[CFG_STR_MAX + 64];
    stage_path(ctx, FILE_TUNE, path, sizeof path);
    if (oom)
        err_set(e, "out of memory writing %s", FILE_TUNE);
    else
        rc = jsonfile_write(path, root, JSONFILE_COMPACT, e);
    cJSON_Delete(root);
    return rc;
}

/* ---- reading tune.json ---- */

/* Names the first key of want whose value got does not match. */
static const char *first_difference(const cJSON *want, const cJSON *got)
{
    for (const cJSON *w = want ? want->child : NULL; w; w = w->next)
        if (!cJSON_Compare(w, cJSON_GetObjectItemCaseSensitive(got, w->string), 1))
            return w->string;
    return NULL;
}

/* The plan of ctx's inputs and tune.json, checked to answer them. */
static int load(stage_ctx *ctx, tune_plan *pl, cJSON **root, err *e)
{
    char path[CFG_STR_MAX + 64];
    *root = NULL;
    if (tune_plan_make(ctx, pl, e) != 0)
        return -1;
    stage_path(ctx, FILE_TUNE, path, sizeof path);
    cJSON *want = NULL;
    if (!fs_exists(path)) {
        err_setk(e, ERR_DATA,
                 "no %s in data-dir: run the tune stage (or tune-merge after the tune shards) "
                 "with these inputs first",
                 FILE_TUNE);
        goto fail;
    }
    *root = jsonfile_load(path, 0, e);
    if (*root == NULL)
        goto fail;
    if (strcmp(jsonfile_str(*root, "format", ""), TUNE_FORMAT) != 0 ||
        jsonfile_num(*root, "format_version", 0) != TUNE_FORMAT_VERSION) {
        err_setk(e, ERR_DATA, "%s is not a version %d tune file: rerun the tune stage", path,
                 TUNE_FORMAT_VERSION);
        goto fail;
    }
    want = tune_plan_json(pl);
    const char *diff = first_difference(want, cJSON_GetObjectItemCaseSensitive(*root, "search"));
    if (want == NULL || diff != NULL) {
        err_setk(e, ERR_DATA,
                 "%s answers other inputs (its search's '%s' differs): rerun the tune stage "
                 "with these inputs",
                 path, diff ? diff : "?");
        goto fail;
    }
    cJSON_Delete(want);
    return 0;
fail:
    cJSON_Delete(want);
    cJSON_Delete(*root);
    *root = NULL;
    tune_plan_release(pl);
    return -1;
}

/* The configuration tune.json chose for `season`, or -1 (e set). */
static int chosen_of(const tune_plan *pl, const cJSON *root, int season, double *score, err *e)
{
    const cJSON *ch;
    cJSON_ArrayForEach(ch, cJSON_GetObjectItemCaseSensitive(root, "chosen"))
    {
        if (jsonfile_num(ch, "test_season", 0) != season)
            continue;
        double c = jsonfile_num(ch, "configuration", -1);
        *score = jsonfile_num(ch, "validation_score", NAN);
        if (c >= 0 && c < pl->n && c == (int)c)
            return (int)c;
        break;
    }
    return err_setk(e, ERR_DATA, "%s has no valid choice for test season %d: rerun the tune stage",
                    FILE_TUNE, season);
}

int tune_params(stage_ctx *ctx, int season, space_config *out, err *e)
{
    const config *cfg = ctx->cfg;
    if (cfg->tune == 0) {
        int test;
        if (stage_test_last(ctx, &test, e) != 0)
            return -1;
        *out = (space_config){.learner = config_learner_params(cfg),
                              .set = (feature_set)cfg->features,
                              .train_from = config_train_first(cfg, cfg->model,
                                                               stage_first_test(ctx, test))};
        return 0;
    }
    tune_plan pl;
    cJSON *root;
    if (load(ctx, &pl, &root, e) != 0)
        return -1;
    double score;
    int c = chosen_of(&pl, root, season, &score, e);
    if (c >= 0)
        *out = tune_plan_params(&pl, c);
    cJSON_Delete(root);
    tune_plan_release(&pl);
    return c >= 0 ? 0 : -1;
}

/* Reads tune.json's score matrix (pl->n x n_seasons) into a new array. */
static double *read_expected(const tune_plan *pl, const cJSON *root, err *e)
{
    const cJSON *configs = cJSON_GetObjectItemCaseSensitive(root, "configurations");
    double *x = malloc((size_t)pl->n * (size_t)pl->n_seasons * sizeof *x);
    if (x == NULL) {
        err_set(e, "out of memory reading %s", FILE_TUNE);
        return NULL;
    }
    int ok = cJSON_GetArraySize(configs) == pl->n;
    const cJSON *cfg;
    int c = 0;
    cJSON_ArrayForEach(cfg, configs)
    {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, "expected_precision");
        ok = ok && c < pl->n && cJSON_GetArraySize(v) == pl->n_seasons;
        for (int s = 0; ok && s < pl->n_seasons; s++) {
            const cJSON *num = cJSON_GetArrayItem(v, s);
            ok = cJSON_IsNumber(num);
            x[(size_t)c * pl->n_seasons + s] = ok ? num->valuedouble : 0.0;
        }
        c++;
    }
    if (!ok) {
        free(x);
        err_setk(e, ERR_DATA, "%s: malformed configuration scores (rerun the tune stage)",
                 FILE_TUNE);
        return NULL;
    }
    return x;
}

static cJSON *chosen_json(const tune_plan *pl, int c, double score, const cJSON *metrics,
                          int *oom)
{
    cJSON *o = cJSON_CreateObject();
    jsonbuild_add(o, "configuration", cJSON_CreateNumber(c), oom);
    add_config(o, pl, c, oom);
    jsonbuild_add(o, "validation_score", numfmt_json(score), oom);
    jsonbuild_add(o, "test_expected_precision",
        cJSON_CreateNumber(jsonfile_num(metrics, "model.expected_precision", NAN)), oom);
    jsonbuild_add(o, "test_precision",
                  cJSON_CreateNumber(jsonfile_num(metrics, "model.precision", NAN)),
        oom);
    return o;
}

static cJSON *backtest_json(const tune_plan *pl, const cJSON *root, err *e, int *oom)
{
    if (pl->test_first == pl->test_last)
        return cJSON_CreateNull();
    cJSON *a = cJSON_CreateArray();
    for (int season = pl->test_first; season <= pl->test_last && !*oom; season++) {
        double score;
        int c = chosen_of(pl, root, season, &score, e);
        if (c < 0) {
            cJSON_Delete(a);
            return NULL;
        }
        cJSON *o = jsonbuild_add(a, NULL, cJSON_CreateObject(), oom);
        jsonbuild_add(o, "season", cJSON_CreateNumber(season), oom);
        jsonbuild_add(o, "configuration", cJSON_CreateNumber(c), oom);
        add_config(o, pl, c, oom);
        jsonbuild_add(o, "validation_score", numfmt_json(score), oom);
    }
    return a;
}

/* 1 when metrics (of model.json) has configuration c's learner,
 * parameters, feature set and first training season. */
static int trained_as_chosen(const tune_plan *pl, int c, const cJSON *metrics)
{
    space_config x = tune_plan_params(pl, c);
    cJSON *want = learner_params_json(&x.learner);
    int same = cJSON_Compare(want, cJSON_GetObjectItemCaseSensitive(metrics, "parameters"), 1);
    cJSON_Delete(want);
    const cJSON *seasons = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(metrics, "data"), "train_seasons");
    const cJSON *first = cJSON_GetArrayItem(seasons, 0);
    return same && strcmp(jsonfile_str(metrics, "learner", ""), learner_names[x.learner.kind]) == 0 &&
           strcmp(jsonfile_str(metrics, "feature_set", ""), feature_set_names[x.set]) == 0 &&
           cJSON_IsNumber(first) && first->valuedouble == x.train_from;
}

int tune_metrics_add(stage_ctx *ctx, cJSON *metrics, err *e)
{
    if (ctx->cfg->tune == 0)
        return 0;
    tune_plan pl;
    cJSON *root;
    if (load(ctx, &pl, &root, e) != 0)
        return -1;
    int oom = 0, rc = -1, test = pl.test_last;
    double *x = read_expected(&pl, root, e), score;
    int c = x ? chosen_of(&pl, root, test, &score, e) : -1;
    if (c >= 0 && !trained_as_chosen(&pl, c, metrics)) {
        err_setk(e, ERR_DATA,
                 "model.json was not trained with the parameters %s chose: rerun the train stage "
                 "with these inputs",
                 FILE_TUNE);
        goto out;
    }
    cJSON *bt = c >= 0 ? backtest_json(&pl, root, e, &oom) : NULL;
    if (bt == NULL)
        goto out;
    int vs[2] = {test - pl.k, test - 1};
    cJSON *o = jsonbuild_add(metrics, "tune", cJSON_CreateObject(), &oom);
    jsonbuild_add(o, "method", cJSON_CreateString(pl.method == SPACE_GRID ? "grid" : "random"),
                  &oom);
    jsonbuild_add(o, "space", cJSON_CreateString(pl.text), &oom);
    jsonbuild_add(o, "validation_seasons", cJSON_CreateIntArray(vs, 2), &oom);
    jsonbuild_add(o, "shards", cJSON_CreateNumber(jsonfile_num(root, "shards", 1)), &oom);
    jsonbuild_add(o, "seconds", cJSON_CreateNumber(jsonfile_num(root, "seconds", 0)), &oom);
    jsonbuild_add(o, "chosen", chosen_json(&pl, c, score, metrics, &oom), &oom);
    cJSON *all = jsonbuild_add(o, "configurations", cJSON_CreateArray(), &oom);
    for (int k = 0; k < pl.n && !oom; k++) {
        cJSON *item = jsonbuild_add(all, NULL, cJSON_CreateObject(), &oom);
        add_config(item, &pl, k, &oom);
        jsonbuild_add(item, "validation_score", numfmt_json(mean_score(&pl, x, k, test)), &oom);
    }
    jsonbuild_add(o, "backtest", bt, &oom);
    rc = oom ? err_set(e, "out of memory adding the tune results to metrics.json") : 0;
out:
    free(x);
    cJSON_Delete(root);
    tune_plan_release(&pl);
    return rc;
}
