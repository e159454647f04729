/* measure.c -- see measure.h. */
#include "measure.h"

#include <inttypes.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "dmd_report.h"
#include "dmdp.h"
#include "profile.h"
#include "rnn_floor.h"
#include "sde_catalog.h"

void measure_request_default(measure_request *rq)
{
    memset(rq, 0, sizeof *rq);
    rnn_config_default(&rq->cfg);
    rq->cfg.task = TASK_ADDITION;
    rq->cfg.T = 30;
    rq->cfg.H = 64;
    rq->cfg.batch = 1;
    rq->cfg.batches_per_epoch = 1;
    rq->cfg.epochs = 1;
    rq->steps = 1;
    rq->model = DMD_LIVE;
    rq->opt_budget = DMD_OPT_DEFAULT_WORK;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    rq->opt_threads = ncpu < 1 ? 1 : ncpu > 4 ? 4 : (int)ncpu;
}

/* ------------------------------------------------------ SDE counters -- */

/* libdmd's counters as PAPI software-defined events sde:::dmdprof::NAME,
 * the ByteDMD part of sde_catalog.h (cost, reads, bytes_read; in total, per
 * phase, per region, per region and phase).  Values are read live from the
 * attached engine (0 before the pricing pass has counted anything). */
static const dmd_engine *g_engine;

static uint64_t counts_field(const dmd_counts *c, int metric)
{
    return metric == SDE_COST ? c->cost : metric == SDE_READS ? c->reads : c->bytes_read;
}

/* Index of a region or phase by name, or -1. */
static int find_name(const dmd_engine *e, int n, const char *(*get)(const dmd_engine *, int), const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(get(e, i), name) == 0) return i;
    return -1;
}


static long long sde_read(void *vctx)
{
    const sde_entry *s = vctx;
    if (!g_engine) return 0;
    int r = s->region < 0 ? -1 : find_name(g_engine, dmd_engine_nregions(g_engine), dmd_engine_region_name,
                                           sde_regions[s->region]);
    int p = s->phase < 0 ? -1 : find_name(g_engine, dmd_engine_nphases(g_engine), dmd_engine_phase_name,
                                          sde_phases[s->phase]);
    if ((s->region >= 0 && r < 0) || (s->phase >= 0 && p < 0)) return 0; /* not (yet) in this run */
    dmd_counts c;
    if (r >= 0 && p >= 0)
        c = *dmd_engine_counts(g_engine, p, r);
    else if (r >= 0)
        dmd_engine_region_total(g_engine, r, &c);
    else if (p >= 0)
        dmd_engine_phase_total(g_engine, p, &c);
    else
        dmd_engine_total(g_engine, &c);
    return (long long)counts_field(&c, s->metric);
}

static void register_sdes(void)
{
    static int done;
    if (done || !dmdp_have_papi()) return;
    done = 1;
    int n;
    const sde_entry *t = sde_catalog(&n);
    for (int i = 0; i < n; i++)
        if (t[i].metric <= SDE_BYTES_READ)
            dmdp_sde_counter_ex(t[i].name, t[i].descr, sde_read, (void *)&t[i], t[i].auto_count);
}

/* --------------------------------------------------------------- JSON -- */

static const char *prec_name(rnn_precision p) { return p == RNN_F64 ? "float64" : "float32"; }

static void default_run_id(char *buf, size_t n, const rnn_config *c, dmd_model model)
{
    snprintf(buf, n, "measure-%s-T%d-H%d-B%d-%s-%s-s%" PRIu64, task_get(c->task)->name, c->T, c->H, c->batch,
             prec_name(c->precision), dmd_model_name(model), c->seed);
}

/* ------------------------------------------------------------ outputs -- */

