"""dmdresults -- the one place that reads and writes dmdprof's result files
from Python (stdlib only).

Every JSON or CSV result names its schema, "dmdprof.<kind>/<N>"
(docs/schema.md): a "schema" key in JSON; in CSV a first "schema" column on
every row (the C writer instrument/dmd_csv.h and write_csv below write
that), and, for files of older scripts, a first line "# schema: ...".
Files written before the schema existed are recognised by name and keys
(version 0).  A reader asks for a kind and gets plain dicts whose keys are
this module's names: older layouts are upgraded to the current one here
(upgrade: measure/0-1 and price/1 to the /2 engine keys total, regions,
phases, cells; ALIASES maps other spellings onto ours), so a renamed key is
fixed here and nowhere else.  Anything unreadable raises BadInput with one
line naming the file and what is wrong.
"""
import csv
import io
import json
import os
import re

# kinds this reader understands and the schema versions of each
KNOWN = {
    "run": {0, 1}, "history": {0, 1}, "history_long": {1}, "to_solution": {0, 1}, "measure": {0, 1, 2},
    "measure_cells": {1}, "headline": {0, 1}, "headline_runs": {1}, "sweep": {0, 1}, "sweepjob": {1},
    "example": {1}, "side_by_side": {0, 1}, "regress": {0, 1}, "probes": {0, 1}, "probe_values": {0, 1},
    "regress-history": {1}, "regress-store": {1}, "price": {1, 2}, "arms": {1}, "callgrind": {0, 1}, "isa": {1},
    "sched_rank": {1},
}
# our key -> other spellings seen (the first one present wins)
ALIASES = {
    "cost_per_step": ("cost_per_step", "bytedmd_per_step"),
    "cost_to_solution": ("cost_to_solution", "bytedmd_to_solution"),
    "model": ("model", "dmd_model"),
    "cell": ("cell", "cell_type"),
}
COUNT_KEYS = ("reads", "bytes_read", "writes", "bytes_written", "cost", "mean_depth", "max_depth", "hist")
SCHEMA_RE = re.compile(r"^dmdprof\.([a-z_-]+)/([0-9]+)$")


class BadInput(Exception):
    """One line: the file and what is wrong with it."""


def parse_schema(text, path):
    m = SCHEMA_RE.match(str(text))
    if not m:
        raise BadInput(f"{path}: schema '{text}' is not of the form dmdprof.<kind>/<N>")
    kind, ver = m.group(1), int(m.group(2))
    if kind not in KNOWN:
        raise BadInput(f"{path}: unknown result kind '{kind}' (schema {text}); this report reads {', '.join(sorted(KNOWN))}")
    if ver not in KNOWN[kind]:
        raise BadInput(f"{path}: schema {text}: version {ver} of '{kind}' is not known to this report "
                       f"(it reads {sorted(KNOWN[kind])}); update dmdprof")
    return kind, ver


def get(d, key, default=None):
    """d[key] under any of its spellings; default when absent or null."""
    for k in ALIASES.get(key, (key,)):
        if k in d and d[k] is not None:
            return d[k]
    return default


def _legacy_json_kind(path, obj):
    base = os.path.basename(path)
    if base == "run.json" and "status" in obj:
        return "run"
    if base.startswith("dmd_to_solution_") and "cost_per_step" in obj:
        return "to_solution"
    if base == "headline.json":
        return "headline"
    if "total_cost" in obj and "regions" in obj:
        return "measure"   # before schema existed: the measure/1 keys
    if base.startswith("regress") and isinstance(obj, dict):
        return "regress"
    return None


def read_json(path):
    """(kind, version, object) of a result JSON, or BadInput.  None for a JSON
    that is not a dmdprof result (the caller ignores it)."""
    try:
        with open(path, encoding="utf-8") as f:
            obj = json.load(f)
    except OSError as e:
        raise BadInput(f"{path}: cannot read ({e.strerror})")
    except (ValueError, UnicodeDecodeError) as e:
        raise BadInput(f"{path}: corrupt JSON ({e}); re-run the command that wrote it")
    if not isinstance(obj, dict):
        return None
    if "schema" in obj:
        kind, ver = parse_schema(obj["schema"], path)
        return kind, ver, upgrade(kind, ver, obj)
    kind = _legacy_json_kind(path, obj)
    return (kind, 0, upgrade(kind, 0, obj)) if kind else None


def upgrade(kind, ver, obj):
    """The engine keys of measure/0-1 and price/1 in the /2 layout (in place):
    total {counts}, regions[] per region, phases[] per phase, cells[] per
    (phase, region)."""
    if kind == "measure" and ver < 2 and "total" not in obj:
        obj["total"] = {k: obj.get("total_" + k, obj.get(k)) for k in COUNT_KEYS
                        if ("total_" + k) in obj or k in ("mean_depth", "max_depth")}
        obj["cells"] = obj.get("regions") or []
        obj["regions"] = obj.pop("region_totals", None) or []
    elif kind == "price" and ver < 2 and "total" not in obj:
        obj["total"] = {k: obj[k] for k in COUNT_KEYS if k in obj}
        obj["cells"] = obj.pop("rows", None) or []
    return obj


