/* test_vmath.c -- the vectorised exp, sigmoid, tanh and log1p against
 * double-precision references, on every path this CPU has.
 *
 * The sweep takes every 257th float bit pattern of both signs (some 17
 * million values over all exponents, subnormals, zeros and infinities
 * included) and every float in the intervals where a method changes
 * (tanh at |x| = 0.55, the ends of exp's range, log1p near 0 and -1).
 * An error is counted in units of the last place of the reference
 * rounded to float, a subnormal's being 2^-149.  Then: the paths agree
 * bit for bit, a value gives the same bits at any place in an array of
 * any length, specials, ranges and monotony.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "engine/vmath.h"

#define CHUNK 4096
#define STRIDE 257

/* The bound a path must keep, in ulp, for each function. */
#define ULP_EXP 1.0
#define ULP_SIGMOID 2.5
#define ULP_TANH 1.5
#define ULP_LOG1P 2.5

enum fn { FN_EXP, FN_SIGMOID, FN_TANH, FN_LOG1P, FN_COUNT };

static const char *const fn_names[FN_COUNT] = {
    "exp", "sigmoid", "tanh", "log1p"
};

static const char *const path_names[MLP_VMATH_PATH_COUNT] = {
    "c", "avx2", "avx512"
};

static float float_of(uint32_t u)
{
    float f;

    memcpy(&f, &u, sizeof f);
    return f;
}

static uint32_t bits_of(float f)
{
    uint32_t u;

    memcpy(&u, &f, sizeof u);
    return u;
}

static mlp_vmath_fn *fn_of(const struct mlp_vmath *t, enum fn f)
{
    switch (f) {
    case FN_EXP:
        return t->exp;
    case FN_SIGMOID:
        return t->sigmoid;
    case FN_TANH:
        return t->tanh;
    default:
        return t->log1p;
    }
}

/* The function in double, where the float result is meant to round. */
static double reference(enum fn f, float x)
{
    double d = x;

    switch (f) {
    case FN_EXP:
        return exp(d);
    case FN_SIGMOID:
        return d >= 0.0 ? 1.0 / (1.0 + exp(-d)) : exp(d) / (1.0 + exp(d));
    case FN_TANH:
        return tanh(d);
    default:
        return log1p(d);
    }
}

/* |y - ref| in units of the last place of ref rounded to float; 0 when
 * both are the same infinity or NaN, huge when only one is. */
static double ulp_error(float y, double ref)
{
    float r = (float)ref;
    int e;

    if (isnan(r) || isnan(y))
        return isnan(r) && isnan(y) ? 0.0 : 1e30;
    if (isinf(r) || isinf(y))
        return y == r ? 0.0 : 1e30;
    if (r == 0.0f)
        return fabs((double)y) / ldexp(1.0, -149);
    frexp(fabs(ref), &e);
    return fabs((double)y - ref) / ldexp(1.0, e - 24 > -149 ? e - 24
                                                           : -149);
}

/* Worst errors of one path and function, and where. */
typedef struct worst {
    double ulp;
    float at;
} worst;

/* Run f over x[0..n) and fold the errors into *w. */
static void measure(mlp_vmath_fn *fn, enum fn f, const float *x, size_t n,
                    worst *w)
{
    static float y[CHUNK];

    fn(x, n, y);
    for (size_t i = 0; i < n; i++) {
        double e = ulp_error(y[i], reference(f, x[i]));

        if (e > w->ulp) {
            w->ulp = e;
            w->at = x[i];
        }
    }
}

/* Measure f over every float in [lo, hi] (same sign, lo <= hi in bits),
 * or every STRIDE-th when sparse. */
static void sweep_bits(mlp_vmath_fn *fn, enum fn f, uint32_t lo,
                       uint32_t hi, uint32_t step, worst *w)
{
    static float x[CHUNK];
    size_t n = 0;

    for (uint64_t b = lo; b <= hi; b += step) {
        x[n++] = float_of((uint32_t)b);
        if (n == CHUNK) {
            measure(fn, f, x, n, w);
            n = 0;
        }
    }
    measure(fn, f, x, n, w);
}

