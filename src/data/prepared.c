#include "core/grow.h"
#include "data/prepared.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bigmem.h"
#include "core/buf.h"
#include "core/csv.h"
#include "core/fsutil.h"
#include "core/num.h"
#include "data/bounds.h"

const char *const prepared_columns[PREPARED_NCOLS] = {
    "season", "round", "race_name", "race_date", "driver_id", "driver_name", "driver_dob",
    "driver_nationality", "constructor_id", "constructor_name", "grid", "position", "points",
    "laps", "status", "circuit_id", "country", "weather_text", "weather",
};

/* Column indexes, in prepared_columns order. */
enum {
    C_SEASON, C_ROUND, C_RACE_NAME, C_RACE_DATE, C_DRIVER_ID, C_DRIVER_NAME, C_DRIVER_DOB,
    C_DRIVER_NAT, C_CONSTRUCTOR_ID, C_CONSTRUCTOR_NAME, C_GRID, C_POSITION, C_POINTS, C_LAPS,
    C_STATUS, C_CIRCUIT_ID, C_COUNTRY, C_WEATHER_TEXT, C_WEATHER
};

/* The string fields of a row with their columns, so copying, reading and
 * writing walk one list. */
#define STRING_FIELDS(X)                                                                       \
    X(race_name, C_RACE_NAME) X(race_date, C_RACE_DATE) X(driver_id, C_DRIVER_ID)              \
    X(driver_name, C_DRIVER_NAME) X(driver_dob, C_DRIVER_DOB) X(driver_nationality, C_DRIVER_NAT) \
    X(constructor_id, C_CONSTRUCTOR_ID) X(constructor_name, C_CONSTRUCTOR_NAME)                 \
    X(status, C_STATUS) X(circuit_id, C_CIRCUIT_ID) X(country, C_COUNTRY)                       \
    X(weather_text, C_WEATHER_TEXT) X(weather, C_WEATHER)

/* A row's strings live in one allocation (one malloc per row instead of
 * thirteen: prepared_read is on the features stage's hot path) that
 * starts at the first field of STRING_FIELDS. */
static void row_free(const prepared *p, prepared_row *r)
{
    uintptr_t s = (uintptr_t)r->race_name, t = (uintptr_t)p->text;
    if (p->text == NULL || s < t || s >= t + p->text_len)
        free(r->race_name);
}

static void rows_free(prepared *p)
{
    if (p->rows_big)
        bigmem_free(p->rows);
    else
        free(p->rows);
    p->rows_big = 0;
}

void prepared_release(prepared *p)
{
    if (p == NULL)
        return;
    for (int i = 0; p->rows != NULL && i < p->n; i++)
        row_free(p, &p->rows[i]);
    rows_free(p);
    bigmem_free(p->text);
    memset(p, 0, sizeof *p);
}

/* Copies the strings of *src into one new block for *dst (NULL copies as
 * ""). */
static int row_copy(prepared_row *dst, const prepared_row *src, err *e)
{
    size_t len[PREPARED_NCOLS], total = 0;
#define FIELD_LEN(f, col)                                 \
    len[col] = src->f != NULL ? strlen(src->f) + 1 : 1; \
    total += len[col];
    STRING_FIELDS(FIELD_LEN)
#undef FIELD_LEN
    char *q = malloc(total);
    if (q == NULL)
        return err_set(e, "prepared: out of memory");
    *dst = *src;
#define FIELD_COPY(f, col)                            \
    memcpy(q, src->f != NULL ? src->f : "", len[col]); \
    dst->f = q;                                       \
    q += len[col];
    STRING_FIELDS(FIELD_COPY)
#undef FIELD_COPY
    return 0;
}

