/* unzip: one member read out of an untrusted zip (a downloaded artifact, a
 * model zip given as an input) with libzip, bounded.
 *
 * An unzip handle owns the open archive; a handle opened over memory only
 * borrows the bytes, which must outlive it.  Reading never trusts the
 * archive: the member's declared size is checked against the caller's cap
 * before anything is inflated, inflation stops one byte past the cap (a
 * zip bomb that lies about its size costs at most cap + 1 bytes), the
 * bytes must match the declared size and the CRC, and encrypted members
 * or unsupported methods are refused.  unzip_close(NULL) is a no-op. */
#ifndef F1_CORE_UNZIP_H
#define F1_CORE_UNZIP_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

typedef struct unzip unzip;

/* Opens the zip at path.  Returns the handle, or NULL with e set (kind
 * ERR_DATA) when the file cannot be read or is not a consistent zip. */
unzip *unzip_open_file(const char *path, err *e);

/* Opens the len bytes at data (borrowed) as a zip; `what` names them in
 * errors (e.g. "member 'f1-model.zip' of 'baseline.zip'").  Returns the
 * handle or NULL with e set (kind ERR_DATA). */
unzip *unzip_open_mem(const void *data, size_t len, const char *what, err *e);

void unzip_close(unzip *u);

/* 1 when the archive has a member called exactly name, else 0. */
int unzip_has(unzip *u, const char *name);

/* Appends the bytes of member `name` to out.  Returns 0, or -1 with e set
 * (kind ERR_DATA) when the member is missing, encrypted, declares or
 * inflates to more than cap bytes, or is damaged (size or CRC); out may
 * then hold part of it. */
int unzip_read(unzip *u, const char *name, size_t cap, buf *out, err *e);

#endif
