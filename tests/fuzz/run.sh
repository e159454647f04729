#!/usr/bin/env bash
# run.sh SRCDIR WORKDIR SECONDS [TARGET...] -- build the libFuzzer targets with
# clang (ASan + UBSan + libFuzzer) in WORKDIR and run each for SECONDS on its
# seed corpus (tests/fuzz/corpus/TARGET, and tests/instrument/traces for
# trace; never modified: the growing corpus is WORKDIR/corpus/TARGET).  Targets: trace (the dmdtrace reader and the
# engine), ckpt (the checkpoint reader).  Exit 0 nothing found, 1 a finding
# (the input is saved as WORKDIR/findings/TARGET-crash-*, replay it with
# WORKDIR/fuzz_TARGET FILE), 77 the fuzzer cannot be built here (the reason
# is printed; ctest reports a skip).
set -u
src=$1 work=$2 secs=$3
shift 3
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(trace ckpt)
CC=${FUZZ_CC:-clang}
command -v "$CC" >/dev/null || { echo "SKIP: $CC is not installed (scripts/setup installs clang and libclang-rt-14-dev)"; exit 77; }
mkdir -p "$work/findings"
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$work/probe.c"
"$CC" -fsanitize=fuzzer "$work/probe.c" -o "$work/probe" 2>"$work/probe.log" ||
  { echo "SKIP: $CC cannot link -fsanitize=fuzzer (the libFuzzer runtime, Debian libclang-rt-14-dev, is missing): $(head -1 "$work/probe.log")"; exit 77; }
flags=(-g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -I"$src/instrument" -I"$src/core")
build() { # target
  case $1 in
    trace) "$CC" "${flags[@]}" -DDMD_TRACE_CHUNK=64 -DDMD_TRACE_SPILL_WORDS=16 "$src/tests/fuzz/fuzz_trace.c" "$src/instrument/dmd_engine.c" "$src/instrument/dmd_trace.c" \
             "$src/instrument/dmd_phase.c" -lm -o "$work/fuzz_trace" ;;
    # the kernel is linked, never run by the reader: built plain and fast (sanitized, it takes minutes)
    ckpt) "$CC" -O0 -std=c11 -D_GNU_SOURCE -I"$src/instrument" -c "$src/core/rnn_kernel.c" -o "$work/k64.o" &&
          "$CC" -O0 -std=c11 -D_GNU_SOURCE -I"$src/instrument" -DDMD_FLOAT32 -c "$src/core/rnn_kernel.c" -o "$work/k32.o" &&
          "$CC" -O0 -std=c11 -D_GNU_SOURCE -I"$src/instrument" -c "$src/core/rnn_sched.c" -o "$work/s64.o" &&
          "$CC" -O0 -std=c11 -D_GNU_SOURCE -I"$src/instrument" -DDMD_FLOAT32 -c "$src/core/rnn_sched.c" -o "$work/s32.o" &&
          "$CC" -O0 -std=c11 -D_GNU_SOURCE -I"$src/instrument" -c "$src/core/rnn_lstm.c" -o "$work/l64.o" &&
          "$CC" -O0 -std=c11 -D_GNU_SOURCE -I"$src/instrument" -DDMD_FLOAT32 -c "$src/core/rnn_lstm.c" -o "$work/l32.o" &&
          "$CC" -O0 -std=c11 -D_GNU_SOURCE -I"$src/instrument" -c "$src/core/rnn_gru.c" -o "$work/g64.o" &&
          "$CC" -O0 -std=c11 -D_GNU_SOURCE -I"$src/instrument" -DDMD_FLOAT32 -c "$src/core/rnn_gru.c" -o "$work/g32.o" &&
          "$CC" "${flags[@]}" "$src/tests/fuzz/fuzz_ckpt.c" "$src/core/ckpt.c" "$src/core/model.c" "$src/core/cells.c" "$src/core/cells_gru.c" "$src/core/cells_lstm.c" "$src/core/rng.c" \
             "$src/core/tasks.c" "$src/core/linalg.c" "$src/instrument/dmd_phase.c" "$src/instrument/dmd_csv.c" "$work/k64.o" "$work/k32.o" "$work/s64.o" "$work/s32.o" "$work/l64.o" "$work/l32.o" "$work/g64.o" "$work/g32.o" \
             -llapacke -llapack -lblas -lm -o "$work/fuzz_ckpt" ;;
    *) echo "run.sh: unknown target '$1' (trace, ckpt)" >&2; exit 2 ;;
  esac
}
rc=0
for t in "${targets[@]}"; do
  build "$t" 2>"$work/build-$t.log" || { echo "FAIL: building fuzz_$t:"; cat "$work/build-$t.log"; exit 1; }
  mkdir -p "$work/corpus/$t"
  seeds=("$src/tests/fuzz/corpus/$t")
  [ "$t" = trace ] && seeds+=("$src/tests/instrument/traces") # the engine tests' hand-written traces
  # -rss/-malloc limit above the 2 GiB a valid configuration may allocate (calloc: untouched pages)
  "$work/fuzz_$t" -max_total_time="$secs" -timeout=20 -rss_limit_mb=3072 -malloc_limit_mb=3072 -print_final_stats=1 -error_exitcode=1 \
    -artifact_prefix="$work/findings/$t-" "$work/corpus/$t" "${seeds[@]}" >"$work/fuzz-$t.log" 2>&1
  r=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/fuzz-$t.log" | grep -o '[0-9]*$')
  if [ $r -ne 0 ]; then
    echo "FAIL: fuzz_$t found a problem (exit $r) after ${runs:-?} inputs; log $work/fuzz-$t.log:"
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written|malformed|accepted|refus|classic|live' "$work/fuzz-$t.log" | head -20
    rc=1
  else
    echo "ok   fuzz_$t: ${runs:-?} inputs in ${secs} s, nothing found (corpus $(ls "$work/corpus/$t" | wc -l) files)"
  fi
done
exit $rc
