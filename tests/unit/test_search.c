/* search: on a synthetic history, every configuration's validation score
 * equals training that configuration with model_train and scoring its
 * predictions (so the shared trees and depth cuts change nothing), for
 * bagging on the spec features and for a mixed set (conditional logits
 * and bagging on v2 and spec, several train-from), scores do not depend on
 * the thread count, a season after the last validation season cannot
 * change any score, and bad seasons fail clearly. */
#include "check.h"

#include <stdlib.h>

#include "data/feature_set.h"
#include "data/feature_table.h"
#include "ml/model.h"
#include "core/rng.h"
#include "ml/score.h"
#include "ml/search.h"

#define FIRST 2000
#define LAST 2009
#define DRIVERS 12
#define RACES 8

static const char *const nats[3] = {"British", "German", "Italian"};
static const char *const races[4] = {"North GP", "South GP", "East GP", "West GP"};

/* A history where skill and grid drive results, with noise. */
static void history(prepared *p, uint64_t seed)
{
    rng r = rng_stream(seed, 0);
    for (int season = FIRST; season <= LAST; season++)
        for (int round = 1; round <= RACES; round++) {
            double key[DRIVERS];
            int grid[DRIVERS], order[DRIVERS];
            for (int d = 0; d < DRIVERS; d++) {
                key[d] = d + 6.0 * rng_double(&r);
                order[d] = d;
            }
            for (int a = 0; a < DRIVERS; a++) /* rank by key: grid */
                for (int b = a + 1; b < DRIVERS; b++)
                    if (key[order[b]] < key[order[a]]) {
                        int t = order[a];
                        order[a] = order[b];
                        order[b] = t;
                    }
            for (int k = 0; k < DRIVERS; k++)
                grid[order[k]] = k + 1;
            for (int d = 0; d < DRIVERS; d++)
                key[d] = grid[d] + 5.0 * rng_double(&r);
            for (int a = 0; a < DRIVERS; a++) /* rank again: finishing order */
                for (int b = a + 1; b < DRIVERS; b++)
                    if (key[order[b]] < key[order[a]]) {
                        int t = order[a];
                        order[a] = order[b];
                        order[b] = t;
                    }
            for (int k = 0; k < DRIVERS; k++) {
                int d = order[k];
                char id[16], team[16], date[32], dob[32];
                snprintf(id, sizeof id, "driver%d", d);
                snprintf(team, sizeof team, "team%d", d / 2);
                snprintf(date, sizeof date, "%d-%02d-10", season, round + 2);
                snprintf(dob, sizeof dob, "%d-01-01", 1960 + d);
                prepared_row row = {
                    .season = season, .round = round, .race_name = (char *)races[round % 4],
                    .race_date = date, .driver_id = id, .driver_name = id, .driver_dob = dob,
                    .driver_nationality = (char *)nats[d % 3], .constructor_id = team,
                    .constructor_name = team, .grid = grid[d], .position = k + 1,
                    .points = k < 6 ? 10 - k : 0, .laps = 60,
                    .status = rng_below(&r, 8) == 0 ? "Retired" : "Finished",
                    .circuit_id = "c", .country = round % 2 ? "UK" : "Italy",
                    .weather_text = "", .weather = round % 3 ? "warm" : "wet"};
                err e;
                if (prepared_append(p, &row, &e) != 0)
                    printf("prepared_append: %s\n", e.msg);
            }
        }
}

static bagging_params params(int n, double samples, double feats, int depth, int boot)
{
    return (bagging_params){.n_estimators = n,
                            .max_samples = {samples < 1.0 || samples == 1.0, samples},
                            .max_features = {feats <= 1.0, feats},
                            .bootstrap = boot, .bootstrap_features = 1, .max_depth = depth,
                            .seed = 11};
}

/* Bagging on the spec features, trained from FIRST. */
static space_config spec_bag(bagging_params b)
{
    return (space_config){.learner = {.kind = LEARNER_BAGGING, .seed = b.seed, .bagging = b},
                          .set = FEATURE_SET_SPEC, .train_from = FIRST};
}

#define NC 10
static void configs(space_config *c)
{
    c[0] = spec_bag(params(3, 30, 8, 0, 1));
    c[1] = spec_bag(params(9, 30, 8, 0, 1));  /* c[0]'s trees and more */
    c[2] = spec_bag(params(9, 30, 8, 2, 1));  /* c[1] cut at depth 2 */
    c[3] = spec_bag(params(5, 30, 8, 3, 1));
    c[4] = spec_bag(params(4, 0.5, 1.0, 0, 0));
    c[5] = spec_bag(params(6, 0.5, 1.0, 4, 0));
    c[6] = spec_bag(params(2, 200, 0.5, 1, 1));
    c[7] = spec_bag(params(7, 200, 0.5, 0, 0));
    c[8] = spec_bag(params(1, 10, 3, 0, 1));
    c[9] = spec_bag(params(6, 30, 8, 1, 1));
}

