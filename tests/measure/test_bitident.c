/*
 * test_bitident -- the plain training step (rnn_step) and the instrumented
 * one (rnn_step_dmd) compute bit-identical loss, gradients, momentum and
 * parameters, for every cell (core/cells.c) and schedule, task, init,
 * activation, precision and pricing model, over two consecutive steps.  Also: the accounting rows add up to the totals
 * exactly, and the cost does not depend on the pass protocol (live runs the
 * step twice).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dmd_engine.h"
#include "rnn.h"

typedef struct {
    void *params, *grads, *mom;
    double loss[2];
    double gn[2];
} snap;

static void take(const rnn_model *m, snap *s)
{
    size_t n = m->P * m->esz;
    s->params = malloc(n);
    s->grads = malloc(n);
    s->mom = malloc(n);
    memcpy(s->params, m->params, n);
    memcpy(s->grads, m->grads, n);
    memcpy(s->mom, m->mom, n);
}

static void drop(snap *s)
{
    free(s->params);
    free(s->grads);
    free(s->mom);
}

/* index of the first differing element, or -1 */
static long first_diff(const void *a, const void *b, size_t n, size_t esz)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp((const char *)a + i * esz, (const char *)b + i * esz, esz)) return (long)i;
    return -1;
}

static void run_case(const rnn_config *cfg, dmd_model model, int steps)
{
    char err[256];
    rnn_model *m = rnn_model_create(cfg, err, sizeof err);
    if (!m) {
        CHECK(0, "model_create: %s", err);
        return;
    }
    size_t pb = m->P * m->esz;
    void *p0 = malloc(pb), *v0 = malloc(pb);
    /* non-zero momentum so that the update reads something real */
    for (size_t k = 0; k < m->P; k++) rnn_param_set(m, m->mom, k, 0.001 * (double)((k * 37) % 11) - 0.005);
    memcpy(p0, m->params, pb);
    memcpy(v0, m->mom, pb);
    rng_t r0 = m->data_rng;
    long s0 = m->step;

    /* plain */
    snap plain;
    rnn_step_result r;
    for (int s = 0; s < steps; s++) {
        rnn_draw_batch(m);
        rnn_hparams hp = rnn_step_hparams(m);
        rnn_step(m, &hp, 0, &r);
        m->step++;
        plain.loss[s] = r.loss;
        plain.gn[s] = r.grad_norm;
    }
    take(m, &plain);

    /* instrumented */
    dmd_options o = {0};
    o.model = model;
    dmd_engine *e = dmd_engine_new(&o);
    double loss[2] = {0, 0}, gn[2] = {0, 0};
    for (int p = 0; p < dmd_engine_passes(e); p++) {
        memcpy(m->params, p0, pb);
        memcpy(m->mom, v0, pb);
        m->data_rng = r0;
        m->step = s0;
        dmd_engine_attach(e, p);
        for (int s = 0; s < steps; s++) {
            rnn_draw_batch(m);
            rnn_hparams hp = rnn_step_hparams(m);
            rnn_step_dmd(m, &hp, s == 0, &r);
            m->step++;
            loss[s] = r.loss;
            gn[s] = r.grad_norm;
        }
        rnn_dmd_outputs(m);
        dmd_engine_detach(e);
    }
    const char *what = task_get(cfg->task)->name;
    char tag[160];
    snprintf(tag, sizeof tag, "%s %s/%s/%s/%s/%s T=%d H=%d B=%d schedule %s", m->cell->name, what, rnn_init_names[cfg->init],
             rnn_activation_names[cfg->activation], rnn_precision_names[cfg->precision], dmd_model_name(model), cfg->T,
             cfg->H, cfg->batch, m->sched->name);
    for (int s = 0; s < steps; s++) {
        CHECK(memcmp(&loss[s], &plain.loss[s], sizeof(double)) == 0, "%s: step %d loss %.17g vs plain %.17g", tag,
              s + 1, loss[s], plain.loss[s]);
        CHECK(memcmp(&gn[s], &plain.gn[s], sizeof(double)) == 0, "%s: step %d grad norm %.17g vs plain %.17g", tag,
              s + 1, gn[s], plain.gn[s]);
    }
    long d;
    d = first_diff(m->grads, plain.grads, m->P, m->esz);
    CHECK(d < 0, "%s: gradient element %ld differs (%.17g vs %.17g)", tag, d, d < 0 ? 0 : rnn_param_get(m, m->grads, d),
          d < 0 ? 0 : rnn_param_get(m, plain.grads, d));
    d = first_diff(m->params, plain.params, m->P, m->esz);
    CHECK(d < 0, "%s: parameter element %ld differs", tag, d);
    d = first_diff(m->mom, plain.mom, m->P, m->esz);
    CHECK(d < 0, "%s: momentum element %ld differs", tag, d);

    /* accounting: cells add up to the totals, exactly */
    dmd_counts tot, sum;
    memset(&sum, 0, sizeof sum);
    dmd_engine_total(e, &tot);
    for (int ph = 0; ph < dmd_engine_nphases(e); ph++)
        for (int rg = 0; rg < dmd_engine_nregions(e); rg++) dmd_counts_add(&sum, dmd_engine_counts(e, ph, rg));
    CHECK(sum.cost == tot.cost && sum.reads == tot.reads && sum.bytes_read == tot.bytes_read &&
              sum.writes == tot.writes && sum.bytes_written == tot.bytes_written,
          "%s: cells sum to cost %" PRIu64 " reads %" PRIu64 ", totals say %" PRIu64 " %" PRIu64, tag, sum.cost,
          sum.reads, tot.cost, tot.reads);
    uint64_t hsum = 0;
    for (int k = 0; k < 64; k++) hsum += tot.hist[k];
    CHECK(hsum == tot.reads, "%s: depth histogram holds %" PRIu64 " reads of %" PRIu64, tag, hsum, tot.reads);
    CHECK(tot.reads > 0 && tot.cost >= tot.bytes_read, "%s: implausible totals reads %" PRIu64 " cost %" PRIu64, tag,
          tot.reads, tot.cost);
    /* every phase of the step was seen and priced */
    int seen = 0;
    for (int ph = 0; ph < dmd_engine_nphases(e); ph++) {
        const char *n = dmd_engine_phase_name(e, ph);
        dmd_counts pc;
        dmd_engine_phase_total(e, ph, &pc);
        if ((!strcmp(n, "forward") || !strcmp(n, "backward") || !strcmp(n, "update")) && pc.reads > 0) seen++;
    }
    CHECK(seen == 3, "%s: %d of the phases forward/backward/update have priced reads", tag, seen);

    dmd_engine_free(e);
    drop(&plain);
    free(p0);
    free(v0);
    rnn_model_free(m);
}

