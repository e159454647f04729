/*
 * test_random.c -- the engine against the naive pricer (naive.h) on
 * thousands of random programs:
 *   A. value programs fed through the event API (live, classic), mixed
 *      element sizes, repeated operands, values never read, outputs, nested
 *      phases; every 4th one also written as a dmdtrace file and priced by
 *      the reader;
 *   B. hook programs (dmd__region/input/ld/st/op/output/drop) on three arrays
 *      of 8-, 4- and 2-byte elements, under live, classic and lru, with and
 *      without a bytes_per_element override.
 * Every (phase, region) cell is compared field by field (reads, bytes read,
 * writes, bytes written, cost, max depth, depth sum, histogram).
 * Usage: test_random [programs-per-kind] [seed]
 */
#define DMD_INSTRUMENT
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/check.h"
#include "dmd.h"
#include "dmd_engine.h"
#include "dmd_trace.h"
#include "naive.h"

static const char *REG[] = {"temp", "R1", "R2", "R3"};
static const char *PH[] = {"(none)", "p1", "p2"};

static uint64_t rng_state;
static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)((rng_state >> 33) % n);
}

static int failures;
static uint64_t worst_cost_diff;

#define MAXEV 4096
static nv_event ev[MAXEV];
static int nev;

static nv_event *add(int kind)
{
    if (nev == MAXEV) {
        fprintf(stderr, "test_random: program too long\n");
        exit(1);
    }
    nv_event *e = &ev[nev++];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    return e;
}

static int name_index(const char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0) return i;
    return -1;
}

/* Compare engine cells with naive cells; phases_matter = 0 folds phases. */
static void compare(const dmd_engine *e, const nv_result *nr, const char *what, int phases_matter)
{
    nv_counts want[NV_MAXPH][NV_MAXREG];
    dmd_counts got[NV_MAXPH][NV_MAXREG];
    memset(want, 0, sizeof want);
    memset(got, 0, sizeof got);
    for (int p = 0; p < NV_MAXPH; p++)
        for (int r = 0; r < NV_MAXREG; r++) {
            const nv_counts *c = &nr->cell[p][r];
            nv_counts *w = &want[phases_matter ? p : 0][r];
            w->reads += c->reads;
            w->bytes_read += c->bytes_read;
            w->writes += c->writes;
            w->bytes_written += c->bytes_written;
            w->cost += c->cost;
            w->sum_depth += c->sum_depth;
            if (c->max_depth > w->max_depth) w->max_depth = c->max_depth;
            for (int k = 0; k < 64; k++) w->hist[k] += c->hist[k];
        }
    for (int p = 0; p < dmd_engine_nphases(e); p++)
        for (int r = 0; r < dmd_engine_nregions(e); r++) {
            int np = phases_matter ? name_index(PH, 3, dmd_engine_phase_name(e, p)) : 0;
            int nr_ = name_index(REG, 4, dmd_engine_region_name(e, r));
            if (np < 0 || nr_ < 0) {
                fprintf(stderr, "FAIL %s: unexpected phase/region %s/%s\n", what, dmd_engine_phase_name(e, p),
                        dmd_engine_region_name(e, r));
                failures++;
                return;
            }
            dmd_counts_add(&got[np][nr_], dmd_engine_counts(e, p, r));
        }
    dmd_counts tot, sum;
    memset(&sum, 0, sizeof sum);
    dmd_engine_total(e, &tot);
    for (int p = 0; p < NV_MAXPH; p++)
        for (int r = 0; r < NV_MAXREG; r++) {
            const nv_counts *w = &want[p][r];
            const dmd_counts *g = &got[p][r];
            dmd_counts_add(&sum, g);
            int bad = w->reads != g->reads || w->bytes_read != g->bytes_read || w->writes != g->writes ||
                      w->bytes_written != g->bytes_written || w->cost != g->cost || w->max_depth != g->max_depth ||
                      (double)w->sum_depth != g->sum_depth || memcmp(w->hist, g->hist, sizeof w->hist) != 0;
            uint64_t d = w->cost > g->cost ? w->cost - g->cost : g->cost - w->cost;
            if (d > worst_cost_diff) worst_cost_diff = d;
            if (bad) {
                if (failures < 10)
                    fprintf(stderr,
                            "FAIL %s cell (%s, %s): naive reads %llu bytes %llu writes %llu wbytes %llu cost %llu "
                            "max %llu; engine %llu %llu %llu %llu %llu %llu\n",
                            what, PH[p], REG[r], (unsigned long long)w->reads, (unsigned long long)w->bytes_read,
                            (unsigned long long)w->writes, (unsigned long long)w->bytes_written,
                            (unsigned long long)w->cost, (unsigned long long)w->max_depth,
                            (unsigned long long)g->reads, (unsigned long long)g->bytes_read,
                            (unsigned long long)g->writes, (unsigned long long)g->bytes_written,
                            (unsigned long long)g->cost, (unsigned long long)g->max_depth);
                failures++;
                return;
            }
        }
    if (dmd_engine_options(e)->per_site) { /* the site rows partition the same reads and writes */
        dmd_counts st;
        memset(&st, 0, sizeof st);
        for (int i = 0; i < dmd_engine_nsites(e); i++) {
            const dmd_counts *c;
            dmd_engine_site(e, i, NULL, NULL, NULL, &c);
            dmd_counts_add(&st, c);
        }
        if (st.cost != tot.cost || st.reads != tot.reads || st.writes != tot.writes ||
            st.bytes_written != tot.bytes_written || memcmp(st.hist, tot.hist, sizeof st.hist) != 0) {
            fprintf(stderr, "FAIL %s: per-site rows sum to cost %llu reads %llu, total is %llu %llu\n", what,
                    (unsigned long long)st.cost, (unsigned long long)st.reads, (unsigned long long)tot.cost,
                    (unsigned long long)tot.reads);
            failures++;
        }
    }
    if (tot.cost != sum.cost || tot.reads != sum.reads || tot.writes != sum.writes ||
        tot.bytes_written != sum.bytes_written || memcmp(tot.hist, sum.hist, sizeof tot.hist) != 0) {
        fprintf(stderr, "FAIL %s: engine total differs from the sum of its cells\n", what);
        failures++;
    }
}

