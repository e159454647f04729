/*
 * cli/cmd_example.c -- `dmdprof example`: one input sequence and its target
 * of a task, as JSON, for the report's "task examples" figure.  The sequence
 * is the first one of the data stream a training run with the same seed
 * draws (stream 1 of the seed, batch of one), so it is what the generator
 * really produces, not a re-implementation.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "rng.h"
#include "tasks.h"

static void example_usage(FILE *f)
{
    fprintf(f,
            "usage: dmdprof example --task NAME [-T N] [--seed N] [--out FILE]\n"
            "\n"
            "Writes one generated input sequence and its target as JSON (schema\n"
            "dmdprof.example/1): task, T, I, K, x (T rows of I inputs), target (K values:\n"
            "the regression targets or the class labels), chance, metric.  --out - (the\n"
            "default) is stdout.\n");
}

int cmd_example(int argc, char **argv)
{
    const char *task_name = NULL, *out = "-";
    long T = -1, seed = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            example_usage(stdout);
            return CLI_EXIT_OK;
        }
        if (i + 1 >= argc) cli_fail("%s: unknown option or missing value (see --help)", a);
        if (!strcmp(a, "--task")) task_name = argv[++i];
        else if (!strcmp(a, "-T")) T = cli_long("-T", argv[++i], 1, TASK_MAX_T);
        else if (!strcmp(a, "--seed")) seed = cli_long("--seed", argv[++i], 0, 0x7fffffffL);
        else if (!strcmp(a, "--out")) out = argv[++i];
        else cli_fail("unknown option '%s' (see --help)", a);
    }
    if (!task_name) cli_fail("--task is required (one of %s)", task_names());
    int t = task_parse(task_name);
    if (t < 0) cli_fail("--task: unknown task '%s' (one of %s)", task_name, task_names());
    const task_info *ti = task_get((task_id)t);
    if (T < 0) T = ti->min_T > 30 ? ti->min_T : 30;
    if (!task_valid((task_id)t, (int)T)) cli_fail("-T: %ld is below %s's minimum %d", T, task_name, ti->min_T);
    cli_check_writable("--out", out);

    int I = ti->input_dim, K = task_out_steps((task_id)t, (int)T);
    double *x = malloc(sizeof *x * (size_t)T * (size_t)I);
    double *y = malloc(sizeof *y * (size_t)K);
    int *labels = malloc(sizeof *labels * (size_t)K);
    if (!x || !y || !labels) cli_fail_work("out of memory for T = %ld", T);
    rng_t rng;
    rng_seed_stream(&rng, (uint64_t)seed, 1);
    task_batch((task_id)t, (int)T, 1, &rng, x, ti->regression ? y : NULL, ti->regression ? NULL : labels);

    json_t *j = cli_with_schema(CLI_SCHEMA_EXAMPLE, NULL);
    json_object_set_new(j, "task", json_string(ti->name));
    json_object_set_new(j, "T", json_integer(T));
    json_object_set_new(j, "I", json_integer(I));
    json_object_set_new(j, "K", json_integer(K));
    json_object_set_new(j, "seed", json_integer(seed));
    json_object_set_new(j, "metric_name", json_string(ti->metric));
    json_object_set_new(j, "output_dim", json_integer(ti->output_dim));
    json_object_set_new(j, "chance", json_real(task_chance((task_id)t, (int)T)));
    json_t *rows = json_array();
    for (long s = 0; s < T; s++) {
        json_t *r = json_array();
        for (int c = 0; c < I; c++) json_array_append_new(r, json_real(x[s * I + c]));
        json_array_append_new(rows, r);
    }
    json_object_set_new(j, "x", rows);
    json_t *tg = json_array();
    for (int k = 0; k < K; k++)
        json_array_append_new(tg, ti->regression ? json_real(y[k]) : json_integer(labels[k]));
    json_object_set_new(j, "target", tg);
    int rc = CLI_EXIT_OK;
    if (!strcmp(out, "-")) {
        json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
        fputc('\n', stdout);
    } else if (cli_write_json(out, j) != 0) {
        rc = CLI_EXIT_WORK;
    }
    json_decref(j);
    free(x);
    free(y);
    free(labels);
    return rc;
}
