/*
 * rng.h -- the project's one pseudo-random generator: xoshiro256** (Blackman &
 * Vigna 2018) seeded through splitmix64.  Same seed -> same stream on every
 * machine (integer arithmetic only, except the documented float conversions).
 */
#ifndef DMDPROF_RNG_H
#define DMDPROF_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s[4];
} rng_t;

/* Seed the four state words from splitmix64(seed). */
void rng_seed(rng_t *r, uint64_t seed);
/* An independent stream for a purpose (e.g. 0 = init, 1 = data): seeds from
 * splitmix64 of (seed, stream), so streams never overlap in practice. */
void rng_seed_stream(rng_t *r, uint64_t seed, uint64_t stream);
/* Next 64 random bits. */
uint64_t rng_next(rng_t *r);
/* Uniform double in [0, 1) with 53 random bits. */
double rng_uniform(rng_t *r);
/* Uniform integer in [0, n), unbiased (Lemire's method); n >= 1. */
uint64_t rng_below(rng_t *r, uint64_t n);
/* Uniform integer in [lo, hi], inclusive; lo <= hi. */
long rng_range(rng_t *r, long lo, long hi);
/* Standard normal N(0, 1), deterministic (state-free method: each call
 * consumes random bits only from r). */
double rng_normal(rng_t *r);

#endif
