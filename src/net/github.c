#include "net/github.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "core/jsonfile.h"
#include "core/log.h"
#include "net/http.h"

#define GITHUB_PER_PAGE 100
#define GITHUB_LINK_MAX 8192
#define GITHUB_URL_MAX 4096
#define GITHUB_SHOWN 512
/* A whole download attempt: archives run to hundreds of megabytes. */
#define GITHUB_DOWNLOAD_TIMEOUT_MS 600000L

struct github_client {
    http_client *http;  /* GET and PATCH: retried on 5xx and network errors */
    http_client *once;  /* POST: one attempt, a retried create could post twice */
    char *api;          /* the API root, no trailing slash */
    char *origin;       /* "scheme://host:port", lowercase */
    char *auth;         /* "Authorization: Bearer <token>" */
    char repo[256];
    pacer_clock clock;
    int has_clock;
    double max_wait_s;
    double backoff_ms;  /* first retry delay, for the download clients too */
    int max_pages;
    github_failure failure;
};

void github_env_from_environ(github_env *env)
{
    memset(env, 0, sizeof *env);
    env->api_url = getenv("GITHUB_API_URL");
    env->repository = getenv("GITHUB_REPOSITORY");
}

/* "scheme://host:port" of url, lowercase, with the scheme's default port
 * spelled out, so equal origins compare equal as strings.  Only http and
 * https.  Returns a malloc'ed string or NULL. */
