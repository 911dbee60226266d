#include "report/report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/fsutil.h"
#include "core/jsonfile.h"
#include "core/log.h"
#include "core/sha256.h"
#include "report/outputs.h"
#include "report/summary.h"

/* Report files are small; a bigger one is not ours. */
#define REPORT_JSON_MAX ((size_t)256 << 20)

typedef struct {
    char path[4200];
    int exists;
} report_file;

static report_file report_locate(const stage_ctx *ctx, const char *name)
{
    report_file f;
    stage_path(ctx, name, f.path, sizeof f.path);
    f.exists = fs_exists(f.path);
    return f;
}

/* The parsed file, or NULL when it is absent or unreadable (warned). */
static cJSON *report_load(const report_file *f)
{
    if (!f->exists)
        return NULL;
    err e;
    err_clear(&e);
    cJSON *root = jsonfile_load(f->path, REPORT_JSON_MAX, &e);
    if (root == NULL)
        log_warn("report: skipping %s", e.msg);
    return root;
}

/* upload.json, only when it describes the zip now in data-dir. */
static cJSON *report_upload(const stage_ctx *ctx, const report_file *zip)
{
    report_file f = report_locate(ctx, FILE_UPLOAD);
    cJSON *up = report_load(&f);
    if (up == NULL)
        return NULL;
    char hex[SHA256_HEX_SIZE] = "";
    err e;
    err_clear(&e);
    if (zip->exists && sha256_file_hex(zip->path, hex, &e) != 0)
        log_warn("report: %s", e.msg);
    if (hex[0] == '\0' || strcmp(hex, jsonfile_str(up, "artifact_digest", "")) != 0) {
        log_notice("report: ignoring '%s': it describes another zip than '%s'", f.path, zip->path);
        cJSON_Delete(up);
        return NULL;
    }
    return up;
}

static void report_num(char *out, size_t n, const cJSON *root, const char *path)
{
    double v = jsonfile_num(root, path, NAN);
    if (isnan(v))
        out[0] = '\0';
    else
        snprintf(out, n, "%.6g", v);
}

/* Keeps the first error and goes on, so one bad output loses nothing else. */
static void report_keep(int rc, const err *got, int *failed, err *e)
{
    if (rc != 0 && !*failed) {
        *failed = 1;
        if (e != NULL)
            *e = *got;
    }
}

static void report_outputs(const report_file files[3], const cJSON *metrics, const cJSON *upload,
                           int *failed, err *e)
{
    static const char *const path_names[3] = {"model-path", "zip-path", "metrics-path"};
    static const struct {
        const char *name, *path;
    } nums[] = {
        {"precision", "model.precision"},
        {"expected-precision", "model.expected_precision"},
        {"hits", "model.hits"},
        {"races", "model.races"},
        {"pole-precision", "baselines.pole.precision"},
        {"leader-precision", "baselines.leader.precision"},
        {"log-loss", "model.log_loss"},
        {"brier", "model.brier"},
        {"grid-log-loss", "baselines.grid.log_loss"},
        {"grid-brier", "baselines.grid.brier"},
        {"baseline-precision", "baseline.model.precision"},
        {"baseline-expected-precision", "baseline.model.expected_precision"},
        {"precision-delta", "baseline.precision_delta"},
        {"baseline-log-loss", "baseline.model.log_loss"},
        {"baseline-brier", "baseline.model.brier"},
        {"log-loss-delta", "baseline.log_loss_delta"},
        {"brier-delta", "baseline.brier_delta"},
    };
    static const struct {
        const char *name, *key;
    } art[] = {
        {"artifact-id", "artifact_id"},
        {"artifact-url", "artifact_url"},
        {"artifact-digest", "artifact_digest"},
    };
    err got;
    for (int i = 0; i < 3; i++) {
        err_clear(&got);
        report_keep(outputs_set(path_names[i], files[i].exists ? files[i].path : "", &got), &got, failed, e);
    }
    for (size_t i = 0; i < sizeof nums / sizeof *nums; i++) {
        char v[64];
        report_num(v, sizeof v, metrics, nums[i].path);
        err_clear(&got);
        report_keep(outputs_set(nums[i].name, v, &got), &got, failed, e);
    }
    /* "true" only when strictly better; "" without a comparison. */
    const cJSON *improved = jsonfile_get(metrics, "baseline.improved");
    err_clear(&got);
    report_keep(outputs_set("improved", cJSON_IsBool(improved) ? (cJSON_IsTrue(improved) ? "true" : "false") : "",
                            &got),
                &got, failed, e);
    for (size_t i = 0; i < sizeof art / sizeof *art; i++) {
        err_clear(&got);
        report_keep(outputs_set(art[i].name, jsonfile_str(upload, art[i].key, ""), &got), &got, failed, e);
    }
}

int report_write(const stage_ctx *ctx, int ok, err *e)
{
    report_file files[3] = {
        report_locate(ctx, FILE_MODEL),
        report_locate(ctx, FILE_ZIP),
        report_locate(ctx, FILE_METRICS),
    };
    report_file cov_file = report_locate(ctx, FILE_COVERAGE);
    cJSON *metrics = report_load(&files[2]);
    cJSON *coverage = report_load(&cov_file);
    cJSON *upload = report_upload(ctx, &files[1]);
    int failed = 0;
    err got;
    /* The stages' outputs first, as they were set. */
    for (int i = 0; i < ctx->n_outputs; i++) {
        err_clear(&got);
        report_keep(outputs_set(ctx->outputs[i].name, ctx->outputs[i].value, &got), &got, &failed, e);
    }
    report_outputs(files, metrics, upload, &failed, e);

    summary_run run = {
        .ok = ok,
        .stages = ctx->selected,
        .seconds = ctx->seconds,
        .metrics = metrics,
        .coverage = coverage,
        .upload = upload,
        .zip_path = files[1].exists ? files[1].path : NULL,
        .sections = &ctx->summary,
    };
    buf md;
    buf_init(&md, SUMMARY_MAX);
    err_clear(&got);
    /* A summary too big to render is the runner's limit, not a lost file:
     * warned, as the runner itself would; one that cannot be written fails. */
    if (summary_render(&md, &run, &got) != 0)
        log_warn("report: no job summary: %s", got.msg);
    else
        report_keep(summary_append(&md, &got), &got, &failed, e);
    buf_release(&md);
    cJSON_Delete(upload);
    cJSON_Delete(coverage);
    cJSON_Delete(metrics);
    return failed ? -1 : 0;
}
