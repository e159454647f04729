/*
 * rnn_lstm.c -- the training step of the LSTM cell: forward over T steps,
 * output head, loss, backpropagation through time, global gradient-norm
 * clipping, momentum update.  The LSTM with a forget gate of Gers,
 * Schmidhuber & Cummins (2000), "Learning to forget: continual prediction
 * with LSTM", Neural Computation 12(10), without peepholes; gate order
 * i, f, g, o as in PyTorch's nn.LSTM:
 *
 *   i_t = sigma(W_ii x_t + W_hi h_{t-1} + b_i)     input gate
 *   f_t = sigma(W_if x_t + W_hf h_{t-1} + b_f)     forget gate (b_f = 1 at init)
 *   g_t = tanh (W_ig x_t + W_hg h_{t-1} + b_g)     candidate
 *   o_t = sigma(W_io x_t + W_ho h_{t-1} + b_o)     output gate
 *   c_t = f_t * c_{t-1} + i_t * g_t,  h_t = o_t * tanh(c_t),  h_0 = c_0 = 0
 *   y_t = W_hy h_t + b_y (the vanilla cell's head and losses)
 *
 * Written once through the dmd.h hooks and compiled like rnn_kernel.c
 * (core/model.cmake): rnn_lstm_f64_<isa> / rnn_lstm_f32_<isa> plain per
 * instruction-set clone (rnn_lstm_f64 / _f32 dispatch, core/rnn_sched_isa.c),
 * rnn_lstm_f64_dmd / rnn_lstm_f32_dmd instrumented.  All of them compute the
 * same bits (the rules of rnn_kernel.c: every operation a hook, FMA rounds
 * once, -ffp-contract=off, tanh is rnn_tanh_d in every build).  The tiles,
 * the head, the loss, the head gradients and the update are rnn_kernel.c's
 * (included with RNN_KERNEL_PARTS_ONLY; their priced sites stay on
 * rnn_kernel.c's lines).
 *
 * Sizes: T steps, B batch, I inputs, H hidden, O outputs, K target steps.
 * Timesteps t = 1..T; h_0 = c_0 = 0 are not stored (terms with them are
 * skipped).  Gates g = 0..3 are i, f, g, o in this order everywhere.
 *
 * ---------------------------------------------------------------------------
 * OPERATION ORDER (normative: an independent re-implementation must be able
 * to re-derive every hook event from this block).
 *
 * Conventions (as rnn_kernel.c).
 *   FMA(a, b, c) reads a, b, c in that order.  CONST(...) values are
 *   constants (free): 0, 0.5, 1, lr, mu, clip, 1/(B*K), 0.5/(B*K).  "acc"
 *   are register values (never stored) until the ST named.  An operation
 *   whose operands are all constants makes no event.  Nested operations are
 *   recorded in the order written, operands left to right:
 *   MUL(MUL(a, b), DSIG(s)) is MUL(a, b), then DSIG's SUB and MUL, then the
 *   outer MUL.
 *   SIG(z) is three instructions: q = MUL(CONST(0.5), z); s = TANH(q);
 *     SIG = FMA(CONST(0.5), s, CONST(0.5))   (sigma(z) = 0.5 tanh(z/2) + 0.5)
 *   DSIG(s) is two: d = SUB(CONST(1), s); DSIG = MUL(s, d)   (= s (1 - s))
 *   DTANH(y) is one instruction reading y (= 1 - y*y).
 *
 * Parameter buffer, in order (each its own region, name = the tensor):
 *   W_ii W_if W_ig W_io  (I, H) each, stored transposed: W_ig[j*H + i];
 *                        together "W_i" (4, I, H): gate q at q*I*H
 *   W_hi W_hf W_hg W_ho  (H, H) each, row-major; together "W_h", one
 *                        (4H, H) row-major matrix: row q*H + i
 *   b_i b_f b_g b_o      (H) each; together "b" (4H)
 *   W_hy (O, H) row-major, b_y (O).
 *   dNAME / v_NAME: the same layout in the gradient / momentum buffers
 *   ("dW_h" is the (4H, H) stack of dW_hi .. dW_ho, ...).
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
 *
 * Instrumented declarations (declare != 0, once per measurement): regions,
 *   per tensor in buffer order NAME, dNAME, v_NAME; then x (the batch, then
 *   the regression targets y); then h, dh, dz, logits, c, gates, tanh_c, dc
 *   (sizes below); then DMD_INPUT(momentum buffer, P), DMD_INPUT(parameter
 *   buffer, P).  At EVERY step: DMD_INPUT(y, B*K) (regression only), then
 *   DMD_INPUT(x, T*I*B).
 * Workspace regions:
 *   h       (2, H, B) ring h[t&1] (batch innermost), then hT (T, B, H):
 *           hT[t-1][b][i] at 2*H*B + ((t-1)*B + b)*H + i
 *   dh      (B, H);  dz (2, B, 4H): dz_t in buffer t&1, dz_t[b][q*H + j]
 *   logits  (K, O, B) logits, then (K, B, O) dL/dlogits ("dlogits")
 *   c       (T, B, H):  c_t[b][i] at ((t-1)*B + b)*H + i
 *   gates   (T, B, 4H): gate q of step t at ((t-1)*B + b)*4H + q*H + i
 *   tanh_c  (T, B, H):  tanh(c_t), as c
 *   dc      (B, H):     dL/dc_t * f_t, left by step t for step t-1
 *
 * Phase "forward", for t = 1..T (x_t = x[t-1] (I, B)):
 *   tiles rows i (hidden, RT), columns b (batch, VT); per tile:
 *     for q = 0..3 (i, f, g, o):
 *       for r: bq = LD(b, q*H + i); for v: acc_q[r][v] = bq
 *       reduction j < I (a first):      a = LD(W_i, q*I*H + j*H + i),
 *                                       u = LD(x, ((t-1)*I + j)*B + b)
 *       if t >= 2, reduction j < H (a first): a = LD(W_h, (q*H + i)*H + j),
 *                                       u = LD(h, ((t-1)&1)*H*B + j*B + b)
 *     if t >= 2: for r: for v: cp[r][v] = LD(c, ((t-2)*B + b)*H + i)
 *     for r: for v (element (i, b)):
 *       ig = SIG(acc_0), fg = SIG(acc_1), gg = TANH(acc_2), og = SIG(acc_3)
 *       ct = MUL(ig, gg); if t >= 2: ct = FMA(fg, cp[r][v], ct)
 *       tc = TANH(ct); ht = MUL(og, tc)
 *     for r: for v: ST(h, (t&1)*H*B + i*B + b, ht)
 *     for v: for r (element (i, b)):
 *       ST(gates, g0 + 0*H + i, ig), ST(gates, g0 + 1*H + i, fg),
 *       ST(gates, g0 + 2*H + i, gg), ST(gates, g0 + 3*H + i, og)
 *         with g0 = ((t-1)*B + b)*4H;
 *       ST(c, e, ct), ST(tanh_c, e, tc), ST(h, 2*H*B + e, ht)
 *         with e = ((t-1)*B + b)*H + i
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
 * Phase "backward", for t = T..1 (k = t-(T-K+1); first = (t == T)):
 *   if k >= 0 (target step), head gradients:
 *     dW_hy tiles rows o (RT), columns j (VT), reduction b < B (a first):
 *       acc = first ? CONST(0) : LD(dW_hy, o*H + j)
 *       a = LD(dlogits, (k*B + b)*O + o), u = LD(hT, ((t-1)*B + b)*H + j);
 *       then ST(dW_hy, o*H + j, acc)
 *     db_y, for o: acc = first ? CONST(0) : LD(db_y, o);
 *       for b: acc = ADD(acc, LD(dlogits, (k*B + b)*O + o)); ST(db_y, o, acc)
 *   dh_t and dz_t: tiles rows b (RT), columns j (VT):
 *     acc = CONST(0)
 *     if k >= 0, reduction o < O (u first): a = LD(dlogits, (k*B + b)*O + o),
 *       u = LD(W_hy, o*H + j)
 *     if t < T, reduction n < 4H (u first): a = LD(dz_{t+1}, b*4H + n),
 *       u = LD(W_h, n*H + j)
 *     (element (b, j) of the tile: e = b*H + j, te = ((t-1)*B + b)*H + j,
 *      g0 = ((t-1)*B + b)*4H + j; each "for r: for v" runs over the tile)
 *     for r: for v: ST(dh, e, acc)
 *     for r: for v: og = LD(gates, g0 + 3H)
 *     for r: for v: tc = LD(tanh_c, te)
 *     if t < T:  for r: for v: dcn = LD(dc, e)
 *     for r: for v: ig = LD(gates, g0)
 *     for r: for v: gg = LD(gates, g0 + 2H)
 *     if t >= 2: for r: for v: fg = LD(gates, g0 + H)
 *                for r: for v: cp = LD(c, te - B*H)
 *     for r: for v:
 *       dzo = MUL(MUL(acc, tc), DSIG(og))
 *       dc = MUL(MUL(acc, og), DTANH(tc)); if t < T: dc = ADD(dc, dcn)
 *       dzi = MUL(MUL(dc, gg), DSIG(ig))
 *       dzg = MUL(MUL(dc, ig), DTANH(gg))
 *       if t >= 2: dzf = MUL(MUL(dc, cp), DSIG(fg)); dcf = MUL(dc, fg)
 *       else:      dzf = CONST(0)
 *     if t >= 2: for r: for v: ST(dc, e, dcf)
 *     for r: for v: ST(dz_t, b*4H + j, dzi)
 *     for r: for v: ST(dz_t, b*4H + H + j, dzf)
 *     for r: for v: ST(dz_t, b*4H + 2H + j, dzg)
 *     for r: for v: ST(dz_t, b*4H + 3H + j, dzo)
 *   if t >= 2, dW_h tiles rows n (4H rows, RT), columns j (VT), reduction
 *     b < B (a first): acc = first ? CONST(0) : LD(dW_h, n*H + j)
 *       a = LD(dz_t, b*4H + n), u = LD(hT, ((t-2)*B + b)*H + j);
 *       then ST(dW_h, n*H + j, acc)
 *   for q = 0..3: dW_i gate q tiles rows j (input, RT), columns i (hidden,
 *     VT), reduction b < B (u first):
 *       acc = first ? CONST(0) : LD(dW_i, q*I*H + j*H + i)
 *       a = LD(x, ((t-1)*I + j)*B + b), u = LD(dz_t, b*4H + q*H + i);
 *       then ST(dW_i, q*I*H + j*H + i, acc)
 *   db, columns n < 4H in blocks of VT (the last one shorter):
 *       acc = first ? CONST(0) : LD(db, n);
 *       for b: for v: acc = ADD(acc, LD(dz_t, b*4H + n)); ST(db, n, acc)
 *   (T == 1: dW_h is never accumulated; ST(dW_h, e, CONST(0)) for every
 *   e < 4*H*H, after the loop.)
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
 * the forward's reads of ig, fg, gg, og, ct and tc in the tile's element
 * loop, which precede their stores.)
 * ---------------------------------------------------------------------------
 * The diagnostic dh_norm2 (when requested) sums the squares of the stored dh
 * numbers in plain C after each backward step; it is not priced.
 */
