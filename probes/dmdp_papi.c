/*
 * dmdp_papi.c -- PAPI event preflight and event set, SDE export, the
 * `dmdprof probes` report.  Without DMDPROF_HAVE_PAPI everything compiles to
 * stubs that report "not built with PAPI".
 *
 * Preflight, per event, in the order PAPI would fail:
 *   1. the name is known (PAPI_event_name_to_code);
 *   2. a preset maps to native events on this machine (PAPI_query_event);
 *   3. the event can be added to an event set alone and started;
 * then all good events go into one set; an event that conflicts with the ones
 * before it is dropped (or, if starting the whole set fails for lack of
 * counters, the set is rebuilt multiplexed).  Every dropped event keeps PAPI's
 * reason plus a hint, and the run goes on.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "dmdp_int.h"

#ifdef DMDPROF_HAVE_PAPI
#include <papi.h>
#include <sde_lib.h>
#endif

int dmdp_have_papi(void)
{
#ifdef DMDPROF_HAVE_PAPI
    return 1;
#else
    return 0;
#endif
}

/* Append the items of a comma list; "default" expands to the defaults and
 * "sde" only sets *sde (our SDE counters, no listed event). */
static void dmdp__papi_add_list(dmdp__papi *pp, const char *s, int *sde)
{
    while (*s) {
        const char *e = s;
        while (*e && *e != ',') e++;
        const char *a = s, *b = e;
        while (a < b && isspace((unsigned char)*a)) a++;
        while (b > a && isspace((unsigned char)b[-1])) b--;
        size_t n = (size_t)(b - a);
        if (n == 7 && !strncmp(a, "default", 7)) {
            dmdp__papi_add_list(pp, DMDP_DEFAULT_EVENTS, sde);
        } else if (n == 3 && !strncmp(a, "sde", 3)) {
            *sde = 1;
        } else if (n == 6 && !strncmp(a, "energy", 6)) {
            pp->want_energy = 1;
        } else if (n > 0 && pp->nev == DMDP_MAX_EVENTS) {
            fprintf(stderr, "dmdp: more than %d PAPI events listed; '%.*s' and the rest are ignored\n", DMDP_MAX_EVENTS,
                    (int)n, a);
            return;
        } else if (n > 0) {
            int k = pp->nev++;
            /* PAPI_EVENTS' qualifier: "NAME=instant" reports the value read
             * (a level, e.g. a temperature), not its growth; "=delta" is the default */
            const char *eq = memchr(a, '=', n);
            size_t nn = eq ? (size_t)(eq - a) : n;
            if (nn >= DMDP_NAME_MAX) nn = DMDP_NAME_MAX - 1;
            memcpy(pp->names[k], a, nn);
            pp->names[k][nn] = 0;
            pp->ok[k] = 0;
            pp->skipped[k] = 0;
            pp->source[k] = 'p';
            pp->instant[k] = eq && (size_t)(b - eq - 1) == 7 && !strncmp(eq + 1, "instant", 7);
            pp->bad_qualifier[k] = eq && !pp->instant[k] && !((size_t)(b - eq - 1) == 5 && !strncmp(eq + 1, "delta", 5));
            if (pp->bad_qualifier[k])
                snprintf(pp->reason[k], DMDP__REASON_MAX, "unknown qualifier '=%.*s' (PAPI_EVENTS knows =instant and =delta)",
                         (int)(b - eq - 1), eq + 1);
            else
                snprintf(pp->reason[k], DMDP__REASON_MAX, "not built with PAPI (install libpapi-dev and rebuild)");
        }
        s = *e ? e + 1 : e;
    }
}

int dmdp__papi_parse(dmdp__papi *pp, const char *list)
{
    int sde = 0;
    pp->nev = pp->nlisted = 0;
    pp->want_energy = 0;
    pp->ncounted = pp->nsets = 0;
    if (!list) list = getenv("PAPI_EVENTS");
    if (!list) list = DMDP_DEFAULT_EVENTS;
    while (isspace((unsigned char)*list)) list++;
    if (!strcmp(list, "none")) return 1;
    dmdp__papi_add_list(pp, list, &sde);
    pp->nlisted = pp->nev;
    return pp->nev || sde ? 0 : 1;
}

/* ---- registry of our SDE counters (names for auto-counting and listing) ---- */
static struct {
    char name[DMDP_NAME_MAX];
    char *descr;
    int auto_count;
} dmdp__sde_reg[DMDP_MAX_SDE];
static int dmdp__nsde;

