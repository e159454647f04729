/*
 * fuzz_trace.c -- libFuzzer target: the dmdtrace reader (instrument/dmd_trace.c)
 * and the engine behind it, on arbitrary bytes.
 *
 * Each input is priced under live, classic and lru.  Besides the sanitizers
 * (any memory error, leak, undefined behaviour or abort is a finding), it
 * checks what must hold for every input:
 *   - a refusal is one line that starts with the trace's name;
 *   - both models accept the same traces (they validate the same way), except
 *     that classic, which never retires values, may hit the 4 GiB live-data
 *     limit where live does not;
 *   - when both accept, they count the same reads and bytes read, and live
 *     costs no more than classic (live's stack is classic's without the dead
 *     values, in the same order, so no read is deeper);
 *   - a trace is in one form (dmdtrace v2): when lru (addresses) and live
 *     (values) both accept it, it has no priced event at all;
 *   - the phase annotation is balanced after every input, accepted or not.
 * Run by tests/fuzz/run.sh (ctest fuzz_short, scripts/fuzz).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmd_engine.h"
#include "dmd_phase.h"
#include "dmd_trace.h"

static int price(const uint8_t *d, size_t n, dmd_model m, unsigned bpe, dmd_counts *c, char *err, size_t errlen)
{
    FILE *f = n ? fmemopen((void *)d, n, "rb") : fopen("/dev/null", "rb");
    if (!f) abort();
    dmd_trace *t = dmd_trace_open_stream(f, "fuzz.trace", err, errlen);
    dmd_options o = {0};
    o.model = m;
    dmd_engine *e = dmd_engine_new(&o);
    if (!t || !e) abort();
    int rc = dmd_trace_price(t, e, bpe, err, errlen);
    dmd_engine_total(e, c);
    dmd_engine_free(e);
    dmd_trace_close(t);
    fclose(f);
    if (rc == -2) abort(); /* a machine failure on a small input (spill file, memory): a finding too */
    if (dmd_phase_depth() != 0) {
        fprintf(stderr, "phase annotation left %d deep (%s)\n", dmd_phase_depth(), rc ? err : "accepted");
        abort();
    }
    if (rc && (strncmp(err, "fuzz.trace", 10) != 0 || strchr(err, '\n'))) {
        fprintf(stderr, "malformed message: %s\n", err);
        abort();
    }
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    unsigned bpe = 1 + (unsigned)(n % 8); /* the default size of a store without BYTES */
    dmd_counts live, classic, lru;
    char el[512] = "", ec[512] = "", eu[512] = "";
    int rl = price(d, n, DMD_LIVE, bpe, &live, el, sizeof el);
    int rcl = price(d, n, DMD_CLASSIC, bpe, &classic, ec, sizeof ec);
    int ru = price(d, n, DMD_LRU, bpe, &lru, eu, sizeof eu);
    if (rl == 0 && ru == 0 && (live.reads || live.writes || lru.reads || lru.writes)) {
        fprintf(stderr, "live and lru both priced events: live reads %llu, lru reads %llu\n",
                (unsigned long long)live.reads, (unsigned long long)lru.reads);
        abort();
    }
    if (rcl == 0 && rl != 0) {
        fprintf(stderr, "classic accepted, live refused: %s\n", el);
        abort();
    }
    if (rl != 0 && rcl != 0 && strcmp(el, ec) != 0 && !strstr(ec, "4 GiB")) {
        fprintf(stderr, "different refusals:\n  live:    %s\n  classic: %s\n", el, ec);
        abort();
    }
    if (rl == 0 && rcl != 0 && !strstr(ec, "live data")) {
        fprintf(stderr, "live accepted, classic refused: %s\n", ec);
        abort();
    }
    if (rl == 0 && rcl == 0 &&
        (live.reads != classic.reads || live.bytes_read != classic.bytes_read || live.cost > classic.cost)) {
        fprintf(stderr, "live reads %llu cost %llu vs classic reads %llu cost %llu\n", (unsigned long long)live.reads,
                (unsigned long long)live.cost, (unsigned long long)classic.reads, (unsigned long long)classic.cost);
        abort();
    }
    return 0;
}
