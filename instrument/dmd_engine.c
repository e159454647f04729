/*
 * dmd_engine.c -- the ByteDMD pricing engine behind dmd.h's hooks and the
 * dmdtrace reader.
 *
 * Notes (the model, as implemented here)
 * --------------------------------------
 * - A READ is one operand of one instruction (value models) or one LD (lru).
 *   It is priced at the byte depth D of its key -- the number of bytes that
 *   sit above it on the stack -- as U(D+w) - U(D) for an element of w bytes.
 *   Everything else is free: arithmetic, pushes, stores, moves to the top.
 * - Value models: every value is a key.  The operands of one instruction are
 *   all priced against the stack as it was before the instruction (a repeated
 *   operand is charged twice at the same depth); then the distinct operands
 *   move to the top in first-occurrence order; then the result is pushed.
 * - live: a value leaves the stack right after the instruction that reads it
 *   for the last time, or right after its push if it is never read; outputs
 *   never leave.  "Last read" comes from a counting pass over the same events
 *   (pass 0: reads per value; pass 1: a value is retired when its count of
 *   remaining reads reaches 0).
 * - classic: nothing ever leaves the stack.
 * - lru: keys are array elements (addresses).  LD prices and moves to the
 *   top, ST moves to the top (or pushes) for free, DMD_DROP removes.
 * - Writes: value models count every instruction result as one write of its
 *   bytes, attributed to the value's region (the region of the first slot it
 *   is stored into; under classic, which cannot see the future, a read before
 *   that first store is attributed to "temp"); inputs are not writes.  lru
 *   counts every ST as a write.
 *
 * Data structure
 * --------------
 * The stack is a Fenwick tree over "time of last touch": a key touched at
 * time t sits at position t with weight = its bytes; bytes above position p
 * = prefix(t-1) - prefix(p) (see "the tree" below for the lazy variant).  Moving a key to the top clears its old position and
 * sets the next time; retiring clears it.  When the time axis (C slots) is
 * used up, the live keys are renumbered 1..n in order and the tree is rebuilt
 * in O(C) with C between 4n+1024 and 8n+2048: amortised O(1) per event.
 * Every read is O(log C); nothing is allocated per event.  The stack is its
 * own struct (dmd__stack, "the stack" below: push, move to top, remove, bytes
 * above a position, renumbering); the engine owns one and maps values or
 * addresses to its keys, so another stack discipline can sit beside it.
 */
#include "dmd_engine.h"
#include "dmd_trace.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#define DMD_INSTRUMENT /* the dmd__ hook prototypes */
#define DMD_NO_SHORT_NAMES
#include "dmd.h"

#define UNBOUND 0xFFFFFFFFu   /* value-model slot never stored */
#define LEFT_OUT 0x80000000u  /* pass 0: value declared as output */
#define LEFT_INF 0xFFFFFFFFu  /* pass 1: output, never retired */
#define REG_PENDING 0x8000u   /* vreg: not yet stored; low bits = phase of the push */
#define MAX_REGIONS DMD_MAX_REGIONS
#define MAX_PHASES 0x7FFF
#define MAX_ELEM_BYTES (1u << 20)
#define TREE_MIN 1024u
#define MAX_LIVE_BYTES 0xFFFFFFFFull            /* the tree's weights are 32-bit */
#define MAX_LIVE_KEYS ((1u << 28) - (1u << 21)) /* compact() keeps the axis below 2^30 */

enum { M_IDLE, M_COUNT, M_LIVE, M_CLASSIC, M_LRU };

typedef struct {
    uintptr_t lo, span; /* [lo, lo + span) */
    uint32_t base;      /* first global slot */
    uint32_t w;         /* bytes per element (after the bytes_per_element override) */
    uint32_t elem;      /* bytes per element in memory */
    int shift;          /* log2(elem) or -1 */
    int reg;            /* region index */
} dmd__range;

typedef struct {
    const char *file;
    int line, phase, reg;
    dmd_counts c;
} dmd__site;

/* One value (value models); one cache line serves a read. */
typedef struct {
    uint32_t pos;  /* tree position, 0 = not on the stack */
    uint32_t left; /* live: reads counted (pass 0) / reads left (pass 1) */
    uint32_t reg;  /* region index, or REG_PENDING | phase of the push */
} dmd__val;

typedef struct {
    uint32_t owner, wt;
} dmd__pt;

/* The LRU stack of keys (values under the value models, array elements under
 * lru), each weighing its bytes: a Fenwick tree over "time of last touch"
 * (see "the stack" below).  The engine owns one; the stack knows nothing of
 * values, regions or counts.  Each key's owner keeps the key's position (0 =
 * not on the stack) at kpos[key * kstride], which the stack updates when it
 * moves or renumbers keys. */
typedef struct {
    uint32_t *fw;    /* [C + 1] Fenwick tree of the weights, valid below t */
    dmd__pt *pt;     /* [C + 1] key and weight at each position (weight 0 = empty) */
    uint32_t C, t;   /* capacity; next free time (the top is at t - 1) */
    uint64_t total;  /* bytes on the stack */
    uint32_t nlive;  /* keys on the stack */
    int overflow;    /* total went above MAX_LIVE_BYTES since the last reset */
    uint32_t *kpos;  /* the owners' position records (stack_bind) */
    size_t kstride;
} dmd__stack;

struct dmd_engine {
    dmd_options o;
    int mode, pass, npasses;
    int listen;

    /* values (value models) */
    uint32_t nvals, nvals_pass0;
    size_t vcap;
    dmd__val *val;   /* [vcap] per value id */
    uint64_t max_values;

    /* the stack; its keys' positions are val[id].pos (value models) or slots[gs] (lru) */
    dmd__stack stk;

    /* regions */
    char **rname;
    int nreg, rcap;
    int *rtab;      /* open addressing on the name's hash: region index + 1, 0 = empty */
    uint32_t rmask;
    dmd__range *rng;
    int nrng, rngcap;
    dmd__range cache[4]; /* most recently hit ranges (span 0 = empty) */
    unsigned cnext;
    uint32_t *slots; /* [nslots] value models: bound id; lru: tree position */
    size_t nslots, slotcap;

    /* phases and counts */
    char **pname;
    int nph, phcap;
    int phstack[DMD_PHASE_MAX_DEPTH + 1];
    int phdepth, phase;
    dmd_counts **rows; /* rows[phase][region] */
    dmd_counts *row;   /* rows[phase] */

    /* sites */
    dmd__site *sites;
    int nsites, sitecap;
    int *sitetab; /* open addressing, -1 empty */
    uint32_t sitemask;
    int lastsite;

    /* trace output: the dmdtrace writer, an observer (dmd_trace.h) */
    dmd_trace_writer *tw;
    FILE *tw_file;         /* DMD_TRACE_OUT's temporary file (owned), else NULL */
    char *tw_path, *tw_tmp;
    int tw_err;            /* errno of the trace output's first failure, 0 = none */

    const char *err; /* why the event API refused the last event (static text) */
    char errbuf[160];
    int abandoned;   /* the current pass was cut short: its results are void */

    dmd_observer user;           /* dmd_engine_set_observer's (has_user) */
    int has_user;
    dmd_observer obs[DMD_MAX_OBSERVERS]; /* the user's and the trace writer's, called in this order */
    int nobs;
    int plain; /* no observer, no per-site rows: dmd__op's fast path */
};

static dmd_engine *g_cur;

/* ---------------------------------------------------------------- errors */
static void dmd__panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void dmd__panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("dmd: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) dmd__panic("out of memory (asked for %zu bytes)", n);
    return q;
}

static dmd_engine *need_engine(const char *what, const char *file, int line)
{
    if (!g_cur)
        dmd__panic("%s at %s:%d called with no engine attached (call dmd_engine_attach first)", what,
                   file ? file : "?", line);
    return g_cur;
}

/* ---------------------------------------------------------------- U(n) */
static inline uint64_t isqrt64(uint64_t x)
{
    uint64_t r = (uint64_t)sqrt((double)x);
    /* below 2^32 the correctly rounded double square root never reaches the
     * next integer (k - sqrt(k^2 - 1) > 2^-17 >> ulp), so floor is exact */
    if (x < (1ull << 32)) return r;
    while (r * r > x) r--;
    while ((r + 1) * (r + 1) <= x) r++;
    return r;
}

