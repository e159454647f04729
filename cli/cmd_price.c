/*
 * cli/cmd_price.c -- `dmdprof price` (price a dmdtrace v1 file) and
 * `dmdprof ir` (print each event of a small trace with its depth and cost).
 */
#include <stdint.h>
#include <stdio.h>
#include <errno.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "dmd_engine.h"
#include "dmd_report.h"
#include "dmd_trace.h"

typedef struct {
    const char *file;
    dmd_model model;
    unsigned bytes;
    int json;
} price_args;

static void price_usage(FILE *f, const char *cmd)
{
    if (strcmp(cmd, "price") == 0)
        fprintf(f, "usage: dmdprof price FILE|- [--model live|classic|lru] [--bytes-per-element N] [--json]\n"
                   "\n"
                   "Prices a dmdtrace file (v1 or v2, docs/engine.md) under the ByteDMD model and prints\n"
                   "the total cost, reads, bytes read and per-region and per-phase tables; with --json one\n"
                   "JSON object (schema dmdprof.price/2: model, bytes_per_element, total, regions[],\n"
                   "phases[], cells[]).  Value traces (store, read, output) price under live or classic,\n"
                   "address traces (ld, st, drop) under lru.  FILE - reads stdin.\n");
    else
        fprintf(f, "usage: dmdprof ir FILE|- [--model live|classic] [--bytes-per-element N]\n"
                   "\n"
                   "Prints every event of a (small) dmdtrace with the depth and cost of each read:\n"
                   "STORE id, READ id@depth cost=c (depth in bytes, of the element's deepest byte),\n"
                   "FREE id (retired by liveness, live model), OUTPUT id, then # total cost = N.\n");
    fprintf(f, "\n"
               "options:\n"
               "  --model M              live (default: values, liveness compaction), classic, or (price)\n"
               "                         lru (an address trace)\n"
               "  --bytes-per-element N  size of a value whose store line has no BYTES field (1..1048576, default 1)\n");
    if (strcmp(cmd, "price") == 0) fprintf(f, "  --json                 print one JSON object instead of the table\n");
    fprintf(f, "\nexit codes: 0 priced (an empty trace prices as 0, with a note), 1 the machine failed (a full\n"
               "$TMPDIR for the live model's spill file, unwritable stdout), 2 bad usage or a malformed trace\n"
               "(FILE:LINE: what is wrong)\n");
}

static void parse_args(int argc, char **argv, const char *cmd, price_args *a)
{
    static const char *const models[] = {"live", "classic", "lru", NULL}, *const vmodels[] = {"live", "classic", NULL};
    memset(a, 0, sizeof *a);
    a->model = DMD_LIVE;
    a->bytes = 1;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char *val = NULL;
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            price_usage(stdout, cmd);
            exit(CLI_EXIT_OK);
        }
        if (strncmp(s, "--", 2) == 0) {
            const char *eq = strchr(s, '=');
            size_t n = eq ? (size_t)(eq - s) : strlen(s);
            int takes = (n == 7 && !strncmp(s, "--model", n)) || (n == 19 && !strncmp(s, "--bytes-per-element", n));
            if (takes) {
                if (eq)
                    val = eq + 1;
                else if (i + 1 < argc)
                    val = argv[++i];
                else
                    cli_fail("%.*s needs a value (run 'dmdprof %s --help')", (int)n, s, cmd);
                if (n == 7)
                    a->model = (dmd_model)cli_choice("--model", val, strcmp(cmd, "price") == 0 ? models : vmodels);
                else
                    a->bytes = (unsigned)cli_long("--bytes-per-element", val, 1, 1 << 20);
            } else if (strcmp(s, "--json") == 0 && strcmp(cmd, "price") == 0)
                a->json = 1;
            else
                cli_fail("unknown option '%s' (run 'dmdprof %s --help')", s, cmd);
        } else if (!a->file)
            a->file = s;
        else
            cli_fail("more than one trace file ('%s' and '%s'); price one at a time", a->file, s);
    }
    if (!a->file) cli_fail("no trace file given (a path, or - for stdin; run 'dmdprof %s --help')", cmd);
}

/* Run the reader; on a malformed trace print FILE:LINE: what and exit 2 before
 * anything else is printed. */
static dmd_engine *price_file(const price_args *a, dmd_trace **tp, const dmd_observer *obs)
{
    char err[512];
    dmd_trace *t = dmd_trace_open(a->file, err, sizeof err);
    if (!t) cli_fail("%s", err);
    dmd_options o;
    memset(&o, 0, sizeof o);
    o.model = a->model;
    o.bytes_per_element = a->bytes;
    dmd_engine *e = dmd_engine_new(&o);
    if (!e) cli_fail_work("out of memory");
    if (obs) dmd_engine_set_observer(e, obs);
    int rc = dmd_trace_price(t, e, a->bytes, err, sizeof err);
    if (rc == -2) cli_fail_work("%s", err);
    if (rc != 0) cli_fail("%s", err);
    if (dmd_trace_nevents(t) == 0)
        cli_warn("note: %s is an empty trace (no store, read or output line): it prices as 0",
                 strcmp(a->file, "-") ? a->file : "(stdin)");
    *tp = t;
    return e;
}

