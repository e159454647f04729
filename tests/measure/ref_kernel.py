#!/usr/bin/env python3
"""Independent reference for `dmdprof measure`.

Re-derives, from the operation order documented in core/rnn_kernel.c, the
event stream of one or more BPTT training steps of the regression RNN
(addition task: I = 2, O = 1, K = 1) and prices it with a naive ByteDMD pricer
(a Python list as the stack, a linear search per read: obviously correct,
slow).  Then runs `dmdprof measure --json` on the same configuration and
compares the total cost, reads and the per-region costs, to the unit, under
live, classic and lru.

No numbers of the RNN are computed here: the only data-dependent decision of
the regression step is whether the update clips, which is read from the
measure output (clipped_last_step; with one step).

usage: ref_kernel.py DMDPROF [--quick]
"""
import json
import math
import subprocess
import sys

RT, VT = 4, 16


def isqrt_ceil(k):
    r = math.isqrt(k)
    return r if r * r == k else r + 1


def read_cost(D, w):
    return sum(isqrt_ceil(k) for k in range(D + 1, D + w + 1))


# --------------------------------------------------------------------------
# The program: the addition-task step, as a list of events.
#   value models: ("input", slot), ("op", [operand slots or value ids...])
# We model "values" directly: each array slot holds a value id (or None for a
# constant); an op reads the non-constant operand ids and returns a new id.
# --------------------------------------------------------------------------
class Program:
    def __init__(self, w):
        self.w = w
        self.events = []        # value-model events
        self.mem = []           # lru events: ("ld"|"st"|"in", addr)
        self.slot = {}          # addr -> value id (None = constant)
        self.region_of_addr = {}
        self.value_region = {}  # id -> region (first store), default temp
        self.nvalues = 0
        self.phase = "(none)"
        self.outputs = []

    def new_value(self):
        self.nvalues += 1
        return self.nvalues

    def region(self, name, base, n):
        for k in range(n):
            self.region_of_addr[(base[0], base[1] + k)] = name

    def input(self, buf, start, n):
        for k in range(n):
            a = (buf, start + k)
            v = self.new_value()
            self.value_region[v] = self.region_of_addr[a]
            self.slot[a] = v
            self.events.append(("push", v, self.phase))
            self.mem.append(("in", a, self.phase))

    def LD(self, buf, i):
        a = (buf, i)
        self.mem.append(("ld", a, self.phase))
        return self.slot[a]

    def ST(self, buf, i, v):
        a = (buf, i)
        self.mem.append(("st", a, self.phase))
        self.slot[a] = v
        if v is not None and v not in self.value_region:
            self.value_region[v] = self.region_of_addr[a]

    def op(self, *operands):
        ops = [o for o in operands if o is not None]
        if not ops:
            return None
        v = self.new_value()
        self.events.append(("op", ops, v, self.phase))
        return v

    def output(self, buf, start, n):
        for k in range(n):
            v = self.slot[(buf, start + k)]
            if v is not None:
                self.events.append(("out", v, self.phase))


class Step:
    """Sizes and parameter offsets of the addition task (I=2, O=1, K=1)."""

    def __init__(self, T, H, B):
        self.T, self.H, self.B = T, H, B
        self.I, self.O, self.K = 2, 1, 1
        I, O = self.I, self.O
        self.off = [0, I * H, I * H + H * H, I * H + H * H + H, I * H + H * H + H + O * H]
        self.P = self.off[4] + O
        self.hs, self.hT = 0, 2 * H * B   # offsets in "h": ring (2, H, B), then (T, B, H)
        self.dy = self.K * self.O * B     # offset of dlogits in "lg"


def declare(pg, S, first_step, state):
    """Regions (first step only) and inputs; state = [(name, buffer, size)]
    after h / dh / dz / logits's defaults (bptt's)."""
    T, H, B, I, K, O, P, off = S.T, S.H, S.B, S.I, S.K, S.O, S.P, S.off
    if first_step:
        pn = ["W_ih", "W_hh", "b_h", "W_hy", "b_y"]
        for k in range(5):
            n = (off[k + 1] if k < 4 else P) - off[k]
            pg.region(pn[k], ("P", off[k]), n)
            pg.region("d" + pn[k], ("G", off[k]), n)
            pg.region("v_" + pn[k], ("M", off[k]), n)
        pg.region("x", ("x", 0), T * I * B)
        pg.region("x", ("y", 0), B * K)
        for name, buf, n in state:
            pg.region(name, (buf, 0), n)
        pg.input("M", 0, P)
        pg.input("P", 0, P)
    pg.input("y", 0, B * K)
    pg.input("x", 0, T * I * B)


def bptt_state(S):
    T, H, B = S.T, S.H, S.B
    return [("h", "h", (T + 2) * H * B), ("dh", "dh", B * H), ("dz", "dz", 2 * B * H),
            ("logits", "lg", 2 * S.K * S.O * B)]


