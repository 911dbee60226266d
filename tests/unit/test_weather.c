/* Tests for data/weather: the docs/pipeline.md §2 cleaning and categories.
 *
 * Real data: every raw text of data/weather/weather_by_race.csv (both raw
 * columns) is cleaned and looked up in data/weather_expected.tsv, which
 * tests/tools/weather_expected.py wrote with an independent Python
 * implementation of docs/pipeline.md §2; the category of every line must agree.  Then the
 * spec's examples and hand-written edge cases. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/buf.h"
#include "core/csv.h"
#include "core/fsutil.h"
#include "data/weather.h"

typedef struct {
    char *text;
    char *category;
} expected;

/* Splits the TSV (owned by b) in place into lines of "text\tcategory". */
static int load_expected(buf *b, expected **out)
{
    err e;
    err_clear(&e);
    if (fs_read_file("data/weather_expected.tsv", b, &e) != 0) {
        printf("%s\n", e.msg);
        return -1;
    }
    int n = 0;
    expected *ex = malloc(sizeof *ex * (b->len + 1));
    for (char *line = b->data; *line;) {
        char *nl = strchr(line, '\n');
        if (nl == NULL)
            break;
        *nl = '\0';
        char *tab = strrchr(line, '\t');
        if (tab != NULL) {
            *tab = '\0';
            ex[n].text = line;
            ex[n].category = tab + 1;
            n++;
        }
        line = nl + 1;
    }
    *out = ex;
    return n;
}

static int cmp_text(const void *key, const void *elem)
{
    return strcmp(key, ((const expected *)elem)->text);
}

static void test_real_texts(void)
{
    buf tsv, csv;
    buf_init(&tsv, 0);
    buf_init(&csv, 0);
    expected *ex = NULL;
    int n = load_expected(&tsv, &ex);
    CHECK_MSG(n > 500, "expected texts: %d", n);
    for (int i = 0; i < n; i++)
        CHECK_MSG(strcmp(weather_category(ex[i].text), ex[i].category) == 0, "'%s': C says %s, Python %s",
                  ex[i].text, weather_category(ex[i].text), ex[i].category);

    err e;
    err_clear(&e);
    CHECK_INT(fs_read_file("data/weather/weather_by_race.csv", &csv, &e), 0);
    csv_reader r;
    csv_reader_init(&r, csv.data, csv.len);
    int cols[2] = {-1, -1}, races = 0, unmatched = 0;
    int *seen = calloc((size_t)n + 1, sizeof *seen);
    if (csv_next(&r, &e) == 1)
        for (int i = 0; i < r.nfields; i++) {
            if (strcmp(r.fields[i], "weather_veronicanigro_2020") == 0)
                cols[0] = i;
            if (strcmp(r.fields[i], "weather_jomin_2023") == 0)
                cols[1] = i;
        }
    CHECK(cols[0] >= 0 && cols[1] >= 0);
    while (cols[0] >= 0 && cols[1] >= 0 && csv_next(&r, &e) == 1) {
        races++;
        for (int c = 0; c < 2; c++) {
            char *clean = weather_clean(r.fields[cols[c]]);
            const expected *hit = bsearch(clean, ex, (size_t)n, sizeof *ex, cmp_text);
            if (hit == NULL) {
                unmatched++;
                printf("cleaned text not in the Python table: '%s'\n", clean);
            } else {
                seen[hit - ex] = 1;
            }
            free(clean);
        }
    }
    CHECK_INT(races, 1079);
    CHECK_INT(unmatched, 0);
    /* Every expected text comes from the file, so the C cleaning reached
     * them all: the two cleanings agree on the whole data set. */
    int reached = 0;
    for (int i = 0; i < n; i++)
        reached += seen[i];
    CHECK_INT(reached, n);
    free(seen);
    csv_reader_release(&r);
    free(ex);
    buf_release(&tsv);
    buf_release(&csv);
}

static void check_clean(const char *raw, const char *want)
{
    char *got = weather_clean(raw);
    CHECK_MSG(got != NULL && strcmp(got, want) == 0, "clean('%s') = '%s', want '%s'", raw, got, want);
    free(got);
}

