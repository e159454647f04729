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
 * The tiling is the kernel's (row blocks of 4 then single rows; column
 * blocks of 16, then 8, 4, 2, 1).  Checked against measurement for
 * B = 1..20 (scripts/analytic-check, docs/analytic-model.md).
 */
#include "analytic.h"

#include <math.h>

#include "rnn_kernel.h"

/* The kernel's tile (rnn_kernel.h).  The depth terms below were derived for
 * this tile (docs/analytic-model.md); a kernel with another tile needs them
 * re-derived, so the build stops here instead of drifting. */
enum { RT = RNN_TILE_ROWS, VT = RNN_TILE_COLS };
_Static_assert(RT == 4 && VT == 16, "analytic.c's depth terms assume the 4 x 16 tile: re-derive them");

/* The price of reading a w-byte element with D elements (D*w bytes) above
 * it: U((D+1)w) - U(Dw), D rounded to a whole number. */
static double c(double D, unsigned w)
{
    uint64_t d = D < 0 ? 0 : (uint64_t)llround(D);
    return (double)dmd_read_cost(d * w, w);
}

/* The kernel's tiles: columns in blocks of 16 while 16 remain, then one
 * block each of 8, 4, 2, 1; rows in blocks of 4 while 4 remain, then single
 * rows.  Returns the number of blocks, widths in out[]. */
static int col_tiles(int n, int *out)
{
    int k = 0;
    while (n >= VT) out[k++] = VT, n -= VT;
    for (int s = VT / 2; s >= 1; s /= 2)
        if (n >= s) out[k++] = s, n -= s;
    return k;
}
static int row_tiles(int n, int *out)
{
    int k = 0;
    while (n >= RT) out[k++] = RT, n -= RT;
    while (n >= 1) out[k++] = 1, n -= 1;
    return k;
}

#define AN_MAXT 4096 /* tiles of one dimension: B and H up to 4 * AN_MAXT - 12 */

