/* rng: the one pseudo-random generator of f1-mlops, with state passed in.
 *
 * The generator is xoshiro256** (Blackman & Vigna, 2018): 256 bits of
 * state, period 2^256 - 1, fast and statistically strong.  Its state is
 * filled by splitmix64, the seeding method its authors recommend, so any
 * 64-bit seed (0 included) gives a good, non-zero state.
 *
 * It serves the learners (reproducible draws) and the HTTP client's backoff
 * jitter (seeded from the clock: only has to differ between processes).
 *
 * Reproducibility rests on streams: rng_stream(seed, s) derives the state
 * for stream s from the pair (seed, s) alone, so the draws of bagged tree e
 * (stream e) or of one evaluated race (a stream id of its own, see
 * evaluate.c) never depend on what other streams drew, on thread counts or
 * on scheduling.  Streams in use:
 *   0 .. n_estimators-1            bagging: tree e draws its rows and features
 *   RNG_STREAM_RACE | season<<16 | round   evaluation: tie-breaks of one race
 *
 * An rng is plain storage owned by its caller; nothing here allocates. */
#ifndef F1_CORE_RNG_H
#define F1_CORE_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s[4];
} rng;

/* Stream ids at or above this are reserved for per-race evaluation
 * tie-breaks; bagged trees use ids below it. */
#define RNG_STREAM_RACE (UINT64_C(1) << 63)

/* The state of stream `stream` of `seed`.  Distinct (seed, stream) pairs
 * give unrelated states; the same pair always gives the same state. */
rng rng_stream(uint64_t seed, uint64_t stream);

/* The next 64 random bits. */
uint64_t rng_next(rng *r);

/* A uniform integer in [0, n), n >= 1, without modulo bias. */
uint64_t rng_below(rng *r, uint64_t n);

/* A uniform double in [0, 1) with 53 random bits. */
double rng_double(rng *r);

#endif
