#include "data/prepared.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/fsutil.h"

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
static void row_free(prepared_row *r)
{
    free(r->race_name);
}

void prepared_free(prepared *p)
{
    if (p == NULL)
        return;
    for (int i = 0; i < p->n; i++)
        row_free(&p->rows[i]);
    free(p->rows);
    p->rows = NULL;
    p->n = 0;
    p->alloc = 0;
}

/* Copies the strings of *src into one new block for *dst (NULL copies as
 * ""). */
static int row_copy(prepared_row *dst, const prepared_row *src, err *e)
{
    size_t total = 0;
#define FIELD_LEN(f, col) total += strlen(src->f ? src->f : "") + 1;
    STRING_FIELDS(FIELD_LEN)
#undef FIELD_LEN
    char *q = malloc(total);
    if (q == NULL)
        return err_set(e, "prepared: out of memory");
    *dst = *src;
#define FIELD_COPY(f, col)                          \
    {                                               \
        const char *s_ = src->f ? src->f : "";      \
        size_t n_ = strlen(s_) + 1;                 \
        memcpy(q, s_, n_);                          \
        dst->f = q;                                 \
        q += n_;                                    \
    }
    STRING_FIELDS(FIELD_COPY)
#undef FIELD_COPY
    return 0;
}

int prepared_append(prepared *p, const prepared_row *r, err *e)
{
    if (p->n == p->alloc) {
        int n = p->alloc ? p->alloc * 2 : 1024;
        prepared_row *rows = realloc(p->rows, (size_t)n * sizeof *rows);
        if (rows == NULL)
            return err_set(e, "prepared: out of memory");
        p->rows = rows;
        p->alloc = n;
    }
    if (row_copy(&p->rows[p->n], r, e) != 0)
        return -1;
    p->n++;
    return 0;
}

static int parse_int(const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (s[0] == '\0' || *end != '\0' || errno != 0 || v < -1000000 || v > 1000000)
        return -1;
    *out = (int)v;
    return 0;
}

/* Fills *r from one CSV record; strings point into the reader (the caller
 * copies them with prepared_append). */
static int row_parse(char **f, prepared_row *r, const char *path, long line, err *e)
{
    static const struct {
        int col;
        size_t off;
    } ints[] = {
        {C_SEASON, offsetof(prepared_row, season)}, {C_ROUND, offsetof(prepared_row, round)},
        {C_GRID, offsetof(prepared_row, grid)},     {C_POSITION, offsetof(prepared_row, position)},
        {C_LAPS, offsetof(prepared_row, laps)},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        if (parse_int(f[ints[i].col], (int *)((char *)r + ints[i].off)) != 0)
            return err_setk(e, ERR_DATA, "%s: line %ld: %s '%s' is not an integer", path, line,
                            prepared_columns[ints[i].col], f[ints[i].col]);
    char *end;
    r->points = strtod(f[C_POINTS], &end);
    if (f[C_POINTS][0] == '\0' || *end != '\0')
        return err_setk(e, ERR_DATA, "%s: line %ld: points '%s' is not a number", path, line,
                        f[C_POINTS]);
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

int prepared_read(const char *path, prepared *p, err *e)
{
    buf b;
    buf_init(&b, 0);
    csv_reader r;
    csv_reader_init(&r, NULL, 0);
    memset(p, 0, sizeof *p);
    int rc = -1;
    if (fs_read_file(path, &b, e) != 0)
        goto out;
    csv_reader_init(&r, b.data, b.len);
    int got = csv_next(&r, e);
    if (got == 0)
        err_setk(e, ERR_DATA, "%s: empty file", path);
    if (got != 1 || check_header(&r, path, e) != 0)
        goto out;
    for (;;) {
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
        if (row_parse(r.fields, &row, path, line, e) != 0 || prepared_append(p, &row, e) != 0)
            goto out;
    }
    rc = 0;
out:
    if (rc != 0)
        prepared_free(p);
    csv_reader_release(&r);
    buf_release(&b);
    return rc;
}

int prepared_write(const prepared *p, const char *path, err *e)
{
    buf b;
    buf_init(&b, 0);
    int rc = -1;
    if (csv_put_row(&b, prepared_columns, PREPARED_NCOLS, e) != 0)
        goto out;
    for (int i = 0; i < p->n; i++) {
        const prepared_row *r = &p->rows[i];
        char nums[6][32];
        snprintf(nums[0], sizeof nums[0], "%d", r->season);
        snprintf(nums[1], sizeof nums[1], "%d", r->round);
        snprintf(nums[2], sizeof nums[2], "%d", r->grid);
        snprintf(nums[3], sizeof nums[3], "%d", r->position);
        /* %.15g gives back the API's text for every points value it has
         * (0.5, 1.33, 3.14, 25). */
        snprintf(nums[4], sizeof nums[4], "%.15g", r->points);
        snprintf(nums[5], sizeof nums[5], "%d", r->laps);
        const char *f[PREPARED_NCOLS];
        f[C_SEASON] = nums[0];
        f[C_ROUND] = nums[1];
        f[C_GRID] = nums[2];
        f[C_POSITION] = nums[3];
        f[C_POINTS] = nums[4];
        f[C_LAPS] = nums[5];
#define OUT_FIELD(fl, col) f[col] = r->fl ? r->fl : "";
        STRING_FIELDS(OUT_FIELD)
#undef OUT_FIELD
        if (csv_put_row(&b, f, PREPARED_NCOLS, e) != 0)
            goto out;
    }
    if (fs_write_atomic(path, b.data, b.len, e) != 0)
        goto out;
    rc = 0;
out:
    buf_release(&b);
    return rc;
}
