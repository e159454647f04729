/*
 * bench/parts_clone.c -- the plain kernel's parts timed alone, with one
 * clone's tiles and tanh (tests/bench/CMakeLists.txt compiles this file once
 * per clone: -march=x86-64-v4 / -v3, PARTS_SFX = avx512 / avx2).  The parts
 * are the kernel's own code, included from core/rnn_kernel.c with
 * RNN_KERNEL_PARTS_ONLY (as core/rnn_sched.c does), not copies:
 *   tile  the full TR x TC tile (rnn__vt_full) over the largest multiple of
 *         TR rows of B, h_{t-1} (B, H) times W_hh packed transposed (H, H),
 *         the chains accumulating in the output (the forward's inner call);
 *         missing (NAN) when B < TR or H < TC;
 *   fwd   the bptt forward's product of one step exactly as van_forward_bh
 *         walks it (RNN_TILES over fwdT_tile: b_h, then x_t W_ih, then
 *         h_{t-1} W_hh^T; full and edge tiles), pre-activations out;
 *   dh    the backward's dh_t = dz_{t+1} W_hh (RNN_TILES over dh_tile, a
 *         non-target step: no head term);
 *   dW    the backward's dW_hh = dz_t^T h_{t-1} (RNN_TILES over grad_tile,
 *         dz_t packed (H, B) as rnn_vdz_pack leaves it, first step: from 0);
 *   tanh  rnn_tanh_arr over the B*H pre-activations.
 * Operands are small (H = 64: 32 KiB of W_hh) and stay in L1/L2: the figures
 * are each part's ceiling, not the step's.  Time: thread CPU time, each
 * trial one pass of each part (interleaved), best and median over trials.
 * Bits: the products are compared with the scalar chains (fma, k ascending,
 * the kernel's order) and tanh with rnn_tanh_d, element by element.
 */
#define RNN_KERNEL_PARTS_ONLY
#pragma GCC diagnostic ignored "-Wunused-function" /* the parts this file does not time */
#include "rnn_kernel.c"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parts.h"
#include "bench_clock.h"

#if !defined(RNN_PASSES) || !defined(RNN_TANH_VEC)
#error "bench/parts_clone.c: build it for a float64 vector clone (-march=x86-64-v3 or -v4)"
#endif

/* best and median of n figures (best: the largest, or the least if low) */
static void best_med(double *v, int n, int low, double *best, double *med)
{
    *med = bench_median(v, n);
    *best = low ? v[0] : v[n - 1];
}

static void fill(double *p, size_t n, unsigned s)
{
    for (size_t i = 0; i < n; i++) {
        s = s * 1103515245u + 12345u;
        p[i] = ((double)(s >> 8) / 16777216.0 - 0.5) * 0.25;
    }
}

#define PARTS_FN RNN__XCAT(parts_run_, PARTS_SFX)

