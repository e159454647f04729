/*
 * rnn_kernel.c -- THE training step of the vanilla RNN: forward over T steps,
 * output head, loss and its gradient, backpropagation through time, global
 * gradient-norm clipping, momentum update.  Written once through the dmd.h
 * hooks and compiled several times (core/model.cmake):
 *
 *   rnn_kernel_f64_<isa> plain, double       (trains; isa = avx512, avx2,
 *                                             baseline on x86-64, each with
 *                                             its -march and register tiles;
 *                                             rnn_kernel_f64 dispatches,
 *                                             core/rnn_isa.c)
 *   rnn_kernel_f32_<isa> plain, float        (-DDMD_FLOAT32)
 *   rnn_kernel_f64_dmd   instrumented, double (-DDMD_INSTRUMENT)
 *   rnn_kernel_f32_dmd   instrumented, float
 *
 * All of them compute bit-identical numbers for the same precision: every
 * floating-point operation on array data is a hook, multiply-adds are FMA()
 * (one rounding, also in the vector clones), the project builds with
 * -ffp-contract=off and no reassociation, and tanh is rnn_tanh_d (straight
 * line IEEE code, rnn_tanh.h) in every build.
 *
 * Sizes: T steps, B batch, I inputs, H hidden, O outputs, K target steps.
 * Timesteps t = 1..T; h_0 = 0 is not stored (terms with h_0 are skipped).
 *
 * ---------------------------------------------------------------------------
 * OPERATION ORDER (normative: an independent re-implementation must be able
 * to re-derive every hook event from this block).
 *
 * Conventions.
 *   FMA(a, b, c) reads a, b, c in that order.  Weights come first in the
 *   forward and dh products (FMA(W, activation, acc)); the delta comes first
 *   in the gradient products (FMA(delta, activation, acc)).
 *   CONST(...) values are constants (free): 0 (accumulator starts), lr, mu,
 *   clip, 1/(B*K), 0.5/(B*K), 1 (one-hot).
 *   "acc" are register values (never stored) until the ST named.
 *
 * The tile (of the instrumented build; the plain clones use other shapes,
 * which prices nothing and gives the same bits: see "Plain-build tiles"
 * below).  Every matrix product runs over tiles of rn broadcast rows by
 * vn vector columns.  Rows: blocks of RT = 4 while at least 4 remain, then
 * single rows (rn = 1).  Within each row block, columns: blocks of VT = 16
 * while at least 16 remain, then at most one block each of 8, 4, 2, 1 (the
 * binary digits of the remainder, largest first; B = 50 -> 16,16,16,2).
 * Tiles are visited rows-block outer, columns-block inner, in ascending
 * order.  Inside a tile, over the
 * reduction index k ascending:
 *     for r < rn: a_r = LD(A, row r, k)            (broadcast operand)
 *     for v < vn: u = LD(U, k, column v)           (vector operand)
 *                 for r < rn: acc[r][v] = FMA(..a_r.., ..u.., acc[r][v])
 *   (the FMA operand order of each product is given below.)
 *   With B = 1 a forward tile is 4 rows of the textbook matvec interleaved:
 *   for j: for r: s_r = FMA(W[i0+r][j], h[j], s_r).
 *
 * Instrumented declarations (declare != 0, once per measurement): regions
 *   W_ih W_hh b_h W_hy b_y (parameter buffer), dW_* (gradients), v_* (momentum),
 *   x (the batch: inputs and regression targets), h, dh, dz, logits (logits
 *   and dL/dlogits); then DMD_INPUT(momentum buffer, P) and
 *   DMD_INPUT(parameter buffer, P) -- so the parameters are on top, W_ih[0]
 *   deepest among them.  At EVERY step: DMD_INPUT(y, B*K) (regression only),
 *   then DMD_INPUT(x, T*I*B).
 *
 * Phase "forward", for t = 1..T (x_t = x[t-1] (I, B); h_t is stored twice:
 * batch-innermost in the 2-slot ring h[t&1] (H, B), read by the next step
 * and the head, and hidden-innermost in hT[t-1] (B, H), read by backward):
 *   tiles rows i (hidden, RT), columns b (batch, VT):
 *     for r: bh = LD(b_h, i); for v: acc[r][v] = bh
 *     reduction j < I:      a = LD(W_ih, j*H + i), u = LD(x, ((t-1)*I + j)*B + b),
 *                           acc = FMA(a, u, acc)
 *     if t >= 2, j < H:     a = LD(W_hh, i*H + j), u = LD(h, (((t-1)&1)*H + j)*B + b),
 *                           acc = FMA(a, u, acc)
 *     for r: for v: g[r][v] = TANH(acc[r][v]) (RELU for the IRNN)
 *     for r: for v: ST(h, ((t&1)*H + i)*B + b, g[r][v])
 *     for v: for r: ST(hT, ((t-1)*B + b)*H + i, g[r][v])
 *   (region h = the ring, then hT: (T+2)*H*B elements.)
 *   then, if t is a target step (k = t-(T-K+1) >= 0), the head of step t:
 *   tiles rows o (RT), columns b (VT):
 *     for r: by = LD(b_y, o); for v: acc = by
 *     reduction j < H: a = LD(W_hy, o*H + j), u = LD(h, ((t&1)*H + j)*B + b)
 *     for r: for v: ST(logits, (k*O + o)*B + b, acc)
 *   after step T, the loss, for k = 0..K-1, b = 0..B-1 (L = CONST(0) first):
 *     regression: d = SUB(LD(logits, k*B + b), LD(y, b*K + k));
 *                 ST(dlogits, (k*B + b)*O, MUL(d, CONST(1/(B*K)))); L = FMA(d, d, L)
 *     classes:    m = LD(logits, (k*O)*B + b); for o = 1..O-1: m = MAX(m, LD(logits, o))
 *                 for o: e_o = EXP(SUB(LD(logits, o), m)); S = e_0, then S = ADD(S, e_o)
 *                 L = ADD(L, SUB(ADD(LOG(S), m), LD(logits, label)))
 *                 for o: p = DIV(e_o, S); if o == label: p = SUB(p, CONST(1));
 *                        ST(dlogits, (k*B + b)*O + o, MUL(p, CONST(1/(B*K))))
 *     loss = MUL(L, CONST(0.5/(B*K))) (regression) or MUL(L, CONST(1/(B*K))).
 *
 * Phase "backward", for t = T..1 (dz_t in dz buffer t&1; k = t-(T-K+1)):
 *   if k >= 0 (target step), head gradients:
 *     dW_hy tiles rows o (RT), columns j (VT), reduction b < B:
 *       acc = (t == T) ? CONST(0) : LD(dW_hy, o*H + j)
 *       a = LD(dlogits, (k*B + b)*O + o), u = LD(hT, ((t-1)*B + b)*H + j),
 *       acc = FMA(a, u, acc); then ST(dW_hy, o*H + j, acc)
 *     db_y, for o: acc = (t == T) ? CONST(0) : LD(db_y, o);
 *       for b: acc = ADD(acc, LD(dlogits, (k*B + b)*O + o)); ST(db_y, o, acc)
 *   dh_t and dz_t: tiles rows b (RT), columns j (VT):
 *     acc = CONST(0)
 *     if k >= 0, reduction o < O: a = LD(dlogits, (k*B + b)*O + o),
 *       u = LD(W_hy, o*H + j), acc = FMA(u, a, acc)
 *     if t < T, reduction i < H: a = LD(dz_{t+1}, b*H + i), u = LD(W_hh, i*H + j),
 *       acc = FMA(u, a, acc)
 *     for r: for v: ST(dh, b*H + j, acc);
 *       ST(dz_t, b*H + j, MUL(acc, DTANH(LD(hT, ((t-1)*B + b)*H + j))))   (DRELU)
 *   if t >= 2, dW_hh tiles rows i (RT), columns j (VT), reduction b < B:
 *       acc = (t == T) ? CONST(0) : LD(dW_hh, i*H + j)
 *       a = LD(dz_t, b*H + i), u = LD(hT, ((t-2)*B + b)*H + j),
 *       acc = FMA(a, u, acc); then ST(dW_hh, i*H + j, acc)
 *   dW_ih tiles rows j (input, RT), columns i (hidden, VT), reduction b < B:
 *       acc = (t == T) ? CONST(0) : LD(dW_ih, j*H + i)
 *       a = LD(x, ((t-1)*I + j)*B + b), u = LD(dz_t, b*H + i),
 *       acc = FMA(u, a, acc); then ST(dW_ih, j*H + i, acc)
 *   db_h, columns i in blocks of VT: acc = (t == T) ? CONST(0) : LD(db_h, i);
 *       for b: for v: acc = ADD(acc, LD(dz_t, b*H + i)); ST(db_h, i, acc)
 *   (T == 1: dW_hh is never accumulated; ST(dW_hh, e, CONST(0)) for every e.)
 *
 * Phase "update" (e = 0..P-1 over the flat buffers, layout in rnn.h):
 *   n2 = MUL(LD(G, 0), LD(G, 0)); then for e >= 1: n2 = FMA(g_e, g_e, n2)
 *     (g_e = LD(G, e), loaded once and read twice);  gn = SQRT(n2)
 *   clipped = clip > 0 && GT(gn, CONST(clip)); if clipped: s = DIV(CONST(clip), gn)
 *   for e: g = LD(G, e); if clipped: g = MUL(g, s)
 *          v = SUB(MUL(CONST(mu), LD(M, e)), MUL(CONST(lr), g)); ST(M, e, v)
 *          heavy ball: p = ADD(LD(P, e), v)
 *          Nesterov:   p = ADD(LD(P, e), SUB(MUL(CONST(mu), v), MUL(CONST(lr), g)))
 *          ST(P, e, p)
 *   (Nesterov in the Bengio et al. 2012 / Sutskever 2013 reformulation: the
 *   parameters held are theta + mu*v, the gradient is taken there.)
 * ---------------------------------------------------------------------------
 * The diagnostic dh_norm2 (when requested) sums the squares of the stored dh
 * numbers in plain C after each backward step; it is not part of the priced
 * computation (the measure command passes NULL).
 */
