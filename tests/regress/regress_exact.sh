#!/usr/bin/env bash
# scripts/regress, exact metrics and the store (no Valgrind, seconds):
#   - a run checked against its own named baseline passes (exit 0);
#   - a one-unit change of an exact ByteDMD cell in an exported baseline file
#     fails (exit 1), attributed to its (phase, region) with the delta, in the
#     text and in the verdict file; the BMF export carries the measured value;
#   - a failing Callgrind (valgrind = /bin/false) is "could not measure" (3),
#     so is a PAPI event that cannot be counted; an SDE is stored per phase;
#   - two records at once both land;
#   - a corrupt store and a locked store: one clear line, exit 2 / 3;
#   - --help of every verb (and through dmdprof regress); bad usage: one line, exit 2;
#   - --bisect: a tree that does not build exits 125, bad usage 255.
# usage: regress_exact.sh REGRESS DMDPROF
set -u
regress=$1 dmdprof=$2
. "$(dirname "$0")/../lib.sh"
st=$tmp/store.sqlite
R() { "$regress" "$@" --store "$st"; }
one_line() { [ "$(wc -l <"$1")" = 1 ] && grep -q '^regress: ' "$1"; }

R record --kinds exact --dmdprof "$dmdprof" --save-baseline ref >"$tmp/o" 2>&1 && ok || bad "record: $(cat "$tmp/o")"
R check --kinds exact --dmdprof "$dmdprof" --against ref --verdict "$tmp/v0.json" >"$tmp/o" 2>&1
rc=$?
[ $rc = 0 ] && grep -q "regress: pass" "$tmp/o" && ok || bad "same build against its own baseline: rc $rc: $(cat "$tmp/o")"
R baseline export ref "$tmp/base.json" --kinds exact >"$tmp/o" 2>&1 && ok || bad "export: $(cat "$tmp/o")"

# one unit less in the baseline's backward/W_hh cell of the live T16 benchmark
# (and in the totals that contain it): this build then has "+1" there
python3 - "$tmp/base.json" "$tmp/base1.json" <<'PY' || bad "could not edit the baseline"
import json, sys
d = json.load(open(sys.argv[1]))
n = 0
for m in d["metrics"]:
    if m["benchmark"] == "measure-addition-T16-H8-B1-S1-live" and m["metric"] == "cost" and \
            (m["phase"], m["region"]) in (("backward", "W_hh"), ("backward", "all"), ("all", "all")):
        m["value"] -= 1
        n += 1
assert n == 3, n
json.dump(d, open(sys.argv[2], "w"))
PY
R check --kinds exact --dmdprof "$dmdprof" --against "$tmp/base1.json" --verdict "$tmp/v1.json" --bmf "$tmp/bmf.json" \
  >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc = 1 ] && ok || bad "one-unit change: rc $rc, expected 1: $(cat "$tmp/o" "$tmp/e")"
grep -q "^FAIL .*measure-addition-T16-H8-B1-S1-live cost: total +1 .*moved: backward/W_hh +1 (+" "$tmp/o" && ok \
  || bad "the message does not name backward/W_hh +1: $(cat "$tmp/o")"
[ "$(grep -c '^FAIL' "$tmp/o")" = 1 ] && ok || bad "more than the one benchmark reported: $(cat "$tmp/o")"
grep -q "update the baseline in the same commit, from the top of the tree: scripts/regress baseline update $tmp/base1.json" "$tmp/e" && ok \
  || bad "no hint how to update the baseline: $(cat "$tmp/e")"