/* ------------------------------------------------------------ A. values */
static int gen_values(int uniform)
{
    nev = 0;
    int nv = 0, depth = 0, stack[4] = {0};
    static const int sizes[] = {1, 1, 1, 2, 3, 4, 8, 16};
    int nin = 1 + (int)rnd(6);
    for (int i = 0; i < nin; i++) {
        nv_event *e = add(NV_PUSH);
        e->bytes = uniform ? uniform : sizes[rnd(8)];
        e->region = (int)rnd(4);
        nv++;
    }
    int steps = (int)rnd(80);
    for (int s = 0; s < steps; s++) {
        unsigned r = rnd(12);
        if (r == 0) {
            if (depth < 2 && (depth == 0 || rnd(2))) {
                nv_event *e = add(NV_PHASE);
                e->region = 1;
                e->v[0] = 1 + (int)rnd(2);
                stack[++depth] = e->v[0];
                e->phase = e->v[0];
            } else if (depth > 0) {
                nv_event *e = add(NV_PHASE);
                e->region = 0;
                e->v[0] = stack[depth--];
                e->phase = stack[depth];
            }
        } else if (r == 1) {
            add(NV_OUTPUT)->v[0] = 1 + (int)rnd((unsigned)nv);
        } else {
            nv_event *e = add(NV_READ);
            e->n = 1 + (int)rnd(4);
            for (int k = 0; k < e->n; k++) {
                unsigned span = 1 + rnd((unsigned)nv);
                e->v[k] = nv - (int)rnd(span);
            }
            int nres = (int)rnd(3);
            for (int k = 0; k < nres; k++) {
                nv_event *p = add(NV_PUSH);
                p->bytes = uniform ? uniform : sizes[rnd(8)];
                p->region = rnd(3) ? 0 : (int)rnd(4);
                p->is_write = 1;
                nv++;
            }
        }
    }
    while (depth > 0) {
        nv_event *e = add(NV_PHASE);
        e->region = 0;
        e->v[0] = stack[depth--];
        e->phase = stack[depth];
    }
    return nv;
}

