/* tune: the inputs (tune, tune-space, tune-shard and how `all` and the
 * stages combine with them), the plan's validation seasons, the choice
 * (best mean score, ties within 1e-12 to the simpler configuration, also
 * across learners, l2 and train-from), a train-from that leaves no
 * training season refused naming tune-space, shard slices saved and
 * gathered (complete, missing, stale, other data), and tune.json read back
 * by train only for the inputs it answers and only in its own format
 * version. */
#include "check.h"

#include <stdlib.h>
#include <unistd.h>

#include "config/config.h"
#include "core/fsutil.h"
#include "stages/registry.h"
#include "stages/tune.h"

/* What `all` selects. */
#define STAGES_ALL (STAGE_SOURCE | STAGE_PREPARE | STAGE_FEATURES | STAGE_TRAIN | STAGE_EVALUATE | STAGE_PACKAGE | STAGE_UPLOAD | STAGE_COMMENT)

static char dir[64];
/* The stages the last load selected. */
static unsigned selected;

/* Loads as main does: the inputs, then the stages they select. */
static int load(config *c, err *e, int argc, char **argv)
{
    int help;
    err_clear(e);
    if (config_load(c, argc, argv, &help, e) != 0)
        return -1;
    return stage_select(c, &selected, e);
}

/* a bagging run on the spec features (tune's only model before v2) */
#define LOAD(c, e, ...)                                              \
    ({                                                               \
        char *argv_[] = {"f1-mlops", "--data-dir", dir, "--model", "bagging", \
                         "--features", "spec", __VA_ARGS__};                  \
        load((c), (e), (int)(sizeof argv_ / sizeof *argv_), argv_);  \
    })

