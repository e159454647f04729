/*
 * bench/cells_bench.c -- the plain training step of every cell side by side:
 * CPU time per step (median over steps), GFLOP/s of the matrix products
 * (rnn_step_flops: 2 per multiply-add of the forward, dh and weight-gradient
 * products; the gated cells count each gate's), and each cell's GFLOP/s as a
 * percentage of the vanilla cell's at the same sizes.  The kernel clone is
 * the one core/rnn_isa.c chooses (DMDPROF_ISA=avx512|avx2|baseline forces one).
 *
 *   cells_bench [-H 64] [-B 50] [-T 30,60] [--steps 41] [--cells vanilla,lstm]
 *
 * Time: CLOCK_PROCESS_CPUTIME_ID around each rnn_step (the same batch every
 * step, after 5 warm-up steps), so a shared machine's waiting is not
 * counted; the median of --steps steps.  Prints figures only (no assertion
 * on time); exit 2 on bad usage, 1 when a model cannot be built.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rnn.h"

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

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

/* Median CPU seconds of one plain step; GFLOP/s in *gf. */
static double bench(int cell, int T, int H, int B, int steps, double *gf)
{
    rnn_config c;
    rnn_config_default(&c);
    c.cell = cell;
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
    double *t = malloc((size_t)steps * sizeof *t);
    if (!t) exit(1);
    rnn_draw_batch(m);
    rnn_step_result r;
    for (int k = 0; k < 5 + steps; k++) {
        rnn_hparams hp = rnn_step_hparams(m);
        double t0 = cpu_now();
        rnn_step(m, &hp, 0, &r);
        if (k >= 5) t[k - 5] = cpu_now() - t0;
    }
    qsort(t, (size_t)steps, sizeof *t, cmp_d);
    double med = steps % 2 ? t[steps / 2] : 0.5 * (t[steps / 2 - 1] + t[steps / 2]);
    *gf = rnn_step_flops(m) / med / 1e9;
    free(t);
    rnn_model_free(m);
    return med;
}

int main(int argc, char **argv)
{
    int H = 64, B = 50, steps = 41, Ts[16] = {30, 60}, nT = 2, cells[16], ncells = 0;
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
                    int k = rnn_cell_find(tok);
                    if (k < 0) {
                        fprintf(stderr, "cells_bench: --cells: unknown cell '%s' (choose from: %s)\n", tok, rnn_cell_names());
                        exit(2);
                    }
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
    printf("cells_bench: plain step, float64, clone %s, CPU %s; median CPU time of %d steps\n", rnn_isa(), cpu, steps);
    printf("%-8s %5s %5s %5s %12s %10s %12s\n", "cell", "T", "H", "B", "ms/step", "GFLOP/s", "% of vanilla");
    for (int ti = 0; ti < nT; ti++) {
        double gv, tv = bench(0, Ts[ti], H, B, steps, &gv);
        for (int ci = 0; ci < ncells; ci++) {
            double g = gv, tm = tv;
            if (cells[ci] != 0) tm = bench(cells[ci], Ts[ti], H, B, steps, &g);
            printf("%-8s %5d %5d %5d %12.3f %10.2f %11.0f%%\n", rnn_cells[cells[ci]]->name, Ts[ti], H, B, tm * 1e3, g,
                   100 * g / gv);
        }
    }
    return 0;
}
