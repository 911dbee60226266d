#include "report/summary.h"

#include <stdlib.h>

#include <math.h>
#include <stdio.h>

#include "core/jsonfile.h"
#include "core/mdesc.h"
#include "report/filecmd.h"
#include "pack/metrics_md.h"
#include "stages/registry.h"

/* Room kept for the note that says the per-race table was cut. */
#define SUMMARY_NOTE_RESERVE 512

static int summary_stages(buf *b, const summary_run *r, err *e)
{
    if (buf_puts(b, "**Stages run in this step:** ", e) != 0)
        return -1;
    int any = 0;
    for (int i = 0; i < STAGE_COUNT; i++) {
        if (!(r->stages & (1u << i)))
            continue;
        if (buf_printf(b, e, "%s%s", any ? ", " : "", stage_defs[i].name) != 0)
            return -1;
        /* A selected stage with no time never started: an earlier one failed. */
        int reached = r->seconds == NULL || r->seconds[i] > 0.0;
        if (r->seconds != NULL &&
            (reached ? buf_printf(b, e, " (%.2f s)", r->seconds[i]) : buf_puts(b, " (not reached)", e)) != 0)
            return -1;
        any = 1;
    }
    return buf_puts(b, any ? "\n\n" : "none\n\n", e);
}

static int summary_artifact(buf *b, const summary_run *r, err *e)
{
    /* upload.json and the path come from data-dir: inert text (mdesc.h) */
    if (r->upload != NULL)
        return buf_puts(b, "**Artifact:** ", e) != 0 ||
                       mdesc_link(b, jsonfile_str(r->upload, "name", "artifact"),
                                  jsonfile_str(r->upload, "artifact_url", ""), e) != 0 ||
                       buf_puts(b, " (id ", e) != 0 ||
                       mdesc_text(b, jsonfile_str(r->upload, "artifact_id", ""), e) != 0 ||
                       buf_puts(b, ", sha256 ", e) != 0 ||
                       mdesc_text(b, jsonfile_str(r->upload, "artifact_digest", ""), e) != 0
                   ? -1
                   : buf_puts(b, ")\n\n", e);
    if (r->zip_path != NULL)
        return buf_puts(b, "**Package:** ", e) != 0 || mdesc_text(b, r->zip_path, e) != 0
                   ? -1
                   : buf_puts(b, " (not uploaded)\n\n", e);
    return 0;
}

static int summary_head(buf *b, const summary_run *r, err *e)
{
    if (buf_puts(b, "# f1-mlops: F1 race-winner model\n\n", e) != 0)
        return -1;
    if (!r->ok && buf_puts(b, "> [!CAUTION]\n> **The run failed.** The error annotation in the step "
                              "log says why; what completed is shown below.\n\n", e) != 0)
        return -1;
    if (summary_stages(b, r, e) != 0)
        return -1;
    if (r->metrics == NULL)
        return buf_puts(b, "No metrics yet: the evaluate stage has not run with this data-dir.\n\n", e);
    if (!(r->stages & STAGE_EVALUATE) &&
        buf_puts(b, "The metrics below are from `metrics.json`, written by an earlier step or job "
                    "with this data-dir.\n\n", e) != 0)
        return -1;
    if (buf_printf(b, e, "## Model vs baselines (test season %.0f)\n\n",
                   jsonfile_num(r->metrics, "test_season", 0)) != 0 ||
        metrics_md_baselines(b, r->metrics, e) != 0 || buf_puts(b, "\n", e) != 0)
        return -1;
    if (cJSON_IsObject(jsonfile_get(r->metrics, "baseline")) &&
        (buf_puts(b, "## Model vs the baseline model\n\n", e) != 0 ||
         metrics_md_compare(b, r->metrics, metrics_md_cell, e) != 0 || buf_puts(b, "\n", e) != 0))
        return -1;
    return summary_artifact(b, r, e);
}

static int summary_race_row(buf *row, const cJSON *race, err *e)
{
    const char *dash = "–";
    double score = jsonfile_num(race, "predicted_score", NAN);
    if (buf_printf(row, e, "| %.0f | %.0f | ", jsonfile_num(race, "season", 0),
                   jsonfile_num(race, "round", 0)) != 0 ||
        metrics_md_cell(row, jsonfile_str(race, "race_name", dash), e) != 0 ||
        buf_puts(row, " | ", e) != 0 ||
        metrics_md_cell(row, jsonfile_str(race, "predicted", dash), e) != 0)
        return -1;
    if (isnan(score) ? buf_printf(row, e, " | %s | ", dash) : buf_printf(row, e, " | %.3f | ", score))
        return -1;
    const cJSON *w;
    int first = 1;
    cJSON_ArrayForEach(w, jsonfile_get(race, "actual"))
    {
        if (!cJSON_IsString(w))
            continue;
        if ((!first && buf_puts(row, ", ", e) != 0) || metrics_md_cell(row, w->valuestring, e) != 0)
            return -1;
        first = 0;
    }
    const char *hit = cJSON_IsTrue(jsonfile_get(race, "hit")) ? "✅" : "❌";
    return buf_printf(row, e, "%s | %s |\n", first ? dash : "", hit);
}

/* Appends the per-race table while out->len stays within limit, then a
 * note when rows had to be left out. */
