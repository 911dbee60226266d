#include "net/github_comment.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/jsonfile.h"
#include "core/log.h"
#include "core/markdown.h"

#define INPUT "input 'pr-comment'"

int github_comment_marker(buf *out, const char *name, err *e)
{
    static const char safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";
    if (buf_puts(out, "<!-- f1-mlops:report:", e) != 0)
        return -1;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        int rc = strchr(safe, *p) != NULL ? buf_append(out, p, 1, e) : buf_printf(out, e, "%%%02X", *p);
        if (rc != 0)
            return -1;
    }
    return buf_puts(out, " -->", e);
}

typedef struct {
    const char *marker;
    const github_author *author;
    long long id;
} find_ctx;

static long long comment_id(const cJSON *c)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(c, "id");
    if (!cJSON_IsNumber(id) || !(id->valuedouble >= 1 && id->valuedouble <= 9007199254740992.0) ||
        id->valuedouble != floor(id->valuedouble))
        return 0;
    return (long long)id->valuedouble;
}

static int find_item(const cJSON *item, void *vctx, err *e)
{
    (void)e;
    find_ctx *c = vctx;
    const cJSON *body = cJSON_GetObjectItemCaseSensitive(item, "body");
    if (!cJSON_IsString(body) || strncmp(body->valuestring, c->marker, strlen(c->marker)) != 0)
        return 0;
    /* Someone else's copy of the marker is not ours to edit. */
    if (strcmp(jsonfile_str(item, "user.login", ""), c->author->login) != 0 ||
        strcmp(jsonfile_str(item, "user.type", ""), c->author->type) != 0)
        return 0;
    c->id = comment_id(item);
    return c->id > 0; /* the oldest one is ours; later copies are left alone */
}

/* Fills *out from the comment object GitHub answered with. */
static int comment_read(const cJSON *json, const char *what, github_comment *out, err *e)
{
    const cJSON *url = cJSON_GetObjectItemCaseSensitive(json, "html_url");
    out->id = comment_id(json);
    int url_ok = cJSON_IsString(url) && strlen(url->valuestring) < sizeof out->html_url &&
                 (strncmp(url->valuestring, "https://", 8) == 0 || strncmp(url->valuestring, "http://", 7) == 0);
    for (const unsigned char *p = url_ok ? (const unsigned char *)url->valuestring : NULL; p && *p; p++)
        if (*p <= 0x20 || *p == 0x7F)
            url_ok = 0;
    if (out->id <= 0 || !url_ok)
        return err_setk(e, ERR_NETWORK, INPUT ": %s: the answer is not a comment with an id and an "
                                        "http(s) html_url", what);
    strcpy(out->html_url, url->valuestring);
    return 0;
}

/* What the user can do about each refusal of the comment calls. */
static const github_hints comment_hints = {
    .unauthorized = "the github-token input was refused: expected a valid token such as ${{ github.token }}",
    .forbidden = "the token may not write comments: pull requests from forks get a read-only token; "
                 "expected the 'pull-requests: write' permission",
    .not_found = "no such pull request, or the token cannot see it",
};

static int comment_error(const github_client *g, long long issue, err *e)
{
    return github_explain(g, &comment_hints, e, INPUT ": pull request #%lld", issue);
}

int github_comment_author(github_client *g, github_author *out, err *e)
{
    memset(out, 0, sizeof *out);
    char url[2048];
    snprintf(url, sizeof url, "%s/user", github_api_url(g));
    long status = 0;
    cJSON *json = NULL;
    if (github_call(g, "GET", url, NULL, &status, &json, e) != 0) {
        if (github_last_failure(g) != GITHUB_FORBIDDEN)
            return github_explain(g, &comment_hints, e, INPUT ": who is the token (GET /user)");
        /* An installation token: the workflow's own, writing as the bot. */
        snprintf(out->login, sizeof out->login, "%s", GITHUB_ACTIONS_BOT);
        snprintf(out->type, sizeof out->type, "Bot");
        return 0;
    }
    const char *login = jsonfile_str(json, "login", ""), *type = jsonfile_str(json, "type", "");
    int ok = login[0] != '\0' && type[0] != '\0' && strlen(login) < sizeof out->login &&
             strlen(type) < sizeof out->type;
    if (ok) {
        strcpy(out->login, login);
        strcpy(out->type, type);
    }
    cJSON_Delete(json);
    if (!ok)
        return err_setk(e, ERR_NETWORK, INPUT ": GET %s: the answer is not a user with a login and "
                                        "a type", url);
    return 0;
}

int github_comment_upsert(github_client *g, long long issue, const char *marker, const char *body,
                          const github_author *author, github_comment *out, err *e)
{
    memset(out, 0, sizeof *out);
    if (issue <= 0 || marker[0] == '\0' || strncmp(body, marker, strlen(marker)) != 0)
        return err_set(e, "github_comment_upsert: the body must start with its marker");
    if (strlen(body) > MARKDOWN_COMMENT_MAX)
        return err_set(e, "github_comment_upsert: the body is over %d bytes (cap it with markdown_cap)",
                       MARKDOWN_COMMENT_MAX);
    char url[2048];
    snprintf(url, sizeof url, "%s/repos/%s/issues/%lld/comments?per_page=100", github_api_url(g),
             github_repository(g), issue);
    find_ctx c = {marker, author, 0};
    if (github_list(g, url, NULL, find_item, &c, e) != 0)
        return comment_error(g, issue, e);
    cJSON *req = cJSON_CreateObject();
    if (req == NULL || cJSON_AddStringToObject(req, "body", body) == NULL) {
        cJSON_Delete(req);
        return err_set(e, "out of memory");
    }
    const char *method = c.id > 0 ? "PATCH" : "POST";
    if (c.id > 0)
        snprintf(url, sizeof url, "%s/repos/%s/issues/comments/%lld", github_api_url(g),
                 github_repository(g), c.id);
    else
        snprintf(url, sizeof url, "%s/repos/%s/issues/%lld/comments", github_api_url(g),
                 github_repository(g), issue);
    long status = 0;
    cJSON *json = NULL;
    int rc = github_call(g, method, url, req, &status, &json, e);
    cJSON_Delete(req);
    if (rc != 0)
        return comment_error(g, issue, e);
    char what[2200];
    snprintf(what, sizeof what, "%s %s", method, url);
    rc = comment_read(json, what, out, e);
    cJSON_Delete(json);
    if (rc != 0)
        return -1;
    out->created = c.id == 0;
    log_info("pull request #%lld: comment %lld %s (%s)", issue, out->id, out->created ? "created" : "updated",
             out->html_url);
    return 0;
}
