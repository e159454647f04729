/*
 * dmd_trace.c -- dmdtrace v1 reader: a hand-written tokenizer over 4 MiB
 * chunks, a hash table from ID text to the engine's dense value id, and (for
 * the live model) a binary spill of the events to an unlinked temporary file
 * that the pricing pass streams back.
 */
#include "dmd_trace.h"

#include "dmd_phase.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The fuzz build (tests/fuzz) makes the buffers small, so that lines
 * straddling a chunk and the spill's refills are exercised on small inputs. */
#ifndef DMD_TRACE_CHUNK
#define DMD_TRACE_CHUNK (1u << 22)
#endif
#ifndef DMD_TRACE_SPILL_WORDS
#define DMD_TRACE_SPILL_WORDS (1u << 18)
#endif
#define CHUNK DMD_TRACE_CHUNK
#define MAX_BYTES (1u << 20)
#define SPILL_WORDS DMD_TRACE_SPILL_WORDS
#define DIRECT_ID UINT64_MAX
#define NPFX 4    /* ID prefixes with a direct table */
#define PFX_MAX 8 /* longest such prefix */

enum { EV_OUTPUT = 0, EV_INPUT = 1, EV_READ = 2, EV_RESULT = 3 };
/* spill: a header (EV_OUTPUT, 0 operands) escapes a phase event, its next
 * word is SP_BEGIN | name index (begin) or the index alone (end) */
#define SP_BEGIN 0x80000000u
#define MAX_PHASE_NAMES 4096
enum { FORM_NONE = 0, FORM_VALUE = 1, FORM_ADDR = 2 };

typedef struct {
    uint64_t off;  /* name text in the arena */
    uint32_t len;  /* name length */
    uint32_t hash; /* of the name */
    uint32_t line; /* line of its store (saturates) */
} dmd__tid;

struct dmd_trace {
    FILE *f;
    int own;
    char *path;
    /* the ID table */
    dmd__tid *ids; /* [idcap], index = value id */
    uint32_t nids, idcap;
    uint32_t *tab; /* open addressing on hash, value id, 0 = empty */
    uint32_t tabmask;
    struct {
        char s[PFX_MAX];
        size_t len;
        uint32_t *direct; /* [dcap] value id of the token prefix + N at index N; 0 = not there */
        size_t dcap;
    } pfx[NPFX];
    int npfx, lastpfx;
    char namebuf[PFX_MAX + 16];
    char *arena;
    uint64_t alen, acap;
    /* scratch */
    uint32_t *ops;
    size_t opcap;
    uint64_t nevents; /* store, read and output lines */
    /* spill */
    FILE *sp;
    uint32_t *sbuf;
    size_t slen;
    /* phases: distinct names (stable: dmd_phase keeps the pointer) and the open ones */
    char **pnames;
    int npn;
    int popen[DMD_PHASE_MAX_DEPTH];
    uint64_t pline[DMD_PHASE_MAX_DEPTH];
    int pdepth;
    /* addresses (address form): open addressing, address -> key (1, 2, ...) */
    uint64_t *akey;
    uint32_t *aid;
    uint32_t amask, naddr;
};

static int fail(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && n) vsnprintf(err, n, fmt, ap);
    va_end(ap);
    return -1;
}

