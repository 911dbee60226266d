/* http client against the loopback fixture server: retries and their
 * count, 429 waits, final 4xx, body cap, gzip, User-Agent, methods,
 * pacing of every attempt, URL redaction in logs. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "core/log.h"
#include "core/version.h"
#include "http_fixture.h"
#include "net/http.h"

static http_fixture srv;

/* Fake time: sleeping advances it, nothing blocks. */
typedef struct {
    double t;
} fake_time;

static double fake_now(void *ctx)
{
    return ((fake_time *)ctx)->t;
}

static void fake_sleep(void *ctx, double s)
{
    ((fake_time *)ctx)->t += s;
}

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void url(const char *path, char *out, size_t n)
{
    http_fixture_url(&srv, path, out, n);
}

/* Test options: quick backoff so failures cost milliseconds. */
static http_opts quick_opts(void)
{
    http_opts o;
    http_opts_default(&o);
    o.backoff_ms = 5;
    o.timeout_ms = 5000;
    return o;
}

/* GET path with client c; returns http_do's result, fills resp. */
static int get(http_client *c, const char *path, http_resp *resp, err *e)
{
    char u[256];
    url(path, u, sizeof u);
    http_req r = {.url = u};
    return http_do(c, &r, resp, e);
}

static long server_hits(http_client *c, const char *path, const char *key)
{
    char p[256];
    snprintf(p, sizeof p, "/hits?path=%s&key=%s", path, key);
    http_resp resp;
    err e;
    if (get(c, p, &resp, &e) != 0)
        return -1;
    long n = strtol(resp.body.data, NULL, 10);
    buf_release(&resp.body);
    return n;
}

static void test_defaults(void)
{
    http_opts o;
    http_opts_default(&o);
    CHECK_INT(o.connect_timeout_ms, 10000);
    CHECK_INT(o.timeout_ms, 60000);
    CHECK_INT(o.max_attempts, 5);
    CHECK_INT(o.max_429, 10);
    CHECK_NEAR(o.backoff_ms, 1000, 0);
    CHECK_NEAR(o.backoff_factor, 2, 0);
    CHECK_NEAR(o.max_wait_s, 120, 0);
    CHECK_INT(o.max_body, 64 << 20);
    CHECK_STR(o.user_agent, F1_USER_AGENT);
    CHECK_NEAR(o.per_second, 0, 0);
    CHECK_INT(o.per_hour, 0);
    err e;
    o.max_attempts = 0;
    CHECK(http_new(&o, &e) == NULL);
    CHECK_INT(e.kind, ERR_INPUT);
}

static void test_ok_and_final_4xx(void)
{
    http_opts o = quick_opts();
    err e;
    http_client *c = http_new(&o, &e);
    http_resp resp;
    CHECK_INT(get(c, "/ok", &resp, &e), 0);
    CHECK_INT(resp.status, 200);
    CHECK_STR(resp.body.data, "hello");
    CHECK_INT(http_request_count(c), 1);
    buf_release(&resp.body);

    CHECK_INT(get(c, "/status/404?key=nf", &resp, &e), 0);
    CHECK_INT(resp.status, 404);
    CHECK(strstr(resp.body.data, "status 404") != NULL);
    buf_release(&resp.body);
    CHECK_INT(http_request_count(c), 2);
    CHECK_INT(server_hits(c, "/status/404", "nf"), 1);

    CHECK_INT(get(c, "/status/400?key=br", &resp, &e), 0);
    CHECK_INT(resp.status, 400);
    buf_release(&resp.body);
    CHECK_INT(server_hits(c, "/status/400", "br"), 1);

    CHECK_INT(get(c, "/ok", &resp, &e), 0);
    CHECK_INT(resp.status, 200);
    CHECK_STR(resp.body.data, "hello");
    buf_release(&resp.body);
    http_free(c);
}

static void test_retries_5xx(void)
{
    http_opts o = quick_opts();
    fake_time ft = {0};
    pacer_clock clk = {fake_now, fake_sleep, &ft};
    err e;
    http_client *c = http_new_clocked(&o, &clk, &e);
    http_resp resp;
    CHECK_INT(get(c, "/flaky?key=a&fail=2", &resp, &e), 0);
    CHECK_INT(resp.status, 200);
    CHECK_STR(resp.body.data, "recovered");
    buf_release(&resp.body);
    CHECK_INT(http_request_count(c), 3);
    /* Two backoffs: 5 ms then 10 ms, each at least half of that. */
    CHECK(ft.t >= 0.0025 + 0.005 - 1e-12);
    CHECK(ft.t <= 0.005 + 0.010 + 1e-12);

    CHECK_INT(get(c, "/flaky?key=b&fail=1&code=503", &resp, &e), 0);
    CHECK_INT(resp.status, 200);
    buf_release(&resp.body);
    CHECK_INT(http_request_count(c), 5);

    CHECK_INT(get(c, "/flaky?key=c&fail=99", &resp, &e), -1);
    CHECK_INT(e.kind, ERR_NETWORK);
    CHECK(strstr(e.msg, "/flaky") != NULL);
    CHECK(strstr(e.msg, "HTTP 500") != NULL);
    CHECK(strstr(e.msg, "5 attempts") != NULL);
    CHECK_INT(http_request_count(c), 10);
    CHECK(resp.body.data == NULL);
    CHECK_INT(resp.status, 500); /* the last status, for callers that classify */
    http_free(c);
}

