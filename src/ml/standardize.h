/* standardize: per-feature z-scores with median imputation, fitted on the
 * training rows of a column-major table and applied unchanged to any row.
 *
 * Fitting feature j on the training rows:
 *   median[j]  the median of its present (non-NaN) values: the middle one,
 *              or the mean of the two middle ones for an even count; 0 when
 *              every value is missing;
 *   mean[j]    the mean of the column after NaN -> median[j];
 *   sd[j]      the population SD (divide by the count, like numpy's std and
 *              scikit-learn's StandardScaler) of that imputed column, or 0
 *              when the imputed column is constant (then mean[j] is that
 *              constant, exactly) or its spread underflows.
 * Applying: v -> NaN ? median : v, then (v - mean) / sd, or 0 when sd is 0:
 * a feature without spread in training carries no information, so it
 * contributes nothing whatever value it takes later.
 *
 * NaN is the only missing marker; ±Inf is an error (naming the row and the
 * feature).  Callers own every array; nothing here allocates. */
#ifndef F1_ML_STANDARDIZE_H
#define F1_ML_STANDARDIZE_H

#include "core/err.h"

/* Fits median, mean and sd (nfeat each, caller's) on rows [lo, lo + n) of
 * the column-major table x (x[j * stride + i]).  work holds n doubles of
 * scratch.  names (nfeat, may be NULL) only name features in errors.  n must
 * be at least 1.  Returns -1 (ERR_DATA) on an infinite value. */
int standardize_fit(const double *x, int stride, int lo, int n, int nfeat,
                    const char *const *names, double *median, double *mean, double *sd,
                    double *work, err *e);

/* The standardised value of v under one feature's (median, mean, sd); v may
 * be NaN (missing) but not infinite. */
double standardize_value(double v, double median, double mean, double sd);

/* z[k * nfeat + j] = the standardised feature j of row lo + k of x, for k
 * in [0, n): row-major output, one row's features together.  Returns -1
 * (ERR_DATA) on an infinite value, naming it. */
int standardize_rows(const double *x, int stride, int lo, int n, int nfeat,
                     const char *const *names, const double *median, const double *mean,
                     const double *sd, double *z, err *e);

#endif
