/* Configuration: defaults, INPUT_* variables (hyphens kept), command-line
 * precedence, and every bad value rejected with a message naming the
 * input. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "config/config.h"
#include "data/feature_set.h"
#include "core/log.h"
#include "stages/registry.h"

/* What `all` selects. */
#define STAGES_ALL (STAGE_SOURCE | STAGE_PREPARE | STAGE_FEATURES | STAGE_TRAIN | STAGE_EVALUATE | STAGE_PACKAGE | STAGE_UPLOAD | STAGE_COMMENT)

/* The stages the last load selected. */
static unsigned selected;

/* Loads as main does: the inputs, then the stages they select. */
static int load(config *c, err *e, int argc, char **argv)
{
    int help = 0;
    err_clear(e);
    if (config_load(c, argc, argv, &help, e) != 0)
        return -1;
    return stage_select(c, &selected, e);
}

#define LOAD(c, e, ...)                                         \
    ({                                                          \
        char *argv_[] = {"f1-mlops", __VA_ARGS__};              \
        load((c), (e), (int)(sizeof argv_ / sizeof *argv_), argv_); \
    })

static void test_defaults(void)
{
    config c;
    err e;
    CHECK_INT(LOAD(&c, &e, "--seed", "0"), 0);
    CHECK_INT(c.season_first, 1950);
    CHECK_INT(c.season_last, 0);
    CHECK_INT(c.test_season, 0);
    CHECK_INT(selected, STAGES_ALL);
    CHECK_STR(c.mongodb_uri, "");
    CHECK_STR(c.mongodb_database, "f1");
    CHECK_STR(c.data_dir, ".f1-mlops");
    CHECK_STR(c.api_base_url, "https://api.jolpi.ca/ergast/f1");
    CHECK_INT(c.wikipedia, 1);
    CHECK_INT(c.n_estimators, 200);
    CHECK_INT(c.max_samples.is_fraction, 0);
    CHECK_NEAR(c.max_samples.value, 10, 0);
    CHECK_NEAR(c.max_features.value, 50, 0);
    CHECK_INT(c.bootstrap, 1);
    CHECK_INT(c.bootstrap_features, 1);
    CHECK_INT(c.max_depth, 0);
    CHECK_INT(c.seed, 0);
    CHECK_STR(c.artifact_name, "f1-model");
    CHECK_INT(c.retention_days, 0);
    CHECK_NEAR(c.api_rate_per_second, 4, 0);
    CHECK_INT(c.api_rate_per_hour, 500);
    CHECK_INT(c.model, LEARNER_CLOGIT);
    CHECK_INT(c.features, FEATURE_SET_V2);
    CHECK_NEAR(c.l2, 15, 0);
    CHECK_INT(c.train_from, 0);
}

static void test_env_and_cli(void)
{
    config c;
    err e;
    setenv("INPUT_SEASONS", "2015-2024", 1);
    setenv("INPUT_N-ESTIMATORS", "50", 1);
    setenv("INPUT_MAX-SAMPLES", "0.5", 1);
    setenv("INPUT_STAGES", "train, evaluate", 1);
    setenv("INPUT_TEST-SEASON", "", 1); /* the runner passes empty inputs */
    CHECK_INT(LOAD(&c, &e, "--n-estimators=75", "--api-base-url", "http://127.0.0.1:8080/ergast/f1/"), 0);
    CHECK_INT(c.season_first, 2015);
    CHECK_INT(c.season_last, 2024);
    CHECK_INT(c.n_estimators, 75); /* the command line wins */
    CHECK_INT(c.max_samples.is_fraction, 1);
    CHECK_NEAR(c.max_samples.value, 0.5, 0);
    CHECK_INT(selected, STAGE_TRAIN | STAGE_EVALUATE);
    stage_ctx ctx = {.cfg = &c};
    int test = 0;
    CHECK_INT(stage_test_last(&ctx, &test, &e), 0); /* the last of seasons, no store needed */
    CHECK_INT(test, 2024);
    CHECK_STR(c.api_base_url, "http://127.0.0.1:8080/ergast/f1");
    unsetenv("INPUT_SEASONS");
    unsetenv("INPUT_N-ESTIMATORS");
    unsetenv("INPUT_MAX-SAMPLES");
    unsetenv("INPUT_STAGES");
    unsetenv("INPUT_TEST-SEASON");
    CHECK_INT(LOAD(&c, &e, "--seasons", "2000-latest", "--test-season", "2010", "--backtest", "2005-2010"), 0);
    CHECK_INT(c.season_last, 0);
    CHECK_INT(c.test_season, 2010);
    CHECK_INT(c.backtest_first, 2005);
    CHECK_INT(c.backtest_last, 2010);
    CHECK_INT(LOAD(&c, &e, "--seasons", "1999", "--stages", "source"), 0);
    CHECK_INT(c.season_first, 1999);
    CHECK_INT(c.season_last, 1999);
}

