/*
 * ckpt.c -- the checkpoint format, version 5.  Everything little-endian.
 *
 *   offset 0   magic "DMDPCKPT" (8 bytes)
 *          8   u32 version (5; versions 1 to 4 are still read, see below)
 *         12   u32 element bytes of the parameters (8 float64, 4 float32)
 *         16   configuration: u32 task, init, activation, T, H, batch,
 *              batches_per_epoch, epochs, nesterov, momentum_schedule,
 *              lr_schedule, lr_step_epochs, lr_patience, precision;
 *              u64 seed; f64 lr, momentum, clip, lr_gamma, lr_min, sigma
 *              u32 task encoding (task_info.encoding; versions >= 2)
 *              u32 has_data_seed, u64 data_seed (--data-seed; versions >= 3;
 *              an older file's batches came from its seed: has_data_seed 0)
 *              u32 n, then n bytes: the cell's name, e.g. "gru" (versions
 *              >= 4; 1 <= n <= 64; an older file holds a vanilla RNN)
 *              u32 gate-bias kind (0 the cell's default, 1 a constant,
 *              2 chrono), f64 its constant (0 unless kind 1) (--gate-bias;
 *              versions >= 5; an older file's is kind 0)
 *              dims: u32 I, O, K; u64 P
 *              training state: i64 step; u32 epoch, ep_steps, ep_clipped,
 *              plateau_bad, solved_epoch, diverged_epoch, status;
 *              f64 lr_cur, plateau_best, ep_loss, ep_metric, ep_gn;
 *              u64 x4 data-stream PRNG state
 *              f64 x H singular values of W_hh at init
 *              u32 nhist, u32 ndh, then nhist records of
 *                u32 epoch, f64 loss, metric, grad_norm, clip_frac, lr, mu,
 *                sat_frac, f64 x ndh dh norms
 *              parameters (P elements), momentum (P elements)
 *   end - 8    u64 FNV-1a 64 of every byte before it
 *
 * The reader rejects, with a one-line reason: an unreadable file, a wrong
 * magic or version, a truncated file or trailing bytes, a checksum mismatch,
 * a configuration that fails rnn_config_check, a task encoding other than the
 * one this build generates (a version-1 file has encoding 1 for every task:
 * that is what every task generated before the field existed), and dims that
 * disagree with the task.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rnn.h"

#define CKPT_MAGIC "DMDPCKPT"
#define CKPT_VERSION 5u
#define CKPT_CELL_NAME_MAX 64u
#define CKPT_VERSION_MIN 1u /* oldest version read */
#define CKPT_MAX_BYTES ((size_t)4 << 30)

rnn_model *rnn__alloc(const rnn_config *cfg);

typedef struct {
    unsigned char *p;
    size_t n, cap;
    int oom;
} ck_buf;

static void ck_put(ck_buf *b, const void *src, size_t n)
{
    if (b->oom) return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n) cap *= 2;
        unsigned char *q = realloc(b->p, cap);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, src, n);
    b->n += n;
}
static void ck_u32(ck_buf *b, uint32_t v)
{
    unsigned char s[4];
    for (int k = 0; k < 4; k++) s[k] = (unsigned char)(v >> (8 * k));
    ck_put(b, s, 4);
}
static void ck_u64(ck_buf *b, uint64_t v)
{
    unsigned char s[8];
    for (int k = 0; k < 8; k++) s[k] = (unsigned char)(v >> (8 * k));
    ck_put(b, s, 8);
}
static void ck_f64(ck_buf *b, double v)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    ck_u64(b, u);
}

static uint64_t ck_fnv(const unsigned char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t k = 0; k < n; k++) {
        h ^= p[k];
        h *= 0x100000001b3u;
    }
    return h;
}