python3 - "$tmp/v1.json" "$tmp/bmf.json" "$tmp/base.json" <<'PY' && ok || bad "verdict file / BMF content"
import json, sys
v = json.load(open(sys.argv[1]))
assert v["schema"] == "dmdprof.regress/1" and v["exit_code"] == 1 and v["status"] == "regression", v["status"]
fails = [(m["benchmark"], m["phase"], m["region"], m["delta"]) for m in v["metrics"] if m["verdict"] == "fail"]
b = "measure-addition-T16-H8-B1-S1-live"
assert sorted(fails) == sorted([(b, "all", "all", 1), (b, "backward", "all", 1), (b, "backward", "W_hh", 1)]), fails
base = {(m["benchmark"], m["metric"], m["phase"], m["region"]): m["value"] for m in json.load(open(sys.argv[3]))["metrics"]}
bmf = json.load(open(sys.argv[2]))
assert bmf[b + "/backward/W_hh"]["bytedmd"]["value"] == base[(b, "cost", "backward", "W_hh")]
assert bmf[b]["bytedmd"]["value"] == base[(b, "cost", "all", "all")]
PY

# a failing Callgrind is never a pass
R check --kinds deterministic --dmdprof "$dmdprof" --valgrind /bin/false --against "$tmp/base.json" \
  --verdict "$tmp/v2.json" >"$tmp/o" 2>&1
rc=$?
[ $rc = 3 ] && grep -q "^MISSING  callgrind-.*could not measure" "$tmp/o" && ok || bad "failing valgrind: rc $rc: $(cat "$tmp/o")"
grep -q '"status": "unmeasured"' "$tmp/v2.json" && ok || bad "verdict file of the failing valgrind"
R record --kinds deterministic --dmdprof "$dmdprof" --valgrind /bin/false >"$tmp/o" 2>&1
rc=$?
[ $rc = 3 ] && ok || bad "record with a failing valgrind: rc $rc"

# PAPI events in the timing runs: a software-defined event is stored per
# phase; an event that cannot be counted is "could not measure"
if "$dmdprof" probes 2>/dev/null | grep -q '^  sde  *yes'; then
  "$regress" record --store "$tmp/papi.sqlite" --kinds noisy --papi sde:::dmdprof::steps --time-steps 3 --repeat 3 \
    --dmdprof "$dmdprof" >"$tmp/o" 2>&1
  rc=$?
  n=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT group_concat(phase || '=' || value) FROM metrics WHERE metric = 'sde:::dmdprof::steps'\").fetchone()[0])" "$tmp/papi.sqlite")
  [ $rc = 0 ] && [ "$n" = "backward=0,forward=0,update=0" ] && ok || bad "PAPI SDE: rc $rc, rows '$n': $(cat "$tmp/o")"
else
  echo "note: PAPI's sde component is not available here; the SDE case is not run"
fi
"$regress" record --store "$tmp/papi.sqlite" --kinds noisy --papi PAPI_NOT_AN_EVENT --time-steps 3 --repeat 3 \
  --dmdprof "$dmdprof" >"$tmp/o" 2>&1
rc=$?
[ $rc = 3 ] && grep -q "could not measure train-" "$tmp/o" && ok || bad "an uncountable PAPI event: rc $rc: $(cat "$tmp/o")"

# two records at once both land
R record --kinds exact --dmdprof "$dmdprof" >"$tmp/c1" 2>&1 &
p1=$!
R record --kinds exact --dmdprof "$dmdprof" >"$tmp/c2" 2>&1 &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
[ $r1 = 0 ] && [ $r2 = 0 ] && ok || bad "concurrent records: rc $r1 $r2: $(cat "$tmp/c1" "$tmp/c2")"
python3 - "$st" <<'PY' && ok || bad "the store does not hold 4 runs (ref, 2 concurrent, 1 failed) with their metrics"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
runs = db.execute("SELECT count(*) FROM runs").fetchone()[0]
per = db.execute("SELECT count(*) FROM metrics GROUP BY run_id ORDER BY run_id").fetchall()
assert runs == 4, runs
assert per[0] == per[1] == per[2] and per[0][0] > 100, per
assert db.execute("SELECT complete FROM runs ORDER BY id").fetchall() == [(1,), (0,), (1,), (1,)]
PY

# a corrupt store, a locked store
printf 'not a database, really not\n' >"$tmp/bad.sqlite"
"$regress" record --kinds exact --dmdprof "$dmdprof" --store "$tmp/bad.sqlite" >/dev/null 2>"$tmp/e"
rc=$?
[ $rc = 2 ] && one_line "$tmp/e" && grep -q "bad.sqlite is unreadable" "$tmp/e" && ok \
  || bad "corrupt store: rc $rc: $(cat "$tmp/e")"
