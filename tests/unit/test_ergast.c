/* ergast: envelope parsing of real API fixtures (both dialects), row
 * counting, merging split races, paging against the loopback server (a
 * fixture cut into pages, resumption, refusals, broken bodies). */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/buf.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "http_fixture.h"
#include "net/ergast.h"

#define FIX "data/ergast-json/jolpica-f1-fixtures/"

static http_fixture srv;

/* Parses fixture `name` as kind k; returns its result. */
static int parse_fixture(const char *name, const ergast_kind *k, ergast_page *p, err *e)
{
    char path[512];
    snprintf(path, sizeof path, FIX "%s", name);
    buf b;
    buf_init(&b, 0);
    int rc = fs_read_file(path, &b, e);
    if (rc == 0)
        rc = ergast_parse_page(b.data, b.len, k, p, e);
    buf_release(&b);
    return rc;
}

static const char *str_at(const cJSON *o, const char *a, const char *b)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, a);
    if (b != NULL)
        x = cJSON_GetObjectItemCaseSensitive(x, b);
    return cJSON_GetStringValue(x);
}

static void test_results_page_jolpica(void)
{
    ergast_page p;
    err e;
    CHECK_INT(parse_fixture("results/2023@results.json", &ergast_kind_results, &p, &e), 0);
    CHECK_INT(p.total, 440);
    CHECK_INT(p.offset, 0);
    CHECK_INT(p.limit, 30);
    CHECK_INT(p.rows, 30);
    CHECK_INT(cJSON_GetArraySize(p.items), 2);
    CHECK_INT(ergast_count_results(p.items), 30);
    cJSON *r1 = cJSON_GetArrayItem(p.items, 0), *r2 = cJSON_GetArrayItem(p.items, 1);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(r1, "Results")), 20);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(r2, "Results")), 10);
    CHECK_STR(str_at(r1, "season", NULL), "2023");
    CHECK_STR(str_at(r1, "round", NULL), "1");
    CHECK_STR(str_at(r1, "raceName", NULL), "Bahrain Grand Prix");
    CHECK_STR(str_at(r1, "url", NULL), "https://en.wikipedia.org/wiki/2023_Bahrain_Grand_Prix");
    CHECK_STR(str_at(r1, "Circuit", "circuitId"), "bahrain");
    cJSON *win = cJSON_GetArrayItem(cJSON_GetObjectItem(r1, "Results"), 0);
    CHECK_STR(str_at(win, "Driver", "driverId"), "max_verstappen");
    CHECK_STR(str_at(win, "position", NULL), "1");
    CHECK_STR(str_at(win, "points", NULL), "25");
    CHECK_STR(str_at(win, "grid", NULL), "1");
    /* Jolpica's \u00e9 escape arrives as UTF-8. */
    cJSON *second = cJSON_GetArrayItem(cJSON_GetObjectItem(r1, "Results"), 1);
    CHECK_STR(str_at(second, "Driver", "familyName"), "P\xc3\xa9rez");
    cJSON *last = cJSON_GetArrayItem(cJSON_GetObjectItem(r2, "Results"), 9);
    CHECK_STR(str_at(last, "Driver", "familyName"), "Magnussen");
    CHECK_STR(str_at(r2, "round", NULL), "2");
    ergast_page_release(&p);
    CHECK(p.items == NULL);
    ergast_page_release(NULL);
}

