/* wikipedia: the weather row of hand-written pages shaped like real
 * articles (unit/wiki-html/), label variants and junk labels, the
 * interlanguage link, the base override, and the fetch with its Italian
 * fallback and statuses against the loopback server. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/buf.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "data/weather.h"
#include "http_fixture.h"
#include "net/wikipedia.h"

#define PAGES "unit/wiki-html/"
#define BRITISH_2021 \
    "Clear Ambient: 29 to 31 \xc2\xb0" "C (84 to 88 \xc2\xb0" "F); Surface: 48 to 52 \xc2\xb0" "C (118 to 126 \xc2\xb0" "F)"

static http_fixture srv;

/* Reads page file `file` into b (empty on failure, reported). */
static void read_page(const char *file, buf *b)
{
    char path[256];
    snprintf(path, sizeof path, PAGES "%s.html", file);
    buf_init(b, 0);
    err e;
    if (fs_read_file(path, b, &e) != 0)
        CHECK_MSG(0, "%s", e.msg);
    buf_puts(b, "", &e);
}

/* Weather text of a page file (NULL when none); label into *label. */
static char *page_weather(const char *file, char **label)
{
    buf b;
    read_page(file, &b);
    err e;
    char *text = NULL;
    CHECK_MSG(wiki_extract_weather(b.data, b.len, &text, label, &e) == 0, "%s: %s", file, e.msg);
    buf_release(&b);
    return text;
}

static char *page_link(const char *file, const char *lang)
{
    buf b;
    read_page(file, &b);
    err e;
    char *url = NULL;
    CHECK(wiki_find_language_link(b.data, b.len, lang, &url, &e) == 0);
    buf_release(&b);
    return url;
}

static void expect_page(const char *file, const char *want_text, const char *want_label)
{
    char *label;
    char *text = page_weather(file, &label);
    if (want_text == NULL) {
        CHECK_MSG(text == NULL, "%s: took '%s'", file, text);
        CHECK(label == NULL);
    } else {
        CHECK_STR(text, want_text);
        CHECK_STR(label, want_label);
    }
    free(text);
    free(label);
}

static void test_pages(void)
{
    expect_page("2021_British_Grand_Prix", BRITISH_2021, "Weather");
    expect_page("1950_British_Grand_Prix", NULL, NULL);
    expect_page("Gran_Premio_di_Gran_Bretagna_1950", "Soleggiato", "Clima");
    expect_page("1961_Dutch_Grand_Prix", "Dry, overcast", "Weather");
    expect_page("Tasman_Cup_Race", NULL, NULL);
    expect_page("1955_Argentine_Grand_Prix", NULL, NULL);
    expect_page("Gran_Premio_d%27Argentina_1955", NULL, NULL); /* "Risultati" is no weather */
    expect_page("2025_S%C3%A3o_Paulo_Grand_Prix", "Overcast, rain later", "Weather");

    char *label;
    char *t = page_weather("2021_British_Grand_Prix", &label);
    CHECK_STR(weather_category(t), "warm");
    free(t);
    free(label);
}

static void test_links(void)
{
    char *u = page_link("1950_British_Grand_Prix", "it");
    CHECK_STR(u, "https://it.wikipedia.org/wiki/Gran_Premio_di_Gran_Bretagna_1950");
    free(u);
    u = page_link("1950_British_Grand_Prix", "de");
    CHECK_STR(u, "https://de.wikipedia.org/wiki/Gro%C3%9Fer_Preis_von_Gro%C3%9Fbritannien_1950");
    free(u);
    u = page_link("1955_Argentine_Grand_Prix", "it"); /* protocol-relative, lang only */
    CHECK_STR(u, "https://it.wikipedia.org/wiki/Gran_Premio_d%27Argentina_1955");
    free(u);
    u = page_link("2021_British_Grand_Prix", "it");
    CHECK_STR(u, "https://it.wikipedia.org/wiki/Gran_Premio_di_Gran_Bretagna_2021");
    free(u);
    u = page_link("Tasman_Cup_Race", "it");
    CHECK(u == NULL);
    u = page_link("1950_British_Grand_Prix", "fr");
    CHECK(u == NULL);
}

