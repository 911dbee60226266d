/* err: the caller-owned error record every fallible function fills.
 *
 * Convention across f1-mlops: a function returns 0 on success or -1 on
 * failure, and on failure writes one lowercase sentence into the `err` its
 * caller passed.  The record is plain storage owned by the caller (usually
 * on the stack); nothing in it needs freeing.  Only main() turns an error
 * into an exit code and an ::error:: annotation. */
#ifndef F1_CORE_ERR_H
#define F1_CORE_ERR_H

#include <stddef.h>

#define ERR_MSG_MAX 1024

/* Exit-code classes main() maps failures to (see main.c). */
typedef enum {
    ERR_NONE = 0,
    ERR_INPUT = 2,    /* a bad input value: nothing was done */
    ERR_NETWORK = 3,  /* API / Wikipedia / artifact service failure */
    ERR_STORE = 4,    /* store (files or MongoDB) failure */
    ERR_DATA = 5,     /* data inconsistent or missing for a stage */
    ERR_WORSE = 6,    /* fail-if-worse: the model is worse than the baseline
                       * (everything was written first) */
    ERR_INTERNAL = 1
} err_kind;

typedef struct {
    err_kind kind;
    char msg[ERR_MSG_MAX];
} err;

/* Sets kind ERR_INTERNAL and the formatted message; always returns -1 so
 * callers can write `return err_set(e, "...")`.  e may be NULL. */
int err_set(err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Same with an explicit kind. */
int err_setk(err *e, err_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes the existing message with context ("while X: <old>"); keeps kind.
 * Returns -1. */
int err_wrap(err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void err_clear(err *e);

#ifdef __clang_analyzer__
/* The static analyser (make lint) reads one file at a time: without these
 * it takes err_set and friends for functions that may return 0 and walks
 * every `return err_set(...)` on as a success. */
#define err_set(...) (err_set(__VA_ARGS__), -1)
#define err_setk(...) (err_setk(__VA_ARGS__), -1)
#define err_wrap(...) (err_wrap(__VA_ARGS__), -1)
#endif

#endif
