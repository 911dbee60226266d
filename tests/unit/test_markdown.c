/* markdown: untrusted text escaped so it cannot break a table, inject
 * HTML, links or mentions, or close a hidden comment; bodies capped under
 * GitHub's comment limit at a safe place. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/markdown.h"

/* markdown_text(s) as a new string (caller frees). */
static char *escaped(const char *s)
{
    buf b;
    buf_init(&b, 0);
    err e;
    if (markdown_text(&b, s, &e) != 0) {
        buf_release(&b);
        return NULL;
    }
    return buf_detach(&b);
}

static void test_hostile_name(void)
{
    char *out = escaped("Evil|<img src=x onerror=alert(1)>\n::error::x -->");
    CHECK_STR(out, "Evil&#124;&#60;img src&#61;x onerror&#61;alert&#40;1&#41;&#62; &#58;&#58;error&#58;"
                   "&#58;x &#45;&#45;&#62;");
    CHECK(out && strpbrk(out, "|<>\n\r") == NULL);
    CHECK(out && strstr(out, "-->") == NULL);
    free(out);
}

static void test_markdown_syntax(void)
{
    char *out = escaped("[a](javascript:x) ![i](u) *b* _c_ `d` # e ~f~ $g$ \\h");
    /* No character that Markdown or HTML gives a meaning survives. */
    CHECK(out && strpbrk(out, "[]()!*_`~$\\<>|") == NULL); /* '#' only in "&#N;" */
    CHECK_STR(out, "&#91;a&#93;&#40;javascript&#58;x&#41; &#33;&#91;i&#93;&#40;u&#41; &#42;b&#42; "
                   "&#95;c&#95; &#96;d&#96; &#35; e &#126;f&#126; &#36;g&#36; &#92;h");
    free(out);
}

static void test_mentions_and_unicode(void)
{
    char *out = escaped("@octocat ping");
    CHECK_STR(out, "@\xE2\x81\xA0octocat ping");
    free(out);
    out = escaped("P\xC3\xA9rez \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x8F\x81"); /* Pérez 日本 🏁 */
    CHECK_STR(out, "P\xC3\xA9rez \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x8F\x81");
    free(out);
    /* Invalid UTF-8 (a lone continuation byte, an overlong '<', a
     * surrogate) and a right-to-left override become U+FFFD. */
    out = escaped("a\x80" "b\xC0\xBC" "c\xED\xA0\x80" "d\xE2\x80\xAE" "e");
    CHECK_STR(out, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD" "c\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
                   "d\xEF\xBF\xBD" "e");
    free(out);
    /* Tabs, CR, C1 controls and U+2028 are spaces. */
    out = escaped("a\tb\rc\xC2\x85" "d\xE2\x80\xA8" "e");
    CHECK_STR(out, "a b c d e");
    free(out);
}

static void test_cap_under_limit(void)
{
    buf b;
    buf_init(&b, 0);
    err e;
    buf_puts(&b, "<!-- m -->\nshort\n", &e);
    CHECK_INT(markdown_cap(&b, 100, &e), 0);
    CHECK_STR(b.data, "<!-- m -->\nshort\n");
    buf_release(&b);
}

/* Lines of "| row N | value |" until the body is past `bytes`. */
static void table_body(buf *b, size_t bytes)
{
    err e;
    buf_puts(b, "<!-- f1-mlops:report:x -->\n| a | b |\n|---|---|\n", &e);
    for (int i = 0; b->len < bytes; i++)
        buf_printf(b, &e, "| row %d | %d |\n", i, i * 7);
}

static void test_cap_at_line(void)
{
    buf b;
    buf_init(&b, 0);
    err e;
    table_body(&b, 70000);
    CHECK_INT(markdown_cap(&b, MARKDOWN_COMMENT_MAX, &e), 0);
    CHECK(b.len <= MARKDOWN_COMMENT_MAX);
    CHECK(b.len > MARKDOWN_COMMENT_MAX - 200);
    CHECK(strncmp(b.data, "<!-- f1-mlops:report:x -->\n", 27) == 0);
    const char *note = strstr(b.data, "\n*This report was truncated");
    CHECK(note != NULL);
    /* The cut is at a line end, and the note's blank line ends the table. */
    CHECK(note != NULL && note[-1] == '\n' && strchr(note + 1, '|') == NULL);
    CHECK(b.data[b.len - 1] == '\n');
    buf_release(&b);
}

static void test_cap_closes_fence(void)
{
    buf b;
    buf_init(&b, 0);
    err e;
    buf_puts(&b, "<!-- m -->\n```mermaid\nxychart-beta\n", &e);
    for (int i = 0; i < 400; i++)
        buf_printf(&b, &e, "  line %d\n", i);
    buf_puts(&b, "```\n", &e);
    CHECK_INT(markdown_cap(&b, 2000, &e), 0);
    CHECK(b.len <= 2000);
    const char *note = strstr(b.data, "\n*This report was truncated");
    CHECK(note != NULL && note - b.data >= 4 && strncmp(note - 4, "```\n", 4) == 0);
    int fences = 0;
    for (const char *p = b.data; (p = strstr(p, "```")) != NULL; p += 3)
        fences++;
    CHECK_INT(fences, 2);
    buf_release(&b);
}

static void test_cap_one_long_line(void)
{
    buf b;
    buf_init(&b, 0);
    err e;
    /* "é" (2 bytes) and "&#124;" repeated, no line break at all. */
    for (int i = 0; i < 3000; i++)
        buf_puts(&b, "\xC3\xA9&#124;", &e);
    for (size_t limit = 300; limit < 320; limit++) {
        buf c;
        buf_init(&c, 0);
        buf_append(&c, b.data, b.len, &e);
        CHECK_INT(markdown_cap(&c, limit, &e), 0);
        CHECK(c.len <= limit);
        const char *note = strstr(c.data, "\n*This report was truncated");
        CHECK(note != NULL);
        /* The kept part is whole units: é and &#124; pairs. */
        size_t kept = note ? (size_t)(note - c.data) : 0;
        size_t unit = strlen("\xC3\xA9&#124;");
        CHECK_MSG(kept % unit == 0 || (kept % unit == 2), "limit %zu kept %zu", limit, kept);
        buf_release(&c);
    }
    buf_release(&b);
}

static void test_cap_too_small(void)
{
    buf b;
    buf_init(&b, 0);
    err e;
    buf_puts(&b, "0123456789012345678901234567890123456789", &e);
    CHECK_INT(markdown_cap(&b, 20, &e), -1);
    CHECK(strstr(e.msg, "truncation note") != NULL);
    buf_release(&b);
}

int main(void)
{
    test_hostile_name();
    test_markdown_syntax();
    test_mentions_and_unicode();
    test_cap_under_limit();
    test_cap_at_line();
    test_cap_closes_fence();
    test_cap_one_long_line();
    test_cap_too_small();
    return check_done();
}
