/*
 * test_tasks.c -- the task generators of core/tasks.c against the
 * definitions in docs/tasks.md: layout of every timestep, cued positions in
 * their windows, targets recomputed from x here, one-hot rows, fixed
 * randomness consumption, chance baselines estimated from large batches,
 * the validity check, names and thresholds.
 */
#include "check.h"
#include "tasks.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Decode a one-hot row: the hot channel, or -1 if the row is not exactly
 * one 1.0 among zeros. */
static int onehot(const double *row, int n)
{
    int hot = -1;
    for (int c = 0; c < n; c++) {
        if (row[c] == 1.0 && hot < 0)
            hot = c;
        else if (row[c] != 0.0)
            return -1;
    }
    return hot;
}

/* Decode a temporal_order_dense row: the symbol k whose code (channels
 * k, k+1, k+3 mod 6, written out here from docs/tasks.md) the row is, or -1. */
static int dense_symbol(const double *row)
{
    static const char *codes[6] = {"110100", "011010", "001101", "100110", "010011", "101001"};
    for (int k = 0; k < 6; k++) {
        int ok = 1;
        for (int c = 0; c < 6; c++)
            ok &= row[c] == (codes[k][c] == '1' ? 1.0 : 0.0);
        if (ok)
            return k;
    }
    return -1;
}

/* multiplication's shortest length for an input of T steps, from its
 * definition: the largest T0 with T0 + floor(T0/10) <= T */
static int mult_T0(int T)
{
    int T0 = T;
    while (T0 + T0 / 10 > T)
        T0--;
    return T0;
}

typedef struct {
    task_id t;
    int T, B, I, K;
    const double *x; /* (B, T, I) */
    const double *y; /* (B, K) */
    const int *lab;  /* (B, K) */
    /* what the checker saw, for coverage checks */
    long pos_hits[2][4096]; /* cued position counts (first, second cue) */
} batch_view;

/* Check one sample against the task definition; returns the number of
 * problems (each printed, up to a limit). */
