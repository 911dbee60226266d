/* Tests for data/feature_table (docs/pipeline.md §3) on hand-made prepared tables whose
 * expected values are worked out by hand in the comments: windows at their
 * edges, a driver's first race, a shared car and a constructor's two cars
 * (neither sees the other's current row), grid 0, a race with more than
 * 40 finishers, what counts as finished, one-hot thresholds counted on the
 * training seasons only, name sanitising, nationality/home table, age,
 * weather columns, the CSV round trip and its exact number text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "core/buf.h"
#include "core/fsutil.h"
#include "data/feature_table.h"
#include "data/feature_onehot.h"
#include "data/nationality.h"

/* round(4^(4 - 3k/39), 4), k = 0..39, printed by Python:
 *   [round(4**(4-3*k/39),4) for k in range(40)] */
static const double rf_python[40] = {
    256.0, 230.1058, 206.8309, 185.9101, 167.1055, 150.2029, 135.0101, 121.3539, 109.0791, 98.0458,
    88.1286, 79.2145, 71.202, 64.0, 57.5265, 51.7077, 46.4775, 41.7764, 37.5507, 33.7525,
    30.3385, 27.2698, 24.5115, 22.0322, 19.8036, 17.8005, 16.0, 14.3816, 12.9269, 11.6194,
    10.4441, 9.3877, 8.4381, 7.5846, 6.8174, 6.1279, 5.508, 4.9509, 4.4501, 4.0,
};
#define RF1 230.1058

/* A row with defaults; the tests override what they exercise. */
static prepared_row row(int season, int round, const char *driver, const char *constructor,
                        int position, const char *status)
{
    prepared_row r = {
        .season = season,
        .round = round,
        .race_name = "Test Grand Prix",
        .race_date = "2000-06-15",
        .driver_id = (char *)driver,
        .driver_name = "A Driver",
        .driver_dob = "1980-06-15",
        .driver_nationality = "Martian",
        .constructor_id = (char *)constructor,
        .constructor_name = "A Team",
        .grid = position,
        .position = position,
        .points = 0,
        .laps = 50,
        .status = (char *)status,
        .circuit_id = "test",
        .country = "Nowhere",
        .weather_text = "",
        .weather = "unknown",
    };
    return r;
}

static void add(prepared *p, prepared_row r)
{
    err e;
    if (prepared_append(p, &r, &e) != 0)
        printf("append failed: %s\n", e.msg);
}

static int col(const feature_table *t, const char *name)
{
    for (int j = 0; j < t->nfeat; j++)
        if (strcmp(t->names[j], name) == 0)
            return j;
    return -1;
}

/* Feature `name` of row i (NAN-like sentinel when the column is absent). */
static double val(const feature_table *t, int i, const char *name)
{
    int j = col(t, name);
    return j < 0 ? -12345.0 : t->x[(size_t)j * (size_t)t->nrows + (size_t)i];
}

/* The row index of (season, round, driver), k-th such row (shared cars). */
static int find(const prepared *p, int season, int round, const char *driver, int k)
{
    for (int i = 0; i < p->n; i++)
        if (p->rows[i].season == season && p->rows[i].round == round &&
            strcmp(p->rows[i].driver_id, driver) == 0 && k-- == 0)
            return i;
    return -1;
}

static void test_rf_points(void)
{
    for (int k = 0; k < 40; k++)
        CHECK_MSG(feature_table_rf_points(k) == rf_python[k], "rf(%d) = %.10g, python %.10g", k,
                  feature_table_rf_points(k), rf_python[k]);
    CHECK(feature_table_rf_points(40) == 0);
    CHECK(feature_table_rf_points(100) == 0);
    CHECK(feature_table_finished("Finished"));
    CHECK(feature_table_finished("Lapped"));
    CHECK(feature_table_finished("+1 Lap"));
    CHECK(feature_table_finished("+12 Laps"));
    CHECK(!feature_table_finished("Retired"));
    CHECK(!feature_table_finished("Engine"));
    CHECK(!feature_table_finished("Did not qualify"));
    CHECK(!feature_table_finished(""));
}

