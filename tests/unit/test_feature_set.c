/* feature_set: the two sets as tables and as features.csv.  A v2 table is
 * season, round, then the 21 v2 features (the columns features_v2_build
 * gives, unchanged); features.csv tells the set by its header; a missing v2
 * value is written "nan" and read back as NAN, every other value to the
 * same bits; "nan" or an empty cell anywhere else, and Inf anywhere, are
 * refused naming the line and column. */
#include "check.h"

#include <stdlib.h>
#include <unistd.h>

#include "core/fsutil.h"
#include "data/feature_set.h"
#include "data/features_v2.h"

static char dir[] = "/tmp/f1-test-feature-set.XXXXXX";

static prepared_row row(int season, int round, const char *driver, const char *constructor,
                        int grid, int position)
{
    prepared_row r = {
        .season = season, .round = round, .race_name = "Test Grand Prix",
        .race_date = "2000-06-15", .driver_id = (char *)driver, .driver_name = "A Driver",
        .driver_dob = "1980-06-15", .driver_nationality = "Martian",
        .constructor_id = (char *)constructor, .constructor_name = "A Team", .grid = grid,
        .position = position, .points = position == 1 ? 10 : 0, .laps = 50,
        .status = "Finished", .circuit_id = "monza", .country = "Italy", .weather_text = "",
        .weather = "unknown",
    };
    return r;
}

/* Two seasons of two races of three drivers; qualifying for 2001 only. */
static void make(prepared *p, qualifying_table *q)
{
    static const char *const drv[3] = {"ann", "bob", "cyd"};
    static const char *const con[3] = {"red", "red", "blue"};
    err e;
    for (int s = 2000; s <= 2001; s++)
        for (int r = 1; r <= 2; r++)
            for (int d = 0; d < 3; d++) {
                prepared_row x = row(s, r, drv[d], con[d], d == 2 ? 0 : d + 1, (d + r) % 3 + 1);
                if (prepared_append(p, &x, &e) != 0)
                    abort();
                double t[3] = {80000.0 + 333.0 * d + r, NAN, NAN};
                if (s == 2001 && qualifying_append(q, s, r, drv[d], t, &e) != 0)
                    abort();
            }
}

