/*
 * cmd_train.c -- `dmdprof train` (one run: history.csv, run.json,
 * model.ckpt) and `dmdprof headline` (the seed experiment's six runs, in
 * parallel worker processes, and its summary table).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "dmdp.h"
#include "commands.h"
#include "measure.h"
#include "rnn.h"
#include "sde_catalog.h"

/* ------------------------------------------------------------------ */
/* one run                                                             */
/* ------------------------------------------------------------------ */

typedef struct {
    cli_progress prog;
    int quiet;
    double t0;
    const char *dir;    /* periodic checkpoints go to dir/model.ckpt (NULL: none) */
    double ckpt_every;  /* seconds between them (0: every epoch) */
    double last_ckpt;   /* time of the last one (0: none yet) */
} train_ctx;

/* Write dir/model.ckpt atomically (temporary name, fsync, rename).  0, or -1
 * after one line saying why. */
static int write_ckpt(const rnn_model *m, const char *dir)
{
    char *p = cli_path(dir, "model.ckpt");
    cli_out o;
    int rc = -1;
    if (cli_out_open(&o, p) == 0) {
        if (rnn_ckpt_write(m, o.f) != 0) {
            cli_out_abort(&o);
            cli_warn("cannot write checkpoint '%s': %s", p, strerror(errno ? errno : EIO));
        } else
            rc = cli_out_commit(&o);
    }
    free(p);
    return rc;
}

static void train_epoch_cb(void *vctx, const rnn_model *m, const rnn_epoch_rec *rec)
{
    train_ctx *c = vctx;
    /* a resumable state after the first epoch, then every ckpt_every seconds:
     * a killed run continues with --resume DIR/model.ckpt, bit for bit */
    if (c->dir && m->epoch < m->cfg.epochs && (c->last_ckpt == 0 || cli_now() - c->last_ckpt >= c->ckpt_every)) {
        if (write_ckpt(m, c->dir) != 0) exit(CLI_EXIT_WORK); /* the run could not be saved: stop now */
        c->last_ckpt = cli_now();
    }
    if (c->quiet) return;
    char msg[160];
    snprintf(msg, sizeof msg, "epoch %d/%d loss %.4g %s %.4g", rec->epoch, m->cfg.epochs, rec->loss,
             task_get(m->cfg.task)->metric, rec->metric);
    cli_progress_update(&c->prog, rec->epoch, msg);
}

static json_t *json_num_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *json_doubles(const double *v, int n)
{
    json_t *a = json_array();
    for (int k = 0; k < n; k++) json_array_append_new(a, json_num_or_null(v[k]));
    return a;
}

static json_t *config_json(const rnn_config *c)
{
    json_t *j = json_object();
    json_object_set_new(j, "task", json_string(task_get(c->task)->name));
    json_object_set_new(j, "cell", json_string(rnn_cells[c->cell]->name));
    json_object_set_new(j, "schedule", json_string(rnn_cells[c->cell]->schedules[c->schedule].name));
    json_object_set_new(j, "init", json_string(rnn_init_names[c->init]));
    json_object_set_new(j, "activation", json_string(rnn_activation_names[c->activation]));
    json_object_set_new(j, "T", json_integer(c->T));
    json_object_set_new(j, "H", json_integer(c->H));
    json_object_set_new(j, "batch", json_integer(c->batch));
    json_object_set_new(j, "batches_per_epoch", json_integer(c->batches_per_epoch));
    json_object_set_new(j, "epochs", json_integer(c->epochs));
    json_object_set_new(j, "lr", json_real(c->lr));
    json_object_set_new(j, "momentum", json_real(c->momentum));
    json_object_set_new(j, "nesterov", json_boolean(c->nesterov));
    json_object_set_new(j, "momentum_schedule", json_boolean(c->momentum_schedule));
    json_object_set_new(j, "clip", c->clip > 0 ? json_real(c->clip) : json_null());
    json_object_set_new(j, "lr_schedule", json_string(rnn_lr_names[c->lr_schedule]));
    json_object_set_new(j, "lr_gamma", json_real(c->lr_gamma));
    json_object_set_new(j, "lr_step", json_integer(c->lr_step_epochs));
    json_object_set_new(j, "lr_patience", json_integer(c->lr_patience));
    json_object_set_new(j, "lr_min", json_real(c->lr_min));
    json_object_set_new(j, "sigma", json_real(c->sigma));
    { /* the bias of the keep gate at init (GRU b_z, LSTM b_f): a number, "chrono", or null (vanilla) */
        const rnn_cell *cell = rnn_cells[c->cell];
        json_t *gb = rnn_keep_tensor(cell) < 0              ? json_null()
                     : c->gate_bias_kind == RNN_GB_CHRONO ? json_string("chrono")
                     : json_real(c->gate_bias_kind == RNN_GB_CONST ? c->gate_bias : cell->keep_bias);
        json_object_set_new(j, "gate_bias", gb);
        json_object_set_new(j, "gate_bias_default", rnn_keep_tensor(cell) < 0 ? json_null() : json_real(cell->keep_bias));
    }
    json_object_set_new(j, "seed", json_integer((json_int_t)c->seed));
    json_object_set_new(j, "data_seed", json_integer((json_int_t)rnn_data_seed(c)));
    json_object_set_new(j, "precision", json_string(rnn_precision_names[c->precision]));
    return j;
}

/* DIR/NAME written atomically by fn; 0, or -1 after saying why. */
static int write_history(const rnn_model *m, const char *dir, const char *name, int (*fn)(const rnn_model *, FILE *))
{
    char *p = cli_path(dir, name);
    int rc = cli_write_with(p, (int (*)(void *, FILE *))fn, (void *)m);
    free(p);
    return rc;
}

/* Train (or continue) m, write DIR/history.csv, DIR/model.ckpt (not for a
 * diverged run) and DIR/run.json last.  Returns the exit code. */
