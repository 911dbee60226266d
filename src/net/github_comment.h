/* github_comment: one pull-request comment per pull request and artifact
 * name, created on the first run and updated in place on every later one
 * (issue 13, input `pr-comment`).
 *
 * The comment is found by a hidden marker, an HTML comment that starts its
 * body ("<!-- f1-mlops:report:NAME -->"): the issue's comments are listed
 * oldest first, 100 a page, following Link rel="next" (a busy pull request
 * has hundreds), and the first one whose body starts with the marker is
 * updated (PATCH .../issues/comments/{id}); with none, one is created
 * (POST .../issues/{n}/comments, 201).  Only the start counts, so a human
 * reply quoting the report ("> <!-- ...") is never taken for it.
 *
 * A token that may not write (the read-only token of a pull request from
 * a fork: 403 "Resource not accessible by integration") fails with
 * github_last_failure() == GITHUB_FORBIDDEN: the caller warns and goes on,
 * the job summary still has the report.  The create is sent once, never
 * retried (a retry after a lost answer could post twice).  No state. */
#ifndef F1_NET_GITHUB_COMMENT_H
#define F1_NET_GITHUB_COMMENT_H

#include "core/buf.h"
#include "core/err.h"
#include "net/github.h"

/* What was written. */
typedef struct {
    long long id;
    char html_url[2048];
    int created;   /* 1 = created by this call, 0 = updated in place */
} github_comment;

/* Appends the hidden marker for artifact `name` to out:
 * "<!-- f1-mlops:report:NAME -->" with every byte of NAME outside
 * [A-Za-z0-9._-] percent-encoded, so that no name can end the HTML
 * comment early or make two names' markers equal.  Returns 0, or -1 with
 * e set when out's cap is reached. */
int github_comment_marker(buf *out, const char *name, err *e);

/* Creates or updates the comment of pull request (issue) number `issue`
 * carrying marker, with body, which must start with marker and be at most
 * MARKDOWN_COMMENT_MAX bytes (see markdown_cap).  author, when not NULL,
 * is the only login whose comment may be taken as ours (e.g.
 * "github-actions[bot]" for the workflow's own token); NULL takes
 * anyone's.  Returns 0 with *out filled (html_url checked to be an http(s)
 * URL without control characters, safe as a step output), or -1 with e
 * set and github_last_failure() saying why (GITHUB_FORBIDDEN: a read-only
 * token).  Errors name the input pr-comment. */
int github_comment_upsert(github_client *g, long long issue, const char *marker, const char *body,
                          const char *author, github_comment *out, err *e);

#endif
