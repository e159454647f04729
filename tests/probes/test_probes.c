/*
 * test_probes.c -- per-phase attribution, the preflight, SDE export read back
 * through PAPI, and the CSV/JSON rows.  Expected values are set by this test
 * (a counter it increments by known amounts inside known phases), so every
 * check is independent of the code under test.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dmd_phase.h"
#include "check.h"
#include "dmdp.h"

#ifdef DMDPROF_HAVE_PAPI
#include <papi.h>
#endif

/* CHECK(cond, fmt, ...) and check_failures: the shared test helpers. */

static long long ticks;
static long long read_ticks(void *ctx) { return *(long long *)ctx; }

static long long jint(json_t *j, const char *a, const char *b, const char *c, int *is_null)
{
    json_t *v = json_object_get(json_object_get(json_object_get(j, a), b), c);
    *is_null = !v || json_is_null(v);
    return json_is_integer(v) ? json_integer_value(v) : -1;
}

static void test_names(void)
{
    char buf[64];
    const char *parts[] = {"cost", "W hh", "back-ward"};
    CHECK(dmdp_sde_name(buf, sizeof buf, parts, 3) == 0 && !strcmp(buf, "cost::W_hh::back_ward"), "sde_name gave '%s'",
          buf);
    CHECK(dmdp_sde_name(buf, 8, parts, 3) == -1, "sde_name must refuse a too small buffer");
    if (dmdp_have_papi()) {
        CHECK(dmdp_sde_counter("a:b", NULL, read_ticks, &ticks) == -1, "single ':' must be refused");
        CHECK(dmdp_sde_counter("::x", NULL, read_ticks, &ticks) == -1, "leading '::' must be refused");
        CHECK(dmdp_sde_counter("x::", NULL, read_ticks, &ticks) == -1, "trailing '::' must be refused");
        CHECK(dmdp_sde_counter("x y", NULL, read_ticks, &ticks) == -1, "blank must be refused");
    }
}

#ifdef DMDPROF_HAVE_PAPI
/* Any PAPI client can read the counter: plain low-level API. */
static void test_sde_plain_papi(void)
{
    CHECK(dmdp_sde_counter("test::plain", "a counter of the test", read_ticks, &ticks) == 0, "register test::plain");
    int rc = PAPI_library_init(PAPI_VER_CURRENT);
    CHECK(rc == PAPI_VER_CURRENT || rc == PAPI_EINVAL /* already initialised by dmdp */, "PAPI_library_init %d", rc);
    int es = PAPI_NULL;
    long long v[1] = {-1};
    CHECK(PAPI_create_eventset(&es) == PAPI_OK, "create eventset");
    rc = PAPI_add_named_event(es, "sde:::dmdprof::test::plain");
    CHECK(rc == PAPI_OK, "PAPI_add_named_event(sde:::dmdprof::test::plain): %s", PAPI_strerror(rc));
    if (rc != PAPI_OK) return;
    ticks = 1000;
    CHECK(PAPI_start(es) == PAPI_OK, "PAPI_start");
    ticks += 12345;
    CHECK(PAPI_stop(es, v) == PAPI_OK, "PAPI_stop");
    CHECK(v[0] == 12345, "SDE read through PAPI: got %lld, want 12345 (difference %lld)", v[0], v[0] - 12345);
    PAPI_cleanup_eventset(es);
    PAPI_destroy_eventset(&es);
    printf("SDE sde:::dmdprof::test::plain read back through PAPI: %lld (want 12345)\n", v[0]);
}
#endif

