#include "config/config.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <mongoc/mongoc.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/num.h"
#include "data/bounds.h"
#include "config/tune_space.h"
#include "data/feature_set.h"
#include "ml/space.h"

/* Each parser reads `val` for option `name` into the field at `dst`. */
typedef int (*opt_parser)(const char *name, const char *val, void *dst, err *e);

/* A parser of a pair (a range, a shard I/N) writes int[2]; apply() copies
 * the two into the fields at offset and offset2, wherever they are. */
typedef struct {
    const char *name;
    const char *def;
    opt_parser parse;
    size_t offset;
    size_t offset2; /* second field of a pair; 0 = a single field */
    const char *help;
} opt_spec;

#define BAD(e, name, val, allowed) \
    err_setk(e, ERR_INPUT, "input '%s': invalid value '%s' (expected %s)", name, val, allowed)

/* A whole number in [lo, hi] by core/num.h's rule (callers say what is
 * allowed in their own message). */
static int parse_long(const char *s, long lo, long hi, long *out)
{
    err ignored;
    return num_parse_int(s, lo, hi, out, &ignored);
}

static int parse_season_value(const char *s, int *out)
{
    long v;
    if (parse_long(s, F1_SEASON_MIN, F1_SEASON_MAX, &v) != 0)
        return -1;
    *out = (int)v;
    return 0;
}

/* "A-B", "A-latest" or "A" into two ints (0 for latest when allowed). */
static int parse_range(const char *val, int allow_latest, int *a, int *b)
{
    char tmp[64];
    if (strlen(val) >= sizeof tmp)
        return -1;
    strcpy(tmp, val);
    char *dash = strchr(tmp, '-');
    if (dash == NULL) {
        if (parse_season_value(tmp, a) != 0)
            return -1;
        *b = *a;
        return 0;
    }
    *dash = '\0';
    if (parse_season_value(tmp, a) != 0)
        return -1;
    if (allow_latest && strcmp(dash + 1, "latest") == 0) {
        *b = 0;
        return 0;
    }
    if (parse_season_value(dash + 1, b) != 0 || *b < *a)
        return -1;
    return 0;
}

static int p_seasons(const char *name, const char *val, void *dst, err *e)
{
    int *f = dst; /* int[2]: first, last */
    if (parse_range(val, 1, &f[0], &f[1]) != 0)
        return BAD(e, name, val, "a season range A-B, A-latest or A, with 1950 <= A <= B");
    return 0;
}

static int p_backtest(const char *name, const char *val, void *dst, err *e)
{
    int *f = dst;
    if (val[0] == '\0') {
        f[0] = f[1] = 0;
        return 0;
    }
    if (parse_range(val, 0, &f[0], &f[1]) != 0)
        return BAD(e, name, val, "empty or a range of test seasons A-B with 1950 <= A <= B");
    return 0;
}

static int p_season_opt(const char *name, const char *val, void *dst, err *e)
{
    int *f = dst;
    if (val[0] == '\0') {
        *f = 0;
        return 0;
    }
    if (parse_season_value(val, f) != 0)
        return BAD(e, name, val, "empty or a season from 1950");
    return 0;
}

static int p_copy(const char *val, void *dst, size_t n)
{
    if (strlen(val) >= n)
        return -1;
    strcpy(dst, val);
    return 0;
}

/* The text only: which names exist and how they combine is the stage
 * registry's (stages/registry.h), above this layer. */
static int p_stages(const char *name, const char *val, void *dst, err *e)
{
    if (val[0] == '\0' || p_copy(val, dst, sizeof ((config *)0)->stages) != 0)
        return BAD(e, name, val, "'all' or a comma list of stage names, at most 255 characters");
    return 0;
}

static int p_bool(const char *name, const char *val, void *dst, err *e)
{
    int *f = dst;
    if (strcmp(val, "true") == 0 || strcmp(val, "True") == 0 || strcmp(val, "1") == 0)
        *f = 1;
    else if (strcmp(val, "false") == 0 || strcmp(val, "False") == 0 || strcmp(val, "0") == 0)
        *f = 0;
    else
        return BAD(e, name, val, "true or false");
    return 0;
}

