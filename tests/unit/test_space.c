/* space: the tune-space text parsed into lists (counts, ranges, order),
 * grid and random enumeration (counts, bounds, distinctness, seeding),
 * every malformed text rejected with a message naming the input, mixed
 * spaces (model, features, l2, train-from: one sub-grid per learner, so
 * the count is the number of distinct models), and the "simpler" orders
 * used to break ties. */
#include "check.h"

#include <stdlib.h>

#include "config/tune_space.h"
#include "ml/space.h"

#define EXAMPLE \
    "n-estimators=50,200,800;max-samples=10,100,0.1,0.5;max-features=20,50,1.0;max-depth=0,4,8;" \
    "bootstrap=true,false"

static bagging_params base(void)
{
    return (bagging_params){.n_estimators = 7, .max_samples = {0, 10}, .max_features = {0, 50},
                            .bootstrap = 1, .bootstrap_features = 1, .max_depth = 0, .seed = 3};
}

/* Configuration i of s as bagging parameters (a bagging run's space). */
static bagging_params bag_at(const space *s, uint64_t i, const bagging_params *b)
{
    space_base sb = {.learner = {.kind = LEARNER_BAGGING, .seed = b->seed, .bagging = *b}};
    return space_params(s, i, &sb).learner.bagging;
}

static void test_parse_and_grid(void)
{
    space s;
    err e;
    err_clear(&e);
    CHECK_INT(tune_space_parse(EXAMPLE, "tune-space", &s, &e), 0);
    CHECK_INT(space_size(&s, LEARNER_BAGGING), 3 * 4 * 3 * 3 * 2);
    CHECK_INT(s.n[SPACE_N_ESTIMATORS], 3);
    CHECK_INT(s.n[SPACE_MAX_SAMPLES], 4);
    CHECK_INT(s.n[SPACE_BOOTSTRAP_FEATURES], 0);
    CHECK_INT(s.v[SPACE_MAX_SAMPLES][2].is_fraction, 1);
    CHECK_NEAR(s.v[SPACE_MAX_SAMPLES][2].value, 0.1, 0);
    uint64_t *idx;
    int n;
    CHECK_INT(space_configs(&s, LEARNER_BAGGING, SPACE_GRID, 0, 0, "tune-space", &idx, &n, &e), 0);
    CHECK_INT(n, 216);
    int seen[3][4][3][3][2] = {{{{{0}}}}};
    int ok = 1;
    bagging_params b = base();
    for (int i = 0; i < n; i++) {
        ok = ok && idx[i] == (uint64_t)i;
        bagging_params p = bag_at(&s, idx[i], &b);
        int a = p.n_estimators == 50 ? 0 : p.n_estimators == 200 ? 1 : 2;
        int c = p.max_samples.is_fraction ? (p.max_samples.value == 0.1 ? 2 : 3)
                                          : (p.max_samples.value == 10 ? 0 : 1);
        int f = p.max_features.is_fraction ? 2 : p.max_features.value == 20 ? 0 : 1;
        int d = p.max_depth / 4;
        seen[a][c][f][d][p.bootstrap]++;
        ok = ok && p.seed == 3 && p.bootstrap_features == 1; /* not searched: the input's */
    }
    CHECK(ok);
    int once = 1;
    for (int i = 0; i < 216; i++)
        once = once && (&seen[0][0][0][0][0])[i] == 1;
    CHECK_MSG(once, "the grid lists every combination exactly once");
    /* Radix order: n-estimators varies fastest, then max-depth. */
    bagging_params p0 = bag_at(&s, 0, &b), p1 = bag_at(&s, 1, &b),
                   p3 = bag_at(&s, 3, &b);
    CHECK_INT(p0.n_estimators, 50);
    CHECK_INT(p1.n_estimators, 200);
    CHECK_INT(p1.max_depth, 0);
    CHECK_INT(p3.max_depth, 4);
    CHECK_INT(p0.bootstrap, 1);
    CHECK_INT(bag_at(&s, 215, &b).bootstrap, 0);
    free(idx);
    space_release(&s);
}

static void test_ranges(void)
{
    space s;
    err e;
    const char *text = " max-depth = 0..8/4 ; n-estimators=10..13; max-samples=5..6,0.5 ";
    CHECK_INT(tune_space_parse(text, "x", &s, &e), 0);
    CHECK_INT(s.n[SPACE_MAX_DEPTH], 3);
    CHECK_NEAR(s.v[SPACE_MAX_DEPTH][2].value, 8, 0);
    CHECK_INT(s.n[SPACE_N_ESTIMATORS], 4);
    CHECK_NEAR(s.v[SPACE_N_ESTIMATORS][3].value, 13, 0);
    CHECK_INT(s.n[SPACE_MAX_SAMPLES], 3);
    CHECK_INT(space_size(&s, LEARNER_BAGGING), 36);
    space_release(&s);
}

