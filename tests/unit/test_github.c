/* github: the REST API building blocks of issue 13 against
 * unit/fake_github_api.py (GitHub's documented shapes, strict headers, a
 * blob host on another address): the baseline artifact (newest unexpired
 * default-branch one across pages, the token never reaching the blob
 * host, bad tokens and missing artifacts named after the input, hostile
 * redirects and links, size caps, rate limits), model.json out of the
 * archive (flat or nested), the sticky pull-request comment (one comment
 * updated in place among more than a page of others, only ever the
 * token's own: the identity from GET /user or the workflow bot, planted
 * marker comments by others left untouched; the read-only token's
 * distinct failure), Link parsing, markers and the event payload. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "fake_server.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "core/markdown.h"
#include "net/github.h"
#include "net/github_artifact.h"
#include "net/github_comment.h"
#include "net/http.h"
#include "zip_fixture.h"

/* ---- the fake ------------------------------------------------------------ */

static char dir[] = "/tmp/f1-github-XXXXXX";
/* The signature the fake's blob host checks (SIG in fake_github_api.py). */
static const char BLOB_SIG[] = "sv=2023-11-03&se=2030-01-01T00%3A00%3A00Z&sr=b&sp=r&sig=c2lnbmVk%2Bc2ln%3D";
/* The fake's API port, blob port and pid, as it writes them. */
static int fake[3];
#define api_port (fake[0])
#define blob_port (fake[1])

/* A control request to the fake; the body as a string (caller frees). */
static char *fake_control(const char *method, const char *path, const char *body)
{
    return fake_server_call(api_port, method, path, body, NULL);
}

static void fake_reset(void)
{
    free(fake_control("POST", "/_reset", "{}"));
}

/* Seeds repository `full` with the JSON object repo (consumed). */
static void fake_seed(const char *full, cJSON *repo)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON *repos = cJSON_AddObjectToObject(doc, "repos");
    cJSON_AddItemToObject(repos, full, repo);
    char *text = cJSON_PrintUnformatted(doc);
    free(fake_control("POST", "/_seed", text));
    cJSON_free(text);
    cJSON_Delete(doc);
}

/* Every logged request of `server` ("api" or "blob") whose path contains
 * part (NULL = all), as a new array. */
static cJSON *fake_log(const char *server, const char *part)
{
    char *text = fake_control("GET", "/_log", NULL);
    cJSON *all = text ? cJSON_Parse(text) : NULL;
    free(text);
    cJSON *out = cJSON_CreateArray();
    const cJSON *r;
    cJSON_ArrayForEach(r, all)
    {
        const char *s = cJSON_GetObjectItem(r, "server")->valuestring;
        const char *path = cJSON_GetObjectItem(r, "path")->valuestring;
        if (strcmp(s, server) == 0 && (part == NULL || strstr(path, part) != NULL))
            cJSON_AddItemToArray(out, cJSON_Duplicate(r, 1));
    }
    cJSON_Delete(all);
    return out;
}

static const char *header_of(const cJSON *entry, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(entry, "headers"), name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The comments of an issue as the fake stores them (caller frees). */
static cJSON *fake_comments(const char *full, int issue)
{
    char path[256];
    snprintf(path, sizeof path, "/_comments?repo=%s&issue=%d", full, issue);
    char *text = fake_control("GET", path, NULL);
    cJSON *out = text ? cJSON_Parse(text) : NULL;
    free(text);
    return out;
}

/* ---- clients ------------------------------------------------------------- */

static fake_clock clk;
static pacer_clock clock_hooks = {fake_now, fake_sleep, &clk};
static char api_url[64];

static github_client *client_for(const char *repo, const char *token)
{
    github_env env;
    memset(&env, 0, sizeof env);
    env.api_url = api_url;
    env.repository = repo;
    env.token = token;
    env.clock = &clock_hooks;
    env.backoff_ms = 1;
    memset(&clk, 0, sizeof clk);
    err e;
    github_client *g = github_new(&env, &e);
    if (g == NULL)
        printf("github_new: %s\n", e.msg);
    return g;
}

/* ---- seeds --------------------------------------------------------------- */

static void add_artifact(cJSON *list, long long id, const char *name, const char *created, const char *branch,
                         int expired, const char *zip)
{
    cJSON *a = cJSON_CreateObject();
    cJSON_AddNumberToObject(a, "id", (double)id);
    cJSON_AddStringToObject(a, "name", name);
    cJSON_AddStringToObject(a, "created_at", created);
    cJSON_AddStringToObject(a, "head_branch", branch);
    cJSON_AddBoolToObject(a, "expired", expired);
    if (zip != NULL)
        cJSON_AddStringToObject(a, "zip_path", zip);
    cJSON_AddItemToArray(list, a);
}

/* A zip at dir/name holding model.json = json; its path into out. */
static void model_zip(const char *name, const char *json, char *out, size_t n)
{
    snprintf(out, n, "%s/%s", dir, name);
    zip_fixture_member m[] = {{"model.json", json, strlen(json)}, {"metrics.json", "{}", 2}};
    if (zip_fixture_write(out, m, 2) != 0)
        printf("cannot write %s\n", out);
}

/* The usual repository: the wanted artifact (id 901, main) on page 2,
 * behind an expired newer one from main and 120 newer ones from a
 * feature branch; an older main one, one with the same time and a
 * smaller id, and a newer one of another name. */
static cJSON *baseline_repo(const char *default_branch, const char *zip_target, const char *zip_other)
{
    cJSON *repo = cJSON_CreateObject();
    cJSON_AddStringToObject(repo, "default_branch", default_branch);
    cJSON *arts = cJSON_AddArrayToObject(repo, "artifacts");
    add_artifact(arts, 2000, "f1-model", "2024-08-01T00:00:00Z", default_branch, 1, zip_other);
    for (int i = 0; i < 120; i++) {
        char when[32];
        snprintf(when, sizeof when, "2024-07-%02dT%02d:00:00Z", 1 + i % 28, i % 24);
        add_artifact(arts, 1000 + i, "f1-model", when, "feature/faster", 0, zip_other);
    }
    add_artifact(arts, 3000, "other-model", "2024-09-01T00:00:00Z", default_branch, 0, zip_other);
    add_artifact(arts, 901, "f1-model", "2024-06-01T12:00:00Z", default_branch, 0, zip_target);
    add_artifact(arts, 900, "f1-model", "2024-06-01T12:00:00Z", default_branch, 0, zip_other);
    add_artifact(arts, 800, "f1-model", "2024-05-01T12:00:00Z", default_branch, 0, zip_other);
    return repo;
}

/* A fresh fake holding only repository full, seeded with baseline_repo. */
static void seed_baseline(const char *full, const char *default_branch, int no_link)
{
    char target[256], other[256];
    fake_reset();
    model_zip("target.zip", "{\"model\":\"target\"}", target, sizeof target);
    model_zip("other.zip", "{\"model\":\"other\"}", other, sizeof other);
    cJSON *repo = baseline_repo(default_branch, target, other);
    if (no_link)
        cJSON_AddBoolToObject(repo, "no_link", 1);
    fake_seed(full, repo);
}

/* API requests whose path is exactly path. */
static int api_requests_to(const char *path)
{
    cJSON *log = fake_log("api", path);
    int n = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, log)
        n += strcmp(cJSON_GetObjectItem(r, "path")->valuestring, path) == 0;
    cJSON_Delete(log);
    return n;
}

