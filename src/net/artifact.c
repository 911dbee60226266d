#include "net/artifact.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/base64.h"
#include "core/buf.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "net/jwt.h"
#include "net/http.h"

#define TWIRP_SERVICE "/twirp/github.actions.results.api.v1.ArtifactService/"
#define TWIRP_ATTEMPTS 5
#define TWIRP_BASE_MS 3000.0
#define TWIRP_MULTIPLIER 1.5
#define BLOB_TRIES 4
#define BLOB_DELAY_S 4.0
#define BLOB_DELAY_MAX_S 120.0
#define BLOB_MAX_BLOCKS 50000
#define AZURE_VERSION "x-ms-version: 2023-11-03"
#define STALL_TIMEOUT_MS 300000L
#define RESPONSE_MAX ((size_t)1 << 20)
#define URL_MAX 8192

/* One upload in progress: the client, where to send, and what was sent. */
typedef struct {
    const artifact_env *env;
    http_client *http;
    char origin[1024];
    char auth[URL_MAX];
    artifact_ids ids;
    EVP_MD_CTX *sha;
    long long size;
    int blocks;
} upload;

void artifact_env_from_environ(artifact_env *env)
{
    memset(env, 0, sizeof *env);
    env->token = getenv("ACTIONS_RUNTIME_TOKEN");
    env->results_url = getenv("ACTIONS_RESULTS_URL");
    env->server_url = getenv("GITHUB_SERVER_URL");
    env->repository = getenv("GITHUB_REPOSITORY");
    env->run_id = getenv("GITHUB_RUN_ID");
    env->max_retention = getenv("GITHUB_RETENTION_DAYS");
    env->stall_timeout_ms = STALL_TIMEOUT_MS;
    const char *t = getenv("ACTIONS_ARTIFACT_UPLOAD_TIMEOUT_MS");
    if (t != NULL) {
        char *end;
        errno = 0;
        long v = strtol(t, &end, 10);
        if (errno == 0 && *end == '\0' && v > 0)
            env->stall_timeout_ms = v;
    }
}

int artifact_name_check(const char *name, err *e)
{
    static const char *const bad[][2] = {
        {"\"", "double quote \""}, {":", "colon :"}, {"<", "less than <"},
        {">", "greater than >"}, {"|", "vertical bar |"}, {"*", "asterisk *"},
        {"?", "question mark ?"}, {"\r", "carriage return"}, {"\n", "line feed"},
        {"\\", "backslash \\"}, {"/", "forward slash /"}};
    if (name == NULL || name[0] == '\0')
        return err_setk(e, ERR_INPUT, "input 'artifact-name': the artifact name must not be empty");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (strchr(name, bad[i][0][0]) != NULL)
            return err_setk(e, ERR_INPUT,
                            "input 'artifact-name': the artifact name '%s' contains the invalid "
                            "character %s (none of \" : < > | * ? \\ / CR LF is allowed)",
                            name, bad[i][1]);
    return 0;
}

static int copy_id(char *out, size_t n, const char *s, size_t len)
{
    if (len == 0 || len >= n)
        return -1;
    memcpy(out, s, len);
    out[len] = '\0';
    return 0;
}