#include <stddef.h>

#include "rnn_kernel.h"
#include "rnn_tanh.h"

#ifdef DMD_FLOAT32
#define DMD_TANH_FN rnn_tanh_f
#else
#define DMD_TANH_FN rnn_tanh_d
#endif
#include "dmd.h"
#include "rnn_hooks.h"

#if defined(DMD_INSTRUMENT) && defined(DMD_FLOAT32)
#define RNN_SFX(name) name##_f32_dmd
#elif defined(DMD_INSTRUMENT)
#define RNN_SFX(name) name##_f64_dmd
#elif defined(DMD_FLOAT32)
#define RNN_SFX(name) name##_f32
#else
#define RNN_SFX(name) name##_f64
#endif

/* Plain builds on x86-64: core/model.cmake compiles this file once per
 * instruction-set clone (-march=x86-64-v4 / -v3 / x86-64, RNN_ISA_SFX =
 * avx512 / avx2 / baseline); core/rnn_isa.c picks one at run time.  fma()
 * rounds once in every clone (a library call in the baseline one), so all
 * clones give the same bits. */
#if !defined(DMD_INSTRUMENT) && defined(RNN_ISA_SFX)
#undef RNN_SFX
#define RNN__CAT(a, b) a##b
#define RNN__XCAT(a, b) RNN__CAT(a, b)
#ifdef DMD_FLOAT32
#define RNN_SFX(name) RNN__XCAT(name##_f32_, RNN_ISA_SFX)
#else
#define RNN_SFX(name) RNN__XCAT(name##_f64_, RNN_ISA_SFX)
#endif
#endif
#define RNN_INLINE static inline __attribute__((always_inline))

/* The priced tile (instrumented build; OPERATION ORDER above). */
enum { RT = RNN_TILE_ROWS, VT = RNN_TILE_COLS };

/* Plain-build tiles, per instruction set.  A full tile is TR broadcast rows
 * by TC vector columns; the rows and columns left over go in the edge tiles
 * of rnn_vtile.h's RNN_TILES (tall strips of 8 rows for the last columns,
 * 4/2/1-row blocks for the last rows; TRM = the most rows a tile has).  The
 * full shape is chosen so that the TR*TC accumulators, the broadcasts and
 * one vector operand fit the register file, with more independent
 * accumulators than FMA latency x FMA pipes:
 *   AVX-512 (32 zmm, 8 doubles):   8 x 16 = 16 zmm accumulators (4 x 16
 *     everywhere ran at 52 GFLOP/s, 8 x 16 at 70)
 *   AVX2+FMA (16 ymm, 4 doubles):  3 x 16 = 12 ymm accumulators + 3 broadcasts + 1
 *     (4 x 16 needs 16 ymm for the accumulators alone: the compiler spilled
 *     them to the stack and the clone ran at 25% of peak)
 *   baseline (SSE2):               4 x 16, as the priced tile
 * Bits do not depend on the tile shape: every output element is its own
 * chain -- the same initial value, then FMA over the reduction index k
 * ascending with the same operands in the same order -- whatever tile it is
 * computed in, and no chain is split or reassociated.  Only the order in
 * which the independent chains are interleaved differs, which the plain
 * build does not observe.  (A new kernel reusing these tiles keeps that
 * rule: tile shape free, each accumulator's chain over k fixed.) */
#if defined(DMD_INSTRUMENT)
enum { TR = RT, TC = VT, TRM = RT };
#elif defined(__AVX512F__)
enum { TR = 8, TC = 16, TRM = 8 };
#elif defined(RNN_TR) && defined(RNN_TC) /* experiments: -DRNN_TR=.. -DRNN_TC=.. */
enum { TR = RNN_TR, TC = RNN_TC, TRM = RNN_TR > 8 ? RNN_TR : 8 };
#elif defined(__AVX2__)
enum { TR = 3, TC = 16, TRM = 8 };
#else
enum { TR = 4, TC = 16, TRM = 8 };
#endif

