#include "core/jsonfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/fsutil.h"

cJSON *jsonfile_parse(const char *data, size_t len, const char *what, err *e)
{
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(data, len, &end, 0);
    if (root == NULL) {
        err_setk(e, ERR_DATA, "%s is not valid JSON", what);
        return NULL;
    }
    /* Bytes after the value mean a torn or concatenated file. */
    while (end < data + len && strchr(" \t\r\n", *end) != NULL && *end != '\0')
        end++;
    if (end != data + len) {
        cJSON_Delete(root);
        err_setk(e, ERR_DATA, "%s has bytes after its JSON value", what);
        return NULL;
    }
    return root;
}

cJSON *jsonfile_load(const char *path, size_t cap, err *e)
{
    buf b;
    buf_init(&b, cap);
    cJSON *root = NULL;
    if (fs_read_file(path, &b, e) == 0) {
        char what[4200];
        snprintf(what, sizeof what, "'%s'", path);
        root = jsonfile_parse(b.data, b.len, what, e);
    }
    buf_release(&b);
    return root;
}

const cJSON *jsonfile_get(const cJSON *root, const char *path)
{
    const cJSON *cur = root;
    const char *p = path;
    while (cur != NULL && *p != '\0') {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        char key[128];
        if (len >= sizeof key)
            return NULL;
        memcpy(key, p, len);
        key[len] = '\0';
        if (cJSON_IsArray(cur))
            cur = key[0] && strspn(key, "0123456789") == len ? cJSON_GetArrayItem(cur, atoi(key)) : NULL;
        else
            cur = cJSON_IsObject(cur) ? cJSON_GetObjectItemCaseSensitive(cur, key) : NULL;
        p += len;
        if (*p == '.')
            p++;
    }
    return cur;
}

double jsonfile_num(const cJSON *root, const char *path, double dflt)
{
    const cJSON *it = jsonfile_get(root, path);
    return cJSON_IsNumber(it) ? it->valuedouble : dflt;
}

const char *jsonfile_str(const cJSON *root, const char *path, const char *dflt)
{
    const cJSON *it = jsonfile_get(root, path);
    return cJSON_IsString(it) ? it->valuestring : dflt;
}