static int check_sample(batch_view *v, int b)
{
    const int T = v->T, I = v->I;
    const double *xs = v->x + (size_t)b * T * I; /* (T, I) */
    int bad = 0;
#define BAD(...)                                                                                   \
    do {                                                                                           \
        if (check_failures < 20)                                                                   \
            CHECK(0, __VA_ARGS__);                                                                 \
        else                                                                                       \
            check_failures++;                                                                      \
        bad++;                                                                                     \
    } while (0)
    switch (v->t) {
    case TASK_ADDITION:
    case TASK_XOR: {
        int m[3], nm = 0;
        for (int s = 0; s < T; s++) {
            double val = xs[2 * s], mk = xs[2 * s + 1];
            if (v->t == TASK_XOR ? (val != 0.0 && val != 1.0) : !(val >= 0.0 && val < 1.0))
                BAD("%s T=%d b=%d t=%d value %g out of its set", task_get(v->t)->name, T, b, s, val);
            if (mk == 1.0) {
                if (nm < 3)
                    m[nm] = s;
                nm++;
            } else if (mk != 0.0)
                BAD("marker channel %g at t=%d", mk, s);
        }
        if (nm != 2) {
            BAD("%s T=%d b=%d: %d markers, want 2", task_get(v->t)->name, T, b, nm);
            break;
        }
        /* first in [0, floor(T/2)), second in [floor(T/2), T) */
        if (!(m[0] < T / 2 && m[1] >= T / 2))
            BAD("%s T=%d: markers at %d, %d outside first/second half", task_get(v->t)->name, T,
                m[0], m[1]);
        v->pos_hits[0][m[0] % 4096]++;
        v->pos_hits[1][m[1] % 4096]++;
        double a = xs[2 * m[0]], c = xs[2 * m[1]];
        if (v->t == TASK_ADDITION && v->y[b] != a + c)
            BAD("addition target %.17g != %.17g + %.17g", v->y[b], a, c);
        if (v->t == TASK_XOR && v->lab[b] != ((a == 1.0) != (c == 1.0)))
            BAD("xor label %d for bits %g, %g", v->lab[b], a, c);
        break;
    }
    case TASK_MULTIPLICATION: {
        /* H&S 1997 exp. 5: a right-aligned sequence of length L in
         * [T0, T0 + T0/10] after (0, 0) padding; marker -1 on its first and
         * last step, +1 on X1 (relative position 0..9) and X2 (one of the
         * first T0/2 - 1 unmarked pairs, so relative 0 .. T0/2 - 1) */
        const int T0 = mult_T0(T);
        int s0 = 0;
        while (s0 < T && xs[2 * s0 + 1] == 0.0)
            s0++;
        const int L = T - s0;
        if (L < T0 || L > T0 + T0 / 10) {
            BAD("multiplication T=%d b=%d: length %d outside [%d, %d]", T, b, L, T0, T0 + T0 / 10);
            break;
        }
        for (int s = 0; s < s0; s++)
            if (xs[2 * s] != 0.0)
                BAD("multiplication T=%d b=%d t=%d: padding value %g, want 0", T, b, s, xs[2 * s]);
        int m[3], nm = 0;
        for (int s = s0; s < T; s++) {
            double val = xs[2 * s], mk = xs[2 * s + 1];
            int ends = s == s0 || s == T - 1;
            if (mk == 1.0) {
                if (nm < 3)
                    m[nm] = s - s0;
                nm++;
            } else if (!(mk == 0.0 && !ends) && !(mk == -1.0 && ends))
                BAD("multiplication T=%d b=%d t=%d: marker %g", T, b, s, mk);
            int one_ok = s == s0 && mk == 1.0; /* X1 on the first pair: 1.0 */
            if (!(val >= 0.0 && val < 1.0) && !(one_ok && val == 1.0))
                BAD("multiplication T=%d b=%d t=%d: value %g", T, b, s, val);
        }
        if (nm != 2) {
            BAD("multiplication T=%d b=%d: %d +1 markers, want 2", T, b, nm);
            break;
        }
        if (!(m[0] < 10 && m[1] < T0 / 2))
            BAD("multiplication T=%d: markers at relative %d, %d (want one < 10, both < %d)", T,
                m[0], m[1], T0 / 2);
        v->pos_hits[0][m[0] % 4096]++;
        v->pos_hits[1][m[1] % 4096]++;
        double a = xs[2 * (s0 + m[0])], c = xs[2 * (s0 + m[1])];
        if (v->y[b] != a * c)
            BAD("multiplication target %.17g != %.17g * %.17g", v->y[b], a, c);
        break;
    }
    case TASK_TEMPORAL_ORDER:
    case TASK_TEMPORAL_ORDER_DENSE: {
        int cue[3], sym[3], nc = 0, dense = v->t == TASK_TEMPORAL_ORDER_DENSE;
        for (int s = 0; s < T; s++) {
            int h = dense ? dense_symbol(xs + 6 * s) : onehot(xs + 6 * s, 6);
            if (h < 0)
                BAD("temporal_order T=%d b=%d t=%d: row not a symbol code", T, b, s);
            else if (h < 2) {
                if (nc < 3)
                    cue[nc] = s, sym[nc] = h;
                nc++;
            }
        }
        if (nc != 2) {
            BAD("temporal_order T=%d b=%d: %d A/B symbols, want 2", T, b, nc);
            break;
        }
        /* windows 0.1T <= t < 0.2T and 0.5T <= t < 0.6T, in integers */
        if (!(10 * cue[0] >= T && 10 * cue[0] < 2 * T))
            BAD("temporal_order T=%d: first cue at %d not in [0.1T, 0.2T)", T, cue[0]);
        if (!(10 * cue[1] >= 5 * T && 10 * cue[1] < 6 * T))
            BAD("temporal_order T=%d: second cue at %d not in [0.5T, 0.6T)", T, cue[1]);
        v->pos_hits[0][cue[0] % 4096]++;
        v->pos_hits[1][cue[1] % 4096]++;
        if (v->lab[b] != 2 * sym[0] + sym[1])
            BAD("temporal_order label %d for symbols %c%c", v->lab[b], 'A' + sym[0], 'A' + sym[1]);
        break;
    }
    case TASK_3BIT_MEMORIZATION: {
        /* the seed's encoding: 5 one-hot channels, bits 0/1, query 2, noise 3/4 */
        int code = 0;
        for (int s = 0; s < T; s++) {
            int h = onehot(xs + 5 * s, 5);
            int ok = s < 3 ? (h == 0 || h == 1) : s < T - 1 ? (h == 3 || h == 4) : h == 2;
            if (!ok)
                BAD("3bit T=%d b=%d t=%d: symbol %d (row not one-hot: -1); want %s", T, b, s, h,
                    s < 3 ? "a bit 0/1" : s < T - 1 ? "a noise token 3/4" : "the query 2");
            if (s < 3)
                code = 2 * code + (h == 1);
        }
        if (v->lab[b] != code)
            BAD("3bit label %d, bits say %d", v->lab[b], code);
        break;
    }
    case TASK_NOISELESS_MEMORIZATION:
    case TASK_NOISELESS_MEMORIZATION_20: {
        /* M&S 2011 / raw_mem: N symbols of A, blank, trigger at T-N-1, blank
         * while recalling; a target at every step: blank class A, then the
         * symbols */
        const int N = v->t == TASK_NOISELESS_MEMORIZATION ? 5 : 10;
        const int A = v->t == TASK_NOISELESS_MEMORIZATION ? 2 : 5;
        const int *lab = v->lab + (size_t)b * T;
        for (int s = 0; s < T; s++) {
            int h = onehot(xs + (size_t)I * s, I);
            int ok = s < N ? (h >= 0 && h < A) : s == T - N - 1 ? h == A : h == A + 1;
            if (!ok)
                BAD("%s T=%d b=%d t=%d: symbol %d", task_get(v->t)->name, T, b, s, h);
            int want = s < T - N ? A : onehot(xs + (size_t)I * (s - (T - N)), I);
            if (lab[s] != want)
                BAD("%s T=%d b=%d t=%d: target %d, want %d", task_get(v->t)->name, T, b, s, lab[s],
                    want);
        }
        break;
    }
    case TASK_RANDOM_PERMUTATION: {
        int first = onehot(xs, 100);
        if (first != 0 && first != 1)
            BAD("random_permutation T=%d b=%d: first symbol %d, want 0 or 1", T, b, first);
        for (int s = 1; s < T; s++) {
            int h = onehot(xs + (size_t)100 * s, 100);
            if (h < 2)
                BAD("random_permutation T=%d b=%d t=%d: symbol %d, want 2..99", T, b, s, h);
        }
        if (v->lab[b] != first)
            BAD("random_permutation label %d, first symbol %d", v->lab[b], first);
        break;
    }
    default:
        BAD("unknown task %d", (int)v->t);
    }
#undef BAD
    return bad;
}

