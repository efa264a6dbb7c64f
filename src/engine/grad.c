/* grad.c -- backpropagation through the whole network for a batch
 * of rows.
 *
 * Shapes: B = rows (at most max_rows), W_l: width[l] x width[l+1].
 *     forward   Y_0 = X, Y_{l+1} = act(Y_l W_l + b_l), logits Z = last Y
 *     backward  dZ = scale (P - T)                      (loss.c)
 *               for l from last down:  dW_l = Y_l^T dZ_l, db_l = sum dZ_l,
 *               dZ_{l-1} = (dZ_l W_l^T) * act'(Y_l)
 */
#include <string.h>

#include "engine/grad.h"
#include "engine/layer.h"

void mlp_grad_ws_layout(mlp_grad_ws *ws, const mlp_net *net, size_t max_rows,
                        mlp_arena *a)
{
    size_t wide = 0;

    memset(ws, 0, sizeof *ws);
    ws->max_rows = max_rows;
    for (size_t l = 1; l <= net->n_layers; l++)
        if (net->width[l] > wide)
            wide = net->width[l];
    ws->x = mlp_arena_take(a, max_rows * net->width[0], sizeof(float));
    ws->t = mlp_arena_take(a, max_rows, sizeof(float));
    for (size_t l = 0; l < net->n_layers; l++)
        ws->y[l] = mlp_arena_take(a, max_rows * net->width[l + 1],
                                  sizeof(float));
    ws->d[0] = mlp_arena_take(a, max_rows * wide, sizeof(float));
    ws->d[1] = mlp_arena_take(a, max_rows * wide, sizeof(float));
}

/* Forward n_rows rows of x through every layer into ws->y. */
static void forward(const mlp_net *net, mlp_grad_ws *ws, const float *x,
                    size_t n_rows)
{
    size_t last = net->n_layers - 1;
    const float *in = x;

    for (size_t l = 0; l < last; l++) {
        mlp_layer_forward(ws->pool, in, net->w[l], net->b[l], n_rows,
                          net->width[l], net->width[l + 1], net->act,
                          ws->y[l]);
        in = ws->y[l];
    }
    mlp_layer_forward_linear(ws->pool, in, net->w[last], net->b[last],
                             n_rows, net->width[last], net->width[last + 1],
                             ws->y[last]);
}

double mlp_grad_loss(const mlp_net *net, mlp_grad_ws *ws, const float *x,
                     const float *t, size_t n_rows, size_t *n_correct)
{
    size_t last = net->n_layers - 1;

    forward(net, ws, x, n_rows);
    return mlp_loss_rows(net->output, ws->y[last], t, n_rows,
                         net->width[last + 1], 0.0f, NULL, n_correct);
}

/* mlp_grad_compute, or mlp_grad_compute_add when accumulate. */
static double compute(const mlp_net *net, mlp_grad_ws *ws, const float *x,
                      const float *t, size_t n_rows, float scale,
                      int accumulate, float *grad, size_t *n_correct)
{
    size_t last = net->n_layers - 1;
    float *dz = ws->d[0];
    double loss;

    /* forward, and dZ of the output layer */
    forward(net, ws, x, n_rows);
    loss = mlp_loss_rows(net->output, ws->y[last], t, n_rows,
                         net->width[last + 1], scale, dz, n_correct);

    /* backward, layer by layer; dZ of layer l-1 goes to the other
     * buffer */
    for (size_t l = last + 1; l-- > 0;) {
        const float *in = l > 0 ? ws->y[l - 1] : x;
        float *dx = l > 0 ? ws->d[(last - l + 1) % 2] : NULL;
        float *dw = grad + (net->w[l] - net->params);
        float *db = grad + (net->b[l] - net->params);

        mlp_layer_backward(ws->pool, in, net->w[l], dz, n_rows,
                           net->width[l], net->width[l + 1], net->act,
                           accumulate, dw, db, dx);
        dz = dx;
    }
    return loss;
}

double mlp_grad_compute(const mlp_net *net, mlp_grad_ws *ws, const float *x,
                        const float *t, size_t n_rows, float scale,
                        float *grad, size_t *n_correct)
{
    return compute(net, ws, x, t, n_rows, scale, 0, grad, n_correct);
}

double mlp_grad_compute_add(const mlp_net *net, mlp_grad_ws *ws,
                            const float *x, const float *t, size_t n_rows,
                            float scale, float *grad, size_t *n_correct)
{
    return compute(net, ws, x, t, n_rows, scale, 1, grad, n_correct);
}

void mlp_grad_add_l2_range(const mlp_net *net, float *grad, float l2,
                           size_t first, size_t n)
{
    size_t end = first + n;

    /* each layer's weights that fall in [first, end) */
    for (size_t l = 0; l < net->n_layers; l++) {
        size_t lo = (size_t)(net->w[l] - net->params);
        size_t hi = lo + net->width[l] * net->width[l + 1];
        float *restrict g = grad;
        const float *restrict w = net->params;

        if (lo < first)
            lo = first;
        if (hi > end)
            hi = end;
        for (size_t i = lo; i < hi; i++)
            g[i] += l2 * w[i];
    }
}

void mlp_grad_add_l2(const mlp_net *net, float *grad, float l2)
{
    if (l2 != 0.0f)
        mlp_grad_add_l2_range(net, grad, l2, 0, net->n_params);
}
