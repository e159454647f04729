/*
 * dot.c -- a dot product written with libdmd's hooks (an example of the
 * installed dmdprof: examples/README.md).
 *
 * The same source builds two ways:
 *   plain         cc -O2 dot.c -o dot -lm
 *                 computes and prints the dot product; no library is needed
 *                 (the hooks are ordinary C).
 *   instrumented  cc -O2 -DDMD_INSTRUMENT dot.c -o dot_dmd $(pkg-config --cflags --libs dmdprof)
 *                 also prices it under ByteDMD and prints the cost.
 *
 * usage: dot [N] [--zero] [--model live|classic|lru] [--bytes-per-element W]
 *   N       length of a and b (default 2); a[i] = i, b[i] = N + i
 *   --zero  start the sum from the constant 0 (0 + a[0]*b[0] + ...)
 *   W       bytes per element (default 1, the published convention; 0 = the
 *           elements' own 8 bytes)
 * Output (instrumented) one line "model live, bytes per element 1: cost 11,
 * reads 6, writes 3" and the engine's per-region table; then (both builds)
 * "dot N=2 zero=0: value 3".  Bad arguments: one line on stderr, exit 2.
 * The flags and the priced run are ../dmd_example.h.
 *
 * OPERATION ORDER (what the live model prices; docs/bytedmd.md)
 *   inputs, arguments (a, b) pushed last to first: b[0..N-1], then a[0..N-1]
 *     (a[N-1] ends on top)
 *   s = a[0] * b[0]                      one instruction: reads a[0], b[0]
 *   --zero: s = 0 + s                    reads s (the constant 0 is free)
 *   for i = 1 .. N-1: p = a[i] * b[i]    reads a[i], b[i]
 *                     s = s + p          reads s, p
 *   out[0] = s                           the output (stays live)
 * Published (docs/bytedmd.md, live, 1 byte per element), N = 2, a = [0, 1],
 * b = [2, 3]: cost 11 (read depths 2, 4, 2, 3, 2, 1); with --zero: cost 12.
 */
#define DMD_NO_SHORT_NAMES /* a program of its own: only the DMD_ names */
#include <dmdprof/dmd.h>

#include "../dmd_example.h" /* --model, --bytes-per-element; priced or plain run */

typedef struct {
    int n, zero;
    dmd_num *a, *b, out[1];
} dot_args;

static void dot(void *ctx, int pass)
{
    dot_args *d = ctx;
    (void)pass; /* the inputs are never written: nothing to reset */
    DMD_REGION("a", d->a, (size_t)d->n);
    DMD_REGION("b", d->b, (size_t)d->n);
    DMD_REGION("out", d->out, 1);
    DMD_INPUT(d->b, (size_t)d->n);
    DMD_INPUT(d->a, (size_t)d->n);
    dmd_real s = DMD_MUL(DMD_LD(d->a, 0), DMD_LD(d->b, 0));
    if (d->zero) s = DMD_ADD(DMD_CONST(0), s);
    for (int i = 1; i < d->n; i++) s = DMD_ADD(s, DMD_MUL(DMD_LD(d->a, i), DMD_LD(d->b, i)));
    DMD_ST(d->out, 0, s);
    DMD_OUTPUT(d->out, 1);
}

static const char usage[] = "[N >= 1] [--zero] [--model live|classic|lru] [--bytes-per-element W]";

int main(int argc, char **argv)
{
    dot_args d = {2, 0, NULL, NULL, {0}};
    dmd_example_opts o = DMD_EXAMPLE_OPTS;
    for (int i = 1; i < argc; i++) {
        char *end;
        if (strcmp(argv[i], "--zero") == 0)
            d.zero = 1;
        else if (!dmd_example_flag("dot", usage, argc, argv, &i, &o)) {
            long n = strtol(argv[i], &end, 10);
            if (*end || n < 1 || n > 1000000) dmd_example_usage("dot", usage, "unknown argument or bad N", argv[i]);
            d.n = (int)n;
        }
    }
    d.a = malloc(sizeof(dmd_num) * (size_t)d.n);
    d.b = malloc(sizeof(dmd_num) * (size_t)d.n);
    if (!d.a || !d.b) {
        fprintf(stderr, "dot: out of memory for N = %d\n", d.n);
        return 1;
    }
    for (int i = 0; i < d.n; i++) d.a[i] = i, d.b[i] = d.n + i;
    if (dmd_example_run("dot", usage, &o, dot, &d)) return 1;
    printf("dot N=%d zero=%d: value %.17g\n", d.n, d.zero, (double)d.out[0]);
    free(d.a);
    free(d.b);
    return 0;
}
