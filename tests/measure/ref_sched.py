#!/usr/bin/env python3
"""Independent reference for `dmdprof measure --schedule NAME`.

Re-derives, from the OPERATION ORDER blocks of core/rnn_sched.c (which refer
to core/rnn_kernel.c's for the shared parts, transcribed in ref_kernel.py),
the event stream of one and two training steps of each schedule of the
vanilla cell on the addition task, prices it with ref_kernel.py's naive
pricers, and compares with `dmdprof measure --schedule NAME` under live,
classic and lru: total cost, reads and per-region costs, to the unit.
No number of the RNN is computed here (the clip decision is read from
measure's output, as in ref_kernel.py).

usage: ref_sched.py DMDPROF [--quick]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ref_kernel as rk  # noqa: E402


def tiles_rev(rows, cols):
    """The baseline's tile sequence, last tile first."""
    return list(reversed(list(rk.tiles(rows, cols))))


def row_blocks(rows):
    """Rows in blocks of RT while at least RT remain, then single rows."""
    r0 = 0
    while r0 < rows:
        rn = rk.RT if rows - r0 >= rk.RT else 1
        yield r0, rn
        r0 += rn


def forward_bptt(pg, S, order_of=lambda t: rk.tiles):
    H, B, hs, hT = S.H, S.B, S.hs, S.hT
    pg.phase = "forward"
    for t in range(1, S.T + 1):
        rk.h_tiles(pg, S, t, ("h", hs + ((t - 1) & 1) * H * B) if t >= 2 else None, ("h", hs + (t & 1) * H * B),
                   None, ("h", hT + (t - 1) * B * H), order=order_of(t))
    rk.head_and_loss(pg, S, ("h", hs + (S.T & 1) * H * B))


def finish(pg, S, clipped):
    pg.phase = "update"
    rk.update(pg, S, clipped)
    pg.phase = "(none)"


# ---------------------------------------------------------------- dwafter, alt
def dwafter_step(pg, T, H, B, first_step, clipped, alternate=False):
    S = rk.Step(T, H, B)
    I, off, hT, BH = S.I, S.off, S.hT, B * H
    state = rk.bptt_state(S)
    state[2] = ("dz", "dz", T * B * H)
    rk.declare(pg, S, first_step, state)
    forward_bptt(pg, S, (lambda t: tiles_rev if t % 2 == 1 else rk.tiles) if alternate else (lambda t: rk.tiles))
    pg.phase = "backward"
    for t in range(T, 0, -1):
        hTt = ("h", hT + (t - 1) * BH)
        rk.head_grads(pg, S, t, t == T, hTt)
        order = tiles_rev if alternate and (T - t) % 2 == 0 else rk.tiles
        rk.dh_tiles(pg, S, t, ("dz", t * BH) if t < T else None, hTt, ("dz", (t - 1) * BH), order=order)
    for r0, rn, c0, vn in rk.tiles(H, H):  # dW_hh over t = T..2
        acc = [[None] * vn for _ in range(rn)]
        for t in range(T, 1, -1):
            rk.tile_fma(pg, acc, rn, vn, "dz", (t - 1) * BH + r0, 1, H, "h", hT + (t - 2) * BH + c0, H, B, False)
        for r in range(rn):
            for v in range(vn):
                pg.ST("G", off[1] + (r0 + r) * H + c0 + v, acc[r][v])
    for r0, rn, c0, vn in rk.tiles(I, H):  # dW_ih over t = T..1
        acc = [[None] * vn for _ in range(rn)]
        for t in range(T, 0, -1):
            rk.tile_fma(pg, acc, rn, vn, "x", (t - 1) * I * B + r0 * B, B, 1, "dz", (t - 1) * BH + c0, H, B, True)
        for r in range(rn):
            for v in range(vn):
                pg.ST("G", off[0] + (r0 + r) * H + c0 + v, acc[r][v])
    for i0 in range(0, H, rk.VT):  # db_h
        vn = min(rk.VT, H - i0)
        acc = [None] * vn
        for t in range(T, 0, -1):
            for b in range(B):
                for v in range(vn):
                    acc[v] = pg.op(acc[v], pg.LD("dz", (t - 1) * BH + b * H + i0 + v))
        for v in range(vn):
            pg.ST("G", off[2] + i0 + v, acc[v])
    finish(pg, S, clipped)


def alt_step(pg, T, H, B, first_step, clipped):
    dwafter_step(pg, T, H, B, first_step, clipped, alternate=True)


