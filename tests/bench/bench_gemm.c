/* bench_gemm.c -- GFLOP/s of each matrix-product path, beside OpenBLAS.
 *
 * Usage: bench_gemm [--quick]
 * For the products of a 784-512-512-10 network with batch 128 and of
 * tiny networks, prints the speed of every path this CPU has and, when
 * built with -DHAVE_OPENBLAS, of cblas_sgemm on one thread, with the
 * ratio of the chosen path to it.  Each figure is the median of several
 * timed runs, each repeating the product for a fixed time; the runs of
 * the contenders alternate, and the ratio is the median of the ratios
 * within each round.  The best run of each is printed too: on a shared
 * machine it is the one least disturbed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/gemm.h"
#include "engine/gemm_impl.h"

#ifdef HAVE_OPENBLAS
#include <cblas.h>
#endif

#define N_RUNS 7

/* One benchmarked product: C (m x n) = op(A) op(B) + beta C. */
struct bench_shape {
    const char *what;
    int trans_a, trans_b;
    size_t m, n, k;
    float beta;
};

static const struct bench_shape shapes[] = {
    {"forward 784->512", 0, 0, 128, 512, 784, 0.0f},
    {"forward 512->512", 0, 0, 128, 512, 512, 0.0f},
    {"forward 512->10", 0, 0, 128, 10, 512, 0.0f},
    {"dW 784x512", 1, 0, 784, 512, 128, 0.0f},
    {"dW 512x512", 1, 0, 512, 512, 128, 1.0f},
    {"dW 512x10", 1, 0, 512, 10, 128, 0.0f},
    {"dX 512->784", 0, 1, 128, 784, 512, 0.0f},
    {"dX 512->512", 0, 1, 128, 512, 512, 0.0f},
    {"dX 10->512", 0, 1, 128, 512, 10, 0.0f},
    {"tiny fwd 2->2", 0, 0, 32, 2, 2, 0.0f},
    {"tiny fwd 2->1", 0, 0, 32, 1, 2, 0.0f},
    {"tiny dW 2x2", 1, 0, 2, 2, 32, 0.0f},
    {"tiny dX 1->2", 0, 1, 32, 2, 1, 0.0f},
    {"small fwd 64->128", 0, 0, 64, 128, 64, 0.0f},
    {"small fwd 128->10", 0, 0, 64, 10, 128, 0.0f},
    {"small dW 128x10", 1, 0, 128, 10, 64, 0.0f},
    {"small dX 10->128", 0, 1, 64, 128, 10, 0.0f},
};

/* Operands of one shape and the path to time on them. */
struct bench_case {
    const struct bench_shape *s;
    const float *a, *b;
    float *c;
    int path;                   /* an mlp_gemm_path, or -1: OpenBLAS */
};

static double now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Run the product of bc once. */
static void run_once(const struct bench_case *bc)
{
    const struct bench_shape *s = bc->s;
    size_t lda = s->trans_a ? s->m : s->k, ldb = s->trans_b ? s->k : s->n;

#ifdef HAVE_OPENBLAS
    if (bc->path < 0) {
        cblas_sgemm(CblasRowMajor, s->trans_a ? CblasTrans : CblasNoTrans,
                    s->trans_b ? CblasTrans : CblasNoTrans, (int)s->m,
                    (int)s->n, (int)s->k, 1.0f, bc->a, (int)lda, bc->b,
                    (int)ldb, s->beta, bc->c, (int)s->n);
        return;
    }
#endif
    mlp_gemm_path_run((enum mlp_gemm_path)bc->path, MLP_GEMM_PLAN_AUTO,
                      s->trans_a, s->trans_b, s->m, s->n, s->k, bc->a, lda,
                      bc->b, ldb, s->beta, bc->c, s->n);
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;

    return (a > b) - (a < b);
}

/* Returns the GFLOP/s of bc over one run repeating the product for
 * about seconds. */
static double time_run(const struct bench_case *bc, double seconds)
{
    double flops = 2.0 * (double)bc->s->m * (double)bc->s->n *
                   (double)bc->s->k;
    double t0 = now(), t;
    long reps = 0;

    do {
        run_once(bc);
        reps++;
        t = now() - t0;
    } while (t < seconds);
    return flops * (double)reps / t * 1e-9;
}

/* Speeds of one contender over N_RUNS runs, in GFLOP/s. */
struct speeds {
    double run[N_RUNS];
    double median, best;
};

/* Time every case N_RUNS times into sp.  Runs of the cases alternate,
 * so that all see the same load from whatever else the machine does. */
