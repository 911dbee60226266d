#include "pack/model_card.h"

#include <math.h>
#include <string.h>

#include "core/jsonfile.h"
#include "pack/metrics_md.h"

static int is_clogit(const cJSON *metrics)
{
    return strcmp(jsonfile_str(metrics, "learner", "bagging"), "clogit") == 0;
}

static int card_intro(buf *out, const cJSON *metrics, err *e)
{
    if (buf_puts(out, "# F1 race-winner model\n\n## What it predicts\n\n"
                      "For every entry (driver and car) of a Formula 1 race the model gives a score; "
                      "the entry with the highest score is the predicted winner of the race. ", e) != 0)
        return -1;
    if (is_clogit(metrics))
        return buf_printf(out, e,
                          "The model is a conditional logit: a linear score of the standardised "
                          "features (missing values set to the training median), turned into win "
                          "probabilities by a softmax over the race's entries, fitted by damped "
                          "Newton with an L2 penalty of %g on the coefficients. Its probabilities "
                          "(`predictions.csv`, column `probability`) are win chances, scored below "
                          "by log-loss and Brier score.\n\n",
                          jsonfile_num(metrics, "parameters.l2", NAN));
    double trees = jsonfile_num(metrics, "parameters.n-estimators", NAN);
    if (buf_puts(out, "The model is a bagged ensemble of ", e) != 0)
        return -1;
    if (!isnan(trees) && buf_printf(out, e, "%.0f ", trees) != 0)
        return -1;
    return buf_puts(out, "regression trees (the semantics of scikit-learn's "
                         "`BaggingRegressor(DecisionTreeRegressor())`) fitted to the target `won` "
                         "(1 for a race winner, else 0); a score is the mean of the trees' outputs, "
                         "not a calibrated probability. The `probability` of `predictions.csv` is "
                         "the scores normalised to sum to 1 over each race.\n\n", e);
}

static int card_data(buf *out, const cJSON *metrics, err *e)
{
    if (buf_puts(out, "## Data\n\n- Span: ", e) != 0 || metrics_md_span(out, metrics, e) != 0)
        return -1;
    int v2 = strcmp(jsonfile_str(metrics, "feature_set", "spec"), "v2") == 0;
    if (buf_printf(out, e, ".\n- Features: %.0f per entry (%s).\n",
                   jsonfile_num(metrics, "data.features", 0),
                   v2 ? "the v2 set: grid, qualifying gap to the fastest and to the teammate, the "
                        "driver's and constructor's recent points, wins and finishes, circuit "
                        "history and championship standing, all known before the race"
                      : "grid, driver and constructor experience, recent wins, retirements and "
                        "form, age, home race, weather, nationality and race indicators") != 0)
        return -1;
    const cJSON *w = jsonfile_get(metrics, "data.coverage.weather");
    if (cJSON_IsObject(w) &&
        buf_printf(out, e, "- Weather records (races): %.0f found, %.0f missing, %.0f fetch errors, "
                           "%.0f not looked up.\n",
                   jsonfile_num(w, "found", 0), jsonfile_num(w, "missing", 0),
                   jsonfile_num(w, "error", 0), jsonfile_num(w, "none", 0)) != 0)
        return -1;
    return buf_puts(out, "- Sources: an Ergast-compatible F1 API (results, grid, qualifying, drivers) and the "
                         "races' Wikipedia articles (weather).\n\n", e);
}

static int card_metrics(buf *out, const cJSON *metrics, err *e)
{
    if (buf_printf(out, e, "## Metrics against baselines (test season %.0f)\n\n",
                   jsonfile_num(metrics, "test_season", 0)) != 0 ||
        metrics_md_baselines(out, metrics, e) != 0)
        return -1;
    if (cJSON_IsObject(jsonfile_get(metrics, "baseline")) &&
        (buf_puts(out, "\n## Against the baseline model\n\n", e) != 0 ||
         metrics_md_compare(out, metrics, metrics_md_cell, e) != 0))
        return -1;
    if (!cJSON_IsArray(jsonfile_get(metrics, "backtest.seasons")))
        return buf_puts(out, "\n", e);
    if (buf_puts(out, "\n## Backtest\n\nEach season was predicted by a model trained only on "
                      "the seasons before it.\n\n", e) != 0 ||
        metrics_md_backtest(out, metrics, e) != 0)
        return -1;
    return buf_puts(out, "\n", e);
}

