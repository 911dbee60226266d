/* stage: the pipeline's stages and what they share.
 *
 * Each stage is one function in one file of src/pipeline/, reading what
 * earlier stages wrote (the store, or files in data-dir) so stages can run
 * in separate steps or jobs.  main.c runs the selected ones in order from a
 * {name, bit, fn} table, each inside a ::group::.
 *
 * To add a stage: write `int stage_NAME(stage_ctx *ctx, err *e)` in
 * src/pipeline/NAME.c, declare it here, add its STAGE_ bit (the next free
 * one) and name in config (config.h, the stages parser, indexed by bit),
 * its name in gha/summary.c, and one row in main.c's table, where the row
 * order is the run order.  seconds[] is indexed by bit.
 *
 * The context is owned by main: `cfg` is read-only, `st` is the open store
 * (NULL when no selected stage needs it), and stages record what later
 * stages or the outputs need in the fields below. */
#ifndef F1_STAGES_STAGE_H
#define F1_STAGES_STAGE_H

#include "config/config.h"
#include "core/err.h"
#include "store/store.h"

#define STAGE_COUNT 10

/* Files every stage agrees on, relative to data-dir. */
#define FILE_PREPARED "prepared.csv"
#define FILE_FEATURES "features.csv"
#define FILE_MODEL "model.json"
#define FILE_METRICS "metrics.json"
#define FILE_PREDICTIONS "predictions.csv"
#define FILE_ZIP "f1-model.zip"
#define FILE_UPLOAD "upload.json"
#define FILE_COVERAGE "coverage.json"

typedef struct {
    const config *cfg;
    store *st;
    int season_last;              /* resolved "latest" (0 until known) */
    double seconds[STAGE_COUNT];  /* wall time of each stage run so far, by stage bit */
} stage_ctx;

typedef int (*stage_fn)(stage_ctx *ctx, err *e);

int stage_source(stage_ctx *ctx, err *e);
int stage_prepare(stage_ctx *ctx, err *e);
int stage_features(stage_ctx *ctx, err *e);
int stage_train(stage_ctx *ctx, err *e);
int stage_evaluate(stage_ctx *ctx, err *e);
int stage_package(stage_ctx *ctx, err *e);
int stage_upload(stage_ctx *ctx, err *e);
int stage_tune(stage_ctx *ctx, err *e);        /* tune.c */
int stage_tune_merge(stage_ctx *ctx, err *e);  /* tune.c */
int stage_predict(stage_ctx *ctx, err *e);

/* Resolves ctx->season_last when the config says "latest": the latest
 * season with stored results (needs ctx->st).  Returns -1 when unknown. */
int stage_resolve_last_season(stage_ctx *ctx, err *e);

/* Joins data-dir and a file name into out (size n). */
void stage_path(const stage_ctx *ctx, const char *name, char *out, size_t n);

#endif