/* Every float between a and b of a's sign, |a| <= |b|. */
static void sweep_range(mlp_vmath_fn *fn, enum fn f, float a, float b,
                        worst *w)
{
    sweep_bits(fn, f, bits_of(a), bits_of(b), 1, w);
}

static void test_accuracy(const struct mlp_vmath *t, const char *path)
{
    static const double bound[FN_COUNT] = {
        ULP_EXP, ULP_SIGMOID, ULP_TANH, ULP_LOG1P
    };

    for (int f = 0; f < FN_COUNT; f++) {
        mlp_vmath_fn *fn = fn_of(t, (enum fn)f);
        worst w = { 0.0, 0.0f };

        /* both signs sparsely, then the intervals where methods meet */
        sweep_bits(fn, (enum fn)f, 0, 0x7f800000u, STRIDE, &w);
        sweep_bits(fn, (enum fn)f, 0x80000000u, 0xff800000u, STRIDE, &w);
        sweep_range(fn, (enum fn)f, 0.5f, 0.6f, &w);
        sweep_range(fn, (enum fn)f, -0.5f, -0.6f, &w);
        if (f == FN_EXP) {
            sweep_range(fn, (enum fn)f, -87.0f, -104.0f, &w);
            sweep_range(fn, (enum fn)f, 88.0f, 89.0f, &w);
        }
        if (f == FN_LOG1P) {
            sweep_range(fn, (enum fn)f, 0x1p-10f, 0x1p-9f, &w);
            sweep_range(fn, (enum fn)f, -0.99f, -1.0f, &w);
            sweep_range(fn, (enum fn)f, 0.4f, 0.45f, &w);
            sweep_range(fn, (enum fn)f, -0.25f, -0.3f, &w);
        }
        printf("%s %s: max error %.3f ulp at %a\n", path, fn_names[f],
               w.ulp, (double)w.at);
        CHECKF(w.ulp <= bound[f], "%s %s: %.3f ulp at %a", path,
               fn_names[f], w.ulp, (double)w.at);
    }
}

/* The values every check below runs on: specials, then a sparse sweep
 * of both signs.  Returns how many were put in x (at most max). */
static size_t values(float *x, size_t max)
{
    static const float special[] = {
        0.0f, -0.0f, INFINITY, -INFINITY, NAN, FLT_MIN, -FLT_MIN,
        FLT_MAX, -FLT_MAX, 0x1p-149f, -0x1p-149f, 1e-20f, -1e-20f, 0.55f,
        -0.55f, 9.0f, -9.0f, 10.0f, -10.0f, 88.7f, -88.7f, -103.9f,
        -104.5f, 89.5f, -1.0f, -2.0f
    };
    size_t n = sizeof special / sizeof *special;

    memcpy(x, special, sizeof special);
    for (uint64_t b = 0; b < 0x100000000u && n < max; b += 0x10001u * 7)
        x[n++] = float_of((uint32_t)b);
    return n;
}

/* 1 when a[0..n) and b[0..n) are the same bits, any NaN matching any
 * NaN (their payloads and signs mean nothing). */
static int same(const float *a, const float *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (bits_of(a[i]) != bits_of(b[i]) && !(isnan(a[i]) && isnan(b[i])))
            return 0;
    return 1;
}

/* Every path gives the fastest path's bits, and a value gives the same
 * bits at any place of an array of any length. */
