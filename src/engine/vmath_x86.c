/* vmath_x86.c -- the AVX2 + FMA and AVX-512 paths of vmath.h.
 *
 * Each follows vmath.c's steps operation for operation (see
 * vmath_impl.h), one lane a value, so that the three paths give the
 * same bits.  The last values of an array, fewer than a register, go
 * through the same code: masked lanes with AVX-512, a zero-padded
 * register-sized copy with AVX2.  Clamps put the bound first, since
 * vmaxps and vminps return their second operand when either is NaN,
 * so NaN goes through as it does in C.
 */
#include "engine/vmath_impl.h"

#ifdef MLP_VMATH_HAVE_X86

#include <immintrin.h>
#include <math.h>
#include <string.h>

/* ---- AVX2 + FMA: 8 lanes ---- */

#define T2 __attribute__((target("avx2,fma")))
#define INLINE2 static inline __attribute__((always_inline)) T2

INLINE2 __m256 set8(float v)
{
    return _mm256_set1_ps(v);
}

/* p 2^n, n = kf, in two exact halves as vmath.c's scale. */
INLINE2 __m256 scale8(__m256 p, __m256 kf)
{
    __m256i n = _mm256_cvttps_epi32(kf);
    __m256i n1 = _mm256_srai_epi32(n, 1);
    __m256i n2 = _mm256_sub_epi32(n, n1);
    __m256i bias = _mm256_set1_epi32(127);
    __m256 s1 = _mm256_castsi256_ps(
        _mm256_slli_epi32(_mm256_add_epi32(n1, bias), 23));
    __m256 s2 = _mm256_castsi256_ps(
        _mm256_slli_epi32(_mm256_add_epi32(n2, bias), 23));

    return _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
}

INLINE2 __m256 exp8(__m256 x)
{
    __m256 t, kf, r, p;

    /* the clamp; n = round(x log2 e); r = x - n ln2 */
    x = _mm256_max_ps(set8(VM_EXP_LO), x);
    x = _mm256_min_ps(set8(VM_EXP_HI), x);
    t = _mm256_fmadd_ps(x, set8(VM_LOG2E), set8(VM_ROUND));
    kf = _mm256_sub_ps(t, set8(VM_ROUND));
    r = _mm256_fmadd_ps(kf, set8(-VM_LN2_HI), x);
    r = _mm256_fmadd_ps(kf, set8(-VM_LN2_LO), r);

    /* e^r = 1 + r + r^2 P(r), times 2^n */
    p = _mm256_fmadd_ps(set8(VM_P4), r, set8(VM_P3));
    p = _mm256_fmadd_ps(p, r, set8(VM_P2));
    p = _mm256_fmadd_ps(p, r, set8(VM_P1));
    p = _mm256_fmadd_ps(p, r, set8(VM_P0));
    p = _mm256_fmadd_ps(_mm256_mul_ps(r, r), p, r);
    p = _mm256_add_ps(p, set8(1.0f));
    return scale8(p, kf);
}

INLINE2 __m256 abs8(__m256 x)
{
    return _mm256_andnot_ps(set8(-0.0f), x);
}

INLINE2 __m256 sigmoid8(__m256 x)
{
    __m256 e = exp8(_mm256_sub_ps(set8(0.0f), abs8(x)));
    __m256 pos = _mm256_cmp_ps(x, set8(0.0f), _CMP_GE_OQ);
    __m256 num = _mm256_blendv_ps(e, set8(1.0f), pos);

    return _mm256_div_ps(num, _mm256_add_ps(set8(1.0f), e));
}