static int write_csv(const char *path, const dmd_engine *e, const rnn_config *c, const char *run_id, dmd_model model)
{
    static const char *const head[] = {"run_id", "task", "init", "T", "H", "batch", "precision", "model", "phase",
                                       "region", "reads", "bytes_read", "writes", "bytes_written", "cost",
                                       "mean_depth", "max_depth", NULL};
    cli_out o;
    if (cli_out_open(&o, path) != 0) return -1;
    dmd_csv w;
    dmd_csv_init(&w, o.f, CLI_SCHEMA_MEASURE_CSV);
    dmd_csv_header(&w, head);
    for (int p = 0; p < dmd_engine_nphases(e); p++)
        for (int r = 0; r < dmd_engine_nregions(e); r++) {
            const dmd_counts *k = dmd_engine_counts(e, p, r);
            if (!k->reads && !k->writes) continue;
            dmd_csv_str(&w, run_id);
            dmd_csv_str(&w, task_get(c->task)->name);
            dmd_csv_str(&w, rnn_init_names[c->init]);
            dmd_csv_int(&w, c->T);
            dmd_csv_int(&w, c->H);
            dmd_csv_int(&w, c->batch);
            dmd_csv_str(&w, prec_name(c->precision));
            dmd_csv_str(&w, dmd_model_name(model));
            dmd_csv_str(&w, dmd_engine_phase_name(e, p));
            dmd_csv_str(&w, dmd_engine_region_name(e, r));
            dmd_csv_u64(&w, k->reads);
            dmd_csv_u64(&w, k->bytes_read);
            dmd_csv_u64(&w, k->writes);
            dmd_csv_u64(&w, k->bytes_written);
            dmd_csv_u64(&w, k->cost);
            if (k->reads) { /* no read: depth is missing, not 0 */
                dmd_csv_real(&w, "%.6g", k->sum_depth / (double)k->reads);
                dmd_csv_u64(&w, k->max_depth);
            } else {
                dmd_csv_empty(&w);
                dmd_csv_empty(&w);
            }
            dmd_csv_end(&w);
        }
    return cli_out_commit(&o);
}

/* The split the README reports: W_hh, the hidden states h, their gradients
 * (dh, dz), everything else. */
static json_t *split_json(const dmd_engine *e, const dmd_counts *tot)
{
    uint64_t whh = rnn_region_cost(e, "W_hh"), h = rnn_region_cost(e, "h"), dh = rnn_region_cost(e, "dh") + rnn_region_cost(e, "dz");
    json_t *o = json_object();
    json_object_set_new(o, "W_hh", json_integer((json_int_t)whh));
    json_object_set_new(o, "h", json_integer((json_int_t)h));
    json_object_set_new(o, "dh_dz", json_integer((json_int_t)dh));
    json_object_set_new(o, "other", json_integer((json_int_t)(tot->cost - whh - h - dh)));
    return o;
}

/* The closed form beside the measured cost: per region ("regions": region, estimate,
 * measured, rel_error), and for the vanilla cell also the W_hh_* and h_* keys. */
static json_t *analytic_json(const dmd_engine *e, const rnn_measurement *res)
{
    if (!res->has_analytic) return json_null();
    json_t *o = json_object(), *rows = json_array();
    for (int k = 0; k < res->nanalytic; k++) {
        const char *name = res->analytic[k].region;
        uint64_t meas = rnn_region_cost(e, name);
        double est = res->analytic[k].estimate;
        json_t *r = json_object();
        json_object_set_new(r, "region", json_string(name));
        json_object_set_new(r, "estimate", json_real(est));
        json_object_set_new(r, "measured", json_integer((json_int_t)meas));
        json_object_set_new(r, "rel_error", meas ? json_real(est / (double)meas - 1) : json_null());
        json_array_append_new(rows, r);
        if (!strcmp(name, "W_hh") || !strcmp(name, "h")) { /* the vanilla keys, as before the cells */
            char key[32];
            snprintf(key, sizeof key, "%s_estimate", name);
            json_object_set_new(o, key, json_real(est));
            snprintf(key, sizeof key, "%s_measured", name);
            json_object_set_new(o, key, json_integer((json_int_t)meas));
            snprintf(key, sizeof key, "%s_rel_error", name);
            json_object_set_new(o, key, meas ? json_real(est / (double)meas - 1) : json_null());
        }
    }
    json_object_set_new(o, "regions", rows);
    return o;
}

/* ---------------------------------------------------------------- run -- */

/* A measurement taken: the model after it, the engine with the counts, the
 * library's result, the probes. */
typedef struct {
    rnn_model *m;
    dmd_engine *e;
    rnn_measurement res;
    dmdp *pr;
    dmd_opt *rec;   /* the OPT recorder (live, floors asked for) */
    rnn_floors fl;  /* the floors, after the measurement (nreg 0 = not computed) */
    const char *papi_events;
    int want_probes;
    cli_progress prog;
    double t0;
} measure_taken;

static void on_begin(void *ctx, dmd_engine *e)
{
    measure_taken *mt = ctx;
    /* probes (timers, PAPI, SDE, Callgrind toggles) when asked for or under Valgrind */
    if (mt->want_probes)
        mt->pr = dmdp_start(mt->papi_events ? mt->papi_events : getenv("PAPI_EVENTS") ? NULL : "none", cli_quiet);
    g_engine = e;
    mt->t0 = cli_now();
}

