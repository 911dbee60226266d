#include "data/qualifying.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"

int qualifying_append(qualifying_table *t, int season, int round, const char *driver_id,
                      const double q_ms[QUALIFYING_SESSIONS], err *e)
{
    /* Every array grows to the same size; alloc records it only once all
     * of them did, so a failure half way leaves a consistent table. */
    if (t->n == t->alloc) {
        int a = t->alloc, need = t->n + 1;
        int sa = a, ra = a, da = a, qa[QUALIFYING_SESSIONS] = {a, a, a};
        if (grow_array(&t->season, &sa, need, sizeof *t->season, 64, e) != 0 ||
            grow_array(&t->round, &ra, need, sizeof *t->round, 64, e) != 0 ||
            grow_array(&t->driver_id, &da, need, sizeof *t->driver_id, 64, e) != 0)
            return -1;
        for (int s = 0; s < QUALIFYING_SESSIONS; s++)
            if (grow_array(&t->q[s], &qa[s], need, sizeof *t->q[s], 64, e) != 0)
                return -1;
        t->alloc = sa;
    }
    char *id = strdup(driver_id);
    if (id == NULL)
        return err_set(e, "qualifying: out of memory");
    int i = t->n++;
    t->season[i] = season;
    t->round[i] = round;
    t->driver_id[i] = id;
    for (int s = 0; s < QUALIFYING_SESSIONS; s++)
        t->q[s][i] = q_ms[s];
    return 0;
}

void qualifying_release(qualifying_table *t)
{
    if (t == NULL)
        return;
    for (int i = 0; i < t->n; i++)
        free(t->driver_id[i]);
    free(t->season);
    free(t->round);
    free(t->driver_id);
    for (int s = 0; s < QUALIFYING_SESSIONS; s++)
        free(t->q[s]);
    memset(t, 0, sizeof *t);
}

/* A run of 1 to max ASCII digits at *s; its value, or -1. */
static int digits(const char **s, int max, int *count)
{
    int v = 0, k = 0;
    while (k < max && **s >= '0' && **s <= '9') {
        v = v * 10 + (**s - '0');
        (*s)++;
        k++;
    }
    *count = k;
    return k > 0 ? v : -1;
}

int qualifying_time_ms(const char *text, double *ms, err *e)
{
    *ms = NAN;
    if (text[0] == '\0')
        return 0;
    const char *s = text;
    int n, minutes = 0;
    int a = digits(&s, 3, &n);
    if (a >= 0 && *s == ':') {
        minutes = a;
        s++;
        a = digits(&s, 2, &n);
        if (n != 2 || a >= 60)
            a = -1;
    }
    int frac = -1;
    if (a >= 0 && *s == '.') {
        s++;
        frac = digits(&s, 3, &n);
        for (int k = n; frac >= 0 && k < 3; k++)
            frac *= 10; /* ".5" is 500 ms */
    }
    if (a < 0 || frac < 0 || *s != '\0')
        return err_setk(e, ERR_DATA, "qualifying: '%.40s' is not a lap time (expected m:ss.sss)",
                        text);
    *ms = ((double)minutes * 60 + a) * 1000 + frac;
    return 0;
}

/* What qsort orders: an entry's key and index. */
typedef struct {
    int season, round;
    const char *id;
    int i;
} entry_key;

static int key_cmp(int season, int round, const char *id, const entry_key *k)
{
    if (season != k->season)
        return season < k->season ? -1 : 1;
    if (round != k->round)
        return round < k->round ? -1 : 1;
    return id == NULL ? 0 : strcmp(id, k->id);
}

static int entry_cmp(const void *pa, const void *pb)
{
    const entry_key *a = pa, *b = pb;
    int c = key_cmp(a->season, a->round, a->id, b);
    return c != 0 ? c : (a->i > b->i) - (a->i < b->i);
}

static int check_times(const qualifying_table *t, int i, err *e)
{
    for (int s = 0; s < QUALIFYING_SESSIONS; s++) {
        double v = t->q[s][i];
        if (!isnan(v) && !(isfinite(v) && v > 0))
            return err_setk(e, ERR_DATA,
                            "qualifying: %d round %d driver '%s': Q%d time %g ms is not a "
                            "positive number",
                            t->season[i], t->round[i], t->driver_id[i], s + 1, v);
    }
    return 0;
}

int qualifying_index_build(qualifying_index *ix, const qualifying_table *t, err *e)
{
    ix->t = t;
    ix->order = malloc(((size_t)t->n + 1) * sizeof *ix->order);
    entry_key *keys = malloc(((size_t)t->n + 1) * sizeof *keys);
    if (ix->order == NULL || keys == NULL) {
        free(keys);
        qualifying_index_release(ix);
        return err_set(e, "qualifying: out of memory");
    }
    int rc = 0;
    for (int i = 0; i < t->n && rc == 0; i++) {
        keys[i] = (entry_key){t->season[i], t->round[i], t->driver_id[i], i};
        rc = check_times(t, i, e);
    }
    if (rc == 0)
        qsort(keys, (size_t)t->n, sizeof *keys, entry_cmp);
    for (int k = 0; k < t->n && rc == 0; k++) {
        ix->order[k] = keys[k].i;
        if (k > 0 && key_cmp(keys[k].season, keys[k].round, keys[k].id, &keys[k - 1]) == 0)
            rc = err_setk(e, ERR_DATA, "qualifying: driver '%s' has two entries in %d round %d",
                          keys[k].id, keys[k].season, keys[k].round);
    }
    free(keys);
    if (rc != 0)
        qualifying_index_release(ix);
    return rc;
}

void qualifying_index_release(qualifying_index *ix)
{
    free(ix->order);
    ix->order = NULL;
}

/* The first position in [lo, hi) whose entry is not before the key (id
 * NULL: compares races only); with after set, the first one after it. */
static int bound(const qualifying_index *ix, int lo, int hi, int season, int round,
                 const char *id, int after)
{
    const qualifying_table *t = ix->t;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2, i = ix->order[mid];
        entry_key k = {t->season[i], t->round[i], t->driver_id[i], i};
        int c = key_cmp(season, round, id, &k);
        if (c > 0 || (after && c == 0))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void qualifying_index_race(const qualifying_index *ix, int season, int round, int *lo, int *hi)
{
    *lo = bound(ix, 0, ix->t->n, season, round, NULL, 0);
    *hi = bound(ix, *lo, ix->t->n, season, round, NULL, 1);
}

int qualifying_index_find(const qualifying_index *ix, int lo, int hi, const char *driver_id)
{
    if (lo >= hi)
        return -1;
    const qualifying_table *t = ix->t;
    int first = ix->order[lo];
    int k = bound(ix, lo, hi, t->season[first], t->round[first], driver_id, 0);
    return k < hi && strcmp(t->driver_id[ix->order[k]], driver_id) == 0 ? ix->order[k] : -1;
}
