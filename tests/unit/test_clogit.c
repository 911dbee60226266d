/* clogit and standardize: the conditional logit against an independent
 * reference, its gradient, probabilities, JSON round trip and hostile JSON,
 * and the standardisation on hand-worked numbers.
 *
 * The fixture data/clogit/races.csv and its optimum data/clogit/reference.tsv
 * were written once by scipy (BFGS on the same objective, its own
 * standardisation) with
 *   /usr/bin/python3 tests/tools/clogit_reference.py
 * run from the repository root; training seasons 2002-2004, l2 = 1. */
#include "check.h"

#include <stdint.h>
#include <stdlib.h>

#include "ml/clogit.h"
#include "ml/standardize.h"

enum { NF = 4, MAX_ROWS = 400 };
#define TRAIN_FIRST 2002
#define TRAIN_LAST 2004
#define REF_L2 1.0

static const char *const names[NF] = {"grid", "form", "pole", "const"};

/* races.csv, column-major like a feature table. */
static struct {
    int n;
    int season[MAX_ROWS], race[MAX_ROWS];
    double won[MAX_ROWS], x[NF * MAX_ROWS];
} T;

/* The fit of the reference's settings on the training seasons (main). */
static clogit_model ref;

/* reference.tsv: median, mean, sd, beta per feature, and the loss. */
static struct {
    double median[NF], mean[NF], sd[NF], beta[NF], loss;
    int found;
} R;

/* One field: a number, or NaN when empty. */
static double field(char **at)
{
    char *end;
    double v = **at == ',' || **at == '\n' || **at == '\0' ? NAN : strtod(*at, &end);
    if (!isnan(v))
        *at = end;
    if (**at == ',')
        (*at)++;
    return v;
}

static int load_races(void)
{
    FILE *f = fopen("data/clogit/races.csv", "r");
    char line[512];
    if (f == NULL || fgets(line, sizeof line, f) == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL && T.n < MAX_ROWS) {
        char *at = line;
        int season = (int)field(&at), round = (int)field(&at);
        T.season[T.n] = season;
        T.race[T.n] = season * 100 + round;
        T.won[T.n] = field(&at);
        for (int j = 0; j < NF; j++)
            T.x[j * MAX_ROWS + T.n] = field(&at);
        T.n++;
    }
    fclose(f);
    return T.n > 0 ? 0 : -1;
}

static int load_reference(void)
{
    FILE *f = fopen("data/clogit/reference.tsv", "r");
    char line[512], what[32], feat[32];
    double v;
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL) {
        if (line[0] == '#' || sscanf(line, "%31s %31s %lf", what, feat, &v) != 3)
            continue;
        if (strcmp(what, "loss") == 0) {
            R.loss = v;
            R.found++;
            continue;
        }
        for (int j = 0; j < NF; j++) {
            if (strcmp(feat, names[j]) != 0)
                continue;
            double *dst = strcmp(what, "median") == 0 ? R.median
                          : strcmp(what, "mean") == 0 ? R.mean
                          : strcmp(what, "sd") == 0   ? R.sd
                          : strcmp(what, "beta") == 0 ? R.beta
                                                      : NULL;
            if (dst != NULL) {
                dst[j] = v;
                R.found++;
            }
        }
    }
    fclose(f);
    return R.found == 4 * NF + 1 ? 0 : -1;
}

/* The rows of seasons [first, last] (contiguous in the file). */
static clogit_data rows_of(int first, int last)
{
    int lo = 0, n = 0;
    while (lo < T.n && T.season[lo] < first)
        lo++;
    while (lo + n < T.n && T.season[lo + n] <= last)
        n++;
    return (clogit_data){.x = T.x, .stride = MAX_ROWS, .nfeat = NF, .names = names,
                         .race = T.race, .won = T.won, .lo = lo, .n = n};
}

static clogit_params ref_params(void)
{
    clogit_params p = clogit_params_default();
    p.l2 = REF_L2;
    p.tol = 1e-13;
    return p;
}

