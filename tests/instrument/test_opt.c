/*
 * test_opt.c -- the OPT floor (instrument/dmd_opt.c) against
 *   1. a naive O(n * V) transcription of the rules of docs/floors.md (linear
 *      arrays, next uses found by scanning the trace forward), on random
 *      traces (tiny, medium, and large ones whose record chains are long,
 *      with gaps) and on naive-matmul kernels (6 x 6, 12 x 12) traced
 *      through the dmd.h hooks: totals, per-region attribution and every
 *      region floor must agree, and the regions solved together on 1 and 2
 *      threads must equal their single solves;
 *   2. a brute-force search over EVERY stack policy the rules allow (all
 *      permutations at every event, docs/floors.md "the policy class"), on
 *      tiny random traces: OPT must equal the minimum -- the claim that it
 *      is the optimum, hence a floor -- for the total and for each region;
 *   3. the live model's LRU cost of the same events (the engine): OPT <= LRU;
 *   4. the work budget: a solve over it is missing (-1, with the reason), 0
 *      is no limit.
 * Usage: test_opt [ntraces]
 */
#define DMD_INSTRUMENT
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dmd.h"
#include "dmd_engine.h"
#include "dmd_opt.h"

static int failures;
#define FAIL(...)                                                                                            \
    do {                                                                                                     \
        failures++;                                                                                          \
        fprintf(stderr, "FAIL: " __VA_ARGS__);                                                               \
        fputc('\n', stderr);                                                                                 \
    } while (0)

/* ------------------------------------------------------------ traces */
enum { EV_PUSH, EV_READ, EV_OUT };
#define MAXOPS 4
typedef struct {
    int kind, n;
    uint32_t id[MAXOPS]; /* PUSH: id[0] = the new value; OUT: id[0] */
    int reg;             /* PUSH: region */
} ev;

#define MAXEV 65536
#define MAXV 65536
static ev T[MAXEV];
static int NT, NV;
static int outf[MAXV + 1], regv[MAXV + 1];

/* The priority of v's next read after event i: (instruction time, 1-based
 * count of READ events) * 16 + 16 - (times that instruction reads v), or 0
 * if v is never read again.  Smaller = needed sooner (a value read twice by
 * one instruction before one read once by it). */
static int next_read(int i, uint32_t v)
{
    int tau = 0;
    for (int k = 0; k <= i; k++) tau += T[k].kind == EV_READ;
    for (int k = i + 1; k < NT; k++)
        if (T[k].kind == EV_READ) {
            tau++;
            int m = 0;
            for (int j = 0; j < T[k].n; j++) m += T[k].id[j] == v;
            if (m) return tau * 16 + 16 - m;
        }
    return 0;
}

static uint64_t naive_U(uint64_t n) /* sum_{k<=n} ceil(sqrt(k)), by counting */
{
    uint64_t s = 0, m = 1;
    for (uint64_t k = 1; k <= n; k++) {
        while (m * m < k) m++;
        s += m;
    }
    return s;
}

