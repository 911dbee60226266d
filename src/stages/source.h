/* source internals: what the parts of the `source` stage share.
 *
 * The stage (source.c) fills one source_run, then calls the parts in
 * order: reference lists (source_lists.c), schedules, results and
 * qualifying (source_results.c), weather (source_weather.c).  The run borrows the
 * store and config from the stage context and owns its two HTTP clients
 * (one paced for the API, one serial for Wikipedia). */
#ifndef F1_STAGES_SOURCE_H
#define F1_STAGES_SOURCE_H

#include <cjson/cJSON.h>

#include "net/ergast.h"
#include "net/http.h"
#include "stages/stage.h"

typedef struct {
    stage_ctx *ctx;
    const config *cfg;
    store *st;
    http_client *api;
    http_client *wiki;
    int api_first;      /* first and last season the API lists */
    int api_last;
    int first;          /* seasons this run sources */
    int last;
    int lists_fetched;  /* drivers/constructors/circuits fetched in full this run */
    long docs_written;
    long weather_found, weather_missing, weather_error;
} source_run;

/* Upserts doc and counts it. */
int source_put(source_run *r, const char *coll, const cJSON *doc, err *e);

/* Pages through the API's base + path (limit=100) from `offset`, calling fn
 * with each page's items, until offset reaches total or fn returns 1
 * (stop; not an error).  Pages advance by the rows `kind` counts.
 * *total_out (may be NULL) gets MRData.total. */
typedef int (*source_page_fn)(source_run *r, const cJSON *items, long offset, long total, void *ctx,
                              err *e);
int source_pages(source_run *r, const char *path, const ergast_kind *kind, long offset,
                 source_page_fn fn, void *ctx, long *total_out, err *e);

/* GET /seasons.json: stores seasons and sets api_first/api_last. */
int source_seasons(source_run *r, err *e);
/* Circuits, drivers and constructors in full when the store has none (or
 * on refresh); otherwise they come embedded in new races and results. */
int source_lists(source_run *r, err *e);
/* Schedules and results of every incomplete season in [first, last],
 * then the qualifying of every season whose qualifying is incomplete. */
int source_results(source_run *r, err *e);
/* Weather of every sourced race that has no stored record (or an error). */
int source_weather(source_run *r, err *e);

#endif
