/*
 * linalg.h -- the little dense linear algebra the trainer needs, on LAPACKE
 * (Debian's liblapacke-dev): random orthogonal matrices and singular values.
 * Matrices are row-major double.
 */
#ifndef DMDPROF_LINALG_H
#define DMDPROF_LINALG_H

#include "rng.h"

/* Q (n, n) <- a Haar-random orthogonal matrix: QR (Householder, LAPACK
 * dgeqrf/dorgqr) of an n x n standard-normal matrix, with the sign correction
 * of Mezzadri (2007): Q <- Q * diag(sign(diag(R))).  Returns 0, or -1 if
 * LAPACK fails or memory runs out. */
int la_random_orthogonal(rng_t *r, int n, double *Q);
/* s (min(m, n)) <- singular values of A (m, n), descending (LAPACK dgesdd or
 * dgesvd, A not modified).  Returns 0 or -1. */
int la_singular_values(int m, int n, const double *A, double *s);

#endif
