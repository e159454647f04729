/*
 * rnn_vtile.h -- the plain build's register tiles with intrinsics (AVX-512,
 * AVX2 + FMA clones) and its tile walk.  Included by a kernel source after
 * dmd.h, once TR, TC, TRM, tile_t and RNN_INLINE are defined (rnn_kernel.c,
 * "Plain-build tiles").  Prices nothing: the instrumented build never sees
 * this code (its tiles and their order are the OPERATION ORDER's).
 *
 * rnn_vtile_fma(acc, rn, vn, ...) computes, for r < rn, v < vn, the chain
 *     acc[r][v] = FMA(A[r*ars + k*aks], U[k*uks + v], acc[r][v]),  k = 0..nk-1
 * with rn, vn compile-time constants at every call site (RNN_TILES gives
 * them), in vectors of the widest width <= vn: 512-bit (AVX-512 clone),
 * 256, 128 bits, 2 floats (float32), one element (the scalar FMA
 * instructions).  Every lane is one output element's chain, each vector FMA
 * instruction rounds once per lane like fma(), FMA(u, a, c) == FMA(a, u, c)
 * exactly, and k runs ascending: so the bits are those of the scalar chain,
 * in any tile.  Which operand stays in registers across the inner loop is
 * chosen by shape (rn <= vectors per row: the rn broadcasts, otherwise the
 * row's vectors), so the accumulators + min(rn, vectors) + 1 fit the
 * register file: 3 x 16 float64 under AVX2 is 12 + 3 + 1 = 16 ymm.
 *
 * RNN_TILES(rows, cols, BODY) (plain) visits every (r0, c0) tile of a
 * rows x cols product once, BODY seeing rn, vn, r0, c0 as constants:
 *   1. full tiles TR x TC over the largest multiples of TR rows and TC columns;
 *   2. the rows left over (< TR) against those columns, in row blocks of
 *      4, 2, 1 (the binary digits of the remainder, largest first) x TC;
 *   3. the columns left over (< TC), in blocks of 8, 4, 2, 1, each against
 *      all rows in tall blocks of RNN_RE(vn) rows (8, or 4 when a row needs
 *      two vectors), then 4, 2, 1.
 * Tall edge tiles keep >= 8 independent accumulators (FMA latency x pipes)
 * where a TR-row edge tile had 3 (B = 50 columns under 3 x 16 left 2
 * columns: 3 scalar chains, latency-bound).  The order of the tiles does not
 * change any bits (each output element is one chain).
 */
#ifndef DMDPROF_RNN_VTILE_H
#define DMDPROF_RNN_VTILE_H

#if !defined(DMD_INSTRUMENT) && (defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))) &&             \
    !defined(RNN_NO_VEC_TILE)
#include <immintrin.h>
#define RNN_VEC_TILE 1

/* v is loaded once into a register (GCC otherwise folds the load into
 * each of the rn FMAs that read it: rn loads instead of one, and the AVX2
 * clone became load-bound). */
#define RNN__INREG(v) __asm__("" : "+x"(v))
/* Each shape's loop is its own small function, reached by one switch per
 * tile: inlined into the kernel (some 40 shapes x call sites), GCC folded
 * the vector loads into the FMAs (4 loads per k became 12) and spilled
 * accumulators, and the AVX2 clone's backward pass lost a third. */
#define RNN__NOINLINE static __attribute__((noinline))
/* loops over rows and vectors unrolled fully, so that the accumulator arrays
 * become registers (otherwise GCC stored every accumulator on each k) */
#define RNN__UNROLL _Pragma("GCC unroll 16")
#define RNN__VT_CASE(BODY, RN, NV)                                                                                 \
    case (RN)*8 + (NV):                                                                                            \
        BODY(acc, RN, NV, A, ars, aks, U, uks, nk);                                                                \
        return;
/* the shapes of one width: rn in {1, 2, 3, 4, 8} x nv up to 1, 2 or 4 */
#define RNN__VT_ROWS(BODY, NV)                                                                                     \
    RNN__VT_CASE(BODY, 1, NV) RNN__VT_CASE(BODY, 2, NV) RNN__VT_CASE(BODY, 3, NV) RNN__VT_CASE(BODY, 4, NV)        \
    RNN__VT_CASE(BODY, 8, NV)
