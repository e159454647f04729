#!/usr/bin/env bash
# scripts/sweep end to end on a tiny grid: one CSV row per job with the
# to-solution figures of measure; job identity = hash of all parameters
# (re-run: nothing redone; grown grid: only the new points run; a changed
# parameter: new jobs, the old runs untouched); --gate-bias reaches the gated
# cells' jobs only; bad options refused (exit 2, one line) before anything is written.  usage: sweep_smoke.sh SWEEP DMDPROF
set -u
sweep=$1 dmdprof=$2
. "$(dirname "$0")/../lib.sh"
base=(--tasks 3bit_memorization --inits "ortho random" --seeds "0 1" --epochs 2 --batches-per-epoch 2
      --batch 4 --model lru --jobs 2 --dmdprof "$dmdprof")
"$sweep" --out "$tmp/s" --T "6 8" --H "4" "${base[@]}" 2>"$tmp/log1" || bad "sweep failed: $(tail -3 "$tmp/log1")"
rows=$(($(wc -l <"$tmp/s/sweep.csv") - 1))
[ "$rows" = 8 ] && ok || bad "sweep.csv has $rows rows, expected 8 (2 T x 1 H x 2 inits x 2 seeds)"
# every row: schema, status, the per-step cost equal to the run's own measure JSON,
# the grid's values, one row per (T, init, seed)
python3 - "$tmp/s" <<'PY' && ok || bad "sweep.csv rows are incomplete or inconsistent"
import csv, sys, json, os
d = sys.argv[1]
rows = list(csv.DictReader(open(os.path.join(d, "sweep.csv"))))
assert all(r["schema"] == "dmdprof.sweep/1" for r in rows)
assert all(r["status"] in ("solved", "unsolved") and int(r["cost_per_step"]) > 0 for r in rows)
assert sorted((r["T"], r["init"], r["seed"]) for r in rows) == sorted(
    (T, i, s) for T in ("6", "8") for i in ("ortho", "random") for s in ("0", "1"))
for T in ("6", "8"):
    assert len({r["cost_per_step"] for r in rows if r["T"] == T}) == 1
for r in rows:
    run = os.path.join(d, "runs", r["name"])
    s = json.load(open(os.path.join(run, "dmd_to_solution_lru.json")))
    assert str(s["cost_per_step"]) == r["cost_per_step"]
    assert (r["cost_to_solution"] == "") == (s["cost_to_solution"] is None)
    cfg = json.load(open(os.path.join(run, "run.json")))["config"]
    assert (cfg["T"], cfg["init"], cfg["seed"], cfg["epochs"], cfg["batch"]) == (int(r["T"]), r["init"], int(r["seed"]), 2, 4)
