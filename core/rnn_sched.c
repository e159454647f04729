/*
 * rnn_sched.c -- the other BPTT schedules of the vanilla cell (the baseline
 * `bptt` is core/rnn_kernel.c).  Every schedule computes the gradient of the
 * same loss with the same floating-point chains as the baseline (each output
 * element: the same initial value, then the same FMA/ADD operands in the
 * same order), so parameters, loss and gradients are bit-identical to
 * `bptt`; only the order in which independent chains run, what is stored,
 * and (ckpt) what is recomputed, differ.  tests/core/test_sched.c checks the
 * bits; tests/measure/ref_sched.py re-derives every priced event from the
 * blocks below.
 *
 * Compiled like rnn_kernel.c (core/model.cmake): plain f64/f32 per
 * instruction-set clone (rnn_sched_NAME_{f64,f32}_<isa>, dispatched by
 * core/rnn_sched_isa.c), instrumented f64/f32 (rnn_sched_NAME_{f64,f32}_dmd).
 * The shared parts (tiles, products, forward step, loss, head, update) are
 * rnn_kernel.c's, included below with RNN_KERNEL_PARTS_ONLY: their priced
 * sites stay on rnn_kernel.c's lines.
 *
 * ---------------------------------------------------------------------------
 * OPERATION ORDER (normative).  Conventions, the tile, the instrumented
 * declarations, the inputs, phase "forward" (h_t tiles, head, loss) and
 * phase "update" are those of core/rnn_kernel.c's OPERATION ORDER unless a
 * block says otherwise; "the dh/dz tiles of step t", "the head gradients of
 * step t", "the dW_hh / dW_ih / db_h products of step t" name the
 * baseline's phase "backward" items (with first = (t == T)).  "Reversed"
 * tiles: the same tiles of the product visited in exactly the reverse
 * order of the baseline's sequence (row blocks last to first, column
 * blocks last to first inside each), each tile's own events unchanged.
 *
 * Schedule `dwafter` (weight gradients after the loop, as cuDNN does):
 *   state: h (T+2, H, B) as bptt; dh (B, H); dz (T, B, H): dz_t at
 *   dz[t-1] (every step kept); logits as bptt.
 *   forward: as bptt.
 *   backward, for t = T..1: the head gradients of step t; the dh/dz tiles
 *   of step t (dz_{t+1} = dz[t], dz_t stored to dz[t-1]).  Then, after the
 *   loop, the weight gradients as products over all timesteps:
 *     dW_hh tiles rows i (RT), columns j (VT): acc = CONST(0);
 *       for t = T..2: for b < B: a = LD(dz, ((t-1)*B + b)*H + i),
 *         u = LD(hT, ((t-2)*B + b)*H + j), acc = FMA(a, u, acc)
 *       (the tile's inner order: for k = (t, b): the rn broadcasts a_r,
 *       then per column v: u, then per row r the FMA);  ST(dW_hh, i*H + j, acc)
 *       (T == 1: no FMA, acc = CONST(0) stored in this tile order)
 *     dW_ih tiles rows j (input, RT), columns i (hidden, VT): acc = CONST(0);
 *       for t = T..1: for b: a = LD(x, ((t-1)*I + j)*B + b),
 *         u = LD(dz, ((t-1)*B + b)*H + i), acc = FMA(u, a, acc); ST(dW_ih, j*H + i, acc)
 *     db_h, columns i in blocks of VT: acc = CONST(0); for t = T..1: for b:
 *       for v: acc = ADD(acc, LD(dz, ((t-1)*B + b)*H + i)); ST(db_h, i, acc)
 *     (Unpriced plain builds split t = T..1 into blocks, each accumulator
 *     stored after a block and reloaded for the next: the same chains.)
 *   update: as bptt.
 *
 * Schedule `alt` (dwafter, and W_hh swept in alternating direction):
 *   state, backward's weight products and update as dwafter.
 *   forward: as bptt, except that the h_t tiles of step t are reversed
 *   when t is odd (t = 2 ascending, t = 3 reversed, ...).
 *   backward: as dwafter, except that the dh/dz tiles of step t are
 *   reversed when T - t is even (t = T-1, the first to read W_hh, ascending;
 *   t = T-2 reversed, ...).
 *
 * Schedule `fused` (a W_hh column strip serves the dh product and the
 * dW_hh accumulation back to back):
 *   state and forward as bptt.
 *   backward, for t = T..1 (dz_t in buffer t&1):
 *     the head gradients of step t;
 *     if t == T: the dh/dz tiles of step T;
 *     else, per column block j0 of H (VT, then 8, 4, 2, 1, ascending):
 *       the dh/dz tiles of step t restricted to columns j0 (rows b in
 *       blocks of RT, then single rows), then the dW_hh tiles of step t+1
 *       restricted to columns j0 (rows i, RT blocks then single rows):
 *       acc = (t+1 == T) ? CONST(0) : LD(dW_hh, i*H + j);
 *       for b: a = LD(dz_{t+1}, b*H + i), u = LD(hT, ((t-1)*B + b)*H + j),
 *       acc = FMA(a, u, acc); ST(dW_hh, i*H + j, acc)
 *       (dz_{t+1}: buffer (t+1)&1; h_t: hT[t-1]);
 *     then the dW_ih and db_h products of step t.
 *   (T == 1: ST(dW_hh, e, CONST(0)) for every e, as bptt.)  update as bptt.
 *
 * Schedule `ckpt` (gradient checkpointing, Chen et al. 2016; Gruslys et al.
 * 2016): k = --ckpt-every (default ceil(sqrt(T))), S = ceil(T/k) segments,
 * segment s = 0..S-1 holding t = s*k+1 .. min((s+1)*k, T).
 *   state: h (k+2, H, B): the ring (2, H, B), then seg (k, B, H);
 *   hckpt (2, S, H, B): ckr (S, H, B) then ckT (S, B, H), slot c-1 holding
 *   h_{c*k} for c = 1..S-1 (slot S-1 unused); dh, dz, logits as bptt.
 *   forward, for t = 1..T: the h_t tiles of bptt, each tile storing h_t:
 *   ST ring slot t&1 (r, v order); then, if t = c*k with c <= S-1:
 *   ST(ckr[c-1], (i*B + b)) (r, v order) and ST(ckT[c-1], b*H + i)
 *   (v, r order); else, if t is in segment S-1: ST(seg[t - (S-1)*k - 1],
 *   b*H + i) (v, r order).  The head and the loss as bptt.
 *   backward, for s = S-1..0 (t0 = s*k + 1, t1 = min((s+1)*k, T)):
 *     if s < S-1, recompute, for t = t0..t1: the h_t tiles of bptt with
 *       h_{t-1} read from ckr[s-1] at t = t0 (s >= 1; none at t = 1) and
 *       from the ring slot (t-1)&1 otherwise; stores: ring slot t&1, then
 *       seg[t - t0] (no checkpoint stores, no head);
 *     then for t = t1..t0: as bptt's backward step t with h_t read from
 *       seg[t - t0] and h_{t-1} from seg[t - t0 - 1] (t > t0) or ckT[s-1]
 *       (t = t0, s >= 1).
 *   update as bptt.
 * ---------------------------------------------------------------------------
 */
