/*
 * dmd_opt.c -- the OPT floor of an event stream (see dmd_opt.h and
 * docs/floors.md).
 *
 * Recording: one 32-bit word per event --
 *     push          id                 (bits 31, 30 clear)
 *     instruction   OPT_HDR | n        (bit 30), followed by its n operands
 *     operand       OPT_OP | id        (bit 31)
 * so the stream can be walked backwards (next uses) as well as forwards.
 *
 * Solving: a backward pass gives every operand occurrence and every push the
 * time (instruction number) of the value's next read; the forward pass runs
 * the OPT stack.  The stack is an array of slots 1..L (slot 1 = top) holding
 * value ids and their next-use times pi; a segment tree over the slots keeps
 * the max and min of pi, so that
 *   - the prefix-maximum records that move down in a cascade, and
 *   - the suffix-minimum chain that slides up into a hole,
 * are found in O(log V) each.  Depth of slot s = (s - 1) * w bytes above.
 */
#include "dmd_opt.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define OPT_OP 0x80000000u
#define OPT_HDR 0x40000000u
#define OPT_MAXID 0x3FFFFFFFu
#define NEVER 0xFFFFFFFFu /* no further read */
#define KEEP 0xFFFFFFFEu  /* live to the end but never read again (outputs; worthless values) */
#define EMPTY_MIN 0xFFFFFFFFu
#define CNT 0x80000000u /* backward pass: an occurrence count, not yet a key */
#define MAX_INSTR ((1u << 27) - 1) /* keys (time << 4 | 16 - multiplicity) stay below CNT */

struct dmd_opt {
    uint32_t *w;
    uint64_t nw, cap, maxw;
    uint32_t nvals, vcap;
    uint16_t *reg;  /* [vcap] region of each value */
    uint8_t *out;   /* [vcap] output flag */
    uint32_t bytes; /* the element size (0 = none yet) */
    uint32_t ninstr;
    const char *why;
    const char *solve_why; /* why the last solve failed, if the recording is fine */
    uint64_t max_moves;
    dmd_engine *eng;
};

void dmd_opt_set_budget(dmd_opt *o, uint64_t max_moves) { o->max_moves = max_moves; }

/* ------------------------------------------------------------ recording */
dmd_opt *dmd_opt_new(uint64_t max_words)
{
    dmd_opt *o = calloc(1, sizeof *o);
    if (!o) return NULL;
    o->maxw = max_words ? max_words : DMD_OPT_DEFAULT_WORDS;
    o->max_moves = DMD_OPT_DEFAULT_MOVES;
    return o;
}

void dmd_opt_free(dmd_opt *o)
{
    if (!o) return;
    free(o->w);
    free(o->reg);
    free(o->out);
    free(o);
}

void dmd_opt_refuse(dmd_opt *o, const char *why)
{
    if (!o->why) o->why = why;
    free(o->w);
    o->w = NULL;
    o->nw = o->cap = 0;
}

const char *dmd_opt_missing(const dmd_opt *o) { return o->why ? o->why : o->solve_why; }

static int put(dmd_opt *o, uint32_t x)
{
    if (o->why) return -1;
    if (o->nw == o->cap) {
        if (o->nw >= o->maxw) {
            dmd_opt_refuse(o, "the event stream is larger than the OPT recorder's budget");
            return -1;
        }
        uint64_t nc = o->cap ? 2 * o->cap : 65536;
        if (nc > o->maxw) nc = o->maxw;
        uint32_t *nw = realloc(o->w, nc * sizeof *nw);
        if (!nw) {
            dmd_opt_refuse(o, "out of memory recording the event stream for the OPT floor");
            return -1;
        }
        o->w = nw;
        o->cap = nc;
    }
    o->w[o->nw++] = x;
    return 0;
}

