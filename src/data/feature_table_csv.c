#include <float.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/fsutil.h"
#include "core/num.h"
#include "data/feature_set.h"
#include "data/feature_table.h"

/* Longest text format_number writes: "%.17g" of any double. */
#define NUMBER_MAX 25
/* Rows transposed at a time when writing. */
#define WRITE_BLOCK 256

/* Writes v as features.csv writes numbers into out (at least NUMBER_MAX
 * bytes, not NUL-terminated) and returns the length.  Integral values
 * (nearly all of them) and values with at most 4 decimals below 1e5 (the
 * spec's form sums) are converted by hand, which is what makes writing 27k
 * x 60 values fast; the text is exactly what "%.10g" prints for them,
 * because such a value has at most 9 significant digits.  Others use
 * "%.10g" when it reads back to the same double, else "%.17g" (v2's
 * logarithms and ratios), so every value reads back bit-identical. */
static int format_g(char *out, double v)
{
    char tmp[32];
    int len = snprintf(tmp, sizeof tmp, "%.10g", v);
    if (strtod(tmp, NULL) != v)
        len = snprintf(tmp, sizeof tmp, "%.17g", v);
    memcpy(out, tmp, (size_t)len);
    return len;
}

static int format_number(char *out, double v)
{
    if (isnan(v)) { /* a missing v2 value, whatever the sign bit of the NaN */
        memcpy(out, "nan", 3);
        return 3;
    }
    if (v == 0 || v == 1) { /* most cells: one-hot and flag columns */
        out[0] = v == 0 ? '0' : '1';
        return 1;
    }
    double a = fabs(v);
    if (!(a < 1e5)) /* NaN too */
        return format_g(out, v);
    long long whole = (long long)a, frac = 0;
    int decimals = 0;
    if ((double)whole != a) {
        long long units = (long long)(a * 10000.0 + 0.5);
        if ((double)units / 10000.0 != a)
            return format_g(out, v);
        whole = units / 10000;
        frac = units % 10000;
        for (decimals = 4; decimals > 0 && frac % 10 == 0; decimals--)
            frac /= 10;
    }
    char tmp[NUMBER_MAX];
    char *p = tmp + sizeof tmp;
    for (int d = 0; d < decimals; d++, frac /= 10)
        *--p = (char)('0' + frac % 10);
    if (decimals > 0)
        *--p = '.';
    do {
        *--p = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole != 0);
    if (v < 0)
        *--p = '-';
    int len = (int)(tmp + sizeof tmp - p);
    memcpy(out, p, (size_t)len);
    return len;
}

int feature_table_write(const feature_table *t, const char *path, err *e)
{
    buf b;
    buf_init(&b, 0);
    fs_out o;
    int rc = -1, open = 0;
    /* One row's numbers: each with its comma, then won and the newline. */
    char *line = malloc(((size_t)t->nfeat + 1) * (NUMBER_MAX + 1) + 1);
    double *block = malloc(sizeof *block * WRITE_BLOCK * ((size_t)t->nfeat + 1));
    if (line == NULL || block == NULL) {
        err_set(e, "features: out of memory");
        goto out;
    }
    /* Derived data, rebuilt by rerunning the stage: atomic for readers,
     * but not worth an fsync of megabytes (see README, "Files"). */
    if (fs_out_open(&o, path, 0, e) != 0)
        goto out;
    open = 1;
    if (buf_puts(&b, "driver_id", e) != 0)
        goto out;
    for (int j = 0; j < t->nfeat; j++)
        if (buf_append(&b, ",", 1, e) != 0 || csv_put_field(&b, t->names[j], e) != 0)
            goto out;
    if (buf_puts(&b, ",won\n", e) != 0)
        goto out;
    size_t n = (size_t)t->nrows, nf = (size_t)t->nfeat;
    for (size_t i0 = 0; i0 < n; i0 += WRITE_BLOCK) {
        size_t rows = n - i0 < WRITE_BLOCK ? n - i0 : WRITE_BLOCK;
        /* Column-major to row-major a block at a time: reading a row
         * straight from x would touch one cache line per value. */
        for (size_t j = 0; j < nf; j++)
            for (size_t k = 0; k < rows; k++)
                block[k * (nf + 1) + j] = t->x[j * n + i0 + k];
        for (size_t k = 0; k < rows; k++)
            block[k * (nf + 1) + nf] = t->won[i0 + k];
        for (size_t k = 0; k < rows; k++) {
            size_t len = 0;
            for (size_t j = 0; j <= nf; j++) {
                line[len++] = ',';
                len += (size_t)format_number(line + len, block[k * (nf + 1) + j]);
            }
            line[len++] = '\n';
            if (csv_put_field(&b, t->driver_id[i0 + k], e) != 0 ||
                buf_append(&b, line, len, e) != 0)
                goto out;
        }
        if (fs_out_put(&o, &b, i0 + rows == n, e) != 0) {
            open = 0;
            goto out;
        }
    }
    if (n == 0 && fs_out_put(&o, &b, 1, e) != 0) {
        open = 0;
        goto out;
    }
    open = 0;
    if (fs_out_commit(&o, e) != 0)
        goto out;
    rc = 0;
out:
    if (open)
        fs_out_abort(&o);
    free(block);
    free(line);
    buf_release(&b);
    return rc;
}

