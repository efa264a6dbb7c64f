/* gemm.c -- the matrix product used by the layers: blocking and dispatch.
 *
 * Large products follow the classic three-level blocking: the k range is
 * cut into slices of depth kc, the rows of C into blocks of mc; each
 * mc x kc block of op(A) is packed once (it stays in the L2 cache) and
 * each kc x nr strip of op(B) is packed once per block and then swept
 * by the micro-kernel down all the block's row tiles.  Slices and blocks
 * are balanced (784 = 4 x 196, not 3 x 256 + 16) so that no pass is a
 * sliver.  Small products, and those with a single tile's worth of rows
 * or columns, skip the packing: their operands already sit in the cache
 * or are read only once, and copying would cost as much as the
 * arithmetic.
 *
 * The packing buffers live on the stack (about 160 KB), so concurrent
 * callers share nothing and no call allocates.
 *
 * mlp_gemm_par shares one product out among a pool's workers without
 * changing a bit of it.  An element of C is a sum along k taken by one
 * tile kernel, in one register lane, slice after slice of k; the lane,
 * the tile's place and the packing do not change the sum, only the depth
 * of the slices does, and that depends on k alone.  So the product's mode
 * (unpacked or packed) is chosen once for its whole shape, C is cut into
 * panels by a rule of the shape alone, and each panel is computed in that
 * mode as a product of its own: every element is the same bits as
 * mlp_gemm gives, whichever worker computes it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine/gemm.h"
#include "engine/gemm_impl.h"
#include "engine/pool.h"

/* Products of at most this many multiply-adds run unpacked. */
#define DIRECT_MAX_MNK (64.0 * 64.0 * 128.0)

/* Largest k x n that an unpacked A B^T copies B^T into (32 KB). */
#define DIRECT_MAX_BT 8192

/* Products on a pool: fewer multiply-adds than this run on the caller
 * alone; panels of C are at most this many rows or columns. */
#define PAR_MIN_MNK (64.0 * 64.0 * 32.0)
#define PANEL_ROWS 64
#define PANEL_COLS 64
#define PANEL_COLS_PACKED 256

/* The operands of one call, so that helpers take one pointer. */
struct gemm_args {
    int trans_a, trans_b;
    size_t m, n, k;
    const float *a, *b;
    size_t lda, ldb, ldc;
    int accumulate;
    float *c;
};

static size_t min_size(size_t x, size_t y)
{
    return x < y ? x : y;
}

/* Returns n / d rounded up; d > 0. */
static size_t div_up(size_t n, size_t d)
{
    return n / d + (n % d != 0);
}

/* Returns the step that cuts n into the fewest pieces of at most max,
 * all about equal, rounded up to a multiple of unit (max is one). */
static size_t balanced_step(size_t n, size_t max, size_t unit)
{
    size_t pieces = div_up(n, max);

    return div_up(div_up(n, pieces), unit) * unit;
}

void mlp_gemm_pack_straight(const float *src, size_t ld, size_t cols,
                            size_t kc, size_t width, float *dst)
{
    for (size_t p = 0; p < kc; p++) {
        for (size_t j = 0; j < cols; j++)
            dst[p * width + j] = src[p * ld + j];
        for (size_t j = cols; j < width; j++)
            dst[p * width + j] = 0.0f;
    }
}

/* Rows of src outermost: reading down a column of a power-of-two
 * stride would keep hitting the same few cache sets. */
void mlp_gemm_pack_transposed(const float *src, size_t ld, size_t cols,
                              size_t kc, size_t width, float *dst)
{
    for (size_t j = 0; j < width; j++) {
        const float *row = j < cols ? src + j * ld : NULL;

        for (size_t p = 0; p < kc; p++)
            dst[p * width + j] = row ? row[p] : 0.0f;
    }
}

/* Pack rows [i0, i0 + mc) x depth [p0, p0 + kc) of op(A) into mr-row
 * panels, zero rows past the block's end. */
static void pack_a(const struct mlp_gemm_kernel *kern,
                   const struct gemm_args *g, size_t i0, size_t mc,
                   size_t p0, size_t kc, float *pa)
{
    for (size_t ir = 0; ir < mc; ir += kern->mr, pa += kc * kern->mr) {
        size_t rows = min_size(kern->mr, mc - ir);

        /* A^T: depth p of the panel is part of row p of A */
        if (g->trans_a)
            kern->pack_straight(g->a + p0 * g->lda + i0 + ir, g->lda, rows,
                                kc, kern->mr, pa);
        else
            kern->pack_transposed(g->a + (i0 + ir) * g->lda + p0, g->lda,
                                  rows, kc, kern->mr, pa);
    }
}