static int p_database(const char *name, const char *val, void *dst, err *e)
{
    /* MongoDB database names: non-empty, < 64 bytes, none of /\. "$ and space. */
    if (val[0] == '\0' || strlen(val) >= 64 || strpbrk(val, "/\\. \"$") != NULL)
        return BAD(e, name, val, "a MongoDB database name: 1-63 characters, none of /\\. \"$ or space");
    strcpy(dst, val);
    return 0;
}

/* An http(s) URL with a host, checked with libcurl's URL parser. */
static int check_http_url(const char *val)
{
    if (strncmp(val, "http://", 7) != 0 && strncmp(val, "https://", 8) != 0)
        return -1;
    CURLU *u = curl_url();
    if (u == NULL)
        return -1;
    int rc = -1;
    char *host = NULL;
    if (curl_url_set(u, CURLUPART_URL, val, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host[0] != '\0')
        rc = 0;
    curl_free(host);
    curl_url_cleanup(u);
    return rc;
}

static int p_url(const char *name, const char *val, void *dst, err *e)
{
    if (check_http_url(val) != 0 || p_copy(val, dst, CFG_STR_MAX) != 0)
        return BAD(e, name, val, "an http:// or https:// URL with a host");
    char *s = dst;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '/')
        s[--n] = '\0';
    return 0;
}

static int p_url_opt(const char *name, const char *val, void *dst, err *e)
{
    if (val[0] == '\0') {
        ((char *)dst)[0] = '\0';
        return 0;
    }
    return p_url(name, val, dst, e);
}

/* The URI is a secret: mask it (and its password) before anything can print
 * it, and never echo it in an error. */
static int p_mongo_uri(const char *name, const char *val, void *dst, err *e)
{
    ((char *)dst)[0] = '\0';
    if (val[0] == '\0')
        return 0;
    log_mask(val);
    if (strncmp(val, "mongodb://", 10) != 0 && strncmp(val, "mongodb+srv://", 14) != 0)
        return err_setk(e, ERR_INPUT,
                        "input '%s': not a MongoDB URI (expected empty, or mongodb://... or "
                        "mongodb+srv://...)", name);
    bson_error_t berr;
    mongoc_uri_t *uri = mongoc_uri_new_with_error(val, &berr);
    if (uri == NULL)
        return err_setk(e, ERR_INPUT,
                        "input '%s': malformed MongoDB URI (expected mongodb://[user:pass@]host[:port][/db][?options])",
                        name);
    log_mask(mongoc_uri_get_password(uri));
    mongoc_uri_destroy(uri);
    if (p_copy(val, dst, CFG_STR_MAX) != 0)
        return err_setk(e, ERR_INPUT, "input '%s': URI longer than %d bytes", name, CFG_STR_MAX - 1);
    return 0;
}

#define INT_PARSER(fn, lo, hi, allowed)                                  \
    static int fn(const char *name, const char *val, void *dst, err *e) \
    {                                                                    \
        long v;                                                          \
        if (parse_long(val, lo, hi, &v) != 0)                            \
            return BAD(e, name, val, allowed);                           \
        *(int *)dst = (int)v;                                            \
        return 0;                                                        \
    }

INT_PARSER(p_estimators, 1, 100000, "a whole number from 1 to 100000")
INT_PARSER(p_depth, 0, 1000, "a whole number from 0 (unlimited) to 1000")
INT_PARSER(p_threads, 0, 1024, "a whole number from 0 (all cores) to 1024")
INT_PARSER(p_per_hour, 1, 3600000, "a whole number of requests per hour from 1 to 3600000")

static int p_retention(const char *name, const char *val, void *dst, err *e)
{
    long v;
    if (val[0] == '\0') {
        *(int *)dst = 0;
        return 0;
    }
    if (parse_long(val, 1, 90, &v) != 0)
        return BAD(e, name, val, "empty or a whole number of days from 1 to 90");
    *(int *)dst = (int)v;
    return 0;
}

/* Pacing below one request in 1000 s is no pacing anyone wants, and
 * above 1000/s no API serves; 1e-300 would overflow the pacer's sleep. */
#define PER_SECOND_MIN 0.001
#define PER_SECOND_MAX 1000.0

static int p_per_second(const char *name, const char *val, void *dst, err *e)
{
    double v;
    err why;
    if (num_parse_finite(val, PER_SECOND_MIN, PER_SECOND_MAX, &v, &why) != 0)
        return BAD(e, name, val, "a number of requests per second from 0.001 to 1000");
    *(double *)dst = v;
    return 0;
}