#ifdef DMDPROF_HAVE_PAPI
static int dmdp__sde_overflow;
static void dmdp__sde_remember(const char *name, const char *descr, int auto_count)
{
    for (int i = 0; i < dmdp__nsde; i++)
        if (!strcmp(dmdp__sde_reg[i].name, name)) return;
    if (dmdp__nsde == DMDP_MAX_SDE) {
        if (!dmdp__sde_overflow++)
            fprintf(stderr, "dmdp: more than %d SDE counters; the rest are exported but not counted per phase\n",
                    DMDP_MAX_SDE);
        return;
    }
    snprintf(dmdp__sde_reg[dmdp__nsde].name, DMDP_NAME_MAX, "%s", name);
    dmdp__sde_reg[dmdp__nsde].descr = descr ? strdup(descr) : NULL;
    dmdp__sde_reg[dmdp__nsde].auto_count = auto_count;
    dmdp__nsde++;
}

static void dmdp__sde_forget(const char *name)
{
    for (int i = 0; i < dmdp__nsde; i++)
        if (!strcmp(dmdp__sde_reg[i].name, name)) {
            free(dmdp__sde_reg[i].descr);
            dmdp__sde_reg[i] = dmdp__sde_reg[--dmdp__nsde];
            return;
        }
}
#endif

void dmdp__papi_add_sde(dmdp__papi *pp)
{
    for (int i = 0; i < dmdp__nsde && pp->nev < DMDP__MAX_EV; i++) {
        if (!dmdp__sde_reg[i].auto_count) continue;
        int e = pp->nev++;
        memcpy(pp->names[e], dmdp__sde_reg[i].name, DMDP_NAME_MAX);
        pp->source[e] = 's';
        pp->ok[e] = 0;
        pp->skipped[e] = 0;
        pp->instant[e] = pp->bad_qualifier[e] = 0;
        snprintf(pp->reason[e], DMDP__REASON_MAX, "not built with PAPI (install libpapi-dev and rebuild)");
    }
}

/* The "energy" keyword of the list: which powercap zones are counted, or why none. */
static void dmdp__energy_report(FILE *f, const dmdp__papi *pp)
{
    if (!pp->want_energy) return;
    dmdp__energy *en = calloc(1, sizeof *en);
    if (!en) return;
    if (dmdp__energy_open(en)) {
        fprintf(f, "energy: %d powercap zone(s), microjoules per phase:", en->nzones);
        for (int z = 0; z < en->nzones; z++) fprintf(f, " %s", en->names[z]);
        fputc('\n', f);
        dmdp__energy_close(en);
    } else {
        fprintf(f, "energy: unavailable: %s\n", en->reason);
    }
    free(en);
}

/* ---- is there a CPU PMU? (no PAPI needed) ---- */

int dmdp__no_cpu_pmu(char *out, size_t n)
{
    const char *dir = getenv("DMDP_EVENT_SOURCE_DIR");
    if (!dir) dir = "/sys/bus/event_source/devices";
    out[0] = 0;
    DIR *d = opendir(dir);
    if (!d) return 0; /* no sysfs here: nothing to say */
    char list[256] = "";
    size_t len = 0;
    int cpu = 0, nlisted = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *nm = e->d_name;
        if (nm[0] == '.') continue;
        /* the core PMU: "cpu" on x86 (cpu_core/cpu_atom on hybrid Intel), armv8_pmuv3_* / armv7_* on Arm */
        if (!strcmp(nm, "cpu") || !strncmp(nm, "cpu_", 4) || !strncmp(nm, "armv", 4) || !strncmp(nm, "arm_", 4) ||
            !strcmp(nm, "power_pmu") || !strncmp(nm, "riscv", 5))
            cpu = 1;
        if (len + strlen(nm) + 2 < sizeof list) len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", nlisted++ ? " " : "", nm);
    }
    closedir(d);
    if (cpu) return 0;
    int paranoid = -9;
    FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
    if (f) {
        if (fscanf(f, "%d", &paranoid) != 1) paranoid = -9;
        fclose(f);
    }
    char par[64] = "";
    if (paranoid != -9) snprintf(par, sizeof par, " (now %d)", paranoid);
    snprintf(out, n,
             "no CPU PMU under %s (it lists: %s): this kernel exposes no hardware counters, as in a VM without a "
             "virtual PMU. Hardware counters need bare metal, or a VM with PMU passthrough (QEMU/KVM: -cpu "
             "host,pmu=on; libvirt: <cpu mode='host-passthrough'/> with <pmu state='on'/>; in a cloud, an instance "
             "type with a vPMU), and kernel.perf_event_paranoid <= 2 to count one's own process%s",
             dir, nlisted ? list : "nothing", par);
    return 1;
}

