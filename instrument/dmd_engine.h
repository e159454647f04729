/*
 * dmd_engine.h -- libdmd's ByteDMD pricing engine (public API).
 *
 * The engine prices a stream of events under one of three models (see
 * docs/bytedmd.md and the Notes block at the top of dmd_engine.c):
 *
 *   live     values; simultaneous pricing of an instruction's operands; eager
 *            init of the inputs; a value leaves the stack right after its last
 *            read (or right after its push if it is never read); outputs stay
 *            to the end.  Exact, needs two passes over the same events.
 *   classic  live without the liveness compaction (dead values stay).  One pass.
 *   lru      addresses: a load is priced at the byte depth of its address in an
 *            LRU stack of addresses and moves it to the top, a store moves (or
 *            pushes) the address to the top for free, arithmetic is free,
 *            DMD_DROP removes an array's addresses.  One pass.
 *
 * Depths are counted in bytes.  An element of w bytes with D bytes above it
 * costs U(D+w) - U(D), U(n) = sum_{k=1..n} ceil(sqrt(k)).
 *
 * The depth of a read, as reported in mean_depth, max_depth and the histogram,
 * is D + w: the byte depth of the element's deepest byte.  With one byte per
 * element this is the reference tracer's element depth; with N bytes per
 * element it is N times the element depth.
 *
 * Feeding the engine:
 *   - hooks (dmd.h built with -DDMD_INSTRUMENT): the kernel is run
 *     dmd_engine_passes(e) times on the same inputs, each run between
 *     dmd_engine_attach(e, pass) and dmd_engine_detach(e):
 *
 *         dmd_engine *e = dmd_engine_new(&opts);
 *         for (int p = 0; p < dmd_engine_passes(e); p++) {
 *             reset the kernel's buffers to the same initial state;
 *             dmd_engine_attach(e, p);
 *             kernel();                 // DMD_REGION, DMD_INPUT, LD/ST/ADD..., DMD_OUTPUT
 *             dmd_engine_detach(e);
 *         }
 *         ... dmd_engine_total(e, &t), dmd_engine_counts(e, phase, region) ...
 *         dmd_engine_free(e);
 *
 *     dmd_engine_run(e, fn, ctx) does this loop (fn(ctx, pass) resets and
 *     runs the kernel).
 *     The live model learns each value's last read in pass 0 and prices in
 *     pass 1; value ids are assigned in order, so both passes must perform the
 *     same hooks in the same order (checked: a read of a value that pass 0
 *     saw die, or a different number of values, aborts with a message).
 *   - the event API below (dmd_engine_push/read/output), which the dmdtrace
 *     reader (dmd_trace.h) uses; the same pass protocol applies.
 *
 * Memory: value models keep 12 bytes per value ever created (tree position,
 * reads left, region) plus 12 bytes per slot of the order-statistic tree,
 * whose size is between 4x and 8x the live stack (+1024).  lru keeps 4 bytes
 * per registered array element plus the tree.  Nothing per event.
 *
 * Not thread-safe: one engine is attached at a time, process-wide.
 */
#ifndef DMD_ENGINE_H
#define DMD_ENGINE_H

#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { DMD_LIVE = 0, DMD_CLASSIC = 1, DMD_LRU = 2 } dmd_model;

/* "live", "classic", "lru" (static strings); "?" for an invalid value. */
const char *dmd_model_name(dmd_model m);
/* Parse a model name; 0 ok, -1 unknown (out untouched). */
int dmd_model_parse(const char *s, dmd_model *out);

