/* rng: the reference sequence of xoshiro256**, stream independence and
 * reproducibility, and the ranges and spread of the uniform draws. */
#include "check.h"

#include "core/rng.h"

static void test_reference_sequence(void)
{
    /* First outputs of the authors' xoshiro256starstar.c from s = {1,2,3,4}. */
    rng r = {{1, 2, 3, 4}};
    CHECK(rng_next(&r) == UINT64_C(11520));
    CHECK(rng_next(&r) == UINT64_C(0));
    CHECK(rng_next(&r) == UINT64_C(1509978240));
    CHECK(rng_next(&r) == UINT64_C(1215971899390074240));
}

static int same_sequence(rng a, rng b, int n)
{
    for (int i = 0; i < n; i++)
        if (rng_next(&a) != rng_next(&b))
            return 0;
    return 1;
}

static void test_streams(void)
{
    CHECK(same_sequence(rng_stream(42, 7), rng_stream(42, 7), 100));
    CHECK(!same_sequence(rng_stream(42, 7), rng_stream(42, 8), 4));
    CHECK(!same_sequence(rng_stream(42, 7), rng_stream(43, 7), 4));
    /* Swapping seed and stream must not give the same stream. */
    CHECK(!same_sequence(rng_stream(0, 1), rng_stream(1, 0), 4));
    CHECK(!same_sequence(rng_stream(0, 0), rng_stream(0, RNG_STREAM_RACE), 4));
    /* Seed 0, stream 0 is a usable state (not xoshiro's all-zero one). */
    rng z = rng_stream(0, 0);
    CHECK((z.s[0] | z.s[1] | z.s[2] | z.s[3]) != 0);
    uint64_t a = rng_next(&z), b = rng_next(&z);
    CHECK(a != b);
}

static void test_below(void)
{
    rng r = rng_stream(1, 2);
    int counts[10] = {0};
    int n = 100000, bad = 0;
    for (int i = 0; i < n; i++) {
        uint64_t v = rng_below(&r, 10);
        if (v >= 10)
            bad++;
        else
            counts[v]++;
    }
    CHECK_INT(bad, 0);
    /* Chi-square with 9 degrees of freedom: 27.9 is the 0.1% tail. */
    double chi = 0.0;
    for (int k = 0; k < 10; k++)
        chi += (counts[k] - n / 10.0) * (counts[k] - n / 10.0) / (n / 10.0);
    CHECK_MSG(chi < 27.9, "chi-square %g", chi);
    for (int i = 0; i < 100; i++)
        CHECK_INT(rng_below(&r, 1), 0);
    /* n = 3 * 2^62: a plain 64-bit modulo would give [0, 2^62) half of
     * the draws instead of a third. */
    uint64_t big = UINT64_C(3) << 62;
    int in_range = 1, low = 0;
    for (int i = 0; i < 3000; i++) {
        uint64_t v = rng_below(&r, big);
        in_range = in_range && v < big;
        low += v < (UINT64_C(1) << 62);
    }
    CHECK(in_range);
    CHECK_MSG(low > 880 && low < 1120, "%d of 3000 draws in the lowest third", low);
}

static void test_double(void)
{
    rng r = rng_stream(9, 9);
    double sum = 0.0, lo = 1.0, hi = 0.0;
    int n = 100000;
    for (int i = 0; i < n; i++) {
        double d = rng_double(&r);
        sum += d;
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }
    CHECK(lo >= 0.0 && hi < 1.0);
    CHECK_NEAR(sum / n, 0.5, 0.01);
    CHECK(lo < 0.001 && hi > 0.999);
}

int main(void)
{
    test_reference_sequence();
    test_streams();
    test_below();
    test_double();
    return check_done();
}
