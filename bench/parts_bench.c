/*
 * bench/parts_bench.c -- where a plain step's share of peak goes: the
 * kernel's parts timed alone, per clone, against the clone's measured
 * float64 peak (rnn_isa_peak_gflops, as `dmdprof isa`).
 *
 *   parts_bench [-H 64] [-B 50] [-I 2] [--trials 31] [--json]
 *
 * For every vector clone this CPU can run (avx512, avx2), bench/parts_clone.c
 * times the full TR x TC tile alone, the forward product of one step as the
 * kernel walks it (full and edge tiles), and rnn_tanh_arr, each from L1/L2,
 * and checks their bits against the scalar chains.  From those it prints a
 * ceiling for the step: every product of the step (6 B H (H + I) FLOP per
 * timestep, bench/headline's count) at the forward product's rate, plus
 * B H tanh at the measured ns per element, nothing else counted (the dz
 * pass, transposes, head and update are left out).  A training run that
 * sits below this ceiling loses the rest to memory and to those passes.
 *
 * Time is thread CPU time, best and median over the trials, the parts
 * interleaved in each trial.  Prints figures only (no assertion on time);
 * exit 2 on bad usage, 1 if the bits differ from the scalar chains or
 * buffers cannot be allocated.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parts.h"
#include "rnn.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: parts_bench [-H 64] [-B 50] [-I 2] [--trials 31] [--json]\n"
               "Times the plain kernel's parts alone per clone (full tile, the forward product as the\n"
               "kernel walks it, the tanh) against the clone's measured float64 peak, checks their bits,\n"
               "and prints the ceiling they set for a step. Thread CPU time, best / median of the trials.\n");
}

/* a positive int option value, or exit 2 */
static int pos_int(const char *opt, const char *v, int max)
{
    char *end;
    long x = v ? strtol(v, &end, 10) : 0;
    if (!v || *end || x < 1 || x > max) {
        fprintf(stderr, "parts_bench: %s needs an integer in 1..%d (got '%s'); see --help\n", opt, max, v ? v : "");
        exit(2);
    }
    return (int)x;
}

static void jnum(const char *key, double v, const char *sep)
{
    if (isfinite(v))
        printf("\"%s\": %.4g%s", key, v, sep);
    else
        printf("\"%s\": null%s", key, sep);
}

