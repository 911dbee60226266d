/* baseline: the model named by input `baseline-model` (issue 13), loaded
 * for the evaluate stage's comparison.
 *
 *   path/to/model.json     read as is;
 *   path/to/f1-model.zip   its model.json (or that of an f1-model.zip
 *                          inside it: an actions/upload-artifact zip);
 *   artifact:NAME          the newest unexpired artifact NAME uploaded by
 *                          a run on the repository's default branch,
 *                          downloaded through the GitHub REST API with
 *                          input github-token (net/github_artifact.h) to
 *                          data-dir/baseline.zip, then read like a zip.
 * A model.json read out of a zip is kept as data-dir/baseline-model.json,
 * a record of what was compared.  Errors name the input.
 *
 * The caller owns the model (model_free) and the origin record. */
#ifndef F1_STAGES_BASELINE_H
#define F1_STAGES_BASELINE_H

#include "core/err.h"
#include "ml/model.h"
#include "net/github_artifact.h"
#include "stages/stage.h"

#define FILE_BASELINE_ZIP "baseline.zip"
#define FILE_BASELINE_MODEL "baseline-model.json"

/* Where the baseline came from. */
typedef struct {
    int from_artifact;        /* 1: `artifact` describes it */
    github_artifact artifact;
} baseline_origin;

/* Loads the baseline named by ctx->cfg->baseline_model into *m.  Returns
 * 0; 1 when it is `artifact:NAME` and no such artifact exists on the
 * default branch yet (e holds the reason: the caller warns and compares
 * with nothing); or -1 with e set. */
int baseline_load(stage_ctx *ctx, model *m, baseline_origin *origin, err *e);

#endif
