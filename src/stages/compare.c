#include "stages/compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/jsonbuild.h"
#include "core/jsonfile.h"
#include "core/log.h"
#include "ml/compare.h"
#include "stages/baseline.h"
#include "stages/registry.h"

static double expected(const score *s)
{
    return s->expected_hits / s->n_races;
}

/* Candidate minus baseline, or null when either is missing. */
static cJSON *delta_json(double cand, double base)
{
    return isnan(cand) || isnan(base) ? cJSON_CreateNull() : cJSON_CreateNumber(cand - base);
}

/* The three differences of a season: expected precision, log-loss and
 * Brier (candidate c, baseline b), under the keys given. */
static void add_deltas(cJSON *o, const char *precision_key, const score *cs, const probscore *cp,
                       const score *bs, const probscore *bp, int *oom)
{
    jsonbuild_add(o, precision_key, cJSON_CreateNumber(expected(cs) - expected(bs)), oom);
    jsonbuild_add(o, "log_loss_delta",
                  delta_json(probscore_mean_log_loss(cp), probscore_mean_log_loss(bp)), oom);
    jsonbuild_add(o, "brier_delta", delta_json(probscore_mean_brier(cp), probscore_mean_brier(bp)),
                  oom);
}

static cJSON *artifact_json(const baseline_origin *o, int *oom)
{
    if (!o->from_artifact)
        return cJSON_CreateNull();
    const github_artifact *a = &o->artifact;
    cJSON *j = cJSON_CreateObject();
    jsonbuild_add(j, "name", cJSON_CreateString(a->name), oom);
    jsonbuild_add(j, "id", cJSON_CreateNumber((double)a->id), oom);
    jsonbuild_add(j, "run_id", cJSON_CreateNumber((double)a->run_id), oom);
    jsonbuild_add(j, "head_branch", cJSON_CreateString(a->head_branch), oom);
    jsonbuild_add(j, "head_sha", cJSON_CreateString(a->head_sha), oom);
    jsonbuild_add(j, "created_at", cJSON_CreateString(a->created_at), oom);
    return j;
}

/* The per-season rows: cand[i] with base[i] and bps[i] when the
 * baseline was scored on that season (scored[i]). */
static cJSON *seasons_json(const compare_season *cand, const score *base, const probscore *bps,
                           const int *scored, int n, compare_block_fn block, int *oom)
{
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < n; i++) {
        const score *c = cand[i].sc;
        cJSON *o = jsonbuild_add(arr, NULL, cJSON_CreateObject(), oom);
        jsonbuild_add(o, "season", cJSON_CreateNumber(cand[i].season), oom);
        jsonbuild_add(o, "model", block(c, cand[i].ps, oom), oom);
        jsonbuild_add(o, "baseline", scored[i] ? block(&base[i], &bps[i], oom) : cJSON_CreateNull(),
                      oom);
        jsonbuild_add(o, "pole_precision", cJSON_CreateNumber(c->pole_hits / c->n_races), oom);
        jsonbuild_add(o, "leader_precision", cJSON_CreateNumber(c->leader_hits / c->n_races), oom);
        if (scored[i]) {
            add_deltas(o, "expected_precision_delta", c, cand[i].ps, &base[i], &bps[i], oom);
        } else {
            jsonbuild_add(o, "expected_precision_delta", cJSON_CreateNull(), oom);
            jsonbuild_add(o, "log_loss_delta", cJSON_CreateNull(), oom);
            jsonbuild_add(o, "brier_delta", cJSON_CreateNull(), oom);
        }
    }
    return arr;
}

static int add_block(cJSON *metrics, cJSON *b, int oom, err *e)
{
    if (oom || b == NULL || !cJSON_AddItemToObject(metrics, "baseline", b)) {
        cJSON_Delete(b);
        return err_set(e, "out of memory building the baseline comparison");
    }
    return 0;
}

