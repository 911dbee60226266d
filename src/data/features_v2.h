/* features_v2: the compact feature set of the conditional logit (issue 15),
 * built from prepared rows and their races' qualifying times.
 *
 * features_v2_build() owns nothing of its inputs; the feature_table it
 * fills (data/feature_table.h: column-major x, names, won, season, round,
 * driver_id) is the caller's, released by feature_table_release().  The columns
 * are features_v2_names, in that order.  NAN marks a value that does not
 * exist (a driver's first race has no recent form); the learner replaces
 * it with the training median.
 *
 * Terms: mpts of a row = 25,18,15,12,10,8,6,4,2,1 for `position` 1..10,
 * else 0 (one scale for every era); finished = feature_table_finished() (status
 * "Finished", "Lapped" or "+N Laps"); a two-car team = a constructor with
 * exactly two rows in the race, the other row being the teammate; the
 * effective grid = `grid`, or the race's number of rows when `grid` is 0
 * (pit-lane start) or negative; "earlier" = rows of races before this one
 * in the table (the input must be in (season, round) order, rows of a race
 * together), so no feature of a row depends on its own race's results or
 * any later race: leak-free by construction.  A race's own grid and
 * qualifying are known before it and are used.
 *
 *   log_grid        ln(effective grid)
 *   g1 g2 g3 g4     1 when the effective grid is 1 / 2 / 3 / 4, else 0
 *   g5_6 g7_10      1 when it is in 5..6 / 7..10, else 0
 *   q_gap_pct       100 * (own best of Q1, Q2, Q3 / best time anyone set in
 *                   the race's qualifying - 1), at most 7; 7 when the
 *                   driver has no time; NAN when the race has no time at all
 *   tm_q_delta      two-car teams: 100 * (own / teammate's time - 1) in the
 *                   latest of Q3, Q2, Q1 where both set one, clipped to
 *                   [-7, 7]; NAN otherwise
 *   d5_mpts d5_won  the driver's last 5 earlier rows (fewer if he has
 *                   fewer): mean mpts, share won (position 1); NAN if none
 *   d10_dnf         his last 10 earlier rows: share not finished; NAN if none
 *   d10_ahead_tm    share of those 10 where he finished ahead (smaller
 *                   position) of his teammate in a two-car team; other rows
 *                   count as 0; NAN if none
 *   c5_mpts c5_won  the constructor's last 5 earlier races: mean of the
 *                   summed mpts of its cars, share won by one of them; NAN
 *                   if none
 *   circ3_mpts      mean mpts of the driver's last 3 earlier rows at this
 *                   circuit_id; NAN if none
 *   prev_share      his summed mpts in season - 1 / the most any driver
 *                   summed then; 0 if he did not race then; NAN when season
 *                   - 1 has no rows (or that maximum is 0)
 *   season_rel      his summed mpts of this season's earlier races / the
 *                   most among this race's entrants; prev_share when that
 *                   most is 0 (the season's first race)
 *   con_season_rel  the same for his constructor (mpts of all its cars,
 *                   most among the constructors entered; its own
 *                   prev_share, over constructors, when that most is 0)
 *   is_leader       1 when he has raced earlier this season and his summed
 *                   `points` (official race points) equal the most of any
 *                   driver who has (ties all 1), else 0
 *   d5_gap          d5_mpts - the most d5_mpts among this race's entrants
 *                   (NAN ones left out); NAN when his own d5_mpts is NAN
 *
 * Values are computed as tests/tools/v2_reference.py does (sums of whole
 * numbers, then one division), so both agree to the last bit but for
 * libm's log. */
#ifndef F1_DATA_FEATURES_V2_H
#define F1_DATA_FEATURES_V2_H

#include "core/err.h"
#include "data/feature_table.h"
#include "data/prepared.h"
#include "data/qualifying.h"

#define FEATURES_V2_NFEAT 21
/* Windows and caps of the definitions above. */
#define FEATURES_V2_DRIVER_SHORT 5
#define FEATURES_V2_DRIVER_LONG 10
#define FEATURES_V2_CONSTRUCTOR 5
#define FEATURES_V2_CIRCUIT 3
#define FEATURES_V2_Q_CAP 7.0

extern const char *const features_v2_names[FEATURES_V2_NFEAT];

/* The mpts of a finishing position (0 outside 1..10). */
int features_v2_mpts(int position);

/* Builds the v2 features of every row of p.  q holds the qualifying times
 * of p's races (NULL: none known); entries of other races are ignored.  A
 * race's best time counts every entry of its qualifying, drivers without
 * a row (did not start) included.  Returns -1 (ERR_DATA) when p is not in (season,
 * round) order or q is inconsistent (see qualifying_index_build); on
 * failure *out is left empty. */
int features_v2_build(const prepared *p, const qualifying_table *q, feature_table *out, err *e);

#endif
