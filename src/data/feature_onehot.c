#include "data/feature_onehot.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "data/feature_table.h"
#include "data/intern.h"

static int is_trim_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char *feature_onehot_name(const char *prefix, const char *value)
{
    while (is_trim_space(*value))
        value++;
    size_t n = strlen(value);
    while (n > 0 && is_trim_space(value[n - 1]))
        n--;
    if (n == 0)
        return NULL;
    size_t plen = strlen(prefix);
    char *out = malloc(plen + n + 1);
    if (out == NULL)
        return NULL;
    memcpy(out, prefix, plen);
    size_t o = plen;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)value[i];
        /* A continuation byte belongs to the character already replaced. */
        if ((c & 0xC0) == 0x80 && i > 0 && ((unsigned char)value[i - 1] & 0x80))
            continue;
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        out[o++] = ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) ? (char)c : '_';
    }
    out[o] = '\0';
    return out;
}

/* One source field's candidate columns: every one-hot name with its
 * training-row count, and each row's name id. */
typedef struct {
    int nnames;
    char **names;     /* nnames, in order of first appearance */
    int *train_rows;  /* nnames */
    int *name_of_row; /* p->n, -1 for an empty value */
} field_values;

static void field_values_release(field_values *v)
{
    for (int i = 0; i < v->nnames; i++)
        free(v->names[i]);
    free(v->names);
    free(v->train_rows);
    free(v->name_of_row);
    memset(v, 0, sizeof *v);
}

static const char *row_string(const prepared_row *r, size_t off)
{
    return *(char *const *)((const char *)r + off);
}

/* Interns the raw values first so each distinct value is named once, then
 * interns the names, which merges values that name the same column. */
static int field_values_collect(const prepared *p, size_t off, const char *prefix, int first_train,
                                int last_train, field_values *v, err *e)
{
    int n = p->n, rc = -1;
    memset(v, 0, sizeof *v);
    const char **keys = malloc(sizeof *keys * (size_t)(n + 1));
    int *raw_id = malloc(sizeof *raw_id * (size_t)(n + 1));
    int *rep = NULL, *name_id = NULL;
    char **raw_names = NULL;
    int nraw = 0;
    v->name_of_row = malloc(sizeof *v->name_of_row * (size_t)(n + 1));
    if (keys == NULL || raw_id == NULL || v->name_of_row == NULL)
        goto oom;
    for (int i = 0; i < n; i++) {
        const char *s = row_string(&p->rows[i], off);
        keys[i] = s ? s : "";
    }
    nraw = intern_strings(keys, n, raw_id, e);
    if (nraw < 0)
        goto out;
    rep = calloc((size_t)nraw + 1, sizeof *rep);
    name_id = malloc(sizeof *name_id * (size_t)(nraw + 1));
    raw_names = calloc((size_t)nraw + 1, sizeof *raw_names);
    if (rep == NULL || name_id == NULL || raw_names == NULL)
        goto oom;
    for (int i = n - 1; i >= 0; i--)
        rep[raw_id[i]] = i;
    for (int r = 0; r < nraw; r++)
        raw_names[r] = feature_onehot_name(prefix, keys[rep[r]]);
    v->nnames = intern_strings((const char *const *)raw_names, nraw, name_id, e);
    if (v->nnames < 0) {
        v->nnames = 0;
        goto out;
    }
    v->names = calloc((size_t)v->nnames + 1, sizeof *v->names);
    v->train_rows = calloc((size_t)v->nnames + 1, sizeof *v->train_rows);
    if (v->names == NULL || v->train_rows == NULL)
        goto oom;
    for (int r = 0; r < nraw; r++) {
        if (name_id[r] >= 0 && v->names[name_id[r]] == NULL) {
            v->names[name_id[r]] = raw_names[r];
            raw_names[r] = NULL;
        }
    }
    for (int i = 0; i < n; i++) {
        int id = name_id[raw_id[i]];
        v->name_of_row[i] = id;
        if (id >= 0 && p->rows[i].season >= first_train && p->rows[i].season <= last_train)
            v->train_rows[id]++;
    }
    rc = 0;
    goto out;
oom:
    err_set(e, "features: out of memory");
out:
    for (int r = 0; raw_names != NULL && r < nraw; r++)
        free(raw_names[r]);
    free(raw_names);
    free(name_id);
    free(rep);
    free(raw_id);
    free(keys);
    if (rc != 0)
        field_values_release(v);
    return rc;
}