/* Weather of an inline snippet (NULL when none). */
static char *snippet(const char *html)
{
    char *text = NULL;
    err e;
    CHECK(wiki_extract_weather(html, strlen(html), &text, NULL, &e) == 0);
    return text;
}

static void expect_snippet(const char *html, const char *want)
{
    char *t = snippet(html);
    if (want == NULL)
        CHECK_MSG(t == NULL, "took '%s' from %s", t, html);
    else
        CHECK_MSG(t != NULL && strcmp(t, want) == 0, "'%s' != '%s' in %s", t ? t : "(null)", want, html);
    free(t);
}

static void test_labels_and_cells(void)
{
    expect_snippet("<table class=infobox><tr><th>Meteo</th><td>Pioggia</td></tr></table>", "Pioggia");
    expect_snippet("<table class=sinottico><tr><th>Condizioni meteo:</th><td>Sereno</td></tr></table>", "Sereno");
    expect_snippet("<table class=sinottico><tr><th>Condizioni meteorologiche</th><td>Coperto</td></tr></table>",
                   "Coperto");
    expect_snippet("<table class='infobox vevent'><tr><th> WEATHER </th><td>Hot</td></tr></table>", "Hot");
    expect_snippet("<table class=infobox><tr><th>Weather forecast</th><td>Sunny</td></tr></table>", NULL);
    expect_snippet("<table class=infobox><tr><th>Risultati</th><td>Pole position</td></tr></table>", NULL);
    expect_snippet("<table class=infobox><tr><th>Weather</th></tr><tr><td>Sunny</td></tr></table>", NULL);
    expect_snippet("<table><tr><th>Weather</th><td>Sunny</td></tr></table>", NULL);
    /* An empty cell is no value: a later infobox's row is. */
    expect_snippet("<table class=infobox><tr><th>Weather</th><td> &nbsp;<sup>[2]</sup></td></tr></table>"
                   "<table class=infobox><tr><th>Weather</th><td>Fine</td></tr></table>",
                   "Fine");
    /* Hidden and non-text parts are dropped; blocks separate words. */
    expect_snippet("<table class=infobox><tr><th>Weather</th><td><span style=\"display: none\">sortkey</span>"
                   "Sunny<script>var x=1;</script><div>Dry</div>warm</td></tr></table>",
                   "Sunny Dry warm");
    /* Footnotes of any shape the cleaning knows, and entities. */
    expect_snippet("<table class=infobox><tr><th>Weather<sup>[a]</sup></th><td>Cloudy&#160;and&nbsp;cool"
                   "<sup class=reference>[note 3]</sup></td></tr></table>",
                   "Cloudy and cool");
    /* An infobox nested in layout markup. */
    expect_snippet("<div><div><table class=infobox><tbody><tr><td><table><tr><th>Weather</th><td>Wet</td>"
                   "</tr></table></td></tr></tbody></table></div></div>",
                   "Wet");
    /* Headed "Race details" in its first row (no class, no caption). */
    expect_snippet("<table><tr><th colspan=2>Race details</th></tr><tr><th>Weather</th><td>Damp</td></tr></table>",
                   "Damp");

    /* Junk and edge inputs never crash and find nothing. */
    expect_snippet("", NULL);
    expect_snippet("<table class=infobox><tr><th>Weather<td", NULL);
    expect_snippet("\x01\xff\xfe<<<>>>&&;;<table class=infobox><tr><th>Weather</th><td>\xff\xfe</td>", "\xef\xbf\xbd\xef\xbf\xbd");
    const char bounded[] = "<p>x</p><table class=infobox><tr><th>Weather</th><td>Sunny</td></tr></table>";
    char *t = NULL;
    err e;
    CHECK_INT(wiki_extract_weather(bounded, 8, &t, NULL, &e), 0);
    CHECK(t == NULL);

    /* Deeply nested markup: bounded work, no crash. */
    buf deep;
    buf_init(&deep, 0);
    for (int i = 0; i < 5000; i++)
        buf_puts(&deep, "<div>", &e);
    buf_puts(&deep, "<table class=infobox><tr><th>Weather</th><td>Deep</td></tr></table>", &e);
    CHECK_INT(wiki_extract_weather(deep.data, deep.len, &t, NULL, &e), 0);
    free(t);
    CHECK_INT(wiki_find_language_link(deep.data, deep.len, "it", &t, &e), 0);
    CHECK(t == NULL);
    buf_release(&deep);
}

