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

/* Appends s (text from a file or the API) as the content of one table
 * cell, made inert by mdesc_text: it can neither break the table nor
 * start any Markdown or HTML. */
int metrics_md_cell(buf *out, const char *s, err *e);

/* The table of the model against the pole and leader baselines
 * (precision, expected precision, top-3 hit rate, hits / races). */
int metrics_md_baselines(buf *out, const cJSON *metrics, err *e);

/* The per-season backtest table with its mean row; appends nothing when
 * metrics has no "backtest" object. */
int metrics_md_backtest(buf *out, const cJSON *metrics, err *e);

/* Appends untrusted text s so it renders as itself (metrics_md_cell, or
 * core/markdown.h's markdown_text where GitHub renders it). */
typedef int (*metrics_md_text_fn)(buf *out, const char *s, err *e);

/* The comparison with the baseline model (metrics.json's "baseline"
 * block): where the baseline came from, the verdict on the test season
 * and a table per season of model and baseline precision, then expected
 * precision, log-loss and Brier of each with their difference, then pole
 * and leader; the baseline's strings written with text.
 * A skipped comparison renders its reason; appends nothing when metrics
 * has no "baseline" block. */
int metrics_md_compare(buf *out, const cJSON *metrics, metrics_md_text_fn text, err *e);

/* The training and test span as one line: "training seasons A–B (R races,
 * N rows); test season T (R races, N rows)". */
int metrics_md_span(buf *out, const cJSON *metrics, err *e);

#endif
