/*
 * test_sweep_floor.c -- the W_hh sweep floor of docs/floors.md (F1),
 * checked by exhaustive search on tiny sizes.
 *
 * The abstract problem the proof uses: N elements of w bytes on an LRU stack
 * (a read costs U((p+1)w) - U(pw) with p elements above, then moves to the
 * top; any initial order); m sweeps, each reading every element once; every
 * read of sweep k+2 after every read of sweep k (the only constraint the
 * proof uses: the dependencies of BPTT imply it); plus one more read of each
 * element anywhere (the update).  Any order of the real step is an order of
 * this problem with extra values on the stack (which only deepen the
 * reads), so the minimum over ALL orders of this problem, found here by
 * dynamic programming over (reads done, stack order), must be at least
 *     ceil(m/2) * U(N w) + (m - ceil(m/2) + 1) * N * U(w),
 * which is (F1) with m = 2(T-1), B = 1.  Prints the minimum and the bound
 * (how tight the bound is).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t U(uint64_t n) /* sum_{k<=n} ceil(sqrt(k)), by counting */
{
    uint64_t s = 0, m = 1;
    for (uint64_t k = 1; k <= n; k++) {
        while (m * m < k) m++;
        s += m;
    }
    return s;
}

static int N, M, W, NS; /* elements, sweeps, bytes, sweeps + 1 (the update) */
static int nperm;
static uint8_t perms[24][8];
static uint32_t *memo; /* [masks][perm] remaining cost + 1, 0 = unknown */

static int perm_index(const uint8_t *p)
{
    for (int i = 0; i < nperm; i++)
        if (memcmp(perms[i], p, (size_t)N) == 0) return i;
    return -1;
}

static void gen_perms(uint8_t *a, int k)
{
    if (k >= N || k >= 8) {
        memcpy(perms[nperm++], a, (size_t)N);
        return;
    }
    for (int v = 0; v < N; v++) {
        int used = 0;
        for (int j = 0; j < k; j++) used |= a[j] == v;
        if (used) continue;
        a[k] = (uint8_t)v;
        gen_perms(a, k + 1);
    }
}

/* masks: NS groups of N bits (bit e of group k: sweep k has read e) */
static uint32_t solve(uint32_t masks, int pi)
{
    const uint32_t full = (1u << N) - 1, all = (uint32_t)((1ull << (N * NS)) - 1);
    if (masks == all) return 0;
    size_t at = (size_t)masks * (size_t)nperm + (size_t)pi;
    if (memo[at]) return memo[at] - 1;
    uint32_t best = UINT32_MAX;
    for (int k = 0; k < NS; k++) {
        uint32_t g = (masks >> (k * N)) & full;
        if (g == full) continue;
        if (k < M && k >= 2 && ((masks >> ((k - 2) * N)) & full) != full) continue; /* sweep k-2 first */
        for (int e = 0; e < N; e++) {
            if (g >> e & 1) continue;
            int p = 0;
            while (perms[pi][p] != e) p++;
            uint32_t c = (uint32_t)(U((uint64_t)(p + 1) * W) - U((uint64_t)p * W));
            uint8_t np[8];
            np[0] = (uint8_t)e;
            for (int j = 0, q = 1; j < N; j++)
                if (perms[pi][j] != e) np[q++] = perms[pi][j];
            uint32_t r = c + solve(masks | (1u << (k * N + e)), perm_index(np));
            if (r < best) best = r;
        }
    }
    memo[at] = best + 1;
    return best;
}

int main(void)
{
    static const int cases[][3] = {{2, 2, 1}, {2, 3, 1}, {2, 4, 2}, {2, 6, 1}, {3, 2, 1}, {3, 3, 2},
                                   {3, 4, 1}, {3, 4, 8}, {4, 2, 1}, {4, 3, 2}, {4, 3, 8}};
    int fails = 0;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        N = cases[c][0];
        M = cases[c][1];
        W = cases[c][2];
        NS = M + 1;
        nperm = 0;
        uint8_t a[8];
        gen_perms(a, 0);
        size_t nm = (size_t)1 << (N * NS);
        memo = calloc(nm * (size_t)nperm, sizeof *memo);
        if (!memo) return 2;
        uint32_t best = UINT32_MAX;
        for (int p = 0; p < nperm; p++) { /* any initial order */
            uint32_t r = solve(0, p);
            if (r < best) best = r;
        }
        free(memo);
        uint64_t win = (uint64_t)(M + 1) / 2;
        uint64_t bound = win * U((uint64_t)N * W) + ((uint64_t)M - win + 1) * (uint64_t)N * U((uint64_t)W);
        int ok = best >= bound;
        fails += !ok;
        printf("%-4s N=%d sweeps=%d w=%d: minimum over all orders %u, floor (F1) %llu, ratio %.3f\n",
               ok ? "ok" : "FAIL", N, M, W, best, (unsigned long long)bound, (double)best / (double)bound);
    }
    return fails ? 1 : 0;
}
