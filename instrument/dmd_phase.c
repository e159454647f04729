/*
 * dmd_phase.c -- the one phase annotation that drives every probe.
 *
 * Phases are strictly nested begin/end pairs with the same name.  Listeners
 * (the pricing engine, PAPI event sets, Callgrind toggles, timers) subscribe
 * with dmd_phase_listen() and are called in subscription order on begin and in
 * reverse order on end, so that the innermost probe measures the least of the
 * others' overhead.  Not thread-safe: one training step runs on one thread.
 */
#include "dmd_phase.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
    dmd_phase_listener fn;
    void *ctx;
} listeners[DMD_PHASE_MAX_LISTENERS];
static const char *open_phases[DMD_PHASE_MAX_DEPTH];
static int depth;

void dmd_phase_begin(const char *name)
{
    if (depth >= DMD_PHASE_MAX_DEPTH) {
        fprintf(stderr, "dmd: phase '%s' opened at depth %d (limit %d): unbalanced begin/end\n", name, depth,
                DMD_PHASE_MAX_DEPTH);
        abort();
    }
    open_phases[depth++] = name;
    for (int i = 0; i < DMD_PHASE_MAX_LISTENERS; i++)
        if (listeners[i].fn) listeners[i].fn(listeners[i].ctx, name, 1);
}

void dmd_phase_end(const char *name)
{
    if (depth == 0 || strcmp(open_phases[depth - 1], name) != 0) {
        fprintf(stderr, "dmd: phase end '%s' does not match innermost open phase '%s'\n", name,
                depth ? open_phases[depth - 1] : "(none)");
        abort();
    }
    for (int i = DMD_PHASE_MAX_LISTENERS - 1; i >= 0; i--)
        if (listeners[i].fn) listeners[i].fn(listeners[i].ctx, name, 0);
    depth--;
}

int dmd_phase_listen(dmd_phase_listener fn, void *ctx)
{
    for (int i = 0; i < DMD_PHASE_MAX_LISTENERS; i++)
        if (!listeners[i].fn) {
            listeners[i].fn = fn;
            listeners[i].ctx = ctx;
            return i;
        }
    return -1;
}

void dmd_phase_unlisten(int handle)
{
    if (handle >= 0 && handle < DMD_PHASE_MAX_LISTENERS) {
        listeners[handle].fn = NULL;
        listeners[handle].ctx = NULL;
    }
}

const char *dmd_phase_current(void) { return depth ? open_phases[depth - 1] : NULL; }

int dmd_phase_depth(void) { return depth; }
