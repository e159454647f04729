/*
 * test_linalg.c -- core/linalg.c: orthogonality of la_random_orthogonal,
 * evidence that it is Haar-distributed (the Mezzadri sign correction), and
 * la_singular_values on matrices with hand-computed singular values plus the
 * Marchenko-Pastur / quarter-circle scale of a Gaussian matrix.
 */
#include "check.h"
#include "linalg.h"

#include <stdlib.h>
#include <string.h>

/* max |(Q^T Q - I)_ij| and max |(Q Q^T - I)_ij|, naive triple loops */
static double orth_error(int n, const double *Q /* (n, n) */)
{
    double worst = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double a = 0, b = 0;
            for (int k = 0; k < n; k++) {
                a += Q[k * n + i] * Q[k * n + j];
                b += Q[i * n + k] * Q[j * n + k];
            }
            double e = (i == j);
            a = fabs(a - e);
            b = fabs(b - e);
            if (a > worst || isnan(a))
                worst = a;
            if (b > worst || isnan(b))
                worst = b;
        }
    return worst;
}

/* determinant by Gaussian elimination with partial pivoting (on a copy) */
static double det(int n, const double *A)
{
    double *M = malloc((size_t)n * n * sizeof *M);
    if (!M)
        return NAN;
    memcpy(M, A, (size_t)n * n * sizeof *M);
    double d = 1;
    for (int c = 0; c < n; c++) {
        int p = c;
        for (int r = c + 1; r < n; r++)
            if (fabs(M[r * n + c]) > fabs(M[p * n + c]))
                p = r;
        if (p != c) {
            for (int k = 0; k < n; k++) {
                double t = M[c * n + k];
                M[c * n + k] = M[p * n + k];
                M[p * n + k] = t;
            }
            d = -d;
        }
        double piv = M[c * n + c];
        d *= piv;
        if (piv == 0)
            break;
        for (int r = c + 1; r < n; r++) {
            double f = M[r * n + c] / piv;
            for (int k = c; k < n; k++)
                M[r * n + k] -= f * M[c * n + k];
        }
    }
    free(M);
    return d;
}

static void test_orthogonality(void)
{
    const int ns[] = {1, 2, 3, 7, 64, 128};
    rng_t r;
    rng_seed(&r, 99);
    check_worst w = {"||Q^T Q - I||max, ||Q Q^T - I||max, n = 1,2,3,7,64,128", 0, 1e-12};
    for (size_t k = 0; k < sizeof ns / sizeof *ns; k++) {
        int n = ns[k];
        double *Q = malloc((size_t)n * n * sizeof *Q);
        CHECK(Q != NULL, "out of memory");
        if (!Q)
            return;
        for (int rep = 0; rep < 3; rep++) {
            int rc = la_random_orthogonal(&r, n, Q);
            CHECK(rc == 0, "la_random_orthogonal(n=%d) returned %d", n, rc);
            double e = orth_error(n, Q);
            check_worst_add(&w, e);
            printf("     n=%-4d rep %d  orthogonality error %.3g\n", n, rep, e);
        }
        free(Q);
    }
    check_worst_done(&w);

    /* same seed -> identical matrix */
    double A[49], B[49];
    rng_t a, b;
    rng_seed(&a, 5);
    rng_seed(&b, 5);
    la_random_orthogonal(&a, 7, A);
    la_random_orthogonal(&b, 7, B);
    CHECK(memcmp(A, B, sizeof A) == 0, "same seed gave different Q");
    /* bad arguments */
    CHECK(la_random_orthogonal(&a, 0, A) == -1, "n = 0 accepted");
    CHECK(la_random_orthogonal(&a, -3, A) == -1, "n < 0 accepted");
    CHECK(la_random_orthogonal(NULL, 2, A) == -1, "NULL rng accepted");
    CHECK(la_random_orthogonal(&a, 2, NULL) == -1, "NULL Q accepted");
}

/* Haar measure on O(n): every entry Q_ij is a coordinate of a uniformly
 * random unit vector, so E[Q_ij] = 0, E[Q_ij^2] = 1/n, E[Q_ij^4] = 3/(n(n+2));
 * det = +1 and -1 are equally likely.  Householder QR without the sign
 * correction fails these: LAPACK makes R_jj = -sign(G_jj)|.|, so Q_00 < 0
 * always, and det(Q) has the fixed sign (-1)^(n-1). */
