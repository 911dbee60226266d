/* feature_table: the feature table of docs/pipeline.md §3 built from prepared rows.
 *
 * feature_table_build() owns nothing of its input; the table it fills owns its
 * arrays and names, released by feature_table_release() (no-op on a zeroed
 * struct).  x is column-major: x[j * nrows + i] is feature j of row i, the
 * layout the tree code scans.  Feature j is named names[j]; the columns are
 * features.csv's minus driver_id and won, in file order:
 *   season, round, grid, driver_experience, constructor_experience,
 *   driver_recent_wins, driver_recent_dnfs, driver_recent_form,
 *   constructor_recent_form, age, is_home, weather_hot ... weather_cloudy
 *   (FEATURES_NFIXED columns), then the nat_* and race_* one-hot columns
 *   sorted by name.
 *
 * Invariants of a built table: every window looks only at rows of earlier
 * races (the input must be in (season, round) order, rows of one race
 * together), so a row never sees its own race: not a teammate's result,
 * not the driver's second car.  Values are exact: counts are integers and
 * form sums are multiples of 0.0001 summed in integer units, so a table
 * is bit-identical from run to run and survives a write/read round trip.
 *
 * Choices the spec leaves open:
 *   - age is 0 when driver_dob (or race_date) is empty or not YYYY-MM-DD:
 *     an out-of-range marker a tree can split off, instead of inventing an
 *     age;
 *   - one-hot names: the trimmed value lower-cased, each character (a
 *     UTF-8 sequence counts once) outside a-z0-9 becoming one '_'; values
 *     that give the same name share one column and their rows are counted
 *     together; empty values get no column;
 *   - "finishing order" for rf_points is the `position` order (ties keep
 *     prepared order). */
#ifndef F1_DATA_FEATURE_TABLE_H
#define F1_DATA_FEATURE_TABLE_H

#include "core/err.h"
#include "data/prepared.h"

#define FEATURES_NFIXED 17
/* docs/pipeline.md §3 window sizes and one-hot thresholds. */
#define FEATURES_LONG_WINDOW 60   /* experience, wins, dnfs */
#define FEATURES_FORM_WINDOW 30   /* recent form sums */
#define FEATURES_RF_ROWS 40       /* finished rows that earn rf_points */
#define FEATURES_NAT_MIN_ROWS 300
#define FEATURES_RACE_MIN_ROWS 130

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

/* The fixed feature names, in order (FEATURES_NFIXED of them). */
extern const char *const feature_table_fixed_names[FEATURES_NFIXED];

/* Builds features for every row of p.  One-hot columns (nat_*, race_*)
 * are chosen by counting rows of the training seasons only: seasons in
 * [first_train_season, last_train_season].  Returns -1 (ERR_DATA) when
 * p is not in (season, round) order; on failure *out is left empty. */
int feature_table_build(const prepared *p, int first_train_season, int last_train_season,
                   feature_table *out, err *e);

/* -1 (ERR_DATA, naming the row) when p is not in (season, round) order. */
int feature_table_check_order(const prepared *p, err *e);

/* Dense ids (data/intern.h) of the string field at byte offset off of
 * every row of p (offsetof(prepared_row, driver_id), ...): ids[i] for row
 * i.  Returns the number of distinct values, or -1 when out of memory. */
int features_row_ids(const prepared *p, size_t off, int *ids, err *e);

/* rf_points of the k-th finished row of a race (k from 0):
 * round(4^(4 - 3k/39), 4) for k < 40, else 0. */
double feature_table_rf_points(int k);

/* 1 when a status counts as finished: "Finished", "Lapped", or "+..."
 * ("+1 Lap"). */
int feature_table_finished(const char *status);

/* features.csv: driver_id, the features, won.  Numbers are written
 * exactly: integral values as integers, others with "%.10g" (form sums
 * have at most 4 decimals and 8 digits, so they read back bit-identical);
 * NAN (a missing v2 value) as "nan". */
int feature_table_write(const feature_table *t, const char *path, err *e);
/* Reads features.csv back: the header must start with driver_id, end with
 * won and hold season and round; every value must be a finite number and
 * season and round whole ones, except that a v2 feature
 * (data/feature_set.h) may be missing, written "nan" (or an empty cell),
 * read as NAN.  On failure *out is left empty. */
int feature_table_read(const char *path, feature_table *out, err *e);
/* Rows and races (distinct consecutive season and round) of seasons
 * [first, last]. */
typedef struct {
    int first, last;
    int rows, races;
} season_count;

/* The same, keeping only the rows of seasons [first, last] (the others
 * are passed over after reading their season and round; first 0: all).
 * For a stage that needs one season of a table of 75.  When also is not
 * NULL, the rows and races of seasons [also->first, also->last] of the
 * whole file are counted into it in the same pass. */
int feature_table_read_seasons(const char *path, int first, int last, season_count *also,
                          feature_table *out, err *e);

/* Allocates every array of t for nrows x nfeat, zeroed (names and
 * driver_id NULL); -1 when out of memory (t then holds what was
 * allocated: free it with feature_table_release). */
int feature_table_alloc(feature_table *t, int nrows, int nfeat, err *e);
/* Fills t's per-row keys from p's rows (t allocated for p->n rows): the
 * driver ids (copies), won (position 1), season and round; -1 when out of
 * memory (what was copied is freed with t). */
int feature_table_keys(feature_table *t, const prepared *p, err *e);
/* Frees what *t owns; *t itself stays the caller's (a zeroed struct or NULL: no-op). */
void feature_table_release(feature_table *t);

#endif
