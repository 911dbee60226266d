#include "net/wikipedia.h"

#include <ctype.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <gumbo.h>

#include "core/buf.h"
#include "core/log.h"
#include "data/weather.h"

/* Real articles nest a few dozen levels; deeper (hostile) markup is not
 * searched, so recursion stays bounded. */
#define WIKI_MAX_DEPTH 256

/* The bounds of one parse (see wikipedia.h).  A real article of 1-2 MB
 * parses in a tenth of a second and a few tens of MB; HTML5 parsing is
 * quadratic in nesting depth and can clone formatting elements without
 * end, so a hostile page of 1 MB could take minutes or gigabytes.  Each
 * check costs a clock read, so the clock is read every few allocations
 * (gumbo allocates for every node, so it is called often). */
#define WIKI_PARSE_CPU_NS 1000000000LL
#define WIKI_PARSE_MEM_MAX ((size_t)256 << 20)
#define WIKI_CLOCK_EVERY 64

static const char *const weather_labels[] = {
    "weather", "clima", "meteo", "condizioni meteo", "condizioni meteorologiche",
};

/* What the row search found: both NULL until a weather row is met. */
typedef struct {
    char *text;
    char *label;
} wiki_hit;

static int is_element(const GumboNode *n)
{
    return n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE;
}

static int has_tag(const GumboNode *n, GumboTag tag)
{
    return is_element(n) && n->v.element.tag == tag;
}

static const GumboVector *children(const GumboNode *n)
{
    return n->type == GUMBO_NODE_DOCUMENT ? &n->v.document.children : &n->v.element.children;
}

static const char *attr(const GumboNode *n, const char *name)
{
    if (!is_element(n))
        return NULL;
    const GumboAttribute *a = gumbo_get_attribute(&n->v.element.attributes, name);
    return a ? a->value : NULL;
}

/* Case-insensitive substring test (ASCII). */
static int contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; hay != NULL && *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return 1;
    return 0;
}

static int attr_contains(const GumboNode *n, const char *name, const char *word)
{
    return contains_ci(attr(n, name), word);
}

static int attr_is(const GumboNode *n, const char *name, const char *value)
{
    const char *v = attr(n, name);
    return v != NULL && strcasecmp(v, value) == 0;
}

/* Elements whose edges separate words in rendered text. */
static int is_block(GumboTag t)
{
    switch (t) {
    case GUMBO_TAG_BR: case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_LI:
    case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_DL: case GUMBO_TAG_DD:
    case GUMBO_TAG_DT: case GUMBO_TAG_TABLE: case GUMBO_TAG_TR: case GUMBO_TAG_TD:
    case GUMBO_TAG_TH: case GUMBO_TAG_HR:
        return 1;
    default:
        return 0;
    }
}

static int is_hidden(const GumboNode *n)
{
    GumboTag t = n->v.element.tag;
    if (t == GUMBO_TAG_STYLE || t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_NOSCRIPT)
        return 1;
    const char *style = attr(n, "style");
    if (style == NULL)
        return 0;
    /* "display:none" with any spacing. */
    char squeezed[128];
    size_t o = 0;
    for (; *style && o + 1 < sizeof squeezed; style++)
        if (!isspace((unsigned char)*style))
            squeezed[o++] = *style;
    squeezed[o] = '\0';
    return contains_ci(squeezed, "display:none");
}

/* Appends the rendered text of n to b. */
static int collect_text(const GumboNode *n, buf *b, int depth, err *e)
{
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE || n->type == GUMBO_NODE_CDATA)
        return buf_puts(b, n->v.text.text, e);
    if (!is_element(n) || depth > WIKI_MAX_DEPTH || is_hidden(n))
        return 0;
    int block = is_block(n->v.element.tag);
    if (block && buf_puts(b, " ", e) != 0)
        return -1;
    const GumboVector *kids = children(n);
    for (unsigned i = 0; i < kids->length; i++)
        if (collect_text(kids->data[i], b, depth + 1, e) != 0)
            return -1;
    return block ? buf_puts(b, " ", e) : 0;
}

/* The cleaned text of n (malloc'ed, possibly empty). */
static char *clean_text(const GumboNode *n, err *e)
{
    buf b;
    buf_init(&b, 0);
    char *out = NULL;
    if (collect_text(n, &b, 0, e) == 0 && buf_puts(&b, "", e) == 0) {
        out = weather_clean(b.data);
        if (out == NULL)
            err_set(e, "out of memory cleaning text");
    }
    buf_release(&b);
    return out;
}

