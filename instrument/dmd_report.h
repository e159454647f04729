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

/* The whole result as a new JSON object:
 *   model, bytes_per_element (the option: 0 = each element's own size),
 *   the total's fields (as dmd_counts_json, flattened),
 *   regions: [{region, <fields>}]  one per region with reads or writes,
 *   phases:  [{phase, <fields>}]   one per phase with reads or writes,
 *   rows:    [{phase, region, <fields>}]  every non-empty cell,
 *   sites:   [{file, line, phase, <fields>}]  only with per_site.
 * The totals equal the sums of regions, of phases and of rows exactly.
 * Returns a new reference (NULL on out-of-memory). */
json_t *dmd_engine_json(const dmd_engine *e);

/* Human-readable summary: a totals line, then a per-region table (and a
 * per-phase table when more than one phase saw events). */
void dmd_engine_print_table(const dmd_engine *e, FILE *f);

#ifdef __cplusplus
}
#endif
#endif /* DMD_REPORT_H */