/* Pack columns [j0, j0 + nc) x depth [p0, p0 + kc) of op(B) into one
 * strip width wide, zero columns past nc. */
static void pack_b(const struct mlp_gemm_kernel *kern,
                   const struct gemm_args *g, size_t width, size_t j0,
                   size_t nc, size_t p0, size_t kc, float *pb)
{
    /* B^T: column j of op(B) is part of row j of B */
    if (g->trans_b)
        kern->pack_transposed(g->b + j0 * g->ldb + p0, g->ldb, nc, kc,
                              width, pb);
    else
        kern->pack_straight(g->b + p0 * g->ldb + j0, g->ldb, nc, kc, width,
                            pb);
}

/* Ask the cache for depths [p, p_end) of the strip of B (not B^T,
 * whose strips are runs along rows of B that the hardware prefetches
 * well by itself) that starts at column j0, nc wide: one short piece of
 * each of rows far apart. */
static void prefetch_b(const struct gemm_args *g, size_t j0, size_t nc,
                       size_t p, size_t p_end)
{
    for (; p < p_end; p++) {
        const float *row = g->b + p * g->ldb + j0;

        __builtin_prefetch(row, 0, 2);
        __builtin_prefetch(row + nc - 1, 0, 2);
    }
}

/* Sweep one packed mc x kc block of A against all of op(B)'s columns,
 * tile by tile; accumulate says whether C already holds a partial sum.
 * While a strip's tiles run, the next strip of B is fetched, a share of
 * its depth a tile: B may have just been written by the optimiser and
 * be far from the cache. */
static void run_block(const struct mlp_gemm_kernel *kern,
                      const struct gemm_args *g, const float *pa,
                      size_t i0, size_t mc, size_t p0, size_t kc,
                      int accumulate, float *pb)
{
    size_t n_tiles = div_up(mc, kern->mr), share = div_up(kc, n_tiles);

    for (size_t j0 = 0; j0 < g->n; j0 += kern->nr) {
        size_t nc = min_size(kern->nr, g->n - j0);
        size_t width = nc <= kern->nr_narrow ? kern->nr_narrow : kern->nr;
        size_t next = j0 + kern->nr, p = p0, p_end = p0 + kc;

        /* the strip after this one: beside it, or the first of the
         * next slice */
        if (next >= g->n) {
            next = 0;
            p = p0 + kc;
            p_end = min_size(p0 + 2 * kc, g->k);
        }
        pack_b(kern, g, width, j0, nc, p0, kc, pb);
        for (size_t ir = 0; ir < mc; ir += kern->mr, p += share) {
            float *c = g->c + (i0 + ir) * g->ldc + j0;

            if (!g->trans_b && p < p_end)
                prefetch_b(g, next, min_size(kern->nr, g->n - next), p,
                           min_size(p + share, p_end));
            kern->tile(kc, pa + ir * kc, pb, c, g->ldc,
                       min_size(kern->mr, mc - ir), nc, accumulate);
        }
    }
}

/* The depth of the k slices, which alone decides how a packed product
 * rounds, and the rows a block; returns the depth. */
static size_t packed_steps(const struct mlp_gemm_kernel *kern,
                           const struct gemm_args *g, size_t *mc_step)
{
    size_t kc_step = balanced_step(g->k, kern->kc, 1);
    size_t mc_max = kern->mc * kern->kc / kc_step / kern->mr * kern->mr;

    *mc_step = balanced_step(g->m, mc_max, kern->mr);
    return kc_step;
}

/* The blocked product with packing, for operands too big for the cache. */
static void run_packed(const struct mlp_gemm_kernel *kern,
                       const struct gemm_args *g)
{
    _Alignas(64) float pa[MLP_GEMM_MAX_MC * MLP_GEMM_MAX_KC];
    _Alignas(64) float pb[MLP_GEMM_MAX_KC * MLP_GEMM_MAX_NR];
    size_t mc_step, kc_step = packed_steps(kern, g, &mc_step);

    for (size_t p0 = 0; p0 < g->k; p0 += kc_step) {
        size_t kc = min_size(kc_step, g->k - p0);
        int accumulate = g->accumulate || p0 > 0;

        for (size_t i0 = 0; i0 < g->m; i0 += mc_step) {
            size_t mc = min_size(mc_step, g->m - i0);

            pack_a(kern, g, i0, mc, p0, kc, pa);
            run_block(kern, g, pa, i0, mc, p0, kc, accumulate, pb);
        }
    }
}

