/* test_fsutil: mapped reads and streamed atomic writes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "core/bigmem.h"
#include "core/fsutil.h"

static void test_map(void)
{
    char dir[] = "/tmp/f1-test-fsutil.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/a.csv", dir);
    err e;
    fs_map m;
    CHECK_INT(fs_map_file(path, &m, &e), -1); /* missing */
    CHECK(strstr(e.msg, "a.csv") != NULL);
    CHECK_INT(fs_write_atomic(path, "", 0, &e), 0);
    CHECK_INT(fs_map_file(path, &m, &e), 0);
    CHECK_INT(m.len, 0);
    CHECK(m.data != NULL && m.data[0] == '\0');
    fs_unmap(&m);
    CHECK_INT(fs_write_atomic(path, "x,y\n1,2\n", 8, &e), 0);
    CHECK_INT(fs_map_file(path, &m, &e), 0);
    CHECK_INT(m.len, 8);
    CHECK(m.len == 8 && memcmp(m.data, "x,y\n1,2\n", 8) == 0);
    fs_unmap(&m);
    CHECK_INT(fs_map_file(dir, &m, &e), -1); /* a directory */
    unlink(path);
    rmdir(dir);
}

static void test_out(void)
{
    char dir[] = "/tmp/f1-test-fsutil.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], tmp[300];
    snprintf(path, sizeof path, "%s/t.csv", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    err e;
    CHECK_INT(fs_write_atomic(path, "old\n", 4, &e), 0);
    fs_out o;
    /* pieces are invisible until the commit; an abort leaves the old file
     * and no temp file */
    CHECK_INT(fs_out_open(&o, path, 0, &e), 0);
    CHECK_INT(fs_out_write(&o, "new", 3, &e), 0);
    CHECK(access(tmp, F_OK) == 0);
    fs_out_abort(&o);
    CHECK(access(tmp, F_OK) != 0);
    buf b;
    buf_init(&b, 0);
    CHECK_INT(fs_read_file(path, &b, &e), 0);
    CHECK_STR(b.data, "old\n");
    for (int durable = 0; durable <= 1; durable++) {
        CHECK_INT(fs_out_open(&o, path, durable, &e), 0);
        CHECK_INT(fs_out_write(&o, "new", 3, &e), 0);
        CHECK_INT(fs_out_write(&o, " text\n", 6, &e), 0);
        buf_reset(&b);
        CHECK_INT(fs_read_file(path, &b, &e), 0);
        CHECK_STR(b.data, durable ? "new text\n" : "old\n");
        CHECK_INT(fs_out_commit(&o, &e), 0);
        buf_reset(&b);
        CHECK_INT(fs_read_file(path, &b, &e), 0);
        CHECK_STR(b.data, "new text\n");
        CHECK(access(tmp, F_OK) != 0);
    }
    /* a directory that does not exist: the error names the path */
    char missing[300];
    snprintf(missing, sizeof missing, "%s/no/such/t.csv", dir);
    CHECK_INT(fs_out_open(&o, missing, 0, &e), -1);
    CHECK(strstr(e.msg, "no/such") != NULL);
    buf_release(&b);
    unlink(path);
    rmdir(dir);
}

static void test_bigmem(void)
{
    size_t n = 3u << 20;
    unsigned char *p = bigmem_alloc(n);
    CHECK(p != NULL);
    int zero = 1;
    for (size_t i = 0; p != NULL && i < n; i += 4093)
        zero = zero && p[i] == 0;
    CHECK_MSG(zero, "bigmem_alloc returned non-zero bytes");
    CHECK(((uintptr_t)p & 63) == 0);
    if (p != NULL)
        memset(p, 0xab, n);
    bigmem_free(p);
    bigmem_free(NULL);
}

int main(void)
{
    test_map();
    test_out();
    test_bigmem();
    return check_done();
}
