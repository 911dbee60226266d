#include "net/github_artifact.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "core/fsutil.h"
#include "core/log.h"
#include "core/unzip.h"

#define INPUT "input 'baseline-model'"

/* ---- ISO 8601 ------------------------------------------------------------ */

/* An instant to compare: seconds since the epoch and nanoseconds. */
typedef struct {
    long long sec;
    long nsec;
} instant;

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil). */
static long long days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* n digits at *p as a number in [lo, hi], advancing *p, then the
 * separator sep (checked case-insensitively; 0 = none).  -1 otherwise. */
static int field(const char **p, int n, int lo, int hi, char sep)
{
    int v = 0;
    for (int i = 0; i < n; i++, (*p)++) {
        if (!isdigit((unsigned char)**p))
            return -1;
        v = v * 10 + (**p - '0');
    }
    if (v < lo || v > hi)
        return -1;
    if (sep != 0) {
        if (tolower((unsigned char)**p) != tolower((unsigned char)sep))
            return -1;
        (*p)++;
    }
    return v;
}

/* Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)", the form
 * GitHub's created_at takes.  Returns 0, or -1 when s is anything else. */
static int iso8601(const char *s, instant *out)
{
    const char *p = s;
    int y = field(&p, 4, 0, 9999, '-');
    int mo = field(&p, 2, 1, 12, '-');
    int d = field(&p, 2, 1, 31, 'T');
    int h = field(&p, 2, 0, 23, ':');
    int mi = field(&p, 2, 0, 59, ':');
    int sec = field(&p, 2, 0, 60, 0);
    if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0)
        return -1;
    long nsec = 0;
    if (*p == '.') {
        p++;
        int n = 0;
        for (; isdigit((unsigned char)*p); p++, n++)
            if (n < 9)
                nsec = nsec * 10 + (*p - '0');
        if (n == 0)
            return -1;
        for (; n < 9; n++)
            nsec *= 10;
    }
    long long offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1;
        int oh = field(&p, 2, 0, 23, ':');
        int om = field(&p, 2, 0, 59, 0);
        if (oh < 0 || om < 0)
            return -1;
        offset = sign * (oh * 3600LL + om * 60LL);
    } else {
        return -1;
    }
    if (*p != '\0')
        return -1;
    out->sec = days_from_civil(y, mo, d) * 86400 + h * 3600LL + mi * 60LL + sec - offset;
    out->nsec = nsec;
    return 0;
}

/* ---- finding ------------------------------------------------------------- */

typedef struct {
    const char *name;
    const char *branch;
    github_artifact best;
    instant best_at;
    int have;
    long listed, expired, other_branch, malformed;
} find_ctx;

/* A whole number in (0, 2^53], or -1. */
static long long whole(const cJSON *v)
{
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble <= 9007199254740992.0) ||
        v->valuedouble != floor(v->valuedouble))
        return -1;
    return (long long)v->valuedouble;
}

/* Copies string member key of o into out when it is a string that fits;
 * returns 0, or -1. */
static int copy_member(const cJSON *o, const char *key, char *out, size_t n)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsString(v) || strlen(v->valuestring) >= n)
        return -1;
    strcpy(out, v->valuestring);
    return 0;
}

/* Reads one listed artifact into *a; -1 when a field is missing or of the
 * wrong type (a head_branch of null, as runs without a branch have, reads
 * as ""). */
