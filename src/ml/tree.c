/* Tree growth works on the sample's distinct rows ("locals", ids
 * 0..nu-1) with a weight each (how often the row was drawn).  For every
 * distinct drawn feature the locals are kept sorted by that feature's value
 * (ord/val, one segment per feature).  A node is a range [s, e) that is the
 * same set of locals in every feature's segment, each sorted its own way;
 * splitting a node stably partitions every segment into left then right, so
 * the children stay sorted without sorting again.  The split search is one
 * pass per feature with running sums: O(features x rows) per node.
 *
 * A feature constant in a node stays constant below it, so each node
 * carries the list of its parent's non-constant features ("active", one
 * list per depth: a node's children are grown before any other node of
 * its depth) and neither scans nor partitions the others.  Most one-hot
 * columns drop out after a few levels. */
#include "ml/tree.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* SSEs this close (relative to the node's sum of w*y^2) are a tie. */
#define TIE_TOL 1e-12

typedef struct {
    int id;     /* node id */
    int s, e;   /* the node's range in every feature segment */
    int depth;
} pending;

typedef struct {
    double v;
    int row;
    int local;
} keyed;

/* What the split scan sums per local, side by side for one load. */
typedef struct {
    double w;   /* times drawn */
    double wy;  /* w * target */
} weighted;

struct tree_work {
    int nrows, max_u, max_k;
    int *slot;          /* nrows: local id of a row, -1 when not drawn */
    int *urow;          /* max_u: row of each local */
    weighted *ws;       /* max_u: weight and weighted target of each local */
    double *y_l;        /* max_u: target of each local */
    int *fcol;          /* max_k: distinct drawn columns, in draw order */
    int *ord;           /* max_k * max_u: per feature, locals by value */
    double *val;        /* max_k * max_u: the matching values */
    unsigned char *side; /* max_u: 1 = goes left in the split being made */
    int *tmp_i;         /* max_u */
    double *tmp_v;      /* max_u */
    keyed *keys;        /* max_u: sort buffer */
    pending *stack;     /* max_u + 1 */
    int *active;        /* (max_u + 1) x max_k: per depth, the features in play */
    int *n_active;      /* max_u + 1 */
    tree nodes;         /* 2 * max_u - 1 nodes: the tree being grown */
};

tree_work *tree_work_new(int nrows, int max_sample, int max_feats, err *e)
{
    int u = max_sample < nrows ? max_sample : nrows;
    if (u < 1)
        u = 1;
    int k = max_feats < 1 ? 1 : max_feats;
    size_t uk = (size_t)u * (size_t)k;
    tree_work *w = calloc(1, sizeof *w);
    if (w == NULL)
        goto oom;
    w->nrows = nrows;
    w->max_u = u;
    w->max_k = k;
    w->slot = malloc((size_t)(nrows > 0 ? nrows : 1) * sizeof *w->slot);
    w->urow = malloc((size_t)u * sizeof *w->urow);
    w->ws = malloc((size_t)u * sizeof *w->ws);
    w->y_l = malloc((size_t)u * sizeof *w->y_l);
    w->fcol = malloc((size_t)k * sizeof *w->fcol);
    w->ord = malloc(uk * sizeof *w->ord);
    w->val = malloc(uk * sizeof *w->val);
    w->side = malloc((size_t)u);
    w->tmp_i = malloc((size_t)u * sizeof *w->tmp_i);
    w->tmp_v = malloc((size_t)u * sizeof *w->tmp_v);
    w->keys = malloc((size_t)u * sizeof *w->keys);
    w->stack = malloc((size_t)(u + 1) * sizeof *w->stack);
    w->active = malloc((size_t)(u + 1) * (size_t)k * sizeof *w->active);
    w->n_active = malloc((size_t)(u + 1) * sizeof *w->n_active);
    if (!w->slot || !w->urow || !w->ws || !w->y_l || !w->fcol || !w->ord || !w->val ||
        !w->side || !w->tmp_i || !w->tmp_v || !w->keys || !w->stack || !w->active ||
        !w->n_active)
        goto oom;
    if (tree_alloc(&w->nodes, 2 * u - 1, e) != 0) {
        tree_work_free(w);
        return NULL;
    }
    for (int i = 0; i < nrows; i++)
        w->slot[i] = -1;
    return w;
oom:
    tree_work_free(w);
    err_set(e, "out of memory for tree work space (%d rows, %d features)", u, k);
    return NULL;
}

