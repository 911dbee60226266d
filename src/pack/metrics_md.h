/* metrics_md: the Markdown renderings of metrics.json (its layout: what
 * stages/evaluate.c's metrics_json builds) shared by the model card and the job summary, so both show
 * the same numbers the same way.
 *
 * Every function appends to a caller-owned buf and returns 0, or -1 when
 * the buf's cap is reached (the buf then holds a partial rendering).
 * Missing numbers render as "–" rather than failing: a metrics file from
 * an older or partial run still renders. */
#ifndef F1_PACK_METRICS_MD_H
#define F1_PACK_METRICS_MD_H

#include <cjson/cJSON.h>

#include "core/buf.h"
#include "core/err.h"

/* Appends s as the content of one table cell: '|' escaped as "\|", CR and
 * LF turned into spaces, so a value can never break the table. */
int metrics_md_cell(buf *out, const char *s, err *e);

/* The table of the model against the pole and leader baselines
 * (precision, expected precision, top-3 hit rate, hits / races). */
int metrics_md_baselines(buf *out, const cJSON *metrics, err *e);

/* The per-season backtest table with its mean row; appends nothing when
 * metrics has no "backtest" object. */
int metrics_md_backtest(buf *out, const cJSON *metrics, err *e);

/* The training and test span as one line: "training seasons A–B (R races,
 * N rows); test season T (R races, N rows)". */
int metrics_md_span(buf *out, const cJSON *metrics, err *e);

#endif
