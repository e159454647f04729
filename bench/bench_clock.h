/*
 * bench/bench_clock.h -- the clocks and the sort order the benchmarks share.
 * bench_seconds(CLOCK_...): a POSIX clock in seconds (CPU time of the thread
 * or the process, or the monotonic wall clock); bench_median: sorts n > 0
 * figures in place (ascending) and returns their median.
 */
#ifndef DMDPROF_BENCH_CLOCK_H
#define DMDPROF_BENCH_CLOCK_H

#include <stdlib.h>
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

static inline double bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

#endif
