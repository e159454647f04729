/*
 * zc_kernel_hooks.c -- one RNN step written with the dmd.h hooks.  Compiled
 * three ways by tests/instrument/CMakeLists.txt:
 *   - hooks off (plain build): its machine code must equal zc_kernel_plain.c's;
 *   - hooks on (-DDMD_INSTRUMENT, renamed zc_kernel_instr): linked with libdmd,
 *     it must compute bit-identical numbers and be priced.
 * Shapes: W_hh (H, H), W_ih (H, I), b (H), x (I), hp (H), hn (H).
 */
#include "dmd.h"

#ifndef ZC_NAME
#define ZC_NAME zc_kernel
#endif

void ZC_NAME(int H, int I, const dmd_num *restrict W_hh, const dmd_num *restrict W_ih, const dmd_num *restrict b,
             const dmd_num *restrict x, const dmd_num *restrict hp, dmd_num *restrict hn)
{
    for (int i = 0; i < H; i++) {
        dmd_real s = LD(b, i);
        for (int j = 0; j < I; j++) s = ADD(s, MUL(LD(W_ih, i * I + j), LD(x, j)));
        for (int j = 0; j < H; j++) s = FMA(LD(W_hh, i * H + j), LD(hp, j), s);
        ST(hn, i, TANH(s));
    }
}
