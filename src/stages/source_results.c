/* Schedules, results and qualifying: the bulk of the API traffic.
 *
 * Results and qualifying are both tables of rows nested in races
 * (Races[].Results, Races[].QualifyingResults) that the API pages by row,
 * so one set of code fetches both (a row_table says which), each into its
 * own collection, one document per race.  Two ways to fetch, chosen to
 * spend the fewest requests:
 *   - sweep: the unfiltered /races.json then /results.json (or just
 *     /qualifying.json), paged from the start (a cold pull of all history:
 *     ~12 + ~272 + ~109 pages instead of two or more queries per season and
 *     table).  Each race is stored once, whole, and the position is kept in
 *     a `meta` document ("results_sweep", "qualifying_sweep"), so a killed
 *     run resumes where it stopped (see sweep_page).
 *   - per season: /{season}.json and /{season}/results.json (or
 *     /{season}/qualifying.json) from offset = rows already stored, for the
 *     few incomplete seasons of a rerun.  A page's races are merged into the
 *     stored race by row (same position and driver replaces, a new one is
 *     appended), so a page fetched twice never duplicates a row, and a race
 *     split across pages is joined.
 * A season's results are marked complete (`progress`) only when its last
 * race is in the past, every scheduled race has results and every row the
 * API has for it is stored; its qualifying (`qualifying_progress`) when its
 * results are complete and every qualifying row the API has is stored (a
 * season before qualifying was recorded has none: total 0).  Complete
 * seasons are never fetched again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/jsonfile.h"
#include "core/log.h"
#include "data/bounds.h"
#include "data/result_row.h"
#include "stages/source.h"

/* Below this many seasons to fetch, per-season queries cost less. */
#define SWEEP_MIN_SEASONS 8

/* A table of per-race rows the API pages by row. */
typedef struct {
    const char *coll;         /* store collection, one document per race */
    const char *route;        /* API table: /{route}.json, /{season}/{route}.json */
    const ergast_kind *kind;  /* kind->rows: the races' array of rows */
    const char *progress;     /* collection of each season's progress */
    const char *sweep_key;    /* `meta` document of the unfiltered pull */
    int after_results;        /* complete only once the season's results are */
} row_table;

static const row_table RESULTS = {"results", "results", &ergast_kind_results, "progress",
                                  "results_sweep", 0};
static const row_table QUALIFYING = {"qualifying", "qualifying", &ergast_kind_qualifying,
                                     "qualifying_progress", "qualifying_sweep", 1};

/* A document's season, 0 when it has none (jsonfile_int's rule). */
static int season_of(const cJSON *doc)
{
    int season = 0;
    return jsonfile_int(doc, "season", &season) == 0 ? season : 0;
}

/* What a season looks like in the store, to judge whether it is complete. */
typedef struct {
    int scheduled;          /* races in the schedule */
    int with_rows;          /* races with at least one row of the table */
    long rows;              /* rows of the table stored */
    char last_date[16];     /* date of the last scheduled race */
} season_state;

/* Seasons r->first..r->last as stored, state[season - r->first], read in
 * one pass over each collection: a listing filtered by season costs a full
 * scan on some servers (FerretDB), so per-season listings were quadratic. */
typedef struct {
    const source_run *r;
    const row_table *t;
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

static int count_rows(const cJSON *doc, void *ctx, err *e)
{
    (void)e;
    const season_table *t = ctx;
    season_state *s = season_slot(t, doc);
    if (s == NULL)
        return 0;
    int n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, t->t->kind->rows));
    if (n > 0)
        s->with_rows++;
    s->rows += n;
    return 0;
}

/* Returns a new array (free()) of r->last - r->first + 1 states of table
 * t, or NULL. */
