/* net.h -- a multi-layer perceptron: fully connected layers in one block
 * of float32 parameters, and inference over a batch of rows.
 *
 * Layer l maps width[l] inputs to width[l+1] outputs:
 *     Y = act(X W + b)     X: B x I, W: I x O (row-major), b: O, Y: B x O
 * Hidden layers share one activation; the output layer's activation and
 * loss follow from the task (see mlp_output).
 */
#ifndef MLP_NET_H
#define MLP_NET_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MLP_MAX_LAYERS 32    /* weight layers, so at most 31 hidden */
#define MLP_MAX_WIDTH 65536  /* units in any one layer, inputs included */

typedef enum mlp_act {
    MLP_ACT_SIGMOID = 0,
    MLP_ACT_TANH,
    MLP_ACT_RELU
} mlp_act;

/* The output layer and the loss it is trained with. */
typedef enum mlp_output {
    MLP_OUTPUT_SIGMOID = 0, /* one unit, binary cross-entropy: P(class 1) */
    MLP_OUTPUT_SOFTMAX,     /* K units, cross-entropy: P(class k) */
    MLP_OUTPUT_LINEAR       /* one unit, mean squared error */
} mlp_output;

typedef struct mlp_net {
    size_t n_layers;                     /* weight layers = hidden + 1 */
    size_t width[MLP_MAX_LAYERS + 1];    /* [0] inputs .. [n_layers] outputs */
    mlp_act act;                         /* hidden activation */
    mlp_output output;
    size_t n_params;
    float *params;                       /* every weight and bias */
    float *w[MLP_MAX_LAYERS];            /* in params: width[l] x width[l+1] */
    float *b[MLP_MAX_LAYERS];            /* into params: width[l+1] */
} mlp_net;

/* Lay out a network of n_inputs, the n_hidden widths in hidden[], and
 * n_outputs, with all parameters zero.  Layer l's weights come first in
 * params, then its biases, then layer l+1's.  Fails with
 * MLP_STATUS_USAGE for a zero or too large width or too many layers, and
 * MLP_STATUS_NOMEM (naming the size) when the parameters cannot be
 * allocated. */
mlp_status mlp_net_init(mlp_net *net, size_t n_inputs, const size_t *hidden,
                        size_t n_hidden, size_t n_outputs, mlp_act act,
                        mlp_output output, mlp_error *err);

/* Draw the weights for the activation (Glorot uniform for sigmoid and
 * tanh, He for relu) from the project's own generator seeded with seed;
 * each hidden layer's biases from 1.5 times its weights' range (sigmoid,
 * tanh) or the same range (relu), so that the units' boundaries start
 * spread across the standardised data; the output biases zero.  The
 * same seed gives the same weights everywhere. */
void mlp_net_randomize(mlp_net *net, uint64_t seed);

/* Make dst a copy of src (dst uninitialised or freed).  */
mlp_status mlp_net_copy(mlp_net *dst, const mlp_net *src, mlp_error *err);

/* Free the parameters and zero *net.  net may be zeroed or NULL. */
void mlp_net_free(mlp_net *net);

/* Scratch memory for inference on up to max_rows rows at a time. */
typedef struct mlp_infer mlp_infer;

/* Allocate inference scratch for net; NULL when out of memory. */
mlp_infer *mlp_infer_new(const mlp_net *net, size_t max_rows);
void mlp_infer_free(mlp_infer *ws);

/* Run n_rows <= max_rows rows of x (n_rows x width[0]) through the
 * network into out (n_rows x width[n_layers]): probabilities for the
 * sigmoid and softmax outputs, the raw value for the linear one. */
void mlp_net_forward(const mlp_net *net, mlp_infer *ws, const float *x,
                     size_t n_rows, float *out);

/* Feature standardisation: mean and scale (standard deviation, or 1 for
 * a constant column) of each of d columns of x (n x d). */
void mlp_scale_fit(const float *x, size_t n, size_t d, float *mean,
                   float *scale);

/* The same from n chosen rows of x (of d columns): rows[0..n), or rows
 * 0..n-1 when rows is NULL; so that the statistics can come from the
 * rows a network trains on and leave out the ones that judge it. */
void mlp_scale_fit_rows(const float *x, size_t d, const size_t *rows,
                        size_t n, float *mean, float *scale);

/* x[i][j] = (x[i][j] - mean[j]) / scale[j], in place. */
void mlp_scale_apply(float *x, size_t n, size_t d, const float *mean,
                     const float *scale);

#ifdef __cplusplus
}
#endif
#endif
