#!/usr/bin/env bash
# stdout_full.sh DMDPROF TRACEDIR -- every subcommand whose stdout is lost
# (/dev/full: every write fails with ENOSPC) exits 1 with one line on stderr
# saying so.  Before issue 15: ir, measure, probes, headline and measure --run
# exited 0; price exited 1 without a word.
set -u
P=$1
T=$2
. "$(dirname "$0")/../lib.sh"
[ -c /dev/full ] || { echo "SKIP: /dev/full is missing here"; exit 77; }

full() { # description, dmdprof args...
  local d=$1; shift
  "$P" "$@" >/dev/full 2>"$tmp/err"; local rc=$?
  local lines; lines=$(wc -l <"$tmp/err")
  if [ $rc -eq 1 ] && [ "$lines" -eq 1 ] && grep -q 'cannot write to standard output' "$tmp/err"; then
    ok; echo "ok   $d: $(cat "$tmp/err")"
  else
    bad "$d: exit $rc (want 1), $lines stderr lines (want 1): $(head -c 300 "$tmp/err")"
  fi
}
full "price" price "$T/matvec2.trace"
full "price --json" price "$T/matvec2.trace" --json
full "ir" ir "$T/matvec2.trace"
full "probes" probes
full "measure" measure -T 3 -H 2
full "measure --json" measure -T 3 -H 2 --json
full "train --help" train --help
"$P" train --task addition -T 6 -H 4 --epochs 2 --batches-per-epoch 2 --batch 2 --quiet --out "$tmp/run" 2>"$tmp/err" \
  || bad "training the small run: $(cat "$tmp/err")"
full "measure --run" measure --run "$tmp/run"
full "headline" headline --epochs 1 --batches-per-epoch 1 --batch 2 -H 4 --jobs 2 --quiet --out "$tmp/hl"
finish
