/*
 * dmdp.c -- timers and PAPI per phase, Callgrind toggles, CSV/JSON output.
 *
 * Every phase transition takes one reading (clock + PAPI counters) and adds
 * the difference since the previous reading to the phase that was innermost
 * during that span ("outside" when none was open): exclusive attribution, so
 * the rows add up to the total.  The Callgrind listener is subscribed after
 * the measuring one: phase_begin calls listeners in subscription order and
 * phase_end in reverse, so Callgrind collects as little of our own reading
 * code as possible.
 */
#include "dmdp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dmd_csv.h"
#include "dmd_phase.h"
#include "dmdp_int.h"

#ifdef DMDPROF_HAVE_VALGRIND
#include <valgrind/callgrind.h>
#endif

#define DMDP__OUTSIDE DMDP_MAX_PHASES /* accumulator index of "outside" */

/* Only one running probe set may toggle Callgrind: two would cancel out. */
static const struct dmdp *dmdp__cg_owner;

struct dmdp {
    int listen_measure, listen_cg; /* dmd_phase_listen handles, -1 when none */
    int running;
    /* phases: names in order of first appearance */
    int nphases;
    char phase[DMDP_MAX_PHASES][DMDP_NAME_MAX];
    int overflow; /* 1 when more than DMDP_MAX_PHASES names were seen */
    /* my stack of open phases (indices into phase[]) */
    int depth;
    int stack[DMD_PHASE_MAX_DEPTH];
    /* Callgrind's own stack of open phase names (dump names) */
    int cg_depth;
    const char *cg_stack[DMD_PHASE_MAX_DEPTH];
    int cg_toggle; /* 1: collection was off at start (--collect-atstart=no): toggle around phases */
    /* last reading */
    long long last_ns;
    long long last_papi[DMDP__MAX_EV];
    /* accumulators, index DMDP__OUTSIDE = outside every phase: (DMDP_MAX_PHASES+1) */
    long long ns[DMDP_MAX_PHASES + 1];
    long long calls[DMDP_MAX_PHASES + 1];
    long long papi_acc[DMDP_MAX_PHASES + 1][DMDP__MAX_EV];
    int papi_wanted;  /* 0 when the list was "none" */
    int papi_failed;  /* a read failed mid-run: PAPI values are missing */
    char papi_fail_reason[DMDP__REASON_MAX];
    dmdp__papi papi;
    /* energy (powercap), when the list said "energy" */
    int energy_wanted, energy_failed;
    dmdp__energy energy;
    long long energy_acc[DMDP_MAX_PHASES + 1][DMDP__MAX_ZONES];
    /* PAPI's high-level output: one region per phase call, inclusive */
    int hl_on, nhl;          /* writing it; number of events in it */
    int hl_ev[DMDP__MAX_EV]; /* (nhl) event indices */
    struct {
        int id;
        long long ns, cyc, v[DMDP__MAX_EV];
    } hl_stack[DMD_PHASE_MAX_DEPTH];
    int hl_depth;
    struct dmdp__hl_region *hl_reg; /* (hl_nreg) */
    long long *hl_val;              /* (hl_nreg * nhl) */
    int hl_nreg, hl_cap, hl_overflow;
};

struct dmdp__hl_region {
    int phase, parent, closed;
    long long ns, cyc;
};
#define DMDP__HL_MAX_REGIONS 1000000 /* region calls kept for the high-level output */

int dmdp_have_valgrind(void)
{
#ifdef DMDPROF_HAVE_VALGRIND
    return 1;
#else
    return 0;
#endif
}

int dmdp_under_valgrind(void)
{
#ifdef DMDPROF_HAVE_VALGRIND
    return RUNNING_ON_VALGRIND ? 1 : 0;
#else
    return 0;
#endif
}

static long long dmdp__now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Index of a phase name, adding it on first sight; DMDP__OUTSIDE when the
 * table is full (counted as outside and reported missing-by-overflow). */
