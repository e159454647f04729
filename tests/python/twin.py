#!/usr/bin/env python3
"""twin.py DMDPROF TWIN -- python/dmdtrace.py against the dmd.h hooks.

The program of tests/python/twin.c (a dot product and a small matmul in
three phases; its OPERATION ORDER block) is written here with dmdtrace: as
values for live and classic, as addresses for lru.  Each trace, priced by
`dmdprof price --model M --json`, must equal the C program priced in
process (TWIN M) to the unit: total, per phase, per region and per (phase,
region) cell, every count.  An anchor fixes the scale by hand: (a + b) + c
with a on top costs 6 at 1 byte (tests/instrument/traces/abc.trace) and 14
at 2 bytes.  Exit 1 on any difference.
"""
import json
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import dmdtrace  # noqa: E402

N, M, W = 5, 3, 8   # twin.c's sizes; 8-byte elements (double)


def values(t):
    """twin.c's program in the value form."""
    B = t.inputs("B", M * M, bytes=W)
    A = t.inputs("A", M * M, bytes=W)
    y = t.inputs("y", N, bytes=W)
    x = t.inputs("x", N, bytes=W)
    with t.phase("dot"):
        acc = t.op(x[0], y[0])
        for i in range(1, N):
            acc = t.op(x[i], y[i], acc, region="s" if i == N - 1 else None)
        s = acc
    C = [None] * (M * M)
    with t.phase("matmul"):
        for i in range(M):
            for j in range(M):
                c = t.op(A[i * M], B[j])
                for k in range(1, M):
                    c = t.op(A[i * M + k], B[k * M + j], c, region="C" if k == M - 1 else None)
                C[i * M + j] = c
    with t.phase("trace"):
        r = t.op(C[0], C[4])
        r = t.op(r, C[8])
        r = t.op(r, s, region="out")
    t.output(r)


def addresses(t):
    """twin.c's program in the address form: one address per element."""
    base = {"B": 0x1000, "A": 0x2000, "y": 0x3000, "x": 0x4000, "s": 0x5000, "C": 0x6000, "out": 0x7000}

    def a(name, i):
        return base[name] + W * i

    for name, n in (("B", M * M), ("A", M * M), ("y", N), ("x", N)):
        for i in range(n):
            t.input_addr(a(name, i), W, name)
    with t.phase("dot"):
        for i in range(N):
            t.ld(a("x", i), W, "x")
            t.ld(a("y", i), W, "y")
        t.st(a("s", 0), W, "s")
    with t.phase("matmul"):
        for i in range(M):
            for j in range(M):
                for k in range(M):
                    t.ld(a("A", i * M + k), W, "A")
                    t.ld(a("B", k * M + j), W, "B")
                t.st(a("C", i * M + j), W, "C")
    with t.phase("trace"):
        for i in (0, 4, 8):
            t.ld(a("C", i), W, "C")
        t.ld(a("s", 0), W, "s")
        t.st(a("out", 0), W, "out")


def price(dmdprof, path, model, extra=()):
    p = subprocess.run([dmdprof, "price", path, "--model", model, "--json", *extra], capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"FAIL dmdprof price {path} --model {model}: exit {p.returncode}: {p.stderr.strip()}")
    return json.loads(p.stdout)


def keyed(j):
    """The counts of a price/2 JSON, keyed: total, per phase, region, cell."""
    out = {("total",): j["total"]}
    out.update({("phase", x["phase"]): x for x in j["phases"]})
    out.update({("region", x["region"]): x for x in j["regions"]})
    out.update({("cell", x["phase"], x["region"]): x for x in j["cells"]})
    return out


def main(dmdprof, twin):
    fails = 0
    with tempfile.TemporaryDirectory() as d:
        # the anchor, by hand
        p = os.path.join(d, "abc.trace")

        def abc(t):
            c, b, a = t.input(), t.input(), t.input()
            t.output(t.op(t.op(a, b), c))
        for nbytes, want in ((1, 6), (2, 14)):
            with dmdtrace.Trace(p, bytes=nbytes) as t:
                abc(t)
            got = price(dmdprof, p, "live")["total"]["cost"]
            ok = got == want
            fails += not ok
            print(f"{'ok  ' if ok else 'FAIL'} (a + b) + c at {nbytes} byte(s): cost {got}, by hand {want}")
        for model in ("live", "classic", "lru"):
            p = os.path.join(d, f"twin_{model}.trace")
            with dmdtrace.Trace(p) as t:
                (addresses if model == "lru" else values)(t)
            py = keyed(price(dmdprof, p, model))
            c = subprocess.run([twin, model], capture_output=True, text=True)
            if c.returncode != 0:
                raise SystemExit(f"FAIL {twin} {model}: exit {c.returncode}: {c.stderr.strip()}")
            cj = keyed(json.loads(c.stdout))
            diffs = [f"{k}: python {py.get(k)} C {cj.get(k)}" for k in sorted(set(py) | set(cj))
                     if py.get(k) != cj.get(k)]
            phases = {k[1]: v["cost"] for k, v in py.items() if k[0] == "phase"}
            ok = not diffs and py[("total",)]["cost"] > 0 and set(phases) >= {"dot", "matmul", "trace"}
            fails += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {model:7s} python trace = C hooks: total cost {py[('total',)]['cost']}, "
                  f"reads {py[('total',)]['reads']}, per phase {phases}, {len(py)} keyed rows compared")
            for x in diffs[:10]:
                print("     " + x)
        # misuse is refused at once
        for what, fn in (("input after a read", lambda t: t.op(t.input(), None) and t.input()),
                         ("mixed forms", lambda t: (t.input(), t.st(1, 8))),
                         ("mismatched end", lambda t: (t.begin("a"), t.end("b")))):
            try:
                dmdtrace.text(fn)
                ok = False
            except ValueError as e:
                ok = "dmdtrace:" in str(e)
            fails += not ok
            print(f"{'ok  ' if ok else 'FAIL'} refused at once: {what}")
    print(f"twin.py: {fails} failure(s)")
    return 1 if fails else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print("usage: twin.py DMDPROF TWIN", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
