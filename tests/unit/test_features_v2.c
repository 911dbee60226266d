/* Tests for data/features_v2 and data/qualifying on hand-made histories
 * whose expected values are worked out by hand in the comments: a driver's
 * first race, a one-car and a three-car team, no qualifying time, a race
 * without qualifying, a grid of 0, a circuit never raced before, the first
 * race of a season, tied leaders, and leak-freedom (changing a race's result
 * changes no feature of that race or an earlier one).  The lap-time parser
 * and the qualifying index (duplicates, bad times) are checked too. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "data/features_v2.h"

#define EPS 1e-9

static prepared_row row(int season, int round, const char *circuit, const char *driver,
                        const char *constructor, int grid, int position, const char *status,
                        double points)
{
    prepared_row r = {
        .season = season, .round = round, .race_name = "Test Grand Prix",
        .race_date = "2000-06-15", .driver_id = (char *)driver, .driver_name = "A Driver",
        .driver_dob = "1980-06-15", .driver_nationality = "Martian",
        .constructor_id = (char *)constructor, .constructor_name = "A Team", .grid = grid,
        .position = position, .points = points, .laps = 50, .status = (char *)status,
        .circuit_id = (char *)circuit, .country = "Nowhere", .weather_text = "",
        .weather = "unknown",
    };
    return r;
}

static void add(prepared *p, prepared_row r)
{
    err e;
    if (prepared_append(p, &r, &e) != 0) {
        printf("prepared_append: %s\n", e.msg);
        exit(1);
    }
}

static void quali(qualifying_table *q, int season, int round, const char *driver, double q1,
                  double q2, double q3)
{
    err e;
    double ms[QUALIFYING_SESSIONS] = {q1, q2, q3};
    if (qualifying_append(q, season, round, driver, ms, &e) != 0) {
        printf("qualifying_append: %s\n", e.msg);
        exit(1);
    }
}

/* Feature `name` of the row of (season, round, driver). */
static double feat(const feature_table *t, int season, int round, const char *driver,
                   const char *name)
{
    int j = 0;
    while (j < t->nfeat && strcmp(t->names[j], name) != 0)
        j++;
    for (int i = 0; j < t->nfeat && i < t->nrows; i++)
        if (t->season[i] == season && t->round[i] == round && strcmp(t->driver_id[i], driver) == 0)
            return t->x[(size_t)j * t->nrows + i];
    printf("no feature %s for %d/%d %s\n", name, season, round, driver);
    return -12345.0;
}

#define F(s, r, d, name) feat(&t, s, r, d, name)
#define CHECK_NAN(x) CHECK_MSG(isnan(x), "%s is %g, expected NAN", #x, (x))

/* The history of the main tests.
 *
 * 2000 round 1, circuit c1: A (team X) 1st from grid 2, finished, 10 pts;
 *   C (team Y, alone) 2nd from grid 1, "+1 Lap", 6 pts; B (team X) 3rd from
 *   the pit lane (grid 0), "Engine", 0 pts.  Qualifying: A 80.000/79.000,
 *   B 80.500, C no entry, Z (did not start) 78.000.
 * 2000 round 2, circuit c2: B 1st (grid 1), A 3rd "Lapped" 4 pts (grid 2),
 *   C 2nd (grid 3); no qualifying.
 * 2001 round 1, circuit c1: C 1st 10 pts, A 2nd 10 pts (hand-made tie),
 *   N (new, team Y) 3rd, B 4th "Accident" 0 pts; grids 1-4.  Qualifying:
 *   C 70.000/69.000/68.000, N 71.400/69.690, A 70.100/69.100/68.500,
 *   B 80.000.
 * 2001 round 2, circuit c1: C, A, N, B in that order, grids 1-4.
 * mpts by position: 25, 18, 15, 12. */