/* Powers of ten a double holds exactly. */
static const double POW10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

/* A plain decimal at p (a leading '-', at most 15 digits, at most one
 * '.' with digits after it) in *out, converted by hand: the digits as an
 * integer below 2^53 and a power of ten are both exact doubles, so their
 * quotient is the correctly rounded value, the same as strtod's.  Returns
 * where the number ends, or NULL when [p, end) does not start with one. */
static const char *plain_decimal(const char *p, const char *end, double *out)
{
    int neg = p < end && *p == '-';
    long long v = 0;
    int digits = 0, decimals = -1;
    for (p += neg; p < end; p++) {
        if (*p >= '0' && *p <= '9') {
            if (++digits > 15)
                return NULL; /* more than a double holds exactly */
            v = v * 10 + (*p - '0');
            decimals += decimals >= 0;
        } else if (*p == '.' && decimals < 0) {
            decimals = 0;
        } else {
            break;
        }
    }
    if (digits == 0 || decimals == 0)
        return NULL;
    double d = decimals > 0 ? (double)v / POW10[decimals] : (double)v;
    *out = neg ? -d : d;
    return p;
}

/* Parses a whole field as a number: a plain decimal (every value
 * features.csv holds) by hand, anything else by core/num.h's rule (no
 * "nan", "inf", hex or overflow: trees need finite values). */
static int parse_number(const char *s, double *out)
{
    const char *stop = s + strlen(s);
    if (plain_decimal(s, stop, out) == stop)
        return 0;
    err ignored; /* the caller names the field */
    return num_parse_finite(s, -DBL_MAX, DBL_MAX, out, &ignored);
}

/* A missing value as features.csv writes it ("nan"), or an empty cell. */
static int is_missing(const char *p, const char *end)
{
    return p == end || (end - p == 3 && memcmp(p, "nan", 3) == 0);
}

/* Checks the header; sets the number of features and the columns of
 * season and round among them. */
static int read_header(const csv_reader *r, const char *path, feature_table *t, int *season_col,
                       int *round_col, err *e)
{
    int nf = r->nfields - 2;
    if (nf < 1 || strcmp(r->fields[0], "driver_id") != 0 ||
        strcmp(r->fields[r->nfields - 1], "won") != 0)
        return err_setk(e, ERR_DATA, "%s: not a features.csv (expected driver_id, features, won)",
                        path);
    t->names = calloc((size_t)nf, sizeof *t->names);
    if (t->names == NULL)
        return err_set(e, "features: out of memory");
    t->nfeat = nf;
    *season_col = *round_col = -1;
    for (int j = 0; j < nf; j++) {
        t->names[j] = strdup(r->fields[j + 1]);
        if (t->names[j] == NULL)
            return err_set(e, "features: out of memory");
        if (strcmp(t->names[j], "season") == 0)
            *season_col = j;
        if (strcmp(t->names[j], "round") == 0)
            *round_col = j;
    }
    if (*season_col < 0 || *round_col < 0)
        return err_setk(e, ERR_DATA, "%s: no season or round column", path);
    return 0;
}

/* A whole number as small as prepared.csv's integers. */
static int is_int_value(double v)
{
    return v == floor(v) && fabs(v) <= 1e6;
}

/* Moves the block's rows [i0, i0 + rows) (row-major: features then won)
 * into the table's columns; the table has room for `cap` rows. */