static int dmdp__phase_index(dmdp *p, const char *name)
{
    for (int i = 0; i < p->nphases; i++)
        if (!strcmp(p->phase[i], name)) return i;
    if (p->nphases == DMDP_MAX_PHASES || strlen(name) >= DMDP_NAME_MAX) {
        p->overflow = 1;
        return DMDP__OUTSIDE;
    }
    strcpy(p->phase[p->nphases], name);
    return p->nphases++;
}

/* Take a reading and charge the span since the last one to phase `into`. */
static void dmdp__charge(dmdp *p, int into)
{
    long long t = dmdp__now_ns();
    p->ns[into] += t - p->last_ns;
    p->last_ns = t;
    if (p->papi.ncounted && !p->papi_failed) {
        long long v[DMDP__MAX_EV];
        if (dmdp__papi_read(&p->papi, v) != 0) {
            p->papi_failed = 1;
            snprintf(p->papi_fail_reason, sizeof p->papi_fail_reason,
                     "PAPI_read failed during the run; all PAPI values of this run are missing");
            return;
        }
        for (int e = 0; e < p->papi.nev; e++)
            if (p->papi.ok[e]) {
                if (p->papi.instant[e])
                    p->papi_acc[into][e] = v[e]; /* the level at the end of the phase's last span */
                else
                    p->papi_acc[into][e] += v[e] - p->last_papi[e];
                p->last_papi[e] = v[e];
            }
    }
    if (p->energy.nzones && !p->energy_failed) {
        long long d[DMDP__MAX_ZONES];
        if (dmdp__energy_delta(&p->energy, d) != 0)
            p->energy_failed = 1;
        else
            for (int z = 0; z < p->energy.nzones; z++) p->energy_acc[into][z] += d[z];
    }
}

/* High-level output: open a region at begin, close it at end (inclusive:
 * the difference between the readings at its begin and end). */
static void dmdp__hl_transition(dmdp *p, int phase, int begin)
{
    if (begin) {
        if (p->hl_depth == DMD_PHASE_MAX_DEPTH) return;
        int d = p->hl_depth++;
        p->hl_stack[d].id = -1;
        if (p->hl_nreg == DMDP__HL_MAX_REGIONS) {
            p->hl_overflow = 1;
            return;
        }
        if (p->hl_nreg == p->hl_cap) {
            int cap = p->hl_cap ? 2 * p->hl_cap : 64;
            struct dmdp__hl_region *r = realloc(p->hl_reg, sizeof *r * (size_t)cap);
            if (r) p->hl_reg = r;
            long long *v = r ? realloc(p->hl_val, sizeof *v * (size_t)cap * (size_t)(p->nhl ? p->nhl : 1)) : NULL;
            if (v) p->hl_val = v;
            if (!r || !v) {
                p->hl_overflow = 1;
                return;
            }
            p->hl_cap = cap;
        }
        int id = p->hl_nreg++;
        int parent = -1;
        for (int k = d - 1; k >= 0 && parent < 0; k--) parent = p->hl_stack[k].id;
        p->hl_reg[id] = (struct dmdp__hl_region){phase, parent, 0, 0, 0};
        p->hl_stack[d].id = id;
        p->hl_stack[d].ns = p->last_ns;
        p->hl_stack[d].cyc = dmdp__papi_cycles();
        for (int i = 0; i < p->nhl; i++) p->hl_stack[d].v[i] = p->last_papi[p->hl_ev[i]];
    } else if (p->hl_depth > 0) {
        int d = --p->hl_depth, id = p->hl_stack[d].id;
        if (id < 0) return;
        p->hl_reg[id].closed = 1;
        p->hl_reg[id].ns = p->last_ns - p->hl_stack[d].ns;
        p->hl_reg[id].cyc = dmdp__papi_cycles() - p->hl_stack[d].cyc;
        for (int i = 0; i < p->nhl; i++) {
            int e = p->hl_ev[i];
            p->hl_val[(size_t)id * (size_t)p->nhl + (size_t)i] =
                p->papi.instant[e] ? p->last_papi[e] : p->last_papi[e] - p->hl_stack[d].v[i];
        }
    }
}