static const char *path_of(const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

static int same_bits(double a, double b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

static void test_v2_table(void)
{
    prepared p = {0};
    qualifying_table q = {0};
    make(&p, &q);
    feature_table t, v;
    err e;
    CHECK_INT(feature_set_build(FEATURE_SET_V2, &p, &q, 2000, 2000, &t, &e), 0);
    CHECK_INT(features_v2_build(&p, &q, &v, &e), 0);
    CHECK_INT(t.nfeat, FEATURE_SET_V2_KEYS + FEATURES_V2_NFEAT);
    CHECK_STR(t.names[0], "season");
    CHECK_STR(t.names[1], "round");
    CHECK_STR(t.names[2], "log_grid");
    CHECK_INT(feature_set_of(t.names, t.nfeat), FEATURE_SET_V2);
    CHECK_INT(feature_set_of(v.names, v.nfeat), FEATURE_SET_SPEC); /* no keys: not v2 */
    int same = 1, missing = 0;
    for (int i = 0; i < t.nrows; i++) {
        same &= t.x[i] == t.season[i] && t.x[t.nrows + i] == t.round[i];
        for (int j = 0; j < FEATURES_V2_NFEAT; j++) {
            double a = t.x[(size_t)(j + 2) * t.nrows + i], b = v.x[(size_t)j * v.nrows + i];
            same &= same_bits(a, b);
            missing += isnan(a);
        }
    }
    CHECK(same);
    CHECK(missing > 0); /* first races, and 2000 without qualifying */
    const char *const *names;
    int n;
    feature_set_features(FEATURE_SET_V2, &t, &names, &n);
    CHECK_INT(n, FEATURES_V2_NFEAT);
    CHECK_STR(names[0], "log_grid");

    /* features.csv: "nan" on disk, NAN and the same bits back. */
    CHECK_INT(feature_table_write(&t, path_of("v2.csv"), &e), 0);
    buf text;
    buf_init(&text, 0);
    CHECK_INT(fs_read_file(path_of("v2.csv"), &text, &e), 0);
    CHECK(text.data && strstr(text.data, ",nan,") != NULL);
    CHECK(text.data && strncmp(text.data, "driver_id,season,round,log_grid,g1,", 35) == 0);
    buf_release(&text);
    feature_table back;
    CHECK_INT(feature_table_read(path_of("v2.csv"), &back, &e), 0);
    int bits = back.nrows == t.nrows && back.nfeat == t.nfeat;
    for (size_t k = 0; bits && k < (size_t)t.nrows * t.nfeat; k++)
        bits = same_bits(back.x[k], t.x[k]);
    CHECK(bits);
    CHECK_INT(feature_set_of(back.names, back.nfeat), FEATURE_SET_V2);
    feature_table_release(&back);

    /* The spec set of the same rows: every value finite, no "nan". */
    feature_table s;
    CHECK_INT(feature_set_build(FEATURE_SET_SPEC, &p, NULL, 2000, 2000, &s, &e), 0);
    CHECK_INT(feature_set_of(s.names, s.nfeat), FEATURE_SET_SPEC);
    feature_set_features(FEATURE_SET_SPEC, &s, &names, &n);
    CHECK_INT(n, s.nfeat);
    feature_table_release(&s);
    feature_table_release(&t);
    feature_table_release(&v);
    qualifying_release(&q);
    prepared_release(&p);
}

/* Writes text to name and reads it as features.csv: the result, and the
 * error in e. */
static int read_text(const char *text, err *e)
{
    feature_table t;
    err w;
    if (fs_write_atomic(path_of("t.csv"), text, strlen(text), &w) != 0)
        return -2;
    int rc = feature_table_read(path_of("t.csv"), &t, e);
    if (rc == 0)
        feature_table_release(&t);
    return rc;
}

/* A v2 header and one row whose log_grid is `cell` (and, with key_cell,
 * whose round is key_cell). */
static int read_v2_row(const char *cell, const char *round_cell, err *e)
{
    char text[4096];
    int at = snprintf(text, sizeof text, "driver_id,season,round");
    for (int j = 0; j < FEATURES_V2_NFEAT; j++)
        at += snprintf(text + at, sizeof text - (size_t)at, ",%s", features_v2_names[j]);
    at += snprintf(text + at, sizeof text - (size_t)at, ",won\nann,2001,%s,%s", round_cell, cell);
    for (int j = 1; j < FEATURES_V2_NFEAT; j++)
        at += snprintf(text + at, sizeof text - (size_t)at, ",0.5");
    snprintf(text + at, sizeof text - (size_t)at, ",1\n");
    return read_text(text, e);
}

static void test_missing_only_where_allowed(void)
{
    err e;
    CHECK_INT(read_v2_row("nan", "1", &e), 0);
    CHECK_INT(read_v2_row("", "1", &e), 0);
    CHECK_INT(read_v2_row("-0.69314718055994529", "1", &e), 0);
    CHECK_INT(read_v2_row("inf", "1", &e), -1);
    CHECK_MSG(strstr(e.msg, "'inf'") != NULL && strstr(e.msg, "line 2") != NULL, "%s", e.msg);
    CHECK_INT(read_v2_row("NaN", "1", &e), -1); /* only the form written */
    CHECK_INT(read_v2_row("1e999", "1", &e), -1);
    CHECK_INT(read_v2_row("abc", "1", &e), -1);
    CHECK_INT(read_v2_row("0.5", "nan", &e), -1); /* a key is never missing */
    CHECK_INT(read_v2_row("0.5", "", &e), -1);
    /* won is never missing */
    CHECK_INT(read_text("driver_id,season,round,grid,won\nann,2001,1,3,nan\n", &e), -1);
    /* spec: no value is missing */
    CHECK_INT(read_text("driver_id,season,round,grid,won\nann,2001,1,nan,0\n", &e), -1);
    CHECK_MSG(strstr(e.msg, "finite number") != NULL, "%s", e.msg);
    CHECK_INT(read_text("driver_id,season,round,grid,won\nann,2001,1,,0\n", &e), -1);
    CHECK_INT(read_text("driver_id,season,round,grid,won\nann,2001,1,3,0\n", &e), 0);
}

static void test_parse(void)
{
    CHECK_INT(feature_set_parse("v2"), FEATURE_SET_V2);
    CHECK_INT(feature_set_parse("spec"), FEATURE_SET_SPEC);
    CHECK_INT(feature_set_parse("V2"), -1);
    CHECK_INT(feature_set_missing_ok(FEATURE_SET_V2, 0), 0);
    CHECK_INT(feature_set_missing_ok(FEATURE_SET_V2, 2), 1);
    CHECK_INT(feature_set_missing_ok(FEATURE_SET_SPEC, 2), 0);
}

int main(void)
{
    if (mkdtemp(dir) == NULL)
        return 1;
    test_v2_table();
    test_missing_only_where_allowed();
    test_parse();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("could not remove %s\n", dir);
    return check_done();
}