/* Exclusive attribution of an SDE counted per phase by the probes. */
static void test_phases(void)
{
    int sde = dmdp_have_papi() && dmdp_sde_counter("test::per_phase", "per-phase test counter", read_ticks, &ticks) == 0;
    ticks = 0;
    dmdp *p = dmdp_start("sde:::dmdprof::test::per_phase, PAPI_TOT_INS ,NOT_AN_EVENT_XYZ,perf::TASK-CLOCK", 1);
    CHECK(p != NULL, "dmdp_start");
    if (!p) return;
    ticks += 3; /* outside */
    for (int step = 0; step < 2; step++) {
        dmd_phase_begin("forward");
        ticks += 7;
        dmd_phase_end("forward");
        dmd_phase_begin("backward");
        ticks += 11;
        dmd_phase_begin("update"); /* nested: its ticks are not backward's */
        ticks += 5;
        dmd_phase_end("update");
        ticks += 100;
        dmd_phase_end("backward");
    }
    ticks += 1; /* outside */
    dmdp_stop(p);
    json_t *j = dmdp_json(p);
    int isnull;
    const char *ev = "sde:::dmdprof::test::per_phase";
    struct {
        const char *phase;
        long long want;
    } exp[] = {{"forward", 14}, {"backward", 222}, {"update", 10}, {"outside", 4}, {"total", 250}};
    json_t *vals = json_object_get(json_object_get(j, "papi"), "values");
    for (size_t i = 0; i < sizeof exp / sizeof exp[0]; i++) {
        json_t *v = json_object_get(json_object_get(vals, exp[i].phase), ev);
        if (sde)
            CHECK(json_is_integer(v) && json_integer_value(v) == exp[i].want, "%s: %s = %lld, want %lld", exp[i].phase,
                  ev, json_is_integer(v) ? (long long)json_integer_value(v) : -1LL, exp[i].want);
        else
            CHECK(json_is_null(v), "%s: without PAPI the value must be null", exp[i].phase);
    }
    /* Registered SDE counters are also counted automatically, as source "sde". */
    json_t *svals = json_object_get(json_object_get(j, "sde"), "values");
    for (size_t i = 0; sde && i < sizeof exp / sizeof exp[0]; i++) {
        json_t *v = json_object_get(json_object_get(svals, exp[i].phase), "test::per_phase");
        CHECK(json_is_integer(v) && json_integer_value(v) == exp[i].want, "sde %s: test::per_phase = %lld, want %lld",
              exp[i].phase, json_is_integer(v) ? (long long)json_integer_value(v) : -1LL, exp[i].want);
    }
    /* A perf_event software event in the same list (another component, so
     * another event set): counted if this machine has it, and positive. */
    json_t *tc = json_object_get(json_object_get(vals, "total"), "perf::TASK-CLOCK");
    if (json_is_integer(tc)) {
        CHECK(json_integer_value(tc) > 0, "perf::TASK-CLOCK total %lld", (long long)json_integer_value(tc));
        printf("perf::TASK-CLOCK counted next to the SDE: %lld ns\n", (long long)json_integer_value(tc));
    }
    CHECK(jint(j, "timer", "forward", "calls", &isnull) == 2, "forward calls");
    CHECK(jint(j, "timer", "update", "calls", &isnull) == 2, "update calls");
    CHECK(jint(j, "timer", "total", "calls", &isnull) == 6, "total calls");
    /* The bogus event is missing, with a reason, and null; never 0. */
    json_t *bogus = json_object_get(json_object_get(vals, "forward"), "NOT_AN_EVENT_XYZ");
    CHECK(json_is_null(bogus), "unknown event must be null");
    int found = 0;
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(j, "missing"), i, m)
    {
        const char *e = json_string_value(json_object_get(m, "event"));
        const char *r = json_string_value(json_object_get(m, "reason"));
        if (e && !strcmp(e, "NOT_AN_EVENT_XYZ")) {
            found = 1;
            CHECK(r && (strstr(r, "no such event") || strstr(r, "not built with PAPI")), "reason for unknown event: %s", r);
        }
        if (e && !strcmp(e, "PAPI_TOT_INS")) printf("preflight: PAPI_TOT_INS: %s\n", r ? r : "?");
    }
    CHECK(found, "unknown event not listed in missing");
    CHECK(json_is_false(json_object_get(j, "complete")), "a run with a missing event is not complete");
    /* CSV: the missing value is an empty field, the SDE rows are exact. */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK(dmdp_write_csv(p, f, "t1", 1) == 0, "write csv");
    fclose(f);
    CHECK(!strncmp(buf, "schema,run_id,phase,source,event,value\n", 39), "csv header");
