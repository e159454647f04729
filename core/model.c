/*
 * model.c -- configuration, model state and initialisation, batches,
 * schedules, one plain step, the training loop and its diagnostics.
 * The arithmetic of a step is all in rnn_kernel.c; here only bookkeeping.
 */
#include "rnn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dmd_csv.h"
#include "linalg.h"
#include "rnn_kernel.h"

const char *const rnn_init_names[] = {"ortho", "random", "identity", NULL};
const char *const rnn_lr_names[] = {"constant", "step", "exp", "plateau", NULL};
const char *const rnn_precision_names[] = {"float64", "float32", NULL};
const char *const rnn_activation_names[] = {"tanh", "relu", NULL};
const char *const rnn_status_names[] = {"running", "solved", "unsolved", "diverged", "stopped", NULL};

void rnn_config_default(rnn_config *c)
{
    memset(c, 0, sizeof *c);
    c->task = TASK_ADDITION;
    c->init = RNN_INIT_ORTHO;
    c->activation = RNN_ACT_TANH;
    c->T = 30;
    c->H = 64;
    c->batch = 50;
    c->batches_per_epoch = 30;
    c->epochs = 80;
    c->lr = 0.01;
    c->momentum = 0.9;
    c->nesterov = 0;
    c->momentum_schedule = 0;
    c->clip = 1.0;
    c->lr_schedule = RNN_LR_CONSTANT;
    c->lr_gamma = 0.5;
    c->lr_step_epochs = 20;
    c->lr_patience = 5;
    c->lr_min = 1e-5;
    c->sigma = 0.1;
    c->seed = 0;
    c->has_data_seed = 0;
    c->data_seed = 0;
    c->precision = RNN_F64;
}

/* The sizes of a configuration for the cell tables. */
int rnn_ckpt_segment(const rnn_config *c)
{
    if (c->ckpt_every > 0) return c->ckpt_every;
    int k = 1;
    while ((long)k * k < c->T) k++;
    return k; /* ceil(sqrt(T)) */
}

static rnn_dims rnn__dims(const rnn_config *c)
{
    const task_info *ti = task_get(c->task);
    rnn_dims d;
    d.d[RNN_D1] = 1;
    d.d[RNN_DT] = (size_t)c->T;
    d.d[RNN_DB] = (size_t)c->batch;
    d.d[RNN_DI] = (size_t)ti->input_dim;
    d.d[RNN_DH] = (size_t)c->H;
    d.d[RNN_DO] = (size_t)ti->output_dim;
    d.d[RNN_DK] = (size_t)task_out_steps(c->task, c->T);
    d.d[RNN_DS] = (size_t)rnn_ckpt_segment(c);
    d.d[RNN_DC] = (d.d[RNN_DT] + d.d[RNN_DS] - 1) / d.d[RNN_DS];
    return d;
}

static size_t rnn__nparams(const rnn_cell *cell, const rnn_dims *d)
{
    size_t P = 0;
    for (int k = 0; k < cell->ntensors; k++) P += rnn_tensor_count(&cell->tensors[k], d);
    return P;
}

size_t rnn_config_bytes(const rnn_config *c)
{
    const rnn_cell *cell = rnn_cells[c->cell];
    const rnn_schedule *sc = &cell->schedules[c->schedule];
    rnn_dims d = rnn__dims(c);
    size_t T = d.d[RNN_DT], B = d.d[RNN_DB], I = d.d[RNN_DI], K = d.d[RNN_DK], H = d.d[RNN_DH];
    size_t e = c->precision == RNN_F32 ? 4 : 8, st = 0;
    for (int k = 0; k < sc->nstate; k++) st += rnn_state_count(&sc->state[k], &d);
    /* params, grads, mom; x, y; the state; wT; task_batch's doubles; labels */
    return e * (3 * rnn__nparams(cell, &d) + T * I * B + B * K + st + (size_t)sc->wT * H * H) + 8 * (B * T * I + B * K + T + H) +
           sizeof(int) * B * K;
}

/* "gru and lstm take ortho or random; vanilla takes ortho, random or
 * identity": the cells grouped by the inits they take, cell `first`'s
 * group first. */
/* "gru (b_z), lstm (b_f)": the cells --gate-bias applies to, with the bias. */
static const char *rnn__keep_cells(char *buf, size_t n)
{
    size_t at = 0;
    buf[0] = 0;
    for (int k = 0; rnn_cells[k] && at < n; k++) {
        int t = rnn_keep_tensor(rnn_cells[k]);
        if (t >= 0)
            at += (size_t)snprintf(buf + at, n - at, "%s%s (%s)", at ? ", " : "", rnn_cells[k]->name,
                                   rnn_cells[k]->tensors[t].name);
    }
    return buf;
}

