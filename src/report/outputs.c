#include "report/outputs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "report/filecmd.h"

#define OUTPUTS_VAR "GITHUB_OUTPUT"

static int outputs_name_ok(const char *name)
{
    if (name[0] == '\0')
        return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return 0;
    return 1;
}

/* 1 when value contains a registered secret: redacting it changes it. */
static int outputs_holds_secret(const char *value, err *e)
{
    size_t n = strlen(value);
    /* Each secret is at least one byte and becomes "***": at most 3x. */
    size_t cap = 3 * n + 1;
    char *red = malloc(cap);
    if (red == NULL)
        return err_set(e, "out of memory checking an output for secrets");
    log_redact(value, red, cap);
    int held = strcmp(red, value) != 0;
    free(red);
    return held;
}

/* The toolkit's delimiter form, ghadelimiter_<uuid v4>. */
static int outputs_delimiter(char *out, size_t n, err *e)
{
    unsigned char r[16];
    FILE *f = fopen("/dev/urandom", "rb");
    if (f == NULL)
        return err_set(e, "cannot open /dev/urandom for an output delimiter");
    size_t got = fread(r, 1, sizeof r, f);
    fclose(f);
    if (got != sizeof r)
        return err_set(e, "cannot read /dev/urandom for an output delimiter");
    r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
    r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
    snprintf(out, n,
             "ghadelimiter_%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
             r[13], r[14], r[15]);
    return 0;
}

static int outputs_format(buf *line, const char *name, const char *value, err *e)
{
    if (strpbrk(value, "\r\n") == NULL)
        return buf_printf(line, e, "%s=%s\n", name, value);
    char delim[64];
    if (outputs_delimiter(delim, sizeof delim, e) != 0)
        return -1;
    if (strstr(value, delim) != NULL)
        return err_set(e, "output '%s': the value contains its delimiter", name);
    return buf_printf(line, e, "%s<<%s\n%s\n%s\n", name, delim, value, delim);
}

int outputs_set(const char *name, const char *value, err *e)
{
    char path[4096];
    if (!filecmd_path(OUTPUTS_VAR, path, sizeof path))
        return 0;
    if (!outputs_name_ok(name))
        return err_set(e, "bad output name '%s' (letters, digits, '-' and '_' only)", name);
    int held = outputs_holds_secret(value, e);
    if (held < 0)
        return -1;
    if (held) {
        log_warn("not setting output '%s': its value contains a masked secret", name);
        return 0;
    }
    buf line;
    buf_init(&line, 0);
    int rc = outputs_format(&line, name, value, e);
    if (rc == 0)
        rc = filecmd_append(OUTPUTS_VAR, line.data, line.len, e);
    buf_release(&line);
    return rc;
}
