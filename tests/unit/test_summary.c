/* summary: the job summary stays within 1 MiB however many races there
 * are, has the Mermaid chart only when backtesting, escapes table cells,
 * reports failure and runs without metrics, and is appended to
 * GITHUB_STEP_SUMMARY. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "metrics_fixture.h"

#include "report/summary.h"
#include "stages/registry.h"

/* What `all` selects. */
#define STAGES_ALL \
    (STAGE_SOURCE | STAGE_PREPARE | STAGE_FEATURES | STAGE_TRAIN | STAGE_EVALUATE | STAGE_PACKAGE | STAGE_UPLOAD | STAGE_COMMENT)

static double seconds[STAGE_COUNT] = {[STAGE_IDX_SOURCE] = 1.5, [STAGE_IDX_PREPARE] = 0.25,
                                      [STAGE_IDX_FEATURES] = 0.5, [STAGE_IDX_TRAIN] = 2.0,
                                      [STAGE_IDX_EVALUATE] = 0.75, [STAGE_IDX_PACKAGE] = 0.1};

static char *render(const summary_run *r, size_t *len)
{
    buf b;
    buf_init(&b, 0);
    err e;
    err_clear(&e);
    int rc = summary_render(&b, r, &e);
    CHECK_MSG(rc == 0, "summary_render: %s", e.msg);
    if (len)
        *len = b.len;
    return buf_detach(&b);
}

/* 1 when the summary of r contains needle. */
static int renders(const summary_run *r, const char *needle)
{
    char *md = render(r, NULL);
    int found = strstr(md, needle) != NULL;
    free(md);
    return found;
}

