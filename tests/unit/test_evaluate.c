/* evaluate: scoring of hand-built races (ties at the top broken by the
 * seeded PRNG vs the tie-aware 1/k, a race without a grid-1 car, the
 * leader baseline in round 1 and with tied leaders, a shared car's two
 * winners), then the train and evaluate stages end to end on a small
 * synthetic data-dir (files, backtest, stale model, and the comparison
 * with baseline-model: the same model gives the log-loss and Brier
 * worked out here from predictions.csv and deltas of 0; an older model's
 * deltas are the differences of the two sides). */
#include "check.h"

#include <math.h>

#include <stdlib.h>
#include <unistd.h>

#include "config/config.h"
#include "core/buf.h"
#include "core/csv.h"
#include "core/fsutil.h"
#include "core/jsonfile.h"
#include "core/log.h"
#include "data/feature_table.h"
#include "core/rng.h"
#include "ml/score.h"
#include "stages/registry.h"

static void add_row(prepared *p, int season, int round, const char *race, const char *driver,
                    int grid, int position, double points)
{
    char date[16], constructor[32];
    snprintf(date, sizeof date, "%d-%02d-01", season, round + 2);
    snprintf(constructor, sizeof constructor, "team_%s", driver);
    prepared_row r = {.season = season, .round = round, .race_name = (char *)race,
                      .race_date = date, .driver_id = (char *)driver, .driver_name = (char *)driver,
                      .driver_dob = "1970-05-05", .driver_nationality = "British",
                      .constructor_id = constructor, .constructor_name = constructor,
                      .grid = grid, .position = position, .points = points, .laps = 50,
                      .status = "Finished", .circuit_id = "circuit", .country = "UK",
                      .weather_text = "", .weather = "unknown"};
    err e;
    if (prepared_append(p, &r, &e) != 0)
        printf("prepared_append: %s\n", e.msg);
}

/* Season 2000: a leads.  Season 2001:
 *   round 1: a, b, c tied at the top (b wins), pole b, leader a (2000).
 *   round 2: no grid 1 (c has grid 2 and finishes third), d predicted.
 *   round 3: shared car: a and e both position 1; leaders a and b tied. */
static void hand_built(prepared *p, double *pred)
{
    add_row(p, 2000, 1, "Old GP", "a", 1, 1, 10);
    add_row(p, 2000, 1, "Old GP", "b", 2, 2, 6);
    add_row(p, 2000, 1, "Old GP", "c", 3, 3, 4);
    int base = p->n;
    add_row(p, 2001, 1, "Tie GP", "b", 1, 1, 10);
    add_row(p, 2001, 1, "Tie GP", "a", 2, 2, 6);
    add_row(p, 2001, 1, "Tie GP", "c", 3, 3, 4);
    add_row(p, 2001, 1, "Tie GP", "d", 4, 4, 3);
    add_row(p, 2001, 2, "No Pole GP", "a", 0, 1, 10);
    add_row(p, 2001, 2, "No Pole GP", "b", 3, 2, 6);
    add_row(p, 2001, 2, "No Pole GP", "c", 2, 3, 4);
    add_row(p, 2001, 2, "No Pole GP", "d", 5, 4, 3);
    add_row(p, 2001, 3, "Shared GP", "a", 2, 1, 4);
    add_row(p, 2001, 3, "Shared GP", "e", 2, 1, 4);
    add_row(p, 2001, 3, "Shared GP", "b", 1, 2, 6);
    add_row(p, 2001, 3, "Shared GP", "c", 3, 3, 4);
    double v[12] = {0.5 + 4e-10, 0.5, 0.5 - 4e-10, 0.1, /* round 1 */
                    0.8, 0.7, 0.1, 0.9,                 /* round 2 */
                    0.2, 0.7, 0.3, 0.1};                /* round 3 */
    for (int i = 0; i < 12; i++)
        pred[base + i] = v[i];
}

static const char *id_of(const prepared *p, int row)
{
    return row < 0 ? "(none)" : p->rows[row].driver_id;
}

