#include "ml/score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"

typedef struct {
    double p;
    int row;
} ranked;

/* Highest prediction first; equal ones by row, so the order the shuffle
 * starts from is fixed. */
static int ranked_cmp(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->p != b->p)
        return a->p > b->p ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

/* Points per driver, drivers in order of first appearance. */
typedef struct {
    int n;
    int *row;        /* a row of the driver (its first) */
    double *points;
} table;

static void table_add(table *t, const prepared *p, int row)
{
    const char *id = p->rows[row].driver_id;
    for (int i = 0; i < t->n; i++)
        if (strcmp(p->rows[t->row[i]].driver_id, id) == 0) {
            t->points[i] += p->rows[row].points;
            return;
        }
    t->row[t->n] = row;
    t->points[t->n] = p->rows[row].points;
    t->n++;
}

static int is_winner(const prepared *p, int row)
{
    return p->rows[row].position == 1;
}

/* Sorts the race's rows into keys by prediction, shuffles each tied group
 * with the race's stream, and fills the model's fields of r. */
static void rank_race(score *s, score_race *r, const prepared *p, const double *pred,
                      uint64_t seed, ranked *keys)
{
    const prepared_row *head = &p->rows[r->first];
    for (int k = 0; k < r->n; k++)
        keys[k] = (ranked){pred[r->first + k], r->first + k};
    qsort(keys, (size_t)r->n, sizeof *keys, ranked_cmp);
    uint64_t stream = RNG_STREAM_RACE | ((uint64_t)(unsigned)head->season << 16) |
                      (uint64_t)(unsigned)head->round;
    rng g = rng_stream(seed, stream);
    int top = 0;
    for (int i = 0; i < r->n;) {
        int j = i + 1;
        while (j < r->n && keys[i].p - keys[j].p <= SCORE_TIE)
            j++;
        if (i == 0)
            top = j;
        for (int a = j - 1; a > i; a--) {
            int b = i + (int)rng_below(&g, (uint64_t)(a - i + 1));
            ranked t = keys[a];
            keys[a] = keys[b];
            keys[b] = t;
        }
        i = j;
    }
    int top_winners = 0;
    for (int k = 0; k < r->n; k++) {
        s->rank[keys[k].row - s->row_first] = k + 1;
        top_winners += k < top && is_winner(p, keys[k].row);
        if (k < 3 && is_winner(p, keys[k].row))
            r->top3 = 1.0;
    }
    r->predicted = keys[0].row;
    r->hit = is_winner(p, keys[0].row);
    r->expected_hit = (double)top_winners / top;
}

static void pole_race(score_race *r, const prepared *p)
{
    int best = 0, count = 0, winners = 0;
    r->pole = -1;
    for (int i = r->first; i < r->first + r->n; i++) {
        int g = p->rows[i].grid;
        if (g <= 0 || (best > 0 && g > best))
            continue;
        if (g != best) {
            best = g;
            count = winners = 0;
            r->pole = i;
        }
        count++;
        winners += is_winner(p, i);
    }
    r->pole_hit = count > 0 ? (double)winners / count : 0.0;
}

/* Records the leaders of points table t for race r.  Points that are not
 * finite never lead (score_season refuses such rows; this is defence in
 * depth): both loops skip them, so they agree on the n leaders. */
static int leader_race(score *s, score_race *r, const prepared *p, const table *t, err *e)
{
    double most = 0.0;
    int n = 0;
    for (int i = 0; i < t->n; i++)
        if (!isfinite(t->points[i]))
            continue;
        else if (n == 0 || t->points[i] > most) {
            most = t->points[i];
            n = 1;
        } else if (t->points[i] == most) {
            n++;
        }
    int *grown = realloc(s->leader_rows, (size_t)(s->n_leader_rows + n + 1) * sizeof *grown);
    if (grown == NULL)
        return err_set(e, "out of memory for the leader baseline");
    s->leader_rows = grown;
    r->leader_first = s->n_leader_rows;
    r->n_leaders = n;
    int won = 0;
    for (int i = 0; i < t->n && s->n_leader_rows < r->leader_first + n; i++) {
        if (!isfinite(t->points[i]) || t->points[i] != most)
            continue;
        const char *id = p->rows[t->row[i]].driver_id;
        s->leader_rows[s->n_leader_rows++] = t->row[i];
        for (int k = r->first; k < r->first + r->n; k++)
            if (is_winner(p, k) && strcmp(p->rows[k].driver_id, id) == 0) {
                won++;
                break;
            }
    }
    r->leader_hit = n > 0 ? (double)won / n : 0.0;
    return 0;
}

