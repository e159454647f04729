/* rnn_floor.c -- see rnn_floor.h; the derivations are docs/floors.md. */
#include "rnn_floor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int region_index(const dmd_engine *e, const char *name)
{
    for (int r = 0; r < dmd_engine_nregions(e); r++)
        if (strcmp(dmd_engine_region_name(e, r), name) == 0) return r;
    return -1;
}

double rnn_x_above(uint64_t cost, int64_t floor)
{
    return floor > 0 ? (double)cost / (double)floor : NAN;
}

void rnn_floor_order_independent(const rnn_model *m, const dmd_engine *e, dmd_model model, unsigned w, int steps,
                                 rnn_floors *f)
{
    for (int r = 0; r < f->nreg; r++) f->oi[r] = -1;
    f->oi_total = -1;
    f->oi_missing = NULL;
    if (strcmp(m->cell->name, "vanilla") != 0) {
        f->oi_missing = "proved for the vanilla cell only";
        return;
    }
    if (model != DMD_LIVE && model != DMD_CLASSIC) {
        f->oi_missing = "proved for the value models (live, classic) only: under lru a loaded register is free";
        return;
    }
    const uint64_t T = (uint64_t)m->cfg.T, B = (uint64_t)m->cfg.batch, H = (uint64_t)m->cfg.H;
    const uint64_t K = (uint64_t)m->K, O = (uint64_t)m->O, N = H * H, S = (uint64_t)steps;
    const uint64_t Uw = dmd_U(w);
    /* docs/floors.md, (F1): (T-1) disjoint windows each reading all of W_hh,
     * their first reads U(N w); every other read of W_hh at least U(w) */
    uint64_t whh = T >= 2 ? (T - 1) * dmd_U(N * w) + ((2 * B - 1) * (T - 1) + 1) * N * Uw : N * Uw;
    /* (F2): the reads every schedule makes of h, each at least U(w) */
    uint64_t h = (2 * (T - 1) * N * B + T * H * B + 2 * K * O * H * B) * Uw;
    /* (F3): the final dW_hh read by the norm (twice) and the update; T = 1 leaves it constant */
    uint64_t dwhh = T >= 2 ? 3 * N * Uw : 0;
    struct {
        const char *name;
        uint64_t v;
        int ok;
    } fl[3] = {{"W_hh", whh, 1}, {"h", h, 1}, {"dW_hh", dwhh, T >= 2}};
    int64_t tot = 0;
    for (int k = 0; k < 3; k++) {
        int r = region_index(e, fl[k].name);
        if (!fl[k].ok) continue;
        tot += (int64_t)(fl[k].v * S);
        if (r >= 0 && r < f->nreg) f->oi[r] = (int64_t)(fl[k].v * S);
    }
    f->oi_total = tot;
}

int rnn_floors_compute(const rnn_model *m, const dmd_engine *e, dmd_opt *rec, unsigned w, int steps, int region_opt,
                       rnn_floors *f)
{
    memset(f, 0, sizeof *f);
    f->nreg = dmd_engine_nregions(e);
    f->oi = malloc((size_t)f->nreg * sizeof *f->oi);
    f->opt = malloc((size_t)f->nreg * sizeof *f->opt);
    if (!f->oi || !f->opt) {
        rnn_floors_free(f);
        return -1;
    }
    rnn_floor_order_independent(m, e, dmd_engine_options(e)->model, w, steps, f);
    for (int r = 0; r < f->nreg; r++) f->opt[r] = -1;
    f->opt_total = -1;
    if (!rec) {
        f->opt_missing = dmd_engine_options(e)->model == DMD_LIVE ? "not computed (out of memory for the recorder)"
                                                                 : "the OPT floor is computed for the live model only";
        return 0;
    }
    dmd_opt_result res;
    if (dmd_opt_solve(rec, -1, NULL, 0, &res) != 0) {
        f->opt_missing = dmd_opt_missing(rec);
        return 0;
    }
    f->opt_total = (int64_t)res.cost;
    f->opt_seconds = res.seconds;
    f->opt_reads = res.reads;
    f->opt_moves = res.moves;
    f->opt_ops = res.ops;
    if (region_opt <= 0) return 0;
    int *want = malloc((size_t)f->nreg * sizeof *want), n = 0;
    dmd_opt_result *rr = malloc((size_t)f->nreg * sizeof *rr);
    const char **why = malloc((size_t)f->nreg * sizeof *why);
    if (!want || !rr || !why) {
        free(want);
        free(rr);
        free(why);
        rnn_floors_free(f);
        return -1;
    }
    for (int r = 0; r < f->nreg; r++) {
        dmd_counts c;
        dmd_engine_region_total(e, r, &c);
        if (c.reads) want[n++] = r;
    }
    /* each region alone, with its own budget, and 4 budgets for all of them in
     * region order (docs/floors.md): the floors found do not depend on the threads */
    dmd_opt_solve_regions(rec, want, n, region_opt, 4 * dmd_opt_budget(rec), rr, why);
    for (int k = 0; k < n; k++) {
        f->opt_seconds += rr[k].seconds;
        if (!why[k]) f->opt[want[k]] = (int64_t)rr[k].cost;
    }
    free(want);
    free(rr);
    free(why);
    return 0;
}

void rnn_floors_free(rnn_floors *f)
{
    free(f->oi);
    free(f->opt);
    memset(f, 0, sizeof *f);
}
