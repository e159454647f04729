/* dmd_report.c -- JSON and text reports of a dmd_engine (see dmd_report.h). */
#include "dmd_report.h"

#include <string.h>

static int empty(const dmd_counts *c) { return c->reads == 0 && c->writes == 0; }

static int add_fields(json_t *o, const dmd_counts *c)
{
    int last = -1;
    for (int k = 0; k < 64; k++)
        if (c->hist[k]) last = k;
    json_t *h = json_array();
    if (!h) return -1;
    for (int k = 0; k <= last; k++) json_array_append_new(h, json_integer((json_int_t)c->hist[k]));
    int bad = 0;
    bad |= json_object_set_new(o, "reads", json_integer((json_int_t)c->reads));
    bad |= json_object_set_new(o, "bytes_read", json_integer((json_int_t)c->bytes_read));
    bad |= json_object_set_new(o, "writes", json_integer((json_int_t)c->writes));
    bad |= json_object_set_new(o, "bytes_written", json_integer((json_int_t)c->bytes_written));
    bad |= json_object_set_new(o, "cost", json_integer((json_int_t)c->cost));
    bad |= json_object_set_new(o, "mean_depth", c->reads ? json_real(c->sum_depth / (double)c->reads) : json_null());
    bad |= json_object_set_new(o, "max_depth", c->reads ? json_integer((json_int_t)c->max_depth) : json_null());
    bad |= json_object_set_new(o, "hist", h);
    return bad ? -1 : 0;
}

json_t *dmd_counts_json(const dmd_counts *c)
{
    json_t *o = json_object();
    if (o && add_fields(o, c)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Append row x to arr, or drop x when building it failed (no leak either way:
 * json_array_append_new releases x on its own failure). */
static int append(json_t *arr, json_t *x, int failed)
{
    if (failed) {
        json_decref(x);
        return 1;
    }
    return json_array_append_new(arr, x) != 0;
}

json_t *dmd_engine_json(const dmd_engine *e)
{
    const dmd_options *opt = dmd_engine_options(e);
    json_t *o = json_object(), *regions = json_array(), *phases = json_array(), *rows = json_array();
    int bad = !o || !regions || !phases || !rows;
    dmd_counts c;
    if (!bad) {
        bad |= json_object_set_new(o, "model", json_string(dmd_model_name(opt->model)));
        bad |= json_object_set_new(o, "bytes_per_element", json_integer(opt->bytes_per_element));
        dmd_engine_total(e, &c);
        json_t *t = dmd_counts_json(&c);
        bad |= !t || json_object_set_new(o, "total", t);
    }
    int nr = dmd_engine_nregions(e), np = dmd_engine_nphases(e);
    for (int r = 0; r < nr && !bad; r++) {
        dmd_engine_region_total(e, r, &c);
        if (empty(&c)) continue;
        json_t *x = json_object();
        bad |= !x || json_object_set_new(x, "region", json_string(dmd_engine_region_name(e, r))) || add_fields(x, &c);
        bad |= append(regions, x, bad);
    }
    for (int p = 0; p < np && !bad; p++) {
        dmd_engine_phase_total(e, p, &c);
        if (empty(&c)) continue;
        json_t *x = json_object();
        bad |= !x || json_object_set_new(x, "phase", json_string(dmd_engine_phase_name(e, p))) || add_fields(x, &c);
        bad |= append(phases, x, bad);
    }
    for (int p = 0; p < np && !bad; p++)
        for (int r = 0; r < nr && !bad; r++) {
            const dmd_counts *cc = dmd_engine_counts(e, p, r);
            if (empty(cc)) continue;
            json_t *x = json_object();
            bad |= !x || json_object_set_new(x, "phase", json_string(dmd_engine_phase_name(e, p))) ||
                   json_object_set_new(x, "region", json_string(dmd_engine_region_name(e, r))) ||
                   add_fields(x, cc);
            bad |= append(rows, x, bad);
        }
    if (!bad) {
        bad |= json_object_set_new(o, "regions", regions);
        bad |= json_object_set_new(o, "phases", phases);
        bad |= json_object_set_new(o, "cells", rows);
        regions = phases = rows = NULL;
    }
    if (!bad && opt->per_site) {
        json_t *sites = json_array();
        bad |= !sites || json_object_set_new(o, "sites", sites);
        for (int i = 0; i < dmd_engine_nsites(e) && !bad; i++) {
            const char *file;
            int line, phase;
            const dmd_counts *cc;
            dmd_engine_site(e, i, &file, &line, &phase, &cc);
            json_t *x = json_object();
            bad |= !x || json_object_set_new(x, "file", file ? json_string(file) : json_null()) ||
                   json_object_set_new(x, "line", json_integer(line)) ||
                   json_object_set_new(x, "phase", json_string(dmd_engine_phase_name(e, phase))) ||
                   add_fields(x, cc);
            bad |= append(sites, x, bad);
        }
    }
    json_decref(regions);
    json_decref(phases);
    json_decref(rows);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static void table_row(FILE *f, const char *name, const dmd_counts *c)
{
    fprintf(f, "%-16s %12llu %13llu %12llu %13llu %16llu", name, (unsigned long long)c->reads,
            (unsigned long long)c->bytes_read, (unsigned long long)c->writes, (unsigned long long)c->bytes_written,
            (unsigned long long)c->cost);
    if (c->reads)
        fprintf(f, " %11.2f %10llu\n", c->sum_depth / (double)c->reads, (unsigned long long)c->max_depth);
    else
        fprintf(f, " %11s %10s\n", "-", "-");
}

static void table_head(FILE *f, const char *what)
{
    fprintf(f, "%-16s %12s %13s %12s %13s %16s %11s %10s\n", what, "reads", "bytes_read", "writes", "bytes_written",
            "cost", "mean_depth", "max_depth");
}

void dmd_engine_print_table(const dmd_engine *e, FILE *f)
{
    const dmd_options *opt = dmd_engine_options(e);
    dmd_counts t, c;
    dmd_engine_total(e, &t);
    fprintf(f, "model %s, bytes per element ", dmd_model_name(opt->model));
    if (opt->bytes_per_element)
        fprintf(f, "%u\n", opt->bytes_per_element);
    else
        fprintf(f, "(each element's own size)\n");
    fprintf(f, "cost %llu\nreads %llu, bytes read %llu, writes %llu, bytes written %llu\n", (unsigned long long)t.cost,
            (unsigned long long)t.reads, (unsigned long long)t.bytes_read, (unsigned long long)t.writes,
            (unsigned long long)t.bytes_written);
    fputc('\n', f);
    table_head(f, "region");
    for (int r = 0; r < dmd_engine_nregions(e); r++) {
        dmd_engine_region_total(e, r, &c);
        if (!empty(&c)) table_row(f, dmd_engine_region_name(e, r), &c);
    }
    table_row(f, "total", &t);
    int used = 0;
    for (int p = 0; p < dmd_engine_nphases(e); p++) {
        dmd_engine_phase_total(e, p, &c);
        used += !empty(&c);
    }
    if (used > 1) {
        fputc('\n', f);
        table_head(f, "phase");
        for (int p = 0; p < dmd_engine_nphases(e); p++) {
            dmd_engine_phase_total(e, p, &c);
            if (!empty(&c)) table_row(f, dmd_engine_phase_name(e, p), &c);
        }
    }
}
