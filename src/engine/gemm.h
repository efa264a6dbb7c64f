/* gemm.h -- the matrix products that every layer is made of.
 *
 * All matrices are row-major float32.  With op(A) = A or A^T:
 *     C (m x n) = op(A) (m x k) * op(B) (k x n) + beta * C
 * beta is 0 (C is overwritten, never read) or 1 (accumulate).  lda, ldb
 * and ldc are the row strides of A, B and C as stored.
 *
 * The layers use three shapes:
 *     forward      Y  = X W          (NN)  B x I  times I x O
 *     weight grad  dW = X^T dY       (TN)  I x B  times B x O
 *     input grad   dX = dY W^T       (NT)  B x O  times O x I
 */
#ifndef MLP_ENGINE_GEMM_H
#define MLP_ENGINE_GEMM_H

#include <stddef.h>

struct mlp_pool;

void mlp_gemm(int trans_a, int trans_b, size_t m, size_t n, size_t k,
              const float *a, size_t lda, const float *b, size_t ldb,
              float beta, float *c, size_t ldc);

/* Work to do on a block of C as soon as it is final: rows [i0, i0 + m)
 * by columns [j0, j0 + n), on the thread that computed it. */
typedef struct mlp_gemm_then {
    void (*fn)(void *ctx, size_t i0, size_t m, size_t j0, size_t n);
    void *ctx;
} mlp_gemm_then;

/* mlp_gemm, with C cut into fixed panels that the pool's workers share,
 * and then->fn (then may be NULL) run on each panel once it is final.
 * The plan (packing, depth of the k slices) is chosen once for the whole
 * shape and the panels depend on the shape alone, so every element of C
 * is the same bits as mlp_gemm gives, for any pool or none (NULL: the
 * caller does it all, then runs then->fn once on all of C). */
void mlp_gemm_par(struct mlp_pool *pool, const mlp_gemm_then *then,
                  int trans_a, int trans_b, size_t m, size_t n, size_t k,
                  const float *a, size_t lda, const float *b, size_t ldb,
                  float beta, float *c, size_t ldc);

/* The plain triple loop that mlp_gemm must agree with; for tests. */
void mlp_gemm_ref(int trans_a, int trans_b, size_t m, size_t n, size_t k,
                  const float *a, size_t lda, const float *b, size_t ldb,
                  float beta, float *c, size_t ldc);

#endif
