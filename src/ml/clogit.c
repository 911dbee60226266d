#include "ml/clogit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonbuild.h"
#include "core/jsonfile.h"
#include "ml/numfmt.h"
#include "ml/standardize.h"

/* Armijo's sufficient-decrease fraction, the step halvings tried before
 * giving up, and the predicted decrease (relative to L) below which L's
 * rounding hides any real change, so the full Newton step is taken. */
#define ARMIJO 1e-4
#define MAX_HALVINGS 60
#define ROUNDING_FLOOR 1e-12

clogit_params clogit_params_default(void)
{
    return (clogit_params){.l2 = CLOGIT_DEFAULT_L2,
                           .max_iter = CLOGIT_DEFAULT_MAX_ITER,
                           .tol = CLOGIT_DEFAULT_TOL};
}

/* ---- the objective on standardised rows ---- */

/* The training set as the kernels see it: R races, race r holding the
 * rows [off[r], off[r + 1]) of z (row-major, d features per row) with
 * target weights y (1/k for each of k winners, else 0). */
typedef struct {
    int d, races;
    const double *z; /* rows * d */
    const double *y; /* rows */
    const int *off;  /* races + 1 */
} race_set;

static double dot(const double *a, const double *b, int d)
{
    double s = 0.0;
    for (int k = 0; k < d; k++)
        s += a[k] * b[k];
    return s;
}

/* L(beta) over rs with penalty l2, and its gradient into g (d).  Leaves
 * each row's probability under beta in p (rows), which hessian() reads.
 * Allocates nothing; every sum runs in race and row order. */
static double loss_gradient(const race_set *rs, const double *beta, double l2, double *p, double *g)
{
    int d = rs->d;
    double loss = 0.0;
    memset(g, 0, (size_t)d * sizeof *g);
    for (int r = 0; r < rs->races; r++) {
        int a = rs->off[r], b = rs->off[r + 1];
        double top = -INFINITY, target = 0.0, sum = 0.0;
        for (int i = a; i < b; i++) {
            p[i] = dot(rs->z + (size_t)i * d, beta, d);
            top = p[i] > top ? p[i] : top;
            target += rs->y[i] * p[i];
        }
        for (int i = a; i < b; i++) {
            p[i] = exp(p[i] - top);
            sum += p[i];
        }
        /* -sum_i y_i log p_i = log sum exp(s) - sum_i y_i s_i, as sum y = 1 */
        loss += top + log(sum) - target;
        for (int i = a; i < b; i++) {
            const double *zi = rs->z + (size_t)i * d;
            p[i] /= sum;
            double w = p[i] - rs->y[i];
            for (int k = 0; k < d; k++)
                g[k] += w * zi[k];
        }
    }
    loss += l2 * dot(beta, beta, d);
    for (int k = 0; k < d; k++)
        g[k] += 2.0 * l2 * beta[k];
    return loss;
}

/* The Hessian at the beta whose probabilities p loss_gradient() left:
 * 2 l2 I plus, per race, sum_i p_i (z_i - m)(z_i - m)^T with
 * m = sum_i p_i z_i (the covariance form: no cancellation), into H (d * d,
 * full).  m and c are d of scratch. */
static void hessian(const race_set *rs, const double *p, double l2, double *restrict m,
                    double *restrict c, double *restrict H)
{
    int d = rs->d;
    memset(H, 0, (size_t)d * d * sizeof *H);
    for (int r = 0; r < rs->races; r++) {
        int a = rs->off[r], b = rs->off[r + 1];
        memset(m, 0, (size_t)d * sizeof *m);
        for (int i = a; i < b; i++)
            for (int k = 0; k < d; k++)
                m[k] += p[i] * rs->z[(size_t)i * d + k];
        for (int i = a; i < b; i++) {
            for (int k = 0; k < d; k++)
                c[k] = rs->z[(size_t)i * d + k] - m[k];
            /* upper triangle only; mirrored below */
            for (int k = 0; k < d; k++) {
                double ck = p[i] * c[k];
                double *restrict row = H + (size_t)k * d;
                for (int l = k; l < d; l++)
                    row[l] += ck * c[l];
            }
        }
    }
    for (int k = 0; k < d; k++) {
        H[k * d + k] += 2.0 * l2;
        for (int l = 0; l < k; l++)
            H[k * d + l] = H[l * d + k];
    }
}