int artifact_backend_ids(const char *token, artifact_ids *ids, err *e)
{
    static const char *const invalid =
        "Failed to get backend IDs: The provided JWT token is invalid and/or missing claims";
    if (token == NULL || token[0] == '\0')
        return err_setk(e, ERR_INPUT, "Unable to get the ACTIONS_RUNTIME_TOKEN env variable");
    cJSON *claims = jwt_claims(token, e);
    if (claims == NULL)
        return err_wrap(e, "%s", invalid);
    const cJSON *scp = cJSON_GetObjectItemCaseSensitive(claims, "scp");
    int rc = -1;
    if (!cJSON_IsString(scp)) {
        err_setk(e, ERR_INPUT, "%s", invalid);
        goto out;
    }
    /* Scopes are separated by single spaces; the first Actions.Results one
     * counts and must have exactly three ':'-separated parts. */
    for (const char *s = scp->valuestring; *s != '\0';) {
        size_t len = strcspn(s, " ");
        const char *c1 = memchr(s, ':', len);
        if (c1 != NULL && (size_t)(c1 - s) == strlen("Actions.Results") &&
            strncmp(s, "Actions.Results", strlen("Actions.Results")) == 0) {
            const char *end = s + len;
            const char *c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1));
            if (c2 == NULL || memchr(c2 + 1, ':', (size_t)(end - c2 - 1)) != NULL ||
                copy_id(ids->workflow_run, sizeof ids->workflow_run, c1 + 1, (size_t)(c2 - c1 - 1)) != 0 ||
                copy_id(ids->workflow_job_run, sizeof ids->workflow_job_run, c2 + 1,
                        (size_t)(end - c2 - 1)) != 0) {
                err_setk(e, ERR_INPUT, "%s (malformed Actions.Results scope)", invalid);
                goto out;
            }
            rc = 0;
            goto out;
        }
        s += len;
        if (*s == ' ')
            s++;
    }
    err_setk(e, ERR_INPUT, "%s (no Actions.Results scope)", invalid);
out:
    cJSON_Delete(claims);
    return rc;
}

/* ---- time and sleeping ------------------------------------------------ */

