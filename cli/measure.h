/*
 * measure.h -- the work behind `dmdprof measure`: price consecutive training
 * steps of the instrumented kernel under a ByteDMD model, and the outputs
 * (table, JSON, tidy CSV, Callgrind-format profile, ByteDMD to solution).
 */
#ifndef DMDPROF_MEASURE_H
#define DMDPROF_MEASURE_H

#include <stdint.h>

#include <jansson.h>

#include "dmd_engine.h"
#include "rnn.h"

typedef struct {
    rnn_config cfg;      /* task, T, H, batch, init, activation, seed, precision */
    int set_task, set_T, set_H, set_batch, set_precision; /* given on the command line */
    const char *checkpoint;
    int steps;
    dmd_model model;
    unsigned bytes_per_element; /* 0 = the element size of the precision */
    uint64_t max_values;        /* 0 = engine default */
    int json, analytic;
    const char *csv, *run_id, *trace_out, *callgrind_out, *cachegrind_out, *papi_events, *probes_out, *sde_list;
} measure_request;

void measure_request_default(measure_request *rq);

/* Run the measurement and write the requested outputs.  When result is
 * non-NULL the JSON summary is returned there (new reference) and nothing is
 * printed to stdout.  Returns an exit code (0, 1, or exits 2 on bad input). */
int measure_run(const measure_request *rq, json_t **result);

/* `--run DIR`: ByteDMD to solution of a trained run (see cmd_measure.c). */
int measure_to_solution(const measure_request *rq, const char *run_dir);

#endif
