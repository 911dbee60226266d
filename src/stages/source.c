/* The `source` stage: API and Wikipedia -> store (docs/pipeline.md §1).
 *
 * Order: seasons (1 request: which seasons exist), the reference lists
 * (only when the store has none), schedules, results and qualifying (only
 * what is not stored yet), then weather (each race once, ever).  Every write is an
 * upsert by natural key, so an interrupted run leaves a consistent store
 * and the next run resumes; see source_results.c for how. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonfile.h"
#include "core/log.h"
#include "net/ergast.h"
#include "stages/source.h"

int source_put(source_run *r, const char *coll, const cJSON *doc, err *e)
{
    /* Most of what source writes is new: put_new is an upsert that costs
     * MongoDB servers an index insert instead of a search. */
    if (store_put_new(r->st, coll, doc, e) != 0)
        return -1;
    r->docs_written++;
    return 0;
}

typedef struct {
    source_run *r;
    source_page_fn fn;
    void *ctx;
} page_adapter;

/* fn's 0 (go on), 1 (stop) and -1 (error) are ergast_page_fn's own. */
static int adapt_page(ergast_page *page, void *ctx, err *e)
{
    page_adapter *a = ctx;
    return a->fn(a->r, page->items, page->offset, page->total, a->ctx, e);
}

int source_pages(source_run *r, const char *path, const ergast_kind *kind, long offset,
                 source_page_fn fn, void *ctx, long *total_out, err *e)
{
    page_adapter a = {r, fn, ctx};
    return ergast_fetch_all(r->api, r->cfg->api_base_url, path, kind, offset, adapt_page, &a, total_out,
                            e);
}

/* Collects the listed seasons; they are stored only once the requested
 * range is known to fit them (a bad input writes nothing). */
static int season_page(source_run *r, const cJSON *items, long offset, long total, void *ctx, err *e)
{
    (void)offset;
    (void)total;
    cJSON *keep = ctx;
    const cJSON *s;
    cJSON_ArrayForEach(s, items) {
        int season = 0;
        if (jsonfile_int(s, "season", &season) != 0 || season <= 0)
            continue;
        if (r->api_first == 0 || season < r->api_first)
            r->api_first = season;
        if (season > r->api_last)
            r->api_last = season;
        if (!cJSON_AddItemToArray(keep, cJSON_Duplicate(s, 1)))
            return err_set(e, "out of memory");
    }
    return 0;
}

static int check_range(source_run *r, err *e)
{
    if (r->api_last == 0)
        return err_setk(e, ERR_DATA, "input 'api-base-url': the API listed no seasons");
    const config *c = r->cfg;
    if (c->season_first > r->api_last || c->season_last > r->api_last)
        return err_setk(e, ERR_INPUT,
                        "input 'seasons': invalid value '%d-%d' (the API has seasons %d-%d)",
                        c->season_first, c->season_last ? c->season_last : r->api_last, r->api_first,
                        r->api_last);
    r->first = c->season_first < r->api_first ? r->api_first : c->season_first;
    r->last = c->season_last ? c->season_last : r->api_last;
    return 0;
}

int source_seasons(source_run *r, err *e)
{
    log_group_begin("seasons");
    cJSON *seasons = cJSON_CreateArray();
    int rc = seasons ? source_pages(r, "/seasons.json", &ergast_kind_seasons, 0, season_page, seasons,
                                    NULL, e)
                     : err_set(e, "out of memory");
    if (rc != 0 && e->kind == ERR_NETWORK)
        err_wrap(e, "input 'api-base-url': cannot read the API");
    if (rc == 0)
        rc = check_range(r, e);
    const cJSON *store_these = rc == 0 ? seasons : NULL;
    const cJSON *s;
    cJSON_ArrayForEach(s, store_these) {
        if (source_put(r, "seasons", s, e) != 0) {
            rc = -1;
            break;
        }
    }
    if (rc == 0)
        log_info("seasons: the API lists %d-%d", r->api_first, r->api_last);
    cJSON_Delete(seasons);
    log_group_end();
    return rc;
}

static int open_clients(source_run *r, err *e)
{
    http_opts o;
    http_opts_default(&o);
    o.per_second = r->cfg->api_rate_per_second;
    o.per_hour = r->cfg->api_rate_per_hour;
    r->api = http_new(&o, e);
    if (r->api == NULL)
        return -1;
    /* Wikipedia: serial and unpaced (one request at a time is the
     * etiquette), fewer retries: a failure is stored as `error` and
     * retried on the next run. */
    http_opts_default(&o);
    o.max_attempts = 3;
    /* Real articles are under 2 MB; gumbo's time grows with nesting, so a
     * hostile mirror's huge page must not reach it. */
    o.max_body = 8u << 20;
    r->wiki = http_new(&o, e);
    return r->wiki ? 0 : -1;
}

/* The latest season with stored results, for later stages' "latest". */
static void resolve_latest(source_run *r)
{
    for (int s = r->last; s >= r->first; s--) {
        char key[16];
        snprintf(key, sizeof key, "%d", s);
        const char *kv[] = {key};
        cJSON *doc = NULL;
        err ignored;
        if (store_get(r->st, "progress", kv, &doc, &ignored) == 0 && doc != NULL) {
            const cJSON *rows = cJSON_GetObjectItemCaseSensitive(doc, "rows");
            int has_rows = cJSON_GetNumberValue(rows) > 0;
            cJSON_Delete(doc);
            if (has_rows) {
                r->ctx->season_last = s;
                return;
            }
        }
    }
}

int stage_source(stage_ctx *ctx, err *e)
{
    source_run r = {.ctx = ctx, .cfg = ctx->cfg, .st = ctx->st};
    int rc = open_clients(&r, e);
    if (rc == 0)
        rc = source_seasons(&r, e);
    if (rc == 0)
        rc = source_lists(&r, e);
    if (rc == 0)
        rc = source_results(&r, e);
    if (rc == 0)
        rc = source_weather(&r, e);
    if (rc == 0)
        resolve_latest(&r);
    log_info("source: %ld API requests, %ld Wikipedia requests, %ld documents written, "
             "weather found %ld / missing %ld / error %ld",
             r.api ? http_request_count(r.api) : 0, r.wiki ? http_request_count(r.wiki) : 0,
             r.docs_written, r.weather_found, r.weather_missing, r.weather_error);
    http_free(r.api);
    http_free(r.wiki);
    return rc;
}
