/*
 * cmd_measure.c -- `dmdprof measure`: run N consecutive BPTT training steps
 * through the instrumented kernel and price every access under a ByteDMD
 * model (live, classic or lru), per phase and per region.
 *
 * The instrumented step is the same source as the training step (core/
 * rnn_kernel.c) and computes bit-identical numbers.  The live model needs the
 * program twice (pass 0 learns last uses, pass 1 prices), so the model state
 * (parameters, momentum, data stream, step counter) is snapshotted before the
 * first pass and restored before each pass.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "dmd_engine.h"
#include "dmd_opt.h"
#include "dmdp.h"
#include "measure.h"
#include "rnn.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: dmdprof measure [options]\n"
            "\n"
            "Price N consecutive BPTT training steps of the vanilla RNN under a ByteDMD model:\n"
            "every read of W_hh, the hidden states, their gradients and every other array is\n"
            "charged ceil(sqrt(depth)) per byte (depth in an LRU stack of bytes), per phase\n"
            "(forward, backward, update) and per region.  The cost model: ByteDMD as in the\n"
            "project's docs/bytedmd.md (README, 'Measuring data movement').\n"
            "\n"
            "model and data:\n"
            "  --task NAME          %s (default addition)\n"
            "  -T N                 sequence length (default 30)\n"
            "  -H N                 hidden units (default 64)\n"
            "  --batch N            sequences per step (default 1)\n"
            "  --init KIND          ortho | random | identity (default ortho; identity: vanilla only)\n"
            "  --activation F       tanh | relu (relu with --init identity is the IRNN; default tanh; vanilla only)\n"
            "  --seed N             seed of the init and of the batches (default 0)\n"
            "  --precision P        float64 | float32 (default float64; also f64 | f32)\n"
            "  --cell NAME          the recurrent cell (default vanilla; core/cells.c, docs/cells.md):\n%s"
            "  --schedule NAME      the cell's BPTT schedule (vanilla: %s; default the first)\n"
            "  --ckpt-every K       schedule ckpt: keep h_t every K steps, 1..T (default ceil(sqrt(T)))\n"
            "  --checkpoint FILE    take parameters and momentum from a trained model\n"
            "                       (task, H and precision must agree; T and batch may differ)\n"
            "  --steps N            consecutive training steps priced (default 1): from the\n"
            "                       second step on, W_hh is reused from the previous update\n"
            "pricing:\n"
            "  --model M            live | classic | lru (default live)\n"
            "  --bytes-per-element N  price every element as N bytes (default: 8 for float64,\n"
            "                       4 for float32; 1 compares with the reference tracer)\n"
            "  --max-values N       refuse a measurement that would create more values (default %llu)\n"
            "outputs:\n"
            "  --json               print one JSON object instead of the table\n"
            "  --csv FILE           tidy rows: run_id,task,init,T,H,batch,precision,model,phase,region,\n"
            "                       reads,bytes_read,writes,bytes_written,cost,mean_depth,max_depth\n"
            "  --run-id ID          run_id column of --csv and --probes-out (default derived from the flags)\n"
            "  --trace-out FILE     the dmdtrace v2 of what was priced, with its phases (values under live and\n"
            "                       classic, addresses under lru; dmdprof price FILE --model M re-prices it)\n"
            "  --callgrind-out FILE ByteDMD cost, bytes read and reads per kernel source line, in\n"
            "                       Callgrind's format: one function per phase and source line,\n"
            "                       called by its phase (callgrind_annotate [--inclusive=yes] FILE,\n"
            "                       KCachegrind)\n"
            "  --cachegrind-out FILE the same in Cachegrind's format (cg_annotate FILE, cg_diff A B)\n"
            "  --no-floors          skip the data-movement floors (docs/floors.md; they are computed by\n"
            "                       default: the OPT floor of the same events under live, and the\n"
            "                       order-independent floors of the algorithm)\n"
            "  --opt-budget N       work budget of each OPT solve in balanced-tree operations (default\n"
            "                       %llu, about 10 s; 0 = no limit); a floor over it is missing\n"
            "  --opt-threads N      threads for the per-region OPT floors (default: the CPUs, at most 4)\n"
            "  --analytic           also print the closed-form estimate of the cost per region: vanilla\n"
            "                       W_hh and h (classic, lru); gru, lstm each recurrent gate matrix, h\n"
            "                       and c (lru; docs/analytic-model.md)\n"
            "  --run DIR            \"ByteDMD to solution\" of a trained run: price one steady-state\n"
            "                       step at the run's settings (DIR/run.json) and write\n"
            "                       DIR/dmd_to_solution.json (cost per step x steps until solved)\n"
            "probes:\n"
            "  --papi-events LIST   PAPI events per phase (default: none; 'default' = the preset list)\n"
            "  --probes-out FILE    rows run_id,phase,source,event,value (timer, papi, sde)\n"
            "  --sde-list FILE      the names of the SDE counters this run exports (sde:::dmdprof::NAME);\n"
            "                       papi_native_avail -sde build/probes/libdmdprof_sde.so lists them\n"
            "                       without it (docs/probes.md)\n"
            "  -q, --quiet          no progress lines\n"
            "  -h, --help           this text\n"
            "\n"
            "exit codes: 0 ok, 1 the measurement failed or an output could not be written, 2 bad usage or input\n",
            task_names(), rnn_cells_help("                         "), rnn_schedule_names(rnn_cells[0]),
            (unsigned long long)DMD_MAX_VALUES, (unsigned long long)DMD_OPT_DEFAULT_WORK);
}

/* Parse --precision. */
static rnn_precision parse_precision(const char *s)
{
    static const char *const names[] = {"float64", "float32", "f64", "f32", NULL};
    int k = cli_choice("--precision", s, names);
    return (k == 0 || k == 2) ? RNN_F64 : RNN_F32;
}

