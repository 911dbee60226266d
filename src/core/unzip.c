#include "core/unzip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#define UNZIP_CHUNK ((size_t)64 << 10)

struct unzip {
    zip_t *za;
    char what[512];
};

static unzip *unzip_new(const char *what, err *e)
{
    unzip *u = calloc(1, sizeof *u);
    if (u == NULL) {
        err_set(e, "out of memory opening %s", what);
        return NULL;
    }
    snprintf(u->what, sizeof u->what, "%s", what);
    return u;
}

unzip *unzip_open_file(const char *path, err *e)
{
    char what[512];
    snprintf(what, sizeof what, "'%s'", path);
    unzip *u = unzip_new(what, e);
    if (u == NULL)
        return NULL;
    int code = 0;
    u->za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &code);
    if (u->za == NULL) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, code);
        err_setk(e, ERR_DATA, "cannot read zip %s: %s", u->what, zip_error_strerror(&ze));
        zip_error_fini(&ze);
        free(u);
        return NULL;
    }
    return u;
}

unzip *unzip_open_mem(const void *data, size_t len, const char *what, err *e)
{
    unzip *u = unzip_new(what, e);
    if (u == NULL)
        return NULL;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    if (src != NULL) {
        u->za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
        if (u->za == NULL)
            zip_source_free(src);
    }
    if (u->za == NULL) {
        err_setk(e, ERR_DATA, "cannot read zip %s: %s", u->what, zip_error_strerror(&ze));
        zip_error_fini(&ze);
        free(u);
        return NULL;
    }
    zip_error_fini(&ze);
    return u;
}

void unzip_close(unzip *u)
{
    if (u == NULL)
        return;
    /* Read-only: nothing to write back. */
    zip_discard(u->za);
    free(u);
}

int unzip_has(unzip *u, const char *name)
{
    return zip_name_locate(u->za, name, 0) >= 0;
}

/* Checks what the central directory says about member idx before any of
 * it is inflated; *size gets its declared size. */
static int member_check(unzip *u, zip_int64_t idx, const char *name, size_t cap, zip_uint64_t *size,
                        err *e)
{
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(u->za, (zip_uint64_t)idx, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
        return err_setk(e, ERR_DATA, "zip %s: cannot read the entry of '%s': %s", u->what, name,
                        zip_strerror(u->za));
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
        return err_setk(e, ERR_DATA, "zip %s: member '%s' is encrypted", u->what, name);
    if ((st.valid & ZIP_STAT_COMP_METHOD) && !zip_compression_method_supported(st.comp_method, 0))
        return err_setk(e, ERR_DATA, "zip %s: member '%s' uses an unsupported compression method (%d)",
                        u->what, name, (int)st.comp_method);
    if (st.size > cap)
        return err_setk(e, ERR_DATA, "zip %s: member '%s' declares %llu bytes, more than the limit of %zu",
                        u->what, name, (unsigned long long)st.size, cap);
    *size = st.size;
    return 0;
}

int unzip_read(unzip *u, const char *name, size_t cap, buf *out, err *e)
{
    zip_int64_t idx = zip_name_locate(u->za, name, 0);
    if (idx < 0)
        return err_setk(e, ERR_DATA, "zip %s has no member '%s'", u->what, name);
    zip_uint64_t size = 0;
    if (member_check(u, idx, name, cap, &size, e) != 0)
        return -1;
    zip_file_t *zf = zip_fopen_index(u->za, (zip_uint64_t)idx, 0);
    if (zf == NULL)
        return err_setk(e, ERR_DATA, "zip %s: cannot open member '%s': %s", u->what, name,
                        zip_strerror(u->za));
    char *chunk = malloc(UNZIP_CHUNK);
    zip_uint64_t total = 0;
    int rc = -1;
    if (chunk == NULL) {
        err_set(e, "out of memory reading zip %s", u->what);
        goto out;
    }
    /* Until end of data, which is where libzip checks the CRC; never more
     * than one byte past the declared size, so a member that inflates to
     * more than it declares stops here. */
    for (;;) {
        zip_uint64_t left = size + 1 - total;
        zip_int64_t got = zip_fread(zf, chunk, left < UNZIP_CHUNK ? left : UNZIP_CHUNK);
        if (got < 0) {
            err_setk(e, ERR_DATA, "zip %s: member '%s' is damaged: %s", u->what, name,
                     zip_file_strerror(zf));
            goto out;
        }
        if (got == 0)
            break;
        total += (zip_uint64_t)got;
        if (total > size) {
            err_setk(e, ERR_DATA, "zip %s: member '%s' inflates to more than the %llu bytes it declares",
                     u->what, name, (unsigned long long)size);
            goto out;
        }
        if (buf_append(out, chunk, (size_t)got, e) != 0) {
            err_wrap(e, "zip %s: member '%s'", u->what, name);
            goto out;
        }
    }
    if (total != size) {
        err_setk(e, ERR_DATA, "zip %s: member '%s' holds %llu bytes, not the %llu it declares", u->what,
                 name, (unsigned long long)total, (unsigned long long)size);
        goto out;
    }
    rc = 0;
out:
    free(chunk);
    zip_fclose(zf);
    return rc;
}