static space_config logit(feature_set set, int from, double l2)
{
    space_config c = {.learner = {.kind = LEARNER_CLOGIT, .seed = 11,
                                  .clogit = clogit_params_default()},
                      .set = set, .train_from = from};
    c.learner.clogit.l2 = l2;
    return c;
}

/* The score of c on season v the slow way, as train and evaluate do it:
 * the features of c's set for its training seasons, model_train,
 * model_score, score_season. */
static double direct(const prepared *p, const space_config *c, int v, err *e)
{
    int end = 0;
    while (end < p->n && p->rows[end].season <= v)
        end++;
    prepared view = {.n = end, .alloc = end, .rows = p->rows};
    feature_table t = {0};
    model m = {0};
    score sc = {0};
    double *pred = calloc((size_t)end, sizeof *pred);
    double out = -1;
    int first = -1, n = 0;
    if (feature_set_build(c->set, &view, NULL, c->train_from, v - 1, &t, e) != 0 ||
        model_train(&m, &t, c->set, NULL, 0, c->train_from, v - 1, &c->learner, 2, e) != 0)
        goto done;
    for (int i = 0; i < t.nrows; i++)
        if (t.season[i] == v) {
            first = first < 0 ? i : first;
            n++;
        }
    if (model_score(&m, &t, first, n, pred + first, NULL, e) == 0 &&
        score_season(&sc, &view, v, pred, model_seed(&m), e) == 0)
        out = sc.expected_hits / sc.n_races;
done:
    score_release(&sc);
    free(pred);
    model_release(&m);
    feature_table_release(&t);
    return out;
}

static void test_equals_direct(void)
{
    prepared p = {0};
    history(&p, 5);
    space_config c[NC];
    configs(c);
    int seasons[3] = {2006, 2007, 2008};
    search_job j = {.p = &p, .seasons = seasons, .n_seasons = 3, .configs = c,
                    .n_configs = NC, .threads = 2};
    search_result r;
    err e;
    err_clear(&e);
    CHECK_INT(search_run(&j, &r, &e), 0);
    if (r.expected != NULL) {
        int same = 1, spread = 0;
        for (int k = 0; k < NC; k++)
            for (int s = 0; s < 3; s++) {
                double want = direct(&p, &c[k], seasons[s], &e);
                double got = r.expected[k * 3 + s];
                CHECK_MSG(got == want, "config %d season %d: search %.17g, direct %.17g", k,
                          seasons[s], got, want);
                same = same && got == want;
                spread += got != r.expected[0];
            }
        CHECK(same);
        CHECK_MSG(spread > 0, "configurations score differently (the test has teeth)");
        CHECK_INT(r.train_rows[0], 6 * RACES * DRIVERS);
        CHECK_INT(r.train_rows[NC * 3 - 1], 8 * RACES * DRIVERS);
        CHECK(r.nfeat[0] > FEATURES_NFIXED);
        /* One thread: the same bits. */
        search_result one;
        j.threads = 1;
        CHECK_INT(search_run(&j, &one, &e), 0);
        CHECK(one.expected && memcmp(one.expected, r.expected, sizeof(double) * NC * 3) == 0);
        search_result_release(&one);
    }
    search_result_release(&r);
    prepared_release(&p);
}

/* Another history from 2009 on (the season after the last validation
 * season): no score moves. */