static const char *rnn__inits_by_cell(int first, char *buf, size_t n)
{
    size_t at = 0;
    unsigned done = 0;
    int ncells = 0;
    while (rnn_cells[ncells]) ncells++;
    buf[0] = 0;
    for (int pass = 0; pass < ncells + 1; pass++) {
        int c0 = pass == 0 ? first : pass - 1;
        if (c0 >= ncells || (done & 1u << c0)) continue;
        unsigned mask = rnn_cells[c0]->inits;
        int members[32], nm = 0;
        for (int k = 0; k < ncells && nm < 32; k++)
            if (rnn_cells[k]->inits == mask && !(done & 1u << k)) members[nm++] = k, done |= 1u << k;
        if (at && at < n) at += (size_t)snprintf(buf + at, n - at, "; ");
        for (int q = 0; q < nm && at < n; q++)
            at += (size_t)snprintf(buf + at, n - at, "%s%s", q == 0 ? "" : q == nm - 1 ? " and " : ", ",
                                   rnn_cells[members[q]]->name);
        if (at < n) at += (size_t)snprintf(buf + at, n - at, " %s ", nm > 1 ? "take" : "takes");
        int ni = 0, total = 0;
        for (int i = 0; rnn_init_names[i]; i++) total += (mask >> i) & 1;
        for (int i = 0; rnn_init_names[i] && at < n; i++)
            if ((mask >> i) & 1) {
                at += (size_t)snprintf(buf + at, n - at, "%s%s", ni == 0 ? "" : ni == total - 1 ? " or " : ", ",
                                       rnn_init_names[i]);
                ni++;
            }
    }
    return buf;
}

/* "vanilla" (the cells that take --activation relu). */
static const char *rnn__relu_cells(void)
{
    static char buf[128];
    size_t at = 0;
    buf[0] = 0;
    for (int k = 0; rnn_cells[k] && at < sizeof buf; k++)
        if (rnn_cells[k]->relu) at += (size_t)snprintf(buf + at, sizeof buf - at, "%s%s", at ? ", " : "", rnn_cells[k]->name);
    return buf;
}