# ---------------------------------------------------------------- fused
def fused_step(pg, T, H, B, first_step, clipped):
    S = rk.Step(T, H, B)
    off, hT, BH = S.off, S.hT, B * H
    rk.declare(pg, S, first_step, rk.bptt_state(S))
    forward_bptt(pg, S)
    pg.phase = "backward"
    for t in range(T, 0, -1):
        first = t == T
        hTt = ("h", hT + (t - 1) * BH)
        dzt = ("dz", (t & 1) * BH)
        rk.head_grads(pg, S, t, first, hTt)
        if t == T:
            rk.dh_tiles(pg, S, t, None, hTt, dzt)
        else:
            dzn = ("dz", ((t + 1) & 1) * BH)
            for _, _, j0, vn in rk.tiles(1, H):  # the column blocks of H
                for b0, rn in row_blocks(B):
                    rk.dh_tile(pg, S, t, b0, rn, j0, vn, dzn, hTt, dzt)
                for i0, rn in row_blocks(H):
                    rk.grad_tile(pg, t + 1 == T, rn, vn, "G", off[1] + i0 * H + j0, H, dzn[0], dzn[1] + i0, 1, H,
                                 "h", hT + (t - 1) * BH + j0, H, B, False)
        rk.step_grads(pg, S, t, first, dzt, None)
    if T == 1:
        rk.zero_dwhh(pg, S)
    finish(pg, S, clipped)


# ---------------------------------------------------------------- ckpt
def ckpt_step_of(k):
    def step(pg, T, H, B, first_step, clipped):
        S = rk.Step(T, H, B)
        HB = H * B
        NS = -(-T // k)  # segments
        state = rk.bptt_state(S)
        state[0] = ("h", "h", (k + 2) * HB)
        state.append(("hckpt", "hc", 2 * NS * HB))
        rk.declare(pg, S, first_step, state)
        ring = lambda t: ("h", (t & 1) * HB)  # noqa: E731
        seg = lambda j: ("h", 2 * HB + j * HB)  # noqa: E731
        ckr = lambda c: ("hc", c * HB)  # noqa: E731
        ckT = lambda c: ("hc", NS * HB + c * HB)  # noqa: E731
        pg.phase = "forward"
        for t in range(1, T + 1):
            cp = t // k if t % k == 0 and t // k <= NS - 1 else 0
            hc = ckr(cp - 1) if cp else None
            hTt = ckT(cp - 1) if cp else seg(t - (NS - 1) * k - 1) if t > (NS - 1) * k else None
            rk.h_tiles(pg, S, t, ring(t - 1) if t >= 2 else None, ring(t), hc, hTt)
        rk.head_and_loss(pg, S, ring(T))
        pg.phase = "backward"
        for s in range(NS - 1, -1, -1):
            t0, t1 = s * k + 1, min((s + 1) * k, T)
            if s < NS - 1:
                for t in range(t0, t1 + 1):
                    hprev = ring(t - 1) if t > t0 else ckr(s - 1) if s else None
                    rk.h_tiles(pg, S, t, hprev, ring(t), None, seg(t - t0))
            for t in range(t1, t0 - 1, -1):
                first = t == T
                hTt = seg(t - t0)
                hTp = seg(t - t0 - 1) if t > t0 else ckT(s - 1) if s else None
                dzt = ("dz", (t & 1) * B * H)
                rk.head_grads(pg, S, t, first, hTt)
                rk.dh_tiles(pg, S, t, ("dz", ((t + 1) & 1) * B * H) if t < T else None, hTt, dzt)
                rk.step_grads(pg, S, t, first, dzt, hTp)
        if T == 1:
            rk.zero_dwhh(pg, S)
        finish(pg, S, clipped)
    return step


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    dmdprof = sys.argv[1]
    quick = "--quick" in sys.argv
    # edge tiles, several row blocks (B = 2, 3), a full 16-wide tile plus an edge (H = 17), T = 2..5;
    # two steps (the second reads the first's update); the full run adds more sizes and one-step runs
    grid = [(2, 1, 1, 1), (4, 3, 2, 8), (5, 5, 3, 4), (4, 17, 1, 1)]
    counts = (2,)
    if not quick:
        grid += [(3, 2, 1, 8), (5, 21, 1, 8), (6, 9, 17, 8), (3, 4, 5, 2)]
        counts = (1, 2)
    cases = [("dwafter", dwafter_step, []), ("alt", alt_step, []), ("fused", fused_step, []),
             ("bptt", rk.addition_step, [])]
    cases += [("ckpt", ckpt_step_of(k), ["--ckpt-every", str(k)]) for k in (1, 2, 3)]  # T = 5, k = 2: 2, 2, 1
    checked = bad = 0
    for name, fn, extra in cases:
        g = grid if name != "bptt" else grid[:1]  # bptt: ref_kernel.py's test; here the --schedule path
        if name == "ckpt":
            g = [c for c in grid if c[0] >= int(extra[1])]
        c, b = rk.verify(dmdprof, g, fn, ["--schedule", name, *extra], f"{name} {' '.join(extra)} ", counts)
        checked, bad = checked + c, bad + b
    print(f"{checked - bad} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
