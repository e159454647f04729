#!/usr/bin/env bash
# test_cli.sh DMDPROF WORKDIR -- dmdprof train / headline end to end:
#   determinism (same seed -> identical history.csv bytes), 1 vs 2 headline
#   workers identical, checkpoint round trip (resume == uninterrupted, also
#   from a run stopped mid-epoch by --max-steps), truncated / corrupt /
#   missing checkpoints refused, NaN -> status "diverged" + exit 1, and every
#   bad-input case: exit 2, exactly one line on stderr, nothing written.
set -u
bin=$1
work=$2
data=$(cd "$(dirname "$0")" && pwd)/data # checkpoints written by older builds (data/README)
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
fails=0
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
small=(-T 10 -H 8 --batch 4 --batches-per-epoch 3 --quiet)

# --- determinism --------------------------------------------------------
"$bin" train --task 3bit_memorization "${small[@]}" --epochs 4 --seed 7 --out d1 || fail "train d1"
"$bin" train --task 3bit_memorization "${small[@]}" --epochs 4 --seed 7 --out d2 || fail "train d2"
if cmp -s d1/history.csv d2/history.csv && cmp -s d1/model.ckpt d2/model.ckpt; then
  pass "same seed -> identical history.csv and model.ckpt"
else fail "same seed gave different outputs"; fi
"$bin" train --task 3bit_memorization "${small[@]}" --epochs 4 --seed 8 --out d3 || fail "train d3"
if cmp -s d1/history.csv d3/history.csv; then fail "another seed gave the same history"; else pass "another seed -> another history"; fi
[ "$(wc -l < d1/history.csv)" = 5 ] && pass "history has a header and 4 epochs" || fail "history length $(wc -l < d1/history.csv)"
# both histories name their schema on every row, and the long one holds exactly the wide one's numbers
/usr/bin/python3 - d1/history.csv d1/history_long.csv <<'PY' && pass "history_long.csv = history.csv, schema on every row" || fail "history_long.csv"
import csv, sys
wide, long_ = (list(csv.DictReader(open(p, newline=""))) for p in sys.argv[1:3])
assert {r["schema"] for r in wide} == {"dmdprof.history/1"} and {r["schema"] for r in long_} == {"dmdprof.history_long/1"}
assert len(wide) == 4 and list(long_[0]) == ["schema", "epoch", "metric", "value"], long_[0]
cols = [c for c in wide[0] if c not in ("schema", "epoch")]
assert "accuracy" in cols and len(long_) == 4 * len(cols), (cols, len(long_))
got = {(r["epoch"], r["metric"]): r["value"] for r in long_}
assert all(got[(w["epoch"], c)] == w[c] for w in wide for c in cols)
PY
grep -q '"status": "' d1/run.json && grep -q '"final_metric"' d1/run.json && grep -q '"solved_epoch"' d1/run.json \
  && grep -q '"wall_seconds"' d1/run.json && grep -q '"config"' d1/run.json && pass "run.json has the required keys" \
  || fail "run.json keys"
"$bin" train --task addition "${small[@]}" --epochs 2 --precision float32 --nesterov --momentum-schedule \
  --lr-schedule plateau --out f32 && pass "float32 + nesterov + schedules run" || fail "float32 run"

# --- kernel clones (DMDPROF_ISA): recorded in run.json, identical bytes ----
tiles=(--task 3bit_memorization -T 12 -H 21 --batch 18 --batches-per-epoch 3 --epochs 2 --seed 7 --quiet) # full tiles and edges
"$bin" train "${tiles[@]}" --out c_auto || fail "train c_auto"
nclones=0
for i in avx512 avx2 baseline generic; do # generic: the build without clones (-DDMDPROF_ISA_CLONES=OFF)
  DMDPROF_ISA=$i "$bin" isa --no-peak > /dev/null 2>&1 || { echo "skip clone $i: this CPU or build cannot run it"; continue; }
  DMDPROF_ISA=$i "$bin" train "${tiles[@]}" --out c_$i || fail "train under DMDPROF_ISA=$i"
  grep -q "\"kernel_isa\": \"$i\"" c_$i/run.json || fail "run.json does not record kernel_isa $i"
  if cmp -s c_auto/history.csv c_$i/history.csv && cmp -s c_auto/model.ckpt c_$i/model.ckpt; then
    nclones=$((nclones + 1))
  else fail "clone $i: history.csv or model.ckpt differ from the default clone's"; fi