static void dmdp__on_phase(void *ctx, const char *name, int begin)
{
    dmdp *p = ctx;
    int cur = p->depth ? p->stack[p->depth - 1] : DMDP__OUTSIDE;
    dmdp__charge(p, cur);
    if (begin) {
        int i = dmdp__phase_index(p, name);
        p->calls[i]++;
        if (p->depth < DMD_PHASE_MAX_DEPTH) p->stack[p->depth++] = i;
        if (p->hl_on) dmdp__hl_transition(p, i, 1);
    } else if (p->depth > 0) {
        p->depth--;
        if (p->hl_on) dmdp__hl_transition(p, cur, 0);
    }
}

/* ---- Callgrind: is collection on when the program starts? ----
 * The toggles of --collect-atstart=no and the plain dumps of the default
 * (collection always on) give the same per-phase counts, but only if the
 * probes know which of the two they are in: toggling when collection is
 * already on would invert every span.  Valgrind takes its options from
 * ~/.valgrindrc, $VALGRIND_OPTS, ./.valgrindrc and its command line, in that
 * order (the last one wins).  The client's /proc/self/cmdline is faked by
 * Valgrind (it shows the program's own argv); /proc/thread-self/cmdline is
 * not, and holds the valgrind command line. */
#ifdef DMDPROF_HAVE_VALGRIND
typedef struct {
    int collect;                /* 1 on at start (Valgrind's default), 0 off */
    int toggled;                /* --toggle-collect= seen: the state is not ours to know */
    int seen_cmdline;           /* the command line could be read */
} dmdp__cgopts;

static void dmdp__cg_option(dmdp__cgopts *o, const char *a)
{
    char buf[256];
    if (!strncmp(a, "--callgrind:", 12)) { /* the tool-prefixed form of the rc files */
        snprintf(buf, sizeof buf, "--%s", a + 12);
        a = buf;
    }
    if (!strcmp(a, "--collect-atstart=no"))
        o->collect = 0;
    else if (!strcmp(a, "--collect-atstart=yes"))
        o->collect = 1;
    else if (!strncmp(a, "--toggle-collect=", 17))
        o->toggled = 1;
}

/* Whitespace-separated options of an rc file or $VALGRIND_OPTS. */
static void dmdp__cg_words(dmdp__cgopts *o, const char *s)
{
    char w[256];
    while (s && *s) {
        while (*s == ' ' || *s == '\t' || *s == '\n') s++;
        size_t n = 0;
        while (*s && *s != ' ' && *s != '\t' && *s != '\n') {
            if (n + 1 < sizeof w) w[n++] = *s;
            s++;
        }
        w[n] = 0;
        if (n) dmdp__cg_option(o, w);
    }
}

static void dmdp__cg_file(dmdp__cgopts *o, const char *path)
{
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f) return;
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    dmdp__cg_words(o, buf);
}

static dmdp__cgopts dmdp__cg_options(void)
{
    dmdp__cgopts o = {1, 0, 0};
    char path[4096];
    const char *home = getenv("HOME");
    if (home && snprintf(path, sizeof path, "%s/.valgrindrc", home) < (int)sizeof path) dmdp__cg_file(&o, path);
    dmdp__cg_words(&o, getenv("VALGRIND_OPTS"));
    dmdp__cg_file(&o, "./.valgrindrc");
    FILE *f = fopen("/proc/thread-self/cmdline", "r");
    if (f) {
        static char buf[65536];
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = 0;
        /* argv[0] (the valgrind binary), then its options up to the program */
        for (size_t i = strlen(buf) + 1; i < n; i += strlen(buf + i) + 1) {
            if (buf[i] != '-') break;
            dmdp__cg_option(&o, buf + i);
        }
        o.seen_cmdline = n > 0;
    }
    return o;
}
#endif

/* Each span between transitions is dumped under the name of the phase that
 * was innermost during it ("outside" between phases).  Collection must be on
 * inside phases: with collection on from the start nothing is toggled; with
 * --collect-atstart=no it is toggled on just before the outermost phase's
 * first dump and off just after its last one (toggling keeps the simulated
 * caches warm; START/STOP_INSTRUMENTATION would flush them).  A phase's span
 * runs from one dump to the next, and the code between them does not depend
 * on the mode, so both modes give the same per-phase counts (tested). */
