/*
 * dmd_report.h -- JSON and text reports of a dmd_engine's results (libdmd).
 * The engine core does not depend on jansson; this file does.
 */
#ifndef DMD_REPORT_H
#define DMD_REPORT_H

#include <stdio.h>

#include <jansson.h>

#include "dmd_engine.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The accounting fields of c as a new JSON object: reads, bytes_read, writes,
 * bytes_written, cost (integers), mean_depth (bytes, null when reads == 0),
 * max_depth (bytes, null when reads == 0) and hist (array: element k counts
 * the reads whose depth d has floor(log2 d) == k, up to the last non-zero).
 * Returns a new reference (NULL on out-of-memory). */
json_t *dmd_counts_json(const dmd_counts *c);

/* The whole result as a new JSON object (docs/schema.md, the engine keys
 * shared by `price` and `measure`):
 *   model, bytes_per_element (the option: 0 = each element's own size),
 *   total:   {<fields>}            the whole run (as dmd_counts_json),
 *   regions: [{region, <fields>}]  per region over all phases, one per region
 *                                  with reads or writes,
 *   phases:  [{phase, <fields>}]   per phase over all regions, likewise,
 *   cells:   [{phase, region, <fields>}]  every non-empty (phase, region),
 *   sites:   [{file, line, phase, <fields>}]  only with per_site.
 * total equals the sums of regions, of phases and of cells exactly.
 * Returns a new reference (NULL on out-of-memory). */
json_t *dmd_engine_json(const dmd_engine *e);

/* Human-readable summary: a totals line, then a per-region table (and a
 * per-phase table when more than one phase saw events). */
void dmd_engine_print_table(const dmd_engine *e, FILE *f);

#ifdef __cplusplus
}
#endif
#endif /* DMD_REPORT_H */