/* Driver a (constructor ca) races rounds 1..64 of 2000 against filler f
 * (constructor cf).  a wins rounds 1 and 2, retires in round 3, and is
 * second (finished, behind f) from round 4 on: a's rf is 256, 256, 0, then
 * rf(1) = 230.1058 every round.  Expected values, by the earlier rounds
 * each window holds:
 *   round 1: first race: everything 0.
 *   round 2: 1 earlier row: experience 1, wins 1, dnfs 0, form 256.
 *   round 31: 30 earlier rows (1..30): form = 2*256 + 27*rf1 = 6724.8566.
 *   round 32: last 30 = 2..31: form = 256 + 28*rf1 = 6698.9624.
 *   round 33: last 30 = 3..32: form = 29*rf1 = 6673.0682.
 *   round 34: last 30 = 4..33: form = 30*rf1 = 6903.174.
 *   round 61: 60 earlier rows (1..60): experience 60, wins 2, dnfs 1.
 *   round 62: 61 earlier rows, last 60 = 2..61: experience 60, wins 1, dnfs 1.
 *   round 63: last 60 = 3..62: wins 0, dnfs 1.
 *   round 64: last 60 = 4..63: wins 0, dnfs 0. */
static void test_windows(void)
{
    prepared p = {0};
    for (int r = 1; r <= 64; r++) {
        int a_wins = r <= 2;
        prepared_row a = row(2000, r, "a", "ca", a_wins ? 1 : 2, r == 3 ? "Retired" : "Finished");
        prepared_row f = row(2000, r, "f", "cf", a_wins ? 2 : 1, "Finished");
        add(&p, a_wins ? a : f);
        add(&p, a_wins ? f : a);
    }
    feature_table t;
    err e;
    CHECK_INT(feature_table_build(&p, 2000, 2000, &t, &e), 0);
    CHECK_INT(t.nrows, 128);
    static const struct {
        int round, exp, wins, dnfs;
        double form;
    } want[] = {
        {1, 0, 0, 0, 0},          {2, 1, 1, 0, 256},        {3, 2, 2, 0, 512},
        {4, 3, 2, 1, 512},        {31, 30, 2, 1, 6724.8566}, {32, 31, 2, 1, 6698.9624},
        {33, 32, 2, 1, 6673.0682}, {34, 33, 2, 1, 6903.174},  {61, 60, 2, 1, 6903.174},
        {62, 60, 1, 1, 6903.174}, {63, 60, 0, 1, 6903.174},  {64, 60, 0, 0, 6903.174},
    };
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        int i = find(&p, 2000, want[k].round, "a", 0);
        CHECK_MSG(val(&t, i, "driver_experience") == want[k].exp, "round %d exp %g", want[k].round,
                  val(&t, i, "driver_experience"));
        CHECK_MSG(val(&t, i, "constructor_experience") == want[k].exp, "round %d cexp %g",
                  want[k].round, val(&t, i, "constructor_experience"));
        CHECK_MSG(val(&t, i, "driver_recent_wins") == want[k].wins, "round %d wins %g", want[k].round,
                  val(&t, i, "driver_recent_wins"));
        CHECK_MSG(val(&t, i, "driver_recent_dnfs") == want[k].dnfs, "round %d dnfs %g", want[k].round,
                  val(&t, i, "driver_recent_dnfs"));
        CHECK_NEAR(val(&t, i, "driver_recent_form"), want[k].form, 1e-9);
        /* a is its constructor's only car. */
        CHECK_NEAR(val(&t, i, "constructor_recent_form"), want[k].form, 1e-9);
        CHECK_INT(t.won[i], want[k].round <= 2);
    }
    /* f: second (rf1) in rounds 1-2, then winner; at round 34 its last 30
     * are rounds 4..33, all wins: 30 * 256. */
    CHECK_NEAR(val(&t, find(&p, 2000, 34, "f", 0), "driver_recent_form"), 7680, 1e-9);
    CHECK_NEAR(val(&t, find(&p, 2000, 3, "f", 0), "driver_recent_form"), 2 * RF1, 1e-9);
    feature_table_release(&t);
    prepared_release(&p);
}

