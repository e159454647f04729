/*
 * rnn.h -- the vanilla RNN trainer of dmdprof: configuration, model state,
 * one BPTT training step (plain or instrumented), the training loop and
 * checkpoints.  This is the API the CLI (train, headline, measure) and the
 * probes' Callgrind workload use; nothing else of core/ is needed.
 *
 * Sizes: T sequence length, B batch, I input width, H hidden units,
 * O outputs, K target steps (the last K timesteps carry a target; K = 1 for
 * the headline tasks), P number of parameters.
 *
 * Model: h_0 = 0, z_t = W_ih x_t + W_hh h_{t-1} + b_h, h_t = tanh(z_t)
 * (relu for the IRNN), y_t = W_hy h_t + b_y at t = T-K+1..T; loss
 * 0.5*mean squared error (regression) or mean softmax cross-entropy, the mean
 * over the B*K targets.
 *
 * Parameter buffer (one allocation; gradients and momentum use the same
 * layout, so the optimizer is one flat loop).  The layout is the cell's
 * tensor table (cell.h, cells.c); for the vanilla cell:
 *   W_ih  (I, H)   stored TRANSPOSED: math element W_ih[i][j] (hidden i,
 *                  input j) lives at W_ih[j*H + i]
 *   W_hh  (H, H)   row-major, W_hh[i*H + j] multiplies h_{t-1}[j] into z_t[i]
 *   b_h   (H)
 *   W_hy  (O, H)   row-major
 *   b_y   (O)
 * m->pv, m->gv, m->mv are named views of the three buffers (m->pv.van.W_hh).
 * Elements are double (f64) or float (f32), chosen at run time.
 */
#ifndef DMDPROF_RNN_H
#define DMDPROF_RNN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cell.h"
#include "rng.h"
#include "tasks.h"

typedef enum { RNN_INIT_ORTHO, RNN_INIT_RANDOM, RNN_INIT_IDENTITY } rnn_init_kind;
/* --gate-bias: the init of the bias of the gate that keeps the state (GRU
 * b_z, LSTM b_f; cell.h RNN_TI_KEEP): the cell's default, a constant, or
 * chrono (Tallec & Ollivier 2018). */
typedef enum { RNN_GB_DEFAULT, RNN_GB_CONST, RNN_GB_CHRONO } rnn_gate_bias_kind;
#define RNN_GATE_BIAS_MAX 50.0 /* |--gate-bias X| (sigma(50) is 1 in float64) */
typedef enum { RNN_LR_CONSTANT, RNN_LR_STEP, RNN_LR_EXP, RNN_LR_PLATEAU } rnn_lr_kind;
typedef enum { RNN_F64, RNN_F32 } rnn_precision;
typedef enum { RNN_ACT_TANH, RNN_ACT_RELU } rnn_activation;

/* Limits (validated by rnn_config_check).  H_MAX keeps W_hh, its gradient
 * and momentum under 100 MB in float64; the whole workspace must also fit
 * RNN_MAX_BYTES. */
#define RNN_H_MAX 2048
#define RNN_T_MAX 100000
#define RNN_B_MAX 100000
#define RNN_EPOCHS_MAX 1000000
#define RNN_MAX_BYTES ((size_t)2 << 30) /* 2 GiB */

/* Names for the enums (CLI choices and JSON); NULL-terminated lists. */
extern const char *const rnn_init_names[];      /* ortho, random, identity */
extern const char *const rnn_lr_names[];        /* constant, step, exp, plateau */
extern const char *const rnn_precision_names[]; /* float64, float32 */
extern const char *const rnn_activation_names[]; /* tanh, relu */

