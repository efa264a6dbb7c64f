/* vmath.h -- e^x, sigmoid, tanh and log(1 + x) over arrays of floats.
 *
 * Each function maps x[0..n) to y[0..n) (y may be x) without branches
 * on the values, a whole register of lanes at a time.  Every path (AVX-512,
 * AVX2 + FMA, portable C) runs the same sequence of correctly rounded
 * operations (+ - * / and fused multiply-adds), so a value gives the
 * same bits whatever path, lane or place in the array computes it; the
 * bits differ from libm's, not between runs, threads or machines.
 *
 * The largest errors measured against a double-precision reference, over
 * every 257th float of both signs and every float where the methods
 * meet (tests/test_vmath.c holds them to 1, 2.5, 1.5 and 2.5 ulp):
 *     mlp_vexp      0.97 ulp, subnormal results included; 0 below -104,
 *                   +inf above 89
 *     mlp_vsigmoid  2.31 ulp; 1 / (1 + e^-x), in [0, 1], monotone
 *     mlp_vtanh     1.46 ulp; in [-1, 1], odd, monotone, exactly +-1 for
 *                   |x| >= 9.1
 *     mlp_vlog1p    2.41 ulp for x > -1; -1 gives -inf, less gives NaN
 * A finite x never gives NaN, and sigmoid and tanh never overflow.  NaN
 * gives NaN.
 */
#ifndef MLP_ENGINE_VMATH_H
#define MLP_ENGINE_VMATH_H

#include <stddef.h>

/* y[i] = f(x[i]) for i < n; y may be x. */
typedef void mlp_vmath_fn(const float *x, size_t n, float *y);

void mlp_vexp(const float *x, size_t n, float *y);
void mlp_vsigmoid(const float *x, size_t n, float *y);
void mlp_vtanh(const float *x, size_t n, float *y);
void mlp_vlog1p(const float *x, size_t n, float *y);

/* The ways the functions can run, slowest first. */
enum mlp_vmath_path {
    MLP_VMATH_PATH_C,           /* portable C, one value at a time */
    MLP_VMATH_PATH_AVX2,        /* AVX2 + FMA, 8 lanes */
    MLP_VMATH_PATH_AVX512,      /* AVX-512, 16 lanes */
    MLP_VMATH_PATH_COUNT
};

/* One path's functions. */
struct mlp_vmath {
    mlp_vmath_fn *exp, *sigmoid, *tanh, *log1p;
};

/* path's functions, or NULL when this CPU cannot run them; for tests. */
const struct mlp_vmath *mlp_vmath_table(enum mlp_vmath_path path);

/* The path the functions above use in this process: the fastest this
 * CPU has, or the one the environment variable MLP_VMATH names
 * (c|avx2|avx512) if available. */
enum mlp_vmath_path mlp_vmath_path_chosen(void);

#endif
