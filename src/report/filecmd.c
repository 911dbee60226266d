#include "report/filecmd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILECMD_ACT_DIR "/var/run/act/workflow"

static int filecmd_dir_exists(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        return 1;  /* relative to the working directory, which exists */
    *slash = '\0';
    struct stat st;
    return dir[0] == '\0' || (stat(dir, &st) == 0 && S_ISDIR(st.st_mode));
}

int filecmd_path(const char *var, char *out, size_t n)
{
    const char *p = getenv(var);
    if (p == NULL || p[0] == '\0')
        return 0;
    const char *act = getenv("ACT");
    if (act != NULL && strcmp(act, "true") == 0 && !filecmd_dir_exists(p)) {
        const char *base = strrchr(p, '/');
        snprintf(out, n, "%s/%s", FILECMD_ACT_DIR, base ? base + 1 : p);
        return 1;
    }
    snprintf(out, n, "%s", p);
    return 1;
}

int filecmd_append(const char *var, const char *data, size_t n, err *e)
{
    char path[4096];
    if (!filecmd_path(var, path, sizeof path))
        return 0;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (fd < 0)
        return err_set(e, "cannot open %s file '%s': %s", var, path, strerror(errno));
    while (n > 0) {
        ssize_t w = write(fd, data, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            int saved = errno;
            close(fd);
            return err_set(e, "cannot write %s file '%s': %s", var, path, strerror(saved));
        }
        data += w;
        n -= (size_t)w;
    }
    if (close(fd) != 0)
        return err_set(e, "cannot write %s file '%s': %s", var, path, strerror(errno));
    return 0;
}
