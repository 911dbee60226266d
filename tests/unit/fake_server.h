/* fake_server: what the network unit tests share to talk to the fake
 * services under unit/ (Python scripts that bind loopback, write their
 * ports and pid to a port file and exit after --lifetime seconds), and a
 * fake clock so that retries and waits cost no time. */
#ifndef F1_TESTS_FAKE_SERVER_H
#define F1_TESTS_FAKE_SERVER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net/http.h"

/* A pacer_clock's state: the time it shows and the sleeps asked of it. */
typedef struct {
    double now;
    double slept[16];
    int n;
} fake_clock;

static inline double fake_now(void *ctx)
{
    return ((fake_clock *)ctx)->now;
}

static inline void fake_sleep(void *ctx, double s)
{
    fake_clock *c = ctx;
    if (c->n < 16)
        c->slept[c->n++] = s;
    c->now += s;
}

/* Starts `python3 unit/<script> --lifetime 300 --port-file <port_file>`
 * in the background and waits (10 s at most) for the n whole numbers it
 * writes there ("PORT ... PID"), read into vals.  Returns 0 or -1. */
static inline int fake_server_start(const char *script, const char *port_file, int *vals, int n)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "python3 unit/%s --lifetime 300 --port-file %s >/dev/null 2>&1 &", script,
             port_file);
    if (system(cmd) != 0)
        return -1;
    for (int tries = 0; tries < 200; tries++) {
        FILE *f = fopen(port_file, "r");
        int got = 0;
        while (f != NULL && got < n && fscanf(f, "%d", &vals[got]) == 1)
            got++;
        if (f != NULL)
            fclose(f);
        if (got == n)
            return 0;
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return -1;
}

/* method on http://127.0.0.1:<port><path>, sending body (NULL = none),
 * one attempt: the body of a 200 answer as a string (caller frees; its
 * length in *len when len is not NULL), or NULL on anything else. */
static inline char *fake_server_call(int port, const char *method, const char *path, const char *body,
                                     size_t *len)
{
    http_opts o;
    http_opts_default(&o);
    o.max_attempts = 1;
    err e;
    http_client *c = http_new(&o, &e);
    char url[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    http_req r = {.method = method, .url = url, .body = body, .body_len = body ? strlen(body) : 0};
    http_resp resp;
    char *out = NULL;
    if (c != NULL && http_do(c, &r, &resp, &e) == 0) {
        if (resp.status == 200) {
            if (len != NULL)
                *len = resp.body.len;
            out = buf_detach(&resp.body);
        }
        buf_release(&resp.body);
    }
    http_free(c);
    return out;
}

#endif
