#!/usr/bin/env python3
"""Summarise the open-question runs (experiments/*.jobs) as markdown tables.

usage: experiments/analyze.py RUNS_DIR [SPEC.jobs...] [--dmdprof PATH] [--cost-cache FILE]

Without SPEC files, every experiments/*.jobs.

RUNS_DIR holds one directory per job line (NAME/run.json, written by
experiments/run).  An arm is a job name without its trailing _sN (seed).
Per arm: seeds run, solved count, solve epoch median and range over the
solved seeds, final metric per seed.  ByteDMD to solution: the ByteDMD cost
of one steady-state training step at the arm's settings (dmdprof measure,
live, float64, the run's batch) times the steps to the solved epoch; the
cost of a step is measured once per (task, T, H, batch, activation) -- it is
the same for every seed and init up to 0.2% (README, "Is the cost
data-dependent?") -- and cached in --cost-cache.  Unsolved seeds are counted
as such, never given a cost.  Missing runs (not finished) are listed.
"""
import json
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def die(msg):
    print(f"analyze: {msg}", file=sys.stderr)
    sys.exit(2)


def read_jobs(path):
    jobs = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            if "\t" not in line:
                die(f"{path}:{n}: expected NAME<TAB>ARGS")
            name, args = line.split("\t", 1)
            jobs.append((name, args))
    return jobs


def step_cost(dmdprof, cache, run):
    cfg = run.get("config", {})
    key = f"{run['task']}|{run['T']}|{run['H']}|{cfg.get('batch', 50)}|{run.get('activation', 'tanh')}"
    if key in cache:
        return cache[key]
    if not dmdprof:
        return None
    cmd = [dmdprof, "measure", "--task", run["task"], "-T", str(run["T"]), "-H", str(run["H"]),
           "--batch", str(cfg.get("batch", 50)), "--activation", run.get("activation", "tanh"),
           "--steps", "2", "--json"]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        print(f"analyze: {' '.join(cmd)} failed: {out.stderr.strip()}", file=sys.stderr)
        return None
    j = json.loads(out.stdout)
    steps = j.get("steps") or []
    # the second step is the steady state (W_hh from the previous update)
    c = steps[-1].get("cost", steps[-1].get("total_cost")) if steps else j.get("total_cost")
    cache[key] = c
    return c


def fmt_e(x):
    return "--" if x is None else f"{x:.2e}"


def main():
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    runs_dir = args[0]
    dmdprof = None
    cache_path = None
    specs = []
    i = 1
    while i < len(args):
        if args[i] == "--dmdprof" and i + 1 < len(args):
            dmdprof = args[i + 1]; i += 2
        elif args[i] == "--cost-cache" and i + 1 < len(args):
            cache_path = args[i + 1]; i += 2
        elif args[i].endswith(".jobs"):
            specs.append(args[i]); i += 1
        else:
            die(f"unknown argument '{args[i]}' (see --help)")
    if not os.path.isdir(runs_dir):
        die(f"{runs_dir}: not a directory (run experiments/run first)")
    cache = {}
    if cache_path and os.path.exists(cache_path):
        with open(cache_path) as f:
            cache = json.load(f)
    if not specs:
        specs = [os.path.join(HERE, f) for f in sorted(os.listdir(HERE)) if f.endswith(".jobs")]
    for spec_path in specs:
        if not os.path.isfile(spec_path):
            die(f"{spec_path}: no such job file")
        spec = os.path.basename(spec_path)
        jobs = read_jobs(spec_path)
        arms = {}
        missing = []
        for name, _ in jobs:
            m = re.match(r"(.*)_s(\d+)$", name)
            arm, seed = (m.group(1), int(m.group(2))) if m else (name, 0)
            p = os.path.join(runs_dir, name, "run.json")
            if not os.path.exists(p):
                missing.append(name)
                continue
            with open(p) as f:
                run = json.load(f)
            arms.setdefault(arm, []).append((seed, run))
        print(f"\n### {spec[:-5]}\n")
        print("| arm | seeds | solved | solve epoch median (range) | final metric per seed | ByteDMD/step | ByteDMD to solution median (range) |")
        print("|---|---|---|---|---|---|---|")
        for arm, rs in arms.items():
            rs.sort()
            solved = [r for _, r in rs if r.get("solved_epoch") is not None]
            ep = [r["solved_epoch"] for r in solved]
            med = f"{statistics.median(ep):g} ({min(ep)}-{max(ep)})" if ep else "--"
            finals = " ".join(f"{r['final_metric']:.3f}" if r.get("final_metric") is not None else "null"
                              for _, r in rs)
            c = step_cost(dmdprof, cache, rs[0][1])
            bpe = rs[0][1].get("config", {}).get("batches_per_epoch", 30)
            tos = [c * e * bpe for e in ep] if c is not None else []
            tos_s = (f"{fmt_e(statistics.median(tos))} ({fmt_e(min(tos))}-{fmt_e(max(tos))})"
                     if tos else ("never solved" if c is not None else "--"))
            seeds = ",".join(str(s) for s, _ in rs)
            print(f"| {arm} | {seeds} | {len(solved)}/{len(rs)} | {med} | {finals} | {fmt_e(c)} | {tos_s} |")
        if missing:
            print(f"\n(not run yet: {len(missing)} jobs, e.g. {', '.join(missing[:4])})")
    if cache_path:
        tmp = cache_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(cache, f, indent=1)
        os.replace(tmp, cache_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
