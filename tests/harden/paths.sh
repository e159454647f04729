#!/usr/bin/env bash
# paths.sh SRCDIR -- no absolute path of a development machine in the docs,
# benches and scripts, and no test that makes its temporary files under a
# hard-coded /tmp instead of honouring TMPDIR.
set -u
cd "$1" || exit 2
. tests/lib.sh
hits=$(grep -rnE '/work/|/home/[a-z]' README.md docs bench scripts reports tests --include='*' 2>/dev/null | grep -v '^tests/harden/paths.sh:')
[ -z "$hits" ] && ok || bad "absolute development paths: $hits"
hits=$(grep -rnE 'mktemp( -[a-z]+)* /tmp|"/tmp/[A-Za-z_.-]*X{6}' tests 2>/dev/null | grep -v '^tests/harden/paths.sh:')
[ -z "$hits" ] && ok || bad "temporary files under a hard-coded /tmp: $hits"
finish
