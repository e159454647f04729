#!/bin/sh
# side_by_side_smoke.sh SCRIPT DMDPROF -- reports/side_by_side.sh end to end
# on a tiny model: one row per T, a ByteDMD cost and Callgrind counts in each,
# PAPI columns empty or numbers (never 0 for "missing"), and a PNG.
set -u
D=$(mktemp -d -t dmdp_sbs.XXXXXX)
trap 'rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
bash "$1" --dmdprof "$2" --out "$D" --Ts "5 10" -H 8 >"$D/log" 2>&1 || { cat "$D/log"; fail "script exited $?"; }
cat "$D/log" | grep -v "running under Callgrind"
[ -s "$D/side_by_side.png" ] || fail "no figure"
awk -F, 'NR == 1 { if ($1 != "schema") { print "no schema column: " $0; bad = 1 } next }
  { n++; if ($1 != "dmdprof.side_by_side/1") { print "bad schema: " $0; bad = 1 }
    if ($3 !~ /^[0-9]+$/ || $3 == 0) { print "bad cost: " $0; bad = 1 }
    if ($4 !~ /^[0-9]+$/ || $6 !~ /^[0-9]+$/ || $6 == 0) { print "bad Callgrind columns: " $0; bad = 1 } }
  END { if (n != 2) { print "want 2 rows, got " n; bad = 1 } exit bad }' "$D/side_by_side.csv" || fail "CSV"
# a longer sequence costs more and executes more instructions
awk -F, 'NR == 2 { c = $3; i = $6 } NR == 3 { if (!($3 > c && $6 > i)) exit 1 }' "$D/side_by_side.csv" ||
  fail "T=10 should cost more than T=5"
echo "side_by_side_smoke: all checks passed"
