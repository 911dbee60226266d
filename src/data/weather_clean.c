#include <stdlib.h>
#include <string.h>

#include "data/weather.h"

/* Bytes of a Unicode space (the White_Space property) at s (0 if none).
 * Wikipedia cells carry U+00A0 and, less often, the other spaces of the
 * General Punctuation block; all of them separate words the same way. */
static size_t unicode_space_len(const unsigned char *s)
{
    if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v')
        return 1;
    if (s[0] == 0xC2 && (s[1] == 0xA0 || s[1] == 0x85))
        return 2; /* U+00A0, U+0085 */
    if (s[0] == 0xE1 && s[1] == 0x9A && s[2] == 0x80)
        return 3; /* U+1680 */
    if (s[0] == 0xE2 && s[1] == 0x80 &&
        ((s[2] >= 0x80 && s[2] <= 0x8A) || s[2] == 0xA8 || s[2] == 0xA9 || s[2] == 0xAF))
        return 3; /* U+2000..U+200A, U+2028, U+2029, U+202F */
    if (s[0] == 0xE2 && s[1] == 0x81 && s[2] == 0x9F)
        return 3; /* U+205F */
    if (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)
        return 3; /* U+3000 */
    return 0;
}

/* Length of a footnote marker at s, or 0.  "At most 12" includes none:
 * "[]" is a marker too (an emptied reference). */
static size_t footnote_len(const char *s)
{
    if (*s != '[')
        return 0;
    size_t i = 1;
    while (i <= 13) {
        char c = s[i];
        if (c == ']')
            return i + 1;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' '))
            return 0;
        i++;
    }
    return 0;
}

char *weather_clean(const char *raw)
{
    size_t n = strlen(raw);
    char *out = malloc(n + 1);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    int pending_space = 0;
    const char *s = raw;
    while (*s) {
        size_t sp = footnote_len(s);
        if (sp == 0)
            sp = unicode_space_len((const unsigned char *)s);
        if (sp > 0) {
            pending_space = 1;
            s += sp;
            continue;
        }
        if (pending_space && o > 0)
            out[o++] = ' ';
        pending_space = 0;
        out[o++] = *s++;
    }
    out[o] = '\0';
    return out;
}