static void test_races(void)
{
    prepared p = {0};
    double pred[32] = {0};
    hand_built(&p, pred);
    score s;
    err e;
    CHECK_INT(score_season(&s, &p, 2001, pred, 0, &e), 0);
    CHECK_INT(s.n_races, 3);
    CHECK_INT(s.row_first, 3);
    CHECK_INT(s.n_rows, 12);
    const score_race *r1 = &s.races[0], *r2 = &s.races[1], *r3 = &s.races[2];
    /* Round 1: three rows within 1e-9 at the top, b (the winner) among them. */
    CHECK_NEAR(r1->expected_hit, 1.0 / 3.0, 1e-15);
    CHECK(r1->predicted >= 3 && r1->predicted <= 5);
    CHECK(r1->hit == (p.rows[r1->predicted].position == 1));
    CHECK(r1->top3 == 1.0);
    CHECK_STR(id_of(&p, r1->pole), "b");
    CHECK(r1->pole_hit == 1.0);
    /* Round 1 leader: 2000's leader a, entered but not the winner. */
    CHECK_INT(r1->n_leaders, 1);
    CHECK_STR(id_of(&p, s.leader_rows[r1->leader_first]), "a");
    CHECK(r1->leader_hit == 0.0);
    /* Round 2: no grid 1; grid 2 (c) is the pole and finished third. */
    CHECK_STR(id_of(&p, r2->pole), "c");
    CHECK(r2->pole_hit == 0.0);
    CHECK_STR(id_of(&p, r2->predicted), "d");
    CHECK(r2->hit == 0.0 && r2->expected_hit == 0.0);
    CHECK(r2->top3 == 1.0); /* a, the winner, is ranked 2 */
    CHECK_STR(id_of(&p, s.leader_rows[r2->leader_first]), "b"); /* 10 points from round 1 */
    CHECK(r2->leader_hit == 0.0);
    /* Round 3: the shared car's second driver e is predicted: a hit. */
    CHECK_STR(id_of(&p, r3->predicted), "e");
    CHECK(r3->hit == 1.0 && r3->expected_hit == 1.0);
    /* b alone has grid 1 and did not win. */
    CHECK_STR(id_of(&p, r3->pole), "b");
    CHECK(r3->pole_hit == 0.0);
    /* a and b tied on 16 points; a won: 1/2. */
    CHECK_INT(r3->n_leaders, 2);
    CHECK(r3->leader_hit == 0.5);
    CHECK_NEAR(s.expected_hits, 1.0 / 3.0 + 1.0, 1e-15);
    CHECK(s.pole_hits == 1.0 && s.leader_hits == 0.5);
    /* Ranks: each race's are 1..n, the predicted row ranked 1. */
    int ranks_ok = 1;
    for (int k = 0; k < s.n_races; k++) {
        const score_race *r = &s.races[k];
        int seen[8] = {0};
        for (int i = r->first; i < r->first + r->n; i++) {
            int rank = s.rank[i - s.row_first];
            ranks_ok = ranks_ok && rank >= 1 && rank <= r->n && seen[rank]++ == 0;
        }
        ranks_ok = ranks_ok && s.rank[r->predicted - s.row_first] == 1;
    }
    CHECK(ranks_ok);
    CHECK_INT(s.rank[6 - 3], 4); /* d (row 6), clearly last in round 1 */
    score_release(&s);
    score_release(&s);
    score_release(NULL);
    prepared_release(&p);
}

/* The seeded tie-break: reproducible for a seed, and over seeds each tied
 * row is picked about a third of the time. */
static void test_tie_break(void)
{
    prepared p = {0};
    double pred[32] = {0};
    hand_built(&p, pred);
    err e;
    int picked[3] = {0}, repeat_ok = 1;
    double hits = 0.0;
    for (uint64_t seed = 0; seed < 300; seed++) {
        score a, b;
        if (score_season(&a, &p, 2001, pred, seed, &e) != 0 ||
            score_season(&b, &p, 2001, pred, seed, &e) != 0)
            break;
        picked[a.races[0].predicted - 3]++;
        hits += a.races[0].hit;
        repeat_ok = repeat_ok && a.races[0].predicted == b.races[0].predicted &&
                    memcmp(a.rank, b.rank, sizeof(int) * (size_t)a.n_rows) == 0;
        score_release(&a);
        score_release(&b);
    }
    CHECK(repeat_ok);
    for (int k = 0; k < 3; k++)
        CHECK_MSG(picked[k] > 70 && picked[k] < 130, "row %d picked %d of 300", k, picked[k]);
    CHECK_INT(picked[0] + picked[1] + picked[2], 300);
    CHECK_NEAR(hits / 300.0, 1.0 / 3.0, 0.1);
    /* A gap above 1e-9 is not a tie. */
    pred[3] = 0.5 + 2e-9;
    score s;
    CHECK_INT(score_season(&s, &p, 2001, pred, 0, &e), 0);
    CHECK(s.races[0].expected_hit == 1.0 && s.races[0].hit == 1.0);
    score_release(&s);
    prepared_release(&p);
}

