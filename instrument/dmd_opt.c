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
 * the OPT stack.  The stack is a sequence of slots 1..L (slot 1 = top) held
 * in a treap with implicit positions: each node a value and its next-use key,
 * each subtree its size, key range, first and last key and whether its keys
 * rise; a value's slot is found from its node by walking up.  A cascade of
 * prefix-maximum records (a rise, a push) or of suffix minima (a death) moves
 * every chain slot by one, but adjacent chain slots move as a block: only the
 * node at each gap of the chain changes place (one unlink and one link), so a
 * cascade costs O(log V) per gap, found by descents over the subtree keys.
 * Per-region floors share one backward pass and run on several threads.
 */
#include "dmd_opt.h"

#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#define OPT_OP 0x80000000u
#define OPT_HDR 0x40000000u
#define OPT_MAXID 0x3FFFFFFFu
#define NEVER 0xFFFFFFFFu /* no further read */
#define KEEP 0xFFFFFFFEu  /* live to the end but never read again (outputs; worthless values) */
#define EMPTY_MIN 0xFFFFFFFFu
#define CNT 0x80000000u /* backward pass: an occurrence count, not yet a key */
#define MAX_INSTR ((1u << 27) - 1) /* keys (time << 4 | 16 - multiplicity) stay below CNT */
#define CORRUPT "the recorded event stream is inconsistent (internal error)"

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
    uint64_t max_work;
    dmd_engine *eng;
};

void dmd_opt_set_budget(dmd_opt *o, uint64_t max_work) { o->max_work = max_work; }
uint64_t dmd_opt_budget(const dmd_opt *o) { return o->max_work; }