static void test_same_bits(const struct mlp_vmath *best)
{
    static float x[CHUNK], want[CHUNK], got[CHUNK];
    size_t n = values(x, CHUNK);

    for (int f = 0; f < FN_COUNT; f++) {
        mlp_vmath_fn *fb = fn_of(best, (enum fn)f);
        size_t diff = 0;

        fb(x, n, want);
        for (int p = 0; p < MLP_VMATH_PATH_COUNT; p++) {
            const struct mlp_vmath *t =
                mlp_vmath_table((enum mlp_vmath_path)p);

            if (t == NULL)
                continue;
            fn_of(t, (enum fn)f)(x, n, got);
            CHECKF(same(got, want, n), "%s %s",
                   path_names[p], fn_names[f]);
        }

        /* every length up to 40 at every start up to 17, in place */
        for (size_t start = 0; start < 17; start++)
            for (size_t len = 0; len <= 40; len++) {
                memcpy(got, x + start, len * sizeof *got);
                fb(got, len, got);
                diff += !same(got, want + start, len);
            }
        CHECKF(diff == 0, "%s: %zu lengths differ", fn_names[f], diff);
    }
}

/* Specials, and sigmoid and tanh within their ranges, never NaN for a
 * number, odd or symmetric, and monotone over a fine sweep. */
static void test_ranges(void)
{
    static float x[CHUNK], s[CHUNK], t[CHUNK], y[CHUNK];
    size_t n = values(x, CHUNK), bad = 0;

    mlp_vsigmoid(x, n, s);
    mlp_vtanh(x, n, t);
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i])) {
            bad += !isnan(s[i]) || !isnan(t[i]);
            continue;
        }
        bad += !(s[i] >= 0.0f && s[i] <= 1.0f);
        bad += !(t[i] >= -1.0f && t[i] <= 1.0f);
        y[0] = -x[i];
        mlp_vtanh(y, 1, y);
        bad += y[0] != -t[i];
    }
    CHECKF(bad == 0, "%zu values out of range or not odd", bad);

    /* the specials */
    x[0] = -INFINITY;
    x[1] = INFINITY;
    x[2] = -0.0f;
    x[3] = 9.1f;
    x[4] = -1.0f;
    x[5] = -1.5f;
    mlp_vsigmoid(x, 6, s);
    mlp_vtanh(x, 6, t);
    mlp_vexp(x, 6, y);
    CHECK(s[0] == 0.0f && s[1] == 1.0f && s[2] == 0.5f);
    CHECK(t[0] == -1.0f && t[1] == 1.0f && t[2] == 0.0f && signbit(t[2]));
    CHECK(t[3] == 1.0f);
    CHECK(y[0] == 0.0f && y[1] == INFINITY && y[2] == 1.0f);
    mlp_vlog1p(x, 6, y);
    CHECK(isnan(y[0]) && y[1] == INFINITY && y[2] == 0.0f);
    CHECK(y[4] == -INFINITY && isnan(y[5]));
    x[0] = NAN;
    mlp_vexp(x, 1, y);
    mlp_vlog1p(x, 1, y + 1);
    CHECK(isnan(y[0]) && isnan(y[1]));

    /* monotone: every float in [-0.6, 0.6] hit by a step of 2^-20, and
     * steps of 2^-12 out to 12 */
    bad = 0;
    for (int f = 0; f < 2; f++) {
        float prev = -INFINITY;

        for (float v = -12.0f; v <= 12.0f;) {
            float out;

            if (f == 0)
                mlp_vsigmoid(&v, 1, &out);
            else
                mlp_vtanh(&v, 1, &out);
            bad += out < prev;
            prev = out;
            v += fabsf(v) < 0.6f ? 0x1p-20f : 0x1p-12f;
        }
    }
    CHECKF(bad == 0, "%zu steps down", bad);
}

int main(void)
{
    const struct mlp_vmath *best = NULL;

    /* accuracy on the fastest path, then the others against it */
    for (int p = 0; p < MLP_VMATH_PATH_COUNT; p++) {
        const struct mlp_vmath *t = mlp_vmath_table((enum mlp_vmath_path)p);

        printf("path %s: %s\n", path_names[p],
               t != NULL ? "on this CPU" : "not on this CPU");
        if (t != NULL)
            best = t;
    }
    CHECK(mlp_vmath_table(MLP_VMATH_PATH_C) != NULL);
    test_accuracy(best, path_names[mlp_vmath_path_chosen()]);
    test_same_bits(best);
    test_ranges();
    return check_done("vmath");
}