const char *rnn_config_check(const rnn_config *c, char *buf, size_t n)
{
#define RNN__BAD(...)                                                                                             \
    do {                                                                                                          \
        snprintf(buf, n, __VA_ARGS__);                                                                            \
        return buf;                                                                                               \
    } while (0)
    const task_info *ti = task_get(c->task);
    if (!ti) RNN__BAD("--task: unknown task (choose one of: %s)", task_names());
    int ncells = 0;
    while (rnn_cells[ncells]) ncells++;
    if (c->cell < 0 || c->cell >= ncells) RNN__BAD("--cell: unknown cell (choose one of: %s)", rnn_cell_names());
    if (c->schedule < 0 || c->schedule >= rnn_cells[c->cell]->nschedules)
        RNN__BAD("--schedule: unknown schedule of the %s cell (choose one of: %s)", rnn_cells[c->cell]->name,
                 rnn_schedule_names(rnn_cells[c->cell]));
    if (c->ckpt_every != 0 && strcmp(rnn_cells[c->cell]->schedules[c->schedule].name, "ckpt") != 0)
        RNN__BAD("--ckpt-every: only the ckpt schedule checkpoints hidden states (add --schedule ckpt or drop the flag)");
    if (c->ckpt_every < 0 || c->ckpt_every > c->T)
        RNN__BAD("--ckpt-every: %d is out of range (expected 1..T = %d)", c->ckpt_every, c->T);
    if ((int)c->init < 0 || c->init > RNN_INIT_IDENTITY) RNN__BAD("--init: unknown init");
    if ((int)c->activation < 0 || c->activation > RNN_ACT_RELU) RNN__BAD("--activation: unknown activation");
    if (!(rnn_cells[c->cell]->inits & 1u << c->init)) {
        char which[200];
        RNN__BAD("--init %s: has no meaning for the %s cell (%s)", rnn_init_names[c->init], rnn_cells[c->cell]->name,
                 rnn__inits_by_cell(c->cell, which, sizeof which));
    }
    if ((int)c->gate_bias_kind < 0 || c->gate_bias_kind > RNN_GB_CHRONO) RNN__BAD("--gate-bias: unknown kind");
    if (c->gate_bias_kind != RNN_GB_DEFAULT && rnn_keep_tensor(rnn_cells[c->cell]) < 0) {
        char which[200];
        RNN__BAD("--gate-bias: has no meaning for the %s cell (it has no gate; it applies to %s)",
                 rnn_cells[c->cell]->name, rnn__keep_cells(which, sizeof which));
    }
    if (c->gate_bias_kind == RNN_GB_CONST && !(fabs(c->gate_bias) <= RNN_GATE_BIAS_MAX))
        RNN__BAD("--gate-bias: %g is out of range (expected -%g..%g, or chrono)", c->gate_bias, RNN_GATE_BIAS_MAX,
                 RNN_GATE_BIAS_MAX);
    if (c->gate_bias_kind == RNN_GB_CHRONO && c->T < 3)
        RNN__BAD("--gate-bias chrono: needs -T >= 3 (it draws log u, u ~ U(1, T - 1)); give a constant instead");
    if (c->activation == RNN_ACT_RELU && !rnn_cells[c->cell]->relu)
        RNN__BAD("--activation relu: has no meaning for the %s cell (its gates are sigmoid and tanh; only %s takes "
                 "--activation relu)",
                 rnn_cells[c->cell]->name, rnn__relu_cells());
    if (c->T < ti->min_T || c->T > RNN_T_MAX)
        RNN__BAD("-T: %d is out of range for %s (expected %d..%d)", c->T, ti->name, ti->min_T, RNN_T_MAX);
    if (!task_valid(c->task, c->T)) RNN__BAD("-T: %d is not valid for %s", c->T, ti->name);
    if (c->H < 1 || c->H > RNN_H_MAX) RNN__BAD("-H: %d is out of range (expected 1..%d)", c->H, RNN_H_MAX);
    if (c->batch < 1 || c->batch > RNN_B_MAX)
        RNN__BAD("--batch: %d is out of range (expected 1..%d)", c->batch, RNN_B_MAX);
    if (c->batches_per_epoch < 1 || c->batches_per_epoch > 1000000)
        RNN__BAD("--batches-per-epoch: %d is out of range (expected 1..1000000)", c->batches_per_epoch);
    if (c->epochs < 1 || c->epochs > RNN_EPOCHS_MAX)
        RNN__BAD("--epochs: %d is out of range (expected 1..%d)", c->epochs, RNN_EPOCHS_MAX);
    if (!(c->lr >= 0 && c->lr < 1e6)) RNN__BAD("--lr: %g is out of range (expected [0, 1e6))", c->lr);
    if (!(c->momentum >= 0 && c->momentum < 1))
        RNN__BAD("--momentum: %g is out of range (expected [0, 1))", c->momentum);
    if (!(c->clip >= 0 && c->clip < 1e300)) RNN__BAD("--clip: %g is out of range (expected > 0, or none)", c->clip);
    if ((int)c->lr_schedule < 0 || c->lr_schedule > RNN_LR_PLATEAU) RNN__BAD("--lr-schedule: unknown schedule");
    if (!(c->lr_gamma > 0 && c->lr_gamma <= 1))
        RNN__BAD("--lr-gamma: %g is out of range (expected (0, 1])", c->lr_gamma);
    if (c->lr_step_epochs < 1) RNN__BAD("--lr-step: %d is out of range (expected >= 1)", c->lr_step_epochs);
    if (c->lr_patience < 0) RNN__BAD("--lr-patience: %d is out of range (expected >= 0)", c->lr_patience);
    if (!(c->lr_min >= 0 && c->lr_min < 1e6)) RNN__BAD("--lr-min: %g is out of range (expected >= 0)", c->lr_min);
    if (!(c->sigma > 0 && c->sigma < 1e6)) RNN__BAD("--sigma: %g is out of range (expected > 0)", c->sigma);
    if ((int)c->precision < 0 || c->precision > RNN_F32) RNN__BAD("--precision: unknown precision");
    if (ti->output_dim > 4096) RNN__BAD("--task: %s has too many outputs", ti->name);
    if (task_out_steps(c->task, c->T) > c->T) RNN__BAD("-T: %d is too short for %s", c->T, ti->name);
    if (rnn_config_bytes(c) > RNN_MAX_BYTES)
        RNN__BAD("-T/-H/--batch: the workspace would need %.1f GiB (limit %.0f GiB); reduce T, H or the batch",
                 (double)rnn_config_bytes(c) / (1 << 30), (double)RNN_MAX_BYTES / (1 << 30));
    return NULL;
#undef RNN__BAD
}

static void *rnn__zalloc(size_t n, size_t sz, int *fail);