/* ---- pure functions ------------------------------------------------------ */

static void test_link_rel(void)
{
    char out[256];
    const char *gh = "<https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=2>; "
                     "rel=\"next\", <https://api.github.com/repositories/1/issues/7/comments?per_page=100"
                     "&page=4>; rel=\"last\"";
    CHECK_INT(github_link_rel(gh, "next", out, sizeof out), 0);
    CHECK_STR(out, "https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=2");
    CHECK_INT(github_link_rel(gh, "last", out, sizeof out), 0);
    CHECK(strstr(out, "page=4") != NULL);
    CHECK_INT(github_link_rel(gh, "prev", out, sizeof out), -1);
    /* Several relations, other parameters first, unquoted, commas in the URL. */
    CHECK_INT(github_link_rel("<http://h/a,b?x=1>; title=\"a, b; c\"; REL=\"last next\"", "next", out,
                              sizeof out), 0);
    CHECK_STR(out, "http://h/a,b?x=1");
    CHECK_INT(github_link_rel("<http://h/p>;rel=next", "next", out, sizeof out), 0);
    CHECK_STR(out, "http://h/p");
    CHECK_INT(github_link_rel("<http://h/p>; rel=\"nextpage\"", "next", out, sizeof out), -1);
    CHECK_INT(github_link_rel("http://h/p; rel=\"next\"", "next", out, sizeof out), -1);
    CHECK_INT(github_link_rel("<http://h/p; rel=\"next\"", "next", out, sizeof out), -1);
    CHECK_INT(github_link_rel("", "next", out, sizeof out), -1);
    CHECK_INT(github_link_rel("<http://h/a-long-url>; rel=\"next\"", "next", out, 8), -1);
}

static void test_marker(void)
{
    buf b;
    buf_init(&b, 0);
    err e;
    CHECK_INT(github_comment_marker(&b, "f1-model", &e), 0);
    CHECK_STR(b.data, "<!-- f1-mlops:report:f1-model -->");
    buf_reset(&b);
    CHECK_INT(github_comment_marker(&b, "x -->\n<b>", &e), 0);
    CHECK_STR(b.data, "<!-- f1-mlops:report:x%20--%3E%0A%3Cb%3E -->");
    /* Only the marker's own end closes the comment. */
    CHECK(strstr(b.data, "-->") == b.data + b.len - 3);
    buf_reset(&b);
    github_comment_marker(&b, "a b", &e);
    char *one = buf_detach(&b);
    github_comment_marker(&b, "a%20b", &e);
    CHECK(one && b.data && strcmp(one, b.data) != 0);
    free(one);
    buf_release(&b);
}

static void write_text(const char *name, const char *text, char *path, size_t n)
{
    snprintf(path, n, "%s/%s", dir, name);
    err e;
    fs_write_atomic(path, text, strlen(text), &e);
}

static void test_event(void)
{
    char path[256];
    github_event ev;
    err e;
    write_text("pr.json", "{\"action\":\"synchronize\",\"number\":7,\"pull_request\":{\"number\":7,"
                          "\"base\":{\"ref\":\"main\"}},\"repository\":{\"full_name\":\"octo/f1\","
                          "\"default_branch\":\"trunk\"}}", path, sizeof path);
    CHECK_INT(github_event_load("pull_request", path, &ev, &e), 0);
    CHECK_INT(ev.pr_number, 7);
    CHECK_STR(ev.default_branch, "trunk");
    CHECK_STR(ev.name, "pull_request");
    CHECK_INT(github_event_load("pull_request_target", path, &ev, &e), 0);
    CHECK_INT(ev.pr_number, 7);
    /* Other events carry no pull request number for the comment. */
    CHECK_INT(github_event_load("push", path, &ev, &e), 0);
    CHECK_INT(ev.pr_number, 0);
    CHECK_STR(ev.default_branch, "trunk");
    CHECK_INT(github_event_load(NULL, NULL, &ev, &e), 0);
    CHECK_INT(ev.pr_number, 0);
    CHECK_STR(ev.default_branch, "");

    write_text("str.json", "{\"pull_request\":{\"number\":\"7\"}}", path, sizeof path);
    CHECK_INT(github_event_load("pull_request", path, &ev, &e), -1);
    CHECK_INT(e.kind, ERR_INPUT);
    CHECK(strstr(e.msg, "GITHUB_EVENT_PATH") != NULL && strstr(e.msg, "pull_request.number") != NULL);
    write_text("frac.json", "{\"pull_request\":{\"number\":7.5}}", path, sizeof path);
    CHECK_INT(github_event_load("pull_request", path, &ev, &e), -1);
    write_text("arr.json", "[1,2]", path, sizeof path);
    CHECK_INT(github_event_load("push", path, &ev, &e), -1);
    CHECK(strstr(e.msg, "not a JSON object") != NULL);
    write_text("bad.json", "{\"pull_request\":", path, sizeof path);
    CHECK_INT(github_event_load("push", path, &ev, &e), -1);
    CHECK_INT(e.kind, ERR_INPUT);
    CHECK(strstr(e.msg, "GITHUB_EVENT_PATH") != NULL);
    CHECK_INT(github_event_load("push", "/nonexistent/event.json", &ev, &e), -1);
    CHECK(strstr(e.msg, "GITHUB_EVENT_PATH") != NULL);
    /* A branch name with a control character is not taken. */
    write_text("ctl.json", "{\"repository\":{\"default_branch\":\"ma\\nin\"}}", path, sizeof path);
    CHECK_INT(github_event_load("push", path, &ev, &e), 0);
    CHECK_STR(ev.default_branch, "");
}

