#!/usr/bin/env bash
# scripts/regress: a stored baseline compares clean against the same build; a
# baseline whose exact ByteDMD total differs by one unit is reported as a
# regression (exit 1); a missing baseline is bad usage (exit 2).  Timing is
# switched off here (--time-tol 1e9): shared machines are noisy.
# usage: regress_smoke.sh REGRESS DMDPROF
set -u
regress=$1 dmdprof=$2
. "$(dirname "$0")/../lib.sh"
"$regress" --save --baseline "$tmp/base.json" --dmdprof "$dmdprof" >/dev/null 2>&1 || bad "--save failed"
"$regress" --baseline "$tmp/base.json" --out "$tmp/now.json" --time-tol 1e9 --dmdprof "$dmdprof" >"$tmp/o1" 2>&1
rc=$?
[ $rc = 0 ] && ok || bad "same build against its own baseline: rc $rc: $(cat "$tmp/o1")"
grep -q "callgrind forward:Ir" "$tmp/o1" && ok || bad "no Callgrind rows compared"
python3 - "$tmp/base.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1])); k = sorted(b["bytedmd"])[0]; b["bytedmd"][k] += 1
json.dump(b, open(sys.argv[1], "w"))
PY
"$regress" --baseline "$tmp/base.json" --out "$tmp/now.json" --time-tol 1e9 --dmdprof "$dmdprof" >"$tmp/o2" 2>&1
rc=$?
[ $rc = 1 ] && grep -q CHANGED "$tmp/o2" && ok || bad "a changed ByteDMD total: rc $rc, expected 1 with CHANGED"
"$regress" --baseline "$tmp/none.json" --dmdprof "$dmdprof" >/dev/null 2>"$tmp/e"
rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$tmp/e")" = 1 ] && ok || bad "missing baseline: rc $rc: $(cat "$tmp/e")"
finish