static void test_ergast_com_dialect(void)
{
    ergast_page p;
    err e;
    CHECK_INT(parse_fixture("drivers/2023@1@drivers.json", &ergast_kind_drivers, &p, &e), 0);
    CHECK_INT(p.total, 20);
    CHECK_INT(p.rows, 20);
    int found = 0;
    cJSON *d;
    cJSON_ArrayForEach(d, p.items)
    {
        if (strcmp(str_at(d, "driverId", NULL), "hulkenberg") != 0)
            continue;
        found = 1;
        CHECK_STR(str_at(d, "familyName", NULL), "H\xc3\xbclkenberg");
        CHECK_STR(str_at(d, "url", NULL), "http://en.wikipedia.org/wiki/Nico_H%C3%BClkenberg");
        CHECK_STR(str_at(d, "permanentNumber", NULL), "27");
    }
    CHECK(found);
    ergast_page_release(&p);

    /* `\/` escapes and an offset page of results. */
    CHECK_INT(parse_fixture("results/constructors@brawn@results.json^offset=15", &ergast_kind_results, &p, &e), 0);
    CHECK_INT(p.total, 34);
    CHECK_INT(p.offset, 15);
    CHECK_INT(p.rows, 19);
    CHECK_INT(cJSON_GetArraySize(p.items), 10);
    cJSON *first = cJSON_GetArrayItem(p.items, 0);
    CHECK_STR(str_at(first, "url", NULL), "http://en.wikipedia.org/wiki/2009_British_Grand_Prix");
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(first, "Results")), 1);
    ergast_page_release(&p);

    struct {
        const char *file;
        const ergast_kind *kind;
        long total, rows;
    } lists[] = {
        {"drivers/2023@drivers.json", &ergast_kind_drivers, 22, 22},
        {"circuits/2023@circuits.json", &ergast_kind_circuits, 22, 22},
        {"constructors/2023@constructors.json", &ergast_kind_constructors, 10, 10},
        {"seasons/2023@seasons.json", &ergast_kind_seasons, 1, 1},
        {"races/2023.json", &ergast_kind_races, 22, 22},
        {"results/2023@status@1@results.json", &ergast_kind_results, 316, 30},
        {"qualifying/2023@13@qualifying.json", &ergast_kind_qualifying, 20, 20},
        {"results/2023@99@results.json", &ergast_kind_results, 0, 0},
        {"seasons/constructors@notexist@seasons.json", &ergast_kind_seasons, 0, 0},
    };
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        CHECK_MSG(parse_fixture(lists[i].file, lists[i].kind, &p, &e) == 0, "%s: %s", lists[i].file, e.msg);
        CHECK_MSG(p.total == lists[i].total, "%s total %ld", lists[i].file, p.total);
        CHECK_MSG(p.rows == lists[i].rows, "%s rows %ld", lists[i].file, p.rows);
        CHECK(cJSON_IsArray(p.items));
        ergast_page_release(&p);
    }
    CHECK_INT(parse_fixture("races/2023.json", &ergast_kind_races, &p, &e), 0);
    cJSON *r = cJSON_GetArrayItem(p.items, 0);
    CHECK_STR(str_at(r, "date", NULL), "2023-03-05");
    CHECK_STR(str_at(r, "Circuit", "circuitId"), "bahrain");
    ergast_page_release(&p);
}

static void test_malformed(void)
{
    ergast_page p;
    err e;
    const char *bad[] = {
        "not json",
        "{\"foo\": 1}",
        "{\"MRData\": {\"limit\": \"30\", \"offset\": \"0\", \"RaceTable\": {\"Races\": []}}}",
        "{\"MRData\": {\"limit\": \"30\", \"offset\": \"0\", \"total\": \"\", \"RaceTable\": {\"Races\": []}}}",
        "{\"MRData\": {\"limit\": \"30\", \"offset\": \"0\", \"total\": \"-4\", \"RaceTable\": {\"Races\": []}}}",
        "{\"MRData\": {\"limit\": \"30\", \"offset\": \"0\", \"total\": 2.5, \"RaceTable\": {\"Races\": []}}}",
        "{\"MRData\": {\"limit\": \"30\", \"offset\": \"0\", \"total\": \"3\"}}",
        "{\"MRData\": {\"limit\": \"30\", \"offset\": \"0\", \"total\": \"3\", \"RaceTable\": {\"Races\": {}}}}",
        "{\"MRData\": {\"limit\": \"30\", \"total\": \"0\"}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_MSG(ergast_parse_page(bad[i], strlen(bad[i]), &ergast_kind_results, &p, &e) == -1, "accepted %s",
                  bad[i]);
        CHECK_INT(e.kind, ERR_DATA);
        CHECK(p.items == NULL);
    }
    CHECK_INT(ergast_parse_page(bad[2], strlen(bad[2]), &ergast_kind_results, &p, &e), -1);
    CHECK(strstr(e.msg, "total") != NULL);
    /* Numbers for the counts, and an empty query without its table. */
    const char *ok = "{\"MRData\": {\"limit\": 30, \"offset\": 0, \"total\": 0}}";
    CHECK_INT(ergast_parse_page(ok, strlen(ok), &ergast_kind_results, &p, &e), 0);
    CHECK_INT(p.total, 0);
    CHECK_INT(p.limit, 30);
    CHECK_INT(cJSON_GetArraySize(p.items), 0);
    ergast_page_release(&p);
    /* Length-bounded: the bytes after n are not read. */
    const char *trailing = "{\"MRData\": {\"limit\": \"1\", \"offset\": \"0\", \"total\": \"0\"}}GARBAGE";
    CHECK_INT(ergast_parse_page(trailing, strlen(trailing) - 7, &ergast_kind_results, &p, &e), 0);
    ergast_page_release(&p);
}

