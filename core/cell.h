/*
 * cell.h -- the cell interface: what a measured recurrent kernel ("cell":
 * the vanilla RNN today; GRU, LSTM next) and each of its BPTT schedules
 * declare about themselves.  docs/cells.md says how to add one.
 *
 * One table per cell is the single source of
 *   - the parameter tensors: names (= libdmd region names, with "d" and "v_"
 *     prefixes for gradients and momentum), shapes, and their order in the
 *     one parameter buffer (so also the checkpoint layout and the optimizer's
 *     flat loop);
 *   - the workspace ("state") regions of each schedule, with their sizes;
 *   - the plain steps (per schedule, float64 and float32);
 *   - the SDE counter names and the inputs of the analytic model (both read
 *     the tables through the functions below).
 * The instrumented steps live in the library that links the engine
 * (rnn_dmd.c's table, same cell and schedule names).
 *
 * Sizes: T steps, B batch, I inputs, H hidden, O outputs, K target steps.
 */
#ifndef DMDPROF_CELL_H
#define DMDPROF_CELL_H

#include <stddef.h>

/* Dimensions a size can be built from. */
typedef enum { RNN_D1, RNN_DT, RNN_DB, RNN_DI, RNN_DH, RNN_DO, RNN_DK, RNN_DS, RNN_DC, RNN_NDIMS } rnn_dim;
/* RNN_DS, RNN_DC: the ckpt schedule's segment length k (--ckpt-every) and
 * segment count ceil(T/k) (rnn_sched.c). */

typedef struct {
    size_t d[RNN_NDIMS]; /* d[RNN_D1] = 1 */
} rnn_dims;

/* A parameter tensor: mult * a * b elements.  Its gradient and momentum live
 * at the same offset in the gradient and momentum buffers. */
typedef struct {
    const char *name;  /* region name, e.g. "W_hh" */
    const char *grad;  /* region name of the gradient, e.g. "dW_hh" */
    const char *mom;   /* region name of the momentum, e.g. "v_W_hh" */
    const char *shape; /* as documented, e.g. "(H, H) row-major" */
    int mult;
    rnn_dim a, b;
} rnn_tensor_spec;

/* A workspace region of a schedule: mult * (a + add) * b * c elements of the
 * kernel's precision. */
typedef struct {
    const char *name;  /* region name, e.g. "h" */
    const char *shape; /* e.g. "(2, H, B) ring, then (T, B, H)" */
    int mult;
    rnn_dim a;
    int add;
    rnn_dim b, c;
} rnn_state_spec;

#define RNN_MAX_TENSORS 16
#define RNN_MAX_STATE 16

/* Named views over one buffer in the parameter layout (params, grads or
 * momentum), llm.c's ParameterTensors: t[k] points at tensor k. */
typedef union {
    void *t[RNN_MAX_TENSORS];
    struct {
        void *W_ih; /* (I, H)  stored transposed: W_ih[j*H + i] is hidden i, input j */
        void *W_hh; /* (H, H)  row-major: W_hh[i*H + j] multiplies h_{t-1}[j] into z_t[i] */
        void *b_h;  /* (H) */
        void *W_hy; /* (O, H)  row-major */
        void *b_y;  /* (O) */
    } van;
} rnn_views;

/* The vanilla cell's tensors by index (rnn_views.t[...], rnn_tensor_offset). */
enum { RNN_VAN_W_IH, RNN_VAN_W_HH, RNN_VAN_B_H, RNN_VAN_W_HY, RNN_VAN_B_Y, RNN_VAN_NTENSORS };

/* Named views of a schedule's workspace regions: s[k] is region k. */
typedef union {
    void *s[RNN_MAX_STATE];
    struct {
        void *h;      /* (2, H, B) ring of the last two h_t, then (T, B, H) all h_t */
        void *dh;     /* (B, H) */
        void *dz;     /* (2, B, H) double buffer */
        void *logits; /* (K, O, B) logits, then (K, B, O) dL/dlogits */
        void *hckpt;  /* schedule ckpt only: (2, ceil(T/k), H, B) checkpoints */
    } van;
} rnn_state;

struct rnn_model;
struct rnn_kargs;
struct rnn_kout;
/* A step of a schedule: forward, loss, BPTT, clipping, update (see rnn_kernel.h). */
typedef void (*rnn_kernel_fn)(const struct rnn_kargs *a, struct rnn_kout *o);

/* One BPTT schedule of a cell: its workspace and its plain steps. */
typedef struct {
    const char *name; /* "bptt" for the baseline; CLI --schedule NAME */
    const char *doc;  /* one line for --help */
    int nstate;
    const rnn_state_spec *state;
    rnn_kernel_fn plain[2]; /* [0] float64, [1] float32 */
} rnn_schedule;

typedef struct rnn_cell {
    const char *name; /* CLI --cell NAME */
    const char *doc;  /* one line for --help */
    int ntensors;
    const rnn_tensor_spec *tensors; /* in buffer order */
    int nschedules;
    const rnn_schedule *schedules; /* [0] is the default */
    /* Upper estimate of the values one instrumented step creates (the
     * measurement's value and memory budget check). */
    double (*values_per_step)(const struct rnn_model *m);
} rnn_cell;

/* The registry: every cell, NULL-terminated, [0] the default (vanilla). */
extern const rnn_cell *const rnn_cells[];
/* Index of the cell called name in rnn_cells, or -1. */
int rnn_cell_find(const char *name);
/* Index of the schedule called name in cell c, or -1. */
int rnn_schedule_find(const rnn_cell *c, const char *name);
/* "vanilla, gru, ..." / "bptt, ..." (static buffer; for messages). */
const char *rnn_cell_names(void);
const char *rnn_schedule_names(const rnn_cell *c);

/* Elements of a tensor or state region at these sizes. */
size_t rnn_tensor_count(const rnn_tensor_spec *t, const rnn_dims *d);
size_t rnn_state_count(const rnn_state_spec *s, const rnn_dims *d);

/* Every region name a measurement of (c, s) can report, in the order the
 * instrumented step registers them, "temp" first: "temp", then per tensor
 * name, grad, mom, then "x" (the batch), then the state regions.  Returns the
 * count (at most max written). */
int rnn_region_names(const rnn_cell *c, const rnn_schedule *s, const char **out, int max);

#endif
