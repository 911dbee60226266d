#include "stages/stage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/fsutil.h"
#include "core/jsonfile.h"
#include "core/log.h"
#include "data/qualifying_csv.h"

void stage_path(const stage_ctx *ctx, const char *name, char *out, size_t n)
{
    snprintf(out, n, "%s/%s", ctx->cfg->data_dir, name);
}

int stage_output_set(stage_ctx *ctx, const char *name, const char *value, err *e)
{
    int i = 0;
    while (i < ctx->n_outputs && strcmp(ctx->outputs[i].name, name) != 0)
        i++;
    if (i == STAGE_OUTPUTS_MAX || strlen(name) >= sizeof ctx->outputs[i].name ||
        strlen(value) >= sizeof ctx->outputs[i].value)
        return err_set(e, "output '%s': no room for %zu bytes", name, strlen(value));
    snprintf(ctx->outputs[i].name, sizeof ctx->outputs[i].name, "%s", name);
    snprintf(ctx->outputs[i].value, sizeof ctx->outputs[i].value, "%s", value);
    if (i == ctx->n_outputs)
        ctx->n_outputs++;
    return 0;
}

int stage_summary_add(stage_ctx *ctx, const buf *section, err *e)
{
    if (section->len > STAGE_SECTION_MAX)
        return err_set(e, "a job summary section of %zu bytes (at most %zu)", section->len,
                       STAGE_SECTION_MAX);
    return buf_append(&ctx->summary, section->data ? section->data : "", section->len, e);
}

void stage_ctx_release(stage_ctx *ctx)
{
    buf_release(&ctx->summary);
}

typedef struct {
    int first;
    int latest;
} latest_scan;

static int note_progress(const cJSON *doc, void *ctx, err *e)
{
    (void)e;
    latest_scan *l = ctx;
    int s = 0;
    if (jsonfile_int(doc, "season", &s) == 0 && s >= l->first && s > l->latest &&
        jsonfile_num(doc, "rows", 0) > 0)
        l->latest = s;
    return 0;
}

static int count_doc(const cJSON *doc, void *ctx, err *e)
{
    (void)doc;
    (void)e;
    (*(long *)ctx)++;
    return 0;
}

/* The latest season with stored results.  First from the small `progress`
 * records the source stage writes after each season's rows (one listing:
 * reading results means parsing every stored race, and a filtered listing
 * is a full scan on some servers); a store without them (written by hand)
 * is probed season by season, down from next year. */
static int latest_stored(store *st, int first, int *out, err *e)
{
    latest_scan l = {first, 0};
    if (store_list(st, "progress", NULL, NULL, note_progress, &l, e) != 0)
        return -1;
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    for (int s = tm.tm_year + 1900 + 1; l.latest == 0 && s >= first; s--) {
        char key[16];
        snprintf(key, sizeof key, "%d", s);
        long n = 0;
        if (store_list(st, "results", "season", key, count_doc, &n, e) != 0)
            return -1;
        if (n > 0)
            l.latest = s;
    }
    if (l.latest == 0)
        return err_setk(e, ERR_DATA,
                        "no results are stored for seasons from %d (run the source stage first)", first);
    *out = l.latest;
    return 0;
}

/* The largest season of prepared.csv (its first column). */
static int latest_prepared(const stage_ctx *ctx, int *out, err *e)
{
    char path[CFG_STR_MAX + 64];
    stage_path(ctx, FILE_PREPARED, path, sizeof path);
    buf b;
    buf_init(&b, 0);
    if (fs_read_file(path, &b, e) != 0)
        return err_wrap(e, "cannot resolve seasons 'latest' without the store "
                           "(run the prepare stage first)");
    csv_reader r;
    csv_reader_init(&r, b.data, b.len);
    int rc, last = 0;
    /* The header's "season" reads as 0 and never wins. */
    while ((rc = csv_next(&r, e)) == 1)
        if (r.nfields > 0 && atoi(r.fields[0]) > last)
            last = atoi(r.fields[0]);
    csv_reader_release(&r);
    buf_release(&b);
    if (rc < 0)
        return err_wrap(e, "%s", path);
    if (last == 0)
        return err_setk(e, ERR_DATA, "%s has no rows (run the prepare stage first)", path);
    *out = last;
    return 0;
}

int stage_resolve_last_season(stage_ctx *ctx, err *e)
{
    const config *c = ctx->cfg;
    if (c->season_last != 0) {
        ctx->season_last = c->season_last;
        return 0;
    }
    if (ctx->season_last != 0)
        return 0;
    int last = 0;
    if (ctx->st != NULL ? latest_stored(ctx->st, c->season_first, &last, e) != 0
                        : latest_prepared(ctx, &last, e) != 0)
        return -1;
    ctx->season_last = last;
    log_info("seasons: 'latest' is %d", last);
    return 0;
}

int stage_test_last(stage_ctx *ctx, int *out, err *e)
{
    const config *c = ctx->cfg;
    if (c->backtest_first != 0) {
        *out = c->backtest_last;
        return 0;
    }
    if (c->test_season != 0) {
        *out = c->test_season;
        return 0;
    }
    if (stage_resolve_last_season(ctx, e) != 0)
        return -1;
    *out = ctx->season_last;
    return 0;
}

int stage_first_test(const stage_ctx *ctx, int test)
{
    return ctx->cfg->backtest_first != 0 ? ctx->cfg->backtest_first : test;
}

int stage_read_qualifying(const stage_ctx *ctx, qualifying_table *q, int *found, err *e)
{
    char path[CFG_STR_MAX + 64];
    stage_path(ctx, FILE_QUALIFYING, path, sizeof path);
    *found = fs_exists(path);
    return *found ? qualifying_csv_read(path, q, e) : 0;
}

int stage_read_qualifying_for_v2(const stage_ctx *ctx, const char *who, qualifying_table *q,
                                 int *found, err *e)
{
    if (stage_read_qualifying(ctx, q, found, e) != 0)
        return -1;
    if (!*found)
        log_warn("%s: no %s in data-dir (run the prepare stage): the qualifying features are "
                 "missing for every race",
                 who, FILE_QUALIFYING);
    return 0;
}
