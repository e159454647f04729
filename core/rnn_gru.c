/*
 * rnn_gru.c -- the training step of the GRU cell: forward over T steps,
 * output head, loss, backpropagation through time, global gradient-norm
 * clipping, momentum update.  The gated recurrent unit of Cho, van
 * Merrienboer, Gulcehre, Bahdanau, Bougares, Schwenk & Bengio (2014),
 * "Learning Phrase Representations using RNN Encoder-Decoder for
 * Statistical Machine Translation", EMNLP, with the reset gate applied to
 * h_{t-1} BEFORE the recurrent matrix of the candidate (as in the paper; not
 * PyTorch's variant, which applies it after W_hn):
 *
 *   r_t = sigma(W_ir x_t + W_hr h_{t-1} + b_r)           reset gate
 *   z_t = sigma(W_iz x_t + W_hz h_{t-1} + b_z)           update gate
 *   n_t = tanh (W_in x_t + W_hn (r_t * h_{t-1}) + b_n)   candidate
 *   h_t = (1 - z_t) * n_t + z_t * h_{t-1}, computed as n_t + z_t (h_{t-1} - n_t)
 *   h_0 = 0;  y_t = W_hy h_t + b_y (the vanilla cell's head and losses)
 *
 * Biases 0 at init.  Written once through the dmd.h hooks and compiled like
 * rnn_kernel.c (core/model.cmake): rnn_gru_f64_<isa> / rnn_gru_f32_<isa>
 * plain per instruction-set clone (rnn_gru_f64 / _f32 dispatch,
 * core/rnn_sched_isa.c), rnn_gru_f64_dmd / rnn_gru_f32_dmd instrumented.
 * All of them compute the same bits (the rules of rnn_kernel.c: every
 * operation a hook, FMA rounds once, -ffp-contract=off, tanh is rnn_tanh_d
 * in every build).  The tiles, the head, the loss, the head gradients and
 * the update are rnn_kernel.c's (included with RNN_KERNEL_PARTS_ONLY; their
 * priced sites stay on rnn_kernel.c's lines).
 *
 * Sizes: T steps, B batch, I inputs, H hidden, O outputs, K target steps.
 * Timesteps t = 1..T; h_0 = 0 is not stored and terms with it are skipped:
 * at t = 1 the reset gate has no effect (r_1 * h_0 = 0), so step 1 has no r
 * pass, no W_h* product and no r gradient.  Gates g = 0, 1, 2 are r, z, n in
 * this order everywhere.
 *
 * ---------------------------------------------------------------------------
 * OPERATION ORDER (normative: an independent re-implementation must be able
 * to re-derive every hook event from this block).
 *
 * Conventions (as rnn_kernel.c and rnn_lstm.c).
 *   FMA(a, b, c) reads a, b, c in that order.  CONST(...) values are
 *   constants (free): 0, 0.5, 1, lr, mu, clip, 1/(B*K), 0.5/(B*K).  "acc"
 *   are register values (never stored) until the ST named.  An operation
 *   reads only its non-constant operands; one whose operands are all
 *   constants makes no event.  Nested operations are recorded in the order
 *   written, operands left to right: MUL(MUL(a, b), DSIG(s)) is MUL(a, b),
 *   then DSIG's SUB and MUL, then the outer MUL.
 *   SIG(z) is three instructions: q = MUL(CONST(0.5), z); s = TANH(q);
 *     SIG = FMA(CONST(0.5), s, CONST(0.5))   (sigma(z) = 0.5 tanh(z/2) + 0.5)
 *   DSIG(s) is two: d = SUB(CONST(1), s); DSIG = MUL(s, d)   (= s (1 - s))
 *   DTANH(y) is one instruction reading y (= 1 - y*y).
 *
 * Parameter buffer, in order (each its own region, name = the tensor):
 *   W_ir W_iz W_in  (I, H) each, stored transposed: W_iz[j*H + i]
 *   W_hr W_hz W_hn  (H, H) each, row-major: W_hz[i*H + j]
 *   b_r b_z b_n     (H) each
 *   W_hy (O, H) row-major, b_y (O).
 *   dNAME / v_NAME: the same layout in the gradient / momentum buffers.
 *
 * The tile (as rnn_kernel.c): a matrix product runs over tiles of rn
 * broadcast rows by vn vector columns.  Rows: blocks of RT = 4 while at
 * least 4 remain, then single rows.  Within each row block, columns: blocks
 * of VT = 16 while at least 16 remain, then at most one block each of 8, 4,
 * 2, 1 (largest first).  Tiles: row blocks outer, column blocks inner,
 * ascending.  Inside a tile, over the reduction index k ascending:
 *     for r < rn: a_r = LD(A, row r, k)            (broadcast operand)
 *     for v < vn: u = LD(U, k, column v)           (vector operand)
 *                 for r < rn: acc[r][v] = FMA(a_r, u, acc[r][v])   ("a first")
 *                                      or FMA(u, a_r, acc[r][v])   ("u first")
 *   "for r: for v" below runs over the tile's elements, r outer.
 *
 * Instrumented declarations (declare != 0, once per measurement): regions,
 *   per tensor in buffer order NAME, dNAME, v_NAME; then x (the batch, then
 *   the regression targets y); then h, r, z, n, rh, dh, da, logits (sizes
 *   below); then DMD_INPUT(momentum buffer, P), DMD_INPUT(parameter buffer,
 *   P).  At EVERY step: DMD_INPUT(y, B*K) (regression only), then
 *   DMD_INPUT(x, T*I*B).
 * Workspace regions:
 *   h       (2, H, B) ring h[t&1] (batch innermost), then hT (T, B, H):
 *           hT[t-1][b][i] at 2*H*B + ((t-1)*B + b)*H + i
 *   r, z, n (T, B, H) each: gate of step t at ((t-1)*B + b)*H + i
 *           (r of step 1 is never written)
 *   rh      (H, B) r_t * h_{t-1} of the current step at i*B + b, then rhT
 *           (T, B, H) at H*B + ((t-1)*B + b)*H + i
 *   dh      (B, H): dL/dh_t, then (second pass) the carry into dL/dh_{t-1}
 *   da      (2, 3, B, H): da_t in buffer t&1, gate g at
 *           (t&1)*3*B*H + g*B*H + b*H + j  (dL/d pre-activation of r, z, n)
 *   logits  (K, O, B) logits, then (K, B, O) dL/dlogits ("dlogits")
 *   (te = ((t-1)*B + b)*H + i: the element (i, b) of step t in (T, B, H);
 *    hp = h_{t-1}.)
 *
 * Phase "forward", for t = 1..T (x_t = x[t-1] (I, B); prev = ((t-1)&1)*H*B):
 *   pass r (only if t >= 2): tiles rows i (hidden, RT), columns b (batch, VT):
 *     for r: br = LD(b_r, i); for v: acc[r][v] = br
 *     reduction j < I (a first): a = LD(W_ir, j*H + i), u = LD(x, ((t-1)*I + j)*B + b)
 *     reduction j < H (a first): a = LD(W_hr, i*H + j), u = LD(h, prev + j*B + b)
 *     for r: for v: hp = LD(h, prev + i*B + b)
 *     for r: for v: rg = SIG(acc); rh = MUL(rg, hp)
 *     for r: for v: ST(rh, i*B + b, rh)
 *     for v: for r: ST(r, te, rg), ST(rh, H*B + te, rh)
 *   pass z: tiles rows i (RT), columns b (VT):
 *     for r: bz = LD(b_z, i); for v: acc = bz
 *     reduction j < I (a first): a = LD(W_iz, j*H + i), u = LD(x, ((t-1)*I + j)*B + b)
 *     if t >= 2, reduction j < H (a first): a = LD(W_hz, i*H + j), u = LD(h, prev + j*B + b)
 *     for r: for v: zg = SIG(acc)
 *     for v: for r: ST(z, te, zg)
 *   pass n: tiles rows i (RT), columns b (VT):
 *     for r: bn = LD(b_n, i); for v: acc = bn
 *     reduction j < I (a first): a = LD(W_in, j*H + i), u = LD(x, ((t-1)*I + j)*B + b)
 *     if t >= 2, reduction j < H (a first): a = LD(W_hn, i*H + j), u = LD(rh, j*B + b)
 *     for r: for v: zg = LD(z, te)
 *     if t >= 2: for r: for v: hp = LD(h, prev + i*B + b)    (t = 1: hp = CONST(0))
 *     for r: for v: ng = TANH(acc); ht = FMA(zg, SUB(hp, ng), ng)
 *     for r: for v: ST(h, (t&1)*H*B + i*B + b, ht)
 *     for v: for r: ST(n, te, ng), ST(h, 2*H*B + te, ht)
 *   then, if t is a target step (k = t-(T-K+1) >= 0), the head of step t:
 *   tiles rows o (RT), columns b (VT):
 *     for r: by = LD(b_y, o); for v: acc = by
 *     reduction j < H (a first): a = LD(W_hy, o*H + j), u = LD(h, (t&1)*H*B + j*B + b)
 *     for r: for v: ST(logits, (k*O + o)*B + b, acc)
 *   after step T, the loss, for k = 0..K-1, b = 0..B-1 (L = CONST(0) first):
 *     regression: d = SUB(LD(logits, k*B + b), LD(y, b*K + k));
 *                 ST(dlogits, (k*B + b)*O, MUL(d, CONST(1/(B*K)))); L = FMA(d, d, L)
 *     classes:    m = LD(logits, (k*O)*B + b); for o = 1..O-1: m = MAX(m, LD(logits, (k*O + o)*B + b))
 *                 for o: e_o = EXP(SUB(LD(logits, (k*O + o)*B + b), m)); S = e_0, then S = ADD(S, e_o)
 *                 L = ADD(L, SUB(ADD(LOG(S), m), LD(logits, (k*O + label)*B + b)))
 *                 for o: p = DIV(e_o, S); if o == label: p = SUB(p, CONST(1));
 *                        ST(dlogits, (k*B + b)*O + o, MUL(p, CONST(1/(B*K))))
 *     loss = MUL(L, CONST(0.5/(B*K))) (regression) or MUL(L, CONST(1/(B*K))).
 *
 * Phase "backward", for t = T..1 (k = t-(T-K+1); first = (t == T);
 * D = (t&1)*3*B*H, the buffer of da_t; N = ((t+1)&1)*3*B*H, da_{t+1}'s;
 * in the tiles below e = b*H + j, te = ((t-1)*B + b)*H + j):
 *   if k >= 0 (target step), head gradients:
 *     dW_hy tiles rows o (RT), columns j (VT), reduction b < B (a first):
 *       acc = first ? CONST(0) : LD(dW_hy, o*H + j)
 *       a = LD(dlogits, (k*B + b)*O + o), u = LD(hT, ((t-1)*B + b)*H + j);
 *       then ST(dW_hy, o*H + j, acc)
 *     db_y, for o: acc = first ? CONST(0) : LD(db_y, o);
 *       for b: acc = ADD(acc, LD(dlogits, (k*B + b)*O + o)); ST(db_y, o, acc)
 *   dh_t, da_t of z and n: tiles rows b (RT), columns j (VT):
 *     acc = CONST(0)
 *     if k >= 0, reduction o < O (u first): a = LD(dlogits, (k*B + b)*O + o),
 *       u = LD(W_hy, o*H + j)
 *     if t < T, reduction n < H (u first): a = LD(da, N + b*H + n), u = LD(W_hr, n*H + j)
 *     if t < T, reduction n < H (u first): a = LD(da, N + B*H + b*H + n), u = LD(W_hz, n*H + j)
 *     if t < T: for r: for v: cr = LD(dh, e); acc = ADD(acc, cr)
 *     for r: for v: ST(dh, e, acc)
 *     for r: for v: zg = LD(z, te)
 *     for r: for v: ng = LD(n, te)
 *     if t >= 2: for r: for v: hp = LD(hT, te - B*H)           (t = 1: hp = CONST(0))
 *     for r: for v:
 *       daz = MUL(MUL(acc, SUB(hp, ng)), DSIG(zg))
 *       dan = MUL(MUL(acc, SUB(CONST(1), zg)), DTANH(ng))
 *     for r: for v: ST(da, D + B*H + e, daz)
 *     for r: for v: ST(da, D + 2*B*H + e, dan)
 *   if t >= 2, the second pass, da_t of r and the carry: tiles rows b (RT),
 *   columns j (VT):
 *     acc = CONST(0)
 *     reduction n < H (u first): a = LD(da, D + 2*B*H + b*H + n), u = LD(W_hn, n*H + j)
 *     for r: for v: rg = LD(r, te)
 *     for r: for v: hp = LD(hT, te - B*H)
 *     for r: for v: dhv = LD(dh, e)
 *     for r: for v: zg = LD(z, te)
 *     for r: for v:
 *       dar = MUL(MUL(acc, hp), DSIG(rg))
 *       cr = FMA(acc, rg, MUL(dhv, zg))
 *     for r: for v: ST(da, D + e, dar)
 *     for r: for v: ST(dh, e, cr)
 *   the weight gradients of step t; each "tiles rows R, columns C, reduction
 *   b < B" computes acc = first ? CONST(0) : LD(dW, row*C + col), the tile
 *   product, then ST(dW, row*C + col, acc):
 *     if t >= 2: for (dW, g, U) = (dW_hr, 0, hT_{t-1}), (dW_hz, 1, hT_{t-1}),
 *       (dW_hn, 2, rhT_t): tiles rows i (H, RT), columns j (H, VT), a first:
 *       a = LD(da, D + g*B*H + b*H + i), u = hT_{t-1}: LD(hT, ((t-2)*B + b)*H + j)
 *                                        rhT_t:    LD(rh, H*B + ((t-1)*B + b)*H + j)
 *     for g = r (only if t >= 2), z, n: dW_ig tiles rows j (input, RT),
 *       columns i (hidden, VT), u first:
 *       a = LD(x, ((t-1)*I + j)*B + b), u = LD(da, D + g*B*H + b*H + i)
 *     for g = r (only if t >= 2), z, n: db_g, columns i < H in blocks of VT
 *       (the last one shorter): acc = first ? CONST(0) : LD(db_g, i);
 *       for b: for v: acc = ADD(acc, LD(da, D + g*B*H + b*H + i)); ST(db_g, i, acc)
 *   (T == 1: after the loop, the gradients never accumulated are zeroed:
 *   ST(dW_ir, e, CONST(0)) for e < I*H, then the same for dW_hr, dW_hz,
 *   dW_hn (H*H each, in this order), then db_r (H).)
 *
 * Phase "update" (e = 0..P-1 over the flat buffers), as rnn_kernel.c:
 *   n2 = MUL(LD(G, 0), LD(G, 0)); then for e >= 1: n2 = FMA(g_e, g_e, n2)
 *     (g_e = LD(G, e), loaded once and read twice);  gn = SQRT(n2)
 *   clipped = clip > 0 && GT(gn, CONST(clip)); if clipped: s = DIV(CONST(clip), gn)
 *   for e: g = LD(G, e); if clipped: g = MUL(g, s)
 *          v = SUB(MUL(CONST(mu), LD(M, e)), MUL(CONST(lr), g)); ST(M, e, v)
 *          heavy ball: p = ADD(LD(P, e), v)
 *          Nesterov:   p = ADD(LD(P, e), SUB(MUL(CONST(mu), v), MUL(CONST(lr), g)))
 *          ST(P, e, p)
 * (Regions of values: a value belongs to the region of the first slot it is
 * stored into, "temp" if never stored.  Under the classic model a read made
 * before that first store is charged to "temp" (dmd_engine.c, Notes): here
 * the forward's reads of rg (by the MUL of rh, pass r) and of ng (by the SUB
 * and the FMA of ht, pass n), which precede their stores.)
 * ---------------------------------------------------------------------------
 * The diagnostic dh_norm2 (when requested) sums the squares of the stored dh
 * numbers (dL/dh_t, before the second pass) in plain C; it is not priced.
 */
