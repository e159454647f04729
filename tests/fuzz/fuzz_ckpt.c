/*
 * fuzz_ckpt.c -- libFuzzer target: the checkpoint reader (core/ckpt.c,
 * rnn_ckpt_parse) on arbitrary bytes.
 *
 * The input is a checkpoint without its last 8 bytes: the target appends the
 * FNV-1a 64 checksum of the input (the format's, ckpt.c), so the fuzzer gets
 * past the checksum into the header, the configuration and the training
 * state (a corrupt checksum alone is refused first and is tested in
 * tests/core).  Besides the sanitizers it checks:
 *   - a refusal is one line naming the checkpoint;
 *   - an accepted checkpoint of the current format version writes back byte
 *     for byte (rnn_ckpt_write): nothing read is dropped or altered.
 * Run by tests/fuzz/run.sh (ctest fuzz_short, scripts/fuzz).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rnn.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    unsigned char *buf = malloc(n + 8);
    if (!buf) abort();
    memcpy(buf, d, n);
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a 64, as the format defines it */
    for (size_t k = 0; k < n; k++) h = (h ^ d[k]) * 0x100000001b3ull;
    for (int k = 0; k < 8; k++) buf[n + k] = (unsigned char)(h >> (8 * k));
    char err[512] = "";
    rnn_model *m = rnn_ckpt_parse(buf, n + 8, "fuzz.ckpt", err, sizeof err);
    if (!m) {
        if (strncmp(err, "checkpoint 'fuzz.ckpt': ", 24) != 0 || strchr(err, '\n')) {
            fprintf(stderr, "malformed message: %s\n", err);
            abort();
        }
    } else {
        char *out = NULL;
        size_t on = 0;
        FILE *f = open_memstream(&out, &on);
        if (!f || rnn_ckpt_write(m, f) != 0 || fclose(f) != 0) abort();
        /* an older version is read and written as the current one: compare only same-version files */
        int same_version = on >= 12 && n >= 12 && memcmp(out + 8, buf + 8, 4) == 0;
        if (same_version && (on != n + 8 || memcmp(out, buf, on) != 0)) {
            size_t at = 0;
            while (at < on && at < n + 8 && (unsigned char)out[at] == buf[at]) at++;
            fprintf(stderr, "accepted checkpoint does not write back the same (%zu vs %zu bytes, first difference at byte %zu)\n", on, n + 8, at);
            abort();
        }
        free(out);
        rnn_model_free(m);
    }
    free(buf);
    return 0;
}
