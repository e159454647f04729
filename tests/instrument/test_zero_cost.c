/*
 * test_zero_cost.c -- the hook header built both ways: the plain kernel
 * (zc_kernel_plain.c) and the instrumented one (zc_kernel_hooks.c with
 * -DDMD_INSTRUMENT) compute bit-identical outputs, and the instrumented one is
 * priced (every model yields a positive cost; lru reads = number of loads).
 * The machine-code comparison of the hooks-off build is objdump_same.sh.
 */
#define DMD_INSTRUMENT
#include <stdio.h>
#include <string.h>

#include "dmd.h"
#include "dmd_engine.h"

void zc_kernel(int H, int I, const double *W_hh, const double *W_ih, const double *b, const double *x,
               const double *hp, double *hn);
void zc_kernel_instr(int H, int I, const dmd_num *W_hh, const dmd_num *W_ih, const dmd_num *b, const dmd_num *x,
                     const dmd_num *hp, dmd_num *hn);

enum { H = 16, I = 4 };
static double W_hh[H * H], W_ih[H * I], b[H], x[I], hp[H], hn_plain[H], hn_instr[H];

int main(void)
{
    int failures = 0;
    for (int k = 0; k < H * H; k++) W_hh[k] = 0.37 * ((k * 7919) % 23 - 11) / 11.0;
    for (int k = 0; k < H * I; k++) W_ih[k] = 0.21 * ((k * 104729) % 17 - 8) / 8.0;
    for (int k = 0; k < H; k++) b[k] = 0.01 * k, hp[k] = 0.5 - 0.03 * k;
    for (int k = 0; k < I; k++) x[k] = 1.0 / (k + 2);
    zc_kernel(H, I, W_hh, W_ih, b, x, hp, hn_plain);
    for (int m = DMD_LIVE; m <= DMD_LRU; m++) {
        dmd_options o = {0};
        o.model = (dmd_model)m;
        dmd_engine *e = dmd_engine_new(&o);
        for (int p = 0; p < dmd_engine_passes(e); p++) {
            memset(hn_instr, 0, sizeof hn_instr);
            dmd_engine_attach(e, p);
            DMD_REGION("W_hh", W_hh, H * H);
            DMD_REGION("W_ih", W_ih, H * I);
            DMD_REGION("b", b, H);
            DMD_REGION("x", x, I);
            DMD_REGION("hp", hp, H);
            DMD_REGION("hn", hn_instr, H);
            DMD_INPUT(hp, H);
            DMD_INPUT(x, I);
            DMD_INPUT(b, H);
            DMD_INPUT(W_ih, H * I);
            DMD_INPUT(W_hh, H * H);
            zc_kernel_instr(H, I, W_hh, W_ih, b, x, hp, hn_instr);
            DMD_OUTPUT(hn_instr, H);
            dmd_engine_detach(e);
        }
        dmd_counts t;
        dmd_engine_total(e, &t);
        int same = memcmp(hn_plain, hn_instr, sizeof hn_plain) == 0;
        double worst = 0;
        for (int k = 0; k < H; k++) {
            double d = hn_plain[k] - hn_instr[k];
            if (d < 0) d = -d;
            if (d > worst) worst = d;
        }
        uint64_t loads = (uint64_t)H * (1 + 2 * I + 2 * H);
        int ok = same && t.cost > 0 && (m != DMD_LRU || t.reads == loads) && (m == DMD_LRU || t.writes > 0);
        printf("%-8s plain vs instrumented outputs: %s (worst |difference| %g); cost %llu, reads %llu%s\n",
               dmd_model_name((dmd_model)m), same ? "bit-identical" : "DIFFERENT", worst, (unsigned long long)t.cost,
               (unsigned long long)t.reads, ok ? "" : "  <-- FAIL");
        failures += !ok;
        dmd_engine_free(e);
    }
    return failures ? 1 : 0;
}
