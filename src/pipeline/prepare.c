/* The `prepare` stage: store -> prepared.csv and coverage.json (spec §2).
 *
 * Season by season, from the first of `seasons` to the test season (the
 * last backtest season when backtesting), it lists the season's `results`
 * documents (races as the API nests them) and `weather` records, orders
 * the races by round, and writes one row per entry of each race's Results
 * in the API's order.  Weather text is used only from a `found` record and
 * only when input `wikipedia` is true: with it false, weather is unknown
 * whatever an earlier run stored, so the same inputs give the same table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/fsutil.h"
#include "core/log.h"
#include "data/prepared.h"
#include "data/weather.h"
#include "pipeline/seasons.h"
#include "pipeline/stage.h"

#define FILE_COVERAGE "coverage.json"

/* One season's results documents (owned copies), sortable by round. */
typedef struct {
    int round;
    cJSON *doc;
} race_doc;

/* One season's weather records (what prepare needs of them). */
typedef struct {
    int round;
    char *text;       /* cleaned; NULL unless found */
    char status[16];  /* found, missing, error */
} weather_rec;

typedef struct {
    race_doc *races;
    int nraces, races_alloc;
    weather_rec *weather;
    int nweather, weather_alloc;
    int season;       /* the season listed, for messages */
} season_docs;

/* Counts for coverage.json (see /work/notes/METRICS.md). */
typedef struct {
    long races, rows, found, missing, error, none;
} coverage;

