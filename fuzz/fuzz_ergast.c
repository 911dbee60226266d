/* fuzz_ergast: any bytes as an Ergast/Jolpica API answer.
 *
 * The input is parsed as a page of every kind whose table name it
 * mentions (all of them share one parser; picking by content keeps each
 * input cheap), then, for the race kinds, merged twice into one Races
 * array the way the source stage joins a race split over two pages.  What
 * must hold: no crash, no leak, and a page's row count is what
 * ergast_count_rows says of its items. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "net/ergast.h"

static const ergast_kind *const kinds[] = {
    &ergast_kind_seasons, &ergast_kind_circuits, &ergast_kind_drivers, &ergast_kind_constructors,
    &ergast_kind_races,   &ergast_kind_results,  &ergast_kind_qualifying,
};

static int mentions(const uint8_t *data, size_t size, const char *word)
{
    /* byte by byte: libFuzzer hooks every memcmp/strstr call, which would
     * make this scan cost more than the parse */
    size_t n = strlen(word);
    for (size_t i = 0; i + n <= size; i++) {
        size_t j = 0;
        while (j < n && data[i + j] == (uint8_t)word[j])
            j++;
        if (j == n)
            return 1;
    }
    return 0;
}

/* Parses as kind k and, for race kinds, merges the page into *races. */
static void one_kind(const uint8_t *data, size_t size, const ergast_kind *k, cJSON *races)
{
    err e;
    ergast_page page;
    if (ergast_parse_page((const char *)data, size, k, &page, &e) != 0) {
        if (page.items != NULL)
            abort(); /* a failed parse must leave nothing owned */
        return;
    }
    if (page.total < 0 || page.offset < 0 || page.limit < 0 || page.items == NULL ||
        page.rows != ergast_count_rows(page.items, k->rows))
        abort();
    if (k->rows != NULL && races != NULL) {
        long before = ergast_count_rows(races, k->rows);
        /* On success the page is left empty, and joining halves neither
         * loses nor invents rows. */
        if (ergast_merge_races(races, page.items, k->rows, &e) == 0 &&
            (cJSON_GetArraySize(page.items) != 0 ||
             ergast_count_rows(races, k->rows) != before + page.rows))
            abort();
    }
    ergast_page_release(&page);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *races = cJSON_CreateArray();
    if (races == NULL)
        return 0;
    int tried = 0;
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        if (!mentions(data, size, kinds[i]->table))
            continue;
        tried = 1;
        one_kind(data, size, kinds[i], races);
        /* the second half of a race split over two pages */
        one_kind(data, size, kinds[i], races);
    }
    if (!tried)
        one_kind(data, size, &ergast_kind_seasons, NULL);
    cJSON_Delete(races);
    return 0;
}