static void test_new_checks(void)
{
    github_env env;
    memset(&env, 0, sizeof env);
    env.repository = "octo/f1";
    err e;
    env.token = "";
    CHECK(github_new(&env, &e) == NULL);
    CHECK(e.kind == ERR_INPUT && strstr(e.msg, "input 'github-token' is empty") != NULL);
    env.token = "ghs_x\r\nX-Evil: 1";
    CHECK(github_new(&env, &e) == NULL);
    CHECK(strstr(e.msg, "github-token") != NULL && strstr(e.msg, "X-Evil") == NULL);
    env.token = "ghs_write";
    const char *bad_repos[] = {"octo", "octo/", "/f1", "octo/f1/x", "oc to/f1", "octo/..", "octo/f1?x", NULL};
    for (int i = 0; bad_repos[i]; i++) {
        env.repository = bad_repos[i];
        CHECK_MSG(github_new(&env, &e) == NULL, "repository '%s' accepted", bad_repos[i]);
        CHECK(strstr(e.msg, "GITHUB_REPOSITORY") != NULL);
    }
    env.repository = "octo-org/f1.mlops_x";
    env.api_url = "ftp://example.com";
    CHECK(github_new(&env, &e) == NULL);
    CHECK(strstr(e.msg, "GITHUB_API_URL") != NULL);
    env.api_url = "https://ghe.example.com/api/v3/";
    github_client *g = github_new(&env, &e);
    CHECK(g != NULL);
    if (g != NULL) {
        CHECK_STR(github_api_url(g), "https://ghe.example.com/api/v3");
        CHECK_INT(github_same_origin(g, "https://GHE.example.com:443/api/v3/x"), 1);
        CHECK_INT(github_same_origin(g, "http://ghe.example.com/api/v3/x"), 0);
        CHECK_INT(github_same_origin(g, "https://ghe.example.com:8443/x"), 0);
        CHECK_INT(github_same_origin(g, "https://ghe.example.com.evil.io/x"), 0);
        CHECK_INT(github_same_origin(g, "file:///etc/passwd"), 0);
    }
    github_free(g);
    github_free(NULL);
}

static void test_model_json(void)
{
    char flat[256], nested[256], none[256], inner[256];
    model_zip("flat.zip", "{\"model\":\"flat\"}", flat, sizeof flat);
    /* actions/upload-artifact style: a zip of the uploaded f1-model.zip. */
    model_zip("inner.zip", "{\"model\":\"nested\"}", inner, sizeof inner);
    size_t len = 0;
    unsigned char *bytes = zip_fixture_slurp(inner, &len);
    snprintf(nested, sizeof nested, "%s/nested.zip", dir);
    zip_fixture_member m[] = {{"f1-model.zip", bytes, len}};
    CHECK_INT(zip_fixture_write(nested, m, 1), 0);
    free(bytes);
    snprintf(none, sizeof none, "%s/none.zip", dir);
    zip_fixture_member other[] = {{"README.md", "hi", 2}};
    CHECK_INT(zip_fixture_write(none, other, 1), 0);

    buf b;
    buf_init(&b, 0);
    err e;
    CHECK_INT(github_artifact_model_json(flat, 0, &b, &e), 0);
    CHECK_STR(b.data, "{\"model\":\"flat\"}");
    buf_reset(&b);
    CHECK_INT(github_artifact_model_json(nested, 0, &b, &e), 0);
    CHECK_STR(b.data, "{\"model\":\"nested\"}");
    buf_reset(&b);
    CHECK_INT(github_artifact_model_json(none, 0, &b, &e), -1);
    CHECK(e.kind == ERR_INPUT && strstr(e.msg, "input 'baseline-model'") != NULL &&
          strstr(e.msg, "neither model.json nor f1-model.zip") != NULL);
    buf_reset(&b);
    /* The cap holds for the nested model too. */
    CHECK_INT(github_artifact_model_json(nested, 10, &b, &e), -1);
    CHECK(strstr(e.msg, "input 'baseline-model'") != NULL && strstr(e.msg, "more than the limit of 10") != NULL);
    buf_reset(&b);
    CHECK_INT(github_artifact_model_json("/nonexistent.zip", 0, &b, &e), -1);
    CHECK(e.kind == ERR_INPUT && strstr(e.msg, "input 'baseline-model'") != NULL);
    buf_release(&b);
}

/* ---- baseline artifacts -------------------------------------------------- */

/* Every API request carried GitHub's headers and the token; the blob host
 * got no request with an Authorization header or the token anywhere. */
static void check_headers_and_token(const char *token)
{
    cJSON *api = fake_log("api", NULL);
    char auth[128];
    snprintf(auth, sizeof auth, "Bearer %s", token);
    int n = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, api)
    {
        const char *ua = header_of(r, "user-agent");
        CHECK(ua != NULL && strncmp(ua, "f1-mlops/", 9) == 0);
        CHECK_STR(header_of(r, "accept"), "application/vnd.github+json");
        CHECK_STR(header_of(r, "x-github-api-version"), "2022-11-28");
        CHECK_STR(header_of(r, "authorization"), auth);
        n++;
    }
    CHECK(n > 0);
    cJSON_Delete(api);
    cJSON *blob = fake_log("blob", NULL);
    CHECK(cJSON_GetArraySize(blob) > 0);
    cJSON_ArrayForEach(r, blob)
    {
        CHECK(header_of(r, "authorization") == NULL);
        char *text = cJSON_PrintUnformatted(r);
        CHECK_MSG(strstr(text, token) == NULL, "the token reached the blob host: %s", text);
        cJSON_free(text);
    }
    cJSON_Delete(blob);
}

