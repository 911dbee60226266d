/* unzip: one member read out of an untrusted zip, from a file or from
 * memory, with the declared size checked before inflating, inflation
 * stopped at the declared size (a member that lies about it), the CRC
 * checked, and missing members and non-zips refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "core/unzip.h"
#include "zip_fixture.h"

static char dir[] = "/tmp/f1-unzip-XXXXXX";

static void path_of(const char *name, char *out, size_t n)
{
    snprintf(out, n, "%s/%s", dir, name);
}

static void test_read_file_and_memory(void)
{
    char path[256];
    path_of("two.zip", path, sizeof path);
    zip_fixture_member m[] = {{"model.json", "{\"trees\":[]}", 12}, {"notes.txt", "hello", 5}};
    CHECK_INT(zip_fixture_write(path, m, 2), 0);
    err e;
    unzip *u = unzip_open_file(path, &e);
    CHECK(u != NULL);
    if (u == NULL)
        return;
    CHECK_INT(unzip_has(u, "model.json"), 1);
    CHECK_INT(unzip_has(u, "MODEL.JSON"), 0);
    CHECK_INT(unzip_has(u, "missing"), 0);
    buf b;
    buf_init(&b, 0);
    CHECK_INT(unzip_read(u, "model.json", 100, &b, &e), 0);
    CHECK_STR(b.data, "{\"trees\":[]}");
    buf_reset(&b);
    CHECK_INT(unzip_read(u, "missing", 100, &b, &e), -1);
    CHECK(strstr(e.msg, "no member 'missing'") != NULL);
    unzip_close(u);

    size_t len;
    unsigned char *bytes = zip_fixture_slurp(path, &len);
    u = unzip_open_mem(bytes, len, "the test bytes", &e);
    CHECK(u != NULL);
    buf_reset(&b);
    CHECK(u != NULL && unzip_read(u, "notes.txt", 5, &b, &e) == 0);
    CHECK_STR(b.data, "hello");
    unzip_close(u);
    free(bytes);
    buf_release(&b);
}

static void test_declared_size_over_cap(void)
{
    char path[256];
    path_of("big.zip", path, sizeof path);
    char *zeros = calloc(1, 100000);
    zip_fixture_member m[] = {{"model.json", zeros, 100000}};
    CHECK_INT(zip_fixture_write(path, m, 1), 0);
    err e;
    unzip *u = unzip_open_file(path, &e);
    buf b;
    buf_init(&b, 0);
    CHECK(u != NULL && unzip_read(u, "model.json", 99999, &b, &e) == -1);
    CHECK(strstr(e.msg, "declares 100000 bytes, more than the limit of 99999") != NULL);
    CHECK_INT(b.len, 0); /* refused before inflating anything */
    buf_reset(&b);
    CHECK(u != NULL && unzip_read(u, "model.json", 100000, &b, &e) == 0);
    CHECK_INT(b.len, 100000);
    unzip_close(u);
    buf_release(&b);
    free(zeros);
}

static void test_lying_member(void)
{
    char path[256];
    path_of("bomb.zip", path, sizeof path);
    /* 4 MB of zeros deflate to a few KB; the headers then claim 1000. */
    size_t real = (size_t)4 << 20;
    char *zeros = calloc(1, real);
    zip_fixture_member m[] = {{"model.json", zeros, real}};
    CHECK_INT(zip_fixture_write(path, m, 1), 0);
    CHECK_INT(zip_fixture_lie_about_size(path, 1000), 0);
    err e;
    unzip *u = unzip_open_file(path, &e);
    CHECK(u != NULL);
    buf b;
    buf_init(&b, 0);
    CHECK(u != NULL && unzip_read(u, "model.json", 1 << 20, &b, &e) == -1);
    CHECK_MSG(b.len <= 1000, "kept %zu bytes of a member declaring 1000", b.len);
    CHECK(strstr(e.msg, "inflates to more than the 1000 bytes it declares") != NULL);
    unzip_close(u);
    /* The other lie, fewer bytes than declared, is damage too. */
    CHECK_INT(zip_fixture_write(path, m, 1), 0);
    CHECK_INT(zip_fixture_lie_about_size(path, (unsigned)real + 1), 0);
    u = unzip_open_file(path, &e);
    buf_reset(&b);
    CHECK(u != NULL && unzip_read(u, "model.json", real + 1, &b, &e) == -1);
    CHECK(strstr(e.msg, "not the 4194305 it declares") != NULL);
    unzip_close(u);
    buf_release(&b);
    free(zeros);
}

static void test_damaged_and_not_zip(void)
{
    char path[256];
    path_of("crc.zip", path, sizeof path);
    const char *text = "some text that is long enough to be deflated into a stream of its own";
    zip_fixture_member m[] = {{"model.json", text, strlen(text)}};
    CHECK_INT(zip_fixture_write(path, m, 1), 0);
    size_t len;
    unsigned char *d = zip_fixture_slurp(path, &len);
    /* The local header is 30 bytes plus the name: flip a byte of the data. */
    d[30 + strlen("model.json") + 3] ^= 0x55;
    CHECK_INT(zip_fixture_dump(path, d, len), 0);
    free(d);
    err e;
    unzip *u = unzip_open_file(path, &e);
    buf b;
    buf_init(&b, 0);
    CHECK(u != NULL && unzip_read(u, "model.json", 1000, &b, &e) == -1);
    CHECK(strstr(e.msg, "model.json") != NULL);
    unzip_close(u);
    buf_release(&b);

    path_of("text.zip", path, sizeof path);
    CHECK_INT(zip_fixture_dump(path, (const unsigned char *)"not a zip at all", 16), 0);
    CHECK(unzip_open_file(path, &e) == NULL);
    CHECK_INT(e.kind, ERR_DATA);
    CHECK(strstr(e.msg, "cannot read zip") != NULL);
    CHECK(unzip_open_mem("PK\x03\x04garbage", 11, "the garbage", &e) == NULL);
    CHECK(strstr(e.msg, "the garbage") != NULL);
    unzip_close(NULL);
}

int main(void)
{
    if (mkdtemp(dir) == NULL)
        return 1;
    test_read_file_and_memory();
    test_declared_size_over_cap();
    test_lying_member();
    test_damaged_and_not_zip();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        printf("could not remove %s\n", dir);
    return check_done();
}
