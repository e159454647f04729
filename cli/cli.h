/*
 * cli.h -- what every dmdprof subcommand shares: one-line errors with exit
 * code 2, range-checked flag parsing, atomic output files, progress lines.
 *
 * Conventions (docs/architecture.md, "The command"):
 *   exit 0 success, 1 failure of the work (diverged run, regression found),
 *   2 bad usage or bad input -- with ONE line on stderr saying what, where,
 *   and what to do.
 */
#ifndef DMDPROF_CLI_H
#define DMDPROF_CLI_H

#include <stdio.h>

#include <jansson.h>

#include "dmd_csv.h"

#define CLI_EXIT_OK 0
#define CLI_EXIT_WORK 1
#define CLI_EXIT_USAGE 2

/* Name used as the prefix of every message, e.g. "dmdprof train". */
void cli_set_name(const char *name);
const char *cli_name(void);

/* Print "dmdprof CMD: <message>" and exit(2).  Never returns.  Messages are
 * one line: bytes outside printable ASCII are written as \xHH. */
void cli_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* Register the exit check of stdout: if anything written to stdout was lost
 * (disk full, /dev/full, closed pipe), one line on stderr and exit 1. */
void cli_check_stdout_at_exit(void);
/* The same with exit(1): the work failed (a full disk, an unwritable
 * output, out of memory), not the input. */
void cli_fail_work(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* Print "dmdprof CMD: <message>" without exiting (warnings, notes). */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parse a whole decimal integer in [lo, hi] for a flag, or cli_fail naming
 * the flag, the text and the range. */
long cli_long(const char *flag, const char *text, long lo, long hi);
/* Parse a finite real in [lo, hi] (lo_open/hi_open exclude the bound). */
double cli_double(const char *flag, const char *text, double lo, int lo_open, double hi, int hi_open);
/* Index of text in the NULL-terminated list, or cli_fail listing the choices. */
int cli_choice(const char *flag, const char *text, const char *const *choices);

/* Create dir (and parents) if missing and check it is writable, or cli_fail. */
void cli_make_dir(const char *flag, const char *dir);
/* Check, before any work, that a file can be created at path (its directory
 * exists and is writable; "-" is stdout), or cli_fail naming the flag. */
void cli_check_writable(const char *flag, const char *path);
/* "dir/name" in a malloc'd string (never NULL: exits on out-of-memory). */
char *cli_path(const char *dir, const char *name);

/* Atomic output: data goes to "<path>.tmp.<pid>" and is renamed onto path by
 * cli_out_commit, so an interrupted run never leaves a file that looks
 * complete.  path "-" writes to stdout directly; so does a path that exists
 * and is not a regular file (see direct). */
typedef struct {
    FILE *f;
    char *path;
    char *tmp;  /* NULL for stdout and for direct writes */
    int direct; /* path exists and is not a regular file (/dev/null, a FIFO, a
                 * terminal): written in place, since renaming a temporary onto
                 * it would replace the device with a file */
} cli_out;
/* Returns 0, or -1 after printing why (the caller decides the exit code). */
int cli_out_open(cli_out *o, const char *path);
/* Flush, close and rename; returns 0, or -1 after printing why and removing
 * the temporary file. */
int cli_out_commit(cli_out *o);
/* Close and remove the temporary file (error paths). */
void cli_out_abort(cli_out *o);
/* Write path atomically through fn(ctx, f), which returns 0 or -1 on a
 * write error.  Returns 0, or -1 after one line saying why (nothing left at
 * path, no temporary). */
int cli_write_with(const char *path, int (*fn)(void *ctx, FILE *f), void *ctx);
/* Write a JSON object atomically (indent 2, keys in insertion order).
 * Returns 0 or -1 after printing why. */
int cli_write_json(const char *path, json_t *j);

/* Result schema (docs/schema.md): every result names its layout,
 * "dmdprof.<kind>/<N>"; N is bumped when a key is renamed or re-meant.  The
 * command's kinds, one place (history CSVs: core/rnn.h; probe CSVs:
 * probes/dmdp.h). */
#define CLI_SCHEMA_RUN "dmdprof.run/1"
#define CLI_SCHEMA_PROBES "dmdprof.probes/1"
#define CLI_SCHEMA_HEADLINE "dmdprof.headline/1"
#define CLI_SCHEMA_HEADLINE_CSV "dmdprof.headline_runs/1"
#define CLI_SCHEMA_MEASURE "dmdprof.measure/2"
#define CLI_SCHEMA_MEASURE_CSV "dmdprof.measure_cells/1"
#define CLI_SCHEMA_TO_SOLUTION "dmdprof.to_solution/1"
#define CLI_SCHEMA_PRICE "dmdprof.price/2"
#define CLI_SCHEMA_EXAMPLE "dmdprof.example/1"
#define CLI_SCHEMA_CALLGRIND "dmdprof.callgrind/1"
#define CLI_SCHEMA_ISA "dmdprof.isa/1"
/* A new object holding "schema": schema first, then the keys of body
 * (stolen; NULL = none), or exits 1 on out-of-memory. */
json_t *cli_with_schema(const char *schema, json_t *body);

/* Monotonic seconds. */
double cli_now(void);
double cli_cpu_seconds(void); /* user + system CPU time of this process (getrusage), -1 if unavailable */

/* Progress reporting on stderr: a redrawn bar when stderr is a terminal,
 * otherwise one plain line every `every` calls (and the last).  `msg` is the
 * caller's status text, e.g. "epoch 12/80 loss 0.031 acc 0.91". */
typedef struct {
    int tty;
    double t0;
    long total;
    long every;
    const char *label;
} cli_progress;
void cli_progress_start(cli_progress *p, const char *label, long total, long every);
void cli_progress_update(cli_progress *p, long done, const char *msg);
void cli_progress_done(cli_progress *p, const char *msg);
/* Quiet mode (--quiet) silences progress. */
extern int cli_quiet;

#endif
