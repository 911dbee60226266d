/* predict: what the `predict` stage asks the API about the race to
 * predict (predict_fetch.c); the stage itself is predict.c.
 *
 * Only what is known before the race is asked for: the schedule entry,
 * the race's qualifying times (when published), and the entries with their
 * grid, from the race's starting grid (the `grid` of its results, when
 * they are published: the real grid, after penalties) or else from its
 * qualifying (grid = qualifying position).  Nothing of the race's outcome
 * is kept: entries have position 0, no points, no status.  When neither is
 * published the grid is unknown and the race has no entries.
 *
 * The API's answers are untrusted: a qualifying time that is not a lap
 * time is left out (a warning says so), an entry without driverId or
 * constructorId, or a driver twice in the qualifying, is an error.
 *
 * A predict_race owns its entries and qualifying table (predict_race_release;
 * zeroed struct: no-op). */
#ifndef F1_STAGES_PREDICT_H
#define F1_STAGES_PREDICT_H

#include "config/config.h"
#include "core/err.h"
#include "data/prepared.h"
#include "data/qualifying.h"

typedef enum {
    PREDICT_GRID_UNKNOWN,
    PREDICT_GRID_STARTING,    /* the results' grid */
    PREDICT_GRID_QUALIFYING,  /* qualifying order */
} predict_grid;

typedef struct {
    int season, round;
    char race_name[256];
    char date[32];
    char circuit_id[128];
    char country[128];
    predict_grid grid;
    prepared entries;  /* one row per car, race fields filled, weather unknown */
    /* The race's Q1/Q2/Q3 times, one entry per driver of its qualifying
     * (season and round of the race; empty when not published): what the
     * v2 features take for the race beside the history's qualifying.csv. */
    qualifying_table qualifying;
} predict_race;

/* Fetches race (season, round) from c's API, or with season 0 the next
 * race of the schedule (the API's current/next; with round 0 and a season,
 * that season's next race): at most four requests (next race, schedule
 * entry, results, qualifying).  Returns -1 (ERR_DATA) when the schedule
 * has no such race. */
int predict_fetch(const config *c, int season, int round, predict_race *out, err *e);

/* Frees what *r owns; *r itself stays the caller's (a zeroed struct or NULL: no-op). */
void predict_race_release(predict_race *r);

/* How the summary and the log name the grid a prediction used: "starting
 * grid", "qualifying order", or (unknown: predict-without-grid puts every
 * car there) "back of the grid". */
const char *predict_grid_name(predict_grid g);

#endif
