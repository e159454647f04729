/*
 * twin.c -- the C side of the Python emitter's test (tests/python/twin.py):
 * a dot product and a small matmul written with the dmd.h hooks, in three
 * phases, priced in-process under the model given (live, classic, lru) and
 * printed as the engine's JSON (dmd_engine_json: total, regions, phases,
 * cells).  twin.py writes the same program with python/dmdtrace.py; its
 * trace priced by `dmdprof price` must give the same JSON counts.
 *
 * OPERATION ORDER (what twin.py mirrors; N = 5, M = 3, 8-byte elements):
 *   inputs, pushed in this order (element 0 first): B[0..8], A[0..8],
 *     y[0..4], x[0..4]  (x[4] ends on top)
 *   phase dot:    acc = MUL(x0, y0); acc = FMA(x_i, y_i, acc) for i = 1..4;
 *                 ST s[0] = acc
 *   phase matmul: for i, j in row-major order: acc = MUL(A[i][0], B[0][j]);
 *                 acc = FMA(A[i][k], B[k][j], acc) for k = 1, 2; ST C[i][j]
 *   phase trace:  t = ADD(C[0][0], C[1][1]); t = ADD(t, C[2][2]);
 *                 t = ADD(t, s[0]); ST out[0] = t
 *   DMD_OUTPUT(out)
 * Under lru an operand's LD is its read (left to right), ST a write.
 */
#include <stdio.h>
#include <string.h>

#include "dmd.h"
#include "dmd_engine.h"
#include "dmd_report.h"

#define N 5
#define M 3

static dmd_num x[N], y[N], s[1], A[M * M], B[M * M], C[M * M], out[1];

static void kernel(void)
{
    DMD_REGION("x", x, N);
    DMD_REGION("y", y, N);
    DMD_REGION("s", s, 1);
    DMD_REGION("A", A, M * M);
    DMD_REGION("B", B, M * M);
    DMD_REGION("C", C, M * M);
    DMD_REGION("out", out, 1);
    DMD_INPUT(B, M * M);
    DMD_INPUT(A, M * M);
    DMD_INPUT(y, N);
    DMD_INPUT(x, N);
    DMD_PHASE_BEGIN("dot");
    dmd_real acc = DMD_MUL(DMD_LD(x, 0), DMD_LD(y, 0));
    for (int i = 1; i < N; i++) acc = DMD_FMA(DMD_LD(x, i), DMD_LD(y, i), acc);
    DMD_ST(s, 0, acc);
    DMD_PHASE_END("dot");
    DMD_PHASE_BEGIN("matmul");
    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++) {
            dmd_real c = DMD_MUL(DMD_LD(A, i * M), DMD_LD(B, j));
            for (int k = 1; k < M; k++) c = DMD_FMA(DMD_LD(A, i * M + k), DMD_LD(B, k * M + j), c);
            DMD_ST(C, i * M + j, c);
        }
    DMD_PHASE_END("matmul");
    DMD_PHASE_BEGIN("trace");
    dmd_real t = DMD_ADD(DMD_LD(C, 0), DMD_LD(C, 4));
    t = DMD_ADD(t, DMD_LD(C, 8));
    t = DMD_ADD(t, DMD_LD(s, 0));
    DMD_ST(out, 0, t);
    DMD_PHASE_END("trace");
    DMD_OUTPUT(out, 1);
}

int main(int argc, char **argv)
{
    dmd_model m;
    if (argc != 2 || dmd_model_parse(argv[1], &m) != 0) {
        fprintf(stderr, "usage: twin live|classic|lru\n");
        return 2;
    }
    dmd_options o = {0};
    o.model = m;
    dmd_engine *e = dmd_engine_new(&o);
    if (!e) return 1;
    for (int p = 0; p < dmd_engine_passes(e); p++) {
        for (int i = 0; i < N; i++) x[i] = 1.0 + i, y[i] = 0.5 * i;
        for (int i = 0; i < M * M; i++) A[i] = 0.25 * i, B[i] = 1.0 - 0.125 * i;
        dmd_engine_attach(e, p);
        kernel();
        dmd_engine_detach(e);
    }
    json_t *j = dmd_engine_json(e);
    int rc = !j || json_dumpf(j, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER) != 0;
    fputc('\n', stdout);
    json_decref(j);
    dmd_engine_free(e);
    return rc;
}