INLINE2 __m256 tanh8(__m256 x)
{
    __m256 a = abs8(x), s, q, small, a2, big;

    /* |x| < 0.55: |x| + |x|^3 Q(x^2) */
    s = _mm256_mul_ps(a, a);
    q = _mm256_fmadd_ps(set8(VM_Q4), s, set8(VM_Q3));
    q = _mm256_fmadd_ps(q, s, set8(VM_Q2));
    q = _mm256_fmadd_ps(q, s, set8(VM_Q1));
    q = _mm256_fmadd_ps(q, s, set8(VM_Q0));
    small = _mm256_fmadd_ps(_mm256_mul_ps(a, s), q, a);

    /* beyond: 1 - 2 / (e^2|x| + 1) */
    a2 = _mm256_min_ps(set8(VM_TANH_CLAMP), a);
    big = exp8(_mm256_add_ps(a2, a2));
    big = _mm256_div_ps(set8(2.0f), _mm256_add_ps(big, set8(1.0f)));
    big = _mm256_sub_ps(set8(1.0f), big);

    /* the sign of x put back: tanh is odd */
    big = _mm256_blendv_ps(big, small,
                           _mm256_cmp_ps(a, set8(VM_TANH_SMALL),
                                         _CMP_LT_OQ));
    return _mm256_or_ps(big, _mm256_and_ps(x, set8(-0.0f)));
}

INLINE2 __m256 log1p8(__m256 x)
{
    __m256 one = set8(1.0f), u = _mm256_add_ps(one, x), c, c_big;
    __m256 m, f, s, z, l, lg, kf, lo, y;
    __m256i k, ub;

    /* c = the rounding error of u, the larger term taken first */
    c = _mm256_sub_ps(x, _mm256_sub_ps(u, one));
    c_big = _mm256_sub_ps(one, _mm256_sub_ps(u, x));
    c = _mm256_blendv_ps(c_big, c, _mm256_cmp_ps(abs8(x), one,
                                                 _CMP_LE_OQ));

    /* u = 2^k m, m in [sqrt(1/2), sqrt 2) */
    ub = _mm256_castps_si256(u);
    k = _mm256_srai_epi32(_mm256_sub_epi32(ub, _mm256_set1_epi32(
                              (int)VM_SQRT_HALF_BITS)), 23);
    m = _mm256_castsi256_ps(_mm256_sub_epi32(ub,
                                             _mm256_slli_epi32(k, 23)));
    f = _mm256_sub_ps(m, one);

    /* log m = 2s + s^3 L(s^2) */
    s = _mm256_div_ps(f, _mm256_add_ps(set8(2.0f), f));
    z = _mm256_mul_ps(s, s);
    l = _mm256_fmadd_ps(set8(VM_L3), z, set8(VM_L2));
    l = _mm256_fmadd_ps(l, z, set8(VM_L1));
    l = _mm256_fmadd_ps(l, z, set8(VM_L0));
    lg = _mm256_fmadd_ps(_mm256_mul_ps(s, z), l, _mm256_add_ps(s, s));

    /* k ln2 + log m + c / u, then x = +inf, x = -1, x < -1 */
    kf = _mm256_cvtepi32_ps(k);
    lo = _mm256_fmadd_ps(kf, set8(VM_LN2_LO), _mm256_div_ps(c, u));
    y = _mm256_fmadd_ps(kf, set8(VM_LN2_HI), _mm256_add_ps(lg, lo));
    y = _mm256_blendv_ps(y, x, _mm256_cmp_ps(x, set8(INFINITY),
                                             _CMP_EQ_OQ));
    y = _mm256_blendv_ps(y, set8(-INFINITY),
                         _mm256_cmp_ps(u, set8(0.0f), _CMP_EQ_OQ));
    return _mm256_blendv_ps(y, set8(NAN),
                            _mm256_cmp_ps(u, set8(0.0f), _CMP_LT_OQ));
}

/* y = core(x) over n values: whole registers, then the rest padded. */
#define EACH8(name, core)                                               \
    T2 static void name(const float *x, size_t n, float *y)            \
    {                                                                   \
        float buf[8] = { 0 };                                           \
        size_t i = 0;                                                   \
                                                                        \
        for (; i + 8 <= n; i += 8)                                      \
            _mm256_storeu_ps(y + i, core(_mm256_loadu_ps(x + i)));      \
        if (i == n)                                                     \
            return;                                                     \
        memcpy(buf, x + i, (n - i) * sizeof *x);                        \
        _mm256_storeu_ps(buf, core(_mm256_loadu_ps(buf)));              \
        memcpy(y + i, buf, (n - i) * sizeof *y);                        \
    }

