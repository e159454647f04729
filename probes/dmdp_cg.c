/*
 * dmdp_cg.c -- Callgrind files: sum per-phase dumps; write profiles.
 *
 * Reading: of each dump we need only its header -- "events:" (names),
 * "desc: Trigger: Client Request: NAME" (the phase, as dmdp's listener named
 * the dump), the cache geometry lines, and "summary:" (the dump's total, the
 * body's "totals:" as fallback).  Missing trailing counts are zeros (format
 * rule).  The cost lines are not read.
 *
 * Writing: the Callgrind profile format, version 1, with "positions: line";
 * one "fl=" block per file, one "fn=" block per function within it, cost
 * lines by ascending line.  Names are compressed ("(id) name" on first use).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dmdp.h"
#include "dmd_csv.h"

static void dmdp__errf(char *err, size_t n, const char *file, long line, const char *what)
{
    if (line > 0)
        snprintf(err, n, "%s:%ld: %s", file, line, what);
    else
        snprintf(err, n, "%s: %s", file, what);
}

/* Parse up to max counts after "key:" into v (zeros beyond what is given);
 * returns the number read, or -1 on a token that is not a count. */
static int dmdp__counts(const char *s, unsigned long long *v, int max)
{
    int n = 0;
    memset(v, 0, sizeof *v * (size_t)max);
    for (;;) {
        while (*s == ' ' || *s == '\t') s++;
        if (!*s || *s == '\n' || *s == '\r') return n;
        if (!isdigit((unsigned char)*s) || n == max) return -1;
        char *end;
        errno = 0;
        v[n++] = strtoull(s, &end, 10);
        if (errno || (*end && !isspace((unsigned char)*end))) return -1;
        s = end;
    }
}

static int dmdp__phase_slot(dmdp_cg_sums *out, const char *name)
{
    for (int i = 0; i < out->nphases; i++)
        if (!strcmp(out->phases[i].name, name)) return i;
    if (out->nphases == DMDP_MAX_PHASES + 1) return -1;
    dmdp_cg_phase *p = &out->phases[out->nphases];
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    return out->nphases++;
}

static int dmdp__parse_one(const char *path, dmdp_cg_sums *out, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        dmdp__errf(err, errlen, path, 0, strerror(errno));
        return -1;
    }
    char *line = NULL, phase[DMDP_NAME_MAX] = "outside";
    size_t cap = 0;
    long lno = 0, ev_line = 0;
    int nev = -1, have_summary = 0, have_totals = 0, rc = 0;
    char evnames[DMDP_CG_MAX_EVENTS][16];
    unsigned long long summary[DMDP_CG_MAX_EVENTS], totals[DMDP_CG_MAX_EVENTS];
    while (getline(&line, &cap, f) > 0) {
        lno++;
        line[strcspn(line, "\r\n")] = 0;
        if (!strncmp(line, "events:", 7)) {
            if (nev >= 0) continue;
            nev = 0;
            ev_line = lno;
            for (char *t = strtok(line + 7, " \t"); t; t = strtok(NULL, " \t")) {
                if (nev == DMDP_CG_MAX_EVENTS || strlen(t) >= sizeof evnames[0]) {
                    dmdp__errf(err, errlen, path, lno, "too many or too long event names on the events: line");
                    rc = -1;
                    goto done;
                }
                strcpy(evnames[nev++], t);
            }
        } else if (!strncmp(line, "desc: Trigger: ", 15)) {
            const char *cr = "Client Request: ";
            const char *t = line + 15;
            if (!strncmp(t, cr, strlen(cr))) snprintf(phase, sizeof phase, "%s", t + strlen(cr));
        } else if (!strncmp(line, "desc: ", 6) && strstr(line, " cache: ")) {
            int k = !strncmp(line + 6, "I1", 2) ? 0 : !strncmp(line + 6, "D1", 2) ? 1 : !strncmp(line + 6, "LL", 2) ? 2 : -1;
            if (k >= 0) snprintf(out->caches[k], sizeof out->caches[k], "%s", line + 6);
        } else if (!strncmp(line, "summary:", 8) || !strncmp(line, "totals:", 7)) {
            int is_sum = line[0] == 's';
            if (nev < 0) {
                dmdp__errf(err, errlen, path, lno, "summary/totals before the events: line");
                rc = -1;
                goto done;
            }
            if (dmdp__counts(line + (is_sum ? 8 : 7), is_sum ? summary : totals, nev) < 0) {
                dmdp__errf(err, errlen, path, lno, "malformed counts (expected up to one count per event)");
                rc = -1;
                goto done;
            }
            if (is_sum) have_summary = 1;
            else have_totals = 1;
        }
    }
    if (ferror(f)) {
        dmdp__errf(err, errlen, path, 0, "read error");
        rc = -1;
    } else if (nev < 0) {
        dmdp__errf(err, errlen, path, 0, "no 'events:' line: not a Callgrind profile");
        rc = -1;
    } else if (!have_summary && !have_totals) {
        dmdp__errf(err, errlen, path, 0, "no 'summary:' or 'totals:' line: truncated dump?");
        rc = -1;
    } else if (out->nevents != -2) {
        int same = out->nevents == nev;
        for (int e = 0; same && e < nev; e++) same = !strcmp(out->events[e], evnames[e]);
        if (!same) {
            dmdp__errf(err, errlen, path, ev_line, "its events differ from the first dump's (different Callgrind options?)");
            rc = -1;
        }
    } else {
        out->nevents = nev;
        memcpy(out->events, evnames, sizeof evnames);
    }
    if (rc == 0) {
        int k = dmdp__phase_slot(out, phase);
        if (k < 0) {
            dmdp__errf(err, errlen, path, 0, "more distinct phase names than the probes hold");
            rc = -1;
        } else {
            const unsigned long long *v = have_summary ? summary : totals;
            out->phases[k].dumps++;
            for (int e = 0; e < nev; e++) out->phases[k].v[e] += v[e];
        }
    }
