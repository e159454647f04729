#!/usr/bin/env bash
# bench/engine.sh [BUILD_DIR] -- speed figures of the ByteDMD engine (no
# pass/fail: it prints numbers).  Needs the engine_bench and dmdprof targets:
#   cmake --build BUILD_DIR --target engine_bench dmdprof
# 1. the 1,040,384-read naive 64x64 matmul trace, priced under live by
#    `dmdprof price` (wall clock of the whole process, parsing included), best of 5;
# 2. the same in-process (engine_bench trace), with CPU time;
# 3. hooks, no file: a BPTT-shaped tanh RNN kernel (T=60, B=25, H=64, I=8:
#    about 10^5 live elements) under live, classic and lru;
# 4. hooks writing the dmdtrace v2 of what is priced (DMD_TRACE_OUT).
set -euo pipefail
B=${1:-build}
EB=$B/tests/instrument/engine_bench
P=$B/dmdprof
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$EB" gen 64 "$tmp/mm64.trace"
echo "trace size: $(stat -c %s "$tmp/mm64.trace") bytes"
if [ -x "$P" ]; then
  best=
  for i in 1 2 3 4 5; do
    s=$(date +%s.%N); "$P" price "$tmp/mm64.trace" >"$tmp/out"; e=$(date +%s.%N)
    t=$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.6f", e - s }')
    if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
  done
  printf 'dmdprof price mm64.trace (live): %s, best of 5 wall %.3f s\n' "$(sed -n 2p "$tmp/out")" "$best"
fi
"$EB" trace "$tmp/mm64.trace" live
"$EB" trace "$tmp/mm64.trace" classic
"$EB" hooks live 60 25 64
"$EB" hooks classic 10 25 64   # classic keeps every value: smaller T
"$EB" hooks lru 60 25 64
# 4. the same kernel with the trace writer on (an observer of the pricing pass): dmdtrace v2 to a file
DMD_TRACE_OUT=$tmp/h.trace "$EB" hooks live 10 5 64
echo "  (trace written: $(stat -c %s "$tmp/h.trace") bytes)"
DMD_TRACE_OUT=$tmp/h.trace "$EB" hooks lru 10 5 64
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (figures are wall and CPU time of this process)"