static int is_weather_label(char *label)
{
    size_t n = strlen(label);
    while (n > 0 && (label[n - 1] == ':' || label[n - 1] == ' '))
        n--;
    for (size_t i = 0; i < sizeof weather_labels / sizeof weather_labels[0]; i++)
        if (strlen(weather_labels[i]) == n && strncasecmp(label, weather_labels[i], n) == 0)
            return 1;
    return 0;
}

/* A row "<th>label</th><td>value</td>" (older tables: a td label): sets
 * hit when the label is a weather label and the value is not empty.
 * Returns 0 (hit or not) or -1 out of memory. */
static int check_row(const GumboNode *tr, wiki_hit *hit, err *e)
{
    const GumboNode *head = NULL, *value = NULL;
    const GumboVector *kids = children(tr);
    for (unsigned i = 0; i < kids->length && value == NULL; i++) {
        const GumboNode *k = kids->data[i];
        if (!has_tag(k, GUMBO_TAG_TH) && !has_tag(k, GUMBO_TAG_TD))
            continue;
        if (head == NULL)
            head = k;
        else if (has_tag(k, GUMBO_TAG_TD))
            value = k;
    }
    if (value == NULL)
        return 0;
    char *label = clean_text(head, e);
    if (label == NULL)
        return -1;
    if (!is_weather_label(label)) {
        free(label);
        return 0;
    }
    char *text = clean_text(value, e);
    if (text == NULL || text[0] == '\0') {
        free(label);
        free(text);
        return text == NULL ? -1 : 0;
    }
    hit->text = text;
    hit->label = label;
    return 0;
}

/* Checks every row under n (nested tables included), first hit wins. */
static int scan_rows(const GumboNode *n, wiki_hit *hit, int depth, err *e)
{
    if (!is_element(n) || depth > WIKI_MAX_DEPTH)
        return 0;
    if (n->v.element.tag == GUMBO_TAG_TR && check_row(n, hit, e) != 0)
        return -1;
    const GumboVector *kids = children(n);
    for (unsigned i = 0; i < kids->length && hit->text == NULL; i++)
        if (scan_rows(kids->data[i], hit, depth + 1, e) != 0)
            return -1;
    return 0;
}

/* The first element at or under n, in document order, that match()
 * accepts. */
static const GumboNode *find_first(const GumboNode *n, int (*match)(const GumboNode *, const void *),
                                   const void *ctx, int depth)
{
    if ((n->type != GUMBO_NODE_DOCUMENT && !is_element(n)) || depth > WIKI_MAX_DEPTH)
        return NULL;
    if (n->type != GUMBO_NODE_DOCUMENT && match(n, ctx))
        return n;
    const GumboVector *kids = children(n);
    for (unsigned i = 0; i < kids->length; i++) {
        const GumboNode *f = find_first(kids->data[i], match, ctx, depth + 1);
        if (f != NULL)
            return f;
    }
    return NULL;
}

static int match_tag(const GumboNode *n, const void *tag)
{
    return n->v.element.tag == *(const GumboTag *)tag;
}

static const GumboNode *first_tagged(const GumboNode *n, GumboTag tag)
{
    return find_first(n, match_tag, &tag, 0);
}

static int text_is(const GumboNode *n, const char *want, err *e, int *yes)
{
    *yes = 0;
    if (n == NULL)
        return 0;
    char *t = clean_text(n, e);
    if (t == NULL)
        return -1;
    *yes = strcasecmp(t, want) == 0;
    free(t);
    return 0;
}

/* 1 for an infobox (Italian Wikipedia's are class "sinottico"), or the
 * older articles' "Race details" table (its caption, or its first row's
 * first cell, says so). */
static int weather_table(const GumboNode *table, err *e, int *yes)
{
    *yes = attr_contains(table, "class", "infobox") || attr_contains(table, "class", "sinottico");
    if (*yes)
        return 0;
    if (text_is(first_tagged(table, GUMBO_TAG_CAPTION), "Race details", e, yes) != 0)
        return -1;
    if (*yes)
        return 0;
    const GumboNode *tr = first_tagged(table, GUMBO_TAG_TR);
    const GumboNode *cell = NULL;
    const GumboVector *kids = tr ? children(tr) : NULL;
    for (unsigned i = 0; kids != NULL && i < kids->length && cell == NULL; i++)
        if (has_tag(kids->data[i], GUMBO_TAG_TH) || has_tag(kids->data[i], GUMBO_TAG_TD))
            cell = kids->data[i];
    return text_is(cell, "Race details", e, yes);
}