EACH8(avx2_exp, exp8)
EACH8(avx2_sigmoid, sigmoid8)
EACH8(avx2_tanh, tanh8)
EACH8(avx2_log1p, log1p8)

const struct mlp_vmath mlp_vmath_avx2 = {
    avx2_exp, avx2_sigmoid, avx2_tanh, avx2_log1p
};

/* ---- AVX-512: 16 lanes ---- */

#define T5 __attribute__((target("avx512f")))
#define INLINE5 static inline __attribute__((always_inline)) T5

INLINE5 __m512 set16(float v)
{
    return _mm512_set1_ps(v);
}

/* x with the sign bit of sign (bitwise: AVX-512F has no float and/or) */
INLINE5 __m512 with_sign16(__m512 x, __m512 sign)
{
    __m512i sb = _mm512_and_epi32(_mm512_castps_si512(sign),
                                  _mm512_set1_epi32((int)0x80000000u));

    return _mm512_castsi512_ps(_mm512_or_epi32(_mm512_castps_si512(x),
                                               sb));
}

INLINE5 __m512 exp16(__m512 x)
{
    __m512 t, kf, r, p;

    /* the clamp; n = round(x log2 e); r = x - n ln2 */
    x = _mm512_max_ps(set16(VM_EXP_LO), x);
    x = _mm512_min_ps(set16(VM_EXP_HI), x);
    t = _mm512_fmadd_ps(x, set16(VM_LOG2E), set16(VM_ROUND));
    kf = _mm512_sub_ps(t, set16(VM_ROUND));
    r = _mm512_fmadd_ps(kf, set16(-VM_LN2_HI), x);
    r = _mm512_fmadd_ps(kf, set16(-VM_LN2_LO), r);

    /* e^r = 1 + r + r^2 P(r), times 2^n rounded once */
    p = _mm512_fmadd_ps(set16(VM_P4), r, set16(VM_P3));
    p = _mm512_fmadd_ps(p, r, set16(VM_P2));
    p = _mm512_fmadd_ps(p, r, set16(VM_P1));
    p = _mm512_fmadd_ps(p, r, set16(VM_P0));
    p = _mm512_fmadd_ps(_mm512_mul_ps(r, r), p, r);
    p = _mm512_add_ps(p, set16(1.0f));
    return _mm512_scalef_ps(p, kf);
}

INLINE5 __m512 sigmoid16(__m512 x)
{
    __m512 e = exp16(_mm512_sub_ps(set16(0.0f), _mm512_abs_ps(x)));
    __mmask16 pos = _mm512_cmp_ps_mask(x, set16(0.0f), _CMP_GE_OQ);
    __m512 num = _mm512_mask_blend_ps(pos, e, set16(1.0f));

    return _mm512_div_ps(num, _mm512_add_ps(set16(1.0f), e));
}

INLINE5 __m512 tanh16(__m512 x)
{
    __m512 a = _mm512_abs_ps(x), s, q, small, a2, big;

    /* |x| < 0.55: |x| + |x|^3 Q(x^2) */
    s = _mm512_mul_ps(a, a);
    q = _mm512_fmadd_ps(set16(VM_Q4), s, set16(VM_Q3));
    q = _mm512_fmadd_ps(q, s, set16(VM_Q2));
    q = _mm512_fmadd_ps(q, s, set16(VM_Q1));
    q = _mm512_fmadd_ps(q, s, set16(VM_Q0));
    small = _mm512_fmadd_ps(_mm512_mul_ps(a, s), q, a);

    /* beyond: 1 - 2 / (e^2|x| + 1) */
    a2 = _mm512_min_ps(set16(VM_TANH_CLAMP), a);
    big = exp16(_mm512_add_ps(a2, a2));
    big = _mm512_div_ps(set16(2.0f), _mm512_add_ps(big, set16(1.0f)));
    big = _mm512_sub_ps(set16(1.0f), big);

    /* the sign of x put back: tanh is odd */
    big = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(a, set16(VM_TANH_SMALL),
                                                  _CMP_LT_OQ), big, small);
    return with_sign16(big, x);
}