int PARTS_FN(const parts_cfg *c, parts_res *r)
{
    const int B = c->B, H = c->H, I = c->I, n = c->trials, BF = B - B % TR;
    const size_t BH = (size_t)B * H;
    double *W_ih = malloc(sizeof(double) * (size_t)I * H), *WT = malloc(sizeof(double) * (size_t)H * H);
    double *b_h = malloc(sizeof(double) * H), *xt = malloc(sizeof(double) * (size_t)I * B);
    double *hTp = malloc(sizeof(double) * BH), *hTt = malloc(sizeof(double) * BH), *pre = malloc(sizeof(double) * BH);
    double *th = malloc(sizeof(double) * BH), *acc = malloc(sizeof(double) * BH), *rt = malloc(sizeof(double) * 5 * n);
    double *dzn = malloc(sizeof(double) * BH), *dh = malloc(sizeof(double) * BH), *dzT = malloc(sizeof(double) * BH);
    double *dW = malloc(sizeof(double) * (size_t)H * H);
    int ok = W_ih && WT && b_h && xt && hTp && hTt && pre && th && acc && rt && dzn && dh && dzT && dW;
    if (ok) {
        fill(W_ih, (size_t)I * H, 1), fill(WT, (size_t)H * H, 2), fill(b_h, (size_t)H, 3);
        fill(xt, (size_t)I * B, 4), fill(hTp, BH, 5), fill(dzn, BH, 6), fill(dzT, BH, 7);
        const double *W_hh = WT; /* any (H, H) operand: the dh product reads W_hh along rows */
        memset(acc, 0, sizeof(double) * BH);
        r->TR = TR, r->TC = TC;
        /* reps per trial: about 2e7 FLOP of the forward product */
        const int full = BF > 0 && H >= TC; /* a full tile exists at these sizes */
        const int reps = (int)(1e7 / ((double)B * H * (H + I))) + 1;
        for (int t = -1; t < n; t++) { /* t = -1: warm-up */
            double t0 = bench_seconds(CLOCK_THREAD_CPUTIME_ID);
            for (int k = 0; k < reps && full; k++)
                for (int b0 = 0; b0 < BF; b0 += TR)
                    for (int i0 = 0; i0 + TC <= H; i0 += TC)
                        rnn__vt_full(acc + (size_t)b0 * H + i0, H, acc + (size_t)b0 * H + i0, H, hTp + (size_t)b0 * H, H,
                                     1, WT + i0, H, H);
            double t1 = bench_seconds(CLOCK_THREAD_CPUTIME_ID);
            for (int k = 0; k < reps; k++)
                RNN_TILES(B, H, fwdT_tile(rn, vn, r0, c0, B, I, H, W_ih, WT, b_h, xt, hTp, hTt, H));
            double t2 = bench_seconds(CLOCK_THREAD_CPUTIME_ID);
            for (int k = 0; k < reps; k++)
                RNN_TILES(B, H, dh_tile(rn, vn, r0, c0, H, 1, 0, NULL, NULL, dzn, W_hh, NULL, dh, NULL));
            double t3 = bench_seconds(CLOCK_THREAD_CPUTIME_ID);
            for (int k = 0; k < reps; k++)
                RNN_TILES(H, H, grad_tile(DMD_SITE_HERE rn, vn, dW + (size_t)r0 * H + c0, H, 1, dzT + (size_t)r0 * B, B, 1,
                                          hTp + c0, H, B, 0));
            double t4 = bench_seconds(CLOCK_THREAD_CPUTIME_ID);
            memcpy(th, hTt, sizeof(double) * BH);
            const double t5 = bench_seconds(CLOCK_THREAD_CPUTIME_ID);
            for (int k = 0; k < reps; k++) rnn_tanh_arr(th, BH); /* in place: the ops do not depend on the values */
            double t6 = bench_seconds(CLOCK_THREAD_CPUTIME_ID);
            if (t < 0) continue;
            rt[t] = !full ? NAN : 2.0 * BF * (H - H % TC) * H * reps / (t1 - t0) / 1e9;
            rt[n + t] = 2.0 * B * H * (H + I) * reps / (t2 - t1) / 1e9;
            rt[2 * n + t] = 2.0 * B * H * H * reps / (t3 - t2) / 1e9;
            rt[3 * n + t] = 2.0 * B * H * H * reps / (t4 - t3) / 1e9;
            rt[4 * n + t] = (t6 - t5) / ((double)reps * BH) * 1e9;
        }
        if (full)
            best_med(rt, n, 0, &r->tile_best, &r->tile_med);
        else
            r->tile_best = r->tile_med = NAN; /* missing, not 0 */
        best_med(rt + n, n, 0, &r->fwd_best, &r->fwd_med);
        best_med(rt + 2 * n, n, 0, &r->dh_best, &r->dh_med);
        best_med(rt + 3 * n, n, 0, &r->dw_best, &r->dw_med);
        best_med(rt + 4 * n, n, 1, &r->tanh_best, &r->tanh_med); /* ns per element: the least is the best */

        /* bits: the scalar chains of each element (b_h[i], then j < I, then j < H, ascending) */
        memset(r->mismatch, 0, sizeof r->mismatch);
        for (int b = 0; b < B; b++)
            for (int i = 0; i < H; i++) {
                double a = b_h[i], d = 0;
                for (int j = 0; j < I; j++) a = fma(xt[(size_t)j * B + b], W_ih[(size_t)j * H + i], a);
                for (int j = 0; j < H; j++) a = fma(hTp[(size_t)b * H + j], WT[(size_t)j * H + i], a);
                for (int k = 0; k < H; k++) d = fma(dzn[(size_t)b * H + k], W_hh[(size_t)k * H + i], d);
                pre[(size_t)b * H + i] = a;
                r->mismatch[0] += memcmp(&a, &hTt[(size_t)b * H + i], sizeof a) != 0;
                r->mismatch[1] += memcmp(&d, &dh[(size_t)b * H + i], sizeof d) != 0;
            }
        for (int i = 0; i < H; i++)
            for (int j = 0; j < H; j++) {
                double g = 0;
                for (int b = 0; b < B; b++) g = fma(dzT[(size_t)i * B + b], hTp[(size_t)b * H + j], g);
                r->mismatch[2] += memcmp(&g, &dW[(size_t)i * H + j], sizeof g) != 0;
            }
        memcpy(th, pre, sizeof(double) * BH);
        rnn_tanh_arr(th, BH);
        for (size_t e = 0; e < BH; e++) {
            double y = rnn_tanh_d(pre[e]);
            r->mismatch[3] += memcmp(&y, &th[e], sizeof y) != 0;
        }
    }
    free(W_ih), free(WT), free(b_h), free(xt), free(hTp), free(hTt), free(pre), free(th), free(acc), free(rt);
    free(dzn), free(dh), free(dzT), free(dW);
    return ok ? 0 : -1;
}
