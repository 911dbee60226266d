/* store_dir: the embedded backend, one JSON file per document.
 *
 * Layout: <data-dir>/store/<collection>/<key>.json, where <key> is the key
 * values joined by '_', each byte outside [A-Za-z0-9.-] percent-encoded
 * ('_' too when the key has several fields, so ("a_b","c") and ("a","b_c")
 * cannot share a file; a single-field key keeps its '_': max_verstappen).
 * A document file is written with fs_write_replace (temp name, rename),
 * so a run killed at any moment leaves each document old or new.  A cold
 * pull writes thousands of small documents: one fsync each cost more than
 * the whole pull, so the store syncs once, when it closes (if it wrote).
 * The only debris such a run leaves is "<key>.json.tmp.<pid>.<random>"
 * (fsutil.h): never read as a document, and deleted at open once its
 * writer is gone.  The store's directories must be real directories, not
 * symlinks (a restored data-dir is untrusted): writes never leave it. */
#include "store/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "core/fsutil.h"
#include "core/log.h"
#include "store/store_dir_io.h"

/* Leaves room under NAME_MAX (255) for ".json.tmp.<pid>.<16 hex>". */
#define KEY_NAME_MAX 200
#define DOC_MAX_BYTES (64u << 20)
#define PATH_BUF 4608

typedef struct {
    store base;
    char root[4096]; /* <data-dir>/store */
    int wrote;       /* a document was written: close must sync */
} dir_store;

int dir_each(const char *path, dir_entry_fn fn, void *ctx, err *e)
{
    DIR *dir = opendir(path);
    if (dir == NULL)
        return err_setk(e, ERR_STORE, "store: cannot open directory '%s': %s", path, strerror(errno));
    int rc = 0;
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(dir);
        if (de == NULL) {
            if (errno != 0)
                rc = err_setk(e, ERR_STORE, "store: cannot read directory '%s': %s", path, strerror(errno));
            break;
        }
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (fn(path, de->d_name, ctx, e) != 0) {
            rc = -1;
            break;
        }
    }
    closedir(dir);
    return rc;
}

static int ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

int dir_is_doc_name(const char *name)
{
    size_t len = strlen(name);
    return len > 5 && ends_with(name, len, ".json");
}

/* The writer's pid when name is a temp file "<key>.json.tmp.<pid>.<hex>"
 * (or "<key>.json.tmp.<pid>", left by older versions), else 0. */
static long temp_pid(const char *name)
{
    const char *tag = strstr(name, ".json.tmp.");
    if (tag == NULL || tag == name)
        return 0;
    const char *digits = tag + strlen(".json.tmp.");
    char *end;
    long pid = *digits >= '0' && *digits <= '9' ? strtol(digits, &end, 10) : 0;
    if (pid <= 0 || (*end != '\0' && (*end != '.' || end[1] == '\0' ||
                                       strspn(end + 1, "0123456789abcdef") != strlen(end + 1))))
        return 0;
    return pid;
}

/* Appends v to out (capacity n), percent-encoding every byte outside
 * [A-Za-z0-9.-], and '_' as well when escape_sep.  -1 when it does not fit. */
static int encode_value(const char *v, int escape_sep, char *out, size_t n)
{
    size_t len = strlen(out);
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        int plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || (*p == '_' && !escape_sep);
        if (len + 4 > n)
            return -1;
        if (plain)
            out[len++] = (char)*p;
        else
            len += (size_t)snprintf(out + len, 4, "%%%02X", *p);
    }
    out[len] = '\0';
    return 0;
}

/* The document file name for key values in key order: "<key>.json". */
static int doc_name(const char *coll, const char *const *values, char *out, size_t n, err *e)
{
    const char *const *keys = store_key_fields(coll);
    int nkeys = 0;
    while (keys[nkeys] != NULL)
        nkeys++;
    out[0] = '\0';
    for (int i = 0; i < nkeys; i++) {
        /* An unescaped "_" is the separator. */
        if ((i > 0 && encode_value("_", 0, out, KEY_NAME_MAX) != 0) ||
            encode_value(values[i], nkeys > 1, out, KEY_NAME_MAX) != 0)
            return err_setk(e, ERR_DATA, "store: '%s' key too long (starts '%.40s')", coll, values[0]);
    }
    if (snprintf(out + strlen(out), n - strlen(out), ".json") >= (int)(n - strlen(out)))
        return err_setk(e, ERR_DATA, "store: '%s' key too long", coll);
    return 0;
}

