/* predict.c -- from raw feature rows to class probabilities or values.
 *
 * Shapes, for B rows, F features and K = mlp_model_n_outputs():
 *     x    B x F   raw values, as read
 *     xs   B x F   standardised copy, (x - mean) / scale
 *     out  B x K   probabilities, or y_mean + y_scale * net output
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mlp/model.h"

struct mlp_predictor {
    const mlp_model *m;     /* borrowed: must outlive the predictor */
    size_t max_rows;
    float *xs;              /* max_rows x n_features */
    mlp_infer *ws;
};

size_t mlp_model_n_outputs(const mlp_model *m)
{
    return m->task == MLP_TASK_CLASSIFY ? m->n_classes : 1;
}

mlp_predictor *mlp_predictor_new(const mlp_model *m, size_t max_rows)
{
    mlp_predictor *p;
    size_t n_floats;

    /* the standardised copy, sized with overflow checked */
    if (max_rows == 0)
        max_rows = 1;
    if (m->n_features == 0 || max_rows > SIZE_MAX / m->n_features ||
        max_rows * m->n_features > SIZE_MAX / sizeof(float))
        return NULL;
    n_floats = max_rows * m->n_features;
    p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->m = m;
    p->max_rows = max_rows;
    p->xs = malloc(n_floats * sizeof *p->xs);

    /* the network's scratch */
    p->ws = mlp_infer_new(&m->net, max_rows);
    if (p->xs == NULL || p->ws == NULL) {
        mlp_predictor_free(p);
        return NULL;
    }
    return p;
}

void mlp_predictor_free(mlp_predictor *p)
{
    if (p == NULL)
        return;
    mlp_infer_free(p->ws);
    free(p->xs);
    free(p);
}

/* Spread n sigmoid outputs p(class 1), stored at out[0..n), into n rows
 * of [1 - p, p].  Backwards, so that no output is overwritten before it
 * is read: row i writes out[2i], out[2i + 1], both at or after out[i]. */
static void expand_binary(float *out, size_t n)
{
    for (size_t i = n; i-- > 0;) {
        float p1 = out[i];

        out[2 * i] = 1.0f - p1;
        out[2 * i + 1] = p1;
    }
}

/* Standardised inputs are held to this many standard deviations.  Rows
 * like the training rows never come near it (n rows can hold an outlier of
 * at most sqrt(n) deviations), and it keeps a finite input such as
 * -3.4e38, which would standardise to -inf, from turning into inf * 0 =
 * NaN inside the network. */
#define INPUT_LIMIT 1e6f

/* Hold each of v[0..n) within [-limit, limit]. */
static void clamp(float *v, size_t n, float limit)
{
    for (size_t i = 0; i < n; i++)
        v[i] = v[i] > limit ? limit : v[i] < -limit ? -limit : v[i];
}

/* Predict n <= max_rows rows of x into out. */
static void run_block(mlp_predictor *p, const float *x, size_t n,
                      float *out)
{
    const mlp_model *m = p->m;

    /* standardise a copy: x belongs to the caller */
    memcpy(p->xs, x, n * m->n_features * sizeof *x);
    mlp_scale_apply(p->xs, n, m->n_features, m->mean, m->scale);
    clamp(p->xs, n * m->n_features, INPUT_LIMIT);

    /* the network, then the output in the caller's terms */
    mlp_net_forward(&m->net, p->ws, p->xs, n, out);
    if (m->net.output == MLP_OUTPUT_SIGMOID) {
        expand_binary(out, n);
    } else if (m->net.output == MLP_OUTPUT_LINEAR) {
        for (size_t i = 0; i < n; i++)
            out[i] = m->y_mean + m->y_scale * out[i];
        clamp(out, n, FLT_MAX);
    }
}

void mlp_predictor_run(mlp_predictor *p, const float *x, size_t n_rows,
                       float *out)
{
    size_t n_in = p->m->n_features, n_out = mlp_model_n_outputs(p->m);

    /* blocks of max_rows, so that a larger n_rows is still answered */
    for (size_t r = 0; r < n_rows; r += p->max_rows) {
        size_t n = n_rows - r < p->max_rows ? n_rows - r : p->max_rows;

        run_block(p, x + r * n_in, n, out + r * n_out);
    }
}

size_t mlp_argmax(const float *p, size_t n)
{
    size_t best = 0;

    /* the first of equal maxima; a NaN never wins over a number */
    for (size_t i = 1; i < n; i++)
        if (p[i] > p[best] || (isnan(p[best]) && !isnan(p[i])))
            best = i;
    return best;
}