int main(void)
{
    /* The plain step runs the kernel clone named by DMDPROF_ISA (ctest runs
     * this test once per clone); a clone this CPU cannot run is a skip. */
    char err[256];
    if (rnn_isa_init(err, sizeof err) != 0) {
        printf("SKIP: %s\n", err);
        return 77;
    }
    printf("plain kernel clone: %s\n", rnn_isa());
    int ncases = 0;
    for (int t = 0; t < TASK_COUNT; t++)
        for (int init = 0; init < 3; init++)
            for (int act = 0; act < 2; act++) {
                if (act == 1 && init != RNN_INIT_IDENTITY) continue; /* relu: the IRNN */
                for (int prec = 0; prec < 2; prec++)
                    for (int model = 0; model < 3; model++) {
                        rnn_config c;
                        rnn_config_default(&c);
                        c.task = (task_id)t;
                        c.init = (rnn_init_kind)init;
                        c.activation = (rnn_activation)act;
                        c.precision = (rnn_precision)prec;
                        c.T = task_get(c.task)->min_T + 2;
                        c.H = 5; /* edge tiles only */
                        c.batch = 3;
                        c.seed = 11 + t;
                        c.nesterov = (t + init) & 1;
                        c.momentum_schedule = t & 1;
                        c.clip = (t % 3 == 0) ? 1e-3 : 1.0; /* some cases clip */
                        run_case(&c, (dmd_model)model, 2);
                        ncases++;
                    }
            }
    /* full tiles and edges in both directions */
    for (int model = 0; model < 3; model++) {
        rnn_config c;
        rnn_config_default(&c);
        c.task = TASK_3BIT_MEMORIZATION;
        c.T = 6;
        c.H = 21;
        c.batch = 18;
        run_case(&c, (dmd_model)model, 2);
        ncases++;
    }
    /* the headline sizes: every clone's full tiles and its B = 50 edge */
    {
        rnn_config c;
        rnn_config_default(&c);
        c.task = TASK_ADDITION;
        c.T = 3;
        run_case(&c, DMD_LRU, 2);
        ncases++;
    }
    /* the other schedules of the vanilla cell (core/rnn_sched.c): every task
     * and precision, one pricing model each in turn; full tiles under all three */
    const rnn_cell *cell = rnn_cells[0];
    for (int s = 1; s < cell->nschedules; s++) {
        for (int t = 0; t < TASK_COUNT; t++)
            for (int prec = 0; prec < 2; prec++) {
                rnn_config c;
                rnn_config_default(&c);
                c.task = (task_id)t;
                c.schedule = s;
                c.ckpt_every = strcmp(cell->schedules[s].name, "ckpt") ? 0 : 2;
                c.precision = (rnn_precision)prec;
                c.init = t % 3 == 2 ? RNN_INIT_IDENTITY : (rnn_init_kind)(t % 2);
                c.activation = c.init == RNN_INIT_IDENTITY ? RNN_ACT_RELU : RNN_ACT_TANH;
                c.T = task_get(c.task)->min_T + 2;
                c.H = 5;
                c.batch = 3;
                c.seed = 11 + t;
                run_case(&c, (dmd_model)((t + prec) % 3), 2);
                ncases++;
            }
        for (int model = 0; model < 3; model++) {
            rnn_config c;
            rnn_config_default(&c);
            c.task = TASK_3BIT_MEMORIZATION;
            c.schedule = s;
            c.T = 6;
            c.H = 21;
            c.batch = 18;
            run_case(&c, (dmd_model)model, 2);
            ncases++;
        }
    }
    /* every other cell, each of its schedules: every task, init it takes,
     * precision and pricing model at edge tiles only; full tiles and edges in
     * both directions under all three models; the headline sizes (every
     * clone's full tiles and its B = 50 edge) */
    for (int ci = 1; rnn_cells[ci]; ci++) {
        const rnn_cell *gc = rnn_cells[ci];
        for (int s = 0; s < gc->nschedules; s++) {
            for (int t = 0; t < TASK_COUNT; t++)
                for (int init = 0; init < 3; init++) {
                    if (!(gc->inits & 1u << init)) continue;
                    for (int prec = 0; prec < 2; prec++)
                        for (int model = 0; model < 3; model++) {
                            rnn_config c;
                            rnn_config_default(&c);
                            c.cell = ci;
                            c.schedule = s;
                            c.task = (task_id)t;
                            c.init = (rnn_init_kind)init;
                            c.precision = (rnn_precision)prec;
                            c.T = task_get(c.task)->min_T + 2;
                            c.H = 5;
                            c.batch = 3;
                            c.seed = 11 + t;
                            c.nesterov = (t + init) & 1;
                            c.momentum_schedule = t & 1;
                            c.clip = (t % 3 == 0) ? 1e-3 : 1.0;
                            run_case(&c, (dmd_model)model, 2);
                            ncases++;
                        }
                }
            for (int model = 0; model < 3; model++)
                for (int sz = 0; sz < 2; sz++) {
                    rnn_config c;
                    rnn_config_default(&c);
                    c.cell = ci;
                    c.schedule = s;
                    c.task = sz ? TASK_ADDITION : TASK_3BIT_MEMORIZATION;
                    c.T = 6;
                    c.H = sz ? 17 : 21;
                    c.batch = sz ? 5 : 18;
                    c.precision = (rnn_precision)((model + sz) % 2);
                    run_case(&c, (dmd_model)model, 2);
                    ncases++;
                }
            for (int prec = 0; prec < 2; prec++) {
                rnn_config c;
                rnn_config_default(&c);
                c.cell = ci;
                c.schedule = s;
                c.task = TASK_ADDITION;
                c.T = 3;
                c.precision = (rnn_precision)prec;
                run_case(&c, DMD_LRU, 2);
                ncases++;
            }
        }
    }
    printf("%d cases, %d failures\n", ncases, check_failures);
    return check_failures ? 1 : 0;
}