#include <stddef.h>

#define RNN_KERNEL_PARTS_ONLY
#include "rnn_kernel.c"

#include "rnn_gates.h" /* SIGM, DSIGM (SIG and DSIG of the block) */

/* Sizes and buffers of one LSTM step (names of the OPERATION ORDER). */
typedef struct {
    van_step v; /* the head, loss, head gradients and update use the vanilla parts */
    dmd_num *W_i, *W_h, *bias, *dW_i, *dW_h, *db; /* (4, I, H), (4H, H), (4H) */
    dmd_num *hs, *hT, *dh, *dz, *c, *gates, *tanh_c, *dc;
} lstm_step;

RNN_INLINE void lstm_step_init(lstm_step *L, const rnn_model *m)
{
    van_step *c = &L->v;
    c->m = m;
    c->T = m->cfg.T, c->B = m->cfg.batch, c->I = m->I, c->H = m->cfg.H, c->O = m->O, c->K = m->K;
    c->relu = 0, c->regression = m->y != NULL;
    c->P = m->P;
    c->Pb = (dmd_num *)m->params, c->Gb = (dmd_num *)m->grads, c->Mb = (dmd_num *)m->mom;
    c->W_ih = c->W_hh = c->b_h = c->dW_ih = c->dW_hh = c->db_h = NULL;
    c->W_hy = m->pv.lstm.W_hy, c->b_y = m->pv.lstm.b_y;
    c->dW_hy = m->gv.lstm.W_hy, c->db_y = m->gv.lstm.b_y;
    c->x = (dmd_num *)m->x, c->yt = (dmd_num *)m->y, c->lab = m->labels;
    c->lg = (dmd_num *)m->st.lstm.logits;
    c->dy = c->lg + (size_t)c->K * c->O * c->B;
    L->W_i = m->pv.lstm.W_ii, L->W_h = m->pv.lstm.W_hi, L->bias = m->pv.lstm.b_i;
    L->dW_i = m->gv.lstm.W_ii, L->dW_h = m->gv.lstm.W_hi, L->db = m->gv.lstm.b_i;
    L->hs = (dmd_num *)m->st.lstm.h;
    L->hT = L->hs + (size_t)2 * c->H * c->B;
    L->dh = (dmd_num *)m->st.lstm.dh;
    L->dz = (dmd_num *)m->st.lstm.dz;
    L->c = (dmd_num *)m->st.lstm.c;
    L->gates = (dmd_num *)m->st.lstm.gates;
    L->tanh_c = (dmd_num *)m->st.lstm.tanh_c;
    L->dc = (dmd_num *)m->st.lstm.dc;
}

