#include "core/archive.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zip.h>

#include "core/fsutil.h"
#include "core/log.h"

/* 1980-01-01 00:00:00, the earliest time a zip header can hold. */
#define ARCHIVE_DOS_EPOCH 315532800LL
/* 2107-12-31 23:59:58, the latest. */
#define ARCHIVE_DOS_LAST 4354819198LL
/* Our zips hold a handful of members; thousands mean a hostile file. */
#define ARCHIVE_MEMBERS_MAX 1000

typedef struct {
    zip_uint16_t time;
    zip_uint16_t date;
} archive_dostime;

/* The reproducible-builds convention: SOURCE_DATE_EPOCH fixes every
 * timestamp.  Converted as UTC, because libzip's own time_t setter uses the
 * local time zone and would make the bytes depend on TZ. */
static archive_dostime archive_mtime(void)
{
    long long t = ARCHIVE_DOS_EPOCH;
    const char *env = getenv("SOURCE_DATE_EPOCH");
    if (env != NULL && env[0] != '\0') {
        char *end;
        errno = 0;
        long long v = strtoll(env, &end, 10);
        if (*end != '\0' || errno != 0 || v < 0)
            log_warn("ignoring SOURCE_DATE_EPOCH='%s': not a whole number of seconds", env);
        else
            t = v < ARCHIVE_DOS_EPOCH ? ARCHIVE_DOS_EPOCH : v > ARCHIVE_DOS_LAST ? ARCHIVE_DOS_LAST : v;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    archive_dostime d = {
        .time = (zip_uint16_t)((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2)),
        .date = (zip_uint16_t)(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday),
    };
    return d;
}

/* zip_open reports through an int code, not through the archive. */
static int archive_open_error(int code, err_kind kind, const char *what, const char *path, err *e)
{
    zip_error_t ze;
    zip_error_init_with_code(&ze, code);
    err_setk(e, kind, "%s zip '%s': %s", what, path, zip_error_strerror(&ze));
    zip_error_fini(&ze);
    return -1;
}

static int archive_fail(zip_t *za, const char *path, const char *what, err *e)
{
    return err_setk(e, ERR_STORE, "cannot %s zip '%s': %s", what, path, zip_strerror(za));
}

static int archive_add(zip_t *za, const char *path, const archive_member *m, archive_dostime mt, err *e)
{
    zip_source_t *src = zip_source_buffer(za, m->data, m->len, 0);
    if (src == NULL)
        return archive_fail(za, path, "add a member to", e);
    zip_int64_t idx = zip_file_add(za, m->name, src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        zip_source_free(src);
        return archive_fail(za, path, "add a member to", e);
    }
    zip_uint64_t i = (zip_uint64_t)idx;
    if (zip_set_file_compression(za, i, ZIP_CM_DEFLATE, 9) != 0 ||
        zip_file_set_dostime(za, i, mt.time, mt.date, 0) != 0 ||
        zip_file_set_external_attributes(za, i, 0, ZIP_OPSYS_UNIX, (zip_uint32_t)0100644 << 16) != 0)
        return archive_fail(za, path, "set member attributes in", e);
    return 0;
}

/* The finished archive's bytes, read back from the memory source libzip
 * wrote it to; *out is malloc'ed. */
static int archive_bytes(zip_source_t *src, const char *path, char **out, size_t *len, err *e)
{
    zip_stat_t st;
    zip_stat_init(&st);
    *out = NULL;
    if (zip_source_stat(src, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) || zip_source_open(src) != 0)
        return err_setk(e, ERR_STORE, "cannot write zip '%s': %s", path,
                        zip_error_strerror(zip_source_error(src)));
    *out = malloc(st.size ? (size_t)st.size : 1);
    zip_int64_t got = *out ? zip_source_read(src, *out, st.size) : -1;
    zip_source_close(src);
    if (got < 0 || (zip_uint64_t)got != st.size) {
        free(*out);
        *out = NULL;
        return err_set(e, "cannot write zip '%s': out of memory or a short read", path);
    }
    *len = (size_t)st.size;
    return 0;
}

int archive_write(const char *path, const archive_member *m, int n, err *e)
{
    /* Built in memory and written by fsutil, like every file of data-dir:
     * libzip's own file output would be a second, unchecked way in. */
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
    if (za == NULL) {
        err_setk(e, ERR_STORE, "cannot create zip '%s': %s", path, zip_error_strerror(&ze));
        zip_error_fini(&ze);
        zip_source_free(src);
        return -1;
    }
    zip_error_fini(&ze);
    zip_source_keep(src); /* it outlives the archive: it holds the bytes */
    archive_dostime mt = archive_mtime();
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++)
        rc = archive_add(za, path, &m[i], mt, e);
    if (rc == 0 && zip_close(za) != 0)
        rc = archive_fail(za, path, "write", e);
    if (rc != 0)
        zip_discard(za);
    char *bytes = NULL;
    size_t len = 0;
    if (rc == 0)
        rc = archive_bytes(src, path, &bytes, &len, e);
    zip_source_free(src);
    if (rc == 0)
        rc = fs_write_atomic(path, bytes, len, e);
    free(bytes);
    return rc;
}