#include <stddef.h>

#define RNN_KERNEL_PARTS_ONLY
#include "rnn_kernel.c"

#include "rnn_gates.h" /* SIGM, DSIGM (SIG and DSIG of the block) */

/* Sizes and buffers of one GRU step (names of the OPERATION ORDER). */
typedef struct {
    van_step v; /* the head, loss, head gradients and update use the vanilla parts */
    dmd_num *W_i[3], *W_h[3], *bias[3], *dW_i[3], *dW_h[3], *db[3]; /* per gate r, z, n */
    dmd_num *hs, *hT, *r, *z, *n, *rh, *rhT, *dh, *da;
} gru_step;

RNN_INLINE void gru_step_init(gru_step *L, const rnn_model *m)
{
    van_step *c = &L->v;
    c->m = m;
    c->T = m->cfg.T, c->B = m->cfg.batch, c->I = m->I, c->H = m->cfg.H, c->O = m->O, c->K = m->K;
    c->relu = 0, c->regression = m->y != NULL;
    c->P = m->P;
    c->Pb = (dmd_num *)m->params, c->Gb = (dmd_num *)m->grads, c->Mb = (dmd_num *)m->mom;
    c->W_ih = c->W_hh = c->b_h = c->dW_ih = c->dW_hh = c->db_h = NULL;
    c->W_hy = m->pv.gru.W_hy, c->b_y = m->pv.gru.b_y;
    c->dW_hy = m->gv.gru.W_hy, c->db_y = m->gv.gru.b_y;
    c->x = (dmd_num *)m->x, c->yt = (dmd_num *)m->y, c->lab = m->labels;
    c->lg = (dmd_num *)m->st.gru.logits;
    c->dy = c->lg + (size_t)c->K * c->O * c->B;
    for (int g = 0; g < 3; g++) {
        L->W_i[g] = m->pv.t[RNN_GRU_W_IR + g], L->W_h[g] = m->pv.t[RNN_GRU_W_HR + g];
        L->bias[g] = m->pv.t[RNN_GRU_B_R + g];
        L->dW_i[g] = m->gv.t[RNN_GRU_W_IR + g], L->dW_h[g] = m->gv.t[RNN_GRU_W_HR + g];
        L->db[g] = m->gv.t[RNN_GRU_B_R + g];
    }
    L->hs = (dmd_num *)m->st.gru.h;
    L->hT = L->hs + (size_t)2 * c->H * c->B;
    L->r = (dmd_num *)m->st.gru.r;
    L->z = (dmd_num *)m->st.gru.z;
    L->n = (dmd_num *)m->st.gru.n;
    L->rh = (dmd_num *)m->st.gru.rh;
    L->rhT = L->rh + (size_t)c->H * c->B;
    L->dh = (dmd_num *)m->st.gru.dh;
    L->da = (dmd_num *)m->st.gru.da;
}

