/*
 * tasks.c -- generators, chance baselines and solve thresholds of the nine
 * long-term-dependency tasks.  The exact definitions (channels, what each
 * timestep holds, ranges of the cued positions) are in docs/tasks.md; the
 * comments on each generator below are the short form.
 *
 * Sizes: B batch, T sequence length, I input width, K target steps.
 * Timesteps are 0-based here (t = 0 .. T-1); the K target steps are the last
 * K, t = T-K .. T-1.
 *
 * Randomness: every generator consumes a fixed number of 64-bit draws per
 * sample (listed with each generator), so the stream position after a batch
 * depends only on (task, T, B).  Small integer choices therefore use the
 * multiply-shift map (x * n) >> 64 without rejection: its bias is below
 * n / 2^64 (< 1e-17 here), far under anything a test or a training run can
 * see.  Uniform values use rng_uniform (53 bits).
 */
#include "tasks.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__extension__ typedef unsigned __int128 task__u128;

#define TASK_RP_SYMBOLS 100 /* random_permutation vocabulary (Martens & Sutskever) */
/* noiseless_memorization (Martens & Sutskever 2011): N symbols of an
 * alphabet of A to recall; 5-bit: 5 bits; 20-bit: 10 symbols of 5 values */
#define TASK_NM_N5 5
#define TASK_NM_A5 2
#define TASK_NM_N20 10
#define TASK_NM_A20 5
/* multiplication (Hochreiter & Schmidhuber 1997, experiment 5) */
#define TASK_MULT_FIRST 10         /* X1 is one of the first ten pairs */
#define TASK_MULT_CHANCE (277.0 / 9600.0) /* 0.5 Var(X1 X2), X1 = 1 w.p. 1/10 */

static const task_info task__table[TASK_COUNT] = {
    /* name, I, O, regression, min_T, metric, higher_is_better, solve_threshold, encoding */
    [TASK_ADDITION] = {"addition", 2, 1, 1, 2, "mse", 0, 0.05, 1},
    /* 0.6 x chance, the same ratio as addition's 0.05 / (1/12).  Encoding 2:
     * H&S 1997's layout (1 was addition's with a product target) */
    [TASK_MULTIPLICATION] = {"multiplication", 2, 1, 1, 24, "mse", 0, 0.6 * TASK_MULT_CHANCE, 2},
    [TASK_XOR] = {"xor", 2, 2, 0, 2, "accuracy", 1, 0.95, 1},
    [TASK_TEMPORAL_ORDER] = {"temporal_order", 6, 4, 0, 10, "accuracy", 1, 0.90, 1},
    /* encoding 2: the seed's five one-hot channels (1 was four channels with a
     * scalar U[0,1) noise value) */
    [TASK_3BIT_MEMORIZATION] = {"3bit_memorization", 5, 8, 0, 5, "accuracy", 1, 0.90, 2},
    /* encoding 2: a target at every step, blank class (1: 5 recall steps, 2 classes) */
    [TASK_NOISELESS_MEMORIZATION] = {"noiseless_memorization", TASK_NM_A5 + 2, TASK_NM_A5 + 1, 0,
                                     2 * TASK_NM_N5 + 1, "accuracy", 1, 0.95, 2},
    [TASK_RANDOM_PERMUTATION] = {"random_permutation", TASK_RP_SYMBOLS, TASK_RP_SYMBOLS, 0, 2,
                                 "accuracy", 1, 0.95, 1},
    [TASK_NOISELESS_MEMORIZATION_20] = {"noiseless_memorization_20bit", TASK_NM_A20 + 2,
                                        TASK_NM_A20 + 1, 0, 2 * TASK_NM_N20 + 1, "accuracy", 1,
                                        0.95, 1},
    [TASK_TEMPORAL_ORDER_DENSE] = {"temporal_order_dense", 6, 4, 0, 10, "accuracy", 1, 0.90, 1},
};

static int task__id_ok(task_id t)
{
    return (int)t >= 0 && t < TASK_COUNT;
}

const task_info *task_get(task_id t)
{
    return task__id_ok(t) ? &task__table[t] : NULL;
}

const char *task_old_encoding(task_id t, int encoding)
{
    if (t == TASK_3BIT_MEMORIZATION && encoding == 1)
        return "the old 3bit_memorization encoding (4 input channels, scalar U[0,1) noise), "
               "not the seed's 5 one-hot channels";
    if (t == TASK_MULTIPLICATION && encoding == 1)
        return "the old multiplication layout (addition's markers, one in each half), "
               "not Hochreiter & Schmidhuber's";
    if (t == TASK_NOISELESS_MEMORIZATION && encoding == 1)
        return "the old noiseless_memorization (targets on the 5 recall steps only, 2 classes), "
               "not Martens & Sutskever's target at every step";
    return NULL;
}

