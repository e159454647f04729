# tests/lib.sh -- what the shell tests share (source it): a temporary
# directory removed on exit, pass/fail counters, and the closing line that
# ctest and CI read ("N passed, N failed"; non-zero status on any failure).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