typedef dmd_real tile_t[TRM][TC];

#include "rnn_vtile.h" /* plain: rnn_vtile_fma, RNN_TILES */

/* Plain-build passes (float64 vector clones, RNN_PASSES):
 *  - forward: the tiles of h_t store its pre-activation, then
 *    van_fwd_finish applies the activation to the whole of h_t
 *    (rnn_tanh_arr: rnn_tanh_d in lockstep over several vectors, the same
 *    bits) and makes its copies (hc; hTt transposed in 4 x 4 blocks).  Per
 *    tile, the tanh ran latency-bound on AMD Zen 3 (rnn_tanh_vec.h).
 *  - the bptt kernel's forward runs in the (B, H) layout instead
 *    (van_forward_bh, fwdT_tile): h_t goes straight into hT from W_hh
 *    packed transposed (m->wT), no per-step transpose; the ring slot is
 *    filled only at target steps, for the head.
 *  - full tiles accumulate in the output itself (hT, dh, the gradients):
 *    rnn__vt_full takes the chains' start, no copy through a tile_t;
 *    rnn__vt_full2 runs two reductions of the same chains in one pass
 *    (bias + x_t then W_hh; the head's then the recurrent dh terms), so
 *    the accumulators stay in registers between them.
 *  - dz_t = dh_t * phi'(h_t) is one pass after the dh tiles (van_dz_pass;
 *    in the bptt kernel rnn_vdz_pack, which also writes the packed copy
 *    below, into the free dz slot, and db_h's column sums).
 *  - the gated cells' forward (rnn_lstm.c lstm_fwd_bh, rnn_gru.c
 *    gru_fwd_passes) runs in the (B, H) layout too, gate by gate through
 *    fwdT_tile (output row stride ds) from the recurrent blocks packed
 *    transposed (m->wT, rnn_schedule.wT blocks); the tiles store the
 *    gates' pre-activations, the gates are applied as whole arrays, and
 *    nothing is transposed per step but the ring slot at target steps.
 *  - the dh products of every cell (dhT_prod_tile) go to memory first; the
 *    elementwise work after them runs over whole arrays (van_dz_pass,
 *    rnn_gru.c gru_dh_pass / gru_rh_pass, rnn_lstm.c lstm_dh_pass).
 *  - dW_hh: dz_t (B, H) is packed transposed (H, B) before the product, so
 *    that the broadcast operand is read along rows (the same values in the
 *    same chains: a packed copy, as BLAS packs).  Read in place, its
 *    column strip sat at a stride of 8H bytes, a power of two at H = 64,
 *    in a few L1 sets beside h_{t-1}'s strip; the product ran ~25% slower
 *    than the forward one.
 * Every element is the same value as the instrumented build's, which does
 * all of this per tile in the OPERATION ORDER's order. */
#if defined(RNN_VEC_TILE) && !defined(DMD_FLOAT32)
#include "rnn_tanh_vec.h"
#ifdef RNN_TANH_VEC
#define RNN_PASSES 1
#endif
#endif

/* Call sites (instrumented build): the tile helpers take the site of their
 * caller (DMD_SITE_PARAM, dmd.h), so each product is charged to its own line
 * -- the tile_fma call of fwd_tile, head_tile and dh_tile, the RNN_TILES line
 * of each gradient product -- not to the one FMA line below.  This changes
 * only the line a priced read is reported on, never which events happen. */

/* acc[r][v] (r < rn, v < vn) chained over k < nk, ascending:
 *   a_r = A[r*ars + k*aks] (broadcast), u = U[k*uks + v] (vector),
 *   acc = wfirst ? FMA(u, a_r, acc) : FMA(a_r, u, acc).
 * Called with rn == TR and vn == TC as constants for full tiles (the
 * compiler then keeps acc in vector registers), with the true sizes at the
 * edges; the order of events is the same. */
RNN_INLINE void tile_fma(DMD_SITE_PARAM tile_t acc, int rn, int vn, const dmd_num *A, ptrdiff_t ars, ptrdiff_t aks,
                         const dmd_num *U, ptrdiff_t uks, int nk, int ufirst)
{
#ifdef RNN_VEC_TILE
    (void)ufirst;
    rnn_vtile_fma(acc, rn, vn, A, ars, aks, U, uks, nk);
    return;
#endif
    for (int k = 0; k < nk; k++) {
        dmd_real a[TR];
        for (int r = 0; r < rn; r++) a[r] = LD(A, r * ars + k * aks);
        for (int v = 0; v < vn; v++) {
            dmd_real u = LD(U, k * uks + v);
            for (int r = 0; r < rn; r++) acc[r][v] = ufirst ? FMA(u, a[r], acc[r][v]) : FMA(a[r], u, acc[r][v]);
        }
    }
}

RNN_INLINE void tile_fill(tile_t acc, int rn, int vn, dmd_real c)
{
    for (int r = 0; r < rn; r++)
        for (int v = 0; v < vn; v++) acc[r][v] = c;
}

/* acc = first ? CONST(0) : LD(G, r*rs + v) */
RNN_INLINE void tile_load(DMD_SITE_PARAM tile_t acc, int rn, int vn, const dmd_num *G, ptrdiff_t rs, int first)
{
    for (int r = 0; r < rn; r++)
        for (int v = 0; v < vn; v++) acc[r][v] = first ? CONST(0) : LD(G, r * rs + v);
}

RNN_INLINE void tile_store(DMD_SITE_PARAM const tile_t acc, int rn, int vn, dmd_num *G, ptrdiff_t rs)
{
    for (int r = 0; r < rn; r++)
        for (int v = 0; v < vn; v++) ST(G, r * rs + v, acc[r][v]);
}

/* ---- forward: one tile of h_t (rows i, columns b) ----
 * xt = x_t (I, B); hprev = h_{t-1} (H, B) or NULL (t = 1: h_0 = 0 is not
 * read); stores h_t into ht (H, B), then into hc (H, B) if not NULL, then
 * into hTt (B, H) if not NULL. */
