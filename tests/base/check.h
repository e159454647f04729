/*
 * check.h -- the few helpers the base tests share: a failure counter, a
 * "worst difference" tracker per check, and a statistical closeness check
 * that prints the deviation in standard errors.
 */
#ifndef DMDPROF_TESTS_BASE_CHECK_H
#define DMDPROF_TESTS_BASE_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* A temporary-file template "$TMPDIR/NAME" (/tmp when TMPDIR is unset or
 * empty) for mkstemp / mkdtemp; NAME ends in XXXXXX.  Returns buf. */
static inline char *check_tmp(char *buf, size_t n, const char *name)
{
    const char *d = getenv("TMPDIR");
    snprintf(buf, n, "%s/%s", d && *d ? d : "/tmp", name);
    return buf;
}

static int check_failures;

/* Record a boolean check; print it only when it fails. */
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            check_failures++;                                                                      \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                   \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

/* |got - want| <= tol; always prints the difference so the log shows how close. */
static inline void check_close(const char *what, double got, double want, double tol)
{
    double d = fabs(got - want);
    int ok = d <= tol; /* NaN fails */
    printf("%-4s %-58s got %.10g want %.10g |diff| %.3g (tol %.3g)\n", ok ? "ok" : "FAIL", what, got,
           want, d, tol);
    if (!ok)
        check_failures++;
}

/* A sample statistic against its expected value, within k standard errors. */
static inline void check_stat(const char *what, double got, double want, double se, double k)
{
    double z = se > 0 ? fabs(got - want) / se : INFINITY;
    int ok = z <= k;
    printf("%-4s %-58s got %.6g want %.6g (%.2f s.e., limit %.0f)\n", ok ? "ok" : "FAIL", what, got,
           want, z, k);
    if (!ok)
        check_failures++;
}

/* Track the largest |difference| of a family of checks and report it once. */
typedef struct {
    const char *what;
    double worst;
    double tol;
} check_worst;

static inline void check_worst_add(check_worst *w, double diff)
{
    if (isnan(w->worst)) /* a NaN once seen stays the result */
        return;
    if (isnan(diff) || diff > w->worst)
        w->worst = diff;
}

static inline void check_worst_done(const check_worst *w)
{
    int ok = w->worst <= w->tol;
    printf("%-4s %-58s worst |diff| %.3g (tol %.3g)\n", ok ? "ok" : "FAIL", w->what, w->worst,
           w->tol);
    if (!ok)
        check_failures++;
}

static inline int check_exit(const char *suite)
{
    if (check_failures)
        fprintf(stderr, "%s: %d check(s) FAILED\n", suite, check_failures);
    else
        printf("%s: all checks passed\n", suite);
    return check_failures ? 1 : 0;
}

#endif