static void upload_sleep(const upload *u, double seconds)
{
    if (seconds <= 0)
        return;
    if (u->env->clock != NULL) {
        u->env->clock->sleep(u->env->clock->ctx, seconds);
        return;
    }
    struct timespec ts = {(time_t)seconds, (long)((seconds - floor(seconds)) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Uniform in [0, 1), from OpenSSL's generator (no global PRNG state). */
static double unit_random(void)
{
    unsigned int r = 0;
    if (RAND_bytes((unsigned char *)&r, sizeof r) != 1)
        return 0.5;
    return r / 4294967296.0;
}

/* The toolkit's Twirp delay after failed attempt a (0-based), in ms. */
static double twirp_delay_ms(int a)
{
    if (a == 0)
        return TWIRP_BASE_MS;
    double lo = TWIRP_BASE_MS * pow(TWIRP_MULTIPLIER, a);
    return floor(lo + unit_random() * (lo * TWIRP_MULTIPLIER - lo));
}

/* Azure's exponential delay before try n + 1 after try n failed (1-based). */
static double blob_delay_s(int n)
{
    double d = (pow(2, n - 1) - 1) * BLOB_DELAY_S;
    return d < BLOB_DELAY_MAX_S ? d : BLOB_DELAY_MAX_S;
}

/* "2026-09-30T12:00:00Z" for now + days, or "" when days is 0. */
static void expiry(const artifact_env *env, int days, char out[32])
{
    out[0] = '\0';
    if (days <= 0)
        return;
    long cap = env->max_retention ? strtol(env->max_retention, NULL, 10) : 0;
    if (cap > 0 && cap < days) {
        log_warn("Retention days cannot be greater than the maximum allowed retention set within "
                 "the repository. Using %ld instead.", cap);
        days = (int)cap;
    }
    time_t t = (env->now ? env->now : time(NULL)) + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- the Twirp calls ---------------------------------------------------- */

static const char *reason_phrase(long status)
{
    static const struct {
        long code;
        const char *text;
    } phrases[] = {
        {200, "OK"}, {201, "Created"}, {400, "Bad Request"}, {401, "Unauthorized"}, {403, "Forbidden"}, {404, "Not Found"},
        {409, "Conflict"}, {412, "Precondition Failed"}, {413, "Payload Too Large"},
        {422, "Unprocessable Entity"}, {429, "Too Many Requests"},
        {500, "Internal Server Error"}, {501, "Not Implemented"}, {502, "Bad Gateway"},
        {503, "Service Unavailable"}, {504, "Gateway Timeout"}};
    for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++)
        if (phrases[i].code == status)
            return phrases[i].text;
    return "HTTP error";
}

static int twirp_retryable(long status)
{
    return status == 500 || status == 502 || status == 503 || status == 504 || status == 429;
}

/* Outcome of one Twirp attempt. */
typedef enum { TW_OK, TW_RETRY, TW_FAIL } tw_outcome;

/* Classifies one attempt's result; on TW_RETRY/TW_FAIL writes the
 * toolkit-style reason into msg.  *body gets the parsed 2xx body. */
static tw_outcome twirp_classify(int rc, const http_resp *resp, const err *herr, cJSON **body,
                                 char *msg, size_t n)
{
    long st = resp->status;
    if (rc != 0) {
        /* http_do ran one attempt only; it leaves the status it got. */
        if (twirp_retryable(st)) {
            snprintf(msg, n, "Failed request: (%ld) %s", st, reason_phrase(st));
            return TW_RETRY;
        }
        if (st >= 400)
            snprintf(msg, n, "Received non-retryable error: Failed request: (%ld) %s", st,
                     reason_phrase(st));
        else
            snprintf(msg, n, "Unable to make request: %.800s", herr->msg);
        return TW_FAIL;
    }
    cJSON *json = cJSON_ParseWithLength(resp->body.data ? resp->body.data : "", resp->body.len);
    if (json == NULL) {
        snprintf(msg, n, "Failed request: (%ld) %s: the response body is not JSON", st,
                 reason_phrase(st));
        return TW_RETRY;
    }
    if (st / 100 == 2) {
        *body = json;
        return TW_OK;
    }
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(json, "msg");
    const char *text = cJSON_IsString(m) ? m->valuestring : "";
    tw_outcome out = twirp_retryable(st) ? TW_RETRY : TW_FAIL;
    if (strstr(text, "insufficient usage") != NULL) {
        snprintf(msg, n, "Artifact storage quota has been hit. Unable to upload any new artifacts. "
                         "Usage is recalculated every 6-12 hours.");
        out = TW_FAIL;
    } else {
        snprintf(msg, n, "%sFailed request: (%ld) %s%s%s",
                 out == TW_FAIL ? "Received non-retryable error: " : "", st, reason_phrase(st),
                 text[0] ? ": " : "", text);
    }
    cJSON_Delete(json);
    return out;
}

/* POSTs req to the service's method and returns the parsed 2xx response
 * (caller frees) in *resp_json.  *status gets the last HTTP status. */
static int twirp_call(upload *u, const char *method, const cJSON *req, cJSON **resp_json,
                      long *status, err *e)
{
    char url[URL_MAX];
    snprintf(url, sizeof url, "%s%s%s", u->origin, TWIRP_SERVICE, method);
    char *body = cJSON_PrintUnformatted(req);
    if (body == NULL)
        return err_set(e, "%s: out of memory", method);
    const char *headers[] = {u->auth, "Content-Type: application/json", NULL};
    http_req r = {.method = "POST", .url = url, .headers = headers, .body = body,
                  .body_len = strlen(body)};
    char msg[ERR_MSG_MAX - 64];
    int rc = -1;
    *resp_json = NULL;
    for (int a = 0; a < TWIRP_ATTEMPTS; a++) {
        http_resp resp;
        err herr;
        err_clear(&herr);
        int hrc = http_do(u->http, &r, &resp, &herr);
        *status = resp.status;
        tw_outcome o = twirp_classify(hrc, &resp, &herr, resp_json, msg, sizeof msg);
        if (hrc == 0)
            buf_release(&resp.body);
        if (o == TW_OK) {
            rc = 0;
            break;
        }
        if (o == TW_FAIL) {
            err_setk(e, ERR_NETWORK, "%s: %s", method, msg);
            break;
        }
        if (a + 1 == TWIRP_ATTEMPTS) {
            err_setk(e, ERR_NETWORK, "%s: Failed to make request after %d attempts: %s", method,
                     TWIRP_ATTEMPTS, msg);
            break;
        }
        double ms = twirp_delay_ms(a);
        log_info("%s: Attempt %d of %d failed with error: %s. Retrying request in %.0f ms...",
                 method, a + 1, TWIRP_ATTEMPTS, msg, ms);
        upload_sleep(u, ms / 1000.0);
    }
    cJSON_free(body);
    return rc;
}

/* The request fields every call carries. */
static cJSON *twirp_request(const upload *u, const char *name)
{
    cJSON *req = cJSON_CreateObject();
    if (req == NULL || cJSON_AddStringToObject(req, "workflow_run_backend_id", u->ids.workflow_run) == NULL ||
        cJSON_AddStringToObject(req, "workflow_job_run_backend_id", u->ids.workflow_job_run) == NULL ||
        cJSON_AddStringToObject(req, "name", name) == NULL) {
        cJSON_Delete(req);
        return NULL;
    }
    return req;
}

/* Responses come in snake_case (GitHub) or camelCase (act's protojson). */
static const cJSON *field(const cJSON *obj, const char *snake, const char *camel)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, snake);
    return v != NULL ? v : cJSON_GetObjectItemCaseSensitive(obj, camel);
}

static int response_ok(const cJSON *resp, const char *method, err *e)
{
    if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(resp, "ok")))
        return err_setk(e, ERR_NETWORK, "%s: response from backend was not ok", method);
    return 0;
}

