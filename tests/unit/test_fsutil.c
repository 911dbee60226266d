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
    char path[256], tmp[4200];
    snprintf(path, sizeof path, "%s/t.csv", dir);
    err e;
    CHECK_INT(fs_write_atomic(path, "old\n", 4, &e), 0);
    fs_out o;
    /* pieces are invisible until the commit; an abort leaves the old file
     * and no temp file */
    CHECK_INT(fs_out_open(&o, path, 0, &e), 0);
    snprintf(tmp, sizeof tmp, "%s", o.tmp);
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
        snprintf(tmp, sizeof tmp, "%s", o.tmp);
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
    /* fs_out_put keeps text in the buf below a chunk, writes it at a
     * chunk or when told it is the last piece, and empties the buf */
    CHECK_INT(fs_out_open(&o, path, 0, &e), 0);
    snprintf(tmp, sizeof tmp, "%s", o.tmp);
    buf piece;
    buf_init(&piece, 0);
    CHECK_INT(buf_puts(&piece, "small", &e), 0);
    CHECK_INT(fs_out_put(&o, &piece, 0, &e), 0);
    struct stat st;
    CHECK(stat(tmp, &st) == 0 && st.st_size == 0);
    CHECK_INT(piece.len, 5);
    int grown = 0;
    while (grown == 0 && piece.len < FS_OUT_CHUNK)
        grown = buf_puts(&piece, "0123456789abcdef", &e);
    CHECK_INT(grown, 0);
    size_t chunk = piece.len;
    CHECK_INT(fs_out_put(&o, &piece, 0, &e), 0);
    CHECK(stat(tmp, &st) == 0 && (size_t)st.st_size == chunk);
    CHECK_INT(piece.len, 0);
    CHECK_INT(buf_puts(&piece, "tail\n", &e), 0);
    CHECK_INT(fs_out_put(&o, &piece, 1, &e), 0);
    CHECK_INT(piece.len, 0);
    CHECK_INT(fs_out_commit(&o, &e), 0);
    CHECK(stat(path, &st) == 0 && (size_t)st.st_size == chunk + 5);
    buf_release(&piece);
    /* a directory that does not exist: the error names the path */
    char missing[300];
    snprintf(missing, sizeof missing, "%s/no/such/t.csv", dir);
    CHECK_INT(fs_out_open(&o, missing, 0, &e), -1);
    CHECK(strstr(e.msg, "no/such") != NULL);
    buf_release(&b);
    unlink(path);
    rmdir(dir);
}

/* 1 when the file at path holds exactly text. */
static int holds(const char *path, const char *text)
{
    char got[256] = "";
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(got, 1, sizeof got - 1, f) : 0;
    if (f)
        fclose(f);
    got[n] = '\0';
    return f != NULL && strcmp(got, text) == 0;
}

/* A restored data-dir may hold symlinks where files go: nothing is ever
 * written through one, and temp names cannot be planted. */
static void test_symlinks(void)
{
    char dir[] = "/tmp/f1-test-fsutil.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], victim[256], planted[300];
    snprintf(path, sizeof path, "%s/model.json", dir);
    snprintf(victim, sizeof victim, "%s/victim", dir);
    FILE *f = fopen(victim, "w");
    if (f != NULL) {
        fputs("precious", f);
        fclose(f);
    }
    /* the old fixed temp name, and the target itself, point at the victim */
    snprintf(planted, sizeof planted, "%s.tmp.%ld", path, (long)getpid());
    CHECK_INT(symlink(victim, planted), 0);
    CHECK_INT(symlink(victim, path), 0);
    err e;
    mode_t mask = umask(0);
    umask(mask);
    for (int durable = 0; durable <= 1; durable++) {
        CHECK_INT(durable ? fs_write_atomic(path, "{}", 2, &e) : fs_write_replace(path, "{}", 2, &e), 0);
        CHECK_MSG(holds(victim, "precious"), "the victim was written through a symlink");
        struct stat st;
        CHECK(lstat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == (0644 & ~mask));
        CHECK(holds(path, "{}"));
        unlink(path);
        CHECK_INT(symlink(victim, path), 0);
    }
    /* the temp file is new and unpredictable: two opens never share it */
    fs_out a, b;
    CHECK_INT(fs_out_open(&a, path, 0, &e), 0);
    CHECK_INT(fs_out_open(&b, path, 0, &e), 0);
    CHECK(strcmp(a.tmp, b.tmp) != 0);
    CHECK(strncmp(a.tmp, planted, strlen(planted)) == 0 && a.tmp[strlen(planted)] == '.');
    fs_out_abort(&a);
    fs_out_abort(&b);
    struct stat st;
    CHECK(lstat(planted, &st) == 0 && S_ISLNK(st.st_mode)); /* the planted link is left alone */

    /* directories made inside data-dir must be real ones */
    char sub[300];
    snprintf(sub, sizeof sub, "%s/store", dir);
    CHECK_INT(symlink("/tmp", sub), 0);
    CHECK_INT(fs_mkdir_in(dir, "store", &e), -1);
    CHECK(strstr(e.msg, "symbolic link") != NULL && strstr(e.msg, "/store") != NULL);
    unlink(sub);
    CHECK_INT(fs_mkdir_in(dir, "store", &e), 0);
    CHECK_INT(fs_mkdir_in(dir, "store", &e), 0); /* exists: fine */
    CHECK_INT(fs_mkdir_in(dir, "victim", &e), -1); /* a file */
    rmdir(sub);
    unlink(planted);
    unlink(path);
    unlink(victim);
    rmdir(dir);
}