/* 64-bit draws per sample that docs/tasks.md promises */
static long draws_per_sample(task_id t, int T)
{
    switch (t) {
    case TASK_ADDITION:
    case TASK_XOR:
        return T + 2;
    case TASK_MULTIPLICATION:
        return T + 3;
    case TASK_TEMPORAL_ORDER:
    case TASK_TEMPORAL_ORDER_DENSE:
        return T + 4;
    case TASK_3BIT_MEMORIZATION:
        return T - 1;
    case TASK_NOISELESS_MEMORIZATION:
        return 5;
    case TASK_NOISELESS_MEMORIZATION_20:
        return 10;
    case TASK_RANDOM_PERMUTATION:
        return T;
    default:
        return -1;
    }
}

typedef struct {
    double *x;
    double *y;
    int *lab;
} batch_buf;

static batch_buf gen(task_id t, int T, int B, rng_t *r, int poison)
{
    const task_info *ti = task_get(t);
    int K = task_out_steps(t, T);
    size_t nx = (size_t)B * T * ti->input_dim;
    batch_buf bb = {malloc(nx * sizeof(double)), malloc((size_t)B * K * sizeof(double)),
                    malloc((size_t)B * K * sizeof(int))};
    if (!bb.x || !bb.y || !bb.lab) {
        fprintf(stderr, "test_tasks: out of memory for %s T=%d B=%d\n", ti->name, T, B);
        exit(2);
    }
    if (poison) /* task_batch must overwrite every element */
        for (size_t i = 0; i < nx; i++)
            bb.x[i] = NAN;
    task_batch(t, T, B, r, bb.x, ti->regression ? bb.y : NULL, ti->regression ? NULL : bb.lab);
    return bb;
}

static void batch_free(batch_buf *bb)
{
    free(bb->x);
    free(bb->y);
    free(bb->lab);
}

