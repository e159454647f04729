/*
 * test_gradcheck.c -- the BPTT gradient against central finite differences,
 * float64, for every parameter tensor of every registered cell (core/cells.c),
 * every task, every init the cell takes (vanilla: ortho, random, identity +
 * relu = IRNN; the gated cells: ortho, random), T up to 10 (the task minimum
 * when it is larger), at sizes that use only edge tiles (H 5, B 3), full
 * register tiles (H 20, B 18) and, for the gated cells, odd sizes across the
 * tile edges (H 17, B 5; H 9, B 21).
 *
 * Numerical derivative: the five-point central stencil
 * (8(L(p+e) - L(p-e)) - (L(p+2e) - L(p-2e))) / 12e, e = 1e-4 (1e-5 for
 * ReLU at T > 10; truncation error O(e^4)).  Biases are set to non-zero values that keep the ReLU runs
 * away from exact kinks (a zero bias on an all-zero input would sit on one).
 *
 * Relative error |g - n| / max(|g|, |n|, 1e-4); the 1e-4 floor keeps
 * near-zero components (where both numbers are rounding noise of the loss,
 * ~1e-12 absolute) from dominating.  Fails above 1e-6; prints the worst per
 * tensor.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rnn.h"

static double check(int cell, task_id task, rnn_init_kind init, int H, int B, int sched, int *fails)
{
    rnn_config c;
    rnn_config_default(&c);
    c.cell = cell;
    c.task = task;
    c.init = init;
    c.activation = init == RNN_INIT_IDENTITY ? RNN_ACT_RELU : RNN_ACT_TANH;
    c.H = H;
    c.batch = B;
    c.T = task_get(task)->min_T > 7 ? task_get(task)->min_T : 7;
    /* gradients that reach back through all T: sigma 0.5 at T <= 10; for the
     * longer task minima (multiplication 24, noiseless 20-bit 21) 1/sqrt(H),
     * a spectral radius near 1 (0.5 explodes there and saturates tanh, where
     * the finite differences lose their accuracy) */
    if (init == RNN_INIT_RANDOM) c.sigma = c.T <= 10 ? 0.5 : 1.0 / sqrt((double)H);
    c.seed = 11;
    c.schedule = sched;
    c.ckpt_every = strcmp(rnn_cells[cell]->schedules[sched].name, "ckpt") ? 0 : 3;
    char err[256];
    const char *bad = rnn_config_check(&c, err, sizeof err);
    if (bad) {
        fprintf(stderr, "config rejected: %s\n", bad);
        exit(1);
    }
    rnn_model *m = rnn_model_create(&c, err, sizeof err);
    if (!m) {
        fprintf(stderr, "create: %s\n", err);
        exit(1);
    }
    /* non-zero biases so that their paths are exercised like the weights'
     * (the vectors of the table: hidden-side ones, and the output bias) */
    for (int ten = 0; ten < m->cell->ntensors; ten++) {
        const rnn_tensor_spec *ts = &m->cell->tensors[ten];
        if (ts->b != RNN_D1) continue;
        size_t lo = rnn_tensor_offset(m, ten), hi = lo + rnn_tensor_size(m, ten);
        for (size_t k = lo; k < hi; k++)
            rnn_param_set(m, m->params, k,
                          ts->a == RNN_DO ? 0.1 * ((int)(k % 5) - 2) : 0.05 * ((int)(k % 7) - 3) + 0.0123);
    }
    rnn_draw_batch(m);
    rnn_loss_grad(m);
    double *g = malloc(m->P * sizeof *g);
    for (size_t k = 0; k < m->P; k++) g[k] = rnn_param_get(m, m->grads, k);
    /* ReLU: the active mask (h > 0) of the unperturbed batch; a perturbation
     * that changes it crossed a kink, where the loss is not differentiable:
     * such parameters are skipped and counted (must stay a small fraction). */
    size_t nh = (size_t)c.T * H * B;
    unsigned char *mask0 = calloc(nh, 1), *mask = calloc(nh, 1);
    int relu = c.activation == RNN_ACT_RELU;
    rnn_loss(m);
    for (size_t e = 0; e < nh; e++) mask0[e] = rnn_hidden(m, e) > 0;
    size_t skipped = 0;
    double worst_all = 0;
    for (int ten = 0; ten < m->cell->ntensors; ten++) {
        size_t lo = rnn_tensor_offset(m, ten), hi = lo + rnn_tensor_size(m, ten);
        double worst = 0, wg = 0, wn = 0;
        size_t wk = lo;
        for (size_t k = lo; k < hi; k++) {
            /* ReLU at the long task minima (T > 10): a smaller step crosses
             * fewer kinks (the loss is piecewise smooth there) */
            double p = rnn_param_get(m, m->params, k), eps = relu && c.T > 10 ? 1e-5 : 1e-4, l[4];
            int kink = 0;
            static const double at[4] = {-2, -1, 1, 2};
            for (int s = 0; s < 4; s++) {
                rnn_param_set(m, m->params, k, p + at[s] * eps);
                l[s] = rnn_loss(m);
                if (relu) {
                    for (size_t e = 0; e < nh; e++) mask[e] = rnn_hidden(m, e) > 0;
                    kink |= memcmp(mask, mask0, nh) != 0;
                }
            }
            if (kink) {
                skipped++;
                rnn_param_set(m, m->params, k, p);
                continue;
            }
            rnn_param_set(m, m->params, k, p);
            double num = (8 * (l[2] - l[1]) - (l[3] - l[0])) / (12 * eps);
            double den = fmax(fmax(fabs(g[k]), fabs(num)), 1e-4);
            double rel = fabs(g[k] - num) / den;
            if (!(rel <= worst)) {
                worst = rel;
                wk = k;
                wg = g[k];
                wn = num;
            }
        }
        int bad_ = !(worst < 1e-6);
        *fails += bad_;
        printf("%-7s %-22s %-8s %-7s H %2d B %2d T %2d %-5s worst rel err %.3e (k %zu: analytic %.10e numeric %.10e)%s\n",
               m->cell->name, task_get(task)->name, rnn_init_names[init], m->sched->name, H, B, c.T,
               m->cell->tensors[ten].name, worst,
               wk - lo, wg, wn, bad_ ? "  FAIL" : "");
        if (worst > worst_all || isnan(worst)) worst_all = worst;
    }
    if (relu) {
        int bad_ = skipped * 10 > m->P;
        *fails += bad_;
        printf("%-22s %-8s H %2d B %2d T %2d relu: %zu of %zu parameters skipped (perturbation crosses a kink)%s\n",
               task_get(task)->name, rnn_init_names[init], H, B, c.T, skipped, m->P, bad_ ? "  FAIL (> 10%)" : "");
    }
    free(mask0);
    free(mask);
    free(g);
    rnn_model_free(m);
    return worst_all;
}

