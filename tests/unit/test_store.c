/* test_store: one contract suite for every store backend: the embedded one
 * always (in a mkdtemp dir), MongoDB too when F1_TEST_MONGO_URI is set
 * (tests/integration/test_store_mongo.sh runs it against FerretDB).
 *
 * F1_TEST_MONGO_DOWN=1 (with F1_TEST_MONGO_URI) runs only the lost-server
 * check: open the store and write, print READY, wait for a line on stdin
 * (the script kills the server meanwhile), then every operation must fail
 * with ERR_STORE within seconds instead of hanging. */
#define _XOPEN_SOURCE 700 /* nftw */

#include <arpa/inet.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mongoc/mongoc.h>

#include "check.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "store/store.h"

/* A results document shaped like the API's, with the awkward bits: UTF-8
 * as raw bytes and as \u escapes (a surrogate pair too), quotes, nested
 * objects, an array of objects, and non-string values. */
static const char *race_json =
    "{\"season\":\"2020\",\"round\":\"1\",\"raceName\":\"x\","
    "\"url\":\"http://en.wikipedia.org/wiki/2020_S%C3%A3o_Paulo_Grand_Prix\","
    "\"Circuit\":{\"circuitId\":\"interlagos\",\"circuitName\":\"Aut\\u00f3dromo Jos\\u00e9 Carlos Pace\","
    "\"Location\":{\"lat\":\"-23.7036\",\"long\":\"-46.6997\",\"locality\":\"São Paulo\",\"country\":\"Brazil\"}},"
    "\"date\":\"2020-11-15\",\"note\":\"quote \\\" backslash \\\\ tab \\t flag \\ud83c\\udfc1 日本\","
    "\"Results\":["
    "{\"number\":\"44\",\"position\":\"1\",\"points\":\"25\",\"grid\":\"1\",\"laps\":\"71\",\"status\":\"Finished\","
    "\"Driver\":{\"driverId\":\"hamilton\",\"givenName\":\"Lewis\"},\"Constructor\":{\"constructorId\":\"mercedes\"}},"
    "{\"number\":\"7\",\"position\":\"2\",\"points\":\"18\",\"grid\":\"0\",\"laps\":\"70\",\"status\":\"+1 Lap\","
    "\"Driver\":{\"driverId\":\"raikkonen\",\"givenName\":\"Kimi\"},\"Constructor\":{\"constructorId\":\"alfa\"}}],"
    "\"typed\":{\"int\":3,\"real\":1.5,\"yes\":true,\"no\":false,\"nothing\":null,\"empty\":[],\"obj\":{}}}";

static cJSON *race(const char *season, const char *round, const char *name)
{
    cJSON *doc = cJSON_Parse(race_json);
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "season", cJSON_CreateString(season));
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "round", cJSON_CreateString(round));
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "raceName", cJSON_CreateString(name));
    return doc;
}

static const char *str_field(const cJSON *doc, const char *field)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, field);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

typedef struct {
    int n;
    unsigned rounds; /* bit r set when a document with round r was seen */
    int fail_after;  /* > 0: fail on that visit */
} seen;

static int visit(const cJSON *doc, void *ctx, err *e)
{
    seen *c = ctx;
    c->n++;
    const char *round = str_field(doc, "round");
    if (round != NULL)
        c->rounds |= 1u << (atoi(round) & 31);
    if (c->fail_after > 0 && c->n >= c->fail_after)
        return err_set(e, "visitor stops here");
    return 0;
}

static seen list(store *s, const char *coll, const char *field, const char *value)
{
    seen c = {0, 0, 0};
    err e;
    err_clear(&e);
    int rc = store_list(s, coll, field, value, visit, &c, &e);
    CHECK_MSG(rc == 0, "list %s %s=%s: %s", coll, field ? field : "-", value ? value : "-", e.msg);
    return c;
}

static long count(store *s, const char *coll)
{
    long n = -1;
    err e;
    err_clear(&e);
    CHECK_MSG(store_count(s, coll, &n, &e) == 0, "count %s: %s", coll, e.msg);
    return n;
}

