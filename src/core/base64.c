#include "core/base64.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

size_t base64_encode(const void *data, size_t n, char *out)
{
    /* EVP_EncodeBlock takes an int length; callers encode ids and tokens. */
    return (size_t)EVP_EncodeBlock((unsigned char *)out, data, (int)n);
}

int base64_decode(const char *text, size_t n, buf *out, err *e)
{
    /* EVP_DecodeBlock wants the standard alphabet in whole padded quads and
     * decodes padding as zero bytes, so normalise first and trim after. */
    if (n % 4 == 1 || n > (size_t)1 << 28)
        return err_setk(e, ERR_DATA, "not base64 text (length %zu)", n);
    size_t padded = (n + 3) / 4 * 4;
    char *in = malloc(padded + 1);
    unsigned char *bytes = malloc(padded / 4 * 3 + 1);
    int rc = -1;
    if (in == NULL || bytes == NULL) {
        err_set(e, "out of memory decoding base64");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        in[i] = text[i] == '-' ? '+' : text[i] == '_' ? '/' : text[i];
    memset(in + n, '=', padded - n);
    in[padded] = '\0';
    size_t data_len = strcspn(in, "=");
    size_t pad = padded - data_len;
    int len = -1;
    if (pad <= 2 && strspn(in + data_len, "=") == pad)
        len = EVP_DecodeBlock(bytes, (unsigned char *)in, (int)padded);
    if (len < 0 || (size_t)len < pad) {
        err_setk(e, ERR_DATA, "not base64 text");
        goto out;
    }
    rc = buf_append(out, bytes, (size_t)len - pad, e);
out:
    free(in);
    free(bytes);
    return rc;
}
