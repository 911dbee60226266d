/* pr_comment and metrics_md_compare: the pull-request report rendered
 * from metrics.json with a baseline block: marker first, the comparison
 * per season with the differences (expected precision, log-loss, Brier;
 * hand-worked below), the chart's series, the parameters,
 * links only for plain URLs, and hostile strings (artifact names from the
 * API, parameter values) unable to break the Markdown or inject HTML. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/jsonfile.h"
#include "core/markdown.h"
#include "pack/metrics_md.h"
#include "pack/pr_comment.h"

static const char *const METRICS =
    "{\"test_season\": 2021,"
    " \"model\": {\"precision\": 0.5, \"expected_precision\": 0.5, \"top3_hit_rate\": 0.8, \"races\": 20, \"hits\": 10,"
    "            \"log_loss\": 0.9, \"brier\": 0.6},"
    " \"baselines\": {\"pole\": {\"precision\": 0.4, \"races\": 20, \"hits\": 8},"
    "                 \"leader\": {\"precision\": 0.3, \"races\": 20, \"hits\": 6}},"
    " \"parameters\": {\"n-estimators\": 30, \"max-samples\": \"0.3|<b>\", \"bootstrap\": true},"
    " \"baseline\": {\"source\": \"artifact:f1-model\","
    "   \"artifact\": {\"name\": \"f1|<img src=x>\", \"id\": 11, \"run_id\": 7011, \"head_branch\": \"main\","
    "                  \"head_sha\": \"abc\", \"created_at\": \"2024-06-01T00:00:00Z\"},"
    "   \"train_seasons\": [2014, 2019],"
    "   \"model\": {\"precision\": 0.45, \"expected_precision\": 0.4, \"races\": 20, \"hits\": 9,"
    "              \"log_loss\": 1.1, \"brier\": 0.7},"
    "   \"precision_delta\": 0.1, \"log_loss_delta\": -0.2, \"brier_delta\": -0.1, \"improved\": true,"
    "   \"seasons\": [{\"season\": 2019, \"model\": {\"precision\": 0.6, \"expected_precision\": 0.6, \"races\": 21,"
    "                                           \"log_loss\": 0.8, \"brier\": 0.5},"
    "                  \"baseline\": null, \"pole_precision\": 0.35, \"leader_precision\": 0.3,"
    "                  \"expected_precision_delta\": null, \"log_loss_delta\": null, \"brier_delta\": null},"
    "                 {\"season\": 2020, \"model\": {\"precision\": 0.25, \"expected_precision\": 0.25, \"races\": 17,"
    "                                           \"log_loss\": 1.4, \"brier\": 0.8},"
    "                  \"baseline\": {\"precision\": 0.3, \"expected_precision\": 0.3, \"races\": 17,"
    "                               \"log_loss\": 1.25, \"brier\": 0.75},"
    "                  \"pole_precision\": 0.55, \"leader_precision\": 0.5, \"expected_precision_delta\": -0.05,"
    "                  \"log_loss_delta\": 0.15, \"brier_delta\": 0.05},"
    "                 {\"season\": 2021, \"model\": {\"precision\": 0.5, \"expected_precision\": 0.5, \"races\": 20,"
    "                                           \"log_loss\": 0.9, \"brier\": 0.6},"
    "                  \"baseline\": {\"precision\": 0.45, \"expected_precision\": 0.4, \"races\": 20,"
    "                               \"log_loss\": 1.1, \"brier\": 0.7},"
    "                  \"pole_precision\": 0.4, \"leader_precision\": 0.3, \"expected_precision_delta\": 0.1,"
    "                  \"log_loss_delta\": -0.2, \"brier_delta\": -0.1}]}}";

static char *render(const cJSON *m, const char *name, const char *artifact_url, const char *run_url)
{
    buf b;
    buf_init(&b, 0);
    err e;
    pr_comment_in in = {.marker = "<!-- f1-mlops:report:x -->",
                        .artifact_name = name,
                        .metrics = m,
                        .artifact_url = artifact_url,
                        .run_url = run_url};
    if (pr_comment_render(&b, &in, &e) != 0) {
        buf_release(&b);
        return NULL;
    }
    return buf_detach(&b);
}

static void test_comparison(void)
{
    err e;
    cJSON *m = jsonfile_parse(METRICS, strlen(METRICS), "metrics", &e);
    CHECK(m != NULL);
    char *out = render(m, "f1-model", "https://github.com/o/r/actions/runs/5/artifacts/9",
                       "https://github.com/o/r/actions/runs/5");
    CHECK(out != NULL);
    if (out == NULL) {
        cJSON_Delete(m);
        return;
    }
    CHECK(strncmp(out, "<!-- f1-mlops:report:x -->\n", 27) == 0);
    CHECK(strstr(out, "**Improved** on test season 2021: expected precision 0.500 against the baseline's "
                      "0.400 (+0.100); log-loss 0.900 against 1.100 (-0.200), Brier 0.600 against "
                      "0.700 (-0.100).") != NULL);
    CHECK(strstr(out, "| season | races | model precision | baseline precision | model expected | "
                      "baseline expected | Δ expected | model log-loss | baseline log-loss | Δ log-loss | "
                      "model Brier | baseline Brier | Δ Brier | pole precision | leader precision |\n"
                      "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n") != NULL);
    /* A season the baseline was trained on: dashes; the others: the
     * differences, model minus baseline. */
    CHECK(strstr(out, "| 2019 | 21 | 0.600 | – | 0.600 | – | – | 0.800 | – | – | 0.500 | – | – | 0.350 | "
                      "0.300 |\n") != NULL);
    CHECK(strstr(out, "| 2020 | 17 | 0.250 | 0.300 | 0.250 | 0.300 | -0.050 | 1.400 | 1.250 | +0.150 | "
                      "0.800 | 0.750 | +0.050 | 0.550 | 0.500 |\n") != NULL);
    CHECK(strstr(out, "| 2021 | 20 | 0.500 | 0.450 | 0.500 | 0.400 | +0.100 | 0.900 | 1.100 | -0.200 | "
                      "0.600 | 0.700 | -0.100 | 0.400 | 0.300 |\n") != NULL);
    /* The chart: the seasons the baseline was scored on. */
    CHECK(strstr(out, "    x-axis [\"2020\", \"2021\"]\n    y-axis \"precision\" 0 --> 1\n"
                      "    bar [0.250, 0.500]\n    line [0.300, 0.450]\n    line [0.550, 0.400]\n") != NULL);
    /* Hostile strings stay text. */
    CHECK(strstr(out, "<img") == NULL && strstr(out, "<b>") == NULL);
    CHECK(strstr(out, "artifact f1&#124;&#60;img src&#61;x&#62; (id 11, run 7011 on main") != NULL);
    CHECK(strstr(out, "| max&#45;samples | 0&#46;3&#124;&#60;b&#62; |") != NULL);
    CHECK(strstr(out, "[Workflow run](https://github.com/o/r/actions/runs/5) · [Artifact f1&#45;model]"
                      "(https://github.com/o/r/actions/runs/5/artifacts/9)") != NULL);
    free(out);

    /* A URL that could end the link is left out, not linked. */
    out = render(m, "f1-model", "https://x/a)[b](javascript:alert(1)", "");
    CHECK(out != NULL && strstr(out, "javascript") == NULL && strstr(out, "Artifact not uploaded") != NULL);
    CHECK(out != NULL && strstr(out, "[Workflow run]") == NULL);
    free(out);

    /* The summary's rendering (metrics_md_cell) shows the same rows. */
    buf b;
    buf_init(&b, 0);
    CHECK_INT(metrics_md_compare(&b, m, metrics_md_cell, &e), 0);
    CHECK(b.data != NULL && strstr(b.data, "| 2020 | 17 | 0.250 | 0.300 | 0.250 | 0.300 | -0.050 | 1.400 | "
                                           "1.250 | +0.150 | 0.800 | 0.750 | +0.050 |") != NULL);
    CHECK(b.data != NULL && strstr(b.data, "f1\\|\\<img src\\=x\\>") != NULL); /* inert (core/mdesc) */
    buf_release(&b);
    cJSON_Delete(m);
}

