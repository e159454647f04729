/*
 * dmd_example.h -- what the example programs share: the two common flags
 * and "run the kernel, priced or not".  Not part of libdmd; a program of your
 * own can copy the few lines it needs.
 *
 *   --model live|classic|lru      the ByteDMD model (default live)
 *   --bytes-per-element W         bytes per element (default 1, the published
 *                                 convention; 0 = the elements' own size)
 *
 * dmd_example_run(prog, &opts, fn, ctx):
 *   plain build          fn(ctx, 0): the kernel, nothing priced;
 *   -DDMD_INSTRUMENT     fn(ctx, pass) for every pass of a new engine, then
 *                        one line "model M, bytes per element W: cost C,
 *                        reads R, writes X" and the engine's table.
 */
#ifndef DMD_EXAMPLE_H
#define DMD_EXAMPLE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef DMD_INSTRUMENT
#include <dmdprof/dmd_engine.h>
#include <dmdprof/dmd_report.h>
#endif

typedef struct {
    const char *model;
    long bytes_per_element;
} dmd_example_opts;
#define DMD_EXAMPLE_OPTS {"live", 1}

/* Bad usage: one line on stderr, exit 2. */
static void dmd_example_usage(const char *prog, const char *usage, const char *what, const char *arg)
{
    fprintf(stderr, "%s: %s '%s' (usage: %s %s)\n", prog, what, arg, prog, usage);
    exit(2);
}

/* If argv[*i] is a common flag, consume it (and its value) and return 1. */
static int dmd_example_flag(const char *prog, const char *usage, int argc, char **argv, int *i, dmd_example_opts *o)
{
    if (strcmp(argv[*i], "--model") == 0 && *i + 1 < argc) {
        o->model = argv[++*i];
        return 1;
    }
    if (strcmp(argv[*i], "--bytes-per-element") == 0 && *i + 1 < argc) {
        char *end;
        o->bytes_per_element = strtol(argv[++*i], &end, 10);
        if (*end || o->bytes_per_element < 0 || o->bytes_per_element > 1048576)
            dmd_example_usage(prog, usage, "bytes per element must be 0..1048576, not", argv[*i]);
        return 1;
    }
    return 0;
}

/* Returns 0, or 1 if the engine could not be made (the reason is on stderr). */
static int dmd_example_run(const char *prog, const char *usage, const dmd_example_opts *o,
                           void (*fn)(void *ctx, int pass), void *ctx)
{
#ifdef DMD_INSTRUMENT
    dmd_options eo = {0};
    if (dmd_model_parse(o->model, &eo.model) != 0)
        dmd_example_usage(prog, usage, "unknown model (live, classic or lru)", o->model);
    eo.bytes_per_element = (unsigned)o->bytes_per_element;
    dmd_engine *e = dmd_engine_new(&eo);
    if (!e) return 1;
    dmd_engine_run(e, fn, ctx);
    dmd_counts t;
    dmd_engine_total(e, &t);
    printf("model %s, bytes per element %ld: cost %llu, reads %llu, writes %llu\n", o->model,
           o->bytes_per_element, (unsigned long long)t.cost, (unsigned long long)t.reads,
           (unsigned long long)t.writes);
    dmd_engine_print_table(e, stdout);
    dmd_engine_free(e);
#else
    (void)prog, (void)usage, (void)o;
    fn(ctx, 0);
#endif
    return 0;
}

#endif /* DMD_EXAMPLE_H */