/* Fits m; a failure is one failed check (with the reason) and 0, so the
 * caller returns instead of reading an empty model. */
static int fitted(clogit_model *m, const clogit_params *p, const clogit_data *d)
{
    err e;
    int rc = clogit_fit(m, p, d, &e);
    CHECK_MSG(rc == 0, "clogit_fit: %s", rc ? e.msg : "");
    return rc == 0;
}

static double norm2(const double *v, int n)
{
    double s = 0.0;
    for (int k = 0; k < n; k++)
        s += v[k] * v[k];
    return sqrt(s);
}

/* ---- the fit against the reference ---- */

static void test_reference(void)
{
    clogit_data d = rows_of(TRAIN_FIRST, TRAIN_LAST);
    err e;
    CHECK_INT(d.n, 122); /* the reference's row count */
    CHECK_INT(ref.n_features, NF);
    for (int j = 0; j < NF; j++) {
        CHECK_NEAR(ref.median[j], R.median[j], 1e-12 * fabs(R.median[j]));
        CHECK_NEAR(ref.mean[j], R.mean[j], 1e-12 * fabs(R.mean[j]));
        CHECK_NEAR(ref.sd[j], R.sd[j], 1e-12 * fabs(R.sd[j]));
        CHECK_NEAR(ref.beta[j], R.beta[j], 1e-6);
    }
    CHECK_NEAR(ref.loss, R.loss, 1e-9);
    /* the constant feature is ignored: sd 0, beta exactly 0 */
    CHECK(ref.sd[3] == 0.0 && ref.mean[3] == 3.25 && ref.beta[3] == 0.0);
    CHECK(ref.l2 == REF_L2);
    /* 24 training races, one without a winner */
    CHECK_INT(ref.races, 23);
    CHECK_MSG(ref.iterations >= 2 && ref.iterations <= 20, "Newton took %d steps", ref.iterations);

    /* the gradient at the returned beta is zero */
    double g[NF], loss;
    CHECK_INT(clogit_gradient(&ref, &d, ref.beta, g, &loss, &e), 0);
    CHECK_MSG(fabs(g[0]) <= 1e-9 && fabs(g[1]) <= 1e-9 && fabs(g[2]) <= 1e-9 && fabs(g[3]) <= 1e-9,
              "gradient at beta: %g %g %g %g", g[0], g[1], g[2], g[3]);
    CHECK(loss == ref.loss);
}

/* The analytic gradient agrees with central differences of the loss. */
static void test_gradient_finite_differences(void)
{
    clogit_data d = rows_of(TRAIN_FIRST, TRAIN_LAST);
    err e;
    double beta[NF] = {0.7, -1.2, 2.0, 0.3}, g[NF], loss;
    CHECK_INT(clogit_gradient(&ref, &d, beta, g, &loss, &e), 0);
    CHECK(fabs(g[0]) > 1.0); /* far from the optimum */
    for (int k = 0; k < NF; k++) {
        double up[NF], down[NF], lu, ld, scratch[NF];
        memcpy(up, beta, sizeof up);
        memcpy(down, beta, sizeof down);
        up[k] += 1e-5;
        down[k] -= 1e-5;
        CHECK_INT(clogit_gradient(&ref, &d, up, scratch, &lu, &e), 0);
        CHECK_INT(clogit_gradient(&ref, &d, down, scratch, &ld, &e), 0);
        CHECK_NEAR(g[k], (lu - ld) / 2e-5, 1e-6 * fmax(1.0, fabs(g[k])));
    }
}

/* ---- races without a winner, dead heats ---- */

