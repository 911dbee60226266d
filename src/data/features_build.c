#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/features.h"
#include "data/features_onehot.h"
#include "data/intern.h"
#include "data/nationality.h"

const char *const features_fixed_names[FEATURES_NFIXED] = {
    "season", "round", "grid", "driver_experience", "constructor_experience", "driver_recent_wins",
    "driver_recent_dnfs", "driver_recent_form", "constructor_recent_form", "age", "is_home",
    "weather_hot", "weather_warm", "weather_cold", "weather_dry", "weather_wet", "weather_cloudy",
};

enum {
    F_SEASON, F_ROUND, F_GRID, F_DRIVER_EXPERIENCE, F_CONSTRUCTOR_EXPERIENCE, F_DRIVER_WINS,
    F_DRIVER_DNFS, F_DRIVER_FORM, F_CONSTRUCTOR_FORM, F_AGE, F_IS_HOME, F_WEATHER_FIRST
};

/* The weather categories in column order (unknown has no column). */
static const char *const weather_columns[] = {"hot", "warm", "cold", "dry", "wet", "cloudy"};

/* rf_points are multiples of 0.0001: kept as integer units so window sums
 * are exact and independent of summation order. */
#define RF_SCALE 10000.0

static int32_t rf_units(int k)
{
    if (k < 0 || k >= FEATURES_RF_ROWS)
        return 0;
    return (int32_t)llround(pow(4.0, 4.0 - 3.0 * k / 39.0) * RF_SCALE);
}

double features_rf_points(int k)
{
    return rf_units(k) / RF_SCALE;
}

int features_finished(const char *status)
{
    return strcmp(status, "Finished") == 0 || strcmp(status, "Lapped") == 0 || status[0] == '+';
}

/* One earlier row as the windows need it. */
typedef struct {
    int32_t rf;
    uint8_t won;
    uint8_t dnf;
} past_row;

/* A driver's or constructor's earlier rows: a ring of the last
 * FEATURES_LONG_WINDOW with running sums, so each row costs O(1). */
typedef struct {
    int count;       /* all earlier rows, uncapped */
    int head;        /* slot the next row goes to */
    int wins;        /* over the last FEATURES_LONG_WINDOW rows */
    int dnfs;
    int64_t form;    /* rf units over the last FEATURES_FORM_WINDOW rows */
    past_row ring[FEATURES_LONG_WINDOW];
} history;

static void history_push(history *h, past_row r)
{
    if (h->count >= FEATURES_LONG_WINDOW) {
        const past_row *old = &h->ring[h->head];
        h->wins -= old->won;
        h->dnfs -= old->dnf;
    }
    if (h->count >= FEATURES_FORM_WINDOW) {
        int k = (h->head - FEATURES_FORM_WINDOW + FEATURES_LONG_WINDOW) % FEATURES_LONG_WINDOW;
        h->form -= h->ring[k].rf;
    }
    h->ring[h->head] = r;
    h->head = (h->head + 1) % FEATURES_LONG_WINDOW;
    h->count++;
    h->wins += r.won;
    h->dnfs += r.dnf;
    h->form += r.rf;
}

static int experience(const history *h)
{
    return h->count < FEATURES_LONG_WINDOW ? h->count : FEATURES_LONG_WINDOW;
}

static int parse_date(const char *s, int *y, int *m, int *d)
{
    static const int digits[] = {0, 1, 2, 3, 5, 6, 8, 9};
    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (size_t i = 0; i < sizeof digits / sizeof digits[0]; i++)
        if (s[digits[i]] < '0' || s[digits[i]] > '9')
            return -1;
    *y = atoi(s);
    *m = atoi(s + 5);
    *d = atoi(s + 8);
    return 0;
}

/* Whole years from dob to date; 0 when either is missing (see features.h). */
static int age_years(const char *dob, const char *date)
{
    int by, bm, bd, ry, rm, rd;
    if (parse_date(dob, &by, &bm, &bd) != 0 || parse_date(date, &ry, &rm, &rd) != 0)
        return 0;
    int age = ry - by - ((rm < bm || (rm == bm && rd < bd)) ? 1 : 0);
    return age > 0 ? age : 0;
}