#define ROW "\n" DMDP_CSV_SCHEMA ",t1,"
    CHECK(strstr(buf, ROW "forward,papi,NOT_AN_EVENT_XYZ,\n") != NULL, "missing value must be an empty field");
    if (sde) CHECK(strstr(buf, ROW "backward,papi,sde:::dmdprof::test::per_phase,222\n") != NULL, "csv backward row");
    if (sde) CHECK(strstr(buf, ROW "total,sde,test::per_phase,250\n") != NULL, "csv sde total row");
    CHECK(strstr(buf, ROW "update,timer,calls,2\n") != NULL, "csv calls row");
#undef ROW
    free(buf);
    json_decref(j);
    dmdp_free(p);
}

/* "none" means no PAPI at all, and that is complete. */
static void test_none(void)
{
    dmdp *p = dmdp_start("none", 1);
    dmd_phase_begin("forward");
    dmd_phase_end("forward");
    dmdp_stop(p);
    CHECK(dmdp_complete(p), "no events requested: complete");
    dmdp_free(p);
}

/* Keywords: "default" expands to the five presets, "sde" counts only our SDEs. */
static void test_keywords(void)
{
    dmdp *p = dmdp_start("default", 1);
    json_t *j = dmdp_json(p);
    json_t *ev = json_object_get(json_object_get(j, "papi"), "events");
    CHECK(json_array_size(ev) == 5 && !strcmp(json_string_value(json_array_get(ev, 0)), "PAPI_TOT_INS"),
          "'default' gives %zu events", json_array_size(ev));
    json_decref(j);
    dmdp_free(p);
    p = dmdp_start("sde", 1);
    dmd_phase_begin("forward");
    ticks += 9;
    dmd_phase_end("forward");
    dmdp_stop(p);
    j = dmdp_json(p);
    CHECK(json_array_size(json_object_get(json_object_get(j, "papi"), "events")) == 0, "'sde' lists no PAPI event");
    if (dmdp_have_papi()) {
        json_t *v = json_object_get(
            json_object_get(json_object_get(json_object_get(j, "sde"), "values"), "forward"), "test::per_phase");
        CHECK(json_is_integer(v) && json_integer_value(v) == 9, "'sde': forward test::per_phase = %lld, want 9",
              json_is_integer(v) ? (long long)json_integer_value(v) : -1LL);
        CHECK(dmdp_complete(p), "'sde' with every SDE counted is complete");
    }
    json_decref(j);
    dmdp_free(p);
}

/* More SDE counters than PAPI's sde component counts at once: the first ones
 * are counted exactly, the others listed as not counted (no rows, no zeros),
 * and the run is still complete. */
static long long bulk[48];
static void test_sde_overflow(void)
{
    if (!dmdp_have_papi()) return;
    char name[32];
    for (int i = 0; i < 48; i++) {
        snprintf(name, sizeof name, "bulk::k%02d", i);
        CHECK(dmdp_sde_counter(name, NULL, read_ticks, &bulk[i]) == 0, "register %s", name);
    }
    dmdp *p = dmdp_start("sde", 1);
    dmd_phase_begin("update");
    for (int i = 0; i < 48; i++) bulk[i] += 1000 + i;
    dmd_phase_end("update");
    dmdp_stop(p);
    json_t *j = dmdp_json(p), *sde = json_object_get(j, "sde");
    json_t *vals = json_object_get(json_object_get(sde, "values"), "update");
    size_t counted = 0, bad = 0;
    for (int i = 0; i < 48; i++) {
        snprintf(name, sizeof name, "bulk::k%02d", i);
        json_t *v = json_object_get(vals, name);
        if (!v) continue;
        counted++;
        if (!json_is_integer(v) || json_integer_value(v) != 1000 + i) bad++;
    }
    size_t left = json_array_size(json_object_get(sde, "not_counted"));
    size_t nreg = json_array_size(json_object_get(sde, "events")) + left;
    printf("SDE overflow: %zu of %zu registered counters counted per phase, %zu left out (%s)\n",
           json_array_size(json_object_get(sde, "events")), nreg, left,
           json_string_value(json_object_get(sde, "not_counted_reason")));
    CHECK(counted > 0 && bad == 0, "bulk counters: %zu counted, %zu wrong", counted, bad);
    CHECK(left > 0, "48 + 3 counters exceed PAPI 7.0's sde limit of 40: some must be left out");
    CHECK(dmdp_complete(p), "left-out automatic SDEs do not make the run incomplete");
    json_decref(j);
    dmdp_free(p);
}

