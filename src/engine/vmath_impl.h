/* vmath_impl.h -- the constants and the steps that every path of
 * vmath.h follows, so that all give the same bits.
 *
 * e^x:  n = round(x log2 e), r = x - n ln2 (exact: ln2 is split into
 *       a 13-bit head, whose products with n are exact, and a tail),
 *       e^r = 1 + r + r^2 P(r) on |r| <= ln2/2, then times 2^n rounded
 *       once (scaled in two exact halves so that 2^n stays a normal
 *       float from 2^-150 to 2^128).  x is first clamped to [-104, 89],
 *       beyond which e^x rounds to 0 or overflows to inf anyway.
 * sigmoid(x) = num / (1 + e), e = e^-|x|, num = 1 for x >= 0 and e
 *       otherwise: never inf / inf, and exact down to the subnormals.
 * tanh: x + x^3 Q(x^2) for |x| < 0.55, where 1 - 2 / (e^2|x| + 1) would
 *       cancel; beyond, 1 - 2 / (e^2|x| + 1) with |x| clamped at 10,
 *       past which tanh rounds to 1; the sign of x put back.
 * log1p: u = 1 + x rounded and c its rounding error (Fast2Sum, the
 *       larger term first), u = 2^k m with m in [sqrt(1/2), sqrt 2),
 *       f = m - 1, s = f / (2 + f), log m = 2s + s^3 L(s^2), and
 *       log(1 + x) = k ln2 + log m + c / u.
 * P and Q are near-minimax fits (relative error 3e-9 and 1e-9 before
 * rounding); L is the series of 2 atanh(s), exact enough for |s| < 0.18.
 */
#ifndef MLP_ENGINE_VMATH_IMPL_H
#define MLP_ENGINE_VMATH_IMPL_H

#include "engine/vmath.h"

#define VM_EXP_LO -104.0f
#define VM_EXP_HI 89.0f
#define VM_LOG2E 0x1.715476p+0f
#define VM_LN2_HI 0x1.62ep-1f
#define VM_LN2_LO 0x1.0bfbe8p-15f
#define VM_ROUND 0x1.8p23f          /* adding it rounds to an integer */

/* e^r = 1 + r + r^2 (P0 + P1 r + P2 r^2 + P3 r^3 + P4 r^4) */
#define VM_P0 0x1.fffffcp-2f
#define VM_P1 0x1.555492p-3f
#define VM_P2 0x1.5558f2p-5f
#define VM_P3 0x1.1239e0p-7f
#define VM_P4 0x1.6a243ap-10f

/* tanh x = x + x^3 (Q0 + Q1 s + Q2 s^2 + Q3 s^3 + Q4 s^4), s = x^2 */
#define VM_TANH_SMALL 0.55f
#define VM_TANH_CLAMP 10.0f
#define VM_Q0 -0x1.55554ap-2f
#define VM_Q1 0x1.110d26p-3f
#define VM_Q2 -0x1.b9287ap-5f
#define VM_Q3 0x1.593d06p-6f
#define VM_Q4 -0x1.9b3044p-8f

/* log m = 2s + s^3 (L0 + L1 z + L2 z^2 + L3 z^3), z = s^2: 2/3, 2/5,
 * 2/7, 2/9 */
#define VM_SQRT_HALF_BITS 0x3f3504f3u
#define VM_L0 0x1.555556p-1f
#define VM_L1 0x1.99999ap-2f
#define VM_L2 0x1.24924ap-2f
#define VM_L3 0x1.c71c72p-3f

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define MLP_VMATH_HAVE_X86 1
extern const struct mlp_vmath mlp_vmath_avx2, mlp_vmath_avx512;
#endif

#endif
