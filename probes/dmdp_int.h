/* dmdp_int.h -- private to probes/: the PAPI part seen by dmdp.c. */
#ifndef DMDP_INT_H
#define DMDP_INT_H

#include "dmdp.h"

#define DMDP__REASON_MAX 320

/* The events asked for, which of them are counted, and why the others not.
 * names/reason: (nev); ok[e] = 1 when event e is in the running event set,
 * slot[e] its position in the values PAPI_read returns. */
typedef struct {
    int nev;
    char names[DMDP_MAX_EVENTS][DMDP_NAME_MAX];
    int ok[DMDP_MAX_EVENTS];
    int slot[DMDP_MAX_EVENTS];
    char reason[DMDP_MAX_EVENTS][DMDP__REASON_MAX];
    int ncounted;      /* events in the running set */
    int eventset;      /* PAPI event set, -1 when none */
    int multiplexed;   /* 1 when the set needed multiplexing (values are estimates) */
    char note[DMDP__REASON_MAX]; /* a run-wide finding (PAPI absent, under Valgrind), "" if none */
} dmdp__papi;

/* Split the comma list (NULL -> $PAPI_EVENTS or the defaults) into pp->names;
 * returns 0, or 1 when the list says "none"/"" (no PAPI wanted). */
int dmdp__papi_parse(dmdp__papi *pp, const char *list);
/* Preflight every event, build and start one event set of those that can be
 * counted.  Never fails: what cannot be counted gets a reason.  Prints one
 * line per unavailable event on stderr unless quiet. */
void dmdp__papi_open(dmdp__papi *pp, int quiet);
/* Current values of the counted events into vals[slot]; 0, or -1 if the read
 * failed (the caller then marks the values missing). */
int dmdp__papi_read(dmdp__papi *pp, long long *vals);
void dmdp__papi_close(dmdp__papi *pp);

#endif