static void test_baseline_newest_default_branch(void)
{
    char saved[256];
    seed_baseline("octo/f1", "main", 0);
    github_client *g = client_for("octo/f1", "ghs_write");
    github_event ev;
    memset(&ev, 0, sizeof ev);
    strcpy(ev.default_branch, "main");
    github_artifact a;
    err e;
    snprintf(saved, sizeof saved, "%s/baseline.zip", dir);
    int rc = github_artifact_baseline(g, &ev, "f1-model", saved, &a, &e);
    CHECK_MSG(rc == 0, "%s", e.msg);
    CHECK_INT(a.id, 901);
    CHECK_STR(a.head_branch, "main");
    CHECK_STR(a.created_at, "2024-06-01T12:00:00Z");
    CHECK_INT(a.run_id, 901 + 500000);
    buf b;
    buf_init(&b, 0);
    CHECK_INT(github_artifact_model_json(saved, 0, &b, &e), 0);
    CHECK_STR(b.data, "{\"model\":\"target\"}");
    buf_release(&b);
    /* Two pages of the list (the second through GitHub's
     * /repositories/{id}/ link), no lookup of the repository (the event
     * named the branch), one download, one blob fetch. */
    cJSON *lists = fake_log("api", "/actions/artifacts");
    int pages = 0, zips = 0, via_id = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, lists)
    {
        const char *path = cJSON_GetObjectItem(r, "path")->valuestring;
        if (strstr(path, "/zip") != NULL)
            zips++;
        else
            pages++;
        via_id += strncmp(path, "/repositories/", 14) == 0;
        const char *q = cJSON_GetObjectItem(r, "query")->valuestring;
        CHECK(strstr(path, "/zip") != NULL || (strstr(q, "name=f1-model") && strstr(q, "per_page=100")));
    }
    CHECK_INT(pages, 2);
    CHECK_INT(via_id, 1);
    CHECK_INT(zips, 1);
    cJSON_Delete(lists);
    CHECK_INT(api_requests_to("/repos/octo/f1"), 0);
    check_headers_and_token("ghs_write");
    github_free(g);
}

static void test_baseline_branch_from_api(void)
{
    char saved[256];
    seed_baseline("octo/trunk", "trunk", 0);
    github_client *g = client_for("octo/trunk", "ghs_write");
    github_artifact a;
    err e;
    snprintf(saved, sizeof saved, "%s/trunk.zip", dir);
    github_event ev;
    memset(&ev, 0, sizeof ev); /* an event without repository.default_branch */
    CHECK_INT(github_artifact_baseline(g, &ev, "f1-model", saved, &a, &e), 0);
    CHECK_INT(a.id, 901);
    CHECK_STR(a.head_branch, "trunk");
    CHECK_INT(api_requests_to("/repos/octo/trunk"), 1);
    github_free(g);
}

static void test_baseline_without_link_header(void)
{
    seed_baseline("octo/nolink", "main", 1);
    github_client *g = client_for("octo/nolink", "ghs_write");
    github_artifact a;
    err e;
    /* Pages are counted to total_count instead: 124 items = 2 pages. */
    CHECK_INT(github_artifact_find(g, "f1-model", "main", &a, &e), 0);
    CHECK_INT(a.id, 901);
    cJSON *lists = fake_log("api", "/actions/artifacts");
    CHECK_INT(cJSON_GetArraySize(lists), 2);
    const char *q2 = cJSON_GetArraySize(lists) == 2
                         ? cJSON_GetObjectItem(cJSON_GetArrayItem(lists, 1), "query")->valuestring
                         : "";
    CHECK(strstr(q2, "page=2") != NULL);
    cJSON_Delete(lists);
    github_free(g);
}

static void test_baseline_errors(void)
{
    fake_reset();
    char other[256], saved[256];
    model_zip("other.zip", "{\"model\":\"other\"}", other, sizeof other);
    cJSON *repo = cJSON_CreateObject();
    cJSON *arts = cJSON_AddArrayToObject(repo, "artifacts");
    add_artifact(arts, 1, "f1-model", "2024-01-01T00:00:00Z", "main", 1, other);
    add_artifact(arts, 2, "f1-model", "2024-01-02T00:00:00Z", "dev", 0, other);
    fake_seed("octo/f1", repo);
    snprintf(saved, sizeof saved, "%s/never-written.zip", dir);
    github_artifact a;
    err e;

    /* A bad token: 401, named after the input and the token input. */
    github_client *g = client_for("octo/f1", "ghs_wrong");
    CHECK_INT(github_artifact_baseline(g, NULL, "f1-model", saved, &a, &e), -1);
    CHECK_INT(github_last_failure(g), GITHUB_UNAUTHORIZED);
    CHECK_INT(e.kind, ERR_INPUT);
    CHECK_MSG(strstr(e.msg, "input 'baseline-model' (artifact:f1-model)") != NULL &&
                  strstr(e.msg, "HTTP 401: Bad credentials") != NULL && strstr(e.msg, "github-token") != NULL,
              "%s", e.msg);
    CHECK(strstr(e.msg, "ghs_wrong") == NULL);
    github_free(g);

    /* Only an expired one and one from another branch: none matches (1). */
    g = client_for("octo/f1", "ghs_write");
    CHECK_INT(github_artifact_baseline(g, NULL, "f1-model", saved, &a, &e), 1);
    CHECK_INT(e.kind, ERR_INPUT);
    CHECK_MSG(strstr(e.msg, "input 'baseline-model' (artifact:f1-model): no unexpired artifact 'f1-model' "
                            "from the default branch 'main'") != NULL &&
                  strstr(e.msg, "listed 2: 1 expired, 1 from other branches") != NULL,
              "%s", e.msg);
    CHECK(!fs_exists(saved));

    /* Names that name nothing. */
    CHECK_INT(github_artifact_find(g, "", "main", &a, &e), -1);
    CHECK(e.kind == ERR_INPUT && strstr(e.msg, "expected artifact:NAME") != NULL);
    CHECK_INT(github_artifact_find(g, "f1\nmodel", "main", &a, &e), -1);
    CHECK(e.kind == ERR_INPUT && strstr(e.msg, "control character") != NULL);

    /* A repository the token cannot see. */
    github_free(g);
    g = client_for("octo/missing", "ghs_write");
    CHECK_INT(github_artifact_find(g, "f1-model", "main", &a, &e), -1);
    CHECK_INT(github_last_failure(g), GITHUB_NOT_FOUND);
    CHECK(strstr(e.msg, "input 'baseline-model'") != NULL && strstr(e.msg, "HTTP 404") != NULL);

    /* An expired artifact's archive: 410. */
    github_free(g);
    g = client_for("octo/f1", "ghs_write");
    memset(&a, 0, sizeof a);
    a.id = 1;
    strcpy(a.name, "f1-model");
    snprintf(a.download_url, sizeof a.download_url, "%s/repos/octo/f1/actions/artifacts/1/zip", api_url);
    CHECK_INT(github_artifact_download(g, &a, saved, 0, &e), -1);
    CHECK_INT(github_last_failure(g), GITHUB_GONE);
    CHECK(strstr(e.msg, "HTTP 410") != NULL && strstr(e.msg, "expired") != NULL);
    github_free(g);
}