static double max_abs(const double *v, int d)
{
    double top = 0.0;
    for (int k = 0; k < d; k++)
        top = fabs(v[k]) > top ? fabs(v[k]) : top;
    return top;
}

/* Overwrites the lower triangle of H (d * d, symmetric) with its Cholesky
 * factor L (H = L L^T).  Returns -1 when H is not positive definite. */
static int cholesky(double *H, int d)
{
    for (int j = 0; j < d; j++) {
        double diag = H[j * d + j];
        for (int k = 0; k < j; k++)
            diag -= H[j * d + k] * H[j * d + k];
        if (!(diag > 0.0))
            return -1;
        diag = sqrt(diag);
        H[j * d + j] = diag;
        for (int i = j + 1; i < d; i++) {
            double v = H[i * d + j];
            for (int k = 0; k < j; k++)
                v -= H[i * d + k] * H[j * d + k];
            H[i * d + j] = v / diag;
        }
    }
    return 0;
}

/* step = -(L L^T)^-1 g, L the lower triangle of H. */
static void newton_step(const double *H, const double *g, int d, double *step)
{
    for (int i = 0; i < d; i++) {
        double v = -g[i];
        for (int k = 0; k < i; k++)
            v -= H[i * d + k] * step[k];
        step[i] = v / H[i * d + i];
    }
    for (int i = d - 1; i >= 0; i--) {
        double v = step[i];
        for (int k = i + 1; k < d; k++)
            v -= H[k * d + i] * step[k];
        step[i] = v / H[i * d + i];
    }
}

/* ---- data checks and preparation ---- */

static int check_data(const clogit_data *d, int need_won, err *e)
{
    if (d->nfeat < 1 || d->n < 1 || d->lo < 0 || d->stride < d->lo + d->n)
        return err_setk(e, ERR_DATA,
                        "bad table shape: %d features, rows [%d, %d) of a table of %d rows",
                        d->nfeat, d->lo, d->lo + d->n, d->stride);
    if (d->race == NULL || (need_won && d->won == NULL))
        return err_setk(e, ERR_DATA, "the table has no race ids%s", need_won ? " or won flags" : "");
    for (int i = d->lo; i < d->lo + d->n; i++) {
        if (i > d->lo && d->race[i] < d->race[i - 1])
            return err_setk(e, ERR_DATA,
                            "rows are not in race order: row %d has race id %d after %d (the "
                            "rows of a race must be together, races in increasing id order)",
                            i, d->race[i], d->race[i - 1]);
        if (need_won && d->won[i] != 0.0 && d->won[i] != 1.0)
            return err_setk(e, ERR_DATA, "row %d has won = %g, expected 0 or 1", i, d->won[i]);
    }
    return 0;
}

/* Fills rs from d's rows standardised into z (rows * nfeat): keeps the
 * races with at least one winner (moving their rows to the front of z) and
 * their target weights y (rows) and offsets off (rows + 1). */
static void build_races(const clogit_data *d, double *z, double *y, int *off, race_set *rs)
{
    int nf = d->nfeat, kept = 0, races = 0;
    off[0] = 0;
    for (int a = d->lo, b; a < d->lo + d->n; a = b) {
        int winners = 0;
        for (b = a; b < d->lo + d->n && d->race[b] == d->race[a]; b++)
            winners += d->won[b] == 1.0;
        if (winners == 0)
            continue;
        for (int i = a; i < b; i++, kept++) {
            y[kept] = d->won[i] == 1.0 ? 1.0 / winners : 0.0;
            if (kept != i - d->lo)
                memmove(z + (size_t)kept * nf, z + (size_t)(i - d->lo) * nf, (size_t)nf * sizeof *z);
        }
        off[++races] = kept;
    }
    *rs = (race_set){.d = nf, .races = races, .z = z, .y = y, .off = off};
}

/* Scratch of a fit or a gradient: rows of z, y and p, d-vectors and the
 * d x d Hessian, in one allocation (doubles) plus the offsets (ints). */
typedef struct {
    double *z, *y, *p, *g, *H, *m, *c, *step, *trial;
    int *off;
} work;

