/* pacer: keeps one client under a server's request-rate limits.
 *
 * Two sliding windows, each "at most N requests in any W seconds":
 *   - the burst window: N = ceil(per_second), W = N / per_second
 *     (4/s -> 4 in any 1 s; 0.5/s -> 1 in any 2 s);
 *   - the hour window: N = per_hour, W = 3600 s.
 * A window is a token bucket whose tokens come back one by one, each W
 * seconds after it was spent.  That is stricter than a bucket refilled
 * continuously, on purpose: Jolpica's throttle (Django REST framework's
 * SimpleRateThrottle) counts requests in a sliding window, so a continuous
 * refill would get the 5th request of a burst answered with 429.
 * A limit of 0 turns its window off.
 *
 * Time comes from a pacer_clock (CLOCK_MONOTONIC and nanosleep by default);
 * tests inject a fake one and never sleep.  A pacer holds no global state;
 * it is not thread-safe (one per client).  pacer_free(NULL) is a no-op. */
#ifndef F1_NET_PACER_H
#define F1_NET_PACER_H

#include "core/err.h"

typedef struct {
    double (*now)(void *ctx);               /* seconds, monotonic */
    void (*sleep)(void *ctx, double seconds);
    void *ctx;
} pacer_clock;

typedef struct pacer pacer;

/* The slowest burst rate: one request per 1000 s (a smaller rate, such as
 * 1e-300, would make the window 1e300 s long). */
#define PACER_MIN_PER_SECOND 0.001
/* The longest single sleep of the real clock, s: the burst window at the
 * slowest rate; longer waits are taken in more sleeps. */
#define PACER_MAX_SLEEP 1000.0

/* A pacer for at most per_second requests per second (0 = no limit, else
 * at least PACER_MIN_PER_SECOND) and per_hour per sliding hour (0 = no
 * limit).  clock NULL = the real clock; the struct is copied.  Returns NULL
 * with e set on a limit out of range or non-finite, or when out of memory.
 * Free with pacer_free(). */
pacer *pacer_new(double per_second, int per_hour, const pacer_clock *clock, err *e);
/* Frees p and everything it owns (NULL: no-op). */
void pacer_free(pacer *p);

/* Seconds until the next request may start (0 = now).  Does not record. */
double pacer_delay(const pacer *p);

/* Sleeps until the next request may start, then records it as started now.
 * Returns the seconds slept.  Call once before every request sent. */
double pacer_wait(pacer *p);

/* Re-stamps the request last recorded by pacer_wait() with the current
 * time, so its window counts from when the response came back.  The server
 * saw the request somewhere between the two instants; counting from the
 * later one keeps a slow first request (TLS handshake) from making the
 * server see more than N requests in its window. */
void pacer_complete(pacer *p);

/* Sleeps through the pacer's clock (backoff waits use it too, so a fake
 * clock covers them). */
void pacer_sleep(pacer *p, double seconds);

#endif