static int find_weather(const GumboNode *n, wiki_hit *hit, int depth, err *e)
{
    if ((n->type != GUMBO_NODE_DOCUMENT && !is_element(n)) || depth > WIKI_MAX_DEPTH)
        return 0;
    if (n->type != GUMBO_NODE_DOCUMENT && n->v.element.tag == GUMBO_TAG_TABLE) {
        int yes;
        if (weather_table(n, e, &yes) != 0)
            return -1;
        if (yes)
            return scan_rows(n, hit, depth, e);
    }
    const GumboVector *kids = children(n);
    for (unsigned i = 0; i < kids->length && hit->text == NULL; i++)
        if (find_weather(kids->data[i], hit, depth + 1, e) != 0)
            return -1;
    return 0;
}

/* ---- Bounded parsing -------------------------------------------------
 * gumbo takes an allocator: every block it asks for comes from here, on a
 * list, so a parse over its bounds can be abandoned at any allocation with
 * longjmp and everything it held freed with the list.  gumbo keeps no
 * other state, so nothing else is left behind. */

typedef union wiki_block {
    struct {
        union wiki_block *prev, *next;
        size_t size;
    } h;
    max_align_t align; /* what follows is aligned like malloc's */
} wiki_block;

typedef struct {
    GumboOptions opts;
    wiki_block blocks; /* list head */
    size_t live;       /* bytes gumbo holds now */
    unsigned long calls;
    long long start_ns;
    const char *over;  /* why the parse was abandoned */
    jmp_buf abandon;
} wiki_parser;

static long long cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *wiki_alloc(void *ud, size_t size)
{
    wiki_parser *p = ud;
    if (++p->calls % WIKI_CLOCK_EVERY == 0 && cpu_ns() - p->start_ns > WIKI_PARSE_CPU_NS)
        p->over = "it took more than 1 s of CPU to parse";
    else if (size > WIKI_PARSE_MEM_MAX - p->live)
        p->over = "it needed more than 256 MiB to parse";
    wiki_block *b = p->over ? NULL : malloc(sizeof *b + size);
    if (b == NULL) {
        if (p->over == NULL)
            p->over = "out of memory";
        longjmp(p->abandon, 1);
    }
    b->h.size = size;
    b->h.prev = &p->blocks;
    b->h.next = p->blocks.h.next;
    b->h.next->h.prev = b;
    p->blocks.h.next = b;
    p->live += size;
    return b + 1;
}

static void wiki_free(void *ud, void *ptr)
{
    wiki_parser *p = ud;
    if (ptr == NULL)
        return;
    wiki_block *b = (wiki_block *)ptr - 1;
    b->h.prev->h.next = b->h.next;
    b->h.next->h.prev = b->h.prev;
    p->live -= b->h.size;
    free(b);
}

/* Frees everything the parse holds (the whole tree, when it finished). */
static void wiki_parse_end(wiki_parser *p)
{
    while (p->blocks.h.next != &p->blocks)
        wiki_free(p, p->blocks.h.next + 1);
}

/* Parses html into p (its tree in *doc until wiki_parse_end).  -1 with e
 * set when the page is over a bound (ERR_DATA) or memory ran out. */
static int wiki_parse(wiki_parser *p, const char *html, size_t n, GumboOutput **doc, err *e)
{
    memset(p, 0, sizeof *p);
    p->blocks.h.prev = p->blocks.h.next = &p->blocks;
    p->opts = kGumboDefaultOptions;
    p->opts.allocator = wiki_alloc;
    p->opts.deallocator = wiki_free;
    p->opts.userdata = p;
    /* Parse errors are not used, and recording one copies the whole stack
     * of open elements: without this, deep nesting costs 30x more. */
    p->opts.max_errors = 0;
    *doc = NULL;
    if (n > WIKI_ARTICLE_MAX)
        return err_setk(e, ERR_DATA, "the page is %zu bytes, over the %zu MiB an article may have", n,
                        WIKI_ARTICLE_MAX >> 20);
    p->start_ns = cpu_ns();
    if (setjmp(p->abandon) != 0) {
        wiki_parse_end(p);
        if (strcmp(p->over, "out of memory") == 0)
            return err_set(e, "out of memory parsing HTML");
        return err_setk(e, ERR_DATA, "the page was not parsed: %s (deeply nested or otherwise hostile "
                        "markup)", p->over);
    }
    *doc = gumbo_parse_with_options(&p->opts, html ? html : "", html ? n : 0);
    return 0;
}

