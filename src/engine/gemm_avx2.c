/* gemm_avx2.c -- AVX2 + FMA micro-kernels: 6 x 16 tiles of C in registers.
 *
 * The tile is 6 rows of two 8-float ymm registers: 12 accumulators, two
 * registers of op(B) and one broadcast of op(A) fill the 16 registers.
 * Columns past n_rem go through maskload / maskstore, so memory outside
 * the matrices is never touched.  Strips of op(B^T) are packed by 8 x 8
 * transposes in registers.
 */
#include "engine/gemm_impl.h"

#ifdef MLP_GEMM_HAVE_X86

#include <immintrin.h>

#define MR 6
#define NR 16
#define TARGET __attribute__((target("avx2,fma")))
#define INLINE static inline __attribute__((always_inline)) TARGET

#define MC 120
#define KC 256

_Static_assert(MR <= MLP_GEMM_MAX_MR && NR <= MLP_GEMM_MAX_NR &&
               MC % MR == 0 && MC <= MLP_GEMM_MAX_MC &&
               KC <= MLP_GEMM_MAX_KC,
               "the AVX2 blocking must fit the packing buffers");

/* A maskload mask whose first n (0..8) lanes are set. */
INLINE __m256i lanes(size_t n)
{
    const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);

    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n > 8 ? 8 : n)),
                              idx);
}

/* Where a finished tile goes: m_rem x n_rem of C, added or written. */
struct tile_out {
    float *c;
    size_t ldc, m_rem, n_rem;
    int accumulate;
};

/* Write or add the accumulators c0 (and c1 when n_vec is 2) into C. */
INLINE void store_tile(const __m256 *c0, const __m256 *c1, int n_vec,
                       const struct tile_out *o)
{
    __m256i k0 = lanes(o->n_rem);
    __m256i k1 = lanes(o->n_rem > 8 ? o->n_rem - 8 : 0);

#pragma GCC unroll 16
    for (size_t i = 0; i < MR; i++) {
        float *ci = o->c + i * o->ldc;
        __m256 v0 = c0[i], v1 = c1[i];

        if (i >= o->m_rem)
            continue;
        if (o->accumulate) {
            v0 = _mm256_add_ps(v0, _mm256_maskload_ps(ci, k0));
            if (n_vec == 2)
                v1 = _mm256_add_ps(v1, _mm256_maskload_ps(ci + 8, k1));
        }
        _mm256_maskstore_ps(ci, k0, v0);
        if (n_vec == 2)
            _mm256_maskstore_ps(ci + 8, k1, v1);
    }
}

/* The k loop over n_vec registers of columns: row i of op(A) at
 * a + off[i], step a_cs along k; op(B) rows ldb apart.  b_full says all
 * 8 n_vec columns of B may be read. */
INLINE void run_tile(size_t k, const float *a, const size_t *off,
                     size_t a_cs, const float *b, size_t ldb, int n_vec,
                     int b_full, const struct tile_out *o)
{
    __m256i k0 = lanes(b_full ? 8 : o->n_rem);
    __m256i k1 = lanes(b_full ? 8 : o->n_rem > 8 ? o->n_rem - 8 : 0);
    __m256 c0[MR], c1[MR];

#pragma GCC unroll 16
    for (size_t i = 0; i < MR; i++)
        c0[i] = c1[i] = _mm256_setzero_ps();

    /* c(i, :) += a(i, p) b(p, :) for every p */
    for (size_t p = 0; p < k; p++) {
        __m256 b0 = b_full ? _mm256_loadu_ps(b) : _mm256_maskload_ps(b, k0);
        __m256 b1 = n_vec == 1 ? b0
                    : b_full   ? _mm256_loadu_ps(b + 8)
                               : _mm256_maskload_ps(b + 8, k1);

        for (size_t i = 0; i < MR; i++) {
            __m256 ai = _mm256_broadcast_ss(a + off[i]);

            c0[i] = _mm256_fmadd_ps(ai, b0, c0[i]);
            if (n_vec == 2)
                c1[i] = _mm256_fmadd_ps(ai, b1, c1[i]);
        }
        a += a_cs;
        b += ldb;
    }
    store_tile(c0, c1, n_vec, o);
}

/* mlp_gemm_tile_fn for packed panels (zero-padded, all lanes valid);
 * strips of at most 8 columns are packed 8 wide. */
