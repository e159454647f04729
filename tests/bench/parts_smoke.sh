#!/usr/bin/env bash
# parts_smoke.sh PARTS_BENCH -- bench/parts_bench runs small: every vector clone
# this CPU runs gets a row with positive rates and a ceiling, the parts' bits
# equal the scalar chains (bits_ok in --json, exit 0), and bad flags exit 2.
set -u
b=$1
out=$("$b" -H 20 -B 10 --trials 3) || { echo "FAIL: parts_bench exited $?"; exit 1; }
echo "$out"
fail=0
n=0
for c in avx512 avx2; do
  build_dir=$(dirname "$(dirname "$(dirname "$b")")")
  DMDPROF_ISA=$c "$build_dir/dmdprof" isa --no-peak > /dev/null 2>&1 || continue
  n=$((n + 1))
  grep -Eq "^$c +[0-9]+x[0-9]+ +[0-9.]+ +[0-9.]*[1-9][0-9.]* \([0-9]+%\) +.* [0-9.]+ ns +[0-9]+% \(tanh [0-9]+% of its time\)$" <<<"$out" \
    || { echo "FAIL: no row for clone $c"; fail=1; }
done
[ $n -gt 0 ] || { echo "SKIP: no vector clone runs on this CPU"; exit 77; }
js=$("$b" -H 20 -B 10 --trials 3 --json) || { echo "FAIL: --json exited $?"; exit 1; }
python3 - "$js" <<'PY' || fail=1
import json, sys
d = json.loads(sys.argv[1])
assert d["B"] == 10 and d["H"] == 20, d
assert d["clones"], "no clone timed"
for isa, c in d["clones"].items():
    assert c["bits_ok"] is True, (isa, c)
    for k in ("tile_gflops_median", "forward_gflops_median", "dh_gflops_median", "dW_hh_gflops_median", "tanh_ns_median"):
        assert c[k] is not None and c[k] > 0, (isa, k, c[k])
    assert 0 < c["ceiling_share_median"] < 1.5, (isa, c["ceiling_share_median"])
print("json ok:", ", ".join(d["clones"]))
PY
for bad in "-H 0" "-B x" "--trials" "--nosuch"; do
  "$b" $bad > /dev/null 2>&1; rc=$?
  [ $rc -eq 2 ] || { echo "FAIL: '$bad' exited $rc, expected 2"; fail=1; }
done
# B 5 < every clone's TR: no full tile, reported missing ("n/a", null), never 0
"$b" -H 20 -B 5 --trials 2 | grep -Eq "^avx(512|2) +[0-9]+x[0-9]+ +[0-9.]+ +n/a " || { echo "FAIL: a missing full tile is not n/a"; fail=1; }
[ $fail -eq 0 ] && echo "ok"
exit $fail
