#include "pack/metrics_md.h"

#include <math.h>
#include <stdio.h>

#include "core/jsonfile.h"
#include "core/mdesc.h"

#define MD_DASH "–"

/* A number as text with fmt, or a dash when it is missing (NAN). */
static const char *md_num(char *out, size_t n, const char *fmt, double v)
{
    if (isnan(v))
        snprintf(out, n, "%s", MD_DASH);
    else
        snprintf(out, n, fmt, v);
    return out;
}

int metrics_md_cell(buf *out, const char *s, err *e)
{
    return mdesc_text(out, s, e);
}

/* One row: label | precision | expected | top-3 | hits / races | log-loss
 * | Brier, read from the object at path (e.g. "model" or
 * "baselines.pole"); what it lacks is a dash. */
static int md_score_row(buf *out, const char *label, const cJSON *obj, err *e)
{
    char p[32], x[32], t[32], h[32], r[32], l[32], b[32];
    return buf_printf(out, e, "| %s | %s | %s | %s | %s / %s | %s | %s |\n", label,
                      md_num(p, sizeof p, "%.3f", jsonfile_num(obj, "precision", NAN)),
                      md_num(x, sizeof x, "%.3f", jsonfile_num(obj, "expected_precision", NAN)),
                      md_num(t, sizeof t, "%.3f", jsonfile_num(obj, "top3_hit_rate", NAN)),
                      md_num(h, sizeof h, "%g", jsonfile_num(obj, "hits", NAN)),
                      md_num(r, sizeof r, "%g", jsonfile_num(obj, "races", NAN)),
                      md_num(l, sizeof l, "%.3f", jsonfile_num(obj, "log_loss", NAN)),
                      md_num(b, sizeof b, "%.3f", jsonfile_num(obj, "brier", NAN)));
}

int metrics_md_baselines(buf *out, const cJSON *metrics, err *e)
{
    if (buf_puts(out, "| predictor | precision | expected precision | top-3 hit rate | hits / races "
                      "| log-loss | Brier |\n|---|---:|---:|---:|---:|---:|---:|\n", e) != 0 ||
        md_score_row(out, "**model**", jsonfile_get(metrics, "model"), e) != 0 ||
        (jsonfile_get(metrics, "baselines.grid") != NULL &&
         md_score_row(out, "grid-only baseline (conditional logit on the grid)",
                      jsonfile_get(metrics, "baselines.grid"), e) != 0) ||
        md_score_row(out, "pole baseline (grid 1 wins)", jsonfile_get(metrics, "baselines.pole"), e) != 0 ||
        md_score_row(out, "leader baseline (season points leader wins)",
                     jsonfile_get(metrics, "baselines.leader"), e) != 0)
        return -1;
    return buf_puts(out, "\nPrecision = hits / races (the predicted winner won). Expected precision "
                         "counts a race whose winner is among k tied top scores as 1/k. "
                         "Leader hits can be fractional when leaders tie. Log-loss = -mean "
                         "ln p(winner), Brier = mean over races of the sum of (p - won)^2 over the "
                         "entries: lower is better; the grid-only baseline shows what the other "
                         "features add.\n", e);
}