static void test_download_hostile(void)
{
    fake_reset();
    char zip[256], saved[256];
    model_zip("z.zip", "{\"model\":\"z\"}", zip, sizeof zip);
    cJSON *repo = cJSON_CreateObject();
    cJSON *arts = cJSON_AddArrayToObject(repo, "artifacts");
    add_artifact(arts, 5, "f1-model", "2024-01-01T00:00:00Z", "main", 0, zip);
    cJSON_AddStringToObject(cJSON_GetArrayItem(arts, 0), "location", "file:///etc/passwd");
    add_artifact(arts, 6, "f1-model", "2024-01-01T00:00:00Z", "main", 0, zip);
    add_artifact(arts, 9, "f1-model", "2024-01-01T00:00:00Z", "main", 0, zip);
    char loc[256];
    snprintf(loc, sizeof loc, "//127.0.0.2:%d/blob/9?%s", blob_port, BLOB_SIG);
    cJSON_AddStringToObject(cJSON_GetArrayItem(arts, 2), "location", loc);
    add_artifact(arts, 10, "f1-model", "2024-01-01T00:00:00Z", "main", 0, NULL);
    fake_seed("octo/f1", repo);
    github_client *g = client_for("octo/f1", "ghs_write");
    snprintf(saved, sizeof saved, "%s/hostile.zip", dir);
    github_artifact a;
    memset(&a, 0, sizeof a);
    strcpy(a.name, "f1-model");
    err e;

    /* A redirect to a file: URL is not followed. */
    a.id = 5;
    snprintf(a.download_url, sizeof a.download_url, "%s/repos/octo/f1/actions/artifacts/5/zip", api_url);
    CHECK_INT(github_artifact_download(g, &a, saved, 0, &e), -1);
    CHECK_MSG(strstr(e.msg, "without a usable http(s) Location") != NULL, "%s", e.msg);
    CHECK(!fs_exists(saved));

    /* An archive_download_url off the API's origin never gets a request. */
    a.id = 6;
    snprintf(a.download_url, sizeof a.download_url, "http://127.0.0.2:%d/repos/octo/f1/actions/artifacts/6/zip",
             blob_port);
    CHECK_INT(github_artifact_download(g, &a, saved, 0, &e), -1);
    CHECK(strstr(e.msg, "refusing to send the GitHub token") != NULL);
    cJSON *blob = fake_log("blob", NULL);
    CHECK_INT(cJSON_GetArraySize(blob), 0);
    cJSON_Delete(blob);

    /* The size cap: declared too big (no request), then really too big. */
    snprintf(a.download_url, sizeof a.download_url, "%s/repos/octo/f1/actions/artifacts/6/zip", api_url);
    a.size_in_bytes = 1000;
    CHECK_INT(github_artifact_download(g, &a, saved, 999, &e), -1);
    CHECK(strstr(e.msg, "is 1000 bytes, more than the limit of 999") != NULL);
    a.size_in_bytes = 10;
    CHECK_INT(github_artifact_download(g, &a, saved, 20, &e), -1);
    CHECK_MSG(strstr(e.msg, "exceeds the limit of 20 bytes") != NULL, "%s", e.msg);
    CHECK(!fs_exists(saved));
    /* A scheme-relative Location resolves against the API's URL. */
    a.id = 9;
    snprintf(a.download_url, sizeof a.download_url, "%s/repos/octo/f1/actions/artifacts/9/zip", api_url);
    CHECK_INT(github_artifact_download(g, &a, saved, 0, &e), 0);
    CHECK(fs_exists(saved));
    unlink(saved);
    /* The blob store refusing is a network failure, not the token's. */
    a.id = 10;
    snprintf(a.download_url, sizeof a.download_url, "%s/repos/octo/f1/actions/artifacts/10/zip", api_url);
    CHECK_INT(github_artifact_download(g, &a, saved, 0, &e), -1);
    CHECK_INT(github_last_failure(g), GITHUB_FAILED);
    CHECK_INT(e.kind, ERR_NETWORK);
    CHECK_MSG(strstr(e.msg, "GET http://127.0.0.2:") != NULL && strstr(e.msg, "/blob/10: HTTP 404") != NULL,
              "%s", e.msg);
    CHECK(!fs_exists(saved));
    /* And within the cap it works, through the blob host. */
    a.id = 6;
    snprintf(a.download_url, sizeof a.download_url, "%s/repos/octo/f1/actions/artifacts/6/zip", api_url);
    CHECK_INT(github_artifact_download(g, &a, saved, 0, &e), 0);
    CHECK(fs_exists(saved));
    check_headers_and_token("ghs_write");
    github_free(g);
}

static void test_foreign_link_refused(void)
{
    fake_reset();
    cJSON *repo = cJSON_CreateObject();
    cJSON *arts = cJSON_AddArrayToObject(repo, "artifacts");
    for (int i = 0; i < 150; i++)
        add_artifact(arts, 100 + i, "f1-model", "2024-01-01T00:00:00Z", "dev", 0, NULL);
    char host[64];
    snprintf(host, sizeof host, "127.0.0.2:%d", blob_port);
    cJSON_AddStringToObject(repo, "link_host", host);
    fake_seed("octo/f1", repo);
    github_client *g = client_for("octo/f1", "ghs_write");
    github_artifact a;
    err e;
    CHECK_INT(github_artifact_find(g, "f1-model", "main", &a, &e), -1);
    CHECK_MSG(strstr(e.msg, "refusing to send the GitHub token") != NULL, "%s", e.msg);
    cJSON *blob = fake_log("blob", NULL);
    CHECK_INT(cJSON_GetArraySize(blob), 0);
    cJSON_Delete(blob);
    github_free(g);
}