static cJSON *race(const char *season, const char *round, int first, int n)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "season", season);
    cJSON_AddStringToObject(r, "round", round);
    cJSON *res = cJSON_AddArrayToObject(r, "Results");
    for (int i = 0; i < n; i++) {
        char pos[16];
        snprintf(pos, sizeof pos, "%d", first + i);
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "position", pos);
        cJSON_AddItemToArray(res, row);
    }
    return r;
}

static void test_merge(void)
{
    err e;
    cJSON *into = cJSON_CreateArray();
    cJSON_AddItemToArray(into, race("2023", "1", 1, 5));
    cJSON *page = cJSON_CreateArray();
    cJSON_AddItemToArray(page, race("2023", "1", 6, 15));
    cJSON_AddItemToArray(page, race("2023", "2", 1, 10));
    CHECK_INT(ergast_merge_races(into, page, NULL, &e), 0);
    CHECK_INT(cJSON_GetArraySize(page), 0);
    CHECK_INT(cJSON_GetArraySize(into), 2);
    CHECK_INT(ergast_count_results(into), 30);
    cJSON *res = cJSON_GetObjectItem(cJSON_GetArrayItem(into, 0), "Results");
    CHECK_INT(cJSON_GetArraySize(res), 20);
    int in_order = 1;
    for (int i = 0; i < 20; i++) {
        char pos[16];
        snprintf(pos, sizeof pos, "%d", i + 1);
        in_order &= strcmp(str_at(cJSON_GetArrayItem(res, i), "position", NULL), pos) == 0;
    }
    CHECK(in_order);
    /* Same round, other season: a different race. */
    cJSON_AddItemToArray(page, race("2024", "1", 1, 3));
    CHECK_INT(ergast_merge_races(into, page, "Results", &e), 0);
    CHECK_INT(cJSON_GetArraySize(into), 3);
    /* Qualifying rows merge the same way. */
    cJSON *q1 = cJSON_CreateObject(), *q2 = cJSON_CreateObject();
    cJSON_AddStringToObject(q1, "season", "2024");
    cJSON_AddStringToObject(q1, "round", "1");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(q1, "QualifyingResults"), cJSON_CreateString("a"));
    cJSON_AddStringToObject(q2, "season", "2024");
    cJSON_AddStringToObject(q2, "round", "1");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(q2, "QualifyingResults"), cJSON_CreateString("b"));
    cJSON *qi = cJSON_CreateArray(), *qp = cJSON_CreateArray();
    cJSON_AddItemToArray(qi, q1);
    cJSON_AddItemToArray(qp, q2);
    CHECK_INT(ergast_merge_races(qi, qp, "QualifyingResults", &e), 0);
    CHECK_INT(ergast_count_rows(qi, "QualifyingResults"), 2);
    CHECK_INT(cJSON_GetArraySize(qi), 1);
    cJSON_Delete(qi);
    cJSON_Delete(qp);
    /* A race without its key is refused. */
    cJSON *bad = cJSON_CreateObject();
    cJSON_AddStringToObject(bad, "season", "2023");
    cJSON_AddItemToArray(page, bad);
    CHECK_INT(ergast_merge_races(into, page, NULL, &e), -1);
    CHECK_INT(e.kind, ERR_DATA);
    cJSON_Delete(into);
    cJSON_Delete(page);
}

static void test_page_url(void)
{
    char u[256];
    err e;
    CHECK_INT(ergast_page_url("https://api.jolpi.ca/ergast/f1", "/2024/results.json", 100, 200, u, sizeof u, &e), 0);
    CHECK_STR(u, "https://api.jolpi.ca/ergast/f1/2024/results.json?limit=100&offset=200");
    CHECK_INT(ergast_page_url("https://api.jolpi.ca/ergast/f1/", "/seasons.json", 100, 0, u, sizeof u, &e), 0);
    CHECK_STR(u, "https://api.jolpi.ca/ergast/f1/seasons.json?limit=100&offset=0");
    CHECK_INT(ergast_page_url("http://h", "/x.json?a=b", 5, 7, u, sizeof u, &e), 0);
    CHECK_STR(u, "http://h/x.json?a=b&limit=5&offset=7");
    CHECK_INT(ergast_page_url("http://h", "/x.json", 5, 7, u, 10, &e), -1);
}

