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
#include <string.h>

#include "engine/layer.h"
#include "engine/vmath.h"

/* The index of the largest of z[0..k), the first one on a tie. */
static size_t argmax(const float *z, size_t k)
{
    size_t best = 0;

    for (size_t j = 1; j < k; j++)
        if (z[j] > z[best])
            best = j;
    return best;
}

/* Rows the sigmoid output takes at once, through its stack buffers. */
#define BCE_BLOCK 256

/* Binary cross-entropy of n <= BCE_BLOCK rows of one logit each, summed
 * in double: L = max(z, 0) - z t + log1p(e^-|z|).  p = sigmoid(z) goes
 * to p when it is not NULL; the rows classified right are added to
 * *right. */
static double bce_block(const float *z, const float *t, size_t n, float *p,
                        size_t *right)
{
    float e[BCE_BLOCK];
    double sum = 0.0;

    /* log1p(e^-|z|), and p */
    for (size_t i = 0; i < n; i++)
        e[i] = -fabsf(z[i]);
    mlp_vexp(e, n, e);
    mlp_vlog1p(e, n, e);
    if (p != NULL)
        mlp_vsigmoid(z, n, p);

    /* the sum, and the rows right */
    for (size_t i = 0; i < n; i++) {
        double zd = z[i];

        sum += (zd > 0.0 ? zd : 0.0) - zd * t[i] + e[i];
        *right += (z[i] > 0.0f) == (t[i] > 0.5f);
    }
    return sum;
}

/* Binary cross-entropy of n rows of one logit each; dz = scale (p - t)
 * when dz is not NULL. */
static double bce_rows(const float *z, const float *t, size_t n,
                       float scale, float *dz, size_t *right)
{
    double sum = 0.0;

    for (size_t s = 0; s < n; s += BCE_BLOCK) {
        size_t m = n - s < BCE_BLOCK ? n - s : BCE_BLOCK;
        float *d = dz != NULL ? dz + s : NULL;

        sum += bce_block(z + s, t + s, m, d, right);
        if (d != NULL)
            for (size_t i = 0; i < m; i++)
                d[i] = scale * (d[i] - t[s + i]);
    }
    return sum;
}

/* Cross-entropy of one softmax row with target class c, L = log s - (z_c
 * - m) with s = sum e^(z_j - m), m the largest logit, so that no term
 * exceeds 1.  p = softmax(z) goes to p when it is not NULL (p may be
 * z); else the terms go through a stack buffer. */
static double softmax_row(const float *z, size_t k, size_t c, float *p)
{
    float m = z[argmax(z, k)], zc = z[c], buf[256];
    double s = 0.0;

    for (size_t j0 = 0; j0 < k; j0 += 256) {
        size_t n = k - j0 < 256 ? k - j0 : 256;
        float *e = p != NULL ? p + j0 : buf;

        /* e^(z - m), in (0, 1] */
        for (size_t j = 0; j < n; j++)
            e[j] = z[j0 + j] - m;
        mlp_vexp(e, n, e);
        for (size_t j = 0; j < n; j++)
            s += e[j];
    }
    if (p != NULL)
        for (size_t j = 0; j < k; j++)
            p[j] = (float)(p[j] / s);
    return log(s) - ((double)zc - m);
}

/* Softmax cross-entropy of n rows of k logits, against class indices t;
 * dz = scale (p - y) when dz is not NULL. */
static double softmax_rows(const float *z, const float *t, size_t n,
                           size_t k, float scale, float *dz, size_t *right)
{
    double sum = 0.0;

    for (size_t i = 0; i < n; i++) {
        const float *zi = z + i * k;
        float *di = dz != NULL ? dz + i * k : NULL;
        size_t c = (size_t)t[i];

        sum += softmax_row(zi, k, c, di);
        *right += argmax(zi, k) == c;
        if (di != NULL) {
            di[c] -= 1.0f;
            for (size_t j = 0; j < k; j++)
                di[j] *= scale;
        }
    }
    return sum;
}

/* Squared error of n rows of one output; dz = scale (z - t) when dz is
 * not NULL. */
static double squared_rows(const float *z, const float *t, size_t n,
                           float scale, float *dz)
{
    double sum = 0.0;

    for (size_t i = 0; i < n; i++) {
        float r = z[i] - t[i];

        sum += 0.5 * (double)r * r;
        if (dz != NULL)
            dz[i] = scale * r;
    }
    return sum;
}

double mlp_loss_rows(mlp_output out, const float *z, const float *t,
                     size_t n_rows, size_t k, float scale, float *dz,
                     size_t *n_correct)
{
    double sum = 0.0;
    size_t right = 0;

    switch (out) {
    case MLP_OUTPUT_SIGMOID:
        sum = bce_rows(z, t, n_rows, scale, dz, &right);
        break;
    case MLP_OUTPUT_SOFTMAX:
        sum = softmax_rows(z, t, n_rows, k, scale, dz, &right);
        break;
    case MLP_OUTPUT_LINEAR:
        sum = squared_rows(z, t, n_rows, scale, dz);
        break;
    }
    if (n_correct != NULL)
        *n_correct = right;
    return sum;
}

void mlp_output_apply(mlp_output out, const float *z, size_t n_rows,
                      size_t k, float *p)
{
    switch (out) {
    case MLP_OUTPUT_SIGMOID:
        mlp_vsigmoid(z, n_rows, p);
        break;
    case MLP_OUTPUT_SOFTMAX:
        for (size_t i = 0; i < n_rows; i++)
            softmax_row(z + i * k, k, 0, p + i * k);
        break;
    case MLP_OUTPUT_LINEAR:
        if (p != z)
            memmove(p, z, n_rows * sizeof *p);
        break;
    }
}
