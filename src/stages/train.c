/* The train stage (docs/pipeline.md §4): features.csv -> model.json.  The
 * model (tune_params: input `model` with its parameters, `features` and
 * the first training season config_train_first, from input `train-from` or
 * the learner's default; or all four as the tune stage chose them) is
 * trained on the seasons from that first training season to the one
 * before the test season (the last backtest season when backtesting:
 * stage_test_last), on the features of features.csv, which must be that
 * feature set (the features stage, which runs after tune, builds it). */
#include <time.h>

#include "core/fsutil.h"
#include "core/log.h"
#include "data/feature_set.h"
#include "data/feature_table.h"
#include "ml/model.h"
#include "stages/stage.h"
#include "stages/tune.h"

static void log_model(const model *m, double seconds)
{
    if (m->l.params.kind == LEARNER_CLOGIT) {
        log_info("trained a conditional logit (l2 %g) on %d races in %d Newton steps, loss %.4f, "
                 "in %.2f s",
                 m->l.clogit.l2, m->l.clogit.races, m->l.clogit.iterations, m->l.clogit.loss,
                 seconds);
        return;
    }
    long nodes = 0;
    for (int i = 0; i < m->l.bag.n_trees; i++)
        nodes += m->l.bag.trees[i].n_nodes;
    log_info("trained %d trees (%ld nodes) in %.2f s", m->l.bag.n_trees, nodes, seconds);
}

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
    space_config ch; /* the inputs', or what the tune stage chose */
    if (tune_params(ctx, test, &ch, e) != 0)
        goto out;
    const learner_params p = ch.learner;
    feature_set set = feature_set_of(t.names, t.nfeat);
    if (set != ch.set) {
        err_setk(e, ERR_DATA,
                 "%s holds the %s features but %s %s (rerun the features stage "
                 "with the same inputs)",
                 FILE_FEATURES, feature_set_names[set],
                 c->tune ? "the model tune.json chose reads" : "input 'features' is",
                 feature_set_names[ch.set]);
        goto out;
    }
    int first = ch.train_from, last = test - 1;
    if (last < first) {
        err_setk(e, ERR_INPUT, "test season %d leaves no training season from %d", test, first);
        goto out;
    }
    int rows, races, nfeat;
    const char *const *names;
    model_season_counts(&t, first, last, &rows, &races);
    feature_set_features(set, &t, &names, &nfeat);
    if (p.kind == LEARNER_BAGGING)
        log_info("training on seasons %d-%d: %d rows, %d races, %d features; %d trees of %d rows "
                 "and %d features each",
                 first, last, rows, races, nfeat, p.bagging.n_estimators,
                 amount_resolve(p.bagging.max_samples, rows > 0 ? rows : 1),
                 amount_resolve(p.bagging.max_features, nfeat));
    else
        log_info("training a conditional logit on seasons %d-%d: %d rows, %d races, the %s "
                 "features",
                 first, last, rows, races, feature_set_names[set]);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (model_train(&m, &t, set, names, nfeat, first, last, &p, c->threads, e) != 0)
        goto out;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    log_model(&m, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    if (model_write(&m, out, e) != 0)
        goto out;
    log_info("wrote %s", out);
    rc = 0;
out:
    model_release(&m);
    feature_table_release(&t);
    return rc;
}