/* Layout, targets, consumption and coverage for one (task, T). */
static void check_task_at(task_id t, int T, int B)
{
    static batch_view v;
    const task_info *ti = task_get(t);
    rng_t r, c;
    rng_seed(&r, 1000 + (uint64_t)t * 7919 + (uint64_t)T);
    c = r;
    batch_buf bb = gen(t, T, B, &r, 1);

    /* fixed consumption: the stream moved by exactly B * draws_per_sample */
    long nd = (long)B * draws_per_sample(t, T);
    for (long i = 0; i < nd; i++)
        rng_next(&c);
    CHECK(memcmp(&c, &r, sizeof c) == 0, "%s T=%d: stream did not advance by %ld draws", ti->name,
          T, nd);

    memset(&v, 0, sizeof v);
    v.t = t, v.T = T, v.B = B, v.I = ti->input_dim, v.K = task_out_steps(t, T);
    v.x = bb.x, v.y = bb.y, v.lab = bb.lab;
    int bad = 0;
    for (int b = 0; b < B; b++)
        bad += check_sample(&v, b);

    /* labels in range */
    if (!ti->regression)
        for (long i = 0; i < (long)B * v.K; i++)
            if (bb.lab[i] < 0 || bb.lab[i] >= ti->output_dim) {
                CHECK(0, "%s: label %d outside [0, %d)", ti->name, bb.lab[i], ti->output_dim);
                bad++;
                break;
            }

    /* coverage: when B is large against the window, every admissible cued
     * position occurs (first/second half; the temporal-order windows) */
    int to = t == TASK_TEMPORAL_ORDER || t == TASK_TEMPORAL_ORDER_DENSE;
    if (T <= 200 && (t == TASK_ADDITION || t == TASK_XOR || to)) {
        int lo0, hi0, lo1, hi1;
        if (to)
            lo0 = (T + 9) / 10, hi0 = (2 * T + 9) / 10, lo1 = (5 * T + 9) / 10, hi1 = (6 * T + 9) / 10;
        else
            lo0 = 0, hi0 = T / 2, lo1 = T / 2, hi1 = T;
        if ((long)B >= 50L * (hi1 - lo1) && B >= 50L * (hi0 - lo0)) {
            int miss = 0;
            for (int p = lo0; p < hi0; p++)
                miss += v.pos_hits[0][p] == 0;
            for (int p = lo1; p < hi1; p++)
                miss += v.pos_hits[1][p] == 0;
            CHECK(miss == 0, "%s T=%d: %d admissible cue positions never drawn in %d samples",
                  ti->name, T, miss, B);
        }
    }
    printf("%-4s %-22s T=%-5d K=%d B=%-5d %ld draws, %d problems\n", bad ? "FAIL" : "ok", ti->name,
           T, v.K, B, nd, bad);

    /* same seed -> bit-identical batch */
    rng_seed(&r, 1000 + (uint64_t)t * 7919 + (uint64_t)T);
    batch_buf again = gen(t, T, B, &r, 0);
    size_t nx = (size_t)B * T * ti->input_dim;
    int same = memcmp(again.x, bb.x, nx * sizeof(double)) == 0;
    if (ti->regression)
        same &= memcmp(again.y, bb.y, (size_t)B * v.K * sizeof(double)) == 0;
    else
        same &= memcmp(again.lab, bb.lab, (size_t)B * v.K * sizeof(int)) == 0;
    CHECK(same, "%s T=%d: same seed gave a different batch", ti->name, T);
    batch_free(&again);
    batch_free(&bb);
}

/* 3bit_memorization's distribution, against the seed's definition, on many
 * sequences: every bit position and the label uniform, the noise tokens 3/4
 * with probability 1/2 at every noise step (overall and per timestep),
 * independent of the neighbouring token and of the label.  A frequency p
 * from n trials has standard error sqrt(p(1-p)/n); each check allows 5 s.e.
 * (a false alarm once in ~1.7 million per check; the ~70 checks here fail by
 * chance with probability < 1e-4). */
static void check_3bit_stats(void)
{
    enum { T = 60, B = 20000, I = 5 };
    rng_t r;
    rng_seed(&r, 77);
    batch_buf bb = gen(TASK_3BIT_MEMORIZATION, T, B, &r, 0);
    static long tok3_at[T], bit1_at[3], label_n[8], tok3_given_label[8], same_next, pairs, tok3;
    memset(tok3_at, 0, sizeof tok3_at);
    long query_last = 0, rows_onehot = 0;
    for (int b = 0; b < B; b++) {
        const double *xs = bb.x + (size_t)b * T * I;
        int code = 0, prev = -1;
        for (int s = 0; s < T; s++) {
            int h = onehot(xs + I * s, I);
            rows_onehot += h >= 0;
            if (s < 3) {
                bit1_at[s] += h == 1;
                code = 2 * code + (h == 1);
            } else if (s < T - 1) {
                tok3_at[s] += h == 3;
                tok3 += h == 3;
                if (prev >= 0) {
                    same_next += h == prev;
                    pairs++;
                }
                prev = h;
            } else {
                query_last += h == 2;
            }
        }
        CHECK(bb.lab[b] == code, "3bit stats: label %d, bits say %d", bb.lab[b], code);
        label_n[code]++;
        for (int s = 3; s < T - 1; s++)
            tok3_given_label[code] += onehot(xs + I * s, I) == 3;
    }
    batch_free(&bb);
    check_close("3bit T=60: rows that are one-hot (of B*T)", (double)rows_onehot, (double)B * T, 0);
    check_close("3bit T=60: query token (channel 2) at t = T-1 (of B)", (double)query_last, B, 0);
    const long nn = (long)B * (T - 4); /* noise steps */
    check_stat("3bit T=60: P(noise token = 3), all noise steps", (double)tok3 / nn, 0.5,
               sqrt(0.25 / nn), 5);
    double worst_z = 0;
    int worst_t = -1;
    for (int s = 3; s < T - 1; s++) {
        double z = fabs((double)tok3_at[s] / B - 0.5) / sqrt(0.25 / B);
        if (z > worst_z)
            worst_z = z, worst_t = s;
    }
    char what[96];
    snprintf(what, sizeof what, "3bit T=60: P(token 3) per timestep, worst (t=%d)", worst_t);
    check_stat(what, (double)tok3_at[worst_t] / B, 0.5, sqrt(0.25 / B), 5);
    check_stat("3bit T=60: P(next noise token = this one) (independence)",
               (double)same_next / pairs, 0.5, sqrt(0.25 / pairs), 5);
    for (int s = 0; s < 3; s++) {
        snprintf(what, sizeof what, "3bit T=60: P(bit %d = 1)", s);
        check_stat(what, (double)bit1_at[s] / B, 0.5, sqrt(0.25 / B), 5);
    }
    for (int c = 0; c < 8; c++) {
        snprintf(what, sizeof what, "3bit T=60: P(label = %d)", c);
        check_stat(what, (double)label_n[c] / B, 0.125, sqrt(0.125 * 0.875 / B), 5);
        long n = label_n[c] * (T - 4);
        snprintf(what, sizeof what, "3bit T=60: P(token 3 | label = %d)", c);
        check_stat(what, (double)tok3_given_label[c] / n, 0.5, sqrt(0.25 / n), 5);
    }
}