uint64_t dmd_U(uint64_t n)
{
    if (n == 0) return 0;
    uint64_t m = isqrt64(n - 1) + 1; /* ceil(sqrt(n)) */
    if (n < (1ull << 40)) return m * (6 * n + 3 * m - 2 * m * m - 1) / 6;
    unsigned __int128 a = (unsigned __int128)6 * n + 3 * m - (unsigned __int128)2 * m * m - 1;
    return (uint64_t)((unsigned __int128)m * a / 6);
}



const char *dmd_model_name(dmd_model m)
{
    switch (m) {
    case DMD_LIVE: return "live";
    case DMD_CLASSIC: return "classic";
    case DMD_LRU: return "lru";
    }
    return "?";
}

int dmd_model_parse(const char *s, dmd_model *out)
{
    for (int m = DMD_LIVE; m <= DMD_LRU; m++)
        if (s && strcmp(s, dmd_model_name((dmd_model)m)) == 0) {
            *out = (dmd_model)m;
            return 0;
        }
    return -1;
}

/* ---------------------------------------------------------------- counts */
static inline void count_read(dmd_counts *c, uint64_t depth, uint32_t w, uint64_t cost)
{
    c->reads++;
    c->bytes_read += w;
    c->cost += cost;
    c->sum_depth += (double)depth;
    if (depth > c->max_depth) c->max_depth = depth;
    c->hist[63 - __builtin_clzll(depth)]++;
}

void dmd_counts_add(dmd_counts *out, const dmd_counts *c)
{
    out->reads += c->reads;
    out->bytes_read += c->bytes_read;
    out->writes += c->writes;
    out->bytes_written += c->bytes_written;
    out->cost += c->cost;
    out->sum_depth += c->sum_depth;
    if (c->max_depth > out->max_depth) out->max_depth = c->max_depth;
    for (int k = 0; k < 64; k++) out->hist[k] += c->hist[k];
}

static void grow_rows(dmd_engine *e, int need_regions)
{
    if (need_regions <= e->rcap) return;
    int nc = e->rcap ? e->rcap : 8;
    while (nc < need_regions) nc *= 2;
    for (int p = 0; p < e->nph; p++) {
        e->rows[p] = xrealloc(e->rows[p], (size_t)nc * sizeof(dmd_counts));
        memset(e->rows[p] + e->rcap, 0, (size_t)(nc - e->rcap) * sizeof(dmd_counts));
    }
    e->rcap = nc;
    e->row = e->rows[e->phase];
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = xrealloc(NULL, n);
    memcpy(d, s, n);
    return d;
}

static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Hashed, so registering or reading many regions stays linear. */
int dmd_engine_region(dmd_engine *e, const char *name)
{
    uint32_t h = name_hash(name), i;
    for (i = h & e->rmask; e->rtab[i]; i = (i + 1) & e->rmask) {
        int r = e->rtab[i] - 1;
        if (e->rname[r] == name || strcmp(e->rname[r], name) == 0) return r;
    }
    if (e->nreg >= MAX_REGIONS) return -1;
    if (e->nreg >= e->rcap) grow_rows(e, e->nreg + 1);
    char **nn = xrealloc(e->rname, (size_t)(e->nreg + 1) * sizeof *nn);
    e->rname = nn;
    e->rname[e->nreg] = xstrdup(name);
    e->rtab[i] = e->nreg + 1;
    if ((uint32_t)(e->nreg + 1) * 2 > e->rmask) { /* keep the table at most half full */
        uint32_t nm = 2 * e->rmask + 1;
        int *nt = xrealloc(NULL, ((size_t)nm + 1) * sizeof *nt);
        memset(nt, 0, ((size_t)nm + 1) * sizeof *nt);
        for (int r = 0; r <= e->nreg; r++) {
            uint32_t j = name_hash(e->rname[r]) & nm;
            while (nt[j]) j = (j + 1) & nm;
            nt[j] = r + 1;
        }
        free(e->rtab);
        e->rtab = nt;
        e->rmask = nm;
    }
    return e->nreg++;
}

static int phase_index(dmd_engine *e, const char *name)
{
    for (int p = 0; p < e->nph; p++)
        if (e->pname[p] == name || strcmp(e->pname[p], name) == 0) return p;
    if (e->nph >= MAX_PHASES) dmd__panic("more than %d phase names (phase '%s')", MAX_PHASES, name);
    if (e->nph == e->phcap) {
        e->phcap = e->phcap ? 2 * e->phcap : 8;
        e->pname = xrealloc(e->pname, (size_t)e->phcap * sizeof *e->pname);
        e->rows = xrealloc(e->rows, (size_t)e->phcap * sizeof *e->rows);
    }
    e->pname[e->nph] = xstrdup(name);
    e->rows[e->nph] = xrealloc(NULL, (size_t)e->rcap * sizeof(dmd_counts));
    memset(e->rows[e->nph], 0, (size_t)e->rcap * sizeof(dmd_counts));
    e->row = e->rows[e->phase];
    return e->nph++;
}

/* ---------------------------------------------------------------- the stack */
/*
 * Fenwick tree over positions 1 .. t-1 (t = next free time), built lazily:
 * node j (covering (j - lowbit(j), j]) is only valid for j < t.  Appending at
 * t computes fw[t] from its children, which all lie below t (amortised O(1)).
 * Changing a weight at p < t walks up only while below t.  The bytes above p
 * are prefix(t-1) - prefix(p); both chains share the nodes of the common
 * high bits of p and t-1, so only about 2 log2(t - p) nodes are read: reads
 * near the top of the stack (the common case) touch a few hot nodes.
 *
 * The stack's operations (a key is a uint32 chosen by the owner; p is the
 * key's current position, read from the owner's record):
 *   stack_room(s, n)          make room for n more touches (may renumber: call
 *                             it before reading positions for those touches)
 *   stack_push(s, key, w)     push a key of w bytes on top (room ensured)
 *   stack_top(s, key, p)      move the key at p to the top (room ensured)
 *   stack_remove(s, key, p)   take the key at p off the stack
 *   stack_above(s, p)         bytes above position p (the depth D of a read)
 *   stack_weight(s, p)        bytes of the key at p
 *   stack_time(s)             next free time: a key at p >= an earlier
 *                             stack_time was touched since (p == time - 1: top)
 */
static inline uint32_t tree_above(const uint32_t *fw, uint32_t t, uint32_t p)
{
    uint32_t a = t - 1, b = p, s = 0;
    if (a == b) return 0;
    uint32_t c = a & ~(0xFFFFFFFFu >> __builtin_clz(a ^ b)); /* common high bits */
    for (; a > c; a &= a - 1) s += fw[a];
    for (; b > c; b &= b - 1) s -= fw[b];
    return s;
}
static inline void tree_sub(uint32_t *fw, uint32_t t, uint32_t p, uint32_t w)
{
    for (; p < t; p += p & (0u - p)) fw[p] -= w;
}
static inline void tree_append(uint32_t *fw, uint32_t t, uint32_t w)
{
    uint32_t stop = t - (t & (0u - t));
    for (uint32_t c = t - 1; c > stop; c &= c - 1) w += fw[c];
    fw[t] = w;
}

static int stack_init(dmd__stack *s)
{
    memset(s, 0, sizeof *s);
    s->C = TREE_MIN;
    s->t = 1;
    s->fw = calloc(TREE_MIN + 1, sizeof(uint32_t));
    s->pt = calloc(TREE_MIN + 1, sizeof(dmd__pt));
    return s->fw && s->pt ? 0 : -1;
}
static void stack_free(dmd__stack *s)
{
    free(s->fw);
    free(s->pt);
}
/* Empty (the capacity stays). */
static void stack_reset(dmd__stack *s)
{
    s->t = 1;
    s->total = 0;
    s->nlive = 0;
    s->overflow = 0;
    memset(s->fw, 0, (s->C + 1) * sizeof(uint32_t));
    memset(s->pt, 0, (s->C + 1) * sizeof(dmd__pt));
}
/* Where the owners record their keys' positions (after every reallocation
 * of that record). */
