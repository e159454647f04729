#!/usr/bin/env bash
# scripts/demo --quick end to end (tiny sizes): every step runs, the report is
# written, the demo ends by printing the findings and the path of index.html;
# run again, nothing is redone.  usage: demo_quick.sh DEMO DMDPROF
set -u
demo=$1 dmdprof=$2
. "$(dirname "$0")/../lib.sh"
OUT=$tmp/d bash "$demo" --quick --dmdprof "$dmdprof" >"$tmp/log" 2>&1 || bad "demo --quick failed: $(tail -5 "$tmp/log")"
last=$(tail -1 "$tmp/log")
[ "$last" = "report: $tmp/d/report/index.html" ] && [ -s "$tmp/d/report/index.html" ] && ok ||
  bad "the demo's last line is not the path of index.html: '$last'"
grep -q "^headline findings:" "$tmp/log" && grep -q "^  - headline, ortho: [0-9]* of 9 runs solved" "$tmp/log" && ok ||
  bad "no headline findings printed"
for s in 1 2 3 4 5 6 7 8; do grep -q "^== $s\. " "$tmp/log" || bad "step $s not shown"; done; ok
# step 6: one GRU and one LSTM size measured (when this build has them), their cells sweep
have=" $("$dmdprof" measure --cell '?' 2>&1 | sed -n 's/.*choose one of: \([^)]*\)).*/\1/p' | tr -d ',' || true) "
if [[ $have == *" gru "* && $have == *" lstm "* ]]; then
  for c in gru lstm; do
    for m in live lru; do
      python3 -c "import json,sys; j=json.load(open(sys.argv[1])); assert j['config']['cell'] == sys.argv[2]" \
        "$tmp/d/measure/3bit_memorization_T6_H8_${c}_$m.json" "$c" 2>/dev/null && ok || bad "demo did not measure $c ($m)"
    done
  done
  [ "$(grep -c ',lstm,.*,\(solved\|unsolved\),' "$tmp/d/sweep_cells/sweep.csv")" -gt 0 ] && ok || bad "sweep_cells has no lstm runs"
else
  grep -q "no gru and lstm cells" "$tmp/log" && ok || bad "step 6 did not say the cells are missing"
fi
for d in sweep_T sweep_H; do
  [ "$(grep -c ',solved,\|,unsolved,' "$tmp/d/$d/sweep.csv")" -gt 0 ] && ok || bad "$d/sweep.csv has no runs"
done
OUT=$tmp/d bash "$demo" --quick --dmdprof "$dmdprof" >"$tmp/log2" 2>&1 || bad "second demo --quick failed"
grep -q "to run" "$tmp/log2" && bad "the second demo re-ran sweep jobs" || ok
finish
