/*
 * rnn_kernel.h -- the arguments of a cell's step kernels (the vanilla one is
 * rnn_kernel.c, compiled four times: plain f64, plain f32, instrumented f64,
 * instrumented f32).  Internal to core/ (the public API is rnn.h, the cell
 * tables are cell.h).  The kernel reads sizes, settings and buffers from the
 * model itself (m->cfg, m->dims, the views m->pv / m->gv / m->mv over the
 * parameter, gradient and momentum buffers, the workspace m->st); these
 * arguments are only what changes from one call to the next.
 */
#ifndef DMDPROF_RNN_KERNEL_H
#define DMDPROF_RNN_KERNEL_H

#include <stddef.h>

#include "rnn.h"

/* The kernel's tile (OPERATION ORDER in rnn_kernel.c): rows in blocks of
 * RNN_TILE_ROWS, columns in blocks of RNN_TILE_COLS, then 8, 4, 2, 1.  The
 * analytic model (analytic.c) walks the same tiles. */
#define RNN_TILE_ROWS 4
#define RNN_TILE_COLS 16

typedef struct rnn_kargs {
    const rnn_model *m;
    double lr, mu;    /* this step's learning rate and momentum */
    int update;       /* 0: stop after the backward pass (gradient only) */
    int backward;     /* 0: stop after the forward pass (loss only) */
    double *dh_norm2; /* (T) or NULL: sum of squares of dL/dh_t (diagnostic, not priced) */
    int declare;      /* instrumented build: register regions and declare params/momentum */
    long *sat_count;  /* or NULL: a schedule that does not keep every h_t counts |h_t| > 0.99 here (diagnostic) */
} rnn_kargs;

typedef struct rnn_kout {
    double loss;
    double grad_norm;
    int clipped;
} rnn_kout;

void rnn_kernel_f64(const rnn_kargs *a, rnn_kout *o);
void rnn_kernel_f32(const rnn_kargs *a, rnn_kout *o);
void rnn_kernel_f64_dmd(const rnn_kargs *a, rnn_kout *o);
void rnn_kernel_f32_dmd(const rnn_kargs *a, rnn_kout *o);
/* The other schedules of the vanilla cell (rnn_sched.c; plain ones
 * dispatch to the instruction-set clone, rnn_sched_isa.c). */
#define RNN__SCHED_DECL(name)                                                                                     \
    void name##_f64(const rnn_kargs *a, rnn_kout *o);                                                             \
    void name##_f32(const rnn_kargs *a, rnn_kout *o);                                                             \
    void name##_f64_dmd(const rnn_kargs *a, rnn_kout *o);                                                         \
    void name##_f32_dmd(const rnn_kargs *a, rnn_kout *o);
RNN__SCHED_DECL(rnn_sched_dwafter)
RNN__SCHED_DECL(rnn_sched_alt)
RNN__SCHED_DECL(rnn_sched_fused)
RNN__SCHED_DECL(rnn_sched_ckpt)
/* The gru and lstm cells' steps (rnn_gru.c, rnn_lstm.c; plain ones dispatch like the schedules). */
RNN__SCHED_DECL(rnn_gru)
RNN__SCHED_DECL(rnn_lstm)
/* Instrumented, any cell: the updated parameters and momentum are the
 * outputs of a measurement (called once, after its last step). */
void rnn_kernel_outputs_f64_dmd(const rnn_model *m);
void rnn_kernel_outputs_f32_dmd(const rnn_model *m);

#endif
