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
finish
