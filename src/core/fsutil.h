/* fsutil: the few file-system operations every layer needs, done safely.
 *
 * Writes are atomic: data goes to a temp file next to <path> and is renamed
 * over <path>, so a reader (or a run killed mid-write) sees the old file or
 * the new one, never a torn one; durable writes fsync before the rename.
 * data-dir may come from a cache anyone could have written, so a write
 * never goes through a symlink: the temp file is created exclusively
 * (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0644 less the umask) under a name
 * nobody can plant in advance, "<path>.tmp.<pid>.<16 random hex digits>",
 * and the rename replaces whatever is at <path> -- a symlink there is
 * replaced by the new file, never followed.
 * Nothing here keeps state. */
#ifndef F1_CORE_FSUTIL_H
#define F1_CORE_FSUTIL_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

/* mkdir -p (symlinks on the way are followed: path is the user's). */
int fs_mkdirs(const char *path, err *e);

/* Creates the directory dir/name unless it exists, and fails (ERR_STORE)
 * unless dir/name is a real directory: a symlink there (planted in a
 * restored data-dir, pointing anywhere) is refused, never followed.  For
 * the directories the program makes inside data-dir. */
int fs_mkdir_in(const char *dir, const char *name, err *e);

/* Reading.  A restored data-dir may hold a FIFO where a file is read (open
 * would wait for a writer forever), a device or a symlink to one
 * (/dev/zero never ends), or a symlink out of data-dir.  So a file is
 * opened without blocking and, unless FS_FOLLOW, without following a
 * symlink; only a regular file is read, and only up to a cap that depends
 * on what it is: over the cap is an error naming the file and the cap.
 * The caps, by kind of file: */
#define FS_MAP_MAX ((size_t)1 << 30)   /* mapped tables: prepared.csv, features.csv */
#define FS_READ_MAX ((size_t)256 << 20) /* fs_read_file into a buf without a cap */
/* (and, in their modules: store documents 64 MiB, model.json 1 GiB,
 * zip members ARCHIVE_MEMBER_MAX, report files 256 MiB). */

/* A path the user gave (an input such as model-path) may be a symlink;
 * files found in data-dir may not. */
#define FS_FOLLOW 1

/* Opens path read-only under the rules above (flags: 0 or FS_FOLLOW; cap:
 * the most bytes accepted, 0 = any size).  Returns the descriptor (in
 * blocking mode, close-on-exec; the caller closes it) with *size = the
 * file's size, or -1 with e set (ERR_DATA) naming the file and why: it
 * does not exist, is a symbolic link, is not a regular file (a FIFO,
 * device, directory...), or is larger than cap. */
int fs_open_read(const char *path, int flags, size_t cap, size_t *size, err *e);

/* Reads a whole file into b (appending), under the rules above (flags: 0
 * or FS_FOLLOW); the cap is b's (FS_READ_MAX when b has none). */
int fs_read_path(const char *path, int flags, buf *b, err *e);

/* fs_read_path for a file of data-dir (flags 0). */
int fs_read_file(const char *path, buf *b, err *e);

/* Writes n bytes to path atomically (temp name, fsync, rename). */
int fs_write_atomic(const char *path, const void *data, size_t n, err *e);

/* The same without the fsync: still atomic for readers and against the
 * process being killed (the kernel holds the data), ~10 ms cheaper per file;
 * not durable across a power loss until the next sync.  For the many small
 * documents of the embedded store, which syncs once when it closes. */
int fs_write_replace(const char *path, const void *data, size_t n, err *e);

/* A whole file of data-dir mapped read-only, for the big tables the stages
 * read (prepared.csv, features.csv): the page cache's pages are mapped, not
 * copied into fresh memory.  Opened under the rules above, cap FS_MAP_MAX.
 * An empty file maps as data = "" with len 0.
 * The caller owns the mapping and releases it with fs_unmap (a zeroed
 * struct: no-op). */
typedef struct {
    const char *data;
    size_t len;
} fs_map;

int fs_map_file(const char *path, fs_map *m, err *e);
void fs_unmap(fs_map *m);

/* A file written piece by piece and then put in place like
 * fs_write_atomic (durable = 1) or fs_write_replace (durable = 0): the
 * pieces go to the temp file `tmp` (named as above), which fs_out_commit
 * renames over path.
 * For tables of megabytes, so they never sit in memory whole.  After
 * fs_out_open succeeds, the caller must end with fs_out_commit or
 * fs_out_abort (both release everything; abort removes the temp file).
 * A failed write or commit has already aborted. */
typedef struct {
    int fd;
    int durable;
    char path[4096];
    char tmp[4200];
} fs_out;

int fs_out_open(fs_out *o, const char *path, int durable, err *e);
int fs_out_write(fs_out *o, const void *data, size_t n, err *e);
int fs_out_commit(fs_out *o, err *e);
void fs_out_abort(fs_out *o);

/* Text a table writer collects in a buf before fs_out_put writes it: few
 * write calls for megabytes, while memory stays flat. */
#define FS_OUT_CHUNK (256 * 1024)

/* Writes b's bytes to o and empties b once b holds FS_OUT_CHUNK bytes, or
 * whatever it holds when `last` is set.  As with fs_out_write, a failure
 * has already aborted o. */
int fs_out_put(fs_out *o, buf *b, int last, err *e);

/* 1 when path exists (any type), else 0. */
int fs_exists(const char *path);

/* When running as root inside a workspace (GITHUB_WORKSPACE set), hands
 * `path` and everything below it to the workspace directory's uid/gid, so
 * files the container wrote are not root-owned on the runner.  Best effort:
 * failures are logged as warnings. */
void fs_give_to_workspace_owner(const char *path);

#endif