static void test_inputs(void)
{
    config c;
    err e;
    CHECK_INT(LOAD(&c, &e, "--seed", "1"), 0);
    CHECK_INT(c.tune, 0);
    CHECK_INT(selected, STAGES_ALL); /* no tune stage unless asked */
    CHECK_INT(c.tune_validation, 5);
    CHECK_INT(LOAD(&c, &e, "--tune", "grid"), 0);
    CHECK_INT(selected, STAGES_ALL | STAGE_TUNE);
    CHECK_INT(LOAD(&c, &e, "--tune", "random", "--stages", "all,tune-merge"), 0);
    CHECK_INT(selected, STAGES_ALL | STAGE_TUNE_MERGE); /* a merge job does not search again */
    CHECK_INT(LOAD(&c, &e, "--tune", "grid", "--tune-shard", "2/4", "--stages", "prepare,tune"), 0);
    CHECK_INT(c.tune_shard, 2);
    CHECK_INT(c.tune_shards, 4);
    static const struct {
        const char *name, *value, *want;
    } bad[] = {
        {"tune", "maybe", "input 'tune': invalid value 'maybe'"},
        {"tune-space", "n-estimators=x", "input 'tune-space'"},
        {"tune-shard", "3/2", "input 'tune-shard': invalid value '3/2'"},
        {"tune-shard", "0/2", "input 'tune-shard'"},
        {"tune-shard", "1/", "input 'tune-shard'"},
        {"tune-shard", "2", "input 'tune-shard'"},
        {"tune-trials", "0", "input 'tune-trials'"},
        {"tune-validation", "51", "input 'tune-validation'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char opt[64];
        snprintf(opt, sizeof opt, "--%s", bad[i].name);
        int rc = LOAD(&c, &e, opt, (char *)bad[i].value, "--tune", "grid");
        CHECK_MSG(rc == -1 && e.kind == ERR_INPUT && strstr(e.msg, bad[i].want) != NULL,
                  "%s=%s: got '%s'", bad[i].name, bad[i].value, e.msg);
    }
    CHECK_INT(LOAD(&c, &e, "--stages", "tune"), -1);
    CHECK(strstr(e.msg, "needs input 'tune'") != NULL);
    CHECK_INT(LOAD(&c, &e, "--tune", "grid", "--stages", "tune,tune-merge"), -1);
    CHECK_INT(LOAD(&c, &e, "--tune", "grid", "--tune-shard", "1/2"), -1); /* all: trains */
    CHECK(strstr(e.msg, "input 'tune-shard'") != NULL);
}

#define SPACE "n-estimators=5,10;max-depth=0,3"

static int plan(config *c, tune_plan *pl, const char *space, err *e)
{
    if (LOAD(c, e, "--seasons", "2000-2010", "--tune", "grid", "--tune-space", (char *)space,
             "--tune-validation", "2", "--stages", "tune") != 0)
        return -1;
    stage_ctx ctx = {.cfg = c};
    return tune_plan_make(&ctx, pl, e);
}

static void test_choose(void)
{
    config c;
    tune_plan pl;
    err e;
    CHECK_INT(plan(&c, &pl, SPACE, &e), 0);
    CHECK_INT(pl.n, 4);
    CHECK_INT(pl.n_seasons, 2);
    CHECK_INT(pl.seasons[0], 2008);
    /* Configurations: 0 (unlimited, 5 trees), 1 (unlimited, 10), 2 (depth 3, 5),
     * 3 (depth 3, 10). */
    double x[8] = {0.5, 0.7, 0.5, 0.7, 0.5, 0.7, 0.5, 0.7};
    int rows[8] = {100, 110, 100, 110, 100, 110, 100, 110}, feats[8] = {20, 20, 20, 20, 20, 20, 20, 20};
    tune_scores sc = {x, rows, feats};
    double score;
    CHECK_INT(tune_choose(&pl, &sc, 2010, &score), 2); /* all tie: fewest trees, then depth */
    CHECK_NEAR(score, 0.6, 1e-15);
    x[2] += 1e-13; /* within the tie tolerance */
    CHECK_INT(tune_choose(&pl, &sc, 2010, &score), 2);
    x[2] += 1e-9; /* really better */
    CHECK_INT(tune_choose(&pl, &sc, 2010, &score), 1);
    tune_plan_release(&pl);
    /* Too many validation seasons for the range. */
    char *argv[] = {"f1-mlops", "--data-dir", dir, "--seasons", "2000-2005", "--tune", "grid",
                    "--tune-validation", "5", "--stages", "tune", "--model", "bagging",
                    "--features", "spec"};
    CHECK_INT(load(&c, &e, 15, argv), 0);
    stage_ctx ctx = {.cfg = &c};
    CHECK_INT(tune_plan_make(&ctx, &pl, &e), -1);
    CHECK(strstr(e.msg, "input 'tune-validation'") != NULL && strstr(e.msg, "at most 4") != NULL);
}

static void save(config *c, const tune_plan *pl, int i, int n, const double *x, const char *data)
{
    int from, to, rows[8] = {100, 110, 101, 111, 102, 112, 103, 113}, feats[8] = {20, 21, 22, 23, 24, 25, 26, 27};
    err e;
    tune_plan_slice(pl, i, n, &from, &to);
    stage_ctx ctx = {.cfg = c};
    CHECK_INT(tune_shard_save(&ctx, pl, i, n, from, to, x + 2 * from, rows + 2 * from,
                              feats + 2 * from, data, 1.5, &e),
              0);
}

/* The training rows and features every shard of save() holds. */
static int ref_back[16];

static int collect(config *c, const tune_plan *pl, double *x, int *shards, err *e)
{
    double secs;
    char data[SHA256_HEX_SIZE];
    stage_ctx ctx = {.cfg = c};
    memset(ref_back, 0, sizeof ref_back);
    return tune_shard_collect(&ctx, pl, x, ref_back, ref_back + 8, shards, &secs, data, e);
}

static void test_shards(void)
{
    config c, other;
    tune_plan pl, opl;
    err e;
    CHECK_INT(plan(&other, &opl, "n-estimators=5,10,20", &e), 0);
    CHECK_INT(plan(&c, &pl, SPACE, &e), 0);
    double x[8] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 1.0 / 3}, got[8];
    int shards;
    save(&c, &pl, 1, 3, x, "d");
    save(&c, &pl, 3, 3, x, "d");
    save(&other, &opl, 2, 3, x, "d"); /* another search's shard 2/3 */
    CHECK_INT(collect(&c, &pl, got, &shards, &e), -1);
    CHECK_MSG(strstr(e.msg, "missing shard 2/3") != NULL, "%s", e.msg);
    save(&c, &pl, 2, 3, x, "d");
    CHECK_INT(collect(&c, &pl, got, &shards, &e), 0);
    CHECK_INT(shards, 3);
    CHECK(memcmp(got, x, sizeof x) == 0); /* every bit back */
    CHECK_INT(ref_back[7], 113);  /* each configuration's training rows... */
    CHECK_INT(ref_back[8 + 5], 25); /* ...and features */
    save(&c, &pl, 2, 3, x, "other data");
    CHECK_INT(collect(&c, &pl, got, &shards, &e), -1);
    CHECK(strstr(e.msg, "another prepared.csv") != NULL);
    tune_plan_release(&pl);
    tune_plan_release(&opl);
}

