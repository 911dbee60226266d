/* stage: what the stages share: the context main hands each of them, the
 * files in data-dir they agree on, and the season helpers (stage.c).
 *
 * Each stage is one function in src/stages/NAME.c (its parts, if any, in
 * NAME_*.c), reading what earlier stages wrote (the store, or files in
 * data-dir) so stages can run in separate steps or jobs.  The stages, their
 * order and their properties are the rows of stages/registry.h; main runs
 * the selected ones in that order.
 *
 * The context is owned by main: `cfg` is read-only, `st` is the open store
 * (NULL when no selected stage needs it), and stages record what later
 * stages or the report need in the fields below. */
#ifndef F1_STAGES_STAGE_H
#define F1_STAGES_STAGE_H

#include "config/config.h"
#include "data/qualifying.h"
#include "core/buf.h"
#include "core/err.h"
#include "store/store.h"

/* Files every stage agrees on, relative to data-dir. */
#define FILE_PREPARED "prepared.csv"
#define FILE_QUALIFYING "qualifying.csv"
#define FILE_FEATURES "features.csv"
#define FILE_MODEL "model.json"
#define FILE_METRICS "metrics.json"
#define FILE_PREDICTIONS "predictions.csv"
#define FILE_ZIP "f1-model.zip"
#define FILE_UPLOAD "upload.json"
#define FILE_COVERAGE "coverage.json"

/* Most stages a registry holds (stages/registry.h checks its count). */
#define STAGE_MAX 32
/* Most step outputs the stages set (the report layer adds its own). */
#define STAGE_OUTPUTS_MAX 8
/* Largest Markdown section one stage adds to the job summary: a quarter
 * of the runner's 1 MiB (report/summary.h keeps the whole under it). */
#define STAGE_SECTION_MAX ((size_t)256 << 10)

/* A step output a stage sets, written with the others by the report. */
typedef struct {
    char name[64];
    char value[1024];
} stage_output;

typedef struct {
    const config *cfg;
    store *st;
    unsigned selected;            /* the stages this run runs: bit i = registry row i */
    int season_last;              /* resolved "latest" (0 until known) */
    double seconds[STAGE_MAX];    /* wall time of each stage run so far, by registry row */
    /* What the stages hand to the job's report, which main writes once
     * after the run (report/report.h): Markdown sections for the job
     * summary, in run order, and step outputs. */
    buf summary;
    stage_output outputs[STAGE_OUTPUTS_MAX];
    int n_outputs;
} stage_ctx;

typedef int (*stage_fn)(stage_ctx *ctx, err *e);

/* Resolves ctx->season_last when the config says "latest": the latest
 * season with stored results (needs ctx->st).  Returns -1 when unknown. */
int stage_resolve_last_season(stage_ctx *ctx, err *e);

/* Records step output name = value for the report (a later value of the
 * same name replaces it).  Returns -1 when the value or the table is too
 * big for the fixed storage. */
int stage_output_set(stage_ctx *ctx, const char *name, const char *value, err *e);

/* Appends a Markdown section (at most STAGE_SECTION_MAX bytes) to the job
 * summary the report writes.  Returns -1 when it is too big or out of
 * memory. */
int stage_summary_add(stage_ctx *ctx, const buf *section, err *e);

/* Frees what the context owns (the summary sections); the store is main's
 * to close. */
void stage_ctx_release(stage_ctx *ctx);

/* Joins data-dir and a file name into out (size n). */
void stage_path(const stage_ctx *ctx, const char *name, char *out, size_t n);

/* The last season prepared.csv and features.csv cover: the last backtest
 * season when backtesting, else the test season (test-season, or the last
 * season of `seasons` with "latest" resolved).  Returns 0 with *out set, or
 * -1 when "latest" cannot be resolved.
 *
 * "latest" is resolved in this order: the config's explicit last season;
 * what an earlier stage of this process found (ctx->season_last); the
 * latest season with stored results (ctx->st open); else the last season
 * of data-dir/prepared.csv, for stages run in a later job without the
 * store (prepare writes up to the test season, which is the latest
 * exactly when no test-season or backtest was given, the only case in
 * which a later stage needs "latest"). */
int stage_test_last(stage_ctx *ctx, int *out, err *e);

/* Reads data-dir/qualifying.csv (written by prepare) into *q, zeroed by
 * the caller, when it exists (*found = 1); without it *q stays empty and
 * *found = 0.  The caller frees *q (qualifying_release). */
int stage_read_qualifying(const stage_ctx *ctx, qualifying_table *q, int *found, err *e);

/* The same for a stage building v2 features, which warns (naming stage
 * `who`) when there is no qualifying.csv: every qualifying feature is then
 * missing. */
int stage_read_qualifying_for_v2(const stage_ctx *ctx, const char *who, qualifying_table *q,
                                 int *found, err *e);

/* The first test season of the run whose last is `test`: the first
 * backtest season when backtesting, else test. */
int stage_first_test(const stage_ctx *ctx, int test);

#endif
