/* compare: scores a model other than the run's own (the baseline of
 * `baseline-model`, issue 13) on seasons of prepared rows, exactly as the
 * evaluate stage scores the candidate: the same races, the same score.h
 * metrics and tie-breaking streams (same seed), its picks by score.h and
 * its win probabilities by probscore.h.
 *
 * The baseline brings its own learner and feature set (spec: its one-hot
 * columns were chosen on its own training seasons), so its features are
 * built here from the prepared rows (and, for v2, the qualifying times)
 * with its training seasons, as the train stage built them for it; rows of
 * a season only look at earlier races, so one table serves every season.
 * It is scored through the learner interface (model_score).
 *
 * No state; the caller owns the scores it passes (score_free each). */
#ifndef F1_ML_COMPARE_H
#define F1_ML_COMPARE_H

#include <stdint.h>

#include "core/err.h"
#include "data/prepared.h"
#include "data/qualifying.h"
#include "ml/model.h"
#include "ml/probscore.h"
#include "ml/score.h"

/* Scores m on each of the n seasons in seasons[] of p (every row of p
 * from its first season on, in (season, round) order; q its qualifying
 * times, read by v2 features, or NULL) into out[i] (its picks, ties
 * broken with seed) and probs[i] (its win probabilities).  Fails (ERR_INPUT, naming baseline-model) when m's
 * features are not the ones p gives for its training seasons, or
 * (ERR_DATA) when p lacks a season; out[] then holds what was scored
 * (free it all the same). */
int compare_score_seasons(const model *m, const prepared *p, const qualifying_table *q,
                          const int *seasons, int n, uint64_t seed, score *out,
                          probscore *probs, err *e);

#endif