static cJSON *get2(store *s, const char *coll, const char *k1, const char *k2)
{
    const char *key[] = {k1, k2, NULL};
    cJSON *out = NULL;
    err e;
    err_clear(&e);
    CHECK_MSG(store_get(s, coll, key, &out, &e) == 0, "get %s %s/%s: %s", coll, k1, k2 ? k2 : "", e.msg);
    return out;
}

static void upsert_ok(store *s, const char *coll, const cJSON *doc)
{
    err e;
    err_clear(&e);
    CHECK_MSG(store_upsert(s, coll, doc, &e) == 0, "upsert into %s: %s", coll, e.msg);
}

static void upsert_text(store *s, const char *coll, const char *json)
{
    cJSON *doc = cJSON_Parse(json);
    upsert_ok(s, coll, doc);
    cJSON_Delete(doc);
}

/* Opens the backend under test; every call sees the same data. */
typedef store *(*open_fn)(void *arg, err *e);

static void check_rejects(store *s)
{
    err e;
    err_clear(&e);
    cJSON *doc = race("2020", "1", "A");
    CHECK_INT(store_upsert(s, "nope", doc, &e), -1);
    CHECK_INT(e.kind, ERR_INTERNAL);
    CHECK(strstr(e.msg, "'nope'") != NULL);
    long n = 7;
    CHECK_INT(store_count(s, "nope", &n, &e), -1);
    const char *key[] = {"2020", "1", NULL};
    cJSON *got = NULL;
    CHECK_INT(store_get(s, "nope", key, &got, &e), -1);
    CHECK(got == NULL);
    seen c = {0, 0, 0};
    CHECK_INT(store_list(s, "nope", NULL, NULL, visit, &c, &e), -1);
    CHECK(store_key_fields("nope") == NULL);
    cJSON_Delete(doc);

    static const char *bad[][2] = {
        {"{\"season\":\"2020\",\"raceName\":\"no round\"}", "'round'"},
        {"{\"season\":2020,\"round\":\"1\"}", "'season'"},
        {"{\"season\":\"\",\"round\":\"1\"}", "'season'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        doc = cJSON_Parse(bad[i][0]);
        err_clear(&e);
        CHECK_INT(store_upsert(s, "races", doc, &e), -1);
        CHECK_INT(e.kind, ERR_DATA);
        CHECK_MSG(strstr(e.msg, "'races'") && strstr(e.msg, bad[i][1]), "message: %s", e.msg);
        cJSON_Delete(doc);
    }
    CHECK_INT(count(s, "races"), 0);
}

static void check_round_trip(store *s)
{
    cJSON *doc = race("2020", "1", "Gran Premio de S\xc3\xa3o Paulo");
    upsert_ok(s, "races", doc);
    cJSON *got = get2(s, "races", "2020", "1");
    CHECK(got != NULL);
    CHECK_MSG(cJSON_Compare(got, doc, 1), "document changed by the round trip");
    CHECK_INT(cJSON_GetArraySize(got), cJSON_GetArraySize(doc));
    CHECK(cJSON_GetObjectItemCaseSensitive(got, "_id") == NULL);
    CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(got, "round")));
    CHECK_STR(str_field(got, "note"), "quote \" backslash \\ tab \t flag \xf0\x9f\x8f\x81 日本");
    const cJSON *results = cJSON_GetObjectItemCaseSensitive(got, "Results");
    CHECK_INT(cJSON_GetArraySize(results), 2);
    const cJSON *driver = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(results, 1), "Driver");
    CHECK_STR(str_field(driver, "driverId"), "raikkonen");
    cJSON_Delete(got);
    cJSON_Delete(doc);

    /* Same key again: replaced, not added. */
    doc = race("2020", "1", "Changed");
    upsert_ok(s, "races", doc);
    CHECK_INT(count(s, "races"), 1);
    got = get2(s, "races", "2020", "1");
    CHECK_STR(str_field(got, "raceName"), "Changed");
    CHECK(cJSON_Compare(got, doc, 1));
    cJSON_Delete(got);
    cJSON_Delete(doc);
    CHECK(get2(s, "races", "2020", "9") == NULL);
}