static void test_haar(void)
{
    rng_t r;
    rng_seed(&r, 2007);
    const int n = 7, M = 20000;
    double Q[49];
    double sum00 = 0, sq00 = 0, sumdiag = 0, sq_all = 0, worst_det = 0;
    long pos00 = 0, detpos = 0;
    for (int m = 0; m < M; m++) {
        la_random_orthogonal(&r, n, Q);
        sum00 += Q[0];
        sq00 += Q[0] * Q[0];
        pos00 += Q[0] > 0;
        for (int i = 0; i < n; i++)
            sumdiag += Q[i * n + i];
        for (int i = 0; i < n * n; i++)
            sq_all += Q[i] * Q[i];
        double d = det(n, Q);
        detpos += d > 0;
        if (fabs(fabs(d) - 1) > worst_det)
            worst_det = fabs(fabs(d) - 1);
    }
    double var1 = 1.0 / n;                             /* Var Q_ij */
    double var2 = 3.0 / (n * (n + 2.0)) - 1.0 / (n * n); /* Var Q_ij^2 */
    check_stat("Haar n=7: mean Q00 (20000 draws)", sum00 / M, 0, sqrt(var1 / M), 5);
    check_stat("Haar n=7: mean Q00^2 = 1/n", sq00 / M, 1.0 / n, sqrt(var2 / M), 5);
    check_stat("Haar n=7: P(Q00 > 0) = 1/2", (double)pos00 / M, 0.5, sqrt(0.25 / M), 5);
    /* diagonal entries are not independent; bound with the n-fold se */
    check_stat("Haar n=7: mean diagonal entry", sumdiag / (n * (double)M), 0, sqrt(var1 / M), 5);
    check_close("Haar n=7: mean Q_ij^2 over all entries = 1/n (exact: rows unit)",
                sq_all / (n * n * (double)M), 1.0 / n, 1e-12);
    check_stat("Haar n=7: P(det Q = +1) = 1/2", (double)detpos / M, 0.5, sqrt(0.25 / M), 5);
    check_close("Haar n=7: max ||det Q| - 1|", worst_det, 0, 1e-12);

    /* n = 1: O(1) = {+1, -1}, each with probability 1/2 */
    long plus = 0, other = 0;
    const int M1 = 10000;
    for (int m = 0; m < M1; m++) {
        double q;
        la_random_orthogonal(&r, 1, &q);
        plus += q == 1.0;
        other += q != 1.0 && q != -1.0;
    }
    CHECK(other == 0, "n = 1 gave %ld values other than +-1", other);
    check_stat("Haar n=1: P(Q = +1) = 1/2", (double)plus / M1, 0.5, sqrt(0.25 / M1), 5);

    /* n = 2: Q is a rotation or reflection by a uniform angle; the angle of
     * the first column, atan2(Q10, Q00), has mean 0 and variance pi^2/3 */
    double s1 = 0, s2 = 0;
    for (int m = 0; m < M; m++) {
        la_random_orthogonal(&r, 2, Q);
        double th = atan2(Q[2], Q[0]);
        s1 += th;
        s2 += th * th;
    }
    double pi2 = 9.869604401089358;
    check_stat("Haar n=2: mean angle of column 0", s1 / M, 0, sqrt(pi2 / 3 / M), 5);
    /* Var(theta^2) for uniform on (-pi, pi): pi^4/5 - pi^4/9 = 4 pi^4 / 45 */
    check_stat("Haar n=2: mean squared angle = pi^2/3", s2 / M, pi2 / 3, sqrt(4 * pi2 * pi2 / 45 / M), 5);
}

static void expect_sv(const char *what, int m, int n, const double *A, const double *want)
{
    int k = m < n ? m : n;
    double s[8], copy[64];
    memcpy(copy, A, (size_t)m * n * sizeof *A);
    int rc = la_singular_values(m, n, A, s);
    CHECK(rc == 0, "%s: la_singular_values returned %d", what, rc);
    CHECK(memcmp(copy, A, (size_t)m * n * sizeof *A) == 0, "%s: A was modified", what);
    double worst = 0;
    for (int i = 0; i < k; i++) {
        double d = fabs(s[i] - want[i]);
        if (d > worst || isnan(d))
            worst = d;
    }
    check_close(what, worst, 0, 1e-12);
}

