/* Tests for the prepare stage (docs/pipeline.md §2, coverage.json of METRICS.md) and
 * the season resolution it shares with features: an embedded store in a
 * temp dir is filled with hand-made race documents (as the API nests
 * them) and weather records, and prepared.csv / coverage.json are checked
 * row by row: order by (season, round) numerically, rows in the API's
 * order, names, cleaning and categories, seasons kept, weather statuses.
 * Then: "latest", test-season, backtest, wikipedia=false, an empty store,
 * the features stage on the result (with and without the store), and
 * qualifying.csv from hand-made (and hostile) qualifying documents. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "config/config.h"
#include "core/buf.h"
#include "core/fsutil.h"
#include "core/jsonfile.h"
#include "core/log.h"
#include "data/feature_table.h"
#include "data/prepared.h"
#include "stages/registry.h"
#include "store/store.h"

/* One result entry as the API nests it. */
#define RESULT(pos, id, given, family, dob, nat, cid, cname, grid, laps, points, status)                \
    "{\"number\":\"1\",\"position\":\"" pos "\",\"positionText\":\"" pos "\",\"points\":\"" points "\"," \
    "\"Driver\":{\"driverId\":\"" id "\",\"givenName\":\"" given "\",\"familyName\":\"" family "\","    \
    "\"dateOfBirth\":\"" dob "\",\"nationality\":\"" nat "\"},"                                          \
    "\"Constructor\":{\"constructorId\":\"" cid "\",\"name\":\"" cname "\",\"nationality\":\"x\"},"      \
    "\"grid\":\"" grid "\",\"laps\":\"" laps "\",\"status\":\"" status "\",\"Time\":{\"millis\":\"1\"}}"

#define RACE(season, round, name, date, circuit, country, results)                                    \
    "{\"season\":\"" season "\",\"round\":\"" round "\",\"url\":\"http://en.wikipedia.org/wiki/x\","    \
    "\"raceName\":\"" name "\",\"date\":\"" date "\",\"time\":\"14:00:00Z\",\"Circuit\":{\"circuitId\":\"" \
    circuit "\",\"circuitName\":\"C\",\"Location\":{\"lat\":\"1\",\"long\":\"2\",\"locality\":\"L\","   \
    "\"country\":\"" country "\"}},\"Results\":[" results "]}"

/* Inserted out of order on purpose (round 10 before 2, 1999 in between). */
static const char *const race_docs[] = {
    RACE("2000", "10", "British Grand Prix", "2000-04-23", "silverstone", "UK",
         RESULT("1", "coulthard", "David", "Coulthard", "1971-03-27", "British", "mclaren", "McLaren",
                "4", "60", "10", "Finished") ","
         RESULT("2", "raikkonen", "Kimi", "R\\u00e4ikk\\u00f6nen", "1979-10-17", "Finnish", "sauber",
                "Team \\\"Q\\\", Ltd", "0", "12", "0.5", "Retired")),
    RACE("1999", "16", "Japanese Grand Prix", "1999-10-31", "suzuka", "Japan",
         RESULT("1", "hakkinen", "Mika", "H\\u00e4kkinen", "1968-09-28", "Finnish", "mclaren", "McLaren",
                "1", "53", "10", "Finished")),
    RACE("2000", "2", "Brazilian Grand Prix", "2000-03-26", "interlagos", "Brazil",
         RESULT("1", "michael_schumacher", "Michael", "Schumacher", "1969-01-03", "German", "ferrari",
                "Ferrari", "3", "71", "10", "Finished")),
    RACE("2001", "1", "Australian Grand Prix", "2001-03-04", "albert_park", "Australia",
         RESULT("1", "michael_schumacher", "Michael", "Schumacher", "1969-01-03", "German", "ferrari",
                "Ferrari", "1", "58", "10", "Finished")),
    RACE("2001", "2", "Malaysian Grand Prix", "2001-03-18", "sepang", "Malaysia",
         RESULT("1", "michael_schumacher", "Michael", "Schumacher", "1969-01-03", "German", "ferrari",
                "Ferrari", "1", "55", "10", "Finished")),
    /* API order within a race is kept even though it is not by grid. */
    /* Never in a table below: 1998 is before every run's first season,
     * and "02001" is not how the store keys season 2001. */
    RACE("1998", "3", "Argentine Grand Prix", "1998-04-12", "galvez", "Argentina",
         RESULT("1", "michael_schumacher", "Michael", "Schumacher", "1969-01-03", "German", "ferrari",
                "Ferrari", "2", "72", "10", "Finished")),
    RACE("02001", "3", "Brazilian Grand Prix", "2001-04-01", "interlagos", "Brazil",
         RESULT("1", "coulthard", "David", "Coulthard", "1971-03-27", "British", "mclaren", "McLaren",
                "5", "71", "10", "Finished")),
    RACE("2000", "1", "Australian Grand Prix", "2000-03-12", "albert_park", "Australia",
         RESULT("1", "michael_schumacher", "Michael", "Schumacher", "1969-01-03", "German", "ferrari",
                "Ferrari", "3", "58", "10", "Finished") ","
         RESULT("2", "barrichello", "Rubens", "Barrichello", "1972-05-23", "Brazilian", "ferrari",
                "Ferrari", "4", "58", "6", "Finished") ","
         RESULT("3", "ralf_schumacher", "Ralf", "Schumacher", "1975-06-30", "German", "williams",
                "Williams", "11", "57", "4", "+1 Lap")),
};