static inline void stack_bind(dmd__stack *s, uint32_t *kpos, size_t kstride)
{
    s->kpos = kpos;
    s->kstride = kstride;
}
static inline void stack_setpos(dmd__stack *s, uint32_t key, uint32_t p) { s->kpos[(size_t)key * s->kstride] = p; }

/* Renumber the live keys 1..n and size the axis for at least `room` more
 * touches. */
static void stack_compact(dmd__stack *s, uint32_t room)
{
    uint32_t q = 0;
    for (uint32_t p = 1; p < s->t; p++)
        if (s->pt[p].wt) {
            q++;
            s->pt[q] = s->pt[p];
            stack_setpos(s, s->pt[q].owner, q);
        }
    if (q != s->nlive) dmd__panic("internal: %u keys found on the stack, %u expected", q, s->nlive);
    uint64_t want = 4 * (uint64_t)q + room + TREE_MIN;
    uint64_t nc = TREE_MIN;
    while (nc < want) nc *= 2;
    if (nc > 0x7FFFFFFFull) dmd__panic("stack of %u keys is too large", q);
    if (nc > s->C) {
        s->fw = xrealloc(s->fw, (nc + 1) * sizeof(uint32_t));
        s->pt = xrealloc(s->pt, (nc + 1) * sizeof(dmd__pt));
    }
    s->C = (uint32_t)nc;
    s->fw[0] = 0;
    for (uint32_t i = 1; i <= q; i++) s->fw[i] = s->pt[i].wt;
    for (uint32_t i = 1; i <= q; i++) {
        uint32_t j = i + (i & (0u - i));
        if (j <= q) s->fw[j] += s->fw[i];
    }
    s->t = q + 1;
}

static inline void stack_room(dmd__stack *s, uint32_t n)
{
    if (s->t + n > s->C) stack_compact(s, n);
}
static inline uint32_t stack_time(const dmd__stack *s) { return s->t; }
static inline uint32_t stack_weight(const dmd__stack *s, uint32_t p) { return s->pt[p].wt; }
static inline uint64_t stack_above(const dmd__stack *s, uint32_t p) { return tree_above(s->fw, s->t, p); }

/* The caller has ensured room. */
static inline void stack_push(dmd__stack *s, uint32_t key, uint32_t w)
{
    uint32_t t = s->t++;
    s->pt[t].owner = key;
    s->pt[t].wt = w;
    tree_append(s->fw, t, w);
    stack_setpos(s, key, t);
    s->total += w;
    if (__builtin_expect(s->total > MAX_LIVE_BYTES, 0)) s->overflow = 1; /* the hooks cannot refuse */
    s->nlive++;
}
static inline void stack_top(dmd__stack *s, uint32_t key, uint32_t p)
{
    uint32_t w = s->pt[p].wt;
    s->pt[p].wt = 0;
    tree_sub(s->fw, s->t, p, w);
    uint32_t t = s->t++;
    s->pt[t].owner = key;
    s->pt[t].wt = w;
    tree_append(s->fw, t, w);
    stack_setpos(s, key, t);
}
static inline void stack_remove(dmd__stack *s, uint32_t key, uint32_t p)
{
    uint32_t w = s->pt[p].wt;
    s->pt[p].wt = 0;
    tree_sub(s->fw, s->t, p, w);
    stack_setpos(s, key, 0);
    s->total -= w;
    s->nlive--;
}
/* ---------------------------------------------------------------- sites */
/* The per-site cell of (file, line, current phase, region). */
static uint64_t site_hash(const char *file, int line, int phase, int reg)
{
    uint64_t h = ((uintptr_t)file * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)line * 0xC2B2AE3D27D4EB4Full) ^
                 ((uint64_t)phase << 40) ^ ((uint64_t)reg << 52);
    return h ^ (h >> 29);
}

static dmd_counts *site_cell(dmd_engine *e, const char *file, int line, int reg)
{
    if (e->lastsite >= 0) {
        dmd__site *s = &e->sites[e->lastsite];
        if (s->file == file && s->line == line && s->phase == e->phase && s->reg == reg) return &s->c;
    }
    uint64_t h = site_hash(file, line, e->phase, reg);
    for (uint32_t i = (uint32_t)h & e->sitemask;; i = (i + 1) & e->sitemask) {
        int k = e->sitetab[i];
        if (k < 0) break;
        dmd__site *s = &e->sites[k];
        if (s->file == file && s->line == line && s->phase == e->phase && s->reg == reg) {
            e->lastsite = k;
            return &s->c;
        }
    }
    if ((uint32_t)(e->nsites + 1) * 2 > e->sitemask + 1) { /* grow the table and re-insert */
        uint32_t nm = (e->sitemask + 1) * 2 - 1;
        int *nt = xrealloc(NULL, (size_t)(nm + 1) * sizeof *nt);
        memset(nt, -1, (size_t)(nm + 1) * sizeof *nt);
        free(e->sitetab);
        e->sitetab = nt;
        e->sitemask = nm;
        for (int k = 0; k < e->nsites; k++) {
            dmd__site *s = &e->sites[k];
            uint32_t i = (uint32_t)site_hash(s->file, s->line, s->phase, s->reg) & nm;
            while (nt[i] >= 0) i = (i + 1) & nm;
            nt[i] = k;
        }
        return site_cell(e, file, line, reg);
    }
    if (e->nsites == e->sitecap) {
        e->sitecap = e->sitecap ? 2 * e->sitecap : 64;
        e->sites = xrealloc(e->sites, (size_t)e->sitecap * sizeof *e->sites);
    }
    dmd__site *s = &e->sites[e->nsites];
    memset(s, 0, sizeof *s);
    s->file = file;
    s->line = line;
    s->phase = e->phase;
    s->reg = reg;
    uint32_t i = (uint32_t)h & e->sitemask;
    while (e->sitetab[i] >= 0) i = (i + 1) & e->sitemask;
    e->sitetab[i] = e->nsites;
    e->lastsite = e->nsites;
    return &e->sites[e->nsites++].c;
}

/* ---------------------------------------------------------------- observers */
/* Call member fn of every observer (the trace writer is one): only off the
 * fast path (e->plain is 0 whenever an observer is set). */
#define OBS(e, fn, ...)                                                                                            \
    do {                                                                                                           \
        for (int o_ = 0; o_ < (e)->nobs; o_++)                                                                     \
            if ((e)->obs[o_].fn) (e)->obs[o_].fn((e)->obs[o_].ctx, __VA_ARGS__);                                  \
    } while (0)

static inline int vregion(const dmd_engine *e, uint32_t id)
{
    unsigned r = e->val[id].reg;
    return (r & REG_PENDING) ? 0 : (int)r;
}

/* U(n) for n <= UTAB_N, filled once (near the top of the stack most reads
 * straddle shells, whose width there is only 2 ceil(sqrt(n)) - 1 bytes). */
#define UTAB_N 4096
static uint32_t utab[UTAB_N + 1];
static void utab_init(void)
{
    if (utab[UTAB_N]) return;
    for (uint32_t n = 0; n <= UTAB_N; n++) utab[n] = (uint32_t)dmd_U(n);
}

/* Cost of an element of w bytes with D bytes above it: the table near the
 * top; within one "shell" of equal ceil(sqrt(k)) it is w * m; otherwise the
 * closed form. */
static inline uint64_t read_cost(uint64_t D, uint64_t w)
{
    if (D + w <= UTAB_N) return utab[D + w] - utab[D];
    uint64_t m = isqrt64(D) + 1; /* ceil(sqrt(D + 1)) */
    if (D + w <= m * m) return w * m;
    return dmd_U(D + w) - dmd_U(D);
}
uint64_t dmd_read_cost(uint64_t D, uint64_t w)
{
    utab_init();
    return read_cost(D, w);
}

/* Price the key at position p of the stack: returns the cost, sets *depth = D + w. */
static inline uint64_t key_price(const dmd__stack *s, uint32_t p, uint32_t w, uint64_t *depth)
{
    uint64_t D = stack_above(s, p);
    *depth = D + w;
    return read_cost(D, w);
}