static void test_without_baseline(void)
{
    const char *text = "{\"test_season\": 2021, \"model\": {\"precision\": 0.5}, "
                       "\"baselines\": {\"pole\": {\"precision\": 0.4}}, "
                       "\"baseline\": {\"source\": \"artifact:f1-model\", \"skipped\": \"no <artifact> yet\"}}";
    err e;
    cJSON *m = jsonfile_parse(text, strlen(text), "metrics", &e);
    char *out = render(m, "f1-model", NULL, NULL);
    CHECK(out != NULL && strstr(out, "No baseline to compare with: no &#60;artifact&#62; yet") != NULL);
    /* The chart falls back to the test season: model and pole. */
    CHECK(out != NULL && strstr(out, "x-axis [\"2021\"]\n    y-axis \"precision\" 0 --> 1\n    bar [0.500]\n"
                                     "    line [0.400]\n```") != NULL);
    /* Capped under GitHub's limit with the marker kept. */
    buf big;
    buf_init(&big, 0);
    buf_puts(&big, out ? out : "", &e);
    for (int i = 0; i < 20000; i++)
        buf_puts(&big, "| row |\n", &e);
    CHECK_INT(markdown_cap(&big, MARKDOWN_COMMENT_MAX, &e), 0);
    CHECK(big.len <= MARKDOWN_COMMENT_MAX && strncmp(big.data, "<!-- f1-mlops:report:x -->", 26) == 0);
    buf_release(&big);
    free(out);
    cJSON_Delete(m);
}

int main(void)
{
    test_comparison();
    test_without_baseline();
    return check_done();
}
