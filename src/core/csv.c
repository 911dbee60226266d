#include "core/csv.h"

#include <stdlib.h>
#include <string.h>

void csv_reader_init(csv_reader *r, const char *data, size_t len)
{
    memset(r, 0, sizeof *r);
    r->data = data;
    r->len = len;
    r->line = 1;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        r->pos = 3;
}

void csv_reader_release(csv_reader *r)
{
    free(r->text);
    free(r->offs);
    free(r->fields);
    r->text = NULL;
    r->offs = NULL;
    r->fields = NULL;
    r->text_alloc = 0;
    r->fields_alloc = 0;
}

/* Makes room for `extra` more decoded bytes. */
static int text_reserve(csv_reader *r, size_t extra, err *e)
{
    if (r->text_len + extra <= r->text_alloc)
        return 0;
    size_t n = r->text_alloc ? r->text_alloc : 256;
    while (n < r->text_len + extra)
        n *= 2;
    char *t = realloc(r->text, n);
    if (t == NULL)
        return err_set(e, "csv: out of memory");
    r->text = t;
    r->text_alloc = n;
    return 0;
}

static int begin_field(csv_reader *r, err *e)
{
    if (r->nfields == r->fields_alloc) {
        int n = r->fields_alloc ? r->fields_alloc * 2 : 32;
        size_t *o = realloc(r->offs, (size_t)n * sizeof *o);
        if (o == NULL)
            return err_set(e, "csv: out of memory");
        r->offs = o;
        char **f = realloc(r->fields, (size_t)n * sizeof *f);
        if (f == NULL)
            return err_set(e, "csv: out of memory");
        r->fields = f;
        r->fields_alloc = n;
    }
    r->offs[r->nfields++] = r->text_len;
    return 0;
}

static int at_crlf(const csv_reader *r, size_t pos)
{
    return pos + 1 < r->len && r->data[pos] == '\r' && r->data[pos + 1] == '\n';
}

/* Copies an unquoted field: everything up to ',', LF or CRLF. */
static int read_plain(csv_reader *r, err *e)
{
    const char *d = r->data;
    size_t start = r->pos, i = start, len = r->len;
    while (i < len && d[i] != ',' && d[i] != '\n' && !(d[i] == '\r' && at_crlf(r, i)))
        i++;
    r->pos = i;
    size_t n = i - start;
    if (text_reserve(r, n, e) != 0)
        return -1;
    if (n > 0) {
        memcpy(r->text + r->text_len, r->data + start, n);
        r->text_len += n;
    }
    return 0;
}

/* Copies a quoted field; r->pos is just past the opening quote. */
static int read_quoted(csv_reader *r, long first_line, err *e)
{
    for (;;) {
        if (r->pos >= r->len)
            return err_setk(e, ERR_DATA, "csv: line %ld: quoted field never closed", first_line);
        char c = r->data[r->pos++];
        if (c == '"') {
            if (r->pos < r->len && r->data[r->pos] == '"')
                r->pos++;
            else
                return 0;
        } else if (c == '\n') {
            r->line++;
        }
        if (text_reserve(r, 1, e) != 0)
            return -1;
        r->text[r->text_len++] = c;
    }
}

/* A record without any quote (nearly all of them) in one pass: the line is
 * copied whole and its commas become the fields' NULs.  Returns 1 when it
 * read the record, 0 when the record has a quote (nothing consumed). */
static int read_unquoted_record(csv_reader *r, err *e)
{
    const char *d = r->data + r->pos;
    size_t left = r->len - r->pos;
    const char *nl = memchr(d, '\n', left);
    size_t n = nl != NULL ? (size_t)(nl - d) : left;
    if (memchr(d, '"', n) != NULL)
        return 0;
    size_t next = r->pos + n + (nl != NULL);
    if (nl != NULL && n > 0 && d[n - 1] == '\r')
        n--; /* CRLF */
    if (text_reserve(r, n + 1, e) != 0 || begin_field(r, e) != 0)
        return -1;
    memcpy(r->text, d, n);
    r->text[n] = '\0';
    r->text_len = n + 1;
    for (char *c = memchr(r->text, ',', n); c != NULL;
         c = memchr(c + 1, ',', (size_t)(r->text + n - (c + 1)))) {
        *c = '\0';
        if (begin_field(r, e) != 0)
            return -1;
        r->offs[r->nfields - 1] = (size_t)(c + 1 - r->text);
    }
    r->pos = next;
    return 1;
}

int csv_next(csv_reader *r, err *e)
{
    if (r->pos >= r->len)
        return 0;
    r->text_len = 0;
    r->nfields = 0;
    int fast = read_unquoted_record(r, e);
    if (fast < 0)
        return -1;
    if (fast == 1) {
        r->line++;
        for (int i = 0; i < r->nfields; i++)
            r->fields[i] = r->text + r->offs[i];
        return 1;
    }
    for (;;) {
        if (begin_field(r, e) != 0)
            return -1;
        if (r->pos < r->len && r->data[r->pos] == '"') {
            long field_line = r->line;
            r->pos++;
            if (read_quoted(r, field_line, e) != 0)
                return -1;
        } else if (read_plain(r, e) != 0) {
            return -1;
        }
        if (text_reserve(r, 1, e) != 0)
            return -1;
        r->text[r->text_len++] = '\0';
        if (r->pos >= r->len)
            break;
        if (r->data[r->pos] == ',') {
            r->pos++;
            continue;
        }
        if (r->data[r->pos] == '\n') {
            r->pos++;
            break;
        }
        if (at_crlf(r, r->pos)) {
            r->pos += 2;
            break;
        }
        return err_setk(e, ERR_DATA, "csv: line %ld: unexpected text after a closing quote",
                        r->line);
    }
    r->line++;
    for (int i = 0; i < r->nfields; i++)
        r->fields[i] = r->text + r->offs[i];
    return 1;
}

int csv_put_field(buf *b, const char *s, err *e)
{
    if (strpbrk(s, ",\"\r\n") == NULL)
        return buf_puts(b, s, e);
    if (buf_append(b, "\"", 1, e) != 0)
        return -1;
    for (const char *p = s; *p; p++) {
        /* RFC 4180 escapes a quote by doubling it. */
        if (*p == '"' && buf_append(b, "\"", 1, e) != 0)
            return -1;
        if (buf_append(b, p, 1, e) != 0)
            return -1;
    }
    return buf_append(b, "\"", 1, e);
}

int csv_put_row(buf *b, const char *const *fields, int n, err *e)
{
    /* One pass per field: its length and whether it needs quotes; plain
     * fields (nearly all) are copied straight into reserved room. */
    for (int i = 0; i < n; i++) {
        const char *s = fields[i];
        size_t len = 0;
        int special = 0;
        for (; s[len] != '\0'; len++)
            special |= s[len] == ',' || s[len] == '"' || s[len] == '\r' || s[len] == '\n';
        if (special) {
            if ((i > 0 && buf_append(b, ",", 1, e) != 0) || csv_put_field(b, s, e) != 0)
                return -1;
            continue;
        }
        if (buf_reserve(b, len + 1, e) != 0)
            return -1;
        if (i > 0)
            b->data[b->len++] = ',';
        memcpy(b->data + b->len, s, len);
        b->len += len;
    }
    return buf_append(b, "\n", 1, e);
}