#include <math.h>

#define RNN_KERNEL_PARTS_ONLY
#include "rnn_kernel.c"

/* ---- tile walks of this file (RNN_TILES_REV is rnn_kernel.c's) ---- */
/* Column blocks ascending (TC, then 8, 4, 2, 1), BODY seeing c0, vn. */
#define RNN_SCOLS(cols, BODY)                                                                                      \
    for (int c0_ = 0; c0_ < (cols);) {                                                                             \
        const int rem_ = (cols)-c0_, w_ = rem_ >= TC ? TC : rem_ >= 8 ? 8 : rem_ >= 4 ? 4 : rem_ >= 2 ? 2 : 1;     \
        RNN__COL_AT(1, c0_, w_, BODY);                                                                             \
        c0_ += w_;                                                                                                 \
    }
/* Row blocks ascending (TR, then single rows), BODY seeing r0, rn. */
#define RNN_SROWS(rows, BODY)                                                                                      \
    for (int r0 = 0; r0 < (rows);) {                                                                               \
        if ((rows)-r0 >= TR) {                                                                                     \
            const int rn = TR;                                                                                     \
            BODY;                                                                                                  \
            r0 += TR;                                                                                              \
        } else {                                                                                                   \
            const int rn = 1;                                                                                      \
            BODY;                                                                                                  \
            r0 += 1;                                                                                               \
        }                                                                                                          \
    }

/* One gradient tile chained over n timesteps: acc = CONST(0) (first) or
 * the stored G (a later block of timesteps, plain builds), then for s < n:
 * tile_fma over the B batch rows of the step at A + s*ats, U + s*uts (the
 * timesteps descending: ats, uts < 0), then ST once. */
