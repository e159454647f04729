/*
 * rnn_sched_isa.c -- the plain steps of the vanilla cell's other schedules
 * (rnn_sched.c), dispatched to the instruction-set clone core/rnn_isa.c
 * chose, as rnn_kernel_f64/f32 are.  Without clones (off x86-64) the
 * schedule source defines rnn_sched_NAME_{f64,f32} itself.
 */
#include "rnn_kernel.h"

#ifdef RNN_MULTI_ISA
int rnn__isa_index(void); /* rnn_isa.c: 0 avx512, 1 avx2, 2 baseline */

#define RNN__SCHED_ISA(name, p)                                                                                    \
    void name##_##p##_avx512(const rnn_kargs *a, rnn_kout *o);                                                    \
    void name##_##p##_avx2(const rnn_kargs *a, rnn_kout *o);                                                      \
    void name##_##p##_baseline(const rnn_kargs *a, rnn_kout *o);                                                  \
    void name##_##p(const rnn_kargs *a, rnn_kout *o)                                                              \
    {                                                                                                             \
        switch (rnn__isa_index()) {                                                                               \
        case 0: name##_##p##_avx512(a, o); break;                                                                 \
        case 1: name##_##p##_avx2(a, o); break;                                                                   \
        default: name##_##p##_baseline(a, o); break;                                                              \
        }                                                                                                         \
    }
#define RNN__SCHED_BOTH(name) RNN__SCHED_ISA(name, f64) RNN__SCHED_ISA(name, f32)
RNN__SCHED_BOTH(rnn_sched_dwafter)
RNN__SCHED_BOTH(rnn_sched_alt)
RNN__SCHED_BOTH(rnn_sched_fused)
RNN__SCHED_BOTH(rnn_sched_ckpt)
RNN__SCHED_BOTH(rnn_gru)
RNN__SCHED_BOTH(rnn_lstm)
#endif