/* The zip at path, opened as fs_open_read says (never a FIFO, device or,
 * unless FS_FOLLOW, symlink) and checked for consistency; NULL with e set. */
static zip_t *archive_open(const char *path, int flags, err *e)
{
    size_t size;
    int fd = fs_open_read(path, flags, 0, &size, e);
    if (fd < 0)
        return NULL;
    int code = 0;
    zip_t *za = zip_fdopen(fd, ZIP_CHECKCONS, &code);
    if (za == NULL) {
        close(fd); /* zip_fdopen leaves it open when it fails */
        archive_open_error(code, ERR_DATA, "cannot read", path, e);
    }
    return za;
}

/* Member i's name and declared (uncompressed) size, checked against cap
 * before anything is inflated. */
static int archive_stat(zip_t *za, zip_uint64_t i, const char *path, size_t cap, zip_stat_t *st, err *e)
{
    zip_stat_init(st);
    if (zip_stat_index(za, i, 0, st) != 0 || !(st->valid & ZIP_STAT_NAME) || !(st->valid & ZIP_STAT_SIZE))
        return err_setk(e, ERR_DATA, "zip '%s': cannot read member %llu: %s", path,
                        (unsigned long long)i, zip_strerror(za));
    if (st->size > cap)
        return err_setk(e, ERR_DATA, "zip '%s': member '%s' declares %llu bytes, over its cap of %zu", path,
                        st->name, (unsigned long long)st->size, cap);
    return 0;
}

/* Inflates member i (st from archive_stat) onto the end of out.  The
 * header's size can lie: inflating stops one byte past it, and reads must
 * end exactly there (EOF is where libzip checks the CRC), so no more than
 * the declared size is ever held. */
static int archive_inflate(zip_t *za, zip_uint64_t i, const zip_stat_t *st, const char *path, buf *out, err *e)
{
    /* room for size bytes and the NUL: the byte past a lying size fits */
    if (buf_reserve(out, (size_t)st->size, e) != 0)
        return err_wrap(e, "zip '%s': member '%s'", path, st->name);
    zip_file_t *zf = zip_fopen_index(za, i, 0);
    if (zf == NULL)
        return err_setk(e, ERR_DATA, "zip '%s': cannot open member '%s': %s", path, st->name, zip_strerror(za));
    char *dst = out->data + out->len;
    zip_uint64_t len = 0;
    zip_int64_t got;
    do {
        got = zip_fread(zf, dst + len, st->size + 1 - len);
        if (got > 0)
            len += (zip_uint64_t)got;
    } while (got > 0 && len <= st->size);
    int rc = 0;
    if (got < 0 || len != st->size)
        rc = err_setk(e, ERR_DATA, "zip '%s': member '%s' is damaged (%s)", path, st->name,
                      got < 0 ? zip_file_strerror(zf)
                              : len > st->size ? "more data than its header declares" : "shorter than its header declares");
    zip_fclose(zf);
    if (rc == 0) {
        out->len += (size_t)len;
        out->data[out->len] = '\0';
    }
    return rc;
}