static void test_singular_values_known(void)
{
    /* diagonal with a sign and unsorted entries: |d| sorted descending */
    const double D[16] = {3, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 2};
    expect_sv("sv diag(3, -1, 0.5, 2) -> 3, 2, 1, 0.5", 4, 4, D, (double[]){3, 2, 1, 0.5});
    /* wide and tall "diagonal" matrices catch a row/column-major mix-up */
    const double W[6] = {0, 0, 4, 0, 1, 0}; /* (2, 3) */
    expect_sv("sv (2x3) [[0,0,4],[0,1,0]] -> 4, 1", 2, 3, W, (double[]){4, 1});
    const double Tl[6] = {0, 0, 0, 1, 4, 0}; /* (3, 2) */
    expect_sv("sv (3x2) [[0,0],[0,1],[4,0]] -> 4, 1", 3, 2, Tl, (double[]){4, 1});
    /* rank 1: u v^T with |u| = 3 (1,2,2,0,0), |v| = 7 (2,3,6): 21, 0, 0 */
    const double u[5] = {1, 2, 2, 0, 0}, v[3] = {2, 3, 6};
    double R[15];
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 3; j++)
            R[i * 3 + j] = u[i] * v[j];
    expect_sv("sv rank-1 (5x3) u v^T -> 21, 0, 0", 5, 3, R, (double[]){21, 0, 0});
    /* 2x2 by hand: [[3,0],[4,5]]^T [[3,0],[4,5]] = [[25,20],[20,25]], eigenvalues
     * 45 and 5, so sigma = 3 sqrt 5 and sqrt 5 */
    const double S[4] = {3, 0, 4, 5};
    expect_sv("sv [[3,0],[4,5]] -> 3 sqrt5, sqrt5", 2, 2, S, (double[]){3 * sqrt(5.0), sqrt(5.0)});
    /* [[1,1],[0,1]]: A^T A = [[1,1],[1,2]], eigenvalues (3 +- sqrt5)/2, so
     * sigma = (sqrt5 +- 1)/2, the golden ratio and its inverse */
    const double G[4] = {1, 1, 0, 1};
    expect_sv("sv [[1,1],[0,1]] -> (sqrt5+-1)/2", 2, 2, G,
              (double[]){(sqrt(5.0) + 1) / 2, (sqrt(5.0) - 1) / 2});
    /* 1x1 */
    expect_sv("sv [[-2.5]] -> 2.5", 1, 1, (double[]){-2.5}, (double[]){2.5});

    /* an orthogonal matrix: every singular value 1 */
    rng_t r;
    rng_seed(&r, 17);
    enum { N = 64 };
    static double Q[N * N], s[N];
    la_random_orthogonal(&r, N, Q);
    CHECK(la_singular_values(N, N, Q, s) == 0, "sv of Q failed");
    double worst = 0;
    for (int i = 0; i < N; i++)
        worst = fmax(worst, fabs(s[i] - 1));
    check_close("sv of a 64x64 random orthogonal matrix, max |s - 1|", worst, 0, 1e-12);

    /* bad arguments */
    double dummy[4];
    CHECK(la_singular_values(0, 2, S, dummy) == -1, "m = 0 accepted");
    CHECK(la_singular_values(2, -1, S, dummy) == -1, "n < 0 accepted");
    CHECK(la_singular_values(2, 2, NULL, dummy) == -1, "NULL A accepted");
    const double bad[4] = {1, NAN, 0, 1};
    CHECK(la_singular_values(2, 2, bad, dummy) == -1, "NaN input not reported as a failure");
}

/* The random init arm: 64x64 entries N(0, 0.01) (sd 0.1).  Quarter-circle law:
 * sigma / (0.1 sqrt 64) has density (1/pi) sqrt(4 - x^2) on [0, 2], so the
 * largest singular value is near 0.1 * 2 * 8 = 1.6 and the median near
 * 0.8 * 0.8079 = 0.646; exactly, sum of sigma^2 = ||A||_F^2, whose mean is
 * 64 * 64 * 0.01, i.e. mean sigma^2 = 0.64. */
static void test_random_spectrum(void)
{
    enum { N = 64, REPS = 20 };
    static double A[N * N], s[N];
    rng_t r;
    rng_seed(&r, 64);
    double ms2 = 0, smax = 0, worst_frob = 0;
    long below_median = 0;
    int desc = 1;
    for (int k = 0; k < REPS; k++) {
        double frob = 0;
        for (int i = 0; i < N * N; i++) {
            A[i] = 0.1 * rng_normal(&r);
            frob += A[i] * A[i];
        }
        CHECK(la_singular_values(N, N, A, s) == 0, "sv failed");
        double ss = 0;
        for (int i = 0; i < N; i++) {
            ss += s[i] * s[i];
            below_median += s[i] < 0.8 * 0.8079455065990342;
            if (i && s[i] > s[i - 1])
                desc = 0;
        }
        worst_frob = fmax(worst_frob, fabs(ss - frob) / frob);
        ms2 += ss / N;
        smax += s[0];
    }
    CHECK(desc, "singular values not in descending order");
    check_close("sum sigma^2 = ||A||_F^2 (relative), 20 matrices", worst_frob, 0, 1e-12);
    /* ||A||_F^2 / 64 = 0.01 * chi2(4096) / 64: sd 0.01 sqrt(8192) / 64 per matrix */
    check_stat("N(0,0.01) 64x64: mean sigma^2 = 0.64 (20 matrices)", ms2 / REPS, 0.64,
               0.01 * sqrt(8192.0) / 64 / sqrt(REPS), 5);
    /* largest: 2 sqrt(n) scale with O(n^-1/6) finite-size fluctuations; the
     * tolerance is a band, not a sampling error */
    check_close("N(0,0.01) 64x64: mean largest sigma ~ 1.6", smax / REPS, 1.6, 0.1);
    check_close("N(0,0.01) 64x64: fraction below quarter-circle median", below_median / (double)(N * REPS),
                0.5, 0.05);
}

int main(void)
{
    test_orthogonality();
    test_haar();
    test_singular_values_known();
    test_random_spectrum();
    return check_exit("test_linalg");
}
