/* tune_space: the text of input `tune-space` into an ml/space.h space.
 *
 * Text: `name=value,value,...` entries separated by `;`, spaces allowed
 * around every token, e.g.
 *   n-estimators=50,200,800; max-samples=10,100,0.1,0.5; max-depth=0..8/4
 *   model=clogit,bagging; features=v2,spec; l2=5,15,50; train-from=2000,2005
 * Names are the inputs model, features, l2, train-from, n-estimators,
 * max-samples, max-features, max-depth, bootstrap and bootstrap-features,
 * each at most once; every value is checked as that input checks it
 * (config_parse_value: model clogit or bagging, features v2 or spec, l2 a
 * number in (0, 1e6], train-from a season), which is why the parser lives
 * in the config layer and the space itself (ml) knows nothing of inputs.
 * `A..B` lists the whole numbers A to B and `A..B/S` every S-th of them
 * (n-estimators, max-depth, train-from, and counts of max-samples /
 * max-features).  A value listed twice is an error (counts would lie).
 * Whether a train-from season leaves each validation season a training
 * season is the tune plan's check (stages/tune.h): it needs the seasons. */
#ifndef F1_CONFIG_TUNE_SPACE_H
#define F1_CONFIG_TUNE_SPACE_H

#include "core/err.h"
#include "ml/space.h"

/* Parses text into *s (which then owns its lists: space_release).  On a
 * malformed text returns -1 (ERR_INPUT) with a message naming `input`,
 * the offending entry or value and what is allowed; *s is then empty. */
int tune_space_parse(const char *text, const char *input, space *s, err *e);

#endif