static void test_rate_limit_waits(void)
{
    fake_reset();
    char zip[256];
    model_zip("z.zip", "{\"model\":\"z\"}", zip, sizeof zip);
    cJSON *repo = cJSON_CreateObject();
    cJSON *arts = cJSON_AddArrayToObject(repo, "artifacts");
    add_artifact(arts, 7, "f1-model", "2024-01-01T00:00:00Z", "main", 0, zip);
    cJSON_AddNumberToObject(repo, "rate_limited", 2);
    fake_seed("octo/f1", repo);
    github_client *g = client_for("octo/f1", "ghs_write");
    github_artifact a;
    err e;
    log_set_quiet(1);
    CHECK_INT(github_artifact_find(g, "f1-model", "main", &a, &e), 0);
    CHECK_INT(a.id, 7);
    /* Two waits for the reset (one second ahead, plus one), not failures. */
    CHECK_INT(clk.n, 2);
    CHECK(clk.n == 2 && clk.slept[0] >= 1 && clk.slept[0] <= 3 && clk.slept[1] >= 1);
    cJSON *lists = fake_log("api", "/actions/artifacts");
    CHECK_INT(cJSON_GetArraySize(lists), 3);
    cJSON_Delete(lists);
    github_free(g);

    /* A secondary rate limit: 403 with Retry-After, waited as asked. */
    cJSON *secondary = cJSON_CreateObject();
    cJSON *sarts = cJSON_AddArrayToObject(secondary, "artifacts");
    add_artifact(sarts, 8, "f1-model", "2024-01-01T00:00:00Z", "main", 0, zip);
    cJSON_AddNumberToObject(secondary, "secondary_limited", 1);
    fake_seed("octo/f1", secondary);
    g = client_for("octo/f1", "ghs_write");
    CHECK_INT(github_artifact_find(g, "f1-model", "main", &a, &e), 0);
    CHECK_INT(a.id, 8);
    CHECK_INT(clk.n, 1);
    CHECK_NEAR(clk.slept[0], 3, 1e-9);
    github_free(g);

    /* Past GITHUB_RATE_WAITS it fails as rate-limited. */
    cJSON *again = cJSON_CreateObject();
    cJSON_AddArrayToObject(again, "artifacts");
    cJSON_AddNumberToObject(again, "rate_limited", 10);
    fake_seed("octo/f1", again);
    g = client_for("octo/f1", "ghs_write");
    CHECK_INT(github_artifact_find(g, "f1-model", "main", &a, &e), -1);
    CHECK_INT(github_last_failure(g), GITHUB_RATE_LIMITED);
    CHECK(strstr(e.msg, "rate limit exceeded") != NULL);
    CHECK_INT(clk.n, GITHUB_RATE_WAITS);
    github_free(g);
}

/* ---- pull-request comments ----------------------------------------------- */

static const char *MARKER = "<!-- f1-mlops:report:f1-model -->";

/* The identity of the workflow's token, as github_comment_author finds it. */
static const github_author BOT = {"github-actions[bot]", "Bot"};

/* Issue 7 with n comments by people, a few of them traps: one quoting the
 * marker in a reply, one with another artifact's marker, one by a person
 * that starts with the marker (id 5060), one by another app's bot (5070)
 * and one claiming the bot's login as a user (5075), both starting with
 * it. */
static cJSON *busy_pr(int n)
{
    cJSON *repo = cJSON_CreateObject();
    cJSON *issues = cJSON_AddObjectToObject(repo, "issues");
    cJSON *cs = cJSON_AddArrayToObject(issues, "7");
    for (int i = 0; i < n; i++) {
        char body[256];
        if (i == 3)
            snprintf(body, sizeof body, "> %s\n> old report\n\nthanks!", MARKER);
        else if (i == 50)
            snprintf(body, sizeof body, "<!-- f1-mlops:report:f1-model-old -->\nother report");
        else if (i == 60)
            snprintf(body, sizeof body, "%s\nfake report by a person", MARKER);
        else if (i == 70 || i == 75)
            snprintf(body, sizeof body, "%s\nplanted report %d", MARKER, i);
        else
            snprintf(body, sizeof body, "comment %d", i);
        cJSON *c = cJSON_CreateObject();
        cJSON_AddNumberToObject(c, "id", 5000 + i);
        cJSON_AddStringToObject(c, "body", body);
        cJSON_AddStringToObject(c, "login", i == 70   ? "other-app[bot]"
                                            : i == 75 ? "github-actions[bot]"
                                            : i % 2   ? "octocat"
                                                      : "hubot");
        cJSON_AddStringToObject(c, "user_type", i == 70 ? "Bot" : "User");
        cJSON_AddItemToArray(cs, c);
    }
    cJSON_AddItemToObject(issues, "8", cJSON_CreateArray());
    return repo;
}

/* marker + "\n" + text, capped. */
static char *report_body(const char *text)
{
    buf b;
    buf_init(&b, 0);
    err e;
    github_comment_marker(&b, "f1-model", &e);
    buf_puts(&b, "\n", &e);
    buf_puts(&b, text, &e);
    markdown_cap(&b, MARKDOWN_COMMENT_MAX, &e);
    return buf_detach(&b);
}

/* The stored comments of issue 7 by who starting with the marker. */
static int written_by(const cJSON *comments, const github_author *who, const cJSON **which)
{
    int n = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, comments)
    {
        const char *body = cJSON_GetObjectItem(c, "body")->valuestring;
        const cJSON *user = cJSON_GetObjectItem(c, "user");
        if (strncmp(body, MARKER, strlen(MARKER)) == 0 &&
            strcmp(cJSON_GetObjectItem(user, "login")->valuestring, who->login) == 0 &&
            strcmp(cJSON_GetObjectItem(user, "type")->valuestring, who->type) == 0) {
            n++;
            *which = c;
        }
    }
    return n;
}

/* Those by the workflow's token. */
static int ours(const cJSON *comments, const cJSON **which)
{
    return written_by(comments, &BOT, which);
}

