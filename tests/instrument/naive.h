/*
 * naive.h -- an obviously-correct ByteDMD pricer for the tests: the stack is
 * a plain array (index 0 = bottom), every read is a linear search, every
 * cost is the direct sum of ceil(sqrt(k)) over the element's bytes.  Slow on
 * purpose; shares no code with the engine.
 *
 * Events (value models): PUSH a value (with its region, or -1 if not known
 * yet), READ the operands of one instruction, ASSIGN a region to a value (its
 * first store), OUTPUT, PHASE.  Events (lru): LD, ST, IN, DROP of a key.
 * Accounting per (phase, region) cell, in the same terms as dmd_counts.
 */
#ifndef NAIVE_H
#define NAIVE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { NV_PUSH, NV_READ, NV_ASSIGN, NV_OUTPUT, NV_PHASE, NV_LD, NV_ST, NV_IN, NV_DROP };
enum { NV_LIVE, NV_CLASSIC, NV_LRU };

#define NV_MAXOPS 8
#define NV_MAXPH 8
#define NV_MAXREG 8

typedef struct {
    int kind;
    int n;             /* READ: number of operands */
    int v[NV_MAXOPS];  /* value ids (1..) or keys */
    int bytes, region; /* PUSH / LD / ST / IN; ASSIGN: region */
    int is_write;      /* PUSH */
    int phase;         /* PHASE: new phase index */
} nv_event;

typedef struct {
    uint64_t reads, bytes_read, writes, bytes_written, cost, max_depth, sum_depth;
    uint64_t hist[64];
} nv_counts;

typedef struct {
    nv_counts cell[NV_MAXPH][NV_MAXREG];
} nv_result;

static uint64_t nv_ceil_sqrt(uint64_t k)
{
    uint64_t r = 0;
    while (r * r < k) r++;
    return r;
}

static void nv_count_read(nv_counts *c, uint64_t D, uint64_t w)
{
    uint64_t cost = 0;
    for (uint64_t k = D + 1; k <= D + w; k++) cost += nv_ceil_sqrt(k);
    uint64_t depth = D + w;
    int b = 0;
    while ((depth >> (b + 1)) != 0) b++;
    c->reads++;
    c->bytes_read += w;
    c->cost += cost;
    c->sum_depth += depth;
    if (depth > c->max_depth) c->max_depth = depth;
    c->hist[b]++;
}

