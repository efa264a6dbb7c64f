/* layer.h -- the math of a fully connected layer and of the output losses,
 * on a batch of rows.
 *
 * Shapes: B = rows in the batch, I / O = the layer's input and output
 * widths, K = output units.  Matrices are row-major float32; gradients
 * carry a d prefix.
 */
#ifndef MLP_ENGINE_LAYER_H
#define MLP_ENGINE_LAYER_H

#include <stddef.h>

#include "mlp/net.h"

struct mlp_pool;

/* y = act(x w + b)        x: B x I, w: I x O, b: O, y: B x O
 * The product's panels, each with its bias and activation, are shared
 * by the pool's workers (pool may be NULL); the bits do not depend on
 * the pool (see mlp_gemm_par). */
void mlp_layer_forward(struct mlp_pool *pool, const float *x, const float *w,
                       const float *b, size_t n_rows, size_t n_in,
                       size_t n_out, mlp_act act, float *y);

/* z = x w + b, no activation (the output layer's logits). */
void mlp_layer_forward_linear(struct mlp_pool *pool, const float *x,
                              const float *w, const float *b, size_t n_rows,
                              size_t n_in, size_t n_out, float *z);

/* dz = dy * act'(z), in place over n values, from the outputs y. */
void mlp_act_backward(mlp_act act, const float *y, float *dy, size_t n);

/* dw = x^T dz, db = column sums of dz (both added to what they hold
 * when accumulate), and, when dx is not NULL, dx = (dz w^T) * act'(x):
 * the gradient at the layer below's pre-activation, x being that layer's
 * output.      x: B x I, dz: B x O, dw: I x O, db: O, dx: B x I */
void mlp_layer_backward(struct mlp_pool *pool, const float *x,
                        const float *w, const float *dz, size_t n_rows,
                        size_t n_in, size_t n_out, mlp_act act,
                        int accumulate, float *dw, float *db, float *dx);

/* The summed loss of n_rows rows of logits z (B x K) against targets t
 * (class indices as floats, or values), accumulated in double.  When dz
 * is not NULL it receives scale * dL/dz = scale * (p - y) (B x K).  When
 * n_correct is not NULL it receives the rows classified right. */
double mlp_loss_rows(mlp_output out, const float *z, const float *t,
                     size_t n_rows, size_t k, float scale, float *dz,
                     size_t *n_correct);

/* p = the output activation of z (B x K): sigmoid, softmax or identity.
 * p may be z. */
void mlp_output_apply(mlp_output out, const float *z, size_t n_rows,
                      size_t k, float *p);

#endif
