/* mdesc: untrusted text in Markdown.  Every ASCII punctuation character is
 * backslash-escaped, controls become spaces, other bytes are kept; links
 * only to http(s) URLs, with what could end the destination encoded.
 * (test_hostile.sh renders a whole job summary with GitHub's cmark-gfm.) */
#include <stdlib.h>

#include "check.h"
#include "core/mdesc.h"

static char *text(const char *s)
{
    buf b;
    buf_init(&b, 0);
    err e;
    CHECK_INT(mdesc_text(&b, s, &e), 0);
    return buf_detach(&b);
}

static char *link(const char *t, const char *url)
{
    buf b;
    buf_init(&b, 0);
    err e;
    CHECK_INT(mdesc_link(&b, t, url, &e), 0);
    return buf_detach(&b);
}

static void expect(char *got, const char *want)
{
    CHECK_STR(got, want);
    free(got);
}

static void test_text(void)
{
    expect(text("Abu Dhabi Grand Prix"), "Abu Dhabi Grand Prix");
    expect(text("São Paulo – Hülkenberg"), "São Paulo – Hülkenberg");
    expect(text("max_verstappen"), "max\\_verstappen");
    expect(text("a|b"), "a\\|b");
    expect(text("Evil\n::error::INJECTED\r\n"), "Evil \\:\\:error\\:\\:INJECTED  ");
    expect(text("[x](https://evil) ![i](y)"), "\\[x\\]\\(https\\:\\/\\/evil\\) \\!\\[i\\]\\(y\\)");
    expect(text("<img src=x onerror=alert(1)>&amp;"), "\\<img src\\=x onerror\\=alert\\(1\\)\\>\\&amp\\;");
    expect(text("**b** _i_ `c` ~~s~~ # h @team"), "\\*\\*b\\*\\* \\_i\\_ \\`c\\` \\~\\~s\\~\\~ \\# h \\@team");
    expect(text("back\\slash \"q\" 'a'"), "back\\\\slash \\\"q\\\" \\'a\\'");
    expect(text("tab\there\x01\x7f"), "tab here  ");
    expect(text(""), "");
    expect(text(NULL), "");
    /* every ASCII punctuation character, each escaped */
    const char *punct = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    char *got = text(punct);
    CHECK_INT(strlen(got), 2 * strlen(punct));
    for (size_t i = 0; got != NULL && i < strlen(punct); i++)
        CHECK(got[2 * i] == '\\' && got[2 * i + 1] == punct[i]);
    free(got);
    /* a buf at its cap reports it */
    buf small;
    buf_init(&small, 4);
    err e;
    CHECK_INT(mdesc_text(&small, "a.b.c", &e), -1);
    buf_release(&small);
}

static void test_link(void)
{
    expect(link("f1-model", "https://github.com/o/r/actions/runs/1/artifacts/7"),
           "[f1\\-model](https://github.com/o/r/actions/runs/1/artifacts/7)");
    /* what could close the destination or start a title is encoded */
    expect(link("x", "https://a.b/p) [y](https://evil \"t\" <z>\n"),
           "[x](https://a.b/p%29%20[y]%28https://evil%20%22t%22%20%3Cz%3E%0A)");
    expect(link("x", "HTTP://A.B/%41\\"), "[x](HTTP://A.B/%41%5C)");
    /* no link to anything but the web: the text, then the URL as text */
    expect(link("x", "javascript:alert(1)"), "x (javascript\\:alert\\(1\\))");
    expect(link("name", ""), "name");
    expect(link("name", NULL), "name");
}

int main(void)
{
    test_text();
    test_link();
    return check_done();
}
