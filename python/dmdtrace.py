"""dmdtrace -- write dmdtrace v2 from Python code (stdlib only).

A Python program describes its data movement the way a C kernel does with
the dmd.h hooks, and `dmdprof price FILE --model M` prices it exactly
(docs/engine.md, "dmdtrace v2"; docs/bytedmd.md for the cost model).

Value form (priced by the live and classic models)::

    import dmdtrace
    with dmdtrace.Trace("dot.trace") as t:
        y = t.inputs("y", 4, bytes=8)      # pushed in order: y[0] deepest
        x = t.inputs("x", 4, bytes=8)      # x[3] ends on top
        with t.phase("dot"):
            acc = t.op(x[0], y[0])                     # one instruction: MUL
            for i in range(1, 4):
                acc = t.op(x[i], y[i], acc, region="s" if i == 3 else None)   # FMA
        t.output(acc)

  - t.input / t.inputs push the inputs (store lines before the first read:
    eager init, not writes).  Declare them in the C kernel's DMD_INPUT order.
  - t.op(*operands, bytes=None, region=None) is one instruction: its
    non-constant operands are read together (in order), one result is pushed
    (a write of its bytes).  An operand that is not a Value (a Python number,
    None) is a constant: free, not read; an op of constants only is a
    constant (returns CONST, no event) -- as the hooks do.  bytes defaults to
    the first Value operand's; region (the hooks: the array the result is
    first stored into) defaults to "temp".
  - t.output(*values): these stay live to the end (DMD_OUTPUT).

Address form (priced by the lru model)::

    with dmdtrace.Trace("dot_lru.trace") as t:
        t.input_addr(0x100, 8, "x")         # an input element (DMD_INPUT): free, not a write
        with t.phase("dot"):
            t.ld(0x100, 8, "x")             # priced at its byte depth, moved to the top
            t.st(0x200, 8, "s")             # a store (ST): free, a write
        t.drop(0x100)

Both: `with t.phase(NAME):` (or t.begin(NAME) ... t.end(NAME)) marks a
phase; phases nest strictly.  A trace holds one form.  Region and phase
names must be one token (no blanks, no '#'); IDs are v1, v2, ... .

Errors of use (a value of another trace, an input after the first read,
mixing the forms, a mismatched end) raise ValueError at once, so the file
is never one `dmdprof price` would refuse for them.
"""
import contextlib
import io
import os

__all__ = ["Trace", "Value", "CONST"]

CONST = None  # the constant: free, never read


class Value:
    """One value of a Trace (its ID is v<id>)."""
    __slots__ = ("trace", "id", "bytes")

    def __init__(self, trace, vid, nbytes):
        self.trace, self.id, self.bytes = trace, vid, nbytes

    def __repr__(self):
        return f"v{self.id}"


def _token(kind, name):
    s = str(name)
    if not s or any(c in s for c in " \t\r\n#"):
        raise ValueError(f"dmdtrace: {kind} name {name!r} must be one token (no blanks, no '#')")
    return s


