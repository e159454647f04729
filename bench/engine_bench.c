/*
 * bench/engine_bench.c -- speed of the ByteDMD engine (prints figures; no
 * assertions on time).
 *
 *   engine_bench gen N FILE     write the dmdtrace of a naive NxN matmul as the
 *                               reference tracer emits it (arguments (A, B):
 *                               B pushed first, then A; s = A[i][0]*B[0][j],
 *                               then s = s + A[i][k]*B[k][j]; C is the output)
 *   engine_bench trace FILE [live|classic]
 *                               price FILE in-process, print wall time and reads/s
 *   engine_bench hooks [live|classic|lru] [T B H]
 *                               a BPTT-shaped tanh RNN kernel (forward and backward,
 *                               batch B, T steps, H hidden units, 8 inputs) written
 *                               with the dmd.h hooks, priced in-process; prints the
 *                               live working set, reads and reads/s
 *
 * Shapes: x (T, B, I), h (T+1, B, H), W_ih (H, I), W_hh (H, H), b_h (H),
 * dh (T+1, B, H) gradient of the loss w.r.t. h, dW_hh (H, H), dW_ih (H, I).
 */
#define DMD_INSTRUMENT
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dmd.h"
#include "dmd_engine.h"
#include "dmd_trace.h"
#include "bench_clock.h"

static void die(const char *msg)
{
    fprintf(stderr, "engine_bench: %s\n", msg);
    exit(2);
}

/* ------------------------------------------------------------ matmul trace */
static int gen_matmul(int N, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) die("cannot write the trace file");
    long next = 0;
    long *A = malloc(sizeof(long) * (size_t)N * N), *B = malloc(sizeof(long) * (size_t)N * N),
         *C = malloc(sizeof(long) * (size_t)N * N);
    fprintf(f, "# dmdtrace v1\n# naive %dx%d matmul C = A B, arguments (A, B)\n", N, N);
    for (int i = 0; i < N * N; i++) fprintf(f, "store v%ld\n", B[i] = ++next);
    for (int i = 0; i < N * N; i++) fprintf(f, "store v%ld\n", A[i] = ++next);
    long reads = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            fprintf(f, "read v%ld v%ld\n", A[i * N], B[j]);
            long s = ++next;
            fprintf(f, "store v%ld\n", s);
            reads += 2;
            for (int k = 1; k < N; k++) {
                fprintf(f, "read v%ld v%ld\n", A[i * N + k], B[k * N + j]);
                long p = ++next;
                fprintf(f, "store v%ld\nread v%ld v%ld\n", p, s, p);
                s = ++next;
                fprintf(f, "store v%ld\n", s);
                reads += 4;
            }
            C[i * N + j] = s;
        }
    for (int i = 0; i < N * N; i++) fprintf(f, "output v%ld\n", C[i]);
    if (fclose(f) != 0) die("cannot finish the trace file");
    free(A);
    free(B);
    free(C);
    printf("wrote %s: naive %dx%d matmul, %ld reads\n", path, N, N, reads);
    return 0;
}

static dmd_model model_arg(const char *s)
{
    dmd_model m = DMD_LIVE;
    if (s && dmd_model_parse(s, &m) != 0) die("model must be live, classic or lru");
    return m;
}

static int price_trace(const char *path, dmd_model m)
{
    char err[512];
    double t0 = bench_seconds(CLOCK_MONOTONIC), c0 = bench_seconds(CLOCK_PROCESS_CPUTIME_ID);
    dmd_trace *t = dmd_trace_open(path, err, sizeof err);
    if (!t) die(err);
    dmd_options o = {0};
    o.model = m;
    dmd_engine *e = dmd_engine_new(&o);
    if (!e) die("out of memory");
    if (dmd_trace_price(t, e, 1, err, sizeof err)) die(err);
    double dt = bench_seconds(CLOCK_MONOTONIC) - t0, dc = bench_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
    dmd_counts c;
    dmd_engine_total(e, &c);
    printf("trace %s, model %s: cost %llu, %llu reads, %.3f s wall, %.3f s cpu (parse + %d pass%s), %.1f M reads/s\n",
           path, dmd_model_name(m), (unsigned long long)c.cost, (unsigned long long)c.reads, dt, dc,
           dmd_engine_passes(e), dmd_engine_passes(e) > 1 ? "es" : "", (double)c.reads / dt / 1e6);
    dmd_engine_free(e);
    dmd_trace_close(t);
    return 0;
}