static void test_later_season_unused(void)
{
    prepared a = {0}, b = {0};
    history(&a, 5);
    history(&b, 5);
    for (int i = 0; i < b.n; i++)
        if (b.rows[i].season == LAST) { /* reverse every race's result */
            b.rows[i].position = DRIVERS + 1 - b.rows[i].position;
            b.rows[i].grid = DRIVERS + 1 - b.rows[i].grid;
        }
    space_config c[NC];
    configs(c);
    int seasons[2] = {2007, 2008};
    search_job j = {.p = &a, .seasons = seasons, .n_seasons = 2, .configs = c,
                    .n_configs = NC, .threads = 2};
    search_result ra, rb;
    err e;
    CHECK_INT(search_run(&j, &ra, &e), 0);
    j.p = &b;
    CHECK_INT(search_run(&j, &rb, &e), 0);
    CHECK(ra.expected && rb.expected &&
          memcmp(ra.expected, rb.expected, sizeof(double) * NC * 2) == 0);
    /* ...while validating on that season does see the change. */
    int last[1] = {LAST};
    search_result la, lb;
    j.seasons = last;
    j.n_seasons = 1;
    j.p = &a;
    CHECK_INT(search_run(&j, &la, &e), 0);
    j.p = &b;
    CHECK_INT(search_run(&j, &lb, &e), 0);
    CHECK(la.expected && lb.expected && memcmp(la.expected, lb.expected, sizeof(double) * NC) != 0);
    search_result_release(&ra);
    search_result_release(&rb);
    search_result_release(&la);
    search_result_release(&lb);
    prepared_release(&a);
    prepared_release(&b);
}

static void test_errors(void)
{
    prepared p = {0};
    history(&p, 1);
    space_config c[1] = {spec_bag(params(2, 10, 3, 0, 1))};
    int missing[1] = {LAST + 1}, too_early[1] = {FIRST};
    search_job j = {.p = &p, .seasons = missing, .n_seasons = 1, .configs = c,
                    .n_configs = 1, .threads = 1};
    search_result r;
    err e;
    CHECK_INT(search_run(&j, &r, &e), -1);
    CHECK_INT(e.kind, ERR_DATA);
    CHECK(strstr(e.msg, "2010") != NULL);
    CHECK(r.expected == NULL);
    j.seasons = too_early;
    CHECK_INT(search_run(&j, &r, &e), -1);
    CHECK(strstr(e.msg, "no training season") != NULL);
    prepared_release(&p);
}

/* A mixed space: logits on both sets and several train-from, bagging on
 * v2 (missing values imputed) and on spec from two seasons, interleaved
 * so groups are not contiguous: each score is train + evaluate's, bit for
 * bit, on any thread count. */
#define NM 9
static void test_mixed_equals_direct(void)
{
    prepared p = {0};
    history(&p, 7);
    space_config c[NM] = {
        logit(FEATURE_SET_V2, FIRST, 15),
        spec_bag(params(4, 30, 8, 0, 1)),
        logit(FEATURE_SET_V2, 2002, 1),
        logit(FEATURE_SET_SPEC, FIRST, 15),
        spec_bag(params(6, 30, 8, 2, 1)),
        logit(FEATURE_SET_V2, FIRST, 100),
        spec_bag(params(3, 0.5, 1.0, 0, 0)),
        spec_bag(params(5, 20, 0.5, 0, 1)),
    };
    c[6].train_from = 2002;
    c[7].set = FEATURE_SET_V2; /* bagging on v2 */
    c[8] = logit(FEATURE_SET_SPEC, 2003, 5);
    int seasons[2] = {2007, 2008};
    search_job j = {.p = &p, .seasons = seasons, .n_seasons = 2, .configs = c, .n_configs = NM,
                    .threads = 2};
    search_result r, one;
    err e;
    err_clear(&e);
    CHECK_INT(search_run(&j, &r, &e), 0);
    j.threads = 1;
    CHECK_INT(search_run(&j, &one, &e), 0);
    if (r.expected != NULL && one.expected != NULL) {
        int same = 1, spread = 0;
        for (int k = 0; k < NM; k++)
            for (int s = 0; s < 2; s++) {
                double want = direct(&p, &c[k], seasons[s], &e);
                double got = r.expected[k * 2 + s];
                CHECK_MSG(got == want, "config %d season %d: search %.17g, direct %.17g", k,
                          seasons[s], got, want);
                same = same && got == want;
                spread += got != r.expected[0];
            }
        CHECK(same);
        CHECK_MSG(spread > 0, "configurations score differently");
        CHECK(memcmp(one.expected, r.expected, sizeof(double) * NM * 2) == 0);
        /* Training rows and features of each configuration's own table. */
        CHECK_INT(r.train_rows[0], 7 * RACES * DRIVERS);      /* v2 from 2000, for 2007 */
        CHECK_INT(r.train_rows[2 * 2], 5 * RACES * DRIVERS);  /* from 2002 */
        CHECK_INT(r.nfeat[0], 21);
        CHECK(r.nfeat[3 * 2] > FEATURES_NFIXED);
    }
    search_result_release(&r);
    search_result_release(&one);
    prepared_release(&p);
}

int main(void)
{
    test_equals_direct();
    test_mixed_equals_direct();
    test_later_season_unused();
    test_errors();
    return check_done();
}
