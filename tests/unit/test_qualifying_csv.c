/* Tests for data/qualifying_csv: the exact bytes written (sorted rows,
 * empty cells for missing times), the round trip, and the reader's and
 * writer's refusal of every malformed file or table, each with a message
 * naming the fault. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "core/fsutil.h"
#include "data/qualifying_csv.h"

static char dir[] = "/tmp/f1-test-qualifying-csv.XXXXXX";
static char path[256];

static void add(qualifying_table *t, int season, int round, const char *id, double q1, double q2,
                double q3)
{
    err e;
    double q[QUALIFYING_SESSIONS] = {q1, q2, q3};
    CHECK_INT(qualifying_append(t, season, round, id, q, &e), 0);
}

static char *slurp(const char *p)
{
    buf b;
    buf_init(&b, 0);
    err e;
    if (fs_read_file(p, &b, &e) != 0) {
        buf_release(&b);
        return NULL;
    }
    return buf_detach(&b);
}

static const char EXPECTED[] = "season,round,driver_id,q1_ms,q2_ms,q3_ms\n"
                               "1994,1,senna,72435,,\n"
                               "2023,1,alonso,91000,90123,89999\n"
                               "2023,1,max_verstappen,91295,90503,89708\n"
                               "2023,2,\"odd,id\",,,\n"
                               "2023,10,hamilton,60001,,\n";

static void test_write_sorted_round_trip(void)
{
    qualifying_table t = {0};
    /* inserted out of order: rounds 10 before 2, drivers not by name */
    add(&t, 2023, 10, "hamilton", 60001, NAN, NAN);
    add(&t, 2023, 1, "max_verstappen", 91295, 90503, 89708);
    add(&t, 2023, 2, "odd,id", NAN, NAN, NAN);
    add(&t, 1994, 1, "senna", 72435, NAN, NAN);
    add(&t, 2023, 1, "alonso", 91000, 90123, 89999);
    err e;
    err_clear(&e);
    CHECK_MSG(qualifying_csv_write(path, &t, &e) == 0, "write: %s", e.msg);
    char *text = slurp(path);
    CHECK_STR(text, EXPECTED);
    free(text);

    qualifying_table r = {0};
    CHECK_MSG(qualifying_csv_read(path, &r, &e) == 0, "read: %s", e.msg);
    CHECK_INT(r.n, 5);
    if (r.n == 5) {
        CHECK_INT(r.season[0], 1994);
        CHECK_STR(r.driver_id[0], "senna");
        CHECK(r.q[0][0] == 72435 && isnan(r.q[1][0]) && isnan(r.q[2][0]));
        CHECK_STR(r.driver_id[2], "max_verstappen");
        CHECK(r.q[0][2] == 91295 && r.q[1][2] == 90503 && r.q[2][2] == 89708);
        CHECK_STR(r.driver_id[3], "odd,id");
        CHECK(isnan(r.q[0][3]));
        CHECK_INT(r.round[4], 10);
    }
    /* what was read writes the same bytes again */
    CHECK_MSG(qualifying_csv_write(path, &r, &e) == 0, "rewrite: %s", e.msg);
    text = slurp(path);
    CHECK_STR(text, EXPECTED);
    free(text);
    qualifying_release(&r);
    qualifying_release(&t);

    /* an empty table is just the header, and reads back empty */
    CHECK_INT(qualifying_csv_write(path, &t, &e), 0);
    text = slurp(path);
    CHECK_STR(text, "season,round,driver_id,q1_ms,q2_ms,q3_ms\n");
    free(text);
    CHECK_INT(qualifying_csv_read(path, &r, &e), 0);
    CHECK_INT(r.n, 0);
    qualifying_release(&r);
}

/* Writing t fails with a message holding `want`. */
static void write_fails(qualifying_table *t, const char *want)
{
    err e;
    err_clear(&e);
    unlink(path);
    CHECK_INT(qualifying_csv_write(path, t, &e), -1);
    CHECK_MSG(strstr(e.msg, want) != NULL, "want '%s' in: %s", want, e.msg);
    CHECK_INT(e.kind, ERR_DATA);
    CHECK(!fs_exists(path));
    qualifying_release(t);
}

