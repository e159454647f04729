#!/usr/bin/env bash
# side_by_side.sh -- does the ByteDMD model track the caches?  For each T of a
# list, one training step of the same (task, H, seed) is
#   priced by ByteDMD          dmdprof measure --steps 1 --json
#   simulated by Callgrind     dmdprof callgrind -- train --max-steps 1
#   counted by PAPI            dmdprof train --max-steps 1 --papi-events ...
#                              (hardware cache misses; missing on a VM)
# and the figure plots ByteDMD cost, simulated D1 and LL misses and PAPI's
# misses against T, log-log, absolute and relative to the smallest T.
#
# usage: reports/side_by_side.sh [--dmdprof PATH] [--out DIR] [--task NAME]
#                                [-H N] [--batch B] [--Ts "10 20 50 100"] [--model M] [--plot-only]
# writes DIR/side_by_side.csv and DIR/side_by_side.png; --plot-only redraws
# the figure from an existing DIR/side_by_side.csv
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
DMDPROF=${DMDPROF:-$here/../build/dmdprof}
OUT=results/side_by_side
TASK=addition
H=32
B=1
TS="10 20 50 100"
MODEL=live
PAPI_EV=PAPI_L1_DCM,PAPI_L2_DCM,PAPI_L3_TCM
PLOT_ONLY=0
while [ $# -gt 0 ]; do
  case $1 in
    --dmdprof) DMDPROF=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --task) TASK=$2; shift 2 ;;
    -H) H=$2; shift 2 ;;
    --batch) B=$2; shift 2 ;;
    --Ts) TS=$2; shift 2 ;;
    --model) MODEL=$2; shift 2 ;;
    --plot-only) PLOT_ONLY=1; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "side_by_side.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
die() { echo "side_by_side.sh: $*" >&2; exit 2; }
command -v gnuplot >/dev/null || die "gnuplot not found: apt-get install gnuplot-nox"
csv=$OUT/side_by_side.csv
if [ $PLOT_ONLY = 1 ]; then
  [ -s "$csv" ] || die "--plot-only: no $csv to plot"
  TS=$(awk -F, 'NR > 1 { printf "%s ", $2 }' "$csv")  # $1 is the schema column
else
[ -x "$DMDPROF" ] || die "no dmdprof at '$DMDPROF': build it (scripts/build build) or pass --dmdprof PATH"
grep -q -- --max-steps <<<"$("$DMDPROF" train --help 2>/dev/null)" || # whole first: grep -q + pipefail = SIGPIPE
  die "'dmdprof train' has no --max-steps yet: the Callgrind and PAPI columns need it"
mkdir -p "$OUT"
train_papi=0
if "$DMDPROF" train --help 2>/dev/null | grep -q -- --probes-out; then train_papi=1
else echo "side_by_side: 'dmdprof train' has no --papi-events/--probes-out: PAPI columns left empty" >&2; fi

# the results reader/writer (reports/dmdresults.py): no JSON parsed with sed, no CSV written by hand
R() { /usr/bin/env python3 "$here/dmdresults.py" "$@"; }
# value EVENT PHASE FILE: the value of a probes CSV row, empty when missing.
value() { R value "$3" "$2" "$1"; }