/* Round 1 when the previous season's leader is not entered: a miss, and
 * the leader is still reported. */
static void test_leader_absent(void)
{
    prepared p = {0};
    double pred[8] = {0.3, 0.2, 0.9, 0.1, 0.5};
    add_row(&p, 2010, 5, "Finale", "x", 1, 1, 25);
    add_row(&p, 2010, 5, "Finale", "y", 2, 2, 18);
    add_row(&p, 2011, 1, "Opener", "y", 2, 1, 25);
    add_row(&p, 2011, 1, "Opener", "z", 1, 2, 18);
    add_row(&p, 2011, 1, "Opener", "w", 3, 3, 15);
    score s;
    err e;
    CHECK_INT(score_season(&s, &p, 2011, pred, 1, &e), 0);
    CHECK_INT(s.n_races, 1);
    CHECK_INT(s.races[0].n_leaders, 1);
    CHECK_STR(id_of(&p, s.leader_rows[s.races[0].leader_first]), "x");
    CHECK(s.races[0].leader_hit == 0.0);
    CHECK_STR(id_of(&p, s.races[0].predicted), "y");
    CHECK(s.races[0].hit == 1.0);
    score_release(&s);
    /* No previous season at all: no leader, a miss. */
    CHECK_INT(score_season(&s, &p, 2010, pred, 1, &e), 0);
    CHECK_INT(s.races[0].n_leaders, 0);
    CHECK(s.leader_hits == 0.0);
    score_release(&s);
    CHECK_INT(score_season(&s, &p, 1999, pred, 1, &e), -1);
    CHECK_INT(e.kind, ERR_DATA);
    prepared_release(&p);
}

/* ---- the stages on a synthetic data-dir ---- */

static char dir[] = "/tmp/f1-test-evaluate.XXXXXX";

/* Seasons 2000-2003, 5 races of 8 drivers; d0 and d1 win most. */
static void synthetic(prepared *p)
{
    static const char *const drivers[8] = {"d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7"};
    static const double points[8] = {10, 6, 4, 3, 2, 1, 0, 0};
    rng r = rng_stream(99, 0);
    for (int season = 2000; season <= 2003; season++)
        for (int round = 1; round <= 5; round++) {
            int order[8];
            for (int k = 0; k < 8; k++)
                order[k] = k;
            for (int k = 0; k < 8; k++) { /* a mild shuffle keeps the strong in front */
                int j = k + (int)rng_below(&r, (uint64_t)(k < 6 ? 3 : 8 - k));
                int t = order[k];
                order[k] = order[j];
                order[j] = t;
            }
            char race[32];
            snprintf(race, sizeof race, "Race %d Grand Prix", round);
            for (int pos = 1; pos <= 8; pos++) {
                int d = order[pos - 1];
                add_row(p, season, round, race, drivers[d], 1 + (d + round) % 8, pos,
                        points[pos - 1]);
            }
        }
}

static int run_stages(const char *const *args, int nargs, err *e)
{
    char *argv[32] = {"f1-mlops", "--data-dir", dir, "--n-estimators", "15", "--max-samples",
                      "0.5", "--max-features", "0.7", "--threads", "2", "--model", "bagging",
                      "--features", "spec"};
    int argc = 15;
    for (int i = 0; i < nargs; i++)
        argv[argc++] = (char *)args[i];
    config c;
    int help = 0;
    stage_ctx ctx = {.cfg = &c};
    if (config_load(&c, argc, argv, &help, e) != 0 || stage_select(&c, &ctx.selected, e) != 0)
        return -1;
    if ((ctx.selected & STAGE_TRAIN) && stage_train(&ctx, e) != 0)
        return -1;
    return stage_evaluate(&ctx, e);
}

