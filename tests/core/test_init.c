/*
 * test_init.c -- the init recipes end to end through rnn_model_create:
 *   ortho:    ||Q^T Q - I||_max < 1e-12 (W_hh, H 64), singular values 1
 *   random:   W_hh entries mean ~ 0, std ~ sigma (0.1), largest singular value
 *             near the quarter-circle edge 2 sigma sqrt(H) = 1.6 (within 15%)
 *   identity: W_hh == I exactly
 *   all:      W_ih std ~ 0.1, W_hy std ~ 1/sqrt(H), biases 0, momentum 0;
 *             same seed -> same parameters, other seed -> different
 *   float32:  the float64 parameters rounded once
 *   lstm:     ortho: each of W_hi, W_hf, W_hg, W_ho orthogonal (1e-12) and
 *             its own draw; random: each std ~ sigma; W_i* std ~ 0.1, W_hy
 *             std ~ 1/sqrt(H); b_f = 1, the other biases 0
 *   gru:      the same for W_hr, W_hz, W_hn and W_i*; every bias 0
 *   --gate-bias (gru b_z, lstm b_f): a constant sets exactly that bias and
 *             moves no other parameter; chrono draws log u, u ~ U(1, T - 1):
 *             every value in [0, log(T - 1)), the mean of u within 5
 *             standard errors of T/2, the lstm's b_i = -b_f exactly, and no
 *             other parameter moves; the vanilla cell and a bad value are
 *             refused by rnn_config_check
 * Tolerances for the sample std: 5 standard errors (std/sqrt(2n)).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rnn.h"

static int fails;
#define CHECK(cond, ...)                                                                                          \
    do {                                                                                                          \
        int ok_ = (cond);                                                                                         \
        printf("%s: ", ok_ ? "ok  " : "FAIL");                                                                    \
        printf(__VA_ARGS__);                                                                                      \
        printf("\n");                                                                                             \
        fails += !ok_;                                                                                            \
    } while (0)

static rnn_model *create_or_die(const rnn_config *c)
{
    char err[256];
    rnn_model *m = rnn_model_create(c, err, sizeof err);
    if (!m) {
        fprintf(stderr, "create: %s\n", err);
        exit(1);
    }
    return m;
}

static rnn_model *make(rnn_init_kind init, uint64_t seed, rnn_precision p)
{
    rnn_config c;
    rnn_config_default(&c);
    c.init = init;
    c.seed = seed;
    c.precision = p;
    c.task = TASK_TEMPORAL_ORDER; /* I 6, O 4 */
    c.T = 20;
    return create_or_die(&c);
}

static void stats(const rnn_model *m, size_t lo, size_t hi, double *mean, double *sd)
{
    double s = 0, s2 = 0;
    for (size_t k = lo; k < hi; k++) s += rnn_param_get(m, m->params, k);
    *mean = s / (double)(hi - lo);
    for (size_t k = lo; k < hi; k++) {
        double d = rnn_param_get(m, m->params, k) - *mean;
        s2 += d * d;
    }
    *sd = sqrt(s2 / (double)(hi - lo));
}

/* A gated cell's recipes (tensors by index: ngates input matrices from win, ngates recurrent
 * ones from wh, the biases from b0 to why + 1 but W_hy = why; bias one, if >= 0, is 1, the
 * others 0): ortho, each recurrent matrix orthogonal (1e-12) and its own draw; random, each
 * std ~ sigma; the input matrices std ~ 0.1, W_hy std ~ 1/sqrt(H). */
