#include "core/err.h"

/* The functions themselves, not the analyser's view of them (err.h). */
#undef err_set
#undef err_setk
#undef err_wrap

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int err_vset(err *e, err_kind kind, const char *fmt, va_list ap)
{
    if (e == NULL)
        return -1;
    e->kind = kind;
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    return -1;
}

int err_set(err *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(e, ERR_INTERNAL, fmt, ap);
    va_end(ap);
    return -1;
}

int err_setk(err *e, err_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(e, kind, fmt, ap);
    va_end(ap);
    return -1;
}

int err_wrap(err *e, const char *fmt, ...)
{
    if (e == NULL)
        return -1;
    char prefix[ERR_MSG_MAX];
    char old[ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, e->msg, sizeof old);
    /* Bounded precisions: the context and the cause share one message. */
    snprintf(e->msg, sizeof e->msg, "%.400s: %.600s", prefix, old);
    if (e->kind == ERR_NONE)
        e->kind = ERR_INTERNAL;
    return -1;
}

void err_clear(err *e)
{
    if (e == NULL)
        return;
    e->kind = ERR_NONE;
    e->msg[0] = '\0';
}
