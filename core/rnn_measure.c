/* rnn_measure.c -- see rnn_measure.h. */
#include "rnn_measure.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analytic.h"

/* rnn_dmd.c: the closed form of m's (cell, schedule), 0, or -1 if none */
int rnn__dmd_analytic(dmd_model model, const rnn_model *m, unsigned w, int clipped, double *whh, double *h);

/* The closed forms of one step (analytic.h): the vanilla baseline's W_hh and h (rnn_dmd.c's
 * table), the gated cells' per gate matrix, h and c (an_estimate_gated). */
static void analytic_terms(dmd_model model, const rnn_model *m, rnn_measurement *res, int clipped)
{
    res->nanalytic = 0;
    if (rnn__dmd_analytic(model, m, res->bytes_per_element, clipped, &res->whh_estimate, &res->h_estimate) == 0) {
        res->analytic[0].region = "W_hh", res->analytic[0].estimate = res->whh_estimate;
        res->analytic[1].region = "h", res->analytic[1].estimate = res->h_estimate;
        res->nanalytic = 2;
    } else if (!strcmp(m->sched->name, "bptt")) {
        an_dims d = {m->cfg.T, m->cfg.H, m->cfg.batch, m->I, m->O, m->K, res->bytes_per_element, clipped};
        an_term t[RNN_MAX_ANALYTIC];
        int n = an_estimate_gated(model, m->cell->name, &d, t, RNN_MAX_ANALYTIC);
        for (int k = 0; k < n; k++) res->analytic[k].region = t[k].region, res->analytic[k].estimate = t[k].cost;
        res->nanalytic = n > 0 ? n : 0;
    }
    res->has_analytic = res->nanalytic > 0;
}

#define RNN__ERR(code, ...)                                                                                       \
    do {                                                                                                          \
        snprintf(err, errlen, __VA_ARGS__);                                                                       \
        return code;                                                                                              \
    } while (0)

static rnn_measure_status check_budget(const rnn_model *m, const dmd_options *o, int steps, double *values, char *err,
                                       size_t errlen);
rnn_model *rnn__alloc(const rnn_config *cfg);

rnn_model *rnn_measure_model(const rnn_config *cfg0, unsigned given, const char *checkpoint, rnn_measure_status *st,
                             char *err, size_t errlen)
{
    return rnn_measure_model_checked(cfg0, given, checkpoint, NULL, 0, st, err, errlen);
}

rnn_model *rnn_measure_model_checked(const rnn_config *cfg0, unsigned given, const char *checkpoint,
                                     const dmd_options *o, int steps, rnn_measure_status *st, char *err,
                                     size_t errlen)
{
    rnn_config cfg = *cfg0;
    rnn_model *ck = NULL;
    *st = RNN_MEASURE_BAD_INPUT;
    if (checkpoint) {
        char why[512];
        ck = rnn_ckpt_read(checkpoint, why, sizeof why);
        if (!ck) {
            snprintf(err, errlen, "--checkpoint: %s", why);
            return NULL;
        }
        const rnn_config *k = &ck->cfg;
        why[0] = 0;
        if ((given & RNN_GIVEN_TASK) && k->task != cfg.task)
            snprintf(why, sizeof why, "'%s' holds a %s model but --task is %s", checkpoint, task_get(k->task)->name,
                     task_get(cfg.task)->name);
        else if ((given & RNN_GIVEN_H) && k->H != cfg.H)
            snprintf(why, sizeof why, "'%s' has H=%d but -H is %d", checkpoint, k->H, cfg.H);
        else if ((given & RNN_GIVEN_PRECISION) && k->precision != cfg.precision)
            snprintf(why, sizeof why, "'%s' is %s but --precision is %s", checkpoint, rnn_precision_names[k->precision],
                     rnn_precision_names[cfg.precision]);
        else if ((given & RNN_GIVEN_CELL) && k->cell != cfg.cell)
            snprintf(why, sizeof why, "'%s' holds a %s cell but --cell is %s", checkpoint, rnn_cells[k->cell]->name,
                     rnn_cells[cfg.cell]->name);
        if (*why) {
            rnn_model_free(ck);
            snprintf(err, errlen, "--checkpoint: %s", why);
            return NULL;
        }
        cfg.task = k->task;
        cfg.H = k->H;
        cfg.precision = k->precision;
        cfg.cell = k->cell;
        cfg.activation = k->activation;
        cfg.init = k->init;
        cfg.nesterov = k->nesterov;
        cfg.momentum = k->momentum;
        cfg.momentum_schedule = k->momentum_schedule;
        cfg.lr = k->lr;
        cfg.clip = k->clip;
        if (!(given & RNN_GIVEN_T)) cfg.T = k->T;
    }
    char why[512];
    const char *bad = rnn_config_check(&cfg, why, sizeof why);
    if (bad) {
        rnn_model_free(ck);
        snprintf(err, errlen, "%s", bad);
        return NULL;
    }
    if (o) { /* from the configuration: a shell model (dimensions, no initialisation) */
        rnn_model *shell = rnn__alloc(&cfg);
        double v;
        rnn_measure_status bs = shell ? check_budget(shell, o, steps, &v, err, errlen) : RNN_MEASURE_OK;
        rnn_model_free(shell);
        if (bs != RNN_MEASURE_OK) {
            rnn_model_free(ck);
            *st = bs;
            return NULL;
        }
    }
    rnn_model *m = rnn_model_create(&cfg, why, sizeof why);
    if (!m) {
        rnn_model_free(ck);
        *st = RNN_MEASURE_FAILED;
        snprintf(err, errlen, "cannot create the model: %s", why);
        return NULL;
    }
    if (ck) {
        memcpy(m->params, ck->params, m->P * m->esz);
        memcpy(m->mom, ck->mom, m->P * m->esz);
        m->step = ck->step;
        rnn_model_free(ck);
    }
    *st = RNN_MEASURE_OK;
    return m;
}

