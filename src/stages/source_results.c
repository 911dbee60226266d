/* Schedules and results: the bulk of the API traffic.
 *
 * Two ways to fetch, chosen to spend the fewest requests:
 *   - sweep: the unfiltered /races.json and /results.json, paged from the
 *     start (a cold pull of all history: ~12 + ~272 pages instead of two or
 *     more queries per season).  Each race is stored once, whole, and the
 *     position is kept in the `meta` document "results_sweep", so a killed
 *     run resumes where it stopped (see sweep_page).
 *   - per season: /{season}.json and /{season}/results.json from offset =
 *     rows already stored, for the few incomplete seasons of a rerun.  A
 *     page's races are merged into the stored race by result row (same
 *     position and driver replaces, a new one is appended), so a page
 *     fetched twice never duplicates a row, and a race split across pages
 *     is joined.  A season is marked complete (`progress`) only when its last race
 * is in the past, every scheduled race has results and every row the API
 * has for it is stored; complete seasons are never fetched again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/jsonfile.h"
#include "core/log.h"
#include "stages/source.h"

#define SWEEP_KEY "results_sweep"
/* Below this many seasons to fetch, per-season queries cost less. */
#define SWEEP_MIN_SEASONS 8

/* A document's season, 0 when it has none (jsonfile_int's rule). */
static int season_of(const cJSON *doc)
{
    int season = 0;
    return jsonfile_int(doc, "season", &season) == 0 ? season : 0;
}

/* What a season looks like in the store, to judge whether it is complete. */
typedef struct {
    int scheduled;          /* races in the schedule */
    int with_results;       /* races with at least one result row */
    long rows;              /* result rows stored */
    char last_date[16];     /* date of the last scheduled race */
} season_state;

/* Seasons r->first..r->last as stored, state[season - r->first], read in
 * one pass over each collection: a listing filtered by season costs a full
 * scan on some servers (FerretDB), so per-season listings were quadratic. */
typedef struct {
    const source_run *r;
    season_state *state;
} season_table;

static season_state *season_slot(const season_table *t, const cJSON *doc)
{
    int season = season_of(doc);
    if (season < t->r->first || season > t->r->last)
        return NULL;
    return &t->state[season - t->r->first];
}

static int count_schedule(const cJSON *doc, void *ctx, err *e)
{
    (void)e;
    season_state *s = season_slot(ctx, doc);
    if (s == NULL)
        return 0;
    s->scheduled++;
    const char *d = jsonfile_str(doc, "date", "");
    if (strcmp(d, s->last_date) > 0)
        snprintf(s->last_date, sizeof s->last_date, "%s", d);
    return 0;
}

static int count_results(const cJSON *doc, void *ctx, err *e)
{
    (void)e;
    season_state *s = season_slot(ctx, doc);
    if (s == NULL)
        return 0;
    int n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "Results"));
    if (n > 0)
        s->with_results++;
    s->rows += n;
    return 0;
}

/* Returns a new array (free()) of r->last - r->first + 1 states, or NULL. */
static season_state *seasons_read(source_run *r, err *e)
{
    season_table t = {r, calloc((size_t)(r->last - r->first + 1), sizeof(season_state))};
    if (t.state == NULL) {
        err_set(e, "out of memory");
        return NULL;
    }
    if (store_list(r->st, "races", NULL, NULL, count_schedule, &t, e) != 0 ||
        store_list(r->st, "results", NULL, NULL, count_results, &t, e) != 0) {
        free(t.state);
        return NULL;
    }
    return t.state;
}

/* The season's progress record (*doc NULL when there is none). */
static int progress_get(source_run *r, int season, cJSON **doc, err *e)
{
    char key[16];
    snprintf(key, sizeof key, "%d", season);
    const char *kv[] = {key};
    *doc = NULL;
    return store_get(r->st, "progress", kv, doc, e);
}

static int season_is_complete(source_run *r, int season, err *e, int *complete)
{
    cJSON *doc = NULL;
    if (progress_get(r, season, &doc, e) != 0)
        return -1;
    *complete = doc != NULL && strcmp(jsonfile_str(doc, "complete", ""), "true") == 0;
    cJSON_Delete(doc);
    return 0;
}

static void today(char *out, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, n, "%Y-%m-%d", &tm);
}

/* Records whether `season` (stored as *s) is complete; `all_rows` says the
 * API has no rows for it beyond those stored. */
