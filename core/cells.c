/*
 * cells.c -- the cell registry and the vanilla cell's table (cell.h).
 * To add a cell or a schedule: docs/cells.md.
 */
#include "cell.h"

#include <stdio.h>
#include <string.h>

#include "rnn.h"
#include "rnn_kernel.h"

/* ------------------------------------------------------------- vanilla -- */

/* h_t = tanh(W_ih x_t + W_hh h_{t-1} + b_h) (relu for the IRNN),
 * y_t = W_hy h_t + b_y.  Buffer order = region order = checkpoint order. */
static const rnn_tensor_spec vanilla_tensors[RNN_VAN_NTENSORS] = {
    [RNN_VAN_W_IH] = {"W_ih", "dW_ih", "v_W_ih", "(I, H) stored transposed: W_ih[j*H + i]", 1, RNN_DI, RNN_DH, RNN_TI_INPUT},
    [RNN_VAN_W_HH] = {"W_hh", "dW_hh", "v_W_hh", "(H, H) row-major", 1, RNN_DH, RNN_DH, RNN_TI_REC},
    [RNN_VAN_B_H] = {"b_h", "db_h", "v_b_h", "(H)", 1, RNN_DH, RNN_D1, RNN_TI_ZERO},
    [RNN_VAN_W_HY] = {"W_hy", "dW_hy", "v_W_hy", "(O, H) row-major", 1, RNN_DO, RNN_DH, RNN_TI_OUTPUT},
    [RNN_VAN_B_Y] = {"b_y", "db_y", "v_b_y", "(O)", 1, RNN_DO, RNN_D1, RNN_TI_ZERO},
};

/* The baseline schedule's workspace (rnn_kernel.c, OPERATION ORDER). */
static const rnn_state_spec vanilla_bptt_state[] = {
    {"h", "(2, H, B) ring of the last two h_t, then (T, B, H) all h_t", 1, RNN_DT, 2, RNN_DH, RNN_DB},
    {"dh", "(B, H)", 1, RNN_DB, 0, RNN_DH, RNN_D1},
    {"dz", "(2, B, H) double buffer", 2, RNN_DB, 0, RNN_DH, RNN_D1},
    {"logits", "(K, O, B) logits, then (K, B, O) dL/dlogits", 2, RNN_DK, 0, RNN_DO, RNN_DB},
};

/* The other schedules' workspaces (rnn_sched.c, OPERATION ORDER). */
static const rnn_state_spec vanilla_dwafter_state[] = {
    {"h", "(2, H, B) ring of the last two h_t, then (T, B, H) all h_t", 1, RNN_DT, 2, RNN_DH, RNN_DB},
    {"dh", "(B, H)", 1, RNN_DB, 0, RNN_DH, RNN_D1},
    {"dz", "(T, B, H) every dz_t", 1, RNN_DT, 0, RNN_DB, RNN_DH},
    {"logits", "(K, O, B) logits, then (K, B, O) dL/dlogits", 2, RNN_DK, 0, RNN_DO, RNN_DB},
};
static const rnn_state_spec vanilla_ckpt_state[] = {
    {"h", "(2, H, B) ring, then (k, B, H) the segment's h_t", 1, RNN_DS, 2, RNN_DH, RNN_DB},
    {"dh", "(B, H)", 1, RNN_DB, 0, RNN_DH, RNN_D1},
    {"dz", "(2, B, H) double buffer", 2, RNN_DB, 0, RNN_DH, RNN_D1},
    {"logits", "(K, O, B) logits, then (K, B, O) dL/dlogits", 2, RNN_DK, 0, RNN_DO, RNN_DB},
    {"hckpt", "(S, H, B) then (S, B, H): h_{c k} at slot c-1, S = ceil(T/k)", 2, RNN_DC, 0, RNN_DH, RNN_DB},
};
#define RNN__N(a) (int)(sizeof a / sizeof a[0])

static const rnn_schedule vanilla_schedules[] = {
    {"bptt", "backpropagation through time as in rnn_kernel.c's OPERATION ORDER (the baseline)",
     RNN__N(vanilla_bptt_state), vanilla_bptt_state, {rnn_kernel_f64, rnn_kernel_f32}, 1},
    {"dwafter", "dW_hh, dW_ih, db_h after the backward loop, one product over all timesteps (cuDNN style)",
     RNN__N(vanilla_dwafter_state), vanilla_dwafter_state, {rnn_sched_dwafter_f64, rnn_sched_dwafter_f32}, 1},
    {"alt", "dwafter, and W_hh swept in alternating direction from one step to the next",
     RNN__N(vanilla_dwafter_state), vanilla_dwafter_state, {rnn_sched_alt_f64, rnn_sched_alt_f32}, 1},
    {"fused", "per W_hh column strip: the dh product, then the dW_hh accumulation, back to back",
     RNN__N(vanilla_bptt_state), vanilla_bptt_state, {rnn_sched_fused_f64, rnn_sched_fused_f32}, 1},
    {"ckpt", "gradient checkpointing: keep h_t every --ckpt-every K steps (default ceil(sqrt(T))), recompute the rest",
     RNN__N(vanilla_ckpt_state), vanilla_ckpt_state, {rnn_sched_ckpt_f64, rnn_sched_ckpt_f32}, 0},
};