int cmd_price(int argc, char **argv)
{
    price_args a;
    parse_args(argc, argv, "price", &a);
    dmd_trace *t;
    dmd_engine *e = price_file(&a, &t, NULL);
    int rc = CLI_EXIT_OK;
    if (a.json) {
        json_t *j = dmd_engine_json(e);
        if (!j) cli_fail_work("out of memory building the JSON report");
        j = cli_with_schema(CLI_SCHEMA_PRICE, j);
        if (cli_write_json("-", j) != 0) rc = CLI_EXIT_WORK;
        json_decref(j);
    } else
        dmd_engine_print_table(e, stdout); /* a lost stdout is caught at exit (cli_check_stdout_at_exit) */
    dmd_engine_free(e);
    dmd_trace_close(t);
    return rc;
}

/* ---------------------------------------------------------------- ir */
typedef struct {
    dmd_trace *t;
    uint64_t total;
    FILE *f;
} ir_ctx;

static void ir_name(ir_ctx *c, uint32_t id)
{
    size_t n;
    const char *s = dmd_trace_value_name(c->t, id, &n);
    if (s)
        fwrite(s, 1, n, c->f);
    else
        fprintf(c->f, "#%u", id);
}
static void ir_push(void *ctx, uint32_t id, uint32_t bytes, int region, int is_write)
{
    ir_ctx *c = ctx;
    (void)is_write;
    fputs("STORE ", c->f);
    ir_name(c, id);
    if (bytes != 1) fprintf(c->f, "  bytes=%u", bytes);
    if (region > 0) fprintf(c->f, "  region=%s", dmd_engine_region_name(dmd_engine_current(), region));
    fputc('\n', c->f);
}
static void ir_read(void *ctx, uint32_t id, uint64_t depth, uint32_t bytes, uint64_t cost)
{
    ir_ctx *c = ctx;
    (void)bytes;
    fputs("  READ ", c->f);
    ir_name(c, id);
    fprintf(c->f, "@%llu  cost=%llu\n", (unsigned long long)depth, (unsigned long long)cost);
    c->total += cost;
}
static void ir_retire(void *ctx, uint32_t id)
{
    ir_ctx *c = ctx;
    fputs("  FREE ", c->f);
    ir_name(c, id);
    fputc('\n', c->f);
}
static void ir_output(void *ctx, uint32_t id)
{
    ir_ctx *c = ctx;
    fputs("OUTPUT ", c->f);
    ir_name(c, id);
    fputc('\n', c->f);
}

int cmd_ir(int argc, char **argv)
{
    price_args a;
    parse_args(argc, argv, "ir", &a);
    /* The events are printed while the pricing pass runs, so they go to a
     * temporary file first: a malformed trace prints nothing but the error. */
    FILE *tmp = tmpfile();
    if (!tmp) cli_fail_work("cannot create a temporary file for the listing: %s", strerror(errno));
    ir_ctx c = {NULL, 0, tmp};
    dmd_observer obs = {.ctx = &c, .push = ir_push, .read = ir_read, .retire = ir_retire, .output = ir_output};
    char err[512];
    dmd_trace *t = dmd_trace_open(a.file, err, sizeof err);
    if (!t) cli_fail("%s", err);
    c.t = t;
    dmd_options o;
    memset(&o, 0, sizeof o);
    o.model = a.model;
    o.bytes_per_element = a.bytes;
    dmd_engine *e = dmd_engine_new(&o);
    if (!e) cli_fail_work("out of memory");
    dmd_engine_set_observer(e, &obs);
    int rc = dmd_trace_price(t, e, a.bytes, err, sizeof err);
    if (rc == -2) cli_fail_work("%s", err);
    if (rc != 0) cli_fail("%s", err);
    if (dmd_trace_nevents(t) == 0)
        cli_warn("note: %s is an empty trace (no store, read or output line): it prices as 0",
                 strcmp(a.file, "-") ? a.file : "(stdin)");
    dmd_counts tot;
    dmd_engine_total(e, &tot);
    if (tot.cost != c.total) cli_fail_work("internal: listing total %llu differs from the engine's %llu",
                                      (unsigned long long)c.total, (unsigned long long)tot.cost);
    fprintf(tmp, "# total cost = %llu\n", (unsigned long long)tot.cost);
    rewind(tmp);
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, tmp)) > 0) fwrite(buf, 1, n, stdout);
    fclose(tmp);
    dmd_engine_free(e);
    dmd_trace_close(t);
    return CLI_EXIT_OK; /* a lost stdout is caught at exit (cli_check_stdout_at_exit) */
}