/* multiplication's distribution at T = 60 (T0 = 55, lengths 55..60) on
 * 20,000 sequences: every length with probability 1/6; the first pair
 * marked with probability 1/10 (X1) + 9/10 * 1/26 (X2: one of T0/2 - 1 = 26
 * unmarked pairs) and its value 1.0 with probability 1/10 (the X1 rule);
 * both markers in the first ten pairs with probability 9/26; the target's
 * mean 11/40.  5 standard errors each. */
static void check_mult_stats(void)
{
    enum { T = 60, B = 20000 };
    rng_t r;
    rng_seed(&r, 78);
    batch_buf bb = gen(TASK_MULTIPLICATION, T, B, &r, 0);
    long len_n[T + 1] = {0}, first_marked = 0, first_one = 0, both_early = 0;
    double ysum = 0, ysq = 0;
    for (int b = 0; b < B; b++) {
        const double *xs = bb.x + (size_t)b * T * 2;
        int s0 = 0;
        while (s0 < T - 1 && xs[2 * s0 + 1] == 0.0)
            s0++;
        len_n[T - s0]++;
        first_marked += xs[2 * s0 + 1] == 1.0;
        first_one += xs[2 * s0 + 1] == 1.0 && xs[2 * s0] == 1.0;
        int last = -1;
        for (int s = s0; s < T; s++)
            if (xs[2 * s + 1] == 1.0)
                last = s - s0;
        both_early += last < 10;
        ysum += bb.y[b];
        ysq += bb.y[b] * bb.y[b];
    }
    batch_free(&bb);
    char what[96];
    for (int L = 55; L <= 60; L++) {
        snprintf(what, sizeof what, "multiplication T=60: P(length = %d)", L);
        check_stat(what, (double)len_n[L] / B, 1.0 / 6, sqrt((1.0 / 6) * (5.0 / 6) / B), 5);
    }
    double p = 0.1 + 0.9 / 26;
    check_stat("multiplication T=60: P(first pair marked)", (double)first_marked / B, p,
               sqrt(p * (1 - p) / B), 5);
    check_stat("multiplication T=60: P(first pair marked, value 1.0)", (double)first_one / B, 0.1,
               sqrt(0.09 / B), 5);
    p = 9.0 / 26;
    check_stat("multiplication T=60: P(both markers in the first ten pairs)",
               (double)both_early / B, p, sqrt(p * (1 - p) / B), 5);
    double mean = ysum / B, var = ysq / B - mean * mean;
    check_stat("multiplication T=60: mean target X1*X2", mean, 11.0 / 40, sqrt(var / B), 5);
}

/* Chance baselines: estimate from a large batch, compare with task_chance
 * (analytic) and with the seed experiment's figures. */
