/* vmath.c -- the portable path of vmath.h, and the choice of path.
 *
 * Written one operation a statement, every multiply-add an explicit fmaf,
 * so that no compiler fuses or reorders anything and the bits are those
 * of the vector paths (vmath_x86.c), which follow the same steps; see
 * vmath_impl.h for the math.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/vmath_impl.h"

static uint32_t bits_of(float f)
{
    uint32_t u;

    memcpy(&u, &f, sizeof u);
    return u;
}

static float float_of(uint32_t u)
{
    float f;

    memcpy(&f, &u, sizeof f);
    return f;
}

/* Returns p 2^n, rounded once, for n in [-150, 128]: 2^n is applied in
 * two halves, each a normal float, the first product exact. */
static float scale(float p, int32_t n)
{
    int32_t n1 = n / 2, n2 = n - n1;
    float s1 = float_of((uint32_t)(n1 + 127) << 23);
    float s2 = float_of((uint32_t)(n2 + 127) << 23);
    float y = p * s1;

    return y * s2;
}

/* e^x as vmath_impl.h describes it. */
static float exp_one(float x)
{
    float t, kf, r, r2, p;

    /* the clamp, which lets NaN through */
    x = x < VM_EXP_LO ? VM_EXP_LO : x;
    x = x > VM_EXP_HI ? VM_EXP_HI : x;

    /* n = round(x log2 e) lands in t's low bits; r = x - n ln2 */
    t = fmaf(x, VM_LOG2E, VM_ROUND);
    kf = t - VM_ROUND;
    r = fmaf(kf, -VM_LN2_HI, x);
    r = fmaf(kf, -VM_LN2_LO, r);

    /* e^r = 1 + r + r^2 P(r) */
    p = fmaf(VM_P4, r, VM_P3);
    p = fmaf(p, r, VM_P2);
    p = fmaf(p, r, VM_P1);
    p = fmaf(p, r, VM_P0);
    r2 = r * r;
    p = fmaf(r2, p, r);
    p = p + 1.0f;
    return scale(p, isnan(kf) ? 0 : (int32_t)kf);
}

static float sigmoid_one(float x)
{
    float e = exp_one(0.0f - fabsf(x));
    float num = x >= 0.0f ? 1.0f : e;
    float den = 1.0f + e;

    return num / den;
}

static float tanh_one(float x)
{
    float a = fabsf(x), s, q, a3, small, a2, e, big;

    /* |x| < 0.55: |x| + |x|^3 Q(x^2) */
    s = a * a;
    q = fmaf(VM_Q4, s, VM_Q3);
    q = fmaf(q, s, VM_Q2);
    q = fmaf(q, s, VM_Q1);
    q = fmaf(q, s, VM_Q0);
    a3 = a * s;
    small = fmaf(a3, q, a);

    /* beyond: 1 - 2 / (e^2|x| + 1) */
    a2 = a > VM_TANH_CLAMP ? VM_TANH_CLAMP : a;
    a2 = a2 + a2;
    e = exp_one(a2);
    e = e + 1.0f;
    big = 2.0f / e;
    big = 1.0f - big;

    /* the sign of x put back: tanh is odd */
    return copysignf(a < VM_TANH_SMALL ? small : big, x);
}

static float log1p_one(float x)
{
    float u = 1.0f + x, c, c_big, m, f, s, z, l, lg, kf, lo, y;
    int32_t k;

    /* c = the rounding error of u, the larger term taken first */
    c = u - 1.0f;
    c = x - c;
    c_big = u - x;
    c_big = 1.0f - c_big;
    c = fabsf(x) <= 1.0f ? c : c_big;

    /* u = 2^k m, m in [sqrt(1/2), sqrt 2); f = m - 1 is exact */
    k = (int32_t)(bits_of(u) - VM_SQRT_HALF_BITS) >> 23;
    m = float_of(bits_of(u) - ((uint32_t)k << 23));
    f = m - 1.0f;

    /* log m = 2s + s^3 L(s^2), s = f / (2 + f) */
    s = 2.0f + f;
    s = f / s;
    z = s * s;
    l = fmaf(VM_L3, z, VM_L2);
    l = fmaf(l, z, VM_L1);
    l = fmaf(l, z, VM_L0);
    lg = s * z;
    lg = fmaf(lg, l, s + s);

    /* k ln2 + log m + c / u (u = 0 is replaced below: divide by 1) */
    kf = (float)k;
    lo = c / (u == 0.0f ? 1.0f : u);
    lo = fmaf(kf, VM_LN2_LO, lo);
    lo = lg + lo;
    y = fmaf(kf, VM_LN2_HI, lo);

    /* x = +inf, x = -1, x < -1 */
    y = x == INFINITY ? x : y;
    y = u == 0.0f ? -INFINITY : y;
    return u < 0.0f ? NAN : y;
}