/* The product from op(A) and op(B) in place, b rows ldb apart (op(B)
 * not transposed); strips of nr columns outermost so each stays hot. */
static void run_direct(const struct mlp_gemm_kernel *kern,
                       const struct gemm_args *g, const float *b,
                       size_t ldb)
{
    size_t a_rs = g->trans_a ? 1 : g->lda;
    size_t a_cs = g->trans_a ? g->lda : 1;

    for (size_t j0 = 0; j0 < g->n; j0 += kern->nr) {
        size_t nc = min_size(kern->nr, g->n - j0);

        for (size_t i0 = 0; i0 < g->m; i0 += kern->mr) {
            kern->direct(g->k, g->a + i0 * a_rs, a_rs, a_cs, b + j0, ldb,
                         g->c + i0 * g->ldc + j0, g->ldc,
                         min_size(kern->mr, g->m - i0), nc, g->accumulate);
        }
    }
}

/* A small product with B^T: copy B^T (k x n) once, then run unpacked. */
static void run_direct_bt(const struct mlp_gemm_kernel *kern,
                          const struct gemm_args *g)
{
    float bt[DIRECT_MAX_BT];

    for (size_t j = 0; j < g->n; j++)
        for (size_t p = 0; p < g->k; p++)
            bt[p * g->n + j] = g->b[j * g->ldb + p];
    run_direct(kern, g, bt, g->n);
}

/* Handles empty shapes; returns 1 when C is already final. */
static int run_trivial(const struct gemm_args *g)
{
    if (g->m == 0 || g->n == 0)
        return 1;
    if (g->k != 0)
        return 0;

    /* an empty sum: C = beta C */
    if (!g->accumulate)
        for (size_t i = 0; i < g->m; i++)
            memset(g->c + i * g->ldc, 0, g->n * sizeof *g->c);
    return 1;
}

/* Returns whether plan, or else the product's size, says to skip the
 * packing. */
static int is_direct(const struct mlp_gemm_kernel *kern,
                     const struct gemm_args *g, enum mlp_gemm_plan plan)
{
    double mnk = (double)g->m * (double)g->n * (double)g->k;

    if (plan != MLP_GEMM_PLAN_AUTO)
        return plan == MLP_GEMM_PLAN_DIRECT;
    return mnk <= DIRECT_MAX_MNK || g->m <= kern->mr || g->n <= kern->nr;
}

/* How a product is computed, settled once for its whole shape. */
enum mode {
    MODE_REF,           /* mlp_gemm_ref */
    MODE_DIRECT,        /* unpacked */
    MODE_DIRECT_BT,     /* unpacked, after copying B^T */
    MODE_PACKED
};

/* Returns the mode of a product on kern (NULL for the reference) that
 * plan, or else the product's size, calls for; k > 0. */
static enum mode choose_mode(const struct mlp_gemm_kernel *kern,
                             const struct gemm_args *g,
                             enum mlp_gemm_plan plan)
{
    int direct;

    if (kern == NULL)
        return MODE_REF;
    direct = is_direct(kern, g, plan);
    if (direct && !g->trans_b)
        return MODE_DIRECT;
    if (direct && g->n <= DIRECT_MAX_BT / g->k)
        return MODE_DIRECT_BT;
    return MODE_PACKED;
}

/* Compute g in the given mode; the mode of a panel is its product's. */
static void run_mode(const struct mlp_gemm_kernel *kern,
                     const struct gemm_args *g, enum mode mode)
{
    switch (mode) {
    case MODE_REF:
        mlp_gemm_ref(g->trans_a, g->trans_b, g->m, g->n, g->k, g->a,
                     g->lda, g->b, g->ldb, g->accumulate ? 1.0f : 0.0f,
                     g->c, g->ldc);
        break;
    case MODE_DIRECT:
        run_direct(kern, g, g->b, g->ldb);
        break;
    case MODE_DIRECT_BT:
        run_direct_bt(kern, g);
        break;
    case MODE_PACKED:
        run_packed(kern, g);
        break;
    }
}

/* mlp_gemm with the given kernel table: pick unpacked or packed. */
static void run_kernel(const struct mlp_gemm_kernel *kern,
                       const struct gemm_args *g, enum mlp_gemm_plan plan)
{
    if (run_trivial(g))
        return;
    run_mode(kern, g, choose_mode(kern, g, plan));
}

