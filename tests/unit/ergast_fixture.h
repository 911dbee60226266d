/* ergast_fixture: the bundled Ergast CSV tables (tests/data/ergast-csv) as
 * a prepared table and a qualifying table, for tests that check the C
 * features against tests/tools/v2_reference.py on real data.
 *
 * The rows are what `prepare` makes of the same data served by the replay
 * server: races in (season, round) order, a race's rows in positionOrder
 * (the API's order and `position`), ids the API's refs (driverRef ...),
 * status as Ergast words it, race points; qualifying times parsed with
 * qualifying_time_ms ("\N" = no time).  Weather is left unknown: the v2
 * features do not read it.  ergast_load() fills both tables (the caller
 * frees them with prepared_release / qualifying_release); -1 with e set when a
 * file is missing or malformed. */
#ifndef F1_TESTS_ERGAST_FIXTURE_H
#define F1_TESTS_ERGAST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/fsutil.h"
#include "data/prepared.h"
#include "data/qualifying.h"

#define ERGAST_MAX_ID 20000
#define ERGAST_MAX_COLS 8

/* Columns of one Ergast table by numeric id: col[c][id] (strdup'd, NULL
 * when no row has that id). */
typedef struct {
    int ncols;
    char **col[ERGAST_MAX_COLS];
} ergast_table;

static void ergast_table_free(ergast_table *t)
{
    for (int c = 0; c < t->ncols; c++) {
        for (int id = 0; t->col[c] != NULL && id < ERGAST_MAX_ID; id++)
            free(t->col[c][id]);
        free(t->col[c]);
    }
    memset(t, 0, sizeof *t);
}

static int ergast_column(const csv_reader *r, const char *name, const char *path, err *e)
{
    for (int k = 0; k < r->nfields; k++)
        if (strcmp(r->fields[k], name) == 0)
            return k;
    return err_set(e, "%s: no column '%s'", path, name);
}

/* Calls visit(fields, ctx) for each record of dir/name.csv, with idx[k]
 * the position of column names[k]. */
typedef int (*ergast_visit)(char **fields, const int *idx, void *ctx, err *e);

static int ergast_each(const char *dir, const char *name, const char *const *names, int n,
                       ergast_visit visit, void *ctx, err *e)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.csv", dir, name);
    buf b = {0};
    csv_reader r;
    int idx[16], rc = -1, got;
    if (fs_read_file(path, &b, e) != 0)
        return -1;
    csv_reader_init(&r, b.data, b.len);
    if (csv_next(&r, e) != 1)
        goto out;
    for (int k = 0; k < n; k++)
        if ((idx[k] = ergast_column(&r, names[k], path, e)) < 0)
            goto out;
    while ((got = csv_next(&r, e)) == 1) {
        if (r.nfields <= idx[0] || visit(r.fields, idx, ctx, e) != 0)
            goto out;
    }
    rc = got;
out:
    csv_reader_release(&r);
    buf_release(&b);
    return rc;
}

static int ergast_id(const char *s, err *e)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*end != '\0' || v < 0 || v >= ERGAST_MAX_ID)
        return err_set(e, "ergast: bad id '%s'", s);
    return (int)v;
}

static int ergast_table_row(char **fields, const int *idx, void *ctx, err *e)
{
    ergast_table *t = ctx;
    int id = ergast_id(fields[idx[0]], e);
    if (id < 0)
        return -1;
    for (int c = 0; c < t->ncols; c++) {
        free(t->col[c][id]);
        const char *v = fields[idx[c + 1]];
        t->col[c][id] = strdup(strcmp(v, "\\N") == 0 ? "" : v);
        if (t->col[c][id] == NULL)
            return err_set(e, "out of memory");
    }
    return 0;
}

/* names[0] is the id column, names[1..n) the columns kept. */
static int ergast_table_read(const char *dir, const char *name, const char *const *names, int n,
                             ergast_table *t, err *e)
{
    memset(t, 0, sizeof *t);
    t->ncols = n - 1;
    for (int c = 0; c < t->ncols; c++)
        if ((t->col[c] = calloc(ERGAST_MAX_ID, sizeof(char *))) == NULL)
            return err_set(e, "out of memory");
    return ergast_each(dir, name, names, n, ergast_table_row, t, e);
}

/* One result row, resolved, with its sort key. */
typedef struct {
    int season, round, order;
    int file_row; /* equal orders keep the file's order, as the replay serves them */
    prepared_row row;
    char name[256];
} ergast_result;

typedef struct {
    ergast_table races, circuits, drivers, cons, status;
    ergast_result *res;
    int nres, alloc;
    qualifying_table *q;
} ergast_ctx;

enum { RACE_YEAR, RACE_ROUND, RACE_CIRCUIT, RACE_NAME, RACE_DATE };
enum { DRV_REF, DRV_FORENAME, DRV_SURNAME, DRV_DOB, DRV_NAT };

static const char *ergast_get(const ergast_table *t, int c, const char *id_text, err *e)
{
    int id = ergast_id(id_text, e);
    if (id < 0)
        return NULL;
    if (t->col[c][id] == NULL)
        err_set(e, "ergast: unknown id %d", id);
    return t->col[c][id];
}

