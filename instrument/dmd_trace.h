/*
 * dmd_trace.h -- dmdtrace reader and writer (libdmd).  The format, v2 (a
 * superset of v1, which stays readable), is in docs/engine.md "dmdtrace":
 *
 *     # dmdtrace v2
 *   value form (the live and classic models):
 *     store ID [BYTES [REGION]]   push a new value on top, free
 *     read ID [ID ...]            one instruction's operands, priced together
 *     output ID [ID ...]          these values stay live to the end
 *   address form (the lru model):
 *     input ADDR BYTES [REGION]   an input element: pushed (or moved) to the
 *                                 top, free, not a write (DMD_INPUT)
 *     st ADDR BYTES [REGION]      a store: the element to the top (pushed if
 *                                 absent), free, one write of its bytes
 *     ld ADDR BYTES [REGION]      price the element at its depth, then to the top
 *     drop ADDR                   remove the element from the stack, free
 *   both forms (v2):
 *     phase NAME                  a phase begins (strictly nested) ...
 *     end NAME                    ... and ends: NAME is the innermost phase
 *
 * Conventions of this reader:
 *   - '#' at the start of a token starts a comment that runs to the end of
 *     the line; blanks are spaces, tabs and a '\r' before the newline.
 *   - a trace is in one form: a value line and an address line in the same
 *     trace is refused, and so is a form the engine's model does not price
 *     (value lines under lru, address lines under live or classic).
 *   - store lines before the first read line are the inputs (eager init, not
 *     counted as writes); every later store is an instruction result and
 *     counts as one write of its bytes.  In the address form the inputs are
 *     explicit (input lines): every st is a write, wherever it is (a
 *     kernel may store before it loads).
 *   - a store without BYTES has the default size given to dmd_trace_price;
 *     a store (input, st, ld) without REGION belongs to region "temp".  The region
 *     of an address event is its line's REGION.
 *   - ADDR is a decimal or 0x-hexadecimal number below 2^64; one address is
 *     one element (overlaps are not checked); a ld or st of an element on
 *     the stack with another BYTES than it has there is refused.
 *   - phase NAME ... end NAME: the events between belong to phase NAME (the
 *     innermost); NAME is printable UTF-8; nesting at most
 *     DMD_PHASE_MAX_DEPTH; an end that does not name the innermost open
 *     phase, or a phase still open at the end of the trace, is refused.
 *     The reader drives the phase annotation (dmd_phase.h), so every phase
 *     listener sees the trace's phases.
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
 * direct tables of prefix+number IDs, or the text and 8 bytes of hash table;
 * 12 bytes per distinct address) and the engine's per-value arrays.  The
 * live model reads the text once, validating it and writing a compact binary
 * copy of the events (4 bytes per ID occurrence) to an unlinked temporary
 * file in $TMPDIR (default /tmp), which the pricing pass streams back: no
 * event is held in memory, and stdin works the same way.  classic and lru
 * price while they read.
 *
 * The writer (dmd_trace_writer) is an observer of an engine's pricing pass
 * (dmd_engine.h): the engine makes one for its trace_out option and for
 * DMD_TRACE_OUT; what it writes, re-priced with the same model and
 * bytes_per_element, gives the same counts per phase and in total.
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

/* ---- writer ---- */
typedef struct dmd_trace_writer dmd_trace_writer;
/* A dmdtrace v2 writer on f (not owned; "# dmdtrace v2" is written at once)
 * for engine e (region and model names).  NULL on out-of-memory. */
dmd_trace_writer *dmd_trace_writer_new(FILE *f, const dmd_engine *e);
/* The observer to register with e (dmd_engine.h); ctx is the writer. */
dmd_observer dmd_trace_writer_observer(dmd_trace_writer *w);
/* Write out what is buffered and flush f.  Returns 0, or the errno of the
 * first failed write (a full disk: the trace is incomplete). */
int dmd_trace_writer_finish(dmd_trace_writer *w);
/* The errno of the first failed write so far, 0 if none. */
int dmd_trace_writer_error(const dmd_trace_writer *w);
void dmd_trace_writer_free(dmd_trace_writer *w);

#ifdef __cplusplus
}
#endif
#endif /* DMD_TRACE_H */