static void test_clean(void)
{
    check_clean("Clear[1]", "Clear");
    check_clean("Sunny[nb 2] and warm", "Sunny and warm");
    check_clean("Dry[a][b]", "Dry");
    check_clean("Wet[]", "Wet");
    /* Twelve characters inside are a marker, thirteen are not. */
    check_clean("Fine[abcdefghijkl]x", "Fine x");
    check_clean("Fine[abcdefghijklm]", "Fine[abcdefghijklm]");
    /* Punctuation inside is not a marker either. */
    check_clean("Rain[note-1]", "Rain[note-1]");
    check_clean("\xC2\xA0 Sunny\xC2\xA0\xC2\xA0" "27\xC2\xA0\xC2\xB0" "C\n\n(81 \xC2\xB0" "F)\t ", "Sunny 27 \xC2\xB0" "C (81 \xC2\xB0" "F)");
    check_clean("Warm\xE2\x80\xAF" "and\xE2\x80\x89" "dry\xE3\x80\x80.", "Warm and dry .");
    check_clean("", "");
    check_clean(" \xC2\xA0 ", "");
    /* A marker between words leaves a space; a lone "[" stays. */
    check_clean("Hot[1]dry [", "Hot dry [");
}

static void check_cat(const char *text, const char *want)
{
    const char *got = weather_category(text);
    CHECK_MSG(strcmp(got, want) == 0, "category('%s') = %s, want %s", text, got, want);
}

static void test_category(void)
{
    /* The spec's examples. */
    check_cat("Sunny, mild, dry", "warm");
    check_cat("Cloudy and rainy", "wet");
    check_cat("Hot and dry", "hot");
    check_cat("Risultati", "unknown");
    /* Italian values. */
    check_cat("Soleggiato", "warm");
    check_cat("Pioggia", "wet");
    check_cat("Coperto", "cloudy");
    check_cat("Nuvoloso", "cloudy");
    check_cat("Parzialmente nuvoloso", "cloudy");
    check_cat("Sereno", "warm");
    check_cat("Asciutto", "dry");
    /* Empty, NULL and no keyword. */
    check_cat("", "unknown");
    check_cat(NULL, "unknown");
    check_cat("not found", "unknown");
    check_cat("27 \xC2\xB0" "C", "unknown");
    /* Priority is the table's, not the text's order. */
    check_cat("Overcast, rain, then sunny", "warm");
    check_cat("Cool and hot", "hot");
    check_cat("Wet then dry", "dry");
    /* Words are whole runs of letters: no substrings. */
    check_cat("Hotter", "unknown");
    check_cat("Rainfall", "unknown");
    check_cat("Finest", "unknown");
    check_cat("Sunshine", "unknown");
    /* Digits, punctuation and no-break spaces split words. */
    check_cat("29\xC2\xB0" "Cwarm", "unknown");
    check_cat("dry2wet", "dry");
    check_cat("rain-affected", "wet");
    check_cat("light\xC2\xA0rain", "wet");
    check_cat("(cloudy)", "cloudy");
    check_cat("overcast\xE2\x80\x93wet", "wet");
    check_cat("Hot[abcdefghijklm]", "hot");
    /* Accented letters belong to the word: "più" is not "pi", and "fineà"
     * is not "fine". */
    check_cat("fineà", "unknown");
    check_cat("àfine", "unknown");
    check_cat("Giro più veloce", "unknown");
    check_cat("Coperto, più fresco", "cloudy");
    check_cat("Fine\xC3\xA8", "unknown");
    check_cat("Fine \xC3\xA8", "warm");
    /* The ordinal indicator U+00BA is a letter: "61ºrain" is one word
     * "ºrain"; a stray byte is not a letter. */
    check_cat("61\xC2\xBArain", "unknown");
    check_cat("\xFFrain", "wet");
    /* An overlong encoding of 'a' is not a letter. */
    check_cat("r\xC1\xA1in", "unknown");
    /* Case does not matter. */
    check_cat("SUNNY", "warm");
    check_cat("ThUnDeRsToRmS", "wet");
    /* Long words cannot match but are skipped whole. */
    check_cat("Thunderstormsthunderstorms dry", "dry");
}

int main(void)
{
    test_real_texts();
    test_clean();
    test_category();
    return check_done();
}
