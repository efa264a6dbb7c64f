/* scale.c -- feature standardisation: z = (x - mean) / sd.
 *
 * Mean and population standard deviation are accumulated in double, in
 * two passes (the second on deviations from the mean, so a large offset
 * costs no precision).  A column whose sd is 0, or below 1e-12 of its
 * mean's size (a constant up to rounding), gets scale 1: it is centred,
 * never divided by a tiny number.
 */
#include <math.h>
#include <stddef.h>

#include "mlp/net.h"

/* Mean and population sd of column j of x (n x d), n > 0. */
static void column_stats(const float *x, size_t n, size_t d, size_t j,
                         double *mean, double *sd)
{
    double sum = 0.0, ss = 0.0;

    for (size_t i = 0; i < n; i++)
        sum += x[i * d + j];
    *mean = sum / (double)n;
    for (size_t i = 0; i < n; i++) {
        double dev = x[i * d + j] - *mean;

        ss += dev * dev;
    }
    *sd = sqrt(ss / (double)n);
}

void mlp_scale_fit(const float *x, size_t n, size_t d, float *mean,
                   float *scale)
{
    for (size_t j = 0; j < d; j++) {
        double m = 0.0, sd = 0.0;

        if (n > 0)
            column_stats(x, n, d, j, &m, &sd);
        mean[j] = (float)m;
        scale[j] = sd == 0.0 || sd < 1e-12 * fabs(m) || !isfinite(sd)
                   || (float)sd == 0.0f
                       ? 1.0f : (float)sd;
    }
}

void mlp_scale_apply(float *x, size_t n, size_t d, const float *mean,
                     const float *scale)
{
    for (size_t i = 0; i < n; i++) {
        float *row = x + i * d;

        for (size_t j = 0; j < d; j++)
            row[j] = (row[j] - mean[j]) / scale[j];
    }
}