static const char *json_str(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* An integer given as the API's string ("3") or as a JSON number. */
static int json_int(const cJSON *obj, const char *name, int *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (cJSON_IsNumber(v)) {
        if (!(v->valuedouble >= -1e6 && v->valuedouble <= 1e6))
            return -1;
        *out = (int)v->valuedouble;
        return v->valuedouble == (double)*out ? 0 : -1;
    }
    if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
        return -1;
    char *end;
    long n = strtol(v->valuestring, &end, 10);
    if (*end != '\0' || n < -1000000 || n > 1000000)
        return -1;
    *out = (int)n;
    return 0;
}

static double json_double(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (cJSON_IsNumber(v))
        return v->valuedouble;
    return cJSON_IsString(v) ? strtod(v->valuestring, NULL) : 0.0;
}

static int collect_race(const cJSON *doc, void *ctx, err *e)
{
    season_docs *sd = ctx;
    int round;
    if (json_int(doc, "round", &round) != 0)
        return err_setk(e, ERR_DATA, "results of season %d: a race has no valid round", sd->season);
    if (sd->nraces == sd->races_alloc) {
        int n = sd->races_alloc ? sd->races_alloc * 2 : 32;
        race_doc *v = realloc(sd->races, (size_t)n * sizeof *v);
        if (v == NULL)
            return err_set(e, "prepare: out of memory");
        sd->races = v;
        sd->races_alloc = n;
    }
    cJSON *copy = cJSON_Duplicate(doc, 1);
    if (copy == NULL)
        return err_set(e, "prepare: out of memory");
    sd->races[sd->nraces++] = (race_doc){round, copy};
    return 0;
}

static int collect_weather(const cJSON *doc, void *ctx, err *e)
{
    season_docs *sd = ctx;
    int round;
    if (json_int(doc, "round", &round) != 0)
        return 0; /* a record no race can match */
    if (sd->nweather == sd->weather_alloc) {
        int n = sd->weather_alloc ? sd->weather_alloc * 2 : 32;
        weather_rec *v = realloc(sd->weather, (size_t)n * sizeof *v);
        if (v == NULL)
            return err_set(e, "prepare: out of memory");
        sd->weather = v;
        sd->weather_alloc = n;
    }
    weather_rec *w = &sd->weather[sd->nweather];
    w->round = round;
    w->text = NULL;
    snprintf(w->status, sizeof w->status, "%s", json_str(doc, "status"));
    if (strcmp(w->status, "found") == 0) {
        w->text = weather_clean(json_str(doc, "text"));
        if (w->text == NULL)
            return err_set(e, "prepare: out of memory");
    }
    sd->nweather++;
    return 0;
}

static void season_docs_release(season_docs *sd)
{
    for (int i = 0; i < sd->nraces; i++)
        cJSON_Delete(sd->races[i].doc);
    for (int i = 0; i < sd->nweather; i++)
        free(sd->weather[i].text);
    free(sd->races);
    free(sd->weather);
    memset(sd, 0, sizeof *sd);
}

static int cmp_round(const void *a, const void *b)
{
    int x = ((const race_doc *)a)->round, y = ((const race_doc *)b)->round;
    return (x > y) - (x < y);
}

static const weather_rec *find_weather(const season_docs *sd, int round)
{
    for (int i = 0; i < sd->nweather; i++)
        if (sd->weather[i].round == round)
            return &sd->weather[i];
    return NULL;
}

static void count_weather(coverage *cov, const weather_rec *w)
{
    if (w == NULL)
        cov->none++;
    else if (strcmp(w->status, "found") == 0)
        cov->found++;
    else if (strcmp(w->status, "missing") == 0)
        cov->missing++;
    else
        cov->error++; /* `error`, or a status this version does not know */
}

/* Appends the rows of one race.  The row's strings point into the
 * document; prepared_append copies them and never writes through them. */
static int race_rows(const cJSON *race, int season, int round, const weather_rec *w, prepared *p,
                     err *e)
{
    const cJSON *circuit = cJSON_GetObjectItemCaseSensitive(race, "Circuit");
    const char *text = w != NULL && w->text != NULL ? w->text : "";
    const cJSON *location = cJSON_GetObjectItemCaseSensitive(circuit, "Location");
    prepared_row r = {
        .season = season,
        .round = round,
        .race_name = (char *)json_str(race, "raceName"),
        .race_date = (char *)json_str(race, "date"),
        .circuit_id = (char *)json_str(circuit, "circuitId"),
        .country = (char *)json_str(location, "country"),
        .weather_text = (char *)text,
        .weather = (char *)weather_category(text),
    };
    const cJSON *res;
    int k = 0;
    cJSON_ArrayForEach(res, cJSON_GetObjectItemCaseSensitive(race, "Results")) {
        k++;
        const cJSON *drv = cJSON_GetObjectItemCaseSensitive(res, "Driver");
        const cJSON *con = cJSON_GetObjectItemCaseSensitive(res, "Constructor");
        r.driver_id = (char *)json_str(drv, "driverId");
        r.constructor_id = (char *)json_str(con, "constructorId");
        if (json_int(res, "position", &r.position) != 0 || r.driver_id[0] == '\0' ||
            r.constructor_id[0] == '\0')
            return err_setk(e, ERR_DATA,
                            "results of %d round %d: entry %d lacks a position, driverId or "
                            "constructorId (rerun source with refresh)",
                            season, round, k);
        const char *given = json_str(drv, "givenName"), *family = json_str(drv, "familyName");
        char name[512];
        snprintf(name, sizeof name, "%s%s%s", given, given[0] && family[0] ? " " : "", family);
        r.driver_name = name;
        r.driver_dob = (char *)json_str(drv, "dateOfBirth");
        r.driver_nationality = (char *)json_str(drv, "nationality");
        r.constructor_name = (char *)json_str(con, "name");
        /* grid and laps are always given by the API; 0 if not (a pit-lane
         * start for grid, which features then puts at the back). */
        if (json_int(res, "grid", &r.grid) != 0)
            r.grid = 0;
        if (json_int(res, "laps", &r.laps) != 0)
            r.laps = 0;
        r.points = json_double(res, "points");
        r.status = (char *)json_str(res, "status");
        if (prepared_append(p, &r, e) != 0)
            return -1;
    }
    return 0;
}

/* Lists one season and appends its rows; *found = races with rows. */
static int prepare_season(stage_ctx *ctx, int season, prepared *p, coverage *cov, int *found,
                          err *e)
{
    season_docs sd;
    memset(&sd, 0, sizeof sd);
    sd.season = season;
    char key[16];
    snprintf(key, sizeof key, "%d", season);
    int rc = -1;
    if (store_list(ctx->st, "results", "season", key, collect_race, &sd, e) != 0)
        goto out;
    if (ctx->cfg->wikipedia &&
        store_list(ctx->st, "weather", "season", key, collect_weather, &sd, e) != 0)
        goto out;
    if (sd.nraces > 1)
        qsort(sd.races, (size_t)sd.nraces, sizeof *sd.races, cmp_round);
    *found = 0;
    for (int i = 0; i < sd.nraces; i++) {
        int before = p->n;
        const weather_rec *w = find_weather(&sd, sd.races[i].round);
        if (race_rows(sd.races[i].doc, season, sd.races[i].round, w, p, e) != 0)
            goto out;
        if (p->n == before)
            continue; /* a race without results (not run yet) is no race of the table */
        cov->races++;
        count_weather(cov, w);
        (*found)++;
    }
    rc = 0;
out:
    season_docs_release(&sd);
    return rc;
}

static int write_coverage(const stage_ctx *ctx, int first, int last, const coverage *cov, err *e)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *seasons = cJSON_AddArrayToObject(root, "seasons");
    cJSON *w = cJSON_AddObjectToObject(root, "weather");
    int ok = root != NULL && seasons != NULL && w != NULL;
    ok = ok && cJSON_AddItemToArray(seasons, cJSON_CreateNumber(first));
    ok = ok && cJSON_AddItemToArray(seasons, cJSON_CreateNumber(last));
    ok = ok && cJSON_AddNumberToObject(root, "races", (double)cov->races) != NULL;
    ok = ok && cJSON_AddNumberToObject(root, "rows", (double)cov->rows) != NULL;
    ok = ok && cJSON_AddNumberToObject(w, "found", (double)cov->found) != NULL;
    ok = ok && cJSON_AddNumberToObject(w, "missing", (double)cov->missing) != NULL;
    ok = ok && cJSON_AddNumberToObject(w, "error", (double)cov->error) != NULL;
    ok = ok && cJSON_AddNumberToObject(w, "none", (double)cov->none) != NULL;
    char *text = ok ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (text == NULL)
        return err_set(e, "prepare: out of memory");
    char path[CFG_STR_MAX + 64];
    stage_path(ctx, FILE_COVERAGE, path, sizeof path);
    int rc = fs_write_atomic(path, text, strlen(text), e);
    free(text);
    return rc;
}