static int artifact_parse(const cJSON *item, github_artifact *a, int *expired, instant *at)
{
    memset(a, 0, sizeof *a);
    const cJSON *run = cJSON_GetObjectItemCaseSensitive(item, "workflow_run");
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(item, "expired");
    const cJSON *branch = cJSON_GetObjectItemCaseSensitive(run, "head_branch");
    a->id = whole(cJSON_GetObjectItemCaseSensitive(item, "id"));
    a->size_in_bytes = whole(cJSON_GetObjectItemCaseSensitive(item, "size_in_bytes"));
    a->run_id = whole(cJSON_GetObjectItemCaseSensitive(run, "id"));
    if (a->id <= 0 || a->size_in_bytes < 0 || !cJSON_IsBool(exp) || !cJSON_IsObject(run) ||
        copy_member(item, "name", a->name, sizeof a->name) != 0 ||
        copy_member(item, "created_at", a->created_at, sizeof a->created_at) != 0 ||
        iso8601(a->created_at, at) != 0 ||
        copy_member(item, "archive_download_url", a->download_url, sizeof a->download_url) != 0 ||
        (!cJSON_IsNull(branch) && copy_member(run, "head_branch", a->head_branch, sizeof a->head_branch) != 0))
        return -1;
    if (copy_member(run, "head_sha", a->head_sha, sizeof a->head_sha) != 0)
        a->head_sha[0] = '\0';
    *expired = cJSON_IsTrue(exp);
    return 0;
}

static int newer(const instant *a, long long a_id, const instant *b, long long b_id)
{
    if (a->sec != b->sec)
        return a->sec > b->sec;
    if (a->nsec != b->nsec)
        return a->nsec > b->nsec;
    return a_id > b_id;
}

static int find_item(const cJSON *item, void *vctx, err *e)
{
    (void)e;
    find_ctx *c = vctx;
    github_artifact a;
    instant at;
    int expired = 0;
    if (artifact_parse(item, &a, &expired, &at) != 0) {
        c->malformed++;
        return 0;
    }
    /* The API filters by name already; an item that is not ours is not
     * counted at all. */
    if (strcmp(a.name, c->name) != 0)
        return 0;
    c->listed++;
    if (expired) {
        c->expired++;
        return 0;
    }
    if (strcmp(a.head_branch, c->branch) != 0) {
        c->other_branch++;
        return 0;
    }
    if (!c->have || newer(&at, a.id, &c->best_at, c->best.id)) {
        c->best = a;
        c->best_at = at;
        c->have = 1;
    }
    return 0;
}

/* What the user can do about each refusal of a baseline lookup. */
static const github_hints baseline_hints = {
    .unauthorized = "the github-token input was refused: expected a valid token such as ${{ github.token }}",
    .forbidden = "the token may not read artifacts: expected one with the 'actions: read' permission",
    .not_found = "the repository or the artifact does not exist or the token cannot see it",
    .gone = "the artifact has expired",
};

static int baseline_error(const github_client *g, const char *name, err *e)
{
    return github_explain(g, &baseline_hints, e, INPUT " (artifact:%.200s)", name);
}

int github_artifact_find(github_client *g, const char *name, const char *branch, github_artifact *out,
                         err *e)
{
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7F)
            return err_setk(e, ERR_INPUT, INPUT ": the artifact name holds a control character "
                                          "(expected artifact:NAME with a plain artifact name)");
    if (name[0] == '\0')
        return err_setk(e, ERR_INPUT, INPUT ": 'artifact:' names no artifact (expected artifact:NAME, "
                                      "e.g. artifact:f1-model)");
    char *escaped = curl_easy_escape(NULL, name, 0);
    if (escaped == NULL)
        return err_set(e, "out of memory");
    char url[4096];
    snprintf(url, sizeof url, "%s/repos/%s/actions/artifacts?name=%s&per_page=100", github_api_url(g),
             github_repository(g), escaped);
    curl_free(escaped);
    find_ctx c;
    memset(&c, 0, sizeof c);
    c.name = name;
    c.branch = branch;
    if (github_list(g, url, "artifacts", find_item, &c, e) != 0)
        return baseline_error(g, name, e);
    if (!c.have) {
        err_setk(e, ERR_INPUT,
                        INPUT " (artifact:%.200s): no unexpired artifact '%.200s' from the default branch "
                        "'%.200s' in %s (listed %ld: %ld expired, %ld from other branches, %ld "
                        "unreadable); expected the name of an artifact that a workflow run on '%.200s' "
                        "uploaded within its retention period",
                        name, name, branch, github_repository(g), c.listed + c.malformed, c.expired,
                        c.other_branch, c.malformed, branch);
        return 1;
    }
    *out = c.best;
    return 0;
}