static void run_values_api(dmd_engine *e)
{
    int regs[4];
    for (int r = 0; r < 4; r++) regs[r] = dmd_engine_region(e, REG[r]);
    for (int pass = 0; pass < dmd_engine_passes(e); pass++) {
        dmd_engine_attach(e, pass);
        for (int i = 0; i < nev; i++) {
            const nv_event *x = &ev[i];
            uint32_t ids[NV_MAXOPS];
            switch (x->kind) {
            case NV_PUSH: dmd_engine_push(e, (uint32_t)x->bytes, regs[x->region], x->is_write); break;
            case NV_READ:
                for (int k = 0; k < x->n; k++) ids[k] = (uint32_t)x->v[k];
                dmd_engine_read(e, ids, x->n);
                break;
            case NV_OUTPUT: dmd_engine_output(e, (uint32_t)x->v[0]); break;
            case NV_PHASE:
                if (x->region)
                    dmd_phase_begin(PH[x->v[0]]);
                else
                    dmd_phase_end(PH[x->v[0]]);
                break;
            }
        }
        dmd_engine_detach(e);
    }
}

static void id_name(FILE *f, int v)
{
    if (v % 3 == 0)
        fprintf(f, "n%d.x", v);
    else if (v % 3 == 1)
        fprintf(f, "v%d", v);
    else
        fprintf(f, "w_%d", v);
}

static void run_values_trace(dmd_engine *e, int uniform, const char *what)
{
    char path[256];
    check_tmp(path, sizeof path, "dmd-test-random-XXXXXX");
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        perror("test_random: temporary trace");
        exit(1);
    }
    fprintf(f, "# dmdtrace v1 (random program)\n");
    int nv = 0;
    for (int i = 0; i < nev; i++) {
        const nv_event *x = &ev[i];
        if (x->kind == NV_PUSH) {
            /* mixed naming: two prefixes with numbers (direct tables) and names
             * that are not prefix + number (hash table) */
            nv++;
            fprintf(f, "store%s", nv % 2 ? "  " : "\t");
            id_name(f, nv);
            if (x->bytes != uniform || x->region) fprintf(f, " %d", x->bytes);
            if (x->region) fprintf(f, " %s", REG[x->region]);
            fprintf(f, "%s\n", nv % 5 == 0 ? "  # comment" : "");
        } else if (x->kind == NV_READ || x->kind == NV_OUTPUT) {
            fprintf(f, x->kind == NV_READ ? "read" : "output");
            int n = x->kind == NV_READ ? x->n : 1;
            for (int k = 0; k < n; k++) {
                fputc(' ', f);
                id_name(f, x->v[k]);
            }
            fprintf(f, "\n");
        }
    }
    fclose(f);
    char err[512];
    dmd_trace *t = dmd_trace_open(path, err, sizeof err);
    if (!t || dmd_trace_price(t, e, (unsigned)uniform, err, sizeof err) != 0) {
        fprintf(stderr, "FAIL %s: reader says %s\n", what, err);
        failures++;
    }
    dmd_trace_close(t);
    remove(path);
}

/* ------------------------------------------------------------ B. hooks */
enum { H_IN, H_OP, H_ST, H_OUT, H_DROP, H_PHASE };
typedef struct {
    int kind;
    int reg, at, n;  /* IN/OUT/DROP: region 1..3, first index, count; ST: slot; */
    int nsrc;        /* OP: sources */
    int src[3];      /* OP: >= 0: register; -1: constant; <= -2: slot -(2 + reg*16 + idx) */
    int r;           /* ST: register */
    int begin, name; /* PHASE */
} hstep;

#define MAXH 512
static hstep hp[MAXH];
static int nh;
static const int HN[4] = {0, 6, 5, 4};    /* elements per region */
static const int HE[4] = {0, 8, 4, 2};    /* bytes per element */
static _Alignas(8) unsigned char mem[4][64];