int archive_read_one(const char *path, int flags, const char *name, buf *out, err *e)
{
    zip_t *za = archive_open(path, flags, e);
    if (za == NULL)
        return -1;
    zip_int64_t i = zip_name_locate(za, name, 0);
    zip_stat_t st;
    int rc;
    if (i < 0)
        rc = err_setk(e, ERR_DATA, "zip '%s' holds no %s", path, name);
    else if (archive_stat(za, (zip_uint64_t)i, path, out->cap ? out->cap : ARCHIVE_MEMBER_MAX, &st, e) != 0)
        rc = -1;
    else
        rc = archive_inflate(za, (zip_uint64_t)i, &st, path, out, e);
    zip_discard(za);
    return rc;
}

archive_contents *archive_read(const char *path, err *e)
{
    zip_t *za = archive_open(path, 0, e);
    if (za == NULL)
        return NULL;
    zip_int64_t n = zip_get_num_entries(za, 0);
    if (n < 0 || n > ARCHIVE_MEMBERS_MAX) {
        zip_discard(za);
        err_setk(e, ERR_DATA, "zip '%s' has %lld members, more than an f1-mlops zip", path, (long long)n);
        return NULL;
    }
    archive_contents *c = calloc(1, sizeof *c);
    if (c != NULL)
        c->m = calloc((size_t)n + 1, sizeof *c->m);
    if (c == NULL || c->m == NULL) {
        err_set(e, "out of memory reading zip '%s'", path);
        goto fail;
    }
    /* Every declared size is checked, and their sum, before any member is
     * inflated. */
    zip_stat_t st;
    size_t total = 0;
    for (zip_int64_t i = 0; i < n; i++) {
        if (archive_stat(za, (zip_uint64_t)i, path, ARCHIVE_MEMBER_MAX, &st, e) != 0)
            goto fail;
        total += (size_t)st.size;
        if (total > ARCHIVE_TOTAL_MAX) {
            err_setk(e, ERR_DATA, "zip '%s': its members declare more than %zu bytes in all", path,
                     (size_t)ARCHIVE_TOTAL_MAX);
            goto fail;
        }
    }
    for (zip_int64_t i = 0; i < n; i++) {
        if (archive_stat(za, (zip_uint64_t)i, path, ARCHIVE_MEMBER_MAX, &st, e) != 0)
            goto fail;
        buf b;
        buf_init(&b, 0);
        int rc = archive_inflate(za, (zip_uint64_t)i, &st, path, &b, e);
        c->n++;
        c->m[i].name = strdup(st.name);
        c->m[i].len = b.len;
        c->m[i].data = buf_detach(&b);
        if (rc == 0 && (c->m[i].name == NULL || c->m[i].data == NULL))
            rc = err_set(e, "out of memory reading zip '%s'", path);
        if (rc != 0)
            goto fail;
    }
    zip_discard(za);
    return c;
fail:
    zip_discard(za);
    archive_contents_free(c);
    return NULL;
}

void archive_contents_free(archive_contents *c)
{
    if (c == NULL)
        return;
    /* The members' storage was allocated by archive_read: the const in
     * archive_member only keeps readers from writing to it. */
    for (int i = 0; i < c->n; i++) {
        free((void *)c->m[i].name);
        free((void *)c->m[i].data);
    }
    free(c->m);
    free(c);
}

const archive_member *archive_find(const archive_contents *c, const char *name)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->m[i].name, name) == 0)
            return &c->m[i];
    return NULL;
}
