/* metrics_fixture: hand-made stage outputs (model.json, metrics.json,
 * predictions.csv in the layout stages/evaluate.c writes) in a temporary
 * data-dir, for the package, summary and report tests.  Included once per
 * test program; everything returned is the caller's to free. */
#ifndef F1_TESTS_METRICS_FIXTURE_H
#define F1_TESTS_METRICS_FIXTURE_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/log.h"

#define FIXTURE_TEST_SEASON 2024

/* A "model" object, or (baseline) a baseline's, which has fewer keys. */
static inline cJSON *fixture_scores(double precision, double hits, double races, int baseline)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "precision", precision);
    if (!baseline) {
        cJSON_AddNumberToObject(o, "expected_precision", precision - 0.03);
        cJSON_AddNumberToObject(o, "top3_hit_rate", 0.9);
    }
    cJSON_AddNumberToObject(o, "races", races);
    cJSON_AddNumberToObject(o, "hits", hits);
    return o;
}

static inline cJSON *fixture_race(int round, const char *name)
{
    char fallback[64];
    snprintf(fallback, sizeof fallback, "Race %d Grand Prix", round);
    cJSON *r = cJSON_CreateObject();
    cJSON_AddNumberToObject(r, "season", FIXTURE_TEST_SEASON);
    cJSON_AddNumberToObject(r, "round", round);
    cJSON_AddStringToObject(r, "race_name", name ? name : fallback);
    cJSON_AddStringToObject(r, "predicted", "max_verstappen");
    cJSON_AddNumberToObject(r, "predicted_score", 0.91);
    cJSON *actual = cJSON_AddArrayToObject(r, "actual");
    cJSON_AddItemToArray(actual, cJSON_CreateString(round % 3 ? "max_verstappen" : "norris"));
    cJSON_AddBoolToObject(r, "hit", round % 3 != 0);
    cJSON_AddNumberToObject(r, "expected_hit", round % 3 ? 1.0 : 0.0);
    cJSON_AddStringToObject(r, "pole", "max_verstappen");
    cJSON_AddStringToObject(r, "leader", "max_verstappen");
    return r;
}

/* metrics.json with nraces races (the first named name0, NULL for the
 * default) and, when backtest, three backtest seasons. */
static inline cJSON *fixture_metrics(int nraces, int backtest, const char *name0)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddNumberToObject(m, "format_version", 1);
    cJSON_AddStringToObject(m, "tool_version", "1.0.0");
    cJSON_AddNumberToObject(m, "test_season", FIXTURE_TEST_SEASON);
    cJSON_AddItemToObject(m, "model", fixture_scores(0.65, 15, 24, 0));
    cJSON *base = cJSON_AddObjectToObject(m, "baselines");
    cJSON_AddItemToObject(base, "pole", fixture_scores(0.5, 12, 24, 1));
    cJSON_AddItemToObject(base, "leader", fixture_scores(0.4, 9.5, 24, 1));
    cJSON *races = cJSON_AddArrayToObject(m, "races");
    for (int i = 1; i <= nraces; i++)
        cJSON_AddItemToArray(races, fixture_race(i, i == 1 ? name0 : NULL));
    if (backtest) {
        cJSON *bt = cJSON_AddObjectToObject(m, "backtest");
        cJSON *seasons = cJSON_AddArrayToObject(bt, "seasons");
        for (int s = 2022; s <= FIXTURE_TEST_SEASON; s++) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddNumberToObject(o, "season", s);
            cJSON_AddItemToObject(o, "model", fixture_scores(0.6 + (s - 2022) * 0.05, 14, 22, 0));
            cJSON_AddItemToObject(o, "pole", fixture_scores(0.45, 10, 22, 1));
            cJSON_AddItemToObject(o, "leader", fixture_scores(0.35, 8, 22, 1));
            cJSON_AddItemToArray(seasons, o);
        }
        cJSON *mean = cJSON_AddObjectToObject(bt, "mean");
        cJSON_AddNumberToObject(mean, "precision", 0.65);
        cJSON_AddNumberToObject(mean, "expected_precision", 0.62);
        cJSON_AddNumberToObject(mean, "top3_hit_rate", 0.9);
        cJSON_AddNumberToObject(mean, "pole_precision", 0.45);
        cJSON_AddNumberToObject(mean, "leader_precision", 0.35);
    } else {
        cJSON_AddNullToObject(m, "backtest");
    }
    cJSON *data = cJSON_AddObjectToObject(m, "data");
    cJSON *span = cJSON_AddArrayToObject(data, "train_seasons");
    cJSON_AddItemToArray(span, cJSON_CreateNumber(2015));
    cJSON_AddItemToArray(span, cJSON_CreateNumber(2023));
    cJSON_AddNumberToObject(data, "train_rows", 3700);
    cJSON_AddNumberToObject(data, "train_races", 185);
    cJSON_AddNumberToObject(data, "test_rows", 479);
    cJSON_AddNumberToObject(data, "test_races", 24);
    cJSON_AddNumberToObject(data, "features", 31);
    cJSON *cov = cJSON_AddObjectToObject(data, "coverage");
    cJSON_AddItemToObject(cov, "seasons", cJSON_Duplicate(span, 1));
    cJSON_AddNumberToObject(cov, "races", 209);
    cJSON_AddNumberToObject(cov, "rows", 4179);
    cJSON *w = cJSON_AddObjectToObject(cov, "weather");
    cJSON_AddNumberToObject(w, "found", 201);
    cJSON_AddNumberToObject(w, "missing", 5);
    cJSON_AddNumberToObject(w, "error", 1);
    cJSON_AddNumberToObject(w, "none", 2);
    cJSON *p = cJSON_AddObjectToObject(m, "parameters");
    cJSON_AddNumberToObject(p, "n-estimators", 7);
    cJSON_AddStringToObject(p, "max-samples", "10");
    cJSON_AddStringToObject(p, "max-features", "0.5");
    cJSON_AddTrueToObject(p, "bootstrap");
    cJSON_AddFalseToObject(p, "bootstrap-features");
    cJSON_AddNumberToObject(p, "max-depth", 0);
    cJSON_AddStringToObject(p, "seed", "42");
    cJSON *t = cJSON_AddObjectToObject(m, "timings");
    cJSON_AddNumberToObject(t, "evaluate", 0.25);
    return m;
}

