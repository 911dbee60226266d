/* model: a trained model (bagged trees plus what they were trained on) and
 * its file, model.json (docs/pipeline.md §4).
 *
 * model.json:
 *   {"format": "f1-mlops-model", "format_version": 1, "tool_version": "1.0.0",
 *    "features": [names...],            the exact columns, in table order
 *    "parameters": {"n-estimators": 200, "max-samples": "10", "max-features": "50",
 *                   "bootstrap": true, "bootstrap-features": true, "max-depth": 0,
 *                   "seed": "0"},
 *    "seed": "0",                        uint64 as a decimal string
 *    "train_seasons": [first, last],
 *    "trees": [{"feature": [...], "threshold": [...], "left": [...],
 *               "right": [...], "value": [...]}, ...]}
 * Tree feature ids index "features".  Doubles are written so they read
 * back to the same bits (numfmt.h), so a loaded model predicts exactly as
 * the trained one did.  A file of another format_version is refused with a
 * hint to retrain.
 *
 * A model owns its feature names and trees; model_release releases them
 * (zeroed struct or NULL: no-op). */
#ifndef F1_ML_MODEL_H
#define F1_ML_MODEL_H

#include <cjson/cJSON.h>

#include "core/err.h"
#include "data/feature_table.h"
#include "ml/bagging.h"

#define MODEL_FORMAT "f1-mlops-model"
#define MODEL_FORMAT_VERSION 1

typedef struct {
    int nfeat;
    char **features;        /* nfeat names */
    bagging_params params;
    int train_first, train_last;  /* training seasons */
    bagging bag;
} model;

/* Rows of t whose season lies in [first, last] and the number of distinct
 * races (season, round) among them. */
void model_season_counts(const feature_table *t, int first, int last, int *rows, int *races);

/* Trains on the rows of t from seasons [first, last] with every column of
 * t as a feature, on `threads` threads (0 = all cores).  Fails (ERR_DATA)
 * when there are no such rows, or when they are not one run of rows (t is
 * not in season order). */
int model_train(model *m, const feature_table *t, int first, int last, const bagging_params *p,
                int threads, err *e);

/* out[k] = the model's prediction for row first + k of t, k in [0, n).
 * t's columns must be the model's (model_check_features). */
void model_predict(const model *m, const feature_table *t, int first, int n, double *out);

/* Fails (ERR_DATA, naming the first difference) unless t's columns are the
 * model's features in the same order. */
int model_check_features(const model *m, const feature_table *t, err *e);

/* The "parameters" object of model.json and metrics.json; NULL when out of
 * memory.  Caller owns it. */
cJSON *model_params_json(const bagging_params *p);

/* Writes model.json atomically. */
int model_write(const model *m, const char *path, err *e);

/* Reads and checks model.json (format, version, parameters, every tree). */
int model_read(const char *path, model *m, err *e);

/* Frees what *m owns; *m itself stays the caller's (a zeroed struct or NULL: no-op). */
void model_release(model *m);

#endif