/* ---------------------------------------------------------------- values */
static void grow_values(dmd_engine *e)
{
    if ((uint64_t)e->nvals + 1 > e->max_values)
        dmd__panic("more than %llu values: raise the value budget (max_values) or price a smaller run",
                   (unsigned long long)e->max_values);
    size_t nc = e->vcap ? 2 * e->vcap : 4096;
    e->val = xrealloc(e->val, nc * sizeof *e->val);
    e->vcap = nc;
    if (e->mode != M_LRU) stack_bind(&e->stk, &e->val[0].pos, sizeof(dmd__val) / sizeof(uint32_t));
}

/* A new value id; pass 0 initialises its bookkeeping. */
static inline uint32_t new_value(dmd_engine *e)
{
    if (e->nvals + 1 >= e->vcap || (uint64_t)e->nvals + 1 > e->max_values) grow_values(e);
    uint32_t id = ++e->nvals;
    e->val[id].pos = 0;
    if (e->mode == M_COUNT) e->val[id].left = 0;
    return id;
}

/* Count one result write of w bytes in region reg (phase = current). */
static inline void count_write(dmd_engine *e, int reg, uint32_t w, const char *file, int line)
{
    dmd_counts *c = &e->row[reg];
    c->writes++;
    c->bytes_written += w;
    if (e->o.per_site) {
        c = site_cell(e, file, line, reg);
        c->writes++;
        c->bytes_written += w;
    }
}

/* Push a value (input: is_write 0; result: 1).  reg < 0: region not known yet
 * (classic hooks: pending until the first store). */
static uint32_t push_value(dmd_engine *e, uint32_t w, int reg, int is_write, const char *file, int line)
{
    uint32_t id = new_value(e);
    switch (e->mode) {
    case M_COUNT:
        e->val[id].reg = reg < 0 ? REG_PENDING : (uint16_t)reg;
        return id;
    case M_LIVE:
        if (id > e->nvals_pass0)
            dmd__panic("pass 1 creates more values than pass 0 (%u): the program must do the same work in every "
                       "pass",
                       e->nvals_pass0);
        reg = e->val[id].reg;
        if (is_write) count_write(e, reg, w, file, line);
        if (e->val[id].left) {
            stack_room(&e->stk, 1);
            stack_push(&e->stk, id, w);
        }
        if (e->nobs) {
            OBS(e, push, id, w, reg, is_write);
            if (!e->val[id].left) OBS(e, retire, id);
        }
        return id;
    default: /* M_CLASSIC */
        if (reg < 0) {
            e->val[id].reg = (uint16_t)(REG_PENDING | (unsigned)e->phase);
            reg = 0;
        } else
            e->val[id].reg = (uint16_t)reg;
        if (is_write) count_write(e, reg, w, file, line);
        stack_room(&e->stk, 1);
        stack_push(&e->stk, id, w);
        if (e->nobs) OBS(e, push, id, w, (e->val[id].reg & REG_PENDING) ? DMD_REGION_PENDING : reg, is_write);
        return id;
    }
}

static void bad_value(const dmd_engine *e, uint32_t id, const char *file, int line)
{
    if (id == 0 || id > e->nvals)
        dmd__panic("%s:%d: read of value %u, which does not exist (%u values so far)", file ? file : "(events)",
                   line, id, e->nvals);
    if (e->mode == M_LIVE)
        dmd__panic("%s:%d: value %u is read after the last read that pass 0 saw: the program must do the same "
                   "work in every pass",
                   file ? file : "(events)", line, id);
    dmd__panic("%s:%d: value %u is not on the stack", file ? file : "(events)", line, id);
}

/* One instruction (value models).  Returns the size of its first operand. */
static uint32_t price_instr(dmd_engine *e, const uint32_t *ids, int n, const char *file, int line)
{
    if (e->mode == M_COUNT) {
        for (int k = 0; k < n; k++) {
            uint32_t id = ids[k];
            if (id == 0 || id > e->nvals) bad_value(e, id, file, line);
            e->val[id].left++;
        }
        return 1;
    }
    stack_room(&e->stk, (uint32_t)n + 1);
    uint32_t w0 = 0;
    /* 1. price every operand against the stack before the instruction */
    for (int k = 0; k < n; k++) {
        uint32_t id = ids[k];
        if (id == 0 || id > e->nvals) bad_value(e, id, file, line);
        uint32_t p = e->val[id].pos;
        if (!p) bad_value(e, id, file, line);
        uint32_t w = stack_weight(&e->stk, p);
        if (k == 0) w0 = w;
        uint64_t depth, cost = key_price(&e->stk, p, w, &depth);
        int rg = vregion(e, id);
        count_read(&e->row[rg], depth, w, cost);
        if (e->o.per_site) count_read(site_cell(e, file, line, rg), depth, w, cost);
        if (e->nobs) OBS(e, read, id, depth, w, cost);
    }
    /* 2. distinct operands to the top in first-occurrence order; a key
     * already moved in this instruction sits at or above t0 */
    uint32_t t0 = stack_time(&e->stk);
    if (e->mode == M_LIVE) {
        for (int k = 0; k < n; k++) {
            uint32_t id = ids[k], p = e->val[id].pos;
            if (--e->val[id].left == 0) {
                stack_remove(&e->stk, id, p);
                if (e->nobs) OBS(e, retire, id);
            } else if (p < t0)
                stack_top(&e->stk, id, p);
        }
    } else {
        for (int k = 0; k < n; k++) {
            uint32_t id = ids[k], p = e->val[id].pos;
            if (p < t0) stack_top(&e->stk, id, p);
        }
    }
    if (e->nobs) OBS(e, instr, ids, n);
    return w0;
}

static uint32_t refuse(dmd_engine *e, const char *fmt, unsigned long long v)
{
    snprintf(e->errbuf, sizeof e->errbuf, fmt, v);
    e->err = e->errbuf;
    return 0;
}

uint32_t dmd_engine_push(dmd_engine *e, uint32_t bytes, int region, int is_write)
{
    if (e->mode == M_LRU || e->mode == M_IDLE)
        dmd__panic("dmd_engine_push: engine %s", e->mode == M_LRU ? "uses the lru model (addresses only)" : "is not attached");
    if (bytes == 0 || bytes > MAX_ELEM_BYTES) dmd__panic("dmd_engine_push: %u bytes (1..%u)", bytes, MAX_ELEM_BYTES);
    if (region < 0 || region >= e->nreg) dmd__panic("dmd_engine_push: no region %d", region);
    /* the limits, checked here (once per event) rather than in the hooks' hot path */
    if ((uint64_t)e->nvals + 1 > e->max_values)
        return refuse(e, "more than %llu values (the value budget)", (unsigned long long)e->max_values);
    int stacked = e->mode == M_CLASSIC || (e->mode == M_LIVE && e->nvals < e->nvals_pass0 && e->val[e->nvals + 1].left);
    if (stacked && e->stk.total + bytes > MAX_LIVE_BYTES)
        return refuse(e, "more than 4 GiB of live data on the stack (%llu bytes before this value; the engine's "
                         "limit): price a smaller trace",
                      (unsigned long long)e->stk.total);
    if (stacked && e->stk.nlive >= MAX_LIVE_KEYS)
        return refuse(e, "more than %llu values live on the stack (the engine's limit): price a smaller trace",
                      (unsigned long long)MAX_LIVE_KEYS);
    return push_value(e, bytes, region, is_write, NULL, 0);
}

const char *dmd_engine_error(const dmd_engine *e)
{
    if (e->err) return e->err;
    if (e->stk.overflow)
        return "more than 4 GiB of live data on the stack (the engine's limit; the results are void): price a "
               "smaller run";
    return NULL;
}
int dmd_engine_trace_error(const dmd_engine *e)
{
    if (e->tw_err) return e->tw_err;
    return e->tw ? dmd_trace_writer_error(e->tw) : 0;
}

void dmd_engine_read(dmd_engine *e, const uint32_t *ids, int n)
{
    if (e->mode == M_LRU || e->mode == M_IDLE)
        dmd__panic("dmd_engine_read: engine %s", e->mode == M_LRU ? "uses the lru model (addresses only)" : "is not attached");
    if (n > DMD_MAX_OPERANDS) dmd__panic("dmd_engine_read: %d operands (at most %d)", n, DMD_MAX_OPERANDS);
    if (n > 0) price_instr(e, ids, n, NULL, 0);
}

