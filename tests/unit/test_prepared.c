/* Tests for the prepared table: prepared_reorder (a permutation moves rows
 * with their strings; anything else is refused and leaves the table as it
 * was), and prepared_write's numbers, which must read exactly as printf's
 * "%d" and "%.15g" (-0, fractions, large and negative values), with NULL
 * strings written as empty fields. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "core/buf.h"
#include "core/csv.h"
#include "core/fsutil.h"
#include "data/prepared.h"

static const char *const ids[] = {"alonso", "button", "coulthard", "diniz"};

/* A table of the four drivers above, in that order. */
static void fill(prepared *p)
{
    err e;
    memset(p, 0, sizeof *p);
    for (int i = 0; i < 4; i++) {
        prepared_row r = {.season = 2000, .round = 1, .driver_id = (char *)ids[i], .position = i + 1};
        CHECK_INT(prepared_append(p, &r, &e), 0);
    }
}

static void check_order(const prepared *p, const int *want)
{
    for (int i = 0; i < p->n; i++) {
        CHECK_STR(p->rows[i].driver_id, ids[want[i]]);
        CHECK_INT(p->rows[i].position, want[i] + 1);
        CHECK_STR(p->rows[i].race_name, ""); /* NULL was copied as "" */
    }
}

static void test_reorder(void)
{
    prepared p;
    err e;
    fill(&p);
    const int order[] = {2, 0, 3, 1};
    CHECK_INT(prepared_reorder(&p, order, &e), 0);
    CHECK_INT(p.n, 4);
    check_order(&p, order);
    /* Not permutations: a repeat, an index past the end, a negative one. */
    const int bad[][4] = {{0, 0, 1, 2}, {0, 1, 2, 4}, {-1, 0, 1, 2}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        err_clear(&e);
        CHECK_INT(prepared_reorder(&p, bad[k], &e), -1);
        CHECK_INT(e.kind, ERR_INTERNAL);
        check_order(&p, order);
    }
    /* An empty table reorders to itself. */
    prepared empty;
    memset(&empty, 0, sizeof empty);
    CHECK_INT(prepared_reorder(&empty, order, &e), 0);
    prepared_release(&empty);
    prepared_release(&p);
}

static void test_write_numbers(void)
{
    const double points[] = {0.0, -0.0, 0.5, 1.33, 3.14, 25, -4, 1e9, 2147483648.0, 1e15, 1e-7};
    const int ints[] = {0, -3, 9, INT_MIN, INT_MAX, 1000000, -1, 7, 12, 100, 42};
    enum { N = sizeof points / sizeof points[0] };
    prepared p;
    memset(&p, 0, sizeof p);
    err e;
    for (int i = 0; i < N; i++) {
        prepared_row r = {.season = ints[i], .round = ints[(i + 1) % N], .grid = ints[(i + 2) % N],
                          .position = ints[(i + 3) % N], .laps = ints[(i + 4) % N],
                          .points = points[i], .status = "Finished"};
        CHECK_INT(prepared_append(&p, &r, &e), 0);
    }
    char path[] = "/tmp/f1-test-prepared.XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    CHECK_INT(prepared_write(&p, path, &e), 0);
    buf b;
    buf_init(&b, 0);
    CHECK_INT(fs_read_file(path, &b, &e), 0);
    csv_reader r;
    csv_reader_init(&r, b.data, b.len);
    CHECK_INT(csv_next(&r, &e), 1); /* the header */
    for (int i = 0; i < N && csv_next(&r, &e) == 1; i++) {
        CHECK_INT(r.nfields, PREPARED_NCOLS);
        if (r.nfields != PREPARED_NCOLS)
            break;
        char want[32];
        snprintf(want, sizeof want, "%.15g", points[i]);
        CHECK_STR(r.fields[12], want);
        const int cols[] = {0, 1, 10, 11, 13}; /* season, round, grid, position, laps */
        for (int k = 0; k < 5; k++) {
            snprintf(want, sizeof want, "%d", ints[(i + k) % N]);
            CHECK_STR(r.fields[cols[k]], want);
        }
        CHECK_STR(r.fields[2], "");
        CHECK_STR(r.fields[14], "Finished");
    }
    CHECK_INT(csv_next(&r, &e), 0);
    csv_reader_release(&r);
    buf_release(&b);
    unlink(path);
    prepared_release(&p);
}

