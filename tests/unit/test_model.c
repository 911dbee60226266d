/* model and numfmt: model.json round trip (same predictions to the bit,
 * same parameters), training only on the training seasons, the feature
 * list check, and refusal of files of another format, another version or
 * with broken trees. */
#include "check.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/fsutil.h"
#include "data/features_v2.h"
#include "ml/model.h"
#include "ml/numfmt.h"
#include "core/rng.h"

enum { SEASONS = 3, RACES = 2, DRIVERS = 6, ROWS = SEASONS * RACES * DRIVERS, NF = 4 };

static char dir[] = "/tmp/f1-test-model.XXXXXX";

/* Seasons 2001-2003, 2 races of 6 drivers each; driver d0 wins most. */
static void make_table(feature_table *t)
{
    static const char *const names[NF] = {"season", "round", "grid", "form"};
    err e;
    if (feature_table_alloc(t, ROWS, NF, &e) != 0)
        abort();
    for (int j = 0; j < NF; j++)
        t->names[j] = strdup(names[j]);
    rng r = rng_stream(7, 7);
    for (int i = 0; i < ROWS; i++) {
        int season = 2001 + i / (RACES * DRIVERS), round = 1 + (i / DRIVERS) % RACES;
        int d = i % DRIVERS;
        char id[16];
        snprintf(id, sizeof id, "d%d", d);
        t->driver_id[i] = strdup(id);
        t->season[i] = season;
        t->round[i] = round;
        t->x[0 * ROWS + i] = season;
        t->x[1 * ROWS + i] = round;
        t->x[2 * ROWS + i] = 1 + (d + (int)rng_below(&r, 2)) % DRIVERS;
        t->x[3 * ROWS + i] = rng_double(&r) * 100.0 / 3.0;
        t->won[i] = d == (round == 2 && season == 2002 ? 1 : 0);
    }
}

static learner_params test_params(void)
{
    return (learner_params){.kind = LEARNER_BAGGING,
                            .seed = UINT64_MAX,
                            .bagging = {.n_estimators = 7,
                                        .max_samples = {1, 0.5},
                                        .max_features = {0, 3},
                                        .bootstrap = 1,
                                        .bootstrap_features = 0,
                                        .max_depth = 3,
                                        .seed = UINT64_MAX}};
}

static int train(model *m, const feature_table *t, int first, int last, const learner_params *p,
                 int threads, err *e)
{
    return model_train(m, t, FEATURE_SET_SPEC, NULL, 0, first, last, p, threads, e);
}