/* The conditional logit's coefficients as metrics.json lists them (by
 * |beta|, largest first). */
static int card_coefficients(buf *out, const cJSON *metrics, err *e)
{
    const cJSON *list = jsonfile_get(metrics, "coefficients");
    if (!cJSON_IsArray(list))
        return 0;
    if (buf_puts(out, "## Coefficients\n\nPer standardised feature (z-score with the training "
                      "mean and SD), largest |β| first: a score rises by β for each SD of the "
                      "feature.\n\n| feature | β |\n|---|---:|\n", e) != 0)
        return -1;
    const cJSON *c;
    cJSON_ArrayForEach(c, list)
    {
        if (buf_puts(out, "| ", e) != 0 || metrics_md_cell(out, jsonfile_str(c, "feature", "?"), e) != 0 ||
            buf_printf(out, e, " | %+.4f |\n", jsonfile_num(c, "beta", NAN)) != 0)
            return -1;
    }
    return buf_puts(out, "\n", e);
}

/* Parameters are listed as metrics.json records them, whatever their keys,
 * so a parameter added later shows up without touching this file. */
static int card_parameters(buf *out, const cJSON *metrics, err *e)
{
    if (buf_puts(out, "## Parameters\n\n| parameter | value |\n|---|---|\n", e) != 0)
        return -1;
    const cJSON *p;
    cJSON_ArrayForEach(p, jsonfile_get(metrics, "parameters"))
    {
        if (buf_puts(out, "| ", e) != 0 || metrics_md_cell(out, p->string ? p->string : "", e) != 0 ||
            buf_puts(out, " | ", e) != 0)
            return -1;
        int rc;
        if (cJSON_IsString(p))
            rc = metrics_md_cell(out, p->valuestring, e);
        else if (cJSON_IsNumber(p))
            rc = buf_printf(out, e, "%g", p->valuedouble);
        else if (cJSON_IsBool(p))
            rc = buf_puts(out, cJSON_IsTrue(p) ? "true" : "false", e);
        else
            rc = buf_puts(out, "–", e);
        if (rc != 0 || buf_puts(out, " |\n", e) != 0)
            return -1;
    }
    if (is_clogit(metrics))
        return buf_puts(out, "\nThe fit is deterministic: the same data and l2 give the same "
                             "coefficients to the last bit, on any number of threads; the seed "
                             "only breaks ties between equal scores.\n\n", e);
    return buf_puts(out, "\nThe same parameters and seed give a bit-identical model: every tree "
                         "draws from its own random stream derived from the seed.\n\n", e);
}

static int card_limits(buf *out, err *e)
{
    return buf_puts(
        out,
        "## Known limits\n\n"
        "- Weather comes from the Wikipedia infobox of each race (or its Italian article); where "
        "there is none, or fetching failed, the race's weather is unknown (all weather features "
        "0), never guessed.\n"
        "- Features use only races before the one predicted, so a driver's or team's first races "
        "carry little history and newcomers score low.\n"
        "- The model knows nothing of the race weekend beyond the grid, qualifying times (v2 "
        "features) and the weather (spec features): no practice pace, upgrades, grid penalties "
        "applied later, or in-race events.\n"
        "- Older seasons follow other rules and points systems; the model weighs them like recent "
        "ones.\n"
        "- Precision is measured on one season (or the backtest seasons): a few races, so it moves "
        "by several points between seasons.\n"
        "- A shared car can give a race two winners (1950s); either counts as a hit.\n\n"
        "## Files\n\n"
        "- `model.json`: the learner (trees, or the conditional logit's standardisation and "
        "coefficients), feature list, parameters and training seasons.\n"
        "- `metrics.json`: the metrics, baselines, per-race results and data counts.\n"
        "- `predictions.csv`: every entry's score, rank and win probability in each test race.\n"
        "- `manifest.json`: tool version, run inputs, data counts and the SHA-256 of every other "
        "file.\n",
        e);
}

int model_card_render(buf *out, const cJSON *metrics, err *e)
{
    if (card_intro(out, metrics, e) != 0 || card_data(out, metrics, e) != 0 ||
        card_metrics(out, metrics, e) != 0 || card_coefficients(out, metrics, e) != 0 ||
        card_parameters(out, metrics, e) != 0 ||
        card_limits(out, e) != 0)
        return err_wrap(e, "rendering MODEL_CARD.md");
    return 0;
}