static inline int fixture_write(const char *dir, const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    size_t n = strlen(text);
    int rc = fwrite(text, 1, n, f) == n ? 0 : -1;
    return fclose(f) == 0 ? rc : -1;
}

/* Writes model.json, metrics.json (from m) and predictions.csv into dir. */
static inline int fixture_data_dir(const char *dir, const cJSON *m)
{
    char *text = cJSON_Print(m);
    int rc = fixture_write(dir, "metrics.json", text);
    cJSON_free(text);
    rc |= fixture_write(dir, "model.json",
                        "{\"format_version\": 1, \"features\": [\"grid\", \"age\"],\n"
                        " \"parameters\": {\"n-estimators\": 1}, \"seed\": \"42\",\n"
                        " \"trees\": [{\"feature\": [0, -1, -1], \"threshold\": [1.5, 0, 0],\n"
                        "  \"left\": [1, -1, -1], \"right\": [2, -1, -1], \"value\": [0.1, 1, 0]}]}\n");
    rc |= fixture_write(dir, "predictions.csv",
                        "season,round,race_name,driver_id,prediction,rank,position\n"
                        "2024,1,Bahrain Grand Prix,max_verstappen,0.91,1,1\n"
                        "2024,1,Bahrain Grand Prix,perez,0.4,2,2\n");
    return rc;
}

/* Makes a fresh data-dir "/tmp/f1-<tag>.XXXXXX" (into dir, size n) holding
 * the stage outputs of a 3-race run, and sends the log to /dev/null (the
 * returned stream, for fixture_end).  Returns NULL on failure. */
static inline FILE *fixture_begin(char *dir, size_t n, const char *tag)
{
    snprintf(dir, n, "/tmp/f1-%s.XXXXXX", tag);
    if (mkdtemp(dir) == NULL)
        return NULL;
    cJSON *m = fixture_metrics(3, 0, NULL);
    int rc = fixture_data_dir(dir, m);
    cJSON_Delete(m);
    FILE *devnull = fopen("/dev/null", "w");
    if (rc != 0 || devnull == NULL) {
        if (devnull)
            fclose(devnull);
        return NULL;
    }
    log_set_stream(devnull);
    return devnull;
}

/* The whole file, NUL-terminated; *len its size.  NULL when unreadable. */
static inline char *fixture_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *data = NULL;
    size_t n = 0, cap = 0, got;
    char chunk[65536];
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (n + got + 1 > cap) {
            cap = (n + got + 1) * 2;
            char *p = realloc(data, cap);
            if (p == NULL) {
                free(data);
                fclose(f);
                return NULL;
            }
            data = p;
        }
        memcpy(data + n, chunk, got);
        n += got;
    }
    fclose(f);
    if (data == NULL)
        data = calloc(1, 1);
    else
        data[n] = '\0';
    if (len)
        *len = n;
    return data;
}

/* Removes the (flat) temporary data-dir and its files. */
static inline void fixture_rm_rf(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        char path[4096];
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        remove(path);
    }
    closedir(d);
    rmdir(dir);
}

/* Undoes fixture_begin: removes dir, restores and frees the logger. */
static inline void fixture_end(const char *dir, FILE *devnull)
{
    fixture_rm_rf(dir);
    log_shutdown();
    log_set_stream(NULL);
    if (devnull)
        fclose(devnull);
}

#endif