typedef struct {
    task_id task;
    rnn_init_kind init;
    rnn_activation activation;
    int T, H;
    int batch;              /* B */
    int batches_per_epoch;
    int epochs;
    double lr;              /* initial learning rate, >= 0 */
    double momentum;        /* mu (the maximum when momentum_schedule) in [0, 1) */
    int nesterov;           /* 0 heavy ball, 1 Nesterov (Sutskever et al. 2013 form) */
    int momentum_schedule;  /* 1: mu_t = min(1 - 2^(-1 - log2(floor(t/250) + 1)), momentum) */
    double clip;            /* global-norm clip threshold; 0 = clipping off */
    rnn_lr_kind lr_schedule;
    double lr_gamma;        /* factor of step/exp/plateau (per step_epochs / per epoch / per plateau) */
    int lr_step_epochs;     /* step schedule period */
    int lr_patience;        /* plateau: epochs without improvement of the loss before a cut */
    double lr_min;          /* floor of every schedule */
    double sigma;           /* random init: W_hh ~ N(0, sigma^2) */
    uint64_t seed;          /* stream 0 draws the init, stream 1 the batches (unless data_seed) */
    int has_data_seed;      /* 1: the batches come from stream 1 of data_seed instead of seed */
    uint64_t data_seed;     /* (--data-seed: same init, other data; rnn_data_seed() is the one used) */
    rnn_precision precision;
    int cell;               /* index into rnn_cells (cell.h); 0 = vanilla */
    int schedule;           /* index into the cell's schedules; 0 = its baseline BPTT */
    int ckpt_every;         /* schedule ckpt: keep h_t every K steps, 1..T (0: ceil(sqrt(T))) */
    rnn_gate_bias_kind gate_bias_kind; /* --gate-bias (gated cells only) */
    double gate_bias;       /* RNN_GB_CONST: the value, |x| <= 50 */
} rnn_config;

/* The seed experiment's headline settings: addition, ortho, tanh, T 30, H 64,
 * batch 50, 30 batches per epoch, 80 epochs, lr 0.01, heavy-ball momentum
 * 0.9 without schedule, clip 1.0, constant lr, sigma 0.1, seed 0, float64. */
void rnn_config_default(rnn_config *c);
/* NULL when c is valid; otherwise a message naming the offending flag
 * (e.g. "-T: 3 is below the minimum 10 of temporal_order"), written to buf. */
const char *rnn_config_check(const rnn_config *c, char *buf, size_t n);
/* The seed whose stream 1 draws the batches: data_seed when given, else seed. */
static inline uint64_t rnn_data_seed(const rnn_config *c)
{
    return c->has_data_seed ? c->data_seed : c->seed;
}
/* The ckpt schedule's segment length k: cfg.ckpt_every, or ceil(sqrt(T)). */
int rnn_ckpt_segment(const rnn_config *c);
/* Workspace bytes a model of this configuration allocates. */
size_t rnn_config_bytes(const rnn_config *c);

/* One epoch of the history. dh_norm[k] is ||dL/dh_t|| (Frobenius over the
 * batch) at t = dh_t[k] = T, T-10, ..., and 1, on the epoch's last batch. */
#define RNN_MAX_DH 32
typedef struct {
    int epoch;          /* 1-based */
    double loss;        /* mean over the epoch's batches (before each step's update) */
    double metric;      /* mse (= loss) or accuracy, mean over the epoch's batches */
    double grad_norm;   /* mean global gradient norm before clipping */
    double clip_frac;   /* fraction of the epoch's steps that were clipped */
    double lr, mu;      /* learning rate and momentum of the epoch's last step */
    double sat_frac;    /* fraction of |h| > 0.99 on the epoch's last batch */
    double dh_norm[RNN_MAX_DH];
} rnn_epoch_rec;

typedef enum { RNN_RUNNING, RNN_SOLVED, RNN_UNSOLVED, RNN_DIVERGED, RNN_STOPPED } rnn_status;
extern const char *const rnn_status_names[]; /* running, solved, unsolved, diverged, stopped */

/* Inputs of one step in the kernel's layout (see rnn_kernel.h). */
typedef struct {
    double lr, mu;
} rnn_hparams;

typedef struct {
    double loss;      /* loss of the batch, before the update */
    double metric;    /* mse or accuracy of the batch */
    double grad_norm; /* global norm before clipping */
    int clipped;
} rnn_step_result;

