#!/bin/sh
# callgrind_repeat.sh DMDPROF WORKLOAD -- `dmdprof callgrind` end to end:
# two runs of the phased workload give identical per-phase counts; the counts
# match a hand estimate; valgrind missing and a program without phases are
# reported (exit 2 / exit 1, values missing, never zeros).
set -u
DMDPROF=$1
WORK=$2
D=$(mktemp -d -t dmdp_cgrep.XXXXXX)
trap 'rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

for r in 1 2; do
  "$DMDPROF" callgrind --out "$D/r$r" --run-id rep --exe "$WORK" -- 3 20000 >"$D/out$r" 2>"$D/err$r" ||
    { cat "$D/err$r"; fail "run $r exited with $?"; }
done
cat "$D/out1"
# Worst difference between the two runs, row by row (same rows in the same order;
# column 1 is the schema).
worst=$(paste -d, "$D/r1/probes_callgrind.csv" "$D/r2/probes_callgrind.csv" | awk -F, '
  NR > 1 { if ($1 != $7 || $2 != $8 || $3 != $9 || $5 != $11) { print "rows differ"; exit }
           d = $6 - $12; if (d < 0) d = -d; if (d > w) w = d } END { if (w == "") w = 0; print w }')
echo "two runs: worst per-phase count difference = $worst"
[ "$worst" = 0 ] || fail "Callgrind counts differ between identical runs"
cmp -s "$D/r1/probes_callgrind.csv" "$D/r2/probes_callgrind.csv" || fail "CSV files differ"

# Hand estimate: 'update' reads b[i] for i = 0, 8, 16, ... : 20000/8 = 2500
# reads per step, each on a new 64-byte line of a 160 KB array that a 32 KB
# D1 cannot hold, so D1 read misses = 3 steps * 2500 = 7500 (+ a few for the
# loop's own stack), and the phases forward, backward, update all appear.
awk -F, '$3 == "update" && $5 == "D1mr" { v = $6 } END { if (v < 7500 || v > 7600) { print "update D1mr " v " not in [7500, 7600]"; exit 1 } }' \
  "$D/r1/probes_callgrind.csv" || fail "update D1mr off the hand estimate"
for ph in forward backward update total; do
  grep -q "^dmdprof.probe_values/1,rep,$ph,callgrind,Ir," "$D/r1/probes_callgrind.csv" || fail "no $ph row"
done

# valgrind missing: exit 2, one line naming it and what to do.
"$DMDPROF" callgrind --out "$D/r3" --valgrind /nonexistent/valgrind --exe "$WORK" -- 1 10 >/dev/null 2>"$D/e3"
rc=$?
[ $rc = 2 ] || fail "missing valgrind: exit $rc, want 2"
[ "$(wc -l <"$D/e3")" = 1 ] || fail "missing valgrind: want one line, got: $(cat "$D/e3")"
grep -q "apt-get install valgrind" "$D/e3" || fail "missing valgrind: no hint"
echo "valgrind missing -> $(cat "$D/e3")"

# A program that runs no phases: exit 1, no rows (never zeros), JSON says why.
"$DMDPROF" callgrind --out "$D/r4" --exe /bin/true >/dev/null 2>"$D/e4"
rc=$?
[ $rc = 1 ] || fail "no phases: exit $rc, want 1"
[ "$(wc -l <"$D/r4/probes_callgrind.csv")" = 1 ] || fail "no phases: CSV must hold only the header"
grep -q '"complete": false' "$D/r4/probes_callgrind.json" || fail "no phases: JSON must say complete: false"
echo "no phases -> $(head -1 "$D/e4")"
echo "callgrind_repeat: all checks passed"
