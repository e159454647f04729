#!/usr/bin/env bash
# experiments/run + analyze.py on a tiny job file: every run trained once,
# a re-run trains nothing, a deleted run is retrained, the summary counts
# seeds and solved runs as run.json says, bad job files exit 2.
set -u
exp=$1 dmdprof=$2
. "$(dirname "$0")/../lib.sh"
cd "$tmp"
args="--task addition -T 5 -H 4 --epochs 3 --batches-per-epoch 2 --batch 2"
printf '# tiny\ntiny_a_s0\t%s --seed 0\ntiny_a_s1\t%s --seed 1\n' "$args" "$args" > tiny.jobs
"$exp/run" --out r --jobs 2 --dmdprof "$dmdprof" tiny.jobs > run1.txt 2>&1; rc=$?
[ $rc -eq 0 ] && [ -f r/tiny_a_s0/run.json ] && [ -f r/tiny_a_s1/run.json ] && ok || bad "first run (rc $rc): $(cat run1.txt)"
grep -q "2 runs, 0 already done" run1.txt && ok || bad "progress line: $(head -1 run1.txt)"
before=$(stat -c %Y r/tiny_a_s0/run.json)
"$exp/run" --out r --dmdprof "$dmdprof" tiny.jobs > run2.txt 2>&1
grep -q "2 runs, 2 already done, 0 to train" run2.txt && [ "$(stat -c %Y r/tiny_a_s0/run.json)" = "$before" ] \
  && ok || bad "re-run retrained: $(cat run2.txt)"
rm r/tiny_a_s1/run.json   # as if killed before train finished
"$exp/run" --out r --dmdprof "$dmdprof" tiny.jobs > run3.txt 2>&1
grep -q "1 already done, 1 to train" run3.txt && [ -f r/tiny_a_s1/run.json ] && ok || bad "resume: $(cat run3.txt)"
# the summary: one arm 'tiny_a' with seeds 0,1; solved count from run.json
solved=$(python3 -c "import json,sys; print(sum(json.load(open(f'r/tiny_a_s{s}/run.json'))['solved_epoch'] is not None for s in (0,1)))")
python3 "$exp/analyze.py" r tiny.jobs > sum.md 2>&1
grep -q "^| tiny_a | 0,1 | $solved/2 |" sum.md && ok || bad "summary row: $(cat sum.md)"
rm -r r/tiny_a_s1
python3 "$exp/analyze.py" r tiny.jobs > sum2.md 2>&1
grep -q "^| tiny_a | 0 | " sum2.md && grep -q "not run yet: 1 jobs" sum2.md && ok || bad "missing run not reported: $(cat sum2.md)"
# bad input: exit 2, one line
printf 'no tab here\n' > bad.jobs
"$exp/run" --out r --dmdprof "$dmdprof" bad.jobs 2> err.txt; rc=$?
[ $rc -eq 2 ] && grep -q "bad.jobs:1: expected NAME<TAB>ARGS" err.txt && ok || bad "bad job file: rc $rc $(cat err.txt)"
"$exp/run" --out r --jobs 0 --dmdprof "$dmdprof" tiny.jobs 2> err.txt; rc=$?
[ $rc -eq 2 ] && ok || bad "--jobs 0: rc $rc"
printf 'x_s0\t--task nosuch\n' > fail.jobs
"$exp/run" --out r --dmdprof "$dmdprof" fail.jobs > f.txt 2>&1; rc=$?
[ $rc -eq 1 ] && [ ! -f r/x_s0/run.json ] && ok || bad "a failing run must exit 1: rc $rc $(cat f.txt)"
python3 "$exp/analyze.py" nowhere tiny.jobs 2> err.txt; rc=$?
[ $rc -eq 2 ] && grep -q "nowhere: not a directory" err.txt && ok || bad "analyze of a missing dir: rc $rc"
# --json, --failures, "# compare:" on hand-made runs whose numbers the test knows:
# arm fake, seed 0 solved at epoch 2, seed 1 never; T 5, 3 batches per epoch;
# a cost cache gives the step cost 1000, so seed 0's cost to solution is
# 1000 * 2 * 3 = 6000 and seed 1's whole run (12 steps) 12000
mkdir -p f/fake_s0 f/fake_s1
for s in 0 1; do
  if [ $s = 0 ]; then ep=2 st=solved; else ep=null st=unsolved; fi
  printf '{"schema": "dmdprof.run/1", "task": "addition", "init": "ortho", "activation": "tanh", "T": 5, "H": 4, "seed": %s, "status": "%s", "solved_epoch": %s, "final_metric": 0.5, "steps_run": 12, "sv_W_hh_final": [2.5, 0.25], "config": {"batch": 2, "batches_per_epoch": 3, "epochs": 4}}\n' \
    $s $st $ep > f/fake_s$s/run.json
  printf 'epoch,loss,grad_norm,clip_frac,dh_norm_t5,dh_norm_t1\n1,1,1,0,2,1\n2,1,3,0.5,4,0.001\n' > f/fake_s$s/history.csv
