/* base64: Base64 text (RFC 4648), encoded and decoded with OpenSSL's EVP
 * block functions rather than a hand-written codec.
 *
 * Encoding writes the standard alphabet with padding (what Azure block ids
 * use).  Decoding accepts both the standard and the URL-safe alphabet, with
 * or without padding, because JSON Web Tokens use unpadded base64url.
 * Stateless; nothing here allocates except into the caller's buf. */
#ifndef F1_CORE_BASE64_H
#define F1_CORE_BASE64_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

/* Bytes needed to encode n bytes, NUL included. */
#define BASE64_ENCODED_SIZE(n) ((((n) + 2) / 3) * 4 + 1)

/* Writes the padded Base64 text of the n bytes at data, NUL-terminated, into
 * out (at least BASE64_ENCODED_SIZE(n) bytes).  Returns the text length. */
size_t base64_encode(const void *data, size_t n, char *out);

/* Decodes the n characters at text (either alphabet, padding optional) and
 * appends the bytes to *out (the caller's buf).  Returns 0, or -1 with e set
 * (kind ERR_DATA) when the text is not Base64. */
int base64_decode(const char *text, size_t n, buf *out, err *e);

#endif
