/* Circuits, drivers and constructors: fetched in full on a cold store (or
 * with `refresh`); afterwards new ones arrive embedded in races and results
 * (source_results.c stores those), so a rerun spends no requests here. */
#include <string.h>

#include "core/log.h"
#include "pipeline/source.h"

static int list_page(source_run *r, const cJSON *items, long offset, long total, void *ctx, err *e)
{
    const char *coll = ctx;
    const cJSON *it;
    cJSON_ArrayForEach(it, items) {
        if (source_put(r, coll, it, e) != 0)
            return -1;
    }
    log_info("%s: %ld of %ld", coll, offset + cJSON_GetArraySize(items), total);
    return 0;
}

int source_lists(source_run *r, err *e)
{
    static const struct {
        const char *coll, *path;
        const ergast_kind *kind;
    } lists[] = {
        {"circuits", "/circuits.json", &ergast_kind_circuits},
        {"drivers", "/drivers.json", &ergast_kind_drivers},
        {"constructors", "/constructors.json", &ergast_kind_constructors},
    };
    int fetched = 0;
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
        long have = 0;
        if (store_count(r->st, lists[i].coll, &have, e) != 0)
            return -1;
        log_group_begin("%s", lists[i].coll);
        int rc = 0;
        if (have > 0 && !r->cfg->refresh) {
            log_info("%s: %ld stored; new ones come with races and results", lists[i].coll, have);
        } else {
            rc = source_pages(r, lists[i].path, lists[i].kind, 0, list_page,
                              (void *)lists[i].coll, NULL, e);
            fetched++;
        }
        log_group_end();
        if (rc != 0)
            return -1;
    }
    r->lists_fetched = fetched == (int)(sizeof lists / sizeof *lists);
    return 0;
}
