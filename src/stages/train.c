/* The train stage (docs/pipeline.md §4): features.csv -> model.json, trained on the
 * seasons from the first of `seasons` to the one before the test season
 * (the last backtest season when backtesting: stage_test_last). */
#include <time.h>

#include "core/fsutil.h"
#include "core/log.h"
#include "data/feature_table.h"
#include "ml/model.h"
#include "stages/stage.h"
#include "stages/tune.h"

int stage_train(stage_ctx *ctx, err *e)
{
    const config *c = ctx->cfg;
    char in[CFG_STR_MAX + 64], out[CFG_STR_MAX + 64];
    stage_path(ctx, FILE_FEATURES, in, sizeof in);
    stage_path(ctx, FILE_MODEL, out, sizeof out);
    feature_table t = {0};
    model m = {0};
    int rc = -1;
    int test;
    if (stage_test_last(ctx, &test, e) != 0)
        goto out;
    if (!fs_exists(in)) {
        err_setk(e, ERR_DATA, "no %s in data-dir: run the features stage first", FILE_FEATURES);
        goto out;
    }
    if (feature_table_read(in, &t, e) != 0)
        goto out;
    int first = c->season_first, last = test - 1;
    if (last < first) {
        err_setk(e, ERR_INPUT, "test season %d leaves no training season from %d", test, first);
        goto out;
    }
    bagging_params p; /* the inputs', or what the tune stage chose */
    if (tune_params(ctx, test, &p, e) != 0)
        goto out;
    int rows, races;
    model_season_counts(&t, first, last, &rows, &races);
    log_info("training on seasons %d-%d: %d rows, %d races, %d features; %d trees of %d rows and "
             "%d features each",
             first, last, rows, races, t.nfeat, p.n_estimators,
             amount_resolve(p.max_samples, rows > 0 ? rows : 1),
             amount_resolve(p.max_features, t.nfeat));
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (model_train(&m, &t, first, last, &p, c->threads, e) != 0)
        goto out;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long nodes = 0;
    for (int i = 0; i < m.bag.n_trees; i++)
        nodes += m.bag.trees[i].n_nodes;
    log_info("trained %d trees (%ld nodes) in %.2f s", m.bag.n_trees, nodes,
             (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    if (model_write(&m, out, e) != 0)
        goto out;
    log_info("wrote %s", out);
    rc = 0;
out:
    model_release(&m);
    feature_table_release(&t);
    return rc;
}