/* Masks the signed URL's signature, raw and URL-decoded, as the toolkit. */
static void mask_signature(const char *url)
{
    const char *q = strchr(url, '?');
    for (const char *p = q; p != NULL && *p != '\0'; p = strchr(p + 1, '&')) {
        if (strncmp(p + 1, "sig=", 4) != 0)
            continue;
        size_t len = strcspn(p + 5, "&#");
        char *raw = strndup(p + 5, len);
        if (raw == NULL)
            return;
        log_mask(raw);
        int n = 0;
        char *decoded = curl_easy_unescape(NULL, raw, (int)len, &n);
        if (decoded != NULL && strcmp(decoded, raw) != 0)
            log_mask(decoded);
        curl_free(decoded);
        free(raw);
        return;
    }
}

static int create_artifact(upload *u, const char *name, int retention_days, char *signed_url,
                           size_t n, err *e)
{
    cJSON *req = twirp_request(u, name);
    char expires[32];
    expiry(u->env, retention_days, expires);
    if (req == NULL || cJSON_AddNumberToObject(req, "version", 4) == NULL ||
        (expires[0] && cJSON_AddStringToObject(req, "expires_at", expires) == NULL)) {
        cJSON_Delete(req);
        return err_set(e, "CreateArtifact: out of memory");
    }
    cJSON *resp = NULL;
    long status = 0;
    int rc = twirp_call(u, "CreateArtifact", req, &resp, &status, e);
    cJSON_Delete(req);
    if (rc != 0) {
        if (status == 409)
            err_wrap(e, "artifact '%s' already exists in this workflow run (names must be unique "
                        "per run: set the input 'artifact-name' to another name)", name);
        return -1;
    }
    const cJSON *url = field(resp, "signed_upload_url", "signedUploadUrl");
    if (response_ok(resp, "CreateArtifact", e) != 0) {
        rc = -1;
    } else if (!cJSON_IsString(url) || url->valuestring[0] == '\0' || strlen(url->valuestring) >= n) {
        rc = err_setk(e, ERR_NETWORK, "CreateArtifact: the response has no usable signed_upload_url");
    } else {
        mask_signature(url->valuestring);
        strcpy(signed_url, url->valuestring);
    }
    cJSON_Delete(resp);
    return rc;
}