/* ------------------------------------------------------------ BPTT kernel */
enum { I = 8 };

static void rnn_pass(int T, int Bt, int H, const dmd_num *x, dmd_num *h, const dmd_num *W_ih, const dmd_num *W_hh,
                     const dmd_num *b_h, dmd_num *dh, dmd_num *dW_hh, dmd_num *dW_ih)
{
    /* forward: h[t+1] = tanh(W_ih x[t] + W_hh h[t] + b_h) */
    DMD_PHASE_BEGIN("forward");
    for (int t = 0; t < T; t++)
        for (int b = 0; b < Bt; b++) {
            const dmd_num *xt = x + ((size_t)t * Bt + b) * I;
            const dmd_num *hp = h + ((size_t)t * Bt + b) * H;
            dmd_num *hn = h + ((size_t)(t + 1) * Bt + b) * H;
            for (int i = 0; i < H; i++) {
                dmd_real s = LD(b_h, i);
                for (int j = 0; j < I; j++) s = ADD(s, MUL(LD(W_ih, i * I + j), LD(xt, j)));
                for (int j = 0; j < H; j++) s = ADD(s, MUL(LD(W_hh, i * H + j), LD(hp, j)));
                ST(hn, i, TANH(s));
            }
        }
    DMD_PHASE_END("forward");
    /* backward from dh[T] (given): dz = dh[t+1] * (1 - h[t+1]^2);
     * dW_hh += dz h[t]^T; dW_ih += dz x[t]^T; dh[t] = W_hh^T dz */
    DMD_PHASE_BEGIN("backward");
    for (int t = T - 1; t >= 0; t--)
        for (int b = 0; b < Bt; b++) {
            const dmd_num *xt = x + ((size_t)t * Bt + b) * I;
            const dmd_num *hp = h + ((size_t)t * Bt + b) * H;
            const dmd_num *hn = h + ((size_t)(t + 1) * Bt + b) * H;
            const dmd_num *dhn = dh + ((size_t)(t + 1) * Bt + b) * H;
            dmd_num *dhp = dh + ((size_t)t * Bt + b) * H;
            for (int j = 0; j < H; j++) ST(dhp, j, CONST(0));
            for (int i = 0; i < H; i++) {
                dmd_real dz = MUL(LD(dhn, i), DTANH(LD(hn, i)));
                for (int j = 0; j < H; j++) {
                    ST(dW_hh, i * H + j, ADD(LD(dW_hh, i * H + j), MUL(dz, LD(hp, j))));
                    ST(dhp, j, ADD(LD(dhp, j), MUL(LD(W_hh, i * H + j), dz)));
                }
                for (int j = 0; j < I; j++) ST(dW_ih, i * I + j, ADD(LD(dW_ih, i * I + j), MUL(dz, LD(xt, j))));
            }
        }
    DMD_PHASE_END("backward");
}