static void on_end(void *ctx)
{
    measure_taken *mt = ctx;
    if (mt->pr) dmdp_stop(mt->pr);
    g_engine = NULL;
}

static void on_progress(void *ctx, int pass, int npasses, int step, int nsteps)
{
    measure_taken *mt = ctx;
    if (cli_now() - mt->t0 <= 1.0) return; /* progress only on long work */
    char msg[96];
    snprintf(msg, sizeof msg, "pass %d/%d, step %d/%d", pass + 1, npasses, step + 1, nsteps);
    cli_progress_update(&mt->prog, (long)pass * nsteps + step + 1, msg);
}

static void measure_release(measure_taken *mt)
{
    rnn_floors_free(&mt->fl);
    dmd_opt_free(mt->rec);
    rnn_measurement_free(&mt->res);
    dmdp_free(mt->pr);
    dmd_engine_free(mt->e);
    rnn_model_free(mt->m);
    memset(mt, 0, sizeof *mt);
}

static int sde_list(void *ctx, FILE *f)
{
    (void)ctx;
    return dmdp_sde_write_list(f);
}

int probes_csv(void *vctx, FILE *f)
{
    const probes_csv_ctx *c = vctx;
    return dmdp_write_csv(c->pr, f, c->run_id, 1);
}

/* Take the measurement rq asks for (the trace written when rq->trace_out).
 * Returns an exit code; on 0, mt holds everything (measure_release). */
static int measure_take(const measure_request *rq, measure_taken *mt)
{
    char err[512];
    rnn_measure_status st;
    memset(mt, 0, sizeof *mt);
    dmd_options pre = {0}; /* the budget, checked before the model is built */
    pre.model = rq->model;
    pre.bytes_per_element = rq->bytes_per_element;
    pre.max_values = rq->max_values;
    mt->m = rnn_measure_model_checked(&rq->cfg, rq->given, rq->checkpoint, &pre, rq->steps, &st, err, sizeof err);
    if (!mt->m) {
        cli_warn("%s", err);
        return st == RNN_MEASURE_BAD_INPUT ? CLI_EXIT_USAGE : CLI_EXIT_WORK;
    }
    /* SDE counters (they read the engine through g_engine when PAPI asks) */
    mt->papi_events = rq->papi_events;
    mt->want_probes = rq->papi_events || rq->probes_out || getenv("PAPI_EVENTS") || dmdp_under_valgrind();
    if (mt->want_probes || rq->sde_list) register_sdes();
    if (rq->sde_list) {
        if (cli_write_with(rq->sde_list, sde_list, NULL) != 0) {
            measure_release(mt);
            return CLI_EXIT_WORK;
        }
    }
    cli_out trace = {0};
    if (rq->trace_out && cli_out_open(&trace, rq->trace_out) != 0) {
        measure_release(mt);
        return CLI_EXIT_WORK;
    }
    dmd_options o = {0};
    o.model = rq->model;
    o.bytes_per_element = rq->bytes_per_element ? rq->bytes_per_element : (unsigned)mt->m->esz;
    o.trace_out = rq->trace_out ? trace.f : NULL;
    o.per_site = rq->callgrind_out || rq->cachegrind_out;
    o.max_values = rq->max_values;
    mt->e = dmd_engine_new(&o);
    if (!mt->e) {
        cli_out_abort(&trace);
        measure_release(mt);
        cli_warn("cannot create the pricing engine (out of memory)");
        return CLI_EXIT_WORK;
    }
    if (!rq->no_floors && rq->model == DMD_LIVE) { /* the OPT floor observes the pricing pass */
        mt->rec = dmd_opt_new(0);
        if (mt->rec) {
            dmd_opt_set_budget(mt->rec, rq->opt_budget);
            dmd_opt_attach(mt->rec, mt->e);
        }
    }
    rnn_measure_opts mo = {rq->steps, rq->analytic, on_begin, on_end, on_progress, mt};
    cli_progress_start(&mt->prog, cli_name(), (long)dmd_engine_passes(mt->e) * rq->steps, 1);
    st = rnn_measure(mt->m, mt->e, &mo, &mt->res, err, sizeof err);
    int rc = st == RNN_MEASURE_OK ? CLI_EXIT_OK : st == RNN_MEASURE_BAD_INPUT ? CLI_EXIT_USAGE : CLI_EXIT_WORK;
    if (rc != CLI_EXIT_OK) cli_warn("%s", err);
    if (rq->trace_out && (rc != CLI_EXIT_OK || cli_out_commit(&trace) != 0)) {
        if (rc == CLI_EXIT_OK) rc = CLI_EXIT_WORK;
        cli_out_abort(&trace);
    }
    if (rc == CLI_EXIT_OK && mt->rec && !dmd_opt_missing(mt->rec) && !cli_quiet && isatty(2)) /* can take a while */
        fprintf(stderr, "%s: the OPT floors: the total, then each region on %d thread(s) (--no-floors skips them)\n",
                cli_name(), rq->opt_threads);
    if (rc == CLI_EXIT_OK && !rq->no_floors &&
        rnn_floors_compute(mt->m, mt->e, mt->rec, mt->res.bytes_per_element, mt->res.steps, rq->opt_threads,
                           &mt->fl) != 0) {
        cli_warn("out of memory computing the floors (--no-floors skips them)");
        rc = CLI_EXIT_WORK;
    }
    if (rc != CLI_EXIT_OK) measure_release(mt);
    return rc;
}