/* 2001 round 1, in finishing order:
 *   pos 1 s  (c1) Finished      rf 256
 *   pos 2 t  (c1) Finished      rf rf1
 *   pos 3 s  (c2) +1 Lap        rf rf2   (s shares a second car)
 *   pos 4 u  (c2) Lapped        rf rf3
 *   pos 5 v  (c3) Retired       rf 0
 * Round 2: same entries, grid of v is 0 (pit lane: 5 rows -> grid 5).
 * In round 1 nobody sees anything of round 1.  In round 2:
 *   s (both rows): experience 2, wins 1, dnfs 0, form 256 + rf2
 *   c1: experience 2, form 256 + rf1; c2: experience 2, form rf2 + rf3
 *   u: dnfs 0 (Lapped is finished), form rf3; v: dnfs 1, form 0. */
static void test_same_race_invisible(void)
{
    prepared p = {0};
    for (int r = 1; r <= 2; r++) {
        add(&p, row(2001, r, "s", "c1", 1, "Finished"));
        add(&p, row(2001, r, "t", "c1", 2, "Finished"));
        add(&p, row(2001, r, "s", "c2", 3, "+1 Lap"));
        add(&p, row(2001, r, "u", "c2", 4, "Lapped"));
        prepared_row v = row(2001, r, "v", "c3", 5, "Retired");
        v.grid = r == 2 ? 0 : 5;
        v.weather = r == 2 ? "wet" : "unknown";
        add(&p, v);
    }
    feature_table t;
    err e;
    CHECK_INT(feature_table_build(&p, 2000, 2000, &t, &e), 0);
    for (int i = 0; i < 5; i++) {
        CHECK_INT(val(&t, i, "driver_experience"), 0);
        CHECK_INT(val(&t, i, "constructor_experience"), 0);
        CHECK_INT(val(&t, i, "driver_recent_wins"), 0);
        CHECK_INT(val(&t, i, "driver_recent_form"), 0);
        CHECK_INT(val(&t, i, "constructor_recent_form"), 0);
    }
    const double rf2 = rf_python[2], rf3 = rf_python[3];
    for (int k = 0; k < 2; k++) {
        int s = find(&p, 2001, 2, "s", k);
        CHECK_INT(val(&t, s, "driver_experience"), 2);
        CHECK_INT(val(&t, s, "driver_recent_wins"), 1);
        CHECK_INT(val(&t, s, "driver_recent_dnfs"), 0);
        CHECK_NEAR(val(&t, s, "driver_recent_form"), 256 + rf2, 1e-9);
    }
    int s1 = find(&p, 2001, 2, "s", 0), s2 = find(&p, 2001, 2, "s", 1);
    int t1 = find(&p, 2001, 2, "t", 0), u = find(&p, 2001, 2, "u", 0), v = find(&p, 2001, 2, "v", 0);
    CHECK_INT(val(&t, s1, "constructor_experience"), 2);
    CHECK_NEAR(val(&t, s1, "constructor_recent_form"), 256 + RF1, 1e-9);
    CHECK_NEAR(val(&t, t1, "constructor_recent_form"), 256 + RF1, 1e-9);
    CHECK_NEAR(val(&t, s2, "constructor_recent_form"), rf2 + rf3, 1e-9);
    CHECK_NEAR(val(&t, t1, "driver_recent_form"), RF1, 1e-9);
    CHECK_INT(val(&t, u, "driver_recent_dnfs"), 0);
    CHECK_NEAR(val(&t, u, "driver_recent_form"), rf3, 1e-9);
    CHECK_INT(val(&t, v, "driver_recent_dnfs"), 1);
    CHECK_INT(val(&t, v, "driver_recent_form"), 0);
    /* grid 0 -> the race's row count; other grids as given. */
    CHECK_INT(val(&t, v, "grid"), 5);
    CHECK_INT(val(&t, find(&p, 2001, 1, "v", 0), "grid"), 5);
    CHECK_INT(val(&t, t1, "grid"), 2);
    /* Weather columns: "wet" sets one; "unknown" none. */
    CHECK_INT(val(&t, v, "weather_wet"), 1);
    CHECK_INT(val(&t, v, "weather_hot") + val(&t, v, "weather_warm") + val(&t, v, "weather_cold") +
                  val(&t, v, "weather_dry") + val(&t, v, "weather_cloudy"),
              0);
    double sum = 0;
    for (int j = 11; j < FEATURES_NFIXED; j++)
        sum += t.x[(size_t)j * (size_t)t.nrows + (size_t)u];
    CHECK_INT(sum, 0);
    /* Both rows of a shared winning car would be winners; here s won once. */
    CHECK_INT(t.won[s1], 1);
    CHECK_INT(t.won[s2], 0);
    feature_table_release(&t);
    prepared_release(&p);
}