static void check_chance(void)
{
    rng_t r;
    rng_seed(&r, 2024);
    const int B = 200000;

    /* regression: 0.5 * (sample variance of y) is the MSE of predicting the
     * mean.  Its standard error: 0.5 * sqrt((m4 - var^2) / B). */
    const task_id reg[2] = {TASK_ADDITION, TASK_MULTIPLICATION};
    for (int k = 0; k < 2; k++) {
        /* generated in chunks of C samples to keep memory small */
        const int C = 1000;
        double *y = malloc((size_t)B * sizeof *y);
        CHECK(y != NULL, "out of memory");
        if (!y)
            return;
        for (int b0 = 0; b0 < B; b0 += C) {
            batch_buf bb = gen(reg[k], 30, C, &r, 0);
            memcpy(y + b0, bb.y, (size_t)C * sizeof *y);
            batch_free(&bb);
        }
        double mean = 0, m2 = 0, m4 = 0;
        for (int b = 0; b < B; b++)
            mean += y[b];
        mean /= B;
        for (int b = 0; b < B; b++) {
            double d = y[b] - mean;
            m2 += d * d;
            m4 += d * d * d * d;
        }
        m2 /= B;
        m4 /= B;
        free(y);
        double est = 0.5 * m2, se = 0.5 * sqrt((m4 - m2 * m2) / B);
        char what[96];
        snprintf(what, sizeof what, "%s T=30 chance MSE-to-mean, empirical (B=%d)",
                 task_get(reg[k])->name, B);
        check_stat(what, est, task_chance(reg[k], 30), se, 5);
        if (reg[k] == TASK_ADDITION) {
            check_close("addition chance analytic 0.5*Var(U+U) = 1/12", task_chance(reg[k], 30),
                        1.0 / 12, 1e-15);
            /* The seed's 0.087 is itself an empirical estimate; 1/12 is within
             * one standard error of an estimate from ~800 samples
             * (se = (1/12) sqrt(1.4/N) for the triangular sum) and within 3
             * s.e. of one from ~6000.  It must not be off by more. */
            double se_seed = (1.0 / 12) * sqrt(1.4 / 6000);
            check_stat("addition chance vs seed's 0.087 (3 s.e. at N=6000)", task_chance(reg[k], 30),
                       0.087, se_seed, 3);
        } else {
            /* X1 = 1 w.p. 1/10, else U; X2 = U: E[Y] = 0.1/2 + 0.9/4 = 11/40,
             * E[Y^2] = 0.1/3 + 0.9/9 = 2/15; 0.5 (2/15 - 121/1600) = 277/9600 */
            check_close("multiplication chance analytic 277/9600", task_chance(reg[k], 30),
                        277.0 / 9600, 1e-15);
        }
    }

    /* classification: frequency of the most frequent class (per output
     * step) against 1/#classes; se of a frequency sqrt(p(1-p)/n).  The max
     * over C classes is biased upward by up to ~sqrt(2 ln C) s.e.; allow 5. */
    const struct {
        task_id t;
        int T;
        double seed_value; /* the seed's chance figure, or -1 */
        int classes;       /* classes that actually occur */
    } cls[] = {
        {TASK_XOR, 30, -1, 2},
        {TASK_TEMPORAL_ORDER, 60, 0.25, 4},
        {TASK_TEMPORAL_ORDER_DENSE, 60, 0.25, 4},
        {TASK_3BIT_MEMORIZATION, 60, 0.125, 8},
        {TASK_NOISELESS_MEMORIZATION, 30, -1, 2},
        {TASK_RANDOM_PERMUTATION, 30, -1, 2},
        {TASK_NOISELESS_MEMORIZATION_20, 30, -1, 5},
    };
    for (size_t k = 0; k < sizeof cls / sizeof *cls; k++) {
        task_id t = cls[k].t;
        int T = cls[k].T;
        const int Bc = 100000, C = 500; /* samples, chunk */
        const task_info *ti = task_get(t);
        /* the metric's steps: the last KM of the K target steps */
        int K = task_out_steps(t, T), KM = task_metric_steps(t, T);
        static long count[16][100]; /* (KM, O) */
        memset(count, 0, sizeof count);
        for (int b0 = 0; b0 < Bc; b0 += C) {
            batch_buf bb = gen(t, T, C, &r, 0);
            for (int b = 0; b < C; b++)
                for (int j = 0; j < KM; j++)
                    count[j][bb.lab[(size_t)b * K + K - KM + j]]++;
            batch_free(&bb);
        }
        double worst_freq = 0;
        for (int j = 0; j < KM; j++)
            for (int c = 0; c < ti->output_dim; c++) {
                double f = (double)count[j][c] / Bc;
                if (f > worst_freq)
                    worst_freq = f;
            }
        double p = 1.0 / cls[k].classes;
        char what[96];
        snprintf(what, sizeof what, "%s T=%d majority-class frequency (B=%d, K=%d)", ti->name, T,
                 Bc, K);
        check_stat(what, worst_freq, task_chance(t, T), sqrt(p * (1 - p) / Bc), 5);
        snprintf(what, sizeof what, "%s chance analytic = 1/%d", ti->name, cls[k].classes);
        check_close(what, task_chance(t, T), p, 1e-15);
        if (cls[k].seed_value > 0) {
            snprintf(what, sizeof what, "%s chance = seed's figure", ti->name);
            check_close(what, task_chance(t, T), cls[k].seed_value, 1e-15);
        }
    }
}