/* ---- downloading --------------------------------------------------------- */

int github_artifact_download(github_client *g, const github_artifact *a, const char *path, size_t cap,
                             err *e)
{
    if (cap == 0)
        cap = GITHUB_ARTIFACT_MAX;
    if ((unsigned long long)a->size_in_bytes > cap)
        return err_setk(e, ERR_INPUT,
                        INPUT " (artifact:%.200s): artifact %lld is %lld bytes, more than the limit of %zu "
                        "(expected an f1-mlops model artifact)",
                        a->name, a->id, a->size_in_bytes, cap);
    buf zip;
    buf_init(&zip, cap);
    int rc = -1;
    if (github_download(g, a->download_url, cap, &zip, e) != 0) {
        baseline_error(g, a->name, e);
        goto out;
    }
    /* A zip starts with a local file header, or is empty (end record). */
    if (zip.len < 4 || (memcmp(zip.data, "PK\x03\x04", 4) != 0 && memcmp(zip.data, "PK\x05\x06", 4) != 0)) {
        err_setk(e, ERR_NETWORK, INPUT " (artifact:%.200s): the download of artifact %lld is not a zip "
                                 "(%zu bytes)", a->name, a->id, zip.len);
        goto out;
    }
    if (fs_write_atomic(path, zip.data, zip.len, e) != 0)
        goto out;
    log_info("baseline: artifact '%s' (id %lld, run %lld, %s, created %s) downloaded to %s (%zu bytes)",
             a->name, a->id, a->run_id, a->head_sha[0] ? a->head_sha : "no sha", a->created_at, path,
             zip.len);
    rc = 0;
out:
    buf_release(&zip);
    return rc;
}

int github_artifact_baseline(github_client *g, const github_event *ev, const char *name,
                             const char *zip_path, github_artifact *out, err *e)
{
    char branch[256];
    if (github_default_branch(g, ev, branch, sizeof branch, e) != 0)
        return baseline_error(g, name, e);
    int rc = github_artifact_find(g, name, branch, out, e);
    if (rc != 0)
        return rc;
    return github_artifact_download(g, out, zip_path, 0, e);
}

/* ---- the model inside ---------------------------------------------------- */

int github_artifact_model_json(const char *zip_path, size_t cap, buf *json, err *e)
{
    if (cap == 0)
        cap = GITHUB_MODEL_JSON_MAX;
    unzip *outer = unzip_open_file(zip_path, e);
    unzip *inner = NULL;
    buf nested;
    buf_init(&nested, 0);
    int rc = -1;
    if (outer == NULL)
        goto fail;
    if (unzip_has(outer, "model.json")) {
        rc = unzip_read(outer, "model.json", cap, json, e);
    } else if (unzip_has(outer, "f1-model.zip")) {
        char what[4200];
        snprintf(what, sizeof what, "member 'f1-model.zip' of '%s'", zip_path);
        if (unzip_read(outer, "f1-model.zip", cap, &nested, e) != 0)
            goto fail;
        inner = unzip_open_mem(nested.data, nested.len, what, e);
        if (inner == NULL)
            goto fail;
        if (!unzip_has(inner, "model.json")) {
            err_setk(e, ERR_INPUT, INPUT ": %s holds no model.json (expected a zip written by f1-mlops' "
                                   "package stage)", what);
            goto out;
        }
        rc = unzip_read(inner, "model.json", cap, json, e);
    } else {
        err_setk(e, ERR_INPUT, INPUT ": the artifact archive '%s' holds neither model.json nor "
                               "f1-model.zip at its top (expected an artifact uploaded by f1-mlops)",
                 zip_path);
        goto out;
    }
    if (rc == 0)
        goto out;
fail:
    err_wrap(e, INPUT);
    if (e != NULL)
        e->kind = ERR_INPUT;
out:
    unzip_close(inner);
    unzip_close(outer);
    buf_release(&nested);
    return rc;
}