/* 1 when html is refused (ERR_DATA) by both searches, with `why` in the
 * error. */
static int refused(const buf *html, const char *why)
{
    int ok = 1;
    for (int search = 0; search < 2; search++) {
        char *t = NULL;
        err e;
        err_clear(&e);
        int rc = search == 0 ? wiki_extract_weather(html->data, html->len, &t, NULL, &e)
                             : wiki_find_language_link(html->data, html->len, "it", &t, &e);
        if (rc != -1 || t != NULL || e.kind != ERR_DATA || strstr(e.msg, why) == NULL) {
            printf("# search %d: %s\n", search, e.msg);
            ok = 0;
        }
        free(t);
    }
    return ok;
}

/* Markup that costs an HTML5 parser minutes or gigabytes is abandoned
 * within its bounds (CPU time, memory, size), leaving nothing allocated
 * (the sanitizer build checks for leaks); alarm() turns a hang into a
 * failure. */
static void test_hostile_pages(void)
{
    alarm(120);
    err e;
    buf b;
    /* 1.2 MB of nested divs before an infobox: about 100 s to parse */
    buf_init(&b, 0);
    while (b.len < 1200000)
        buf_puts(&b, "<div>", &e);
    buf_puts(&b, "<table class=infobox><tr><th>Weather</th><td>Deep</td></tr></table>", &e);
    CHECK_MSG(refused(&b, "more than 1 s of CPU"), "nested divs");
    /* formatting elements cloned into every paragraph: gigabytes */
    buf_reset(&b);
    buf_puts(&b, "<p>", &e);
    for (int i = 0; i < 4000; i++)
        buf_printf(&b, &e, "<b id=%d>", i);
    while (b.len < 70000)
        buf_puts(&b, "</p><p>x", &e);
    CHECK_MSG(refused(&b, "was not parsed"), "cloned formatting");
    /* one tag of 150,000 attributes: each checked against all before it */
    buf_reset(&b);
    buf_puts(&b, "<div", &e);
    for (int i = 0; i < 150000; i++)
        buf_printf(&b, &e, " a%d", i);
    buf_puts(&b, ">", &e);
    CHECK_MSG(refused(&b, "was not parsed"), "attributes");
    /* over the size an article may have: not parsed at all */
    buf_reset(&b);
    while (b.len <= WIKI_ARTICLE_MAX)
        buf_puts(&b, "<p>Just text, nothing hostile about it.</p>\n", &e);
    CHECK_MSG(refused(&b, "over the 4 MiB an article may have"), "size");
    buf_release(&b);
    alarm(0);
}

/* Seeded random damage to real-shaped pages (cut short, bytes replaced by
 * markup characters): parsing must neither fail nor crash (the sanitizer
 * build checks the memory side). */
