#include "net/ergast.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ERGAST_URL_MAX 2048
#define ERGAST_DETAIL_MAX 300

const ergast_kind ergast_kind_seasons = {"SeasonTable", "Seasons", NULL};
const ergast_kind ergast_kind_circuits = {"CircuitTable", "Circuits", NULL};
const ergast_kind ergast_kind_drivers = {"DriverTable", "Drivers", NULL};
const ergast_kind ergast_kind_constructors = {"ConstructorTable", "Constructors", NULL};
const ergast_kind ergast_kind_races = {"RaceTable", "Races", NULL};
const ergast_kind ergast_kind_results = {"RaceTable", "Races", "Results"};
const ergast_kind ergast_kind_qualifying = {"RaceTable", "Races", "QualifyingResults"};

/* A count field of the envelope: a string of digits (the API's form) or a
 * whole non-negative number. */
static int envelope_count(const cJSON *mr, const char *name, long *out, err *e)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(mr, name);
    if (cJSON_IsString(v)) {
        const char *s = v->valuestring;
        char *end;
        errno = 0;
        long n = isdigit((unsigned char)s[0]) ? strtol(s, &end, 10) : -1;
        if (n >= 0 && errno == 0 && *end == '\0') {
            *out = n;
            return 0;
        }
    } else if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d >= 0 && d <= 1e15 && floor(d) == d) {
            *out = (long)d;
            return 0;
        }
    } else if (v == NULL) {
        return err_setk(e, ERR_DATA, "malformed API page: MRData has no '%s'", name);
    }
    return err_setk(e, ERR_DATA, "malformed API page: MRData.%s is not a non-negative integer", name);
}

long ergast_count_rows(const cJSON *items, const char *rows)
{
    if (rows == NULL)
        return cJSON_GetArraySize(items);
    long n = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, items)
    {
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(item, rows);
        if (cJSON_IsArray(r))
            n += cJSON_GetArraySize(r);
    }
    return n;
}

long ergast_count_results(const cJSON *races)
{
    return ergast_count_rows(races, "Results");
}

int ergast_parse_page(const char *json, size_t n, const ergast_kind *k, ergast_page *out, err *e)
{
    memset(out, 0, sizeof *out);
    cJSON *doc = cJSON_ParseWithLength(json, n);
    if (doc == NULL)
        return err_setk(e, ERR_DATA, "malformed API page: not JSON");
    int rc = -1;
    cJSON *mr = cJSON_GetObjectItemCaseSensitive(doc, "MRData");
    if (!cJSON_IsObject(mr)) {
        err_setk(e, ERR_DATA, "malformed API page: no MRData object");
        goto out;
    }
    if (envelope_count(mr, "total", &out->total, e) != 0 || envelope_count(mr, "offset", &out->offset, e) != 0 ||
        envelope_count(mr, "limit", &out->limit, e) != 0)
        goto out;
    cJSON *table = cJSON_GetObjectItemCaseSensitive(mr, k->table);
    cJSON *list = cJSON_GetObjectItemCaseSensitive(table, k->list);
    if (cJSON_IsArray(list)) {
        out->items = cJSON_DetachItemViaPointer(table, list);
    } else if (list == NULL && out->total == 0) {
        out->items = cJSON_CreateArray();
        if (out->items == NULL) {
            err_set(e, "out of memory");
            goto out;
        }
    } else {
        err_setk(e, ERR_DATA, "malformed API page: no %s.%s array", k->table, k->list);
        goto out;
    }
    out->rows = ergast_count_rows(out->items, k->rows);
    rc = 0;
out:
    cJSON_Delete(doc);
    return rc;
}

void ergast_page_release(ergast_page *p)
{
    if (p == NULL)
        return;
    cJSON_Delete(p->items);
    memset(p, 0, sizeof *p);
}

int ergast_page_url(const char *base, const char *path, long limit, long offset, char *out, size_t n,
                    err *e)
{
    size_t blen = strlen(base);
    if (blen > 0 && base[blen - 1] == '/' && path[0] == '/')
        blen--;
    const char *sep = strchr(path, '?') ? "&" : "?";
    int w = snprintf(out, n, "%.*s%s%slimit=%ld&offset=%ld", (int)blen, base, path, sep, limit, offset);
    if (w < 0 || (size_t)w >= n)
        return err_setk(e, ERR_INPUT, "API URL too long: '%s%s'", base, path);
    return 0;
}

/* The `valid` hook: a body is good when it parses as a page; the parsed
 * page is kept so the body is parsed once. */
typedef struct {
    const ergast_kind *kind;
    ergast_page page;
    err why;
} page_check;

static int page_valid(const buf *body, void *ctx)
{
    page_check *pc = ctx;
    ergast_page_release(&pc->page);
    return ergast_parse_page(body->data, body->len, pc->kind, &pc->page, &pc->why);
}

/* The API's own explanation of a refusal: {"detail": "..."}, else the
 * start of the body, on one line. */
static void refusal_detail(const buf *body, char *out, size_t n)
{
    out[0] = '\0';
    cJSON *doc = cJSON_ParseWithLength(body->data ? body->data : "", body->len);
    const char *detail = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "detail"));
    const char *src = detail ? detail : (body->data ? body->data : "");
    size_t o = 0;
    for (; *src && o + 1 < n; src++)
        out[o++] = (*src == '\n' || *src == '\r' || *src == '\t') ? ' ' : *src;
    out[o] = '\0';
    cJSON_Delete(doc);
}