done:
    free(line);
    fclose(f);
    return rc;
}

int dmdp_cg_parse(const char *const *files, int nfiles, dmdp_cg_sums *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->nevents = -2; /* unset */
    for (int i = 0; i < nfiles; i++)
        if (dmdp__parse_one(files[i], out, err, errlen) != 0) return -1;
    if (out->nevents == -2) {
        snprintf(err, errlen, "no Callgrind dump files to read");
        out->nevents = 0;
        return -1;
    }
    /* "outside" last, so the rows read forward, backward, update, outside. */
    for (int i = 0; i < out->nphases - 1; i++)
        if (!strcmp(out->phases[i].name, "outside")) {
            dmdp_cg_phase o = out->phases[i];
            memmove(&out->phases[i], &out->phases[i + 1], sizeof o * (size_t)(out->nphases - 1 - i));
            out->phases[out->nphases - 1] = o;
            break;
        }
    return 0;
}

static void dmdp__cg_total(const dmdp_cg_sums *s, unsigned long long *t)
{
    for (int e = 0; e < s->nevents; e++) {
        t[e] = 0;
        for (int i = 0; i < s->nphases; i++) t[e] += s->phases[i].v[e];
    }
}

int dmdp_cg_write_csv(const dmdp_cg_sums *s, FILE *f, const char *run_id, int header)
{
    unsigned long long tot[DMDP_CG_MAX_EVENTS];
    if (s) dmdp__cg_total(s, tot);
    static const char *const head[] = {"run_id", "phase", "source", "event", "value", NULL};
    dmd_csv w;
    dmd_csv_init(&w, f, DMDP_CSV_SCHEMA);
    if (header) dmd_csv_header(&w, head);
    for (int i = 0; s && i <= s->nphases; i++)
        for (int e = 0; e < s->nevents; e++) {
            dmd_csv_str(&w, run_id);
            dmd_csv_str(&w, i < s->nphases ? s->phases[i].name : "total");
            dmd_csv_str(&w, "callgrind");
            dmd_csv_str(&w, s->events[e]);
            dmd_csv_u64(&w, i < s->nphases ? s->phases[i].v[e] : tot[e]);
            dmd_csv_end(&w);
        }
    return ferror(f) ? -1 : 0;
}

json_t *dmdp_cg_json(const dmdp_cg_sums *s)
{
    unsigned long long tot[DMDP_CG_MAX_EVENTS];
    dmdp__cg_total(s, tot);
    json_t *j = json_object(), *ev = json_array(), *caches = json_array(), *ph = json_object(), *t = json_object();
    for (int e = 0; e < s->nevents; e++) json_array_append_new(ev, json_string(s->events[e]));
    for (int k = 0; k < 3; k++)
        if (s->caches[k][0]) json_array_append_new(caches, json_string(s->caches[k]));
    for (int i = 0; i < s->nphases; i++) {
        json_t *o = json_pack("{s:I}", "dumps", (json_int_t)s->phases[i].dumps);
        for (int e = 0; e < s->nevents; e++) json_object_set_new(o, s->events[e], json_integer((json_int_t)s->phases[i].v[e]));
        json_object_set_new(ph, s->phases[i].name, o);
    }
    for (int e = 0; e < s->nevents; e++) json_object_set_new(t, s->events[e], json_integer((json_int_t)tot[e]));
    json_object_set_new(j, "events", ev);
    json_object_set_new(j, "caches", caches);
    json_object_set_new(j, "phases", ph);
    json_object_set_new(j, "total", t);
    return j;
}