static void history(prepared *p, qualifying_table *q)
{
    memset(p, 0, sizeof *p);
    memset(q, 0, sizeof *q);
    add(p, row(2000, 1, "c1", "A", "X", 2, 1, "Finished", 10));
    add(p, row(2000, 1, "c1", "C", "Y", 1, 2, "+1 Lap", 6));
    add(p, row(2000, 1, "c1", "B", "X", 0, 3, "Engine", 0));
    add(p, row(2000, 2, "c2", "B", "X", 1, 1, "Finished", 10));
    add(p, row(2000, 2, "c2", "C", "Y", 3, 2, "Finished", 6));
    add(p, row(2000, 2, "c2", "A", "X", 2, 3, "Lapped", 4));
    add(p, row(2001, 1, "c1", "C", "Y", 1, 1, "Finished", 10));
    add(p, row(2001, 1, "c1", "A", "X", 2, 2, "Finished", 10));
    add(p, row(2001, 1, "c1", "N", "Y", 3, 3, "Finished", 4));
    add(p, row(2001, 1, "c1", "B", "X", 4, 4, "Accident", 0));
    add(p, row(2001, 2, "c1", "C", "Y", 1, 1, "Finished", 10));
    add(p, row(2001, 2, "c1", "A", "X", 2, 2, "Finished", 6));
    add(p, row(2001, 2, "c1", "N", "Y", 3, 3, "Finished", 4));
    add(p, row(2001, 2, "c1", "B", "X", 4, 4, "Finished", 3));
    quali(q, 2000, 1, "A", 80000, 79000, NAN);
    quali(q, 2000, 1, "Z", 78000, NAN, NAN);
    quali(q, 2000, 1, "B", 80500, NAN, NAN);
    /* Another race's entries must not count for this one. */
    quali(q, 1999, 1, "A", 1000, NAN, NAN);
    quali(q, 2001, 1, "C", 70000, 69000, 68000);
    quali(q, 2001, 1, "N", 71400, 69690, NAN);
    quali(q, 2001, 1, "A", 70100, 69100, 68500);
    quali(q, 2001, 1, "B", 80000, NAN, NAN);
}

static void test_first_race(const feature_table *tp)
{
    const feature_table t = *tp;
    /* Grid: A from 2, C from pole, B from the pit lane = 3 entries. */
    CHECK_NEAR(F(2000, 1, "A", "log_grid"), log(2.0), EPS);
    CHECK_NEAR(F(2000, 1, "C", "log_grid"), 0.0, EPS);
    CHECK_NEAR(F(2000, 1, "B", "log_grid"), log(3.0), EPS);
    CHECK(F(2000, 1, "C", "g1") == 1 && F(2000, 1, "C", "g2") == 0);
    CHECK(F(2000, 1, "A", "g2") == 1 && F(2000, 1, "A", "g1") == 0);
    CHECK(F(2000, 1, "B", "g3") == 1 && F(2000, 1, "B", "g4") == 0);
    /* Qualifying: the race's best is Z's 78.000 though Z did not start.
     * A: 100 * (79/78 - 1) = 1.2820512820...; B: 100 * 2.5/78 = 3.2051282...;
     * C set no time: 7. */
    CHECK_NEAR(F(2000, 1, "A", "q_gap_pct"), 100.0 / 78.0, EPS);
    CHECK_NEAR(F(2000, 1, "B", "q_gap_pct"), 250.0 / 78.0, EPS);
    CHECK_NEAR(F(2000, 1, "C", "q_gap_pct"), 7.0, EPS);
    /* Teammates A and B: Q2 only A, so Q1: 100 * (80/80.5 - 1) =
     * -0.6211180124..., and B: 100 * 0.5/80 = 0.625.  C drives alone. */
    CHECK_NEAR(F(2000, 1, "A", "tm_q_delta"), -50.0 / 80.5, EPS);
    CHECK_NEAR(F(2000, 1, "B", "tm_q_delta"), 0.625, EPS);
    CHECK_NAN(F(2000, 1, "C", "tm_q_delta"));
    /* Everyone's first race: no history, no previous season. */
    static const char *const none[] = {"d5_mpts", "d5_won", "d10_dnf", "d10_ahead_tm", "c5_mpts",
                                       "c5_won", "circ3_mpts", "prev_share", "season_rel",
                                       "con_season_rel", "d5_gap"};
    for (size_t k = 0; k < sizeof none / sizeof none[0]; k++)
        CHECK_MSG(isnan(F(2000, 1, "A", none[k])) && isnan(F(2000, 1, "B", none[k])),
                  "%s of a first race is NAN", none[k]);
    CHECK(F(2000, 1, "A", "is_leader") == 0 && F(2000, 1, "C", "is_leader") == 0);
}