int prepared_append(prepared *p, const prepared_row *r, err *e)
{
    if (p->rows_big && p->n == p->alloc) {
        /* rows prepared_read sized exactly: continue in malloc'ed rows */
        prepared_row *rows = malloc(((size_t)p->alloc + 1) * sizeof *rows);
        if (rows == NULL)
            return err_set(e, "prepared: out of memory");
        memcpy(rows, p->rows, (size_t)p->n * sizeof *rows);
        rows_free(p);
        p->rows = rows;
        p->alloc++;
    }
    if (grow_array(&p->rows, &p->alloc, p->n + 1, sizeof *p->rows, 1024, e) != 0)
        return -1;
    if (row_copy(&p->rows[p->n], r, e) != 0)
        return -1;
    p->n++;
    return 0;
}

int prepared_move_rows(prepared *dst, prepared *src, err *e)
{
    if (src->text != NULL || src->rows_big)
        return err_setk(e, ERR_INTERNAL, "prepared: rows of a read table cannot move");
    if (src->n == 0)
        return 0;
    if (dst->rows_big || dst->text != NULL)
        return err_setk(e, ERR_INTERNAL, "prepared: rows cannot move into a read table");
    if (grow_array(&dst->rows, &dst->alloc, dst->n + src->n, sizeof *dst->rows, 1024, e) != 0)
        return -1;
    memcpy(dst->rows + dst->n, src->rows, (size_t)src->n * sizeof *src->rows);
    dst->n += src->n;
    free(src->rows);
    memset(src, 0, sizeof *src);
    return 0;
}

/* In place, cycle by cycle (a second rows array would add a tenth to the
 * stage's peak memory). */
int prepared_reorder(prepared *p, const int *order, err *e)
{
    unsigned char *done = calloc((size_t)(p->n ? p->n : 1), 1);
    if (done == NULL)
        return err_set(e, "prepared: out of memory");
    for (int i = 0; i < p->n; i++) {
        if (order[i] < 0 || order[i] >= p->n || done[order[i]]) {
            free(done);
            return err_set(e, "prepared: reorder: entry %d (%d) breaks the permutation", i, order[i]);
        }
        done[order[i]] = 1;
    }
    memset(done, 0, (size_t)p->n);
    for (int i = 0; i < p->n; i++) {
        if (done[i])
            continue;
        prepared_row first = p->rows[i];
        int j = i;
        while (order[j] != i) {
            p->rows[j] = p->rows[order[j]];
            done[j] = 1;
            j = order[j];
        }
        p->rows[j] = first;
        done[j] = 1;
    }
    free(done);
    return 0;
}

static int parse_int(const char *s, int *out)
{
    /* short digit strings (every one prepared.csv has) by hand */
    const char *d = s + (s[0] == '-');
    int v = 0, n = 0;
    while (d[n] >= '0' && d[n] <= '9' && n < 7)
        v = v * 10 + (d[n++] - '0');
    if (n > 0 && d[n] == '\0' && v <= 1000000) {
        *out = s[0] == '-' ? -v : v;
        return 0;
    }
    long l;
    err ignored; /* the caller names the column */
    if (num_parse_int(s, -1000000, 1000000, &l, &ignored) != 0)
        return -1;
    *out = (int)l;
    return 0;
}

/* Fills *r from one record's fields; strings point at the fields.  Every
 * number must lie in its data/bounds.h range: prepared.csv comes from a
 * data-dir that may be restored from a cache, so it is input like the
 * store. */
