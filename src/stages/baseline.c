#include "stages/baseline.h"

#include <stdlib.h>
#include <string.h>

#include "core/fsutil.h"
#include "core/log.h"

#define INPUT "input 'baseline-model'"

/* The model.json of the zip at zip, through data-dir/baseline-model.json. */
static int load_zip(stage_ctx *ctx, const char *zip, model *m, err *e)
{
    char path[CFG_STR_MAX + 64];
    buf json;
    buf_init(&json, 0);
    stage_path(ctx, FILE_BASELINE_MODEL, path, sizeof path);
    int rc = github_artifact_model_json(zip, 0, &json, e);
    if (rc == 0)
        rc = fs_write_atomic(path, json.data, json.len, e);
    buf_release(&json);
    if (rc == 0 && model_read(path, m, e) != 0)
        rc = err_wrap(e, INPUT ": the model.json of '%s'", zip);
    return rc;
}

static int load_path(stage_ctx *ctx, const char *path, model *m, err *e)
{
    if (!fs_exists(path))
        return err_setk(e, ERR_INPUT, INPUT ": no file '%s' (expected a model.json or a model zip)",
                        path);
    size_t n = strlen(path);
    if (n > 4 && strcmp(path + n - 4, ".zip") == 0)
        return load_zip(ctx, path, m, e);
    if (model_read(path, m, e) != 0) {
        err_wrap(e, INPUT " ('%s')", path);
        e->kind = ERR_INPUT;
        return -1;
    }
    return 0;
}

static int load_artifact(stage_ctx *ctx, const char *name, model *m, baseline_origin *origin, err *e)
{
    github_env env;
    github_env_from_environ(&env);
    env.token = ctx->cfg->github_token;
    github_event ev;
    char zip[CFG_STR_MAX + 64];
    stage_path(ctx, FILE_BASELINE_ZIP, zip, sizeof zip);
    if (github_event_load(getenv("GITHUB_EVENT_NAME"), getenv("GITHUB_EVENT_PATH"), &ev, e) != 0)
        return -1;
    github_client *g = github_new(&env, e);
    if (g == NULL)
        return err_wrap(e, INPUT " (artifact:%s)", name);
    int rc = github_artifact_baseline(g, &ev, name, zip, &origin->artifact, e);
    github_free(g);
    if (rc != 0)
        return rc;
    origin->from_artifact = 1;
    log_info("baseline: artifact '%s' (id %lld) of run %lld on '%s', created %s", origin->artifact.name,
             origin->artifact.id, origin->artifact.run_id, origin->artifact.head_branch,
             origin->artifact.created_at);
    return load_zip(ctx, zip, m, e);
}

int baseline_load(stage_ctx *ctx, model *m, baseline_origin *origin, err *e)
{
    const char *v = ctx->cfg->baseline_model;
    size_t plen = strlen(CFG_ARTIFACT_PREFIX);
    memset(origin, 0, sizeof *origin);
    if (strncmp(v, CFG_ARTIFACT_PREFIX, plen) == 0)
        return load_artifact(ctx, v + plen, m, origin, e);
    return load_path(ctx, v, m, e);
}