static int scatter_block(feature_table *t, size_t cap, const double *block, size_t i0,
                         size_t rows, int season_col, int round_col, const char *path, err *e)
{
    size_t nf = (size_t)t->nfeat;
    for (size_t j = 0; j < nf; j++)
        for (size_t k = 0; k < rows; k++)
            t->x[j * cap + i0 + k] = block[k * (nf + 1) + j];
    for (size_t k = 0; k < rows; k++) {
        const double *row = block + k * (nf + 1);
        t->won[i0 + k] = row[nf];
        /* casting a double outside int's range is undefined: check first */
        if (!is_int_value(row[season_col]) || !is_int_value(row[round_col]))
            return err_setk(e, ERR_DATA,
                            "%s: data row %zu: season or round is not a whole number", path,
                            i0 + k + 1);
        t->season[i0 + k] = (int)row[season_col];
        t->round[i0 + k] = (int)row[round_col];
    }
    return 0;
}

/* A field [p, end) that is not a plain decimal: strtod's number (finite,
 * the whole field), or, in a column that may be missing, "nan" or nothing
 * (NAN).  Returns 0, or -1 for anything else. */
static int other_value(const char *p, const char *end, int missing_ok, double *out)
{
    if (missing_ok && is_missing(p, end)) {
        *out = NAN;
        return 0;
    }
    char tmp[NUMBER_MAX + 8];
    size_t n = (size_t)(end - p);
    if (n == 0 || n >= sizeof tmp)
        return -1;
    memcpy(tmp, p, n);
    tmp[n] = '\0';
    return parse_number(tmp, out);
}

/* One data record of the usual shape, straight from the file: an
 * unquoted driver id, then nvals numbers (plain decimals read by hand,
 * others by strtod) or, in a column of set `set` that may be missing,
 * "nan" or nothing, ending at LF.  Values go to out (NAN for missing), the
 * id to *id / *idlen.  Returns the start of the next record, or NULL when
 * the record is anything else (the caller then reads it with the CSV
 * reader, which accepts every form and names the fault). */
static const char *fast_record(const char *p, const char *end, size_t nvals, feature_set set,
                               double *out, const char **id, size_t *idlen)
{
    const char *q = p;
    while (q < end && *q != ',' && *q != '"' && *q != '\n' && *q != '\r')
        q++;
    if (q == end || *q != ',')
        return NULL;
    *id = p;
    *idlen = (size_t)(q - p);
    for (size_t j = 0; j < nvals; j++) {
        char stop = j + 1 < nvals ? ',' : '\n';
        const char *v = q + 1; /* after the comma before it */
        q = plain_decimal(v, end, &out[j]);
        if (q == NULL || q == end || *q != stop) {
            q = memchr(v, stop, (size_t)(end - v));
            if (q == NULL || memchr(v, '"', (size_t)(q - v)) != NULL ||
                other_value(v, q, j + 1 < nvals && feature_set_missing_ok(set, (int)j), &out[j]) != 0)
                return NULL;
        }
    }
    return q + 1;
}

/* Reads the record at r->pos with the CSV reader into block and the id. */
static int slow_record(csv_reader *r, const char *path, size_t nf, feature_set set, double *block,
                       char **id, err *e)
{
    long line = r->line;
    int got = csv_next(r, e);
    if (got < 0)
        return -1;
    if (got == 0 || r->nfields != (int)nf + 2)
        return err_setk(e, ERR_DATA, "%s: line %ld: %d fields, expected %zu", path, line,
                        got == 0 ? 0 : r->nfields, nf + 2);
    *id = strdup(r->fields[0]);
    if (*id == NULL)
        return err_set(e, "features: out of memory");
    for (size_t j = 1; j < nf + 2; j++) {
        const char *f = r->fields[j];
        int missing_ok = j <= nf && feature_set_missing_ok(set, (int)j - 1);
        if (missing_ok && is_missing(f, f + strlen(f)))
            block[j - 1] = NAN;
        else if (parse_number(f, &block[j - 1]) != 0)
            return err_setk(e, ERR_DATA, "%s: line %ld: column %zu: '%s' is not a %s", path, line,
                            j + 1, f, missing_ok ? "number or missing (nan)" : "finite number");
    }
    return 0;
}

/* Where season and round sit among a record's values (after driver_id),
 * and how many values a record has (the features, then won). */
typedef struct {
    int season_col, round_col;
    size_t nvals;
    feature_set set;  /* which columns may be missing */
} record_keys;

