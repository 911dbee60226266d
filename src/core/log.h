/* log: the program's only global mutable state: where messages go and
 * which secrets must never be printed.
 *
 * Every line goes to stdout as GitHub workflow-command text: plain progress
 * lines, ::group::/::endgroup::, ::notice::/::warning::/::error::
 * annotations, each flushed at once.  A message may carry text from
 * anywhere (inputs, API and Wikipedia strings, file names), so one call
 * always prints exactly one line that can start no workflow command but
 * its own: annotation and group messages are escaped as the runner expects
 * (% CR LF as %25 %0D %0A; it shows the original), plain lines get CR and
 * LF as %0D %0A and lose the two ways into a command, a leading "::" and
 * "##[" (log.c says how).
 * log_mask() remembers a secret so this logger replaces it with *** in
 * every later line, and inside GitHub Actions (GITHUB_ACTIONS=true) also
 * prints ::add-mask:: for it before anything could print it, so the runner
 * masks it in every other process's output too (defence in depth: act does
 * not mask).  Outside Actions nothing is printed: a terminal or another CI
 * would show the ::add-mask:: line, secret and all.  The logger owns its
 * copies of the secrets; log_shutdown() frees them. */
#ifndef F1_CORE_LOG_H
#define F1_CORE_LOG_H

#include <stdio.h>

/* Redirect output (tests); NULL restores stdout. */
void log_set_stream(FILE *f);
/* Quiet mode drops log_info lines (annotations still print). */
void log_set_quiet(int quiet);

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_group_begin(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_group_end(void);

/* Registers a secret (ignored when NULL or empty); prints ::add-mask::
 * for it when GITHUB_ACTIONS is "true", else nothing. */
void log_mask(const char *secret);
/* Copies s into out (size n) with every registered secret replaced by ***. */
void log_redact(const char *s, char *out, size_t n);

void log_shutdown(void);

#endif