static void output_value(dmd_engine *e, uint32_t id)
{
    if (e->mode == M_COUNT)
        e->val[id].left |= LEFT_OUT;
    else if (e->mode == M_LIVE || e->mode == M_CLASSIC) {
        if (e->nobs) OBS(e, output, id);
    }
}

void dmd_engine_output(dmd_engine *e, uint32_t id)
{
    if (e->mode == M_LRU || e->mode == M_IDLE) dmd__panic("dmd_engine_output: engine not attached or lru");
    if (id == 0 || id > e->nvals) dmd__panic("dmd_engine_output: no value %u", id);
    output_value(e, id);
}

uint32_t dmd_engine_nvalues(const dmd_engine *e) { return e->nvals; }

/* The observer list: the user's, then the trace writer's. */
static void obs_update(dmd_engine *e)
{
    e->nobs = 0;
    if (e->has_user) e->obs[e->nobs++] = e->user;
    if (e->tw) e->obs[e->nobs++] = dmd_trace_writer_observer(e->tw);
    e->plain = !e->nobs && !e->o.per_site;
}

void dmd_engine_set_observer(dmd_engine *e, const dmd_observer *obs)
{
    if (obs)
        e->user = *obs;
    else
        memset(&e->user, 0, sizeof e->user);
    e->has_user = obs != NULL;
    obs_update(e);
}

/* ---------------------------------------------------------------- phases */
static void on_phase(void *ctx, const char *name, int begin)
{
    dmd_engine *e = ctx;
    if (begin) {
        int p = phase_index(e, name);
        if (e->phdepth < DMD_PHASE_MAX_DEPTH) e->phstack[++e->phdepth] = p;
        e->phase = p;
    } else {
        if (e->phdepth > 0) e->phdepth--;
        e->phase = e->phstack[e->phdepth];
    }
    e->row = e->rows[e->phase];
    e->lastsite = -1;
    if (e->nobs && e->mode != M_COUNT) OBS(e, phase, name, begin);
}

/* ---------------------------------------------------------------- engine */
dmd_engine *dmd_engine_new(const dmd_options *o)
{
    dmd_engine *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->o = *o;
    if (o->model != DMD_LIVE && o->model != DMD_CLASSIC && o->model != DMD_LRU) {
        fprintf(stderr, "dmd: unknown model %d\n", (int)o->model);
        free(e);
        return NULL;
    }
    e->npasses = o->model == DMD_LIVE ? 2 : 1;
    e->max_values = o->max_values ? o->max_values : DMD_MAX_VALUES;
    if (e->max_values > DMD_MAX_VALUES) e->max_values = DMD_MAX_VALUES;
    e->pass = -1;
    e->listen = -1;
    e->lastsite = -1;
    e->sitemask = 255;
    e->sitetab = malloc(256 * sizeof(int));
    e->rmask = 63;
    e->rtab = calloc(64, sizeof(int));
    int stk_ok = stack_init(&e->stk) == 0;
    if (!e->sitetab || !e->rtab || !stk_ok) {
        dmd_engine_free(e);
        return NULL;
    }
    memset(e->sitetab, -1, 256 * sizeof(int));
    utab_init();
    phase_index(e, "(none)");
    grow_rows(e, 8);
    dmd_engine_region(e, "temp");
    memset(e->cache, 0, sizeof e->cache);
    FILE *tf = o->trace_out;
    const char *env = getenv("DMD_TRACE_OUT");
    if (!tf && env && *env) {
        size_t n = strlen(env) + 32;
        struct stat st;
        e->tw_path = xstrdup(env);
        if (stat(env, &st) == 0 && !S_ISREG(st.st_mode)) {
            /* /dev/null, a FIFO: written in place (a rename onto it would
             * replace the device with a regular file) */
            e->tw_tmp = NULL;
        } else {
            e->tw_tmp = xrealloc(NULL, n);
            snprintf(e->tw_tmp, n, "%s.tmp.%ld", env, (long)getpid());
        }
        tf = e->tw_file = fopen(e->tw_tmp ? e->tw_tmp : env, "w");
        if (!tf) {
            perror("dmd: cannot open DMD_TRACE_OUT");
            fprintf(stderr, "dmd: (writing '%s'); unset DMD_TRACE_OUT or point it to a writable file\n",
                    e->tw_tmp ? e->tw_tmp : env);
            dmd_engine_free(e);
            return NULL;
        }
    }
    if (tf) {
        e->tw = dmd_trace_writer_new(tf, e);
        if (!e->tw) {
            dmd_engine_free(e);
            return NULL;
        }
        obs_update(e);
    }
    return e;
}

void dmd_engine_free(dmd_engine *e)
{
    if (!e) return;
    if (g_cur == e) dmd_engine_detach(e);
    if (e->tw_file) {
        fclose(e->tw_file);
        if (e->tw_tmp) remove(e->tw_tmp);
    }
    dmd_trace_writer_free(e->tw);
    free(e->tw_path);
    free(e->tw_tmp);
    free(e->val);
    stack_free(&e->stk);
    for (int r = 0; r < e->nreg; r++) free(e->rname[r]);
    free(e->rname);
    free(e->rtab);
    free(e->rng);
    free(e->slots);
    for (int p = 0; p < e->nph; p++) {
        free(e->pname[p]);
        free(e->rows[p]);
    }
    free(e->pname);
    free(e->rows);
    free(e->sites);
    free(e->sitetab);
    free(e);
}

int dmd_engine_passes(const dmd_engine *e) { return e->npasses; }
dmd_engine *dmd_engine_current(void) { return g_cur; }
const dmd_options *dmd_engine_options(const dmd_engine *e) { return &e->o; }

double dmd_memory_estimate(dmd_model m, double values)
{
    /* lru: `values` are the registered elements, 4 bytes each plus at least 4 tree slots of 12 bytes */
    return values * (m == DMD_LIVE ? 12.0 : m == DMD_CLASSIC ? 60.0 : 52.0);
}

void dmd_engine_attach(dmd_engine *e, int pass)
{
    if (g_cur && g_cur != e) dmd__panic("dmd_engine_attach: another engine is attached");
    if (g_cur == e) dmd__panic("dmd_engine_attach: engine already attached (pass %d); detach first", e->pass);
    if (pass != e->pass + 1 || pass >= e->npasses)
        dmd__panic("dmd_engine_attach: pass %d out of order (expected %d of %d)", pass, e->pass + 1, e->npasses);
    e->pass = pass;
    e->abandoned = 0;
    if (e->o.model == DMD_LRU)
        e->mode = M_LRU;
    else if (e->o.model == DMD_CLASSIC)
        e->mode = M_CLASSIC;
    else
        e->mode = pass == 0 ? M_COUNT : M_LIVE;
    if (e->mode == M_LIVE) e->nvals_pass0 = e->nvals;
    e->nvals = 0;
    e->nrng = 0;
    e->nslots = 0;
    memset(e->cache, 0, sizeof e->cache);
    stack_reset(&e->stk);
    e->phdepth = 0;
    e->phstack[0] = 0;
    e->phase = 0;
    const char *cur = dmd_phase_current();
    if (cur) {
        e->phstack[++e->phdepth] = phase_index(e, cur);
        e->phase = e->phstack[e->phdepth];
    }
    e->row = e->rows[e->phase];
    e->lastsite = -1;
    if (e->mode == M_LRU)
        stack_bind(&e->stk, e->slots, 1);
    else
        stack_bind(&e->stk, e->val ? &e->val[0].pos : NULL, sizeof(dmd__val) / sizeof(uint32_t));
    e->plain = !e->nobs && !e->o.per_site;
    e->listen = dmd_phase_listen(on_phase, e);
    if (e->listen < 0) dmd__panic("dmd_engine_attach: too many phase listeners");
    g_cur = e;
    if (e->nobs && e->mode != M_COUNT && e->phdepth) OBS(e, phase, e->pname[e->phase], 1);
}

int dmd_engine_run(dmd_engine *e, void (*run)(void *ctx, int pass), void *ctx)
{
    for (int p = 0; p < e->npasses; p++) {
        dmd_engine_attach(e, p);
        run(ctx, p);
        dmd_engine_detach(e);
    }
    return e->npasses;
}

