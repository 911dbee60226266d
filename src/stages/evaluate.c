/* The evaluate stage (docs/pipeline.md §5): model.json, features.csv and prepared.csv
 * -> metrics.json and predictions.csv (shapes: metrics_json and write_predictions below).
 *
 * The test season is scored with the model train wrote.  When
 * backtesting, every earlier backtest season T is scored with a model
 * trained here, in memory, on the seasons [first, T-1] with the saved
 * model's learner, parameters, feature set and first training season, or
 * with input tune those the tune stage chose for T: spec features are
 * rebuilt from prepared.csv for that training range (so prepared.csv must
 * reach the last backtest season); v2 features do not depend on it, so
 * features.csv's serve every season when they are v2, else they are built
 * from prepared.csv and qualifying.csv.
 * Predictions and win probabilities are kept per prepared row; picking
 * the winner is scored by score.h, the probabilities by probscore.h.
 *
 * Every season is also scored by the grid-only baseline: a conditional
 * logit on the 7 grid features of v2 (log_grid, g1 .. g7_10, built from
 * prepared.csv: they depend on the race's own grid alone) trained on the
 * same seasons, with the model's l2 (clogit) or input l2 (bagging), so
 * users see what the other features add. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/fsutil.h"
#include "core/jsonbuild.h"
#include "core/jsonfile.h"
#include "core/log.h"
#include "core/version.h"
#include "data/features_v2.h"
#include "ml/model.h"
#include "ml/numfmt.h"
#include "ml/probscore.h"
#include "ml/score.h"
#include "stages/compare.h"
#include "stages/registry.h"
#include "stages/stage.h"
#include "stages/tune.h"

#define METRICS_FORMAT_VERSION 1

typedef struct {
    int season;
    int train_first, train_last;
    int train_rows, train_races, test_rows, test_races;
    int nfeat;
    score sc;        /* the model's picks */
    probscore ps;    /* its probabilities */
    score grid_sc;   /* the grid-only baseline's */
    probscore grid_ps;
} season_eval;

/* Per prepared row: the model's and the grid baseline's scores and win
 * probabilities. */
typedef struct {
    double *pred, *prob, *grid_pred, *grid_prob;
} row_values;

/* Scores the rows of `season` in t into pred[] and prob[] at the index of
 * the matching prepared row: both files list the season's rows in the same
 * order (features are built row by row from prepared.csv). */
static int predict_season(const model *m, const feature_table *t, const prepared *p, int season,
                          double *pred, double *prob, err *e)
{
    int first = -1, n = 0;
    for (int i = 0; i < t->nrows; i++)
        if (t->season[i] == season) {
            if (first < 0)
                first = i;
            else if (i != first + n)
                return err_setk(e, ERR_DATA, "features.csv is not in season order");
            n++;
        }
    if (n == 0)
        return err_setk(e, ERR_DATA,
                        "features.csv has no rows of test season %d (rerun the features stage "
                        "with the same seasons)",
                        season);
    double *out = malloc(2 * (size_t)n * sizeof *out);
    if (out == NULL)
        return err_set(e, "out of memory predicting season %d", season);
    if (model_score(m, t, first, n, out, out + n, e) != 0) {
        free(out);
        return err_wrap(e, "season %d", season);
    }
    int k = 0;
    for (int i = 0; i < p->n; i++) {
        const prepared_row *r = &p->rows[i];
        if (r->season != season)
            continue;
        if (k == n || r->round != t->round[first + k] ||
            strcmp(r->driver_id, t->driver_id[first + k]) != 0)
            break;
        pred[i] = out[k];
        prob[i] = out[n + k++];
    }
    free(out);
    int pn = 0;
    for (int i = 0; i < p->n; i++)
        pn += p->rows[i].season == season;
    if (k != n || pn != n)
        return err_setk(e, ERR_DATA,
                        "features.csv and prepared.csv disagree on the rows of season %d (rerun "
                        "the features stage)",
                        season);
    return 0;
}

