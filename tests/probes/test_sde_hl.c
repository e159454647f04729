/*
 * test_sde_hl.c -- any PAPI client reads our SDE counters: PAPI's own
 * high-level API, configured only by the environment (PAPI_EVENTS,
 * PAPI_OUTPUT_DIRECTORY), reports the amount this test adds inside a region.
 * The report is written when the measured process exits, so a child process
 * is measured and the parent reads its report.
 * Usage: test_sde_hl OUTDIR (an empty scratch directory).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <papi.h>

#include "dmdp.h"

static long long cost;
static long long read_cost(void *ctx) { return *(long long *)ctx; }

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_sde_hl OUTDIR\n");
        return 2;
    }
    setenv("PAPI_EVENTS", "sde:::dmdprof::hl::cost", 1);
    setenv("PAPI_OUTPUT_DIRECTORY", argv[1], 1);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (dmdp_sde_counter("hl::cost", "test counter for the high-level API", read_cost, &cost) != 0) exit(1);
        cost = 5;
        if (PAPI_hl_region_begin("forward") != PAPI_OK) {
            fprintf(stderr, "FAIL: PAPI_hl_region_begin\n");
            exit(1);
        }
        cost += 4321;
        PAPI_hl_region_end("forward");
        exit(0); /* PAPI writes the report at exit */
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "FAIL: the measured child failed (status %d)\n", st);
        return 1;
    }

    char dir[1024];
    snprintf(dir, sizeof dir, "%s/papi_hl_output", argv[1]);
    DIR *d = opendir(dir);
    struct dirent *e;
    json_int_t got = -1;
    while (d && (e = readdir(d))) {
        if (!strstr(e->d_name, ".json")) continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        json_t *j = json_load_file(path, 0, NULL);
        /* threads -> 0 -> regions -> 0 -> "sde:::dmdprof::hl::cost" (a string) */
        json_t *r = json_object_get(json_object_get(json_object_get(json_object_get(json_object_get(j, "threads"), "0"),
                                                                    "regions"),
                                                    "0"),
                                    "sde:::dmdprof::hl::cost");
        if (json_is_string(r)) got = strtoll(json_string_value(r), NULL, 10);
        json_decref(j);
    }
    if (d) closedir(d);
    printf("PAPI high-level API read sde:::dmdprof::hl::cost = %lld over region 'forward' (want 4321)\n", (long long)got);
    if (got != 4321) {
        fprintf(stderr, "FAIL: got %lld, want 4321 (difference %lld)\n", (long long)got, (long long)got - 4321);
        return 1;
    }
    return 0;
}