/* acc = bias of gate g, then the x_t product, then (if hv) the product of
 * W_h[g] with hv (H, B): the start of every forward pass tile. */
RNN_INLINE void gru_pre_tile(tile_t acc, int rn, int vn, int i0, int b0, const gru_step *L, int g, const dmd_num *xt,
                             const dmd_num *hv)
{
    const int B = L->v.B, I = L->v.I, H = L->v.H;
    for (int r = 0; r < rn; r++) {
        dmd_real bv = LD(L->bias[g], i0 + r);
        for (int v = 0; v < vn; v++) acc[r][v] = bv;
    }
    tile_fma(DMD_SITE_HERE acc, rn, vn, L->W_i[g] + i0, 1, H, xt + b0, B, I, 0);
    if (hv) tile_fma(DMD_SITE_HERE acc, rn, vn, L->W_h[g] + (size_t)i0 * H, H, 1, hv + b0, B, H, 0);
}

#ifdef RNN_PASSES
/* ---- forward, plain float64 vector clones (rnn_kernel.c "Plain-build
 * passes"): every gate of step t in the (B, H) layout of the backward's
 * arrays, as the vanilla bptt forward (fwdT_tile: rows b, columns i; W_hr,
 * W_hz, W_hn packed transposed once per call into m->wT, (3, H, H)).  The
 * tiles store gate g's pre-activations straight into r, z, n of step t,
 * the gates are applied there as whole arrays, r_t * h_{t-1} goes into
 * rhT, h_t into hT, and the ring slot (H, B) is filled (transposed) only at
 * a target step, for the head, its one reader here.  Each element gets the
 * operations of the tiles below, in their order (its chain: the bias, the
 * x_t product, the W_h product over j ascending; SIGM: the halving, the
 * tanh, the FMA): the same bits, and no per-step transposes. ---- */