int ergast_fetch_page(http_client *c, const char *base, const char *path, const ergast_kind *k,
                      long offset, long limit, ergast_page *out, err *e)
{
    memset(out, 0, sizeof *out);
    char url[ERGAST_URL_MAX];
    if (ergast_page_url(base, path, limit, offset, url, sizeof url, e) != 0)
        return -1;
    page_check pc = {.kind = k};
    err_clear(&pc.why);
    http_req r = {.url = url, .valid = page_valid, .valid_ctx = &pc};
    http_resp resp;
    if (http_do(c, &r, &resp, e) != 0) {
        if (pc.why.msg[0] != '\0') {
            char was[ERR_MSG_MAX];
            snprintf(was, sizeof was, "%s", e->msg);
            err_setk(e, ERR_NETWORK, "%s (last malformed body: %s)", was, pc.why.msg);
        }
        ergast_page_release(&pc.page);
        return -1;
    }
    int rc = 0;
    if (resp.status / 100 != 2) {
        char detail[ERGAST_DETAIL_MAX];
        refusal_detail(&resp.body, detail, sizeof detail);
        rc = err_setk(e, ERR_NETWORK, "GET %s: HTTP %ld%s%s", url, resp.status, detail[0] ? ": " : "",
                      detail);
        ergast_page_release(&pc.page);
    } else if (pc.page.offset != offset) {
        rc = err_setk(e, ERR_DATA, "GET %s: the API answered offset %ld", url, pc.page.offset);
        ergast_page_release(&pc.page);
    } else {
        *out = pc.page;
    }
    buf_release(&resp.body);
    return rc;
}

int ergast_fetch_all(http_client *c, const char *base, const char *path, const ergast_kind *k,
                     long start_offset, ergast_page_fn fn, void *ctx, long *total_out, err *e)
{
    long offset = start_offset, max_pages = 1;
    for (long pages = 1; pages <= max_pages; pages++) {
        ergast_page page;
        if (ergast_fetch_page(c, base, path, k, offset, ERGAST_PAGE_LIMIT, &page, e) != 0)
            return -1;
        if (pages == 1) {
            long per = page.limit > 0 ? page.limit : 1;
            max_pages = (page.total + per - 1) / per + 2;
        }
        long total = page.total, step = page.rows;
        if (total_out != NULL)
            *total_out = total;
        int rc = fn(&page, ctx, e);
        ergast_page_release(&page);
        if (rc != 0)
            return rc > 0 ? 0 : -1;
        if (offset + step >= total)
            return 0;
        if (step == 0)
            return err_setk(e, ERR_DATA, "%s%s: the page at offset %ld is empty although total is %ld",
                            base, path, offset, total);
        offset += step;
    }
    return err_setk(e, ERR_DATA, "%s%s: still not at total after %ld pages (offset %ld)", base, path,
                    max_pages, offset);
}

int ergast_same_race(const cJSON *a, const cJSON *b)
{
    const char *sa = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "season"));
    const char *ra = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "round"));
    const char *sb = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "season"));
    const char *rb = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "round"));
    return sa && ra && sb && rb && strcmp(sa, sb) == 0 && strcmp(ra, rb) == 0;
}

/* Appends every row of from[rows] to into[rows] (created when absent). */
static int move_rows(cJSON *into, cJSON *from, const char *rows, err *e)
{
    cJSON *src = cJSON_GetObjectItemCaseSensitive(from, rows);
    if (!cJSON_IsArray(src))
        return 0;
    cJSON *dst = cJSON_GetObjectItemCaseSensitive(into, rows);
    if (dst == NULL) {
        cJSON_AddItemToObject(into, rows, cJSON_DetachItemViaPointer(from, src));
        return 0;
    }
    if (!cJSON_IsArray(dst))
        return err_setk(e, ERR_DATA, "race field '%s' is not an array", rows);
    for (cJSON *row = cJSON_DetachItemFromArray(src, 0); row != NULL; row = cJSON_DetachItemFromArray(src, 0))
        cJSON_AddItemToArray(dst, row);
    return 0;
}

int ergast_merge_races(cJSON *into_races, cJSON *page_races, const char *rows, err *e)
{
    if (rows == NULL)
        rows = "Results";
    for (cJSON *race = cJSON_DetachItemFromArray(page_races, 0); race != NULL;
         race = cJSON_DetachItemFromArray(page_races, 0)) {
        if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(race, "season")) ||
            !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(race, "round"))) {
            cJSON_Delete(race);
            return err_setk(e, ERR_DATA, "an API race has no season or round");
        }
        cJSON *match = NULL, *r;
        cJSON_ArrayForEach(r, into_races)
        {
            if (ergast_same_race(r, race))
                match = r;
        }
        if (match == NULL) {
            cJSON_AddItemToArray(into_races, race);
            continue;
        }
        int rc = move_rows(match, race, rows, e);
        cJSON_Delete(race);
        if (rc != 0)
            return -1;
    }
    return 0;
}
