/* pr_comment: the Markdown of the pull-request comment of input
 * `pr-comment` (issue 13), rendered from metrics.json: the hidden marker
 * that finds the comment again, the model against pole and leader, the
 * comparison with the baseline per season (metrics_md_compare), a Mermaid
 * chart of precision per season (model, baseline, pole), the parameters,
 * and links to the workflow run and the artifact.
 *
 * Every string from outside (metrics.json's, the artifact's name and
 * URL) is written with markdown_text or checked as a plain http(s) URL
 * before it becomes a link, so nothing can break the Markdown, inject
 * HTML or close the marker.  The caller caps the body (markdown_cap).
 * No state; everything is borrowed. */
#ifndef F1_PACK_PR_COMMENT_H
#define F1_PACK_PR_COMMENT_H

#include <cjson/cJSON.h>

#include "core/buf.h"
#include "core/err.h"

typedef struct {
    const char *marker;        /* github_comment_marker's, first in the body */
    const char *artifact_name; /* the artifact-name input */
    const cJSON *metrics;      /* metrics.json */
    const char *artifact_url;  /* the uploaded artifact, or NULL / "" */
    const char *run_url;       /* the workflow run, or NULL / "" */
} pr_comment_in;

/* Appends the comment body to out.  Returns 0, or -1 when out's cap is
 * reached or memory runs out. */
int pr_comment_render(buf *out, const pr_comment_in *in, err *e);

#endif