PY
stamp() { stat -c '%n %Y.%s' "$tmp"/s/runs/*/job.json | sort; }
stamp >"$tmp/before"
sleep 1
# the same grid again: nothing is retrained
"$sweep" --out "$tmp/s" --T "6 8" --H "4" "${base[@]}" 2>"$tmp/log2" || bad "second sweep failed"
stamp >"$tmp/after"
cmp -s "$tmp/before" "$tmp/after" && ok || bad "the second sweep redid finished jobs"
grep -q "8 done before, 0 to run\|sweep: 8 of 8 jobs done" "$tmp/log2" && ok || bad "second sweep did not report 8 done: $(cat "$tmp/log2")"
# grow the grid (T = 10 added, listed FIRST: order must not matter): only the 4 new jobs run
"$sweep" --out "$tmp/s" --T "10 6 8" --H "4" "${base[@]}" 2>"$tmp/log3" || bad "grown sweep failed"
grep -q "8 done before, 4 to run" "$tmp/log3" && ok || bad "grown sweep: $(grep 'jobs (' "$tmp/log3")"
stamp | grep -v -- '-T10-' >"$tmp/after3"
cmp -s "$tmp/before" "$tmp/after3" && ok || bad "growing the grid redid old jobs"
rows=$(($(wc -l <"$tmp/s/sweep.csv") - 1))
[ "$rows" = 12 ] && ok || bad "grown sweep.csv has $rows rows, expected 12"
# change a parameter (--epochs 3): 12 new jobs, never the old runs; the CSV lists only the new grid
"$sweep" --out "$tmp/s" --T "10 6 8" --H "4" "${base[@]}" --epochs 3 2>"$tmp/log4" || bad "changed sweep failed"
grep -q "0 done before, 12 to run" "$tmp/log4" && ok || bad "changed --epochs reused runs: $(grep 'jobs (' "$tmp/log4")"
python3 - "$tmp/s" <<'PY' && ok || bad "after --epochs 3 the CSV does not list exactly the 12 new runs of 3 epochs"
import csv, json, os, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(os.path.join(d, "sweep.csv"))))
assert len(rows) == 12 and len({r["id"] for r in rows}) == 12
for r in rows:
    assert r["epochs"] == "3" and r["epochs_run"] == "3"
    assert json.load(open(os.path.join(d, "runs", r["name"], "run.json")))["epochs_run"] == 3
assert len(os.listdir(os.path.join(d, "runs"))) == 24
PY
# --gate-bias: the gated cells' jobs get it (job name, id, sweep.csv column, run.json), the vanilla
# cell's jobs of the same grid do not, and keep the id they have without the flag
gb=(--tasks 3bit_memorization --T 6 --H 4 --inits ortho --seeds 0 --epochs 2 --batches-per-epoch 2 --batch 4
    --model lru --jobs 2 --dmdprof "$dmdprof")
"$sweep" --out "$tmp/g0" --cells vanilla "${gb[@]}" --dry-run 2>/dev/null || bad "gate-bias: the plain dry run failed"
"$sweep" --out "$tmp/g" --cells "vanilla gru" --gate-bias chrono "${gb[@]}" 2>"$tmp/logg" || bad "gate-bias sweep: $(tail -2 "$tmp/logg")"
python3 - "$tmp/g0/jobs.txt" "$tmp/g" <<'PY2' && ok || bad "--gate-bias: jobs, ids or sweep.csv wrong"
import csv, json, os, sys
plain = open(sys.argv[1]).read().split()[0]
d = sys.argv[2]
rows = {r["cell"]: r for r in csv.DictReader(open(os.path.join(d, "sweep.csv")))}
assert set(rows) == {"vanilla", "gru"}, rows
assert rows["vanilla"]["id"] == plain and rows["vanilla"]["gate_bias"] == "", rows["vanilla"]
assert rows["gru"]["gate_bias"] == "chrono" and "-gru-gbchrono-" in rows["gru"]["name"], rows["gru"]
for c, want in (("gru", "chrono"), ("vanilla", None)):
    cfg = json.load(open(os.path.join(d, "runs", rows[c]["name"], "run.json")))["config"]
    assert cfg["gate_bias"] == want, (c, cfg["gate_bias"])
PY2
for opt in "--cells vanilla --gate-bias 1" "--cells gru --gate-bias x" "--cells gru --gate-bias 99"; do
  # shellcheck disable=SC2086
  "$sweep" --out "$tmp/bad" --dmdprof "$dmdprof" --tasks 3bit_memorization $opt >/dev/null 2>"$tmp/err"
  rc=$?
  [ $rc = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && [ ! -e "$tmp/bad" ] && ok ||
    bad "sweep $opt: rc $rc, $( [ -e "$tmp/bad" ] && echo 'wrote output, ')stderr: $(cat "$tmp/err")"
done
# bad options: exit 2, one line, nothing written (the output directory is not even created)
for opt in "--jobs 0" "--model quadratic" "--frobnicate" "--H 0" "--H -3" "--H 4096" "--T 0" "--T x" \
           "--seeds -1" "--inits zero" "--tasks nosuchtask" "--T 2" "--cells nosuchcell" "--cells Bad" "--epochs 0" "--lr -1" "--H"; do
  # shellcheck disable=SC2086
  "$sweep" --out "$tmp/bad" --dmdprof "$dmdprof" --tasks 3bit_memorization $opt >/dev/null 2>"$tmp/err"
  rc=$?
  [ $rc = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && [ ! -e "$tmp/bad" ] && ok ||
    bad "sweep $opt: rc $rc, $( [ -e "$tmp/bad" ] && echo 'wrote output, ')stderr: $(cat "$tmp/err")"
done
"$sweep" --out "$tmp/bad" --dmdprof "$dmdprof" --H "" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "empty list" "$tmp/err" && ok || bad "--H '' not refused: $(cat "$tmp/err")"
# --out / --store naming a file: exit 2, one line saying so
: >"$tmp/afile"
for o in "--out $tmp/afile" "--out $tmp/bad --store $tmp/afile"; do
  # shellcheck disable=SC2086
  "$sweep" $o --dmdprof "$dmdprof" --tasks 3bit_memorization >/dev/null 2>"$tmp/err"
  rc=$?
  [ $rc = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "exists and is not a directory" "$tmp/err" && [ -f "$tmp/afile" ] && ok ||
    bad "sweep $o: rc $rc, stderr: $(cat "$tmp/err")"
done
rm -rf "$tmp/bad"
finish
