/* space: the model configurations a search tries, as a grid of parameter
 * lists, and the order that says which of two equally good configurations
 * is simpler.  The lists come from input `tune-space`, parsed in the
 * config layer (config/tune_space.h).  A parameter the space does not
 * list keeps the run's own value (space_base); the seed is never searched.
 *
 * Configurations.  The learners the space lists (`model`, or the run's
 * own) each have their own sub-grid: clogit's the `l2` list, bagging's
 * the six bagging lists.  A parameter is searched only by the learner it
 * belongs to, so every configuration is a distinct model (a clogit one
 * ignores n-estimators, a bagging one l2).  The grid is
 *   features x train-from x (the sub-grids of the listed learners, in
 * the order `model` lists them), numbered in mixed radix with features
 * varying slowest.  Configurations of one (feature set, train-from) pair,
 * which share their feature tables, are thus contiguous, as are, within
 * bagging (radix: bootstrap-features, bootstrap, max-features,
 * max-samples, max-depth, n-estimators), those that draw the same rows
 * and features (they differ only in n-estimators and max-depth): a search
 * exploits both, and a shard's contiguous slice keeps them together.
 *
 * A space owns its value lists (space_release; zeroed struct or NULL: no-op). */
#ifndef F1_ML_SPACE_H
#define F1_ML_SPACE_H

#include <stdint.h>

#include "core/err.h"
#include "data/feature_set.h"
#include "ml/bagging.h"
#include "ml/learner.h"

/* Most configurations a search scores (a grid's size, or trials). */
#define SPACE_MAX_CONFIGS 100000
/* Most values one parameter may list (a range counts each value). */
#define SPACE_MAX_VALUES 100000

enum {
    SPACE_FEATURES,   /* values: feature_set */
    SPACE_TRAIN_FROM, /* seasons */
    SPACE_MODEL,      /* values: learner_kind */
    SPACE_L2,         /* clogit's */
    SPACE_BOOTSTRAP_FEATURES, /* bagging's, to SPACE_N_ESTIMATORS */
    SPACE_BOOTSTRAP,
    SPACE_MAX_FEATURES,
    SPACE_MAX_SAMPLES,
    SPACE_MAX_DEPTH,
    SPACE_N_ESTIMATORS,
    SPACE_NPARAMS
};

/* The first of bagging's parameters (they run to SPACE_NPARAMS - 1). */
#define SPACE_BAGGING_FIRST SPACE_BOOTSTRAP_FEATURES

/* The input names of the parameters, in radix order. */
extern const char *const space_names[SPACE_NPARAMS];

typedef struct {
    int n[SPACE_NPARAMS];           /* values listed; 0 = not searched */
    amount *v[SPACE_NPARAMS];       /* whole-number parameters: is_fraction 0 */
} space;

/* One configuration: a learner with its parameters, the feature set it
 * reads and its first training season. */
typedef struct {
    learner_params learner;  /* kind, the run's seed, the kind's parameters */
    feature_set set;
    int train_from;
} space_config;

/* What the space leaves alone: the run's learner (kind and both
 * learners' parameters, learner.bagging.seed = learner.seed), feature
 * set, and first training season for each learner. */
typedef struct {
    learner_params learner;
    feature_set set;
    int train_from[LEARNER_COUNT];
} space_base;

typedef enum { SPACE_GRID = 1, SPACE_RANDOM = 2 } space_method;

/* Spaces this large or larger are refused (space_configs): sizes and
 * random draws stay far from overflow. */
#define SPACE_SIZE_CAP (UINT64_C(1) << 62)

/* The number of configurations of the grid (see above), with learner
 * `model` when the space lists none; SPACE_SIZE_CAP when it is that or
 * more. */
uint64_t space_size(const space *s, learner_kind model);

/* Configuration `index` (< space_size): base with the searched
 * parameters replaced. */
space_config space_params(const space *s, uint64_t index, const space_base *base);

/* The configurations a search scores, ascending: every index of the grid
 * (SPACE_GRID; more than SPACE_MAX_CONFIGS, or a space of SPACE_SIZE_CAP
 * configurations with either method, is an ERR_INPUT naming `input`),
 * or min(trials, size) distinct indices drawn uniformly with the seeded
 * stream rng_stream(seed, SPACE_RNG_STREAM) (SPACE_RANDOM).  On success
 * *out is a new array of *n indices (caller frees). */
int space_configs(const space *s, learner_kind model, space_method method, int trials, uint64_t seed,
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

/* The same across configurations, a total order up to equal models: a
 * conditional logit is simpler than bagged trees (a linear score with one
 * coefficient per feature against trees of many nodes each); then the v2
 * features (21) than the spec features (68), fewer inputs; then a later
 * train-from, fewer training seasons (as fewer rows per tree is simpler
 * above: a model of less data is the more conservative claim); then,
 * between two logits, the larger l2 (stronger shrinkage, smaller
 * coefficients), and between two baggings space_simpler, with `rows` and
 * `feats` those of their (equal) feature set and training seasons.  What
 * a model is comes before what it sees and how much, which comes before
 * its knobs: the knobs' comparison is then made on one training set. */
int space_config_simpler(const space_config *a, const space_config *b, int rows, int feats);

/* Frees what *s owns; *s itself stays the caller's (a zeroed struct or NULL: no-op). */
void space_release(space *s);

#endif
