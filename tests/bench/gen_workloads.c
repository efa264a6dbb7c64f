/* gen_workloads.c -- the benchmark's data sets, generated from a seed.
 *
 * Usage: gen_workloads KIND ROWS SEED [COLS CLASSES]
 *   moons ROWS SEED       two interleaved half circles with noise, x,y,label
 *   centroids ROWS SEED COLS CLASSES
 *                         one random centroid per class in COLS dimensions,
 *                         rows scattered around it, values in [0,1] with
 *                         three significant digits (an MNIST-like table)
 *   table ROWS SEED       20 normal features and a 0/1 label from a
 *                         nonlinear rule of them
 *   features ROWS SEED    the same 20 features without the label
 * Writes CSV with a header row to standard output.  The same arguments
 * always give the same bytes, on any machine.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_TABLE_FEATURES 20
#define MAX_COLS 100000
#define MAX_CLASSES 1000
#define PI 3.14159265358979323846

/* A splitmix64 stream: 64 random bits per step, seeded by any integer. */
typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform on [0, 1) with 53 random bits. */
static double rng_uniform(rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Standard normal by Box-Muller; the second value is dropped so that
 * every draw costs the same two uniforms. */
static double rng_normal(rng *r)
{
    double u = 1.0 - rng_uniform(r), v = rng_uniform(r);

    return sqrt(-2.0 * log(u)) * cos(2.0 * PI * v);
}

/* Two moons: class 0 on the upper half circle around (0,0), class 1 on
 * the lower one around (1,0.5), both blurred by normal noise. */
static void gen_moons(size_t rows, rng *r)
{
    const double noise = 0.2;

    printf("x,y,label\n");
    for (size_t i = 0; i < rows; i++) {
        int c = (int)(rng_next(r) & 1);
        double t = PI * rng_uniform(r), x, y;

        x = c ? 1.0 - cos(t) : cos(t);
        y = c ? 0.5 - sin(t) : sin(t);
        x += noise * rng_normal(r);
        y += noise * rng_normal(r);
        printf("%.4f,%.4f,%d\n", x, y, c);
    }
}

/* Draw the centroids: about half the pixels of each class are background
 * (0), the others a stroke of intensity 0.2 to 1. */
static float *make_centroids(size_t cols, size_t classes, rng *r)
{
    float *c = malloc(cols * classes * sizeof *c);

    if (c == NULL)
        return NULL;
    for (size_t k = 0; k < cols * classes; k++)
        c[k] = rng_uniform(r) < 0.5 ? 0.0f
                                    : (float)(0.2 + 0.8 * rng_uniform(r));
    return c;
}

/* Rows around class centroids; noise 0.35 makes the classes overlap a
 * little in low dimensions, and values below 0.05 print as a plain 0 the
 * way an image's background does. */
static int gen_centroids(size_t rows, size_t cols, size_t classes, rng *r)
{
    float *cen = make_centroids(cols, classes, r);

    if (cen == NULL)
        return -1;
    for (size_t j = 0; j < cols; j++)
        printf("p%zu,", j + 1);
    printf("label\n");
    for (size_t i = 0; i < rows; i++) {
        size_t k = (size_t)(rng_uniform(r) * (double)classes);
        const float *c = cen + k * cols;

        for (size_t j = 0; j < cols; j++) {
            double v = c[j] + 0.35 * rng_normal(r);

            v = v < 0.05 ? 0.0 : v > 1.0 ? 1.0 : v;
            if (v == 0.0)
                fputs("0,", stdout);
            else
                printf("%.3g,", v);
        }
        printf("%zu\n", k);
    }
    free(cen);
    return 0;
}

/* The 0/1 label of a table row: a product, a sine and a square of the
 * first features, plus noise, so no linear model gets it all right. */
static int table_label(const double *x, rng *r)
{
    double s = x[0] * x[1] + sin(2.0 * x[2]) + 0.5 * x[3]
               - 0.3 * x[4] * x[4] + 0.3 + 0.3 * rng_normal(r);

    return s > 0;
}

/* Rows of 20 normal features, with or without the label column. */
static void gen_table(size_t rows, int labelled, rng *r)
{
    double x[N_TABLE_FEATURES];

    for (size_t j = 0; j < N_TABLE_FEATURES; j++)
        printf(j ? ",x%zu" : "x%zu", j + 1);
    printf(labelled ? ",label\n" : "\n");
    for (size_t i = 0; i < rows; i++) {
        for (size_t j = 0; j < N_TABLE_FEATURES; j++) {
            x[j] = rng_normal(r);
            printf(j ? ",%.5f" : "%.5f", x[j]);
        }
        if (labelled)
            printf(",%d", table_label(x, r));
        putchar('\n');
    }
}

/* Parse a whole decimal number in [lo, hi]. Returns 0 or -1. */
static int parse_size(const char *s, size_t lo, size_t hi, size_t *out)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || *s == '-' || v < lo ||
        v > hi)
        return -1;
    *out = (size_t)v;
    return 0;
}

static int usage(void)
{
    fputs("usage: gen_workloads moons|table|features ROWS SEED\n"
          "       gen_workloads centroids ROWS SEED COLS CLASSES\n", stderr);
    return 64;
}

int main(int argc, char **argv)
{
    size_t rows, seed, cols = 0, classes = 0;
    rng r;
    int rc = 0;

    /* arguments */
    if (argc < 4 || parse_size(argv[2], 1, (size_t)1 << 32, &rows) != 0 ||
        parse_size(argv[3], 0, SIZE_MAX, &seed) != 0)
        return usage();
    if (strcmp(argv[1], "centroids") == 0 &&
        (argc != 6 || parse_size(argv[4], 1, MAX_COLS, &cols) != 0 ||
         parse_size(argv[5], 2, MAX_CLASSES, &classes) != 0))
        return usage();
    r.s = (uint64_t)seed;

    /* the data set */
    if (strcmp(argv[1], "moons") == 0 && argc == 4)
        gen_moons(rows, &r);
    else if (strcmp(argv[1], "centroids") == 0)
        rc = gen_centroids(rows, cols, classes, &r);
    else if (strcmp(argv[1], "table") == 0 && argc == 4)
        gen_table(rows, 1, &r);
    else if (strcmp(argv[1], "features") == 0 && argc == 4)
        gen_table(rows, 0, &r);
    else
        return usage();

    /* a short write (full disk, closed pipe) must not pass as data */
    if (rc != 0)
        fputs("gen_workloads: out of memory\n", stderr);
    if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
        fprintf(stderr, "gen_workloads: write error: %s\n", strerror(errno));
        rc = 1;
    }
    return rc ? 1 : 0;
}