int rnn_model_set_schedule(rnn_model *m, int schedule, int ckpt_every, char *err, size_t errlen)
{
    rnn_config c = m->cfg;
    c.schedule = schedule;
    c.ckpt_every = ckpt_every;
    const char *bad = rnn_config_check(&c, err, errlen);
    if (bad) return -1;
    rnn_dims d = rnn__dims(&c);
    const rnn_schedule *sc = &m->cell->schedules[schedule];
    rnn_state st;
    memset(&st, 0, sizeof st);
    int fail = 0;
    for (int k = 0; k < sc->nstate; k++) st.s[k] = rnn__zalloc(rnn_state_count(&sc->state[k], &d), m->esz, &fail);
    size_t H = d.d[RNN_DH];
    void *wT = sc->wT ? rnn__zalloc((size_t)sc->wT * H * H, m->esz, &fail) : NULL;
    if (fail) {
        for (int k = 0; k < sc->nstate; k++) free(st.s[k]);
        free(wT);
        snprintf(err, errlen, "out of memory for the %s schedule's workspace", sc->name);
        return -1;
    }
    for (int k = 0; k < m->sched->nstate; k++) free(m->st.s[k]);
    free(m->wT);
    m->wT = wT;
    m->st = st;
    m->sched = sc;
    m->dims = d;
    m->cfg = c;
    return 0;
}

size_t rnn_tensor_offset(const rnn_model *m, int k)
{
    return (size_t)((const char *)m->pv.t[k] - (const char *)m->params) / m->esz;
}

size_t rnn_tensor_size(const rnn_model *m, int k) { return rnn_tensor_count(&m->cell->tensors[k], &m->dims); }

double rnn_param_get(const rnn_model *m, const void *buf, size_t k)
{
    return m->esz == 4 ? (double)((const float *)buf)[k] : ((const double *)buf)[k];
}

void rnn_param_set(rnn_model *m, void *buf, size_t k, double v)
{
    if (m->esz == 4)
        ((float *)buf)[k] = (float)v;
    else
        ((double *)buf)[k] = v;
}

void rnn_whh_copy(const rnn_model *m, double *out)
{
    size_t n = (size_t)m->cfg.H * m->cfg.H;
    for (size_t k = 0; k < n; k++) out[k] = rnn_param_get(m, m->pv.t[m->cell->whh], k);
}

int rnn_whh_singular_values(const rnn_model *m, double *s)
{
    size_t H = (size_t)m->cfg.H;
    double *w = malloc(H * H * sizeof *w);
    if (!w) return -1;
    rnn_whh_copy(m, w);
    int rc = la_singular_values(m->cfg.H, m->cfg.H, w, s);
    free(w);
    return rc;
}

void rnn_model_free(rnn_model *m)
{
    if (!m) return;
    free(m->params);
    free(m->grads);
    free(m->mom);
    free(m->x);
    free(m->y);
    free(m->labels);
    for (int k = 0; k < RNN_MAX_STATE; k++) free(m->st.s[k]);
    free(m->wT);
    free(m->xd);
    free(m->yd);
    free(m->dh_norm2);
    free(m->sv_init);
    free(m->hist);
    free(m);
}

static void *rnn__zalloc(size_t n, size_t sz, int *fail)
{
    if (n == 0) n = 1;
    void *p = calloc(n, sz);
    if (!p) *fail = 1;
    return p;
}

/* Allocate a model of this configuration with zero parameters (shared by
 * rnn_model_create and the checkpoint reader). */