static season_state *seasons_read(source_run *r, const row_table *t, err *e)
{
    season_table st = {r, t, calloc((size_t)(r->last - r->first + 1), sizeof(season_state))};
    if (st.state == NULL) {
        err_set(e, "out of memory");
        return NULL;
    }
    if (store_list(r->st, "races", NULL, NULL, count_schedule, &st, e) != 0 ||
        store_list(r->st, t->coll, NULL, NULL, count_rows, &st, e) != 0) {
        free(st.state);
        return NULL;
    }
    return st.state;
}

/* The season's progress record of table t (*doc NULL when there is none). */
static int progress_get(source_run *r, const row_table *t, int season, cJSON **doc, err *e)
{
    char key[16];
    snprintf(key, sizeof key, "%d", season);
    const char *kv[] = {key};
    *doc = NULL;
    return store_get(r->st, t->progress, kv, doc, e);
}

/* *complete: whether table t's progress of the season says so; *races
 * (may be NULL): the races with rows it had then (0 when unknown). */
static int season_is_complete(source_run *r, const row_table *t, int season, err *e,
                              int *complete, int *races)
{
    cJSON *doc = NULL;
    if (progress_get(r, t, season, &doc, e) != 0)
        return -1;
    *complete = doc != NULL && strcmp(jsonfile_str(doc, "complete", ""), "true") == 0;
    err ignored; /* unreadable: the schedule count still applies */
    if (races != NULL && jsonfile_int_in(doc, "races", 0, F1_ROUND_MAX, races, &ignored) != 0)
        *races = 0;
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

/* Records whether table t of `season` (stored as *s) is complete;
 * `all_rows` says the API has no rows for it beyond those stored. */
static int season_mark(source_run *r, const row_table *t, int season, const season_state *s,
                       int all_rows, err *e)
{
    int complete = all_rows;
    if (t->after_results) {
        if (complete && season_is_complete(r, &RESULTS, season, e, &complete, NULL) != 0)
            return -1;
    } else {
        char now[16];
        today(now, sizeof now);
        complete = complete && s->scheduled > 0 && s->with_rows == s->scheduled &&
                   strcmp(s->last_date, now) < 0;
    }
    cJSON *doc = cJSON_CreateObject();
    char key[16];
    snprintf(key, sizeof key, "%d", season);
    cJSON_AddStringToObject(doc, "season", key);
    cJSON_AddStringToObject(doc, "complete", complete ? "true" : "false");
    cJSON_AddNumberToObject(doc, "rows", (double)s->rows);
    cJSON_AddNumberToObject(doc, "races", s->with_rows);
    cJSON_AddNumberToObject(doc, "scheduled", s->scheduled);
    int rc = source_put(r, t->progress, doc, e);
    cJSON_Delete(doc);
    return rc;
}

/* The reference objects a race or row carries, stored as they come when
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

/* The races of an API page and their rows (rows_key: "Results",
 * "QualifyingResults", or NULL for a schedule), checked before anything of
 * the page is stored: every number the API sends must be one, in its range
 * (data/bounds.h, data/result_row.h), so a "NaN" never reaches the store.
 * A bad page fails the run (exit 5) naming the race, the row and the
 * field.  (Qualifying times are text, read by prepare, which keeps a bad
 * one as "no time".) */
static int check_page(const char *what, const char *rows_key, const cJSON *items, long offset, err *e)
{
    const cJSON *race;
    cJSON_ArrayForEach(race, items) {
        int season, round, k = 0;
        if (result_race_key(race, &season, &round, e) != 0)
            return err_wrap(e, "the API's %s page at offset %ld: a race", what, offset);
        const cJSON *rows = rows_key ? cJSON_GetObjectItemCaseSensitive(race, rows_key) : NULL;
        const cJSON *row;
        cJSON_ArrayForEach(row, rows) {
            result_nums n;
            int position, rc;
            k++;
            if (strcmp(rows_key, "Results") == 0)
                rc = result_row_nums(row, &n, e);
            else
                rc = jsonfile_int_in(row, "position", 1, F1_POSITION_MAX, &position, e) < 0 ? -1 : 0;
            if (rc != 0)
                return err_wrap(e, "the API's %s page at offset %ld: %d round %d, entry %d", what, offset,
                                season, round, k);
        }
    }
    return 0;
}

static int in_range(const source_run *r, int season)
{
    return season >= r->first && season <= r->last;
}

static int schedule_page(source_run *r, const cJSON *items, long offset, long total, void *ctx, err *e)
{
    (void)total;
    (void)ctx;
    if (check_page("schedule", NULL, items, offset, e) != 0)
        return -1;
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

/* A row's identity inside its race: position and driver (result
 * positions repeat in a few old races with shared drives, and a driver can
 * hold two rows, but never the same position twice). */
static int same_row(const cJSON *a, const cJSON *b)
{
    const cJSON *da = cJSON_GetObjectItemCaseSensitive(a, "Driver");
    const cJSON *db = cJSON_GetObjectItemCaseSensitive(b, "Driver");
    return strcmp(jsonfile_str(a, "position", ""), jsonfile_str(b, "position", "")) == 0 &&
           strcmp(jsonfile_str(da, "driverId", ""), jsonfile_str(db, "driverId", "")) == 0;
}

/* Merges one page's race into its stored document of table t (see the
 * file comment).  replace: store the page's race as it is, without reading
 * the stored copy (refresh: that copy may be the corrupt one being
 * repaired). */
static int merge_race(source_run *r, const row_table *t, const cJSON *race, int replace, err *e)
{
    const char *kv[] = {jsonfile_str(race, "season", ""), jsonfile_str(race, "round", "")};
    const char *key = t->kind->rows;
    cJSON *doc = NULL;
    if (!replace && store_get(r->st, t->coll, kv, &doc, e) != 0)
        return -1;
    if (doc == NULL) {
        doc = cJSON_Duplicate(race, 1);
        if (doc == NULL)
            return err_set(e, "out of memory");
        if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(doc, key)))
            cJSON_AddItemToObject(doc, key, cJSON_CreateArray());
    } else {
        cJSON *have = cJSON_GetObjectItemCaseSensitive(doc, key);
        const cJSON *row;
        cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(race, key)) {
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
    int rc = source_put(r, t->coll, doc, e);
    const cJSON *row;
    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(race, key)) {
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
    const row_table *t;
    long pages;
    cJSON *carry;       /* sweep: the race being collected, not yet stored */
    long carry_offset;  /* sweep: row offset of its first row */
    int last_season, last_round; /* per season: the race merged last */
} rows_progress;

static void log_page(const rows_progress *p, long done, long total, int last)
{
    if (p->pages % 10 == 0 || done >= total || last)
        log_info("%s: %ld of %ld rows (%ld pages this run)", p->t->coll, done, total, p->pages);
}

/* Per-season pages: each race is merged into what is stored. */
static int season_page(source_run *r, const cJSON *items, long offset, long total, void *ctx, err *e)
{
    rows_progress *p = ctx;
    if (check_page(p->t->coll, p->t->kind->rows, items, offset, e) != 0)
        return -1;
    const cJSON *race;
    cJSON_ArrayForEach(race, items) {
        int season = 0, round = 0;
        result_race_key(race, &season, &round, e); /* checked by check_page */
        /* With refresh, a race met for the first time this run replaces
         * what is stored; its continuation on the next page merges. */
        int replace = r->cfg->refresh && (season != p->last_season || round != p->last_round);
        if (merge_race(r, p->t, race, replace, e) != 0)
            return -1;
        p->last_season = season;
        p->last_round = round;
    }
    p->pages++;
    log_page(p, offset + ergast_count_rows(items, p->t->kind->rows), total, 0);
    return 0;
}

static int sweep_cursor(source_run *r, const row_table *t, long offset, long total, int finished,
                        err *e)
{
    cJSON *cur = cJSON_CreateObject();
    cJSON_AddStringToObject(cur, "name", t->sweep_key);
    cJSON_AddNumberToObject(cur, "offset", (double)offset);
    cJSON_AddNumberToObject(cur, "total", (double)total);
    cJSON_AddNumberToObject(cur, "first", r->first);
    cJSON_AddNumberToObject(cur, "last", r->last);
    cJSON_AddBoolToObject(cur, "finished", finished);
    int rc = source_put(r, "meta", cur, e);
    cJSON_Delete(cur);
    return rc;
}

static int flush_carry(source_run *r, rows_progress *p, err *e)
{
    if (p->carry == NULL)
        return 0;
    int rc = source_put(r, p->t->coll, p->carry, e);
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
    rows_progress *p = ctx;
    const char *key = p->t->kind->rows;
    if (check_page(p->t->coll, key, items, offset, e) != 0)
        return -1;
    const cJSON *race;
    long at = offset;
    int stop = 0;
    cJSON_ArrayForEach(race, items) {
        const cJSON *rows = cJSON_GetObjectItemCaseSensitive(race, key);
        int season = season_of(race);
        if (season > r->last) {
            stop = 1;
            break;
        }
        if (p->carry != NULL && ergast_same_race(p->carry, race)) {
            cJSON *have = cJSON_GetObjectItemCaseSensitive(p->carry, key);
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
                if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(p->carry, key)))
                    cJSON_AddItemToObject(p->carry, key, cJSON_CreateArray());
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
    if (sweep_cursor(r, p->t, p->carry ? p->carry_offset : at, total, 0, e) != 0)
        return -1;
    log_page(p, at, total, stop);
    return stop;
}

/* Marks every todo season of table t; total[i] is the API's row count of
 * todo[i], or -1 when a sweep fetched all of them. */
static int seasons_mark(source_run *r, const row_table *t, const int *todo, size_t ntodo,
                        const long *total, err *e)
{
    season_state *after = seasons_read(r, t, e);
    if (after == NULL)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < ntodo && rc == 0; i++) {
        const season_state *s = &after[todo[i] - r->first];
        int all = total[i] < 0 || s->rows == total[i];
        if (!all)
            log_warn("season %d: %ld %s rows stored, the API reports %ld; not marked complete",
                     todo[i], s->rows, t->coll, total[i]);
        rc = season_mark(r, t, todo[i], s, all, e);
    }
    free(after);
    return rc;
}