int metrics_md_backtest(buf *out, const cJSON *metrics, err *e)
{
    const cJSON *seasons = jsonfile_get(metrics, "backtest.seasons");
    if (!cJSON_IsArray(seasons))
        return 0;
    if (buf_puts(out, "| season | races | model precision | expected precision | top-3 hit rate | "
                      "pole precision | leader precision | grid-only expected precision | "
                      "log-loss | grid-only log-loss |\n"
                      "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n", e) != 0)
        return -1;
    const cJSON *s;
    cJSON_ArrayForEach(s, seasons)
    {
        char a[32], b[32], c[32], d[32], f[32], g[32], h[32], x[32], l[32], m[32];
        if (buf_printf(out, e, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
                       md_num(a, sizeof a, "%.0f", jsonfile_num(s, "season", NAN)),
                       md_num(b, sizeof b, "%g", jsonfile_num(s, "model.races", NAN)),
                       md_num(c, sizeof c, "%.3f", jsonfile_num(s, "model.precision", NAN)),
                       md_num(d, sizeof d, "%.3f", jsonfile_num(s, "model.expected_precision", NAN)),
                       md_num(f, sizeof f, "%.3f", jsonfile_num(s, "model.top3_hit_rate", NAN)),
                       md_num(g, sizeof g, "%.3f", jsonfile_num(s, "pole.precision", NAN)),
                       md_num(h, sizeof h, "%.3f", jsonfile_num(s, "leader.precision", NAN)),
                       md_num(x, sizeof x, "%.3f", jsonfile_num(s, "grid.expected_precision", NAN)),
                       md_num(l, sizeof l, "%.3f", jsonfile_num(s, "model.log_loss", NAN)),
                       md_num(m, sizeof m, "%.3f", jsonfile_num(s, "grid.log_loss", NAN))) != 0)
            return -1;
    }
    const cJSON *mean = jsonfile_get(metrics, "backtest.mean");
    char c[32], d[32], f[32], g[32], h[32], x[32], l[32], m[32];
    return buf_printf(out, e, "| **mean** | | %s | %s | %s | %s | %s | %s | %s | %s |\n",
                      md_num(c, sizeof c, "%.3f", jsonfile_num(mean, "precision", NAN)),
                      md_num(d, sizeof d, "%.3f", jsonfile_num(mean, "expected_precision", NAN)),
                      md_num(f, sizeof f, "%.3f", jsonfile_num(mean, "top3_hit_rate", NAN)),
                      md_num(g, sizeof g, "%.3f", jsonfile_num(mean, "pole_precision", NAN)),
                      md_num(h, sizeof h, "%.3f", jsonfile_num(mean, "leader_precision", NAN)),
                      md_num(x, sizeof x, "%.3f", jsonfile_num(mean, "grid_expected_precision", NAN)),
                      md_num(l, sizeof l, "%.3f", jsonfile_num(mean, "log_loss", NAN)),
                      md_num(m, sizeof m, "%.3f", jsonfile_num(mean, "grid_log_loss", NAN)));
}

int metrics_md_span(buf *out, const cJSON *metrics, err *e)
{
    char a[32], b[32], c[32], d[32], t[32], f[32], g[32];
    return buf_printf(out, e, "training seasons %s–%s (%s races, %s rows); test season %s (%s races, %s rows)",
                      md_num(a, sizeof a, "%.0f", jsonfile_num(metrics, "data.train_seasons.0", NAN)),
                      md_num(b, sizeof b, "%.0f", jsonfile_num(metrics, "data.train_seasons.1", NAN)),
                      md_num(c, sizeof c, "%.0f", jsonfile_num(metrics, "data.train_races", NAN)),
                      md_num(d, sizeof d, "%.0f", jsonfile_num(metrics, "data.train_rows", NAN)),
                      md_num(t, sizeof t, "%.0f", jsonfile_num(metrics, "test_season", NAN)),
                      md_num(f, sizeof f, "%.0f", jsonfile_num(metrics, "data.test_races", NAN)),
                      md_num(g, sizeof g, "%.0f", jsonfile_num(metrics, "data.test_rows", NAN)));
}

/* "from artifact NAME (id N, run R on BRANCH, created T)" or the source. */
static int md_origin(buf *out, const cJSON *b, metrics_md_text_fn text, err *e)
{
    const cJSON *a = jsonfile_get(b, "artifact");
    char id[32], run[32];
    if (!cJSON_IsObject(a)) {
        if (buf_puts(out, "`baseline-model` ", e) != 0)
            return -1;
        return text(out, jsonfile_str(b, "source", ""), e);
    }
    if (buf_puts(out, "artifact ", e) != 0 || text(out, jsonfile_str(a, "name", ""), e) != 0 ||
        buf_printf(out, e, " (id %s, run %s on ", md_num(id, sizeof id, "%.0f", jsonfile_num(a, "id", NAN)),
                   md_num(run, sizeof run, "%.0f", jsonfile_num(a, "run_id", NAN))) != 0 ||
        text(out, jsonfile_str(a, "head_branch", ""), e) != 0 || buf_puts(out, ", created ", e) != 0 ||
        text(out, jsonfile_str(a, "created_at", ""), e) != 0)
        return -1;
    return buf_puts(out, ")", e);
}

/* "| model | baseline | delta " of one metric of a season row s. */
static int md_compare_cells(buf *out, const cJSON *s, const char *key, const char *delta_key, err *e)
{
    char path[64], m[32], b[32], d[32];
    snprintf(path, sizeof path, "model.%s", key);
    double mv = jsonfile_num(s, path, NAN);
    snprintf(path, sizeof path, "baseline.%s", key);
    double bv = jsonfile_num(s, path, NAN);
    return buf_printf(out, e, "| %s | %s | %s ", md_num(m, sizeof m, "%.3f", mv),
                      md_num(b, sizeof b, "%.3f", bv),
                      md_num(d, sizeof d, "%+.3f", jsonfile_num(s, delta_key, NAN)));
}

