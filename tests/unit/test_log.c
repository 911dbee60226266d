/* log: whatever a message holds, one call prints one line that starts no
 * workflow command but its own.  The output is read back the way the
 * runner reads it (lines end at CR or LF; a command is "::name" after
 * leading whitespace, or the legacy "##[name]" anywhere in a line, for any
 * registered name), and annotations are unescaped as the runner does. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "core/log.h"

static const char *const registered[] = {"set-env", "set-output", "save-state", "add-mask", "add-path",
                                         "add-matcher", "remove-matcher", "debug", "warning", "error",
                                         "notice", "group", "endgroup", "echo", "stop-commands"};

/* 1 when s (n bytes) is a registered command name. */
static int is_registered(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof registered / sizeof *registered; i++)
        if (strlen(registered[i]) == n && strncmp(registered[i], s, n) == 0)
            return 1;
    return 0;
}

/* Bytes of leading whitespace the runner's TrimStart() drops: ASCII
 * whitespace and the UTF-8 forms of the Unicode spaces used here. */
static size_t leading_space(const char *s)
{
    size_t i = 0;
    for (;;) {
        if (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))
            i++;
        else if ((unsigned char)s[i] == 0xc2 && ((unsigned char)s[i + 1] == 0xa0 || (unsigned char)s[i + 1] == 0x85))
            i += 2;
        else if ((unsigned char)s[i] == 0xe2 && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] >= 0x80 &&
                 (unsigned char)s[i + 2] <= 0x8a)
            i += 3;
        else
            return i;
    }
}

static void copy_name(char *name, size_t n, const char *s, size_t len)
{
    if (len >= n)
        len = n - 1;
    memmove(name, s, len);
    name[len] = '\0';
}

/* The command a line runs, written into name ("" for none). */
static void command_of(const char *line, char *name, size_t n)
{
    name[0] = '\0';
    const char *p = line + leading_space(line);
    if (strncmp(p, "::", 2) == 0) {
        const char *end = strstr(p + 2, "::");
        size_t len = end ? strcspn(p + 2, " :") : 0;
        if (end != NULL && is_registered(p + 2, len)) {
            copy_name(name, n, p + 2, len);
            return;
        }
    }
    for (const char *h = strstr(line, "##["); h != NULL; h = strstr(h + 1, "##[")) {
        const char *rb = strchr(h, ']');
        size_t len = rb ? strcspn(h + 3, " ]") : 0;
        if (rb != NULL && is_registered(h + 3, len)) {
            copy_name(name, n, h + 3, len);
            return;
        }
    }
}

/* The runner's unescaping of message data. */
static void unescape(const char *s, char *out, size_t n)
{
    size_t o = 0;
    while (*s && o + 1 < n) {
        if (strncmp(s, "%0D", 3) == 0 || strncmp(s, "%0A", 3) == 0 || strncmp(s, "%25", 3) == 0) {
            out[o++] = s[2] == 'D' ? '\r' : s[2] == 'A' ? '\n' : '%';
            s += 3;
        } else {
            out[o++] = *s++;
        }
    }
    out[o] = '\0';
}

typedef struct {
    int n;
    char line[16][8192];
    char cmd[16][32];
} lines;

/* Splits what the logger printed as the runner does (CR or LF ends a line). */
static void read_back(FILE *f, lines *out)
{
    static char text[65536];
    rewind(f);
    size_t len = fread(text, 1, sizeof text - 1, f);
    text[len] = '\0';
    memset(out, 0, sizeof *out);
    for (char *p = text; *p && out->n < 16;) {
        size_t l = strcspn(p, "\r\n");
        snprintf(out->line[out->n], sizeof out->line[0], "%.*s", (int)l, p);
        command_of(out->line[out->n], out->cmd[out->n], sizeof out->cmd[0]);
        out->n++;
        p += l;
        if (*p == '\r' && p[1] == '\n')
            p++;
        if (*p)
            p++;
    }
}

static const char *const hostile[] = {
    "\n::warning ::injected",
    "\n::add-mask::precision",
    "Evil\n::error::INJECTED\n",
    "x\r::error::after a lone CR",
    "::error::at the start",
    "  \t::notice::after spaces",
    "\xc2\xa0::group::after a no-break space",
    "\xe2\x80\x83::error::after an em space",
    "inline ##[error]legacy form ##[stop-commands]tok",
    "100% done, %0A and %25 as text",
    "::endgroup::",
};

/* A hostile string in each kind of line: exactly one line per call, whose
 * only command is the logger's own; annotations read back unchanged. */
static void test_hostile_messages(void)
{
    for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++) {
        const char *h = hostile[i];
        for (int kind = 0; kind < 5; kind++) {
            FILE *f = tmpfile();
            log_set_stream(f);
            const char *want = "";
            switch (kind) {
            case 0: log_info("data-dir %s", h); break;
            case 1: log_info("%s", h); break;
            case 2: log_warn("race '%s'", h); want = "warning"; break;
            case 3: log_error("%s", h); want = "error"; break;
            default: log_group_begin("%s", h); want = "group"; break;
            }
            lines got;
            read_back(f, &got);
            fclose(f);
            CHECK_MSG(got.n == 1, "kind %d, input %zu: %d lines", kind, i, got.n);
            CHECK_MSG(strcmp(got.cmd[0], want) == 0, "kind %d, input %zu: command '%s' in: %s", kind, i,
                      got.cmd[0], got.line[0]);
            if (kind >= 2) {
                /* the data after "::name::", as the runner shows it */
                const char *data = strstr(got.line[0] + 2, "::");
                char shown[8192];
                unescape(data ? data + 2 : "", shown, sizeof shown);
                CHECK_MSG(strstr(shown, h) != NULL, "kind %d, input %zu: shown as: %s", kind, i, shown);
            }
        }
    }
    log_set_stream(NULL);
}

/* Masks keep working: the ::add-mask:: line is the one command, and a
 * secret inside hostile text is still replaced. */
static void test_masks(void)
{
    FILE *f = tmpfile();
    log_set_stream(f);
    log_mask("pa%ss\nword");
    log_info("uri with pa%%ss\nword and \n::add-mask::precision");
    lines got;
    read_back(f, &got);
    fclose(f);
    CHECK_INT(got.n, 2);
    CHECK_STR(got.cmd[0], "add-mask");
    char shown[256];
    unescape(got.line[0] + strlen("::add-mask::"), shown, sizeof shown);
    CHECK_STR(shown, "pa%ss\nword");
    CHECK_STR(got.cmd[1], "");
    CHECK(strstr(got.line[1], "pa%ss") == NULL && strstr(got.line[1], "***") != NULL);
    log_set_stream(NULL);
    log_shutdown();
}

int main(void)
{
    test_hostile_messages();
    test_masks();
    return check_done();
}