uint64_t rnn_region_cost(const dmd_engine *e, const char *name)
{
    for (int r = 0; r < dmd_engine_nregions(e); r++)
        if (strcmp(dmd_engine_region_name(e, r), name) == 0) {
            dmd_counts x;
            dmd_engine_region_total(e, r, &x);
            return x.cost;
        }
    return 0;
}

/* The budget: values under the engine's limit, the parameters within the
 * engine's 4 GiB stack, the engine's memory and the model's workspace under
 * 80% of this machine's memory. */
static rnn_measure_status check_budget(const rnn_model *m, const dmd_options *o, int steps, double *values, char *err,
                                       size_t errlen)
{
    double v = m->cell->values_per_step(m) * steps;
    double w = o->bytes_per_element ? (double)o->bytes_per_element : (double)m->esz;
    /* every parameter is on the stack at once (an input of every model): past 4 GiB the engine cannot price */
    if ((double)m->P * w > 4294967295.0)
        RNN__ERR(RNN_MEASURE_BAD_INPUT,
                 "the %zu parameters at %.0f bytes per element are %.3g bytes, over the engine's 4 GiB stack: "
                 "reduce -H or --bytes-per-element",
                 m->P, w, (double)m->P * w);
    double limit = o->max_values ? (double)o->max_values : (double)DMD_MAX_VALUES;
    *values = v;
    /* lru creates no values but does as many priced accesses: the same budget bounds its run time (hours
     * past it); it was never refused */
    if (v > limit)
        RNN__ERR(RNN_MEASURE_BAD_INPUT,
                 "the measurement would %s about %.3g %s, over the budget of %.3g (--max-values): "
                 "reduce --steps, --batch, -T or -H",
                 o->model == DMD_LRU ? "price" : "create", v, o->model == DMD_LRU ? "accesses" : "values", limit);
    /* lru keeps its keys per registered array element (about the workspace's elements) */
    double units = o->model == DMD_LRU ? (double)rnn_config_bytes(&m->cfg) / (double)m->esz : v;
    double need = dmd_memory_estimate(o->model, units) + (double)rnn_config_bytes(&m->cfg);
    long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
    double have = pages > 0 && psz > 0 ? 0.8 * (double)pages * (double)psz : 0;
    if (have > 0 && need > have)
        RNN__ERR(RNN_MEASURE_BAD_INPUT,
                 "the measurement would need about %.1f GiB of memory (%.3g values), more than 80%% of this "
                 "machine's %.1f GiB: reduce --steps, --batch, -T or -H",
                 need / 1073741824.0, v, have / 0.8 / 1073741824.0);
    return RNN_MEASURE_OK;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void rnn_measurement_free(rnn_measurement *res)
{
    free(res->step_cost);
    free(res->step_reads);
    free(res->step_bytes_read);
    memset(res, 0, sizeof *res);
}

rnn_measure_status rnn_measure(rnn_model *m, dmd_engine *e, const rnn_measure_opts *opts, rnn_measurement *res,
                               char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    res->first_loss = NAN;
    const int steps = opts->steps;
    if (steps < 1) RNN__ERR(RNN_MEASURE_BAD_INPUT, "--steps: %d is below 1", steps);
    if (!rnn_can_measure(m))
        RNN__ERR(RNN_MEASURE_BAD_INPUT, "--schedule: the %s cell's schedule %s has no instrumented step",
                 m->cell->name, m->sched->name);
    double values;
    rnn_measure_status st = check_budget(m, dmd_engine_options(e), steps, &values, err, errlen);
    if (st != RNN_MEASURE_OK) return st;
    res->values_estimate = (uint64_t)values;
    const dmd_options *eo = dmd_engine_options(e);
    res->steps = steps;
    res->bytes_per_element = eo->bytes_per_element ? eo->bytes_per_element : (unsigned)m->esz;

    /* snapshot of everything a step changes */
    size_t pbytes = m->P * m->esz;
    void *p0 = malloc(pbytes), *v0 = malloc(pbytes);
    res->step_cost = calloc((size_t)steps, sizeof *res->step_cost);
    res->step_reads = calloc((size_t)steps, sizeof *res->step_reads);
    res->step_bytes_read = calloc((size_t)steps, sizeof *res->step_bytes_read);
    if (!p0 || !v0 || !res->step_cost || !res->step_reads || !res->step_bytes_read) {
        free(p0);
        free(v0);
        RNN__ERR(RNN_MEASURE_FAILED, "out of memory for the measurement's snapshot (%zu bytes)", 2 * pbytes);
    }
    memcpy(p0, m->params, pbytes);
    memcpy(v0, m->mom, pbytes);
    rng_t rng0 = m->data_rng;
    long s0 = m->step;

    if (opts->begin) opts->begin(opts->ctx, e);
    const int passes = dmd_engine_passes(e);
    double t0 = now();
    rnn_step_result r = {0};
    dmd_counts prev = {0};
    for (int p = 0; p < passes; p++) {
        memcpy(m->params, p0, pbytes);
        memcpy(m->mom, v0, pbytes);
        m->data_rng = rng0;
        m->step = s0;
        dmd_engine_attach(e, p);
        for (int s = 0; s < steps; s++) {
            rnn_draw_batch(m);
            rnn_hparams hp = rnn_step_hparams(m);
            rnn_step_dmd(m, &hp, s == 0, &r);
            m->step++;
            if (s == 0) res->first_loss = r.loss;
            if (p == passes - 1) { /* the pricing pass: per-step increments */
                dmd_counts t;
                dmd_engine_total(e, &t);
                res->step_cost[s] = t.cost - prev.cost;
                res->step_reads[s] = t.reads - prev.reads;
                res->step_bytes_read[s] = t.bytes_read - prev.bytes_read;
                prev = t;
            }
            if (opts->progress) opts->progress(opts->ctx, p, passes, s, steps);
            if (!isfinite(r.loss)) break;
        }
        rnn_dmd_outputs(m);
        dmd_engine_detach(e);
    }
    res->wall_seconds = now() - t0;
    res->clipped_last = r.clipped;
    if (opts->end) opts->end(opts->ctx);
    free(p0);
    free(v0);

    if (opts->analytic) analytic_terms(eo->model, m, res, r.clipped);
    if (dmd_engine_error(e)) /* the hooks cannot refuse: the engine says so after the run */
        RNN__ERR(RNN_MEASURE_BAD_INPUT, "%s: reduce -H, -T, --batch or --bytes-per-element", dmd_engine_error(e));
    if (dmd_engine_trace_error(e)) {
        const char *env = getenv("DMD_TRACE_OUT");
        RNN__ERR(RNN_MEASURE_FAILED, "cannot write the trace%s%s: %s", eo->trace_out ? "" : " ",
                 eo->trace_out ? " (--trace-out)" : env ? env : "", strerror(dmd_engine_trace_error(e)));
    }
    if (!isfinite(res->first_loss) || !isfinite(r.loss))
        RNN__ERR(RNN_MEASURE_FAILED, "the step's loss is not finite (%g): the checkpoint or settings diverge",
                 !isfinite(res->first_loss) ? res->first_loss : r.loss);
    return RNN_MEASURE_OK;
}

int rnn_to_solution_of(const rnn_measurement *res, long long steps_run, long long solved_epoch, int batches_per_epoch,
                       rnn_to_solution *out)
{
    memset(out, 0, sizeof *out);
    if (res->steps < RNN_TO_SOLUTION_STEPS) return -1;
    int s = RNN_TO_SOLUTION_STEPS - 1;
    out->cost_per_step = res->step_cost[s];
    out->reads_per_step = res->step_reads[s];
    out->bytes_read_per_step = res->step_bytes_read[s];
    out->first_step_cost = res->step_cost[0];
    out->steps_run = steps_run;
    out->cost_of_run = (double)out->cost_per_step * (double)steps_run;
    if (solved_epoch > 0) {
        out->solved = 1;
        out->solved_epoch = solved_epoch;
        out->steps_to_solution = solved_epoch * batches_per_epoch;
        out->cost_to_solution = (double)out->cost_per_step * (double)out->steps_to_solution;
        out->bytes_read_to_solution = (double)out->bytes_read_per_step * (double)out->steps_to_solution;
    }
    return 0;
}