/* "no artifact yet": recorded and warned, not failed. */
static int skipped(const char *source, const char *why, cJSON *metrics, err *e)
{
    log_warn("no baseline to compare with: %s", why);
    int oom = 0;
    cJSON *b = cJSON_CreateObject();
    jsonbuild_add(b, "source", cJSON_CreateString(source), &oom);
    jsonbuild_add(b, "skipped", cJSON_CreateString(why), &oom);
    return add_block(metrics, b, oom, e);
}

/* Refuses a baseline trained on the test season. */
static int check_seasons(const model *m, const compare_season *seasons, int n, err *e)
{
    int test = seasons[n - 1].season;
    if (m->train_last < test)
        return 0;
    buf list;
    buf_init(&list, 0);
    for (int i = 0; i < n; i++)
        if (seasons[i].season >= m->train_first && seasons[i].season <= m->train_last)
            buf_printf(&list, NULL, "%s%d", list.len ? ", " : "", seasons[i].season);
    err_setk(e, ERR_INPUT,
             "input 'baseline-model': the baseline was trained on seasons %d-%d, which include "
             "the scored season(s) %s (expected a model trained only on seasons before test "
             "season %d, so that it is scored on races it has not seen)",
             m->train_first, m->train_last, list.len ? list.data : "none", test);
    buf_release(&list);
    return -1;
}

/* Scores m where it may be scored and builds the block. */
static int compare_with(stage_ctx *ctx, const model *m, const baseline_origin *origin,
                        const compare_season *cand, int n, uint64_t seed, compare_block_fn block,
                        cJSON *metrics, err *e)
{
    prepared p = {0};
    score *base = calloc((size_t)n, sizeof *base);
    probscore *bps = calloc((size_t)n, sizeof *bps);
    int *scored = calloc((size_t)n, sizeof *scored);
    int *seasons = calloc((size_t)n, sizeof *seasons);
    int k = 0, rc = -1;
    char path[CFG_STR_MAX + 64];
    if (base == NULL || bps == NULL || scored == NULL || seasons == NULL) {
        err_set(e, "out of memory comparing with the baseline");
        goto out;
    }
    for (int i = 0; i < n; i++)
        if (cand[i].season > m->train_last) {
            scored[i] = 1;
            seasons[k++] = cand[i].season;
        } else {
            log_info("baseline: not scored on backtest season %d (it was trained on %d-%d)",
                     cand[i].season, m->train_first, m->train_last);
        }
    stage_path(ctx, FILE_PREPARED, path, sizeof path);
    score *packed = calloc((size_t)k, sizeof *packed);
    probscore *packed_ps = calloc((size_t)k, sizeof *packed_ps);
    if (packed == NULL || packed_ps == NULL) {
        free(packed);
        free(packed_ps);
        err_set(e, "out of memory comparing with the baseline");
        goto out;
    }
    qualifying_table q = {0};
    int have_q = 0;
    rc = prepared_read(path, &p, e);
    if (rc == 0 && m->set == FEATURE_SET_V2)
        rc = stage_read_qualifying(ctx, &q, &have_q, e);
    if (rc == 0)
        rc = compare_score_seasons(m, &p, have_q ? &q : NULL, seasons, k, seed, packed, packed_ps,
                                   e);
    qualifying_release(&q);
    /* Spread the k scores back to the candidate's n seasons. */
    for (int i = 0, j = 0; i < n; i++)
        if (scored[i]) {
            bps[i] = packed_ps[j];
            base[i] = packed[j++];
        }
    free(packed);
    free(packed_ps);
    if (rc != 0)
        goto out;
    rc = -1;
    const score *bt = &base[n - 1], *ct = cand[n - 1].sc;
    const probscore *bp = &bps[n - 1], *cp = cand[n - 1].ps;
    double delta = expected(ct) - expected(bt);
    int oom = 0;
    int span[2] = {m->train_first, m->train_last};
    cJSON *b = cJSON_CreateObject();
    jsonbuild_add(b, "source", cJSON_CreateString(ctx->cfg->baseline_model), &oom);
    jsonbuild_add(b, "artifact", artifact_json(origin, &oom), &oom);
    jsonbuild_add(b, "train_seasons", cJSON_CreateIntArray(span, 2), &oom);
    jsonbuild_add(b, "parameters", learner_params_json(&m->l.params), &oom);
    jsonbuild_add(b, "model", block(bt, bp, &oom), &oom);
    add_deltas(b, "precision_delta", ct, cp, bt, bp, &oom);
    jsonbuild_add(b, "improved", cJSON_CreateBool(delta > COMPARE_EPS), &oom);
    jsonbuild_add(b, "seasons", seasons_json(cand, base, bps, scored, n, block, &oom), &oom);
    if (add_block(metrics, b, oom, e) != 0)
        goto out;
    log_info("baseline (trained on %d-%d): expected precision %.3f against the model's %.3f on "
             "season %d: delta %+.3f, %s; log-loss %.3f against %.3f, Brier %.3f against %.3f",
             m->train_first, m->train_last, expected(bt), expected(ct), cand[n - 1].season, delta,
             delta > COMPARE_EPS ? "improved" : "not improved", probscore_mean_log_loss(bp),
             probscore_mean_log_loss(cp), probscore_mean_brier(bp), probscore_mean_brier(cp));
    rc = 0;
out:
    for (int i = 0; base != NULL && i < n; i++)
        score_release(&base[i]);
    free(base);
    free(bps);
    free(scored);
    free(seasons);
    prepared_release(&p);
    return rc;
}

