/* store_mongo: the MongoDB backend (mongo-c-driver, single-threaded client).
 *
 * One MongoDB collection per store collection, each with a unique index
 * "f1_key" on its key fields, so no writer can ever duplicate a key; an
 * upsert is a replaceOne with upsert:true filtered on `_id`, the key fields
 * joined by '|' (see key_id).  Documents
 * cross as JSON text (cJSON prints, libbson parses; relaxed extended JSON on
 * the way back), so strings stay strings, and `_id` is projected away so a
 * document comes back exactly as stored.  The URI is a secret: messages name
 * the hosts only, and pass through the logger's redaction in case the
 * driver ever quotes a credential. */
#include "store/store.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mongoc/mongoc.h>

#include "core/log.h"

#define CONNECT_TIMEOUT_MS 5000
#define SELECT_TIMEOUT_MS 5000
/* Bounds a read from a server that vanished without closing the socket;
 * every single operation here answers in well under a second. */
#define SOCKET_TIMEOUT_MS 30000

typedef struct {
    store base;
    mongoc_client_t *client;
    char db[128];
    char hosts[256]; /* "host:port,..." for messages; never credentials */
} mongo_store;

/* Sets kind ERR_STORE and "<what>: <driver message>", redacted. */
static int mongo_fail(err *e, const bson_error_t *berr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int mongo_fail(err *e, const bson_error_t *berr, const char *fmt, ...)
{
    char what[512], raw[ERR_MSG_MAX], red[ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(raw, sizeof raw, "%s: %s", what, berr->message);
    log_redact(raw, red, sizeof red);
    return err_setk(e, ERR_STORE, "%s", red);
}

static bson_t *to_bson(const char *coll, const cJSON *doc, err *e)
{
    char *text = cJSON_PrintUnformatted(doc);
    if (text == NULL) {
        err_set(e, "store: out of memory printing a '%s' document", coll);
        return NULL;
    }
    bson_error_t berr;
    bson_t *b = bson_new_from_json((const uint8_t *)text, -1, &berr);
    free(text);
    if (b == NULL)
        err_setk(e, ERR_DATA, "store: a '%s' document is not valid for MongoDB: %s", coll, berr.message);
    return b;
}

static cJSON *from_bson(const char *coll, const bson_t *b, err *e)
{
    size_t len;
    char *text = bson_as_relaxed_extended_json(b, &len);
    cJSON *doc = text ? cJSON_ParseWithLength(text, len) : NULL;
    bson_free(text);
    if (doc == NULL)
        err_setk(e, ERR_STORE, "store: cannot read a '%s' document from MongoDB", coll);
    return doc;
}

/* The natural key as one string, "1950|1", used as `_id`: lookups by `_id`
 * are what every server answers from its primary index (FerretDB's SQLite
 * backend scans the whole collection for any other filter, which made a
 * cold pull quadratic).  The unique index on the key fields stays. */
static void key_id(const char *coll, const char *const *values, char *out, size_t n)
{
    const char *const *keys = store_key_fields(coll);
    size_t o = 0;
    out[0] = '\0';
    for (int i = 0; keys[i] != NULL && o < n; i++)
        o += (size_t)snprintf(out + o, n - o, "%s%s", i ? "|" : "", values[i]);
}

static bson_t *key_filter(const char *coll, const char *const *values)
{
    char id[512];
    key_id(coll, values, id, sizeof id);
    bson_t *f = bson_new();
    BSON_APPEND_UTF8(f, "_id", id);
    return f;
}

/* The document as BSON with its `_id`, and the {_id} filter for it. */
static bson_t *keyed_bson(const char *coll, const cJSON *doc, bson_t **filter, err *e)
{
    const char *values[STORE_KEY_MAX + 1];
    if (store_doc_key(coll, doc, values, e) != 0)
        return NULL;
    bson_t *b = to_bson(coll, doc, e);
    if (b == NULL)
        return NULL;
    *filter = key_filter(coll, values);
    bson_iter_t id;
    if (bson_iter_init_find(&id, *filter, "_id"))
        bson_append_iter(b, "_id", -1, &id);
    return b;
}

static int mongo_upsert(store *s, const char *coll, const cJSON *doc, err *e)
{
    mongo_store *m = (mongo_store *)s;
    bson_t *filter = NULL;
    bson_t *repl = keyed_bson(coll, doc, &filter, e);
    if (repl == NULL)
        return -1;
    bson_t *opts = BCON_NEW("upsert", BCON_BOOL(true));
    mongoc_collection_t *c = mongoc_client_get_collection(m->client, m->db, coll);
    bson_error_t berr;
    int rc = 0;
    if (!mongoc_collection_replace_one(c, filter, repl, opts, NULL, &berr))
        rc = mongo_fail(e, &berr, "store: MongoDB upsert into '%s' at %s failed", coll, m->hosts);
    mongoc_collection_destroy(c);
    bson_destroy(opts);
    bson_destroy(filter);
    bson_destroy(repl);
    return rc;
}

static int mongo_put_new(store *s, const char *coll, const cJSON *doc, err *e)
{
    mongo_store *m = (mongo_store *)s;
    bson_t *filter = NULL;
    bson_t *ins = keyed_bson(coll, doc, &filter, e);
    if (ins == NULL)
        return -1;
    mongoc_collection_t *c = mongoc_client_get_collection(m->client, m->db, coll);
    bson_error_t berr;
    int rc = 0;
    if (!mongoc_collection_insert_one(c, ins, NULL, NULL, &berr)) {
        /* 11000: the key exists after all (a resumed run rewriting what the
         * killed one had written): replace it. */
        if (berr.code == 11000)
            rc = mongo_upsert(s, coll, doc, e);
        else
            rc = mongo_fail(e, &berr, "store: MongoDB insert into '%s' at %s failed", coll, m->hosts);
    }
    mongoc_collection_destroy(c);
    bson_destroy(filter);
    bson_destroy(ins);
    return rc;
}

/* Receives each found document; may take it by setting *doc = NULL. */
typedef int (*found_fn)(cJSON **doc, void *ctx, err *e);

/* Runs find(filter) without `_id` and hands every document to fn. */
static int mongo_find(mongo_store *m, const char *coll, const bson_t *filter, found_fn fn, void *ctx,
                      err *e)
{
    bson_t *opts = BCON_NEW("projection", "{", "_id", BCON_INT32(0), "}");
    mongoc_collection_t *c = mongoc_client_get_collection(m->client, m->db, coll);
    mongoc_cursor_t *cur = mongoc_collection_find_with_opts(c, filter, opts, NULL);
    const bson_t *b;
    bson_error_t berr;
    int rc = 0;
    while (rc == 0 && mongoc_cursor_next(cur, &b)) {
        cJSON *doc = from_bson(coll, b, e);
        rc = doc ? fn(&doc, ctx, e) : -1;
        cJSON_Delete(doc);
    }
    if (rc == 0 && mongoc_cursor_error(cur, &berr))
        rc = mongo_fail(e, &berr, "store: MongoDB find in '%s' at %s failed", coll, m->hosts);
    mongoc_cursor_destroy(cur);
    mongoc_collection_destroy(c);
    bson_destroy(opts);
    return rc;
}

static int take_doc(cJSON **doc, void *ctx, err *e)
{
    (void)e;
    *(cJSON **)ctx = *doc;
    *doc = NULL;
    return 0;
}

static int mongo_get(store *s, const char *coll, const char *const *key_values, cJSON **out, err *e)
{
    *out = NULL;
    bson_t *filter = key_filter(coll, key_values);
    int rc = mongo_find((mongo_store *)s, coll, filter, take_doc, out, e);
    bson_destroy(filter);
    if (rc != 0) {
        cJSON_Delete(*out);
        *out = NULL;
    }
    return rc;
}

typedef struct {
    store_visit_fn fn;
    void *ctx;
    const char *coll; /* for errors */
} visit_ctx;

static int visit_doc(cJSON **doc, void *ctx, err *e)
{
    visit_ctx *v = ctx;
    if (v->fn(*doc, v->ctx, e) == 0)
        return 0;
    const char *key[STORE_KEY_MAX + 1] = {NULL};
    err ignored;
    store_doc_key(v->coll, *doc, key, &ignored);
    return err_wrap(e, "MongoDB document %s '%s%s%s'", v->coll, key[0] ? key[0] : "?", key[1] ? "|" : "",
                    key[1] ? key[1] : "");
}

static int mongo_list(store *s, const char *coll, const char *field, const char *value,
                      store_visit_fn fn, void *ctx, err *e)
{
    bson_t *filter = bson_new();
    if (field != NULL)
        BSON_APPEND_UTF8(filter, field, value);
    visit_ctx v = {fn, ctx, coll};
    int rc = mongo_find((mongo_store *)s, coll, filter, visit_doc, &v, e);
    bson_destroy(filter);
    return rc;
}

static int mongo_count(store *s, const char *coll, long *out, err *e)
{
    mongo_store *m = (mongo_store *)s;
    bson_t filter = BSON_INITIALIZER;
    bson_error_t berr;
    mongoc_collection_t *c = mongoc_client_get_collection(m->client, m->db, coll);
    int64_t n = mongoc_collection_count_documents(c, &filter, NULL, NULL, NULL, &berr);
    mongoc_collection_destroy(c);
    bson_destroy(&filter);
    if (n < 0)
        return mongo_fail(e, &berr, "store: MongoDB count of '%s' at %s failed", coll, m->hosts);
    *out = (long)n;
    return 0;
}

/* createIndexes {key: {k1: 1, ...}, name: "f1_key", unique: true}: a no-op
 * when the index already exists. */
static int ensure_index(mongo_store *m, mongoc_database_t *db, const char *coll, err *e)
{
    const char *const *keys = store_key_fields(coll);
    bson_t cmd = BSON_INITIALIZER, indexes, index, key;
    BSON_APPEND_UTF8(&cmd, "createIndexes", coll);
    BSON_APPEND_ARRAY_BEGIN(&cmd, "indexes", &indexes);
    BSON_APPEND_DOCUMENT_BEGIN(&indexes, "0", &index);
    BSON_APPEND_DOCUMENT_BEGIN(&index, "key", &key);
    for (int i = 0; keys[i] != NULL; i++)
        BSON_APPEND_INT32(&key, keys[i], 1);
    bson_append_document_end(&index, &key);
    BSON_APPEND_UTF8(&index, "name", "f1_key");
    BSON_APPEND_BOOL(&index, "unique", true);
    bson_append_document_end(&indexes, &index);
    bson_append_array_end(&cmd, &indexes);
    bson_error_t berr;
    int rc = 0;
    if (!mongoc_database_write_command_with_opts(db, &cmd, NULL, NULL, &berr))
        rc = mongo_fail(e, &berr, "store: cannot create the unique key index of '%s' at %s", coll,
                        m->hosts);
    bson_destroy(&cmd);
    return rc;
}

static void mongo_close(store *s)
{
    mongo_store *m = (mongo_store *)s;
    mongoc_client_destroy(m->client); /* NULL-safe: open may fail before */
    free(m);
}

/* No list_parts: the server sends one cursor's batches in order. */
static const store_ops mongo_ops = {.upsert = mongo_upsert,
                                    .put_new = mongo_put_new,
                                    .get = mongo_get,
                                    .list = mongo_list,
                                    .count = mongo_count,
                                    .close = mongo_close};

static void default_option(mongoc_uri_t *uri, const char *name, int32_t value)
{
    if (!mongoc_uri_has_option(uri, name))
        mongoc_uri_set_option_as_int32(uri, name, value);
}

/* "host:port,host:port" (or the SRV name) from the parsed URI. */
static void describe_hosts(const mongoc_uri_t *uri, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (const mongoc_host_list_t *h = mongoc_uri_get_hosts(uri); h != NULL && len < n; h = h->next) {
        int w = snprintf(out + len, n - len, "%s%s", len ? "," : "", h->host_and_port);
        len += w > 0 ? (size_t)w : 0;
    }
    if (out[0] == '\0' && mongoc_uri_get_srv_hostname(uri) != NULL)
        snprintf(out, n, "%s (SRV)", mongoc_uri_get_srv_hostname(uri));
}

static int mongo_connect(mongo_store *m, const mongoc_uri_t *uri, err *e)
{
    bson_error_t berr;
    m->client = mongoc_client_new_from_uri_with_error(uri, &berr);
    if (m->client == NULL)
        return mongo_fail(e, &berr, "cannot reach MongoDB at %s (from input 'mongodb-uri')", m->hosts);
    mongoc_client_set_error_api(m->client, MONGOC_ERROR_API_VERSION_2);
    mongoc_client_set_appname(m->client, "f1-mlops");
    /* Ping now so an unreachable server or bad credentials fail at open,
     * not in the middle of a stage. */
    bson_t *ping = BCON_NEW("ping", BCON_INT32(1));
    bool ok = mongoc_client_command_simple(m->client, m->db, ping, NULL, NULL, &berr);
    bson_destroy(ping);
    if (!ok && berr.domain == MONGOC_ERROR_CLIENT && berr.code == MONGOC_ERROR_CLIENT_AUTHENTICATE)
        return mongo_fail(e, &berr, "MongoDB at %s rejected the credentials (from input 'mongodb-uri')",
                          m->hosts);
    if (!ok)
        return mongo_fail(e, &berr, "cannot reach MongoDB at %s (from input 'mongodb-uri')", m->hosts);
    mongoc_database_t *db = mongoc_client_get_database(m->client, m->db);
    int rc = 0;
    for (int i = 0; rc == 0 && store_collection_at(i) != NULL; i++)
        rc = ensure_index(m, db, store_collection_at(i), e);
    mongoc_database_destroy(db);
    return rc;
}

store *store_open_mongo(const char *uri_text, const char *database, err *e)
{
    bson_error_t berr;
    mongoc_uri_t *uri = mongoc_uri_new_with_error(uri_text, &berr);
    if (uri == NULL) {
        char red[ERR_MSG_MAX];
        log_redact(berr.message, red, sizeof red);
        err_setk(e, ERR_INPUT, "input 'mongodb-uri' is not a valid MongoDB URI: %s", red);
        return NULL;
    }
    log_mask(mongoc_uri_get_password(uri)); /* so log_redact hides it */
    default_option(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, SELECT_TIMEOUT_MS);
    default_option(uri, MONGOC_URI_CONNECTTIMEOUTMS, CONNECT_TIMEOUT_MS);
    default_option(uri, MONGOC_URI_SOCKETTIMEOUTMS, SOCKET_TIMEOUT_MS);
    mongo_store *m = calloc(1, sizeof *m);
    if (m == NULL) {
        mongoc_uri_destroy(uri);
        err_set(e, "store: out of memory");
        return NULL;
    }
    m->base.ops = &mongo_ops;
    m->base.kind = "mongodb";
    describe_hosts(uri, m->hosts, sizeof m->hosts);
    int rc;
    if (snprintf(m->db, sizeof m->db, "%s", database) >= (int)sizeof m->db)
        rc = err_setk(e, ERR_INPUT, "input 'mongodb-database': name too long");
    else
        rc = mongo_connect(m, uri, e);
    mongoc_uri_destroy(uri);
    if (rc != 0) {
        mongo_close(&m->base);
        return NULL;
    }
    return &m->base;
}