def tiles(rows, cols):
    # rows: blocks of RT while at least RT remain, then single rows;
    # columns: blocks of VT while at least VT remain, then one block each
    # of 8, 4, 2, 1 (binary digits of the remainder, largest first)
    r0 = 0
    while r0 < rows:
        rn = RT if rows - r0 >= RT else 1
        c0 = 0
        while c0 < cols:
            rem = cols - c0
            vn = VT if rem >= VT else 8 if rem >= 8 else 4 if rem >= 4 else 2 if rem >= 2 else 1
            yield r0, rn, c0, vn
            c0 += vn
        r0 += rn


def tile_fma(pg, acc, rn, vn, A, aoff, ars, aks, U, uoff, uks, nk, ufirst):
    for k in range(nk):
        a = [pg.LD(A, aoff + r * ars + k * aks) for r in range(rn)]
        for v in range(vn):
            u = pg.LD(U, uoff + k * uks + v)
            for r in range(rn):
                acc[r][v] = pg.op(u, a[r], acc[r][v]) if ufirst else pg.op(a[r], u, acc[r][v])


def bias_tile(pg, boff, rn, vn):  # acc[r][v] = LD(bias, row r): the bias value itself
    acc = [[None] * vn for _ in range(rn)]
    for r in range(rn):
        bv = pg.LD("P", boff + r)
        for v in range(vn):
            acc[r][v] = bv
    return acc


def h_tiles(pg, S, t, hprev, ht, hc, hTt, order=tiles):
    """The h_t tiles of step t: hprev / ht / hc / hTt are (buffer, offset)
    or None (h_{t-1} not read; no second ring-layout copy; no (B, H) copy)."""
    H, B, I, off = S.H, S.B, S.I, S.off
    op, ST = pg.op, pg.ST
    for i0, rn, b0, vn in order(H, B):
        acc = bias_tile(pg, off[2] + i0, rn, vn)
        tile_fma(pg, acc, rn, vn, "P", off[0] + i0, 1, H, "x", (t - 1) * I * B + b0, B, I, False)
        if hprev is not None:
            tile_fma(pg, acc, rn, vn, "P", off[1] + i0 * H, H, 1, hprev[0], hprev[1] + b0, B, H, False)
        for r in range(rn):
            for v in range(vn):
                acc[r][v] = op(acc[r][v])  # TANH
        for dst in (ht, hc):
            if dst is not None:
                for r in range(rn):
                    for v in range(vn):
                        ST(dst[0], dst[1] + (i0 + r) * B + b0 + v, acc[r][v])
        if hTt is not None:
            for v in range(vn):
                for r in range(rn):
                    ST(hTt[0], hTt[1] + (b0 + v) * H + i0 + r, acc[r][v])


def head_and_loss(pg, S, ht):
    """The head of step T (K = 1; ht = h_T, (buffer, offset)) and the loss."""
    H, B, K, O, off, dy = S.H, S.B, S.K, S.O, S.off, S.dy
    op, LD, ST = pg.op, pg.LD, pg.ST
    for k in range(K):
        for o0, rn, b0, vn in tiles(O, B):
            acc = bias_tile(pg, off[4] + o0, rn, vn)
            tile_fma(pg, acc, rn, vn, "P", off[3] + o0 * H, H, 1, ht[0], ht[1] + b0, B, H, False)
            for r in range(rn):
                for v in range(vn):
                    ST("lg", k * O * B + (o0 + r) * B + b0 + v, acc[r][v])
    L = None
    for k in range(K):
        for b in range(B):
            d = op(LD("lg", k * O * B + b), LD("y", b * K + k))      # SUB
            ST("lg", dy + (k * B + b) * O, op(d))                    # MUL(d, CONST)
            L = op(d, d, L)                                           # FMA(d, d, L)
    op(L)  # MUL(L, CONST)


def grad_tile(pg, first, rn, vn, G, goff, grs, A, aoff, ars, aks, U, uoff, uks, nk, ufirst):
    acc = [[None if first else pg.LD(G, goff + r * grs + v) for v in range(vn)] for r in range(rn)]
    tile_fma(pg, acc, rn, vn, A, aoff, ars, aks, U, uoff, uks, nk, ufirst)
    for r in range(rn):
        for v in range(vn):
            pg.ST(G, goff + r * grs + v, acc[r][v])


def dyk_of(S, t):
    k = t - (S.T - S.K + 1)
    return S.dy + k * S.B * S.O if k >= 0 else None