static int finalize_artifact(upload *u, const char *name, const char *hex, artifact_result *out,
                             err *e)
{
    cJSON *req = twirp_request(u, name);
    char size[32], hash[80];
    snprintf(size, sizeof size, "%lld", u->size);
    snprintf(hash, sizeof hash, "sha256:%s", hex);
    if (req == NULL || cJSON_AddStringToObject(req, "size", size) == NULL ||
        cJSON_AddStringToObject(req, "hash", hash) == NULL) {
        cJSON_Delete(req);
        return err_set(e, "FinalizeArtifact: out of memory");
    }
    cJSON *resp = NULL;
    long status = 0;
    int rc = twirp_call(u, "FinalizeArtifact", req, &resp, &status, e);
    cJSON_Delete(req);
    if (rc != 0)
        return -1;
    rc = response_ok(resp, "FinalizeArtifact", e);
    const cJSON *id = field(resp, "artifact_id", "artifactId");
    if (rc == 0 && cJSON_IsString(id) && id->valuestring[0] != '\0' &&
        strspn(id->valuestring, "0123456789") == strlen(id->valuestring) &&
        strlen(id->valuestring) < sizeof out->id)
        strcpy(out->id, id->valuestring);
    else if (rc == 0 && cJSON_IsNumber(id) && id->valuedouble >= 0 && id->valuedouble < 9007199254740992.0)
        snprintf(out->id, sizeof out->id, "%.0f", id->valuedouble);
    else if (rc == 0)
        rc = err_setk(e, ERR_NETWORK, "FinalizeArtifact: the response has no artifact_id");
    cJSON_Delete(resp);
    return rc;
}

/* ---- the blob ---------------------------------------------------------- */

/* One PUT to the signed URL plus `query`, retried as Azure's SDK does. */
static int blob_put(upload *u, const char *signed_url, const char *query, const char *const *headers,
                    const void *body, size_t len, const char *what, err *e)
{
    /* The signed URL is used byte for byte: act re-checks its signature. */
    size_t need = strlen(signed_url) + strlen(query) + 2;
    char *url = malloc(need);
    if (url == NULL)
        return err_set(e, "%s: out of memory", what);
    snprintf(url, need, "%s%c%s", signed_url, strchr(signed_url, '?') ? '&' : '?', query);
    http_req r = {.method = "PUT", .url = url, .headers = headers, .body = body, .body_len = len};
    int rc = -1;
    for (int n = 1; n <= BLOB_TRIES; n++) {
        http_resp resp;
        err herr;
        err_clear(&herr);
        int hrc = http_do(u->http, &r, &resp, &herr);
        long st = resp.status;
        if (hrc == 0)
            buf_release(&resp.body);
        if (hrc == 0 && st / 100 == 2) {
            rc = 0;
            break;
        }
        /* A failed http_do with no status is a socket error or a timeout. */
        int retry = st == 500 || st == 503 || (hrc != 0 && st == 0);
        char cause[ERR_MSG_MAX - 128];
        if (hrc != 0 && st == 0)
            snprintf(cause, sizeof cause, "%.800s", herr.msg);
        else
            snprintf(cause, sizeof cause, "HTTP %ld %s", st, reason_phrase(st));
        if (!retry || n == BLOB_TRIES) {
            err_setk(e, ERR_NETWORK, "%s failed after %d %s: %s", what, n, n == 1 ? "try" : "tries",
                     cause);
            break;
        }
        double wait = blob_delay_s(n);
        log_warn("%s: %s; retrying in %.0f s (try %d of %d)", what, cause, wait, n + 1, BLOB_TRIES);
        upload_sleep(u, wait);
    }
    free(url);
    return rc;
}

/* Fixed-width block ids ("f1-mlops-blk-00000"), Base64-encoded: Azure wants
 * every id of a blob the same length. */
static void block_id(int i, char out[BASE64_ENCODED_SIZE(18)])
{
    char raw[19];
    snprintf(raw, sizeof raw, "f1-mlops-blk-%05u", (unsigned)i % 100000u);
    base64_encode(raw, 18, out);
}

static int put_block(upload *u, const char *signed_url, const void *data, size_t len, err *e)
{
    if (u->blocks >= BLOB_MAX_BLOCKS)
        return err_setk(e, ERR_INPUT, "the file needs more than %d blocks", BLOB_MAX_BLOCKS);
    char id[BASE64_ENCODED_SIZE(18)];
    block_id(u->blocks, id);
    char *escaped = curl_easy_escape(NULL, id, 0);
    if (escaped == NULL)
        return err_set(e, "out of memory");
    char query[128], what[64];
    snprintf(query, sizeof query, "comp=block&blockid=%s", escaped);
    curl_free(escaped);
    snprintf(what, sizeof what, "upload of block %d", u->blocks);
    const char *headers[] = {AZURE_VERSION, "Content-Type: application/octet-stream", NULL};
    if (blob_put(u, signed_url, query, headers, data, len, what, e) != 0)
        return -1;
    u->blocks++;
    return 0;
}

