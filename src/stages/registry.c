#include "stages/registry.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define STAGE_X_ROW(id, name, fn, store, all, groups) [STAGE_IDX_##id] = {name, fn, store, all, groups},
const stage_def stage_defs[STAGE_COUNT] = {STAGE_TABLE(STAGE_X_ROW)};
#undef STAGE_X_ROW

void stage_names(char *out, size_t n)
{
    size_t o = 0;
    out[0] = '\0';
    for (int i = 0; i < STAGE_COUNT && o < n; i++)
        o += (size_t)snprintf(out + o, n - o, "%s%s", i ? "," : "", stage_defs[i].name);
}

static unsigned rows_with(stage_all_rule rule)
{
    unsigned set = 0;
    for (int i = 0; i < STAGE_COUNT; i++)
        if (stage_defs[i].all == rule)
            set |= 1u << i;
    return set;
}

static int parse_names(const char *val, unsigned *out, int *all, err *e)
{
    char tmp[sizeof ((config *)0)->stages], list[256];
    stage_names(list, sizeof list);
    if (val[0] == '\0' || strlen(val) >= sizeof tmp)
        return err_setk(e, ERR_INPUT, "input 'stages': invalid value '%s' (expected 'all' or a comma list of %s)",
                        val, list);
    strcpy(tmp, val);
    char *save = NULL;
    for (char *tok = strtok_r(tmp, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (isspace((unsigned char)*tok))
            tok++;
        char *end = tok + strlen(tok);
        while (end > tok && isspace((unsigned char)end[-1]))
            *--end = '\0';
        if (strcmp(tok, "all") == 0) {
            *all = 1;
            continue;
        }
        int i = 0;
        while (i < STAGE_COUNT && strcmp(tok, stage_defs[i].name) != 0)
            i++;
        if (i == STAGE_COUNT)
            return err_setk(e, ERR_INPUT, "input 'stages': unknown stage '%s' (expected 'all' or a comma list of %s)",
                            tok, list);
        *out |= 1u << i;
    }
    if (*out == 0 && !*all)
        return err_setk(e, ERR_INPUT, "input 'stages': invalid value '%s' (expected at least one stage)", val);
    return 0;
}

/* The tune stages against the others. */
static int check_tune(const config *c, unsigned s, err *e)
{
    if (c->tune == 0 && (s & (STAGE_TUNE | STAGE_TUNE_MERGE)))
        return err_setk(e, ERR_INPUT,
                        "input 'stages': stage '%s' needs input 'tune' set to grid or random",
                        s & STAGE_TUNE ? "tune" : "tune-merge");
    if ((s & STAGE_TUNE) && (s & STAGE_TUNE_MERGE))
        return err_setk(e, ERR_INPUT,
                        "input 'stages': 'tune' and 'tune-merge' together (expected 'tune' alone to "
                        "search in one job, or 'tune' with tune-shard I/N in N jobs and "
                        "'tune-merge' in a later one)");
    if (c->tune_shards > 0 &&
        (s & (STAGE_FEATURES | STAGE_TRAIN | STAGE_EVALUATE | STAGE_PACKAGE | STAGE_UPLOAD |
              STAGE_TUNE_MERGE)))
        return err_setk(e, ERR_INPUT,
                        "input 'tune-shard': a shard job scores only its slice (expected stages "
                        "ending with tune, e.g. 'source,prepare,tune'; features and train in the "
                        "job that runs tune-merge)");
    return 0;
}

int stage_select(const config *c, unsigned *out, err *e)
{
    unsigned s = 0;
    int all = 0;
    *out = 0;
    if (parse_names(c->stages, &s, &all, e) != 0)
        return -1;
    unsigned yes = rows_with(ALL_YES);
    if (all)
        s |= yes;
    /* Everything "all" names searches too when asked to, except in a shard
     * job (it scores its slice) or a merge job (it gathers the slices). */
    if ((s & yes) == yes && c->tune != 0 && c->tune_shards == 0 && !(s & STAGE_TUNE_MERGE))
        s |= rows_with(ALL_IF_TUNE);
    if (check_tune(c, s, e) != 0)
        return -1;
    if (c->test_season == 0 && c->season_last != 0 && c->season_last <= c->season_first &&
        c->backtest_first == 0 && (s & (STAGE_TRAIN | STAGE_EVALUATE)))
        return err_setk(e, ERR_INPUT,
                        "input 'seasons': a single season leaves no training season before the test "
                        "season (expected a range A-B with A < B)");
    *out = s;
    return 0;
}

int stage_needs_store(const config *c, unsigned selected)
{
    /* Shards pass through MongoDB when there is one; else through files. */
    int shards = c->mongodb_uri[0] != '\0' && (c->tune_shards > 0 || (selected & STAGE_TUNE_MERGE));
    for (int i = 0; i < STAGE_COUNT; i++)
        if ((selected & (1u << i)) &&
            (stage_defs[i].store == STORE_ALWAYS || (stage_defs[i].store == STORE_SHARDS && shards)))
            return 1;
    return 0;
}