/* Floor keys of one region (r >= 0) or of the total (r < 0): docs/schema.md. */
static void floor_keys(json_t *o, const rnn_floors *f, int r, uint64_t cost)
{
    if (!f->nreg) return;
    int64_t opt = r < 0 ? f->opt_total : f->opt[r], oi = r < 0 ? f->oi_total : f->oi[r];
    json_object_set_new(o, "floor_opt", opt >= 0 ? json_integer(opt) : json_null());
    json_object_set_new(o, "x_above_floor_opt", opt > 0 ? json_real(rnn_x_above(cost, opt)) : json_null());
    json_object_set_new(o, "floor_order_independent", oi >= 0 ? json_integer(oi) : json_null());
    json_object_set_new(o, "x_above_floor_order_independent", oi > 0 ? json_real(rnn_x_above(cost, oi)) : json_null());
}

static json_t *measure_json(const measure_request *rq, const measure_taken *mt, const char *run_id)
{
    const rnn_model *m = mt->m;
    const rnn_config *cfg = &m->cfg;
    const dmd_engine *e = mt->e;
    const rnn_measurement *res = &mt->res;
    dmd_counts tot;
    dmd_engine_total(e, &tot);
    json_t *j = cli_with_schema(CLI_SCHEMA_MEASURE, NULL);
    json_t *jc = json_object();
    json_object_set_new(jc, "task", json_string(task_get(cfg->task)->name));
    json_object_set_new(jc, "cell", json_string(m->cell->name));
    json_object_set_new(jc, "schedule", json_string(m->sched->name));
    if (!strcmp(m->sched->name, "ckpt")) json_object_set_new(jc, "ckpt_every", json_integer(rnn_ckpt_segment(cfg)));
    json_object_set_new(jc, "init", json_string(rnn_init_names[cfg->init]));
    json_object_set_new(jc, "activation", json_string(rnn_activation_names[cfg->activation]));
    json_object_set_new(jc, "T", json_integer(cfg->T));
    json_object_set_new(jc, "H", json_integer(cfg->H));
    json_object_set_new(jc, "I", json_integer(m->I));
    json_object_set_new(jc, "O", json_integer(m->O));
    json_object_set_new(jc, "K", json_integer(m->K));
    json_object_set_new(jc, "batch", json_integer(cfg->batch));
    json_object_set_new(jc, "precision", json_string(prec_name(cfg->precision)));
    json_object_set_new(jc, "seed", json_integer((json_int_t)cfg->seed));
    json_object_set_new(jc, "steps", json_integer(res->steps));
    json_object_set_new(jc, "checkpoint", rq->checkpoint ? json_string(rq->checkpoint) : json_null());
    json_object_set_new(j, "run_id", json_string(run_id));
    json_object_set_new(j, "config", jc);
    json_t *ej = dmd_engine_json(e); /* model, bytes_per_element, total, regions, phases, cells (, sites) */
    if (!ej || json_object_update(j, ej) != 0) {
        json_decref(ej);
        json_decref(j);
        return NULL;
    }
    json_decref(ej);
    if (mt->fl.nreg) { /* the floors beside each region's counts */
        size_t i;
        json_t *row;
        json_array_foreach(json_object_get(j, "regions"), i, row)
        {
            const char *name = json_string_value(json_object_get(row, "region"));
            for (int r = 0; name && r < dmd_engine_nregions(e); r++)
                if (strcmp(dmd_engine_region_name(e, r), name) == 0) {
                    dmd_counts x;
                    dmd_engine_region_total(e, r, &x);
                    floor_keys(row, &mt->fl, r, x.cost);
                }
        }
    }
    json_object_set_new(j, "loss", isfinite(res->first_loss) ? json_real(res->first_loss) : json_null());
    json_object_set_new(j, "clipped_last_step", json_boolean(res->clipped_last));
    json_object_set_new(j, "wall_seconds", json_real(res->wall_seconds));
    json_t *js = json_array();
    for (int s = 0; s < res->steps; s++) {
        json_t *x = json_object();
        json_object_set_new(x, "step", json_integer(s + 1));
        json_object_set_new(x, "cost", json_integer((json_int_t)res->step_cost[s]));
        json_object_set_new(x, "reads", json_integer((json_int_t)res->step_reads[s]));
        json_object_set_new(x, "bytes_read", json_integer((json_int_t)res->step_bytes_read[s]));
        json_array_append_new(js, x);
    }
    json_object_set_new(j, "steps", js);
    json_object_set_new(j, "split", split_json(e, &tot));
    if (mt->fl.nreg) {
        const rnn_floors *f = &mt->fl;
        json_t *jf = json_object();
        floor_keys(jf, f, -1, tot.cost);
        json_object_set_new(jf, "opt_missing", f->opt_missing ? json_string(f->opt_missing) : json_null());
        json_object_set_new(jf, "order_independent_missing", f->oi_missing ? json_string(f->oi_missing) : json_null());
        json_object_set_new(jf, "opt_cpu_seconds", f->opt_total >= 0 ? json_real(f->opt_seconds) : json_null());
        json_object_set_new(jf, "opt_slot_moves", f->opt_total >= 0 ? json_integer((json_int_t)f->opt_moves) : json_null());
        json_object_set_new(jf, "opt_tree_operations", f->opt_total >= 0 ? json_integer((json_int_t)f->opt_ops) : json_null());
        json_object_set_new(j, "floors", jf);
    } else
        json_object_set_new(j, "floors", json_null());
    if (rq->analytic) json_object_set_new(j, "analytic", analytic_json(e, res));
    if (mt->pr) {
        json_object_set_new(j, "probes", dmdp_json(mt->pr));
        if (!dmdp_complete(mt->pr)) json_object_set_new(j, "incomplete", json_true());
    }
    return j;
}