/* Returns the kernel table of a path other than the reference. */
static const struct mlp_gemm_kernel *path_kernel(enum mlp_gemm_path path)
{
#ifdef MLP_GEMM_HAVE_X86
    if (path == MLP_GEMM_PATH_AVX512)
        return &mlp_gemm_kernel_avx512;
    if (path == MLP_GEMM_PATH_AVX2)
        return &mlp_gemm_kernel_avx2;
#endif
    (void)path;
    return &mlp_gemm_kernel_c;
}

int mlp_gemm_path_available(enum mlp_gemm_path path)
{
    switch (path) {
    case MLP_GEMM_PATH_REF:
    case MLP_GEMM_PATH_C:
        return 1;
#ifdef MLP_GEMM_HAVE_X86
    case MLP_GEMM_PATH_AVX2:
        return __builtin_cpu_supports("avx2") &&
               __builtin_cpu_supports("fma");
    case MLP_GEMM_PATH_AVX512:
        return __builtin_cpu_supports("avx512f") &&
               __builtin_cpu_supports("avx512vl") &&
               __builtin_cpu_supports("avx512dq");
#endif
    default:
        return 0;
    }
}

const char *mlp_gemm_path_name(enum mlp_gemm_path path)
{
    static const char *const names[MLP_GEMM_PATH_COUNT] = {
        [MLP_GEMM_PATH_REF] = "ref",
        [MLP_GEMM_PATH_C] = "c",
        [MLP_GEMM_PATH_AVX2] = "avx2",
        [MLP_GEMM_PATH_AVX512] = "avx512",
    };

    return (unsigned)path < MLP_GEMM_PATH_COUNT ? names[path] : "?";
}

static pthread_once_t chosen_once = PTHREAD_ONCE_INIT;
static enum mlp_gemm_path chosen;

/* Set chosen: MLP_GEMM if it names an available path, else the fastest
 * path this CPU has. */
static void choose_path(void)
{
    const char *want = getenv("MLP_GEMM");

    for (int p = MLP_GEMM_PATH_COUNT - 1; p >= 0; p--) {
        enum mlp_gemm_path path = (enum mlp_gemm_path)p;

        if (want && strcmp(want, mlp_gemm_path_name(path)) == 0 &&
            mlp_gemm_path_available(path)) {
            chosen = path;
            return;
        }
    }
    chosen = MLP_GEMM_PATH_C;
    for (int p = MLP_GEMM_PATH_COUNT - 1; p > MLP_GEMM_PATH_C; p--)
        if (mlp_gemm_path_available((enum mlp_gemm_path)p)) {
            chosen = (enum mlp_gemm_path)p;
            return;
        }
}

enum mlp_gemm_path mlp_gemm_path_chosen(void)
{
    pthread_once(&chosen_once, choose_path);
    return chosen;
}

/* mlp_gemm_path_run without the check that path is available. */
static void run_path(enum mlp_gemm_path path, enum mlp_gemm_plan plan,
                     int trans_a, int trans_b, size_t m, size_t n, size_t k,
                     const float *a, size_t lda, const float *b, size_t ldb,
                     float beta, float *c, size_t ldc)
{
    struct gemm_args g = {
        .trans_a = trans_a != 0, .trans_b = trans_b != 0,
        .m = m, .n = n, .k = k, .a = a, .b = b,
        .lda = lda, .ldb = ldb, .ldc = ldc,
        .accumulate = beta != 0.0f, .c = c,
    };

    if (path == MLP_GEMM_PATH_REF) {
        mlp_gemm_ref(trans_a, trans_b, m, n, k, a, lda, b, ldb, beta, c,
                     ldc);
        return;
    }
    run_kernel(path_kernel(path), &g, plan);
}

void mlp_gemm_path_run(enum mlp_gemm_path path, enum mlp_gemm_plan plan,
                       int trans_a, int trans_b, size_t m, size_t n,
                       size_t k, const float *a, size_t lda, const float *b,
                       size_t ldb, float beta, float *c, size_t ldc)
{
    if (!mlp_gemm_path_available(path))
        path = MLP_GEMM_PATH_REF;
    run_path(path, plan, trans_a, trans_b, m, n, k, a, lda, b, ldb, beta, c,
             ldc);
}