static int season_mark(source_run *r, int season, const season_state *s, int all_rows, err *e)
{
    char now[16];
    today(now, sizeof now);
    int complete = all_rows && s->scheduled > 0 && s->with_results == s->scheduled &&
                   strcmp(s->last_date, now) < 0;
    cJSON *doc = cJSON_CreateObject();
    char key[16];
    snprintf(key, sizeof key, "%d", season);
    cJSON_AddStringToObject(doc, "season", key);
    cJSON_AddStringToObject(doc, "complete", complete ? "true" : "false");
    cJSON_AddNumberToObject(doc, "rows", (double)s->rows);
    cJSON_AddNumberToObject(doc, "races", s->with_results);
    cJSON_AddNumberToObject(doc, "scheduled", s->scheduled);
    int rc = source_put(r, "progress", doc, e);
    cJSON_Delete(doc);
    return rc;
}

/* The reference objects a race or result carries, stored as they come when
 * the full lists were not fetched this run (new drivers, circuits...). */
static int put_embedded(source_run *r, const char *coll, const char *idfield, const cJSON *obj, err *e)
{
    if (r->lists_fetched || !cJSON_IsObject(obj))
        return 0;
    const char *kv[] = {jsonfile_str(obj, idfield, "")};
    cJSON *have = NULL;
    if (kv[0][0] == '\0' || store_get(r->st, coll, kv, &have, e) != 0)
        return kv[0][0] == '\0' ? 0 : -1;
    int rc = have ? 0 : source_put(r, coll, obj, e);
    cJSON_Delete(have);
    return rc;
}

/* A race as the schedule has it: everything but Results. */
static int put_schedule_race(source_run *r, const cJSON *race, err *e)
{
    cJSON *doc = cJSON_Duplicate(race, 1);
    if (doc == NULL)
        return err_set(e, "out of memory");
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "Results");
    int rc = source_put(r, "races", doc, e);
    if (rc == 0)
        rc = put_embedded(r, "circuits", "circuitId", cJSON_GetObjectItemCaseSensitive(race, "Circuit"), e);
    cJSON_Delete(doc);
    return rc;
}

static int in_range(const source_run *r, int season)
{
    return season >= r->first && season <= r->last;
}

static int schedule_page(source_run *r, const cJSON *items, long offset, long total, void *ctx, err *e)
{
    (void)offset;
    (void)total;
    (void)ctx;
    const cJSON *race;
    cJSON_ArrayForEach(race, items) {
        int season = season_of(race);
        if (season > r->last)
            return 1;
        if (in_range(r, season) && put_schedule_race(r, race, e) != 0)
            return -1;
    }
    return 0;
}

/* A result row's identity inside its race: position and driver (positions
 * repeat in a few old races with shared drives, and a driver can hold two
 * rows, but never the same position twice). */
static int same_row(const cJSON *a, const cJSON *b)
{
    const cJSON *da = cJSON_GetObjectItemCaseSensitive(a, "Driver");
    const cJSON *db = cJSON_GetObjectItemCaseSensitive(b, "Driver");
    return strcmp(jsonfile_str(a, "position", ""), jsonfile_str(b, "position", "")) == 0 &&
           strcmp(jsonfile_str(da, "driverId", ""), jsonfile_str(db, "driverId", "")) == 0;
}

/* Merges one page's race into its stored document (see the file comment). */
static int merge_race(source_run *r, const cJSON *race, err *e)
{
    const char *kv[] = {jsonfile_str(race, "season", ""), jsonfile_str(race, "round", "")};
    cJSON *doc = NULL;
    if (store_get(r->st, "results", kv, &doc, e) != 0)
        return -1;
    if (doc == NULL) {
        doc = cJSON_Duplicate(race, 1);
        if (doc == NULL)
            return err_set(e, "out of memory");
        if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(doc, "Results")))
            cJSON_AddItemToObject(doc, "Results", cJSON_CreateArray());
    } else {
        cJSON *have = cJSON_GetObjectItemCaseSensitive(doc, "Results");
        const cJSON *row;
        cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(race, "Results")) {
            int idx = 0, found = -1;
            const cJSON *old;
            cJSON_ArrayForEach(old, have) {
                if (same_row(old, row))
                    found = idx;
                idx++;
            }
            cJSON *copy = cJSON_Duplicate(row, 1);
            if (found >= 0)
                cJSON_ReplaceItemInArray(have, found, copy);
            else
                cJSON_AddItemToArray(have, copy);
        }
    }
    int rc = source_put(r, "results", doc, e);
    const cJSON *row;
    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(race, "Results")) {
        if (rc != 0)
            break;
        rc = put_embedded(r, "drivers", "driverId", cJSON_GetObjectItemCaseSensitive(row, "Driver"), e);
        if (rc == 0)
            rc = put_embedded(r, "constructors", "constructorId",
                              cJSON_GetObjectItemCaseSensitive(row, "Constructor"), e);
    }
    cJSON_Delete(doc);
    return rc;
}