static void test_params(void)
{
    config c;
    tune_plan pl;
    err e;
    CHECK_INT(plan(&c, &pl, SPACE, &e), 0);
    double x[8] = {0.1, 0.1, 0.9, 0.9, 0.2, 0.2, 0.3, 0.3};
    int rows[8] = {100, 110, 100, 110, 100, 110, 100, 110}, feats[8] = {20, 20, 20, 20, 20, 20, 20, 20};
    tune_scores sc = {x, rows, feats};
    stage_ctx ctx = {.cfg = &c};
    CHECK_INT(tune_write(&ctx, &pl, &sc, "d", 1, 0.5, &e), 0);
    space_config p;
    CHECK_MSG(tune_params(&ctx, 2010, &p, &e) == 0, "%s", e.msg);
    CHECK_INT(p.learner.kind, LEARNER_BAGGING);
    CHECK_INT(p.learner.bagging.n_estimators, 10);
    CHECK_INT(p.learner.bagging.max_depth, 0);
    CHECK_INT(p.set, FEATURE_SET_SPEC);
    CHECK_INT(p.train_from, 2000);
    CHECK_INT(tune_params(&ctx, 2009, &p, &e), -1); /* not a test season of the plan */
    tune_plan_release(&pl);
    /* Other inputs: tune.json does not answer them. */
    CHECK_INT(plan(&c, &pl, "n-estimators=5,10;max-depth=0,4", &e), 0);
    CHECK_INT(tune_params(&ctx, 2010, &p, &e), -1);
    CHECK_MSG(strstr(e.msg, "'space' differs") != NULL, "%s", e.msg);
    tune_plan_release(&pl);
    /* A version 1 tune.json (bagging only) is refused, saying so. */
    CHECK_INT(plan(&c, &pl, SPACE, &e), 0);
    char path[128];
    snprintf(path, sizeof path, "%s/tune.json", dir);
    const char *v1 = "{\"format\": \"f1-mlops-tune\", \"format_version\": 1, \"chosen\": []}";
    CHECK_INT(fs_write_atomic(path, v1, strlen(v1), &e), 0);
    CHECK_INT(tune_params(&ctx, 2010, &p, &e), -1);
    CHECK_MSG(strstr(e.msg, "is not a version 2 tune file: rerun the tune stage") != NULL, "%s",
              e.msg);
    tune_plan_release(&pl);
    c.tune = 0; /* off: the inputs' own */
    CHECK_INT(tune_params(&ctx, 2010, &p, &e), 0);
    CHECK_INT(p.learner.bagging.n_estimators, 200);
    CHECK_INT(p.train_from, 2000);
}

#define MIXED "model=clogit,bagging; l2=5,50; n-estimators=5,10; train-from=2000,2004"

/* A mixed space: a tie goes to clogit, then the later train-from, then the
 * larger l2; tune.json hands train the whole configuration. */
static void test_mixed(void)
{
    config c;
    tune_plan pl;
    err e;
    CHECK_INT(plan(&c, &pl, MIXED, &e), 0);
    /* 2 train-from x (2 logits + 2 baggings): bagging keys do not
     * multiply the logits, nor l2 the baggings. */
    CHECK_INT(pl.n, 8);
    space_config c5 = tune_plan_params(&pl, 5);
    CHECK(c5.learner.kind == LEARNER_CLOGIT && c5.learner.clogit.l2 == 50 &&
          c5.train_from == 2004 && c5.set == FEATURE_SET_SPEC);
    double x[16];
    int rows[16], feats[16];
    for (int k = 0; k < 16; k++) {
        x[k] = 0.5;
        rows[k] = k / 2 < 4 ? 800 : 500; /* from 2004: fewer rows */
        feats[k] = 60;
    }
    tune_scores sc = {x, rows, feats};
    double score;
    CHECK_INT(tune_choose(&pl, &sc, 2010, &score), 5); /* clogit, from 2004, l2 50 */
    x[10] = x[11] = 0.5 - 1e-9; /* configuration 5 worse */
    CHECK_INT(tune_choose(&pl, &sc, 2010, &score), 4); /* clogit, from 2004, l2 5 */
    x[8] = x[9] = 0.5 - 1e-9;
    CHECK_INT(tune_choose(&pl, &sc, 2010, &score), 1); /* clogit, from 2000, l2 50 */
    x[2] = x[3] = x[0] = x[1] = 0.5 - 1e-9;
    CHECK_INT(tune_choose(&pl, &sc, 2010, &score), 6); /* bagging from 2004, 5 trees */
    x[6] = 0.6;
    x[7] = 0.6;
    CHECK_INT(tune_choose(&pl, &sc, 2010, &score), 3); /* really better: bagging, 10 trees */
    stage_ctx ctx = {.cfg = &c};
    x[6] = x[7] = 0.5;
    x[0] = x[1] = 0.7; /* clogit l2 5 from 2000 */
    CHECK_INT(tune_write(&ctx, &pl, &sc, "d", 1, 0.5, &e), 0);
    space_config p;
    CHECK_INT(tune_params(&ctx, 2010, &p, &e), 0);
    CHECK(p.learner.kind == LEARNER_CLOGIT && p.learner.clogit.l2 == 5 && p.train_from == 2000);
    tune_plan_release(&pl);
    /* A train-from with no training season before the validation seasons. */
    CHECK_INT(plan(&c, &pl, "train-from=2000,2008", &e), -1);
    CHECK_MSG(strstr(e.msg, "input 'tune-space': train-from 2008") != NULL, "%s", e.msg);
    CHECK_INT(plan(&c, &pl, "train-from=1999", &e), -1);
    CHECK_MSG(strstr(e.msg, "input 'tune-space': train-from 1999") != NULL, "%s", e.msg);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/f1-test-tune.XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    test_inputs();
    test_choose();
    test_shards();
    test_params();
    test_mixed();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("could not remove %s\n", dir);
    return check_done();
}
