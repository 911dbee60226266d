#include "core/log.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define LOG_LINE_MAX 8192
#define LOG_MAX_SECRETS 32

static struct {
    FILE *out;
    int quiet;
    char *secrets[LOG_MAX_SECRETS];
    int nsecrets;
} logger;

static FILE *log_out(void)
{
    return logger.out ? logger.out : stdout;
}

void log_set_stream(FILE *f)
{
    logger.out = f;
}

void log_set_quiet(int quiet)
{
    logger.quiet = quiet;
}

void log_redact(const char *s, char *out, size_t n)
{
    size_t o = 0;
    while (*s && o + 1 < n) {
        int hit = 0;
        for (int i = 0; i < logger.nsecrets; i++) {
            size_t l = strlen(logger.secrets[i]);
            if (strncmp(s, logger.secrets[i], l) == 0) {
                for (const char *m = "***"; *m && o + 1 < n; m++)
                    out[o++] = *m;
                s += l;
                hit = 1;
                break;
            }
        }
        if (!hit)
            out[o++] = *s++;
    }
    out[o] = '\0';
}

/* Writes s into out (size n) as one line that starts no command but the
 * caller's prefix.  An annotation's (or group's, or mask's) message gets
 * the runner's message escaping, % first, then CR and LF; the runner
 * shows the original.  A plain line is read by the runner as a command
 * when it starts with "::" after leading whitespace (any Unicode space),
 * and in the legacy form "##[name]" anywhere; by act when it starts with
 * "::".  So it gets CR and LF as %0D and %0A (the runner ends a line at
 * either), "##[" as "##%5B", and a first "::" after nothing but spaces,
 * controls or non-ASCII bytes (which may be Unicode spaces) as "%3A:".
 * Nothing undoes that, so its '%' is kept (a percent-encoded URL stays
 * readable). */
static void log_encode(const char *s, int annotation, char *out, size_t n)
{
    const char *lead = s;
    while ((*lead > 0 && *lead <= ' ') || (unsigned char)*lead >= 0x80)
        lead++;
    size_t o = 0;
    for (const char *p = s; *p && o + 4 < n; p++) {
        const char *rep = NULL;
        if (*p == '\r')
            rep = "%0D";
        else if (*p == '\n')
            rep = "%0A";
        else if (annotation && *p == '%')
            rep = "%25";
        else if (!annotation && p == lead && p[0] == ':' && p[1] == ':')
            rep = "%3A";
        else if (!annotation && *p == '[' && p - s >= 2 && p[-1] == '#' && p[-2] == '#')
            rep = "%5B";
        if (rep) {
            memcpy(out + o, rep, 3);
            o += 3;
        } else {
            out[o++] = *p;
        }
    }
    out[o] = '\0';
}

/* One call, one line: redacted, then encoded as an annotation's message
 * (escape) or as a plain line. */
static void log_emit(const char *prefix, int escape, const char *fmt, va_list ap)
{
    char raw[LOG_LINE_MAX], red[LOG_LINE_MAX], esc[LOG_LINE_MAX];
    vsnprintf(raw, sizeof raw, fmt, ap);
    log_redact(raw, red, sizeof red);
    log_encode(red, escape, esc, sizeof esc);
    FILE *f = log_out();
    fprintf(f, "%s%s\n", prefix, esc);
    fflush(f);
}

void log_info(const char *fmt, ...)
{
    if (logger.quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    log_emit("", 0, fmt, ap);
    va_end(ap);
}

#define LOG_ANNOTATION(fn, prefix)          \
    void fn(const char *fmt, ...)           \
    {                                       \
        va_list ap;                         \
        va_start(ap, fmt);                  \
        log_emit(prefix, 1, fmt, ap);       \
        va_end(ap);                         \
    }

LOG_ANNOTATION(log_notice, "::notice::")
LOG_ANNOTATION(log_warn, "::warning::")
LOG_ANNOTATION(log_error, "::error::")
LOG_ANNOTATION(log_group_begin, "::group::")

void log_group_end(void)
{
    FILE *f = log_out();
    fputs("::endgroup::\n", f);
    fflush(f);
}

void log_mask(const char *secret)
{
    if (secret == NULL || secret[0] == '\0' || logger.nsecrets >= LOG_MAX_SECRETS)
        return;
    for (int i = 0; i < logger.nsecrets; i++)
        if (strcmp(logger.secrets[i], secret) == 0)
            return;
    char *copy = strdup(secret);
    if (copy == NULL)
        return;
    logger.secrets[logger.nsecrets++] = copy;
    /* Only the runner reads workflow commands: anywhere else (a terminal,
     * another CI's log) an ::add-mask:: line would show the secret itself. */
    const char *actions = getenv("GITHUB_ACTIONS");
    if (actions == NULL || strcmp(actions, "true") != 0)
        return;
    /* The mask command itself must carry the secret verbatim (escaped). */
    char esc[LOG_LINE_MAX];
    log_encode(secret, 1, esc, sizeof esc);
    FILE *f = log_out();
    fprintf(f, "::add-mask::%s\n", esc);
    fflush(f);
}

void log_shutdown(void)
{
    for (int i = 0; i < logger.nsecrets; i++)
        free(logger.secrets[i]);
    logger.nsecrets = 0;
}