RNN_INLINE void grad_tile_steps(DMD_SITE_PARAM int rn, int vn, dmd_num *G, ptrdiff_t grs, int first, const dmd_num *A,
                                ptrdiff_t ars, ptrdiff_t aks, ptrdiff_t ats, const dmd_num *U, ptrdiff_t uks,
                                ptrdiff_t uts, int nk, int n, int ufirst)
{
    tile_t acc;
    tile_load(DMD_SITE_PASS acc, rn, vn, G, grs, first);
    for (int s = 0; s < n; s++)
        tile_fma(DMD_SITE_PASS acc, rn, vn, A + s * ats, ars, aks, U + s * uts, uks, nk, ufirst);
    tile_store(DMD_SITE_PASS acc, rn, vn, G, grs);
}

/* The shared parts, expanded once in this file (the schedules call them;
 * keeps the four schedules' plain clones small to compile).  rev: the
 * product's tiles reversed. */
#define RNN_NOINLINE static __attribute__((noinline))
RNN_NOINLINE void s_forward_step(const van_step *c, int t, const dmd_num *hprev, dmd_num *ht, dmd_num *hc, dmd_num *hTt)
{
    van_forward_step(c, t, hprev, ht, hc, hTt, 0);
}
RNN_NOINLINE void s_head_step(const van_step *c, int t, const dmd_num *ht) { van_head_step(c, t, ht); }
/* bptt's forward (rev_odd 0) or alt's (1: the h_t tiles of odd t reversed). */
RNN_NOINLINE void s_forward(const van_step *c, dmd_num *hs, dmd_num *hT, int rev_odd) { van_forward(c, hs, hT, rev_odd); }
RNN_NOINLINE void s_loss(const van_step *c, rnn_kout *out) { van_loss(c, out); }
RNN_NOINLINE void s_head_grads(const van_step *c, int t, int first, const dmd_num *hTt) { van_head_grads(c, t, first, hTt); }
RNN_NOINLINE void s_dh_step(const van_step *c, const rnn_kargs *a, int t, const dmd_num *dzn, const dmd_num *hTt,
                            dmd_num *dzt, int rev)
{
    if (!rev) {
        van_dh_step(c, a, t, dzn, hTt, dzt, NULL);
        return;
    }
    dmd_num *dh = (dmd_num *)c->m->st.van.dh;
    const dmd_num *dyk = van_dy(c, t);
    RNN_TILES_REV(c->B, c->H, dh_tile(rn, vn, r0, c0, c->H, c->O, c->relu, dyk, c->W_hy, dzn, c->W_hh, hTt, dh, dzt));
    van_dz_pass(c->relu, (size_t)c->B * c->H, dh, hTt, dzt);
    van_dh_diag(c, a, t);
}
RNN_NOINLINE void s_step_grads(const van_step *c, int t, int first, const dmd_num *dzt, const dmd_num *hTp)
{
    van_step_grads(c, t, first, dzt, hTp, NULL);
}
RNN_NOINLINE void s_update(const van_step *c, const rnn_kargs *a, rnn_kout *out) { van_update(c, a, out); }

/* ---- dwafter and alt ---- */
/* The weight gradients after the loop, over the timesteps s0 .. s0+n-1 of
 * the product (t = T-s0 down to T-s0-n+1): dW_hh (t >= 2), dW_ih, db_h,
 * each chain starting at CONST(0) when s0 == 0 and continuing from the
 * stored value otherwise.  The instrumented builds make one block (s0 = 0,
 * n = T: the OPERATION ORDER); the plain builds block the timesteps so that
 * a block's dz and h rows stay in cache at large B (the chains, and so the
 * bits, are the same: a stored value reloads exactly). */
