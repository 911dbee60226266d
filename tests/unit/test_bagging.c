/* bagging: draws (with and without replacement, per-tree streams), the
 * same model file whatever the thread count, a different one for another
 * seed, trees that only use their drawn features, and the mean
 * prediction. */
#include "check.h"

#include <stdlib.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/fsutil.h"
#include "ml/bagging.h"
#include "ml/model.h"
#include "core/rng.h"

enum { N = 500, F = 8 };

static double X[N * F], Y[N];

/* Integer-valued features (many ties, like the real ones); the target
 * depends on two of them plus noise. */
static void make_data(void)
{
    rng r = rng_stream(2024, 0);
    for (int i = 0; i < N * F; i++)
        X[i] = (double)rng_below(&r, 20);
    for (int i = 0; i < N; i++)
        Y[i] = (X[2 * N + i] + X[5 * N + i] > 28.0) != (rng_below(&r, 10) == 0);
}

static bagging_params params(int n, double samples, int samples_frac, int bootstrap,
                             double features, int features_frac, int bootstrap_features)
{
    return (bagging_params){.n_estimators = n,
                            .max_samples = {samples_frac, samples},
                            .max_features = {features_frac, features},
                            .bootstrap = bootstrap,
                            .bootstrap_features = bootstrap_features,
                            .max_depth = 0,
                            .seed = 0};
}

static void test_draws_without_replacement(void)
{
    bagging_params p = params(3, 1.0, 1, 0, 1.0, 1, 0);
    bagging_draws d;
    err e;
    CHECK_INT(bagging_draws_init(&d, &p, N, F, &e), 0);
    CHECK_INT(d.m, N);
    CHECK_INT(d.k, F);
    for (int t = 0; t < 3; t++) {
        bagging_draw(&d, &p, t);
        int seen[N] = {0}, fseen[F] = {0}, ok = 1, moved = 0;
        for (int i = 0; i < N; i++) {
            ok = ok && d.rows[i] >= 0 && d.rows[i] < N && seen[d.rows[i]]++ == 0;
            moved += d.rows[i] != i;
        }
        for (int j = 0; j < F; j++)
            ok = ok && fseen[d.feats[j]]++ == 0;
        CHECK_MSG(ok, "tree %d: every row and feature exactly once", t);
        CHECK(moved > N / 2); /* shuffled, not the identity */
        int identity = 1;
        for (int i = 0; i < N; i++)
            identity = identity && d.perm_rows[i] == i;
        CHECK(identity); /* restored for the next tree */
    }
    bagging_draws_release(&d);
    /* Half the rows without replacement: distinct. */
    p = params(1, 0.5, 1, 0, 3, 0, 0);
    CHECK_INT(bagging_draws_init(&d, &p, N, F, &e), 0);
    CHECK_INT(d.m, N / 2);
    CHECK_INT(d.k, 3);
    bagging_draw(&d, &p, 0);
    int seen[N] = {0}, distinct = 1;
    for (int i = 0; i < d.m; i++)
        distinct = distinct && seen[d.rows[i]]++ == 0;
    CHECK(distinct);
    bagging_draws_release(&d);
    bagging_draws_release(&d);
    bagging_draws_release(NULL);
}

static void test_draws_with_replacement(void)
{
    bagging_params p = params(1, 1.0, 1, 1, 1.0, 1, 1);
    bagging_draws d;
    err e;
    CHECK_INT(bagging_draws_init(&d, &p, N, F, &e), 0);
    bagging_draw(&d, &p, 0);
    int seen[N] = {0}, distinct = 0, in_range = 1;
    for (int i = 0; i < N; i++) {
        in_range = in_range && d.rows[i] >= 0 && d.rows[i] < N;
        distinct += seen[d.rows[i]]++ == 0;
    }
    CHECK(in_range);
    /* A bootstrap of n rows holds about 63% distinct rows. */
    CHECK_MSG(distinct > N * 55 / 100 && distinct < N * 71 / 100, "%d distinct of %d", distinct, N);
    /* Tree 4's draws do not depend on what was drawn before. */
    int first[N];
    bagging_draw(&d, &p, 4);
    memcpy(first, d.rows, sizeof first);
    bagging_draw(&d, &p, 9);
    bagging_draw(&d, &p, 4);
    CHECK(memcmp(first, d.rows, sizeof first) == 0);
    bagging_draws_release(&d);
}

static char *model_text(const bagging *b, const bagging_params *p, const char *dir, const char *name)
{
    char *names[F] = {"f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7"};
    model m = {.set = FEATURE_SET_SPEC, .nfeat = F, .features = names, .train_first = 1,
               .train_last = 2,
               .l = {.params = {.kind = LEARNER_BAGGING, .seed = p->seed, .bagging = *p},
                     .nfeat = F, .bag = *b}};
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    err e;
    buf text;
    buf_init(&text, 0);
    if (model_write(&m, path, &e) != 0 || fs_read_file(path, &text, &e) != 0) {
        printf("%s\n", e.msg);
        return NULL;
    }
    return buf_detach(&text);
}

static void test_threads_same_model(void)
{
    char dir[] = "/tmp/f1-test-bagging.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    bagging_params p = params(24, 0.3, 1, 1, 5, 0, 1);
    char *text[4] = {0};
    int threads[3] = {1, 2, 8};
    err e;
    for (int k = 0; k < 3; k++) {
        bagging b;
        CHECK_INT(bagging_fit_rows(&b, &p, X, Y, N, 0, N, F, threads[k], &e), 0);
        char name[32];
        snprintf(name, sizeof name, "model-%d.json", threads[k]);
        text[k] = model_text(&b, &p, dir, name);
        bagging_release(&b);
    }
    CHECK(text[0] && text[1] && text[2]);
    CHECK(text[0] && text[1] && strcmp(text[0], text[1]) == 0);
    CHECK(text[0] && text[2] && strcmp(text[0], text[2]) == 0);
    p.seed = 1;
    bagging b;
    CHECK_INT(bagging_fit_rows(&b, &p, X, Y, N, 0, N, F, 2, &e), 0);
    text[3] = model_text(&b, &p, dir, "model-seed1.json");
    bagging_release(&b);
    CHECK(text[0] && text[3] && strcmp(text[0], text[3]) != 0);
    for (int k = 0; k < 4; k++)
        free(text[k]);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK_INT(system(cmd), 0);
}

