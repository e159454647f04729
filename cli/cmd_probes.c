/*
 * cli/cmd_probes.c -- `dmdprof probes` (what PAPI can count here, and why
 * not) and `dmdprof callgrind` (a dmdprof subcommand, or any program that
 * uses the probes, run under Callgrind with pinned cache geometry; the
 * per-phase dumps summed into probes_callgrind.csv/.json).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "dmdp.h"

/* ------------------------------------------------------------------ probes */

static void probes_usage(FILE *f)
{
    fprintf(f,
            "usage: dmdprof probes [--papi-events LIST]\n"
            "\n"
            "Lists PAPI's components (enabled or why not) and, for each event of LIST\n"
            "(default: $PAPI_EVENTS, else " DMDP_DEFAULT_EVENTS "),\n"
            "whether this machine can count it and PAPI's reason if not; then whether\n"
            "Callgrind client requests are built in and valgrind is installed.\n"
            "Always exits 0: a missing counter is information, not an error.\n");
}

/* Full path of an executable found on $PATH, or NULL. */
static char *probes_which(const char *name)
{
    if (strchr(name, '/')) return access(name, X_OK) == 0 ? strdup(name) : NULL;
    const char *path = getenv("PATH");
    if (!path) path = "/usr/bin:/bin";
    char buf[PATH_MAX];
    for (const char *s = path; *s;) {
        const char *e = strchr(s, ':');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n && n + strlen(name) + 2 < sizeof buf) {
            snprintf(buf, sizeof buf, "%.*s/%s", (int)n, s, name);
            if (access(buf, X_OK) == 0) return strdup(buf);
        }
        s += n + (e ? 1 : 0);
    }
    return NULL;
}

int cmd_probes(int argc, char **argv)
{
    const char *events = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            probes_usage(stdout);
            return CLI_EXIT_OK;
        } else if (!strcmp(argv[i], "--papi-events") && i + 1 < argc) {
            events = argv[++i];
        } else {
            cli_fail("unknown or incomplete option '%s' (see dmdprof probes --help)", argv[i]);
        }
    }
    int n = dmdp_papi_report(stdout, events);
    printf("%d event(s) countable here\n", n);
    char *vg = probes_which("valgrind");
    printf("Callgrind client requests: %s; valgrind: %s\n",
           dmdp_have_valgrind() ? "built in" : "not built (install valgrind, rebuild with -DDMDPROF_WITH_VALGRIND=ON)",
           vg ? vg : "not installed (apt-get install valgrind)");
#ifdef DMDPROF_HAVE_CACHEGRIND_H
    printf("Cachegrind per phase: not implemented (valgrind/cachegrind.h exists, but dmdprof does not drive "
           "Cachegrind's client requests); dmdprof callgrind simulates the same caches per phase\n");
#else
    printf("Cachegrind per phase: unavailable: it needs the client requests of valgrind/cachegrind.h "
           "(CACHEGRIND_START/STOP_INSTRUMENTATION, Valgrind >= 3.22), and this build saw %s without it; "
           "dmdprof callgrind simulates the same caches per phase\n",
           DMDPROF_VALGRIND_VERSION);
#endif
    free(vg);
    return CLI_EXIT_OK;
}

/* --------------------------------------------------------------- callgrind */

/* Cache geometry pinned for every run (size,associativity,line bytes).  This
 * VM's CPUID leaves make Valgrind guess a 256 MiB direct-mapped LL; we pin
 * the AMD Zen 4 (EPYC 9004) values: 32 KiB 8-way L1I and L1D, and the 32 MiB
 * 16-way L3 of one CCD as the last level (Callgrind simulates two levels, so
 * Zen 4's 1 MiB L2 is not modelled). */
#define CG_I1 "32768,8,64"
#define CG_D1 "32768,8,64"
#define CG_LL "33554432,16,64"