static void test_429(void)
{
    http_opts o = quick_opts();
    err e;
    http_client *c = http_new(&o, &e);
    http_resp resp;
    double t0 = mono_now();
    CHECK_INT(get(c, "/throttle?key=s&mode=secs", &resp, &e), 0);
    double waited = mono_now() - t0;
    CHECK_INT(resp.status, 200);
    CHECK_STR(resp.body.data, "after 429");
    buf_release(&resp.body);
    CHECK_INT(http_request_count(c), 2);
    CHECK_MSG(waited >= 1.0, "Retry-After: 1 honoured (waited %.3f s)", waited);

    t0 = mono_now();
    CHECK_INT(get(c, "/throttle?key=d&mode=date", &resp, &e), 0);
    waited = mono_now() - t0;
    CHECK_INT(resp.status, 200);
    buf_release(&resp.body);
    CHECK_MSG(waited >= 1.0, "Retry-After date honoured (waited %.3f s)", waited);
    http_free(c);

    /* No header: the backoff; max_429 = 0: give up at once. */
    fake_time ft = {0};
    pacer_clock clk = {fake_now, fake_sleep, &ft};
    c = http_new_clocked(&o, &clk, &e);
    CHECK_INT(get(c, "/throttle?key=n&mode=none", &resp, &e), 0);
    CHECK_INT(resp.status, 200);
    buf_release(&resp.body);
    CHECK(ft.t > 0 && ft.t <= 0.005 + 1e-12);
    http_free(c);
    o.max_429 = 0;
    c = http_new(&o, &e);
    CHECK_INT(get(c, "/throttle?key=z", &resp, &e), -1);
    CHECK_INT(e.kind, ERR_NETWORK);
    CHECK(strstr(e.msg, "429") != NULL);
    CHECK_INT(http_request_count(c), 1);
    http_free(c);

    /* Through the fake clock: exactly the Retry-After, or max_wait_s when
     * that is shorter. */
    o = quick_opts();
    ft.t = 0;
    c = http_new_clocked(&o, &clk, &e);
    CHECK_INT(get(c, "/throttle?key=exact&mode=secs", &resp, &e), 0);
    buf_release(&resp.body);
    CHECK_NEAR(ft.t, 1.0, 1e-12);
    http_free(c);
    o.max_wait_s = 0.25;
    ft.t = 0;
    c = http_new_clocked(&o, &clk, &e);
    CHECK_INT(get(c, "/throttle?key=cap&mode=secs", &resp, &e), 0);
    CHECK_INT(resp.status, 200);
    buf_release(&resp.body);
    CHECK_INT(http_request_count(c), 2);
    CHECK_NEAR(ft.t, 0.25, 1e-12);
    http_free(c);
}

static void test_transport_failures(void)
{
    http_opts o = quick_opts();
    err e;
    http_client *c = http_new(&o, &e);
    http_resp resp;
    CHECK_INT(get(c, "/truncated?key=t&fail=1", &resp, &e), 0);
    CHECK_INT(resp.status, 200);
    CHECK_STR(resp.body.data, "complete body");
    buf_release(&resp.body);
    CHECK_INT(http_request_count(c), 2);
    http_free(c);

    o.max_attempts = 2;
    c = http_new(&o, &e);
    CHECK_INT(get(c, "/truncated?key=t2&fail=9", &resp, &e), -1);
    CHECK_INT(e.kind, ERR_NETWORK);
    CHECK(strstr(e.msg, "2 attempts") != NULL);
    CHECK_INT(http_request_count(c), 2);
    http_free(c);

    o.timeout_ms = 300;
    c = http_new(&o, &e);
    CHECK_INT(get(c, "/slow?delay=3", &resp, &e), -1);
    CHECK_INT(e.kind, ERR_NETWORK);
    CHECK(strstr(e.msg, "/slow") != NULL);
    CHECK_MSG(strstr(e.msg, "imed out") != NULL, "timeout named: %s", e.msg);
    CHECK_INT(http_request_count(c), 2);
    http_free(c);

    o = quick_opts();
    o.max_attempts = 3;
    c = http_new(&o, &e);
    http_req r = {.url = "http://127.0.0.1:1/nothing-listens"};
    CHECK_INT(http_do(c, &r, &resp, &e), -1);
    CHECK_INT(e.kind, ERR_NETWORK);
    CHECK(strstr(e.msg, "127.0.0.1:1/nothing-listens") != NULL);
    CHECK_INT(http_request_count(c), 3);
    http_free(c);

    /* Not retryable: a scheme curl may not use. */
    c = http_new(&o, &e);
    r.url = "file:///etc/passwd";
    CHECK_INT(http_do(c, &r, &resp, &e), -1);
    CHECK_INT(http_request_count(c), 1);
    http_free(c);
}

