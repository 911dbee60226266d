/* http: the program's one HTTP client (libcurl), polite and bounded.
 *
 * A client owns one curl handle (connections are reused between requests),
 * a pacer (src/net/pacer.h) applied before every attempt, retries
 * included, and a PRNG for backoff jitter.  It is not thread-safe: one
 * client per thread.  Every request is bounded: at most max_attempts
 * attempts that failed transiently plus max_429 honoured 429 answers, each
 * attempt limited by timeout_ms and each wait by max_wait_s.
 *
 * What is retried, after the k-th failure waiting a random time between
 * half and all of backoff_ms * backoff_factor^(k-1) (capped at max_wait_s):
 *   5xx answers, timeouts, connection errors, truncated bodies, and 2xx
 *   bodies the request's `valid` hook rejects.
 * HTTP 429 waits for its Retry-After (seconds or HTTP-date; the backoff
 * when absent), capped at max_wait_s per wait.  Other statuses are final at
 * once and returned to the caller.  A body larger than max_body aborts the
 * transfer and is an error (never truncated), not retried.
 *
 * URLs can carry secrets (signed artifact-upload URLs hold `sig=`): this
 * module logs and reports URLs only through http_url_for_log().
 * http_free(NULL) is a no-op. */
#ifndef F1_NET_HTTP_H
#define F1_NET_HTTP_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"
#include "net/pacer.h"

typedef struct {
    double per_second;       /* pacing; 0 = none */
    int per_hour;            /* pacing; 0 = none */
    long connect_timeout_ms;
    long timeout_ms;         /* whole attempt, body included */
    int max_attempts;        /* attempts, counting the first; >= 1 */
    int max_429;             /* 429 answers waited out before giving up */
    double backoff_ms;       /* first retry delay */
    double backoff_factor;   /* growth per retry */
    double max_wait_s;       /* longest single wait (backoff or Retry-After) */
    size_t max_body;         /* bytes of (decoded) body; larger = error */
    const char *user_agent;  /* copied by http_new */
} http_opts;

/* No pacing, 10 s connect, 60 s total, 5 attempts, 10 honoured 429s,
 * 1000 ms backoff doubling, 120 s longest wait, 64 MiB body, F1_USER_AGENT. */
void http_opts_default(http_opts *o);

typedef struct http_client http_client;

/* A client with options o (copied).  clock NULL = real time; tests pass a
 * fake clock to pace and back off without sleeping (see pacer.h).
 * Returns NULL with e set on a bad option or when curl cannot start. */
http_client *http_new_clocked(const http_opts *o, const pacer_clock *clock, err *e);
/* Same with the real clock. */
http_client *http_new(const http_opts *o, err *e);
/* Frees c and everything it owns (NULL: no-op). */
void http_free(http_client *c);

/* Attempts actually sent by this client so far (each retry counts). */
long http_request_count(const http_client *c);

typedef struct {
    const char *method;            /* NULL = "GET"; "HEAD", "POST", "PUT", ... */
    const char *url;
    const char *const *headers;    /* NULL-terminated "Name: value", or NULL */
    const void *body;              /* sent when non-NULL (body_len bytes) */
    size_t body_len;
    /* Called on every 2xx body: 0 = accept, -1 = broken, fetch again.
     * NULL accepts every body. */
    int (*valid)(const buf *body, void *ctx);
    void *valid_ctx;
    /* 1 = a 3xx answer is final (read its Location with http_last_header)
     * instead of being followed: for callers that must choose what the
     * next hop gets, e.g. no Authorization on another host. */
    int no_follow;
} http_req;

typedef struct {
    long status;
    buf body;
} http_resp;

/* Sends r, retrying as described above.  Returns 0 when a final HTTP
 * response arrived: out->status set and the body in out->body (also for
 * 4xx), which the caller releases with buf_release().  Returns -1 with
 * err kind ERR_NETWORK naming the URL and the last cause when no final
 * response came after the retries (5xx to the end, timeouts, 429 past
 * max_429, body over max_body, valid() rejecting every body); out->body is
 * then empty and out->status holds the last status received (0 if none). */
int http_do(http_client *c, const http_req *r, http_resp *out, err *e);

/* Copies the value of response header `name` (case-insensitive; the first
 * one when repeated) of the final answer of the client's last http_do into
 * out (size n).  Returns 0, or -1 when that answer has no such header or
 * its value does not fit (out is then ""). */
int http_last_header(http_client *c, const char *name, char *out, size_t n);

/* Copies url into out (size n, always NUL-terminated) as it may be shown:
 * the query string is dropped when it may hold a credential (sig=,
 * signature, token, key, ...), else kept so paging shows in messages. */
void http_url_for_log(const char *url, char *out, size_t n);

/* Copies url into out without its query string and fragment (for retry
 * warnings, which never need them). */
void http_url_no_query(const char *url, char *out, size_t n);

#endif
