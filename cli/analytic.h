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

/* Estimate for one steady-state training step (parameters reused from the
 * previous step) under model m (DMD_CLASSIC or DMD_LRU; returns -1 for
 * DMD_LIVE, which has no closed form here). */
int an_estimate_step(dmd_model m, const an_dims *d, an_estimate *out);

/* The price of reading a w-byte element with D elements (D*w bytes) above
 * it: U((D+1)w) - U(Dw), D rounded to a whole number. */
double an_read_cost(double D, double w);

#endif