static int run_and_write(rnn_model *m, const char *dir, long max_steps, int quiet, const char *label,
                         const char *resumed_from, int worker, double ckpt_every)
{
    train_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.quiet = quiet;
    ctx.dir = ckpt_every >= 0 ? dir : NULL;
    ctx.ckpt_every = ckpt_every;
    cli_progress_start(&ctx.prog, label, m->cfg.epochs, 10);
    if (worker) { /* a headline worker shares the terminal: plain lines, every 20 epochs */
        ctx.prog.tty = 0;
        ctx.prog.every = 20;
    }
    long step0 = m->step;
    double t0 = cli_now(), c0 = cli_cpu_seconds();
    rnn_status st = rnn_train(m, max_steps, train_epoch_cb, &ctx);
    double wall = cli_now() - t0, cpu = cli_cpu_seconds() - c0;
    long steps = m->step - step0;
    const rnn_epoch_rec *last = m->nhist ? &m->hist[m->nhist - 1] : NULL;
    if (!quiet && !worker) { /* a headline worker: the parent reports the end */
        char msg[200];
        snprintf(msg, sizeof msg, "%s after %d epochs (%ld steps); final %s %s", rnn_status_names[st], m->epoch,
                 m->step, task_get(m->cfg.task)->metric, last ? "" : "n/a");
        if (last) {
            size_t n = strlen(msg);
            snprintf(msg + n, sizeof msg - n, "%.4g", last->metric);
        }
        cli_progress_done(&ctx.prog, msg);
    }

    int rc = CLI_EXIT_OK; /* a file that cannot be written is a failure of the work: exit 1, one line */
    /* history.csv (wide) and history_long.csv (tidy) */
    if (write_history(m, dir, "history.csv", rnn_history_csv) != 0 ||
        write_history(m, dir, "history_long.csv", rnn_history_long_csv) != 0)
        rc = CLI_EXIT_WORK;
    char *p;
    /* model.ckpt; a diverged run keeps none (a periodic one would only diverge again) */
    if (rc == CLI_EXIT_OK && st != RNN_DIVERGED && write_ckpt(m, dir) != 0) rc = CLI_EXIT_WORK;
    if (st == RNN_DIVERGED && ctx.last_ckpt != 0) {
        p = cli_path(dir, "model.ckpt");
        unlink(p);
        free(p);
    }
    if (rc != CLI_EXIT_OK) return rc;

    /* run.json */
    const task_info *ti = task_get(m->cfg.task);
    json_t *j = cli_with_schema(CLI_SCHEMA_RUN, NULL);
    json_object_set_new(j, "task", json_string(ti->name));
    json_object_set_new(j, "init", json_string(rnn_init_names[m->cfg.init]));
    json_object_set_new(j, "activation", json_string(rnn_activation_names[m->cfg.activation]));
    json_object_set_new(j, "T", json_integer(m->cfg.T));
    json_object_set_new(j, "H", json_integer(m->cfg.H));
    json_object_set_new(j, "seed", json_integer((json_int_t)m->cfg.seed));
    json_object_set_new(j, "data_seed", json_integer((json_int_t)rnn_data_seed(&m->cfg)));
    json_object_set_new(j, "precision", json_string(rnn_precision_names[m->cfg.precision]));
    json_object_set_new(j, "epochs_run", json_integer(m->epoch));
    json_object_set_new(j, "steps_run", json_integer(m->step));
    json_object_set_new(j, "metric_name", json_string(ti->metric));
    json_object_set_new(j, "final_metric", last ? json_num_or_null(last->metric) : json_null());
    json_object_set_new(j, "final_loss", last ? json_num_or_null(last->loss) : json_null());
    json_object_set_new(j, "chance", json_real(task_chance(m->cfg.task, m->cfg.T)));
    json_object_set_new(j, "solve_threshold", json_real(ti->solve_threshold));
    json_object_set_new(j, "solved_epoch", m->solved_epoch ? json_integer(m->solved_epoch) : json_null());
    json_object_set_new(j, "status", json_string(rnn_status_names[st]));
    json_object_set_new(j, "diverged_epoch", m->diverged_epoch ? json_integer(m->diverged_epoch) : json_null());
    json_object_set_new(j, "wall_seconds", json_real(wall));
    json_object_set_new(j, "steps_this_invocation", json_integer(steps));
    double flops = rnn_step_flops(m) * (double)steps;
    json_object_set_new(j, "gflop", json_real(flops / 1e9));
    json_object_set_new(j, "gflops_per_second", steps > 0 && wall > 0 ? json_real(flops / wall / 1e9) : json_null());
    /* CPU time of this process (getrusage: user + system), for figures on a shared machine */
    json_object_set_new(j, "cpu_seconds", cpu >= 0 ? json_real(cpu) : json_null());
    json_object_set_new(j, "gflops_per_cpu_second", steps > 0 && cpu > 0 ? json_real(flops / cpu / 1e9) : json_null());
    json_object_set_new(j, "kernel_isa", json_string(rnn_isa()));
    json_object_set_new(j, "schedule", json_string(m->sched->name));
    json_object_set_new(j, "ckpt_every", strcmp(m->sched->name, "ckpt") ? json_null() : json_integer(rnn_ckpt_segment(&m->cfg)));
    json_object_set_new(j, "resumed_from", resumed_from ? json_string(resumed_from) : json_null());
    json_object_set_new(j, "sv_W_hh_init", json_doubles(m->sv_init, m->cfg.H));
    double *sv = malloc((size_t)m->cfg.H * sizeof *sv);
    if (sv && st != RNN_DIVERGED && rnn_whh_singular_values(m, sv) == 0)
        json_object_set_new(j, "sv_W_hh_final", json_doubles(sv, m->cfg.H));
    else
        json_object_set_new(j, "sv_W_hh_final", json_null());
    free(sv);
    json_object_set_new(j, "config", config_json(&m->cfg));
    json_object_set_new(j, "version", json_string(DMDPROF_VERSION));
    p = cli_path(dir, "run.json");
    if (cli_write_json(p, j) != 0) rc = CLI_EXIT_WORK;
    free(p);
    json_decref(j);
    if (rc == CLI_EXIT_OK && st == RNN_DIVERGED) {
        cli_warn("the loss became NaN/Inf in epoch %d: run stopped, status \"diverged\"", m->diverged_epoch);
        rc = CLI_EXIT_WORK;
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* flags                                                               */
/* ------------------------------------------------------------------ */

enum {
    OPT_TASK = 1000, OPT_INIT, OPT_ACT, OPT_EPOCHS, OPT_BATCH, OPT_BPE, OPT_LR, OPT_MOM, OPT_NEST, OPT_MSCHED,
    OPT_CLIP, OPT_LRS, OPT_LRG, OPT_LRSTEP, OPT_LRPAT, OPT_LRMIN, OPT_SIGMA, OPT_SEED, OPT_DSEED, OPT_PREC, OPT_OUT,
    OPT_RESUME, OPT_MAXSTEPS, OPT_QUIET, OPT_HELP, OPT_JOBS, OPT_PAPI, OPT_PROBES, OPT_CKPT, OPT_SCHED, OPT_CKEV,
    OPT_CELL, OPT_GBIAS
};

/* Parse a model/optimizer flag into c; returns 1 if opt was one. */
static int parse_model_flag(int opt, const char *arg, rnn_config *c)
{
    switch (opt) {
    case OPT_TASK: {
        int t = task_parse(arg);
        if (t < 0) cli_fail("--task: unknown task '%s' (choose one of: %s)", arg, task_names());
        c->task = (task_id)t;
        return 1;
    }
    case OPT_INIT: c->init = (rnn_init_kind)cli_choice("--init", arg, rnn_init_names); return 1;
    case OPT_ACT: c->activation = (rnn_activation)cli_choice("--activation", arg, rnn_activation_names); return 1;
    case 'T': c->T = (int)cli_long("-T", arg, 1, RNN_T_MAX); return 1;
    case 'H': c->H = (int)cli_long("-H", arg, 1, RNN_H_MAX); return 1;
    case OPT_EPOCHS: c->epochs = (int)cli_long("--epochs", arg, 1, RNN_EPOCHS_MAX); return 1;
    case OPT_BATCH: c->batch = (int)cli_long("--batch", arg, 1, RNN_B_MAX); return 1;
    case OPT_BPE: c->batches_per_epoch = (int)cli_long("--batches-per-epoch", arg, 1, 1000000); return 1;
    case OPT_LR: c->lr = cli_double("--lr", arg, 0, 0, 1e6, 1); return 1;
    case OPT_MOM: c->momentum = cli_double("--momentum", arg, 0, 0, 1, 1); return 1;
    case OPT_NEST: c->nesterov = 1; return 1;
    case OPT_MSCHED: c->momentum_schedule = 1; return 1;
    case OPT_CLIP:
        if (!strcmp(arg, "none") || !strcmp(arg, "off"))
            c->clip = 0;
        else
            c->clip = cli_double("--clip", arg, 0, 1, 1e300, 0);
        return 1;
    case OPT_LRS: c->lr_schedule = (rnn_lr_kind)cli_choice("--lr-schedule", arg, rnn_lr_names); return 1;
    case OPT_LRG: c->lr_gamma = cli_double("--lr-gamma", arg, 0, 1, 1, 0); return 1;
    case OPT_LRSTEP: c->lr_step_epochs = (int)cli_long("--lr-step", arg, 1, RNN_EPOCHS_MAX); return 1;
    case OPT_LRPAT: c->lr_patience = (int)cli_long("--lr-patience", arg, 0, RNN_EPOCHS_MAX); return 1;
    case OPT_LRMIN: c->lr_min = cli_double("--lr-min", arg, 0, 0, 1e6, 1); return 1;
    case OPT_SIGMA: c->sigma = cli_double("--sigma", arg, 0, 1, 1e6, 1); return 1;
    case OPT_GBIAS:
        if (!strcmp(arg, "chrono")) {
            c->gate_bias_kind = RNN_GB_CHRONO;
            c->gate_bias = 0;
        } else {
            c->gate_bias_kind = RNN_GB_CONST;
            char *end;
            double v = strtod(arg, &end);
            if (!*arg || *end)
                cli_fail("--gate-bias: '%s' is neither a number nor 'chrono'", arg);
            if (!isfinite(v)) /* (an underflow to 0 is a fine value) */
                cli_fail("--gate-bias: '%s' is not a finite number (expected -%g..%g, or chrono)", arg,
                         RNN_GATE_BIAS_MAX, RNN_GATE_BIAS_MAX);
            c->gate_bias = v; /* the range: rnn_config_check */
        }
        return 1;
    case OPT_SEED: c->seed = (uint64_t)cli_long("--seed", arg, 0, 0x7fffffffffffffffL); return 1;
    case OPT_DSEED:
        c->data_seed = (uint64_t)cli_long("--data-seed", arg, 0, 0x7fffffffffffffffL);
        c->has_data_seed = 1;
        return 1;
    case OPT_PREC: c->precision = (rnn_precision)cli_choice("--precision", arg, rnn_precision_names); return 1;
    }
    return 0;
}

static const struct option train_opts[] = {
    {"task", required_argument, 0, OPT_TASK},
    {"init", required_argument, 0, OPT_INIT},
    {"activation", required_argument, 0, OPT_ACT},
    {"epochs", required_argument, 0, OPT_EPOCHS},
    {"batch", required_argument, 0, OPT_BATCH},
    {"batches-per-epoch", required_argument, 0, OPT_BPE},
    {"lr", required_argument, 0, OPT_LR},
    {"momentum", required_argument, 0, OPT_MOM},
    {"nesterov", no_argument, 0, OPT_NEST},
    {"momentum-schedule", no_argument, 0, OPT_MSCHED},
    {"clip", required_argument, 0, OPT_CLIP},
    {"lr-schedule", required_argument, 0, OPT_LRS},
    {"lr-gamma", required_argument, 0, OPT_LRG},
    {"lr-step", required_argument, 0, OPT_LRSTEP},
    {"lr-patience", required_argument, 0, OPT_LRPAT},
    {"lr-min", required_argument, 0, OPT_LRMIN},
    {"sigma", required_argument, 0, OPT_SIGMA},
    {"gate-bias", required_argument, 0, OPT_GBIAS},
    {"seed", required_argument, 0, OPT_SEED},
    {"data-seed", required_argument, 0, OPT_DSEED},
    {"precision", required_argument, 0, OPT_PREC},
    {"out", required_argument, 0, OPT_OUT},
    {"resume", required_argument, 0, OPT_RESUME},
    {"max-steps", required_argument, 0, OPT_MAXSTEPS},
    {"steps", required_argument, 0, OPT_MAXSTEPS},
    {"quiet", no_argument, 0, OPT_QUIET},
    {"jobs", required_argument, 0, OPT_JOBS},
    {"papi-events", required_argument, 0, OPT_PAPI},
    {"probes-out", required_argument, 0, OPT_PROBES},
    {"checkpoint-every", required_argument, 0, OPT_CKPT},
    {"schedule", required_argument, 0, OPT_SCHED},
    {"ckpt-every", required_argument, 0, OPT_CKEV},
    {"cell", required_argument, 0, OPT_CELL},
    {"help", no_argument, 0, OPT_HELP},
    {0, 0, 0, 0},
};

/* "-T", "-H" or "--name" of an option, for messages */
static const char *opt_name(int opt)
{
    static char buf[64];
    if (opt == 'T') return "-T";
    if (opt == 'H') return "-H";
    for (const struct option *o = train_opts; o->name; o++)
        if (o->val == opt) {
            snprintf(buf, sizeof buf, "--%s", o->name);
            return buf;
        }
    return "?";
}

static void train_usage(FILE *f)
{
    fprintf(f,
            "usage: dmdprof train [options]\n"
            "Train one RNN (vanilla tanh by default, or a GRU or LSTM: --cell) with BPTT; writes\n"
            "DIR/history.csv, DIR/run.json, DIR/model.ckpt.  Defaults are the seed experiment's headline settings.\n\n"
            "  --task NAME            %s (default addition)\n"
            "  --cell NAME            the recurrent cell (default vanilla; the checkpoint records it):\n%s"
            "  --init KIND            ortho | random | identity (default ortho; identity: vanilla only)\n"
            "  --activation F         tanh | relu (relu + identity = IRNN; default tanh; relu: vanilla only)\n"
            "  -T N                   sequence length, >= the task's minimum (default 30)\n"
            "  -H N                   hidden units, 1..%d (default 64)\n"
            "  --epochs N             (default 80)\n"
            "  --batch N              (default 50)\n"
            "  --batches-per-epoch N  (default 30)\n"
            "  --lr X                 learning rate >= 0 (default 0.01)\n"
            "  --momentum X           in [0, 1) (default 0.9; the maximum with --momentum-schedule)\n"
            "  --nesterov             Nesterov momentum (default heavy ball)\n"
            "  --momentum-schedule    mu_t = min(1 - 2^(-1 - log2(floor(t/250) + 1)), --momentum)\n"
            "  --clip X | none        global gradient-norm clip threshold > 0 (default 1.0)\n"
            "  --lr-schedule S        constant | step | exp | plateau (default constant)\n"
            "  --lr-gamma X           factor in (0, 1] (default 0.5)\n"
            "  --lr-step N            step: epochs per cut (default 20)\n"
            "  --lr-patience N        plateau: epochs without loss improvement before a cut (default 5)\n"
            "  --lr-min X             floor of the schedules (default 1e-5)\n"
            "  --sigma X              random init: W_hh (each recurrent gate matrix) ~ N(0, sigma^2) (default 0.1)\n"
            "  --gate-bias X|chrono   gated cells: the init of the bias of the gate that keeps the state, GRU b_z\n"
            "                         (h_t = (1 - z) n + z h_{t-1}; default 0) and LSTM b_f (default 1); chrono:\n"
            "                         log u, u ~ U(1, T - 1) per unit (Tallec & Ollivier 2018; LSTM: b_i = -b_f)\n"
            "  --seed N               (default 0)\n"
            "  --data-seed N          the batches from seed N, the init from --seed (default: --seed)\n"
            "  --precision P          float64 | float32 (default float64)\n"
            "  --out DIR              output directory (default runs/train)\n"
            "  --resume FILE          continue from a checkpoint (only --epochs, --max-steps, --out, --quiet\n"
            "                         may be given with it, and --cell if it names the checkpoint's cell)\n"
            "  --max-steps N          stop after N optimizer steps (profiling aid; status \"stopped\")\n"
            "  --schedule NAME        BPTT schedule of the cell: %s (default bptt; every schedule\n"
            "                         gives the same bits, a resumed run may use another)\n"
            "  --ckpt-every K         schedule ckpt: keep h_t every K steps, 1..T (default ceil(sqrt(T)))\n"
            "  --checkpoint-every S   write DIR/model.ckpt (atomically) after the first epoch, then every S\n"
            "                         seconds (default 10; 0 = every epoch): a killed run resumes from it\n"
            "  --papi-events LIST     PAPI events counted per phase (default none; 'default' = PAPI_TOT_INS,\n"
            "                         PAPI_TOT_CYC, PAPI_L1_DCM, PAPI_L2_DCM, PAPI_L3_TCM; or $PAPI_EVENTS)\n"
            "  --probes-out FILE      per-phase timers and PAPI counts, rows run_id,phase,source,event,value\n"
            "                         (default DIR/probes.csv; the same as JSON in DIR/probes.json)\n"
            "  --quiet                no progress output\n\n"
            "--out DIR must not hold another run: a fresh run may replace a run of the same configuration\n"
            "(its old files are removed first), --resume may continue the run whose checkpoint lies in DIR.\n\n"
            "exit: 0 trained (solved, unsolved or stopped), 1 diverged (loss NaN/Inf) or an output could\n"
            "not be written (full disk), 2 bad input\n",
            task_names(), rnn_cells_help("                           "), RNN_H_MAX, rnn_schedule_names(rnn_cells[0]));
}

static void check_config(const rnn_config *c)
{
    char buf[300];
    const char *bad = rnn_config_check(c, buf, sizeof buf);
    if (bad) cli_fail("%s", bad);
}

/* The training loop's counters as sde:::dmdprof::steps, epochs, examples
 * (sde_catalog.h), read live from the model being trained. */
static const rnn_model *g_train_model;

static long long train_sde_read(void *ctx)
{
    const sde_entry *e = ctx;
    const rnn_model *m = g_train_model;
    if (!m) return 0;
    return e->metric == SDE_STEPS ? m->step : e->metric == SDE_EPOCHS ? m->epoch : (long long)m->step * m->cfg.batch;
}

static void train_register_sdes(const rnn_model *m)
{
    static int done;
    g_train_model = m;
    if (done || !dmdp_have_papi()) return;
    done = 1;
    int n;
    const sde_entry *t = sde_catalog(&n);
    for (int i = 0; i < n; i++)
        if (t[i].metric >= SDE_STEPS) dmdp_sde_counter_ex(t[i].name, t[i].descr, train_sde_read, (void *)&t[i], 1);
}

/* 1 if path names a file directly inside dir ("dir/name"). */
static int in_dir(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    const char *slash = strrchr(path, '/');
    if (!slash) return n == 1 && dir[0] == '.';
    return (size_t)(slash - path) == n && strncmp(path, dir, n) == 0;
}

/* The files a run writes into its directory (dmd_to_solution_*.json are
 * derived from them by measure --run). */
static const char *const run_files[] = {"run.json", "history.csv", "history_long.csv", "model.ckpt", "probes.csv", "probes.json", NULL};

static int same_config(const rnn_config *a, const rnn_config *b)
{
    return a->task == b->task && a->init == b->init && a->activation == b->activation && a->T == b->T &&
           a->H == b->H && a->batch == b->batch && a->batches_per_epoch == b->batches_per_epoch &&
           a->epochs == b->epochs && a->nesterov == b->nesterov && a->momentum_schedule == b->momentum_schedule &&
           a->lr_schedule == b->lr_schedule && a->lr_step_epochs == b->lr_step_epochs &&
           a->lr_patience == b->lr_patience && a->precision == b->precision && a->seed == b->seed &&
           rnn_data_seed(a) == rnn_data_seed(b) && a->lr == b->lr &&
           a->momentum == b->momentum && a->clip == b->clip && a->lr_gamma == b->lr_gamma && a->lr_min == b->lr_min &&
           a->sigma == b->sigma && a->cell == b->cell && a->gate_bias_kind == b->gate_bias_kind &&
           a->gate_bias == b->gate_bias;
}

/* Remove a run's files from dir, run.json first (nothing looks finished). */
static void remove_run_files(const char *dir)
{
    for (int k = 0; run_files[k]; k++) {
        char *p = cli_path(dir, run_files[k]);
        if (unlink(p) != 0 && errno != ENOENT) cli_fail("--out: cannot remove the old '%s': %s", p, strerror(errno));
        free(p);
    }
    for (int k = 0; k < 3; k++) {
        char name[64];
        snprintf(name, sizeof name, "dmd_to_solution_%s.json", k == 0 ? "live" : k == 1 ? "classic" : "lru");
        char *p = cli_path(dir, name);
        unlink(p);
        free(p);
    }
}

/* --out must not mix two runs.  A directory holding none of run_files is
 * free.  Otherwise: --resume of dir/model.ckpt continues that run in place;
 * a fresh run of the same configuration as dir/model.ckpt (an interrupted
 * run started again) replaces it whole; anything else is refused. */
static void prepare_out(const char *dir, const char *resume, const rnn_config *want)
{
    int any = 0;
    struct stat st;
    for (int k = 0; run_files[k]; k++) {
        char *p = cli_path(dir, run_files[k]);
        any |= stat(p, &st) == 0;
        free(p);
    }
    if (!any) return;
    char *ck = cli_path(dir, "model.ckpt");
    struct stat a, b;
    int have_ck = stat(ck, &a) == 0;
    if (resume) {
        if (!(have_ck && stat(resume, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino))
            cli_fail("--out: '%s' holds another run; resume into it only from its own %s, or choose an empty "
                     "directory",
                     dir, ck);
        free(ck);
        char *rj = cli_path(dir, "run.json"); /* the run goes on: it is not finished any more */
        unlink(rj);
        free(rj);
        return;
    }
    char err[512];
    rnn_model *old = have_ck ? rnn_ckpt_read(ck, err, sizeof err) : NULL;
    int same = old && same_config(&old->cfg, want);
    rnn_model_free(old);
    if (!same)
        cli_fail("--out: '%s' already holds %s; continue it with --resume %s, or choose an empty directory", dir,
                 have_ck ? "a run of another configuration" : "files of a run (run.json, history.csv ...)", ck);
    free(ck);
    remove_run_files(dir);
}

int cmd_train(int argc, char **argv)
{
    rnn_config c;
    rnn_config_default(&c);
    const char *out = "runs/train", *resume = NULL, *papi_events = NULL, *probes_out = NULL;
    long max_steps = 0;
    double ckpt_every = 10;
    const char *schedule = NULL;
    int seg_every = 0, cell_k = -1;
    int quiet = 0, given_model_flag = 0, epochs_given = 0;
    optind = 1;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, ":T:H:", train_opts, NULL)) != -1) {
        if (opt == '?') cli_fail("unknown option '%s' (see dmdprof train --help)", argv[optind - 1]);
        if (opt == ':') cli_fail("%s needs a value (see dmdprof train --help)", argv[optind - 1]);
        if (opt == OPT_HELP) {
            train_usage(stdout);
            return CLI_EXIT_OK;
        }
        if (parse_model_flag(opt, optarg, &c)) {
            if (opt == OPT_EPOCHS)
                epochs_given = 1;
            else if (!given_model_flag)
                given_model_flag = opt;
            continue;
        }
        switch (opt) {
        case OPT_OUT: out = optarg; break;
        case OPT_RESUME: resume = optarg; break;
        case OPT_MAXSTEPS: max_steps = cli_long("--max-steps", optarg, 1, 0x7fffffffffffffffL); break;
        case OPT_QUIET: quiet = 1; break;
        case OPT_PAPI: papi_events = optarg; break;
        case OPT_PROBES: probes_out = optarg; break;
        case OPT_CKPT: ckpt_every = cli_double("--checkpoint-every", optarg, 0, 0, 1e9, 0); break;
        case OPT_SCHED: schedule = optarg; break;
        case OPT_CKEV: seg_every = (int)cli_long("--ckpt-every", optarg, 1, RNN_T_MAX); break;
        case OPT_CELL:
            cell_k = rnn_cell_find(optarg);
            if (cell_k < 0) cli_fail("--cell: unknown cell '%s' (choose one of: %s)", optarg, rnn_cell_names());
            c.cell = cell_k;
            break;
        default: cli_fail("%s is not an option of train (see dmdprof train --help)", opt_name(opt));
        }
    }
    if (optind < argc) cli_fail("unexpected argument '%s' (see dmdprof train --help)", argv[optind]);
    cli_quiet = quiet;

    rnn_model *m = NULL;
    char err[512];
    if (resume) {
        if (given_model_flag)
            cli_fail("%s cannot be given with --resume: the configuration comes from the checkpoint",
                     opt_name(given_model_flag));
        m = rnn_ckpt_read(resume, err, sizeof err);
        if (!m) cli_fail("--resume: %s", err);
        if (cell_k >= 0 && cell_k != m->cfg.cell)
            cli_fail("--cell: '%s' holds a %s cell but --cell is %s (a run keeps its cell: drop --cell, or train "
                     "a new run)",
                     resume, m->cell->name, rnn_cells[cell_k]->name);
        c.cell = m->cfg.cell;
    }
    /* the schedule: how a step runs (same bits), allowed with --resume too */
    int sk = 0;
    if (schedule) {
        const rnn_cell *cell = rnn_cells[c.cell];
        sk = rnn_schedule_find(cell, schedule);
        if (sk < 0)
            cli_fail("--schedule: the %s cell has no schedule '%s' (choose one of: %s)", cell->name, schedule,
                     rnn_schedule_names(cell));
    }
    {
        rnn_config t = c;
        t.schedule = sk;
        t.ckpt_every = seg_every;
        if (!resume) check_config(&t); /* --ckpt-every against T and the schedule, before any file is made */
    }
    if (resume) {
        if (epochs_given) {
            if (c.epochs < m->epoch)
                cli_fail("--epochs: %d is below the %d epochs the checkpoint has already run", c.epochs, m->epoch);
            m->cfg.epochs = c.epochs;
        }
        check_config(&m->cfg);
    } else {
        check_config(&c);
    }
    /* every check before the first file or directory is made */
    if (probes_out && !in_dir(probes_out, out)) cli_check_writable("--probes-out", probes_out);
    prepare_out(out, resume, resume ? &m->cfg : &c);
    cli_make_dir("--out", out);
    if (probes_out && in_dir(probes_out, out)) cli_check_writable("--probes-out", probes_out);
    if (!resume) {
        m = rnn_model_create(&c, err, sizeof err);
        if (!m) {
            cli_warn("%s", err);
            return CLI_EXIT_WORK;
        }
    }
    if (rnn_model_set_schedule(m, sk, seg_every, err, sizeof err) != 0) cli_fail("%s", err);
    char label[128];
    snprintf(label, sizeof label, "train %s/%s%s%s T=%d", task_get(m->cfg.task)->name,
             m->cfg.cell ? m->cell->name : "", m->cfg.cell ? "/" : "", rnn_init_names[m->cfg.init], m->cfg.T);
    /* probes: timers per phase always, PAPI when asked for, Callgrind toggles
     * when running under Valgrind (dmdprof callgrind -- train ...); the
     * loop's counters as SDEs first, so that they are counted per phase
     * (only when PAPI is asked for: libsde is not touched otherwise) */
    const char *pev = papi_events ? papi_events : getenv("PAPI_EVENTS") ? NULL : "none";
    if (!pev || strcmp(pev, "none")) train_register_sdes(m);
    dmdp *pr = dmdp_start(pev, quiet);
    int rc = run_and_write(m, out, max_steps, quiet, label, resume, 0, ckpt_every);
    if (pr && rc == CLI_EXIT_WORK && m->status != RNN_DIVERGED) { /* an output failed (said once): no more writes */
        dmdp_stop(pr);
        dmdp_free(pr);
    } else if (pr) {
        dmdp_stop(pr);
        char run_id[256];
        snprintf(run_id, sizeof run_id, "train-%s-%s-T%d-H%d-s%llu", task_get(m->cfg.task)->name,
                 rnn_init_names[m->cfg.init], m->cfg.T, m->cfg.H, (unsigned long long)m->cfg.seed);
        char *pp = probes_out ? strdup(probes_out) : cli_path(out, "probes.csv");
        probes_csv_ctx pc = {pr, run_id};
        int bad = cli_write_with(pp, probes_csv, &pc) != 0;
        free(pp);
        if (!bad) { /* the same figures as JSON, next to run.json (not tried after a failure: said once) */
            json_t *pj = dmdp_json(pr);
            if (pj) pj = cli_with_schema(CLI_SCHEMA_PROBES, pj);
            pp = cli_path(out, "probes.json");
            bad = !pj || cli_write_json(pp, pj) != 0;
            json_decref(pj);
            free(pp);
        }
        if (bad) rc = CLI_EXIT_WORK;
        dmdp_free(pr);
    }
    g_train_model = NULL;
    rnn_model_free(m);
    return rc;
}