int task_parse(const char *name)
{
    if (!name)
        return -1;
    for (int t = 0; t < TASK_COUNT; t++)
        if (strcmp(name, task__table[t].name) == 0)
            return t;
    return -1;
}

const char *task_names(void)
{
    return "addition,multiplication,xor,temporal_order,3bit_memorization,"
           "noiseless_memorization,random_permutation,noiseless_memorization_20bit,temporal_order_dense";
}

int task_out_steps(task_id t, int T)
{
    return t == TASK_NOISELESS_MEMORIZATION || t == TASK_NOISELESS_MEMORIZATION_20 ? T : 1;
}

int task_metric_steps(task_id t, int T)
{
    if (t == TASK_NOISELESS_MEMORIZATION)
        return TASK_NM_N5;
    if (t == TASK_NOISELESS_MEMORIZATION_20)
        return TASK_NM_N20;
    return task_out_steps(t, T);
}

int task_mult_min_len(int T)
{
    int T0 = (int)((long)T * 10 / 11);
    while ((T0 + 1) + (T0 + 1) / 10 <= T)
        T0++;
    while (T0 > 0 && T0 + T0 / 10 > T)
        T0--;
    return T0;
}

int task_valid(task_id t, int T)
{
    return task__id_ok(t) && T >= task__table[t].min_T && T <= TASK_MAX_T;
}

/* Uniform integer in [0, n), exactly one draw (see the note at the top). */
static inline int task__pick(rng_t *r, int n)
{
    return (int)(((task__u128)rng_next(r) * (uint64_t)n) >> 64);
}

/* Uniform integer in [lo, hi], one draw. */
static inline int task__pick_in(rng_t *r, int lo, int hi)
{
    return lo + task__pick(r, hi - lo + 1);
}

/* ceil(T * tenths / 10).  temporal_order's cued windows are the integers t
 * with 0.1T <= t < 0.2T and 0.5T <= t < 0.6T, i.e. ceil(T/10) .. ceil(2T/10)-1
 * and ceil(5T/10) .. ceil(6T/10)-1: each non-empty once T >= 10. */
static inline int task__ceil_frac(int T, int tenths)
{
    return (int)(((long)T * tenths + 9) / 10); /* ceil(T * tenths / 10) */
}

/* addition, xor.  I = 2: channel 0 the value stream, channel 1
 * the marker.  Marker at p1 in [0, T/2 - 1] and p2 in [T/2, T-1] (T/2 rounded
 * down).  Draws per sample: 2 (p1, p2) + T (values). */
static void task__two_markers(task_id t, int T, double *xs /* (T, 2) */, rng_t *r, double *y,
                              int *label)
{
    int half = T / 2;
    int p1 = task__pick_in(r, 0, half - 1);
    int p2 = task__pick_in(r, half, T - 1);
    for (int s = 0; s < T; s++) {
        uint64_t u = rng_next(r);
        /* xor: the value is the top bit; otherwise a 53-bit uniform */
        xs[2 * s] = t == TASK_XOR ? (double)(u >> 63) : (double)(u >> 11) * 0x1.0p-53;
    }
    xs[2 * p1 + 1] = 1.0;
    xs[2 * p2 + 1] = 1.0;
    double a = xs[2 * p1], b = xs[2 * p2];
    if (t == TASK_ADDITION)
        *y = a + b;
    else
        *label = (int)a ^ (int)b;
}

/* multiplication, Hochreiter & Schmidhuber 1997 (experiment 5).  I = 2:
 * channel 0 the value, channel 1 the marker.  The sequence has a random
 * length L in [T0, T0 + T0/10] (T0 = task_mult_min_len(T)) and occupies the
 * last L steps, s0 = T - L .. T-1; the steps before s0 are padding, (0, 0).
 * Values U[0,1) on the sequence's steps; marker -1 on its first and last
 * step; +1 on X1, one of its first ten pairs (relative p1 in 0..9), and on
 * X2, one of its first T0/2 - 1 still unmarked pairs (relative, uniform over
 * 0 .. T0/2 - 1 without p1).  If X1 is the first pair its value is 1.0.
 * Target X1 * X2 at t = T-1.  Draws per sample: 3 (L, p1, p2) + T (a value
 * for every step, padding included, so the count is fixed). */
