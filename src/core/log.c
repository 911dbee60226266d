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

/* Workflow-command message data escaping: % first, then CR and LF, so that
 * a multi-line message stays one command. */
static void log_escape(const char *s, char *out, size_t n)
{
    size_t o = 0;
    for (; *s && o + 4 < n; s++) {
        const char *rep = NULL;
        if (*s == '%')
            rep = "%25";
        else if (*s == '\r')
            rep = "%0D";
        else if (*s == '\n')
            rep = "%0A";
        if (rep) {
            memcpy(out + o, rep, 3);
            o += 3;
        } else {
            out[o++] = *s;
        }
    }
    out[o] = '\0';
}

static void log_emit(const char *prefix, int escape, const char *fmt, va_list ap)
{
    char raw[LOG_LINE_MAX], red[LOG_LINE_MAX], esc[LOG_LINE_MAX];
    vsnprintf(raw, sizeof raw, fmt, ap);
    log_redact(raw, red, sizeof red);
    const char *msg = red;
    if (escape) {
        log_escape(red, esc, sizeof esc);
        msg = esc;
    }
    FILE *f = log_out();
    fprintf(f, "%s%s\n", prefix, msg);
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
    log_escape(secret, esc, sizeof esc);
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
