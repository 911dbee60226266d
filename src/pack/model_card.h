/* model_card: MODEL_CARD.md, the human-readable description packaged with
 * the model: what it predicts, the data span, the metrics against the
 * baselines (and the backtest when there is one), the parameters and seed,
 * and the known limits.
 *
 * Everything comes from metrics.json (its layout: stages/evaluate.c's metrics_json), which
 * records the parameters the model was actually trained with, so the card
 * describes the packaged model even when `package` runs in a later job. */
#ifndef F1_PACK_MODEL_CARD_H
#define F1_PACK_MODEL_CARD_H

#include <cjson/cJSON.h>

#include "core/buf.h"
#include "core/err.h"

/* Appends the card for metrics to out.  Returns 0, or -1 when out's cap is
 * reached.  The text depends only on metrics (no clock, no paths), so the
 * same metrics give the same card. */
int model_card_render(buf *out, const cJSON *metrics, err *e);

#endif