uint32_t dmd_opt_push(dmd_opt *o, uint32_t bytes, int region)
{
    if (o->why) return 0;
    if (o->nvals >= OPT_MAXID - 1) {
        dmd_opt_refuse(o, "more values than the OPT recorder can number (2^30)");
        return 0;
    }
    if (!o->bytes) o->bytes = bytes;
    if (bytes != o->bytes) {
        dmd_opt_refuse(o, "values of different sizes (the OPT floor needs one element size)");
        return 0;
    }
    uint32_t id = o->nvals + 1;
    if (id >= o->vcap) {
        uint32_t nc = o->vcap ? 2 * o->vcap : 4096;
        uint16_t *nr = realloc(o->reg, (size_t)nc * sizeof *nr);
        if (nr) o->reg = nr;
        uint8_t *no = realloc(o->out, nc);
        if (no) o->out = no;
        if (!nr || !no) {
            dmd_opt_refuse(o, "out of memory recording the event stream for the OPT floor");
            return 0;
        }
        memset(o->out + o->vcap, 0, nc - o->vcap);
        o->vcap = nc;
    }
    if (put(o, id) != 0) return 0;
    o->nvals = id;
    o->reg[id] = (uint16_t)region;
    return id;
}

void dmd_opt_read(dmd_opt *o, const uint32_t *ids, int n)
{
    if (o->why || n <= 0) return;
    if (n >= (int)OPT_HDR || o->ninstr >= 0xFFFFFFF0u) {
        dmd_opt_refuse(o, "an instruction or a stream too large for the OPT recorder");
        return;
    }
    if (put(o, OPT_HDR | (uint32_t)n) != 0) return;
    o->ninstr++;
    for (int k = 0; k < n; k++) {
        if (ids[k] == 0 || ids[k] > o->nvals) {
            dmd_opt_refuse(o, "a read of a value that was never pushed (internal error)");
            return;
        }
        if (put(o, OPT_OP | ids[k]) != 0) return;
    }
}

void dmd_opt_output(dmd_opt *o, uint32_t id)
{
    if (!o->why && id >= 1 && id <= o->nvals) o->out[id] = 1;
}

/* observer: the engine's pricing pass */
static void ob_push(void *ctx, uint32_t id, uint32_t bytes, int region, int is_write)
{
    dmd_opt *o = ctx;
    (void)is_write;
    if (o->why) return;
    if (dmd_opt_push(o, bytes, region) != id && !o->why)
        dmd_opt_refuse(o, "value ids out of order (internal error)");
}
static void ob_instr(void *ctx, const uint32_t *ids, int n) { dmd_opt_read(ctx, ids, n); }
static void ob_output(void *ctx, uint32_t id) { dmd_opt_output(ctx, id); }

void dmd_opt_attach(dmd_opt *o, dmd_engine *e)
{
    o->eng = e;
    if (dmd_engine_options(e)->model != DMD_LIVE) {
        dmd_opt_refuse(o, "the OPT floor is computed for the live model only");
        return;
    }
    dmd_observer obs = {0};
    obs.ctx = o;
    obs.push = ob_push;
    obs.output = ob_output;
    obs.instr = ob_instr;
    dmd_engine_set_observer(e, &obs);
}

/* ------------------------------------------------------------ the stack */
typedef struct {
    uint32_t *id, *pi; /* [cap + 1] per slot (1-based) */
    uint32_t *slot;    /* [nvals + 1] per value, 0 = not on the stack */
    uint32_t *mx, *mn; /* segment trees, leaves at M + s - 1 */
    uint32_t L, cap, M;
    uint64_t moves;
} opt_stack;

static int st_grow(opt_stack *s, uint32_t need)
{
    if (need <= s->cap) return 0;
    uint32_t nc = s->cap ? s->cap : 1024;
    while (nc < need) nc *= 2;
    uint32_t *ni = realloc(s->id, ((size_t)nc + 1) * sizeof *ni);
    if (ni) s->id = ni;
    uint32_t *np = realloc(s->pi, ((size_t)nc + 1) * sizeof *np);
    if (np) s->pi = np;
    free(s->mx);
    free(s->mn);
    s->M = nc;
    s->mx = malloc(2 * (size_t)nc * sizeof *s->mx);
    s->mn = malloc(2 * (size_t)nc * sizeof *s->mn);
    if (!ni || !np || !s->mx || !s->mn) return -1;
    s->cap = nc;
    for (uint32_t i = 0; i < nc; i++) {
        int used = i + 1 <= s->L;
        s->mx[nc + i] = used ? s->pi[i + 1] : 0;
        s->mn[nc + i] = used ? s->pi[i + 1] : EMPTY_MIN;
    }
    for (uint32_t i = nc - 1; i >= 1; i--) {
        uint32_t a = s->mx[2 * i], b = s->mx[2 * i + 1];
        s->mx[i] = a > b ? a : b;
        a = s->mn[2 * i], b = s->mn[2 * i + 1];
        s->mn[i] = a < b ? a : b;
    }
    return 0;
}

