#include "data/features_v2.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *const features_v2_names[FEATURES_V2_NFEAT] = {
    "log_grid",   "g1",      "g2",         "g3",         "g4",       "g5_6",
    "g7_10",      "q_gap_pct", "tm_q_delta", "d5_mpts",  "d5_won",   "d10_dnf",
    "d10_ahead_tm", "c5_mpts", "c5_won",   "circ3_mpts", "prev_share", "season_rel",
    "con_season_rel", "is_leader", "d5_gap",
};

enum {
    V_LOG_GRID, V_G1, V_G2, V_G3, V_G4, V_G5_6, V_G7_10, V_Q_GAP, V_TM_Q, V_D5_MPTS, V_D5_WON,
    V_D10_DNF, V_D10_AHEAD, V_C5_MPTS, V_C5_WON, V_CIRC3, V_PREV_SHARE, V_SEASON_REL,
    V_CON_SEASON_REL, V_IS_LEADER, V_D5_GAP
};

int features_v2_mpts(int position)
{
    static const int scale[] = {25, 18, 15, 12, 10, 8, 6, 4, 2, 1};
    return position >= 1 && position <= 10 ? scale[position - 1] : 0;
}

/* One earlier row of a driver. */
typedef struct {
    uint8_t mpts, won, finished, ahead;
} driver_past;

/* The last rows of a driver (ring indexed by count), of a constructor
 * (one entry per race: its cars' summed mpts and whether one won) and of
 * a driver at a circuit. */
typedef struct {
    int count;
    driver_past ring[FEATURES_V2_DRIVER_LONG];
} driver_hist;

typedef struct {
    int count;
    int mpts[FEATURES_V2_CONSTRUCTOR];
    uint8_t won[FEATURES_V2_CONSTRUCTOR];
} constructor_hist;

typedef struct {
    int count;
    uint8_t mpts[FEATURES_V2_CIRCUIT];
} circuit_hist;

/* Season totals: this season's earlier races and season - 1's. */
typedef struct {
    double *cur, *prev;
    double prev_most;  /* most of prev; 0 = no previous season */
} season_sums;

typedef struct {
    int *drv, *con, *pair;  /* per row: driver, constructor, (driver, circuit) ids */
    int ndrv, ncon;
    driver_hist *dh;
    constructor_hist *ch;
    circuit_hist *cih;
    season_sums dm, cm;     /* mpts of drivers, of constructors */
    double *points;         /* per driver: official points this season */
    uint8_t *raced;         /* per driver: raced earlier this season */
    int *season_drivers;    /* the drivers who did, nseason of them */
    int nseason;
    int season;             /* of the races so far; 0 before the first */
    int *mate;              /* per row of the current race: teammate row or -1 */
    qualifying_index qi;
    int have_q;
} build_state;

static void state_release(build_state *s)
{
    free(s->drv);
    free(s->con);
    free(s->pair);
    free(s->dh);
    free(s->ch);
    free(s->cih);
    free(s->dm.cur);
    free(s->dm.prev);
    free(s->cm.cur);
    free(s->cm.prev);
    free(s->points);
    free(s->raced);
    free(s->season_drivers);
    free(s->mate);
    if (s->have_q)
        qualifying_index_release(&s->qi);
}

/* What qsort orders to give each (driver, circuit) pair an id. */
typedef struct {
    int drv, circ, row;
} pair_key;