static int in_interlanguage_list(const GumboNode *a)
{
    const GumboNode *p = a->parent;
    for (int i = 0; i < 4 && p != NULL; i++, p = p->parent)
        if (has_tag(p, GUMBO_TAG_LI) && attr_contains(p, "class", "interlanguage-link"))
            return 1;
    return 0;
}

/* An interlanguage link to language `lang` with an absolute href. */
static int match_lang_anchor(const GumboNode *n, const void *lang_ctx)
{
    const char *lang = lang_ctx;
    if (n->v.element.tag != GUMBO_TAG_A)
        return 0;
    const char *href = attr(n, "href");
    int absolute = href != NULL && (strncmp(href, "//", 2) == 0 || strncasecmp(href, "https://", 8) == 0 ||
                                    strncasecmp(href, "http://", 7) == 0);
    int listed = attr_is(n, "lang", lang) &&
                 (attr_contains(n, "class", "interlanguage-link-target") || in_interlanguage_list(n));
    return absolute && (attr_is(n, "hreflang", lang) || listed);
}

/* The link's absolute URL (malloc'ed into *url_out). */
static int link_url(const GumboNode *a, char **url_out, err *e)
{
    const char *href = attr(a, "href");
    size_t len = strlen(href) + sizeof "https:";
    *url_out = malloc(len);
    if (*url_out == NULL)
        return err_set(e, "out of memory");
    snprintf(*url_out, len, "%s%s", strncmp(href, "//", 2) == 0 ? "https:" : "", href);
    return 0;
}

/* Both searches on one tree: the weather row, and (when lang is not NULL
 * and there is no weather row) the interlanguage link to lang. */
static int wiki_search(const GumboOutput *doc, wiki_hit *hit, const char *lang, char **url_out, err *e)
{
    if (find_weather(doc->document, hit, 0, e) != 0)
        return -1;
    if (lang == NULL || hit->text != NULL)
        return 0;
    const GumboNode *a = find_first(doc->document, match_lang_anchor, lang, 0);
    return a != NULL ? link_url(a, url_out, e) : 0;
}

int wiki_extract_weather(const char *html, size_t n, char **text_out, char **label_out, err *e)
{
    *text_out = NULL;
    if (label_out != NULL)
        *label_out = NULL;
    wiki_parser p;
    GumboOutput *doc;
    if (wiki_parse(&p, html, n, &doc, e) != 0)
        return -1;
    wiki_hit hit = {NULL, NULL};
    int rc = wiki_search(doc, &hit, NULL, NULL, e);
    wiki_parse_end(&p);
    if (rc != 0) {
        free(hit.text);
        free(hit.label);
        return -1;
    }
    *text_out = hit.text;
    if (label_out != NULL)
        *label_out = hit.label;
    else
        free(hit.label);
    return 0;
}

int wiki_find_language_link(const char *html, size_t n, const char *lang, char **url_out, err *e)
{
    *url_out = NULL;
    wiki_parser p;
    GumboOutput *doc;
    if (wiki_parse(&p, html, n, &doc, e) != 0)
        return -1;
    const GumboNode *a = find_first(doc->document, match_lang_anchor, lang, 0);
    int rc = a != NULL ? link_url(a, url_out, e) : 0;
    wiki_parse_end(&p);
    return rc;
}

int wiki_override_base(const char *url, const char *base, char **out, err *e)
{
    *out = NULL;
    const char *rest = url;
    if (base != NULL && base[0] != '\0') {
        const char *sep = strstr(url, "//");
        const char *colon = strchr(url, ':');
        int scheme_ok = sep != NULL && (sep == url || (colon != NULL && colon + 1 == sep));
        if (!scheme_ok)
            return err_setk(e, ERR_DATA, "not an absolute URL: '%s'", url);
        rest = sep + 2 + strcspn(sep + 2, "/?#");
    }
    size_t blen = base != NULL && rest != url ? strlen(base) : 0;
    if (blen > 0 && base[blen - 1] == '/')
        blen--;
    size_t len = blen + strlen(rest) + 1;
    *out = malloc(len);
    if (*out == NULL)
        return err_set(e, "out of memory");
    snprintf(*out, len, "%.*s%s", (int)blen, blen > 0 ? base : "", rest);
    return 0;
}

