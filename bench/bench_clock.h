/*
 * bench/bench_clock.h -- the clocks and the sort order the benchmarks share.
 * bench_seconds(CLOCK_...): a POSIX clock in seconds (CPU time of the thread
 * or the process, or the monotonic wall clock); bench_cmp_double: ascending
 * order of doubles for qsort (medians).
 */
#ifndef DMDPROF_BENCH_CLOCK_H
#define DMDPROF_BENCH_CLOCK_H

#include <time.h>

static inline double bench_seconds(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

#endif
