/* pool: runs tasks 0..n-1 on a few threads, for the loops whose tasks are
 * independent (a bagging's trees, a search's seasons and families).
 *
 * Each worker takes the next task number from a shared counter; the
 * calling thread is worker 0, so a pool of one starts no thread and a
 * failed pthread_create only costs time.  Each worker has its own state
 * (fns->init makes it, fns->done frees it): scratch buffers that tasks
 * reuse.  The first task to fail stops the others from taking new tasks,
 * and its error is the one returned (workers are checked in order, so of
 * several failures the lowest worker's).  Results must not depend on
 * which worker ran a task: that is the caller's contract (each task
 * writes only its own outputs), which keeps results independent of the
 * thread count.  No state outlives pool_run. */
#ifndef F1_CORE_POOL_H
#define F1_CORE_POOL_H

#include "core/err.h"

typedef struct {
    /* A worker's state, or NULL with e set when it cannot be made (the
     * worker then fails).  May be NULL: workers have no state. */
    void *(*init)(void *ctx, err *e);
    /* Runs task t with the worker's state; 0 or -1 with e set. */
    int (*run)(void *ctx, void *state, int t, err *e);
    /* Frees a state init made (called with NULL too).  May be NULL. */
    void (*done)(void *state);
} pool_fns;

/* The threads a pool of n tasks uses for `threads` (0 = the online cores):
 * at least 1, at most n. */
int pool_threads(int threads, int n);

/* Runs tasks 0..n-1 (n >= 0) with fns on pool_threads(threads, n) threads.
 * Returns 0, or -1 with e set: a task's or init's error, or out of memory. */
int pool_run(int threads, int n, const pool_fns *fns, void *ctx, err *e);

#endif