/* Write text to dir/name (the test's fake sysfs). */
static void put_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL, "cannot write %s", path);
    if (!f) return;
    fputs(text, f);
    fclose(f);
}
static char zone[400];
static void energy_at(long long uj)
{
    char b[32];
    snprintf(b, sizeof b, "%lld\n", uj);
    put_file(zone, "energy_uj", b);
}

static long long hl, level;

/* PAPI's high-level output (inclusive regions with parent ids, equal to the
 * exclusive rows plus their nested phases), the =instant qualifier, and the
 * energy of a fake powercap zone (wraps at 1000 uJ).  Every expected value is
 * set by the test: exclusive energy forward 250, backward 530 = 500 + 30,
 * update 130 = 30 + 1000 - 900 (wrapped), outside 51, total 961. */
static void test_hl_instant_energy(const char *tmp)
{
    char top[300], pc[300];
    snprintf(top, sizeof top, "%s/hlout", tmp);
    snprintf(pc, sizeof pc, "%s/powercap", tmp);
    snprintf(zone, sizeof zone, "%s/intel-rapl:0", pc);
    mkdir(pc, 0777);
    mkdir(zone, 0777);
    put_file(zone, "name", "package-0\n");
    put_file(zone, "max_energy_range_uj", "1000\n");
    energy_at(100);
    setenv("DMDP_POWERCAP_DIR", pc, 1);
    setenv("PAPI_OUTPUT_DIRECTORY", top, 1);
    int papi = dmdp_have_papi() && dmdp_sde_counter("test::hl", "delta test counter", read_ticks, &hl) == 0 &&
               dmdp_sde_counter("test::level", "instant test counter", read_ticks, &level) == 0;
    dmdp *p = dmdp_start("sde:::dmdprof::test::level=instant,energy", 1);
    hl += 3;
    energy_at(150);
    dmd_phase_begin("forward");
    hl += 7, level = 50;
    energy_at(400);
    dmd_phase_end("forward");
    dmd_phase_begin("backward");
    hl += 11, level = 70;
    energy_at(900);
    dmd_phase_begin("update");
    hl += 5, level = 80;
    energy_at(30);
    dmd_phase_end("update");
    hl += 100, level = 90;
    energy_at(60);
    dmd_phase_end("backward");
    level = 95;
    energy_at(61);
    dmdp_stop(p);
    unsetenv("PAPI_OUTPUT_DIRECTORY");
    unsetenv("DMDP_POWERCAP_DIR");
    json_t *j = dmdp_json(p);
    /* energy, exclusive */
    struct {
        const char *phase;
        long long uj, lvl, hl;
    } exp[] = {{"forward", 250, 50, 7}, {"backward", 530, 90, 111}, {"update", 130, 80, 5}, {"outside", 51, 95, 3},
               {"total", 961, 95, 126}};
    json_t *ev = json_object_get(json_object_get(j, "energy"), "values");
    for (size_t i = 0; i < 5; i++) {
        json_t *v = json_object_get(json_object_get(ev, exp[i].phase), "intel-rapl:0/package-0");
        CHECK(json_is_integer(v) && json_integer_value(v) == exp[i].uj, "energy %s = %lld, want %lld", exp[i].phase,
              json_is_integer(v) ? (long long)json_integer_value(v) : -1LL, exp[i].uj);
    }
    if (papi) {
        json_t *pv = json_object_get(json_object_get(j, "papi"), "values");
        json_t *sv = json_object_get(json_object_get(j, "sde"), "values");
        for (size_t i = 0; i < 5; i++) {
            json_t *v = json_object_get(json_object_get(pv, exp[i].phase), "sde:::dmdprof::test::level");
            CHECK(json_is_integer(v) && json_integer_value(v) == exp[i].lvl, "=instant %s = %lld, want %lld",
                  exp[i].phase, json_is_integer(v) ? (long long)json_integer_value(v) : -1LL, exp[i].lvl);
            v = json_object_get(json_object_get(sv, exp[i].phase), "test::hl");
            CHECK(json_is_integer(v) && json_integer_value(v) == exp[i].hl, "sde %s test::hl = %lld, want %lld",
                  exp[i].phase, json_is_integer(v) ? (long long)json_integer_value(v) : -1LL, exp[i].hl);
        }
        /* the high-level output: regions forward, backward, update (parent backward) */
        char dir[400], path[700] = "";
        snprintf(dir, sizeof dir, "%s/papi_hl_output", top);
        DIR *d = opendir(dir);
        struct dirent *e;
        while (d && (e = readdir(d)))
            if (!strncmp(e->d_name, "rank_", 5) && strstr(e->d_name, ".json"))
                snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (d) closedir(d);
        json_error_t err;
        json_t *h = path[0] ? json_load_file(path, 0, &err) : NULL;
        CHECK(h != NULL, "no parsable rank_*.json in %s", dir);
        json_t *defs = json_object_get(h, "event_definitions");
        CHECK(!strcmp(json_string_value(json_object_get(json_object_get(defs, "sde:::dmdprof::test::level"), "type")) ?: "",
                      "instant"),
              "test::level not defined as instant");
        CHECK(!strcmp(json_string_value(json_object_get(json_object_get(defs, "sde:::dmdprof::test::hl"), "type")) ?: "",
                      "delta"),
              "test::hl not defined as delta");
        json_t *regs = json_object_get(json_object_get(json_object_get(h, "threads"), "0"), "regions");
        CHECK(json_object_size(regs) == 3, "want 3 regions, got %zu", json_object_size(regs));
        const char *key;
        json_t *r;
        char back_id[16] = "?";
        json_object_foreach(regs, key, r) if (!strcmp(json_string_value(json_object_get(r, "name")), "backward"))
            snprintf(back_id, sizeof back_id, "%s", key);
        json_object_foreach(regs, key, r)
        {
            const char *nm = json_string_value(json_object_get(r, "name"));
            const char *par = json_string_value(json_object_get(r, "parent_region_id"));
            long long vhl = atoll(json_string_value(json_object_get(r, "sde:::dmdprof::test::hl")) ?: "-1");
            long long vlv = atoll(json_string_value(json_object_get(r, "sde:::dmdprof::test::level")) ?: "-1");
            long long want_hl = !strcmp(nm, "backward") ? 111 + 5 : !strcmp(nm, "forward") ? 7 : 5; /* inclusive */
            long long want_lv = !strcmp(nm, "backward") ? 90 : !strcmp(nm, "forward") ? 50 : 80;
            const char *want_par = !strcmp(nm, "update") ? back_id : "-1";
            CHECK(vhl == want_hl, "hl region %s: test::hl %lld, want %lld", nm, vhl, want_hl);
            CHECK(vlv == want_lv, "hl region %s: test::level %lld, want %lld", nm, vlv, want_lv);
            CHECK(par && !strcmp(par, want_par), "hl region %s: parent %s, want %s", nm, par ? par : "?", want_par);
            CHECK(json_is_string(json_object_get(r, "real_time_nsec")) && json_is_string(json_object_get(r, "cycles")),
                  "hl region %s: no real_time_nsec/cycles", nm);
        }
        printf("PAPI high-level output %s: %zu regions, inclusive, parents as expected\n", path, json_object_size(regs));
        json_decref(h);
    }
    /* a zone that cannot be read: missing with its reason, never 0 */
    setenv("DMDP_POWERCAP_DIR", "/nonexistent/powercap", 1);
    dmdp *q = dmdp_start("energy", 1);
    dmd_phase_begin("forward");
    dmd_phase_end("forward");
    dmdp_stop(q);
    unsetenv("DMDP_POWERCAP_DIR");
    json_t *k = dmdp_json(q);
    json_t *m = json_object_get(json_object_get(json_object_get(k, "energy"), "values"), "forward");
    CHECK(json_is_null(json_object_get(m, "energy_uj")), "missing energy must be null");
    const char *why = json_string_value(json_object_get(json_object_get(k, "energy"), "reason"));
    CHECK(why && strstr(why, "/nonexistent/powercap"), "energy reason: %s", why ? why : "(none)");
    CHECK(!dmdp_complete(q), "missing energy makes the run incomplete");
    json_decref(k);
    dmdp_free(q);
    json_decref(j);
    dmdp_free(p);
}