/* The grid-only baseline for `season`: a conditional logit on grid's 7
 * grid columns, trained on [first, season - 1]. */
static int grid_season(season_eval *ev, const feature_table *grid, const prepared *p, int season,
                       int first, const learner_params *lp, row_values *rv, err *e)
{
    model g = {0};
    int rc = model_train(&g, grid, FEATURE_SET_V2, features_v2_names, FEATURE_SET_GRID_NFEAT,
                         first, season - 1, lp, 1, e);
    if (rc == 0)
        rc = predict_season(&g, grid, p, season, rv->grid_pred, rv->grid_prob, e);
    if (rc == 0)
        rc = score_season(&ev->grid_sc, p, season, rv->grid_pred, lp->seed, e);
    model_release(&g);
    if (rc != 0)
        return err_wrap(e, "grid-only baseline");
    ev->grid_ps = probscore_season(p, season, rv->grid_prob);
    return 0;
}

/* Scores `season` with model m.  The training rows and races come from
 * train when given (t then holds only the season's rows), else from t. */
static int evaluate_with(season_eval *ev, const model *m, const feature_table *t,
                         const prepared *p, int season, const season_count *train, row_values *rv,
                         err *e)
{
    ev->season = season;
    ev->train_first = m->train_first;
    ev->train_last = m->train_last;
    ev->nfeat = m->nfeat;
    if (train != NULL) {
        ev->train_rows = train->rows;
        ev->train_races = train->races;
    } else {
        model_season_counts(t, m->train_first, m->train_last, &ev->train_rows, &ev->train_races);
    }
    model_season_counts(t, season, season, &ev->test_rows, &ev->test_races);
    if (predict_season(m, t, p, season, rv->pred, rv->prob, e) != 0 ||
        score_season(&ev->sc, p, season, rv->pred, model_seed(m), e) != 0)
        return -1;
    ev->ps = probscore_season(p, season, rv->prob);
    const score *s = &ev->sc;
    double n = s->n_races;
    log_info("season %d: model precision %.3f (%g of %d races), expected %.3f, top-3 %.3f; "
             "pole %.3f, leader %.3f",
             season, s->hits / n, s->hits, s->n_races, s->expected_hits / n, s->top3_hits / n,
             s->pole_hits / n, s->leader_hits / n);
    return 0;
}

/* A backtest season before the test season: a fresh model of ch (learner,
 * parameters, feature set, first training season), on features for its
 * own training seasons (spec: rebuilt from p; v2: all when it is v2, else
 * built from p and q). */
static int backtest_season(season_eval *ev, const space_config *ch, const feature_table *all,
                           const prepared *p, const qualifying_table *q, int season, int threads,
                           row_values *rv, err *e)
{
    feature_table built = {0};
    const feature_table *t = all;
    model m = {0};
    int rc = -1;
    int reuse = ch->set == FEATURE_SET_V2 && feature_set_of(all->names, all->nfeat) == FEATURE_SET_V2;
    if (!reuse) {
        if (feature_set_build(ch->set, p, q, ch->train_from, season - 1, &built, e) != 0)
            goto out;
        t = &built;
    }
    if (model_train(&m, t, ch->set, NULL, 0, ch->train_from, season - 1, &ch->learner, threads,
                    e) != 0 ||
        evaluate_with(ev, &m, t, p, season, NULL, rv, e) != 0)
        goto out;
    rc = 0;
out:
    if (rc != 0)
        err_wrap(e, "backtest season %d", season);
    model_release(&m);
    feature_table_release(&built);
    return rc;
}

/* ---- metrics.json ---- */

/* A mean, or null when no race was scored (NAN). */
static cJSON *mean_or_null(double mean)
{
    return isnan(mean) ? cJSON_CreateNull() : cJSON_CreateNumber(mean);
}