static int ergast_result_row(char **f, const int *idx, void *ctx, err *e)
{
    ergast_ctx *x = ctx;
    if (x->nres == x->alloc) {
        x->alloc = x->alloc ? 2 * x->alloc : 4096;
        ergast_result *g = realloc(x->res, (size_t)x->alloc * sizeof *g);
        if (g == NULL)
            return err_set(e, "out of memory");
        x->res = g;
    }
    ergast_result *r = &x->res[x->nres];
    const char *race = f[idx[0]], *drv = f[idx[1]];
    const char *year = ergast_get(&x->races, RACE_YEAR, race, e);
    const char *circ = year ? ergast_get(&x->races, RACE_CIRCUIT, race, e) : NULL;
    const char *ref = circ ? ergast_get(&x->drivers, DRV_REF, drv, e) : NULL;
    const char *con = ref ? ergast_get(&x->cons, 0, f[idx[2]], e) : NULL;
    const char *status = con ? ergast_get(&x->status, 0, f[idx[7]], e) : NULL;
    const char *circuit = status ? ergast_get(&x->circuits, 0, circ, e) : NULL;
    if (circuit == NULL)
        return -1;
    r->season = atoi(year);
    r->round = atoi(x->races.col[RACE_ROUND][ergast_id(race, e)]);
    r->order = atoi(f[idx[4]]);
    r->file_row = x->nres;
    int did = ergast_id(drv, e), cid = ergast_id(f[idx[2]], e);
    snprintf(r->name, sizeof r->name, "%s %s", x->drivers.col[DRV_FORENAME][did],
             x->drivers.col[DRV_SURNAME][did]);
    r->row = (prepared_row){
        .season = r->season, .round = r->round,
        .race_name = x->races.col[RACE_NAME][ergast_id(race, e)],
        .race_date = x->races.col[RACE_DATE][ergast_id(race, e)],
        .driver_id = (char *)ref, .driver_name = NULL,
        .driver_dob = x->drivers.col[DRV_DOB][did], .driver_nationality = x->drivers.col[DRV_NAT][did],
        .constructor_id = (char *)con, .constructor_name = x->cons.col[1][cid],
        .grid = atoi(f[idx[3]]), .position = r->order, .points = strtod(f[idx[5]], NULL),
        .laps = atoi(f[idx[6]]), .status = (char *)status, .circuit_id = (char *)circuit,
        .country = x->circuits.col[1][ergast_id(circ, e)], .weather_text = "", .weather = "unknown",
    };
    x->nres++;
    return 0;
}

static int ergast_result_cmp(const void *pa, const void *pb)
{
    const ergast_result *a = pa, *b = pb;
    if (a->season != b->season)
        return a->season < b->season ? -1 : 1;
    if (a->round != b->round)
        return a->round < b->round ? -1 : 1;
    if (a->order != b->order)
        return a->order < b->order ? -1 : 1;
    return (a->file_row > b->file_row) - (a->file_row < b->file_row);
}

static int ergast_qualifying_row(char **f, const int *idx, void *ctx, err *e)
{
    ergast_ctx *x = ctx;
    const char *year = ergast_get(&x->races, RACE_YEAR, f[idx[0]], e);
    const char *ref = year ? ergast_get(&x->drivers, DRV_REF, f[idx[1]], e) : NULL;
    if (ref == NULL)
        return -1;
    double ms[QUALIFYING_SESSIONS];
    for (int s = 0; s < QUALIFYING_SESSIONS; s++) {
        const char *t = f[idx[2 + s]];
        if (qualifying_time_ms(strcmp(t, "\\N") == 0 ? "" : t, &ms[s], e) != 0)
            return -1;
    }
    return qualifying_append(x->q, atoi(year),
                             atoi(x->races.col[RACE_ROUND][ergast_id(f[idx[0]], e)]), ref, ms, e);
}

static int ergast_load(const char *dir, prepared *p, qualifying_table *q, err *e)
{
    static const char *const races[] = {"raceId", "year", "round", "circuitId", "name", "date"};
    static const char *const circuits[] = {"circuitId", "circuitRef", "country"};
    static const char *const drivers[] = {"driverId", "driverRef", "forename", "surname", "dob",
                                          "nationality"};
    static const char *const cons[] = {"constructorId", "constructorRef", "name"};
    static const char *const status[] = {"statusId", "status"};
    static const char *const results[] = {"raceId", "driverId", "constructorId", "grid",
                                          "positionOrder", "points", "laps", "statusId"};
    static const char *const quali[] = {"raceId", "driverId", "q1", "q2", "q3"};
    ergast_ctx x;
    memset(&x, 0, sizeof x);
    memset(p, 0, sizeof *p);
    memset(q, 0, sizeof *q);
    x.q = q;
    int rc = -1;
#define N(a) ((int)(sizeof a / sizeof a[0]))
    if (ergast_table_read(dir, "races", races, N(races), &x.races, e) != 0 ||
        ergast_table_read(dir, "circuits", circuits, N(circuits), &x.circuits, e) != 0 ||
        ergast_table_read(dir, "drivers", drivers, N(drivers), &x.drivers, e) != 0 ||
        ergast_table_read(dir, "constructors", cons, N(cons), &x.cons, e) != 0 ||
        ergast_table_read(dir, "status", status, N(status), &x.status, e) != 0 ||
        ergast_each(dir, "results", results, N(results), ergast_result_row, &x, e) != 0 ||
        ergast_each(dir, "qualifying", quali, N(quali), ergast_qualifying_row, &x, e) != 0)
        goto out;
#undef N
    qsort(x.res, (size_t)x.nres, sizeof *x.res, ergast_result_cmp);
    for (int i = 0; i < x.nres; i++) {
        x.res[i].row.driver_name = x.res[i].name;
        if (prepared_append(p, &x.res[i].row, e) != 0)
            goto out;
    }
    rc = 0;
out:
    if (rc != 0) {
        prepared_release(p);
        qualifying_release(q);
    }
    ergast_table_free(&x.races);
    ergast_table_free(&x.circuits);
    ergast_table_free(&x.drivers);
    ergast_table_free(&x.cons);
    ergast_table_free(&x.status);
    free(x.res);
    return rc;
}

#endif
