/* The `prepare` stage: store -> prepared.csv and coverage.json (docs/pipeline.md §2),
 * and qualifying.csv (prepare_qualifying.c).
 *
 * It lists each collection once, unfiltered: first `weather` (only when
 * input `wikipedia` is true), then `results` (races as the API nests them).
 * A filtered listing is a full collection scan on some MongoDB servers
 * (FerretDB), so listing season by season cost one scan per season.  The
 * visitors skip documents outside the seasons covered (from the first of
 * `seasons` to the test season, or the last backtest season) and keep only
 * what the rows need: a weather record's cleaned text and status, and a
 * race's rows, built at once into the table with the race's weather, so no
 * parsed document outlives its visit.  The races are then put in (season,
 * round) order (rows within a race stay in the API's order) by moving rows,
 * never copying them.  Weather text is used only from a `found` record and
 * only when `wikipedia` is true: with it false, weather is unknown whatever
 * an earlier run stored, so the same inputs give the same table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/fsutil.h"
#include "core/grow.h"
#include "core/jsonfile.h"
#include "core/log.h"
#include "data/bounds.h"
#include "data/prepared.h"
#include "data/result_row.h"
#include "data/weather.h"
#include "stages/prepare_qualifying.h"
#include "stages/stage.h"


/* Appended to an error about a stored document: how to get a good copy. */
#define REPAIR_HINT " (to repair: run source with input refresh: true, or delete the document)"

typedef enum { W_FOUND, W_MISSING, W_ERROR } weather_status;

/* What prepare needs of a weather record. */
typedef struct {
    int season, round;
    long seq;              /* listing order: the first of equal keys wins */
    char *text;            /* cleaned; NULL unless found */
    weather_status status;
} weather_rec;

/* A race whose rows are rows [first, first + n) of the table as listed. */
typedef struct {
    int season, round;
    long seq;
    int first, n;
    const weather_rec *weather; /* NULL = no record */
} race_ref;

/* Both listings' state.  Documents are kept when their season is in
 * [first, last]. */
typedef struct {
    int first, last;
    long seq;
    weather_rec *weather;
    int nweather, weather_alloc;
    race_ref *races;
    int nraces, races_alloc;
    prepared *p;
} listing;

/* Counts for coverage.json (write_coverage below). */
typedef struct {
    long races, rows, found, missing, error, none;
} coverage;

/* The document's season when it is in [l->first, l->last], else 0.  Only
 * the season as the store keys it matches: a string of digits without a
 * leading zero ("1950"), what a listing filtered on the string matched. */
static int wanted_season(const listing *l, const cJSON *doc)
{
    const char *s = jsonfile_str(doc, "season", "");
    int n = 0, i = 0;
    for (; s[i] >= '0' && s[i] <= '9' && i < 9; i++)
        n = n * 10 + (s[i] - '0');
    if (i == 0 || s[i] != '\0' || s[0] == '0')
        return 0;
    return n >= l->first && n <= l->last ? n : 0;
}

/* v (n elements of `size` bytes, room for *alloc) with room for one more:
 * v itself, or a larger copy (v is then freed); NULL when out of memory
 * (v is kept). */
static int collect_weather(const cJSON *doc, void *ctx, err *e)
{
    listing *l = ctx;
    int season = wanted_season(l, doc), round;
    if (season == 0 || jsonfile_int(doc, "round", &round) != 0)
        return 0; /* not covered, or a record no race can match */
    if (grow_array(&l->weather, &l->weather_alloc, l->nweather + 1, sizeof *l->weather, 256, e) != 0)
        return err_wrap(e, "prepare");
    const char *status = jsonfile_str(doc, "status", "");
    weather_rec w = {.season = season, .round = round, .seq = l->seq++, .status = W_ERROR};
    if (strcmp(status, "found") == 0) {
        w.status = W_FOUND;
        w.text = weather_clean(jsonfile_str(doc, "text", ""));
        if (w.text == NULL)
            return err_set(e, "prepare: out of memory");
    } else if (strcmp(status, "missing") == 0) {
        w.status = W_MISSING;
    } /* else `error`, or a status this version does not know */
    l->weather[l->nweather++] = w;
    return 0;
}

/* Orders by (season, round), then listing order. */
static int cmp_key(int s1, int r1, long q1, int s2, int r2, long q2)
{
    if (s1 != s2)
        return (s1 > s2) - (s1 < s2);
    if (r1 != r2)
        return (r1 > r2) - (r1 < r2);
    return (q1 > q2) - (q1 < q2);
}

static int cmp_weather(const void *a, const void *b)
{
    const weather_rec *x = a, *y = b;
    return cmp_key(x->season, x->round, x->seq, y->season, y->round, y->seq);
}