/* A race of 45 rows: all finished except position 3 (Retired).  Finished
 * rows in order: positions 1, 2, 4, 5, ..., so position q >= 4 has k = q - 2;
 * position 41 is the 40th finished row (k = 39, rf 4); 42..45 get 0.  A
 * second race lets each driver's form show its rf.  The rows of the first
 * race are listed out of position order to show the order is position's. */
static void test_forty_finishers(void)
{
    prepared p = {0};
    char ids[46][16];
    for (int q = 45; q >= 1; q--) {
        snprintf(ids[q], sizeof ids[q], "d%d", q);
        add(&p, row(2002, 1, ids[q], ids[q], q, q == 3 ? "Retired" : "Finished"));
    }
    for (int q = 1; q <= 45; q++)
        add(&p, row(2002, 2, ids[q], ids[q], q, "Finished"));
    feature_table t;
    err e;
    CHECK_INT(feature_table_build(&p, 2002, 2002, &t, &e), 0);
    static const struct {
        int pos, k;
    } want[] = {{1, 0}, {2, 1}, {3, -1}, {4, 2}, {5, 3}, {40, 38}, {41, 39}, {42, -1}, {45, -1}};
    for (size_t n = 0; n < sizeof want / sizeof want[0]; n++) {
        int i = find(&p, 2002, 2, ids[want[n].pos], 0);
        double rf = want[n].k < 0 ? 0 : rf_python[want[n].k];
        CHECK_MSG(val(&t, i, "driver_recent_form") == rf, "position %d: form %.10g, want %.10g",
                  want[n].pos, val(&t, i, "driver_recent_form"), rf);
        CHECK_INT(val(&t, i, "grid"), want[n].pos);
    }
    CHECK_NEAR(val(&t, find(&p, 2002, 2, "d41", 0), "driver_recent_form"), 4.0, 0);
    feature_table_release(&t);
    prepared_release(&p);
}

/* One-hot thresholds.  Training season 2000: race "United States Grand
 * Prix West" 130 rows, "Short GP" 129 rows, "Other GP" 640 rows; drivers:
 * 300 New Zealander, 299 Argentine, 300 "Argentinian " (trailing space).
 * Test season 2001: "Short GP" with 10 Argentine rows.  Counting training
 * only: nat_argentinian, nat_new_zealander, race_other_gp,
 * race_united_states_grand_prix_west; Argentine (309 with the test rows)
 * and Short GP (139) must not get columns. */
static void fill_onehot_table(prepared *p)
{
    static const struct {
        int round, rows;
        const char *name;
    } races[] = {{1, 130, "United States Grand Prix West"}, {2, 129, "Short GP"}, {3, 640, "Other GP"}};
    int d = 0;
    for (size_t r = 0; r < 3; r++) {
        for (int k = 0; k < races[r].rows; k++, d++) {
            char id[16];
            snprintf(id, sizeof id, "d%d", d);
            prepared_row x = row(2000, races[r].round, id, "c", k + 1, "Finished");
            x.race_name = (char *)races[r].name;
            x.driver_nationality = d < 300 ? "New Zealander" : d < 599 ? "Argentine" : "Argentinian ";
            x.country = "Argentina";
            add(p, x);
        }
    }
    for (int k = 0; k < 10; k++) {
        prepared_row x = row(2001, 1, "late", "c", k + 1, "Finished");
        x.race_name = "Short GP";
        x.driver_nationality = "Argentine";
        add(p, x);
    }
}