typedef struct rnn_model {
    rnn_config cfg;
    const rnn_cell *cell;         /* rnn_cells[cfg.cell] */
    const rnn_schedule *sched;    /* cell->schedules[cfg.schedule] */
    int I, O, K;          /* from the task */
    rnn_dims dims;        /* T, B, I, H, O, K for the tables */
    size_t P;             /* number of parameters */
    size_t esz;           /* bytes per element: 8 or 4 */
    void *params, *grads, *mom;       /* (P) each */
    rnn_views pv, gv, mv; /* named views of params, grads, mom (the cell's tensors) */
    /* kernel workspace, in the kernel's precision */
    void *x;              /* (T, I, B)   the batch, batch innermost */
    void *y;              /* (B, K)      regression targets (NULL for classification) */
    int *labels;          /* (B, K)      class targets (NULL for regression) */
    rnn_state st;         /* the schedule's state regions (vanilla: st.van.h, dh, dz, logits) */
    void *wT;             /* (rnn_schedule.wT, H, H) unpriced scratch of the plain forward (van_forward, the gated cells' passes): the recurrent matrices packed transposed; NULL for a schedule without rnn_schedule.wT */
    double *xd, *yd;      /* task_batch output: (B, T, I), (B, K) */
    double *dh_norm2;     /* (T) diagnostics of the last diag step */
    long diag_sat;        /* |h| > 0.99 count of the last diag step from the kernel, or -1 (count hT) */
    int ndh, dh_t[RNN_MAX_DH];
    rng_t data_rng;       /* stream 1 of the seed: batches */
    double *sv_init;      /* (H) singular values of W_hh at init */
    /* training state */
    long step;            /* optimizer steps done */
    int epoch;            /* completed epochs */
    double lr_cur, plateau_best;
    int plateau_bad;
    int ep_steps, ep_clipped;      /* partial epoch */
    double ep_loss, ep_metric, ep_gn;
    int solved_epoch;     /* 0 = never */
    int diverged_epoch;   /* 0 = not diverged */
    rnn_status status;
    rnn_epoch_rec *hist;
    int nhist, hist_cap;
} rnn_model;

/* Create a model by recipe and seed (stream 0 of the seed draws W_ih, W_hh,
 * W_hy in that order).  cfg must pass rnn_config_check.  Returns NULL and a
 * message in err on failure (out of memory, LAPACK failure). */
rnn_model *rnn_model_create(const rnn_config *cfg, char *err, size_t errlen);
void rnn_model_free(rnn_model *m);
/* Run m with another schedule of its cell (and the ckpt schedule's
 * segment length; 0 = default): validates like rnn_config_check, replaces
 * the workspace.  The schedule is how a step runs, not what it computes
 * (every schedule gives the same bits), so checkpoints do not record it.
 * 0, or -1 with a one-line reason in err (m unchanged). */
int rnn_model_set_schedule(rnn_model *m, int schedule, int ckpt_every, char *err, size_t errlen);
/* Element offset of tensor k (the cell's table order) in the parameter
 * layout, and its element count. */
size_t rnn_tensor_offset(const rnn_model *m, int k);
size_t rnn_tensor_size(const rnn_model *m, int k);
/* Parameter element k (any precision) as double, and assignment. */
double rnn_param_get(const rnn_model *m, const void *buf, size_t k);
void rnn_param_set(rnn_model *m, void *buf, size_t k, double v);
/* Hidden state k of the last forward pass, k indexing (T, B, H): h_t[b][i]
 * at k = ((t-1)*B + b)*H + i. */
double rnn_hidden(const rnn_model *m, size_t k);
/* W_hh (H, H) copied out as double (caller's buffer). */
void rnn_whh_copy(const rnn_model *m, double *out);

/* Draw the next batch from the data stream into x / y / labels. */
void rnn_draw_batch(rnn_model *m);
/* The step's learning rate and momentum from the schedules and m->step. */
rnn_hparams rnn_step_hparams(const rnn_model *m);
/* One plain training step on the current batch: forward, loss, BPTT,
 * clipping, momentum update (params and mom updated in place, grads hold the
 * unclipped gradient).  diag != 0 also fills m->dh_norm2. */
void rnn_step(rnn_model *m, const rnn_hparams *hp, int diag, rnn_step_result *r);
/* The same step through the instrumented kernel (link dmdcore_dmd; an engine
 * must be attached, see dmd_engine.h).  declare_state != 0 on the first step
 * of a measurement: registers every region and declares the parameters and
 * momentum as inputs (the batch is declared at every step).  Bit-identical
 * to rnn_step. */
