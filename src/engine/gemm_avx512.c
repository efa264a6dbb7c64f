/* gemm_avx512.c -- AVX-512 micro-kernels: 8 x 32 tiles of C in registers.
 *
 * The tile is 8 rows of two 16-float zmm registers, 16 accumulators.
 * Each step along k loads 32 floats of op(B), broadcasts 8 of op(A) and
 * issues 16 fused multiply-adds, so the FMA unit, not the loads, is the
 * limit.  A strip of 16 columns or fewer runs on one register per row.
 * Columns past n_rem are masked, never touched in memory.  The packing
 * moves whole registers; the transposed kind turns 16 x 16 blocks around
 * in registers instead of reading down columns.
 */
#include "engine/gemm_impl.h"

#ifdef MLP_GEMM_HAVE_X86

#include <immintrin.h>

#define MR 8
#define NR 32
#define TARGET __attribute__((target("avx512f,avx512vl,avx512dq")))
#define INLINE static inline __attribute__((always_inline)) TARGET

#define MC 128
#define KC 256
#define PACK_AHEAD 8    /* rows a straight packing prefetches ahead */

_Static_assert(MR <= MLP_GEMM_MAX_MR && NR <= MLP_GEMM_MAX_NR &&
               MC % MR == 0 && MC <= MLP_GEMM_MAX_MC &&
               KC <= MLP_GEMM_MAX_KC,
               "the AVX-512 blocking must fit the packing buffers");

/* The lanes of a 16-float register that hold the first n columns. */
INLINE __mmask16 lanes(size_t n)
{
    return n >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << n) - 1u);
}

/* Where a finished tile goes: m_rem x n_rem of C, added or written. */
struct tile_out {
    float *c;
    size_t ldc, m_rem, n_rem;
    int accumulate;
};

/* Write or add the accumulators c0 (and c1 when n_vec is 2) into C. */
INLINE void store_tile(const __m512 *c0, const __m512 *c1, int n_vec,
                       const struct tile_out *o)
{
    __mmask16 k0 = lanes(o->n_rem);
    __mmask16 k1 = lanes(o->n_rem > 16 ? o->n_rem - 16 : 0);

#pragma GCC unroll 16
    for (size_t i = 0; i < MR; i++) {
        float *ci = o->c + i * o->ldc;
        __m512 v0 = c0[i], v1 = c1[i];

        if (i >= o->m_rem)
            continue;
        if (o->accumulate) {
            v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(k0, ci));
            if (n_vec == 2)
                v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(k1, ci + 16));
        }
        _mm512_mask_storeu_ps(ci, k0, v0);
        if (n_vec == 2)
            _mm512_mask_storeu_ps(ci + 16, k1, v1);
    }
}

/* The k loop over n_vec registers of columns: row i of op(A) at
 * a + off[i], step a_cs along k; op(B) rows ldb apart.  b_full says all
 * 16 n_vec columns of B may be read. */
INLINE void run_tile(size_t k, const float *a, const size_t *off,
                     size_t a_cs, const float *b, size_t ldb, int n_vec,
                     int b_full, const struct tile_out *o)
{
    __mmask16 k0 = b_full ? (__mmask16)0xffff : lanes(o->n_rem);
    __mmask16 k1 = b_full ? (__mmask16)0xffff
                          : lanes(o->n_rem > 16 ? o->n_rem - 16 : 0);
    __m512 c0[MR], c1[MR];

#pragma GCC unroll 16
    for (size_t i = 0; i < MR; i++)
        c0[i] = c1[i] = _mm512_setzero_ps();

    /* c(i, :) += a(i, p) b(p, :) for every p */
    for (size_t p = 0; p < k; p++) {
        __m512 b0 = _mm512_maskz_loadu_ps(k0, b);
        __m512 b1 = n_vec == 2 ? _mm512_maskz_loadu_ps(k1, b + 16) : b0;

        for (size_t i = 0; i < MR; i++) {
            __m512 ai = _mm512_set1_ps(a[off[i]]);

            c0[i] = _mm512_fmadd_ps(ai, b0, c0[i]);
            if (n_vec == 2)
                c1[i] = _mm512_fmadd_ps(ai, b1, c1[i]);
        }
        a += a_cs;
        b += ldb;
    }
    store_tile(c0, c1, n_vec, o);
}

/* mlp_gemm_tile_fn for packed panels (zero-padded, all lanes valid);
 * strips of at most 16 columns are packed 16 wide. */
