/* Cross-check of data/features_v2 against the independent Python
 * reference on real data: the bundled Ergast tables (data/ergast-csv, run
 * from tests/) become prepared rows and a qualifying table
 * (ergast_fixture.h), features_v2_build() computes every row, and each
 * value of the rows in data/features_v2_reference.csv must match the
 * reference to 1e-9 (NAN where it has nan).  That file was written by
 *   /usr/bin/python3 tests/tools/v2_reference.py --seasons 1950,1995,2005,2024 \
 *       --float-format %.12g --features-out tests/data/features_v2_reference.csv
 * (1950: shared cars and no previous season; 1995: races without
 * qualifying; 2005: two qualifying sessions; 2024: Q1-Q3, 24 rounds).
 * A reference of other seasons can be given as argv[1]
 * (tests/integration/test_features_v2.sh passes all of 2003-2024). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ergast_fixture.h"
#include "data/features_v2.h"

#define TOLERANCE 1e-9

typedef struct {
    int checked;                        /* reference rows compared */
    int missing;                        /* reference rows with no C row */
    int bad[FEATURES_V2_NFEAT];         /* mismatches per feature */
    char first_bad[FEATURES_V2_NFEAT][160];
} comparison;

/* The C row of (season, round, driver) at or after *from (rows of both
 * files are in prepared order), or -1. */
static int find_row(const feature_table *t, int *from, int season, int round, const char *id)
{
    for (int i = *from; i < t->nrows; i++)
        if (t->season[i] == season && t->round[i] == round && strcmp(t->driver_id[i], id) == 0) {
            *from = i + 1;
            return i;
        }
    return -1;
}

static int same(double a, double b)
{
    return (isnan(a) && isnan(b)) || fabs(a - b) <= TOLERANCE;
}

static int compare(const feature_table *t, const char *path, comparison *c, err *e)
{
    buf b = {0};
    csv_reader r;
    int rc = -1, got, from = 0;
    if (fs_read_file(path, &b, e) != 0)
        return -1;
    csv_reader_init(&r, b.data, b.len);
    if (csv_next(&r, e) != 1 || r.nfields != 3 + FEATURES_V2_NFEAT) {
        err_set(e, "%s: expected a header of %d columns", path, 3 + FEATURES_V2_NFEAT);
        goto out;
    }
    for (int j = 0; j < FEATURES_V2_NFEAT; j++)
        if (strcmp(r.fields[3 + j], features_v2_names[j]) != 0) {
            err_set(e, "%s: column %d is '%s', expected '%s'", path, 4 + j, r.fields[3 + j],
                    features_v2_names[j]);
            goto out;
        }
    while ((got = csv_next(&r, e)) == 1) {
        if (r.nfields != 3 + FEATURES_V2_NFEAT) {
            err_set(e, "%s: line %ld has %d fields", path, r.line - 1, r.nfields);
            goto out;
        }
        int season = atoi(r.fields[0]), round = atoi(r.fields[1]);
        int i = find_row(t, &from, season, round, r.fields[2]);
        c->checked++;
        if (i < 0) {
            c->missing++;
            continue;
        }
        for (int j = 0; j < FEATURES_V2_NFEAT; j++) {
            double want = strtod(r.fields[3 + j], NULL), have = t->x[(size_t)j * t->nrows + i];
            if (same(have, want))
                continue;
            if (c->bad[j]++ == 0)
                snprintf(c->first_bad[j], sizeof c->first_bad[j], "%d round %d %s: C %.17g, Python %s",
                         season, round, r.fields[2], have, r.fields[3 + j]);
        }
    }
    rc = got;
out:
    csv_reader_release(&r);
    buf_release(&b);
    return rc;
}

int main(int argc, char **argv)
{
    const char *reference = argc > 1 ? argv[1] : "data/features_v2_reference.csv";
    prepared p;
    qualifying_table q;
    feature_table t;
    comparison c;
    err e = {0};
    memset(&c, 0, sizeof c);
    memset(&t, 0, sizeof t);
    int loaded = ergast_load("data/ergast-csv", &p, &q, &e) == 0;
    CHECK_MSG(loaded, "loading data/ergast-csv: %s", e.msg);
    if (loaded) {
        /* The bundled data: 1950 to 2025, qualifying from 1994. */
        CHECK(p.n > 27000);
        CHECK(q.n > 10000);
        int built = features_v2_build(&p, &q, &t, &e) == 0;
        CHECK_MSG(built, "features_v2_build: %s", e.msg);
        int compared = built && compare(&t, reference, &c, &e) == 0;
        CHECK_MSG(compared, "reading %s: %s", reference, e.msg);
        /* A reference of at least one full season was compared. */
        CHECK_MSG(c.checked >= 300, "only %d reference rows", c.checked);
        CHECK_MSG(c.missing == 0, "%d reference rows have no C row", c.missing);
        for (int j = 0; j < FEATURES_V2_NFEAT; j++)
            CHECK_MSG(c.bad[j] == 0, "%s: %d of %d rows differ, first %s", features_v2_names[j],
                      c.bad[j], c.checked, c.first_bad[j]);
        printf("compared %d rows x %d features with %s\n", c.checked, FEATURES_V2_NFEAT, reference);
    }
    feature_table_release(&t);
    prepared_release(&p);
    qualifying_release(&q);
    return check_done();
}