void rnn_step_dmd(rnn_model *m, const rnn_hparams *hp, int declare_state, rnn_step_result *r);
/* 1 when the model's (cell, schedule) has an instrumented step (dmdcore_dmd). */
int rnn_can_measure(const rnn_model *m);
/* Instrumented: declare params and momentum as outputs (end of a measurement). */
void rnn_dmd_outputs(rnn_model *m);
/* Only the gradient: forward + backward on the current batch, no update
 * (for the gradient check).  Returns the loss; m->grads holds dL/dparams. */
double rnn_loss_grad(rnn_model *m);
/* Only the loss on the current batch (forward), parameters untouched. */
double rnn_loss(rnn_model *m);

/* The training loop: epochs until cfg.epochs (or max_steps optimizer steps
 * when > 0, status RNN_STOPPED), diverges (loss NaN/Inf: RNN_DIVERGED,
 * stops at once) or finishes (RNN_SOLVED if some epoch met the task's
 * threshold, else RNN_UNSOLVED).  cb (may be NULL) is called after each
 * epoch.  Resumable: call again on a model loaded from a checkpoint. */
typedef void (*rnn_epoch_cb)(void *ctx, const rnn_model *m, const rnn_epoch_rec *rec);
rnn_status rnn_train(rnn_model *m, long max_steps, rnn_epoch_cb cb, void *ctx);

/* Singular values (H) of the current W_hh, descending.  0 or -1. */
int rnn_whh_singular_values(const rnn_model *m, double *s);
/* History as CSV (docs/schema.md; deterministic text; a NaN value is an
 * empty field).  Wide: a header and one row per epoch (schema, epoch, loss,
 * METRIC, grad_norm, clip_frac, lr, mu, sat_frac, dh_norm_tN...).  Long
 * (tidy): one row per (epoch, metric) with its value.  Return 0, or -1 on
 * a write error of f. */
#define RNN_HISTORY_SCHEMA "dmdprof.history/1"
#define RNN_HISTORY_LONG_SCHEMA "dmdprof.history_long/1"
int rnn_history_csv(const rnn_model *m, FILE *f);
int rnn_history_long_csv(const rnn_model *m, FILE *f);

/* Checkpoint (format in ckpt.c): write to f; returns 0 or -1. */
int rnn_ckpt_write(const rnn_model *m, FILE *f);
/* Read and verify a checkpoint; NULL with a one-line reason in err
 * (unreadable, truncated, bad magic/version, checksum mismatch, invalid). */
rnn_model *rnn_ckpt_read(const char *path, char *err, size_t errlen);
/* The same from a whole checkpoint in memory (buf, n bytes); path names it in
 * messages.  The file's length is checked against its header before the
 * model is allocated. */
rnn_model *rnn_ckpt_parse(const unsigned char *buf, size_t n, const char *path, char *err, size_t errlen);

/* Floating-point operations of one training step (2 per multiply-add of
 * the three matrix products, forward and backward), for GFLOP/s figures. */
double rnn_step_flops(const rnn_model *m);

/* The instruction-set clone of the plain kernel (core/rnn_isa.c): the best
 * this CPU supports, or the one named by the environment variable
 * DMDPROF_ISA (avx512, avx2, baseline, auto; "generic" off x86-64), read
 * once.  rnn_isa_init validates it: 0, or -1 with a one-line reason in err
 * (unknown name, or a clone this CPU cannot run).  rnn_isa() is the name of
 * the clone that runs (it calls rnn_isa_init and exits 2 on a bad
 * DMDPROF_ISA if nobody did before).  All clones give bit-identical numbers. */
int rnn_isa_init(char *err, size_t errlen);
const char *rnn_isa(void);
const char *rnn_isa_names(void);
/* 1 if this CPU can run clone isa (avx512, avx2, baseline; generic). */
int rnn_isa_supported(const char *isa);
/* The float64 FMA peak of one core for clone isa, measured (about 0.2 s of
 * CPU time: independent FMA chains, thread CPU time, best of 5), in GFLOP/s;
 * NAN for the baseline clone (no FMA unit: fma() is a libm call), a clone
 * this CPU cannot run, or off x86-64. */
double rnn_isa_peak_gflops(const char *isa);

#endif
