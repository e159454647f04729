#!/bin/sh
# sde_native_avail.sh PAPI_NATIVE_AVAIL LIBDMDPROF_SDE -- papi_native_avail
# lists the names of a run's SDE list (with descriptions) as sde:::dmdprof::NAME.
set -u
D=$(mktemp -d /tmp/dmdp_sdelist.XXXXXX)
trap 'rm -rf "$D"' EXIT
printf 'cost::W_hh::backward\tByteDMD cost of reads of W_hh in backward\nreads::h\treads of h\n' >"$D/list.tsv"
DMDPROF_SDE_LIST="$D/list.tsv" "$1" -sde "$2" >"$D/out" 2>&1 || { cat "$D/out"; echo "FAIL: papi_native_avail exited $?"; exit 1; }
ok=0
grep -q 'sde:::dmdprof::cost::W_hh::backward' "$D/out" && grep -q 'sde:::dmdprof::reads::h' "$D/out" &&
  grep -q 'ByteDMD cost of reads of W_hh in backward' "$D/out" && ok=1
grep -A6 'Component: sde' "$D/out"
[ $ok = 1 ] || { echo "FAIL: names or description not listed"; exit 1; }
echo "sde_native_avail: papi_native_avail lists the SDE names"
