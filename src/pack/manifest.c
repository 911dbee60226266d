#include "pack/manifest.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/jsonfile.h"
#include "core/sha256.h"
#include "core/version.h"

static void manifest_range(char *out, size_t n, int first, int last)
{
    if (first == 0)
        snprintf(out, n, "%s", "");
    else if (last == 0)
        snprintf(out, n, "%d-latest", first);
    else
        snprintf(out, n, "%d-%d", first, last);
}

static int manifest_cfg_parameters(cJSON *inputs, const config *cfg)
{
    char amount[64], seed[32];
    snprintf(seed, sizeof seed, "%" PRIu64, cfg->seed);
    int ok = cJSON_AddNumberToObject(inputs, "n-estimators", cfg->n_estimators) != NULL;
    amount_str(cfg->max_samples, amount, sizeof amount);
    ok = ok && cJSON_AddStringToObject(inputs, "max-samples", amount) != NULL;
    amount_str(cfg->max_features, amount, sizeof amount);
    ok = ok && cJSON_AddStringToObject(inputs, "max-features", amount) != NULL;
    ok = ok && cJSON_AddBoolToObject(inputs, "bootstrap", cfg->bootstrap) != NULL;
    ok = ok && cJSON_AddBoolToObject(inputs, "bootstrap-features", cfg->bootstrap_features) != NULL;
    ok = ok && cJSON_AddNumberToObject(inputs, "max-depth", cfg->max_depth) != NULL;
    ok = ok && cJSON_AddStringToObject(inputs, "seed", seed) != NULL;
    return ok ? 0 : -1;
}

static cJSON *manifest_inputs(const config *cfg, const cJSON *metrics)
{
    cJSON *in = cJSON_CreateObject();
    char range[64];
    manifest_range(range, sizeof range, cfg->season_first, cfg->season_last);
    int ok = in != NULL && cJSON_AddStringToObject(in, "seasons", range) != NULL;
    int test = cfg->test_season != 0 ? cfg->test_season : (int)jsonfile_num(metrics, "test_season", 0);
    ok = ok && cJSON_AddNumberToObject(in, "test-season", test) != NULL;
    manifest_range(range, sizeof range, cfg->backtest_first, cfg->backtest_last);
    ok = ok && cJSON_AddStringToObject(in, "backtest", range) != NULL;
    ok = ok && cJSON_AddBoolToObject(in, "wikipedia", cfg->wikipedia) != NULL;
    ok = ok && cJSON_AddStringToObject(in, "artifact-name", cfg->artifact_name) != NULL;
    const cJSON *trained = jsonfile_get(metrics, "parameters");
    if (ok && cJSON_IsObject(trained)) {
        const cJSON *p;
        cJSON_ArrayForEach(p, trained)
        {
            cJSON *copy = cJSON_Duplicate(p, 1);
            ok = ok && copy != NULL && cJSON_AddItemToObject(in, p->string, copy);
        }
    } else if (ok) {
        ok = manifest_cfg_parameters(in, cfg) == 0;
    }
    if (!ok) {
        cJSON_Delete(in);
        return NULL;
    }
    return in;
}

static cJSON *manifest_files(const archive_member *files, int n, err *e)
{
    cJSON *obj = cJSON_CreateObject();
    if (obj == NULL) {
        err_set(e, "out of memory building manifest.json");
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        char hex[SHA256_HEX_SIZE];
        cJSON *f = cJSON_AddObjectToObject(obj, files[i].name);
        if (sha256_hex(files[i].data, files[i].len, hex, e) != 0 || f == NULL ||
            cJSON_AddStringToObject(f, "sha256", hex) == NULL ||
            cJSON_AddNumberToObject(f, "size", (double)files[i].len) == NULL) {
            if (f == NULL)
                err_set(e, "out of memory building manifest.json");
            cJSON_Delete(obj);
            return NULL;
        }
    }
    return obj;
}