/* Fetches table t's rows of every season in [first, last] with its
 * unfiltered route, from row `offset`. */
static int sweep(source_run *r, const row_table *t, const int *todo, size_t ntodo, long offset,
                 err *e)
{
    char path[64];
    snprintf(path, sizeof path, "/%s.json", t->route);
    log_info("%s: all seasons %d-%d through %s from offset %ld", t->coll, r->first, r->last, path,
             offset);
    rows_progress p = {.t = t};
    long total = 0;
    int rc = source_pages(r, path, t->kind, offset, sweep_page, &p, &total, e);
    cJSON_Delete(p.carry); /* only left over after an error */
    if (rc != 0)
        return -1;
    long *all = malloc((ntodo + 1) * sizeof *all);
    if (all == NULL)
        return err_set(e, "out of memory");
    for (size_t i = 0; i < ntodo; i++)
        all[i] = -1;
    rc = sweep_cursor(r, t, total, total, 1, e);
    if (rc == 0)
        rc = seasons_mark(r, t, todo, ntodo, all, e);
    free(all);
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
 * harmless.  Cheaper than counting the stored rows, which means reading
 * every large document.  A restored store is hostile: anything but a
 * whole number in range counts as nothing stored. */
static int season_rows_recorded(source_run *r, const row_table *t, int season, long *rows, err *e)
{
    cJSON *doc = NULL;
    if (progress_get(r, t, season, &doc, e) != 0)
        return -1;
    int n = 0;
    *rows = doc != NULL && jsonfile_int(doc, "rows", &n) == 0 && n > 0 ? n : 0;
    cJSON_Delete(doc);
    return 0;
}

/* Table t of the todo seasons, each from the rows already stored. */
static int seasons_rows(source_run *r, const row_table *t, const int *todo, size_t ntodo, err *e)
{
    long *total = calloc(ntodo + 1, sizeof *total);
    int rc = total ? 0 : err_set(e, "out of memory");
    for (size_t i = 0; i < ntodo && rc == 0; i++) {
        long from = 0;
        if (!r->cfg->refresh)
            rc = season_rows_recorded(r, t, todo[i], &from, e);
        char path[64];
        snprintf(path, sizeof path, "/%d/%s.json", todo[i], t->route);
        rows_progress p = {.t = t};
        if (rc == 0)
            rc = source_pages(r, path, t->kind, from, season_page, &p, &total[i], e);
    }
    if (rc == 0)
        rc = seasons_mark(r, t, todo, ntodo, total, e);
    free(total);
    return rc;
}

/* Reopens each complete season of [first, last] that has fewer races with
 * rows of table t in the store than its progress recorded (or, for
 * results, than its schedule has): a document was lost.  Its progress
 * becomes incomplete with 0 rows, so it is fetched again from its first
 * row, by this run and any later one.  recorded[k]: races of complete
 * season first + k, -1 if incomplete.  Appends the reopened seasons to
 * todo. */
static int reopen_lost(source_run *r, const row_table *t, const int *recorded, int *todo, int *ntodo,
                       err *e)
{
    season_state *st = seasons_read(r, t, e);
    if (st == NULL)
        return -1;
    int rc = 0;
    for (int s = r->first; s <= r->last && rc == 0; s++) {
        int k = s - r->first, expect = recorded[k];
        if (expect < 0)
            continue; /* not complete: fetched anyway */
        if (!t->after_results && st[k].scheduled > expect)
            expect = st[k].scheduled;
        if (st[k].with_rows >= expect)
            continue;
        log_warn("season %d: %d races with %s stored, %d expected (a document was lost?); fetching the "
                 "season again",
                 s, st[k].with_rows, t->coll, expect);
        season_state lost = st[k];
        lost.rows = 0;
        rc = season_mark(r, t, s, &lost, 0, e);
        todo[(*ntodo)++] = s;
    }
    free(st);
    return rc;
}

static int cmp_season(const void *a, const void *b)
{
    return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

/* The seasons of [first, last] whose table t is not complete (all of them
 * on refresh), or complete but missing a document, into todo (room for
 * 256), ascending. */
static int seasons_todo(source_run *r, const row_table *t, int *todo, int *ntodo, err *e)
{
    *ntodo = 0;
    int ncomplete = 0;
    int *recorded = malloc((size_t)(r->last - r->first + 1) * sizeof *recorded);
    if (recorded == NULL)
        return err_set(e, "out of memory");
    for (int s = r->first; s <= r->last && *ntodo < 256; s++) {
        int complete = 0, races = 0;
        if (!r->cfg->refresh && season_is_complete(r, t, s, e, &complete, &races) != 0) {
            free(recorded);
            return -1;
        }
        recorded[s - r->first] = complete ? races : -1;
        ncomplete += complete;
        if (!complete)
            todo[(*ntodo)++] = s;
    }
    int rc = ncomplete > 0 ? reopen_lost(r, t, recorded, todo, ntodo, e) : 0;
    free(recorded);
    qsort(todo, (size_t)*ntodo, sizeof *todo, cmp_season);
    return rc;
}

/* The resume offset of table t's sweep cursor cur into *offset: a whole
 * number in [0, total] and no more than the rows stored (every row before
 * the cursor is stored; the range starts at the API's first season).  The
 * cursor is a file anyone with the data-dir can edit: anything else
 * ("abc", null, -1, past total or past what is stored) starts a fresh
 * sweep from row 0 with a warning, never a negative offset or a silently
 * shortened range.  Returns 0, or -1 when the store cannot be read. */
static int sweep_offset(source_run *r, const row_table *t, const cJSON *cur, long *offset, err *e)
{
    int at = 0, total = 0;
    err why;
    err_clear(&why);
    *offset = 0;
    if (jsonfile_int_in(cur, "total", 0, JSONFILE_INT_MAX, &total, &why) != 0 ||
        jsonfile_int_in(cur, "offset", 0, total, &at, &why) != 0) {
        log_warn("meta document '%s': %s; starting a fresh sweep", t->sweep_key,
                 why.msg[0] ? why.msg : "no offset or total");
        return 0;
    }
    season_state *st = seasons_read(r, t, e);
    if (st == NULL)
        return -1;
    long stored = 0;
    for (int s = r->first; s <= r->last; s++)
        stored += st[s - r->first].rows;
    free(st);
    if (at > stored) {
        log_warn("meta document '%s': offset %d is past the %ld %s rows stored; starting a fresh sweep",
                 t->sweep_key, at, stored, t->coll);
        return 0;
    }
    *offset = at;
    return 0;
}

/* Whether to sweep table t, and from which row: a resumable sweep, or a
 * cold pull of enough seasons.  The unfiltered routes start at the API's
 * first season, so they pay off only when the range starts there and
 * nothing (or a resumable sweep) is stored yet. */
static int sweep_plan(source_run *r, const row_table *t, int ntodo, int *use, long *offset,
                      err *e)
{
    const char *kv[] = {t->sweep_key};
    cJSON *cur = NULL;
    /* refresh starts over without reading the old cursor (it may be the
     * corrupt document refresh is run to repair) */
    if (!r->cfg->refresh && store_get(r->st, "meta", kv, &cur, e) != 0)
        return -1;
    int first = 0, last = 0;
    long at = 0;
    int resumable = cur != NULL && !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cur, "finished")) &&
                    jsonfile_int(cur, "first", &first) == 0 && first == r->first &&
                    jsonfile_int(cur, "last", &last) == 0 && last == r->last;
    if (resumable && sweep_offset(r, t, cur, &at, e) != 0) {
        cJSON_Delete(cur);
        return -1;
    }
    cJSON_Delete(cur);
    long stored = 0;
    if (store_count(r->st, t->coll, &stored, e) != 0)
        return -1;
    int cold = (stored == 0 || r->cfg->refresh) && r->first == r->api_first;
    *use = resumable || (cold && ntodo >= SWEEP_MIN_SEASONS);
    *offset = resumable ? at : 0;
    if (resumable)
        log_info("%s: resuming the interrupted pull at row %ld", t->coll, *offset);
    return 0;
}

