/*
 * test_sched.c -- every BPTT schedule of the vanilla cell (core/rnn_sched.c)
 * computes bit-identical loss, gradient norm, gradients, momentum and
 * parameters to the baseline `bptt` (rnn_kernel.c), over two training
 * steps, for every task, both precisions, tanh and relu, edge-only and
 * full tiles, T = 1..; the ckpt schedule for segment lengths 1, 2, 3,
 * ceil(sqrt(T)) (default) and T.  Also the unpriced diagnostics of a diag
 * step (||dh_t|| and the saturation fraction) and the bad-input messages of
 * --ckpt-every.  The plain build runs the clone named by DMDPROF_ISA.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rnn.h"

typedef struct {
    void *params, *grads, *mom;
    double loss[2], gn[2], dh[2][RNN_MAX_DH], sat[2];
} run;

/* Two plain steps of cfg with schedule s (the second one a diag step). */
static int two_steps(const rnn_config *cfg, int s, int every, run *out)
{
    char err[256];
    memset(out, 0, sizeof *out);
    rnn_model *m = rnn_model_create(cfg, err, sizeof err);
    if (!m) {
        CHECK(0, "model_create: %s", err);
        return -1;
    }
    if (rnn_model_set_schedule(m, s, every, err, sizeof err) != 0) {
        CHECK(0, "set_schedule %d: %s", s, err);
        rnn_model_free(m);
        return -1;
    }
    for (size_t k = 0; k < m->P; k++) rnn_param_set(m, m->mom, k, 0.001 * (double)((k * 37) % 11) - 0.005);
    for (int st = 0; st < 2; st++) {
        rnn_draw_batch(m);
        rnn_hparams hp = rnn_step_hparams(m);
        rnn_step_result r;
        rnn_step(m, &hp, st == 1, &r);
        m->step++;
        out->loss[st] = r.loss;
        out->gn[st] = r.grad_norm;
        for (int k = 0; k < m->cfg.T && k < RNN_MAX_DH; k++) out->dh[st][k] = st == 1 ? m->dh_norm2[k] : 0;
        out->sat[st] = 0;
    }
    size_t n = m->P * m->esz;
    out->params = malloc(n), out->grads = malloc(n), out->mom = malloc(n);
    memcpy(out->params, m->params, n);
    memcpy(out->grads, m->grads, n);
    memcpy(out->mom, m->mom, n);
    /* the saturation fraction of the diag step: bptt counts hT, ckpt counts in the kernel */
    long sat = m->diag_sat;
    if (sat < 0) {
        size_t nh = (size_t)m->cfg.T * m->cfg.H * m->cfg.batch;
        sat = 0;
        for (size_t e = 0; e < nh; e++) sat += rnn_hidden(m, e) > 0.99 || rnn_hidden(m, e) < -0.99;
    }
    out->sat[1] = (double)sat;
    int esz = (int)m->esz;
    rnn_model_free(m);
    return esz;
}

static void drop(run *r)
{
    free(r->params), free(r->grads), free(r->mom);
}

static void compare(const rnn_config *c, int s, int every, const run *base, int esz, int P_elems)
{
    run r;
    if (two_steps(c, s, every, &r) < 0) return;
    char tag[200];
    snprintf(tag, sizeof tag, "%s/%s/%s/%s T=%d H=%d B=%d schedule %s k=%d", task_get(c->task)->name,
             rnn_init_names[c->init], rnn_activation_names[c->activation], rnn_precision_names[c->precision], c->T, c->H,
             c->batch, rnn_cells[0]->schedules[s].name, every);
    for (int st = 0; st < 2; st++) {
        CHECK(!memcmp(&r.loss[st], &base->loss[st], sizeof(double)), "%s: step %d loss %.17g vs bptt %.17g", tag,
              st + 1, r.loss[st], base->loss[st]);
        CHECK(!memcmp(&r.gn[st], &base->gn[st], sizeof(double)), "%s: step %d grad norm %.17g vs bptt %.17g", tag,
              st + 1, r.gn[st], base->gn[st]);
    }
    CHECK(!memcmp(r.dh, base->dh, sizeof r.dh), "%s: dh diagnostics differ", tag);
    CHECK(r.sat[1] == base->sat[1], "%s: saturation count %g vs bptt %g", tag, r.sat[1], base->sat[1]);
    size_t n = (size_t)P_elems * esz;
    CHECK(!memcmp(r.grads, base->grads, n), "%s: gradients differ", tag);
    CHECK(!memcmp(r.params, base->params, n), "%s: parameters differ", tag);
    CHECK(!memcmp(r.mom, base->mom, n), "%s: momentum differs", tag);
    drop(&r);
}

