/* The embedded store's split listing (store_list_parts): the directory's
 * document files, in directory order, are cut into contiguous parts, and
 * each part is read, parsed, visited and freed on its own thread, one
 * document at a time.  A document is freed by the thread that parsed it,
 * and a thread's heap never holds more than one parsed document: batches
 * of parsed documents handed between threads made glibc's per-thread heaps
 * grow and shrink on every batch, which cost more than the parsing saved.
 * cJSON parses safely on several threads as long as nobody calls
 * cJSON_GetErrorPtr or cJSON_InitHooks (cJSON's README); f1-mlops calls
 * neither. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/grow.h"
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

typedef struct {
    const char *dir;
    char *const *names;
    int lo, hi;           /* this part's names */
    store_visit_fn fn;
    void *ctx;
    atomic_int *stop;     /* set by the first part that fails */
    int rc;
    err e;
} part;

static void *visit_part(void *arg)
{
    part *p = arg;
    file_buf fb = {NULL, 0};
    p->rc = 0;
    for (int i = p->lo; i < p->hi && p->rc == 0 && !atomic_load(p->stop); i++) {
        char path[PATH_BUF];
        cJSON *doc = NULL;
        if (snprintf(path, sizeof path, "%s/%s", p->dir, p->names[i]) >= (int)sizeof path)
            p->rc = err_setk(&p->e, ERR_STORE, "store: path too long: '%s/%s'", p->dir,
                             p->names[i]);
        else if (dir_read_doc(path, &fb, &doc, &p->e) != 0)
            p->rc = -1;
        else if (p->fn(doc, p->ctx, &p->e) != 0)
            p->rc = err_wrap(&p->e, "store document '%s'", path);
        cJSON_Delete(doc);
    }
    if (p->rc != 0)
        atomic_store(p->stop, 1);
    free(fb.data);
    return NULL;
}

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
        atomic_int stop;
        atomic_init(&stop, 0);
        part parts[MAX_PARTS];
        pthread_t tid[MAX_PARTS];
        int started[MAX_PARTS] = {0};
        for (int k = 0; k < n; k++)
            parts[k] = (part){.dir = dir, .names = l.names, .lo = (int)((long)l.n * k / n),
                              .hi = (int)((long)l.n * (k + 1) / n), .fn = fn, .ctx = ctxs[k],
                              .stop = &stop};
        for (int k = 1; k < n; k++)
            started[k] = pthread_create(&tid[k], NULL, visit_part, &parts[k]) == 0;
        visit_part(&parts[0]);
        for (int k = 1; k < n; k++) {
            if (started[k])
                pthread_join(tid[k], NULL);
            else
                visit_part(&parts[k]); /* no thread: this one reads it */
        }
        for (int k = 0; k < n && rc == 0; k++)
            if (parts[k].rc != 0) {
                *e = parts[k].e;
                rc = -1;
            }
    }
    for (int i = 0; i < l.n; i++)
        free(l.names[i]);
    free(l.names);
    return rc == 0 ? n : -1;
}
