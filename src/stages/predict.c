/* The `predict` stage: a trained model's ranking of the drivers of one
 * race, before it is run.
 *
 * The model is model-path (model.json or a zip holding it), else
 * data-dir's model.json, else data-dir's f1-model.zip.  The race is
 * predict-season / predict-round, else the next race of the schedule; its
 * entries and grid come from the API (predict.h).  The history is
 * prepared.csv (the store as the prepare stage left it): its rows of
 * races before this one, all of them (features.csv was built from them
 * all), which must start by the model's first training season and reach
 * the race just before it; for the v2 features, with the qualifying times
 * of qualifying.csv and the race's own from the API (predict.h) when
 * published.  The race's rows get the model's feature set
 * (data/feature_set.h), built exactly as for training (the model's
 * training seasons choose the spec one-hot columns), so a race the
 * evaluate stage scored gets the same predictions and ranks.  Weather is unknown (a race's article
 * is written after it), except for a race already run (its results are
 * out) that prepared.csv holds: its prepared weather, as evaluate saw it.
 * An unknown grid is an error unless
 * predict-without-grid: then the entries of the previous race start at
 * the back of the grid.  The log and the summary name the grid used
 * (predict_grid_name: starting grid, qualifying order, back of the grid).
 *
 * Writes data-dir/predictions-next.csv (season, round, race_name,
 * driver_id, driver_name, constructor_id, grid, prediction, rank,
 * probability; by rank, grid empty when unknown; probability as
 * learner.h gives it), a job summary table, and the outputs
 * predicted-winner and predicted-winner-score. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "core/mdesc.h"
#include "data/feature_set.h"
#include "data/feature_table.h"
#include "ml/model.h"
#include "ml/numfmt.h"
#include "ml/score.h"
#include "core/archive.h"
#include "pack/metrics_md.h"
#include "stages/predict.h"
#include "stages/stage.h"

#define FILE_PREDICT "predictions-next.csv"

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcmp(s + n - t, tail) == 0;
}

/* Reads the model, from model.json or the zip's member. */
static int load_model(const stage_ctx *ctx, model *m, err *e)
{
    char path[CFG_STR_MAX + 64];
    if (ctx->cfg->model_path[0] != '\0') {
        snprintf(path, sizeof path, "%s", ctx->cfg->model_path);
    } else {
        stage_path(ctx, FILE_MODEL, path, sizeof path);
        if (!fs_exists(path))
            stage_path(ctx, FILE_ZIP, path, sizeof path);
    }
    if (!fs_exists(path))
        return err_setk(e, ERR_DATA,
                        "no model at '%s' (set model-path, or run the train or package stage "
                        "first)",
                        path);
    /* model-path is the user's and may be a symlink; data-dir's may not */
    int flags = ctx->cfg->model_path[0] != '\0' ? FS_FOLLOW : 0;
    if (!ends_with(path, ".zip"))
        return model_load(path, flags, m, e);
    /* Only model.json is inflated, and never more than its cap. */
    buf b;
    buf_init(&b, MODEL_FILE_MAX);
    char what[sizeof path + 32];
    snprintf(what, sizeof what, "'%s' member %s", path, FILE_MODEL);
    int rc = archive_read_one(path, flags, FILE_MODEL, &b, e) == 0 ? model_parse(b.data, b.len, what, m, e) : -1;
    buf_release(&b);
    if (rc == 0)
        log_info("predict: model.json from %s", path);
    return rc;
}

static int before(int s1, int r1, int s2, int r2)
{
    return s1 < s2 || (s1 == s2 && r1 < r2);
}

/* Appends hist's rows before race r to all; checks they start by season
 * `first` and reach the race just before r. */
