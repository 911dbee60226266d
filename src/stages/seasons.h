/* seasons: which seasons the data stages (prepare, features) cover, and
 * the resolution of "latest" (declared in stage.h: stage_resolve_last_season
 * and stage_path live in seasons.c).
 *
 * "latest" is resolved in this order: the config's explicit last season;
 * what an earlier stage of this process found (ctx->season_last); the
 * latest season with stored results (ctx->st open); else the last season
 * of data-dir/prepared.csv, for stages run in a later job without the
 * store (prepare writes up to the test season, which is the latest
 * exactly when no test-season or backtest was given, the only case in
 * which a later stage needs "latest"). */
#ifndef F1_STAGES_SEASONS_H
#define F1_STAGES_SEASONS_H

#include "core/err.h"
#include "stages/stage.h"

/* The last season prepared.csv and features.csv cover: the last backtest
 * season when backtesting, else the test season (test-season, or the last
 * season of `seasons` with "latest" resolved).  Returns 0 with *out set, or
 * -1 when "latest" cannot be resolved. */
int seasons_test_last(stage_ctx *ctx, int *out, err *e);

#endif
