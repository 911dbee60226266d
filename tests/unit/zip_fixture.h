/* zip_fixture: writes small zips with libzip for the tests that read them
 * (test_unzip, test_github), and damages them on purpose. */
#ifndef F1_TESTS_ZIP_FIXTURE_H
#define F1_TESTS_ZIP_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

/* One member: name and bytes. */
typedef struct {
    const char *name;
    const void *data;
    size_t len;
} zip_fixture_member;

/* Writes the n members, deflated, to path.  Returns 0 or -1. */
static inline int zip_fixture_write(const char *path, const zip_fixture_member *m, int n)
{
    int code = 0;
    zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &code);
    if (za == NULL)
        return -1;
    for (int i = 0; i < n; i++) {
        zip_source_t *src = zip_source_buffer(za, m[i].data, m[i].len, 0);
        zip_int64_t idx = src ? zip_file_add(za, m[i].name, src, ZIP_FL_ENC_UTF_8) : -1;
        if (idx < 0 || zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 9) != 0) {
            zip_source_free(src);
            zip_discard(za);
            return -1;
        }
    }
    return zip_close(za) == 0 ? 0 : -1;
}

/* The whole file at path (caller frees); *len its size. */
static inline unsigned char *zip_fixture_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    *len = 0;
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *d = malloc((size_t)n + 1);
    if (d != NULL && fread(d, 1, (size_t)n, f) != (size_t)n) {
        free(d);
        d = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return d;
}

static inline int zip_fixture_dump(const char *path, const unsigned char *d, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    int rc = fwrite(d, 1, len, f) == len ? 0 : -1;
    return fclose(f) == 0 ? rc : -1;
}

/* Rewrites the uncompressed size of every entry (local headers and the
 * central directory) of the single-member zip at path to `size`: a member
 * that lies about how big it inflates, as zip bombs do.  Returns 0 or -1. */
static inline int zip_fixture_lie_about_size(const char *path, unsigned size)
{
    size_t len;
    unsigned char *d = zip_fixture_slurp(path, &len);
    if (d == NULL)
        return -1;
    unsigned char le[4] = {(unsigned char)size, (unsigned char)(size >> 8), (unsigned char)(size >> 16),
                           (unsigned char)(size >> 24)};
    int patched = 0;
    for (size_t i = 0; i + 46 <= len; i++) {
        if (memcmp(d + i, "PK\x03\x04", 4) == 0) {
            memcpy(d + i + 22, le, 4);
            patched++;
        } else if (memcmp(d + i, "PK\x01\x02", 4) == 0) {
            memcpy(d + i + 24, le, 4);
            patched++;
        }
    }
    int rc = patched == 2 ? zip_fixture_dump(path, d, len) : -1;
    free(d);
    return rc;
}

#endif