static void check_gated(int H, const char *cname, int win, int wh, int ngates, int b0, int why, int one,
                        const char *bias_doc)
{
    double mean, sd;
    int cell = rnn_cell_find(cname);
    CHECK(cell > 0, "the %s cell is registered", cname);
    for (int ini = 0; cell > 0 && ini < 2; ini++) {
        rnn_config c;
        rnn_config_default(&c);
        c.cell = cell;
        c.init = (rnn_init_kind)ini;
        c.task = TASK_TEMPORAL_ORDER;
        c.T = 20;
        char err[256];
        rnn_model *m = rnn_model_create(&c, err, sizeof err);
        if (!m) {
            CHECK(0, "%s create: %s", cname, err);
            break;
        }
        const char *in = rnn_init_names[ini];
        size_t HH = (size_t)H * H;
        for (int q = 0; q < ngates; q++) {
            int k = wh + q;
            size_t lo = rnn_tensor_offset(m, k);
            if (ini == RNN_INIT_ORTHO) {
                double worst = 0;
                for (int i = 0; i < H; i++)
                    for (int j = 0; j < H; j++) {
                        double d = 0;
                        for (int l = 0; l < H; l++)
                            d += rnn_param_get(m, m->params, lo + (size_t)l * H + i) *
                                 rnn_param_get(m, m->params, lo + (size_t)l * H + j);
                        worst = fmax(worst, fabs(d - (i == j)));
                    }
                CHECK(worst < 1e-12, "%s ortho: %s^T %s = I within %.1e", cname, m->cell->tensors[k].name,
                      m->cell->tensors[k].name, worst);
            } else {
                stats(m, lo, lo + HH, &mean, &sd);
                CHECK(fabs(sd - c.sigma) < 5 * c.sigma / sqrt(2.0 * HH), "%s random: %s std %.4f (want %.2f)", cname,
                      m->cell->tensors[k].name, sd, c.sigma);
            }
            if (q > 0)
                CHECK(memcmp((char *)m->params + lo * 8, (char *)m->params + (lo - HH) * 8, HH * 8) != 0,
                      "%s %s: %s is its own draw (differs from %s)", cname, in, m->cell->tensors[k].name,
                      m->cell->tensors[k - 1].name);
        }
        for (int q = 0; q < ngates; q++) {
            size_t lo = rnn_tensor_offset(m, win + q), n = rnn_tensor_size(m, win + q);
            stats(m, lo, lo + n, &mean, &sd);
            CHECK(fabs(sd - 0.1) < 5 * 0.1 / sqrt(2.0 * n), "%s %s: %s std %.4f (want 0.1)", cname, in,
                  m->cell->tensors[win + q].name, sd);
        }
        size_t o_hy = rnn_tensor_offset(m, why), ny = rnn_tensor_size(m, why);
        stats(m, o_hy, o_hy + ny, &mean, &sd);
        CHECK(fabs(sd - 1 / sqrt((double)H)) < 5 / sqrt((double)H) / sqrt(2.0 * ny), "%s %s: W_hy std %.4f", cname, in,
              sd);
        int ok = 1;
        for (int k = b0; k <= why + 1; k++) {
            if (k == why) continue;
            size_t lo = rnn_tensor_offset(m, k);
            for (size_t e = lo; e < lo + rnn_tensor_size(m, k); e++)
                ok &= rnn_param_get(m, m->params, e) == (k == one ? 1.0 : 0.0);
        }
        CHECK(ok, "%s %s: %s", cname, in, bias_doc);
        rnn_model_free(m);
    }
}

static rnn_model *make_gb(int cell, rnn_gate_bias_kind kind, double v, int T)
{
    rnn_config c;
    rnn_config_default(&c);
    c.cell = cell;
    c.seed = 3;
    c.task = TASK_TEMPORAL_ORDER;
    c.T = T;
    c.gate_bias_kind = kind;
    c.gate_bias = v;
    return create_or_die(&c);
}

/* Parameters of a and b equal outside tensors ka and kb (-1: none). */
static int same_except(const rnn_model *a, const rnn_model *b, int ka, int kb)
{
    for (int k = 0; k < a->cell->ntensors; k++) {
        if (k == ka || k == kb) continue;
        size_t o = rnn_tensor_offset(a, k), n = rnn_tensor_size(a, k);
        if (memcmp((const double *)a->params + o, (const double *)b->params + o, n * sizeof(double)) != 0) return 0;
    }
    return 1;
}

