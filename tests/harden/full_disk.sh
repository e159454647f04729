#!/usr/bin/env bash
# full_disk.sh DMDPROF -- a full disk is a failure of the work: exit 1, one
# line on stderr naming what could not be written, and no partial or
# temporary file left behind.  Needs a 64 KiB tmpfs (mount; skipped with the
# reason where mounting is not permitted).
set -u
P=$1
. "$(dirname "$0")/../lib.sh"
# under the sanitizers, LeakSanitizer's summary of the suppressed libsde leaks (probes on) is not the
# command's message: keep stderr to the one line this test counts
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}print_suppressions=0"
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

# An output that cannot be written mid-run (the disk fills up after the checks passed): exit 1, one
# line naming the file, no file or temporary left.  A tiny trained run first, then a filler file.
rm -rf "$F/run"
"$P" train --task addition -T 6 -H 2 --batch 2 --batches-per-epoch 2 --epochs 2 --quiet --out "$F/tiny" \
  || bad "the tiny run did not fit the small disk"
dd if=/dev/zero of="$F/fill" bs=4k 2>/dev/null
before=$(ls -A "$F/tiny" | sort | tr '\n' ' ')
one_line "measure --csv, disk full" 1 "cannot write '$F/m.csv'" measure -T 6 -H 4 -q --csv "$F/m.csv"
one_line "measure --probes-out, disk full" 1 "cannot write '$F/p.csv'" measure -T 6 -H 4 -q --probes-out "$F/p.csv"
one_line "measure --callgrind-out, disk full" 1 "$F/m.cg" measure -T 6 -H 4 -q --callgrind-out "$F/m.cg"
one_line "measure --run, disk full (dmd_to_solution_live.json)" 1 "dmd_to_solution_live.json" measure --run "$F/tiny" -q
one_line "example --out, disk full" 1 "cannot write '$F/e.json'" example --task addition -T 10 --out "$F/e.json"
one_line "train --resume into a full disk (history, checkpoint)" 1 "cannot write" \
  train --resume "$F/tiny/model.ckpt" --epochs 3 --quiet --out "$F/tiny"
[ -z "$(ls -A "$F" | grep -v '^tiny$\|^fill$')" ] && ok || bad "outputs or temporaries left on the full disk: $(ls -A "$F")"
ls -A "$F/tiny" | grep -q '\.tmp\.' && bad "temporaries left in the run: $(ls -A "$F/tiny")" || ok
rm -f "$F/fill"
finish
