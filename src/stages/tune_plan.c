/* tune plans: what the inputs say to search (tune.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fsutil.h"
#include "config/tune_space.h"
#include "ml/model.h"
#include "stages/tune.h"

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
    pl->base = config_bagging_params(c);
    pl->first = c->season_first;
    pl->test_last = test;
    pl->test_first = c->backtest_first != 0 ? c->backtest_first : test;
    pl->k = c->tune_validation;
    if (pl->test_first - pl->k <= pl->first) {
        err_setk(e, ERR_INPUT,
                 "input 'tune-validation': invalid value '%d' (expected at most %d: validation "
                 "seasons %d-%d before test season %d need a training season from %d before them)",
                 pl->k, pl->test_first - pl->first - 1, pl->test_first - pl->k,
                 pl->test_first - 1, pl->test_first, pl->first);
        goto fail;
    }
    if (space_configs(&pl->sp, pl->method, c->tune_trials, c->seed, "tune-space",
                      &pl->index, &pl->n, e) != 0)
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

bagging_params tune_plan_params(const tune_plan *pl, int c)
{
    return space_params(&pl->sp, pl->index[c], &pl->base);
}

learner_params tune_plan_learner(const tune_plan *pl, int c)
{
    bagging_params b = tune_plan_params(pl, c);
    return (learner_params){.kind = LEARNER_BAGGING, .seed = b.seed, .bagging = b,
                            .clogit = clogit_params_default()};
}

/* Adds item (NULL = out of memory) under key; returns 0 or -1. */
static int put(cJSON *o, const char *key, cJSON *item)
{
    if (item == NULL)
        return -1;
    cJSON_AddItemToObject(o, key, item);
    return 0;
}

cJSON *tune_plan_json(const tune_plan *pl)
{
    int tests[2] = {pl->test_first, pl->test_last};
    learner_params base = {.kind = LEARNER_BAGGING, .seed = pl->base.seed, .bagging = pl->base};
    cJSON *o = cJSON_CreateObject();
    /* The method, space, trials and seed (in "parameters") fix the
     * configurations; the inputs' parameters fill what the space leaves. */
    if (o == NULL ||
        put(o, "method", cJSON_CreateString(pl->method == SPACE_GRID ? "grid" : "random")) != 0 ||
        put(o, "space", cJSON_CreateString(pl->text)) != 0 ||
        put(o, "trials", cJSON_CreateNumber(pl->trials)) != 0 ||
        put(o, "configurations", cJSON_CreateNumber(pl->n)) != 0 ||
        put(o, "parameters", learner_params_json(&base)) != 0 ||
        put(o, "train_first", cJSON_CreateNumber(pl->first)) != 0 ||
        put(o, "test_seasons", cJSON_CreateIntArray(tests, 2)) != 0 ||
        put(o, "validation", cJSON_CreateNumber(pl->k)) != 0) {
        cJSON_Delete(o);
        return NULL;
    }
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
