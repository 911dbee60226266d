/* probscore: how good a season's win probabilities are, as proper scores
 * (ml/score.h says how well the top pick does).
 *
 * Races are the runs of prepared rows with one (season, round); a winner is
 * a row with position 1 (a shared car can give k > 1, each then counting
 * 1/k of a win, so the targets y_i of a race sum to 1 as the probabilities
 * do).  A race without a winner is not scored.  Per race:
 *   log-loss  -sum_i y_i ln p_i over its winners (-ln p(winner) for one),
 *             with p clipped below at PROBSCORE_EPS so a winner given 0
 *             costs ln(1/PROBSCORE_EPS) = 34.5 instead of infinity;
 *   Brier     sum_i (p_i - y_i)^2 over all its rows.
 * A season's scores are the means over its scored races.  Plain values,
 * nothing to free. */
#ifndef F1_ML_PROBSCORE_H
#define F1_ML_PROBSCORE_H

#include "data/prepared.h"

#define PROBSCORE_EPS 1e-15

typedef struct {
    int races;        /* races scored (with a winner) */
    double log_loss;  /* sums over those races; divide by races for the means */
    double brier;
} probscore;

/* Scores the races of `season` in p, prob[i] being the probability of
 * prepared row i (only the season's rows are read). */
probscore probscore_season(const prepared *p, int season, const double *prob);
/* The means over the races scored: NAN when none was. */
double probscore_mean_log_loss(const probscore *s);
double probscore_mean_brier(const probscore *s);

#endif