dmd_trace *dmd_trace_open(const char *path, char *err, size_t errlen)
{
    dmd_trace *t = calloc(1, sizeof *t);
    if (!t) {
        fail(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    t->path = strdup(path);
    if (strcmp(path, "-") == 0) {
        if (fcntl(0, F_GETFD) < 0) { /* a closed fd 0 would be reused by the spill file */
            fail(err, errlen, "(stdin): standard input is closed; give a file or redirect one into -");
            free(t->path);
            free(t);
            return NULL;
        }
        t->f = stdin;
        free(t->path);
        t->path = strdup("(stdin)");
    } else {
        t->f = fopen(path, "rb");
        t->own = 1;
    }
    if (!t->f || !t->path) {
        fail(err, errlen, "%s: cannot open: %s", path, t->path ? strerror(errno) : "out of memory");
        if (t->f && t->own) fclose(t->f);
        free(t->path);
        free(t);
        return NULL;
    }
    return t;
}

dmd_trace *dmd_trace_open_stream(FILE *f, const char *name, char *err, size_t errlen)
{
    dmd_trace *t = calloc(1, sizeof *t);
    if (t) t->path = strdup(name);
    if (!t || !t->path) {
        fail(err, errlen, "%s: out of memory", name);
        free(t);
        return NULL;
    }
    t->f = f;
    return t;
}

void dmd_trace_close(dmd_trace *t)
{
    if (!t) return;
    if (t->own && t->f) fclose(t->f);
    if (t->sp) fclose(t->sp);
    free(t->path);
    free(t->ids);
    free(t->tab);
    for (int k = 0; k < t->npfx; k++) free(t->pfx[k].direct);
    free(t->arena);
    free(t->ops);
    free(t->sbuf);
    for (int i = 0; i < t->npn; i++) free(t->pnames[i]);
    free(t->pnames);
    free(t->akey);
    free(t->aid);
    free(t);
}

const char *dmd_trace_value_name(const dmd_trace *t, uint32_t id, size_t *len)
{
    if (id == 0 || id > t->nids) return NULL;
    const dmd__tid *d = &t->ids[id];
    if (d->off == DIRECT_ID) { /* rebuilt from its number */
        char *b = ((dmd_trace *)t)->namebuf;
        int n = snprintf(b, sizeof t->namebuf, "%.*s%u", (int)t->pfx[d->len].len, t->pfx[d->len].s, d->hash);
        if (len) *len = (size_t)n;
        return b;
    }
    if (len) *len = d->len;
    return t->arena + d->off;
}

/* ---------------------------------------------------------------- ID table */
/* Fast path: an ID made of a short prefix of letters or '_' and a decimal
 * number without leading zeros ("v17", "x0", "a_3", "42": the reference
 * tracer's IDs) is looked up in a direct table of its prefix (up to NPFX
 * prefixes) indexed by the number, when the number is not too sparse
 * (below 8 x the values so far, or 2^16).  Every other ID goes through the
 * hash table.  A lookup tries the direct table first and falls back to the
 * hash table, so where an ID was filed never matters. */
/* Character classes of the tokenizer. */
enum { C_END = 1, C_BLANK = 2, C_ALPHA = 4 }; /* C_END: blank or '\n' (every parsed line ends in '\n') */
static const unsigned char cls[256] = {
    [' '] = C_END | C_BLANK, ['\t'] = C_END | C_BLANK, ['\r'] = C_END | C_BLANK, ['\n'] = C_END, ['_'] = C_ALPHA,
#define L(c) [c] = C_ALPHA, [c - 'a' + 'A'] = C_ALPHA
    L('a'), L('b'), L('c'), L('d'), L('e'), L('f'), L('g'), L('h'), L('i'), L('j'), L('k'), L('l'), L('m'),
    L('n'), L('o'), L('p'), L('q'), L('r'), L('s'), L('t'), L('u'), L('v'), L('w'), L('x'), L('y'), L('z'),
#undef L
};

static inline int split_num(const char *s, size_t n, size_t *plen, uint32_t *num)
{
    size_t i = 0;
    while (i < n && i <= PFX_MAX && (cls[(unsigned char)s[i]] & C_ALPHA)) i++;
    size_t d = n - i;
    if (i > PFX_MAX || d == 0 || d > 9 || (s[i] == '0' && d > 1)) return 0;
    uint32_t x = 0;
    for (size_t j = i; j < n; j++) {
        unsigned c = (unsigned)(s[j] - '0');
        if (c > 9) return 0;
        x = x * 10 + c;
    }
    *plen = i;
    *num = x;
    return 1;
}

static inline int same_pfx(const char *a, const char *b, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

static inline int pfx_find(dmd_trace *t, const char *s, size_t len)
{
    int k = t->lastpfx;
    if (k < t->npfx && t->pfx[k].len == len && same_pfx(t->pfx[k].s, s, len)) return k;
    for (k = 0; k < t->npfx; k++)
        if (t->pfx[k].len == len && memcmp(t->pfx[k].s, s, len) == 0) return t->lastpfx = k;
    return -1;
}

static inline uint32_t hash_tok(const char *s, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xFF51AFD7ED558CCDull);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0xC2B2AE3D27D4EB4Full;
        h ^= h >> 31;
    }
    if (i < n) {
        uint64_t w = 0;
        memcpy(&w, s + i, n - i);
        h = (h ^ w) * 0xC2B2AE3D27D4EB4Full;
    }
    h ^= h >> 29;
    h *= 0x94D049BB133111EBull;
    h ^= h >> 32;
    return (uint32_t)h;
}

static int grow_tab(dmd_trace *t)
{
    uint32_t nm = t->tab ? 2 * t->tabmask + 1 : 4095;
    uint32_t *nt = calloc((size_t)nm + 1, sizeof *nt);
    if (!nt) return -1;
    for (uint32_t id = 1; id <= t->nids; id++) {
        uint32_t i = t->ids[id].hash & nm;
        while (nt[i]) i = (i + 1) & nm;
        nt[i] = id;
    }
    free(t->tab);
    t->tab = nt;
    t->tabmask = nm;
    return 0;
}

/* Value id of the token, 0 if unknown; *slot gets the empty slot to insert at. */
static inline uint32_t lookup(const dmd_trace *t, const char *s, size_t n, uint32_t h, uint32_t *slot)
{
    for (uint32_t i = h & t->tabmask;; i = (i + 1) & t->tabmask) {
        uint32_t id = t->tab[i];
        if (!id) {
            *slot = i;
            return 0;
        }
        const dmd__tid *d = &t->ids[id];
        if (d->hash == h && d->len == n && memcmp(t->arena + d->off, s, n) == 0) return id;
    }
}

static int grow_ids(dmd_trace *t)
{
    if (t->nids + 1 >= t->idcap) {
        if (t->idcap >= 0x80000000u) return -1;
        uint32_t nc = t->idcap ? 2 * t->idcap : 4096;
        dmd__tid *ni = realloc(t->ids, (size_t)nc * sizeof *ni);
        if (!ni) return -1;
        t->ids = ni;
        t->idcap = nc;
    }
    return 0;
}

static inline uint32_t sat_line(uint64_t line) { return line > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)line; }

/* File the token as value id nids + 1 in a direct table if it qualifies:
 * 1 filed, 0 not (use the hash table), -1 out of memory. */
static int insert_direct(dmd_trace *t, const char *s, size_t n, uint64_t line)
{
    size_t pl;
    uint32_t num;
    if (!split_num(s, n, &pl, &num)) return 0;
    uint64_t limit = 8 * ((uint64_t)t->nids + 1);
    if (num >= (limit > (1u << 16) ? limit : (1u << 16))) return 0;
    int k = pfx_find(t, s, pl);
    if (k < 0) {
        if (t->npfx == NPFX) return 0;
        k = t->npfx++;
        memcpy(t->pfx[k].s, s, pl);
        t->pfx[k].len = pl;
    }
    if (grow_ids(t)) return -1;
    if (num >= t->pfx[k].dcap) {
        size_t nc = t->pfx[k].dcap ? t->pfx[k].dcap : 1 << 16;
        while (nc <= num) nc *= 2;
        uint32_t *nd = realloc(t->pfx[k].direct, nc * sizeof *nd);
        if (!nd) return -1;
        memset(nd + t->pfx[k].dcap, 0, (nc - t->pfx[k].dcap) * sizeof *nd);
        t->pfx[k].direct = nd;
        t->pfx[k].dcap = nc;
    }
    uint32_t id = ++t->nids;
    t->ids[id] = (dmd__tid){DIRECT_ID, (uint32_t)k, num, sat_line(line)};
    t->pfx[k].direct[num] = id;
    return 1;
}