static void test_random(void)
{
    space s;
    err e;
    CHECK_INT(tune_space_parse(EXAMPLE, "tune-space", &s, &e), 0);
    uint64_t *a, *b, *c;
    int na, nb, nc;
    CHECK_INT(space_configs(&s, LEARNER_BAGGING, SPACE_RANDOM, 50, 1, "tune-space", &a, &na, &e), 0);
    CHECK_INT(space_configs(&s, LEARNER_BAGGING, SPACE_RANDOM, 50, 1, "tune-space", &b, &nb, &e), 0);
    CHECK_INT(space_configs(&s, LEARNER_BAGGING, SPACE_RANDOM, 50, 2, "tune-space", &c, &nc, &e), 0);
    CHECK_INT(na, 50);
    CHECK(memcmp(a, b, 50 * sizeof *a) == 0);
    CHECK(memcmp(a, c, 50 * sizeof *a) != 0);
    int ok = 1;
    bagging_params bp = base();
    for (int i = 0; i < na; i++) {
        ok = ok && a[i] < 216 && (i == 0 || a[i] > a[i - 1]); /* in bounds, ascending, distinct */
        bagging_params p = bag_at(&s, a[i], &bp);
        ok = ok && (p.n_estimators == 50 || p.n_estimators == 200 || p.n_estimators == 800) &&
             (p.max_depth == 0 || p.max_depth == 4 || p.max_depth == 8);
    }
    CHECK_MSG(ok, "random trials are distinct grid points, ascending");
    free(a);
    free(b);
    free(c);
    /* More trials than the grid holds: the whole grid. */
    CHECK_INT(space_configs(&s, LEARNER_BAGGING, SPACE_RANDOM, 1000, 1, "tune-space", &a, &na, &e), 0);
    CHECK_INT(na, 216);
    CHECK_INT(a[215], 215);
    free(a);
    space_release(&s);
    /* A space too large for a grid is fine for random search. */
    CHECK_INT(tune_space_parse("n-estimators=1..1000;max-depth=0..200;max-features=1..60", "tune-space",
                          &s, &e), 0);
    CHECK_INT(space_configs(&s, LEARNER_BAGGING, SPACE_GRID, 0, 0, "tune-space", &a, &na, &e), -1);
    CHECK_INT(e.kind, ERR_INPUT);
    CHECK(strstr(e.msg, "'tune-space'") != NULL && strstr(e.msg, "random") != NULL);
    CHECK_INT(space_configs(&s, LEARNER_BAGGING, SPACE_RANDOM, 5000, 9, "tune-space", &a, &na, &e), 0);
    CHECK_INT(na, 5000);
    ok = 1;
    for (int i = 0; i < na; i++) {
        bagging_params p = bag_at(&s, a[i], &bp);
        ok = ok && (i == 0 || a[i] > a[i - 1]) && p.n_estimators >= 1 && p.n_estimators <= 1000 &&
             p.max_depth >= 0 && p.max_depth <= 200 && p.max_features.value >= 1 &&
             p.max_features.value <= 60;
    }
    CHECK_MSG(ok, "random draws stay within the ranges");
    free(a);
    space_release(&s);
    /* A space beyond any count: refused, not overflowed. */
    CHECK_INT(tune_space_parse("train-from=1950..2100;features=v2,spec;n-estimators=1..100000;"
                               "max-depth=0..1000;max-samples=1..100000;max-features=1..100000",
                               "tune-space", &s, &e), 0);
    CHECK(space_size(&s, LEARNER_BAGGING) == SPACE_SIZE_CAP);
    CHECK_INT(space_configs(&s, LEARNER_BAGGING, SPACE_RANDOM, 5, 9, "tune-space", &a, &na, &e), -1);
    CHECK(strstr(e.msg, "input 'tune-space': the space has 2^62 configurations or more") != NULL);
    CHECK_INT(space_size(&s, LEARNER_CLOGIT), 2 * 151); /* one logit per set and season */
    space_release(&s);
}