static void test_body_cap_and_gzip(void)
{
    http_opts o = quick_opts();
    o.max_body = 100000;
    err e;
    http_client *c = http_new(&o, &e);
    http_resp resp;
    CHECK_INT(get(c, "/big?bytes=100000", &resp, &e), 0);
    CHECK_INT(resp.body.len, 100000);
    buf_release(&resp.body);
    CHECK_INT(get(c, "/big?bytes=100001", &resp, &e), -1);
    CHECK_INT(e.kind, ERR_NETWORK);
    CHECK(strstr(e.msg, "exceeds") != NULL);
    CHECK(strstr(e.msg, "/big") != NULL);
    CHECK_INT(http_request_count(c), 2); /* not retried */

    CHECK_INT(get(c, "/gzip", &resp, &e), 0);
    CHECK_INT(resp.body.len, 13 * 200);
    CHECK(strncmp(resp.body.data, "gzipped body gzipped body ", 26) == 0);
    buf_release(&resp.body);

    CHECK_INT(get(c, "/headers", &resp, &e), 0);
    cJSON *j = cJSON_Parse(resp.body.data);
    buf_release(&resp.body);
    CHECK(j != NULL);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(j, "user_agent")), F1_USER_AGENT);
    const char *ae = cJSON_GetStringValue(cJSON_GetObjectItem(j, "accept_encoding"));
    CHECK(ae != NULL && strstr(ae, "gzip") != NULL);
    cJSON_Delete(j);
    http_free(c);
}

static int json_valid(const buf *body, void *ctx)
{
    int *calls = ctx;
    (*calls)++;
    cJSON *j = cJSON_ParseWithLength(body->data, body->len);
    cJSON_Delete(j);
    return j != NULL ? 0 : -1;
}

static void test_valid_hook(void)
{
    http_opts o = quick_opts();
    o.max_attempts = 3;
    err e;
    http_client *c = http_new(&o, &e);
    int calls = 0;
    char u[256];
    url("/badbody?key=v&fail=1", u, sizeof u);
    http_req r = {.url = u, .valid = json_valid, .valid_ctx = &calls};
    http_resp resp;
    CHECK_INT(http_do(c, &r, &resp, &e), 0);
    CHECK_STR(resp.body.data, "{\"ok\": true}");
    buf_release(&resp.body);
    CHECK_INT(calls, 2);
    CHECK_INT(http_request_count(c), 2);

    url("/badbody?key=w&fail=9", u, sizeof u);
    calls = 0;
    CHECK_INT(http_do(c, &r, &resp, &e), -1);
    CHECK(strstr(e.msg, "malformed") != NULL);
    CHECK_INT(calls, 3);

    /* 4xx bodies are never judged. */
    url("/status/404", u, sizeof u);
    calls = 0;
    CHECK_INT(http_do(c, &r, &resp, &e), 0);
    CHECK_INT(resp.status, 404);
    CHECK_INT(calls, 0);
    buf_release(&resp.body);
    http_free(c);
}

static void test_methods(void)
{
    http_opts o = quick_opts();
    err e;
    http_client *c = http_new(&o, &e);
    char u[256];
    url("/echo", u, sizeof u);
    const char *const hdrs[] = {"X-Test: yes", NULL};
    http_req r = {.method = "PUT", .url = u, .headers = hdrs, .body = "12345", .body_len = 5};
    http_resp resp;
    CHECK_INT(http_do(c, &r, &resp, &e), 0);
    cJSON *j = cJSON_Parse(resp.body.data);
    buf_release(&resp.body);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(j, "method")), "PUT");
    CHECK_INT(cJSON_GetNumberValue(cJSON_GetObjectItem(j, "length")), 5);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(j, "content_type")), "application/octet-stream");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(j, "x_test")), "yes");
    cJSON_Delete(j);

    const char *const json_hdrs[] = {"Content-Type: application/json", NULL};
    http_req p = {.method = "POST", .url = u, .headers = json_hdrs, .body = "{}", .body_len = 2};
    CHECK_INT(http_do(c, &p, &resp, &e), 0);
    j = cJSON_Parse(resp.body.data);
    buf_release(&resp.body);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(j, "method")), "POST");
    CHECK_INT(cJSON_GetNumberValue(cJSON_GetObjectItem(j, "length")), 2);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(j, "content_type")), "application/json");
    cJSON_Delete(j);
    http_free(c);
}