static void task__multiplication(int T, double *xs /* (T, 2) */, rng_t *r, double *y)
{
    const int T0 = task_mult_min_len(T);
    const int L = task__pick_in(r, T0, T0 + T0 / 10);
    const int s0 = T - L;
    const int p1 = task__pick(r, TASK_MULT_FIRST);
    int p2 = task__pick(r, T0 / 2 - 1); /* the (p2+1)-th unmarked pair */
    if (p2 >= p1)
        p2++;
    for (int s = 0; s < T; s++) {
        double u = rng_uniform(r);
        if (s >= s0)
            xs[2 * s] = u;
    }
    xs[2 * s0 + 1] = -1.0;
    xs[2 * (T - 1) + 1] = -1.0;
    xs[2 * (s0 + p1) + 1] = 1.0;
    xs[2 * (s0 + p2) + 1] = 1.0;
    if (p1 == 0)
        xs[2 * s0] = 1.0;
    *y = xs[2 * (s0 + p1)] * xs[2 * (s0 + p2)];
}

/* temporal_order.  I = 6, one-hot symbols A..F = channels 0..5.  Every step a
 * distractor C..F; at p1 (first window, 10-20% of T) symbol s1 in {A, B}, at
 * p2 (second window, 50-60% of T) symbol s2 in {A, B}.  Label 2*s1 + s2:
 * AA 0, AB 1, BA 2, BB 3.  Draws per sample: 4 + T.
 * temporal_order_dense (dense = 1): the same draws and symbols, each symbol
 * k written as its dense code (channels k, k+1, k+3 mod 6 set), so no channel
 * belongs to the cued symbols alone (docs/tasks.md). */
static void task__temporal_order(int T, int dense, double *xs /* (T, 6) */, rng_t *r, int *label)
{
    static const int off[3] = TASK_TO_DENSE_OFFSETS;
    int p1 = task__pick_in(r, task__ceil_frac(T, 1), task__ceil_frac(T, 2) - 1);
    int p2 = task__pick_in(r, task__ceil_frac(T, 5), task__ceil_frac(T, 6) - 1);
    int s1 = task__pick(r, 2), s2 = task__pick(r, 2);
    for (int s = 0; s < T; s++) {
        int k = s == p1 ? s1 : s == p2 ? s2 : 2 + task__pick(r, 4);
        /* the cued positions draw a distractor too (then discarded): the
         * draw count stays 4 + T, as in encoding 1 of temporal_order */
        if (s == p1 || s == p2)
            (void)task__pick(r, 4);
        if (dense)
            for (int j = 0; j < 3; j++)
                xs[6 * s + (k + off[j]) % 6] = 1.0;
        else
            xs[6 * s + k] = 1.0;
    }
    *label = 2 * s1 + s2;
}

/* 3bit_memorization, the seed's encoding.  I = 5 one-hot symbols: channel 0
 * bit "0", 1 bit "1", 2 the query token, 3 and 4 the two noise tokens.
 * t = 0, 1, 2: the bits b0, b1, b2; t = 3 .. T-2: a noise token, 3 or 4 with
 * probability 1/2 each, i.i.d.; t = T-1: the query.  Label 4*b0 + 2*b1 + b2
 * (first bit most significant).  Draws per sample: 3 (bits) + (T - 4) (noise
 * tokens) = T - 1. */
static void task__3bit(int T, double *xs /* (T, 5) */, rng_t *r, int *label)
{
    int lab = 0;
    for (int s = 0; s < 3; s++) {
        int bit = task__pick(r, 2);
        xs[5 * s + bit] = 1.0;
        lab = 2 * lab + bit;
    }
    for (int s = 3; s < T - 1; s++)
        xs[5 * s + 3 + task__pick(r, 2)] = 1.0;
    xs[5 * (T - 1) + 2] = 1.0;
    *label = lab;
}

/* noiseless_memorization, Martens & Sutskever 2011 (the layout of
 * Sutskever's released HF code, raw_mem).  N symbols of an alphabet of A
 * (5-bit: N = 5, A = 2; 20-bit: N = 10, A = 5).  I = A + 2 one-hot
 * channels: 0 .. A-1 the symbols, A the trigger, A+1 the blank.  t = 0 .. N-1:
 * the symbols; t = T-N-1: the trigger; every other step blank.  A target at
 * every step (K = T), O = A + 1 classes: the blank class A at t < T-N, the
 * k-th symbol at t = T-N+k.  Draws per sample: N. */
static void task__noiseless(int T, int N, int A, double *xs /* (T, A+2) */, rng_t *r,
                            int *labels /* (T) */)
{
    const int I = A + 2;
    for (int s = 0; s < T; s++) {
        xs[I * s + A + 1] = 1.0;
        labels[s] = A;
    }
    for (int k = 0; k < N; k++) {
        int sym = task__pick(r, A);
        xs[I * k + A + 1] = 0.0;
        xs[I * k + sym] = 1.0;
        labels[T - N + k] = sym;
    }
    xs[I * (T - N - 1) + A + 1] = 0.0;
    xs[I * (T - N - 1) + A] = 1.0;
}