int cmd_measure(int argc, char **argv)
{
    enum {
        O_TASK = 256, O_BATCH, O_INIT, O_ACT, O_SEED, O_PREC, O_CKPT, O_STEPS, O_MODEL, O_BPE, O_MAXV,
        O_JSON, O_CSV, O_RUNID, O_TRACE, O_CG, O_CACHEG, O_ANALYTIC, O_RUN, O_PAPI, O_PROBES, O_SDELIST, O_CELL,
        O_SCHED, O_NOFLOORS, O_CKEV, O_OPTB, O_OPTT
    };
    static const struct option opts[] = {
        {"task", required_argument, 0, O_TASK},       {"batch", required_argument, 0, O_BATCH},
        {"init", required_argument, 0, O_INIT},       {"activation", required_argument, 0, O_ACT},
        {"seed", required_argument, 0, O_SEED},       {"precision", required_argument, 0, O_PREC},
        {"checkpoint", required_argument, 0, O_CKPT}, {"steps", required_argument, 0, O_STEPS},
        {"model", required_argument, 0, O_MODEL},     {"bytes-per-element", required_argument, 0, O_BPE},
        {"max-values", required_argument, 0, O_MAXV}, {"json", no_argument, 0, O_JSON},
        {"csv", required_argument, 0, O_CSV},         {"run-id", required_argument, 0, O_RUNID},
        {"trace-out", required_argument, 0, O_TRACE}, {"callgrind-out", required_argument, 0, O_CG},
        {"cachegrind-out", required_argument, 0, O_CACHEG},
        {"analytic", no_argument, 0, O_ANALYTIC},     {"run", required_argument, 0, O_RUN},
        {"papi-events", required_argument, 0, O_PAPI}, {"probes-out", required_argument, 0, O_PROBES},
        {"sde-list", required_argument, 0, O_SDELIST}, {"cell", required_argument, 0, O_CELL},
        {"schedule", required_argument, 0, O_SCHED},  {"no-floors", no_argument, 0, O_NOFLOORS},
        {"ckpt-every", required_argument, 0, O_CKEV}, {"opt-budget", required_argument, 0, O_OPTB},
        {"opt-threads", required_argument, 0, O_OPTT},
        {"quiet", no_argument, 0, 'q'},               {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    measure_request rq;
    measure_request_default(&rq);
    const char *run_dir = NULL, *schedule = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":T:H:qh", opts, NULL)) != -1) {
        switch (c) {
        case O_TASK: {
            int t = task_parse(optarg);
            if (t < 0) cli_fail("--task: unknown task '%s' (choose one of: %s)", optarg, task_names());
            rq.cfg.task = (task_id)t;
            rq.given |= RNN_GIVEN_TASK;
            break;
        }
        case 'T': rq.cfg.T = (int)cli_long("-T", optarg, 1, RNN_T_MAX); rq.given |= RNN_GIVEN_T; break;
        case 'H': rq.cfg.H = (int)cli_long("-H", optarg, 1, RNN_H_MAX); rq.given |= RNN_GIVEN_H; break;
        case O_BATCH: rq.cfg.batch = (int)cli_long("--batch", optarg, 1, RNN_B_MAX); rq.given |= RNN_GIVEN_BATCH; break;
        case O_INIT: rq.cfg.init = (rnn_init_kind)cli_choice("--init", optarg, rnn_init_names); break;
        case O_ACT: rq.cfg.activation = (rnn_activation)cli_choice("--activation", optarg, rnn_activation_names); break;
        case O_SEED: rq.cfg.seed = (uint64_t)cli_long("--seed", optarg, 0, 0x7fffffffffffffffL); break;
        case O_PREC: rq.cfg.precision = parse_precision(optarg); rq.given |= RNN_GIVEN_PRECISION; break;
        case O_CKPT: rq.checkpoint = optarg; break;
        case O_STEPS: rq.steps = (int)cli_long("--steps", optarg, 1, 1000000); break;
        case O_MODEL:
            if (dmd_model_parse(optarg, &rq.model) != 0)
                cli_fail("--model: unknown model '%s' (choose one of: live, classic, lru)", optarg);
            break;
        case O_BPE: rq.bytes_per_element = (unsigned)cli_long("--bytes-per-element", optarg, 1, 1 << 20); break;
        case O_MAXV: rq.max_values = (uint64_t)cli_long("--max-values", optarg, 1, (long)DMD_MAX_VALUES); break;
        case O_CELL: {
            int k = rnn_cell_find(optarg);
            if (k < 0) cli_fail("--cell: unknown cell '%s' (choose one of: %s)", optarg, rnn_cell_names());
            rq.cfg.cell = k;
            rq.given |= RNN_GIVEN_CELL;
            break;
        }
        case O_SCHED: schedule = optarg; break;
        case O_CKEV: rq.cfg.ckpt_every = (int)cli_long("--ckpt-every", optarg, 1, RNN_T_MAX); break;
        case O_JSON: rq.json = 1; break;
        case O_CSV: rq.csv = optarg; break;
        case O_RUNID: rq.run_id = optarg; break;
        case O_TRACE: rq.trace_out = optarg; break;
        case O_CG: rq.callgrind_out = optarg; break;
        case O_CACHEG: rq.cachegrind_out = optarg; break;
        case O_ANALYTIC: rq.analytic = 1; break;
        case O_NOFLOORS: rq.no_floors = 1; break;
        case O_OPTB: rq.opt_budget = (uint64_t)cli_long("--opt-budget", optarg, 0, 1000000000000000L); break;
        case O_OPTT: rq.opt_threads = (int)cli_long("--opt-threads", optarg, 1, DMD_OPT_MAX_THREADS); break;
        case O_RUN: run_dir = optarg; break;
        case O_PAPI: rq.papi_events = optarg; break;
        case O_PROBES: rq.probes_out = optarg; break;
        case O_SDELIST: rq.sde_list = optarg; break;
        case 'q': cli_quiet = 1; break;
        case 'h': usage(stdout); return CLI_EXIT_OK;
        case ':': cli_fail("%s needs a value (see dmdprof measure --help)", argv[optind - 1]);
        default: cli_fail("unknown option '%s' (see dmdprof measure --help)", argv[optind - 1]);
        }
    }
    if (optind < argc) cli_fail("unexpected argument '%s' (see dmdprof measure --help)", argv[optind]);
    if (schedule) {
        const rnn_cell *cell = rnn_cells[rq.cfg.cell];
        int k = rnn_schedule_find(cell, schedule);
        if (k < 0)
            cli_fail("--schedule: the %s cell has no schedule '%s' (choose one of: %s)", cell->name, schedule,
                     rnn_schedule_names(cell));
        rq.cfg.schedule = k;
    }
    if (rq.sde_list && !dmdp_have_papi())
        cli_fail("--sde-list: this build has no PAPI (apt-get install libpapi-dev, rebuild)");
    if (rq.csv) cli_check_writable("--csv", rq.csv);
    if (rq.trace_out) cli_check_writable("--trace-out", rq.trace_out);
    if (rq.callgrind_out) cli_check_writable("--callgrind-out", rq.callgrind_out);
    if (rq.cachegrind_out) cli_check_writable("--cachegrind-out", rq.cachegrind_out);
    if (rq.probes_out) cli_check_writable("--probes-out", rq.probes_out);
    if (rq.sde_list) cli_check_writable("--sde-list", rq.sde_list);
    if (rq.analytic && rq.steps != 1)
        cli_fail("--analytic: the closed form covers one step from the eager init; use --steps 1");
    if (run_dir) return measure_to_solution(&rq, run_dir);
    return measure_run(&rq);
}