typedef struct {
    long pages;
    cJSON *carry;       /* sweep: the race being collected, not yet stored */
    long carry_offset;  /* sweep: row offset of its first row */
} results_progress;

static void log_page(const results_progress *p, long done, long total, int last)
{
    if (p->pages % 10 == 0 || done >= total || last)
        log_info("results: %ld of %ld rows (%ld pages this run)", done, total, p->pages);
}

/* Per-season pages: each race is merged into what is stored. */
static int season_page(source_run *r, const cJSON *items, long offset, long total, void *ctx, err *e)
{
    results_progress *p = ctx;
    const cJSON *race;
    cJSON_ArrayForEach(race, items) {
        if (merge_race(r, race, e) != 0)
            return -1;
    }
    p->pages++;
    log_page(p, offset + ergast_count_results(items), total, 0);
    return 0;
}

static int sweep_cursor(source_run *r, long offset, long total, int finished, err *e)
{
    cJSON *cur = cJSON_CreateObject();
    cJSON_AddStringToObject(cur, "name", SWEEP_KEY);
    cJSON_AddNumberToObject(cur, "offset", (double)offset);
    cJSON_AddNumberToObject(cur, "total", (double)total);
    cJSON_AddNumberToObject(cur, "first", r->first);
    cJSON_AddNumberToObject(cur, "last", r->last);
    cJSON_AddBoolToObject(cur, "finished", finished);
    int rc = source_put(r, "meta", cur, e);
    cJSON_Delete(cur);
    return rc;
}

static int flush_carry(source_run *r, results_progress *p, err *e)
{
    if (p->carry == NULL)
        return 0;
    int rc = source_put(r, "results", p->carry, e);
    cJSON_Delete(p->carry);
    p->carry = NULL;
    return rc;
}

/* Sweep pages: a race is collected in memory until its last row has
 * arrived and then stored once, as a new document (cheap on every server).
 * The cursor always points at the first row not stored: the carried race's
 * first row, or the end of the page.  A run killed at any point refetches
 * from there; a race it had stored just before the kill is replaced whole. */
static int sweep_page(source_run *r, const cJSON *items, long offset, long total, void *ctx, err *e)
{
    results_progress *p = ctx;
    const cJSON *race;
    long at = offset;
    int stop = 0;
    cJSON_ArrayForEach(race, items) {
        const cJSON *rows = cJSON_GetObjectItemCaseSensitive(race, "Results");
        int season = season_of(race);
        if (season > r->last) {
            stop = 1;
            break;
        }
        if (p->carry != NULL && ergast_same_race(p->carry, race)) {
            cJSON *have = cJSON_GetObjectItemCaseSensitive(p->carry, "Results");
            const cJSON *row;
            cJSON_ArrayForEach(row, rows) {
                cJSON_AddItemToArray(have, cJSON_Duplicate(row, 1));
            }
        } else {
            if (flush_carry(r, p, e) != 0)
                return -1;
            if (in_range(r, season)) {
                p->carry = cJSON_Duplicate(race, 1);
                if (p->carry == NULL)
                    return err_set(e, "out of memory");
                p->carry_offset = at;
            }
        }
        at += cJSON_GetArraySize(rows);
    }
    p->pages++;
    if (stop || at >= total) {
        if (flush_carry(r, p, e) != 0)
            return -1;
    }
    if (sweep_cursor(r, p->carry ? p->carry_offset : at, total, 0, e) != 0)
        return -1;
    log_page(p, at, total, stop);
    return stop;
}

static int sweep_get(source_run *r, cJSON **cur, err *e)
{
    const char *kv[] = {SWEEP_KEY};
    return store_get(r->st, "meta", kv, cur, e);
}

/* Fetches everything in [first, last] with the unfiltered routes. */
static int sweep(source_run *r, long offset, err *e)
{
    log_group_begin("races");
    int rc = source_pages(r, "/races.json", &ergast_kind_races, 0, schedule_page, NULL, NULL, e);
    log_group_end();
    if (rc != 0)
        return -1;
    log_group_begin("results");
    log_info("results: all seasons %d-%d through /results.json from offset %ld", r->first, r->last, offset);
    results_progress p = {0};
    long total = 0;
    rc = source_pages(r, "/results.json", &ergast_kind_results, offset, sweep_page, &p, &total, e);
    cJSON_Delete(p.carry); /* only left over after an error */
    log_group_end();
    if (rc != 0)
        return -1;
    rc = sweep_cursor(r, total, total, 1, e);
    season_state *st = rc == 0 ? seasons_read(r, e) : NULL;
    if (st == NULL)
        return -1;
    for (int s = r->first; rc == 0 && s <= r->last; s++)
        rc = season_mark(r, s, &st[s - r->first], 1, e);
    free(st);
    return rc;
}

