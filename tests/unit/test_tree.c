/* tree: exact fits, a hand-worked split, the tie rules, max_depth, weights
 * of repeated rows, presorted and local sorting giving the same tree, and
 * the checks on trees read from files. */
#include "check.h"

#include <stdlib.h>

#include "core/rng.h"
#include "ml/tree.h"

/* Fits on all nrows rows once each and the listed features. */
static int fit_all(tree *t, const double *x, const double *y, int nrows, const int *feats, int k,
                   int max_depth)
{
    int rows[64];
    for (int i = 0; i < nrows; i++)
        rows[i] = i;
    err e;
    tree_work *w = tree_work_new(nrows, nrows, k, &e);
    int rc = w ? tree_fit(t, x, y, nrows, rows, nrows, feats, k, NULL, max_depth, w, &e) : -1;
    tree_work_free(w);
    if (rc != 0)
        printf("tree_fit: %s\n", e.msg);
    return rc;
}

static int depth_of(const tree *t, int node)
{
    if (t->feature[node] < 0)
        return 0;
    int l = depth_of(t, t->left[node]), r = depth_of(t, t->right[node]);
    return 1 + (l > r ? l : r);
}

static void test_exact_fit(void)
{
    /* Two columns; column 0 has distinct values, so an unlimited tree can
     * isolate every row. */
    double x[2 * 8] = {3, 1, 4, 1.5, 5, 9, 2, 6, /* column 0 */
                       0, 0, 1, 1, 0, 1, 0, 1};  /* column 1 */
    double y[8] = {0.3, -1, 2.5, 7, 0, 1, 1e6, 0.125};
    int feats[2] = {1, 0};
    tree t;
    CHECK_INT(fit_all(&t, x, y, 8, feats, 2, 0), 0);
    int exact = 1;
    for (int i = 0; i < 8; i++)
        exact = exact && tree_predict(&t, x, 8, i) == y[i];
    CHECK(exact);
    CHECK_INT(t.n_nodes, 15); /* 8 leaves */
    err e;
    CHECK_INT(tree_check(&t, 2, &e), 0);
    tree_release(&t);
    CHECK(t.n_nodes == 0 && t.value == NULL);
    tree_release(&t);
    tree_release(NULL);
}

static void test_hand_worked_split(void)
{
    /* SSE by threshold: 1.5 -> 20.75, 2.5 -> 16.67, 3.5 -> 0.667,
     * 4.5 -> 14.75; so the root splits at 3.5 into means 2/3 and 5. */
    double x[5] = {1, 2, 3, 4, 5};
    double y[5] = {1, 1, 0, 5, 5};
    int f = 0;
    tree t;
    CHECK_INT(fit_all(&t, x, y, 5, &f, 1, 1), 0);
    CHECK_INT(t.n_nodes, 3);
    CHECK_INT(t.feature[0], 0);
    CHECK(t.threshold[0] == 3.5);
    CHECK_NEAR(t.value[0], 12.0 / 5.0, 1e-15);
    CHECK_NEAR(t.value[t.left[0]], 2.0 / 3.0, 1e-15);
    CHECK(t.value[t.right[0]] == 5.0);
    CHECK_INT(t.feature[t.left[0]], -1);
    CHECK(t.left[0] > 0 && t.right[0] > 0 && t.left[0] != t.right[0]);
    /* Prediction follows x <= threshold to the left. */
    double probe[2] = {3.5, 3.5000001};
    CHECK_NEAR(tree_predict(&t, probe, 2, 0), 2.0 / 3.0, 1e-15);
    CHECK(tree_predict(&t, probe, 2, 1) == 5.0);
    tree_release(&t);
}

static void test_feature_tie(void)
{
    /* Columns 0 and 1 order the rows the same way: equal SSE everywhere. */
    double x[3 * 4] = {1, 2, 3, 4, 10, 20, 30, 40, 5, 5, 5, 5};
    double y[4] = {0, 0, 1, 1};
    int order_a[2] = {1, 0}, order_b[2] = {0, 1}, repeat[4] = {2, 1, 1, 0};
    tree t;
    CHECK_INT(fit_all(&t, x, y, 4, order_a, 2, 0), 0);
    CHECK_INT(t.feature[0], 1);
    CHECK(t.threshold[0] == 25.0);
    tree_release(&t);
    CHECK_INT(fit_all(&t, x, y, 4, order_b, 2, 0), 0);
    CHECK_INT(t.feature[0], 0);
    CHECK(t.threshold[0] == 2.5);
    tree_release(&t);
    /* Constant column 2 never separates; a repeated draw changes nothing. */
    CHECK_INT(fit_all(&t, x, y, 4, repeat, 4, 0), 0);
    CHECK_INT(t.feature[0], 1);
    CHECK_INT(t.n_nodes, 3);
    tree_release(&t);
}