static int p_seed(const char *name, const char *val, void *dst, err *e)
{
    char *end;
    errno = 0;
    if (val[0] == '\0' || val[0] == '-' || !isdigit((unsigned char)val[0]))
        return BAD(e, name, val, "a whole number from 0 to 18446744073709551615");
    unsigned long long v = strtoull(val, &end, 10);
    if (*end != '\0' || errno != 0)
        return BAD(e, name, val, "a whole number from 0 to 18446744073709551615");
    *(uint64_t *)dst = (uint64_t)v;
    return 0;
}

static int p_amount(const char *name, const char *val, void *dst, err *e)
{
    amount *a = dst;
    const char *allowed = "a whole number >= 1 or a fraction in (0, 1] such as 0.5 or 1.0";
    if (strchr(val, '.') == NULL) {
        long v;
        if (parse_long(val, 1, 100000000, &v) != 0)
            return BAD(e, name, val, allowed);
        a->is_fraction = 0;
        a->value = (double)v;
        return 0;
    }
    double v;
    err why;
    if (num_parse_finite(val, 0.0, 1.0, &v, &why) != 0 || !(v > 0.0) || !isdigit((unsigned char)val[0]))
        return BAD(e, name, val, allowed);
    a->is_fraction = 1;
    a->value = v;
    return 0;
}

static int p_tune(const char *name, const char *val, void *dst, err *e)
{
    int *f = dst;
    if (strcmp(val, "off") == 0)
        *f = 0;
    else if (strcmp(val, "grid") == 0)
        *f = SPACE_GRID;
    else if (strcmp(val, "random") == 0)
        *f = SPACE_RANDOM;
    else
        return BAD(e, name, val, "off, grid or random");
    return 0;
}

static int p_tune_space(const char *name, const char *val, void *dst, err *e)
{
    space s;
    if (tune_space_parse(val, name, &s, e) != 0)
        return -1;
    space_release(&s);
    if (p_copy(val, dst, CFG_STR_MAX) != 0)
        return err_setk(e, ERR_INPUT, "input '%s': longer than %d bytes", name, CFG_STR_MAX - 1);
    return 0;
}

static int p_model(const char *name, const char *val, void *dst, err *e)
{
    int k = learner_parse(val);
    if (k < 0)
        return BAD(e, name, val, "clogit or bagging");
    *(int *)dst = k;
    return 0;
}

static int p_features(const char *name, const char *val, void *dst, err *e)
{
    int k = feature_set_parse(val);
    if (k < 0)
        return BAD(e, name, val, "v2 or spec");
    *(int *)dst = k;
    return 0;
}

#define L2_MAX 1e6

static int p_l2(const char *name, const char *val, void *dst, err *e)
{
    char *end;
    errno = 0;
    double v = strtod(val, &end);
    if (val[0] == '\0' || *end != '\0' || errno != 0 || !(v > 0.0) || v > L2_MAX ||
        !isdigit((unsigned char)val[0]))
        return BAD(e, name, val, "a number in (0, 1000000], such as 15 or 0.5");
    *(double *)dst = v;
    return 0;
}

INT_PARSER(p_trials, 1, SPACE_MAX_CONFIGS, "a whole number of configurations from 1 to 100000")
INT_PARSER(p_validation, 1, 50, "a whole number of seasons from 1 to 50")

#define SHARDS_MAX 1000

/* "" or "I/N" into int[2]: I, N. */
static int p_shard(const char *name, const char *val, void *dst, err *e)
{
    int *f = dst;
    f[0] = f[1] = 0;
    if (val[0] == '\0')
        return 0;
    char tmp[32];
    const char *allowed = "empty or I/N: slice I of N, 1 <= I <= N <= 1000";
    char *slash = strlen(val) < sizeof tmp ? strchr(strcpy(tmp, val), '/') : NULL;
    long i, n;
    if (slash == NULL)
        return BAD(e, name, val, allowed);
    *slash = '\0';
    if (parse_long(tmp, 1, SHARDS_MAX, &i) != 0 || parse_long(slash + 1, 1, SHARDS_MAX, &n) != 0 ||
        i > n)
        return BAD(e, name, val, allowed);
    f[0] = (int)i;
    f[1] = (int)n;
    return 0;
}