static void gen_hooks(int model)
{
    int valid[4][8] = {{0}}; /* slot loadable */
    int nregs = 0, depth = 0, stack[4] = {0};
    nh = 0;
    /* inputs: R1 and R2 whole or in part, in random order */
    int first = 1 + (int)rnd(2);
    for (int k = 0; k < 2; k++) {
        int r = k == 0 ? first : 3 - first;
        hstep *h = &hp[nh++];
        memset(h, 0, sizeof *h);
        h->kind = H_IN;
        h->reg = r;
        h->at = (int)rnd(2);
        h->n = HN[r] - h->at - (int)rnd(2);
        for (int i = h->at; i < h->at + h->n; i++) valid[r][i] = 1;
    }
    int steps = (int)rnd(120);
    for (int s = 0; s < steps && nh < MAXH - 4; s++) {
        hstep *h = &hp[nh];
        memset(h, 0, sizeof *h);
        unsigned c = rnd(14);
        if (c == 0) {
            if (depth < 2 && (depth == 0 || rnd(2))) {
                h->kind = H_PHASE;
                h->begin = 1;
                h->name = 1 + (int)rnd(2);
                stack[++depth] = h->name;
            } else if (depth > 0) {
                h->kind = H_PHASE;
                h->begin = 0;
                h->name = stack[depth--];
            } else
                continue;
        } else if (c == 1 || c == 2) {
            int r = 1 + (int)rnd(3), at = (int)rnd((unsigned)HN[r]);
            h->kind = c == 1 ? H_OUT : H_DROP;
            h->reg = r;
            h->at = at;
            h->n = 1 + (int)rnd((unsigned)(HN[r] - at));
            if (h->kind == H_DROP && model == NV_LRU)
                for (int i = at; i < at + h->n; i++) valid[r][i] = 0;
        } else if (c <= 5 && nregs > 0) {
            int r = 1 + (int)rnd(3);
            h->kind = H_ST;
            h->reg = r;
            h->at = (int)rnd((unsigned)HN[r]);
            h->r = (int)rnd((unsigned)nregs);
            valid[r][h->at] = 1;
        } else {
            h->kind = H_OP;
            h->nsrc = 1 + (int)rnd(3);
            for (int k = 0; k < h->nsrc; k++) {
                unsigned w = rnd(8);
                int ok = 0;
                if (w < 5) { /* a load from a valid slot */
                    for (int tries = 0; tries < 8 && !ok; tries++) {
                        int r = 1 + (int)rnd(3), i = (int)rnd((unsigned)HN[r]);
                        if (valid[r][i]) {
                            h->src[k] = -(2 + r * 16 + i);
                            ok = 1;
                        }
                    }
                } else if (w < 7 && nregs > 0) {
                    h->src[k] = (int)rnd((unsigned)nregs);
                    ok = 1;
                }
                if (!ok) h->src[k] = -1;
            }
            nregs++;
        }
        nh++;
    }
    while (depth > 0) {
        hstep *h = &hp[nh++];
        memset(h, 0, sizeof *h);
        h->kind = H_PHASE;
        h->begin = 0;
        h->name = stack[depth--];
    }
}