static void test_threshold_tie(void)
{
    /* 1.5 and 2.5 both leave SSE 0.5: the lower threshold wins. */
    double x[3] = {1, 2, 3};
    double y[3] = {0, 1, 0};
    int f = 0;
    tree t;
    CHECK_INT(fit_all(&t, x, y, 3, &f, 1, 1), 0);
    CHECK(t.threshold[0] == 1.5);
    tree_release(&t);
    /* Mirrored data: still the lower threshold, now the other side. */
    double x2[3] = {3, 2, 1};
    CHECK_INT(fit_all(&t, x2, y, 3, &f, 1, 1), 0);
    CHECK(t.threshold[0] == 1.5);
    tree_release(&t);
}

static void test_max_depth(void)
{
    /* Alternating targets need depth 3 to fit 8 rows. */
    double x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    double y[8] = {0, 1, 0, 1, 0, 1, 0, 1};
    int f = 0;
    tree t;
    for (int d = 1; d <= 3; d++) {
        CHECK_INT(fit_all(&t, x, y, 8, &f, 1, d), 0);
        CHECK_INT(depth_of(&t, 0), d);
        tree_release(&t);
    }
    CHECK_INT(fit_all(&t, x, y, 8, &f, 1, 0), 0);
    CHECK(depth_of(&t, 0) > 3); /* greedy splits are not balanced */
    CHECK_INT(t.n_nodes, 15);
    tree_release(&t);
}

static void test_stops(void)
{
    /* Equal features, different targets: no split separates the rows. */
    double x[4] = {2, 2, 2, 2};
    double y[4] = {0, 1, 1, 1};
    int f = 0;
    tree t;
    CHECK_INT(fit_all(&t, x, y, 4, &f, 1, 0), 0);
    CHECK_INT(t.n_nodes, 1);
    CHECK(t.value[0] == 0.75);
    tree_release(&t);
    /* A pure node is a leaf even when its rows could be separated. */
    double x2[4] = {1, 2, 3, 4};
    double y2[4] = {0, 0, 0, 1};
    CHECK_INT(fit_all(&t, x2, y2, 4, &f, 1, 0), 0);
    CHECK_INT(t.n_nodes, 3);
    CHECK(t.threshold[0] == 3.5);
    tree_release(&t);
}

static int same_tree(const tree *a, const tree *b)
{
    if (a->n_nodes != b->n_nodes)
        return 0;
    size_t n = (size_t)a->n_nodes;
    return memcmp(a->feature, b->feature, n * sizeof(int)) == 0 &&
           memcmp(a->left, b->left, n * sizeof(int)) == 0 &&
           memcmp(a->right, b->right, n * sizeof(int)) == 0 &&
           memcmp(a->threshold, b->threshold, n * sizeof(double)) == 0 &&
           memcmp(a->value, b->value, n * sizeof(double)) == 0;
}

/* A repeated draw weighs like a duplicated row. */
static void test_repeated_rows(void)
{
    double x[3] = {1, 2, 3};
    double y[3] = {0, 2, 4};
    int f = 0;
    err e;
    tree_work *w = tree_work_new(3, 6, 1, &e);
    /* Each row once: thresholds 1.5 and 2.5 both leave SSE 2, so 1.5. */
    tree once;
    int rows_once[3] = {0, 1, 2};
    CHECK_INT(tree_fit(&once, x, y, 3, rows_once, 3, &f, 1, NULL, 1, w, &e), 0);
    CHECK(once.threshold[0] == 1.5);
    /* Row 2 drawn three times: 1.5 leaves SSE 3, 2.5 leaves 2. */
    tree a, b;
    int draws[5] = {2, 0, 2, 1, 2};
    double xd[5] = {3, 1, 3, 2, 3};
    double yd[5] = {4, 0, 4, 2, 4};
    CHECK_INT(tree_fit(&a, x, y, 3, draws, 5, &f, 1, NULL, 1, w, &e), 0);
    CHECK(a.threshold[0] == 2.5);
    CHECK(a.value[0] == 14.0 / 5.0);
    CHECK_INT(fit_all(&b, xd, yd, 5, &f, 1, 1), 0);
    CHECK(same_tree(&a, &b));
    /* One row drawn twice: a single leaf. */
    tree d;
    int twice[2] = {1, 1};
    CHECK_INT(tree_fit(&d, x, y, 3, twice, 2, &f, 1, NULL, 0, w, &e), 0);
    CHECK_INT(d.n_nodes, 1);
    CHECK(d.value[0] == 2.0);
    /* More feature draws than the work space was made for are refused. */
    int many[7] = {0, 1, 2, 0, 1, 2, 0};
    tree big;
    CHECK_INT(tree_fit(&big, x, y, 3, many, 7, &f, 2, NULL, 0, w, &e), -1);
    tree_release(&once);
    tree_release(&a);
    tree_release(&b);
    tree_release(&d);
    tree_work_free(w);
}

