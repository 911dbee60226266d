/* The workflow's event payload (GITHUB_EVENT_PATH), and the default
 * branch it names or the API knows.  See github.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonfile.h"
#include "net/github.h"

/* Event payloads of big pushes reach megabytes; nothing sane is larger. */
#define GITHUB_EVENT_MAX ((size_t)64 << 20)

static int is_pull_request_event(const char *name)
{
    return strcmp(name, "pull_request") == 0 || strcmp(name, "pull_request_target") == 0;
}

/* Copies a string member at path into out when it is a string that fits
 * and has no control character; otherwise leaves out "". */
static void copy_str(const cJSON *root, const char *path, char *out, size_t n)
{
    const char *s = jsonfile_str(root, path, "");
    out[0] = '\0';
    if (strlen(s) >= n)
        return;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7F)
            return;
    strcpy(out, s);
}

int github_event_load(const char *name, const char *path, github_event *ev, err *e)
{
    memset(ev, 0, sizeof *ev);
    if (name != NULL)
        snprintf(ev->name, sizeof ev->name, "%s", name);
    if (path == NULL || path[0] == '\0')
        return 0;
    cJSON *root = jsonfile_load(path, GITHUB_EVENT_MAX, e);
    if (root == NULL) {
        err_wrap(e, "GITHUB_EVENT_PATH (the workflow's event payload)");
        if (e != NULL)
            e->kind = ERR_INPUT;
        return -1;
    }
    int rc = 0;
    if (!cJSON_IsObject(root)) {
        rc = err_setk(e, ERR_INPUT, "GITHUB_EVENT_PATH '%s' is not a JSON object (expected the "
                                    "workflow's event payload)", path);
        goto out;
    }
    copy_str(root, "repository.default_branch", ev->default_branch, sizeof ev->default_branch);
    if (is_pull_request_event(ev->name)) {
        const cJSON *num = jsonfile_get(root, "pull_request.number");
        double v = cJSON_IsNumber(num) ? num->valuedouble : 0;
        if (!(v >= 1 && v <= 9007199254740992.0 && v == (double)(long long)v)) {
            rc = err_setk(e, ERR_INPUT, "GITHUB_EVENT_PATH '%s': a %s event without a positive "
                                        "whole pull_request.number", path, ev->name);
            goto out;
        }
        ev->pr_number = (long long)v;
    }
out:
    cJSON_Delete(root);
    return rc;
}

int github_default_branch(github_client *g, const github_event *ev, char *out, size_t n, err *e)
{
    if (ev != NULL && ev->default_branch[0] != '\0') {
        if (strlen(ev->default_branch) >= n)
            return err_set(e, "the default branch name is too long");
        strcpy(out, ev->default_branch);
        return 0;
    }
    char url[1024];
    snprintf(url, sizeof url, "%s/repos/%s", github_api_url(g), github_repository(g));
    long status;
    cJSON *json = NULL;
    if (github_call(g, "GET", url, NULL, &status, &json, e) != 0)
        return err_wrap(e, "cannot read the repository's default branch");
    char branch[256];
    copy_str(json, "default_branch", branch, sizeof branch);
    cJSON_Delete(json);
    if (branch[0] == '\0' || strlen(branch) >= n)
        return err_setk(e, ERR_NETWORK, "GET %s: the answer has no usable default_branch", url);
    strcpy(out, branch);
    return 0;
}
