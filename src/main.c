/* f1-mlops: the whole F1 race-winner pipeline in one program, run as a
 * GitHub Action step or from a shell.
 *
 * main() is the only place that exits: it loads the configuration, opens
 * the store when a selected stage needs it, runs the selected stages in
 * the registry's order (stages/registry.h), writes the step outputs and job
 * summary, and maps a failure to an ::error:: annotation and a named exit
 * code (core/err.h); outputs or a summary that cannot be written are a
 * failure too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <mongoc/mongoc.h>

#include "config/config.h"
#include "core/err.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "report/report.h"
#include "stages/compare.h"
#include "stages/registry.h"
#include "store/store.h"

/* libmongoc logs to stderr on its own; route its warnings through our
 * logger so masked secrets are redacted, and drop its chatter. */
static void mongo_log(mongoc_log_level_t level, const char *domain, const char *message, void *ud)
{
    (void)ud;
    /* Servers without sessions (FerretDB) refuse the driver's goodbye
     * "endSessions"; that is not worth an annotation on every run. */
    if (level <= MONGOC_LOG_LEVEL_WARNING && strstr(message, "endSessions") == NULL)
        log_warn("%s: %s", domain, message);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int open_store(const config *cfg, store **out, err *e)
{
    if (cfg->mongodb_uri[0] != '\0')
        *out = store_open_mongo(cfg->mongodb_uri, cfg->mongodb_database, e);
    else
        *out = store_open_dir(cfg->data_dir, e);
    return *out ? 0 : -1;
}

static int run(const config *cfg, stage_ctx *ctx, err *e)
{
    if (fs_mkdirs(cfg->data_dir, e) != 0)
        return err_wrap(e, "input 'data-dir'");
    if (stage_needs_store(cfg, ctx->selected) && open_store(cfg, &ctx->st, e) != 0)
        return -1;
    for (int i = 0; i < STAGE_COUNT; i++) {
        const stage_def *s = &stage_defs[i];
        if (!(ctx->selected & (1u << i)))
            continue;
        if (!s->own_groups)
            log_group_begin("%s", s->name);
        double t0 = now_seconds();
        int rc = s->fn(ctx, e);
        ctx->seconds[i] = now_seconds() - t0;
        log_info("%s: %s in %.3f s", s->name, rc == 0 ? "done" : "failed", ctx->seconds[i]);
        if (!s->own_groups)
            log_group_end();
        if (rc != 0)
            return err_wrap(e, "stage '%s'", s->name);
    }
    return 0;
}

int main(int argc, char **argv)
{
    config cfg;
    err e;
    err_clear(&e);
    int help = 0;
    int code = 0;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    mongoc_init();
    mongoc_log_set_handler(mongo_log, NULL);
    stage_ctx ctx = {.cfg = &cfg};
    if (config_load(&cfg, argc, argv, &help, &e) != 0 ||
        (!help && stage_select(&cfg, &ctx.selected, &e) != 0)) {
        log_error("%s", e.msg);
        code = ERR_INPUT;
        goto out;
    }
    if (help) {
        char names[256];
        stage_names(names, sizeof names);
        config_print_help(names);
        goto out;
    }
    int rc = run(&cfg, &ctx, &e);
    /* fail-if-worse fails the step only once everything is written. */
    if (rc == 0)
        rc = compare_gate(&ctx, &e);
    err report_err;
    err_clear(&report_err);
    /* Outputs a later step relies on that could not be written fail the
     * step, like a failed stage (a failed stage's code wins). */
    if (report_write(&ctx, rc == 0, &report_err) != 0) {
        log_error("could not write the step outputs or summary: %s", report_err.msg);
        code = report_err.kind == ERR_NONE ? ERR_INTERNAL : (int)report_err.kind;
    }
    store_close(ctx.st);
    stage_ctx_release(&ctx);
    fs_give_to_workspace_owner(cfg.data_dir);
    if (rc != 0) {
        log_error("%s", e.msg);
        code = e.kind == ERR_NONE ? ERR_INTERNAL : (int)e.kind;
    }
out:
    mongoc_cleanup();
    curl_global_cleanup();
    log_shutdown();
    return code;
}
