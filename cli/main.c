/* main.c -- `dmdprof SUBCOMMAND [options]`: dispatch to the subcommands. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "rnn.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
} commands[] = {
    {"train", cmd_train, "train one (task, init, T, H, seed) run: history CSV, run JSON, checkpoint"},
    {"headline", cmd_headline, "the seed experiment's six headline runs and their summary table"},
    {"measure", cmd_measure, "price one instrumented BPTT pass (or training steps) under a ByteDMD model"},
    {"price", cmd_price, "price a dmdtrace file under the live or classic model"},
    {"ir", cmd_ir, "print each event of a small dmdtrace with its depth and cost"},
    {"probes", cmd_probes, "list the PAPI events this machine can count, and why not"},
    {"isa", cmd_isa, "the kernel's instruction-set clones on this CPU, which one runs, each one's float64 peak"},
    {"callgrind", cmd_callgrind, "run a training step or measure pass under Callgrind, per-phase cache counts"},
    {"example", cmd_example, "one generated input sequence and target of a task, as JSON"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* Subcommands that are scripts of the source tree (docs/architecture.md allows
 * it): `dmdprof NAME ARGS` runs DIR/scripts/NAME ARGS, DIR being $DMDPROF_HOME
 * or the source directory this binary was built from. */
static const struct {
    const char *name;
    const char *summary;
} scripts[] = {
    {"sweep", "a grid of trained runs over GNU parallel (hosts over ssh, or a Slurm array)"},
    {"report", "runs, sweeps and measurements -> one web page of gnuplot figures and tables"},
    {"regress", "regression tracking: history store, exact ByteDMD gates, verdicts, trends, bisect"},
};
#define NSCRIPTS (sizeof scripts / sizeof scripts[0])

static int run_script(const char *name, char **argv)
{
    const char *home = getenv("DMDPROF_HOME");
    if (!home || !*home) home = DMDPROF_SOURCE_DIR;
    char path[4096];
    snprintf(path, sizeof path, "%s/scripts/%s", home, name);
    argv[0] = path;
    execv(path, argv);
    fprintf(stderr, "dmdprof %s: cannot run %s (%s); set DMDPROF_HOME to a dmdprof source tree\n", name, path,
            strerror(errno));
    return CLI_EXIT_USAGE;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: dmdprof SUBCOMMAND [options]   (dmdprof SUBCOMMAND --help or dmdprof help SUBCOMMAND for its options)\n"
            "\n"
            "Measures how much data a vanilla tanh RNN's BPTT training moves: trains the\n"
            "Hochreiter & Schmidhuber long-term-dependency tasks, prices every array access\n"
            "under the ByteDMD model, and reads PAPI counters and Callgrind caches per phase.\n"
            "\n"
            "subcommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++) fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    for (size_t i = 0; i < NSCRIPTS; i++) fprintf(f, "  %-10s %s (scripts/%s)\n", scripts[i].name, scripts[i].summary,
                                             scripts[i].name);
    fprintf(f, "\nexit codes: 0 success, 1 the work failed (diverged run, regression), 2 bad usage or input\n");
}

int main(int argc, char **argv)
{
    cli_check_stdout_at_exit();
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    static char *help_argv[4]; /* NULL-terminated like argv */
    if (!strcmp(argv[1], "help") && argc == 3) { /* dmdprof help SUB = dmdprof SUB --help */
        help_argv[0] = argv[0];
        help_argv[1] = argv[2];
        help_argv[2] = "--help";
        argc = 3;
        argv = help_argv;
    } else if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        if (argc > 2) {
            fprintf(stderr, "dmdprof: help takes one subcommand name (dmdprof help SUB)\n");
            return CLI_EXIT_USAGE;
        }
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("dmdprof %s\n", DMDPROF_VERSION);
        return CLI_EXIT_OK;
    }
    char err[256];
    if (rnn_isa_init(err, sizeof err) != 0) { /* DMDPROF_ISA, read once */
        fprintf(stderr, "dmdprof: %s\n", err);
        return CLI_EXIT_USAGE;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(argv[1], commands[i].name)) {
            static char name[64];
            snprintf(name, sizeof name, "dmdprof %s", commands[i].name);
            cli_set_name(name);
            return commands[i].fn(argc - 1, argv + 1);
        }
    for (size_t i = 0; i < NSCRIPTS; i++)
        if (!strcmp(argv[1], scripts[i].name)) return run_script(scripts[i].name, argv + 1);
    fprintf(stderr, "dmdprof: unknown subcommand '%s' (run 'dmdprof --help' for the list)\n", argv[1]);
    return CLI_EXIT_USAGE;
}
