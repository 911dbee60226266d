/* qualifying: each driver's Q1/Q2/Q3 times of a race, the input the v2
 * features (data/features_v2.h) take beside the prepared rows.
 *
 * A qualifying_table is a struct of arrays, one entry per (season, round,
 * driver_id), in any order; it owns its arrays and its driver_id copies,
 * released by qualifying_release() (no-op on a zeroed table).  Times are in
 * milliseconds; NAN means the driver set no time in that session (or the
 * era had no such session: before 2006 only Q1 is filled).
 *
 * A qualifying_index is a sorted view of a table for lookups by race and
 * driver; it borrows the table (which must outlive it and stay unchanged)
 * and owns only its order array, released by qualifying_index_release(). */
#ifndef F1_DATA_QUALIFYING_H
#define F1_DATA_QUALIFYING_H

#include "core/err.h"

#define QUALIFYING_SESSIONS 3

typedef struct {
    int n;
    int alloc;
    int *season;
    int *round;
    char **driver_id;
    double *q[QUALIFYING_SESSIONS]; /* q[s][i]: session s (0 = Q1) of entry i, ms or NAN */
} qualifying_table;

/* Appends one entry (driver_id copied; q_ms[s] may be NAN).  -1 when out
 * of memory (the table keeps its earlier entries). */
int qualifying_append(qualifying_table *t, int season, int round, const char *driver_id,
                      const double q_ms[QUALIFYING_SESSIONS], err *e);
void qualifying_release(qualifying_table *t);

/* Parses a qualifying time as the API writes it, "m:ss.sss" (or
 * "ss.sss"; 1 to 3 decimals, seconds below 60 after minutes), into *ms.
 * An empty string is no time: *ms = NAN.  Returns -1 (ERR_DATA, naming
 * the text) for anything else. */
int qualifying_time_ms(const char *text, double *ms, err *e);

typedef struct {
    const qualifying_table *t;
    int *order; /* t->n entry indexes sorted by (season, round, driver_id) */
} qualifying_index;

/* Sorts the entries of t.  -1 (ERR_DATA) when a driver has two entries in
 * one race or a time is neither NAN nor a finite positive number, naming
 * the entry; -1 when out of memory.  On failure ix holds nothing. */
int qualifying_index_build(qualifying_index *ix, const qualifying_table *t, err *e);
void qualifying_index_release(qualifying_index *ix);

/* The positions [*lo, *hi) in ix->order of the entries of one race (empty
 * when it has none). */
void qualifying_index_race(const qualifying_index *ix, int season, int round, int *lo, int *hi);

/* The entry of driver_id among order positions [lo, hi) of one race, or
 * -1. */
int qualifying_index_find(const qualifying_index *ix, int lo, int hi, const char *driver_id);

#endif
