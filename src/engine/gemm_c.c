/* gemm_c.c -- portable micro-kernels: 4 x 8 tiles that compilers vectorise.
 *
 * Plain C for CPUs without AVX2: the tile lives in a small array whose
 * fixed-length inner loops the compiler turns into SIMD registers of
 * whatever width the target has.
 */
#include "engine/gemm_impl.h"

#define MR 4
#define NR 8

#define MC 128
#define KC 256

_Static_assert(MR <= MLP_GEMM_MAX_MR && NR <= MLP_GEMM_MAX_NR &&
               MC % MR == 0 && MC <= MLP_GEMM_MAX_MC &&
               KC <= MLP_GEMM_MAX_KC,
               "the C blocking must fit the packing buffers");

/* Write or add the tile t into m_rem x n_rem of C. */
static void store_tile(float t[MR][NR], float *c, size_t ldc, size_t m_rem,
                       size_t n_rem, int accumulate)
{
    for (size_t i = 0; i < m_rem; i++) {
        float *ci = c + i * ldc;

        for (size_t j = 0; j < n_rem; j++)
            ci[j] = accumulate ? ci[j] + t[i][j] : t[i][j];
    }
}

/* mlp_gemm_tile_fn for packed panels (zero-padded, all lanes valid). */
static void tile(size_t kc, const float *pa, const float *pb, float *c,
                 size_t ldc, size_t m_rem, size_t n_rem, int accumulate)
{
    float t[MR][NR] = {{0}};

    /* t(i, :) += a(i, p) b(p, :) for every p */
    for (size_t p = 0; p < kc; p++) {
        for (size_t i = 0; i < MR; i++)
            for (size_t j = 0; j < NR; j++)
                t[i][j] += pa[i] * pb[j];
        pa += MR;
        pb += NR;
    }
    store_tile(t, c, ldc, m_rem, n_rem, accumulate);
}

/* mlp_gemm_direct_fn: each step copies the k-th slice of op(A) and op(B)
 * into zero-padded rows, then runs the same fixed-size update. */
static void direct(size_t k, const float *a, size_t a_rs, size_t a_cs,
                   const float *b, size_t ldb, float *c, size_t ldc,
                   size_t m_rem, size_t n_rem, int accumulate)
{
    float t[MR][NR] = {{0}};
    float av[MR] = {0}, bv[NR] = {0};

    for (size_t p = 0; p < k; p++) {
        /* the slice: a(:, p) and b(p, :) */
        for (size_t i = 0; i < m_rem; i++)
            av[i] = a[i * a_rs + p * a_cs];
        for (size_t j = 0; j < n_rem; j++)
            bv[j] = b[p * ldb + j];

        /* t += a(:, p) b(p, :) */
        for (size_t i = 0; i < MR; i++)
            for (size_t j = 0; j < NR; j++)
                t[i][j] += av[i] * bv[j];
    }
    store_tile(t, c, ldc, m_rem, n_rem, accumulate);
}

const struct mlp_gemm_kernel mlp_gemm_kernel_c = {
    .mr = MR, .nr = NR, .nr_narrow = 0, .mc = MC, .kc = KC,
    .tile = tile, .direct = direct,
    .pack_straight = mlp_gemm_pack_straight,
    .pack_transposed = mlp_gemm_pack_transposed,
};
