/* fuzz_csv: any bytes as a CSV file.
 *
 * The record reader walks the whole input; then the same bytes, as a
 * file, go to the readers of prepared.csv and features.csv (and a
 * prepared table that reads goes on to feature_table_build, the next thing
 * the pipeline does with it).  What must hold: no crash, no leak, every
 * number of a prepared table that reads is finite and in its range, every
 * record's fields are NUL-terminated strings, a failed read leaves its
 * table empty, and a features table that reads has consistent sizes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "data/bounds.h"
#include "data/feature_table.h"
#include "data/prepared.h"
#include "fuzz_util.h"

static void records(const uint8_t *data, size_t size)
{
    csv_reader r;
    err e;
    csv_reader_init(&r, (const char *)data, size);
    while (csv_next(&r, &e) == 1) {
        if (r.nfields < 1)
            abort();
        for (int i = 0; i < r.nfields; i++)
            if (strlen(r.fields[i]) > size)
                abort();
    }
    csv_reader_release(&r);
}

static void prepared_file(const char *path)
{
    prepared p = {0};
    err e;
    if (prepared_read(path, &p, &e) != 0) {
        if (p.n != 0 || p.rows != NULL)
            abort();
        return;
    }
    /* Every number that reads is one, in its range (data/bounds.h). */
    for (int i = 0; i < p.n; i++) {
        const prepared_row *r = &p.rows[i];
        if (!isfinite(r->points) || r->points < 0 || r->points > F1_POINTS_MAX ||
            r->season < F1_SEASON_MIN || r->season > F1_SEASON_MAX || r->round < 1 ||
            r->round > F1_ROUND_MAX || r->position < 1 || r->grid < 0 || r->laps < 0)
            abort();
    }
    feature_table t = {0};
    if (p.n > 0 && feature_table_build(&p, p.rows[0].season, p.rows[p.n - 1].season, &t, &e) == 0 &&
        (t.nrows != p.n || t.nfeat < FEATURES_NFIXED))
        abort();
    feature_table_release(&t);
    prepared_release(&p);
}

static void features_file(const char *path)
{
    feature_table t = {0};
    err e;
    if (feature_table_read(path, &t, &e) != 0) {
        if (t.nrows != 0 || t.x != NULL || t.names != NULL)
            abort();
        return;
    }
    if (t.nfeat < 2 || t.nrows < 0 || (t.nrows > 0 && (t.x == NULL || t.won == NULL)))
        abort();
    feature_table_release(&t);
}

/* The readers limited to some seasons (the evaluate stage's): a table
 * that reads has only rows of those seasons, and a count never exceeds
 * the rows. */
static void season_reads(const char *path)
{
    feature_table t = {0};
    err e;
    season_count also = {.first = 1, .last = 3000};
    if (feature_table_read_seasons(path, 1, 2000, &also, &t, &e) == 0) {
        for (int i = 0; i < t.nrows; i++)
            if (t.season[i] < 1 || t.season[i] > 2000)
                abort();
        if (also.races > also.rows || also.races < 0 || also.rows < t.nrows)
            abort();
        feature_table_release(&t);
    } else if (t.nrows != 0 || t.x != NULL) {
        abort();
    }
    prepared p = {0};
    if (prepared_read_seasons(path, 1, 2000, &p, &e) == 0) {
        for (int i = 0; i < p.n; i++)
            if (p.rows[i].season < 1 || p.rows[i].season > 2000)
                abort();
        prepared_release(&p);
    } else if (p.n != 0 || p.rows != NULL) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet_log();
    records(data, size);
    const char *path = fuzz_tmp_file(data, size);
    prepared_file(path);
    features_file(path);
    season_reads(path);
    return 0;
}