rnn_model *rnn__alloc(const rnn_config *cfg);
rnn_model *rnn__alloc(const rnn_config *cfg)
{
    rnn_model *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->cfg = *cfg;
    m->cell = rnn_cells[cfg->cell];
    m->sched = &m->cell->schedules[cfg->schedule];
    const task_info *ti = task_get(cfg->task);
    m->dims = rnn__dims(cfg);
    m->diag_sat = -1;
    const rnn_dims *d = &m->dims;
    m->I = ti->input_dim;
    m->O = ti->output_dim;
    m->K = task_out_steps(cfg->task, cfg->T);
    size_t H = (size_t)cfg->H, T = d->d[RNN_DT], B = d->d[RNN_DB], I = d->d[RNN_DI], K = d->d[RNN_DK];
    m->P = rnn__nparams(m->cell, d);
    m->esz = cfg->precision == RNN_F32 ? 4 : 8;
    int fail = 0;
    m->params = rnn__zalloc(m->P, m->esz, &fail);
    m->grads = rnn__zalloc(m->P, m->esz, &fail);
    m->mom = rnn__zalloc(m->P, m->esz, &fail);
    if (!fail) /* named views: tensor k at the sum of the sizes before it */
        for (int k = 0, off = 0; k < m->cell->ntensors; k++) {
            size_t at = (size_t)off * m->esz;
            m->pv.t[k] = (char *)m->params + at;
            m->gv.t[k] = (char *)m->grads + at;
            m->mv.t[k] = (char *)m->mom + at;
            off += (int)rnn_tensor_count(&m->cell->tensors[k], d);
        }
    m->x = rnn__zalloc(T * I * B, m->esz, &fail);
    if (ti->regression) {
        m->y = rnn__zalloc(B * K, m->esz, &fail);
        m->yd = rnn__zalloc(B * K, sizeof(double), &fail);
    } else {
        m->labels = rnn__zalloc(B * K, sizeof(int), &fail);
    }
    for (int k = 0; k < m->sched->nstate; k++)
        m->st.s[k] = rnn__zalloc(rnn_state_count(&m->sched->state[k], d), m->esz, &fail);
    if (m->sched->wT) m->wT = rnn__zalloc((size_t)m->sched->wT * H * H, m->esz, &fail);
    m->xd = rnn__zalloc(B * T * I, sizeof(double), &fail);
    m->dh_norm2 = rnn__zalloc((size_t)cfg->T, sizeof(double), &fail);
    m->sv_init = rnn__zalloc(H, sizeof(double), &fail);
    if (fail) {
        rnn_model_free(m);
        return NULL;
    }
    rng_seed_stream(&m->data_rng, rnn_data_seed(cfg), 1);
    /* dh diagnostics at t = T, T-10, ... (a coarser stride for long T), and 1 */
    int stride = cfg->T <= 10 * (RNN_MAX_DH - 2) ? 10 : (cfg->T + RNN_MAX_DH - 3) / (RNN_MAX_DH - 2);
    m->ndh = 0;
    for (int t = cfg->T; t >= 1 && m->ndh < RNN_MAX_DH - 1; t -= stride) m->dh_t[m->ndh++] = t;
    if (m->dh_t[m->ndh - 1] != 1) m->dh_t[m->ndh++] = 1;
    m->lr_cur = cfg->lr;
    m->plateau_best = INFINITY;
    m->status = RNN_RUNNING;
    return m;
}

rnn_model *rnn_model_create(const rnn_config *cfg, char *err, size_t errlen)
{
    rnn_model *m = rnn__alloc(cfg);
    if (!m) {
        snprintf(err, errlen, "out of memory allocating the model (%.1f MiB)",
                 (double)rnn_config_bytes(cfg) / (1 << 20));
        return NULL;
    }
    /* Stream 0 of the seed draws the tensors in table order, each by its
     * recipe (cell.h, rnn_tensor_init).  For the vanilla cell this is W_ih,
     * W_hh, W_hy: the draws of every earlier release, bit for bit. */
    size_t H = (size_t)cfg->H;
    rng_t r;
    rng_seed_stream(&r, cfg->seed, 0);
    double *w = malloc(H * H * sizeof *w);
    if (!w) {
        snprintf(err, errlen, "out of memory");
        rnn_model_free(m);
        return NULL;
    }
    /* --gate-bias chrono: log u_i, u_i ~ U(1, T - 1), from stream 2 (no other draw moves) */
    double *keep = NULL;
    if (cfg->gate_bias_kind == RNN_GB_CHRONO) {
        keep = malloc(H * sizeof *keep);
        if (!keep) {
            snprintf(err, errlen, "out of memory");
            free(w);
            rnn_model_free(m);
            return NULL;
        }
        rng_t rk;
        rng_seed_stream(&rk, cfg->seed, 2);
        for (size_t e = 0; e < H; e++) keep[e] = log(1.0 + (cfg->T - 2) * rng_uniform(&rk));
    }
    for (int k = 0; k < m->cell->ntensors; k++) {
        const rnn_tensor_spec *ts = &m->cell->tensors[k];
        void *p = m->pv.t[k];
        size_t n = rnn_tensor_count(ts, &m->dims);
        switch (ts->init) {
        case RNN_TI_ZERO: break; /* calloc'd */
        case RNN_TI_ONE:
            for (size_t e = 0; e < n; e++) rnn_param_set(m, p, e, 1.0);
            break;
        case RNN_TI_KEEP: /* (H) */
            for (size_t e = 0; e < n; e++)
                rnn_param_set(m, p, e,
                              keep                                        ? keep[e]
                              : cfg->gate_bias_kind == RNN_GB_CONST ? cfg->gate_bias
                                                                          : m->cell->keep_bias);
            break;
        case RNN_TI_KEEP_NEG: /* (H) */
            if (keep)
                for (size_t e = 0; e < n; e++) rnn_param_set(m, p, e, -keep[e]);
            break;
        case RNN_TI_INPUT: { /* 0.1 N(0,1), drawn in math order (i, j), stored transposed j*H + i */
            size_t a = m->dims.d[ts->a], b = m->dims.d[ts->b]; /* (I, H) */
            for (size_t i = 0; i < b; i++)
                for (size_t j = 0; j < a; j++) rnn_param_set(m, p, j * b + i, 0.1 * rng_normal(&r));
            break;
        }
        case RNN_TI_OUTPUT: { /* N(0,1)/sqrt(H), row-major */
            double sc = 1.0 / sqrt((double)H);
            for (size_t e = 0; e < n; e++) rnn_param_set(m, p, e, rng_normal(&r) * sc);
            break;
        }
        case RNN_TI_REC:
            switch (cfg->init) {
            case RNN_INIT_ORTHO:
                if (la_random_orthogonal(&r, cfg->H, w) != 0) {
                    snprintf(err, errlen, "LAPACK failed to build a random orthogonal %dx%d matrix", cfg->H, cfg->H);
                    free(w);
                    free(keep);
                    rnn_model_free(m);
                    return NULL;
                }
                break;
            case RNN_INIT_RANDOM:
                for (size_t e = 0; e < H * H; e++) w[e] = cfg->sigma * rng_normal(&r);
                break;
            case RNN_INIT_IDENTITY:
                for (size_t e = 0; e < H * H; e++) w[e] = (e / H == e % H) ? 1.0 : 0.0;
                break;
            }
            for (size_t e = 0; e < H * H; e++) rnn_param_set(m, p, e, w[e]);
            break;
        }
    }
    free(w);
    free(keep);
    if (rnn_whh_singular_values(m, m->sv_init) != 0) {
        snprintf(err, errlen, "LAPACK failed to compute the singular values of W_hh");
        rnn_model_free(m);
        return NULL;
    }
    return m;
}

