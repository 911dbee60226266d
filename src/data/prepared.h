/* prepared: the rows of prepared.csv in memory (docs/pipeline.md §2).
 *
 * One row per entry of a race's Results, races in (season, round) order,
 * rows within a race in the API's order.  A `prepared` owns every string of
 * its rows; prepared_release() releases them all (prepared_release on a zeroed
 * struct is a no-op).  The strings of one row share one allocation: treat
 * rows as read-only (never free or replace a string of a row); to change
 * a row, append a modified copy to another table. */
#ifndef F1_DATA_PREPARED_H
#define F1_DATA_PREPARED_H

#include "core/err.h"

typedef struct {
    int season;
    int round;
    char *race_name;
    char *race_date;          /* YYYY-MM-DD */
    char *driver_id;
    char *driver_name;        /* "givenName familyName" */
    char *driver_dob;         /* YYYY-MM-DD, may be empty */
    char *driver_nationality;
    char *constructor_id;
    char *constructor_name;
    int grid;                 /* 0 = pit-lane start */
    int position;             /* finishing order */
    double points;
    int laps;
    char *status;
    char *circuit_id;
    char *country;
    char *weather_text;       /* cleaned, may be empty */
    char *weather;            /* category or "unknown" */
} prepared_row;

typedef struct {
    int n;
    int alloc;
    prepared_row *rows;
    /* What prepared_read allocates in bulk (never set these elsewhere):
     * the strings of the rows it read, back to back, and whether rows came
     * from bigmem_alloc. */
    char *text;
    size_t text_len;
    int rows_big;
} prepared;

/* The column names, in file order (19 of them). */
extern const char *const prepared_columns[];
#define PREPARED_NCOLS 19

/* Reads prepared.csv; checks the header.  On failure *p is left empty. */
int prepared_read(const char *path, prepared *p, err *e);
/* The same, keeping only the rows of seasons [first, last] (first 0:
 * all); records of other seasons are passed over unparsed where they can
 * be. */
int prepared_read_seasons(const char *path, int first, int last, prepared *p, err *e);
/* Writes p to path atomically (temp name + rename). */
int prepared_write(const prepared *p, const char *path, err *e);
/* Appends a copy of *r (strings duplicated; NULL strings become ""). */
int prepared_append(prepared *p, const prepared_row *r, err *e);
/* Moves every row of src to the end of dst, strings and all (nothing is
 * copied); src is left empty.  src must not come from prepared_read.  -1
 * (both unchanged) when out of memory. */
int prepared_move_rows(prepared *dst, prepared *src, err *e);
/* Puts the rows in the order `order` gives: row i becomes the old row
 * order[i], for i < p->n.  Rows move with their strings; nothing is
 * copied.  -1 (p unchanged) when order is not a permutation of 0..n-1 or
 * out of memory. */
int prepared_reorder(prepared *p, const int *order, err *e);
/* Frees what *p owns; *p itself stays the caller's (a zeroed struct or NULL: no-op). */
void prepared_release(prepared *p);

#endif