static void check_list(store *s)
{
    cJSON *b = race("2020", "2", "B"), *c = race("2021", "1", "C");
    upsert_ok(s, "races", b);
    upsert_ok(s, "races", c);
    cJSON_Delete(b);
    cJSON_Delete(c);
    CHECK_INT(count(s, "races"), 3);
    seen r = list(s, "races", "season", "2020");
    CHECK_INT(r.n, 2);
    CHECK_INT(r.rounds, (1u << 1) | (1u << 2));
    CHECK_INT(list(s, "races", NULL, NULL).n, 3);
    CHECK_INT(list(s, "races", "round", "1").n, 2);
    r = list(s, "races", "raceName", "C");
    CHECK_INT(r.n, 1);
    CHECK_INT(r.rounds, 1u << 1);
    CHECK_INT(list(s, "races", "season", "1999").n, 0);
    CHECK_INT(list(s, "results", NULL, NULL).n, 0);
    CHECK_INT(count(s, "results"), 0);

    /* A visitor's error stops the walk and reaches the caller intact,
     * prefixed with the document it was about. */
    seen stop = {0, 0, 1};
    err e;
    err_clear(&e);
    CHECK_INT(store_list(s, "races", NULL, NULL, visit, &stop, &e), -1);
    CHECK_INT(stop.n, 1);
    CHECK_MSG(strstr(e.msg, "document") != NULL && strstr(e.msg, "2020") != NULL &&
                  strcmp(e.msg + strlen(e.msg) - 18, "visitor stops here") == 0,
              "%s", e.msg);
}

/* store_list_parts: each part's visitor context counts what it saw. */
enum { PART_DOCS = 300, PART_MAX = 4 };
typedef struct {
    unsigned char *seen; /* shared, but parts never share a document */
    int n;
    int fail_at;         /* the document number whose visit fails, or -1 */
} part_seen;

static int visit_part(const cJSON *doc, void *ctx, err *e)
{
    part_seen *p = ctx;
    int k = atoi(str_field(doc, "circuitId") + 1);
    if (k == p->fail_at)
        return err_set(e, "part visitor stops at c%d", k);
    if (k >= 0 && k < PART_DOCS)
        p->seen[k]++;
    p->n++;
    return 0;
}

static void check_list_parts(store *s, int splits)
{
    for (int k = 0; k < PART_DOCS; k++) {
        char json[96];
        snprintf(json, sizeof json, "{\"circuitId\":\"c%d\",\"circuitName\":\"C\"}", k);
        upsert_text(s, "circuits", json);
    }
    unsigned char seen[PART_DOCS] = {0};
    part_seen parts[PART_MAX];
    void *ctxs[PART_MAX];
    for (int k = 0; k < PART_MAX; k++) {
        parts[k] = (part_seen){seen, 0, -1};
        ctxs[k] = &parts[k];
    }
    err e;
    err_clear(&e);
    int n = store_list_parts(s, "circuits", PART_MAX, visit_part, ctxs, &e);
    CHECK_MSG(n >= 1 && n <= PART_MAX, "%d parts: %s", n, e.msg);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (splits && cpus >= 2)
        CHECK_MSG(n >= 2, "%d parts on %ld cores", n, cpus);
    if (!splits)
        CHECK_INT(n, 1);
    int once = 1, total = 0;
    for (int k = 0; k < PART_DOCS; k++)
        once = once && seen[k] == 1;
    for (int k = 0; k < PART_MAX; k++) {
        total += parts[k].n;
        if (k >= n)
            CHECK_INT(parts[k].n, 0); /* unused contexts stay untouched */
    }
    CHECK_MSG(once, "a document was visited twice or never");
    CHECK_INT(total, PART_DOCS);
    /* a visitor's error in any part reaches the caller intact, naming
     * the document */
    for (int k = 0; k < PART_MAX; k++)
        parts[k] = (part_seen){seen, 0, 250};
    CHECK_INT(store_list_parts(s, "circuits", PART_MAX, visit_part, ctxs, &e), -1);
    CHECK_MSG(strstr(e.msg, "c250") != NULL && strstr(e.msg, "document") != NULL &&
                  strcmp(e.msg + strlen(e.msg) - 26, "part visitor stops at c250") == 0,
              "%s", e.msg);
    CHECK_INT(store_list_parts(s, "nosuch", PART_MAX, visit_part, ctxs, &e), -1);
}

