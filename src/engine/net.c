/* net.c -- a network's layout in one parameter block, its initial
 * weights, and inference over a batch of rows.
 *
 * params: [W0 (width[0] x width[1]) | b0 (width[1]) | W1 | b1 | ...]
 */
#include <math.h>
#include <string.h>

#include "engine/layer.h"
#include "engine/mem.h"
#include "engine/rng.h"
#include "mlp/net.h"

/* Check one width; returns MLP_STATUS_OK or a usage error naming it. */
static mlp_status check_width(size_t w, const char *what, size_t i,
                              mlp_error *err)
{
    if (w == 0 || w > MLP_MAX_WIDTH)
        return mlp_error_set(err, MLP_STATUS_USAGE,
                             "%s %zu has %zu units; it needs 1 to %d",
                             what, i, w, MLP_MAX_WIDTH);
    return MLP_STATUS_OK;
}

/* Check the shape and the output's unit count; returns a status. */
static mlp_status check_shape(size_t n_inputs, const size_t *hidden,
                              size_t n_hidden, size_t n_outputs,
                              mlp_act act, mlp_output output, mlp_error *err)
{
    if (n_hidden + 1 > MLP_MAX_LAYERS)
        return mlp_error_set(err, MLP_STATUS_USAGE,
                             "%zu hidden layers is too many; at most %d",
                             n_hidden, MLP_MAX_LAYERS - 1);
    if ((unsigned)act > MLP_ACT_RELU || (unsigned)output > MLP_OUTPUT_LINEAR)
        return mlp_error_set(err, MLP_STATUS_USAGE,
                             "unknown activation or output layer");
    if (check_width(n_inputs, "input layer", 0, err) != MLP_STATUS_OK)
        return MLP_STATUS_USAGE;
    for (size_t i = 0; i < n_hidden; i++)
        if (check_width(hidden[i], "hidden layer", i + 1, err)
            != MLP_STATUS_OK)
            return MLP_STATUS_USAGE;
    if (check_width(n_outputs, "output layer", 0, err) != MLP_STATUS_OK)
        return MLP_STATUS_USAGE;
    if (output == MLP_OUTPUT_SOFTMAX && n_outputs < 2)
        return mlp_error_set(err, MLP_STATUS_USAGE,
                             "a softmax output needs at least 2 units");
    if (output != MLP_OUTPUT_SOFTMAX && n_outputs != 1)
        return mlp_error_set(err, MLP_STATUS_USAGE,
                             "a sigmoid or linear output has 1 unit, not %zu",
                             n_outputs);
    return MLP_STATUS_OK;
}

mlp_status mlp_net_init(mlp_net *net, size_t n_inputs, const size_t *hidden,
                        size_t n_hidden, size_t n_outputs, mlp_act act,
                        mlp_output output, mlp_error *err)
{
    size_t n = 0, bytes, layer;
    mlp_status st;

    /* shape */
    memset(net, 0, sizeof *net);
    st = check_shape(n_inputs, hidden, n_hidden, n_outputs, act, output, err);
    if (st != MLP_STATUS_OK)
        return st;
    net->n_layers = n_hidden + 1;
    net->width[0] = n_inputs;
    for (size_t i = 0; i < n_hidden; i++)
        net->width[i + 1] = hidden[i];
    net->width[net->n_layers] = n_outputs;
    net->act = act;
    net->output = output;

    /* count: I x O weights and O biases a layer */
    for (size_t l = 0; l < net->n_layers; l++) {
        if (!mlp_size_mul(net->width[l] + 1, net->width[l + 1], &layer)
            || !mlp_size_add(n, layer, &n))
            return mlp_error_set(err, MLP_STATUS_NOMEM,
                                 "the network has too many parameters");
    }
    if (!mlp_size_mul(n, sizeof(float), &bytes)
        || (net->params = mlp_aligned_alloc(bytes)) == NULL)
        return mlp_error_set(err, MLP_STATUS_NOMEM,
                             "cannot allocate %zu parameters", n);
    memset(net->params, 0, bytes);
    net->n_params = n;

    /* layout */
    n = 0;
    for (size_t l = 0; l < net->n_layers; l++) {
        net->w[l] = net->params + n;
        n += net->width[l] * net->width[l + 1];
        net->b[l] = net->params + n;
        n += net->width[l + 1];
    }
    return MLP_STATUS_OK;
}