static int join_path(char *out, size_t n, const char *a, const char *b, err *e)
{
    if (snprintf(out, n, "%s/%s", a, b) >= (int)n)
        return err_setk(e, ERR_STORE, "store: path too long: '%s/%s'", a, b);
    return 0;
}

/* A file's bytes, in storage reused from file to file: a listing reads
 * thousands of documents, and one open, fstat and read into it costs a
 * fraction of stdio's per-file buffer and copies. */
static int read_file(const char *path, file_buf *fb, size_t *len, err *e)
{
    /* A FIFO, device or symlink planted as a document is refused (fsutil). */
    size_t size;
    int fd = fs_open_read(path, 0, DOC_MAX_BYTES, &size, e);
    if (fd < 0) {
        if (e != NULL)
            e->kind = ERR_STORE;
        return err_wrap(e, "store");
    }
    int rc = -1;
    if (size > fb->alloc || fb->data == NULL) {
        char *d = realloc(fb->data, size ? size : 1);
        if (d == NULL) {
            err_set(e, "store: out of memory reading '%s'", path);
            goto out;
        }
        fb->data = d;
        fb->alloc = size ? size : 1;
    }
    /* A document file is never written in place (it is replaced by a
     * rename), so the size fstat gave is the whole of it. */
    size_t n = 0;
    while (n < size) {
        ssize_t r = read(fd, fb->data + n, size - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            err_setk(e, ERR_STORE, "store: cannot read '%s': %s", path, strerror(errno));
            goto out;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *len = n;
    rc = 0;
out:
    close(fd);
    return rc;
}

int dir_read_doc(const char *path, file_buf *fb, cJSON **out, err *e)
{
    size_t len = 0;
    *out = NULL;
    if (read_file(path, fb, &len, e) != 0)
        return -1;
    cJSON *doc = cJSON_ParseWithLength(fb->data, len);
    if (!cJSON_IsObject(doc)) {
        cJSON_Delete(doc);
        return err_setk(e, ERR_STORE,
                        "store: '%s' is not a JSON document (corrupt; to repair: run source with input "
                        "refresh: true over its season, or delete the file)",
                        path);
    }
    *out = doc;
    return 0;
}

/* <root>/<coll>/<key>.json for key values in key order. */
static int doc_path(const dir_store *d, const char *coll, const char *const *values, char *out, size_t n,
                    err *e)
{
    char name[KEY_NAME_MAX + 8];
    if (doc_name(coll, values, name, sizeof name, e) != 0)
        return -1;
    if (snprintf(out, n, "%s/%s/%s", d->root, coll, name) >= (int)n)
        return err_setk(e, ERR_STORE, "store: path too long under '%s'", d->root);
    return 0;
}

static int dir_upsert(store *s, const char *coll, const cJSON *doc, err *e)
{
    const char *values[STORE_KEY_MAX + 1];
    char path[PATH_BUF];
    if (store_doc_key(coll, doc, values, e) != 0 ||
        doc_path((dir_store *)s, coll, values, path, sizeof path, e) != 0)
        return -1;
    char *text = cJSON_PrintUnformatted(doc);
    if (text == NULL)
        return err_set(e, "store: out of memory printing a '%s' document", coll);
    ((dir_store *)s)->wrote = 1;
    int rc = fs_write_replace(path, text, strlen(text), e);
    free(text);
    return rc;
}

static int dir_get(store *s, const char *coll, const char *const *key_values, cJSON **out, err *e)
{
    char path[PATH_BUF];
    *out = NULL;
    if (doc_path((dir_store *)s, coll, key_values, path, sizeof path, e) != 0)
        return -1;
    if (!fs_exists(path))
        return 0;
    file_buf fb = {NULL, 0};
    int rc = dir_read_doc(path, &fb, out, e);
    free(fb.data);
    return rc;
}

typedef struct {
    const char *field, *value;
    /* Files whose name cannot hold a match are skipped unread: when field
     * is the first key field, a match's name starts with `prefix` (and
     * equals it when `exact`). */
    char prefix[KEY_NAME_MAX + 8];
    int exact;
    store_visit_fn fn;
    void *ctx;
    file_buf fb;
} list_ctx;

static int list_entry(const char *dir, const char *name, void *ctx, err *e)
{
    list_ctx *l = ctx;
    if (!dir_is_doc_name(name))
        return 0;
    if (l->exact ? strcmp(name, l->prefix) != 0 : strncmp(name, l->prefix, strlen(l->prefix)) != 0)
        return 0;
    char path[PATH_BUF];
    cJSON *doc;
    if (join_path(path, sizeof path, dir, name, e) != 0 || dir_read_doc(path, &l->fb, &doc, e) != 0)
        return -1;
    int rc = 0;
    const cJSON *v = l->field ? cJSON_GetObjectItemCaseSensitive(doc, l->field) : NULL;
    if (l->field == NULL || (cJSON_IsString(v) && strcmp(v->valuestring, l->value) == 0))
        rc = l->fn(doc, l->ctx, e);
    cJSON_Delete(doc);
    if (rc != 0)
        err_wrap(e, "store document '%s'", path);
    return rc;
}

int store_dir_collection_path(store *s, const char *coll, char *out, size_t n, err *e)
{
    return join_path(out, n, ((dir_store *)s)->root, coll, e);
}

static int dir_list(store *s, const char *coll, const char *field, const char *value,
                    store_visit_fn fn, void *ctx, err *e)
{
    dir_store *d = (dir_store *)s;
    list_ctx l = {.field = field, .value = value, .fn = fn, .ctx = ctx};
    const char *const *keys = store_key_fields(coll);
    if (field != NULL && strcmp(field, keys[0]) == 0 && value[0] != '\0') {
        int multi = keys[1] != NULL;
        l.exact = !multi;
        if (encode_value(value, multi, l.prefix, KEY_NAME_MAX) != 0)
            return 0; /* too long to be a key: no document can match */
        strcat(l.prefix, multi ? "_" : ".json");
    }
    char path[PATH_BUF];
    if (join_path(path, sizeof path, d->root, coll, e) != 0)
        return -1;
    int rc = dir_each(path, list_entry, &l, e);
    free(l.fb.data);
    return rc;
}

static int count_entry(const char *dir, const char *name, void *ctx, err *e)
{
    (void)dir;
    (void)e;
    if (dir_is_doc_name(name))
        (*(long *)ctx)++;
    return 0;
}

static int dir_count(store *s, const char *coll, long *out, err *e)
{
    dir_store *d = (dir_store *)s;
    char path[PATH_BUF];
    *out = 0;
    if (join_path(path, sizeof path, d->root, coll, e) != 0)
        return -1;
    return dir_each(path, count_entry, out, e);
}

/* Deletes a killed writer's temp file.  A live writer's (another process
 * sharing the data dir) is left alone: it is never read as a document. */
static int sweep_entry(const char *dir, const char *name, void *ctx, err *e)
{
    long pid = temp_pid(name);
    if (pid == 0)
        return 0;
    if (pid != (long)getpid() && (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
        return 0;
    char path[PATH_BUF];
    if (join_path(path, sizeof path, dir, name, e) != 0)
        return -1;
    if (unlink(path) != 0 && errno != ENOENT)
        return err_setk(e, ERR_STORE, "store: cannot remove stale '%s': %s", path, strerror(errno));
    (*(int *)ctx)++;
    return 0;
}

/* A store only read (prepare) has nothing to sync: sync() flushes every
 * file system's dirty data and took a tenth of prepare's time. */
static void dir_close(store *s)
{
    if (((dir_store *)s)->wrote)
        sync();
    free(s);
}

/* A file is replaced by name: new or not costs the same. */
static const store_ops dir_ops = {.upsert = dir_upsert,
                                 .put_new = dir_upsert,
                                 .get = dir_get,
                                 .list = dir_list,
                                 .list_parts = dir_list_parts,
                                 .count = dir_count,
                                 .close = dir_close};

store *store_open_dir(const char *data_dir, err *e)
{
    dir_store *d = calloc(1, sizeof *d);
    if (d == NULL) {
        err_set(e, "store: out of memory");
        return NULL;
    }
    d->base.ops = &dir_ops;
    d->base.kind = "embedded";
    if (join_path(d->root, sizeof d->root, data_dir, "store", e) != 0 || fs_mkdirs(data_dir, e) != 0 ||
        fs_mkdir_in(data_dir, "store", e) != 0)
        goto fail;
    int swept = 0;
    for (int i = 0; store_collection_at(i) != NULL; i++) {
        char path[PATH_BUF];
        if (join_path(path, sizeof path, d->root, store_collection_at(i), e) != 0 ||
            fs_mkdir_in(d->root, store_collection_at(i), e) != 0 ||
            dir_each(path, sweep_entry, &swept, e) != 0)
            goto fail;
    }
    if (swept > 0)
        log_info("store: removed %d temp file(s) left by an interrupted run", swept);
    return &d->base;
fail:
    free(d);
    err_wrap(e, "cannot open the embedded store in '%s'", data_dir);
    return NULL;
}
