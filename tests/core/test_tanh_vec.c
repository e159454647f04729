/*
 * test_tanh_vec.c -- rnn_tanh_arr (core/rnn_tanh_vec.h, the plain vector
 * clones' lockstep tanh) against rnn_tanh_d element by element, bit for
 * bit: random arguments over many magnitudes, the special values (+-0,
 * +-inf, NaNs with payloads and sign, the clamp at 20, subnormals) at every
 * position of a vector group, every array length up to three groups
 * (the scalar tail), and lengths across the two-pass chunks.  Built once per vector clone (-march=x86-64-v3 and
 * -v4); exits 77 (skipped) where the CPU lacks that instruction set.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rnn_tanh_vec.h"

#ifndef RNN_TANH_VEC
#error "built without AVX2 + FMA or AVX-512: rnn_tanh_arr is not defined"
#endif

static uint64_t st = 0x2545f4914f6cdd1du;
static uint64_t next(void)
{
    st ^= st << 13;
    st ^= st >> 7;
    st ^= st << 17;
    return st;
}

static double bits(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

enum { NMAX = 2 * RNN_TANH_CHUNK + 3 * 64 + 8 }; /* the longest array checked */

static long check(const double *x, size_t n)
{
    double y[NMAX];
    memcpy(y, x, n * sizeof *x);
    rnn_tanh_arr(y, n);
    long bad = 0;
    for (size_t i = 0; i < n; i++) {
        double z = rnn_tanh_d(x[i]);
        if (memcmp(&z, &y[i], sizeof z)) {
            if (bad < 5) fprintf(stderr, "x = %a (index %zu of %zu): rnn_tanh_arr %a, rnn_tanh_d %a\n", x[i], i, n, y[i], z);
            bad++;
        }
    }
    return bad;
}

int main(void)
{
#ifdef __AVX512F__
    if (!__builtin_cpu_supports("avx512f")) {
        puts("skipped: this CPU has no AVX-512F");
        return 77;
    }
#else
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
        puts("skipped: this CPU has no AVX2 + FMA");
        return 77;
    }
#endif
    const double special[] = {0.0, -0.0, INFINITY, -INFINITY, NAN, -NAN, bits(0x7ff0000000000001u),
                              bits(0xfff8dead00000000u), 20.0, -20.0, nextafter(20.0, 0), nextafter(20.0, 30), 1e300,
                              -1e300, 0x1p-1074, -0x1p-1060, 0x1p-30, 0.5 * log(3.0), 19.06, -0.693147};
    const size_t ns = sizeof special / sizeof *special, G = (size_t)RNN__TW * RNN_TANH_LANES;
    double x[NMAX];
    long bad = 0, n_checked = 0;
    for (int round = 0; round < 20000; round++) {
        /* every 8th round a length across the two-pass chunks (RNN_TANH_CHUNK) */
        size_t n = 1 + next() % (round % 8 ? 3 * G + 3 : 2 * RNN_TANH_CHUNK + 3 * G + 3);
        for (size_t i = 0; i < n; i++) {
            double u = (double)(next() >> 11) * 0x1p-53 * 2 - 1;
            x[i] = u * ldexp(1.0, (int)(next() % 70) - 60 + (round % 2 ? 5 : 0));
        }
        if (round % 4 == 0) x[next() % n] = special[next() % ns];
        bad += check(x, n);
        n_checked += (long)n;
    }
    for (size_t s = 0; s < ns; s++) /* each special value at each lane of a full group */
        for (size_t pos = 0; pos < G; pos++) {
            for (size_t i = 0; i < G; i++) x[i] = 0.1 * (double)i - 1;
            x[pos] = special[s];
            bad += check(x, G);
            n_checked += (long)G;
        }
    printf("rnn_tanh_arr vs rnn_tanh_d (%zu-element groups): %ld values, %ld differ\n", G, n_checked, bad);
    return bad ? 1 : 0;
}
