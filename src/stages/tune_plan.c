/* tune plans: what the inputs say to search (tune.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fsutil.h"
#include "core/jsonbuild.h"
#include "config/tune_space.h"
#include "ml/model.h"
#include "stages/tune.h"

/* Every train-from the plan uses must leave the first validation season
 * a training season before it (and lie within `seasons`). */
static int check_train_from(const config *c, tune_plan *pl, err *e)
{
    int v0 = pl->test_first - pl->k;
    const space *sp = &pl->sp;
    for (int i = 0; i < sp->n[SPACE_TRAIN_FROM]; i++) {
        int f = (int)sp->v[SPACE_TRAIN_FROM][i].value;
        if (f < c->season_first || f >= v0)
            return err_setk(e, ERR_INPUT,
                            "input 'tune-space': train-from %d is outside seasons %d-%d (expected "
                            "seasons from the first of 'seasons' to the one before the first "
                            "validation season)",
                            f, c->season_first, v0 - 1);
    }
    for (int i = 0; i < pl->n; i++) {
        int f = tune_plan_params(pl, i).train_from;
        if (f >= v0)
            return err_setk(e, ERR_INPUT,
                            "input 'tune-validation': invalid value '%d' (expected at most %d: "
                            "validation seasons %d-%d before test season %d need a training "
                            "season from %d before them)",
                            pl->k, pl->test_first - f - 1, v0, pl->test_first - 1,
                            pl->test_first, f);
    }
    return 0;
}

int tune_plan_make(stage_ctx *ctx, tune_plan *pl, err *e)
{
    const config *c = ctx->cfg;
    memset(pl, 0, sizeof *pl);
    int test;
    if (c->tune == 0)
        return err_setk(e, ERR_INPUT, "input 'tune' is off (expected grid or random to search)");
    if (stage_test_last(ctx, &test, e) != 0 ||
        tune_space_parse(c->tune_space, "tune-space", &pl->sp, e) != 0)
        return -1;
    pl->text = c->tune_space;
    pl->method = (space_method)c->tune;
    pl->trials = pl->method == SPACE_RANDOM ? c->tune_trials : 0;
    pl->test_last = test;
    pl->test_first = c->backtest_first != 0 ? c->backtest_first : test;
    pl->k = c->tune_validation;
    /* What the space leaves alone: the inputs, and each learner's default
     * first training season for the seasons the search trains on (those
     * before the first validation season). */
    pl->base = (space_base){.learner = config_learner_params(c),
                            .set = (feature_set)c->features};
    for (int k = 0; k < LEARNER_COUNT; k++)
        pl->base.train_from[k] = config_train_first(c, k, pl->test_first - pl->k);
    if (space_configs(&pl->sp, pl->base.learner.kind, pl->method, c->tune_trials, c->seed,
                      "tune-space", &pl->index, &pl->n, e) != 0 ||
        check_train_from(c, pl, e) != 0)
        goto fail;
    pl->n_seasons = pl->test_last - pl->test_first + pl->k;
    pl->seasons = malloc((size_t)pl->n_seasons * sizeof *pl->seasons);
    if (pl->seasons == NULL) {
        err_set(e, "out of memory for %d validation seasons", pl->n_seasons);
        goto fail;
    }
    for (int s = 0; s < pl->n_seasons; s++)
        pl->seasons[s] = pl->test_first - pl->k + s;
    return 0;
fail:
    tune_plan_release(pl);
    return -1;
}

void tune_plan_release(tune_plan *pl)
{
    if (pl == NULL)
        return;
    space_release(&pl->sp);
    free(pl->index);
    free(pl->seasons);
    memset(pl, 0, sizeof *pl);
}

space_config tune_plan_params(const tune_plan *pl, int c)
{
    return space_params(&pl->sp, pl->index[c], &pl->base);
}

void tune_config_json(cJSON *o, const space_config *c, int *oom)
{
    jsonbuild_add(o, "learner", cJSON_CreateString(learner_names[c->learner.kind]), oom);
    jsonbuild_add(o, "feature_set", cJSON_CreateString(feature_set_names[c->set]), oom);
    jsonbuild_add(o, "train_from", cJSON_CreateNumber(c->train_from), oom);
    jsonbuild_add(o, "parameters", learner_params_json(&c->learner), oom);
}

cJSON *tune_plan_json(const tune_plan *pl)
{
    int tests[2] = {pl->test_first, pl->test_last};
    learner_params bag = pl->base.learner;
    bag.kind = LEARNER_BAGGING;
    cJSON *o = cJSON_CreateObject(), *from = cJSON_CreateObject();
    /* The method, space, trials and seed (in "parameters") fix the
     * configurations; the inputs fill what the space leaves. */
    if (o == NULL || from == NULL) {
        cJSON_Delete(o);
        cJSON_Delete(from);
        return NULL;
    }
    if (jsonbuild_put(o, "train_from", from) != 0 ||
        jsonbuild_put(from, "bagging", cJSON_CreateNumber(pl->base.train_from[LEARNER_BAGGING])) != 0 ||
        jsonbuild_put(from, "clogit", cJSON_CreateNumber(pl->base.train_from[LEARNER_CLOGIT])) != 0 ||
        jsonbuild_put(o, "method", cJSON_CreateString(pl->method == SPACE_GRID ? "grid" : "random")) != 0 ||
        jsonbuild_put(o, "space", cJSON_CreateString(pl->text)) != 0 ||
        jsonbuild_put(o, "trials", cJSON_CreateNumber(pl->trials)) != 0 ||
        jsonbuild_put(o, "configurations", cJSON_CreateNumber(pl->n)) != 0 ||
        jsonbuild_put(o, "learner", cJSON_CreateString(learner_names[pl->base.learner.kind])) != 0 ||
        jsonbuild_put(o, "feature_set", cJSON_CreateString(feature_set_names[pl->base.set])) != 0 ||
        jsonbuild_put(o, "parameters", learner_params_json(&bag)) != 0 ||
        jsonbuild_put(o, "l2", cJSON_CreateNumber(pl->base.learner.clogit.l2)) != 0 ||
        jsonbuild_put(o, "test_seasons", cJSON_CreateIntArray(tests, 2)) != 0 ||
        jsonbuild_put(o, "validation", cJSON_CreateNumber(pl->k)) != 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

cJSON *tune_doc_new(const tune_plan *pl, const char *format, const char *data_sha256,
                    double seconds, int *oom)
{
    cJSON *o = cJSON_CreateObject();
    jsonbuild_add(o, "format", cJSON_CreateString(format), oom);
    jsonbuild_add(o, "format_version", cJSON_CreateNumber(TUNE_FORMAT_VERSION), oom);
    jsonbuild_add(o, "search", tune_plan_json(pl), oom);
    jsonbuild_add(o, "data_sha256", cJSON_CreateString(data_sha256), oom);
    jsonbuild_add(o, "seconds", cJSON_CreateNumber(seconds), oom);
    jsonbuild_add(o, "validation_seasons", cJSON_CreateIntArray(pl->seasons, pl->n_seasons), oom);
    return o;
}

void tune_plan_slice(const tune_plan *pl, int i, int n, int *from, int *to)
{
    *from = (int)((int64_t)(i - 1) * pl->n / n);
    *to = (int)((int64_t)i * pl->n / n);
}

int tune_data_digest(const stage_ctx *ctx, char out[SHA256_HEX_SIZE], err *e)
{
    char path[CFG_STR_MAX + 64];
    stage_path(ctx, FILE_PREPARED, path, sizeof path);
    out[0] = '\0';
    return fs_exists(path) ? sha256_file_hex(path, out, e) : 0;
}