static int pair_cmp(const void *pa, const void *pb)
{
    const pair_key *a = pa, *b = pb;
    if (a->drv != b->drv)
        return a->drv < b->drv ? -1 : 1;
    if (a->circ != b->circ)
        return a->circ < b->circ ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

/* s->pair[i] for every row; returns the number of pairs or -1. */
static int pair_ids(build_state *s, const prepared *p, err *e)
{
    int *circ = malloc(((size_t)p->n + 1) * sizeof *circ);
    pair_key *keys = malloc(((size_t)p->n + 1) * sizeof *keys);
    int count = -1;
    if (circ == NULL || keys == NULL) {
        err_set(e, "features v2: out of memory");
        goto out;
    }
    if (features_row_ids(p, offsetof(prepared_row, circuit_id), circ, e) < 0)
        goto out;
    for (int i = 0; i < p->n; i++)
        keys[i] = (pair_key){s->drv[i], circ[i], i};
    qsort(keys, (size_t)p->n, sizeof *keys, pair_cmp);
    count = 0;
    for (int k = 0; k < p->n; k++) {
        if (k > 0 && (keys[k].drv != keys[k - 1].drv || keys[k].circ != keys[k - 1].circ))
            count++;
        s->pair[keys[k].row] = count;
    }
    count += p->n > 0;
out:
    free(circ);
    free(keys);
    return count;
}

static int state_init(build_state *s, const prepared *p, const qualifying_table *q, err *e)
{
    size_t n = (size_t)p->n + 1;
    memset(s, 0, sizeof *s);
    s->drv = malloc(n * sizeof *s->drv);
    s->con = malloc(n * sizeof *s->con);
    s->pair = malloc(n * sizeof *s->pair);
    s->mate = malloc(n * sizeof *s->mate);
    if (s->drv == NULL || s->con == NULL || s->pair == NULL || s->mate == NULL)
        return err_set(e, "features v2: out of memory");
    s->ndrv = features_row_ids(p, offsetof(prepared_row, driver_id), s->drv, e);
    s->ncon = features_row_ids(p, offsetof(prepared_row, constructor_id), s->con, e);
    if (s->ndrv < 0 || s->ncon < 0)
        return -1;
    int npair = pair_ids(s, p, e);
    if (npair < 0)
        return -1;
    size_t nd = (size_t)s->ndrv + 1, nc = (size_t)s->ncon + 1;
    s->dh = calloc(nd, sizeof *s->dh);
    s->ch = calloc(nc, sizeof *s->ch);
    s->cih = calloc((size_t)npair + 1, sizeof *s->cih);
    s->dm.cur = calloc(nd, sizeof(double));
    s->dm.prev = calloc(nd, sizeof(double));
    s->cm.cur = calloc(nc, sizeof(double));
    s->cm.prev = calloc(nc, sizeof(double));
    s->points = calloc(nd, sizeof *s->points);
    s->raced = calloc(nd, sizeof *s->raced);
    s->season_drivers = calloc(nd, sizeof *s->season_drivers);
    if (s->dh == NULL || s->ch == NULL || s->cih == NULL || s->dm.cur == NULL ||
        s->dm.prev == NULL || s->cm.cur == NULL || s->cm.prev == NULL || s->points == NULL ||
        s->raced == NULL || s->season_drivers == NULL)
        return err_set(e, "features v2: out of memory");
    if (q != NULL) {
        if (qualifying_index_build(&s->qi, q, e) != 0)
            return -1;
        s->have_q = 1;
    }
    return 0;
}

/* Moves this season's sums to prev (when season follows the last one) and
 * clears them. */
static void sums_new_season(season_sums *m, int count, int follows)
{
    m->prev_most = 0;
    for (int k = 0; k < count; k++) {
        m->prev[k] = follows ? m->cur[k] : 0;
        if (m->prev[k] > m->prev_most)
            m->prev_most = m->prev[k];
        m->cur[k] = 0;
    }
}

static void new_season(build_state *s, int season)
{
    int follows = s->season != 0 && season == s->season + 1;
    sums_new_season(&s->dm, s->ndrv, follows);
    sums_new_season(&s->cm, s->ncon, follows);
    for (int k = 0; k < s->nseason; k++) {
        s->points[s->season_drivers[k]] = 0;
        s->raced[s->season_drivers[k]] = 0;
    }
    s->nseason = 0;
    s->season = season;
}

static double prev_share(const season_sums *m, int id)
{
    return m->prev_most > 0 ? m->prev[id] / m->prev_most : NAN;
}

/* Teammates of rows [a, b): s->mate[i] is the other row of a two-car team,
 * else -1.  Races have a few dozen rows, so pairs are compared directly. */
static void find_mates(build_state *s, int a, int b)
{
    for (int i = a; i < b; i++) {
        int cars = 0, other = -1;
        for (int j = a; j < b; j++)
            if (s->con[j] == s->con[i]) {
                cars++;
                if (j != i)
                    other = j;
            }
        s->mate[i] = cars == 2 ? other : -1;
    }
}

/* The qualifying features of rows [a, b). */
static void qualifying_features(const build_state *s, const prepared *p, int a, int b,
                                feature_table *t)
{
    size_t n = (size_t)t->nrows;
    double *gap = &t->x[V_Q_GAP * n], *tm = &t->x[V_TM_Q * n];
    int lo = 0, hi = 0;
    if (s->have_q)
        qualifying_index_race(&s->qi, p->rows[a].season, p->rows[a].round, &lo, &hi);
    const qualifying_table *q = s->have_q ? s->qi.t : NULL;
    double best = INFINITY;
    for (int k = lo; k < hi; k++)
        for (int ses = 0; ses < QUALIFYING_SESSIONS; ses++)
            if (q->q[ses][s->qi.order[k]] < best) /* NAN compares false */
                best = q->q[ses][s->qi.order[k]];
    for (int i = a; i < b; i++) {
        gap[i] = tm[i] = NAN;
        if (q == NULL || isinf(best))
            continue;
        int me = qualifying_index_find(&s->qi, lo, hi, p->rows[i].driver_id);
        double own = INFINITY;
        for (int ses = 0; me >= 0 && ses < QUALIFYING_SESSIONS; ses++)
            if (q->q[ses][me] < own)
                own = q->q[ses][me];
        gap[i] = isinf(own) ? FEATURES_V2_Q_CAP
                            : fmin(100.0 * (own / best - 1.0), FEATURES_V2_Q_CAP);
        int mate = s->mate[i] < 0 ? -1
                                  : qualifying_index_find(&s->qi, lo, hi,
                                                          p->rows[s->mate[i]].driver_id);
        for (int ses = QUALIFYING_SESSIONS - 1; me >= 0 && mate >= 0 && ses >= 0; ses--)
            if (!isnan(q->q[ses][me]) && !isnan(q->q[ses][mate])) {
                double d = 100.0 * (q->q[ses][me] / q->q[ses][mate] - 1.0);
                tm[i] = fmax(-FEATURES_V2_Q_CAP, fmin(FEATURES_V2_Q_CAP, d));
                break;
            }
    }
}

/* Driver window means over his last `last` earlier rows: mpts, won,
 * not finished, ahead of the teammate; NAN without rows. */
static void driver_means(const driver_hist *h, int last, double out[4])
{
    int k = h->count < last ? h->count : last;
    int sum[4] = {0, 0, 0, 0};
    for (int j = 0; j < k; j++) {
        const driver_past *r = &h->ring[(h->count - 1 - j) % FEATURES_V2_DRIVER_LONG];
        sum[0] += r->mpts;
        sum[1] += r->won;
        sum[2] += !r->finished;
        sum[3] += r->ahead;
    }
    for (int m = 0; m < 4; m++)
        out[m] = k > 0 ? (double)sum[m] / k : NAN;
}

/* The features of rows [a, b) that come from earlier races. */
static void history_features(const build_state *s, int a, int b, feature_table *t)
{
    size_t n = (size_t)t->nrows;
    double *x = t->x;
    double dmost = 0, cmost = 0, top = -INFINITY, d5most = NAN;
    for (int i = a; i < b; i++) {
        dmost = fmax(dmost, s->dm.cur[s->drv[i]]);
        cmost = fmax(cmost, s->cm.cur[s->con[i]]);
    }
    for (int k = 0; k < s->nseason; k++)
        top = fmax(top, s->points[s->season_drivers[k]]);
    for (int i = a; i < b; i++) {
        int d = s->drv[i], c = s->con[i];
        double m5[4], m10[4];
        driver_means(&s->dh[d], FEATURES_V2_DRIVER_SHORT, m5);
        driver_means(&s->dh[d], FEATURES_V2_DRIVER_LONG, m10);
        x[V_D5_MPTS * n + i] = m5[0];
        x[V_D5_WON * n + i] = m5[1];
        x[V_D10_DNF * n + i] = m10[2];
        x[V_D10_AHEAD * n + i] = m10[3];
        if (!isnan(m5[0]) && (isnan(d5most) || m5[0] > d5most))
            d5most = m5[0];
        const constructor_hist *ch = &s->ch[c];
        int kc = ch->count < FEATURES_V2_CONSTRUCTOR ? ch->count : FEATURES_V2_CONSTRUCTOR;
        int cm = 0, cw = 0;
        for (int j = 0; j < kc; j++) {
            cm += ch->mpts[(ch->count - 1 - j) % FEATURES_V2_CONSTRUCTOR];
            cw += ch->won[(ch->count - 1 - j) % FEATURES_V2_CONSTRUCTOR];
        }
        x[V_C5_MPTS * n + i] = kc > 0 ? (double)cm / kc : NAN;
        x[V_C5_WON * n + i] = kc > 0 ? (double)cw / kc : NAN;
        const circuit_hist *ci = &s->cih[s->pair[i]];
        int kk = ci->count < FEATURES_V2_CIRCUIT ? ci->count : FEATURES_V2_CIRCUIT, sum = 0;
        for (int j = 0; j < kk; j++)
            sum += ci->mpts[(ci->count - 1 - j) % FEATURES_V2_CIRCUIT];
        x[V_CIRC3 * n + i] = kk > 0 ? (double)sum / kk : NAN;
        double ps = prev_share(&s->dm, d);
        x[V_PREV_SHARE * n + i] = ps;
        x[V_SEASON_REL * n + i] = dmost > 0 ? s->dm.cur[d] / dmost : ps;
        x[V_CON_SEASON_REL * n + i] = cmost > 0 ? s->cm.cur[c] / cmost : prev_share(&s->cm, c);
        x[V_IS_LEADER * n + i] = s->raced[d] && s->points[d] == top;
    }
    for (int i = a; i < b; i++)
        x[V_D5_GAP * n + i] = x[V_D5_MPTS * n + i] - d5most; /* NAN stays NAN */
}

/* The grid features of rows [a, b). */
static void grid_features(const prepared *p, int a, int b, feature_table *t)
{
    static const struct {
        int col, lo, hi;
    } dummies[] = {{V_G1, 1, 1}, {V_G2, 2, 2},    {V_G3, 3, 3},
                   {V_G4, 4, 4}, {V_G5_6, 5, 6}, {V_G7_10, 7, 10}};
    size_t n = (size_t)t->nrows;
    for (int i = a; i < b; i++) {
        int g = p->rows[i].grid > 0 ? p->rows[i].grid : b - a;
        t->x[V_LOG_GRID * n + i] = log((double)g);
        for (size_t k = 0; k < sizeof dummies / sizeof dummies[0]; k++)
            t->x[(size_t)dummies[k].col * n + i] = g >= dummies[k].lo && g <= dummies[k].hi;
    }
}

/* Adds the race of rows [a, b) to the histories and season sums. */
static void push_race(build_state *s, const prepared *p, int a, int b)
{
    for (int i = a; i < b; i++) {
        const prepared_row *r = &p->rows[i];
        int d = s->drv[i], c = s->con[i], mp = features_v2_mpts(r->position);
        int fin = feature_table_finished(r->status), won = r->position == 1;
        int ahead = s->mate[i] >= 0 && fin && r->position < p->rows[s->mate[i]].position;
        driver_hist *dh = &s->dh[d];
        dh->ring[dh->count++ % FEATURES_V2_DRIVER_LONG] =
            (driver_past){(uint8_t)mp, (uint8_t)won, (uint8_t)fin, (uint8_t)ahead};
        circuit_hist *ci = &s->cih[s->pair[i]];
        ci->mpts[ci->count++ % FEATURES_V2_CIRCUIT] = (uint8_t)mp;
        s->dm.cur[d] += mp;
        s->cm.cur[c] += mp;
        s->points[d] += r->points;
        if (!s->raced[d]) {
            s->raced[d] = 1;
            s->season_drivers[s->nseason++] = d;
        }
    }
    /* One constructor entry per race: each constructor's first row sums
     * its cars. */
    for (int i = a; i < b; i++) {
        int first = 1, mp = 0, won = 0;
        for (int j = a; j < b && first; j++)
            if (s->con[j] == s->con[i]) {
                if (j < i)
                    first = 0;
                mp += features_v2_mpts(p->rows[j].position);
                won |= p->rows[j].position == 1;
            }
        if (!first)
            continue;
        constructor_hist *ch = &s->ch[s->con[i]];
        ch->mpts[ch->count % FEATURES_V2_CONSTRUCTOR] = mp;
        ch->won[ch->count % FEATURES_V2_CONSTRUCTOR] = (uint8_t)won;
        ch->count++;
    }
}

/* Copies the v2 feature names into t. */
static int copy_names(feature_table *t, err *e)
{
    for (int j = 0; j < FEATURES_V2_NFEAT; j++) {
        t->names[j] = strdup(features_v2_names[j]);
        if (t->names[j] == NULL)
            return err_set(e, "features v2: out of memory");
    }
    return 0;
}

int features_v2_build(const prepared *p, const qualifying_table *q, feature_table *out, err *e)
{
    build_state s;
    memset(&s, 0, sizeof s);
    memset(out, 0, sizeof *out);
    int rc = -1;
    if (feature_table_check_order(p, e) != 0 || state_init(&s, p, q, e) != 0 ||
        feature_table_alloc(out, p->n, FEATURES_V2_NFEAT, e) != 0 || copy_names(out, e) != 0 ||
        feature_table_keys(out, p, e) != 0)
        goto out;
    for (int a = 0, b; a < p->n; a = b) {
        const prepared_row *first = &p->rows[a];
        b = a + 1;
        while (b < p->n && p->rows[b].season == first->season && p->rows[b].round == first->round)
            b++;
        if (first->season != s.season)
            new_season(&s, first->season);
        /* Every feature from what was known before the race; only then
         * does its result enter the histories. */
        find_mates(&s, a, b);
        grid_features(p, a, b, out);
        qualifying_features(&s, p, a, b, out);
        history_features(&s, a, b, out);
        push_race(&s, p, a, b);
    }
    rc = 0;
out:
    if (rc != 0)
        feature_table_release(out);
    state_release(&s);
    return rc;
}