LR_DEFAULT = 0.01   # dmdprof train's --lr default (rnn_config_default)


def init_label(init, activation="tanh", gate_bias=None, gate_bias_default=None, lr=None):
    """The init as figures and tables name an arm: with its activation when not
    tanh (identity + relu, the IRNN, is another arm than identity + tanh),
    with the keep gate's bias when it is not the cell's default (train
    --gate-bias: "ortho+chrono", "ortho+gb2"; run.json config.gate_bias and
    gate_bias_default), and with the learning rate when one is given and it
    is not train's default ("ortho+chrono+lr0.05": arms of analyze.py, which
    have no other place for it).  No blanks: gnuplot splits these lists on them."""
    s = str(init) if activation in (None, "tanh") else f"{init}+{activation}"
    if gate_bias == "chrono":
        s += "+chrono"
    elif isinstance(gate_bias, (int, float)) and isinstance(gate_bias_default, (int, float)) \
            and gate_bias != gate_bias_default:
        s += f"+gb{gate_bias:g}"
    if isinstance(lr, (int, float)) and lr != LR_DEFAULT:
        s += f"+lr{lr:g}"
    return s


def total(obj, key="cost"):
    """A count of the whole measurement (measure or price, any version)."""
    return (obj.get("total") or {}).get(key)


def _field(v):
    """One CSV field per RFC 4180 (as instrument/dmd_csv.c): quoted when it
    holds a comma, a double quote, CR or LF; None is empty (missing)."""
    s = "" if v is None else str(v)
    return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\r\n') else s


def csv_text(schema, header, rows):
    """The CSV text of rows (sequences in header order, or dicts keyed by
    header) with the schema column first on every line."""
    out = ["schema," + ",".join(_field(h) for h in header)]
    for r in rows:
        vals = [r.get(h) for h in header] if isinstance(r, dict) else list(r)
        if len(vals) != len(header):
            raise ValueError(f"{schema}: a row of {len(vals)} fields, the header has {len(header)}")
        out.append(",".join([_field(schema)] + [_field(v) for v in vals]))
    return "\n".join(out) + "\n"


def write_text(path, text):
    """Write text to path atomically: a temporary name, then a rename. A path
    that exists and is not a regular file (/dev/null, a FIFO) is written in
    place: a rename onto it would replace the device with a regular file."""
    if os.path.exists(path) and not os.path.isfile(path):
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        return
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.replace(tmp, path)


def write_csv(path, schema, header, rows):
    """Write csv_text(...) to path (write_text), or to stdout for '-'."""
    text = csv_text(schema, header, rows)
    if path == "-":
        import sys
        sys.stdout.write(text)
        return
    write_text(path, text)


def _legacy_csv_kind(path, header):
    base = os.path.basename(path)
    h = set(header)
    if base == "history.csv" and {"epoch", "loss"} <= h:
        return "history"
    if base == "sweep.csv" and {"task", "T", "H", "init", "seed"} <= h:
        return "sweep"
    if {"T", "bytedmd_cost"} <= h:
        return "side_by_side"
    if {"run_id", "phase", "source", "event", "value"} <= h:
        return "probe_values"
    return None


def _number(s):
    if s is None or s == "":
        return None
    try:
        v = float(s)
    except ValueError:
        return s
    return int(v) if re.fullmatch(r"-?[0-9]+", s) else v


def read_csv(path):
    """(kind, version, header, rows) of a result CSV, rows as dicts of numbers
    (None for an empty field), or BadInput; None for a CSV that is not ours.
    The schema column is not part of header nor of the rows."""
    try:
        with open(path, encoding="utf-8", newline="") as f:
            text = f.read()
    except OSError as e:
        raise BadInput(f"{path}: cannot read ({e.strerror})")
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not a text CSV file")
    schema = None
    if text.startswith("#"):
        first, _, text = text.partition("\n")
        m = re.match(r"#\s*schema:\s*(\S+)", first)
        if m:
            schema = m.group(1)
    if not text.strip():
        raise BadInput(f"{path}: empty CSV (no header); re-run the command that wrote it")
    if not text.endswith("\n"):
        raise BadInput(f"{path}: last line is cut short (half-written file); re-run the command that wrote it")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    rows = []
    for n, rec in enumerate(reader, start=2):
        if not rec:
            continue
        if len(rec) != len(header):
            raise BadInput(f"{path}:{n}: {len(rec)} fields, the header has {len(header)} (corrupt CSV)")
        rows.append({k: _number(v) for k, v in zip(header, rec)})
    if "schema" in header:
        vals = {r["schema"] for r in rows}
        if len(vals) > 1:
            raise BadInput(f"{path}: rows of several schemas ({', '.join(sorted(map(str, vals)))})")
        schema = vals.pop() if vals else schema
        header = [h for h in header if h != "schema"]   # the carrier, not data: readers see the data columns
        for r in rows:
            del r["schema"]
    if schema:
        kind, ver = parse_schema(schema, path)
    else:
        kind, ver = _legacy_csv_kind(path, header), 0
        if kind is None:
            return None
    return kind, ver, header, rows


