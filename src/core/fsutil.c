#include "core/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int fs_read_file(const char *path, buf *b, err *e)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return err_setk(e, ERR_DATA, "cannot open '%s': %s", path, strerror(errno));
    char chunk[65536];
    size_t n;
    int rc = 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (buf_append(b, chunk, n, e) != 0) {
            rc = err_wrap(e, "reading '%s'", path);
            break;
        }
    }
    if (rc == 0 && ferror(f))
        rc = err_setk(e, ERR_DATA, "cannot read '%s'", path);
    fclose(f);
    if (rc == 0 && b->data == NULL)
        rc = buf_append(b, "", 0, e);
    return rc;
}

static int write_renamed(const char *path, const void *data, size_t n, int durable, err *e)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return err_setk(e, ERR_STORE, "cannot create '%s': %s", tmp, strerror(errno));
    const char *p = data;
    size_t left = n;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            int saved = errno;
            close(fd);
            unlink(tmp);
            return err_setk(e, ERR_STORE, "cannot write '%s': %s", path, strerror(saved));
        }
        p += w;
        left -= (size_t)w;
    }
    /* fsync before rename: the rename must not become visible before the
     * data it points at, or a crash could leave an empty file in place. */
    if ((durable && fsync(fd) != 0) || close(fd) != 0) {
        int saved = errno;
        unlink(tmp);
        return err_setk(e, ERR_STORE, "cannot write '%s': %s", path, strerror(saved));
    }
    if (rename(tmp, path) != 0) {
        int saved = errno;
        unlink(tmp);
        return err_setk(e, ERR_STORE, "cannot rename '%s' to '%s': %s", tmp, path, strerror(saved));
    }
    return 0;
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
