/*
 * dmd.h -- memory-access hooks for ByteDMD pricing (libdmd, part of dmdprof).
 *
 * A kernel is written once with the macros below.  The same source compiles
 * two ways:
 *
 *   plain (default; DMD_INSTRUMENT not defined)
 *       LD/ST/arithmetic expand to ordinary C on dmd_num values, arguments of
 *       statement hooks are not evaluated, nothing of the pricing engine is
 *       referenced.  The compiler may vectorise freely.  Only the phase hooks
 *       remain as calls (three or so per training step) because one phase
 *       annotation drives every probe (timers, PAPI, Callgrind, libdmd).
 *
 *   instrumented (-DDMD_INSTRUMENT)
 *       dmd_real is a (number, identity) pair.  The model is chosen at run time
 *       by the engine that is current (see dmd_engine.h):
 *         live / classic (value models): every arithmetic hook is one
 *           instruction -- its non-constant operands are read together, one
 *           result value is pushed.  LD returns the value bound to an array
 *           slot, ST binds a slot to a value.  LD and ST themselves are free.
 *         lru (memory model): LD prices the address it loads, ST moves the
 *           address to the top of the stack for free, arithmetic is free.
 *
 * Names: every hook is spelled DMD_LD, DMD_ST, DMD_ADD, DMD_FMA, DMD_CONST, ...
 * (the canonical names).  The short names LD, ST, ADD, FMA, CONST, ... are the
 * same macros and are defined too unless DMD_NO_SHORT_NAMES is defined before
 * this header (see "Short names" at the end); the text below uses them.
 * Installed as <dmdprof/dmd.h>; the phase markers alone are <dmdprof/dmd_phase.h>.
 *
 * Precision: dmd_num is double, or float when DMD_FLOAT32 is defined.
 *
 * Rules a kernel must follow so that both builds compute bit-identical
 * numbers (the project builds everything with -ffp-contract=off):
 *   - every floating-point operation on array data goes through a hook;
 *   - fused multiply-add is spelled FMA(a, b, c) = a*b + c, rounded once, in
 *     both builds (never let the compiler contract a*b+c on its own);
 *   - constants are spelled CONST(x): constants are not values and are free.
 *
 * Value-model conventions (documented because they decide the numbers):
 *   - FMA(a, b, c) is ONE instruction reading a, b, c (in that order; the
 *     last operand read ends on top of the stack).  Write ADD(c, MUL(a, b))
 *     for the reference tracer's two-instruction form.
 *   - An operation whose operands are all constants yields a constant.
 *   - A value belongs to the region of the first array slot it is stored
 *     into; a value never stored belongs to region "temp".
 *   - Inputs are pushed eagerly by DMD_INPUT in call order: declare the
 *     arguments last to first, so that the first argument ends on top;
 *     within one DMD_INPUT call element 0 is pushed first (deepest).
 */
#ifndef DMD_H
#define DMD_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "dmd_phase.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef DMD_FLOAT32
typedef float dmd_num;
#define DMD__FN(fn) fn##f /* tanhf, expf, fmaf ... */
#else
typedef double dmd_num;
#define DMD__FN(fn) fn
#endif

/* The scalar functions behind TANH and EXP.  A kernel may define its own
 * (for example a vectorisable tanh) before including this header; both builds
 * then call the same function, so they still round identically. */
#ifndef DMD_TANH_FN
#define DMD_TANH_FN DMD__FN(tanh)
#endif
#ifndef DMD_EXP_FN
#define DMD_EXP_FN DMD__FN(exp)
#endif

/* Phases (both builds): DMD_PHASE_BEGIN / DMD_PHASE_END and the listener API
 * live in dmd_phase.h, included above. */

/* ------------------------------------------------------------------------
 * Call sites through inline helpers (both builds; instrumented only has an
 * effect).  A hook records the source line it is written on.  A kernel that
 * does its work in shared inline helpers (a tile multiply used by several
 * products) would charge every product to the helper's one line; instead the
 * helper takes DMD_SITE_PARAM as its FIRST parameter and its callers pass
 * DMD_SITE_HERE (the caller's line) or DMD_SITE_PASS (the site they were given
 * themselves).  Every hook inside such a helper then records the passed site.
 *     RNN_INLINE void tile(DMD_SITE_PARAM tile_t acc, ...) { ... FMA(...) ... }
 *     tile(DMD_SITE_HERE acc, ...);           (this line is charged)
 * In the plain build the three macros are empty: no parameter, no code.
 * ------------------------------------------------------------------------ */

