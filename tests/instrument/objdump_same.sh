#!/usr/bin/env bash
# objdump_same.sh OBJ_HOOKS_OFF OBJ_PLAIN -- the kernel written with the dmd.h
# hooks, built with instrumentation off, must compile to exactly the same
# instructions as the same kernel written in plain C.
set -u
a=$(objdump -d --no-show-raw-insn "$1" | sed -n '/<zc_kernel>:/,$p')
b=$(objdump -d --no-show-raw-insn "$2" | sed -n '/<zc_kernel>:/,$p')
n=$(grep -c '^ *[0-9a-f]*:' <<<"$a")
if [ -z "$a" ] || [ "$n" -lt 10 ]; then echo "FAIL: no zc_kernel code found in $1"; exit 1; fi
if [ "$a" = "$b" ]; then
  echo "zc_kernel: $n instructions, identical with hooks off and in plain C"
  exit 0
fi
echo "FAIL: instructions differ (hooks off < > plain C):"
diff <(echo "$a") <(echo "$b") | head -40
exit 1
