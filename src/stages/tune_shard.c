/* tune shards: one job's slice of the scores, saved for the merge, and
 * the merge's gathering of all slices (tune.h).
 *
 * A shard document:
 *   {"format": "f1-mlops-tune-shard", "format_version": 2, "search": {...},
 *    "data_sha256": "...", "seconds": t, "validation_seasons": [...],
 *    "shard": i, "shards": n, "from": a, "to": b, "expected_precision",
 *    "train_rows", "features": [[per season] per configuration a..b-1]}
 * goes to data-dir/tune-shard-I-of-N.json, or with mongodb-uri to the
 * `meta` document {"name": "tune-shard-I-of-N", "kind": "tune-shard",
 * "scores": "<the document as text>"} (text keeps every double's bits).
 * The merge reads only documents whose "search" is its own plan's, so
 * stale shards of other searches in a cached data-dir or a shared
 * database are ignored, and takes the shard count from them: a complete
 * set of n shards is required. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/fsutil.h"
#include "core/jsonbuild.h"
#include "core/jsonfile.h"
#include "core/log.h"
#include "ml/numfmt.h"
#include "stages/tune.h"

#define SHARD_FORMAT "f1-mlops-tune-shard"
#define SHARD_KIND "tune-shard"
#define SHARD_NAME "tune-shard-%d-of-%d"
#define SHARD_MAX 1000

/* Rows [0, n) of width w of a double or an int matrix as arrays of arrays. */
static cJSON *matrix_json(const double *d, const int *v, int n, int w)
{
    cJSON *rows = cJSON_CreateArray();
    for (int c = 0; rows != NULL && c < n; c++) {
        cJSON *row = d ? numfmt_json_array(d + (size_t)c * w, w)
                       : cJSON_CreateIntArray(v + (size_t)c * w, w);
        if (row == NULL) {
            cJSON_Delete(rows);
            return NULL;
        }
        cJSON_AddItemToArray(rows, row);
    }
    return rows;
}

