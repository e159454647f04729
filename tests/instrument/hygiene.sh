#!/usr/bin/env bash
# hygiene.sh CC INCLUDE_DIR LIBDMD LIBDMD_PHASE [EXTRA_FLAGS...]
# dmd.h's names under DMD_NO_SHORT_NAMES: hygiene.c (with <sys/param.h>,
# which defines MAX) compiles with -Werror plain and instrumented, with
# <sys/param.h> before and after dmd.h, and runs (the instrumented one prices
# the published dot product, 11).  dmd_phase.h compiles alone without any of
# dmd.h's macros.  Control: the same file with the short names left on must
# FAIL to compile (MAX redefined), or this test could not see a collision.
set -uo pipefail
cc=$1 inc=$2 libdmd=$3 libphase=$4
shift 4
extra=("$@")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
flags=(-std=c11 -Wall -Wextra -Wpedantic -Werror -I"$inc" "${extra[@]}")
for order in param_first dmd_first; do
  def=(); [ $order = param_first ] && def=(-DHYG_PARAM_FIRST)
  for build in plain instrumented; do
    what="hygiene.c $build, <sys/param.h> ${order/_/ }"
    bdef=(); libs=("$libphase")
    [ $build = instrumented ] && { bdef=(-DDMD_INSTRUMENT); libs=("$libdmd" "$libphase" -ljansson); }
    if ! "$cc" "${flags[@]}" "${def[@]}" "${bdef[@]}" "$here/hygiene.c" "${libs[@]}" -lm -o "$tmp/h" 2>"$tmp/err"; then
      bad "$what does not compile with -Werror:"; cat "$tmp/err" >&2; continue
    fi
    if "$tmp/h" >"$tmp/out"; then ok; else bad "$what: wrong result: $(cat "$tmp/out")"; fi
    echo "$what: $(tr '\n' ' ' <"$tmp/out")"
  done
done
if "$cc" "${flags[@]}" "$here/hygiene_phase.c" "$libphase" -o "$tmp/p" 2>"$tmp/err" && "$tmp/p"; then ok
else bad "dmd_phase.h alone:"; cat "$tmp/err" >&2; fi
# control: short names on (the #error on short names removed by -DLD-free copy)
sed -e 's/^#define DMD_NO_SHORT_NAMES$//' -e '/^#if defined(LD)/,/^#endif/d' "$here/hygiene.c" >"$tmp/short.c"
if "$cc" "${flags[@]}" -DHYG_PARAM_FIRST -c "$tmp/short.c" -o "$tmp/short.o" 2>"$tmp/err"; then
  bad "control: dmd.h with short names and <sys/param.h> compiled cleanly (expected 'MAX' redefined)"
elif grep -qiE 'MAX.{0,3} (macro )?redefined' "$tmp/err"; then ok; echo "control: short names + <sys/param.h> fail as expected (MAX redefined)"
else bad "control failed for another reason:"; cat "$tmp/err" >&2; fi
finish
