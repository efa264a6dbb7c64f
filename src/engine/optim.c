/* optim.c -- plain SGD, classical momentum and Adam.
 *
 *     sgd        w -= r g
 *     momentum   v = mu v - r g;  w += v
 *     adam       m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
 *                w -= r (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 *
 * Adam's bias correction is folded into the rate and epsilon once a step:
 *     r m/(1-b1^t) / (sqrt(v/(1-b2^t)) + eps)
 *       = (r sqrt(1-b2^t)/(1-b1^t)) m / (sqrt(v) + eps sqrt(1-b2^t)).
 * Its loop takes a square root and a division an element, which C
 * compilers do not vectorise unless allowed to ignore errno, so it comes
 * in AVX-512 and AVX2 versions, chosen once from the CPU, beside the
 * portable one.  A version treats every element alike, the ragged end of
 * a range under a mask, so how a step is cut into ranges changes no bit.
 */
#include <math.h>
#include <string.h>

#include "engine/optim.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_X86 1
#include <immintrin.h>
#endif

/* The portable Adam update. */
static void adam_c(float *restrict w, const float *restrict g,
                   float *restrict m, float *restrict v, size_t n,
                   const mlp_adam_coef *c)
{
    for (size_t i = 0; i < n; i++) {
        float mi = c->b1 * m[i] + c->c1 * g[i];
        float vi = c->b2 * v[i] + c->c2 * g[i] * g[i];

        m[i] = mi;
        v[i] = vi;
        w[i] -= c->step * mi / (sqrtf(vi) + c->eps);
    }
}

#ifdef HAVE_X86

#define AVX512 __attribute__((target("avx512f")))
#define AVX2 __attribute__((target("avx2,fma")))

/* The Adam update 16 elements at a time, the last few under a mask. */
AVX512 static void adam_avx512(float *w, const float *g, float *m, float *v,
                               size_t n, const mlp_adam_coef *c)
{
    __m512 b1 = _mm512_set1_ps(c->b1), c1 = _mm512_set1_ps(c->c1);
    __m512 b2 = _mm512_set1_ps(c->b2), c2 = _mm512_set1_ps(c->c2);
    __m512 step = _mm512_set1_ps(c->step), eps = _mm512_set1_ps(c->eps);

    for (size_t i = 0; i < n; i += 16) {
        __mmask16 k = n - i >= 16 ? (__mmask16)0xffff
                                  : (__mmask16)((1u << (n - i)) - 1u);
        __m512 gi = _mm512_maskz_loadu_ps(k, g + i);
        __m512 cg = _mm512_mul_ps(c2, gi);
        __m512 mi = _mm512_fmadd_ps(b1, _mm512_maskz_loadu_ps(k, m + i),
                                    _mm512_mul_ps(c1, gi));
        __m512 vi = _mm512_fmadd_ps(b2, _mm512_maskz_loadu_ps(k, v + i),
                                    _mm512_mul_ps(cg, gi));
        __m512 den = _mm512_add_ps(_mm512_sqrt_ps(vi), eps);
        __m512 wi = _mm512_fnmadd_ps(step, _mm512_div_ps(mi, den),
                                     _mm512_maskz_loadu_ps(k, w + i));

        _mm512_mask_storeu_ps(m + i, k, mi);
        _mm512_mask_storeu_ps(v + i, k, vi);
        _mm512_mask_storeu_ps(w + i, k, wi);
    }
}