void rnn_draw_batch(rnn_model *m)
{
    const rnn_config *c = &m->cfg;
    const size_t T = (size_t)c->T, B = (size_t)c->batch, I = (size_t)m->I, K = (size_t)m->K;
    task_batch(c->task, c->T, c->batch, &m->data_rng, m->xd, m->yd, m->labels);
    /* (B, T, I) -> (T, I, B) */
    for (size_t b = 0; b < B; b++)
        for (size_t t = 0; t < T; t++)
            for (size_t j = 0; j < I; j++) rnn_param_set(m, m->x, (t * I + j) * B + b, m->xd[(b * T + t) * I + j]);
    if (m->y)
        for (size_t k = 0; k < B * K; k++) rnn_param_set(m, m->y, k, m->yd[k]);
}

static rnn_hparams rnn__hp(const rnn_model *m, long step)
{
    rnn_hparams hp;
    hp.lr = m->lr_cur;
    hp.mu = m->cfg.momentum;
    if (m->cfg.momentum_schedule) {
        /* 1 - 2^(-1 - log2(n)) = 1 - 1/(2n), n = floor(t/250) + 1 */
        double n = (double)(step / 250 + 1);
        double s = 1.0 - 1.0 / (2.0 * n);
        if (s < hp.mu) hp.mu = s;
    }
    return hp;
}

rnn_hparams rnn_step_hparams(const rnn_model *m)
{
    return rnn__hp(m, m->step);
}

/* The arguments of a full step of m (forward, backward, update). */
rnn_kargs rnn__kargs(const rnn_model *m);
rnn_kargs rnn__kargs(const rnn_model *m)
{
    rnn_kargs a;
    memset(&a, 0, sizeof a);
    a.m = m;
    a.update = 1;
    a.backward = 1;
    return a;
}

/* Metric of the current batch from the logits the kernel left: the loss for
 * regression (mse is the loss), accuracy (first maximum wins) otherwise, over
 * the last task_metric_steps of the K target steps. */
double rnn__batch_metric(const rnn_model *m, double loss);
double rnn__batch_metric(const rnn_model *m, double loss)
{
    if (m->y) return loss;
    const int B = m->cfg.batch, K = m->K, O = m->O, KM = task_metric_steps(m->cfg.task, m->cfg.T);
    long hit = 0;
    for (int k = K - KM; k < K; k++)
        for (int b = 0; b < B; b++) {
            int best = 0;
            double bv = rnn_param_get(m, m->st.s[m->cell->st_logits], ((size_t)k * O) * B + b);
            for (int o = 1; o < O; o++) {
                double v = rnn_param_get(m, m->st.s[m->cell->st_logits], ((size_t)k * O + o) * B + b);
                if (v > bv) {
                    bv = v;
                    best = o;
                }
            }
            hit += best == m->labels[(size_t)b * K + k];
        }
    return (double)hit / ((double)B * KM);
}

static void rnn__run(rnn_model *m, rnn_kargs *a, rnn_kout *o)
{
    m->sched->plain[m->esz == 4](a, o);
}

/* One training step through kernel k (plain or instrumented, in m's
 * precision); shared by rnn_step and rnn_step_dmd (rnn_dmd.c). */