static int cmp_race(const void *a, const void *b)
{
    const race_ref *x = a, *y = b;
    return cmp_key(x->season, x->round, x->seq, y->season, y->round, y->seq);
}

/* The first listed record of (season, round), or NULL; l->weather is
 * sorted. */
static const weather_rec *find_weather(const listing *l, int season, int round)
{
    int lo = 0, hi = l->nweather;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        const weather_rec *w = &l->weather[mid];
        if (w->season < season || (w->season == season && w->round < round))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < l->nweather && l->weather[lo].season == season && l->weather[lo].round == round)
        return &l->weather[lo];
    return NULL;
}

/* "givenName familyName" into out (size n), cut to fit. */
static void full_name(const char *given, const char *family, char *out, size_t n)
{
    size_t g = strlen(given), f = strlen(family), o = 0;
    size_t take = g < n - 1 ? g : n - 1;
    memcpy(out, given, take);
    o = take;
    if (g > 0 && f > 0 && o < n - 1)
        out[o++] = ' ';
    take = f < n - 1 - o ? f : n - 1 - o;
    memcpy(out + o, family, take);
    out[o + take] = '\0';
}

/* Appends the rows of one race to the table.  The row's strings point into
 * the document; prepared_append copies them and never writes through
 * them. */
static int race_rows(const cJSON *race, int season, int round, const weather_rec *w, prepared *p,
                     err *e)
{
    const cJSON *circuit = cJSON_GetObjectItemCaseSensitive(race, "Circuit");
    const char *text = w != NULL && w->text != NULL ? w->text : "";
    const cJSON *location = cJSON_GetObjectItemCaseSensitive(circuit, "Location");
    prepared_row r = {
        .season = season,
        .round = round,
        .race_name = (char *)jsonfile_str(race, "raceName", ""),
        .race_date = (char *)jsonfile_str(race, "date", ""),
        .circuit_id = (char *)jsonfile_str(circuit, "circuitId", ""),
        .country = (char *)jsonfile_str(location, "country", ""),
        .weather_text = (char *)text,
        .weather = (char *)weather_category(text),
    };
    const cJSON *res;
    int k = 0;
    cJSON_ArrayForEach(res, cJSON_GetObjectItemCaseSensitive(race, "Results")) {
        k++;
        const cJSON *drv = cJSON_GetObjectItemCaseSensitive(res, "Driver");
        const cJSON *con = cJSON_GetObjectItemCaseSensitive(res, "Constructor");
        r.driver_id = (char *)jsonfile_str(drv, "driverId", "");
        r.constructor_id = (char *)jsonfile_str(con, "constructorId", "");
        result_nums nums;
        if (result_row_nums(res, &nums, e) != 0) {
            char why[ERR_MSG_MAX];
            snprintf(why, sizeof why, "%s", e->msg);
            return err_setk(e, ERR_DATA, "results of %d round %d, entry %d (driver '%.60s'): %.700s%s",
                            season, round, k, r.driver_id, why, REPAIR_HINT);
        }
        if (r.driver_id[0] == '\0' || r.constructor_id[0] == '\0')
            return err_setk(e, ERR_DATA,
                            "results of %d round %d: entry %d lacks a driverId or constructorId%s",
                            season, round, k, REPAIR_HINT);
        r.position = nums.position;
        r.grid = nums.grid;
        r.laps = nums.laps;
        r.points = nums.points;
        char name[512];
        full_name(jsonfile_str(drv, "givenName", ""), jsonfile_str(drv, "familyName", ""), name, sizeof name);
        r.driver_name = name;
        r.driver_dob = (char *)jsonfile_str(drv, "dateOfBirth", "");
        r.driver_nationality = (char *)jsonfile_str(drv, "nationality", "");
        r.constructor_name = (char *)jsonfile_str(con, "name", "");
        r.status = (char *)jsonfile_str(res, "status", "");
        if (prepared_append(p, &r, e) != 0)
            return -1;
    }
    return 0;
}

static int collect_race(const cJSON *doc, void *ctx, err *e)
{
    listing *l = ctx;
    int season = wanted_season(l, doc), round;
    if (season == 0)
        return 0;
    if (jsonfile_int_in(doc, "round", 1, F1_ROUND_MAX, &round, e) != 0)
        return err_setk(e, ERR_DATA, "results of season %d: a race has no valid round%s", season,
                        REPAIR_HINT);
    if (grow_array(&l->races, &l->races_alloc, l->nraces + 1, sizeof *l->races, 256, e) != 0)
        return err_wrap(e, "prepare");
    race_ref *r = &l->races[l->nraces];
    *r = (race_ref){season, round, l->seq++, l->p->n, 0, find_weather(l, season, round)};
    if (race_rows(doc, season, round, r->weather, l->p, e) != 0)
        return -1;
    r->n = l->p->n - r->first;
    l->nraces++;
    return 0;
}

