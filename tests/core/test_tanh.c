/*
 * test_tanh.c -- the kernel's vectorisable tanh (core/rnn_tanh.h) against
 * long-double tanhl, over [-25, 25], [-1, 1] and magnitudes 2^-60 .. 1,
 * plus the special values.  Fails above 3 ulp (double) / 1 ulp (float);
 * prints the worst error of ours and of glibc's tanh for comparison.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rnn_tanh.h"

static uint64_t st = 0x9e3779b97f4a7c15u;
static double unif(void) /* [0, 1) */
{
    st ^= st << 13;
    st ^= st >> 7;
    st ^= st << 17;
    return (double)(st >> 11) * 0x1p-53;
}

int main(void)
{
    int fails = 0;
    double worst = 0, worst_x = 0, worst_glibc = 0, worst_f = 0, worst_fx = 0;
    for (long n = 0; n < 3000000; n++) {
        double u = 2 * unif() - 1, x;
        switch (n % 3) {
        case 0: x = 25 * u; break;
        case 1: x = u; break;
        default: x = u * ldexp(1.0, -(int)(unif() * 60)); break;
        }
        long double t = tanhl((long double)x);
        double td = (double)t;
        double ulp = nextafter(fabs(td), INFINITY) - fabs(td);
        double e = (double)(fabsl((long double)rnn_tanh_d(x) - t) / ulp);
        double eg = (double)(fabsl((long double)tanh(x) - t) / ulp);
        if (e > worst) worst = e, worst_x = x;
        if (eg > worst_glibc) worst_glibc = eg;
        float xf = (float)x;
        long double tf = tanhl((long double)xf);
        float tff = (float)tf;
        double ulpf = (double)(nextafterf(fabsf(tff), INFINITY) - fabsf(tff));
        double ef = (double)(fabsl((long double)rnn_tanh_f(xf) - tf) / ulpf);
        if (ef > worst_f) worst_f = ef, worst_fx = xf;
    }
    printf("double: worst %.3f ulp at x = %.17g (glibc tanh: %.3f ulp); limit 3\n", worst, worst_x, worst_glibc);
    printf("float:  worst %.3f ulp at x = %.9g; limit 1\n", worst_f, worst_fx);
    fails += !(worst <= 3) + !(worst_f <= 1);
    /* special values */
    struct {
        double x, want;
    } sp[] = {{0.0, 0.0}, {-0.0, -0.0}, {INFINITY, 1.0}, {-INFINITY, -1.0}, {30.0, 1.0}, {-1e300, -1.0},
              {1e-310, 1e-310}, {-5e-324, -5e-324}};
    for (size_t k = 0; k < sizeof sp / sizeof sp[0]; k++) {
        double got = rnn_tanh_d(sp[k].x);
        if (memcmp(&got, &sp[k].want, sizeof got) != 0) {
            printf("FAIL: tanh(%g) = %.17g, want %.17g\n", sp[k].x, got, sp[k].want);
            fails++;
        }
    }
    if (!isnan(rnn_tanh_d(NAN)) || !isnan(rnn_tanh_f(NAN))) {
        printf("FAIL: tanh(NaN) is not NaN\n");
        fails++;
    }
    printf("%s\n", fails ? "FAIL" : "ok");
    return fails ? 1 : 0;
}