/* Finds the season's contiguous rows and counts its races. */
static int locate(score *s, const prepared *p, int season, err *e)
{
    int first = -1, last = -1;
    for (int i = 0; i < p->n; i++)
        if (p->rows[i].season == season) {
            if (first < 0)
                first = i;
            else if (last != i - 1)
                return err_setk(e, ERR_DATA, "prepared.csv is not in (season, round) order");
            last = i;
        }
    if (first < 0)
        return err_setk(e, ERR_DATA, "prepared.csv has no rows of season %d", season);
    s->season = season;
    s->row_first = first;
    s->n_rows = last - first + 1;
    for (int i = first; i <= last; i++)
        if (i == first || p->rows[i].round != p->rows[i - 1].round) {
            if (i > first && p->rows[i].round < p->rows[i - 1].round)
                return err_setk(e, ERR_DATA, "prepared.csv is not in (season, round) order");
            s->n_races++;
        }
    return 0;
}

/* Refuses what no score can be computed from: a row of the season (or the
 * one before, whose points lead round 1) with points that are not finite,
 * or a prediction that is not (NaN breaks the ranking's order). */
static int check_finite(const score *s, const prepared *p, const double *pred, err *e)
{
    for (int i = 0; i < p->n; i++) {
        const prepared_row *r = &p->rows[i];
        if ((r->season == s->season || r->season == s->season - 1) && !isfinite(r->points))
            return err_setk(e, ERR_DATA, "%d round %d, driver '%s': points are not a finite number",
                            r->season, r->round, r->driver_id);
    }
    for (int i = 0; i < s->n_rows; i++)
        if (!isfinite(pred[s->row_first + i]))
            return err_setk(e, ERR_DATA, "%d round %d, driver '%s': the prediction is not a finite number",
                            p->rows[s->row_first + i].season, p->rows[s->row_first + i].round,
                            p->rows[s->row_first + i].driver_id);
    return 0;
}

int score_season(score *s, const prepared *p, int season, const double *pred, uint64_t seed,
                 err *e)
{
    memset(s, 0, sizeof *s);
    if (locate(s, p, season, e) != 0 || check_finite(s, p, pred, e) != 0)
        return -1;
    int rc = -1;
    int cap = s->n_rows;
    for (int i = 0; i < p->n; i++)
        cap += p->rows[i].season == season - 1;
    table prev = {0}, cur = {0};
    prev.row = malloc((size_t)cap * sizeof *prev.row);
    prev.points = malloc((size_t)cap * sizeof *prev.points);
    cur.row = malloc((size_t)cap * sizeof *cur.row);
    cur.points = malloc((size_t)cap * sizeof *cur.points);
    ranked *keys = malloc((size_t)s->n_rows * sizeof *keys);
    s->races = calloc((size_t)s->n_races, sizeof *s->races);
    s->rank = calloc((size_t)s->n_rows, sizeof *s->rank);
    if (!prev.row || !prev.points || !cur.row || !cur.points || !keys || !s->races || !s->rank) {
        err_set(e, "out of memory scoring season %d", season);
        goto out;
    }
    for (int i = 0; i < p->n; i++)
        if (p->rows[i].season == season - 1)
            table_add(&prev, p, i);
    int end = s->row_first + s->n_rows;
    for (int i = s->row_first, k = 0; i < end; k++) {
        score_race *r = &s->races[k];
        r->first = i;
        while (i < end && p->rows[i].round == p->rows[r->first].round)
            i++;
        r->n = i - r->first;
        rank_race(s, r, p, pred, seed, keys);
        pole_race(r, p);
        if (leader_race(s, r, p, cur.n > 0 ? &cur : &prev, e) != 0)
            goto out;
        for (int j = r->first; j < i; j++)
            table_add(&cur, p, j);
        s->hits += r->hit;
        s->expected_hits += r->expected_hit;
        s->top3_hits += r->top3;
        s->pole_hits += r->pole_hit;
        s->leader_hits += r->leader_hit;
    }
    rc = 0;
out:
    free(prev.row);
    free(prev.points);
    free(cur.row);
    free(cur.points);
    free(keys);
    if (rc != 0)
        score_release(s);
    return rc;
}

void score_release(score *s)
{
    if (s == NULL)
        return;
    free(s->races);
    free(s->rank);
    free(s->leader_rows);
    memset(s, 0, sizeof *s);
}