int dmdp_sde_write_list(FILE *f)
{
    for (int i = 0; i < dmdp__nsde; i++)
        fprintf(f, "%s\t%s\n", dmdp__sde_reg[i].name, dmdp__sde_reg[i].descr ? dmdp__sde_reg[i].descr : "");
    return ferror(f) ? -1 : 0;
}

#ifdef DMDPROF_HAVE_PAPI

/* PAPI_library_init once per process; returns 0 or the PAPI error code. */
static int dmdp__papi_init(void)
{
    static int done, rc;
    if (!done) {
        int v = PAPI_library_init(PAPI_VER_CURRENT);
        rc = v == PAPI_VER_CURRENT ? 0 : (v < 0 ? v : PAPI_EINVAL);
        done = 1;
    }
    return rc;
}

/* Why the CPU component cannot provide presets here, in a few words. */
static void dmdp__cpu_reason(char *out, size_t n)
{
    char pmu[DMDP__NOTE_MAX];
    if (dmdp__no_cpu_pmu(pmu, sizeof pmu)) {
        snprintf(out, n, "no CPU PMU under /sys/bus/event_source/devices: the kernel exposes no hardware counters "
                         "(a VM without a virtual PMU)");
        return;
    }
    int ncmp = PAPI_num_components();
    for (int c = 0; c < ncmp; c++) {
        const PAPI_component_info_t *ci = PAPI_get_component_info(c);
        if (!ci || strcmp(ci->name, "perf_event")) continue;
        if (ci->disabled)
            snprintf(out, n, "component perf_event disabled: %.200s", ci->disabled_reason);
        else if (ci->num_preset_events == 0)
            snprintf(out, n, "component perf_event is enabled but maps no presets for this CPU");
        else
            snprintf(out, n, "component perf_event maps %d presets, not this one", ci->num_preset_events);
        return;
    }
    snprintf(out, n, "no perf_event component in this PAPI build");
}

static const char *dmdp__hint(int rc)
{
    switch (rc) {
    case PAPI_ECNFLCT:
    case PAPI_ECOMBO:
    case PAPI_EMULPASS:
        return "too many events for the counters: use fewer events or multiplexing";
    case PAPI_EPERM:
        return "permission denied: lower /proc/sys/kernel/perf_event_paranoid (e.g. to 2 or less)";
    case PAPI_ENOCMP:
    case PAPI_ECMP:
        return "its PAPI component is disabled or does not support this (papi_component_avail says why)";
    default:
        return "papi_avail -a and papi_native_avail list the events this machine has";
    }
}

/* Preflight one event alone; returns its code, or sets reason and returns 0 with *ok = 0. */
static void dmdp__check_event(dmdp__papi *pp, int e, int *code)
{
    if (pp->bad_qualifier[e]) return; /* its reason is set */
    char full[DMDP_NAME_MAX + 16];
    snprintf(full, sizeof full, "%s%s", pp->source[e] == 's' ? "sde:::dmdprof::" : "", pp->names[e]);
    const char *name = full;
    char why[256];
    int rc = PAPI_event_name_to_code(name, code);
    if (rc != PAPI_OK) {
        if (!strncmp(name, "sde:::", 6))
            snprintf(pp->reason[e], DMDP__REASON_MAX,
                     "no such software-defined event (PAPI: %s); SDE counters must be registered before the probes start",
                     PAPI_strerror(rc));
        else
            snprintf(pp->reason[e], DMDP__REASON_MAX, "no such event here (PAPI: %s); list events with papi_avail and papi_native_avail",
                     PAPI_strerror(rc));
        return;
    }
    if (IS_PRESET(*code) && PAPI_query_event(*code) != PAPI_OK) {
        dmdp__cpu_reason(why, sizeof why);
        snprintf(pp->reason[e], DMDP__REASON_MAX, "preset not available on this machine (%s)", why);
        return;
    }
    int es = PAPI_NULL;
    if ((rc = PAPI_create_eventset(&es)) != PAPI_OK) {
        snprintf(pp->reason[e], DMDP__REASON_MAX, "PAPI_create_eventset failed: %s", PAPI_strerror(rc));
        return;
    }
    rc = PAPI_add_event(es, *code);
    if (rc == PAPI_OK) {
        rc = PAPI_start(es);
        if (rc == PAPI_OK) {
            long long v[1];
            PAPI_stop(es, v);
        }
        else
            snprintf(pp->reason[e], DMDP__REASON_MAX, "cannot be started (PAPI: %s): %s", PAPI_strerror(rc), dmdp__hint(rc));
    } else {
        snprintf(pp->reason[e], DMDP__REASON_MAX, "cannot be added to an event set (PAPI: %s): %s", PAPI_strerror(rc),
                 dmdp__hint(rc));
    }
    PAPI_cleanup_eventset(es);
    PAPI_destroy_eventset(&es);
    if (rc == PAPI_OK) pp->ok[e] = 1;
}