static int count(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void test_plain_run(void)
{
    cJSON *m = fixture_metrics(4, 0, "Grand | Prix\nof Pipes");
    summary_run r = {.ok = 1, .stages = STAGES_ALL & ~STAGE_UPLOAD, .seconds = seconds, .metrics = m};
    char *md = render(&r, NULL);
    CHECK(strstr(md, "| **model** | 0.650 | 0.620 | 0.900 | 15 / 24 |") != NULL);
    CHECK(strstr(md, "| pole baseline (grid 1 wins) | 0.500 |") != NULL);
    CHECK(strstr(md, "9.5 / 24") != NULL);
    /* The cell keeps its text but cannot split the row or the table. */
    CHECK(strstr(md, "| 2024 | 1 | Grand \\| Prix of Pipes | max\\_verstappen | 0.910 | max\\_verstappen | ✅ |") != NULL);
    CHECK(strstr(md, "| 2024 | 3 | Race 3 Grand Prix | max\\_verstappen | 0.910 | norris | ❌ |") != NULL);
    CHECK_INT(count(md, "| 2024 | "), 4);
    CHECK(strstr(md, "```mermaid") == NULL && strstr(md, "xychart-beta") == NULL);
    CHECK(strstr(md, "Table cut") == NULL);
    CHECK(strstr(md, "| 2015–2023 | 209 | 4179 | 201 | 5 | 1 | 2 |") != NULL);
    CHECK(strstr(md, "training seasons 2015–2023") != NULL);
    CHECK(strstr(md, "train (2.00 s)") != NULL && strstr(md, "upload") == NULL);
    CHECK(strstr(md, "failed") == NULL);
    free(md);
    /* stages are listed in the order they run: tune before train */
    r.stages = STAGE_TUNE | STAGE_TRAIN | STAGE_UPLOAD;
    r.seconds = NULL;
    md = render(&r, NULL);
    CHECK(strstr(md, "**Stages run in this step:** tune, train, upload\n") != NULL);
    free(md);
    cJSON_Delete(m);
}

/* Every stage a step runs is listed in run order with its time. */
static void test_every_stage_timed(void)
{
    double t[STAGE_COUNT];
    for (int i = 0; i < STAGE_COUNT; i++)
        t[i] = i + 1;
    summary_run r = {.ok = 1, .stages = (1u << STAGE_COUNT) - 1, .seconds = t};
    CHECK_INT(STAGE_COUNT, 11);
    CHECK(renders(&r, "**Stages run in this step:** source (1.00 s), prepare (2.00 s), tune (3.00 s), "
                      "tune-merge (4.00 s), features (5.00 s), train (6.00 s), evaluate (7.00 s), "
                      "package (8.00 s), upload (9.00 s), comment (10.00 s), predict (11.00 s)\n"));
}

static void test_backtest_chart(void)
{
    cJSON *m = fixture_metrics(2, 1, NULL);
    summary_run r = {.ok = 1, .stages = STAGE_EVALUATE, .metrics = m};
    char *md = render(&r, NULL);
    CHECK_INT(count(md, "```mermaid\nxychart-beta\n"), 1);
    CHECK(strstr(md, "x-axis [\"2022\", \"2023\", \"2024\"]") != NULL);
    CHECK(strstr(md, "bar [0.600, 0.650, 0.700]") != NULL);
    CHECK(strstr(md, "line [0.450, 0.450, 0.450]") != NULL);
    CHECK(strstr(md, "| 2023 | 22 | 0.650 | 0.620 | 0.900 | 0.450 | 0.350 |") != NULL);
    CHECK(strstr(md, "| **mean** | | 0.650 |") != NULL);
    free(md);
    cJSON_Delete(m);
}

static void test_huge_table(void)
{
    char name[300];
    memset(name, 'x', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    cJSON *m = fixture_metrics(20000, 1, NULL);
    /* Long race names make every row ~350 bytes: 7 MB of table. */
    cJSON *race;
    cJSON_ArrayForEach(race, cJSON_GetObjectItem(m, "races"))
        cJSON_ReplaceItemInObject(race, "race_name", cJSON_CreateString(name));
    summary_run r = {.ok = 1, .stages = STAGE_EVALUATE, .metrics = m};
    size_t len = 0;
    char *md = render(&r, &len);
    CHECK_MSG(len <= SUMMARY_MAX, "summary is %zu bytes", len);
    CHECK(len > SUMMARY_MAX - 4096);
    CHECK(strlen(md) == len);
    int rows = count(md, " | max\\_verstappen | 0.910 | ");
    CHECK(rows > 1000 && rows < 20000);
    char note[128];
    snprintf(note, sizeof note, "Table cut after %d of 20000 races", rows);
    CHECK(strstr(md, note) != NULL);
    /* What follows the table survives the cut. */
    CHECK(strstr(md, "xychart-beta") != NULL && strstr(md, "## Data coverage") != NULL);
    free(md);
    cJSON_Delete(m);
}

/* The stages' sections (predict's) count against the runner's 1 MiB:
 * they come first, and the rendering fits in what is left. */
static void test_room_after_earlier_sections(void)
{
    size_t earlier = 900u << 10;
    buf sections;
    buf_init(&sections, 0);
    err e;
    err_clear(&e);
    char *fill = malloc(earlier);
    memset(fill, 'x', earlier);
    CHECK_INT(buf_append(&sections, fill, earlier, &e), 0);
    free(fill);
    size_t room = SUMMARY_MAX - earlier;
    cJSON *m = fixture_metrics(5000, 0, NULL);
    summary_run r = {.ok = 1, .stages = STAGE_EVALUATE, .metrics = m, .sections = &sections};
    size_t len = 0;
    char *md = render(&r, &len);
    CHECK_MSG(len <= SUMMARY_MAX && len - earlier > room - 4096, "%zu bytes in a room of %zu",
              len - earlier, room);
    CHECK(memcmp(md, sections.data, earlier) == 0 && strncmp(md + earlier, "# f1-mlops", 10) == 0);
    CHECK(strstr(md + earlier, "Table cut after") != NULL);
    free(md);
    /* sections already at the limit leave no room: rendering fails, it is
     * not cut to nothing */
    buf_reset(&sections);
    fill = malloc(SUMMARY_MAX + 10);
    memset(fill, 'x', SUMMARY_MAX + 10);
    CHECK_INT(buf_append(&sections, fill, SUMMARY_MAX + 10, &e), 0);
    free(fill);
    buf b;
    buf_init(&b, 0);
    CHECK_INT(summary_render(&b, &r, &e), -1);
    buf_release(&b);
    buf_release(&sections);
    cJSON_Delete(m);
}

static void test_failed_and_no_metrics(void)
{
    cJSON *cov = cJSON_Parse("{\"seasons\": [1950, 1951], \"races\": 15, \"rows\": 300,"
                             " \"weather\": {\"found\": 3, \"missing\": 4, \"error\": 5, \"none\": 6}}");
    double t[STAGE_COUNT] = {[STAGE_IDX_SOURCE] = 3.25};
    summary_run r = {.ok = 0, .stages = STAGE_SOURCE | STAGE_PREPARE, .seconds = t, .coverage = cov};
    char *md = render(&r, NULL);
    CHECK(strstr(md, "The run failed") != NULL);
    CHECK(strstr(md, "source (3.25 s), prepare (not reached)") != NULL);
    CHECK(strstr(md, "No metrics yet") != NULL);
    CHECK(strstr(md, "| 1950–1951 | 15 | 300 | 3 | 4 | 5 | 6 |") != NULL);
    CHECK(strstr(md, "Model vs baselines") == NULL && strstr(md, "```mermaid") == NULL);
    free(md);
    r.ok = 1;
    r.coverage = NULL;
    CHECK(!renders(&r, "The run failed") && renders(&r, "No coverage yet"));
    /* metrics.json without a coverage copy: coverage.json is shown. */
    cJSON *m = fixture_metrics(1, 0, NULL);
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(m, "data"), "coverage", cJSON_CreateNull());
    r.metrics = m;
    r.coverage = cov;
    CHECK(renders(&r, "| 1950–1951 | 15 | 300 | 3 | 4 | 5 | 6 |"));
    cJSON_Delete(m);
    cJSON_Delete(cov);
}

static void test_artifact_line(void)
{
    cJSON *m = fixture_metrics(1, 0, NULL);
    cJSON *up = cJSON_Parse("{\"artifact_id\": \"77\", \"artifact_url\": \"https://example.invalid/a/77\","
                            " \"artifact_digest\": \"abc123\", \"name\": \"f1-model\"}");
    summary_run r = {.ok = 1, .metrics = m, .upload = up, .zip_path = "d/f1-model.zip"};
    char *md = render(&r, NULL);
    CHECK(strstr(md, "[f1\\-model](https://example.invalid/a/77) (id 77, sha256 abc123)") != NULL);
    /* Metrics this step did not compute are labelled as such. */
    CHECK(strstr(md, "written by an earlier step") != NULL);
    free(md);
    r.upload = NULL;
    CHECK(renders(&r, "**Package:** d\\/f1\\-model\\.zip (not uploaded)"));
    cJSON_Delete(up);
    cJSON_Delete(m);
}

static void test_append(void)
{
    char dir[] = "/tmp/f1-summary.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/summary.md", dir);
    buf b;
    buf_init(&b, 0);
    err e;
    err_clear(&e);
    buf_puts(&b, "# step two\n", &e);
    unsetenv("GITHUB_STEP_SUMMARY");
    CHECK_INT(summary_append(&b, &e), 0);
    setenv("GITHUB_STEP_SUMMARY", path, 1);
    CHECK_INT(fixture_write(dir, "summary.md", "# step one\n"), 0);
    CHECK_INT(summary_append(&b, &e), 0);
    char *text = fixture_read(path, NULL);
    CHECK_STR(text, "# step one\n# step two\n");
    free(text);
    unsetenv("GITHUB_STEP_SUMMARY");
    buf_release(&b);
    fixture_rm_rf(dir);
}

int main(void)
{
    test_plain_run();
    test_every_stage_timed();
    test_backtest_chart();
    test_huge_table();
    test_failed_and_no_metrics();
    test_room_after_earlier_sections();
    test_artifact_line();
    test_append();
    return check_done();
}