static void test_onehot(void)
{
    prepared p = {0};
    fill_onehot_table(&p);
    feature_table t;
    err e;
    CHECK_INT(feature_table_build(&p, 2000, 2000, &t, &e), 0);
    CHECK_INT(t.nfeat, FEATURES_NFIXED + 4);
    if (t.nfeat == FEATURES_NFIXED + 4) {
        CHECK_STR(t.names[FEATURES_NFIXED + 0], "nat_argentinian");
        CHECK_STR(t.names[FEATURES_NFIXED + 1], "nat_new_zealander");
        CHECK_STR(t.names[FEATURES_NFIXED + 2], "race_other_gp");
        CHECK_STR(t.names[FEATURES_NFIXED + 3], "race_united_states_grand_prix_west");
    }
    for (int j = 0; j < FEATURES_NFIXED; j++)
        CHECK_STR(t.names[j], feature_table_fixed_names[j]);
    CHECK_STR(t.names[0], "season");
    CHECK_STR(t.names[10], "is_home");
    CHECK_STR(t.names[16], "weather_cloudy");
    CHECK(col(&t, "nat_argentine") < 0);
    CHECK(col(&t, "race_short_gp") < 0);
    /* Row 0: New Zealander at the US GP West. */
    CHECK_INT(val(&t, 0, "nat_new_zealander"), 1);
    CHECK_INT(val(&t, 0, "nat_argentinian"), 0);
    CHECK_INT(val(&t, 0, "race_united_states_grand_prix_west"), 1);
    CHECK_INT(val(&t, 0, "race_other_gp"), 0);
    /* Row 898 ("Argentinian "): its column, and Argentina is home, as for
     * "Argentine" (row 400); a New Zealander in Argentina is not home. */
    CHECK_INT(val(&t, 898, "nat_argentinian"), 1);
    CHECK_INT(val(&t, 898, "is_home"), 1);
    CHECK_INT(val(&t, 400, "is_home"), 1);
    CHECK_INT(val(&t, 0, "is_home"), 0);
    int sum = 0;
    for (int i = 0; i < t.nrows; i++)
        sum += (int)val(&t, i, "nat_argentinian") + (int)val(&t, i, "race_other_gp");
    CHECK_INT(sum, 300 + 640);
    feature_table_release(&t);

    /* With 2001 counted as training, both cross their thresholds. */
    CHECK_INT(feature_table_build(&p, 2000, 2001, &t, &e), 0);
    CHECK(col(&t, "nat_argentine") >= 0);
    CHECK(col(&t, "race_short_gp") >= 0);
    CHECK_INT(t.nfeat, FEATURES_NFIXED + 6);
    feature_table_release(&t);
    prepared_release(&p);
}

static void check_name(const char *prefix, const char *value, const char *want)
{
    char *got = feature_onehot_name(prefix, value);
    CHECK_MSG(want == NULL ? got == NULL : got != NULL && strcmp(got, want) == 0,
              "name('%s') = '%s', want '%s'", value, got ? got : "(null)", want ? want : "(null)");
    free(got);
}

static void test_names(void)
{
    check_name("nat_", "New Zealander", "nat_new_zealander");
    check_name("nat_", "Argentinian ", "nat_argentinian");
    check_name("nat_", "American-Italian", "nat_american_italian");
    check_name("race_", "United States Grand Prix West", "race_united_states_grand_prix_west");
    check_name("race_", " S\xC3\xA3o Paulo Grand Prix", "race_s_o_paulo_grand_prix");
    check_name("race_", "70th Anniversary Grand Prix", "race_70th_anniversary_grand_prix");
    check_name("nat_", "  ", NULL);
    check_name("nat_", "", NULL);
}

