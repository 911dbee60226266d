/* The `tune` stage (score the plan's configurations, or with tune-shard
 * I/N the I-th slice of them, on prepared.csv) and the `tune-merge` stage
 * (gather every slice); both end in tune.h's choice and tune.json, except
 * a shard, which saves its slice for the merge. */
#include <stdlib.h>
#include <time.h>

#include "core/log.h"
#include "data/feature_set.h"
#include "data/prepared.h"
#include "ml/search.h"
#include "stages/tune.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Scores configurations [from, to) of pl on p (q: qualifying times for
 * v2, or NULL) into r. */
static int score_slice(const stage_ctx *ctx, const tune_plan *pl, const prepared *p,
                       const qualifying_table *q, int from, int to, search_result *r, err *e)
{
    space_config *configs = malloc((size_t)(to - from) * sizeof *configs);
    if (configs == NULL)
        return err_set(e, "out of memory for %d configurations", to - from);
    for (int c = from; c < to; c++)
        configs[c - from] = tune_plan_params(pl, c);
    /* The rows the search may read end with the last validation season:
     * no test season's row is even passed in. */
    int last = pl->seasons[pl->n_seasons - 1], end = 0;
    while (end < p->n && p->rows[end].season <= last)
        end++;
    prepared view = {.n = end, .alloc = end, .rows = p->rows};
    search_job j = {.p = &view, .q = q, .seasons = pl->seasons, .n_seasons = pl->n_seasons,
                    .configs = configs, .n_configs = to - from, .threads = ctx->cfg->threads};
    int rc = search_run(&j, r, e);
    free(configs);
    return rc;
}

/* 1 when a configuration of [from, to) reads the v2 features. */
static int uses_v2(const tune_plan *pl, int from, int to)
{
    for (int c = from; c < to; c++)
        if (tune_plan_params(pl, c).set == FEATURE_SET_V2)
            return 1;
    return 0;
}

/* Warns about lists of tune-space no configuration reads: each learner
 * takes only its own parameters (ml/space.h), so a clogit-only search
 * ignores the bagging lists and a bagging-only one l2. */
static void warn_unused(const tune_plan *pl)
{
    const space *sp = &pl->sp;
    int has[LEARNER_COUNT] = {0}, bagging_keys = 0;
    for (int k = 0; k < (sp->n[SPACE_MODEL] > 0 ? sp->n[SPACE_MODEL] : 1); k++)
        has[sp->n[SPACE_MODEL] > 0 ? (int)sp->v[SPACE_MODEL][k].value : (int)pl->base.learner.kind] = 1;
    for (int i = SPACE_BAGGING_FIRST; i < SPACE_NPARAMS; i++)
        bagging_keys += sp->n[i] > 0;
    if (bagging_keys > 0 && !has[LEARNER_BAGGING])
        log_warn("tune: tune-space lists bagging parameters, but no configuration is bagging "
                 "(list model=bagging in tune-space, or set input model: bagging): they are "
                 "not searched");
    if (sp->n[SPACE_L2] > 0 && !has[LEARNER_CLOGIT])
        log_warn("tune: tune-space lists l2, but no configuration is clogit (list model=clogit "
                 "in tune-space, or set input model: clogit): it is not searched");
}

int stage_tune(stage_ctx *ctx, err *e)
{
    const config *c = ctx->cfg;
    tune_plan pl;
    prepared p = {0};
    qualifying_table q = {0};
    search_result r = {0};
    char path[CFG_STR_MAX + 64], digest[SHA256_HEX_SIZE];
    int rc = -1;
    if (tune_plan_make(ctx, &pl, e) != 0)
        return -1;
    warn_unused(&pl);
    stage_path(ctx, FILE_PREPARED, path, sizeof path);
    if (prepared_read(path, &p, e) != 0) {
        err_wrap(e, "reading %s (run the prepare stage first)", path);
        goto out;
    }
    if (tune_data_digest(ctx, digest, e) != 0)
        goto out;
    int sharded = c->tune_shards > 0;
    int i = sharded ? c->tune_shard : 1, n = sharded ? c->tune_shards : 1;
    int from, to, have_q = 0;
    tune_plan_slice(&pl, i, n, &from, &to);
    if (uses_v2(&pl, from, to) && stage_read_qualifying_for_v2(ctx, "tune", &q, &have_q, e) != 0)
        goto out;
    log_info("tune: %s search of %d configurations; scoring %d-%d%s on validation seasons %d-%d "
             "(%d per test season, test seasons %d-%d)",
             pl.method == SPACE_GRID ? "grid" : "random", pl.n, from + 1, to,
             sharded ? " (this shard)" : "", pl.seasons[0], pl.seasons[pl.n_seasons - 1], pl.k,
             pl.test_first, pl.test_last);
    double t0 = now();
    if (to > from && score_slice(ctx, &pl, &p, have_q ? &q : NULL, from, to, &r, e) != 0)
        goto out;
    double secs = now() - t0;
    log_info("tune: scored %d configurations x %d validation seasons in %.2f s: %.1f "
             "configurations/s",
             to - from, pl.n_seasons, secs, secs > 0 ? (to - from) / secs : 0.0);
    tune_scores sc = {r.expected, r.train_rows, r.nfeat};
    rc = sharded ? tune_shard_save(ctx, &pl, i, n, from, to, r.expected, r.train_rows, r.nfeat,
                                   digest, secs, e)
                 : tune_write(ctx, &pl, &sc, digest, 1, secs, e);
out:
    search_result_release(&r);
    qualifying_release(&q);
    prepared_release(&p);
    tune_plan_release(&pl);
    return rc;
}

int stage_tune_merge(stage_ctx *ctx, err *e)
{
    tune_plan pl;
    if (tune_plan_make(ctx, &pl, e) != 0)
        return -1;
    int ns = pl.n_seasons, shards, rc = -1;
    double seconds;
    char digest[SHA256_HEX_SIZE];
    size_t cells = (size_t)pl.n * (size_t)ns;
    double *expected = malloc(cells * sizeof *expected);
    int *ref = malloc(2 * cells * sizeof *ref);
    if (expected == NULL || ref == NULL) {
        err_set(e, "out of memory merging %d configurations", pl.n);
        goto out;
    }
    if (tune_shard_collect(ctx, &pl, expected, ref, ref + cells, &shards, &seconds, digest, e) != 0)
        goto out;
    tune_scores sc = {expected, ref, ref + cells};
    rc = tune_write(ctx, &pl, &sc, digest, shards, seconds, e);
out:
    free(expected);
    free(ref);
    tune_plan_release(&pl);
    return rc;
}