static void test_race_without_winner(void)
{
    clogit_data d = rows_of(TRAIN_FIRST, TRAIN_LAST);
    err e;
    /* race 2002/6 has no winner: whatever its rows hold, the objective
     * under a fixed standardisation is the same */
    double g0[NF], g1[NF], l0, l1;
    CHECK_INT(clogit_gradient(&ref, &d, ref.beta, g0, &l0, &e), 0);
    double saved[NF * MAX_ROWS];
    memcpy(saved, T.x, sizeof saved);
    int changed = 0;
    for (int i = d.lo; i < d.lo + d.n; i++)
        if (T.race[i] == 200206) {
            CHECK(T.won[i] == 0.0);
            for (int j = 0; j < NF; j++)
                T.x[j * MAX_ROWS + i] = 40.0 + i + j;
            changed++;
        }
    CHECK(changed >= 2);
    CHECK_INT(clogit_gradient(&ref, &d, ref.beta, g1, &l1, &e), 0);
    CHECK(l0 == l1 && memcmp(g0, g1, sizeof g0) == 0);
    memcpy(T.x, saved, sizeof saved);

    /* no race with a winner at all: nothing to fit */
    double won[MAX_ROWS] = {0};
    clogit_data none = d;
    none.won = won;
    clogit_model m2;
    clogit_params p = ref_params();
    CHECK_INT(clogit_fit(&m2, &p, &none, &e), -1);
    CHECK(strstr(e.msg, "winner") != NULL);
    CHECK(m2.beta == NULL);
}

/* A dead heat of rows a and b counts each as half a win: the objective is
 * the mean of the two single-winner objectives. */
static void test_dead_heat(void)
{
    clogit_data d = rows_of(TRAIN_FIRST, TRAIN_LAST);
    err e;
    int a = -1, b = -1;
    for (int i = d.lo; i < d.lo + d.n; i++)
        if (T.race[i] == 200307 && T.won[i] == 1.0) {
            if (a < 0)
                a = i;
            else
                b = i;
        }
    CHECK(a >= 0 && b > a);
    if (b < 0)
        return;
    double beta[NF] = {0.3, -0.4, 0.9, 0.0}, gt[NF], ga[NF], gb[NF], lt, la, lb;
    CHECK_INT(clogit_gradient(&ref, &d, beta, gt, &lt, &e), 0);
    T.won[b] = 0.0;
    CHECK_INT(clogit_gradient(&ref, &d, beta, ga, &la, &e), 0);
    T.won[b] = 1.0;
    T.won[a] = 0.0;
    CHECK_INT(clogit_gradient(&ref, &d, beta, gb, &lb, &e), 0);
    T.won[a] = 1.0;
    CHECK(la != lb);
    CHECK_NEAR(lt, (la + lb) / 2.0, 1e-12 * lt);
    for (int k = 0; k < NF; k++)
        CHECK_NEAR(gt[k], (ga[k] + gb[k]) / 2.0, 1e-12 * fmax(1.0, fabs(gt[k])));
}

/* ---- penalty, determinism, defaults ---- */

static void test_penalty_shrinks(void)
{
    clogit_data d = rows_of(TRAIN_FIRST, TRAIN_LAST);
    const double l2s[] = {0.01, 0.1, 1.0, 15.0, 100.0};
    double last = INFINITY;
    for (size_t t = 0; t < sizeof l2s / sizeof l2s[0]; t++) {
        clogit_params p = clogit_params_default();
        p.l2 = l2s[t];
        clogit_model m;
        if (!fitted(&m, &p, &d))
            return;
        double norm = norm2(m.beta, NF);
        CHECK_MSG(norm < last, "l2 %g: |beta| %g not below %g", l2s[t], norm, last);
        last = norm;
        clogit_release(&m);
    }
    CHECK(last > 0.0);
}

