/* artifact: base64 and JWT decoding, backend ids from the token, name
 * validation, and whole uploads against unit/fake_artifact_server.py (a
 * strict loopback fake of the Twirp service and the block-blob PUTs):
 * request shapes, blocks and block list, digest, retries with the
 * toolkit's delays (through a fake clock, so nothing sleeps), 409 on a
 * duplicate name, retention clamp, masking, and the upload stage's skip
 * and verify paths. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "fake_server.h"
#include "core/base64.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "core/sha256.h"
#include "net/artifact.h"
#include "net/jwt.h"
#include "net/http.h"
#include "stages/registry.h"

/* ---- fixtures ------------------------------------------------------------ */

static char tmpdir[] = "/tmp/f1-artifact-XXXXXX";
static int server_port;
static pid_t server_pid;

/* Starts the fake in the background; it writes "PORT PID" to a file. */
static int server_start(void)
{
    char portfile[128];
    int v[2];
    snprintf(portfile, sizeof portfile, "%s/server.port", tmpdir);
    if (fake_server_start("fake_artifact_server.py", portfile, v, 2) != 0)
        return -1;
    server_port = v[0];
    server_pid = v[1];
    return 0;
}

static void server_stop(void)
{
    if (server_pid > 0)
        kill(server_pid, SIGTERM);
}

/* A JWT with the given claims JSON (header and signature are not read). */
static void make_token(const char *claims, int padded, char *out, size_t n)
{
    char payload[1024];
    size_t len = base64_encode(claims, strlen(claims), payload);
    for (size_t i = 0; i < len; i++)
        payload[i] = payload[i] == '+' ? '-' : payload[i] == '/' ? '_' : payload[i];
    while (!padded && len > 0 && payload[len - 1] == '=')
        payload[--len] = '\0';
    snprintf(out, n, "eyJhbGciOiJIUzI1NiJ9.%s.c2lnbmF0dXJl", payload);
}

static char token[2048];
static char results_url[256];
static fake_clock clk;
static pacer_clock clock_hooks = {fake_now, fake_sleep, &clk};

static void env_for_test(artifact_env *env)
{
    memset(env, 0, sizeof *env);
    env->token = token;
    env->results_url = results_url;
    env->server_url = "https://github.com/";
    env->repository = "octo/f1";
    env->run_id = "77";
    env->max_retention = "5";
    env->stall_timeout_ms = 10000;
    env->now = 1767225600; /* 2026-01-01T00:00:00Z */
    env->chunk_size = 1000;
    env->clock = &clock_hooks;
    memset(&clk, 0, sizeof clk);
}

/* Writes n deterministic bytes to dir/name; path into out. */
static void write_file(const char *name, size_t n, char *out, size_t outn)
{
    snprintf(out, outn, "%s/%s", tmpdir, name);
    char *data = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        data[i] = (char)((i * 7 + 3) % 251);
    err e;
    fs_write_atomic(out, data, n, &e);
    free(data);
}

/* GET a path of the fake; the body as a string (caller frees) or NULL. */
static char *server_get(const char *path, size_t *len)
{
    return fake_server_call(server_port, "GET", path, NULL, len);
}

/* Every logged request whose path ends with suffix (and, when name is not
 * NULL, whose JSON or blob path names it), as a new array. */
static cJSON *requests(const char *suffix, const char *name)
{
    char *text = server_get("/_log", NULL);
    cJSON *all = text ? cJSON_Parse(text) : NULL;
    free(text);
    cJSON *out = cJSON_CreateArray();
    const cJSON *r;
    cJSON_ArrayForEach(r, all)
    {
        const char *path = cJSON_GetObjectItem(r, "path")->valuestring;
        size_t pl = strlen(path), sl = strlen(suffix);
        if (pl < sl || strcmp(path + pl - sl, suffix) != 0)
            continue;
        const cJSON *j = cJSON_GetObjectItem(r, "json");
        const cJSON *jn = j ? cJSON_GetObjectItem(j, "name") : NULL;
        if (name != NULL && !(jn && strcmp(jn->valuestring, name) == 0) &&
            strstr(path, name) == NULL)
            continue;
        cJSON_AddItemToArray(out, cJSON_Duplicate(r, 1));
    }
    cJSON_Delete(all);
    return out;
}

