#include "core/mdesc.h"

#include <string.h>
#include <strings.h>

int mdesc_text(buf *out, const char *s, err *e)
{
    for (const unsigned char *p = (const unsigned char *)s; p != NULL && *p; p++) {
        char esc[3] = {'\\', (char)*p, '\0'};
        const char *rep = esc + 1;
        if (*p < 0x20 || *p == 0x7f)
            rep = " ";
        else if (*p < 0x80 && strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", *p) != NULL)
            rep = esc;
        if (buf_puts(out, rep, e) != 0)
            return -1;
    }
    return 0;
}

/* Bytes kept as they are in a link destination; the rest (spaces,
 * parentheses, angle brackets, quotes, backslashes, controls, non-ASCII)
 * are percent-encoded, so the destination ends where the URL does. */
static int url_plain(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr("-._~:/?#[]@!$&'*+,;=%", c) != NULL);
}

int mdesc_link(buf *out, const char *text, const char *url, err *e)
{
    int web = url != NULL && (strncasecmp(url, "https://", 8) == 0 || strncasecmp(url, "http://", 7) == 0);
    if (!web) {
        if (mdesc_text(out, text, e) != 0)
            return -1;
        if (url == NULL || url[0] == '\0')
            return 0;
        return buf_puts(out, " (", e) != 0 || mdesc_text(out, url, e) != 0 ? -1 : buf_puts(out, ")", e);
    }
    if (buf_puts(out, "[", e) != 0 || mdesc_text(out, text, e) != 0 || buf_puts(out, "](", e) != 0)
        return -1;
    for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
        int rc = url_plain(*p) ? buf_append(out, p, 1, e) : buf_printf(out, e, "%%%02X", *p);
        if (rc != 0)
            return -1;
    }
    return buf_puts(out, ")", e);
}
