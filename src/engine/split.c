/* split.c -- rows grouped by class, each group in random order: the
 * common ground of the stratified validation split and of k-fold
 * cross-validation. */
#include <math.h>
#include <string.h>

#include "engine/split.h"

size_t mlp_split_classes(const mlp_net *net)
{
    switch (net->output) {
    case MLP_OUTPUT_SIGMOID:
        return 2;
    case MLP_OUTPUT_SOFTMAX:
        return net->width[net->n_layers];
    case MLP_OUTPUT_LINEAR:
        break;
    }
    return 0;
}

mlp_status mlp_split_check(const mlp_net *net, const float *x,
                           const float *y, size_t n, mlp_error *err)
{
    size_t d = net->width[0], k = mlp_split_classes(net);

    for (size_t i = 0; i < n; i++) {
        /* features */
        for (size_t j = 0; j < d; j++)
            if (!isfinite(x[i * d + j]))
                return mlp_error_set(err, MLP_STATUS_DATA,
                                     "row %zu, column %zu: the feature is "
                                     "not a finite number", i + 1, j + 1);

        /* label: a whole number below k, or any finite value */
        if (!isfinite(y[i]) || (k > 0 && (y[i] < 0.0f || y[i] >= (float)k
                                          || y[i] != floorf(y[i]))))
            return mlp_error_set(err, MLP_STATUS_DATA,
                                 "row %zu: the label %g is not %s", i + 1,
                                 (double)y[i],
                                 k > 0 ? "a class index of the output"
                                       : "a finite number");
    }
    return MLP_STATUS_OK;
}

void mlp_split_order(const float *y, size_t n, size_t n_classes,
                     mlp_rng *rng, size_t *order, size_t *count)
{
    size_t start = 0;

    /* regression: one group */
    if (n_classes == 0) {
        for (size_t i = 0; i < n; i++)
            order[i] = i;
        mlp_rng_shuffle(rng, order, n);
        return;
    }

    /* count each class, then a counting sort keeps row order in a group */
    memset(count, 0, n_classes * sizeof *count);
    for (size_t i = 0; i < n; i++)
        count[(size_t)y[i]]++;
    for (size_t c = 0; c < n_classes; c++) {
        size_t k = count[c];

        count[c] = start;
        start += k;
    }
    for (size_t i = 0; i < n; i++)
        order[count[(size_t)y[i]]++] = i;

    /* count[c] is now the end of group c: shuffle each group, and turn
     * the ends back into sizes */
    start = 0;
    for (size_t c = 0; c < n_classes; c++) {
        size_t end = count[c];

        mlp_rng_shuffle(rng, order + start, end - start);
        count[c] = end - start;
        start = end;
    }
}
