#include "core/jsonfile.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
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

int jsonfile_render(buf *out, const cJSON *root, jsonfile_style style, err *e)
{
    char *text = root ? (style == JSONFILE_PRETTY ? cJSON_Print(root) : cJSON_PrintUnformatted(root))
                      : NULL;
    if (text == NULL)
        return err_set(e, "out of memory rendering JSON");
    int rc = buf_puts(out, text, e);
    if (rc == 0 && style == JSONFILE_PRETTY)
        rc = buf_puts(out, "\n", e);
    cJSON_free(text);
    return rc;
}

int jsonfile_write(const char *path, const cJSON *root, jsonfile_style style, err *e)
{
    buf b;
    buf_init(&b, 0);
    int rc = jsonfile_render(&b, root, style, e);
    if (rc != 0)
        err_wrap(e, "writing '%s'", path);
    else
        rc = fs_write_atomic(path, b.data, b.len, e);
    buf_release(&b);
    return rc;
}

const cJSON *jsonfile_get(const cJSON *root, const char *path)
{
    /* The common case, a plain key, without copying it. */
    if (strchr(path, '.') == NULL && cJSON_IsObject(root))
        return cJSON_GetObjectItemCaseSensitive(root, path);
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
    if (cJSON_IsNumber(it))
        return it->valuedouble;
    if (!cJSON_IsString(it) || it->valuestring[0] == '\0' || isspace((unsigned char)it->valuestring[0]))
        return dflt;
    char *end;
    double v = strtod(it->valuestring, &end);
    return *end == '\0' ? v : dflt;
}

int jsonfile_int(const cJSON *root, const char *path, int *out)
{
    const cJSON *it = jsonfile_get(root, path);
    double v = NAN;
    if (cJSON_IsNumber(it)) {
        v = it->valuedouble;
    } else if (cJSON_IsString(it) && it->valuestring[0] != '\0' &&
               !isspace((unsigned char)it->valuestring[0])) {
        char *end;
        errno = 0;
        long n = strtol(it->valuestring, &end, 10);
        if (*end == '\0' && errno == 0)
            v = (double)n;
    }
    if (!(v >= -JSONFILE_INT_MAX && v <= JSONFILE_INT_MAX) || v != (double)(int)v)
        return -1;
    *out = (int)v;
    return 0;
}

const char *jsonfile_str(const cJSON *root, const char *path, const char *dflt)
{
    const cJSON *it = jsonfile_get(root, path);
    return cJSON_IsString(it) ? it->valuestring : dflt;
}