static void callgrind_usage(FILE *f)
{
    fprintf(f,
            "usage: dmdprof callgrind [--out DIR] [--keep] [--run-id ID] [--ll SIZE,ASSOC,LINE]\n"
            "                         [--exe PROGRAM] [--valgrind PATH] -- SUBCOMMAND ARGS...\n"
            "\n"
            "Runs `dmdprof SUBCOMMAND ARGS...` (or PROGRAM ARGS... with --exe) under\n"
            "  valgrind --tool=callgrind --collect-atstart=no --cache-sim=yes\n"
            "           --I1=" CG_I1 " --D1=" CG_D1 " --LL=" CG_LL "\n"
            "The probes switch collection on inside phases and dump at each phase's end;\n"
            "the dumps are summed per phase into DIR/probes_callgrind.csv\n"
            "(run_id,phase,source,event,value with source=callgrind; events Ir Dr Dw I1mr\n"
            "D1mr D1mw ILmr DLmr DLmw) and DIR/probes_callgrind.json.\n"
            "The counts are deterministic for a given binary and input.\n"
            "\n"
            "  --out DIR      where the results go (default: .)\n"
            "  --keep         keep the raw dumps in DIR/callgrind-dumps.PID\n"
            "  --run-id ID    first CSV column (default: callgrind)\n"
            "  --ll S,A,L     last-level cache geometry instead of the pinned " CG_LL "\n"
            "  --exe PROGRAM  profile PROGRAM instead of this dmdprof binary\n"
            "  --valgrind P   the valgrind executable (default: valgrind on $PATH)\n"
            "\n"
            "example: dmdprof callgrind --out r -- train --task addition -T 30 -H 64 --max-steps 3 --out r\n"
            "exit: 0 ok, 1 the run failed or its counts are incomplete, 2 bad usage / valgrind missing\n");
}

/* "S,A,L" with S, A, L positive whole numbers. */
static void callgrind_check_geometry(const char *flag, const char *g)
{
    long v[3];
    const char *s = g;
    for (int k = 0; k < 3; k++) {
        char *end;
        errno = 0;
        v[k] = strtol(s, &end, 10);
        if (end == s || errno || v[k] <= 0 || *end != (k < 2 ? ',' : 0))
            cli_fail("%s: '%s' is not SIZE,ASSOC,LINE in bytes (e.g. " CG_LL ")", flag, g);
        s = end + 1;
    }
}


/* Numeric suffix of "callgrind.out.N" (0 for "callgrind.out", the final
 * part, which sorts last); -1 for other names. */
static long callgrind_dump_index(const char *name)
{
    static const char base[] = "callgrind.out";
    size_t n = sizeof base - 1;
    if (strncmp(name, base, n)) return -1;
    if (!name[n]) return LONG_MAX;
    if (name[n] != '.') return -1;
    char *end;
    long k = strtol(name + n + 1, &end, 10);
    return *end || k <= 0 ? -1 : k;
}

typedef struct {
    long idx;
    char *path;
} cg_dump;

static int cg_dump_cmp(const void *a, const void *b)
{
    const cg_dump *x = a, *y = b;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Dump files in dir, sorted by dump number; *n set.  NULL if none. */
static cg_dump *callgrind_list(const char *dir, int *n)
{
    DIR *d = opendir(dir);
    *n = 0;
    if (!d) return NULL;
    cg_dump *v = NULL;
    int cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        long k = callgrind_dump_index(e->d_name);
        if (k < 0) continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            cg_dump *w = realloc(v, sizeof *v * (size_t)cap);
            if (!w) cli_fail_work("out of memory listing Callgrind dumps");
            v = w;
        }
        v[*n].idx = k;
        v[(*n)++].path = cli_path(dir, e->d_name);
    }
    closedir(d);
    if (*n) qsort(v, (size_t)*n, sizeof *v, cg_dump_cmp);
    return v;
}

/* Print the last lines of valgrind's log (its own error messages). */
static void callgrind_show_log(const char *log)
{
    FILE *f = fopen(log, "r");
    if (!f) return;
    char lines[6][512];
    int n = 0;
    while (fgets(lines[n % 6], sizeof lines[0], f)) n++;
    fclose(f);
    for (int i = n > 6 ? n - 6 : 0; i < n; i++) fprintf(stderr, "  valgrind: %s", lines[i % 6]);
}

/* Remove the dump directory: its nd dumps, the log, the directory. */
static void drop_dumps(cg_dump *dl, int nd, const char *log, const char *dumps)
{
    for (int a = 0; a < nd; a++) unlink(dl[a].path);
    unlink(log);
    rmdir(dumps);
}

