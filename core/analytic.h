/*
 * analytic.h -- closed-form estimates of the ByteDMD cost of the W_hh reads
 * and of the hidden-state reads of one BPTT training step, under the classic
 * and lru models, as functions of T, H, B, I, O and the bytes per element w.
 * The derivation is in docs/analytic-model.md; the functions follow it term
 * by term.
 */
#ifndef DMDPROF_ANALYTIC_H
#define DMDPROF_ANALYTIC_H

#include <stdint.h>

#include "dmd_engine.h"

typedef struct {
    int T, H, B, I, O, K;
    unsigned w;  /* bytes per element */
    int clipped; /* the step clipped its gradient (classic: one more value per parameter) */
} an_dims;

typedef struct {
    double whh;    /* cost of all reads of W_hh in one step */
    double hidden; /* cost of all reads of the hidden states h (both layouts) */
} an_estimate;

/* Estimate for one training step from the eager init (what `measure
 * --steps 1` prices) under model m: 0, or -1 for DMD_LIVE (no closed form
 * here) and for sizes out of range. */
int an_estimate_step(dmd_model m, const an_dims *d, an_estimate *out);

/* One region's estimated cost (an_estimate_gated). */
typedef struct {
    const char *region; /* a region name of the cell's table (static) */
    double cost;
} an_term;

/* The gated cells (cell "lstm"; "gru"): estimates of one training step's cost of the reads of
 * each recurrent gate matrix, of the hidden states h and (lstm) of the cell state c, under
 * lru, from the eager init, K = 1 target step (docs/analytic-model.md, "The gated cells").
 * Returns the number of terms written to out (at most max), or -1 when there is no closed
 * form (another model or cell, K > 1, T < 3, sizes out of range). */
int an_estimate_gated(dmd_model m, const char *cell, const an_dims *d, an_term *out, int max);

#endif