/* Weather: 2000/1 found (marker, no-break space, double space), 2000/2
 * missing, 2000/10 error, 2001/1 found (Italian with a [nb 2] marker),
 * 2001/2 none (the "02001" record is not season 2001's). */
static const char *const weather_docs[] = {
    "{\"season\":\"2000\",\"round\":\"1\",\"text\":\"Sunny[1]\\u00a0and  warm \",\"lang\":\"en\","
    "\"url\":\"u\",\"status\":\"found\"}",
    "{\"season\":\"2000\",\"round\":\"2\",\"text\":\"\",\"lang\":\"en\",\"url\":\"u\",\"status\":\"missing\"}",
    "{\"season\":\"2000\",\"round\":\"10\",\"text\":\"Sunny\",\"lang\":\"en\",\"url\":\"u\",\"status\":\"error\"}",
    "{\"season\":\"2001\",\"round\":\"1\",\"text\":\"Pioggia[nb 2]\",\"lang\":\"it\",\"url\":\"u\","
    "\"status\":\"found\"}",
    "{\"season\":\"02001\",\"round\":\"2\",\"text\":\"Rain\",\"lang\":\"en\",\"url\":\"u\","
    "\"status\":\"found\"}",
};

/* The whole file as a string ("" when unreadable); the caller frees it. */
static char *slurp(const char *path)
{
    buf b;
    err e;
    buf_init(&b, 0);
    if (fs_read_file(path, &b, &e) != 0 || b.data == NULL) {
        buf_release(&b);
        return strdup("");
    }
    return buf_detach(&b);
}