RNN_INLINE void fwd_tile(int rn, int vn, int i0, int b0, int B, int I, int H, int relu, const dmd_num *W_ih,
                         const dmd_num *W_hh, const dmd_num *b_h, const dmd_num *xt, const dmd_num *hprev, dmd_num *ht,
                         dmd_num *hc, dmd_num *hTt)
{
    tile_t acc;
    for (int r = 0; r < rn; r++) {
        dmd_real bh = LD(b_h, i0 + r);
        for (int v = 0; v < vn; v++) acc[r][v] = bh;
    }
    tile_fma(DMD_SITE_HERE acc, rn, vn, W_ih + i0, 1, H, xt + b0, B, I, 0);
    if (hprev) tile_fma(DMD_SITE_HERE acc, rn, vn, W_hh + (size_t)i0 * H, H, 1, hprev + b0, B, H, 0);
#ifdef RNN_PASSES
    (void)relu, (void)hc, (void)hTt;
    tile_store(DMD_SITE_HERE acc, rn, vn, ht + (size_t)i0 * B + b0, B); /* pre-activation: van_fwd_finish does the rest */
    return;
#endif
    if (relu)
        for (int r = 0; r < rn; r++)
            for (int v = 0; v < vn; v++) acc[r][v] = RELU(acc[r][v]);
    else
        for (int r = 0; r < rn; r++)
            for (int v = 0; v < vn; v++) acc[r][v] = TANH(acc[r][v]);
    tile_store(DMD_SITE_HERE acc, rn, vn, ht + (size_t)i0 * B + b0, B);
    if (hc) tile_store(DMD_SITE_HERE acc, rn, vn, hc + (size_t)i0 * B + b0, B);
    if (hTt)
        for (int v = 0; v < vn; v++)
            for (int r = 0; r < rn; r++) ST(hTt, (size_t)(b0 + v) * H + i0 + r, acc[r][v]);
}

/* ---- forward: after the tiles of h_t (plain float64 vector clones) ----
 * ht holds the pre-activation (H, B): activate it in place, then copy it
 * into hc (H, B) and hTt (B, H) where they are not NULL.  A no-op in the
 * other builds, whose fwd_tile does this per tile. */
RNN_INLINE void van_fwd_finish(int relu, int H, int B, dmd_num *ht, dmd_num *hc, dmd_num *hTt)
{
#ifdef RNN_PASSES
    const size_t n = (size_t)H * B;
    if (relu)
        for (size_t e = 0; e < n; e++) ht[e] = RELU(ht[e]);
    else
        rnn_tanh_arr(ht, n);
    if (hc) memcpy(hc, ht, n * sizeof *ht);
    if (hTt) rnn_vtranspose(ht, H, B, B, hTt, H);
#else
    (void)relu, (void)H, (void)B, (void)ht, (void)hc, (void)hTt;
#endif
}

#ifdef RNN_PASSES
/* ---- forward of the bptt kernel in the (B, H) layout (plain float64 vector
 * clones) ----
 * One tile of h_t at rows b, columns i, stored into hTt (B, H): the
 * broadcast operands are x_t (I, B) read down a column and h_{t-1} (B, H)
 * read along a row, the vector operands W_ih (I, H) and WT = W_hh packed
 * transposed (WT[j*H + i] = W_hh[i*H + j]).  Element (i, b) is the same
 * chain as fwd_tile's -- b_h[i], then FMA over j < I, then over j < H,
 * ascending, the same two factors (a product's bits do not depend on the
 * factors' order) -- so the bits are the instrumented build's.  Stores the
 * pre-activation at hTt[b*ds + i] (ds = H here; the gated cells' forward
 * passes, rnn_gru.c and rnn_lstm.c, use it per gate, ds = 4H for the
 * LSTM's (B, 4H) gates); van_forward_bh activates it. */
RNN_INLINE void fwdT_tile(int rn, int vn, int b0, int i0, int B, int I, int H, const dmd_num *W_ih, const dmd_num *WT,
                          const dmd_num *b_h, const dmd_num *xt, const dmd_num *hTp, dmd_num *hTt, ptrdiff_t ds)
{
    dmd_num *d = hTt + (size_t)b0 * ds + i0;
    if (rn == TR && vn == TC) { /* full tile: the chains start at b_h and accumulate in hTt itself */
        if (hTp)
            rnn__vt_full2(d, ds, b_h + i0, 0, xt + b0, 1, B, W_ih + i0, H, I, hTp + (size_t)b0 * H, H, 1, WT + i0, H, H);
        else
            rnn__vt_full(d, ds, b_h + i0, 0, xt + b0, 1, B, W_ih + i0, H, I);
        return;
    }
    tile_t acc;
    for (int r = 0; r < rn; r++)
        for (int v = 0; v < vn; v++) acc[r][v] = LD(b_h, i0 + v);
    tile_fma(DMD_SITE_HERE acc, rn, vn, xt + b0, 1, B, W_ih + i0, H, I, 0);
    if (hTp) tile_fma(DMD_SITE_HERE acc, rn, vn, hTp + (size_t)b0 * H, H, 1, WT + i0, H, H, 0);
    tile_store(DMD_SITE_HERE acc, rn, vn, d, ds);
}
#endif

/* ---- forward: one tile of logits (rows o, columns b) ---- */
RNN_INLINE void head_tile(int rn, int vn, int o0, int b0, int B, int H, const dmd_num *W_hy, const dmd_num *b_y,
                          const dmd_num *ht, dmd_num *lg)
{
    tile_t acc;
    for (int r = 0; r < rn; r++) {
        dmd_real by = LD(b_y, o0 + r);
        for (int v = 0; v < vn; v++) acc[r][v] = by;
    }
    tile_fma(DMD_SITE_HERE acc, rn, vn, W_hy + (size_t)o0 * H, H, 1, ht + b0, B, H, 0);
    tile_store(DMD_SITE_HERE acc, rn, vn, lg + (size_t)o0 * B + b0, B);
}

#ifdef RNN_PASSES
/* ---- backward, plain float64 vector clones: one tile (rows b, columns j)
 * of the products of dh_t, into memory ----
 *   out = 0 + dyk W_hy + a1 U1 + a2 U2, each term only if its operand is
 * given: dyk (B, O) and W_hy (O, H); a1, a2 rows of stride as, U1, U2
 * (nk, H) row-major, reduction k < nk.  Every chain in the priced tiles'
 * order (0, then the terms in this order, k ascending): the same bits.  The
 * vanilla dh (one term), the GRU's dh and rh passes (two terms, then one)
 * and the LSTM's dh (one term over 4H) run their elementwise work after it
 * over whole arrays. */