static void measure(const struct bench_case *cases, int n_cases,
                    double seconds, struct speeds *sp)
{
    double sorted[N_RUNS];

    for (int i = 0; i < n_cases; i++)
        run_once(&cases[i]);
    for (int r = 0; r < N_RUNS; r++)
        for (int i = 0; i < n_cases; i++)
            sp[i].run[r] = time_run(&cases[i], seconds);

    /* median and best of each */
    for (int i = 0; i < n_cases; i++) {
        memcpy(sorted, sp[i].run, sizeof sorted);
        qsort(sorted, N_RUNS, sizeof *sorted, cmp_double);
        sp[i].median = sorted[N_RUNS / 2];
        sp[i].best = sorted[N_RUNS - 1];
    }
}

/* Returns the median over the runs of x's speed over y's in the same
 * round: steadier than a ratio of medians when the load shifts. */
static double paired_ratio(const struct speeds *x, const struct speeds *y)
{
    double ratio[N_RUNS];

    for (int r = 0; r < N_RUNS; r++)
        ratio[r] = x->run[r] / y->run[r];
    qsort(ratio, N_RUNS, sizeof *ratio, cmp_double);
    return ratio[N_RUNS / 2];
}

/* Returns a matrix of len random floats in [-1, 1]; exits if out of
 * memory. */
static float *random_floats(size_t len)
{
    float *x = malloc(len * sizeof *x);

    if (!x) {
        fprintf(stderr, "bench_gemm: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < len; i++)
        x[i] = (float)rand() / (float)RAND_MAX * 2.0f - 1.0f;
    return x;
}

/* Print the CPU's model name, as /proc/cpuinfo gives it. */
static void print_cpu(void)
{
    char line[256];
    FILE *f = fopen("/proc/cpuinfo", "r");

    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "model name", 10) == 0) {
            printf("cpu:%s", strchr(line, ':') + 1);
            break;
        }
    if (f)
        fclose(f);
    printf("chosen path: %s\n", mlp_gemm_path_name(mlp_gemm_path_chosen()));
}

/* Time every path on shape s and print one line. */
static void bench_shape(const struct bench_shape *s, double seconds)
{
    float *a = random_floats(s->m * s->k), *b = random_floats(s->k * s->n);
    float *c = random_floats(s->m * s->n);
    struct bench_case cases[MLP_GEMM_PATH_COUNT + 1];
    struct speeds sp[MLP_GEMM_PATH_COUNT + 1];
    int n_cases = 0, ours = 0;

    /* the available paths, then OpenBLAS */
    for (int p = MLP_GEMM_PATH_C; p < MLP_GEMM_PATH_COUNT; p++)
        if (mlp_gemm_path_available((enum mlp_gemm_path)p))
            cases[n_cases++] = (struct bench_case){s, a, b, c, p};
#ifdef HAVE_OPENBLAS
    cases[n_cases++] = (struct bench_case){s, a, b, c, -1};
#endif
    measure(cases, n_cases, seconds, sp);

    /* one line: each path's median or "-", then OpenBLAS's */
    printf("%-18s %c%c %4zux%4zux%4zu", s->what, s->trans_a ? 'T' : 'N',
           s->trans_b ? 'T' : 'N', s->m, s->n, s->k);
    for (int p = MLP_GEMM_PATH_C, i = 0; p < MLP_GEMM_PATH_COUNT; p++) {
        if (i < n_cases && cases[i].path == p) {
            printf(" %7.2f", sp[i].median);
            if (p == (int)mlp_gemm_path_chosen())
                ours = i;
            i++;
        } else {
            printf(" %7s", "-");
        }
    }
#ifdef HAVE_OPENBLAS
    printf(" %7.2f %5.2f  %6.1f %6.1f", sp[n_cases - 1].median,
           paired_ratio(&sp[ours], &sp[n_cases - 1]), sp[ours].best,
           sp[n_cases - 1].best);
#else
    (void)ours;
#endif
    printf("\n");
    fflush(stdout);
    free(a);
    free(b);
    free(c);
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    double seconds = quick ? 0.005 : 0.04;

    if (argc > 2 || (argc == 2 && !quick)) {
        fprintf(stderr, "usage: bench_gemm [--quick]\n");
        return 2;
    }
    print_cpu();
    printf("GFLOP/s, median of %d runs of %.3f s each; ratio: chosen path"
           " / OpenBLAS,\nmedian of the runs' ratios; best: fastest run of"
           " each\n", N_RUNS, seconds);
    printf("%-18s %-2s %14s %7s %7s %7s", "product", "op", "m x n x k", "c",
           "avx2", "avx512");
#ifdef HAVE_OPENBLAS
    openblas_set_num_threads(1);
    printf(" %7s %5s  %6s %6s", "openbls", "ratio", "best", "bestOB");
#endif
    printf("\n");
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++)
        bench_shape(&shapes[i], seconds);
    return 0;
}