static void test_home_and_age(void)
{
    CHECK(nationality_is_home("British", "UK"));
    CHECK(nationality_is_home("British", "United Kingdom"));
    CHECK(nationality_is_home("British", "Great Britain"));
    CHECK(nationality_is_home("Irish", "UK"));
    CHECK(nationality_is_home("American", "United States"));
    CHECK(nationality_is_home("American", "USA"));
    CHECK(nationality_is_home("American-Italian", "Italy"));
    CHECK(nationality_is_home("Argentine", "Argentina"));
    CHECK(nationality_is_home("Argentinian ", "Argentina"));
    CHECK(nationality_is_home("Finnish", "Austria"));
    CHECK(nationality_is_home("Japanese", "Korea"));
    CHECK(nationality_is_home("Spanish", "Morocco"));
    CHECK(nationality_is_home("New Zealander", "Australia"));
    CHECK(nationality_is_home("Chinese", "China"));
    CHECK(!nationality_is_home("German", "Austria"));
    CHECK(!nationality_is_home("New Zealander", "New Zealand"));
    CHECK(!nationality_is_home("Martian", "Mars"));
    CHECK(!nationality_is_home("British", "USA"));
    CHECK(!nationality_is_home(NULL, "UK"));
    CHECK(!nationality_is_home("British", ""));

    /* Age: the day before the birthday is still 19; empty dob gives 0. */
    prepared p = {0};
    const char *dobs[] = {"1980-06-15", "1980-06-15", "1980-06-16", "", "1980-6-15"};
    for (int k = 0; k < 5; k++) {
        char id[16];
        snprintf(id, sizeof id, "p%d", k);
        prepared_row r = row(2000, 1, id, "c", k + 1, "Finished");
        r.driver_dob = (char *)dobs[k];
        r.race_date = k == 0 ? "2000-06-14" : "2000-06-15";
        r.driver_nationality = "British";
        r.country = k < 2 ? "United Kingdom" : "Italy";
        add(&p, r);
    }
    feature_table t;
    err e;
    CHECK_INT(feature_table_build(&p, 2000, 2000, &t, &e), 0);
    CHECK_INT(val(&t, 0, "age"), 19);
    CHECK_INT(val(&t, 1, "age"), 20);
    CHECK_INT(val(&t, 2, "age"), 19);
    CHECK_INT(val(&t, 3, "age"), 0);
    CHECK_INT(val(&t, 4, "age"), 0);
    CHECK_INT(val(&t, 0, "is_home"), 1);
    CHECK_INT(val(&t, 2, "is_home"), 0);
    feature_table_release(&t);
    prepared_release(&p);
}

static void test_order_rejected(void)
{
    prepared p = {0};
    add(&p, row(2000, 2, "a", "c", 1, "Finished"));
    add(&p, row(2000, 1, "a", "c", 1, "Finished"));
    feature_table t;
    err e;
    err_clear(&e);
    CHECK_INT(feature_table_build(&p, 2000, 2000, &t, &e), -1);
    CHECK_INT(e.kind, ERR_DATA);
    CHECK(strstr(e.msg, "order") != NULL);
    CHECK(t.x == NULL && t.names == NULL);
    feature_table_release(&t);
    prepared_release(&p);

    /* An empty table builds an empty feature table. */
    CHECK_INT(feature_table_build(&p, 2000, 2000, &t, &e), 0);
    CHECK_INT(t.nrows, 0);
    CHECK_INT(t.nfeat, FEATURES_NFIXED);
    feature_table_release(&t);
}