static void print_floor(int64_t f, uint64_t cost)
{
    if (f >= 0)
        printf(" %15lld %7.2fx", (long long)f, f > 0 ? rnn_x_above(cost, f) : NAN);
    else
        printf(" %15s %8s", "-", "-");
}

/* The floors next to every region's cost (docs/floors.md). */
static void print_floors(const dmd_engine *e, const rnn_floors *f)
{
    printf("\nfloors (docs/floors.md): OPT = the same events under the optimal stack policy; order-independent = "
           "any schedule of the algorithm; '-' = none\n");
    printf("%-14s %16s %15s %8s %15s %8s\n", "region", "cost", "OPT floor", "x above", "order-indep.", "x above");
    for (int r = 0; r < f->nreg; r++) {
        dmd_counts c;
        dmd_engine_region_total(e, r, &c);
        if (!c.reads) continue;
        printf("%-14s %16llu", dmd_engine_region_name(e, r), (unsigned long long)c.cost);
        print_floor(f->opt[r], c.cost);
        print_floor(f->oi[r], c.cost);
        printf("\n");
    }
    dmd_counts t;
    dmd_engine_total(e, &t);
    printf("%-14s %16llu", "total", (unsigned long long)t.cost);
    print_floor(f->opt_total, t.cost);
    print_floor(f->oi_total, t.cost);
    printf("\n");
    if (f->opt_missing) printf("OPT floor missing: %s\n", f->opt_missing);
    if (f->oi_missing) printf("order-independent floors missing: %s\n", f->oi_missing);
    if (f->opt_total >= 0)
        printf("OPT: %llu reads, %llu slot moves in %llu tree operations, %.2f s CPU for the total and the region "
               "floors\n",
               (unsigned long long)f->opt_reads, (unsigned long long)f->opt_moves, (unsigned long long)f->opt_ops,
               f->opt_seconds);
}