RNN_INLINE void dhT_prod_tile(int rn, int vn, int b0, int j0, int H, int O, const dmd_num *dyk, const dmd_num *W_hy,
                              ptrdiff_t as, int nk, const dmd_num *a1, const dmd_num *U1, const dmd_num *a2,
                              const dmd_num *U2, dmd_num *out)
{
    dmd_num *d = out + (size_t)b0 * H + j0;
    if (rn == TR && vn == TC) { /* full tile: the chains accumulate in out itself */
        /* the terms given, in order; two at a time in registers (rnn__vt_full2) */
        const dmd_num *tA[3], *tU[3];
        ptrdiff_t ts[3];
        int tk[3], n = 0;
        if (dyk) tA[n] = dyk + (size_t)b0 * O, ts[n] = O, tU[n] = W_hy + j0, tk[n++] = O;
        if (a1) tA[n] = a1 + (size_t)b0 * as, ts[n] = as, tU[n] = U1 + j0, tk[n++] = nk;
        if (a2) tA[n] = a2 + (size_t)b0 * as, ts[n] = as, tU[n] = U2 + j0, tk[n++] = nk;
        if (!n)
            for (int r = 0; r < rn; r++)
                for (int v = 0; v < vn; v++) d[(size_t)r * H + v] = 0;
        for (int s = 0; s < n; s += 2) {
            const dmd_num *ini = s ? d : NULL;
            if (s + 1 < n)
                rnn__vt_full2(d, H, ini, H, tA[s], ts[s], 1, tU[s], H, tk[s], tA[s + 1], ts[s + 1], 1, tU[s + 1], H, tk[s + 1]);
            else
                rnn__vt_full(d, H, ini, H, tA[s], ts[s], 1, tU[s], H, tk[s]);
        }
        return;
    }
    tile_t acc;
    tile_fill(acc, rn, vn, CONST(0));
    if (dyk) tile_fma(DMD_SITE_HERE acc, rn, vn, dyk + (size_t)b0 * O, O, 1, W_hy + j0, H, O, 1);
    if (a1) tile_fma(DMD_SITE_HERE acc, rn, vn, a1 + (size_t)b0 * as, as, 1, U1 + j0, H, nk, 1);
    if (a2) tile_fma(DMD_SITE_HERE acc, rn, vn, a2 + (size_t)b0 * as, as, 1, U2 + j0, H, nk, 1);
    tile_store(DMD_SITE_HERE acc, rn, vn, d, H);
}
#endif

/* ---- backward: one tile of dh_t / dz_t (rows b, columns j) ---- */
RNN_INLINE void dh_tile(int rn, int vn, int b0, int j0, int H, int O, int relu, const dmd_num *dyk,
                        const dmd_num *W_hy, const dmd_num *dzn, const dmd_num *W_hh, const dmd_num *hTt, dmd_num *dh,
                        dmd_num *dzt)
{
#ifdef RNN_PASSES /* the products only; dz_t: van_dz_pass */
    (void)relu, (void)hTt, (void)dzt;
    dhT_prod_tile(rn, vn, b0, j0, H, O, dyk, W_hy, H, H, dzn, W_hh, NULL, NULL, dh);
    return;
#endif
    tile_t acc;
    tile_fill(acc, rn, vn, CONST(0));
    if (dyk) tile_fma(DMD_SITE_HERE acc, rn, vn, dyk + (size_t)b0 * O, O, 1, W_hy + j0, H, O, 1);
    if (dzn) tile_fma(DMD_SITE_HERE acc, rn, vn, dzn + (size_t)b0 * H, H, 1, W_hh + j0, H, H, 1);
    for (int r = 0; r < rn; r++)
        for (int v = 0; v < vn; v++) {
            size_t e = (size_t)(b0 + r) * H + j0 + v;
            ST(dh, e, acc[r][v]);
            dmd_real hv = LD(hTt, e);
            ST(dzt, e, MUL(acc[r][v], relu ? DRELU(hv) : DTANH(hv)));
        }
}

/* ---- backward: after the tiles of dh_t (plain float64 vector clones) ----
 * dz_t = dh_t * phi'(h_t) over the whole (B, H) array, the MUL and DTANH
 * (DRELU) of dh_tile's loop, element by element.  A no-op in the other
 * builds, whose dh_tile does this per tile. */
RNN_INLINE void van_dz_pass(int relu, size_t n, const dmd_num *dh, const dmd_num *hTt, dmd_num *dzt)
{
#ifdef RNN_PASSES
    if (relu)
        for (size_t e = 0; e < n; e++) dzt[e] = MUL(dh[e], DRELU(hTt[e]));
    else
        for (size_t e = 0; e < n; e++) dzt[e] = MUL(dh[e], DTANH(hTt[e]));
#else
    (void)relu, (void)n, (void)dh, (void)hTt, (void)dzt;
#endif
}

/* ---- backward: one gradient tile G[r*grs + v] += sum_b FMA(...) ---- */
RNN_INLINE void grad_tile(DMD_SITE_PARAM int rn, int vn, dmd_num *G, ptrdiff_t grs, int first, const dmd_num *A, ptrdiff_t ars,
                          ptrdiff_t aks, const dmd_num *U, ptrdiff_t uks, int nk, int ufirst)
{
#ifdef RNN_VEC_TILE
    if (rn == TR && vn == TC) { /* plain full tile: the chains accumulate in G itself (same values) */
        rnn__vt_full(G, grs, first ? NULL : G, grs, A, ars, aks, U, uks, nk);
        return;
    }
#endif
    tile_t acc;
    tile_load(DMD_SITE_PASS acc, rn, vn, G, grs, first);
    tile_fma(DMD_SITE_PASS acc, rn, vn, A, ars, aks, U, uks, nk, ufirst);
    tile_store(DMD_SITE_PASS acc, rn, vn, G, grs);
}

/* Loop over the tiles of a rows x cols product (instrumented build: the
 * priced order; the plain build's RNN_TILES is in rnn_vtile.h).  Rows in
 * blocks of RT while at least RT remain, then single rows; within a row
 * block, columns in blocks of VT while at least VT remain, then at most one
 * block each of 8, 4, 2 and 1 columns (the binary digits of the remainder,
 * largest first).  BODY uses rn, vn, r0, c0. */
#ifdef DMD_INSTRUMENT
/* Instrumented: the same tiles in the same order, sizes at run time (speed
 * does not matter there, compile time and code size do). */
#define RNN__COLS(RN, cols, BODY)                                                                                  \
    for (int c0 = 0; c0 < (cols);) {                                                                               \
        int rem_ = (cols)-c0;                                                                                      \
        const int rn = RN;                                                                                         \
        const int vn = rem_ >= VT ? VT : rem_ >= 8 ? 8 : rem_ >= 4 ? 4 : rem_ >= 2 ? 2 : 1;                       \
        BODY;                                                                                                      \
        c0 += vn;                                                                                                  \
    }
#define RNN_TILES(rows, cols, BODY)                                                                                \
    for (int r0 = 0; r0 < (rows);) {                                                                               \
        if ((rows)-r0 >= TR) {                                                                                     \
            RNN__COLS(TR, cols, BODY);                                                                             \
            r0 += TR;                                                                                              \
        } else {                                                                                                   \
            RNN__COLS(1, cols, BODY);                                                                              \
            r0 += 1;                                                                                               \
        }                                                                                                          \
    }
#endif

/* The tiles of RNN_TILES in reverse (alt's walk: core/rnn_sched.c).
 * Instrumented: the priced order of the OPERATION ORDER (RNN_TILES_REV is
 * RNN_TILES's sequence reversed: rows in blocks of RT then single rows,
 * columns in blocks of VT then one each of 8, 4, 2, 1).  Plain builds: the
 * same walk with the clone's TR x TC tiles (any shape gives the same bits:
 * rnn_vtile.h), constant sizes per tile. */