static int work_alloc(work *w, int n, int d, err *e)
{
    size_t rows = (size_t)n, dd = (size_t)d;
    w->z = malloc((rows * dd + 2 * rows + dd * dd + 5 * dd) * sizeof *w->z);
    w->off = malloc((rows + 1) * sizeof *w->off);
    if (w->z == NULL || w->off == NULL) {
        free(w->z);
        free(w->off);
        return err_set(e, "out of memory for a conditional logit on %d rows of %d features", n, d);
    }
    w->y = w->z + rows * dd;
    w->p = w->y + rows;
    w->H = w->p + rows;
    w->g = w->H + dd * dd;
    w->m = w->g + dd;
    w->c = w->m + dd;
    w->step = w->c + dd;
    w->trial = w->step + dd;
    return 0;
}

static void work_release(work *w)
{
    free(w->z);
    free(w->off);
}

/* ---- the model ---- */

static int model_alloc(clogit_model *m, int n, err *e)
{
    memset(m, 0, sizeof *m);
    m->beta = calloc((size_t)4 * n, sizeof *m->beta);
    if (m->beta == NULL)
        return err_set(e, "out of memory for a conditional logit of %d features", n);
    m->n_features = n;
    m->mean = m->beta + n;
    m->sd = m->mean + n;
    m->median = m->sd + n;
    return 0;
}

void clogit_release(clogit_model *m)
{
    if (m == NULL)
        return;
    free(m->beta);
    memset(m, 0, sizeof *m);
}

static int check_params(const clogit_params *p, err *e)
{
    if (!(isfinite(p->l2) && p->l2 > 0.0))
        return err_setk(e, ERR_INPUT, "l2 = %g: expected a finite penalty > 0", p->l2);
    if (p->max_iter < 1)
        return err_setk(e, ERR_INPUT, "max_iter = %d: expected at least 1", p->max_iter);
    if (!(p->tol > 0.0 && p->tol < 1.0))
        return err_setk(e, ERR_INPUT, "tol = %g: expected a tolerance in (0, 1)", p->tol);
    return 0;
}

/* Damped Newton from beta = 0 (m->beta) on rs; fills m's fit summary.
 * Each step costs one Hessian and one loss-and-gradient per step length
 * tried; the accepted trial's gradient and probabilities are the next
 * step's. */
static int newton(clogit_model *m, const clogit_params *p, const race_set *rs, work *w, err *e)
{
    int d = rs->d;
    double *beta = m->beta;
    double loss = loss_gradient(rs, beta, p->l2, w->p, w->g);
    double limit = p->tol * fmax(1.0, max_abs(w->g, d));
    int iter = 0;
    while (max_abs(w->g, d) > limit) {
        if (iter == p->max_iter)
            return err_setk(e, ERR_DATA,
                            "the conditional logit did not converge in %d Newton steps (max "
                            "|gradient| %g, wanted %g)",
                            iter, max_abs(w->g, d), limit);
        hessian(rs, w->p, p->l2, w->m, w->c, w->H);
        if (cholesky(w->H, d) != 0)
            return err_setk(e, ERR_DATA,
                            "the conditional logit's Hessian is not positive definite at step %d "
                            "(l2 = %g too small for this data?)",
                            iter + 1, p->l2);
        newton_step(w->H, w->g, d, w->step);
        double decrease = -dot(w->g, w->step, d); /* g^T H^-1 g >= 0 */
        int full_step = decrease <= ROUNDING_FLOOR * (1.0 + fabs(loss));
        double t = 1.0, trial_loss;
        for (int halvings = 0;; halvings++, t *= 0.5) {
            if (halvings > MAX_HALVINGS)
                return err_setk(e, ERR_DATA,
                                "the conditional logit's line search failed at Newton step %d "
                                "(loss %.17g)",
                                iter + 1, loss);
            for (int k = 0; k < d; k++)
                w->trial[k] = beta[k] + t * w->step[k];
            trial_loss = loss_gradient(rs, w->trial, p->l2, w->p, w->g);
            if (full_step || trial_loss <= loss - ARMIJO * t * decrease)
                break;
        }
        memcpy(beta, w->trial, (size_t)d * sizeof *beta);
        loss = trial_loss;
        iter++;
    }
    m->loss = loss;
    m->iterations = iter;
    m->races = rs->races;
    m->l2 = p->l2;
    return 0;
}