typedef struct {
    dmd_model model;
    /* Hooks: 0 = each element's own size (the elem_bytes of its region; an
     * arithmetic result has the size of its first non-constant operand);
     * N > 0 = every element N bytes.  The event API always takes explicit
     * sizes (the trace reader uses N as the default for store lines without
     * a BYTES field, 1 when N is 0). */
    unsigned bytes_per_element;
    /* Non-NULL: the engine writes dmdtrace v2 of what the pricing pass priced
     * (value models: inputs, instructions, results with sizes and regions,
     * outputs; lru: loads, stores and drops of addresses; both: phase
     * markers), through its trace writer (dmd_trace.h), an observer of the
     * pass.  Not owned; the caller closes it.
     * If NULL and the environment variable DMD_TRACE_OUT names a file, the
     * engine writes the trace there itself (atomically: a temporary name
     * renamed at the end of the last pass). */
    FILE *trace_out;
    int per_site;        /* 1: also account per call site (file, line, phase) */
    uint64_t max_values; /* budget of values (0 = DMD_MAX_VALUES); exceeding it aborts with a message */
} dmd_options;

/* The largest value budget (value ids are 32 bits; 0 is the constant id and
 * one more is kept free). */
#define DMD_MAX_VALUES 4294967294ull

/* Bytes an engine of model m needs for a run that creates `values` values:
 * the Memory note above (12 bytes per value, plus under classic the dead
 * values' slots of the order-statistic tree, 12 bytes a slot, up to 4 a
 * value; lru keeps nothing per value: pass it the registered array elements,
 * 4 bytes each plus at least 4 tree slots).  An estimate for budget checks made
 * before a run; it does not count the caller's own buffers. */
double dmd_memory_estimate(dmd_model m, double values);

typedef struct dmd_engine dmd_engine;

/* A new engine (not attached).  Returns NULL on out-of-memory or when
 * DMD_TRACE_OUT cannot be opened (after printing why on stderr). */
dmd_engine *dmd_engine_new(const dmd_options *o);
/* Frees everything; detaches first if attached.  NULL is fine. */
void dmd_engine_free(dmd_engine *e);
/* Number of passes the program must be run: 2 for live, 1 otherwise. */
int dmd_engine_passes(const dmd_engine *e);
/* Make e the engine of the dmd__ hooks and start pass `pass` (0, then 1 ...,
 * in order).  Registered address ranges are forgotten between passes (region
 * names and their indices are kept).  Aborts with a message on misuse
 * (another engine attached, a pass out of order). */
void dmd_engine_attach(dmd_engine *e, int pass);
/* End the current pass.  After the last pass the results are final. */
void dmd_engine_detach(dmd_engine *e);
/* End the current pass early (the event source failed: a read error, a
 * refused event): detaches without checking that the pass did the whole work.
 * The results are partial and must not be reported. */
void dmd_engine_abandon(dmd_engine *e);
/* The engine currently attached, or NULL. */
dmd_engine *dmd_engine_current(void);
/* The whole pass protocol in one call: for each pass p of e, attach, call
 * run(ctx, p), detach.  run must put the kernel's buffers back into the same
 * initial state and do the same hooks in every pass.  Returns the number of
 * passes run. */
int dmd_engine_run(dmd_engine *e, void (*run)(void *ctx, int pass), void *ctx);

typedef struct {
    uint64_t reads, bytes_read, writes, bytes_written, cost;
    uint64_t max_depth; /* bytes (D + w, see above); 0 when reads == 0 */
    double sum_depth;   /* bytes; mean = sum_depth / reads.  Exact below 2^53. */
    uint64_t hist[64];  /* hist[k] = reads whose depth d (= D + w) has floor(log2 d) == k */
} dmd_counts;

/* Regions: 0 is "temp" (values never stored into an array; trace values
 * without a REGION).  Phases: 0 is "(none)" (events outside every phase);
 * nested phases are attributed to the innermost name.  Names are owned by the
 * engine and live until dmd_engine_free. */
