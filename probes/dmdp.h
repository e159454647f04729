/*
 * dmdp.h -- probes: what the machine does while a phase runs (dmdprof).
 *
 * The probes subscribe to the phase annotation of instrument/dmd.h and know
 * nothing about RNNs nor about the pricing engine.  They offer:
 *
 *   timers     CLOCK_MONOTONIC seconds and call counts per phase (always on);
 *   PAPI       hardware (or any PAPI) events per phase, after a preflight that
 *              reports every event PAPI cannot count, with PAPI's reason;
 *   SDE        counters of the caller exported as PAPI software-defined events
 *              of the library "dmdprof" (sde:::dmdprof::NAME);
 *   Callgrind  collection toggled on inside phases and one dump per phase when
 *              the process runs under `valgrind --tool=callgrind
 *              --collect-atstart=no`; the dumps are summed per phase by
 *              dmdp_cg_parse();
 *   a writer of profiles in Callgrind's file format (dmdp_cg_write) so that
 *              callgrind_annotate and KCachegrind show any per-line counts.
 *
 * Attribution is EXCLUSIVE: a value counts toward the innermost phase open
 * while it was counted (phases are strictly nested, leaves named), so the rows
 * of all phases plus "outside" (between phases) add up to "total".
 *
 * A measurement that cannot be taken is missing: written as an empty CSV
 * field / JSON null, with its reason in the "missing" list, never as 0.
 */
#ifndef DMDP_H
#define DMDP_H

#include <stdio.h>

#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The events counted when neither --papi-events nor $PAPI_EVENTS says. */
#define DMDP_DEFAULT_EVENTS "PAPI_TOT_INS,PAPI_TOT_CYC,PAPI_L1_DCM,PAPI_L2_DCM,PAPI_L3_TCM"
#define DMDP_MAX_PHASES 32   /* distinct phase names one run may use */
#define DMDP_MAX_EVENTS 32   /* PAPI events in one list */
#define DMDP_MAX_SDE 512     /* SDE counters registered (the catalogue: 15 + 4 per region of every cell) */
#define DMDP_NAME_MAX 128    /* longest event or phase name */

/* 1 when the library was built with PAPI (DMDPROF_HAVE_PAPI), else 0. */
int dmdp_have_papi(void);
/* 1 when built with Callgrind client requests (DMDPROF_HAVE_VALGRIND). */
int dmdp_have_valgrind(void);
/* 1 when this process runs under Valgrind (0 when not built with it). */
int dmdp_under_valgrind(void);

typedef struct dmdp dmdp;

/* Start the probes and subscribe them to the phase annotation.
 *   papi_events: comma-separated PAPI event names; NULL -> $PAPI_EVENTS, or
 *                DMDP_DEFAULT_EVENTS when that is unset; "" or "none" -> no
 *                PAPI at all.  Keywords: "default" = DMDP_DEFAULT_EVENTS,
 *                "sde" = no listed event, only our SDE counters (below).  Under Valgrind PAPI is skipped (it would count the
 *                simulator) and its events are reported missing.
 *   quiet:       0 prints the preflight's findings on stderr, one line per
 *                unavailable event (or one line when PAPI is absent); 1 prints
 *                nothing (the findings are still in the JSON "missing" list).
 * Every SDE counter registered before this call (dmdp_sde_counter) is also
 * counted per phase through PAPI, as source "sde".  Call it outside every
 * phase, after registering the SDE counters.  Never fails fatally: returns NULL only when out of memory or
 * when the phase annotation has no free listener slot (message printed). */
dmdp *dmdp_start(const char *papi_events, int quiet);
/* Unsubscribe and take the final reading; totals are final afterwards. */
void dmdp_stop(dmdp *p);
/* Stop (if running) and free.  NULL is fine. */
void dmdp_free(dmdp *p);
/* 1 when every requested measurement was taken, 0 when something is missing. */
int dmdp_complete(const dmdp *p);

/* CSV rows (dmd_csv.h: RFC 4180, schema column first, DMDP_CSV_SCHEMA)
 * "schema,run_id,phase,source,event,value" (source timer | papi | sde |
 * energy); the header line first when header != 0; a missing value is an
 * empty field.  Phases in order of first appearance, then "outside" and
 * "total".  Returns 0, or -1 on a write error. */
#define DMDP_CSV_SCHEMA "dmdprof.probe_values/1"
int dmdp_write_csv(const dmdp *p, FILE *f, const char *run_id, int header);
/* {"phases":[..], "timer":{phase:{"seconds":s,"calls":n}},
 *  "papi":{"events":[..], "values":{phase:{event:value|null}}},
 *  "sde":{"events":[..], "values":{phase:{NAME:value|null}}} (read through PAPI),
 *  "missing":[{"source":..,"event":..,"reason":..}], "complete":bool}.
 * New reference owned by the caller (json_decref). */
json_t *dmdp_json(const dmdp *p);

/* ---------------------------------------------------------------------
 * Software-defined events.  Registers sde:::dmdprof::NAME whose value is
 * fn(ctx), computed each time a PAPI client reads it (a live counter).  The
 * value should only grow while the process runs (PAPI reports differences
 * between reads).  NAME: letters, digits and '_' ':' '.' '-' only, at most
 * DMDP_NAME_MAX-1 characters (dmdp_sde_name builds such names).  Returns 0; -1
 * with a message on stderr when the name is invalid or the SDE library
 * refused; -2 (silently) when not built with PAPI.  fn and ctx must stay
 * valid until the process exits or dmdp_sde_unregister(NAME). */
