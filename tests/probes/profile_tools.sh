#!/usr/bin/env bash
# The ByteDMD profile read by Valgrind's own tools, as their manuals say:
#   callgrind_annotate [--inclusive=yes] FILE, cg_annotate FILE, cg_diff A B.
# Checks: the three products (forward W_hh, dh, dW_hh) are charged to their
# own kernel lines (found in the source by grep, not by the code under test);
# the self costs sum to the measured total; each phase's inclusive cost equals
# the sum of its rows in measure's --csv; cg_diff of T = 60 against T = 30
# gives the difference of the two totals.
# usage: profile_tools.sh DMDPROF KERNEL_SOURCE
set -u
dmdprof=$1 src=$2
. "$(dirname "$0")/../lib.sh"
for t in callgrind_annotate cg_annotate cg_diff; do
  command -v $t >/dev/null || { echo "SKIP: $t not installed (scripts/setup installs valgrind)"; exit 77; }
done

# kernel lines of the three products, from the source text
l_fwd=$(grep -n 'if (hprev) tile_fma(' "$src" | cut -d: -f1)
l_dh=$(grep -n 'if (dzn) tile_fma(' "$src" | cut -d: -f1)
l_dw=$(grep -n 'RNN_TILES(H, H, grad_tile(' "$src" | cut -d: -f1)
[ -n "$l_fwd" ] && [ -n "$l_dh" ] && [ -n "$l_dw" ] && ok || bad "product lines not found in $src ('$l_fwd' '$l_dh' '$l_dw')"

"$dmdprof" measure -T 8 -H 6 --callgrind-out "$tmp/p.cg" --csv "$tmp/p.csv" --json -q >"$tmp/p.json" \
  || bad "measure --callgrind-out failed"
# self cost per line (call costs skipped), the total of self costs, the functions named at each line
python3 - "$tmp/p.cg" "$tmp/p.json" "$l_fwd" "$l_dh" "$l_dw" >"$tmp/lines.txt" <<'PY' || bad "profile check: $(cat "$tmp/lines.txt")"
import json, re, sys
cg, js, *want = sys.argv[1:]
total = json.load(open(js))["total"]["cost"]
self_by_line, self_sum, skip_next, names = {}, 0, False, {}
fn = None
for ln in open(cg):
    ln = ln.rstrip("\n")
    m = re.match(r"fn=\((\d+)\)(?: (.*))?$", ln)
    if m:
        if m.group(2): names[m.group(1)] = m.group(2)
        fn = names[m.group(1)]; continue
    if ln.startswith("cfn="):
        m = re.match(r"cfn=\((\d+)\)(?: (.*))?$", ln)
        if m.group(2): names[m.group(1)] = m.group(2)
        continue
    if ln.startswith("calls="): skip_next = True; continue
    if re.match(r"^\d+ ", ln):
        line, cost = map(int, ln.split()[:2])
        if skip_next: skip_next = False; continue
        self_by_line[line] = self_by_line.get(line, 0) + cost; self_sum += cost
        names.setdefault(("fn", line), set()).add(fn)
ok = True
if self_sum != total: print(f"self costs sum to {self_sum}, measure total {total}"); ok = False
for l in map(int, want):
    c = self_by_line.get(l, 0)
    fns = names.get(("fn", l), set())
    print(f"line {l}: cost {c}, functions {sorted(fns)}")
    if c <= 0: print(f"product line {l} has no cost"); ok = False
    if not any("W_hh" in f for f in fns): print(f"line {l}: no function reading W_hh"); ok = False
if len(set(want)) != 3: print("product lines not distinct"); ok = False
sys.exit(0 if ok else 1)
PY
[ $? -eq 0 ] && ok
cat "$tmp/lines.txt"

# inclusive per phase (callgrind_annotate --inclusive=yes) = the phase's rows in the CSV
callgrind_annotate --inclusive=yes "$tmp/p.cg" >"$tmp/inc.txt" 2>&1 || bad "callgrind_annotate --inclusive=yes failed"
for ph in forward backward update; do
  want=$(awk -F, -v p=$ph 'NR > 1 && $10 == p {c += $16} END {print c}' "$tmp/p.csv")
  got=$(grep -E "rnn_kernel.c:$ph\$" "$tmp/inc.txt" | awk '{gsub(",", "", $1); print $1}')
  [ -n "$got" ] && [ "$got" = "$want" ] && ok || bad "inclusive $ph: callgrind_annotate '$got', CSV $want"
done
# the annotated source shows the kernel's own lines with their costs
callgrind_annotate "$tmp/p.cg" >"$tmp/ann.txt" 2>&1 || bad "callgrind_annotate failed"
grep -E 'if \(dzn\) tile_fma\(' "$tmp/ann.txt" | grep -Eq '^ *[0-9,]+ ' && ok \
  || bad "annotated source does not show the dh product's line with a cost"

# Cachegrind format: cg_annotate reads it, cg_diff diffs T = 60 against T = 30
for T in 30 60; do
  "$dmdprof" measure -T $T -H 8 --cachegrind-out "$tmp/c$T.out" --json -q >"$tmp/c$T.json" || bad "measure -T $T --cachegrind-out"
  cg_annotate "$tmp/c$T.out" >"$tmp/c$T.txt" 2>&1 || bad "cg_annotate rejected the T=$T profile: $(head -3 "$tmp/c$T.txt")"
  got=$(awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}' "$tmp/c$T.txt")
  want=$(python3 -c "import json; print(json.load(open('$tmp/c$T.json'))['total']['cost'])")
  [ -n "$got" ] && [ "$got" = "$want" ] && ok || bad "cg_annotate T=$T total '$got', measure $want"
done
cg_diff "$tmp/c30.out" "$tmp/c60.out" >"$tmp/diff.out" 2>"$tmp/diff.err" || bad "cg_diff failed: $(cat "$tmp/diff.err")"
cg_annotate "$tmp/diff.out" >"$tmp/diff.txt" 2>&1 || bad "cg_annotate rejected cg_diff's output"
got=$(awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}' "$tmp/diff.txt")
want=$(python3 -c "import json; print(json.load(open('$tmp/c60.json'))['total']['cost'] - json.load(open('$tmp/c30.json'))['total']['cost'])")
[ -n "$got" ] && [ "$got" = "$want" ] && ok || bad "cg_diff total '$got', want T60 - T30 = $want"
grep -q "forward W_hh" "$tmp/diff.txt" && ok || bad "cg_diff output does not list the forward W_hh product"
finish
