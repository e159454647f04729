/*
 * dmd_csv.h -- the one CSV writer of dmdprof (every CSV file the C code
 * writes goes through it; docs/schema.md).
 *
 * The text is RFC 4180: a field holding a comma, a double quote, CR or LF is
 * written in double quotes with each inner double quote doubled; every other
 * field is written as is.  Lines end with LF (RFC 4180 says CRLF; every CSV
 * reader we know accepts LF, and LF keeps the files diffable).
 *
 * Every row, the header included, starts with a "schema" column: the header
 * says `schema`, every data row says the file's schema, e.g.
 * "dmdprof.history/1".  Rows taken from several files therefore stay
 * self-describing when they are concatenated or joined.
 *
 * A value that could not be measured is an empty field (dmd_csv_empty, a NULL
 * string, a NaN real), never 0.
 *
 * Errors: the writer never allocates; a write error of the stream is sticky
 * (ferror) and reported by dmd_csv_end.  A data row with another number of
 * fields than the header is a bug of the caller: it aborts with both counts.
 */
#ifndef DMD_CSV_H
#define DMD_CSV_H

#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    FILE *f;
    const char *schema; /* "dmdprof.<kind>/<N>", not copied: must outlive the writer */
    int header;         /* the current row is the header */
    int col;            /* fields written in the current row (schema excluded) */
    int ncols;          /* fields of the header (schema excluded), -1 before it */
} dmd_csv;

/* Start a CSV on f (the caller opens and closes f) whose rows carry schema. */
void dmd_csv_init(dmd_csv *w, FILE *f, const char *schema);

/* Header: one call per column name (the leading "schema" is written for
 * you), then dmd_csv_end.  dmd_csv_header writes a whole header from a
 * NULL-terminated list. */
void dmd_csv_head(dmd_csv *w, const char *name);
int dmd_csv_header(dmd_csv *w, const char *const *names);

/* Fields of a data row, left to right (the schema field comes first by
 * itself).  NULL string = empty field. */
void dmd_csv_str(dmd_csv *w, const char *s);
void dmd_csv_int(dmd_csv *w, long long v);
void dmd_csv_u64(dmd_csv *w, uint64_t v);
/* A real in printf format fmt (one double conversion, e.g. "%.17g"); NaN is
 * written empty (missing), +-inf as "inf" / "-inf". */
void dmd_csv_real(dmd_csv *w, const char *fmt, double v);
void dmd_csv_empty(dmd_csv *w);

/* End the row (header or data).  Returns 0, or -1 when the stream has a
 * write error. */
int dmd_csv_end(dmd_csv *w);

#ifdef __cplusplus
}
#endif
#endif /* DMD_CSV_H */