/* ------------------------------------------------------------------ */
/* headline                                                            */
/* ------------------------------------------------------------------ */

typedef struct {
    rnn_config cfg;
    char dir[1024];
    double cost;
    pid_t pid;
    int exit_code;
    /* from run.json */
    double final_metric, wall, gflops, cpu, gflops_cpu;
    char isa[16];
    int solved_epoch;
    char status[16];
    int ok;
} hl_run;

static void headline_usage(FILE *f)
{
    fprintf(f,
            "usage: dmdprof headline [--seed N] [--out DIR] [--jobs N] [--precision P] [--quiet]\n"
            "The seed experiment's six runs (addition T=30, temporal_order T=60, 3bit_memorization T=60;\n"
            "each ortho and random; H 64, batch 50, 30 batches/epoch, 80 epochs, lr 0.01, momentum 0.9,\n"
            "clip 1.0) in --jobs worker processes (default: number of cores; results are identical for\n"
            "any N), longest first.  Writes DIR/<task>_<init>/{history.csv,run.json,model.ckpt} and\n"
            "DIR/headline.csv, DIR/headline.json; prints the summary table.\n"
            "  --seed N --out DIR (default runs/headline) --jobs N --precision float64|float32\n"
            "  --schedule NAME --ckpt-every K: the BPTT schedule (same bits; docs/schedules.md)\n"
            "  test-size overrides: --epochs N --batches-per-epoch N --batch N -H N\n");
}

