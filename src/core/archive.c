#include "core/archive.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zip.h>

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

int archive_write(const char *path, const archive_member *m, int n, err *e)
{
    int code = 0;
    zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &code);
    if (za == NULL)
        return archive_open_error(code, ERR_STORE, "cannot create", path, e);
    archive_dostime mt = archive_mtime();
    for (int i = 0; i < n; i++) {
        if (archive_add(za, path, &m[i], mt, e) != 0) {
            zip_discard(za);
            return -1;
        }
    }
    if (zip_close(za) != 0) {
        archive_fail(za, path, "write", e);
        zip_discard(za);
        return -1;
    }
    return 0;
}

static int archive_read_member(zip_t *za, zip_uint64_t i, const char *path, archive_member *out, err *e)
{
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za, i, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME) || !(st.valid & ZIP_STAT_SIZE))
        return err_setk(e, ERR_DATA, "zip '%s': cannot read member %llu: %s", path,
                        (unsigned long long)i, zip_strerror(za));
    if (st.size > ARCHIVE_MEMBER_MAX)
        return err_setk(e, ERR_DATA, "zip '%s': member '%s' is larger than %zu bytes", path, st.name,
                        (size_t)ARCHIVE_MEMBER_MAX);
    char *name = strdup(st.name);
    char *data = malloc((size_t)st.size + 1);
    out->name = name;
    out->data = data;
    if (name == NULL || data == NULL)
        return err_set(e, "out of memory reading zip '%s'", path);
    zip_file_t *zf = zip_fopen_index(za, i, 0);
    if (zf == NULL)
        return err_setk(e, ERR_DATA, "zip '%s': cannot open member '%s': %s", path, name, zip_strerror(za));
    size_t len = 0;
    zip_int64_t got = 0;
    while (len < st.size) {
        got = zip_fread(zf, data + len, st.size - len);
        if (got <= 0)
            break;
        len += (size_t)got;
    }
    /* One more read must hit EOF: that is where libzip checks the CRC, and
     * data beyond the header's size means a damaged member too. */
    char extra;
    if (got >= 0 && len == st.size)
        got = zip_fread(zf, &extra, 1);
    int rc = 0;
    if (got != 0 || len != st.size)
        rc = err_setk(e, ERR_DATA, "zip '%s': member '%s' is damaged (%s)", path, name,
                      got < 0 ? zip_file_strerror(zf) : "size differs from its header");
    zip_fclose(zf);
    data[st.size] = '\0';
    out->len = (size_t)st.size;
    return rc;
}

archive_contents *archive_read(const char *path, err *e)
{
    int code = 0;
    zip_t *za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &code);
    if (za == NULL) {
        archive_open_error(code, ERR_DATA, "cannot read", path, e);
        return NULL;
    }
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
    for (zip_int64_t i = 0; i < n; i++) {
        c->n++;
        if (archive_read_member(za, (zip_uint64_t)i, path, &c->m[i], e) != 0)
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
