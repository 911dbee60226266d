/* tree: one regression tree (docs/pipeline.md §4), grown on a sample of rows and
 * features of a column-major table, and evaluated on rows of one.
 *
 * Splitting rule.  A node holding at least 2 distinct rows with a
 * non-constant target is split on the (feature, threshold) minimising the
 * summed squared error of its two children, over the drawn features and the
 * midpoints between consecutive distinct values (x <= threshold goes left).
 * Ties go to the earlier drawn feature, then to the lower threshold; SSEs
 * equal within rounding (1e-12 of the node's sum of squared targets) are
 * ties, so the rule does not hinge on the order floating-point sums ran in.
 * Growth stops at max_depth (0 = none; the root has depth 0), on a pure
 * node, or when no drawn feature separates the node's rows.  A leaf
 * predicts the mean target of its rows.
 *
 * Samples.  The sample is a list of row indices that may repeat (a
 * bootstrap): a row drawn twice weighs twice in every sum, exactly as if it
 * were two rows.  The drawn features may repeat too; a repeat can never win
 * a tie against its first draw, so it is skipped.
 *
 * Storage.  Nodes live in flat arrays indexed by node id, root 0; both
 * children of node i have ids greater than i.  feature[i] is a column of
 * the table the tree was fitted on (not an index into the drawn list), or
 * -1 for a leaf; left/right are -1 at leaves.  All five arrays sit in one
 * allocation owned by the tree.
 *
 * Work space.  tree_fit allocates only the returned tree: its scratch
 * arrays come from a tree_work sized once for the largest sample and reused
 * (one per thread). */
#ifndef F1_ML_TREE_H
#define F1_ML_TREE_H

#include "core/err.h"

typedef struct {
    int n_nodes;
    int *feature;       /* n_nodes: column, or -1 at a leaf */
    double *threshold;  /* n_nodes: x <= threshold goes left */
    int *left;          /* n_nodes: child id, or -1 at a leaf */
    int *right;         /* n_nodes */
    double *value;      /* n_nodes: mean target of the node's rows */
} tree;

typedef struct tree_work tree_work;

/* Scratch for fitting trees on tables of `nrows` rows with samples of at
 * most `max_sample` row draws and `max_feats` feature draws.  Returns NULL
 * with e set when out of memory.  Free with tree_work_free (NULL: no-op). */
tree_work *tree_work_new(int nrows, int max_sample, int max_feats, err *e);
/* Frees w and everything it owns (NULL: no-op). */
void tree_work_free(tree_work *w);

/* Sorts each column of x (column-major, nrows x nfeat) once: on return
 * order[j * nrows + k] is the row with the k-th smallest value of column j,
 * equal values by row index.  order holds nfeat * nrows ints (caller's).
 * Returns -1 when out of memory. */
int tree_presort(const double *x, int nrows, int nfeat, int *order, err *e);

/* 1 when tree_presort's output would speed up fitting samples of
 * `nsample` rows drawn from `nrows` (scanning a presorted column costs
 * nrows steps, sorting a sample about nsample log nsample comparisons). */
int tree_presort_pays(int nsample, int nrows);

/* Grows a tree on the table x (column-major, nrows rows; x[j * nrows + i])
 * with targets y (nrows), using the nsample row draws rows[] (repeats
 * allowed) and the nfeat feature draws feats[] (columns of x; repeats
 * allowed).  `presorted` is tree_presort's output for x, or NULL: it only
 * makes large samples faster, the tree is the same either way.  max_depth
 * 0 = unlimited.  On success *t owns a new tree (release with tree_release);
 * on failure *t is left empty.  nsample and nfeat must not exceed the
 * sizes w was made for. */
int tree_fit(tree *t, const double *x, const double *y, int nrows, const int *rows,
             int nsample, const int *feats, int nfeat, const int *presorted, int max_depth,
             tree_work *w, err *e);

/* The tree's prediction for row `row` of the column-major table x with
 * nrows rows (whose columns the tree's feature ids index). */
double tree_predict(const tree *t, const double *x, int nrows, int row);

/* Allocates the arrays of an n_nodes-node tree (contents unset), for
 * readers of saved trees.  Returns -1 when out of memory. */
int tree_alloc(tree *t, int n_nodes, err *e);

/* Checks that a tree read from a file is well formed for a table of nfeat
 * columns: leaves have feature -1 and no children, inner nodes a column in
 * [0, nfeat) and two children with larger ids (so prediction ends), all
 * numbers finite.  Returns -1 with the first defect in e (ERR_DATA). */
int tree_check(const tree *t, int nfeat, err *e);

/* Frees the tree's arrays (not t itself) and zeroes it.  NULL: no-op. */
void tree_release(tree *t);

#endif