/* Keys with the join character and bytes a file name cannot hold. */
static void check_odd_keys(store *s)
{
    upsert_text(s, "drivers", "{\"driverId\":\"max_verstappen\",\"givenName\":\"Max\"}");
    upsert_text(s, "drivers", "{\"driverId\":\"r\\u00e4ikk\\u00f6nen/../x y\",\"givenName\":\"Kimi\"}");
    CHECK_INT(count(s, "drivers"), 2);
    cJSON *got = get2(s, "drivers", "r\xc3\xa4ikk\xc3\xb6nen/../x y", NULL);
    CHECK_STR(str_field(got, "givenName"), "Kimi");
    cJSON_Delete(got);
    seen r = list(s, "drivers", "driverId", "max_verstappen");
    CHECK_INT(r.n, 1);

    upsert_text(s, "weather", "{\"season\":\"1_2\",\"round\":\"3\",\"text\":\"a\"}");
    upsert_text(s, "weather", "{\"season\":\"1\",\"round\":\"2_3\",\"text\":\"b\"}");
    CHECK_INT(count(s, "weather"), 2);
    got = get2(s, "weather", "1_2", "3");
    CHECK_STR(str_field(got, "text"), "a");
    cJSON_Delete(got);
    CHECK_INT(list(s, "weather", "season", "1").n, 1);

    upsert_text(s, "meta", "{\"name\":\"schema\",\"version\":\"1\"}");
    got = get2(s, "meta", "schema", NULL);
    CHECK_STR(str_field(got, "version"), "1");
    cJSON_Delete(got);
}

static void suite(const char *name, open_fn open, void *arg)
{
    printf("# suite: %s\n", name);
    err e;
    err_clear(&e);
    store *s = open(arg, &e);
    CHECK_MSG(s != NULL, "%s: open: %s", name, e.msg);
    if (s == NULL)
        return;
    CHECK_STR(s->kind, name);
    check_rejects(s);
    check_round_trip(s);
    check_list(s);
    check_odd_keys(s);
    check_list_parts(s, strcmp(name, "embedded") == 0);
    store_close(s);

    s = open(arg, &e);
    CHECK_MSG(s != NULL, "%s: reopen: %s", name, e.msg);
    if (s == NULL)
        return;
    CHECK_INT(count(s, "races"), 3);
    CHECK_INT(count(s, "drivers"), 2);
    cJSON *got = get2(s, "races", "2020", "1");
    CHECK_STR(str_field(got, "raceName"), "Changed");
    cJSON_Delete(got);
    store_close(s);
    store_close(NULL);
}

/* ---- embedded backend ---- */

static store *open_dir(void *arg, err *e)
{
    return store_open_dir(arg, e);
}

static void write_file(const char *dir, const char *rel, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *f = fopen(path, "w");
    CHECK_MSG(f != NULL, "cannot write %s", path);
    if (f != NULL) {
        fputs(text, f);
        fclose(f);
    }
}

static int exists(const char *dir, const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    return fs_exists(path);
}

