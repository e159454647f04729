#!/usr/bin/env bash
# scripts/report's cell comparison (issue 13) from a small synthetic results directory:
# measure JSONs of vanilla, gru and lstm at several T and H (costs c * T^a * H^b with known
# exponents; regions with the gate matrices, c and gate workspaces), trained runs of the three
# cells x two inits x three T x three seeds with known statuses, and an analyze.py arms file with
# solved and unsolved seeds.  Checks: the four cell figures drawn (PNG, SVG, script, data, on the
# page); the fitted exponents equal the generating ones; the equal-parameter panel picks the H
# whose parameter count is nearest vanilla's (3bit: vanilla 64 -> gru 37, lstm 32) and says so;
# the region shares per cell add up and put each region in its class; the solve rates equal the
# statuses written; the to-solution table and data keep the unsolved seeds (counted, drawn at the
# cost of their whole run), never dropped; the vanilla region figure is not mixed with the other cells;
# every cell's closed forms are tabled per region; gru runs and arms with --gate-bias chrono (and one at
# the default value 0, written out) are their own series "ortho+chrono", never merged into gru ortho.
# usage: report_cells.sh REPORT
set -u
report=$1
. "$(dirname "$0")/../lib.sh"
python3 - "$tmp/in" <<'PY' || bad "could not write the synthetic inputs"
import json, os, sys
d = sys.argv[1]
os.makedirs(d)
G = {"vanilla": 1, "gru": 3, "lstm": 4}
A = {"vanilla": (1.0, 2.0), "gru": (1.1, 2.2), "lstm": (1.2, 2.4)}    # T and H exponents per cell
REC = {"vanilla": ["W_hh"], "gru": ["W_hr", "W_hz", "W_hn"], "lstm": ["W_hi", "W_hf", "W_hg", "W_ho"]}
GATES = {"vanilla": [], "gru": ["gates"], "lstm": ["gates"]}
def cost(cell, T, H):
    a, b = A[cell]
    return int(round(1000 * G[cell] * T ** a * H ** b))