static inline void st_leaf(opt_stack *s, uint32_t sl, uint32_t mxv, uint32_t mnv)
{
    uint32_t i = s->M + sl - 1;
    s->mx[i] = mxv;
    s->mn[i] = mnv;
    for (i >>= 1; i >= 1; i >>= 1) {
        uint32_t a = s->mx[2 * i], b = s->mx[2 * i + 1], c = a > b ? a : b;
        uint32_t d = s->mn[2 * i], f = s->mn[2 * i + 1], g = d < f ? d : f;
        if (s->mx[i] == c && s->mn[i] == g) break;
        s->mx[i] = c;
        s->mn[i] = g;
    }
}

/* Put value v with next use p into slot sl. */
static inline void st_set(opt_stack *s, uint32_t sl, uint32_t v, uint32_t p)
{
    s->id[sl] = v;
    s->pi[sl] = p;
    s->slot[v] = sl;
    st_leaf(s, sl, p, p);
    s->moves++;
}
static inline void st_clear(opt_stack *s, uint32_t sl)
{
    s->id[sl] = 0;
    s->pi[sl] = 0;
    st_leaf(s, sl, 0, EMPTY_MIN);
}

/* First slot in [lo, hi] whose pi > v, or 0. */
static uint32_t first_gt(const opt_stack *s, uint32_t lo, uint32_t hi, uint32_t v)
{
    if (lo > hi) return 0;
    /* walk up from the leaf of lo over the canonical cover, left to right */
    uint32_t M = s->M, i = M + lo - 1, r = M + hi - 1;
    /* find the leftmost node of the cover [lo, hi] with mx > v */
    uint32_t stackr[64];
    int nr = 0;
    uint32_t l = i, rr = r + 1; /* half-open [l, rr) in leaf indices */
    uint32_t found = 0;
    while (l < rr) {
        if (l & 1) {
            if (s->mx[l] > v) {
                found = l;
                break;
            }
            l++;
        }
        if (rr & 1) stackr[nr++] = --rr;
        l >>= 1;
        rr >>= 1;
    }
    if (!found)
        while (nr > 0) {
            uint32_t n = stackr[--nr];
            if (s->mx[n] > v) {
                found = n;
                break;
            }
        }
    if (!found) return 0;
    while (found < M) found = s->mx[2 * found] > v ? 2 * found : 2 * found + 1;
    return found - M + 1;
}

/* First slot in [lo, hi] with the least pi, or 0 if the range is empty. */
static uint32_t first_min(const opt_stack *s, uint32_t lo, uint32_t hi)
{
    if (lo > hi) return 0;
    uint32_t M = s->M, l = M + lo - 1, rr = M + hi; /* half-open leaf range */
    uint32_t left[64], right[64];
    int nl = 0, nr = 0;
    while (l < rr) {
        if (l & 1) left[nl++] = l++;
        if (rr & 1) right[nr++] = --rr;
        l >>= 1;
        rr >>= 1;
    }
    while (nr > 0) left[nl++] = right[--nr]; /* the cover, left to right */
    if (nl == 0) return 0;
    uint32_t bn = left[0], best = s->mn[bn];
    for (int k = 1; k < nl; k++)
        if (s->mn[left[k]] < best) {
            best = s->mn[left[k]];
            bn = left[k];
        }
    while (bn < M) bn = s->mn[2 * bn] == best ? 2 * bn : 2 * bn + 1;
    return bn - M + 1;
}

/* The value in slot d (its pi already the new one, p) moves up: the first
 * slot above it holding a later next use takes it; that slot's value is
 * carried down the chain of prefix-maximum records, the last one filling
 * slot d.  force: the value goes to slot 1 whatever its next use (a push). */
static void st_rise(opt_stack *s, uint32_t v, uint32_t d, uint32_t p, int force)
{
    uint32_t i = force ? (d > 1 ? 1 : 0) : first_gt(s, 1, d - 1, p);
    if (!i) {
        st_set(s, d, v, p);
        return;
    }
    uint32_t cv = s->id[i], cp = s->pi[i];
    st_set(s, i, v, p);
    for (;;) {
        uint32_t j = first_gt(s, i + 1, d - 1, cp);
        if (!j) break;
        uint32_t nv = s->id[j], np = s->pi[j];
        st_set(s, j, cv, cp);
        cv = nv;
        cp = np;
        i = j;
    }
    st_set(s, d, cv, cp);
}