static int p_round_opt(const char *name, const char *val, void *dst, err *e)
{
    long v;
    *(int *)dst = 0;
    if (val[0] == '\0')
        return 0;
    if (parse_long(val, 1, F1_ROUND_MAX, &v) != 0)
        return BAD(e, name, val, "empty or a round from 1 to 99");
    *(int *)dst = (int)v;
    return 0;
}

static int p_path_opt(const char *name, const char *val, void *dst, err *e)
{
    if (p_copy(val, dst, CFG_STR_MAX) != 0)
        return BAD(e, name, val, "a path shorter than 1024 bytes");
    return 0;
}

/* Names an artifact: non-empty, under 256 bytes, none of the characters
 * the artifact service refuses (nor CR, LF). */
static int artifact_name_ok(const char *val)
{
    return val[0] != '\0' && strpbrk(val, "\":<>|*?\r\n\\/") == NULL && strlen(val) < 256;
}

static int has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7F)
            return 1;
    return 0;
}

static int p_artifact_name(const char *name, const char *val, void *dst, err *e)
{
    if (!artifact_name_ok(val))
        return BAD(e, name, val, "a non-empty name under 256 bytes without any of \" : < > | * ? \\ / CR LF");
    strcpy(dst, val);
    return 0;
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n > t && strcmp(s + n - t, tail) == 0;
}

/* Only the form here: whether the file exists, or the artifact, is the
 * evaluate stage's to find out. */
static int p_baseline(const char *name, const char *val, void *dst, err *e)
{
    const char *allowed = "empty, a path to a model.json (*.json) or a model zip (*.zip), or "
                          "artifact:NAME with NAME an artifact name (no \" : < > | * ? \\ / CR LF)";
    size_t plen = strlen(CFG_ARTIFACT_PREFIX);
    int ok = val[0] == '\0' ||
             (strncmp(val, CFG_ARTIFACT_PREFIX, plen) == 0 ? artifact_name_ok(val + plen)
                                                           : !has_control(val) &&
                                                                 (ends_with(val, ".json") ||
                                                                  ends_with(val, ".zip")));
    if (!ok || p_copy(val, dst, CFG_STR_MAX) != 0)
        return BAD(e, name, val, allowed);
    return 0;
}

/* A secret: masked before anything else, never echoed in an error. */
static int p_token(const char *name, const char *val, void *dst, err *e)
{
    ((char *)dst)[0] = '\0';
    log_mask(val);
    if (has_control(val) || strchr(val, ' ') != NULL)
        return err_setk(e, ERR_INPUT,
                        "input '%s': the token holds a space or a control character (expected a "
                        "GitHub token such as ${{ github.token }})", name);
    if (p_copy(val, dst, CFG_STR_MAX) != 0)
        return err_setk(e, ERR_INPUT, "input '%s': longer than %d bytes", name, CFG_STR_MAX - 1);
    return 0;
}

static int p_tolerance(const char *name, const char *val, void *dst, err *e)
{
    double v;
    err why;
    if (num_parse_finite(val, 0.0, 1.0, &v, &why) != 0)
        return BAD(e, name, val, "a number from 0 to 1 (a difference of expected precision)");
    *(double *)dst = v;
    return 0;
}

static int p_data_dir(const char *name, const char *val, void *dst, err *e)
{
    if (val[0] == '\0' || p_copy(val, dst, CFG_STR_MAX) != 0)
        return BAD(e, name, val, "a non-empty directory path");
    return 0;
}

#define OFF(f) offsetof(config, f)
/* Where config_print_help puts the stage names it is given. */
#define STAGE_LIST_MARK "{stages}"
#define TUNE_SPACE_DEFAULT \
    "n-estimators=50,200;max-samples=10,30,100;max-features=20,50,1.0;max-depth=0,4,8"

