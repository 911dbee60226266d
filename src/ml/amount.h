/* amount: how many rows or features each tree draws, as scikit-learn reads
 * max_samples / max_features: a count (an int) or a fraction in (0, 1] of
 * what is available (a float).  Plain values, nothing to free. */
#ifndef F1_ML_AMOUNT_H
#define F1_ML_AMOUNT_H

typedef struct {
    int is_fraction;
    double value;
} amount;

/* Canonical text of an amount ("10" or "0.5"), for model files and logs. */
void amount_str(amount a, char *out, int n);

/* Number of rows/features an amount selects out of `avail`: at least 1,
 * at most avail. */
int amount_resolve(amount a, int avail);

#endif
