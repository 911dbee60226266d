/* space: the model configurations a search tries, as a grid of parameter
 * lists, and the order that says which of two equally good configurations
 * is simpler.  The lists come from input `tune-space`, parsed in the
 * config layer (config/tune_space.h).  A parameter the space does not
 * list keeps the run's own value; the seed is never searched.
 *
 * Configurations are numbered in mixed radix, the first varying slowest:
 * bootstrap-features, bootstrap, max-features, max-samples, max-depth,
 * n-estimators, each list in the order written.  Configurations that draw
 * the same rows and features (they differ only in n-estimators and
 * max-depth) are thus neighbours, which a search exploits and a shard's
 * contiguous slice keeps together.
 *
 * A space owns its value lists (space_release; zeroed struct or NULL: no-op). */
#ifndef F1_ML_SPACE_H
#define F1_ML_SPACE_H

#include <stdint.h>

#include "core/err.h"
#include "ml/bagging.h"

/* Most configurations a search scores (a grid's size, or trials). */
#define SPACE_MAX_CONFIGS 100000
/* Most values one parameter may list (a range counts each value). */
#define SPACE_MAX_VALUES 100000

enum {
    SPACE_BOOTSTRAP_FEATURES,
    SPACE_BOOTSTRAP,
    SPACE_MAX_FEATURES,
    SPACE_MAX_SAMPLES,
    SPACE_MAX_DEPTH,
    SPACE_N_ESTIMATORS,
    SPACE_NPARAMS
};

/* The input names of the parameters, in radix order. */
extern const char *const space_names[SPACE_NPARAMS];

typedef struct {
    int n[SPACE_NPARAMS];           /* values listed; 0 = not searched */
    amount *v[SPACE_NPARAMS];       /* whole-number parameters: is_fraction 0 */
} space;

typedef enum { SPACE_GRID = 1, SPACE_RANDOM = 2 } space_method;

/* The number of configurations of the grid: the product of the list
 * lengths (below 2^63, as every list is bounded by its input's range). */
uint64_t space_size(const space *s);

/* The parameters of configuration `index` (< space_size): base with the
 * searched parameters replaced. */
bagging_params space_params(const space *s, uint64_t index, const bagging_params *base);

/* The configurations a search scores, ascending: every index of the grid
 * (SPACE_GRID; more than SPACE_MAX_CONFIGS is an ERR_INPUT naming `input`),
 * or min(trials, size) distinct indices drawn uniformly with the seeded
 * stream rng_stream(seed, SPACE_RNG_STREAM) (SPACE_RANDOM).  On success
 * *out is a new array of *n indices (caller frees). */
int space_configs(const space *s, space_method method, int trials, uint64_t seed,
                  const char *input, uint64_t **out, int *n, err *e);

/* The rng stream of random search: far above any tree index (rng.h). */
#define SPACE_RNG_STREAM (UINT64_C(1) << 62)

/* Orders configurations by simplicity: < 0 when a is simpler than b, > 0
 * when b is, 0 when neither.  Simpler means, in this order: fewer trees;
 * a smaller max-depth (0, unlimited, counts as the largest); fewer rows
 * per tree; fewer features per tree (amounts compared by the counts they
 * select out of `rows` training rows and `feats` features); drawing rows
 * with replacement (the default, fewer distinct rows); drawing features
 * with replacement. */
int space_simpler(const bagging_params *a, const bagging_params *b, int rows, int feats);

/* Frees what *s owns; *s itself stays the caller's (a zeroed struct or NULL: no-op). */
void space_release(space *s);

#endif