/* Start set k; on failure retry it multiplexed (perf_event counters only),
 * else drop its events with the reason.  Returns 1 if it runs. */
static int dmdp__start_set(dmdp__papi *pp, int k, const int *codes)
{
    int rc = PAPI_start(pp->sets[k].eventset);
    if (rc == PAPI_OK) return 1;
    int es = pp->sets[k].eventset, mrc = PAPI_OK;
    PAPI_cleanup_eventset(es);
    if ((mrc = PAPI_multiplex_init()) == PAPI_OK && (mrc = PAPI_assign_eventset_component(es, pp->sets[k].cidx)) == PAPI_OK &&
        (mrc = PAPI_set_multiplex(es)) == PAPI_OK) {
        for (int i = 0; i < pp->sets[k].n && mrc == PAPI_OK; i++) mrc = PAPI_add_event(es, codes[pp->sets[k].ev[i]]);
        if (mrc == PAPI_OK) mrc = PAPI_start(es);
    }
    if (mrc == PAPI_OK) {
        pp->sets[k].multiplexed = pp->multiplexed = 1;
        snprintf(pp->note, sizeof pp->note, "events multiplexed: values are PAPI's estimates");
        return 1;
    }
    for (int i = 0; i < pp->sets[k].n; i++) {
        int e = pp->sets[k].ev[i];
        pp->ok[e] = 0;
        snprintf(pp->reason[e], DMDP__REASON_MAX,
                 "the events of its component cannot be counted together, even multiplexed (PAPI_start: %s): use "
                 "fewer events",
                 PAPI_strerror(rc));
    }
    PAPI_cleanup_eventset(es);
    PAPI_destroy_eventset(&pp->sets[k].eventset);
    pp->sets[k].n = 0;
    return 0;
}

/* The set of component cidx (created on first use), or -1 when full. */
static int dmdp__set_for(dmdp__papi *pp, int cidx)
{
    for (int k = 0; k < pp->nsets; k++)
        if (pp->sets[k].cidx == cidx) return k;
    if (pp->nsets == DMDP__MAX_SETS) return -1;
    int k = pp->nsets;
    pp->sets[k].eventset = PAPI_NULL;
    if (PAPI_create_eventset(&pp->sets[k].eventset) != PAPI_OK) return -1;
    pp->sets[k].cidx = cidx;
    pp->sets[k].n = 0;
    pp->sets[k].multiplexed = 0;
    pp->nsets++;
    return k;
}

