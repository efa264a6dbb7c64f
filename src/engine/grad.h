/* grad.h -- the gradient of the loss over a few rows, apart from the
 * optimiser's step.
 *
 * A gradient is a flat vector laid out like net->params.  The trainer
 * splits each batch into chunks of at most MLP_CHUNK rows, whose
 * boundaries do not depend on the thread count, computes each chunk's
 * gradient into its own vector and adds the vectors in chunk order: the
 * sum, and so the training, is the same bits for any number of threads.
 */
#ifndef MLP_ENGINE_GRAD_H
#define MLP_ENGINE_GRAD_H

#include <stddef.h>

#include "engine/mem.h"
#include "mlp/net.h"

#define MLP_CHUNK 32    /* rows a chunk: one step of a batch of 32 */

/* Scratch for forward and backward passes over up to max_rows rows. */
typedef struct mlp_grad_ws {
    size_t max_rows;
    float *x;                       /* max_rows x width[0], gathered rows */
    float *t;                       /* max_rows targets */
    float *y[MLP_MAX_LAYERS];       /* max_rows x width[l+1]: layer l's
                                     * output, logits for the last */
    float *d[2];                    /* max_rows x widest: deltas in turn */
} mlp_grad_ws;

/* Lay ws out in arena a (see mem.h): once to measure, once to place. */
void mlp_grad_ws_layout(mlp_grad_ws *ws, const mlp_net *net, size_t max_rows,
                        mlp_arena *a);

/* Run n_rows <= max_rows rows of x (n_rows x width[0]) forward into ws->y
 * and return their summed loss against targets t; the rows classified
 * right go to *n_correct when it is not NULL. */
double mlp_grad_loss(const mlp_net *net, mlp_grad_ws *ws, const float *x,
                     const float *t, size_t n_rows, size_t *n_correct);

/* As mlp_grad_loss, and also grad = scale * the sum over the rows of
 * dL/dparams (scale = 1 / the batch's rows for a mean).  No weight decay:
 * see mlp_grad_add_l2. */
double mlp_grad_compute(const mlp_net *net, mlp_grad_ws *ws, const float *x,
                        const float *t, size_t n_rows, float scale,
                        float *grad, size_t *n_correct);

/* grad += l2 * w for every weight, not the biases: the gradient of the
 * penalty l2/2 ||W||^2. */
void mlp_grad_add_l2(const mlp_net *net, float *grad, float l2);

/* dst[i] += src[i] for i < n, the reduction of chunk gradients. */
void mlp_grad_add(float *dst, const float *src, size_t n);

#endif
