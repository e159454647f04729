#!/usr/bin/env bash
# scripts/sweep end to end on a tiny grid: one CSV row per run with the
# to-solution figures of measure, resume without redoing finished runs, and
# one-line errors for bad options.  usage: sweep_smoke.sh SWEEP DMDPROF
set -u
sweep=$1 dmdprof=$2
. "$(dirname "$0")/../lib.sh"
args=(--out "$tmp/s" --tasks 3bit_memorization --T "6 8" --H "4" --inits "ortho random" --seeds "0 1"
      --epochs 2 --batches-per-epoch 2 --batch 4 --model lru --jobs 2 --dmdprof "$dmdprof")
"$sweep" "${args[@]}" 2>"$tmp/log1" || bad "sweep failed: $(tail -3 "$tmp/log1")"
rows=$(($(wc -l <"$tmp/s/sweep.csv") - 1))
[ "$rows" = 8 ] && ok || bad "sweep.csv has $rows rows, expected 8 (2 T x 1 H x 2 inits x 2 seeds)"
# every row has a status and the per-step cost; the cost per step is the same for
# every run of one (T, H) (the kernel's accesses do not depend on the data under lru)
python3 - "$tmp/s/sweep.csv" <<'PY' && ok || bad "sweep.csv rows are incomplete or inconsistent"
import csv, sys, json, os
rows = list(csv.DictReader(open(sys.argv[1])))
assert all(r["status"] in ("solved", "unsolved") and int(r["cost_per_step"]) > 0 for r in rows)
for T in ("6", "8"):
    assert len({r["cost_per_step"] for r in rows if r["T"] == T}) == 1
for r in rows:
    d = os.path.join(os.path.dirname(sys.argv[1]), "runs", f"{r['task']}_T{r['T']}_H{r['H']}_{r['init']}_s{r['seed']}")
    s = json.load(open(os.path.join(d, "dmd_to_solution_lru.json")))
    assert str(s["cost_per_step"]) == r["cost_per_step"]
    assert (r["cost_to_solution"] == "") == (s["cost_to_solution"] is None)
PY
# resume: nothing is retrained
before=$(stat -c %Y.%s "$tmp"/s/runs/*/run.json | sort | md5sum)
sleep 1
"$sweep" "${args[@]}" 2>"$tmp/log2" || bad "second sweep failed"
after=$(stat -c %Y.%s "$tmp"/s/runs/*/run.json | sort | md5sum)
[ "$before" = "$after" ] && ok || bad "the second sweep retrained finished runs"
# bad options: exit 2, one line
for opt in "--jobs 0" "--model quadratic" "--frobnicate"; do
  # shellcheck disable=SC2086
  "$sweep" --out "$tmp/bad" --dmdprof "$dmdprof" $opt >/dev/null 2>"$tmp/err"
  rc=$?
  [ $rc = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && ok || bad "sweep $opt: rc $rc, stderr: $(cat "$tmp/err")"
done
finish