static void test_deterministic(void)
{
    clogit_data d = rows_of(2002, 2005);
    clogit_params p = clogit_params_default();
    CHECK(p.l2 == 15.0 && p.max_iter == 100 && p.tol == 1e-10);
    clogit_model a, b;
    err e;
    if (!fitted(&a, &p, &d))
        return;
    if (!fitted(&b, &p, &d)) {
        clogit_release(&a);
        return;
    }
    CHECK(memcmp(a.beta, b.beta, 4 * NF * sizeof *a.beta) == 0);
    CHECK(a.loss == b.loss && a.iterations == b.iterations && a.races == b.races);
    clogit_release(&b);

    /* the rows copied into a table of their own fit to the same bits as
     * the slice of the bigger table */
    static double x[NF * MAX_ROWS];
    for (int j = 0; j < NF; j++)
        memcpy(x + j * d.n, T.x + j * MAX_ROWS + d.lo, (size_t)d.n * sizeof *x);
    clogit_data copy = {.x = x, .stride = d.n, .nfeat = NF, .race = T.race + d.lo,
                        .won = T.won + d.lo, .n = d.n};
    if (fitted(&b, &p, &copy)) {
        CHECK(memcmp(a.beta, b.beta, 4 * NF * sizeof *a.beta) == 0 && a.loss == b.loss);
        clogit_release(&b);
    }
    /* with the defaults the gradient is within tol of zero too */
    double g[NF], loss;
    CHECK_INT(clogit_gradient(&a, &d, a.beta, g, &loss, &e), 0);
    for (int k = 0; k < NF; k++)
        CHECK_MSG(fabs(g[k]) < 1e-8, "default fit: gradient %d is %g", k, g[k]);
    clogit_release(&a);
}

/* ---- scores and probabilities ---- */

static void test_probabilities(void)
{
    err e;
    clogit_model m;
    clogit_params p = ref_params();
    CHECK_INT(clogit_fit(&m, &p, &(clogit_data){0}, &e), -1); /* empty data */
    clogit_data test = rows_of(2005, 2005);
    CHECK(test.n > 8);
    double score[MAX_ROWS], prob[MAX_ROWS];
    CHECK_INT(clogit_probabilities(&ref, &test, score, prob, &e), 0);
    int races = 0;
    for (int a = 0, b; a < test.n; a = b) {
        double sum = 0.0;
        int best_p = a, best_s = a, finite = 1;
        for (b = a; b < test.n && T.race[test.lo + b] == T.race[test.lo + a]; b++) {
            sum += prob[b];
            finite = finite && isfinite(prob[b]) && prob[b] >= 0.0;
            best_p = prob[b] > prob[best_p] ? b : best_p;
            best_s = score[b] > score[best_s] ? b : best_s;
        }
        CHECK(finite);
        CHECK_NEAR(sum, 1.0, 1e-12);
        CHECK_INT(best_p, best_s);
        races++;
    }
    CHECK_INT(races, 8);

    /* one row as a vector scores the bits the table row does */
    for (int i = 0; i < test.n; i += 5) {
        double v[NF], s1;
        for (int j = 0; j < NF; j++)
            v[j] = T.x[j * MAX_ROWS + test.lo + i];
        clogit_data row = {.x = v, .stride = 1, .nfeat = NF, .n = 1};
        CHECK_INT(clogit_score(&ref, &row, &s1, &e), 0);
        CHECK_MSG(s1 == score[i], "row %d: %.17g vs %.17g", i, s1, score[i]);
    }

    /* a missing value scores as the training median */
    double miss[NF] = {2.0, NAN, 0.0, 3.25}, med[NF] = {2.0, ref.median[1], 0.0, 3.25}, s_miss, s_med;
    clogit_data row = {.x = miss, .stride = 1, .nfeat = NF, .n = 1};
    CHECK_INT(clogit_score(&ref, &row, &s_miss, &e), 0);
    row.x = med;
    CHECK_INT(clogit_score(&ref, &row, &s_med, &e), 0);
    CHECK(s_miss == s_med);
    /* the constant feature contributes nothing, whatever its value */
    med[3] = 1e6;
    CHECK_INT(clogit_score(&ref, &row, &s_miss, &e), 0);
    CHECK(s_miss == s_med);
    /* infinite values are errors, as are scores that overflow */
    med[3] = INFINITY;
    CHECK_INT(clogit_score(&ref, &row, &s_miss, &e), -1);
    CHECK(strstr(e.msg, "infinite") != NULL);
    med[3] = 3.25;
    med[1] = 1e308;
    double sd = ref.sd[1];
    ref.sd[1] = 1e-300;
    CHECK_INT(clogit_score(&ref, &row, &s_miss, &e), -1);
    CHECK(strstr(e.msg, "overflow") != NULL);
    ref.sd[1] = sd;
    /* wrong width */
    row.nfeat = NF - 1;
    CHECK_INT(clogit_score(&ref, &row, &s_miss, &e), -1);
}