mkdir -p "$tmp/storedir"  # a store path that is a directory (or /dev/null): bad usage, refused before measuring
"$regress" record --kinds exact --dmdprof "$dmdprof" --store "$tmp/storedir" >/dev/null 2>"$tmp/e"
rc=$?
[ $rc = 2 ] && one_line "$tmp/e" && grep -q "is not a regular file" "$tmp/e" && ok \
  || bad "a directory as the store: rc $rc: $(cat "$tmp/e")"
python3 - "$st" "$tmp/locked" <<'PY' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
for _ in range(1200):  # held until the test says so (at most 2 minutes), however slow the machine
    if os.path.exists(sys.argv[2] + ".release"):
        break
    time.sleep(0.1)
PY
locker=$!
for _ in $(seq 600); do [ -f "$tmp/locked" ] && break; sleep 0.1; done
R record --kinds exact --dmdprof "$dmdprof" --lock-timeout 0.5 >/dev/null 2>"$tmp/e"
rc=$?
[ $rc = 3 ] && one_line "$tmp/e" && grep -q "is locked by another process" "$tmp/e" && ok \
  || bad "locked store: rc $rc: $(cat "$tmp/e")"
touch "$tmp/locked.release"
wait "$locker" 2>/dev/null

# every verb explains itself; dmdprof regress runs the script
for v in record check baseline history export; do
  "$regress" $v --help >"$tmp/h" 2>&1 && grep -q "^usage: scripts/regress $v" "$tmp/h" && [ "$(wc -l <"$tmp/h")" -gt 8 ] \
    && ok || bad "$v --help: $(head -3 "$tmp/h")"
done
"$dmdprof" regress check --help >"$tmp/h" 2>&1 && grep -q -- "--against NAME|COMMIT|FILE" "$tmp/h" && ok \
  || bad "dmdprof regress check --help: $(head -3 "$tmp/h")"

# bad usage: one line, exit 2
for args in "check --kinds exact" "check --against nosuchbaseline --kinds exact" "check --against ref --kinds fast" \
            "record --repeat 1" "history --window 0" "frobnicate" "baseline save" "record --dmdprof /nonexistent"; do
  R $args >/dev/null 2>"$tmp/e"
  rc=$?
  [ $rc = 2 ] && one_line "$tmp/e" && ok || bad "'$args': rc $rc, expected 2 and one line: $(cat "$tmp/e")"
done
echo '{"schema": "something/1"}' >"$tmp/notbase.json"
R check --against "$tmp/notbase.json" --kinds exact --dmdprof "$dmdprof" >/dev/null 2>"$tmp/e"
rc=$?
[ $rc = 2 ] && one_line "$tmp/e" && ok || bad "a JSON that is not a baseline: rc $rc: $(cat "$tmp/e")"

# git bisect run: a commit that does not build is skipped (125); bad usage stops the bisect (255)
mkdir "$tmp/broken" && printf 'cmake_minimum_required(VERSION 3.13)\nproject(x C)\nthis_is_not_cmake(\n' \
  >"$tmp/broken/CMakeLists.txt"
(cd "$tmp/broken" && git init -q && git add . && git -c user.email=t@t -c user.name=t commit -qm broken) || bad "git"
R check --bisect --repo "$tmp/broken" --build "$tmp/broken/b" --kinds exact --against "$tmp/base.json" >/dev/null 2>"$tmp/e"
rc=$?
[ $rc = 125 ] && grep -q "does not build" "$tmp/e" && ok || bad "bisect on a tree that does not build: rc $rc: $(cat "$tmp/e")"
R check --bisect --kinds exact --against "$tmp/none.json" >/dev/null 2>"$tmp/e"
rc=$?
[ $rc = 255 ] && ok || bad "bisect with a bad baseline: rc $rc, expected 255: $(cat "$tmp/e")"
finish