/* Moves the names of v with at least min_rows training rows to
 * names[*ncols...] and sets each row's column in row_col (-1 for none). */
static int field_values_keep(field_values *v, int min_rows, int n, char **names, int *ncols,
                             int *row_col, err *e)
{
    int *col = malloc(sizeof *col * (size_t)(v->nnames + 1));
    if (col == NULL)
        return err_set(e, "features: out of memory");
    for (int k = 0; k < v->nnames; k++) {
        col[k] = -1;
        if (v->train_rows[k] >= min_rows) {
            col[k] = *ncols;
            names[(*ncols)++] = v->names[k];
            v->names[k] = NULL;
        }
    }
    for (int i = 0; i < n; i++)
        row_col[i] = v->name_of_row[i] >= 0 ? col[v->name_of_row[i]] : -1;
    free(col);
    return 0;
}

typedef struct {
    const char *name;
    int col;
} named_col;

static int cmp_named_col(const void *a, const void *b)
{
    return strcmp(((const named_col *)a)->name, ((const named_col *)b)->name);
}

/* Puts the columns in name order, renumbering every row's columns. */
static int sort_columns(feature_onehot *o, int n, err *e)
{
    named_col *nc = malloc(sizeof *nc * (size_t)(o->ncols + 1));
    int *rank = malloc(sizeof *rank * (size_t)(o->ncols + 1));
    char **sorted = malloc(sizeof *sorted * (size_t)(o->ncols + 1));
    int rc = -1;
    if (nc == NULL || rank == NULL || sorted == NULL) {
        err_set(e, "features: out of memory");
        goto out;
    }
    for (int k = 0; k < o->ncols; k++)
        nc[k] = (named_col){o->names[k], k};
    qsort(nc, (size_t)o->ncols, sizeof *nc, cmp_named_col);
    for (int k = 0; k < o->ncols; k++) {
        rank[nc[k].col] = k;
        sorted[k] = o->names[nc[k].col];
    }
    memcpy(o->names, sorted, sizeof *sorted * (size_t)o->ncols);
    for (int i = 0; i < n; i++) {
        if (o->nat_col[i] >= 0)
            o->nat_col[i] = rank[o->nat_col[i]];
        if (o->race_col[i] >= 0)
            o->race_col[i] = rank[o->race_col[i]];
    }
    rc = 0;
out:
    free(sorted);
    free(rank);
    free(nc);
    return rc;
}

void feature_onehot_release(feature_onehot *o)
{
    if (o == NULL)
        return;
    for (int i = 0; i < o->ncols; i++)
        free(o->names[i]);
    free(o->names);
    free(o->nat_col);
    free(o->race_col);
    memset(o, 0, sizeof *o);
}

int feature_onehot_plan(const prepared *p, int first_train, int last_train, feature_onehot *out,
                         err *e)
{
    field_values nat, race;
    memset(out, 0, sizeof *out);
    memset(&race, 0, sizeof race);
    int rc = -1;
    if (field_values_collect(p, offsetof(prepared_row, driver_nationality), "nat_", first_train,
                             last_train, &nat, e) != 0)
        return -1;
    if (field_values_collect(p, offsetof(prepared_row, race_name), "race_", first_train, last_train,
                             &race, e) != 0)
        goto out;
    out->names = calloc((size_t)(nat.nnames + race.nnames) + 1, sizeof *out->names);
    out->nat_col = malloc(sizeof *out->nat_col * (size_t)(p->n + 1));
    out->race_col = malloc(sizeof *out->race_col * (size_t)(p->n + 1));
    if (out->names == NULL || out->nat_col == NULL || out->race_col == NULL) {
        err_set(e, "features: out of memory");
        goto out;
    }
    if (field_values_keep(&nat, FEATURES_NAT_MIN_ROWS, p->n, out->names, &out->ncols, out->nat_col,
                          e) != 0 ||
        field_values_keep(&race, FEATURES_RACE_MIN_ROWS, p->n, out->names, &out->ncols,
                          out->race_col, e) != 0 ||
        sort_columns(out, p->n, e) != 0)
        goto out;
    rc = 0;
out:
    field_values_release(&nat);
    field_values_release(&race);
    if (rc != 0)
        feature_onehot_release(out);
    return rc;
}