/* ------------------------------------------------------------ naive OPT */
#define KEEPV 0x7FFFFFFF
static uint64_t naive_opt(unsigned w, int region, uint64_t *per_region)
{
    static uint32_t stk[MAXV + 1];
    static long piv[MAXV + 1];
    int L = 0, tau = 0;
    uint64_t cost = 0;
    if (per_region) memset(per_region, 0, 16 * sizeof *per_region);
    for (int i = 0; i < NT; i++) {
        const ev *e = &T[i];
        if (e->kind == EV_PUSH) {
            uint32_t v = e->id[0];
            long q = next_read(i, v);
            if (!q && !outf[v]) continue;
            if (!q || (region >= 0 && regv[v] != region)) q = KEEPV;
            piv[v] = q;
            if (L == 0) {
                stk[L++] = v;
                continue;
            }
            uint32_t carry = stk[0];
            stk[0] = v;
            for (int j = 1; j < L; j++)
                if (piv[stk[j]] > piv[carry]) {
                    uint32_t t = stk[j];
                    stk[j] = carry;
                    carry = t;
                }
            stk[L++] = carry;
        } else if (e->kind == EV_READ) {
            tau++;
            for (int k = 0; k < e->n; k++) {
                int d = 0, rep = 0;
                while (stk[d] != e->id[k]) d++;
                if (region >= 0 && regv[e->id[k]] != region) continue;
                for (int j = 0; j < k; j++) rep |= e->id[j] == e->id[k];
                if (rep) d = 0; /* a repeat within the instruction: charged at the top */
                uint64_t c = naive_U((uint64_t)(d + 1) * w) - naive_U((uint64_t)d * w);
                cost += c;
                if (per_region) per_region[regv[e->id[k]]] += c;
            }
            uint32_t dv[MAXOPS];
            long dq[MAXOPS];
            int nd = 0;
            for (int k = 0; k < e->n; k++) {
                int seen = 0;
                for (int j = 0; j < nd; j++) seen |= dv[j] == e->id[k];
                if (seen) continue;
                dv[nd] = e->id[k];
                long q = next_read(i, e->id[k]);
                if (!q && !outf[e->id[k]]) q = -1; /* dead */
                else if (!q || (region >= 0 && regv[e->id[k]] != region)) q = KEEPV;
                dq[nd++] = q;
            }
            /* survivors, farthest next use first, ties in operand order */
            int ord[MAXOPS], no = 0;
            for (int j = 0; j < nd; j++)
                if (dq[j] >= 0) ord[no++] = j;
            for (int a = 1; a < no; a++)
                for (int b = a; b > 0 && dq[ord[b]] > dq[ord[b - 1]]; b--) {
                    int t = ord[b];
                    ord[b] = ord[b - 1];
                    ord[b - 1] = t;
                }
            for (int a = 0; a < no; a++) {
                uint32_t v = dv[ord[a]];
                long q = dq[ord[a]];
                int d = 0;
                while (stk[d] != v) d++;
                piv[v] = q;
                int j = 0;
                while (j < d && piv[stk[j]] <= q) j++;
                if (j == d) continue;
                uint32_t carry = stk[j];
                stk[j] = v;
                for (int k = j + 1; k < d; k++)
                    if (piv[stk[k]] > piv[carry]) {
                        uint32_t t = stk[k];
                        stk[k] = carry;
                        carry = t;
                    }
                stk[d] = carry;
            }
            for (int j = 0; j < nd; j++) {
                if (dq[j] >= 0) continue;
                int h = 0;
                while (stk[h] != dv[j]) h++;
                if (h > 0) { /* to the top, the prefix-maximum records cascade down */
                    uint32_t carry = stk[0];
                    stk[0] = dv[j];
                    for (int k = 1; k < h; k++)
                        if (piv[stk[k]] > piv[carry]) {
                            uint32_t t = stk[k];
                            stk[k] = carry;
                            carry = t;
                        }
                    stk[h] = carry;
                    h = 0;
                }
                while (h < L - 1) {
                    int m = h + 1;
                    for (int k = h + 2; k < L; k++)
                        if (piv[stk[k]] < piv[stk[m]]) m = k;
                    stk[h] = stk[m];
                    h = m;
                }
                L--;
            }
        }
    }
    return cost;
}

/* ------------------------------------------------------------ brute force */
/* Every policy of the class: after a push, the pushed value on top and the
 * rest in any order in which every top-c loses at most the one value pushed
 * out of it; after an instruction, the survivors in any order in which every
 * top-c holds nothing from below c except operands and at most as many other
 * values as dead operands left it.  Minimum over all of them. */
#define BMAX 5
typedef struct {
    int n;
    uint8_t s[BMAX + 1];
    uint64_t cost;
} bstate;
static bstate B1[20000], B2[20000];

static int in_top(const uint8_t *s, int n, int c, int v)
{
    for (int i = 0; i < c && i < n; i++)
        if (s[i] == v) return 1;
    return 0;
}