/* Writes the window table, checks exact text, reads it back bit for bit. */
static void test_csv_round_trip(void)
{
    prepared p = {0};
    for (int r = 1; r <= 34; r++) {
        add(&p, row(2000, r, "a", "ca", r <= 2 ? 1 : 2, r == 3 ? "Retired" : "Finished"));
        add(&p, row(2000, r, "f", "cf", r <= 2 ? 2 : 1, "Finished"));
    }
    feature_table t, back;
    err e;
    CHECK_INT(feature_table_build(&p, 2000, 2000, &t, &e), 0);
    char dir[] = "/tmp/f1-test-features.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/features.csv", dir);
    CHECK_INT(feature_table_write(&t, path, &e), 0);
    buf b;
    buf_init(&b, 0);
    CHECK_INT(fs_read_file(path, &b, &e), 0);
    const char *header = "driver_id,season,round,grid,driver_experience,constructor_experience,"
                         "driver_recent_wins,driver_recent_dnfs,driver_recent_form,"
                         "constructor_recent_form,age,is_home,weather_hot,weather_warm,weather_cold,"
                         "weather_dry,weather_wet,weather_cloudy,won\n";
    CHECK(b.data != NULL && strncmp(b.data, header, strlen(header)) == 0);
    /* Round 32's row of a (the 63rd data row): form 6698.9624, age 20. */
    CHECK_MSG(b.data && strstr(b.data, "\na,2000,32,2,31,31,2,1,6698.9624,6698.9624,20,0,0,0,0,0,0,0,0\n"),
              "round 32 row missing");
    CHECK(b.data && strstr(b.data, "\na,2000,31,2,30,30,2,1,6724.8566,6724.8566,20,0,0,0,0,0,0,0,0\n"));
    CHECK(b.data && strstr(b.data, "\na,2000,1,1,0,0,0,0,0,0,20,0,0,0,0,0,0,0,1\n"));
    buf_release(&b);
    CHECK_INT(feature_table_read(path, &back, &e), 0);
    CHECK_INT(back.nrows, t.nrows);
    CHECK_INT(back.nfeat, t.nfeat);
    int same = back.nrows == t.nrows && back.nfeat == t.nfeat;
    for (int j = 0; same && j < t.nfeat; j++)
        same = strcmp(back.names[j], t.names[j]) == 0;
    for (size_t k = 0; same && k < (size_t)t.nrows * (size_t)t.nfeat; k++)
        same = back.x[k] == t.x[k];
    for (int i = 0; same && i < t.nrows; i++)
        same = back.won[i] == t.won[i] && back.season[i] == t.season[i] && back.round[i] == t.round[i] &&
               strcmp(back.driver_id[i], t.driver_id[i]) == 0;
    CHECK_MSG(same, "read back differs");
    feature_table_release(&back);

    /* A wrong header and a bad number are rejected. */
    CHECK_INT(fs_write_atomic(path, "a,b\n1,2\n", 8, &e), 0);
    CHECK_INT(feature_table_read(path, &back, &e), -1);
    const char *bad = "driver_id,season,round,won\nx,2000,1x,0\n";
    CHECK_INT(fs_write_atomic(path, bad, strlen(bad), &e), 0);
    CHECK_INT(feature_table_read(path, &back, &e), -1);
    CHECK(strstr(e.msg, "line 2") != NULL);
    unlink(path);
    rmdir(dir);
    feature_table_release(&t);
    prepared_release(&p);
}

/* features.csv in every form the reader takes: plain records (read
 * straight from the file), and records it hands to the CSV reader (a
 * quoted id, an exponent, a CRLF ending, a last line without a line
 * break), over several blocks of rows. */
