/* bounds: the range each number of Formula 1 data can have, stated once.
 *
 * Every boundary where numbers enter (API pages in `source`, store
 * documents in `prepare` and `predict`, prepared.csv, inputs) checks its
 * fields against these with core/num.h's rule, so an absurd value ("NaN"
 * points, a 1e999 grid slot, round 0) is refused where it enters, naming
 * the field and the value.  The ranges are generous: they bound what a
 * hostile source can make the program compute with, they do not encode
 * the rules of any season. */
#ifndef F1_DATA_BOUNDS_H
#define F1_DATA_BOUNDS_H

#define F1_SEASON_MIN 1950    /* the first world championship season */
#define F1_SEASON_MAX 2100
#define F1_ROUND_MAX 99       /* rounds are 1..F1_ROUND_MAX (a season has had at most 24) */
#define F1_POSITION_MAX 999   /* finishing order, 1..; at most ~40 cars ever started */
#define F1_GRID_MAX 999       /* 0 = pit-lane start */
#define F1_LAPS_MAX 999       /* laps completed; races run ~50-200 */
#define F1_POINTS_MAX 100.0   /* one race's points (double-points races gave 50) */
#define F1_MILLIS_MAX 1e8     /* a race time in ms: 27.7 hours */

#endif