void dmd_engine_abandon(dmd_engine *e)
{
    if (g_cur != e) dmd__panic("dmd_engine_abandon: engine not attached");
    e->abandoned = 1;
    dmd_engine_detach(e);
}

void dmd_engine_detach(dmd_engine *e)
{
    if (g_cur != e) dmd__panic("dmd_engine_detach: engine not attached");
    dmd_phase_unlisten(e->listen);
    e->listen = -1;
    g_cur = NULL;
    if (e->mode == M_COUNT) {
        for (uint32_t id = 1; id <= e->nvals; id++) {
            if (e->val[id].reg & REG_PENDING) e->val[id].reg = 0;
            if (e->val[id].left & LEFT_OUT) e->val[id].left = LEFT_INF;
        }
    } else if (e->mode == M_LIVE && e->nvals != e->nvals_pass0 && !e->abandoned)
        dmd__panic("pass 1 created %u values, pass 0 created %u: the program must do the same work in every pass",
                   e->nvals, e->nvals_pass0);
    if (e->nobs && e->mode != M_COUNT) { /* the pricing pass: balance the phases, then end */
        for (int d = e->phdepth; d > 0; d--) OBS(e, phase, e->pname[e->phstack[d]], 0);
        for (int o_ = 0; o_ < e->nobs; o_++)
            if (e->obs[o_].end) e->obs[o_].end(e->obs[o_].ctx);
    }
    if (e->tw && e->pass == e->npasses - 1) {
        e->tw_err = dmd_trace_writer_finish(e->tw); /* flushes trace_out */
        if (e->tw_file) { /* DMD_TRACE_OUT: close and rename */
            if (fclose(e->tw_file) != 0 && !e->tw_err) e->tw_err = errno ? errno : EIO;
            e->tw_file = NULL;
            if (e->tw_tmp) {
                if (!e->tw_err && rename(e->tw_tmp, e->tw_path) != 0) e->tw_err = errno ? errno : EIO;
                if (e->tw_err) remove(e->tw_tmp); /* the caller reports dmd_engine_trace_error */
            }
        }
    }
    e->mode = M_IDLE;
}

/* ---------------------------------------------------------------- results */
int dmd_engine_nregions(const dmd_engine *e) { return e->nreg; }
const char *dmd_engine_region_name(const dmd_engine *e, int r) { return r >= 0 && r < e->nreg ? e->rname[r] : NULL; }
int dmd_engine_nphases(const dmd_engine *e) { return e->nph; }
const char *dmd_engine_phase_name(const dmd_engine *e, int p) { return p >= 0 && p < e->nph ? e->pname[p] : NULL; }
const dmd_counts *dmd_engine_counts(const dmd_engine *e, int phase, int region)
{
    if (phase < 0 || phase >= e->nph || region < 0 || region >= e->nreg) return NULL;
    return &e->rows[phase][region];
}
void dmd_engine_total(const dmd_engine *e, dmd_counts *out)
{
    memset(out, 0, sizeof *out);
    for (int p = 0; p < e->nph; p++)
        for (int r = 0; r < e->nreg; r++) dmd_counts_add(out, &e->rows[p][r]);
}
void dmd_engine_region_total(const dmd_engine *e, int region, dmd_counts *out)
{
    memset(out, 0, sizeof *out);
    for (int p = 0; p < e->nph; p++)
        if (region >= 0 && region < e->nreg) dmd_counts_add(out, &e->rows[p][region]);
}
void dmd_engine_phase_total(const dmd_engine *e, int phase, dmd_counts *out)
{
    memset(out, 0, sizeof *out);
    if (phase >= 0 && phase < e->nph)
        for (int r = 0; r < e->nreg; r++) dmd_counts_add(out, &e->rows[phase][r]);
}
int dmd_engine_nsites(const dmd_engine *e) { return e->nsites; }
int dmd_engine_site_region(const dmd_engine *e, int i) { return e->sites[i].reg; }
void dmd_engine_site(const dmd_engine *e, int i, const char **file, int *line, int *phase, const dmd_counts **c)
{
    const dmd__site *s = &e->sites[i];
    if (file) *file = s->file;
    if (line) *line = s->line;
    if (phase) *phase = s->phase;
    if (c) *c = &s->c;
}

/* ================================================================ hooks */

/* Slot of an address: the range holding it (cached), or abort. */
static const dmd__range *__attribute__((noinline))
find_range(dmd_engine *e, uintptr_t a, const char *what, const char *file, int line)
{
    int lo = 0, hi = e->nrng - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        const dmd__range *r = &e->rng[mid];
        if (a < r->lo)
            hi = mid - 1;
        else if (a - r->lo >= r->span)
            lo = mid + 1;
        else {
            dmd__range *c = &e->cache[e->cnext++ & 3];
            *c = *r;
            return c;
        }
    }
    dmd__panic("%s at %s:%d: address %p is in no registered region (register the array with DMD_REGION)", what,
               file ? file : "?", line, (void *)a);
}

static void __attribute__((noinline, cold, noreturn))
misaligned_fail(const dmd_engine *e, const dmd__range *r, const void *addr, const char *what, const char *file,
                int line)
{
    dmd__panic("%s at %s:%d: address %p is inside an element of region '%s' (misaligned pointer)", what,
               file ? file : "?", line, addr, e->rname[r->reg]);
}

static inline uint32_t slot_of(dmd_engine *e, const void *addr, const dmd__range **rp, const char *what,
                               const char *file, int line)
{
    uintptr_t a = (uintptr_t)addr;
    const dmd__range *r = &e->cache[0];
    if (a - r->lo >= r->span) {
        r = &e->cache[1];
        if (a - r->lo >= r->span) {
            r = &e->cache[2];
            if (a - r->lo >= r->span) {
                r = &e->cache[3];
                if (a - r->lo >= r->span) r = find_range(e, a, what, file, line);
            }
        }
    }
    uintptr_t off = a - r->lo, idx;
    if (r->shift >= 0) {
        idx = off >> r->shift;
        if (off & (r->elem - 1)) goto misaligned;
    } else {
        idx = off / r->elem;
        if (off % r->elem) goto misaligned;
    }
    *rp = r;
    return r->base + (uint32_t)idx;
misaligned:
    misaligned_fail(e, r, addr, what, file, line);
}

static void slot_name(const dmd_engine *e, const dmd__range *r, uint32_t gs, char *buf, size_t n)
{
    snprintf(buf, n, "%s[%u]", e->rname[r->reg], gs - r->base);
}

void dmd__region(const char *name, const void *ptr, size_t n, size_t elem_bytes)
{
    dmd_engine *e = need_engine("DMD_REGION", NULL, 0);
    if (!name || !*name) dmd__panic("DMD_REGION: empty name");
    if (elem_bytes == 0 || elem_bytes > MAX_ELEM_BYTES)
        dmd__panic("DMD_REGION(%s): element size %zu bytes (1..%u)", name, elem_bytes, MAX_ELEM_BYTES);
    if (n == 0) return;
    if (!ptr) dmd__panic("DMD_REGION(%s): NULL pointer", name);
    if (n > 0xFFFFFFFFu - e->nslots) dmd__panic("DMD_REGION(%s): more than 2^32 registered elements", name);
    int reg = dmd_engine_region(e, name);
    if (reg < 0) dmd__panic("DMD_REGION(%s): more than %d regions", name, MAX_REGIONS);
    uintptr_t lo = (uintptr_t)ptr, span = (uintptr_t)(n * elem_bytes);
    int at = 0;
    while (at < e->nrng && e->rng[at].lo < lo) at++;
    if (at < e->nrng && e->rng[at].lo == lo && e->rng[at].span == span && e->rng[at].reg == reg &&
        e->rng[at].elem == elem_bytes)
        return; /* the same registration again */
    if ((at > 0 && e->rng[at - 1].lo + e->rng[at - 1].span > lo) || (at < e->nrng && lo + span > e->rng[at].lo)) {
        const dmd__range *o = (at > 0 && e->rng[at - 1].lo + e->rng[at - 1].span > lo) ? &e->rng[at - 1] : &e->rng[at];
        dmd__panic("DMD_REGION(%s, %p, %zu): overlaps region '%s' registered at %p", name, ptr, n, e->rname[o->reg],
                   (void *)o->lo);
    }
    if (e->nrng == e->rngcap) {
        e->rngcap = e->rngcap ? 2 * e->rngcap : 32;
        e->rng = xrealloc(e->rng, (size_t)e->rngcap * sizeof *e->rng);
    }
    memmove(e->rng + at + 1, e->rng + at, (size_t)(e->nrng - at) * sizeof *e->rng);
    dmd__range *r = &e->rng[at];
    r->lo = lo;
    r->span = span;
    r->elem = (uint32_t)elem_bytes;
    r->w = e->o.bytes_per_element ? e->o.bytes_per_element : (uint32_t)elem_bytes;
    r->shift = (elem_bytes & (elem_bytes - 1)) ? -1 : __builtin_ctzll(elem_bytes);
    r->reg = reg;
    r->base = (uint32_t)e->nslots;
    e->nrng++;
    if (e->nslots + n > e->slotcap) {
        size_t nc = e->slotcap ? e->slotcap : 4096;
        while (nc < e->nslots + n) nc *= 2;
        e->slots = xrealloc(e->slots, nc * sizeof *e->slots);
        e->slotcap = nc;
        if (e->mode == M_LRU) stack_bind(&e->stk, e->slots, 1);
    }
    memset(e->slots + e->nslots, e->mode == M_LRU ? 0 : 0xFF, n * sizeof *e->slots);
    e->nslots += n;
    memset(e->cache, 0, sizeof e->cache);
}

