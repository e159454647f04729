/*
 * rnn_hooks.h -- the instrumented declarations every cell's step kernel
 * shares, driven by the cell and schedule tables (cell.h).  Include after
 * dmd.h in a kernel source; the plain build compiles them to nothing.
 *
 *   rnn_declare_state(m)  once per measurement, before the step's hooks:
 *                         per parameter tensor (table order) the regions
 *                         NAME, dNAME, v_NAME; then "x" (the inputs, and the
 *                         regression targets); then the schedule's state
 *                         regions in table order; then DMD_INPUT(momentum
 *                         buffer, P) and DMD_INPUT(parameter buffer, P), so the
 *                         parameters end on top, element 0 deepest.
 *   rnn_declare_outputs(m) after a measurement's last step: DMD_OUTPUT of the
 *                         momentum buffer, then of the parameter buffer.
 */
#ifndef DMDPROF_RNN_HOOKS_H
#define DMDPROF_RNN_HOOKS_H

#include "cell.h"
#include "rnn.h"

#ifdef DMD_INSTRUMENT
static inline void rnn_declare_state(const rnn_model *m)
{
    const rnn_cell *c = m->cell;
    for (int k = 0; k < c->ntensors; k++) {
        size_t n = rnn_tensor_count(&c->tensors[k], &m->dims);
        DMD_REGION(c->tensors[k].name, (const dmd_num *)m->pv.t[k], n);
        DMD_REGION(c->tensors[k].grad, (const dmd_num *)m->gv.t[k], n);
        DMD_REGION(c->tensors[k].mom, (const dmd_num *)m->mv.t[k], n);
    }
    const rnn_dims *d = &m->dims;
    DMD_REGION("x", (const dmd_num *)m->x, d->d[RNN_DT] * d->d[RNN_DI] * d->d[RNN_DB]);
    if (m->y) DMD_REGION("x", (const dmd_num *)m->y, d->d[RNN_DB] * d->d[RNN_DK]);
    for (int k = 0; k < m->sched->nstate; k++)
        DMD_REGION(m->sched->state[k].name, (const dmd_num *)m->st.s[k], rnn_state_count(&m->sched->state[k], d));
    DMD_INPUT((const dmd_num *)m->mom, m->P);
    DMD_INPUT((const dmd_num *)m->params, m->P);
}

static inline void rnn_declare_outputs(const rnn_model *m)
{
    DMD_OUTPUT((const dmd_num *)m->mom, m->P);
    DMD_OUTPUT((const dmd_num *)m->params, m->P);
}
#else
static inline void rnn_declare_state(const rnn_model *m) { (void)m; }
static inline void rnn_declare_outputs(const rnn_model *m) { (void)m; }
#endif

#endif