def find(dirs):
    """Walk dirs (files or directories) recursively; yield candidate result paths."""
    for top in dirs:
        if os.path.isfile(top):
            yield top
            continue
        for d, subdirs, files in os.walk(top):
            subdirs[:] = sorted(s for s in subdirs if not s.startswith("."))
            for f in sorted(files):
                if f.endswith((".json", ".csv", ".sqlite", ".db")) and ".tmp" not in f:
                    yield os.path.join(d, f)


def _main(argv):
    """For shell scripts (reports/side_by_side.sh), so that they neither parse
    JSON with sed nor write CSV by hand:
      dmdresults.py total FILE [KEY]         a total count of a measure/price JSON
      dmdresults.py value CSV PHASE EVENT    the value of a probe_values CSV row ('' if missing)
      dmdresults.py tsv2csv SCHEMA COLS OUT  tab-separated rows on stdin -> CSV OUT (COLS: a,b,c)
    Exit 2 with one line on bad input."""
    import sys
    try:
        if len(argv) in (2, 3) and argv[0] == "total":
            got = read_json(argv[1])
            if not got or got[0] not in ("measure", "price") or total(got[2], *argv[2:]) is None:
                raise BadInput(f"{argv[1]}: not a measure or price JSON with a total")
            print(total(got[2], *argv[2:]))
        elif len(argv) == 4 and argv[0] == "value":
            got = read_csv(argv[1])
            if not got or got[0] != "probe_values":
                raise BadInput(f"{argv[1]}: not a probes CSV (dmdprof.probe_values)")
            v = [r["value"] for r in got[3] if r["phase"] == argv[2] and r["event"] == argv[3]]
            print("" if not v or v[-1] is None else v[-1])
        elif len(argv) == 4 and argv[0] == "tsv2csv":
            cols = argv[2].split(",")
            rows = [line.rstrip("\n").split("\t") for line in sys.stdin if line.strip()]
            write_csv(argv[3], argv[1], cols, [[x if x != "" else None for x in r] for r in rows])
        else:
            print("usage: dmdresults.py total FILE [KEY] | value CSV PHASE EVENT | tsv2csv SCHEMA COLS OUT",
                  file=sys.stderr)
            return 2
    except (BadInput, ValueError) as e:
        print(f"dmdresults: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    import sys
    sys.dont_write_bytecode = True
    sys.exit(_main(sys.argv[1:]))


SCHED_ORDER = ["bptt", "dwafter", "alt", "fused", "ckpt"]


def sched_T_figure(rows):
    """The sched_T figure (reports/sched_T.gp) of sched_rank rows (scripts/sched-rank):
    (blocks, meta).  blocks: gnuplot index blocks (comment, [[T, cost], ...]), one per
    line -- each schedule's ByteDMD live per step, each schedule's OPT floor of its
    own order, the order-independent floor (bptt's rows; the same for every schedule)
    -- one panel per (H, B).  meta: the variables sched_T.gp reads."""
    order = {s: i for i, s in enumerate(SCHED_ORDER)}
    scheds = sorted({r["schedule"] for r in rows}, key=lambda s: (order.get(s, 99), s))
    panels = sorted({(r["H"], r.get("B") or 1) for r in rows})
    Ts = sorted({r["T"] for r in rows})
    blocks, meta = [], {"NP": len(panels)}
    for p, (H, B) in enumerate(panels, 1):
        lines = {"S": ([], []), "F": ([], [])}
        series = [(s, s, "live_cost", "S") for s in scheds]
        series += [(f"floor: OPT of {s}'s order", s, "live_floor_opt", "F") for s in scheds]
        series += [("floor: order-independent", "bptt", "live_floor_oi", "F")]
        for title, s, key, kind in series:
            pts = sorted([r["T"], r[key]] for r in rows
                         if r["H"] == H and (r.get("B") or 1) == B and r["schedule"] == s and r.get(key))
            if pts:
                lines[kind][0].append(str(len(blocks)))
                lines[kind][1].append(title)
                blocks.append((f"H {H} B {B}: {title}", pts))
        for kind in ("S", "F"):
            meta[f"{kind}BLK_{p}"] = " ".join(lines[kind][0])
            meta[f"{kind}TIT_{p}"] = "|".join(lines[kind][1])
        meta[f"TITLE_{p}"] = f"H = {H}, B = {B}"
    meta["XT"] = ", ".join(str(T) for T in Ts)
    return blocks, meta
