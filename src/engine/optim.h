/* optim.h -- the optimisers' step, given a gradient laid out like params.
 *
 * A step is mlp_optim_begin once, then mlp_optim_apply over ranges of
 * the parameters that together cover them all, in any order and on any
 * threads: each parameter's update depends on its own values alone, and
 * is computed by the same instructions wherever the ranges fall.
 */
#ifndef MLP_ENGINE_OPTIM_H
#define MLP_ENGINE_OPTIM_H

#include <stddef.h>

#include "engine/mem.h"
#include "mlp/train.h"

/* The numbers of one Adam step: b1, 1 - b1, b2, 1 - b2, and the rate
 * and epsilon with the bias correction folded in (see optim.c). */
typedef struct mlp_adam_coef {
    float b1, c1, b2, c2, step, eps;
} mlp_adam_coef;

/* Adam's update of n parameters w from their gradient g and moments. */
typedef void mlp_adam_fn(float *w, const float *g, float *m, float *v,
                         size_t n, const mlp_adam_coef *c);

typedef struct mlp_optim_state {
    mlp_optim kind;
    float rate, momentum, beta1, beta2, eps;
    size_t n;           /* parameters */
    float *m;           /* momentum: velocity; adam: first moment */
    float *v;           /* adam: second moment */
    double b1t, b2t;    /* adam: beta1^t and beta2^t after t steps */
    mlp_adam_coef coef; /* adam: this step's numbers */
    mlp_adam_fn *adam;  /* the widest version this CPU runs */
} mlp_optim_state;

/* The versions of Adam's update this CPU runs, widest first, into
 * out[] (room for 3); returns how many.  The state uses the first; the
 * others are there to be compared with it. */
size_t mlp_optim_adam_versions(mlp_adam_fn *out[3]);

/* Take the settings from o and lay out the state for n parameters in
 * arena a (see mem.h); call mlp_optim_reset once the block is placed. */
void mlp_optim_layout(mlp_optim_state *s, const mlp_train_options *o,
                      size_t n, mlp_arena *a);

/* Zero the moments and the step count. */
void mlp_optim_reset(mlp_optim_state *s);

/* Count one more step, before its mlp_optim_apply calls. */
void mlp_optim_begin(mlp_optim_state *s);

/* The step on params[first, first + n) from grad (laid out like params). */
void mlp_optim_apply(const mlp_optim_state *s, float *params,
                     const float *grad, size_t first, size_t n);

/* One whole step: mlp_optim_begin, then mlp_optim_apply on all. */
void mlp_optim_step(mlp_optim_state *s, float *params, const float *grad);

#endif
