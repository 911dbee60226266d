/* sha256: SHA-256 digests as lowercase hex, computed with OpenSSL's EVP
 * interface (never a hand-written hash).
 *
 * Used for the package manifest, its verification and the artifact digest.
 * Stateless: each call hashes one complete byte range. */
#ifndef F1_CORE_SHA256_H
#define F1_CORE_SHA256_H

#include <stddef.h>

#include "core/err.h"

/* 64 hex digits plus the NUL. */
#define SHA256_HEX_SIZE 65

/* Writes the digest of the n bytes at data into out as 64 lowercase hex
 * digits.  Returns 0, or -1 when OpenSSL fails (out is then ""). */
int sha256_hex(const void *data, size_t n, char out[SHA256_HEX_SIZE], err *e);

/* The same for the whole file at path, read in chunks (any size); a file
 * of data-dir, opened as fs_open_read says (a regular file, no symlink). */
int sha256_file_hex(const char *path, char out[SHA256_HEX_SIZE], err *e);

#endif