RNN_INLINE void gru_sigm_arr(dmd_num *a, size_t n)
{
    for (size_t e = 0; e < n; e++) a[e] = MUL(CONST(0.5), a[e]);
    rnn_tanh_arr(a, n);
    for (size_t e = 0; e < n; e++) a[e] = FMA(CONST(0.5), a[e], CONST(0.5));
}

/* W_h[g] packed transposed into WT + g*H*H (WT[j*H + i] = W_h[g][i*H + j]) */
RNN_INLINE void gru_pack_wT(const gru_step *L, dmd_num *WT)
{
    const int H = L->v.H;
    for (int g = 0; g < 3; g++) rnn_vtranspose(L->W_h[g], H, H, H, WT + (size_t)g * H * H, H);
}

/* step t: r, rhT (t >= 2), z, n, hT of step t (tb = (t-1)*B*H), h_t into
 * the ring slot ht at a target step */
RNN_INLINE void gru_fwd_passes(const gru_step *L, int t, const dmd_num *WT, const dmd_num *xt, dmd_num *ht, size_t tb)
{
    const int B = L->v.B, I = L->v.I, H = L->v.H;
    const size_t BH = (size_t)B * H, HH = (size_t)H * H;
    dmd_num *r = L->r + tb, *z = L->z + tb, *n = L->n + tb, *rh = L->rhT + tb, *h = L->hT + tb;
    const dmd_num *hp = t >= 2 ? h - BH : NULL; /* h_{t-1}, (B, H) */
    if (hp) {
        RNN_TILES(B, H, fwdT_tile(rn, vn, r0, c0, B, I, H, L->W_i[0], WT, L->bias[0], xt, hp, r, H));
        gru_sigm_arr(r, BH);
        for (size_t e = 0; e < BH; e++) rh[e] = MUL(r[e], hp[e]);
    }
    RNN_TILES(B, H, fwdT_tile(rn, vn, r0, c0, B, I, H, L->W_i[1], WT + HH, L->bias[1], xt, hp, z, H));
    gru_sigm_arr(z, BH);
    RNN_TILES(B, H, fwdT_tile(rn, vn, r0, c0, B, I, H, L->W_i[2], WT + 2 * HH, L->bias[2], xt, hp ? rh : NULL, n, H));
    rnn_tanh_arr(n, BH);
    if (hp)
        for (size_t e = 0; e < BH; e++) h[e] = FMA(z[e], SUB(hp[e], n[e]), n[e]);
    else
        for (size_t e = 0; e < BH; e++) h[e] = FMA(z[e], SUB(CONST(0), n[e]), n[e]);
    if (t >= L->v.T - L->v.K + 1) rnn_vtranspose(h, B, H, H, ht, B);
}
#endif

