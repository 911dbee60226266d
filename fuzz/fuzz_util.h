/* fuzz_util: what the libFuzzer harnesses (fuzz/fuzz_*.c) share.
 *
 * Each harness defines LLVMFuzzerTestOneInput and is linked with clang's
 * -fsanitize=fuzzer,address,undefined (make fuzz-bin: build-fuzz/fuzz/<name>);
 * the same binary given file names replays them once each, which is how
 * tests/integration/test_fuzz_regressions.sh replays fuzz/regressions/.
 * A harness must free everything it allocated before returning, so
 * LeakSanitizer reports a leak at the input that caused it.
 *
 * The readers of files (prepared_read, feature_table_read, model_read) take a
 * path, so inputs reach them through one temp file per process, rewritten
 * for every input and removed at exit. */
#ifndef F1_FUZZ_UTIL_H
#define F1_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_tmp_path[64];

static inline void fuzz_tmp_remove(void)
{
    if (fuzz_tmp_path[0] != '\0')
        unlink(fuzz_tmp_path);
}

/* Writes data to this process's temp file and returns its path.  An I/O
 * failure aborts: it is the machine's fault, not the input's, and must not
 * pass for a clean run. */
static inline const char *fuzz_tmp_file(const uint8_t *data, size_t size)
{
    if (fuzz_tmp_path[0] == '\0') {
        const char *dir = getenv("TMPDIR");
        snprintf(fuzz_tmp_path, sizeof fuzz_tmp_path, "%s/f1-fuzz-XXXXXX",
                 dir && dir[0] && strlen(dir) < 40 ? dir : "/tmp");
        int fd = mkstemp(fuzz_tmp_path);
        if (fd < 0) {
            perror("fuzz: mkstemp");
            abort();
        }
        close(fd);
        atexit(fuzz_tmp_remove);
    }
    FILE *f = fopen(fuzz_tmp_path, "wb");
    if (f == NULL || (size > 0 && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
        perror("fuzz: writing the temp file");
        abort();
    }
    return fuzz_tmp_path;
}

/* The logger prints (warnings, ::add-mask::); a fuzzer's stdout is its
 * progress report, so the harnesses send log lines to /dev/null once. */
static inline void fuzz_quiet_log(void)
{
    static FILE *devnull;
    if (devnull == NULL) {
        devnull = fopen("/dev/null", "w");
        log_set_stream(devnull);
    }
}

/* A NUL-terminated copy of data (malloc'ed; NULL when out of memory). */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s != NULL) {
        if (size > 0)
            memcpy(s, data, size);
        s[size] = '\0';
    }
    return s;
}

#endif
