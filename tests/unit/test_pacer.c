/* pacer with a fake clock: exact start times of paced requests, the
 * sliding 1 s and 3600 s windows, restamping on completion. */
#include "check.h"
#include "net/pacer.h"

typedef struct {
    double t;
    int sleeps;
} fake_time;

static double fake_now(void *ctx)
{
    return ((fake_time *)ctx)->t;
}

static void fake_sleep(void *ctx, double s)
{
    fake_time *f = ctx;
    f->t += s;
    f->sleeps++;
}

/* Start times of n paced requests, each taking `busy` seconds. */
static void run(pacer *p, fake_time *ft, int n, double busy, double *starts)
{
    for (int i = 0; i < n; i++) {
        pacer_wait(p);
        starts[i] = ft->t;
        ft->t += busy;
        pacer_complete(p);
    }
}

/* Most requests started in any half-open window [s, s + span). */
static int max_in_window(const double *starts, int n, double span)
{
    int best = 0;
    for (int i = 0; i < n; i++) {
        int k = 0;
        for (int j = 0; j < n; j++)
            if (starts[j] >= starts[i] && starts[j] < starts[i] + span - 1e-9)
                k++;
        best = k > best ? k : best;
    }
    return best;
}

static void test_four_per_second(void)
{
    fake_time ft = {0, 0};
    pacer_clock clk = {fake_now, fake_sleep, &ft};
    err e;
    pacer *p = pacer_new(4, 0, &clk, &e);
    CHECK(p != NULL);
    double starts[12];
    run(p, &ft, 12, 0, starts);
    const double want[12] = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2};
    for (int i = 0; i < 12; i++)
        CHECK_NEAR(starts[i], want[i], 1e-12);
    CHECK_INT(max_in_window(starts, 12, 1.0), 4);
    CHECK_NEAR(pacer_delay(p), 1.0, 1e-12);
    ft.t += 0.25;
    CHECK_NEAR(pacer_delay(p), 0.75, 1e-12);
    pacer_free(p);
}

static void test_spread_requests_do_not_wait(void)
{
    fake_time ft = {0, 0};
    pacer_clock clk = {fake_now, fake_sleep, &ft};
    err e;
    pacer *p = pacer_new(4, 0, &clk, &e);
    double starts[20];
    /* Windows count from completion: 4 requests of 0.34 s each span more
     * than 1 s from the first one's end to the fifth's start. */
    run(p, &ft, 20, 0.34, starts);
    CHECK_INT(ft.sleeps, 0);
    CHECK_NEAR(starts[19], 19 * 0.34, 1e-9);
    pacer_free(p);
}

static void test_completion_restamps(void)
{
    fake_time ft = {0, 0};
    pacer_clock clk = {fake_now, fake_sleep, &ft};
    err e;
    pacer *p = pacer_new(1, 0, &clk, &e);
    double starts[3];
    /* Each request takes 0.4 s: the next may start 1 s after the previous
     * one came back, not 1 s after it started. */
    run(p, &ft, 3, 0.4, starts);
    CHECK_NEAR(starts[0], 0, 1e-12);
    CHECK_NEAR(starts[1], 1.4, 1e-12);
    CHECK_NEAR(starts[2], 2.8, 1e-12);
    pacer_free(p);
}

static void test_fractional_rates(void)
{
    fake_time ft = {0, 0};
    pacer_clock clk = {fake_now, fake_sleep, &ft};
    err e;
    pacer *p = pacer_new(0.5, 0, &clk, &e);
    double starts[3];
    run(p, &ft, 3, 0, starts);
    CHECK_NEAR(starts[1], 2.0, 1e-12);
    CHECK_NEAR(starts[2], 4.0, 1e-12);
    pacer_free(p);

    ft.t = 0;
    p = pacer_new(2.5, 0, &clk, &e);
    double s6[6];
    run(p, &ft, 6, 0, s6);
    /* burst 3 per 1.2 s: never more than 2.5/s on average. */
    CHECK_NEAR(s6[2], 0, 1e-12);
    CHECK_NEAR(s6[3], 1.2, 1e-12);
    CHECK_NEAR(s6[5], 1.2, 1e-12);
    pacer_free(p);
}

