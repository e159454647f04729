/*
 * analytic.c -- closed-form estimates of the ByteDMD cost of the W_hh reads
 * and of the hidden-state reads of one BPTT training step (the kernel of
 * core/rnn_kernel.c, one step from a fresh eager init), under the lru and
 * classic models.  docs/analytic-model.md derives every term; each read class
 * below is "count x c(D)", where D is the number of elements above the read
 * element (its reuse window: distinct elements touched, plus in the classic
 * model every value pushed, since its last touch) and
 * c(D) = U((D+1)w) - U(D w) prices one w-byte element under it.  Sums over a
 * row or column index are evaluated term by term (O(T + H^2) work).
 *
 * Sizes: T steps, H hidden, B batch, I inputs, O outputs, K target steps.
 * The tiling constants are the kernel's: row blocks of 4, column blocks of
 * 16.  Valid for B <= 4 (one batch row block in the backward products; the
 * forward column block holds the whole batch); larger B is estimated with the
 * same windows, which then undercount the re-reads of the extra blocks.
 */
#include "analytic.h"

#include <math.h>

double an_read_cost(double D, double w)
{
    if (D < 0) D = 0;
    uint64_t d = (uint64_t)llround(D), ww = (uint64_t)w;
    return (double)(dmd_U((d + 1) * ww) - dmd_U(d * ww));
}

static double c(double D, unsigned w) { return an_read_cost(D, (double)w); }

static void est_lru(const an_dims *d, an_estimate *o)
{
    const double T = d->T, H = d->H, B = d->B, I = d->I, O = d->O, K = d->K;
    const unsigned w = d->w;
    const int h = d->H;
    const double nrt = (double)(h / 4 + h % 4); /* row tiles */
    const double P = H * I + H * H + H + O * H + O;
    double whh = 0, hid = 0;
    /* W_hh, forward t = 2: first reads after the eager init */
    for (int j = 0; j < h; j++) whh += H * c(H * H - j + H + O * H + O + B * K + T * I * B + H * I + 2 * H * B, w);
    /* forward t >= 3: one step of distinct addresses */
    for (int i = 0; i < h; i++) {
        double i0 = 4 * (i / 4);
        whh += (T - 2) * H * c(H * H - 1 + H * I + H + 2 * I * B + 3 * H * B + i0 * B, w);
    }
    /* backward t = T-1: the rest of forward T, the head, loss, backward T */
    for (int i = 0; i < h; i++)
        for (int j = 0; j < h; j++) {
            double j0 = 16 * (j / 16), Dw = H * H - (i + 1) * (H - j0);
            whh += c(Dw + H * H + 2 * H * I + 2 * H + I * B + 6 * H * B + 2 * O * H + 2 * O + 2 * K * O * B + B * K, w);
        }
    /* backward t <= T-2: one backward step */
    for (int j = 0; j < h; j++) {
        double j0 = 16 * (j / 16);
        whh += (T - 2) * H * c(2 * H * H + H * I + H + I * B + 4 * H * B + (H - j0) * B - 1, w);
    }
    /* update: all gradients, then momentum and parameters up to the element */
    for (int k = 0; k < h * h; k++) whh += c(0.75 * H * H + P + 3 * H * I + I * B + H + 4 * H * B + k, w);

    /* hidden states: forward reads of h_{t-1} (first row tile long, others one tile) */
    for (int j = 0; j < h; j++)
        hid += (T - 1) * B * c((H - j) * (H + I + 1 + B) + 4 * j + 4 * I + 4 + 2 * I * B + 2 * H * B, w);
    hid += (T - 1) * (nrt - 1) * H * B * c(4 * H + 4 * I + 4 + I * B + H * B + 8 * B - 1, w);
    for (int k = 0; k < h; k++) { /* head reads h_T; dW_hy reads it back */
        hid += B * c((H - k) * (H + I + 1 + B) + I * B + H * B + k + 1, w);
        hid += B * c((H - k) * (H + I + 1 + 2 * B) + O * H + O + H * B + 2 * K * O * B + B * K + k + I * B + H * B, w);
    }
    for (int j = 0; j < h; j++) { /* dtanh reads */
        double j0 = 16 * (j / 16), vn = H - j0 < 16 ? H - j0 : 16;
        hid += B * c(H + 2 * j + O * H, w);
        hid += (T - 1) * B * c(H * I + 3 * H * B + I * B + H + H * (j0 + vn) + 2 * j * B + 4 * H, w);
    }
    /* dW_hh reads of h_t: the first one spans the rest of the forward pass and
     * the backward steps T..t+2 -- the long-range term, growing with T - t */
    for (int t = 1; t < d->T; t++) {
        double L = T - t;
        hid += H * B *
               c(2 * H * H + 2 * H * I + 2 * H + 2 * O * H + 2 * O + 2 * K * O * B + B * K + 4 * H * B + (L + 1) * I * B +
                     (2 * L + 2) * H * B,
                 w);
        hid += (nrt - 1) * H * B * c(4 * H + 4 * B + H * B - 1, w);
    }
    o->whh = whh;
    o->hidden = hid;
}