static cJSON *load(const char *name)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    err e;
    return jsonfile_load(path, 0, &e);
}

static void check_predictions_csv(void)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%s", dir, FILE_PREDICTIONS);
    buf text;
    buf_init(&text, 0);
    err e;
    CHECK_INT(fs_read_file(path, &text, &e), 0);
    csv_reader r;
    csv_reader_init(&r, text.data ? text.data : "", text.len);
    int rows = 0, header_ok = 0, season_ok = 1, ranks_ok = 1, prev_rank = 0, prev_round = 0;
    int sums_ok = 1;
    double prev_pred = 0.0, prev_prob = 0.0, sum = 0.0;
    while (csv_next(&r, &e) == 1) {
        if (rows++ == 0) {
            header_ok = r.nfields == 8 && strcmp(r.fields[0], "season") == 0 &&
                        strcmp(r.fields[4], "prediction") == 0 &&
                        strcmp(r.fields[6], "position") == 0 &&
                        strcmp(r.fields[7], "probability") == 0;
            continue;
        }
        int round = atoi(r.fields[1]), rank = atoi(r.fields[5]);
        double pred = strtod(r.fields[4], NULL), prob = strtod(r.fields[7], NULL);
        season_ok = season_ok && atoi(r.fields[0]) == 2003;
        if (round != prev_round) {
            /* a race's probabilities (bagging: normalised scores) sum to 1 */
            sums_ok = sums_ok && (prev_round == 0 || fabs(sum - 1.0) < 1e-12);
            prev_rank = 0;
            sum = 0.0;
        }
        sum += prob;
        /* In rank order within a race, predictions and probabilities not
         * increasing. */
        ranks_ok = ranks_ok && rank == prev_rank + 1 &&
                   (rank == 1 || (pred <= prev_pred + 1e-9 && prob <= prev_prob + 1e-12));
        prev_rank = rank;
        prev_round = round;
        prev_pred = pred;
        prev_prob = prob;
    }
    sums_ok = sums_ok && fabs(sum - 1.0) < 1e-12;
    csv_reader_release(&r);
    buf_release(&text);
    CHECK(header_ok);
    CHECK_INT(rows, 1 + 5 * 8);
    CHECK(season_ok);
    CHECK(ranks_ok);
    CHECK(sums_ok);
}

/* The mean log-loss of the winner and Brier score of predictions.csv's
 * probabilities (one winner per race in synthetic()), worked out here
 * independently of ml/probscore. */
static void scores_from_predictions(double *log_loss, double *brier)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%s", dir, FILE_PREDICTIONS);
    buf text;
    buf_init(&text, 0);
    err e;
    CHECK_INT(fs_read_file(path, &text, &e), 0);
    csv_reader r;
    csv_reader_init(&r, text.data ? text.data : "", text.len);
    double ll = 0.0, br = 0.0;
    int races = 0, rows = 0;
    while (csv_next(&r, &e) == 1) {
        if (rows++ == 0)
            continue;
        double prob = strtod(r.fields[7], NULL);
        int won = atoi(r.fields[6]) == 1;
        races += atoi(r.fields[5]) == 1;
        if (won)
            ll -= log(prob);
        br += (prob - won) * (prob - won);
    }
    csv_reader_release(&r);
    buf_release(&text);
    *log_loss = races ? ll / races : NAN;
    *brier = races ? br / races : NAN;
}

static void write_features(int first, int last)
{
    prepared p = {0};
    feature_table t = {0};
    err e;
    char path[300];
    snprintf(path, sizeof path, "%s/%s", dir, FILE_PREPARED);
    CHECK_INT(prepared_read(path, &p, &e), 0);
    CHECK_INT(feature_table_build(&p, first, last, &t, &e), 0);
    snprintf(path, sizeof path, "%s/%s", dir, FILE_FEATURES);
    CHECK_INT(feature_table_write(&t, path, &e), 0);
    feature_table_release(&t);
    prepared_release(&p);
}

/* evaluate with --baseline-model: the same model, then one trained for
 * test season 2002 (on 2000-2001), each with a 2002-2003 backtest. */