/* ---- writers ---- */

/* One entry of the sorted output: the self cost of row `row` in its fn, or
 * (call = 1) the call from row's caller to row's fn at the same line. */
typedef struct {
    int file, fn, line, call, callee, row; /* file/fn/callee: rank of first appearance */
} dmdp__key;

static int dmdp__key_cmp(const void *a, const void *b)
{
    const dmdp__key *x = a, *y = b;
    if (x->file != y->file) return x->file < y->file ? -1 : 1;
    if (x->fn != y->fn) return x->fn < y->fn ? -1 : 1;
    if (x->line != y->line) return x->line < y->line ? -1 : 1;
    if (x->call != y->call) return x->call < y->call ? -1 : 1;
    if (x->callee != y->callee) return x->callee < y->callee ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

static int dmdp__same_pos(const dmdp__key *x, const dmdp__key *y)
{
    return x->file == y->file && x->fn == y->fn && x->line == y->line && x->call == y->call && x->callee == y->callee;
}

/* Rank of s among the distinct strings seen so far (adds it if new). */
static int dmdp__intern(const char **seen, int *nseen, const char *s)
{
    for (int i = 0; i < *nseen; i++)
        if (!strcmp(seen[i], s)) return i;
    seen[*nseen] = s;
    return (*nseen)++;
}

static int dmdp__event_name_ok(const char *s)
{
    if (!s || !isalpha((unsigned char)*s)) return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_') return 0;
    return 1;
}

/* A name on one line: newlines would break the format. */
static void dmdp__put_name(FILE *f, const char *s)
{
    for (; *s; s++) fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
    fputc('\n', f);
}

/* "fn=(id) name" on first use of a name, "fn=(id)" after (Callgrind's name
 * compression); Cachegrind's format has no compression: "fn=name". */
static void dmdp__put_fn(FILE *f, const char *key, int id, const char *name, char *named, int compress)
{
    if (!compress) {
        fprintf(f, "%s=", key);
        dmdp__put_name(f, name);
    } else if (named[id]) {
        fprintf(f, "%s=(%d)\n", key, id + 1);
    } else {
        fprintf(f, "%s=(%d) ", key, id + 1);
        dmdp__put_name(f, name);
        named[id] = 1;
    }
}

/* Shared by both formats.  callgrind = 1: Callgrind's format with call
 * edges; 0: Cachegrind's (callers ignored). */
static int dmdp__write_profile(FILE *f, int callgrind, const char *cmd, const char *const *desc, int nevents,
                               const char *const *event_names, const char *const *event_descr, int nrows,
                               const dmdp_cg_row *rows)
{
    const char *what = callgrind ? "Callgrind" : "Cachegrind";
    if (nevents < 1) {
        fprintf(stderr, "dmdp: %s profile needs at least one event\n", what);
        return -1;
    }
    for (int e = 0; e < nevents; e++)
        if (!dmdp__event_name_ok(event_names[e])) {
            fprintf(stderr, "dmdp: %s event name '%s' is invalid (letters, digits, '_', starting with a letter)\n", what,
                    event_names[e] ? event_names[e] : "(null)");
            return -1;
        }
    int ncall = 0;
    for (int r = 0; r < nrows; r++) {
        if (rows[r].line < 0 || !rows[r].file || !rows[r].fn) {
            fprintf(stderr, "dmdp: %s profile row %d has no file/function or a negative line (%d)\n", what, r,
                    rows[r].line);
            return -1;
        }
        if (callgrind && rows[r].caller) {
            if (!strcmp(rows[r].caller, rows[r].fn)) {
                fprintf(stderr, "dmdp: Callgrind profile row %d: function '%s' calls itself\n", r, rows[r].fn);
                return -1;
            }
            ncall++;
        }
    }
    size_t nk = (size_t)nrows + (size_t)ncall, nn = (size_t)nrows * 2 + 1;
    dmdp__key *k = malloc(sizeof *k * (nk ? nk : 1));
    const char **files = malloc(sizeof *files * nn);
    const char **fns = malloc(sizeof *fns * nn);
    unsigned long long *acc = calloc((size_t)nevents * 2, sizeof *acc), *tot = acc ? acc + nevents : NULL;
    char *fn_named = calloc(nn, 1);
    if (!k || !files || !fns || !acc || !fn_named) {
        free(k), free(files), free(fns), free(acc), free(fn_named);
        fprintf(stderr, "dmdp: out of memory writing a %s profile\n", what);
        return -1;
    }
    int nfiles = 0, nfns = 0;
    size_t n = 0;
    for (int r = 0; r < nrows; r++) {
        int file = dmdp__intern(files, &nfiles, rows[r].file);
        int fn = dmdp__intern(fns, &nfns, rows[r].fn);
        k[n++] = (dmdp__key){file, fn, rows[r].line, 0, -1, r};
        if (callgrind && rows[r].caller)
            k[n++] = (dmdp__key){file, dmdp__intern(fns, &nfns, rows[r].caller), rows[r].line, 1, fn, r};
        for (int e = 0; e < nevents; e++) tot[e] += rows[r].values[e];
    }
    qsort(k, n, sizeof *k, dmdp__key_cmp);

    if (callgrind) fprintf(f, "# callgrind format\nversion: 1\ncreator: dmdprof\n");
    for (int d = 0; desc && desc[d]; d++) {
        fprintf(f, "desc: ");
        dmdp__put_name(f, desc[d]);
    }
    fprintf(f, "cmd: ");
    dmdp__put_name(f, cmd ? cmd : "dmdprof");
    if (callgrind) {
        fprintf(f, "positions: line\n");
        for (int e = 0; e < nevents; e++)
            if (event_descr && event_descr[e]) {
                fprintf(f, "event: %s : ", event_names[e]);
                dmdp__put_name(f, event_descr[e]);
            }
    }
    fprintf(f, "events:");
    for (int e = 0; e < nevents; e++) fprintf(f, " %s", event_names[e]);
    fprintf(f, "\n");
    if (callgrind) {
        fprintf(f, "summary:");
        for (int e = 0; e < nevents; e++) fprintf(f, " %llu", tot[e]);
        fprintf(f, "\n");
    }

    int cur_file = -1, cur_fn = -1;
    for (size_t i = 0; i < n;) {
        size_t j = i; /* merge equal positions */
        memset(acc, 0, sizeof *acc * (size_t)nevents);
        while (j < n && dmdp__same_pos(&k[j], &k[i])) {
            for (int e = 0; e < nevents; e++) acc[e] += rows[k[j].row].values[e];
            j++;
        }
        if (k[i].file != cur_file) {
            cur_file = k[i].file;
            cur_fn = -1;
            if (callgrind) {
                fprintf(f, "\nfl=(%d) ", cur_file + 1);
            } else {
                fprintf(f, "fl=");
            }
            dmdp__put_name(f, files[cur_file]);
        }
        if (k[i].fn != cur_fn) {
            cur_fn = k[i].fn;
            dmdp__put_fn(f, "fn", cur_fn, fns[cur_fn], fn_named, callgrind);
        }
        if (k[i].call) {
            dmdp__put_fn(f, "cfn", k[i].callee, fns[k[i].callee], fn_named, 1);
            fprintf(f, "calls=1 %d\n", k[i].line);
        }
        fprintf(f, "%d", k[i].line);
        for (int e = 0; e < nevents; e++) fprintf(f, " %llu", acc[e]);
        fprintf(f, "\n");
        i = j;
    }
    fprintf(f, callgrind ? "\ntotals:" : "summary:");
    for (int e = 0; e < nevents; e++) fprintf(f, " %llu", tot[e]);
    fprintf(f, "\n");
    free(fn_named), free(k), free(files), free(fns), free(acc);
    if (ferror(f)) {
        fprintf(stderr, "dmdp: write error in a %s profile\n", what);
        return -1;
    }
    return 0;
}

int dmdp_cg_write(FILE *f, const char *cmd, int nevents, const char *const *event_names,
                  const char *const *event_descr, int nrows, const dmdp_cg_row *rows)
{
    return dmdp__write_profile(f, 1, cmd, NULL, nevents, event_names, event_descr, nrows, rows);
}

int dmdp_cachegrind_write(FILE *f, const char *cmd, const char *const *desc, int nevents,
                          const char *const *event_names, int nrows, const dmdp_cg_row *rows)
{
    return dmdp__write_profile(f, 0, cmd, desc, nevents, event_names, NULL, nrows, rows);
}
