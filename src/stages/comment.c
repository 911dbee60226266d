/* comment stage: the pull-request comment of input `pr-comment` (issue
 * 13).  It runs after upload, since the comment links the artifact the
 * upload stage made (upload.json), and before main's fail-if-worse gate,
 * so a worse model is still reported on the pull request.
 *
 * On a pull_request or pull_request_target event it creates or updates
 * the one comment of this pull request and artifact-name (found by
 * github_comment_marker's hidden marker), holding pack/pr_comment.h's
 * report, and sets output comment-url; only a comment written by the
 * token's own identity (github_comment_author: github-actions[bot] for the
 * workflow's token) is ever updated, never someone else's copy of the
 * marker.  Anywhere else it does nothing.  A
 * token that may not write (pull requests from forks get a read-only
 * one) only warns: the job summary holds the same report. */
#include <stdlib.h>
#include <string.h>

#include "core/fsutil.h"
#include "core/jsonfile.h"
#include "core/log.h"
#include "core/markdown.h"
#include "core/sha256.h"
#include "net/github_comment.h"
#include "pack/pr_comment.h"
#include "stages/stage.h"

/* Report files are small; a bigger one is not ours. */
#define COMMENT_JSON_MAX ((size_t)256 << 20)

/* The artifact URL of upload.json when it describes the zip in data-dir
 * (a record of an earlier zip must not be linked); "" otherwise. */
static void artifact_url(const stage_ctx *ctx, char *out, size_t n)
{
    char zip[CFG_STR_MAX + 64], record[CFG_STR_MAX + 64], hex[SHA256_HEX_SIZE];
    out[0] = '\0';
    stage_path(ctx, FILE_ZIP, zip, sizeof zip);
    stage_path(ctx, FILE_UPLOAD, record, sizeof record);
    if (!fs_exists(record) || !fs_exists(zip))
        return;
    err e;
    err_clear(&e);
    cJSON *up = jsonfile_load(record, COMMENT_JSON_MAX, &e);
    if (up != NULL && sha256_file_hex(zip, hex, &e) == 0 &&
        strcmp(hex, jsonfile_str(up, "artifact_digest", "")) == 0)
        snprintf(out, n, "%s", jsonfile_str(up, "artifact_url", ""));
    cJSON_Delete(up);
}

/* {GITHUB_SERVER_URL}/{GITHUB_REPOSITORY}/actions/runs/{GITHUB_RUN_ID}, or "". */
static void run_url(char *out, size_t n)
{
    const char *server = getenv("GITHUB_SERVER_URL"), *repo = getenv("GITHUB_REPOSITORY"),
               *run = getenv("GITHUB_RUN_ID");
    out[0] = '\0';
    if (server && repo && run && server[0] && repo[0] && run[0])
        snprintf(out, n, "%s/%s/actions/runs/%s", server, repo, run);
}

/* Renders the body for metrics into body, capped at GitHub's limit. */
static int render(const stage_ctx *ctx, const cJSON *metrics, const char *marker, buf *body, err *e)
{
    char art[2048], run[2048];
    artifact_url(ctx, art, sizeof art);
    run_url(run, sizeof run);
    pr_comment_in in = {.marker = marker,
                        .artifact_name = ctx->cfg->artifact_name,
                        .metrics = metrics,
                        .artifact_url = art,
                        .run_url = run};
    if (pr_comment_render(body, &in, e) != 0)
        return -1;
    return markdown_cap(body, MARKDOWN_COMMENT_MAX, e);
}

/* Creates or updates the comment; a read-only token only warns. */
static int post(stage_ctx *ctx, long long pr, const char *marker, const char *body, err *e)
{
    github_env env;
    github_env_from_environ(&env);
    env.token = ctx->cfg->github_token;
    github_client *g = github_new(&env, e);
    if (g == NULL)
        return err_wrap(e, "input 'pr-comment'");
    github_comment c;
    github_author me;
    int rc = github_comment_author(g, &me, e);
    if (rc == 0)
        rc = github_comment_upsert(g, pr, marker, body, &me, &c, e);
    if (rc != 0 && github_last_failure(g) == GITHUB_FORBIDDEN) {
        log_warn("%s; the report is in the job summary only", e->msg);
        rc = 0;
    } else if (rc == 0) {
        log_info("comment: %s pull request #%lld's report: %s", c.created ? "created" : "updated", pr,
                 c.html_url);
        rc = stage_output_set(ctx, "comment-url", c.html_url, e);
    }
    github_free(g);
    return rc;
}

int stage_comment(stage_ctx *ctx, err *e)
{
    const config *c = ctx->cfg;
    if (!c->pr_comment) {
        log_info("comment: pr-comment is false, nothing to do");
        return 0;
    }
    github_event ev;
    if (github_event_load(getenv("GITHUB_EVENT_NAME"), getenv("GITHUB_EVENT_PATH"), &ev, e) != 0)
        return err_wrap(e, "input 'pr-comment'");
    if (ev.pr_number == 0) {
        log_info("comment: event '%s' is not a pull request, no comment", ev.name);
        return 0;
    }
    if (c->github_token[0] == '\0') {
        log_warn("pr-comment: input github-token is empty, so no comment; the report is in the job "
                 "summary");
        return 0;
    }
    char path[CFG_STR_MAX + 64];
    stage_path(ctx, FILE_METRICS, path, sizeof path);
    if (!fs_exists(path))
        return err_setk(e, ERR_DATA, "no %s in data-dir: run the evaluate stage first", FILE_METRICS);
    cJSON *metrics = jsonfile_load(path, COMMENT_JSON_MAX, e);
    buf marker, body;
    buf_init(&marker, 0);
    buf_init(&body, 0);
    int rc = -1;
    if (metrics != NULL && github_comment_marker(&marker, c->artifact_name, e) == 0 &&
        render(ctx, metrics, marker.data, &body, e) == 0)
        rc = post(ctx, ev.pr_number, marker.data, body.data, e);
    buf_release(&body);
    buf_release(&marker);
    cJSON_Delete(metrics);
    return rc;
}
