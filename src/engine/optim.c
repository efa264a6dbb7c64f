/* optim.c -- plain SGD, classical momentum and Adam.
 *
 *     sgd        w -= r g
 *     momentum   v = mu v - r g;  w += v
 *     adam       m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
 *                w -= r (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 */
#include <math.h>
#include <string.h>

#include "engine/optim.h"

void mlp_optim_layout(mlp_optim_state *s, const mlp_train_options *o,
                      size_t n, mlp_arena *a)
{
    memset(s, 0, sizeof *s);
    s->kind = o->optim;
    s->rate = o->rate;
    s->momentum = o->momentum;
    s->beta1 = o->beta1;
    s->beta2 = o->beta2;
    s->eps = o->eps;
    s->n = n;
    if (s->kind != MLP_OPTIM_SGD)
        s->m = mlp_arena_take(a, n, sizeof(float));
    if (s->kind == MLP_OPTIM_ADAM)
        s->v = mlp_arena_take(a, n, sizeof(float));
}

void mlp_optim_reset(mlp_optim_state *s)
{
    if (s->m != NULL)
        memset(s->m, 0, s->n * sizeof(float));
    if (s->v != NULL)
        memset(s->v, 0, s->n * sizeof(float));
    s->b1t = 1.0;
    s->b2t = 1.0;
}

/* Adam's step with bias correction folded into the rate and epsilon:
 * r m/(1-b1^t) / (sqrt(v/(1-b2^t)) + eps)
 *   = (r sqrt(1-b2^t)/(1-b1^t)) m / (sqrt(v) + eps sqrt(1-b2^t)). */
static void adam_step(mlp_optim_state *s, float *w, const float *g)
{
    float b1 = s->beta1, b2 = s->beta2, *m = s->m, *v = s->v;
    double c2;
    float step, eps;

    s->b1t *= s->beta1;
    s->b2t *= s->beta2;
    c2 = sqrt(1.0 - s->b2t);
    step = (float)(s->rate * c2 / (1.0 - s->b1t));
    eps = (float)(s->eps * c2);
    for (size_t i = 0; i < s->n; i++) {
        m[i] = b1 * m[i] + (1.0f - b1) * g[i];
        v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
        w[i] -= step * m[i] / (sqrtf(v[i]) + eps);
    }
}

void mlp_optim_step(mlp_optim_state *s, float *params, const float *grad)
{
    float r = s->rate, mu = s->momentum;

    switch (s->kind) {
    case MLP_OPTIM_SGD:
        for (size_t i = 0; i < s->n; i++)
            params[i] -= r * grad[i];
        break;
    case MLP_OPTIM_MOMENTUM:
        for (size_t i = 0; i < s->n; i++) {
            s->m[i] = mu * s->m[i] - r * grad[i];
            params[i] += s->m[i];
        }
        break;
    case MLP_OPTIM_ADAM:
        adam_step(s, params, grad);
        break;
    }
}
