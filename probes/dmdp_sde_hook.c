/*
 * dmdp_sde_hook.c -- libdmdprof_sde.so: lets `papi_native_avail -sde` list
 * the software-defined events of a dmdprof run.
 *
 * papi_native_avail only lists the SDEs of libraries loaded in its own
 * process: with -sde FILE it dlopen()s FILE and calls its
 * papi_sde_hook_list_events(), which registers the event names through the
 * function table it is given.  dmdprof itself is an executable (glibc will
 * not dlopen a PIE executable), and which counters exist depends on the run
 * (regions, phases), so this module registers the names listed in the file
 * $DMDPROF_SDE_LIST: "NAME<TAB>DESCRIPTION" lines, as dmdp_sde_write_list()
 * writes them.  The values it would report are zeros: it is for listing only.
 *
 *   DMDPROF_SDE_LIST=run/sde_events.tsv papi_native_avail -sde build/probes/libdmdprof_sde.so
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sde_lib.h>

static long long dmdp__zero(void *ctx)
{
    (void)ctx;
    return 0;
}

papi_handle_t papi_sde_hook_list_events(papi_sde_fptr_struct_t *fp);
papi_handle_t papi_sde_hook_list_events(papi_sde_fptr_struct_t *fp)
{
    papi_handle_t h = fp->init("dmdprof");
    const char *path = getenv("DMDPROF_SDE_LIST");
    if (!path) {
        fprintf(stderr, "libdmdprof_sde: set DMDPROF_SDE_LIST to a list of SDE names written by a dmdprof run\n");
        return h;
    }
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
        if (!line[0]) continue;
        if (fp->register_counter_cb(h, line, PAPI_SDE_RO | PAPI_SDE_DELTA, PAPI_SDE_long_long, dmdp__zero, NULL) == 0 &&
            tab && *tab)
            fp->describe_counter(h, line, tab);
    }
    fclose(f);
    return h;
}