/* Remove the value in slot d: the least next use below slides up into the
 * hole, and so on down the chain of suffix minima. */
static void st_remove(opt_stack *s, uint32_t d)
{
    s->slot[s->id[d]] = 0;
    while (d < s->L) {
        uint32_t q = first_min(s, d + 1, s->L);
        st_set(s, d, s->id[q], s->pi[q]);
        d = q;
    }
    st_clear(s, s->L);
    s->L--;
}

/* (value, next use) pairs, the farthest next use first; ties by value id
 * (qsort is not stable; the cost does not depend on the order of ties) */
static int by_next_use_desc(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    if (x[1] != y[1]) return x[1] < y[1] ? 1 : -1;
    return (x[0] > y[0]) - (x[0] < y[0]);
}

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int dmd_opt_solve(dmd_opt *o, int region, uint64_t *per_region, int nregions, dmd_opt_result *res)
{
    memset(res, 0, sizeof *res);
    o->solve_why = NULL;
    if (per_region && region < 0) memset(per_region, 0, (size_t)nregions * sizeof *per_region);
    if (o->why) return -1;
    double t0 = cpu_now();
    const uint64_t nw = o->nw;
    const uint32_t *W = o->w, w = o->bytes ? o->bytes : 1;
    uint32_t *nu = malloc((nw + 1) * sizeof *nu);
    uint32_t *last = malloc(((size_t)o->nvals + 1) * sizeof *last);
    opt_stack s = {0};
    s.slot = calloc((size_t)o->nvals + 1, sizeof *s.slot);
    uint32_t *ops = NULL;
    size_t opcap = 0;
    int rc = -1;
    if (!nu || !last || !s.slot || st_grow(&s, 1024) != 0) goto oom;
    if (o->ninstr >= MAX_INSTR) {
        o->why = "more than 2^27 instructions (the OPT floor's limit)";
        goto done;
    }
    /* backward: next read of each occurrence; instruction times 1..ninstr */
    for (uint32_t v = 0; v <= o->nvals; v++) last[v] = NEVER;
    {
        uint32_t tau = o->ninstr + 1;
        uint64_t p = nw;
        while (p > 0) {
            uint64_t end = p;
            while (p > 0 && (W[p - 1] & OPT_OP)) p--;
            if (p > 0 && (W[p - 1] & OPT_HDR)) { /* operands p .. end-1 of the instruction at p-1 */
                tau--;
                for (uint64_t k = p; k < end; k++) nu[k] = last[W[k] & OPT_MAXID];
                /* the key of this use: time, then more occurrences first (a value read
                 * twice by one instruction is worth twice as much at that time) */
                for (uint64_t k = p; k < end; k++) last[W[k] & OPT_MAXID] = CNT;
                for (uint64_t k = p; k < end; k++) last[W[k] & OPT_MAXID]++;
                for (uint64_t k = p; k < end; k++) {
                    uint32_t v = W[k] & OPT_MAXID, c = last[v] & ~CNT;
                    if (last[v] & CNT) last[v] = (tau << 4) | (16u - (c > 16 ? 16u : c));
                }
                p--;
            } else if (p < end) {
                goto corrupt;
            } else { /* a push */
                p--;
                nu[p] = last[W[p]];
            }
        }
        if (tau != 1) goto corrupt;
    }
    /* forward: the OPT stack (last[] becomes the operands' stamp) */
    memset(last, 0, ((size_t)o->nvals + 1) * sizeof *last);
    {
        uint32_t tau = 0;
        uint64_t p = 0;
        while (p < nw) {
            uint32_t x = W[p];
            if (!(x & (OPT_OP | OPT_HDR))) { /* push */
                uint32_t q = nu[p];
                p++;
                if (q == NEVER && !o->out[x]) continue; /* never read: never enters */
                if (q == NEVER || (region >= 0 && o->reg[x] != region)) q = KEEP;
                if (st_grow(&s, s.L + 1) != 0) goto oom;
                s.L++;
                st_rise(&s, x, s.L, q, 1);
                continue;
            }
            if (!(x & OPT_HDR)) goto corrupt;
            if (o->max_moves && s.moves > o->max_moves) {
                o->solve_why = "the OPT floor needs more work than its budget (slot moves; docs/floors.md)";
                goto done;
            }
            uint32_t n = x & ~OPT_HDR;
            tau++;
            p++;
            if (p + n > nw) goto corrupt;
            if (n > opcap) {
                opcap = n < 64 ? 64 : 2 * (size_t)n;
                free(ops);
                ops = malloc(opcap * 2 * sizeof *ops);
                if (!ops) goto oom;
            }
            /* 1. price against the stack before the instruction; a value read
             * again by the same instruction is charged U(w) for the repeat
             * (its least possible charge: Belady is optimal for one charge
             * per value and time, not for weighted ones; docs/floors.md) */
            for (uint32_t k = 0; k < n; k++) {
                uint32_t v = W[p + k] & OPT_MAXID, sl = s.slot[v];
                if (!sl) goto corrupt;
                if (region >= 0 && o->reg[v] != region) continue;
                int rep = 0;
                for (uint32_t j = 0; j < k && j < 64; j++) rep |= (W[p + j] & OPT_MAXID) == v;
                uint64_t c = dmd_read_cost(rep ? 0 : (uint64_t)(sl - 1) * w, w);
                res->cost += c;
                res->reads++;
                if (per_region && region < 0 && o->reg[v] < nregions) per_region[o->reg[v]] += c;
            }
            /* 2. distinct operands (last[] is free after the backward pass: it
             * stamps the operands seen in this instruction); each with its
             * next use, KEEP for an output never read again or a worthless
             * value, NEVER for a dead one */
            uint32_t nd = 0;
            for (uint32_t k = 0; k < n; k++) {
                uint32_t v = W[p + k] & OPT_MAXID, q = nu[p + k];
                if (last[v] == tau) continue;
                last[v] = tau;
                if (q == NEVER && o->out[v]) q = KEEP;
                if (q != NEVER && region >= 0 && o->reg[v] != region) q = KEEP;
                ops[2 * nd] = v;
                ops[2 * nd + 1] = q;
                nd++;
            }
            /* 3. survivors rise to where their next use ranks them, the farthest
             * first (while they wait, their next use is now: nothing passes
             * them); insertion sort, nd is small in kernels */
            if (nd > 32)
                qsort(ops, nd, 2 * sizeof *ops, by_next_use_desc);
            else
                for (uint32_t a = 1; a < nd; a++)
                for (uint32_t b = a; b > 0 && ops[2 * b + 1] > ops[2 * (b - 1) + 1]; b--) {
                    uint32_t tv = ops[2 * b], tq = ops[2 * b + 1];
                    ops[2 * b] = ops[2 * (b - 1)];
                    ops[2 * b + 1] = ops[2 * (b - 1) + 1];
                    ops[2 * (b - 1)] = tv;
                    ops[2 * (b - 1) + 1] = tq;
                }
            for (uint32_t k = 0; k < nd; k++)
                if (ops[2 * k + 1] != NEVER) st_rise(&s, ops[2 * k], s.slot[ops[2 * k]], ops[2 * k + 1], 0);
            /* 4. the dead leave; the soonest needed below slide up */
            /* 4. the dead leave, and every level may take in the value needed
             * soonest from below it: the dead value rises to the top (the
             * records cascade down to its slot), then leaves the top, and the
             * chain of suffix minima slides up (docs/floors.md, rule 4) */
            for (uint32_t k = 0; k < nd; k++)
                if (ops[2 * k + 1] == NEVER) {
                    st_rise(&s, ops[2 * k], s.slot[ops[2 * k]], 0, 1);
                    st_remove(&s, 1);
                }
            p += n;
        }
    }
    rc = 0;
    res->moves = s.moves;
    goto done;
corrupt:
    o->solve_why = "the recorded event stream is inconsistent (internal error)";
    goto done;
oom:
    o->solve_why = "out of memory solving the OPT floor";
done:
    res->seconds = cpu_now() - t0;
    free(nu);
    free(last);
    free(s.id);
    free(s.pi);
    free(s.slot);
    free(s.mx);
    free(s.mn);
    free(ops);
    return rc;
}
