#!/usr/bin/env bash
# The Slurm job-array script of a sweep: generated from the same job list as
# the GNU parallel sweep, each array task run here by hand
# (SLURM_ARRAY_TASK_ID=i), then `--collect`: the job list, the array size and
# the collected CSV equal those of the parallel sweep of the same grid.
# usage: sweep_slurm.sh SWEEP DMDPROF
set -u
sweep=$1 dmdprof=$2
. "$(dirname "$0")/../lib.sh"
args=(--tasks "3bit_memorization addition" --T "6 9" --H "4" --inits "ortho random" --seeds "0" --epochs 2
      --batches-per-epoch 2 --batch 4 --model lru --dmdprof "$dmdprof")
"$sweep" --out "$tmp/par" "${args[@]}" --jobs 2 2>"$tmp/par.log" || bad "parallel sweep failed: $(tail -2 "$tmp/par.log")"
"$sweep" --out "$tmp/sl" "${args[@]}" --slurm "$tmp/sl/array.sbatch" 2>"$tmp/sl.log" || bad "--slurm failed: $(cat "$tmp/sl.log")"
[ ! -e "$tmp/sl/sweep.csv" ] && [ -z "$(ls "$tmp/sl/runs" 2>/dev/null)" ] && ok || bad "--slurm ran jobs"
cmp -s "$tmp/par/jobs.txt" "$tmp/sl/jobs.txt" && ok || bad "the Slurm job list differs from the sweep's"
n=$(wc -l <"$tmp/par/jobs.txt")
grep -q "^#SBATCH --array=1-$n\$" "$tmp/sl/array.sbatch" && ok || bad "array size is not 1-$n: $(grep array= "$tmp/sl/array.sbatch")"
bash -n "$tmp/sl/array.sbatch" && ok || bad "the Slurm script is not valid bash"
# outside an array task it refuses (exit non-zero, says why)
bash "$tmp/sl/array.sbatch" >/dev/null 2>"$tmp/err" && bad "ran outside a Slurm array" || ok
for i in $(seq 1 "$n"); do
  SLURM_ARRAY_TASK_ID=$i bash "$tmp/sl/array.sbatch" >>"$tmp/tasks.log" 2>&1 || bad "array task $i failed: $(tail -1 "$tmp/tasks.log")"
done
# an array task run twice (Slurm requeue) does not redo the job
SLURM_ARRAY_TASK_ID=1 bash "$tmp/sl/array.sbatch" 2>&1 | grep -q "done before" && ok || bad "a requeued array task redid its job"
SLURM_ARRAY_TASK_ID=$((n + 1)) bash "$tmp/sl/array.sbatch" >/dev/null 2>&1 && bad "array task $((n + 1)) of $n ran" || ok
"$sweep" --out "$tmp/sl" "${args[@]}" --collect 2>"$tmp/col.log" || bad "--collect failed: $(cat "$tmp/col.log")"
python3 - "$tmp/par" "$tmp/sl" <<'PY' && ok || bad "the array's sweep.csv differs from the parallel sweep's"
import csv, os, sys
a, b = (list(csv.DictReader(open(os.path.join(d, "sweep.csv")))) for d in sys.argv[1:3])
assert len(a) == len(b) == 8
assert [r["id"] for r in a] == [r["id"] for r in b]
for r, s in zip(a, b):
    for c in ("status", "solved_epoch", "final_metric", "cost_per_step", "cost_to_solution", "cost_of_run"):
        assert r[c] == s[c], (r["name"], c, r[c], s[c])
    assert open(os.path.join(sys.argv[1], "runs", r["name"], "history.csv")).read() == \
           open(os.path.join(sys.argv[2], "runs", s["name"], "history.csv")).read()
PY
finish