static int history(const prepared *hist, const predict_race *r, int first, prepared *all, err *e)
{
    if (hist->n == 0 || hist->rows[0].season > first)
        return err_setk(e, ERR_DATA,
                        "prepared.csv starts in %d, after the model's first training season %d "
                        "(run prepare with the model's seasons)",
                        hist->n ? hist->rows[0].season : 0, first);
    const prepared_row *last = NULL;
    for (int i = 0; i < hist->n; i++) {
        const prepared_row *h = &hist->rows[i];
        if (!before(h->season, h->round, r->season, r->round))
            continue;
        if (prepared_append(all, h, e) != 0)
            return -1;
        last = h;
    }
    int ok = last != NULL &&
             (r->round > 1 ? last->season == r->season && last->round == r->round - 1
                           : last->season == r->season - 1);
    if (!ok)
        return err_setk(e, ERR_DATA,
                        "prepared.csv does not reach the race before %d round %d (it ends with %d "
                        "round %d): run the source and prepare stages with seasons up to %d first",
                        r->season, r->round, last ? last->season : 0, last ? last->round : 0,
                        r->season);
    return 0;
}

/* With the grid unknown: the previous race's drivers, at the back. */
static int previous_entries(predict_race *r, const prepared *all, err *e)
{
    int end = all->n, start = end;
    while (start > 0 && all->rows[start - 1].season == all->rows[end - 1].season &&
           all->rows[start - 1].round == all->rows[end - 1].round)
        start--;
    for (int i = start; i < end; i++) {
        int seen = 0;
        for (int k = 0; k < r->entries.n && !seen; k++)
            seen = strcmp(r->entries.rows[k].driver_id, all->rows[i].driver_id) == 0;
        if (seen)
            continue; /* a second car of the same driver (early seasons) */
        prepared_row row = all->rows[i];
        row.season = r->season;
        row.round = r->round;
        row.race_name = r->race_name;
        row.race_date = r->date;
        row.circuit_id = r->circuit_id;
        row.country = r->country;
        row.grid = row.position = row.laps = 0;
        row.points = 0;
        row.status = "";
        if (prepared_append(&r->entries, &row, e) != 0)
            return -1;
    }
    return 0;
}

/* The race's entries after the history, with the race's prepared weather
 * when it has been run and hist has it. */
static int append_race(const predict_race *r, const prepared *hist, prepared *all, err *e)
{
    const prepared_row *w = NULL;
    for (int i = 0; r->grid == PREDICT_GRID_STARTING && i < hist->n && w == NULL; i++)
        if (hist->rows[i].season == r->season && hist->rows[i].round == r->round)
            w = &hist->rows[i];
    for (int i = 0; i < r->entries.n; i++) {
        prepared_row row = r->entries.rows[i];
        row.weather_text = w ? w->weather_text : "";
        row.weather = w ? w->weather : "unknown";
        if (prepared_append(all, &row, e) != 0)
            return -1;
    }
    return 0;
}

/* Why the grid is what it is, for the summary after its name. */
static const char *grid_why(predict_grid g)
{
    return g == PREDICT_GRID_STARTING     ? "published with the results"
           : g == PREDICT_GRID_QUALIFYING ? "the starting grid is not published yet"
                                          : "neither qualifying nor the starting grid is published: "
                                            "predict-without-grid puts every car there";
}

/* What the model is, for the summary: "200 trees" or "a conditional logit
 * on the v2 features". */
static void model_words(const model *m, char *out, size_t n)
{
    if (m->l.params.kind == LEARNER_BAGGING)
        snprintf(out, n, "bagging, %d trees on the %s features", m->l.bag.n_trees,
                 feature_set_names[m->set]);
    else
        snprintf(out, n, "conditional logit on the %s features", feature_set_names[m->set]);
}

/* predictions-next.csv, the summary table and the outputs; by[k] is the
 * row (of rows) ranked k + 1. */
