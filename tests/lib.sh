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
# A 64 KiB tmpfs at $tmp/full: a disk that fills after a few writes.  Returns
# 1 when mounting is not permitted here (the caller skips with the reason);
# unmounted on exit.
mount_small_fs() {
  mkdir -p "$tmp/full" && mount -t tmpfs -o size=64k dmdprof-test "$tmp/full" 2>/dev/null || return 1
  trap 'umount "$tmp/full" 2>/dev/null; rm -rf "$tmp"' EXIT
}
