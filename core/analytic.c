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
#include <string.h>

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

/* ------------------------------------------------------------------ lstm --
 * The LSTM cell's step (core/rnn_lstm.c, its OPERATION ORDER) under lru,
 * derived in docs/analytic-model.md ("The gated cells").  G = 4 gate blocks
 * stacked into one (4H, H) matrix W_h (rows q*H + i: gate q, hidden i) whose
 * gate q rows are region W_hi, W_hf, W_hg, W_ho; every term below is
 * "count x c(D)" with D the distinct addresses of the reuse window. */
enum { AN_G = 4 };

/* addresses a forward step stores per element (i, b): the ring slot, the
 * four gates, c, tanh_c, hT -- plus the load of c_{t-1} */
#define AN_LSTM_FWD_ST 8.0

static void lstm_lru(const an_dims *d, double *wq, double *hid, double *cst)
{
    const double T = d->T, H = d->H, B = d->B, I = d->I, O = d->O, K = d->K, G = AN_G;
    const unsigned w = d->w;
    const int h = d->H;
    const double P = G * (H * I + H * H + H) + O * H + O;
    int ct[AN_MAXT], rt[AN_MAXT], hr[AN_MAXT], cj[AN_MAXT], ot[AN_MAXT], gr[AN_MAXT];
    int nct = col_tiles(d->B, ct), nbt = row_tiles(d->B, rt), nhr = row_tiles(d->H, hr), ncj = col_tiles(d->H, cj);
    int not_ = row_tiles(d->O, ot), ngr = row_tiles(AN_G * d->H, gr);
    for (int q = 0; q < AN_G; q++) wq[q] = 0;
    *hid = 0, *cst = 0;
    /* one forward step of distinct addresses: W_h, W_i, b, x_{t-1} and x_t, and per element
     * (i, b) the ring (2), hT, the gates (4), c_{t-1} and c_t, tanh_c */
    const double Dfwd = G * H * H - 1 + G * H * I + G * H + 2 * I * B + 10 * H * B;
    /* one backward step, from the last batch row tile's read to the first tile's of the next
     * step: W_h and dW_h, dW_i, db, x; dz_{t+1} and hT_t whole (the weight gradients read them),
     * and one batch row tile's elementwise work (the four gates, tanh_c, c, dc, dh, its rows of
     * the other dz buffer): B = 1 gives 3G + 5 per hidden unit */
    const double Dbwd = 2 * G * H * H - 1 + G * H * I + G * H + I * B + (G + 1) * H * B + (2 * G + 4) * rt[0] * H;
    /* everything a step touches at least once, forward and backward (the long windows) */
    const double Dall = 2 * G * (H * H + H * I + H) + 2 * O * H + 2 * O + 2 * K * O * B + B * K + (2 * G + 4) * H * B;

    /* ---- W_h: forward reads, per column tile of the batch ---- */
    int i0 = 0;
    for (int qb = 0; qb < nhr; qb++) {
        const double rn = hr[qb];
        double fwd_short = 0; /* a further column tile of the same row block */
        for (int k = 1; k < nct; k++)
            fwd_short += c(G * rn * H - 1 + G * rn * I + G * rn + (ct[k - 1] + ct[k]) * (H + I) +
                               (AN_LSTM_FWD_ST + 1) * rn * ct[k - 1], w);
        for (int r = 0; r < hr[qb]; r++) {
            const int i = i0 + r;
            for (int q = 0; q < AN_G; q++) {
                double s2 = 0;
                for (int j = 0; j < h; j++) { /* t = 2: first touch since the eager init */
                    double eh = ((double)q * H + i) * H + j;
                    double below = q * fmin(i0 + rn, H) * H + i0 * H + (double)(i - i0) * (j + 1);
                    s2 += c(G * H * H - 1 - eh + G * H + O * H + O + B * K + T * I * B + G * I * H + 8 * H * B +
                                8 * i0 * B + below, w);
                }
                wq[q] += s2 + H * fwd_short;
                /* t >= 3: one forward step */
                wq[q] += (T - 2) * H * (c(Dfwd, w) + fwd_short);
            }
        }
        i0 += hr[qb];
    }
    /* ---- W_h: backward reads (the dh product), per batch row tile ---- */
    double bwd_short = 0; /* a further batch row tile: after a whole pass over W_h */
    for (int k = 1; k < nbt; k++)
        bwd_short += c(G * H * H - 1 + (rt[k - 1] + rt[k]) * G * H + (2 * G + 4) * rt[k - 1] * H, w);
    for (int q = 0; q < AN_G; q++) {
        double s1 = 0;
        int ib = 0;
        for (int qb = 0; qb < nhr; qb++) {
            for (int r = 0; r < hr[qb]; r++) {
                const int i = ib + r;
                const double before = G * ib + q * hr[qb] + r + 1; /* rows of W_h read before it in forward T */
                int j0 = 0;
                for (int cb = 0; cb < ncj; cb++) {
                    double untouched = fmin(before * (H - j0), G * H * H - 1);
                    /* t = T-1: the rest of forward T, the head, the loss, backward T */
                    double D = G * H * H - untouched + G * H * H + G * I * (H - i) + G * I * H + G * (H - i) + G * H +
                               I * B + 2 * O * H + 2 * O + 2 * K * O * B + B * K + (2 * G + 8) * H * B + (H - i) * B;
                    s1 += cj[cb] * (c(D, w) + bwd_short);
                    j0 += cj[cb];
                }
            }
            ib += hr[qb];
        }
        wq[q] += s1;
        if (d->T >= 3) wq[q] += (T - 2) * H * H * (c(Dbwd, w) + bwd_short); /* t <= T-2: one backward step */
    }
    /* ---- W_h: the update (element e = GIH + n H + j of the parameter buffer): all gradients,
     * the momentum and parameters before it, and the W_h read after it in backward step 1 ---- */
    for (int n = 0; n < AN_G * h; n++) {
        int j0 = 0;
        double s = 0;
        for (int cb = 0; cb < ncj; cb++) {
            const double vn = cj[cb];
            for (int v = 0; v < cj[cb]; v++) {
                double e = G * I * H + (double)n * H + j0 + v;
                double after = (G * H - n) * (H - j0 - vn) + (G * H - 1 - n) * vn + (vn - 1 - v);
                s += c(P + 2 * e + after + I * B + G * H * B + 4 * rt[nbt - 1] * H, w);
            }
            j0 += cj[cb];
        }
        wq[n / h] += s;
    }

    /* ---- h: forward reads of h_{t-1} in the W_h products (G per row tile), t = 2..T ---- */
    {
        double first = 0, rows = 0;
        int j = 0;
        for (int qb = 0; qb < nhr; qb++) {
            for (int r = 0; r < hr[qb]; r++, j++) {
                /* the first read (row tile 0, gate 0) after the store in the previous step */
                double tilework = 0; /* earlier column tiles of row tile 0 */
                for (int k = 0; k < nct; k++) {
                    first += ct[k] * c((H - j - 1) * (G * H + G * I + G + (AN_LSTM_FWD_ST + 1) * B) + hr[0] * (j + I + 1) +
                                           2 * I * B + H * B + (double)j * ct[k] + tilework,
                                       w);
                    tilework += G * hr[0] * (H + I + 1) + ct[k] * (H + I) + (AN_LSTM_FWD_ST + 1) * hr[0] * ct[k];
                }
            }
        }
        for (int qb = 0; qb < nhr; qb++) { /* gates 1..3 of every row tile; gate 0 of row tiles 1.. */
            const double rn = hr[qb];
            for (int k = 0; k < nct; k++) {
                rows += (G - 1) * H * ct[k] * c(rn * H + rn * I + rn + ct[k] * (H + I) - 1, w);
                if (qb) rows += H * ct[k] * c(G * hr[qb - 1] * (H + I + 1) + I * B + H * B + (AN_LSTM_FWD_ST + 1) * hr[qb - 1] * B - 1, w);
            }
        }
        *hid += (T - 1) * (first + rows);
    }
    /* the head reads h_T (ring) and dW_hy reads it back (hT): target step T */
    for (int j = 0; j < h; j++) {
        double rest = (H - j - 1) * (G * H + G * I + G + (AN_LSTM_FWD_ST + 1) * B);
        *hid += B * c(rest + I * B + H * B + j + 1, w);
        *hid += (not_ - 1) * B * c(4 * H + 4 + H * B, w);
        *hid += B * c(rest + O * H + O + 2 * H * B + 2 * K * O * B + B * K + I * B + j, w);
        *hid += (not_ - 1) * B * c(4 * B + 4 * H + H * B, w);
    }
    /* dW_h reads h_{t-1} (hT) in backward step t = 2..T: the first row tile after everything
     * since forward step t-1 -- the long-range term -- the other (4H/4 - 1) row tiles short */
    for (int t = 2; t <= d->T; t++) {
        const double L = T - t;
        for (int j = 0; j < h; j++)
            *hid += B * c(Dall + (L + 1) * (G + 3) * H * B + (H - j - 1) * (G + 3) * B + H * B + (L + 2) * I * B, w);
        *hid += (ngr - 1) * H * B * c(4 * H + 4 * B + H * B - 1, w);
    }

    /* ---- c: forward load of c_{t-1} (one forward step after its store), t = 2..T ---- */
    *cst += (T - 1) * H * B * c(Dfwd, w);
    /* backward load of c_{t-1} in step t = 2..T: after the rest of forward t, forward t+1..T and
     * backward T..t+1 -- long-range */
    for (int t = 2; t <= d->T; t++) {
        const double L = T - t;
        for (int j = 0; j < h; j++) *cst += B * c(Dall + L * (G + 3) * H * B + (H - j - 1) * (G + 3) * B + (L + 1) * I * B, w);
    }
    (void)gr;
}