/* Price ev[0..n) under model; nvals = number of values (PUSH events) or keys. */
static void nv_price(const nv_event *ev, int n, int model, int nkeys, nv_result *res)
{
    memset(res, 0, sizeof *res);
    int *stk = malloc(sizeof(int) * (size_t)(nkeys + 1)), sp = 0;
    int *bytes = calloc((size_t)nkeys + 2, sizeof(int));
    int *region = calloc((size_t)nkeys + 2, sizeof(int));
    int *final_region = calloc((size_t)nkeys + 2, sizeof(int));
    int *push_phase = calloc((size_t)nkeys + 2, sizeof(int));
    int *last = malloc(sizeof(int) * ((size_t)nkeys + 2));
    int *out = calloc((size_t)nkeys + 2, sizeof(int));
    for (int i = 0; i <= nkeys + 1; i++) last[i] = -1;
    /* pre-scan for live: last read, outputs, final region */
    int nv = 0;
    for (int i = 0; i < n; i++) {
        const nv_event *e = &ev[i];
        if (e->kind == NV_PUSH) {
            nv++;
            final_region[nv] = e->region;
        } else if (e->kind == NV_READ)
            for (int k = 0; k < e->n; k++) last[e->v[k]] = i;
        else if (e->kind == NV_OUTPUT)
            out[e->v[0]] = 1;
        else if (e->kind == NV_ASSIGN && final_region[e->v[0]] < 0)
            final_region[e->v[0]] = e->region;
    }
    for (int v = 1; v <= nv; v++)
        if (final_region[v] < 0) final_region[v] = 0;
    int phase = 0;
    nv = 0;
    for (int i = 0; i < n; i++) {
        const nv_event *e = &ev[i];
        switch (e->kind) {
        case NV_PHASE: phase = e->phase; break;
        case NV_PUSH: {
            int v = ++nv;
            bytes[v] = e->bytes;
            region[v] = e->region < 0 ? 0 : e->region;
            push_phase[v] = phase;
            if (e->is_write) {
                nv_counts *c = &res->cell[phase][final_region[v]];
                c->writes++;
                c->bytes_written += (uint64_t)e->bytes;
            }
            if (model == NV_LIVE && last[v] < 0 && !out[v]) break; /* dead on arrival */
            stk[sp++] = v;
            break;
        }
        case NV_ASSIGN:
            if (model == NV_CLASSIC) region[e->v[0]] = e->region;
            break;
        case NV_OUTPUT: break;
        case NV_READ: {
            /* price all against the stack before the instruction */
            for (int k = 0; k < e->n; k++) {
                int v = e->v[k], at = -1;
                for (int s = 0; s < sp; s++)
                    if (stk[s] == v) at = s;
                if (at < 0) abort(); /* the generator only reads values on the stack */
                uint64_t D = 0;
                for (int s = at + 1; s < sp; s++) D += (uint64_t)bytes[stk[s]];
                int reg = model == NV_LIVE ? final_region[v] : region[v];
                nv_count_read(&res->cell[phase][reg], D, (uint64_t)bytes[v]);
            }
            /* distinct operands to the top, first occurrence first */
            for (int k = 0; k < e->n; k++) {
                int v = e->v[k], dup = 0;
                for (int j = 0; j < k; j++) dup |= e->v[j] == v;
                if (dup) continue;
                int at = 0;
                while (stk[at] != v) at++;
                memmove(stk + at, stk + at + 1, sizeof(int) * (size_t)(sp - at - 1));
                stk[sp - 1] = v;
            }
            /* live: retire the values read for the last time */
            if (model == NV_LIVE)
                for (int k = 0; k < e->n; k++) {
                    int v = e->v[k];
                    if (last[v] != i || out[v]) continue;
                    for (int s = 0; s < sp; s++)
                        if (stk[s] == v) {
                            memmove(stk + s, stk + s + 1, sizeof(int) * (size_t)(sp - s - 1));
                            sp--;
                            break;
                        }
                }
            break;
        }
        case NV_LD:
        case NV_ST:
        case NV_IN: {
            int key = e->v[0], at = -1;
            bytes[key] = e->bytes;
            for (int s = 0; s < sp; s++)
                if (stk[s] == key) at = s;
            if (e->kind == NV_LD) {
                if (at < 0) abort();
                uint64_t D = 0;
                for (int s = at + 1; s < sp; s++) D += (uint64_t)bytes[stk[s]];
                nv_count_read(&res->cell[phase][e->region], D, (uint64_t)e->bytes);
            }
            if (e->kind == NV_ST) {
                res->cell[phase][e->region].writes++;
                res->cell[phase][e->region].bytes_written += (uint64_t)e->bytes;
            }
            if (at >= 0) {
                memmove(stk + at, stk + at + 1, sizeof(int) * (size_t)(sp - at - 1));
                sp--;
            }
            stk[sp++] = key;
            break;
        }
        case NV_DROP: {
            int key = e->v[0];
            for (int s = 0; s < sp; s++)
                if (stk[s] == key) {
                    memmove(stk + s, stk + s + 1, sizeof(int) * (size_t)(sp - s - 1));
                    sp--;
                    break;
                }
            break;
        }
        }
    }
    free(stk);
    free(bytes);
    free(region);
    free(final_region);
    free(push_phase);
    free(last);
    free(out);
}

#endif /* NAIVE_H */
