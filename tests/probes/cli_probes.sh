#!/bin/sh
# cli_probes.sh DMDPROF -- `dmdprof probes` lists every event with a verdict
# and exits 0; bad usage of `dmdprof callgrind` is one line and exit 2.
set -u
DMDPROF=$1
fail() { echo "FAIL: $*"; exit 1; }
out=$("$DMDPROF" probes --papi-events "PAPI_TOT_INS,BOGUS_EVENT_XYZ,default") || fail "probes exited $?"
echo "$out"
echo "$out" | grep -q "BOGUS_EVENT_XYZ .*\(no such event\|not built with PAPI\)" || fail "no verdict for BOGUS_EVENT_XYZ"
echo "$out" | grep -q "PAPI_L3_TCM" || fail "'default' not expanded"
echo "$out" | grep -q "event(s) countable here" || fail "no count line"
echo "$out" | grep -q "^Callgrind client requests:" || fail "no Callgrind line"
echo "$out" | grep -q "^Cachegrind per phase: .*dmdprof callgrind" || fail "no Cachegrind line"
# no hint that sends the user back to the command they are running
echo "$out" | grep -q "dmdprof probes" && fail "the report refers to 'dmdprof probes' itself"
# a machine whose kernel exposes no CPU PMU is diagnosed, with what would help
if [ -d /sys/bus/event_source/devices ] && ! ls /sys/bus/event_source/devices | grep -Eq '^(cpu|cpu_.*|armv.*|arm_.*)$'; then
  echo "$out" | grep -q "^hardware counters: no CPU PMU .*bare metal.*perf_event_paranoid" || fail "no PMU diagnosis on a PMU-less machine"
fi
out=$(DMDP_POWERCAP_DIR=/nonexistent/pc "$DMDPROF" probes --papi-events energy) || fail "probes exited $?"
echo "$out" | grep -q "^energy: unavailable: no /nonexistent/pc" || fail "energy unavailability not reported: $out"
out=$("$DMDPROF" probes --papi-events "PAPI_TOT_INS=bogus") || fail "probes exited $?"
echo "$out" | grep -q "PAPI_TOT_INS .*unknown qualifier '=bogus'" || fail "bad qualifier not reported"

usage() { # expected-exit args...
  want=$1; shift
  err=$("$DMDPROF" "$@" 2>&1 >/dev/null); rc=$?
  [ $rc = "$want" ] || fail "'$*' exited $rc, want $want ($err)"
  [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || fail "'$*': want one line, got: $err"
  echo "dmdprof $* -> $err"
}
usage 2 callgrind --out /tmp
usage 2 callgrind --ll 12,x,64 -- train
usage 2 callgrind --bogus -- train
usage 2 callgrind --exe /nonexistent/prog
usage 2 callgrind -- callgrind -- train
usage 2 probes --bogus
echo "cli_probes: all checks passed"