#ifndef DMD_INSTRUMENT
/* ======================================================================
 * Plain build: hooks are ordinary C.
 * ====================================================================== */
typedef dmd_num dmd_real;

#define DMD_SITE_PARAM
#define DMD_SITE_HERE
#define DMD_SITE_PASS

#define DMD_LD(a, i) ((a)[i])
#define DMD_ST(a, i, x) ((void)((a)[i] = (x)))
#define DMD_CONST(c) ((dmd_num)(c))
#define DMD_VAL(x) (x) /* the number inside a dmd_real */

#define DMD_ADD(a, b) ((a) + (b))
#define DMD_SUB(a, b) ((a) - (b))
#define DMD_MUL(a, b) ((a) * (b))
#define DMD_DIV(a, b) ((a) / (b))
#define DMD_NEG(a) (-(a))
#define DMD_FMA(a, b, c) DMD__FN(fma)((a), (b), (c))
#define DMD_TANH(a) DMD_TANH_FN(a)
#define DMD_EXP(a) DMD_EXP_FN(a)
#define DMD_LOG(a) DMD__FN(log)(a)
#define DMD_SQRT(a) DMD__FN(sqrt)(a)
#define DMD_MAX(a, b) DMD__FN(fmax)((a), (b))
#define DMD_RELU(a) DMD__FN(fmax)((a), (dmd_num)0)
/* d/dz of an activation, given its output y: (1 - y*y) for tanh, [y > 0] for
 * relu.  Spelled through hooks so that the instrumented build prices it. */
#define DMD_DTANH(y) ((dmd_num)1 - (y) * (y))
#define DMD_DRELU(y) ((y) > 0 ? (dmd_num)1 : (dmd_num)0)
/* A comparison of two values that produces a plain C int (e.g. argmax). */
#define DMD_GT(a, b) ((a) > (b))

/* Statement hooks: arguments not evaluated. */
#define DMD_REGION(name, ptr, n) ((void)0)
#define DMD_INPUT(ptr, n) ((void)0)
#define DMD_OUTPUT(ptr, n) ((void)0)
#define DMD_DROP(ptr, n) ((void)0)

#else /* DMD_INSTRUMENT */
/* ======================================================================
 * Instrumented build.
 * ====================================================================== */
typedef uint32_t dmd_vid; /* value identity; DMD_CONST_ID = constant (free) */
#define DMD_CONST_ID ((dmd_vid)0)

typedef struct {
    dmd_num v;
    dmd_vid id;
} dmd_real;

/* Every hook passes its call site (file, line) so that costs can be
 * attributed to source lines (dmdprof measure --callgrind-out).  The site is
 * the hook's own line, unless the hook sits in a helper that was handed its
 * caller's site (DMD_SITE_PARAM above): the parameter dmd_site_ then shadows
 * the file-scope default below, whose file is NULL. */
typedef struct {
    const char *file;
    int line;
} dmd_site;
static const dmd_site dmd_site_ __attribute__((unused)) = {NULL, 0};
#define DMD__SITE (dmd_site_.file ? dmd_site_.file : __FILE__), (dmd_site_.file ? dmd_site_.line : __LINE__)
#define DMD_SITE_PARAM dmd_site dmd_site_,
#define DMD_SITE_HERE (dmd_site){__FILE__, __LINE__},
#define DMD_SITE_PASS dmd_site_,
#define DMD__SP const char *file_, int line_

/* Entry points of the engine (dmd_engine.c, library target `dmd`; the
 * engine's API is dmd_engine.h).  They act on the engine made current by
 * dmd_engine_attach(); calling them with no engine attached is a programming
 * error and aborts with a message.  Setting DMD_TRACE_OUT=FILE in the
 * environment (or dmd_options.trace_out) makes the value models write the
 * dmdtrace v1 of what they price, for `dmdprof price` / `dmdprof ir`. */
/* One instruction: reads the n non-constant ids in ops (1 <= n <= 3,
 * constants already removed), pushes one result.  Returns the result's id
 * under the value models, DMD_CONST_ID under lru (arithmetic is free there). */
dmd_vid dmd__op(const dmd_vid *ops, int n, DMD__SP);
/* A load of one element at addr: value models return the id bound to the
 * slot (abort, naming region and index, if the slot was never bound); lru
 * prices the address and returns DMD_CONST_ID. */
dmd_vid dmd__ld(const void *addr, DMD__SP);
/* A store of value id into the slot at addr: value models bind the slot (and
 * give the value its region on first store); lru moves the address to the top
 * of the stack, free. */