void mlp_net_randomize(mlp_net *net, uint64_t seed)
{
    mlp_rng rng;

    mlp_rng_seed(&rng, seed);
    for (size_t l = 0; l < net->n_layers; l++) {
        size_t fan_in = net->width[l], fan_out = net->width[l + 1];
        int hidden = l + 1 < net->n_layers;
        double limit, blimit;

        /* He uniform U(-sqrt(6/fan_in), +) for relu layers; Glorot
         * uniform U(-sqrt(6/(fan_in+fan_out)), +) for sigmoid and tanh
         * layers and for the output layer.  sqrt is correctly rounded,
         * so the limit is the same everywhere. */
        if (hidden && net->act == MLP_ACT_RELU)
            limit = sqrt(6.0 / (double)fan_in);
        else
            limit = sqrt(6.0 / (double)(fan_in + fan_out));

        /* w = limit (2u - 1), u in [0, 1): 2u - 1 is exact */
        for (size_t i = 0; i < fan_in * fan_out; i++)
            net->w[l][i] = (float)limit
                           * (2.0f * mlp_rng_float(&rng) - 1.0f);

        /* Hidden biases: a unit's boundary w.x + b = 0 lies |b| / |w|
         * from the centre of the (standardised) data.  Zero biases would
         * start every boundary through the centre, and the units would
         * spend much of their budget moving apart before they could tile
         * the data; drawn at random, they start spread out.  A sigmoid
         * or tanh unit whose boundary falls outside the data still
         * learns (it starts in its flat or linear part), so its bias is
         * drawn from 1.5 times the weights' range; a relu unit whose
         * boundary falls outside the data on its dark side would never
         * fire again, so its bias keeps the weights' range.  Measured
         * with 5-fold cross-validation over 20 seeds: tanh on sine.csv
         * 0.074 RMSE at 1.5x, 0.082 at 1x, 0.118 with zero biases; the
         * classification sets within 0.3 points of 1x; a 2-2-1 sigmoid
         * net learns XOR from 44 of 100 seeds at 1.5x, 52 at 1x, 58 at
         * zero.  The output biases start at zero: the prior of equal
         * classes, or the mean of the standardised target. */
        blimit = net->act == MLP_ACT_RELU ? limit : 1.5 * limit;
        for (size_t i = 0; i < fan_out; i++)
            net->b[l][i] = hidden ? (float)blimit
                                    * (2.0f * mlp_rng_float(&rng) - 1.0f)
                                  : 0.0f;
    }
}

mlp_status mlp_net_copy(mlp_net *dst, const mlp_net *src, mlp_error *err)
{
    mlp_status st;

    st = mlp_net_init(dst, src->width[0], src->width + 1, src->n_layers - 1,
                      src->width[src->n_layers], src->act, src->output, err);
    if (st != MLP_STATUS_OK)
        return st;
    memcpy(dst->params, src->params, src->n_params * sizeof(float));
    return MLP_STATUS_OK;
}

void mlp_net_free(mlp_net *net)
{
    if (net == NULL)
        return;
    free(net->params);
    memset(net, 0, sizeof *net);
}

/* ---- inference ---- */

struct mlp_infer {
    size_t max_rows;
    float *buf[2];      /* max_rows x the widest layer, used in turn */
};

/* The widest layer after the inputs. */
static size_t widest(const mlp_net *net)
{
    size_t w = 0;

    for (size_t l = 1; l <= net->n_layers; l++)
        if (net->width[l] > w)
            w = net->width[l];
    return w;
}

mlp_infer *mlp_infer_new(const mlp_net *net, size_t max_rows)
{
    mlp_infer *ws;
    size_t n, bytes;

    if (max_rows == 0)
        max_rows = 1;
    if (!mlp_size_mul(max_rows, widest(net), &n)
        || !mlp_size_mul(n, sizeof(float), &bytes))
        return NULL;
    ws = calloc(1, sizeof *ws);
    if (ws == NULL)
        return NULL;
    ws->max_rows = max_rows;
    ws->buf[0] = mlp_aligned_alloc(bytes);
    ws->buf[1] = mlp_aligned_alloc(bytes);
    if (ws->buf[0] == NULL || ws->buf[1] == NULL) {
        mlp_infer_free(ws);
        return NULL;
    }
    return ws;
}

void mlp_infer_free(mlp_infer *ws)
{
    if (ws == NULL)
        return;
    free(ws->buf[0]);
    free(ws->buf[1]);
    free(ws);
}

void mlp_net_forward(const mlp_net *net, mlp_infer *ws, const float *x,
                     size_t n_rows, float *out)
{
    size_t last = net->n_layers - 1;
    const float *in = x;

    /* hidden layers, ping-ponging between the two buffers */
    for (size_t l = 0; l < last; l++) {
        float *y = ws->buf[l % 2];

        mlp_layer_forward(NULL, in, net->w[l], net->b[l], n_rows,
                          net->width[l], net->width[l + 1], net->act, y);
        in = y;
    }

    /* output layer: logits straight into out, then the output function */
    mlp_layer_forward_linear(NULL, in, net->w[last], net->b[last], n_rows,
                             net->width[last], net->width[last + 1], out);
    mlp_output_apply(net->output, out, n_rows, net->width[last + 1], out);
}