static void bad(const char *text, const char *want)
{
    space s;
    err e;
    err_clear(&e);
    int rc = tune_space_parse(text, "tune-space", &s, &e);
    CHECK_MSG(rc == -1 && e.kind == ERR_INPUT && strstr(e.msg, "input 'tune-space'") != NULL &&
                  strstr(e.msg, want) != NULL,
              "'%s' rejected naming the input and '%s': got rc %d '%s'", text, want, rc, e.msg);
    CHECK_INT(space_size(&s, LEARNER_BAGGING), 1); /* left empty */
}

static void test_malformed(void)
{
    bad("n-estimators=abc", "n-estimators");
    bad("n-estimators=0", "n-estimators");
    bad("max-samples=1.5", "max-samples");
    bad("max-depth=-1", "max-depth");
    bad("bootstrap=maybe", "bootstrap");
    bad("learning-rate=0.1", "unknown parameter 'learning-rate'");
    bad("n-estimators", "no '='");
    bad("n-estimators=5;n-estimators=6", "listed twice");
    bad("n-estimators=5,5", "twice");
    bad("max-samples=0.5,0.50", "twice");
    bad("n-estimators=5,,6", "empty value");
    bad("n-estimators=", "empty value");
    bad("n-estimators=5,", "empty value");
    bad("  ;  ", "empty");
    bad("bootstrap=true..false", "range");
    bad("max-samples=0.1..0.5", "range");
    bad("max-depth=8..2", "range");
    bad("max-depth=0..8/0", "step");
    bad("n-estimators=1..100001", "n-estimators");
    bad("model=clogit,trees", "model: invalid value 'trees' (expected clogit or bagging)");
    bad("model=clogit,clogit", "twice");
    bad("features=v3", "features: invalid value 'v3' (expected v2 or spec)");
    bad("l2=-1", "l2: invalid value '-1'");
    bad("l2=abc", "l2");
    bad("l2=1..5", "not a range");
    bad("model=clogit..bagging", "not a range");
    bad("train-from=19x", "train-from: invalid value '19x'");
    bad("train-from=1949", "train-from");
    bad("train-from=2005..2001", "range");
    bad("l2=5;l2=6", "listed twice");
}

/* Mixed spaces: each learner's own sub-grid, so the count is the number
 * of distinct models; features and train-from vary slowest. */
static void test_mixed(void)
{
    space s;
    err e;
    err_clear(&e);
    space_base b = {.learner = {.kind = LEARNER_CLOGIT, .seed = 4,
                                .bagging = base(), .clogit = clogit_params_default()},
                    .set = FEATURE_SET_V2, .train_from = {1990, 2005}};
    b.learner.bagging.seed = 4;
    b.learner.clogit.l2 = 15;
    const char *text = "model=clogit,bagging; features=v2,spec; l2=5,50; train-from=2000..2002; "
                       "n-estimators=10,20,30; max-depth=0,4";
    CHECK_INT(tune_space_parse(text, "tune-space", &s, &e), 0);
    CHECK_INT(s.n[SPACE_MODEL], 2);
    CHECK_NEAR(s.v[SPACE_L2][1].value, 50, 0);
    CHECK_INT(s.n[SPACE_TRAIN_FROM], 3);
    /* 2 feature sets x 3 seasons x (2 logits + 6 baggings). */
    CHECK_INT(space_size(&s, LEARNER_CLOGIT), 2 * 3 * (2 + 6));
    int clogits = 0, baggings = 0, ok = 1;
    for (uint64_t i = 0; i < 48; i++) {
        space_config c = space_params(&s, i, &b);
        /* Radix: features, train-from, then the learners. */
        ok = ok && c.set == (i < 24 ? FEATURE_SET_V2 : FEATURE_SET_SPEC) &&
             c.train_from == 2000 + (int)(i / 8 % 3) && c.learner.seed == 4;
        if (c.learner.kind == LEARNER_CLOGIT) {
            clogits++;
            ok = ok && i % 8 < 2 && c.learner.clogit.l2 == (i % 8 == 0 ? 5 : 50) &&
                 c.learner.bagging.n_estimators == 7; /* untouched: not its parameter */
        } else {
            baggings++;
            ok = ok && i % 8 >= 2 && c.learner.clogit.l2 == 15 &&
                 c.learner.bagging.n_estimators == 10 * (1 + (int)((i % 8 - 2) % 3)) &&
                 c.learner.bagging.max_depth == ((i % 8 - 2) / 3 ? 4 : 0);
        }
    }
    CHECK_MSG(ok, "every configuration of the mixed grid where the radix puts it");
    CHECK_INT(clogits, 12);
    CHECK_INT(baggings, 36);
    space_release(&s);
    /* Without `model`, the run's learner only: bagging keys are not
     * searched by a clogit run (one model per l2), and l2 not by bagging. */
    CHECK_INT(tune_space_parse("n-estimators=1,2,3;l2=1,2", "tune-space", &s, &e), 0);
    CHECK_INT(space_size(&s, LEARNER_CLOGIT), 2);
    CHECK_INT(space_size(&s, LEARNER_BAGGING), 3);
    space_config c = space_params(&s, 1, &b);
    CHECK(c.learner.kind == LEARNER_CLOGIT && c.learner.clogit.l2 == 2 && c.set == FEATURE_SET_V2 &&
          c.train_from == 2005); /* the learner's default first season */
    b.learner.kind = LEARNER_BAGGING;
    c = space_params(&s, 2, &b);
    CHECK(c.learner.kind == LEARNER_BAGGING && c.learner.bagging.n_estimators == 3 &&
          c.train_from == 1990);
    space_release(&s);
}