static char *origin_of(const char *url)
{
    CURLU *h = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL, *out = NULL;
    if (h != NULL && curl_url_set(h, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(h, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(h, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
        (strcasecmp(scheme, "http") == 0 || strcasecmp(scheme, "https") == 0)) {
        size_t n = strlen(scheme) + strlen(host) + strlen(port) + 5;
        out = malloc(n);
        if (out != NULL) {
            snprintf(out, n, "%s://%s:%s", scheme, host, port);
            for (char *p = out; *p; p++)
                *p = (char)tolower((unsigned char)*p);
        }
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(h);
    return out;
}

int github_same_origin(const github_client *g, const char *url)
{
    char *o = origin_of(url);
    int same = o != NULL && strcmp(o, g->origin) == 0;
    free(o);
    return same;
}

/* GitHub's rules: owners are letters, digits and '-'; repository names
 * add '.' and '_' but are never "." or "..". */
static int repository_ok(const char *r)
{
    const char *slash = r ? strchr(r, '/') : NULL;
    if (slash == NULL || slash == r || slash - r > 39)
        return 0;
    for (const char *p = r; p < slash; p++)
        if (!isalnum((unsigned char)*p) && *p != '-')
            return 0;
    const char *name = slash + 1;
    size_t len = strlen(name);
    if (len == 0 || len > 100 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return 0;
    return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == len;
}

static int token_ok(const char *t, err *e)
{
    if (t == NULL || t[0] == '\0')
        return err_setk(e, ERR_INPUT, "input 'github-token' is empty: a token is needed for the GitHub "
                                      "API (the action's default is ${{ github.token }})");
    for (const unsigned char *p = (const unsigned char *)t; *p; p++)
        if (*p < 0x21 || *p == 0x7F)
            return err_setk(e, ERR_INPUT, "input 'github-token' holds a space or control character "
                                          "(expected a token, e.g. ${{ github.token }})");
    return 0;
}

static int api_url_set(github_client *g, const char *api, err *e)
{
    if (api == NULL || api[0] == '\0')
        api = GITHUB_API_DEFAULT;
    size_t len = strlen(api);
    while (len > 0 && api[len - 1] == '/')
        len--;
    g->api = strndup(api, len);
    if (g->api == NULL)
        return err_set(e, "out of memory");
    g->origin = origin_of(g->api);
    if (g->origin == NULL || strpbrk(g->api, "?#") != NULL)
        return err_setk(e, ERR_INPUT, "GITHUB_API_URL '%s' is not an http(s) URL without a query "
                                      "(expected e.g. %s)", api, GITHUB_API_DEFAULT);
    return 0;
}

/* http's defaults, with 429 waits bounded like the client's own
 * rate-limit waits (http's defaults allow minutes of them). */
static void github_http_opts(const github_client *g, http_opts *o)
{
    http_opts_default(o);
    o->max_429 = GITHUB_RATE_WAITS;
    o->max_wait_s = g->max_wait_s;
}

github_client *github_new(const github_env *env, err *e)
{
    if (token_ok(env->token, e) != 0)
        return NULL;
    if (!repository_ok(env->repository)) {
        err_setk(e, ERR_INPUT, "GITHUB_REPOSITORY '%s' is not 'owner/name'",
                 env->repository ? env->repository : "");
        return NULL;
    }
    github_client *g = calloc(1, sizeof *g);
    if (g == NULL) {
        err_set(e, "out of memory for a GitHub client");
        return NULL;
    }
    snprintf(g->repo, sizeof g->repo, "%s", env->repository);
    if (env->clock != NULL) {
        g->clock = *env->clock;
        g->has_clock = 1;
    }
    g->max_wait_s = env->max_wait_s > 0 ? env->max_wait_s : GITHUB_MAX_WAIT_S;
    g->max_pages = env->max_pages > 0 ? env->max_pages : GITHUB_MAX_PAGES;
    size_t alen = strlen(env->token) + 32;
    g->auth = malloc(alen);
    if (g->auth == NULL) {
        err_set(e, "out of memory for a GitHub client");
        goto fail;
    }
    snprintf(g->auth, alen, "Authorization: Bearer %s", env->token);
    if (api_url_set(g, env->api_url, e) != 0)
        goto fail;
    http_opts o;
    github_http_opts(g, &o);
    if (env->backoff_ms > 0)
        o.backoff_ms = env->backoff_ms;
    g->backoff_ms = o.backoff_ms;
    g->http = http_new_clocked(&o, env->clock, e);
    o.max_attempts = 1;
    g->once = g->http ? http_new_clocked(&o, env->clock, e) : NULL;
    if (g->once == NULL)
        goto fail;
    return g;
fail:
    github_free(g);
    return NULL;
}

void github_free(github_client *g)
{
    if (g == NULL)
        return;
    http_free(g->http);
    http_free(g->once);
    free(g->api);
    free(g->origin);
    if (g->auth != NULL) {
        /* The token should not linger in freed memory. */
        memset(g->auth, 0, strlen(g->auth));
        free(g->auth);
    }
    free(g);
}

github_failure github_last_failure(const github_client *g)
{
    return g->failure;
}

int github_explain(const github_client *g, const github_hints *h, err *e, const char *fmt, ...)
{
    const char *hint = NULL;
    switch (g->failure) {
    case GITHUB_UNAUTHORIZED:
        hint = h->unauthorized;
        break;
    case GITHUB_FORBIDDEN:
        hint = h->forbidden;
        break;
    case GITHUB_NOT_FOUND:
        hint = h->not_found;
        break;
    case GITHUB_GONE:
        hint = h->gone;
        break;
    default:
        break;
    }
    if (e == NULL)
        return -1;
    char context[512], cause[ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(context, sizeof context, fmt, ap);
    va_end(ap);
    memcpy(cause, e->msg, sizeof cause);
    return err_setk(e, hint ? ERR_INPUT : ERR_NETWORK, "%s: %.600s%s%s%s", context, cause,
                    hint ? " (" : "", hint ? hint : "", hint ? ")" : "");
}

const char *github_repository(const github_client *g)
{
    return g->repo;
}

const char *github_api_url(const github_client *g)
{
    return g->api;
}

static void github_sleep(const github_client *g, double s)
{
    if (g->has_clock) {
        g->clock.sleep(g->clock.ctx, s);
        return;
    }
    struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Seconds a rate-limited answer (403 or 429 with Retry-After or
 * x-ratelimit-remaining: 0) asks to wait, or -1 when it is no rate limit.
 * GitHub's advice without a usable header: wait a minute. */
static double rate_limit_wait(http_client *h, long status)
{
    char v[64];
    if (status != 403 && status != 429)
        return -1;
    if (http_last_header(h, "Retry-After", v, sizeof v) == 0) {
        char *end;
        double s = strtod(v, &end);
        return end != v && *end == '\0' && isfinite(s) && s >= 0 ? s : 60;
    }
    if (http_last_header(h, "x-ratelimit-remaining", v, sizeof v) != 0 || strcmp(v, "0") != 0)
        return -1;
    if (http_last_header(h, "x-ratelimit-reset", v, sizeof v) == 0) {
        char *end;
        double reset = strtod(v, &end);
        if (end != v && *end == '\0' && isfinite(reset)) {
            double s = difftime((time_t)reset, time(NULL)) + 1;
            return s > 0 ? s : 1;
        }
    }
    return 60;
}

/* GitHub's "message" of an error answer, trimmed and without control
 * characters (it ends up in an annotation), or "" when there is none. */
static void error_message(const buf *body, char *out, size_t n)
{
    out[0] = '\0';
    cJSON *j = body->len ? cJSON_ParseWithLength(body->data, body->len) : NULL;
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message");
    if (cJSON_IsString(m)) {
        snprintf(out, n, "%s", m->valuestring);
        for (char *p = out; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7F)
                *p = ' ';
    }
    cJSON_Delete(j);
}

static github_failure failure_of(long status)
{
    switch (status) {
    case 401:
        return GITHUB_UNAUTHORIZED;
    case 403:
        return GITHUB_FORBIDDEN;
    case 404:
        return GITHUB_NOT_FOUND;
    case 410:
        return GITHUB_GONE;
    default:
        return GITHUB_FAILED;
    }
}

/* The headers of every API request, plus `extra` (may be NULL), into
 * h[5], NULL-terminated. */
static void api_headers(const github_client *g, const char *h[5], const char *extra)
{
    h[0] = "Accept: application/vnd.github+json";
    h[1] = "X-GitHub-Api-Version: " GITHUB_API_VERSION;
    h[2] = g->auth;
    h[3] = extra;
    h[4] = NULL;
}

/* Starts a call that sends the token to url: shown gets the URL without
 * its query (GITHUB_SHOWN bytes), the failure is preset, and a URL off
 * the API's origin is refused. */
static int token_gate(github_client *g, const char *url, char *shown, err *e)
{
    http_url_no_query(url, shown, GITHUB_SHOWN);
    g->failure = GITHUB_FAILED;
    if (!github_same_origin(g, url))
        return err_setk(e, ERR_NETWORK, "refusing to send the GitHub token to '%s': it is not on the "
                                        "API's origin %s", shown, g->origin);
    return 0;
}

/* "METHOD URL: HTTP status: GitHub's message" for a final non-2xx answer. */
static int answer_error(const char *method, const char *shown, const http_resp *resp, err *e)
{
    char msg[256];
    error_message(&resp->body, msg, sizeof msg);
    return err_setk(e, ERR_NETWORK, "%s %s: HTTP %ld%s%s", method, shown, resp->status, msg[0] ? ": " : "",
                    msg);
}

/* The answer to one request, rate limits waited out.  Returns 0 with a
 * final answer in *resp (any status), or -1 with e set. */
static int call_answer(github_client *g, http_client *h, const http_req *r, const char *shown,
                       http_resp *resp, err *e)
{
    for (int waits = 0;; waits++) {
        if (http_do(h, r, resp, e) != 0) {
            g->failure = resp->status == 429 ? GITHUB_RATE_LIMITED : GITHUB_FAILED;
            return -1;
        }
        double wait = rate_limit_wait(h, resp->status);
        if (wait < 0)
            return 0;
        buf_release(&resp->body);
        if (waits >= GITHUB_RATE_WAITS || wait > g->max_wait_s) {
            g->failure = GITHUB_RATE_LIMITED;
            return err_setk(e, ERR_NETWORK, "%s %s: GitHub API rate limit exceeded (HTTP %ld; it asks "
                                            "to wait %.0f s, after %d waits; at most %.0f s each)",
                            r->method, shown, resp->status, wait, waits, g->max_wait_s);
        }
        log_warn("%s %s: GitHub API rate limit (HTTP %ld), waiting %.0f s", r->method, shown,
                 resp->status, wait);
        github_sleep(g, wait);
    }
}

int github_call(github_client *g, const char *method, const char *url, const cJSON *body,
                long *status, cJSON **json, err *e)
{
    char shown[GITHUB_SHOWN];
    *json = NULL;
    *status = 0;
    if (token_gate(g, url, shown, e) != 0)
        return -1;
    char *text = body ? cJSON_PrintUnformatted(body) : NULL;
    if (body != NULL && text == NULL)
        return err_set(e, "%s %s: out of memory", method, shown);
    const char *headers[5];
    api_headers(g, headers, text ? "Content-Type: application/json" : NULL);
    http_req r = {.method = method, .url = url, .headers = headers, .body = text,
                  .body_len = text ? strlen(text) : 0};
    http_resp resp;
    int rc = call_answer(g, strcmp(method, "POST") == 0 ? g->once : g->http, &r, shown, &resp, e);
    cJSON_free(text);
    if (rc != 0)
        return -1;
    *status = resp.status;
    if (resp.status / 100 != 2) {
        g->failure = failure_of(resp.status);
        rc = answer_error(method, shown, &resp, e);
    } else if (resp.body.len > 0) {
        char what[GITHUB_SHOWN + 64];
        snprintf(what, sizeof what, "the answer to %s %s", method, shown);
        *json = jsonfile_parse(resp.body.data, resp.body.len, what, e);
        if (*json == NULL) {
            rc = -1;
            if (e != NULL)
                e->kind = ERR_NETWORK; /* a broken answer, not broken local data */
        }
    }
    if (rc == 0)
        g->failure = GITHUB_OK;
    buf_release(&resp.body);
    return rc;
}

/* ---- downloads ---------------------------------------------------------- */

static int is_redirect(long status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* The absolute URL of Location value loc as seen from base, into a
 * malloc'ed string; NULL when it cannot be resolved or is not http(s). */
static char *resolve_location(const char *base, const char *loc)
{
    CURLU *h = curl_url();
    char *full = NULL, *out = NULL;
    if (h != NULL && curl_url_set(h, CURLUPART_URL, base, 0) == CURLUE_OK &&
        curl_url_set(h, CURLUPART_URL, loc, 0) == CURLUE_OK &&
        curl_url_get(h, CURLUPART_URL, &full, 0) == CURLUE_OK) {
        char *o = origin_of(full);
        if (o != NULL)
            out = strdup(full);
        free(o);
    }
    curl_free(full);
    curl_url_cleanup(h);
    return out;
}

/* One hop of a download: hop 0 (the API) gets the token and the API
 * headers, later hops nothing but the User-Agent.  Returns 0 with the
 * final answer in *resp, or -1. */
static int download_hop(github_client *g, http_client *dl, const char *url, int hop, http_resp *resp,
                        err *e)
{
    const char *headers[5];
    api_headers(g, headers, NULL);
    http_req r = {.method = "GET", .url = url, .headers = hop == 0 ? headers : NULL, .no_follow = 1};
    char shown[GITHUB_SHOWN];
    http_url_no_query(url, shown, sizeof shown);
    return call_answer(g, dl, &r, shown, resp, e);
}

int github_download(github_client *g, const char *url, size_t cap, buf *out, err *e)
{
    char shown[GITHUB_SHOWN];
    if (token_gate(g, url, shown, e) != 0)
        return -1;
    http_opts o;
    github_http_opts(g, &o);
    o.backoff_ms = g->backoff_ms;
    o.max_body = cap;
    o.timeout_ms = GITHUB_DOWNLOAD_TIMEOUT_MS;
    http_client *dl = http_new_clocked(&o, g->has_clock ? &g->clock : NULL, e);
    char *cur = strdup(url);
    char *loc = malloc(GITHUB_URL_MAX);
    int rc = -1;
    if (dl == NULL || cur == NULL || loc == NULL) {
        if (dl != NULL)
            err_set(e, "out of memory");
        goto out;
    }
    for (int hop = 0;; hop++) {
        http_resp resp;
        http_url_no_query(cur, shown, sizeof shown);
        if (download_hop(g, dl, cur, hop, &resp, e) != 0)
            goto out;
        long status = resp.status;
        if (status / 100 == 2) {
            rc = buf_append(out, resp.body.data, resp.body.len, e);
            buf_release(&resp.body);
            break;
        }
        if (!is_redirect(status)) {
            /* Past the API, a refusal is the storage's, not the token's. */
            g->failure = hop == 0 ? failure_of(status) : GITHUB_FAILED;
            answer_error("GET", shown, &resp, e);
            buf_release(&resp.body);
            goto out;
        }
        buf_release(&resp.body);
        if (hop >= GITHUB_MAX_HOPS) {
            err_setk(e, ERR_NETWORK, "GET %s: more than %d redirects", shown, GITHUB_MAX_HOPS);
            goto out;
        }
        char *next = NULL;
        if (http_last_header(dl, "Location", loc, GITHUB_URL_MAX) == 0)
            next = resolve_location(cur, loc);
        if (next == NULL) {
            err_setk(e, ERR_NETWORK, "GET %s: HTTP %ld without a usable http(s) Location", shown, status);
            goto out;
        }
        free(cur);
        cur = next;
    }
    if (rc == 0)
        g->failure = GITHUB_OK;
out:
    http_free(dl);
    free(cur);
    free(loc);
    return rc;
}

/* ---- Link headers ------------------------------------------------------ */

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* The value of a link parameter at p (quoted or a token) into out (size n,
 * cut when longer); returns where it ends. */
static const char *param_value(const char *p, char *out, size_t n)
{
    size_t o = 0;
    if (*p == '"') {
        for (p++; *p && *p != '"'; p++) {
            if (*p == '\\' && p[1])
                p++;
            if (o + 1 < n)
                out[o++] = *p;
        }
        if (*p == '"')
            p++;
    } else {
        for (; *p && *p != ';' && *p != ',' && *p != ' ' && *p != '\t'; p++)
            if (o + 1 < n)
                out[o++] = *p;
    }
    out[o] = '\0';
    return p;
}

/* 1 when the space-separated relation list rels holds rel. */
static int rel_listed(const char *rels, const char *rel)
{
    size_t len = strlen(rel);
    for (const char *p = rels; *p;) {
        p = skip_ws(p);
        size_t w = strcspn(p, " \t");
        if (w == len && strncasecmp(p, rel, len) == 0)
            return 1;
        p += w;
    }
    return 0;
}

int github_link_rel(const char *link, const char *rel, char *out, size_t n)
{
    const char *p = link;
    while (*(p = skip_ws(p)) != '\0') {
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p != '<')
            return -1;
        const char *end = strchr(p + 1, '>');
        if (end == NULL)
            return -1;
        const char *url = p + 1;
        size_t url_len = (size_t)(end - url);
        int match = 0;
        for (p = skip_ws(end + 1); *p == ';'; p = skip_ws(p)) {
            p = skip_ws(p + 1);
            size_t name_len = strcspn(p, "=;, \t");
            int is_rel = name_len == 3 && strncasecmp(p, "rel", 3) == 0;
            p = skip_ws(p + name_len);
            if (*p != '=')
                continue;
            char value[256];
            p = param_value(skip_ws(p + 1), value, sizeof value);
            if (is_rel && rel_listed(value, rel))
                match = 1;
        }
        if (match) {
            if (url_len >= n)
                return -1;
            memcpy(out, url, url_len);
            out[url_len] = '\0';
            return 0;
        }
        /* Skip whatever this link-value has left up to the next one. */
        while (*p && *p != ',')
            p++;
    }
    return -1;
}

/* ---- paged lists ------------------------------------------------------- */

/* Calls fn on every item of one page's answer; *count gets the items,
 * *total the object's total_count (-1 without key).  Returns 0, 1 (fn
 * stopped) or -1. */
static int list_page(const cJSON *json, const char *key, const char *shown, github_item_fn fn,
                     void *ctx, int *count, double *total, err *e)
{
    const cJSON *arr = key ? cJSON_GetObjectItemCaseSensitive(json, key) : json;
    *total = -1;
    if (!cJSON_IsArray(arr))
        return err_setk(e, ERR_NETWORK, "GET %s: the answer has no list%s%s", shown, key ? " " : "",
                        key ? key : "");
    if (key != NULL) {
        const cJSON *tc = cJSON_GetObjectItemCaseSensitive(json, "total_count");
        if (!cJSON_IsNumber(tc) || tc->valuedouble < 0)
            return err_setk(e, ERR_NETWORK, "GET %s: the answer has no total_count", shown);
        *total = tc->valuedouble;
    }
    *count = cJSON_GetArraySize(arr);
    const cJSON *item;
    cJSON_ArrayForEach(item, arr)
    {
        int rc = fn(item, ctx, e);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int github_list(github_client *g, const char *url, const char *key, github_item_fn fn, void *ctx,
                err *e)
{
    char *cur = malloc(GITHUB_URL_MAX);
    char *link = malloc(GITHUB_LINK_MAX);
    double seen = 0;
    int rc = -1;
    if (cur == NULL || link == NULL) {
        err_set(e, "out of memory");
        goto out;
    }
    if (strlen(url) >= GITHUB_URL_MAX - 16) {
        err_set(e, "GitHub API URL too long");
        goto out;
    }
    strcpy(cur, url);
    for (int page = 1;; page++) {
        char shown[GITHUB_SHOWN];
        http_url_for_log(cur, shown, sizeof shown);
        if (page > g->max_pages) {
            log_warn("GET %s: stopped after %d pages (the limit)", shown, g->max_pages);
            rc = 0;
            goto out;
        }
        long status;
        cJSON *json = NULL;
        if (github_call(g, "GET", cur, NULL, &status, &json, e) != 0)
            goto out;
        int count = 0;
        double total = -1;
        int stop = list_page(json, key, shown, fn, ctx, &count, &total, e);
        cJSON_Delete(json);
        if (stop != 0) {
            rc = stop > 0 ? 0 : -1;
            goto out;
        }
        seen += count;
        if (http_last_header(g->http, "Link", link, GITHUB_LINK_MAX) == 0) {
            if (github_link_rel(link, "next", cur, GITHUB_URL_MAX) != 0)
                break;
            continue;
        }
        /* No Link header: count pages while they come back full. */
        if (count < GITHUB_PER_PAGE || (key != NULL && seen >= total))
            break;
        snprintf(cur, GITHUB_URL_MAX, "%s%cpage=%d", url, strchr(url, '?') ? '&' : '?', page + 1);
    }
    rc = 0;
out:
    free(cur);
    free(link);
    return rc;
}
