/* result_row: the numbers of one result row as the Ergast API writes them
 * (an entry of a race's Results array: strings such as "position": "3"),
 * read and checked against data/bounds.h in one place, for the rows
 * `source` receives and the rows `prepare` reads back from the store.
 *
 * position is required; grid, laps and points default to 0 when absent
 * (the API always writes them; grid 0 is a pit-lane start); Time.millis is
 * optional and only checked.  A field that is present but not a number in
 * its range ("points": "nan", null, "", "1e999", "-3") is an error.
 * Nothing here allocates. */
#ifndef F1_DATA_RESULT_ROW_H
#define F1_DATA_RESULT_ROW_H

#include <cjson/cJSON.h>

#include "core/err.h"

typedef struct {
    int position, grid, laps;
    double points;
} result_nums;

/* Reads res's numbers into *out.  Returns 0, or -1 (ERR_DATA, "field
 * 'points': 'nan' is not a number (...)") on the first bad field. */
int result_row_nums(const cJSON *res, result_nums *out, err *e);

/* The season and round of a race object ("season": "2023", "round": "5")
 * within data/bounds.h.  Returns 0, or -1 (ERR_DATA naming the field). */
int result_race_key(const cJSON *race, int *season, int *round, err *e);

#endif