/* A plain integer field [p, end) (digits, a leading '-'), else -1. */
static int plain_int(const char *p, const char *end, int *out)
{
    int neg = p < end && *p == '-', v = 0, n = 0;
    for (p += neg; p < end && n < 7; p++, n++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
    }
    if (n == 0 || p != end)
        return -1;
    *out = neg ? -v : v;
    return 0;
}

/* Reads the season and round of the record at r->pos and moves past it,
 * without reading its other values: 1, 0 at the end, -1 when the record
 * is malformed.  A line without quotes is split at its commas; anything
 * else goes through the CSV reader. */
static int next_key(csv_reader *r, const char *path, const record_keys *k, int *season,
                    int *round, err *e)
{
    if (r->pos >= r->len)
        return 0;
    const char *p = r->data + r->pos, *end = r->data + r->len;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *stop = nl != NULL ? nl : end;
    if (memchr(p, '"', (size_t)(stop - p)) == NULL) {
        int last = k->season_col > k->round_col ? k->season_col : k->round_col, ok = 1;
        const char *f = memchr(p, ',', (size_t)(stop - p)); /* after the id */
        for (int col = 0; ok && col <= last; col++) {
            const char *fe = f == NULL ? NULL : memchr(f + 1, ',', (size_t)(stop - f - 1));
            if (f == NULL || fe == NULL) /* won follows, so a key is never last */
                ok = 0;
            else if (col == k->season_col)
                ok = plain_int(f + 1, fe, season) == 0;
            else if (col == k->round_col)
                ok = plain_int(f + 1, fe, round) == 0;
            f = fe;
        }
        if (ok) {
            r->pos = (size_t)((nl != NULL ? nl + 1 : end) - r->data);
            r->line++;
            return 1;
        }
    }
    long line = r->line;
    int got = csv_next(r, e);
    if (got <= 0)
        return got;
    if (r->nfields != (int)k->nvals + 1)
        return err_setk(e, ERR_DATA, "%s: line %ld: %d fields, expected %zu", path, line,
                        r->nfields, k->nvals + 1);
    double s, d;
    if (parse_number(r->fields[k->season_col + 1], &s) != 0 || !is_int_value(s) ||
        parse_number(r->fields[k->round_col + 1], &d) != 0 || !is_int_value(d))
        return err_setk(e, ERR_DATA, "%s: line %ld: season or round is not a whole number", path,
                        line);
    *season = (int)s;
    *round = (int)d;
    return 1;
}

/* Reads the data records (from r->pos on) into t, which has room for cap
 * rows (t->nrows counts them), WRITE_BLOCK rows at a time through
 * `block`; only those of seasons [first, last] unless first is 0. */
static int read_rows(csv_reader *r, const char *path, feature_table *t, size_t cap,
                     const record_keys *k, int first, int last, double *block, err *e)
{
    size_t nf = (size_t)t->nfeat, rows = 0;
    const char *end = r->data + r->len;
    t->nrows = 0;
    for (;;) {
        int more = r->pos < r->len;
        if (more && first != 0) {
            /* only seasons [first, last]: others are passed over */
            size_t start = r->pos;
            long line = r->line;
            int season, round;
            if (next_key(r, path, k, &season, &round, e) < 0)
                return -1;
            if (season < first || season > last)
                continue;
            r->pos = start;
            r->line = line;
        }
        if (more) {
            size_t i = (size_t)t->nrows + rows;
            if (i >= cap)
                return err_setk(e, ERR_DATA, "%s: more records than lines", path);
            double *vals = &block[rows * (nf + 1)];
            const char *id;
            size_t idlen;
            const char *next = fast_record(r->data + r->pos, end, nf + 1, k->set, vals, &id,
                                           &idlen);
            if (next != NULL) {
                t->driver_id[i] = strndup(id, idlen);
                if (t->driver_id[i] == NULL)
                    return err_set(e, "features: out of memory");
                r->pos = (size_t)(next - r->data);
                r->line++;
            } else if (slow_record(r, path, nf, k->set, vals, &t->driver_id[i], e) != 0) {
                return -1;
            }
            rows++;
        }
        if (rows == WRITE_BLOCK || (!more && rows > 0)) {
            /* nrows first: feature_table_release must see the driver ids */
            size_t i0 = (size_t)t->nrows;
            t->nrows += (int)rows;
            if (scatter_block(t, cap, block, i0, rows, k->season_col, k->round_col, path, e) != 0)
                return -1;
            rows = 0;
        }
        if (!more)
            return 0;
    }
}

