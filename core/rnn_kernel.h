/*
 * rnn_kernel.h -- the arguments of the one BPTT kernel source
 * (rnn_kernel.c), compiled four times: plain f64, plain f32, instrumented
 * f64, instrumented f32.  Internal to core/ (the public API is rnn.h).
 * Array arguments are void* in the kernel's element type (double or float).
 */
#ifndef DMDPROF_RNN_KERNEL_H
#define DMDPROF_RNN_KERNEL_H

#include <stddef.h>

typedef struct {
    int T, B, I, H, O, K;
    int regression; /* 1: O == 1, MSE; 0: softmax cross-entropy */
    int relu;       /* activation relu instead of tanh */
    int nesterov;
    int update;     /* 0: stop after the backward pass (gradient only) */
    int backward;   /* 0: stop after the forward pass (loss only) */
    double lr, mu;  /* this step's learning rate and momentum */
    double clip;    /* global-norm threshold, 0 = off */
    size_t P;
    size_t off[5];  /* W_ih, W_hh, b_h, W_hy, b_y */
    void *params, *grads, *mom; /* (P) */
    void *x;        /* (T, I, B) */
    void *y;        /* (B, K) or NULL */
    const int *labels; /* (B, K) or NULL */
    void *h;        /* (2, H, B) ring + (T, B, H) */
    void *dh;       /* (B, H) */
    void *dz;       /* (2, B, H) */
    void *logits;   /* (K, O, B) + (K, B, O) */
    double *dh_norm2; /* (T) or NULL: sum of squares of dL/dh_t (diagnostic, not priced) */
    int declare;    /* instrumented build: register regions and declare params/momentum */
} rnn_kargs;

typedef struct {
    double loss;
    double grad_norm;
    int clipped;
} rnn_kout;

typedef void (*rnn_kernel_fn)(const rnn_kargs *a, rnn_kout *o);
void rnn_kernel_f64(const rnn_kargs *a, rnn_kout *o);
void rnn_kernel_f32(const rnn_kargs *a, rnn_kout *o);
void rnn_kernel_f64_dmd(const rnn_kargs *a, rnn_kout *o);
void rnn_kernel_f32_dmd(const rnn_kargs *a, rnn_kout *o);
void rnn_kernel_outputs_f64_dmd(const rnn_kargs *a);
void rnn_kernel_outputs_f32_dmd(const rnn_kargs *a);

#endif