typedef struct {
    cJSON *races;
    int pages;
    long offsets[16];
    long rows;
    int fail_at;  /* page number whose callback fails, 0 = none */
    int stop_at;  /* page number after which the callback stops (1), 0 = none */
} collect;

static int collect_page(ergast_page *p, void *ctx, err *e)
{
    collect *c = ctx;
    if (c->pages < 16)
        c->offsets[c->pages] = p->offset;
    c->pages++;
    c->rows += p->rows;
    if (c->fail_at == c->pages)
        return err_set(e, "callback refused page %d", c->pages);
    if (ergast_merge_races(c->races, p->items, "Results", e) != 0)
        return -1;
    return c->stop_at == c->pages ? 1 : 0;
}

/* Items of non-race lists are taken whole. */
static int take_items(ergast_page *p, void *ctx, err *e)
{
    collect *c = ctx;
    (void)e;
    c->pages++;
    c->rows += p->rows;
    cJSON *it;
    cJSON_ArrayForEach(it, p->items)
    {
        cJSON_AddItemToArray(c->races, cJSON_Duplicate(it, 1));
    }
    return 0;
}

static void test_fetch_all(void)
{
    err e;
    http_client *c = http_fixture_client(5);
    char base[64];
    http_fixture_url(&srv, "", base, sizeof base);

    /* The 30 rows of the fixture, 12 per page as a capped server would
     * serve them: pages 0-11, 12-23, 24-29, race 1 split across two. */
    collect col = {cJSON_CreateArray(), 0, {0}, 0, 0, 0};
    long total = -1;
    CHECK_INT(ergast_fetch_all(c, base, "/page/results/2023@results.json?rows=Results&cap=12",
                               &ergast_kind_results, 0, collect_page, &col, &total, &e), 0);
    CHECK_INT(total, 30);
    CHECK_INT(col.pages, 3);
    CHECK_INT(col.offsets[0], 0);
    CHECK_INT(col.offsets[1], 12);
    CHECK_INT(col.offsets[2], 24);
    CHECK_INT(col.rows, 30);
    CHECK_INT(http_request_count(c), 3);
    CHECK_INT(cJSON_GetArraySize(col.races), 2);
    ergast_page whole;
    CHECK_INT(parse_fixture("results/2023@results.json", &ergast_kind_results, &whole, &e), 0);
    CHECK_MSG(cJSON_Compare(col.races, whole.items, 1), "merged pages equal the fixture's races");
    ergast_page_release(&whole);
    cJSON_Delete(col.races);

    /* Resuming after the rows already stored. */
    collect res = {cJSON_CreateArray(), 0, {0}, 0, 0, 0};
    CHECK_INT(ergast_fetch_all(c, base, "/page/results/2023@results.json?rows=Results&cap=12",
                               &ergast_kind_results, 24, collect_page, &res, &total, &e), 0);
    CHECK_INT(res.pages, 1);
    CHECK_INT(res.rows, 6);
    CHECK_STR(str_at(cJSON_GetArrayItem(res.races, 0), "round", NULL), "2");
    cJSON_Delete(res.races);

    /* Nothing new: one request, an empty page. */
    long before = http_request_count(c);
    collect none = {cJSON_CreateArray(), 0, {0}, 0, 0, 0};
    CHECK_INT(ergast_fetch_all(c, base, "/page/results/2023@results.json?rows=Results",
                               &ergast_kind_results, 30, collect_page, &none, &total, &e), 0);
    CHECK_INT(http_request_count(c) - before, 1);
    CHECK_INT(none.pages, 1);
    CHECK_INT(none.rows, 0);
    CHECK_INT(total, 30);
    cJSON_Delete(none.races);

    /* A list that is not races steps by items. */
    collect drv = {cJSON_CreateArray(), 0, {0}, 0, 0, 0};
    CHECK_INT(ergast_fetch_all(c, base, "/page/drivers/2023@drivers.json?cap=10", &ergast_kind_drivers, 0,
                               take_items, &drv, &total, &e), 0);
    CHECK_INT(drv.pages, 3);
    CHECK_INT(cJSON_GetArraySize(drv.races), 22);
    CHECK_INT(total, 22);
    cJSON_Delete(drv.races);

    /* A total the pages never reach: stopped at the first empty page. */
    collect fake = {cJSON_CreateArray(), 0, {0}, 0, 0, 0};
    CHECK_INT(ergast_fetch_all(c, base, "/page/results/2023@results.json?rows=Results&cap=12&fake_total=50",
                               &ergast_kind_results, 0, collect_page, &fake, &total, &e), -1);
    CHECK(strstr(e.msg, "empty") != NULL);
    CHECK_INT(fake.pages, 4);
    cJSON_Delete(fake.races);

    /* The callback's error stops the paging. */
    collect stop = {cJSON_CreateArray(), 0, {0}, 0, 2, 0};
    CHECK_INT(ergast_fetch_all(c, base, "/page/results/2023@results.json?rows=Results&cap=12",
                               &ergast_kind_results, 0, collect_page, &stop, &total, &e), -1);
    CHECK(strstr(e.msg, "refused page 2") != NULL);
    CHECK_INT(stop.pages, 2);
    cJSON_Delete(stop.races);

    /* The callback may stop early: not an error, no more requests. */
    before = http_request_count(c);
    err_clear(&e);
    collect enough = {cJSON_CreateArray(), 0, {0}, 0, 0, 1};
    CHECK_INT(ergast_fetch_all(c, base, "/page/results/2023@results.json?rows=Results&cap=12",
                               &ergast_kind_results, 0, collect_page, &enough, &total, &e), 0);
    CHECK_INT(enough.pages, 1);
    CHECK_INT(http_request_count(c) - before, 1);
    CHECK_INT(e.kind, ERR_NONE);
    cJSON_Delete(enough.races);
    http_free(c);
}