/* Data lines at most: the line breaks, plus a last line without one. */
static size_t max_records(const fs_map *m)
{
    size_t n = 1;
    for (const char *p = m->data, *end = m->data + m->len;
         (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
        n++;
    return n;
}

/* Maps path and reads its header into t (names) and *k; r reads the
 * records that follow. */
static int open_table(const char *path, fs_map *m, csv_reader *r, feature_table *t,
                      record_keys *k, err *e)
{
    if (fs_map_file(path, m, e) != 0)
        return -1;
    csv_reader_init(r, m->data, m->len);
    int got = csv_next(r, e);
    if (got == 0)
        return err_setk(e, ERR_DATA, "%s: empty file", path);
    if (got != 1 || read_header(r, path, t, &k->season_col, &k->round_col, e) != 0)
        return -1;
    k->nvals = (size_t)t->nfeat + 1;
    k->set = feature_set_of(t->names, t->nfeat);
    return 0;
}

/* Counts, in one pass over the records r reads, the rows and races of
 * each of the n ranges c[i]. */
static int count_keys(csv_reader *r, const char *path, const record_keys *k, season_count *c,
                      int n, err *e)
{
    int season = 0, round = 0, prev_season = 0, prev_round = 0, got;
    for (int i = 0; i < n; i++)
        c[i].rows = c[i].races = 0;
    while ((got = next_key(r, path, k, &season, &round, e)) == 1) {
        for (int i = 0; i < n; i++) {
            if (season < c[i].first || season > c[i].last)
                continue;
            /* the row before was in the range too when it is the same race */
            if (c[i].rows == 0 || season != prev_season || round != prev_round)
                c[i].races++;
            c[i].rows++;
        }
        prev_season = season;
        prev_round = round;
    }
    return got;
}

int feature_table_read(const char *path, feature_table *out, err *e)
{
    return feature_table_read_seasons(path, 0, 0, NULL, out, e);
}

int feature_table_read_seasons(const char *path, int first, int last, season_count *also,
                          feature_table *out, err *e)
{
    fs_map m = {"", 0};
    csv_reader r;
    csv_reader_init(&r, NULL, 0);
    double *block = NULL;
    record_keys k;
    int rc = -1;
    size_t cap = 0;
    memset(out, 0, sizeof *out);
    if (open_table(path, &m, &r, out, &k, e) != 0)
        goto out;
    /* The table is sized once and its columns closed up at the end:
     * growing 15 MB while reading would copy and fault it in again.  For
     * every line, or, for some seasons, for the rows a first pass over
     * their keys finds (the pass that counts `also` too). */
    cap = max_records(&m);
    if (first != 0 || also != NULL) {
        size_t pos = r.pos;
        long line = r.line;
        season_count c[2] = {{.first = first, .last = last}};
        if (also != NULL)
            c[1] = *also;
        if (count_keys(&r, path, &k, c, also != NULL ? 2 : 1, e) != 0)
            goto out;
        if (first != 0)
            cap = (size_t)c[0].rows + 1;
        if (also != NULL)
            *also = c[1];
        r.pos = pos;
        r.line = line;
    }
    size_t nf = (size_t)out->nfeat;
    char **names = out->names;
    out->names = NULL;
    int alloc = feature_table_alloc(out, (int)cap, (int)nf, e);
    free(out->names);
    out->names = names;
    out->nrows = 0;
    block = malloc(sizeof *block * WRITE_BLOCK * (nf + 1));
    if (alloc != 0 || block == NULL) {
        err_set(e, "features: out of memory");
        goto out;
    }
    if (read_rows(&r, path, out, cap, &k, first, last, block, e) != 0)
        goto out;
    size_t n = (size_t)out->nrows;
    for (size_t j = 1; j < nf && n < cap; j++)
        memmove(out->x + j * n, out->x + j * cap, n * sizeof *out->x);
    rc = 0;
out:
    /* ids of a block not yet counted in nrows (feature_table_release frees those
     * counted) */
    for (size_t i = (size_t)out->nrows; rc != 0 && out->driver_id != NULL && i < cap; i++)
        free(out->driver_id[i]);
    if (rc != 0)
        feature_table_release(out);
    free(block);
    csv_reader_release(&r);
    fs_unmap(&m);
    return rc;
}