static void test_comment_two_runs(void)
{
    fake_reset();
    fake_seed("octo/f1", busy_pr(150));
    github_client *g = client_for("octo/f1", "ghs_write");
    github_comment c1, c2;
    err e;
    char *first = report_body("| run | precision |\n|---|---|\n| 1 | 0.50 |\n");
    char *second = report_body("| run | precision |\n|---|---|\n| 2 | 0.61 |\n");
    CHECK_INT(github_comment_upsert(g, 7, MARKER, first, &BOT, &c1, &e), 0);
    CHECK_INT(c1.created, 1);
    CHECK(strstr(c1.html_url, "https://github.com/octo/f1/pull/7#issuecomment-") == c1.html_url);
    CHECK_INT(github_comment_upsert(g, 7, MARKER, second, &BOT, &c2, &e), 0);
    CHECK_INT(c2.created, 0);
    CHECK_INT(c2.id, c1.id);
    CHECK_STR(c2.html_url, c1.html_url);

    cJSON *stored = fake_comments("octo/f1", 7);
    CHECK_INT(cJSON_GetArraySize(stored), 151);
    const cJSON *mine = NULL;
    CHECK_INT(ours(stored, &mine), 1);
    CHECK(mine != NULL && strcmp(cJSON_GetObjectItem(mine, "body")->valuestring, second) == 0);
    /* The person's comment that starts with the marker is untouched. */
    const cJSON *trap = cJSON_GetArrayItem(stored, 60);
    CHECK(trap && strstr(cJSON_GetObjectItem(trap, "body")->valuestring, "fake report by a person") != NULL);
    cJSON_Delete(stored);

    /* Each run listed both pages; one POST, one PATCH of that comment. */
    cJSON *log = fake_log("api", NULL);
    int gets = 0, posts = 0, patches = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, log)
    {
        const char *m = cJSON_GetObjectItem(r, "method")->valuestring;
        gets += strcmp(m, "GET") == 0;
        posts += strcmp(m, "POST") == 0;
        if (strcmp(m, "PATCH") == 0) {
            patches++;
            char want[64];
            snprintf(want, sizeof want, "/repos/octo/f1/issues/comments/%lld", c1.id);
            CHECK_STR(cJSON_GetObjectItem(r, "path")->valuestring, want);
            CHECK_STR(header_of(r, "content-type"), "application/json");
        }
    }
    CHECK_INT(gets, 4);
    CHECK_INT(posts, 1);
    CHECK_INT(patches, 1);
    cJSON_Delete(log);
    free(first);
    free(second);
    github_free(g);
}

/* The marker comments in busy_pr() that are not ours: their bodies. */
static void check_planted(const cJSON *stored)
{
    static const int planted[3] = {60, 70, 75};
    static const char *const text[3] = {"fake report by a person", "planted report 70", "planted report 75"};
    for (int k = 0; k < 3; k++) {
        const cJSON *c = cJSON_GetArrayItem(stored, planted[k]);
        const char *body = c ? cJSON_GetObjectItem(c, "body")->valuestring : "";
        CHECK_MSG(strstr(body, text[k]) != NULL && cJSON_GetObjectItem(c, "updated_at") != NULL &&
                      strcmp(cJSON_GetObjectItem(c, "updated_at")->valuestring,
                             cJSON_GetObjectItem(c, "created_at")->valuestring) == 0,
                  "comment %d was edited: %s", 5000 + planted[k], body);
    }
}

/* Who the token is decides which comment is ours: the workflow's token
 * (GET /user refused: github-actions[bot], Bot) and a person's token
 * (GET /user: octo-dev, User) each create their own and update it; the
 * marker comments of a person, of another app's bot and of a user named
 * like the bot are never edited. */
static void test_comment_identity(void)
{
    fake_reset();
    fake_seed("octo/f1", busy_pr(80));
    github_client *g = client_for("octo/f1", "ghs_write");
    github_author me;
    github_comment c1, c2, d1, d2;
    err e;
    char *body = report_body("report");
    CHECK_MSG(github_comment_author(g, &me, &e) == 0, "%s", e.msg);
    CHECK_STR(me.login, "github-actions[bot]");
    CHECK_STR(me.type, "Bot");
    CHECK_INT(github_comment_upsert(g, 7, MARKER, body, &me, &c1, &e), 0);
    CHECK_INT(c1.created, 1);
    CHECK(c1.id > 5079);
    CHECK_INT(github_comment_upsert(g, 7, MARKER, body, &me, &c2, &e), 0);
    CHECK_INT(c2.created, 0);
    CHECK_INT(c2.id, c1.id);
    github_free(g);

    g = client_for("octo/f1", "ghp_dev");
    CHECK_MSG(github_comment_author(g, &me, &e) == 0, "%s", e.msg);
    CHECK_STR(me.login, "octo-dev");
    CHECK_STR(me.type, "User");
    CHECK_INT(github_comment_upsert(g, 7, MARKER, body, &me, &d1, &e), 0);
    CHECK_INT(d1.created, 1);
    CHECK(d1.id != c1.id);
    CHECK_INT(github_comment_upsert(g, 7, MARKER, body, &me, &d2, &e), 0);
    CHECK_INT(d2.created, 0);
    CHECK_INT(d2.id, d1.id);
    github_free(g);

    cJSON *stored = fake_comments("octo/f1", 7);
    CHECK_INT(cJSON_GetArraySize(stored), 82);
    const cJSON *mine = NULL;
    CHECK_INT(ours(stored, &mine), 1);
    github_author dev = {"octo-dev", "User"};
    CHECK_INT(written_by(stored, &dev, &mine), 1);
    check_planted(stored);
    cJSON_Delete(stored);
    /* The only edits were of the two comments made here. */
    cJSON *log = fake_log("api", NULL);
    int patches = 0, users = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, log)
    {
        const char *m = cJSON_GetObjectItem(r, "method")->valuestring;
        const char *path = cJSON_GetObjectItem(r, "path")->valuestring;
        users += strcmp(m, "GET") == 0 && strcmp(path, "/user") == 0;
        if (strcmp(m, "PATCH") == 0) {
            char a[64], b[64];
            snprintf(a, sizeof a, "/repos/octo/f1/issues/comments/%lld", c1.id);
            snprintf(b, sizeof b, "/repos/octo/f1/issues/comments/%lld", d1.id);
            patches++;
            CHECK_MSG(strcmp(path, a) == 0 || strcmp(path, b) == 0, "PATCH %s", path);
        }
    }
    CHECK_INT(patches, 2);
    CHECK_INT(users, 2);
    cJSON_Delete(log);

    /* A token GitHub refuses: no identity, and nothing written. */
    g = client_for("octo/f1", "ghs_bad");
    CHECK_INT(github_comment_author(g, &me, &e), -1);
    CHECK_INT(github_last_failure(g), GITHUB_UNAUTHORIZED);
    CHECK_MSG(strstr(e.msg, "GET /user") != NULL && strstr(e.msg, "github-token") != NULL, "%s", e.msg);
    github_free(g);
    free(body);
}

