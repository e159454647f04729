/* profile.c -- see profile.h. */
#include "profile.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dmdp.h"

#define PROFILE_NAME_MAX 160

/* One (phase, file, line) of the engine's site rows. */
typedef struct {
    const char *file;
    int line, phase;
    char name[PROFILE_NAME_MAX];
} profile_fn;

typedef struct {
    int region;
    unsigned long long cost;
} profile_reg;

static int reg_cmp(const void *a, const void *b)
{
    const profile_reg *x = a, *y = b;
    if (x->cost != y->cost) return x->cost > y->cost ? -1 : 1;
    return x->region - y->region;
}

static int same_fn(const profile_fn *f, const char *file, int line, int phase)
{
    return f->line == line && f->phase == phase && (f->file == file || (f->file && file && !strcmp(f->file, file)));
}

/* "PHASE R1,R2,.. (base:line)": the regions read at the line, costliest first. */
static void name_fn(const dmd_engine *e, profile_fn *f, const int *site_fn, int self, int nsites)
{
    int nreg = dmd_engine_nregions(e) + 1;
    profile_reg *r = calloc((size_t)nreg, sizeof *r);
    int nr = 0;
    for (int i = 0; r && i < nsites; i++) {
        if (site_fn[i] != self) continue;
        const char *file;
        int line, phase;
        const dmd_counts *c;
        dmd_engine_site(e, i, &file, &line, &phase, &c);
        int g = dmd_engine_site_region(e, i), k = 0;
        while (k < nr && r[k].region != g) k++;
        if (k == nr) r[nr++] = (profile_reg){g, 0};
        r[k].cost += c->cost;
    }
    if (r) qsort(r, (size_t)nr, sizeof *r, reg_cmp);
    const char *base = f->file ? strrchr(f->file, '/') : NULL;
    base = base ? base + 1 : f->file ? f->file : "???";
    size_t len = (size_t)snprintf(f->name, sizeof f->name, "%s ", dmd_engine_phase_name(e, f->phase));
    for (int k = 0; k < nr && len < sizeof f->name; k++)
        len += (size_t)snprintf(f->name + len, sizeof f->name - len, "%s%s", k ? "," : "",
                                dmd_engine_region_name(e, r[k].region));
    if (len < sizeof f->name) snprintf(f->name + len, sizeof f->name - len, " (%s:%d)", base, f->line);
    free(r);
}

int profile_write(const char *path, const dmd_engine *e, const char *cmdline, profile_format fmt)
{
    int n = dmd_engine_nsites(e), rc = -1;
    size_t cap = (size_t)(n ? n : 1);
    dmdp_cg_row *rows = calloc(cap, sizeof *rows);
    unsigned long long *vals = calloc(3 * cap, sizeof *vals);
    profile_fn *fns = calloc(cap, sizeof *fns);
    int *site_fn = calloc(cap, sizeof *site_fn);
    if (!rows || !vals || !fns || !site_fn) {
        cli_warn("out of memory writing '%s'", path);
        goto out;
    }
    int nfn = 0, m = 0;
    for (int i = 0; i < n; i++) {
        const char *file;
        int line, phase;
        const dmd_counts *c;
        dmd_engine_site(e, i, &file, &line, &phase, &c);
        site_fn[i] = -1;
        if (!c->reads) continue;
        int k = 0;
        while (k < nfn && !same_fn(&fns[k], file, line, phase)) k++;
        if (k == nfn) fns[nfn++] = (profile_fn){file, line, phase, ""};
        site_fn[i] = k;
    }
    for (int k = 0; k < nfn; k++) name_fn(e, &fns[k], site_fn, k, n);
    for (int i = 0; i < n; i++) {
        if (site_fn[i] < 0) continue;
        const char *file;
        int line, phase;
        const dmd_counts *c;
        dmd_engine_site(e, i, &file, &line, &phase, &c);
        vals[3 * m] = c->cost;
        vals[3 * m + 1] = c->bytes_read;
        vals[3 * m + 2] = c->reads;
        rows[m] = (dmdp_cg_row){file ? file : "???", line, fns[site_fn[i]].name, &vals[3 * m],
                                dmd_engine_phase_name(e, phase)};
        m++;
    }
    static const char *const events[] = {"Dmd_cost", "Dmd_bytes", "Dmd_reads"};
    static const char *const descr[] = {"ByteDMD cost (sum over bytes read of ceil(sqrt(depth)))", "Bytes read",
                                        "Element reads"};
    static const char *const desc[] = {"dmdprof: ByteDMD data movement per kernel source line (not a Valgrind run)",
                                       NULL};
    cli_out o;
    if (cli_out_open(&o, path) == 0) {
        int w = fmt == PROFILE_CALLGRIND ? dmdp_cg_write(o.f, cmdline, 3, events, descr, m, rows)
                                         : dmdp_cachegrind_write(o.f, cmdline, desc, 3, events, m, rows);
        if (w == 0)
            rc = cli_out_commit(&o);
        else
            cli_out_abort(&o);
    }
out:
    free(rows), free(vals), free(fns), free(site_fn);
    return rc;
}
