#include "core/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"

int fs_mkdirs(const char *path, err *e)
{
    char tmp[4096];
    if (strlen(path) >= sizeof tmp)
        return err_setk(e, ERR_INPUT, "path too long: '%s'", path);
    strcpy(tmp, path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
            return err_setk(e, ERR_STORE, "cannot create directory '%s': %s", tmp, strerror(errno));
        *p = '/';
    }
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
        return err_setk(e, ERR_STORE, "cannot create directory '%s': %s", tmp, strerror(errno));
    struct stat st;
    if (stat(tmp, &st) != 0 || !S_ISDIR(st.st_mode))
        return err_setk(e, ERR_STORE, "'%s' is not a directory", tmp);
    return 0;
}

int fs_mkdir_in(const char *dir, const char *name, err *e)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return err_setk(e, ERR_INPUT, "path too long: '%s/%s'", dir, name);
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return err_setk(e, ERR_STORE, "cannot create directory '%s': %s", path, strerror(errno));
    struct stat st;
    if (lstat(path, &st) != 0)
        return err_setk(e, ERR_STORE, "cannot create directory '%s': %s", path, strerror(errno));
    if (S_ISLNK(st.st_mode))
        return err_setk(e, ERR_STORE, "'%s' is a symbolic link, not a directory (refused: nothing is "
                        "written through a link in data-dir; remove it)", path);
    if (!S_ISDIR(st.st_mode))
        return err_setk(e, ERR_STORE, "'%s' is not a directory", path);
    return 0;
}

/* "1 GiB", "256 MiB" or "N bytes": caps in errors, as people read them. */
static const char *fs_size_words(size_t n, char *out, size_t len)
{
    if (n >= ((size_t)1 << 30) && n % ((size_t)1 << 30) == 0)
        snprintf(out, len, "%zu GiB", n >> 30);
    else if (n >= ((size_t)1 << 20) && n % ((size_t)1 << 20) == 0)
        snprintf(out, len, "%zu MiB", n >> 20);
    else
        snprintf(out, len, "%zu bytes", n);
    return out;
}

static const char *fs_type_words(mode_t m)
{
    return S_ISFIFO(m)   ? "a FIFO"
           : S_ISCHR(m)  ? "a character device"
           : S_ISBLK(m)  ? "a block device"
           : S_ISDIR(m)  ? "a directory"
           : S_ISSOCK(m) ? "a socket"
                         : "a special file";
}

int fs_open_read(const char *path, int flags, size_t cap, size_t *size, err *e)
{
    *size = 0;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer.  It has no
     * effect on a regular file's reads, but is cleared all the same. */
    int oflags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | ((flags & FS_FOLLOW) ? 0 : O_NOFOLLOW);
    int fd = open(path, oflags);
    if (fd < 0 && errno == ELOOP && !(flags & FS_FOLLOW))
        return err_setk(e, ERR_DATA, "'%s' is a symbolic link: refused (a file in data-dir is read only "
                        "when it is a regular file; remove the link)", path);
    if (fd < 0)
        return err_setk(e, ERR_DATA, "cannot open '%s': %s", path, strerror(errno));
    struct stat st;
    char words[32];
    if (fstat(fd, &st) != 0) {
        err_setk(e, ERR_DATA, "cannot read '%s': %s", path, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        err_setk(e, ERR_DATA, "cannot read '%s': it is %s, not a regular file", path,
                 fs_type_words(st.st_mode));
    } else if (cap > 0 && (uintmax_t)st.st_size > (uintmax_t)cap) {
        err_setk(e, ERR_DATA, "'%s' is %jd bytes, over the %s this file may have", path,
                 (intmax_t)st.st_size, fs_size_words(cap, words, sizeof words));
    } else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
        err_setk(e, ERR_DATA, "cannot read '%s': %s", path, strerror(errno));
    } else {
        *size = (size_t)st.st_size;
        return fd;
    }
    close(fd);
    return -1;
}

int fs_read_path(const char *path, int flags, buf *b, err *e)
{
    size_t size, limit = b->cap ? b->cap : FS_READ_MAX, got = 0;
    int fd = fs_open_read(path, flags, limit, &size, e);
    if (fd < 0)
        return -1;
    int rc = buf_reserve(b, size, e) == 0 ? 0 : err_wrap(e, "reading '%s'", path);
    char chunk[65536];
    while (rc == 0) {
        ssize_t r = read(fd, chunk, sizeof chunk);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            rc = err_setk(e, ERR_DATA, "cannot read '%s': %s", path, strerror(errno));
        if (r <= 0)
            break;
        /* a file growing while it is read still stops at the cap */
        got += (size_t)r;
        if (got > limit)
            rc = err_setk(e, ERR_DATA, "'%s' grew past its cap of %zu bytes while being read", path, limit);
        else if (buf_append(b, chunk, (size_t)r, e) != 0)
            rc = err_wrap(e, "reading '%s'", path);
    }
    close(fd);
    if (rc == 0 && b->data == NULL)
        rc = buf_append(b, "", 0, e);
    return rc;
}

int fs_read_file(const char *path, buf *b, err *e)
{
    return fs_read_path(path, 0, b, e);
}