#define RNN__VT_NV1(BODY) RNN__VT_ROWS(BODY, 1)
#define RNN__VT_NV2(BODY) RNN__VT_ROWS(BODY, 1) RNN__VT_ROWS(BODY, 2)
#define RNN__VT_NV4(BODY) RNN__VT_ROWS(BODY, 1) RNN__VT_ROWS(BODY, 2) RNN__VT_ROWS(BODY, 4)
/* One tile body per vector width W (elements): nv vectors of W per row. */
#define RNN__VT_DEF(NAME, VEC, W, CASES, LOAD, STORE, BCAST, VFMA)                                                      \
    RNN_INLINE void NAME##_body(tile_t acc, int rn, int nv, const dmd_num *A, ptrdiff_t ars, ptrdiff_t aks,        \
                                const dmd_num *U, ptrdiff_t uks, int nk)                                           \
    {                                                                                                              \
        VEC c[TRM][TC / (W)];                                                                                      \
        RNN__UNROLL for (int r = 0; r < rn; r++)                                                                               \
            RNN__UNROLL for (int q = 0; q < nv; q++) c[r][q] = LOAD(&acc[r][q * (W)]);                                         \
        if (rn <= nv) { /* the rn broadcasts stay in registers */                                                  \
            for (int k = 0; k < nk; k++) {                                                                         \
                VEC a[TRM];                                                                                        \
                RNN__UNROLL for (int r = 0; r < rn; r++) a[r] = BCAST(A + r * ars + k * aks);                                  \
                RNN__UNROLL for (int q = 0; q < nv; q++) {                                                                     \
                    VEC u = LOAD(U + k * uks + q * (W));                                                           \
                    RNN__UNROLL for (int r = 0; r < rn; r++) c[r][q] = VFMA(a[r], u, c[r][q]);                                 \
                }                                                                                                  \
            }                                                                                                      \
        } else { /* the row's nv vectors stay in registers */                                                      \
            for (int k = 0; k < nk; k++) {                                                                         \
                VEC u[TC / (W)];                                                                                   \
                RNN__UNROLL for (int q = 0; q < nv; q++) {                                                                     \
                    u[q] = LOAD(U + k * uks + q * (W));                                                            \
                    RNN__INREG(u[q]);                                                                              \
                }                                                                                                  \
                RNN__UNROLL for (int r = 0; r < rn; r++) {                                                                     \
                    VEC a = BCAST(A + r * ars + k * aks);                                                          \
                    RNN__UNROLL for (int q = 0; q < nv; q++) c[r][q] = VFMA(a, u[q], c[r][q]);                                 \
                }                                                                                                  \
            }                                                                                                      \
        }                                                                                                          \
        RNN__UNROLL for (int r = 0; r < rn; r++)                                                                               \
            RNN__UNROLL for (int q = 0; q < nv; q++) STORE(&acc[r][q * (W)], c[r][q]);                                         \
    }                                                                                                              \
    RNN__NOINLINE void NAME(tile_t acc, int rn, int nv, const dmd_num *A, ptrdiff_t ars, ptrdiff_t aks,            \
                            const dmd_num *U, ptrdiff_t uks, int nk)                                               \
    {                                                                                                              \
        switch (rn * 8 + nv) {                                                                                     \
            CASES(NAME##_body)                                                                                     \
        default:                                                                                                   \
            __builtin_trap(); /* not reached: RNN_TILES gives only the shapes above */                             \
        }                                                                                                          \
    }

/* one element: plain C, fma() is the FMA instruction under -mfma (the
 * _mm_fmadd_sd form made GCC emit a VEX vmovq between registers, which
 * Valgrind 3.19 cannot decode: the Callgrind probes died with SIGILL) */
#define RNN__LD1(p) (*(p))
#define RNN__ST1(p, v) (*(p) = (v))
#ifdef DMD_FLOAT32
#define RNN__BC128(p) _mm_broadcast_ss(p)
#define RNN__LD64(p) _mm_loadl_pi(_mm_setzero_ps(), (const __m64 *)(const void *)(p))
#define RNN__ST64(p, v) _mm_storel_pi((__m64 *)(void *)(p), v)
#ifdef __AVX512F__
#define RNN__BC512(p) _mm512_set1_ps(*(p))
RNN__VT_DEF(rnn__vt16, __m512, 16, RNN__VT_NV1, _mm512_loadu_ps, _mm512_storeu_ps, RNN__BC512, _mm512_fmadd_ps)
#endif
RNN__VT_DEF(rnn__vt8, __m256, 8, RNN__VT_NV2, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_broadcast_ss, _mm256_fmadd_ps)
RNN__VT_DEF(rnn__vt4, __m128, 4, RNN__VT_NV1, _mm_loadu_ps, _mm_storeu_ps, RNN__BC128, _mm_fmadd_ps)
RNN__VT_DEF(rnn__vt2, __m128, 2, RNN__VT_NV1, RNN__LD64, RNN__ST64, RNN__BC128, _mm_fmadd_ps)
RNN__VT_DEF(rnn__vt1, float, 1, RNN__VT_NV1, RNN__LD1, RNN__ST1, RNN__LD1, fmaf)
#ifdef __AVX512F__
#define RNN_VW 16
#else
#define RNN_VW 8
#endif
#else
#ifdef __AVX512F__
#define RNN__BC512(p) _mm512_set1_pd(*(p))
RNN__VT_DEF(rnn__vt8, __m512d, 8, RNN__VT_NV2, _mm512_loadu_pd, _mm512_storeu_pd, RNN__BC512, _mm512_fmadd_pd)
#define RNN_VW 8
#else
#define RNN_VW 4
#endif
RNN__VT_DEF(rnn__vt4, __m256d, 4, RNN__VT_NV4, _mm256_loadu_pd, _mm256_storeu_pd, _mm256_broadcast_sd, _mm256_fmadd_pd)
RNN__VT_DEF(rnn__vt2, __m128d, 2, RNN__VT_NV1, _mm_loadu_pd, _mm_storeu_pd, _mm_loaddup_pd, _mm_fmadd_pd)
RNN__VT_DEF(rnn__vt1, double, 1, RNN__VT_NV1, RNN__LD1, RNN__ST1, RNN__LD1, fma)
#endif

/* The full TR x TC tile in the widest vectors, its sizes as enum constants
 * (the same chains as RNN__VT_DEF's; spelled out because GCC kept all 12
 * ymm accumulators of the AVX2 3 x 16 tile in registers only in this form:
 * from the generic body it spilled one, a store-to-load chain per k).
 * Accumulator (r, v) is stored at acc[r*cs + v]: a tile_t (cs = TC), or
 * the output matrix itself (rnn_kernel.c's plain passes: no copy through a
 * tile_t).  It starts at ini[r*inis + v] (ini = acc, inis = cs: the stored
 * value; inis = 0: one row for every r, a bias), or at 0 if ini is NULL --
 * loaded in whole vectors, never from narrower stores just made, which
 * would stall the load (no store-to-load forwarding). */
#define RNN__VT_KLOOP(VEC, W, LOAD, BCAST, VFMA, A, ars, aks, U, uks, nk)                                        \
    for (int k = 0; k < (nk); k++) {                                                                               \
        VEC a[TR];                                                                                                 \
        RNN__UNROLL for (int r = 0; r < TR; r++) a[r] = BCAST((A) + r * (ars) + k * (aks));                        \
        RNN__UNROLL for (int q = 0; q < NV; q++) {                                                                 \
            VEC u = LOAD((U) + k * (uks) + q * (W));                                                               \
            RNN__UNROLL for (int r = 0; r < TR; r++) c[r][q] = VFMA(a[r], u, c[r][q]);                             \
        }                                                                                                          \
    }
#define RNN__VT_INIT(VEC, W, LOAD, ZERO)                                                                           \
    enum { NV = TC / (W) };                                                                                        \
    VEC c[TR][NV];                                                                                                 \
    RNN__UNROLL for (int r = 0; r < TR; r++)                                                                       \
        RNN__UNROLL for (int q = 0; q < NV; q++) c[r][q] = ini ? LOAD(ini + r * inis + q * (W)) : ZERO();
#define RNN__VT_STORE(W, STORE)                                                                                    \
    RNN__UNROLL for (int r = 0; r < TR; r++)                                                                       \
        RNN__UNROLL for (int q = 0; q < NV; q++) STORE(acc + r * cs + q * (W), c[r][q]);
/* rnn__vt_full2: two reductions in one pass, the second continuing the
 * first's chains in registers (A, U over nk, then A2, U2 over nk2): the
 * chains of rnn__vt_full then rnn__vt_full from its stores, without the
 * round trip through memory (the plain passes' bias + x_t + h products and
 * dh's head + recurrent products). */
#define RNN__VT_FULL(VEC, W, LOAD, STORE, BCAST, VFMA, ZERO)                                                       \
    RNN__NOINLINE void rnn__vt_full(dmd_num *acc, ptrdiff_t cs, const dmd_num *ini, ptrdiff_t inis,                  \
                                    const dmd_num *A, ptrdiff_t ars, ptrdiff_t aks, const dmd_num *U, ptrdiff_t uks, \
                                    int nk)                                                                        \
    {                                                                                                              \
        RNN__VT_INIT(VEC, W, LOAD, ZERO)                                                                           \
        RNN__VT_KLOOP(VEC, W, LOAD, BCAST, VFMA, A, ars, aks, U, uks, nk)                                          \
        RNN__VT_STORE(W, STORE)                                                                                    \
    }                                                                                                              \
    RNN__NOINLINE __attribute__((unused)) void rnn__vt_full2(dmd_num *acc, ptrdiff_t cs, const dmd_num *ini, ptrdiff_t inis, \
                                     const dmd_num *A, ptrdiff_t ars, ptrdiff_t aks, const dmd_num *U,             \
                                     ptrdiff_t uks, int nk, const dmd_num *A2, ptrdiff_t ars2, ptrdiff_t aks2,     \
                                     const dmd_num *U2, ptrdiff_t uks2, int nk2)                                   \
    {                                                                                                              \
        RNN__VT_INIT(VEC, W, LOAD, ZERO)                                                                           \
        RNN__VT_KLOOP(VEC, W, LOAD, BCAST, VFMA, A, ars, aks, U, uks, nk)                                          \
        RNN__VT_KLOOP(VEC, W, LOAD, BCAST, VFMA, A2, ars2, aks2, U2, uks2, nk2)                                    \
        RNN__VT_STORE(W, STORE)                                                                                    \
    }
#if defined(DMD_FLOAT32) && RNN_VW == 16
RNN__VT_FULL(__m512, 16, _mm512_loadu_ps, _mm512_storeu_ps, RNN__BC512, _mm512_fmadd_ps, _mm512_setzero_ps)
#elif defined(DMD_FLOAT32)
RNN__VT_FULL(__m256, 8, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_broadcast_ss, _mm256_fmadd_ps, _mm256_setzero_ps)
#elif RNN_VW == 8
RNN__VT_FULL(__m512d, 8, _mm512_loadu_pd, _mm512_storeu_pd, RNN__BC512, _mm512_fmadd_pd, _mm512_setzero_pd)
#else
RNN__VT_FULL(__m256d, 4, _mm256_loadu_pd, _mm256_storeu_pd, _mm256_broadcast_sd, _mm256_fmadd_pd, _mm256_setzero_pd)
#endif

/* vn is a power of two <= TC (RNN_TILES): the widest vector width <= vn
 * divides it. */
RNN_INLINE void rnn_vtile_fma(tile_t acc, int rn, int vn, const dmd_num *A, ptrdiff_t ars, ptrdiff_t aks,
                              const dmd_num *U, ptrdiff_t uks, int nk)
{
    if (rn == TR && vn == TC) {
        rnn__vt_full(acc[0], TC, acc[0], TC, A, ars, aks, U, uks, nk);
        return;
    }
#if RNN_VW == 16
    if (vn >= 16) {
        rnn__vt16(acc, rn, vn / 16, A, ars, aks, U, uks, nk);
        return;
    }
#endif
#if RNN_VW >= 8
    if (vn >= 8) {
        rnn__vt8(acc, rn, vn / 8, A, ars, aks, U, uks, nk);
        return;
    }
#endif
    if (vn >= 4)
        rnn__vt4(acc, rn, vn / 4, A, ars, aks, U, uks, nk);
    else if (vn >= 2)
        rnn__vt2(acc, rn, vn / 2, A, ars, aks, U, uks, nk);
    else
        rnn__vt1(acc, rn, 1, A, ars, aks, U, uks, nk);
}
#endif /* RNN_VEC_TILE */

#if defined(RNN_VEC_TILE) && !defined(DMD_FLOAT32)
/* Rows x0..x3 of a 4 x 4 block stored transposed: d[c*ds + r] = x_r[c]
 * (unpack, then swap 128-bit halves). */
RNN_INLINE void rnn__store4x4T(__m256d x0, __m256d x1, __m256d x2, __m256d x3, double *d, ptrdiff_t ds)
{
    __m256d t0 = _mm256_unpacklo_pd(x0, x1), t1 = _mm256_unpackhi_pd(x0, x1);
    __m256d t2 = _mm256_unpacklo_pd(x2, x3), t3 = _mm256_unpackhi_pd(x2, x3);
    _mm256_storeu_pd(d, _mm256_permute2f128_pd(t0, t2, 0x20));
    _mm256_storeu_pd(d + ds, _mm256_permute2f128_pd(t1, t3, 0x20));
    _mm256_storeu_pd(d + 2 * ds, _mm256_permute2f128_pd(t0, t2, 0x31));
    _mm256_storeu_pd(d + 3 * ds, _mm256_permute2f128_pd(t1, t3, 0x31));
}
/* dst[c*ds + r] = src[r*ss + c] for r < rows, c < cols (float64): 4 x 4
 * blocks in ymm registers (unpack, then swap 128-bit halves), the edges one
 * element at a time.  Copies only: no value changes.  The plain forward
 * passes use it where the instrumented build stores element by element
 * (rnn_kernel.c "Plain-build passes"). */
RNN__NOINLINE void rnn_vtranspose(const double *src, int rows, int cols, ptrdiff_t ss, double *dst, ptrdiff_t ds)
{
    const int r4 = rows - rows % 4, c4 = cols - cols % 4;
    for (int r0 = 0; r0 < r4; r0 += 4)
        for (int c0 = 0; c0 < c4; c0 += 4) {
            const double *s = src + r0 * ss + c0;
            rnn__store4x4T(_mm256_loadu_pd(s), _mm256_loadu_pd(s + ss), _mm256_loadu_pd(s + 2 * ss),
                           _mm256_loadu_pd(s + 3 * ss), dst + c0 * ds + r0, ds);
        }
    for (int r = 0; r < rows; r++) /* rows below r4: the columns from c4; rows from r4: all */
        for (int c = r < r4 ? c4 : 0; c < cols; c++) dst[c * ds + r] = src[r * ss + c];
}
#endif

#if defined(RNN_VEC_TILE) && !defined(DMD_FLOAT32)
/* dz = dh * phi'(h) (rows x cols, row stride cols) and dzT = dz transposed
 * (cols x rows), in one pass: 4 x 4 blocks in ymm registers, the edges one
 * element at a time.  phi' is DMD_DTANH (1 - h*h) or DMD_DRELU (h > 0 ? 1 :
 * 0, multiplied like any factor), the product dh * phi' as dmd.h's MUL:
 * the values of rnn_kernel.c's per-element loop.  db (NULL: none) also
 * takes the column sums, db[c] += dz[r][c] for r = 0, 1, ... in order (from
 * 0 when first): the chains of rnn_kernel.c's db_h loop. */
RNN__NOINLINE void rnn_vdz_pack(int relu, const double *dh, const double *h, int rows, int cols, double *dz,
                                double *dzT, double *db, int first)
{
    const int r4 = rows - rows % 4, c4 = cols - cols % 4;
    const __m256d one = _mm256_set1_pd(1.0), zero = _mm256_setzero_pd();
    if (db && first)
        for (int c = 0; c < cols; c++) db[c] = 0.0;
    for (int r0 = 0; r0 < r4; r0 += 4)
        for (int c0 = 0; c0 < c4; c0 += 4) {
            __m256d x[4];
            for (int k = 0; k < 4; k++) {
                const ptrdiff_t o = (ptrdiff_t)(r0 + k) * cols + c0;
                __m256d y = _mm256_loadu_pd(h + o);
                __m256d d = relu ? _mm256_and_pd(_mm256_cmp_pd(y, zero, _CMP_GT_OQ), one)
                                 : _mm256_sub_pd(one, _mm256_mul_pd(y, y));
                x[k] = _mm256_mul_pd(_mm256_loadu_pd(dh + o), d);
                _mm256_storeu_pd(dz + o, x[k]);
            }
            rnn__store4x4T(x[0], x[1], x[2], x[3], dzT + (ptrdiff_t)c0 * rows + r0, rows);
            if (db) {
                __m256d a = _mm256_loadu_pd(db + c0);
                for (int k = 0; k < 4; k++) a = _mm256_add_pd(a, x[k]);
                _mm256_storeu_pd(db + c0, a);
            }
        }
    for (int r = 0; r < rows; r++) /* rows below r4: the columns from c4; rows from r4: all */
        for (int c = r < r4 ? c4 : 0; c < cols; c++) {
            const ptrdiff_t o = (ptrdiff_t)r * cols + c;
            const double y = h[o];
            const double v = dh[o] * (relu ? (y > 0 ? 1.0 : 0.0) : 1.0 - y * y);
            dz[o] = v;
            dzT[(ptrdiff_t)c * rows + r] = v;
            if (db) db[c] += v;
        }
}
#endif

#ifndef DMD_INSTRUMENT
/* Rows of a tall edge strip: 8, or 4 when a row of vn columns needs two or
 * more of the widest vectors (AVX2 float64, vn = 8: 4 x 2 ymm). */
#ifdef RNN_VW
#define RNN_RE(vn) ((vn) >= 2 * RNN_VW ? 4 : 8)
#else
#define RNN_RE(vn) 4
#endif
#define RNN__TILE(RN, VN, BODY)                                                                                    \
    do {                                                                                                           \
        const int rn = (RN), vn = (VN);                                                                            \
        BODY;                                                                                                      \
    } while (0)
/* rows [rb, re) in blocks of RB, then 4, 2, 1 (below RB), at columns c0 */
#define RNN__ROWS(rb, re, RB, VN, BODY)                                                                            \
    for (int r0 = (rb); r0 < (re);) {                                                                              \
        const int rr_ = (re)-r0;                                                                                   \
        if (rr_ >= (RB)) {                                                                                         \
            RNN__TILE(RB, VN, BODY);                                                                               \
            r0 += (RB);                                                                                            \
        } else if ((RB) > 4 && rr_ >= 4) {                                                                         \
            RNN__TILE(4, VN, BODY);                                                                                \
            r0 += 4;                                                                                               \
        } else if ((RB) > 2 && rr_ >= 2) {                                                                         \
            RNN__TILE(2, VN, BODY);                                                                                \
            r0 += 2;                                                                                               \
        } else {                                                                                                   \
            RNN__TILE(1, VN, BODY);                                                                                \
            r0 += 1;                                                                                               \
        }                                                                                                          \
    }
#define RNN_TILES(rows, cols, BODY)                                                                                \
    do {                                                                                                           \
        const int rows_ = (rows), cols_ = (cols);                                                                  \
        const int rm_ = rows_ - rows_ % TR, cm_ = cols_ - cols_ % TC;                                              \
        for (int r0 = 0; r0 < rm_; r0 += TR)                                                                       \
            for (int c0 = 0; c0 < cm_; c0 += TC) RNN__TILE(TR, TC, BODY);                                          \
        for (int c0 = 0; c0 < cm_ && rm_ < rows_; c0 += TC) RNN__ROWS(rm_, rows_, TR, TC, BODY);                   \
        for (int c0 = cm_; c0 < cols_;) {                                                                          \
            const int cr_ = cols_ - c0;                                                                            \
            if (cr_ >= 8) {                                                                                        \
                RNN__ROWS(0, rows_, RNN_RE(8), 8, BODY);                                                           \
                c0 += 8;                                                                                           \
            } else if (cr_ >= 4) {                                                                                 \
                RNN__ROWS(0, rows_, RNN_RE(4), 4, BODY);                                                           \
                c0 += 4;                                                                                           \
            } else if (cr_ >= 2) {                                                                                 \
                RNN__ROWS(0, rows_, RNN_RE(2), 2, BODY);                                                           \
                c0 += 2;                                                                                           \
            } else {                                                                                               \
                RNN__ROWS(0, rows_, RNN_RE(1), 1, BODY);                                                           \
                c0 += 1;                                                                                           \
            }                                                                                                      \
        }                                                                                                          \
    } while (0)
#endif /* !DMD_INSTRUMENT */

#endif
