#!/usr/bin/env bash
# scripts/report on a small real data set (a sweep over T, H, inits and seeds;
# measure JSONs; task examples; a side-by-side CSV): every figure whose data
# exists is drawn (PNG and SVG), the one without data says what would produce
# it, the tables agree with sweep.csv (recomputed here, not by the report);
# bad input (corrupt JSON/CSV, a half-written run, an unknown schema version,
# an empty directory) is named on one line each while the rest is reported;
# nothing readable -> exit 2; gnuplot missing -> tables and page with the hint.
# usage: report_page.sh REPORT SWEEP DMDPROF [KEEP]   (KEEP: where the report is copied,
# for the browser test)
set -u
report=$1 sweep=$2 dmdprof=$3 keep=${4:-}
. "$(dirname "$0")/../lib.sh"
"$sweep" --out "$tmp/sw" --tasks 3bit_memorization --T "6 9" --H "4 6" --inits "ortho random" --seeds "0 1" \
  --epochs 3 --batches-per-epoch 3 --batch 4 --model lru --jobs 2 --dmdprof "$dmdprof" 2>"$tmp/sweep.log" ||
  bad "sweep failed: $(tail -2 "$tmp/sweep.log")"
mkdir -p "$tmp/m"
for T in 6 9 12; do
  "$dmdprof" measure --task 3bit_memorization -T $T -H 6 --json --quiet >"$tmp/m/live_T$T.json" || bad "measure T=$T"
  "$dmdprof" measure --task 3bit_memorization -T $T -H 6 --model lru --analytic --json --quiet >"$tmp/m/lru_T$T.json" || bad "measure lru T=$T"
done
"$dmdprof" example --task 3bit_memorization -T 10 --out "$tmp/m/example.json" || bad "dmdprof example failed"
mkdir -p "$tmp/side"
printf 'T,bytedmd_cost,cg_D1_misses,cg_LL_misses,cg_Ir,papi_L1_DCM,papi_L2_DCM,papi_L3_TCM\n10,1000,50,5,900,,,\n20,2000,101,5,1800,,,\n40,4000,199,6,3600,,,\n' >"$tmp/side/side_by_side.csv"

"$report" "$tmp/sw" "$tmp/m" "$tmp/side" --out "$tmp/r" 2>"$tmp/r.log"
rc=$?
[ $rc = 0 ] && ok || bad "report exit $rc: $(cat "$tmp/r.log")"
for f in curves spectrum examples vanishing cost_T cost_H regions to_solution solve_rate depth analytic side_by_side; do
  head -c 4 "$tmp/r/$f.png" 2>/dev/null | grep -q PNG && grep -q "<svg" "$tmp/r/$f.svg" 2>/dev/null &&
    [ -s "$tmp/r/$f.gp" ] && [ -s "$tmp/r/$f.dat" ] && grep -q "src=\"$f.png\"" "$tmp/r/index.html" && ok ||
    bad "figure $f: PNG, SVG, script, data or its place in index.html missing"
done
# the figure without data names what would produce it
grep -q 'Not drawn: a regress history store' "$tmp/r/index.html" && [ ! -e "$tmp/r/regress.png" ] && ok ||
  bad "the regress figure is not reported as missing with a hint"
# a regress store (the SQLite layout of docs/regress.md, written here by hand): the history figure
python3 - "$tmp/store.sqlite" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.executescript("""create table meta(key text primary key, value text);
insert into meta values('schema', 'dmdprof.regress-store/1');
create table runs(id integer primary key, recorded_at text, commit_sha text);
create table metrics(run_id integer, benchmark text, metric text, phase text, region text, kind text, unit text,
                     value real, better text);""")
for i, (t, wall) in enumerate([("2026-12-01T20:00:00Z", 1.0), ("2026-12-01T21:00:00Z", 1.21)], start=1):
    c.execute("insert into runs values (?, ?, ?)", (i, t, f"{i}" * 12))
    c.execute("insert into metrics values (?, 'measure-x', 'cost', 'all', 'all', 'exact', 'bytedmd', 1234, 'lower')", (i,))
    c.execute("insert into metrics values (?, 'measure-x', 'cost', 'forward', 'W_hh', 'exact', 'bytedmd', 99, 'lower')", (i,))
    c.execute("insert into metrics values (?, 'train-x', 'wall_s', 'all', 'all', 'noisy', 's', ?, 'lower')", (i, wall))
