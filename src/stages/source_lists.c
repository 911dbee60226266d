/* Circuits, drivers and constructors: fetched in full until a run has got
 * each list to its end (or with `refresh`); afterwards new ones arrive
 * embedded in races and results (source_results.c stores those), so a
 * rerun spends no requests here. */
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "stages/source.h"

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

/* A list is complete once fetched to its end; the `meta` record says so,
 * so a run killed halfway through a list fetches it again. */
static int list_complete(source_run *r, const char *coll, int *complete, err *e)
{
    char name[64];
    snprintf(name, sizeof name, "list_%s", coll);
    const char *kv[] = {name};
    cJSON *doc = NULL;
    if (store_get(r->st, "meta", kv, &doc, e) != 0)
        return -1;
    *complete = doc != NULL;
    cJSON_Delete(doc);
    return 0;
}

static int mark_list_complete(source_run *r, const char *coll, err *e)
{
    char name[64];
    snprintf(name, sizeof name, "list_%s", coll);
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "name", name);
    int rc = source_put(r, "meta", doc, e);
    cJSON_Delete(doc);
    return rc;
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
        int complete = 0;
        /* refresh refetches without reading the old record: it may be the
         * corrupt document refresh is run to repair. */
        if (!r->cfg->refresh && list_complete(r, lists[i].coll, &complete, e) != 0)
            return -1;
        log_group_begin("%s", lists[i].coll);
        int rc = 0;
        if (complete) {
            log_info("%s: stored; new ones come with races and results", lists[i].coll);
        } else {
            rc = source_pages(r, lists[i].path, lists[i].kind, 0, list_page, (void *)lists[i].coll, NULL,
                              e);
            if (rc == 0)
                rc = mark_list_complete(r, lists[i].coll, e);
            fetched++;
        }
        log_group_end();
        if (rc != 0)
            return -1;
    }
    r->lists_fetched = fetched == (int)(sizeof lists / sizeof *lists);
    return 0;
}