static void test_pacing_every_attempt(void)
{
    http_opts o = quick_opts();
    o.per_second = 2;
    fake_time ft = {0};
    pacer_clock clk = {fake_now, fake_sleep, &ft};
    err e;
    http_client *c = http_new_clocked(&o, &clk, &e);
    http_resp resp;
    for (int i = 0; i < 5; i++) {
        CHECK_INT(get(c, "/ok", &resp, &e), 0);
        buf_release(&resp.body);
    }
    /* 2 per second: requests at 0, 0, 1, 1, 2. */
    CHECK_NEAR(ft.t, 2.0, 1e-9);
    http_free(c);

    o.per_second = 1;
    o.backoff_ms = 0;
    ft.t = 0;
    c = http_new_clocked(&o, &clk, &e);
    CHECK_INT(get(c, "/flaky?key=p&fail=2", &resp, &e), 0);
    buf_release(&resp.body);
    CHECK_INT(http_request_count(c), 3);
    /* The retries waited for the pacer although the backoff was 0. */
    CHECK_NEAR(ft.t, 2.0, 1e-9);
    http_free(c);

    o.per_second = 0;
    o.per_hour = 2;
    ft.t = 0;
    c = http_new_clocked(&o, &clk, &e);
    for (int i = 0; i < 3; i++) {
        CHECK_INT(get(c, "/ok", &resp, &e), 0);
        buf_release(&resp.body);
    }
    CHECK_NEAR(ft.t, 3600.0, 1e-9);
    http_free(c);
}

static void test_url_redaction(void)
{
    char out[256];
    http_url_for_log("https://acct.blob.core.windows.net/c/f1-model.zip?sv=2021&se=x&sig=SECRETSIG", out,
                     sizeof out);
    CHECK(strstr(out, "SECRETSIG") == NULL);
    CHECK_STR(out, "https://acct.blob.core.windows.net/c/f1-model.zip?[redacted]");
    http_url_for_log("https://api.jolpi.ca/ergast/f1/2024/results.json?limit=100&offset=200", out, sizeof out);
    CHECK_STR(out, "https://api.jolpi.ca/ergast/f1/2024/results.json?limit=100&offset=200");
    http_url_for_log("http://h/x?Token=abc", out, sizeof out);
    CHECK_STR(out, "http://h/x?[redacted]");
    http_url_no_query("http://h/a/b?c=d#e", out, sizeof out);
    CHECK_STR(out, "http://h/a/b");
    http_url_no_query("http://h/a/b", out, 5);
    CHECK_STR(out, "http");

    /* A retried signed URL: the warning names the path, never the query. */
    FILE *log = tmpfile();
    log_set_stream(log);
    http_opts o = quick_opts();
    o.max_attempts = 2;
    err e;
    http_client *c = http_new(&o, &e);
    http_resp resp;
    CHECK_INT(get(c, "/flaky?key=sig&fail=9&sig=SECRET123", &resp, &e), -1);
    CHECK(strstr(e.msg, "SECRET123") == NULL);
    CHECK(strstr(e.msg, "/flaky") != NULL);
    http_free(c);
    log_set_stream(NULL);
    rewind(log);
    char text[4096];
    size_t n = fread(text, 1, sizeof text - 1, log);
    text[n] = '\0';
    fclose(log);
    CHECK(strstr(text, "::warning::") != NULL);
    CHECK(strstr(text, "/flaky") != NULL);
    CHECK(strstr(text, "SECRET123") == NULL);
}

int main(void)
{
    test_defaults();
    if (http_fixture_start(&srv, NULL) != 0) {
        CHECK_MSG(0, "cannot start unit/http_fixture_server.py");
        return check_done();
    }
    test_url_redaction();
    FILE *sink = tmpfile();
    log_set_stream(sink); /* retry warnings are expected here */
    test_ok_and_final_4xx();
    test_retries_5xx();
    test_429();
    test_transport_failures();
    test_body_cap_and_gzip();
    test_valid_hook();
    test_methods();
    test_pacing_every_attempt();
    log_set_stream(NULL);
    fclose(sink);
    http_fixture_stop(&srv);
    log_shutdown();
    return check_done();
}