void mlp_gemm(int trans_a, int trans_b, size_t m, size_t n, size_t k,
              const float *a, size_t lda, const float *b, size_t ldb,
              float beta, float *c, size_t ldc)
{
    run_path(mlp_gemm_path_chosen(), MLP_GEMM_PLAN_AUTO, trans_a, trans_b,
             m, n, k, a, lda, b, ldb, beta, c, ldc);
}

/* ---- the product on a pool: fixed panels of C ---- */

/* One product cut into panels: rows [t step, (t+1) step) of C for panel
 * t, or columns when not by_rows. */
struct par_job {
    const struct mlp_gemm_kernel *kern;     /* NULL for the reference */
    const struct gemm_args *g;
    enum mode mode;
    int by_rows;
    size_t step, n_panels;
    const mlp_gemm_then *then;
};

/* Cut C by a rule of the shape alone: a packed product along its blocks
 * of rows when it has several (each packs its own A block and all of B
 * anyway); else into column panels, each of which packs all of A again,
 * so wide ones when packing; else, when C is narrow, into row panels. */
static void cut_panels(struct par_job *j)
{
    const struct gemm_args *g = j->g;
    size_t mr = j->kern != NULL ? j->kern->mr : 1;
    size_t nr = j->kern != NULL ? j->kern->nr : 1;
    size_t cols = j->mode == MODE_PACKED ? PANEL_COLS_PACKED : PANEL_COLS;
    size_t mc_step = g->m;

    if (j->mode == MODE_PACKED)
        packed_steps(j->kern, g, &mc_step);
    j->by_rows = mc_step < g->m || (g->n <= cols && g->m > PANEL_ROWS);
    if (mc_step < g->m)
        j->step = mc_step;
    else if (j->by_rows)
        j->step = balanced_step(g->m, PANEL_ROWS, mr);
    else
        j->step = balanced_step(g->n, cols, nr);
    j->n_panels = div_up(j->by_rows ? g->m : g->n, j->step);
}

/* Task t of a par_job: its panel of C, then the caller's work on it. */
static void panel_task(void *ctx, size_t t, size_t worker)
{
    const struct par_job *j = ctx;
    struct gemm_args s = *j->g;
    size_t i0 = 0, j0 = 0;

    /* the panel's operands: rows of op(A) and C, or columns of op(B)
     * and C */
    (void)worker;
    if (j->by_rows) {
        i0 = t * j->step;
        s.m = min_size(j->step, s.m - i0);
        s.a += s.trans_a ? i0 : i0 * s.lda;
        s.c += i0 * s.ldc;
    } else {
        j0 = t * j->step;
        s.n = min_size(j->step, s.n - j0);
        s.b += s.trans_b ? j0 * s.ldb : j0;
        s.c += j0;
    }
    run_mode(j->kern, &s, j->mode);
    if (j->then != NULL)
        j->then->fn(j->then->ctx, i0, s.m, j0, s.n);
}

void mlp_gemm_par(struct mlp_pool *pool, const mlp_gemm_then *then,
                  int trans_a, int trans_b, size_t m, size_t n, size_t k,
                  const float *a, size_t lda, const float *b, size_t ldb,
                  float beta, float *c, size_t ldc)
{
    enum mlp_gemm_path path = mlp_gemm_path_chosen();
    struct gemm_args g = {
        .trans_a = trans_a != 0, .trans_b = trans_b != 0,
        .m = m, .n = n, .k = k, .a = a, .b = b,
        .lda = lda, .ldb = ldb, .ldc = ldc,
        .accumulate = beta != 0.0f, .c = c,
    };
    struct par_job j = { .g = &g, .then = then };

    /* small or serial: the whole product here, as mlp_gemm does it */
    if (pool == NULL || mlp_pool_workers(pool) < 2
        || (double)m * (double)n * (double)k < PAR_MIN_MNK) {
        run_path(path, MLP_GEMM_PLAN_AUTO, trans_a, trans_b, m, n, k, a,
                 lda, b, ldb, beta, c, ldc);
        if (then != NULL && m > 0 && n > 0)
            then->fn(then->ctx, 0, m, 0, n);
        return;
    }

    /* one plan for the whole product, then its panels on the pool */
    j.kern = path == MLP_GEMM_PATH_REF ? NULL : path_kernel(path);
    j.mode = choose_mode(j.kern, &g, MLP_GEMM_PLAN_AUTO);
    cut_panels(&j);
    mlp_pool_run(pool, panel_task, &j, j.n_panels);
}