static void test_compare(void)
{
    err e;
    char same[300], old[300], cmd[700];
    snprintf(same, sizeof same, "%s/same.json", dir);
    snprintf(old, sizeof old, "%s/old.json", dir);
    snprintf(cmd, sizeof cmd, "cp '%s/%s' '%s'", dir, FILE_MODEL, same);
    CHECK_INT(system(cmd), 0);
    const char *with_same[] = {"--seasons", "2000-2003", "--backtest", "2002-2003", "--stages",
                               "evaluate", "--baseline-model", same};
    CHECK_MSG(run_stages(with_same, 8, &e) == 0, "%s", e.msg);
    cJSON *m = load(FILE_METRICS);
    double ll, br;
    scores_from_predictions(&ll, &br);
    CHECK(ll > 0.0 && br > 0.0);
    CHECK_NEAR(jsonfile_num(m, "baseline.model.log_loss", -1), ll, 1e-9);
    CHECK_NEAR(jsonfile_num(m, "baseline.model.brier", -1), br, 1e-9);
    CHECK(jsonfile_num(m, "baseline.log_loss_delta", -1) == 0.0);
    CHECK(jsonfile_num(m, "baseline.brier_delta", -1) == 0.0);
    CHECK(jsonfile_num(m, "baseline.precision_delta", -1) == 0.0);
    const cJSON *s0 = cJSON_GetArrayItem(jsonfile_get(m, "baseline.seasons"), 0);
    const cJSON *s1 = cJSON_GetArrayItem(jsonfile_get(m, "baseline.seasons"), 1);
    /* 2002 is one of its training seasons: not scored. */
    CHECK(cJSON_IsNull(jsonfile_get(s0, "baseline")) && cJSON_IsNull(jsonfile_get(s0, "log_loss_delta")) &&
          cJSON_IsNull(jsonfile_get(s0, "brier_delta")));
    CHECK(jsonfile_num(s1, "log_loss_delta", -1) == 0.0 && jsonfile_num(s1, "brier_delta", -1) == 0.0);
    CHECK_NEAR(jsonfile_num(s1, "baseline.log_loss", -1), ll, 1e-9);
    cJSON_Delete(m);

    /* An older model: trained for 2002 on features of 2000-2001. */
    write_features(2000, 2001);
    const char *train_old[] = {"--seasons", "2000-2002", "--stages", "train,evaluate"};
    CHECK_MSG(run_stages(train_old, 4, &e) == 0, "%s", e.msg);
    cJSON *m2002 = load(FILE_METRICS);
    snprintf(cmd, sizeof cmd, "cp '%s/%s' '%s'", dir, FILE_MODEL, old);
    CHECK_INT(system(cmd), 0);
    write_features(2000, 2002);
    const char *with_old[] = {"--seasons", "2000-2003", "--backtest", "2002-2003", "--stages",
                              "train,evaluate", "--baseline-model", old};
    CHECK_MSG(run_stages(with_old, 8, &e) == 0, "%s", e.msg);
    m = load(FILE_METRICS);
    double cl = jsonfile_num(m, "model.log_loss", NAN), bl = jsonfile_num(m, "baseline.model.log_loss", NAN);
    double cb = jsonfile_num(m, "model.brier", NAN), bb = jsonfile_num(m, "baseline.model.brier", NAN);
    CHECK(cl > 0.0 && bl > 0.0 && cb > 0.0 && bb > 0.0);
    CHECK(bl != cl && bb != cb); /* another model, other probabilities */
    CHECK_NEAR(jsonfile_num(m, "baseline.log_loss_delta", NAN), cl - bl, 1e-12);
    CHECK_NEAR(jsonfile_num(m, "baseline.brier_delta", NAN), cb - bb, 1e-12);
    s0 = cJSON_GetArrayItem(jsonfile_get(m, "baseline.seasons"), 0);
    s1 = cJSON_GetArrayItem(jsonfile_get(m, "baseline.seasons"), 1);
    /* On 2002 the baseline is the model that scored 2002 above. */
    CHECK_NEAR(jsonfile_num(s0, "baseline.log_loss", NAN), jsonfile_num(m2002, "model.log_loss", -1), 1e-12);
    CHECK_NEAR(jsonfile_num(s0, "baseline.brier", NAN), jsonfile_num(m2002, "model.brier", -1), 1e-12);
    CHECK_NEAR(jsonfile_num(s0, "log_loss_delta", NAN),
               jsonfile_num(s0, "model.log_loss", NAN) - jsonfile_num(s0, "baseline.log_loss", NAN), 1e-12);
    CHECK(jsonfile_num(s1, "log_loss_delta", NAN) == jsonfile_num(m, "baseline.log_loss_delta", -1));
    CHECK(jsonfile_num(s1, "brier_delta", NAN) == jsonfile_num(m, "baseline.brier_delta", -1));
    cJSON_Delete(m);
    cJSON_Delete(m2002);
}