/* Each bad value fails, names its input, and says what is allowed. */
static void test_bad_inputs(void)
{
    static const struct {
        const char *name, *value, *expect;
    } bad[] = {
        {"seasons", "2024-2015", "expected"},
        {"seasons", "1949-2000", "1950"},
        {"seasons", "abc", "expected"},
        {"seasons", "2000-soon", "expected"},
        {"test-season", "1990", "inside"},
        {"test-season", "2000", "training season"},
        {"backtest", "1990-2001", "expected"},
        {"stages", "source,fly", "unknown stage 'fly'"},
        {"stages", "", "expected"},
        {"mongodb-uri", "postgres://x", "not a MongoDB URI"},
        {"mongodb-uri", "mongodb://", "malformed"},
        {"mongodb-database", "a/b", "database name"},
        {"api-base-url", "not a url", "http"},
        {"api-base-url", "ftp://example.org", "http"},
        {"wikipedia-base-url", "example", "http"},
        {"wikipedia", "maybe", "true or false"},
        {"n-estimators", "ten", "whole number"},
        {"n-estimators", "0", "whole number"},
        {"max-samples", "1.5", "fraction"},
        {"max-samples", "-3", "whole number"},
        {"max-features", "0.0", "fraction"},
        {"max-depth", "-1", "whole number"},
        {"seed", "-5", "whole number"},
        {"seed", "12x", "whole number"},
        {"retention-days", "91", "1 to 90"},
        {"artifact-name", "a/b", "without"},
        {"artifact-name", "x:y", "without"},
        {"api-requests-per-second", "0", "0.001 to 1000"},
        {"api-requests-per-second", "1e-300", "0.001 to 1000"},
        {"api-requests-per-second", "0.0009", "0.001 to 1000"},
        {"api-requests-per-second", "1001", "0.001 to 1000"},
        {"api-requests-per-second", "nan", "0.001 to 1000"},
        {"api-requests-per-second", "inf", "0.001 to 1000"},
        {"api-requests-per-second", "0x10", "0.001 to 1000"},
        {"api-requests-per-second", " 4", "0.001 to 1000"},
        {"api-requests-per-hour", "3600001", "1 to 3600000"},
        {"api-requests-per-hour", "0", "1 to 3600000"},
        {"n-estimators", "100001", "whole number"},
        {"n-estimators", " 5", "whole number"},
        {"max-samples", "0x.8", "fraction"},
        {"max-samples", "nan", "whole number"},
        {"max-features", "1e-300", "whole number"},
        {"max-features", "0.0e0", "fraction"},
        {"max-depth", "1001", "whole number"},
        {"threads", "1025", "whole number"},
        {"seed", "18446744073709551616", "whole number"},
        {"retention-days", "0", "1 to 90"},
        {"tune-trials", "0", "whole number"},
        {"tune-trials", "100001", "whole number"},
        {"tune-validation", "0", "whole number"},
        {"tune-validation", "51", "whole number"},
        {"predict-season", "1949", "season"},
        {"predict-season", "2101", "season"},
        {"predict-round", "0", "1 to 99"},
        {"predict-round", "100", "1 to 99"},
        {"worse-tolerance", "0x.8", "0 to 1"},
        {"worse-tolerance", "nan", "0 to 1"},
        {"worse-tolerance", "1.5", "0 to 1"},
        {"worse-tolerance", " 0.1", "0 to 1"},
        {"api-requests-per-hour", "many", "whole number"},
        {"threads", "-2", "whole number"},
        {"model", "forest", "clogit or bagging"},
        {"model", "", "clogit or bagging"},
        {"features", "v3", "v2 or spec"},
        {"l2", "0", "(0, 1000000]"},
        {"l2", "-1", "(0, 1000000]"},
        {"l2", "nan", "(0, 1000000]"},
        {"l2", "1e7", "(0, 1000000]"},
        {"l2", "15x", "(0, 1000000]"},
        {"train-from", "1949", "empty or a season"},
        {"train-from", "1990", "a season of 'seasons'"},
        {"train-from", "2010", "before the first test season"},
        {"baseline-model", "model.txt", "artifact:NAME"},
        {"baseline-model", "artifact:", "artifact:NAME"},
        {"baseline-model", "artifact:a/b", "artifact:NAME"},
        {"baseline-model", "bad\nname.json", "artifact:NAME"},
        {"fail-if-worse", "yes", "true or false"},
        {"worse-tolerance", "1.5", "0 to 1"},
        {"worse-tolerance", "-0.1", "0 to 1"},
        {"worse-tolerance", "x", "0 to 1"},
        {"pr-comment", "on", "true or false"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        config c;
        err e;
        char opt[64];
        snprintf(opt, sizeof opt, "--%s", bad[i].name);
        int rc = LOAD(&c, &e, "--seasons", "2000-2010", opt, (char *)bad[i].value);
        if (strcmp(bad[i].name, "seasons") == 0)
            rc = LOAD(&c, &e, opt, (char *)bad[i].value);
        CHECK_MSG(rc == -1, "%s=%s accepted", bad[i].name, bad[i].value);
        CHECK_INT(e.kind, ERR_INPUT);
        char quoted[80];
        snprintf(quoted, sizeof quoted, "'%s'", bad[i].name);
        CHECK_MSG(strstr(e.msg, quoted) != NULL, "message for %s does not name it: %s", bad[i].name, e.msg);
        CHECK_MSG(strstr(e.msg, bad[i].expect) != NULL, "message for %s=%s lacks '%s': %s",
                  bad[i].name, bad[i].value, bad[i].expect, e.msg);
    }
    config c;
    err e;
    CHECK_INT(LOAD(&c, &e, "--no-such-option", "1"), -1);
    CHECK(strstr(e.msg, "no-such-option") != NULL);
    CHECK_INT(LOAD(&c, &e, "--seed"), -1);
    CHECK(strstr(e.msg, "needs a value") != NULL);
}

/* Sizes the tune inputs imply are checked at load, before any stage: a
 * grid over the cap, more shards than configurations (counted as distinct
 * models: a clogit run does not search the bagging keys). */
static void test_tune_sizes(void)
{
    config c;
    err e;
    CHECK_INT(LOAD(&c, &e, "--tune", "grid", "--model", "bagging", "--tune-space",
                   "n-estimators=1..1000;max-depth=0..999;max-samples=1..1000"), -1);
    CHECK_INT(e.kind, ERR_INPUT);
    CHECK_MSG(strstr(e.msg, "'tune-space'") && strstr(e.msg, "1000000000 configurations"), "%s", e.msg);
    /* The same space is fine for a random search of 60, and unused with tune off. */
    CHECK_INT(LOAD(&c, &e, "--tune", "random", "--model", "bagging", "--features", "spec",
                   "--tune-space", "n-estimators=1..1000;max-depth=0..999;max-samples=1..1000"), 0);
    CHECK_INT(LOAD(&c, &e, "--tune-space", "n-estimators=1..1000;max-depth=0..999;max-samples=1..1000"), 0);
    CHECK_INT(LOAD(&c, &e, "--tune", "grid", "--model", "bagging", "--tune-space", "n-estimators=10,20", "--tune-shard", "3/3"), -1);
    CHECK_MSG(strstr(e.msg, "'tune-shard'") && strstr(e.msg, "only 2 configurations"), "%s", e.msg);
    /* The same keys for the default clogit: one model, whatever the trees' lists. */
    CHECK_INT(LOAD(&c, &e, "--tune", "grid", "--tune-space",
                   "n-estimators=1..1000;max-depth=0..999;max-samples=1..1000", "--tune-shard",
                   "2/2", "--stages", "tune"), -1);
    CHECK_MSG(strstr(e.msg, "only 1 configurations"), "%s", e.msg);
    /* A mixed space: 2 sets x 2 train-from x (3 l2 + 100 x 2 trees). */
    CHECK_INT(LOAD(&c, &e, "--tune", "grid", "--tune-space",
                   "model=clogit,bagging;features=v2,spec;l2=1,15,50;train-from=2000,2005;"
                   "n-estimators=1..100;max-depth=0,4", "--tune-shard", "813/813",
                   "--stages", "tune"), -1);
    CHECK_MSG(strstr(e.msg, "only 812 configurations"), "%s", e.msg);
    CHECK_INT(LOAD(&c, &e, "--tune", "grid", "--tune-space",
                   "model=clogit,bagging;features=v2,spec;l2=1..3"), -1);
    CHECK_MSG(strstr(e.msg, "input 'tune-space': l2 takes a list of values"), "%s", e.msg);
    CHECK_INT(LOAD(&c, &e, "--tune", "grid", "--tune-space", "model=logit"), -1);
    CHECK_MSG(strstr(e.msg, "input 'tune-space': model: invalid value 'logit' (expected clogit or "
                            "bagging)"), "%s", e.msg);
    CHECK_MSG(LOAD(&c, &e, "--tune", "grid", "--tune-space", "n-estimators=10,20", "--tune-shard", "2/2",
                   "--stages", "tune", "--model", "bagging", "--features", "spec") == 0, "%s", e.msg);
}

/* train-from: before the first test season, backtests included; the
 * learners' defaults. */
static void test_train_from(void)
{
    config c;
    err e;
    CHECK_INT(LOAD(&c, &e, "--seasons", "2000-2010", "--train-from", "2004"), 0);
    CHECK_INT(config_train_first(&c, LEARNER_BAGGING, 2010), 2004);
    CHECK_INT(LOAD(&c, &e, "--seasons", "2000-2010", "--backtest", "2005-2010", "--train-from",
                   "2005"), -1);
    CHECK(strstr(e.msg, "'train-from'") != NULL);
    CHECK_INT(LOAD(&c, &e, "--seasons", "1990-2024", "--l2", "0.5"), 0);
    CHECK_NEAR(c.l2, 0.5, 0);
    CHECK_INT(config_train_first(&c, LEARNER_BAGGING, 2024), 1990);
    CHECK_INT(config_train_first(&c, LEARNER_CLOGIT, 2024), CONFIG_CLOGIT_TRAIN_FROM);
    /* 2003 leaves no training season before 2003: the first of seasons */
    CHECK_INT(config_train_first(&c, LEARNER_CLOGIT, 2003), 1990);
    CHECK_INT(LOAD(&c, &e, "--seasons", "2010-2024"), 0);
    CHECK_INT(config_train_first(&c, LEARNER_CLOGIT, 2024), 2010);
    learner_params p = config_learner_params(&c);
    CHECK_INT(p.kind, LEARNER_CLOGIT);
    CHECK_NEAR(p.clogit.l2, 15, 0);
    /* tune searches every learner and feature set */
    CHECK_INT(LOAD(&c, &e, "--tune", "grid"), 0);
    CHECK_INT(LOAD(&c, &e, "--tune", "grid", "--model", "bagging", "--features", "spec"), 0);
    CHECK_INT(LOAD(&c, &e, "--model", "bagging", "--seed", "9"), 0);
    p = config_learner_params(&c);
    CHECK_INT(p.kind, LEARNER_BAGGING);
    CHECK(p.seed == 9 && p.bagging.seed == 9);
}

/* A password in the URI never appears in an error message. */
static void test_uri_secret(void)
{
    config c;
    err e;
    char out[256];
    CHECK_INT(LOAD(&c, &e, "--mongodb-uri", "mongodb://user:pw-s3cret@host:1:2:3/?bad=%%"), -1);
    CHECK(strstr(e.msg, "pw-s3cret") == NULL);
    CHECK_INT(LOAD(&c, &e, "--mongodb-uri", "mongodb://user:hunter2pw@127.0.0.1:27017/f1"), 0);
    log_redact("uri mongodb://user:hunter2pw@127.0.0.1:27017/f1 and hunter2pw", out, sizeof out);
    CHECK(strstr(out, "hunter2pw") == NULL);
}

/* The loop's inputs: the baseline's forms, the rules tying them to the
 * token and the gate, and the token kept out of every message. */
static void test_loop_inputs(void)
{
    config c;
    err e;
    CHECK_INT(LOAD(&c, &e, "--seed", "0"), 0);
    CHECK_STR(c.baseline_model, "");
    CHECK_STR(c.github_token, "");
    CHECK_INT(c.fail_if_worse, 0);
    CHECK_NEAR(c.worse_tolerance, 0, 0);
    CHECK_INT(c.pr_comment, 0);
    CHECK_INT(LOAD(&c, &e, "--baseline-model", "prod/model.json", "--fail-if-worse", "true",
                   "--worse-tolerance", "0.05"), 0);
    CHECK_STR(c.baseline_model, "prod/model.json");
    CHECK_INT(c.fail_if_worse, 1);
    CHECK_NEAR(c.worse_tolerance, 0.05, 1e-12);
    CHECK_INT(LOAD(&c, &e, "--baseline-model", "f1-model.zip"), 0);
    /* artifact:NAME needs a token; the message names both inputs. */
    CHECK_INT(LOAD(&c, &e, "--baseline-model", "artifact:f1-model"), -1);
    CHECK_INT(e.kind, ERR_INPUT);
    CHECK(strstr(e.msg, "'github-token'") != NULL && strstr(e.msg, "'baseline-model'") != NULL);
    CHECK_INT(LOAD(&c, &e, "--baseline-model", "artifact:f1-model", "--github-token", "ghs_tok3n"), 0);
    CHECK_STR(c.baseline_model, "artifact:f1-model");
    CHECK_STR(c.github_token, "ghs_tok3n");
    /* fail-if-worse without a baseline has nothing to compare with. */
    CHECK_INT(LOAD(&c, &e, "--fail-if-worse", "true"), -1);
    CHECK(strstr(e.msg, "'fail-if-worse'") != NULL && strstr(e.msg, "'baseline-model'") != NULL);
    /* A bad token is refused without being echoed, and is redacted. */
    CHECK_INT(LOAD(&c, &e, "--github-token", "ghs_bad tok3n"), -1);
    CHECK(strstr(e.msg, "'github-token'") != NULL && strstr(e.msg, "tok3n") == NULL);
    setenv("INPUT_GITHUB-TOKEN", "ghs_fromenv77", 1);
    CHECK_INT(LOAD(&c, &e, "--seed", "1"), 0);
    CHECK_STR(c.github_token, "ghs_fromenv77");
    unsetenv("INPUT_GITHUB-TOKEN");
    char out[128];
    log_redact("token ghs_fromenv77 and ghs_tok3n", out, sizeof out);
    CHECK_STR(out, "token *** and ***");
}

static void test_amounts(void)
{
    amount frac = {1, 0.5}, count = {0, 10}, all = {1, 1.0};
    CHECK_INT(amount_resolve(frac, 101), 50);
    CHECK_INT(amount_resolve(count, 101), 10);
    CHECK_INT(amount_resolve(count, 4), 4);
    CHECK_INT(amount_resolve(all, 7), 7);
    char s[32];
    amount_str(all, s, sizeof s);
    CHECK_STR(s, "1.0");
    amount_str(count, s, sizeof s);
    CHECK_STR(s, "10");
    amount tenth = {1, 0.1}, third = {1, 1.0 / 3.0};
    amount_str(tenth, s, sizeof s);
    CHECK_STR(s, "0.1");
    amount_str(third, s, sizeof s);
    CHECK(strtod(s, NULL) == 1.0 / 3.0);
}

int main(void)
{
    FILE *devnull = fopen("/dev/null", "w");
    log_set_stream(devnull);
    test_defaults();
    test_env_and_cli();
    test_bad_inputs();
    test_tune_sizes();
    test_uri_secret();
    test_train_from();
    test_loop_inputs();
    test_amounts();
    log_shutdown();
    fclose(devnull);
    return check_done();
}
