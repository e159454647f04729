#!/usr/bin/env bash
# A sweep killed with SIGKILL (its whole session: parallel, the job
# runners, train and measure, as a crashed machine would) at several moments,
# then re-run to the end (a killed training resumes from its periodic checkpoint):
# every job done exactly once (one row each, no
# pending, no unreadable row), the runs identical to an uninterrupted sweep,
# and one more re-run does nothing.  usage: sweep_kill.sh SWEEP DMDPROF
set -u
sweep=$1 dmdprof=$2
. "$(dirname "$0")/../lib.sh"
args=(--tasks "3bit_memorization addition" --T "8 12" --H "16" --inits "ortho random" --seeds "0" --epochs 20
      --batches-per-epoch 10 --batch 16 --model lru --jobs 2 --dmdprof "$dmdprof")
t0=$(date +%s.%N)
"$sweep" --out "$tmp/ref" "${args[@]}" 2>"$tmp/ref.log" || bad "reference sweep failed: $(tail -2 "$tmp/ref.log")"
wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
done_jobs() { ls "$tmp"/k/runs/*/job.json 2>/dev/null | wc -l; }
kills=0
# kill (1) at 10% of an uninterrupted sweep's wall time (parallel starting, first
# trainings), then (2) each time one more job has finished -- the other job slot
# is then mid-train or mid-measure -- until 5 of the 8 are done
killat() {   # killat SECONDS | killat "" NDONE
  setsid "$sweep" --out "$tmp/k" "${args[@]}" >/dev/null 2>>"$tmp/k.log" &
  local pid=$! t=0
  if [ -n "$1" ]; then sleep "$1"
  else while [ "$(done_jobs)" -lt "$2" ] && kill -0 "$pid" 2>/dev/null && [ $t -lt 3000 ]; do sleep 0.01; t=$((t + 1)); done; fi
  # GNU parallel puts each job in its own process group: kill the whole session
  # (setsid made the sweep its leader), every process of it by pid
  # (again until none is left: a process forked between listing and killing survives one round)
  if kill -0 "$pid" 2>/dev/null; then
    kills=$((kills + 1))
    local left n=0
    while left=$(ps -o pid=,stat= -s "$pid" | awk '$2 !~ /^Z/ { print $1 }') && [ -n "$left" ] && [ $n -lt 50 ]; do
      kill -KILL $left 2>/dev/null; n=$((n + 1)); sleep 0.02
    done
  fi
  wait "$pid" 2>/dev/null
  sleep 0.1   # let the killed group's processes be reaped
}
killat "$(awk -v w="$wall" 'BEGIN { print w * 0.1 }')"
for n in 1 3 5; do killat "" "$n"; done
partial=$(for d in "$tmp"/k/runs/*/; do [ -f "$d/job.json" ] || echo "$d"; done | wc -l)
echo "after the kills: $(ls "$tmp"/k/runs/*/job.json 2>/dev/null | wc -l) jobs done, $partial run directories left half-done"
[ "$kills" -ge 3 ] && [ "$(done_jobs)" -lt 8 ] && ok || bad "only $kills of the sweeps were still running when killed or all were done before the last kill (the test did not test)"
"$sweep" --out "$tmp/k" "${args[@]}" 2>"$tmp/final.log" || bad "the resumed sweep failed: $(tail -2 "$tmp/final.log")"
python3 - "$tmp/ref" "$tmp/k" <<'PY' && ok || bad "the killed and resumed sweep differs from the uninterrupted one"
import csv, os, sys
ref, k = sys.argv[1:3]
rr = list(csv.DictReader(open(os.path.join(ref, "sweep.csv"))))
kr = list(csv.DictReader(open(os.path.join(k, "sweep.csv"))))
assert len(kr) == len(rr) == 8, (len(kr), len(rr))
assert len({r["id"] for r in kr}) == 8
assert all(r["status"] in ("solved", "unsolved") and r["cost_per_step"] for r in kr), [(r["name"], r["status"], r["cost_per_step"]) for r in kr]
strip = lambda r: {c: v for c, v in r.items() if c != "host"}
strip = lambda r: {c: v for c, v in r.items() if c not in ("host", "run_dir")}
assert sorted(map(str, map(strip, rr))) == sorted(map(str, map(strip, kr))), [
    (a, b) for a, b in zip(sorted(map(str, map(strip, rr))), sorted(map(str, map(strip, kr)))) if a != b][:2]
for r in kr:
    for f in ("history.csv", "run.json"):
        a = open(os.path.join(ref, "runs", r["name"], f)).read()
        b = open(os.path.join(k, "runs", r["name"], f)).read()
        if f == "run.json":   # wall clock, speed and the resume record differ; everything else must not
            skip = ("seconds", "gflop", "resumed_from", "steps_this_invocation")   # gflop: this invocation's work
            drop = lambda s: [l for l in s.splitlines() if not any(k in l for k in skip)]
            a, b = drop(a), drop(b)
        assert a == b, (r["name"], f, [x for x in zip(a, b) if x[0] != x[1]][:4] if f == "run.json" else "")
PY
stat -c '%n %Y' "$tmp"/k/runs/*/job.json | sort >"$tmp/before"
sleep 1
"$sweep" --out "$tmp/k" "${args[@]}" 2>"$tmp/again.log" || bad "the re-run after completion failed"
stat -c '%n %Y' "$tmp"/k/runs/*/job.json | sort >"$tmp/after"
cmp -s "$tmp/before" "$tmp/after" && grep -q "8 done before, 0 to run\|8 of 8 jobs done" "$tmp/again.log" && ok ||
  bad "a completed sweep re-run redid jobs: $(cat "$tmp/again.log")"
echo "killed $kills times; the last run: $(grep -o "[0-9]* done before, [0-9]* to run" "$tmp/final.log" || echo "nothing left to run")"
finish
