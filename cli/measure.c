/* measure.c -- see measure.h. */
#include "measure.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analytic.h"
#include "cli.h"
#include "dmd_report.h"
#include "dmdp.h"
#include "profile.h"
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
}

/* ---------------------------------------------------------------- model -- */

/* The model to measure: fresh by recipe, or parameters and momentum from a
 * checkpoint (task, H and precision must agree with the flags that were
 * given; T and the batch size may differ, they do not shape parameters). */
static rnn_model *measure_model(const measure_request *rq, rnn_config *cfg)
{
    char err[512];
    rnn_model *ck = NULL;
    *cfg = rq->cfg;
    if (rq->checkpoint) {
        ck = rnn_ckpt_read(rq->checkpoint, err, sizeof err);
        if (!ck) cli_fail("--checkpoint: %s", err);
        const rnn_config *k = &ck->cfg;
        char why[512] = "";
        if (rq->set_task && k->task != cfg->task)
            snprintf(why, sizeof why, "'%s' holds a %s model but --task is %s", rq->checkpoint,
                     task_get(k->task)->name, task_get(cfg->task)->name);
        else if (rq->set_H && k->H != cfg->H)
            snprintf(why, sizeof why, "'%s' has H=%d but -H is %d", rq->checkpoint, k->H, cfg->H);
        else if (rq->set_precision && k->precision != cfg->precision)
            snprintf(why, sizeof why, "'%s' is %s but --precision is %s", rq->checkpoint,
                     rnn_precision_names[k->precision], rnn_precision_names[cfg->precision]);
        if (*why) {
            rnn_model_free(ck);
            cli_fail("--checkpoint: %s", why);
        }
        cfg->task = k->task;
        cfg->H = k->H;
        cfg->precision = k->precision;
        cfg->activation = k->activation;
        cfg->init = k->init;
        cfg->nesterov = k->nesterov;
        cfg->momentum = k->momentum;
        cfg->momentum_schedule = k->momentum_schedule;
        cfg->lr = k->lr;
        cfg->clip = k->clip;
        if (!rq->set_T) cfg->T = k->T;
    }
    const char *bad = rnn_config_check(cfg, err, sizeof err);
    if (bad) {
        rnn_model_free(ck);
        cli_fail("%s", bad);
    }
    rnn_model *m = rnn_model_create(cfg, err, sizeof err);
    if (!m) {
        rnn_model_free(ck);
        cli_warn("cannot create the model: %s", err);
        exit(CLI_EXIT_WORK);
    }
    if (ck) {
        memcpy(m->params, ck->params, m->P * m->esz);
        memcpy(m->mom, ck->mom, m->P * m->esz);
        m->step = ck->step;
        rnn_model_free(ck);
    }
    return m;
}

/* Values one step creates, an upper estimate: every multiply-add makes one
 * value, plus the elementwise work (activations, their derivatives, loss,
 * update). */
static double values_per_step(const rnn_model *m)
{
    const rnn_config *c = &m->cfg;
    double thb = (double)c->T * c->H * c->batch;
    return rnn_step_flops(m) / 2 + 6.0 * thb + 8.0 * (double)m->P + 8.0 * c->batch * m->K * m->O + 1024;
}

/* NULL when the measurement fits the value budget and memory; otherwise the
 * reason, with the estimate, in buf. */