static void c_exp(const float *x, size_t n, float *y)
{
    for (size_t i = 0; i < n; i++)
        y[i] = exp_one(x[i]);
}

static void c_sigmoid(const float *x, size_t n, float *y)
{
    for (size_t i = 0; i < n; i++)
        y[i] = sigmoid_one(x[i]);
}

static void c_tanh(const float *x, size_t n, float *y)
{
    for (size_t i = 0; i < n; i++)
        y[i] = tanh_one(x[i]);
}

static void c_log1p(const float *x, size_t n, float *y)
{
    for (size_t i = 0; i < n; i++)
        y[i] = log1p_one(x[i]);
}

static const struct mlp_vmath vmath_c = {
    c_exp, c_sigmoid, c_tanh, c_log1p
};

/* ---- the choice of path ---- */

static const char *const path_names[MLP_VMATH_PATH_COUNT] = {
    [MLP_VMATH_PATH_C] = "c",
    [MLP_VMATH_PATH_AVX2] = "avx2",
    [MLP_VMATH_PATH_AVX512] = "avx512",
};

const struct mlp_vmath *mlp_vmath_table(enum mlp_vmath_path path)
{
    switch (path) {
    case MLP_VMATH_PATH_C:
        return &vmath_c;
#ifdef MLP_VMATH_HAVE_X86
    case MLP_VMATH_PATH_AVX2:
        return __builtin_cpu_supports("avx2")
               && __builtin_cpu_supports("fma") ? &mlp_vmath_avx2 : NULL;
    case MLP_VMATH_PATH_AVX512:
        return __builtin_cpu_supports("avx512f") ? &mlp_vmath_avx512
                                                 : NULL;
#endif
    default:
        return NULL;
    }
}

static pthread_once_t chosen_once = PTHREAD_ONCE_INIT;
static enum mlp_vmath_path chosen;
static const struct mlp_vmath *chosen_table = &vmath_c;

/* Set chosen: MLP_VMATH's path if it names one this CPU has, else the
 * fastest it has.  Chosen once, so that a value gives the same bits
 * throughout the process.  The paths agree bit for bit by construction
 * (tests/test_vmath.c checks it on the CPU it runs on), so a model
 * trained on one machine is the same bits as on another, as long as
 * both round IEEE single precision and fmaf correctly. */
static void choose_path(void)
{
    const char *want = getenv("MLP_VMATH");

    for (int p = MLP_VMATH_PATH_COUNT - 1; p >= 0; p--) {
        enum mlp_vmath_path path = (enum mlp_vmath_path)p;
        const struct mlp_vmath *t = mlp_vmath_table(path);

        if (t != NULL && (want == NULL || strcmp(want, path_names[p]) == 0
                          || p == MLP_VMATH_PATH_C)) {
            chosen = path;
            chosen_table = t;
            return;
        }
    }
}

enum mlp_vmath_path mlp_vmath_path_chosen(void)
{
    pthread_once(&chosen_once, choose_path);
    return chosen;
}

void mlp_vexp(const float *x, size_t n, float *y)
{
    pthread_once(&chosen_once, choose_path);
    chosen_table->exp(x, n, y);
}

void mlp_vsigmoid(const float *x, size_t n, float *y)
{
    pthread_once(&chosen_once, choose_path);
    chosen_table->sigmoid(x, n, y);
}

void mlp_vtanh(const float *x, size_t n, float *y)
{
    pthread_once(&chosen_once, choose_path);
    chosen_table->tanh(x, n, y);
}

void mlp_vlog1p(const float *x, size_t n, float *y)
{
    pthread_once(&chosen_once, choose_path);
    chosen_table->log1p(x, n, y);
}
