/* The `features` stage: prepared.csv -> features.csv, the set input
 * `features` names (data/feature_set.h), or with input tune the set the
 * tune stage chose for the test season: tune and tune-merge run before
 * features (stages/registry.h) so that features.csv is the table of the
 * model train trains.
 *
 * spec (docs/pipeline.md §3): one-hot columns are chosen on the training seasons,
 * [first training season (tune_params: config_train_first, or the tuned
 * train-from), test season - 1]; when
 * backtesting that is the last backtest season's training range, the one
 * features.csv is written for (train and evaluate rebuild the table per
 * backtest season from prepared.csv).
 * v2: the same table for every training range, with the qualifying times
 * of data-dir/qualifying.csv (prepare writes it; without it every
 * qualifying feature is missing, with a warning); a missing value is
 * written "nan". */
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "data/feature_set.h"
#include "data/feature_table.h"
#include "data/prepared.h"
#include "stages/stage.h"
#include "stages/tune.h"

int stage_features(stage_ctx *ctx, err *e)
{
    char in[CFG_STR_MAX + 64], out[CFG_STR_MAX + 64];
    stage_path(ctx, FILE_PREPARED, in, sizeof in);
    stage_path(ctx, FILE_FEATURES, out, sizeof out);
    int test;
    if (stage_test_last(ctx, &test, e) != 0)
        return -1;
    prepared p;
    feature_table t;
    memset(&t, 0, sizeof t);
    space_config ch;
    if (tune_params(ctx, test, &ch, e) != 0)
        return -1;
    if (prepared_read(in, &p, e) != 0)
        return err_wrap(e, "reading %s (run the prepare stage first)", in);
    int rc = -1, first = ch.train_from;
    feature_set set = ch.set;
    qualifying_table q = {0};
    int have_q = 0;
    if (set == FEATURE_SET_V2 && stage_read_qualifying_for_v2(ctx, "features", &q, &have_q, e) != 0)
        goto out;
    if (feature_set_build(set, &p, have_q ? &q : NULL, first, test - 1, &t, e) != 0 ||
        feature_table_write(&t, out, e) != 0)
        goto out;
    if (set == FEATURE_SET_SPEC)
        log_info("features: %d rows x %d spec features (%d one-hot, training seasons %d-%d) -> %s",
                 t.nrows, t.nfeat, t.nfeat - FEATURES_NFIXED, first, test - 1, out);
    else
        log_info("features: %d rows x %d v2 features (and season, round) -> %s", t.nrows,
                 t.nfeat - FEATURE_SET_V2_KEYS, out);
    rc = 0;
out:
    qualifying_release(&q);
    feature_table_release(&t);
    prepared_release(&p);
    return rc;
}