static int report(stage_ctx *ctx, const predict_race *r, const model *m,
                  const prepared_row *rows, const double *pred, const double *prob, const int *by,
                  err *e)
{
    static const char *const head[10] = {"season", "round", "race_name", "driver_id",
                                         "driver_name", "constructor_id", "grid", "prediction",
                                         "rank", "probability"};
    buf csv, md;
    buf_init(&csv, 0);
    buf_init(&md, STAGE_SECTION_MAX);
    int n = r->entries.n, rc = -1;
    char season[16], round[16], grid[16], score[NUMFMT_MAX], rank[16], path[CFG_STR_MAX + 64];
    char chance[NUMFMT_MAX], what[128];
    snprintf(season, sizeof season, "%d", r->season);
    snprintf(round, sizeof round, "%d", r->round);
    model_words(m, what, sizeof what);
    /* the race's name and date come from the API: inert text */
    if (csv_put_row(&csv, head, 10, e) != 0 || buf_puts(&md, "## Prediction: ", e) != 0 ||
        mdesc_text(&md, r->race_name, e) != 0 || buf_printf(&md, e, " (%d round %d, ", r->season, r->round) != 0 ||
        mdesc_text(&md, r->date, e) != 0 ||
        buf_printf(&md, e, ")\n\nGrid used: %s (%s). Model trained on seasons %d-%d (%s).%s\n\n"
                   "| rank | driver | constructor | grid | score | win probability |\n"
                   "|---:|---|---|---:|---:|---:|\n",
                   predict_grid_name(r->grid), grid_why(r->grid), m->train_first, m->train_last,
                   what,
                   m->l.params.kind == LEARNER_BAGGING
                       ? " Win probabilities are the scores normalised over the race, not "
                         "calibrated chances."
                       : "") != 0)
        goto out;
    for (int k = 0; k < n; k++) {
        const prepared_row *x = &rows[by[k]];
        snprintf(grid, sizeof grid, "%d", x->grid);
        if (r->grid == PREDICT_GRID_UNKNOWN)
            grid[0] = '\0';
        numfmt_double(pred[by[k]], score);
        numfmt_double(prob[by[k]], chance);
        snprintf(rank, sizeof rank, "%d", k + 1);
        const char *f[10] = {season, round, r->race_name, x->driver_id, x->driver_name,
                             x->constructor_id, grid, score, rank, chance};
        if (csv_put_row(&csv, f, 10, e) != 0 || buf_printf(&md, e, "| %d | ", k + 1) != 0 ||
            metrics_md_cell(&md, x->driver_name, e) != 0 || buf_puts(&md, " | ", e) != 0 ||
            metrics_md_cell(&md, x->constructor_name, e) != 0 ||
            buf_printf(&md, e, " | %s | %.4f | %.1f%% |\n", grid[0] ? grid : "–", pred[by[k]],
                       100.0 * prob[by[k]]) != 0)
            goto out;
    }
    stage_path(ctx, FILE_PREDICT, path, sizeof path);
    if (fs_write_atomic(path, csv.data, csv.len, e) != 0 || buf_puts(&md, "\n", e) != 0 ||
        stage_summary_add(ctx, &md, e) != 0)
        goto out;
    numfmt_double(pred[by[0]], score);
    if (stage_output_set(ctx, "predicted-winner", rows[by[0]].driver_id, e) != 0 ||
        stage_output_set(ctx, "predicted-winner-score", score, e) != 0)
        goto out;
    log_info("predict: %s wins the %d %s with score %s (of %d drivers, grid used: %s); wrote %s",
             rows[by[0]].driver_id, r->season, r->race_name, score, n, predict_grid_name(r->grid),
             path);
    rc = 0;
out:
    buf_release(&csv);
    buf_release(&md);
    return rc;
}

/* Replaces q's entries of race r by the race's qualifying from the API,
 * when it has any (else q's, from qualifying.csv, stand: a race already
 * run and prepared, scored as evaluate scored it). */
static int race_qualifying(const predict_race *r, qualifying_table *q, err *e)
{
    const qualifying_table *api = &r->qualifying;
    if (api->n == 0)
        return 0;
    int kept = 0;
    for (int i = 0; i < q->n; i++) {
        if (q->season[i] == r->season && q->round[i] == r->round) {
            free(q->driver_id[i]);
            continue;
        }
        q->season[kept] = q->season[i];
        q->round[kept] = q->round[i];
        q->driver_id[kept] = q->driver_id[i];
        for (int k = 0; k < QUALIFYING_SESSIONS; k++)
            q->q[k][kept] = q->q[k][i];
        kept++;
    }
    q->n = kept;
    for (int i = 0; i < api->n; i++) {
        double t[QUALIFYING_SESSIONS];
        for (int k = 0; k < QUALIFYING_SESSIONS; k++)
            t[k] = api->q[k][i];
        if (qualifying_append(q, api->season[i], api->round[i], api->driver_id[i], t, e) != 0)
            return -1;
    }
    return 0;
}

