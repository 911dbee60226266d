#include "core/sha256.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/fsutil.h"

static void sha256_to_hex(const unsigned char *md, unsigned len, char out[SHA256_HEX_SIZE])
{
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < len && 2 * i + 2 < SHA256_HEX_SIZE; i++) {
        out[2 * i] = digits[md[i] >> 4];
        out[2 * i + 1] = digits[md[i] & 0xf];
    }
    out[SHA256_HEX_SIZE - 1] = '\0';
}

/* Feeds the context from either a memory range (f == NULL) or a file. */
static int sha256_feed(EVP_MD_CTX *ctx, const void *data, size_t n, FILE *f, const char *what, err *e)
{
    if (f == NULL) {
        if (EVP_DigestUpdate(ctx, data, n) != 1)
            return err_set(e, "sha-256 of %s failed in openssl", what);
        return 0;
    }
    unsigned char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (EVP_DigestUpdate(ctx, chunk, got) != 1)
            return err_set(e, "sha-256 of %s failed in openssl", what);
    if (ferror(f))
        return err_setk(e, ERR_DATA, "cannot read '%s'", what);
    return 0;
}

static int sha256_run(const void *data, size_t n, FILE *f, const char *what,
                      char out[SHA256_HEX_SIZE], err *e)
{
    out[0] = '\0';
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL)
        return err_set(e, "out of memory for a sha-256 context");
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    int rc = -1;
    if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        err_set(e, "sha-256 is not available in openssl");
        goto out;
    }
    if (sha256_feed(ctx, data, n, f, what, e) != 0)
        goto out;
    if (EVP_DigestFinal_ex(ctx, md, &len) != 1 || len != 32) {
        err_set(e, "sha-256 of %s failed in openssl", what);
        goto out;
    }
    sha256_to_hex(md, len, out);
    rc = 0;
out:
    EVP_MD_CTX_free(ctx);
    return rc;
}

int sha256_hex(const void *data, size_t n, char out[SHA256_HEX_SIZE], err *e)
{
    return sha256_run(data, n, NULL, "a buffer", out, e);
}

int sha256_file_hex(const char *path, char out[SHA256_HEX_SIZE], err *e)
{
    size_t size;
    int fd = fs_open_read(path, 0, 0, &size, e); /* a FIFO or device in data-dir is refused */
    FILE *f = fd < 0 ? NULL : fdopen(fd, "rb");
    if (f == NULL) {
        if (fd >= 0)
            close(fd);
        out[0] = '\0';
        return fd < 0 ? -1 : err_setk(e, ERR_DATA, "cannot open '%s': %s", path, strerror(errno));
    }
    int rc = sha256_run(NULL, 0, f, path, out, e);
    fclose(f);
    return rc;
}