static void print_table(const measure_request *rq, const measure_taken *mt)
{
    const rnn_config *cfg = &mt->m->cfg;
    const rnn_measurement *res = &mt->res;
    printf("dmdprof measure: %s T=%d H=%d B=%d %s, model %s at %u bytes/element, %d step%s, %.2f s\n",
           task_get(cfg->task)->name, cfg->T, cfg->H, cfg->batch, prec_name(cfg->precision), dmd_model_name(rq->model),
           res->bytes_per_element, res->steps, res->steps > 1 ? "s" : "", res->wall_seconds);
    dmd_engine_print_table(mt->e, stdout);
    if (res->steps > 1) {
        printf("\nper step cost:");
        for (int s = 0; s < res->steps; s++) printf(" %" PRIu64, res->step_cost[s]);
        printf("\n");
    }
    if (mt->fl.nreg) print_floors(mt->e, &mt->fl);
    if (res->has_analytic) {
        printf("\nanalytic (%s):", dmd_model_name(rq->model));
        for (int k = 0; k < res->nanalytic; k++) {
            uint64_t meas = rnn_region_cost(mt->e, res->analytic[k].region);
            printf("%s %s %.4g (measured %" PRIu64 ", %+.1f%%)", k ? "," : "", res->analytic[k].region,
                   res->analytic[k].estimate, meas, meas ? 100 * (res->analytic[k].estimate / (double)meas - 1) : 0);
        }
        printf("\n");
    } else if (rq->analytic) {
        printf("\nanalytic: no closed form for the %s cell under the %s model (vanilla: classic or lru; gru, lstm: "
               "lru, one target step)\n", mt->m->cell->name, dmd_model_name(rq->model));
    }
}

int measure_run(const measure_request *rq)
{
    measure_taken mt;
    int rc = measure_take(rq, &mt);
    if (rc != CLI_EXIT_OK) return rc;
    const rnn_config *cfg = &mt.m->cfg;
    char run_id[256];
    if (rq->run_id)
        snprintf(run_id, sizeof run_id, "%s", rq->run_id);
    else
        default_run_id(run_id, sizeof run_id, cfg, rq->model);
    if (rq->csv && write_csv(rq->csv, mt.e, cfg, run_id, rq->model) != 0) rc = CLI_EXIT_WORK;
    if (rc == CLI_EXIT_OK && (rq->callgrind_out || rq->cachegrind_out)) {
        char cmdline[256];
        snprintf(cmdline, sizeof cmdline, "dmdprof measure --task %s -T %d -H %d --batch %d --model %s",
                 task_get(cfg->task)->name, cfg->T, cfg->H, cfg->batch, dmd_model_name(rq->model));
        if (rq->callgrind_out && profile_write(rq->callgrind_out, mt.e, cmdline, PROFILE_CALLGRIND) != 0)
            rc = CLI_EXIT_WORK;
        if (rq->cachegrind_out && profile_write(rq->cachegrind_out, mt.e, cmdline, PROFILE_CACHEGRIND) != 0)
            rc = CLI_EXIT_WORK;
    }
    if (rc == CLI_EXIT_OK && rq->probes_out && mt.pr) {
        probes_csv_ctx pc = {mt.pr, run_id};
        if (cli_write_with(rq->probes_out, probes_csv, &pc) != 0) rc = CLI_EXIT_WORK;
    }
    if (rc == CLI_EXIT_OK) {
        if (rq->json) {
            json_t *j = measure_json(rq, &mt, run_id);
            if (!j) {
                cli_warn("out of memory building the measure JSON");
                rc = CLI_EXIT_WORK;
            } else {
                json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
                fputc('\n', stdout);
                json_decref(j);
            }
        } else {
            print_table(rq, &mt);
        }
    }
    measure_release(&mt);
    return rc;
}

/* ------------------------------------------------ ByteDMD to solution -- */

/* What measure --run needs of a trained run directory, read from its
 * run.json and checked against its model.ckpt (the authority: without it a
 * fresh model would be priced, and a hand-edited run.json could give a cost
 * of 0 or below). */
typedef struct {
    char task[64];
    rnn_config cfg;       /* task, T, H, batch, precision */
    int batches_per_epoch;
    long long solved_epoch; /* 0 = never solved */
    long long steps_run;    /* the checkpoint's: a run stopped by --max-steps ends inside an epoch */
    char *ckpt;             /* malloc'd path of model.ckpt */
} trained_run;

/* o[key], or NULL with why in err. */
static const json_t *need(const json_t *o, const char *key, const char *path, char *err, size_t n)
{
    const json_t *v = json_object_get(o, key);
    if (!v) snprintf(err, n, "'%s' has no field \"%s\" (is it a run.json written by dmdprof train?)", path, key);
    return v;
}

