/* learner: the one interface train, evaluate, tune and predict use to fit,
 * score, save and load a model without knowing which learner it is.
 *
 * Learners (learner_names, the input `model`'s values):
 *   bagging  bagged regression trees on the target won (ml/bagging.h),
 *            seeded and bit-reproducible.  A training column holding NAN
 *            (a missing v2 value) is imputed with its training median
 *            ("impute_median" in model.json, present only then), the same
 *            medians at scoring; without missing values nothing changes.
 *   clogit   the conditional logit (ml/clogit.h): standardisation and
 *            coefficients, deterministic to the last bit.
 *
 * Win probabilities (learner_probabilities) are per race: clogit's are its
 * softmax; bagging's are its scores normalised to sum to 1 over the race
 * (a score is a mean of 0/1 leaves, so >= 0; a race whose scores are all 0
 * gets 1/k each) - a ranking turned into shares, not a calibrated chance.
 *
 * Data.  A learner_data points into a column-major table (x[j * stride +
 * i]) and uses rows [lo, lo + n); race ids (non-decreasing over those
 * rows, one run per race) are needed by clogit's fit and by
 * learner_probabilities, won (0/1) by every fit.
 *
 * Files.  learner_save adds the learner's keys to a model.json object
 * (bagging: "trees", and "impute_median" when it has one; clogit:
 * "clogit", clogit_to_json's object); learner_params_save adds
 * "parameters" (and bagging's top-level "seed", as format 1 had it).
 * Loading is strict: a missing or malformed key is an error naming it.
 *
 * Ownership.  A learner owns what its fit or load allocated;
 * learner_release frees it and zeroes the struct (zeroed struct: no-op).
 * On failure fit and load leave it zeroed.  Nothing keeps a pointer to the
 * caller's data. */
#ifndef F1_ML_LEARNER_H
#define F1_ML_LEARNER_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/err.h"
#include "ml/bagging.h"
#include "ml/clogit.h"

typedef enum { LEARNER_BAGGING, LEARNER_CLOGIT } learner_kind;
#define LEARNER_COUNT 2

/* "bagging", "clogit", by learner_kind. */
extern const char *const learner_names[LEARNER_COUNT];

/* The kind named s, or -1. */
int learner_parse(const char *s);

typedef struct {
    learner_kind kind;
    /* The run's seed: bagging's trees draw from it (bagging.seed is
     * replaced by it); every learner's ties between equal scores are
     * broken with it when a race is ranked (ml/score.h). */
    uint64_t seed;
    bagging_params bagging;  /* kind bagging */
    clogit_params clogit;    /* kind clogit */
} learner_params;

typedef struct {
    const double *x;          /* column-major: x[j * stride + i]; NAN = missing */
    int stride;               /* rows of the table */
    int nfeat;
    const char *const *names; /* nfeat feature names (errors name them), or NULL */
    const int *race;          /* stride race ids, or NULL (bagging fit and score) */
    const double *won;        /* stride 0/1 targets (fit only) */
    int lo, n;                /* the rows used */
} learner_data;

typedef struct {
    learner_params params;
    int nfeat;
    bagging bag;          /* bagging */
    double *impute;       /* bagging: nfeat training medians, or NULL */
    clogit_model clogit;  /* clogit */
} learner;

/* Fits p's learner on d's rows (`threads` threads for bagging, 0 = the
 * online cores; clogit uses one). */
int learner_fit(learner *l, const learner_params *p, const learner_data *d, int threads, err *e);

/* out[k] = the score of row d->lo + k, k in [0, d->n): higher = likelier
 * winner.  Fails (ERR_DATA) on a value the learner cannot score (an
 * infinite value, or a missing one a bagging model never saw missing). */
int learner_score(const learner *l, const learner_data *d, double *out, err *e);

/* prob[k] = the win probability of row d->lo + k within its race (the
 * rows of [lo, lo + n) with its race id), from score[k] (learner_score's);
 * see above for how each learner turns scores into probabilities. */
int learner_probabilities(const learner *l, const learner_data *d, const double *score,
                          double *prob, err *e);

/* The "parameters" object of model.json and metrics.json (bagging: as
 * format 1 wrote it); NULL when out of memory. */
cJSON *learner_params_json(const learner_params *p);

/* Adds "parameters" (and bagging's "seed") to root; -1 when out of memory. */
int learner_params_save(const learner_params *p, cJSON *root);

/* Reads what learner_params_save wrote for a learner of kind `kind`. */
int learner_params_load(const cJSON *root, learner_kind kind, learner_params *p, err *e);

/* Adds the fitted learner's keys to root; -1 when out of memory. */
int learner_save(const learner *l, cJSON *root);

/* Reads a learner of p's kind with nfeat features from root. */
int learner_load(const cJSON *root, const learner_params *p, int nfeat, learner *l, err *e);

void learner_release(learner *l);

#endif