/* ---- forward: one tile of step t (rows i, columns b) ----
 * xt = x_t (I, B); hprev = h_{t-1} (H, B) and cp = c_{t-1} (B, H), both
 * NULL at t = 1; ht = h_t (H, B) ring slot; tb = element offset of step t
 * in the (T, B, H) arrays ((t-1)*B*H). */
RNN_INLINE void lstm_fwd_tile(int rn, int vn, int i0, int b0, const lstm_step *L, const dmd_num *xt,
                              const dmd_num *hprev, const dmd_num *cp, dmd_num *ht, size_t tb)
{
    const int B = L->v.B, I = L->v.I, H = L->v.H;
    tile_t acc[4];
    for (int q = 0; q < 4; q++) {
        const dmd_num *bq = L->bias + (size_t)q * H;
        for (int r = 0; r < rn; r++) {
            dmd_real bv = LD(bq, i0 + r);
            for (int v = 0; v < vn; v++) acc[q][r][v] = bv;
        }
        tile_fma(DMD_SITE_HERE acc[q], rn, vn, L->W_i + (size_t)q * I * H + i0, 1, H, xt + b0, B, I, 0);
        if (hprev)
            tile_fma(DMD_SITE_HERE acc[q], rn, vn, L->W_h + ((size_t)q * H + i0) * H, H, 1, hprev + b0, B, H, 0);
    }
    tile_t cv, tcv, hv;
    if (cp)
        for (int r = 0; r < rn; r++)
            for (int v = 0; v < vn; v++) cv[r][v] = LD(cp, (size_t)(b0 + v) * H + i0 + r);
    for (int r = 0; r < rn; r++)
        for (int v = 0; v < vn; v++) {
            dmd_real ig = SIGM(acc[0][r][v]);
            dmd_real fg = SIGM(acc[1][r][v]);
            dmd_real gg = TANH(acc[2][r][v]);
            dmd_real og = SIGM(acc[3][r][v]);
            dmd_real ct = MUL(ig, gg);
            if (cp) ct = FMA(fg, cv[r][v], ct);
            dmd_real tc = TANH(ct);
            acc[0][r][v] = ig, acc[1][r][v] = fg, acc[2][r][v] = gg, acc[3][r][v] = og;
            cv[r][v] = ct, tcv[r][v] = tc, hv[r][v] = MUL(og, tc);
        }
    tile_store(DMD_SITE_HERE hv, rn, vn, ht + (size_t)i0 * B + b0, B);
    for (int v = 0; v < vn; v++)
        for (int r = 0; r < rn; r++) {
            size_t e = tb + (size_t)(b0 + v) * H + i0 + r, g0 = (tb + (size_t)(b0 + v) * H) * 4 + i0 + r;
            ST(L->gates, g0, acc[0][r][v]);
            ST(L->gates, g0 + H, acc[1][r][v]);
            ST(L->gates, g0 + 2 * H, acc[2][r][v]);
            ST(L->gates, g0 + 3 * H, acc[3][r][v]);
            ST(L->c, e, cv[r][v]);
            ST(L->tanh_c, e, tcv[r][v]);
            ST(L->hT, e, hv[r][v]);
        }
}

