/* github: the GitHub REST API client the other github_* modules build on
 * (github_artifact: baseline models from other runs; github_comment: the
 * pull-request report), and the workflow's event payload.
 *
 * A client owns its HTTP clients (src/net/http.h: retries of 5xx and
 * network errors, 429 waits), the repository it works on and a copy of the
 * token.  Every call carries the headers GitHub's REST API documentation
 * (docs.github.com/rest) asks for:
 *   Accept: application/vnd.github+json
 *   X-GitHub-Api-Version: 2022-11-28
 *   Authorization: Bearer <token>
 *   User-Agent: f1-mlops/<version> (+project URL)
 * The token is sent to the API's own origin (scheme, host and port of
 * GITHUB_API_URL) and nowhere else: paging links and download URLs that
 * point elsewhere are refused, and redirects off the API are followed by
 * github_artifact without it.  The client never prints the token; masking
 * it (::add-mask:: inside Actions only) is the caller's job.
 *
 * Failures return -1 with the reason in the caller's err, and the client
 * remembers what kind of refusal it was (github_last_failure) so callers
 * can treat a read-only token differently from a broken one.  403
 * answers that are rate limits (x-ratelimit-remaining: 0, or Retry-After)
 * are waited out, bounded in count and length, not failed at once.
 *
 * Not thread-safe: one client per thread.  github_free(NULL) is a no-op. */
#ifndef F1_NET_GITHUB_H
#define F1_NET_GITHUB_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/buf.h"
#include "core/err.h"
#include "net/pacer.h"

#define GITHUB_API_DEFAULT "https://api.github.com"
#define GITHUB_API_VERSION "2022-11-28"
/* Pages read from one paged list at most (100 items each). */
#define GITHUB_MAX_PAGES 100
/* Longest single rate-limit wait, in seconds. */
#define GITHUB_MAX_WAIT_S 60.0
/* Rate-limit waits per call at most. */
#define GITHUB_RATE_WAITS 3

/* Where and as whom to call the API: borrowed strings, usually from the
 * environment (github_env_from_environ) and the github-token input. */
typedef struct {
    const char *api_url;      /* GITHUB_API_URL; NULL or "" = GITHUB_API_DEFAULT */
    const char *repository;   /* GITHUB_REPOSITORY, "owner/name" */
    const char *token;        /* the github-token input; required */
    /* Test hooks; github_env_from_environ() sets the real values. */
    const pacer_clock *clock; /* retry and rate-limit sleeps; NULL = really sleep */
    double max_wait_s;        /* longest rate-limit wait; 0 = GITHUB_MAX_WAIT_S */
    int max_pages;            /* pages per list; 0 = GITHUB_MAX_PAGES */
    double backoff_ms;        /* first retry delay of 5xx answers; 0 = http's default */
} github_env;

/* Fills env from GITHUB_API_URL and GITHUB_REPOSITORY (the token is the
 * caller's: it comes from an input).  Strings stay the environment's. */
void github_env_from_environ(github_env *env);

/* Why the client's last call failed. */
typedef enum {
    GITHUB_OK = 0,
    GITHUB_UNAUTHORIZED,  /* 401: a missing, expired or wrong token */
    GITHUB_FORBIDDEN,     /* 403, not a rate limit: the token lacks a permission
                           * ("Resource not accessible by integration": the
                           * read-only token of a pull request from a fork) */
    GITHUB_NOT_FOUND,     /* 404: no such repository, issue or artifact, or
                           * one the token cannot see */
    GITHUB_GONE,          /* 410: e.g. an expired artifact's archive */
    GITHUB_RATE_LIMITED,  /* a rate limit that outlasted the bounded waits */
    GITHUB_FAILED         /* anything else: network, 5xx, a malformed answer */
} github_failure;

typedef struct github_client github_client;

/* A client for env (copied: strings are duplicated).  Returns NULL with e
 * set (kind ERR_INPUT) when the token is empty or holds a control
 * character, GITHUB_REPOSITORY is not "owner/name", or GITHUB_API_URL is
 * not an http(s) URL; the messages name the variable or input. */
github_client *github_new(const github_env *env, err *e);
void github_free(github_client *g);

/* What the last call that failed failed with (GITHUB_OK after a call that
 * succeeded). */
github_failure github_last_failure(const github_client *g);

/* What each kind of refusal asks of the user, for github_explain (NULL =
 * nothing the user can do about it). */
