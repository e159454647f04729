/*
 * test_cgfiles.c -- Callgrind files: summing hand-written dumps per phase
 * (expected sums computed by hand below), refusing broken dumps with the file
 * and line, and writing a profile that callgrind_annotate reads and annotates
 * line by line.  Usage: test_cgfiles [CALLGRIND_ANNOTATE]; without the tool
 * the annotate part is skipped (exit 77 = ctest SKIP) after the other checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "dmdp.h"

/* CHECK(cond, fmt, ...) and check_failures: the shared test helpers. */

static char dir[160];

static char *put(const char *name, const char *text)
{
    static char paths[16][256];
    static int n;
    char *p = paths[n++ % 16];
    snprintf(p, sizeof paths[0], "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (!f) {
        perror(p);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
    return p;
}

#define HDR "# callgrind format\nversion: 1\ncreator: callgrind-3.19.0\npart: 1\n\n" \
            "desc: I1 cache: 32768 B, 64 B, 8-way associative\n"
#define EV "positions: line\nevents: Ir Dr Dw D1mr\n"

static const dmdp_cg_phase *phase(const dmdp_cg_sums *s, const char *name)
{
    for (int i = 0; i < s->nphases; i++)
        if (!strcmp(s->phases[i].name, name)) return &s->phases[i];
    return NULL;
}

static void test_parse(void)
{
    const char *f[4];
    f[0] = put("d.1", HDR "desc: Trigger: Client Request: forward\n\n" EV "summary: 100 20 10 3\n\nfl=(1) x.c\n"
                          "fn=(1) f\n1 99 20 10 3\n\ntotals: 99 20 10 3\n");
    /* trailing zeros omitted (format rule); summary, not totals, is the dump's total */
    f[1] = put("d.2", HDR "desc: Trigger: Client Request: backward\n\n" EV "summary: 50 7\n\ntotals: 49 7\n");
    f[2] = put("d.3", HDR "desc: Trigger: Client Request: forward\n\n" EV "summary: 101 21 11 4\n");
    f[3] = put("d.4", HDR "desc: Trigger: Program termination\n\n" EV "summary: 0\ntotals: 0\n");
    dmdp_cg_sums s;
    char err[256] = "";
    CHECK(dmdp_cg_parse(f, 4, &s, err, sizeof err) == 0, "parse: %s", err);
    CHECK(s.nevents == 4 && !strcmp(s.events[3], "D1mr"), "events line: %d events", s.nevents);
    const dmdp_cg_phase *fw = phase(&s, "forward"), *bw = phase(&s, "backward"), *out = phase(&s, "outside");
    CHECK(fw && fw->dumps == 2 && fw->v[0] == 201 && fw->v[1] == 41 && fw->v[2] == 21 && fw->v[3] == 7,
          "forward sums (want 201 41 21 7 over 2 dumps)");
    CHECK(bw && bw->dumps == 1 && bw->v[0] == 50 && bw->v[1] == 7 && bw->v[2] == 0 && bw->v[3] == 0,
          "backward sums (want 50 7 0 0)");
    CHECK(out && out->dumps == 1 && s.nphases == 3 && &s.phases[2] == out, "termination dump goes to 'outside', last");
    CHECK(strstr(s.caches[0], "32768 B") != NULL, "I1 cache line kept: '%s'", s.caches[0]);

    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    dmdp_cg_write_csv(&s, m, "r", 1);
    fclose(m);
    CHECK(strstr(buf, "r,forward,callgrind,Ir,201\n") && strstr(buf, "r,total,callgrind,Ir,251\n") &&
              strstr(buf, "r,backward,callgrind,D1mr,0\n"),
          "csv rows:\n%s", buf);
    free(buf);

    /* broken dumps: one line naming file and line */
    const char *bad[1];
    bad[0] = put("bad.1", HDR EV "summary: 12 x4\n");
    CHECK(dmdp_cg_parse(bad, 1, &s, err, sizeof err) == -1 && strstr(err, "bad.1:9:"), "malformed summary: '%s'", err);
    bad[0] = put("bad.2", HDR "summary: 1\n");
    CHECK(dmdp_cg_parse(bad, 1, &s, err, sizeof err) == -1 && strstr(err, "bad.2"), "no events line: '%s'", err);
    bad[0] = put("bad.3", HDR EV);
    CHECK(dmdp_cg_parse(bad, 1, &s, err, sizeof err) == -1 && strstr(err, "truncated"), "no summary: '%s'", err);
    const char *mix[2] = {f[0], put("bad.4", HDR "events: Ir Dr\nsummary: 1 2\n")};
    CHECK(dmdp_cg_parse(mix, 2, &s, err, sizeof err) == -1 && strstr(err, "differ"), "events differ: '%s'", err);
    bad[0] = "/nonexistent/dump.1";
    CHECK(dmdp_cg_parse(bad, 1, &s, err, sizeof err) == -1 && strstr(err, "/nonexistent/dump.1"), "missing file: '%s'",
          err);
    printf("parse: sums and error messages as expected (e.g. \"%s\")\n", err);
}

static int test_write(const char *annotate)
{
    char *ka = put("kern_a.c", "int a;\nvoid f(void) {\n  for (;;)\n    a++; /* W_hh loop */\n  a--;\n}\n");
    char *kb = put("kern_b.c", "int b;\nvoid g(void) { b++; }\n");
    static const unsigned long long v[][3] = {{100, 8, 1}, {600, 40, 5}, {400, 40, 5}, {7, 8, 1}, {5, 8, 1}};
    const dmdp_cg_row rows[] = {
        {ka, 4, "forward", v[1], NULL}, {ka, 3, "forward", v[0], NULL}, {kb, 2, "backward", v[3], NULL},
        {ka, 4, "forward", v[2], NULL}, /* same site as row 0: summed */
        {ka, 4, "backward", v[4], NULL},
    };
    const char *ev[] = {"Cost", "Bytes", "Reads"};
    const char *descr[] = {"ByteDMD cost", "bytes read", NULL};
    char *prof = put("dm.out", "");
    FILE *f = fopen(prof, "w");
    CHECK(dmdp_cg_write(f, "dmdprof measure (test)", 3, ev, descr, 5, rows) == 0, "write profile");
    fclose(f);
    const char *bad_ev[] = {"Cost", "2x", "R"};
    FILE *null = fopen("/dev/null", "w");
    CHECK(dmdp_cg_write(null, "x", 3, bad_ev, NULL, 5, rows) == -1, "invalid event name must be refused");
    dmdp_cg_row neg = {ka, -1, "f", v[0], NULL};
    CHECK(dmdp_cg_write(null, "x", 3, ev, NULL, 1, &neg) == -1, "negative line must be refused");
    fclose(null);

    /* the file is a Callgrind profile our own reader sums correctly */
    dmdp_cg_sums s;
    char err[256];
    const char *pf[1] = {prof};
    CHECK(dmdp_cg_parse(pf, 1, &s, err, sizeof err) == 0, "re-read: %s", err);
    CHECK(s.nevents == 3 && s.phases[0].v[0] == 1112 && s.phases[0].v[1] == 104 && s.phases[0].v[2] == 13,
          "summary (want 1112 104 13)");

    if (!annotate) return 77;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", annotate, prof);
    FILE *p = popen(cmd, "r");
    if (!p) {
        CHECK(0, "cannot run %s", cmd);
        return 0;
    }
    char line[512];
    int totals = 0, whh = 0, a3 = 0, kb2 = 0, fnline = 0;
    while (fgets(line, sizeof line, p)) {
        fputs(line, stdout);
        if (strstr(line, "1,112") && strstr(line, "PROGRAM TOTALS")) totals = 1;
        /* line 4 of kern_a.c: forward 600+400, backward 5 */
        if (strstr(line, "W_hh loop") && strstr(line, "1,005") && strstr(line, "88")) whh = 1;
        if (strstr(line, "for (;;)") && strstr(line, "100")) a3 = 1;
        if (strstr(line, "b++") && strstr(line, "7 ")) kb2 = 1;
        if (strstr(line, "kern_a.c:forward") && strstr(line, "1,100")) fnline = 1;
    }
    int rc = pclose(p);
    CHECK(rc == 0, "%s exited with %d", annotate, rc);
    CHECK(totals, "PROGRAM TOTALS 1,112 not shown");
    CHECK(whh, "line 4 ('W_hh loop') not annotated with 1,005 / 88");
    CHECK(a3, "line 3 not annotated with 100");
    CHECK(kb2, "kern_b.c line 2 not annotated with 7");
    CHECK(fnline, "kern_a.c:forward not listed with 1,100");
    return 0;
}

/* Run cmd; 1 when every needle[i] occurs on some output line together with
 * want[i] (the failing ones are reported); the exit status must be 0. */
static void expect_lines(const char *cmd, int n, const char *const *needle, const char *const *want)
{
    FILE *p = popen(cmd, "r");
    if (!p) {
        CHECK(0, "cannot run %s", cmd);
        return;
    }
    char line[512];
    int found[8] = {0};
    while (fgets(line, sizeof line, p)) {
        fputs(line, stdout);
        for (int i = 0; i < n; i++)
            if (strstr(line, needle[i]) && strstr(line, want[i])) found[i] = 1;
    }
    int rc = pclose(p);
    CHECK(rc == 0, "%s exited with %d", cmd, rc);
    for (int i = 0; i < n; i++) CHECK(found[i], "%s: no line with '%s' and '%s'", cmd, needle[i], want[i]);
}

/* Call edges (Callgrind) and the Cachegrind format, each read by its tool.
 * Hand sums: forward = 100 self + 1000 in its W_hh line = 1100 inclusive;
 * backward = 7 in its dh line; total 1107. */
static int test_calls(const char *annotate, const char *cg_annotate)
{
    char *ka = put("call_a.c", "int a;\nvoid f(void) {\n  for (;;)\n    a++; /* W_hh loop */\n  a--;\n}\n");
    char *kb = put("call_b.c", "int b;\nvoid g(void) { b++; }\n");
    static const unsigned long long v[][3] = {{100, 8, 1}, {600, 40, 5}, {400, 40, 5}, {7, 8, 1}};
    const dmdp_cg_row rows[] = {
        {ka, 3, "forward", v[0], NULL},
        {ka, 4, "forward W_hh (call_a.c:4)", v[1], "forward"},
        {ka, 4, "forward W_hh (call_a.c:4)", v[2], "forward"}, /* same call: summed */
        {kb, 2, "backward dh (call_b.c:2)", v[3], "backward"},
    };
    const char *ev[] = {"Cost", "Bytes", "Reads"};
    char *cgf = put("calls.cg", ""), *cgr = put("calls.cgr", "");
    FILE *f = fopen(cgf, "w");
    CHECK(dmdp_cg_write(f, "test", 3, ev, NULL, 4, rows) == 0, "write profile with calls");
    fclose(f);
    const char *desc[] = {"test profile", NULL};
    f = fopen(cgr, "w");
    CHECK(dmdp_cachegrind_write(f, "test", desc, 3, ev, 4, rows) == 0, "write Cachegrind profile");
    fclose(f);
    dmdp_cg_row self = {ka, 3, "f", v[0], "f"};
    FILE *null = fopen("/dev/null", "w");
    CHECK(dmdp_cg_write(null, "x", 3, ev, NULL, 1, &self) == -1, "a function calling itself must be refused");
    fclose(null);
    /* totals count each row once (calls are not cost) */
    dmdp_cg_sums s;
    char err[256];
    const char *pf[1] = {cgf};
    CHECK(dmdp_cg_parse(pf, 1, &s, err, sizeof err) == 0 && s.phases[0].v[0] == 1107, "summary (want 1107): %s", err);
    if (!annotate || !cg_annotate) return 77;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "%s --inclusive=yes %s 2>&1", annotate, cgf);
    const char *inc_n[] = {"PROGRAM TOTALS", "call_a.c:forward\n", "call_b.c:backward\n", "forward W_hh"};
    const char *inc_w[] = {"1,107", "1,100", "7 ", "1,000"};
    expect_lines(cmd, 4, inc_n, inc_w);
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", annotate, cgf);
    const char *exc_n[] = {"call_a.c:forward\n", "W_hh loop"};
    const char *exc_w[] = {"100 ", "1,000"};
    expect_lines(cmd, 2, exc_n, exc_w);
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", cg_annotate, cgr);
    const char *cg_n[] = {"PROGRAM TOTALS", "forward W_hh", "W_hh loop", "backward dh"};
    const char *cg_w[] = {"1,107", "1,000", "1,000", "7 "};
    expect_lines(cmd, 4, cg_n, cg_w);
    return 0;
}

int main(int argc, char **argv)
{
    check_tmp(dir, sizeof dir, "dmdp_cgfiles.XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_parse();
    int skip = test_write(argc > 1 ? argv[1] : NULL);
    if (test_calls(argc > 1 ? argv[1] : NULL, argc > 2 ? argv[2] : NULL) == 77) skip = 77;
    char rm[200];
    snprintf(rm, sizeof rm, "rm -rf %s", dir);
    if (system(rm) != 0) fprintf(stderr, "could not remove %s\n", dir);
    if (check_failures) {
        fprintf(stderr, "test_cgfiles: %d check(s) failed\n", check_failures);
        return 1;
    }
    if (skip == 77) {
        printf("test_cgfiles: callgrind_annotate or cg_annotate not available, annotate part skipped\n");
        return 77;
    }
    printf("test_cgfiles: all checks passed\n");
    return 0;
}