/* ---- forward pass r (t >= 2): one tile (rows i, columns b) ----
 * hprev = h_{t-1} (H, B) ring slot; tb = (t-1)*B*H. */
RNN_INLINE void gru_r_tile(int rn, int vn, int i0, int b0, const gru_step *L, const dmd_num *xt, const dmd_num *hprev,
                           size_t tb)
{
    const int B = L->v.B, H = L->v.H;
    tile_t acc, hp, rh;
    gru_pre_tile(acc, rn, vn, i0, b0, L, 0, xt, hprev);
    tile_load(DMD_SITE_HERE hp, rn, vn, hprev + (size_t)i0 * B + b0, B, 0);
    for (int r = 0; r < rn; r++)
        for (int v = 0; v < vn; v++) {
            dmd_real rg = SIGM(acc[r][v]);
            acc[r][v] = rg;
            rh[r][v] = MUL(rg, hp[r][v]);
        }
    tile_store(DMD_SITE_HERE rh, rn, vn, L->rh + (size_t)i0 * B + b0, B);
    for (int v = 0; v < vn; v++)
        for (int r = 0; r < rn; r++) {
            size_t e = tb + (size_t)(b0 + v) * H + i0 + r;
            ST(L->r, e, acc[r][v]);
            ST(L->rhT, e, rh[r][v]);
        }
}

/* ---- forward pass z: one tile; hprev NULL at t = 1 ---- */
RNN_INLINE void gru_z_tile(int rn, int vn, int i0, int b0, const gru_step *L, const dmd_num *xt, const dmd_num *hprev,
                           size_t tb)
{
    const int H = L->v.H;
    tile_t acc;
    gru_pre_tile(acc, rn, vn, i0, b0, L, 1, xt, hprev);
    for (int r = 0; r < rn; r++)
        for (int v = 0; v < vn; v++) acc[r][v] = SIGM(acc[r][v]);
    for (int v = 0; v < vn; v++)
        for (int r = 0; r < rn; r++) ST(L->z, tb + (size_t)(b0 + v) * H + i0 + r, acc[r][v]);
}

/* ---- forward pass n: one tile; hprev NULL at t = 1 (then no W_hn product
 * and hp = 0); ht = h_t ring slot ---- */