RNN_NOINLINE void s_after_block(const van_step *c, const dmd_num *dz, const dmd_num *hT, int s0, int n)
{
    const int T = c->T, B = c->B, I = c->I, H = c->H, first = s0 == 0;
    const int nh = n < T - 1 - s0 ? n : T - 1 - s0; /* dW_hh's steps in this block (none at t = 1) */
    const ptrdiff_t BH = (ptrdiff_t)B * H;
    const dmd_num *dzs = dz + (size_t)(T - 1 - s0) * BH, *xs = c->x + (size_t)(T - 1 - s0) * I * B;
    if (first || nh > 0) /* T == 1: no FMA, CONST(0) stored in tile order */
        RNN_TILES(H, H, grad_tile_steps(DMD_SITE_HERE rn, vn, c->dW_hh + (size_t)r0 * H + c0, H, first, dzs + r0, 1, H, -BH,
                                        nh > 0 ? hT + (size_t)(T - 2 - s0) * BH + c0 : hT, H, -BH, B, nh, 0));
    RNN_TILES(I, H, grad_tile_steps(DMD_SITE_HERE rn, vn, c->dW_ih + (size_t)r0 * H + c0, H, first, xs + (size_t)r0 * B, B,
                                    1, -(ptrdiff_t)I * B, dzs + c0, H, -BH, B, n, 1));
    for (int i0 = 0; i0 < H; i0 += VT) {
        int vn = H - i0 < VT ? H - i0 : VT;
        dmd_real acc[VT];
        for (int v = 0; v < vn; v++) acc[v] = first ? CONST(0) : LD(c->db_h, i0 + v);
        for (int t = T - s0; t > T - s0 - n; t--)
            for (int b = 0; b < B; b++)
                for (int v = 0; v < vn; v++) acc[v] = ADD(acc[v], LD(dz, ((size_t)(t - 1) * B + b) * H + i0 + v));
        for (int v = 0; v < vn; v++) ST(c->db_h, i0 + v, acc[v]);
    }
}
RNN_NOINLINE void sched_dwafter(const rnn_kargs *a, rnn_kout *out, int alternate)
{
    van_step c;
    van_step_init(&c, a->m);
    const int T = c.T, B = c.B, H = c.H;
    const ptrdiff_t BH = (ptrdiff_t)B * H;
    dmd_num *hs = (dmd_num *)a->m->st.van.h, *hT = hs + (size_t)2 * H * B;
    dmd_num *dz = (dmd_num *)a->m->st.van.dz; /* (T, B, H) */
    van_inputs(&c, a);

    DMD_PHASE_BEGIN("forward");
    s_forward(&c, hs, hT, alternate);
    s_loss(&c, out);
    DMD_PHASE_END("forward");
    if (!a->backward) return;

    DMD_PHASE_BEGIN("backward");
    for (int t = T; t >= 1; t--) {
        const dmd_num *hTt = hT + (size_t)(t - 1) * B * H;
        s_head_grads(&c, t, t == T, hTt);
        s_dh_step(&c, a, t, t < T ? dz + (size_t)t * BH : NULL, hTt, dz + (size_t)(t - 1) * BH,
                  alternate && (T - t) % 2 == 0);
    }
    /* the weight gradients over all timesteps, t = T..2 (dW_hh), T..1 */
#ifdef DMD_INSTRUMENT
    const int kb = T;
#else
    const int kb = B >= 64 ? 1 : (B + 63) / B; /* about 64 products per chain and block: 2 steps at B = 50 */
#endif
    for (int s0 = 0; s0 < T; s0 += kb) s_after_block(&c, dz, hT, s0, T - s0 < kb ? T - s0 : kb);
    DMD_PHASE_END("backward");
    if (!a->update) return;

    DMD_PHASE_BEGIN("update");
    s_update(&c, a, out);
    DMD_PHASE_END("update");
}

void RNN_SFX(rnn_sched_dwafter)(const rnn_kargs *a, rnn_kout *out) { sched_dwafter(a, out, 0); }
void RNN_SFX(rnn_sched_alt)(const rnn_kargs *a, rnn_kout *out) { sched_dwafter(a, out, 1); }

/* ---- fused ---- */
void RNN_SFX(rnn_sched_fused)(const rnn_kargs *a, rnn_kout *out)
{
    van_step c;
    van_step_init(&c, a->m);
    const int T = c.T, B = c.B, H = c.H;
    dmd_num *hs = (dmd_num *)a->m->st.van.h, *hT = hs + (size_t)2 * H * B;
    dmd_num *dz = (dmd_num *)a->m->st.van.dz; /* (2, B, H) */
    dmd_num *dh = (dmd_num *)a->m->st.van.dh;
    van_inputs(&c, a);

    DMD_PHASE_BEGIN("forward");
    s_forward(&c, hs, hT, 0);
    s_loss(&c, out);
    DMD_PHASE_END("forward");
    if (!a->backward) return;

    DMD_PHASE_BEGIN("backward");
    for (int t = T; t >= 1; t--) {
        const int first = t == T;
        const dmd_num *hTt = hT + (size_t)(t - 1) * B * H;
        dmd_num *dzt = dz + (size_t)(t & 1) * B * H;
        s_head_grads(&c, t, first, hTt);
        if (t == T)
            s_dh_step(&c, a, t, NULL, hTt, dzt, 0);
        else {
            const dmd_num *dzn = dz + (size_t)((t + 1) & 1) * B * H, *dyk = van_dy(&c, t);
            const int gfirst = t + 1 == T;
            RNN_SCOLS(H, {
                (void)rn;
                RNN_SROWS(B, dh_tile(rn, vn, r0, c0, H, c.O, c.relu, dyk, c.W_hy, dzn, c.W_hh, hTt, dh, dzt));
                RNN_SROWS(H, grad_tile(DMD_SITE_HERE rn, vn, c.dW_hh + (size_t)r0 * H + c0, H, gfirst, dzn + r0, 1, H,
                                       hTt + c0, H, B, 0));
            });
            van_dz_pass(c.relu, (size_t)B * H, dh, hTt, dzt);
            van_dh_diag(&c, a, t);
        }
        s_step_grads(&c, t, first, dzt, NULL);
    }
    if (T == 1)
        for (size_t e = 0; e < (size_t)H * H; e++) ST(c.dW_hh, e, CONST(0));
    DMD_PHASE_END("backward");
    if (!a->update) return;

    DMD_PHASE_BEGIN("update");
    s_update(&c, a, out);
    DMD_PHASE_END("update");
}

