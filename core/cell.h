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

/* How rnn_model_create draws a tensor (stream 0 of the seed, tensors in
 * table order; model.c):
 *   RNN_TI_INPUT   0.1 N(0, 1) per element, drawn in math order (hidden i
 *                  outer, input j inner) into the transposed storage j*H + i
 *   RNN_TI_REC     the recurrent (H, H) recipe of --init: ortho = a random
 *                  orthogonal matrix of its own, random = N(0, sigma^2),
 *                  identity = I (vanilla only)
 *   RNN_TI_OUTPUT  N(0, 1) / sqrt(H) per element, row-major
 *   RNN_TI_ZERO    0 (no draw)
 *   RNN_TI_ONE     1 (no draw)
 *   RNN_TI_KEEP    the bias of the gate that keeps the state (GRU b_z, LSTM
 *                  b_f): the cell's keep_bias, or --gate-bias X; under
 *                  --gate-bias chrono log(u_i), u_i ~ U(1, T - 1) per unit
 *                  (Tallec & Ollivier 2018), drawn from stream 2 of the seed
 *                  so that no other tensor's draws move
 *   RNN_TI_KEEP_NEG  0, or under --gate-bias chrono minus the RNN_TI_KEEP
 *                  draws (the LSTM input-gate bias b_i = -b_f of the chrono
 *                  init) */
typedef enum {
    RNN_TI_ZERO, RNN_TI_INPUT, RNN_TI_REC, RNN_TI_OUTPUT, RNN_TI_ONE, RNN_TI_KEEP, RNN_TI_KEEP_NEG
} rnn_tensor_init;

/* A parameter tensor: mult * a * b elements.  Its gradient and momentum live
 * at the same offset in the gradient and momentum buffers. */
typedef struct {
    const char *name;  /* region name, e.g. "W_hh" */
    const char *grad;  /* region name of the gradient, e.g. "dW_hh" */
    const char *mom;   /* region name of the momentum, e.g. "v_W_hh" */
    const char *shape; /* as documented, e.g. "(H, H) row-major" */
    int mult;
    rnn_dim a, b;
    rnn_tensor_init init; /* its recipe in rnn_model_create */
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
    struct { /* core/cells_gru.c; per-gate matrices of one kind are adjacent */
        void *W_ir, *W_iz, *W_in; /* (I, H) each, stored transposed like W_ih */
        void *W_hr, *W_hz, *W_hn; /* (H, H) each, row-major: W_hr, W_hz = one (2H, H) */
        void *b_r, *b_z, *b_n;    /* (H) each */
        void *W_hy;               /* (O, H) row-major */
        void *b_y;                /* (O) */
    } gru;
    struct { /* the lstm cell (cells_lstm.c, rnn_lstm.c); gate order i, f, g, o */
        void *W_ii, *W_if, *W_ig, *W_io; /* (I, H) each, stored transposed: W_ig[j*H + i] is hidden i, input j;
                                            adjacent: (4, I, H) */
        void *W_hi, *W_hf, *W_hg, *W_ho; /* (H, H) each, row-major; adjacent: one (4H, H) row-major stack */
        void *b_i, *b_f, *b_g, *b_o;     /* (H) each; adjacent: (4H) */
        void *W_hy;                      /* (O, H) row-major */
        void *b_y;                       /* (O) */
    } lstm;
} rnn_views;