RNN_INLINE void gru_n_tile(int rn, int vn, int i0, int b0, const gru_step *L, const dmd_num *xt, const dmd_num *hprev,
                           dmd_num *ht, size_t tb)
{
    const int B = L->v.B, H = L->v.H;
    tile_t acc, zg, hp, hv;
    gru_pre_tile(acc, rn, vn, i0, b0, L, 2, xt, hprev ? L->rh : NULL);
    for (int r = 0; r < rn; r++)
        for (int v = 0; v < vn; v++) zg[r][v] = LD(L->z, tb + (size_t)(b0 + v) * H + i0 + r);
    if (hprev)
        tile_load(DMD_SITE_HERE hp, rn, vn, hprev + (size_t)i0 * B + b0, B, 0);
    else
        tile_fill(hp, rn, vn, CONST(0));
    for (int r = 0; r < rn; r++)
        for (int v = 0; v < vn; v++) {
            dmd_real ng = TANH(acc[r][v]);
            acc[r][v] = ng;
            hv[r][v] = FMA(zg[r][v], SUB(hp[r][v], ng), ng);
        }
    tile_store(DMD_SITE_HERE hv, rn, vn, ht + (size_t)i0 * B + b0, B);
    for (int v = 0; v < vn; v++)
        for (int r = 0; r < rn; r++) {
            size_t e = tb + (size_t)(b0 + v) * H + i0 + r;
            ST(L->n, e, acc[r][v]);
            ST(L->hT, e, hv[r][v]);
        }
}

/* ---- backward: one tile of dh_t and da_t of z, n (rows b, columns j) ----
 * dyk = dL/dlogits of step t or NULL; dan = da_{t+1} (3, B, H) or NULL at
 * t = T; tb = (t-1)*B*H; hasp: t >= 2. */
RNN_INLINE void gru_dh_tile(int rn, int vn, int b0, int j0, const gru_step *L, const dmd_num *dyk, const dmd_num *dan,
                            size_t tb, int hasp, dmd_num *dat)
{
    const int H = L->v.H, O = L->v.O;
    const size_t BH = (size_t)L->v.B * H, e0 = (size_t)b0 * H + j0;
    tile_t acc, cr, zg, ng, hp;
    tile_fill(acc, rn, vn, CONST(0));
    if (dyk) tile_fma(DMD_SITE_HERE acc, rn, vn, dyk + (size_t)b0 * O, O, 1, L->v.W_hy + j0, H, O, 1);
    if (dan) {
        tile_fma(DMD_SITE_HERE acc, rn, vn, dan + e0 - j0, H, 1, L->W_h[0] + j0, H, H, 1);
        tile_fma(DMD_SITE_HERE acc, rn, vn, dan + BH + e0 - j0, H, 1, L->W_h[1] + j0, H, H, 1);
        tile_load(DMD_SITE_HERE cr, rn, vn, L->dh + e0, H, 0);
        for (int r = 0; r < rn; r++)
            for (int v = 0; v < vn; v++) acc[r][v] = ADD(acc[r][v], cr[r][v]);
    }
    tile_store(DMD_SITE_HERE acc, rn, vn, L->dh + e0, H);
    tile_load(DMD_SITE_HERE zg, rn, vn, L->z + tb + e0, H, 0);
    tile_load(DMD_SITE_HERE ng, rn, vn, L->n + tb + e0, H, 0);
    if (hasp)
        tile_load(DMD_SITE_HERE hp, rn, vn, L->hT + tb - BH + e0, H, 0);
    else
        tile_fill(hp, rn, vn, CONST(0));
    for (int r = 0; r < rn; r++)
        for (int v = 0; v < vn; v++) {
            dmd_real d = acc[r][v], z_ = zg[r][v], n_ = ng[r][v];
            dmd_real daz = MUL(MUL(d, SUB(hp[r][v], n_)), DSIGM(z_));
            dmd_real dan_ = MUL(MUL(d, SUB(CONST(1), z_)), DTANH(n_));
            zg[r][v] = daz, ng[r][v] = dan_;
        }
    tile_store(DMD_SITE_HERE zg, rn, vn, dat + BH + e0, H);
    tile_store(DMD_SITE_HERE ng, rn, vn, dat + 2 * BH + e0, H);
}

/* ---- backward, second pass (t >= 2): one tile of da_t of r and the carry
 * into dh (rows b, columns j) ---- */
RNN_INLINE void gru_rh_tile(int rn, int vn, int b0, int j0, const gru_step *L, size_t tb, dmd_num *dat)
{
    const int H = L->v.H;
    const size_t BH = (size_t)L->v.B * H, e0 = (size_t)b0 * H + j0;
    tile_t acc, rg, hp, dhv, zg;
    tile_fill(acc, rn, vn, CONST(0));
    tile_fma(DMD_SITE_HERE acc, rn, vn, dat + 2 * BH + (size_t)b0 * H, H, 1, L->W_h[2] + j0, H, H, 1);
    tile_load(DMD_SITE_HERE rg, rn, vn, L->r + tb + e0, H, 0);
    tile_load(DMD_SITE_HERE hp, rn, vn, L->hT + tb - BH + e0, H, 0);
    tile_load(DMD_SITE_HERE dhv, rn, vn, L->dh + e0, H, 0);
    tile_load(DMD_SITE_HERE zg, rn, vn, L->z + tb + e0, H, 0);
    for (int r = 0; r < rn; r++)
        for (int v = 0; v < vn; v++) {
            dmd_real a = acc[r][v], r_ = rg[r][v];
            dmd_real dar = MUL(MUL(a, hp[r][v]), DSIGM(r_));
            dmd_real cr = FMA(a, r_, MUL(dhv[r][v], zg[r][v]));
            acc[r][v] = dar, dhv[r][v] = cr;
        }
    tile_store(DMD_SITE_HERE acc, rn, vn, dat + e0, H);
    tile_store(DMD_SITE_HERE dhv, rn, vn, L->dh + e0, H);
}

