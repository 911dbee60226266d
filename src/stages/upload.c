/* upload stage: publishes data-dir/f1-model.zip as the run's artifact
 * (docs/pipeline.md §7) and records the result in data-dir/upload.json, which the step
 * outputs (artifact-id, artifact-url, artifact-digest) are read from. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/fsutil.h"
#include "core/jsonfile.h"
#include "core/log.h"
#include "net/artifact.h"
#include "stages/package.h"
#include "stages/stage.h"

static int write_upload_json(const char *path, const char *name, const artifact_result *r, err *e)
{
    cJSON *root = cJSON_CreateObject();
    int rc = -1;
    if (root == NULL || cJSON_AddStringToObject(root, "artifact_id", r->id) == NULL ||
        cJSON_AddStringToObject(root, "artifact_url", r->url) == NULL ||
        cJSON_AddStringToObject(root, "artifact_digest", r->digest) == NULL ||
        cJSON_AddStringToObject(root, "name", name) == NULL ||
        cJSON_AddNumberToObject(root, "size", (double)r->size) == NULL) {
        err_set(e, "out of memory building %s", FILE_UPLOAD);
        goto out;
    }
    rc = jsonfile_write(path, root, JSONFILE_PRETTY, e);
out:
    cJSON_Delete(root);
    return rc;
}

int stage_upload(stage_ctx *ctx, err *e)
{
    char zip[4096], record[4096];
    stage_path(ctx, FILE_ZIP, zip, sizeof zip);
    stage_path(ctx, FILE_UPLOAD, record, sizeof record);
    /* A record left by an earlier run must not describe this run. */
    if (unlink(record) != 0 && errno != ENOENT)
        return err_setk(e, ERR_DATA, "cannot remove the old '%s': %s", record, strerror(errno));

    artifact_env env;
    artifact_env_from_environ(&env);
    log_mask(env.token);
    int have_token = env.token != NULL && env.token[0] != '\0';
    int have_url = env.results_url != NULL && env.results_url[0] != '\0';
    if (!have_token || !have_url) {
        log_notice("artifact upload skipped: %s is not set (it is set inside GitHub Actions, and "
                   "by act with --artifact-server-path)",
                   !have_token ? "ACTIONS_RUNTIME_TOKEN" : "ACTIONS_RESULTS_URL");
        return 0;
    }
    if (package_verify(zip, e) != 0)
        return err_wrap(e, "refusing to upload '%s' (the package stage writes it)", zip);

    artifact_result r;
    if (artifact_upload(&env, ctx->cfg->artifact_name, zip, ctx->cfg->retention_days, &r, e) != 0)
        return -1;
    if (write_upload_json(record, ctx->cfg->artifact_name, &r, e) != 0)
        return -1;
    log_info("artifact: %s", r.url);
    return 0;
}
