/*
 * test_dmd_identity.c -- the instrumented kernel computes bit-identical loss,
 * gradients, updated parameters and momentum to the plain kernel, for every
 * task, init (ortho, random, identity + relu), precision and pricing model
 * (live, classic, lru), over two consecutive steps (so the second step uses
 * the first one's momentum; the first declares the state, both declare their
 * batch).  Also checks that the engine priced reads in every phase.
 * Sizes: H 5, B 3 (edge tiles only) and H 20, B 18 (full register tiles).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmd_engine.h"
#include "rnn.h"

#define NSTEPS 2

static int fails;

static void run(task_id task, rnn_init_kind init, rnn_precision prec, dmd_model model, int H, int B)
{
    rnn_config c;
    rnn_config_default(&c);
    c.task = task;
    c.init = init;
    c.activation = init == RNN_INIT_IDENTITY ? RNN_ACT_RELU : RNN_ACT_TANH;
    c.nesterov = init != RNN_INIT_ORTHO; /* both update rules */
    c.clip = 0.5;                        /* clipping happens on some steps */
    c.H = H;
    c.batch = B;
    c.T = task_get(task)->min_T > 6 ? task_get(task)->min_T : 6;
    c.precision = prec;
    c.seed = 5;
    char err[256];
    rnn_model *a = rnn_model_create(&c, err, sizeof err), *b = rnn_model_create(&c, err, sizeof err);
    if (!a || !b) {
        fprintf(stderr, "create: %s\n", err);
        exit(1);
    }
    double la[NSTEPS] = {0}, lb[NSTEPS] = {0};
    int ca[NSTEPS] = {0}, cb[NSTEPS] = {0};
    for (int s = 0; s < NSTEPS; s++) {
        rnn_draw_batch(a);
        rnn_hparams hp = rnn_step_hparams(a);
        rnn_step_result r;
        rnn_step(a, &hp, 0, &r);
        a->step++;
        la[s] = r.loss;
        ca[s] = r.clipped;
    }
    /* instrumented: every pass starts from the same state */
    size_t pb = b->P * b->esz;
    void *p0 = malloc(pb), *m0 = malloc(pb);
    memcpy(p0, b->params, pb);
    memcpy(m0, b->mom, pb);
    rng_t r0 = b->data_rng;
    dmd_options o;
    memset(&o, 0, sizeof o);
    o.model = model;
    dmd_engine *e = dmd_engine_new(&o);
    for (int pass = 0; pass < dmd_engine_passes(e); pass++) {
        memcpy(b->params, p0, pb);
        memcpy(b->mom, m0, pb);
        b->data_rng = r0;
        b->step = 0;
        dmd_engine_attach(e, pass);
        for (int s = 0; s < NSTEPS; s++) {
            rnn_draw_batch(b);
            rnn_hparams hp = rnn_step_hparams(b);
            rnn_step_result r;
            rnn_step_dmd(b, &hp, s == 0, &r);
            b->step++;
            lb[s] = r.loss;
            cb[s] = r.clipped;
        }
        rnn_dmd_outputs(b);
        dmd_engine_detach(e);
    }
    dmd_counts tot;
    dmd_engine_total(e, &tot);
    int priced_phases = 0;
    for (int p = 0; p < dmd_engine_nphases(e); p++) {
        dmd_counts pc;
        dmd_engine_phase_total(e, p, &pc);
        const char *pn = dmd_engine_phase_name(e, p);
        if (pc.reads > 0 && (!strcmp(pn, "forward") || !strcmp(pn, "backward") || !strcmp(pn, "update")))
            priced_phases++;
    }
    int bad = 0;
    const char *what = "";
    for (int s = 0; s < NSTEPS; s++)
        if (memcmp(&la[s], &lb[s], sizeof la[s]) != 0 || ca[s] != cb[s]) bad = 1, what = "loss/clip";
    if (!bad && memcmp(a->grads, b->grads, pb) != 0) bad = 1, what = "gradients";
    if (!bad && memcmp(a->params, b->params, pb) != 0) bad = 1, what = "parameters";
    if (!bad && memcmp(a->mom, b->mom, pb) != 0) bad = 1, what = "momentum";
    if (!bad && (tot.reads == 0 || tot.cost == 0 || priced_phases != 3)) bad = 1, what = "nothing priced";
    if (bad) fails++;
    printf("%-22s %-8s %-7s %-7s H %2d B %2d: loss %.17g %.17g clipped %d%d reads %llu cost %llu  %s%s\n",
           task_get(task)->name, rnn_init_names[init], rnn_precision_names[prec], dmd_model_name(model), H, B, la[0],
           la[1], ca[0], ca[1], (unsigned long long)tot.reads, (unsigned long long)tot.cost,
           bad ? "FAIL: " : "identical", what);
    dmd_engine_free(e);
    free(p0);
    free(m0);
    rnn_model_free(a);
    rnn_model_free(b);
}

int main(void)
{
    for (int t = 0; t < TASK_COUNT; t++)
        for (int i = 0; i <= RNN_INIT_IDENTITY; i++)
            for (int p = 0; p <= RNN_F32; p++)
                for (int m = DMD_LIVE; m <= DMD_LRU; m++) run((task_id)t, (rnn_init_kind)i, (rnn_precision)p, (dmd_model)m, 5, 3);
    for (int p = 0; p <= RNN_F32; p++)
        for (int m = DMD_LIVE; m <= DMD_LRU; m++)
            run(TASK_3BIT_MEMORIZATION, RNN_INIT_ORTHO, (rnn_precision)p, (dmd_model)m, 20, 18);
    printf("%d configuration(s) differ\n", fails);
    return fails ? 1 : 0;
}