/* ------------------------------------------------------------ recording */
dmd_opt *dmd_opt_new(uint64_t max_words)
{
    dmd_opt *o = calloc(1, sizeof *o);
    if (!o) return NULL;
    o->maxw = max_words ? max_words : DMD_OPT_DEFAULT_WORDS;
    o->max_work = DMD_OPT_DEFAULT_WORK;
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
/* The stack is a sequence of nodes (slot 1 first) in a treap with implicit
 * keys (a node's slot is one more than the number of nodes before it).  Each
 * node holds a value and its next use (the key); each subtree keeps its size,
 * the max and min key, its first and last key, and whether its keys are
 * strictly increasing / non-decreasing from left to right, so that the end of
 * a run of a record chain, the next record after a gap and the leftmost
 * minimum are each found by one descent.  Node 0 is the empty tree. */
typedef struct {
    uint32_t l, r, p;   /* children, parent (0: none) */
    uint32_t pri, sz;
    uint32_t key, mx, mn, kf, kl;
    uint32_t val;
    uint8_t inc, nd;    /* keys strictly increasing / non-decreasing */
} tnode;

typedef struct {
    tnode *n;           /* [cap + 1]; n[0] is the empty tree */
    uint32_t *slot;     /* [nvals + 1] per value: its node, 0 = not on the stack */
    uint32_t cap, used, freel, root, rng;
    uint64_t moves;     /* slot moves (values whose slot changes) */
    uint64_t ops;       /* tree operations (the algorithm's work) */
} opt_stack;

static uint32_t st_node(opt_stack *s, uint32_t v, uint32_t key)
{
    uint32_t x;
    if (s->freel) {
        x = s->freel;
        s->freel = s->n[x].l;
    } else {
        if (s->used == s->cap) {
            uint32_t nc = s->cap ? 2 * s->cap : 1024;
            tnode *nn = realloc(s->n, ((size_t)nc + 1) * sizeof *nn);
            if (!nn) return 0;
            if (!s->cap) memset(nn, 0, sizeof *nn);
            s->n = nn;
            s->cap = nc;
        }
        x = ++s->used;
    }
    s->rng ^= s->rng << 13;
    s->rng ^= s->rng >> 17;
    s->rng ^= s->rng << 5;
    tnode *t = &s->n[x];
    *t = (tnode){0, 0, 0, s->rng, 1, key, key, key, key, key, v, 1, 1};
    s->slot[v] = x;
    return x;
}

static void st_free(opt_stack *s, uint32_t x)
{
    s->slot[s->n[x].val] = 0;
    s->n[x].l = s->freel;
    s->freel = x;
}

static inline void pull(opt_stack *s, uint32_t x)
{
    tnode *t = &s->n[x];
    uint32_t k = t->key, sz = 1, mx = k, mn = k, kf = k, kl = k;
    uint8_t inc = 1, nd = 1;
    if (t->l) {
        tnode *a = &s->n[t->l];
        a->p = x;
        sz += a->sz;
        if (a->mx > mx) mx = a->mx;
        if (a->mn < mn) mn = a->mn;
        kf = a->kf;
        inc = a->inc && a->kl < k;
        nd = a->nd && a->kl <= k;
    }
    if (t->r) {
        tnode *b = &s->n[t->r];
        b->p = x;
        sz += b->sz;
        if (b->mx > mx) mx = b->mx;
        if (b->mn < mn) mn = b->mn;
        kl = b->kl;
        inc = inc && b->inc && k < b->kf;
        nd = nd && b->nd && k <= b->kf;
    }
    t->sz = sz, t->mx = mx, t->mn = mn, t->kf = kf, t->kl = kl, t->inc = inc, t->nd = nd;
}

/* the first k nodes of x into *a, the rest into *b */
static void split(opt_stack *s, uint32_t x, uint32_t k, uint32_t *a, uint32_t *b)
{
    if (!x) {
        *a = *b = 0;
        return;
    }
    uint32_t ls = s->n[s->n[x].l].sz, c;
    if (k <= ls) {
        split(s, s->n[x].l, k, a, &c);
        s->n[x].l = c;
        pull(s, x);
        *b = x;
    } else {
        split(s, s->n[x].r, k - ls - 1, &c, b);
        s->n[x].r = c;
        pull(s, x);
        *a = x;
    }
}

static uint32_t merge(opt_stack *s, uint32_t a, uint32_t b)
{
    if (!a) return b;
    if (!b) return a;
    if (s->n[a].pri > s->n[b].pri) {
        s->n[a].r = merge(s, s->n[a].r, b);
        pull(s, a);
        return a;
    }
    s->n[b].l = merge(s, a, s->n[b].l);
    pull(s, b);
    return b;
}

/* Re-derive node x and its ancestors after a change below x that changed
 * the subtree sizes by dsz: once a node's keys summary comes out unchanged,
 * only the sizes above it change. */
static void pull_up(opt_stack *s, uint32_t x, int32_t dsz)
{
    for (; x; x = s->n[x].p) {
        tnode *t = &s->n[x];
        uint32_t mx = t->mx, mn = t->mn, kf = t->kf, kl = t->kl;
        uint8_t inc = t->inc, nd = t->nd;
        pull(s, x);
        if (t->mx == mx && t->mn == mn && t->kf == kf && t->kl == kl && t->inc == inc && t->nd == nd) break;
    }
    if (!x || !dsz) return;
    for (x = s->n[x].p; x; x = s->n[x].p) s->n[x].sz += (uint32_t)dsz;
}

/* slot of node x (1 = top) */
static uint32_t st_pos(const opt_stack *s, uint32_t x)
{
    uint32_t p = s->n[s->n[x].l].sz + 1;
    for (uint32_t q = s->n[x].p; q; x = q, q = s->n[q].p)
        if (s->n[q].r == x) p += s->n[s->n[q].l].sz + 1;
    return p;
}

/* node in slot k (1 <= k <= L) */
static uint32_t st_at(const opt_stack *s, uint32_t k)
{
    uint32_t x = s->root;
    for (;;) {
        uint32_t ls = s->n[s->n[x].l].sz;
        if (k <= ls) {
            x = s->n[x].l;
        } else if (k == ls + 1) {
            return x;
        } else {
            k -= ls + 1;
            x = s->n[x].r;
        }
    }
}

/* Take node x out of the sequence (the slots below it move up one). */
static void st_unlink(opt_stack *s, uint32_t x)
{
    tnode *t = &s->n[x];
    uint32_t m = merge(s, t->l, t->r), p = t->p;
    if (m) s->n[m].p = p;
    if (!p) {
        s->root = m;
    } else {
        if (s->n[p].l == x)
            s->n[p].l = m;
        else
            s->n[p].r = m;
        pull_up(s, p, -1);
    }
    t->l = t->r = t->p = 0;
    pull(s, x);
    s->ops++;
}

/* Put the single node x into slot k (1 <= k <= L + 1; slots k.. move down). */
static void st_link(opt_stack *s, uint32_t x, uint32_t k)
{
    uint32_t cur = s->root, par = 0, off = 0, a, b;
    int left = 0;
    while (cur && s->n[cur].pri > s->n[x].pri) {
        uint32_t pos = off + s->n[s->n[cur].l].sz + 1;
        par = cur;
        left = k <= pos;
        if (left) {
            cur = s->n[cur].l;
        } else {
            off = pos;
            cur = s->n[cur].r;
        }
    }
    split(s, cur, k - 1 - off, &a, &b);
    s->n[x].l = a;
    s->n[x].r = b;
    pull(s, x);
    s->n[x].p = par;
    if (!par)
        s->root = x;
    else {
        if (left)
            s->n[par].l = x;
        else
            s->n[par].r = x;
        pull_up(s, par, 1);
    }
    s->ops++;
}

static void st_setkey(opt_stack *s, uint32_t x, uint32_t key)
{
    s->n[x].key = key;
    pull_up(s, x, 0);
    s->ops++;
}

/* first slot >= lo, in subtree x whose first slot is off + 1, with key > v
 * (gt) or key <= v (!gt); NONE if there is none */
#define NONE UINT32_MAX
static uint32_t find_from(const opt_stack *s, uint32_t x, uint32_t off, uint32_t lo, uint32_t v, int gt)
{
    while (x) {
        const tnode *t = &s->n[x];
        if ((gt ? t->mx <= v : t->mn > v) || off + t->sz < lo) return NONE;
        uint32_t pos = off + s->n[t->l].sz + 1;
        if (pos > lo) {
            uint32_t r = find_from(s, t->l, off, lo, v, gt);
            if (r != NONE) return r;
        }
        if (pos >= lo && (gt ? t->key > v : t->key <= v)) return pos;
        off = pos;
        x = t->r;
    }
    return NONE;
}
static inline uint32_t gt_from(const opt_stack *s, uint32_t lo, uint32_t v) { return find_from(s, s->root, 0, lo, v, 1); }
static inline uint32_t le_from(const opt_stack *s, uint32_t lo, uint32_t v) { return find_from(s, s->root, 0, lo, v, 0); }

/* the least key in slots lo..L (EMPTY_MIN if none) */
static uint32_t min_from(const opt_stack *s, uint32_t lo)
{
    uint32_t x = s->root, off = 0, m = EMPTY_MIN;
    while (x) {
        const tnode *t = &s->n[x];
        if (off + 1 >= lo) return t->mn < m ? t->mn : m;
        uint32_t pos = off + s->n[t->l].sz + 1;
        if (pos >= lo) {
            if (t->key < m) m = t->key;
            if (t->r && s->n[t->r].mn < m) m = s->n[t->r].mn;
            if (pos == lo) break;
            x = t->l;
        } else {
            off = pos;
            x = t->r;
        }
    }
    return m;
}

/* The run from slot lo: keys rising strictly (strict) or never falling;
 * e = its last slot, prev = the key there. */
typedef struct {
    uint32_t prev, e;
    int started, strict;
} run_state;
#define RUN_STEP(r, k) (!(r)->started || ((r)->strict ? (r)->prev < (k) : (r)->prev <= (k)))
static int run_walk(const opt_stack *s, uint32_t x, uint32_t off, uint32_t lo, run_state *r)
{
    while (x) {
        const tnode *t = &s->n[x];
        if (off + t->sz < lo) return 1;
        if (off + 1 >= lo && (r->strict ? t->inc : t->nd) && RUN_STEP(r, t->kf)) {
            r->prev = t->kl;
            r->started = 1;
            r->e = off + t->sz;
            return 1;
        }
        uint32_t pos = off + s->n[t->l].sz + 1;
        if (pos > lo && !run_walk(s, t->l, off, lo, r)) return 0;
        if (pos >= lo) {
            if (!RUN_STEP(r, t->key)) return 0;
            r->prev = t->key;
            r->started = 1;
            r->e = pos;
        }
        off = pos;
        x = t->r;
    }
    return 1;
}
static run_state run_from(opt_stack *s, uint32_t lo, int strict)
{
    run_state r = {0, 0, 0, strict};
    run_walk(s, s->root, 0, lo, &r);
    s->ops++;
    return r;
}

/* Move the node in slot a to slot b (the slots between shift by one). */
static void st_move(opt_stack *s, uint32_t a, uint32_t b)
{
    uint32_t y = st_at(s, a);
    st_unlink(s, y);
    st_link(s, y, b);
}

/* The value of node x (slot d) takes next use p and moves up: the first slot
 * above it holding a later next use takes it, and the prefix-maximum records
 * from there to d-1 each move down to the next record, the last to slot d
 * (force: x goes to slot 1, the records of slots 1..d-1 move down).  A run of
 * adjacent records shifts down by one as a block: per run, only its last node
 * moves, across the gap to the next record, and x moves last (the moves keep
 * the slots outside [run, gap] in place). */
static void st_rise(opt_stack *s, uint32_t x, uint32_t p, int force)
{
    int linked = s->n[x].p || s->root == x; /* else a push: from below the bottom */
    uint32_t d = linked ? st_pos(s, x) : s->n[s->root].sz + 1;
    uint32_t i = force ? 1 : gt_from(s, 1, p);
    s->ops++;
    s->moves++;
    if (!linked && d == 1) {
        s->n[x].key = p;
        pull(s, x);
        st_link(s, x, 1);
        return;
    }
    if (d == 1 || i >= d) {
        st_setkey(s, x, p);
        return;
    }
    for (uint32_t r = i;;) {
        run_state run = run_from(s, r, 1);
        uint32_t b = run.e < d - 1 ? run.e : d - 1;
        s->moves += b - r + 1;
        if (b == d - 1) break;
        uint32_t c = gt_from(s, b + 1, run.prev);
        if (c > d) c = d;
        st_move(s, b, c - 1);
        if (c == d) break;
        r = c;
    }
    if (linked) st_unlink(s, x);
    s->n[x].key = p;
    pull(s, x);
    st_link(s, x, i);
}

/* Remove the top value: the chain of suffix minima below slides up one
 * record each (the leftmost least next use below the hole fills it).  After
 * the top leaves, each chain node c_j moves up across the gap before it; a
 * run of chain nodes with no gaps between them stays. */
static void st_pop(opt_stack *s)
{
    uint32_t top = st_at(s, 1);
    st_unlink(s, top);
    st_free(s, top);
    uint32_t L = s->n[s->root].sz;
    for (uint32_t q = 1; q <= L;) {
        uint32_t c = le_from(s, q, min_from(s, q));
        s->ops += 2;
        s->moves++;
        if (c > q) st_move(s, c, q);
        if (c == L) break;
        uint32_t e1 = run_from(s, c + 1, 0).e;
        uint32_t g = e1 < L ? gt_from(s, c + 1, min_from(s, e1 + 1)) : NONE;
        uint32_t e = g > e1 ? e1 : g - 1;
        s->ops += 2;
        s->moves += e - c;
        q = e + 1;
    }
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
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The backward pass: nu[k] = the key of the next read of the value of word k
 * (an operand or a push), NEVER if none.  NULL, or why the stream is bad. */
static const char *next_uses(const dmd_opt *o, uint32_t *nu)
{
    const uint64_t nw = o->nw;
    const uint32_t *W = o->w;
    if (o->ninstr >= MAX_INSTR) return "more than 2^27 instructions (the OPT floor's limit)";
    uint32_t *last = malloc(((size_t)o->nvals + 1) * sizeof *last);
    if (!last) return "out of memory solving the OPT floor";
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
                free(last);
                return CORRUPT;
            } else { /* a push */
                p--;
                nu[p] = last[W[p]];
            }
        }
        if (tau != 1) {
            free(last);
            return CORRUPT;
        }
    }
    free(last);
    return NULL;
}