int clogit_fit(clogit_model *m, const clogit_params *p, const clogit_data *d, err *e)
{
    memset(m, 0, sizeof *m);
    if (check_params(p, e) != 0 || check_data(d, 1, e) != 0)
        return -1;
    work w;
    if (work_alloc(&w, d->n, d->nfeat, e) != 0)
        return -1;
    int rc = model_alloc(m, d->nfeat, e);
    /* w.p is scratch for the medians before it holds probabilities */
    if (rc == 0)
        rc = standardize_fit(d->x, d->stride, d->lo, d->n, d->nfeat, d->names, m->median, m->mean,
                             m->sd, w.p, e);
    if (rc == 0)
        rc = standardize_rows(d->x, d->stride, d->lo, d->n, d->nfeat, d->names, m->median, m->mean,
                              m->sd, w.z, e);
    race_set rs;
    if (rc == 0) {
        build_races(d, w.z, w.y, w.off, &rs);
        if (rs.races == 0)
            rc = err_setk(e, ERR_DATA, "no race of the training rows [%d, %d) has a winner", d->lo,
                          d->lo + d->n);
    }
    if (rc == 0)
        rc = newton(m, p, &rs, &w, e);
    work_release(&w);
    if (rc != 0)
        clogit_release(m);
    return rc;
}

int clogit_gradient(const clogit_model *m, const clogit_data *d, const double *beta, double *grad,
                    double *loss, err *e)
{
    if (check_data(d, 1, e) != 0)
        return -1;
    if (d->nfeat != m->n_features)
        return err_setk(e, ERR_DATA, "the table has %d features, the model %d", d->nfeat,
                        m->n_features);
    work w;
    if (work_alloc(&w, d->n, d->nfeat, e) != 0)
        return -1;
    int rc = standardize_rows(d->x, d->stride, d->lo, d->n, d->nfeat, d->names, m->median, m->mean,
                              m->sd, w.z, e);
    if (rc == 0) {
        race_set rs;
        build_races(d, w.z, w.y, w.off, &rs);
        *loss = loss_gradient(&rs, beta, m->l2, w.p, grad);
    }
    work_release(&w);
    return rc;
}

/* ---- scoring ---- */

int clogit_score(const clogit_model *m, const clogit_data *d, double *out, err *e)
{
    if (d->nfeat != m->n_features)
        return err_setk(e, ERR_DATA, "the table has %d features, the model %d", d->nfeat,
                        m->n_features);
    if (d->n < 0 || d->lo < 0 || d->stride < d->lo + d->n)
        return err_setk(e, ERR_DATA, "bad table shape: rows [%d, %d) of a table of %d rows", d->lo,
                        d->lo + d->n, d->stride);
    for (int i = 0; i < d->n; i++)
        out[i] = 0.0;
    /* column by column, but each row's sum still runs over j = 0, 1, ...
     * as dot() does in the fit, so the scores match the fit's bits */
    for (int j = 0; j < d->nfeat; j++) {
        const double *col = d->x + (size_t)j * d->stride + d->lo;
        for (int i = 0; i < d->n; i++) {
            if (isinf(col[i]))
                return err_setk(e, ERR_DATA, "feature '%.200s' (column %d) of row %d is infinite",
                                d->names ? d->names[j] : "?", j, d->lo + i);
            out[i] += standardize_value(col[i], m->median[j], m->mean[j], m->sd[j]) * m->beta[j];
        }
    }
    for (int i = 0; i < d->n; i++)
        if (!isfinite(out[i]))
            return err_setk(e, ERR_DATA,
                            "the score of row %d overflows: its features lie too far from the "
                            "training values",
                            d->lo + i);
    return 0;
}

void clogit_softmax(const double *s, int n, double *p)
{
    double top = s[0], sum = 0.0;
    for (int i = 1; i < n; i++)
        top = s[i] > top ? s[i] : top;
    for (int i = 0; i < n; i++) {
        p[i] = exp(s[i] - top);
        sum += p[i];
    }
    for (int i = 0; i < n; i++)
        p[i] /= sum;
}

