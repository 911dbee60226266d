/* registry: the one table of the pipeline's stages, in run order.
 *
 * Every fact about the set of stages derives from STAGE_TABLE: the stage
 * ids and bits (STAGE_IDX_x, STAGE_x), their count, the `stages` input's
 * names and its parsing (stage_select), what `all` selects, whether the
 * store must be open, which stages open their own ::group::s, the job
 * summary's order and the per-stage timings (stage_ctx.seconds, indexed
 * by row).  Adding a stage = its file src/stages/NAME.c defining
 * `int stage_NAME(stage_ctx *ctx, err *e)` + one row here (+ its inputs
 * in config.c's option table, action.yml and the README).
 *
 * Columns: id, name (as the `stages` input spells it), function, store
 * (when the store must be open: STORE_NEVER, STORE_ALWAYS, or
 * STORE_SHARDS = with mongodb-uri, in a job that exchanges tune shards
 * through it), all (what `all` selects: ALL_NO, ALL_YES, or ALL_IF_TUNE =
 * when input tune is set, except in a shard or merge job), own_groups (1
 * when the stage opens a ::group:: per entity itself; groups cannot nest,
 * so the runner opens none around it).
 *
 * tune and tune-merge come before features: with input tune, features
 * builds the feature set (and spec's one-hot columns for the training
 * seasons) of the model tune chose, which train then trains.
 *
 * The config layer sits below the stages and knows nothing of them: it
 * keeps the `stages` input as text, and stage_select() turns it into a
 * set of rows here. */
#ifndef F1_STAGES_REGISTRY_H
#define F1_STAGES_REGISTRY_H

#include "config/config.h"
#include "core/err.h"
#include "stages/stage.h"

#define STAGE_TABLE(X)                                                         \
    /* id          name          function          store         all        groups */ \
    X(SOURCE,      "source",     stage_source,     STORE_ALWAYS, ALL_YES,     1)   \
    X(PREPARE,     "prepare",    stage_prepare,    STORE_ALWAYS, ALL_YES,     0)   \
    X(TUNE,        "tune",       stage_tune,       STORE_SHARDS, ALL_IF_TUNE, 0)   \
    X(TUNE_MERGE,  "tune-merge", stage_tune_merge, STORE_SHARDS, ALL_NO,      0)   \
    X(FEATURES,    "features",   stage_features,   STORE_NEVER,  ALL_YES,     0)   \
    X(TRAIN,       "train",      stage_train,      STORE_NEVER,  ALL_YES,     0)   \
    X(EVALUATE,    "evaluate",   stage_evaluate,   STORE_NEVER,  ALL_YES,     0)   \
    X(PACKAGE,     "package",    stage_package,    STORE_NEVER,  ALL_YES,     0)   \
    X(UPLOAD,      "upload",     stage_upload,     STORE_NEVER,  ALL_YES,     0)   \
    X(COMMENT,     "comment",    stage_comment,    STORE_NEVER,  ALL_YES,     0)   \
    X(PREDICT,     "predict",    stage_predict,    STORE_NEVER,  ALL_NO,      0)

typedef enum { STORE_NEVER, STORE_ALWAYS, STORE_SHARDS } stage_store_rule;
typedef enum { ALL_NO, ALL_YES, ALL_IF_TUNE } stage_all_rule;

/* STAGE_IDX_SOURCE = 0, ... in run order; STAGE_COUNT rows. */
#define STAGE_X_INDEX(id, name, fn, store, all, groups) STAGE_IDX_##id,
enum { STAGE_TABLE(STAGE_X_INDEX) STAGE_COUNT };
#undef STAGE_X_INDEX

_Static_assert(STAGE_COUNT <= STAGE_MAX, "stage_ctx.seconds holds STAGE_MAX stages");

/* STAGE_SOURCE = 1 << STAGE_IDX_SOURCE, ...: a set of stages is their OR. */
#define STAGE_X_BIT(id, name, fn, store, all, groups) STAGE_##id = 1u << STAGE_IDX_##id,
enum { STAGE_TABLE(STAGE_X_BIT) };
#undef STAGE_X_BIT

/* Each stage's function, defined in src/stages/NAME.c. */
#define STAGE_X_DECL(id, name, fn, store, all, groups) int fn(stage_ctx *ctx, err *e);
STAGE_TABLE(STAGE_X_DECL)
#undef STAGE_X_DECL

typedef struct {
    const char *name;
    stage_fn fn;
    stage_store_rule store;
    stage_all_rule all;
    int own_groups;
} stage_def;

/* The table's rows, indexed by STAGE_IDX_x (static storage). */
extern const stage_def stage_defs[STAGE_COUNT];

/* Parses c->stages ("all" or a comma list of names, spaces allowed around
 * names) into *out and checks the set against the other inputs (tune,
 * tune-shard, seasons).  Returns 0, or -1 (ERR_INPUT) with a message
 * naming the input, the value and what is allowed. */
int stage_select(const config *c, unsigned *out, err *e);

/* 1 when a stage of set `selected` needs the store open under c. */
int stage_needs_store(const config *c, unsigned selected);

/* The names in run order, comma-separated ("source,prepare,...") into out
 * (size n), for help and messages. */
void stage_names(char *out, size_t n);

#endif