static const char *check_budget(const measure_request *rq, const rnn_model *m, char *buf, size_t n)
{
    double v = values_per_step(m) * rq->steps;
    double limit = rq->max_values ? (double)rq->max_values : 4294967294.0;
    if (rq->model != DMD_LRU && v > limit) {
        snprintf(buf, n,
                 "the measurement would create about %.3g values, over the budget of %.3g (--max-values): "
                 "reduce --steps, --batch, -T or -H",
                 v, limit);
        return buf;
    }
    /* memory: value models keep 12 bytes per value; classic also keeps every
     * value in its order-statistic tree (12 bytes a slot, up to 4 slots a value). */
    double per = rq->model == DMD_LIVE ? 12.0 : rq->model == DMD_CLASSIC ? 60.0 : 0.0;
    double need = v * per + (double)rnn_config_bytes(&m->cfg);
    long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
    double have = pages > 0 && psz > 0 ? 0.8 * (double)pages * (double)psz : 0;
    if (have > 0 && need > have) {
        snprintf(buf, n,
                 "the measurement would need about %.1f GiB of memory (%.3g values), more than 80%% of this "
                 "machine's %.1f GiB: reduce --steps, --batch, -T or -H",
                 need / 1073741824.0, v, have / 0.8 / 1073741824.0);
        return buf;
    }
    return NULL;
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

/* Total cost of the region called name (0 when the run had no such region). */
static uint64_t region_cost(const dmd_engine *e, const char *name)
{
    int r = find_name(e, dmd_engine_nregions(e), dmd_engine_region_name, name);
    if (r < 0) return 0;
    dmd_counts x;
    dmd_engine_region_total(e, r, &x);
    return x.cost;
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

static void set_row_keys(json_t *o, const char *phase, const char *region)
{
    if (phase) json_object_set_new(o, "phase", json_string(phase));
    if (region) json_object_set_new(o, "region", json_string(region));
}

static const char *prec_name(rnn_precision p) { return p == RNN_F64 ? "float64" : "float32"; }

static void default_run_id(char *buf, size_t n, const rnn_config *c, dmd_model model)
{
    snprintf(buf, n, "measure-%s-T%d-H%d-B%d-%s-%s-s%" PRIu64, task_get(c->task)->name, c->T, c->H, c->batch,
             prec_name(c->precision), dmd_model_name(model), c->seed);
}

/* ------------------------------------------------------------ outputs -- */

static int write_csv(const char *path, const dmd_engine *e, const rnn_config *c, const char *run_id, dmd_model model)
{
    cli_out o;
    if (cli_out_open(&o, path) != 0) return -1;
    fprintf(o.f, "run_id,task,init,T,H,batch,precision,model,phase,region,reads,bytes_read,writes,bytes_written,"
                 "cost,mean_depth,max_depth\n");
    for (int p = 0; p < dmd_engine_nphases(e); p++)
        for (int r = 0; r < dmd_engine_nregions(e); r++) {
            const dmd_counts *k = dmd_engine_counts(e, p, r);
            if (!k->reads && !k->writes) continue;
            fprintf(o.f, "%s,%s,%s,%d,%d,%d,%s,%s,%s,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",",
                    run_id, task_get(c->task)->name, rnn_init_names[c->init], c->T, c->H, c->batch,
                    prec_name(c->precision), dmd_model_name(model), dmd_engine_phase_name(e, p),
                    dmd_engine_region_name(e, r), k->reads, k->bytes_read, k->writes, k->bytes_written, k->cost);
            if (k->reads)
                fprintf(o.f, "%.6g,%" PRIu64 "\n", k->sum_depth / (double)k->reads, k->max_depth);
            else
                fprintf(o.f, ",\n"); /* no read: depth is missing, not 0 */
        }
    return cli_out_commit(&o);
}

/* The split the README reports: W_hh, the hidden states h, their gradients
 * (dh, dz), everything else. */
static json_t *split_json(const dmd_engine *e, const dmd_counts *tot)
{
    uint64_t whh = region_cost(e, "W_hh"), h = region_cost(e, "h"), dh = region_cost(e, "dh") + region_cost(e, "dz");
    json_t *o = json_object();
    json_object_set_new(o, "W_hh", json_integer((json_int_t)whh));
    json_object_set_new(o, "h", json_integer((json_int_t)h));
    json_object_set_new(o, "dh_dz", json_integer((json_int_t)dh));
    json_object_set_new(o, "other", json_integer((json_int_t)(tot->cost - whh - h - dh)));
    return o;
}

static json_t *analytic_json(const dmd_engine *e, const rnn_model *m, dmd_model model, unsigned w, int clipped)
{
    an_dims d = {m->cfg.T, m->cfg.H, m->cfg.batch, m->I, m->O, m->K, w, clipped};
    an_estimate est;
    if (an_estimate_step(model, &d, &est) != 0) return json_null();
    uint64_t whh = region_cost(e, "W_hh"), h = region_cost(e, "h");
    json_t *o = json_object();
    json_object_set_new(o, "W_hh_estimate", json_real(est.whh));
    json_object_set_new(o, "h_estimate", json_real(est.hidden));
    json_object_set_new(o, "W_hh_measured", json_integer((json_int_t)whh));
    json_object_set_new(o, "h_measured", json_integer((json_int_t)h));
    json_object_set_new(o, "W_hh_rel_error", whh ? json_real(est.whh / (double)whh - 1) : json_null());
    json_object_set_new(o, "h_rel_error", h ? json_real(est.hidden / (double)h - 1) : json_null());
    return o;
}

/* ---------------------------------------------------------------- run -- */

int measure_run(const measure_request *rq, json_t **result)
{
    rnn_config cfg;
    rnn_model *m = measure_model(rq, &cfg);
    char why[256];
    if (check_budget(rq, m, why, sizeof why)) {
        rnn_model_free(m);
        cli_fail("%s", why);
    }
    unsigned w = rq->bytes_per_element ? rq->bytes_per_element : (unsigned)m->esz;
    char run_id[256];
    if (rq->run_id)
        snprintf(run_id, sizeof run_id, "%s", rq->run_id);
    else
        default_run_id(run_id, sizeof run_id, &cfg, rq->model);

    /* SDE counters (they read the engine through g_engine when PAPI asks) and
     * the outputs that must be writable, before the engine exists */
    int want_probes = rq->papi_events || rq->probes_out || getenv("PAPI_EVENTS") || dmdp_under_valgrind();
    if (want_probes || rq->sde_list) register_sdes();
    if (rq->sde_list) {
        cli_out so;
        if (cli_out_open(&so, rq->sde_list) != 0 || dmdp_sde_write_list(so.f) != 0 || cli_out_commit(&so) != 0) {
            rnn_model_free(m);
            exit(CLI_EXIT_USAGE);
        }
    }
    cli_out trace = {0};
    if (rq->trace_out && cli_out_open(&trace, rq->trace_out) != 0) {
        rnn_model_free(m);
        exit(CLI_EXIT_USAGE);
    }

    dmd_options o = {0};
    o.model = rq->model;
    o.bytes_per_element = w;
    o.trace_out = rq->trace_out ? trace.f : NULL;
    o.per_site = rq->callgrind_out || rq->cachegrind_out;
    o.max_values = rq->max_values;
    dmd_engine *e = dmd_engine_new(&o);
    if (!e) {
        cli_out_abort(&trace);
        cli_warn("cannot create the pricing engine (out of memory)");
        return CLI_EXIT_WORK;
    }

    /* probes (timers, PAPI, SDE, Callgrind toggles) when asked for or under Valgrind */
    dmdp *pr = NULL;
    if (want_probes)
        pr = dmdp_start(rq->papi_events ? rq->papi_events : getenv("PAPI_EVENTS") ? NULL : "none", cli_quiet);
    g_engine = e;

    /* snapshot of everything a step changes */
    size_t pbytes = m->P * m->esz;
    void *p0 = malloc(pbytes), *v0 = malloc(pbytes);
    uint64_t *step_cost = calloc((size_t)rq->steps, sizeof *step_cost);
    uint64_t *step_reads = calloc((size_t)rq->steps, sizeof *step_reads);
    uint64_t *step_bytes = calloc((size_t)rq->steps, sizeof *step_bytes);
    if (!p0 || !v0 || !step_cost || !step_reads || !step_bytes) {
        cli_warn("out of memory");
        return CLI_EXIT_WORK;
    }
    memcpy(p0, m->params, pbytes);
    memcpy(v0, m->mom, pbytes);
    rng_t rng0 = m->data_rng;
    long s0 = m->step;

    int passes = dmd_engine_passes(e);
    double t0 = cli_now();
    rnn_step_result r = {0};
    double first_loss = NAN;
    cli_progress prog;
    cli_progress_start(&prog, cli_name(), (long)passes * rq->steps, 1);
    for (int p = 0; p < passes; p++) {
        memcpy(m->params, p0, pbytes);
        memcpy(m->mom, v0, pbytes);
        m->data_rng = rng0;
        m->step = s0;
        dmd_engine_attach(e, p);
        for (int s = 0; s < rq->steps; s++) {
            rnn_draw_batch(m);
            rnn_hparams hp = rnn_step_hparams(m);
            rnn_step_dmd(m, &hp, s == 0, &r);
            m->step++;
            if (s == 0) first_loss = r.loss;
            if (p == passes - 1) {
                dmd_counts t;
                dmd_engine_total(e, &t);
                step_cost[s] = t.cost;
                step_reads[s] = t.reads;
                step_bytes[s] = t.bytes_read;
            }
            if (!isfinite(r.loss)) break;
            if (cli_now() - t0 > 1.0) { /* progress only on long work */
                char msg[96];
                snprintf(msg, sizeof msg, "pass %d/%d, step %d/%d", p + 1, passes, s + 1, rq->steps);
                cli_progress_update(&prog, (long)p * rq->steps + s + 1, msg);
            }
        }
        rnn_dmd_outputs(m);
        dmd_engine_detach(e);
    }
    double wall = cli_now() - t0;
    if (pr) dmdp_stop(pr);
    g_engine = NULL;

    dmd_counts tot;
    dmd_engine_total(e, &tot);
    int rc = CLI_EXIT_OK;
    if (!isfinite(first_loss)) {
        cli_warn("the step's loss is not finite (%g): the checkpoint or settings diverge", first_loss);
        rc = CLI_EXIT_WORK;
    }

    if (rq->trace_out && (rc != CLI_EXIT_OK || cli_out_commit(&trace) != 0)) {
        if (rc == CLI_EXIT_OK) rc = CLI_EXIT_WORK;
        cli_out_abort(&trace);
    }

    /* JSON summary */
    json_t *j = json_object();
    json_t *jc = json_object();
    json_object_set_new(jc, "task", json_string(task_get(cfg.task)->name));
    json_object_set_new(jc, "init", json_string(rnn_init_names[cfg.init]));
    json_object_set_new(jc, "activation", json_string(rnn_activation_names[cfg.activation]));
    json_object_set_new(jc, "T", json_integer(cfg.T));
    json_object_set_new(jc, "H", json_integer(cfg.H));
    json_object_set_new(jc, "I", json_integer(m->I));
    json_object_set_new(jc, "O", json_integer(m->O));
    json_object_set_new(jc, "K", json_integer(m->K));
    json_object_set_new(jc, "batch", json_integer(cfg.batch));
    json_object_set_new(jc, "precision", json_string(prec_name(cfg.precision)));
    json_object_set_new(jc, "seed", json_integer((json_int_t)cfg.seed));
    json_object_set_new(jc, "steps", json_integer(rq->steps));
    json_object_set_new(jc, "checkpoint", rq->checkpoint ? json_string(rq->checkpoint) : json_null());
    json_object_set_new(j, "run_id", json_string(run_id));
    json_object_set_new(j, "config", jc);
    json_object_set_new(j, "model", json_string(dmd_model_name(rq->model)));
    json_object_set_new(j, "bytes_per_element", json_integer(w));
    json_object_set_new(j, "total_cost", json_integer((json_int_t)tot.cost));
    json_object_set_new(j, "total_reads", json_integer((json_int_t)tot.reads));
    json_object_set_new(j, "total_bytes_read", json_integer((json_int_t)tot.bytes_read));
    json_object_set_new(j, "total_writes", json_integer((json_int_t)tot.writes));
    json_object_set_new(j, "total_bytes_written", json_integer((json_int_t)tot.bytes_written));
    json_object_set_new(j, "mean_depth", tot.reads ? json_real(tot.sum_depth / (double)tot.reads) : json_null());
    json_object_set_new(j, "max_depth", tot.reads ? json_integer((json_int_t)tot.max_depth) : json_null());
    json_object_set_new(j, "loss", isfinite(first_loss) ? json_real(first_loss) : json_null());
    json_object_set_new(j, "clipped_last_step", json_boolean(r.clipped));
    json_object_set_new(j, "wall_seconds", json_real(wall));
    json_t *js = json_array();
    for (int s = 0; s < rq->steps; s++) {
        json_t *x = json_object();
        json_object_set_new(x, "step", json_integer(s + 1));
        json_object_set_new(x, "cost", json_integer((json_int_t)(step_cost[s] - (s ? step_cost[s - 1] : 0))));
        json_object_set_new(x, "reads", json_integer((json_int_t)(step_reads[s] - (s ? step_reads[s - 1] : 0))));
        json_object_set_new(x, "bytes_read",
                            json_integer((json_int_t)(step_bytes[s] - (s ? step_bytes[s - 1] : 0))));
        json_array_append_new(js, x);
    }
    json_object_set_new(j, "steps", js);
    json_t *jp = json_array(), *jr = json_array(), *jrt = json_array();
    for (int p = 0; p < dmd_engine_nphases(e); p++) {
        dmd_counts x;
        dmd_engine_phase_total(e, p, &x);
        if (!x.reads && !x.writes) continue;
        json_t *o2 = dmd_counts_json(&x);
        set_row_keys(o2, dmd_engine_phase_name(e, p), NULL);
        json_array_append_new(jp, o2);
        for (int rr = 0; rr < dmd_engine_nregions(e); rr++) {
            const dmd_counts *k = dmd_engine_counts(e, p, rr);
            if (!k->reads && !k->writes) continue;
            json_t *o3 = dmd_counts_json(k);
            set_row_keys(o3, dmd_engine_phase_name(e, p), dmd_engine_region_name(e, rr));
            json_array_append_new(jr, o3);
        }
    }
    for (int rr = 0; rr < dmd_engine_nregions(e); rr++) {
        dmd_counts x;
        dmd_engine_region_total(e, rr, &x);
        if (!x.reads && !x.writes) continue;
        json_t *o2 = dmd_counts_json(&x);
        set_row_keys(o2, NULL, dmd_engine_region_name(e, rr));
        json_array_append_new(jrt, o2);
    }
    json_object_set_new(j, "phases", jp);
    json_object_set_new(j, "regions", jr);
    json_object_set_new(j, "region_totals", jrt);
    json_object_set_new(j, "split", split_json(e, &tot));
    if (rq->analytic) json_object_set_new(j, "analytic", analytic_json(e, m, rq->model, w, r.clipped));
    if (pr) {
        json_object_set_new(j, "probes", dmdp_json(pr));
        if (!dmdp_complete(pr)) json_object_set_new(j, "incomplete", json_true());
    }

    if (rc == CLI_EXIT_OK && rq->csv && write_csv(rq->csv, e, &cfg, run_id, rq->model) != 0) rc = CLI_EXIT_WORK;
    if (rc == CLI_EXIT_OK && (rq->callgrind_out || rq->cachegrind_out)) {
        char cmdline[256];
        snprintf(cmdline, sizeof cmdline, "dmdprof measure --task %s -T %d -H %d --batch %d --model %s",
                 task_get(cfg.task)->name, cfg.T, cfg.H, cfg.batch, dmd_model_name(rq->model));
        if (rq->callgrind_out && profile_write(rq->callgrind_out, e, cmdline, PROFILE_CALLGRIND) != 0) rc = CLI_EXIT_WORK;
        if (rq->cachegrind_out && profile_write(rq->cachegrind_out, e, cmdline, PROFILE_CACHEGRIND) != 0)
            rc = CLI_EXIT_WORK;
    }
    if (rc == CLI_EXIT_OK && rq->probes_out && pr) {
        cli_out po;
        if (cli_out_open(&po, rq->probes_out) != 0 || dmdp_write_csv(pr, po.f, run_id, 1) != 0 ||
            cli_out_commit(&po) != 0)
            rc = CLI_EXIT_WORK;
    }

    if (result) {
        *result = j;
    } else if (rc == CLI_EXIT_OK) {
        if (rq->json) {
            json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
            fputc('\n', stdout);
        } else {
            printf("dmdprof measure: %s T=%d H=%d B=%d %s, model %s at %u bytes/element, %d step%s, %.2f s\n",
                   task_get(cfg.task)->name, cfg.T, cfg.H, cfg.batch, prec_name(cfg.precision),
                   dmd_model_name(rq->model), w, rq->steps, rq->steps > 1 ? "s" : "", wall);
            dmd_engine_print_table(e, stdout);
            if (rq->steps > 1) {
                printf("\nper step cost:");
                for (int s = 0; s < rq->steps; s++)
                    printf(" %" PRIu64, step_cost[s] - (s ? step_cost[s - 1] : 0));
                printf("\n");
            }
            json_t *an = json_object_get(j, "analytic");
            if (an && json_is_object(an))
                printf("\nanalytic (%s): W_hh %.4g (measured %" PRIu64 ", %+.1f%%), h %.4g (measured %" PRIu64
                       ", %+.1f%%)\n",
                       dmd_model_name(rq->model), json_real_value(json_object_get(an, "W_hh_estimate")),
                       (uint64_t)json_integer_value(json_object_get(an, "W_hh_measured")),
                       100 * json_number_value(json_object_get(an, "W_hh_rel_error")),
                       json_real_value(json_object_get(an, "h_estimate")),
                       (uint64_t)json_integer_value(json_object_get(an, "h_measured")),
                       100 * json_number_value(json_object_get(an, "h_rel_error")));
            else if (rq->analytic)
                printf("\nanalytic: no closed form for the %s model (use classic or lru)\n",
                       dmd_model_name(rq->model));
        }
        json_decref(j);
    } else {
        json_decref(j);
    }
    dmdp_free(pr);
    free(p0);
    free(v0);
    free(step_cost);
    free(step_reads);
    free(step_bytes);
    dmd_engine_free(e);
    rnn_model_free(m);
    return rc;
}

/* ------------------------------------------------ ByteDMD to solution -- */

static const json_t *need(const json_t *o, const char *key, const char *path)
{
    const json_t *v = json_object_get(o, key);
    if (!v) cli_fail("--run: '%s' has no field \"%s\" (is it a run.json written by dmdprof train?)", path, key);
    return v;
}

int measure_to_solution(const measure_request *rq0, const char *run_dir)
{
    char *path = cli_path(run_dir, "run.json");
    json_error_t jerr;
    json_t *run = json_load_file(path, 0, &jerr);
    if (!run) cli_fail("--run: cannot read '%s': %s (line %d)", path, jerr.text, jerr.line);
    const json_t *cfgj = json_object_get(run, "config");
    if (!cfgj) cfgj = run;
    measure_request rq = *rq0;
    const char *task = json_string_value(need(run, "task", path));
    int t = task ? task_parse(task) : -1;
    if (t < 0) cli_fail("--run: '%s' names an unknown task", path);
    rq.cfg.task = (task_id)t;
    rq.cfg.T = (int)json_integer_value(need(run, "T", path));
    rq.cfg.H = (int)json_integer_value(need(run, "H", path));
    rq.cfg.batch = (int)json_integer_value(need(cfgj, "batch", path));
    const char *prec = json_string_value(need(cfgj, "precision", path));
    rq.cfg.precision = prec && (!strcmp(prec, "float32") || !strcmp(prec, "f32")) ? RNN_F32 : RNN_F64;
    rq.set_task = rq.set_T = rq.set_H = rq.set_batch = rq.set_precision = 1;
    int bpe = (int)json_integer_value(need(cfgj, "batches_per_epoch", path));
    const json_t *se = need(run, "solved_epoch", path);
    long epochs_run = (long)json_integer_value(need(run, "epochs_run", path));
    char *ck = cli_path(run_dir, "model.ckpt");
    rq.checkpoint = access(ck, R_OK) == 0 ? ck : NULL;
    rq.steps = 2; /* the second step is the steady state: W_hh comes from the previous update */
    rq.json = 0;
    rq.csv = rq.trace_out = rq.callgrind_out = rq.cachegrind_out = rq.probes_out = rq.sde_list = NULL;
    json_t *res = NULL;
    int rc = measure_run(&rq, &res);
    if (rc != CLI_EXIT_OK) {
        json_decref(res);
        json_decref(run);
        return rc;
    }
    json_t *steps = json_object_get(res, "steps");
    json_t *s2 = json_array_get(steps, 1);
    json_int_t per_step = json_integer_value(json_object_get(s2, "cost"));
    json_int_t per_reads = json_integer_value(json_object_get(s2, "reads"));
    json_int_t per_bytes = json_integer_value(json_object_get(s2, "bytes_read"));
    json_t *out = json_object();
    json_object_set_new(out, "run_dir", json_string(run_dir));
    json_object_set_new(out, "task", json_string(task));
    json_object_set_new(out, "T", json_integer(rq.cfg.T));
    json_object_set_new(out, "H", json_integer(rq.cfg.H));
    json_object_set_new(out, "batch", json_integer(rq.cfg.batch));
    json_object_set_new(out, "precision", json_string(prec_name(rq.cfg.precision)));
    json_object_set_new(out, "model", json_string(dmd_model_name(rq.model)));
    json_object_set_new(out, "bytes_per_element", json_deep_copy(json_object_get(res, "bytes_per_element")));
    json_object_set_new(out, "cost_per_step", json_integer(per_step));
    json_object_set_new(out, "reads_per_step", json_integer(per_reads));
    json_object_set_new(out, "bytes_read_per_step", json_integer(per_bytes));
    json_object_set_new(out, "first_step_cost", json_deep_copy(json_object_get(json_array_get(steps, 0), "cost")));
    json_object_set_new(out, "batches_per_epoch", json_integer(bpe));
    long long total_steps = (long long)epochs_run * bpe;
    json_object_set_new(out, "steps_run", json_integer(total_steps));
    json_object_set_new(out, "cost_of_run", json_real((double)per_step * (double)total_steps));
    if (json_is_integer(se) && json_integer_value(se) > 0) {
        long long steps_to = (long long)json_integer_value(se) * bpe;
        json_object_set_new(out, "solved_epoch", json_integer(json_integer_value(se)));
        json_object_set_new(out, "steps_to_solution", json_integer(steps_to));
        json_object_set_new(out, "cost_to_solution", json_real((double)per_step * (double)steps_to));
        json_object_set_new(out, "bytes_read_to_solution", json_real((double)per_bytes * (double)steps_to));
    } else {
        json_object_set_new(out, "solved_epoch", json_null());
        json_object_set_new(out, "steps_to_solution", json_null());
        json_object_set_new(out, "cost_to_solution", json_null());
        json_object_set_new(out, "bytes_read_to_solution", json_null());
    }
    json_object_set_new(out, "note",
                        json_string("cost_per_step is the second of two consecutive priced steps (steady state); "
                                    "the kernel's cost depends on the data only through the clipping decision and "
                                    "the position of class labels (README, 'Is the cost data-dependent?')"));
    char fname[64];
    snprintf(fname, sizeof fname, "dmd_to_solution_%s.json", dmd_model_name(rq.model));
    char *outp = cli_path(run_dir, fname);
    if (cli_write_json(outp, out) != 0) rc = CLI_EXIT_WORK;
    if (rc == CLI_EXIT_OK) {
        json_t *cts = json_object_get(out, "cost_to_solution");
        if (json_is_number(cts))
            printf("%s: %lld steps to solution x %lld per step = %.4g ByteDMD (%s, %u B/element); wrote %s\n", run_dir,
                   (long long)json_integer_value(json_object_get(out, "steps_to_solution")), (long long)per_step,
                   json_number_value(cts), dmd_model_name(rq.model),
                   (unsigned)json_integer_value(json_object_get(out, "bytes_per_element")), outp);
        else
            printf("%s: never solved; %lld per step, %.4g over the whole run (%s); wrote %s\n", run_dir,
                   (long long)per_step, (double)per_step * (double)total_steps, dmd_model_name(rq.model), outp);
    }
    free(outp);
    free(ck);
    free(path);
    json_decref(out);
    json_decref(res);
    json_decref(run);
    return rc;
}
