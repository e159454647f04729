/*
 * bench/cells_bench.c -- the plain training step of every cell side by side:
 * CPU time per step (median over steps), GFLOP/s of the matrix products
 * (rnn_step_flops: 2 per multiply-add of the forward, dh and weight-gradient
 * products; the gated cells count each gate's), and each cell's GFLOP/s as a
 * percentage of the vanilla cell's at the same sizes.  The kernel clone is
 * the one core/rnn_isa.c chooses (DMDPROF_ISA=avx512|avx2|baseline forces one).
 *
 *   cells_bench [-H 64] [-B 50] [-T 30,60] [--steps 41] [--cells vanilla,lstm,vanilla:fused]
 *
 * --cells takes CELL or CELL:SCHEDULE (a schedule of that cell, default its
 * first, bptt), so the schedules' plain steps can be set side by side too.
 *
 * Time: CLOCK_PROCESS_CPUTIME_ID around each rnn_step (the same batch every
 * step, after 5 warm-up rounds), so a shared machine's waiting is not
 * counted.  The cells run interleaved, one step each per round (vanilla
 * first), --steps rounds: the median and best step per cell, and the share
 * of vanilla's GFLOP/s as the median of the per-round paired ratios, which
 * a noisy host moves far less than two separate medians.  Prints figures only (no assertion
 * on time); exit 2 on bad usage, 1 when a model cannot be built.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rnn.h"
#include "bench_clock.h"

static void usage_exit(const char *msg)
{
    fprintf(stderr, "cells_bench: %s (usage: cells_bench [-H N] [-B N] [-T N,N...] [--steps N] [--cells a,b])\n", msg);
    exit(2);
}

static int to_int(const char *s, int lo, int hi, const char *flag)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == 0 || *end != 0 || v < lo || v > hi) {
        char m[128];
        snprintf(m, sizeof m, "%s: '%s' is not an integer in %d..%d", flag, s, lo, hi);
        usage_exit(m);
    }
    return (int)v;
}

static rnn_model *make_model(int cell, int sched, int T, int H, int B)
{
    rnn_config c;
    rnn_config_default(&c);
    c.cell = cell;
    c.schedule = sched;
    c.T = T;
    c.H = H;
    c.batch = B;
    char err[256];
    if (rnn_config_check(&c, err, sizeof err)) {
        fprintf(stderr, "cells_bench: %s\n", err);
        exit(2);
    }
    rnn_model *m = rnn_model_create(&c, err, sizeof err);
    if (!m) {
        fprintf(stderr, "cells_bench: %s\n", err);
        exit(1);
    }
    rnn_draw_batch(m);
    return m;
}

/* CPU seconds of one plain step of m. */
static double one_step(rnn_model *m)
{
    rnn_step_result r;
    rnn_hparams hp = rnn_step_hparams(m);
    double t0 = bench_seconds(CLOCK_PROCESS_CPUTIME_ID);
    rnn_step(m, &hp, 0, &r);
    return bench_seconds(CLOCK_PROCESS_CPUTIME_ID) - t0;
}

/* The cells of one T side by side: every round runs one step of vanilla,
 * then one of each cell, so that a shared machine's slow spells fall on
 * all of them alike.  Per cell: the median and the best step time; the
 * share of vanilla's GFLOP/s is the median over rounds of the paired ratio
 * (cell's GFLOP/s in the round / vanilla's in the same round). */
static void bench_T(const int *cells, const int *scheds, int ncells, int T, int H, int B, int steps)
{
    rnn_model *mv = make_model(0, 0, T, H, B), *m[16];
    double *tv = malloc((size_t)steps * sizeof *tv), *t[16], *ratio[16];
    if (!tv) exit(1);
    for (int c = 0; c < ncells; c++) {
        m[c] = cells[c] || scheds[c] ? make_model(cells[c], scheds[c], T, H, B) : NULL;
        t[c] = malloc((size_t)steps * sizeof(double));
        ratio[c] = malloc((size_t)steps * sizeof(double));
        if (!t[c] || !ratio[c]) exit(1);
    }
    double fv = rnn_step_flops(mv);
    for (int k = 0; k < 5 + steps; k++) {
        double a = one_step(mv);
        for (int c = 0; c < ncells; c++) {
            double b = m[c] ? one_step(m[c]) : a;
            if (k >= 5) {
                t[c][k - 5] = b;
                ratio[c][k - 5] = (m[c] ? rnn_step_flops(m[c]) : fv) / b / (fv / a);
            }
        }
        if (k >= 5) tv[k - 5] = a;
    }
    for (int c = 0; c < ncells; c++) {
        double f = m[c] ? rnn_step_flops(m[c]) : fv;
        double med = bench_median(t[c], steps), best = t[c][0]; /* sorted by bench_median() */
        char name[64];
        snprintf(name, sizeof name, "%s%s%s", rnn_cells[cells[c]]->name, scheds[c] ? ":" : "",
                 scheds[c] ? rnn_cells[cells[c]]->schedules[scheds[c]].name : "");
        printf("%-16s %5d %5d %5d %12.3f %10.2f %10.2f %11.0f%%\n", name, T, H, B, med * 1e3,
               f / med / 1e9, f / best / 1e9, 100 * bench_median(ratio[c], steps));
        free(t[c]);
        free(ratio[c]);
        if (m[c]) rnn_model_free(m[c]);
    }
    free(tv);
    rnn_model_free(mv);
}