static void test_csv_read_forms(void)
{
    enum { ROWS = 600 };
    buf b;
    buf_init(&b, 0);
    err e;
    int ok = buf_puts(&b, "driver_id,season,round,grid,won\n", &e) == 0;
    for (int i = 0; i < ROWS; i++) {
        const char *id = i == 5 ? "\"o,brien\"" : i == 300 ? "\"say \"\"hi\"\"\"" : "d";
        const char *grid = i % 7 == 0 ? "-3" : i % 7 == 1 ? "12.3456" : i % 7 == 2 ? "1e2" : "0.5";
        const char *end = i == 400 ? "\r\n" : i == ROWS - 1 ? "" : "\n";
        ok = ok && buf_printf(&b, &e, "%s,%d,%d,%s,%d%s", id, 1950 + i / 20, i % 20 + 1, grid,
                              i % 2, end) == 0;
    }
    CHECK(ok);
    char dir[] = "/tmp/f1-test-features.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/features.csv", dir);
    CHECK_INT(fs_write_atomic(path, b.data, b.len, &e), 0);
    feature_table t;
    CHECK_INT(feature_table_read(path, &t, &e), 0);
    CHECK_INT(t.nrows, ROWS);
    CHECK_INT(t.nfeat, 3);
    int bad = 0;
    for (int i = 0; i < ROWS && t.nrows == ROWS; i++) {
        double want = i % 7 == 0 ? -3 : i % 7 == 1 ? 12.3456 : i % 7 == 2 ? 100 : 0.5;
        const char *id = i == 5 ? "o,brien" : i == 300 ? "say \"hi\"" : "d";
        if (t.x[0 * ROWS + i] != 1950 + i / 20 || t.x[1 * ROWS + i] != i % 20 + 1 ||
            t.x[2 * ROWS + i] != want || t.won[i] != i % 2 || t.season[i] != 1950 + i / 20 ||
            t.round[i] != i % 20 + 1 || strcmp(t.driver_id[i], id) != 0) {
            if (bad++ < 3)
                CHECK_MSG(0, "row %d read back wrong", i);
        }
    }
    CHECK_INT(bad, 0);
    /* some seasons only: the same rows as the whole table's; the quoted id
     * of 1965 and the CRLF record of 1970 read through the CSV reader */
    const int ranges[3][2] = {{1965, 1965}, {1960, 1970}, {1979, 1990}};
    for (int k = 0; k < 3; k++) {
        feature_table part;
        season_count also = {.first = ranges[k][0], .last = ranges[k][1]};
        CHECK_INT(feature_table_read_seasons(path, ranges[k][0], ranges[k][1], &also, &part, &e), 0);
        int lo = (ranges[k][0] - 1950) * 20, hi = (ranges[k][1] - 1950 + 1) * 20;
        hi = hi > ROWS ? ROWS : hi;
        CHECK_INT(part.nrows, hi - lo);
        int same = part.nrows == hi - lo && part.nfeat == t.nfeat;
        for (int i = 0; same && i < part.nrows; i++) {
            same = strcmp(part.driver_id[i], t.driver_id[lo + i]) == 0 &&
                   part.won[i] == t.won[lo + i] && part.season[i] == t.season[lo + i];
            for (int j = 0; same && j < t.nfeat; j++)
                same = part.x[(size_t)j * part.nrows + i] == t.x[(size_t)j * ROWS + lo + i];
        }
        CHECK_MSG(same, "seasons %d-%d differ from the whole table's", ranges[k][0], ranges[k][1]);
        feature_table_release(&part);
        CHECK_INT(also.rows, hi - lo);
        CHECK_INT(also.races, hi - lo); /* every row its own round here */
        /* counted over the whole file, also when the rows read are others */
        season_count early = {.first = 1950, .last = 1951};
        CHECK_INT(feature_table_read_seasons(path, ranges[k][0], ranges[k][1], &early, &part, &e), 0);
        CHECK_INT(early.rows, 40);
        CHECK_INT(early.races, 40);
        feature_table_release(&part);
    }
    feature_table_release(&t);
    /* a bad number in a plain record and one in a record the CSV reader
     * reads are both rejected, naming their line */
    const char *bad_plain = "driver_id,season,round,won\nx,2000,1,0\ny,2000,1.5.2,0\n";
    CHECK_INT(fs_write_atomic(path, bad_plain, strlen(bad_plain), &e), 0);
    CHECK_INT(feature_table_read(path, &t, &e), -1);
    CHECK_MSG(strstr(e.msg, "line 3") != NULL, "%s", e.msg);
    const char *bad_quoted = "driver_id,season,round,won\n\"x\",2000,1,0\n\"y\",2000,z,0\n";
    CHECK_INT(fs_write_atomic(path, bad_quoted, strlen(bad_quoted), &e), 0);
    CHECK_INT(feature_table_read(path, &t, &e), -1);
    CHECK_MSG(strstr(e.msg, "line 3") != NULL, "%s", e.msg);
    /* more digits than the fast path takes exactly: strtod's value */
    const char *long_number = "driver_id,season,round,won\nx,2000,1,88888888888888888888\n";
    CHECK_INT(fs_write_atomic(path, long_number, strlen(long_number), &e), 0);
    CHECK_INT(feature_table_read(path, &t, &e), 0);
    CHECK(t.nrows == 1 && t.won[0] == strtod("88888888888888888888", NULL));
    feature_table_release(&t);
    const char *short_row = "driver_id,season,round,won\nx,2000,1\n";
    CHECK_INT(fs_write_atomic(path, short_row, strlen(short_row), &e), 0);
    CHECK_INT(feature_table_read(path, &t, &e), -1);
    CHECK_MSG(strstr(e.msg, "fields") != NULL, "%s", e.msg);
    unlink(path);
    rmdir(dir);
    buf_release(&b);
}

int main(void)
{
    test_rf_points();
    test_windows();
    test_same_race_invisible();
    test_forty_finishers();
    test_onehot();
    test_names();
    test_home_and_age();
    test_order_rejected();
    test_csv_round_trip();
    test_csv_read_forms();
    return check_done();
}