void rnn__step_with(rnn_model *m, const rnn_hparams *hp, int diag, int declare, rnn_kernel_fn k, rnn_step_result *r);
void rnn__step_with(rnn_model *m, const rnn_hparams *hp, int diag, int declare, rnn_kernel_fn k, rnn_step_result *r)
{
    rnn_kargs a = rnn__kargs(m);
    rnn_kout o;
    a.lr = hp->lr;
    a.mu = hp->mu;
    a.dh_norm2 = diag ? m->dh_norm2 : NULL;
    a.declare = declare;
    long sat = -1;
    a.sat_count = diag ? &sat : NULL;
    k(&a, &o);
    if (diag) m->diag_sat = sat;
    r->loss = o.loss;
    r->grad_norm = o.grad_norm;
    r->clipped = o.clipped;
    r->metric = rnn__batch_metric(m, o.loss);
}

void rnn_step(rnn_model *m, const rnn_hparams *hp, int diag, rnn_step_result *r)
{
    rnn__step_with(m, hp, diag, 0, m->sched->plain[m->esz == 4], r);
}

double rnn_loss_grad(rnn_model *m)
{
    rnn_kargs a = rnn__kargs(m);
    rnn_kout o;
    a.update = 0;
    rnn__run(m, &a, &o);
    return o.loss;
}

double rnn_loss(rnn_model *m)
{
    rnn_kargs a = rnn__kargs(m);
    rnn_kout o;
    a.update = 0;
    a.backward = 0;
    rnn__run(m, &a, &o);
    return o.loss;
}

double rnn_step_flops(const rnn_model *m)
{
    double T = m->cfg.T, B = m->cfg.batch, H = m->cfg.H, I = m->I, O = m->O, K = m->K;
    double G = m->cell->gates; /* gate blocks: each one an (H, H + I) product per step */
    double fwd = B * (T * G * H * (H + I) + K * O * H);
    return 2.0 * 3.0 * fwd;
}

double rnn_hidden(const rnn_model *m, size_t k)
{
    return rnn_param_get(m, m->st.s[m->cell->st_h], (size_t)2 * m->cfg.H * m->cfg.batch + k);
}

static double rnn__sat_frac(const rnn_model *m)
{
    size_t n = (size_t)m->cfg.T * m->cfg.H * m->cfg.batch;
    size_t c = 0;
    if (m->diag_sat >= 0) return (double)m->diag_sat / (double)n; /* counted by the kernel (schedule ckpt) */
    for (size_t k = 0; k < n; k++) c += fabs(rnn_hidden(m, k)) > 0.99;
    return (double)c / (double)n;
}

static int rnn__hist_push(rnn_model *m, const rnn_epoch_rec *rec)
{
    if (m->nhist == m->hist_cap) {
        int cap = m->hist_cap ? 2 * m->hist_cap : 128;
        rnn_epoch_rec *h = realloc(m->hist, (size_t)cap * sizeof *h);
        if (!h) return -1;
        m->hist = h;
        m->hist_cap = cap;
    }
    m->hist[m->nhist++] = *rec;
    return 0;
}

/* lr for the epoch after `done` completed epochs (rec: the epoch just done) */
static void rnn__lr_schedule(rnn_model *m, const rnn_epoch_rec *rec)
{
    const rnn_config *c = &m->cfg;
    double lr = c->lr;
    switch (c->lr_schedule) {
    case RNN_LR_CONSTANT:
        return;
    case RNN_LR_STEP:
        lr = c->lr * pow(c->lr_gamma, (double)(m->epoch / c->lr_step_epochs));
        break;
    case RNN_LR_EXP:
        lr = c->lr * pow(c->lr_gamma, (double)m->epoch);
        break;
    case RNN_LR_PLATEAU:
        lr = m->lr_cur;
        if (rec->loss < m->plateau_best) {
            m->plateau_best = rec->loss;
            m->plateau_bad = 0;
        } else if (++m->plateau_bad > c->lr_patience) {
            lr *= c->lr_gamma;
            m->plateau_bad = 0;
        }
        break;
    }
    double floor_ = c->lr_min < c->lr ? c->lr_min : c->lr;
    m->lr_cur = lr < floor_ ? floor_ : lr;
}

