/*
 * linalg.c -- Haar-random orthogonal matrices and singular values on LAPACKE.
 *
 * LAPACK works column-major.  Rather than let LAPACKE transpose (LAPACK_ROW_MAJOR
 * copies the matrix twice), both routines work column-major on a buffer and
 * account for the transpose themselves:
 *   - la_random_orthogonal: the n*n Gaussian numbers are i.i.d., so reading the
 *     buffer column-major is an equally valid Gaussian matrix; the result is
 *     transposed in place into row-major at the end.
 *   - la_singular_values: a row-major (m, n) array is the column-major (n, m)
 *     array A^T, which has the same singular values.
 */
#include "linalg.h"

#include <lapacke.h>
#include <stdlib.h>
#include <string.h>

int la_random_orthogonal(rng_t *r, int n, double *Q /* (n, n) */)
{
    if (!r || !Q || n < 1)
        return -1;
    const size_t N = (size_t)n;
    double *tau = malloc(2 * N * sizeof *tau); /* (n) reflectors, then (n) signs */
    if (!tau)
        return -1;
    double *sgn = tau + N;

    /* G (n, n), column-major in Q, entries N(0, 1) in draw order */
    for (size_t i = 0; i < N * N; i++)
        Q[i] = rng_normal(r);

    int rc = -1;
    /* G = Q R (Householder); R is the upper triangle of Q afterwards */
    if (LAPACKE_dgeqrf(LAPACK_COL_MAJOR, n, n, Q, n, tau) != 0)
        goto out;
    /* Mezzadri (2007): Q diag(sign(R_jj)) is Haar-distributed.  R_jj = 0 has
     * probability zero; it counts as +1. */
    for (size_t j = 0; j < N; j++)
        sgn[j] = Q[j + j * N] < 0.0 ? -1.0 : 1.0;
    if (LAPACKE_dorgqr(LAPACK_COL_MAJOR, n, n, n, Q, n, tau) != 0)
        goto out;
    /* scale column j by sgn[j] while transposing in place to row-major:
     * column-major element (i, j) is Q[i + j*n], row-major one is Q[i*n + j] */
    for (size_t j = 0; j < N; j++) {
        Q[j + j * N] *= sgn[j];
        for (size_t i = j + 1; i < N; i++) {
            double a = Q[i + j * N] * sgn[j]; /* (i, j) */
            double b = Q[j + i * N] * sgn[i]; /* (j, i) */
            Q[i * N + j] = a;
            Q[j * N + i] = b;
        }
    }
    rc = 0;
out:
    free(tau);
    return rc;
}

int la_singular_values(int m, int n, const double *A /* (m, n) */, double *s /* (min(m, n)) */)
{
    if (m < 1 || n < 1 || !A || !s)
        return -1;
    size_t len = (size_t)m * (size_t)n;
    double *w = malloc(len * sizeof *w);
    if (!w)
        return -1;
    memcpy(w, A, len * sizeof *w);
    /* column-major (n, m) = A^T; jobz 'N': values only, no U or V^T, so the
     * leading dimensions of the absent U and VT just need to be >= 1 */
    lapack_int info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, 'N', n, m, w, n, s, NULL, 1, NULL, 1);
    free(w);
    return info == 0 ? 0 : -1;
}