done
printf 'fake_s0\t-\nfake_s1\t-\n' > fake.jobs
printf '# compare: fake\nother_s0\t-\n' > other.jobs
echo '{"addition|5|4|2|tanh": 1000}' > costs.json
python3 "$exp/analyze.py" f fake.jobs other.jobs --cost-cache costs.json --json f/arms.json --failures > fsum.md 2> ferr.txt
cat > check_arms.py <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "dmdprof.arms/1", d["schema"]
a = {(r["spec"], r["arm"]): r for r in d["arms"]}
r = a[("fake", "fake")]
assert (r["seeds_run"], r["solved"], r["cost_per_step"]) == (2, 1, 1000), r
s0, s1 = r["seeds"]
assert (s0["solved_epoch"], s0["cost_to_solution"], s0["cost_of_run"]) == (2, 6000, 12000), s0
assert (s1["solved_epoch"], s1["cost_to_solution"], s1["cost_of_run"]) == (None, None, 12000), s1
assert r["cost_to_solution_median"] == 6000 and r["optimizer"] == "HB mu 0.9", r
assert ("other", "fake") in a, "the compare line did not bring arm fake into other's table"
EOF
python3 check_arms.py f/arms.json && ok || bad "arms.json: $(cat ferr.txt)"
# failures: seed 1's row: t1/t5 at epoch 1 = 1/2, at the last (2) = 0.001/4; clipped 0.5, grad norm 3; sv 2.5, 0.25
grep -q "^| fake | 1 | unsolved | -- | 0.5 | -- | 0.00025 | 0.5 | 3 | 2.5 | 0.25 |" fsum.md && ok \
  || bad "failure row: $(grep '^| fake | 1' fsum.md)"
# the report draws the arms: one table row per (spec, arm)
if command -v gnuplot >/dev/null; then
  python3 "$exp/../scripts/report" f/arms.json --out rep > rep.txt 2>&1
  [ -s rep/arms.png ] && [ "$(grep -c '^dmdprof.report_arms/1' rep/arms.csv)" = 2 ] && ok || bad "report arms: $(cat rep.txt)"
else
  echo "(gnuplot missing: the report's arms figure is not checked)"
fi
# --model lru: the step priced under lru (its own cache key, recorded in the arms)
echo '{"addition|5|4|2|tanh": 1000, "addition|5|4|2|tanh|model=lru": 500}' > costs2.json
python3 "$exp/analyze.py" f fake.jobs --cost-cache costs2.json --model lru --json f/arms_lru.json > lsum.md 2>&1
python3 - f/arms_lru.json <<'PY' && ok || bad "--model lru: $(cat lsum.md)"
import json, sys
r = json.load(open(sys.argv[1]))["arms"][0]
assert (r["model"], r["cost_per_step"], r["seeds"][0]["cost_to_solution"]) == ("lru", 500, 3000), r
PY
python3 "$exp/analyze.py" f fake.jobs --model quadratic 2> err.txt; rc=$?
[ $rc -eq 2 ] && grep -q -- "--model: unknown model 'quadratic'" err.txt && ok || bad "--model quadratic: rc $rc"
python3 "$exp/analyze.py" f fake.jobs --json 2> err.txt; rc=$?
[ $rc -eq 2 ] && grep -q -- "--json needs a value" err.txt && ok || bad "--json without a file: rc $rc"
finish
