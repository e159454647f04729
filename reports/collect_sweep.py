"""collect_sweep.py JOBS STORE CSV -- one row per job of a sweep's job list
(scripts/sweep calls it).  A job without STORE/NAME/job.json is "pending"
(its figures are empty, never 0); the CSV is written to a temporary name and
renamed, so it is never half-written.  Exit 1 when a job is still pending."""
import os
import sys

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dmdresults as R  # noqa: E402

SCHEMA = "dmdprof.sweep/1"
COLS = ["id", "name", "task", "cell", "T", "H", "init", "seed", "epochs", "batches_per_epoch",
        "batch", "lr", "gate_bias", "model", "status", "solved_epoch", "final_metric", "epochs_run", "cost_per_step",
        "bytes_read_per_step", "steps_to_solution", "cost_to_solution", "cost_of_run", "host", "run_dir"]


def main(jobs, store, out):
    rows, bad = [], []
    for line in open(jobs):
        if not line.strip():
            continue
        jid, name, model, *kv = line.split()
        row = dict(kv.split("=", 1) for kv in kv)
        row.update(id=jid, name=name, model=model, status="pending")
        d = os.path.abspath(os.path.join(store, name))
        row["run_dir"] = d
        if os.path.exists(os.path.join(d, "job.json")):
            try:
                _, _, job = R.read_json(os.path.join(d, "job.json"))
                _, _, run = R.read_json(os.path.join(d, "run.json"))
                row.update(status=job["status"], host=job.get("host"), solved_epoch=run.get("solved_epoch"),
                           final_metric=run.get("final_metric"), epochs_run=run.get("epochs_run"))
                if job["status"] != "diverged":
                    _, _, s = R.read_json(os.path.join(d, f"dmd_to_solution_{model}.json"))
                    for k in ("cost_per_step", "bytes_read_per_step", "steps_to_solution", "cost_to_solution",
                              "cost_of_run"):
                        row[k] = R.get(s, k)
            except (R.BadInput, TypeError, KeyError) as e:
                bad.append(f"{d}: {e}")
                row["status"] = "unreadable"
        rows.append(row)
    R.write_csv(out, SCHEMA, COLS, rows)
    pending = sum(r["status"] in ("pending", "unreadable") for r in rows)
    solved = sum(r["status"] == "solved" for r in rows)
    for b in bad:
        print(f"sweep: {b}", file=sys.stderr)
    print(f"sweep: {len(rows) - pending} of {len(rows)} jobs done, {solved} solved -> {out}"
          + (f"; {pending} not done (re-run the same command to finish them)" if pending else ""), file=sys.stderr)
    return 1 if pending else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
