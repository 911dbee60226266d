/* model: a trained model - a learner (ml/learner.h), the features it reads
 * and the seasons it was trained on - and its file, model.json (docs/pipeline.md §4).
 *
 * model.json, format 1 (bagging on the spec features, byte for byte what
 * f1-mlops 1.0 wrote):
 *   {"format": "f1-mlops-model", "format_version": 1, "tool_version": "1.0.0",
 *    "features": [names...],            the exact columns, in table order
 *    "parameters": {"n-estimators": 200, "max-samples": "10", "max-features": "50",
 *                   "bootstrap": true, "bootstrap-features": true, "max-depth": 0,
 *                   "seed": "0"},
 *    "seed": "0",                        uint64 as a decimal string
 *    "train_seasons": [first, last],
 *    "trees": [{"feature": [...], "threshold": [...], "left": [...],
 *               "right": [...], "value": [...]}, ...]}
 * Format 2 (every other learner and feature set):
 *   {"format": "f1-mlops-model", "format_version": 2, "tool_version": ...,
 *    "learner": "clogit" | "bagging", "feature_set": "v2" | "spec",
 *    "features": [names...], "parameters": {...}, "train_seasons": [first, last],
 *    then the learner's keys (learner.h): "clogit": {"l2", "iterations",
 *    "races", "loss", "beta", "mean", "sd", "median"} (standardisation and
 *    coefficients, one entry per feature), or bagging's "seed",
 *    "impute_median", "trees"}.
 * Doubles are written so they read back to the same bits (numfmt.h), so a
 * loaded model predicts exactly as the trained one did.  A file of another
 * format_version is refused with a hint to retrain.
 *
 * Features.  A model reads the columns of a feature table (data/feature_set.h)
 * by name: its "features", which are all the table's columns for the spec
 * set, the 21 v2 features for v2, or any named subset (the grid-only
 * baseline's).  Races are (season, round) runs of rows.
 *
 * A model owns its feature names and learner; model_release releases them
 * (zeroed struct or NULL: no-op). */
#ifndef F1_ML_MODEL_H
#define F1_ML_MODEL_H

#include <cjson/cJSON.h>

#include "core/err.h"
#include "data/feature_set.h"
#include "data/feature_table.h"
#include "ml/learner.h"

#define MODEL_FORMAT "f1-mlops-model"
#define MODEL_FORMAT_VERSION 2
/* bagging on the spec features keeps format 1's file */
#define MODEL_FORMAT_VERSION_BAGGING_SPEC 1
/* The largest model.json read (a file or a zip member): 200 trees of every
 * row of 1950-2023 take 8.6 MB, so this is room for some 6,000 such trees;
 * anything bigger is not a model of ours and is refused before parsing. */
#define MODEL_FILE_MAX ((size_t)256 << 20)

typedef struct {
    feature_set set;        /* the table's set the model was trained on */
    int nfeat;
    char **features;        /* nfeat names */
    int train_first, train_last;  /* training seasons */
    learner l;              /* l.params: the learner and its parameters */
} model;

/* Rows of t whose season lies in [first, last] and the number of distinct
 * races (season, round) among them. */
void model_season_counts(const feature_table *t, int first, int last, int *rows, int *races);

/* Trains learner p on the rows of t (a table of set `set`) from seasons
 * [first, last], reading the columns named names[0..n) (NULL: the set's
 * features, feature_set_features), on `threads` threads (0 = all cores).
 * Fails (ERR_DATA) when there are no such rows, when they are not one run
 * of rows (t is not in season order), or when a name is not a column. */
int model_train(model *m, const feature_table *t, feature_set set, const char *const *names,
                int n, int first, int last, const learner_params *p, int threads, err *e);

/* score[k] = the model's score of row first + k of t, k in [0, n), and,
 * when prob is not NULL, prob[k] its win probability among the rows of its
 * race within [first, first + n) (learner_probabilities).  t must hold the
 * model's features (model_check_features). */
int model_score(const model *m, const feature_table *t, int first, int n, double *score,
                double *prob, err *e);

/* Fails (ERR_DATA, naming the first difference) unless t is a table of
 * the model's feature set holding its features: for spec, t's columns are
 * the model's features in the same order. */
int model_check_features(const model *m, const feature_table *t, err *e);

/* The seed ranking ties of the model's scores (score.h). */
uint64_t model_seed(const model *m);

/* Writes model.json atomically. */
int model_write(const model *m, const char *path, err *e);

/* Reads and checks model.json (format, version, parameters, the learner):
 * a regular file of data-dir (fs_open_read) of at most MODEL_FILE_MAX
 * bytes. */
int model_read(const char *path, model *m, err *e);

/* The same for any path: flags FS_FOLLOW reads through a symlink (a path
 * the user gave, model-path). */
int model_load(const char *path, int flags, model *m, err *e);

/* The same for the n bytes of model.json at data (read by the caller from
 * a file or a zip member); `what` names them in errors ("'x.zip'
 * member model.json"). */
int model_parse(const char *data, size_t n, const char *what, model *m, err *e);

/* Frees what *m owns; *m itself stays the caller's (a zeroed struct or NULL: no-op). */
void model_release(model *m);

#endif