static void listing_release(listing *l)
{
    for (int i = 0; i < l->nweather; i++)
        free(l->weather[i].text);
    free(l->weather);
    free(l->races);
}

static void count_weather(coverage *cov, const weather_rec *w)
{
    if (w == NULL)
        cov->none++;
    else if (w->status == W_FOUND)
        cov->found++;
    else if (w->status == W_MISSING)
        cov->missing++;
    else
        cov->error++;
}

/* Puts the table's rows in race order (l->races sorted) and counts the
 * coverage and the covered seasons without a race with rows (*empty, the
 * first of them in *first_empty). */
static int order_rows(listing *l, coverage *cov, int *empty, int *first_empty, err *e)
{
    int *order = malloc((size_t)(l->p->n ? l->p->n : 1) * sizeof *order);
    unsigned char *has_rows = calloc((size_t)(l->last - l->first + 1), 1);
    int rc = -1, o = 0;
    if (order == NULL || has_rows == NULL) {
        err_set(e, "prepare: out of memory");
        goto out;
    }
    for (int i = 0; i < l->nraces; i++) {
        const race_ref *r = &l->races[i];
        if (r->n == 0)
            continue; /* a race without results (not run yet) is no race of the table */
        for (int k = 0; k < r->n; k++)
            order[o++] = r->first + k;
        has_rows[r->season - l->first] = 1;
        cov->races++;
        count_weather(cov, r->weather);
    }
    *empty = 0;
    for (int s = l->first; s <= l->last; s++)
        if (!has_rows[s - l->first] && (*empty)++ == 0)
            *first_empty = s;
    rc = prepared_reorder(l->p, order, e);
out:
    free(order);
    free(has_rows);
    return rc;
}

/* Threads the store may list a collection on (store_list_parts). */
#define LIST_PARTS 4

/* Moves the weather records of parts[0..n) into l, numbering them in part
 * order (a part's records are the documents of one run of files). */
static int merge_weather(listing *l, listing *parts, int n, err *e)
{
    for (int k = 0; k < n; k++) {
        for (int i = 0; i < parts[k].nweather; i++) {
            if (grow_array(&l->weather, &l->weather_alloc, l->nweather + 1, sizeof *l->weather, 256, e) != 0)
                return err_wrap(e, "prepare");
            weather_rec *v = l->weather;
            v[l->nweather] = parts[k].weather[i];
            v[l->nweather].seq = l->seq++;
            l->nweather++;
            parts[k].weather[i].text = NULL; /* moved */
        }
    }
    return 0;
}

/* Moves the races and rows of parts[0..n) into l and l->p. */
static int merge_races(listing *l, listing *parts, int n, err *e)
{
    for (int k = 0; k < n; k++) {
        int offset = l->p->n;
        if (prepared_move_rows(l->p, parts[k].p, e) != 0)
            return -1;
        for (int i = 0; i < parts[k].nraces; i++) {
            if (grow_array(&l->races, &l->races_alloc, l->nraces + 1, sizeof *l->races, 256, e) != 0)
                return err_wrap(e, "prepare");
            race_ref *v = l->races;
            v[l->nraces] = parts[k].races[i];
            v[l->nraces].first += offset;
            v[l->nraces].seq = l->seq++;
            l->nraces++;
        }
    }
    return 0;
}

/* Lists the store and fills *p with the rows of seasons [first, last] in
 * (season, round) order.  Each collection is listed in parts on several
 * threads (each part with its own records and rows), then the parts are
 * put together and sorted, so the table does not depend on how the
 * documents were split. */
