#!/usr/bin/env bash
# One 3-step addition run (T 30) of a peer system: one output line with
# positive times and a finite loss; bad usage exits 2.
#   usage: peers_smoke.sh PEERS_PY numpy|torch
set -u
. "$(dirname "$0")/../lib.sh"
peers=$1 sys=$2
py=/usr/bin/python3
[ -x "$py" ] || py=python3
mod=$sys
if ! "$py" -c "import $mod" 2> /dev/null; then
  echo "SKIP: python module '$mod' not installed (apt-get install -y python3-$sys)"
  exit 77
fi
for init in ortho; do
  line=$("$py" "$peers" "$sys" addition "$init" 30 --epochs 1 --batches-per-epoch 3 2> "$tmp/err") || { bad "$sys $init: exit $? ($(cat "$tmp/err"))"; continue; }
  echo "$line"
  echo "$line" | awk -v s="$sys" -v i="$init" '$1 == s && $2 == "addition" && $3 == i && $4 == 30 && $5 > 0 && $6 > 0 && $7 + 0 == $7 && $7 > 0 && $7 < 10 { ok = 1 } END { exit !ok }' &&
    ok || bad "$sys $init: unexpected line '$line'"
done
"$py" "$peers" "$sys" nosuchtask ortho 30 > /dev/null 2>&1
[ $? -eq 2 ] && ok || bad "unknown task should exit 2"
finish