def regions(cell, T, H):
    tot = cost(cell, T, H)
    names = REC[cell] + ["d" + n for n in REC[cell]] + ["h"] + (["c"] if cell == "lstm" else []) + GATES[cell] \
        + ["dh", "dz", "W_hy", "v_W_hh", "x", "temp"]
    # shares: 40% recurrent, 10% their gradients, 20% h, 5% c (lstm), 5% gates, 10% backward, rest the remainder
    share = {"rec": 0.40, "drec": 0.10, "h": 0.20, "c": 0.05, "gates": 0.05, "bwd": 0.10}
    out = []
    for n in names:
        k = ("rec" if n in REC[cell] else "drec" if n[1:] in REC[cell] else "h" if n == "h" else "c" if n == "c"
             else "gates" if n == "gates" else "bwd" if n in ("dh", "dz") else None)
        if k is None:
            continue
        cnt = len(REC[cell]) if k in ("rec", "drec") else 2 if k == "bwd" else 1
        out.append({"region": n, "cost": int(tot * share[k] / cnt)})
    rest = tot - sum(r["cost"] for r in out)
    out += [{"region": "W_hy", "cost": rest // 2}, {"region": "x", "cost": rest - rest // 2}]
    return out
Hs = {"vanilla": [16, 32, 64], "gru": [16, 32, 36, 37, 64], "lstm": [16, 32, 64]}
k = 0
for cell in G:
    for T in (10, 20, 40):
        for H in Hs[cell]:
            k += 1
            m = {"schema": "dmdprof.measure/2", "model": "live", "bytes_per_element": 8,
                 "config": {"task": "3bit_memorization", "cell": cell, "schedule": "bptt", "init": "ortho",
                            "T": T, "H": H, "I": 5, "O": 8, "K": 1, "batch": 4, "precision": "float64", "steps": 1},
                 "total": {"cost": cost(cell, T, H)}, "regions": regions(cell, T, H), "phases": [], "cells": []}
            if cell == "lstm" and H == 16:   # a closed form beside the measurement (measure --analytic)
                m["analytic"] = {"regions": [{"region": n, "measured": 1000, "estimate": 1000 + 10 * q,
                                              "rel_error": 0.01 * q} for q, n in enumerate(["W_hi", "h", "c"])]}
            json.dump(m, open(os.path.join(d, f"m{k}_{cell}_T{T}_H{H}.json"), "w"))
# trained runs: solved when (seed + T + cell index) is not a multiple of 3, random never at T = 40
statuses = {}
for ci, cell in enumerate(G):
    for init in ("ortho", "random"):
        for T in (10, 20, 40):
            for seed in range(3):
                st = "solved" if (seed + T + ci) % 3 and not (init == "random" and T == 40) else "unsolved"
                statuses[(cell, init, T, seed)] = st
                rd = os.path.join(d, "runs", f"{cell}_{init}_T{T}_s{seed}")
                os.makedirs(rd)
                run = {"schema": "dmdprof.run/1", "task": "addition", "T": T, "H": 8, "init": init, "seed": seed,
                       "cell": cell, "status": st, "solved_epoch": 3 if st == "solved" else None,
                       "final_metric": 0.01 if st == "solved" else 0.08, "metric_name": "mse", "chance": 0.083,
                       "solve_threshold": 0.05, "epochs_run": 5, "steps_run": 10,
                       "config": {"task": "addition", "T": T, "H": 8, "init": init, "seed": seed, "cell": cell,
                                  "epochs": 5, "batch": 4, "batches_per_epoch": 2, "lr": 0.01, "momentum": 0.9}}
                if cell == "gru" and seed == 0:   # the default value written out: the same arm
                    run["config"].update(gate_bias=0.0, gate_bias_default=0.0)
                json.dump(run, open(os.path.join(rd, "run.json"), "w"))
# gru ortho with --gate-bias chrono: every seed solves at T 10 and 20, none at 40
for T in (10, 20, 40):
    for seed in range(3):
        st = "solved" if T < 40 else "unsolved"
        statuses[("gru", "ortho+chrono", T, seed)] = st
        rd = os.path.join(d, "runs", f"gru_ortho_chrono_T{T}_s{seed}")
        os.makedirs(rd)
        run = {"schema": "dmdprof.run/1", "task": "addition", "T": T, "H": 8, "init": "ortho", "seed": seed,
               "cell": "gru", "status": st, "solved_epoch": 2 if st == "solved" else None,
               "final_metric": 0.01 if st == "solved" else 0.08, "metric_name": "mse", "chance": 0.083,
               "solve_threshold": 0.05, "epochs_run": 5, "steps_run": 10,
               "config": {"task": "addition", "T": T, "H": 8, "init": "ortho", "seed": seed, "cell": "gru",
                          "epochs": 5, "batch": 4, "batches_per_epoch": 2, "lr": 0.01, "momentum": 0.9,
                          "gate_bias": "chrono", "gate_bias_default": 0.0}}
        json.dump(run, open(os.path.join(rd, "run.json"), "w"))
json.dump({"%s %s %d %d" % k: v for k, v in statuses.items()}, open(os.path.join(d, "..", "statuses.json"), "w"))
# arms: seeds with a cost to solution and seeds without (cost of the whole run only)
arms = []
for cell in G:
    for init in ("ortho", "random"):
        for T in (10, 20, 40):
            seeds = []
            for s in range(4):
                solved = not (s == 3 or (init == "random" and T == 40))
                c = 1e9 * G[cell] * T
                seeds.append({"seed": s, "status": "solved" if solved else "unsolved",
                              "solved_epoch": 2 + s if solved else None, "final_metric": 0.1,
                              "cost_to_solution": c * (2 + s) if solved else None, "cost_of_run": c * 80})
            tos = [x["cost_to_solution"] for x in seeds if x["cost_to_solution"]]
            arms.append({"spec": "q7_cells", "arm": f"3bit_memorization_T{T}_{cell}_{init}", "task": "3bit_memorization",
                         "T": T, "H": 64, "cell": cell, "init": init, "model": "live", "cost_per_step": 1e9 * G[cell] * T,
                         "seeds_run": 4, "solved": len(tos), "seeds": seeds,
                         "cost_to_solution_median": sorted(tos)[len(tos) // 2] if tos else None})
for T, lr in [(T, lr) for T in (10, 20, 40) for lr in (0.01, 0.05)]:
    # arms with --gate-bias chrono, at the default lr and at 0.05: every seed solved at epoch 2 (lr 0.05: 1)
    c, e = 1e9 * 3 * T, 2 if lr == 0.01 else 1
    seeds = [{"seed": s, "status": "solved", "solved_epoch": e, "final_metric": 0.1, "cost_to_solution": e * c,
              "cost_of_run": c * 80} for s in range(4)]
    arms.append({"spec": "q7_gate_bias", "arm": f"3bit_memorization_T{T}_gru_ortho_chrono{'' if lr == 0.01 else '_lr05'}",
                 "task": "3bit_memorization", "lr": lr,
                 "T": T, "H": 64, "cell": "gru", "init": "ortho", "gate_bias": "chrono", "gate_bias_default": 0.0,
                 "model": "live", "cost_per_step": c, "seeds_run": 4, "solved": 4, "seeds": seeds,
                 "cost_to_solution_median": e * c, "cost_to_solution_min": e * c, "cost_to_solution_max": e * c,
                 "solve_epoch_median": e, "solve_epoch_min": e, "solve_epoch_max": e})
json.dump({"schema": "dmdprof.arms/1", "runs_dir": "/x", "arms": arms}, open(os.path.join(d, "arms.json"), "w"))
PY
"$report" "$tmp/in" --out "$tmp/r" 2>"$tmp/r.log"
rc=$?
[ $rc = 0 ] && ok || bad "report exit $rc: $(cat "$tmp/r.log")"
for f in cells_cost cells_regions cells_solve_rate cells_to_solution; do
  head -c 4 "$tmp/r/$f.png" 2>/dev/null | grep -q PNG && grep -q "<svg" "$tmp/r/$f.svg" 2>/dev/null &&
    [ -s "$tmp/r/$f.gp" ] && [ -s "$tmp/r/$f.dat" ] && grep -q "src=\"$f.png\"" "$tmp/r/index.html" && ok ||
    bad "figure $f: PNG, SVG, script, data or its place in index.html missing ($(grep -i "$f" "$tmp/r.log"))"
done
python3 - "$tmp/r" "$tmp/statuses.json" <<'PY' && ok || bad "the cell tables disagree with the synthetic inputs"
import csv, json, os, statistics, sys
r = sys.argv[1]
rd = lambda n: list(csv.DictReader(open(os.path.join(r, n + ".csv"))))
A = {"vanilla": (1.0, 2.0), "gru": (1.1, 2.2), "lstm": (1.2, 2.4)}
ex = rd("cells_exponents")
for row in ex:
    want = A[row["cell"]][0 if row["x"] == "T" else 1]
    assert abs(float(row["exponent"]) - want) < 2e-3, row
assert {(r_["cell"], r_["x"]) for r_ in ex} == {(c, x) for c in A for x in "TH"}, ex
# parameter counts: g (HI + H^2 + H) + OH + O with I = 5, O = 8
cost = rd("cells_cost")
P = {(c["cell"], c["H"]): int(c["params"]) for c in cost}
assert P[("vanilla", "64")] == 5000 and P[("gru", "37")] == 5077 and P[("lstm", "32")] == 5128, P
# ratios to vanilla at equal H and at equal parameter count
for c in cost:
    if c["cell"] == "gru" and c["H"] == "37":
        v = [x for x in cost if x["cell"] == "vanilla" and x["H"] == "64" and x["T"] == c["T"]][0]
        assert c["vanilla_H_same_params"] == "64"
        assert abs(float(c["x_vanilla_same_params"]) - float(c["cost_per_step"]) / float(v["cost_per_step"])) < 1e-3
    if c["cell"] == "gru" and c["H"] == "36":
        assert c["x_vanilla_same_params"] == "", c
    if c["cell"] == "lstm" and c["H"] == "16":
        v = [x for x in cost if x["cell"] == "vanilla" and x["H"] == "16" and x["T"] == c["T"]][0]
        assert abs(float(c["x_vanilla_same_H"]) - float(c["cost_per_step"]) / float(v["cost_per_step"])) < 1e-3
meta = open(os.path.join(r, "cells_cost_meta.gp")).read()
assert "gru, H = 37 (P = 5,077, +1.5%)" in meta and "lstm, H = 32 (P = 5,128, +2.6%)" in meta, meta
page = open(os.path.join(r, "index.html")).read()
assert "Equal parameter count: vanilla H = 64 (P = 5,000), gru H = 37 (P = 5,077), lstm H = 32 (P = 5,128)" in page
# region shares: they add up to 100 and each class gets what was written
for row in rd("cells_regions"):
    sh = {k: float(row[k]) for k in ("recurrent", "d_recurrent", "h", "c", "gates", "backward", "rest")}
    assert abs(sum(sh.values()) - 100) < 0.05, row
    assert abs(sh["recurrent"] - 40) < 0.05 and abs(sh["d_recurrent"] - 10) < 0.05 and abs(sh["h"] - 20) < 0.05, row
    assert abs(sh["c"] - (5 if row["cell"] == "lstm" else 0)) < 0.05, row
    assert abs(sh["gates"] - (0 if row["cell"] == "vanilla" else 5)) < 0.05, row
    assert abs(sh["backward"] - 10) < 0.05, row
assert {row["cell"] for row in rd("cells_regions")} == set(A)
# the vanilla region figure keeps to the vanilla cell (the gated cells have their own)
vr = rd("regions")
assert vr and all(abs(float(x["W_hh"]) - 40) < 0.05 for x in vr), vr
# every closed form of every cell, per region
ar = rd("analytic_regions")
assert sorted((x["cell"], x["T"], x["region"], x["error_pct"]) for x in ar) == sorted(
    ("lstm", str(T), n, str(float(q))) for T in (10, 20, 40) for q, n in enumerate(["W_hi", "h", "c"])), ar
# solve rates against what was written
st = json.load(open(sys.argv[2]))
sr = rd("cells_solve_rate")
assert len(sr) == 3 * 2 * 3 + 3, len(sr)
assert sorted(int(x["T"]) for x in sr if x["init"] == "ortho+chrono") == [10, 20, 40], sr
for row in sr:
    want = sum(st[f"{row['cell']} {row['init']} {row['T']} {s}"] == "solved" for s in range(3))
    assert (int(row["runs"]), int(row["solved"])) == (3, want), row
# to solution: every seed counted; the unsolved ones kept with the cost of their run
ts = rd("cells_to_solution")
assert len(ts) == 24, len(ts)
G = {"vanilla": 1, "gru": 3, "lstm": 4}
for ini, e in (("ortho+chrono", 2), ("ortho+chrono+lr0.05", 1)):   # two series, never merged
    rows = [x for x in ts if x["init"] == ini]
    assert sorted(int(x["T"]) for x in rows) == [10, 20, 40], (ini, rows)
    for row in rows:
        assert row["cell"] == "gru" and int(row["runs"]) == 4 and int(row["solved"]) == 4, row
        assert float(row["median_to_solution"]) == e * 1e9 * 3 * int(row["T"]), row
ts = [x for x in ts if "chrono" not in x["init"]]
for row in ts:
    T, g = int(row["T"]), G[row["cell"]]
    never = row["init"] == "random" and T == 40
    assert int(row["runs"]) == 4 and int(row["solved"]) == (0 if never else 3), row
    assert int(row["unsolved"]) == (4 if never else 1), row
    assert float(row["unsolved_cost_of_run_max"]) == 1e9 * g * T * 80, row
    if never:
        assert row["median_to_solution"] == "", row
    else:
        assert float(row["median_to_solution"]) == statistics.median([1e9 * g * T * k for k in (2, 3, 4)]), row
# the data file draws them: per series an unsolved block with one row per unsolved seed
dat = open(os.path.join(r, "cells_to_solution.dat")).read().split("\n\n\n")
uns = [b for b in dat if "unsolved:" in b]
# (the chrono series has none: its block holds the one NaN row that keeps gnuplot's block numbering)
rows_ = lambda b: [l for l in b.splitlines() if l and not l.startswith("#") and not l.startswith("NaN")]
assert len(uns) == 8 and sum(len(rows_(b)) for b in uns) == 3 * (3 + 6), [len(rows_(b)) for b in uns]
assert [len(rows_(b)) for b in uns if "ortho+chrono" in b] == [0, 0], uns
PY
# without cells to compare (one cell only): the figures say what would produce them
mkdir -p "$tmp/one"
cp "$tmp"/in/m*_vanilla_*.json "$tmp/one/"
"$report" "$tmp/one" --out "$tmp/r1" 2>"$tmp/r1.log"
[ $? = 0 ] && grep -q "Not drawn: per-step costs of two cells or more" "$tmp/r1/index.html" &&
  grep -q "Not drawn: trained runs of two cells or more" "$tmp/r1/index.html" && [ ! -e "$tmp/r1/cells_cost.png" ] && ok ||
  bad "with one cell the cell figures are not reported as missing: $(cat "$tmp/r1.log")"
finish