static void dmdp__on_phase_cg(void *ctx, const char *name, int begin)
{
#ifdef DMDPROF_HAVE_VALGRIND
    dmdp *p = ctx;
    if (begin) {
        int outer = p->cg_depth == 0;
        if (outer && p->cg_toggle) CALLGRIND_TOGGLE_COLLECT;
        CALLGRIND_DUMP_STATS_AT(outer ? "outside" : p->cg_stack[p->cg_depth - 1]);
        if (p->cg_depth < DMD_PHASE_MAX_DEPTH) p->cg_stack[p->cg_depth++] = name;
    } else {
        if (p->cg_depth > 0) p->cg_depth--;
        CALLGRIND_DUMP_STATS_AT(name);
        if (p->cg_depth == 0 && p->cg_toggle) CALLGRIND_TOGGLE_COLLECT;
    }
#else
    (void)ctx, (void)name, (void)begin;
#endif
}

dmdp *dmdp_start(const char *papi_events, int quiet)
{
    dmdp *p = calloc(1, sizeof *p);
    if (!p) {
        fprintf(stderr, "dmdp: out of memory starting the probes\n");
        return NULL;
    }
    p->listen_measure = p->listen_cg = -1;
    p->papi_wanted = dmdp__papi_parse(&p->papi, papi_events) == 0;
    if (p->papi_wanted) dmdp__papi_add_sde(&p->papi);
    if (p->papi_wanted && p->papi.nev) {
        if (dmdp_under_valgrind()) {
            for (int e = 0; e < p->papi.nev; e++)
                snprintf(p->papi.reason[e], DMDP__REASON_MAX, "not counted under Valgrind (it would count the simulator)");
            snprintf(p->papi.note, sizeof p->papi.note, "PAPI skipped: running under Valgrind");
        } else {
            dmdp__papi_open(&p->papi, quiet);
        }
    }
    p->energy_wanted = p->papi.want_energy;
    if (p->energy_wanted && !dmdp__energy_open(&p->energy) && !quiet)
        fprintf(stderr, "dmdp: energy: %s; written as missing\n", p->energy.reason);
    /* PAPI's high-level output, when PAPI counts something and
     * $PAPI_OUTPUT_DIRECTORY says where (PAPI's own convention) */
    if (p->papi.ncounted && getenv("PAPI_OUTPUT_DIRECTORY")) {
        p->hl_on = 1;
        for (int e = 0; e < p->papi.nev; e++)
            if (p->papi.ok[e] && p->papi.alias[e] < 0) p->hl_ev[p->nhl++] = e;
    }
    p->listen_measure = dmd_phase_listen(dmdp__on_phase, p);
    if (p->listen_measure < 0) {
        fprintf(stderr, "dmdp: no free phase-listener slot (limit %d); probes not started\n", DMD_PHASE_MAX_LISTENERS);
        dmdp__papi_close(&p->papi);
        free(p);
        return NULL;
    }
    if (dmdp_under_valgrind() && dmd_phase_depth() > 0) {
        /* The toggles pair up only if they start outside every phase. */
        fprintf(stderr, "dmdp: probes started inside phase '%s'; no Callgrind toggles (start them outside phases)\n",
                dmd_phase_current());
    } else if (dmdp_under_valgrind() && !dmdp__cg_owner) {
#ifdef DMDPROF_HAVE_VALGRIND
        dmdp__cgopts o = dmdp__cg_options();
        if (o.toggled) {
            fprintf(stderr, "dmdp: valgrind runs with --toggle-collect=...: the probes cannot know when Callgrind "
                            "collects, so they write no per-phase dumps (drop --toggle-collect, or use dmdprof callgrind)\n");
            goto started;
        }
        if (!o.seen_cmdline && !quiet)
            fprintf(stderr, "dmdp: cannot read valgrind's command line (/proc/thread-self/cmdline); assuming "
                            "--collect-atstart=%s\n", o.collect ? "yes" : "no");
        p->cg_toggle = !o.collect;
#endif
        p->listen_cg = dmd_phase_listen(dmdp__on_phase_cg, p);
        if (p->listen_cg >= 0) dmdp__cg_owner = p;
        if (p->listen_cg < 0 && !quiet)
            fprintf(stderr, "dmdp: no free phase-listener slot for the Callgrind toggles; no per-phase dumps\n");
    }
#ifdef DMDPROF_HAVE_VALGRIND
started:
#endif
    p->running = 1;
    p->last_ns = dmdp__now_ns();
    if (p->papi.ncounted && dmdp__papi_read(&p->papi, p->last_papi) != 0) {
        p->papi_failed = 1;
        snprintf(p->papi_fail_reason, sizeof p->papi_fail_reason, "PAPI_read failed at the start of the run");
    }
    return p;
}

