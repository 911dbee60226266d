/* report: what a run tells GitHub at its end, success or failure: the step
 * outputs (outputs.h) and the job summary (summary.h), each written once,
 * by main, after the stages ran.  The stages never write either: they
 * hand their outputs and summary sections to the context (stage.h).
 *
 * It reads what the stages left in data-dir, whichever step wrote it:
 * metrics.json, coverage.json, the zip, and upload.json (used only when its
 * digest is the current zip's, so a record of an earlier zip is never
 * reported).  Outputs: model-path, zip-path, metrics-path (data-dir joined
 * with the name; empty when the file does not exist), precision,
 * expected-precision, hits, races, pole-precision, leader-precision,
 * and the comparison's baseline-precision, baseline-expected-precision,
 * precision-delta, baseline-log-loss, baseline-brier, log-loss-delta,
 * brier-delta, improved (from metrics.json; empty without it or
 * without a baseline), artifact-id, artifact-url,
 * artifact-digest (empty when not uploaded).  Every output is always set so
 * a workflow can test for "".  The stages' own outputs (predict's
 * predicted-winner, ...) come first, and their summary sections head the
 * summary. */
#ifndef F1_REPORT_REPORT_H
#define F1_REPORT_REPORT_H

#include "core/err.h"
#include "stages/stage.h"

/* Writes the outputs and summary for the run in ctx; ok says whether it
 * succeeded.  Does nothing outside Actions (no GITHUB_OUTPUT or
 * GITHUB_STEP_SUMMARY).  A data-dir file that cannot be parsed is skipped
 * with a warning, and so is a summary over the runner's size limit.
 * Returns 0, or -1 with the first error (naming the file) when an output or
 * the summary could not be written (the rest is still attempted): main
 * fails the step then. */
int report_write(const stage_ctx *ctx, int ok, err *e);

#endif