static const char *jstr(const cJSON *o, const char *a, const char *b)
{
    const cJSON *v = cJSON_GetObjectItem(o, a);
    if (b != NULL && v != NULL)
        v = cJSON_GetObjectItem(v, b);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- pure functions ----------------------------------------------------- */

static void test_base64(void)
{
    char out[64];
    CHECK_INT(base64_encode("f1", 2, out), 4);
    CHECK_STR(out, "ZjE=");
    buf b;
    buf_init(&b, 0);
    err e;
    CHECK(base64_decode("ZjE=", 4, &b, &e) == 0);
    CHECK_INT(b.len, 2);
    CHECK(b.len == 2 && memcmp(b.data, "f1", 2) == 0);
    buf_reset(&b);
    CHECK(base64_decode("ZjE", 3, &b, &e) == 0); /* unpadded */
    CHECK(b.len == 2 && memcmp(b.data, "f1", 2) == 0);
    buf_reset(&b);
    CHECK(base64_decode("-_8", 3, &b, &e) == 0); /* url alphabet: fb ff */
    CHECK(b.len == 2 && (unsigned char)b.data[0] == 0xfb && (unsigned char)b.data[1] == 0xff);
    buf_reset(&b);
    CHECK(base64_decode("Zg=x", 4, &b, &e) == -1); /* data after padding */
    CHECK(base64_decode("Z", 1, &b, &e) == -1);
    CHECK(base64_decode("Zm!v", 4, &b, &e) == -1);
    buf_release(&b);
}

static void test_jwt_and_ids(void)
{
    char t[1024];
    err e;
    artifact_ids ids;
    const char *claims = "{\"scp\":\"Actions.ExampleScope Actions.Results:ce7f54c7-61c7:ca395085-040a\"}";
    for (int padded = 0; padded <= 1; padded++) {
        make_token(claims, padded, t, sizeof t);
        cJSON *c = jwt_claims(t, &e);
        CHECK_MSG(c != NULL, "jwt_claims padded=%d: %s", padded, e.msg);
        cJSON_Delete(c);
        memset(&ids, 0, sizeof ids);
        CHECK(artifact_backend_ids(t, &ids, &e) == 0);
        CHECK_STR(ids.workflow_run, "ce7f54c7-61c7");
        CHECK_STR(ids.workflow_job_run, "ca395085-040a");
    }
    /* act's token: run id twice. */
    make_token("{\"scp\":\"Actions.Results:1:1\",\"ac\":\"[]\"}", 0, t, sizeof t);
    CHECK(artifact_backend_ids(t, &ids, &e) == 0);
    CHECK_STR(ids.workflow_run, "1");

    make_token("{\"sub\":\"x\"}", 0, t, sizeof t);
    CHECK(artifact_backend_ids(t, &ids, &e) == -1);
    CHECK(strstr(e.msg, "The provided JWT token is invalid and/or missing claims") != NULL);
    make_token("{\"scp\":\"Actions.Results:1:2:3\"}", 0, t, sizeof t);
    CHECK(artifact_backend_ids(t, &ids, &e) == -1);
    make_token("{\"scp\":\"Actions.Other:1:2\"}", 0, t, sizeof t);
    CHECK(artifact_backend_ids(t, &ids, &e) == -1);
    CHECK(artifact_backend_ids("not-a-jwt", &ids, &e) == -1);
    CHECK(artifact_backend_ids("a.!!!.c", &ids, &e) == -1);
    CHECK(artifact_backend_ids("", &ids, &e) == -1);
    CHECK(strstr(e.msg, "ACTIONS_RUNTIME_TOKEN") != NULL);
}

static void test_names(void)
{
    err e;
    CHECK(artifact_name_check("f1-model", &e) == 0);
    CHECK(artifact_name_check("f1 model (2024)", &e) == 0);
    const char *bad[] = {"", "a\"b", "a:b", "a<b", "a>b", "a|b", "a*b", "a?b", "a\rb", "a\nb", "a\\b", "a/b"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_MSG(artifact_name_check(bad[i], &e) == -1, "name %zu accepted", i);
        CHECK(e.kind == ERR_INPUT && strstr(e.msg, "artifact-name") != NULL);
    }
}

/* ---- uploads against the fake ------------------------------------------ */

static void test_upload_happy(void)
{
    char path[256], hex[SHA256_HEX_SIZE];
    write_file("happy.zip", 2500, path, sizeof path);
    err e;
    sha256_file_hex(path, hex, &e);
    artifact_env env;
    env_for_test(&env);
    artifact_result r;
    int rc = artifact_upload(&env, "happy", path, 10, &r, &e);
    CHECK_MSG(rc == 0, "upload: %s", e.msg);
    CHECK_STR(r.digest, hex);
    CHECK_INT(r.size, 2500);
    CHECK_STR(r.id, "4000000005");
    CHECK_STR(r.url, "https://github.com/octo/f1/actions/runs/77/artifacts/4000000005");
    CHECK_INT(clk.n, 0);

    /* CreateArtifact: the ids from the token, snake_case, version 4 as a
     * number, expires_at clamped to GITHUB_RETENTION_DAYS (5 < 10), no
     * mime_type; origin only (the results URL's path is dropped). */
    cJSON *creates = requests("/CreateArtifact", "happy");
    CHECK_INT(cJSON_GetArraySize(creates), 1);
    const cJSON *c = cJSON_GetArrayItem(creates, 0);
    const cJSON *j = c ? cJSON_GetObjectItem(c, "json") : NULL;
    CHECK_STR(jstr(j, "workflow_run_backend_id", NULL), "11");
    CHECK_STR(jstr(j, "workflow_job_run_backend_id", NULL), "22");
    CHECK_STR(jstr(j, "name", NULL), "happy");
    const cJSON *v = cJSON_GetObjectItem(j, "version");
    CHECK(cJSON_IsNumber(v) && v->valueint == 4);
    CHECK_STR(jstr(j, "expires_at", NULL), "2026-01-06T00:00:00Z");
    CHECK(cJSON_GetObjectItem(j, "mime_type") == NULL);
    CHECK_INT(cJSON_GetArraySize(j), 5);
    CHECK_STR(jstr(c, "path", NULL), "/twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact");
    char bearer[2100];
    snprintf(bearer, sizeof bearer, "Bearer %s", token);
    CHECK_STR(jstr(c, "headers", "authorization"), bearer);
    CHECK_STR(jstr(c, "headers", "content-type"), "application/json");
    cJSON_Delete(creates);

    /* Three blocks of <= 1000 bytes in order, equal-length ids, each with
     * Content-Length and x-ms-version and no Authorization; then the list. */
    cJSON *puts = requests("/blob/happy", NULL);
    CHECK_INT(cJSON_GetArraySize(puts), 4);
    char ids[3][64] = {"", "", ""};
    long lengths[3] = {0, 0, 0};
    for (int i = 0; i < 3 && i < cJSON_GetArraySize(puts); i++) {
        const cJSON *p = cJSON_GetArrayItem(puts, i);
        const char *q = jstr(p, "query", NULL);
        const char *bid = q ? strstr(q, "&comp=block&blockid=") : NULL;
        CHECK_MSG(bid != NULL, "block %d query '%s'", i, q ? q : "");
        if (bid != NULL)
            snprintf(ids[i], sizeof ids[i], "%s", bid + strlen("&comp=block&blockid="));
        lengths[i] = (long)cJSON_GetObjectItem(p, "length")->valuedouble;
        CHECK_STR(jstr(p, "headers", "x-ms-version"), "2023-11-03");
        CHECK(jstr(p, "headers", "content-length") != NULL);
        CHECK(jstr(p, "headers", "authorization") == NULL);
    }
    CHECK_INT(lengths[0], 1000);
    CHECK_INT(lengths[1], 1000);
    CHECK_INT(lengths[2], 500);
    CHECK(strlen(ids[0]) > 0 && strlen(ids[0]) == strlen(ids[1]) && strlen(ids[1]) == strlen(ids[2]));
    CHECK(strcmp(ids[0], ids[1]) != 0 && strcmp(ids[1], ids[2]) != 0);
    const cJSON *list = cJSON_GetArrayItem(puts, 3);
    const char *lq = jstr(list, "query", NULL);
    CHECK(lq != NULL && strstr(lq, "&comp=blocklist") != NULL);
    CHECK_STR(jstr(list, "headers", "content-type"), "application/xml");
    CHECK_STR(jstr(list, "headers", "x-ms-blob-content-type"), "application/zip");
    const char *xml = jstr(list, "text", NULL);
    CHECK(xml != NULL && strncmp(xml, "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList><Latest>", 56) == 0);
    cJSON_Delete(puts);

    /* The stored blob is the file; Finalize sent its size and digest. */
    size_t len = 0;
    char *blob = server_get("/_blob/happy", &len);
    char blob_hex[SHA256_HEX_SIZE] = "";
    if (blob != NULL)
        sha256_hex(blob, len, blob_hex, &e);
    CHECK_INT(len, 2500);
    CHECK_STR(blob_hex, hex);
    free(blob);
    cJSON *fin = requests("/FinalizeArtifact", "happy");
    const cJSON *fj = cJSON_GetObjectItem(cJSON_GetArrayItem(fin, 0), "json");
    CHECK_STR(jstr(fj, "size", NULL), "2500");
    char hash[80];
    snprintf(hash, sizeof hash, "sha256:%s", hex);
    CHECK_STR(jstr(fj, "hash", NULL), hash);
    cJSON_Delete(fin);

    /* Same name again in the same run: 409, not retried, a clear message. */
    rc = artifact_upload(&env, "happy", path, 0, &r, &e);
    CHECK(rc == -1);
    CHECK(e.kind == ERR_NETWORK);
    CHECK_MSG(strstr(e.msg, "Received non-retryable error: Failed request: (409) Conflict: an artifact "
                            "with this name already exists on the workflow run") != NULL, "%s", e.msg);
    CHECK_MSG(strstr(e.msg, "'artifact-name'") != NULL, "%s", e.msg);
    creates = requests("/CreateArtifact", "happy");
    CHECK_INT(cJSON_GetArraySize(creates), 2);
    cJSON_Delete(creates);
    CHECK_INT(clk.n, 0);
}

static void test_upload_retries(void)
{
    char path[256];
    write_file("retry.zip", 300, path, sizeof path);
    artifact_env env;
    artifact_result r;
    err e;

    /* 500, 500, then ok: delays 3000 ms, then in [4500, 6750) ms. */
    env_for_test(&env);
    CHECK_MSG(artifact_upload(&env, "flaky-create", path, 0, &r, &e) == 0, "%s", e.msg);
    CHECK_INT(clk.n, 2);
    CHECK_NEAR(clk.slept[0], 3.0, 1e-9);
    CHECK(clk.slept[1] >= 4.5 && clk.slept[1] < 6.75);
    cJSON *creates = requests("/CreateArtifact", "flaky-create");
    CHECK_INT(cJSON_GetArraySize(creates), 3);
    /* No retention asked: no expires_at. */
    CHECK(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(creates, 0), "json"),
                              "expires_at") == NULL);
    cJSON_Delete(creates);

    /* Always 500: five attempts, four waits, the toolkit's message. */
    env_for_test(&env);
    CHECK(artifact_upload(&env, "always-500", path, 0, &r, &e) == -1);
    CHECK_MSG(strstr(e.msg, "Failed to make request after 5 attempts: Failed request: (500)") != NULL,
              "%s", e.msg);
    CHECK_INT(clk.n, 4);
    CHECK(clk.slept[3] >= 3.0 * 1.5 * 1.5 * 1.5 && clk.slept[3] < 3.0 * 1.5 * 1.5 * 1.5 * 1.5);
    creates = requests("/CreateArtifact", "always-500");
    CHECK_INT(cJSON_GetArraySize(creates), 5);
    cJSON_Delete(creates);

    /* 400 is final at once, with the Twirp msg. */
    env_for_test(&env);
    CHECK(artifact_upload(&env, "bad-request", path, 0, &r, &e) == -1);
    CHECK_MSG(strstr(e.msg, "Received non-retryable error: Failed request: (400) Bad Request: nope") != NULL,
              "%s", e.msg);
    CHECK_INT(clk.n, 0);

    /* A 2xx body that is not JSON is retried. */
    env_for_test(&env);
    CHECK_MSG(artifact_upload(&env, "garbage-once", path, 0, &r, &e) == 0, "%s", e.msg);
    CHECK_INT(clk.n, 1);

    /* ok: false fails. */
    env_for_test(&env);
    CHECK(artifact_upload(&env, "not-ok", path, 0, &r, &e) == -1);
    CHECK(strstr(e.msg, "CreateArtifact: response from backend was not ok") != NULL);

    /* An exhausted storage quota is final. */
    env_for_test(&env);
    CHECK(artifact_upload(&env, "no-quota", path, 0, &r, &e) == -1);
    CHECK_MSG(strstr(e.msg, "storage quota") != NULL, "%s", e.msg);
    CHECK_INT(clk.n, 0);

    /* A block answered 500 is sent again (Azure's first retry waits 0 s)
     * and the blob still holds the file exactly once. */
    env_for_test(&env);
    CHECK_MSG(artifact_upload(&env, "flaky-blob", path, 0, &r, &e) == 0, "%s", e.msg);
    cJSON *puts = requests("/blob/flaky-blob", NULL);
    CHECK_INT(cJSON_GetArraySize(puts), 3); /* block (500), block, list */
    cJSON_Delete(puts);
    size_t len = 0;
    char *blob = server_get("/_blob/flaky-blob", &len);
    CHECK_INT(len, 300);
    free(blob);

    /* act's camelCase answers with a numeric id. */
    env_for_test(&env);
    CHECK_MSG(artifact_upload(&env, "camel", path, 0, &r, &e) == 0, "%s", e.msg);
    CHECK_STR(r.id, "4000000005");

    /* A refused connection is not retried. */
    env_for_test(&env);
    env.results_url = "http://127.0.0.1:1";
    CHECK(artifact_upload(&env, "refused", path, 0, &r, &e) == -1);
    CHECK_MSG(strstr(e.msg, "Unable to make request") != NULL, "%s", e.msg);
    CHECK_INT(clk.n, 0);
}