rnn_status rnn_train(rnn_model *m, long max_steps, rnn_epoch_cb cb, void *ctx)
{
    const rnn_config *c = &m->cfg;
    long done = 0;
    if (m->status == RNN_DIVERGED) return m->status;
    m->status = RNN_RUNNING;
    while (m->epoch < c->epochs) {
        while (m->ep_steps < c->batches_per_epoch) {
            if (max_steps > 0 && done >= max_steps) return m->status = RNN_STOPPED;
            rnn_draw_batch(m);
            rnn_hparams hp = rnn_step_hparams(m);
            int diag = m->ep_steps == c->batches_per_epoch - 1;
            rnn_step_result r;
            rnn_step(m, &hp, diag, &r);
            m->step++;
            m->ep_steps++;
            done++;
            if (!isfinite(r.loss)) {
                m->diverged_epoch = m->epoch + 1;
                return m->status = RNN_DIVERGED;
            }
            m->ep_loss += r.loss;
            m->ep_metric += r.metric;
            m->ep_gn += r.grad_norm;
            m->ep_clipped += r.clipped;
        }
        rnn_epoch_rec rec;
        memset(&rec, 0, sizeof rec);
        rec.epoch = m->epoch + 1;
        double n = (double)m->ep_steps;
        rec.loss = m->ep_loss / n;
        rec.metric = m->ep_metric / n;
        rec.grad_norm = m->ep_gn / n;
        rec.clip_frac = m->ep_clipped / n;
        rnn_hparams last = rnn__hp(m, m->step - 1);
        rec.lr = last.lr;
        rec.mu = last.mu;
        rec.sat_frac = rnn__sat_frac(m);
        for (int k = 0; k < m->ndh; k++) rec.dh_norm[k] = sqrt(m->dh_norm2[m->dh_t[k] - 1]);
        if (rnn__hist_push(m, &rec) != 0) return m->status = RNN_DIVERGED; /* out of memory: cannot continue */
        m->epoch++;
        if (!m->solved_epoch && task_solved(c->task, rec.metric)) m->solved_epoch = rec.epoch;
        m->ep_steps = m->ep_clipped = 0;
        m->ep_loss = m->ep_metric = m->ep_gn = 0;
        rnn__lr_schedule(m, &rec);
        if (cb) cb(ctx, m, &rec);
    }
    return m->status = m->solved_epoch ? RNN_SOLVED : RNN_UNSOLVED;
}

/* The history's columns after epoch: loss, the task's metric, ..., dh_norm_tN. */
static int history_names(const rnn_model *m, const char **names, char (*dh)[24])
{
    int n = 0;
    names[n++] = "loss";
    names[n++] = task_get(m->cfg.task)->metric;
    names[n++] = "grad_norm";
    names[n++] = "clip_frac";
    names[n++] = "lr";
    names[n++] = "mu";
    names[n++] = "sat_frac";
    for (int k = 0; k < m->ndh; k++) {
        snprintf(dh[k], sizeof dh[k], "dh_norm_t%d", m->dh_t[k]);
        names[n++] = dh[k];
    }
    return n;
}

static int history_values(const rnn_epoch_rec *r, int ndh, double *v)
{
    int n = 0;
    v[n++] = r->loss;
    v[n++] = r->metric;
    v[n++] = r->grad_norm;
    v[n++] = r->clip_frac;
    v[n++] = r->lr;
    v[n++] = r->mu;
    v[n++] = r->sat_frac;
    for (int k = 0; k < ndh; k++) v[n++] = r->dh_norm[k];
    return n;
}

#define HIST_MAXCOLS (7 + RNN_MAX_DH)

/* The history, wide (one row per epoch) or long (one row per epoch and metric). */
static int history_csv(const rnn_model *m, FILE *f, int long_form)
{
    const char *names[HIST_MAXCOLS];
    char dh[RNN_MAX_DH][24];
    double v[HIST_MAXCOLS];
    int n = history_names(m, names, dh), bad = 0;
    dmd_csv w;
    dmd_csv_init(&w, f, long_form ? RNN_HISTORY_LONG_SCHEMA : RNN_HISTORY_SCHEMA);
    dmd_csv_head(&w, "epoch");
    for (int i = 0; i < (long_form ? 0 : n); i++) dmd_csv_head(&w, names[i]);
    if (long_form) {
        dmd_csv_head(&w, "metric");
        dmd_csv_head(&w, "value");
    }
    bad |= dmd_csv_end(&w);
    for (int e = 0; e < m->nhist; e++) {
        const rnn_epoch_rec *r = &m->hist[e];
        history_values(r, m->ndh, v);
        for (int i = 0; i < n; i++) {
            if (long_form || i == 0) dmd_csv_int(&w, r->epoch);
            if (long_form) dmd_csv_str(&w, names[i]);
            dmd_csv_real(&w, "%.17g", v[i]);
            if (long_form || i == n - 1) bad |= dmd_csv_end(&w);
        }
    }
    return bad ? -1 : 0;
}

int rnn_history_csv(const rnn_model *m, FILE *f) { return history_csv(m, f, 0); }
int rnn_history_long_csv(const rnn_model *m, FILE *f) { return history_csv(m, f, 1); }