int dmdp_sde_counter(const char *name, const char *description, long long (*fn)(void *ctx), void *ctx);
/* The same; auto_count = 0 exports the counter without counting it per phase
 * automatically (PAPI 7.0's sde component counts at most 40 at once): it is
 * counted when named in the event list (sde:::dmdprof::NAME). */
int dmdp_sde_counter_ex(const char *name, const char *description, long long (*fn)(void *ctx), void *ctx,
                        int auto_count);
int dmdp_sde_unregister(const char *name);
/* Every counter registered so far, one "NAME<TAB>DESCRIPTION" line each: the
 * list that libdmdprof_sde.so (see docs/probes.md) hands to
 * `papi_native_avail -sde`.  Returns 0, or -1 on a write error. */
int dmdp_sde_write_list(FILE *f);
/* Join parts with "::" into out (size n), replacing every character that is
 * not allowed in an SDE name by '_'.  Returns 0, or -1 when it does not fit.
 * Example: {"cost","W_hh","backward"} -> "cost::W_hh::backward". */
int dmdp_sde_name(char *out, size_t n, const char *const *parts, int nparts);

/* ---------------------------------------------------------------------
 * Preflight report for `dmdprof probes`: prints PAPI's components (enabled or
 * why not) and, for each event of the list (NULL -> $PAPI_EVENTS or the
 * defaults), whether it can be counted here and why not.  Returns the number
 * of events that can be counted (0 when built without PAPI). */
int dmdp_papi_report(FILE *f, const char *papi_events);

/* ---------------------------------------------------------------------
 * Callgrind dumps.  The summed counts of a set of dump files written by a
 * process that ran with these probes under Callgrind.  A dump's trigger
 * ("desc: Trigger: Client Request: NAME") names its phase; dumps triggered
 * otherwise (program termination, zero counts) go to phase "outside". */
#define DMDP_CG_MAX_EVENTS 24
typedef struct {
    char name[DMDP_NAME_MAX];
    long dumps;                                 /* dumps summed into this row */
    unsigned long long v[DMDP_CG_MAX_EVENTS];   /* (nevents) */
} dmdp_cg_phase;
typedef struct {
    int nevents;
    char events[DMDP_CG_MAX_EVENTS][16];        /* from the dumps' events: line */
    char caches[3][128];                        /* the "desc: I1/D1/LL cache:" lines */
    int nphases;
    dmdp_cg_phase phases[DMDP_MAX_PHASES + 1];  /* first-appearance order; "outside" last */
} dmdp_cg_sums;
/* Parse and sum nfiles dump files.  Returns 0; or -1 with one line naming
 * the file, the line and what is wrong in err (size errlen): unreadable file,
 * no "events:" line, events differing between dumps, a malformed summary. */
int dmdp_cg_parse(const char *const *files, int nfiles, dmdp_cg_sums *out, char *err, size_t errlen);
/* The same CSV layout (DMDP_CSV_SCHEMA): rows "run_id,phase,callgrind,EVENT,
 * value" (all events), then phase "total"; s NULL: the header alone
 * (nothing measured: no rows, never zeros).  Returns 0, or -1 on a write
 * error. */
int dmdp_cg_write_csv(const dmdp_cg_sums *s, FILE *f, const char *run_id, int header);
/* {"events":[..], "caches":[..], "phases":{name:{"dumps":n, EVENT:v..}}, "total":{..}} */
json_t *dmdp_cg_json(const dmdp_cg_sums *s);

/* ---------------------------------------------------------------------
 * Writer of the Callgrind profile format (one part, "positions: line").
 * Rows with the same (file, fn, line) are summed; files and functions are
 * written in order of first appearance, lines ascending.  value[] has
 * nevents entries.  A row with a caller is also a call edge: caller calls fn
 * at (file, line), and the call's inclusive cost is the sum of such rows
 * (so callgrind_annotate --inclusive=yes and KCachegrind show the caller's
 * inclusive cost); the totals count every row once.  event names:
 * [A-Za-z][A-Za-z0-9_]* (Callgrind's rule); event_descr may be NULL or hold
 * NULLs.  Returns 0, or -1 (message on stderr) on an invalid event name, a
 * negative line, a function calling itself, or a write error. */
typedef struct {
    const char *file;                   /* source file path, as the tools should open it */
    int line;                           /* 1-based; 0 = unknown line */
    const char *fn;                     /* function (or phase) name */
    const unsigned long long *values;   /* (nevents) */
    const char *caller;                 /* NULL, or the function that calls fn at this line */
} dmdp_cg_row;
int dmdp_cg_write(FILE *f, const char *cmd, int nevents, const char *const *event_names,
                  const char *const *event_descr, int nrows, const dmdp_cg_row *rows);
/* The same rows in Cachegrind's format (cg_annotate, cg_diff, cg_merge):
 * "desc:" lines (desc: NULL-terminated, may be NULL), "cmd:", "events:",
 * fl=/fn= blocks of "LINE COUNTS..." and "summary:".  Callers are ignored
 * (the format has no calls). */
int dmdp_cachegrind_write(FILE *f, const char *cmd, const char *const *desc, int nevents,
                          const char *const *event_names, int nrows, const dmdp_cg_row *rows);

#ifdef __cplusplus
}
#endif
#endif /* DMDP_H */