static const opt_spec options[] = {
    {"seasons", "1950-latest", p_seasons, OFF(season_first), OFF(season_last), "season range A-B, A-latest or A"},
    {"test-season", "", p_season_opt, OFF(test_season), 0, "held-out season (default: last of seasons)"},
    {"backtest", "", p_backtest, OFF(backtest_first), OFF(backtest_last), "range of test seasons to backtest, e.g. 2015-2024"},
    {"stages", "all", p_stages, OFF(stages), 0, "comma list of " STAGE_LIST_MARK ", or all (tune only when tune is set)"},
    {"mongodb-uri", "", p_mongo_uri, OFF(mongodb_uri), 0, "MongoDB URI (secret); empty = embedded store in data-dir"},
    {"mongodb-database", "f1", p_database, OFF(mongodb_database), 0, "MongoDB database name"},
    {"data-dir", ".f1-mlops", p_data_dir, OFF(data_dir), 0, "store, stage outputs, model and zip"},
    {"api-base-url", "https://api.jolpi.ca/ergast/f1", p_url, OFF(api_base_url), 0, "Ergast-compatible API base URL"},
    {"api-requests-per-second", "4", p_per_second, OFF(api_rate_per_second), 0, "API pacing: burst requests per second"},
    {"api-requests-per-hour", "500", p_per_hour, OFF(api_rate_per_hour), 0, "API pacing: sustained requests per hour"},
    {"wikipedia", "true", p_bool, OFF(wikipedia), 0, "scrape race weather from Wikipedia"},
    {"wikipedia-base-url", "", p_url_opt, OFF(wikipedia_base_url), 0, "replace the scheme+host of article URLs (mirrors, tests)"},
    {"refresh", "false", p_bool, OFF(refresh), 0, "refetch everything even if stored"},
    {"model", "clogit", p_model, OFF(model), 0, "learner: clogit (conditional logit) or bagging (trees)"},
    {"features", "v2", p_features, OFF(features), 0, "feature set: v2 (21 features) or spec (the original 68)"},
    {"l2", "15", p_l2, OFF(l2), 0, "clogit: L2 penalty on the coefficients, in (0, 1e6]"},
    {"train-from", "", p_season_opt, OFF(train_from), 0, "first training season (default: 2005 for clogit, the first of seasons for bagging)"},
    {"n-estimators", "200", p_estimators, OFF(n_estimators), 0, "number of trees"},
    {"max-samples", "10", p_amount, OFF(max_samples), 0, "rows per tree: count or fraction"},
    {"max-features", "50", p_amount, OFF(max_features), 0, "features per tree: count or fraction"},
    {"bootstrap", "true", p_bool, OFF(bootstrap), 0, "draw rows with replacement"},
    {"bootstrap-features", "true", p_bool, OFF(bootstrap_features), 0, "draw features with replacement"},
    {"max-depth", "0", p_depth, OFF(max_depth), 0, "maximum tree depth, 0 = unlimited"},
    {"seed", "0", p_seed, OFF(seed), 0, "random seed"},
    {"threads", "0", p_threads, OFF(threads), 0, "training threads, 0 = all cores"},
    {"artifact-name", "f1-model", p_artifact_name, OFF(artifact_name), 0, "artifact name"},
    {"retention-days", "", p_retention, OFF(retention_days), 0, "artifact retention in days (1-90), empty = repository default"},
    {"tune", "off", p_tune, OFF(tune), 0, "model search: off, grid or random"},
    {"tune-space", TUNE_SPACE_DEFAULT, p_tune_space, OFF(tune_space), 0, "the parameter lists to search: name=v1,v2;..."},
    {"tune-trials", "60", p_trials, OFF(tune_trials), 0, "random search: configurations drawn from tune-space"},
    {"tune-validation", "5", p_validation, OFF(tune_validation), 0, "validation seasons before the test season"},
    {"tune-shard", "", p_shard, OFF(tune_shard), OFF(tune_shards), "I/N: score only slice I of N (merge with stage tune-merge)"},
    {"model-path", "", p_path_opt, OFF(model_path), 0, "predict: model.json or a zip holding it (default: data-dir's)"},
    {"predict-season", "", p_season_opt, OFF(predict_season), 0, "predict: the race's season (default: the next race)"},
    {"predict-round", "", p_round_opt, OFF(predict_round), 0, "predict: the race's round (with predict-season)"},
    {"predict-without-grid", "false", p_bool, OFF(predict_without_grid), 0, "predict: go on with every car at the back when the grid is unknown"},
    {"baseline-model", "", p_baseline, OFF(baseline_model), 0, "evaluate: compare with a model.json, a model zip or artifact:NAME"},
    {"github-token", "", p_token, OFF(github_token), 0, "token for artifact:NAME and pr-comment (secret; the action passes github.token)"},
    {"fail-if-worse", "false", p_bool, OFF(fail_if_worse), 0, "fail the step (after writing everything) when worse than the baseline"},
    {"worse-tolerance", "0", p_tolerance, OFF(worse_tolerance), 0, "fail-if-worse: allowed drop of expected precision, 0 to 1"},
    {"pr-comment", "false", p_bool, OFF(pr_comment), 0, "comment the report on the pull request (one comment, updated)"},
};