INLINE5 __m512 log1p16(__m512 x)
{
    __m512 one = set16(1.0f), u = _mm512_add_ps(one, x), c, c_big;
    __m512 m, f, s, z, l, lg, kf, lo, y;
    __m512i k, ub;

    /* c = the rounding error of u, the larger term taken first */
    c = _mm512_sub_ps(x, _mm512_sub_ps(u, one));
    c_big = _mm512_sub_ps(one, _mm512_sub_ps(u, x));
    c = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(_mm512_abs_ps(x), one,
                                                _CMP_LE_OQ), c_big, c);

    /* u = 2^k m, m in [sqrt(1/2), sqrt 2) */
    ub = _mm512_castps_si512(u);
    k = _mm512_srai_epi32(_mm512_sub_epi32(ub, _mm512_set1_epi32(
                              (int)VM_SQRT_HALF_BITS)), 23);
    m = _mm512_castsi512_ps(_mm512_sub_epi32(ub,
                                             _mm512_slli_epi32(k, 23)));
    f = _mm512_sub_ps(m, one);

    /* log m = 2s + s^3 L(s^2) */
    s = _mm512_div_ps(f, _mm512_add_ps(set16(2.0f), f));
    z = _mm512_mul_ps(s, s);
    l = _mm512_fmadd_ps(set16(VM_L3), z, set16(VM_L2));
    l = _mm512_fmadd_ps(l, z, set16(VM_L1));
    l = _mm512_fmadd_ps(l, z, set16(VM_L0));
    lg = _mm512_fmadd_ps(_mm512_mul_ps(s, z), l, _mm512_add_ps(s, s));

    /* k ln2 + log m + c / u, then x = +inf, x = -1, x < -1 */
    kf = _mm512_cvtepi32_ps(k);
    lo = _mm512_fmadd_ps(kf, set16(VM_LN2_LO), _mm512_div_ps(c, u));
    y = _mm512_fmadd_ps(kf, set16(VM_LN2_HI), _mm512_add_ps(lg, lo));
    y = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, set16(INFINITY),
                                                _CMP_EQ_OQ), y, x);
    y = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(u, set16(0.0f),
                                                _CMP_EQ_OQ), y,
                             set16(-INFINITY));
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(u, set16(0.0f),
                                                   _CMP_LT_OQ), y,
                                set16(NAN));
}

/* y = core(x) over n values: whole registers, then the rest masked. */
#define EACH16(name, core)                                              \
    T5 static void name(const float *x, size_t n, float *y)            \
    {                                                                   \
        size_t i = 0;                                                   \
        __mmask16 rest;                                                 \
                                                                        \
        for (; i + 16 <= n; i += 16)                                    \
            _mm512_storeu_ps(y + i, core(_mm512_loadu_ps(x + i)));      \
        if (i == n)                                                     \
            return;                                                     \
        rest = (__mmask16)((1u << (n - i)) - 1u);                       \
        _mm512_mask_storeu_ps(y + i, rest,                              \
                              core(_mm512_maskz_loadu_ps(rest, x + i)));\
    }

EACH16(avx512_exp, exp16)
EACH16(avx512_sigmoid, sigmoid16)
EACH16(avx512_tanh, tanh16)
EACH16(avx512_log1p, log1p16)

const struct mlp_vmath mlp_vmath_avx512 = {
    avx512_exp, avx512_sigmoid, avx512_tanh, avx512_log1p
};

#endif