static void test_upload_refusals(void)
{
    char path[256];
    write_file("refuse.zip", 10, path, sizeof path);
    artifact_env env;
    artifact_result r;
    err e;
    env_for_test(&env);
    CHECK(artifact_upload(&env, "bad/name", path, 0, &r, &e) == -1);
    CHECK(e.kind == ERR_INPUT);
    env.server_url = "https://ghes.example.com";
    CHECK(artifact_upload(&env, "ghes", path, 0, &r, &e) == -1);
    CHECK(e.kind == ERR_INPUT && strstr(e.msg, "Enterprise Server") != NULL);
    env.server_url = "https://octo.ghe.com";
    CHECK_MSG(artifact_upload(&env, "ghe-com", path, 0, &r, &e) == 0, "%s", e.msg);
    env_for_test(&env);
    env.results_url = "";
    CHECK(artifact_upload(&env, "no-url", path, 0, &r, &e) == -1);
    CHECK(strstr(e.msg, "ACTIONS_RESULTS_URL") != NULL);
    cJSON *none = requests("/CreateArtifact", "bad/name");
    CHECK_INT(cJSON_GetArraySize(none), 0);
    cJSON_Delete(none);
    none = requests("/CreateArtifact", "ghes");
    CHECK_INT(cJSON_GetArraySize(none), 0);
    cJSON_Delete(none);
}

