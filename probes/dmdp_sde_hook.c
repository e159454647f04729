/*
 * dmdp_sde_hook.c -- libdmdprof_sde.so: lets `papi_native_avail -sde` list
 * the software-defined events dmdprof exports, with no run needed:
 *
 *   papi_native_avail -sde build/probes/libdmdprof_sde.so
 *
 * papi_native_avail only lists the SDEs of libraries loaded in its own
 * process: with -sde FILE it dlopen()s FILE and calls its
 * papi_sde_hook_list_events(), which registers the event names through the
 * function table it is given.  dmdprof itself is a PIE executable (glibc will
 * not dlopen it), so this small module carries the same catalogue
 * (cli/sde_catalog.c) and registers every name with its description.  The
 * values it would report are zeros: it is for listing only.  Names in
 * $DMDPROF_SDE_LIST ("NAME<TAB>DESCRIPTION" lines, as dmdp_sde_write_list()
 * writes them, e.g. counters of another program using the probes) are
 * listed too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sde_lib.h>

#include "sde_catalog.h"

static long long dmdp__zero(void *ctx)
{
    (void)ctx;
    return 0;
}

static void dmdp__add(papi_sde_fptr_struct_t *fp, papi_handle_t h, const char *name, const char *descr)
{
    if (fp->register_counter_cb(h, name, PAPI_SDE_RO | PAPI_SDE_DELTA, PAPI_SDE_long_long, dmdp__zero, NULL) == 0 &&
        descr && *descr)
        fp->describe_counter(h, name, descr);
}

papi_handle_t papi_sde_hook_list_events(papi_sde_fptr_struct_t *fp);
papi_handle_t papi_sde_hook_list_events(papi_sde_fptr_struct_t *fp)
{
    papi_handle_t h = fp->init("dmdprof");
    int n;
    const sde_entry *t = sde_catalog(&n);
    for (int i = 0; i < n; i++) dmdp__add(fp, h, t[i].name, t[i].descr);
    const char *path = getenv("DMDPROF_SDE_LIST");
    if (!path) return h;
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return h;
    }
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        char *tab = strchr(line, '\t');
        if (tab) *tab++ = 0;
        if (line[0]) dmdp__add(fp, h, line, tab);
    }
    fclose(f);
    return h;
}
