/* markdown: untrusted text made inert in the Markdown GitHub renders (pull
 * request comments, job summaries), and bodies kept under a size limit.
 *
 * Text from the network (artifact and branch names from the REST API,
 * anything a pull request's author controls) must show as itself: it must
 * not end a table row or cell, open HTML, form a link, image, emphasis,
 * heading, list, math or a code span, close an HTML comment, or mention a
 * user.  markdown_text() writes it so: ASCII punctuation as numeric
 * character references (which GitHub decodes for display only, after the
 * structure is parsed), line breaks and other control characters as
 * spaces, '@' followed by U+2060 WORD JOINER (GitHub links "@name" after
 * decoding references, so a reference would not stop a mention), and
 * invalid UTF-8, bidirectional overrides and zero-width characters as
 * U+FFFD.  Bare URLs in the text may still be autolinked by GitHub: they
 * show as the URL itself, so nothing is hidden.  The output is meant for
 * inline text and table cells, not for code spans or fenced blocks (which
 * show references literally).
 *
 * No state; every function appends to or edits a caller-owned buf. */
#ifndef F1_CORE_MARKDOWN_H
#define F1_CORE_MARKDOWN_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

/* GitHub's limit for an issue or pull request comment body, in characters. */
#define MARKDOWN_COMMENT_MAX 65536

/* Appends the untrusted NUL-terminated text s to out as described above.
 * Returns 0, or -1 with e set when out's cap is reached. */
int markdown_text(buf *out, const char *s, err *e);

/* Makes body at most limit bytes (a byte count is never below GitHub's
 * character count, so it is safe for multi-byte text).  A longer body is
 * cut at its last line break that leaves room for a closing code fence
 * (when the cut falls inside a ``` or ~~~ block) and a one-line note
 * saying it was truncated; a body with no usable line break is cut at a
 * UTF-8 boundary outside any character reference.  The start of the body
 * (where a hidden marker goes) is kept.  A body within the limit is left
 * as it is.  Returns 0, or -1 with e set when limit is too small to hold
 * the note or memory runs out. */
int markdown_cap(buf *body, size_t limit, err *e);

#endif
