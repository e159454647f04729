/* dmdp_int.h -- private to probes/: the PAPI part seen by dmdp.c. */
#ifndef DMDP_INT_H
#define DMDP_INT_H

#include "dmdp.h"

#define DMDP__REASON_MAX 320
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
    char skipped[DMDP__MAX_EV]; /* automatic SDE left out (component full): no rows, not missing */
    char reason[DMDP__MAX_EV][DMDP__REASON_MAX];
    int ncounted;
    int nsets;
    struct {
        int eventset, cidx, n, multiplexed;
        int ev[DMDP__MAX_EV]; /* (n) event indices, in the set's order */
    } sets[DMDP__MAX_SETS];
    int multiplexed;          /* some set needed multiplexing (values are estimates) */
    char note[DMDP__REASON_MAX]; /* a run-wide finding (PAPI absent, under Valgrind), "" if none */
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

#endif
