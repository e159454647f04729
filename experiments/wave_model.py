#!/usr/bin/env python3
"""wave_model.py -- what a "wave" BPTT schedule could save on W_hh, in a W_hh-only model.

Prices the W_hh reads of 2(T-1) sweeps (forward steps 2..T, backward steps
T-1..1) on an LRU stack that holds only W_hh's H^2 elements of W bytes, under
ByteDMD (a read with D bytes above costs U(D + W) - U(D), U(n) = sum of
ceil(sqrt(k)), k = 1..n; a first read counts the elements read so far as
above it), for two read orders:

  alt   every sweep reads all H^2 elements once, row-major, in the opposite
        direction to the sweep before (the order of --schedule alt);
  wave  the sweeps are paired into passes that alternate between the lower
        triangle with its diagonal (rows ascending) and the strict upper
        triangle (rows descending). In an ascending pass, when row i is
        read, rows j < i of the current step are already complete, so each
        element (i, j), j <= i, is read twice back to back: for step s (with
        h_{s-1}[j]) and for step s + 1 (with h_s[j]); a descending pass does
        the same for j > i. Each pass reads half of W_hh and advances one
        step. (Every other step's sum over j is then split upper part first,
        lower part second: not bit-identical to bptt; not built -- this
        script only prices its read order.)

The model leaves out every other array, so its costs are lower than what
`dmdprof measure` reports for alt (the h_t, dz and accumulators sit between
W_hh's elements on the real stack); the ratio wave / alt is what it offers.
The floor printed is docs/floors.md's order-independent W_hh floor,
(T-1) S(W H^2).

usage: experiments/wave_model.py [-H 64] [-T 60] [--bytes 8] [--check]
  --check   compare the stack depths with a naive list-based LRU at small
            sizes and check the exact identity alt = 2(T-1) S(W H^2); exit 1 on
            a mismatch (the test suite runs this)
"""
import argparse
import math
import sys


def U(n):
    """sum_{k=1..n} ceil(sqrt(k)): k in ((c-1)^2, c^2] has ceil(sqrt(k)) = c."""
    c = math.isqrt(n)
    if c * c < n:
        c += 1  # n lies in the block of c
    full = c - 1  # complete blocks 1..c-1: sum of b * (2b - 1)
    s = full * (full + 1) * (4 * full - 1) // 6
    return s + c * (n - full * full)


class Stack:
    """LRU stack of n elements, depths by a Fenwick tree over read times."""

    def __init__(self, n, reads, width, keep=False):
        self.bit = [0] * (reads + 2)
        self.last = [0] * n
        self.t = self.live = self.cost = 0
        self.w = width
        self.keep = keep  # keep every depth (the check)
        self.depths = []

    def _add(self, i, v):
        while i < len(self.bit):
            self.bit[i] += v
            i += i & -i

    def _prefix(self, i):
        r = 0
        while i > 0:
            r += self.bit[i]
            i -= i & -i
        return r

    def read(self, e):
        self.t += 1
        if self.last[e]:
            above = self.live - self._prefix(self.last[e])
            self._add(self.last[e], -1)
        else:
            above = self.live
            self.live += 1
        if self.keep:
            self.depths.append(above)
        d = above * self.w
        self.cost += U(d + self.w) - U(d)
        self._add(self.t, 1)
        self.last[e] = self.t


def alt_order(H, sweeps):
    N = H * H
    for s in range(sweeps):
        yield from (range(N) if s % 2 == 0 else range(N - 1, -1, -1))


def wave_order(H, sweeps):
    for p in range(sweeps):
        if p % 2 == 0:
            for i in range(H):
                for j in range(i + 1):
                    yield i * H + j
                    yield i * H + j
        else:
            for i in range(H - 1, -1, -1):
                for j in range(H - 1, i, -1):
                    yield i * H + j
                    yield i * H + j


def price(order, n, width, keep=False):
    seq = list(order)
    st = Stack(n, len(seq), width, keep)
    for e in seq:
        st.read(e)
    return st, seq


def naive_depths(seq):
    stack, out = [], []
    for e in seq:
        if e in stack:
            k = stack.index(e)
            out.append(k)
            stack.pop(k)
        else:
            out.append(len(stack))
        stack.insert(0, e)
    return out


def check():
    bad = 0
    for n in (1, 2, 3, 4, 5, 9, 10, 16, 17, 100, 12345):
        if U(n) != sum(math.ceil(math.sqrt(k)) for k in range(1, n + 1)):
            print(f"FAIL U({n}) = {U(n)}")
            bad += 1
    for H, sweeps in ((1, 3), (2, 4), (3, 5), (5, 6)):
        for name, fn in (("alt", alt_order), ("wave", wave_order)):
            st, seq = price(fn(H, sweeps), H * H, 8, keep=True)
            if st.depths != naive_depths(seq):
                print(f"FAIL {name} H {H}: stack depths differ from the naive LRU")
                bad += 1
        st, _ = price(alt_order(H, sweeps), H * H, 8)
        if st.cost != sweeps * U(8 * H * H):
            print(f"FAIL alt H {H}, {sweeps} sweeps: {st.cost} != {sweeps} S(8 H^2) = {sweeps * U(8 * H * H)}")
            bad += 1
        # two reads per element: lower passes (with the diagonal) and upper passes alternate
        want = 2 * ((sweeps + 1) // 2 * H * (H + 1) // 2 + sweeps // 2 * H * (H - 1) // 2)
        n_wave = sum(1 for _ in wave_order(H, sweeps))
        if n_wave != want:
            print(f"FAIL wave H {H}, {sweeps} passes: {n_wave} reads, want {want}")
            bad += 1
    print("wave_model check:", "ok" if not bad else f"{bad} failure(s)")
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(prog="wave_model.py", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("-H", type=int, default=64)
    ap.add_argument("-T", type=int, default=60)
    ap.add_argument("--bytes", type=int, default=8)
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    if a.check:
        return check()
    for flag, v, lo, hi in (("-H", a.H, 1, 256), ("-T", a.T, 2, 2000), ("--bytes", a.bytes, 1, 64)):
        if not lo <= v <= hi:
            print(f"wave_model.py: {flag}: {v} is out of range (expected {lo}..{hi})", file=sys.stderr)
            return 2
    H, T, w = a.H, a.T, a.bytes
    sweeps = 2 * (T - 1)
    S = U(w * H * H)
    floor = (T - 1) * S
    ca, _ = price(alt_order(H, sweeps), H * H, w)
    cw, _ = price(wave_order(H, sweeps), H * H, w)
    print(f"W_hh only, H {H}, T {T}, {w} bytes: {sweeps} sweeps; floor (T-1) S(w H^2) = {floor:.4g}")
    print(f"  alt   {ca.cost:.4g}  = {ca.cost / floor:.2f} x floor")
    print(f"  wave  {cw.cost:.4g}  = {cw.cost / floor:.2f} x floor   (wave / alt = {cw.cost / ca.cost:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
