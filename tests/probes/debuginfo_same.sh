#!/usr/bin/env bash
# debuginfo_same.sh OBJ_WITH_G OBJ_WITHOUT_G -- the default build carries -g
# (Callgrind, perf and gdb then show functions and source lines); debug info
# must not change a single instruction of the training kernel.
set -u
dis() { objdump -d --no-show-raw-insn "$1" | grep -v 'file format'; }
a=$(dis "$1") b=$(dis "$2")
n=$(grep -c '^ *[0-9a-f]*:' <<<"$a")
if [ "$n" -lt 100 ]; then echo "FAIL: only $n instructions in $1"; exit 1; fi
if ! objdump -h "$1" | grep -q debug_line; then echo "FAIL: $1 has no .debug_line (is -g in the flags?)"; exit 1; fi
if objdump -h "$2" | grep -q debug_line; then echo "FAIL: $2 has debug info, expected none (-g0)"; exit 1; fi
if [ "$a" = "$b" ]; then
  echo "rnn_kernel: $n instructions, identical with and without -g"
  exit 0
fi
echo "FAIL: instructions differ (-g < > -g0):"
diff <(echo "$a") <(echo "$b") | head -40
exit 1
