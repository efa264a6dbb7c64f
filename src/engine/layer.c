/* layer.c -- a fully connected layer, and the hidden activations: each
 * forward beside its backward.
 *
 * Shapes: B = rows, I = inputs, O = outputs of the layer.
 *     forward   Z = X W + b,  Y = act(Z)        X: B x I, W: I x O, Y: B x O
 *     backward  dW = X^T dZ, db = sum_rows dZ,
 *               dZ_below = (dZ W^T) * act'(X)    (X the output below)
 * Every product goes through mlp_gemm_par; the bias and the activation,
 * or the activation's derivative, are applied to each panel of the
 * product as soon as it is final, while it is still in the cache.
 */
#include <string.h>

#include "engine/gemm.h"
#include "engine/layer.h"
#include "engine/vmath.h"

/* ---- activations: y = act(z) in place, and dz = dy * act'(y) ---- */

/* y = 1 / (1 + e^-z) (vmath.h: never NaN, exact to a few ulp);
 * dy/dz = y (1 - y). */
static void sigmoid_backward(const float *y, float *dy, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dy[i] *= y[i] * (1.0f - y[i]);
}

/* y = tanh z (vmath.h); dy/dz = 1 - y^2. */
static void tanh_backward(const float *y, float *dy, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dy[i] *= 1.0f - y[i] * y[i];
}

/* y = max(z, 0); dy/dz = 1 where y > 0, else 0. */
static void relu(float *z, size_t n)
{
    for (size_t j = 0; j < n; j++)
        z[j] = z[j] > 0.0f ? z[j] : 0.0f;
}

static void relu_backward(const float *y, float *dy, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dy[i] = y[i] > 0.0f ? dy[i] : 0.0f;
}

void mlp_act_backward(mlp_act act, const float *y, float *dy, size_t n)
{
    switch (act) {
    case MLP_ACT_SIGMOID:
        sigmoid_backward(y, dy, n);
        break;
    case MLP_ACT_TANH:
        tanh_backward(y, dy, n);
        break;
    case MLP_ACT_RELU:
        relu_backward(y, dy, n);
        break;
    }
}

/* ---- the layer ---- */

/* A forward pass's finish on a panel of Y = X W: Y = act(Y + b), or just
 * Y + b when linear. */
struct bias_act {
    float *y;
    const float *b;
    size_t ld;
    mlp_act act;
    int linear;
};

/* z = act(z) over n values in place. */
static void act_apply(mlp_act act, float *z, size_t n)
{
    switch (act) {
    case MLP_ACT_SIGMOID:
        mlp_vsigmoid(z, n, z);
        break;
    case MLP_ACT_TANH:
        mlp_vtanh(z, n, z);
        break;
    case MLP_ACT_RELU:
        relu(z, n);
        break;
    }
}

/* Values a panel's finish takes at once: a block of whole rows that
 * stays in the L1 cache between the bias and the activation, and is
 * long enough that the activation runs on full vector registers even
 * for the narrowest layers. */
#define FINISH_BLOCK 1024

/* mlp_gemm_then's fn for struct bias_act. */
static void bias_act_panel(void *ctx, size_t i0, size_t m, size_t j0,
                           size_t n)
{
    const struct bias_act *f = ctx;
    const float *b = f->b + j0;
    size_t step = n == f->ld && n < FINISH_BLOCK ? FINISH_BLOCK / n : 1;

    for (size_t i = i0; i < i0 + m; i += step) {
        size_t rows = i0 + m - i < step ? i0 + m - i : step;
        float *first = f->y + i * f->ld + j0;

        /* the bias, row by row */
        for (size_t r = 0; r < rows; r++) {
            float *row = first + r * f->ld;

            for (size_t j = 0; j < n; j++)
                row[j] += b[j];
        }

        /* the activation: the rows lie end to end when step > 1 */
        if (!f->linear)
            act_apply(f->act, first, (rows - 1) * f->ld + n);
    }
}