/* ---- ckpt ---- */
void RNN_SFX(rnn_sched_ckpt)(const rnn_kargs *a, rnn_kout *out)
{
    van_step c;
    van_step_init(&c, a->m);
    const int T = c.T, B = c.B, H = c.H;
    const size_t HB = (size_t)H * B;
    const int k = (int)a->m->dims.d[RNN_DS], S = (int)a->m->dims.d[RNN_DC];
    dmd_num *hs = (dmd_num *)a->m->st.van.h, *seg = hs + 2 * HB;  /* ring (2, H, B), seg (k, B, H) */
    dmd_num *ckr = (dmd_num *)a->m->st.van.hckpt, *ckT = ckr + (size_t)S * HB; /* (S, H, B), (S, B, H) */
    dmd_num *dz = (dmd_num *)a->m->st.van.dz;
    van_inputs(&c, a);

    DMD_PHASE_BEGIN("forward");
    long sat = 0;
    for (int t = 1; t <= T; t++) {
        dmd_num *ht = hs + (size_t)(t & 1) * HB;
        const int cp = t % k == 0 && t / k <= S - 1 ? t / k : 0;
        dmd_num *hc = cp ? ckr + (size_t)(cp - 1) * HB : NULL;
        dmd_num *hTt = cp ? ckT + (size_t)(cp - 1) * HB : t > (S - 1) * k ? seg + (size_t)(t - (S - 1) * k - 1) * HB : NULL;
        s_forward_step(&c, t, t >= 2 ? hs + (size_t)((t - 1) & 1) * HB : NULL, ht, hc, hTt);
        s_head_step(&c, t, ht);
        if (a->sat_count) /* diagnostic, unpriced: |h| > 0.99 over every h_t */
            for (size_t e = 0; e < HB; e++) sat += fabs((double)ht[e]) > 0.99;
    }
    if (a->sat_count) *a->sat_count = sat;
    s_loss(&c, out);
    DMD_PHASE_END("forward");
    if (!a->backward) return;

    DMD_PHASE_BEGIN("backward");
    for (int s = S - 1; s >= 0; s--) {
        const int t0 = s * k + 1, t1 = (s + 1) * k < T ? (s + 1) * k : T;
        if (s < S - 1)
            for (int t = t0; t <= t1; t++) {
                const dmd_num *hprev = t > t0 ? hs + (size_t)((t - 1) & 1) * HB : s ? ckr + (size_t)(s - 1) * HB : NULL;
                s_forward_step(&c, t, hprev, hs + (size_t)(t & 1) * HB, NULL, seg + (size_t)(t - t0) * HB);
            }
        for (int t = t1; t >= t0; t--) {
            const int first = t == T;
            const dmd_num *hTt = seg + (size_t)(t - t0) * HB;
            const dmd_num *hTp = t > t0 ? seg + (size_t)(t - t0 - 1) * HB : s ? ckT + (size_t)(s - 1) * HB : NULL;
            dmd_num *dzt = dz + (size_t)(t & 1) * HB;
            s_head_grads(&c, t, first, hTt);
            s_dh_step(&c, a, t, t < T ? dz + (size_t)((t + 1) & 1) * HB : NULL, hTt, dzt, 0);
            s_step_grads(&c, t, first, dzt, hTp);
        }
    }
    if (T == 1)
        for (size_t e = 0; e < (size_t)H * H; e++) ST(c.dW_hh, e, CONST(0));
    DMD_PHASE_END("backward");
    if (!a->update) return;

    DMD_PHASE_BEGIN("update");
    s_update(&c, a, out);
    DMD_PHASE_END("update");
}