static void test_damaged_pages(void)
{
    static const char *const files[] = {"2021_British_Grand_Prix", "1950_British_Grand_Prix",
                                        "Gran_Premio_di_Gran_Bretagna_1950", "1961_Dutch_Grand_Prix"};
    static const char junk[] = "<>&;\"'/=\0\xa0\xc2\xff[]";
    uint64_t x = 0x2545F4914F6CDD1Dull;
    int failures = 0;
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        buf page;
        read_page(files[f], &page);
        for (int round = 0; round < 60 && page.len > 0; round++) {
            char *copy = malloc(page.len);
            memcpy(copy, page.data, page.len);
            for (int k = 0; k < 20; k++) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                copy[x % page.len] = junk[(x >> 32) % (sizeof junk - 1)];
            }
            size_t n = round % 3 == 0 ? (size_t)(x >> 20) % page.len : page.len;
            char *text = NULL, *link = NULL;
            err e;
            failures += wiki_extract_weather(copy, n, &text, NULL, &e) != 0;
            failures += wiki_find_language_link(copy, n, "it", &link, &e) != 0;
            free(text);
            free(link);
            free(copy);
        }
        buf_release(&page);
    }
    CHECK_INT(failures, 0);
    char *t = (char *)"x";
    err e;
    CHECK_INT(wiki_extract_weather(NULL, 0, &t, NULL, &e), 0);
    CHECK(t == NULL);
}

static void test_override(void)
{
    static const struct {
        const char *url, *base, *want;
    } cases[] = {
        {"http://en.wikipedia.org/wiki/2025_S%C3%A3o_Paulo_Grand_Prix", "http://127.0.0.1:8080",
         "http://127.0.0.1:8080/wiki/2025_S%C3%A3o_Paulo_Grand_Prix"},
        {"https://it.wikipedia.org:443/wiki/A?b=%20c#d", "http://mirror:9/", "http://mirror:9/wiki/A?b=%20c#d"},
        {"https://en.wikipedia.org", "http://m", "http://m"},
        {"https://en.wikipedia.org?x=1", "http://m", "http://m?x=1"},
        {"//it.wikipedia.org/wiki/X", "http://m", "http://m/wiki/X"},
        {"https://en.wikipedia.org/wiki/X", "", "https://en.wikipedia.org/wiki/X"},
        {"https://en.wikipedia.org/wiki/X", NULL, "https://en.wikipedia.org/wiki/X"},
    };
    char *u;
    err e;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK_INT(wiki_override_base(cases[i].url, cases[i].base, &u, &e), 0);
        CHECK_STR(u, cases[i].want);
        free(u);
    }
    CHECK_INT(wiki_override_base("en.wikipedia.org/wiki/X", "http://m", &u, &e), -1);
    CHECK_INT(e.kind, ERR_DATA);
    CHECK(u == NULL);
}

static void expect_fetch(http_client *c, const char *base, const char *article, const char *status,
                         const char *lang, const char *text, const char *url, long requests)
{
    wiki_weather w;
    err e;
    long before = http_request_count(c);
    CHECK_MSG(wiki_fetch_weather(c, article, base, &w, &e) == 0, "%s: %s", article, e.msg);
    CHECK_STR(w.status, status);
    CHECK_STR(w.lang, lang);
    CHECK_STR(w.url, url);
    if (text == NULL)
        CHECK_MSG(w.text == NULL, "%s: text '%s'", article, w.text);
    else
        CHECK_STR(w.text, text);
    CHECK_MSG((w.error != NULL) == (strcmp(status, "error") == 0), "%s: error '%s'", article,
              w.error ? w.error : "(null)");
    CHECK_MSG(http_request_count(c) - before == requests, "%s: %ld requests", article,
              http_request_count(c) - before);
    wiki_weather_release(&w);
    CHECK(w.url == NULL && w.text == NULL);
}