static void test_second_race(const feature_table *tp)
{
    const feature_table t = *tp;
    /* No qualifying at all for this race: unknown, not "slow". */
    CHECK_NAN(F(2000, 2, "A", "q_gap_pct"));
    CHECK_NAN(F(2000, 2, "B", "tm_q_delta"));
    /* One earlier row each: A won (25 mpts), finished, ahead of B who
     * retired; B 15 mpts, not finished; C 18, "+1 Lap" counts as finished,
     * never ahead of a teammate (one-car team). */
    CHECK_NEAR(F(2000, 2, "A", "d5_mpts"), 25, EPS);
    CHECK_NEAR(F(2000, 2, "A", "d5_won"), 1, EPS);
    CHECK_NEAR(F(2000, 2, "A", "d10_dnf"), 0, EPS);
    CHECK_NEAR(F(2000, 2, "A", "d10_ahead_tm"), 1, EPS);
    CHECK_NEAR(F(2000, 2, "B", "d5_mpts"), 15, EPS);
    CHECK_NEAR(F(2000, 2, "B", "d10_dnf"), 1, EPS);
    CHECK_NEAR(F(2000, 2, "B", "d10_ahead_tm"), 0, EPS);
    CHECK_NEAR(F(2000, 2, "C", "d10_dnf"), 0, EPS);
    CHECK_NEAR(F(2000, 2, "C", "d10_ahead_tm"), 0, EPS);
    /* Team X summed 25 + 15 = 40 and won; Y 18. */
    CHECK_NEAR(F(2000, 2, "B", "c5_mpts"), 40, EPS);
    CHECK_NEAR(F(2000, 2, "B", "c5_won"), 1, EPS);
    CHECK_NEAR(F(2000, 2, "C", "c5_mpts"), 18, EPS);
    CHECK_NEAR(F(2000, 2, "C", "c5_won"), 0, EPS);
    /* Circuit c2 is new to everyone. */
    CHECK_NAN(F(2000, 2, "A", "circ3_mpts"));
    /* Season so far: A 25, C 18, B 15 -> 1, 0.72, 0.6; X 40, Y 18. */
    CHECK_NEAR(F(2000, 2, "A", "season_rel"), 1, EPS);
    CHECK_NEAR(F(2000, 2, "C", "season_rel"), 0.72, EPS);
    CHECK_NEAR(F(2000, 2, "B", "season_rel"), 0.6, EPS);
    CHECK_NEAR(F(2000, 2, "C", "con_season_rel"), 0.45, EPS);
    CHECK_NEAR(F(2000, 2, "A", "con_season_rel"), 1, EPS);
    /* Official points: A 10, C 6, B 0. */
    CHECK(F(2000, 2, "A", "is_leader") == 1);
    CHECK(F(2000, 2, "C", "is_leader") == 0 && F(2000, 2, "B", "is_leader") == 0);
    /* d5 A 25, B 15, C 18: gaps to the best 0, -10, -7. */
    CHECK_NEAR(F(2000, 2, "A", "d5_gap"), 0, EPS);
    CHECK_NEAR(F(2000, 2, "B", "d5_gap"), -10, EPS);
    CHECK_NEAR(F(2000, 2, "C", "d5_gap"), -7, EPS);
}