static void badd(bstate *to, int *nto, const uint8_t *s, int n, uint64_t cost)
{
    for (int i = 0; i < *nto; i++)
        if (to[i].n == n && memcmp(to[i].s, s, (size_t)n) == 0) {
            if (cost < to[i].cost) to[i].cost = cost;
            return;
        }
    to[*nto].n = n;
    memcpy(to[*nto].s, s, (size_t)n);
    to[*nto].cost = cost;
    (*nto)++;
}

static int next_perm(uint8_t *a, int n)
{
    int i = n - 2;
    while (i >= 0 && a[i] >= a[i + 1]) i--;
    if (i < 0) return 0;
    int j = n - 1;
    while (a[j] <= a[i]) j--;
    uint8_t t = a[i];
    a[i] = a[j];
    a[j] = t;
    for (int l = i + 1, r = n - 1; l < r; l++, r--) {
        t = a[l];
        a[l] = a[r];
        a[r] = t;
    }
    return 1;
}

static int cmp_u8(const void *a, const void *b) { return *(const uint8_t *)a - *(const uint8_t *)b; }

/* Returns the minimum cost, or UINT64_MAX if a state grew past BMAX. */
static uint64_t brute(unsigned w, int region, int relaxed)
{
    bstate *cur = B1, *nxt = B2;
    int ncur = 1, nnxt;
    cur[0].n = 0;
    cur[0].cost = 0;
    for (int i = 0; i < NT; i++) {
        const ev *e = &T[i];
        if (e->kind == EV_OUT) continue;
        nnxt = 0;
        for (int si = 0; si < ncur; si++) {
            const bstate *S = &cur[si];
            uint8_t p[BMAX + 1], o[BMAX + 1];
            if (e->kind == EV_PUSH) {
                int v = (int)e->id[0];
                if (!next_read(i, (uint32_t)v) && !outf[v]) {
                    badd(nxt, &nnxt, S->s, S->n, S->cost);
                    continue;
                }
                if (S->n + 1 > BMAX) return UINT64_MAX;
                memcpy(p, S->s, (size_t)S->n);
                qsort(p, (size_t)S->n, 1, cmp_u8);
                do {
                    int ok = 1;
                    for (int c = 1; c <= S->n && ok; c++) /* top_{c-1}(P) within top_c(S) */
                        for (int k = 0; k < c - 1 && ok; k++) ok = in_top(S->s, S->n, c, p[k]);
                    if (!ok) continue;
                    o[0] = (uint8_t)v;
                    memcpy(o + 1, p, (size_t)S->n);
                    badd(nxt, &nnxt, o, S->n + 1, S->cost);
                } while (next_perm(p, S->n));
            } else {
                uint64_t c0 = 0;
                for (int k = 0; k < e->n; k++) {
                    int d = 0, rep = 0;
                    while (S->s[d] != e->id[k]) d++;
                    for (int j = 0; j < k; j++) rep |= e->id[j] == e->id[k];
                    if (rep && relaxed) d = 0;
                    if (region < 0 || regv[e->id[k]] == region)
                        c0 += naive_U((uint64_t)(d + 1) * w) - naive_U((uint64_t)d * w);
                }
                int dead[MAXV + 1 > 256 ? 256 : MAXV + 1] = {0};
                for (int k = 0; k < e->n; k++)
                    if (!next_read(i, e->id[k]) && !outf[e->id[k]]) dead[e->id[k]] = 1;
                int m = 0;
                for (int k = 0; k < S->n; k++)
                    if (!dead[S->s[k]]) p[m++] = S->s[k];
                qsort(p, (size_t)m, 1, cmp_u8);
                do {
                    int ok = 1;
                    for (int c = 1; c <= m && ok; c++) {
                        int extra = 0, freed = 0;
                        for (int k = 0; k < S->n; k++) freed += dead[S->s[k]]; /* every level, rule 4 */
                        for (int k = 0; k < c; k++) {
                            int isop = 0;
                            for (int j = 0; j < e->n; j++) isop |= e->id[j] == p[k];
                            if (!isop && !in_top(S->s, S->n, c, p[k])) extra++;
                        }
                        ok = extra <= freed;
                    }
                    if (ok) badd(nxt, &nnxt, p, m, S->cost + c0);
                } while (next_perm(p, m));
            }
        }
        bstate *t = cur;
        cur = nxt;
        nxt = t;
        ncur = nnxt;
    }
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < ncur; i++)
        if (cur[i].cost < best) best = cur[i].cost;
    return best;
}