/* The forward pass: the OPT stack of all values (region < 0; per_region, if
 * not NULL, gets each region's share) or of region's values alone.  NULL, or
 * why the floor is missing. */
static const char *run_stack(const dmd_opt *o, const uint32_t *nu, int region, uint64_t *per_region, int nregions,
                             uint64_t budget, dmd_opt_result *res)
{
    const uint64_t nw = o->nw;
    const uint32_t *W = o->w, w = o->bytes ? o->bytes : 1;
    const char *why = NULL;
    uint32_t *last = calloc((size_t)o->nvals + 1, sizeof *last); /* the operands' stamp */
    opt_stack s = {0};
    s.rng = 2463534242u;
    s.slot = calloc((size_t)o->nvals + 1, sizeof *s.slot);
    uint32_t *ops = NULL;
    size_t opcap = 0;
    if (!last || !s.slot) goto oom;
    /* forward: the OPT stack */
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
                uint32_t nx = st_node(&s, x, q);
                if (!nx) goto oom;
                st_rise(&s, nx, q, 1); /* from below the bottom to the top */
                continue;
            }
            if (!(x & OPT_HDR)) goto corrupt;
            if (budget && s.ops > budget) {
                why = "the OPT floor needs more work than its budget (tree operations, --opt-budget; docs/floors.md)";
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
                uint32_t v = W[p + k] & OPT_MAXID, nd_ = s.slot[v];
                if (!nd_) goto corrupt;
                if (region >= 0 && o->reg[v] != region) continue;
                int rep = 0;
                for (uint32_t j = 0; j < k && j < 64; j++) rep |= (W[p + j] & OPT_MAXID) == v;
                uint64_t c = dmd_read_cost(rep ? 0 : (uint64_t)(st_pos(&s, nd_) - 1) * w, w);
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
                if (ops[2 * k + 1] != NEVER) st_rise(&s, s.slot[ops[2 * k]], ops[2 * k + 1], 0);
            /* 4. the dead leave; the soonest needed below slide up */
            /* 4. the dead leave, and every level may take in the value needed
             * soonest from below it: the dead value rises to the top (the
             * records cascade down to its slot), then leaves the top, and the
             * chain of suffix minima slides up (docs/floors.md, rule 4) */
            for (uint32_t k = 0; k < nd; k++)
                if (ops[2 * k + 1] == NEVER) {
                    st_rise(&s, s.slot[ops[2 * k]], 0, 1);
                    st_pop(&s);
                }
            p += n;
        }
    }
    goto done;
