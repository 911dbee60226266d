/* outputs: values written to GITHUB_OUTPUT read back with the runner's
 * parsing rules (single-line name=value, heredoc name<<DELIM ... DELIM),
 * masked secrets never written, bad names refused, unset file ignored. */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "metrics_fixture.h"

#include "core/log.h"
#include "report/filecmd.h"
#include "report/outputs.h"

#define MAX_PAIRS 16

typedef struct {
    int n;
    char *name[MAX_PAIRS];
    char *value[MAX_PAIRS];
    char *delim[MAX_PAIRS]; /* NULL for name=value */
} parsed;

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* Length of the line at p without its LF, and without a CR before it:
 * the runner reads with ReadLine, act's scanner strips CR. */
static size_t line_len(const char *p)
{
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    return len > 0 && p[len - 1] == '\r' ? len - 1 : len;
}

/* Moves p past the line it points at. */
static const char *next_line(const char *p)
{
    const char *nl = strchr(p, '\n');
    return nl ? nl + 1 : p + strlen(p);
}

/* The runner's EnvFileKeyValuePairs: a line with '=' before any "<<" is
 * name=value; a line with "<<" first opens a heredoc whose value is the
 * following lines, joined by '\n', up to the line equal to the delimiter.
 * Returns -1 on a malformed file (no '=' or "<<", missing delimiter). */
static int parse_runner(const char *text, parsed *out)
{
    memset(out, 0, sizeof *out);
    const char *p = text;
    while (*p && out->n < MAX_PAIRS) {
        size_t len = line_len(p);
        char *line = dup_n(p, len);
        p = next_line(p);
        if (len == 0) {
            free(line);
            continue;
        }
        char *eq = strchr(line, '=');
        char *hd = strstr(line, "<<");
        if (eq && (!hd || eq < hd)) {
            out->name[out->n] = dup_n(line, (size_t)(eq - line));
            out->value[out->n] = strdup(eq + 1);
            out->n++;
            free(line);
            continue;
        }
        if (!hd) {
            free(line);
            return -1;
        }
        const char *delim = hd + 2;
        char *value = calloc(1, strlen(p) + 1);
        int found = 0, first = 1;
        while (*p) {
            size_t l2 = line_len(p);
            int is_delim = l2 == strlen(delim) && strncmp(p, delim, l2) == 0;
            if (!is_delim) {
                if (!first)
                    strcat(value, "\n");
                strncat(value, p, l2);
                first = 0;
            }
            p = next_line(p);
            if (is_delim) {
                found = 1;
                break;
            }
        }
        if (!found) {
            free(value);
            free(line);
            return -1;
        }
        out->name[out->n] = dup_n(line, (size_t)(hd - line));
        out->value[out->n] = value;
        out->delim[out->n] = strdup(delim);
        out->n++;
        free(line);
    }
    return 0;
}

static void parsed_free(parsed *p)
{
    for (int i = 0; i < p->n; i++) {
        free(p->name[i]);
        free(p->value[i]);
        free(p->delim[i]);
    }
}

static const char *lookup(const parsed *p, const char *name)
{
    for (int i = 0; i < p->n; i++)
        if (strcmp(p->name[i], name) == 0)
            return p->value[i];
    return NULL;
}

static int set(const char *name, const char *value)
{
    err e;
    err_clear(&e);
    return outputs_set(name, value, &e);
}

