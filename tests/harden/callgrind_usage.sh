#!/usr/bin/env bash
# callgrind_usage.sh DMDPROF -- `dmdprof callgrind -- CMD` whose command refuses
# its arguments passes the command's one line and exit 2 through, and writes
# nothing (it exited 1 with ten lines and wrote result files).
set -u
P=$1
. "$(dirname "$0")/../lib.sh"
command -v valgrind >/dev/null || { echo "SKIP: valgrind is not installed"; exit 77; }
for args in "nosuchsub" "train -H 0"; do
  # shellcheck disable=SC2086
  "$P" callgrind --out "$tmp/cg" -- $args >"$tmp/out" 2>"$tmp/err"; rc=$?
  if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && [ ! -e "$tmp/cg" ] && [ ! -s "$tmp/out" ]; then
    ok; echo "ok   callgrind -- $args: exit 2, nothing written: $(cat "$tmp/err")"
  else
    bad "callgrind -- $args: exit $rc, $(wc -l <"$tmp/err") stderr lines, $(ls "$tmp/cg" 2>/dev/null | wc -l) files: $(head -c 300 "$tmp/err")"
  fi
  rm -rf "$tmp/cg"
done
finish
