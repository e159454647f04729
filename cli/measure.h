/*
 * measure.h -- `dmdprof measure` after flag parsing: call the measurement
 * library (core/rnn_measure.h) and render its result (table, JSON, tidy CSV,
 * Callgrind-format profile, probes, ByteDMD to solution).
 */
#ifndef DMDPROF_MEASURE_H
#define DMDPROF_MEASURE_H

#include <stdint.h>

#include <jansson.h>

#include "dmd_engine.h"
#include "rnn.h"
#include "rnn_measure.h"

typedef struct {
    rnn_config cfg;      /* task, T, H, batch, init, activation, seed, precision, cell, schedule */
    unsigned given;      /* RNN_GIVEN_* (rnn_measure.h): fields given on the command line */
    const char *checkpoint;
    int steps;
    dmd_model model;
    unsigned bytes_per_element; /* 0 = the element size of the precision */
    uint64_t max_values;        /* 0 = engine default */
    int json, analytic;
    int no_floors; /* skip the floors (docs/floors.md) */
    uint64_t opt_budget; /* work budget of each OPT solve (tree operations; 0 = none) */
    int opt_threads;     /* threads for the per-region OPT solves */
    const char *csv, *run_id, *trace_out, *callgrind_out, *cachegrind_out, *papi_events, *probes_out, *sde_list;
} measure_request;

void measure_request_default(measure_request *rq);

/* Run the measurement and write the requested outputs.  Returns an exit
 * code: 0, 1 (the work failed, an output could not be written), 2 (bad
 * input), after one line on stderr. */
int measure_run(const measure_request *rq);

/* The probes' CSV (dmdp_write_csv with a header) as a cli_write_with
 * writer; ctx is a probes_csv_ctx (train and measure share it). */
struct dmdp;
typedef struct {
    const struct dmdp *pr;
    const char *run_id;
} probes_csv_ctx;
int probes_csv(void *ctx, FILE *f);

/* `--run DIR`: ByteDMD to solution of a trained run (see cmd_measure.c). */
int measure_to_solution(const measure_request *rq, const char *run_dir);

#endif