static int bench_hooks(dmd_model m, int T, int Bt, int H)
{
    size_t nx = (size_t)T * Bt * I, nh = (size_t)(T + 1) * Bt * H;
    dmd_num *x = malloc(nx * sizeof *x), *h = malloc(nh * sizeof *h), *dh = malloc(nh * sizeof *dh);
    dmd_num *W_ih = malloc((size_t)H * I * sizeof *W_ih), *W_hh = malloc((size_t)H * H * sizeof *W_hh);
    dmd_num *b_h = malloc((size_t)H * sizeof *b_h), *dW_hh = malloc((size_t)H * H * sizeof *dW_hh);
    dmd_num *dW_ih = malloc((size_t)H * I * sizeof *dW_ih);
    if (!x || !h || !dh || !W_ih || !W_hh || !b_h || !dW_hh || !dW_ih) die("out of memory");
    dmd_options o = {0};
    o.model = m;
    dmd_engine *e = dmd_engine_new(&o);
    if (!e) die("out of memory");
    double t0 = bench_seconds(CLOCK_MONOTONIC), c0 = bench_seconds(CLOCK_PROCESS_CPUTIME_ID), tlast = 0, clast = 0;
    for (int p = 0; p < dmd_engine_passes(e); p++) {
        uint64_t seed = 1;
        for (size_t k = 0; k < nx; k++) x[k] = (dmd_num)((seed = seed * 6364136223846793005ull + 1) >> 40) / 16777216.0;
        for (int k = 0; k < H * I; k++) W_ih[k] = 0.01 * (k % 7), dW_ih[k] = 0;
        for (int k = 0; k < H * H; k++) W_hh[k] = 0.01 * (k % 5), dW_hh[k] = 0;
        for (int k = 0; k < H; k++) b_h[k] = 0;
        memset(h, 0, nh * sizeof *h);
        memset(dh, 0, nh * sizeof *dh);
        for (int k = 0; k < Bt * H; k++) dh[(size_t)T * Bt * H + k] = 1.0 / (k + 1);
        double tp = bench_seconds(CLOCK_MONOTONIC), cp = bench_seconds(CLOCK_PROCESS_CPUTIME_ID);
        dmd_engine_attach(e, p);
        DMD_REGION("x", x, nx);
        DMD_REGION("h", h, nh);
        DMD_REGION("dh", dh, nh);
        DMD_REGION("W_ih", W_ih, (size_t)H * I);
        DMD_REGION("W_hh", W_hh, (size_t)H * H);
        DMD_REGION("b_h", b_h, (size_t)H);
        DMD_REGION("dW_hh", dW_hh, (size_t)H * H);
        DMD_REGION("dW_ih", dW_ih, (size_t)H * I);
        /* inputs, last argument first */
        DMD_INPUT(dh + (size_t)T * Bt * H, (size_t)Bt * H);
        DMD_INPUT(dW_ih, (size_t)H * I);
        DMD_INPUT(dW_hh, (size_t)H * H);
        DMD_INPUT(b_h, (size_t)H);
        DMD_INPUT(W_hh, (size_t)H * H);
        DMD_INPUT(W_ih, (size_t)H * I);
        DMD_INPUT(h, (size_t)Bt * H);
        DMD_INPUT(x, nx);
        rnn_pass(T, Bt, H, x, h, W_ih, W_hh, b_h, dh, dW_hh, dW_ih);
        DMD_OUTPUT(dW_hh, (size_t)H * H);
        DMD_OUTPUT(dW_ih, (size_t)H * I);
        dmd_engine_detach(e);
        tlast = bench_seconds(CLOCK_MONOTONIC) - tp;
        clast = bench_seconds(CLOCK_PROCESS_CPUTIME_ID) - cp;
    }
    double dt = bench_seconds(CLOCK_MONOTONIC) - t0, dc = bench_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
    dmd_counts c;
    dmd_engine_total(e, &c);
    printf("hooks, model %s, T=%d B=%d H=%d I=%d: %zu elements in h alone; cost %llu, %llu reads, mean depth %.0f B, "
           "max depth %llu B\n",
           dmd_model_name(m), T, Bt, H, I, nh, (unsigned long long)c.cost, (unsigned long long)c.reads,
           c.sum_depth / (double)c.reads, (unsigned long long)c.max_depth);
    printf("  pricing pass %.3f s wall = %.1f M reads/s (cpu %.3f s = %.1f M reads/s)\n", tlast,
           (double)c.reads / tlast / 1e6, clast, (double)c.reads / clast / 1e6);
    printf("  all %d pass%s %.3f s wall = %.1f M reads/s (cpu %.3f s = %.1f M reads/s)\n", dmd_engine_passes(e),
           dmd_engine_passes(e) > 1 ? "es" : "", dt, (double)c.reads / dt / 1e6, dc, (double)c.reads / dc / 1e6);
    dmd_engine_free(e);
    free(x);
    free(h);
    free(dh);
    free(W_ih);
    free(W_hh);
    free(b_h);
    free(dW_hh);
    free(dW_ih);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "gen") == 0) return gen_matmul(atoi(argv[2]), argv[3]);
    if (argc >= 3 && strcmp(argv[1], "trace") == 0) return price_trace(argv[2], model_arg(argc > 3 ? argv[3] : NULL));
    if (argc >= 2 && strcmp(argv[1], "hooks") == 0) {
        int T = argc > 5 ? atoi(argv[3]) : 60, Bt = argc > 5 ? atoi(argv[4]) : 25, H = argc > 5 ? atoi(argv[5]) : 64;
        if (T < 1 || Bt < 1 || H < 1) die("T, B and H must be positive");
        return bench_hooks(model_arg(argc > 2 ? argv[2] : NULL), T, Bt, H);
    }
    fprintf(stderr, "usage: engine_bench gen N FILE | trace FILE [live|classic] | hooks [live|classic|lru] [T B H]\n");
    return 2;
}
