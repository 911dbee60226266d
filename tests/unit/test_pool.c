/* pool: every task runs exactly once whatever the thread count, a failing
 * task's error comes back and stops the rest, per-worker state is made and
 * freed once per worker. */
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "core/pool.h"

#define N 1000

typedef struct {
    atomic_int runs[N];
    atomic_int inits, dones, ran, bad_state;
    int fail_at;      /* task that fails, or -1 */
    int fail_init;    /* init fails */
} ctx_t;

static void *init(void *c, err *e)
{
    ctx_t *x = c;
    atomic_fetch_add(&x->inits, 1);
    if (x->fail_init) {
        err_set(e, "no state");
        return NULL;
    }
    return &x->ran; /* any non-NULL state */
}

static int run(void *c, void *state, int t, err *e)
{
    ctx_t *x = c;
    if (state != &x->ran)
        atomic_fetch_add(&x->bad_state, 1);
    if (t == x->fail_at)
        return err_set(e, "task %d failed", t);
    atomic_fetch_add(&x->runs[t], 1);
    atomic_fetch_add(&x->ran, 1);
    return 0;
}

static void done_count(void *state)
{
    if (state != NULL) {
        ctx_t *x = (ctx_t *)((char *)state - offsetof(ctx_t, ran));
        atomic_fetch_add(&x->dones, 1);
    }
}

static void reset(ctx_t *x)
{
    memset(x, 0, sizeof *x);
    x->fail_at = -1;
}

int main(void)
{
    static ctx_t x;
    err e;
    const pool_fns fns = {init, run, done_count};
    /* every task exactly once, on 1, 2 and 8 threads; one state per worker */
    int threads[] = {1, 2, 8};
    for (int k = 0; k < 3; k++) {
        reset(&x);
        CHECK_INT(pool_run(threads[k], N, &fns, &x, &e), 0);
        int once = 1;
        for (int t = 0; t < N; t++)
            once &= atomic_load(&x.runs[t]) == 1;
        CHECK_MSG(once, "%d threads: every task once", threads[k]);
        CHECK_INT(atomic_load(&x.inits), pool_threads(threads[k], N));
        CHECK_INT(atomic_load(&x.dones), atomic_load(&x.inits));
        CHECK_INT(atomic_load(&x.bad_state), 0);
    }
    /* the thread count: at least 1, at most the tasks, 0 = the cores */
    CHECK_INT(pool_threads(8, 3), 3);
    CHECK_INT(pool_threads(8, 0), 1);
    CHECK_INT(pool_threads(-1, 100) >= 1, 1);
    CHECK_INT(pool_threads(0, 1), 1);
    /* no task: nothing runs, success */
    reset(&x);
    CHECK_INT(pool_run(4, 0, &fns, &x, &e), 0);
    CHECK_INT(atomic_load(&x.ran), 0);
    /* a failing task: its error comes back and the states are still freed */
    for (int k = 0; k < 3; k++) {
        reset(&x);
        x.fail_at = 10;
        err_clear(&e);
        CHECK_INT(pool_run(threads[k], N, &fns, &x, &e), -1);
        CHECK_STR(e.msg, "task 10 failed");
        CHECK_INT(atomic_load(&x.dones), atomic_load(&x.inits));
        /* one thread takes the tasks in order and stops at the failure;
         * with more, how many others finish first is up to the scheduler */
        if (threads[k] == 1)
            CHECK_INT(atomic_load(&x.ran), 10);
        CHECK_INT(atomic_load(&x.runs[10]), 0);
    }
    /* a worker whose state cannot be made fails the run with init's error */
    reset(&x);
    x.fail_init = 1;
    CHECK_INT(pool_run(2, N, &fns, &x, &e), -1);
    CHECK_STR(e.msg, "no state");
    return check_done();
}