/* Table t of every incomplete season; with_schedule: their schedules
 * first (the results' completeness depends on them). */
static int fetch_table(source_run *r, const row_table *t, int with_schedule, err *e)
{
    int todo[256], ntodo = 0, use_sweep = 0;
    long offset = 0;
    if (seasons_todo(r, t, todo, &ntodo, e) != 0)
        return -1;
    if (ntodo == 0) {
        log_info("%s: seasons %d-%d complete in the store; nothing to fetch", t->coll, r->first,
                 r->last);
        return 0;
    }
    if (sweep_plan(r, t, ntodo, &use_sweep, &offset, e) != 0)
        return -1;
    int rc = 0;
    if (with_schedule) {
        log_group_begin("races");
        if (use_sweep)
            rc = source_pages(r, "/races.json", &ergast_kind_races, 0, schedule_page, NULL, NULL, e);
        for (int i = 0; i < ntodo && rc == 0 && !use_sweep; i++)
            rc = season_schedule(r, todo[i], e);
        log_group_end();
    }
    log_group_begin("%s", t->coll);
    if (rc == 0)
        rc = use_sweep ? sweep(r, t, todo, (size_t)ntodo, offset, e)
                       : seasons_rows(r, t, todo, (size_t)ntodo, e);
    log_group_end();
    return rc;
}

int source_results(source_run *r, err *e)
{
    if (fetch_table(r, &RESULTS, 1, e) != 0)
        return -1;
    return fetch_table(r, &QUALIFYING, 0, e);
}