/* Fill tr from run_dir; 0, or -1 with a one-line reason in err (bad input). */
static int read_trained_run(const char *run_dir, trained_run *tr, char *err, size_t n)
{
    memset(tr, 0, sizeof *tr);
    struct stat st;
    int st_rc = stat(run_dir, &st);
    if (st_rc != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, n, "'%s' is not a run directory (%s); give the --out DIR of a dmdprof train run", run_dir,
                 st_rc != 0 ? strerror(errno) : "not a directory");
        return -1;
    }
    char *path = cli_path(run_dir, "run.json");
    json_error_t jerr;
    json_t *run = json_load_file(path, 0, &jerr);
    int rc = -1;
    if (!run) {
        if (jerr.line < 1)
            snprintf(err, n, "cannot read '%s': %s (is '%s' the --out DIR of a dmdprof train run?)", path, jerr.text,
                     run_dir);
        else
            snprintf(err, n, "cannot read '%s': %s (line %d)", path, jerr.text, jerr.line);
        free(path);
        return -1;
    }
    const json_t *cfgj = json_object_get(run, "config");
    if (!cfgj) cfgj = run;
    const json_t *v_task = need(run, "task", path, err, n), *v_T = v_task ? need(run, "T", path, err, n) : NULL;
    const json_t *v_H = v_T ? need(run, "H", path, err, n) : NULL;
    const json_t *v_batch = v_H ? need(cfgj, "batch", path, err, n) : NULL;
    const json_t *v_prec = v_batch ? need(cfgj, "precision", path, err, n) : NULL;
    const json_t *v_bpe = v_prec ? need(cfgj, "batches_per_epoch", path, err, n) : NULL;
    const json_t *se = v_bpe ? need(run, "solved_epoch", path, err, n) : NULL;
    const json_t *v_epochs = se ? need(run, "epochs_run", path, err, n) : NULL;
    if (!v_epochs) goto out;
    const char *task = json_string_value(v_task);
    int t = task ? task_parse(task) : -1;
    if (t < 0) {
        snprintf(err, n, "'%s' names an unknown task", path);
        goto out;
    }
    snprintf(tr->task, sizeof tr->task, "%s", task);
    tr->cfg.task = (task_id)t;
    tr->cfg.T = (int)json_integer_value(v_T);
    tr->cfg.H = (int)json_integer_value(v_H);
    tr->cfg.batch = (int)json_integer_value(v_batch);
    const char *prec = json_string_value(v_prec);
    tr->cfg.precision = prec && (!strcmp(prec, "float32") || !strcmp(prec, "f32")) ? RNN_F32 : RNN_F64;
    tr->batches_per_epoch = (int)json_integer_value(v_bpe);
    long epochs_run = (long)json_integer_value(v_epochs);
    tr->ckpt = cli_path(run_dir, "model.ckpt");
    if (access(tr->ckpt, R_OK) != 0) {
        snprintf(err, n, "'%s' has no readable model.ckpt (%s): there is no trained model to price", run_dir,
                 strerror(errno));
        goto out;
    }
    char cerr[512];
    rnn_model *km = rnn_ckpt_read(tr->ckpt, cerr, sizeof cerr);
    if (!km) {
        snprintf(err, n, "%s", cerr);
        goto out;
    }
    const json_t *sr = json_object_get(run, "steps_run");
    long long ck_solved = km->solved_epoch, js_solved = json_is_integer(se) ? json_integer_value(se) : 0;
    const rnn_config *c = &tr->cfg;
    const char *differs = km->cfg.task != c->task ? "task" : km->cfg.T != c->T ? "T" : km->cfg.H != c->H ? "H"
                          : km->cfg.batch != c->batch ? "batch" : km->cfg.precision != c->precision ? "precision"
                          : km->cfg.batches_per_epoch != tr->batches_per_epoch ? "batches_per_epoch"
                          : km->epoch != epochs_run ? "epochs_run"
                          : (sr && (!json_is_integer(sr) || json_integer_value(sr) != km->step)) ? "steps_run"
                          : ck_solved != js_solved || (!json_is_integer(se) && !json_is_null(se)) ? "solved_epoch" : NULL;
    tr->steps_run = km->step;
    tr->solved_epoch = ck_solved > 0 ? ck_solved : 0;
    rnn_model_free(km);
    if (differs) {
        snprintf(err, n, "'%s' and '%s' disagree on %s (an edited or mixed run directory): retrain it", path, tr->ckpt,
                 differs);
        goto out;
    }
    rc = 0;
out:
    if (rc) {
        free(tr->ckpt);
        tr->ckpt = NULL;
    }
    json_decref(run);
    free(path);
    return rc;
}