/* mkdir that is fine when the directory exists. */
static int dmdp__mkdir(const char *d) { return mkdir(d, 0777) == 0 || errno == EEXIST ? 0 : -1; }

static json_t *dmdp__str_ll(long long v)
{
    char b[32];
    snprintf(b, sizeof b, "%lld", v);
    return json_string(b);
}

/* $PAPI_OUTPUT_DIRECTORY/papi_hl_output/rank_PID.json in the layout PAPI
 * 7.0's high-level API writes (read here from a PAPI_hl run on Debian's
 * libpapi 7.0.0): version and CPU, event_definitions {name: {component,
 * type delta|instant}}, threads {"0": {regions {id: {name,
 * parent_region_id, cycles, real_time_nsec, EVENT...}}}}, one region per
 * call, inclusive, every value a string.  Written to a temporary name and
 * renamed; a second run in the same process gets rank_PID-2.json. */
static void dmdp__hl_write(dmdp *p)
{
    const char *top = getenv("PAPI_OUTPUT_DIRECTORY");
    if (p->papi_failed) {
        fprintf(stderr, "dmdp: PAPI high-level output not written: %s\n", p->papi_fail_reason);
        return;
    }
    char dir[4096], path[4200], tmp[4300];
    snprintf(dir, sizeof dir, "%s/papi_hl_output", top);
    if (dmdp__mkdir(top) != 0 || dmdp__mkdir(dir) != 0) {
        fprintf(stderr, "dmdp: cannot create %s (PAPI_OUTPUT_DIRECTORY): %s; PAPI high-level output not written\n", dir,
                strerror(errno));
        return;
    }
    snprintf(path, sizeof path, "%s/rank_%ld.json", dir, (long)getpid());
    for (int k = 2; access(path, F_OK) == 0 && k < 1000; k++)
        snprintf(path, sizeof path, "%s/rank_%ld-%d.json", dir, (long)getpid(), k);
    char model[256];
    int maxmhz, minmhz;
    dmdp__papi_hw(model, sizeof model, &maxmhz, &minmhz);
    json_t *j = json_object(), *defs = json_object(), *regs = json_object();
    char full[DMDP_NAME_MAX + 16];
    const char *names[DMDP__MAX_EV];
    static char fulls[DMDP__MAX_EV][DMDP_NAME_MAX + 16];
    for (int i = 0; i < p->nhl; i++) {
        int e = p->hl_ev[i];
        snprintf(full, sizeof full, "%s%s", p->papi.source[e] == 's' ? "sde:::dmdprof::" : "", p->papi.names[e]);
        memcpy(fulls[i], full, sizeof full);
        names[i] = fulls[i];
        json_object_set_new(defs, names[i], json_pack("{s:s, s:s}", "component", dmdp__papi_component(&p->papi, e), "type",
                                                      p->papi.instant[e] ? "instant" : "delta"));
    }
    json_object_set_new(j, "papi_version", json_string("7.0.0.0"));
    json_object_set_new(j, "cpu_info", json_string(model));
    json_object_set_new(j, "max_cpu_rate_mhz", dmdp__str_ll(maxmhz));
    json_object_set_new(j, "min_cpu_rate_mhz", dmdp__str_ll(minmhz));
    json_object_set_new(j, "event_definitions", defs);
    int written = 0;
    for (int r = 0; r < p->hl_nreg; r++) {
        const struct dmdp__hl_region *g = &p->hl_reg[r];
        if (!g->closed) continue; /* still open at stop */
        char id[16];
        snprintf(id, sizeof id, "%d", r);
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(p->phase[g->phase]));
        json_object_set_new(o, "parent_region_id", dmdp__str_ll(g->parent));
        json_object_set_new(o, "cycles", dmdp__str_ll(g->cyc));
        json_object_set_new(o, "real_time_nsec", dmdp__str_ll(g->ns));
        for (int i = 0; i < p->nhl; i++)
            json_object_set_new(o, names[i], dmdp__str_ll(p->hl_val[(size_t)r * (size_t)p->nhl + (size_t)i]));
        json_object_set_new(regs, id, o);
        written++;
    }
    json_object_set_new(j, "threads", json_pack("{s:{s:o}}", "0", "regions", regs));
    struct stat st;
    int direct = stat(path, &st) == 0 && !S_ISREG(st.st_mode); /* /dev/null, a FIFO: in place, no rename onto it */
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    int rc = json_dump_file(j, direct ? path : tmp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (rc == 0 && !direct && rename(tmp, path) != 0) rc = -1;
    if (rc != 0) {
        fprintf(stderr, "dmdp: cannot write %s: %s; PAPI high-level output not written\n", path, strerror(errno));
        if (!direct) unlink(tmp);
    } else if (p->hl_overflow) {
        fprintf(stderr, "dmdp: %s holds the first %d phase calls only (memory or the limit of %d)\n", path, written,
                DMDP__HL_MAX_REGIONS);
    }
    json_decref(j);
}

