#include "net/http.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "core/log.h"
#include "core/rng.h"
#include "core/version.h"

#define HTTP_URL_SHOWN 512
#define HTTP_MAX_REDIRECTS 5

struct http_client {
    CURL *curl;
    http_opts opts;
    char *user_agent;
    pacer *pacer;
    rng jitter;       /* backoff jitter only */
    long requests;
    char curl_error[CURL_ERROR_SIZE];
};

/* What the write callback needs: the capped body and whether the cap hit. */
typedef struct {
    buf *body;
    int over_cap;
} http_sink;

void http_opts_default(http_opts *o)
{
    o->per_second = 0;
    o->per_hour = 0;
    o->connect_timeout_ms = 10000;
    o->timeout_ms = 60000;
    o->max_attempts = 5;
    o->max_429 = 10;
    o->backoff_ms = 1000;
    o->backoff_factor = 2;
    o->max_wait_s = 120;
    o->max_body = (size_t)64 << 20;
    o->user_agent = F1_USER_AGENT;
}

static int opts_check(const http_opts *o, err *e)
{
    if (o->connect_timeout_ms <= 0 || o->timeout_ms <= 0)
        return err_setk(e, ERR_INPUT, "http timeouts must be positive (connect %ld ms, total %ld ms)",
                        o->connect_timeout_ms, o->timeout_ms);
    if (o->max_attempts < 1 || o->max_attempts > 100 || o->max_429 < 0 || o->max_429 > 1000)
        return err_setk(e, ERR_INPUT, "http retry limits out of range (attempts %d, 429 waits %d)",
                        o->max_attempts, o->max_429);
    if (!isfinite(o->backoff_ms) || o->backoff_ms < 0 || !isfinite(o->backoff_factor) ||
        o->backoff_factor < 1 || !isfinite(o->max_wait_s) || o->max_wait_s < 0)
        return err_setk(e, ERR_INPUT, "http backoff out of range (%g ms, x%g, max %g s)",
                        o->backoff_ms, o->backoff_factor, o->max_wait_s);
    if (o->max_body == 0)
        return err_setk(e, ERR_INPUT, "http body limit must be positive");
    return 0;
}