static void test_comment_read_only(void)
{
    fake_reset();
    fake_seed("octo/f1", busy_pr(3));
    github_client *g = client_for("octo/f1", "ghs_read");
    github_comment c;
    err e;
    char *body = report_body("report");
    /* Create: 403 Resource not accessible by integration. */
    CHECK_INT(github_comment_upsert(g, 7, MARKER, body, &BOT, &c, &e), -1);
    CHECK_INT(github_last_failure(g), GITHUB_FORBIDDEN);
    CHECK_MSG(strstr(e.msg, "input 'pr-comment': pull request #7") != NULL &&
                  strstr(e.msg, "HTTP 403: Resource not accessible by integration") != NULL &&
                  strstr(e.msg, "read-only token") != NULL,
              "%s", e.msg);
    github_free(g);
    /* Update: the same. */
    g = client_for("octo/f1", "ghs_write");
    CHECK_INT(github_comment_upsert(g, 8, MARKER, body, &BOT, &c, &e), 0);
    github_free(g);
    g = client_for("octo/f1", "ghs_read");
    CHECK_INT(github_comment_upsert(g, 8, MARKER, body, &BOT, &c, &e), -1);
    CHECK_INT(github_last_failure(g), GITHUB_FORBIDDEN);
    cJSON *stored = fake_comments("octo/f1", 7);
    CHECK_INT(cJSON_GetArraySize(stored), 3);
    cJSON_Delete(stored);
    github_free(g);

    /* Other failures are not "forbidden". */
    g = client_for("octo/f1", "ghs_bad");
    CHECK_INT(github_comment_upsert(g, 7, MARKER, body, &BOT, &c, &e), -1);
    CHECK_INT(github_last_failure(g), GITHUB_UNAUTHORIZED);
    CHECK(strstr(e.msg, "github-token") != NULL);
    github_free(g);
    g = client_for("octo/f1", "ghs_write");
    CHECK_INT(github_comment_upsert(g, 99, MARKER, body, &BOT, &c, &e), -1);
    CHECK_INT(github_last_failure(g), GITHUB_NOT_FOUND);
    free(body);
    github_free(g);
}

static void test_comment_contract(void)
{
    fake_reset();
    fake_seed("octo/f1", busy_pr(1));
    github_client *g = client_for("octo/f1", "ghs_write");
    github_comment c;
    err e;
    CHECK_INT(github_comment_upsert(g, 7, MARKER, "no marker first", &BOT, &c, &e), -1);
    CHECK(strstr(e.msg, "must start with its marker") != NULL);
    buf big;
    buf_init(&big, 0);
    buf_puts(&big, MARKER, &e);
    while (big.len <= MARKDOWN_COMMENT_MAX)
        buf_puts(&big, "\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", &e);
    CHECK_INT(github_comment_upsert(g, 7, MARKER, big.data, &BOT, &c, &e), -1);
    CHECK(strstr(e.msg, "markdown_cap") != NULL);
    cJSON *log = fake_log("api", NULL);
    CHECK_INT(cJSON_GetArraySize(log), 0);
    cJSON_Delete(log);
    /* Capped, GitHub (the fake checks the 65,536-character limit) takes it. */
    CHECK_INT(markdown_cap(&big, MARKDOWN_COMMENT_MAX, &e), 0);
    CHECK_INT(github_comment_upsert(g, 7, MARKER, big.data, &BOT, &c, &e), 0);
    buf_release(&big);
    github_free(g);
}

static void test_comment_hostile_names(void)
{
    fake_reset();
    fake_seed("octo/f1", busy_pr(1));
    github_client *g = client_for("octo/f1", "ghs_write");
    const char *hostile = "Evil|<img src=x onerror=alert(1)>\n::error::x -->";
    buf b;
    buf_init(&b, 0);
    err e;
    github_comment_marker(&b, "f1-model", &e);
    buf_puts(&b, "\n| artifact | branch |\n|---|---|\n", &e);
    /* Enough rows to need the cap: the escaped names are long. */
    for (int i = 0; i < 2000; i++) {
        buf_puts(&b, "| ", &e);
        markdown_text(&b, hostile, &e);
        buf_puts(&b, " | ", &e);
        markdown_text(&b, "feature/[x](http://evil)", &e);
        buf_puts(&b, " |\n", &e);
    }
    CHECK(b.len > MARKDOWN_COMMENT_MAX);
    CHECK_INT(markdown_cap(&b, MARKDOWN_COMMENT_MAX, &e), 0);
    github_comment c;
    CHECK_INT(github_comment_upsert(g, 7, MARKER, b.data, &BOT, &c, &e), 0);
    cJSON *stored = fake_comments("octo/f1", 7);
    const cJSON *mine = NULL;
    CHECK_INT(ours(stored, &mine), 1);
    const char *body = mine ? cJSON_GetObjectItem(mine, "body")->valuestring : "";
    CHECK(strstr(body, "<img") == NULL && strstr(body, "](") == NULL);
    /* One marker comment end: the hostile "-->" never closes it early. */
    CHECK(strstr(body, "-->") == body + strlen(MARKER) - 3 && strstr(body + strlen(MARKER), "-->") == NULL);
    /* Every table row still has exactly its three pipes. */
    int bad_rows = 0;
    for (const char *line = strstr(body, "\n| ") ; line != NULL; line = strstr(line + 1, "\n| ")) {
        int pipes = 0;
        for (const char *p = line + 1; *p && *p != '\n'; p++)
            pipes += *p == '|';
        bad_rows += pipes != 3;
    }
    CHECK_INT(bad_rows, 0);
    CHECK(strstr(body, "\n::error::") == NULL);
    cJSON_Delete(stored);
    buf_release(&b);
    github_free(g);
}

int main(void)
{
    char port_file[sizeof dir + 16];
    if (mkdtemp(dir) == NULL) {
        printf("not ok: cannot make a temporary directory\n");
        return 1;
    }
    snprintf(port_file, sizeof port_file, "%s/fake.port", dir);
    if (fake_server_start("fake_github_api.py", port_file, fake, 3) != 0) {
        printf("not ok: cannot start the fake GitHub API\n");
        return 1;
    }
    snprintf(api_url, sizeof api_url, "http://127.0.0.1:%d", api_port);
    test_link_rel();
    test_marker();
    test_event();
    test_new_checks();
    test_model_json();
    test_baseline_newest_default_branch();
    test_baseline_branch_from_api();
    test_baseline_without_link_header();
    test_baseline_errors();
    test_download_hostile();
    test_foreign_link_refused();
    test_rate_limit_waits();
    test_comment_two_runs();
    test_comment_identity();
    test_comment_read_only();
    test_comment_contract();
    test_comment_hostile_names();
    kill((pid_t)fake[2], SIGTERM);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        printf("could not remove %s\n", dir);
    log_shutdown();
    return check_done();
}
