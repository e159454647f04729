#!/usr/bin/env bash
# scripts/sched-rank on a tiny grid (two schedules, two T, no Callgrind) and its
# figure in scripts/report: sched_rank.csv carries its schema, one row per
# (schedule, T, H); a second run resumes from the per-cell files (the same
# costs, nothing re-measured); the report draws sched_T and its table's x_bptt
# equals the ratio recomputed here from the CSV; bad flags exit 2 with one line.
# usage: report_sched.sh SCRIPTS_DIR DMDPROF
set -u
scripts=$1 dmdprof=$2
. "$(dirname "$0")/../lib.sh"
args=(--dmdprof "$dmdprof" --T 10,12 --H 4 --schedules bptt,alt --no-callgrind --repeats 1 --gflop 0.0005)
"$scripts/sched-rank" "${args[@]}" --out "$tmp/sr" >"$tmp/sr.log" 2>&1 || bad "sched-rank failed: $(tail -2 "$tmp/sr.log")"
[ "$(grep -c '^dmdprof.sched_rank/1,' "$tmp/sr/sched_rank.csv")" = 4 ] && ok || bad "sched_rank.csv: not 4 rows of its schema"
[ "$(ls "$tmp/sr/cells" | wc -l)" = 4 ] && head -c 4 "$tmp/sr/sched_T.png" | grep -q PNG && ok ||
  bad "sched-rank: per-cell files or figure missing"
cut -d, -f2-9 "$tmp/sr/sched_rank.csv" >"$tmp/costs1"
"$scripts/sched-rank" "${args[@]}" --out "$tmp/sr" >"$tmp/sr2.log" 2>&1 || bad "sched-rank (resumed) failed"
cut -d, -f2-9 "$tmp/sr/sched_rank.csv" | cmp -s - "$tmp/costs1" && ! grep -q "live " "$tmp/sr2.log" && ok ||
  bad "the resumed sched-rank re-measured or changed the costs"
"$scripts/report" "$tmp/sr" --out "$tmp/r" 2>"$tmp/r.log" || bad "report: $(cat "$tmp/r.log")"
head -c 4 "$tmp/r/sched_T.png" | grep -q PNG && grep -q "<svg" "$tmp/r/sched_T.svg" && grep -q 'src="sched_T.png"' "$tmp/r/index.html" &&
  ok || bad "report: sched_T figure not drawn"
# x_bptt of alt at T 12 recomputed from sched-rank's own CSV (live_cost is column 6)
want=$(awk -F, '$3 == 12 && $2 == "bptt" { b = $6 } $3 == 12 && $2 == "alt" { a = $6 } END { printf "%.6f", a / b }' "$tmp/sr/sched_rank.csv")
got=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i } $h["schedule"] == "alt" && $h["T"] == 12 { printf "%.6f", $h["x_bptt"] }' "$tmp/r/sched_rank.csv")
[ -n "$want" ] && [ "$want" = "$got" ] && [ "$want" != "1.000000" ] && ok || bad "report x_bptt of alt: got '$got', want '$want'"
# without sched-rank data the figure says what would produce it
mkdir -p "$tmp/m" && "$dmdprof" measure --task addition -T 10 -H 4 --json --quiet >"$tmp/m/m.json" || bad "measure"
"$scripts/report" "$tmp/m" --out "$tmp/r2" 2>/dev/null
grep -q "Not drawn: .scripts/sched-rank" "$tmp/r2/index.html" 2>/dev/null && ok || bad "missing sched_T figure gives no hint"
"$scripts/sched-rank" --dmdprof "$dmdprof" --out "$tmp/x" --T ten 2>"$tmp/e.log"
[ $? = 2 ] && [ "$(wc -l <"$tmp/e.log")" = 1 ] && ok || bad "--T ten: not exit 2 with one line: $(cat "$tmp/e.log")"
finish