c.commit()
PY
"$report" "$tmp/store.sqlite" --out "$tmp/rs" 2>"$tmp/rs.log" && head -c 4 "$tmp/rs/regress.png" | grep -q PNG &&
  [ "$(grep -c '^dmdprof.report_regress/1,' "$tmp/rs/regress.csv")" = 4 ] &&
  grep -q ',train-x wall_s,noisy,s,1.21$' "$tmp/rs/regress.csv" && ok || bad "regress store not drawn: $(cat "$tmp/rs.log")"
printf 'not a database' >"$tmp/broken.sqlite"
"$report" "$tmp/broken.sqlite" --out "$tmp/rs2" 2>"$tmp/rs2.log"
[ $? = 2 ] && grep -q "broken.sqlite: not a readable regress store" "$tmp/rs2.log" && ok || bad "a broken store: $(cat "$tmp/rs2.log")"
# a figure redrawn by hand from its script and data
(cd "$tmp/r" && rm -f cost_T.png && gnuplot cost_T.gp 2>/dev/null && [ -s cost_T.png ]) && ok || bad "cost_T.gp does not redraw by hand"
# the page is static: no script, no network address
! grep -qi '<script\|http://\|https://' "$tmp/r/index.html" && ok || bad "index.html has a script or a network address"
grep -q '^!\[' "$tmp/r/index.md" && ok || bad "index.md has no figures"
# tables against sweep.csv, recomputed here
python3 - "$tmp/sw/sweep.csv" "$tmp/r" <<'PY' && ok || bad "solve_rate.csv / to_solution.csv disagree with sweep.csv"
import csv, os, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
rate = {(r["H"], r["init"], r["T"]): (r["runs"], r["solved"]) for r in csv.DictReader(open(os.path.join(sys.argv[2], "solve_rate.csv")))}
for H in ("4", "6"):
    for init in ("ortho", "random"):
        for T in ("6", "9"):
            sel = [r for r in rows if (r["H"], r["init"], r["T"]) == (H, init, T)]
            assert rate[(H, init, T)] == (str(len(sel)), str(sum(r["status"] == "solved" for r in sel))), (H, init, T)
ts = list(csv.DictReader(open(os.path.join(sys.argv[2], "to_solution.csv"))))
assert len(ts) == 8, len(ts)
for t in ts:
    sel = [r for r in rows if (r["H"], r["init"], r["T"]) == (t["H"], t["init"], t["T"])]
    assert int(t["runs"]) == len(sel)
    c = statistics.median(int(r["cost_per_step"]) for r in sel)
    assert float(t["cost_per_step"]) == c, (t["cost_per_step"], c)
sb = list(csv.DictReader(open(os.path.join(sys.argv[2], "side_by_side.csv"))))
assert [r["bytedmd_cost"] for r in sb] == ["1000", "2000", "4000"] and all(r["papi_L1_DCM"] == "" for r in sb)
PY
# exponents: cost per step against T fitted on log-log; check the T exponent of one line by hand
python3 - "$tmp/sw/sweep.csv" "$tmp/r/exponents_T.csv" <<'PY' && ok || bad "fitted T exponent disagrees with a hand fit"
import csv, math, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["H"] == "4"]
c = {int(r["T"]): int(r["cost_per_step"]) for r in rows}
e = math.log(c[9] / c[6]) / math.log(9 / 6)
got = [r for r in csv.DictReader(open(sys.argv[2])) if r["source"] == "trained runs" and r["line_value"] == "4"]
assert len(got) == 1 and abs(float(got[0]["exponent"]) - e) < 1e-3, (got, e)
PY