#ifdef RNN_PASSES
/* ---- forward of step t, plain float64 vector clones (rnn_kernel.c
 * "Plain-build passes") ----
 * In the (B, H) layout of the backward's arrays, as the vanilla bptt
 * forward: gate q's pre-activations go straight into the step's gates
 * (B, 4H) at column q*H (fwdT_tile: rows b, columns i, from W_h's block q
 * packed transposed, once per call, into m->wT (4, H, H)); the gates are
 * activated there as whole arrays (the SIG's halving, one rnn_tanh_arr
 * over all four gates, the SIG's FMA), then c_t and tanh(c_t) in (B, H),
 * h_t into hT, and, transposed, into the ring slot ht (H, B) only at a
 * target step (the head is its one reader here).  Each element gets the
 * operations of the tile above, in its order (the chain: the bias, the x_t
 * product, the W_h product over j ascending): the same bits; only the
 * layout of the work differs, and no per-step transposes of the gates. */
RNN_INLINE void lstm_pack_wT(const lstm_step *L, dmd_num *WT)
{
    const int H = L->v.H;
    for (int q = 0; q < 4; q++)
        rnn_vtranspose(L->W_h + (size_t)q * H * H, H, H, H, WT + (size_t)q * H * H, H);
}

RNN_INLINE void lstm_fwd_bh(const lstm_step *L, int t, const dmd_num *WT, const dmd_num *xt, const dmd_num *cp,
                            dmd_num *ht, size_t tb)
{
    const int B = L->v.B, I = L->v.I, H = L->v.H, H4 = 4 * H;
    const size_t BH = (size_t)B * H, HH = (size_t)H * H;
    dmd_num *g = L->gates + 4 * tb, *ct = L->c + tb, *tc = L->tanh_c + tb, *hT = L->hT + tb;
    const dmd_num *hp = t >= 2 ? hT - BH : NULL; /* h_{t-1}, (B, H) */
    for (int q = 0; q < 4; q++)
        RNN_TILES(B, H, fwdT_tile(rn, vn, r0, c0, B, I, H, L->W_i + (size_t)q * I * H, WT + q * HH,
                                  L->bias + (size_t)q * H, xt, hp, g + (size_t)q * H, H4));
    for (int b = 0; b < B; b++)
        for (int q = 0; q < 4; q++)
            if (q != 2) {
                dmd_num *gq = g + (size_t)b * H4 + (size_t)q * H;
                for (int i = 0; i < H; i++) gq[i] = MUL(CONST(0.5), gq[i]);
            }
    rnn_tanh_arr(g, 4 * BH);
    for (int b = 0; b < B; b++) {
        dmd_num *gb = g + (size_t)b * H4, *cb = ct + (size_t)b * H, *tcb = tc + (size_t)b * H;
        for (int q = 0; q < 4; q++)
            if (q != 2) {
                dmd_num *gq = gb + (size_t)q * H;
                for (int i = 0; i < H; i++) gq[i] = FMA(CONST(0.5), gq[i], CONST(0.5));
            }
        for (int i = 0; i < H; i++) cb[i] = MUL(gb[i], gb[2 * H + i]);
        if (cp)
            for (int i = 0; i < H; i++) cb[i] = FMA(gb[H + i], cp[(size_t)b * H + i], cb[i]);
        memcpy(tcb, cb, (size_t)H * sizeof *cb);
    }
    rnn_tanh_arr(tc, BH);
    for (int b = 0; b < B; b++) {
        const dmd_num *og = g + (size_t)b * H4 + 3 * (size_t)H, *tcb = tc + (size_t)b * H;
        dmd_num *hb = hT + (size_t)b * H;
        for (int i = 0; i < H; i++) hb[i] = MUL(og[i], tcb[i]);
    }
    if (t >= L->v.T - L->v.K + 1) rnn_vtranspose(hT, B, H, H, ht, B);
}
#endif