#define NOPTIONS (sizeof options / sizeof *options)

static const opt_spec *find_option(const char *name, size_t len)
{
    for (size_t i = 0; i < NOPTIONS; i++)
        if (strlen(options[i].name) == len && strncmp(options[i].name, name, len) == 0)
            return &options[i];
    return NULL;
}

static int apply(config *c, const opt_spec *o, const char *val, err *e)
{
    if (o->offset2 == 0)
        return o->parse(o->name, val, (char *)c + o->offset, e);
    int pair[2];
    if (o->parse(o->name, val, pair, e) != 0)
        return -1;
    memcpy((char *)c + o->offset, &pair[0], sizeof pair[0]);
    memcpy((char *)c + o->offset2, &pair[1], sizeof pair[1]);
    return 0;
}

int config_parse_value(const char *name, const char *val, void *dst, err *e)
{
    const opt_spec *o = find_option(name, strlen(name));
    if (o == NULL)
        return err_setk(e, ERR_INPUT, "unknown input '%s'", name);
    return o->parse(o->name, val, dst, e);
}

/* The sizes the tune inputs imply, checked before any work (a 10^9 grid
 * used to be refused only after source, prepare and features had run):
 * the configurations to score (space_configs' cap) and the shards they
 * are split into (no shard may be empty). */
static int validate_tune(const config *c, err *e)
{
    if (c->tune == 0)
        return 0;
    space s;
    if (tune_space_parse(c->tune_space, "tune-space", &s, e) != 0)
        return -1;
    uint64_t *configs = NULL;
    int n = 0;
    int rc = space_configs(&s, (learner_kind)c->model, (space_method)c->tune, c->tune_trials, c->seed, "tune-space", &configs, &n, e);
    free(configs);
    space_release(&s);
    if (rc == 0 && c->tune_shards > n)
        rc = err_setk(e, ERR_INPUT,
                      "input 'tune-shard': invalid value '%d/%d' (only %d configurations to split; "
                      "expected N <= %d)",
                      c->tune_shard, c->tune_shards, n, n);
    return rc;
}

/* Cross-input rules, once every value is known (the rules on the stages
 * selected are stage_select's, stages/registry.c). */
static int validate(const config *c, err *e)
{
    if (validate_tune(c, e) != 0)
        return -1;
    int last = c->season_last;
    if (c->predict_round != 0 && c->predict_season == 0)
        return err_setk(e, ERR_INPUT,
                        "input 'predict-round': a round needs input 'predict-season' (expected both, "
                        "or neither for the next race)");
    if (c->test_season != 0) {
        if (c->test_season < c->season_first || (last != 0 && c->test_season > last))
            return err_setk(e, ERR_INPUT,
                            "input 'test-season': invalid value '%d' (expected a season inside 'seasons')",
                            c->test_season);
        if (c->test_season <= c->season_first)
            return err_setk(e, ERR_INPUT,
                            "input 'test-season': invalid value '%d' (expected a season after %d, so at "
                            "least one training season remains)",
                            c->test_season, c->season_first);
    }
    if (strncmp(c->baseline_model, CFG_ARTIFACT_PREFIX, strlen(CFG_ARTIFACT_PREFIX)) == 0 &&
        c->github_token[0] == '\0')
        return err_setk(e, ERR_INPUT,
                        "input 'github-token': empty, but input 'baseline-model' names an artifact "
                        "(expected a token that may read the repository's artifacts, such as "
                        "${{ github.token }} with permission actions: read)");
    if (c->fail_if_worse && c->baseline_model[0] == '\0')
        return err_setk(e, ERR_INPUT,
                        "input 'fail-if-worse': true, but input 'baseline-model' is empty (expected a "
                        "baseline to compare with, or fail-if-worse: false)");
    int first_test = c->backtest_first != 0 ? c->backtest_first : c->test_season;
    if (c->train_from != 0 && (c->train_from < c->season_first ||
                               (first_test != 0 && c->train_from >= first_test) ||
                               (last != 0 && c->train_from >= last)))
        return err_setk(e, ERR_INPUT,
                        "input 'train-from': invalid value '%d' (expected empty or a season of "
                        "'seasons' before the first test season)",
                        c->train_from);
    if (c->backtest_first != 0) {
        if (c->backtest_first <= c->season_first || (last != 0 && c->backtest_last > last))
            return err_setk(e, ERR_INPUT,
                            "input 'backtest': invalid value '%d-%d' (expected test seasons inside "
                            "'seasons' and after its first season)",
                            c->backtest_first, c->backtest_last);
    }
    return 0;
}

