/*
 * dmd_trace.h -- dmdtrace v1 reader (libdmd).  The writer is the engine's
 * trace_out option (dmd_engine.h); the format is in docs/bytedmd.md:
 *
 *     # dmdtrace v1
 *     store ID [BYTES [REGION]]   push a new value on top, free
 *     read ID [ID ...]            one instruction's operands, priced together
 *     output ID [ID ...]          these values stay live to the end
 *
 * Conventions of this reader:
 *   - '#' at the start of a token starts a comment that runs to the end of
 *     the line; blanks are spaces, tabs and a '\r' before the newline.
 *   - store lines before the first read line are the inputs (eager init, not
 *     counted as writes); every later store is an instruction result and
 *     counts as one write of its bytes.
 *   - a store without BYTES has the default size given to dmd_trace_price;
 *     a store without REGION belongs to region "temp".
 *   - every line ends with '\n'; a file whose last line does not is
 *     truncated and rejected.
 *   - a REGION is printable UTF-8 text (no control bytes), of any length;
 *     at most DMD_MAX_REGIONS distinct ones.  A line has at most
 *     DMD_MAX_OPERANDS IDs.  A store that would take the live data on the
 *     stack past the engine's limits (4 GiB, or 2^28 - 2^21 live values) is
 *     refused with its line, like any other bad input.
 *   - "-" is stdin; a closed stdin is refused.
 *
 * Memory: the ID table (20 bytes per distinct ID, plus 4 per number in the
 * direct tables of prefix+number IDs, or the text and 8 bytes of hash table)
 * and the engine's per-value arrays.  The live model reads the text once,
 * validating it and writing a compact binary copy of the events (4 bytes per
 * ID occurrence) to an unlinked temporary file in $TMPDIR (default /tmp),
 * which the pricing pass streams back: no event is held in memory, and
 * stdin works the same way.  classic prices while it reads.
 */
#ifndef DMD_TRACE_H
#define DMD_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dmd_engine.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dmd_trace dmd_trace;

/* Open a trace for reading; path "-" is stdin.  Returns NULL and writes why
 * ("PATH: reason") into err on failure. */
dmd_trace *dmd_trace_open(const char *path, char *err, size_t errlen);

/* The same over an open stream (not closed by dmd_trace_close); name stands
 * for the file in messages. */
dmd_trace *dmd_trace_open_stream(FILE *f, const char *name, char *err, size_t errlen);

/* Price the whole trace with e, which must be new (never attached) and use a
 * value model (live or classic).  Runs every pass of the engine.
 * default_bytes: the size of a value whose store line has no BYTES (0 = 1).
 * Returns 0, -1 with "PATH:LINE: what is wrong" in err (bad input), or -2
 * with the reason in err when the machine failed (out of memory, the spill
 * file could not be written -- a full $TMPDIR --, a read error); after an
 * error the engine holds partial results that must not be reported. */
int dmd_trace_price(dmd_trace *t, dmd_engine *e, unsigned default_bytes, char *err, size_t errlen);

/* The ID text of value id (as the engine numbers values: 1, 2, ... in store
 * order), not NUL-terminated; *len gets its length.  NULL if unknown. */
const char *dmd_trace_value_name(const dmd_trace *t, uint32_t id, size_t *len);

/* Number of event lines (store, read, output) read: 0 for an empty trace
 * (only comments and blank lines), which prices as 0. */
uint64_t dmd_trace_nevents(const dmd_trace *t);

void dmd_trace_close(dmd_trace *t);

#ifdef __cplusplus
}
#endif
#endif /* DMD_TRACE_H */
