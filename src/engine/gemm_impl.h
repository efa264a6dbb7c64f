/* gemm_impl.h -- the inside of mlp_gemm: kernels, blocking, path choice.
 *
 * mlp_gemm (gemm.h) splits a product into tiles of mr x nr elements of C
 * and hands each tile to a micro-kernel that keeps the tile in registers
 * while it runs along k.  Large products first copy ("pack") blocks of
 * op(A) and op(B) into contiguous buffers laid out in the order the
 * micro-kernel reads them:
 *     packed A panel  kc x mr   element (i, p) at pa[p * mr + i]
 *     packed B strip  kc x nr   element (p, j) at pb[p * nr + j]
 * Panels are zero-padded past the edge of op(A) and op(B), so a tile
 * kernel always runs full width and only masks its stores.  Small
 * products skip the packing and read op(A) and op(B) in place.
 *
 * Each instruction set has its own kernel table; the one used is chosen
 * once per process from the CPU, or forced with the environment variable
 * MLP_GEMM=ref|c|avx2|avx512 (an unknown or unavailable name is ignored).
 */
#ifndef MLP_ENGINE_GEMM_IMPL_H
#define MLP_ENGINE_GEMM_IMPL_H

#include <stddef.h>

/* The ways mlp_gemm can compute a product, slowest first. */
enum mlp_gemm_path {
    MLP_GEMM_PATH_REF,          /* mlp_gemm_ref's triple loop */
    MLP_GEMM_PATH_C,            /* portable C tiles */
    MLP_GEMM_PATH_AVX2,         /* AVX2 + FMA tiles, 6 x 16 */
    MLP_GEMM_PATH_AVX512,       /* AVX-512 tiles, 8 x 32 */
    MLP_GEMM_PATH_COUNT
};

/* Whether a product packs its operands: mlp_gemm decides by size; the
 * others force a strategy, for tests (an A B^T too large to copy B^T
 * on the stack is packed whatever the plan). */
enum mlp_gemm_plan {
    MLP_GEMM_PLAN_AUTO,
    MLP_GEMM_PLAN_DIRECT,
    MLP_GEMM_PLAN_PACKED
};

/* Upper bounds of the blocking, which size the packing buffers. */
#define MLP_GEMM_MAX_MR 16
#define MLP_GEMM_MAX_NR 32
#define MLP_GEMM_MAX_MC 128
#define MLP_GEMM_MAX_KC 256

/* Tile C (m_rem x n_rem, at most mr x nr) from packed panels of depth kc;
 * C += product when accumulate, else C = product (C is not read). */
typedef void mlp_gemm_tile_fn(size_t kc, const float *pa, const float *pb,
                              float *c, size_t ldc, size_t m_rem,
                              size_t n_rem, int accumulate);

/* The same from unpacked operands: op(A) element (i, p) at
 * a[i * a_rs + p * a_cs], op(B) element (p, j) at b[p * ldb + j].  Reads
 * no element outside the m_rem x k and k x n_rem that it uses. */
typedef void mlp_gemm_direct_fn(size_t k, const float *a, size_t a_rs,
                                size_t a_cs, const float *b, size_t ldb,
                                float *c, size_t ldc, size_t m_rem,
                                size_t n_rem, int accumulate);

/* Pack a kc x width panel whose element (p, j) is src[p * ld + j]
 * (straight) or src[j * ld + p] (transposed) for j < cols, 0 past cols.
 * Both operands pack through these: a panel of op(A) is mr wide, a
 * strip of op(B) nr or nr_narrow wide. */
typedef void mlp_gemm_pack_fn(const float *src, size_t ld, size_t cols,
                              size_t kc, size_t width, float *dst);

/* One instruction set's micro-kernels and the blocking that suits them:
 * mc x kc of A stays in the L2 cache (a shallower slice may take more
 * rows, up to the same area), a kc x nr strip of B near L1.  A
 * strip of at most nr_narrow columns (if not 0) is packed nr_narrow
 * wide, for a tile kernel that then runs on half its registers. */
struct mlp_gemm_kernel {
    size_t mr, nr, nr_narrow, mc, kc;
    mlp_gemm_tile_fn *tile;
    mlp_gemm_direct_fn *direct;
    mlp_gemm_pack_fn *pack_straight, *pack_transposed;
};

/* The portable packing, for kernel tables with no faster one. */
mlp_gemm_pack_fn mlp_gemm_pack_straight, mlp_gemm_pack_transposed;

extern const struct mlp_gemm_kernel mlp_gemm_kernel_c;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define MLP_GEMM_HAVE_X86 1
extern const struct mlp_gemm_kernel mlp_gemm_kernel_avx2;
extern const struct mlp_gemm_kernel mlp_gemm_kernel_avx512;
#endif

/* Whether this CPU can run path: 1 or 0. */
int mlp_gemm_path_available(enum mlp_gemm_path path);

/* The path's name as MLP_GEMM spells it ("avx512"), or "?". */
const char *mlp_gemm_path_name(enum mlp_gemm_path path);

/* The path mlp_gemm uses in this process. */
enum mlp_gemm_path mlp_gemm_path_chosen(void);

/* mlp_gemm computed by the given path (the reference if unavailable)
 * and plan. */
void mlp_gemm_path_run(enum mlp_gemm_path path, enum mlp_gemm_plan plan,
                       int trans_a, int trans_b, size_t m, size_t n,
                       size_t k, const float *a, size_t lda, const float *b,
                       size_t ldb, float beta, float *c, size_t ldc);

#endif