void dmdp_stop(dmdp *p)
{
    if (!p || !p->running) return;
    dmdp__charge(p, p->depth ? p->stack[p->depth - 1] : DMDP__OUTSIDE);
    dmd_phase_unlisten(p->listen_measure);
    if (p->listen_cg >= 0) {
        dmd_phase_unlisten(p->listen_cg);
        dmdp__cg_owner = NULL;
    }
    p->listen_measure = p->listen_cg = -1;
    if (p->hl_on) dmdp__hl_write(p);
    dmdp__papi_close(&p->papi);
    dmdp__energy_close(&p->energy);
    p->running = 0;
}

void dmdp_free(dmdp *p)
{
    if (!p) return;
    dmdp_stop(p);
    free(p->hl_reg);
    free(p->hl_val);
    free(p);
}

static int dmdp__energy_ok(const dmdp *p) { return p->energy.nzones > 0 && !p->energy_failed; }
static const char *dmdp__energy_reason(const dmdp *p)
{
    return p->energy_failed ? "reading a powercap energy_uj file failed during the run" : p->energy.reason;
}
static int dmdp__event_counted(const dmdp *p, int e) { return p->papi.ok[e] && !p->papi_failed; }

int dmdp_complete(const dmdp *p)
{
    if (!p || p->overflow || p->papi_failed) return 0;
    if (p->energy_wanted && !dmdp__energy_ok(p)) return 0;
    for (int e = 0; e < p->papi.nev; e++)
        if (!p->papi.ok[e] && !p->papi.skipped[e]) return 0;
    return 1;
}

/* Row k of the output: 0..nphases-1 the phases, then outside, then total. */
static const char *dmdp__row_name(const dmdp *p, int k)
{
    if (k < p->nphases) return p->phase[k];
    return k == p->nphases ? "outside" : "total";
}
static int dmdp__row_acc(const dmdp *p, int k) { return k < p->nphases ? k : DMDP__OUTSIDE; }