int clogit_probabilities(const clogit_model *m, const clogit_data *d, double *score,
                         double *prob, err *e)
{
    if (d->n == 0)
        return 0;
    if (check_data(d, 0, e) != 0 || clogit_score(m, d, prob, e) != 0)
        return -1;
    if (score != NULL)
        memcpy(score, prob, (size_t)d->n * sizeof *score);
    for (int a = 0, b; a < d->n; a = b) {
        for (b = a; b < d->n && d->race[d->lo + b] == d->race[d->lo + a]; b++)
            ;
        clogit_softmax(prob + a, b - a, prob + a);
    }
    return 0;
}

/* ---- JSON ---- */

cJSON *clogit_to_json(const clogit_model *m)
{
    int n = m->n_features;
    cJSON *o = cJSON_CreateObject();
    if (o == NULL || jsonbuild_put(o, "l2", numfmt_json(m->l2)) != 0 ||
        jsonbuild_put(o, "iterations", cJSON_CreateNumber(m->iterations)) != 0 ||
        jsonbuild_put(o, "races", cJSON_CreateNumber(m->races)) != 0 ||
        jsonbuild_put(o, "loss", numfmt_json(m->loss)) != 0 ||
        jsonbuild_put(o, "beta", numfmt_json_array(m->beta, n)) != 0 ||
        jsonbuild_put(o, "mean", numfmt_json_array(m->mean, n)) != 0 ||
        jsonbuild_put(o, "sd", numfmt_json_array(m->sd, n)) != 0 ||
        jsonbuild_put(o, "median", numfmt_json_array(m->median, n)) != 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* A finite number at key, at least lo (and > lo when strict). */
static int get_number(const cJSON *o, const char *key, double lo, int strict, double *out, err *e)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble) || it->valuedouble < lo ||
        (strict && it->valuedouble == lo))
        return err_setk(e, ERR_DATA, "'%s' is missing or not a finite number %s %g", key,
                        strict ? ">" : ">=", lo);
    *out = it->valuedouble;
    return 0;
}

/* A whole number in [0, 2^31 - 1] at key. */
static int get_count(const cJSON *o, const char *key, int *out, err *e)
{
    double v;
    if (get_number(o, key, 0.0, 0, &v, e) != 0 || v != floor(v) || v > 2147483647.0)
        return err_setk(e, ERR_DATA, "'%s' is missing or not a whole number >= 0", key);
    *out = (int)v;
    return 0;
}

static int read_model(const cJSON *o, int n, clogit_model *m, err *e)
{
    if (!cJSON_IsObject(o))
        return err_setk(e, ERR_DATA, "the conditional logit is not a JSON object");
    if (n == 0) {
        const cJSON *beta = cJSON_GetObjectItemCaseSensitive(o, "beta");
        n = cJSON_GetArraySize(beta);
        if (!cJSON_IsArray(beta) || n < 1)
            return err_setk(e, ERR_DATA, "'beta' is missing or empty");
    }
    if (n < 0)
        return err_setk(e, ERR_DATA, "%d features expected", n);
    if (model_alloc(m, n, e) != 0)
        return -1;
    if (get_number(o, "l2", 0.0, 1, &m->l2, e) != 0 ||
        get_count(o, "iterations", &m->iterations, e) != 0 ||
        get_count(o, "races", &m->races, e) != 0 ||
        get_number(o, "loss", 0.0, 0, &m->loss, e) != 0 ||
        jsonfile_num_array(o, "beta", n, -HUGE_VAL, m->beta, NULL, e) != 0 ||
        jsonfile_num_array(o, "mean", n, -HUGE_VAL, m->mean, NULL, e) != 0 ||
        jsonfile_num_array(o, "sd", n, 0.0, m->sd, NULL, e) != 0 ||
        jsonfile_num_array(o, "median", n, -HUGE_VAL, m->median, NULL, e) != 0)
        return -1;
    return 0;
}

int clogit_from_json(const cJSON *o, int n_features, clogit_model *m, err *e)
{
    memset(m, 0, sizeof *m);
    if (read_model(o, n_features, m, e) == 0)
        return 0;
    clogit_release(m);
    return err_wrap(e, "conditional logit");
}
