/* loss.c -- the output layers and their losses, from the logits z.
 *
 * Each loss is computed from the logits so that no probability is ever
 * rounded to 0 or 1 before its logarithm is taken:
 *     sigmoid + binary cross-entropy   L = max(z,0) - z t + log1p(e^-|z|)
 *     softmax + cross-entropy          L = logsumexp(z) - z_t
 *     linear + squared error           L = (z - t)^2 / 2
 * and for all three dL/dz = p - y, where p is the output and y the target
 * (one-hot for the softmax).  The training loss is the mean of L over rows.
 */
#include <math.h>
#include <stddef.h>

#include "engine/layer.h"

/* The index of the largest of z[0..k), the first one on a tie. */
static size_t argmax(const float *z, size_t k)
{
    size_t best = 0;

    for (size_t j = 1; j < k; j++)
        if (z[j] > z[best])
            best = j;
    return best;
}

/* Binary cross-entropy of one row; *p = sigmoid(z) without overflow. */
static double bce_row(float z, float t, float *p)
{
    double e = exp(-fabs((double)z));   /* in (0, 1] */
    double zd = z;

    *p = (float)(z >= 0.0f ? 1.0 / (1.0 + e) : e / (1.0 + e));
    return (zd > 0.0 ? zd : 0.0) - zd * t + log1p(e);
}

/* Cross-entropy of one softmax row with target class c; writes
 * p = softmax(z) into p when p is not NULL.  The maximum is taken out
 * before exponentiating, so no term exceeds 1. */
static double softmax_row(const float *z, size_t k, size_t c, float *p)
{
    double m = z[argmax(z, k)], s = 0.0;

    for (size_t j = 0; j < k; j++)
        s += exp((double)z[j] - m);
    if (p != NULL)
        for (size_t j = 0; j < k; j++)
            p[j] = (float)(exp((double)z[j] - m) / s);
    return m + log(s) - z[c];
}

double mlp_loss_rows(mlp_output out, const float *z, const float *t,
                     size_t n_rows, size_t k, float scale, float *dz,
                     size_t *n_correct)
{
    double sum = 0.0;
    size_t right = 0;

    for (size_t i = 0; i < n_rows; i++) {
        const float *zi = z + i * k;
        float *di = dz != NULL ? dz + i * k : NULL;
        float p;

        switch (out) {
        case MLP_OUTPUT_SIGMOID:
            sum += bce_row(zi[0], t[i], &p);
            right += (zi[0] > 0.0f) == (t[i] > 0.5f);
            if (di != NULL)
                di[0] = scale * (p - t[i]);
            break;
        case MLP_OUTPUT_SOFTMAX: {
            size_t c = (size_t)t[i];

            sum += softmax_row(zi, k, c, di);
            right += argmax(zi, k) == c;
            if (di != NULL) {
                di[c] -= 1.0f;
                for (size_t j = 0; j < k; j++)
                    di[j] *= scale;
            }
            break;
        }
        case MLP_OUTPUT_LINEAR:
            p = zi[0] - t[i];
            sum += 0.5 * (double)p * p;
            if (di != NULL)
                di[0] = scale * p;
            break;
        }
    }
    if (n_correct != NULL)
        *n_correct = right;
    return sum;
}

void mlp_output_apply(mlp_output out, const float *z, size_t n_rows,
                      size_t k, float *p)
{
    for (size_t i = 0; i < n_rows; i++) {
        const float *zi = z + i * k;
        float *pi = p + i * k;

        switch (out) {
        case MLP_OUTPUT_SIGMOID:
            bce_row(zi[0], 0.0f, pi);
            break;
        case MLP_OUTPUT_SOFTMAX:
            softmax_row(zi, k, 0, pi);
            break;
        case MLP_OUTPUT_LINEAR:
            pi[0] = zi[0];
            break;
        }
    }
}
