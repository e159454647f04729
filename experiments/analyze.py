#!/usr/bin/env python3
"""Summarise the open-question runs (experiments/*.jobs) as markdown tables.

usage: experiments/analyze.py RUNS_DIR [SPEC.jobs...] [--dmdprof PATH] [--cost-cache FILE]
                              [--json FILE] [--failures] [--model live|classic|lru]

Without SPEC files, every experiments/*.jobs.  A job file's "# compare: ARM
..." lines name arms of other job files to show beside its own (e.g. the
orthogonal-init arms beside the identity ones).

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
--model prices the step under another model (default live; the gated cells'
steps at T >= 100, B = 50 need more memory under live than a small machine
has, lru needs almost none: experiments/q7_cells.jobs is summarised under
lru, every cell alike).

--json FILE writes the same per-arm summary (schema dmdprof.arms/1, every
seed's solve epoch, final metric and cost to solution, null where the seed
never solved; docs/schema.md) for `dmdprof report`, which draws it.
--failures adds, for every arm where some seeds solved and some did not, one
row per seed of what the run's own diagnostics say (history.csv, run.json):
the gradient reaching the first timestep against the last (dh_norm_t1 /
dh_norm_tT) at epochs 1 and 10 and at the end, the fraction of clipped
steps and the gradient norm in the last epoch, and the largest and smallest
singular value of the final W_hh.
"""
import csv
import json
import os
import re
import statistics
import subprocess
import sys

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reports"))
import dmdresults as R  # noqa: E402  the results reader (schemas)

HERE = os.path.dirname(os.path.abspath(__file__))


def die(msg):
    print(f"analyze: {msg}", file=sys.stderr)
    sys.exit(2)


def read_jobs(path, compare=None):
    """The (name, args) lines of a job file; its "# compare: ARM ..." lines
    (arms of other files shown beside this file's) go to compare."""
    jobs = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            m = re.match(r"#\s*compare:\s*(.*)", line)
            if m and compare is not None:
                compare.extend(m.group(1).split())
            if not line or line.startswith("#"):
                continue
            if "\t" not in line:
                die(f"{path}:{n}: expected NAME<TAB>ARGS")
            name, args = line.split("\t", 1)
            jobs.append((name, args))
    return jobs


def step_cost(dmdprof, cache, run, model="live"):
    cfg = run.get("config", {})
    cell = run.get("cell", cfg.get("cell", "vanilla"))
    key = f"{run['task']}|{run['T']}|{run['H']}|{cfg.get('batch', 50)}|{run.get('activation', 'tanh')}"
    if cell != "vanilla":
        key += f"|{cell}"   # vanilla keys keep the old form: old caches stay valid
    if model != "live":
        key += f"|model={model}"
    if key in cache:
        return cache[key]
    if not dmdprof:
        return None
    cmd = [dmdprof, "measure", "--task", run["task"], "-T", str(run["T"]), "-H", str(run["H"]),
           "--batch", str(cfg.get("batch", 50)), "--activation", run.get("activation", "tanh"),
           "--steps", "2", "--json"] + (["--cell", cell] if cell != "vanilla" else []) \
        + (["--model", model, "--no-floors"] if model != "live" else [])
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        print(f"analyze: {' '.join(cmd)} failed: {out.stderr.strip()}", file=sys.stderr)
        return None
    j = json.loads(out.stdout)
    ver = int(str(j.get("schema", "/0")).rsplit("/", 1)[-1])
    j = R.upgrade("measure", ver, j)   # older layouts read as the current one
    steps = j.get("steps") or []
    # the second step is the steady state (W_hh from the previous update)
    c = steps[-1]["cost"] if steps else R.total(j)
    cache[key] = c
    return c


def optimizer(cfg):
    """The optimizer arm in words, from a run's config."""
    o = ("NAG" if cfg.get("nesterov") else "HB") + f" mu {cfg.get('momentum', 0.9):g}"
    if cfg.get("momentum_schedule"):
        o += " scheduled"
    if cfg.get("lr") is not None and cfg["lr"] != R.LR_DEFAULT:
        o += f", lr {cfg['lr']:g}"
    if cfg.get("lr_schedule", "constant") != "constant":
        o += f", lr {cfg['lr_schedule']}"
    return o


