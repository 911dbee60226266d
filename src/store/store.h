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
 * taken from the document itself; every key field must be a non-empty
 * string.  Upserting a document with an existing key replaces it, so a
 * rerun never duplicates, and each document is always either its old or
 * its new version, even when the run is killed mid-write.  The store never
 * takes ownership of a document passed in; documents handed out (store_get,
 * visitors) are owned by the store and valid only during the call/visit
 * unless stated.  A document comes back exactly as stored: same fields,
 * same types (strings stay strings), nothing added.
 *
 * Collections and keys:
 *   seasons (season), circuits (circuitId), drivers (driverId),
 *   constructors (constructorId), races (season, round),
 *   results (season, round), qualifying (season, round), weather (season,
 *   round), progress (season), qualifying_progress (season), meta (name).
 * Any other collection name is an error.
 *
 * Errors have kind ERR_STORE (backend failure: I/O, MongoDB unreachable),
 * ERR_DATA (a document without its key fields) or ERR_INTERNAL (unknown
 * collection: a programming error).  A store is not thread-safe: use one
 * from one thread at a time. */
#ifndef F1_STORE_STORE_H
#define F1_STORE_STORE_H

#include <cjson/cJSON.h>

#include "core/err.h"

/* Most key fields any collection has. */
#define STORE_KEY_MAX 2

typedef struct store store;

/* Called once per document; return 0 to go on, -1 to stop with an error. */
typedef int (*store_visit_fn)(const cJSON *doc, void *ctx, err *e);

/* Backend operations.  The store_* wrappers below check the collection and
 * the document's key before calling them, so backends may assume both. */
typedef struct {
    int (*upsert)(store *s, const char *coll, const cJSON *doc, err *e);
    /* An upsert for a document that is most likely new: the same result,
     * but a server that must search for the key before an update (FerretDB
     * scans the whole collection for it) is asked to insert first and
     * replaces only when the key turns out to exist. */
    int (*put_new)(store *s, const char *coll, const cJSON *doc, err *e);
    /* *out = a new document the caller frees with cJSON_Delete, or NULL when
     * absent.  key_values are the key fields' values, in key order. */
    int (*get)(store *s, const char *coll, const char *const *key_values, cJSON **out, err *e);
    /* Visits every document whose top-level string `field` equals `value`
     * (all documents when field is NULL), in no particular order. */
    int (*list)(store *s, const char *coll, const char *field, const char *value,
                store_visit_fn fn, void *ctx, err *e);
    /* Optional (NULL: store_list_parts visits everything as one part):
     * see store_list_parts. */
    int (*list_parts)(store *s, const char *coll, int max_parts, store_visit_fn fn,
                      void *const *ctxs, err *e);
    int (*count)(store *s, const char *coll, long *out, err *e);
    void (*close)(store *s);
} store_ops;

struct store {
    const store_ops *ops;
    const char *kind; /* "embedded" or "mongodb", for logs */
};

/* Opens (creating when needed) the embedded store under data_dir and
 * deletes temp files left by killed runs.  Returns NULL with *e set on
 * failure.  Free with store_close(). */
store *store_open_dir(const char *data_dir, err *e);

/* Connects to MongoDB (uri is a secret: never printed, nor its password put
 * in an error), pings it, and ensures the unique indexes.  Unless the URI
 * sets them, server selection and connect time out after 5 s and socket
 * reads after 30 s, so a lost server gives an error, not a hang.  Returns
 * NULL with a clear error (kind ERR_STORE, naming hosts only) when the
 * server cannot be reached.  mongoc_init() must have been called.  Free
 * with store_close(). */
store *store_open_mongo(const char *uri, const char *database, err *e);

/* The key field names of a collection (NULL-terminated list), or NULL for
 * an unknown collection. */
const char *const *store_key_fields(const char *coll);

/* The name of the i-th collection (0-based, for backends that set up every
 * collection at open), or NULL when i is past the last. */
const char *store_collection_at(int i);

/* Fills values[0..n-1] with pointers to the document's key values (owned by
 * doc) and values[n] with NULL; values must hold STORE_KEY_MAX + 1.
 * Returns -1 (ERR_DATA, naming the collection and field) when a key field
 * is missing, not a string or empty, or when coll is unknown. */
int store_doc_key(const char *coll, const cJSON *doc, const char **values, err *e);

/* Convenience wrappers over s->ops; they validate as described above. */
int store_upsert(store *s, const char *coll, const cJSON *doc, err *e);
int store_put_new(store *s, const char *coll, const cJSON *doc, err *e);
int store_get(store *s, const char *coll, const char *const *key_values, cJSON **out, err *e);
int store_list(store *s, const char *coll, const char *field, const char *value,
               store_visit_fn fn, void *ctx, err *e);
/* Visits every document of coll, as store_list with no filter does, on
 * up to max_parts threads: the documents are split into parts that share
 * none, and part k's go to fn with ctxs[k], one at a time on one thread,
 * so visitors need no locks as long as their contexts share nothing they
 * write.  Parsing the documents is most of a listing's time, and it is
 * independent per document.  Returns the number of parts used (from 1 to
 * max_parts; the MongoDB backend uses one) or -1 (the error of the first
 * part that failed; the others stop early). */
int store_list_parts(store *s, const char *coll, int max_parts, store_visit_fn fn,
                     void *const *ctxs, err *e);
int store_count(store *s, const char *coll, long *out, err *e);
/* store_close(NULL) is a no-op. */
void store_close(store *s);

#endif