int dmd_engine_nregions(const dmd_engine *e);
const char *dmd_engine_region_name(const dmd_engine *e, int r);
int dmd_engine_nphases(const dmd_engine *e);
const char *dmd_engine_phase_name(const dmd_engine *e, int p);
/* The counts of one (phase, region) cell; valid until the next event. */
const dmd_counts *dmd_engine_counts(const dmd_engine *e, int phase, int region);
/* Sum of all cells (exact: integer fields add, max of maxima, hist adds). */
void dmd_engine_total(const dmd_engine *e, dmd_counts *out);
/* Sum of the cells of one region over all phases / of one phase over all regions. */
void dmd_engine_region_total(const dmd_engine *e, int region, dmd_counts *out);
void dmd_engine_phase_total(const dmd_engine *e, int phase, dmd_counts *out);
/* out += c */
void dmd_counts_add(dmd_counts *out, const dmd_counts *c);
/* The model and options the engine was made with. */
const dmd_options *dmd_engine_options(const dmd_engine *e);

/* Per call site rows (only when per_site was set; 0 rows otherwise).  file is
 * the __FILE__ string of the hook (NULL for the event API), phase an index as
 * above.  Reads are attributed to the site of the instruction (value models)
 * or of the LD (lru); writes to the site of the instruction (value models) or
 * of the ST (lru). */
int dmd_engine_nsites(const dmd_engine *e);
void dmd_engine_site(const dmd_engine *e, int i, const char **file, int *line, int *phase, const dmd_counts **c);
/* The region of site row i: rows are kept per (file, line, phase, region), so
 * one source line that reads several arrays (a shared inline helper) gives
 * one row per array. */
int dmd_engine_site_region(const dmd_engine *e, int i);

/* U(n) = sum_{k=1..n} ceil(sqrt(k)), exact closed form (any n < 2^64 whose
 * result fits in 64 bits, i.e. n < about 2^41). */
uint64_t dmd_U(uint64_t n);
/* Cost of reading an element of w bytes with D bytes above it: U(D+w) - U(D). */
uint64_t dmd_read_cost(uint64_t D, uint64_t w);

/* ---------------------------------------------------------------------------
 * Event API: feed values directly (no addresses).  Value models only (the
 * lru model prices addresses and aborts here).  Same pass protocol as the
 * hooks: call the same sequence of events in every pass.
 * ------------------------------------------------------------------------- */
/* Index of the region called name (created on first use; "temp" is 0), or
 * -1 when it would be region number 32768 (the limit). */
int dmd_engine_region(dmd_engine *e, const char *name);
#define DMD_MAX_REGIONS 0x7FFF
/* Push a new value of `bytes` bytes (1 .. 2^20) belonging to `region`; free.
 * is_write: 1 for an instruction's result (counted as a write of its bytes),
 * 0 for an input (eager init, not counted).  Returns its id (1, 2, ...), or 0
 * when the value does not fit the engine's limits -- more than 4 GiB of live
 * data or 2^28 - 2^21 live values on the stack, or more values than the
 * budget (max_values) -- with the reason in dmd_engine_error(e); nothing is
 * pushed then (abandon the pass). */
uint32_t dmd_engine_push(dmd_engine *e, uint32_t bytes, int region, int is_write);
/* 0, or the errno of the first failed write of the trace output (trace_out
 * or DMD_TRACE_OUT: a full disk; ENOMEM when the writer could not be made).  Such a failure does not stop the pricing;
 * the trace is incomplete (DMD_TRACE_OUT's temporary file is removed) and the
 * caller should report it and fail. */
int dmd_engine_trace_error(const dmd_engine *e);
/* Why the last refused dmd_engine_push was refused, or why the hooks' results
 * are void (more than 4 GiB of live data: the hooks cannot refuse, so the
 * run goes on and the caller must check this after the last pass and not
 * report the results); NULL if neither happened. */
const char *dmd_engine_error(const dmd_engine *e);
/* One instruction reading ids[0..n-1] (1 <= n <= DMD_MAX_OPERANDS; repeats
 * allowed), priced simultaneously.  Every id must be on the stack (callers
 * validate; the engine aborts with a message otherwise). */
