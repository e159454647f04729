#!/usr/bin/env bash
# scripts/regress, noisy metrics and history, in a temporary git repository of
# three commits (one -O0 build of dmdprof, ~15 s; then short timing runs):
#   commit one    the optimised build: recorded, baseline "fast"
#   commit two    5 checks of the same build against "fast": none fails
#                 (exit 0, no FAIL line; a WARN, x3 slower, is tolerated: a
#                 neighbour on the shared 2-core machine can cause one); each
#                 is recorded
#   commit three  on branch slow, the -O0 build: caught as a timing regression
#                 against main's "fast" (exit 1) on wall_s, cpu_s and gflops
# then `history`: a table with the three commits, a STEP at commit three on
# the timing series and none on the exact ByteDMD series; --csv and --json
# agree; one PNG trend figure per series.  A baseline from another machine is
# refused for noisy metrics unless --force.
# The limits are wide (x3 warn, x5 fail; defaults x1.10 / x1.25): the test
# machine is shared, and the -O0 build is 15-40x slower, so this still fails
# if detection breaks and does not flake when the neighbours are busy.
# Set REGRESS_KEEP=DIR to keep the figures.
# usage: regress_timing.sh SOURCE_DIR REGRESS DMDPROF
set -u
src=$1 regress=$2 dmdprof=$3
. "$(dirname "$0")/../lib.sh"
st=$tmp/store.sqlite
repo=$tmp/repo
lim=(--noisy-soft 3 --noisy-hard 5 --time-steps 200 --repeat 5)
R() { "$regress" "$@" --store "$st" --repo "$repo"; }

if ! { cmake -S "$src" -B "$tmp/o0" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG=-O0 >/dev/null \
       && cmake --build "$tmp/o0" -j2 --target dmdprof >/dev/null; } 2>"$tmp/build.log"; then
  bad "the -O0 build failed: $(tail -3 "$tmp/build.log")"
  finish
  exit 1
fi
slow=$tmp/o0/dmdprof

mkdir "$repo"
commit() {  # distinct, increasing commit dates
  echo "$1" >"$repo/f"
  (cd "$repo" && git add f && GIT_COMMITTER_DATE="2026-01-0$2T12:00:00Z" \
     git -c user.email=t@t -c user.name=t commit -qm "$1") || bad "git commit $1"
  git -C "$repo" rev-parse --short=8 HEAD
}
(cd "$repo" && git init -q -b main) || bad "git init"
c1=$(commit one 1)
R record --kinds exact,noisy --dmdprof "$dmdprof" --time-steps 200 --save-baseline fast >"$tmp/o" 2>&1 && ok \
  || bad "record at commit one: $(cat "$tmp/o")"
c2=$(commit two 2)
flagged=0
for i in 1 2 3 4 5; do
  R check --kinds noisy --dmdprof "$dmdprof" --against fast "${lim[@]}" --record --verdict "$tmp/v$i.json" >"$tmp/o$i" 2>&1
  rc=$?
  grep -q '^WARN' "$tmp/o$i" && { echo "note: run $i warned (tolerated):" >&2; grep '^WARN' "$tmp/o$i" >&2; }
  if [ $rc != 0 ] || grep -q '^FAIL' "$tmp/o$i"; then flagged=$((flagged + 1)); cat "$tmp/o$i" >&2; fi
done
[ $flagged = 0 ] && ok || bad "$flagged of 5 unchanged runs flagged"
grep -q '"verdict": "ok"\|"verdict": "improved"' "$tmp/v5.json" && ok || bad "no noisy metric compared in run 5"
(cd "$repo" && git checkout -qb slow) || bad "git checkout"   # a feature branch: --against fast finds main's
c3=$(commit three 3)
R check --kinds noisy --dmdprof "$slow" --against fast "${lim[@]}" --repeat 3 --record --verdict "$tmp/vs.json" \
  >"$tmp/o" 2>&1
rc=$?
[ $rc = 1 ] && grep -q "against baseline fast@main" "$tmp/o" && ok || bad "-O0 build: rc $rc, expected 1: $(cat "$tmp/o")"
for m in wall_s cpu_s gflops; do
  grep -q "^FAIL .*train-addition-T30-H32-B16-200steps $m total: .* slower" "$tmp/o" && ok \
    || bad "-O0 build: $m not named as a regression: $(cat "$tmp/o")"
done
R record --kinds exact --dmdprof "$slow" >/dev/null 2>&1 || bad "record exact at commit three"