static void dir_layout(const char *dir)
{
    CHECK(exists(dir, "store/races/2020_1.json"));
    CHECK(exists(dir, "store/drivers/max_verstappen.json"));
    CHECK(exists(dir, "store/drivers/r%C3%A4ikk%C3%B6nen%2F..%2Fx%20y.json"));
    CHECK(exists(dir, "store/weather/1%5F2_3.json"));
    CHECK(exists(dir, "store/weather/1_2%5F3.json"));
    CHECK(exists(dir, "store/meta/schema.json"));
}

/* Temp files of a killed writer are never documents and go at open; a
 * live writer's stay (pid 1 always exists). */
static void dir_temp_files(const char *dir)
{
    err e;
    err_clear(&e);
    store *s = store_open_dir(dir, &e);
    CHECK(s != NULL);
    if (s == NULL)
        return;
    write_file(dir, "store/races/2020_9.json.tmp.2147483646", "{\"season\":\"2020\",\"ro");
    write_file(dir, "store/races/2020_7.json.tmp.2147483646.0123456789abcdef", "{");
    write_file(dir, "store/races/2020_8.json.tmp.1", "{");
    write_file(dir, "store/races/2020_6.json.tmp.1.fedcba9876543210", "{");
    write_file(dir, "store/races/2020_5.json.tmp.2147483646.not-ours", "{");
    CHECK_INT(count(s, "races"), 3);
    CHECK_INT(list(s, "races", NULL, NULL).n, 3);
    CHECK(get2(s, "races", "2020", "9") == NULL);
    store_close(s);

    s = store_open_dir(dir, &e);
    CHECK(s != NULL);
    CHECK(!exists(dir, "store/races/2020_9.json.tmp.2147483646"));
    CHECK(!exists(dir, "store/races/2020_7.json.tmp.2147483646.0123456789abcdef"));
    CHECK(exists(dir, "store/races/2020_8.json.tmp.1"));
    CHECK(exists(dir, "store/races/2020_6.json.tmp.1.fedcba9876543210"));
    CHECK(exists(dir, "store/races/2020_5.json.tmp.2147483646.not-ours"));
    CHECK_INT(count(s, "races"), 3);

    /* A document file that is not JSON is reported, not skipped. */
    write_file(dir, "store/races/2030_1.json", "{not json");
    seen c = {0, 0, 0};
    CHECK_INT(store_list(s, "races", NULL, NULL, visit, &c, &e), -1);
    CHECK_INT(e.kind, ERR_STORE);
    CHECK(strstr(e.msg, "2030_1.json") != NULL);
    char path[512];
    snprintf(path, sizeof path, "%s/store/races/2030_1.json", dir);
    unlink(path);

    /* A FIFO, or a link to an endless device, as a document: a clear error
     * at once (alarm() turns a hang into a failure). */
    alarm(20);
    CHECK_INT(mkfifo(path, 0644), 0);
    CHECK_INT(store_list(s, "races", NULL, NULL, visit, &c, &e), -1);
    CHECK_MSG(e.kind == ERR_STORE && strstr(e.msg, "2030_1.json") && strstr(e.msg, "a FIFO"), "%s", e.msg);
    cJSON *got = NULL;
    CHECK_INT(store_get(s, "races", (const char *const[]){"2030", "1"}, &got, &e), -1);
    unlink(path);
    CHECK_INT(symlink("/dev/zero", path), 0);
    CHECK_INT(store_list(s, "races", "season", "2030", visit, &c, &e), -1);
    CHECK_MSG(e.kind == ERR_STORE && strstr(e.msg, "symbolic link"), "%s", e.msg);
    unlink(path);
    alarm(0);
    store_close(s);
}

/* A writer SIGKILLed at random moments (after its first write, mid-fsync,
 * mid-rename) must leave the document whole: one version or the other. */
