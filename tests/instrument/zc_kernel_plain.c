/*
 * zc_kernel_plain.c -- the same RNN step as zc_kernel_hooks.c, written in
 * plain C without any hook.  Shapes: W_hh (H, H), W_ih (H, I), b (H), x (I),
 * hp (H), hn (H).
 */
#include <math.h>

void zc_kernel(int H, int I, const double *restrict W_hh, const double *restrict W_ih, const double *restrict b,
               const double *restrict x, const double *restrict hp, double *restrict hn)
{
    for (int i = 0; i < H; i++) {
        double s = b[i];
        for (int j = 0; j < I; j++) s = s + W_ih[i * I + j] * x[j];
        for (int j = 0; j < H; j++) s = fma(W_hh[i * H + j], hp[j], s);
        hn[i] = tanh(s);
    }
}