/* The vanilla cell's tensors by index (rnn_views.t[...], rnn_tensor_offset). */
enum { RNN_VAN_W_IH, RNN_VAN_W_HH, RNN_VAN_B_H, RNN_VAN_W_HY, RNN_VAN_B_Y, RNN_VAN_NTENSORS };
/* The GRU cell's (core/cells_gru.c). */
enum {
    RNN_GRU_W_IR, RNN_GRU_W_IZ, RNN_GRU_W_IN, RNN_GRU_W_HR, RNN_GRU_W_HZ, RNN_GRU_W_HN,
    RNN_GRU_B_R, RNN_GRU_B_Z, RNN_GRU_B_N, RNN_GRU_W_HY, RNN_GRU_B_Y, RNN_GRU_NTENSORS
};
/* The lstm cell's tensors by index. */
enum {
    RNN_LSTM_W_II, RNN_LSTM_W_IF, RNN_LSTM_W_IG, RNN_LSTM_W_IO,
    RNN_LSTM_W_HI, RNN_LSTM_W_HF, RNN_LSTM_W_HG, RNN_LSTM_W_HO,
    RNN_LSTM_B_I, RNN_LSTM_B_F, RNN_LSTM_B_G, RNN_LSTM_B_O,
    RNN_LSTM_W_HY, RNN_LSTM_B_Y, RNN_LSTM_NTENSORS
};

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
    struct { /* core/cells_gru.c, core/rnn_gru.c (OPERATION ORDER) */
        void *h;      /* (2, H, B) ring of the last two h_t, then (T, B, H) all h_t (as vanilla) */
        void *r;      /* (T, B, H) reset gate r_t of every step (hidden innermost) */
        void *z;      /* (T, B, H) update gate z_t */
        void *n;      /* (T, B, H) candidate n_t */
        void *rh;     /* (H, B) r_t * h_{t-1} of the step, then (T, B, H) of every step */
        void *dh;     /* (B, H) dL/dh_t, then the carry into dL/dh_{t-1} */
        void *da;     /* (2, 3, B, H) double buffer: dL/d(pre-activation) of r, z, n */
        void *logits; /* (K, O, B) logits, then (K, B, O) dL/dlogits */
    } gru;
    struct { /* the lstm cell's bptt (rnn_lstm.c); h, dh, logits at vanilla's places and layouts */
        void *h;      /* (2, H, B) ring of the last two h_t, then (T, B, H) all h_t */
        void *dh;     /* (B, H) dL/dh_t */
        void *dz;     /* (2, B, 4H) double buffer: dL/d(gate pre-activations) i, f, g, o */
        void *logits; /* (K, O, B) logits, then (K, B, O) dL/dlogits */
        void *c;      /* (T, B, H) cell states c_t */
        void *gates;  /* (T, B, 4H) gate activations i, f, g, o of every step */
        void *tanh_c; /* (T, B, H) tanh(c_t) */
        void *dc;     /* (B, H) dL/dc_t * f_t, carried from step t to t-1 */
    } lstm;
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
    int wT;                 /* n > 0: the plain step uses rnn_model.wT, an unpriced (n, H, H) scratch (allocated only then) */
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
    /* (The fields below were added with the gated cells; designated
     * initializers recommended.) */
    int gates;            /* gate blocks per step (vanilla 1, GRU 3, LSTM 4): the matrix-product FLOP count */
    unsigned inits;       /* the --init kinds that apply: bit (1 << rnn_init_kind) */
    int relu;             /* 1: --activation relu applies (vanilla: the IRNN) */
    int whh;              /* tensor whose singular values run.json reports as sv_W_hh_* */
    int st_h, st_logits;  /* state regions (every schedule) holding h (ring (2, H, B), then (T, B, H)) and
                             the logits (K, O, B): the training loop's metric and saturation read them */
    const char *inits_doc; /* one line for --help: the inits, biases (e.g. "ortho | random; biases 0") */
    double keep_bias;      /* the default of its RNN_TI_KEEP tensor (a cell without one: --gate-bias refused) */
} rnn_cell;

/* The cell's RNN_TI_KEEP tensor (the bias --gate-bias sets), or -1. */
int rnn_keep_tensor(const rnn_cell *c);

/* The registry: every cell, NULL-terminated, [0] the default (vanilla). */
extern const rnn_cell *const rnn_cells[];
/* Index of the cell called name in rnn_cells, or -1. */
int rnn_cell_find(const char *name);
/* Index of the schedule called name in cell c, or -1. */
int rnn_schedule_find(const rnn_cell *c, const char *name);
/* "vanilla, gru, ..." / "bptt, ..." (static buffer; for messages). */
const char *rnn_cell_names(void);
const char *rnn_schedule_names(const rnn_cell *c);

/* One line per cell for --help: indent, name, doc, then its inits_doc on the
 * next line (static buffer). */
const char *rnn_cells_help(const char *indent);

/* Elements of a tensor or state region at these sizes. */
size_t rnn_tensor_count(const rnn_tensor_spec *t, const rnn_dims *d);
size_t rnn_state_count(const rnn_state_spec *s, const rnn_dims *d);

/* Every region name a measurement of (c, s) can report, in the order the
 * instrumented step registers them, "temp" first: "temp", then per tensor
 * name, grad, mom, then "x" (the batch), then the state regions.  Returns the
 * count (at most max written). */
int rnn_region_names(const rnn_cell *c, const rnn_schedule *s, const char **out, int max);

#endif