/* ---- backward: one tile of dh_t / dz_t (rows b, columns j) ----
 * dyk = dL/dlogits of step t or NULL; dzn = dz_{t+1} (B, 4H) or NULL at
 * t = T; tb = (t-1)*B*H; cp: t >= 2 (c_{t-1} exists).  The tile stores dh,
 * loads what it reads array by array, computes, then stores array by array
 * (the plain build then runs every loop in vectors: in one loop the eight
 * pointers might alias, and GCC kept it scalar). */
RNN_INLINE void lstm_dh_tile(int rn, int vn, int b0, int j0, const lstm_step *L, const dmd_num *dyk,
                             const dmd_num *dzn, size_t tb, int cp, dmd_num *dzt)
{
    const int H = L->v.H, O = L->v.O, H4 = 4 * H;
    const size_t e0 = (size_t)b0 * H + j0, g0 = 4 * tb + (size_t)b0 * H4 + j0, z0 = (size_t)b0 * H4 + j0;
    tile_t acc, og, tc, dcn, ig, gg, fg, cv;
    tile_fill(acc, rn, vn, CONST(0));
    if (dyk) tile_fma(DMD_SITE_HERE acc, rn, vn, dyk + (size_t)b0 * O, O, 1, L->v.W_hy + j0, H, O, 1);
    if (dzn) tile_fma(DMD_SITE_HERE acc, rn, vn, dzn + (size_t)b0 * H4, H4, 1, L->W_h + j0, H, H4, 1);
    tile_store(DMD_SITE_HERE acc, rn, vn, L->dh + e0, H);
    tile_load(DMD_SITE_HERE og, rn, vn, L->gates + g0 + 3 * H, H4, 0);
    tile_load(DMD_SITE_HERE tc, rn, vn, L->tanh_c + tb + e0, H, 0);
    if (dzn) tile_load(DMD_SITE_HERE dcn, rn, vn, L->dc + e0, H, 0);
    tile_load(DMD_SITE_HERE ig, rn, vn, L->gates + g0, H4, 0);
    tile_load(DMD_SITE_HERE gg, rn, vn, L->gates + g0 + 2 * H, H4, 0);
    if (cp) {
        tile_load(DMD_SITE_HERE fg, rn, vn, L->gates + g0 + H, H4, 0);
        tile_load(DMD_SITE_HERE cv, rn, vn, L->c + tb - (size_t)L->v.B * H + e0, H, 0);
    }
    for (int r = 0; r < rn; r++)
        for (int v = 0; v < vn; v++) {
            dmd_real dhv = acc[r][v], o_ = og[r][v], t_ = tc[r][v];
            dmd_real dzo = MUL(MUL(dhv, t_), DSIGM(o_));
            dmd_real dc = MUL(MUL(dhv, o_), DTANH(t_));
            if (dzn) dc = ADD(dc, dcn[r][v]);
            dmd_real i_ = ig[r][v], g_ = gg[r][v];
            dmd_real dzi = MUL(MUL(dc, g_), DSIGM(i_));
            dmd_real dzg = MUL(MUL(dc, i_), DTANH(g_));
            dmd_real dzf = CONST(0);
            if (cp) {
                dmd_real f_ = fg[r][v];
                dzf = MUL(MUL(dc, cv[r][v]), DSIGM(f_));
                dcn[r][v] = MUL(dc, f_);
            }
            acc[r][v] = dzi, og[r][v] = dzo, ig[r][v] = dzf, gg[r][v] = dzg;
        }
    if (cp) tile_store(DMD_SITE_HERE dcn, rn, vn, L->dc + e0, H);
    tile_store(DMD_SITE_HERE acc, rn, vn, dzt + z0, H4);
    tile_store(DMD_SITE_HERE ig, rn, vn, dzt + z0 + H, H4);
    tile_store(DMD_SITE_HERE gg, rn, vn, dzt + z0 + 2 * H, H4);
    tile_store(DMD_SITE_HERE og, rn, vn, dzt + z0 + 3 * H, H4);
}