done
[ $nclones -ge 1 ] && pass "kernel clones: $nclones clone(s) recorded in run.json, identical history and checkpoint" \
  || fail "kernel clones: no clone could be run under DMDPROF_ISA"
DMDPROF_ISA=nosuch "$bin" train "${tiles[@]}" --out c_bad 2> c_bad.err
rc=$?
[ $rc = 2 ] && [ "$(wc -l < c_bad.err)" = 1 ] && [ ! -e c_bad ] && pass "DMDPROF_ISA=nosuch: exit 2, one line, nothing written" \
  || fail "DMDPROF_ISA=nosuch: exit $rc, $(wc -l < c_bad.err) lines"

# --- schedules: the same bits as bptt (history, checkpoint); resume under another
for s in dwafter alt fused ckpt; do
  "$bin" train "${tiles[@]}" --schedule $s --out c_s_$s || fail "train --schedule $s"
  grep -q "\"schedule\": \"$s\"" c_s_$s/run.json || fail "run.json does not record schedule $s"
  cmp -s c_auto/history.csv c_s_$s/history.csv && cmp -s c_auto/model.ckpt c_s_$s/model.ckpt \
    && pass "train --schedule $s: history.csv and model.ckpt identical to bptt's" || fail "schedule $s differs from bptt"
done
"$bin" train "${tiles[@]}" --epochs 1 --out c_half || fail "train 1 epoch"
"$bin" train --resume c_half/model.ckpt --epochs 2 --schedule ckpt --ckpt-every 5 --quiet --out c_half \
  && cmp -s c_auto/history.csv c_half/history.csv && pass "resume under --schedule ckpt: the uninterrupted history" \
  || fail "resume under --schedule ckpt differs"