static int row_parse(char **f, prepared_row *r, const char *path, long line, err *e)
{
    static const struct {
        int col;
        size_t off;
        int lo, hi;
    } ints[] = {
        {C_SEASON, offsetof(prepared_row, season), F1_SEASON_MIN, F1_SEASON_MAX},
        {C_ROUND, offsetof(prepared_row, round), 1, F1_ROUND_MAX},
        {C_GRID, offsetof(prepared_row, grid), 0, F1_GRID_MAX},
        {C_POSITION, offsetof(prepared_row, position), 1, F1_POSITION_MAX},
        {C_LAPS, offsetof(prepared_row, laps), 0, F1_LAPS_MAX},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        int *v = (int *)((char *)r + ints[i].off);
        if (parse_int(f[ints[i].col], v) != 0 || *v < ints[i].lo || *v > ints[i].hi)
            return err_setk(e, ERR_DATA, "%s: line %ld: %s '%.40s' is not a whole number from %d to %d",
                            path, line, prepared_columns[ints[i].col], f[ints[i].col], ints[i].lo,
                            ints[i].hi);
    }
    int whole;
    if (parse_int(f[C_POINTS], &whole) == 0 && whole >= 0 && whole <= F1_POINTS_MAX) {
        r->points = whole; /* the common case, by hand */
    } else if (num_parse_finite(f[C_POINTS], 0, F1_POINTS_MAX, &r->points, e) != 0) {
        return err_wrap(e, "%s: line %ld: points", path, line);
    }
#define POINT_FIELD(fl, col) r->fl = f[col];
    STRING_FIELDS(POINT_FIELD)
#undef POINT_FIELD
    return 0;
}

static int check_header(const csv_reader *r, const char *path, err *e)
{
    int ok = r->nfields == PREPARED_NCOLS;
    for (int i = 0; ok && i < PREPARED_NCOLS; i++)
        ok = strcmp(r->fields[i], prepared_columns[i]) == 0;
    if (!ok)
        return err_setk(e, ERR_DATA,
                        "%s: not a prepared.csv (header differs; rerun the prepare stage)", path);
    return 0;
}

/* Copies the record's decoded fields to the end of p->text (which has room
 * for the whole file: decoding never lengthens a record) and points f at
 * the copies. */
static void keep_fields(prepared *p, const csv_reader *r, char **f)
{
    const char *first = r->fields[0];
    const char *last = r->fields[r->nfields - 1];
    size_t n = (size_t)(last - first) + strlen(last) + 1;
    char *dst = p->text + p->text_len;
    memcpy(dst, first, n);
    for (int i = 0; i < r->nfields; i++)
        f[i] = dst + (r->fields[i] - first);
    p->text_len += n;
}

/* Passes over the record at r->pos when it is one line without quotes
 * whose season is a plain number outside [first, last]: 1 when it did, 0
 * when the record must be read. */
static int skip_other_season(csv_reader *r, int first, int last)
{
    const char *p = r->data + r->pos, *end = r->data + r->len;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *stop = nl != NULL ? nl : end;
    int season = 0, n = 0;
    for (; p + n < stop && p[n] >= '0' && p[n] <= '9' && n < 7; n++)
        season = season * 10 + (p[n] - '0');
    if (n == 0 || p + n == stop || p[n] != ',' || (season >= first && season <= last) ||
        memchr(p, '"', (size_t)(stop - p)) != NULL)
        return 0;
    r->pos = (size_t)((nl != NULL ? nl + 1 : end) - r->data);
    r->line++;
    return 1;
}

int prepared_read(const char *path, prepared *p, err *e)
{
    return prepared_read_seasons(path, 0, 0, p, e);
}

