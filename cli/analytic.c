/* analytic.c -- see analytic.h and docs/analytic-model.md. */
#include "analytic.h"

#include <math.h>

double an_read_cost(double D, double w)
{
    /* integral of sqrt over (D, D+w] plus the mean rounding-up of ceil (1/2) */
    return (2.0 / 3.0) * (pow(D + w, 1.5) - pow(D, 1.5)) + 0.5 * w;
}

int an_estimate_step(dmd_model m, const an_dims *d, an_estimate *out)
{
    (void)d;
    (void)out;
    if (m == DMD_LIVE) return -1;
    return -1; /* derivation pending */
}