/* The picks' scores, and when ps is not NULL the probabilities'. */
static cJSON *model_block(const score *s, const probscore *ps, int *oom)
{
    double n = s->n_races;
    cJSON *o = cJSON_CreateObject();
    jsonbuild_add(o, "precision", cJSON_CreateNumber(s->hits / n), oom);
    jsonbuild_add(o, "expected_precision", cJSON_CreateNumber(s->expected_hits / n), oom);
    jsonbuild_add(o, "top3_hit_rate", cJSON_CreateNumber(s->top3_hits / n), oom);
    jsonbuild_add(o, "races", cJSON_CreateNumber(n), oom);
    jsonbuild_add(o, "hits", cJSON_CreateNumber(s->hits), oom);
    if (ps != NULL) {
        jsonbuild_add(o, "log_loss", mean_or_null(probscore_mean_log_loss(ps)), oom);
        jsonbuild_add(o, "brier", mean_or_null(probscore_mean_brier(ps)), oom);
    }
    return o;
}

static cJSON *baseline_block(double hits, int races, int *oom)
{
    cJSON *o = cJSON_CreateObject();
    jsonbuild_add(o, "precision", cJSON_CreateNumber(hits / races), oom);
    jsonbuild_add(o, "races", cJSON_CreateNumber(races), oom);
    jsonbuild_add(o, "hits", cJSON_CreateNumber(hits), oom);
    return o;
}

static cJSON *id_or_null(const prepared *p, int row)
{
    return row < 0 ? cJSON_CreateNull() : cJSON_CreateString(p->rows[row].driver_id);
}

/* The race's leaders as one string ("a, b" when tied), or null. */
static cJSON *leaders_json(const score *s, const score_race *r, const prepared *p)
{
    if (r->n_leaders == 0)
        return cJSON_CreateNull();
    buf b;
    buf_init(&b, 0);
    int failed = 0;
    for (int i = 0; i < r->n_leaders && !failed; i++)
        failed = buf_printf(&b, NULL, "%s%s", i ? ", " : "",
                            p->rows[s->leader_rows[r->leader_first + i]].driver_id) != 0;
    cJSON *item = failed ? NULL : cJSON_CreateString(b.data);
    buf_release(&b);
    return item;
}

static cJSON *race_json(const score *s, const score_race *r, const prepared *p,
                        const double *pred, int *oom)
{
    const prepared_row *h = &p->rows[r->first];
    cJSON *o = cJSON_CreateObject();
    jsonbuild_add(o, "season", cJSON_CreateNumber(h->season), oom);
    jsonbuild_add(o, "round", cJSON_CreateNumber(h->round), oom);
    jsonbuild_add(o, "race_name", cJSON_CreateString(h->race_name), oom);
    jsonbuild_add(o, "predicted", id_or_null(p, r->predicted), oom);
    jsonbuild_add(o, "predicted_score", numfmt_json(pred[r->predicted]), oom);
    cJSON *actual = jsonbuild_add(o, "actual", cJSON_CreateArray(), oom);
    for (int i = r->first; i < r->first + r->n; i++)
        if (p->rows[i].position == 1)
            jsonbuild_add(actual, NULL, cJSON_CreateString(p->rows[i].driver_id), oom);
    jsonbuild_add(o, "hit", cJSON_CreateBool(r->hit == 1.0), oom);
    jsonbuild_add(o, "expected_hit", cJSON_CreateNumber(r->expected_hit), oom);
    jsonbuild_add(o, "pole", id_or_null(p, r->pole), oom);
    jsonbuild_add(o, "leader", leaders_json(s, r, p), oom);
    return o;
}

