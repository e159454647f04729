#!/usr/bin/env python3
"""Independent reference for `dmdprof measure --cell gru`.

Re-derives, from the OPERATION ORDER block of core/rnn_gru.c (and nothing
else of the C code), the event stream of one or two BPTT training steps of
the GRU on the addition task (I = 2, O = 1, K = 1) and prices it with the
naive ByteDMD pricers of ref_kernel.py (a list as the stack, a linear search
per read) and ref_lstm.py's classic pricer (a read before a value's first
store is charged to "temp").  The head, the loss, the head gradients and
the update are stated in the block exactly as in rnn_kernel.c's, so
ref_kernel.py's transcriptions of them are reused (W_hy / b_y offsets at
S.off[3] / S.off[4]); the declarations, the three forward passes (r, z, n),
the dh tiles, the second pass and the weight gradients are transcribed
here.  Compared with `dmdprof measure --cell gru --json`: total cost, reads
and per-region costs, to the unit, under live, classic and lru.

usage: ref_gru.py DMDPROF [--quick]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ref_kernel as rk  # noqa: E402
import ref_lstm as rl    # noqa: E402  (LProgram, price_values: classic's read-time regions)

TENSORS = ["W_ir", "W_iz", "W_in", "W_hr", "W_hz", "W_hn", "b_r", "b_z", "b_n", "W_hy", "b_y"]


class GStep:
    """Sizes and parameter offsets of the addition task (I=2, O=1, K=1)."""

    def __init__(self, T, H, B):
        self.T, self.H, self.B = T, H, B
        self.I, self.O, self.K = 2, 1, 1
        I, O = self.I, self.O
        sizes = [I * H] * 3 + [H * H] * 3 + [H] * 3 + [O * H, O]
        self.tsize = sizes
        self.toff = [sum(sizes[:k]) for k in range(len(sizes))]
        self.P = sum(sizes)
        self.Wi = self.toff[0:3]   # W_ir, W_iz, W_in
        self.Wh = self.toff[3:6]   # W_hr, W_hz, W_hn
        self.b = self.toff[6:9]    # b_r, b_z, b_n
        self.off = [None, None, None, self.toff[9], self.toff[10]]  # for ref_kernel's head / update
        self.hT = 2 * H * B        # in "h"
        self.rhT = H * B           # in "rh"
        self.dy = self.K * self.O * B


sig, dsig = rl.sig, rl.dsig   # the sigmoid of rnn_gates.h, shared with the lstm cell


def declare(pg, S, first_step):
    T, H, B, I, K, O = S.T, S.H, S.B, S.I, S.K, S.O
    if first_step:
        for k, name in enumerate(TENSORS):
            pg.region(name, ("P", S.toff[k]), S.tsize[k])
            pg.region("d" + name, ("G", S.toff[k]), S.tsize[k])
            pg.region("v_" + name, ("M", S.toff[k]), S.tsize[k])
        pg.region("x", ("x", 0), T * I * B)
        pg.region("x", ("y", 0), B * K)
        for name, n in (("h", (T + 2) * H * B), ("r", T * B * H), ("z", T * B * H), ("n", T * B * H),
                        ("rh", (T + 1) * B * H), ("dh", B * H), ("da", 6 * B * H), ("logits", 2 * K * O * B)):
            pg.region(name, ("lg" if name == "logits" else name, 0), n)
        pg.input("M", 0, S.P)
        pg.input("P", 0, S.P)
    pg.input("y", 0, B * K)
    pg.input("x", 0, T * I * B)


def pre(pg, S, t, g, i0, rn, b0, vn, hv):
    """bias, the x_t product, and (hv = (buffer, offset) or None) the W_h[g] product."""
    H, B, I = S.H, S.B, S.I
    acc = rk.bias_tile(pg, S.b[g] + i0, rn, vn)
    rk.tile_fma(pg, acc, rn, vn, "P", S.Wi[g] + i0, 1, H, "x", (t - 1) * I * B + b0, B, I, False)
    if hv is not None:
        rk.tile_fma(pg, acc, rn, vn, "P", S.Wh[g] + i0 * H, H, 1, hv[0], hv[1] + b0, B, H, False)
    return acc


def forward_step(pg, S, t):
    H, B = S.H, S.B
    op, LD, ST = pg.op, pg.LD, pg.ST
    prev = ((t - 1) & 1) * H * B

    def te(i, b):
        return ((t - 1) * B + b) * H + i

    if t >= 2:   # pass r
        for i0, rn, b0, vn in rk.tiles(H, B):
            acc = pre(pg, S, t, 0, i0, rn, b0, vn, ("h", prev))
            hp = [[LD("h", prev + (i0 + r) * B + b0 + v) for v in range(vn)] for r in range(rn)]
            rg, rh = {}, {}
            for r in range(rn):
                for v in range(vn):
                    rg[r, v] = sig(pg, acc[r][v])
                    rh[r, v] = op(rg[r, v], hp[r][v])
            for r in range(rn):
                for v in range(vn):
                    ST("rh", (i0 + r) * B + b0 + v, rh[r, v])
            for v in range(vn):
                for r in range(rn):
                    ST("r", te(i0 + r, b0 + v), rg[r, v])
                    ST("rh", S.rhT + te(i0 + r, b0 + v), rh[r, v])
    for i0, rn, b0, vn in rk.tiles(H, B):   # pass z
        acc = pre(pg, S, t, 1, i0, rn, b0, vn, ("h", prev) if t >= 2 else None)
        zg = {(r, v): sig(pg, acc[r][v]) for r in range(rn) for v in range(vn)}
        for v in range(vn):
            for r in range(rn):
                ST("z", te(i0 + r, b0 + v), zg[r, v])
    for i0, rn, b0, vn in rk.tiles(H, B):   # pass n
        acc = pre(pg, S, t, 2, i0, rn, b0, vn, ("rh", 0) if t >= 2 else None)
        zg = [[LD("z", te(i0 + r, b0 + v)) for v in range(vn)] for r in range(rn)]
        hp = [[LD("h", prev + (i0 + r) * B + b0 + v) if t >= 2 else None for v in range(vn)] for r in range(rn)]
        ng, ht = {}, {}
        for r in range(rn):
            for v in range(vn):
                ng[r, v] = op(acc[r][v])                                  # TANH
                ht[r, v] = op(zg[r][v], op(hp[r][v], ng[r, v]), ng[r, v])  # FMA(zg, SUB(hp, ng), ng)
        for r in range(rn):
            for v in range(vn):
                ST("h", (t & 1) * H * B + (i0 + r) * B + b0 + v, ht[r, v])
        for v in range(vn):
            for r in range(rn):
                ST("n", te(i0 + r, b0 + v), ng[r, v])
                ST("h", S.hT + te(i0 + r, b0 + v), ht[r, v])


def backward_step(pg, S, t, first):
    H, B, I, O, T = S.H, S.B, S.I, S.O, S.T
    op, LD, ST = pg.op, pg.LD, pg.ST
    BH = B * H
    D, N = (t & 1) * 3 * BH, ((t + 1) & 1) * 3 * BH
    tb = (t - 1) * BH
    rk.head_grads(pg, S, t, first, ("h", S.hT + tb))
    dyk = rk.dyk_of(S, t)
    for b0, rn, j0, vn in rk.tiles(B, H):   # dh tiles
        el = [(r, v) for r in range(rn) for v in range(vn)]

        def e(r, v):
            return (b0 + r) * H + j0 + v

        acc = [[None] * vn for _ in range(rn)]
        if dyk is not None:
            rk.tile_fma(pg, acc, rn, vn, "lg", dyk + b0 * O, O, 1, "P", S.off[3] + j0, H, O, True)
        if t < T:
            rk.tile_fma(pg, acc, rn, vn, "da", N + b0 * H, H, 1, "P", S.Wh[0] + j0, H, H, True)
            rk.tile_fma(pg, acc, rn, vn, "da", N + BH + b0 * H, H, 1, "P", S.Wh[1] + j0, H, H, True)
            for r, v in el:
                acc[r][v] = op(acc[r][v], LD("dh", e(r, v)))
        for r, v in el:
            ST("dh", e(r, v), acc[r][v])
        zg = {rv: LD("z", tb + e(*rv)) for rv in el}
        ng = {rv: LD("n", tb + e(*rv)) for rv in el}
        hp = {rv: LD("h", S.hT + tb - BH + e(*rv)) if t >= 2 else None for rv in el}
        res = {}
        for r, v in el:
            d = acc[r][v]
            daz = op(op(d, op(hp[r, v], ng[r, v])), dsig(pg, zg[r, v]))
            dan = op(op(d, op(zg[r, v])), op(ng[r, v]))   # MUL(MUL(d, SUB(1, zg)), DTANH(ng))
            res[r, v] = (daz, dan)
        for r, v in el:
            ST("da", D + BH + e(r, v), res[r, v][0])
        for r, v in el:
            ST("da", D + 2 * BH + e(r, v), res[r, v][1])
    if t >= 2:
        for b0, rn, j0, vn in rk.tiles(B, H):   # second pass
            el = [(r, v) for r in range(rn) for v in range(vn)]

            def e(r, v):
                return (b0 + r) * H + j0 + v

            acc = [[None] * vn for _ in range(rn)]
            rk.tile_fma(pg, acc, rn, vn, "da", D + 2 * BH + b0 * H, H, 1, "P", S.Wh[2] + j0, H, H, True)
            rg = {rv: LD("r", tb + e(*rv)) for rv in el}
            hp = {rv: LD("h", S.hT + tb - BH + e(*rv)) for rv in el}
            dh = {rv: LD("dh", e(*rv)) for rv in el}
            zg = {rv: LD("z", tb + e(*rv)) for rv in el}
            res = {}
            for r, v in el:
                a = acc[r][v]
                dar = op(op(a, hp[r, v]), dsig(pg, rg[r, v]))
                cr = op(a, rg[r, v], op(dh[r, v], zg[r, v]))
                res[r, v] = (dar, cr)
            for r, v in el:
                ST("da", D + e(r, v), res[r, v][0])
            for r, v in el:
                ST("dh", e(r, v), res[r, v][1])
    # weight gradients
    if t >= 2:
        for g, U in ((0, ("h", S.hT + tb - BH)), (1, ("h", S.hT + tb - BH)), (2, ("rh", S.rhT + tb))):
            for r0, rn, c0, vn in rk.tiles(H, H):
                rk.grad_tile(pg, first, rn, vn, "G", S.Wh[g] + r0 * H + c0, H, "da", D + g * BH + r0, 1, H,
                             U[0], U[1] + c0, H, B, False)
    gates = (0, 1, 2) if t >= 2 else (1, 2)
    xt = (t - 1) * I * B
    for g in gates:
        for r0, rn, c0, vn in rk.tiles(I, H):
            rk.grad_tile(pg, first, rn, vn, "G", S.Wi[g] + r0 * H + c0, H, "x", xt + r0 * B, B, 1, "da",
                         D + g * BH + c0, H, B, True)
    for g in gates:
        for i0 in range(0, H, rk.VT):
            vn = min(rk.VT, H - i0)
            acc = [None if first else LD("G", S.b[g] + i0 + v) for v in range(vn)]
            for b in range(B):
                for v in range(vn):
                    acc[v] = op(acc[v], LD("da", D + g * BH + b * H + i0 + v))
            for v in range(vn):
                ST("G", S.b[g] + i0 + v, acc[v])


def gru_step(pg, T, H, B, first_step, clipped):
    S = GStep(T, H, B)
    declare(pg, S, first_step)
    pg.phase = "forward"
    for t in range(1, T + 1):
        forward_step(pg, S, t)
    rk.head_and_loss(pg, S, ("h", (T & 1) * H * B))   # K = 1: the head of step T, then the loss
    pg.phase = "backward"
    for t in range(T, 0, -1):
        backward_step(pg, S, t, t == T)
    if T == 1:
        for e in range(S.I * H):
            pg.ST("G", S.Wi[0] + e, None)
        for g in range(3):
            for e in range(H * H):
                pg.ST("G", S.Wh[g] + e, None)
        for e in range(H):
            pg.ST("G", S.b[0] + e, None)
    pg.phase = "update"
    rk.update(pg, S, clipped)
    pg.phase = "(none)"
    return S.P


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    quick = "--quick" in sys.argv
    grid = [(2, 1, 1, 1), (3, 2, 1, 8), (3, 5, 3, 4), (2, 17, 1, 1)]
    if not quick:
        grid += [(4, 3, 2, 8), (4, 9, 17, 8), (3, 4, 5, 2)]
    checked, bad = rl.verify(sys.argv[1], grid, ("--cell", "gru"), "gru ", gru_step)
    print(f"{checked - bad} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