/* The Adam update 8 elements at a time, the last few under a mask. */
AVX2 static void adam_avx2(float *w, const float *g, float *m, float *v,
                           size_t n, const mlp_adam_coef *c)
{
    const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256 b1 = _mm256_set1_ps(c->b1), c1 = _mm256_set1_ps(c->c1);
    __m256 b2 = _mm256_set1_ps(c->b2), c2 = _mm256_set1_ps(c->c2);
    __m256 step = _mm256_set1_ps(c->step), eps = _mm256_set1_ps(c->eps);

    for (size_t i = 0; i < n; i += 8) {
        int left = n - i >= 8 ? 8 : (int)(n - i);
        __m256i k = _mm256_cmpgt_epi32(_mm256_set1_epi32(left), idx);
        __m256 gi = _mm256_maskload_ps(g + i, k);
        __m256 cg = _mm256_mul_ps(c2, gi);
        __m256 mi = _mm256_fmadd_ps(b1, _mm256_maskload_ps(m + i, k),
                                    _mm256_mul_ps(c1, gi));
        __m256 vi = _mm256_fmadd_ps(b2, _mm256_maskload_ps(v + i, k),
                                    _mm256_mul_ps(cg, gi));
        __m256 den = _mm256_add_ps(_mm256_sqrt_ps(vi), eps);
        __m256 wi = _mm256_fnmadd_ps(step, _mm256_div_ps(mi, den),
                                     _mm256_maskload_ps(w + i, k));

        _mm256_maskstore_ps(m + i, k, mi);
        _mm256_maskstore_ps(v + i, k, vi);
        _mm256_maskstore_ps(w + i, k, wi);
    }
}

#endif

size_t mlp_optim_adam_versions(mlp_adam_fn *out[3])
{
    size_t n = 0;

#ifdef HAVE_X86
    if (__builtin_cpu_supports("avx512f"))
        out[n++] = adam_avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        out[n++] = adam_avx2;
#endif
    out[n++] = adam_c;
    return n;
}

void mlp_optim_layout(mlp_optim_state *s, const mlp_train_options *o,
                      size_t n, mlp_arena *a)
{
    mlp_adam_fn *versions[3];

    memset(s, 0, sizeof *s);
    s->kind = o->optim;
    s->rate = o->rate;
    s->momentum = o->momentum;
    s->beta1 = o->beta1;
    s->beta2 = o->beta2;
    s->eps = o->eps;
    s->n = n;
    mlp_optim_adam_versions(versions);
    s->adam = versions[0];
    if (s->kind != MLP_OPTIM_SGD)
        s->m = mlp_arena_take(a, n, sizeof(float));
    if (s->kind == MLP_OPTIM_ADAM)
        s->v = mlp_arena_take(a, n, sizeof(float));
}

void mlp_optim_reset(mlp_optim_state *s)
{
    if (s->m != NULL)
        memset(s->m, 0, s->n * sizeof(float));
    if (s->v != NULL)
        memset(s->v, 0, s->n * sizeof(float));
    s->b1t = 1.0;
    s->b2t = 1.0;
}

void mlp_optim_begin(mlp_optim_state *s)
{
    double c2;

    if (s->kind != MLP_OPTIM_ADAM)
        return;
    s->b1t *= s->beta1;
    s->b2t *= s->beta2;
    c2 = sqrt(1.0 - s->b2t);
    s->coef.b1 = s->beta1;
    s->coef.c1 = 1.0f - s->beta1;
    s->coef.b2 = s->beta2;
    s->coef.c2 = 1.0f - s->beta2;
    s->coef.step = (float)(s->rate * c2 / (1.0 - s->b1t));
    s->coef.eps = (float)(s->eps * c2);
}

/* v = mu v - r g;  w += v, over n elements. */
static void momentum_step(float *restrict w, const float *restrict g,
                          float *restrict v, size_t n, float r, float mu)
{
    for (size_t i = 0; i < n; i++) {
        v[i] = mu * v[i] - r * g[i];
        w[i] += v[i];
    }
}

/* w -= r g, over n elements. */
static void sgd_step(float *restrict w, const float *restrict g, size_t n,
                     float r)
{
    for (size_t i = 0; i < n; i++)
        w[i] -= r * g[i];
}

void mlp_optim_apply(const mlp_optim_state *s, float *params,
                     const float *grad, size_t first, size_t n)
{
    float *w = params + first;
    const float *g = grad + first;

    switch (s->kind) {
    case MLP_OPTIM_SGD:
        sgd_step(w, g, n, s->rate);
        break;
    case MLP_OPTIM_MOMENTUM:
        momentum_step(w, g, s->m + first, n, s->rate, s->momentum);
        break;
    case MLP_OPTIM_ADAM:
        s->adam(w, g, s->m + first, s->v + first, n, &s->coef);
        break;
    }
}

void mlp_optim_step(mlp_optim_state *s, float *params, const float *grad)
{
    mlp_optim_begin(s);
    mlp_optim_apply(s, params, grad, 0, s->n);
}
