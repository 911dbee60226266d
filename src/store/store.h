/* store: where `source` keeps raw API and Wikipedia documents, behind one
 * interface with two backends (a struct of function pointers, picked by the
 * constructor; callers never know which):
 *   - store_open_dir():   embedded, one JSON file per document under
 *                         <data-dir>/store/<collection>/<key>.json, each
 *                         written to a temp name and renamed (atomic).
 *   - store_open_mongo(): MongoDB through mongo-c-driver; one collection per
 *                         entity, unique index on the natural key, upserts.
 *
 * Documents are cJSON objects holding the API's field names and string
 * values as received.  Each collection has a natural key (store_key_fields)
 * taken from the document itself; upserting a document with an existing key
 * replaces it, so a rerun never duplicates.  The store never takes ownership
 * of a document passed in; documents handed out (store_get, visitors) are
 * owned by the store and valid only during the call/visit unless stated.
 *
 * Collections and keys:
 *   seasons (season), circuits (circuitId), drivers (driverId),
 *   constructors (constructorId), races (season, round),
 *   results (season, round), weather (season, round), progress (season). */
#ifndef F1_STORE_STORE_H
#define F1_STORE_STORE_H

#include <cjson/cJSON.h>

#include "core/err.h"

typedef struct store store;

/* Called once per document; return 0 to go on, -1 to stop with an error. */
typedef int (*store_visit_fn)(const cJSON *doc, void *ctx, err *e);

typedef struct {
    int (*upsert)(store *s, const char *coll, const cJSON *doc, err *e);
    /* *out = a new document the caller frees with cJSON_Delete, or NULL when
     * absent.  key_values are the key fields' values, in key order. */
    int (*get)(store *s, const char *coll, const char *const *key_values, cJSON **out, err *e);
    /* Visits every document whose `field` equals `value` (all documents when
     * field is NULL), in no particular order. */
    int (*list)(store *s, const char *coll, const char *field, const char *value,
                store_visit_fn fn, void *ctx, err *e);
    int (*count)(store *s, const char *coll, long *out, err *e);
    void (*close)(store *s);
} store_ops;

struct store {
    const store_ops *ops;
    const char *kind; /* "embedded" or "mongodb", for logs */
};

/* Opens (creating when needed) the embedded store under data_dir.
 * Returns NULL with *e set on failure.  Free with store_close(). */
store *store_open_dir(const char *data_dir, err *e);

/* Connects to MongoDB (uri is a secret: never printed), pings it, and
 * ensures the unique indexes.  Returns NULL with a clear error
 * (kind ERR_STORE) when the server cannot be reached. */
store *store_open_mongo(const char *uri, const char *database, err *e);

/* The key field names of a collection (NULL-terminated list), or NULL for
 * an unknown collection. */
const char *const *store_key_fields(const char *coll);

/* Convenience wrappers over s->ops. */
int store_upsert(store *s, const char *coll, const cJSON *doc, err *e);
int store_get(store *s, const char *coll, const char *const *key_values, cJSON **out, err *e);
int store_list(store *s, const char *coll, const char *field, const char *value,
               store_visit_fn fn, void *ctx, err *e);
int store_count(store *s, const char *coll, long *out, err *e);
/* store_close(NULL) is a no-op. */
void store_close(store *s);

#endif