/* No CPU PMU under /sys/bus/event_source/devices: the note says so and what
 * would make counters available; with a "cpu" PMU it does not. */
static void test_pmu(const char *tmp)
{
    if (!dmdp_have_papi()) return;
    char d1[300], d2[300];
    snprintf(d1, sizeof d1, "%s/es_vm", tmp);
    snprintf(d2, sizeof d2, "%s/es_metal", tmp);
    mkdir(d1, 0777), mkdir(d2, 0777);
    for (int k = 0; k < 2; k++) {
        char sub[400];
        const char *base = k ? d2 : d1;
        snprintf(sub, sizeof sub, "%s/software", base), mkdir(sub, 0777);
        snprintf(sub, sizeof sub, "%s/tracepoint", base), mkdir(sub, 0777);
        if (k) snprintf(sub, sizeof sub, "%s/cpu", base), mkdir(sub, 0777);
        setenv("DMDP_EVENT_SOURCE_DIR", base, 1);
        dmdp *p = dmdp_start("PAPI_TOT_INS", 1);
        dmdp_stop(p);
        json_t *j = dmdp_json(p);
        const char *note = json_string_value(json_object_get(json_object_get(j, "papi"), "note"));
        int says = note && strstr(note, "no CPU PMU") && strstr(note, "bare metal") && strstr(note, "pmu=on") &&
               strstr(note, "perf_event_paranoid");
        if (k == 0) {
            CHECK(says, "VM without PMU: note '%s'", note ? note : "(none)");
            printf("no PMU: %s\n", note ? note : "?");
        } else {
            CHECK(!note || !strstr(note, "no CPU PMU"), "with a cpu PMU the note must not say none: %s", note);
        }
        json_decref(j);
        dmdp_free(p);
    }
    unsetenv("DMDP_EVENT_SOURCE_DIR");
}

int main(void)
{
    test_names();
#ifdef DMDPROF_HAVE_PAPI
    test_sde_plain_papi();
#endif
    test_phases();
    test_none();
    test_keywords();
    char tmp[160];
    check_tmp(tmp, sizeof tmp, "dmdp_probes.XXXXXX");
    CHECK(mkdtemp(tmp) != NULL, "mkdtemp");
    test_hl_instant_energy(tmp); /* before the overflow test fills the sde component */
    test_pmu(tmp);
    test_sde_overflow();
    char rm[200];
    snprintf(rm, sizeof rm, "rm -rf %s", tmp);
    if (system(rm) != 0) fprintf(stderr, "could not remove %s\n", tmp);
    if (check_failures) {
        fprintf(stderr, "test_probes: %d check(s) failed\n", check_failures);
        return 1;
    }
    printf("test_probes: all checks passed\n");
    return 0;
}