static long long dmdp__sum_ns(const dmdp *p, int k)
{
    if (k <= p->nphases) return p->ns[dmdp__row_acc(p, k)];
    long long s = p->ns[DMDP__OUTSIDE];
    for (int i = 0; i < p->nphases; i++) s += p->ns[i];
    return s;
}
static long long dmdp__sum_calls(const dmdp *p, int k)
{
    if (k <= p->nphases) return p->calls[dmdp__row_acc(p, k)];
    long long s = 0;
    for (int i = 0; i < p->nphases; i++) s += p->calls[i];
    return s;
}
static long long dmdp__sum_papi(const dmdp *p, int k, int e)
{
    if (k <= p->nphases) return p->papi_acc[dmdp__row_acc(p, k)][e];
    if (p->papi.instant[e]) return p->last_papi[e]; /* total of a level: the last reading */
    long long s = p->papi_acc[DMDP__OUTSIDE][e];
    for (int i = 0; i < p->nphases; i++) s += p->papi_acc[i][e];
    return s;
}
static long long dmdp__sum_energy(const dmdp *p, int k, int z)
{
    if (k <= p->nphases) return p->energy_acc[dmdp__row_acc(p, k)][z];
    long long s = p->energy_acc[DMDP__OUTSIDE][z];
    for (int i = 0; i < p->nphases; i++) s += p->energy_acc[i][z];
    return s;
}
static const char *dmdp__source(const dmdp *p, int e) { return p->papi.source[e] == 's' ? "sde" : "papi"; }

static void dmdp__row(dmd_csv *w, const char *run_id, const char *ph, const char *source, const char *event)
{
    dmd_csv_str(w, run_id);
    dmd_csv_str(w, ph);
    dmd_csv_str(w, source);
    dmd_csv_str(w, event);
}

int dmdp_write_csv(const dmdp *p, FILE *f, const char *run_id, int header)
{
    static const char *const head[] = {"run_id", "phase", "source", "event", "value", NULL};
    dmd_csv w;
    dmd_csv_init(&w, f, DMDP_CSV_SCHEMA);
    if (header) dmd_csv_header(&w, head);
    for (int k = 0; k <= p->nphases + 1; k++) {
        const char *ph = dmdp__row_name(p, k);
        dmdp__row(&w, run_id, ph, "timer", "seconds");
        dmd_csv_real(&w, "%.9f", dmdp__sum_ns(p, k) * 1e-9);
        dmd_csv_end(&w);
        if (k != p->nphases) {
            dmdp__row(&w, run_id, ph, "timer", "calls");
            dmd_csv_int(&w, dmdp__sum_calls(p, k));
            dmd_csv_end(&w);
        }
        for (int e = 0; e < p->papi.nev; e++) {
            if (p->papi.skipped[e]) continue;
            dmdp__row(&w, run_id, ph, dmdp__source(p, e), p->papi.names[e]);
            if (dmdp__event_counted(p, e))
                dmd_csv_int(&w, dmdp__sum_papi(p, k, e));
            else
                dmd_csv_empty(&w);
            dmd_csv_end(&w);
        }
        if (p->energy_wanted && dmdp__energy_ok(p))
            for (int z = 0; z < p->energy.nzones; z++) {
                dmdp__row(&w, run_id, ph, "energy", p->energy.names[z]);
                dmd_csv_int(&w, dmdp__sum_energy(p, k, z));
                dmd_csv_end(&w);
            }
        else if (p->energy_wanted) {
            dmdp__row(&w, run_id, ph, "energy", "energy_uj");
            dmd_csv_empty(&w);
            dmd_csv_end(&w);
        }
    }
    return ferror(f) ? -1 : 0;
}

static void dmdp__missing(json_t *arr, const char *source, const char *event, const char *reason)
{
    json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "source", source, "event", event, "reason", reason));
}

/* {"events":[..], "values":{phase:{event:value|null}}} of the events of one source. */
static json_t *dmdp__json_source(const dmdp *p, char source)
{
    json_t *o = json_object(), *events = json_array(), *values = json_object();
    json_t *left_out = json_array();
    const char *why = NULL;
    for (int e = 0; e < p->papi.nev; e++)
        if (p->papi.source[e] == source && !p->papi.skipped[e])
            json_array_append_new(events, json_string(p->papi.names[e]));
        else if (p->papi.source[e] == source) {
            json_array_append_new(left_out, json_string(p->papi.names[e]));
            why = p->papi.reason[e];
        }
    if (why) {
        json_object_set_new(o, "not_counted", left_out);
        json_object_set_new(o, "not_counted_reason", json_string(why));
    } else {
        json_decref(left_out);
    }
    for (int k = 0; k <= p->nphases + 1; k++) {
        json_t *v = json_object();
        for (int e = 0; e < p->papi.nev; e++)
            if (p->papi.source[e] == source && !p->papi.skipped[e])
                json_object_set_new(v, p->papi.names[e],
                                    dmdp__event_counted(p, e) ? json_integer(dmdp__sum_papi(p, k, e)) : json_null());
        json_object_set_new(values, dmdp__row_name(p, k), v);
    }
    json_object_set_new(o, "events", events);
    json_object_set_new(o, "values", values);
    return o;
}