def head_grads(pg, S, t, first, hTt):
    """dW_hy, db_y of target step t; hTt = h_t (B, H) as (buffer, offset)."""
    H, B, O, off = S.H, S.B, S.O, S.off
    dyk = dyk_of(S, t)
    if dyk is None:
        return
    for r0, rn, c0, vn in tiles(O, H):
        grad_tile(pg, first, rn, vn, "G", off[3] + r0 * H + c0, H, "lg", dyk + r0, 1, O, hTt[0], hTt[1] + c0, H, B,
                  False)
    for o in range(O):
        acc = None if first else pg.LD("G", off[4] + o)
        for b in range(B):
            acc = pg.op(acc, pg.LD("lg", dyk + b * O + o))
        pg.ST("G", off[4] + o, acc)


def dh_tile(pg, S, t, b0, rn, j0, vn, dzn, hTt, dzt):
    """One dh/dz tile of step t (dzn, hTt, dzt: (buffer, offset); dzn None at t = T)."""
    H, O, off = S.H, S.O, S.off
    dyk = dyk_of(S, t)
    acc = [[None] * vn for _ in range(rn)]
    if dyk is not None:
        tile_fma(pg, acc, rn, vn, "lg", dyk + b0 * O, O, 1, "P", off[3] + j0, H, O, True)
    if dzn is not None:
        tile_fma(pg, acc, rn, vn, dzn[0], dzn[1] + b0 * H, H, 1, "P", off[1] + j0, H, H, True)
    for r in range(rn):
        for v in range(vn):
            e = (b0 + r) * H + j0 + v
            pg.ST("dh", e, acc[r][v])
            hv = pg.LD(hTt[0], hTt[1] + e)
            pg.ST(dzt[0], dzt[1] + e, pg.op(acc[r][v], pg.op(hv)))  # MUL(acc, DTANH(hv))


def dh_tiles(pg, S, t, dzn, hTt, dzt, order=tiles):
    for b0, rn, j0, vn in order(S.B, S.H):
        dh_tile(pg, S, t, b0, rn, j0, vn, dzn, hTt, dzt)


def step_grads(pg, S, t, first, dzt, hTp):
    """dW_hh (if hTp, h_{t-1} (B, H), is not None), dW_ih, db_h of step t."""
    H, B, I, off = S.H, S.B, S.I, S.off
    if hTp is not None:
        for r0, rn, c0, vn in tiles(H, H):
            grad_tile(pg, first, rn, vn, "G", off[1] + r0 * H + c0, H, dzt[0], dzt[1] + r0, 1, H, hTp[0], hTp[1] + c0,
                      H, B, False)
    xt = (t - 1) * I * B
    for r0, rn, c0, vn in tiles(I, H):
        grad_tile(pg, first, rn, vn, "G", off[0] + r0 * H + c0, H, "x", xt + r0 * B, B, 1, dzt[0], dzt[1] + c0, H, B,
                  True)
    for i0 in range(0, H, VT):
        vn = min(VT, H - i0)
        acc = [None if first else pg.LD("G", off[2] + i0 + v) for v in range(vn)]
        for b in range(B):
            for v in range(vn):
                acc[v] = pg.op(acc[v], pg.LD(dzt[0], dzt[1] + b * H + i0 + v))
        for v in range(vn):
            pg.ST("G", off[2] + i0 + v, acc[v])


def zero_dwhh(pg, S):
    for e in range(S.H * S.H):
        pg.ST("G", S.off[1] + e, None)


def update(pg, S, clipped):
    P = S.P
    op, LD, ST = pg.op, pg.LD, pg.ST
    g0 = LD("G", 0)
    n2 = op(g0, g0)
    for e in range(1, P):
        g = LD("G", e)
        n2 = op(g, g, n2)
    gnorm = op(n2)          # SQRT
    op(gnorm)               # GT(gnorm, CONST(clip)): reads gnorm
    s = op(gnorm) if clipped else None   # DIV(CONST, gnorm)
    for e in range(P):
        g = LD("G", e)
        if clipped:
            g = op(g, s)
        v = op(op(LD("M", e)), op(g))    # SUB(MUL(mu, M), MUL(lr, g))
        ST("M", e, v)
        ST("P", e, op(LD("P", e), v))    # ADD(P, v)


def addition_step(pg, T, H, B, first_step, clipped):
    """One training step of the addition task (I=2, O=1, K=1), heavy-ball
    momentum (the measure defaults), following core/rnn_kernel.c."""
    S = Step(T, H, B)
    declare(pg, S, first_step, bptt_state(S))
    hs, hT = S.hs, S.hT
    pg.phase = "forward"
    for t in range(1, T + 1):
        h_tiles(pg, S, t, ("h", hs + ((t - 1) & 1) * H * B) if t >= 2 else None, ("h", hs + (t & 1) * H * B), None,
                ("h", hT + (t - 1) * B * H))
    head_and_loss(pg, S, ("h", hs + (T & 1) * H * B))
    pg.phase = "backward"
    for t in range(T, 0, -1):
        first = t == T
        hTt = ("h", hT + (t - 1) * B * H)
        dzt = ("dz", (t & 1) * B * H)
        head_grads(pg, S, t, first, hTt)
        dh_tiles(pg, S, t, ("dz", ((t + 1) & 1) * B * H) if t < T else None, hTt, dzt)
        step_grads(pg, S, t, first, dzt, ("h", hT + (t - 2) * B * H) if t >= 2 else None)
    if T == 1:
        zero_dwhh(pg, S)
    pg.phase = "update"
    update(pg, S, clipped)
    pg.phase = "(none)"
    return S.P


