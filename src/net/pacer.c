#include "net/pacer.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

/* Largest per-hour limit accepted: the window keeps one timestamp per
 * request, so this bounds its memory (80 MB would be absurd already). */
#define PACER_MAX_PER_HOUR 1000000
#define PACER_MAX_SLEEPS 1000

/* "At most n requests in any span seconds": the start times of the last n
 * requests, oldest first, in a ring. */
typedef struct {
    int n;          /* 0 = window off */
    double span;
    double *stamps;
    int head;
    int count;
} pacer_window;

struct pacer {
    pacer_window burst;
    pacer_window hour;
    pacer_clock clock;
};

static double real_now(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void real_sleep(void *ctx, double seconds)
{
    (void)ctx;
    if (!(seconds > 0))
        return;
    /* Never convert an absurd wait to time_t (1e300 overflows it): no
     * window here is longer than PACER_MAX_SLEEP. */
    if (seconds > PACER_MAX_SLEEP)
        seconds = PACER_MAX_SLEEP;
    struct timespec req;
    req.tv_sec = (time_t)seconds;
    req.tv_nsec = (long)((seconds - (double)req.tv_sec) * 1e9);
    struct timespec rem;
    /* A signal cuts the sleep short; finish it, a bounded number of times. */
    for (int i = 0; i < PACER_MAX_SLEEPS && nanosleep(&req, &rem) != 0 && errno == EINTR; i++)
        req = rem;
}

static int window_init(pacer_window *w, int n, double span, err *e)
{
    w->n = n;
    w->span = span;
    w->head = 0;
    w->count = 0;
    w->stamps = NULL;
    if (n == 0)
        return 0;
    w->stamps = calloc((size_t)n, sizeof *w->stamps);
    if (w->stamps == NULL)
        return err_set(e, "out of memory for a pacer window of %d requests", n);
    return 0;
}

static double window_delay(const pacer_window *w, double now)
{
    if (w->n == 0 || w->count < w->n)
        return 0;
    double d = w->stamps[w->head] + w->span - now;
    return d > 0 ? d : 0;
}

static void window_record(pacer_window *w, double now)
{
    if (w->n == 0)
        return;
    if (w->count < w->n) {
        w->stamps[(w->head + w->count) % w->n] = now;
        w->count++;
        return;
    }
    w->stamps[w->head] = now;
    w->head = (w->head + 1) % w->n;
}

static void window_restamp_last(pacer_window *w, double now)
{
    if (w->n == 0 || w->count == 0)
        return;
    w->stamps[(w->head + w->count - 1) % w->n] = now;
}

pacer *pacer_new(double per_second, int per_hour, const pacer_clock *clock, err *e)
{
    if (!isfinite(per_second) || per_second < 0 || per_second > 1e6 ||
        (per_second > 0 && per_second < PACER_MIN_PER_SECOND)) {
        err_setk(e, ERR_INPUT, "request rate per second must be 0 (no limit) or %g to 1e6, got %g",
                 PACER_MIN_PER_SECOND, per_second);
        return NULL;
    }
    if (per_hour < 0 || per_hour > PACER_MAX_PER_HOUR) {
        err_setk(e, ERR_INPUT, "requests per hour must be 0 (no limit) to %d, got %d",
                 PACER_MAX_PER_HOUR, per_hour);
        return NULL;
    }
    pacer *p = calloc(1, sizeof *p);
    if (p == NULL) {
        err_set(e, "out of memory for a pacer");
        return NULL;
    }
    int burst = per_second > 0 ? (int)ceil(per_second) : 0;
    if (window_init(&p->burst, burst, burst > 0 ? burst / per_second : 0, e) != 0 ||
        window_init(&p->hour, per_hour, 3600.0, e) != 0) {
        pacer_free(p);
        return NULL;
    }
    if (clock != NULL && clock->now != NULL && clock->sleep != NULL) {
        p->clock = *clock;
    } else {
        p->clock.now = real_now;
        p->clock.sleep = real_sleep;
        p->clock.ctx = NULL;
    }
    return p;
}

void pacer_free(pacer *p)
{
    if (p == NULL)
        return;
    free(p->burst.stamps);
    free(p->hour.stamps);
    free(p);
}

double pacer_delay(const pacer *p)
{
    double now = p->clock.now(p->clock.ctx);
    double a = window_delay(&p->burst, now);
    double b = window_delay(&p->hour, now);
    return a > b ? a : b;
}

double pacer_wait(pacer *p)
{
    double slept = 0;
    /* One sleep normally suffices; the bound guards against a clock that
     * rounds the target down forever. */
    for (int i = 0; i < PACER_MAX_SLEEPS; i++) {
        double d = pacer_delay(p);
        if (d <= 0)
            break;
        p->clock.sleep(p->clock.ctx, d);
        slept += d;
    }
    double now = p->clock.now(p->clock.ctx);
    window_record(&p->burst, now);
    window_record(&p->hour, now);
    return slept;
}

void pacer_complete(pacer *p)
{
    double now = p->clock.now(p->clock.ctx);
    window_restamp_last(&p->burst, now);
    window_restamp_last(&p->hour, now);
}

void pacer_sleep(pacer *p, double seconds)
{
    if (seconds > 0)
        p->clock.sleep(p->clock.ctx, seconds);
}