/* The token and the signature never reach the log except in add-mask. */
static void test_masking(void)
{
    char logpath[256], path[256];
    snprintf(logpath, sizeof logpath, "%s/log.txt", tmpdir);
    write_file("mask.zip", 100, path, sizeof path);
    FILE *lf = fopen(logpath, "w+");
    log_set_stream(lf);
    setenv("GITHUB_ACTIONS", "true", 1); /* add-mask lines are printed inside Actions only */
    artifact_env env;
    env_for_test(&env);
    artifact_result r;
    err e;
    CHECK_MSG(artifact_upload(&env, "masked", path, 0, &r, &e) == 0, "%s", e.msg);
    unsetenv("GITHUB_ACTIONS");
    log_set_stream(NULL);
    fclose(lf);
    buf b;
    buf_init(&b, 0);
    fs_read_file(logpath, &b, &e);
    char want[2100];
    snprintf(want, sizeof want, "::add-mask::%s\n", token);
    CHECK(b.data != NULL && strstr(b.data, want) != NULL);
    /* The raw sig, escaped as command data (% -> %25), and decoded. */
    CHECK(b.data != NULL && strstr(b.data, "::add-mask::c2lnbmF0dXJl%252Bx%252Fy%253D\n") != NULL);
    CHECK(b.data != NULL && strstr(b.data, "::add-mask::c2lnbmF0dXJl+x/y=\n") != NULL);
    /* Outside add-mask lines neither appears. */
    int leaks = 0;
    for (char *line = b.data; line != NULL && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, "::add-mask::", 12) == 0)
            continue;
        size_t n = strcspn(line, "\n");
        char *copy = strndup(line, n);
        if (strstr(copy, "c2lnbmF0dXJl") != NULL || strstr(copy, token) != NULL)
            leaks++;
        free(copy);
    }
    CHECK_INT(leaks, 0);
    buf_release(&b);
}