int stage_prepare(stage_ctx *ctx, err *e)
{
    const config *c = ctx->cfg;
    if (ctx->st == NULL)
        return err_set(e, "prepare needs the store, which is not open");
    int last;
    if (seasons_test_last(ctx, &last, e) != 0)
        return -1;
    prepared p;
    memset(&p, 0, sizeof p);
    coverage cov;
    memset(&cov, 0, sizeof cov);
    int rc = -1, empty = 0, first_empty = 0;
    for (int s = c->season_first; s <= last; s++) {
        int races;
        if (prepare_season(ctx, s, &p, &cov, &races, e) != 0)
            goto out;
        if (races == 0 && empty++ == 0)
            first_empty = s;
    }
    cov.rows = p.n;
    if (p.n == 0) {
        err_setk(e, ERR_DATA, "no results are stored for seasons %d-%d (run the source stage first)",
                 c->season_first, last);
        goto out;
    }
    if (empty > 0)
        log_warn("prepare: %d of the seasons %d-%d have no stored results (the first is %d); run the "
                 "source stage for them",
                 empty, c->season_first, last, first_empty);
    char path[CFG_STR_MAX + 64];
    stage_path(ctx, FILE_PREPARED, path, sizeof path);
    if (prepared_write(&p, path, e) != 0 || write_coverage(ctx, c->season_first, last, &cov, e) != 0)
        goto out;
    log_info("prepare: %ld races, %ld rows of seasons %d-%d -> %s; weather found %ld, missing %ld, "
             "error %ld, none %ld",
             cov.races, cov.rows, c->season_first, last, path, cov.found, cov.missing, cov.error,
             cov.none);
    rc = 0;
out:
    prepared_free(&p);
    return rc;
}