static void hl_read(hl_run *r)
{
    char *p = cli_path(r->dir, "run.json");
    json_error_t e;
    json_t *j = json_load_file(p, 0, &e);
    free(p);
    r->ok = 0;
    r->cpu = r->gflops_cpu = NAN;
    r->isa[0] = 0;
    if (!j) return;
    json_t *fm = json_object_get(j, "final_metric"), *se = json_object_get(j, "solved_epoch");
    r->final_metric = json_is_number(fm) ? json_number_value(fm) : NAN;
    r->solved_epoch = json_is_integer(se) ? (int)json_integer_value(se) : 0;
    r->wall = json_number_value(json_object_get(j, "wall_seconds"));
    json_t *g = json_object_get(j, "gflops_per_second");
    r->gflops = json_is_number(g) ? json_number_value(g) : NAN;
    json_t *c = json_object_get(j, "cpu_seconds"), *gc = json_object_get(j, "gflops_per_cpu_second");
    r->cpu = json_is_number(c) ? json_number_value(c) : NAN;
    r->gflops_cpu = json_is_number(gc) ? json_number_value(gc) : NAN;
    const char *ki = json_string_value(json_object_get(j, "kernel_isa"));
    snprintf(r->isa, sizeof r->isa, "%s", ki ? ki : "");
    const char *s = json_string_value(json_object_get(j, "status"));
    snprintf(r->status, sizeof r->status, "%s", s ? s : "?");
    r->ok = 1;
    json_decref(j);
}