int compare_baseline(stage_ctx *ctx, const compare_season *seasons, int n, uint64_t seed,
                     compare_block_fn block, cJSON *metrics, err *e)
{
    const char *source = ctx->cfg->baseline_model;
    if (source[0] == '\0')
        return 0;
    model m = {0};
    baseline_origin origin;
    int rc = baseline_load(ctx, &m, &origin, e);
    if (rc == 1) {
        char why[ERR_MSG_MAX];
        memcpy(why, e->msg, sizeof why);
        rc = skipped(source, why, metrics, e);
    }
    else if (rc == 0)
        rc = check_seasons(&m, seasons, n, e) != 0
                 ? -1
                 : compare_with(ctx, &m, &origin, seasons, n, seed, block, metrics, e);
    model_release(&m);
    return rc;
}

int compare_gate(const stage_ctx *ctx, err *e)
{
    const config *c = ctx->cfg;
    /* The stages that write or ship what is compared. */
    unsigned late = STAGE_EVALUATE | STAGE_PACKAGE | STAGE_UPLOAD | STAGE_COMMENT;
    if (!c->fail_if_worse || !(ctx->selected & late))
        return 0;
    char path[CFG_STR_MAX + 64];
    stage_path(ctx, FILE_METRICS, path, sizeof path);
    cJSON *metrics = jsonfile_load(path, 0, e);
    if (metrics == NULL)
        return err_wrap(e, "fail-if-worse");
    const cJSON *b = jsonfile_get(metrics, "baseline");
    double cand = jsonfile_num(metrics, "model.expected_precision", NAN);
    double base = jsonfile_num(b, "model.expected_precision", NAN);
    int rc = 0;
    if (!cJSON_IsObject(b) || cJSON_IsString(jsonfile_get(b, "skipped"))) {
        log_warn("fail-if-worse: %s holds no comparison with a baseline, so nothing can be worse",
                 FILE_METRICS);
    } else if (isnan(cand) || isnan(base)) {
        rc = err_setk(e, ERR_DATA, "fail-if-worse: %s has no expected precision for the model or "
                                   "the baseline (rerun the evaluate stage)", FILE_METRICS);
    } else if (cand < base - c->worse_tolerance - COMPARE_EPS) {
        rc = err_setk(e, ERR_WORSE,
                      "fail-if-worse: the model's expected precision %.4f is below the baseline's "
                      "%.4f by %.4f, more than worse-tolerance %g (season %.0f; metrics, zip and "
                      "summary were written)",
                      cand, base, base - cand, c->worse_tolerance,
                      jsonfile_num(metrics, "test_season", 0));
    } else {
        log_info("fail-if-worse: expected precision %.4f against the baseline's %.4f, within "
                 "worse-tolerance %g",
                 cand, base, c->worse_tolerance);
    }
    cJSON_Delete(metrics);
    return rc;
}
