#include "data/qualifying_csv.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/fsutil.h"

static const char HEADER[] = "season,round,driver_id,q1_ms,q2_ms,q3_ms";
#define COLUMNS (3 + QUALIFYING_SESSIONS)

/* What a season and a round may be: the API's first season on, rounds of
 * any calendar. */
#define SEASON_MIN 1950
#define SEASON_MAX 9999
#define ROUND_MAX 999

static int race_ok(int season, int round)
{
    return season >= SEASON_MIN && season <= SEASON_MAX && round >= 1 && round <= ROUND_MAX;
}

static int id_ok(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > QUALIFYING_CSV_ID_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)id[i] < 0x20 || id[i] == 0x7f)
            return 0;
    return 1;
}

static int time_ok(double ms)
{
    return isnan(ms) || (ms >= 1 && ms <= QUALIFYING_CSV_MS_MAX && ms == floor(ms));
}

static int check_entry(const qualifying_table *t, int i, err *e)
{
    if (!race_ok(t->season[i], t->round[i]) || !id_ok(t->driver_id[i]))
        return err_setk(e, ERR_DATA,
                        "qualifying.csv: entry %d (%d round %d driver '%.64s') has a season, "
                        "round or driver id out of range",
                        i, t->season[i], t->round[i], t->driver_id[i]);
    for (int s = 0; s < QUALIFYING_SESSIONS; s++)
        if (!time_ok(t->q[s][i]))
            return err_setk(e, ERR_DATA,
                            "qualifying.csv: %d round %d driver '%s': Q%d time %g is not a "
                            "whole number of ms in [1, %d]",
                            t->season[i], t->round[i], t->driver_id[i], s + 1, t->q[s][i],
                            QUALIFYING_CSV_MS_MAX);
    return 0;
}

static int put_row(buf *b, const qualifying_table *t, int i, err *e)
{
    if (buf_printf(b, e, "%d,%d,", t->season[i], t->round[i]) != 0 ||
        csv_put_field(b, t->driver_id[i], e) != 0)
        return -1;
    for (int s = 0; s < QUALIFYING_SESSIONS; s++) {
        double ms = t->q[s][i];
        int rc = isnan(ms) ? buf_puts(b, ",", e) : buf_printf(b, e, ",%.0f", ms);
        if (rc != 0)
            return -1;
    }
    return buf_puts(b, "\n", e);
}

int qualifying_csv_write(const char *path, const qualifying_table *t, err *e)
{
    for (int i = 0; i < t->n; i++)
        if (check_entry(t, i, e) != 0)
            return -1;
    qualifying_index ix;
    if (qualifying_index_build(&ix, t, e) != 0)
        return -1;
    buf b;
    buf_init(&b, 0);
    int rc = buf_printf(&b, e, "%s\n", HEADER);
    for (int k = 0; k < t->n && rc == 0; k++)
        rc = put_row(&b, t, ix.order[k], e);
    qualifying_index_release(&ix);
    if (rc == 0)
        rc = fs_write_atomic(path, b.data, b.len, e);
    buf_release(&b);
    return rc;
}

/* A whole cell as an integer in [lo, hi], digits only (no sign, no
 * spaces, at most 9 digits so it cannot overflow). */