# --- headline: 1 vs 2 workers --------------------------------------------
hl=(--epochs 2 --batches-per-epoch 2 --batch 3 -H 6 --quiet)
"$bin" headline "${hl[@]}" --jobs 1 --out h1 > h1.txt || fail "headline --jobs 1"
"$bin" headline "${hl[@]}" --jobs 2 --out h2 > h2.txt || fail "headline --jobs 2"
same=1
for d in h1/*/; do
  r=$(basename "$d")
  cmp -s "h1/$r/history.csv" "h2/$r/history.csv" && cmp -s "h1/$r/model.ckpt" "h2/$r/model.ckpt" || same=0
done
[ "$(ls -d h1/*/ | wc -l)" = 6 ] || same=0
[ $same = 1 ] && pass "headline: 6 runs, identical with 1 and 2 workers" || fail "headline differs between 1 and 2 workers"
grep -q "temporal_order" h1.txt && grep -q "ortho solved@" h1.txt && pass "headline prints the table" || fail "headline table"
# under another schedule: the same models, and headline.json's config names the schedule
"$bin" headline "${hl[@]}" --jobs 2 --schedule fused --out hf > hf.txt || fail "headline --schedule fused"
same=1
for d in h1/*/; do
  r=$(basename "$d")
  cmp -s "h1/$r/model.ckpt" "hf/$r/model.ckpt" || same=0
done
python3 -c 'import json,sys; a=json.load(open("h1/headline.json"))["config"]; b=json.load(open("hf/headline.json"))["config"]; sys.exit(0 if (a["schedule"], b["schedule"]) == ("bptt", "fused") else 1)' || same=0
[ $same = 1 ] && pass "headline --schedule fused: bptt's models, config.schedule recorded" || fail "headline --schedule fused"

# --- checkpoints --------------------------------------------------------
"$bin" train --task temporal_order "${small[@]}" --epochs 6 --seed 3 --out full || fail "train full"
"$bin" train --task temporal_order "${small[@]}" --epochs 3 --seed 3 --out part || fail "train part"
"$bin" train --resume part/model.ckpt --epochs 6 --out resumed --quiet || fail "resume"
cmp -s full/history.csv resumed/history.csv && cmp -s full/model.ckpt resumed/model.ckpt \
  && pass "resume after 3 epochs == uninterrupted 6 epochs (history and checkpoint)" || fail "resume differs"
"$bin" train --task temporal_order "${small[@]}" --epochs 6 --seed 3 --max-steps 7 --out stop || fail "max-steps"
grep -q '"status": "stopped"' stop/run.json && pass "--max-steps: status stopped" || fail "--max-steps status"
"$bin" train --resume stop/model.ckpt --out stop2 --quiet || fail "resume from a stopped run"
cmp -s full/history.csv stop2/history.csv && pass "resume mid-epoch (after 7 steps) == uninterrupted" || fail "mid-epoch resume differs"

# --- --data-seed: the init of --seed, the batches of another seed ----------
"$bin" train --task temporal_order "${small[@]}" --epochs 6 --seed 3 --data-seed 3 --out ds_same || fail "train ds_same"
cmp -s full/history.csv ds_same/history.csv && pass "--data-seed = --seed: the same history as without it" \
  || fail "--data-seed equal to --seed changed the history"
"$bin" train --task temporal_order "${small[@]}" --epochs 6 --seed 3 --data-seed 11 --out ds_full || fail "train ds_full"
"$bin" train --task temporal_order "${small[@]}" --epochs 6 --seed 11 --out s11 || fail "train s11"
/usr/bin/python3 - full/run.json ds_full/run.json s11/run.json full/history.csv ds_full/history.csv <<'PY' \
  && pass "--data-seed 11 --seed 3: seed 3's init (W_hh spectrum at init), other batches, both seeds in run.json" \
  || fail "--data-seed: init or data not as documented"
import json, sys
a, d, b = (json.load(open(p)) for p in sys.argv[1:4])
assert d["sv_W_hh_init"] == a["sv_W_hh_init"] != b["sv_W_hh_init"], "init must be --seed's"
assert (d["seed"], d["data_seed"], a["data_seed"], d["config"]["data_seed"]) == (3, 11, 3, 11), (d["seed"], d["data_seed"])
assert open(sys.argv[4]).read() != open(sys.argv[5]).read(), "the batches must differ from seed 3's"
PY
"$bin" train --task temporal_order "${small[@]}" --epochs 3 --seed 3 --data-seed 11 --out ds_part || fail "train ds_part"
"$bin" train --resume ds_part/model.ckpt --epochs 6 --out ds_resumed --quiet || fail "resume ds_part"
cmp -s ds_full/history.csv ds_resumed/history.csv && cmp -s ds_full/model.ckpt ds_resumed/model.ckpt \
  && grep -q '"data_seed": 11' ds_resumed/run.json \
  && pass "a --data-seed run resumes bit for bit and keeps its data seed" || fail "--data-seed resume"

# --- divergence ---------------------------------------------------------
"$bin" train --task addition "${small[@]}" --epochs 40 --lr 1e5 --clip none --out nan 2> nan.err
rc=$?
[ $rc = 1 ] && grep -q '"status": "diverged"' nan/run.json && grep -q '"diverged_epoch": [1-9]' nan/run.json \
  && [ ! -e nan/model.ckpt ] && pass "NaN loss -> exit 1, status diverged, epoch recorded" || fail "divergence (rc $rc)"

# --- bad input: exit 2, one line, nothing written -----------------------
bad() { # description, args...
  local what=$1; shift
  rm -rf badout
  "$bin" "$@" > bad.out 2> bad.err
  local rc=$? n
  n=$(wc -l < bad.err)
  if [ $rc = 2 ] && [ "$n" = 1 ] && [ ! -e badout ] && [ ! -s bad.out ]; then
    pass "bad input ($what): exit 2: $(cat bad.err)"
  else
    fail "bad input ($what): rc $rc, $n stderr lines: $(head -3 bad.err)"
  fi
}
printf 'DMDPCKPT' > junk.ckpt
head -c 200 full/model.ckpt > trunc.ckpt
cp full/model.ckpt corrupt.ckpt
printf '\x55' | dd of=corrupt.ckpt bs=1 seek=300 conv=notrunc 2> /dev/null
echo "not a directory" > afile
# well-formed checksums over bad fields (found by tests/fuzz: both were accepted)
recheck() { # FILE OFFSET U32 -- set a u32 field and recompute the FNV-1a 64 checksum
  python3 - "$@" <<'PY'
import struct, sys
p, off, val = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
b = bytearray(open(p, 'rb').read()[:-8])
b[off:off + 4] = struct.pack('<I', val)
h = 0xcbf29ce484222325
for x in b:
    h = ((h ^ x) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
open(p, 'wb').write(bytes(b) + struct.pack('<Q', h))
PY
}
H=$(python3 -c "import struct,sys; print(struct.unpack_from('<I', open(sys.argv[1],'rb').read(), 32)[0])" full/model.ckpt)
# format 5: the cell name ("vanilla": u32 7 + 7 bytes) after the data seed, then the gate bias (u32 kind at
# 155, f64 value), so the first history record (its epoch field) is at 280 + 11 + 12 + 8 H
cp full/model.ckpt histepoch.ckpt && recheck histepoch.ckpt $((303 + 8 * H)) 7   # first history record: epoch 7, not 1
cp full/model.ckpt gbkind.ckpt && recheck gbkind.ckpt 155 7                       # gate-bias kind 7
cp full/model.ckpt gbvan.ckpt && recheck gbvan.ckpt 155 2                         # a vanilla run with chrono
cp full/model.ckpt flag.ckpt && recheck flag.ckpt 48 5                              # nesterov = 5
cp full/model.ckpt cellname.ckpt && python3 - cellname.ckpt <<'PY'   # the cell name (offset 148) -> "vanillx"
import struct, sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read()[:-8])
assert struct.unpack_from('<I', b, 144)[0] == 7 and b[148:155] == b'vanilla', 'format 4: cell name at 144'
b[148:155] = b'vanillx'
h = 0xcbf29ce484222325
for x in b:
    h = ((h ^ x) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
open(p, 'wb').write(bytes(b) + struct.pack('<Q', h))
PY
cp full/model.ckpt cellzero.ckpt && recheck cellzero.ckpt 144 0                      # cell name length 0
bad "unknown task" train --task nosuch --out badout
bad "T below the task minimum" train --task temporal_order -T 5 --out badout
bad "T not a number" train -T 1x --out badout
bad "H 0" train -H 0 --out badout
bad "H absurdly large" train -H 100000 --out badout
bad "workspace too large" train -H 2048 -T 100000 --out badout
bad "batch 0" train --batch 0 --out badout
bad "batch negative" train --batch -3 --out badout
bad "negative lr" train --lr -0.1 --out badout
bad "clip 0" train --clip 0 --out badout
bad "clip negative" train --clip -1 --out badout
bad "momentum 1" train --momentum 1 --out badout
bad "epochs 0" train --epochs 0 --out badout
bad "unknown init" train --init zeros --out badout
bad "unknown precision" train --precision float16 --out badout
bad "unknown lr schedule" train --lr-schedule cosine --out badout
bad "unknown schedule" train --schedule nosuch --out badout
bad "unknown cell" train --cell nosuch --out badout
grep -q "unknown cell 'nosuch' (choose one of: vanilla" bad.err && pass "  ... naming the cells" || fail "unknown cell: $(cat bad.err)"
bad "measure unknown cell" measure --cell nosuch -q
bad "checkpoint: unknown cell name" train --resume cellname.ckpt --out badout
grep -q "holds a cell this build does not have ('vanillx'" bad.err && pass "  ... naming it" || fail "cell name: $(cat bad.err)"
bad "checkpoint: cell name length 0" train --resume cellzero.ckpt --out badout
bad "checkpoint: gate-bias kind 7" train --resume gbkind.ckpt --out badout
bad "checkpoint: a vanilla cell with a gate bias" train --resume gbvan.ckpt --out badout
grep -q 'gate-bias: has no meaning for the vanilla cell' bad.err && pass "  ... saying why" || fail "gbvan: $(cat bad.err)"
bad "ckpt-every 0" train --schedule ckpt --ckpt-every 0 --out badout
bad "ckpt-every above T" train --schedule ckpt -T 30 --ckpt-every 31 --out badout
bad "ckpt-every without ckpt" train --ckpt-every 3 --out badout
bad "measure ckpt-every above T" measure --schedule ckpt -T 30 --ckpt-every 31 -q
bad "unknown option" train --frobnicate --out badout
bad "missing value" train --out badout --seed
bad "missing checkpoint" train --resume nosuch.ckpt --out badout
bad "truncated checkpoint" train --resume trunc.ckpt --out badout
bad "corrupt checkpoint" train --resume corrupt.ckpt --out badout
bad "junk checkpoint" train --resume junk.ckpt --out badout
bad "checkpoint: history epochs out of order" train --resume histepoch.ckpt --out badout
grep -q 'inconsistent history' bad.err && pass "  ... saying 'inconsistent history'" || fail "history epochs: $(cat bad.err)"
bad "checkpoint: nesterov flag 5" train --resume flag.ckpt --out badout
grep -q 'neither 0 nor 1' bad.err && pass "  ... saying 'neither 0 nor 1'" || fail "nesterov flag: $(cat bad.err)"
bad "resume with a model flag" train --resume full/model.ckpt -H 9 --out badout
bad "resume with fewer epochs" train --resume full/model.ckpt --epochs 2 --out badout
bad "resume with --data-seed" train --resume full/model.ckpt --data-seed 4 --out badout
bad "data seed negative" train --data-seed -1 --out badout
bad "data seed not a number" train --data-seed x --out badout
bad "headline jobs 0" headline --jobs 0 --out badout
# each task's own minimum T, named with the task
bad "T below 3bit_memorization's minimum 5" train --task 3bit_memorization -T 4 --out badout
grep -q '3bit_memorization.*expected 5\.\.' bad.err && pass "the T message names the task and its minimum 5" \
  || fail "T message: $(cat bad.err)"
# a checkpoint of the old 3bit encoding (4 channels) is refused, saying why;
# an old (version 1) checkpoint of an unchanged task still resumes
bad "checkpoint with the old 3bit encoding" train --resume "$data/v1_3bit_old_encoding.ckpt" --out badout
grep -q 'encoding 1 (the old 3bit_memorization encoding (4 input channels' bad.err \
  && pass "old 3bit checkpoint: the message says why" || fail "old 3bit checkpoint message: $(cat bad.err)"
"$bin" train --resume "$data/v1_addition.ckpt" --epochs 2 --out v1add --quiet && grep -q '"epochs_run": 2' v1add/run.json \
  && pass "a version-1 addition checkpoint still resumes" || fail "version-1 addition checkpoint"
rm -rf badout
"$bin" train "${small[@]}" --epochs 1 --out afile/sub > bad.out 2> bad.err
rc=$?
[ $rc = 2 ] && [ "$(wc -l < bad.err)" = 1 ] && pass "bad input (output dir not writable): exit 2: $(cat bad.err)" \
  || fail "unwritable output dir: rc $rc"

# --- the gated cells: determinism, resume bit for bit, the cell in the checkpoint ----
for cell in lstm gru; do
  p=${cell:0:1}   # l_*, g_* output dirs
  args=(--cell "$cell" --task addition "${small[@]}" --seed 5)
  "$bin" train "${args[@]}" --epochs 4 --out ${p}_full || fail "train --cell $cell"
  "$bin" train "${args[@]}" --epochs 4 --out ${p}_full2 || fail "train --cell $cell (again)"
  cmp -s ${p}_full/history.csv ${p}_full2/history.csv && cmp -s ${p}_full/model.ckpt ${p}_full2/model.ckpt \
    && pass "$cell: same seed -> identical history.csv and model.ckpt" || fail "$cell: same seed differs"
  grep -q "\"cell\": \"$cell\"" ${p}_full/run.json && pass "$cell: run.json names the cell" || fail "$cell: run.json cell"
  "$bin" train "${args[@]}" --epochs 2 --out ${p}_part || fail "train $cell part"
  "$bin" train --resume ${p}_part/model.ckpt --epochs 4 --out ${p}_res --quiet || fail "resume $cell"
  cmp -s ${p}_full/history.csv ${p}_res/history.csv && cmp -s ${p}_full/model.ckpt ${p}_res/model.ckpt \
    && pass "$cell: resume after 2 epochs == uninterrupted 4 epochs (history and checkpoint)" || fail "$cell: resume differs"
  "$bin" train "${args[@]}" --epochs 4 --max-steps 5 --out ${p}_stop || fail "$cell max-steps"
  "$bin" train --resume ${p}_stop/model.ckpt --out ${p}_stop2 --quiet || fail "$cell resume from a stopped run"
  cmp -s ${p}_full/history.csv ${p}_stop2/history.csv && cmp -s ${p}_full/model.ckpt ${p}_stop2/model.ckpt \
    && pass "$cell: resume mid-epoch (after 5 steps) == uninterrupted" || fail "$cell: mid-epoch resume differs"
  cmp -s ${p}_full/history.csv full/history.csv && fail "$cell and vanilla histories are the same" || pass "$cell history is not vanilla's"
  bad "$cell checkpoint resumed as vanilla" train --resume ${p}_full/model.ckpt --cell vanilla --out badout
  bad "$cell checkpoint measured as vanilla" measure --checkpoint ${p}_full/model.ckpt --cell vanilla -q
  bad "$cell with --init identity" train --cell "$cell" --init identity --out badout
  grep -q "identity: has no meaning for the $cell cell" bad.err && pass "  ... saying which inits apply" || fail "$cell identity: $(cat bad.err)"
  bad "$cell with --activation relu" train --cell "$cell" --activation relu --out badout
  bad "$cell with a vanilla schedule" measure --cell "$cell" --schedule alt -q
done
cmp -s g_full/history.csv l_full/history.csv && fail "gru and lstm histories are the same" || pass "gru history is not lstm's"

# --gate-bias (the keep gate's bias at init: GRU b_z, LSTM b_f): recorded, resumed, changes the run; bad input
for cell in gru lstm; do
  p=${cell:0:1}
  args=(--cell "$cell" --task addition "${small[@]}" --seed 5)
  "$bin" train "${args[@]}" --epochs 4 --gate-bias chrono --out ${p}_chr || fail "$cell --gate-bias chrono"
  "$bin" train "${args[@]}" --epochs 2 --gate-bias chrono --out ${p}_chr_part || fail "$cell chrono part"
  "$bin" train --resume ${p}_chr_part/model.ckpt --epochs 4 --out ${p}_chr_res --quiet || fail "$cell chrono resume"
  cmp -s ${p}_chr/history.csv ${p}_chr_res/history.csv && cmp -s ${p}_chr/model.ckpt ${p}_chr_res/model.ckpt \
    && grep -q '"gate_bias": "chrono"' ${p}_chr_res/run.json \
    && pass "$cell --gate-bias chrono: resume == uninterrupted, and the resumed run.json says chrono" \
    || fail "$cell chrono resume differs or lost the gate bias"
  "$bin" train "${args[@]}" --epochs 4 --gate-bias 2 --out ${p}_gb2 || fail "$cell --gate-bias 2"
  grep -q '"gate_bias": 2' ${p}_gb2/run.json && ! cmp -s ${p}_gb2/history.csv ${p}_full/history.csv \
    && ! cmp -s ${p}_gb2/history.csv ${p}_chr/history.csv \
    && pass "$cell --gate-bias 2: recorded, and the run differs from the default's and chrono's" \
    || fail "$cell --gate-bias 2: $(grep gate_bias ${p}_gb2/run.json)"
  "$bin" train "${args[@]}" --epochs 4 --gate-bias $([ $cell = lstm ] && echo 1 || echo 0) --out ${p}_gbd \
    || fail "$cell --gate-bias default value"
  cmp -s ${p}_gbd/history.csv ${p}_full/history.csv \
    && pass "$cell --gate-bias at the default value: the default run's history" || fail "$cell explicit default differs"
  bad "$cell: a fresh run with another --gate-bias into a run's dir" train "${args[@]}" --epochs 4 --gate-bias 3 --out ${p}_gb2
done
grep -q '"gate_bias": 0' g_full/run.json && grep -q '"gate_bias": 1' l_full/run.json \
  && grep -q '"gate_bias": null' full/run.json && pass "run.json gate_bias: gru 0, lstm 1, vanilla null" \
  || fail "run.json gate_bias defaults"
bad "vanilla with --gate-bias" train --gate-bias 1 --out badout
grep -q 'it applies to gru (b_z), lstm (b_f)' bad.err && pass "  ... naming the cells it applies to" || fail "vanilla gate-bias: $(cat bad.err)"
bad "gate-bias not a number" train --cell gru --gate-bias one --out badout
bad "gate-bias out of range" train --cell gru --gate-bias 1e9 --out badout
bad "gate-bias overflowing a double" train --cell lstm --gate-bias 1e400 --out badout
grep -q "'1e400' is not a finite number (expected -50..50, or chrono)" bad.err && pass "  ... saying it is not finite and the range" \
  || fail "gate-bias 1e400: $(cat bad.err)"
bad "resume with --gate-bias" train --resume g_full/model.ckpt --gate-bias 1 --out badout
bad "gru checkpoint resumed as lstm" train --resume g_full/model.ckpt --cell lstm --out badout

# dmdprof help SUB prints SUB's --help text (exit 0); an unknown SUB exits 2
cmp -s <("$bin" help measure) <("$bin" measure --help) && "$bin" help measure | grep -q '^usage: dmdprof measure' \
  && pass "dmdprof help measure == dmdprof measure --help" || fail "dmdprof help measure"
"$bin" help nosuch > /dev/null 2> bad.err
rc=$?
[ $rc = 2 ] && [ "$(wc -l < bad.err)" = 1 ] && pass "dmdprof help of an unknown subcommand: exit 2" \
  || fail "dmdprof help nosuch: rc $rc"

# Outputs named by a path that exists and is not a regular file (a FIFO here; /dev/null
# in scripts/sweep) are written in place: a temporary renamed onto the path would replace
# the FIFO (or, as root, the /dev/null device) with a regular file.
fifo_check() { # description, reader output, command...
  local what=$1 got=$2; shift 2
  rm -f out.fifo "$got"; mkfifo out.fifo
  cat out.fifo > "$got" &
  local reader=$!
  "$@" > /dev/null 2> fifo.err
  local rc=$?
  [ -p out.fifo ] || kill $reader 2> /dev/null  # the FIFO was replaced: its reader would wait for ever
  wait $reader 2> /dev/null
  if [ $rc = 0 ] && [ -p out.fifo ] && [ -s "$got" ] && ! ls out.fifo.tmp* > /dev/null 2>&1; then
    pass "$what: written through the FIFO, which is still a FIFO ($(wc -c < "$got") bytes)"
  else
    fail "$what: rc $rc, fifo $([ -p out.fifo ] && echo kept || echo replaced), $(wc -c < "$got" 2> /dev/null) bytes: $(head -c 300 fifo.err)"
  fi
  rm -f out.fifo out.fifo.tmp*
}
fifo_check "example --out FIFO" fifo_example.json "$bin" example --task addition -T 5 --out out.fifo
grep -q '"task": "addition"' fifo_example.json || fail "example through the FIFO: $(head -c 200 fifo_example.json)"
fifo_check "measure --csv FIFO" fifo_measure.csv "$bin" measure -T 3 -H 4 --batch 1 --csv out.fifo
fifo_check "DMD_TRACE_OUT=FIFO" fifo_trace.txt env DMD_TRACE_OUT=out.fifo "$bin" measure -T 3 -H 4 --batch 1
[ -c /dev/null ] && pass "/dev/null is still a character device" || fail "/dev/null was replaced by a regular file"

echo "$fails failure(s)"
[ $fails = 0 ]
