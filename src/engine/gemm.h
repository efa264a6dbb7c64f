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

void mlp_gemm(int trans_a, int trans_b, size_t m, size_t n, size_t k,
              const float *a, size_t lda, const float *b, size_t ldb,
              float beta, float *c, size_t ldc);

/* The plain triple loop that mlp_gemm must agree with; for tests. */
void mlp_gemm_ref(int trans_a, int trans_b, size_t m, size_t n, size_t k,
                  const float *a, size_t lda, const float *b, size_t ldb,
                  float beta, float *c, size_t ldc);

#endif
