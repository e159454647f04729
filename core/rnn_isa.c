/*
 * rnn_isa.c -- which instruction-set clone of the plain kernel runs.
 *
 * On x86-64 with GCC or Clang, core/model.cmake compiles the plain kernel
 * (rnn_kernel.c) once per clone, each with its own -march and its own
 * register tiles (see the kernel's "Plain-build tiles" comment):
 *
 *   avx512    -march=x86-64-v4   rnn_kernel_{f64,f32}_avx512
 *   avx2      -march=x86-64-v3   rnn_kernel_{f64,f32}_avx2      (AVX2 + FMA)
 *   baseline  -march=x86-64      rnn_kernel_{f64,f32}_baseline  (SSE2; fma() from libm)
 *
 * rnn_kernel_f64/f32 call the clone chosen once, on first use (or by
 * rnn_isa_init): the best this CPU supports, or the one named by the
 * environment variable DMDPROF_ISA (avx512, avx2, baseline or auto), so that
 * every clone can be run and compared on one machine.  All clones compute
 * bit-identical numbers (tests/measure/test_bitident.c runs under each).
 * Elsewhere the kernel is compiled once and the clone is "generic".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rnn.h"
#include "rnn_kernel.h"

#ifdef RNN_MULTI_ISA
#include <immintrin.h>

void rnn_kernel_f64_avx512(const rnn_kargs *a, rnn_kout *o);
void rnn_kernel_f32_avx512(const rnn_kargs *a, rnn_kout *o);
void rnn_kernel_f64_avx2(const rnn_kargs *a, rnn_kout *o);
void rnn_kernel_f32_avx2(const rnn_kargs *a, rnn_kout *o);
void rnn_kernel_f64_baseline(const rnn_kargs *a, rnn_kout *o);
void rnn_kernel_f32_baseline(const rnn_kargs *a, rnn_kout *o);

static const struct {
    const char *name;
    rnn_kernel_fn k64, k32;
} isas[] = {
    {"avx512", rnn_kernel_f64_avx512, rnn_kernel_f32_avx512},
    {"avx2", rnn_kernel_f64_avx2, rnn_kernel_f32_avx2},
    {"baseline", rnn_kernel_f64_baseline, rnn_kernel_f32_baseline},
};
enum { NISA = sizeof isas / sizeof isas[0] };

/* The CPU features each clone's -march level needs (the ones the kernel's
 * code can contain: x86-64-v4 = AVX-512 F/BW/CD/DQ/VL on top of v3). */
static int isa_supported(int k)
{
    __builtin_cpu_init();
    switch (k) {
    case 0:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
               __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
               __builtin_cpu_supports("bmi2");
    case 1:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi") &&
               __builtin_cpu_supports("bmi2");
    default:
        return 1;
    }
}
#endif

static int chosen = -1; /* index into isas, once chosen */

const char *rnn_isa_names(void)
{
#ifdef RNN_MULTI_ISA
    return "auto, avx512, avx2, baseline";
#else
    return "auto, generic";
#endif
}

int rnn_isa_init(char *err, size_t errlen)
{
    if (chosen >= 0) return 0;
    const char *want = getenv("DMDPROF_ISA");
    if (want && (!*want || !strcmp(want, "auto"))) want = NULL;
#ifdef RNN_MULTI_ISA
    if (!want) {
        for (int k = 0; k < NISA; k++)
            if (isa_supported(k)) {
                chosen = k;
                return 0;
            }
    }
    for (int k = 0; k < NISA; k++)
        if (!strcmp(want, isas[k].name)) {
            if (!isa_supported(k)) {
                snprintf(err, errlen, "DMDPROF_ISA=%s: this CPU does not support the %s clone (unset it or choose one of: %s)",
                         want, want, rnn_isa_names());
                return -1;
            }
            chosen = k;
            return 0;
        }
#else
    if (!want || !strcmp(want, "generic")) {
        chosen = 0;
        return 0;
    }
#endif
    snprintf(err, errlen, "DMDPROF_ISA=%s: unknown kernel clone (choose one of: %s)", want, rnn_isa_names());
    return -1;
}

int rnn_isa_supported(const char *isa)
{
#ifdef RNN_MULTI_ISA
    for (int k = 0; k < NISA; k++)
        if (!strcmp(isa, isas[k].name)) return isa_supported(k);
    return 0;
#else
    return !strcmp(isa, "generic");
#endif
}

