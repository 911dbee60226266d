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
 * Anyone can write the marker, and a token that may write comments may
 * also edit other people's, so a comment is taken as ours only when it
 * was written by the token's own identity (github_author: user.login and
 * user.type both equal); a comment by anyone else that carries the marker
 * is never edited.  The identity comes from GET /user, which needs no
 * scope: a user's token (personal access token) gets its own login and
 * type there; an installation token (the workflow's GITHUB_TOKEN) is
 * refused with 403 "Resource not accessible by integration" and writes as
 * GITHUB_ACTIONS_BOT ("github-actions[bot]", type "Bot"), which no user
 * can be (logins have no brackets).  A GitHub App's own installation
 * token writes as "<app>[bot]", which GET /user does not tell: its
 * comments are then never taken as ours, and each run creates one (safe,
 * not sticky).
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

#define GITHUB_ACTIONS_BOT "github-actions[bot]"

/* Whose comment may be updated: the API's user.login and user.type. */
typedef struct {
    char login[256];
    char type[32];
} github_author;

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

/* Fills *out with the identity the client's token writes comments as
 * (GET /user, or GITHUB_ACTIONS_BOT when an installation token is refused
 * there; see above).  Returns 0, or -1 with e set naming the input
 * pr-comment (github_last_failure(): GITHUB_UNAUTHORIZED for a bad
 * token). */
int github_comment_author(github_client *g, github_author *out, err *e);

/* Creates or updates the comment of pull request (issue) number `issue`
 * carrying marker, with body, which must start with marker and be at most
 * MARKDOWN_COMMENT_MAX bytes (see markdown_cap).  Only a comment by
 * author (login and type, from github_comment_author) is taken as ours;
 * one by anyone else is never edited.  Returns 0 with *out filled (html_url checked to be an http(s)
 * URL without control characters, safe as a step output), or -1 with e
 * set and github_last_failure() saying why (GITHUB_FORBIDDEN: a read-only
 * token).  Errors name the input pr-comment. */
int github_comment_upsert(github_client *g, long long issue, const char *marker, const char *body,
                          const github_author *author, github_comment *out, err *e);

#endif