static int list_rows(stage_ctx *ctx, int first, int last, prepared *p, coverage *cov, int *empty,
                     int *first_empty, err *e)
{
    listing l = {.first = first, .last = last, .p = p};
    listing parts[LIST_PARTS];
    prepared tables[LIST_PARTS];
    void *ctxs[LIST_PARTS];
    memset(parts, 0, sizeof parts);
    memset(tables, 0, sizeof tables);
    for (int k = 0; k < LIST_PARTS; k++) {
        parts[k] = (listing){.first = first, .last = last, .p = &tables[k]};
        ctxs[k] = &parts[k];
    }
    int rc = -1, n = 0;
    if (ctx->cfg->wikipedia) {
        n = store_list_parts(ctx->st, "weather", LIST_PARTS, collect_weather, ctxs, e);
        if (n < 0 || merge_weather(&l, parts, n, e) != 0)
            goto out;
    }
    if (l.nweather > 1)
        qsort(l.weather, (size_t)l.nweather, sizeof *l.weather, cmp_weather);
    for (int k = 0; k < LIST_PARTS; k++) {
        listing_release(&parts[k]);
        parts[k] = (listing){.first = first, .last = last, .p = &tables[k],
                             .weather = l.weather, .nweather = l.nweather};
    }
    n = store_list_parts(ctx->st, "results", LIST_PARTS, collect_race, ctxs, e);
    if (n < 0 || merge_races(&l, parts, n, e) != 0)
        goto out;
    if (l.nraces > 1)
        qsort(l.races, (size_t)l.nraces, sizeof *l.races, cmp_race);
    rc = order_rows(&l, cov, empty, first_empty, e);
out:
    for (int k = 0; k < LIST_PARTS; k++) {
        if (parts[k].weather == l.weather) { /* shared: l frees it */
            parts[k].weather = NULL;
            parts[k].nweather = 0;
        }
        listing_release(&parts[k]);
        prepared_release(&tables[k]);
    }
    listing_release(&l);
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
    char path[CFG_STR_MAX + 64];
    stage_path(ctx, FILE_COVERAGE, path, sizeof path);
    int rc = ok ? jsonfile_write(path, root, JSONFILE_PRETTY, e) : err_set(e, "prepare: out of memory");
    cJSON_Delete(root);
    return rc;
}

/* Warns about each season in [first, last] that source recorded complete
 * with more races than the table has: a stored document was lost (the
 * next source run notices it too, and refetches the season). */
static void warn_lost(stage_ctx *ctx, const prepared *p, int first, int last)
{
    int i = 0;
    for (int season = first; season <= last; season++) {
        int races = 0;
        for (; i < p->n && p->rows[i].season <= season; i++)
            races += p->rows[i].season == season && (i == 0 || p->rows[i - 1].season != season ||
                                                     p->rows[i - 1].round != p->rows[i].round);
        char key[16];
        snprintf(key, sizeof key, "%d", season);
        const char *kv[] = {key};
        cJSON *doc = NULL;
        err ignored; /* an unreadable record: source reports it */
        int recorded = 0;
        if (store_get(ctx->st, "progress", kv, &doc, &ignored) == 0 &&
            strcmp(jsonfile_str(doc, "complete", ""), "true") == 0 &&
            jsonfile_int_in(doc, "races", 0, F1_ROUND_MAX, &recorded, &ignored) == 0 && races < recorded)
            log_warn("prepare: season %d has %d races with results in the store, %d when source "
                     "completed it (a document was lost?); run the source stage to refetch them",
                     season, races, recorded);
        cJSON_Delete(doc);
    }
}

int stage_prepare(stage_ctx *ctx, err *e)
{
    const config *c = ctx->cfg;
    if (ctx->st == NULL)
        return err_set(e, "prepare needs the store, which is not open");
    int last;
    if (stage_test_last(ctx, &last, e) != 0)
        return -1;
    prepared p;
    memset(&p, 0, sizeof p);
    coverage cov;
    memset(&cov, 0, sizeof cov);
    int rc = -1, empty = 0, first_empty = 0;
    if (list_rows(ctx, c->season_first, last, &p, &cov, &empty, &first_empty, e) != 0)
        goto out;
    cov.rows = p.n;
    if (p.n == 0) {
        err_setk(e, ERR_DATA, "no results are stored for seasons %d-%d (run the source stage first)",
                 c->season_first, last);
        goto out;
    }
    warn_lost(ctx, &p, c->season_first, last);
    if (empty > 0)
        log_warn("prepare: %d of the seasons %d-%d have no stored results (the first is %d); run the "
                 "source stage for them",
                 empty, c->season_first, last, first_empty);
    char path[CFG_STR_MAX + 64];
    long qualifying = 0;
    stage_path(ctx, FILE_PREPARED, path, sizeof path);
    if (prepared_write(&p, path, e) != 0 || write_coverage(ctx, c->season_first, last, &cov, e) != 0 ||
        prepare_qualifying(ctx, c->season_first, last, &qualifying, e) != 0)
        goto out;
    log_info("prepare: %ld races, %ld rows of seasons %d-%d -> %s; weather found %ld, missing %ld, "
             "error %ld, none %ld; %ld qualifying entries -> %s",
             cov.races, cov.rows, c->season_first, last, path, cov.found, cov.missing, cov.error,
             cov.none, qualifying, FILE_QUALIFYING);
    rc = 0;
out:
    prepared_release(&p);
    return rc;
}