/* ------------------------------------------------------------ generators */
static uint64_t rs = 88172645463325252ull;
static uint32_t rnd(uint32_t n)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return (uint32_t)(rs % n);
}

/* nin inputs, then ninstr instructions of 1..3 operands over the values made
 * so far (recent ones more likely), each pushing a result with probability
 * 3/4; a few outputs at the end. */
static void gen(int nin, int ninstr, int nreg, int window)
{
    NT = NV = 0;
    memset(outf, 0, sizeof outf);
    for (int k = 0; k < nin; k++) {
        ev *e = &T[NT++];
        e->kind = EV_PUSH;
        e->id[0] = (uint32_t)++NV;
        e->reg = regv[NV] = (int)rnd((uint32_t)nreg);
    }
    for (int k = 0; k < ninstr && NT < MAXEV - 8; k++) {
        ev *e = &T[NT++];
        e->kind = EV_READ;
        e->n = 1 + (int)rnd(3);
        for (int j = 0; j < e->n; j++) {
            int span = NV < window ? NV : window;
            e->id[j] = (uint32_t)(NV - (int)rnd((uint32_t)span));
        }
        if (rnd(4) != 0) {
            ev *r = &T[NT++];
            r->kind = EV_PUSH;
            r->id[0] = (uint32_t)++NV;
            r->reg = regv[NV] = (int)rnd((uint32_t)nreg);
        }
    }
    for (int k = 0; k < 2 && NV > 0; k++) {
        ev *e = &T[NT++];
        e->kind = EV_OUT;
        e->id[0] = (uint32_t)(NV - (int)rnd((uint32_t)(NV < 6 ? NV : 6)));
        outf[e->id[0]] = 1;
    }
}

/* The trace through a live engine (event API, both passes) with an OPT
 * recorder attached; returns the live (LRU) cost, fills o. */
static uint64_t through_engine(dmd_opt *o, unsigned w, int nreg)
{
    dmd_options opt = {0};
    opt.model = DMD_LIVE;
    dmd_engine *e = dmd_engine_new(&opt);
    int reg[16];
    for (int r = 0; r < nreg; r++) {
        char nm[8];
        snprintf(nm, sizeof nm, "r%d", r);
        reg[r] = dmd_engine_region(e, nm);
    }
    for (int p = 0; p < 2; p++) {
        if (p == 1) dmd_opt_attach(o, e);
        dmd_engine_attach(e, p);
        int seen_read = 0;
        for (int i = 0; i < NT; i++) {
            const ev *x = &T[i];
            if (x->kind == EV_PUSH) dmd_engine_push(e, w, reg[x->reg], seen_read);
            else if (x->kind == EV_READ) {
                seen_read = 1;
                dmd_engine_read(e, x->id, x->n);
            } else
                dmd_engine_output(e, x->id[0]);
        }
        dmd_engine_detach(e);
    }
    dmd_counts t;
    dmd_engine_total(e, &t);
    dmd_engine_free(e);
    return t.cost;
}

/* fast vs naive (total, attribution, each region floor), OPT <= LRU; with
 * brute: fast == minimum over all policies, total and each region. */
