#include "core/jsonfile.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/fsutil.h"
#include "core/num.h"

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

/* What a non-number item is, for errors. */
static const char *item_kind(const cJSON *it)
{
    if (cJSON_IsNull(it))
        return "null";
    if (cJSON_IsBool(it))
        return "a boolean";
    if (cJSON_IsArray(it))
        return "an array";
    return cJSON_IsObject(it) ? "an object" : "not a number";
}

int jsonfile_num_in(const cJSON *root, const char *path, double lo, double hi, double *out, err *e)
{
    const cJSON *it = jsonfile_get(root, path);
    if (it == NULL)
        return 1;
    double v;
    int rc;
    if (cJSON_IsNumber(it)) {
        v = it->valuedouble;
        rc = num_check_finite(v, lo, hi, e);
    } else if (cJSON_IsString(it)) {
        rc = num_parse_finite(it->valuestring, lo, hi, &v, e);
    } else {
        rc = err_setk(e, ERR_DATA, "%s (expected a number from %g to %g)", item_kind(it), lo, hi);
    }
    if (rc != 0)
        return err_wrap(e, "field '%s'", path);
    *out = v == 0 ? 0.0 : v;
    return 0;
}

int jsonfile_int_in(const cJSON *root, const char *path, long lo, long hi, int *out, err *e)
{
    const cJSON *it = jsonfile_get(root, path);
    if (it == NULL)
        return 1;
    long n = 0;
    int rc;
    if (cJSON_IsNumber(it)) {
        double v = it->valuedouble;
        rc = num_check_finite(v, (double)lo, (double)hi, e);
        if (rc == 0 && v != floor(v))
            rc = err_setk(e, ERR_DATA, "%.17g is not a whole number", v);
        n = rc == 0 ? (long)v : 0;
    } else if (cJSON_IsString(it)) {
        rc = num_parse_int(it->valuestring, lo, hi, &n, e);
    } else {
        rc = err_setk(e, ERR_DATA, "%s (expected a whole number from %ld to %ld)", item_kind(it), lo, hi);
    }
    if (rc != 0)
        return err_wrap(e, "field '%s'", path);
    *out = (int)n;
    return 0;
}

double jsonfile_num(const cJSON *root, const char *path, double dflt)
{
    double v;
    err ignored;
    return jsonfile_num_in(root, path, -DBL_MAX, DBL_MAX, &v, &ignored) == 0 ? v : dflt;
}

int jsonfile_int(const cJSON *root, const char *path, int *out)
{
    err ignored;
    return jsonfile_int_in(root, path, -JSONFILE_INT_MAX, JSONFILE_INT_MAX, out, &ignored) == 0 ? 0 : -1;
}

const char *jsonfile_str(const cJSON *root, const char *path, const char *dflt)
{
    const cJSON *it = jsonfile_get(root, path);
    return cJSON_IsString(it) ? it->valuestring : dflt;
}
