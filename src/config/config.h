/* config: the one run configuration, filled once from the command line and
 * INPUT_* environment variables, validated, then read-only.
 *
 * Every input of the pipeline contract (docs/pipeline.md §0) plus the API pacing lives
 * here.  config_load() owns nothing on the heap: strings are copied into
 * fixed arrays, so a config needs no freeing and can be copied by value.
 * Adding an input = one row in the option table in config.c, one field
 * here, one entry in action.yml and README (a test keeps those equal). */
#ifndef F1_CONFIG_CONFIG_H
#define F1_CONFIG_CONFIG_H

#include <stdint.h>

#include "core/err.h"
#include "ml/amount.h"
#include "ml/bagging.h"
#include "ml/learner.h"

#define CFG_STR_MAX 1024

typedef struct {
    int season_first;        /* >= 1950 */
    int season_last;         /* 0 = "latest", resolved by the source stage */
    int test_season;         /* 0 = last season of the range */
    int backtest_first;      /* 0 = no backtest */
    int backtest_last;
    char stages[256];        /* the `stages` input as given: stages/registry.h parses it */
    char mongodb_uri[CFG_STR_MAX];      /* empty = embedded store; secret */
    char mongodb_database[128];
    char data_dir[CFG_STR_MAX];
    char api_base_url[CFG_STR_MAX];     /* no trailing slash */
    int wikipedia;                      /* scrape weather */
    char wikipedia_base_url[CFG_STR_MAX]; /* empty = the race's own url */
    int refresh;
    double api_rate_per_second;         /* request pacing */
    int api_rate_per_hour;
    int model;                          /* learner_kind (ml/learner.h) */
    int features;                       /* feature_set (data/feature_set.h) */
    double l2;                          /* clogit penalty, in (0, 1e6] */
    int train_from;                     /* first training season; 0 = the default */
    int n_estimators;
    amount max_samples;
    amount max_features;
    int bootstrap;
    int bootstrap_features;
    int max_depth;                      /* 0 = unlimited */
    uint64_t seed;
    int threads;                        /* 0 = all online cores */
    char artifact_name[256];
    int retention_days;                 /* 0 = not set */
    int tune;                           /* 0 = off, else a space_method (ml/space.h) */
    char tune_space[CFG_STR_MAX];       /* parses with tune_space_parse */
    int tune_trials;                    /* random search: configurations drawn */
    int tune_validation;                /* validation seasons before each test season */
    int tune_shard;                     /* 1..tune_shards: this job's slice; 0 = all */
    int tune_shards;
    int predict_season;                 /* 0 = the next race */
    int predict_round;
    int predict_without_grid;
    char model_path[CFG_STR_MAX];       /* empty = data-dir's model.json or zip */
    /* The MLOps loop (issue 13): compare with a baseline model, gate on
     * it, report on the pull request. */
    char baseline_model[CFG_STR_MAX];   /* "", a .json or .zip path, or "artifact:NAME" */
    char github_token[CFG_STR_MAX];     /* secret; "" = none */
    int fail_if_worse;
    double worse_tolerance;             /* in [0, 1] */
    int pr_comment;
} config;

/* The prefix of `baseline-model: artifact:NAME`. */
#define CFG_ARTIFACT_PREFIX "artifact:"

/* Fills *c with defaults, then INPUT_* variables (names with hyphens, as the
 * Actions runner passes them), then command-line options (--name value or
 * --name=value), which win.  Validates every value; on a bad one returns -1
 * with a message naming the input, the value and what is allowed
 * (err kind ERR_INPUT).  Sets *want_help when --help was given. */
int config_load(config *c, int argc, char **argv, int *want_help, err *e);

/* Parses `val` as input `name` would be parsed (the same checks and
 * message) into dst, the type of that input's config field (int for
 * n-estimators, max-depth, bootstrap...; amount for max-samples and
 * max-features).  For parsers of composite inputs (tune-space) that list
 * values of other inputs.  Returns -1 (ERR_INPUT) on a bad value or an
 * unknown name. */
int config_parse_value(const char *name, const char *val, void *dst, err *e);

/* Prints the input table with defaults (for --help); stage_list (the
 * stage names in run order, comma-separated) completes the row of input
 * `stages`, whose names the config layer does not know. */
void config_print_help(const char *stage_list);

/* The model parameters the run's inputs give (tune may replace them:
 * stages/tune.h). */
bagging_params config_bagging_params(const config *c);
learner_params config_learner_params(const config *c);

/* The default first training season of learner clogit (when seasons
 * start earlier): chosen by rolling-origin validation on 2006-2013
 * (README, "Model v2"). */
#define CONFIG_CLOGIT_TRAIN_FROM 2005

/* The first training season for test seasons from first_test on: input
 * train-from, else the default of the learner `model` (bagging: the first
 * of `seasons`; clogit: CONFIG_CLOGIT_TRAIN_FROM when that lies after the
 * first of `seasons` and before first_test, else the first of `seasons`). */
int config_train_first(const config *c, int model, int first_test);

#endif