TARGET static void tile(size_t kc, const float *pa, const float *pb,
                        float *c, size_t ldc, size_t m_rem, size_t n_rem,
                        int accumulate)
{
    static const size_t off[MR] = {0, 1, 2, 3, 4, 5};
    struct tile_out o = {c, ldc, m_rem, n_rem, accumulate};

    if (n_rem > NR / 2)
        run_tile(kc, pa, off, MR, pb, NR, 2, 1, &o);
    else
        run_tile(kc, pa, off, MR, pb, NR / 2, 1, 1, &o);
}

/* The unpacked k loop with as many column registers as n_rem needs. */
INLINE void direct_cols(size_t k, const float *a, const size_t *off,
                        size_t a_cs, const float *b, size_t ldb,
                        const struct tile_out *o)
{
    if (o->n_rem == NR)
        run_tile(k, a, off, a_cs, b, ldb, 2, 1, o);
    else if (o->n_rem > NR / 2)
        run_tile(k, a, off, a_cs, b, ldb, 2, 0, o);
    else
        run_tile(k, a, off, a_cs, b, ldb, 1, o->n_rem == NR / 2, o);
}

/* mlp_gemm_direct_fn: rows past m_rem repeat row 0, so that nothing
 * outside op(A) is read; their sums are computed and dropped. */
TARGET static void direct(size_t k, const float *a, size_t a_rs,
                          size_t a_cs, const float *b, size_t ldb, float *c,
                          size_t ldc, size_t m_rem, size_t n_rem,
                          int accumulate)
{
    static const size_t unit[MR] = {0, 1, 2, 3, 4, 5};
    struct tile_out o = {c, ldc, m_rem, n_rem, accumulate};
    size_t off[MR];

    /* a full tile of A^T: constant offsets, no registers spent on them */
    if (a_rs == 1 && m_rem == MR) {
        direct_cols(k, a, unit, a_cs, b, ldb, &o);
        return;
    }
    for (size_t i = 0; i < MR; i++)
        off[i] = i < m_rem ? i * a_rs : 0;
    direct_cols(k, a, off, a_cs, b, ldb, &o);
}

/* Transpose the 8 x 8 block in r: r[c] becomes column c.  Pairs of
 * rows interleave, then quads, then the 128-bit halves trade places. */
INLINE void transpose8(__m256 r[8])
{
    __m256 t[8], u[8];

    for (int i = 0; i < 4; i++) {
        t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }

    /* u[4 h + e]: rows 4h..4h+3 at element e of each half */
    for (int h = 0; h < 2; h++) {
        u[4 * h] = _mm256_shuffle_ps(t[4 * h], t[4 * h + 2], 0x44);
        u[4 * h + 1] = _mm256_shuffle_ps(t[4 * h], t[4 * h + 2], 0xee);
        u[4 * h + 2] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], 0x44);
        u[4 * h + 3] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], 0xee);
    }
    for (int e = 0; e < 4; e++) {
        r[e] = _mm256_permute2f128_ps(u[e], u[4 + e], 0x20);
        r[4 + e] = _mm256_permute2f128_ps(u[e], u[4 + e], 0x31);
    }
}

/* mlp_gemm_pack_fn, transposed: 8 x 8 blocks of src, read along its
 * rows, transposed in registers; rows past cols read as zeros.  Widths
 * that are not a multiple of 8 (the A panels) take the portable loop. */
TARGET static void pack_transposed(const float *src, size_t ld, size_t cols,
                                   size_t kc, size_t width, float *dst)
{
    if (width % 8 != 0) {
        mlp_gemm_pack_transposed(src, ld, cols, kc, width, dst);
        return;
    }
    for (size_t j0 = 0; j0 < width; j0 += 8)
        for (size_t p0 = 0; p0 < kc; p0 += 8) {
            size_t depth = kc - p0 < 8 ? kc - p0 : 8;
            __m256i k = lanes(depth);
            __m256 r[8];

            for (size_t i = 0; i < 8; i++)
                r[i] = j0 + i < cols
                           ? _mm256_maskload_ps(src + (j0 + i) * ld + p0, k)
                           : _mm256_setzero_ps();
            transpose8(r);
            for (size_t q = 0; q < depth; q++)
                _mm256_storeu_ps(dst + (p0 + q) * width + j0, r[q]);
        }
}

const struct mlp_gemm_kernel mlp_gemm_kernel_avx2 = {
    .mr = MR, .nr = NR, .nr_narrow = NR / 2, .mc = MC, .kc = KC,
    .tile = tile, .direct = direct,
    .pack_straight = mlp_gemm_pack_straight,
    .pack_transposed = pack_transposed,
};

#endif
