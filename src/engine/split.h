/* split.h -- the rows a trainer is given: their checks, and row orders
 * for stratified hold-out and k-fold splits. */
#ifndef MLP_ENGINE_SPLIT_H
#define MLP_ENGINE_SPLIT_H

#include <stddef.h>

#include "engine/rng.h"
#include "mlp/net.h"

/* Classes the output layer tells apart: 2 for sigmoid, its units for
 * softmax, 0 for a linear output (regression). */
size_t mlp_split_classes(const mlp_net *net);

/* Check that every feature of x (n x width[0]) is finite and every label
 * of y a class index of net's output (finite, for regression).  Returns
 * MLP_STATUS_OK or MLP_STATUS_DATA naming the 1-based row and column. */
mlp_status mlp_split_check(const mlp_net *net, const float *x,
                           const float *y, size_t n, mlp_error *err);

/* Put the row numbers 0..n-1 into order[], grouped by class (class 0's
 * rows first) and shuffled within each group, with count[c] rows in group
 * c for c < n_classes.  y holds valid class indices as floats.  With
 * n_classes 0 (regression) all rows form one shuffled group and count is
 * not used. */
void mlp_split_order(const float *y, size_t n, size_t n_classes,
                     mlp_rng *rng, size_t *order, size_t *count);

#endif
