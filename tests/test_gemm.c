/* test_gemm.c -- every matrix-product path against the reference loop.
 *
 * For each path this CPU can run, all four transpose combinations, beta
 * 0 and 1, a grid of small odd sizes, shapes that cross the blocking
 * boundaries and the layer shapes are compared with mlp_gemm_ref.
 * Matrices are stored with padded row strides; A and B are allocated to
 * the last element they hold, so that a sanitizer sees any read past
 * them, and C's padding holds a sentinel that must survive.  With beta 0
 * C starts as NaN, which must not leak into the result.  The product
 * shared by a pool of workers must give the very bits of mlp_gemm.
 */
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "engine/gemm.h"
#include "engine/gemm_impl.h"
#include "engine/pool.h"

#define SENTINEL 12345.0f

/* One product to test: shape, transposes, beta and stride padding. */
struct shape {
    size_t m, n, k;
    int trans_a, trans_b;
    float beta;
    size_t pad;
};

/* Matrices of one test case, with their strides. */
struct operands {
    float *a, *b, *c0, *want, *bound;
    size_t lda, ldb, ldc;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

/* Returns a pseudo-random float in [-1, 1). */
static float rng_float(void)
{
    rng_state = rng_state * 6364136223846793005u + 1442695040888963407u;
    return (float)((rng_state >> 40) / (double)(1u << 23)) - 1.0f;
}

/* Returns a rows x cols matrix with stride ld, allocated exactly up to
 * its last element, filled with random numbers. */
static float *random_matrix(size_t rows, size_t cols, size_t ld)
{
    size_t len = (rows - 1) * ld + cols;
    float *x = malloc(len * sizeof *x);

    if (!x) {
        fprintf(stderr, "test_gemm: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < len; i++)
        x[i] = rng_float();
    return x;
}

/* Build the operands of s: random A and B, the initial C (NaN inside
 * and sentinels in the padding when beta is 0), the reference result,
 * and the error scale sum_p |a(i,p)| |b(p,j)| + |c(i,j)|. */
static void make_operands(const struct shape *s, struct operands *o)
{
    size_t ar = s->trans_a ? s->k : s->m, ac = s->trans_a ? s->m : s->k;
    size_t br = s->trans_b ? s->n : s->k, bc = s->trans_b ? s->k : s->n;

    o->lda = ac + s->pad;
    o->ldb = bc + 2 * s->pad;
    o->ldc = s->n + 3 * s->pad;
    o->a = random_matrix(ar, ac, o->lda);
    o->b = random_matrix(br, bc, o->ldb);
    o->c0 = random_matrix(s->m, o->ldc, o->ldc);
    o->bound = malloc(s->m * s->n * sizeof *o->bound);
    o->want = malloc(s->m * o->ldc * sizeof *o->want);
    if (!o->bound || !o->want) {
        fprintf(stderr, "test_gemm: out of memory\n");
        exit(1);
    }

    /* C: sentinels past column n; NaN inside when it must not be read */
    for (size_t i = 0; i < s->m; i++)
        for (size_t j = 0; j < o->ldc; j++)
            if (j >= s->n)
                o->c0[i * o->ldc + j] = SENTINEL;
            else if (s->beta == 0.0f)
                o->c0[i * o->ldc + j] = NAN;
    memcpy(o->want, o->c0, s->m * o->ldc * sizeof *o->want);
    mlp_gemm_ref(s->trans_a, s->trans_b, s->m, s->n, s->k, o->a, o->lda,
                 o->b, o->ldb, s->beta, o->want, o->ldc);
}

/* Fill o->bound with the scale of the rounding error of each element. */
static void make_bound(const struct shape *s, struct operands *o)
{
    for (size_t i = 0; i < s->m; i++)
        for (size_t j = 0; j < s->n; j++) {
            double sum = s->beta != 0.0f ? fabs(o->c0[i * o->ldc + j]) : 0;

            for (size_t p = 0; p < s->k; p++) {
                float av = s->trans_a ? o->a[p * o->lda + i]
                                      : o->a[i * o->lda + p];
                float bv = s->trans_b ? o->b[j * o->ldb + p]
                                      : o->b[p * o->ldb + j];
                sum += fabs((double)av * bv);
            }
            o->bound[i * s->n + j] = (float)sum;
        }
}

static void free_operands(struct operands *o)
{
    free(o->a);
    free(o->b);
    free(o->c0);
    free(o->want);
    free(o->bound);
}

/* Returns how many elements of got differ from the reference by more
 * than (k + 2) eps times their error scale, or whose padding changed. */
static size_t count_bad(const struct shape *s, const struct operands *o,
                        const float *got)
{
    double eps = (s->k + 2) * (double)FLT_EPSILON;
    size_t bad = 0;

    for (size_t i = 0; i < s->m; i++)
        for (size_t j = 0; j < o->ldc; j++) {
            float g = got[i * o->ldc + j], w = o->want[i * o->ldc + j];

            if (j >= s->n)
                bad += g != SENTINEL;
            else
                bad += !(fabs((double)g - w) <=
                         eps * o->bound[i * s->n + j]);
        }
    return bad;
}

/* Run shape s through every available path and plan; one check each. */
static void check_shape(const struct shape *s)
{
    struct operands o;
    float *got;

    make_operands(s, &o);
    make_bound(s, &o);
    got = malloc(s->m * o.ldc * sizeof *got);
    if (!got)
        exit(1);
    for (int run = 0; run < 3 * MLP_GEMM_PATH_COUNT; run++) {
        enum mlp_gemm_path path = (enum mlp_gemm_path)(run / 3);
        enum mlp_gemm_plan plan = (enum mlp_gemm_plan)(run % 3);

        if (path == MLP_GEMM_PATH_REF || !mlp_gemm_path_available(path))
            continue;
        memcpy(got, o.c0, s->m * o.ldc * sizeof *got);
        mlp_gemm_path_run(path, plan, s->trans_a, s->trans_b, s->m, s->n,
                          s->k, o.a, o.lda, o.b, o.ldb, s->beta, got,
                          o.ldc);
        CHECKF(count_bad(s, &o, got) == 0,
               "%s plan %d %c%c m=%zu n=%zu k=%zu beta=%g pad=%zu",
               mlp_gemm_path_name(path), (int)plan,
               s->trans_a ? 'T' : 'N', s->trans_b ? 'T' : 'N', s->m, s->n,
               s->k, (double)s->beta, s->pad);
    }
    free(got);
    free_operands(&o);
}

/* Every transpose and beta of one size. */
static void check_all_modes(size_t m, size_t n, size_t k, size_t pad)
{
    for (int mode = 0; mode < 8; mode++) {
        struct shape s = {m, n, k, mode & 1, (mode >> 1) & 1,
                          (float)(mode >> 2), pad};

        check_shape(&s);
    }
}

/* Small and odd sizes: a grid around the tile widths 4, 6, 8, 16, 32. */
static void test_small_grid(void)
{
    static const size_t dims[] = {1, 2, 3, 5, 7, 8, 13, 16, 17, 31, 33, 37};
    size_t n_dims = sizeof dims / sizeof *dims;

    for (size_t x = 0; x < n_dims; x++)
        for (size_t y = 0; y < n_dims; y++)
            for (size_t z = 0; z < n_dims; z += 2)
                check_all_modes(dims[x], dims[y], dims[(z + x) % n_dims],
                                (x + y + z) % 3);
}

/* Sizes that cross the blocking: several k slices and row blocks, row
 * counts at or below a tile, long thin products. */
static void test_blocking(void)
{
    check_all_modes(130, 67, 300, 1);
    check_all_modes(300, 33, 520, 0);
    check_all_modes(257, 45, 257, 3);
    check_all_modes(3, 200, 700, 2);
    check_all_modes(8, 64, 100, 0);
    check_all_modes(200, 1, 300, 1);
    check_all_modes(1, 300, 1, 0);
}

/* The products of a 784-512-512-10 network with batch 128, as the
 * layers call them, and those of tiny networks. */
static void test_layer_shapes(void)
{
    static const struct shape layers[] = {
        {128, 512, 784, 0, 0, 0.0f, 0}, {784, 512, 128, 1, 0, 1.0f, 0},
        {128, 784, 512, 0, 1, 0.0f, 0}, {128, 10, 512, 0, 0, 0.0f, 0},
        {512, 10, 128, 1, 0, 0.0f, 0},  {128, 512, 10, 0, 1, 0.0f, 0},
        {32, 2, 2, 0, 0, 0.0f, 0},      {2, 2, 32, 1, 0, 1.0f, 0},
        {32, 2, 2, 0, 1, 0.0f, 0},      {32, 1, 2, 0, 0, 0.0f, 0},
        {64, 128, 64, 0, 0, 0.0f, 0},   {64, 10, 128, 0, 0, 1.0f, 0},
        {128, 10, 64, 1, 0, 0.0f, 0},   {64, 128, 10, 0, 1, 0.0f, 0},
    };

    for (size_t i = 0; i < sizeof layers / sizeof *layers; i++)
        check_shape(&layers[i]);
}

/* Empty products: k = 0 sets C to beta C; m or n = 0 touches nothing. */
static void test_empty(void)
{
    float a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8};

    for (int run = 0; run < 3 * MLP_GEMM_PATH_COUNT; run++) {
        enum mlp_gemm_path path = (enum mlp_gemm_path)(run / 3);
        enum mlp_gemm_plan plan = (enum mlp_gemm_plan)(run % 3);
        float c[4] = {NAN, NAN, NAN, SENTINEL};

        if (!mlp_gemm_path_available(path))
            continue;
        mlp_gemm_path_run(path, plan, 0, 1, 1, 3, 0, a, 1, b, 1, 0.0f, c,
                          3);
        CHECK(c[0] == 0.0f && c[1] == 0.0f && c[2] == 0.0f);
        CHECK(c[3] == SENTINEL);
        mlp_gemm_path_run(path, plan, 1, 0, 1, 3, 0, a, 1, b, 3, 1.0f, c,
                          3);
        CHECK(c[0] == 0.0f && c[1] == 0.0f && c[2] == 0.0f);
        mlp_gemm_path_run(path, plan, 0, 0, 0, 2, 2, a, 2, b, 2, 0.0f, c,
                          2);
        mlp_gemm_path_run(path, plan, 0, 0, 2, 0, 2, a, 2, b, 2, 0.0f, c,
                          2);
        CHECK(c[0] == 0.0f && c[3] == SENTINEL);
    }
}

/* Arguments of one threaded product. */
struct job {
    const struct operands *o;
    const struct shape *s;
    float *c;
};

static void *run_job(void *arg)
{
    struct job *j = arg;

    mlp_gemm(j->s->trans_a, j->s->trans_b, j->s->m, j->s->n, j->s->k,
             j->o->a, j->o->lda, j->o->b, j->o->ldb, 0.0f, j->c, j->o->ldc);
    return NULL;
}

/* mlp_gemm gives the same bits whether called alone or from two threads
 * at once, and those bits agree with the reference. */
static void test_threads(void)
{
    struct shape s = {150, 100, 300, 0, 1, 0.0f, 0};
    struct operands o;
    size_t len = s.m * s.n * sizeof(float);
    float *c[3] = {malloc(len), malloc(len), malloc(len)};
    struct job jobs[2] = {{&o, &s, c[1]}, {&o, &s, c[2]}};
    pthread_t t[2];

    make_operands(&s, &o);
    make_bound(&s, &o);
    if (!c[0] || !c[1] || !c[2])
        exit(1);
    run_job(&(struct job){&o, &s, c[0]});
    CHECK(count_bad(&s, &o, c[0]) == 0);
    for (int i = 0; i < 2; i++)
        CHECK(pthread_create(&t[i], NULL, run_job, &jobs[i]) == 0);
    for (int i = 0; i < 2; i++)
        CHECK(pthread_join(t[i], NULL) == 0);
    CHECK(memcmp(c[0], c[1], len) == 0);
    CHECK(memcmp(c[0], c[2], len) == 0);
    for (int i = 0; i < 3; i++)
        free(c[i]);
    free_operands(&o);
}

/* What the panels' epilogue saw: a copy of C as each panel was handed
 * over, and how often each element was. */
struct seen {
    const float *c;
    size_t ldc;
    float *copy;
    unsigned char *count;
    size_t n;
};

/* mlp_gemm_then's fn: copy the panel and count its elements. */
static void see_panel(void *ctx, size_t i0, size_t m, size_t j0, size_t n)
{
    struct seen *s = ctx;

    for (size_t i = i0; i < i0 + m; i++)
        for (size_t j = j0; j < j0 + n; j++) {
            s->copy[i * s->n + j] = s->c[i * s->ldc + j];
            s->count[i * s->n + j]++;
        }
}

/* mlp_gemm_par on pool (NULL for none) gives mlp_gemm's bits, and hands
 * every element of C to the epilogue once, after it is final. */
static void check_par(const struct shape *s, mlp_pool *pool,
                      size_t workers)
{
    struct operands o;
    size_t len = s->m * (s->n + 3 * s->pad), mn = s->m * s->n, bad = 0;
    float *want = malloc(len * sizeof *want), *got = malloc(len * 4);
    struct seen seen = {got, 0, malloc(mn * 4), calloc(mn, 1), s->n};
    mlp_gemm_then then = {see_panel, &seen};

    make_operands(s, &o);
    if (!want || !got || !seen.copy || !seen.count)
        exit(1);
    seen.ldc = o.ldc;
    memcpy(want, o.c0, len * sizeof *want);
    memcpy(got, o.c0, len * sizeof *got);
    mlp_gemm(s->trans_a, s->trans_b, s->m, s->n, s->k, o.a, o.lda, o.b,
             o.ldb, s->beta, want, o.ldc);
    mlp_gemm_par(pool, &then, s->trans_a, s->trans_b, s->m, s->n, s->k,
                 o.a, o.lda, o.b, o.ldb, s->beta, got, o.ldc);
    for (size_t i = 0; i < s->m; i++)
        for (size_t j = 0; j < s->n; j++)
            bad += seen.count[i * s->n + j] != 1
                   || memcmp(&seen.copy[i * s->n + j], &got[i * o.ldc + j],
                             4) != 0;
    CHECKF(memcmp(want, got, len * sizeof *got) == 0 && bad == 0,
           "%zu workers %c%c m=%zu n=%zu k=%zu: %zu bad", workers,
           s->trans_a ? 'T' : 'N', s->trans_b ? 'T' : 'N', s->m, s->n,
           s->k, bad);
    free(want);
    free(got);
    free(seen.copy);
    free(seen.count);
    free_operands(&o);
}

/* The product on 1, 2 and 3 workers: the bits of mlp_gemm, for the
 * layer shapes (packed, cut by rows or by columns), unpacked ones, odd
 * sizes, those too small to share, and 10 x 260 x 500, packed in slices
 * of k, whose last panel alone would be small enough to run unpacked. */
static void test_par(void)
{
    static const struct shape shapes[] = {
        {128, 512, 784, 0, 0, 0.0f, 0}, {784, 512, 128, 1, 0, 0.0f, 0},
        {128, 784, 512, 0, 1, 0.0f, 0}, {128, 10, 512, 0, 0, 0.0f, 0},
        {512, 10, 128, 1, 0, 0.0f, 0},  {128, 512, 10, 0, 1, 0.0f, 0},
        {50, 512, 784, 0, 0, 0.0f, 1},  {784, 512, 50, 1, 0, 1.0f, 0},
        {50, 784, 512, 0, 1, 0.0f, 2},  {64, 128, 64, 0, 0, 0.0f, 0},
        {64, 128, 10, 0, 1, 0.0f, 0},   {128, 10, 64, 1, 0, 0.0f, 0},
        {97, 131, 300, 0, 0, 1.0f, 1},  {300, 97, 131, 1, 1, 0.0f, 3},
        {257, 45, 257, 0, 1, 0.0f, 0},  {33, 700, 37, 1, 0, 0.0f, 1},
        {5, 7, 3, 0, 0, 0.0f, 0},       {1, 300, 1, 0, 1, 1.0f, 0},
        {10, 260, 500, 0, 0, 0.0f, 0},  {10, 260, 500, 1, 1, 1.0f, 2},
        {128, 128, 784, 0, 0, 0.0f, 0}, {128, 784, 128, 0, 1, 0.0f, 0},
    };
    mlp_pool *pools[3] = {NULL, NULL, NULL};

    for (size_t w = 2; w <= 3; w++)
        CHECK(mlp_pool_new(&pools[w - 1], w, NULL) == MLP_STATUS_OK);
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++)
        for (size_t w = 1; w <= 3; w++)
            check_par(&shapes[i], pools[w - 1], w);
    for (size_t w = 2; w <= 3; w++)
        mlp_pool_free(pools[w - 1]);
}

/* The path table: names, availability, the chosen path. */
static void test_paths(void)
{
    enum mlp_gemm_path chosen = mlp_gemm_path_chosen();

    CHECK(mlp_gemm_path_available(MLP_GEMM_PATH_REF));
    CHECK(mlp_gemm_path_available(MLP_GEMM_PATH_C));
    CHECK(mlp_gemm_path_available(chosen));
    CHECK_STR(mlp_gemm_path_name(MLP_GEMM_PATH_AVX512), "avx512");
    CHECK_STR(mlp_gemm_path_name(MLP_GEMM_PATH_COUNT), "?");
    if (!getenv("MLP_GEMM"))
        for (int p = chosen + 1; p < MLP_GEMM_PATH_COUNT; p++)
            CHECKF(!mlp_gemm_path_available((enum mlp_gemm_path)p),
                   "chose %s over %s", mlp_gemm_path_name(chosen),
                   mlp_gemm_path_name((enum mlp_gemm_path)p));
    for (int p = MLP_GEMM_PATH_C; p < MLP_GEMM_PATH_COUNT; p++)
        fprintf(stderr, "path %s: %s%s\n",
                mlp_gemm_path_name((enum mlp_gemm_path)p),
                mlp_gemm_path_available((enum mlp_gemm_path)p) ? "tested"
                                                               : "absent",
                p == (int)chosen ? " (chosen)" : "");
}

int main(void)
{
    test_paths();
    test_empty();
    test_small_grid();
    test_blocking();
    test_layer_shapes();
    test_threads();
    test_par();
    return check_done("test_gemm");
}
