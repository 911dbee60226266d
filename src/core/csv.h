/* csv: RFC 4180 reading and writing, the format of every table f1-mlops
 * writes (prepared.csv, features.csv, predictions.csv) and of the test data.
 *
 * Reader: walks a whole file held in memory (data, len); it never reads
 * past data + len, so any byte string is safe input (NULs included).
 * Fields are separated by ',', records end at LF or CRLF (a lone CR is
 * data), a field that starts with '"' is quoted: it runs to the next lone
 * '"', may hold commas, line breaks and doubled quotes ("" = one "), and
 * must be followed by ',' or the end of the record.  Bytes pass through
 * untouched (UTF-8 stays UTF-8).  A file may end with or without a final
 * line break; a UTF-8 byte-order mark at the very start is skipped.
 *
 * The reader owns the decoded fields of the current record: they are
 * NUL-terminated and valid until the next csv_next() or csv_reader_release().
 * The input itself is borrowed and must outlive the reader.
 *
 * Writer: appends to a buf, quoting a field only when it holds a comma, a
 * quote, CR or LF, so what it writes reads back identically. */
#ifndef F1_CORE_CSV_H
#define F1_CORE_CSV_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

typedef struct {
    const char *data;   /* borrowed input */
    size_t len;
    size_t pos;         /* next byte to read */
    long line;          /* 1-based line of the next record, for messages */
    char *text;         /* decoded fields, back to back, each NUL-terminated */
    size_t text_len;
    size_t text_alloc;
    size_t *offs;       /* start of each field in text */
    char **fields;      /* the current record: nfields pointers into text */
    int nfields;
    int fields_alloc;
} csv_reader;

/* Starts reading data[0..len).  Nothing is allocated until csv_next(). */
void csv_reader_init(csv_reader *r, const char *data, size_t len);

/* Reads the next record into r->fields / r->nfields.  Returns 1 when a
 * record was read, 0 at the end of the input, -1 on a malformed record
 * (unterminated quote, text after a closing quote) or out of memory, with
 * the line number in the message. */
int csv_next(csv_reader *r, err *e);

/* Frees what the reader allocated; the reader may be initialised again. */
void csv_reader_release(csv_reader *r);

/* Appends one field, quoted only when needed. */
int csv_put_field(buf *b, const char *s, err *e);

/* Appends a whole record: n fields separated by commas, then LF. */
int csv_put_row(buf *b, const char *const *fields, int n, err *e);

#endif
