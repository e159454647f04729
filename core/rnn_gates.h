/*
 * rnn_gates.h -- the logistic sigmoid of the gated cells (GRU, LSTM) through
 * the dmd.h hooks.  Include after dmd.h (and after DMD_TANH_FN is chosen:
 * rnn_kernel.c sets it to the straight-line rnn_tanh_d / rnn_tanh_f of
 * rnn_tanh.h, the same function in every build).
 *
 *   SIGM(a)  = FMA(CONST(0.5), TANH(MUL(CONST(0.5), a)), CONST(0.5))
 *              sigma(a) = 1 / (1 + e^-a) = (1 + tanh(a/2)) / 2, exactly in
 *              real arithmetic; three priced instructions: MUL reads a,
 *              TANH reads the product, FMA reads the tanh (the constants
 *              are free).  Through rnn_tanh_d the plain clones vectorise it
 *              and every build rounds identically (no libm exp).
 *   DSIGM(s) = MUL(s, SUB(CONST(1), s)), sigma'(a) from the output s:
 *              SUB reads s, MUL reads s and the difference.
 */
#ifndef DMDPROF_RNN_GATES_H
#define DMDPROF_RNN_GATES_H

#define SIGM(a) FMA(CONST(0.5), TANH(MUL(CONST(0.5), (a))), CONST(0.5))
#define DSIGM(s) MUL((s), SUB(CONST(1), (s)))

#endif