/* The array hooks may span several adjacent regions (one buffer with named
 * views): fn(e, range, global slot) runs for each of the n elements from ptr,
 * region by region.  An address in no region panics in slot_of. */
static void each_slot(dmd_engine *e, const void *ptr, size_t n, const char *what,
                      void (*fn)(dmd_engine *, const dmd__range *, uint32_t))
{
    while (n > 0) {
        const dmd__range *rp;
        uint32_t gs = slot_of(e, ptr, &rp, what, NULL, 0);
        dmd__range r = *rp; /* fn may look up other ranges */
        size_t left = (size_t)(r.span / r.elem) - (gs - r.base), m = n < left ? n : left;
        for (size_t i = 0; i < m; i++) fn(e, &r, gs + (uint32_t)i);
        ptr = (const char *)ptr + m * r.elem;
        n -= m;
    }
}

/* lru: move the address of slot gs to the top, or push it (w bytes). */
static void lru_touch(dmd_engine *e, uint32_t gs, uint32_t w)
{
    stack_room(&e->stk, 1);
    uint32_t p = e->slots[gs];
    if (p)
        stack_top(&e->stk, gs, p);
    else
        stack_push(&e->stk, gs, w);
}

/* An address event to the observers: out of line, so that the lru hooks'
 * hot path keeps one predictable branch and its registers. */
static void __attribute__((noinline, cold))
obs_addr(dmd_engine *e, int kind, uint64_t addr, uint32_t w, int reg, int is_write, uint64_t depth, uint64_t cost)
{
    OBS(e, addr, kind, addr, w, reg, is_write, depth, cost);
}

/* The address of global slot gs of range r (what observers are told). */
static inline uint64_t slot_addr(const dmd__range *r, uint32_t gs) { return (uint64_t)(r->lo + (uintptr_t)(gs - r->base) * r->elem); }

static void input_slot(dmd_engine *e, const dmd__range *r, uint32_t gs)
{
    if (e->mode == M_LRU) {
        lru_touch(e, gs, r->w);
        if (e->nobs) OBS(e, addr, DMD_ADDR_STORE, slot_addr(r, gs), r->w, r->reg, 0, 0, 0);
    } else
        e->slots[gs] = push_value(e, r->w, r->reg, 0, NULL, 0);
}
static void output_slot(dmd_engine *e, const dmd__range *r, uint32_t gs)
{
    (void)r;
    uint32_t id = e->slots[gs];
    if (id != UNBOUND && id != 0) output_value(e, id); /* unbound or constant: nothing to keep */
}
static void drop_slot(dmd_engine *e, const dmd__range *r, uint32_t gs)
{
    uint32_t p = e->slots[gs];
    if (p) stack_remove(&e->stk, gs, p);
    if (e->nobs) OBS(e, addr, DMD_ADDR_DROP, slot_addr(r, gs), r->w, r->reg, 0, 0, 0);
}

void dmd__input(const void *ptr, size_t n) { each_slot(need_engine("DMD_INPUT", NULL, 0), ptr, n, "DMD_INPUT", input_slot); }

void dmd__output(const void *ptr, size_t n)
{
    dmd_engine *e = need_engine("DMD_OUTPUT", NULL, 0);
    if (e->mode != M_LRU) each_slot(e, ptr, n, "DMD_OUTPUT", output_slot);
}

void dmd__drop(const void *ptr, size_t n)
{
    dmd_engine *e = need_engine("DMD_DROP", NULL, 0);
    if (e->mode == M_LRU) each_slot(e, ptr, n, "DMD_DROP", drop_slot);
}

/* ---------------------------------------------------------------- address events (lru) */
static void addr_mode(const dmd_engine *e, const char *what)
{
    if (e->mode != M_LRU)
        dmd__panic("%s: engine %s", what, e->mode == M_IDLE ? "is not attached" : "uses a value model (values only)");
}

/* Make key a slot of the stack (slots[key] = its position, 0 = not on it). */
static void addr_slot(dmd_engine *e, uint32_t key)
{
    if (key == 0 || key == UNBOUND) dmd__panic("address event: key %u", key);
    if (key >= e->slotcap) {
        size_t nc = e->slotcap ? e->slotcap : 4096;
        while (nc <= key) nc *= 2;
        e->slots = xrealloc(e->slots, nc * sizeof *e->slots);
        e->slotcap = nc;
        stack_bind(&e->stk, e->slots, 1);
    }
    if (key >= e->nslots) {
        memset(e->slots + e->nslots, 0, (key + 1 - e->nslots) * sizeof *e->slots);
        e->nslots = key + 1;
    }
}

static int addr_size_ok(dmd_engine *e, uint32_t p, uint32_t bytes, uint64_t addr)
{
    if (!p || stack_weight(&e->stk, p) == bytes) return 1;
    snprintf(e->errbuf, sizeof e->errbuf, "address 0x%llx is an element of %u bytes on the stack, not %u",
             (unsigned long long)addr, stack_weight(&e->stk, p), bytes);
    e->err = e->errbuf;
    return 0;
}

int dmd_engine_addr_store(dmd_engine *e, uint32_t key, uint64_t addr, uint32_t bytes, int region, int is_write)
{
    addr_mode(e, "dmd_engine_addr_store");
    if (bytes == 0 || bytes > MAX_ELEM_BYTES) dmd__panic("dmd_engine_addr_store: %u bytes (1..%u)", bytes, MAX_ELEM_BYTES);
    if (region < 0 || region >= e->nreg) dmd__panic("dmd_engine_addr_store: no region %d", region);
    addr_slot(e, key);
    uint32_t p = e->slots[key];
    if (!addr_size_ok(e, p, bytes, addr)) return -1;
    if (!p && e->stk.total + bytes > MAX_LIVE_BYTES) {
        refuse(e, "more than 4 GiB of addresses on the stack (%llu bytes before this one; the engine's limit)",
               (unsigned long long)e->stk.total);
        return -1;
    }
    if (!p && e->stk.nlive >= MAX_LIVE_KEYS) {
        refuse(e, "more than %llu addresses on the stack (the engine's limit)", (unsigned long long)MAX_LIVE_KEYS);
        return -1;
    }
    lru_touch(e, key, bytes);
    if (is_write) count_write(e, region, bytes, NULL, 0);
    if (e->nobs) OBS(e, addr, DMD_ADDR_STORE, addr, bytes, region, is_write, 0, 0);
    return 0;
}

