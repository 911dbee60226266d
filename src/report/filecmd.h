/* filecmd: the Actions runner's file commands, files whose path the runner
 * passes in an environment variable (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY)
 * and reads after the step, even a failed one.
 *
 * Each append opens the file in append mode, writes, and closes it, so
 * entries written by earlier steps or processes are kept.  When the
 * variable is unset or empty (a run outside Actions) nothing is written.
 * Under act in host mode the variable holds a host path that does not exist
 * in the container; the file is then looked for in /var/run/act/workflow
 * (see docs/github-actions-runtime.md §2). */
#ifndef F1_REPORT_FILECMD_H
#define F1_REPORT_FILECMD_H

#include <stddef.h>

#include "core/err.h"

/* Writes the file the variable var names into out (size n).  Returns 1
 * when there is one, 0 when var is unset or empty. */
int filecmd_path(const char *var, char *out, size_t n);

/* Appends the n bytes at data to the file var names.  Returns 0 (also when
 * var is unset), or -1 when the file cannot be written. */
int filecmd_append(const char *var, const char *data, size_t n, err *e);

#endif
