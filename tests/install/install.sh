#!/usr/bin/env bash
# install.sh BUILD_DIR SOURCE_DIR CMAKE -- the install tree from an outside
# program's point of view:
#  1. cmake --install BUILD --prefix P installs the dmdprof binary, libdmd and
#     libdmd_phase static and shared (SONAME libdmd.so.MAJOR), exactly the
#     public headers under P/include/dmdprof, dmdprof.pc, the CMake package
#     and the docs with the examples;
#  2. the tree is then MOVED (P -> P2: the .pc file and the package are
#     relocatable) and the installed examples are copied out and built
#     against it through pkg-config (make) and through find_package (cmake,
#     shared and static), plain and instrumented;
#  3. every build runs; the ByteDMD costs are checked against the numbers
#     PUBLISHED in docs/bytedmd.md (the reference tracer's, not ours): dot
#     product 11 and 12 (with the constant 0), naive matmul 57, 720, 8,867,
#     109,783 (N = 2, 4, 8, 16, T = N); tiled runs (T < N) against the reads
#     count N^2 (4N - 2) and the reference product; plain and instrumented
#     builds print the same numbers.
set -uo pipefail
build=$1 src=$2 cmake=$3
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
P=$tmp/prefix P2=$tmp/moved

"$cmake" --install "$build" --prefix "$P" >"$tmp/install.log" 2>&1 || { bad "cmake --install failed: $(tail -3 "$tmp/install.log")"; finish; exit 1; }
ver=$(sed -n 's/^project(dmdprof VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
major=${ver%%.*}
for f in bin/dmdprof lib/libdmd.a lib/libdmd_phase.a "lib/libdmd.so.$ver" "lib/libdmd_phase.so.$ver" \
         lib/libdmd.so lib/pkgconfig/dmdprof.pc lib/cmake/dmdprof/dmdprofConfig.cmake \
         lib/cmake/dmdprof/dmdprofConfigVersion.cmake lib/cmake/dmdprof/dmdprofTargets.cmake \
         share/doc/dmdprof/README.md share/doc/dmdprof/docs/engine.md share/doc/dmdprof/docs/install.md \
         share/doc/dmdprof/examples/dot/dot.c share/doc/dmdprof/examples/dmd_example.h \
         share/doc/dmdprof/examples/matmul/CMakeLists.txt; do
  if [ -e "$P/$f" ]; then ok; else bad "not installed: $f"; fi
done
headers=$(cd "$P/include/dmdprof" && ls | tr '\n' ' ')
want="dmd.h dmd_engine.h dmd_phase.h dmd_report.h dmd_trace.h "
[ "$headers" = "$want" ] && ok || bad "include/dmdprof holds '$headers', want exactly '$want'"
soname=$(objdump -p "$P/lib/libdmd.so.$ver" | awk '$1 == "SONAME" {print $2}')
[ "$soname" = "libdmd.so.$major" ] && ok || bad "libdmd.so SONAME '$soname', want libdmd.so.$major"
objdump -p "$P/lib/libdmd.so.$ver" | grep -q "NEEDED *libdmd_phase.so.$major" && ok || bad "libdmd.so does not need libdmd_phase.so.$major"
# every exported function of libdmd.so is libdmd's (dmd_ / dmd__), nothing internal leaks
leaks=$(nm -D --defined-only "$P/lib/libdmd.so.$ver" | awk '$2 ~ /[TDBR]/ && $3 !~ /^dmd_/ {print $3}' | tr '\n' ' ')
[ -z "$leaks" ] && ok || bad "libdmd.so exports symbols outside dmd_*: $leaks"
"$P/bin/dmdprof" price "$src/tests/instrument/traces/matvec2.trace" | grep -qx 'cost 26' && ok || bad "installed dmdprof price matvec2.trace is not 26"

mv "$P" "$P2"
ex=$tmp/examples
cp -r "$P2/share/doc/dmdprof/examples" "$ex"
export PKG_CONFIG_PATH=$P2/lib/pkgconfig LD_LIBRARY_PATH=$P2/lib
pcv=$(pkg-config --modversion dmdprof 2>&1) && [ "$pcv" = "$ver" ] && ok || bad "pkg-config --modversion dmdprof: '$pcv', want $ver"
[ -f "$(pkg-config --variable=includedir dmdprof)/dmdprof/dmd.h" ] && ok || bad "pkg-config includedir has no dmdprof/dmd.h after the move"

# builds: name -> directory holding dot, dot_dmd, matmul, matmul_dmd
declare -A dirs
cp -r "$ex" "$tmp/pc"  # make builds in the source directory: a copy of its own
for e in dot matmul; do
  if make -s -C "$tmp/pc/$e" >"$tmp/make_$e.log" 2>&1; then ok; else bad "make (pkg-config) $e: $(tail -5 "$tmp/make_$e.log")"; fi
  for kind in shared static; do
    flag=OFF; [ $kind = static ] && flag=ON
    b=$tmp/cm_${kind}_$e
    if "$cmake" -S "$ex/$e" -B "$b" -DCMAKE_PREFIX_PATH="$P2" -DDMDPROF_STATIC=$flag >"$b.log" 2>&1 &&
       "$cmake" --build "$b" >>"$b.log" 2>&1; then ok; else bad "find_package build ($kind) of $e: $(tail -5 "$b.log")"; fi
  done
done
dirs=([pkg-config]=pc/ [find_package]=cm_shared_ [find_package-static]=cm_static_)
# the shared builds use libdmd.so, the static one does not
for e in dot matmul; do
  objdump -p "$tmp/pc/$e/${e}_dmd" | grep -q 'NEEDED *libdmd.so' && ok || bad "pkg-config ${e}_dmd does not link libdmd.so"
  objdump -p "$tmp/cm_shared_$e/${e}_dmd" | grep -q 'NEEDED *libdmd.so' && ok || bad "find_package ${e}_dmd does not link libdmd.so"
  objdump -p "$tmp/cm_static_$e/${e}_dmd" | grep -q 'NEEDED *libdmd' && bad "static ${e}_dmd links a libdmd .so" || ok
done

# cost of `PROG ARGS` built by way W (instrumented), and the value line plain == instrumented
check() { # check WAY PROG WANT_COST WANT_READS ARGS...
  local way=$1 prog=$2 want=$3 reads=$4; shift 4
  local d=$tmp/${dirs[$way]}$prog what="$way: $prog $*"
  local out plain
  out=$("$d/${prog}_dmd" "$@" 2>&1) || { bad "$what (instrumented) exit $?: $(head -3 <<<"$out")"; return; }
  plain=$("$d/$prog" "$@" 2>&1) || { bad "$what (plain) exit $?: $plain"; return; }
  local line cost nreads
  line=$(grep -m1 '^model ' <<<"$out")
  cost=$(sed -n 's/.*: cost \([0-9]*\),.*/\1/p' <<<"$line")
  nreads=$(sed -n 's/.*, reads \([0-9]*\),.*/\1/p' <<<"$line")
  if [ -n "$want" ]; then
    [ "$cost" = "$want" ] && ok || bad "$what: cost '$cost', published $want"
  fi
  [ "$nreads" = "$reads" ] && ok || bad "$what: reads '$nreads', want $reads"
  local value
  value=$(grep "^$prog N=" <<<"$out")
  [ -n "$value" ] && [ "$value" = "$plain" ] && ok || bad "$what: plain '$plain' vs instrumented '$value'"
  grep -q 'max |C - reference| [1-9]' <<<"$plain" && bad "$what: wrong product: $plain"
  echo "$what: ${line#*: }"
}
for way in pkg-config find_package find_package-static; do
  # docs/bytedmd.md: dot product a[0]*b[0] + a[1]*b[1], a=[0,1], b=[2,3] -> 11; 0 + ... -> 12
  check "$way" dot 11 6 2
  check "$way" dot 12 7 2 --zero
  # docs/bytedmd.md: naive matmul i-j-k, arguments (A, B): 57, 720, 8,867, 109,783
  check "$way" matmul 57 24 2
  check "$way" matmul 720 224 4
  check "$way" matmul 8867 1920 8
  check "$way" matmul 109783 15872 16
done
# tiled (nothing published): the reads count and the product
check pkg-config matmul "" 224 4 2
check pkg-config matmul "" 1920 8 4
check pkg-config matmul "" 8960 16 4 --model lru   # lru: loads only, N^2 (2N + N/T - 1)
check find_package matmul "" 15872 16 8 --model classic
# bad arguments: one line, exit 2
"$tmp/pc/matmul/matmul_dmd" 6 4 >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && ok || bad "matmul 6 4 (tile not a divisor): exit $rc, stderr $(cat "$tmp/err")"
"$tmp/pc/dot/dot_dmd" --model fast >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && ok || bad "dot --model fast: exit $rc, stderr $(cat "$tmp/err")"
finish