/* The stage: skipped with a notice without a runtime token; refuses a zip
 * that package_verify rejects before any request. */
static void test_stage(void)
{
    static config cfg;
    memset(&cfg, 0, sizeof cfg);
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s/data", tmpdir);
    snprintf(cfg.artifact_name, sizeof cfg.artifact_name, "stage-art");
    err e;
    fs_mkdirs(cfg.data_dir, &e);
    stage_ctx ctx = {.cfg = &cfg};
    char upload_json[1200], logpath[256];
    snprintf(upload_json, sizeof upload_json, "%s/%s", cfg.data_dir, FILE_UPLOAD);
    fs_write_atomic(upload_json, "{}", 2, &e);
    snprintf(logpath, sizeof logpath, "%s/stage-log.txt", tmpdir);

    unsetenv("ACTIONS_RUNTIME_TOKEN");
    setenv("ACTIONS_RESULTS_URL", results_url, 1);
    FILE *lf = fopen(logpath, "w+");
    log_set_stream(lf);
    int rc = stage_upload(&ctx, &e);
    log_set_stream(NULL);
    fclose(lf);
    CHECK_MSG(rc == 0, "skip: %s", e.msg);
    CHECK(!fs_exists(upload_json)); /* a stale record is removed */
    buf b;
    buf_init(&b, 0);
    fs_read_file(logpath, &b, &e);
    CHECK(b.data != NULL && strstr(b.data, "::notice::artifact upload skipped") != NULL);
    buf_release(&b);

    setenv("ACTIONS_RUNTIME_TOKEN", token, 1);
    char zip[1200];
    snprintf(zip, sizeof zip, "%s/%s", cfg.data_dir, FILE_ZIP);
    fs_write_atomic(zip, "not a zip", 9, &e);
    CHECK(stage_upload(&ctx, &e) == -1);
    CHECK_MSG(strstr(e.msg, "refusing to upload") != NULL, "%s", e.msg);
    cJSON *none = requests("/CreateArtifact", "stage-art");
    CHECK_INT(cJSON_GetArraySize(none), 0);
    cJSON_Delete(none);
    unsetenv("ACTIONS_RUNTIME_TOKEN");
    unsetenv("ACTIONS_RESULTS_URL");
}

int main(void)
{
    test_base64();
    test_jwt_and_ids();
    test_names();
    if (mkdtemp(tmpdir) == NULL || server_start() != 0) {
        CHECK_MSG(0, "cannot start unit/fake_artifact_server.py");
        return check_done();
    }
    make_token("{\"scp\":\"Actions.Results:11:22\",\"exp\":1999999999}", 0, token, sizeof token);
    snprintf(results_url, sizeof results_url, "http://127.0.0.1:%d/ignored/path/", server_port);
    test_masking(); /* first: the logger prints each add-mask once */
    test_upload_happy();
    test_upload_retries();
    test_upload_refusals();
    test_stage();
    server_stop();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        printf("warning: could not remove %s\n", tmpdir);
    log_shutdown();
    return check_done();
}