/* The shard document; NULL when out of memory. */
static cJSON *shard_json(const tune_plan *pl, int i, int n, int from, int to,
                        const double *expected, const int *train_rows, const int *nfeat,
                        const char *data_sha256, double seconds)
{
    int ns = pl->n_seasons, oom = 0;
    cJSON *o = tune_doc_new(pl, SHARD_FORMAT, data_sha256, seconds, &oom);
    jsonbuild_add(o, "shard", cJSON_CreateNumber(i), &oom);
    jsonbuild_add(o, "shards", cJSON_CreateNumber(n), &oom);
    jsonbuild_add(o, "from", cJSON_CreateNumber(from), &oom);
    jsonbuild_add(o, "to", cJSON_CreateNumber(to), &oom);
    jsonbuild_add(o, "expected_precision", matrix_json(expected, NULL, to - from, ns), &oom);
    jsonbuild_add(o, "train_rows", matrix_json(NULL, train_rows, to - from, ns), &oom);
    jsonbuild_add(o, "features", matrix_json(NULL, nfeat, to - from, ns), &oom);
    if (oom) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

int tune_shard_save(stage_ctx *ctx, const tune_plan *pl, int i, int n, int from, int to,
                    const double *expected, const int *train_rows, const int *nfeat,
                    const char *data_sha256, double seconds, err *e)
{
    char name[64], path[CFG_STR_MAX + 64];
    snprintf(name, sizeof name, SHARD_NAME, i, n);
    cJSON *shard = shard_json(pl, i, n, from, to, expected, train_rows, nfeat, data_sha256, seconds);
    if (shard == NULL)
        return err_set(e, "out of memory writing shard %d/%d", i, n);
    int rc;
    if (ctx->cfg->mongodb_uri[0] != '\0') {
        buf text;
        buf_init(&text, 0);
        cJSON *doc = cJSON_CreateObject();
        if (jsonfile_render(&text, shard, JSONFILE_COMPACT, e) != 0)
            rc = err_wrap(e, "shard %d/%d", i, n);
        else if (doc == NULL || !cJSON_AddStringToObject(doc, "name", name) ||
            !cJSON_AddStringToObject(doc, "kind", SHARD_KIND) ||
            !cJSON_AddStringToObject(doc, "scores", text.data))
            rc = err_set(e, "out of memory writing shard %d/%d", i, n);
        else if (ctx->st == NULL)
            rc = err_set(e, "the store is not open for shard %d/%d", i, n);
        else
            rc = store_upsert(ctx->st, "meta", doc, e);
        cJSON_Delete(doc);
        buf_release(&text);
        if (rc == 0)
            log_info("tune: shard %d/%d scores stored in the meta collection as '%s'", i, n, name);
    } else {
        strcat(name, ".json");
        stage_path(ctx, name, path, sizeof path);
        rc = jsonfile_write(path, shard, JSONFILE_COMPACT, e);
        if (rc == 0)
            log_info("tune: shard %d/%d scores written to %s", i, n, path);
    }
    cJSON_Delete(shard);
    return rc;
}

/* ---- gathering ---- */

typedef struct {
    const cJSON *want;  /* the plan's search object */
    cJSON ***docs;      /* docs[n - 1][i - 1]: shard i of n (rows made on demand) */
    int *count;         /* count[n - 1]: shards of n found */
    int other;          /* documents of other searches */
} gather;

static cJSON **slot(gather *g, int i, int n, err *e)
{
    if (g->docs[n - 1] == NULL) {
        g->docs[n - 1] = calloc((size_t)n, sizeof **g->docs);
        if (g->docs[n - 1] == NULL) {
            err_set(e, "out of memory gathering shards");
            return NULL;
        }
    }
    return &g->docs[n - 1][i - 1];
}

static int consider(gather *g, const char *text, size_t len, const char *where, err *e)
{
    cJSON *doc = jsonfile_parse(text, len, where, e);
    if (doc == NULL)
        return -1;
    if (strcmp(jsonfile_str(doc, "format", ""), SHARD_FORMAT) != 0 ||
        jsonfile_num(doc, "format_version", 0) != TUNE_FORMAT_VERSION) {
        cJSON_Delete(doc);
        return err_setk(e, ERR_DATA, "%s is not a version %d tune shard", where,
                        TUNE_FORMAT_VERSION);
    }
    if (!cJSON_Compare(g->want, cJSON_GetObjectItemCaseSensitive(doc, "search"), 1)) {
        g->other++;
        cJSON_Delete(doc);
        return 0;
    }
    double i = jsonfile_num(doc, "shard", 0), n = jsonfile_num(doc, "shards", 0);
    if (!(n >= 1 && n <= SHARD_MAX && i >= 1 && i <= n && i == (int)i && n == (int)n)) {
        cJSON_Delete(doc);
        return err_setk(e, ERR_DATA, "%s: bad shard number", where);
    }
    cJSON **s = slot(g, (int)i, (int)n, e);
    if (s == NULL) {
        cJSON_Delete(doc);
        return -1;
    }
    if (*s == NULL)
        g->count[(int)n - 1]++;
    cJSON_Delete(*s);
    *s = doc;
    return 0;
}

static int gather_files(const stage_ctx *ctx, gather *g, err *e)
{
    DIR *d = opendir(ctx->cfg->data_dir);
    if (d == NULL)
        return err_setk(e, ERR_DATA, "cannot list data-dir '%s'", ctx->cfg->data_dir);
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d)) != NULL) {
        int i, n, end = 0;
        if (sscanf(de->d_name, SHARD_NAME ".json%n", &i, &n, &end) != 2 ||
            de->d_name[end] != '\0' || end == 0)
            continue;
        char path[CFG_STR_MAX + 300];
        snprintf(path, sizeof path, "%s/%s", ctx->cfg->data_dir, de->d_name);
        buf b;
        buf_init(&b, 0);
        rc = fs_read_file(path, &b, e) != 0 ? -1 : consider(g, b.data, b.len, path, e);
        buf_release(&b);
    }
    closedir(d);
    return rc;
}

static int visit_meta(const cJSON *doc, void *ctx, err *e)
{
    const char *text = jsonfile_str(doc, "scores", NULL);
    const char *name = jsonfile_str(doc, "name", "?");
    if (text == NULL)
        return err_setk(e, ERR_DATA, "meta document '%s' has no scores", name);
    return consider(ctx, text, strlen(text), name, e);
}

/* Copies rows [from, to) of the matrix under key (to - from rows of ns
 * numbers) into d (doubles) or v (ints, whole numbers); 0, or -1 when
 * malformed. */
static int take_matrix(const cJSON *doc, const char *key, int from, int to, int ns, double *d,
                       int *v)
{
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(doc, key), *row;
    if (cJSON_GetArraySize(rows) != to - from)
        return -1;
    int c = from;
    cJSON_ArrayForEach(row, rows)
    {
        if (cJSON_GetArraySize(row) != ns)
            return -1;
        for (int s = 0; s < ns; s++) {
            const cJSON *x = cJSON_GetArrayItem(row, s);
            if (!cJSON_IsNumber(x) || (v != NULL && x->valuedouble != (int)x->valuedouble))
                return -1;
            if (d != NULL)
                d[(size_t)c * ns + s] = x->valuedouble;
            if (v != NULL)
                v[(size_t)c * ns + s] = (int)x->valuedouble;
        }
        c++;
    }
    return 0;
}

