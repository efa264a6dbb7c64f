/* optim.h -- the optimisers' step, given a gradient laid out like params.
 */
#ifndef MLP_ENGINE_OPTIM_H
#define MLP_ENGINE_OPTIM_H

#include <stddef.h>

#include "engine/mem.h"
#include "mlp/train.h"

typedef struct mlp_optim_state {
    mlp_optim kind;
    float rate, momentum, beta1, beta2, eps;
    size_t n;           /* parameters */
    float *m;           /* momentum: velocity; adam: first moment */
    float *v;           /* adam: second moment */
    double b1t, b2t;    /* adam: beta1^t and beta2^t after t steps */
} mlp_optim_state;

/* Take the settings from o and lay out the state for n parameters in
 * arena a (see mem.h); call mlp_optim_reset once the block is placed. */
void mlp_optim_layout(mlp_optim_state *s, const mlp_train_options *o,
                      size_t n, mlp_arena *a);

/* Zero the moments and the step count. */
void mlp_optim_reset(mlp_optim_state *s);

/* One step on params from grad (n values each). */
void mlp_optim_step(mlp_optim_state *s, float *params, const float *grad);

#endif
