/*
 * rnn_measure.h -- the measurement as a library call (target dmdcore_dmd):
 * price consecutive training steps of a model's instrumented step (its cell
 * and schedule, cell.h) under a libdmd engine.  `dmdprof measure` is flag
 * parsing around these three calls plus rendering:
 *
 *     rnn_model *m = rnn_measure_model(&cfg, given, checkpoint, &st, err, n);
 *     dmd_engine *e = dmd_engine_new(&opts);        // model, bytes/element, trace, per site
 *     st = rnn_measure(m, e, &mo, &res, err, n);    // both live passes, model restored
 *     ... read e (dmd_engine_counts ...) and res; rnn_measurement_free(&res) ...
 *
 * Errors come back as a status and one line in err (what, where, what to
 * do); nothing here prints or exits.
 */
#ifndef DMDPROF_RNN_MEASURE_H
#define DMDPROF_RNN_MEASURE_H

#include <stddef.h>
#include <stdint.h>

#include "dmd_engine.h"
#include "rnn.h"

typedef enum {
    RNN_MEASURE_OK = 0,
    RNN_MEASURE_FAILED = 1,   /* the work failed: out of memory, the step diverged */
    RNN_MEASURE_BAD_INPUT = 2 /* the request cannot be measured: bad checkpoint, over the budget */
} rnn_measure_status;

/* Fields of cfg the user gave explicitly (a checkpoint must agree with them). */
enum {
    RNN_GIVEN_TASK = 1,
    RNN_GIVEN_T = 2,
    RNN_GIVEN_H = 4,
    RNN_GIVEN_BATCH = 8,
    RNN_GIVEN_PRECISION = 16,
    RNN_GIVEN_CELL = 32
};

/* The model to measure.  checkpoint NULL: a fresh model by cfg's recipe.
 * Otherwise the checkpoint policy: task, H, precision and cell of the
 * checkpoint must agree with those in `given`; the checkpoint's recipe and
 * optimizer settings (init, activation, lr, momentum, Nesterov, clip) are
 * taken; T and the batch come from cfg (they do not shape parameters), T
 * from the checkpoint unless given; cfg's schedule is kept.  Parameters,
 * momentum and the step counter are the checkpoint's.  Returns the model
 * (caller frees), or NULL with *st and a one-line reason in err. */
rnn_model *rnn_measure_model(const rnn_config *cfg, unsigned given, const char *checkpoint, rnn_measure_status *st,
                             char *err, size_t errlen);
/* The same with the budget checked first (o: the engine's model,
 * bytes_per_element and max_values; steps as rnn_measure_opts), from the
 * configuration alone: a measurement that cannot fit (values, memory, 4 GiB
 * of parameters on the engine's stack) is refused (RNN_MEASURE_BAD_INPUT)
 * before the model is built -- building a large one takes minutes. */
rnn_model *rnn_measure_model_checked(const rnn_config *cfg, unsigned given, const char *checkpoint,
                                     const dmd_options *o, int steps, rnn_measure_status *st, char *err,
                                     size_t errlen);

typedef struct {
    int steps;    /* consecutive training steps priced, >= 1 */
    int analytic; /* also evaluate the closed-form estimate (analytic.h) */
    /* Optional callbacks (NULL = none), all with ctx: */
    void (*begin)(void *ctx, dmd_engine *e); /* after the checks, before the first pass */
    void (*end)(void *ctx);                  /* after the last pass */
    void (*progress)(void *ctx, int pass, int npasses, int step, int nsteps); /* after each step */
    void *ctx;
} rnn_measure_opts;

#define RNN_MAX_ANALYTIC 8 /* regions with a closed form in one measurement, at most */

typedef struct {
    int steps;                  /* steps priced */
    unsigned bytes_per_element; /* as priced (the engine's option, or the element size) */
    uint64_t *step_cost;        /* (steps) cost of each step alone (pricing pass) */
    uint64_t *step_reads;       /* (steps) */
    uint64_t *step_bytes_read;  /* (steps) */
    double first_loss;          /* loss of the first step (not finite: diverged) */
    int clipped_last;           /* the last step clipped its gradient */
    double wall_seconds;        /* all passes */
    uint64_t values_estimate;   /* the budget check's estimate of the values created */
    int has_analytic;           /* analytic requested and a closed form exists for this model */
    double whh_estimate, h_estimate; /* the closed form of the W_hh and h costs (when has_analytic) */
    /* the closed form per region (when has_analytic): vanilla W_hh and h; a gated cell each
     * recurrent gate matrix, h (and the lstm's c); region names are static strings */
    int nanalytic;
    struct {
        const char *region;
        double estimate;
    } analytic[RNN_MAX_ANALYTIC];
} rnn_measurement;

/* Price opts->steps consecutive training steps of m under engine e (not
 * attached; fresh).  Checks first that the instrumented step exists, that
 * the values fit e's budget (dmd_options.max_values) and that the engine's
 * memory estimate fits this machine (BAD_INPUT, nothing run).  Runs
 * dmd_engine_passes(e) passes; before each, parameters, momentum, data
 * stream and step counter are restored to their state at the call, so every
 * pass performs the same events.  Afterwards m holds the state after the
 * steps; e holds the counts; res the per-step figures (free with
 * rnn_measurement_free, also after a failure).  A step whose loss is not
 * finite ends each pass there and the call returns FAILED. */
rnn_measure_status rnn_measure(rnn_model *m, dmd_engine *e, const rnn_measure_opts *opts, rnn_measurement *res,
                               char *err, size_t errlen);
void rnn_measurement_free(rnn_measurement *res);

/* ByteDMD to solution of a trained run (dmdprof measure --run): measure
 * RNN_TO_SOLUTION_STEPS consecutive steps from the run's checkpoint; the
 * second is the steady state (W_hh comes from the previous update), which
 * prices every step of the run.  The run's facts come from its checkpoint:
 * steps run, the epoch it solved (0 = never) and batches per epoch. */
#define RNN_TO_SOLUTION_STEPS 2
typedef struct {
    uint64_t cost_per_step, reads_per_step, bytes_read_per_step; /* the steady-state step */
    uint64_t first_step_cost;
    long long steps_run;
    double cost_of_run;          /* cost_per_step x steps_run */
    int solved;                  /* 0: the figures below are missing (null) */
    long long solved_epoch, steps_to_solution; /* steps_to_solution = solved_epoch x batches_per_epoch */
    double cost_to_solution, bytes_read_to_solution; /* per step x steps_to_solution */
} rnn_to_solution;
/* Fill out from res (at least RNN_TO_SOLUTION_STEPS steps); 0, or -1 when res
 * has fewer steps (out zeroed). */
int rnn_to_solution_of(const rnn_measurement *res, long long steps_run, long long solved_epoch, int batches_per_epoch,
                       rnn_to_solution *out);

/* Total cost of the region called name in e (0 when there is none). */
uint64_t rnn_region_cost(const dmd_engine *e, const char *name);

#endif
