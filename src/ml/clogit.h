/* clogit: the conditional logit, a race-winner model with one linear score
 * per row and a softmax within each race.
 *
 * Model.  Row i of race r gets the score s_i = z_i . beta, where z_i is the
 * row's features standardised with the training rows' median, mean and SD
 * (standardize.h), and P(i wins r) = exp(s_i) / sum over rows j of r of
 * exp(s_j).  There is no intercept: it would cancel in the softmax.
 *
 * Fit.  beta minimises
 *     L(beta) = sum over races r of -sum_i y_i log P(i wins r) + l2 |beta|^2
 * on the training rows, where y_i = 1/k for each of the k rows marked won in
 * race r, 0 for the others:
 *   - a race with one winner (the usual case) adds -log P(winner);
 *   - a dead heat (k > 1 winners) adds the mean of -log P over its winners,
 *     each winner counting for 1/k of a win;
 *   - a race with no winner row (results unknown, or a race nobody
 *     finished) adds nothing: there is nothing to learn from it.  Its rows
 *     still count in the standardisation, which describes the rows, not the
 *     races.
 * L is strictly convex for l2 > 0, so the optimum is unique.  Damped Newton
 * from beta = 0: the Hessian (positive definite thanks to l2) is solved by
 * Cholesky and the step halved until it decreases L enough (Armijo, 1e-4);
 * when the predicted decrease is below the rounding of L (1e-12 of it) the
 * full step is taken, since the quadratic model is then exact to rounding.
 * It stops when max_k |dL/dbeta_k| <= tol * max(1, the same at beta = 0),
 * and fails when max_iter steps were not enough.
 *
 * Determinism.  One thread; every sum runs in a fixed race and row order,
 * so beta is the same to the last bit on every run, whatever else runs
 * (the build's -std=c11 also keeps GCC from fusing multiply-adds).  A fit
 * on 20,000 rows of 21 features takes about 4 Newton steps and 25 ms of
 * CPU, half of it in the Hessians, a quarter in the medians.
 *
 * Data.  A clogit_data points into a column-major table (x[j * stride + i],
 * the layout of feature_table in data/feature_table.h) and uses its rows
 * [lo, lo + n).  Rows of one race are contiguous and race ids never
 * decrease from one row to the next (season * 100 + round does both for a
 * table in race order); a decrease is an error.  NaN marks a missing value;
 * an infinite value is an error naming the row and feature.
 *
 * Ownership.  A clogit_model owns its four arrays, which live in one
 * allocation starting at beta; clogit_release frees it and zeroes the
 * struct (zeroed struct or NULL: no-op).  Every other array is the
 * caller's; nothing here keeps a pointer to caller data.  On failure a
 * function leaves *m zeroed (fit, from_json) and sets e. */
#ifndef F1_ML_CLOGIT_H
#define F1_ML_CLOGIT_H

#include <cjson/cJSON.h>

#include "core/err.h"

#define CLOGIT_DEFAULT_L2 15.0
#define CLOGIT_DEFAULT_MAX_ITER 100
#define CLOGIT_DEFAULT_TOL 1e-10

typedef struct {
    double l2;    /* penalty weight on sum beta_k^2: finite, > 0 */
    int max_iter; /* Newton steps at most: >= 1 */
    double tol;   /* relative gradient tolerance (see Fit): in (0, 1) */
} clogit_params;

typedef struct {
    const double *x;          /* column-major table: x[j * stride + i]; NaN = missing */
    int stride;               /* rows of the table (length of each column) */
    int nfeat;                /* columns: >= 1 */
    const char *const *names; /* nfeat column names for errors, or NULL */
    const int *race;          /* stride race ids; rows of [lo, lo + n) non-decreasing */
    const double *won;        /* stride 0/1 flags (fit only; may be NULL otherwise) */
    int lo, n;                /* the rows used: [lo, lo + n), n >= 1 */
} clogit_data;

typedef struct {
    int n_features;
    double *beta;   /* n_features coefficients of the standardised features */
    double *mean;   /* n_features: training means (after imputation) */
    double *sd;     /* n_features: training SDs, 0 = feature ignored */
    double *median; /* n_features: training medians, replace NaN */
    double l2;      /* the penalty it was fitted with */
    int iterations; /* Newton steps taken */
    int races;      /* training races with a winner (those that count) */
    double loss;    /* L(beta), penalty included */
} clogit_model;

/* l2 15, max_iter 100, tol 1e-10. */
clogit_params clogit_params_default(void);

/* Fits a model on d's rows (won required).  Fails (ERR_INPUT) on bad
 * parameters, (ERR_DATA) on bad data (an infinite value, a won flag other
 * than 0/1, race ids out of order, no race with a winner), or when Newton
 * does not converge.  On success *m owns a new model (clogit_release). */
int clogit_fit(clogit_model *m, const clogit_params *p, const clogit_data *d, err *e);

/* out[k] = the score z . beta of row d->lo + k, k in [0, d->n): the same
 * sums, in the same order, as the fit's.  d->nfeat must be m's.  race and
 * won are not used, so one row of values v[j] is {.x = v, .stride = 1,
 * .nfeat = m->n_features, .n = 1}.  Fails (ERR_DATA) on an infinite value or
 * a value whose standardised score overflows. */
int clogit_score(const clogit_model *m, const clogit_data *d, double *out, err *e);

/* p[i] = exp(s[i]) / sum_j exp(s[j]), i in [0, n), for finite scores s
 * (n >= 1; p may be s).  The maximum is subtracted first, so every p is
 * finite and the p sum to 1 within rounding whatever the scores' size. */
void clogit_softmax(const double *s, int n, double *p);

/* prob[k] = the model's win probability for row d->lo + k among its race's
 * rows of [lo, lo + n) (race ids as for the fit; won not used), and
 * score[k] its score when score is not NULL; d->n = 0 does nothing.  Fails
 * like clogit_score, or (ERR_DATA) when race ids decrease. */
int clogit_probabilities(const clogit_model *m, const clogit_data *d, double *score,
                         double *prob, err *e);

/* The objective L(beta) (into *loss) and its gradient (grad, nfeat) on d's
 * rows, under m's standardisation and m->l2, for any beta (nfeat): what
 * the fit drives to zero, exposed for checks.  Fails like clogit_fit on
 * bad data (a race without a winner is not an error here). */
int clogit_gradient(const clogit_model *m, const clogit_data *d, const double *beta, double *grad,
                    double *loss, err *e);

/* The model as a JSON object:
 *   {"l2": 15, "iterations": 6, "races": 420, "loss": 812.5,
 *    "beta": [...], "mean": [...], "sd": [...], "median": [...]}
 * doubles printed so they read back to the same bits (ml/numfmt.h: raw
 * numbers, so the object is for printing, not for reading back in place).
 * NULL when out of memory; the caller owns it. */
cJSON *clogit_to_json(const clogit_model *m);

/* Reads a parsed object of that shape into *m.  n_features > 0: the four
 * arrays must have exactly that many entries (the caller's feature list);
 * 0: beta's length, at least 1, sets it.  Every value must be a finite
 * number; l2 > 0, sd >= 0, loss >= 0, iterations and races whole numbers
 * >= 0.  Keys other than those are ignored.  Fails (ERR_DATA) naming the
 * first defect; *m is then left zeroed. */
int clogit_from_json(const cJSON *o, int n_features, clogit_model *m, err *e);

/* Frees m's arrays and zeroes it.  NULL or zeroed: no-op. */
void clogit_release(clogit_model *m);

#endif
