/*
 * rnn_dmd.c -- the instrumented steps (target dmdcore_dmd, links the
 * engine).  Each (cell, schedule) of the tables in cells.c has its
 * instrumented kernels here, the same source as its plain step compiled with
 * -DDMD_INSTRUMENT, so the numbers are bit-identical to the plain step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytic.h"
#include "rnn.h"
#include "rnn_kernel.h"
#include "rnn_measure.h"

/* model.c */
void rnn__step_with(rnn_model *m, const rnn_hparams *hp, int diag, int declare, rnn_kernel_fn k, rnn_step_result *r);

/* The closed form of the vanilla baseline (analytic.h). */
static int vanilla_bptt_analytic(dmd_model model, const rnn_model *m, unsigned w, int clipped, double *whh, double *h)
{
    an_dims d = {m->cfg.T, m->cfg.H, m->cfg.batch, m->I, m->O, m->K, w, clipped};
    an_estimate est;
    if (an_estimate_step(model, &d, &est) != 0) return -1;
    *whh = est.whh;
    *h = est.hidden;
    return 0;
}

/* The instrumented step of every (cell, schedule), by name, and its closed
 * form of one step's W_hh and h costs if it has one (NULL otherwise). */
typedef struct {
    const char *cell, *schedule;
    rnn_kernel_fn k[2]; /* [0] float64, [1] float32 */
    int (*analytic)(dmd_model model, const rnn_model *m, unsigned w, int clipped, double *whh, double *h);
} rnn__dmd_step;
static const rnn__dmd_step dmd_steps[] = {
    {"vanilla", "bptt", {rnn_kernel_f64_dmd, rnn_kernel_f32_dmd}, vanilla_bptt_analytic},
    {"vanilla", "dwafter", {rnn_sched_dwafter_f64_dmd, rnn_sched_dwafter_f32_dmd}, NULL},
    {"vanilla", "alt", {rnn_sched_alt_f64_dmd, rnn_sched_alt_f32_dmd}, NULL},
    {"vanilla", "fused", {rnn_sched_fused_f64_dmd, rnn_sched_fused_f32_dmd}, NULL},
    {"vanilla", "ckpt", {rnn_sched_ckpt_f64_dmd, rnn_sched_ckpt_f32_dmd}, NULL},
    {"gru", "bptt", {rnn_gru_f64_dmd, rnn_gru_f32_dmd}, NULL},
    {"lstm", "bptt", {rnn_lstm_f64_dmd, rnn_lstm_f32_dmd}, NULL},
};

static const rnn__dmd_step *find_step(const rnn_model *m)
{
    for (size_t k = 0; k < sizeof dmd_steps / sizeof dmd_steps[0]; k++)
        if (!strcmp(dmd_steps[k].cell, m->cell->name) && !strcmp(dmd_steps[k].schedule, m->sched->name))
            return &dmd_steps[k];
    return NULL;
}

static rnn_kernel_fn rnn__dmd_kernel(const rnn_model *m)
{
    const rnn__dmd_step *s = find_step(m);
    return s ? s->k[m->esz == 4] : NULL;
}

int rnn__dmd_analytic(dmd_model model, const rnn_model *m, unsigned w, int clipped, double *whh, double *h);
int rnn__dmd_analytic(dmd_model model, const rnn_model *m, unsigned w, int clipped, double *whh, double *h)
{
    const rnn__dmd_step *s = find_step(m);
    return s && s->analytic ? s->analytic(model, m, w, clipped, whh, h) : -1;
}

int rnn_can_measure(const rnn_model *m) { return rnn__dmd_kernel(m) != NULL; }

void rnn_step_dmd(rnn_model *m, const rnn_hparams *hp, int declare_state, rnn_step_result *r)
{
    rnn_kernel_fn k = rnn__dmd_kernel(m);
    if (!k) { /* rnn_can_measure says so first; calling anyway is a programming error */
        fprintf(stderr, "rnn_step_dmd: no instrumented step for cell %s, schedule %s (core/rnn_dmd.c)\n",
                m->cell->name, m->sched->name);
        abort();
    }
    rnn__step_with(m, hp, 0, declare_state != 0, k, r);
}

void rnn_dmd_outputs(rnn_model *m)
{
    if (m->esz == 4)
        rnn_kernel_outputs_f32_dmd(m);
    else
        rnn_kernel_outputs_f64_dmd(m);
}