static void test_fetch_errors(void)
{
    err e;
    http_client *c = http_fixture_client(3);
    char base[64];
    http_fixture_url(&srv, "", base, sizeof base);
    ergast_page p;

    CHECK_INT(ergast_fetch_page(c, base, "/status/400", &ergast_kind_results, 0, 100, &p, &e), -1);
    CHECK_INT(e.kind, ERR_NETWORK);
    CHECK(strstr(e.msg, "HTTP 400") != NULL);
    CHECK(strstr(e.msg, "status 400") != NULL); /* the API's detail */
    CHECK(strstr(e.msg, "/status/400?limit=100&offset=0") != NULL);
    CHECK_INT(http_request_count(c), 1);
    CHECK(p.items == NULL);

    CHECK_INT(ergast_fetch_page(c, base, "/status/404", &ergast_kind_results, 0, 100, &p, &e), -1);
    CHECK(strstr(e.msg, "HTTP 404") != NULL);
    CHECK_INT(http_request_count(c), 2);

    /* A broken body is refetched, then parsed. */
    CHECK_INT(ergast_fetch_page(c, base, "/page/results/2023@results.json?rows=Results&broken=1&key=b1",
                                &ergast_kind_results, 0, 100, &p, &e), 0);
    CHECK_INT(http_request_count(c), 4);
    CHECK_INT(p.rows, 30);
    CHECK_INT(p.total, 30);
    ergast_page_release(&p);

    /* Broken every time: the error names the URL and what was wrong. */
    CHECK_INT(ergast_fetch_page(c, base, "/page/results/2023@results.json?rows=Results&broken=9&key=b9",
                                &ergast_kind_results, 0, 100, &p, &e), -1);
    CHECK(strstr(e.msg, "/page/results/2023@results.json") != NULL);
    CHECK(strstr(e.msg, "not JSON") != NULL);
    CHECK_INT(http_request_count(c), 7);

    /* 200 without an envelope (a page of another API). */
    CHECK_INT(ergast_fetch_page(c, base, "/ok", &ergast_kind_results, 0, 100, &p, &e), -1);
    CHECK(strstr(e.msg, "malformed") != NULL);
    http_free(c);
}

int main(void)
{
    test_results_page_jolpica();
    test_ergast_com_dialect();
    test_malformed();
    test_merge();
    test_page_url();
    if (http_fixture_start(&srv, NULL) != 0) {
        CHECK_MSG(0, "cannot start unit/http_fixture_server.py");
        return check_done();
    }
    FILE *sink = tmpfile();
    log_set_stream(sink); /* retry warnings are expected here */
    test_fetch_all();
    test_fetch_errors();
    log_set_stream(NULL);
    fclose(sink);
    http_fixture_stop(&srv);
    return check_done();
}
