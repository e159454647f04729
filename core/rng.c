/*
 * rng.c -- xoshiro256** (Blackman & Vigna 2018) seeded by splitmix64
 * (Steele, Lea & Flood 2014).  See rng.h for the contract.
 *
 * Reproducibility: the 64-bit stream is pure integer arithmetic and identical
 * everywhere.  rng_uniform is an exact conversion (top 53 bits * 2^-53).
 * rng_normal uses log, sqrt and cos from libm: identical on the same libm
 * (glibc), possibly different in the last bit elsewhere.
 */
#include "rng.h"

#include <math.h>

__extension__ typedef unsigned __int128 rng__u128;

#define RNG__GOLDEN 0x9e3779b97f4a7c15ULL /* 2^64 / golden ratio, odd */

static inline uint64_t rng__rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* splitmix64's output function: a bijective 64-bit mixer. */
static inline uint64_t rng__mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* One splitmix64 step: advance the counter by the golden gamma, mix it. */
static inline uint64_t rng__splitmix64(uint64_t *x)
{
    *x += RNG__GOLDEN;
    return rng__mix(*x);
}

void rng_seed(rng_t *r, uint64_t seed)
{
    uint64_t x = seed;
    /* Four consecutive outputs of a bijection of distinct counters: never
     * all zero, so the xoshiro state is always valid. */
    for (int i = 0; i < 4; i++)
        r->s[i] = rng__splitmix64(&x);
}

void rng_seed_stream(rng_t *r, uint64_t seed, uint64_t stream)
{
    /* Asymmetric in (seed, stream): (1, 0) and (0, 1) give different keys.
     * Two pairs collide only if their 64-bit keys coincide (chance ~2^-64). */
    uint64_t key = rng__mix(rng__mix(seed + RNG__GOLDEN) ^ stream);
    rng_seed(r, key);
}

uint64_t rng_next(rng_t *r)
{
    uint64_t *s = r->s;
    uint64_t out = rng__rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rng__rotl(s[3], 45);
    return out;
}

double rng_uniform(rng_t *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t rng_below(rng_t *r, uint64_t n)
{
    /* Lemire (2019): the high word of x * n is uniform on [0, n) once the
     * few low words below 2^64 mod n are rejected. */
    rng__u128 m = (rng__u128)rng_next(r) * n;
    uint64_t low = (uint64_t)m;
    if (low < n) {
        uint64_t thresh = (0 - n) % n; /* 2^64 mod n */
        while (low < thresh) {
            m = (rng__u128)rng_next(r) * n;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

long rng_range(rng_t *r, long lo, long hi)
{
    uint64_t span = (uint64_t)hi - (uint64_t)lo + 1; /* 0: the full 2^64 range */
    uint64_t off = span ? rng_below(r, span) : rng_next(r);
    return (long)((uint64_t)lo + off); /* two's-complement wrap, as intended */
}

double rng_normal(rng_t *r)
{
    /* Box-Muller, cosine branch only (the sine partner is discarded so the
     * generator keeps no hidden state).  Exactly two 64-bit draws per call.
     * u1 in (0, 1] so log(u1) is finite; |z| <= sqrt(2*53*ln 2) = 8.57. */
    double u1 = (double)((rng_next(r) >> 11) + 1) * 0x1.0p-53;
    double u2 = rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