#ifdef RNN_PASSES
/* ---- backward, plain float64 vector clones: the products of
 * lstm_dh_tile into dh (rnn_kernel.c dhT_prod_tile), then its elementwise
 * work row by row over whole rows of H (no tile_t copies), element by
 * element in the tile's order: the same bits.  One row b: the pointers are
 * its slices of the arrays the tile reads and writes (restrict: GCC keeps
 * a loop over this many pointers scalar otherwise). ---- */
RNN_INLINE void lstm_dh_row(int H, int carry, int cp, const dmd_num *restrict dh, const dmd_num *restrict gt,
                            const dmd_num *restrict tc, const dmd_num *restrict cv, dmd_num *restrict dc,
                            dmd_num *restrict dz)
{
    const dmd_num *ig = gt, *fg = gt + H, *gg = gt + 2 * H, *og = gt + 3 * H;
    for (int j = 0; j < H; j++) {
        const dmd_real dhv = dh[j], o_ = og[j], t_ = tc[j];
        const dmd_real dzo = MUL(MUL(dhv, t_), DSIGM(o_));
        dmd_real d = MUL(MUL(dhv, o_), DTANH(t_));
        if (carry) d = ADD(d, dc[j]);
        const dmd_real i_ = ig[j], g_ = gg[j];
        dz[j] = MUL(MUL(d, g_), DSIGM(i_));
        dz[2 * H + j] = MUL(MUL(d, i_), DTANH(g_));
        dz[3 * H + j] = dzo;
        if (cp) {
            const dmd_real f_ = fg[j];
            dz[H + j] = MUL(MUL(d, cv[j]), DSIGM(f_));
            dc[j] = MUL(d, f_);
        } else {
            dz[H + j] = CONST(0);
        }
    }
}

