/* grad.h -- the gradient of the loss over a batch of rows, apart from
 * the optimiser's step.
 *
 * A gradient is a flat vector laid out like net->params.  The trainer
 * computes each batch's gradient in one pass over all its rows; the
 * products inside are shared out by a worker pool in fixed panels (see
 * mlp_gemm_par), and every sum over rows runs in row order on one
 * thread, so the gradient, and so the training, is the same bits for
 * any number of threads.
 */
#ifndef MLP_ENGINE_GRAD_H
#define MLP_ENGINE_GRAD_H

#include <stddef.h>

#include "engine/mem.h"
#include "engine/pool.h"
#include "mlp/net.h"

/* Scratch for forward and backward passes over up to max_rows rows. */
typedef struct mlp_grad_ws {
    size_t max_rows;
    float *x;                       /* max_rows x width[0], gathered rows */
    float *t;                       /* max_rows targets */
    float *y[MLP_MAX_LAYERS];       /* max_rows x width[l+1]: layer l's
                                     * output, logits for the last */
    float *d[2];                    /* max_rows x widest: deltas in turn */
    mlp_pool *pool;                 /* shares out the products; NULL (as
                                     * laid out) for the caller alone */
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

/* The same, but grad += scale * the sum: a batch of more rows than
 * max_rows is taken in parts, the first by mlp_grad_compute. */
double mlp_grad_compute_add(const mlp_net *net, mlp_grad_ws *ws,
                            const float *x, const float *t, size_t n_rows,
                            float scale, float *grad, size_t *n_correct);

/* grad += l2 * w for every weight, not the biases: the gradient of the
 * penalty l2/2 ||W||^2. */
void mlp_grad_add_l2(const mlp_net *net, float *grad, float l2);

/* The same for the parameters [first, first + n) only. */
void mlp_grad_add_l2_range(const mlp_net *net, float *grad, float l2,
                           size_t first, size_t n);

#endif