int fs_map_file(const char *path, fs_map *m, err *e)
{
    m->data = "";
    m->len = 0;
    size_t size;
    int fd = fs_open_read(path, 0, FS_MAP_MAX, &size, e);
    if (fd < 0)
        return -1;
    if (size > 0) {
        void *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
        if (p == MAP_FAILED) {
            int saved = errno;
            close(fd);
            return err_setk(e, ERR_DATA, "cannot map '%s': %s", path, strerror(saved));
        }
        m->data = p;
        m->len = size;
    }
    close(fd);
    return 0;
}

void fs_unmap(fs_map *m)
{
    if (m->len > 0)
        munmap((void *)m->data, m->len);
    m->data = "";
    m->len = 0;
}

/* Names tried before giving up: a clash of 64 random bits means someone
 * is planting names, not chance. */
#define FS_TEMP_TRIES 8

/* Creates o->tmp exclusively: O_EXCL refuses any existing name, a symlink
 * included, so nothing planted there is ever opened. */
static int fs_temp_create(fs_out *o, err *e)
{
    for (int k = 0; k < FS_TEMP_TRIES; k++) {
        unsigned char r[8];
        if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
            return err_set(e, "cannot draw a temp file name for '%s': %s", o->path, strerror(errno));
        snprintf(o->tmp, sizeof o->tmp, "%s.tmp.%ld.%02x%02x%02x%02x%02x%02x%02x%02x", o->path,
                 (long)getpid(), r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
        o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (o->fd >= 0)
            return 0;
        if (errno != EEXIST)
            return err_setk(e, ERR_STORE, "cannot create '%s': %s", o->tmp, strerror(errno));
    }
    return err_setk(e, ERR_STORE, "cannot create a temp file next to '%s': %d random names were taken",
                    o->path, FS_TEMP_TRIES);
}

int fs_out_open(fs_out *o, const char *path, int durable, err *e)
{
    o->fd = -1;
    if (snprintf(o->path, sizeof o->path, "%s", path) >= (int)sizeof o->path)
        return err_setk(e, ERR_INPUT, "path too long: '%s'", path);
    o->durable = durable;
    return fs_temp_create(o, e);
}

void fs_out_abort(fs_out *o)
{
    if (o->fd >= 0)
        close(o->fd);
    o->fd = -1;
    unlink(o->tmp);
}

int fs_out_write(fs_out *o, const void *data, size_t n, err *e)
{
    const char *p = data;
    while (n > 0) {
        ssize_t w = write(o->fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            int saved = errno;
            fs_out_abort(o);
            return err_setk(e, ERR_STORE, "cannot write '%s': %s", o->path, strerror(saved));
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int fs_out_put(fs_out *o, buf *b, int last, err *e)
{
    if (!last && b->len < FS_OUT_CHUNK)
        return 0;
    if (fs_out_write(o, b->data, b->len, e) != 0)
        return -1;
    buf_reset(b);
    return 0;
}

int fs_out_commit(fs_out *o, err *e)
{
    /* fsync before rename: the rename must not become visible before the
     * data it points at, or a crash could leave an empty file in place. */
    if ((o->durable && fsync(o->fd) != 0) || close(o->fd) != 0) {
        int saved = errno;
        o->fd = -1;
        fs_out_abort(o);
        return err_setk(e, ERR_STORE, "cannot write '%s': %s", o->path, strerror(saved));
    }
    o->fd = -1;
    if (rename(o->tmp, o->path) != 0) {
        int saved = errno;
        fs_out_abort(o);
        return err_setk(e, ERR_STORE, "cannot rename '%s' to '%s': %s", o->tmp, o->path,
                        strerror(saved));
    }
    return 0;
}

static int write_renamed(const char *path, const void *data, size_t n, int durable, err *e)
{
    fs_out o;
    if (fs_out_open(&o, path, durable, e) != 0 || fs_out_write(&o, data, n, e) != 0)
        return -1;
    return fs_out_commit(&o, e);
}

int fs_write_atomic(const char *path, const void *data, size_t n, err *e)
{
    return write_renamed(path, data, n, 1, e);
}

int fs_write_replace(const char *path, const void *data, size_t n, err *e)
{
    return write_renamed(path, data, n, 0, e);
}

int fs_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void chown_tree(const char *path, uid_t uid, gid_t gid, int depth)
{
    if (lchown(path, uid, gid) != 0)
        log_warn("cannot hand '%s' to the workspace owner: %s", path, strerror(errno));
    struct stat st;
    if (depth > 32 || lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return;
    DIR *d = opendir(path);
    if (d == NULL)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char child[4096];
        if (snprintf(child, sizeof child, "%s/%s", path, de->d_name) >= (int)sizeof child)
            continue;
        chown_tree(child, uid, gid, depth + 1);
    }
    closedir(d);
}

void fs_give_to_workspace_owner(const char *path)
{
    const char *ws = getenv("GITHUB_WORKSPACE");
    struct stat st;
    if (geteuid() != 0 || ws == NULL || ws[0] == '\0' || stat(ws, &st) != 0)
        return;
    if ((st.st_uid == 0 && st.st_gid == 0) || !fs_exists(path))
        return;
    chown_tree(path, st.st_uid, st.st_gid, 0);
}