RNN_INLINE void lstm_dh_pass(const lstm_step *L, int t, const dmd_num *dyk, const dmd_num *dzn, dmd_num *dzt)
{
    const int B = L->v.B, H = L->v.H, H4 = 4 * H;
    const size_t BH = (size_t)B * H, tb = (size_t)(t - 1) * BH;
    RNN_TILES(B, H, dhT_prod_tile(rn, vn, r0, c0, H, L->v.O, dyk, L->v.W_hy, H4, H4, dzn, L->W_h, NULL, NULL, L->dh));
    /* carry and cp as literal constants: each call's loop is branch-free
     * after inlining, and vectorised (with them as variables GCC kept it
     * scalar) */
#define LSTM_DH_ROWS(CARRY, CP)                                                                                     \
    for (int b = 0; b < B; b++) {                                                                                  \
        const size_t e = (size_t)b * H;                                                                            \
        lstm_dh_row(H, CARRY, CP, L->dh + e, L->gates + 4 * tb + 4 * e, L->tanh_c + tb + e,                        \
                    CP ? L->c + tb - BH + e : NULL, L->dc + e, dzt + 4 * e);                                        \
    }
    if (dzn && t >= 2)
        LSTM_DH_ROWS(1, 1)
    else if (dzn)
        LSTM_DH_ROWS(1, 0)
    else if (t >= 2)
        LSTM_DH_ROWS(0, 1)
    else
        LSTM_DH_ROWS(0, 0)
#undef LSTM_DH_ROWS
}
#endif

/* The in-loop weight gradients of step t: dW_h (if hTp = h_{t-1} (B, H) is
 * not NULL), dW_i gate by gate, db (first: t == T). */
