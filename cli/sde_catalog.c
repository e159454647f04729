/* sde_catalog.c -- see sde_catalog.h. */
#include "sde_catalog.h"

#include <stdio.h>

/* sde_regions[] is generated from the cell registry (sde_regions_gen.c). */
const char *const sde_phases[] = {"forward", "backward", "update", NULL};

static const char *const metric_name[] = {"cost", "reads", "bytes_read", "steps", "epochs", "examples"};
static const char *const metric_what[] = {"ByteDMD cost",
                                          "element reads priced by ByteDMD",
                                          "bytes read priced by ByteDMD",
                                          "optimizer steps taken (dmdprof train)",
                                          "epochs completed (dmdprof train)",
                                          "sequences trained on, steps x batch (dmdprof train)"};

/* 15 + 4 per region; DMDP_MAX_SDE (probes/dmdp.h) bounds what a run registers */
#define SDE_MAX 512
static sde_entry table[SDE_MAX];
static int ntable;

static void add(int metric, int region, int phase, int auto_count)
{
    if (ntable == SDE_MAX) { /* never silently short: tests/probes/sde_dmdprof.sh compares with the regions */
        static int warned;
        if (!warned++) fprintf(stderr, "dmdprof: SDE catalogue full at %d names: raise SDE_MAX in cli/sde_catalog.c\n", SDE_MAX);
        return;
    }
    sde_entry *e = &table[ntable++];
    const char *m = metric_name[metric];
    const char *r = region >= 0 ? sde_regions[region] : "all";
    const char *ph = phase >= 0 ? sde_phases[phase] : NULL;
    if (ph)
        snprintf(e->name, sizeof e->name, "%s::%s::%s", m, r, ph);
    else if (region >= 0)
        snprintf(e->name, sizeof e->name, "%s::%s", m, r);
    else
        snprintf(e->name, sizeof e->name, "%s", m);
    snprintf(e->descr, sizeof e->descr, "%s%s%s%s%s", metric_what[metric], region >= 0 ? ", reads of " : "",
             region >= 0 ? r : "", ph ? ", phase " : "", ph ? ph : "");
    e->metric = metric;
    e->region = region;
    e->phase = phase;
    e->auto_count = auto_count;
}

const sde_entry *sde_catalog(int *n)
{
    if (!ntable) {
        /* counted automatically: totals, per phase, cost per region, train's three (PAPI 7.0's sde
         * component counts at most 40 at once: the rest are left out with that reason) */
        for (int m = SDE_COST; m <= SDE_BYTES_READ; m++) {
            add(m, -1, -1, 1);
            for (int p = 0; sde_phases[p]; p++) add(m, -1, p, 1);
        }
        for (int r = 0; sde_regions[r]; r++) add(SDE_COST, r, -1, 1);
        for (int m = SDE_STEPS; m <= SDE_EXAMPLES; m++) add(m, -1, -1, 1);
        /* read on request only (name them in the event list): cost per (region, phase) */
        for (int r = 0; sde_regions[r]; r++)
            for (int p = 0; sde_phases[p]; p++) add(SDE_COST, r, p, 0);
    }
    *n = ntable;
    return table;
}
