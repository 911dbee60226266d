/* outputs: the step's outputs, appended to the file GITHUB_OUTPUT names in
 * the runner's format (docs/github-actions-runtime.md §3.2).
 *
 * A single-line value is written as `name=value`; a value with CR or LF as
 * `name<<ghadelimiter_<uuid>`, the value, and the delimiter line, with a
 * fresh random delimiter (from /dev/urandom) per value.  A value that holds
 * a secret registered with log_mask() is never written: the runner would
 * refuse it, and it must not leak into an output.  Outside Actions
 * (GITHUB_OUTPUT unset) nothing is written.  No state. */
#ifndef F1_REPORT_OUTPUTS_H
#define F1_REPORT_OUTPUTS_H

#include "core/err.h"

/* Sets output `name` (letters, digits, '-' and '_') to value.  Returns 0,
 * also when the value was skipped because it holds a masked secret (with a
 * warning); -1 on a bad name, a value containing the delimiter, or a write
 * failure. */
int outputs_set(const char *name, const char *value, err *e);

#endif