TARGET static void tile(size_t kc, const float *pa, const float *pb,
                        float *c, size_t ldc, size_t m_rem, size_t n_rem,
                        int accumulate)
{
    static const size_t off[MR] = {0, 1, 2, 3, 4, 5, 6, 7};
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
    static const size_t unit[MR] = {0, 1, 2, 3, 4, 5, 6, 7};
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

/* Transpose the 16 x 16 block in r: r[c] becomes column c.  Pairs of
 * rows interleave, then quads, then 128-bit lanes trade places. */
INLINE void transpose16(__m512 r[16])
{
    __m512 t[16];

    for (int i = 0; i < 8; i++) {
        t[i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[i + 8] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }

    /* v(g, e) in r[4 g + e]: rows 4g..4g+3 at element e of each lane */
    for (int g = 0; g < 4; g++)
        for (int e = 0; e < 4; e++) {
            __m512d x = _mm512_castps_pd(t[(e >> 1) * 8 + 2 * g]);
            __m512d y = _mm512_castps_pd(t[(e >> 1) * 8 + 2 * g + 1]);

            r[4 * g + e] = _mm512_castpd_ps(e & 1 ? _mm512_unpackhi_pd(x, y)
                                                  : _mm512_unpacklo_pd(x, y));
        }

    /* column 4 L + e gathers lane L of v(0..3, e) */
    for (int e = 0; e < 4; e++) {
        __m512 lo01 = _mm512_shuffle_f32x4(r[e], r[4 + e], 0x44);
        __m512 hi01 = _mm512_shuffle_f32x4(r[e], r[4 + e], 0xee);
        __m512 lo23 = _mm512_shuffle_f32x4(r[8 + e], r[12 + e], 0x44);
        __m512 hi23 = _mm512_shuffle_f32x4(r[8 + e], r[12 + e], 0xee);

        t[e] = _mm512_shuffle_f32x4(lo01, lo23, 0x88);
        t[4 + e] = _mm512_shuffle_f32x4(lo01, lo23, 0xdd);
        t[8 + e] = _mm512_shuffle_f32x4(hi01, hi23, 0x88);
        t[12 + e] = _mm512_shuffle_f32x4(hi01, hi23, 0xdd);
    }
    for (int c = 0; c < 16; c++)
        r[c] = t[c];
}

/* Store the first 8 or all 16 lanes of v at dst: width - j0 says. */
INLINE void store_part(float *dst, size_t left, __m512 v)
{
    if (left >= 16)
        _mm512_storeu_ps(dst, v);
    else
        _mm256_storeu_ps(dst, _mm512_castps512_ps256(v));
}

/* mlp_gemm_pack_fn, straight, for widths 8, 16 and 32: row p of the
 * panel is the start of row p of src, loaded under a mask. */
TARGET static void pack_straight(const float *src, size_t ld, size_t cols,
                                 size_t kc, size_t width, float *dst)
{
    __mmask16 k0 = lanes(cols), k1 = lanes(cols > 16 ? cols - 16 : 0);

    for (size_t p = 0; p < kc; p++) {
        const float *row = src + p * ld;

        /* rows far apart defeat the hardware prefetcher: ask ahead */
        if (p + PACK_AHEAD < kc) {
            _mm_prefetch((const char *)(row + PACK_AHEAD * ld), _MM_HINT_T0);
            if (width > 16)
                _mm_prefetch((const char *)(row + PACK_AHEAD * ld + 16),
                             _MM_HINT_T0);
        }
        store_part(dst + p * width, width, _mm512_maskz_loadu_ps(k0, row));
        if (width > 16)
            _mm512_storeu_ps(dst + p * width + 16,
                             _mm512_maskz_loadu_ps(k1, row + 16));
    }
}

/* mlp_gemm_pack_fn, transposed, for widths 8, 16 and 32: 16 x 16 blocks
 * of src, read along its rows, transposed in registers; rows past cols
 * read as zeros. */
TARGET static void pack_transposed(const float *src, size_t ld, size_t cols,
                                   size_t kc, size_t width, float *dst)
{
    for (size_t j0 = 0; j0 < width; j0 += 16)
        for (size_t p0 = 0; p0 < kc; p0 += 16) {
            size_t depth = kc - p0 < 16 ? kc - p0 : 16;
            __mmask16 k = lanes(depth);
            __m512 r[16];

            for (size_t i = 0; i < 16; i++)
                r[i] = j0 + i < cols ? _mm512_maskz_loadu_ps(
                                           k, src + (j0 + i) * ld + p0)
                                     : _mm512_setzero_ps();
            transpose16(r);
            for (size_t q = 0; q < depth; q++)
                store_part(dst + (p0 + q) * width + j0, width - j0, r[q]);
        }
}

const struct mlp_gemm_kernel mlp_gemm_kernel_avx512 = {
    .mr = MR, .nr = NR, .nr_narrow = NR / 2, .mc = MC, .kc = KC,
    .tile = tile, .direct = direct,
    .pack_straight = pack_straight, .pack_transposed = pack_transposed,
};

#endif