static cJSON *backtest_json(const season_eval *ev, int n, int *oom)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *seasons = jsonbuild_add(o, "seasons", cJSON_CreateArray(), oom);
    double sum[10] = {0};
    for (int i = 0; i < n; i++) {
        const score *s = &ev[i].sc;
        cJSON *so = jsonbuild_add(seasons, NULL, cJSON_CreateObject(), oom);
        jsonbuild_add(so, "season", cJSON_CreateNumber(ev[i].season), oom);
        jsonbuild_add(so, "model", model_block(s, &ev[i].ps, oom), oom);
        jsonbuild_add(so, "pole", baseline_block(s->pole_hits, s->n_races, oom), oom);
        jsonbuild_add(so, "leader", baseline_block(s->leader_hits, s->n_races, oom), oom);
        jsonbuild_add(so, "grid", model_block(&ev[i].grid_sc, &ev[i].grid_ps, oom), oom);
        sum[0] += s->hits / s->n_races;
        sum[1] += s->expected_hits / s->n_races;
        sum[2] += s->top3_hits / s->n_races;
        sum[3] += s->pole_hits / s->n_races;
        sum[4] += s->leader_hits / s->n_races;
        /* a season without a scored race counts 0 (none has, in practice) */
        sum[5] += ev[i].ps.races ? ev[i].ps.log_loss / ev[i].ps.races : 0.0;
        sum[6] += ev[i].ps.races ? ev[i].ps.brier / ev[i].ps.races : 0.0;
        sum[7] += ev[i].grid_sc.expected_hits / ev[i].grid_sc.n_races;
        sum[8] += ev[i].grid_ps.races ? ev[i].grid_ps.log_loss / ev[i].grid_ps.races : 0.0;
        sum[9] += ev[i].grid_ps.races ? ev[i].grid_ps.brier / ev[i].grid_ps.races : 0.0;
    }
    static const char *const keys[10] = {"precision",        "expected_precision",
                                         "top3_hit_rate",    "pole_precision",
                                         "leader_precision", "log_loss",
                                         "brier",            "grid_expected_precision",
                                         "grid_log_loss",    "grid_brier"};
    cJSON *mean = jsonbuild_add(o, "mean", cJSON_CreateObject(), oom);
    for (int k = 0; k < 10; k++)
        jsonbuild_add(mean, keys[k], cJSON_CreateNumber(sum[k] / n), oom);
    return o;
}

static cJSON *data_json(const season_eval *last, cJSON *coverage, int *oom)
{
    int seasons[2] = {last->train_first, last->train_last};
    cJSON *o = cJSON_CreateObject();
    jsonbuild_add(o, "train_seasons", cJSON_CreateIntArray(seasons, 2), oom);
    jsonbuild_add(o, "train_rows", cJSON_CreateNumber(last->train_rows), oom);
    jsonbuild_add(o, "train_races", cJSON_CreateNumber(last->train_races), oom);
    jsonbuild_add(o, "test_rows", cJSON_CreateNumber(last->test_rows), oom);
    jsonbuild_add(o, "test_races", cJSON_CreateNumber(last->test_races), oom);
    jsonbuild_add(o, "features", cJSON_CreateNumber(last->nfeat), oom);
    jsonbuild_add(o, "coverage", coverage ? coverage : cJSON_CreateNull(), oom);
    return o;
}

static cJSON *timings_json(const stage_ctx *ctx, int *oom)
{
    cJSON *o = cJSON_CreateObject();
    /* Every stage this run ran before this one, in run order. */
    for (int i = 0; i < STAGE_IDX_EVALUATE; i++)
        if (ctx->selected & (1u << i))
            jsonbuild_add(o, stage_defs[i].name, cJSON_CreateNumber(ctx->seconds[i]), oom);
    return o;
}

/* The conditional logit's coefficients, largest |beta| first (ties in
 * feature order): [{"feature", "beta"}]; NULL for another learner. */
static cJSON *coefficients_json(const model *m, int *oom)
{
    if (m->l.params.kind != LEARNER_CLOGIT)
        return NULL;
    int n = m->nfeat, *order = malloc((size_t)n * sizeof *order);
    if (order == NULL) {
        *oom = 1;
        return NULL;
    }
    const double *beta = m->l.clogit.beta;
    for (int i = 0; i < n; i++) { /* insertion sort: stable, and n is ~21 */
        int k = i;
        while (k > 0 && fabs(beta[order[k - 1]]) < fabs(beta[i])) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = i;
    }
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < n; i++) {
        cJSON *o = jsonbuild_add(a, NULL, cJSON_CreateObject(), oom);
        jsonbuild_add(o, "feature", cJSON_CreateString(m->features[order[i]]), oom);
        jsonbuild_add(o, "beta", numfmt_json(beta[order[i]]), oom);
    }
    free(order);
    return a;
}