int main(int argc, char **argv)
{
    parts_cfg c = {.B = 50, .H = 64, .I = 2, .trials = 31};
    int json = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--json"))
            json = 1;
        else if (!strcmp(a, "-H"))
            c.H = pos_int(a, v, 1024), i++;
        else if (!strcmp(a, "-B"))
            c.B = pos_int(a, v, 4096), i++;
        else if (!strcmp(a, "-I"))
            c.I = pos_int(a, v, 1024), i++;
        else if (!strcmp(a, "--trials"))
            c.trials = pos_int(a, v, 10000), i++;
        else {
            fprintf(stderr, "parts_bench: unknown option '%s'; see --help\n", a);
            return 2;
        }
    }
    static const struct {
        const char *isa;
        int (*run)(const parts_cfg *, parts_res *);
    } clones[] = {{"avx512", parts_run_avx512}, {"avx2", parts_run_avx2}};
    /* bench/headline's count per timestep: the forward 2BH(H+I), the backward twice that; here a third each at
     * the forward product's, the dh product's and the dW_hh product's rate */
    const double step_flop = 6.0 * c.B * c.H * (c.H + c.I), step_tanh = (double)c.B * c.H;
    static const char *const part[4] = {"forward", "dh", "dW_hh", "tanh"};
    int bad = 0, first = 1;
    if (json)
        printf("{\"B\": %d, \"H\": %d, \"I\": %d, \"trials\": %d, \"clones\": {", c.B, c.H, c.I, c.trials);
    else
        printf("parts of the plain step, B %d, H %d, I %d: GFLOP/s per CPU second (%% of the clone's peak), medians of %d "
               "trials\n%-7s %-5s %6s  %-12s %-12s %-12s %-12s %-8s %s\n",
               c.B, c.H, c.I, c.trials, "clone", "tile", "peak", "full tile", "forward", "dh", "dW_hh", "tanh",
               "ceiling of the step");
    for (size_t k = 0; k < sizeof clones / sizeof clones[0]; k++) {
        if (rnn_isa_supported(clones[k].isa) != 1) continue;
        parts_res r;
        if (clones[k].run(&c, &r)) {
            fprintf(stderr, "parts_bench: out of memory for B %d, H %d\n", c.B, c.H);
            return 1;
        }
        const double peak = rnn_isa_peak_gflops(clones[k].isa);
        /* seconds per timestep of the products and the tanh alone */
        const double t_best = step_flop / 3 * (1 / r.fwd_best + 1 / r.dh_best + 1 / r.dw_best) * 1e-9 +
                              step_tanh * r.tanh_best * 1e-9;
        const double t_med = step_flop / 3 * (1 / r.fwd_med + 1 / r.dh_med + 1 / r.dw_med) * 1e-9 +
                             step_tanh * r.tanh_med * 1e-9;
        const double ceil_best = step_flop / t_best / 1e9 / peak, ceil_med = step_flop / t_med / 1e9 / peak;
        const double tanh_share = step_tanh * r.tanh_med * 1e-9 / t_med;
        int diff = 0;
        for (int p = 0; p < 4; p++)
            if (r.mismatch[p]) {
                fprintf(stderr, "parts_bench: clone %s: %ld elements of the %s differ from the scalar chains\n",
                        clones[k].isa, r.mismatch[p], part[p]);
                diff = bad = 1;
            }
        if (json) {
            printf("%s\"%s\": {\"TR\": %d, \"TC\": %d, ", first ? "" : ", ", clones[k].isa, r.TR, r.TC);
            jnum("peak_gflops", peak, ", ");
            jnum("tile_gflops_best", r.tile_best, ", "), jnum("tile_gflops_median", r.tile_med, ", ");
            jnum("forward_gflops_best", r.fwd_best, ", "), jnum("forward_gflops_median", r.fwd_med, ", ");
            jnum("dh_gflops_best", r.dh_best, ", "), jnum("dh_gflops_median", r.dh_med, ", ");
            jnum("dW_hh_gflops_best", r.dw_best, ", "), jnum("dW_hh_gflops_median", r.dw_med, ", ");
            jnum("tanh_ns_best", r.tanh_best, ", "), jnum("tanh_ns_median", r.tanh_med, ", ");
            jnum("ceiling_share_best", ceil_best, ", "), jnum("ceiling_share_median", ceil_med, ", ");
            jnum("tanh_time_share", tanh_share, ", ");
            printf("\"bits_ok\": %s}", diff ? "false" : "true");
        } else {
            char tile[16], g[4][24], th[16];
            const double med[4] = {r.tile_med, r.fwd_med, r.dh_med, r.dw_med};
            snprintf(tile, sizeof tile, "%dx%d", r.TR, r.TC);
            for (int p = 0; p < 4; p++)
                if (isfinite(med[p]))
                    snprintf(g[p], sizeof g[p], "%.1f (%.0f%%)", med[p], 100 * med[p] / peak);
                else
                    snprintf(g[p], sizeof g[p], "n/a");
            snprintf(th, sizeof th, "%.2f ns", r.tanh_med);
            printf("%-7s %-5s %6.1f  %-12s %-12s %-12s %-12s %-8s %.0f%% (tanh %.0f%% of its time)%s\n", clones[k].isa,
                   tile, peak, g[0], g[1], g[2], g[3], th, 100 * ceil_med, 100 * tanh_share,
                   diff ? "  BITS DIFFER" : "");
        }
        (void)ceil_best;
        first = 0;
    }
    if (json)
        printf("}}\n");
    else if (first)
        printf("(no vector clone runs on this CPU: nothing to time)\n");
    else
        printf("peak: the clone's float64 FMA peak per core, measured (dmdprof isa).  tanh: ns per element.  The\n"
               "ceiling: %.0f FLOP of products per timestep (a third each at the forward, dh and dW_hh rates) plus\n"
               "%.0f tanh, nothing else counted; a step that runs below it loses the rest to memory and the other passes.\n",
               step_flop, step_tanh);
    return bad;
}