static void test_new_season(const feature_table *tp)
{
    const feature_table t = *tp;
    /* 2000 totals: A 25+15 = 40, B 15+25 = 40, C 36; X 80, Y 36.  N did
     * not race in 2000: 0. */
    CHECK_NEAR(F(2001, 1, "A", "prev_share"), 1, EPS);
    CHECK_NEAR(F(2001, 1, "C", "prev_share"), 0.9, EPS);
    CHECK_NEAR(F(2001, 1, "N", "prev_share"), 0, EPS);
    /* First race of the season: nobody has mpts yet, so the previous
     * season's shares stand in; nobody has raced, so nobody leads. */
    CHECK_NEAR(F(2001, 1, "C", "season_rel"), 0.9, EPS);
    CHECK_NEAR(F(2001, 1, "N", "season_rel"), 0, EPS);
    CHECK_NEAR(F(2001, 1, "A", "con_season_rel"), 1, EPS);
    CHECK_NEAR(F(2001, 1, "N", "con_season_rel"), 0.45, EPS);
    CHECK(F(2001, 1, "A", "is_leader") == 0 && F(2001, 1, "C", "is_leader") == 0);
    /* A's rows: 25 (won, ahead), 15 (Lapped = finished, behind B):
     * mean 20, won 0.5, dnf 0, ahead 0.5.  B: 15 (retired), 25: dnf 0.5. */
    CHECK_NEAR(F(2001, 1, "A", "d5_mpts"), 20, EPS);
    CHECK_NEAR(F(2001, 1, "A", "d5_won"), 0.5, EPS);
    CHECK_NEAR(F(2001, 1, "A", "d10_dnf"), 0, EPS);
    CHECK_NEAR(F(2001, 1, "A", "d10_ahead_tm"), 0.5, EPS);
    CHECK_NEAR(F(2001, 1, "B", "d10_dnf"), 0.5, EPS);
    CHECK_NEAR(F(2001, 1, "B", "d10_ahead_tm"), 0.5, EPS);
    /* N's first race; his team's history is Y's (18, 18). */
    CHECK_NAN(F(2001, 1, "N", "d5_mpts"));
    CHECK_NAN(F(2001, 1, "N", "d5_gap"));
    CHECK_NAN(F(2001, 1, "N", "circ3_mpts"));
    CHECK_NEAR(F(2001, 1, "N", "c5_mpts"), 18, EPS);
    CHECK_NEAR(F(2001, 1, "A", "c5_mpts"), 40, EPS);
    CHECK_NEAR(F(2001, 1, "A", "c5_won"), 1, EPS);
    /* Back at c1: one earlier row there each. */
    CHECK_NEAR(F(2001, 1, "A", "circ3_mpts"), 25, EPS);
    CHECK_NEAR(F(2001, 1, "B", "circ3_mpts"), 15, EPS);
    /* Best d5 of the entrants: 20 (A and B); C 18 -> -2. */
    CHECK_NEAR(F(2001, 1, "C", "d5_gap"), -2, EPS);
    CHECK_NEAR(F(2001, 1, "B", "d5_gap"), 0, EPS);
    /* Qualifying: best C's Q3 68.000.  A 68.500: 100 * 0.5/68; N 69.690:
     * 100 * 1.69/68; B 80.000 is 17.6% off: capped at 7. */
    CHECK_NEAR(F(2001, 1, "C", "q_gap_pct"), 0, EPS);
    CHECK_NEAR(F(2001, 1, "A", "q_gap_pct"), 50.0 / 68.0, EPS);
    CHECK_NEAR(F(2001, 1, "N", "q_gap_pct"), 169.0 / 68.0, EPS);
    CHECK_NEAR(F(2001, 1, "B", "q_gap_pct"), 7, EPS);
    /* Y has two cars now: Q3 only C, so Q2 (not Q1, where N was 2%
     * slower): C 100 * (69/69.69 - 1), N 100 * 0.69/69 = 1.  X: only Q1 in common, A 70.1 vs B 80: -12.4 and
     * +14.1, clipped to -7 and 7. */
    CHECK_NEAR(F(2001, 1, "C", "tm_q_delta"), -69.0 / 69.69, EPS);
    CHECK_NEAR(F(2001, 1, "N", "tm_q_delta"), 1, EPS);
    CHECK_NEAR(F(2001, 1, "A", "tm_q_delta"), -7, EPS);
    CHECK_NEAR(F(2001, 1, "B", "tm_q_delta"), 7, EPS);
    /* Round 2: C and A share the lead with 10 official points each. */
    CHECK(F(2001, 2, "C", "is_leader") == 1 && F(2001, 2, "A", "is_leader") == 1);
    CHECK(F(2001, 2, "N", "is_leader") == 0);
    /* Season so far: C 25, A 18, N 15, B 12. */
    CHECK_NEAR(F(2001, 2, "B", "season_rel"), 12.0 / 25.0, EPS);
    /* c1 for A: 25 (2000), 18 (2001 round 1). */
    CHECK_NEAR(F(2001, 2, "A", "circ3_mpts"), 21.5, EPS);
    /* No qualifying entries for round 2. */
    CHECK_NAN(F(2001, 2, "C", "q_gap_pct"));
}