/* The test's own model of what the hooks mean, as naive events. */
static int hooks_to_events(int model, unsigned bpe)
{
    int bound[4][8], vbytes[MAXEV], assigned[MAXEV];
    int regv[MAXH];
    int nv = 0, nregs = 0;
    for (int r = 0; r < 4; r++)
        for (int i = 0; i < 8; i++) bound[r][i] = -1;
    nev = 0;
    for (int s = 0; s < nh; s++) {
        const hstep *h = &hp[s];
        int w = bpe ? (int)bpe : HE[h->reg];
        switch (h->kind) {
        case H_PHASE: {
            nv_event *e = add(NV_PHASE);
            e->region = h->begin;
            e->v[0] = h->name;
            break;
        }
        case H_IN:
            for (int i = h->at; i < h->at + h->n; i++) {
                if (model == NV_LRU) {
                    nv_event *e = add(NV_IN);
                    e->v[0] = h->reg * 16 + i + 1;
                    e->bytes = w;
                    e->region = h->reg;
                } else {
                    nv_event *e = add(NV_PUSH);
                    e->bytes = w;
                    e->region = h->reg;
                    bound[h->reg][i] = ++nv;
                    vbytes[nv] = w;
                    assigned[nv] = 1;
                }
            }
            break;
        case H_OUT:
            if (model != NV_LRU)
                for (int i = h->at; i < h->at + h->n; i++)
                    if (bound[h->reg][i] > 0) add(NV_OUTPUT)->v[0] = bound[h->reg][i];
            break;
        case H_DROP:
            if (model == NV_LRU)
                for (int i = h->at; i < h->at + h->n; i++) add(NV_DROP)->v[0] = h->reg * 16 + i + 1;
            break;
        case H_ST:
            if (model == NV_LRU) {
                nv_event *e = add(NV_ST);
                e->v[0] = h->reg * 16 + h->at + 1;
                e->bytes = w;
                e->region = h->reg;
            } else {
                int v = regv[h->r];
                bound[h->reg][h->at] = v;
                if (v > 0 && !assigned[v]) {
                    nv_event *e = add(NV_ASSIGN);
                    e->v[0] = v;
                    e->region = h->reg;
                    assigned[v] = 1;
                }
            }
            break;
        case H_OP: {
            int ops[3], n = 0;
            for (int k = 0; k < h->nsrc; k++) {
                int src = h->src[k];
                if (src >= 0) {
                    if (model != NV_LRU && regv[src] > 0) ops[n++] = regv[src];
                } else if (src <= -2) {
                    int r = (-src - 2) / 16, i = (-src - 2) % 16;
                    if (model == NV_LRU) {
                        nv_event *e = add(NV_LD);
                        e->v[0] = r * 16 + i + 1;
                        e->bytes = bpe ? (int)bpe : HE[r];
                        e->region = r;
                    } else if (bound[r][i] > 0)
                        ops[n++] = bound[r][i];
                }
            }
            if (model == NV_LRU || n == 0) {
                regv[nregs++] = 0;
                break;
            }
            nv_event *e = add(NV_READ);
            e->n = n;
            memcpy(e->v, ops, sizeof(int) * (size_t)n);
            nv_event *p = add(NV_PUSH);
            p->bytes = vbytes[ops[0]];
            p->region = -1;
            p->is_write = 1;
            regv[nregs++] = ++nv;
            vbytes[nv] = p->bytes;
            assigned[nv] = 0;
            break;
        }
        }
    }
    /* phase indices for the naive pricer: track the stack */
    int stack[4] = {0}, depth = 0;
    for (int i = 0; i < nev; i++)
        if (ev[i].kind == NV_PHASE) {
            if (ev[i].region)
                stack[++depth] = ev[i].v[0];
            else
                depth--;
            ev[i].phase = stack[depth];
        }
    return model == NV_LRU ? 64 : nv;
}

static void run_hooks(dmd_engine *e)
{
    for (int pass = 0; pass < dmd_engine_passes(e); pass++) {
        dmd_vid regs[MAXH];
        int nregs = 0;
        dmd_engine_attach(e, pass);
        for (int r = 1; r <= 3; r++) dmd__region(REG[r], mem[r], (size_t)HN[r], (size_t)HE[r]);
        for (int s = 0; s < nh; s++) {
            const hstep *h = &hp[s];
            switch (h->kind) {
            case H_PHASE:
                if (h->begin)
                    dmd_phase_begin(PH[h->name]);
                else
                    dmd_phase_end(PH[h->name]);
                break;
            case H_IN: dmd__input(mem[h->reg] + h->at * HE[h->reg], (size_t)h->n); break;
            case H_OUT: dmd__output(mem[h->reg] + h->at * HE[h->reg], (size_t)h->n); break;
            case H_DROP: dmd__drop(mem[h->reg] + h->at * HE[h->reg], (size_t)h->n); break;
            case H_ST: dmd__st(mem[h->reg] + h->at * HE[h->reg], regs[h->r], __FILE__, __LINE__); break;
            case H_OP: {
                dmd_vid ops[3];
                int n = 0;
                for (int k = 0; k < h->nsrc; k++) {
                    int src = h->src[k];
                    dmd_vid id = DMD_CONST_ID;
                    if (src >= 0)
                        id = regs[src];
                    else if (src <= -2) {
                        int r = (-src - 2) / 16, i = (-src - 2) % 16;
                        id = dmd__ld(mem[r] + i * HE[r], __FILE__, __LINE__);
                    }
                    if (id != DMD_CONST_ID) ops[n++] = id;
                }
                regs[nregs++] = n ? dmd__op(ops, n, __FILE__, __LINE__) : DMD_CONST_ID;
                break;
            }
            }
        }
        dmd_engine_detach(e);
    }
}

