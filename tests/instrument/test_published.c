/*
 * test_published.c -- every published number of docs/bytedmd.md (live model)
 * reproduced by C programs written against the dmd.h hooks, plus U(n)
 * against the direct sum for n up to 10^6.
 *
 * The programs follow the reference tracer's conventions: arguments pushed
 * last to first with DMD_INPUT (element 0 deepest), one instruction per
 * arithmetic hook, the returned values declared with DMD_OUTPUT.  Arrays are
 * doubles; bytes_per_element = 1 prices them as the published 1-byte elements.
 */
#define DMD_INSTRUMENT
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmd.h"
#include "dmd_engine.h"

static int failures;

/* ------------------------------------------------------------ harness */
#define MAXD 64
static uint64_t depths[MAXD];
static int ndepths;
static void on_read(void *ctx, uint32_t id, uint64_t depth, uint32_t bytes, uint64_t cost)
{
    (void)ctx, (void)id, (void)bytes, (void)cost;
    if (ndepths < MAXD) depths[ndepths] = depth;
    ndepths++;
}

typedef void (*program)(int n);

/* Run prog(n) through every pass of a new engine; returns the total cost. */
static uint64_t price(program prog, int n, dmd_model m, unsigned bpe)
{
    dmd_options o = {0};
    o.model = m;
    o.bytes_per_element = bpe;
    dmd_engine *e = dmd_engine_new(&o);
    dmd_observer obs = {.read = on_read};
    dmd_engine_set_observer(e, &obs);
    for (int p = 0; p < dmd_engine_passes(e); p++) {
        ndepths = 0;
        dmd_engine_attach(e, p);
        prog(n);
        dmd_engine_detach(e);
    }
    dmd_counts t;
    dmd_engine_total(e, &t);
    dmd_engine_free(e);
    return t.cost;
}

static void check_cost(const char *what, uint64_t got, uint64_t want)
{
    long long d = (long long)got - (long long)want;
    printf("%-44s cost %8llu  published %8llu  diff %lld\n", what, (unsigned long long)got, (unsigned long long)want, d);
    if (d) failures++;
}

static void check_depths(const char *what, const uint64_t *want, int n)
{
    int bad = ndepths != n;
    for (int i = 0; i < n && !bad; i++) bad = depths[i] != want[i];
    printf("%-44s read depths [", what);
    for (int i = 0; i < ndepths && i < MAXD; i++) printf("%s%llu", i ? ", " : "", (unsigned long long)depths[i]);
    printf("]%s\n", bad ? "  MISMATCH" : "");
    if (bad) failures++;
}

/* ------------------------------------------------------------ programs */
static dmd_num a[1], b[1], c[1], d[1], out[1];

static void abc(int n) /* (a + b) + c */
{
    (void)n;
    DMD_REGION("a", a, 1);
    DMD_REGION("b", b, 1);
    DMD_REGION("c", c, 1);
    DMD_REGION("out", out, 1);
    DMD_INPUT(c, 1);
    DMD_INPUT(b, 1);
    DMD_INPUT(a, 1);
    ST(out, 0, ADD(ADD(LD(a, 0), LD(b, 0)), LD(c, 0)));
    DMD_OUTPUT(out, 1);
}

static void aa(int n) /* a + a */
{
    (void)n;
    DMD_REGION("a", a, 1);
    DMD_REGION("out", out, 1);
    DMD_INPUT(a, 1);
    dmd_real x = LD(a, 0);
    ST(out, 0, ADD(x, x));
    DMD_OUTPUT(out, 1);
}

static void cmp(int n) /* e = b + c; f = a + d; return e > f   (arguments a, b, c, d) */
{
    (void)n;
    DMD_REGION("a", a, 1);
    DMD_REGION("b", b, 1);
    DMD_REGION("c", c, 1);
    DMD_REGION("d", d, 1);
    DMD_INPUT(d, 1);
    DMD_INPUT(c, 1);
    DMD_INPUT(b, 1);
    DMD_INPUT(a, 1);
    dmd_real e = ADD(LD(b, 0), LD(c, 0));
    dmd_real f = ADD(LD(a, 0), LD(d, 0));
    (void)GT(e, f);
}

static dmd_num va[2] = {0, 1}, vb[2] = {2, 3};
static void dot(int with_zero) /* a[0]*b[0] + a[1]*b[1], or 0 + a[0]*b[0] + a[1]*b[1] */
{
    DMD_REGION("a", va, 2);
    DMD_REGION("b", vb, 2);
    DMD_REGION("out", out, 1);
    DMD_INPUT(vb, 2);
    DMD_INPUT(va, 2);
    dmd_real s = MUL(LD(va, 0), LD(vb, 0));
    if (with_zero) s = ADD(CONST(0), s);
    s = ADD(s, MUL(LD(va, 1), LD(vb, 1)));
    ST(out, 0, s);
    DMD_OUTPUT(out, 1);
}

#define NMAX 16
static dmd_num A[NMAX * NMAX], B[NMAX * NMAX], C[NMAX * NMAX], x[NMAX], y[NMAX];

static void matvec(int N) /* y = A x, i-j loop, arguments (A, x) */
{
    DMD_REGION("A", A, (size_t)N * N);
    DMD_REGION("x", x, (size_t)N);
    DMD_REGION("y", y, (size_t)N);
    DMD_INPUT(x, (size_t)N);
    DMD_INPUT(A, (size_t)N * N);
    for (int i = 0; i < N; i++) {
        dmd_real s = MUL(LD(A, i * N), LD(x, 0));
        for (int j = 1; j < N; j++) s = ADD(s, MUL(LD(A, i * N + j), LD(x, j)));
        ST(y, i, s);
    }
    DMD_OUTPUT(y, (size_t)N);
}

