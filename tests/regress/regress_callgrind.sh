#!/usr/bin/env bash
# scripts/regress, deterministic metrics (Callgrind Ir, D1mr, DLmr per phase
# of one training step): the same binary against its own baseline compares
# clean (12 metrics, none moved); a baseline whose forward Ir is 3% higher
# than this build's is an improvement, 1% lower a warning (exit 0), 3% lower
# a failure naming the phase (exit 1).  The edited baselines are compared
# with the stored run (check --run), not re-measured.
# usage: regress_callgrind.sh REGRESS DMDPROF
set -u
regress=$1 dmdprof=$2
. "$(dirname "$0")/../lib.sh"
st=$tmp/store.sqlite
R() { "$regress" "$@" --store "$st" --kinds deterministic --dmdprof "$dmdprof"; }
R record --save-baseline cg >"$tmp/o" 2>&1 && ok || bad "record: $(cat "$tmp/o")"
R check --against cg --verdict "$tmp/v.json" >"$tmp/o" 2>&1
rc=$?
[ $rc = 0 ] && ok || bad "same binary: rc $rc: $(cat "$tmp/o")"
python3 - "$tmp/v.json" <<'PY' && ok || bad "same binary: verdict rows"
import json, sys
rows = json.load(open(sys.argv[1]))["metrics"]
assert len(rows) == 12 and all(r["verdict"] == "ok" and r["delta"] == 0 for r in rows), rows
assert {r["phase"] for r in rows} == {"forward", "backward", "update", "all"}
assert {r["metric"] for r in rows} == {"Ir", "D1mr", "DLmr"}
PY
"$regress" baseline export cg "$tmp/cg.json" --store "$st" >/dev/null 2>&1 || bad "export"
scaled() {  # baseline with forward Ir (and the total's share of it) times $1
  python3 - "$tmp/cg.json" "$tmp/cg_$2.json" "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); f = float(sys.argv[3])
fw = next(m for m in d["metrics"] if m["metric"] == "Ir" and m["phase"] == "forward")
tot = next(m for m in d["metrics"] if m["metric"] == "Ir" and m["phase"] == "all")
new = round(fw["value"] * f); tot["value"] += new - fw["value"]; fw["value"] = new
json.dump(d, open(sys.argv[2], "w"))
PY
}
scaled 1.03 up && scaled 0.99 warn && scaled 0.97 fail || bad "could not edit the baseline"
R check --run 1 --against "$tmp/cg_up.json" --verdict "$tmp/v.json" >"$tmp/o" 2>&1
rc=$?
[ $rc = 0 ] && grep -q "^IMPROVED .* Ir forward -" "$tmp/o" && ok || bad "3% fewer Ir: rc $rc: $(cat "$tmp/o")"
R check --run 1 --against "$tmp/cg_warn.json" --verdict "$tmp/v.json" >"$tmp/o" 2>&1
rc=$?
[ $rc = 0 ] && grep -q "^WARN .* Ir forward +" "$tmp/o" && ! grep -q "^FAIL" "$tmp/o" && ok \
  || bad "1% more Ir: rc $rc, expected 0 with a WARN: $(cat "$tmp/o")"
R check --run 1 --against "$tmp/cg_fail.json" --verdict "$tmp/v.json" >"$tmp/o" 2>&1
rc=$?
[ $rc = 1 ] && grep -q "^FAIL .*callgrind-train-addition-T30-H32-B8-1step Ir forward +.*%; limits 0.5% warn, 2.0% fail" \
  "$tmp/o" && ok || bad "3% more Ir: rc $rc, expected 1 naming forward: $(cat "$tmp/o")"
finish