/* Value id of the token, 0 if unknown. */
static inline uint32_t find_id(dmd_trace *t, const char *s, size_t n)
{
    size_t pl;
    uint32_t num, slot = 0;
    if (split_num(s, n, &pl, &num)) {
        int k = pfx_find(t, s, pl);
        if (k >= 0 && num < t->pfx[k].dcap && t->pfx[k].direct[num]) return t->pfx[k].direct[num];
    }
    return lookup(t, s, n, hash_tok(s, n), &slot);
}

/* Add the token as value id (= nids + 1).  -1 on out-of-memory. */
static int insert(dmd_trace *t, const char *s, size_t n, uint32_t h, uint32_t slot, uint64_t line)
{
    if (grow_ids(t)) return -1;
    if (t->alen + n > t->acap) {
        uint64_t nc = t->acap ? 2 * t->acap : 1 << 16;
        while (nc < t->alen + n) nc *= 2;
        char *na = realloc(t->arena, nc);
        if (!na) return -1;
        t->arena = na;
        t->acap = nc;
    }
    memcpy(t->arena + t->alen, s, n);
    uint32_t id = ++t->nids;
    t->ids[id] = (dmd__tid){t->alen, (uint32_t)n, h, sat_line(line)};
    t->alen += n;
    t->tab[slot] = id;
    if ((uint64_t)t->nids * 2 > t->tabmask) return grow_tab(t);
    return 0;
}

/* ---------------------------------------------------------------- spill */
static int spill_flush(dmd_trace *t)
{
    if (t->slen && fwrite(t->sbuf, sizeof(uint32_t), t->slen, t->sp) != t->slen) return -1;
    t->slen = 0;
    return 0;
}
static inline int spill(dmd_trace *t, uint32_t w)
{
    if (t->slen == SPILL_WORDS && spill_flush(t)) return -1;
    t->sbuf[t->slen++] = w;
    return 0;
}

static const char *spill_dir(void)
{
    const char *dir = getenv("TMPDIR");
    return dir && *dir ? dir : "/tmp";
}