static void test_stages(void)
{
    CHECK(mkdtemp(dir) != NULL);
    prepared p = {0};
    synthetic(&p);
    feature_table t = {0};
    err e;
    char path[300];
    snprintf(path, sizeof path, "%s/%s", dir, FILE_PREPARED);
    CHECK_INT(prepared_write(&p, path, &e), 0);
    CHECK_INT(feature_table_build(&p, 2000, 2002, &t, &e), 0);
    snprintf(path, sizeof path, "%s/%s", dir, FILE_FEATURES);
    CHECK_INT(feature_table_write(&t, path, &e), 0);
    feature_table_release(&t);
    prepared_release(&p);

    const char *plain[] = {"--seasons", "2000-2003", "--stages", "train,evaluate"};
    CHECK_MSG(run_stages(plain, 4, &e) == 0, "%s", e.msg);
    cJSON *m = load(FILE_METRICS);
    CHECK(m != NULL);
    CHECK(jsonfile_num(m, "format_version", 0) == 1);
    CHECK(jsonfile_num(m, "test_season", 0) == 2003);
    CHECK(jsonfile_num(m, "model.races", 0) == 5);
    double precision = jsonfile_num(m, "model.precision", -1);
    CHECK(precision >= 0.0 && precision <= 1.0);
    CHECK_NEAR(jsonfile_num(m, "model.hits", -1), precision * 5, 1e-12);
    CHECK(jsonfile_num(m, "baselines.pole.races", 0) == 5);
    CHECK(jsonfile_num(m, "baselines.leader.races", 0) == 5);
    CHECK(cJSON_GetArraySize(jsonfile_get(m, "races")) == 5);
    const cJSON *race0 = cJSON_GetArrayItem(jsonfile_get(m, "races"), 0);
    CHECK_STR(jsonfile_str(race0, "race_name", ""), "Race 1 Grand Prix");
    CHECK(cJSON_IsArray(jsonfile_get(race0, "actual")));
    CHECK(cJSON_IsBool(jsonfile_get(race0, "hit")));
    CHECK(cJSON_IsString(jsonfile_get(race0, "leader")));
    CHECK(cJSON_IsNull(jsonfile_get(m, "backtest")));
    const cJSON *ts = jsonfile_get(m, "data.train_seasons");
    CHECK(cJSON_GetArraySize(ts) == 2 && cJSON_GetArrayItem(ts, 1)->valuedouble == 2002);
    CHECK(jsonfile_num(m, "data.train_rows", 0) == 3 * 5 * 8);
    CHECK(jsonfile_num(m, "data.test_races", 0) == 5);
    CHECK(cJSON_IsNull(jsonfile_get(m, "data.coverage")));
    CHECK_STR(jsonfile_str(m, "parameters.max-samples", ""), "0.5");
    CHECK(jsonfile_num(m, "parameters.n-estimators", 0) == 15);
    CHECK(jsonfile_num(m, "timings.train", -1) >= 0.0);
    CHECK(jsonfile_get(m, "timings.package") == NULL);
    check_predictions_csv();
    cJSON *plain_model = load(FILE_MODEL);

    /* Backtest 2002-2003 with coverage.json present; evaluate alone. */
    snprintf(path, sizeof path, "%s/coverage.json", dir);
    const char *cov = "{\"seasons\":[2000,2003],\"races\":20,\"rows\":160,"
                      "\"weather\":{\"found\":1,\"missing\":2,\"error\":0,\"none\":17}}";
    CHECK_INT(fs_write_atomic(path, cov, strlen(cov), &e), 0);
    const char *bt[] = {"--seasons", "2000-2003", "--backtest", "2002-2003", "--stages", "evaluate"};
    CHECK_MSG(run_stages(bt, 6, &e) == 0, "%s", e.msg);
    cJSON *b = load(FILE_METRICS);
    const cJSON *seasons = jsonfile_get(b, "backtest.seasons");
    CHECK(cJSON_GetArraySize(seasons) == 2);
    CHECK(jsonfile_num(cJSON_GetArrayItem(seasons, 0), "season", 0) == 2002);
    CHECK(jsonfile_num(cJSON_GetArrayItem(seasons, 1), "model.precision", -1) ==
          jsonfile_num(m, "model.precision", -2));
    CHECK(jsonfile_num(b, "model.expected_precision", -1) ==
          jsonfile_num(m, "model.expected_precision", -2));
    double p0 = jsonfile_num(cJSON_GetArrayItem(seasons, 0), "model.precision", -1);
    double p1 = jsonfile_num(cJSON_GetArrayItem(seasons, 1), "model.precision", -1);
    CHECK_NEAR(jsonfile_num(b, "backtest.mean.precision", -1), (p0 + p1) / 2, 1e-12);
    CHECK(jsonfile_num(b, "data.coverage.weather.missing", 0) == 2);
    CHECK(jsonfile_get(b, "timings.train") == NULL);
    cJSON_Delete(b);
    cJSON_Delete(m);
    /* Evaluate does not touch the model. */
    cJSON *after = load(FILE_MODEL);
    CHECK(plain_model && after && cJSON_Compare(plain_model, after, 1));
    cJSON_Delete(plain_model);
    cJSON_Delete(after);

    test_compare();

    /* A model trained for 2003 does not evaluate 2002. */
    const char *stale[] = {"--seasons", "2000-2003", "--test-season", "2002", "--stages", "evaluate"};
    CHECK_INT(run_stages(stale, 6, &e), -1);
    CHECK(strstr(e.msg, "rerun the train stage") != NULL);

    /* No model.json: say which stage makes it. */
    snprintf(path, sizeof path, "%s/%s", dir, FILE_MODEL);
    CHECK_INT(unlink(path), 0);
    CHECK_INT(run_stages(stale, 6, &e), -1);
    CHECK(strstr(e.msg, "run the train stage first") != NULL);

    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK_INT(system(cmd), 0);
}

