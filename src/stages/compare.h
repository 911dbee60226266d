/* compare: the evaluate stage's comparison of its model (the candidate)
 * with input `baseline-model` (issue 13), written into metrics.json as
 * the "baseline" block that the outputs, the job summary, the model card
 * and the pull-request comment are read from.
 *
 * The baseline is scored (ml/compare.h) on the test season and on every
 * backtest season after its training seasons; a baseline trained on the
 * test season (its training seasons reach it) is refused, naming the
 * seasons.  The block:
 *   "baseline": {"source": the input, "artifact": {...} or null,
 *     "train_seasons": [a, b], "parameters": {...},
 *     "model": the baseline's scores on the test races (the candidate's
 *              block shape: picks, and the mean log-loss of the winner and
 *              Brier score of its win probabilities),
 *     "precision_delta", "log_loss_delta", "brier_delta": candidate minus
 *     baseline (expected precision, log-loss, Brier; a delta is null
 *     where either side scored no race), "improved": precision_delta >
 *     COMPARE_EPS (the gate and `improved` judge the picks; the
 *     probabilities' scores are shown beside them),
 *     "seasons": [{"season", "model", "baseline" (or null where it is not
 *                  scored), "pole_precision", "leader_precision",
 *                  "expected_precision_delta", "log_loss_delta",
 *                  "brier_delta" (each null where the baseline is not
 *                  scored)}, ...]}
 * or, when `artifact:NAME` finds no artifact yet, {"source", "skipped":
 * the reason} (a warning; nothing to compare with).  No state. */
#ifndef F1_STAGES_COMPARE_H
#define F1_STAGES_COMPARE_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/err.h"
#include "ml/probscore.h"
#include "ml/score.h"
#include "stages/stage.h"

/* Differences of expected precision within this are equal (float noise of
 * sums taken in another order), so the same model is never "improved". */
#define COMPARE_EPS 1e-12

/* One season the candidate was scored on: its picks and probabilities. */
typedef struct {
    int season;
    const score *sc;
    const probscore *ps;
} compare_season;

/* The JSON block of a season's scores (the candidate's shape, so both
 * show the same metrics); NULL or *oom set when out of memory. */
typedef cJSON *(*compare_block_fn)(const score *s, const probscore *ps, int *oom);

/* Compares with ctx->cfg->baseline_model (nothing to do when empty):
 * seasons[0..n) are the candidate's, in order, the test season last;
 * seed is the candidate's tie-breaking seed.  Adds "baseline" to metrics.
 * Returns 0 or -1 with e set. */
int compare_baseline(stage_ctx *ctx, const compare_season *seasons, int n, uint64_t seed,
                     compare_block_fn block, cJSON *metrics, err *e);

/* The fail-if-worse gate, which main applies after every stage of the
 * step has run (so metrics, zip, summary, upload and comment are all
 * written first): with fail-if-worse set, in a step that ran evaluate or
 * a later stage, returns -1 (kind ERR_WORSE, stating both expected
 * precisions) when data-dir's metrics.json compares the model with a
 * baseline and the model's expected precision is below the baseline's by
 * more than worse-tolerance.  A comparison that was skipped (no baseline
 * artifact yet) passes with a warning.  Returns 0 otherwise. */
int compare_gate(const stage_ctx *ctx, err *e);

#endif