static void test_softmax_extremes(void)
{
    double s[4] = {1e300, -1e300, 1e300, 0.0}, p[4];
    clogit_softmax(s, 4, p);
    CHECK(p[0] == 0.5 && p[1] == 0.0 && p[2] == 0.5 && p[3] == 0.0);
    double t[3] = {-1e308, -1e308, -1.7e308};
    clogit_softmax(t, 3, t); /* in place */
    CHECK(t[0] == 0.5 && t[1] == 0.5 && t[2] == 0.0);
    double u[3] = {800.0, 799.0, -5000.0}, q[3];
    clogit_softmax(u, 3, q);
    CHECK(isfinite(q[0]) && isfinite(q[1]));
    CHECK_NEAR(q[0], 1.0 / (1.0 + exp(-1.0)), 1e-15);
    CHECK_NEAR(q[0] + q[1] + q[2], 1.0, 1e-15);
    double one = 42.0;
    clogit_softmax(&one, 1, &one);
    CHECK(one == 1.0);
}

/* ---- bad input ---- */

static void test_rejects(void)
{
    clogit_data d = rows_of(TRAIN_FIRST, TRAIN_LAST);
    clogit_model m;
    err e;
    clogit_params p = clogit_params_default();
    const double bad_l2[] = {0.0, -1.0, NAN, INFINITY};
    for (size_t t = 0; t < sizeof bad_l2 / sizeof bad_l2[0]; t++) {
        p.l2 = bad_l2[t];
        CHECK_INT(clogit_fit(&m, &p, &d, &e), -1);
        CHECK_INT(e.kind, ERR_INPUT);
    }
    p = clogit_params_default();
    p.max_iter = 0;
    CHECK_INT(clogit_fit(&m, &p, &d, &e), -1);
    p = clogit_params_default();
    p.tol = 0.0;
    CHECK_INT(clogit_fit(&m, &p, &d, &e), -1);

    /* one Newton step cannot reach 1e-13 */
    p = ref_params();
    p.max_iter = 1;
    CHECK_INT(clogit_fit(&m, &p, &d, &e), -1);
    CHECK(strstr(e.msg, "did not converge in 1 Newton step") != NULL);
    CHECK(m.beta == NULL);

    p = clogit_params_default();
    int i = d.lo + 7;
    T.won[i] = 0.5;
    CHECK_INT(clogit_fit(&m, &p, &d, &e), -1);
    CHECK(strstr(e.msg, "won = 0.5") != NULL);
    T.won[i] = 0.0;

    double x = T.x[1 * MAX_ROWS + i];
    T.x[1 * MAX_ROWS + i] = -INFINITY;
    CHECK_INT(clogit_fit(&m, &p, &d, &e), -1);
    CHECK_MSG(strstr(e.msg, "'form'") != NULL && strstr(e.msg, "infinite") != NULL, "%s", e.msg);
    T.x[1 * MAX_ROWS + i] = x;

    int race = T.race[i];
    T.race[i] = 200101; /* a race of 2001 in the middle of 2002 */
    CHECK_INT(clogit_fit(&m, &p, &d, &e), -1);
    CHECK(strstr(e.msg, "race order") != NULL);
    T.race[i] = race;
    if (!fitted(&m, &p, &d))
        return;
    clogit_release(&m);
    clogit_release(NULL);
}

/* ---- JSON ---- */

static cJSON *reparse(const clogit_model *m)
{
    cJSON *o = clogit_to_json(m);
    char *text = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    cJSON *back = text ? cJSON_Parse(text) : NULL;
    free(text);
    return back;
}