tmp=$csv.tsv.$$
: >"$tmp"
for T in $TS; do
  echo "side_by_side: T=$T" >&2
  common=(--task "$TASK" -T "$T" -H "$H" --batch "$B" --seed 1)
  "$DMDPROF" measure "${common[@]}" --steps 1 --model "$MODEL" --json --quiet >"$OUT/measure_T$T.json" ||
    die "dmdprof measure failed for T=$T"
  cost=$(R total "$OUT/measure_T$T.json") || die "no total cost in $OUT/measure_T$T.json"

  "$DMDPROF" callgrind --out "$OUT/cg_T$T" --run-id "T$T" -- \
    train "${common[@]}" --max-steps 1 --out "$OUT/cg_T$T/train" --quiet >/dev/null ||
    die "dmdprof callgrind failed for T=$T (see $OUT/cg_T$T/probes_callgrind.json)"
  cg=$OUT/cg_T$T/probes_callgrind.csv
  d1=$(( $(value D1mr total "$cg") + $(value D1mw total "$cg") ))
  ll=$(( $(value DLmr total "$cg") + $(value DLmw total "$cg") ))
  ir=$(value Ir total "$cg")

  # PAPI: missing values stay empty (never 0); the run itself must succeed.
  papi="		"
  if [ $train_papi = 1 ]; then
    "$DMDPROF" train "${common[@]}" --max-steps 1 --out "$OUT/papi_T$T" --papi-events "$PAPI_EV" \
      --probes-out "$OUT/papi_T$T/probes.csv" --quiet >/dev/null 2>"$OUT/papi_T$T.log" ||
      die "train with PAPI failed (see $OUT/papi_T$T.log)"
    pr=$OUT/papi_T$T/probes.csv
    papi="$(value PAPI_L1_DCM total "$pr")	$(value PAPI_L2_DCM total "$pr")	$(value PAPI_L3_TCM total "$pr")"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%b\n' "$T" "$cost" "$d1" "$ll" "$ir" "$papi" >>"$tmp"
done
R tsv2csv dmdprof.side_by_side/1 T,bytedmd_cost,cg_D1_misses,cg_LL_misses,cg_Ir,papi_L1_DCM,papi_L2_DCM,papi_L3_TCM \
  "$csv" <"$tmp" || die "cannot write $csv"
rm -f "$tmp"
fi

T0=$(echo "$TS" | awk '{ print $1 }')
papi_cols=$(awk -F, 'NR > 1 && $7 != "" { n++ } END { print n + 0 }' "$csv")
gnuplot <<EOF
set terminal pngcairo size 1200,500 font ",10"
set output "$OUT/side_by_side.png"
set datafile separator ","
set datafile missing ""
set key top left
set logscale xy
set grid
set multiplot layout 1,2 title "One training step, task $TASK, H = $H: ByteDMD ($MODEL) vs simulated caches (Callgrind, Zen 4 geometry)"
set xlabel "T (sequence length)"
set ylabel "ByteDMD cost"
set y2label "misses"
set logscale y2
set ytics nomirror
set y2tics
plot "$csv" using 2:3 skip 1 with linespoints lw 2 title "ByteDMD cost (left)", \
     "" using 2:4 skip 1 axes x1y2 with linespoints title "D1 misses (Callgrind, right)", \
     "" using 2:5 skip 1 axes x1y2 with linespoints title "LL misses (Callgrind, right)"$( [ "$papi_cols" -gt 0 ] && echo ', \
     "" using 2:7 skip 1 axes x1y2 with linespoints title "PAPI L1 DCM (right)", \
     "" using 2:9 skip 1 axes x1y2 with linespoints title "PAPI L3 TCM (right)"' )
unset y2label
unset y2tics
set ytics mirror
set ylabel "relative to T = $T0"
stats "$csv" using 3 skip 1 nooutput name "C"
stats "$csv" using 4 skip 1 nooutput name "D"
stats "$csv" using 5 skip 1 nooutput name "L"
plot "$csv" using 2:(\$3/C_min) skip 1 with linespoints lw 2 title "ByteDMD cost", \
     "" using 2:(\$4/D_min) skip 1 with linespoints title "D1 misses", \
     "" using 2:(\$5/L_min) skip 1 with linespoints title "LL misses", \
     "" using 2:(\$2/$T0) skip 1 with lines dt 2 title "proportional to T"
unset multiplot
EOF
echo "wrote $csv and $OUT/side_by_side.png"
[ "$papi_cols" -gt 0 ] || echo "PAPI cache misses: not countable on this machine (see dmdprof probes); columns left empty"
cut -d, -f2- "$csv" | column -s, -t