static int summary_races(buf *out, const cJSON *metrics, size_t limit, err *e)
{
    const cJSON *races = jsonfile_get(metrics, "races");
    int total = cJSON_GetArraySize(races);
    if (!cJSON_IsArray(races) || total == 0)
        return 0;
    if (buf_puts(out, "## Predicted vs actual winners\n\n"
                      "| season | round | race | predicted | score | actual | hit |\n"
                      "|---:|---:|---|---|---:|---|:---:|\n", e) != 0)
        return -1;
    buf row;
    buf_init(&row, 0);
    int shown = 0, rc = 0;
    const cJSON *race;
    cJSON_ArrayForEach(race, races)
    {
        buf_reset(&row);
        rc = summary_race_row(&row, race, e);
        if (rc != 0 || out->len + row.len > limit)
            break;
        rc = buf_append(out, row.data, row.len, e);
        if (rc != 0)
            break;
        shown++;
    }
    buf_release(&row);
    if (rc != 0)
        return -1;
    if (shown < total)
        return buf_printf(out, e, "\n*Table cut after %d of %d races to keep the job summary under "
                                  "1 MiB; `metrics.json` and `predictions.csv` in the package hold "
                                  "every race.*\n\n", shown, total);
    return buf_puts(out, "\n", e);
}

static int summary_series(buf *b, const cJSON *seasons, const char *kind, const char *path, err *e)
{
    if (buf_printf(b, e, "    %s [", kind) != 0)
        return -1;
    const cJSON *s;
    int i = 0;
    cJSON_ArrayForEach(s, seasons)
    {
        double v = jsonfile_num(s, path, NAN);
        if (buf_printf(b, e, "%s%.3f", i++ ? ", " : "", isnan(v) ? 0.0 : v) != 0)
            return -1;
    }
    return buf_puts(b, "]\n", e);
}

static int summary_backtest(buf *b, const cJSON *metrics, err *e)
{
    const cJSON *seasons = jsonfile_get(metrics, "backtest.seasons");
    if (!cJSON_IsArray(seasons) || cJSON_GetArraySize(seasons) == 0)
        return 0;
    if (buf_puts(b, "## Backtest\n\nEach season predicted by a model trained on the seasons before "
                    "it. Bars: model precision; line: pole baseline.\n\n```mermaid\nxychart-beta\n"
                    "    title \"Precision per test season\"\n    x-axis [", e) != 0)
        return -1;
    const cJSON *s;
    int i = 0;
    cJSON_ArrayForEach(s, seasons)
    {
        if (buf_printf(b, e, "%s\"%.0f\"", i++ ? ", " : "", jsonfile_num(s, "season", 0)) != 0)
            return -1;
    }
    if (buf_puts(b, "]\n    y-axis \"precision\" 0 --> 1\n", e) != 0 ||
        summary_series(b, seasons, "bar", "model.precision", e) != 0 ||
        summary_series(b, seasons, "line", "pole.precision", e) != 0 ||
        buf_puts(b, "```\n\n", e) != 0 || metrics_md_backtest(b, metrics, e) != 0)
        return -1;
    return buf_puts(b, "\n", e);
}

static int summary_coverage(buf *b, const summary_run *r, err *e)
{
    /* evaluate copies coverage.json into metrics.json when it has one. */
    const cJSON *cov = jsonfile_get(r->metrics, "data.coverage");
    if (!cJSON_IsObject(cov))
        cov = cJSON_IsObject(r->coverage) ? r->coverage : NULL;
    if (buf_puts(b, "## Data coverage\n\n", e) != 0)
        return -1;
    if (cov == NULL)
        return buf_puts(b, "No coverage yet: the prepare stage has not run with this data-dir.\n", e);
    if (buf_printf(b, e,
                   "| seasons | races | rows | weather found | weather missing | weather fetch errors "
                   "| no weather record |\n|---|---:|---:|---:|---:|---:|---:|\n"
                   "| %.0f–%.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |\n\n",
                   jsonfile_num(cov, "seasons.0", 0), jsonfile_num(cov, "seasons.1", 0),
                   jsonfile_num(cov, "races", 0), jsonfile_num(cov, "rows", 0),
                   jsonfile_num(cov, "weather.found", 0), jsonfile_num(cov, "weather.missing", 0),
                   jsonfile_num(cov, "weather.error", 0), jsonfile_num(cov, "weather.none", 0)) != 0)
        return -1;
    if (r->metrics == NULL)
        return 0;
    if (buf_puts(b, "Model data: ", e) != 0 || metrics_md_span(b, r->metrics, e) != 0)
        return -1;
    return buf_printf(b, e, "; %.0f features.\n", jsonfile_num(r->metrics, "data.features", 0));
}

int summary_render(buf *out, const summary_run *r, err *e)
{
    size_t earlier = r->sections != NULL ? r->sections->len : 0;
    size_t room = earlier < SUMMARY_MAX ? SUMMARY_MAX - earlier : 0;
    if (earlier > 0 && buf_append(out, r->sections->data, earlier, e) != 0)
        return -1;
    buf head, tail;
    buf_init(&head, SUMMARY_MAX);
    buf_init(&tail, SUMMARY_MAX);
    int rc = -1;
    if (summary_head(&head, r, e) != 0 || summary_backtest(&tail, r->metrics, e) != 0 ||
        summary_coverage(&tail, r, e) != 0)
        goto out;
    if (head.len + tail.len + SUMMARY_NOTE_RESERVE > room) {
        err_set(e, "the job summary would exceed %zu bytes even without the per-race table",
                room);
        goto out;
    }
    size_t limit = earlier + room - tail.len - SUMMARY_NOTE_RESERVE;
    if (buf_append(out, head.data, head.len, e) != 0 ||
        (r->metrics != NULL && summary_races(out, r->metrics, limit, e) != 0) ||
        buf_append(out, tail.data, tail.len, e) != 0)
        goto out;
    rc = 0;
out:
    buf_release(&head);
    buf_release(&tail);
    return rc;
}

int summary_append(const buf *md, err *e)
{
    return filecmd_append("GITHUB_STEP_SUMMARY", md->data ? md->data : "", md->len, e);
}