static void check_trace(const char *what, unsigned w, int nreg, int brute_too, int *nbrute)
{
    dmd_opt *o = dmd_opt_new(0);
    uint64_t lru = through_engine(o, w, nreg);
    /* region indices in the engine: 0 = temp, then r0.. = 1..; the recorder keeps engine indices */
    uint64_t fast_pr[32] = {0}, naive_pr[16];
    dmd_opt_result res;
    if (dmd_opt_solve(o, -1, fast_pr, 32, &res) != 0) {
        FAIL("%s: solve refused: %s", what, dmd_opt_missing(o));
        dmd_opt_free(o);
        return;
    }
    uint64_t nv = naive_opt(w, -1, naive_pr);
    if (res.cost != nv) FAIL("%s: OPT total %llu, naive %llu", what, (unsigned long long)res.cost, (unsigned long long)nv);
    if (res.cost > lru) FAIL("%s: OPT %llu above LRU %llu", what, (unsigned long long)res.cost, (unsigned long long)lru);
    for (int r = 0; r < nreg; r++)
        if (fast_pr[r + 1] != naive_pr[r])
            FAIL("%s: region r%d share %llu, naive %llu", what, r, (unsigned long long)fast_pr[r + 1],
                 (unsigned long long)naive_pr[r]);
    /* bt: the minimum with repeats charged at the top (what OPT solves);
     * bx: the true minimum (repeats at their depth), which OPT must not exceed */
    uint64_t bt = brute_too ? brute(w, -1, 1) : UINT64_MAX, bx = brute_too ? brute(w, -1, 0) : UINT64_MAX;
    if (bt != UINT64_MAX) {
        (*nbrute)++;
        if (bt != res.cost) FAIL("%s: OPT %llu, brute-force minimum %llu", what, (unsigned long long)res.cost, (unsigned long long)bt);
        if (res.cost > bx) FAIL("%s: OPT %llu above the true minimum %llu", what, (unsigned long long)res.cost, (unsigned long long)bx);
    }
    /* the regions solved together, on 1 and 2 threads, equal the single solves below */
    int want[16];
    dmd_opt_result par[2][16];
    const char *pwhy[2][16];
    for (int r = 0; r < nreg; r++) want[r] = r + 1;
    for (int t = 0; t < 2; t++)
        if (dmd_opt_solve_regions(o, want, nreg, t + 1, 0, par[t], pwhy[t]) != 0) FAIL("%s: solve_regions refused", what);
    uint64_t sum = 0;
    for (int r = 0; r < nreg; r++) {
        dmd_opt_result rr;
        dmd_opt_solve(o, r + 1, NULL, 0, &rr);
        for (int t = 0; t < 2; t++)
            if (pwhy[t][r] || par[t][r].cost != rr.cost || par[t][r].moves != rr.moves)
                FAIL("%s: region r%d on %d thread(s): %llu, alone %llu", what, r, t + 1,
                     (unsigned long long)par[t][r].cost, (unsigned long long)rr.cost);
        uint64_t nr = naive_opt(w, r, NULL);
        if (rr.cost != nr) FAIL("%s: region r%d floor %llu, naive %llu", what, r, (unsigned long long)rr.cost, (unsigned long long)nr);
        if (rr.cost > fast_pr[r + 1]) FAIL("%s: region r%d floor above its OPT share", what, r);
        sum += rr.cost;
        if (bt != UINT64_MAX) {
            uint64_t br = brute(w, r, 1), brx = brute(w, r, 0);
            if (br != rr.cost) FAIL("%s: region r%d floor %llu, brute-force minimum %llu", what, r, (unsigned long long)rr.cost, (unsigned long long)br);
            if (rr.cost > brx) FAIL("%s: region r%d floor %llu above the true minimum %llu", what, r, (unsigned long long)rr.cost, (unsigned long long)brx);
        }
    }
    if (sum > res.cost) FAIL("%s: region floors sum %llu above the OPT total %llu", what, (unsigned long long)sum, (unsigned long long)res.cost);
    dmd_opt_free(o);
}

/* A solve over its work budget is missing (-1, the reason named), never a
 * number; 0 = no limit. */
