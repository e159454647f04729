#!/usr/bin/env bash
# cells_smoke.sh CELLS_BENCH -- bench/cells_bench runs at a small size, prints
# one row per cell with positive median and best GFLOP/s figures (vanilla's at 100%), and
# refuses a bad flag with exit 2.
set -u
b=$1
out=$("$b" -H 8 -B 3 -T 10 --steps 3) || { echo "FAIL: cells_bench exited $?"; exit 1; }
echo "$out"
fail=0
cells=$("$b" --cells nosuch 2>&1 | sed -n 's/.*choose from: \([^)]*\)).*/\1/p' | tr -d ',')
[ -n "$cells" ] || { echo "FAIL: --cells nosuch does not list the cells"; exit 1; }
for c in $cells; do
  grep -Eq "^$c +10 +8 +3 +[0-9.]+ +[0-9.]*[1-9][0-9.]* +[0-9.]*[1-9][0-9.]* +[0-9]+%$" <<<"$out" || { echo "FAIL: no row for cell $c"; fail=1; }
done
grep -Eq "^vanilla .* 100%$" <<<"$out" || { echo "FAIL: vanilla is not at 100% of itself"; fail=1; }
"$b" -H 0 >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || { echo "FAIL: -H 0 exited $rc, expected 2"; fail=1; }
[ $fail -eq 0 ] && echo "ok"
exit $fail
