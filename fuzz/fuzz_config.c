/* fuzz_config: any bytes as a command line.
 *
 * The input, split at NUL and newline bytes, becomes argv[1..] of
 * config_load and then stage_select, as main does (argv[0] is the program name); INPUT_* variables are left
 * as the fuzzer's environment has them.  What must hold: no crash, no
 * leak, and a configuration that loads obeys the rules config.h and the
 * spec state (seasons from 1950 in order, a test season inside the range
 * after its first season, at least one stage, bounded strings). */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <mongoc/mongoc.h>

#include "config/config.h"
#include "stages/registry.h"
#include "fuzz_util.h"

/* The rules every loaded configuration obeys. */
static void check_loaded(const config *c, unsigned selected)
{
    if (selected == 0 || (selected >> STAGE_COUNT) != 0)
        abort();
    if (c->season_first < 1950 || (c->season_last != 0 && c->season_last < c->season_first))
        abort();
    if (c->test_season != 0 &&
        (c->test_season <= c->season_first || (c->season_last != 0 && c->test_season > c->season_last)))
        abort();
    if (c->n_estimators < 1 || c->max_depth < 0 || c->threads < 0 || !(c->api_rate_per_second > 0) ||
        c->api_rate_per_hour < 1 || c->retention_days < 0 || c->retention_days > 90)
        abort();
    if (c->data_dir[0] == '\0' || c->artifact_name[0] == '\0' || c->mongodb_database[0] == '\0' ||
        strnlen(c->mongodb_uri, CFG_STR_MAX) == CFG_STR_MAX ||
        strnlen(c->api_base_url, CFG_STR_MAX) == CFG_STR_MAX)
        abort();
    char amount[64];
    amount_str(c->max_samples, amount, (int)sizeof amount);
    if (amount[0] == '\0' || amount_resolve(c->max_features, 7) < 1 ||
        amount_resolve(c->max_features, 7) > 7)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int started;
    if (!started) {
        /* as main() does before config_load (the URI check uses libmongoc) */
        curl_global_init(CURL_GLOBAL_DEFAULT);
        mongoc_init();
        mongoc_log_set_handler(NULL, NULL); /* its URI warnings, per input */
        started = 1;
    }
    fuzz_quiet_log();
    char *text = fuzz_strndup(data, size);
    /* argv[0], one per separator, then the terminating NULL */
    size_t max_args = 2;
    for (size_t i = 0; i < size; i++)
        max_args += data[i] == '\0' || data[i] == '\n';
    char **argv = calloc(max_args + 1, sizeof *argv);
    if (text == NULL || argv == NULL)
        goto out;
    int argc = 0;
    argv[argc++] = "f1-mlops";
    char *start = text;
    for (size_t i = 0; i <= size; i++) {
        if (i == size || text[i] == '\0' || text[i] == '\n') {
            text[i] = '\0';
            argv[argc++] = start;
            start = text + i + 1;
        }
    }
    config c;
    int help = 0;
    err e;
    unsigned selected = 0;
    if (config_load(&c, argc, argv, &help, &e) == 0 && !help && stage_select(&c, &selected, &e) == 0)
        check_loaded(&c, selected);
    /* forget this input's masked secrets (the logger keeps a bounded list) */
    log_shutdown();
out:
    free(argv);
    free(text);
    return 0;
}