/* rf units of each row of one race, rows[0..n): finished rows in position
 * order (ties in row order) get the rf_points of their rank.  order is
 * scratch space for n ints. */
static void race_rf(const prepared_row *rows, int n, int *order, int32_t *rf)
{
    int m = 0;
    for (int i = 0; i < n; i++) {
        rf[i] = 0;
        if (!features_finished(rows[i].status))
            continue;
        /* Insertion sort: races are short and nearly always in order
         * already, so this is linear in practice. */
        int j = m++;
        while (j > 0 && rows[order[j - 1]].position > rows[i].position) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    for (int k = 0; k < m; k++)
        rf[order[k]] = rf_units(k);
}

void features_free(feature_table *t)
{
    if (t == NULL)
        return;
    for (int j = 0; t->names != NULL && j < t->nfeat; j++)
        free(t->names[j]);
    for (int i = 0; t->driver_id != NULL && i < t->nrows; i++)
        free(t->driver_id[i]);
    free(t->names);
    free(t->driver_id);
    free(t->x);
    free(t->won);
    free(t->season);
    free(t->round);
    memset(t, 0, sizeof *t);
}

/* Allocates every array of t for nrows x nfeat (x zeroed). */
static int table_alloc(feature_table *t, int nrows, int nfeat, err *e)
{
    size_t n = (size_t)nrows + 1;
    t->nrows = nrows;
    t->nfeat = nfeat;
    t->names = calloc((size_t)nfeat + 1, sizeof *t->names);
    t->driver_id = calloc(n, sizeof *t->driver_id);
    t->x = calloc((size_t)nfeat * n, sizeof *t->x);
    t->won = calloc(n, sizeof *t->won);
    t->season = calloc(n, sizeof *t->season);
    t->round = calloc(n, sizeof *t->round);
    if (t->names == NULL || t->driver_id == NULL || t->x == NULL || t->won == NULL ||
        t->season == NULL || t->round == NULL)
        return err_set(e, "features: out of memory");
    return 0;
}

static int check_order(const prepared *p, err *e)
{
    for (int i = 1; i < p->n; i++) {
        const prepared_row *a = &p->rows[i - 1], *b = &p->rows[i];
        if (b->season < a->season || (b->season == a->season && b->round < a->round))
            return err_setk(e, ERR_DATA,
                            "features: prepared rows are not in (season, round) order at row %d "
                            "(%d round %d after %d round %d)",
                            i + 1, b->season, b->round, a->season, a->round);
    }
    return 0;
}

/* Ids of a string field for every row (driver or constructor). */
static int row_ids(const prepared *p, int driver, int *ids, int *count, err *e)
{
    const char **keys = malloc(sizeof *keys * (size_t)(p->n + 1));
    if (keys == NULL)
        return err_set(e, "features: out of memory");
    for (int i = 0; i < p->n; i++)
        keys[i] = driver ? p->rows[i].driver_id : p->rows[i].constructor_id;
    *count = intern_strings(keys, p->n, ids, e);
    free(keys);
    return *count < 0 ? -1 : 0;
}

/* The features of rows [a, b), one race, from the histories before it. */
static void race_features(const prepared *p, int a, int b, const int *drv, const int *con,
                          const history *dh, const history *ch, const features_onehot *oh,
                          feature_table *t)
{
    size_t n = (size_t)t->nrows;
    double *x = t->x;
    for (int i = a; i < b; i++) {
        const prepared_row *r = &p->rows[i];
        const history *d = &dh[drv[i]], *c = &ch[con[i]];
        x[F_SEASON * n + i] = r->season;
        x[F_ROUND * n + i] = r->round;
        x[F_GRID * n + i] = r->grid == 0 ? b - a : r->grid;
        x[F_DRIVER_EXPERIENCE * n + i] = experience(d);
        x[F_CONSTRUCTOR_EXPERIENCE * n + i] = experience(c);
        x[F_DRIVER_WINS * n + i] = d->wins;
        x[F_DRIVER_DNFS * n + i] = d->dnfs;
        x[F_DRIVER_FORM * n + i] = (double)d->form / RF_SCALE;
        x[F_CONSTRUCTOR_FORM * n + i] = (double)c->form / RF_SCALE;
        x[F_AGE * n + i] = age_years(r->driver_dob, r->race_date);
        x[F_IS_HOME * n + i] = nationality_is_home(r->driver_nationality, r->country);
        for (int w = 0; w < (int)(sizeof weather_columns / sizeof weather_columns[0]); w++)
            if (strcmp(r->weather, weather_columns[w]) == 0)
                x[(size_t)(F_WEATHER_FIRST + w) * n + i] = 1;
        if (oh->nat_col[i] >= 0)
            x[(size_t)(FEATURES_NFIXED + oh->nat_col[i]) * n + i] = 1;
        if (oh->race_col[i] >= 0)
            x[(size_t)(FEATURES_NFIXED + oh->race_col[i]) * n + i] = 1;
        t->won[i] = r->position == 1;
        t->season[i] = r->season;
        t->round[i] = r->round;
    }
}

int features_build(const prepared *p, int first_train_season, int last_train_season,
                   feature_table *out, err *e)
{
    int n = p->n, rc = -1, ndrv = 0, ncon = 0;
    features_onehot oh;
    memset(&oh, 0, sizeof oh);
    memset(out, 0, sizeof *out);
    int *drv = malloc(sizeof *drv * (size_t)(n + 1));
    int *con = malloc(sizeof *con * (size_t)(n + 1));
    int *order = malloc(sizeof *order * (size_t)(n + 1));
    int32_t *rf = malloc(sizeof *rf * (size_t)(n + 1));
    history *dh = NULL, *ch = NULL;
    if (drv == NULL || con == NULL || order == NULL || rf == NULL) {
        err_set(e, "features: out of memory");
        goto out;
    }
    if (check_order(p, e) != 0 || row_ids(p, 1, drv, &ndrv, e) != 0 ||
        row_ids(p, 0, con, &ncon, e) != 0 ||
        features_onehot_plan(p, first_train_season, last_train_season, &oh, e) != 0 ||
        table_alloc(out, n, FEATURES_NFIXED + oh.ncols, e) != 0)
        goto out;
    dh = calloc((size_t)ndrv + 1, sizeof *dh);
    ch = calloc((size_t)ncon + 1, sizeof *ch);
    if (dh == NULL || ch == NULL) {
        err_set(e, "features: out of memory");
        goto out;
    }
    for (int j = 0; j < out->nfeat; j++) {
        const char *name = j < FEATURES_NFIXED ? features_fixed_names[j] : oh.names[j - FEATURES_NFIXED];
        out->names[j] = strdup(name);
        if (out->names[j] == NULL) {
            err_set(e, "features: out of memory");
            goto out;
        }
    }
    for (int a = 0, b; a < n; a = b) {
        const prepared_row *first = &p->rows[a];
        for (b = a + 1; b < n && p->rows[b].season == first->season && p->rows[b].round == first->round;)
            b++;
        /* Features first, from the histories as they were before this
         * race; only then does the race enter the histories. */
        race_features(p, a, b, drv, con, dh, ch, &oh, out);
        race_rf(&p->rows[a], b - a, order, &rf[a]);
        for (int i = a; i < b; i++) {
            past_row pr = {rf[i], p->rows[i].position == 1, !features_finished(p->rows[i].status)};
            history_push(&dh[drv[i]], pr);
            history_push(&ch[con[i]], pr);
        }
    }
    for (int i = 0; i < n; i++) {
        out->driver_id[i] = strdup(p->rows[i].driver_id);
        if (out->driver_id[i] == NULL) {
            err_set(e, "features: out of memory");
            goto out;
        }
    }
    rc = 0;
out:
    if (rc != 0)
        features_free(out);
    features_onehot_release(&oh);
    free(dh);
    free(ch);
    free(rf);
    free(order);
    free(con);
    free(drv);
    return rc;
}