/* prepared_read keeps every string of the file in one block; rows
 * appended afterwards (past the rows it sized) are copies of their own,
 * and both kinds are freed by prepared_release (the sanitizer run checks). */
static void test_read_then_append(void)
{
    buf b;
    buf_init(&b, 0);
    err e;
    for (int i = 0; i < PREPARED_NCOLS; i++)
        CHECK_INT(buf_printf(&b, &e, "%s%s", i ? "," : "", prepared_columns[i]), 0);
    CHECK_INT(buf_puts(&b, "\n", &e), 0);
    enum { ROWS = 40 };
    int ok = 1;
    for (int i = 0; i < ROWS; i++)
        ok = ok && buf_printf(&b, &e,
                             "%d,%d,%s,2000-01-0%d,d%d,Name %d,,X,c,C,%d,%d,%s,50,Finished,ci,UK,"
                             "%s,warm%s",
                             2000 + i / 10, i % 10 + 1, i == 3 ? "\"Grand, \"\"Prix\"\"\"" : "GP",
                             i % 9 + 1, i, i, i % 20, i + 1, i % 2 ? "0.5" : "25",
                             i == 7 ? "\"Sunny, dry.\"" : "", i == 9 ? "\r\n" : "\n") == 0;
    CHECK(ok);
    char path[] = "/tmp/f1-test-prepared.XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    CHECK_INT(fs_write_atomic(path, b.data, b.len, &e), 0);
    prepared p;
    CHECK_INT(prepared_read(path, &p, &e), 0);
    CHECK_INT(p.n, ROWS);
    for (int i = 0; i < ROWS && p.n == ROWS; i++) {
        char id[16];
        snprintf(id, sizeof id, "d%d", i);
        CHECK_STR(p.rows[i].driver_id, id);
        CHECK_INT(p.rows[i].season, 2000 + i / 10);
        CHECK_INT(p.rows[i].position, i + 1);
        CHECK(p.rows[i].points == (i % 2 ? 0.5 : 25));
        CHECK_STR(p.rows[i].weather, "warm");
    }
    if (p.n == ROWS) {
        CHECK_STR(p.rows[3].race_name, "Grand, \"Prix\"");
        CHECK_STR(p.rows[7].weather_text, "Sunny, dry.");
    }
    /* some seasons only: 2000 holds the quoted and the CRLF records */
    for (int season = 2000; season <= 2003; season += 3) {
        prepared part;
        CHECK_INT(prepared_read_seasons(path, season, season, &part, &e), 0);
        CHECK_INT(part.n, 10);
        int lo = (season - 2000) * 10, same = part.n == 10 && p.n == ROWS;
        for (int i = 0; same && i < part.n; i++) {
            const prepared_row *a = &part.rows[i], *b = &p.rows[lo + i];
            same = a->season == b->season && a->round == b->round && a->points == b->points &&
                   strcmp(a->driver_id, b->driver_id) == 0 &&
                   strcmp(a->race_name, b->race_name) == 0 &&
                   strcmp(a->weather_text, b->weather_text) == 0;
        }
        CHECK_MSG(same, "season %d differs from the whole table's", season);
        prepared_release(&part);
    }
    for (int k = 0; k < 5; k++) {
        prepared_row r = p.rows[k];
        r.driver_id = "appended";
        CHECK_INT(prepared_append(&p, &r, &e), 0);
    }
    CHECK_INT(p.n, ROWS + 5);
    CHECK_STR(p.rows[ROWS + 4].driver_id, "appended");
    CHECK_STR(p.rows[ROWS + 4].race_name, "GP");
    CHECK_STR(p.rows[ROWS - 1].driver_id, "d39");
    prepared_release(&p);
    CHECK_INT(p.n, 0);
    /* a record with a missing field is rejected, naming its line */
    const char *cut = strchr(b.data, '\n') + 1;
    buf short_file;
    buf_init(&short_file, 0);
    CHECK_INT(buf_append(&short_file, b.data, (size_t)(cut - b.data), &e), 0);
    CHECK_INT(buf_puts(&short_file, "2000,1,GP\n", &e), 0);
    CHECK_INT(fs_write_atomic(path, short_file.data, short_file.len, &e), 0);
    CHECK_INT(prepared_read(path, &p, &e), -1);
    CHECK_MSG(strstr(e.msg, "line 2") != NULL, "%s", e.msg);
    buf_release(&short_file);
    unlink(path);
    buf_release(&b);
}

