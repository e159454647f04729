/*
 * dmd_opt.h -- the optimal-eviction floor of a priced event stream (libdmd).
 *
 * The cost of the SAME events (the same instructions reading the same values
 * in the same order, the same pushes) under the best possible stack policy
 * instead of LRU: Belady's OPT, which keeps the values needed soonest nearest
 * the top.  docs/floors.md states the rules, proves that the result is a
 * lower bound of the live model's cost for this event order, and gives the
 * algorithm; in short, for the live model:
 *
 *   - pushes (inputs, instruction results) land on top, as in ByteDMD;
 *     a value that is never read and is not an output never enters;
 *   - an instruction's operands are priced together against the stack before
 *     it (as in ByteDMD); then each surviving operand moves up to where its
 *     next use ranks it (Belady with bypass: for every cache size c it enters
 *     the top c only if it is not the value needed last among them);
 *   - a value read for the last time leaves; the hole it leaves is filled by
 *     the value needed soonest from below, whose hole is filled the same way
 *     (liveness compaction, with OPT's choice of what slides up).
 *
 * Every stack of every policy with these entry rules -- LRU, as priced by the
 * live model, is one -- costs at least as much at every cache size at once,
 * hence in ByteDMD cost (docs/floors.md).
 *
 * A region floor ("the least cost the values of region R could have had"):
 * the same, with every value outside R worthless (next use never), so OPT
 * always evicts those first; the sum of the region floors is at most the
 * total floor.
 *
 * Use: attach a recorder to a live engine before its pricing pass, run the
 * passes, then solve.  The recorder keeps 4 bytes per event word (one per
 * operand, push and instruction) in memory plus 4 per word to solve; past
 * max_words it stops and every floor is missing (NULL / -1, never 0).
 *
 * Complexity: an access moves the chain of its prefix-maximum records (a
 * death: the chain of suffix minima), often most of the stack; the stack
 * is a balanced tree (a treap with implicit positions) in which a run of
 * adjacent chain slots shifts as one block, so the work is O(log V) per
 * gap in the chain, not per slot moved (V = live values; docs/floors.md
 * gives the measured work and speed).
 */
#ifndef DMD_OPT_H
#define DMD_OPT_H

#include <stdint.h>

#include "dmd_engine.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dmd_opt dmd_opt;

/* A recorder; max_words 0 = DMD_OPT_DEFAULT_WORDS.  NULL on out-of-memory. */
#define DMD_OPT_DEFAULT_WORDS (1ull << 25)
dmd_opt *dmd_opt_new(uint64_t max_words);
void dmd_opt_free(dmd_opt *o);

/* Observe engine e's pricing pass (sets e's observer; the live model only:
 * under classic or lru every floor is missing with a reason). */
void dmd_opt_attach(dmd_opt *o, dmd_engine *e);

/* The event API the observer feeds (and tests feed directly).  Values get
 * ids 1, 2, ... in push order; push returns the id (0 once the budget is
 * exceeded).  bytes must be the same for every value (otherwise the floors
 * are missing: OPT with mixed sizes is not a stack algorithm). */
uint32_t dmd_opt_push(dmd_opt *o, uint32_t bytes, int region);
void dmd_opt_read(dmd_opt *o, const uint32_t *ids, int n); /* one instruction */
void dmd_opt_output(dmd_opt *o, uint32_t id);
/* A work budget for each solve: at most max_work balanced-tree operations
 * (0 = no limit; about 1e7 per CPU second); past it the solve stops and the
 * floor is missing (why says so).  The default is DMD_OPT_DEFAULT_WORK. */
#define DMD_OPT_DEFAULT_WORK 100000000ull
void dmd_opt_set_budget(dmd_opt *o, uint64_t max_work);
uint64_t dmd_opt_budget(const dmd_opt *o);
/* Mark the recording unusable (the floors are missing, why says why). */
void dmd_opt_refuse(dmd_opt *o, const char *why);

/* NULL when the floors can be computed, else why not (static text). */
const char *dmd_opt_missing(const dmd_opt *o);

typedef struct {
    uint64_t cost;        /* of the values counted (all, or region R's) */
    uint64_t reads;       /* operand reads counted */
    uint64_t moves;       /* slot moves made (values whose slot changed) */
    uint64_t ops;         /* balanced-tree operations (the algorithm's work) */
    double seconds;       /* CPU time of the solve */
} dmd_opt_result;

/* Solve.  region < 0: the OPT stack of all values; per_region (may be NULL,
 * else nregions entries, zeroed here) receives each region's share of its
 * cost -- an attribution, NOT a floor of that region.  region >= 0: the
 * floor of that region alone (per_region ignored).  Returns 0, or -1 when
 * the floors are missing (dmd_opt_missing). */
int dmd_opt_solve(dmd_opt *o, int region, uint64_t *per_region, int nregions, dmd_opt_result *res);

/* The floors of regions[0..n-1], each alone (as dmd_opt_solve(o, region)),
 * on up to `threads` threads (at most DMD_OPT_MAX_THREADS), sharing one
 * backward pass.  Each solve has the budget of dmd_opt_set_budget; shared >
 * 0 also bounds their sum in region order: the floor of regions[k] is found
 * only if the solves of regions[0..k-1] took fewer than `shared` tree
 * operations, so which floors are found never depends on the threads.
 * res[k] and why[k] (NULL when found, else why the floor of regions[k] is
 * missing; static text) for each k.  Returns 0 when every floor was found,
 * else -1.  The recording is only read. */
#define DMD_OPT_MAX_THREADS 16
int dmd_opt_solve_regions(dmd_opt *o, const int *regions, int n, int threads, uint64_t shared, dmd_opt_result *res,
                          const char **why);

#ifdef __cplusplus
}
#endif
#endif