void tree_work_free(tree_work *w)
{
    if (w == NULL)
        return;
    free(w->slot);
    free(w->urow);
    free(w->ws);
    free(w->y_l);
    free(w->fcol);
    free(w->ord);
    free(w->val);
    free(w->side);
    free(w->tmp_i);
    free(w->tmp_v);
    free(w->keys);
    free(w->stack);
    free(w->active);
    free(w->n_active);
    tree_release(&w->nodes);
    free(w);
}

/* Total order on (value, row): equal values keep row order, so sorting
 * locally and scanning a presorted column give the same sequence. */
static int keyed_cmp(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    if (a->v != b->v)
        return a->v < b->v ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

static int presort_cmp_col(const double *col, int ra, int rb)
{
    if (col[ra] != col[rb])
        return col[ra] < col[rb] ? -1 : 1;
    return (ra > rb) - (ra < rb);
}

/* Bottom-up merge sort of idx[0..n) by (col value, row); tmp holds n ints.
 * Stable and allocation-free, unlike qsort with a context. */
static void sort_rows_by(const double *col, int *idx, int *tmp, int n)
{
    for (int width = 1; width < n; width *= 2) {
        for (int lo = 0; lo < n; lo += 2 * width) {
            int mid = lo + width < n ? lo + width : n;
            int hi = lo + 2 * width < n ? lo + 2 * width : n;
            int a = lo, b = mid, o = lo;
            while (a < mid && b < hi)
                tmp[o++] = presort_cmp_col(col, idx[a], idx[b]) <= 0 ? idx[a++] : idx[b++];
            while (a < mid)
                tmp[o++] = idx[a++];
            while (b < hi)
                tmp[o++] = idx[b++];
        }
        memcpy(idx, tmp, (size_t)n * sizeof *idx);
    }
}

int tree_presort(const double *x, int nrows, int nfeat, int *order, err *e)
{
    int *tmp = malloc((size_t)(nrows > 0 ? nrows : 1) * sizeof *tmp);
    if (tmp == NULL)
        return err_set(e, "out of memory presorting %d rows", nrows);
    for (int j = 0; j < nfeat; j++) {
        int *idx = order + (size_t)j * nrows;
        for (int i = 0; i < nrows; i++)
            idx[i] = i;
        sort_rows_by(x + (size_t)j * nrows, idx, tmp, nrows);
    }
    free(tmp);
    return 0;
}

int tree_presort_pays(int nsample, int nrows)
{
    /* A comparison through qsort costs several scan steps. */
    return (double)nsample * 64.0 >= (double)nrows;
}

/* Fills feature jj's segment with the locals sorted by column f. */
static void sort_feature(tree_work *w, const double *x, int nrows, const int *presorted,
                         int nu, int jj, int f)
{
    int *o = w->ord + (size_t)jj * w->max_u;
    double *v = w->val + (size_t)jj * w->max_u;
    const double *col = x + (size_t)f * nrows;
    if (presorted != NULL && tree_presort_pays(nu, nrows)) {
        const int *p = presorted + (size_t)f * nrows;
        int k = 0;
        /* Branch-free: about half the rows are drawn, unpredictably; a
         * row not drawn is written and then overwritten (k < nu holds). */
        for (int i = 0; i < nrows && k < nu; i++) {
            int local = w->slot[p[i]];
            o[k] = local;
            v[k] = col[p[i]];
            k += local >= 0;
        }
        return;
    }
    for (int i = 0; i < nu; i++) {
        w->keys[i].v = col[w->urow[i]];
        w->keys[i].row = w->urow[i];
        w->keys[i].local = i;
    }
    qsort(w->keys, (size_t)nu, sizeof *w->keys, keyed_cmp);
    for (int i = 0; i < nu; i++) {
        o[i] = w->keys[i].local;
        v[i] = w->keys[i].v;
    }
}

typedef struct {
    int jj;      /* index into fcol, -1 = no split */
    int n_next;  /* features not constant in the node, written to next */
    int pos;     /* last position (in jj's segment) that goes left */
    double proxy;
} split;

/* Best split of the node [s, e) over its n active features, given its
 * weight W, weighted target sum S and weighted square sum Q; the features
 * not constant in the node go to next (in order).  Minimising the
 * children's SSE
 *   (Q_l - S_l^2 / W_l) + (Q_r - S_r^2 / W_r)
 * is maximising S_l^2 / W_l + S_r^2 / W_r, as Q_l + Q_r = Q is fixed. */
static split best_split(const tree_work *w, const int *active, int n, int s, int e, double W,
                        double S, double Q, int *next)
{
    split best = {-1, 0, -1, -INFINITY};
    double tol = TIE_TOL * Q;
    for (int a = 0; a < n; a++) {
        int jj = active[a];
        const int *o = w->ord + (size_t)jj * w->max_u;
        const double *v = w->val + (size_t)jj * w->max_u;
        if (v[s] == v[e - 1])
            continue;
        next[best.n_next++] = jj;
        double wl = 0.0, sl = 0.0;
        for (int i = s; i < e - 1; i++) {
            wl += w->ws[o[i]].w;
            sl += w->ws[o[i]].wy;
            if (!(v[i] < v[i + 1]))
                continue;
            double sr = S - sl;
            double proxy = sl * sl / wl + sr * sr / (W - wl);
            if (proxy > best.proxy + tol) {
                best.jj = jj;
                best.pos = i;
                best.proxy = proxy;
            }
        }
    }
    return best;
}

/* Reorders the segment [s, e) of the n listed features so the locals with
 * side 1 come first, each part keeping its sorted order. */
static void partition(tree_work *w, const int *list, int n, int skip_jj, int s, int e)
{
    for (int a = 0; a < n; a++) {
        int jj = list[a];
        if (jj == skip_jj)
            continue; /* already split at its own sorted position */
        int *o = w->ord + (size_t)jj * w->max_u;
        double *v = w->val + (size_t)jj * w->max_u;
        int l = s, r = 0;
        for (int i = s; i < e; i++) {
            if (w->side[o[i]]) {
                o[l] = o[i];
                v[l] = v[i];
                l++;
            } else {
                w->tmp_i[r] = o[i];
                w->tmp_v[r] = v[i];
                r++;
            }
        }
        memcpy(o + l, w->tmp_i, (size_t)r * sizeof *o);
        memcpy(v + l, w->tmp_v, (size_t)r * sizeof *v);
    }
}

/* Collects the distinct drawn rows and columns into w; returns the number
 * of distinct columns (the distinct row count goes to *nu). */
static int gather(tree_work *w, const double *y, const int *rows, int nsample,
                  const int *feats, int nfeat, int *nu)
{
    int u = 0;
    for (int k = 0; k < nsample; k++) {
        int r = rows[k];
        if (w->slot[r] < 0) {
            w->slot[r] = u;
            w->urow[u] = r;
            w->ws[u].w = 0.0;
            w->y_l[u] = y[r];
            u++;
        }
        w->ws[w->slot[r]].w += 1.0;
    }
    for (int i = 0; i < u; i++)
        w->ws[i].wy = w->ws[i].w * w->y_l[i];
    int nk = 0;
    for (int k = 0; k < nfeat; k++) {
        int seen = 0;
        for (int j = 0; j < nk && !seen; j++)
            seen = w->fcol[j] == feats[k];
        if (!seen)
            w->fcol[nk++] = feats[k];
    }
    *nu = u;
    return nk;
}

/* Grows the tree into w->nodes; returns its node count. */
static int grow(tree_work *w, int nu, int nk, int max_depth)
{
    tree *t = &w->nodes;
    int n_nodes = 1, top = 0;
    for (int jj = 0; jj < nk; jj++)
        w->active[jj] = jj;
    w->n_active[0] = nk;
    w->stack[top++] = (pending){0, 0, nu, 0};
    while (top > 0) {
        pending p = w->stack[--top];
        const int *active = w->active + (size_t)p.depth * w->max_k;
        int *next = w->active + (size_t)(p.depth + 1) * w->max_k;
        /* Any active feature's segment holds exactly the node's locals. */
        const int *o = w->ord + (size_t)active[0] * w->max_u;
        double W = 0.0, S = 0.0, Q = 0.0;
        int constant = 1;
        for (int i = p.s; i < p.e; i++) {
            double yi = w->y_l[o[i]];
            W += w->ws[o[i]].w;
            S += w->ws[o[i]].wy;
            Q += w->ws[o[i]].wy * yi;
            constant = constant && yi == w->y_l[o[p.s]];
        }
        t->value[p.id] = S / W;
        t->feature[p.id] = -1;
        t->threshold[p.id] = 0.0;
        t->left[p.id] = t->right[p.id] = -1;
        if (p.e - p.s < 2 || constant || (max_depth > 0 && p.depth >= max_depth))
            continue;
        split b = best_split(w, active, w->n_active[p.depth], p.s, p.e, W, S, Q, next);
        if (b.jj < 0)
            continue;
        w->n_active[p.depth + 1] = b.n_next;
        const int *bo = w->ord + (size_t)b.jj * w->max_u;
        const double *bv = w->val + (size_t)b.jj * w->max_u;
        double a = bv[b.pos], c = bv[b.pos + 1];
        double thr = a / 2.0 + c / 2.0;
        if (!(thr < c)) /* a and c adjacent doubles: the midpoint rounds up */
            thr = a;
        for (int i = p.s; i < p.e; i++)
            w->side[bo[i]] = i <= b.pos;
        partition(w, next, b.n_next, b.jj, p.s, p.e);
        int mid = b.pos + 1;
        t->feature[p.id] = w->fcol[b.jj];
        t->threshold[p.id] = thr;
        t->left[p.id] = n_nodes;
        t->right[p.id] = n_nodes + 1;
        /* Right is pushed first so the left subtree is grown first. */
        w->stack[top++] = (pending){n_nodes + 1, mid, p.e, p.depth + 1};
        w->stack[top++] = (pending){n_nodes, p.s, mid, p.depth + 1};
        n_nodes += 2;
    }
    return n_nodes;
}

int tree_fit(tree *t, const double *x, const double *y, int nrows, const int *rows,
             int nsample, const int *feats, int nfeat, const int *presorted, int max_depth,
             tree_work *w, err *e)
{
    memset(t, 0, sizeof *t);
    if (nsample < 1 || nfeat < 1 || nrows != w->nrows)
        return err_set(e, "tree_fit: empty sample or work space for another table");
    if (nfeat > w->max_k || (nsample > w->max_u && w->max_u < nrows))
        return err_set(e, "tree_fit: sample larger than the work space");
    int nu;
    int nk = gather(w, y, rows, nsample, feats, nfeat, &nu);
    for (int jj = 0; jj < nk; jj++)
        sort_feature(w, x, nrows, presorted, nu, jj, w->fcol[jj]);
    int n = grow(w, nu, nk, max_depth);
    for (int i = 0; i < nu; i++)
        w->slot[w->urow[i]] = -1;
    if (tree_alloc(t, n, e) != 0)
        return -1;
    memcpy(t->feature, w->nodes.feature, (size_t)n * sizeof *t->feature);
    memcpy(t->threshold, w->nodes.threshold, (size_t)n * sizeof *t->threshold);
    memcpy(t->left, w->nodes.left, (size_t)n * sizeof *t->left);
    memcpy(t->right, w->nodes.right, (size_t)n * sizeof *t->right);
    memcpy(t->value, w->nodes.value, (size_t)n * sizeof *t->value);
    return 0;
}

double tree_predict(const tree *t, const double *x, int nrows, int row)
{
    int i = 0;
    while (t->feature[i] >= 0)
        i = x[(size_t)t->feature[i] * nrows + row] <= t->threshold[i] ? t->left[i] : t->right[i];
    return t->value[i];
}

int tree_alloc(tree *t, int n_nodes, err *e)
{
    memset(t, 0, sizeof *t);
    if (n_nodes < 1)
        return err_set(e, "a tree needs at least one node");
    size_t n = (size_t)n_nodes;
    /* One block, doubles first so every array is aligned. */
    char *mem = malloc(n * (2 * sizeof(double) + 3 * sizeof(int)));
    if (mem == NULL)
        return err_set(e, "out of memory for a tree of %d nodes", n_nodes);
    t->n_nodes = n_nodes;
    t->threshold = (double *)mem;
    t->value = t->threshold + n;
    t->feature = (int *)(t->value + n);
    t->left = t->feature + n;
    t->right = t->left + n;
    return 0;
}

int tree_check(const tree *t, int nfeat, err *e)
{
    int n = t->n_nodes;
    for (int i = 0; i < n; i++) {
        if (!isfinite(t->value[i]) || !isfinite(t->threshold[i]))
            return err_setk(e, ERR_DATA, "node %d holds a number that is not finite", i);
        if (t->feature[i] == -1) {
            if (t->left[i] != -1 || t->right[i] != -1)
                return err_setk(e, ERR_DATA, "leaf %d has children", i);
            continue;
        }
        if (t->feature[i] < 0 || t->feature[i] >= nfeat)
            return err_setk(e, ERR_DATA, "node %d splits on feature %d of %d", i, t->feature[i], nfeat);
        if (t->left[i] <= i || t->left[i] >= n || t->right[i] <= i || t->right[i] >= n)
            return err_setk(e, ERR_DATA, "node %d has children %d and %d outside (%d, %d)", i, t->left[i],
                           t->right[i], i, n);
    }
    return 0;
}

void tree_release(tree *t)
{
    if (t == NULL)
        return;
    free(t->threshold); /* the start of the one block (tree_alloc) */
    memset(t, 0, sizeof *t);
}