static void test_per_hour_window(void)
{
    fake_time ft = {0, 0};
    pacer_clock clk = {fake_now, fake_sleep, &ft};
    err e;
    pacer *p = pacer_new(0, 5, &clk, &e);
    double starts[11];
    run(p, &ft, 11, 0, starts);
    for (int i = 0; i < 5; i++)
        CHECK_NEAR(starts[i], 0, 1e-12);
    for (int i = 5; i < 10; i++)
        CHECK_NEAR(starts[i], 3600, 1e-9);
    CHECK_NEAR(starts[10], 7200, 1e-9);
    pacer_free(p);

    /* Both windows: 4/s, 10/hour. */
    ft.t = 0;
    p = pacer_new(4, 10, &clk, &e);
    double s[14];
    run(p, &ft, 14, 0, s);
    const double want[14] = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3600, 3600, 3600, 3600};
    for (int i = 0; i < 14; i++)
        CHECK_NEAR(s[i], want[i], 1e-9);
    CHECK_INT(max_in_window(s, 14, 3600), 10);
    CHECK_INT(max_in_window(s, 14, 1), 4);
    pacer_free(p);

    /* A sliding window, not a fixed hour: spread requests free their slot
     * one by one. */
    ft.t = 0;
    p = pacer_new(0, 3, &clk, &e);
    double t[5];
    for (int i = 0; i < 3; i++) {
        pacer_wait(p);
        t[i] = ft.t;
        ft.t += 1000;
    }
    /* now 3000: the first slot frees at 3600, the second at 4600 */
    pacer_wait(p);
    t[3] = ft.t;
    pacer_wait(p);
    t[4] = ft.t;
    CHECK_NEAR(t[3], 3600, 1e-9);
    CHECK_NEAR(t[4], 4600, 1e-9);
    pacer_free(p);
}

static void test_unlimited_and_bad(void)
{
    fake_time ft = {0, 0};
    pacer_clock clk = {fake_now, fake_sleep, &ft};
    err e;
    pacer *p = pacer_new(0, 0, &clk, &e);
    for (int i = 0; i < 1000; i++)
        pacer_wait(p);
    CHECK_INT(ft.sleeps, 0);
    CHECK_NEAR(ft.t, 0, 0);
    pacer_sleep(p, 2.5);
    CHECK_NEAR(ft.t, 2.5, 0);
    pacer_free(p);
    pacer_free(NULL);

    CHECK(pacer_new(-1, 0, &clk, &e) == NULL);
    CHECK_INT(e.kind, ERR_INPUT);
    CHECK(pacer_new(1, -5, &clk, &e) == NULL);
    CHECK(pacer_new(1.0 / 0.0, 0, &clk, &e) == NULL);
    /* 1e-300/s would make the window 1e300 s, past what time_t holds. */
    CHECK(pacer_new(1e-300, 0, &clk, &e) == NULL);
    CHECK(strstr(e.msg, "1e-300") != NULL);
    p = pacer_new(PACER_MIN_PER_SECOND, 0, &clk, &e);
    CHECK(p != NULL);
    pacer_wait(p);
    CHECK_NEAR(pacer_delay(p), 1000.0, 1e-6); /* the slowest rate: one per 1000 s */
    pacer_free(p);

    /* The real clock: a 1000/s pacer makes the 2nd burst wait ~1 s. */
    p = pacer_new(1000, 0, NULL, &e);
    CHECK(p != NULL);
    for (int i = 0; i < 1000; i++)
        pacer_wait(p);
    CHECK(pacer_delay(p) > 0);
    pacer_free(p);
}

int main(void)
{
    test_four_per_second();
    test_spread_requests_do_not_wait();
    test_completion_restamps();
    test_fractional_rates();
    test_per_hour_window();
    test_unlimited_and_bad();
    return check_done();
}