/* prepared.csv is input (a restored data-dir): every number is checked
 * against its range (data/bounds.h) and every non-finite spelling is
 * refused, naming the line and the column. */
static void test_read_bad_numbers(void)
{
    static const struct {
        int col; /* 0 season, 1 round, 10 grid, 11 position, 12 points, 13 laps */
        const char *value;
    } cases[] = {
        {12, "nan"}, {12, "NaN"}, {12, "inf"}, {12, "-inf"}, {12, "1e999"}, {12, ""}, {12, "0x10"},
        {12, "-1"}, {12, "101"}, {10, "nan"}, {10, "-1"}, {10, "1000"}, {11, "0"}, {11, "1e3"},
        {13, "inf"}, {13, "1000"}, {0, "1949"}, {0, "2101"}, {1, "0"}, {1, "100"},
    };
    const char *good[PREPARED_NCOLS] = {"2000", "1",  "GP", "2000-01-01", "d", "D", "", "X", "c", "C",
                                        "3",    "2",  "18", "50",         "Finished", "ci", "UK", "", "warm"};
    char path[] = "/tmp/f1-test-prepared.XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    err e;
    for (size_t k = 0; k <= sizeof cases / sizeof *cases; k++) {
        buf b;
        buf_init(&b, 0);
        int ok = 1;
        for (int i = 0; i < PREPARED_NCOLS; i++)
            ok = ok && buf_printf(&b, &e, "%s%s", i ? "," : "", prepared_columns[i]) == 0;
        for (int i = 0; i < PREPARED_NCOLS; i++) {
            int bad = k < sizeof cases / sizeof *cases && cases[k].col == i;
            ok = ok && buf_printf(&b, &e, "%s%s", i ? "," : "\n", bad ? cases[k].value : good[i]) == 0;
        }
        ok = ok && buf_puts(&b, "\n", &e) == 0;
        CHECK(ok);
        CHECK_INT(fs_write_atomic(path, b.data, b.len, &e), 0);
        prepared p;
        if (k == sizeof cases / sizeof *cases) { /* the unchanged row reads */
            CHECK_INT(prepared_read(path, &p, &e), 0);
            CHECK(p.n == 1 && p.rows[0].points == 18 && p.rows[0].grid == 3);
            prepared_release(&p);
        } else {
            CHECK_MSG(prepared_read(path, &p, &e) == -1, "column %d '%s' accepted", cases[k].col,
                      cases[k].value);
            CHECK_MSG(strstr(e.msg, "line 2") != NULL && strstr(e.msg, prepared_columns[cases[k].col]),
                      "%s", e.msg);
        }
        buf_release(&b);
    }
    unlink(path);
}

int main(void)
{
    test_reorder();
    test_write_numbers();
    test_read_then_append();
    test_read_bad_numbers();
    return check_done();
}
