/*
 * rnn_dmd.c -- the instrumented step (target dmdcore_dmd, links the engine).
 * Same arguments as rnn_step, through rnn_kernel_{f64,f32}_dmd: the same
 * kernel source compiled with -DDMD_INSTRUMENT, so the numbers are
 * bit-identical to the plain step.
 */
#include "rnn.h"
#include "rnn_kernel.h"

/* model.c */
void rnn__fill_kargs(rnn_model *m, rnn_kargs *a);
void rnn__step_with(rnn_model *m, const rnn_hparams *hp, int diag, int declare, rnn_kernel_fn k64, rnn_kernel_fn k32,
                    rnn_step_result *r);

void rnn_step_dmd(rnn_model *m, const rnn_hparams *hp, int declare_state, rnn_step_result *r)
{
    rnn__step_with(m, hp, 0, declare_state != 0, rnn_kernel_f64_dmd, rnn_kernel_f32_dmd, r);
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