int main(void)
{
    FILE *devnull = fopen("/dev/null", "w");
    log_set_stream(devnull);
    char dir[] = "/tmp/f1-outputs.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/output", dir);

    /* Outside Actions nothing is written, and that is not an error. */
    unsetenv("GITHUB_OUTPUT");
    CHECK_INT(set("precision", "0.5"), 0);
    CHECK(access(path, F_OK) != 0);

    setenv("GITHUB_OUTPUT", path, 1);
    CHECK_INT(fixture_write(dir, "output", "earlier-step=kept\n"), 0);
    const char *multi = "line one\nline two = with <<arrows>>\n\nafter a blank line";
    const char *tricky = "a=b<<c";
    CHECK_INT(set("precision", "0.65"), 0);
    CHECK_INT(set("empty", ""), 0);
    CHECK_INT(set("tricky", tricky), 0);
    CHECK_INT(set("table", multi), 0);
    CHECK_INT(set("table2", multi), 0);
    CHECK_INT(set("crlf", "one\r\ntwo"), 0);

    /* A value holding a masked secret is skipped, not written. */
    log_mask("hunter2secret");
    CHECK_INT(set("leak", "mongodb://u:hunter2secret@db/f1"), 0);
    CHECK_INT(set("leak2", "hunter2secret"), 0);
    /* Names that would change the parse are refused. */
    CHECK_INT(set("a=b", "x"), -1);
    CHECK_INT(set("a<<b", "x"), -1);
    CHECK_INT(set("", "x"), -1);

    char *text = fixture_read(path, NULL);
    CHECK(text != NULL);
    parsed p;
    CHECK_INT(parse_runner(text ? text : "", &p), 0);
    CHECK_INT(p.n, 7);
    CHECK_STR(lookup(&p, "earlier-step"), "kept");
    CHECK_STR(lookup(&p, "precision"), "0.65");
    CHECK_STR(lookup(&p, "empty"), "");
    CHECK_STR(lookup(&p, "tricky"), tricky);
    CHECK_STR(lookup(&p, "table"), multi);
    CHECK_STR(lookup(&p, "table2"), multi);
    /* The runner reads lines, so CR LF inside a value comes back as LF. */
    CHECK_STR(lookup(&p, "crlf"), "one\ntwo");
    CHECK(lookup(&p, "leak") == NULL && lookup(&p, "leak2") == NULL);
    CHECK(text != NULL && strstr(text, "hunter2secret") == NULL);
    /* Heredoc delimiters: the toolkit's form, fresh for every value. */
    int heredocs = 0;
    const char *d1 = NULL, *d2 = NULL;
    for (int i = 0; i < p.n; i++) {
        if (p.delim[i] == NULL)
            continue;
        heredocs++;
        CHECK(strncmp(p.delim[i], "ghadelimiter_", 13) == 0 && strlen(p.delim[i]) == 13 + 36);
        if (strcmp(p.name[i], "table") == 0)
            d1 = p.delim[i];
        if (strcmp(p.name[i], "table2") == 0)
            d2 = p.delim[i];
    }
    CHECK_INT(heredocs, 3);
    CHECK(d1 && d2 && strcmp(d1, d2) != 0);
    /* Single-line values stay single-line (readable in the file). */
    CHECK(text != NULL && strstr(text, "\nprecision=0.65\n") != NULL);
    parsed_free(&p);
    free(text);

    /* act in host mode passes host paths: the file is then looked for
     * where act mounts it in the container. */
    char where[256];
    setenv("GITHUB_OUTPUT", "/nonexistent-act-host/workflow/outputcmd.txt", 1);
    setenv("ACT", "true", 1);
    CHECK_INT(filecmd_path("GITHUB_OUTPUT", where, sizeof where), 1);
    CHECK_STR(where, "/var/run/act/workflow/outputcmd.txt");
    setenv("GITHUB_OUTPUT", path, 1);
    CHECK_INT(filecmd_path("GITHUB_OUTPUT", where, sizeof where), 1);
    CHECK_STR(where, path);
    unsetenv("ACT");
    setenv("GITHUB_OUTPUT", "/nonexistent-act-host/workflow/outputcmd.txt", 1);
    CHECK_INT(filecmd_path("GITHUB_OUTPUT", where, sizeof where), 1);
    CHECK_STR(where, "/nonexistent-act-host/workflow/outputcmd.txt");
    unsetenv("GITHUB_OUTPUT");
    CHECK_INT(filecmd_path("GITHUB_OUTPUT", where, sizeof where), 0);
    fixture_end(dir, devnull);
    return check_done();
}