http_client *http_new_clocked(const http_opts *o, const pacer_clock *clock, err *e)
{
    if (opts_check(o, e) != 0)
        return NULL;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        err_setk(e, ERR_NETWORK, "cannot initialise libcurl");
        return NULL;
    }
    http_client *c = calloc(1, sizeof *c);
    if (c == NULL) {
        curl_global_cleanup();
        err_set(e, "out of memory for an http client");
        return NULL;
    }
    c->opts = *o;
    c->pacer = pacer_new(o->per_second, o->per_hour, clock, e);
    if (c->pacer == NULL) {
        http_free(c);
        return NULL;
    }
    c->user_agent = strdup(o->user_agent ? o->user_agent : F1_USER_AGENT);
    c->opts.user_agent = c->user_agent;
    c->curl = curl_easy_init();
    if (c->user_agent == NULL || c->curl == NULL) {
        err_setk(e, ERR_NETWORK, "cannot create a curl handle");
        http_free(c);
        return NULL;
    }
    /* Jitter only has to differ between processes that start together. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    c->jitter = rng_stream(((uint64_t)ts.tv_sec * 1000000007ull) ^ (uint64_t)ts.tv_nsec ^
                               ((uint64_t)getpid() << 32),
                           (uint64_t)(uintptr_t)c);
    return c;
}

http_client *http_new(const http_opts *o, err *e)
{
    return http_new_clocked(o, NULL, e);
}

void http_free(http_client *c)
{
    if (c == NULL)
        return;
    if (c->curl != NULL)
        curl_easy_cleanup(c->curl);
    pacer_free(c->pacer);
    free(c->user_agent);
    free(c);
    curl_global_cleanup();
}

long http_request_count(const http_client *c)
{
    return c->requests;
}

static void copy_prefix(const char *s, size_t len, char *out, size_t n)
{
    if (n == 0)
        return;
    if (len >= n)
        len = n - 1;
    memcpy(out, s, len);
    out[len] = '\0';
}

void http_url_no_query(const char *url, char *out, size_t n)
{
    copy_prefix(url, strcspn(url, "?#"), out, n);
}

/* 1 when a query parameter name looks like it carries a credential. */
static int query_has_secret(const char *q)
{
    static const char *const words[] = {"sig", "signature", "token", "key", "secret",
                                        "password", "auth", "credential", "code"};
    while (*q) {
        size_t name_len = strcspn(q, "=&#");
        char name[64];
        copy_prefix(q, name_len, name, sizeof name);
        for (char *p = name; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
            if (strstr(name, words[i]) != NULL)
                return 1;
        q += strcspn(q, "&#");
        if (*q != '&')
            break;
        q++;
    }
    return 0;
}

void http_url_for_log(const char *url, char *out, size_t n)
{
    const char *q = strchr(url, '?');
    if (q == NULL || !query_has_secret(q + 1)) {
        copy_prefix(url, strlen(url), out, n);
        return;
    }
    char base[HTTP_URL_SHOWN];
    http_url_no_query(url, base, sizeof base);
    snprintf(out, n, "%s?[redacted]", base);
}

static size_t http_write(char *p, size_t size, size_t nmemb, void *ud)
{
    http_sink *s = ud;
    size_t n = size * nmemb;
    err scratch;
    if (buf_append(s->body, p, n, &scratch) != 0) {
        /* Returning short aborts the transfer with CURLE_WRITE_ERROR. */
        s->over_cap = 1;
        return 0;
    }
    return n;
}

static int has_header(const char *const *headers, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; headers != NULL && headers[i] != NULL; i++)
        if (strncasecmp(headers[i], name, len) == 0 && headers[i][len] == ':')
            return 1;
    return 0;
}

/* The caller's headers, plus a Content-Type for bodies (curl would claim
 * form data) and an empty Expect (no 100-continue round trip). */
static struct curl_slist *build_headers(const http_req *r, int *ok)
{
    struct curl_slist *list = NULL;
    *ok = 1;
    for (size_t i = 0; r->headers != NULL && r->headers[i] != NULL && *ok; i++) {
        struct curl_slist *next = curl_slist_append(list, r->headers[i]);
        if (next == NULL)
            *ok = 0;
        else
            list = next;
    }
    const char *extra[2] = {NULL, NULL};
    if (r->body != NULL && !has_header(r->headers, "Content-Type"))
        extra[0] = "Content-Type: application/octet-stream";
    if (r->body != NULL && !has_header(r->headers, "Expect"))
        extra[1] = "Expect:";
    for (int i = 0; i < 2 && *ok; i++) {
        if (extra[i] == NULL)
            continue;
        struct curl_slist *next = curl_slist_append(list, extra[i]);
        if (next == NULL)
            *ok = 0;
        else
            list = next;
    }
    return list;
}

#define HTTP_SETOPT(h, opt, val)                  \
    do {                                          \
        if (cc == CURLE_OK)                       \
            cc = curl_easy_setopt(h, opt, val);   \
    } while (0)