static int md_compare_row(buf *out, const cJSON *s, err *e)
{
    char a[32], b[32], c[32], f[32], i[32], j[32];
    return buf_printf(out, e, "| %s | %s | %s | %s ",
                      md_num(a, sizeof a, "%.0f", jsonfile_num(s, "season", NAN)),
                      md_num(b, sizeof b, "%g", jsonfile_num(s, "model.races", NAN)),
                      md_num(c, sizeof c, "%.3f", jsonfile_num(s, "model.precision", NAN)),
                      md_num(f, sizeof f, "%.3f", jsonfile_num(s, "baseline.precision", NAN))) != 0 ||
                   md_compare_cells(out, s, "expected_precision", "expected_precision_delta", e) != 0 ||
                   md_compare_cells(out, s, "log_loss", "log_loss_delta", e) != 0 ||
                   md_compare_cells(out, s, "brier", "brier_delta", e) != 0 ||
                   buf_printf(out, e, "| %s | %s |\n",
                              md_num(i, sizeof i, "%.3f", jsonfile_num(s, "pole_precision", NAN)),
                              md_num(j, sizeof j, "%.3f", jsonfile_num(s, "leader_precision", NAN))) != 0
               ? -1
               : 0;
}

int metrics_md_compare(buf *out, const cJSON *metrics, metrics_md_text_fn text, err *e)
{
    const cJSON *b = jsonfile_get(metrics, "baseline");
    if (!cJSON_IsObject(b))
        return 0;
    if (cJSON_IsString(jsonfile_get(b, "skipped"))) {
        if (buf_puts(out, "No baseline to compare with: ", e) != 0 ||
            text(out, jsonfile_str(b, "skipped", ""), e) != 0)
            return -1;
        return buf_puts(out, "\n", e);
    }
    char cand[32], base[32], delta[32], first[32], last[32];
    char lc[32], lb[32], ld[32], bc[32], bb[32], bd[32];
    int improved = cJSON_IsTrue(jsonfile_get(b, "improved"));
    if (buf_printf(out, e, "**%s** on test season %.0f: expected precision %s against the baseline's %s "
                           "(%s); log-loss %s against %s (%s), Brier %s against %s (%s).\n\nBaseline: ",
                   improved ? "Improved" : "Not improved", jsonfile_num(metrics, "test_season", 0),
                   md_num(cand, sizeof cand, "%.3f", jsonfile_num(metrics, "model.expected_precision", NAN)),
                   md_num(base, sizeof base, "%.3f", jsonfile_num(b, "model.expected_precision", NAN)),
                   md_num(delta, sizeof delta, "%+.3f", jsonfile_num(b, "precision_delta", NAN)),
                   md_num(lc, sizeof lc, "%.3f", jsonfile_num(metrics, "model.log_loss", NAN)),
                   md_num(lb, sizeof lb, "%.3f", jsonfile_num(b, "model.log_loss", NAN)),
                   md_num(ld, sizeof ld, "%+.3f", jsonfile_num(b, "log_loss_delta", NAN)),
                   md_num(bc, sizeof bc, "%.3f", jsonfile_num(metrics, "model.brier", NAN)),
                   md_num(bb, sizeof bb, "%.3f", jsonfile_num(b, "model.brier", NAN)),
                   md_num(bd, sizeof bd, "%+.3f", jsonfile_num(b, "brier_delta", NAN))) != 0 ||
        md_origin(out, b, text, e) != 0 ||
        buf_printf(out, e, ", trained on seasons %s–%s.\n\n"
                           "| season | races | model precision | baseline precision | model expected | "
                           "baseline expected | Δ expected | model log-loss | baseline log-loss | "
                           "Δ log-loss | model Brier | baseline Brier | Δ Brier | pole precision | "
                           "leader precision |\n"
                           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
                   md_num(first, sizeof first, "%.0f", jsonfile_num(b, "train_seasons.0", NAN)),
                   md_num(last, sizeof last, "%.0f", jsonfile_num(b, "train_seasons.1", NAN))) != 0)
        return -1;
    const cJSON *s;
    cJSON_ArrayForEach(s, jsonfile_get(b, "seasons"))
    {
        if (md_compare_row(out, s, e) != 0)
            return -1;
    }
    return buf_puts(out, "\nΔ = model minus baseline (expected precision: higher is better; log-loss "
                         "and Brier of the win probabilities: lower is better); a dash where the "
                         "baseline was trained on the season and is not scored.\n", e);
}
