/* buf: one growable byte buffer with a hard size cap.
 *
 * Used for HTTP bodies and generated text.  The buffer owns `data`; it is
 * always NUL-terminated (the NUL is not counted in `len`).  Growing past
 * `cap` is an error (-1 with a message), never a crash or a silent cut.
 * buf_release() frees the storage and leaves an empty buffer; a zeroed
 * struct is a valid empty buffer with no cap (cap 0 = unlimited). */
#ifndef F1_CORE_BUF_H
#define F1_CORE_BUF_H

#include <stddef.h>

#include "core/err.h"

typedef struct {
    char *data;
    size_t len;
    size_t alloc;
    size_t cap;  /* maximum len; 0 = unlimited */
} buf;

void buf_init(buf *b, size_t cap);
int buf_append(buf *b, const void *p, size_t n, err *e);
/* Makes room for `extra` more bytes (and the NUL) without changing len. */
int buf_reserve(buf *b, size_t extra, err *e);
int buf_puts(buf *b, const char *s, err *e);
int buf_printf(buf *b, err *e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void buf_reset(buf *b);     /* len = 0, keeps storage */
void buf_release(buf *b);   /* frees storage */
/* Hands the storage to the caller (who frees it with free()); b becomes empty. */
char *buf_detach(buf *b);

#endif
