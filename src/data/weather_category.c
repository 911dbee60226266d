#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "data/weather.h"

/* docs/pipeline.md §2, in priority order: the first category with a word of the text
 * in its list wins, wherever that word stands in the text. */
static const struct {
    const char *category;
    const char *words[8];
} categories[] = {
    {"hot", {"hot"}},
    {"warm", {"soleggiato", "clear", "warm", "sunny", "fine", "mild", "sereno"}},
    {"cold", {"cold", "fresh", "chilly", "cool"}},
    {"dry", {"dry", "asciutto"}},
    {"wet", {"showers", "wet", "rain", "pioggia", "damp", "thunderstorms", "rainy", "drizzly"}},
    {"cloudy", {"overcast", "nuvoloso", "clouds", "cloudy", "grey", "coperto"}},
};
#define NCATEGORIES (sizeof categories / sizeof categories[0])

/* Every keyword is ASCII and shorter than this; a longer word or one with
 * a non-ASCII letter cannot match, but must still be read as one word. */
#define WORD_MAX 16

/* Non-ASCII letters (Unicode categories L*), by block: the Latin, Greek,
 * Cyrillic, Armenian, Hebrew and Arabic letters and the common CJK, kana
 * and Hangul ranges.  Anything outside (symbols such as the degree sign,
 * spaces such as U+00A0, dashes, digits) splits words.  Ranges are
 * inclusive and sorted. */
static const uint32_t letter_ranges[][2] = {
    {0x00AA, 0x00AA}, {0x00B5, 0x00B5}, {0x00BA, 0x00BA}, {0x00C0, 0x00D6},
    {0x00D8, 0x00F6}, {0x00F8, 0x02C1}, {0x02C6, 0x02D1}, {0x02E0, 0x02E4},
    {0x02EC, 0x02EC}, {0x02EE, 0x02EE}, {0x0370, 0x0374}, {0x0376, 0x0377},
    {0x037A, 0x037D}, {0x037F, 0x037F}, {0x0386, 0x0386}, {0x0388, 0x038A},
    {0x038C, 0x038C}, {0x038E, 0x03A1}, {0x03A3, 0x03F5}, {0x03F7, 0x0481},
    {0x048A, 0x052F}, {0x0531, 0x0556}, {0x0560, 0x0588}, {0x05D0, 0x05EA},
    {0x0620, 0x064A}, {0x1E00, 0x1F15}, {0x1F18, 0x1F1D}, {0x1F20, 0x1F45},
    {0x1F48, 0x1F4D}, {0x1F50, 0x1F57}, {0x1F59, 0x1F7D}, {0x1F80, 0x1FB4},
    {0x1FB6, 0x1FBC}, {0x3041, 0x3096}, {0x30A1, 0x30FA}, {0x4E00, 0x9FFF},
    {0xAC00, 0xD7A3},
};

static int is_letter(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    size_t lo = 0, hi = sizeof letter_ranges / sizeof letter_ranges[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < letter_ranges[mid][0])
            hi = mid;
        else if (cp > letter_ranges[mid][1])
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

/* Decodes one UTF-8 sequence at s (NUL-terminated) into *cp and returns
 * its length.  A malformed byte decodes as U+FFFD (not a letter) of length
 * 1, so a stray Latin-1 byte splits words instead of eating the text. */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
    size_t n;
    uint32_t c;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    } else if ((s[0] & 0xE0) == 0xC0) {
        n = 2;
        c = s[0] & 0x1F;
    } else if ((s[0] & 0xF0) == 0xE0) {
        n = 3;
        c = s[0] & 0x0F;
    } else if ((s[0] & 0xF8) == 0xF0) {
        n = 4;
        c = s[0] & 0x07;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    /* The NUL terminator fails the continuation test, so this never reads
     * past the end of the string. */
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        c = (c << 6) | (s[i] & 0x3F);
    }
    /* Overlong forms would smuggle ASCII letters past the decoder. */
    static const uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
    *cp = c < min_cp[n] ? 0xFFFD : c;
    return n;
}

/* Index of the first category listing word, or NCATEGORIES. */
static size_t word_rank(const char *word)
{
    for (size_t c = 0; c < NCATEGORIES; c++)
        for (size_t w = 0; w < 8 && categories[c].words[w] != NULL; w++)
            if (strcmp(categories[c].words[w], word) == 0)
                return c;
    return NCATEGORIES;
}

const char *weather_category(const char *text)
{
    size_t best = NCATEGORIES;
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    while (*s) {
        uint32_t cp;
        size_t n = utf8_decode(s, &cp);
        if (!is_letter(cp)) {
            s += n;
            continue;
        }
        /* A word: lower-case its ASCII letters; a non-ASCII letter or an
         * overlong word makes it unmatchable but does not end it. */
        char word[WORD_MAX];
        size_t len = 0;
        int matchable = 1;
        while (*s) {
            n = utf8_decode(s, &cp);
            if (!is_letter(cp))
                break;
            if (cp >= 0x80 || len + 1 >= WORD_MAX)
                matchable = 0;
            else
                word[len++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp);
            s += n;
        }
        word[len] = '\0';
        if (matchable) {
            size_t r = word_rank(word);
            if (r < best)
                best = r;
        }
    }
    return best < NCATEGORIES ? categories[best].category : "unknown";
}