/* FIFOs, devices, symlinks and oversized files where data-dir files are
 * read: a clear error at once, never a hang or an endless read (alarm()
 * turns a hang into a failed run). */
static void test_hostile_reads(void)
{
    alarm(20);
    char dir[] = "/tmp/f1-test-fsutil.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char fifo[256], zero[256], big[256], real[256], link[256];
    snprintf(fifo, sizeof fifo, "%s/model.json", dir);
    snprintf(zero, sizeof zero, "%s/prepared.csv", dir);
    snprintf(big, sizeof big, "%s/big.json", dir);
    snprintf(real, sizeof real, "%s/real.csv", dir);
    snprintf(link, sizeof link, "%s/link.csv", dir);
    CHECK_INT(mkfifo(fifo, 0644), 0);
    CHECK_INT(symlink("/dev/zero", zero), 0);
    err e;
    buf b;
    buf_init(&b, 0);
    fs_map m;
    size_t size;
    CHECK_INT(fs_read_file(fifo, &b, &e), -1);
    CHECK_MSG(strstr(e.msg, "model.json") && strstr(e.msg, "a FIFO, not a regular file"), "%s", e.msg);
    CHECK_INT(e.kind, ERR_DATA);
    CHECK_INT(fs_map_file(fifo, &m, &e), -1);
    CHECK(strstr(e.msg, "a FIFO") != NULL);
    CHECK_INT(fs_read_file(zero, &b, &e), -1);
    CHECK_MSG(strstr(e.msg, "prepared.csv' is a symbolic link") != NULL, "%s", e.msg);
    CHECK_INT(fs_map_file(zero, &m, &e), -1);
    CHECK(strstr(e.msg, "symbolic link") != NULL);
    /* followed (a path the user gave), the device is still refused */
    CHECK_INT(fs_open_read(zero, FS_FOLLOW, 0, &size, &e), -1);
    CHECK_MSG(strstr(e.msg, "a character device") != NULL, "%s", e.msg);
    CHECK_INT(fs_read_path(fifo, FS_FOLLOW, &b, &e), -1);
    CHECK_INT(fs_open_read(dir, 0, 0, &size, &e), -1);
    CHECK(strstr(e.msg, "a directory") != NULL);
    /* a regular file over its cap: named, with the cap */
    FILE *f = fopen(big, "w");
    for (int i = 0; f != NULL && i < 3000; i++)
        fputs("0123456789", f);
    if (f != NULL)
        fclose(f);
    buf capped;
    buf_init(&capped, 1 << 10);
    CHECK_INT(fs_read_file(big, &capped, &e), -1);
    CHECK_MSG(strstr(e.msg, "big.json' is 30000 bytes, over the 1024 bytes") != NULL, "%s", e.msg);
    CHECK_INT(fs_open_read(big, 0, (size_t)1 << 20, &size, &e) >= 0, 1);
    CHECK_INT(size, 30000);
    CHECK_INT(fs_open_read(big, 0, 20000, &size, &e), -1);
    CHECK(strstr(e.msg, "20000 bytes") != NULL);
    buf_release(&capped);
    /* a symlink to a regular file: refused in data-dir, read when followed */
    f = fopen(real, "w");
    if (f != NULL) {
        fputs("a,b\n", f);
        fclose(f);
    }
    CHECK_INT(symlink(real, link), 0);
    CHECK_INT(fs_read_file(link, &b, &e), -1);
    CHECK_INT(fs_read_path(link, FS_FOLLOW, &b, &e), 0);
    CHECK_STR(b.data, "a,b\n");
    buf_release(&b);
    unlink(fifo);
    unlink(zero);
    unlink(big);
    unlink(real);
    unlink(link);
    rmdir(dir);
    alarm(0);
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
    test_symlinks();
    test_hostile_reads();
    test_bigmem();
    return check_done();
}
