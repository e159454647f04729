/*
 * rnn_tanh_vec.h -- rnn_tanh_d (rnn_tanh.h) over an array, several vectors
 * in lockstep, for the plain float64 vector clones (AVX-512, AVX2 + FMA).
 *
 * Why: rnn_tanh_d is one dependency chain of ~35 operations per element
 * (a Horner chain of 12 FMAs, then a division: ~90 cycles of latency).
 * Vectorised one vector at a time by GCC, consecutive vectors' chains sit
 * ~35 instructions apart in program order and the scheduler of a smaller
 * core (AMD Zen 3) holds only two or three of them: the loop ran
 * latency-bound at ~24 cycles per 4 elements.  Here each step of the
 * method is applied to RNN_TANH_LANES independent vectors before the next
 * step, so every instruction has independent neighbours.
 *
 * Bits: every lane goes through exactly rnn_tanh_d's operations, in its
 * order, each rounding once (vector add, mul, div and FMA round like their
 * scalar forms; -ffp-contract=off keeps a*b+c unfused): the results are
 * bit-identical to rnn_tanh_d element by element (tests/core/test_tanh_vec.c
 * compares them, NaN, +-0, +-inf and the clamp included).  The elements
 * past the last full group of vectors go through rnn_tanh_d itself.
 */
#ifndef DMDPROF_RNN_TANH_VEC_H
#define DMDPROF_RNN_TANH_VEC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "rnn_tanh.h"

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#define RNN_TANH_VEC 1
#ifdef __AVX512F__
enum { RNN__TW = 8 };
typedef double rnn__vd __attribute__((vector_size(64)));
typedef int64_t rnn__vi __attribute__((vector_size(64)));
#define RNN__VFMA(a, b, c) ((rnn__vd)_mm512_fmadd_pd((__m512d)(a), (__m512d)(b), (__m512d)(c)))
#else
enum { RNN__TW = 4 };
typedef double rnn__vd __attribute__((vector_size(32)));
typedef int64_t rnn__vi __attribute__((vector_size(32)));
#define RNN__VFMA(a, b, c) ((rnn__vd)_mm256_fmadd_pd((__m256d)(a), (__m256d)(b), (__m256d)(c)))
#endif
/* Vectors in lockstep (AVX2: 8; 4 ran 10% slower on Zen 3 once the division
 * had its own pass; AVX-512: 4, the same 32 elements per group), and the
 * elements per chunk of the two passes (the chunk's e values stay in L1). */
#ifdef __AVX512F__
enum { RNN_TANH_LANES = 4 };
#else
enum { RNN_TANH_LANES = 8 };
#endif
enum { RNN_TANH_CHUNK = 256 };
#define RNN__TL _Pragma("GCC unroll 8") for (int j = 0; j < RNN_TANH_LANES; j++)

/* x[i] = rnn_tanh_d(x[i]) for i < n.  Per chunk, two passes: e = expm1(2a)
 * of every element into a buffer (FMA-bound), then tanh = e / (e + 2) with
 * the sign and NaN restored from x (division-bound).  In one pass each
 * group ended in a division whose latency the next group's polynomial could
 * not hide on Zen 3 (24% of the tanh's samples sat on the instruction after
 * the division).  The operations per element are rnn_tanh_d's, in its
 * order: splitting them over two passes changes no value. */
static inline void rnn_tanh_arr(double *x, size_t n)
{
    const rnn__vd shift = (rnn__vd){0} + 0x1.8p52, inv_ln2 = (rnn__vd){0} + 0x1.71547652b82fep0;
    const rnn__vd ln2_hi = (rnn__vd){0} + 0x1.62e42feep-1, ln2_lo = (rnn__vd){0} + 0x1.a39ef35793c76p-33;
    const rnn__vd one = (rnn__vd){0} + 1.0, two = (rnn__vd){0} + 2.0;
    const rnn__vi absm = (rnn__vi){0} + INT64_MAX, inf = (rnn__vi){0} + 0x7ff0000000000000,
                  lim = (rnn__vi){0} + 0x4034000000000000, sgn = (rnn__vi){0} + INT64_MIN, bias = (rnn__vi){0} + 1023;
    const size_t G = (size_t)RNN__TW * RNN_TANH_LANES;
    rnn__vd eb[RNN_TANH_CHUNK / RNN__TW];
    size_t i = 0;
    while (i + G <= n) {
        size_t m = n - i < RNN_TANH_CHUNK ? n - i : RNN_TANH_CHUNK;
        m -= m % G;
        /* pass 1: e = expm1(2 min(|x|, 20)) (NaN -> 20) */
        for (size_t g = 0; g < m; g += G) {
            rnn__vd y[RNN_TANH_LANES], kd[RNN_TANH_LANES], s[RNN_TANH_LANES], r[RNN_TANH_LANES], q[RNN_TANH_LANES];
            RNN__TL
            {
                rnn__vi xb;
                memcpy(&xb, x + i + g + (size_t)j * RNN__TW, sizeof xb);
                rnn__vi ab = xb & absm; /* |x| (non-negative: signed compares are the unsigned ones) */
                rnn__vi lt = ab < lim;
                ab = (ab & lt) | (lim & ~lt); /* min(|x|, 20), NaN -> 20 */
                rnn__vd a = (rnn__vd)ab;
                y[j] = a + a;
            }
            RNN__TL
            {
                rnn__vd t = y[j] * inv_ln2 + shift;
                kd[j] = t - shift;
                s[j] = (rnn__vd)(((rnn__vi)t + bias) << 52);
            }
            RNN__TL r[j] = (y[j] - kd[j] * ln2_hi) - kd[j] * ln2_lo;
            RNN__TL q[j] = RNN__VFMA((rnn__vd){0} + 1.0 / 6227020800.0, r[j], (rnn__vd){0} + 1.0 / 479001600.0);
#define RNN__TH(c) RNN__TL q[j] = RNN__VFMA(q[j], r[j], (rnn__vd){0} + (c));
            RNN__TH(1.0 / 39916800.0)
            RNN__TH(1.0 / 3628800.0)
            RNN__TH(1.0 / 362880.0)
            RNN__TH(1.0 / 40320.0)
            RNN__TH(1.0 / 5040.0)
            RNN__TH(1.0 / 720.0)
            RNN__TH(1.0 / 120.0)
            RNN__TH(1.0 / 24.0)
            RNN__TH(1.0 / 6.0)
            RNN__TH(0.5)
#undef RNN__TH
            RNN__TL
            {
                rnn__vd p = RNN__VFMA(r[j], r[j] * q[j], r[j]);
                eb[g / RNN__TW + (size_t)j] = RNN__VFMA(s[j], p, s[j] - one);
            }
        }
        /* pass 2: e / (e + 2), x's sign; NaN in: x itself */
        for (size_t g = 0; g < m; g += RNN__TW) {
            rnn__vi xb;
            memcpy(&xb, x + i + g, sizeof xb);
            rnn__vd e = eb[g / RNN__TW];
            rnn__vd th = e / (e + two);
            rnn__vi nm = (xb & absm) > inf;
            rnn__vi tb = (rnn__vi)th | (xb & sgn);
            tb = (tb & ~nm) | (xb & nm);
            memcpy(x + i + g, &tb, sizeof tb);
        }
        i += m;
    }
    for (; i < n; i++) x[i] = rnn_tanh_d(x[i]);
}
#undef RNN__TL
#endif

#endif
