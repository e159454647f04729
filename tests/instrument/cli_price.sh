#!/usr/bin/env bash
# cli_price.sh DMDPROF TRACEDIR -- `dmdprof price` and `dmdprof ir` end to end:
# totals, stdin, --json fields, and bad input: exit 2, one line on stderr
# naming FILE:LINE, nothing on stdout.
set -u
P=$1
T=$2
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { # description, condition result
  if [ "$2" = 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi
}

out=$("$P" price "$T/abc.trace"); check "price abc.trace prints cost 6" $(grep -qx 'cost 6' <<<"$out"; echo $?)
out=$("$P" price - < "$T/matvec2.trace"); check "price - (stdin) matvec N=2 prints cost 26" $(grep -qx 'cost 26' <<<"$out"; echo $?)
out=$("$P" price "$T/abc.trace" --bytes-per-element 2 --json)
check "price --json has total cost 14 at 2 bytes" $(/usr/bin/python3 -c 'import json,sys; sys.exit(json.load(sys.stdin)["total"]["cost"] != 14)' <<<"$out"; echo $?)
check "price --json names its schema dmdprof.price/2" $(grep -q '"schema": "dmdprof.price/2"' <<<"$out"; echo $?)
for f in model bytes_per_element total reads bytes_read writes bytes_written mean_depth max_depth hist regions phases cells; do
  check "price --json has field $f" $(grep -q "\"$f\":" <<<"$out"; echo $?)
done
out=$("$P" price "$T/abc.trace" --model classic --json); check "price --model classic" $(grep -q '"model": "classic"' <<<"$out"; echo $?)
out=$("$P" ir "$T/cmp.trace")
check "ir prints the read depths of e > f" $(tr '\n' ' ' <<<"$out" | grep -q 'READ b@2  cost=2   READ c@3  cost=2 .* READ a@2  cost=2   READ d@3  cost=2 .* READ e@2  cost=2   READ f@1  cost=1'; echo $?)
check "ir ends with # total cost = 11" $(tail -1 <<<"$out" | grep -qx '# total cost = 11'; echo $?)

bad() { # description, expected stderr pattern, dmdprof args...
  local d=$1 pat=$2; shift 2
  "$P" "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  local lines; lines=$(wc -l <"$tmp/err")
  if [ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$lines" -eq 1 ] && grep -q -- "$pat" "$tmp/err"; then
    echo "ok   $d: $(cat "$tmp/err")"
  else
    echo "FAIL $d: exit $rc, $lines stderr lines: $(cat "$tmp/err"), stdout: $(head -c 200 "$tmp/out")"; fail=1
  fi
}
printf 'store a\nread a\nfrob a\n' >"$tmp/kw.trace"
printf 'store a\nread a b\n' >"$tmp/unk.trace"
printf 'store a\nstore a\n' >"$tmp/twice.trace"
printf 'store a 1.5\n' >"$tmp/bytes.trace"
printf 'store a\nread a' >"$tmp/cut.trace"
bad "unknown keyword" "kw.trace:3: unknown keyword 'frob'" price "$tmp/kw.trace"
bad "read of unknown ID" "unk.trace:2: read of ID 'b'" price "$tmp/unk.trace"
bad "stored twice" "twice.trace:2: ID 'a' is stored twice" price "$tmp/twice.trace" --json
bad "bad BYTES" "bytes.trace:1: BYTES field '1.5'" price "$tmp/bytes.trace"
bad "truncated" "cut.trace:2: the file ends in the middle of a line" price "$tmp/cut.trace"
bad "truncated (ir)" "cut.trace:2: the file ends in the middle of a line" ir "$tmp/cut.trace"
bad "stdin truncated" "(stdin):2: the file ends" price - <"$tmp/cut.trace"
bad "missing file" "nosuch.trace: cannot open" price "$tmp/nosuch.trace"
bad "no file" "no trace file" price
bad "a value trace under lru" "abc.trace:5: 'store' is a value line; the lru model prices addresses" price "$T/abc.trace" --model lru
bad "an address trace under live" "lru_phases.trace:7: 'input' is an address line" price "$T/lru_phases.trace"
bad "ir has no lru" "--model" ir "$T/abc.trace" --model lru
out=$("$P" price "$T/lru_phases.trace" --model lru); check "price --model lru of an address trace prints cost 33" $(grep -qx 'cost 33' <<<"$out"; echo $?)
out=$("$P" price "$T/phases.trace" --json)
check "price --json keeps the trace's phases (f 3, g 3)" $(/usr/bin/python3 -c '
import json, sys
p = {x["phase"]: x["cost"] for x in json.load(sys.stdin)["phases"]}
sys.exit(not (p.get("f") == 3 and p.get("g") == 3))' <<<"$out"; echo $?)
bad "bytes per element 0" "--bytes-per-element" price "$T/abc.trace" --bytes-per-element 0
bad "unknown option" "unknown option" price "$T/abc.trace" --frob
bad "stdin closed (was cost 0, exit 0)" "standard input is closed" price - <&-
printf 'store a 1 \xff\nread a\n' >"$tmp/utf.trace"
bad "non-UTF-8 region, --json (was 'out of memory')" "utf.trace:1: REGION '\\\\xff' is not printable UTF-8" price "$tmp/utf.trace" --json
printf 'store a\x1b[31m\nread b\x1b[0m\n' >"$tmp/esc.trace"
bad "control bytes are escaped in messages" "read of ID 'b\\\\x1b\[0m'" price "$tmp/esc.trace"
check "no raw ESC byte on stderr" $(! grep -q $'\x1b' "$tmp/err"; echo $?)
# an empty trace prices as 0, with a note on stderr
: >"$tmp/empty.trace"
out=$("$P" price "$tmp/empty.trace" 2>"$tmp/err"); rc=$?
check "empty trace: exit 0, cost 0, one note naming it" \
  $([ $rc -eq 0 ] && grep -qx 'cost 0' <<<"$out" && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q 'empty.trace is an empty trace' "$tmp/err"; echo $?)
exit $fail