static void test_table(void)
{
    prepared p;
    qualifying_table q;
    feature_table t;
    err e;
    history(&p, &q);
    int rc = features_v2_build(&p, &q, &t, &e);
    CHECK_MSG(rc == 0, "features_v2_build: %s", rc ? e.msg : "");
    if (rc == 0) {
        CHECK_INT(t.nrows, p.n);
        CHECK_INT(t.nfeat, FEATURES_V2_NFEAT);
        for (int j = 0; j < t.nfeat; j++)
            CHECK_STR(t.names[j], features_v2_names[j]);
        CHECK_STR(t.names[0], "log_grid");
        CHECK_STR(t.names[20], "d5_gap");
        CHECK(t.won[0] == 1 && t.won[1] == 0 && t.won[3] == 1);
        CHECK(t.season[13] == 2001 && t.round[13] == 2);
        CHECK_STR(t.driver_id[13], "B");
        test_first_race(&t);
        test_second_race(&t);
        test_new_season(&t);
    }
    feature_table_release(&t);
    /* Without a qualifying table: every qualifying feature is unknown. */
    rc = features_v2_build(&p, NULL, &t, &e);
    CHECK(rc == 0);
    if (rc == 0) {
        CHECK_NAN(F(2001, 1, "C", "q_gap_pct"));
        CHECK_NAN(F(2001, 1, "C", "tm_q_delta"));
        CHECK_NEAR(F(2001, 1, "A", "d5_mpts"), 20, EPS);
    }
    feature_table_release(&t);
    prepared_release(&p);
    qualifying_release(&q);
}

