/* report: the step outputs of docs/pipeline.md §7 and the summary, from what the stages
 * left in data-dir; an upload record of another zip is not reported. */
#include <openssl/evp.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "metrics_fixture.h"

#include "config/config.h"
#include "core/log.h"
#include "report/report.h"
#include "stages/registry.h"

static char dir[64];
static char out_path[128], sum_path[128];
static config cfg;

/* The value of the last `name=value` line for name (all of report's
 * values are single-line); "<unset>" when there is none. */
static const char *output(const char *text, const char *name, char *val, size_t n)
{
    snprintf(val, n, "<unset>");
    size_t k = strlen(name);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (strncmp(p, name, k) != 0 || p[k] != '=')
            continue;
        const char *v = p + k + 1;
        size_t len = strchr(v, '\n') ? (size_t)(strchr(v, '\n') - v) : strlen(v);
        snprintf(val, n, "%.*s", (int)len, v);
    }
    return val;
}

/* Runs report_write into fresh output and summary files; returns the
 * outputs text, *summary the summary (both to free). */
static char *run_report(int ok, char **summary)
{
    remove(out_path);
    remove(sum_path);
    stage_ctx ctx = {.cfg = &cfg};
    err e;
    err_clear(&e);
    CHECK_MSG(stage_select(&cfg, &ctx.selected, &e) == 0, "stage_select: %s", e.msg);
    ctx.seconds[STAGE_IDX_EVALUATE] = 0.5;
    /* what a stage hands to the report: an output and a summary section */
    buf section;
    buf_init(&section, 0);
    CHECK_INT(buf_puts(&section, "## A stage's section\n\n", &e), 0);
    CHECK_INT(stage_summary_add(&ctx, &section, &e), 0);
    CHECK_INT(stage_output_set(&ctx, "predicted-winner", "first", &e), 0);
    CHECK_INT(stage_output_set(&ctx, "predicted-winner", "norris", &e), 0); /* replaced */
    buf_release(&section);
    CHECK_MSG(report_write(&ctx, ok, &e) == 0, "report_write: %s", e.msg);
    stage_ctx_release(&ctx);
    *summary = fixture_read(sum_path, NULL);
    char *text = fixture_read(out_path, NULL);
    CHECK(text != NULL && *summary != NULL);
    /* written once: the stage's section heads the summary, the stage's
     * output comes first, once, with its last value; stages in run order */
    CHECK(*summary && strncmp(*summary, "## A stage's section\n\n# f1-mlops", 32) == 0);
    CHECK(*summary && strstr(*summary, "evaluate (0.50 s), package (not reached)") != NULL);
    CHECK(text && strncmp(text, "predicted-winner=norris\n", 24) == 0 && strstr(text + 1, "predicted-winner=") == NULL);
    return text ? text : calloc(1, 1);
}

