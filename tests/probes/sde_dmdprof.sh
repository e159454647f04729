#!/usr/bin/env bash
# dmdprof's software-defined events, the usual way, and docs/probes.md:
#   1. papi_native_avail -sde libdmdprof_sde.so lists the catalogue with no
#      run and no list file (and DMDPROF_SDE_LIST adds names);
#   2. every sde:::dmdprof:: name the doc mentions exists, every listed name
#      is made of the metrics, regions and phases the doc lists, and the doc
#      states their number; the profile's events are the doc's;
#   3. dmdprof measure counts them per phase through PAPI and they equal the
#      JSON (totals, per phase, per region, per (region, phase) on request);
#      PAPI's high-level output (PAPI_OUTPUT_DIRECTORY) sums to the CSV;
#   4. dmdprof train registers steps, epochs, examples.
# usage: sde_dmdprof.sh DMDPROF PAPI_NATIVE_AVAIL LIBDMDPROF_SDE DOC
set -u
dmdprof=$1 pna=$2 lib=$3 doc=$4
. "$(dirname "$0")/../lib.sh"

# 1. listing, no run needed
"$pna" -sde "$lib" >"$tmp/list.txt" 2>&1 || bad "papi_native_avail -sde exited $?"
grep -o 'sde:::dmdprof::[A-Za-z0-9_:]*' "$tmp/list.txt" | sed 's/^sde:::dmdprof:://' | sort -u >"$tmp/names"
n=$(wc -l <"$tmp/names")
echo "papi_native_avail -sde lists $n names, e.g. $(head -3 "$tmp/names" | tr '\n' ' ')"
# the whole catalogue, not a truncated one: 15 + 4 per region (cost::R and cost::R::PHASE x 3)
nreg=$(grep -c '^cost::[^:]*$' "$tmp/names")
nrp=$(grep -c '^cost::[^:]*::\(forward\|backward\|update\)$' "$tmp/names")
[ "$n" = $((15 + 4 * nreg)) ] && [ "$nrp" = $((3 * nreg + 3)) ] && ok \
  || bad "catalogue of $n names for $nreg regions ($nrp per phase): expected $((15 + 4 * nreg)) and $((3 * nreg + 3))"
for w in cost reads bytes_read cost::all::backward cost::W_hh cost::W_hh::backward steps epochs examples; do
  grep -qx "$w" "$tmp/names" && ok || bad "papi_native_avail does not list sde:::dmdprof::$w"
done
grep -q "ByteDMD cost, reads of W_hh, phase backward" "$tmp/list.txt" && ok || bad "no description for cost::W_hh::backward"
printf 'extra::one\tan extra counter\n' >"$tmp/extra.tsv"
DMDPROF_SDE_LIST="$tmp/extra.tsv" "$pna" -sde "$lib" 2>&1 | grep -q 'sde:::dmdprof::extra::one' && ok \
  || bad "DMDPROF_SDE_LIST names not listed"

# 2. the doc against the listing
grep -o 'sde:::dmdprof::[a-z][A-Za-z0-9_:]*' "$doc" | sed 's/^sde:::dmdprof:://; s/:*$//' | sort -u | grep -v '^test::' >"$tmp/docnames"
while read -r d; do grep -qx "$d" "$tmp/names" || bad "docs/probes.md names sde:::dmdprof::$d, which is not exported"; done <"$tmp/docnames"
[ -s "$tmp/docnames" ] && ok || bad "the doc names no sde:::dmdprof:: event"
parts=$(tr ':' '\n' <"$tmp/names" | grep -v '^$' | sort -u)
for p in $parts; do grep -q "\`$p\`" "$doc" || bad "part '$p' of the SDE names is not documented (\`$p\`) in docs/probes.md"; done
ok
grep -q "$n counters" "$doc" && ok || bad "docs/probes.md does not state the number of counters ($n counters)"
"$dmdprof" measure -T 4 -H 3 --callgrind-out "$tmp/p.cg" --cachegrind-out "$tmp/p.cgr" -q --json >/dev/null || bad "measure profile"
for ev in $(sed -n 's/^events: //p' "$tmp/p.cg") $(sed -n 's/^events: //p' "$tmp/p.cgr"); do
  grep -q "\`$ev\`" "$doc" && ok || bad "profile event $ev not documented in docs/probes.md"
done

# 3. measure: the counters through PAPI equal the JSON; the high-level output sums to the CSV
PAPI_OUTPUT_DIRECTORY="$tmp/hl" "$dmdprof" measure -T 6 -H 5 --steps 2 \
  --papi-events sde,sde:::dmdprof::cost::W_hh::backward --probes-out "$tmp/p.csv" --csv "$tmp/m.csv" --json -q \
  >"$tmp/m.json" || bad "measure --papi-events sde failed"
python3 - "$tmp/p.csv" "$tmp/m.json" "$tmp/m.csv" "$tmp/hl" <<'PY' && ok || bad "measure's SDE values differ from its JSON/CSV"
import csv, glob, json, sys
rows = {(r["phase"], r["source"], r["event"]): r["value"] for r in csv.DictReader(open(sys.argv[1]))}
j = json.load(open(sys.argv[2]))
m = list(csv.DictReader(open(sys.argv[3])))
def sde(ph, ev): return int(rows[(ph, "sde", ev)])
want = {("total", "cost"): j["total"]["cost"], ("total", "reads"): j["total"]["reads"],
        ("total", "bytes_read"): j["total"]["bytes_read"]}
for p in j["phases"]:
    want[("total", "cost::all::" + p["phase"])] = p["cost"]
    want[("total", "reads::all::" + p["phase"])] = p["reads"]
for r in j["regions"]:
    want[("total", "cost::" + r["region"])] = r["cost"]
bad = [f"{k}: {sde(*k)} != {v}" for k, v in want.items() if sde(*k) != v]
wb = sum(int(r["cost"]) for r in m if r["phase"] == "backward" and r["region"] == "W_hh")
got = int(rows[("total", "papi", "sde:::dmdprof::cost::W_hh::backward")])
if got != wb: bad.append(f"cost::W_hh::backward {got} != CSV {wb}")
f = glob.glob(sys.argv[4] + "/papi_hl_output/rank_*.json")
if len(f) != 1: bad.append(f"want one rank_*.json, got {f}")
else:
    regs = json.load(open(f[0]))["threads"]["0"]["regions"].values()
    for ph in ("forward", "backward", "update"):
        s = sum(int(r["sde:::dmdprof::cost"]) for r in regs if r["name"] == ph)
        c = sum(int(r["cost"]) for r in m if r["phase"] == ph)
        if s != c: bad.append(f"papi_hl_output {ph}: {s} != CSV {c}")
print("\n".join(bad) or f"{len(want) + 4} SDE and high-level values equal the JSON/CSV")
sys.exit(1 if bad else 0)
PY

# 4. train registers its counters
"$dmdprof" train --task addition -T 6 -H 8 --batch 4 --max-steps 3 --papi-events sde --out "$tmp/tr" >/dev/null 2>&1 \
  || bad "train --papi-events sde failed"
grep -q ',total,sde,steps,3$' "$tmp/tr/probes.csv" && grep -q ',total,sde,examples,12$' "$tmp/tr/probes.csv" && ok \
  || bad "train's SDEs: $(grep ',total,sde,' "$tmp/tr/probes.csv" | tr '\n' ' ')"
finish
