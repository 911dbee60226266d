#include "ml/standardize.h"

#include <math.h>
#include <stdio.h>

enum { LABEL_MAX = 160 };

/* "feature 'grid'" or, without names, "feature column 3", for errors. */
static const char *label(const char *const *names, int j, char *out)
{
    if (names != NULL)
        snprintf(out, LABEL_MAX, "feature '%.120s'", names[j]);
    else
        snprintf(out, LABEL_MAX, "feature column %d", j);
    return out;
}

/* The k-th smallest of a[0..n) (k < n), partially reordering a: afterwards
 * a[i] <= a[k] for i < k and a[i] >= a[k] for i > k.  Wirth's selection:
 * its partition stops on values equal to the pivot, so the many ties of a
 * 0/1 column cost no more than distinct values (a sort would cost n log n
 * per feature, the bulk of a fit). */
static double select_kth(double *a, int n, int k)
{
    int l = 0, m = n - 1;
    while (l < m) {
        double pivot = a[k];
        int i = l, j = m;
        do {
            while (a[i] < pivot)
                i++;
            while (pivot < a[j])
                j--;
            if (i <= j) {
                double t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                j--;
            }
        } while (i <= j);
        if (j < k)
            l = i;
        if (k < i)
            m = j;
    }
    return a[k];
}

/* The median of a[0..n) (n >= 1), reordering a. */
static double median_of(double *a, int n)
{
    int k = (n - 1) / 2;
    double lo = select_kth(a, n, k);
    if (n % 2 == 1)
        return lo;
    double hi = a[k + 1];
    for (int i = k + 2; i < n; i++)
        if (a[i] < hi)
            hi = a[i];
    /* halves first: (lo + hi) / 2 could overflow; equal to it otherwise */
    return 0.5 * lo + 0.5 * hi;
}

int standardize_fit(const double *x, int stride, int lo, int n, int nfeat,
                    const char *const *names, double *median, double *mean, double *sd,
                    double *work, err *e)
{
    char buf[LABEL_MAX];
    if (n < 1)
        return err_setk(e, ERR_DATA, "no training rows to standardise features on");
    for (int j = 0; j < nfeat; j++) {
        const double *col = x + (size_t)j * stride + lo;
        int present = 0;
        for (int i = 0; i < n; i++) {
            if (isinf(col[i]))
                return err_setk(e, ERR_DATA, "%s is infinite in row %d", label(names, j, buf),
                                lo + i);
            if (!isnan(col[i]))
                work[present++] = col[i];
        }
        median[j] = present > 0 ? median_of(work, present) : 0.0;
        double first = isnan(col[0]) ? median[j] : col[0];
        double sum = 0.0, min = first, max = first;
        for (int i = 0; i < n; i++) {
            double v = isnan(col[i]) ? median[j] : col[i];
            sum += v;
            min = v < min ? v : min;
            max = v > max ? v : max;
        }
        if (min == max) { /* no spread: no scale (and no sum that could overflow) */
            mean[j] = first;
            sd[j] = 0.0;
            continue;
        }
        mean[j] = sum / n;
        double ss = 0.0;
        for (int i = 0; i < n; i++) {
            double d = (isnan(col[i]) ? median[j] : col[i]) - mean[j];
            ss += d * d;
        }
        sd[j] = sqrt(ss / n);
        if (!isfinite(mean[j]) || !isfinite(sd[j]))
            return err_setk(e, ERR_DATA,
                            "%s cannot be standardised: its training values span [%g, %g], "
                            "beyond what sums of doubles hold",
                            label(names, j, buf), min, max);
        if (sd[j] == 0.0) /* a spread so small its square underflows: treated as none */
            mean[j] = first;
    }
    return 0;
}

double standardize_value(double v, double median, double mean, double sd)
{
    if (sd == 0.0)
        return 0.0;
    return ((isnan(v) ? median : v) - mean) / sd;
}

int standardize_rows(const double *x, int stride, int lo, int n, int nfeat,
                     const char *const *names, const double *median, const double *mean,
                     const double *sd, double *z, err *e)
{
    char buf[LABEL_MAX];
    for (int j = 0; j < nfeat; j++) {
        const double *col = x + (size_t)j * stride + lo;
        for (int i = 0; i < n; i++) {
            double v = standardize_value(col[i], median[j], mean[j], sd[j]);
            if (isinf(col[i]) || !isfinite(v))
                return err_setk(e, ERR_DATA, "%s in row %d is %s", label(names, j, buf), lo + i,
                                isinf(col[i]) ? "infinite"
                                              : "too far from its training values to standardise");
            z[(size_t)i * nfeat + j] = v;
        }
    }
    return 0;
}