json_t *dmdp_json(const dmdp *p)
{
    json_t *j = json_object(), *phases = json_array(), *timer = json_object(), *missing = json_array();
    for (int i = 0; i < p->nphases; i++) json_array_append_new(phases, json_string(p->phase[i]));
    for (int k = 0; k <= p->nphases + 1; k++) {
        json_t *t = json_pack("{s:f}", "seconds", dmdp__sum_ns(p, k) * 1e-9);
        if (k != p->nphases) json_object_set_new(t, "calls", json_integer(dmdp__sum_calls(p, k)));
        json_object_set_new(timer, dmdp__row_name(p, k), t);
    }
    for (int e = 0; e < p->papi.nev; e++) {
        if (p->papi.skipped[e]) continue;
        if (!p->papi.ok[e])
            dmdp__missing(missing, dmdp__source(p, e), p->papi.names[e], p->papi.reason[e]);
        else if (p->papi_failed)
            dmdp__missing(missing, dmdp__source(p, e), p->papi.names[e], p->papi_fail_reason);
    }
    if (p->overflow) dmdp__missing(missing, "timer", "*", "more distinct phase names than the probes hold; extra phases counted as outside");
    if (p->energy_wanted && !dmdp__energy_ok(p)) dmdp__missing(missing, "energy", "energy_uj", dmdp__energy_reason(p));
    json_t *papi = dmdp__json_source(p, 'p');
    json_object_set_new(papi, "multiplexed", json_boolean(p->papi.multiplexed));
    json_t *inst = json_array();
    for (int e = 0; e < p->papi.nev; e++)
        if (p->papi.instant[e]) json_array_append_new(inst, json_string(p->papi.names[e]));
    json_object_set_new(papi, "instant", inst);
    if (p->papi.note[0]) json_object_set_new(papi, "note", json_string(p->papi.note));
    json_object_set_new(j, "phases", phases);
    json_object_set_new(j, "attribution", json_string("exclusive: innermost open phase; outside = between phases"));
    json_object_set_new(j, "timer", timer);
    json_object_set_new(j, "papi", papi);
    json_object_set_new(j, "sde", dmdp__json_source(p, 's'));
    if (p->energy_wanted) {
        json_t *en = json_object(), *ev = json_array(), *vals = json_object();
        for (int z = 0; z < p->energy.nzones; z++) json_array_append_new(ev, json_string(p->energy.names[z]));
        for (int k = 0; k <= p->nphases + 1; k++) {
            json_t *v = json_object();
            for (int z = 0; z < p->energy.nzones; z++)
                json_object_set_new(v, p->energy.names[z],
                                    dmdp__energy_ok(p) ? json_integer(dmdp__sum_energy(p, k, z)) : json_null());
            if (!p->energy.nzones) json_object_set_new(v, "energy_uj", json_null());
            json_object_set_new(vals, dmdp__row_name(p, k), v);
        }
        json_object_set_new(en, "unit", json_string("microjoules (powercap energy_uj), exclusive per phase"));
        json_object_set_new(en, "events", ev);
        json_object_set_new(en, "values", vals);
        if (!dmdp__energy_ok(p)) json_object_set_new(en, "reason", json_string(dmdp__energy_reason(p)));
        json_object_set_new(j, "energy", en);
    }
    json_object_set_new(j, "missing", missing);
    json_object_set_new(j, "complete", json_boolean(dmdp_complete(p)));
    return j;
}