int prepared_read_seasons(const char *path, int first, int last, prepared *p, err *e)
{
    fs_map m = {"", 0};
    csv_reader r;
    csv_reader_init(&r, NULL, 0);
    memset(p, 0, sizeof *p);
    int rc = -1;
    if (fs_map_file(path, &m, e) != 0)
        goto out;
    csv_reader_init(&r, m.data, m.len);
    int got = csv_next(&r, e);
    if (got == 0)
        err_setk(e, ERR_DATA, "%s: empty file", path);
    if (got != 1 || check_header(&r, path, e) != 0)
        goto out;
    if (first == 0) {
        /* Sized once: a record per line at most, its strings no longer
         * than the file.  (Rows of some seasons are few: they are copied
         * one by one instead.) */
        size_t cap = 1;
        for (const char *c = m.data, *end = m.data + m.len;
             (c = memchr(c, '\n', (size_t)(end - c))) != NULL; c++)
            cap++;
        p->rows = bigmem_alloc(cap * sizeof *p->rows);
        p->rows_big = p->rows != NULL;
        p->text = bigmem_alloc(m.len + 1);
        if (p->rows == NULL || p->text == NULL || cap > (size_t)INT_MAX) {
            err_set(e, "prepared: out of memory");
            goto out;
        }
        p->alloc = (int)cap;
    }
    for (;;) {
        if (first != 0 && r.pos < r.len && skip_other_season(&r, first, last))
            continue;
        long line = r.line;
        got = csv_next(&r, e);
        if (got == 0)
            break;
        if (got < 0)
            goto out;
        if (r.nfields != PREPARED_NCOLS) {
            err_setk(e, ERR_DATA, "%s: line %ld: %d fields, expected %d", path, line, r.nfields,
                     PREPARED_NCOLS);
            goto out;
        }
        prepared_row row;
        if (first != 0) {
            if (row_parse(r.fields, &row, path, line, e) != 0)
                goto out;
            if ((row.season >= first && row.season <= last) && prepared_append(p, &row, e) != 0)
                goto out;
            continue;
        }
        if (p->n == p->alloc) {
            err_setk(e, ERR_DATA, "%s: more records than lines", path);
            goto out;
        }
        char *f[PREPARED_NCOLS];
        keep_fields(p, &r, f);
        if (row_parse(f, &p->rows[p->n], path, line, e) != 0)
            goto out;
        p->n++;
    }
    rc = 0;
out:
    if (rc != 0)
        prepared_release(p);
    csv_reader_release(&r);
    fs_unmap(&m);
    return rc;
}

/* v in decimal, written at the end of out (32 bytes); returns where it
 * starts.  printf's "%d" at a tenth of its cost (six numbers a row). */
static const char *format_int(char out[32], int v)
{
    char *q = out + 31;
    unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
    *q = '\0';
    do {
        *--q = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        *--q = '-';
    return q;
}

/* %.15g gives back the API's text for every points value it has (0.5,
 * 1.33, 3.14, 25); a whole number (most rows: 0 in most) prints the same
 * as an int, except -0, which printf keeps as "-0". */
static const char *format_points(char out[32], double v)
{
    if (v == 0 ? !signbit(v) : v > -1e9 && v < 1e9 && v == (double)(int)v)
        return format_int(out, (int)v);
    snprintf(out, 32, "%.15g", v);
    return out;
}

int prepared_write(const prepared *p, const char *path, err *e)
{
    buf b;
    buf_init(&b, 0);
    fs_out o;
    /* Derived data, rebuilt by rerunning the stage: atomic for readers,
     * but not worth an fsync of megabytes (see README, "Files"). */
    if (fs_out_open(&o, path, 0, e) != 0)
        return -1;
    if (csv_put_row(&b, prepared_columns, PREPARED_NCOLS, e) != 0)
        goto fail;
    for (int i = 0; i < p->n; i++) {
        const prepared_row *r = &p->rows[i];
        char nums[6][32];
        const char *f[PREPARED_NCOLS];
        f[C_SEASON] = format_int(nums[0], r->season);
        f[C_ROUND] = format_int(nums[1], r->round);
        f[C_GRID] = format_int(nums[2], r->grid);
        f[C_POSITION] = format_int(nums[3], r->position);
        f[C_POINTS] = format_points(nums[4], r->points);
        f[C_LAPS] = format_int(nums[5], r->laps);
#define OUT_FIELD(fl, col) f[col] = r->fl ? r->fl : "";
        STRING_FIELDS(OUT_FIELD)
#undef OUT_FIELD
        if (csv_put_row(&b, f, PREPARED_NCOLS, e) != 0)
            goto fail;
        if (fs_out_put(&o, &b, 0, e) != 0)
            goto failed;
    }
    if (fs_out_put(&o, &b, 1, e) != 0)
        goto failed;
    buf_release(&b);
    return fs_out_commit(&o, e);
fail:
    fs_out_abort(&o);
failed:
    buf_release(&b);
    return -1;
}