void dmdp__papi_open(dmdp__papi *pp, int quiet)
{
    int codes[DMDP__MAX_EV];
    int rc = dmdp__papi_init();
    pp->nsets = 0;
    pp->ncounted = 0;
    if (rc != 0) {
        for (int e = 0; e < pp->nev; e++)
            snprintf(pp->reason[e], DMDP__REASON_MAX, "PAPI could not start (PAPI_library_init: %s)", PAPI_strerror(rc));
        snprintf(pp->note, sizeof pp->note, "PAPI could not start (PAPI_library_init: %s)", PAPI_strerror(rc));
        if (!quiet) fprintf(stderr, "dmdp: %s; PAPI values are missing, the run goes on\n", pp->note);
        return;
    }
    for (int e = 0; e < pp->nev; e++) {
        codes[e] = 0;
        dmdp__check_event(pp, e, &codes[e]);
    }
    /* One event set per component (PAPI binds a set to one component); an
     * event named twice (listed and auto-added SDE) is read once. */
    for (int e = 0; e < pp->nev; e++) {
        pp->alias[e] = -1;
        if (!pp->ok[e]) continue;
        for (int a = 0; a < e && pp->alias[e] < 0; a++)
            if (pp->ok[a] && pp->alias[a] < 0 && codes[a] == codes[e]) pp->alias[e] = a;
        if (pp->alias[e] >= 0) {
            pp->cidx[e] = pp->cidx[pp->alias[e]];
            continue;
        }
        pp->cidx[e] = PAPI_get_event_component(codes[e]);
        int k = dmdp__set_for(pp, pp->cidx[e]);
        if (k < 0) {
            pp->ok[e] = 0;
            snprintf(pp->reason[e], DMDP__REASON_MAX, "events from more than %d PAPI components: use fewer",
                     DMDP__MAX_SETS);
            continue;
        }
        rc = PAPI_add_event(pp->sets[k].eventset, codes[e]);
        if (rc != PAPI_OK && pp->source[e] == 's') {
            /* An automatic SDE beyond what the component counts at once
             * (40 for PAPI 7.0's sde): not requested, so left out, not missing. */
            const PAPI_component_info_t *ci = PAPI_get_component_info(pp->sets[k].cidx);
            pp->ok[e] = 0;
            pp->skipped[e] = 1;
            snprintf(pp->reason[e], DMDP__REASON_MAX,
                     "PAPI's sde component counts at most %d events at once; name it in the event list to count it",
                     ci ? ci->num_cntrs : -1);
            continue;
        }
        if (rc != PAPI_OK) {
            pp->ok[e] = 0;
            snprintf(pp->reason[e], DMDP__REASON_MAX,
                     "cannot be counted together with the events listed before it (PAPI: %s): %s", PAPI_strerror(rc),
                     dmdp__hint(rc));
            continue;
        }
        pp->sets[k].ev[pp->sets[k].n++] = e;
    }
    for (int k = 0; k < pp->nsets; k++)
        if (pp->sets[k].n && dmdp__start_set(pp, k, codes)) pp->ncounted += pp->sets[k].n;
    for (int e = 0; e < pp->nev; e++)
        if (pp->ok[e] && pp->alias[e] >= 0 && !pp->ok[pp->alias[e]]) {
            pp->ok[e] = 0;
            memcpy(pp->reason[e], pp->reason[pp->alias[e]], DMDP__REASON_MAX);
        }
    int hw_missing = 0;
    for (int e = 0; e < pp->nlisted; e++) hw_missing |= !pp->ok[e] && strncmp(pp->names[e], "sde:::", 6);
    if (hw_missing && !pp->note[0] && dmdp__no_cpu_pmu(pp->note, sizeof pp->note) && !quiet)
        fprintf(stderr, "dmdp: %s\n", pp->note);
    int nskip = 0, first = -1;
    for (int e = 0; e < pp->nev; e++) {
        if (pp->skipped[e] && nskip++ == 0) first = e;
        if (!quiet && !pp->ok[e] && !pp->skipped[e])
            fprintf(stderr, "dmdp: %s %s: %s; written as missing\n", pp->source[e] == 's' ? "SDE" : "PAPI event",
                    pp->names[e], pp->reason[e]);
    }
    if (nskip && !quiet)
        fprintf(stderr, "dmdp: %d of the registered SDE counters (from %s on) are not counted per phase: %s\n", nskip,
                pp->names[first], pp->reason[first]);
}

int dmdp__papi_read(dmdp__papi *pp, long long *vals)
{
    long long v[DMDP__MAX_EV];
    for (int k = 0; k < pp->nsets; k++) {
        if (!pp->sets[k].n) continue;
        if (PAPI_read(pp->sets[k].eventset, v) != PAPI_OK) return -1;
        for (int i = 0; i < pp->sets[k].n; i++) vals[pp->sets[k].ev[i]] = v[i];
    }
    for (int e = 0; e < pp->nev; e++)
        if (pp->ok[e] && pp->alias[e] >= 0) vals[e] = vals[pp->alias[e]];
    return 0;
}

