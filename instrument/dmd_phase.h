/*
 * dmd_phase.h -- the phase annotation of dmdprof (libdmd's marker API).
 *
 * One annotation drives every probe: a kernel marks its phases ("forward",
 * "backward", "update") with begin/end pairs, and listeners -- the ByteDMD
 * engine, PAPI event sets, Callgrind toggles, timers -- subscribe at run time.
 * Kept apart from the hook macros of dmd.h (as LIKWID keeps its marker header
 * apart from the library) so that a probe or a program that only marks
 * phases includes nothing else: no macro of dmd.h, no engine.  dmd.h includes
 * this header, so a kernel written with the hooks needs only dmd.h.
 *
 * Defined in dmd_phase.c (library target `dmd_phase`, also inside libdmd),
 * which is tiny and has no dependencies.  Not thread-safe: one training step
 * runs on one thread.
 */
#ifndef DMD_PHASE_H
#define DMD_PHASE_H

#ifdef __cplusplus
extern "C" {
#endif

/* Strictly nested begin/end pairs with the same name; names are short
 * leaves.  Listeners are called in subscription order on begin and in
 * reverse order on end. */
typedef void (*dmd_phase_listener)(void *ctx, const char *name, int begin);

/* Enter / leave a phase.  A mismatched end (name differs from the innermost
 * open phase) or nesting deeper than DMD_PHASE_MAX_DEPTH aborts with both
 * names: it is a programming error, not a run-time condition. */
void dmd_phase_begin(const char *name);
void dmd_phase_end(const char *name);
/* Subscribe fn(ctx, name, begin) to every phase transition; returns a handle
 * >= 0, or -1 when DMD_PHASE_MAX_LISTENERS are already subscribed. */
int dmd_phase_listen(dmd_phase_listener fn, void *ctx);
void dmd_phase_unlisten(int handle);
/* Innermost open phase name, or NULL outside every phase. */
const char *dmd_phase_current(void);
/* Number of open phases (0 when all pairs are closed). */
int dmd_phase_depth(void);
#define DMD_PHASE_MAX_DEPTH 16
#define DMD_PHASE_MAX_LISTENERS 8

#define DMD_PHASE_BEGIN(name) dmd_phase_begin(name)
#define DMD_PHASE_END(name) dmd_phase_end(name)

#ifdef __cplusplus
}
#endif
#endif /* DMD_PHASE_H */