/* task_batch aborts (after one line on stderr) on what task_valid rejects */
static int aborts_on(task_id t, int T, int B)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stderr))
            _exit(3);
        rng_t r;
        rng_seed(&r, 1);
        static double x[1 << 16];
        static double y[64];
        static int lab[64];
        task_batch(t, T, B, &r, x, y, lab);
        _exit(0);
    }
    int st = 0;
    if (waitpid(pid, &st, 0) < 0)
        return -1;
    return WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT;
}

/* temporal_order_dense is temporal_order re-coded: from one stream state
 * both present the same symbol at every step and the same labels, and leave
 * the stream at the same place. */
static void check_dense_pairs(void)
{
    const int T = 60, B = 500;
    rng_t r1, r2;
    rng_seed(&r1, 4242);
    r2 = r1;
    batch_buf a = gen(TASK_TEMPORAL_ORDER, T, B, &r1, 0);
    batch_buf d = gen(TASK_TEMPORAL_ORDER_DENSE, T, B, &r2, 0);
    long diff = 0, exclusive = 0;
    for (long i = 0; i < (long)B * T; i++) {
        int k = onehot(a.x + 6 * i, 6);
        diff += k < 0 || k != dense_symbol(d.x + 6 * i);
        /* channels 0 and 1 (A's and B's one-hot channels) fire at distractor steps too */
        exclusive += k >= 2 && (d.x[6 * i] != 0 || d.x[6 * i + 1] != 0);
    }
    for (int b = 0; b < B; b++)
        diff += a.lab[b] != d.lab[b];
    CHECK(diff == 0, "temporal_order_dense: %ld steps or labels differ from temporal_order", diff);
    CHECK(memcmp(&r1, &r2, sizeof r1) == 0, "temporal_order_dense: stream position differs");
    CHECK(exclusive > (long)B * T / 2, "temporal_order_dense: channels 0/1 on at only %ld distractor steps",
          exclusive);
    batch_free(&a);
    batch_free(&d);
    printf("%-4s %-58s\n", check_failures ? "?" : "ok", "temporal_order_dense = temporal_order re-coded");
}

