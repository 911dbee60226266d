/* tune: the model search of the `tune` and `tune-merge` stages, and the
 * parameters it hands to `train` and `evaluate`.
 *
 * A plan is what the inputs say to search: the configurations (tune-space
 * enumerated as a grid, or tune-trials drawn from it; ml/space.h: a
 * learner with its parameters, a feature set and a first training season;
 * what the space leaves alone is the inputs', the first training season
 * config_train_first's for the learner and the first validation season),
 * the test
 * seasons (the test season, or every backtest season), and for each test
 * season S its validation seasons S-k .. S-1 (k = tune-validation).  The
 * scores are search.h's: each configuration's expected_precision on each
 * validation season, trained on the seasons before it.  A test season's
 * score of a configuration is the mean over its k validation seasons; the
 * chosen configuration has the best score, and among scores within 1e-12
 * of the best the simplest (space_config_simpler, with amounts resolved on
 * the training set of the last validation season), then the first in the
 * plan.  No test season is ever read to choose: validation seasons lie
 * before it and search.h reads no row after a validation season.
 *
 * Files in data-dir:
 *   tune.json        the whole search: {"format": "f1-mlops-tune",
 *                    "format_version": 2, "search": {plan}, "data_sha256",
 *                    "shards", "seconds", "validation_seasons": [...],
 *                    "configurations": [{"learner", "feature_set",
 *                    "train_from", "parameters": {...},
 *                    "expected_precision", "train_rows", "features": [per
 *                    validation season]}],
 *                    "chosen": [{"test_season", "validation_seasons",
 *                    "configuration" (index), "learner", "feature_set",
 *                    "train_from", "parameters", "validation_score"}]}
 *                    Version 1 (bagging on the spec features only) is
 *                    refused with a hint to rerun the tune stage.
 *   tune-shard-I-of-N.json   one shard's scores (tune_shard.c); with
 *                    mongodb-uri, the `meta` document of that name instead.
 * "search" holds only inputs, so a later job can check that tune.json
 * answers its own inputs before using it; "data_sha256" (of prepared.csv)
 * lets the merge check that every shard scored the same data.
 *
 * Plans own their arrays (tune_plan_release; zeroed struct: no-op). */
#ifndef F1_STAGES_TUNE_H
#define F1_STAGES_TUNE_H

#include <cjson/cJSON.h>

#include "core/err.h"
#include "core/sha256.h"
#include "ml/bagging.h"
#include "ml/learner.h"
#include "ml/space.h"
#include "stages/stage.h"

#define FILE_TUNE "tune.json"
#define TUNE_FORMAT_VERSION 2
/* Scores closer than this are equally good. */
#define TUNE_TIE 1e-12

typedef struct {
    space sp;
    const char *text;        /* tune-space as given (the config's) */
    space_method method;
    int trials;              /* random search's draws; 0 for a grid */
    space_base base;         /* the run's inputs: what the space leaves alone */
    uint64_t *index;         /* grid index of each configuration, ascending */
    int n;                   /* configurations */
    int test_first, test_last;
    int k;                   /* validation seasons per test season */
    int *seasons;            /* test_first-k .. test_last-1 */
    int n_seasons;
} tune_plan;

/* The plan of ctx's inputs.  Fails (ERR_INPUT) when a validation season
 * would have no training season before it, naming tune-space when a
 * train-from it lists is the cause, else tune-validation. */
int tune_plan_make(stage_ctx *ctx, tune_plan *pl, err *e);
/* Frees what *pl owns; *pl itself stays the caller's (a zeroed struct or NULL: no-op). */
void tune_plan_release(tune_plan *pl);

/* Configuration c. */
space_config tune_plan_params(const tune_plan *pl, int c);

/* Adds "learner", "feature_set", "train_from" and "parameters" (the
 * learner's, learner_params_json) to o; sets *oom when out of memory. */
void tune_config_json(cJSON *o, const space_config *c, int *oom);

/* The plan as the "search" object (inputs only); NULL when out of memory. */
cJSON *tune_plan_json(const tune_plan *pl);

/* A new tune.json or shard document (format names which) with the keys
 * both start with: "format", "format_version", "search", "data_sha256",
 * "seconds" and "validation_seasons"; *oom set when out of memory. */
cJSON *tune_doc_new(const tune_plan *pl, const char *format, const char *data_sha256,
                    double seconds, int *oom);

/* The configurations shard i of n scores: [*from, *to). */
void tune_plan_slice(const tune_plan *pl, int i, int n, int *from, int *to);

/* SHA-256 of data-dir's prepared.csv into out, or "" when it is absent. */
int tune_data_digest(const stage_ctx *ctx, char out[SHA256_HEX_SIZE], err *e);

/* Every configuration's scores, [c * n_seasons + s]: expected; train_rows
 * and nfeat, the reference for "simpler". */
typedef struct {
    const double *expected;
    const int *train_rows;
    const int *nfeat;
} tune_scores;

/* The chosen configuration for test season `season` (one of the plan's),
 * and its score in *score. */
int tune_choose(const tune_plan *pl, const tune_scores *sc, int season, double *score);

/* Chooses for every test season and writes tune.json. */
int tune_write(const stage_ctx *ctx, const tune_plan *pl, const tune_scores *sc,
               const char *data_sha256, int shards, double seconds, err *e);

/* The model for test season `season`: the learner and its parameters,
 * the feature set and the first training season; the inputs' when tune is
 * off (config_train_first for the run's first test season), else the
 * configuration tune.json chose (which must answer this run's inputs). */
int tune_params(stage_ctx *ctx, int season, space_config *out, err *e);

/* Adds "tune" to metrics.json's root when tune is on: the search, every
 * configuration's validation score for the test season, the chosen one
 * with its test score (the root's "model"), and per backtest season the
 * parameters chosen for it. */
int tune_metrics_add(stage_ctx *ctx, cJSON *metrics, err *e);

/* Writes shard i of n's scores (configurations [from, to): rows of
 * n_seasons each, NULL when the slice is empty) to data-dir or the store. */
int tune_shard_save(stage_ctx *ctx, const tune_plan *pl, int i, int n, int from, int to,
                    const double *expected, const int *train_rows, const int *nfeat,
                    const char *data_sha256, double seconds, err *e);

/* Gathers the shards of pl from data-dir or the store into expected,
 * train_rows and nfeat (pl->n x n_seasons each); *shards gets
 * their count, *seconds the sum of their search times, data_sha256 their
 * data digest.  Fails naming every missing shard. */
int tune_shard_collect(stage_ctx *ctx, const tune_plan *pl, double *expected, int *train_rows,
                       int *nfeat, int *shards, double *seconds,
                       char data_sha256[SHA256_HEX_SIZE], err *e);

#endif
