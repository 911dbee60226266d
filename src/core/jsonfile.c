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

/* The item at path as the text of a string (*text) or the value of a
 * JSON number (*text NULL, *num): 0, 1 when absent, or -1 (ERR_DATA,
 * saying what it is and what was expected) for any other item. */
static int number_item(const cJSON *root, const char *path, const char *expected, const char **text,
                       double *num, err *e)
{
    const cJSON *it = jsonfile_get(root, path);
    *text = NULL;
    if (it == NULL)
        return 1;
    if (cJSON_IsString(it)) {
        *text = it->valuestring;
        return 0;
    }
    if (cJSON_IsNumber(it)) {
        *num = it->valuedouble;
        return 0;
    }
    const char *kind = cJSON_IsNull(it)    ? "null"
                       : cJSON_IsBool(it)  ? "a boolean"
                       : cJSON_IsArray(it) ? "an array"
                                           : "an object";
    return err_setk(e, ERR_DATA, "%s (expected %s)", kind, expected);
}

int jsonfile_num_in(const cJSON *root, const char *path, double lo, double hi, double *out, err *e)
{
    const char *text;
    double v = 0;
    int rc = number_item(root, path, "a number", &text, &v, e);
    if (rc == 0)
        rc = text ? num_parse_finite(text, lo, hi, &v, e) : num_check_finite(v, lo, hi, e);
    if (rc < 0)
        return err_wrap(e, "field '%s'", path);
    if (rc == 0)
        *out = v == 0 ? 0.0 : v;
    return rc;
}

int jsonfile_num_array(const cJSON *obj, const char *key, int n, double lo, double *dbls, int *ints,
                       err *e)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != n)
        return err_setk(e, ERR_DATA, "'%s' is missing or does not have %d entries", key, n);
    int i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, a) {
        double v = it->valuedouble;
        if (!cJSON_IsNumber(it) || !isfinite(v) || v < lo ||
            (dbls == NULL && (v != floor(v) || fabs(v) > 2e9))) {
            if (lo > -HUGE_VAL)
                return err_setk(e, ERR_DATA, "'%s' entry %d is not a finite %s >= %g", key, i,
                                dbls ? "number" : "whole number", lo);
            return err_setk(e, ERR_DATA, "'%s' entry %d is not a finite %s", key, i,
                            dbls ? "number" : "whole number");
        }
        if (dbls != NULL)
            dbls[i] = v;
        else
            ints[i] = (int)v;
        i++;
    }
    return 0;
}

int jsonfile_int_in(const cJSON *root, const char *path, long lo, long hi, int *out, err *e)
{
    const char *text;
    double v = 0;
    long n = 0;
    int rc = number_item(root, path, "a whole number", &text, &v, e);
    if (rc == 0 && text != NULL) {
        rc = num_parse_int(text, lo, hi, &n, e);
    } else if (rc == 0) {
        rc = num_check_finite(v, (double)lo, (double)hi, e);
        if (rc == 0 && v != floor(v))
            rc = err_setk(e, ERR_DATA, "%.17g is not a whole number", v);
        n = rc == 0 ? (long)v : 0;
    }
    if (rc < 0)
        return err_wrap(e, "field '%s'", path);
    if (rc == 0)
        *out = (int)n;
    return rc;
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