/* The hooks cannot refuse an element: over 4 GiB of live data on the stack
 * the run goes on and dmd_engine_error says the results are void.  n inputs
 * of 2^20 bytes each (bytes_per_element), then one addition (classic pushes
 * its 1 MiB result): 4094 inputs fit, 4096 are 2^32 bytes (the limit is
 * 2^32 - 1). */
static dmd_num big[4096];
static void check_live_bytes_limit(dmd_model m, size_t n, int want_error)
{
    dmd_options o = {0};
    o.model = m;
    o.bytes_per_element = 1u << 20;
    dmd_engine *e = dmd_engine_new(&o);
    for (int p = 0; p < dmd_engine_passes(e); p++) {
        dmd_engine_attach(e, p);
        DMD_REGION("big", big, n);
        DMD_INPUT(big, n);
        ST(big, 0, ADD(LD(big, n - 1), LD(big, 0)));
        DMD_OUTPUT(big, 1);
        dmd_engine_detach(e);
    }
    const char *err = dmd_engine_error(e);
    int bad = want_error ? !(err && strstr(err, "4 GiB")) : err != NULL;
    printf("%s, %zu elements of 1 MiB: engine error %s%s\n", dmd_model_name(m), n, err ? err : "(none)",
           bad ? "  WRONG" : "");
    failures += bad;
    dmd_engine_free(e);
}

int main(int argc, char **argv)
{
    int N = argc > 1 ? atoi(argv[1]) : 1500;
    rng_state = argc > 2 ? strtoull(argv[2], NULL, 10) : 12345;
    int programs = 0;
    char what[128];
    for (int i = 0; i < N; i++) {
        int uniform = rnd(3) ? 0 : 1 + (int)rnd(8);
        int nv = gen_values(uniform);
        for (int m = NV_LIVE; m <= NV_CLASSIC; m++) {
            nv_result nr;
            nv_price(ev, nev, m, nv, &nr);
            dmd_options o = {0};
            o.model = m == NV_LIVE ? DMD_LIVE : DMD_CLASSIC;
            dmd_engine *e = dmd_engine_new(&o);
            snprintf(what, sizeof what, "values #%d %s", i, dmd_model_name(o.model));
            run_values_api(e);
            compare(e, &nr, what, 1);
            dmd_engine_free(e);
            programs++;
            if (i % 4 == 0) {
                e = dmd_engine_new(&o);
                snprintf(what, sizeof what, "values #%d %s via dmdtrace", i, dmd_model_name(o.model));
                run_values_trace(e, uniform ? uniform : 1, what);
                compare(e, &nr, what, 0);
                dmd_engine_free(e);
                programs++;
            }
        }
    }
    for (int i = 0; i < N; i++)
        for (int m = NV_LIVE; m <= NV_LRU; m++) {
            unsigned bpe = rnd(3) ? 0 : 1 + rnd(8);
            gen_hooks(m);
            int nk = hooks_to_events(m, bpe);
            nv_result nr;
            nv_price(ev, nev, m, nk, &nr);
            dmd_options o = {0};
            o.model = m == NV_LIVE ? DMD_LIVE : m == NV_CLASSIC ? DMD_CLASSIC : DMD_LRU;
            o.bytes_per_element = bpe;
            o.per_site = (int)rnd(2);
            dmd_engine *e = dmd_engine_new(&o);
            snprintf(what, sizeof what, "hooks #%d %s bpe %u", i, dmd_model_name(o.model), bpe);
            run_hooks(e);
            compare(e, &nr, what, 1);
            dmd_engine_free(e);
            programs++;
        }
    for (dmd_model m = DMD_CLASSIC; m <= DMD_LRU; m++) {
        check_live_bytes_limit(m, 4094, 0);
        check_live_bytes_limit(m, 4096, 1);
    }
    printf("test_random: %d programs priced by engine and naive pricer, %d failures, worst cost difference %llu\n",
           programs, failures, (unsigned long long)worst_cost_diff);
    return failures ? 1 : 0;
}