static CURLcode http_setup(http_client *c, const http_req *r, const char *method,
                           struct curl_slist *headers, http_sink *sink)
{
    CURL *h = c->curl;
    CURLcode cc = CURLE_OK;
    curl_easy_reset(h);
    c->curl_error[0] = '\0';
    HTTP_SETOPT(h, CURLOPT_URL, r->url);
    HTTP_SETOPT(h, CURLOPT_PROTOCOLS_STR, "http,https");
    HTTP_SETOPT(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    HTTP_SETOPT(h, CURLOPT_FOLLOWLOCATION, r->no_follow ? 0L : 1L);
    HTTP_SETOPT(h, CURLOPT_MAXREDIRS, (long)HTTP_MAX_REDIRECTS);
    HTTP_SETOPT(h, CURLOPT_USERAGENT, c->user_agent);
    HTTP_SETOPT(h, CURLOPT_ACCEPT_ENCODING, "");
    HTTP_SETOPT(h, CURLOPT_CONNECTTIMEOUT_MS, c->opts.connect_timeout_ms);
    HTTP_SETOPT(h, CURLOPT_TIMEOUT_MS, c->opts.timeout_ms);
    HTTP_SETOPT(h, CURLOPT_NOSIGNAL, 1L);
    HTTP_SETOPT(h, CURLOPT_ERRORBUFFER, c->curl_error);
    HTTP_SETOPT(h, CURLOPT_WRITEFUNCTION, http_write);
    HTTP_SETOPT(h, CURLOPT_WRITEDATA, sink);
    HTTP_SETOPT(h, CURLOPT_HTTPHEADER, headers);
    if (strcmp(method, "HEAD") == 0) {
        HTTP_SETOPT(h, CURLOPT_NOBODY, 1L);
    } else if (strcmp(method, "GET") != 0 || r->body != NULL) {
        if (r->body != NULL) {
            HTTP_SETOPT(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
            HTTP_SETOPT(h, CURLOPT_POSTFIELDS, r->body);
        }
        if (strcmp(method, "POST") != 0)
            HTTP_SETOPT(h, CURLOPT_CUSTOMREQUEST, method);
    }
    return cc;
}

/* Errors worth another attempt: the network or the server hiccuped. */
static int curl_retryable(CURLcode cc)
{
    switch (cc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return 1;
    default:
        return 0;
    }
}

/* Seconds a 429 asks us to wait, or -1 when it gives no usable
 * Retry-After (seconds or an HTTP-date). */
static double retry_after(CURL *h)
{
    struct curl_header *hdr = NULL;
    if (curl_easy_header(h, "Retry-After", 0, CURLH_HEADER, -1, &hdr) != CURLHE_OK || hdr == NULL)
        return -1;
    const char *v = hdr->value;
    while (*v == ' ' || *v == '\t')
        v++;
    if (isdigit((unsigned char)*v)) {
        char *end;
        double s = strtod(v, &end);
        while (*end == ' ' || *end == '\t')
            end++;
        return *end == '\0' ? s : -1;
    }
    time_t when = curl_getdate(v, NULL);
    if (when == (time_t)-1)
        return -1;
    double d = difftime(when, time(NULL));
    return d > 0 ? d : 0;
}

/* The k-th retry's delay (k >= 1): exponential, half of it random so that
 * clients that failed together do not retry together. */
static double backoff_s(http_client *c, int k)
{
    double d = c->opts.backoff_ms / 1000.0 * pow(c->opts.backoff_factor, k - 1);
    d = d / 2 + rng_double(&c->jitter) * d / 2;
    return d < c->opts.max_wait_s ? d : c->opts.max_wait_s;
}

/* One attempt, paced: sends r and leaves the curl result in *cc, the
 * status in out->status, the body in out->body.  Returns -1 only when the
 * request could not be set up at all. */
static int http_attempt(http_client *c, const http_req *r, const char *method,
                        struct curl_slist *headers, http_resp *out, CURLcode *cc,
                        int *over_cap, err *e)
{
    http_sink sink = {&out->body, 0};
    buf_reset(&out->body);
    if (http_setup(c, r, method, headers, &sink) != CURLE_OK)
        return err_setk(e, ERR_NETWORK, "cannot set up the request: %s",
                        c->curl_error[0] ? c->curl_error : "unsupported option");
    pacer_wait(c->pacer);
    *cc = curl_easy_perform(c->curl);
    c->requests++;
    pacer_complete(c->pacer);
    out->status = 0;
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &out->status);
    *over_cap = sink.over_cap;
    return 0;
}

int http_do(http_client *c, const http_req *r, http_resp *out, err *e)
{
    const char *method = r->method ? r->method : "GET";
    char shown[HTTP_URL_SHOWN], bare[HTTP_URL_SHOWN], cause[CURL_ERROR_SIZE + 64];
    http_url_for_log(r->url, shown, sizeof shown);
    http_url_no_query(r->url, bare, sizeof bare);
    buf_init(&out->body, c->opts.max_body);
    out->status = 0;
    int ok = 1, rc = -1, failures = 0, throttled = 0;
    struct curl_slist *headers = build_headers(r, &ok);
    if (!ok) {
        err_set(e, "out of memory building request headers");
        goto out;
    }
    /* Every pass either returns or raises `failures` or `throttled`, each
     * capped, so the loop ends after max_attempts + max_429 + 1 passes. */
    for (;;) {
        CURLcode cc = CURLE_OK;
        int over_cap = 0;
        if (http_attempt(c, r, method, headers, out, &cc, &over_cap, e) != 0) {
            err_wrap(e, "%s %s", method, shown);
            goto out;
        }
        if (over_cap) {
            err_setk(e, ERR_NETWORK, "%s %s: response body exceeds the limit of %zu bytes", method,
                     shown, c->opts.max_body);
            goto out;
        }
        if (cc != CURLE_OK) {
            snprintf(cause, sizeof cause, "%s", c->curl_error[0] ? c->curl_error : curl_easy_strerror(cc));
            if (!curl_retryable(cc)) {
                err_setk(e, ERR_NETWORK, "%s %s failed: %s", method, shown, cause);
                goto out;
            }
        } else if (out->status == 429) {
            if (throttled >= c->opts.max_429) {
                err_setk(e, ERR_NETWORK, "%s %s: still HTTP 429 (too many requests) after %d waits",
                         method, shown, throttled);
                goto out;
            }
            throttled++;
            double wait = retry_after(c->curl);
            const char *why = "Retry-After";
            if (wait < 0) {
                wait = backoff_s(c, throttled);
                why = "backoff";
            }
            if (wait > c->opts.max_wait_s)
                wait = c->opts.max_wait_s;
            log_warn("%s %s: HTTP 429, waiting %.1f s (%s; wait %d of %d)", method, bare, wait, why,
                     throttled, c->opts.max_429);
            pacer_sleep(c->pacer, wait);
            continue;
        } else if (out->status >= 500) {
            snprintf(cause, sizeof cause, "HTTP %ld", out->status);
        } else if (out->status / 100 == 2 && r->valid != NULL && r->valid(&out->body, r->valid_ctx) != 0) {
            snprintf(cause, sizeof cause, "HTTP %ld with a malformed body", out->status);
        } else {
            rc = 0;
            goto out;
        }
        failures++;
        if (failures >= c->opts.max_attempts) {
            err_setk(e, ERR_NETWORK, "%s %s failed after %d attempts: %s", method, shown, failures, cause);
            goto out;
        }
        double wait = backoff_s(c, failures);
        log_warn("%s %s: %s; retrying in %.2f s (attempt %d of %d)", method, bare, cause, wait,
                 failures + 1, c->opts.max_attempts);
        pacer_sleep(c->pacer, wait);
    }
out:
    curl_slist_free_all(headers);
    if (rc != 0)
        buf_release(&out->body);
    return rc;
}

int http_last_header(http_client *c, const char *name, char *out, size_t n)
{
    struct curl_header *hdr = NULL;
    if (n > 0)
        out[0] = '\0';
    if (curl_easy_header(c->curl, name, 0, CURLH_HEADER, -1, &hdr) != CURLHE_OK || hdr == NULL ||
        strlen(hdr->value) >= n)
        return -1;
    strcpy(out, hdr->value);
    return 0;
}