static void est_classic(const an_dims *d, an_estimate *o)
{
    const double T = d->T, H = d->H, B = d->B, I = d->I, O = d->O, K = d->K;
    const unsigned w = d->w;
    const int h = d->H;
    const double nrt = (double)(h / 4 + h % 4);
    const double P = H * I + H * H + H + O * H + O;
    const double fw = H * B * (H + I + 1);             /* values pushed by one forward step */
    const double bw = B * (2 * H * H + H * I + 3 * H); /* ... by one backward step */
    double whh = 0, hid = 0;
    for (int i = 0; i < h; i++) /* forward t = 2 */
        whh += H * B * c(P + B * K + T * I * B + H * (I + 1) * B + i * (I + H + 1) * B, w);
    whh += (T - 2) * H * H * B * c(fw + H * H + H * I + H + 2 * I * B + H * B - 1, w);
    for (int i = 0; i < h; i++) /* backward t = T-1 */
        for (int j = 0; j < h; j++) {
            double j0 = 16 * (j / 16), vn = H - j0 < 16 ? H - j0 : 16;
            double pushes = (H - i) * (H + I + 1) * B + 3 * O * H * B + bw + (j0 * H + i * vn) * B;
            double old = H * H - (i + 1) * (H - j0) + H * I + H + I * B + H * B + O * H + O + H * H + H * I + H;
            whh += B * c(pushes + old, w);
        }
    whh += (T - 2) * H * H * B * c(bw + 2 * H * H + H * I + H + 2 * H * B + I * B - 1, w);
    const double per_e = d->clipped ? 5 : 4; /* update pushes per element (+1 when clipping) */
    for (int k = 0; k < h * h; k++) {
        double e = H * I + k;
        double pushes = (H * H - k) * B + 2 * H * B + H * I * B + H * B + P + 2 + per_e * e;
        double old = H * B + P + e + H * I + 0.75 * H * H + H * B + I * B + H * I + H;
        whh += c(pushes + old, w);
    }

    /* hidden: forward FMA reads (4 per tile: the first long, the next three
     * at depth 2), the head, dW_hy, dtanh, and the dW_hh reads */
    for (int j = 0; j < h; j++) hid += (T - 1) * B * c((H - j) * (2 * H + 2 * I + 2) * B + 8 * j + 10 * I + H + j, w);
    hid += (T - 1) * (H - nrt) * H * B * c(2, w);
    hid += (T - 1) * (nrt - 1) * H * B * c(9 * H + 9 * I + 7, w);
    for (int k = 0; k < h; k++) {
        hid += B * O * c((H - k) * (2 * H + 2 * I + 2) + k + 2, w);
        hid += B * c((H - k) * (2 * H + 2 * I + 2) + 3 * O * H + O + 2 * B * K + k, w);
    }
    for (int j = 0; j < h; j++) {
        double j0 = 16 * (j / 16), vn = H - j0 < 16 ? H - j0 : 16;
        hid += B * c(H + 2 * j + 2 * O * H, w);
        hid += (T - 1) * B *
               c(H * I * B + H * B + H * (j0 + vn) * B + 2 * j * B + H * B + H * I + I * B + H + H * (j0 + vn), w);
    }
    for (int t = 1; t < d->T; t++) { /* the long-range term: every value since stays on the stack */
        double D = (T - t - 1) * (fw + bw) + H * H * B + 2 * H * B + O * H * B + H * H + H * I + H + (T - t) * I * B +
                   H * B + O * H + 2 * H * H + H * I + H;
        hid += H * B * c(D, w);
        hid += (H - nrt) * H * B * c(2, w);
        hid += (nrt - 1) * H * B * c(9 * H + 3, w);
    }
    o->whh = whh;
    o->hidden = hid;
}

int an_estimate_step(dmd_model m, const an_dims *d, an_estimate *out)
{
    if (d->T < 2 || d->H < 1 || d->B < 1 || d->w < 1) return -1;
    if (m == DMD_LRU)
        est_lru(d, out);
    else if (m == DMD_CLASSIC)
        est_classic(d, out);
    else
        return -1;
    return 0;
}
