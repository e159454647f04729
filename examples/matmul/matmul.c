/*
 * matmul.c -- a tiled matrix multiply C = A B written with libdmd's hooks
 * (an example of the installed dmdprof: examples/README.md).
 *
 * Build plain (computes, checks C against an unhooked triple loop):
 *     cc -O2 matmul.c -o matmul $(pkg-config --cflags --libs dmdprof)
 * or instrumented (also prices it under ByteDMD):
 *     cc -O2 -DDMD_INSTRUMENT matmul.c -o matmul_dmd $(pkg-config --cflags --libs dmdprof)
 * (the plain build needs only libdmd_phase, for the phase markers).
 *
 * usage: matmul [N [T]] [--model live|classic|lru] [--bytes-per-element W]
 *   N  matrix size (default 4); T tile size, a divisor of N (default N: one
 *      tile, the naive i-j-k loop); W bytes per element (default 1, the
 *      published convention; 0 = the elements' own 8 bytes)
 * Output (instrumented) "model live, bytes per element 1: cost 720, reads
 * 224, writes 112" and the engine's per-region / per-phase table; then (both
 * builds) "matmul N=4 T=4: checksum ..., max |C - reference| 0" (exit 1 if the
 * product is wrong).  Bad arguments: one line on stderr, exit 2.  The flags
 * and the priced run are ../dmd_example.h.
 *
 * OPERATION ORDER (what the live model prices; docs/bytedmd.md)
 *   inputs, arguments (A, B) pushed last to first: B row-major, then A
 *     row-major (A[N-1][N-1] ends on top)
 *   phase "multiply":
 *   for i0, j0, k0 = 0, T, 2T, ... (tiles of rows, columns, inner index):
 *     for i in [i0, i0+T), j in [j0, j0+T):
 *       k0 == 0: s = A[i][0] * B[0][j]          reads A[i][0], B[0][j]
 *       k0 >  0: s = C[i][j] + A[i][k0]*B[k0][j]
 *                  p = A[i][k0] * B[k0][j]      reads A[i][k0], B[k0][j]
 *                  s = C[i][j] + p              reads the partial sum stored in C[i][j], then p
 *       for k in (k0, k0+T): p = A[i][k] * B[k][j]; s = s + p   reads A[i][k], B[k][j]; s, p
 *       C[i][j] = s                             (a store: free; the value joins region C)
 *   C is the output (stays live).
 * With T = N this is the reference tracer's naive matmul (s = A[i][0]*B[0][j],
 * then s = s + A[i][k]*B[k][j]), published (docs/bytedmd.md, live, 1 byte per
 * element): N = 2: 57, N = 4: 720, N = 8: 8,867, N = 16: 109,783.  Every T
 * gives N^2 (4N - 2) reads.
 */
#define DMD_NO_SHORT_NAMES /* a program of its own: only the DMD_ names */
#include <dmdprof/dmd.h>

#include <math.h>

#include "../dmd_example.h" /* --model, --bytes-per-element; priced or plain run */

typedef struct {
    int n, t;
    dmd_num *A, *B, *C;
} mm_args;

static void matmul(void *ctx, int pass)
{
    mm_args *m = ctx;
    const int N = m->n, T = m->t;
    const size_t NN = (size_t)N * N;
    (void)pass;
    memset(m->C, 0, NN * sizeof *m->C); /* the same initial state in every pass */
    DMD_REGION("A", m->A, NN);
    DMD_REGION("B", m->B, NN);
    DMD_REGION("C", m->C, NN);
    DMD_INPUT(m->B, NN);
    DMD_INPUT(m->A, NN);
    DMD_PHASE_BEGIN("multiply");
    for (int i0 = 0; i0 < N; i0 += T)
        for (int j0 = 0; j0 < N; j0 += T)
            for (int k0 = 0; k0 < N; k0 += T)
                for (int i = i0; i < i0 + T; i++)
                    for (int j = j0; j < j0 + T; j++) {
                        dmd_real p = DMD_MUL(DMD_LD(m->A, i * N + k0), DMD_LD(m->B, k0 * N + j));
                        dmd_real s = k0 == 0 ? p : DMD_ADD(DMD_LD(m->C, i * N + j), p);
                        for (int k = k0 + 1; k < k0 + T; k++)
                            s = DMD_ADD(s, DMD_MUL(DMD_LD(m->A, i * N + k), DMD_LD(m->B, k * N + j)));
                        DMD_ST(m->C, i * N + j, s);
                    }
    DMD_PHASE_END("multiply");
    DMD_OUTPUT(m->C, NN);
}

static const char usage[] = "[N [T]] [--model live|classic|lru] [--bytes-per-element W]";

int main(int argc, char **argv)
{
    mm_args m = {4, 0, NULL, NULL, NULL};
    dmd_example_opts o = DMD_EXAMPLE_OPTS;
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        if (dmd_example_flag("matmul", usage, argc, argv, &i, &o)) continue;
        char *end;
        long v = strtol(argv[i], &end, 10);
        if (*end || v < 1 || v > 4096 || npos == 2)
            dmd_example_usage("matmul", usage, "unknown argument, or N / T not in 1..4096:", argv[i]);
        if (npos++ == 0)
            m.n = (int)v;
        else
            m.t = (int)v;
    }
    if (m.t == 0) m.t = m.n;
    if (m.n % m.t != 0) {
        fprintf(stderr, "matmul: tile size %d does not divide N = %d (choose a divisor)\n", m.t, m.n);
        return 2;
    }
    const size_t NN = (size_t)m.n * m.n;
    m.A = malloc(NN * sizeof(dmd_num));
    m.B = malloc(NN * sizeof(dmd_num));
    m.C = malloc(NN * sizeof(dmd_num));
    if (!m.A || !m.B || !m.C) {
        fprintf(stderr, "matmul: out of memory for N = %d\n", m.n);
        return 1;
    }
    for (int i = 0; i < m.n; i++)
        for (int j = 0; j < m.n; j++) {
            m.A[i * m.n + j] = (dmd_num)((i + 2 * j) % 7 - 3); /* small integers: every sum is exact */
            m.B[i * m.n + j] = (dmd_num)((3 * i + j) % 5 - 2);
        }
    if (dmd_example_run("matmul", usage, &o, matmul, &m)) return 1;
    double sum = 0, worst = 0;
    for (int i = 0; i < m.n; i++)
        for (int j = 0; j < m.n; j++) {
            double r = 0;
            for (int k = 0; k < m.n; k++) r += (double)m.A[i * m.n + k] * (double)m.B[k * m.n + j];
            sum += (double)m.C[i * m.n + j];
            worst = fmax(worst, fabs(r - (double)m.C[i * m.n + j]));
        }
    printf("matmul N=%d T=%d: checksum %.17g, max |C - reference| %g\n", m.n, m.t, sum, worst);
    free(m.A);
    free(m.B);
    free(m.C);
    return worst == 0 ? 0 : 1;
}