#ifndef DMD_INSTRUMENT
#define RNN__COL_AT(RN, C0, VN, BODY)                                                                              \
    do {                                                                                                           \
        const int c0 = (C0);                                                                                       \
        if ((VN) == TC) {                                                                                          \
            const int rn = RN, vn = TC;                                                                            \
            BODY;                                                                                                  \
        } else if ((VN) == 8) {                                                                                    \
            const int rn = RN, vn = 8;                                                                             \
            BODY;                                                                                                  \
        } else if ((VN) == 4) {                                                                                    \
            const int rn = RN, vn = 4;                                                                             \
            BODY;                                                                                                  \
        } else if ((VN) == 2) {                                                                                    \
            const int rn = RN, vn = 2;                                                                             \
            BODY;                                                                                                  \
        } else {                                                                                                   \
            const int rn = RN, vn = 1;                                                                             \
            BODY;                                                                                                  \
        }                                                                                                          \
    } while (0)
#else
#define RNN__COL_AT(RN, C0, VN, BODY)                                                                              \
    do {                                                                                                           \
        const int c0 = (C0), rn = RN, vn = (VN);                                                                   \
        BODY;                                                                                                      \
    } while (0)
#endif
#define RNN__COLS_REV(RN, cols, BODY)                                                                              \
    do {                                                                                                           \
        const int full_ = (cols) / TC * TC, rem_ = (cols)-full_;                                                   \
        for (int w_ = 1; w_ < TC; w_ *= 2)                                                                         \
            if (rem_ & w_) RNN__COL_AT(RN, full_ + (rem_ & ~(2 * w_ - 1)), w_, BODY);                              \
        for (int b_ = full_ - TC; b_ >= 0; b_ -= TC) RNN__COL_AT(RN, b_, TC, BODY);                                \
    } while (0)
#define RNN_TILES_REV(rows, cols, BODY)                                                                            \
    do {                                                                                                           \
        const int nf_ = (rows) / TR * TR;                                                                          \
        for (int r0 = (rows)-1; r0 >= nf_; r0--) RNN__COLS_REV(1, cols, BODY);                                     \
        for (int r0 = nf_ - TR; r0 >= 0; r0 -= TR) RNN__COLS_REV(TR, cols, BODY);                                  \
    } while (0)
/* ---- the step's phases, shared with the other schedules of the vanilla
 * cell (core/rnn_sched.c includes this file with RNN_KERNEL_PARTS_ONLY, so
 * that the priced sites of these shared parts stay on this file's lines). */

/* Sizes and buffers of one step (names of the OPERATION ORDER). */
typedef struct {
    const rnn_model *m;
    int T, B, I, H, O, K, relu, regression;
    size_t P;
    dmd_num *Pb, *Gb, *Mb;
    dmd_num *W_ih, *W_hh, *b_h, *W_hy, *b_y, *dW_ih, *dW_hh, *db_h, *dW_hy, *db_y;
    dmd_num *x, *yt;  /* (T, I, B), (B, K) */
    const int *lab;   /* (B, K) */
    dmd_num *lg, *dy; /* (K, O, B) logits, (K, B, O) dL/dlogits */
} van_step;

RNN_INLINE void van_step_init(van_step *c, const rnn_model *m)
{
    c->m = m;
    c->T = m->cfg.T, c->B = m->cfg.batch, c->I = m->I, c->H = m->cfg.H, c->O = m->O, c->K = m->K;
    c->relu = m->cfg.activation == RNN_ACT_RELU, c->regression = m->y != NULL;
    c->P = m->P;
    c->Pb = (dmd_num *)m->params, c->Gb = (dmd_num *)m->grads, c->Mb = (dmd_num *)m->mom;
    c->W_ih = m->pv.van.W_ih, c->W_hh = m->pv.van.W_hh, c->b_h = m->pv.van.b_h;
    c->W_hy = m->pv.van.W_hy, c->b_y = m->pv.van.b_y;
    c->dW_ih = m->gv.van.W_ih, c->dW_hh = m->gv.van.W_hh, c->db_h = m->gv.van.b_h;
    c->dW_hy = m->gv.van.W_hy, c->db_y = m->gv.van.b_y;
    c->x = (dmd_num *)m->x, c->yt = (dmd_num *)m->y, c->lab = m->labels;
    c->lg = (dmd_num *)m->st.van.logits;
    c->dy = c->lg + (size_t)c->K * c->O * c->B;
}

/* Declarations (first step of a measurement) and the batch as input. */
RNN_INLINE void van_inputs(const van_step *c, const rnn_kargs *a)
{
    if (a->declare) rnn_declare_state(c->m); /* regions and inputs from the cell table (rnn_hooks.h) */
    if (c->yt) DMD_INPUT(c->yt, (size_t)c->B * c->K);
    DMD_INPUT(c->x, (size_t)c->T * c->I * c->B);
}

/* The h_t tiles of step t (fwd_tile's arguments; rev: walked in reverse),
 * then the activation (ht: h_t, (H, B)). */
RNN_INLINE void van_forward_step(const van_step *c, int t, const dmd_num *hprev, dmd_num *ht, dmd_num *hc, dmd_num *hTt,
                                 int rev)
{
    const int B = c->B, I = c->I, H = c->H;
    const dmd_num *xt = c->x + (size_t)(t - 1) * I * B;
    if (rev)
        RNN_TILES_REV(H, B, fwd_tile(rn, vn, r0, c0, B, I, H, c->relu, c->W_ih, c->W_hh, c->b_h, xt, hprev, ht, hc, hTt));
    else
        RNN_TILES(H, B, fwd_tile(rn, vn, r0, c0, B, I, H, c->relu, c->W_ih, c->W_hh, c->b_h, xt, hprev, ht, hc, hTt));
    van_fwd_finish(c->relu, H, B, ht, hc, hTt);
}
#ifdef RNN_PASSES
/* The bptt kernel's step t in the (B, H) layout (plain float64 vector
 * clones): h_t straight into hTt from hTp = h_{t-1} (B, H) or NULL (t = 1),
 * activated in place; the ring slot ht (H, B) is filled (transposed) only
 * at a target step, for the head, the one reader of the ring here. */
RNN_INLINE void van_bh_finish(const van_step *c, int t, dmd_num *hTt, dmd_num *ht)
{
    const int B = c->B, H = c->H;
    const size_t n = (size_t)H * B;
    if (c->relu)
        for (size_t e = 0; e < n; e++) hTt[e] = RELU(hTt[e]);
    else
        rnn_tanh_arr(hTt, n);
    if (t >= c->T - c->K + 1) rnn_vtranspose(hTt, B, H, H, ht, B);
}
RNN_INLINE void van_forward_bh(const van_step *c, int t, const dmd_num *WT, const dmd_num *hTp, dmd_num *hTt, dmd_num *ht,
                               int rev)
{
    const int B = c->B, I = c->I, H = c->H;
    const dmd_num *xt = c->x + (size_t)(t - 1) * I * B;
    if (rev)
        RNN_TILES_REV(B, H, fwdT_tile(rn, vn, r0, c0, B, I, H, c->W_ih, WT, c->b_h, xt, hTp, hTt, H));
    else
        RNN_TILES(B, H, fwdT_tile(rn, vn, r0, c0, B, I, H, c->W_ih, WT, c->b_h, xt, hTp, hTt, H));
    van_bh_finish(c, t, hTt, ht);
}
#endif
RNN_INLINE void van_head_step(const van_step *c, int t, const dmd_num *ht)
{
    const int B = c->B, H = c->H, O = c->O, k = t - (c->T - c->K + 1);
    if (k < 0) return;
    dmd_num *lgk = c->lg + (size_t)k * O * B;
    RNN_TILES(O, B, head_tile(rn, vn, r0, c0, B, H, c->W_hy, c->b_y, ht, lgk));
}

