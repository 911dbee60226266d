/* package: the zip holds exactly the five members, the manifest's hashes
 * agree with hashes computed here (OpenSSL) and by sha256sum, damage of
 * every kind is caught by package_verify, and the bytes are reproducible. */
#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "metrics_fixture.h"

#include "config/config.h"
#include "core/fsutil.h"
#include "core/jsonfile.h"
#include "core/log.h"
#include "core/version.h"
#include "core/archive.h"
#include "stages/package.h"
#include "stages/registry.h"

static const char *const members[PACKAGE_MEMBERS] = {
    "model.json", "metrics.json", "predictions.csv", "MODEL_CARD.md", "manifest.json",
};

static char dir[64];
static char zip[256];

static void path_in(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

static int load_config(config *cfg, const char *uri)
{
    char *argv[] = {"f1-mlops", "--data-dir", dir, "--seasons", "2015-2024", "--seed", "42",
                    "--mongodb-uri", (char *)uri};
    int help = 0;
    err e;
    err_clear(&e);
    int rc = config_load(cfg, uri ? 9 : 7, argv, &help, &e);
    CHECK_MSG(rc == 0, "config_load: %s", e.msg);
    return rc;
}

static int run_package(const char *uri)
{
    config cfg;
    if (load_config(&cfg, uri) != 0)
        return -1;
    stage_ctx ctx = {.cfg = &cfg};
    err e;
    err_clear(&e);
    int rc = stage_package(&ctx, &e);
    if (rc != 0)
        printf("# stage_package: %s\n", e.msg);
    return rc;
}

/* SHA-256 as hex, computed independently of src/core/sha256.c. */
static void hash_hex(const char *data, size_t n, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_Digest(data, n, md, &len, EVP_sha256(), NULL);
    for (unsigned i = 0; i < len; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void test_members_and_manifest(void)
{
    CHECK_INT(run_package(NULL), 0);
    err e;
    err_clear(&e);
    archive_contents *c = archive_read(zip, &e);
    CHECK_MSG(c != NULL, "archive_read: %s", e.msg);
    if (c == NULL)
        return;
    CHECK_INT(c->n, PACKAGE_MEMBERS);
    for (int i = 0; i < c->n && i < PACKAGE_MEMBERS; i++)
        CHECK_STR(c->m[i].name, members[i]);
    const archive_member *man = archive_find(c, "manifest.json");
    cJSON *root = man ? jsonfile_parse(man->data, man->len, "manifest", &e) : NULL;
    CHECK(root != NULL);
    CHECK_STR(jsonfile_str(root, "tool", ""), "f1-mlops");
    CHECK_STR(jsonfile_str(root, "tool_version", ""), F1_VERSION);
    CHECK_STR(jsonfile_str(root, "inputs.seasons", ""), "2015-2024");
    CHECK_STR(jsonfile_str(root, "inputs.seed", ""), "42");
    CHECK_NEAR(jsonfile_num(root, "inputs.n-estimators", 0), 7, 0);
    CHECK_NEAR(jsonfile_num(root, "inputs.test-season", 0), FIXTURE_TEST_SEASON, 0);
    CHECK_STR(jsonfile_str(root, "inputs.artifact-name", ""), "f1-model");
    CHECK(jsonfile_get(root, "inputs.mongodb-uri") == NULL);
    CHECK_NEAR(jsonfile_num(root, "data.train_rows", 0), 3700, 0);
    CHECK_NEAR(jsonfile_num(root, "data.coverage.weather.found", 0), 201, 0);
    const cJSON *files = jsonfile_get(root, "files");
    CHECK_INT(cJSON_GetArraySize(files), PACKAGE_MEMBERS - 1);
    /* Each listed hash and size against the file on disk, hashed here. */
    for (int i = 0; i < PACKAGE_MEMBERS - 1; i++) {
        char path[512], want[65] = "";
        size_t len = 0;
        path_in(path, sizeof path, members[i]);
        char *disk = fixture_read(path, &len);
        CHECK_MSG(disk != NULL, "%s on disk", members[i]);
        if (disk == NULL)
            continue;
        hash_hex(disk, len, want);
        /* Member names hold dots, so no dotted path here. */
        const cJSON *listed = cJSON_GetObjectItemCaseSensitive(files, members[i]);
        CHECK_STR(jsonfile_str(listed, "sha256", ""), want);
        CHECK_NEAR(jsonfile_num(listed, "size", -1), (double)len, 0);
        const archive_member *m = archive_find(c, members[i]);
        CHECK(m != NULL && m->len == len && memcmp(m->data, disk, len) == 0);
        free(disk);
    }
    /* One more, by a separate program. */
    char cmd[512], line[256] = "";
    snprintf(cmd, sizeof cmd, "sha256sum '%s/predictions.csv'", dir);
    FILE *p = popen(cmd, "r");
    CHECK(p != NULL && fgets(line, sizeof line, p) != NULL);
    if (p != NULL)
        pclose(p);
    line[64] = '\0';
    const cJSON *pred = cJSON_GetObjectItemCaseSensitive(files, "predictions.csv");
    CHECK_STR(jsonfile_str(pred, "sha256", ""), line);
    cJSON_Delete(root);
    archive_contents_free(c);
}

static void test_card(void)
{
    char path[512];
    path_in(path, sizeof path, "MODEL_CARD.md");
    char *card = fixture_read(path, NULL);
    CHECK(card != NULL);
    if (card == NULL)
        return;
    CHECK(strstr(card, "## What it predicts") != NULL);
    CHECK(strstr(card, "training seasons 2015–2023") != NULL);
    CHECK(strstr(card, "test season 2024") != NULL);
    CHECK(strstr(card, "| **model** | 0.650 | 0.620 | 0.900 | 15 / 24 |") != NULL);
    CHECK(strstr(card, "| 9.5 / 24 |") != NULL);
    CHECK(strstr(card, "| seed | 42 |") != NULL);
    CHECK(strstr(card, "| bootstrap\\-features | false |") != NULL);
    CHECK(strstr(card, "## Known limits") != NULL);
    CHECK(strstr(card, "201 found, 5 missing, 1 fetch errors, 2 not looked up") != NULL);
    CHECK(strstr(card, "## Backtest") == NULL);
    free(card);
}

static void copy_file(const char *from, const char *to, size_t cut, long flip_at)
{
    size_t len = 0;
    char *data = fixture_read(from, &len);
    CHECK(data != NULL && len > cut);
    if (data == NULL || len <= cut) {
        free(data);
        return;
    }
    if (flip_at >= 0 && (size_t)flip_at < len)
        data[flip_at] ^= 0x55;
    FILE *f = fopen(to, "wb");
    CHECK(f != NULL && fwrite(data, 1, len - cut, f) == len - cut);
    if (f)
        fclose(f);
    free(data);
}

static int verify_fails(const char *path, const char *want_in_msg)
{
    err e;
    err_clear(&e);
    int rc = package_verify(path, &e);
    CHECK_MSG(rc == -1, "package_verify('%s') should fail", path);
    CHECK_INT(e.kind, ERR_DATA);
    CHECK_MSG(strstr(e.msg, want_in_msg) != NULL, "message '%s' lacks '%s'", e.msg, want_in_msg);
    return rc;
}

/* A zip built from the good one's members with one changed. */
static void write_variant(const char *to, const char *alter, const char *drop, const char *extra)
{
    err e;
    err_clear(&e);
    archive_contents *c = archive_read(zip, &e);
    CHECK(c != NULL);
    if (c == NULL)
        return;
    archive_member m[PACKAGE_MEMBERS + 1];
    char *changed = NULL;
    int n = 0;
    for (int i = 0; i < c->n; i++) {
        if (drop && strcmp(c->m[i].name, drop) == 0)
            continue;
        m[n] = c->m[i];
        if (alter && strcmp(c->m[i].name, alter) == 0) {
            changed = malloc(m[n].len);
            memcpy(changed, m[n].data, m[n].len);
            changed[m[n].len / 2] ^= 0x01;
            m[n].data = changed;
        }
        n++;
    }
    if (extra)
        m[n++] = (archive_member){extra, "surprise\n", 9};
    CHECK_MSG(archive_write(to, m, n, &e) == 0, "archive_write: %s", e.msg);
    free(changed);
    archive_contents_free(c);
}

static void test_verify_detects_damage(void)
{
    err e;
    err_clear(&e);
    CHECK_MSG(package_verify(zip, &e) == 0, "good zip: %s", e.msg);
    char bad[512];
    path_in(bad, sizeof bad, "truncated.zip");
    copy_file(zip, bad, 100, -1);
    verify_fails(bad, "cannot read zip");
    /* The first member's deflated bytes start after its 30-byte local
     * header and its name; a flipped byte there fails the CRC or inflate. */
    path_in(bad, sizeof bad, "flipped.zip");
    copy_file(zip, bad, 0, 30 + (long)strlen("model.json") + 20);
    verify_fails(bad, "model.json");
    path_in(bad, sizeof bad, "altered.zip");
    write_variant(bad, "model.json", NULL, NULL);
    verify_fails(bad, "member 'model.json' has sha-256");
    write_variant(bad, "MODEL_CARD.md", NULL, NULL);
    verify_fails(bad, "member 'MODEL_CARD.md' has sha-256");
    path_in(bad, sizeof bad, "missing.zip");
    write_variant(bad, NULL, "predictions.csv", NULL);
    verify_fails(bad, "has 4 members");
    path_in(bad, sizeof bad, "extra.zip");
    write_variant(bad, NULL, NULL, "extra.txt");
    verify_fails(bad, "has 6 members");
    /* Right count, wrong set: one member swapped for an unknown one. */
    path_in(bad, sizeof bad, "swapped.zip");
    write_variant(bad, NULL, "predictions.csv", "extra.txt");
    verify_fails(bad, "lacks predictions.csv");
    /* A manifest without its files is not trusted either. */
    path_in(bad, sizeof bad, "nomanifest.zip");
    write_variant(bad, NULL, "manifest.json", "extra.txt");
    verify_fails(bad, "lacks manifest.json");
}

static void test_reproducible(void)
{
    size_t len1 = 0, len2 = 0, len3 = 0;
    char *first = fixture_read(zip, &len1);
    CHECK_INT(run_package(NULL), 0);
    char *second = fixture_read(zip, &len2);
    /* Nor does the time zone matter (libzip's own time setter would). */
    setenv("TZ", "Asia/Tokyo", 1);
    tzset();
    CHECK_INT(run_package(NULL), 0);
    unsetenv("TZ");
    tzset();
    size_t len_tz = 0;
    char *tz = fixture_read(zip, &len_tz);
    CHECK(tz != NULL && len_tz == len1 && memcmp(first, tz, len1) == 0);
    free(tz);
    CHECK(first != NULL && second != NULL && len1 == len2 && memcmp(first, second, len1) == 0);
    /* The first local header's DOS time and date (offsets 10 and 12, little
     * endian): 00:00:00 and 1980-01-01 when SOURCE_DATE_EPOCH is unset. */
    const unsigned char *h = (const unsigned char *)first;
    CHECK(first != NULL && len1 > 30 && h[0] == 'P' && h[1] == 'K');
    if (first != NULL && len1 > 30) {
        CHECK_INT(h[10] | h[11] << 8, 0);
        CHECK_INT(h[12] | h[13] << 8, (0 << 9) | (1 << 5) | 1);
    }
    /* The fixed time is what makes it so: another time gives other bytes. */
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    CHECK_INT(run_package(NULL), 0);
    unsetenv("SOURCE_DATE_EPOCH");
    char *third = fixture_read(zip, &len3);
    CHECK(third != NULL && len3 == len1 && memcmp(first, third, len1) != 0);
    free(first);
    free(second);
    free(third);
}

static void test_secret_and_stale_upload(void)
{
    const char *uri = "mongodb://user:hunter2pw@127.0.0.1:1/f1";
    char upload[512];
    path_in(upload, sizeof upload, "upload.json");
    CHECK_INT(fixture_write(dir, "upload.json", "{\"artifact_id\": \"1\"}"), 0);
    CHECK_INT(run_package(uri), 0);
    CHECK_MSG(access(upload, F_OK) != 0, "a new zip makes the old upload.json stale");
    err e;
    err_clear(&e);
    archive_contents *c = archive_read(zip, &e);
    const archive_member *man = c ? archive_find(c, "manifest.json") : NULL;
    CHECK(man != NULL && strstr(man->data, "hunter2pw") == NULL && strstr(man->data, "mongodb://") == NULL);
    archive_contents_free(c);
}

static void test_missing_inputs(void)
{
    char path[512];
    path_in(path, sizeof path, "predictions.csv");
    remove(path);
    remove(zip);
    CHECK_INT(run_package(NULL), -1);
    CHECK_MSG(access(zip, F_OK) != 0, "no zip without predictions.csv");
    /* No temporary zip left behind either. */
    DIR *d = opendir(dir);
    struct dirent *de;
    int tmp = 0;
    while (d && (de = readdir(d)) != NULL)
        tmp += strstr(de->d_name, ".tmp.") != NULL;
    if (d)
        closedir(d);
    CHECK_INT(tmp, 0);
}

/* Sets member name's declared (uncompressed) size in both its local and
 * central headers, as a hostile zip would: returns how many were set. */
static int patch_declared_size(const char *path, const char *name, uint32_t size)
{
    size_t len = 0;
    char *z = fixture_read(path, &len);
    size_t nl = strlen(name);
    int set = 0;
    for (size_t i = 0; z != NULL && i + 46 + nl <= len; i++) {
        int local = memcmp(z + i, "PK\3\4", 4) == 0 && memcmp(z + i + 30, name, nl) == 0 &&
                    (unsigned char)z[i + 26] == nl;
        int central = memcmp(z + i, "PK\1\2", 4) == 0 && memcmp(z + i + 46, name, nl) == 0 &&
                      (unsigned char)z[i + 28] == nl;
        if (!local && !central)
            continue;
        unsigned char *f = (unsigned char *)z + i + (local ? 22 : 24);
        for (int k = 0; k < 4; k++)
            f[k] = (unsigned char)(size >> (8 * k));
        set++;
    }
    FILE *out = z ? fopen(path, "wb") : NULL;
    if (out != NULL) {
        fwrite(z, 1, len, out);
        fclose(out);
    }
    free(z);
    return set;
}

/* The zip reader bounds memory whatever the zip says: only the member
 * asked for is inflated, declared sizes meet their caps before anything is
 * inflated, and a header that under-declares stops the read one byte past
 * it. */
static void test_archive_bounds(void)
{
    char path[256], fifo[256];
    path_in(path, sizeof path, "bounds.zip");
    path_in(fifo, sizeof fifo, "fifo.zip");
    size_t big = (size_t)2 << 20;
    char *junk = malloc(big), model[100];
    if (junk == NULL)
        return;
    memset(junk, 'a', big);
    memset(model, 'm', sizeof model);
    archive_member m[2] = {{"junk", junk, big}, {"model.json", model, sizeof model}};
    err e;
    err_clear(&e);
    CHECK_INT(archive_write(path, m, 2, &e), 0);
    free(junk);
    buf b;
    buf_init(&b, 1 << 10);
    CHECK_INT(archive_read_one(path, 0, "model.json", &b, &e), 0);
    CHECK(b.len == sizeof model && memcmp(b.data, model, sizeof model) == 0);
    buf_release(&b);
    buf_init(&b, 50);
    CHECK_INT(archive_read_one(path, 0, "model.json", &b, &e), -1);
    CHECK_MSG(strstr(e.msg, "member 'model.json' declares 100 bytes, over its cap of 50") != NULL, "%s", e.msg);
    CHECK(b.data == NULL); /* refused before anything was inflated */
    buf_init(&b, 0);
    CHECK_INT(archive_read_one(path, 0, "nothing.json", &b, &e), -1);
    CHECK(strstr(e.msg, "holds no nothing.json") != NULL);
    /* "junk" under-declared: the whole-archive read stops one byte past */
    CHECK_INT(patch_declared_size(path, "junk", 1000), 2);
    archive_contents *c = archive_read(path, &e);
    CHECK(c == NULL);
    CHECK_MSG(strstr(e.msg, "member 'junk' is damaged (more data than its header declares)") != NULL, "%s", e.msg);
    CHECK_INT(archive_read_one(path, 0, "model.json", &b, &e), 0); /* junk is never touched */
    CHECK_INT(archive_read_one(path, 0, "junk", &b, &e), -1);
    CHECK(strstr(e.msg, "more data than its header declares") != NULL);
    buf_release(&b);
    /* over the per-member cap, and over the total: refused up front */
    CHECK_INT(patch_declared_size(path, "junk", (uint32_t)ARCHIVE_MEMBER_MAX + 1), 2);
    c = archive_read(path, &e);
    CHECK(c == NULL && strstr(e.msg, "member 'junk' declares 1073741825 bytes, over its cap") != NULL);
    CHECK_INT(patch_declared_size(path, "junk", (uint32_t)ARCHIVE_MEMBER_MAX), 2);
    c = archive_read(path, &e);
    CHECK_MSG(c == NULL && strstr(e.msg, "declare more than 1073741824 bytes in all") != NULL, "%s", e.msg);
    /* a FIFO as the zip: refused at once */
    alarm(20);
    CHECK_INT(mkfifo(fifo, 0644), 0);
    CHECK(archive_read(fifo, &e) == NULL && strstr(e.msg, "a FIFO") != NULL);
    CHECK_INT(archive_read_one(fifo, FS_FOLLOW, "model.json", &b, &e), -1);
    alarm(0);
    unlink(fifo);
    unlink(path);
}

int main(void)
{
    FILE *devnull = fixture_begin(dir, sizeof dir, "package");
    CHECK(devnull != NULL);
    snprintf(zip, sizeof zip, "%s/f1-model.zip", dir);
    test_members_and_manifest();
    test_card();
    test_verify_detects_damage();
    test_reproducible();
    test_secret_and_stale_upload();
    test_missing_inputs();
    test_archive_bounds();
    fixture_end(dir, devnull);
    return check_done();
}
