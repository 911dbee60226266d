/* features: the feature table of spec §3 built from prepared rows.
 *
 * features_build() owns nothing of its input; the table it fills owns its
 * arrays and names, released by features_free() (no-op on a zeroed
 * struct).  x is column-major: x[j * nrows + i] is feature j of row i, the
 * layout the tree code scans.  Feature j is named names[j]; the columns are
 * features.csv's minus driver_id and won, in file order. */
#ifndef F1_DATA_FEATURES_H
#define F1_DATA_FEATURES_H

#include "core/err.h"
#include "data/prepared.h"

typedef struct {
    int nrows;
    int nfeat;
    char **names;      /* nfeat feature names */
    double *x;         /* nfeat * nrows, column-major */
    double *won;       /* nrows targets (0 or 1) */
    int *season;       /* nrows, same as the season feature, for slicing */
    int *round;        /* nrows */
    char **driver_id;  /* nrows, owned copies */
} feature_table;

/* Builds features for every row of p.  One-hot columns (nat_*, race_*)
 * are chosen by counting rows of the training seasons only: seasons in
 * [first_train_season, last_train_season]. */
int features_build(const prepared *p, int first_train_season, int last_train_season,
                   feature_table *out, err *e);

/* features.csv: driver_id, the features, won. */
int features_write(const feature_table *t, const char *path, err *e);
int features_read(const char *path, feature_table *out, err *e);

void features_free(feature_table *t);

#endif
