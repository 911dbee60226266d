/* mdesc: text that did not come from the program (API and Wikipedia
 * strings, store documents, files of data-dir, inputs) made inert in
 * GitHub-flavoured Markdown, for the job summary and the model card.
 *
 * mdesc_text backslash-escapes every ASCII punctuation character (CommonMark
 * lets any of them be escaped, and each then stands for itself), so no
 * emphasis, link, image, autolink, mention, HTML tag, entity or table cell
 * boundary can start inside the text; CR, LF, tab and the other control
 * characters become one space, so it cannot end its line or paragraph
 * either.  Other bytes (UTF-8 included) are kept.  mdesc_link writes a
 * link only to an http(s) URL, percent-encoding what could end it early.
 * One thing escaping cannot stop: GitHub turns an e-mail address in text
 * into a mailto: link (its autolinker runs after escapes are undone); such
 * a link runs nothing and shows the address it goes to.
 * Both append to a caller-owned buf and return 0, or -1 when its cap is
 * reached.  No state. */
#ifndef F1_CORE_MDESC_H
#define F1_CORE_MDESC_H

#include "core/buf.h"
#include "core/err.h"

/* Appends s (NULL: nothing) as inert inline text. */
int mdesc_text(buf *out, const char *s, err *e);

/* Appends [text](url) with text as mdesc_text; when url is not an http://
 * or https:// URL, only the text and then the url as inert text in
 * parentheses, with no link. */
int mdesc_link(buf *out, const char *text, const char *url, err *e);

#endif
