/*
 * rnn_tanh.h -- a branch-free, vectorisable tanh for the BPTT kernel.
 *
 * glibc's tanh is a scalar call (~15 ns); the kernel evaluates B*T*H of them
 * per step, as many as it does matrix products.  This one is straight-line
 * code (selects instead of branches, integer bit tricks instead of ldexp),
 * so GCC vectorises the loops that call it -- also without AVX-512's mask
 * registers: the clamp and the NaN pass-through are integer min/blend on the
 * bits (a select of a constant, `a > 20 ? 20 : a`, let GCC thread the
 * constant case into a branch, and the AVX2 clone then ran every tanh in
 * scalar code).  Both kernel builds (plain and
 * instrumented, see dmd.h DMD_TANH_FN) call it, so they round identically.
 *
 * Method, for a = min(|x|, 20) (tanh(20) rounds to 1 in double; taken on
 * the bits: for non-negative doubles the integer order is the value order):
 *   e = expm1(2a) with 2a = k*ln2 + r, |r| <= ln2/2 (Cody-Waite split of
 *       ln2 in a 32-bit head and a tail, so k*ln2_hi is exact for k < 2^21);
 *       expm1(r) by its Taylor series to r^13 (truncation < 2e-17 relative,
 *       Horner with fma()), then expm1(2a) = fma(2^k, expm1(r), 2^k - 1);
 *   tanh(a) = e / (e + 2), sign restored from x's sign bit (tanh(-0) = -0);
 *   NaN in, the same NaN out.
 * fma() rounds once on every machine (an instruction in the AVX2/AVX-512
 * clones, glibc's correctly rounded software fma in the baseline clone), so
 * every build gets the same bits; it saves ~20% of the tanh time here.
 * Accuracy against tanhl: tests/core/test_tanh.c (fails above 3 ulp; measured
 * 2.4 ulp, glibc's tanh 2.1).  float: the double function, rounded once.
 */
#ifndef DMDPROF_RNN_TANH_H
#define DMDPROF_RNN_TANH_H

#include <stdint.h>
#include <math.h>
#include <string.h>

static inline double rnn_tanh_d(double x)
{
    const double shift = 0x1.8p52;              /* round-to-integer shifter */
    const double inv_ln2 = 0x1.71547652b82fep0; /* 1/ln 2 */
    const double ln2_hi = 0x1.62e42feep-1;      /* ln 2, head (32 bits) */
    const double ln2_lo = 0x1.a39ef35793c76p-33; /* ln 2 - ln2_hi */
    uint64_t xb;
    memcpy(&xb, &x, sizeof xb);
    uint64_t ab = xb & 0x7fffffffffffffffu;     /* |x| */
    int isnan_ = ab > 0x7ff0000000000000u;
    ab = ab < 0x4034000000000000u ? ab : 0x4034000000000000u; /* min(|x|, 20), NaN -> 20 */
    double a;
    memcpy(&a, &ab, sizeof a);
    double y = a + a;          /* exact */
    double t = y * inv_ln2 + shift; /* t = 1.5*2^52 + k, k = round(y/ln2) in [0, 58] */
    double kd = t - shift;
    uint64_t tb;
    memcpy(&tb, &t, sizeof tb);
    uint64_t sb = (tb + 1023u) << 52; /* low 12 bits of tb are k: bits of 2^k */
    double s;
    memcpy(&s, &sb, sizeof s);
    double r = (y - kd * ln2_hi) - kd * ln2_lo;
    /* q = 1/2! + r/3! + ... + r^11/13!, then expm1(r) = r + r*(r*q) */
    double q = 1.0 / 6227020800.0;
    q = fma(q, r, 1.0 / 479001600.0);
    q = fma(q, r, 1.0 / 39916800.0);
    q = fma(q, r, 1.0 / 3628800.0);
    q = fma(q, r, 1.0 / 362880.0);
    q = fma(q, r, 1.0 / 40320.0);
    q = fma(q, r, 1.0 / 5040.0);
    q = fma(q, r, 1.0 / 720.0);
    q = fma(q, r, 1.0 / 120.0);
    q = fma(q, r, 1.0 / 24.0);
    q = fma(q, r, 1.0 / 6.0);
    q = fma(q, r, 0.5);
    double p = fma(r, r * q, r);
    double e = fma(s, p, s - 1.0);
    double th = e / (e + 2.0);
    uint64_t thb;
    memcpy(&thb, &th, sizeof thb);
    thb |= xb & 0x8000000000000000u;
    uint64_t nm = (uint64_t)0 - (uint64_t)isnan_; /* all ones for NaN: x itself */
    thb = (thb & ~nm) | (xb & nm);
    memcpy(&th, &thb, sizeof th);
    return th;
}

static inline float rnn_tanh_f(float x)
{
    return (float)rnn_tanh_d((double)x);
}

#endif
