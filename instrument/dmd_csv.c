/* dmd_csv.c -- the RFC 4180 CSV writer (see dmd_csv.h). */
#include "dmd_csv.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void dmd_csv_init(dmd_csv *w, FILE *f, const char *schema)
{
    w->f = f;
    w->schema = schema;
    w->header = 0;
    w->col = 0;
    w->ncols = -1;
}

static void put_text(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* Before a field: the row's schema field on its first one, else the comma. */
static void sep(dmd_csv *w, int header)
{
    if (w->col == 0) {
        w->header = header;
        put_text(w->f, header ? "schema" : w->schema);
    }
    fputc(',', w->f);
    w->col++;
}

void dmd_csv_head(dmd_csv *w, const char *name)
{
    sep(w, 1);
    put_text(w->f, name);
}

int dmd_csv_header(dmd_csv *w, const char *const *names)
{
    for (; *names; names++) dmd_csv_head(w, *names);
    return dmd_csv_end(w);
}

void dmd_csv_str(dmd_csv *w, const char *s)
{
    sep(w, 0);
    if (s) put_text(w->f, s);
}

void dmd_csv_int(dmd_csv *w, long long v)
{
    sep(w, 0);
    fprintf(w->f, "%lld", v);
}

void dmd_csv_u64(dmd_csv *w, uint64_t v)
{
    sep(w, 0);
    fprintf(w->f, "%" PRIu64, v);
}

void dmd_csv_real(dmd_csv *w, const char *fmt, double v)
{
    sep(w, 0);
    if (isnan(v)) return;
    if (isinf(v))
        fputs(v > 0 ? "inf" : "-inf", w->f);
    else
        fprintf(w->f, fmt, v);
}

void dmd_csv_empty(dmd_csv *w) { sep(w, 0); }

int dmd_csv_end(dmd_csv *w)
{
    if (w->header)
        w->ncols = w->col;
    else if (w->ncols >= 0 && w->col != w->ncols) {
        fprintf(stderr, "dmd_csv: a %s row has %d fields, its header %d (a bug of the writer)\n", w->schema, w->col,
                w->ncols);
        abort();
    }
    fputc('\n', w->f);
    w->col = 0;
    w->header = 0;
    return ferror(w->f) ? -1 : 0;
}