def price_values(pg, model):
    """Naive live/classic pricing of pg.events; returns (cost, reads, per-region cost)."""
    w = pg.w
    last = {}
    for n, ev in enumerate(pg.events):
        if ev[0] == "op":
            for v in ev[1]:
                last[v] = n
    outs = {ev[1] for ev in pg.events if ev[0] == "out"}
    stack = []   # bottom .. top
    cost = reads = 0
    per = {}
    for n, ev in enumerate(pg.events):
        if ev[0] == "push":
            stack.append(ev[1])
            if model == "live" and ev[1] not in last and ev[1] not in outs:
                stack.pop()
        elif ev[0] == "op":
            ops, res = ev[1], ev[2]
            pos = {v: len(stack) - 1 - stack.index(v) for v in set(ops)}  # entries above
            for v in ops:
                D = pos[v] * w
                c = read_cost(D, w)
                cost += c
                reads += 1
                r = pg.value_region.get(v, "temp")
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
        elif ev[0] == "out":
            pass
    return cost, reads, per


def price_lru(pg):
    w = pg.w
    stack = []
    cost = reads = 0
    per = {}
    for kind, a, _ in pg.mem:
        if kind == "ld":
            i = stack.index(a)
            D = (len(stack) - 1 - i) * w
            c = read_cost(D, w)
            cost += c
            reads += 1
            r = pg.region_of_addr[a]
            per[r] = per.get(r, 0) + c
            stack.pop(i)
            stack.append(a)
        else:  # store or input: move or push to top
            if a in stack:
                stack.remove(a)
            stack.append(a)
    return cost, reads, per


def run_measure(dmdprof, T, H, B, model, w, steps, extra=()):
    out = subprocess.run([dmdprof, "measure", "--task", "addition", "-T", str(T), "-H", str(H), "--batch", str(B),
                          "--model", model, "--bytes-per-element", str(w), "--steps", str(steps), "--json", "-q",
                          *extra],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def verify(dmdprof, grid, step_fn, extra=(), name="", step_counts=(1, 2)):
    """Price step_fn's event stream (steps 1 and 2 of each (T, H, B, w) of
    grid) under live, classic and lru and compare with `dmdprof measure
    EXTRA`: total cost, reads and per-region costs, to the unit.  Returns
    (checked, failed)."""
    bad = checked = 0
    for T, H, B, w in grid:
        for steps in step_counts:
            for model in ("live", "classic", "lru"):
                got = run_measure(dmdprof, T, H, B, model, w, steps, extra)
                clipped = got["clipped_last_step"]
                if steps > 1:
                    # the clip decision of each step: measure reports the last one;
                    # re-measure one step to learn the first one
                    first = run_measure(dmdprof, T, H, B, model, w, 1, extra)["clipped_last_step"]
                    clips = [first, clipped]
                else:
                    clips = [clipped]
                pg = Program(w)
                for s in range(steps):
                    step_fn(pg, T, H, B, s == 0, clips[s])
                pg.output("M", 0, len([a for a in pg.region_of_addr if a[0] == "M"]))
                pg.output("P", 0, len([a for a in pg.region_of_addr if a[0] == "P"]))
                if model == "lru":
                    cost, reads, per = price_lru(pg)
                else:
                    cost, reads, per = price_values(pg, model)
                mine = {r["region"]: r["cost"] for r in got["regions"] if r["reads"]}
                per = {k: v for k, v in per.items() if v}
                mine = {k: v for k, v in mine.items() if v}
                ok = got["total"]["cost"] == cost and got["total"]["reads"] == reads and mine == per
                checked += 1
                tag = f"{name}T={T} H={H} B={B} w={w} steps={steps} {model}"
                if ok:
                    print(f"ok   {tag}: cost {cost} reads {reads}")
                else:
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
    grid = [(2, 1, 1, 1), (3, 2, 1, 8), (4, 3, 2, 8), (5, 5, 3, 4), (4, 17, 1, 1)]
    if not quick:
        grid += [(6, 9, 17, 8), (3, 4, 5, 2)]
    checked, bad = verify(dmdprof, grid, addition_step)
    print(f"{checked - bad} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