/* parameters of either precision as little-endian bytes */
static void ck_array(ck_buf *b, const rnn_model *m, const void *a)
{
    for (size_t k = 0; k < m->P; k++) {
        if (m->esz == 4) {
            float f = ((const float *)a)[k];
            uint32_t u;
            memcpy(&u, &f, 4);
            ck_u32(b, u);
        } else {
            ck_f64(b, ((const double *)a)[k]);
        }
    }
}

int rnn_ckpt_write(const rnn_model *m, FILE *f)
{
    const rnn_config *c = &m->cfg;
    ck_buf b = {0};
    ck_put(&b, CKPT_MAGIC, 8);
    ck_u32(&b, CKPT_VERSION);
    ck_u32(&b, (uint32_t)m->esz);
    uint32_t ci[] = {c->task,         c->init,           c->activation,     c->T,          c->H,
                     c->batch,        c->batches_per_epoch, c->epochs,      c->nesterov,   c->momentum_schedule,
                     c->lr_schedule,  c->lr_step_epochs, c->lr_patience,    c->precision};
    for (size_t k = 0; k < sizeof ci / sizeof ci[0]; k++) ck_u32(&b, ci[k]);
    ck_u64(&b, c->seed);
    double cd[] = {c->lr, c->momentum, c->clip, c->lr_gamma, c->lr_min, c->sigma};
    for (size_t k = 0; k < sizeof cd / sizeof cd[0]; k++) ck_f64(&b, cd[k]);
    ck_u32(&b, (uint32_t)task_get(c->task)->encoding);
    ck_u32(&b, (uint32_t)(c->has_data_seed != 0));
    ck_u64(&b, c->data_seed);
    ck_u32(&b, (uint32_t)strlen(m->cell->name));
    ck_put(&b, m->cell->name, strlen(m->cell->name));
    ck_u32(&b, (uint32_t)c->gate_bias_kind);
    ck_f64(&b, c->gate_bias_kind == RNN_GB_CONST ? c->gate_bias : 0.0);
    ck_u32(&b, (uint32_t)m->I);
    ck_u32(&b, (uint32_t)m->O);
    ck_u32(&b, (uint32_t)m->K);
    ck_u64(&b, m->P);
    ck_u64(&b, (uint64_t)m->step);
    uint32_t si[] = {m->epoch, m->ep_steps, m->ep_clipped, m->plateau_bad, m->solved_epoch, m->diverged_epoch,
                     m->status};
    for (size_t k = 0; k < sizeof si / sizeof si[0]; k++) ck_u32(&b, si[k]);
    double sd[] = {m->lr_cur, m->plateau_best, m->ep_loss, m->ep_metric, m->ep_gn};
    for (size_t k = 0; k < sizeof sd / sizeof sd[0]; k++) ck_f64(&b, sd[k]);
    for (int k = 0; k < 4; k++) ck_u64(&b, m->data_rng.s[k]);
    for (int k = 0; k < c->H; k++) ck_f64(&b, m->sv_init[k]);
    ck_u32(&b, (uint32_t)m->nhist);
    ck_u32(&b, (uint32_t)m->ndh);
    for (int e = 0; e < m->nhist; e++) {
        const rnn_epoch_rec *r = &m->hist[e];
        ck_u32(&b, (uint32_t)r->epoch);
        double rd[] = {r->loss, r->metric, r->grad_norm, r->clip_frac, r->lr, r->mu, r->sat_frac};
        for (size_t k = 0; k < sizeof rd / sizeof rd[0]; k++) ck_f64(&b, rd[k]);
        for (int k = 0; k < m->ndh; k++) ck_f64(&b, r->dh_norm[k]);
    }
    ck_array(&b, m, m->params);
    ck_array(&b, m, m->mom);
    if (!b.oom) ck_u64(&b, ck_fnv(b.p, b.n));
    int rc = -1;
    if (!b.oom && fwrite(b.p, 1, b.n, f) == b.n) rc = 0;
    free(b.p);
    return rc;
}

/* ---- reader ---- */
typedef struct {
    const unsigned char *p;
    size_t n, at;
    int short_;
} ck_rd;