static void check_gate_bias(void)
{
    const int T = 41;
    struct {
        const char *name;
        int keep, neg; /* the keep-gate bias and (lstm) the input-gate bias */
        double dflt;
    } cs[] = {{"gru", RNN_GRU_B_Z, -1, 0.0}, {"lstm", RNN_LSTM_B_F, RNN_LSTM_B_I, 1.0}};
    for (size_t q = 0; q < sizeof cs / sizeof cs[0]; q++) {
        int cell = rnn_cell_find(cs[q].name);
        CHECK(cell >= 0 && rnn_keep_tensor(rnn_cells[cell]) == cs[q].keep, "%s: the --gate-bias tensor is %s",
              cs[q].name, cell >= 0 ? rnn_cells[cell]->tensors[cs[q].keep].name : "?");
        if (cell < 0) continue;
        rnn_model *d = make_gb(cell, RNN_GB_DEFAULT, 0, T), *k = make_gb(cell, RNN_GB_CONST, 2.5, T),
                  *ch = make_gb(cell, RNN_GB_CHRONO, 0, T);
        size_t o = rnn_tensor_offset(d, cs[q].keep), n = rnn_tensor_size(d, cs[q].keep);
        int dv = 1, kv = 1;
        for (size_t e = o; e < o + n; e++) {
            dv &= rnn_param_get(d, d->params, e) == cs[q].dflt;
            kv &= rnn_param_get(k, k->params, e) == 2.5;
        }
        CHECK(dv, "%s: default %s = %g", cs[q].name, d->cell->tensors[cs[q].keep].name, cs[q].dflt);
        CHECK(kv && same_except(d, k, cs[q].keep, -1), "%s --gate-bias 2.5: %s = 2.5, every other parameter as the default's",
              cs[q].name, d->cell->tensors[cs[q].keep].name);
        double lo = INFINITY, hi = -INFINITY, su = 0, su2 = 0;
        int neg = 1;
        for (size_t e = 0; e < n; e++) {
            double b = rnn_param_get(ch, ch->params, o + e), u = exp(b);
            lo = fmin(lo, b), hi = fmax(hi, b), su += u, su2 += u * u;
            if (cs[q].neg >= 0) neg &= rnn_param_get(ch, ch->params, rnn_tensor_offset(ch, cs[q].neg) + e) == -b;
        }
        double mu = su / (double)n, want = T / 2.0, se = (T - 2) / sqrt(12.0 * (double)n);
        CHECK(lo >= 0 && hi < log(T - 1.0) && fabs(mu - want) < 5 * se,
              "%s chrono: b in [%.3f, %.3f] (want [0, log %d = %.3f)), mean of e^b %.2f (want %.1f +- %.2f)", cs[q].name,
              lo, hi, T - 1, log(T - 1.0), mu, want, 5 * se);
        CHECK(neg && same_except(d, ch, cs[q].keep, cs[q].neg), "%s chrono: %severy other parameter as the default's",
              cs[q].name, cs[q].neg >= 0 ? "b_i = -b_f exactly, " : "");
        rnn_model_free(d), rnn_model_free(k), rnn_model_free(ch);
    }
    rnn_config c;
    rnn_config_default(&c);
    char buf[300];
    c.gate_bias_kind = RNN_GB_CONST, c.gate_bias = 1;
    const char *bad = rnn_config_check(&c, buf, sizeof buf);
    CHECK(bad && strstr(bad, "--gate-bias"), "vanilla --gate-bias refused: %s", bad ? bad : "(accepted)");
    c.cell = rnn_cell_find("gru");
    c.gate_bias = 51;
    bad = rnn_config_check(&c, buf, sizeof buf);
    CHECK(bad && strstr(bad, "--gate-bias"), "gru --gate-bias 51 refused: %s", bad ? bad : "(accepted)");
    c.gate_bias = NAN;
    bad = rnn_config_check(&c, buf, sizeof buf);
    CHECK(bad && strstr(bad, "--gate-bias"), "gru --gate-bias nan refused: %s", bad ? bad : "(accepted)");
}

