#!/usr/bin/env python3
"""Independent reference for `dmdprof measure --cell lstm`.

Re-derives, from the OPERATION ORDER block of core/rnn_lstm.c (and nothing
else of the C code), the event stream of one or two BPTT training steps of
the LSTM on the addition task (I = 2, O = 1, K = 1) and prices it with
ref_kernel.py's naive ByteDMD pricers (a list as the stack, a linear search
per read).  The head, the loss, the head gradients and the update are
stated in the block exactly as in rnn_kernel.c's, so ref_kernel.py's
transcriptions of them are reused (they take the W_hy / b_y offsets from
S.off[3] / S.off[4]); the declarations, the four gates' products, the cell
state, the gate activations, the dh/dz tiles and the weight gradients are
transcribed here.  Compared with `dmdprof measure --cell lstm --json`:
total cost, reads and per-region costs, to the unit, under live, classic
and lru.

usage: ref_lstm.py DMDPROF [--quick]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ref_kernel as rk  # noqa: E402

TENSORS = ["W_ii", "W_if", "W_ig", "W_io", "W_hi", "W_hf", "W_hg", "W_ho", "b_i", "b_f", "b_g", "b_o", "W_hy", "b_y"]


class LStep:
    """Sizes and parameter offsets of the addition task (I=2, O=1, K=1)."""

    def __init__(self, T, H, B):
        self.T, self.H, self.B = T, H, B
        self.I, self.O, self.K = 2, 1, 1
        I, O = self.I, self.O
        sizes = [I * H] * 4 + [H * H] * 4 + [H] * 4 + [O * H, O]
        self.toff = [sum(sizes[:k]) for k in range(len(sizes))]
        self.tsize = sizes
        self.P = sum(sizes)
        self.Wi, self.Wh, self.b = self.toff[0], self.toff[4], self.toff[8]
        # ref_kernel's head/loss/head-gradient/update code reads W_hy at off[3], b_y at off[4]
        self.off = [None, None, None, self.toff[12], self.toff[13]]
        self.hT = 2 * H * B
        self.dy = self.K * self.O * B


def sig(pg, z):      # MUL(CONST(0.5), z); TANH; FMA(CONST(0.5), s, CONST(0.5))
    return pg.op(pg.op(pg.op(z)))


def dsig(pg, s):     # d = SUB(CONST(1), s); MUL(s, d)
    d = pg.op(s)
    return pg.op(s, d)


def declare(pg, S, first_step):
    T, H, B, I, K, O = S.T, S.H, S.B, S.I, S.K, S.O
    if first_step:
        for k, name in enumerate(TENSORS):
            pg.region(name, ("P", S.toff[k]), S.tsize[k])
            pg.region("d" + name, ("G", S.toff[k]), S.tsize[k])
            pg.region("v_" + name, ("M", S.toff[k]), S.tsize[k])
        pg.region("x", ("x", 0), T * I * B)
        pg.region("x", ("y", 0), B * K)
        for name, n in (("h", (T + 2) * H * B), ("dh", B * H), ("dz", 2 * B * 4 * H), ("logits", 2 * K * O * B),
                        ("c", T * B * H), ("gates", T * B * 4 * H), ("tanh_c", T * B * H), ("dc", B * H)):
            pg.region(name, ("lg" if name == "logits" else name, 0), n)   # ref_kernel's buffer name "lg"
        pg.input("M", 0, S.P)
        pg.input("P", 0, S.P)
    pg.input("y", 0, B * K)
    pg.input("x", 0, T * I * B)


def forward_tile(pg, S, t, i0, rn, b0, vn):
    H, B, I = S.H, S.B, S.I
    op, LD, ST = pg.op, pg.LD, pg.ST
    acc = []
    for q in range(4):
        a = [[None] * vn for _ in range(rn)]
        for r in range(rn):
            bq = LD("P", S.b + q * H + i0 + r)
            for v in range(vn):
                a[r][v] = bq
        # reduction j < I: a = W_i[q*I*H + j*H + i] (row stride 1, k stride H), u = x[((t-1)*I + j)*B + b]
        rk.tile_fma(pg, a, rn, vn, "P", S.Wi + q * I * H + i0, 1, H, "x", (t - 1) * I * B + b0, B, I, False)
        if t >= 2:
            # reduction j < H: a = W_h[(q*H + i)*H + j], u = h ring slot (t-1)&1 at j*B + b
            rk.tile_fma(pg, a, rn, vn, "P", S.Wh + (q * H + i0) * H, H, 1, "h", ((t - 1) & 1) * H * B + b0, B, H,
                        False)
        acc.append(a)
    cp = None
    if t >= 2:
        cp = [[LD("c", ((t - 2) * B + b0 + v) * H + i0 + r) for v in range(vn)] for r in range(rn)]
    res = {}
    for r in range(rn):
        for v in range(vn):
            ig = sig(pg, acc[0][r][v])
            fg = sig(pg, acc[1][r][v])
            gg = op(acc[2][r][v])            # TANH
            og = sig(pg, acc[3][r][v])
            ct = op(ig, gg)                  # MUL
            if t >= 2:
                ct = op(fg, cp[r][v], ct)    # FMA(fg, cp, ct)
            tc = op(ct)                      # TANH
            ht = op(og, tc)                  # MUL
            res[r, v] = (ig, fg, gg, og, ct, tc, ht)
    for r in range(rn):
        for v in range(vn):
            ST("h", (t & 1) * H * B + (i0 + r) * B + b0 + v, res[r, v][6])
    for v in range(vn):
        for r in range(rn):
            ig, fg, gg, og, ct, tc, ht = res[r, v]
            b, i = b0 + v, i0 + r
            g0 = ((t - 1) * B + b) * 4 * H
            ST("gates", g0 + i, ig)
            ST("gates", g0 + H + i, fg)
            ST("gates", g0 + 2 * H + i, gg)
            ST("gates", g0 + 3 * H + i, og)
            e = ((t - 1) * B + b) * H + i
            ST("c", e, ct)
            ST("tanh_c", e, tc)
            ST("h", S.hT + e, ht)


def dh_tile(pg, S, t, b0, rn, j0, vn):
    H, B, O = S.H, S.B, S.O
    H4 = 4 * H
    op, LD, ST = pg.op, pg.LD, pg.ST
    dyk = rk.dyk_of(S, t)
    acc = [[None] * vn for _ in range(rn)]
    if dyk is not None:   # reduction o < O, u first: a = dlogits[(k*B + b)*O + o], u = W_hy[o*H + j]
        rk.tile_fma(pg, acc, rn, vn, "lg", dyk + b0 * O, O, 1, "P", S.toff[12] + j0, H, O, True)
    if t < S.T:           # reduction n < 4H, u first: a = dz_{t+1}[b*4H + n], u = W_h[n*H + j]
        rk.tile_fma(pg, acc, rn, vn, "dz", ((t + 1) & 1) * B * H4 + b0 * H4, H4, 1, "P", S.Wh + j0, H, H4, True)
    dzb = (t & 1) * B * H4
    el = [(r, v) for r in range(rn) for v in range(vn)]   # "for r: for v" over the tile

    def e_(r, v):
        return (b0 + r) * H + j0 + v

    def te_(r, v):
        return (t - 1) * B * H + e_(r, v)

    def g0_(r, v):
        return ((t - 1) * B + b0 + r) * H4 + j0 + v

    for r, v in el:
        ST("dh", e_(r, v), acc[r][v])
    og = {rv: LD("gates", g0_(*rv) + 3 * H) for rv in el}
    tc = {rv: LD("tanh_c", te_(*rv)) for rv in el}
    dcn = {rv: LD("dc", e_(*rv)) for rv in el} if t < S.T else None
    ig = {rv: LD("gates", g0_(*rv)) for rv in el}
    gg = {rv: LD("gates", g0_(*rv) + 2 * H) for rv in el}
    if t >= 2:
        fg = {rv: LD("gates", g0_(*rv) + H) for rv in el}
        cp = {rv: LD("c", te_(*rv) - B * H) for rv in el}
    out = {}
    for r, v in el:
        a = acc[r][v]
        x1 = op(a, tc[r, v])
        dzo = op(x1, dsig(pg, og[r, v]))
        x2 = op(a, og[r, v])
        dc = op(x2, op(tc[r, v]))                # MUL(MUL(acc, og), DTANH(tc))
        if t < S.T:
            dc = op(dc, dcn[r, v])               # ADD
        x3 = op(dc, gg[r, v])
        dzi = op(x3, dsig(pg, ig[r, v]))
        x4 = op(dc, ig[r, v])
        dzg = op(x4, op(gg[r, v]))               # MUL(MUL(dc, ig), DTANH(gg))
        dzf = dcf = None
        if t >= 2:
            x5 = op(dc, cp[r, v])
            dzf = op(x5, dsig(pg, fg[r, v]))
            dcf = op(dc, fg[r, v])
        out[r, v] = (dzi, dzf, dzg, dzo, dcf)
    if t >= 2:
        for r, v in el:
            ST("dc", e_(r, v), out[r, v][4])
    for q in range(4):
        for r, v in el:
            ST("dz", dzb + (b0 + r) * H4 + q * H + j0 + v, out[r, v][q])


def step_grads(pg, S, t, first):
    H, B, I = S.H, S.B, S.I
    H4 = 4 * H
    dzb = (t & 1) * B * H4
    if t >= 2:   # dW_h: rows n < 4H, columns j, reduction b: a = dz_t[b*4H + n], u = hT_{t-1}[b*H + j]
        for r0, rn, c0, vn in rk.tiles(H4, H):
            rk.grad_tile(pg, first, rn, vn, "G", S.Wh + r0 * H + c0, H, "dz", dzb + r0, 1, H4, "h",
                         S.hT + (t - 2) * B * H + c0, H, B, False)
    xt = (t - 1) * I * B
    for q in range(4):   # dW_i gate q: rows j < I, columns i, u first: a = x[xt + j*B + b], u = dz_t[b*4H + q*H + i]
        for r0, rn, c0, vn in rk.tiles(I, H):
            rk.grad_tile(pg, first, rn, vn, "G", S.Wi + q * I * H + r0 * H + c0, H, "x", xt + r0 * B, B, 1, "dz",
                         dzb + q * H + c0, H4, B, True)
    for n0 in range(0, H4, rk.VT):
        vn = min(rk.VT, H4 - n0)
        acc = [None if first else pg.LD("G", S.b + n0 + v) for v in range(vn)]
        for b in range(B):
            for v in range(vn):
                acc[v] = pg.op(acc[v], pg.LD("dz", dzb + b * H4 + n0 + v))
        for v in range(vn):
            pg.ST("G", S.b + n0 + v, acc[v])


def lstm_step(pg, T, H, B, first_step, clipped):
    S = LStep(T, H, B)
    declare(pg, S, first_step)
    pg.phase = "forward"
    for t in range(1, T + 1):
        for i0, rn, b0, vn in rk.tiles(H, B):
            forward_tile(pg, S, t, i0, rn, b0, vn)
    rk.head_and_loss(pg, S, ("h", (T & 1) * H * B))   # K = 1: the head of step T, then the loss
    pg.phase = "backward"
    for t in range(T, 0, -1):
        first = t == T
        rk.head_grads(pg, S, t, first, ("h", S.hT + (t - 1) * B * H))
        for b0, rn, j0, vn in rk.tiles(B, H):
            dh_tile(pg, S, t, b0, rn, j0, vn)
        step_grads(pg, S, t, first)
    if T == 1:
        for e in range(4 * H * H):
            pg.ST("G", S.Wh + e, None)
    pg.phase = "update"
    rk.update(pg, S, clipped)
    pg.phase = "(none)"
    return S.P


class LProgram(rk.Program):
    """ref_kernel's Program, and each instruction also records the region its
    operands have at the time of the read: the engine's classic model cannot
    see the future, so a read of a value before its first store is charged to
    "temp" (instrument/dmd_engine.c, Notes; live knows every region from its
    counting pass).  The LSTM reads i, f, g, o, c_t and tanh(c_t) in the
    forward tile before storing them; the vanilla kernel never does."""

    def op(self, *operands):
        ops = [o for o in operands if o is not None]
        if not ops:
            return None
        v = self.new_value()
        self.events.append(("op", ops, v, self.phase, [self.value_region.get(o, "temp") for o in ops]))
        return v


def price_values(pg, model):
    """ref_kernel.price_values, with the read-time regions under classic."""
    w = pg.w
    last = {}
    for n, ev in enumerate(pg.events):
        if ev[0] == "op":
            for v in ev[1]:
                last[v] = n
    outs = {ev[1] for ev in pg.events if ev[0] == "out"}
    stack = []
    cost = reads = 0
    per = {}
    for n, ev in enumerate(pg.events):
        if ev[0] == "push":
            stack.append(ev[1])
            if model == "live" and ev[1] not in last and ev[1] not in outs:
                stack.pop()
        elif ev[0] == "op":
            ops, res = ev[1], ev[2]
            pos = {v: len(stack) - 1 - stack.index(v) for v in set(ops)}
            for q, v in enumerate(ops):
                c = rk.read_cost(pos[v] * w, w)
                cost += c
                reads += 1
                r = ev[4][q] if model == "classic" else pg.value_region.get(v, "temp")
                per[r] = per.get(r, 0) + c
            seen = []
            for v in ops:
                if v not in seen:
                    seen.append(v)
            for v in seen:
                stack.remove(v)
                stack.append(v)
            if model == "live":
                for v in seen:
                    if last[v] == n and v not in outs:
                        stack.remove(v)
            stack.append(res)
            if model == "live" and res not in last and res not in outs:
                stack.pop()
    return cost, reads, per


def verify(dmdprof, grid, extra=("--cell", "lstm"), name="lstm ", step_fn=None):
    """rk.verify with LProgram and the pricer above; step_fn(pg, T, H, B, first_step, clipped) -> P
    (default lstm_step; ref_gru.py passes its own)."""
    step_fn = step_fn or lstm_step
    bad = checked = 0
    for T, H, B, w in grid:
        for steps in (1, 2):
            for model in ("live", "classic", "lru"):
                got = rk.run_measure(dmdprof, T, H, B, model, w, steps, extra)
                clips = [got["clipped_last_step"]]
                if steps > 1:
                    clips = [rk.run_measure(dmdprof, T, H, B, model, w, 1, extra)["clipped_last_step"], clips[0]]
                pg = LProgram(w)
                for s in range(steps):
                    step_fn(pg, T, H, B, s == 0, clips[s])
                P = len([a for a in pg.region_of_addr if a[0] == "P"])
                pg.output("M", 0, P)
                pg.output("P", 0, P)
                cost, reads, per = rk.price_lru(pg) if model == "lru" else price_values(pg, model)
                mine = {r["region"]: r["cost"] for r in got["regions"] if r["reads"] and r["cost"]}
                per = {k: v for k, v in per.items() if v}
                ok = got["total"]["cost"] == cost and got["total"]["reads"] == reads and mine == per
                checked += 1
                tag = f"{name}T={T} H={H} B={B} w={w} steps={steps} {model}"
                if ok:
                    print(f"ok   {tag}: cost {cost} reads {reads}")
                    continue
                bad += 1
                print(f"FAIL {tag}: reference cost {cost} reads {reads}, dmdprof {got['total']['cost']} "
                      f"{got['total']['reads']}")
                for r in sorted(set(per) | set(mine)):
                    if per.get(r) != mine.get(r):
                        print(f"     region {r}: reference {per.get(r)} dmdprof {mine.get(r)}")
    return checked, bad


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    dmdprof = sys.argv[1]
    quick = "--quick" in sys.argv
    grid = [(2, 1, 1, 1), (3, 2, 1, 8), (3, 5, 3, 4), (2, 17, 1, 1)]
    if not quick:
        grid += [(4, 3, 2, 8), (4, 9, 17, 8), (3, 4, 5, 2)]
    checked, bad = verify(dmdprof, grid)
    print(f"{checked - bad} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