/* Builds metrics.json; takes ownership of coverage (may be NULL). */
static cJSON *metrics_json(const stage_ctx *ctx, const model *m, const season_eval *ev, int n,
                           int backtest, const prepared *p, const double *pred, cJSON *coverage)
{
    int oom = 0;
    const season_eval *last = &ev[n - 1];
    const score *s = &last->sc;
    cJSON *root = cJSON_CreateObject();
    jsonbuild_add(root, "format_version", cJSON_CreateNumber(METRICS_FORMAT_VERSION), &oom);
    jsonbuild_add(root, "tool_version", cJSON_CreateString(F1_VERSION), &oom);
    jsonbuild_add(root, "test_season", cJSON_CreateNumber(last->season), &oom);
    jsonbuild_add(root, "learner", cJSON_CreateString(learner_names[m->l.params.kind]), &oom);
    jsonbuild_add(root, "feature_set", cJSON_CreateString(feature_set_names[m->set]), &oom);
    jsonbuild_add(root, "model", model_block(s, &last->ps, &oom), &oom);
    cJSON *base = jsonbuild_add(root, "baselines", cJSON_CreateObject(), &oom);
    jsonbuild_add(base, "pole", baseline_block(s->pole_hits, s->n_races, &oom), &oom);
    jsonbuild_add(base, "leader", baseline_block(s->leader_hits, s->n_races, &oom), &oom);
    jsonbuild_add(base, "grid", model_block(&last->grid_sc, &last->grid_ps, &oom), &oom);
    cJSON *races = jsonbuild_add(root, "races", cJSON_CreateArray(), &oom);
    for (int i = 0; i < s->n_races; i++)
        jsonbuild_add(races, NULL, race_json(s, &s->races[i], p, pred, &oom), &oom);
    jsonbuild_add(root, "backtest", backtest ? backtest_json(ev, n, &oom) : cJSON_CreateNull(),
                  &oom);
    jsonbuild_add(root, "data", data_json(last, coverage, &oom), &oom);
    jsonbuild_add(root, "parameters", learner_params_json(&m->l.params), &oom);
    cJSON *coefficients = coefficients_json(m, &oom);
    if (coefficients != NULL)
        jsonbuild_add(root, "coefficients", coefficients, &oom);
    jsonbuild_add(root, "timings", timings_json(ctx, &oom), &oom);
    if (oom) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

/* ---- predictions.csv ---- */

/* One row per entry of each test race, by rank; `probability` (the last
 * column, added after the format's first six) is the win probability
 * (learner.h: the per-race softmax, or bagging's normalised scores). */
static int write_predictions(const char *path, const score *s, const prepared *p,
                             const double *pred, const double *prob, err *e)
{
    static const char *const header[8] = {"season", "round", "race_name", "driver_id",
                                          "prediction", "rank", "position", "probability"};
    buf b;
    buf_init(&b, 0);
    int *by_rank = calloc((size_t)(s->n_rows > 0 ? s->n_rows : 1), sizeof *by_rank);
    int rc = -1;
    if (by_rank == NULL) {
        err_set(e, "out of memory writing '%s'", path);
        goto out;
    }
    if (csv_put_row(&b, header, 8, e) != 0)
        goto out;
    for (int k = 0; k < s->n_races; k++) {
        const score_race *r = &s->races[k];
        for (int i = r->first; i < r->first + r->n; i++)
            by_rank[s->rank[i - s->row_first] - 1] = i;
        for (int j = 0; j < r->n; j++) {
            const prepared_row *row = &p->rows[by_rank[j]];
            char season[16], round[16], prediction[NUMFMT_MAX], rank[16], position[16],
                probability[NUMFMT_MAX];
            snprintf(season, sizeof season, "%d", row->season);
            snprintf(round, sizeof round, "%d", row->round);
            numfmt_double(pred[by_rank[j]], prediction);
            snprintf(rank, sizeof rank, "%d", j + 1);
            snprintf(position, sizeof position, "%d", row->position);
            numfmt_double(prob[by_rank[j]], probability);
            const char *fields[8] = {season, round,    row->race_name, row->driver_id,
                                     prediction, rank, position,       probability};
            if (csv_put_row(&b, fields, 8, e) != 0)
                goto out;
        }
    }
    rc = fs_write_atomic(path, b.data, b.len, e);
out:
    free(by_rank);
    buf_release(&b);
    return rc;
}

/* coverage.json as written by prepare, or NULL (with a warning when it
 * exists but cannot be read). */
static cJSON *read_coverage(const stage_ctx *ctx)
{
    char path[CFG_STR_MAX + 64];
    stage_path(ctx, FILE_COVERAGE, path, sizeof path);
    if (!fs_exists(path))
        return NULL;
    err e;
    err_clear(&e);
    cJSON *c = jsonfile_load(path, 1 << 20, &e);
    if (c == NULL)
        log_warn("metrics will have no data coverage: %s", e.msg);
    return c;
}

/* Scores every season of the run into ev (n of them, the test season
 * last), the model's and the grid-only baseline's, whose features are
 * built from p. */
static int evaluate_seasons(stage_ctx *ctx, const model *m, const feature_table *t,
                            const prepared *p, int test, const season_count *train,
                            season_eval *ev, int n, row_values *rv, err *e)
{
    feature_table grid = {0};
    qualifying_table q = {0};
    int have_q = 0;
    learner_params gp = {.kind = LEARNER_CLOGIT, .seed = model_seed(m),
                         .clogit = clogit_params_default()};
    gp.clogit.l2 = m->l.params.kind == LEARNER_CLOGIT ? m->l.params.clogit.l2 : ctx->cfg->l2;
    int rc = feature_set_build(FEATURE_SET_V2, p, NULL, 0, 0, &grid, e);
    /* A tuned backtest season may need v2 features features.csv lacks. */
    if (rc == 0 && n > 1 && ctx->cfg->tune != 0)
        rc = stage_read_qualifying(ctx, &q, &have_q, e);
    for (int i = 0; rc == 0 && i < n; i++) {
        int season = test - (n - 1) + i;
        /* The saved model's, or what tuning chose for the season. */
        space_config ch = {.learner = m->l.params, .set = m->set, .train_from = m->train_first};
        if (season != test && ctx->cfg->tune != 0 && tune_params(ctx, season, &ch, e) != 0)
            rc = -1;
        else if (season == test)
            rc = evaluate_with(&ev[i], m, t, p, season, train, rv, e);
        else
            rc = backtest_season(&ev[i], &ch, t, p, have_q ? &q : NULL, season,
                                 ctx->cfg->threads, rv, e);
        if (rc == 0)
            rc = grid_season(&ev[i], &grid, p, season, ev[i].train_first, &gp, rv, e);
    }
    qualifying_release(&q);
    feature_table_release(&grid);
    return rc;
}

/* Hands every scored season to the comparison with input baseline-model
 * (stages/compare.h), which adds its block to metrics. */
static int compare(stage_ctx *ctx, const season_eval *ev, int n, uint64_t seed, cJSON *metrics,
                   err *e)
{
    compare_season *cs = calloc((size_t)n, sizeof *cs);
    if (cs == NULL)
        return err_set(e, "out of memory comparing with the baseline");
    for (int i = 0; i < n; i++)
        cs[i] = (compare_season){.season = ev[i].season, .sc = &ev[i].sc, .ps = &ev[i].ps};
    int rc = compare_baseline(ctx, cs, n, seed, model_block, metrics, e);
    free(cs);
    return rc;
}

/* The path of an input file in data-dir; fails with a hint naming the
 * stage that writes it when it is not there. */
static int need(const stage_ctx *ctx, const char *name, const char *writer, char *path, size_t n,
                err *e)
{
    stage_path(ctx, name, path, n);
    if (!fs_exists(path))
        return err_setk(e, ERR_DATA, "no %s in data-dir: run the %s stage first", name, writer);
    return 0;
}

int stage_evaluate(stage_ctx *ctx, err *e)
{
    const config *c = ctx->cfg;
    char path[CFG_STR_MAX + 64];
    prepared p = {0};
    feature_table t = {0};
    model m = {0};
    season_eval *ev = NULL;
    row_values rv = {0};
    cJSON *metrics = NULL;
    int n = 0, rc = -1;
    int test;
    if (stage_test_last(ctx, &test, e) != 0)
        goto out;
    if (need(ctx, FILE_MODEL, "train", path, sizeof path, e) != 0 || model_read(path, &m, e) != 0)
        goto out;
    /* Without a backtest only the test season is scored: only its features
     * are loaded, and the training rows are only counted; prepared.csv's
     * rows from the first training season on give the grid baseline its
     * training rows (and the season before the test season round 1's
     * leader). */
    int one = c->backtest_first == 0;
    season_count train = {.first = m.train_first, .last = m.train_last};
    if (need(ctx, FILE_FEATURES, "features", path, sizeof path, e) != 0 ||
        feature_table_read_seasons(path, one ? test : 0, test, one ? &train : NULL, &t, e) != 0 ||
        model_check_features(&m, &t, e) != 0)
        goto out;
    if (need(ctx, FILE_PREPARED, "prepare", path, sizeof path, e) != 0 ||
        prepared_read_seasons(path, one ? (m.train_first < test - 1 ? m.train_first : test - 1) : 0,
                              test, &p, e) != 0)
        goto out;
    if (m.train_last != test - 1) {
        err_setk(e, ERR_DATA,
                 "model.json was trained on seasons %d-%d, but test season %d needs training "
                 "through %d (rerun the train stage with the same inputs)",
                 m.train_first, m.train_last, test, test - 1);
        goto out;
    }
    n = c->backtest_first != 0 ? test - c->backtest_first + 1 : 1;
    if (n < 1) {
        err_setk(e, ERR_INPUT, "backtest seasons %d-%d are empty", c->backtest_first, test);
        goto out;
    }
    ev = calloc((size_t)n, sizeof *ev);
    size_t rows = (size_t)(p.n > 0 ? p.n : 1);
    rv.pred = calloc(4 * rows, sizeof *rv.pred);
    if (ev == NULL || rv.pred == NULL) {
        err_set(e, "out of memory for %d evaluated seasons", n);
        goto out;
    }
    rv.prob = rv.pred + rows;
    rv.grid_pred = rv.prob + rows;
    rv.grid_prob = rv.grid_pred + rows;
    if (evaluate_seasons(ctx, &m, &t, &p, test, one ? &train : NULL, ev, n, &rv, e) != 0)
        goto out;
    metrics = metrics_json(ctx, &m, ev, n, c->backtest_first != 0, &p, rv.pred,
                           read_coverage(ctx));
    if (metrics != NULL && (tune_metrics_add(ctx, metrics, e) != 0 ||
                            compare(ctx, ev, n, model_seed(&m), metrics, e) != 0))
        goto out;
    stage_path(ctx, FILE_METRICS, path, sizeof path);
    if (jsonfile_write(path, metrics, JSONFILE_PRETTY, e) != 0)
        goto out;
    stage_path(ctx, FILE_PREDICTIONS, path, sizeof path);
    if (write_predictions(path, &ev[n - 1].sc, &p, rv.pred, rv.prob, e) != 0)
        goto out;
    log_info("wrote %s and %s", FILE_METRICS, FILE_PREDICTIONS);
    rc = 0;
out:
    cJSON_Delete(metrics);
    for (int i = 0; ev != NULL && i < n; i++) {
        score_release(&ev[i].sc);
        score_release(&ev[i].grid_sc);
    }
    free(ev);
    free(rv.pred);
    model_release(&m);
    feature_table_release(&t);
    prepared_release(&p);
    return rc;
}