#define DMD_MAX_OPERANDS (1 << 22)
void dmd_engine_read(dmd_engine *e, const uint32_t *ids, int n);
/* The value stays live to the end (live model; a no-op for classic). */
void dmd_engine_output(dmd_engine *e, uint32_t id);
/* Number of values created so far in this pass. */
uint32_t dmd_engine_nvalues(const dmd_engine *e);

/* Observers of the pricing pass (dmdprof ir, the dmdtrace writer): the engine
 * calls them for every event of the pass that prices (live: pass 1; classic,
 * lru: pass 0), never on the per-read fast path of an engine without
 * observers.  NULL members are skipped.  depth is D + w (bytes).
 *   push     a value pushed (value models); region DMD_REGION_PENDING: a
 *            classic hook result whose region is known at its first store
 *            (then `settle`), or at the next event that is not that store;
 *   read     one priced operand (value models), in operand order;
 *   instr    the instruction those operands belong to, after its reads;
 *   retire   a value left the stack (live);
 *   output   a value declared output;
 *   settle   a pending value joined region at its first store (classic hooks);
 *   phase    a phase began (begin 1) or ended (0); at the start of the pass
 *            the phase already open is begun, at its end every phase still
 *            open is ended, so the calls are balanced;
 *   addr     lru: an address event, kind DMD_ADDR_LOAD (priced: depth, cost),
 *            DMD_ADDR_STORE (is_write 0 for an input), DMD_ADDR_DROP, of the
 *            element of `bytes` bytes at address addr in region;
 *   end      the pass ended (the last event). */
#define DMD_REGION_PENDING (-1)
enum { DMD_ADDR_LOAD = 0, DMD_ADDR_STORE = 1, DMD_ADDR_DROP = 2 };
typedef struct {
    void *ctx;
    void (*push)(void *ctx, uint32_t id, uint32_t bytes, int region, int is_write);
    void (*read)(void *ctx, uint32_t id, uint64_t depth, uint32_t bytes, uint64_t cost);
    void (*retire)(void *ctx, uint32_t id);
    void (*output)(void *ctx, uint32_t id);
    void (*instr)(void *ctx, const uint32_t *ids, int n);
    void (*settle)(void *ctx, uint32_t id, int region);
    void (*phase)(void *ctx, const char *name, int begin);
    void (*addr)(void *ctx, int kind, uint64_t addr, uint32_t bytes, int region, int is_write, uint64_t depth,
                 uint64_t cost);
    void (*end)(void *ctx);
} dmd_observer;
/* The user's observer (one; NULL removes it).  The engine's own trace writer
 * (trace_out, DMD_TRACE_OUT) is a second observer beside it. */
void dmd_engine_set_observer(dmd_engine *e, const dmd_observer *obs);
#define DMD_MAX_OBSERVERS 2

/* ---------------------------------------------------------------------------
 * Address event API (lru only; the dmdtrace reader's address form).  A key
 * k >= 1 names one element (the reader numbers distinct addresses); addr is
 * what observers are told.  Same pass protocol (lru has one pass).
 * ------------------------------------------------------------------------- */
/* A store of key (bytes 1 .. 2^20, region): moves it to the top, or pushes
 * it; is_write 1 counts a write of its bytes, 0 is an input (free).  Returns
 * 0, or -1 with the reason in dmd_engine_error (bytes differ from the key's
 * size on the stack, the stack's limits); nothing is done then. */
int dmd_engine_addr_store(dmd_engine *e, uint32_t key, uint64_t addr, uint32_t bytes, int region, int is_write);
/* A load of key: priced at its depth, counted in region, moved to the top.
 * Returns 0, or -1 (key not on the stack: never stored, or dropped; bytes
 * differ) with the reason in dmd_engine_error. */
int dmd_engine_addr_load(dmd_engine *e, uint32_t key, uint64_t addr, uint32_t bytes, int region);
/* Remove key from the stack (free; nothing if it is not there). */
void dmd_engine_addr_drop(dmd_engine *e, uint32_t key, uint64_t addr);

#ifdef __cplusplus
}
#endif
#endif /* DMD_ENGINE_H */