#ifdef RNN_PASSES
/* ---- backward, plain float64 vector clones: the products of gru_dh_tile
 * and gru_rh_tile into memory (rnn_kernel.c dhT_prod_tile), into a stale
 * slot of da_t (da_{t+2}'s, read by now), then their elementwise work over
 * whole arrays, element by element in the tiles' order (no tile_t
 * copies): the same bits. ---- */
/* dh_t and da_t of z and n: gru_dh_tile's loop over the whole (B, H) array
 * (the products are in dat's z slot; carry: t < T, dh holds the carry) */
RNN_INLINE void gru_dh_pass(const gru_step *L, int t, const dmd_num *dyk, const dmd_num *dan, dmd_num *dat)
{
    const int B = L->v.B, H = L->v.H;
    const size_t BH = (size_t)B * H, tb = (size_t)(t - 1) * BH;
    dmd_num *dh = L->dh, *daz = dat + BH, *dnn = dat + 2 * BH;
    const dmd_num *z = L->z + tb, *n = L->n + tb, *hp = L->hT + tb - BH;
    RNN_TILES(B, H, dhT_prod_tile(rn, vn, r0, c0, H, L->v.O, dyk, L->v.W_hy, H, H, dan, L->W_h[0], dan ? dan + BH : NULL,
                                  L->W_h[1], daz));
    if (dan)
        for (size_t e = 0; e < BH; e++) dh[e] = ADD(daz[e], dh[e]);
    else
        for (size_t e = 0; e < BH; e++) dh[e] = daz[e];
    if (t >= 2)
        for (size_t e = 0; e < BH; e++) {
            const dmd_real d = dh[e], z_ = z[e], n_ = n[e];
            daz[e] = MUL(MUL(d, SUB(hp[e], n_)), DSIGM(z_));
            dnn[e] = MUL(MUL(d, SUB(CONST(1), z_)), DTANH(n_));
        }
    else
        for (size_t e = 0; e < BH; e++) {
            const dmd_real d = dh[e], z_ = z[e], n_ = n[e];
            daz[e] = MUL(MUL(d, SUB(CONST(0), n_)), DSIGM(z_));
            dnn[e] = MUL(MUL(d, SUB(CONST(1), z_)), DTANH(n_));
        }
}

/* t >= 2: da_t of r and the carry, gru_rh_tile's loop over the whole array
 * (the W_hn product in dat's r slot) */
RNN_INLINE void gru_rh_pass(const gru_step *L, int t, dmd_num *dat)
{
    const int B = L->v.B, H = L->v.H;
    const size_t BH = (size_t)B * H, tb = (size_t)(t - 1) * BH;
    dmd_num *dh = L->dh, *dar = dat;
    const dmd_num *r = L->r + tb, *z = L->z + tb, *hp = L->hT + tb - BH;
    RNN_TILES(B, H, dhT_prod_tile(rn, vn, r0, c0, H, L->v.O, NULL, NULL, H, H, dat + 2 * BH, L->W_h[2], NULL, NULL, dar));
    for (size_t e = 0; e < BH; e++) {
        const dmd_real a = dar[e], r_ = r[e];
        dar[e] = MUL(MUL(a, hp[e]), DSIGM(r_));
        dh[e] = FMA(a, r_, MUL(dh[e], z[e]));
    }
}
#endif

/* The in-loop weight gradients of step t (first: t == T; dat = da_t). */
RNN_INLINE void gru_step_grads(const gru_step *L, int t, int first, const dmd_num *dat)
{
    const int B = L->v.B, I = L->v.I, H = L->v.H;
    const size_t BH = (size_t)B * H, tb = (size_t)(t - 1) * BH;
    if (t >= 2) {
        const dmd_num *hTp = L->hT + tb - BH, *rhTt = L->rhT + tb;
        const dmd_num *daA = dat; /* the broadcast operands: da_t of r, z, n, (B, H) each */
        ptrdiff_t ars = 1, aks = H, gs = (ptrdiff_t)BH;
#ifdef RNN_PASSES /* packed (H, B) each into the other da slot (da_{t+1}, read by now), as rnn_kernel.c packs */
        dmd_num *daT = L->da + (size_t)((t + 1) & 1) * 3 * BH;
        for (int g = 0; g < 3; g++) rnn_vtranspose(dat + (size_t)g * BH, B, H, H, daT + (size_t)g * BH, B);
        daA = daT, ars = B, aks = 1;
#endif
        RNN_TILES(H, H, grad_tile(DMD_SITE_HERE rn, vn, L->dW_h[0] + (size_t)r0 * H + c0, H, first, daA + r0 * ars, ars, aks, hTp + c0, H, B, 0));
        RNN_TILES(H, H, grad_tile(DMD_SITE_HERE rn, vn, L->dW_h[1] + (size_t)r0 * H + c0, H, first, daA + gs + r0 * ars, ars, aks, hTp + c0, H, B, 0));
        RNN_TILES(H, H, grad_tile(DMD_SITE_HERE rn, vn, L->dW_h[2] + (size_t)r0 * H + c0, H, first, daA + 2 * gs + r0 * ars, ars, aks, rhTt + c0, H, B, 0));
    }
    const dmd_num *xt = L->v.x + (size_t)(t - 1) * I * B;
    for (int g = t >= 2 ? 0 : 1; g < 3; g++) {
        dmd_num *dWg = L->dW_i[g];
        const dmd_num *dag = dat + (size_t)g * BH;
        RNN_TILES(I, H, grad_tile(DMD_SITE_HERE rn, vn, dWg + (size_t)r0 * H + c0, H, first, xt + (size_t)r0 * B, B, 1, dag + c0, H, B, 1));
    }
    for (int g = t >= 2 ? 0 : 1; g < 3; g++) {
        const dmd_num *dag = dat + (size_t)g * BH;
        dmd_num *dbg = L->db[g];
        for (int i0 = 0; i0 < H; i0 += VT) {
            int vn = H - i0 < VT ? H - i0 : VT;
            dmd_real acc[VT];
            for (int v = 0; v < vn; v++) acc[v] = first ? CONST(0) : LD(dbg, i0 + v);
            for (int b = 0; b < B; b++)
                for (int v = 0; v < vn; v++) acc[v] = ADD(acc[v], LD(dag, (size_t)b * H + i0 + v));
            for (int v = 0; v < vn; v++) ST(dbg, i0 + v, acc[v]);
        }
    }
}