static int ncases;

static void all_schedules(rnn_config c)
{
    run base;
    int esz = two_steps(&c, 0, 0, &base);
    if (esz < 0) return;
    char err[256];
    rnn_model *m = rnn_model_create(&c, err, sizeof err);
    int P = m ? (int)m->P : 0;
    rnn_model_free(m);
    const rnn_cell *cell = rnn_cells[0];
    for (int s = 1; s < cell->nschedules; s++) {
        if (!strcmp(cell->schedules[s].name, "ckpt")) {
            int ks[] = {1, 2, 3, 0, c.T};
            for (int j = 0; j < 5; j++)
                if (ks[j] <= c.T) compare(&c, s, ks[j], &base, esz, P), ncases++;
        } else
            compare(&c, s, 0, &base, esz, P), ncases++;
    }
    /* created for another schedule (no wT scratch), then switched to bptt:
     * the switch allocates what the plain bptt step needs, same bits */
    rnn_config c2 = c;
    c2.schedule = rnn_schedule_find(cell, "alt");
    compare(&c2, 0, 0, &base, esz, P), ncases++;
    drop(&base);
}

/* rnn_model.wT, the plain bptt step's unpriced W_hh^T scratch, exists only
 * for a schedule that declares it (rnn_schedule.wT, a count of (H, H)
 * blocks), and follows rnn_model_set_schedule. */
static void scratch_follows_schedule(void)
{
    char err[256];
    rnn_config c;
    rnn_config_default(&c);
    c.T = 6;
    c.H = 7;
    for (int k = 0; rnn_cells[k]; k++) {
        c.cell = k;
        c.init = RNN_INIT_ORTHO;
        rnn_model *m = rnn_model_create(&c, err, sizeof err);
        if (!m) {
            CHECK(0, "model_create %s: %s", rnn_cells[k]->name, err);
            continue;
        }
        CHECK(!m->wT == !m->sched->wT, "%s %s: wT %s", rnn_cells[k]->name, m->sched->name, m->wT ? "allocated" : "NULL");
        /* the plain bptt forward runs every recurrent product in the (B, H)
         * layout: one packed W^T per recurrent (H, H) block of the cell */
        const char *cn = rnn_cells[k]->name;
        int nblk = !strcmp(cn, "vanilla") ? 1 : !strcmp(cn, "gru") ? 3 : !strcmp(cn, "lstm") ? 4 : -1;
        CHECK(m->wT && m->sched->wT == nblk, "%s %s: wT %s, %d blocks declared, %d expected", cn, m->sched->name,
              m->wT ? "allocated" : "NULL", m->sched->wT, nblk);
        for (int s = 0; s < rnn_cells[k]->nschedules; s++) {
            CHECK(rnn_model_set_schedule(m, s, 0, err, sizeof err) == 0, "set_schedule: %s", err);
            CHECK(!m->wT == !rnn_cells[k]->schedules[s].wT, "%s %s after set_schedule: wT %s", rnn_cells[k]->name,
                  rnn_cells[k]->schedules[s].name, m->wT ? "allocated" : "NULL");
        }
        rnn_model_free(m);
    }
}