corrupt:
    why = CORRUPT;
    goto done;
oom:
    why = "out of memory solving the OPT floor";
done:
    res->moves = s.moves; /* also of a solve that stopped: its work counts against a shared budget */
    res->ops = s.ops;
    free(last);
    free(s.n);
    free(s.slot);
    free(ops);
    return why;
}

int dmd_opt_solve(dmd_opt *o, int region, uint64_t *per_region, int nregions, dmd_opt_result *res)
{
    memset(res, 0, sizeof *res);
    o->solve_why = NULL;
    if (per_region && region < 0) memset(per_region, 0, (size_t)nregions * sizeof *per_region);
    if (o->why) return -1;
    double t0 = cpu_now();
    uint32_t *nu = malloc((o->nw + 1) * sizeof *nu);
    o->solve_why = nu ? next_uses(o, nu) : "out of memory solving the OPT floor";
    if (!o->solve_why) o->solve_why = run_stack(o, nu, region, per_region, nregions, o->max_work, res);
    free(nu);
    res->seconds = cpu_now() - t0;
    return o->solve_why ? -1 : 0;
}

typedef struct {
    const dmd_opt *o;
    const uint32_t *nu;
    const int *regions;
    int n;
    uint64_t shared;
    dmd_opt_result *res;
    const char **why;
    atomic_int next;
    atomic_uint_fast64_t done_work; /* of the solves finished so far (all of lower index) */
} region_jobs;