static char *path_of(const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

static char *slurp(const char *path)
{
    buf b;
    buf_init(&b, 0);
    err e;
    if (fs_read_file(path, &b, &e) != 0)
        return NULL;
    return buf_detach(&b);
}

/* Writes model.json with its first `from` replaced by `to` to `name`. */
static int rewrite(const char *from, const char *to, const char *name)
{
    char *text = slurp(path_of("model.json"));
    char *at = text ? strstr(text, from) : NULL;
    if (at == NULL) {
        free(text);
        return -1;
    }
    buf b;
    buf_init(&b, 0);
    buf_append(&b, text, (size_t)(at - text), NULL);
    buf_puts(&b, to, NULL);
    buf_puts(&b, at + strlen(from), NULL);
    err e;
    int rc = fs_write_atomic(path_of(name), b.data, b.len, &e);
    buf_release(&b);
    free(text);
    return rc;
}

static void test_counts(const feature_table *t)
{
    int rows, races;
    model_season_counts(t, 2001, 2002, &rows, &races);
    CHECK_INT(rows, 2 * RACES * DRIVERS);
    CHECK_INT(races, 2 * RACES);
    model_season_counts(t, 2003, 2003, &rows, &races);
    CHECK_INT(rows, RACES * DRIVERS);
    CHECK_INT(races, RACES);
    model_season_counts(t, 1990, 1999, &rows, &races);
    CHECK_INT(rows + races, 0);
}

static void test_round_trip(const feature_table *t)
{
    learner_params p = test_params();
    model m, back;
    err e;
    CHECK_INT(train(&m, t, 2001, 2002, &p, 2, &e), 0);
    CHECK_INT(model_write(&m, path_of("model.json"), &e), 0);
    CHECK_INT(model_read(path_of("model.json"), &back, &e), 0);
    CHECK_INT(model_check_features(&back, t, &e), 0);
    CHECK_INT(back.nfeat, NF);
    CHECK_STR(back.features[3], "form");
    CHECK_INT(back.train_first, 2001);
    CHECK_INT(back.train_last, 2002);
    const bagging_params *bp = &back.l.params.bagging;
    CHECK_INT(back.l.params.kind, LEARNER_BAGGING);
    CHECK(back.l.params.seed == UINT64_MAX && bp->seed == UINT64_MAX);
    CHECK_INT(bp->n_estimators, 7);
    CHECK(bp->max_samples.is_fraction && bp->max_samples.value == 0.5);
    CHECK(!bp->max_features.is_fraction && bp->max_features.value == 3);
    CHECK_INT(bp->bootstrap, 1);
    CHECK_INT(bp->bootstrap_features, 0);
    CHECK_INT(bp->max_depth, 3);
    double a[ROWS], b[ROWS];
    CHECK_INT(model_score(&m, t, 0, ROWS, a, NULL, &e), 0);
    CHECK_INT(model_score(&back, t, 0, ROWS, b, NULL, &e), 0);
    CHECK(memcmp(a, b, sizeof a) == 0);
    int varied = 0;
    for (int i = 1; i < ROWS; i++)
        varied += a[i] != a[0];
    CHECK(varied > 0);
    /* Writing the loaded model gives the same bytes. */
    CHECK_INT(model_write(&back, path_of("again.json"), &e), 0);
    char *one = slurp(path_of("model.json")), *two = slurp(path_of("again.json"));
    CHECK(one && two && strcmp(one, two) == 0);
    CHECK(one && strstr(one, "\"seed\":\"18446744073709551615\"") != NULL);
    CHECK(one && strstr(one, "\"max-samples\":\"0.5\"") != NULL);
    CHECK(one && strstr(one, "\"format\":\"f1-mlops-model\",\"format_version\":1") != NULL);
    free(one);
    free(two);
    model_release(&back);
    model_release(&m);
    model_release(&m);
    model_release(NULL);
}

/* Rows of other seasons do not change the model. */
static void test_training_rows_only(feature_table *t)
{
    learner_params p = test_params();
    model m;
    err e;
    for (int i = 0; i < ROWS; i++)
        if (t->season[i] == 2003) {
            t->won[i] = 1.0 - t->won[i];
            t->x[3 * ROWS + i] = -1000.0;
        }
    CHECK_INT(train(&m, t, 2001, 2002, &p, 1, &e), 0);
    CHECK_INT(model_write(&m, path_of("changed.json"), &e), 0);
    char *one = slurp(path_of("model.json")), *two = slurp(path_of("changed.json"));
    CHECK(one && two && strcmp(one, two) == 0);
    free(one);
    free(two);
    model_release(&m);
    CHECK_INT(train(&m, t, 1990, 1995, &p, 1, &e), -1);
    CHECK_INT(e.kind, ERR_DATA);
    CHECK(m.l.bag.trees == NULL);
    /* training seasons split by a row of another season: refused, naming
     * the order, not trained on the wrong rows */
    int mid = -1;
    for (int i = 0; i < ROWS && mid < 0; i++)
        if (t->season[i] == 2002)
            mid = i;
    t->season[mid] = 2003;
    CHECK_INT(train(&m, t, 2001, 2002, &p, 1, &e), -1);
    CHECK_INT(e.kind, ERR_DATA);
    CHECK(strstr(e.msg, "season order") != NULL);
    CHECK(m.l.bag.trees == NULL);
    t->season[mid] = 2002;
}

static void test_feature_check(feature_table *t)
{
    model m;
    err e;
    CHECK_INT(model_read(path_of("model.json"), &m, &e), 0);
    free(t->names[2]);
    t->names[2] = strdup("grid_position");
    CHECK_INT(model_check_features(&m, t, &e), -1);
    CHECK(strstr(e.msg, "'grid'") && strstr(e.msg, "'grid_position'"));
    free(t->names[2]);
    t->names[2] = strdup("grid");
    t->nfeat = NF - 1;
    CHECK_INT(model_check_features(&m, t, &e), -1);
    CHECK(strstr(e.msg, "4 features") != NULL);
    t->nfeat = NF;
    CHECK_INT(model_check_features(&m, t, &e), 0);
    model_release(&m);
}

static void expect_refused(const char *from, const char *to, const char *needle)
{
    model m;
    err e;
    err_clear(&e);
    CHECK_INT(rewrite(from, to, "bad.json"), 0);
    CHECK_INT(model_read(path_of("bad.json"), &m, &e), -1);
    CHECK_MSG(strstr(e.msg, needle) != NULL, "'%s' not in: %s", needle, e.msg);
    CHECK_INT(e.kind, ERR_DATA);
    CHECK(m.l.bag.trees == NULL && m.features == NULL);
}

/* expect_refused with the first number after `key` (tree 0's first
 * entry of that array) replaced by `to`. */
static void expect_first_refused(const char *key, const char *to, const char *needle)
{
    char *text = slurp(path_of("model.json"));
    char *at = text ? strstr(text, key) : NULL;
    if (at == NULL) {
        CHECK_MSG(0, "no %s in model.json", key);
        free(text);
        return;
    }
    at += strlen(key);
    size_t n = strcspn(at, ",]");
    char from[256], with[256];
    snprintf(from, sizeof from, "%s%.*s", key, (int)n, at);
    snprintf(with, sizeof with, "%s%s", key, to);
    free(text);
    expect_refused(from, with, needle);
}

static void test_refusals(void)
{
    expect_refused("\"format_version\":1", "\"format_version\":3",
                   "format version 3 is not a version (1 or 2)");
    expect_refused("\"format_version\":1", "\"format_version\":3", "rerun the train stage");
    /* format 2 names its learner */
    expect_refused("\"format_version\":1", "\"format_version\":2", "'learner'");
    expect_refused("\"f1-mlops-model\"", "\"pickle\"", "not an f1-mlops model");
    expect_refused("\"left\":[1,", "\"left\":[99,", "tree 0");
    expect_refused("\"n-estimators\":7", "\"n-estimators\":8", "8 trees");
    expect_refused("\"max-samples\":\"0.5\"", "\"max-samples\":\"1.5\"", "max-samples");
    expect_refused("\"seed\":\"18446744073709551615\"}", "\"seed\":\"-1\"}", "'seed'");
    expect_refused("\"seed\":\"18446744073709551615\"}", "\"seed\":\"1\"}", "differ");
    /* Numbers that are not finite (cJSON reads 1e999 as infinity) or not
     * plain decimal text. */
    expect_first_refused("\"threshold\":[", "1e999", "'threshold' entry 0 is not a finite");
    expect_first_refused("\"threshold\":[", "-1e999", "'threshold' entry 0 is not a finite");
    expect_first_refused("\"value\":[", "1e999", "'value' entry 0 is not a finite");
    expect_refused("\"max-samples\":\"0.5\"", "\"max-samples\":\"nan\"", "max-samples");
    expect_refused("\"max-samples\":\"0.5\"", "\"max-samples\":\"0x.8\"", "max-samples");
    expect_refused("\"max-features\":\"3\"", "\"max-features\":\"inf\"", "max-features");
    model m;
    err e;
    CHECK_INT(model_read(path_of("missing.json"), &m, &e), -1);

    /* Over MODEL_FILE_MAX (a sparse file: no disk used): refused before it
     * is read, naming the file and the cap. */
    FILE *f = fopen(path_of("huge.json"), "w");
    CHECK(f != NULL && ftruncate(fileno(f), (off_t)MODEL_FILE_MAX + 1) == 0);
    if (f != NULL)
        fclose(f);
    CHECK_INT(model_read(path_of("huge.json"), &m, &e), -1);
    CHECK_MSG(strstr(e.msg, "huge.json' is 268435457 bytes, over the 256 MiB") != NULL, "%s", e.msg);
    unlink(path_of("huge.json"));
    /* a FIFO: refused at once, never waited on */
    alarm(20);
    CHECK_INT(mkfifo(path_of("fifo.json"), 0644), 0);
    CHECK_INT(model_read(path_of("fifo.json"), &m, &e), -1);
    CHECK_MSG(strstr(e.msg, "fifo.json") && strstr(e.msg, "a FIFO"), "%s", e.msg);
    CHECK_INT(model_load(path_of("fifo.json"), FS_FOLLOW, &m, &e), -1);
    unlink(path_of("fifo.json"));
    alarm(0);
}

static void test_numfmt(void)
{
    char s[NUMFMT_MAX];
    CHECK_STR(numfmt_double(0.5, s), "0.5");
    CHECK_STR(numfmt_double(3.0, s), "3");
    CHECK_STR(numfmt_double(1.0 / 3.0, s), "0.3333333333333333");
    CHECK_STR(numfmt_double(0.1, s), "0.1");
    rng r = rng_stream(1, 1);
    int exact = 1;
    for (int i = 0; i < 20000; i++) {
        double v = (rng_double(&r) - 0.5) * pow(10.0, (double)rng_below(&r, 40) - 20.0);
        exact = exact && strtod(numfmt_double(v, s), NULL) == v;
    }
    CHECK(exact);
    cJSON *a = numfmt_json_array((double[]){0.25, 1.0 / 7.0}, 2);
    char *text = cJSON_PrintUnformatted(a);
    CHECK_STR(text, "[0.25,0.14285714285714285]");
    cJSON *back = cJSON_Parse(text);
    CHECK(cJSON_GetArrayItem(back, 1)->valuedouble == 1.0 / 7.0);
    free(text);
    cJSON_Delete(a);
    cJSON_Delete(back);
}

/* A v2 table (season, round, the 21 v2 features, some missing) of the
 * same races as t. */
static void make_v2(const feature_table *t, feature_table *v)
{
    err e;
    int nf = FEATURE_SET_V2_KEYS + FEATURES_V2_NFEAT;
    if (feature_table_alloc(v, ROWS, nf, &e) != 0)
        abort();
    v->names[0] = strdup("season");
    v->names[1] = strdup("round");
    for (int j = 0; j < FEATURES_V2_NFEAT; j++)
        v->names[j + 2] = strdup(features_v2_names[j]);
    rng r = rng_stream(5, 5);
    for (int i = 0; i < ROWS; i++) {
        v->driver_id[i] = strdup(t->driver_id[i]);
        v->season[i] = t->season[i];
        v->round[i] = t->round[i];
        v->won[i] = t->won[i];
        v->x[i] = t->season[i];
        v->x[ROWS + i] = t->round[i];
        for (int j = 2; j < nf; j++)
            v->x[(size_t)j * ROWS + i] =
                j == 9 && i % 5 == 0 ? NAN : rng_double(&r) + (j == 2 ? -t->won[i] : 0.0);
    }
}

/* clogit on v2: format 2 names learner and set; the loaded model scores
 * the same bits; a spec table is refused naming both sets; the grid-only
 * subset of v2 is a model too. */
static void test_clogit_v2(const feature_table *t)
{
    feature_table v = {0};
    make_v2(t, &v);
    learner_params p = {.kind = LEARNER_CLOGIT, .seed = 3, .clogit = clogit_params_default()};
    model m, back;
    err e;
    CHECK_INT(model_train(&m, &v, FEATURE_SET_V2, NULL, 0, 2001, 2002, &p, 1, &e), 0);
    CHECK_INT(m.nfeat, FEATURES_V2_NFEAT);
    CHECK_INT(model_write(&m, path_of("clogit.json"), &e), 0);
    char *text = slurp(path_of("clogit.json"));
    CHECK(text && strstr(text, "\"format_version\":2,\"tool_version\"") != NULL);
    CHECK(text && strstr(text, "\"learner\":\"clogit\",\"feature_set\":\"v2\"") != NULL);
    CHECK(text && strstr(text, "\"clogit\":{\"l2\":15,") != NULL);
    CHECK(text && strstr(text, "\"trees\"") == NULL);
    free(text);
    CHECK_INT(model_read(path_of("clogit.json"), &back, &e), 0);
    CHECK_INT(back.l.params.kind, LEARNER_CLOGIT);
    CHECK_INT(back.set, FEATURE_SET_V2);
    CHECK_INT(model_check_features(&back, &v, &e), 0);
    double a[ROWS], b[ROWS], pa[ROWS];
    CHECK_INT(model_score(&m, &v, 12, 12, a, pa, &e), 0);
    CHECK_INT(model_score(&back, &v, 12, 12, b, NULL, &e), 0);
    CHECK(memcmp(a, b, 12 * sizeof *a) == 0);
    double sum = 0.0;
    for (int i = 0; i < DRIVERS; i++)
        sum += pa[i];
    CHECK_NEAR(sum, 1.0, 1e-12); /* one race's probabilities */
    CHECK(model_seed(&back) == 3);
    CHECK_INT(model_check_features(&back, t, &e), -1);
    CHECK_MSG(strstr(e.msg, "v2 features") && strstr(e.msg, "spec features"), "%s", e.msg);
    model_release(&back);
    model_release(&m);
    /* The grid-only baseline: 7 named columns of the v2 table. */
    CHECK_INT(model_train(&m, &v, FEATURE_SET_V2, features_v2_names, FEATURE_SET_GRID_NFEAT,
                          2001, 2002, &p, 1, &e), 0);
    CHECK_INT(m.nfeat, FEATURE_SET_GRID_NFEAT);
    CHECK_INT(model_write(&m, path_of("grid.json"), &e), 0);
    CHECK_INT(model_read(path_of("grid.json"), &back, &e), 0);
    CHECK_INT(back.nfeat, FEATURE_SET_GRID_NFEAT);
    model_release(&back);
    model_release(&m);
    /* A v2 model naming a feature v2 does not have is refused. */
    text = slurp(path_of("grid.json"));
    char *at = text ? strstr(text, "\"g7_10\"") : NULL;
    if (at != NULL) {
        memcpy(at, "\"g7_11\"", 7);
        CHECK_INT(fs_write_atomic(path_of("bad-v2.json"), text, strlen(text), &e), 0);
        CHECK_INT(model_read(path_of("bad-v2.json"), &back, &e), -1);
        CHECK_MSG(strstr(e.msg, "'g7_11'") != NULL, "%s", e.msg);
    }
    CHECK(at != NULL);
    free(text);
    feature_table_release(&v);
}

int main(void)
{
    CHECK(mkdtemp(dir) != NULL);
    feature_table t = {0};
    make_table(&t);
    test_counts(&t);
    test_round_trip(&t);
    test_training_rows_only(&t);
    test_feature_check(&t);
    test_refusals();
    test_numfmt();
    test_clogit_v2(&t);
    feature_table_release(&t);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK_INT(system(cmd), 0);
    return check_done();
}