/* Points or predictions that are not finite (a NaN that got past every
 * reader) are refused naming the driver, never scored: a NaN leader used
 * to record no leader row and read past the array. */
static void test_non_finite(void)
{
    const double bad[] = {NAN, INFINITY, -INFINITY};
    for (int b = 0; b < 3; b++) {
        prepared p = {0};
        double pred[8] = {0.3, 0.2, 0.9, 0.1, 0.5, 0.4};
        add_row(&p, 2010, 5, "Finale", "x", 1, 1, 25);
        add_row(&p, 2011, 1, "Opener", "y", 2, 1, bad[b]);
        add_row(&p, 2011, 1, "Opener", "z", 1, 2, 18);
        add_row(&p, 2011, 2, "Second", "y", 1, 1, 25);
        add_row(&p, 2011, 2, "Second", "z", 2, 2, 18);
        score s;
        err e;
        CHECK_INT(score_season(&s, &p, 2011, pred, 1, &e), -1);
        CHECK_INT(e.kind, ERR_DATA);
        CHECK_MSG(strstr(e.msg, "'y'") != NULL && strstr(e.msg, "points") != NULL, "%s", e.msg);
        /* The season before: its points lead round 1. */
        p.rows[1].points = 25;
        p.rows[0].points = bad[b];
        CHECK_INT(score_season(&s, &p, 2011, pred, 1, &e), -1);
        p.rows[0].points = 25;
        pred[3] = bad[b];
        CHECK_INT(score_season(&s, &p, 2011, pred, 1, &e), -1);
        CHECK_MSG(strstr(e.msg, "prediction") != NULL, "%s", e.msg);
        pred[3] = 0.1;
        CHECK_INT(score_season(&s, &p, 2011, pred, 1, &e), 0);
        CHECK_INT(s.races[1].n_leaders, 1);
        CHECK_STR(id_of(&p, s.leader_rows[s.races[1].leader_first]), "y");
        score_release(&s);
        prepared_release(&p);
    }
}

int main(void)
{
    log_set_quiet(1);
    test_races();
    test_tie_break();
    test_leader_absent();
    test_non_finite();
    test_stages();
    return check_done();
}