int main(void)
{
    int fails = 0, nchecks = 0;
    double worst = 0;
#define RUN(...)                                                                                                   \
    do {                                                                                                           \
        double w_ = check(__VA_ARGS__, &fails);                                                                    \
        if (w_ > worst || isnan(w_)) worst = w_;                                                                   \
        nchecks++;                                                                                                 \
    } while (0)
    for (int t = 0; t < TASK_COUNT; t++)
        for (int i = 0; i <= RNN_INIT_IDENTITY; i++) {
            RUN(0, (task_id)t, (rnn_init_kind)i, 5, 3, 0);
            RUN(0, (task_id)t, (rnn_init_kind)i, 20, 18, 0);
        }
    /* every other schedule (tanh: the ckpt schedule does not keep every h_t
     * for the ReLU kink masks), small sizes */
    for (int s = 1; s < rnn_cells[0]->nschedules; s++)
        for (int t = 0; t < TASK_COUNT; t++) RUN(0, (task_id)t, (rnn_init_kind)(t % 2), 5, 3, s);
    /* every other cell: each schedule, every task, the inits it takes, edge
     * tiles only, full tiles, and odd sizes across the tile edges */
    int ncells = 0;
    for (int cell = 1; rnn_cells[cell]; cell++, ncells++)
        for (int s = 0; s < rnn_cells[cell]->nschedules; s++)
            for (int t = 0; t < TASK_COUNT; t++)
                for (int i = 0; i <= RNN_INIT_IDENTITY; i++) {
                    if (!(rnn_cells[cell]->inits & 1u << i)) continue;
                    RUN(cell, (task_id)t, (rnn_init_kind)i, 5, 3, s);
                    if ((t + i) % 2 == 0) RUN(cell, (task_id)t, (rnn_init_kind)i, 20, 18, s);
                    else RUN(cell, (task_id)t, (rnn_init_kind)i, 17, 5, s);
                    if (t == 0) RUN(cell, (task_id)t, (rnn_init_kind)i, 9, 21, s);
                }
    printf("worst relative error over all %d checks (%d cells): %.3e (limit 1e-6); %d tensor checks failed\n", nchecks,
           ncells + 1, worst, fails);
    return fails ? 1 : 0;
}