static int hl_cmp_cost(const void *a, const void *b)
{
    const hl_run *x = *(hl_run *const *)a, *y = *(hl_run *const *)b;
    if (x->cost != y->cost) return x->cost < y->cost ? 1 : -1;
    return x < y ? -1 : x > y; /* stable: table order */
}

static void fmt_solved(char *buf, size_t n, const hl_run *r)
{
    if (!r->ok)
        snprintf(buf, n, "failed");
    else if (!strcmp(r->status, "diverged"))
        snprintf(buf, n, "diverged");
    else if (r->solved_epoch)
        snprintf(buf, n, "epoch %d", r->solved_epoch);
    else
        snprintf(buf, n, "did not solve");
}

int cmd_headline(int argc, char **argv)
{
    rnn_config base;
    rnn_config_default(&base);
    const char *out = "runs/headline";
    long jobs = sysconf(_SC_NPROCESSORS_ONLN);
    if (jobs < 1) jobs = 1;
    int quiet = 0;
    optind = 1;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, ":T:H:", train_opts, NULL)) != -1) {
        if (opt == '?') cli_fail("unknown option '%s' (see dmdprof headline --help)", argv[optind - 1]);
        if (opt == ':') cli_fail("%s needs a value (see dmdprof headline --help)", argv[optind - 1]);
        switch (opt) {
        case OPT_HELP: headline_usage(stdout); return CLI_EXIT_OK;
        case OPT_SEED:
        case OPT_PREC:
        case OPT_EPOCHS:
        case OPT_BPE:
        case OPT_BATCH:
        case 'H': parse_model_flag(opt, optarg, &base); break;
        case OPT_SCHED: {
            const rnn_cell *cell = rnn_cells[base.cell];
            base.schedule = rnn_schedule_find(cell, optarg);
            if (base.schedule < 0)
                cli_fail("--schedule: the %s cell has no schedule '%s' (choose one of: %s)", cell->name, optarg,
                         rnn_schedule_names(cell));
            break;
        }
        case OPT_CKEV: base.ckpt_every = (int)cli_long("--ckpt-every", optarg, 1, RNN_T_MAX); break;
        case OPT_OUT: out = optarg; break;
        case OPT_JOBS: jobs = cli_long("--jobs", optarg, 1, 64); break;
        case OPT_QUIET: quiet = 1; break;
        default: cli_fail("%s is not an option of headline (see dmdprof headline --help)", opt_name(opt));
        }
    }
    if (optind < argc) cli_fail("unexpected argument '%s' (see dmdprof headline --help)", argv[optind]);
    cli_quiet = quiet;
    static const struct {
        task_id task;
        int T;
    } rows[3] = {{TASK_ADDITION, 30}, {TASK_TEMPORAL_ORDER, 60}, {TASK_3BIT_MEMORIZATION, 60}};
    hl_run runs[6];
    memset(runs, 0, sizeof runs);
    for (int k = 0; k < 6; k++) {
        hl_run *r = &runs[k];
        r->cfg = base;
        r->cfg.task = rows[k / 2].task;
        r->cfg.T = rows[k / 2].T;
        r->cfg.init = k % 2 ? RNN_INIT_RANDOM : RNN_INIT_ORTHO;
        check_config(&r->cfg);
        int I = task_get(r->cfg.task)->input_dim;
        r->cost = (double)r->cfg.T * r->cfg.H * (r->cfg.H + I);
        snprintf(r->dir, sizeof r->dir, "%s/%s_%s", out, task_get(r->cfg.task)->name, rnn_init_names[r->cfg.init]);
    }
    cli_make_dir("--out", out);
    for (int k = 0; k < 6; k++) {
        cli_make_dir("--out", runs[k].dir);
        remove_run_files(runs[k].dir); /* a rerun replaces each run whole, never mixes two */
    }

    hl_run *order[6];
    for (int k = 0; k < 6; k++) order[k] = &runs[k];
    qsort(order, 6, sizeof order[0], hl_cmp_cost);
    double t0 = cli_now();
    int next = 0, running = 0, done = 0;
    pid_t parent = getpid();
    fflush(NULL);
    while (done < 6) {
        while (running < jobs && next < 6) {
            hl_run *r = order[next++];
            pid_t pid = fork();
            if (pid < 0) cli_fail_work("cannot start a worker process: %s", strerror(errno));
            if (pid == 0) {
                /* a worker dies with its parent (killed alone, it left the workers running) */
                if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent) _exit(CLI_EXIT_WORK);
                char err[512];
                rnn_model *m = rnn_model_create(&r->cfg, err, sizeof err);
                if (!m) {
                    cli_warn("%s", err);
                    _exit(CLI_EXIT_WORK);
                }
                char label[96];
                snprintf(label, sizeof label, "%s/%s", task_get(r->cfg.task)->name, rnn_init_names[r->cfg.init]);
                int rc = run_and_write(m, r->dir, 0, quiet, label, NULL, 1, -1);
                rnn_model_free(m);
                fflush(NULL);
                _exit(rc);
            }
            r->pid = pid;
            running++;
        }
        int status;
        pid_t pid = wait(&status);
        if (pid < 0) cli_fail_work("waiting for the workers failed: %s", strerror(errno));
        for (int k = 0; k < 6; k++)
            if (runs[k].pid == pid) {
                hl_run *r = &runs[k];
                r->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                hl_read(r);
                running--;
                done++;
                if (!quiet)
                    fprintf(stderr, "headline: [%d/6] %s/%s T=%d: %s, final %s %.4g (%.1f s, %.1f GFLOP/s)\n", done,
                            task_get(r->cfg.task)->name, rnn_init_names[r->cfg.init], r->cfg.T,
                            r->ok ? r->status : "FAILED", task_get(r->cfg.task)->metric, r->final_metric, r->wall,
                            r->gflops);
            }
    }
    double total = cli_now() - t0;

    /* summary: table on stdout, CSV and JSON files */
    printf("Headline, seed %llu: H %d, batch %d, %d batches/epoch, %d epochs, lr %g, momentum %g, clip %g, %s\n\n",
           (unsigned long long)base.seed, base.H, base.batch, base.batches_per_epoch, base.epochs, base.lr,
           base.momentum, base.clip, rnn_precision_names[base.precision]);
    printf("%-18s %3s  %-8s %7s  %11s  %12s  %7s  %-13s  %-14s\n", "task", "T", "metric", "chance", "ortho final",
           "random final", "gap", "ortho solved@", "random solved@");
    char *csvp = cli_path(out, "headline.csv");
    cli_out o;
    int rc = CLI_EXIT_OK;
    if (cli_out_open(&o, csvp) != 0) rc = CLI_EXIT_WORK;
    dmd_csv w;
    static const char *const head[] = {"task", "T", "init", "metric", "chance", "final_metric", "solved_epoch", "status",
                                       "wall_seconds", "gflops_per_second", "cpu_seconds", "gflops_per_cpu_second",
                                       "kernel_isa", NULL};
    if (o.f) {
        dmd_csv_init(&w, o.f, CLI_SCHEMA_HEADLINE_CSV);
        dmd_csv_header(&w, head);
    }
    json_t *jr = json_array();
    for (int row = 0; row < 3; row++) {
        hl_run *a = &runs[2 * row], *b = &runs[2 * row + 1];
        const task_info *ti = task_get(a->cfg.task);
        double chance = task_chance(a->cfg.task, a->cfg.T);
        double gap = ti->higher_is_better ? a->final_metric - b->final_metric : b->final_metric - a->final_metric;
        char sa[32], sb[32];
        fmt_solved(sa, sizeof sa, a);
        fmt_solved(sb, sizeof sb, b);
        printf("%-18s %3d  %-8s %7.3f  %11.4f  %12.4f  %7.3f  %-13s  %-14s\n", ti->name, a->cfg.T, ti->metric, chance,
               a->final_metric, b->final_metric, gap, sa, sb);
        for (int s = 0; s < 2; s++) {
            hl_run *r = s ? b : a;
            if (o.f) { /* never solved: solved_epoch empty (missing is empty, never 0) */
                dmd_csv_str(&w, ti->name);
                dmd_csv_int(&w, r->cfg.T);
                dmd_csv_str(&w, rnn_init_names[r->cfg.init]);
                dmd_csv_str(&w, ti->metric);
                dmd_csv_real(&w, "%.17g", chance);
                dmd_csv_real(&w, "%.17g", r->final_metric);
                if (r->solved_epoch)
                    dmd_csv_int(&w, r->solved_epoch);
                else
                    dmd_csv_empty(&w);
                dmd_csv_str(&w, r->ok ? r->status : "failed");
                dmd_csv_real(&w, "%.3f", r->wall);
                dmd_csv_real(&w, "%.3f", r->gflops);
                dmd_csv_real(&w, "%.3f", r->cpu);
                dmd_csv_real(&w, "%.3f", r->gflops_cpu);
                dmd_csv_str(&w, r->isa[0] ? r->isa : NULL);
                dmd_csv_end(&w);
            }
            json_t *e = json_object();
            json_object_set_new(e, "task", json_string(ti->name));
            json_object_set_new(e, "T", json_integer(r->cfg.T));
            json_object_set_new(e, "init", json_string(rnn_init_names[r->cfg.init]));
            json_object_set_new(e, "metric_name", json_string(ti->metric));
            json_object_set_new(e, "chance", json_real(chance));
            json_object_set_new(e, "final_metric", json_num_or_null(r->final_metric));
            json_object_set_new(e, "solved_epoch", r->solved_epoch ? json_integer(r->solved_epoch) : json_null());
            json_object_set_new(e, "status", json_string(r->ok ? r->status : "failed"));
            json_object_set_new(e, "wall_seconds", json_num_or_null(r->wall));
            json_object_set_new(e, "gflops_per_second", json_num_or_null(r->gflops));
            json_object_set_new(e, "cpu_seconds", json_num_or_null(r->cpu));
            json_object_set_new(e, "gflops_per_cpu_second", json_num_or_null(r->gflops_cpu));
            json_object_set_new(e, "kernel_isa", r->isa[0] ? json_string(r->isa) : json_null());
            json_object_set_new(e, "dir", json_string(r->dir));
            json_array_append_new(jr, e);
            if (!r->ok || r->exit_code == CLI_EXIT_USAGE) rc = CLI_EXIT_WORK;
        }
    }
    printf("\n\"Solved\": %s; wall %.1f s in total with %ld worker(s)\n",
           "addition mse < 0.05, temporal_order and 3bit_memorization accuracy > 0.90", total, jobs);
    if (o.f && cli_out_commit(&o) != 0) rc = CLI_EXIT_WORK;
    free(csvp);
    json_t *j = cli_with_schema(CLI_SCHEMA_HEADLINE, NULL);
    json_object_set_new(j, "seed", json_integer((json_int_t)base.seed));
    json_object_set_new(j, "jobs", json_integer(jobs));
    json_object_set_new(j, "wall_seconds", json_real(total));
    json_object_set_new(j, "kernel_isa", json_string(rnn_isa()));
    json_object_set_new(j, "config", config_json(&base));
    json_object_set_new(j, "runs", jr);
    char *jp = cli_path(out, "headline.json");
    if (cli_write_json(jp, j) != 0) rc = CLI_EXIT_WORK;
    free(jp);
    json_decref(j);
    return rc;
}