int main(void)
{
    const int H = 64;
    rnn_model *o = make(RNN_INIT_ORTHO, 1, RNN_F64);
    double *w = malloc((size_t)H * H * sizeof *w), *sv = malloc((size_t)H * sizeof *sv);
    rnn_whh_copy(o, w);
    double worst = 0;
    for (int i = 0; i < H; i++)
        for (int j = 0; j < H; j++) {
            double s = 0;
            for (int k = 0; k < H; k++) s += w[k * H + i] * w[k * H + j];
            double d = fabs(s - (i == j));
            if (d > worst) worst = d;
        }
    CHECK(worst < 1e-12, "ortho: ||Q^T Q - I||_max = %.3e (limit 1e-12)", worst);
    double svd = 0;
    for (int k = 0; k < H; k++) svd = fmax(svd, fabs(o->sv_init[k] - 1));
    CHECK(svd < 1e-12, "ortho: max |sigma_k - 1| = %.3e", svd);

    rnn_model *r = make(RNN_INIT_RANDOM, 1, RNN_F64);
    double mean, sd, n = (double)H * H;
    stats(r, rnn_tensor_offset(r, RNN_VAN_W_HH), rnn_tensor_offset(r, RNN_VAN_W_HH) + rnn_tensor_size(r, RNN_VAN_W_HH), &mean, &sd);
    CHECK(fabs(mean) < 5 * 0.1 / sqrt(n) && fabs(sd - 0.1) < 5 * 0.1 / sqrt(2 * n),
          "random: W_hh mean %.5f, std %.5f (want 0, 0.1 +- %.4f)", mean, sd, 5 * 0.1 / sqrt(2 * n));
    double edge = 2 * 0.1 * sqrt((double)H);
    CHECK(fabs(r->sv_init[0] - edge) < 0.15 * edge && r->sv_init[H - 1] < 0.2,
          "random: largest singular value %.3f (quarter-circle edge %.2f), smallest %.4f", r->sv_init[0], edge,
          r->sv_init[H - 1]);

    rnn_model *id = make(RNN_INIT_IDENTITY, 1, RNN_F64);
    rnn_whh_copy(id, w);
    int exact = 1;
    for (int k = 0; k < H * H; k++) exact &= w[k] == (k / H == k % H ? 1.0 : 0.0);
    CHECK(exact, "identity: W_hh == I exactly");

    rnn_model *all[3] = {o, r, id};
    for (int k = 0; k < 3; k++) {
        rnn_model *m = all[k];
        size_t o_ih = rnn_tensor_offset(m, RNN_VAN_W_IH), o_bh = rnn_tensor_offset(m, RNN_VAN_B_H);
        size_t o_hy = rnn_tensor_offset(m, RNN_VAN_W_HY), o_by = rnn_tensor_offset(m, RNN_VAN_B_Y);
        double ni = (double)rnn_tensor_size(m, RNN_VAN_W_IH), ny = (double)rnn_tensor_size(m, RNN_VAN_W_HY);
        stats(m, o_ih, o_ih + (size_t)ni, &mean, &sd);
        CHECK(fabs(sd - 0.1) < 5 * 0.1 / sqrt(2 * ni), "%s: W_ih std %.4f (want 0.1)", rnn_init_names[k], sd);
        stats(m, o_hy, o_hy + (size_t)ny, &mean, &sd);
        double want = 1 / sqrt((double)H);
        CHECK(fabs(sd - want) < 5 * want / sqrt(2 * ny), "%s: W_hy std %.4f (want %.4f)", rnn_init_names[k], sd,
              want);
        int zero = 1;
        for (size_t e = o_bh; e < o_bh + rnn_tensor_size(m, RNN_VAN_B_H); e++) zero &= rnn_param_get(m, m->params, e) == 0;
        for (size_t e = o_by; e < o_by + rnn_tensor_size(m, RNN_VAN_B_Y); e++) zero &= rnn_param_get(m, m->params, e) == 0;
        for (size_t e = 0; e < m->P; e++) zero &= rnn_param_get(m, m->mom, e) == 0;
        CHECK(zero, "%s: biases and momentum start at 0", rnn_init_names[k]);
    }

    rnn_model *o2 = make(RNN_INIT_ORTHO, 1, RNN_F64), *o3 = make(RNN_INIT_ORTHO, 2, RNN_F64);
    CHECK(memcmp(o->params, o2->params, o->P * 8) == 0, "same seed -> identical parameters");
    CHECK(memcmp(o->params, o3->params, o->P * 8) != 0, "other seed -> different parameters");
    rnn_model *of = make(RNN_INIT_ORTHO, 1, RNN_F32);
    int rounded = 1;
    for (size_t e = 0; e < o->P; e++) rounded &= ((float *)of->params)[e] == (float)((double *)o->params)[e];
    CHECK(rounded, "float32: parameters are the float64 ones rounded once");

    /* the gated cells' recipes */
    check_gated(H, "lstm", RNN_LSTM_W_II, RNN_LSTM_W_HI, 4, RNN_LSTM_B_I, RNN_LSTM_W_HY, RNN_LSTM_B_F,
                "b_f = 1, b_i = b_g = b_o = b_y = 0");
    check_gated(H, "gru", RNN_GRU_W_IR, RNN_GRU_W_HR, 3, RNN_GRU_B_R, RNN_GRU_W_HY, -1, "b_r = b_z = b_n = b_y = 0");

    check_gate_bias();

    rnn_model *ms[] = {o, r, id, o2, o3, of};
    for (size_t k = 0; k < sizeof ms / sizeof ms[0]; k++) rnn_model_free(ms[k]);
    free(w);
    free(sv);
    printf("%d check(s) failed\n", fails);
    return fails ? 1 : 0;
}
