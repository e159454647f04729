/*
 * rnn_dmd.c -- the instrumented step (target dmdcore_dmd, links the engine).
 * Same arguments as rnn_step, through rnn_kernel_{f64,f32}_dmd: the same
 * kernel source compiled with -DDMD_INSTRUMENT, so the numbers are
 * bit-identical to the plain step.
 */
#include <string.h>

#include "rnn.h"
#include "rnn_kernel.h"

/* model.c */
void rnn__fill_kargs(rnn_model *m, rnn_kargs *a);
double rnn__batch_metric(const rnn_model *m, double loss);

void rnn_step_dmd(rnn_model *m, const rnn_hparams *hp, int declare_state, rnn_step_result *r)
{
    rnn_kargs a;
    rnn_kout o;
    rnn__fill_kargs(m, &a);
    a.lr = hp->lr;
    a.mu = hp->mu;
    a.declare = declare_state != 0;
    if (m->esz == 4)
        rnn_kernel_f32_dmd(&a, &o);
    else
        rnn_kernel_f64_dmd(&a, &o);
    r->loss = o.loss;
    r->grad_norm = o.grad_norm;
    r->clipped = o.clipped;
    r->metric = rnn__batch_metric(m, o.loss);
}

void rnn_dmd_outputs(rnn_model *m)
{
    rnn_kargs a;
    rnn__fill_kargs(m, &a);
    if (m->esz == 4)
        rnn_kernel_outputs_f32_dmd(&a);
    else
        rnn_kernel_outputs_f64_dmd(&a);
}
