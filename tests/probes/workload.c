/*
 * workload.c -- a tiny phased loop for the Callgrind tests: known phases
 * (forward, backward with a nested update) around array sweeps whose sizes
 * are set on the command line.  Usage: probes_workload [STEPS [N]].
 */
#include <stdio.h>
#include <stdlib.h>

#include "dmd_phase.h"
#include "dmdp.h"

int main(int argc, char **argv)
{
    int steps = argc > 1 ? atoi(argv[1]) : 3;
    int n = argc > 2 ? atoi(argv[2]) : 20000;
    if (steps < 1 || n < 1) {
        fprintf(stderr, "probes_workload: STEPS and N must be positive\n");
        return 2;
    }
    double *a = calloc((size_t)n, sizeof *a); /* (n) */
    double *b = calloc((size_t)n, sizeof *b); /* (n) */
    if (!a || !b) return 1;
    dmdp *p = dmdp_start("none", 1);
    double s = 0;
    for (int t = 0; t < steps; t++) {
        dmd_phase_begin("forward");
        for (int i = 0; i < n; i++) a[i] = a[i] * 0.5 + i;
        dmd_phase_end("forward");
        dmd_phase_begin("backward");
        for (int i = 0; i < n; i++) b[i] += a[n - 1 - i];
        dmd_phase_begin("update");
        for (int i = 0; i < n; i += 8) s += b[i];
        dmd_phase_end("update");
        for (int i = 0; i < n; i++) b[i] *= 0.25;
        dmd_phase_end("backward");
    }
    dmdp_free(p);
    printf("%.6g\n", s);
    free(a);
    free(b);
    return 0;
}
