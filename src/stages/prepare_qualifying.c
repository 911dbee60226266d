#include "stages/prepare_qualifying.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/jsonfile.h"
#include "core/log.h"
#include "data/qualifying_csv.h"

/* What the listing collects. */
typedef struct {
    int first, last;
    qualifying_table t;
    long bad_times;          /* times left out */
    char bad_example[160];   /* the first of them, for the warning */
} quali_listing;

/* A session's time as the API writes it, or NAN when it has none or it
 * is not a lap time (counted in l). */
static double session_ms(quali_listing *l, const cJSON *row, const char *key, int season,
                         int round)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, key);
    if (v == NULL)
        return NAN;
    double ms = NAN;
    err ignored;
    if (!cJSON_IsString(v) || qualifying_time_ms(v->valuestring, &ms, &ignored) != 0 ||
        !(ms >= 1 && ms <= QUALIFYING_CSV_MS_MAX)) {
        if (l->bad_times++ == 0)
            snprintf(l->bad_example, sizeof l->bad_example, "%d round %d %s '%.40s'", season,
                     round, key, cJSON_IsString(v) ? v->valuestring : "(not a string)");
        return NAN;
    }
    return ms;
}

static int collect(const cJSON *doc, void *ctx, err *e)
{
    static const char *const sessions[QUALIFYING_SESSIONS] = {"Q1", "Q2", "Q3"};
    quali_listing *l = ctx;
    int season, round;
    if (jsonfile_int(doc, "season", &season) != 0 || season < l->first || season > l->last)
        return 0;
    if (jsonfile_int(doc, "round", &round) != 0 || round < 1)
        return err_setk(e, ERR_DATA, "qualifying of season %d: a race has no valid round (rerun "
                        "source with refresh)", season);
    const cJSON *row;
    int k = 0;
    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(doc, "QualifyingResults")) {
        k++;
        const char *id = jsonfile_str(cJSON_GetObjectItemCaseSensitive(row, "Driver"), "driverId", "");
        if (id[0] == '\0')
            return err_setk(e, ERR_DATA,
                            "qualifying of %d round %d: entry %d has no driverId (rerun source "
                            "with refresh)",
                            season, round, k);
        double q[QUALIFYING_SESSIONS];
        for (int s = 0; s < QUALIFYING_SESSIONS; s++)
            q[s] = session_ms(l, row, sessions[s], season, round);
        if (qualifying_append(&l->t, season, round, id, q, e) != 0)
            return -1;
    }
    return 0;
}

int prepare_qualifying(stage_ctx *ctx, int first, int last, long *entries, err *e)
{
    quali_listing l = {.first = first, .last = last};
    char path[CFG_STR_MAX + 64];
    stage_path(ctx, FILE_QUALIFYING, path, sizeof path);
    int rc = store_list(ctx->st, "qualifying", NULL, NULL, collect, &l, e);
    if (rc == 0)
        rc = qualifying_csv_write(path, &l.t, e);
    if (rc == 0 && l.bad_times > 0)
        log_warn("prepare: %ld stored qualifying times are not lap times and were left out (the "
                 "first: %s)",
                 l.bad_times, l.bad_example);
    *entries = l.t.n;
    qualifying_release(&l.t);
    return rc;
}
