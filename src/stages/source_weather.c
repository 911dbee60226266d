/* Weather: each race's Wikipedia article, fetched serially and once ever.
 *
 * A race needs a fetch when it has been run but has no weather record, or its
 * record says `error` (the fetch failed; try again).  `found` and `missing`
 * are final (unless `refresh`).  Nothing is ever defaulted: a race whose
 * article has no weather row stays `missing`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/grow.h"
#include "core/jsonfile.h"
#include "core/log.h"
#include "net/wikipedia.h"
#include "stages/source.h"

typedef struct {
    int season;
    int round;
    char *url;
    int done;  /* a final weather record is stored */
} race_ref;

typedef struct {
    race_ref *v;
    int n;
    int alloc;
} race_list;

static void race_list_free(race_list *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i].url);
    free(l->v);
}

typedef struct {
    race_list *list;
    int first, last;
    char today[16];  /* YYYY-MM-DD: races on or after it have not been run */
} race_filter;

static int collect_race(const cJSON *doc, void *ctx, err *e)
{
    const race_filter *f = ctx;
    race_list *l = f->list;
    const cJSON *url = cJSON_GetObjectItemCaseSensitive(doc, "url");
    int season, round;
    if (jsonfile_int(doc, "season", &season) != 0 || jsonfile_int(doc, "round", &round) != 0 ||
        !cJSON_IsString(url))
        return 0;
    const cJSON *date = cJSON_GetObjectItemCaseSensitive(doc, "date");
    if (season < f->first || season > f->last || !cJSON_IsString(date) ||
        strcmp(date->valuestring, f->today) >= 0)
        return 0;
    if (grow_array(&l->v, &l->alloc, l->n + 1, sizeof *l->v, 256, e) != 0)
        return -1;
    char *copy = strdup(url->valuestring);
    if (copy == NULL)
        return err_set(e, "out of memory");
    l->v[l->n++] = (race_ref){season, round, copy, 0};
    return 0;
}

static int race_cmp(const void *a, const void *b)
{
    const race_ref *x = a, *y = b;
    return x->season != y->season ? x->season - y->season : x->round - y->round;
}

/* Marks the races whose stored record is final (found or missing): one
 * listing of the collection instead of one lookup per race. */
static int mark_final(const cJSON *doc, void *ctx, err *e)
{
    (void)e;
    race_list *l = ctx;
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(doc, "status");
    race_ref key = {0, 0, NULL, 0};
    if (!cJSON_IsString(st) || strcmp(st->valuestring, "error") == 0 ||
        jsonfile_int(doc, "season", &key.season) != 0 || jsonfile_int(doc, "round", &key.round) != 0)
        return 0;
    race_ref *hit = bsearch(&key, l->v, (size_t)l->n, sizeof *l->v, race_cmp);
    if (hit != NULL)
        hit->done = 1;
    return 0;
}

static int store_weather(source_run *r, const race_ref *race, const wiki_weather *w, err *e)
{
    char s[16], rd[16];
    snprintf(s, sizeof s, "%d", race->season);
    snprintf(rd, sizeof rd, "%d", race->round);
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "season", s);
    cJSON_AddStringToObject(doc, "round", rd);
    if (w->text)
        cJSON_AddStringToObject(doc, "text", w->text);
    else
        cJSON_AddNullToObject(doc, "text");
    cJSON_AddStringToObject(doc, "lang", w->lang);
    cJSON_AddStringToObject(doc, "url", w->url ? w->url : race->url);
    cJSON_AddStringToObject(doc, "status", w->status);
    int rc = source_put(r, "weather", doc, e);
    cJSON_Delete(doc);
    return rc;
}

static int fetch_one(source_run *r, const race_ref *race, err *e)
{
    wiki_weather w;
    /* A failed fetch comes back as status `error`; -1 here is a fault of
     * ours (memory) and stops the run. */
    if (wiki_fetch_weather(r->wiki, race->url, r->cfg->wikipedia_base_url, &w, e) != 0)
        return err_wrap(e, "weather of %d round %d", race->season, race->round);
    if (strcmp(w.status, "found") == 0)
        r->weather_found++;
    else if (strcmp(w.status, "missing") == 0)
        r->weather_missing++;
    else
        r->weather_error++;
    int rc = store_weather(r, race, &w, e);
    wiki_weather_release(&w);
    return rc;
}

int source_weather(source_run *r, err *e)
{
    log_group_begin("weather");
    if (!r->cfg->wikipedia) {
        log_info("weather: input 'wikipedia' is false; weather stays unknown");
        log_group_end();
        return 0;
    }
    race_list races = {0};
    /* Candidates come from the schedule (small documents): the races of the
     * range that have been run.  One listing, filtered here: a listing
     * filtered by season costs a full scan on some servers. */
    race_filter f = {&races, r->first, r->last, ""};
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(f.today, sizeof f.today, "%Y-%m-%d", &tm);
    int rc = store_list(r->st, "races", NULL, NULL, collect_race, &f, e);
    if (rc == 0)
        qsort(races.v, (size_t)races.n, sizeof *races.v, race_cmp);
    if (rc == 0 && !r->cfg->refresh)
        rc = store_list(r->st, "weather", NULL, NULL, mark_final, &races, e);
    int fetched = 0;
    for (int i = 0; i < races.n && rc == 0; i++) {
        if (races.v[i].done)
            continue;
        rc = fetch_one(r, &races.v[i], e);
        if (++fetched % 100 == 0)
            log_info("weather: %d articles read (found %ld, missing %ld, error %ld)", fetched,
                     r->weather_found, r->weather_missing, r->weather_error);
    }
    if (rc == 0)
        log_info("weather: %d races fetched, %d already stored", fetched, races.n - fetched);
    race_list_free(&races);
    log_group_end();
    return rc;
}
