#!/usr/bin/env bash
# scripts/sweep --cells "vanilla gru lstm" end to end on a tiny grid: every job trains its own
# cell (run.json and the checkpoint say which), the job identity and the run directory name
# include the cell (three cells -> three jobs per point, distinct ids), sweep.csv has the cell
# column, the per-step cost is the cell's own (the gated cells cost more than vanilla at the
# same size), and an init without meaning for a cell is refused before anything runs (exit 2,
# one line naming the inits of each cell).  Skipped (77) when this build has no gru or lstm.
# usage: sweep_cells.sh SWEEP DMDPROF
set -u
sweep=$1 dmdprof=$2
. "$(dirname "$0")/../lib.sh"
cells=$("$dmdprof" measure --cell '?' 2>&1 | sed -n 's/.*choose one of: \([^)]*\)).*/\1/p' | tr -d ',' || true)
for c in gru lstm; do
  case " $cells " in *" $c "*) ;; *) echo "skipped: this dmdprof has no $c cell (cells: $cells)"; exit 77 ;; esac
done
"$sweep" --out "$tmp/s" --tasks 3bit_memorization --T "6 8" --H 4 --inits "ortho random" --seeds 0 \
  --cells "vanilla gru lstm" --epochs 2 --batches-per-epoch 2 --batch 4 --model lru --jobs 2 --dmdprof "$dmdprof" \
  2>"$tmp/log" || bad "sweep --cells failed: $(tail -3 "$tmp/log")"
python3 - "$tmp/s" <<'PY' && ok || bad "the cells did not go through the sweep"
import csv, json, os, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(os.path.join(d, "sweep.csv"))))
assert len(rows) == 12, len(rows)                        # 3 cells x 2 T x 2 inits x 1 seed
assert len({r["id"] for r in rows}) == 12
for r in rows:
    run = json.load(open(os.path.join(d, "runs", r["name"], "run.json")))
    got = run.get("cell", run.get("config", {}).get("cell", "vanilla"))
    assert got == r["cell"], (r["name"], got)
    assert f"-{r['cell']}-" in r["name"], r["name"]
    assert r["status"] in ("solved", "unsolved") and int(r["cost_per_step"]) > 0, r
cost = {(r["cell"], r["T"]): int(r["cost_per_step"]) for r in rows}
for T in ("6", "8"):
    assert cost[("vanilla", T)] < cost[("gru", T)] and cost[("vanilla", T)] < cost[("lstm", T)], cost
# the same point of the three cells differs only in the cell, and the id hashes it
lines = [l.split() for l in open(os.path.join(d, "jobs.txt"))]
kv = {l[0]: [x for x in l[3:] if not x.startswith("cell=")] for l in lines}
assert len({tuple(v) for v in kv.values()}) == 4, kv       # 4 points, each under 3 ids
PY
# the cell is part of the identity: growing the cell list runs only the new cell's jobs
"$sweep" --out "$tmp/s" --tasks 3bit_memorization --T "6 8" --H 4 --inits "ortho random" --seeds 0 \
  --cells "vanilla gru" --epochs 2 --batches-per-epoch 2 --batch 4 --model lru --jobs 2 --dmdprof "$dmdprof" \
  2>"$tmp/log2" || bad "second sweep failed"
! grep -q "to run" "$tmp/log2" && [ "$(($(wc -l <"$tmp/s/sweep.csv") - 1))" = 8 ] && ok ||
  bad "a subset of the cells redid jobs or listed others: $(grep 'jobs' "$tmp/log2")"
# an init without meaning for a gated cell: refused up front, one line, nothing written
"$sweep" --out "$tmp/bad" --tasks 3bit_memorization --T 6 --H 4 --inits identity --cells gru --dmdprof "$dmdprof" \
  >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "identity" "$tmp/err" && grep -q "gru" "$tmp/err" &&
  [ ! -e "$tmp/bad" ] && ok || bad "--cells gru --inits identity: rc $rc, stderr: $(cat "$tmp/err")"
finish
