/* dmdp_int.h -- private to probes/: the PAPI part seen by dmdp.c. */
#ifndef DMDP_INT_H
#define DMDP_INT_H

#include "dmdp.h"

#define DMDP__REASON_MAX 320
#define DMDP__NOTE_MAX 1024
#define DMDP__MAX_EV (DMDP_MAX_EVENTS + DMDP_MAX_SDE) /* listed events + our SDE counters */
#define DMDP__MAX_SETS 8                                /* one event set per PAPI component */

/* The events asked for, which of them are counted, and why the others not.
 * Events 0..nlisted-1 come from the event list (source 'p'); the rest are
 * the SDE counters registered with dmdp_sde_counter (source 's', names
 * without the "sde:::dmdprof::" prefix).  All arrays: (DMDP__MAX_EV). */
typedef struct {
    int nev, nlisted;
    char names[DMDP__MAX_EV][DMDP_NAME_MAX];
    char source[DMDP__MAX_EV];
    int ok[DMDP__MAX_EV];     /* 1 when counted by one of the running sets */
    int alias[DMDP__MAX_EV];  /* index of an earlier event with the same code, or -1 */
    int cidx[DMDP__MAX_EV];   /* PAPI component of a counted event */
    char skipped[DMDP__MAX_EV]; /* automatic SDE left out (component full): no rows, not missing */
    char instant[DMDP__MAX_EV]; /* "NAME=instant" (PAPI_EVENTS' qualifier): the value read, not a difference */
    char bad_qualifier[DMDP__MAX_EV]; /* "NAME=X" with X not instant/delta: missing */
    char reason[DMDP__MAX_EV][DMDP__REASON_MAX];
    int ncounted;
    int nsets;
    struct {
        int eventset, cidx, n, multiplexed;
        int ev[DMDP__MAX_EV]; /* (n) event indices, in the set's order */
    } sets[DMDP__MAX_SETS];
    int multiplexed;          /* some set needed multiplexing (values are estimates) */
    int want_energy;          /* the list said "energy" (powercap zones per phase) */
    char note[DMDP__NOTE_MAX]; /* a run-wide finding (PAPI absent, under Valgrind, no PMU), "" if none */
} dmdp__papi;

/* Split the comma list (NULL -> $PAPI_EVENTS or the defaults) into pp->names;
 * returns 0, or 1 when the list says "none"/"" (no PAPI wanted). */
int dmdp__papi_parse(dmdp__papi *pp, const char *list);
/* Append the registered SDE counters (source 's'). */
void dmdp__papi_add_sde(dmdp__papi *pp);
/* Preflight every event, build and start one event set per component of
 * those that can be counted.  Never fails: what cannot be counted gets a
 * reason.  Prints one line per unavailable listed event unless quiet. */
void dmdp__papi_open(dmdp__papi *pp, int quiet);
/* Current values of the counted events into vals[e] (e = event index); 0, or
 * -1 if a read failed (the caller then marks the values missing). */
int dmdp__papi_read(dmdp__papi *pp, long long *vals);
void dmdp__papi_close(dmdp__papi *pp);
/* 1 when /sys/bus/event_source/devices ($DMDP_EVENT_SOURCE_DIR in tests)
 * lists no CPU PMU, i.e. the kernel exposes no hardware counters; out (size
 * n) then says so, what the directory holds, and what would make counters
 * available.  0 (out empty) when a CPU PMU exists or the directory is absent. */
int dmdp__no_cpu_pmu(char *out, size_t n);
/* The CPU's PAPI component name and model string, for the high-level output
 * ("" when not built with PAPI). */
void dmdp__papi_hw(char *model, size_t n, int *max_mhz, int *min_mhz);
/* PAPI component of event e ("sde", "perf_event", ...; "" when unknown). */
const char *dmdp__papi_component(const dmdp__papi *pp, int e);
/* A cycle counter (PAPI_get_real_cyc), 0 without PAPI. */
long long dmdp__papi_cycles(void);


/* Energy counters of the powercap framework (RAPL on Intel and AMD):
 * /sys/class/powercap/ZONE/energy_uj ($DMDP_POWERCAP_DIR in tests). */
#define DMDP__MAX_ZONES 16
typedef struct {
    int nzones;
    char names[DMDP__MAX_ZONES][DMDP_NAME_MAX];  /* "ZONE/name", e.g. "intel-rapl:0/package-0" */
    char paths[DMDP__MAX_ZONES][640];
    int fds[DMDP__MAX_ZONES];                    /* energy_uj kept open, re-read with pread */
    long long range[DMDP__MAX_ZONES];           /* max_energy_range_uj: the counter wraps there */
    long long last[DMDP__MAX_ZONES];
    char reason[DMDP__REASON_MAX];               /* why there is no energy ("" when nzones > 0) */
} dmdp__energy;
/* Find the zones and take the first reading; returns the number of zones
 * (0 with the reason set). */
int dmdp__energy_open(dmdp__energy *en);
/* Microjoules since the last reading into d[z] (wraparound handled); 0, or
 * -1 when a read failed. */
int dmdp__energy_delta(dmdp__energy *en, long long *d);
/* Close the files (the zone names and counts stay). */
void dmdp__energy_close(dmdp__energy *en);
#endif
