/* http_fixture: starts and stops tests/unit/http_fixture_server.py (a
 * loopback HTTP server, see its docstring for the routes) for the network
 * unit tests.  Tests run from tests/, so the script is "unit/...". */
#ifndef F1_TESTS_HTTP_FIXTURE_H
#define F1_TESTS_HTTP_FIXTURE_H

#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net/http.h"

extern char **environ;

typedef struct {
    pid_t pid;
    int port;
} http_fixture;

/* Starts the server (wiki_dir may be NULL); returns 0 with f filled. */
static inline int http_fixture_start(http_fixture *f, const char *wiki_dir)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    char *argv[] = {"python3", "unit/http_fixture_server.py", "--wiki", (char *)wiki_dir, NULL};
    if (wiki_dir == NULL)
        argv[2] = NULL;
    int rc = posix_spawnp(&f->pid, "python3", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        return -1;
    }
    FILE *in = fdopen(fds[0], "r");
    f->port = 0;
    if (in == NULL || fscanf(in, "%d", &f->port) != 1 || f->port <= 0) {
        if (in != NULL)
            fclose(in);
        kill(f->pid, SIGTERM);
        waitpid(f->pid, NULL, 0);
        return -1;
    }
    fclose(in);
    return 0;
}

static inline void http_fixture_stop(http_fixture *f)
{
    if (f->pid > 0) {
        kill(f->pid, SIGTERM);
        waitpid(f->pid, NULL, 0);
        f->pid = 0;
    }
}

/* "http://127.0.0.1:PORT" + path into out. */
static inline void http_fixture_url(const http_fixture *f, const char *path, char *out, size_t n)
{
    snprintf(out, n, "http://127.0.0.1:%d%s", f->port, path);
}

/* A client with the default options but a 1 ms backoff and max_attempts
 * attempts, so failures cost milliseconds. */
static inline http_client *http_fixture_client(int max_attempts)
{
    http_opts o;
    http_opts_default(&o);
    o.backoff_ms = 1;
    o.max_attempts = max_attempts;
    return http_new(&o, NULL);
}

#endif