static int season_schedule(source_run *r, int season, err *e)
{
    char path[64];
    snprintf(path, sizeof path, "/%d.json", season);
    return source_pages(r, path, &ergast_kind_races, 0, schedule_page, NULL, NULL, e);
}

/* Rows of `season` stored when its progress was last recorded: a lower
 * bound of what is stored now (progress is written after the rows), so
 * fetching from there never skips a row, and merging makes any overlap
 * harmless.  Cheaper than counting the stored results, which means reading
 * every large results document. */
static int season_rows_recorded(source_run *r, int season, long *rows, err *e)
{
    cJSON *doc = NULL;
    if (progress_get(r, season, &doc, e) != 0)
        return -1;
    *rows = doc ? (long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(doc, "rows")) : 0;
    if (*rows < 0)
        *rows = 0;
    cJSON_Delete(doc);
    return 0;
}

/* Results of the todo seasons, each from the rows already stored. */
static int seasons_results(source_run *r, const int *todo, size_t ntodo, err *e)
{
    long *total = calloc(ntodo + 1, sizeof *total);
    int rc = total ? 0 : err_set(e, "out of memory");
    for (size_t i = 0; i < ntodo && rc == 0; i++) {
        long from = 0;
        rc = season_rows_recorded(r, todo[i], &from, e);
        char path[64];
        snprintf(path, sizeof path, "/%d/results.json", todo[i]);
        results_progress p = {0};
        if (rc == 0)
            rc = source_pages(r, path, &ergast_kind_results, from, season_page, &p, &total[i], e);
    }
    season_state *after = rc == 0 ? seasons_read(r, e) : NULL;
    for (size_t i = 0; i < ntodo && after != NULL && rc == 0; i++) {
        const season_state *s = &after[todo[i] - r->first];
        if (s->rows != total[i])
            log_warn("season %d: %ld result rows stored, the API reports %ld; not marked complete",
                     todo[i], s->rows, total[i]);
        rc = season_mark(r, todo[i], s, s->rows == total[i], e);
    }
    if (rc == 0 && after == NULL)
        rc = -1;
    free(after);
    free(total);
    return rc;
}

int source_results(source_run *r, err *e)
{
    int todo[256];
    int ntodo = 0;
    for (int s = r->first; s <= r->last && ntodo < 256; s++) {
        int complete = 0;
        if (!r->cfg->refresh && season_is_complete(r, s, e, &complete) != 0)
            return -1;
        if (!complete)
            todo[ntodo++] = s;
    }
    if (ntodo == 0) {
        log_info("results: seasons %d-%d complete in the store; nothing to fetch", r->first, r->last);
        return 0;
    }
    cJSON *cur = NULL;
    if (sweep_get(r, &cur, e) != 0)
        return -1;
    int first = 0, last = 0;
    int resumable = cur != NULL && !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cur, "finished")) &&
                    jsonfile_int(cur, "first", &first) == 0 && first == r->first &&
                    jsonfile_int(cur, "last", &last) == 0 && last == r->last;
    long offset = resumable ? (long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(cur, "offset")) : 0;
    cJSON_Delete(cur);
    long stored = 0;
    if (store_count(r->st, "results", &stored, e) != 0)
        return -1;
    /* The unfiltered routes start at the API's first season, so they pay
     * off only when the range starts there and nothing (or a resumable
     * sweep) is stored yet. */
    int cold = (stored == 0 || r->cfg->refresh) && r->first == r->api_first;
    if (resumable || (cold && ntodo >= SWEEP_MIN_SEASONS)) {
        if (resumable)
            log_info("results: resuming the interrupted pull at row %ld", offset);
        return sweep(r, offset, e);
    }
    log_group_begin("races");
    int rc = 0;
    for (int i = 0; i < ntodo && rc == 0; i++)
        rc = season_schedule(r, todo[i], e);
    log_group_end();
    log_group_begin("results");
    if (rc == 0)
        rc = seasons_results(r, todo, (size_t)ntodo, e);
    log_group_end();
    return rc;
}