typedef struct {
    const char *unauthorized;
    const char *forbidden;
    const char *not_found;
    const char *gone;
} github_hints;

/* Rewrites e (the failure of the client's last call) as
 * "<context>: <cause> (<hint>)", context printf-formatted.  Kind
 * ERR_INPUT when h has a hint for github_last_failure() (a refusal the
 * user can fix: token, permission, name), else ERR_NETWORK with no hint
 * (GitHub or the network failed).  Returns -1. */
int github_explain(const github_client *g, const github_hints *h, err *e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* "owner/name" of the client's repository. */
const char *github_repository(const github_client *g);

/* The API root without a trailing slash (e.g. "https://api.github.com"). */
const char *github_api_url(const github_client *g);

/* 1 when url is on the API's origin (same scheme, host and port), so it
 * may receive the token; 0 otherwise (also for anything unparsable). */
int github_same_origin(const github_client *g, const char *url);

/* One API call: method on url (absolute; on the API's origin, else
 * refused), with body (NULL = none) sent as JSON.  On a 2xx answer returns
 * 0 with the parsed JSON in *json (caller frees with cJSON_Delete; NULL
 * for an empty body) and *status set.  Otherwise returns -1 with e set
 * (kind ERR_NETWORK) naming the method, the URL without its query, the
 * status and GitHub's "message", and github_last_failure() set. */
int github_call(github_client *g, const char *method, const char *url, const cJSON *body,
                long *status, cJSON **json, err *e);

/* Redirects github_download follows at most. */
#define GITHUB_MAX_HOPS 3

/* GETs url (on the API's origin, else refused) with the token, without
 * letting libcurl follow redirects: a 3xx answer's Location (resolved
 * against the URL it came from; http or https only) is fetched without
 * the token and the API headers, and so on for at most GITHUB_MAX_HOPS
 * redirects.  So a signed download URL on another host never sees the
 * token.  Appends the final 2xx body to out; a body over cap bytes is an
 * error, not cut.  Returns 0, or -1 with e set (kind ERR_NETWORK) and
 * github_last_failure() set; the URLs in messages carry no query. */
int github_download(github_client *g, const char *url, size_t cap, buf *out, err *e);

/* Called for every item of a paged list: 0 = go on, 1 = stop (found what
 * it wanted), -1 = fail (with e set). */
typedef int (*github_item_fn)(const cJSON *item, void *ctx, err *e);

/* GETs url (which must ask for per_page=100 and no page) and the pages
 * after it, calling fn on every item: the array is the answer itself, or
 * its member `key` when key is not NULL (then the object's total_count is
 * read too).  The next page is the Link header's rel="next" (on the API's
 * origin only); an answer with no Link header at all goes on to page N+1
 * while pages come back full and, with key, fewer than total_count items
 * were seen.  At most env.max_pages pages: past that a warning is logged
 * and the list ends.  Returns 0, or -1 with e set by the call or by fn. */
int github_list(github_client *g, const char *url, const char *key, github_item_fn fn, void *ctx,
                err *e);

/* Copies the URL of relation `rel` out of a Link header value
 * (`<url>; rel="next", <url>; rel="last"`) into out (size n).  Returns 0,
 * or -1 when there is none or it does not fit. */
int github_link_rel(const char *link, const char *rel, char *out, size_t n);

/* ---- the event payload -------------------------------------------------- */

/* What f1-mlops reads from the event that triggered the workflow. */
typedef struct {
    char name[64];             /* GITHUB_EVENT_NAME ("" outside Actions) */
    long long pr_number;       /* pull_request.number on pull_request and
                                * pull_request_target events, else 0 */
    char default_branch[256];  /* repository.default_branch, "" when absent */
} github_event;

/* Reads the event: name is GITHUB_EVENT_NAME, path GITHUB_EVENT_PATH
 * (either may be NULL or "": no event, all fields empty).  Returns 0, or
 * -1 with e set (kind ERR_INPUT, naming GITHUB_EVENT_PATH) when the file
 * cannot be read, is not a JSON object, or a pull-request event has no
 * positive whole pull_request.number. */
int github_event_load(const char *name, const char *path, github_event *ev, err *e);

/* The repository's default branch: ev's when it has one (ev may be NULL),
 * else GET /repos/{owner}/{repo}.  Copies it into out (size n).  Returns
 * 0, or -1 with e set. */
int github_default_branch(github_client *g, const github_event *ev, char *out, size_t n, err *e);

#endif
