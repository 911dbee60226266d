/* qualifying_csv: qualifying.csv, the qualifying times prepare writes to
 * data-dir beside prepared.csv and the later stages read back.
 *
 * Format: a header line "season,round,driver_id,q1_ms,q2_ms,q3_ms", then
 * one row per (season, round, driver_id), sorted by those three (driver
 * ids by bytes); q1_ms..q3_ms are whole milliseconds, an empty cell = no
 * time in that session.  So equal tables always write equal files.
 *
 * The file is input like any restored data-dir (hostile): the reader
 * checks the header, every cell (seasons and rounds in range, driver ids
 * non-empty, short and free of control bytes, times whole numbers in
 * [1, QUALIFYING_CSV_MS_MAX]), the order (which also rules out a driver
 * twice in a race), the file's size and the row count, and names the file
 * and line of the first fault.
 *
 * Ownership: the writer borrows the table; the reader fills a table the
 * caller passes zeroed and owns (qualifying_release), which holds nothing
 * after a failure. */
#ifndef F1_DATA_QUALIFYING_CSV_H
#define F1_DATA_QUALIFYING_CSV_H

#include "core/err.h"
#include "data/qualifying.h"

/* The longest lap time accepted: what qualifying_time_ms can parse
 * ("999:59.999"). */
#define QUALIFYING_CSV_MS_MAX 59999999
/* Bounds of a file: every qualifying entry since 1994 is ~11k rows. */
#define QUALIFYING_CSV_ROWS_MAX 1000000
#define QUALIFYING_CSV_BYTES_MAX ((size_t)64 << 20)
/* Longest driver id (the API's are at most ~25 bytes). */
#define QUALIFYING_CSV_ID_MAX 64

/* Writes t to path atomically, sorted.  -1 (ERR_DATA) when t cannot be
 * written as the format says (a driver twice in a race, a time that is
 * not a whole number of ms in range, a bad season, round or id), naming
 * the entry; -1 on a file error. */
int qualifying_csv_write(const char *path, const qualifying_table *t, err *e);

/* Reads path into *t (zeroed by the caller).  -1 (ERR_DATA, naming path
 * and line) on any fault listed above; -1 when the file cannot be read. */
int qualifying_csv_read(const char *path, qualifying_table *t, err *e);

#endif
