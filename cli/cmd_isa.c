/*
 * cli/cmd_isa.c -- `dmdprof isa`: the plain kernel's instruction-set clones
 * on this CPU (core/rnn_isa.c), which one runs (DMDPROF_ISA forces one), and
 * each clone's measured float64 FMA peak per core.  bench/headline reads it.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "rnn.h"

static void isa_usage(FILE *f)
{
    fprintf(f,
            "usage: dmdprof isa [--json] [--no-peak]\n"
            "\n"
            "The plain training kernel is compiled once per instruction set (avx512 =\n"
            "x86-64-v4, avx2 = x86-64-v3 with FMA, baseline = x86-64); the best one this CPU\n"
            "supports runs, or the one named by DMDPROF_ISA (%s).\n"
            "Prints each clone, whether this CPU can run it, which one runs, and its float64\n"
            "peak per core, measured: independent FMA chains timed in thread CPU time (best\n"
            "of 5, ~0.2 s each; null for baseline, whose fma() is a libm call).\n"
            "  --json     one JSON object on stdout\n"
            "  --no-peak  skip the peak measurement\n",
            rnn_isa_names());
}

int cmd_isa(int argc, char **argv)
{
    int json = 0, peak = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            isa_usage(stdout);
            return CLI_EXIT_OK;
        } else if (!strcmp(argv[i], "--json")) {
            json = 1;
        } else if (!strcmp(argv[i], "--no-peak")) {
            peak = 0;
        } else {
            cli_fail("unknown option '%s' (see dmdprof isa --help)", argv[i]);
        }
    }
    static const char *const names[] = {"avx512", "avx2", "baseline", "generic"};
    json_t *j = cli_with_schema(CLI_SCHEMA_ISA, NULL), *cl = json_object();
    json_object_set_new(j, "kernel_isa", json_string(rnn_isa()));
    if (!json) printf("%-9s %-9s %-5s %s\n", "clone", "this_cpu", "runs", "float64 FMA peak per core (measured)");
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        if (!strstr(rnn_isa_names(), names[k])) continue;
        int ok = rnn_isa_supported(names[k]);
        double g = peak ? rnn_isa_peak_gflops(names[k]) : NAN;
        json_t *e = json_object();
        json_object_set_new(e, "supported", json_boolean(ok));
        json_object_set_new(e, "peak_gflops", isfinite(g) ? json_real(g) : json_null());
        json_object_set_new(cl, names[k], e);
        if (!json) {
            char pk[48];
            if (isfinite(g))
                snprintf(pk, sizeof pk, "%.1f GFLOP/s", g);
            else
                snprintf(pk, sizeof pk, "%s", peak ? "n/a" : "not measured");
            printf("%-9s %-9s %-5s %s\n", names[k], ok ? "yes" : "no", strcmp(names[k], rnn_isa()) ? "" : "*", pk);
        }
    }
    json_object_set_new(j, "clones", cl);
    if (json) {
        json_dumpf(j, stdout, JSON_INDENT(2));
        putchar('\n');
    }
    json_decref(j);
    return CLI_EXIT_OK;
}
