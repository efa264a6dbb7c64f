/* scale.c -- feature standardisation: z = (x - mean) / sd.
 *
 * Mean and population standard deviation are accumulated in double, in
 * two passes (the second on deviations from the mean, so a large offset
 * costs no precision).  A column whose sd is 0, or below 1e-12 of its
 * mean's size (a constant up to rounding), gets scale 1: it is centred,
 * never divided by a tiny number.
 *
 * Both passes walk the rows in order and, along each row, a block of up
 * to COLS columns side by side, so memory is read in lines rather than
 * down columns of stride d, and each column's sums are taken in row
 * order exactly as a column-by-column walk would take them.
 */
#include <math.h>
#include <stddef.h>

#include "mlp/net.h"

#define COLS 512    /* columns a block: two double sums each on the stack */

/* Means and population sds of columns [j0, j0 + w) of n rows of x (of
 * d columns): rows rows[0..n) when rows is not NULL, else rows 0..n-1;
 * n > 0, w <= COLS. */
static void block_stats(const float *x, const size_t *rows, size_t n,
                        size_t d, size_t j0, size_t w, double *mean,
                        double *sd)
{
    double sum[COLS] = { 0 }, ss[COLS] = { 0 };

    /* the means: sums along the rows */
    for (size_t i = 0; i < n; i++) {
        const float *row = x + (rows != NULL ? rows[i] : i) * d + j0;

        for (size_t j = 0; j < w; j++)
            sum[j] += row[j];
    }
    for (size_t j = 0; j < w; j++)
        mean[j] = sum[j] / (double)n;

    /* the sds: squared deviations from the means */
    for (size_t i = 0; i < n; i++) {
        const float *row = x + (rows != NULL ? rows[i] : i) * d + j0;

        for (size_t j = 0; j < w; j++) {
            double dev = row[j] - mean[j];

            ss[j] += dev * dev;
        }
    }
    for (size_t j = 0; j < w; j++)
        sd[j] = sqrt(ss[j] / (double)n);
}

void mlp_scale_fit(const float *x, size_t n, size_t d, float *mean,
                   float *scale)
{
    mlp_scale_fit_rows(x, d, NULL, n, mean, scale);
}

void mlp_scale_fit_rows(const float *x, size_t d, const size_t *rows,
                        size_t n, float *mean, float *scale)
{
    double m[COLS], sd[COLS];

    for (size_t j0 = 0; j0 < d; j0 += COLS) {
        size_t w = d - j0 < COLS ? d - j0 : COLS;

        /* a block of columns, then their means and scales */
        for (size_t j = 0; j < w; j++)
            m[j] = sd[j] = 0.0;
        if (n > 0)
            block_stats(x, rows, n, d, j0, w, m, sd);
        for (size_t j = 0; j < w; j++) {
            mean[j0 + j] = (float)m[j];
            scale[j0 + j] = sd[j] == 0.0 || sd[j] < 1e-12 * fabs(m[j])
                            || !isfinite(sd[j]) || (float)sd[j] == 0.0f
                                ? 1.0f : (float)sd[j];
        }
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