void mlp_layer_forward(struct mlp_pool *pool, const float *x, const float *w,
                       const float *b, size_t n_rows, size_t n_in,
                       size_t n_out, mlp_act act, float *y)
{
    struct bias_act f = { y, b, n_out, act, 0 };
    mlp_gemm_then then = { bias_act_panel, &f };

    /* Y = act(X W + b), panel by panel */
    mlp_gemm_par(pool, &then, 0, 0, n_rows, n_out, n_in, x, n_in, w, n_out,
                 0.0f, y, n_out);
}

void mlp_layer_forward_linear(struct mlp_pool *pool, const float *x,
                              const float *w, const float *b, size_t n_rows,
                              size_t n_in, size_t n_out, float *z)
{
    struct bias_act f = { z, b, n_out, MLP_ACT_RELU, 1 };
    mlp_gemm_then then = { bias_act_panel, &f };

    /* Z = X W + b */
    mlp_gemm_par(pool, &then, 0, 0, n_rows, n_out, n_in, x, n_in, w, n_out,
                 0.0f, z, n_out);
}

/* The finish of dX = dZ W^T on a panel: dX *= act'(X), X being the
 * output of the layer below. */
struct act_grad {
    float *dx;
    const float *x;
    size_t ld;
    mlp_act act;
};

/* mlp_gemm_then's fn for struct act_grad. */
static void act_grad_panel(void *ctx, size_t i0, size_t m, size_t j0,
                           size_t n)
{
    const struct act_grad *f = ctx;

    /* whole rows lie end to end: one pass over them */
    if (n == f->ld) {
        mlp_act_backward(f->act, f->x + i0 * f->ld, f->dx + i0 * f->ld,
                         m * n);
        return;
    }
    for (size_t i = i0; i < i0 + m; i++)
        mlp_act_backward(f->act, f->x + i * f->ld + j0,
                         f->dx + i * f->ld + j0, n);
}

/* Layers narrower than this sum their bias gradient column by column. */
#define NARROW_COLS 16

/* db (+)= the sum over the rows of dZ, each column's in row order.  A
 * wide layer goes row by row, whole rows at a time in vector registers;
 * a narrow one column by column, so that each sum stays in a register
 * instead of waiting on its own store at every row.  Both add in the
 * same order, so the bits are the same. */
static void bias_grad(const float *dz, size_t n_rows, size_t n_out,
                      int accumulate, float *db)
{
    if (!accumulate)
        memset(db, 0, n_out * sizeof *db);
    if (n_out < NARROW_COLS) {
        for (size_t j = 0; j < n_out; j++) {
            float s = db[j];

            for (size_t i = 0; i < n_rows; i++)
                s += dz[i * n_out + j];
            db[j] = s;
        }
        return;
    }
    for (size_t i = 0; i < n_rows; i++) {
        const float *row = dz + i * n_out;

        for (size_t j = 0; j < n_out; j++)
            db[j] += row[j];
    }
}

void mlp_layer_backward(struct mlp_pool *pool, const float *x,
                        const float *w, const float *dz, size_t n_rows,
                        size_t n_in, size_t n_out, mlp_act act,
                        int accumulate, float *dw, float *db, float *dx)
{
    struct act_grad f = { dx, x, n_in, act };
    mlp_gemm_then then = { act_grad_panel, &f };

    /* dW (+)= X^T dZ, db (+)= sum over rows of dZ */
    mlp_gemm_par(pool, NULL, 1, 0, n_in, n_out, n_rows, x, n_in, dz, n_out,
                 accumulate ? 1.0f : 0.0f, dw, n_out);
    bias_grad(dz, n_rows, n_out, accumulate, db);

    /* dX = (dZ W^T) * act'(X), the layer below's dZ */
    if (dx != NULL)
        mlp_gemm_par(pool, &then, 0, 1, n_rows, n_in, n_out, dz, n_out, w,
                     n_out, 0.0f, dx, n_in);
}
