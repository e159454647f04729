#!/usr/bin/env bash
# scripts/sweep past one machine: GNU parallel over ssh against an sshd this
# test starts on 127.0.0.1 (throwaway host and user keys, a free port, killed
# at the end).  Transfer mode (job runner sent with --transferfile, run
# directory returned by rsync, remote copy cleaned) and --shared-fs mode:
# every job ran through ssh, and the results equal a local sweep's.
# Exit 77 (ctest: skipped) with the reason when sshd/ssh/rsync are missing or
# sshd cannot start here.  usage: sweep_ssh.sh SWEEP DMDPROF
set -u
sweep=$1 dmdprof=$2
. "$(dirname "$0")/../lib.sh"
skip() { echo "SKIP: $*"; exit 77; }
sshd=$(command -v sshd || echo /usr/sbin/sshd)
[ -x "$sshd" ] || skip "no sshd (apt-get install openssh-server; scripts/setup tries it)"
command -v ssh >/dev/null || skip "no ssh client (apt-get install openssh-client)"
command -v rsync >/dev/null || skip "no rsync (apt-get install rsync)"
k=$tmp/ssh
mkdir -p "$k" && chmod 700 "$k"
ssh-keygen -q -t ed25519 -N '' -f "$k/host_key" && ssh-keygen -q -t ed25519 -N '' -f "$k/id" || skip "ssh-keygen failed"
cp "$k/id.pub" "$k/authorized_keys" && chmod 600 "$k/authorized_keys"
# sshd needs its privilege-separation directory (root creates it)
[ -d /run/sshd ] || mkdir -p /run/sshd 2>/dev/null || skip "cannot create /run/sshd (needs root)"
sshd_pid=
trap '[ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
user=$(id -un)
for try in 1 2 3; do
  port=$((20000 + RANDOM % 30000))
  cat >"$k/sshd_config" <<CFG
Port $port
ListenAddress 127.0.0.1
HostKey $k/host_key
AuthorizedKeysFile $k/authorized_keys
PidFile $k/sshd.pid
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers $user
UsePAM no
StrictModes no
CFG
  "$sshd" -D -e -f "$k/sshd_config" 2>"$k/sshd.log" &
  sshd_pid=$!
  sshcmd="ssh -p $port -i $k/id -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
  for _ in $(seq 50); do
    $sshcmd "$user@127.0.0.1" true 2>/dev/null && break 2
    kill -0 "$sshd_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill "$sshd_pid" 2>/dev/null; wait "$sshd_pid" 2>/dev/null; sshd_pid=
done
[ -n "$sshd_pid" ] || skip "sshd did not start on 127.0.0.1: $(tail -1 "$k/sshd.log")"
echo "sshd on 127.0.0.1:$port (pid $sshd_pid)"
echo "1/$sshcmd $user@127.0.0.1" >"$k/hosts"
args=(--tasks 3bit_memorization --T "6" --H "4" --inits "ortho random" --seeds "0" --epochs 2
      --batches-per-epoch 2 --batch 4 --model lru --dmdprof "$dmdprof")
"$sweep" --out "$tmp/local" "${args[@]}" --jobs 2 2>"$tmp/local.log" || bad "local sweep failed: $(tail -2 "$tmp/local.log")"
check() {   # check DIR MODE: 2 rows, every job through ssh, results = the local sweep's
  python3 - "$tmp/local" "$1" <<'PY' && ok || bad "$2: results differ from the local sweep or did not run over ssh"
import csv, json, os, sys
a, b = (list(csv.DictReader(open(os.path.join(d, "sweep.csv")))) for d in sys.argv[1:3])
assert len(a) == len(b) == 2, (len(a), len(b))
for r, s in zip(a, b):
    assert r["id"] == s["id"] and r["status"] == s["status"] and r["cost_per_step"] == s["cost_per_step"]
    job = json.load(open(os.path.join(sys.argv[2], "runs", s["name"], "job.json")))
    assert job["ssh_connection"] and job["ssh_connection"].startswith("127.0.0.1"), job
    for f in ("history.csv", "dmd_to_solution_lru.json"):
        x = open(os.path.join(sys.argv[1], "runs", r["name"], f)).read()
        y = open(os.path.join(sys.argv[2], "runs", s["name"], f)).read()
        if f.endswith(".json"):
            x, y = ({k: v for k, v in json.loads(t).items() if k != "run_dir"} for t in (x, y))
        assert x == y, (s["name"], f)
PY
}
ls -A ~/.parallel/tmp 2>/dev/null | sort >"$k/wd_before"
"$sweep" --out "$tmp/remote" "${args[@]}" --jobs 2 --sshloginfile "$k/hosts" 2>"$tmp/remote.log" ||
  bad "sweep over ssh (transfer mode) failed: $(tail -3 "$tmp/remote.log")"
check "$tmp/remote" "transfer mode"
ls -A ~/.parallel/tmp 2>/dev/null | sort >"$k/wd_after"
cmp -s "$k/wd_before" "$k/wd_after" && ok || bad "remote work directories left behind: $(comm -13 "$k/wd_before" "$k/wd_after")"
"$sweep" --out "$tmp/shared" "${args[@]}" --jobs 2 --sshloginfile "$k/hosts" --shared-fs 2>"$tmp/shared.log" ||
  bad "sweep over ssh (--shared-fs) failed: $(tail -3 "$tmp/shared.log")"
check "$tmp/shared" "shared-fs mode"
# a re-run over ssh does nothing
"$sweep" --out "$tmp/remote" "${args[@]}" --jobs 2 --sshloginfile "$k/hosts" 2>"$tmp/again.log" &&
  grep -q "2 of 2 jobs done" "$tmp/again.log" && ! grep -q "to run" "$tmp/again.log" && ok || bad "re-run over ssh: $(cat "$tmp/again.log")"
finish