void dmdp__papi_close(dmdp__papi *pp)
{
    long long v[DMDP__MAX_EV];
    for (int k = 0; k < pp->nsets; k++) {
        if (pp->sets[k].n) PAPI_stop(pp->sets[k].eventset, v);
        PAPI_cleanup_eventset(pp->sets[k].eventset);
        PAPI_destroy_eventset(&pp->sets[k].eventset);
    }
    pp->nsets = 0;
    pp->ncounted = 0;
}

int dmdp_papi_report(FILE *f, const char *papi_events)
{
    int rc = dmdp__papi_init();
    if (rc != 0) {
        fprintf(f, "PAPI %d.%d.%d: PAPI_library_init failed: %s\n", PAPI_VERSION_MAJOR(PAPI_VERSION),
                PAPI_VERSION_MINOR(PAPI_VERSION), PAPI_VERSION_REVISION(PAPI_VERSION), PAPI_strerror(rc));
        return 0;
    }
    fprintf(f, "PAPI %d.%d.%d components:\n", PAPI_VERSION_MAJOR(PAPI_VERSION), PAPI_VERSION_MINOR(PAPI_VERSION),
            PAPI_VERSION_REVISION(PAPI_VERSION));
    fprintf(f, "  %-18s %-8s %8s %8s  %s\n", "component", "enabled", "natives", "presets", "reason / note");
    for (int c = 0; c < PAPI_num_components(); c++) {
        const PAPI_component_info_t *ci = PAPI_get_component_info(c);
        if (!ci) continue;
        const char *note = ci->disabled ? ci->disabled_reason : "";
        if (!ci->disabled && !strcmp(ci->name, "perf_event") && ci->num_preset_events == 0)
            note = "no presets for this CPU; software events (perf::TASK-CLOCK ...) work";
        if (!ci->disabled && !strcmp(ci->name, "sde")) note = "software-defined events: sde:::dmdprof::NAME";
        fprintf(f, "  %-18s %-8s %8d %8d  %s\n", ci->name, ci->disabled ? "no" : "yes", ci->num_native_events,
                ci->num_preset_events, note);
    }
    char pmu[DMDP__NOTE_MAX];
    if (dmdp__no_cpu_pmu(pmu, sizeof pmu)) fprintf(f, "hardware counters: %s\n", pmu);
    dmdp__papi *pp = calloc(1, sizeof *pp);
    if (!pp) {
        fprintf(f, "out of memory\n");
        return 0;
    }
    int n = 0;
    if (dmdp__papi_parse(pp, papi_events) != 0) {
        fprintf(f, "no PAPI events requested\n");
    } else {
        dmdp__papi_open(pp, 1);
        fprintf(f, "events%s:\n", pp->multiplexed ? " (multiplexed)" : "");
        for (int e = 0; e < pp->nev; e++) {
            fprintf(f, "  %-24s %s%s\n", pp->names[e], pp->ok[e] ? "available" : pp->reason[e],
                    pp->ok[e] && pp->instant[e] ? " (=instant: the value read, not a difference)" : "");
            n += pp->ok[e];
        }
        dmdp__papi_close(pp);
    }
    dmdp__energy_report(f, pp);
    free(pp);
    return n;
}

void dmdp__papi_hw(char *model, size_t n, int *max_mhz, int *min_mhz)
{
    const PAPI_hw_info_t *hw = dmdp__papi_init() == 0 ? PAPI_get_hardware_info() : NULL;
    snprintf(model, n, "%s", hw ? hw->model_string : "");
    *max_mhz = hw ? hw->cpu_max_mhz : 0;
    *min_mhz = hw ? hw->cpu_min_mhz : 0;
}

const char *dmdp__papi_component(const dmdp__papi *pp, int e)
{
    const PAPI_component_info_t *ci = pp->ok[e] ? PAPI_get_component_info(pp->cidx[e]) : NULL;
    return ci ? ci->name : "";
}

long long dmdp__papi_cycles(void) { return PAPI_get_real_cyc(); }

/* ---- software-defined events ---- */

static papi_handle_t dmdp__sde_handle(void)
{
    static papi_handle_t h;
    if (!h) h = papi_sde_init("dmdprof");
    return h;
}

static int dmdp__sde_valid(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= DMDP_NAME_MAX) return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (isalnum(c) || c == '_') continue;
        if (c == ':' && name[i + 1] == ':' && i > 0 && name[i + 2] && name[i + 2] != ':') {
            i++;
            continue;
        }
        return 0;
    }
    return 1;
}