RNN_INLINE void lstm_step_grads(const lstm_step *L, int t, int first, const dmd_num *dzt, const dmd_num *hTp)
{
    const int B = L->v.B, I = L->v.I, H = L->v.H, H4 = 4 * H;
    if (hTp) {
        const dmd_num *dzA = dzt; /* the broadcast operand: dz_t, (B, 4H) */
        ptrdiff_t ars = 1, aks = H4;
#ifdef RNN_PASSES /* dz_t packed (4H, B) into the other dz slot (dz_{t+1}, read by now), as rnn_kernel.c packs */
        dmd_num *dzT = L->dz + (size_t)((t + 1) & 1) * 4 * (size_t)B * H;
        rnn_vtranspose(dzt, B, H4, H4, dzT, B);
        dzA = dzT, ars = B, aks = 1;
#endif
        RNN_TILES(H4, H, grad_tile(DMD_SITE_HERE rn, vn, L->dW_h + (size_t)r0 * H + c0, H, first, dzA + (size_t)r0 * ars, ars, aks, hTp + c0, H, B, 0));
    }
    const dmd_num *xt = L->v.x + (size_t)(t - 1) * I * B;
    for (int q = 0; q < 4; q++) {
        dmd_num *dWq = L->dW_i + (size_t)q * I * H;
        const dmd_num *dzq = dzt + (size_t)q * H;
        RNN_TILES(I, H, grad_tile(DMD_SITE_HERE rn, vn, dWq + (size_t)r0 * H + c0, H, first, xt + (size_t)r0 * B, B, 1, dzq + c0, H4, B, 1));
    }
    for (int n0 = 0; n0 < H4; n0 += VT) {
        int vn = H4 - n0 < VT ? H4 - n0 : VT;
        dmd_real acc[VT];
        for (int v = 0; v < vn; v++) acc[v] = first ? CONST(0) : LD(L->db, n0 + v);
        for (int b = 0; b < B; b++)
            for (int v = 0; v < vn; v++) acc[v] = ADD(acc[v], LD(dzt, (size_t)b * H4 + n0 + v));
        for (int v = 0; v < vn; v++) ST(L->db, n0 + v, acc[v]);
    }
}

/* Plain builds: flatten inlines every call but the noinline tile bodies of
 * rnn_vtile.h, in particular the five rnn_tanh_d of each forward element
 * (GCC's inliner gave up on them in this large function and called the
 * scalar tanh). */
#ifndef DMD_INSTRUMENT
__attribute__((flatten))
#endif
void RNN_SFX(rnn_lstm)(const rnn_kargs *a, rnn_kout *out)
{
    lstm_step L;
    lstm_step_init(&L, a->m);
    const van_step *c = &L.v;
    const int T = c->T, B = c->B, I = c->I, H = c->H;
    const size_t BH = (size_t)B * H, B4H = 4 * BH;
    van_inputs(c, a);

    /* ================= forward ================= */
    DMD_PHASE_BEGIN("forward");
#ifdef RNN_PASSES
    dmd_num *WT = (dmd_num *)a->m->wT; /* W_h's four blocks packed transposed (cells_lstm.c: wT = 4) */
    lstm_pack_wT(&L, WT);
#endif
    for (int t = 1; t <= T; t++) {
        dmd_num *ht = L.hs + (size_t)(t & 1) * H * B;
        const dmd_num *hprev = t >= 2 ? L.hs + (size_t)((t - 1) & 1) * H * B : NULL;
        const dmd_num *cp = t >= 2 ? L.c + (size_t)(t - 2) * BH : NULL;
        const dmd_num *xt = c->x + (size_t)(t - 1) * I * B;
        const size_t tb = (size_t)(t - 1) * BH;
#ifdef RNN_PASSES
        (void)hprev;
        lstm_fwd_bh(&L, t, WT, xt, cp, ht, tb);
#else
        RNN_TILES(H, B, lstm_fwd_tile(rn, vn, r0, c0, &L, xt, hprev, cp, ht, tb));
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
        dmd_num *dzt = L.dz + (size_t)(t & 1) * B4H;
        const dmd_num *dzn = t < T ? L.dz + (size_t)((t + 1) & 1) * B4H : NULL;
        const dmd_num *dyk = van_dy(c, t);
        van_head_grads(c, t, first, L.hT + tb);
#ifdef RNN_PASSES
        lstm_dh_pass(&L, t, dyk, dzn, dzt);
#else
        RNN_TILES(B, H, lstm_dh_tile(rn, vn, r0, c0, &L, dyk, dzn, tb, t >= 2, dzt));
#endif
        van_dh_diag(c, a, t);
        lstm_step_grads(&L, t, first, dzt, t >= 2 ? L.hT + tb - BH : NULL);
    }
    if (T == 1)
        for (size_t e = 0; e < 4 * (size_t)H * H; e++) ST(L.dW_h, e, CONST(0));
    DMD_PHASE_END("backward");
    if (!a->update) return;

    /* ================= update ================= */
    DMD_PHASE_BEGIN("update");
    van_update(c, a, out);
    DMD_PHASE_END("update");
}