static void isa_need(void)
{
    char err[256];
    if (chosen < 0 && rnn_isa_init(err, sizeof err) != 0) {
        /* Callers that take DMDPROF_ISA from a user call rnn_isa_init first
         * and report the error themselves; reaching this is a setup error. */
        fprintf(stderr, "dmdprof: %s\n", err);
        exit(2);
    }
}

int rnn__isa_index(void); /* for rnn_sched_isa.c's dispatchers: index into isas */
int rnn__isa_index(void)
{
    isa_need();
    return chosen;
}

const char *rnn_isa(void)
{
    isa_need();
#ifdef RNN_MULTI_ISA
    return isas[chosen].name;
#else
    return "generic";
#endif
}

#ifdef RNN_MULTI_ISA
void rnn_kernel_f64(const rnn_kargs *a, rnn_kout *o)
{
    isa_need();
    isas[chosen].k64(a, o);
}

void rnn_kernel_f32(const rnn_kargs *a, rnn_kout *o)
{
    isa_need();
    isas[chosen].k32(a, o);
}
#endif

/* ---- the float64 FMA peak of one core, measured ----
 * NACC independent chains c = fma(c, m, a) (more than FMA latency x FMA
 * pipes, so the loop is throughput-bound), n iterations, timed in thread CPU
 * time (CLOCK_THREAD_CPUTIME_ID: time the core spent on it, not the wall
 * clock of a shared machine); FLOP = 2 x lanes x NACC x n.  This is the
 * clone's peak at the clock the core really runs (a VM's /proc/cpuinfo MHz
 * is often the nominal clock, below the boost clock). */
static double cpu_now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return NAN;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#ifdef RNN_MULTI_ISA
#define PEAK_BODY(VEC, SET1, FMADD, ADD, NACC)                                                                      \
    VEC c[NACC], m = SET1(0.999999), a = SET1(1e-7);                                                               \
    for (int k = 0; k < NACC; k++) c[k] = SET1(1.0 + k);                                                           \
    for (long i = 0; i < n; i++)                                                                                   \
        for (int k = 0; k < NACC; k++) c[k] = FMADD(c[k], m, a);                                                   \
    VEC s = c[0];                                                                                                  \
    for (int k = 1; k < NACC; k++) s = ADD(s, c[k]);                                                               \
    double out[sizeof(VEC) / sizeof(double)];                                                                      \
    memcpy(out, &s, sizeof out);                                                                                   \
    return out[0];

__attribute__((target("avx512f"), noinline)) static double peak_loop_avx512(long n)
{
    PEAK_BODY(__m512d, _mm512_set1_pd, _mm512_fmadd_pd, _mm512_add_pd, 16)
}
__attribute__((target("avx2,fma"), noinline)) static double peak_loop_avx2(long n)
{
    PEAK_BODY(__m256d, _mm256_set1_pd, _mm256_fmadd_pd, _mm256_add_pd, 12)
}
#endif

double rnn_isa_peak_gflops(const char *isa)
{
#ifdef RNN_MULTI_ISA
    int k = -1;
    for (int j = 0; j < NISA; j++)
        if (!strcmp(isa, isas[j].name)) k = j;
    if (k < 0 || k == 2 || !isa_supported(k)) return NAN; /* baseline: fma() is a libm call, no FMA unit */
    double flop_per_iter = k == 0 ? 2.0 * 8 * 16 : 2.0 * 4 * 12;
    double best = NAN, sink = 0;
    long n = 1 << 16;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = cpu_now();
        sink += k == 0 ? peak_loop_avx512(n) : peak_loop_avx2(n);
        double dt = cpu_now() - t0;
        if (!(dt > 0)) return NAN;
        if (dt < 0.02) { /* too short to time: grow until a run takes 20 ms */
            n *= 2;
            rep--;
            continue;
        }
        double g = flop_per_iter * (double)n / dt / 1e9;
        if (!(g <= best)) best = g; /* best of 5: the least disturbed run */
    }
    return sink == 12345.0 ? NAN : best; /* (sink keeps the loops alive) */
#else
    (void)isa;
    (void)cpu_now;
    return NAN;
#endif
}