def diagnose(run_dir, run):
    """Per-seed failure diagnostics from history.csv and run.json (None where absent)."""
    T = run["T"]
    rows = []
    try:
        with open(os.path.join(run_dir, "history.csv")) as f:
            rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    except OSError:
        pass

    def ratio(row):
        try:
            a, b = float(row["dh_norm_t1"]), float(row[f"dh_norm_t{T}"])
            return a / b if b > 0 else None
        except (KeyError, TypeError, ValueError):
            return None

    def col(row, k):
        try:
            return float(row[k])
        except (KeyError, TypeError, ValueError):
            return None
    sv = run.get("sv_W_hh_final") or []
    last = rows[-1] if rows else {}
    return {"ratio_e1": ratio(rows[0]) if rows else None,
            "ratio_e10": ratio(rows[9]) if len(rows) >= 10 else None,
            "ratio_last": ratio(last) if rows else None,
            "clip_frac_last": col(last, "clip_frac"), "grad_norm_last": col(last, "grad_norm"),
            "sv_max": max(sv) if sv else None, "sv_min": min(sv) if sv else None}


def fmt_g(x):
    return "--" if x is None else f"{x:.3g}"


def fmt_e(x):
    return "--" if x is None else f"{x:.2e}"


def write_json(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)


def arm_record(spec, arm, rs, c, model="live"):
    """One arm's summary (schema dmdprof.arms/1, docs/schema.md)."""
    r0 = rs[0][1]
    cfg = r0.get("config", {})
    bpe = cfg.get("batches_per_epoch", 30)
    seeds = []
    for seed, r in rs:
        e = r.get("solved_epoch")
        seeds.append({"seed": seed, "status": r.get("status"), "solved_epoch": e,
                      "final_metric": r.get("final_metric"),
                      "cost_to_solution": c * e * bpe if c is not None and e is not None else None,
                      "cost_of_run": c * r["steps_run"] if c is not None and r.get("steps_run") else None})
    ep = [x["solved_epoch"] for x in seeds if x["solved_epoch"] is not None]
    tos = [x["cost_to_solution"] for x in seeds if x["cost_to_solution"] is not None]
    return {"spec": spec, "arm": arm, "task": r0["task"], "T": r0["T"], "H": r0["H"],
            "cell": r0.get("cell", cfg.get("cell", "vanilla")), "init": r0.get("init"),
            "gate_bias": cfg.get("gate_bias"), "gate_bias_default": cfg.get("gate_bias_default"), "lr": cfg.get("lr"),
            "activation": r0.get("activation", "tanh"), "optimizer": optimizer(cfg),
            "epochs": cfg.get("epochs"), "batch": cfg.get("batch"), "batches_per_epoch": bpe,
            "model": model, "cost_per_step": c, "seeds_run": len(seeds), "solved": len(ep),
            "solve_epoch_median": statistics.median(ep) if ep else None,
            "solve_epoch_min": min(ep) if ep else None, "solve_epoch_max": max(ep) if ep else None,
            "cost_to_solution_median": statistics.median(tos) if tos else None,
            "cost_to_solution_min": min(tos) if tos else None,
            "cost_to_solution_max": max(tos) if tos else None, "seeds": seeds}


