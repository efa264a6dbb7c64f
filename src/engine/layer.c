/* layer.c -- a fully connected layer, and the hidden activations: each
 * forward beside its backward.
 *
 * Shapes: B = rows, I = inputs, O = outputs of the layer.
 *     forward   Z = X W + b,  Y = act(Z)        X: B x I, W: I x O, Y: B x O
 *     backward  dZ = dY * act'(Z)               (from Y, in place)
 *               dW = X^T dZ, db = sum_rows dZ, dX = dZ W^T
 * Every product goes through mlp_gemm; the bias and the activation are
 * fused into one pass over the product.
 */
#include <math.h>
#include <string.h>

#include "engine/gemm.h"
#include "engine/layer.h"

/* ---- activations: y = act(z) over a row, and dz = dy * act'(y) ---- */

/* y = 1 / (1 + e^-z): for z far below 0, e^-z is inf and y is 0, never
 * NaN.  dy/dz = y (1 - y). */
static void sigmoid_bias_row(float *z, const float *b, size_t n)
{
    for (size_t j = 0; j < n; j++)
        z[j] = 1.0f / (1.0f + expf(-(z[j] + b[j])));
}

static void sigmoid_backward(const float *y, float *dy, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dy[i] *= y[i] * (1.0f - y[i]);
}

/* y = tanh z; dy/dz = 1 - y^2. */
static void tanh_bias_row(float *z, const float *b, size_t n)
{
    for (size_t j = 0; j < n; j++)
        z[j] = tanhf(z[j] + b[j]);
}

static void tanh_backward(const float *y, float *dy, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dy[i] *= 1.0f - y[i] * y[i];
}

/* y = max(z, 0); dy/dz = 1 where y > 0, else 0. */
static void relu_bias_row(float *z, const float *b, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        float v = z[j] + b[j];

        z[j] = v > 0.0f ? v : 0.0f;
    }
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

void mlp_layer_forward(const float *x, const float *w, const float *b,
                       size_t n_rows, size_t n_in, size_t n_out, mlp_act act,
                       float *y)
{
    /* Z = X W */
    mlp_gemm(0, 0, n_rows, n_out, n_in, x, n_in, w, n_out, 0.0f, y, n_out);

    /* Y = act(Z + b), the switch outside the loops */
    for (size_t i = 0; i < n_rows; i++) {
        float *row = y + i * n_out;

        switch (act) {
        case MLP_ACT_SIGMOID:
            sigmoid_bias_row(row, b, n_out);
            break;
        case MLP_ACT_TANH:
            tanh_bias_row(row, b, n_out);
            break;
        case MLP_ACT_RELU:
            relu_bias_row(row, b, n_out);
            break;
        }
    }
}

void mlp_layer_forward_linear(const float *x, const float *w, const float *b,
                              size_t n_rows, size_t n_in, size_t n_out,
                              float *z)
{
    mlp_gemm(0, 0, n_rows, n_out, n_in, x, n_in, w, n_out, 0.0f, z, n_out);
    for (size_t i = 0; i < n_rows; i++) {
        float *row = z + i * n_out;

        for (size_t j = 0; j < n_out; j++)
            row[j] += b[j];
    }
}

void mlp_layer_backward(const float *x, const float *w, const float *dz,
                        size_t n_rows, size_t n_in, size_t n_out, float *dw,
                        float *db, float *dx)
{
    /* dW = X^T dZ */
    mlp_gemm(1, 0, n_in, n_out, n_rows, x, n_in, dz, n_out, 0.0f, dw, n_out);

    /* db = sum over rows of dZ */
    memset(db, 0, n_out * sizeof *db);
    for (size_t i = 0; i < n_rows; i++) {
        const float *row = dz + i * n_out;

        for (size_t j = 0; j < n_out; j++)
            db[j] += row[j];
    }

    /* dX = dZ W^T, the next layer down's dY */
    if (dx != NULL)
        mlp_gemm(0, 1, n_rows, n_in, n_out, dz, n_out, w, n_out, 0.0f, dx,
                 n_in);
}
