#include "core/markdown.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */
#define WORD_JOINER "\xE2\x81\xA0" /* U+2060 */

/* Length of the valid UTF-8 sequence at s (1-4) with its code point in
 * *cp, or 0 when s does not start one (overlong forms and surrogates
 * included: they are how filters get bypassed). */
static size_t utf8_decode(const unsigned char *s, unsigned *cp)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, min = 0x80, c &= 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, min = 0x800, c &= 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, min = 0x10000, c &= 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

/* Invisible characters that reorder or hide text (Trojan Source) or
 * would split a word a reader sees as one. */
static int invisible(unsigned cp)
{
    return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF ||
           cp == 0x061C || cp == 0x180E;
}

/* C1 controls and the Unicode line and paragraph separators: breaks. */
static int line_break(unsigned cp)
{
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029;
}

int markdown_text(buf *out, const char *s, err *e)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p != '\0') {
        unsigned c = *p;
        char ref[8];
        const char *rep;
        size_t len = 1;
        if (c >= 0x80) {
            unsigned cp = 0;
            len = utf8_decode(p, &cp);
            if (len == 0) {
                len = 1;
                rep = REPLACEMENT;
            } else if (invisible(cp)) {
                rep = REPLACEMENT;
            } else if (line_break(cp)) {
                rep = " ";
            } else {
                rep = NULL;
            }
        } else if (isalnum((int)c) || c == ' ') {
            rep = NULL;
        } else if (c < 0x20 || c == 0x7F) {
            rep = " ";
        } else if (c == '@') {
            rep = "@" WORD_JOINER;
        } else {
            snprintf(ref, sizeof ref, "&#%u;", c);
            rep = ref;
        }
        int rc = rep != NULL ? buf_puts(out, rep, e) : buf_append(out, p, len, e);
        if (rc != 0)
            return -1;
        p += len;
    }
    return 0;
}

/* Fence state of a Markdown body, line by line: whether the lines read so
 * far leave a ``` or ~~~ block open, and how to close it. */
typedef struct {
    char ch;      /* '`' or '~' while a block is open, else 0 */
    size_t len;   /* its opening fence's length */
} fence;

/* Updates f with the line [line, end). */
static void fence_line(fence *f, const char *line, const char *end)
{
    const char *p = line;
    for (int i = 0; i < 3 && p < end && *p == ' '; i++)
        p++;
    if (p == end || (*p != '`' && *p != '~'))
        return;
    char ch = *p;
    size_t n = 0;
    while (p + n < end && p[n] == ch)
        n++;
    if (n < 3)
        return;
    if (f->ch == 0) {
        /* A backtick fence's info string may not hold a backtick. */
        if (ch == '`' && memchr(p + n, '`', (size_t)(end - p - n)) != NULL)
            return;
        f->ch = ch;
        f->len = n;
        return;
    }
    if (ch != f->ch || n < f->len)
        return;
    for (const char *q = p + n; q < end; q++)
        if (*q != ' ' && *q != '\t' && *q != '\r')
            return;
    f->ch = 0;
}

/* Where to cut a body with no usable line break: at most `room` bytes, at
 * a UTF-8 boundary, and before a character reference cut in two. */
static size_t byte_cut(const char *s, size_t room)
{
    size_t cut = room;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    for (size_t back = 1; back <= 10 && back <= cut; back++) {
        char c = s[cut - back];
        if (c == ';')
            break;
        if (c == '&') {
            cut -= back;
            break;
        }
    }
    return cut;
}

int markdown_cap(buf *body, size_t limit, err *e)
{
    if (body->len <= limit)
        return 0;
    char note[160];
    int nl = snprintf(note, sizeof note,
                      "\n*This report was truncated to fit GitHub's limit of %zu characters.*\n", limit);
    size_t note_len = (size_t)nl;
    if (limit <= note_len)
        return err_set(e, "a Markdown body limit of %zu bytes cannot hold the truncation note", limit);
    /* The last line end where the kept text, a closing fence when one is
     * open there, and the note all fit. */
    size_t cut = 0;
    fence f = {0, 0}, at_cut = {0, 0};
    const char *s = body->data;
    for (size_t start = 0; start < limit;) {
        const char *nlp = memchr(s + start, '\n', body->len - start);
        if (nlp == NULL)
            break;
        size_t end = (size_t)(nlp - s) + 1;
        if (end + note_len > limit)
            break;
        fence_line(&f, s + start, nlp);
        /* Inside a long fence this line may not fit; a later one closing
         * the fence still can. */
        if (end + note_len + (f.ch ? f.len + 1 : 0) <= limit) {
            cut = end;
            at_cut = f;
        }
        start = end;
    }
    if (cut == 0) {
        cut = byte_cut(s, limit - note_len);
        at_cut.ch = 0;
    }
    body->len = cut;
    body->data[cut] = '\0';
    for (size_t i = 0; at_cut.ch && i < at_cut.len; i++)
        if (buf_append(body, &at_cut.ch, 1, e) != 0)
            return -1;
    if (at_cut.ch && buf_puts(body, "\n", e) != 0)
        return -1;
    return buf_puts(body, note, e);
}
