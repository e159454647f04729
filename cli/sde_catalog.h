/*
 * sde_catalog.h -- every software-defined event dmdprof exports as
 * sde:::dmdprof::NAME, in one naming scheme (docs/probes.md):
 *
 *   NAME = METRIC[::REGION[::PHASE]]
 *     METRIC  cost | reads | bytes_read   (dmdprof measure: the ByteDMD engine)
 *             steps | epochs | examples   (dmdprof train: the training loop)
 *     REGION  one of sde_regions[], or "all" (every region)
 *     PHASE   forward | backward | update
 *
 * The same table is compiled into dmdprof (which registers the counters it
 * can feed) and into libdmdprof_sde.so (which registers every name for
 * `papi_native_avail -sde`, no run needed).  Plain C, no dependencies.
 */
#ifndef DMDPROF_SDE_CATALOG_H
#define DMDPROF_SDE_CATALOG_H

enum { SDE_COST, SDE_READS, SDE_BYTES_READ, SDE_STEPS, SDE_EPOCHS, SDE_EXAMPLES };

typedef struct {
    char name[64];
    char descr[128];
    int metric;     /* SDE_COST ... */
    int region;     /* index into sde_regions, -1 = all */
    int phase;      /* index into sde_phases, -1 = all */
    int auto_count; /* counted per phase by the probes without being listed (PAPI counts at most 40 SDEs at once) */
} sde_entry;

/* NULL-terminated; every region name of every cell and schedule of the
 * registry (core/cell.h), generated at build time by sde_regions_gen.c. */
extern const char *const sde_regions[];
extern const char *const sde_phases[];  /* NULL-terminated */

/* The whole catalogue, in registration order (the automatically counted
 * ones first); *n set.  The table is built on first call. */
const sde_entry *sde_catalog(int *n);

#endif