/* The unpriced diagnostic ||dh_t||^2 (plain C, when asked for). */
RNN_INLINE void gru_dh_diag(const gru_step *L, const rnn_kargs *a, int t)
{
    if (!a->dh_norm2) return;
    double s = 0;
    for (size_t e = 0; e < (size_t)L->v.B * L->v.H; e++) s += (double)L->dh[e] * (double)L->dh[e];
    a->dh_norm2[t - 1] = s;
}

/* Plain builds: flatten inlines every call but the noinline tile bodies of
 * rnn_vtile.h (as rnn_lstm.c). */
#ifndef DMD_INSTRUMENT
__attribute__((flatten))
#endif
void RNN_SFX(rnn_gru)(const rnn_kargs *a, rnn_kout *out)
{
    gru_step L;
    gru_step_init(&L, a->m);
    const van_step *c = &L.v;
    const int T = c->T, B = c->B, I = c->I, H = c->H;
    const size_t BH = (size_t)B * H, B3H = 3 * BH;
    van_inputs(c, a);

    /* ================= forward ================= */
    DMD_PHASE_BEGIN("forward");
#ifdef RNN_PASSES
    dmd_num *WT = (dmd_num *)a->m->wT; /* W_hr, W_hz, W_hn packed transposed (cells_gru.c: wT = 3) */
    gru_pack_wT(&L, WT);
#endif
    for (int t = 1; t <= T; t++) {
        dmd_num *ht = L.hs + (size_t)(t & 1) * H * B;
        const dmd_num *hprev = t >= 2 ? L.hs + (size_t)((t - 1) & 1) * H * B : NULL;
        const dmd_num *xt = c->x + (size_t)(t - 1) * I * B;
        const size_t tb = (size_t)(t - 1) * BH;
#ifdef RNN_PASSES
        (void)hprev;
        gru_fwd_passes(&L, t, WT, xt, ht, tb);
#else
        if (hprev) RNN_TILES(H, B, gru_r_tile(rn, vn, r0, c0, &L, xt, hprev, tb));
        RNN_TILES(H, B, gru_z_tile(rn, vn, r0, c0, &L, xt, hprev, tb));
        RNN_TILES(H, B, gru_n_tile(rn, vn, r0, c0, &L, xt, hprev, ht, tb));
#endif
        van_head_step(c, t, ht);
    }
    van_loss(c, out);
    DMD_PHASE_END("forward");
    if (!a->backward) return;

    /* ================= backward ================= */
    DMD_PHASE_BEGIN("backward");
    for (int t = T; t >= 1; t--) {
        const int first = t == T;
        const size_t tb = (size_t)(t - 1) * BH;
        dmd_num *dat = L.da + (size_t)(t & 1) * B3H;
        const dmd_num *dan = t < T ? L.da + (size_t)((t + 1) & 1) * B3H : NULL;
        const dmd_num *dyk = van_dy(c, t);
        van_head_grads(c, t, first, L.hT + tb);
#ifdef RNN_PASSES
        gru_dh_pass(&L, t, dyk, dan, dat);
        gru_dh_diag(&L, a, t);
        if (t >= 2) gru_rh_pass(&L, t, dat);
#else
        RNN_TILES(B, H, gru_dh_tile(rn, vn, r0, c0, &L, dyk, dan, tb, t >= 2, dat));
        gru_dh_diag(&L, a, t);
        if (t >= 2) RNN_TILES(B, H, gru_rh_tile(rn, vn, r0, c0, &L, tb, dat));
#endif
        gru_step_grads(&L, t, first, dat);
    }
    if (T == 1) {
        for (size_t e = 0; e < (size_t)I * H; e++) ST(L.dW_i[0], e, CONST(0));
        for (int g = 0; g < 3; g++)
            for (size_t e = 0; e < (size_t)H * H; e++) ST(L.dW_h[g], e, CONST(0));
        for (size_t e = 0; e < (size_t)H; e++) ST(L.db[0], e, CONST(0));
    }
    DMD_PHASE_END("backward");
    if (!a->update) return;

    /* ================= update ================= */
    DMD_PHASE_BEGIN("update");
    van_update(c, a, out);
    DMD_PHASE_END("update");
}