int main(int argc, char **argv)
{
    int H = 64, B = 50, steps = 41, Ts[16] = {30, 60}, nT = 2, cells[16], scheds[16] = {0}, ncells = 0;
    for (int a = 1; a < argc; a++) {
        const char *f = argv[a];
        if (a + 1 >= argc) usage_exit("a flag without its value");
        const char *v = argv[++a];
        if (!strcmp(f, "-H"))
            H = to_int(v, 1, RNN_H_MAX, "-H");
        else if (!strcmp(f, "-B"))
            B = to_int(v, 1, RNN_B_MAX, "-B");
        else if (!strcmp(f, "--steps"))
            steps = to_int(v, 1, 100000, "--steps");
        else if (!strcmp(f, "-T") || !strcmp(f, "--cells")) {
            char buf[256];
            snprintf(buf, sizeof buf, "%s", v);
            int n = 0;
            for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
                if (n == 16) usage_exit("at most 16 values in a list");
                if (f[1] == 'T')
                    Ts[n++] = to_int(tok, 1, RNN_T_MAX, "-T");
                else {
                    char *sn = strchr(tok, ':');
                    if (sn) *sn++ = 0;
                    int k = rnn_cell_find(tok);
                    if (k < 0) {
                        fprintf(stderr, "cells_bench: --cells: unknown cell '%s' (choose from: %s)\n", tok, rnn_cell_names());
                        exit(2);
                    }
                    int sc = sn ? rnn_schedule_find(rnn_cells[k], sn) : 0;
                    if (sc < 0) {
                        fprintf(stderr, "cells_bench: --cells: cell %s has no schedule '%s' (choose from:", tok, sn);
                        for (int j = 0; j < rnn_cells[k]->nschedules; j++)
                            fprintf(stderr, " %s", rnn_cells[k]->schedules[j].name);
                        fprintf(stderr, ")\n");
                        exit(2);
                    }
                    scheds[n] = sc;
                    cells[n++] = k;
                }
            }
            if (n == 0) usage_exit("an empty list");
            if (f[1] == 'T')
                nT = n;
            else
                ncells = n;
        } else {
            char m[128];
            snprintf(m, sizeof m, "unknown flag '%s'", f);
            usage_exit(m);
        }
    }
    if (ncells == 0)
        for (int k = 0; rnn_cells[k] && k < 16; k++) cells[ncells++] = k;
    char err[256];
    if (rnn_isa_init(err, sizeof err) != 0) {
        fprintf(stderr, "cells_bench: %s\n", err);
        return 2;
    }
    char cpu[256] = "unknown";
    FILE *fc = fopen("/proc/cpuinfo", "r");
    if (fc) {
        char line[512];
        while (fgets(line, sizeof line, fc))
            if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
                snprintf(cpu, sizeof cpu, "%s", strchr(line, ':') + 2);
                cpu[strcspn(cpu, "\n")] = 0;
                break;
            }
        fclose(fc);
    }
    printf("cells_bench: plain step, float64, clone %s, CPU %s; %d rounds of one step per cell, interleaved\n",
           rnn_isa(), cpu, steps);
    printf("%-16s %5s %5s %5s %12s %10s %10s %12s\n", "cell", "T", "H", "B", "ms/step", "GFLOP/s", "best", "% of vanilla");
    for (int ti = 0; ti < nT; ti++) bench_T(cells, scheds, ncells, Ts[ti], H, B, steps);
    printf("(ms/step and GFLOP/s: the median step; best: the fastest step; %% of vanilla: the median over rounds of\n"
           " the cell's GFLOP/s / vanilla's in the same round)\n");
    return 0;
}
