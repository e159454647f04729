#!/usr/bin/env bash
# measure.sh DMDPROF -- measure refuses what it cannot price, before the work,
# in one line (these aborted or ran for minutes), and --run prices the trained
# model of a consistent run directory only.
set -u
P=$(realpath "$1")
. "$(dirname "$0")/../lib.sh"
cd "$tmp" || exit 1
one_line() { # description, want exit, pattern, args...
  local d=$1 want=$2 pat=$3; shift 3
  local t0; t0=$(date +%s)
  "$P" "$@" >out.txt 2>err.txt; local rc=$?
  local secs=$(( $(date +%s) - t0 ))
  if [ $rc -eq "$want" ] && [ "$(wc -l <err.txt)" -eq 1 ] && grep -q -- "$pat" err.txt && [ $secs -le 20 ]; then
    ok; echo "ok   $d (${secs} s): $(cat err.txt)"
  else
    bad "$d: exit $rc (want $want) after $secs s: $(head -c 300 err.txt)"
  fi
}
one_line "-T 4 -H 64 --bytes-per-element 1048576 (was an abort)" 2 "over the engine's 4 GiB stack" \
  measure -T 4 -H 64 --bytes-per-element 1048576
one_line "-H 256 --bytes-per-element 65536 (was an abort)" 2 "over the engine's 4 GiB stack" \
  measure -T 4 -H 256 --bytes-per-element 65536
one_line "-H 2048 -T 1000 --batch 50 refused before the model is built (took 147 s)" 2 "over the budget" \
  measure -H 2048 -T 1000 --batch 50
one_line "the same under lru (was never refused)" 2 "over the budget" measure -H 2048 -T 1000 --batch 50 --model lru

# --run: steps from the checkpoint, which must exist and agree with run.json
"$P" train --task addition -T 6 -H 3 --epochs 4 --batches-per-epoch 3 --batch 2 --max-steps 7 --quiet --out stop ||
  bad "train --max-steps 7"
"$P" measure --run stop --quiet >/dev/null 2>err.txt || bad "measure --run stop: $(cat err.txt)"
steps=$(python3 -c "import json; print(json.load(open('stop/dmd_to_solution_live.json'))['steps_run'])")
[ "$steps" = 7 ] && { ok; echo "ok   --run of a run stopped after 7 steps counts 7 (was 6)"; } || bad "steps_run $steps, want 7"
cp -r stop nockpt && rm nockpt/model.ckpt
one_line "--run without a checkpoint (priced a fresh model)" 2 "no readable model.ckpt" measure --run nockpt
for edit in "batches_per_epoch=0" "epochs_run=-5" "T=7"; do
  cp -r stop edited_$$ && python3 - edited_$$/run.json "$edit" <<'PY'
import json, sys
p, (k, v) = sys.argv[1], sys.argv[2].split('=')
j = json.load(open(p))
(j['config'] if k in j.get('config', {}) and k not in j else j)[k] = int(v)
if k in j.get('config', {}): j['config'][k] = int(v)
json.dump(j, open(p, 'w'))
PY
  one_line "--run with a hand-edited run.json ($edit)" 2 "disagree on" measure --run edited_$$
  rm -rf edited_$$
done
# a run.json without a field, or not JSON: exit 2, one line (the reader returns the error; no exit from a helper)
cp -r stop nofield && rm -f nofield/dmd_to_solution_*.json && python3 -c "
import json; p = 'nofield/run.json'; j = json.load(open(p)); del j['solved_epoch']; json.dump(j, open(p, 'w'))"
one_line "--run with a run.json without solved_epoch" 2 "has no field \"solved_epoch\"" measure --run nofield
printf '{"task": ' >nofield/run.json
one_line "--run with a cut run.json" 2 "cannot read 'nofield/run.json'" measure --run nofield
[ ! -e nofield/dmd_to_solution_live.json ] && ok || bad "--run wrote a result for a bad run.json"
one_line "--run of a file, not a run directory" 2 "is not a run directory (not a directory)" measure --run nofield/run.json
one_line "--run of a missing directory" 2 "is not a run directory (No such file or directory)" measure --run no_such_run_dir
mkdir -p emptyrun
one_line "--run of a directory without run.json" 2 "the --out DIR of a dmdprof train run" measure --run emptyrun
finish