static void dir_kill_midwrite(const char *dir)
{
    int whole = 0, rounds = 12;
    for (int i = 0; i < rounds; i++) {
        int fds[2];
        if (pipe(fds) != 0)
            return;
        pid_t pid = fork();
        if (pid == 0) {
            err e;
            store *s = store_open_dir(dir, &e);
            cJSON *a = race("2022", "5", "A"), *b = race("2022", "5", "B");
            cJSON_AddItemToObject(b, "padding", cJSON_CreateString(race_json));
            for (long j = 0; s != NULL; j++) {
                store_upsert(s, "races", j % 2 ? a : b, &e);
                if (j == 0 && write(fds[1], "w", 1) != 1)
                    _exit(1);
            }
            _exit(1);
        }
        char ch;
        CHECK(pid > 0 && read(fds[0], &ch, 1) == 1);
        close(fds[0]);
        close(fds[1]);
        usleep((useconds_t)(i * 397 % 3000));
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);

        err e;
        err_clear(&e);
        store *s = store_open_dir(dir, &e);
        cJSON *got = s ? get2(s, "races", "2022", "5") : NULL;
        const char *name = str_field(got, "raceName");
        if (name != NULL && (strcmp(name, "A") == 0 || strcmp(name, "B") == 0) &&
            cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(got, "Results")) == 2)
            whole++;
        cJSON_Delete(got);
        store_close(s);
    }
    CHECK_INT(whole, rounds);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* A collection directory that is a symlink (a planted data-dir) is
 * refused: documents would be written wherever it points. */