static void rm_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *de;
        while (d != NULL && (de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            char sub[1024];
            snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
            rm_tree(sub);
        }
        if (d != NULL)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static void put_docs(store *st, const char *coll, const char *const *docs, size_t n)
{
    err e;
    for (size_t i = 0; i < n; i++) {
        cJSON *doc = cJSON_Parse(docs[i]);
        CHECK_MSG(doc != NULL, "bad fixture %s %zu", coll, i);
        CHECK_INT(store_upsert(st, coll, doc, &e), 0);
        cJSON_Delete(doc);
    }
}

/* Loads a config from argv-style options after "x --data-dir dir". */
static int load_config(config *cfg, const char *dir, const char *const *opts, err *e)
{
    char *argv[16] = {"x", "--data-dir", (char *)dir};
    int argc = 3;
    for (; opts[argc - 3] != NULL; argc++)
        argv[argc] = (char *)opts[argc - 3];
    int help;
    return config_load(cfg, argc, argv, &help, e);
}

/* Runs prepare with the options over the store in dir. */
static int run_prepare(const char *dir, store *st, const char *const *opts, stage_ctx *ctx, config *cfg,
                       err *e)
{
    err_clear(e);
    if (load_config(cfg, dir, opts, e) != 0) {
        printf("config: %s\n", e->msg);
        return -2;
    }
    memset(ctx, 0, sizeof *ctx);
    ctx->cfg = cfg;
    ctx->st = st;
    return stage_prepare(ctx, e);
}

static void check_row(const prepared_row *r, int season, int round, const char *driver,
                      const char *weather_text, const char *weather)
{
    CHECK_INT(r->season, season);
    CHECK_INT(r->round, round);
    CHECK_STR(r->driver_id, driver);
    CHECK_STR(r->weather_text, weather_text);
    CHECK_STR(r->weather, weather);
}

static void test_prepare_rows(const char *dir, store *st)
{
    config cfg;
    stage_ctx ctx;
    err e;
    const char *opts[] = {"--seasons", "2000-2001", "--features", "spec", NULL};
    CHECK_INT(run_prepare(dir, st, opts, &ctx, &cfg, &e), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/prepared.csv", dir);
    prepared p;
    CHECK_INT(prepared_read(path, &p, &e), 0);
    CHECK_INT(p.n, 8);
    if (p.n == 8) {
        check_row(&p.rows[0], 2000, 1, "michael_schumacher", "Sunny and warm", "warm");
        check_row(&p.rows[1], 2000, 1, "barrichello", "Sunny and warm", "warm");
        check_row(&p.rows[2], 2000, 1, "ralf_schumacher", "Sunny and warm", "warm");
        check_row(&p.rows[3], 2000, 2, "michael_schumacher", "", "unknown");
        check_row(&p.rows[4], 2000, 10, "coulthard", "", "unknown");
        check_row(&p.rows[5], 2000, 10, "raikkonen", "", "unknown");
        check_row(&p.rows[6], 2001, 1, "michael_schumacher", "Pioggia", "wet");
        check_row(&p.rows[7], 2001, 2, "michael_schumacher", "", "unknown");
        const prepared_row *r = &p.rows[0];
        CHECK_STR(r->race_name, "Australian Grand Prix");
        CHECK_STR(r->race_date, "2000-03-12");
        CHECK_STR(r->driver_name, "Michael Schumacher");
        CHECK_STR(r->driver_dob, "1969-01-03");
        CHECK_STR(r->driver_nationality, "German");
        CHECK_STR(r->constructor_id, "ferrari");
        CHECK_STR(r->constructor_name, "Ferrari");
        CHECK_INT(r->grid, 3);
        CHECK_INT(r->position, 1);
        CHECK(r->points == 10);
        CHECK_INT(r->laps, 58);
        CHECK_STR(r->status, "Finished");
        CHECK_STR(r->circuit_id, "albert_park");
        CHECK_STR(r->country, "Australia");
        CHECK_STR(p.rows[2].status, "+1 Lap");
        CHECK_INT(p.rows[2].grid, 11);
        /* UTF-8 from \u escapes, a quoted constructor name, grid 0, 0.5 points. */
        r = &p.rows[5];
        CHECK_STR(r->driver_name, "Kimi R\xC3\xA4ikk\xC3\xB6nen");
        CHECK_STR(r->constructor_name, "Team \"Q\", Ltd");
        CHECK_INT(r->grid, 0);
        CHECK(r->points == 0.5);
        CHECK_STR(r->status, "Retired");
        CHECK_INT(r->position, 2);
    }
    prepared_release(&p);

    char *text = slurp(path);
    const char *head = "season,round,race_name,race_date,driver_id,driver_name,driver_dob,"
                       "driver_nationality,constructor_id,constructor_name,grid,position,points,laps,"
                       "status,circuit_id,country,weather_text,weather\n"
                       "2000,1,Australian Grand Prix,2000-03-12,michael_schumacher,Michael Schumacher,"
                       "1969-01-03,German,ferrari,Ferrari,3,1,10,58,Finished,albert_park,Australia,"
                       "Sunny and warm,warm\n";
    CHECK(strncmp(text, head, strlen(head)) == 0);
    CHECK(strstr(text, ",sauber,\"Team \"\"Q\"\", Ltd\",0,2,0.5,12,Retired,") != NULL);
    free(text);

    snprintf(path, sizeof path, "%s/coverage.json", dir);
    cJSON *cov = jsonfile_load(path, 0, &e);
    CHECK(cov != NULL);
    CHECK_INT(jsonfile_num(cov, "seasons.0", -1), 2000);
    CHECK_INT(jsonfile_num(cov, "seasons.1", -1), 2001);
    CHECK_INT(jsonfile_num(cov, "races", -1), 5);
    CHECK_INT(jsonfile_num(cov, "rows", -1), 8);
    CHECK_INT(jsonfile_num(cov, "weather.found", -1), 2);
    CHECK_INT(jsonfile_num(cov, "weather.missing", -1), 1);
    CHECK_INT(jsonfile_num(cov, "weather.error", -1), 1);
    CHECK_INT(jsonfile_num(cov, "weather.none", -1), 1);
    cJSON_Delete(cov);

    /* The features stage on it: training season 2000, all 8 rows. */
    CHECK_INT(stage_features(&ctx, &e), 0);
    snprintf(path, sizeof path, "%s/features.csv", dir);
    feature_table t;
    CHECK_INT(feature_table_read(path, &t, &e), 0);
    CHECK_INT(t.nrows, 8);
    CHECK_INT(t.nfeat, FEATURES_NFIXED);
    /* Schumacher's 2001 round 1 row (row 6): two earlier rows of his
     * (2000/1, 2000/2) -> experience 2, wins 2; ferrari: 3 earlier rows
     * (two cars in 2000/1). */
    if (t.nrows == 8) {
        CHECK_INT(t.x[3 * 8 + 6], 2);
        CHECK_INT(t.x[5 * 8 + 6], 2);
        CHECK_INT(t.x[4 * 8 + 6], 3);
        CHECK_INT(t.x[2 * 8 + 5], 2); /* raikkonen's grid 0 -> 2 rows */
    }
    feature_table_release(&t);
}

/* What each option set must give: the last season covered and the
 * coverage.json counts. */
static const struct {
    const char *opts[6];
    int first, last, races, rows, found, none;
} season_runs[] = {
    /* "latest" is the newest stored season. */
    {{"--seasons", "2000-latest"}, 2000, 2001, 5, 8, 2, 1},
    /* test-season 2000 of 1999-2001: 1999 and 2000 only (1999/16 has no
     * weather record). */
    {{"--seasons", "1999-2001", "--test-season", "2000"}, 1999, 2000, 4, 7, 1, 1},
    /* Backtesting: up to the last backtest season. */
    {{"--seasons", "1999-2001", "--backtest", "2000-2000"}, 1999, 2000, 4, 7, 1, 1},
    /* wikipedia=false: weather unknown whatever is stored (kept last: the
     * checks after the loop read its prepared.csv). */
    {{"--seasons", "2000-2001", "--wikipedia", "false"}, 2000, 2001, 5, 8, 0, 5},
};

static void test_seasons_options(const char *dir, store *st)
{
    config cfg;
    stage_ctx ctx;
    err e;
    char path[512];
    snprintf(path, sizeof path, "%s/coverage.json", dir);
    for (size_t k = 0; k < sizeof season_runs / sizeof season_runs[0]; k++) {
        CHECK_INT(run_prepare(dir, st, season_runs[k].opts, &ctx, &cfg, &e), 0);
        int last = 0;
        CHECK_INT(stage_test_last(&ctx, &last, &e), 0);
        CHECK_INT(last, season_runs[k].last);
        cJSON *cov = jsonfile_load(path, 0, &e);
        CHECK_INT(jsonfile_num(cov, "seasons.0", -1), season_runs[k].first);
        CHECK_INT(jsonfile_num(cov, "seasons.1", -1), season_runs[k].last);
        CHECK_INT(jsonfile_num(cov, "races", -1), season_runs[k].races);
        CHECK_INT(jsonfile_num(cov, "rows", -1), season_runs[k].rows);
        CHECK_INT(jsonfile_num(cov, "weather.found", -1), season_runs[k].found);
        CHECK_INT(jsonfile_num(cov, "weather.none", -1), season_runs[k].none);
        cJSON_Delete(cov);
    }
    prepared p;
    snprintf(path, sizeof path, "%s/prepared.csv", dir);
    CHECK_INT(prepared_read(path, &p, &e), 0);
    for (int i = 0; i < p.n; i++)
        CHECK_STR(p.rows[i].weather, "unknown");
    prepared_release(&p);

    /* Without the store (a later job), features resolves "latest" from
     * prepared.csv: 2001, so the training season is 2000. */
    const char *later[] = {"--seasons", "2000-latest", "--stages", "features", NULL};
    CHECK_INT(load_config(&cfg, dir, later, &e), 0);
    memset(&ctx, 0, sizeof ctx);
    ctx.cfg = &cfg;
    CHECK_INT(stage_features(&ctx, &e), 0);
    CHECK_INT(ctx.season_last, 2001);
}

/* Makes dir (a mkdtemp template) and opens an embedded store in it. */
static store *open_temp_store(char *dir)
{
    err e;
    CHECK(mkdtemp(dir) != NULL);
    store *st = store_open_dir(dir, &e);
    CHECK(st != NULL);
    return st;
}

static void test_empty_store(void)
{
    char dir[] = "/tmp/f1-test-prepare-empty.XXXXXX";
    err e;
    store *st = open_temp_store(dir);
    config cfg;
    stage_ctx ctx;
    const char *opts[] = {"--seasons", "2000-2001", NULL};
    CHECK_INT(run_prepare(dir, st, opts, &ctx, &cfg, &e), -1);
    CHECK_INT(e.kind, ERR_DATA);
    CHECK_MSG(strstr(e.msg, "source stage") != NULL, "msg: %s", e.msg);
    char path[512];
    snprintf(path, sizeof path, "%s/prepared.csv", dir);
    CHECK(!fs_exists(path));
    /* "latest" with nothing stored fails the same way. */
    const char *latest[] = {"--seasons", "2000-latest", NULL};
    CHECK_INT(run_prepare(dir, st, latest, &ctx, &cfg, &e), -1);
    CHECK_INT(e.kind, ERR_DATA);
    CHECK_MSG(strstr(e.msg, "source stage") != NULL, "msg: %s", e.msg);
    /* Features without prepared.csv (and without the store, as in a
     * later job) names the stage to run. */
    ctx.st = NULL;
    CHECK_INT(stage_features(&ctx, &e), -1);
    CHECK_MSG(strstr(e.msg, "prepare") != NULL, "msg: %s", e.msg);
    store_close(st);
    rm_tree(dir);
}

/* A store that counts the listings it forwards to another. */
typedef struct {
    store base;
    store *inner;
    int lists, filtered;
    char colls[64];
} counting_store;

static int count_list(store *s, const char *coll, const char *field, const char *value,
                      store_visit_fn fn, void *ctx, err *e)
{
    counting_store *c = (counting_store *)s;
    c->lists++;
    c->filtered += field != NULL;
    snprintf(c->colls + strlen(c->colls), sizeof c->colls - strlen(c->colls), "%s;", coll);
    return store_list(c->inner, coll, field, value, fn, ctx, e);
}

static int count_upsert(store *s, const char *coll, const cJSON *doc, err *e)
{
    return store_upsert(((counting_store *)s)->inner, coll, doc, e);
}

static int count_get(store *s, const char *coll, const char *const *key, cJSON **out, err *e)
{
    return store_get(((counting_store *)s)->inner, coll, key, out, e);
}

static int count_count(store *s, const char *coll, long *out, err *e)
{
    return store_count(((counting_store *)s)->inner, coll, out, e);
}

static void count_close(store *s)
{
    (void)s;
}

static const store_ops counting_ops = {.upsert = count_upsert,
                                       .put_new = count_upsert,
                                       .get = count_get,
                                       .list = count_list,
                                       .count = count_count,
                                       .close = count_close};

/* Each collection is listed once, unfiltered, whatever the number of
 * seasons: a filtered listing is a full scan on FerretDB. */
static void test_one_listing_each(const char *dir, store *st)
{
    const struct {
        const char *opts[6];
        int lists;
        const char *colls;
    } runs[] = {
        {{"--seasons", "1999-2001"}, 3, "weather;results;qualifying;"},
        {{"--seasons", "1999-2001", "--wikipedia", "false"}, 2, "results;qualifying;"},
    };
    for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) {
        counting_store c = {{&counting_ops, "counting"}, st, 0, 0, ""};
        config cfg;
        stage_ctx ctx;
        err e;
        CHECK_INT(run_prepare(dir, &c.base, runs[k].opts, &ctx, &cfg, &e), 0);
        CHECK_INT(c.lists, runs[k].lists);
        CHECK_INT(c.filtered, 0);
        CHECK_STR(c.colls, runs[k].colls);
    }
}

/* A race with a broken entry fails prepare when its season is covered,
 * naming season, round and entry, and is ignored otherwise. */
static void test_bad_entry(void)
{
    char dir[] = "/tmp/f1-test-prepare-bad.XXXXXX";
    err e;
    store *st = open_temp_store(dir);
    if (st == NULL)
        return;
    const char *races[] = {
        RACE("2000", "1", "Australian Grand Prix", "2000-03-12", "albert_park", "Australia",
             RESULT("1", "michael_schumacher", "Michael", "Schumacher", "1969-01-03", "German",
                    "ferrari", "Ferrari", "3", "58", "10", "Finished")),
        RACE("1990", "4", "San Marino Grand Prix", "1990-05-13", "imola", "Italy",
             RESULT("1", "patrese", "Riccardo", "Patrese", "1954-04-17", "Italian", "williams",
                    "Williams", "3", "61", "9", "Finished") ","
             RESULT("2", "", "Gerhard", "Berger", "1959-08-27", "Austrian", "mclaren", "McLaren",
                    "2", "61", "6", "Finished")),
    };
    put_docs(st, "results", races, 2);
    config cfg;
    stage_ctx ctx;
    const char *later[] = {"--seasons", "1999-2000", NULL};
    CHECK_INT(run_prepare(dir, st, later, &ctx, &cfg, &e), 0);
    const char *all[] = {"--seasons", "1990-2000", NULL};
    CHECK_INT(run_prepare(dir, st, all, &ctx, &cfg, &e), -1);
    CHECK_INT(e.kind, ERR_DATA);
    CHECK_MSG(strstr(e.msg, "1990 round 4: entry 2") != NULL, "msg: %s", e.msg);
    store_close(st);
    rm_tree(dir);
}

/* One qualifying document: a race with QualifyingResults entries. */
#define QUALI(season, round, entries) \
    "{\"season\":\"" season "\",\"round\":\"" round "\",\"raceName\":\"R\",\"QualifyingResults\":[" entries "]}"
#define QROW(pos, id, times) \
    "{\"number\":\"1\",\"position\":\"" pos "\",\"Driver\":{\"driverId\":\"" id "\"}," \
    "\"Constructor\":{\"constructorId\":\"c\"}" times "}"

/* qualifying.csv: the covered seasons' entries sorted, times in ms, a time
 * that is no lap time left out (and counted in a warning), a race without
 * results yet included; an entry without driverId or a driver twice fails. */
static void test_qualifying(void)
{
    char dir[] = "/tmp/f1-test-prepare-quali.XXXXXX";
    err e;
    store *st = open_temp_store(dir);
    if (st == NULL)
        return;
    const char *races[] = {RACE("2000", "1", "Australian Grand Prix", "2000-03-12", "albert_park",
                                "Australia",
                                RESULT("1", "michael_schumacher", "Michael", "Schumacher",
                                       "1969-01-03", "German", "ferrari", "Ferrari", "3", "58", "10",
                                       "Finished"))};
    put_docs(st, "results", races, 1);
    const char *quali[] = {
        QUALI("2000", "1",
              QROW("1", "michael_schumacher", ",\"Q1\":\"1:30.556\",\"Q2\":\"1:29.1\"") ","
              QROW("2", "barrichello", ",\"Q1\":\"1:2x.3\",\"Q2\":\"NaN\",\"Q3\":\"1:28.000\"") ","
              QROW("3", "coulthard", ",\"Q1\":90000,\"Q2\":\"0:00.000\",\"Q3\":\"99999:00.0\"")),
        QUALI("2000", "2", QROW("1", "hakkinen", ",\"Q1\":\"75.5\"")),
        QUALI("1999", "16", QROW("1", "hakkinen", ",\"Q1\":\"1:37.470\"")),
    };
    put_docs(st, "qualifying", quali, 3);
    config cfg;
    stage_ctx ctx;
    const char *opts[] = {"--seasons", "2000", NULL};
    CHECK_INT(run_prepare(dir, st, opts, &ctx, &cfg, &e), 0);
    char path[256];
    snprintf(path, sizeof path, "%s/qualifying.csv", dir);
    char *text = slurp(path);
    CHECK_STR(text, "season,round,driver_id,q1_ms,q2_ms,q3_ms\n"
                    "2000,1,barrichello,,,88000\n"
                    "2000,1,coulthard,,,\n"
                    "2000,1,michael_schumacher,90556,89100,\n"
                    "2000,2,hakkinen,75500,,\n");
    free(text);

    const char *no_id[] = {QUALI("2000", "3", QROW("1", "", ",\"Q1\":\"1:30.000\""))};
    put_docs(st, "qualifying", no_id, 1);
    CHECK_INT(run_prepare(dir, st, opts, &ctx, &cfg, &e), -1);
    CHECK_INT(e.kind, ERR_DATA);
    CHECK_MSG(strstr(e.msg, "qualifying of 2000 round 3: entry 1 has no driverId") != NULL, "msg: %s",
              e.msg);
    const char *twice[] = {QUALI("2000", "3", QROW("1", "a", "") "," QROW("2", "a", ""))};
    put_docs(st, "qualifying", twice, 1);
    CHECK_INT(run_prepare(dir, st, opts, &ctx, &cfg, &e), -1);
    CHECK_INT(e.kind, ERR_DATA);
    CHECK_MSG(strstr(e.msg, "driver 'a' has two entries in 2000 round 3") != NULL, "msg: %s", e.msg);
    store_close(st);
    rm_tree(dir);
}

int main(void)
{
    log_set_quiet(1);
    char dir[] = "/tmp/f1-test-prepare.XXXXXX";
    store *st = open_temp_store(dir);
    if (st != NULL) {
        put_docs(st, "results", race_docs, sizeof race_docs / sizeof race_docs[0]);
        put_docs(st, "weather", weather_docs, sizeof weather_docs / sizeof weather_docs[0]);
        test_prepare_rows(dir, st);
        test_seasons_options(dir, st);
        test_one_listing_each(dir, st);
    }
    store_close(st);
    rm_tree(dir);
    test_empty_store();
    test_bad_entry();
    test_qualifying();
    log_shutdown();
    return check_done();
}