static void test_write_refuses(void)
{
    qualifying_table t = {0};
    add(&t, 2023, 1, "a", 1.5, NAN, NAN);
    write_fails(&t, "Q1 time 1.5");
    add(&t, 2023, 1, "a", 1000, INFINITY, NAN);
    write_fails(&t, "Q2 time inf");
    add(&t, 2023, 1, "a", 1000, NAN, -5);
    write_fails(&t, "Q3 time -5");
    add(&t, 2023, 1, "a", 1e12, NAN, NAN);
    write_fails(&t, "Q1 time 1e+12");
    add(&t, 2023, 1, "a", 1000, NAN, NAN);
    add(&t, 2023, 1, "a", 2000, NAN, NAN);
    write_fails(&t, "two entries");
    add(&t, 2023, 0, "a", 1000, NAN, NAN);
    write_fails(&t, "out of range");
    add(&t, 2023, 1, "", 1000, NAN, NAN);
    write_fails(&t, "out of range");
    add(&t, 2023, 1, "a\nb", 1000, NAN, NAN);
    write_fails(&t, "out of range");
}

/* Reading `text` fails with a message holding `want`, and leaves the
 * table empty. */
static void read_fails(const char *text, const char *want)
{
    err e;
    err_clear(&e);
    CHECK_INT(fs_write_atomic(path, text, strlen(text), &e), 0);
    qualifying_table t = {0};
    CHECK_INT(qualifying_csv_read(path, &t, &e), -1);
    CHECK_MSG(strstr(e.msg, want) != NULL, "want '%s' in: %s", want, e.msg);
    CHECK_MSG(strstr(e.msg, path) != NULL, "no path in: %s", e.msg);
    CHECK_INT(e.kind, ERR_DATA);
    CHECK(t.n == 0 && t.season == NULL && t.driver_id == NULL);
}

#define H "season,round,driver_id,q1_ms,q2_ms,q3_ms\n"

static void test_read_refuses(void)
{
    read_fails("", "not a qualifying.csv");
    read_fails("season,round,driver_id,q1,q2,q3\n", "not a qualifying.csv");
    read_fails(H "2023,1,a,1000,,\n2023,1,b,1000,\n", "line 3: 5 fields");
    read_fails(H "2023,1,a,1000,,\n\n", "line 3: 1 fields");
    read_fails(H "2023,1,a,1:2x.3,,\n", "line 2: q1_ms '1:2x.3'");
    read_fails(H "2023,1,a,,-1,\n", "q2_ms '-1'");
    read_fails(H "2023,1,a,,,0\n", "q3_ms '0'");
    read_fails(H "2023,1,a,nan,,\n", "q1_ms 'nan'");
    read_fails(H "2023,1,a,inf,,\n", "q1_ms 'inf'");
    read_fails(H "2023,1,a,1e5,,\n", "q1_ms '1e5'");
    read_fails(H "2023,1,a,90000.5,,\n", "q1_ms '90000.5'");
    read_fails(H "2023,1,a,60000000,,\n", "q1_ms '60000000'");
    read_fails(H "2023,1,a,99999999999999999999,,\n", "q1_ms '9999999999999999");
    read_fails(H "2023,1,a, 1000,,\n", "q1_ms ' 1000'");
    read_fails(H "1949,1,a,1000,,\n", "line 2: season '1949'");
    read_fails(H "2023,0,a,1000,,\n", "round '0'");
    read_fails(H "2023,-1,a,1000,,\n", "round '-1'");
    read_fails(H "99999999999,1,a,1000,,\n", "season '99999999999'");
    read_fails(H "2023,1,,1000,,\n", "driver id is empty");
    read_fails(H "2023,1,\"a\tb\",1000,,\n", "control character");
    read_fails(H "2023,1,"
                 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,1000,,\n",
               "longer than 64");
    read_fails(H "2023,2,a,1000,,\n2023,1,a,1000,,\n", "line 3: 2023 round 1 driver 'a' is not after");
    read_fails(H "2023,1,b,1000,,\n2023,1,a,1000,,\n", "line 3");
    read_fails(H "2023,1,a,1000,,\n2023,1,a,2000,,\n", "each once");
    read_fails(H "2023,1,\"a,1000,,\n", "never closed");
}

static void test_read_missing_file(void)
{
    char p[300];
    snprintf(p, sizeof p, "%s/none.csv", dir);
    qualifying_table t = {0};
    err e;
    CHECK_INT(qualifying_csv_read(p, &t, &e), -1);
    CHECK(strstr(e.msg, "none.csv") != NULL);
    CHECK_INT(t.n, 0);
}

int main(void)
{
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/qualifying.csv", dir);
    test_write_sorted_round_trip();
    test_write_refuses();
    test_read_refuses();
    test_read_missing_file();
    unlink(path);
    rmdir(dir);
    return check_done();
}