# ---- bad input: each named on one line, the rest still reported, exit 0
mkdir -p "$tmp/bad/corrupt" "$tmp/bad/half" "$tmp/bad/future" "$tmp/bad/csv" "$tmp/empty"
head -c 200 "$(ls "$tmp"/sw/runs/*/run.json | head -1)" >"$tmp/bad/corrupt/run.json"
cp "$(ls "$tmp"/sw/runs/*/history.csv | head -1)" "$tmp/bad/half/history.csv"
printf '{"schema": "dmdprof.run/99", "task": "addition"}\n' >"$tmp/bad/future/run.json"
printf 'T,bytedmd_cost,cg_D1_misses\n10,1000\n' >"$tmp/bad/csv/side_by_side.csv"
"$report" "$tmp/sw" "$tmp/bad" "$tmp/empty" --out "$tmp/r2" 2>"$tmp/r2.log"
rc=$?
[ $rc = 0 ] && ok || bad "report with some bad inputs: exit $rc"
for what in "corrupt/run.json: corrupt JSON" "half: half-written run (no run.json)" "future/run.json: schema dmdprof.run/99: version 99" \
            "csv/side_by_side.csv:2: 2 fields, the header has 3" "empty: no results in this directory"; do
  [ "$(grep -c -F "$what" "$tmp/r2.log")" = 1 ] && grep -q -F "$what" "$tmp/r2/index.html" && ok ||
    bad "bad input '$what' not named once on stderr and on the page: $(cat "$tmp/r2.log")"
done
head -c 4 "$tmp/r2/curves.png" | grep -q PNG && ok || bad "the good runs were not reported beside the bad inputs"
# nothing readable: exit 2, one line
"$report" "$tmp/empty" --out "$tmp/r3" 2>"$tmp/r3.log"
[ $? = 2 ] && grep -q "nothing could be read.*no results in this directory" "$tmp/r3.log" && [ "$(wc -l < "$tmp/r3.log")" = 1 ] \
  && ok || bad "empty input: not exit 2 with one line naming why: $(cat "$tmp/r3.log")"
"$report" "$tmp/bad/corrupt" --out "$tmp/r4" 2>"$tmp/r4.log"
[ $? = 2 ] && grep -q "corrupt JSON" "$tmp/r4.log" && [ "$(wc -l < "$tmp/r4.log")" = 1 ] && ok \
  || bad "only corrupt input: not exit 2 with one line naming the corruption: $(cat "$tmp/r4.log")"
"$report" "$tmp/nonexistent" --out "$tmp/r5" 2>/dev/null
[ $? = 2 ] && ok || bad "a missing input did not exit 2"
# gnuplot missing: tables and page, with the install hint
"$report" "$tmp/sw" --out "$tmp/r6" --gnuplot /nonexistent/gnuplot 2>"$tmp/r6.log"
[ $? = 0 ] && [ -s "$tmp/r6/index.html" ] && [ -s "$tmp/r6/solve_rate.csv" ] && [ ! -e "$tmp/r6/curves.png" ] &&
  grep -q "apt-get install gnuplot-nox" "$tmp/r6/index.html" && grep -q "gnuplot not found" "$tmp/r6.log" && ok ||
  bad "without gnuplot: $(cat "$tmp/r6.log")"
# a changed sweep: the old runs in the store are left out of the report
"$sweep" --out "$tmp/sw" --tasks 3bit_memorization --T "6 9" --H "4 6" --inits "ortho random" --seeds "0 1" \
  --epochs 4 --batches-per-epoch 3 --batch 4 --model lru --jobs 2 --dmdprof "$dmdprof" 2>/dev/null
"$report" "$tmp/sw" --out "$tmp/r7" 2>"$tmp/r7.log"
grep -q "16 runs of a sweep store are not in that sweep's current grid" "$tmp/r7.log" &&
  [ "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "runs") c = i } NR > 1 { n += $c } END { print n }' "$tmp/r7/solve_rate.csv")" = 16 ] && ok ||
  bad "stale runs of a changed sweep were not left out: $(cat "$tmp/r7.log")"
if [ -n "$keep" ]; then rm -rf "$keep" && cp -r "$tmp/r" "$keep" || bad "cannot copy the report to $keep"; fi
finish