/* random_permutation.  I = O = 100 one-hot symbols.  t = 0: the cue, symbol
 * 0 or 1; t = 1 .. T-1: symbols drawn uniformly from 2 .. 99.  The target at
 * t = T-1 is the next symbol of the sequence, which equals the cue: label in
 * {0, 1} out of 100 classes.  Draws per sample: T. */
static void task__random_permutation(int T, double *xs /* (T, 100) */, rng_t *r, int *label)
{
    const int V = TASK_RP_SYMBOLS;
    int cue = task__pick(r, 2);
    xs[cue] = 1.0;
    for (int s = 1; s < T; s++)
        xs[(size_t)V * s + 2 + task__pick(r, V - 2)] = 1.0;
    *label = cue;
}

void task_batch(task_id t, int T, int B, rng_t *rng, double *x, double *y, int *labels)
{
    if (!task_valid(t, T) || B < 1 || !rng || !x) {
        fprintf(stderr, "task_batch: invalid call (task %d, T %d, B %d, rng %p, x %p); "
                        "check task_valid() before generating\n",
                (int)t, T, B, (void *)rng, (void *)x);
        abort();
    }
    const task_info *ti = &task__table[t];
    if (ti->regression ? !y : !labels) {
        fprintf(stderr, "task_batch: %s needs %s (got NULL)\n", ti->name,
                ti->regression ? "y" : "labels");
        abort();
    }
    const size_t I = (size_t)ti->input_dim;
    const int K = task_out_steps(t, T);
    memset(x, 0, (size_t)B * (size_t)T * I * sizeof *x);
    for (int b = 0; b < B; b++) {
        double *xs = x + (size_t)b * (size_t)T * I; /* (T, I) */
        int *lab = labels ? labels + (size_t)b * K : NULL;
        double *yb = y ? y + (size_t)b * K : NULL;
        switch (t) {
        case TASK_ADDITION:
        case TASK_XOR:
            task__two_markers(t, T, xs, rng, yb, lab);
            break;
        case TASK_MULTIPLICATION:
            task__multiplication(T, xs, rng, yb);
            break;
        case TASK_TEMPORAL_ORDER:
        case TASK_TEMPORAL_ORDER_DENSE:
            task__temporal_order(T, t == TASK_TEMPORAL_ORDER_DENSE, xs, rng, lab);
            break;
        case TASK_3BIT_MEMORIZATION:
            task__3bit(T, xs, rng, lab);
            break;
        case TASK_NOISELESS_MEMORIZATION:
            task__noiseless(T, TASK_NM_N5, TASK_NM_A5, xs, rng, lab);
            break;
        case TASK_NOISELESS_MEMORIZATION_20:
            task__noiseless(T, TASK_NM_N20, TASK_NM_A20, xs, rng, lab);
            break;
        case TASK_RANDOM_PERMUTATION:
            task__random_permutation(T, xs, rng, lab);
            break;
        default:
            abort(); /* unreachable: task_valid checked the id */
        }
    }
}

double task_chance(task_id t, int T)
{
    (void)T; /* every baseline here is independent of T */
    switch (t) {
    case TASK_ADDITION:
        return 1.0 / 12.0; /* 0.5 * Var(U1 + U2) = 0.5 * 2/12 */
    case TASK_MULTIPLICATION:
        /* X1 = 1 w.p. 1/10 (first pair marked) else U, X2 = U:
         * E[X1 X2] = 11/40, E[(X1 X2)^2] = 2/15, 0.5 Var = 277/9600 */
        return TASK_MULT_CHANCE;
    case TASK_XOR:
        return 0.5;
    case TASK_TEMPORAL_ORDER:
    case TASK_TEMPORAL_ORDER_DENSE:
        return 0.25;
    case TASK_3BIT_MEMORIZATION:
        return 0.125;
    case TASK_NOISELESS_MEMORIZATION:
        return 1.0 / TASK_NM_A5; /* per recalled symbol (the metric's steps) */
    case TASK_NOISELESS_MEMORIZATION_20:
        return 1.0 / TASK_NM_A20;
    case TASK_RANDOM_PERMUTATION:
        return 0.5; /* two equally likely cues */
    default:
        return NAN;
    }
}

int task_solved(task_id t, double metric)
{
    if (!task__id_ok(t) || isnan(metric))
        return 0;
    const task_info *ti = &task__table[t];
    return ti->higher_is_better ? metric > ti->solve_threshold : metric < ti->solve_threshold;
}