static void check_budget(void)
{
    gen(40, 3000, 2, 300);
    dmd_opt *o = dmd_opt_new(0);
    through_engine(o, 8, 2);
    dmd_opt_result res, full;
    if (dmd_opt_solve(o, -1, NULL, 0, &full) != 0 || full.ops < 100) FAIL("budget: the unlimited solve failed");
    dmd_opt_set_budget(o, full.ops / 2);
    const char *m;
    if (dmd_opt_solve(o, -1, NULL, 0, &res) != -1 || !(m = dmd_opt_missing(o)) || !strstr(m, "budget"))
        FAIL("budget: a solve over its budget was not missing (%s)", dmd_opt_missing(o) ? dmd_opt_missing(o) : "no reason");
    int want[2] = {1, 2};
    dmd_opt_result rr[2];
    const char *why[2];
    dmd_opt_set_budget(o, 1);
    if (dmd_opt_solve_regions(o, want, 2, 2, 0, rr, why) != -1 || !why[0] || !why[1])
        FAIL("budget: region solves over their budget were not missing");
    /* the shared budget, in region order: with room for region 1 only, region
     * 2 is missing on 1 and on 2 threads alike (not whichever finished last) */
    dmd_opt_set_budget(o, 0);
    for (int t = 1; t <= 2; t++) {
        dmd_opt_result one[2];
        dmd_opt_solve_regions(o, want, 2, t, 0, one, why);
        if (why[0] || why[1]) FAIL("budget: unlimited region solves failed");
        if (dmd_opt_solve_regions(o, want, 2, t, one[0].ops, rr, why) != -1 || why[0] || !why[1] ||
            rr[0].cost != one[0].cost)
            FAIL("budget: the shared budget on %d thread(s) did not stop after region 1", t);
        if (dmd_opt_solve_regions(o, want, 2, t, one[0].ops + 1, rr, why) != 0 || why[1] || rr[1].cost != one[1].cost)
            FAIL("budget: the shared budget on %d thread(s) stopped before region 2", t);
    }
    dmd_opt_set_budget(o, 0);
    if (dmd_opt_solve(o, -1, NULL, 0, &res) != 0 || res.cost != full.cost) FAIL("budget: 0 is not 'no limit'");
    dmd_opt_set_budget(o, full.ops + 1);
    if (dmd_opt_solve(o, -1, NULL, 0, &res) != 0 || res.cost != full.cost) FAIL("budget: a solve within its budget failed");
    dmd_opt_free(o);
}

/* ------------------------------------------------------------ a kernel */
#define KMAX 12
static int KN = 6;
static dmd_num A[KMAX * KMAX], Bm[KMAX * KMAX], C[KMAX * KMAX];
static void matmul(void)
{
    DMD_REGION("A", A, KN * KN);
    DMD_REGION("B", Bm, KN * KN);
    DMD_REGION("C", C, KN * KN);
    DMD_INPUT(Bm, KN * KN);
    DMD_INPUT(A, KN * KN);
    for (int i = 0; i < KN; i++)
        for (int j = 0; j < KN; j++) {
            dmd_real s = MUL(LD(A, i * KN), LD(Bm, j));
            for (int k = 1; k < KN; k++) s = ADD(s, MUL(LD(A, i * KN + k), LD(Bm, k * KN + j)));
            ST(C, i * KN + j, s);
        }
    DMD_OUTPUT(C, KN * KN);
}

/* the kernel's events as a trace (an observer of the pricing pass) */
static void k_push(void *ctx, uint32_t id, uint32_t bytes, int region, int is_write)
{
    (void)ctx, (void)bytes, (void)is_write;
    ev *e = &T[NT++];
    e->kind = EV_PUSH;
    e->id[0] = id;
    e->reg = regv[id] = region;
    NV = (int)id;
}
static void k_instr(void *ctx, const uint32_t *ids, int n)
{
    (void)ctx;
    ev *e = &T[NT++];
    e->kind = EV_READ;
    e->n = n;
    for (int k = 0; k < n && k < MAXOPS; k++) e->id[k] = ids[k];
}
static void k_out(void *ctx, uint32_t id)
{
    (void)ctx;
    outf[id] = 1;
}

