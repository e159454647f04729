#!/usr/bin/env bash
# train.sh DMDPROF -- train and headline keep work and never mix runs:
#   - a killed fresh train leaves a checkpoint (written after the first
#     epoch, then periodically, atomically) and --resume continues it to the
#     same history.csv and model.ckpt, bit for bit, as an uninterrupted run;
#   - a rerun into a directory of another run is refused (exit 2, one line);
#     a rerun of the same configuration replaces the old run whole;
#   - --probes-out into a missing directory is refused before --out is made;
#   - killing only headline's parent stops its workers.
set -u
P=$(realpath "$1")
. "$(dirname "$0")/../lib.sh"
cd "$tmp" || exit 1
run=(--task addition -T 60 -H 64 --batch 50 --batches-per-epoch 30 --epochs 60 --seed 4 --quiet)

"$P" train "${run[@]}" --out full 2>full.err || bad "uninterrupted run: $(cat full.err)"
"$P" train "${run[@]}" --out killed --checkpoint-every 0 2>killed.err &
pid=$!
for _ in $(seq 1 3000); do [ -e killed/model.ckpt ] && break; sleep 0.01; done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
if [ -e killed/run.json ]; then
  bad "the run finished before it could be killed (the test needs a longer run)"
elif [ ! -e killed/model.ckpt ]; then
  bad "a killed fresh run left no checkpoint to resume from"
else
  ok
  ep=$(python3 -c "import struct,sys; b=open(sys.argv[1],'rb').read(); print(struct.unpack_from('<I', b, 160)[0])" killed/model.ckpt)
  echo "ok   killed during training: model.ckpt of epoch $ep, no run.json"
  ls killed | grep -q '\.tmp\.' && bad "a temporary file was left: $(ls killed)" || ok
  "$P" train --resume killed/model.ckpt --out killed --quiet 2>resume.err || bad "resume in place: $(cat resume.err)"
  if cmp -s full/history.csv killed/history.csv && cmp -s full/model.ckpt killed/model.ckpt; then
    ok; echo "ok   killed at epoch $ep + --resume == uninterrupted (history.csv, model.ckpt)"
  else
    bad "killed + resume differs from the uninterrupted run"
  fi
fi

one_line() { # description, want exit, pattern, args...
  local d=$1 want=$2 pat=$3; shift 3
  "$P" "$@" >out.txt 2>err.txt; local rc=$?
  if [ $rc -eq "$want" ] && [ "$(wc -l <err.txt)" -eq 1 ] && grep -q -- "$pat" err.txt; then
    ok; echo "ok   $d: $(cat err.txt)"
  else
    bad "$d: exit $rc (want $want): $(head -c 300 err.txt)"
  fi
}
small=(--task addition -T 6 -H 3 --epochs 2 --batches-per-epoch 2 --batch 2 --quiet)
"$P" train "${small[@]}" --out r1 || bad "small run"
"$P" measure --run r1 --quiet >/dev/null 2>&1 || bad "measure --run r1"
[ -e r1/dmd_to_solution_live.json ] || bad "no dmd_to_solution_live.json to go stale"
one_line "rerun of another configuration into a run's directory" 2 "already holds a run of another configuration" \
  train --task addition -T 6 -H 4 --epochs 2 --batches-per-epoch 2 --batch 2 --quiet --out r1
[ -e r1/dmd_to_solution_live.json ] && ok || bad "the refused rerun touched r1"
"$P" train "${small[@]}" --seed 1 --out r2 || bad "run r2"
one_line "--resume of one run into another's directory" 2 "holds another run" train --resume r2/model.ckpt --out r1
"$P" train "${small[@]}" --out r1 2>err.txt
if [ -e r1/run.json ] && [ ! -e r1/dmd_to_solution_live.json ]; then
  ok; echo "ok   same configuration again: replaced whole (the old run's dmd_to_solution_live.json removed)"
else
  bad "rerun of the same configuration: $(cat err.txt); $(ls r1)"
fi
one_line "--probes-out into a missing directory (was: --out made first)" 2 "does not exist" \
  train "${small[@]}" --probes-out nosuchdir/p.csv --out fresh
[ ! -e fresh ] && ok || bad "--out was created before the refusal"

# headline: kill -9 the parent alone; the workers must go too
"$P" headline --epochs 200 --batches-per-epoch 30 --jobs 2 --quiet --out hl >/dev/null 2>&1 &
hp=$!
for _ in $(seq 1 500); do [ -n "$(pgrep -P $hp)" ] && break; sleep 0.01; done
workers=$(pgrep -P $hp | tr '\n' ' ')
kill -9 $hp; wait $hp 2>/dev/null
sleep 1
left=""
for w in $workers; do # gone, or a zombie waiting for its new parent to reap it
  st=$(ps -o stat= -p "$w" 2>/dev/null)
  [ -n "$st" ] && [ "${st#Z}" = "$st" ] && left="$left $w"
done
if [ -z "$workers" ]; then bad "headline started no workers"
elif [ -n "$left" ]; then bad "headline's workers$left still run after the parent was killed"; kill $left
else ok; echo "ok   headline parent killed: its workers ($workers) stopped"; fi
finish
