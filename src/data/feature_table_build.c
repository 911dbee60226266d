#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bigmem.h"
#include "data/feature_table.h"
#include "data/feature_onehot.h"
#include "data/intern.h"
#include "data/nationality.h"

const char *const feature_table_fixed_names[FEATURES_NFIXED] = {
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

double feature_table_rf_points(int k)
{
    return rf_units(k) / RF_SCALE;
}

int feature_table_finished(const char *status)
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

static int digits_at(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static int parse_date(const char *s, int *y, int *m, int *d)
{
    static const int digit_at[] = {0, 1, 2, 3, 5, 6, 8, 9};
    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (size_t i = 0; i < sizeof digit_at / sizeof digit_at[0]; i++)
        if (s[digit_at[i]] < '0' || s[digit_at[i]] > '9')
            return -1;
    *y = digits_at(s, 4);
    *m = digits_at(s + 5, 2);
    *d = digits_at(s + 8, 2);
    return 0;
}

/* Whole years from dob to date; 0 when either is missing (see feature_table.h). */
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
        if (!feature_table_finished(rows[i].status))
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

void feature_table_release(feature_table *t)
{
    if (t == NULL)
        return;
    for (int j = 0; t->names != NULL && j < t->nfeat; j++)
        free(t->names[j]);
    for (int i = 0; t->driver_id != NULL && i < t->nrows; i++)
        free(t->driver_id[i]);
    free(t->names);
    free(t->driver_id);
    bigmem_free(t->x);
    free(t->won);
    free(t->season);
    free(t->round);
    memset(t, 0, sizeof *t);
}

int feature_table_alloc(feature_table *t, int nrows, int nfeat, err *e)
{
    size_t n = (size_t)nrows + 1;
    t->nrows = nrows;
    t->nfeat = nfeat;
    t->names = calloc((size_t)nfeat + 1, sizeof *t->names);
    t->driver_id = calloc(n, sizeof *t->driver_id);
    t->x = bigmem_alloc((size_t)nfeat * n * sizeof *t->x);
    t->won = calloc(n, sizeof *t->won);
    t->season = calloc(n, sizeof *t->season);
    t->round = calloc(n, sizeof *t->round);
    if (t->names == NULL || t->driver_id == NULL || t->x == NULL || t->won == NULL ||
        t->season == NULL || t->round == NULL)
        return err_set(e, "features: out of memory");
    return 0;
}

int feature_table_keys(feature_table *t, const prepared *p, err *e)
{
    for (int i = 0; i < p->n; i++) {
        const prepared_row *r = &p->rows[i];
        t->driver_id[i] = strdup(r->driver_id);
        if (t->driver_id[i] == NULL)
            return err_set(e, "features: out of memory");
        t->won[i] = r->position == 1;
        t->season[i] = r->season;
        t->round[i] = r->round;
    }
    return 0;
}

int feature_table_check_order(const prepared *p, err *e)
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

/* What the row loop keeps besides the output: per-row ids and the
 * histories they index. */
typedef struct {
    int *drv;          /* per row: driver id */
    int *con;          /* per row: constructor id */
    int *home;         /* per row: nationality_find() of its nationality */
    int *order;        /* scratch for race_rf */
    int32_t *rf;       /* per row: rf units */
    history *dh;       /* per driver */
    history *ch;       /* per constructor */
    feature_onehot oh;
} build_state;

static void build_state_release(build_state *s)
{
    feature_onehot_release(&s->oh);
    free(s->drv);
    free(s->con);
    free(s->home);
    free(s->order);
    free(s->rf);
    free(s->dh);
    free(s->ch);
}

int features_row_ids(const prepared *p, size_t off, int *ids, err *e)
{
    const char **keys = malloc(sizeof *keys * (size_t)(p->n + 1));
    if (keys == NULL)
        return err_set(e, "features: out of memory");
    for (int i = 0; i < p->n; i++)
        keys[i] = *(char *const *)((const char *)&p->rows[i] + off);
    int count = intern_strings(keys, p->n, ids, e);
    free(keys);
    return count;
}

static int build_state_init(build_state *s, const prepared *p, int first_train, int last_train,
                            err *e)
{
    size_t n = (size_t)p->n + 1;
    memset(s, 0, sizeof *s);
    s->drv = malloc(n * sizeof *s->drv);
    s->con = malloc(n * sizeof *s->con);
    s->home = malloc(n * sizeof *s->home);
    s->order = malloc(n * sizeof *s->order);
    s->rf = malloc(n * sizeof *s->rf);
    if (s->drv == NULL || s->con == NULL || s->home == NULL || s->order == NULL || s->rf == NULL)
        return err_set(e, "features: out of memory");
    int ndrv = features_row_ids(p, offsetof(prepared_row, driver_id), s->drv, e);
    int ncon = features_row_ids(p, offsetof(prepared_row, constructor_id), s->con, e);
    /* Each distinct nationality is looked up in the home table once. */
    int nnat = features_row_ids(p, offsetof(prepared_row, driver_nationality), s->home, e);
    if (ndrv < 0 || ncon < 0 || nnat < 0)
        return -1;
    int *nat_home = malloc(((size_t)nnat + 1) * sizeof *nat_home);
    s->dh = calloc((size_t)ndrv + 1, sizeof *s->dh);
    s->ch = calloc((size_t)ncon + 1, sizeof *s->ch);
    if (nat_home == NULL || s->dh == NULL || s->ch == NULL) {
        free(nat_home);
        return err_set(e, "features: out of memory");
    }
    for (int k = 0; k < nnat; k++)
        nat_home[k] = -2; /* not looked up yet */
    for (int i = 0; i < p->n; i++) {
        int *h = &nat_home[s->home[i]];
        if (*h == -2)
            *h = nationality_find(p->rows[i].driver_nationality);
        s->home[i] = *h;
    }
    free(nat_home);
    return feature_onehot_plan(p, first_train, last_train, &s->oh, e);
}

/* The features of rows [a, b), one race, from the histories before it. */
static void race_features(const prepared *p, int a, int b, const build_state *s, feature_table *t)
{
    size_t n = (size_t)t->nrows;
    double *x = t->x;
    for (int i = a; i < b; i++) {
        const prepared_row *r = &p->rows[i];
        const history *d = &s->dh[s->drv[i]], *c = &s->ch[s->con[i]];
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
        x[F_IS_HOME * n + i] = nationality_home_at(s->home[i], r->country);
        for (int w = 0; w < (int)(sizeof weather_columns / sizeof weather_columns[0]); w++)
            if (strcmp(r->weather, weather_columns[w]) == 0)
                x[(size_t)(F_WEATHER_FIRST + w) * n + i] = 1;
        if (s->oh.nat_col[i] >= 0)
            x[(size_t)(FEATURES_NFIXED + s->oh.nat_col[i]) * n + i] = 1;
        if (s->oh.race_col[i] >= 0)
            x[(size_t)(FEATURES_NFIXED + s->oh.race_col[i]) * n + i] = 1;
    }
}

/* Copies the feature names into t. */
static int copy_names(const feature_onehot *oh, feature_table *t, err *e)
{
    for (int j = 0; j < t->nfeat; j++) {
        const char *name =
            j < FEATURES_NFIXED ? feature_table_fixed_names[j] : oh->names[j - FEATURES_NFIXED];
        t->names[j] = strdup(name);
        if (t->names[j] == NULL)
            return err_set(e, "features: out of memory");
    }
    return 0;
}

int feature_table_build(const prepared *p, int first_train_season, int last_train_season,
                   feature_table *out, err *e)
{
    build_state s;
    memset(out, 0, sizeof *out);
    int rc = -1, n = p->n;
    if (build_state_init(&s, p, first_train_season, last_train_season, e) != 0 ||
        feature_table_check_order(p, e) != 0 ||
        feature_table_alloc(out, n, FEATURES_NFIXED + s.oh.ncols, e) != 0 ||
        copy_names(&s.oh, out, e) != 0 ||
        feature_table_keys(out, p, e) != 0)
        goto out;
    for (int a = 0, b; a < n; a = b) {
        const prepared_row *first = &p->rows[a];
        b = a + 1;
        while (b < n && p->rows[b].season == first->season && p->rows[b].round == first->round)
            b++;
        /* Features first, from the histories as they were before this
         * race; only then does the race enter the histories. */
        race_features(p, a, b, &s, out);
        race_rf(first, b - a, s.order, &s.rf[a]);
        for (int i = a; i < b; i++) {
            const prepared_row *r = &p->rows[i];
            past_row pr = {s.rf[i], r->position == 1, !feature_table_finished(r->status)};
            history_push(&s.dh[s.drv[i]], pr);
            history_push(&s.ch[s.con[i]], pr);
        }
    }
    rc = 0;
out:
    if (rc != 0)
        feature_table_release(out);
    build_state_release(&s);
    return rc;
}
