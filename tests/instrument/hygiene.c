/*
 * hygiene.c -- dmd.h coexists with other headers under DMD_NO_SHORT_NAMES
 * (compiled by hygiene.sh with -Werror, plain and instrumented, with
 * <sys/param.h> before or after dmd.h as HYG_PARAM_FIRST says).
 *
 * <sys/param.h> defines MAX and MIN; with the short names off, dmd.h defines
 * none of LD, ST, ..., MAX, and both MAX (glibc's) and DMD_MAX (the hook) work
 * in one translation unit.  The instrumented build prices the published dot
 * product a[0]*b[0] + a[1]*b[1], arguments (a, b), cost 11 (docs/bytedmd.md).
 */
#define DMD_NO_SHORT_NAMES
#ifdef HYG_PARAM_FIRST
#include <sys/param.h>
#endif
#include "dmd.h"
#ifndef HYG_PARAM_FIRST
#include <sys/param.h>
#endif

#include <stdio.h>

#if defined(LD) || defined(ST) || defined(CONST) || defined(VAL) || defined(ADD) || defined(SUB) ||             \
    defined(MUL) || defined(DIV) || defined(NEG) || defined(FMA) || defined(TANH) || defined(EXP) ||            \
    defined(LOG) || defined(SQRT) || defined(RELU) || defined(DTANH) || defined(DRELU) || defined(GT)
#error "dmd.h defined a short name under DMD_NO_SHORT_NAMES"
#endif
#if !defined(MAX) || !defined(MIN)
#error "<sys/param.h>'s MAX and MIN are gone"
#endif

#ifdef DMD_INSTRUMENT
#include "dmd_engine.h"
#endif

static dmd_num a[2] = {0, 1}, b[2] = {2, 3}, out[2];

static void kernel(void)
{
    DMD_REGION("a", a, 2);
    DMD_REGION("b", b, 2);
    DMD_REGION("out", out, 2);
    DMD_INPUT(b, 2);
    DMD_INPUT(a, 2);
    DMD_PHASE_BEGIN("dot");
    dmd_real s = DMD_MUL(DMD_LD(a, 0), DMD_LD(b, 0));
    s = DMD_ADD(s, DMD_MUL(DMD_LD(a, 1), DMD_LD(b, 1)));
    DMD_ST(out, 0, s);
    DMD_PHASE_END("dot");
    DMD_OUTPUT(out, 1);
}

int main(void)
{
    int bad = 0;
#ifdef DMD_INSTRUMENT
    dmd_options o = {0};
    o.model = DMD_LIVE;
    o.bytes_per_element = 1;
    dmd_engine *e = dmd_engine_new(&o);
    for (int p = 0; p < dmd_engine_passes(e); p++) {
        dmd_engine_attach(e, p);
        kernel();
        dmd_engine_detach(e);
    }
    dmd_counts t;
    dmd_engine_total(e, &t);
    dmd_engine_free(e);
    printf("dot cost %llu (published 11)\n", (unsigned long long)t.cost);
    bad |= t.cost != 11;
#else
    kernel();
#endif
    dmd_real x = DMD_CONST(2), y = DMD_CONST(5);
    printf("dot %g (want 3), DMD_MAX(2, 5) %g, MAX(2, 5) %d, MIN(2, 5) %d\n", (double)out[0],
           (double)DMD_VAL(DMD_MAX(x, y)), MAX(2, 5), MIN(2, 5));
    bad |= out[0] != 3 || DMD_VAL(DMD_MAX(x, y)) != 5 || MAX(2, 5) != 5 || MIN(2, 5) != 2;
    return bad;
}