static void dir_symlinked_collection(void)
{
    char dir[] = "/tmp/f1-test-store.XXXXXX", elsewhere[] = "/tmp/f1-test-store.XXXXXX";
    CHECK(mkdtemp(dir) != NULL && mkdtemp(elsewhere) != NULL);
    char path[300];
    snprintf(path, sizeof path, "%s/store", dir);
    CHECK_INT(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/store/results", dir);
    CHECK_INT(symlink(elsewhere, path), 0);
    err e;
    err_clear(&e);
    store *s = store_open_dir(dir, &e);
    CHECK(s == NULL);
    CHECK_INT(e.kind, ERR_STORE);
    CHECK_MSG(strstr(e.msg, "store/results") != NULL && strstr(e.msg, "symbolic link") != NULL, "%s", e.msg);
    store_close(s);
    unlink(path);
    snprintf(path, sizeof path, "%s/store", dir);
    CHECK_INT(nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
    /* and the store directory itself */
    CHECK_INT(symlink(elsewhere, path), 0);
    s = store_open_dir(dir, &e);
    CHECK(s == NULL && strstr(e.msg, "symbolic link") != NULL);
    store_close(s);
    unlink(path);
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    nftw(elsewhere, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void dir_tests(void)
{
    char dir[] = "/tmp/f1-test-store.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    suite("embedded", open_dir, dir);
    dir_layout(dir);
    dir_temp_files(dir);
    dir_kill_midwrite(dir);
    dir_symlinked_collection();
    err e;
    store *s = store_open_dir("/proc/version", &e);
    CHECK(s == NULL);
    CHECK_INT(e.kind, ERR_STORE);
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- MongoDB backend ---- */

typedef struct {
    const char *uri;
    char db[64];
} mongo_arg;

static store *open_mongo(void *arg, err *e)
{
    mongo_arg *m = arg;
    return store_open_mongo(m->uri, m->db, e);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The unique index holds even against a raw insert that bypasses upsert. */
static void mongo_unique_index(mongoc_client_t *client, const char *db)
{
    mongoc_collection_t *c = mongoc_client_get_collection(client, db, "races");
    bson_t *dup = BCON_NEW("season", "2020", "round", "1", "raceName", "duplicate");
    bson_error_t berr;
    bool ok = mongoc_collection_insert_one(c, dup, NULL, NULL, &berr);
    CHECK_MSG(!ok, "a duplicate key was inserted");
    CHECK_MSG(!ok && berr.code == 11000, "error %u: %s", berr.code, berr.message);
    bson_destroy(dup);
    mongoc_collection_destroy(c);
}

static void mongo_tests(const char *uri)
{
    mongo_arg m = {uri, ""};
    snprintf(m.db, sizeof m.db, "f1_test_%ld_%ld", (long)getpid(), (long)time(NULL));
    mongoc_client_t *client = mongoc_client_new(uri);
    CHECK(client != NULL);
    if (client == NULL)
        return;
    mongoc_client_set_error_api(client, MONGOC_ERROR_API_VERSION_2);
    suite("mongodb", open_mongo, &m);
    mongo_unique_index(client, m.db);
    mongoc_database_t *db = mongoc_client_get_database(client, m.db);
    mongoc_database_drop(db, NULL);
    mongoc_database_destroy(db);
    mongoc_client_destroy(client);
}

static int closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = 0;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

/* An unreachable server fails at open, fast, naming the host, never the
 * password; a malformed URI is an input error that does not echo it. */
static void mongo_unreachable(void)
{
    char uri[128], host[64];
    int port = closed_port();
    snprintf(uri, sizeof uri, "mongodb://user:s3cretpw@127.0.0.1:%d/", port);
    snprintf(host, sizeof host, "127.0.0.1:%d", port);
    err e;
    err_clear(&e);
    double t0 = now();
    store *s = store_open_mongo(uri, "f1", &e);
    double took = now() - t0;
    CHECK(s == NULL);
    store_close(s);
    CHECK_INT(e.kind, ERR_STORE);
    CHECK_MSG(strstr(e.msg, "s3cretpw") == NULL, "password in: %s", e.msg);
    CHECK_MSG(strstr(e.msg, host) && strstr(e.msg, "cannot reach MongoDB") && strstr(e.msg, "'mongodb-uri'"),
              "message: %s", e.msg);
    CHECK_MSG(took < 5.0, "open took %.1f s", took);

    err_clear(&e);
    s = store_open_mongo("mongodb://user:s3cretpw@:99999/", "f1", &e);
    CHECK(s == NULL);
    CHECK_INT(e.kind, ERR_INPUT);
    CHECK_MSG(strstr(e.msg, "s3cretpw") == NULL, "password in: %s", e.msg);
}

static void mongo_down(const char *uri)
{
    mongo_arg m = {uri, ""};
    snprintf(m.db, sizeof m.db, "f1_test_down_%ld", (long)getpid());
    err e;
    err_clear(&e);
    store *s = open_mongo(&m, &e);
    CHECK_MSG(s != NULL, "open: %s", e.msg);
    if (s == NULL)
        return;
    cJSON *doc = race("2020", "1", "A");
    upsert_ok(s, "races", doc);
    printf("READY\n");
    fflush(stdout);
    char line[16];
    CHECK(fgets(line, sizeof line, stdin) != NULL);

    double t0 = now();
    CHECK_INT(store_upsert(s, "races", doc, &e), -1);
    CHECK_INT(e.kind, ERR_STORE);
    printf("# upsert: %s\n", e.msg);
    const char *key[] = {"2020", "1", NULL};
    cJSON *got = NULL;
    CHECK_INT(store_get(s, "races", key, &got, &e), -1);
    CHECK(got == NULL);
    CHECK_INT(e.kind, ERR_STORE);
    seen c = {0, 0, 0};
    CHECK_INT(store_list(s, "races", NULL, NULL, visit, &c, &e), -1);
    long n;
    CHECK_INT(store_count(s, "races", &n, &e), -1);
    CHECK_INT(e.kind, ERR_STORE);
    printf("# count: %s\n", e.msg);
    store_close(s);
    double took = now() - t0;
    CHECK_MSG(took < 20.0, "operations against a lost server took %.1f s", took);
    cJSON_Delete(doc);
}

int main(void)
{
    mongoc_init();
    const char *uri = getenv("F1_TEST_MONGO_URI");
    if (uri != NULL && uri[0] != '\0' && getenv("F1_TEST_MONGO_DOWN") != NULL) {
        mongo_down(uri);
    } else {
        dir_tests();
        mongo_unreachable();
        if (uri != NULL && uri[0] != '\0')
            mongo_tests(uri);
    }
    mongoc_cleanup();
    log_shutdown();
    return check_done();
}