/* ------------------------------------------------------------------- gru --
 * The GRU cell's step (core/rnn_gru.c, its OPERATION ORDER) under lru: three
 * passes of tiles per forward step (reset r with W_hr, update z with W_hz,
 * candidate n with W_hn on r * h_{t-1}); backward, the dh tiles read W_hr and
 * W_hz (t < T), a second pass reads W_hn (t >= 2).  docs/analytic-model.md,
 * "The gated cells". */
enum { AN_GRU_G = 3 };

static void gru_lru(const an_dims *d, double *wg, double *hid)
{
    const double T = d->T, H = d->H, B = d->B, I = d->I, O = d->O, K = d->K, G = AN_GRU_G;
    const unsigned w = d->w;
    const int h = d->H;
    const double P = G * (H * I + H * H + H) + O * H + O;
    int ct[AN_MAXT], rt[AN_MAXT], hr[AN_MAXT], cj[AN_MAXT], ot[AN_MAXT];
    int nct = col_tiles(d->B, ct), nbt = row_tiles(d->B, rt), nhr = row_tiles(d->H, hr), ncj = col_tiles(d->H, cj);
    int not_ = row_tiles(d->O, ot);
    (void)ot;
    for (int g = 0; g < AN_GRU_G; g++) wg[g] = 0;
    *hid = 0;
    /* addresses a pass stores (and loads besides its products) per element: r (r, rh, rhT, the
     * load of h_{t-1}[i]), z (z), n (n, the load of z, of h_{t-1}[i], h ring, hT) */
    static const double st[AN_GRU_G] = {4, 1, 5};
    /* one forward step: the three matrices, W_i, b, x_{t-1} and x_t, and per element (i, b) the
     * ring (2), hT, r, z, n, rh, rhT */
    const double Dfwd = G * H * H - 1 + G * H * I + G * H + 2 * I * B + 8 * H * B;
    /* one backward step, from the last batch row tile's read to the first tile's of the next
     * step: the matrices and their gradients, dW_i, db, x; whole, what the second pass and the
     * weight gradients read (da of the step, hT, rhT, r, z, dh); one batch row tile's elementwise
     * work (z, n, hT, the new da rows): B = 1 gives 13 per hidden unit */
    const double Dbwd = 2 * G * H * H - 1 + G * H * I + G * H + I * B + 8 * H * B + 5 * rt[0] * H;
    /* everything a step touches at least once, forward and backward */
    const double Dall = 2 * G * (H * H + H * I + H) + 2 * O * H + 2 * O + 2 * K * O * B + B * K + 10 * H * B;

    /* ---- forward reads, per column tile: t = 2 (first touch), t >= 3 (one step) ---- */
    int i0 = 0;
    for (int qb = 0; qb < nhr; qb++) {
        const double rn = hr[qb];
        for (int g = 0; g < AN_GRU_G; g++) {
            double fwd_short = 0;
            for (int k = 1; k < nct; k++)
                fwd_short += c(rn * H - 1 + rn * I + rn + (ct[k - 1] + ct[k]) * (H + I) + st[g] * rn * ct[k - 1], w);
            /* stores before the pass in step 2: z, n, h (ring), hT of step 1; r, rh, rhT (pass r) */
            const double before = g == 0 ? 0 : g == 1 ? 3 * H * B : 4 * H * B;
            for (int r = 0; r < hr[qb]; r++) {
                const int i = i0 + r;
                double s2 = 0;
                for (int j = 0; j < h; j++) {
                    double eh = ((double)g * H + i) * H + j;
                    double below = g * H * H + i0 * H + (double)(i - i0) * (j + 1);
                    s2 += c(G * H * H - 1 - eh + G * H + O * H + O + B * K + T * I * B + G * I * H + 4 * H * B + before +
                                st[g] * i0 * B + below, w);
                }
                wg[g] += s2 + H * fwd_short + (T - 2) * H * (c(Dfwd, w) + fwd_short);
            }
        }
        i0 += hr[qb];
    }
    /* ---- backward reads: W_hr, W_hz in the dh tiles of t = T-1..1, W_hn in the second pass of
     * t = T..2; per batch row tile ---- */
    double bwd_short[AN_GRU_G] = {0, 0, 0}; /* a further batch row tile: after a pass over the matrices */
    for (int k = 1; k < nbt; k++) {
        bwd_short[0] += c(2 * H * H - 1 + 2 * (rt[k - 1] + rt[k]) * H + 5 * rt[k - 1] * H, w);
        bwd_short[1] += c(2 * H * H - 1 + 2 * (rt[k - 1] + rt[k]) * H + 5 * rt[k - 1] * H, w);
        bwd_short[2] += c(H * H - 1 + (rt[k - 1] + rt[k]) * H + 5 * rt[k - 1] * H, w);
    }
    {
        int ib = 0;
        for (int qb = 0; qb < nhr; qb++) {
            for (int r = 0; r < hr[qb]; r++) {
                const int i = ib + r;
                int j0 = 0;
                for (int cb = 0; cb < ncj; cb++) {
                    const double vn = cj[cb], untouched = (i + 1.0) * (H - j0);
                    const double head = 2 * O * H + 2 * O + 2 * K * O * B + B * K;
                    /* W_hr at t = T-1: after the rest of forward T, the head, loss, backward T */
                    double Dr = H * H - untouched + 2 * H * H + G * H * H + 2 * G * I * H + 2 * G * H + I * B + head +
                                12 * H * B + (H - i) * B;
                    /* W_hz at t = T-1: the same, W_hr only as far as this tile's reduction */
                    double Dz = H * H - untouched + (j0 + vn) * H + H * H + G * H * H + 2 * G * I * H + 2 * G * H +
                                I * B + head + 12 * H * B + (H - i) * B;
                    /* W_hn at t = T: after the rest of forward T's candidate pass, the head, loss, backward
                     * T's dh tiles -- no other matrix, no gradient yet */
                    double Dn = H * H - untouched + I * (H - i) + (H - i) + head + 9 * H * B + 3 * (H - i) * B;
                    wg[0] += vn * (c(Dr, w) + bwd_short[0]);
                    wg[1] += vn * (c(Dz, w) + bwd_short[1]);
                    wg[2] += vn * (c(Dn, w) + bwd_short[2]);
                    j0 += cj[cb];
                }
            }
            ib += hr[qb];
        }
    }
    for (int g = 0; g < AN_GRU_G; g++) wg[g] += (T - 2) * H * H * (c(Dbwd, w) + bwd_short[g]);
    /* ---- the update (element e = GIH + e_h): all gradients, the momentum and parameters before
     * it, the matrix elements after it read after its last backward read ---- */
    for (int g = 0; g < AN_GRU_G; g++) {
        double s = 0;
        for (int i = 0; i < h; i++) {
            int j0 = 0;
            for (int cb = 0; cb < ncj; cb++) {
                const double vn = cj[cb];
                for (int v = 0; v < cj[cb]; v++) {
                    double e = G * I * H + (double)g * H * H + (double)i * H + j0 + v;
                    double after = (H - i) * (H - j0 - vn) + (H - 1 - i) * vn + (vn - 1 - v);
                    if (g == 0) after += H * (H - j0); /* W_hz, read after W_hr in the same dh tiles */
                    double tail = g == 2 ? 2 * I * B + 12 * H * B + 2 * H * H : I * B + 6 * H * B;
                    s += c(P + 2 * e + after + tail, w);
                }
                j0 += cj[cb];
            }
        }
        wg[g] += s;
    }

    /* ---- h ---- forward step t+1 = 2..T: the r and z products read h_t (per row tile), the r and
     * n tails read it once per element */
    {
        double step = 0;
        int j = 0;
        for (int qb = 0; qb < nhr; qb++)
            for (int r = 0; r < hr[qb]; r++, j++) {
                double tilework = 0;
                for (int k = 0; k < nct; k++) {
                    /* the r product, row tile 0: after the rest of step t's candidate pass */
                    step += ct[k] * c((H - j - 1) * (H + I + 1 + 5 * B) + H * B + I * B + hr[0] * (j + I + 1) +
                                          (double)j * ct[k] + I * ct[k] + tilework, w);
                    tilework += hr[0] * (H + I + 1) + ct[k] * (H + I) + 4 * hr[0] * ct[k];
                    /* the r tail reads h_{t}[i] after the rest of its tile's reduction */
                    step += ct[k] * c((H - 1 - j) * (hr[qb] + ct[k]) + 4 * hr[qb] * ct[k], w);
                    /* the z product, row tile 0: after the r pass's last row tile */
                    step += ct[k] * c(hr[nhr - 1] * (H + I + 1) + ct[k] * (H + I) + 4 * hr[nhr - 1] * ct[k] +
                                          hr[0] * (j + I + 1) + (double)j * ct[k], w);
                    /* the n tail reads h_t[i]: after the z pass's last row tile and the candidate pass so far */
                    step += ct[k] * c((j + hr[qb]) * (H + I + 1) + H * B + I * B + 6 * j * B + hr[nhr - 1] * H, w);
                }
            }
        for (int qb = 1; qb < nhr; qb++) /* further row tiles of the r and z products */
            for (int k = 0; k < nct; k++) {
                step += H * ct[k] * c(hr[qb - 1] * (H + I + 1) + I * B + H * B + 4 * hr[qb - 1] * B - 1, w);
                step += H * ct[k] * c(hr[qb - 1] * (H + I + 1) + I * B + H * B + hr[qb - 1] * B - 1, w);
            }
        *hid += (T - 1) * step;
    }
    /* the head reads h_T (ring) and dW_hy reads it back (hT): target step T */
    for (int j = 0; j < h; j++) {
        double rest = (H - j - 1) * (H + I + 1 + 5 * B);
        *hid += B * c(rest + I * B + H * B + j + 1, w);
        *hid += (not_ - 1) * B * c(4 * H + 4 + H * B, w);
        *hid += B * c(rest + O * H + O + 2 * H * B + 2 * K * O * B + B * K + I * B + j, w);
        *hid += (not_ - 1) * B * c(4 * B + 4 * H + H * B, w);
    }
    /* backward step t = 2..T: the dh tiles read h_{t-1} (hT) first since its store in forward
     * t-1 -- the long-range term --, then the second pass, dW_hr and dW_hz shortly after */
    for (int t = 2; t <= d->T; t++) {
        const double L = T - t;
        int j0 = 0;
        for (int cb = 0; cb < ncj; cb++) {
            for (int v = 0; v < cj[cb]; v++) {
                const int j = j0 + v;
                *hid += B * c(Dall + (L + 1) * 5 * H * B + (H - j - 1) * 5 * B + (L + 2) * I * B, w);
                *hid += B * c(2 * H * (H - j0) + H * (j0 + cj[cb]) + 5 * H * B, w);          /* second pass */
                *hid += B * c(H * (H - j0) + 4 * H * B + 4 * (double)j + (double)j * B, w);   /* dW_hr, row tile 0 */
            }
            j0 += cj[cb];
        }
        *hid += (2.0 * nhr - 1) * H * B * c(4 * H + 4 * B + H * B - 1, w); /* the other dW_hr, dW_hz row tiles */
    }
}

int an_estimate_gated(dmd_model m, const char *cell, const an_dims *d, an_term *out, int max)
{
    if (d->T < 3 || d->H < 1 || d->B < 1 || d->K != 1 || d->w < 1 || d->B > 4 * AN_MAXT - 12 ||
        4 * d->H > 4 * AN_MAXT - 12 || d->O > 4 * AN_MAXT - 12)
        return -1;
    if (m != DMD_LRU) return -1;
    if (!strcmp(cell, "lstm")) {
        static const char *names[] = {"W_hi", "W_hf", "W_hg", "W_ho", "h", "c"};
        double v[6];
        if (max < 6) return -1;
        lstm_lru(d, v, v + 4, v + 5);
        for (int k = 0; k < 6; k++) out[k].region = names[k], out[k].cost = v[k];
        return 6;
    }
    if (!strcmp(cell, "gru")) {
        static const char *names[] = {"W_hr", "W_hz", "W_hn", "h"};
        double v[4];
        if (max < 4) return -1;
        gru_lru(d, v, v + 3);
        for (int k = 0; k < 4; k++) out[k].region = names[k], out[k].cost = v[k];
        return 4;
    }
    return -1;
}