int cmd_callgrind(int argc, char **argv)
{
    const char *out = ".", *run_id = "callgrind", *ll = CG_LL, *exe = NULL, *vg_opt = NULL;
    int keep = 0, i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            i++;
            break;
        }
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            callgrind_usage(stdout);
            return CLI_EXIT_OK;
        } else if (!strcmp(a, "--keep")) {
            keep = 1;
        } else if (i + 1 < argc && !strcmp(a, "--out")) {
            out = argv[++i];
        } else if (i + 1 < argc && !strcmp(a, "--run-id")) {
            run_id = argv[++i];
        } else if (i + 1 < argc && !strcmp(a, "--ll")) {
            ll = argv[++i];
            callgrind_check_geometry("--ll", ll);
        } else if (i + 1 < argc && !strcmp(a, "--exe")) {
            exe = argv[++i];
        } else if (i + 1 < argc && !strcmp(a, "--valgrind")) {
            vg_opt = argv[++i];
        } else {
            cli_fail("unknown or incomplete option '%s' before '--' (see dmdprof callgrind --help)", a);
        }
    }
    if (i >= argc && !exe) cli_fail("nothing to run: give '-- SUBCOMMAND ARGS...' (see dmdprof callgrind --help)");
    if (!*run_id) cli_fail("--run-id: must not be empty");
    if (!exe && !strcmp(argv[i], "callgrind")) cli_fail("refusing to run 'callgrind' under itself");

    char *vg = probes_which(vg_opt ? vg_opt : "valgrind");
    if (!vg)
        cli_fail("valgrind not found%s%s: install it (apt-get install valgrind) or pass --valgrind PATH",
                 vg_opt ? " at " : " on $PATH", vg_opt ? vg_opt : "");
    char self[PATH_MAX];
    if (!exe) {
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n <= 0) cli_fail_work("cannot find this program's path (/proc/self/exe): %s; use --exe", strerror(errno));
        self[n] = 0;
        exe = self;
    } else if (access(exe, X_OK) != 0) {
        cli_fail("--exe: '%s' is not an executable file: %s", exe, strerror(errno));
    }
    if (!dmdp_have_valgrind())
        cli_warn("this dmdprof was built without Callgrind client requests: no per-phase dumps (rebuild with "
                 "-DDMDPROF_WITH_VALGRIND=ON)");

    struct stat out_st;
    int out_existed = stat(out, &out_st) == 0;
    cli_make_dir("--out", out);
    char sub[64];
    snprintf(sub, sizeof sub, "callgrind-dumps.%ld", (long)getpid());
    char *dumps = cli_path(out, sub);
    if (mkdir(dumps, 0777) != 0) cli_fail_work("cannot create '%s': %s", dumps, strerror(errno));
    char *outfile = cli_path(dumps, "callgrind.out");
    char *log = cli_path(dumps, "valgrind.log");

    /* argv: valgrind OPTIONS exe [SUBCOMMAND] ARGS... */
    int nargs = argc - i;
    char **av = calloc((size_t)nargs + 16, sizeof *av);
    if (!av) cli_fail_work("out of memory");
    char o_out[PATH_MAX + 32], o_log[PATH_MAX + 32], o_ll[128];
    snprintf(o_out, sizeof o_out, "--callgrind-out-file=%s", outfile);
    snprintf(o_log, sizeof o_log, "--log-file=%s", log);
    snprintf(o_ll, sizeof o_ll, "--LL=%s", ll);
    int k = 0;
    av[k++] = vg;
    av[k++] = "--tool=callgrind";
    av[k++] = "--collect-atstart=no";
    av[k++] = "--cache-sim=yes";
    av[k++] = "--I1=" CG_I1;
    av[k++] = "--D1=" CG_D1;
    av[k++] = o_ll;
    av[k++] = o_out;
    av[k++] = o_log;
    av[k++] = (char *)exe;
    for (int j = i; j < argc; j++) av[k++] = argv[j];
    av[k] = NULL;

    if (!cli_quiet && isatty(2)) { /* an interactive note; scripts see only the command's own lines */
        fprintf(stderr, "%s: running under Callgrind (slow, ~50-100x):", cli_name());
        for (int j = 0; j < k; j++) fprintf(stderr, " %s", av[j]);
        fputc('\n', stderr);
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) cli_fail_work("fork failed: %s", strerror(errno));
    if (pid == 0) {
        execv(vg, av);
        fprintf(stderr, "%s: cannot execute %s: %s\n", cli_name(), vg, strerror(errno));
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) cli_fail_work("waitpid failed: %s", strerror(errno));
    int child_rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (child_rc == CLI_EXIT_USAGE) { /* the command refused its arguments (its one line is on stderr): nothing to keep */
        int n0 = 0;
        cg_dump *d0 = callgrind_list(dumps, &n0);
        drop_dumps(d0, n0, log, dumps);
        for (int a = 0; a < n0; a++) free(d0[a].path);
        free(d0), free(av), free(vg), free(dumps), free(outfile), free(log);
        if (!out_existed) rmdir(out);
        return CLI_EXIT_USAGE;
    }
    int complete = 1;
    char why[1024] = "";
    if (child_rc != 0) {
        complete = 0;
        snprintf(why, sizeof why, "the profiled command exited with status %d", child_rc);
        cli_warn("%s; its counts are marked incomplete", why);
        callgrind_show_log(log);
    }

    int nd = 0;
    cg_dump *dl = callgrind_list(dumps, &nd);
    const char **files = calloc((size_t)(nd ? nd : 1), sizeof *files);
    for (int j = 0; j < nd; j++) files[j] = dl[j].path;
    dmdp_cg_sums *sums = calloc(1, sizeof *sums);
    char err[512] = "";
    int parsed = 0;
    if (!files || !sums) cli_fail_work("out of memory");
    if (nd == 0) {
        snprintf(err, sizeof err, "Callgrind wrote no dumps in %s (see %s)", dumps, log);
    } else if (dmdp_cg_parse(files, nd, sums, err, sizeof err) == 0) {
        parsed = 1;
        int phased = 0, counted = 0;
        for (int j = 0; j < sums->nphases; j++)
            if (strcmp(sums->phases[j].name, "outside")) {
                phased++;
                counted += sums->phases[j].v[0] != 0;
            }
        if (phased && !counted)
            snprintf(err, sizeof err, "every per-phase dump is empty: Callgrind collected nothing inside the phases "
                     "(a --toggle-collect or --collect-atstart option in VALGRIND_OPTS or a .valgrindrc?)");
        else if (!phased)
            snprintf(err, sizeof err, "no per-phase dumps: the command ran no phases under the probes (is '%.200s' wired "
                     "to dmdp_start, and built with Callgrind client requests?)", exe == self && nargs ? argv[i] : exe);
    }
    if (err[0]) {
        complete = 0;
        if (!why[0]) snprintf(why, sizeof why, "%s", err);
        cli_warn("%s; counts written as missing, dumps kept in %s", err, dumps);
        keep = 1;
    }

    /* JSON: the command, the pinned geometry, the sums (or the reason). */
    json_t *j = cli_with_schema(CLI_SCHEMA_CALLGRIND, NULL), *cmd = json_array();
    for (int a = 0; a < k; a++) json_array_append_new(cmd, json_string(av[a]));
    json_object_set_new(j, "run_id", json_string(run_id));
    json_object_set_new(j, "command", cmd);
    json_object_set_new(j, "geometry", json_pack("{s:s, s:s, s:s, s:s}", "I1", CG_I1, "D1", CG_D1, "LL", ll, "why",
                                                 "pinned (size,assoc,line): this VM reports a bogus 256 MiB direct-mapped "
                                                 "LL; values of AMD Zen 4: L1 32 KiB 8-way, L3 32 MiB 16-way as LL"));
    json_object_set_new(j, "deterministic", json_string("counts repeat exactly for the same binary and input"));
    json_object_set_new(j, "exit_status", json_integer(child_rc));
    json_object_set_new(j, "callgrind", parsed && complete ? dmdp_cg_json(sums) : json_null());
    json_object_set_new(j, "complete", json_boolean(complete));
    if (!complete) json_object_set_new(j, "reason", json_string(why));
    if (keep) json_object_set_new(j, "dumps", json_string(dumps));

    char *csv = cli_path(out, "probes_callgrind.csv"), *jpath = cli_path(out, "probes_callgrind.json");
    int bad = 0;
    cli_out o;
    if (cli_out_open(&o, csv) != 0) {
        bad = 1;
    } else {
        bad = dmdp_cg_write_csv(parsed && complete ? sums : NULL, o.f, run_id, 1) != 0;
        if (bad)
            cli_out_abort(&o);
        else
            bad = cli_out_commit(&o) != 0;
    }
    if (cli_write_json(jpath, j) != 0) bad = 1;

    if (parsed && complete) {
        printf("%-12s", "phase");
        for (int e = 0; e < sums->nevents; e++) printf(" %14s", sums->events[e]);
        printf("\n");
        for (int p = 0; p < sums->nphases; p++) {
            printf("%-12s", sums->phases[p].name);
            for (int e = 0; e < sums->nevents; e++) printf(" %14llu", sums->phases[p].v[e]);
            printf("\n");
        }
        printf("wrote %s and %s\n", csv, jpath);
    }
    if (!keep) drop_dumps(dl, nd, log, dumps);
    for (int a = 0; a < nd; a++) free(dl[a].path);
    free(dl), free(files), free(sums), free(csv), free(jpath), free(av), free(vg), free(dumps), free(outfile), free(log);
    json_decref(j);
    if (bad) return CLI_EXIT_WORK;
    return complete ? CLI_EXIT_OK : CLI_EXIT_WORK;
}