static int put_block_list(upload *u, const char *signed_url, err *e)
{
    buf xml;
    buf_init(&xml, 0);
    int rc = buf_puts(&xml, "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>", e);
    for (int i = 0; rc == 0 && i < u->blocks; i++) {
        char id[BASE64_ENCODED_SIZE(18)];
        block_id(i, id);
        rc = buf_printf(&xml, e, "<Latest>%s</Latest>", id);
    }
    if (rc == 0)
        rc = buf_puts(&xml, "</BlockList>", e);
    const char *headers[] = {AZURE_VERSION, "Content-Type: application/xml",
                             "x-ms-blob-content-type: application/zip", NULL};
    if (rc == 0)
        rc = blob_put(u, signed_url, "comp=blocklist", headers, xml.data, xml.len,
                      "upload of the block list", e);
    buf_release(&xml);
    return rc;
}

/* Streams the file in blocks, hashing and counting exactly what is sent. */
static int upload_file(upload *u, const char *signed_url, const char *path, char hex[65], err *e)
{
    size_t chunk = u->env->chunk_size ? u->env->chunk_size : ARTIFACT_CHUNK_MAX;
    if (chunk > ARTIFACT_CHUNK_MAX)
        chunk = ARTIFACT_CHUNK_MAX;
    size_t size;
    int fd = fs_open_read(path, 0, 0, &size, e); /* never a FIFO or device */
    FILE *f = fd < 0 ? NULL : fdopen(fd, "rb");
    unsigned char *data = malloc(chunk);
    int rc = -1;
    if (f == NULL) {
        if (fd >= 0) {
            err_setk(e, ERR_DATA, "cannot open '%s': %s", path, strerror(errno));
            close(fd);
        }
        goto out;
    }
    if (data == NULL || EVP_DigestInit_ex(u->sha, EVP_sha256(), NULL) != 1) {
        err_set(e, "cannot start hashing '%s'", path);
        goto out;
    }
    for (;;) {
        size_t got = fread(data, 1, chunk, f);
        if (got > 0 && (EVP_DigestUpdate(u->sha, data, got) != 1 ||
                        put_block(u, signed_url, data, got, e) != 0))
            goto out;
        u->size += (long long)got;
        if (got < chunk)
            break;
    }
    if (ferror(f)) {
        err_setk(e, ERR_DATA, "cannot read '%s'", path);
        goto out;
    }
    if (u->size == 0)
        log_warn("artifact: uploading an empty file ('%s', 0 bytes)", path);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (EVP_DigestFinal_ex(u->sha, md, &md_len) != 1) {
        err_set(e, "cannot hash '%s'", path);
        goto out;
    }
    for (unsigned int i = 0; i < md_len; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    rc = put_block_list(u, signed_url, e);
out:
    free(data);
    if (f != NULL)
        fclose(f);
    return rc;
}

/* ---- setup ------------------------------------------------------------- */

/* scheme://host[:port] of url, or -1. */
static int url_origin(const char *url, char *out, size_t n)
{
    CURLU *h = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL;
    int rc = -1;
    if (h != NULL && curl_url_set(h, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(h, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        if (curl_url_get(h, CURLUPART_PORT, &port, 0) != CURLUE_OK)
            port = NULL;
        int w = snprintf(out, n, "%s://%s%s%s", scheme, host, port ? ":" : "", port ? port : "");
        rc = w > 0 && (size_t)w < n ? 0 : -1;
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(h);
    return rc;
}

/* The artifact service exists on github.com, *.ghe.com and *.localhost
 * only; GitHub Enterprise Server has no v4 backend. */
static int check_not_ghes(const char *server_url, err *e)
{
    if (server_url == NULL || server_url[0] == '\0')
        return 0;
    CURLU *h = curl_url();
    char *host = NULL;
    int rc = -1;
    if (h != NULL && curl_url_set(h, CURLUPART_URL, server_url, 0) == CURLUE_OK &&
        curl_url_get(h, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        size_t len = strlen(host);
        if (strcasecmp(host, "github.com") == 0 ||
            (len > 8 && strcasecmp(host + len - 8, ".ghe.com") == 0) ||
            (len > 10 && strcasecmp(host + len - 10, ".localhost") == 0))
            rc = 0;
    }
    if (rc != 0)
        err_setk(e, ERR_INPUT,
                 "artifact upload (Artifacts v4) is not supported on GitHub Enterprise Server "
                 "(GITHUB_SERVER_URL '%s')", server_url);
    curl_free(host);
    curl_url_cleanup(h);
    return rc;
}

static int upload_start(upload *u, const artifact_env *env, err *e)
{
    u->env = env;
    if (env->results_url == NULL || env->results_url[0] == '\0')
        return err_setk(e, ERR_INPUT, "Unable to get the ACTIONS_RESULTS_URL env variable");
    if (url_origin(env->results_url, u->origin, sizeof u->origin) != 0)
        return err_setk(e, ERR_INPUT, "ACTIONS_RESULTS_URL is not a URL: '%s'", env->results_url);
    if (check_not_ghes(env->server_url, e) != 0 || artifact_backend_ids(env->token, &u->ids, e) != 0)
        return -1;
    if ((size_t)snprintf(u->auth, sizeof u->auth, "Authorization: Bearer %s", env->token) >= sizeof u->auth)
        return err_setk(e, ERR_INPUT, "ACTIONS_RUNTIME_TOKEN is too long");
    http_opts o;
    http_opts_default(&o);
    o.max_attempts = 1; /* the retry policies below are the toolkit's */
    o.max_429 = 0;
    o.timeout_ms = env->stall_timeout_ms > 0 ? env->stall_timeout_ms : STALL_TIMEOUT_MS;
    o.max_body = RESPONSE_MAX;
    u->http = http_new_clocked(&o, env->clock, e);
    u->sha = EVP_MD_CTX_new();
    if (u->http == NULL)
        return -1;
    if (u->sha == NULL)
        return err_set(e, "cannot create a SHA-256 context");
    return 0;
}

static void upload_end(upload *u)
{
    http_free(u->http);
    EVP_MD_CTX_free(u->sha);
}

int artifact_upload(const artifact_env *env, const char *name, const char *path,
                    int retention_days, artifact_result *out, err *e)
{
    memset(out, 0, sizeof *out);
    log_mask(env->token);
    if (artifact_name_check(name, e) != 0)
        return -1;
    upload u;
    memset(&u, 0, sizeof u);
    char *signed_url = malloc(URL_MAX);
    int rc = -1;
    if (signed_url == NULL) {
        err_set(e, "out of memory");
        goto out;
    }
    if (upload_start(&u, env, e) != 0 ||
        create_artifact(&u, name, retention_days, signed_url, URL_MAX, e) != 0 ||
        upload_file(&u, signed_url, path, out->digest, e) != 0 ||
        finalize_artifact(&u, name, out->digest, out, e) != 0)
        goto out;
    out->size = u.size;
    const char *server = env->server_url && env->server_url[0] ? env->server_url : "https://github.com";
    size_t slen = strlen(server);
    while (slen > 0 && server[slen - 1] == '/')
        slen--;
    snprintf(out->url, sizeof out->url, "%.*s/%s/actions/runs/%s/artifacts/%s", (int)slen, server,
             env->repository ? env->repository : "", env->run_id ? env->run_id : "", out->id);
    log_info("artifact '%s' uploaded: %lld bytes in %d block(s), id %s, sha256:%s", name, u.size,
             u.blocks, out->id, out->digest);
    rc = 0;
out:
    upload_end(&u);
    free(signed_url);
    return rc;
}