void dmd__st(const void *addr, dmd_vid id, DMD__SP);
/* Register an array of n elements of elem_bytes bytes as a named region. */
void dmd__region(const char *name, const void *ptr, size_t n, size_t elem_bytes);
/* Push n elements as inputs (eager init), element 0 first (deepest). */
void dmd__input(const void *ptr, size_t n);
/* The values bound to these n slots stay live to the end (value models). */
void dmd__output(const void *ptr, size_t n);
/* The array is dead: lru drops its addresses from the stack; the value
 * models ignore it (liveness is exact there). */
void dmd__drop(const void *ptr, size_t n);

static inline dmd_real dmd__mk(dmd_num v, dmd_vid id)
{
    dmd_real r;
    r.v = v;
    r.id = id;
    return r;
}
static inline dmd_vid dmd__op1(dmd_vid a, DMD__SP)
{
    if (a == DMD_CONST_ID) return DMD_CONST_ID;
    return dmd__op(&a, 1, file_, line_);
}
static inline dmd_vid dmd__op2(dmd_vid a, dmd_vid b, DMD__SP)
{
    dmd_vid o[2];
    int n = 0;
    if (a != DMD_CONST_ID) o[n++] = a;
    if (b != DMD_CONST_ID) o[n++] = b;
    return n ? dmd__op(o, n, file_, line_) : DMD_CONST_ID;
}
static inline dmd_vid dmd__op3(dmd_vid a, dmd_vid b, dmd_vid c, DMD__SP)
{
    dmd_vid o[3];
    int n = 0;
    if (a != DMD_CONST_ID) o[n++] = a;
    if (b != DMD_CONST_ID) o[n++] = b;
    if (c != DMD_CONST_ID) o[n++] = c;
    return n ? dmd__op(o, n, file_, line_) : DMD_CONST_ID;
}
static inline dmd_real dmd__ld_real(const dmd_num *p, DMD__SP) { return dmd__mk(*p, dmd__ld(p, file_, line_)); }
static inline void dmd__st_real(dmd_num *p, dmd_real x, DMD__SP)
{
    *p = x.v;
    dmd__st(p, x.id, file_, line_);
}
#define DMD__UN(fn, expr)                                                                                  \
    static inline dmd_real fn(dmd_real a, DMD__SP) { return dmd__mk((expr), dmd__op1(a.id, file_, line_)); }
#define DMD__BIN(fn, expr)                                                                                 \
    static inline dmd_real fn(dmd_real a, dmd_real b, DMD__SP)                                             \
    {                                                                                                      \
        return dmd__mk((expr), dmd__op2(a.id, b.id, file_, line_));                                        \
    }
DMD__BIN(dmd__add, a.v + b.v)
DMD__BIN(dmd__sub, a.v - b.v)
DMD__BIN(dmd__mul, a.v * b.v)
DMD__BIN(dmd__div, a.v / b.v)
DMD__BIN(dmd__max, DMD__FN(fmax)(a.v, b.v))
DMD__UN(dmd__neg, -a.v)
DMD__UN(dmd__tanh, DMD_TANH_FN(a.v))
DMD__UN(dmd__exp, DMD_EXP_FN(a.v))
DMD__UN(dmd__log, DMD__FN(log)(a.v))
DMD__UN(dmd__sqrt, DMD__FN(sqrt)(a.v))
DMD__UN(dmd__relu, DMD__FN(fmax)(a.v, (dmd_num)0))
DMD__UN(dmd__dtanh, (dmd_num)1 - a.v * a.v)
DMD__UN(dmd__drelu, a.v > 0 ? (dmd_num)1 : (dmd_num)0)
#undef DMD__UN
#undef DMD__BIN
static inline dmd_real dmd__fma(dmd_real a, dmd_real b, dmd_real c, DMD__SP)
{
    return dmd__mk(DMD__FN(fma)(a.v, b.v, c.v), dmd__op3(a.id, b.id, c.id, file_, line_));
}
/* A comparison reads both operands in one instruction.  Like the reference
 * tracer (whose comparison returns a new tracked bool), the instruction pushes
 * a result value, which is never read: under live it leaves the stack at
 * once, under classic it stays. */
static inline int dmd__gt(dmd_real a, dmd_real b, DMD__SP)
{
    (void)dmd__op2(a.id, b.id, file_, line_);
    return a.v > b.v;
}

#define DMD_LD(a, i) dmd__ld_real(&(a)[i], DMD__SITE)
#define DMD_ST(a, i, x) dmd__st_real(&(a)[i], (x), DMD__SITE)
#define DMD_CONST(c) dmd__mk((dmd_num)(c), DMD_CONST_ID)
#define DMD_VAL(x) ((x).v)

