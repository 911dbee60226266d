/* ergast: pages of the Ergast-compatible F1 API (Jolpica), parsed.
 *
 * A request is <base><path>?limit=100&offset=N, base without a trailing
 * slash (https://api.jolpi.ca/ergast/f1), path like "/2024/results.json".
 * Every answer is an envelope
 *   {"MRData": {"limit": "30", "offset": "0", "total": "440",
 *               "<Table>": {"<List>": [items...]}}}
 * with limit/offset/total as JSON strings (numbers are accepted too).  Both
 * dialects parse alike: ergast.com's (`\/` escapes, raw UTF-8) and
 * Jolpica's (`\u00e9` escapes, empty xmlns); item values are kept exactly
 * as received (strings stay strings).
 *
 * The API's `limit` counts rows, and for results the rows are the entries
 * of each race's Results array, not races: one race can straddle two
 * pages.  An ergast_kind says which array is counted, so paging steps by
 * what the page really held and ergast_merge_races() joins the halves.
 *
 * Ownership: a page owns its items array until ergast_page_release();
 * callers may take it (set page->items = NULL).  Nothing here keeps state
 * between calls. */
#ifndef F1_NET_ERGAST_H
#define F1_NET_ERGAST_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/err.h"
#include "net/http.h"

/* The API's largest page (Jolpica cuts larger limits to it). */
#define ERGAST_PAGE_LIMIT 100

typedef struct {
    const char *table;  /* "RaceTable" */
    const char *list;   /* "Races" */
    const char *rows;   /* array inside each item that `limit` counts
                         * ("Results"), or NULL when it counts items */
} ergast_kind;

/* The kinds the pipeline reads (constants, never modified). */
extern const ergast_kind ergast_kind_seasons;      /* SeasonTable.Seasons */
extern const ergast_kind ergast_kind_circuits;     /* CircuitTable.Circuits */
extern const ergast_kind ergast_kind_drivers;      /* DriverTable.Drivers */
extern const ergast_kind ergast_kind_constructors; /* ConstructorTable.Constructors */
extern const ergast_kind ergast_kind_races;        /* RaceTable.Races (schedule) */
extern const ergast_kind ergast_kind_results;      /* RaceTable.Races[].Results */
extern const ergast_kind ergast_kind_qualifying;   /* RaceTable.Races[].QualifyingResults */

typedef struct {
    long total;     /* MRData.total: rows the whole query has */
    long offset;    /* MRData.offset */
    long limit;     /* MRData.limit as the server applied it */
    long rows;      /* rows this page holds, counted as the kind says */
    cJSON *items;   /* the detached <Table>.<List> array; owned */
} ergast_page;

/* Parses one API answer (n bytes, need not be NUL-terminated).  Returns 0
 * with *out filled, or -1 (ERR_DATA) when it is not JSON, has no MRData,
 * lacks total/offset/limit or they are not non-negative integers, or lacks
 * the kind's table/list while total > 0 (an empty query may omit them: the
 * items are then an empty array). */
int ergast_parse_page(const char *json, size_t n, const ergast_kind *k, ergast_page *out, err *e);

/* Frees the page's items (if still owned); the page becomes empty. */
void ergast_page_release(ergast_page *p);

/* Rows in an items array: items themselves when rows is NULL, else the
 * sum of the sizes of each item's `rows` array (absent = 0). */
long ergast_count_rows(const cJSON *items, const char *rows);

/* Result rows in a RaceTable.Races array (ergast_count_rows with "Results"). */
long ergast_count_results(const cJSON *races);

/* Writes <base><path>?limit=L&offset=O (or &limit=... when path already
 * has a query) into out.  Returns 0, or -1 when it does not fit. */
int ergast_page_url(const char *base, const char *path, long limit, long offset, char *out,
                    size_t n, err *e);

/* Fetches and parses one page.  A malformed 2xx body is refetched through
 * the client's retries first; what still fails names the URL.  Any non-2xx
 * answer fails at once (ERR_NETWORK) naming the URL, the status and the
 * API's {"detail": ...} when present.  The page's offset must be the one
 * asked for.  Returns 0 with *out filled (release it), or -1. */
int ergast_fetch_page(http_client *c, const char *base, const char *path, const ergast_kind *k,
                      long offset, long limit, ergast_page *out, err *e);

/* Called with each page in order; may take page->items.  Returns 0 to go
 * on, 1 to stop the paging early (not an error: it has what it wanted),
 * -1 (with e set) to stop it with that error. */
typedef int (*ergast_page_fn)(ergast_page *page, void *ctx, err *e);

/* Pages through a whole query from start_offset (0, or the rows already
 * stored, to resume), limit ERGAST_PAGE_LIMIT: the offset grows by each
 * page's rows until it reaches total.  fn sees every page, the first one
 * even when it is empty, so a resumed query with nothing new costs one
 * request.  At most ceil(total/limit) + 2 pages; a page with no rows
 * before total is reached is an error.  *total_out (may be NULL) gets the
 * last page's total.  Returns 0 (also when fn stopped it), or -1 on any
 * fetch, parse or fn error. */
int ergast_fetch_all(http_client *c, const char *base, const char *path, const ergast_kind *k,
                     long start_offset, ergast_page_fn fn, void *ctx, long *total_out, err *e);

/* Moves every race of page_races (a Races array) into into_races, joining
 * a race already there with the same (season, round): its `rows` array
 * (NULL = "Results") gets the page race's rows appended in order, the rest
 * of the page race is dropped.  page_races is left empty.  Returns 0, or
 * -1 (ERR_DATA) on a race without season or round (races before it are
 * already moved; the bad one is freed). */
int ergast_merge_races(cJSON *into_races, cJSON *page_races, const char *rows, err *e);

/* 1 when races a and b (API race objects) are the same race: equal
 * "season" and "round" strings, both present. */
int ergast_same_race(const cJSON *a, const cJSON *b);

#endif
