#include "pack/pr_comment.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/jsonfile.h"
#include "core/markdown.h"
#include "pack/metrics_md.h"

/* Seasons charted at most (xychart-beta gets unreadable well before). */
#define CHART_MAX 100

typedef struct {
    int n;
    double season[CHART_MAX], model[CHART_MAX], baseline[CHART_MAX], pole[CHART_MAX];
    int with_baseline;
} chart;

/* The per-season points: the comparison's seasons where the baseline was
 * scored, else the backtest's seasons, else the test season alone. */
static void chart_points(const cJSON *metrics, chart *c)
{
    memset(c, 0, sizeof *c);
    const cJSON *s;
    cJSON_ArrayForEach(s, jsonfile_get(metrics, "baseline.seasons"))
    {
        if (c->n == CHART_MAX || !cJSON_IsObject(jsonfile_get(s, "baseline")))
            continue;
        c->season[c->n] = jsonfile_num(s, "season", NAN);
        c->model[c->n] = jsonfile_num(s, "model.precision", NAN);
        c->baseline[c->n] = jsonfile_num(s, "baseline.precision", NAN);
        c->pole[c->n++] = jsonfile_num(s, "pole_precision", NAN);
    }
    if (c->n > 0) {
        c->with_baseline = 1;
        return;
    }
    cJSON_ArrayForEach(s, jsonfile_get(metrics, "backtest.seasons"))
    {
        if (c->n == CHART_MAX)
            break;
        c->season[c->n] = jsonfile_num(s, "season", NAN);
        c->model[c->n] = jsonfile_num(s, "model.precision", NAN);
        c->pole[c->n++] = jsonfile_num(s, "pole.precision", NAN);
    }
    if (c->n > 0)
        return;
    c->season[0] = jsonfile_num(metrics, "test_season", NAN);
    c->model[0] = jsonfile_num(metrics, "model.precision", NAN);
    c->pole[0] = jsonfile_num(metrics, "baselines.pole.precision", NAN);
    c->n = 1;
}

/* A number for the chart: in [0, 1], 0 when missing. */
static double unit(double v)
{
    return isnan(v) || v < 0 ? 0 : v > 1 ? 1 : v;
}

static int series(buf *out, const char *kind, const double *v, int n, err *e)
{
    if (buf_printf(out, e, "    %s [", kind) != 0)
        return -1;
    for (int i = 0; i < n; i++)
        if (buf_printf(out, e, "%s%.3f", i ? ", " : "", unit(v[i])) != 0)
            return -1;
    return buf_puts(out, "]\n", e);
}

static int render_chart(buf *out, const cJSON *metrics, err *e)
{
    chart c;
    chart_points(metrics, &c);
    if (buf_printf(out, e, "Precision per season. Bars: the model; lines: %spole baseline.\n\n"
                           "```mermaid\nxychart-beta\n    title \"Precision per season\"\n    x-axis [",
                   c.with_baseline ? "the baseline model (first), the " : "the ") != 0)
        return -1;
    for (int i = 0; i < c.n; i++)
        if (buf_printf(out, e, "%s\"%.0f\"", i ? ", " : "", isnan(c.season[i]) ? 0.0 : c.season[i]) != 0)
            return -1;
    if (buf_puts(out, "]\n    y-axis \"precision\" 0 --> 1\n", e) != 0 || series(out, "bar", c.model, c.n, e) != 0 ||
        (c.with_baseline && series(out, "line", c.baseline, c.n, e) != 0) ||
        series(out, "line", c.pole, c.n, e) != 0)
        return -1;
    return buf_puts(out, "```\n\n", e);
}

static int render_parameters(buf *out, const cJSON *metrics, err *e)
{
    if (buf_puts(out, "<details><summary>Parameters</summary>\n\n| parameter | value |\n|---|---|\n", e) != 0)
        return -1;
    const cJSON *p;
    cJSON_ArrayForEach(p, jsonfile_get(metrics, "parameters"))
    {
        char v[64] = "–";
        if (cJSON_IsBool(p))
            snprintf(v, sizeof v, "%s", cJSON_IsTrue(p) ? "true" : "false");
        else if (cJSON_IsNumber(p))
            snprintf(v, sizeof v, "%g", p->valuedouble);
        if (buf_puts(out, "| ", e) != 0 || markdown_text(out, p->string ? p->string : "", e) != 0 ||
            buf_puts(out, " | ", e) != 0 || markdown_text(out, cJSON_IsString(p) ? p->valuestring : v, e) != 0 ||
            buf_puts(out, " |\n", e) != 0)
            return -1;
    }
    return buf_puts(out, "\n</details>\n\n", e);
}

/* 1 for a URL that can stand inside a Markdown link as is. */
static int plain_url(const char *u)
{
    if (u == NULL || (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0))
        return 0;
    for (const unsigned char *p = (const unsigned char *)u; *p; p++)
        if (*p <= 0x20 || *p >= 0x7F || strchr("()<>[]`\"'\\", *p) != NULL)
            return 0;
    return 1;
}

static int render_links(buf *out, const pr_comment_in *in, err *e)
{
    int any = 0;
    if (plain_url(in->run_url)) {
        if (buf_printf(out, e, "[Workflow run](%s)", in->run_url) != 0)
            return -1;
        any = 1;
    }
    if (plain_url(in->artifact_url)) {
        if (buf_printf(out, e, "%s[Artifact ", any ? " · " : "") != 0 ||
            markdown_text(out, in->artifact_name, e) != 0 || buf_printf(out, e, "](%s)", in->artifact_url) != 0)
            return -1;
        any = 1;
    } else if (buf_printf(out, e, "%sArtifact not uploaded by this step.", any ? " · " : "") != 0) {
        return -1;
    }
    return buf_puts(out, "\n", e);
}

int pr_comment_render(buf *out, const pr_comment_in *in, err *e)
{
    const cJSON *m = in->metrics;
    if (buf_printf(out, e, "%s\n## F1 race-winner model: ", in->marker) != 0 ||
        markdown_text(out, in->artifact_name, e) != 0 ||
        buf_printf(out, e, "\n\n### Test season %.0f: model vs pole and leader\n\n", jsonfile_num(m, "test_season", 0)) != 0 ||
        metrics_md_baselines(out, m, e) != 0 || buf_puts(out, "\n", e) != 0)
        return -1;
    if (cJSON_IsObject(jsonfile_get(m, "baseline")) &&
        (buf_puts(out, "### Against the baseline model\n\n", e) != 0 ||
         metrics_md_compare(out, m, markdown_text, e) != 0 || buf_puts(out, "\n", e) != 0))
        return -1;
    if (render_chart(out, m, e) != 0 || render_parameters(out, m, e) != 0)
        return -1;
    return render_links(out, in, e);
}