/* Phase "forward"'s steps and heads, t = 1..T, in bptt's order (also the
 * forward of the schedules whose OPERATION ORDER says "forward: as bptt";
 * rev_odd: alt's, the h_t tiles of every odd t walked in reverse).
 * hs: the ring (2, H, B), hT: (T, B, H).  The plain float64 vector clones
 * run it in the (B, H) layout from W_hh packed transposed into m->wT
 * (rnn_schedule.wT); the ring then holds h_t only at target steps (the
 * bits do not depend on the walk). */
RNN_INLINE void van_forward(const van_step *c, dmd_num *hs, dmd_num *hT, int rev_odd)
{
    const int T = c->T, B = c->B, H = c->H;
#ifdef RNN_PASSES
    dmd_num *WT = (dmd_num *)c->m->wT; /* W_hh packed transposed, for van_forward_bh */
    rnn_vtranspose(c->W_hh, H, H, H, WT, H);
#endif
    for (int t = 1; t <= T; t++) {
        dmd_num *ht = hs + (size_t)(t & 1) * H * B, *hTt = hT + (size_t)(t - 1) * B * H;
#ifdef RNN_PASSES
        van_forward_bh(c, t, WT, t >= 2 ? hTt - (size_t)B * H : NULL, hTt, ht, rev_odd && (t & 1));
#else
        van_forward_step(c, t, t >= 2 ? hs + (size_t)((t - 1) & 1) * H * B : NULL, ht, NULL, hTt, rev_odd && (t & 1));
#endif
        van_head_step(c, t, ht);
    }
}

/* The loss over the K target steps and dL/dlogits (after step T). */
RNN_INLINE void van_loss(const van_step *c, rnn_kout *out)
{
    const int B = c->B, O = c->O, K = c->K;
    const dmd_num *yt = c->yt;
    const dmd_num inv = (dmd_num)(1.0 / ((double)B * K));
    dmd_real L = CONST(0);
    for (int k = 0; k < K; k++)
        for (int b = 0; b < B; b++) {
            const dmd_num *lgk = c->lg + (size_t)k * O * B;
            dmd_num *dyb = c->dy + ((size_t)k * B + b) * O;
            if (c->regression) {
                dmd_real d = SUB(LD(lgk, b), LD(yt, (size_t)b * K + k));
                ST(dyb, 0, MUL(d, CONST(inv)));
                L = FMA(d, d, L);
            } else {
                int label = c->lab[(size_t)b * K + k];
                dmd_real m = LD(lgk, b);
                for (int o = 1; o < O; o++) m = MAX(m, LD(lgk, (size_t)o * B + b));
                dmd_real e[O], S = CONST(0);
                for (int o = 0; o < O; o++) {
                    e[o] = EXP(SUB(LD(lgk, (size_t)o * B + b), m));
                    S = o ? ADD(S, e[o]) : e[o];
                }
                L = ADD(L, SUB(ADD(LOG(S), m), LD(lgk, (size_t)label * B + b)));
                for (int o = 0; o < O; o++) {
                    dmd_real p = DIV(e[o], S);
                    if (o == label) p = SUB(p, CONST(1));
                    ST(dyb, o, MUL(p, CONST(inv)));
                }
            }
        }
    L = c->regression ? MUL(L, CONST((dmd_num)(0.5 / ((double)B * K)))) : MUL(L, CONST(inv));
    out->loss = (double)VAL(L);
    out->grad_norm = 0;
    out->clipped = 0;
}

/* dL/dlogits of step t, or NULL if t is not a target step. */
RNN_INLINE const dmd_num *van_dy(const van_step *c, int t)
{
    const int k = t - (c->T - c->K + 1);
    return k >= 0 ? c->dy + (size_t)k * c->B * c->O : NULL;
}

/* Head gradients of target step t (first: t == T); hTt = h_t (B, H). */
RNN_INLINE void van_head_grads(const van_step *c, int t, int first, const dmd_num *hTt)
{
    const int B = c->B, H = c->H, O = c->O;
    const dmd_num *dyk = van_dy(c, t);
    if (!dyk) return;
    RNN_TILES(O, H, grad_tile(DMD_SITE_HERE rn, vn, c->dW_hy + (size_t)r0 * H + c0, H, first, dyk + r0, 1, O, hTt + c0, H, B, 0));
    for (int o = 0; o < O; o++) {
        dmd_real acc = first ? CONST(0) : LD(c->db_y, o);
        for (int b = 0; b < B; b++) acc = ADD(acc, LD(dyk, (size_t)b * O + o));
        ST(c->db_y, o, acc);
    }
}

/* The unpriced diagnostic ||dh_t||^2 (plain C, when asked for). */
RNN_INLINE void van_dh_diag(const van_step *c, const rnn_kargs *a, int t)
{
    const dmd_num *dh = (const dmd_num *)c->m->st.van.dh;
    if (!a->dh_norm2) return;
    double s = 0;
    for (size_t e = 0; e < (size_t)c->B * c->H; e++) s += (double)dh[e] * (double)dh[e];
    a->dh_norm2[t - 1] = s;
}

/* The dh_t / dz_t tiles of step t (dzn = dz_{t+1} or NULL at t = T), and
 * the diagnostic.  dzT: NULL, or (plain float64 vector clones) where to
 * pack dz_t transposed (H, B) for van_step_grads as well; then db_h is
 * accumulated here too, in van_step_grads' order. */
RNN_INLINE void van_dh_step(const van_step *c, const rnn_kargs *a, int t, const dmd_num *dzn, const dmd_num *hTt,
                            dmd_num *dzt, dmd_num *dzT)
{
    const int B = c->B, H = c->H, O = c->O;
    dmd_num *dh = (dmd_num *)c->m->st.van.dh;
    const dmd_num *dyk = van_dy(c, t);
    RNN_TILES(B, H, dh_tile(rn, vn, r0, c0, H, O, c->relu, dyk, c->W_hy, dzn, c->W_hh, hTt, dh, dzt));
#ifdef RNN_PASSES
    if (dzT) /* dz_t, dz_t packed (H, B) for van_step_grads, and db_h, in one pass */
        rnn_vdz_pack(c->relu, dh, hTt, B, H, dzt, dzT, c->db_h, t == c->T);
    else
#endif
        van_dz_pass(c->relu, (size_t)B * H, dh, hTt, dzt);
    (void)dzT;
    van_dh_diag(c, a, t);
}