static void check_validity_and_names(void)
{
    int bad = 0;
    for (int t = 0; t < TASK_COUNT; t++) {
        const task_info *ti = task_get((task_id)t);
        CHECK(ti != NULL, "task_get(%d) is NULL", t);
        if (!ti)
            continue;
        bad += !task_valid((task_id)t, ti->min_T);
        bad += task_valid((task_id)t, ti->min_T - 1);
        bad += task_valid((task_id)t, 0);
        bad += task_valid((task_id)t, -5);
        bad += !task_valid((task_id)t, TASK_MAX_T);
        bad += task_valid((task_id)t, TASK_MAX_T + 1);
        CHECK(task_parse(ti->name) == t, "task_parse(\"%s\") != %d", ti->name, t);
        const char *names = task_names(), *p = strstr(names, ti->name);
        size_t len = strlen(ti->name);
        CHECK(p && (p == names || p[-1] == ',') && (p[len] == ',' || p[len] == 0),
              "task_names() lacks %s", ti->name);
        CHECK(ti->output_dim >= 1 && ti->input_dim >= 1, "%s: zero width", ti->name);
        CHECK(ti->regression ? (ti->output_dim == 1 && strcmp(ti->metric, "mse") == 0 &&
                                !ti->higher_is_better)
                             : (strcmp(ti->metric, "accuracy") == 0 && ti->higher_is_better),
              "%s: metric fields inconsistent", ti->name);
        /* thresholds sit strictly between chance and perfect */
        double ch = task_chance((task_id)t, 60);
        CHECK(ti->higher_is_better ? (ti->solve_threshold > ch && ti->solve_threshold < 1)
                                   : (ti->solve_threshold < ch && ti->solve_threshold > 0),
              "%s: threshold %g vs chance %g", ti->name, ti->solve_threshold, ch);
        CHECK(!task_solved((task_id)t, ch), "%s: chance counts as solved", ti->name);
        CHECK(!task_solved((task_id)t, NAN), "%s: NaN counts as solved", ti->name);
        CHECK(!task_solved((task_id)t, ti->solve_threshold), "%s: threshold itself solves", ti->name);
        CHECK(task_solved((task_id)t, ti->higher_is_better ? 1.0 : 0.0), "%s: perfect not solved",
              ti->name);
        CHECK(aborts_on((task_id)t, ti->min_T - 1, 2) == 1, "%s: task_batch(T = min_T-1) did not abort",
              ti->name);
    }
    CHECK(bad == 0, "task_valid: %d wrong answers", bad);
    CHECK(!task_valid((task_id)-1, 30) && !task_valid(TASK_COUNT, 30), "task_valid accepts bad ids");
    CHECK(task_get(TASK_COUNT) == NULL && task_get((task_id)-1) == NULL, "task_get on bad ids");
    CHECK(task_parse("nope") == -1 && task_parse("") == -1 && task_parse(NULL) == -1 &&
              task_parse("Addition") == -1 && task_parse("addition ") == -1,
          "task_parse accepts a bad name");
    int commas = 0;
    for (const char *p = task_names(); *p; p++)
        commas += *p == ',';
    CHECK(commas == TASK_COUNT - 1, "task_names has %d entries", commas + 1);
    CHECK(aborts_on(TASK_ADDITION, 30, 0) == 1, "task_batch(B = 0) did not abort");
    CHECK(aborts_on(TASK_COUNT, 30, 1) == 1, "task_batch(bad id) did not abort");
    /* the seed's stated thresholds */
    CHECK(task_get(TASK_ADDITION)->solve_threshold == 0.05 &&
              task_get(TASK_TEMPORAL_ORDER)->solve_threshold == 0.90 &&
              task_get(TASK_3BIT_MEMORIZATION)->solve_threshold == 0.90 &&
              task_get(TASK_XOR)->solve_threshold == 0.95,
          "solve thresholds differ from the seed's");
    CHECK(task_solved(TASK_ADDITION, 0.049) && !task_solved(TASK_ADDITION, 0.051),
          "addition solve test around 0.05");
    CHECK(task_get(TASK_3BIT_MEMORIZATION)->input_dim == 5 &&
              task_get(TASK_3BIT_MEMORIZATION)->output_dim == 8 &&
              task_get(TASK_3BIT_MEMORIZATION)->min_T == 5,
          "3bit_memorization: I, O, min_T are not the seed's 5, 8, 5");
    CHECK(task_out_steps(TASK_NOISELESS_MEMORIZATION, 30) == 30 &&
              task_metric_steps(TASK_NOISELESS_MEMORIZATION, 30) == 5 &&
              task_out_steps(TASK_NOISELESS_MEMORIZATION_20, 40) == 40 &&
              task_metric_steps(TASK_NOISELESS_MEMORIZATION_20, 40) == 10 &&
              task_out_steps(TASK_ADDITION, 30) == 1 && task_metric_steps(TASK_ADDITION, 30) == 1,
          "task_out_steps / task_metric_steps");
    /* the published widths: noiseless 5-bit 2 symbols + trigger + blank in,
     * 3 classes out; 20-bit 5 symbols: 7 in, 6 out */
    CHECK(task_get(TASK_NOISELESS_MEMORIZATION)->input_dim == 4 &&
              task_get(TASK_NOISELESS_MEMORIZATION)->output_dim == 3 &&
              task_get(TASK_NOISELESS_MEMORIZATION_20)->input_dim == 7 &&
              task_get(TASK_NOISELESS_MEMORIZATION_20)->output_dim == 6 &&
              task_get(TASK_NOISELESS_MEMORIZATION)->min_T == 11 &&
              task_get(TASK_NOISELESS_MEMORIZATION_20)->min_T == 21 &&
              task_get(TASK_MULTIPLICATION)->min_T == 24,
          "noiseless / multiplication widths or minimum T");
    for (int T = 24; T <= 300; T++)
        CHECK(task_mult_min_len(T) == mult_T0(T), "task_mult_min_len(%d) = %d, want %d", T,
              task_mult_min_len(T), mult_T0(T));
    printf("%-4s %-58s\n", check_failures ? "?" : "ok", "validity check, names, thresholds, aborts");
}

int main(void)
{
    /* every task at min_T, min_T+1, the seed's lengths and a long T */
    for (int t = 0; t < TASK_COUNT; t++) {
        const task_info *ti = task_get((task_id)t);
        int big = t == TASK_RANDOM_PERMUTATION ? 4 : 16;
        check_task_at((task_id)t, ti->min_T, 2000);
        check_task_at((task_id)t, ti->min_T + 1, 2000);
        check_task_at((task_id)t, 30, 3000);
        check_task_at((task_id)t, 60, 3000);
        check_task_at((task_id)t, 1000, big);
        check_task_at((task_id)t, 4099, 2); /* windows beyond 4096: no coverage map */
    }
    /* temporal_order (both codes) at every T from 10 to 120 (window rounding) */
    for (int T = 10; T <= 120; T++) {
        check_task_at(TASK_TEMPORAL_ORDER, T, 400);
        check_task_at(TASK_TEMPORAL_ORDER_DENSE, T, 400);
    }
    check_dense_pairs();
    check_3bit_stats();
    check_mult_stats();
    check_chance();
    check_validity_and_names();
    return check_exit("test_tasks");
}