def print_failures(arms, runs_dir):
    mixed = [(a, rs) for a, rs in arms.items()
             if 0 < sum(r.get("solved_epoch") is not None for _, r in rs) < len(rs)]
    if not mixed:
        return
    print("\nFailures beside successes: gradient reaching t = 1 against t = T (dh_norm_t1 / dh_norm_tT) "
          "at epochs 1, 10 and the last; last epoch's clipped fraction and gradient norm; final W_hh "
          "singular values.\n")
    print("| arm | seed | status | solved epoch | grad ratio e1 | e10 | last | clipped | grad norm | sv max | sv min |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for arm, rs in mixed:
        for seed, r in rs:
            d = diagnose(os.path.join(runs_dir, f"{arm}_s{seed}"), r)
            print(f"| {arm} | {seed} | {r.get('status')} | {r.get('solved_epoch') or '--'} | "
                  f"{fmt_g(d['ratio_e1'])} | {fmt_g(d['ratio_e10'])} | {fmt_g(d['ratio_last'])} | "
                  f"{fmt_g(d['clip_frac_last'])} | {fmt_g(d['grad_norm_last'])} | {fmt_g(d['sv_max'])} | "
                  f"{fmt_g(d['sv_min'])} |")


def main():
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    runs_dir = args[0]
    dmdprof = cache_path = json_path = None
    model = "live"
    failures = False
    specs = []
    i = 1
    while i < len(args):
        if args[i] in ("--dmdprof", "--cost-cache", "--json", "--model"):
            if i + 1 >= len(args):
                die(f"{args[i]} needs a value (see --help)")
            if args[i] == "--dmdprof":
                dmdprof = args[i + 1]
            elif args[i] == "--cost-cache":
                cache_path = args[i + 1]
            elif args[i] == "--model":
                model = args[i + 1]
                if model not in ("live", "classic", "lru"):
                    die(f"--model: unknown model '{model}' (live, classic, lru)")
            else:
                json_path = args[i + 1]
            i += 2
        elif args[i] == "--failures":
            failures = True
            i += 1
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
    # arms across every spec: an arm's seeds may be spread over several files
    # (q2's seeds 0..4 and q4's 5..9 of one cell); it is reported under the
    # first spec that names it
    order, arm_jobs, arm_spec, compare = [], {}, {}, {}
    for spec_path in specs:
        if not os.path.isfile(spec_path):
            die(f"{spec_path}: no such job file")
        spec = os.path.basename(spec_path)[:-5]
        order.append(spec)
        compare[spec] = []
        for name, _ in read_jobs(spec_path, compare[spec]):
            m = re.match(r"(.*)_s(\d+)$", name)
            arm, seed = (m.group(1), int(m.group(2))) if m else (name, 0)
            arm_spec.setdefault(arm, spec)
            arm_jobs.setdefault(arm, []).append((seed, name))
    records = []
    for spec in order:
        arms, missing = {}, []
        own = [a for a in arm_jobs if arm_spec[a] == spec]
        for arm in own + [a for a in compare[spec] if a in arm_jobs and a not in own]:
            for seed, name in arm_jobs[arm]:
                p = os.path.join(runs_dir, name, "run.json")
                if not os.path.exists(p):
                    missing.append(name)
                    continue
                try:
                    with open(p) as f:
                        run = json.load(f)
                except (OSError, ValueError) as e:
                    die(f"{p}: unreadable run.json ({e}); delete the run directory and re-run experiments/run")
                arms.setdefault(arm, []).append((seed, run))
        print(f"\n### {spec}\n")
        print("| arm | seeds | solved | solve epoch median (range) | final metric per seed | ByteDMD/step | ByteDMD to solution median (range) |")
        print("|---|---|---|---|---|---|---|")
        for arm, rs in arms.items():
            rs.sort(key=lambda sr: sr[0])
            c = step_cost(dmdprof, cache, rs[0][1], model)
            rec = arm_record(spec, arm, rs, c, model)
            records.append(rec)
            med = (f"{rec['solve_epoch_median']:g} ({rec['solve_epoch_min']}-{rec['solve_epoch_max']})"
                   if rec["solved"] else "--")
            finals = " ".join(f"{x['final_metric']:.3f}" if x["final_metric"] is not None else "null"
                              for x in rec["seeds"])
            tos_s = (f"{fmt_e(rec['cost_to_solution_median'])} ({fmt_e(rec['cost_to_solution_min'])}-"
                     f"{fmt_e(rec['cost_to_solution_max'])})" if rec["cost_to_solution_median"] is not None
                     else ("never solved" if c is not None and not rec["solved"] else "--"))
            seeds = ",".join(str(s) for s, _ in rs)
            print(f"| {arm} | {seeds} | {rec['solved']}/{rec['seeds_run']} | {med} | {finals} | {fmt_e(c)} | {tos_s} |")
        if failures:
            print_failures(arms, runs_dir)
        if missing:
            print(f"\n(not run yet: {len(missing)} jobs, e.g. {', '.join(missing[:4])})")
    if cache_path:
        write_json(cache_path, cache)
    if json_path:
        write_json(json_path, {"schema": "dmdprof.arms/1", "runs_dir": os.path.abspath(runs_dir), "arms": records})
    return 0


if __name__ == "__main__":
    sys.exit(main())