/* The in-loop weight gradients of step t: dW_hh (if hTp = h_{t-1} (B, H)
 * is not NULL), dW_ih, db_h (first: t == T).  dzT: dz_t packed (H, B) by
 * van_dh_step (which took db_h: plain float64 vector clones), or NULL. */
RNN_INLINE void van_step_grads(const van_step *c, int t, int first, const dmd_num *dzt, const dmd_num *hTp,
                               const dmd_num *dzT)
{
    const int B = c->B, I = c->I, H = c->H;
#ifdef RNN_PASSES
    const int db_done = dzT != NULL; /* db_h was accumulated by van_dh_step's rnn_vdz_pack */
#else
    const int db_done = 0;
#endif
    (void)dzT;
    if (hTp) {
        const dmd_num *dzA = dzt; /* the broadcast operand: dz_t, (B, H): element (i, b) at b*H + i */
        ptrdiff_t ars = 1, aks = H;
#ifdef RNN_PASSES
        if (!dzT) { /* not packed by van_dh_step: pack it into dh, free after the dh step */
            dmd_num *pk = (dmd_num *)c->m->st.van.dh;
            rnn_vtranspose(dzt, B, H, H, pk, B);
            dzT = pk;
        }
        dzA = dzT, ars = B, aks = 1; /* dz_t packed (H, B) */
#endif
        RNN_TILES(H, H, grad_tile(DMD_SITE_HERE rn, vn, c->dW_hh + (size_t)r0 * H + c0, H, first, dzA + (size_t)r0 * ars, ars, aks, hTp + c0, H, B, 0));
    }
    const dmd_num *xt = c->x + (size_t)(t - 1) * I * B;
    RNN_TILES(I, H, grad_tile(DMD_SITE_HERE rn, vn, c->dW_ih + (size_t)r0 * H + c0, H, first, xt + (size_t)r0 * B, B, 1, dzt + c0, H, B, 1));
    for (int i0 = 0; i0 < H && !db_done; i0 += VT) {
        int vn = H - i0 < VT ? H - i0 : VT;
        dmd_real acc[VT];
        for (int v = 0; v < vn; v++) acc[v] = first ? CONST(0) : LD(c->db_h, i0 + v);
        for (int b = 0; b < B; b++)
            for (int v = 0; v < vn; v++) acc[v] = ADD(acc[v], LD(dzt, (size_t)b * H + i0 + v));
        for (int v = 0; v < vn; v++) ST(c->db_h, i0 + v, acc[v]);
    }
}

/* Phase "update": global-norm clipping and the momentum step. */
RNN_INLINE void van_update(const van_step *c, const rnn_kargs *a, rnn_kout *out)
{
    const size_t P = c->P;
    dmd_num *Gb = c->Gb, *Mb = c->Mb, *Pb = c->Pb;
    dmd_real g0 = LD(Gb, 0);
    dmd_real n2 = MUL(g0, g0);
    for (size_t e = 1; e < P; e++) {
        dmd_real g = LD(Gb, e);
        n2 = FMA(g, g, n2);
    }
    dmd_real gnorm = SQRT(n2);
    out->grad_norm = (double)VAL(gnorm);
    int clipped = c->m->cfg.clip > 0 && GT(gnorm, CONST(c->m->cfg.clip));
    dmd_real s = CONST(1);
    if (clipped) s = DIV(CONST(c->m->cfg.clip), gnorm);
    out->clipped = clipped;
    const dmd_num lr = (dmd_num)a->lr, mu = (dmd_num)a->mu;
    if (c->m->cfg.nesterov) {
        for (size_t e = 0; e < P; e++) {
            dmd_real g = LD(Gb, e);
            if (clipped) g = MUL(g, s);
            dmd_real v = SUB(MUL(CONST(mu), LD(Mb, e)), MUL(CONST(lr), g));
            ST(Mb, e, v);
            ST(Pb, e, ADD(LD(Pb, e), SUB(MUL(CONST(mu), v), MUL(CONST(lr), g))));
        }
    } else {
        for (size_t e = 0; e < P; e++) {
            dmd_real g = LD(Gb, e);
            if (clipped) g = MUL(g, s);
            dmd_real v = SUB(MUL(CONST(mu), LD(Mb, e)), MUL(CONST(lr), g));
            ST(Mb, e, v);
            ST(Pb, e, ADD(LD(Pb, e), v));
        }
    }
}

#ifndef RNN_KERNEL_PARTS_ONLY
void RNN_SFX(rnn_kernel)(const rnn_kargs *a, rnn_kout *out)
{
    van_step c;
    van_step_init(&c, a->m);
    const int T = c.T, B = c.B, H = c.H;
    dmd_num *hs = (dmd_num *)a->m->st.van.h;     /* (2, H, B): h_t in slot t&1 */
    dmd_num *hT = hs + (size_t)2 * H * B;        /* (T, B, H) */
    dmd_num *dz = (dmd_num *)a->m->st.van.dz;    /* (2, B, H) */
    van_inputs(&c, a);

    /* ================= forward ================= */
    DMD_PHASE_BEGIN("forward");
    van_forward(&c, hs, hT, 0);
    van_loss(&c, out);
    DMD_PHASE_END("forward");
    if (!a->backward) return;

    /* ================= backward ================= */
    DMD_PHASE_BEGIN("backward");
    for (int t = T; t >= 1; t--) {
        const int first = t == T;
        const dmd_num *hTt = hT + (size_t)(t - 1) * B * H;
        dmd_num *dzt = dz + (size_t)(t & 1) * B * H;
        van_head_grads(&c, t, first, hTt);
        dmd_num *dzT = NULL;
#ifdef RNN_PASSES
        if (t >= 2) dzT = dz + (size_t)((t + 1) & 1) * B * H; /* dz_t packed into the other slot (dz_{t+1}, read by then) */
#endif
        van_dh_step(&c, a, t, t < T ? dz + (size_t)((t + 1) & 1) * B * H : NULL, hTt, dzt, dzT);
        van_step_grads(&c, t, first, dzt, t >= 2 ? hT + (size_t)(t - 2) * B * H : NULL, dzT);
    }
    if (T == 1)
        for (size_t e = 0; e < (size_t)H * H; e++) ST(c.dW_hh, e, CONST(0));
    DMD_PHASE_END("backward");
    if (!a->update) return;

    /* ================= update ================= */
    DMD_PHASE_BEGIN("update");
    van_update(&c, a, out);
    DMD_PHASE_END("update");
}

/* Instrumented builds: the updated parameters and momentum are the outputs of
 * a measurement (called once, after its last step). */
#ifdef DMD_INSTRUMENT
void RNN_SFX(rnn_kernel_outputs)(const rnn_model *m) { rnn_declare_outputs(m); }
#endif
#endif /* RNN_KERNEL_PARTS_ONLY */