static const unsigned char *ck_get(ck_rd *r, size_t n)
{
    if (r->short_ || r->n - r->at < n) {
        r->short_ = 1;
        return NULL;
    }
    const unsigned char *q = r->p + r->at;
    r->at += n;
    return q;
}
static uint32_t ck_ru32(ck_rd *r)
{
    const unsigned char *q = ck_get(r, 4);
    uint32_t v = 0;
    if (q)
        for (int k = 0; k < 4; k++) v |= (uint32_t)q[k] << (8 * k);
    return v;
}
static uint64_t ck_ru64(ck_rd *r)
{
    const unsigned char *q = ck_get(r, 8);
    uint64_t v = 0;
    if (q)
        for (int k = 0; k < 8; k++) v |= (uint64_t)q[k] << (8 * k);
    return v;
}
static double ck_rf64(ck_rd *r)
{
    uint64_t u = ck_ru64(r);
    double d;
    memcpy(&d, &u, 8);
    return d;
}
static int ck_ri32(ck_rd *r)
{
    uint32_t u = ck_ru32(r);
    return u > 0x7fffffffu ? -1 : (int)u;
}

rnn_model *rnn_ckpt_read(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot read checkpoint '%s': %s", path, strerror(errno));
        return NULL;
    }
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 65536;
            unsigned char *q = nc <= CKPT_MAX_BYTES ? realloc(buf, nc) : NULL;
            if (!q) {
                snprintf(err, errlen, "checkpoint '%s' is too large or memory ran out", path);
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = q;
            cap = nc;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    int ioerr = ferror(f);
    fclose(f);
    rnn_model *m = NULL;
    if (ioerr)
        snprintf(err, errlen, "checkpoint '%s': read error; re-create it with 'dmdprof train'", path);
    else
        m = rnn_ckpt_parse(buf, n, path, err, errlen);
    free(buf);
    return m;
}