/* Bitwise equality, NAN equal to NAN. */
static int same_value(double a, double b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

/* Changing the result of 2000 round 2 (C wins, B retires, points moved)
 * must leave every feature of rounds 1 and 2 unchanged and change later
 * ones. */
static void test_leak_free(void)
{
    prepared p, changed = {0};
    qualifying_table q;
    feature_table t, u;
    err e;
    history(&p, &q);
    for (int i = 0; i < p.n; i++) {
        prepared_row r = p.rows[i];
        if (r.season == 2000 && r.round == 2) {
            if (strcmp(r.driver_id, "C") == 0)
                r.position = 1, r.points = 10, r.status = "Finished";
            else if (strcmp(r.driver_id, "B") == 0)
                r.position = 2, r.points = 0, r.status = "Gearbox";
            else
                r.points = 6;
        }
        add(&changed, r);
    }
    int ok = features_v2_build(&p, &q, &t, &e) == 0 && features_v2_build(&changed, &q, &u, &e) == 0;
    CHECK(ok);
    if (ok) {
        int before = 0, after = 0;
        for (int j = 0; j < t.nfeat; j++)
            for (int i = 0; i < t.nrows; i++) {
                int same = same_value(t.x[(size_t)j * t.nrows + i], u.x[(size_t)j * u.nrows + i]);
                if (t.season[i] == 2000)
                    before += !same;
                else
                    after += !same;
            }
        CHECK_MSG(before == 0, "%d features of the changed race or earlier changed", before);
        CHECK_MSG(after > 10, "only %d later features changed", after);
        CHECK_NEAR(F(2001, 1, "B", "d10_dnf"), 0.5, EPS);
        feature_table keep = t;
        t = u;
        CHECK_NEAR(F(2001, 1, "B", "d10_dnf"), 1, EPS);
        t = keep;
        feature_table_release(&u);
    }
    feature_table_release(&t);
    prepared_release(&p);
    prepared_release(&changed);
    qualifying_release(&q);
}

/* A three-car team has no teammate; a car that retired ahead of its
 * teammate did not finish ahead of him; a season whose first race gave no
 * points makes everyone who raced a (tied) leader, but not a newcomer. */
static void test_three_cars_and_zero_points(void)
{
    prepared p = {0};
    qualifying_table q = {0};
    feature_table t;
    err e;
    add(&p, row(2010, 1, "c", "A", "X", 1, 1, "Finished", 0));
    add(&p, row(2010, 1, "c", "B", "X", 2, 2, "Finished", 0));
    add(&p, row(2010, 1, "c", "C", "X", 3, 3, "Finished", 0));
    add(&p, row(2010, 1, "c", "P", "W", 4, 4, "Retired", 0));
    add(&p, row(2010, 1, "c", "R", "W", 5, 5, "Finished", 0));
    add(&p, row(2010, 2, "c", "A", "X", 1, 1, "Finished", 0));
    add(&p, row(2010, 2, "c", "D", "Y", 2, 2, "Finished", 0));
    add(&p, row(2010, 2, "c", "P", "W", 3, 3, "Finished", 0));
    add(&p, row(2010, 2, "c", "R", "W", 4, 4, "Finished", 0));
    quali(&q, 2010, 1, "A", 60000, NAN, NAN);
    quali(&q, 2010, 1, "B", 61000, NAN, NAN);
    quali(&q, 2010, 1, "C", 62000, NAN, NAN);
    int rc = features_v2_build(&p, &q, &t, &e);
    CHECK(rc == 0);
    if (rc == 0) {
        CHECK_NAN(F(2010, 1, "A", "tm_q_delta"));
        CHECK_NEAR(F(2010, 1, "C", "q_gap_pct"), 100.0 * 2.0 / 60.0, EPS);
        /* No 2009: no previous-season share, even in round 2 with mpts. */
        CHECK_NAN(F(2010, 1, "A", "prev_share"));
        CHECK_NEAR(F(2010, 2, "A", "season_rel"), 1, EPS);
        CHECK(F(2010, 2, "A", "is_leader") == 1);
        CHECK(F(2010, 2, "D", "is_leader") == 0);
        /* A 3-car team is in no two-car pair: never "ahead". */
        CHECK_NEAR(F(2010, 2, "A", "d10_ahead_tm"), 0, EPS);
        CHECK_NEAR(F(2010, 2, "P", "d10_ahead_tm"), 0, EPS);
        CHECK_NEAR(F(2010, 2, "R", "d10_ahead_tm"), 0, EPS);
        CHECK_NEAR(F(2010, 2, "P", "d10_dnf"), 1, EPS);
        /* X summed 25 + 18 + 15 = 58. */
        CHECK_NEAR(F(2010, 2, "A", "c5_mpts"), 58, EPS);
    }
    feature_table_release(&t);
    prepared_release(&p);
    qualifying_release(&q);
}

static void test_errors(void)
{
    prepared p = {0};
    qualifying_table q = {0};
    feature_table t;
    err e;
    add(&p, row(2001, 2, "c", "A", "X", 1, 1, "Finished", 10));
    add(&p, row(2001, 1, "c", "A", "X", 1, 1, "Finished", 10));
    CHECK(features_v2_build(&p, NULL, &t, &e) == -1 && e.kind == ERR_DATA);
    CHECK(t.nrows == 0 && t.x == NULL);
    prepared_release(&p);
    add(&p, row(2001, 1, "c", "A", "X", 1, 1, "Finished", 10));
    quali(&q, 2001, 1, "A", 60000, NAN, NAN);
    quali(&q, 2001, 1, "A", 61000, NAN, NAN);
    CHECK(features_v2_build(&p, &q, &t, &e) == -1 && e.kind == ERR_DATA);
    CHECK_MSG(strstr(e.msg, "'A' has two entries in 2001 round 1") != NULL, "%s", e.msg);
    qualifying_release(&q);
    quali(&q, 2001, 1, "A", -5, NAN, NAN);
    CHECK(features_v2_build(&p, &q, &t, &e) == -1 && e.kind == ERR_DATA);
    CHECK_MSG(strstr(e.msg, "Q1 time -5 ms") != NULL, "%s", e.msg);
    qualifying_release(&q);
    prepared_release(&p);
}

static void test_time_parser(void)
{
    static const struct {
        const char *text;
        double ms; /* -1: rejected */
    } cases[] = {
        {"1:26.572", 86572}, {"0:59.5", 59500}, {"59.5", 59500}, {"2:05.1", 125100},
        {"12:00.000", 720000}, {"1:26.57", 86570}, {"1:2.500", -1}, {"1:60.000", -1},
        {"1:26.", -1}, {"1:26", -1}, {"1:26.5721", -1}, {"abc", -1}, {"-1:26.572", -1},
        {"1:26.572 ", -1}, {":26.572", -1}, {"1234:00.000", -1},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        double ms = 0;
        err e = {0};
        int rc = qualifying_time_ms(cases[k].text, &ms, &e);
        if (cases[k].ms < 0)
            CHECK_MSG(rc == -1 && e.kind == ERR_DATA && strstr(e.msg, cases[k].text) != NULL,
                      "'%s' rejected (rc %d, %s)", cases[k].text, rc, e.msg);
        else
            CHECK_MSG(rc == 0 && ms == cases[k].ms, "'%s' -> %g (rc %d)", cases[k].text, ms, rc);
    }
    double ms = 0;
    err e;
    CHECK(qualifying_time_ms("", &ms, &e) == 0 && isnan(ms));
}

static void test_index(void)
{
    qualifying_table q = {0};
    qualifying_index ix;
    err e;
    quali(&q, 2001, 2, "b", 3, NAN, NAN);
    quali(&q, 2001, 1, "z", 2, NAN, NAN);
    quali(&q, 2002, 1, "a", 4, NAN, NAN);
    quali(&q, 2001, 2, "a", 1, NAN, NAN);
    CHECK(qualifying_index_build(&ix, &q, &e) == 0);
    int lo, hi;
    qualifying_index_race(&ix, 2001, 2, &lo, &hi);
    CHECK(hi - lo == 2);
    CHECK_INT(qualifying_index_find(&ix, lo, hi, "a"), 3);
    CHECK_INT(qualifying_index_find(&ix, lo, hi, "b"), 0);
    CHECK_INT(qualifying_index_find(&ix, lo, hi, "z"), -1);
    qualifying_index_race(&ix, 2001, 3, &lo, &hi);
    CHECK(hi == lo);
    CHECK_INT(qualifying_index_find(&ix, lo, hi, "a"), -1);
    qualifying_index_release(&ix);
    qualifying_release(&q);
}

int main(void)
{
    test_table();
    test_leak_free();
    test_three_cars_and_zero_points();
    test_errors();
    test_time_parser();
    test_index();
    CHECK_INT(features_v2_mpts(1), 25);
    CHECK_INT(features_v2_mpts(10), 1);
    CHECK_INT(features_v2_mpts(11), 0);
    CHECK_INT(features_v2_mpts(0), 0);
    return check_done();
}
