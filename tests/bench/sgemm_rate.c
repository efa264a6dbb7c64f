/* sgemm_rate.c -- the matrix-product lower bound on one training epoch.
 *
 * Usage: sgemm_rate [--quick] BATCH ROWS W0 W1 ... WL
 * For a network of widths W0-W1-...-WL trained on ROWS rows in batches of
 * BATCH, times OpenBLAS's cblas_sgemm (run it with OPENBLAS_NUM_THREADS=1
 * for the one-core bound) on every product of one training step:
 *   forward   Y[B x O]  = X[B x I] W[I x O]        2 B I O flops
 *   weights   dW[I x O] = X^T[I x B] dY[B x O]     2 B I O flops
 *   inputs    dX[B x I] = dY[B x O] W^T[O x I]     2 B I O flops, not
 *                                                  for the first layer
 * and prints, as key=value lines, the flop count of one epoch, the rate
 * OpenBLAS reached on these shapes and the seconds one epoch would take
 * if training were nothing but these products.  Biases, activations, the
 * loss and the optimizer step are left out, so a real trainer can only be
 * slower than the bound.
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_LAYERS 16
#define N_TRIALS 5

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Seconds for one product of the given kind, median of N_TRIALS trials
 * that each repeat it for at least min_s seconds. */
static double time_product(int kind, int b, int in, int out, double min_s)
{
    float *x = calloc((size_t)b * (size_t)in, sizeof *x);
    float *w = calloc((size_t)in * (size_t)out, sizeof *w);
    float *y = calloc((size_t)b * (size_t)out, sizeof *y);
    double t[N_TRIALS], tmp;

    if (x == NULL || w == NULL || y == NULL) {
        fputs("sgemm_rate: out of memory\n", stderr);
        exit(1);
    }
    for (size_t k = 0; k < (size_t)b * (size_t)in; k++)
        x[k] = (float)(k % 7) * 0.1f;
    for (size_t k = 0; k < (size_t)in * (size_t)out; k++)
        w[k] = (float)(k % 5) * 0.1f;

    /* trials */
    for (int trial = 0; trial < N_TRIALS; trial++) {
        double t0 = now(), t1;
        long reps = 0;

        do {
            if (kind == 0)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, b,
                            out, in, 1.0f, x, in, w, out, 0.0f, y, out);
            else if (kind == 1)
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, in,
                            out, b, 1.0f, x, in, y, out, 0.0f, w, out);
            else
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, b, in,
                            out, 1.0f, y, out, w, out, 0.0f, x, in);
            reps++;
            t1 = now();
        } while (t1 - t0 < min_s);
        t[trial] = (t1 - t0) / (double)reps;
    }

    /* median */
    for (int i = 1; i < N_TRIALS; i++)
        for (int j = i; j > 0 && t[j - 1] > t[j]; j--) {
            tmp = t[j];
            t[j] = t[j - 1];
            t[j - 1] = tmp;
        }
    free(x);
    free(w);
    free(y);
    return t[N_TRIALS / 2];
}

/* Parse a positive int below 2^24. Returns it, or 0 when invalid. */
static int parse_width(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);

    return end != s && *end == '\0' && v > 0 && v < (1L << 24) ? (int)v : 0;
}

int main(int argc, char **argv)
{
    int w[MAX_LAYERS + 1], n_widths, b, rows, first = 1;
    double min_s = 0.2, flops_step = 0, seconds_step = 0, steps;

    /* arguments */
    if (argc > 1 && strcmp(argv[1], "--quick") == 0) {
        min_s = 0.01;
        argv++;
        argc--;
    }
    n_widths = argc - 3;
    if (argc < 5 || n_widths > MAX_LAYERS + 1 ||
        (b = parse_width(argv[1])) == 0 ||
        (rows = parse_width(argv[2])) == 0) {
        fputs("usage: sgemm_rate [--quick] BATCH ROWS W0 W1 ... WL\n",
              stderr);
        return 64;
    }
    for (int l = 0; l < n_widths; l++)
        if ((w[l] = parse_width(argv[3 + l])) == 0) {
            fprintf(stderr, "sgemm_rate: bad width \"%s\"\n", argv[3 + l]);
            return 64;
        }

    /* every product of one step, on a full batch */
    for (int l = 0; l + 1 < n_widths; l++, first = 0) {
        double f = 2.0 * b * w[l] * w[l + 1];

        flops_step += f * (first ? 2 : 3);
        seconds_step += time_product(0, b, w[l], w[l + 1], min_s);
        seconds_step += time_product(1, b, w[l], w[l + 1], min_s);
        if (!first)
            seconds_step += time_product(2, b, w[l], w[l + 1], min_s);
    }

    /* an epoch is ROWS / BATCH steps; flops scale with the rows exactly */
    steps = (double)rows / b;
    printf("flops_per_epoch=%.6g\n", flops_step * steps);
    printf("sgemm_gflops=%.2f\n", flops_step / seconds_step * 1e-9);
    printf("bound_seconds_per_epoch=%.6g\n", seconds_step * steps);
    return ferror(stdout) || fclose(stdout) != 0;
}
