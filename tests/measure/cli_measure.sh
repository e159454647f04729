#!/usr/bin/env bash
# dmdprof measure end to end: a hand-computed lru cost, trace round trip,
# accounting of the CSV, the Callgrind-format profile, bad input.
# usage: cli_measure.sh DMDPROF
set -u
dmdprof=$1
. "$(dirname "$0")/../lib.sh"
# jget FILE KEY...: the values of keys (a.b = d["a"]["b"]), space-separated (fails on a missing key)
jget() { python3 -c '
import functools, json, sys
d = json.load(open(sys.argv[1]))
print(*[functools.reduce(lambda o, k: o[k], k.split("."), d) for k in sys.argv[2:]])' "$@"; }

# phases FILE: "phase=cost ..." of a measure/price JSON
phases() { python3 -c 'import json,sys; print(*["%s=%s" % (p["phase"], p["cost"]) for p in json.load(open(sys.argv[1]))["phases"]])' "$1"; }

# 1. the hand-computed lru step (tests/measure/lru_hand_trace.md)
"$dmdprof" measure --task addition -T 2 -H 1 --model lru --bytes-per-element 1 --json -q >"$tmp/hand.json"
got=$(python3 -c "
import json; d=json.load(open('$tmp/hand.json'))
print(d['total']['cost'], d['total']['reads'], *[p['cost'] for p in d['phases']])")
[ "$got" = "242 65 54 75 113" ] && ok || bad "hand-computed lru: expected '242 65 54 75 113', got '$got'"

# 2. the trace of what was priced (dmdtrace v2: values, or addresses under lru; phases),
#    re-priced from the file, equals the in-process total and every phase's cost
for model in live classic lru; do
  for w in 8 1; do
    "$dmdprof" measure --task 3bit_memorization -T 5 -H 3 --batch 2 --model $model --bytes-per-element $w \
      --trace-out "$tmp/t.trace" --json -q >"$tmp/m.json" || bad "measure --trace-out ($model) failed"
    "$dmdprof" price "$tmp/t.trace" --model $model --json >"$tmp/p.json" || bad "price of the trace failed"
    a=$(jget "$tmp/m.json" total.cost total.reads total.bytes_read)
    b=$(jget "$tmp/p.json" total.cost total.reads total.bytes_read)
    [ -n "$a" ] && [ "$a" = "$b" ] && ok || bad "trace round trip ($model, w=$w): in-process $a, from the file $b"
    pa=$(phases "$tmp/m.json") pb=$(phases "$tmp/p.json")
    [ "$pa" = "$pb" ] && [ "$(wc -w <<<"$pa")" -ge 3 ] && ok || bad "trace round trip ($model, w=$w): phases '$pa' vs '$pb'"
  done
done

# 3. the CSV: the architecture's columns, and its rows add up to the JSON totals
"$dmdprof" measure -T 6 -H 5 --model classic --csv "$tmp/m.csv" --json -q >"$tmp/m.json"
hdr=$(head -1 "$tmp/m.csv")
[ "$hdr" = "schema,run_id,task,init,T,H,batch,precision,model,phase,region,reads,bytes_read,writes,bytes_written,cost,mean_depth,max_depth" ] \
  && ok || bad "CSV header: $hdr"
[ "$(awk -F, 'NR > 1 && $1 != "dmdprof.measure_cells/1"' "$tmp/m.csv" | wc -l)" = 0 ] && ok || bad "CSV rows without the schema"
sum=$(awk -F, 'NR > 1 {c += $16; r += $12} END {print c, r}' "$tmp/m.csv")
tot=$(jget "$tmp/m.json" total.cost total.reads)
[ -n "$tot" ] && [ "$sum" = "$tot" ] && ok || bad "CSV rows sum to '$sum', JSON totals '$tot'"

# 4. the Callgrind-format profile: callgrind_annotate reads it; its total is the cost
if command -v callgrind_annotate >/dev/null; then
  "$dmdprof" measure -T 8 -H 6 --callgrind-out "$tmp/dmd.cg" --json -q >"$tmp/m.json"
  callgrind_annotate "$tmp/dmd.cg" >"$tmp/ann.txt" 2>&1 || bad "callgrind_annotate failed on the profile"
  tot=$(jget "$tmp/m.json" total.cost)
  grep -q "rnn_kernel.c" "$tmp/ann.txt" && ok || bad "annotation does not name core/rnn_kernel.c"
  grep -Eq "rnn_kernel.c:(forward|backward) W_hh" "$tmp/ann.txt" && ok || bad "annotation does not show W_hh's reads"
  cgt=$(awk '/^summary:/ {print $2}' "$tmp/dmd.cg")
  [ -n "$tot" ] && [ "$cgt" = "$tot" ] && ok || bad "profile summary Dmd_cost $cgt, measure total $tot"
else
  bad "callgrind_annotate is not installed (scripts/setup installs valgrind)"
fi

# 5. bad input: exit 2, one line on stderr naming the flag, no output file
expect2() {
  local what=$1; shift
  rm -f "$tmp/out.csv"
  "$dmdprof" measure "$@" --csv "$tmp/out.csv" >"$tmp/so" 2>"$tmp/se"
  local rc=$? n
  n=$(wc -l <"$tmp/se")
  if [ $rc -eq 2 ] && [ "$n" -eq 1 ] && grep -q -- "$what" "$tmp/se" && [ ! -e "$tmp/out.csv" ]; then ok
  else bad "measure $* -> rc $rc, $n stderr lines: $(cat "$tmp/se")"; fi
}
expect2 "-T" -T 0
expect2 "-T" -T 3 --task temporal_order
expect2 "-H" -H 0
expect2 "-H" -H 99999
expect2 "--batch" --batch 0
expect2 "--steps" --steps 0
expect2 "--model" --model quadratic
expect2 "--task" --task parity
expect2 "--precision" --precision f16
expect2 "--bytes-per-element" --bytes-per-element 0
expect2 "--checkpoint" --checkpoint "$tmp/missing.ckpt"
printf 'garbage' >"$tmp/bad.ckpt"
expect2 "--checkpoint" --checkpoint "$tmp/bad.ckpt"
expect2 "reduce" -T 2000 -H 2048 --batch 1000
expect2 "values" -T 60 -H 64 --max-values 1000
expect2 "unknown option" --frobnicate
expect2 "--callgrind-out" --callgrind-out "$tmp/no/such/dir/x.cg"
expect2 "is a directory" --probes-out "$tmp"
expect2 "--opt-threads" --opt-threads 0
expect2 "--opt-budget" --opt-budget abc

# 6. a trained run: checkpoint flags must agree; ByteDMD to solution
"$dmdprof" train --task addition -T 10 -H 4 --batch 4 --batches-per-epoch 3 --epochs 2 --out "$tmp/run" --quiet \
  || bad "train of the tiny run failed"
expect2 "H=4" --checkpoint "$tmp/run/model.ckpt" -H 5
expect2 "float64" --checkpoint "$tmp/run/model.ckpt" --precision float32
"$dmdprof" measure --checkpoint "$tmp/run/model.ckpt" -T 12 --json -q >"$tmp/ck.json" && ok || bad "measure --checkpoint failed"
"$dmdprof" measure --run "$tmp/run" --model classic -q >/dev/null || bad "measure --run failed"
python3 - "$tmp/run" <<'PY' && ok || bad "dmd_to_solution_classic.json is not consistent with run.json"
import json, sys
d = sys.argv[1]
run = json.load(open(d + "/run.json")); s = json.load(open(d + "/dmd_to_solution_classic.json"))
assert s["model"] == "classic" and s["cost_per_step"] > 0 and s["batch"] == 4
if run["solved_epoch"] is None:
    assert s["cost_to_solution"] is None and s["steps_to_solution"] is None
else:
    assert s["steps_to_solution"] == run["solved_epoch"] * 3
    assert s["cost_to_solution"] == s["cost_per_step"] * s["steps_to_solution"]
assert s["steps_run"] == run["epochs_run"] * 3
PY
# 7. the OPT floors: the same on 1 and 2 threads, below the cost, the region
#    floors at most the total's; over the budget every OPT floor is null with
#    the reason, never a number
for t in 1 2; do
  "$dmdprof" measure --task addition -T 8 -H 6 --batch 2 --opt-threads $t --json -q >"$tmp/f$t.json" \
    || bad "measure --opt-threads $t failed"
done
"$dmdprof" measure --task addition -T 8 -H 6 --batch 2 --opt-budget 1 --json -q >"$tmp/fb.json" \
  || bad "measure --opt-budget 1 failed"
python3 - "$tmp" <<'PY' && ok || bad "the OPT floors of measure --json are not consistent"
import json, sys
d = sys.argv[1]
a, b, c = (json.load(open(f"{d}/{n}.json")) for n in ("f1", "f2", "fb"))
fa, fb = a["floors"], b["floors"]
assert fa["floor_opt"] == fb["floor_opt"] and 0 < fa["floor_opt"] <= a["total"]["cost"], fa
ra = {r["region"]: r.get("floor_opt") for r in a["regions"]}
rb = {r["region"]: r.get("floor_opt") for r in b["regions"]}
assert ra == rb, (ra, rb)
found = [v for v in ra.values() if v is not None]
assert len(found) >= 3 and sum(found) <= fa["floor_opt"], ra
for r in a["regions"]:
    if r.get("floor_opt") is not None:
        assert r["floor_opt"] <= r["cost"], r
assert fa["opt_tree_operations"] > 0 and fa["opt_slot_moves"] > 0
fc = c["floors"]
assert fc["floor_opt"] is None and "budget" in fc["opt_missing"], fc
assert all(r.get("floor_opt") is None for r in c["regions"]), c["regions"]
assert fc["floor_order_independent"] == fa["floor_order_independent"] is not None
PY

finish
