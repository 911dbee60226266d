#include "core/pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct {
    const pool_fns *fns;
    void *ctx;
    int n;
    atomic_int next;    /* the next task to take */
    atomic_int failed;  /* set by the first failing worker: others stop */
} pool;

typedef struct {
    pool *p;
    err e;
    int rc;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    pool *p = w->p;
    void *state = NULL;
    w->rc = -1;
    if (p->fns->init != NULL && (state = p->fns->init(p->ctx, &w->e)) == NULL)
        goto out;
    for (;;) {
        int t = atomic_fetch_add(&p->next, 1);
        if (t >= p->n || atomic_load(&p->failed))
            break;
        if (p->fns->run(p->ctx, state, t, &w->e) != 0)
            goto out;
    }
    w->rc = 0;
out:
    if (w->rc != 0)
        atomic_store(&p->failed, 1);
    if (p->fns->done != NULL)
        p->fns->done(state);
    return NULL;
}

int pool_threads(int threads, int n)
{
    long t = threads > 0 ? threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (t > n)
        t = n;
    return t < 1 ? 1 : (int)t;
}

int pool_run(int threads, int n, const pool_fns *fns, void *ctx, err *e)
{
    int nt = pool_threads(threads, n), started = 1, rc = 0;
    pool p = {.fns = fns, .ctx = ctx, .n = n};
    atomic_init(&p.next, 0);
    atomic_init(&p.failed, 0);
    worker *w = calloc((size_t)nt, sizeof *w);
    pthread_t *tid = calloc((size_t)nt, sizeof *tid);
    if (w == NULL || tid == NULL) {
        rc = err_set(e, "out of memory for %d worker threads", nt);
        goto out;
    }
    for (int i = 0; i < nt; i++)
        w[i].p = &p;
    for (; started < nt; started++)
        if (pthread_create(&tid[started], NULL, work, &w[started]) != 0)
            break; /* fewer threads only cost time */
    work(&w[0]);
    for (int i = 1; i < started; i++)
        pthread_join(tid[i], NULL);
    for (int i = 0; i < started && rc == 0; i++)
        if (w[i].rc != 0) {
            *e = w[i].e;
            rc = -1;
        }
out:
    free(w);
    free(tid);
    return rc;
}