int dmd_engine_addr_load(dmd_engine *e, uint32_t key, uint64_t addr, uint32_t bytes, int region)
{
    addr_mode(e, "dmd_engine_addr_load");
    if (region < 0 || region >= e->nreg) dmd__panic("dmd_engine_addr_load: no region %d", region);
    uint32_t p = key < e->nslots ? e->slots[key] : 0;
    if (!p) {
        snprintf(e->errbuf, sizeof e->errbuf, "load of address 0x%llx, which is not on the stack (never stored, or dropped)",
                 (unsigned long long)addr);
        e->err = e->errbuf;
        return -1;
    }
    if (!addr_size_ok(e, p, bytes, addr)) return -1;
    uint64_t depth, cost = key_price(&e->stk, p, bytes, &depth);
    count_read(&e->row[region], depth, bytes, cost);
    if (e->nobs) OBS(e, addr, DMD_ADDR_LOAD, addr, bytes, region, 0, depth, cost);
    if (p != stack_time(&e->stk) - 1) {
        stack_room(&e->stk, 1);
        stack_top(&e->stk, key, e->slots[key]);
    }
    return 0;
}

void dmd_engine_addr_drop(dmd_engine *e, uint32_t key, uint64_t addr)
{
    addr_mode(e, "dmd_engine_addr_drop");
    uint32_t p = key < e->nslots ? e->slots[key] : 0, w = p ? stack_weight(&e->stk, p) : 0;
    if (p) stack_remove(&e->stk, key, p);
    if (e->nobs) OBS(e, addr, DMD_ADDR_DROP, addr, w, 0, 0, 0, 0);
}

static void __attribute__((noinline, cold, noreturn))
ld_fail(const dmd_engine *e, const dmd__range *r, uint32_t gs, const char *file, int line)
{
    char nm[160];
    slot_name(e, r, gs, nm, sizeof nm);
    if (e->mode == M_LRU)
        dmd__panic("LD at %s:%d reads %s, which was never stored or was dropped (declare inputs with DMD_INPUT)",
                   file, line, nm);
    dmd__panic("LD at %s:%d reads %s, which was never stored (declare inputs with DMD_INPUT)", file, line, nm);
}

static dmd_vid ld_lru(dmd_engine *e, const dmd__range *r, uint32_t gs, uint32_t v, const char *file, int line);

dmd_vid dmd__ld(const void *addr, const char *file, int line)
{
    dmd_engine *e = g_cur;
    if (__builtin_expect(!e, 0)) need_engine("LD", file, line);
    const dmd__range *r;
    uint32_t gs = slot_of(e, addr, &r, "LD", file, line);
    uint32_t v = e->slots[gs];
    if (e->mode == M_LRU) return ld_lru(e, r, gs, v, file, line);
    if (__builtin_expect(v == UNBOUND, 0)) ld_fail(e, r, gs, file, line);
    return v;
}

/* lru: price the address at position v and move it to the top. */
static dmd_vid __attribute__((noinline))
ld_lru(dmd_engine *e, const dmd__range *r, uint32_t gs, uint32_t v, const char *file, int line)
{
    if (__builtin_expect(!v, 0)) ld_fail(e, r, gs, file, line);
    uint32_t w = stack_weight(&e->stk, v);
    uint64_t depth, cost = key_price(&e->stk, v, w, &depth);
    count_read(&e->row[r->reg], depth, w, cost);
    if (e->o.per_site) count_read(site_cell(e, file, line, r->reg), depth, w, cost);
    if (__builtin_expect(e->nobs != 0, 0)) obs_addr(e, DMD_ADDR_LOAD, slot_addr(r, gs), w, r->reg, 0, depth, cost);
    if (v != stack_time(&e->stk) - 1) { /* not already on top */
        stack_room(&e->stk, 1);
        stack_top(&e->stk, gs, e->slots[gs]);
    }
    return DMD_CONST_ID;
}

void dmd__st(const void *addr, dmd_vid id, const char *file, int line)
{
    dmd_engine *e = g_cur;
    if (__builtin_expect(!e, 0)) need_engine("ST", file, line);
    const dmd__range *r;
    uint32_t gs = slot_of(e, addr, &r, "ST", file, line);
    if (e->mode == M_LRU) {
        lru_touch(e, gs, r->w);
        count_write(e, r->reg, r->w, file, line);
        if (__builtin_expect(e->nobs != 0, 0)) obs_addr(e, DMD_ADDR_STORE, (uint64_t)(uintptr_t)addr, r->w, r->reg, 1, 0, 0);
        return;
    }
    if (id > e->nvals) dmd__panic("ST at %s:%d stores value %u, which does not exist", file, line, id);
    e->slots[gs] = id;
    if (id == DMD_CONST_ID || e->mode == M_LIVE || !(e->val[id].reg & REG_PENDING)) return;
    /* first store of a value: it joins this region */
    if (e->mode == M_CLASSIC) {
        int ph = e->val[id].reg & ~REG_PENDING;
        uint32_t w = stack_weight(&e->stk, e->val[id].pos);
        dmd_counts *from = &e->rows[ph][0], *to = &e->rows[ph][r->reg];
        from->writes--;
        from->bytes_written -= w;
        to->writes++;
        to->bytes_written += w;
    }
    e->val[id].reg = (uint16_t)r->reg;
    if (e->nobs && e->mode == M_CLASSIC) OBS(e, settle, id, r->reg);
}

/* dmd__op under live (pricing pass) or classic with no observer, trace
 * output or per-site rows: price_instr + push_value specialised, the per-read
 * path of a kernel.  The test suite checks it against the general path
 * (engine_random runs both). */
static dmd_vid op_fast(dmd_engine *e, const dmd_vid *ids, int n, const char *file, int line)
{
    stack_room(&e->stk, (uint32_t)n + 1);
    const int live = e->mode == M_LIVE;
    dmd__val *V = e->val;
    dmd_counts *row = e->row;
    uint32_t nv = e->nvals, w0 = 0;
    for (int k = 0; k < n; k++) {
        uint32_t id = ids[k];
        if (__builtin_expect(id - 1 >= nv, 0)) bad_value(e, id, file, line);
        uint32_t p = V[id].pos;
        if (__builtin_expect(!p, 0)) bad_value(e, id, file, line);
        uint32_t w = stack_weight(&e->stk, p);
        if (k == 0) w0 = w;
        uint64_t D = stack_above(&e->stk, p);
        uint32_t r = V[id].reg;
        if (r & REG_PENDING) r = 0;
        count_read(&row[r], D + w, w, read_cost(D, w));
    }
    uint32_t t0 = stack_time(&e->stk);
    for (int k = 0; k < n; k++) {
        uint32_t id = ids[k], p = V[id].pos;
        if (live && --V[id].left == 0)
            stack_remove(&e->stk, id, p);
        else if (p < t0)
            stack_top(&e->stk, id, p);
    }
    if (e->o.bytes_per_element) w0 = e->o.bytes_per_element;
    uint32_t id = new_value(e);
    V = e->val;
    if (live) {
        if (__builtin_expect(id > e->nvals_pass0, 0))
            dmd__panic("%s:%d: pass 1 creates more values than pass 0 (%u): the program must do the same work in "
                       "every pass",
                       file, line, e->nvals_pass0);
        dmd_counts *c = &row[V[id].reg];
        c->writes++;
        c->bytes_written += w0;
        if (V[id].left) stack_push(&e->stk, id, w0);
    } else {
        V[id].reg = REG_PENDING | (unsigned)e->phase;
        row[0].writes++;
        row[0].bytes_written += w0;
        stack_push(&e->stk, id, w0);
    }
    return id;
}

dmd_vid dmd__op(const dmd_vid *ops, int n, const char *file, int line)
{
    dmd_engine *e = g_cur;
    if (__builtin_expect(!e, 0)) need_engine("an arithmetic hook", file, line);
    if ((e->mode == M_LIVE || e->mode == M_CLASSIC) && e->plain) return op_fast(e, ops, n, file, line);
    if (e->mode == M_COUNT) { /* live pass 0: count reads, create the result */
        for (int k = 0; k < n; k++) {
            uint32_t id = ops[k];
            if (__builtin_expect(id - 1 >= e->nvals, 0)) bad_value(e, id, file, line);
            e->val[id].left++;
        }
        uint32_t id = new_value(e);
        e->val[id].reg = REG_PENDING;
        return id;
    }
    if (e->mode == M_LRU) return DMD_CONST_ID;
    uint32_t w = price_instr(e, ops, n, file, line);
    if (e->o.bytes_per_element) w = e->o.bytes_per_element;
    return push_value(e, w, -1, 1, file, line);
}
