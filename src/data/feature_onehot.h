/* feature_onehot: which nat_* and race_* columns a feature table gets
 * and which rows set them (docs/pipeline.md §3), for feature_table_build.
 *
 * A column exists for each value (by its one-hot name: see feature_table.h)
 * with at least the threshold's number of rows in the training seasons;
 * the plan maps every row to its column among the one-hot columns, or -1.
 * The plan owns its arrays; feature_onehot_release() frees them (also on
 * a zeroed plan). */
#ifndef F1_DATA_FEATURE_ONEHOT_H
#define F1_DATA_FEATURE_ONEHOT_H

#include "core/err.h"
#include "data/prepared.h"

typedef struct {
    int ncols;
    char **names;     /* ncols one-hot names, sorted (nat_* before race_*) */
    int *nat_col;     /* per row: index into names of its nat_ column, or -1 */
    int *race_col;    /* per row: same for its race_ column */
} feature_onehot;

/* Plans the one-hot columns of p, counting rows of seasons in
 * [first_train, last_train]. */
int feature_onehot_plan(const prepared *p, int first_train, int last_train, feature_onehot *out,
                         err *e);

/* "prefix" + the trimmed value lower-cased, each character outside a-z0-9
 * (a UTF-8 sequence counts as one) made '_'; NULL when the trimmed value
 * is empty or out of memory.  The caller frees the result. */
char *feature_onehot_name(const char *prefix, const char *value);

/* Frees what *o owns; *o itself stays the caller's (a zeroed struct or NULL: no-op). */
void feature_onehot_release(feature_onehot *o);

#endif