int manifest_render(buf *out, const config *cfg, const cJSON *metrics, const archive_member *files,
                    int n, err *e)
{
    int rc = -1;
    cJSON *root = cJSON_CreateObject();
    cJSON *inputs = manifest_inputs(cfg, metrics);
    const cJSON *data = jsonfile_get(metrics, "data");
    cJSON *data_copy = cJSON_Duplicate(cJSON_IsObject(data) ? data : NULL, 1);
    if (data_copy == NULL)
        data_copy = cJSON_CreateObject();
    cJSON *listed = manifest_files(files, n, e);
    if (listed == NULL)
        goto out;
    if (root == NULL || inputs == NULL || data_copy == NULL ||
        cJSON_AddStringToObject(root, "tool", "f1-mlops") == NULL ||
        cJSON_AddStringToObject(root, "tool_version", F1_VERSION) == NULL)
        goto oom;
    /* Ownership moves into root one item at a time, so the out: label frees
     * exactly what was not attached. */
    if (!cJSON_AddItemToObject(root, "inputs", inputs))
        goto oom;
    inputs = NULL;
    if (!cJSON_AddItemToObject(root, "data", data_copy))
        goto oom;
    data_copy = NULL;
    if (!cJSON_AddItemToObject(root, "files", listed))
        goto oom;
    listed = NULL;
    rc = jsonfile_render(out, root, JSONFILE_PRETTY, e);
    goto out;
oom:
    err_set(e, "out of memory building manifest.json");
out:
    cJSON_Delete(listed);
    cJSON_Delete(data_copy);
    cJSON_Delete(inputs);
    cJSON_Delete(root);
    return rc;
}

static int manifest_check_member(const cJSON *files, const archive_member *m, err *e)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(files, m->name);
    if (!cJSON_IsObject(f))
        return err_setk(e, ERR_DATA, "member '%s' is not listed in %s", m->name, MANIFEST_NAME);
    char hex[SHA256_HEX_SIZE];
    if (sha256_hex(m->data, m->len, hex, e) != 0)
        return -1;
    const char *want = jsonfile_str(f, "sha256", "");
    if (strcmp(hex, want) != 0)
        return err_setk(e, ERR_DATA, "member '%s' has sha-256 %s but %s says %s", m->name, hex,
                        MANIFEST_NAME, want);
    double size = jsonfile_num(f, "size", -1);
    if (size != (double)m->len)
        return err_setk(e, ERR_DATA, "member '%s' has %zu bytes but %s says %.0f", m->name, m->len,
                        MANIFEST_NAME, size);
    return 0;
}

int manifest_verify(const archive_contents *c, err *e)
{
    const archive_member *man = archive_find(c, MANIFEST_NAME);
    if (man == NULL)
        return err_setk(e, ERR_DATA, "the zip has no %s", MANIFEST_NAME);
    cJSON *root = jsonfile_parse(man->data, man->len, MANIFEST_NAME, e);
    if (root == NULL)
        return -1;
    int rc = -1;
    const cJSON *files = cJSON_GetObjectItemCaseSensitive(root, "files");
    if (!cJSON_IsObject(files)) {
        err_setk(e, ERR_DATA, "%s has no \"files\" object", MANIFEST_NAME);
        goto out;
    }
    for (int i = 0; i < c->n; i++)
        if (&c->m[i] != man && manifest_check_member(files, &c->m[i], e) != 0)
            goto out;
    /* Every listed member was found above; a count mismatch is a listed file
     * missing from the zip. */
    if (cJSON_GetArraySize(files) != c->n - 1) {
        const cJSON *f;
        cJSON_ArrayForEach(f, files)
        {
            if (archive_find(c, f->string) == NULL) {
                err_setk(e, ERR_DATA, "%s lists '%s', which the zip lacks", MANIFEST_NAME, f->string);
                goto out;
            }
        }
        err_setk(e, ERR_DATA, "%s lists a member twice, or itself", MANIFEST_NAME);
        goto out;
    }
    rc = 0;
out:
    cJSON_Delete(root);
    return rc;
}
