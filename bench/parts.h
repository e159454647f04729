/*
 * bench/parts.h -- the interface between bench/parts_bench.c (the program)
 * and bench/parts_clone.c (compiled once per kernel clone: the parts timed
 * with that clone's tiles and tanh).
 */
#ifndef DMDPROF_BENCH_PARTS_H
#define DMDPROF_BENCH_PARTS_H

typedef struct {
    int B, H, I; /* batch, hidden size, input size (the forward product's shape) */
    int trials;  /* timed trials per part (best and median taken) */
} parts_cfg;

typedef struct {
    int TR, TC;                    /* the clone's full tile: TR rows x TC columns */
    double tile_best, tile_med;    /* full tiles alone: GFLOP/s per CPU second */
    double fwd_best, fwd_med;      /* the forward product as the kernel walks it (edges included) */
    double dh_best, dh_med;        /* the backward's dh product (dz_{t+1} W_hh, dh_tile) */
    double dw_best, dw_med;        /* the backward's dW_hh product (dz_t^T h_{t-1}, grad_tile) */
    double tanh_best, tanh_med;    /* rnn_tanh_arr over B*H elements: ns per element */
    long mismatch[4];              /* fwd, dh, dW_hh, tanh: elements whose bits differ from the scalar chains */
} parts_res;

/* 0, or -1 when the buffers cannot be allocated. */
int parts_run_avx512(const parts_cfg *c, parts_res *r);
int parts_run_avx2(const parts_cfg *c, parts_res *r);

#endif