static void test_presorted_same_tree(void)
{
    /* Coarse values (many ties) and a bootstrap sample of every size. */
    enum { N = 300, F = 6 };
    double *x = malloc(sizeof(double) * N * F), y[N];
    int *order = malloc(sizeof(int) * N * F), rows[N], feats[F] = {5, 2, 2, 0, 3, 1};
    rng r = rng_stream(5, 0);
    for (int i = 0; i < N * F; i++)
        x[i] = (double)rng_below(&r, 7) + (i % 3 == 0 ? 0.25 : 0.0);
    for (int i = 0; i < N; i++)
        y[i] = rng_below(&r, 10) == 0;
    err e;
    CHECK_INT(tree_presort(x, N, F, order, &e), 0);
    int sorted = 1;
    for (int j = 0; j < F; j++)
        for (int k = 1; k < N; k++) {
            double a = x[j * N + order[j * N + k - 1]], b = x[j * N + order[j * N + k]];
            sorted = sorted && (a < b || (a == b && order[j * N + k - 1] < order[j * N + k]));
        }
    CHECK(sorted);
    tree_work *w = tree_work_new(N, N, F, &e);
    int same = 1, nontrivial = 0;
    for (int m = 10; m <= N; m += 58) {
        for (int i = 0; i < m; i++)
            rows[i] = (int)rng_below(&r, N);
        tree a, b;
        CHECK_INT(tree_fit(&a, x, y, N, rows, m, feats, F, order, 0, w, &e), 0);
        CHECK_INT(tree_fit(&b, x, y, N, rows, m, feats, F, NULL, 0, w, &e), 0);
        same = same && same_tree(&a, &b);
        nontrivial += a.n_nodes > 3;
        CHECK_INT(tree_check(&a, F, &e), 0);
        tree_release(&a);
        tree_release(&b);
    }
    CHECK(same);
    CHECK(nontrivial >= 4);
    CHECK(tree_presort_pays(N, N));
    CHECK(!tree_presort_pays(10, 26000));
    tree_work_free(w);
    free(x);
    free(order);
}

static void test_check(void)
{
    tree t;
    err e;
    CHECK_INT(tree_alloc(&t, 3, &e), 0);
    int feature[3] = {0, -1, -1}, left[3] = {1, -1, -1}, right[3] = {2, -1, -1};
    for (int i = 0; i < 3; i++) {
        t.feature[i] = feature[i];
        t.left[i] = left[i];
        t.right[i] = right[i];
        t.threshold[i] = 0.5;
        t.value[i] = i;
    }
    CHECK_INT(tree_check(&t, 1, &e), 0);
    CHECK_INT(tree_check(&t, 0, &e), -1); /* feature 0 of 0 */
    t.right[0] = 0;                        /* a cycle */
    CHECK_INT(tree_check(&t, 1, &e), -1);
    CHECK(strstr(e.msg, "children") != NULL);
    CHECK_INT(e.kind, ERR_DATA);
    t.right[0] = 2;
    t.left[1] = 2; /* a leaf with a child */
    CHECK_INT(tree_check(&t, 1, &e), -1);
    tree_release(&t);
    CHECK_INT(tree_alloc(&t, 0, &e), -1);
}

int main(void)
{
    test_exact_fit();
    test_hand_worked_split();
    test_feature_tie();
    test_threshold_tie();
    test_max_depth();
    test_stops();
    test_repeated_rows();
    test_presorted_same_tree();
    test_check();
    return check_done();
}