static void est_lru(const an_dims *d, an_estimate *o)
{
    const double T = d->T, H = d->H, B = d->B, I = d->I, O = d->O, K = d->K;
    const unsigned w = d->w;
    const int h = d->H;
    const double nrt = (double)(h / RT + h % RT); /* row tiles of H */
    const double P = H * I + H * H + H + O * H + O;
    int ct[AN_MAXT], rt[AN_MAXT], hr[AN_MAXT]; /* 48 KiB of stack */
    int nct = col_tiles(d->B, ct), nbt = row_tiles(d->B, rt), nhr = row_tiles(d->H, hr);
    double whh = 0, hid = 0;
    /* further batch tiles of one step re-read W_hh at short distance */
    double bwd_short = 0;
    for (int k = 1; k < nbt; k++) bwd_short += c(H * H - 1 + 2 * (rt[k - 1] + rt[k]) * H, w);
    for (int q = 0; q < nhr; q++) {
        double rn = hr[q], fwd_short = 0;
        for (int k = 1; k < nct; k++)
            fwd_short += c(rn * H + rn * I + rn + (ct[k - 1] + ct[k]) * (H + I) + 2 * rn * ct[k - 1], w);
        for (int r = 0; r < hr[q]; r++) {
            /* forward t = 2: first touch since the eager init */
            whh += H * (c(H * H - H / 2 + H + O * H + O + B * K + T * I * B + H * I + 2 * H * B, w) + fwd_short);
            /* forward t >= 3: one step of distinct addresses */
            whh += (T - 2) * H * (c(H * H - 1 + H * I + H + 2 * I * B + 3 * H * B, w) + fwd_short);
        }
    }
    /* backward t = T-1: the rest of forward T, the head, loss, backward T */
    for (int ii = 0; ii < h; ii++)
        for (int j = 0; j < h; j++) {
            double j0 = VT * (j / VT), Dw = H * H - (ii + 1) * (H - j0);
            whh += c(Dw + H * H + 2 * H * I + 2 * H + I * B + 6 * H * B + 2 * O * H + 2 * O + 2 * K * O * B + B * K, w) +
                   bwd_short;
        }
    /* backward t <= T-2: one backward step */
    for (int j = 0; j < h; j++) {
        double j0 = VT * (j / VT);
        whh += (T - 2) * H * (c(2 * H * H + H * I + H + I * B + 4 * H * B + (H - j0) * B - 1, w) + bwd_short);
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
        double j0 = VT * (j / VT), vn = H - j0 < VT ? H - j0 : VT;
        hid += B * c(H + 2 * j + O * H, w);
        hid += (T - 1) * B * c(H * I + 3 * H * B + I * B + H + H * (j0 + vn) + 2 * j * B + 4 * H, w);
    }
    /* dW_hh reads of h_t: the first one spans the rest of the forward pass and
     * the backward steps T..t+2 -- the long-range term, growing with T - t */
    for (int t = 1; t < d->T; t++) {
        double L = T - t;
        hid += H * B *
               c(2 * H * H + 2 * H * I + 2 * H + 2 * O * H + 2 * O + 2 * K * O * B + B * K + 4 * H * B + (L + 1) * I * B +
                     (L + 3) * H * B,
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
    const double nrt = (double)(h / RT + h % RT);
    const double P = H * I + H * H + H + O * H + O;
    const double fw = H * B * (H + I + 1);             /* values pushed by one forward step */
    const double bw = B * (2 * H * H + H * I + 3 * H); /* ... by one backward step */
    int ct[AN_MAXT], rt[AN_MAXT], hr[AN_MAXT]; /* 48 KiB of stack */
    int nct = col_tiles(d->B, ct), nbt = row_tiles(d->B, rt), nhr = row_tiles(d->H, hr);
    double whh = 0, hid = 0;
    /* backward: one read per batch row; rows of a tile re-read the value just
     * read (depth 3), further batch tiles after a pass over all of W_hh */
    double bwd_rest = 0;
    for (int k = 0; k < nbt; k++) bwd_rest += (rt[k] - 1) * c(3, w);
    for (int k = 1; k < nbt; k++) bwd_rest += c(rt[k - 1] * H * H + H * H + 2 * rt[k - 1] * H, w);
    int i = 0;
    for (int q = 0; q < nhr; q++) {
        double rn = hr[q];
        for (int r = 0; r < hr[q]; r++, i++)
            for (int j = 0; j < h; j++) {
                /* forward: one read per batch column; columns of a tile at
                 * depth 3 rn, further column tiles after one tile's work */
                double fr = 0;
                for (int k = 0; k < nct; k++) fr += (ct[k] - 1) * c(3 * rn, w);
                for (int k = 1; k < nct; k++) {
                    double a = ct[k - 1], b = ct[k];
                    fr += c(rn * a * (H - j) + rn * a + rn * b * (I + j) + rn * (H + I) + a * (H - j) + b * (j + I) + rn,
                            w);
                }
                whh += c(P + B * K + T * I * B + H * (I + 1) * B + i * (I + H + 1) * B, w) + fr;
                whh += (T - 2) * (c(fw + H * H + H * I + H + 2 * I * B + H * B - 1, w) + fr);
            }
    }
    for (int ii = 0; ii < h; ii++) /* backward t = T-1 */
        for (int j = 0; j < h; j++) {
            double j0 = VT * (j / VT), vn = H - j0 < VT ? H - j0 : VT;
            double pushes = (H - ii) * (H + I + 1) * B + 3 * O * H * B + bw + (j0 * H + ii * vn) * B;
            double old = H * H - (ii + 1) * (H - j0) + H * I + H + I * B + H * B + O * H + O + H * H + H * I + H;
            whh += c(pushes + old, w) + bwd_rest;
        }
    whh += (T - 2) * H * H * (c(bw + 2 * H * H + H * I + H + 2 * H * B + I * B - 1, w) + bwd_rest);
    const double per_e = d->clipped ? 5 : 4; /* update pushes per element (+1 when clipping) */
    for (int k = 0; k < h * h; k++) {
        double e = H * I + k;
        double pushes = (H * H - k) * B + 2 * H * B + H * I * B + H * B + P + 2 + per_e * e;
        double old = H * B + P + e + H * I + 0.75 * H * H + H * B + I * B + H * I + H;
        whh += c(pushes + old, w);
    }

    /* hidden: forward FMA reads (the first row tile long, rows 2..4 of a tile
     * at depth 2, further row tiles after one pass over the batch), the head,
     * dW_hy, dtanh, and the dW_hh reads */
    for (int j = 0; j < h; j++) hid += (T - 1) * B * c((H - j) * (2 * H + 2 * I + 2) * B + 8 * j + 10 * I + H + j, w);
    hid += (T - 1) * (H - nrt) * H * B * c(2, w);
    hid += (T - 1) * (nrt - 1) * H * B * c(4 * B * (H + I + 1) + 4 * (H + I) + B * (H + I) + 3, w);
    for (int k = 0; k < h; k++) {
        hid += B * O * c((H - k) * (2 * H + 2 * I + 2) + k + 2, w);
        hid += B * c((H - k) * (2 * H + 2 * I + 2) + 3 * O * H + O + 2 * B * K + k, w);
    }
    for (int j = 0; j < h; j++) {
        double j0 = VT * (j / VT), vn = H - j0 < VT ? H - j0 : VT;
        hid += B * c(H + 2 * j + 2 * O * H, w);
        hid += (T - 1) * B *
               c(H * I * B + H * B + H * (j0 + vn) * B + 2 * j * B + H * B + H * I + I * B + H + H * (j0 + vn), w);
    }
    for (int t = 1; t < d->T; t++) { /* the long-range term: every value since stays on the stack */
        double D = (T - t - 1) * (fw + bw) + H * H * B + 2 * H * B + O * H * B + H * H + H * I + H + (T - t) * I * B +
                   H * B + O * H + 2 * H * H + H * I + H;
        hid += H * B * c(D, w);
        hid += (H - nrt) * H * B * c(2, w);
        hid += (nrt - 1) * H * B * c(4 * H * B + 4 * B + H * B + 4 * H - 1, w);
    }
    o->whh = whh;
    o->hidden = hid;
}

int an_estimate_step(dmd_model m, const an_dims *d, an_estimate *out)
{
    if (d->T < 2 || d->H < 1 || d->B < 1 || d->B > 4 * AN_MAXT - 12 || d->H > 4 * AN_MAXT - 12 || d->w < 1) return -1;
    if (m == DMD_LRU)
        est_lru(d, out);
    else if (m == DMD_CLASSIC)
        est_classic(d, out);
    else
        return -1;
    return 0;
}