#define SHARED_SPENT "the region floors' shared work budget was spent on the regions before it (--opt-budget)"

static void *region_worker(void *arg)
{
    region_jobs *j = arg;
    for (int k; (k = atomic_fetch_add(&j->next, 1)) < j->n;) {
        memset(&j->res[k], 0, sizeof j->res[k]);
        if (j->shared && atomic_load(&j->done_work) >= j->shared) {
            j->why[k] = SHARED_SPENT; /* the regions before it spent at least that much */
            continue;
        }
        double t0 = cpu_now();
        j->why[k] = run_stack(j->o, j->nu, j->regions[k], NULL, 0, j->o->max_work, &j->res[k]);
        j->res[k].seconds = cpu_now() - t0;
        atomic_fetch_add(&j->done_work, j->res[k].ops);
    }
    return NULL;
}

int dmd_opt_solve_regions(dmd_opt *o, const int *regions, int n, int threads, uint64_t shared, dmd_opt_result *res,
                          const char **why)
{
    for (int k = 0; k < n; k++) {
        memset(&res[k], 0, sizeof res[k]);
        why[k] = o->why;
    }
    if (o->why || n <= 0) return o->why ? -1 : 0;
    uint32_t *nu = malloc((o->nw + 1) * sizeof *nu);
    const char *bad = nu ? next_uses(o, nu) : "out of memory solving the OPT floor";
    if (bad) {
        for (int k = 0; k < n; k++) why[k] = bad;
        free(nu);
        return -1;
    }
    region_jobs j = {o, nu, regions, n, shared, res, why, 0, 0};
    pthread_t tid[DMD_OPT_MAX_THREADS];
    int started = 0;
    if (threads > DMD_OPT_MAX_THREADS) threads = DMD_OPT_MAX_THREADS;
    if (threads > n) threads = n;
    while (started + 1 < threads && pthread_create(&tid[started], NULL, region_worker, &j) == 0) started++;
    region_worker(&j); /* this thread works too; a thread that did not start is no loss */
    for (int t = 0; t < started; t++) pthread_join(tid[t], NULL);
    free(nu);
    /* the shared budget in region order, whatever the threads did: region k
     * counts only if the regions before it used less than `shared` */
    uint64_t before = 0;
    int bad_any = 0;
    for (int k = 0; k < n; k++) {
        if (shared && before >= shared) why[k] = SHARED_SPENT;
        before += res[k].ops;
        bad_any |= why[k] != NULL;
    }
    return bad_any ? -1 : 0;
}
