#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/fsutil.h"
#include "data/features.h"

/* Longest text format_number writes: "%.10g" of any double. */
#define NUMBER_MAX 24
/* Rows transposed at a time when writing. */
#define WRITE_BLOCK 256

/* Writes v as features.csv writes numbers into out (at least NUMBER_MAX
 * bytes, not NUL-terminated) and returns the length.  Integral values
 * (nearly all of them) and values with at most 4 decimals below 1e5 (the
 * form sums) are converted by hand, which is what makes writing 27k x 60
 * values fast; the text is exactly what "%.10g" prints for them, because
 * such a value has at most 9 significant digits.  Others use "%.10g". */
static int format_g(char *out, double v)
{
    char tmp[32];
    int len = snprintf(tmp, sizeof tmp, "%.10g", v);
    memcpy(out, tmp, (size_t)len);
    return len;
}

static int format_number(char *out, double v)
{
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

int features_write(const feature_table *t, const char *path, err *e)
{
    buf b;
    buf_init(&b, 0);
    int rc = -1;
    /* One row's numbers: each with its comma, then won and the newline. */
    char *line = malloc(((size_t)t->nfeat + 1) * (NUMBER_MAX + 1) + 1);
    double *block = malloc(sizeof *block * WRITE_BLOCK * ((size_t)t->nfeat + 1));
    if (line == NULL || block == NULL) {
        err_set(e, "features: out of memory");
        goto out;
    }
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
    }
    if (fs_write_atomic(path, b.data, b.len, e) != 0)
        goto out;
    rc = 0;
out:
    free(block);
    free(line);
    buf_release(&b);
    return rc;
}

/* Parses a whole field as a number: short digit strings directly (exact,
 * and most fields are), anything else with strtod. */
static int parse_number(const char *s, double *out)
{
    const char *p = s + (s[0] == '-');
    long long v = 0;
    size_t nd = 0;
    while (p[nd] >= '0' && p[nd] <= '9' && nd < 15) {
        v = v * 10 + (p[nd] - '0');
        nd++;
    }
    if (nd > 0 && p[nd] == '\0') {
        *out = s[0] == '-' ? (double)-v : (double)v;
        return 0;
    }
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    /* strtod takes "nan" and "inf"; no feature is either, and trees need
     * finite values */
    return (s[0] == '\0' || *end != '\0' || errno == ERANGE || !isfinite(*out)) ? -1 : 0;
}

/* Growing row-major storage while reading; transposed at the end. */
typedef struct {
    double *v;
    size_t len;
    size_t alloc;
} doubles;

static int doubles_push(doubles *d, double v, err *e)
{
    if (d->len == d->alloc) {
        size_t n = d->alloc ? d->alloc * 2 : 4096;
        double *nv = realloc(d->v, n * sizeof *nv);
        if (nv == NULL)
            return err_set(e, "features: out of memory");
        d->v = nv;
        d->alloc = n;
    }
    d->v[d->len++] = v;
    return 0;
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

/* Reads the data records: driver ids into *ids (grown), all numbers
 * (features then won) row-major into vals. */
static int read_rows(csv_reader *r, const char *path, int nf, char ***ids, int *nrows,
                     doubles *vals, err *e)
{
    int alloc = 0;
    for (;;) {
        long line = r->line;
        int got = csv_next(r, e);
        if (got <= 0)
            return got;
        if (r->nfields != nf + 2)
            return err_setk(e, ERR_DATA, "%s: line %ld: %d fields, expected %d", path, line,
                            r->nfields, nf + 2);
        if (*nrows == alloc) {
            alloc = alloc ? alloc * 2 : 1024;
            char **grown = realloc(*ids, (size_t)alloc * sizeof *grown);
            if (grown == NULL)
                return err_set(e, "features: out of memory");
            *ids = grown;
        }
        (*ids)[*nrows] = strdup(r->fields[0]);
        if ((*ids)[(*nrows)++] == NULL)
            return err_set(e, "features: out of memory");
        for (int j = 1; j < r->nfields; j++) {
            double v;
            if (parse_number(r->fields[j], &v) != 0)
                return err_setk(e, ERR_DATA, "%s: line %ld: column %d: '%s' is not a number", path,
                                line, j + 1, r->fields[j]);
            if (doubles_push(vals, v, e) != 0)
                return -1;
        }
    }
}

/* A whole number as small as prepared.csv's integers. */
static int is_int_value(double v)
{
    return v == floor(v) && fabs(v) <= 1e6;
}

int features_read(const char *path, feature_table *out, err *e)
{
    buf b;
    buf_init(&b, 0);
    csv_reader r;
    csv_reader_init(&r, NULL, 0);
    doubles vals = {0};
    int rc = -1, season_col = -1, round_col = -1, got;
    memset(out, 0, sizeof *out);
    if (fs_read_file(path, &b, e) != 0)
        goto out;
    csv_reader_init(&r, b.data, b.len);
    got = csv_next(&r, e);
    if (got == 0)
        err_setk(e, ERR_DATA, "%s: empty file", path);
    if (got != 1 || read_header(&r, path, out, &season_col, &round_col, e) != 0 ||
        read_rows(&r, path, out->nfeat, &out->driver_id, &out->nrows, &vals, e) != 0)
        goto out;
    size_t n = (size_t)out->nrows, nf = (size_t)out->nfeat;
    out->x = malloc((nf * n + 1) * sizeof *out->x);
    out->won = malloc((n + 1) * sizeof *out->won);
    out->season = malloc((n + 1) * sizeof *out->season);
    out->round = malloc((n + 1) * sizeof *out->round);
    if (out->x == NULL || out->won == NULL || out->season == NULL || out->round == NULL) {
        err_set(e, "features: out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const double *row = vals.v + i * (nf + 1);
        for (size_t j = 0; j < nf; j++)
            out->x[j * n + i] = row[j];
        out->won[i] = row[nf];
        /* casting a double outside int's range is undefined: check first */
        if (!is_int_value(row[season_col]) || !is_int_value(row[round_col])) {
            err_setk(e, ERR_DATA, "%s: data row %zu: season or round is not a whole number", path,
                     i + 1);
            goto out;
        }
        out->season[i] = (int)row[season_col];
        out->round[i] = (int)row[round_col];
    }
    rc = 0;
out:
    if (rc != 0)
        features_free(out);
    free(vals.v);
    csv_reader_release(&r);
    buf_release(&b);
    return rc;
}