int main(void)
{
    char err[256];
    if (rnn_isa_init(err, sizeof err) != 0) {
        printf("SKIP: %s\n", err);
        return 77;
    }
    printf("plain kernel clone: %s\n", rnn_isa());
    scratch_follows_schedule();
    CHECK(rnn_cells[0]->nschedules >= 5, "the vanilla cell lists %d schedules", rnn_cells[0]->nschedules);
    for (int t = 0; t < TASK_COUNT; t++)
        for (int prec = 0; prec < 2; prec++) {
            rnn_config c;
            rnn_config_default(&c);
            c.task = (task_id)t;
            c.precision = (rnn_precision)prec;
            c.T = task_get(c.task)->min_T + 2;
            c.H = 5;
            c.batch = 3;
            c.seed = 5 + t;
            c.init = t % 3 == 2 ? RNN_INIT_IDENTITY : (rnn_init_kind)(t % 2);
            c.activation = c.init == RNN_INIT_IDENTITY ? RNN_ACT_RELU : RNN_ACT_TANH;
            c.clip = t % 3 == 0 ? 1e-3 : 1.0;
            all_schedules(c);
        }
    /* full tiles and edges (H 21 = 16 + 4 + 1, B 18), a target at every step (K > 1) */
    {
        rnn_config c;
        rnn_config_default(&c);
        c.task = TASK_3BIT_MEMORIZATION;
        c.T = 7;
        c.H = 21;
        c.batch = 18;
        all_schedules(c);
        /* the plain after-loop products in blocks of 4 timesteps at B 18
         * (rnn_sched.c s_after_block): T 5 ends in a block holding only t = 1 */
        c.T = 5;
        all_schedules(c);
        c.T = 7;
        c.batch = 1; /* the goal's B = 1 */
        c.precision = RNN_F32;
        all_schedules(c);
    }
    /* T = 1 and T = 2 (no W_hh read; one) on a task that allows them */
    for (int t = 0; t < TASK_COUNT; t++)
        if (task_get((task_id)t)->min_T <= 2) {
            for (int T = task_get((task_id)t)->min_T; T <= 2; T++) {
                rnn_config c;
                rnn_config_default(&c);
                c.task = (task_id)t;
                c.T = T;
                c.H = 6;
                c.batch = 2;
                all_schedules(c);
            }
            break;
        }

    /* --ckpt-every: range and schedule */
    rnn_config c;
    rnn_config_default(&c);
    c.T = 10;
    c.schedule = rnn_schedule_find(rnn_cells[0], "ckpt");
    c.ckpt_every = 11;
    const char *bad = rnn_config_check(&c, err, sizeof err);
    CHECK(bad && strstr(bad, "--ckpt-every") && strstr(bad, "1..T = 10"), "k > T: '%s'", bad ? bad : "(accepted)");
    c.ckpt_every = -1;
    bad = rnn_config_check(&c, err, sizeof err);
    CHECK(bad && strstr(bad, "--ckpt-every"), "k < 0: '%s'", bad ? bad : "(accepted)");
    c.ckpt_every = 3;
    c.schedule = 0;
    bad = rnn_config_check(&c, err, sizeof err);
    CHECK(bad && strstr(bad, "--schedule ckpt"), "k with bptt: '%s'", bad ? bad : "(accepted)");
    c.T = 30;
    c.ckpt_every = 0;
    CHECK(rnn_ckpt_segment(&c) == 6, "default segment of T = 30 is %d, expected ceil(sqrt(30)) = 6", rnn_ckpt_segment(&c));
    c.T = 36;
    CHECK(rnn_ckpt_segment(&c) == 6, "default segment of T = 36 is %d, expected 6", rnn_ckpt_segment(&c));

    printf("%d schedule cases, %d failures\n", ncases, check_failures);
    return check_failures ? 1 : 0;
}
