/* wikipedia: a race's weather from its Wikipedia article (docs/pipeline.md §1).
 *
 * The weather is the text of an infobox row whose header cell is a weather
 * label: English "Weather"; Italian "Clima", "Meteo", "Condizioni meteo",
 * "Condizioni meteorologiche" (compared trimmed, case-insensitively, a
 * trailing ':' ignored).  Rows are found by label, never by position, in
 * every table whose class contains "infobox" (English) or "sinottico"
 * (Italian Wikipedia's infobox class) and in the older articles' "Race
 * details" table (captioned or headed so).  The value is the text of
 * the cell after the label (all descendants; <br> and block elements
 * separate words; <style>, <script> and display:none elements dropped),
 * cleaned with weather_clean() (footnote markers, no-break spaces).
 *
 * The parsing functions are pure (HTML bytes in, strings out; no NUL
 * needed at html[n]) and safe on any input; gumbo does the HTML.  The work
 * per page is bounded, since a hostile or broken mirror can serve markup
 * that costs an HTML5 parser minutes (nesting thousands deep) or gigabytes
 * (formatting elements cloned over and over): a page over WIKI_ARTICLE_MAX
 * bytes is not parsed, and a parse is abandoned past 1 s of CPU or 256 MiB
 * of memory (gumbo allocates through the parser, which tracks every block,
 * so an abandoned parse frees all it held).  The
 * fetching function is serial and uses the caller's client (its pacing,
 * retries and User-Agent).  Returned strings are malloc'ed; the caller
 * frees them (wiki_weather_release() for a wiki_weather's members). */
#ifndef F1_NET_WIKIPEDIA_H
#define F1_NET_WIKIPEDIA_H

#include <stddef.h>

#include "core/err.h"
#include "net/http.h"

/* The largest article parsed (real ones are 0.3-2 MB). */
#define WIKI_ARTICLE_MAX ((size_t)4 << 20)

/* Finds the weather row.  Returns 0 with *text_out = the cleaned text (or
 * NULL when no infobox has a weather row, or its cell is empty) and, when
 * label_out is not NULL, *label_out = the matched label as written (NULL
 * with the text).  Returns -1 with e set when the page is over the bounds
 * above (ERR_DATA) or memory ran out. */
int wiki_extract_weather(const char *html, size_t n, char **text_out, char **label_out, err *e);

/* Finds the article's interlanguage link to language `lang` ("it"): an <a>
 * with hreflang=lang, or with lang=lang that is an interlanguage-link-target
 * or sits in an li.interlanguage-link.  Returns 0 with *url_out = its
 * absolute URL (a protocol-relative "//it.wikipedia.org/..." gets https:),
 * or NULL when there is none; -1 as wiki_extract_weather. */
int wiki_find_language_link(const char *html, size_t n, const char *lang, char **url_out, err *e);

/* The URL to fetch for `url`: when base is NULL or empty, a copy of url;
 * else url with its scheme and host[:port] replaced by base (a trailing '/'
 * of base dropped), path, query and fragment kept byte for byte
 * (percent-encoding included).  Returns 0 with *out malloc'ed, or -1
 * (ERR_DATA) when url is not absolute. */
int wiki_override_base(const char *url, const char *base, char **out, err *e);

typedef struct {
    char *text;          /* cleaned weather text when found, else NULL */
    char lang[4];        /* "en" or "it" when found, else "" */
    char *url;           /* un-overridden URL the status is about: where the
                          * text came from, else the article (or the Italian
                          * article whose fetch failed) */
    const char *status;  /* "found", "missing" or "error" (static strings) */
    char *error;         /* why, when status is "error"; else NULL */
} wiki_weather;

/* Reads the weather of the race whose English article is article_url,
 * fetching through base_override (see wiki_override_base) when non-empty:
 *   the English article's weather row            -> "found", "en";
 *   else its Italian article's weather row       -> "found", "it";
 *   no row in either (or no Italian article)     -> "missing";
 *   an article answering 404 or 410              -> "missing" (warned);
 *   an article over the parse bounds above       -> "error" (warned);
 *   a fetch that failed after the client's retries, or another status
 *                                                -> "error" (retry later);
 *   article_url NULL or empty                    -> "missing", url "".
 * Never a default value.  Returns 0 with *out filled in every case above
 * (free with wiki_weather_release), -1 only when out of memory. */
int wiki_fetch_weather(http_client *c, const char *article_url, const char *base_override, wiki_weather *out,
                       err *e);

/* Frees the members and empties *w; NULL is a no-op. */
void wiki_weather_release(wiki_weather *w);

#endif
