/* store: the collection table and the checks every backend relies on. */
#include "store/store.h"

#include <stddef.h>
#include <string.h>

static const char *const key_season[] = {"season", NULL};
static const char *const key_season_round[] = {"season", "round", NULL};
static const char *const key_circuit[] = {"circuitId", NULL};
static const char *const key_driver[] = {"driverId", NULL};
static const char *const key_constructor[] = {"constructorId", NULL};
static const char *const key_name[] = {"name", NULL};

static const struct {
    const char *name;
    const char *const *keys;
} collections[] = {
    {"seasons", key_season},
    {"circuits", key_circuit},
    {"drivers", key_driver},
    {"constructors", key_constructor},
    {"races", key_season_round},
    {"results", key_season_round},
    {"qualifying", key_season_round},
    {"weather", key_season_round},
    {"progress", key_season},
    {"qualifying_progress", key_season},
    {"meta", key_name},
};

#define N_COLLECTIONS ((int)(sizeof collections / sizeof collections[0]))

const char *const *store_key_fields(const char *coll)
{
    if (coll == NULL)
        return NULL;
    for (int i = 0; i < N_COLLECTIONS; i++)
        if (strcmp(collections[i].name, coll) == 0)
            return collections[i].keys;
    return NULL;
}

const char *store_collection_at(int i)
{
    return i >= 0 && i < N_COLLECTIONS ? collections[i].name : NULL;
}

static const char *const *known_keys(const char *coll, err *e)
{
    const char *const *keys = store_key_fields(coll);
    if (keys == NULL)
        err_set(e, "store: unknown collection '%s'", coll ? coll : "(null)");
    return keys;
}

int store_doc_key(const char *coll, const cJSON *doc, const char **values, err *e)
{
    const char *const *keys = known_keys(coll, e);
    if (keys == NULL)
        return -1;
    if (!cJSON_IsObject(doc))
        return err_setk(e, ERR_DATA, "store: a '%s' document must be a JSON object", coll);
    int n = 0;
    for (; keys[n] != NULL; n++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, keys[n]);
        if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
            return err_setk(e, ERR_DATA, "store: '%s' document without key field '%s' as a non-empty string",
                            coll, keys[n]);
        values[n] = v->valuestring;
    }
    values[n] = NULL;
    return 0;
}

int store_upsert(store *s, const char *coll, const cJSON *doc, err *e)
{
    const char *values[STORE_KEY_MAX + 1];
    if (store_doc_key(coll, doc, values, e) != 0)
        return -1;
    return s->ops->upsert(s, coll, doc, e);
}

int store_put_new(store *s, const char *coll, const cJSON *doc, err *e)
{
    const char *values[STORE_KEY_MAX + 1];
    if (store_doc_key(coll, doc, values, e) != 0)
        return -1;
    return s->ops->put_new(s, coll, doc, e);
}

int store_get(store *s, const char *coll, const char *const *key_values, cJSON **out, err *e)
{
    *out = NULL;
    const char *const *keys = known_keys(coll, e);
    if (keys == NULL)
        return -1;
    for (int i = 0; keys[i] != NULL; i++)
        if (key_values == NULL || key_values[i] == NULL || key_values[i][0] == '\0')
            return err_set(e, "store: get from '%s' without a value for key field '%s'", coll, keys[i]);
    return s->ops->get(s, coll, key_values, out, e);
}

int store_list(store *s, const char *coll, const char *field, const char *value,
               store_visit_fn fn, void *ctx, err *e)
{
    if (known_keys(coll, e) == NULL)
        return -1;
    if (field != NULL && value == NULL)
        return err_set(e, "store: list of '%s' filtered on '%s' without a value", coll, field);
    return s->ops->list(s, coll, field, value, fn, ctx, e);
}

int store_list_parts(store *s, const char *coll, int max_parts, store_visit_fn fn,
                     void *const *ctxs, err *e)
{
    if (known_keys(coll, e) == NULL)
        return -1;
    if (max_parts < 1)
        return err_setk(e, ERR_INTERNAL, "store: list of '%s' in %d parts", coll, max_parts);
    if (s->ops->list_parts == NULL || max_parts == 1)
        return s->ops->list(s, coll, NULL, NULL, fn, ctxs[0], e) != 0 ? -1 : 1;
    return s->ops->list_parts(s, coll, max_parts, fn, ctxs, e);
}

int store_count(store *s, const char *coll, long *out, err *e)
{
    *out = 0;
    if (known_keys(coll, e) == NULL)
        return -1;
    return s->ops->count(s, coll, out, e);
}

void store_close(store *s)
{
    if (s != NULL)
        s->ops->close(s);
}