/* Operands are evaluated left to right (GNU statement expressions), so the
 * order of the recorded events is the order written in the source, not the
 * compiler's order of evaluating function arguments (unspecified in C, and
 * right to left with GCC on x86-64).  ADD(LD(a, i), LD(b, j)) loads a[i]
 * first; SUB(MUL(p, q), MUL(r, s)) records p*q first. */
#define DMD__B(fn, a, b)                                                                                   \
    __extension__({                                                                                        \
        dmd_real dmd_x_ = (a);                                                                             \
        dmd_real dmd_y_ = (b);                                                                             \
        fn(dmd_x_, dmd_y_, DMD__SITE);                                                                     \
    })
#define DMD_ADD(a, b) DMD__B(dmd__add, a, b)
#define DMD_SUB(a, b) DMD__B(dmd__sub, a, b)
#define DMD_MUL(a, b) DMD__B(dmd__mul, a, b)
#define DMD_DIV(a, b) DMD__B(dmd__div, a, b)
#define DMD_NEG(a) dmd__neg((a), DMD__SITE)
#define DMD_FMA(a, b, c)                                                                                       \
    __extension__({                                                                                        \
        dmd_real dmd_x_ = (a);                                                                             \
        dmd_real dmd_y_ = (b);                                                                             \
        dmd_real dmd_z_ = (c);                                                                             \
        dmd__fma(dmd_x_, dmd_y_, dmd_z_, DMD__SITE);                                                       \
    })
#define DMD_TANH(a) dmd__tanh((a), DMD__SITE)
#define DMD_EXP(a) dmd__exp((a), DMD__SITE)
#define DMD_LOG(a) dmd__log((a), DMD__SITE)
#define DMD_SQRT(a) dmd__sqrt((a), DMD__SITE)
#define DMD_MAX(a, b) DMD__B(dmd__max, a, b)
#define DMD_RELU(a) dmd__relu((a), DMD__SITE)
#define DMD_DTANH(y) dmd__dtanh((y), DMD__SITE)
#define DMD_DRELU(y) dmd__drelu((y), DMD__SITE)
#define DMD_GT(a, b) DMD__B(dmd__gt, a, b)

#define DMD_REGION(name, ptr, n) dmd__region((name), (ptr), (n), sizeof(dmd_num))
#define DMD_INPUT(ptr, n) dmd__input((ptr), (n))
#define DMD_OUTPUT(ptr, n) dmd__output((ptr), (n))
#define DMD_DROP(ptr, n) dmd__drop((ptr), (n))

#endif /* DMD_INSTRUMENT */

/* ------------------------------------------------------------------------
 * Short names (the default): LD, ST, CONST, VAL, ADD, SUB, MUL, DIV, NEG,
 * FMA, TANH, EXP, LOG, SQRT, MAX, RELU, DTANH, DRELU, GT, each the DMD_ name
 * above.  They collide with other headers (<sys/param.h> defines MAX and MIN):
 * a translation unit that includes such a header, or any library code,
 * defines DMD_NO_SHORT_NAMES before including dmd.h and writes the DMD_
 * names (stb_ds's STBDS_NO_SHORT_NAMES pattern).
 * ------------------------------------------------------------------------ */
#ifndef DMD_NO_SHORT_NAMES
#define LD(a, i) DMD_LD(a, i)
#define ST(a, i, x) DMD_ST(a, i, x)
#define CONST(c) DMD_CONST(c)
#define VAL(x) DMD_VAL(x)
#define ADD(a, b) DMD_ADD(a, b)
#define SUB(a, b) DMD_SUB(a, b)
#define MUL(a, b) DMD_MUL(a, b)
#define DIV(a, b) DMD_DIV(a, b)
#define NEG(a) DMD_NEG(a)
#define FMA(a, b, c) DMD_FMA(a, b, c)
#define TANH(a) DMD_TANH(a)
#define EXP(a) DMD_EXP(a)
#define LOG(a) DMD_LOG(a)
#define SQRT(a) DMD_SQRT(a)
#define MAX(a, b) DMD_MAX(a, b)
#define RELU(a) DMD_RELU(a)
#define DTANH(y) DMD_DTANH(y)
#define DRELU(y) DMD_DRELU(y)
#define GT(a, b) DMD_GT(a, b)
#endif /* DMD_NO_SHORT_NAMES */

#ifdef __cplusplus
}
#endif
#endif /* DMD_H */
