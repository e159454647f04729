/*
 * profile.h -- the ByteDMD cost of each kernel source line as a profile that
 * Valgrind's tools read (dmdprof measure --callgrind-out / --cachegrind-out).
 */
#ifndef DMDPROF_PROFILE_H
#define DMDPROF_PROFILE_H

#include "dmd_engine.h"

typedef enum { PROFILE_CALLGRIND, PROFILE_CACHEGRIND } profile_format;

/* The engine's per-site rows (it must have been created with per_site = 1)
 * written to path (atomically) with events Dmd_cost Dmd_bytes Dmd_reads.
 * One function per (phase, source line), named "PHASE REGIONS (FILE:LINE)"
 * after the arrays read there, costliest first; in the Callgrind format each
 * phase is a function that calls those of its lines (inclusive cost per
 * phase).  Returns 0, or -1 with a message on stderr. */
int profile_write(const char *path, const dmd_engine *e, const char *cmdline, profile_format fmt);

#endif
