/* The embedded store's split listing (store_list_parts): the directory's
 * document files, in directory order, are cut into contiguous parts, and
 * each part is read, parsed, visited and freed on its own thread (core/pool), one
 * document at a time.  A document is freed by the thread that parsed it,
 * and a thread's heap never holds more than one parsed document: batches
 * of parsed documents handed between threads made glibc's per-thread heaps
 * grow and shrink on every batch, which cost more than the parsing saved.
 * cJSON parses safely on several threads as long as nobody calls
 * cJSON_GetErrorPtr or cJSON_InitHooks (cJSON's README); f1-mlops calls
 * neither. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/grow.h"
#include "core/pool.h"
#include "store/store_dir_io.h"

#define MAX_PARTS 8
/* Fewer documents per part than this are not worth a thread. */
#define MIN_PART_DOCS 128
#define PATH_BUF 4608

typedef struct {
    char **names;
    int n, alloc;
} name_list;

static int collect_name(const char *dir, const char *name, void *ctx, err *e)
{
    (void)dir;
    name_list *l = ctx;
    if (!dir_is_doc_name(name))
        return 0;
    if (grow_array(&l->names, &l->alloc, l->n + 1, sizeof *l->names, 256, e) != 0)
        return -1;
    l->names[l->n] = strdup(name);
    if (l->names[l->n] == NULL)
        return err_set(e, "store: out of memory listing documents");
    l->n++;
    return 0;
}

/* The listing, shared by the parts: part k visits names
 * [n_names * k / n, n_names * (k + 1) / n) with ctxs[k]. */
typedef struct {
    const char *dir;
    char *const *names;
    int n_names, n;
    store_visit_fn fn;
    void *const *ctxs;
    atomic_int stop;      /* set by the first part that fails */
} listing;

static int visit_part(void *arg, void *state, int k, err *e)
{
    (void)state;
    listing *l = arg;
    file_buf fb = {NULL, 0};
    int rc = 0, lo = (int)((long)l->n_names * k / l->n), hi = (int)((long)l->n_names * (k + 1) / l->n);
    for (int i = lo; i < hi && rc == 0 && !atomic_load(&l->stop); i++) {
        char path[PATH_BUF];
        cJSON *doc = NULL;
        if (snprintf(path, sizeof path, "%s/%s", l->dir, l->names[i]) >= (int)sizeof path)
            rc = err_setk(e, ERR_STORE, "store: path too long: '%s/%s'", l->dir, l->names[i]);
        else if (dir_read_doc(path, &fb, &doc, e) != 0)
            rc = -1;
        else if (l->fn(doc, l->ctxs[k], e) != 0)
            rc = err_wrap(e, "store document '%s'", path);
        cJSON_Delete(doc);
    }
    /* the pool stops handing out parts; this stops the parts under way */
    if (rc != 0)
        atomic_store(&l->stop, 1);
    free(fb.data);
    return rc;
}

static const pool_fns part_fns = {NULL, visit_part, NULL};

static int part_count(int max_parts, int docs)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int n = max_parts < MAX_PARTS ? max_parts : MAX_PARTS;
    if (cpus >= 1 && n > cpus)
        n = (int)cpus;
    if (n > docs / MIN_PART_DOCS)
        n = docs / MIN_PART_DOCS;
    return n < 1 ? 1 : n;
}

int dir_list_parts(store *s, const char *coll, int max_parts, store_visit_fn fn,
                   void *const *ctxs, err *e)
{
    char dir[PATH_BUF];
    if (store_dir_collection_path(s, coll, dir, sizeof dir, e) != 0)
        return -1;
    name_list l = {0};
    int rc = dir_each(dir, collect_name, &l, e);
    int n = 0;
    if (rc == 0) {
        n = part_count(max_parts, l.n);
        listing li = {.dir = dir, .names = l.names, .n_names = l.n, .n = n, .fn = fn,
                      .ctxs = ctxs};
        atomic_init(&li.stop, 0);
        /* n parts on n threads: each part's ctx is used by one thread */
        rc = pool_run(n, n, &part_fns, &li, e);
    }
    for (int i = 0; i < l.n; i++)
        free(l.names[i]);
    free(l.names);
    return rc == 0 ? n : -1;
}
