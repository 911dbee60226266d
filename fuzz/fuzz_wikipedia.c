/* fuzz_wikipedia: any bytes as a Wikipedia article.
 *
 * Runs what the source stage runs on a fetched article: the weather row
 * search, the Italian interlanguage-link search, and the base override
 * of the link it found (that URL comes from the page, so it is hostile
 * input too).  What must hold: no crash, no leak, a found weather text is
 * non-empty with its label, a found link is absolute. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz_util.h"
#include "net/wikipedia.h"

static void weather(const char *html, size_t size)
{
    err e;
    char *text = NULL, *label = NULL;
    if (wiki_extract_weather(html, size, &text, &label, &e) != 0)
        return;
    if ((text == NULL) != (label == NULL) || (text != NULL && text[0] == '\0'))
        abort();
    free(text);
    free(label);
}

static void language_link(const char *html, size_t size)
{
    err e;
    char *url = NULL, *fetch = NULL;
    if (wiki_find_language_link(html, size, "it", &url, &e) != 0 || url == NULL)
        return;
    if (strncasecmp(url, "http", 4) != 0 || strstr(url, "//") == NULL)
        abort();
    if (wiki_override_base(url, "http://127.0.0.1:8080/", &fetch, &e) == 0 &&
        strncmp(fetch, "http://127.0.0.1:8080", 21) != 0)
        abort();
    free(fetch);
    free(url);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet_log();
    weather((const char *)data, size);
    language_link((const char *)data, size);
    return 0;
}