static void zip_digest(char out[65])
{
    char path[256];
    size_t len = 0;
    snprintf(path, sizeof path, "%s/f1-model.zip", dir);
    char *data = fixture_read(path, &len);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
    for (unsigned i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    free(data);
}

static void test_metrics_outputs(void)
{
    char v[4200], want[4200];
    char *sum = NULL;
    char *text = run_report(1, &sum);
    CHECK_STR(output(text, "precision", v, sizeof v), "0.65");
    CHECK_STR(output(text, "expected-precision", v, sizeof v), "0.62");
    CHECK_STR(output(text, "hits", v, sizeof v), "15");
    CHECK_STR(output(text, "races", v, sizeof v), "24");
    CHECK_STR(output(text, "pole-precision", v, sizeof v), "0.5");
    CHECK_STR(output(text, "leader-precision", v, sizeof v), "0.4");
    snprintf(want, sizeof want, "%s/model.json", dir);
    CHECK_STR(output(text, "model-path", v, sizeof v), want);
    snprintf(want, sizeof want, "%s/metrics.json", dir);
    CHECK_STR(output(text, "metrics-path", v, sizeof v), want);
    /* No zip, no upload: set, but empty. */
    CHECK_STR(output(text, "zip-path", v, sizeof v), "");
    CHECK_STR(output(text, "artifact-id", v, sizeof v), "");
    CHECK_STR(output(text, "artifact-url", v, sizeof v), "");
    CHECK_STR(output(text, "artifact-digest", v, sizeof v), "");
    CHECK(sum && strstr(sum, "## Model vs baselines (test season 2024)") != NULL);
    CHECK(sum && strstr(sum, "The run failed") == NULL);
    free(text);
    free(sum);
    text = run_report(0, &sum);
    CHECK(sum && strstr(sum, "The run failed") != NULL);
    free(text);
    free(sum);
}

static void test_upload_outputs(void)
{
    stage_ctx ctx = {.cfg = &cfg};
    err e;
    err_clear(&e);
    CHECK_MSG(stage_package(&ctx, &e) == 0, "stage_package: %s", e.msg);
    char digest[65] = "", json[512], v[4200], want[4200];
    zip_digest(digest);
    snprintf(json, sizeof json, "{\"artifact_id\": \"4242\", \"artifact_url\": \"https://github.com/o/r/"
             "actions/runs/1/artifacts/4242\", \"artifact_digest\": \"%s\", \"name\": \"f1-model\", \"size\": 1}",
             digest);
    CHECK_INT(fixture_write(dir, "upload.json", json), 0);
    char *sum = NULL;
    char *text = run_report(1, &sum);
    snprintf(want, sizeof want, "%s/f1-model.zip", dir);
    CHECK_STR(output(text, "zip-path", v, sizeof v), want);
    CHECK_STR(output(text, "artifact-id", v, sizeof v), "4242");
    CHECK_STR(output(text, "artifact-url", v, sizeof v), "https://github.com/o/r/actions/runs/1/artifacts/4242");
    CHECK_STR(output(text, "artifact-digest", v, sizeof v), digest);
    CHECK(sum && strstr(sum, "(id 4242, sha256 ") != NULL && strstr(sum, digest) != NULL);
    free(text);
    free(sum);
    /* A record whose digest is not this zip's belongs to another zip. */
    digest[0] = digest[0] == '0' ? '1' : '0';
    snprintf(json, sizeof json, "{\"artifact_id\": \"4242\", \"artifact_digest\": \"%s\"}", digest);
    CHECK_INT(fixture_write(dir, "upload.json", json), 0);
    text = run_report(1, &sum);
    CHECK_STR(output(text, "artifact-id", v, sizeof v), "");
    CHECK_STR(output(text, "artifact-digest", v, sizeof v), "");
    CHECK(sum && strstr(sum, "(not uploaded)") != NULL);
    free(text);
    free(sum);
}

static void test_without_metrics(void)
{
    char path[256], v[256];
    snprintf(path, sizeof path, "%s/metrics.json", dir);
    CHECK_INT(fixture_write(dir, "metrics.json", "{\"model\": {\"precision\": 0.9"), 0);
    CHECK_INT(fixture_write(dir, "coverage.json", "{\"seasons\": [1990, 1991], \"races\": 32, \"rows\": 800,"
                                                 " \"weather\": {\"found\": 30, \"missing\": 2}}"), 0);
    char *sum = NULL;
    char *text = run_report(1, &sum);
    /* A torn metrics.json is skipped (with a warning), not reported. */
    CHECK_STR(output(text, "precision", v, sizeof v), "");
    CHECK_STR(output(text, "hits", v, sizeof v), "");
    CHECK(sum && strstr(sum, "No metrics yet") != NULL);
    CHECK(sum && strstr(sum, "| 1990–1991 | 32 | 800 | 30 | 2 |") != NULL);
    free(text);
    free(sum);
    remove(path);
    text = run_report(1, &sum);
    CHECK_STR(output(text, "metrics-path", v, sizeof v), "");
    free(text);
    free(sum);
}

/* Outputs or a summary that cannot be written (a full disk: /dev/full)
 * are an error naming the variable and the file, after trying the rest;
 * the step then fails (main). */
static void test_write_failures(void)
{
    static const char *const vars[] = {"GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"};
    for (int i = 0; i < 2; i++) {
        setenv(vars[i], "/dev/full", 1);
        remove(i == 0 ? sum_path : out_path);
        stage_ctx ctx = {.cfg = &cfg};
        err e;
        err_clear(&e);
        CHECK_INT(report_write(&ctx, 1, &e), -1);
        char want[128];
        snprintf(want, sizeof want, "cannot write %s file '/dev/full': No space left on device", vars[i]);
        CHECK_MSG(strstr(e.msg, want) != NULL, "%s", e.msg);
        /* the other file was still written */
        char *other = fixture_read(i == 0 ? sum_path : out_path, NULL);
        CHECK(other != NULL && other[0] != '\0');
        free(other);
        setenv(vars[i], i == 0 ? out_path : sum_path, 1);
    }
}

int main(void)
{
    FILE *devnull = fixture_begin(dir, sizeof dir, "report");
    CHECK(devnull != NULL);
    snprintf(out_path, sizeof out_path, "%s/gh-output", dir);
    snprintf(sum_path, sizeof sum_path, "%s/gh-summary.md", dir);
    setenv("GITHUB_OUTPUT", out_path, 1);
    setenv("GITHUB_STEP_SUMMARY", sum_path, 1);
    char *argv[] = {"f1-mlops", "--data-dir", dir, "--seasons", "2015-2024", "--stages", "evaluate,package"};
    int help = 0;
    err e;
    err_clear(&e);
    CHECK_MSG(config_load(&cfg, 7, argv, &help, &e) == 0, "config_load: %s", e.msg);
    test_metrics_outputs();
    test_upload_outputs();
    test_without_metrics();
    test_write_failures();
    unsetenv("GITHUB_OUTPUT");
    unsetenv("GITHUB_STEP_SUMMARY");
    fixture_end(dir, devnull);
    return check_done();
}