/* Every multiply-add makes one value, plus the elementwise work
 * (activations, their derivatives, loss, update): an upper estimate. */
static double vanilla_values_per_step(const rnn_model *m)
{
    const rnn_config *c = &m->cfg;
    double thb = (double)c->T * c->H * c->batch;
    double recompute = strcmp(m->sched->name, "ckpt") ? 0 : thb * (c->H + m->I + 2.0); /* one more forward at most */
    return rnn_step_flops(m) / 2 + 6.0 * thb + 8.0 * (double)m->P + 8.0 * c->batch * m->K * m->O + 1024 + recompute;
}

static const rnn_cell rnn_cell_vanilla = {
    .name = "vanilla",
    .doc = "Elman RNN: h_t = tanh(W_ih x_t + W_hh h_{t-1} + b_h), y_t = W_hy h_t + b_y",
    .ntensors = RNN_VAN_NTENSORS,
    .tensors = vanilla_tensors,
    .nschedules = (int)(sizeof vanilla_schedules / sizeof vanilla_schedules[0]),
    .schedules = vanilla_schedules,
    .values_per_step = vanilla_values_per_step,
    .gates = 1,
    .inits = 1u << RNN_INIT_ORTHO | 1u << RNN_INIT_RANDOM | 1u << RNN_INIT_IDENTITY,
    .relu = 1,
    .whh = RNN_VAN_W_HH,
    .st_h = 0,
    .st_logits = 3,
    .inits_doc = "--init ortho | random | identity (W_hh), --activation tanh | relu; biases 0",
};

/* ------------------------------------------------------------ registry -- */

extern const rnn_cell rnn_cell_gru;  /* cells_gru.c */
extern const rnn_cell rnn_cell_lstm; /* cells_lstm.c */

const rnn_cell *const rnn_cells[] = {&rnn_cell_vanilla, &rnn_cell_gru, &rnn_cell_lstm, NULL};

int rnn_cell_find(const char *name)
{
    for (int k = 0; rnn_cells[k]; k++)
        if (strcmp(rnn_cells[k]->name, name) == 0) return k;
    return -1;
}

int rnn_schedule_find(const rnn_cell *c, const char *name)
{
    for (int k = 0; k < c->nschedules; k++)
        if (strcmp(c->schedules[k].name, name) == 0) return k;
    return -1;
}

static const char *join(char *buf, size_t n, int count, const char *(*get)(const void *, int), const void *ctx)
{
    size_t at = 0;
    buf[0] = 0;
    for (int k = 0; k < count && at < n; k++) at += (size_t)snprintf(buf + at, n - at, "%s%s", k ? ", " : "", get(ctx, k));
    return buf;
}
static const char *cell_name_at(const void *ctx, int k) { return (void)ctx, rnn_cells[k]->name; }
static const char *sched_name_at(const void *ctx, int k) { return ((const rnn_cell *)ctx)->schedules[k].name; }

const char *rnn_cell_names(void)
{
    static char buf[256];
    int n = 0;
    while (rnn_cells[n]) n++;
    return join(buf, sizeof buf, n, cell_name_at, NULL);
}

const char *rnn_schedule_names(const rnn_cell *c)
{
    static char buf[512];
    return join(buf, sizeof buf, c->nschedules, sched_name_at, c);
}

const char *rnn_cells_help(const char *indent)
{
    static char buf[2048];
    size_t at = 0;
    buf[0] = 0;
    for (int k = 0; rnn_cells[k] && at < sizeof buf; k++)
        at += (size_t)snprintf(buf + at, sizeof buf - at, "%s%-8s %s\n%s%-8s %s\n", indent, rnn_cells[k]->name,
                               rnn_cells[k]->doc, indent, "", rnn_cells[k]->inits_doc);
    return buf;
}

int rnn_keep_tensor(const rnn_cell *c)
{
    for (int k = 0; k < c->ntensors; k++)
        if (c->tensors[k].init == RNN_TI_KEEP) return k;
    return -1;
}

size_t rnn_tensor_count(const rnn_tensor_spec *t, const rnn_dims *d)
{
    return (size_t)t->mult * d->d[t->a] * d->d[t->b];
}

size_t rnn_state_count(const rnn_state_spec *s, const rnn_dims *d)
{
    return (size_t)s->mult * (d->d[s->a] + (size_t)s->add) * d->d[s->b] * d->d[s->c];
}

int rnn_region_names(const rnn_cell *c, const rnn_schedule *s, const char **out, int max)
{
    int n = 0;
#define RNN__PUT(x)                                                                                               \
    do {                                                                                                          \
        if (n < max) out[n] = (x);                                                                                \
        n++;                                                                                                      \
    } while (0)
    RNN__PUT("temp");
    for (int k = 0; k < c->ntensors; k++) {
        RNN__PUT(c->tensors[k].name);
        RNN__PUT(c->tensors[k].grad);
        RNN__PUT(c->tensors[k].mom);
    }
    RNN__PUT("x");
    for (int k = 0; k < s->nstate; k++) RNN__PUT(s->state[k].name);
#undef RNN__PUT
    return n < max ? n : max;
}