/* Fitting rows [lo, lo + n) of the table in place gives the model fitting
 * a copy of them gives, for row draws with and without replacement and
 * for samples large enough to presort. */
static void test_slice_in_place(void)
{
    char dir[] = "/tmp/f1-test-bagging.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    enum { LO = 120, NS = 300 };
    static double xs[NS * F], ys[NS];
    for (int j = 0; j < F; j++)
        memcpy(xs + j * NS, X + j * N + LO, NS * sizeof *xs);
    memcpy(ys, Y + LO, sizeof ys);
    const bagging_params ps[3] = {params(10, 40, 0, 1, 5, 0, 3), params(10, 40, 0, 0, 6, 0, 4),
                                  params(6, 1.0, 1, 1, 8, 0, 5)};
    err e;
    for (int k = 0; k < 3; k++) {
        bagging a, b;
        CHECK_INT(bagging_fit_rows(&a, &ps[k], xs, ys, NS, 0, NS, F, 2, &e), 0);
        CHECK_INT(bagging_fit_rows(&b, &ps[k], X, Y, N, LO, NS, F, 2, &e), 0);
        char *ta = model_text(&a, &ps[k], dir, "copy.json");
        char *tb = model_text(&b, &ps[k], dir, "slice.json");
        CHECK_MSG(ta && tb && strcmp(ta, tb) == 0, "params %d: slice model differs", k);
        free(ta);
        free(tb);
        bagging_release(&a);
        bagging_release(&b);
    }
    /* and a slice that would need rows past the table is refused */
    bagging c;
    CHECK_INT(bagging_fit_rows(&c, &ps[0], X, Y, N, N - 10, 20, F, 1, &e), -1);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK_INT(system(cmd), 0);
}

/* Every split of tree t uses a feature tree t drew. */
static void test_trees_use_drawn_features(void)
{
    bagging_params p = params(12, 50, 0, 1, 3, 0, 0);
    bagging b;
    err e;
    CHECK_INT(bagging_fit_rows(&b, &p, X, Y, N, 0, N, F, 0, &e), 0);
    CHECK_INT(b.n_trees, 12);
    bagging_draws d;
    CHECK_INT(bagging_draws_init(&d, &p, N, F, &e), 0);
    int ok = 1, splits = 0;
    for (int t = 0; t < b.n_trees; t++) {
        bagging_draw(&d, &p, t);
        const tree *tr = &b.trees[t];
        for (int i = 0; i < tr->n_nodes; i++) {
            if (tr->feature[i] < 0)
                continue;
            splits++;
            int drawn = 0;
            for (int j = 0; j < d.k; j++)
                drawn = drawn || d.feats[j] == tr->feature[i];
            ok = ok && drawn;
        }
    }
    CHECK(ok);
    CHECK(splits > 12);
    /* The prediction is the mean of the trees. */
    double pred[N];
    bagging_predict(&b, X, N, 0, N, pred);
    int mean_ok = 1;
    for (int i = 0; i < N; i++) {
        double s = 0.0;
        for (int t = 0; t < b.n_trees; t++)
            s += tree_predict(&b.trees[t], X, N, i);
        mean_ok = mean_ok && pred[i] == s / b.n_trees;
    }
    CHECK(mean_ok);
    double tail[3];
    bagging_predict(&b, X, N, N - 3, 3, tail);
    CHECK(memcmp(tail, pred + N - 3, sizeof tail) == 0);
    bagging_draws_release(&d);
    bagging_release(&b);
    bagging_release(&b);
    bagging_release(NULL);
}

/* With every row once and every feature, each tree fits the training
 * targets as well as the features allow: here exactly. */
static void test_full_sample_fits(void)
{
    double x[2 * 6] = {1, 2, 3, 4, 5, 6, 0, 1, 0, 1, 0, 1};
    double y[6] = {0, 1, 1, 0, 1, 0};
    bagging_params p = params(5, 1.0, 1, 0, 1.0, 1, 0);
    bagging b;
    err e;
    CHECK_INT(bagging_fit_rows(&b, &p, x, y, 6, 0, 6, 2, 3, &e), 0);
    double pred[6];
    bagging_predict(&b, x, 6, 0, 6, pred);
    CHECK(memcmp(pred, y, sizeof y) == 0);
    bagging_release(&b);
}

static void test_rejects(void)
{
    double x[2] = {1, NAN};
    double y[2] = {0, 1};
    bagging_params p = params(2, 1.0, 1, 1, 1.0, 1, 1);
    bagging b;
    err e;
    CHECK_INT(bagging_fit_rows(&b, &p, x, y, 2, 0, 2, 1, 1, &e), -1);
    CHECK(strstr(e.msg, "not a finite number") != NULL);
    CHECK(b.trees == NULL);
    p.n_estimators = 0;
    CHECK_INT(bagging_fit_rows(&b, &p, X, Y, N, 0, N, F, 1, &e), -1);
}

int main(void)
{
    make_data();
    test_draws_without_replacement();
    test_draws_with_replacement();
    test_threads_same_model();
    test_slice_in_place();
    test_trees_use_drawn_features();
    test_full_sample_fits();
    test_rejects();
    return check_done();
}
