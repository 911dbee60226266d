/* fsutil: the few file-system operations every layer needs, done safely.
 *
 * Writes are atomic: data goes to "<path>.tmp.<pid>", is fsync'ed and then
 * renamed over <path>, so a reader (or a run killed mid-write) sees the old
 * file or the new one, never a torn one.  Nothing here keeps state. */
#ifndef F1_CORE_FSUTIL_H
#define F1_CORE_FSUTIL_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

/* mkdir -p. */
int fs_mkdirs(const char *path, err *e);

/* Reads a whole file into b (appending; b's cap applies). */
int fs_read_file(const char *path, buf *b, err *e);

/* Writes n bytes to path atomically (temp name, fsync, rename). */
int fs_write_atomic(const char *path, const void *data, size_t n, err *e);

/* The same without the fsync: still atomic for readers and against the
 * process being killed (the kernel holds the data), ~10 ms cheaper per file;
 * not durable across a power loss until the next sync.  For the many small
 * documents of the embedded store, which syncs once when it closes. */
int fs_write_replace(const char *path, const void *data, size_t n, err *e);

/* 1 when path exists (any type), else 0. */
int fs_exists(const char *path);

/* When running as root inside a workspace (GITHUB_WORKSPACE set), hands
 * `path` and everything below it to the workspace directory's uid/gid, so
 * files the container wrote are not root-owned on the runner.  Best effort:
 * failures are logged as warnings. */
void fs_give_to_workspace_owner(const char *path);

#endif
