/*
 * tasks.h -- the Hochreiter & Schmidhuber (1997) / Martens & Sutskever (2011)
 * long-term-dependency tasks.  Each task has a generator, a metric, a
 * "solved" threshold and a chance baseline.  Definitions: README.md, "Tasks".
 *
 * Sizes: B batch, T sequence length, I input width, O output width,
 * K number of final timesteps that carry a target (1 for most tasks).
 */
#ifndef DMDPROF_TASKS_H
#define DMDPROF_TASKS_H

#include "rng.h"

typedef enum {
    TASK_ADDITION,
    TASK_MULTIPLICATION,
    TASK_XOR,
    TASK_TEMPORAL_ORDER,
    TASK_3BIT_MEMORIZATION,
    TASK_NOISELESS_MEMORIZATION,
    TASK_RANDOM_PERMUTATION,
    TASK_NOISELESS_MEMORIZATION_20, /* appended: the ids above are stored in checkpoints */
    TASK_TEMPORAL_ORDER_DENSE,      /* temporal_order with dense (not one-hot) symbol codes */
    TASK_COUNT
} task_id;

/* temporal_order_dense's code of symbol k (A..F = 0..5) sets the channels
 * (k + o) mod 6 to 1 for the three offsets o below; the six codes are linearly
 * independent (the circulant's eigenvalues 1 + w^j + w^3j, w = e^(2 pi i/6), are
 * all nonzero), so the dense input carries the same information. */
#define TASK_TO_DENSE_OFFSETS {0, 1, 3}

typedef struct {
    const char *name;       /* CLI name, e.g. "3bit_memorization" */
    int input_dim;          /* I */
    int output_dim;         /* O: 1 for regression, number of classes otherwise */
    int regression;         /* 1: MSE (0.5*mean squared error); 0: softmax cross-entropy */
    int min_T;              /* smallest valid T */
    const char *metric;     /* "mse" or "accuracy" */
    int higher_is_better;   /* accuracy: 1, mse: 0 */
    double solve_threshold; /* solved when metric < thr (mse) or > thr (accuracy) */
    int encoding;           /* version of the input encoding / target definition: bumped
                             * whenever the generator's distribution changes, stored in
                             * checkpoints, which are refused when it differs */
} task_info;

/* Static description of a task (never NULL for a valid id). */
const task_info *task_get(task_id t);
/* One line describing an encoding version of a task that this build no longer
 * generates (for refusing an old checkpoint: what it was), or NULL. */
const char *task_old_encoding(task_id t, int encoding);
/* Task id by CLI name, or -1 when unknown. */
int task_parse(const char *name);
/* Comma-separated list of task names (static string), for --help and errors. */
const char *task_names(void);
/* Largest T task_valid accepts (keeps every index of x inside size_t and int
 * arithmetic on T safe). */
#define TASK_MAX_T 1000000
/* The caller-facing validity check: 1 when t is a task id and
 * min_T <= T <= TASK_MAX_T, else 0.  task_batch aborts on what this rejects. */
int task_valid(task_id t, int T);
/* K: how many final timesteps carry a target (0-based t = T-K .. T-1). */
int task_out_steps(task_id t, int T);
/* How many of the K target steps, the last ones, count in the accuracy
 * metric (K, except noiseless_memorization: only the recall steps). */
int task_metric_steps(task_id t, int T);
/* multiplication's variable length: the shortest sequence T0 for an input of
 * T steps (the largest T0 with T0 + floor(T0/10) <= T); lengths are uniform
 * in [T0, T0 + floor(T0/10)] and right-aligned (docs/tasks.md). */
int task_mult_min_len(int T);
/* Fill one batch from rng (consumes a deterministic amount of randomness
 * given t, T, B):
 *   x      (B, T, I)  inputs, sample-major, row-major
 *   y      (B, K)     real targets, regression tasks only (else may be NULL)
 *   labels (B, K)     class indices in [0, O), classification tasks only
 *                     (else may be NULL)
 * Requires T >= task_get(t)->min_T and B >= 1. */
void task_batch(task_id t, int T, int B, rng_t *rng, double *x, double *y, int *labels);
/* Expected metric of the best input-blind predictor (chance baseline):
 * for regression the MSE (0.5*mean sq.) of predicting the target mean, for
 * classification the accuracy of guessing the most frequent class. */
double task_chance(task_id t, int T);
/* true when `metric` meets the task's solve threshold */
int task_solved(task_id t, double metric);

#endif
