/* feature_set: which features a table holds, spec (the 68 of docs/pipeline.md §3,
 * data/feature_table.h) or v2 (the 21 of issue 15, data/features_v2.h),
 * and the one function that builds either.
 *
 * A v2 table carries season and round as its first two columns (the keys
 * features.csv needs: its reader finds rows by them), then the 21 v2
 * features in features_v2_names order; its model features are those 21
 * only.  A spec table's model features are all its columns (season and
 * round included, as the spec has them).  features.csv records the set by
 * its header alone: a table whose columns are exactly season, round and
 * the v2 names is v2, any other is spec.
 *
 * Missing values: a v2 feature may be NAN (missing; the learner imputes
 * it), every other column of either set is finite. */
#ifndef F1_DATA_FEATURE_SET_H
#define F1_DATA_FEATURE_SET_H

#include "core/err.h"
#include "data/feature_table.h"
#include "data/prepared.h"
#include "data/qualifying.h"

typedef enum { FEATURE_SET_SPEC, FEATURE_SET_V2 } feature_set;
#define FEATURE_SET_COUNT 2
/* The grid features of v2 (its first 7: log_grid, g1 .. g7_10), the
 * inputs of the grid-only baseline. */
#define FEATURE_SET_GRID_NFEAT 7
/* Key columns a v2 table puts before its features. */
#define FEATURE_SET_V2_KEYS 2

/* "spec", "v2" (the input `features`' values). */
extern const char *const feature_set_names[FEATURE_SET_COUNT];

/* The set named s, or -1 when s names none. */
int feature_set_parse(const char *s);

/* Builds set s for every row of p: spec with one-hot columns chosen on
 * the training seasons [first_train, last_train] (feature_table_build), v2
 * from p and q (q NULL: no qualifying known; the training seasons do not
 * matter).  On failure *out is left empty. */
int feature_set_build(feature_set s, const prepared *p, const qualifying_table *q, int first_train,
                      int last_train, feature_table *out, err *e);

/* The set a table's columns make (see above). */
feature_set feature_set_of(char *const *names, int nfeat);

/* The model features of set s: *names and *n (borrowed: static names for
 * v2, the table's own for spec). */
void feature_set_features(feature_set s, const feature_table *t, const char *const **names, int *n);

/* 1 when column j of a table of set s may hold NAN (missing). */
int feature_set_missing_ok(feature_set s, int j);

#endif
