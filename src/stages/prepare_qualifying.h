/* prepare_qualifying: the `prepare` stage's second table, qualifying.csv
 * (data/qualifying_csv.h), from the store's `qualifying` documents (one
 * per race, as the API nests them: Races[].QualifyingResults[] with
 * Driver.driverId and Q1/Q2/Q3 as "m:ss.sss"). */
#ifndef F1_STAGES_PREPARE_QUALIFYING_H
#define F1_STAGES_PREPARE_QUALIFYING_H

#include "core/err.h"
#include "stages/stage.h"

/* Writes data-dir/qualifying.csv with every stored qualifying entry of
 * seasons [first, last].  The documents are untrusted: a time that is not
 * a lap time is left out (the entry keeps its other times; a warning
 * counts them); an entry without a driver id, or a driver twice in one
 * race, fails with ERR_DATA naming the race.  *entries gets the number of
 * entries written. */
int prepare_qualifying(stage_ctx *ctx, int first, int last, long *entries, err *e);

#endif