static void vecmat(int N) /* y = x^T A, j-i loop, arguments (A, x) */
{
    DMD_REGION("A", A, (size_t)N * N);
    DMD_REGION("x", x, (size_t)N);
    DMD_REGION("y", y, (size_t)N);
    DMD_INPUT(x, (size_t)N);
    DMD_INPUT(A, (size_t)N * N);
    for (int j = 0; j < N; j++) {
        dmd_real s = MUL(LD(x, 0), LD(A, j));
        for (int i = 1; i < N; i++) s = ADD(s, MUL(LD(x, i), LD(A, i * N + j)));
        ST(y, j, s);
    }
    DMD_OUTPUT(y, (size_t)N);
}

static void matmul(int N) /* C = A B, i-j-k loop, arguments (A, B) */
{
    DMD_REGION("A", A, (size_t)N * N);
    DMD_REGION("B", B, (size_t)N * N);
    DMD_REGION("C", C, (size_t)N * N);
    DMD_INPUT(B, (size_t)N * N);
    DMD_INPUT(A, (size_t)N * N);
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            dmd_real s = MUL(LD(A, i * N), LD(B, j));
            for (int k = 1; k < N; k++) s = ADD(s, MUL(LD(A, i * N + k), LD(B, k * N + j)));
            ST(C, i * N + j, s);
        }
    DMD_OUTPUT(C, (size_t)N * N);
}

/* ------------------------------------------------------------ U(n) */
static void check_U(void)
{
    uint64_t sum = 0, r = 0, worst = 0, at = 0;
    for (uint64_t n = 1; n <= 1000000; n++) {
        while (r * r < n) r++; /* r = ceil(sqrt(n)), by counting */
        sum += r;
        uint64_t u = dmd_U(n), diff = u > sum ? u - sum : sum - u;
        if (diff > worst) worst = diff, at = n;
    }
    uint64_t big = dmd_U(1ull << 40), below = dmd_U((1ull << 40) - 1), m = 1ull << 20; /* 2^40 = (2^20)^2 */
    int bigbad = big - below != m;
    printf("U(n) closed form vs direct sum, n = 1..10^6: worst difference %llu%s (at n = %llu); "
           "U(2^40) - U(2^40 - 1) = %llu (want %llu)\n",
           (unsigned long long)worst, worst ? "" : "", (unsigned long long)at, (unsigned long long)(big - below),
           (unsigned long long)m);
    if (worst || dmd_U(0) != 0 || bigbad) failures++;
    /* ceil(sqrt) at every perfect square below 2^32, where a floating-point
     * square root could round the wrong way: depth k^2 costs k, k^2 + 1 costs k + 1 */
    for (uint64_t k = 1; k < 65536; k++)
        if (dmd_read_cost(k * k - 1, 1) != k || dmd_read_cost(k * k, 1) != k + 1) {
            printf("dmd_read_cost wrong around depth %llu^2\n", (unsigned long long)k);
            failures++;
            return;
        }
    /* dmd_read_cost against U */
    for (uint64_t D = 0; D < 9000; D += 7)
        for (uint64_t w = 1; w <= 16; w++)
            if (dmd_read_cost(D, w) != dmd_U(D + w) - dmd_U(D)) {
                printf("dmd_read_cost(%llu, %llu) wrong\n", (unsigned long long)D, (unsigned long long)w);
                failures++;
                return;
            }
}

int main(void)
{
    check_U();
    check_cost("(a + b) + c", price(abc, 0, DMD_LIVE, 1), 6);
    check_depths("(a + b) + c", (const uint64_t[]){1, 2, 1, 2}, 4);
    check_cost("(a + b) + c, 2 bytes per element", price(abc, 0, DMD_LIVE, 2), 14);
    check_depths("(a + b) + c, 2 bytes (byte depths)", (const uint64_t[]){2, 4, 2, 4}, 4);
    check_cost("a + a", price(aa, 0, DMD_LIVE, 1), 2);
    check_depths("a + a", (const uint64_t[]){1, 1}, 2);
    check_cost("e = b + c; f = a + d; e > f", price(cmp, 0, DMD_LIVE, 1), 11);
    check_depths("e = b + c; f = a + d; e > f", (const uint64_t[]){2, 3, 2, 3, 2, 1}, 6);
    check_cost("dot a[0]*b[0] + a[1]*b[1]", price(dot, 0, DMD_LIVE, 1), 11);
    check_depths("dot a[0]*b[0] + a[1]*b[1]", (const uint64_t[]){2, 4, 2, 3, 2, 1}, 6);
    check_cost("dot 0 + a[0]*b[0] + a[1]*b[1]", price(dot, 1, DMD_LIVE, 1), 12);
    static const uint64_t mv[] = {26, 157, 896, 5354}, vm[] = {25, 150, 832, 4688}, mm[] = {57, 720, 8867, 109783};
    char what[64];
    for (int k = 0, N = 2; N <= 16; k++, N *= 2) {
        snprintf(what, sizeof what, "matvec N=%d", N);
        check_cost(what, price(matvec, N, DMD_LIVE, 1), mv[k]);
        if (N == 2) check_depths("matvec N=2", (const uint64_t[]){4, 6, 5, 6, 3, 1, 5, 3, 4, 3, 2, 1}, 12);
        snprintf(what, sizeof what, "vecmat N=%d", N);
        check_cost(what, price(vecmat, N, DMD_LIVE, 1), vm[k]);
        snprintf(what, sizeof what, "matmul N=%d", N);
        check_cost(what, price(matmul, N, DMD_LIVE, 1), mm[k]);
    }
    printf("test_published: %d failure%s\n", failures, failures == 1 ? "" : "s");
    return failures ? 1 : 0;
}