class Trace:
    """A dmdtrace v2 being written to path (a temporary name renamed by
    close(), so an interrupted program leaves no file that looks complete)
    or to an open text stream (not closed)."""

    def __init__(self, dest, bytes=1):
        self.default_bytes = int(bytes)
        if self.default_bytes < 1 or self.default_bytes > 1 << 20:
            raise ValueError(f"dmdtrace: bytes {bytes} not in 1..{1 << 20}")
        if isinstance(dest, (str, os.PathLike)):
            self.path = os.fspath(dest)
            if os.path.exists(self.path) and not os.path.isfile(self.path):
                # /dev/null, a FIFO: written in place (a rename onto it would
                # replace the device with a regular file)
                self.tmp = None
            else:
                self.tmp = f"{self.path}.tmp.{os.getpid()}"
            self.f = open(self.tmp or self.path, "w", encoding="utf-8", newline="\n")
        else:
            self.path = self.tmp = None
            self.f = dest
        self.nvals = 0
        self.form = None        # "value" or "address"
        self.seen_read = False  # value form: a read line was written
        self.phases = []        # open phases
        self.f.write("# dmdtrace v2\n# written by python/dmdtrace.py\n")

    # ---- common
    def _form(self, form):
        if self.form and self.form != form:
            raise ValueError(f"dmdtrace: an {form} event in a trace of {self.form} events (one form per trace)")
        self.form = form

    def begin(self, name):
        self.phases.append(_token("phase", name))
        self.f.write(f"phase {self.phases[-1]}\n")

    def end(self, name):
        if not self.phases or self.phases[-1] != str(name):
            raise ValueError(f"dmdtrace: end {name!r} does not end the innermost open phase "
                             f"({self.phases[-1] if self.phases else 'none is open'})")
        self.f.write(f"end {self.phases.pop()}\n")

    @contextlib.contextmanager
    def phase(self, name):
        self.begin(name)
        try:
            yield self
        finally:
            self.end(name)

    def close(self):
        """End the trace; with a path, rename the finished file into place."""
        if self.f is None:
            return
        if self.phases:
            raise ValueError(f"dmdtrace: phase {self.phases[-1]!r} is still open")
        if self.path:
            self.f.close()
            if self.tmp:
                os.replace(self.tmp, self.path)
        else:
            self.f.flush()
        self.f = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        elif self.path and self.f is not None:  # a failed program leaves no trace file
            self.f.close()
            if self.tmp:
                os.remove(self.tmp)
            self.f = None
        return False

    # ---- value form
    def _push(self, nbytes, region):
        self.nvals += 1
        v = Value(self, self.nvals, nbytes)
        reg = "" if region is None or region == "temp" else " " + _token("region", region)
        self.f.write(f"store v{v.id} {nbytes}{reg}\n")
        return v

    def input(self, region=None, bytes=None):
        """One input value (eager init: pushed now, free, not a write)."""
        self._form("value")
        if self.seen_read:
            raise ValueError("dmdtrace: an input after the first read (the reader counts it as a write); "
                             "declare every input first")
        return self._push(int(bytes or self.default_bytes), region)

    def inputs(self, region, n, bytes=None):
        """n inputs of region, element 0 first (deepest), as DMD_INPUT(ptr, n)."""
        return [self.input(region, bytes) for _ in range(n)]

    def op(self, *operands, bytes=None, region=None):
        """One instruction reading the Value operands together; returns its
        result, or CONST when no operand is a Value."""
        self._form("value")
        ids = [a for a in operands if isinstance(a, Value)]
        if not ids:
            return CONST
        for a in ids:
            if a.trace is not self:
                raise ValueError(f"dmdtrace: operand {a!r} belongs to another trace")
        self.f.write("read " + " ".join(f"v{a.id}" for a in ids) + "\n")
        self.seen_read = True
        return self._push(int(bytes or ids[0].bytes), region)

    def output(self, *values):
        """These values stay live to the end (DMD_OUTPUT); constants are skipped."""
        self._form("value")
        ids = [a for a in values if isinstance(a, Value)]
        if ids:
            self.f.write("output " + " ".join(f"v{a.id}" for a in ids) + "\n")

    # ---- address form
    def _addr(self, kw, addr, nbytes, region):
        self._form("address")
        a = int(addr)
        if a < 0 or a >= 1 << 64:
            raise ValueError(f"dmdtrace: address {addr} not in 0..2^64-1")
        if nbytes is None:
            self.f.write(f"{kw} {a:#x}\n")
            return
        nb = int(nbytes)
        if nb < 1 or nb > 1 << 20:
            raise ValueError(f"dmdtrace: bytes {nbytes} not in 1..{1 << 20}")
        reg = "" if region is None or region == "temp" else " " + _token("region", region)
        self.f.write(f"{kw} {a:#x} {nb}{reg}\n")

    def input_addr(self, addr, bytes, region=None):
        """An input element (DMD_INPUT): to the top (pushed if absent), free,
        not a write."""
        self._addr("input", addr, bytes, region)

    def st(self, addr, bytes, region=None):
        """Store (ST): the element at addr to the top (pushed if absent),
        free, one write of its bytes."""
        self._addr("st", addr, bytes, region)

    def ld(self, addr, bytes, region=None):
        """Load: priced at the element's byte depth, then moved to the top."""
        self._addr("ld", addr, bytes, region)

    def drop(self, addr):
        """Remove the element at addr from the stack (DMD_DROP), free."""
        self._addr("drop", addr, None, None)


def text(build, bytes=1):
    """The trace written by build(trace) as a string (for tests and pipes)."""
    buf = io.StringIO()
    t = Trace(buf, bytes=bytes)
    build(t)
    t.close()
    return buf.getvalue()
