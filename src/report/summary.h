/* summary: the job summary, GitHub-flavoured Markdown appended to the file
 * GITHUB_STEP_SUMMARY names (docs/github-actions-runtime.md §3.2).
 *
 * It shows whether the run failed, the stages this step ran, the model
 * against the baselines, the artifact, the per-race table (predicted vs
 * actual winner), a Mermaid chart and table per season when backtesting,
 * and the data coverage.  Without metrics.json (say only `source` ran) it
 * shows what ran and the coverage it can find.  Sections the stages added
 * (the predict stage's table) come first.  The summary is written once
 * per step, and the runner drops one over 1 MiB, so the rendering never
 * exceeds SUMMARY_MAX bytes: when the per-race table would overflow it is
 * cut, with a note.  Every string that comes from a file or the API (race
 * and driver names, upload.json, paths) goes in through
 * mdesc_text/mdesc_link (core/mdesc.h).  No state. */
#ifndef F1_REPORT_SUMMARY_H
#define F1_REPORT_SUMMARY_H

#include <cjson/cJSON.h>

#include "core/buf.h"
#include "core/err.h"

#define SUMMARY_MAX ((size_t)1 << 20)

/* What the summary describes; everything is borrowed. */
typedef struct {
    int ok;                /* the run succeeded */
    unsigned stages;       /* STAGE_* bits this step ran (stages/registry.h) */
    const double *seconds; /* wall time per stage, by registry row; may be NULL */
    const cJSON *metrics;  /* metrics.json, or NULL */
    const cJSON *coverage; /* coverage.json, or NULL; the copy in metrics wins */
    const cJSON *upload;   /* upload.json for the current zip, or NULL */
    const char *zip_path;  /* the zip when it exists, else NULL */
    const buf *sections;   /* Markdown the stages added (stage_ctx.summary), or NULL */
} summary_run;

/* Renders the summary of run into out, which must be empty: the stages'
 * sections, then the run's summary in what is left of SUMMARY_MAX; on
 * return out->len <= SUMMARY_MAX.  Returns 0 or -1 (out of memory, or the
 * parts other than the per-race table alone do not fit). */
int summary_render(buf *out, const summary_run *run, err *e);

/* Appends md to the GITHUB_STEP_SUMMARY file; nothing when it is unset.
 * Returns 0 or -1. */
int summary_append(const buf *md, err *e);

#endif