int measure_to_solution(const measure_request *rq0, const char *run_dir)
{
    char err[1024];
    trained_run tr;
    if (read_trained_run(run_dir, &tr, err, sizeof err) != 0) {
        cli_warn("--run: %s", err);
        return CLI_EXIT_USAGE;
    }
    measure_request rq = *rq0;
    rq.cfg.task = tr.cfg.task;
    rq.cfg.T = tr.cfg.T;
    rq.cfg.H = tr.cfg.H;
    rq.cfg.batch = tr.cfg.batch;
    rq.cfg.precision = tr.cfg.precision;
    rq.given = RNN_GIVEN_TASK | RNN_GIVEN_T | RNN_GIVEN_H | RNN_GIVEN_BATCH | RNN_GIVEN_PRECISION;
    rq.checkpoint = tr.ckpt;
    rq.steps = RNN_TO_SOLUTION_STEPS;
    rq.json = 0;
    rq.csv = rq.trace_out = rq.callgrind_out = rq.cachegrind_out = rq.probes_out = rq.sde_list = NULL;
    rq.no_floors = 1; /* dmd_to_solution.json has none: cost per step x steps */
    measure_taken mt;
    int rc = measure_take(&rq, &mt);
    if (rc != CLI_EXIT_OK) {
        free(tr.ckpt);
        return rc;
    }
    rnn_to_solution ts;
    rnn_to_solution_of(&mt.res, tr.steps_run, tr.solved_epoch, tr.batches_per_epoch, &ts);
    json_t *out = cli_with_schema(CLI_SCHEMA_TO_SOLUTION, NULL);
    json_object_set_new(out, "run_dir", json_string(run_dir));
    json_object_set_new(out, "task", json_string(tr.task));
    json_object_set_new(out, "T", json_integer(rq.cfg.T));
    json_object_set_new(out, "H", json_integer(rq.cfg.H));
    json_object_set_new(out, "batch", json_integer(rq.cfg.batch));
    json_object_set_new(out, "precision", json_string(prec_name(rq.cfg.precision)));
    json_object_set_new(out, "model", json_string(dmd_model_name(rq.model)));
    json_object_set_new(out, "bytes_per_element", json_integer(mt.res.bytes_per_element));
    json_object_set_new(out, "cost_per_step", json_integer((json_int_t)ts.cost_per_step));
    json_object_set_new(out, "reads_per_step", json_integer((json_int_t)ts.reads_per_step));
    json_object_set_new(out, "bytes_read_per_step", json_integer((json_int_t)ts.bytes_read_per_step));
    json_object_set_new(out, "first_step_cost", json_integer((json_int_t)ts.first_step_cost));
    json_object_set_new(out, "batches_per_epoch", json_integer(tr.batches_per_epoch));
    json_object_set_new(out, "steps_run", json_integer(ts.steps_run));
    json_object_set_new(out, "cost_of_run", json_real(ts.cost_of_run));
    json_object_set_new(out, "solved_epoch", ts.solved ? json_integer(ts.solved_epoch) : json_null());
    json_object_set_new(out, "steps_to_solution", ts.solved ? json_integer(ts.steps_to_solution) : json_null());
    json_object_set_new(out, "cost_to_solution", ts.solved ? json_real(ts.cost_to_solution) : json_null());
    json_object_set_new(out, "bytes_read_to_solution", ts.solved ? json_real(ts.bytes_read_to_solution) : json_null());
    json_object_set_new(out, "note",
                        json_string("cost_per_step is the second of two consecutive priced steps (steady state); "
                                    "the kernel's cost depends on the data only through the clipping decision and "
                                    "the position of class labels (README, 'Is the cost data-dependent?')"));
    char fname[64];
    snprintf(fname, sizeof fname, "dmd_to_solution_%s.json", dmd_model_name(rq.model));
    char *outp = cli_path(run_dir, fname);
    if (cli_write_json(outp, out) != 0) rc = CLI_EXIT_WORK;
    if (rc == CLI_EXIT_OK) {
        if (ts.solved)
            printf("%s: %lld steps to solution x %llu per step = %.4g ByteDMD (%s, %u B/element); wrote %s\n", run_dir,
                   ts.steps_to_solution, (unsigned long long)ts.cost_per_step, ts.cost_to_solution,
                   dmd_model_name(rq.model), mt.res.bytes_per_element, outp);
        else
            printf("%s: never solved; %llu per step, %.4g over the whole run (%s); wrote %s\n", run_dir,
                   (unsigned long long)ts.cost_per_step, ts.cost_of_run, dmd_model_name(rq.model), outp);
    }
    free(outp);
    free(tr.ckpt);
    json_decref(out);
    measure_release(&mt);
    return rc;
}
