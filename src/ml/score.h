/* score: how well predictions and the two baselines pick each race's
 * winner over one season (docs/pipeline.md §5).
 *
 * Races are the runs of prepared rows with one (season, round); a winner
 * is a row with position 1 (a shared car can give two).
 * - Ranking: rows by prediction, highest first; predictions within
 *   SCORE_TIE of the first row of their group are tied, and every tied
 *   group is shuffled with the race's own stream
 *   rng_stream(seed, RNG_STREAM_RACE | season << 16 | round), so ranks are
 *   reproducible and independent of other races.  Rank 1 is the predicted
 *   winner: `hit` when its position is 1.
 * - expected_hit: winners among the k rows tied at the top, over k (1/k
 *   for one winner): the mean hit over every tie-break.
 * - top3: a winner ranked 1, 2 or 3.
 * - pole: the rows with the lowest positive grid (grid 1 when there is
 *   one); pole_hit = winners among them over their count; no such row is a
 *   miss.
 * - leader: the drivers with the most points in the season's earlier races
 *   (none earlier, as in round 1: the previous season's totals); leader_hit
 *   = leaders who won this race over the number of leaders, so a leader
 *   not entered is a miss and k tied leaders score 1/k.
 *
 * A score owns its arrays (score_release; zeroed struct or NULL: no-op); it
 * borrows nothing from the prepared rows except through row indices. */
#ifndef F1_ML_SCORE_H
#define F1_ML_SCORE_H

#include <stdint.h>

#include "core/err.h"
#include "data/prepared.h"

#define SCORE_TIE 1e-9

typedef struct {
    int first, n;         /* the race's prepared rows [first, first + n) */
    int predicted;        /* prepared row ranked 1 */
    double hit;           /* 0 or 1 */
    double expected_hit;  /* in [0, 1] */
    double top3;          /* 0 or 1 */
    int pole;             /* first pole row (prepared order), -1 = none */
    double pole_hit;
    int leader_first;     /* the leaders: score.leader_rows[leader_first ..] */
    int n_leaders;        /* 0 = no earlier points known */
    double leader_hit;
} score_race;

typedef struct {
    int season;
    int n_races;
    score_race *races;
    int row_first, n_rows;  /* the season's prepared rows */
    int *rank;              /* n_rows: rank of row row_first + i in its race */
    int *leader_rows;       /* a prepared row of each leader's driver */
    int n_leader_rows;
    /* Sums over the races (precision = hits / n_races). */
    double hits, expected_hits, top3_hits, pole_hits, leader_hits;
} score;

/* Scores season `season` of p (its rows must be contiguous, races in
 * order), with pred[i] the prediction for prepared row i (only the
 * season's rows are read).  Fails (ERR_DATA) when p has no row of that
 * season, or when a row of it or of the season before has points that are
 * not finite, or a prediction is not (naming the race and driver). */
int score_season(score *s, const prepared *p, int season, const double *pred, uint64_t seed,
                 err *e);

/* Frees what *s owns; *s itself stays the caller's (a zeroed struct or NULL: no-op). */
void score_release(score *s);

#endif