/* The order across learners, feature sets, train-from and l2. */
static void test_config_simpler(void)
{
    space_config logit = {.learner = {.kind = LEARNER_CLOGIT, .clogit = {.l2 = 15}},
                          .set = FEATURE_SET_V2, .train_from = 2005};
    space_config trees = {.learner = {.kind = LEARNER_BAGGING, .bagging = base()},
                          .set = FEATURE_SET_V2, .train_from = 2005};
    space_config a = logit, b = trees;
    CHECK(space_config_simpler(&a, &b, 1000, 60) < 0); /* clogit before bagging */
    CHECK(space_config_simpler(&b, &a, 1000, 60) > 0);
    b = logit;
    b.set = FEATURE_SET_SPEC;
    a.train_from = 2000; /* v2 beats a later train-from */
    CHECK(space_config_simpler(&a, &b, 1000, 60) < 0);
    b = logit;
    b.train_from = 2008; /* later train-from is simpler... */
    b.learner.clogit.l2 = 1;
    CHECK(space_config_simpler(&a, &b, 1000, 60) > 0); /* ...before l2 counts */
    a = logit;
    b = logit;
    b.learner.clogit.l2 = 50; /* larger l2 is simpler */
    CHECK(space_config_simpler(&a, &b, 1000, 60) > 0);
    CHECK(space_config_simpler(&b, &a, 1000, 60) < 0);
    b.learner.clogit.l2 = 15;
    b.learner.bagging.n_estimators = 1; /* not a logit's parameter */
    CHECK_INT(space_config_simpler(&a, &b, 1000, 60), 0);
    a = trees;
    b = trees;
    b.learner.bagging.n_estimators = 8; /* between baggings: space_simpler */
    CHECK(space_config_simpler(&a, &b, 1000, 60) < 0);
    b.learner.bagging.n_estimators = 7;
    b.learner.clogit.l2 = 99; /* not a bagging's parameter */
    CHECK_INT(space_config_simpler(&a, &b, 1000, 60), 0);
}

static void test_simpler(void)
{
    bagging_params a = base(), b = base();
    CHECK_INT(space_simpler(&a, &b, 1000, 60), 0);
    b.n_estimators = 8;
    CHECK(space_simpler(&a, &b, 1000, 60) < 0);
    b = base();
    a.max_depth = 0; /* unlimited is the deepest */
    b.max_depth = 30;
    CHECK(space_simpler(&a, &b, 1000, 60) > 0);
    b.max_depth = 0;
    a.max_samples = (amount){1, 0.1}; /* 100 of 1000 rows */
    b.max_samples = (amount){0, 50};
    CHECK(space_simpler(&a, &b, 1000, 60) > 0);
    b.max_samples = (amount){0, 100};
    CHECK_INT(space_simpler(&a, &b, 1000, 60), 0);
    a.max_features = (amount){1, 1.0};
    CHECK(space_simpler(&a, &b, 1000, 60) > 0); /* 60 features > 50 */
    CHECK(space_simpler(&a, &b, 1000, 40) == 0); /* both 40 */
    a.bootstrap = 0;
    CHECK(space_simpler(&a, &b, 1000, 40) > 0);
}

int main(void)
{
    test_parse_and_grid();
    test_ranges();
    test_random();
    test_malformed();
    test_simpler();
    test_mixed();
    test_config_simpler();
    return check_done();
}