static void test_fetch(void)
{
    err e;
    http_client *c = http_fixture_client(2);
    char base[64];
    http_fixture_url(&srv, "", base, sizeof base);

    static const struct {
        const char *article, *status, *lang, *text, *url;
        long requests;
    } cases[] = {
        {"https://en.wikipedia.org/wiki/2021_British_Grand_Prix", "found", "en", BRITISH_2021,
         "https://en.wikipedia.org/wiki/2021_British_Grand_Prix", 1},
        /* The Italian fallback. */
        {"http://en.wikipedia.org/wiki/1950_British_Grand_Prix", "found", "it", "Soleggiato",
         "https://it.wikipedia.org/wiki/Gran_Premio_di_Gran_Bretagna_1950", 2},
        {"http://en.wikipedia.org/wiki/1955_Argentine_Grand_Prix", "missing", "", NULL,
         "http://en.wikipedia.org/wiki/1955_Argentine_Grand_Prix", 2},
        {"http://en.wikipedia.org/wiki/Tasman_Cup_Race", "missing", "", NULL,
         "http://en.wikipedia.org/wiki/Tasman_Cup_Race", 1},
        {"https://en.wikipedia.org/wiki/2025_S%C3%A3o_Paulo_Grand_Prix", "found", "en", "Overcast, rain later",
         "https://en.wikipedia.org/wiki/2025_S%C3%A3o_Paulo_Grand_Prix", 1},
        {"http://en.wikipedia.org/wiki/1961_Dutch_Grand_Prix", "found", "en", "Dry, overcast",
         "http://en.wikipedia.org/wiki/1961_Dutch_Grand_Prix", 1},
        /* No article: missing, not retried. */
        {"http://en.wikipedia.org/wiki/2099_Mars_Grand_Prix", "missing", "", NULL,
         "http://en.wikipedia.org/wiki/2099_Mars_Grand_Prix", 1},
        /* No Italian article behind the link: missing. */
        {"http://en.wikipedia.org/wiki/1952_Swiss_Grand_Prix", "missing", "", NULL,
         "http://en.wikipedia.org/wiki/1952_Swiss_Grand_Prix", 2},
        /* Failures after the retries: error, retried next run. */
        {"http://en.wikipedia.org/wiki/Server_Error", "error", "", NULL, "http://en.wikipedia.org/wiki/Server_Error",
         2},
        {"http://en.wikipedia.org/wiki/1953_German_Grand_Prix", "error", "", NULL,
         "https://it.wikipedia.org/wiki/Server_Error", 3},
        {"not a url", "error", "", NULL, "not a url", 0},
        {"", "missing", "", NULL, "", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_fetch(c, base, cases[i].article, cases[i].status, cases[i].lang, cases[i].text, cases[i].url,
                     cases[i].requests);
    expect_fetch(c, "http://127.0.0.1:1", "http://en.wikipedia.org/wiki/1950_British_Grand_Prix", "error", "", NULL,
                 "http://en.wikipedia.org/wiki/1950_British_Grand_Prix", 2);

    wiki_weather w;
    CHECK_INT(wiki_fetch_weather(c, "http://en.wikipedia.org/wiki/Server_Error", base, &w, &e), 0);
    CHECK(w.error != NULL && strstr(w.error, "HTTP 500") != NULL);
    CHECK(w.error != NULL && strstr(w.error, "/wiki/Server_Error") != NULL);
    wiki_weather_release(&w);
    wiki_weather_release(NULL);

    /* The server saw the paths byte for byte. */
    char u[128];
    http_fixture_url(&srv, "/seen", u, sizeof u);
    http_req req = {.url = u};
    http_resp seen;
    CHECK_INT(http_do(c, &req, &seen, &e), 0);
    CHECK_INT(seen.status, 200);
    CHECK(seen.body.data && strstr(seen.body.data, "/wiki/2025_S%C3%A3o_Paulo_Grand_Prix\n") != NULL);
    CHECK(seen.body.data && strstr(seen.body.data, "/wiki/Gran_Premio_d%27Argentina_1955\n") != NULL);
    buf_release(&seen.body);
    http_free(c);
}

int main(void)
{
    test_pages();
    test_links();
    test_labels_and_cells();
    test_damaged_pages();
    test_hostile_pages();
    test_override();
    if (http_fixture_start(&srv, "unit/wiki-html") != 0) {
        CHECK_MSG(0, "cannot start unit/http_fixture_server.py");
        return check_done();
    }
    FILE *sink = tmpfile();
    log_set_stream(sink); /* 404 and retry warnings are expected here */
    test_fetch();
    log_set_stream(NULL);
    fclose(sink);
    http_fixture_stop(&srv);
    return check_done();
}