rnn_model *rnn_ckpt_parse(const unsigned char *buf, size_t n, const char *path, char *err, size_t errlen)
{
    rnn_model *m = NULL;
    const char *why = NULL;
    char why_buf[384];
    if (n < 16 || memcmp(buf, CKPT_MAGIC, 8) != 0) {
        why = n < 16 ? "truncated (shorter than the header)" : "not a dmdprof checkpoint (bad magic)";
        goto fail;
    }
    ck_rd r = {buf, n - 8, 8, 0};
    uint32_t ver = ck_ru32(&r);
    if (ver < CKPT_VERSION_MIN || ver > CKPT_VERSION) {
        snprintf(why_buf, sizeof why_buf, "unsupported version %u (this build reads versions %u..%u)", ver,
                 CKPT_VERSION_MIN, CKPT_VERSION);
        why = why_buf;
        goto fail;
    }
    uint64_t want = 0;
    for (int k = 0; k < 8; k++) want |= (uint64_t)buf[n - 8 + k] << (8 * k);
    if (ck_fnv(buf, n - 8) != want) {
        why = "checksum mismatch (truncated or corrupt)";
        goto fail;
    }
    uint32_t esz = ck_ru32(&r);
    rnn_config c;
    rnn_config_default(&c);
    c.task = (task_id)ck_ri32(&r);
    c.init = (rnn_init_kind)ck_ri32(&r);
    c.activation = (rnn_activation)ck_ri32(&r);
    c.T = ck_ri32(&r);
    c.H = ck_ri32(&r);
    c.batch = ck_ri32(&r);
    c.batches_per_epoch = ck_ri32(&r);
    c.epochs = ck_ri32(&r);
    c.nesterov = ck_ri32(&r);
    c.momentum_schedule = ck_ri32(&r);
    c.lr_schedule = (rnn_lr_kind)ck_ri32(&r);
    c.lr_step_epochs = ck_ri32(&r);
    c.lr_patience = ck_ri32(&r);
    c.precision = (rnn_precision)ck_ri32(&r);
    c.seed = ck_ru64(&r);
    c.lr = ck_rf64(&r);
    c.momentum = ck_rf64(&r);
    c.clip = ck_rf64(&r);
    c.lr_gamma = ck_rf64(&r);
    c.lr_min = ck_rf64(&r);
    c.sigma = ck_rf64(&r);
    int enc = ver >= 2 ? ck_ri32(&r) : 1;
    if (ver >= 3) {
        c.has_data_seed = ck_ri32(&r);
        c.data_seed = ck_ru64(&r);
    }
    if (ver >= 4) { /* the cell by name; older files hold the vanilla RNN (c.cell = 0) */
        uint32_t len = ck_ru32(&r);
        if (!r.short_ && (len < 1 || len > CKPT_CELL_NAME_MAX)) {
            why = "invalid cell name length";
            goto fail;
        }
        const unsigned char *q = r.short_ ? NULL : ck_get(&r, len);
        if (q) {
            char name[CKPT_CELL_NAME_MAX + 1];
            memcpy(name, q, len);
            name[len] = 0;
            int printable = 1;
            for (uint32_t k = 0; k < len; k++) printable &= name[k] >= 0x21 && name[k] <= 0x7e;
            c.cell = printable ? rnn_cell_find(name) : -1;
            if (c.cell < 0) {
                snprintf(why_buf, sizeof why_buf, "holds a cell this build does not have ('%s'; cells: %s)",
                         printable ? name : "?", rnn_cell_names());
                why = why_buf;
                goto fail;
            }
        }
    }
    if (ver >= 5) {
        c.gate_bias_kind = (rnn_gate_bias_kind)ck_ri32(&r);
        c.gate_bias = ck_rf64(&r);
        if (!r.short_ && ((int)c.gate_bias_kind < RNN_GB_DEFAULT || c.gate_bias_kind > RNN_GB_CHRONO ||
                          (c.gate_bias_kind != RNN_GB_CONST && c.gate_bias != 0))) {
            why = "invalid gate-bias field";
            goto fail;
        }
    }
    if (r.short_) {
        why = "truncated";
        goto fail;
    }
    char cbuf[256];
    const char *bad = rnn_config_check(&c, cbuf, sizeof cbuf);
    if (bad) {
        snprintf(why_buf, sizeof why_buf, "invalid configuration inside (%s)", bad);
        why = why_buf;
        goto fail;
    }
    const task_info *ti = task_get(c.task);
    if (enc != ti->encoding) {
        const char *old = task_old_encoding(c.task, enc);
        snprintf(why_buf, sizeof why_buf, "written for %s encoding %d (%s); this build generates encoding %d",
                 ti->name, enc, old ? old : "unknown to this build", ti->encoding);
        why = why_buf;
        goto fail;
    }
    if ((c.nesterov != 0 && c.nesterov != 1) || (c.momentum_schedule != 0 && c.momentum_schedule != 1) ||
        (c.has_data_seed != 0 && c.has_data_seed != 1)) {
        why = "invalid configuration inside (a flag that is neither 0 nor 1)"; /* found by tests/fuzz */
        goto fail;
    }
    if (esz != (c.precision == RNN_F32 ? 4u : 8u)) {
        why = "element size disagrees with the precision";
        goto fail;
    }
    { /* the file must be exactly as long as its header says before anything is allocated */
        ck_rd q = r;
        uint64_t dI = ck_ru32(&q), dO = ck_ru32(&q), dK = ck_ru32(&q), P = ck_ru64(&q);
        (void)dI, (void)dO, (void)dK;
        ck_get(&q, 8 + 7 * 4 + 5 * 8 + 4 * 8 + (size_t)c.H * 8);
        uint64_t nh = ck_ru32(&q), ndh = ck_ru32(&q);
        unsigned __int128 want = (unsigned __int128)q.at + nh * (4 + 7 * 8 + (unsigned __int128)ndh * 8) +
                                 (unsigned __int128)P * 2 * esz;
        if (q.short_ || want > q.n) {
            why = "truncated";
            goto fail;
        }
        if (want < q.n) {
            why = "trailing bytes after the parameters";
            goto fail;
        }
    }
    m = rnn__alloc(&c);
    if (!m) {
        why = "out of memory for the model";
        goto fail;
    }
    if (ck_ri32(&r) != m->I || ck_ri32(&r) != m->O || ck_ri32(&r) != m->K || ck_ru64(&r) != m->P) {
        why = "dimensions disagree with the task";
        goto fail;
    }
    m->step = (long)ck_ru64(&r);
    m->epoch = ck_ri32(&r);
    m->ep_steps = ck_ri32(&r);
    m->ep_clipped = ck_ri32(&r);
    m->plateau_bad = ck_ri32(&r);
    m->solved_epoch = ck_ri32(&r);
    m->diverged_epoch = ck_ri32(&r);
    int st = ck_ri32(&r);
    m->lr_cur = ck_rf64(&r);
    m->plateau_best = ck_rf64(&r);
    m->ep_loss = ck_rf64(&r);
    m->ep_metric = ck_rf64(&r);
    m->ep_gn = ck_rf64(&r);
    for (int k = 0; k < 4; k++) m->data_rng.s[k] = ck_ru64(&r);
    for (int k = 0; k < c.H; k++) m->sv_init[k] = ck_rf64(&r);
    int nh = ck_ri32(&r), ndh = ck_ri32(&r);
    if (r.short_ || m->step < 0 || m->epoch < 0 || m->epoch > c.epochs || m->ep_steps < 0 ||
        m->ep_steps >= c.batches_per_epoch || m->ep_clipped < 0 || m->ep_clipped > m->ep_steps || st < 0 ||
        st > RNN_STOPPED || nh != m->epoch || ndh != m->ndh || m->solved_epoch < 0 || m->solved_epoch > m->epoch ||
        m->plateau_bad < 0 || m->diverged_epoch < 0 || m->diverged_epoch > m->epoch + 1) {
        why = r.short_ ? "truncated" : "inconsistent training state";
        goto fail;
    }
    m->status = (rnn_status)st;
    m->hist = calloc((size_t)(nh ? nh : 1), sizeof *m->hist);
    if (!m->hist) {
        why = "out of memory";
        goto fail;
    }
    m->hist_cap = nh ? nh : 1;
    for (int e = 0; e < nh; e++) {
        rnn_epoch_rec *h = &m->hist[e];
        h->epoch = ck_ri32(&r);
        h->loss = ck_rf64(&r);
        h->metric = ck_rf64(&r);
        h->grad_norm = ck_rf64(&r);
        h->clip_frac = ck_rf64(&r);
        h->lr = ck_rf64(&r);
        h->mu = ck_rf64(&r);
        h->sat_frac = ck_rf64(&r);
        for (int k = 0; k < ndh; k++) h->dh_norm[k] = ck_rf64(&r);
        if (h->epoch != e + 1) { /* found by tests/fuzz: a corrupt epoch number went into history.csv */
            why = "inconsistent history (epoch numbers out of order)";
            goto fail;
        }
    }
    m->nhist = nh;
    void *arrs[2] = {m->params, m->mom};
    for (int a = 0; a < 2; a++)
        for (size_t k = 0; k < m->P; k++) {
            if (esz == 4) {
                uint32_t u = ck_ru32(&r);
                float fv;
                memcpy(&fv, &u, 4);
                ((float *)arrs[a])[k] = fv;
            } else {
                ((double *)arrs[a])[k] = ck_rf64(&r);
            }
        }
    if (r.short_) {
        why = "truncated";
        goto fail;
    }
    if (r.at != r.n) {
        why = "trailing bytes after the parameters";
        goto fail;
    }
    return m;
fail:
    snprintf(err, errlen, "checkpoint '%s': %s; re-create it with 'dmdprof train'", path, why);
    rnn_model_free(m);
    return NULL;
}