/* Predicts and ranks the last n rows of all (the race), then reports; q
 * holds the qualifying times the v2 features read (NULL: none). */
static int rank_race(stage_ctx *ctx, const predict_race *r, const model *m,
                     const prepared *all, const qualifying_table *q, err *e)
{
    feature_table t = {0};
    score sc = {0};
    int n = r->entries.n, first = all->n - n, rc = -1;
    if (n < 1 || first < 0)
        return err_setk(e, ERR_DATA, "%d round %d: no entries to rank", r->season, r->round);
    double *pred = malloc(2 * (size_t)n * sizeof *pred);
    int *by = malloc((size_t)n * sizeof *by);
    if (pred == NULL || by == NULL) {
        err_set(e, "out of memory predicting %d drivers", n);
        goto out;
    }
    double *prob = pred + n;
    if (feature_set_build(m->set, all, q, m->train_first, m->train_last, &t, e) != 0 ||
        model_check_features(m, &t, e) != 0 || model_score(m, &t, first, n, pred, prob, e) != 0)
        goto out;
    /* Ranked as evaluate ranks a race: ties broken by the race's stream. */
    prepared race = {.n = n, .alloc = n, .rows = all->rows + first};
    if (score_season(&sc, &race, r->season, pred, model_seed(m), e) != 0)
        goto out;
    for (int i = 0; i < n; i++)
        by[sc.rank[i] - 1] = i;
    rc = report(ctx, r, m, race.rows, pred, prob, by, e);
out:
    score_release(&sc);
    feature_table_release(&t);
    free(pred);
    free(by);
    return rc;
}

int stage_predict(stage_ctx *ctx, err *e)
{
    const config *c = ctx->cfg;
    model m = {0};
    predict_race r = {0};
    prepared hist = {0}, all = {0};
    qualifying_table q = {0};
    char path[CFG_STR_MAX + 64];
    int rc = -1, have_q = 0;
    stage_path(ctx, FILE_PREPARED, path, sizeof path);
    if (load_model(ctx, &m, e) != 0)
        goto out;
    if (!fs_exists(path)) {
        err_setk(e, ERR_DATA, "no %s in data-dir: run the prepare stage first", FILE_PREPARED);
        goto out;
    }
    if (prepared_read(path, &hist, e) != 0 ||
        predict_fetch(c, c->predict_season, c->predict_round, &r, e) != 0 ||
        history(&hist, &r, m.train_first, &all, e) != 0)
        goto out;
    if (r.grid == PREDICT_GRID_UNKNOWN) {
        if (!c->predict_without_grid) {
            err_setk(e, ERR_DATA,
                     "the grid of %d round %d (%s) is not published yet (no qualifying or "
                     "starting grid): set predict-without-grid to true to predict with every car "
                     "at the back of the grid",
                     r.season, r.round, r.race_name);
            goto out;
        }
        log_warn("the grid of %d round %d is not known yet: predicting with the previous race's "
                 "drivers, every car at the back of the grid",
                 r.season, r.round);
        if (previous_entries(&r, &all, e) != 0)
            goto out;
    }
    if (r.season <= m.train_last)
        log_warn("the model was trained on seasons up to %d, which include this race's",
                 m.train_last);
    /* The v2 features read the qualifying times prepare stored, and the
     * race's own from the API when it published them. */
    if (m.set == FEATURE_SET_V2 &&
        (stage_read_qualifying(ctx, &q, &have_q, e) != 0 || race_qualifying(&r, &q, e) != 0))
        goto out;
    have_q |= r.qualifying.n > 0;
    if (append_race(&r, &hist, &all, e) != 0 ||
        rank_race(ctx, &r, &m, &all, have_q ? &q : NULL, e) != 0)
        goto out;
    rc = 0;
out:
    qualifying_release(&q);
    prepared_release(&all);
    prepared_release(&hist);
    predict_race_release(&r);
    model_release(&m);
    return rc;
}