static void check_kernel(int kn)
{
    KN = kn;
    for (int i = 0; i < KN * KN; i++) A[i] = 1 + i, Bm[i] = 2 - i;
    dmd_options opt = {0};
    opt.model = DMD_LIVE;
    opt.bytes_per_element = 8;
    /* pass A: record the events for the naive reference */
    dmd_engine *e = dmd_engine_new(&opt);
    NT = NV = 0;
    memset(outf, 0, sizeof outf);
    dmd_observer obs = {.push = k_push, .output = k_out, .instr = k_instr};
    for (int p = 0; p < 2; p++) {
        if (p == 1) dmd_engine_set_observer(e, &obs);
        dmd_engine_attach(e, p);
        matmul();
        dmd_engine_detach(e);
    }
    dmd_counts t;
    dmd_engine_total(e, &t);
    int nreg = dmd_engine_nregions(e);
    dmd_engine_free(e);
    /* pass B: the recorder */
    e = dmd_engine_new(&opt);
    dmd_opt *o = dmd_opt_new(0);
    for (int p = 0; p < 2; p++) {
        if (p == 1) dmd_opt_attach(o, e);
        dmd_engine_attach(e, p);
        matmul();
        dmd_engine_detach(e);
    }
    dmd_opt_result res;
    uint64_t pr[16] = {0}, npr[16];
    dmd_opt_solve(o, -1, pr, 16, &res);
    uint64_t nv = naive_opt(8, -1, npr);
    printf("matmul %dx%d at 8 B: live (LRU) %llu, OPT %llu (naive %llu), %.2fx above\n", KN, KN,
           (unsigned long long)t.cost, (unsigned long long)res.cost, (unsigned long long)nv,
           (double)t.cost / (double)res.cost);
    if (res.cost != nv) FAIL("matmul: OPT %llu, naive %llu", (unsigned long long)res.cost, (unsigned long long)nv);
    if (res.cost > t.cost || res.cost == 0) FAIL("matmul: OPT %llu vs LRU %llu", (unsigned long long)res.cost, (unsigned long long)t.cost);
    for (int r = 0; r < nreg && r < 16; r++) {
        if (pr[r] != npr[r]) FAIL("matmul: region %d share %llu, naive %llu", r, (unsigned long long)pr[r], (unsigned long long)npr[r]);
        dmd_opt_result rr;
        dmd_opt_solve(o, r, NULL, 0, &rr);
        uint64_t nr = naive_opt(8, r, NULL);
        if (rr.cost != nr) FAIL("matmul: region %d floor %llu, naive %llu", r, (unsigned long long)rr.cost, (unsigned long long)nr);
    }
    dmd_opt_free(o);
    dmd_engine_free(e);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 300;
    int nb = 0;
    for (int k = 0; k < n; k++) { /* tiny: brute force too */
        gen(2 + (int)rnd(2), 4 + (int)rnd(6), 2, 4);
        char what[64];
        snprintf(what, sizeof what, "tiny trace %d", k);
        unsigned ww = 1 + rnd(3);
        check_trace(what, ww, 2, 1, &nb);
    }
    for (int k = 0; k < n / 3; k++) { /* medium: naive only */
        gen(5 + (int)rnd(20), 100 + (int)rnd(400), 3, 5 + (int)rnd(60));
        char what[64];
        snprintf(what, sizeof what, "medium trace %d", k);
        check_trace(what, rnd(2) ? 8 : 1, 3, 0, &nb);
    }
    for (int k = 0; k < n / 50; k++) { /* large: long record chains with gaps */
        gen(50 + (int)rnd(150), 2000 + (int)rnd(4000), 3, 20 + (int)rnd(400));
        char what[64];
        snprintf(what, sizeof what, "large trace %d", k);
        check_trace(what, 8, 3, 0, &nb);
    }
    check_budget();
    check_kernel(6);
    check_kernel(12);
    printf("%d tiny traces (%d searched exhaustively), %d medium, %d large traces, 2 kernels: %s\n", n, nb, n / 3,
           n / 50,
           failures ? "FAILED" : "OPT = naive = brute-force minimum, OPT <= LRU");
    return failures ? 1 : 0;
}