static void test_json_round_trip(void)
{
    clogit_model m, back;
    err e;
    clogit_params p = clogit_params_default();
    clogit_data d = rows_of(2001, 2005);
    if (!fitted(&m, &p, &d))
        return;
    m.mean[2] = 1.0 / 3.0; /* sure to need 17 digits */
    cJSON *o = reparse(&m);
    CHECK(o != NULL);
    CHECK_INT(clogit_from_json(o, NF, &back, &e), 0);
    CHECK_INT(back.n_features, NF);
    CHECK(back.beta != NULL && memcmp(m.beta, back.beta, 4 * NF * sizeof *m.beta) == 0);
    CHECK(back.l2 == m.l2 && back.loss == m.loss && back.iterations == m.iterations &&
          back.races == m.races);
    clogit_release(&back);
    /* 0: the width comes from beta */
    CHECK_INT(clogit_from_json(o, 0, &back, &e), 0);
    CHECK_INT(back.n_features, NF);
    clogit_release(&back);
    cJSON_Delete(o);
    clogit_release(&m);
}

/* A parsed valid model with one change applied to key (item NULL: delete
 * the key); from_json must refuse it, naming `needle`, leaving *m zeroed. */
static void check_hostile(const clogit_model *good, const char *key, cJSON *item, int n,
                          const char *needle)
{
    cJSON *o = reparse(good);
    if (item != NULL)
        cJSON_ReplaceItemInObjectCaseSensitive(o, key, item);
    else
        cJSON_DeleteItemFromObjectCaseSensitive(o, key);
    clogit_model m;
    err e;
    int rc = clogit_from_json(o, n, &m, &e);
    CHECK_MSG(rc == -1 && e.kind == ERR_DATA && strstr(e.msg, needle) != NULL,
              "hostile '%s' (%s): rc %d, '%s'", key, needle, rc, rc ? e.msg : "");
    CHECK(m.beta == NULL && m.n_features == 0);
    cJSON_Delete(o);
}

static void test_json_hostile(void)
{
    err e;
    const double five[5] = {1, 2, 3, 4, 5}, three[3] = {1, 2, 3};
    const double nan4[4] = {0, NAN, 0, 0}, inf4[4] = {0, 0, 0, INFINITY}, neg4[4] = {1, 1, -1, 1};
    check_hostile(&ref, "beta", NULL, NF, "'beta'");
    check_hostile(&ref, "beta", cJSON_CreateDoubleArray(five, 5), NF, "'beta'");
    check_hostile(&ref, "mean", cJSON_CreateDoubleArray(three, 3), NF, "'mean'");
    check_hostile(&ref, "beta", cJSON_CreateDoubleArray(nan4, 4), NF, "'beta' entry 1");
    check_hostile(&ref, "median", cJSON_CreateDoubleArray(inf4, 4), NF, "'median' entry 3");
    check_hostile(&ref, "sd", cJSON_CreateDoubleArray(neg4, 4), NF, "'sd' entry 2");
    check_hostile(&ref, "sd", cJSON_CreateString("1,2,3,4"), NF, "'sd'");
    check_hostile(&ref, "median", NULL, NF, "'median'");
    check_hostile(&ref, "l2", cJSON_CreateNumber(0.0), NF, "'l2'");
    check_hostile(&ref, "l2", cJSON_CreateNumber(NAN), NF, "'l2'");
    check_hostile(&ref, "l2", cJSON_CreateString("15"), NF, "'l2'");
    check_hostile(&ref, "loss", cJSON_CreateNumber(-1.0), NF, "'loss'");
    check_hostile(&ref, "loss", NULL, NF, "'loss'");
    check_hostile(&ref, "iterations", cJSON_CreateNumber(2.5), NF, "'iterations'");
    check_hostile(&ref, "races", cJSON_CreateNumber(1e10), NF, "'races'");
    check_hostile(&ref, "races", cJSON_CreateTrue(), NF, "'races'");
    /* another width than the caller's features */
    check_hostile(&ref, "l2", cJSON_CreateNumber(15.0), NF + 1, "have 5 entries");
    check_hostile(&ref, "beta", cJSON_CreateArray(), 0, "'beta' is missing or empty");

    /* text that parses to infinities, and not an object at all */
    cJSON *inf = cJSON_Parse("{\"l2\": 1e999, \"iterations\": 1, \"races\": 1, \"loss\": 1, "
                             "\"beta\": [1], \"mean\": [0], \"sd\": [1], \"median\": [0]}");
    cJSON *arr = cJSON_Parse("[1, 2, 3]");
    clogit_model bad;
    CHECK(inf != NULL && arr != NULL);
    CHECK_INT(clogit_from_json(inf, 0, &bad, &e), -1);
    CHECK(strstr(e.msg, "'l2'") != NULL);
    CHECK_INT(clogit_from_json(arr, 0, &bad, &e), -1);
    CHECK(strstr(e.msg, "not a JSON object") != NULL);
    CHECK_INT(clogit_from_json(NULL, 0, &bad, &e), -1);
    /* the same text with a finite l2 reads */
    cJSON_ReplaceItemInObjectCaseSensitive(inf, "l2", cJSON_CreateNumber(2.0));
    CHECK_INT(clogit_from_json(inf, 0, &bad, &e), 0);
    CHECK(bad.n_features == 1 && bad.sd[0] == 1.0);
    clogit_release(&bad);
    cJSON_Delete(inf);
    cJSON_Delete(arr);
}