/* The runner keeps hyphens: INPUT_N-ESTIMATORS (getenv reads it fine). */
static const char *input_env(const char *name)
{
    char var[128] = "INPUT_";
    size_t o = strlen(var);
    for (const char *p = name; *p && o + 1 < sizeof var; p++)
        var[o++] = (char)toupper((unsigned char)*p);
    var[o] = '\0';
    return getenv(var);
}

int config_load(config *c, int argc, char **argv, int *want_help, err *e)
{
    memset(c, 0, sizeof *c);
    *want_help = 0;
    /* Secrets first, so nothing printed later can reveal them. */
    log_mask(input_env("mongodb-uri"));
    log_mask(input_env("github-token"));
    log_mask(getenv("ACTIONS_RUNTIME_TOKEN"));
    for (size_t i = 0; i < NOPTIONS; i++) {
        const char *v = input_env(options[i].name);
        /* An empty INPUT_ means "not given" (the runner passes every input). */
        if (v == NULL || (v[0] == '\0' && options[i].def[0] != '\0'))
            v = options[i].def;
        if (apply(c, &options[i], v, e) != 0)
            return -1;
    }
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            *want_help = 1;
            return 0;
        }
        if (strncmp(arg, "--", 2) != 0)
            return err_setk(e, ERR_INPUT, "unexpected argument '%s' (options are --name value)", arg);
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const opt_spec *o = find_option(name, len);
        if (o == NULL)
            return err_setk(e, ERR_INPUT, "unknown option '%.*s' (see --help)", (int)len + 2, arg);
        const char *val;
        if (eq != NULL) {
            val = eq + 1;
        } else {
            if (i + 1 >= argc)
                return err_setk(e, ERR_INPUT, "option '--%s' needs a value", o->name);
            val = argv[++i];
        }
        if (strcmp(o->name, "mongodb-uri") == 0 || strcmp(o->name, "github-token") == 0)
            log_mask(val);
        if (apply(c, o, val, e) != 0)
            return -1;
    }
    return validate(c, e);
}

void config_print_help(const char *stage_list)
{
    printf("usage: f1-mlops [--input value ...]\n\n"
           "Every input can also be given as the environment variable INPUT_<NAME>\n"
           "(upper case, hyphens kept), as the GitHub Actions runner passes them.\n\n");
    for (size_t i = 0; i < NOPTIONS; i++) {
        const char *help = options[i].help, *mark = strstr(help, STAGE_LIST_MARK);
        int head = mark ? (int)(mark - help) : (int)strlen(help);
        printf("  --%-26s %.*s%s%s (default: %s)\n", options[i].name, head, help,
               mark ? stage_list : "", mark ? mark + strlen(STAGE_LIST_MARK) : "",
               options[i].def[0] ? options[i].def : "empty");
    }
}

bagging_params config_bagging_params(const config *c)
{
    return (bagging_params){
        .n_estimators = c->n_estimators,
        .max_samples = c->max_samples,
        .max_features = c->max_features,
        .bootstrap = c->bootstrap,
        .bootstrap_features = c->bootstrap_features,
        .max_depth = c->max_depth,
        .seed = c->seed,
    };
}

learner_params config_learner_params(const config *c)
{
    learner_params p = {.kind = (learner_kind)c->model, .seed = c->seed,
                        .bagging = config_bagging_params(c), .clogit = clogit_params_default()};
    p.clogit.l2 = c->l2;
    return p;
}

int config_train_first(const config *c, int model, int first_test)
{
    if (c->train_from != 0)
        return c->train_from;
    if (model == LEARNER_CLOGIT && CONFIG_CLOGIT_TRAIN_FROM > c->season_first &&
        CONFIG_CLOGIT_TRAIN_FROM < first_test)
        return CONFIG_CLOGIT_TRAIN_FROM;
    return c->season_first;
}