# history: table, CSV, JSON, figures
R history --plot "$tmp/plot" --csv "$tmp/h.csv" --json "$tmp/h.json" >"$tmp/h.txt" 2>"$tmp/e"
rc=$?
[ $rc = 0 ] && ok || bad "history: rc $rc: $(cat "$tmp/e")"
python3 - "$tmp/h.txt" "$c1" "$c2" "$c3" "$tmp/nseries" <<'PY' && ok || bad "history table: $(cat "$tmp/h.txt")"
import sys
txt = open(sys.argv[1]).read()
series, cur = {}, None
for line in txt.splitlines():
    if not line.startswith("  "):
        cur = line.split("  [")[0]
        series[cur] = []
    elif not line.strip().startswith("commit"):
        series[cur].append(line.split())
c1, c2, c3 = sys.argv[2:5]
wall = [k for k in series if " wall_s" in k]
assert len(wall) == 1, series.keys()
rows = series[wall[0]]
assert [r[0] for r in rows] == [c1, c2, c3], rows
assert "STEP" not in " ".join(rows[0] + rows[1]) and "STEP" in rows[2], rows
assert rows[1][3] == "5", rows[1]          # five runs pooled at commit two
exact = [k for k in series if k.startswith("measure-") and " cost" in k]
# one exact benchmark per size and cell this build has (4 vanilla, one per gated cell built)
assert len(exact) >= 4 and sum("-lstm " in k or "-gru " in k for k in exact) == len(exact) - 4, exact
open(sys.argv[5], "w").write("%d\n" % len(series))
for k in exact:
    assert [r[0] for r in series[k]] == [c1, c3], series[k]
    assert not any("STEP" in " ".join(r) for r in series[k]), series[k]
PY
python3 - "$tmp/h.csv" "$tmp/h.json" "$c3" <<'PY' && ok || bad "history --csv / --json"
import csv, json, sys
lines = open(sys.argv[1]).read().splitlines()
assert lines[0].startswith("schema,benchmark,"), lines[0]
rows = list(csv.DictReader(lines))
assert {r["schema"] for r in rows} == {"dmdprof.regress-history/1"}, rows[0]
j = json.load(open(sys.argv[2]))
assert j["schema"] == "dmdprof.regress-history/1" and len(j["points"]) == len(rows) > 0
steps = {(r["benchmark"], r["metric"], r["commit"][:8]) for r in rows if r["step"] != ""}
assert {s[1] for s in steps} == {"wall_s", "cpu_s", "gflops"} and {s[2] for s in steps} == {sys.argv[3]}, steps
g = [p for p in j["points"] if p["metric"] == "gflops" and p["step"] is not None]
assert len(g) == 1 and g[0]["step"] < 0, g   # GFLOP/s went down
PY
n=0
for f in "$tmp"/plot/*.png; do
  [ "$(head -c 4 "$f" | tail -c 3)" = PNG ] && [ "$(stat -c %s "$f")" -gt 5000 ] || { bad "$f: not a PNG"; continue; }
  n=$((n + 1))
done
ns=$(cat "$tmp/nseries" 2>/dev/null || echo '?')
[ "$n" = "$ns" ] && [ "$n" -ge 15 ] && ok \
  || bad "$n trend figures, expected one per series of the history table ($ns: cost, reads, bytes_read per exact benchmark; wall_s, cpu_s, gflops)"
[ -n "${REGRESS_KEEP:-}" ] && mkdir -p "$REGRESS_KEEP" && cp "$tmp"/plot/* "$REGRESS_KEEP"/

# the machine guard: a baseline from another machine, noisy metrics refused unless --force
R baseline export fast "$tmp/fast.json" >/dev/null 2>&1 || bad "export fast"
sed -i 's/"machine": "[^"]*"/"machine": "elsewhere"/' "$tmp/fast.json"
R check --kinds noisy --dmdprof "$dmdprof" --against "$tmp/fast.json" "${lim[@]}" --verdict "$tmp/vr.json" >"$tmp/o" 2>&1
rc=$?
[ $rc = 0 ] && [ "$(grep -c '^REFUSED .*noisy metrics compare on the same machine only' "$tmp/o")" = 3 ] && ok \
  || bad "another machine's baseline: rc $rc, expected 0 and 3 REFUSED: $(cat "$tmp/o")"
R check --kinds noisy --dmdprof "$dmdprof" --against "$tmp/fast.json" "${lim[@]}" --force --verdict "$tmp/vf.json" \
  >"$tmp/o" 2>&1
rc=$?
[ $rc = 0 ] && ! grep -q REFUSED "$tmp/o" && [ "$(grep -c '"verdict": "\(ok\|improved\)"' "$tmp/vf.json")" = 3 ] && ok \
  || bad "--force against another machine's baseline: rc $rc, expected 3 metrics compared: $(cat "$tmp/o")"
finish