static int parse_int(const char *s, long lo, long hi, long *out)
{
    long v = 0;
    size_t n = 0;
    for (; s[n] >= '0' && s[n] <= '9'; n++) {
        if (n == 9)
            return -1;
        v = v * 10 + (s[n] - '0');
    }
    if (n == 0 || s[n] != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* -1, 0 or 1 as row (season, round, id) sorts before, equal to or after
 * entry i of t. */
static int row_cmp(long season, long round, const char *id, const qualifying_table *t, int i)
{
    if (season != t->season[i])
        return season < t->season[i] ? -1 : 1;
    if (round != t->round[i])
        return round < t->round[i] ? -1 : 1;
    int c = strcmp(id, t->driver_id[i]);
    return (c > 0) - (c < 0);
}

static int read_row(const csv_reader *r, const char *path, long line, qualifying_table *t,
                    err *e)
{
    char **f = r->fields;
    long season, round;
    if (r->nfields != COLUMNS)
        return err_setk(e, ERR_DATA, "%s line %ld: %d fields (expected %d)", path, line,
                        r->nfields, COLUMNS);
    if (parse_int(f[0], SEASON_MIN, SEASON_MAX, &season) != 0 ||
        parse_int(f[1], 1, ROUND_MAX, &round) != 0)
        return err_setk(e, ERR_DATA,
                        "%s line %ld: season '%.12s' or round '%.12s' is not a whole number "
                        "in [%d, %d] / [1, %d]",
                        path, line, f[0], f[1], SEASON_MIN, SEASON_MAX, ROUND_MAX);
    if (!id_ok(f[2]))
        return err_setk(e, ERR_DATA,
                        "%s line %ld: driver id is empty, longer than %d bytes or holds a "
                        "control character",
                        path, line, QUALIFYING_CSV_ID_MAX);
    double q[QUALIFYING_SESSIONS];
    for (int s = 0; s < QUALIFYING_SESSIONS; s++) {
        long ms;
        q[s] = NAN;
        if (f[3 + s][0] == '\0')
            continue;
        if (parse_int(f[3 + s], 1, QUALIFYING_CSV_MS_MAX, &ms) != 0)
            return err_setk(e, ERR_DATA,
                            "%s line %ld: q%d_ms '%.16s' is not a whole number of ms in [1, %d]",
                            path, line, s + 1, f[3 + s], QUALIFYING_CSV_MS_MAX);
        q[s] = (double)ms;
    }
    if (t->n > 0 && row_cmp(season, round, f[2], t, t->n - 1) <= 0)
        return err_setk(e, ERR_DATA,
                        "%s line %ld: %ld round %ld driver '%s' is not after the row before it "
                        "(rows must be sorted by season, round, driver_id, each once)",
                        path, line, season, round, f[2]);
    if (t->n >= QUALIFYING_CSV_ROWS_MAX)
        return err_setk(e, ERR_DATA, "%s: more than %d rows", path, QUALIFYING_CSV_ROWS_MAX);
    return qualifying_append(t, (int)season, (int)round, f[2], q, e);
}

static int read_rows(csv_reader *r, const char *path, qualifying_table *t, err *e)
{
    int got = csv_next(r, e);
    if (got < 0)
        return err_wrap(e, "%s", path);
    if (got == 0 || r->nfields != COLUMNS || strcmp(r->fields[0], "season") != 0 ||
        strcmp(r->fields[1], "round") != 0 || strcmp(r->fields[2], "driver_id") != 0 ||
        strcmp(r->fields[3], "q1_ms") != 0 || strcmp(r->fields[4], "q2_ms") != 0 ||
        strcmp(r->fields[5], "q3_ms") != 0)
        return err_setk(e, ERR_DATA, "%s: not a qualifying.csv (expected the header %s)", path,
                        HEADER);
    for (;;) {
        long line = r->line;
        got = csv_next(r, e);
        if (got < 0)
            return err_wrap(e, "%s", path);
        if (got == 0)
            return 0;
        if (read_row(r, path, line, t, e) != 0)
            return -1;
    }
}

int qualifying_csv_read(const char *path, qualifying_table *t, err *e)
{
    buf b;
    buf_init(&b, QUALIFYING_CSV_BYTES_MAX);
    if (fs_read_file(path, &b, e) != 0) {
        buf_release(&b);
        return -1;
    }
    csv_reader r;
    csv_reader_init(&r, b.data, b.len);
    int rc = read_rows(&r, path, t, e);
    csv_reader_release(&r);
    buf_release(&b);
    if (rc != 0)
        qualifying_release(t);
    return rc;
}