/* ---- standardisation on hand-worked numbers ---- */

enum { SN = 6, SF = 5 };

static void test_standardize(void)
{
    /* columns: an even count of present values with two missing; an odd
     * count; a constant; all missing; a 0/1 column (ties) */
    double x[SF * SN] = {
        1, NAN, 4, 2, NAN, 10,  /* present 1 2 4 10: median 3 */
        5, NAN, 1, 3, 3, NAN,   /* present 1 3 3 5: median 3 */
        7, NAN, 7, 7, 7, 7,     /* constant 7 */
        NAN, NAN, NAN, NAN, NAN, NAN,
        0, 1, 0, 0, 1, 0,       /* median 0 */
    };
    double median[SF], mean[SF], sd[SF], work[SN];
    err e;
    CHECK_INT(standardize_fit(x, SN, 0, SN, SF, NULL, median, mean, sd, work, &e), 0);
    CHECK(median[0] == 3.0 && median[1] == 3.0 && median[2] == 7.0 && median[3] == 0.0 &&
          median[4] == 0.0);
    /* column 0 imputed: 1 3 4 2 3 10, sum 23; sum of squares 139 */
    CHECK_NEAR(mean[0], 23.0 / 6.0, 1e-15);
    CHECK_NEAR(sd[0], sqrt(305.0) / 6.0, 1e-15); /* (139 - 529/6) / 6 = 305/36 */
    /* column 1 imputed: 5 3 1 3 3 3, mean 3, squares 4 + 4 */
    CHECK_NEAR(mean[1], 3.0, 1e-15);
    CHECK_NEAR(sd[1], sqrt(8.0 / 6.0), 1e-15);
    CHECK(mean[2] == 7.0 && sd[2] == 0.0);
    CHECK(mean[3] == 0.0 && sd[3] == 0.0);
    CHECK_NEAR(mean[4], 2.0 / 6.0, 1e-15);
    CHECK_NEAR(sd[4], sqrt(2.0 / 9.0), 1e-15); /* p(1-p), p = 1/3 */

    double z[SN * SF];
    CHECK_INT(standardize_rows(x, SN, 0, SN, SF, NULL, median, mean, sd, z, &e), 0);
    CHECK_NEAR(z[1 * SF + 0], (3.0 - 23.0 / 6.0) / (sqrt(305.0) / 6.0), 1e-15); /* NaN -> 3 */
    CHECK_NEAR(z[5 * SF + 0], (10.0 - 23.0 / 6.0) / (sqrt(305.0) / 6.0), 1e-15);
    CHECK(z[0 * SF + 1] == (5.0 - 3.0) / sd[1]);
    CHECK(z[2 * SF + 2] == 0.0 && z[1 * SF + 3] == 0.0);
    CHECK(standardize_value(123.0, 7.0, 7.0, 0.0) == 0.0);
    CHECK(standardize_value(NAN, 3.0, 1.0, 2.0) == 1.0);

    /* a range: rows [2, 5) of column 0 are 4 2 NaN: median 3, mean 3 */
    CHECK_INT(standardize_fit(x, SN, 2, 3, 1, NULL, median, mean, sd, work, &e), 0);
    CHECK(median[0] == 3.0 && mean[0] == 3.0);
    CHECK_NEAR(sd[0], sqrt(2.0 / 3.0), 1e-15);

    /* an infinite value is named */
    static const char *const sn[SF] = {"a", "b", "c", "d", "e"};
    x[1 * SN + 4] = INFINITY;
    CHECK_INT(standardize_fit(x, SN, 0, SN, SF, sn, median, mean, sd, work, &e), -1);
    CHECK_STR(e.msg, "feature 'b' is infinite in row 4");
    CHECK_INT(standardize_rows(x, SN, 0, SN, SF, NULL, median, mean, sd, z, &e), -1);
    CHECK_STR(e.msg, "feature column 1 in row 4 is infinite");
    /* huge values: a constant one is fine, a spread one whose sums overflow is refused */
    double big[4] = {1e308, 1e308, 1e308, -1e308};
    CHECK_INT(standardize_fit(big, 4, 0, 3, 1, NULL, median, mean, sd, work, &e), 0);
    CHECK(mean[0] == 1e308 && sd[0] == 0.0);
    CHECK_INT(standardize_fit(big, 4, 0, 4, 1, NULL, median, mean, sd, work, &e), -1);
    CHECK(strstr(e.msg, "cannot be standardised") != NULL);
    CHECK_INT(standardize_fit(big, 4, 0, 0, 1, NULL, median, mean, sd, work, &e), -1);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The selection-based median equals the sorted one on many small columns
 * full of ties and missing values. */
static void test_median_matches_sort(void)
{
    uint64_t state = 88172645463325252u;
    int bad = 0;
    for (int trial = 0; trial < 2000; trial++) {
        int n = 1 + trial % 37;
        double col[40], present[40], median, mean, sd, work[40];
        int k = 0;
        for (int i = 0; i < n; i++) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            int v = (int)(state % 11);
            col[i] = v == 10 ? NAN : (double)(v % (1 + trial % 6)) - 2.5;
            if (!isnan(col[i]))
                present[k++] = col[i];
        }
        qsort(present, (size_t)k, sizeof *present, cmp_double);
        double want = k == 0 ? 0.0 : k % 2 ? present[k / 2] : (present[k / 2 - 1] + present[k / 2]) / 2;
        err e;
        if (standardize_fit(col, n, 0, n, 1, NULL, &median, &mean, &sd, work, &e) != 0 ||
            median != want)
            bad++;
    }
    CHECK_INT(bad, 0);
}

int main(void)
{
    if (load_races() != 0 || load_reference() != 0) {
        CHECK_MSG(0, "cannot read data/clogit/races.csv and reference.tsv (run from tests/)");
        return check_done();
    }
    clogit_params p = ref_params();
    clogit_data train = rows_of(TRAIN_FIRST, TRAIN_LAST);
    if (!fitted(&ref, &p, &train))
        return check_done();
    test_reference();
    test_gradient_finite_differences();
    test_race_without_winner();
    test_dead_heat();
    test_penalty_shrinks();
    test_deterministic();
    test_probabilities();
    test_softmax_extremes();
    test_rejects();
    test_json_round_trip();
    test_json_hostile();
    test_standardize();
    test_median_matches_sort();
    clogit_release(&ref);
    CHECK(ref.beta == NULL && ref.n_features == 0);
    return check_done();
}