static FILE *spill_open(void)
{
    const char *dir = spill_dir();
    char path[4096];
    snprintf(path, sizeof path, "%s/dmdtrace-spill-XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0) return NULL;
    unlink(path);
    FILE *f = fdopen(fd, "w+b");
    if (!f) close(fd);
    return f;
}

/* ---------------------------------------------------------------- parsing */

typedef struct {
    dmd_trace *t;
    dmd_engine *e;
    int spilling; /* live pass 0: write the binary copy */
    unsigned default_bytes;
    int seen_read;
    int form;      /* FORM_*: the first event line decides */
    uint64_t line;
    const char *last_reg; /* last REGION token text and its index */
    size_t last_reglen;
    int last_regidx;
    char *err;
    size_t errlen;
    int sys; /* the error is a failure of the machine: dmd_trace_price returns -2 */
} parser;

#define PFAIL(P, ...) fail((P)->err, (P)->errlen, __VA_ARGS__)
/* a failure of the machine, not of the input (out of memory, the spill file, a read error) */
#define SFAIL(P, ...) ((P)->sys = 1, fail((P)->err, (P)->errlen, __VA_ARGS__))

static int push_op(dmd_trace *t, size_t k, uint32_t id)
{
    if (k >= t->opcap) {
        size_t nc = t->opcap ? 2 * t->opcap : 64;
        uint32_t *no = realloc(t->ops, nc * sizeof *no);
        if (!no) return -1;
        t->ops = no;
        t->opcap = nc;
    }
    t->ops[k] = id;
    return 0;
}

static const char *show(const char *s, size_t n, char *buf, size_t bn)
{
    if (n > bn - 4) {
        memcpy(buf, s, bn - 4);
        memcpy(buf + bn - 4, "...", 4);
    } else {
        memcpy(buf, s, n);
        buf[n] = 0;
    }
    return buf;
}

/* Region names end up in tables, JSON (which needs UTF-8) and messages:
 * printable ASCII or well-formed UTF-8 of code points >= U+00A0. */
static int printable_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7F) return 0;
            i++;
            continue;
        }
        size_t k = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : 0;
        if (k == 0 || c > 0xF4 || i + k >= n) return 0; /* a bad lead byte or a cut sequence */
        uint32_t cp = c & (0x3Fu >> k);
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (s[i + j] & 0x3Fu);
        }
        if (cp < 0xA0 || (k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

/* The region index of a REGION token (names of any length), or -1 after
 * writing why into the parser's err. */
static int region_of(parser *P, const char *s, size_t n)
{
    if (P->last_reg && P->last_reglen == n && memcmp(P->last_reg, s, n) == 0) return P->last_regidx;
    char sb[80];
    if (!printable_utf8((const unsigned char *)s, n))
        return PFAIL(P, "%s:%llu: REGION '%s' is not printable UTF-8 text (control bytes or a malformed sequence)",
                     P->t->path, (unsigned long long)P->line, show(s, n, sb, sizeof sb));
    char small[256], *buf = n < sizeof small ? small : malloc(n + 1);
    if (!buf) return SFAIL(P, "%s:%llu: out of memory", P->t->path, (unsigned long long)P->line);
    memcpy(buf, s, n);
    buf[n] = 0;
    int r = dmd_engine_region(P->e, buf);
    if (buf != small) free(buf);
    if (r < 0)
        return PFAIL(P, "%s:%llu: REGION '%s' would be region number %d; at most %d distinct regions", P->t->path,
                     (unsigned long long)P->line, show(s, n, sb, sizeof sb), DMD_MAX_REGIONS + 1, DMD_MAX_REGIONS);
    /* remember the text by its index: the engine owns a copy */
    P->last_reg = dmd_engine_region_name(P->e, r);
    P->last_reglen = n;
    P->last_regidx = r;
    return r;
}

/* The tokens of the rest of a line (up to max; one more is an error naming
 * the keyword and its syntax).  Returns the count, or -1. */
static int line_tokens(parser *P, const char *s, const char *end, const char **tok, size_t *tl, int max,
                       const char *syntax)
{
    char sb[80];
    int n = 0;
    for (;;) {
        while (cls[(unsigned char)*s] & C_BLANK) s++;
        if (s == end || *s == '#') return n;
        const char *a = s;
        while (!(cls[(unsigned char)*s] & C_END)) s++;
        if (n == max)
            return PFAIL(P, "%s:%llu: %s; extra field '%s'", P->t->path, (unsigned long long)P->line, syntax,
                         show(a, (size_t)(s - a), sb, sizeof sb));
        tok[n] = a;
        tl[n++] = (size_t)(s - a);
    }
}

/* A BYTES field: 1 .. MAX_BYTES, or -1 after saying why. */
static int parse_bytes(parser *P, const char *s, size_t n, uint32_t *out)
{
    char sb[80];
    uint64_t v = 0;
    size_t i = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9' && v <= MAX_BYTES; i++) v = v * 10 + (uint64_t)(s[i] - '0');
    if (i != n || v == 0 || v > MAX_BYTES)
        return PFAIL(P, "%s:%llu: BYTES field '%s' is not a positive integer (1..%u)", P->t->path,
                     (unsigned long long)P->line, show(s, n, sb, sizeof sb), MAX_BYTES);
    *out = (uint32_t)v;
    return 0;
}

/* The trace's form is decided by its first event line; the engine's model
 * must price it.  0, or -1 after saying why. */
static int check_form(parser *P, int form, const char *kw)
{
    int lru = dmd_engine_options(P->e)->model == DMD_LRU;
    if (P->form && P->form != form)
        return PFAIL(P, "%s:%llu: '%s' is a%s line in a trace of %s lines (a trace holds values or addresses, not both)",
                     P->t->path, (unsigned long long)P->line, kw, form == FORM_ADDR ? "n address" : " value",
                     P->form == FORM_ADDR ? "address (input, ld, st, drop)" : "value (store, read, output)");
    if (form == FORM_VALUE && lru)
        return PFAIL(P, "%s:%llu: '%s' is a value line; the lru model prices addresses (input, ld, st, drop): use live or classic",
                     P->t->path, (unsigned long long)P->line, kw);
    if (form == FORM_ADDR && !lru)
        return PFAIL(P, "%s:%llu: '%s' is an address line; the value models price values: use the lru model",
                     P->t->path, (unsigned long long)P->line, kw);
    P->form = form;
    return 0;
}

/* ---- phases ---- */
static int spill_phase(parser *P, uint32_t w)
{
    if (P->spilling && (spill(P->t, (uint32_t)EV_OUTPUT << 30) || spill(P->t, w)))
        return SFAIL(P, "%s: cannot write the temporary spill file in %s: %s; point TMPDIR to a filesystem with room",
                     P->t->path, spill_dir(), strerror(errno));
    return 0;
}

static int parse_phase(parser *P, const char *s, const char *end, int begin)
{
    dmd_trace *t = P->t;
    const char *tok[1];
    size_t tl[1];
    char sb[80];
    const char *syntax = begin ? "phase takes NAME" : "end takes NAME";
    int n = line_tokens(P, s, end, tok, tl, 1, syntax);
    if (n < 0) return -1;
    if (n == 0) return PFAIL(P, "%s:%llu: %s", t->path, (unsigned long long)P->line, syntax);
    if (!printable_utf8((const unsigned char *)tok[0], tl[0]))
        return PFAIL(P, "%s:%llu: phase NAME '%s' is not printable UTF-8 text", t->path, (unsigned long long)P->line,
                     show(tok[0], tl[0], sb, sizeof sb));
    int idx = -1;
    for (int i = 0; i < t->npn && idx < 0; i++)
        if (strlen(t->pnames[i]) == tl[0] && memcmp(t->pnames[i], tok[0], tl[0]) == 0) idx = i;
    if (!begin) {
        if (t->pdepth == 0 || t->popen[t->pdepth - 1] != idx)
            return PFAIL(P, "%s:%llu: end '%s' does not end the innermost open phase (%s%s%s)", t->path,
                         (unsigned long long)P->line, show(tok[0], tl[0], sb, sizeof sb),
                         t->pdepth ? "'" : "", t->pdepth ? t->pnames[t->popen[t->pdepth - 1]] : "none is open",
                         t->pdepth ? "'" : "");
        t->pdepth--;
        dmd_phase_end(t->pnames[idx]);
        return spill_phase(P, (uint32_t)idx);
    }
    if (t->pdepth == DMD_PHASE_MAX_DEPTH)
        return PFAIL(P, "%s:%llu: phase '%s' nested deeper than %d phases", t->path, (unsigned long long)P->line,
                     show(tok[0], tl[0], sb, sizeof sb), DMD_PHASE_MAX_DEPTH);
    if (idx < 0) {
        if (t->npn == MAX_PHASE_NAMES)
            return PFAIL(P, "%s:%llu: more than %d distinct phase names", t->path, (unsigned long long)P->line,
                         MAX_PHASE_NAMES);
        char **np = realloc(t->pnames, (size_t)(t->npn + 1) * sizeof *np);
        if (np) t->pnames = np;
        char *name = np ? malloc(tl[0] + 1) : NULL;
        if (!name) return SFAIL(P, "%s:%llu: out of memory", t->path, (unsigned long long)P->line);
        memcpy(name, tok[0], tl[0]);
        name[tl[0]] = 0;
        idx = t->npn;
        t->pnames[t->npn++] = name;
    }
    t->popen[t->pdepth] = idx;
    t->pline[t->pdepth++] = P->line;
    dmd_phase_begin(t->pnames[idx]);
    return spill_phase(P, SP_BEGIN | (uint32_t)idx);
}

/* Close the phases left open (an error or the end of a pass), innermost first. */
static void close_phases(dmd_trace *t)
{
    while (t->pdepth > 0) dmd_phase_end(t->pnames[t->popen[--t->pdepth]]);
}

/* ---- addresses ---- */
static int parse_addr_text(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        if (n > 18) return -1;
        for (size_t i = 2; i < n; i++) {
            unsigned c = (unsigned char)s[i], d = c - '0' < 10 ? c - '0' : (c | 32) - 'a' < 6 ? (c | 32) - 'a' + 10 : 16;
            if (d > 15) return -1;
            v = v << 4 | d;
        }
    } else {
        if (n == 0 || n > 20) return -1;
        for (size_t i = 0; i < n; i++) {
            unsigned d = (unsigned)(s[i] - '0');
            if (d > 9 || v > (UINT64_MAX - d) / 10) return -1;
            v = v * 10 + d;
        }
    }
    *out = v;
    return 0;
}

static inline uint32_t addr_hash(uint64_t a)
{
    a ^= a >> 33;
    a *= 0xFF51AFD7ED558CCDull;
    a ^= a >> 33;
    return (uint32_t)a;
}

/* The key of address a (new keys numbered 1, 2, ...; create 0: 0 if unknown), or UINT32_MAX on out-of-memory. */
static uint32_t addr_key(dmd_trace *t, uint64_t a, int create)
{
    if (!t->akey || (create && (uint64_t)(t->naddr + 1) * 2 > t->amask)) {
        if (t->naddr >= 0x7FFFFFFFu) return UINT32_MAX;
        uint32_t nm = t->akey ? 2 * t->amask + 1 : 4095;
        uint64_t *nk = malloc(((size_t)nm + 1) * sizeof *nk);
        uint32_t *ni = calloc((size_t)nm + 1, sizeof *ni);
        if (!nk || !ni) {
            free(nk);
            free(ni);
            return UINT32_MAX;
        }
        for (uint32_t i = 0; t->akey && i <= t->amask; i++)
            if (t->aid[i]) {
                uint32_t j = addr_hash(t->akey[i]) & nm;
                while (ni[j]) j = (j + 1) & nm;
                nk[j] = t->akey[i];
                ni[j] = t->aid[i];
            }
        free(t->akey);
        free(t->aid);
        t->akey = nk;
        t->aid = ni;
        t->amask = nm;
    }
    uint32_t i = addr_hash(a) & t->amask;
    for (; t->aid[i]; i = (i + 1) & t->amask)
        if (t->akey[i] == a) return t->aid[i];
    if (!create) return 0;
    t->akey[i] = a;
    return t->aid[i] = ++t->naddr;
}

/* An address line; input 1: an input line (a store that is not a write). */
static int parse_addr(parser *P, const char *kw, int kind, int input, const char *s, const char *end)
{
    dmd_trace *t = P->t;
    const char *tok[3];
    size_t tl[3];
    char sb[80];
    const char *syntax = kind == DMD_ADDR_DROP ? "drop takes ADDR" : kind == DMD_ADDR_LOAD ? "ld takes ADDR BYTES [REGION]"
                         : input ? "input takes ADDR BYTES [REGION]" : "st takes ADDR BYTES [REGION]";
    if (check_form(P, FORM_ADDR, kw)) return -1;
    int n = line_tokens(P, s, end, tok, tl, kind == DMD_ADDR_DROP ? 1 : 3, syntax);
    if (n < 0) return -1;
    if (n < (kind == DMD_ADDR_DROP ? 1 : 2)) return PFAIL(P, "%s:%llu: %s", t->path, (unsigned long long)P->line, syntax);
    uint64_t a;
    if (parse_addr_text(tok[0], tl[0], &a))
        return PFAIL(P, "%s:%llu: ADDR '%s' is not a decimal or 0x-hexadecimal number below 2^64", t->path,
                     (unsigned long long)P->line, show(tok[0], tl[0], sb, sizeof sb));
    uint32_t key = addr_key(t, a, kind == DMD_ADDR_STORE);
    if (key == UINT32_MAX) return SFAIL(P, "%s:%llu: out of memory (addresses)", t->path, (unsigned long long)P->line);
    if (kind == DMD_ADDR_DROP) {
        if (key) dmd_engine_addr_drop(P->e, key, a);
        return 0;
    }
    uint32_t bytes;
    if (parse_bytes(P, tok[1], tl[1], &bytes)) return -1;
    int reg = n == 3 ? region_of(P, tok[2], tl[2]) : 0;
    if (reg < 0) return -1;
    int rc;
    if (kind == DMD_ADDR_STORE)
        rc = dmd_engine_addr_store(P->e, key, a, bytes, reg, !input);
    else
        rc = key ? dmd_engine_addr_load(P->e, key, a, bytes, reg) : -2;
    if (rc == -2)
        return PFAIL(P, "%s:%llu: ld of address %s, which was never stored (declare the inputs with input lines)",
                     t->path, (unsigned long long)P->line, show(tok[0], tl[0], sb, sizeof sb));
    if (rc) return PFAIL(P, "%s:%llu: %s", t->path, (unsigned long long)P->line, dmd_engine_error(P->e));
    return 0;
}

/* One line [s, end) without its '\n'. */
static int parse_line(parser *P, const char *s, const char *end)
{
    dmd_trace *t = P->t;
    char sb[80];
    /* *end is the line's '\n', which stops every scan */
    while (cls[(unsigned char)*s] & C_BLANK) s++;
    if (s == end || *s == '#') return 0;
    const char *kw = s;
    while (!(cls[(unsigned char)*s] & C_END)) s++;
    size_t kl = (size_t)(s - kw);
    int kind;
    if (kl == 4 && memcmp(kw, "read", 4) == 0)
        kind = EV_READ;
    else if (kl == 5 && memcmp(kw, "store", 5) == 0)
        kind = EV_INPUT;
    else if (kl == 6 && memcmp(kw, "output", 6) == 0)
        kind = EV_OUTPUT;
    else {
        int k = kl == 5 && memcmp(kw, "phase", 5) == 0 ? 0 : kl == 3 && memcmp(kw, "end", 3) == 0 ? 1
                : kl == 2 && memcmp(kw, "ld", 2) == 0 ? 2 : kl == 2 && memcmp(kw, "st", 2) == 0 ? 3
                : kl == 4 && memcmp(kw, "drop", 4) == 0 ? 4 : kl == 5 && memcmp(kw, "input", 5) == 0 ? 5 : -1;
        if (k < 0)
            return PFAIL(P,
                         "%s:%llu: unknown keyword '%s' (expected store, read, output, input, ld, st, drop, phase or end)",
                         t->path, (unsigned long long)P->line, show(kw, kl, sb, sizeof sb));
        t->nevents++;
        if (k <= 1) return parse_phase(P, s, end, k == 0);
        static const char *const kws[] = {"", "", "ld", "st", "drop", "input"};
        return parse_addr(P, kws[k], k == 2 ? DMD_ADDR_LOAD : k == 4 ? DMD_ADDR_DROP : DMD_ADDR_STORE, k == 5, s, end);
    }
    if (P->form != FORM_VALUE && check_form(P, FORM_VALUE, kind == EV_READ ? "read" : kind == EV_INPUT ? "store" : "output"))
        return -1;
    t->nevents++;
    /* tokens */
    const char *tok[3];
    size_t tl[3];
    size_t ntok = 0;
    for (;;) {
        while (cls[(unsigned char)*s] & C_BLANK) s++;
        if (s == end || *s == '#') break;
        const char *a = s;
        while (!(cls[(unsigned char)*s] & C_END)) s++;
        size_t n = (size_t)(s - a);
        if (kind == EV_INPUT) {
            if (ntok == 3)
                return PFAIL(P, "%s:%llu: store takes ID [BYTES [REGION]]; extra field '%s'", t->path,
                             (unsigned long long)P->line, show(a, n, sb, sizeof sb));
            tok[ntok] = a;
            tl[ntok] = n;
        } else {
            uint32_t id = find_id(t, a, n);
            if (!id)
                return PFAIL(P, "%s:%llu: %s of ID '%s', which was never stored", t->path,
                             (unsigned long long)P->line, kind == EV_READ ? "read" : "output",
                             show(a, n, sb, sizeof sb));
            if (ntok == DMD_MAX_OPERANDS)
                return PFAIL(P, "%s:%llu: more than %d IDs on one line", t->path, (unsigned long long)P->line,
                             DMD_MAX_OPERANDS);
            if (push_op(t, ntok, id)) return SFAIL(P, "%s:%llu: out of memory", t->path, (unsigned long long)P->line);
        }
        ntok++;
    }
    if (kind == EV_INPUT) {
        if (ntok == 0) return PFAIL(P, "%s:%llu: store needs an ID", t->path, (unsigned long long)P->line);
        uint32_t bytes = P->default_bytes;
        if (ntok >= 2 && parse_bytes(P, tok[1], tl[1], &bytes)) return -1;
        int reg = ntok == 3 ? region_of(P, tok[2], tl[2]) : 0;
        if (reg < 0) return -1;
        uint32_t old = find_id(t, tok[0], tl[0]);
        if (old)
            return PFAIL(P, "%s:%llu: ID '%s' is stored twice (first at line %u); values are single-assignment",
                         t->path, (unsigned long long)P->line, show(tok[0], tl[0], sb, sizeof sb),
                         t->ids[old].line);
        int filed = insert_direct(t, tok[0], tl[0], P->line);
        if (filed == 0) {
            uint32_t h = hash_tok(tok[0], tl[0]), slot = 0;
            lookup(t, tok[0], tl[0], h, &slot);
            filed = insert(t, tok[0], tl[0], h, slot, P->line) ? -1 : 1;
        }
        if (filed < 0) return SFAIL(P, "%s:%llu: out of memory", t->path, (unsigned long long)P->line);
        int is_write = P->seen_read;
        uint32_t id = dmd_engine_push(P->e, bytes, reg, is_write);
        if (!id) return PFAIL(P, "%s:%llu: %s", t->path, (unsigned long long)P->line, dmd_engine_error(P->e));
        if (id != t->nids)
            return PFAIL(P, "%s:%llu: internal: engine id %u, reader id %u", t->path, (unsigned long long)P->line,
                         id, t->nids);
        if (P->spilling &&
            (spill(t, ((uint32_t)(is_write ? EV_RESULT : EV_INPUT) << 30) | (uint32_t)reg) || spill(t, bytes)))
            return SFAIL(P, "%s: cannot write the temporary spill file in %s: %s; point TMPDIR to a filesystem with room",
                         t->path, spill_dir(), strerror(errno));
        return 0;
    }
    if (ntok == 0)
        return PFAIL(P, "%s:%llu: %s needs at least one ID", t->path, (unsigned long long)P->line,
                     kind == EV_READ ? "read" : "output");
    if (kind == EV_READ) {
        P->seen_read = 1;
        dmd_engine_read(P->e, t->ops, (int)ntok);
    } else
        for (size_t k = 0; k < ntok; k++) dmd_engine_output(P->e, t->ops[k]);
    if (P->spilling) {
        int bad = spill(t, ((uint32_t)kind << 30) | (uint32_t)ntok);
        for (size_t k = 0; k < ntok && !bad; k++) bad = spill(t, t->ops[k]);
        if (bad)
            return SFAIL(P, "%s: cannot write the temporary spill file in %s: %s; point TMPDIR to a filesystem with room",
                         t->path, spill_dir(), strerror(errno));
    }
    return 0;
}

static int parse_all(parser *P)
{
    dmd_trace *t = P->t;
    size_t cap = CHUNK, have = 0;
    char *buf = malloc(cap);
    if (!buf) return SFAIL(P, "%s: out of memory", t->path);
    int rc = 0;
    P->line = 0;
    for (;;) {
        if (have == cap) { /* one line longer than the buffer */
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                rc = SFAIL(P, "%s:%llu: out of memory (line longer than %zu bytes)", t->path,
                           (unsigned long long)P->line + 1, cap);
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + have, 1, cap - have, t->f);
        if (got == 0) {
            if (ferror(t->f))
                rc = SFAIL(P, "%s: read error: %s", t->path, strerror(errno));
            else if (have)
                rc = PFAIL(P, "%s:%llu: the file ends in the middle of a line (truncated trace?)", t->path,
                           (unsigned long long)P->line + 1);
            break;
        }
        have += got;
        const char *s = buf, *end = buf + have;
        for (;;) {
            const char *nl = memchr(s, '\n', (size_t)(end - s));
            if (!nl) break;
            P->line++;
            if ((rc = parse_line(P, s, nl))) break;
            s = nl + 1;
        }
        if (rc) break;
        have = (size_t)(end - s);
        memmove(buf, s, have);
    }
    free(buf);
    if (!rc && t->pdepth)
        rc = PFAIL(P, "%s:%llu: phase '%s' is never ended (end %s missing)", t->path,
                   (unsigned long long)t->pline[t->pdepth - 1], t->pnames[t->popen[t->pdepth - 1]],
                   t->pnames[t->popen[t->pdepth - 1]]);
    return rc;
}

/* Replay the binary copy through the engine (live pricing pass). */
static int replay(dmd_trace *t, dmd_engine *e, char *err, size_t errlen)
{
    if (spill_flush(t) || fflush(t->sp) || fseek(t->sp, 0, SEEK_SET))
        return fail(err, errlen, "%s: cannot write the temporary spill file in %s: %s; point TMPDIR to a filesystem with room",
                    t->path, spill_dir(), strerror(errno)) - 1;
    size_t len = 0, at = 0;
    uint32_t *b = t->sbuf;
#define NEXT(w)                                                                                                    \
    do {                                                                                                           \
        if (at == len) {                                                                                           \
            len = fread(b, sizeof(uint32_t), SPILL_WORDS, t->sp);                                                  \
            at = 0;                                                                                                \
            if (len == 0) goto truncated;                                                                          \
        }                                                                                                          \
        (w) = b[at++];                                                                                             \
    } while (0)
    for (;;) {
        if (at == len) {
            len = fread(b, sizeof(uint32_t), SPILL_WORDS, t->sp);
            at = 0;
            if (len == 0) break;
        }
        uint32_t h = b[at++], kind = h >> 30, n = h & ((1u << 30) - 1);
        if (kind == EV_OUTPUT && n == 0) { /* a phase event */
            uint32_t w;
            NEXT(w);
            uint32_t idx = w & ~SP_BEGIN;
            if (idx >= (uint32_t)t->npn) goto truncated;
            if (w & SP_BEGIN) {
                t->popen[t->pdepth++] = (int)idx; /* the parser checked the nesting */
                dmd_phase_begin(t->pnames[idx]);
            } else {
                t->pdepth--;
                dmd_phase_end(t->pnames[idx]);
            }
            continue;
        }
        if (kind == EV_INPUT || kind == EV_RESULT) {
            uint32_t bytes;
            NEXT(bytes);
            if (!dmd_engine_push(e, bytes, (int)n, kind == EV_RESULT)) {
                uint32_t id = dmd_engine_nvalues(e) + 1;
                return fail(err, errlen, "%s:%u: %s", t->path, id <= t->nids ? t->ids[id].line : 0,
                            dmd_engine_error(e));
            }
            continue;
        }
        if (at + n <= len) { /* operands in the buffer: no copy */
            if (kind == EV_READ)
                dmd_engine_read(e, b + at, (int)n);
            else
                for (uint32_t k = 0; k < n; k++) dmd_engine_output(e, b[at + k]);
            at += n;
            continue;
        }
        for (uint32_t k = 0; k < n; k++) {
            uint32_t id;
            NEXT(id);
            t->ops[k] = id; /* opcap >= n: the parser stored n operands there */
        }
        if (kind == EV_READ)
            dmd_engine_read(e, t->ops, (int)n);
        else
            for (uint32_t k = 0; k < n; k++) dmd_engine_output(e, t->ops[k]);
    }
#undef NEXT
    if (ferror(t->sp)) return fail(err, errlen, "%s: temporary spill file: read error", t->path) - 1;
    return 0;
truncated:
    return fail(err, errlen, "%s: temporary spill file is truncated", t->path) - 1;
}

int dmd_trace_price(dmd_trace *t, dmd_engine *e, unsigned default_bytes, char *err, size_t errlen)
{
    if (t->nids || t->naddr || !t->f) return fail(err, errlen, "%s: trace already read", t->path);
    if (grow_tab(t)) return fail(err, errlen, "%s: out of memory", t->path) - 1;
    parser P = {0};
    P.t = t;
    P.e = e;
    P.default_bytes = default_bytes ? default_bytes : 1;
    if (P.default_bytes > MAX_BYTES) return fail(err, errlen, "bytes per element %u is above %u", default_bytes, MAX_BYTES);
    P.err = err;
    P.errlen = errlen;
    int passes = dmd_engine_passes(e);
    if (passes == 2) {
        t->sp = spill_open();
        t->sbuf = malloc(SPILL_WORDS * sizeof(uint32_t));
        if (!t->sp || !t->sbuf)
            return fail(err, errlen, "%s: cannot create a temporary spill file in %s: %s", t->path, spill_dir(),
                        strerror(errno)) - 1;
        P.spilling = 1;
    }
    dmd_engine_attach(e, 0);
    int rc = parse_all(&P);
    close_phases(t); /* after an error: the phase annotation is left balanced */
    (rc ? dmd_engine_abandon : dmd_engine_detach)(e);
    if (rc) return P.sys ? -2 : -1;
    if (passes == 1) return 0;
    dmd_engine_attach(e, 1);
    rc = replay(t, e, err, errlen);
    close_phases(t);
    (rc ? dmd_engine_abandon : dmd_engine_detach)(e);
    return rc;
}

uint64_t dmd_trace_nevents(const dmd_trace *t) { return t->nevents; }

/* ================================================================ writer */
/* An observer of the engine's pricing pass that writes dmdtrace v2.  A
 * failed write (a full disk) is remembered, not fatal: the pricing goes on,
 * nothing more is written, and dmd_trace_writer_error reports it. */
#define TWBUF (1u << 16)

struct dmd_trace_writer {
    FILE *f;
    const dmd_engine *e;
    int err;          /* errno of the first failed write */
    char *buf;        /* [TWBUF] */
    size_t len;
    uint32_t pend;    /* classic: the result whose store line waits for its region (0 = none) */
    uint32_t pend_w;
};

static void tw_flush(dmd_trace_writer *w)
{
    if (w->len) {
        if (!w->err && fwrite(w->buf, 1, w->len, w->f) != w->len) w->err = errno ? errno : EIO;
        w->len = 0;
    }
}
static inline void tw_room(dmd_trace_writer *w, size_t n)
{
    if (w->len + n > TWBUF) tw_flush(w);
}
static inline void tw_c(dmd_trace_writer *w, char c)
{
    tw_room(w, 1);
    w->buf[w->len++] = c;
}
static inline void tw_str(dmd_trace_writer *w, const char *s)
{
    size_t n = strlen(s);
    if (n > TWBUF / 2) {
        tw_flush(w);
        if (!w->err && fwrite(s, 1, n, w->f) != n) w->err = errno ? errno : EIO;
        return;
    }
    tw_room(w, n);
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}
static inline void tw_u(dmd_trace_writer *w, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do tmp[n++] = (char)('0' + v % 10);
    while ((v /= 10));
    tw_room(w, 24);
    while (n) w->buf[w->len++] = tmp[--n];
}
static void tw_x(dmd_trace_writer *w, uint64_t v) /* 0x-hexadecimal (addresses) */
{
    char tmp[24];
    int n = 0;
    do tmp[n++] = "0123456789abcdef"[v & 15];
    while ((v >>= 4));
    tw_room(w, 24);
    w->buf[w->len++] = '0';
    w->buf[w->len++] = 'x';
    while (n) w->buf[w->len++] = tmp[--n];
}
static void tw_name(dmd_trace_writer *w, const char *s) /* region/phase names: blanks -> '_' */
{
    for (; *s; s++) tw_c(w, (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '#') ? '_' : *s);
}
static void tw_region(dmd_trace_writer *w, int reg)
{
    if (reg > 0) {
        tw_c(w, ' ');
        tw_name(w, dmd_engine_region_name(w->e, reg));
    }
}
static void tw_store(dmd_trace_writer *w, uint32_t id, uint32_t bytes, int reg)
{
    tw_str(w, "store v");
    tw_u(w, id);
    tw_c(w, ' ');
    tw_u(w, bytes);
    tw_region(w, reg);
    tw_c(w, '\n');
}
/* Any event but the settling store: the pending result keeps region temp. */
static inline void tw_pending(dmd_trace_writer *w)
{
    if (w->pend) {
        tw_store(w, w->pend, w->pend_w, 0);
        w->pend = 0;
    }
}

static void tw_on_push(void *ctx, uint32_t id, uint32_t bytes, int region, int is_write)
{
    dmd_trace_writer *w = ctx;
    (void)is_write; /* the reader knows from the position: before the first read = input */
    tw_pending(w);
    if (region == DMD_REGION_PENDING) {
        w->pend = id;
        w->pend_w = bytes;
    } else
        tw_store(w, id, bytes, region);
}
static void tw_on_settle(void *ctx, uint32_t id, int region)
{
    dmd_trace_writer *w = ctx;
    if (w->pend != id) return;
    w->pend = 0;
    tw_store(w, id, w->pend_w, region);
}
static void tw_on_instr(void *ctx, const uint32_t *ids, int n)
{
    dmd_trace_writer *w = ctx;
    tw_pending(w);
    tw_str(w, "read");
    for (int k = 0; k < n; k++) {
        tw_str(w, " v");
        tw_u(w, ids[k]);
    }
    tw_c(w, '\n');
}
static void tw_on_output(void *ctx, uint32_t id)
{
    dmd_trace_writer *w = ctx;
    tw_pending(w);
    tw_str(w, "output v");
    tw_u(w, id);
    tw_c(w, '\n');
}
static void tw_on_phase(void *ctx, const char *name, int begin)
{
    dmd_trace_writer *w = ctx;
    tw_pending(w);
    tw_str(w, begin ? "phase " : "end ");
    tw_name(w, name);
    tw_c(w, '\n');
}
static void tw_on_addr(void *ctx, int kind, uint64_t addr, uint32_t bytes, int region, int is_write, uint64_t depth,
                       uint64_t cost)
{
    dmd_trace_writer *w = ctx;
    (void)depth, (void)cost;
    tw_str(w, kind == DMD_ADDR_LOAD ? "ld " : kind == DMD_ADDR_DROP ? "drop " : is_write ? "st " : "input ");
    tw_x(w, addr);
    if (kind != DMD_ADDR_DROP) {
        tw_c(w, ' ');
        tw_u(w, bytes);
        tw_region(w, region);
    }
    tw_c(w, '\n');
}
static void tw_on_end(void *ctx) { tw_pending(ctx); }

dmd_trace_writer *dmd_trace_writer_new(FILE *f, const dmd_engine *e)
{
    dmd_trace_writer *w = calloc(1, sizeof *w);
    if (w) w->buf = calloc(1, TWBUF); /* calloc: GCC cannot tell the header fills it before the first flush */
    if (!w || !w->buf) {
        free(w);
        return NULL;
    }
    w->f = f;
    w->e = e;
    tw_str(w, "# dmdtrace v2\n# written by libdmd, model ");
    tw_str(w, dmd_model_name(dmd_engine_options(e)->model));
    tw_c(w, '\n');
    return w;
}

dmd_observer dmd_trace_writer_observer(dmd_trace_writer *w)
{
    dmd_observer o = {0};
    o.ctx = w;
    o.push = tw_on_push;
    o.instr = tw_on_instr;
    o.output = tw_on_output;
    o.settle = tw_on_settle;
    o.phase = tw_on_phase;
    o.addr = tw_on_addr;
    o.end = tw_on_end;
    return o;
}

int dmd_trace_writer_finish(dmd_trace_writer *w)
{
    tw_pending(w);
    tw_flush(w);
    if (fflush(w->f) != 0 && !w->err) w->err = errno ? errno : EIO;
    return w->err;
}

int dmd_trace_writer_error(const dmd_trace_writer *w) { return w->err; }

void dmd_trace_writer_free(dmd_trace_writer *w)
{
    if (!w) return;
    free(w->buf);
    free(w);
}
