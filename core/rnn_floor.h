/*
 * rnn_floor.h -- data-movement floors of a measured training step
 * (docs/floors.md): the order-independent floors of the algorithm (any
 * schedule of the vanilla cell), and the OPT floor of the measured event
 * stream (instrument/dmd_opt.h), per region and in total.  A floor that
 * cannot be computed is missing (-1 here, null in JSON), never 0.
 */
#ifndef DMDPROF_RNN_FLOOR_H
#define DMDPROF_RNN_FLOOR_H

#include <stdint.h>

#include "dmd_engine.h"
#include "dmd_opt.h"
#include "rnn.h"

typedef struct {
    int nreg;                /* the engine's regions */
    int64_t *oi;             /* [nreg] order-independent floor per region, -1 = none proved */
    int64_t oi_total;        /* sum of the proved region floors (a floor of the total), -1 = none */
    const char *oi_missing;  /* why there is none (static text), or NULL */
    int64_t *opt;            /* [nreg] OPT floor per region (that region alone), -1 = missing */
    int64_t opt_total;       /* OPT floor of the whole stream, -1 = missing */
    const char *opt_missing; /* why (static text), or NULL */
    double opt_seconds;      /* CPU time of all OPT solves (summed over threads) */
    uint64_t opt_reads;      /* reads priced by the total's solve */
    uint64_t opt_moves;      /* slot moves of the total's solve */
    uint64_t opt_ops;        /* tree operations (the work) of the total's solve */
} rnn_floors;

/* The order-independent floors of `steps` consecutive steps of m priced at
 * w bytes per element under `model`, written into f->oi (regions by e's
 * names).  Proved for the vanilla cell and the value models (live,
 * classic); otherwise missing with a reason. */
void rnn_floor_order_independent(const rnn_model *m, const dmd_engine *e, dmd_model model, unsigned w, int steps,
                                 rnn_floors *f);

/* Everything: the order-independent floors, then the OPT floors from the
 * recorder that observed e's pricing pass (rec NULL: missing).  region_opt
 * > 0: also solve each region that was read (one solve per region, on
 * region_opt threads), unless the total's solve failed.  Returns 0, -1 on
 * out-of-memory (f freed). */
int rnn_floors_compute(const rnn_model *m, const dmd_engine *e, dmd_opt *rec, unsigned w, int steps, int region_opt,
                       rnn_floors *f);
void rnn_floors_free(rnn_floors *f);

/* x above a floor: cost / floor, or NaN when the floor is missing or 0. */
double rnn_x_above(uint64_t cost, int64_t floor);

#endif