/* Copies shard doc's slice into the matrices and checks it fits the plan. */
static int take(const tune_plan *pl, const cJSON *doc, int i, int n, double *expected,
                int *train_rows, int *nfeat, err *e)
{
    int from, to, ns = pl->n_seasons;
    tune_plan_slice(pl, i, n, &from, &to);
    if (jsonfile_num(doc, "from", -1) != from || jsonfile_num(doc, "to", -1) != to ||
        take_matrix(doc, "expected_precision", from, to, ns, expected, NULL) != 0 ||
        take_matrix(doc, "train_rows", from, to, ns, NULL, train_rows) != 0 ||
        take_matrix(doc, "features", from, to, ns, NULL, nfeat) != 0)
        return err_setk(e, ERR_DATA,
                        "shard %d/%d does not hold configurations %d-%d of this search", i, n,
                        from + 1, to);
    return 0;
}

/* The shard count to merge: a complete set (the largest when several). */
static int pick_count(const gather *g, const char *where, err *e)
{
    int best = 0;
    for (int n = 1; n <= SHARD_MAX; n++)
        if (g->count[n - 1] == n)
            best = n;
    if (best > 0)
        return best;
    int most = 0;
    for (int n = 1; n <= SHARD_MAX; n++)
        if (g->count[n - 1] > 0 && (most == 0 || g->count[n - 1] > g->count[most - 1]))
            most = n;
    if (most == 0)
        return err_setk(e, ERR_DATA,
                        "no shard scores of this search in %s (%d of other "
                        "searches): run the tune jobs with tune-shard I/N and the same inputs "
                        "first",
                        where, g->other);
    buf b;
    buf_init(&b, 0);
    for (int i = 1; i <= most; i++)
        if (g->docs[most - 1][i - 1] == NULL)
            buf_printf(&b, NULL, "%s%d/%d", b.len ? ", " : "", i, most);
    err_setk(e, ERR_DATA,
             "missing shard%s %s of this search in %s (found %d of %d): every tune "
             "job must finish and pass its scores on",
             g->count[most - 1] == most - 1 ? "" : "s", b.data ? b.data : "?", where,
             g->count[most - 1], most);
    buf_release(&b);
    return -1;
}

int tune_shard_collect(stage_ctx *ctx, const tune_plan *pl, double *expected, int *train_rows,
                       int *nfeat, int *shards, double *seconds,
                       char data_sha256[SHA256_HEX_SIZE], err *e)
{
    int rc = -1;
    int mongo = ctx->cfg->mongodb_uri[0] != '\0';
    const char *where = mongo ? "the meta collection" : "data-dir";
    gather g = {.want = tune_plan_json(pl)};
    g.docs = calloc(SHARD_MAX, sizeof *g.docs);
    g.count = calloc(SHARD_MAX, sizeof *g.count);
    char own[SHA256_HEX_SIZE];
    if (g.want == NULL || g.docs == NULL || g.count == NULL) {
        err_set(e, "out of memory gathering shards");
        goto out;
    }
    if (mongo && ctx->st == NULL) {
        err_set(e, "the store is not open for tune-merge");
        goto out;
    }
    if ((mongo ? store_list(ctx->st, "meta", "kind", SHARD_KIND, visit_meta, &g, e)
               : gather_files(ctx, &g, e)) != 0)
        goto out;
    int n = pick_count(&g, where, e);
    if (n < 0 || tune_data_digest(ctx, own, e) != 0)
        goto out;
    const char *data = jsonfile_str(g.docs[n - 1][0], "data_sha256", "");
    *seconds = 0;
    for (int i = 1; i <= n; i++) {
        const cJSON *doc = g.docs[n - 1][i - 1];
        if (strcmp(jsonfile_str(doc, "data_sha256", ""), data) != 0 ||
            (own[0] != '\0' && strcmp(own, data) != 0)) {
            err_setk(e, ERR_DATA,
                     "shard %d/%d scored another prepared.csv than %s (every job "
                     "must prepare the same data)",
                     i, n, own[0] != '\0' && strcmp(own, data) != 0 ? "this job's" : "shard 1");
            goto out;
        }
        if (take(pl, doc, i, n, expected, train_rows, nfeat, e) != 0)
            goto out;
        *seconds += jsonfile_num(doc, "seconds", 0);
    }
    snprintf(data_sha256, SHA256_HEX_SIZE, "%s", data);
    *shards = n;
    log_info("tune-merge: %d shard%s of %d configurations from %s", n, n == 1 ? "" : "s", pl->n,
             where);
    rc = 0;
out:
    for (int k = 0; g.docs != NULL && k < SHARD_MAX; k++) {
        for (int i = 0; g.docs[k] != NULL && i <= k; i++)
            cJSON_Delete(g.docs[k][i]);
        free(g.docs[k]);
    }
    free(g.docs);
    free(g.count);
    cJSON_Delete((cJSON *)g.want);
    return rc;
}