void wiki_weather_release(wiki_weather *w)
{
    if (w == NULL)
        return;
    free(w->text);
    free(w->url);
    free(w->error);
    memset(w, 0, sizeof *w);
}

/* Result of fetching one article. */
typedef enum { PAGE_OK, PAGE_GONE, PAGE_FAILED } page_state;

/* Fetches url (through base).  PAGE_OK leaves the body in *resp (caller
 * releases); PAGE_FAILED puts the reason in w->error (url and status
 * recorded); -1 only when out of memory. */
static int fetch_article(http_client *c, const char *url, const char *base, wiki_weather *w, http_resp *resp,
                         page_state *state, err *e)
{
    char *target = NULL;
    err why;
    err_clear(&why);
    *state = PAGE_FAILED;
    if (wiki_override_base(url, base, &target, &why) == 0) {
        http_req r = {.url = target};
        if (http_do(c, &r, resp, &why) == 0) {
            if (resp->status / 100 == 2) {
                *state = PAGE_OK;
            } else {
                if (resp->status == 404 || resp->status == 410) {
                    *state = PAGE_GONE;
                    log_warn("weather: no Wikipedia article at %s (HTTP %ld)", url, resp->status);
                } else {
                    err_setk(&why, ERR_NETWORK, "GET %s: HTTP %ld", target, resp->status);
                }
                buf_release(&resp->body);
            }
        }
    }
    free(target);
    if (*state == PAGE_FAILED) {
        w->status = "error";
        w->error = strdup(why.msg);
        if (w->error == NULL)
            return err_set(e, "out of memory");
    }
    return 0;
}

/* Reads the article at url; sets w to found (text, lang, url) when it has
 * a weather row.  *italian gets the Italian link when wanted and present.
 * A page over the parse bounds leaves the weather unknown: status error
 * (tried again by the next run), with a warning. */
static int read_article(http_client *c, const char *url, const char *base, const char *lang, wiki_weather *w,
                        char **italian, err *e)
{
    http_resp resp;
    page_state state;
    if (fetch_article(c, url, base, w, &resp, &state, e) != 0)
        return -1;
    if (state != PAGE_OK)
        return 0;
    wiki_parser p;
    GumboOutput *doc;
    wiki_hit hit = {NULL, NULL};
    err why;
    err_clear(&why);
    int rc = wiki_parse(&p, resp.body.data, resp.body.len, &doc, &why);
    if (rc != 0) {
        buf_release(&resp.body);
        if (why.kind != ERR_DATA) {
            *e = why;
            return -1;
        }
        log_warn("weather: %s: %s; weather unknown", url, why.msg);
        w->status = "error";
        w->error = strdup(why.msg);
        return w->error == NULL ? err_set(e, "out of memory") : 0;
    }
    /* the tree points into the body: both go together */
    rc = wiki_search(doc, &hit, italian != NULL ? "it" : NULL, italian, e);
    wiki_parse_end(&p);
    buf_release(&resp.body);
    free(hit.label);
    w->text = hit.text;
    if (rc == 0 && w->text != NULL) {
        w->status = "found";
        snprintf(w->lang, sizeof w->lang, "%s", lang);
        free(w->url);
        w->url = strdup(url);
        if (w->url == NULL)
            rc = err_set(e, "out of memory");
    }
    return rc;
}

int wiki_fetch_weather(http_client *c, const char *article_url, const char *base_override, wiki_weather *out,
                       err *e)
{
    memset(out, 0, sizeof *out);
    out->status = "missing";
    out->url = strdup(article_url ? article_url : "");
    if (out->url == NULL)
        return err_set(e, "out of memory");
    if (article_url == NULL || article_url[0] == '\0')
        return 0; /* a race without an article has no weather to find */
    char *italian = NULL;
    int rc = read_article(c, article_url, base_override, "en", out, &italian, e);
    if (rc == 0 && italian != NULL && strcmp(out->status, "missing") == 0) {
        rc = read_article(c, italian, base_override, "it", out, NULL, e);
        if (rc == 0 && strcmp(out->status, "error") == 0) {
            free(out->url);
            out->url = strdup(italian);
            if (out->url == NULL)
                rc = err_set(e, "out of memory");
        }
    }
    free(italian);
    if (rc != 0)
        wiki_weather_release(out);
    return rc;
}
