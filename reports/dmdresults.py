"""dmdresults -- the one place that reads dmdprof's result files (stdlib only).

Every JSON or CSV result names its schema, "dmdprof.<kind>/<N>" (a "schema"
key in JSON; in CSV a "schema" column or a first line "# schema: ...").
Files written before the schema existed are recognised by name and keys
(version 0).  A reader asks for a kind and gets plain dicts whose keys are
this module's names (ALIASES maps other spellings onto them), so a renamed key
is fixed here and nowhere else.  Anything unreadable raises BadInput with one
line naming the file and what is wrong.
"""
import csv
import io
import json
import os
import re

# kinds this reader understands and the schema versions of each
KNOWN = {
    "run": {0, 1}, "history": {0, 1}, "to_solution": {0, 1}, "measure": {0, 1},
    "headline": {0, 1}, "sweep": {0, 1}, "sweepjob": {1}, "example": {1},
    "side_by_side": {0, 1}, "regress": {0, 1}, "probes": {0, 1},
    "regress-history": {1}, "regress-store": {1}, "price": {1}, "arms": {1},
}
# our key -> other spellings seen (the first one present wins)
ALIASES = {
    "cost_per_step": ("cost_per_step", "bytedmd_per_step"),
    "cost_to_solution": ("cost_to_solution", "bytedmd_to_solution"),
    "total_cost": ("total_cost", "cost"),
    "model": ("model", "dmd_model"),
    "cell": ("cell", "cell_type"),
}
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
        return "measure"
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
        return kind, ver, obj
    kind = _legacy_json_kind(path, obj)
    return (kind, 0, obj) if kind else None


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
        return "probes"
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
    (None for an empty field), or BadInput; None for a CSV that is not ours."""
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