int dmdp_sde_counter(const char *name, const char *description, long long (*fn)(void *ctx), void *ctx)
{
    return dmdp_sde_counter_ex(name, description, fn, ctx, 1);
}

int dmdp_sde_counter_ex(const char *name, const char *description, long long (*fn)(void *ctx), void *ctx,
                        int auto_count)
{
    if (!name || !dmdp__sde_valid(name)) {
        fprintf(stderr, "dmdp: SDE name '%s' is invalid: use letters, digits, '_' and '::' between parts\n",
                name ? name : "(null)");
        return -1;
    }
    papi_handle_t h = dmdp__sde_handle();
    if (!h) {
        fprintf(stderr, "dmdp: papi_sde_init(\"dmdprof\") failed; SDE %s not exported\n", name);
        return -1;
    }
    int rc = papi_sde_register_counter_cb(h, name, PAPI_SDE_RO | PAPI_SDE_DELTA, PAPI_SDE_long_long, fn, ctx);
    if (rc != SDE_OK) {
        fprintf(stderr, "dmdp: registering SDE %s failed (libsde code %d)\n", name, rc);
        return -1;
    }
    if (description) papi_sde_describe_counter(h, name, description);
    dmdp__sde_remember(name, description, auto_count);
    return 0;
}

int dmdp_sde_unregister(const char *name)
{
    papi_handle_t h = dmdp__sde_handle();
    dmdp__sde_forget(name);
    return h && papi_sde_unregister_counter(h, name) == SDE_OK ? 0 : -1;
}

#else /* !DMDPROF_HAVE_PAPI */

void dmdp__papi_hw(char *model, size_t n, int *max_mhz, int *min_mhz)
{
    snprintf(model, n, "%s", "");
    *max_mhz = *min_mhz = 0;
}
const char *dmdp__papi_component(const dmdp__papi *pp, int e)
{
    (void)pp, (void)e;
    return "";
}
long long dmdp__papi_cycles(void) { return 0; }

void dmdp__papi_open(dmdp__papi *pp, int quiet)
{
    snprintf(pp->note, sizeof pp->note, "not built with PAPI (install libpapi-dev and rebuild)");
    if (!quiet && pp->nev) fprintf(stderr, "dmdp: %s; PAPI values are missing, the run goes on\n", pp->note);
}
int dmdp__papi_read(dmdp__papi *pp, long long *vals)
{
    (void)pp, (void)vals;
    return -1;
}
void dmdp__papi_close(dmdp__papi *pp) { pp->ncounted = 0; }
int dmdp_papi_report(FILE *f, const char *papi_events)
{
    fprintf(f, "PAPI: not built with PAPI (install libpapi-dev, reconfigure with -DDMDPROF_WITH_PAPI=ON)\n");
    dmdp__papi *pp = calloc(1, sizeof *pp);
    if (pp && dmdp__papi_parse(pp, papi_events) == 0) {
        fprintf(f, "events:\n");
        for (int e = 0; e < pp->nev; e++) fprintf(f, "  %-24s %s\n", pp->names[e], pp->reason[e]);
    }
    if (pp) dmdp__energy_report(f, pp);
    free(pp);
    return 0;
}
int dmdp_sde_counter(const char *name, const char *description, long long (*fn)(void *ctx), void *ctx)
{
    (void)name, (void)description, (void)fn, (void)ctx;
    return -2;
}
int dmdp_sde_counter_ex(const char *name, const char *description, long long (*fn)(void *ctx), void *ctx,
                        int auto_count)
{
    (void)name, (void)description, (void)fn, (void)ctx, (void)auto_count;
    return -2;
}
int dmdp_sde_unregister(const char *name)
{
    (void)name;
    return -2;
}

#endif

int dmdp_sde_name(char *out, size_t n, const char *const *parts, int nparts)
{
    size_t len = 0;
    for (int i = 0; i < nparts; i++) {
        if (i) {
            if (len + 2 >= n) return -1;
            out[len++] = ':';
            out[len++] = ':';
        }
        for (const char *s = parts[i]; *s; s++) {
            if (len + 1 >= n) return -1;
            unsigned char c = (unsigned char)*s;
            out[len++] = isalnum(c) || c == '_' ? (char)c : '_';
        }
        if (!parts[i][0]) {
            if (len + 1 >= n) return -1;
            out[len++] = '_';
        }
    }
    if (len >= n) return -1;
    out[len] = 0;
    return 0;
}
