#!/usr/bin/env bash
# full_disk.sh DMDPROF -- a full disk is a failure of the work: exit 1, one
# line on stderr naming what could not be written, and no partial or
# temporary file left behind.  Needs a 64 KiB tmpfs (mount; skipped with the
# reason where mounting is not permitted).
set -u
P=$1
. "$(dirname "$0")/../lib.sh"
mount_small_fs || { echo "SKIP: cannot mount a small tmpfs here (not root, or no mount permission)"; exit 77; }
F=$tmp/full

one_line() { # description, want exit, want stderr pattern, dmdprof args...
  local d=$1 want=$2 pat=$3; shift 3
  "$P" "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  local lines; lines=$(wc -l <"$tmp/err")
  if [ $rc -eq "$want" ] && [ "$lines" -eq 1 ] && grep -q -- "$pat" "$tmp/err"; then
    ok; echo "ok   $d: $(cat "$tmp/err")"
  else
    bad "$d: exit $rc (want $want), $lines stderr lines (want 1): $(head -c 400 "$tmp/err")"
  fi
}

# price under live spills the events to $TMPDIR: a full one was an internal-error abort
for i in $(seq 0 19999); do echo "store v$i 1"; done >"$tmp/mid.trace"
for i in $(seq 0 19999); do echo "read v$i"; done >>"$tmp/mid.trace"
TMPDIR=$F one_line "price, TMPDIR full (was an abort)" 1 "cannot write the temporary spill file in $F" price "$tmp/mid.trace"
[ -z "$(ls -A "$F")" ] && ok || bad "price left files in the full TMPDIR: $(ls -A "$F")"
# train: the checkpoint (70 KB at H = 64) does not fit; was exit 2 ("bad input") with several lines
one_line "train into a full disk" 1 "cannot write" train --task addition -T 10 -H 64 --epochs 3 --batches-per-epoch 2 \
  --batch 2 --quiet --out "$F/run"
[ ! -e "$F/run/run.json" ] && ok || bad "train on a full disk wrote a run.json"
ls "$F/run" | grep -q '\.tmp\.' && bad "train left temporary files: $(ls "$F/run")" || ok
# measure's trace on a full disk: was an abort leaving t.trace.tmp.PID behind
one_line "measure --trace-out on a full disk (was an abort)" 1 "cannot write the trace" \
  measure -T 30 -H 32 --trace-out "$F/t.trace"
DMD_TRACE_OUT=$F/t.trace one_line "measure with DMD_TRACE_OUT on a full disk (was an abort)" 1 "cannot write the trace" \
  measure -T 30 -H 32
[ -z "$(ls -A "$F" | grep -v '^run$')" ] && ok || bad "measure left files on the full disk: $(ls -A "$F")"
finish
