#include "core/rng.h"

/* splitmix64: advances *x by the golden-ratio increment and returns a
 * well-mixed function of it. */
static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

rng rng_stream(uint64_t seed, uint64_t stream)
{
    /* Two independent splitmix64 sequences, one from the seed and one from
     * the stream id (offset so stream 0 differs from seed 0), are XORed
     * word by word: a collision needs two pairs whose 256-bit outputs agree,
     * which splitmix64's bijective mixing makes vanishingly unlikely. */
    rng r;
    uint64_t a = seed;
    uint64_t b = stream ^ UINT64_C(0xD1B54A32D192ED03);
    for (int i = 0; i < 4; i++)
        r.s[i] = splitmix64(&a) ^ rotl(splitmix64(&b), 17);
    /* The all-zero state is xoshiro's one fixed point. */
    if ((r.s[0] | r.s[1] | r.s[2] | r.s[3]) == 0)
        r.s[0] = 1;
    return r;
}

uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

uint64_t rng_below(rng *r, uint64_t n)
{
    /* Reject the lowest 2^64 mod n values, so every residue keeps the
     * same number of preimages.  (-n) % n is 2^64 mod n in unsigned
     * arithmetic; at most half the range is ever rejected. */
    uint64_t reject_below = (0 - n) % n;
    for (;;) {
        uint64_t x = rng_next(r);
        if (x >= reject_below)
            return x % n;
    }
}

double rng_double(rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}
