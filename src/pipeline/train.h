/* train: which season a run holds out, shared by the train and evaluate
 * stages (stage_train itself is declared in stage.h).
 *
 * The held-out (test) season is, in order of precedence: the last backtest
 * season when backtesting (features.csv and model.json are that season's,
 * spec §3), the `test-season` input, the last season of `seasons` (as the
 * source stage resolved "latest", or as given), and, when a later job runs
 * without the source stage and `seasons` ends in "latest", the last season
 * in features.csv.  Training uses the seasons from the first of `seasons`
 * to the one before the test season. */
#ifndef F1_PIPELINE_TRAIN_H
#define F1_PIPELINE_TRAIN_H

#include "data/features.h"
#include "pipeline/stage.h"

/* The run's test season (t supplies the last resort). */
int train_test_season(const stage_ctx *ctx, const feature_table *t);

#endif
