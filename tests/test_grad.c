/* test_grad.c -- backpropagation against central finite differences.
 *
 * For every hidden activation, output layer and loss, with and without
 * weight decay, for 0, 1 and 2 hidden layers and batches of 1 and 5 rows,
 * the analytic gradient of
 *     J = mean over rows of L + l2/2 ||W||^2
 * must match (J(p + h) - J(p - h)) / (2h) for every parameter p.  The
 * network is float32; J is accumulated in double and h is the step the
 * float actually took.  With h = 3e-3 the central difference's own error
 * is about h^2 |J'''| / 6 and float rounding of J adds about 1e-7 / h
 * (2e-5 or so): a right gradient came within 6e-5 absolute and 0.3%
 * relative of the differences in every case here, so the tolerance
 *     |a - n| <= 3e-4 + 1e-2 max(|a|, |n|)
 * leaves a margin of 4 or more, while a gradient off by 5% or missing its
 * decay term fails it (checked below).  Where a relu unit crosses 0
 * within the step the difference is meaningless and the parameter is
 * skipped; at most a tenth may be.  Last, a gradient whose products are
 * shared by worker threads must not depend on how many there are.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "engine/grad.h"
#include "engine/mem.h"
#include "engine/rng.h"
#include "mlp/net.h"

#define ROWS 5
#define IN 3
#define STEP 3e-3

typedef struct problem {
    mlp_net net;
    mlp_grad_ws ws;
    void *block;
    float x[ROWS * IN], t[ROWS];
    size_t n_rows;
    float l2;
    unsigned char mask[ROWS * 8 * 2];   /* relu units that are on */
} problem;

/* Lay out ws for net and rows rows; returns its block. */
static void *ws_new(mlp_grad_ws *ws, const mlp_net *net, size_t rows)
{
    mlp_arena a = { NULL, 0, 0 };
    void *block;

    mlp_grad_ws_layout(ws, net, rows, &a);
    block = mlp_aligned_alloc(a.used);
    a.base = block;
    a.used = 0;
    mlp_grad_ws_layout(ws, net, rows, &a);
    return block;
}

/* A uniform number in [lo, hi). */
static float uniform(mlp_rng *r, float lo, float hi)
{
    return lo + (hi - lo) * mlp_rng_float(r);
}

/* J at the current parameters, in double. */
static double objective(problem *p)
{
    double j = mlp_grad_loss(&p->net, &p->ws, p->x, p->t, p->n_rows, NULL)
               / (double)p->n_rows;
    double ss = 0.0;

    for (size_t l = 0; l < p->net.n_layers; l++)
        for (size_t i = 0; i < p->net.width[l] * p->net.width[l + 1]; i++)
            ss += (double)p->net.w[l][i] * p->net.w[l][i];
    return j + 0.5 * p->l2 * ss;
}

/* Record (when save) or compare the on/off pattern of the hidden units
 * after the last forward pass; returns 1 when it is unchanged. */
static int same_pattern(problem *p, int save)
{
    size_t k = 0;
    int same = 1;

    for (size_t l = 0; l + 1 < p->net.n_layers; l++)
        for (size_t i = 0; i < p->n_rows * p->net.width[l + 1]; i++) {
            unsigned char on = p->ws.y[l][i] > 0.0f;

            if (save)
                p->mask[k] = on;
            same &= p->mask[k] == on;
            k++;
        }
    return same;
}

/* Set up a network and a batch for one case. */
static void problem_init(problem *p, size_t n_hidden, mlp_act act,
                         mlp_output out, size_t n_rows, float l2,
                         uint64_t seed)
{
    static const size_t hidden[2] = { 4, 3 };
    size_t k = out == MLP_OUTPUT_SOFTMAX ? 3 : 1;
    mlp_rng r;

    mlp_net_init(&p->net, IN, hidden, n_hidden, k, act, out, NULL);
    mlp_net_randomize(&p->net, seed);
    p->block = ws_new(&p->ws, &p->net, ROWS);
    p->n_rows = n_rows;
    p->l2 = l2;

    /* nonzero biases, inputs in [-1, 1), targets of the output's kind */
    mlp_rng_seed(&r, seed + 100);
    for (size_t l = 0; l < p->net.n_layers; l++)
        for (size_t i = 0; i < p->net.width[l + 1]; i++)
            p->net.b[l][i] = uniform(&r, -0.5f, 0.5f);
    for (size_t i = 0; i < ROWS * IN; i++)
        p->x[i] = uniform(&r, -1.0f, 1.0f);
    for (size_t i = 0; i < ROWS; i++)
        p->t[i] = out == MLP_OUTPUT_LINEAR ? uniform(&r, -2.0f, 2.0f)
                  : (float)mlp_rng_below(&r, k);
}

/* 1 when a and n agree within the tolerance above. */
static int agree(double a, double n)
{
    double big = fabs(a) > fabs(n) ? fabs(a) : fabs(n);

    return fabs(a - n) <= 3e-4 + 1e-2 * big;
}

/* The numeric gradient into num (n_params); returns how many parameters
 * were skipped because a relu unit switched within the step. */
static size_t numeric(problem *p, double *num)
{
    size_t skipped = 0;

    objective(p);
    same_pattern(p, 1);
    for (size_t i = 0; i < p->net.n_params; i++) {
        float keep = p->net.params[i];
        float up = (float)(keep + STEP), down = (float)(keep - STEP);
        double jp, jm;
        int same;

        p->net.params[i] = up;
        jp = objective(p);
        same = same_pattern(p, 0);
        p->net.params[i] = down;
        jm = objective(p);
        same &= same_pattern(p, 0);
        p->net.params[i] = keep;
        num[i] = (jp - jm) / ((double)up - (double)down);
        if (!same) {
            num[i] = NAN;
            skipped++;
        }
    }
    return skipped;
}

/* Compare analytic (times factor, with or without the decay term) and
 * numeric gradients; returns the parameters that disagree. */
static size_t compare(problem *p, const double *num, float factor,
                      int with_l2, size_t *n_checked)
{
    float *g = calloc(p->net.n_params, sizeof *g);
    size_t bad = 0;

    mlp_grad_compute(&p->net, &p->ws, p->x, p->t, p->n_rows,
                     1.0f / (float)p->n_rows, g, NULL);
    if (with_l2)
        mlp_grad_add_l2(&p->net, g, p->l2);
    *n_checked = 0;
    for (size_t i = 0; i < p->net.n_params; i++) {
        if (isnan(num[i]))
            continue;
        ++*n_checked;
        bad += !agree((double)g[i] * factor, num[i]);
    }
    free(g);
    return bad;
}

/* One case: the right gradient passes, wrong ones fail. */
static void one_case(size_t n_hidden, mlp_act act, mlp_output out,
                     size_t n_rows, float l2)
{
    problem p;
    double *num;
    size_t skipped, checked, bad;

    problem_init(&p, n_hidden, act, out, n_rows, l2,
                 1 + n_hidden * 7 + (size_t)act * 3 + (size_t)out);
    num = malloc(p.net.n_params * sizeof *num);
    skipped = numeric(&p, num);

    /* the gradient as computed, with few parameters skipped at kinks */
    bad = compare(&p, num, 1.0f, 1, &checked);
    CHECKF(bad == 0, "%zu of %zu disagree: hidden %zu act %d out %d rows "
           "%zu l2 %g", bad, checked, n_hidden, (int)act, (int)out,
           n_rows, (double)l2);
    CHECKF(skipped * 10 <= p.net.n_params, "%zu of %zu skipped", skipped,
           p.net.n_params);

    /* the comparison can fail: 5% off, or the decay term left out */
    CHECKF(compare(&p, num, 1.05f, 1, &checked) > 0,
           "hidden %zu act %d out %d rows %zu", n_hidden, (int)act,
           (int)out, n_rows);
    if (l2 > 0.0f)
        CHECK(compare(&p, num, 1.0f, 0, &checked) > 0);
    free(num);
    free(p.block);
    mlp_net_free(&p.net);
}

/* A gradient of n_rows rows of a 100-128-64-10 network, with pool. */
static void wide_gradient(mlp_pool *pool, mlp_act act, size_t n_rows,
                          const float *x, const float *t, float *g)
{
    static const size_t hidden[2] = { 128, 64 };
    mlp_grad_ws ws;
    mlp_net net;
    void *block;

    mlp_net_init(&net, 100, hidden, 2, 10, act, MLP_OUTPUT_SOFTMAX, NULL);
    mlp_net_randomize(&net, 3);
    block = ws_new(&ws, &net, n_rows);
    ws.pool = pool;
    mlp_grad_compute(&net, &ws, x, t, n_rows, 1.0f / (float)n_rows, g,
                     NULL);
    free(block);
    mlp_net_free(&net);
}

/* The gradient of a network wide enough for its products to be shared
 * out is the same bits on 1, 2 or 3 workers, for every activation and
 * for batches of 128, 50 and 97 rows. */
static void test_pool(void)
{
    static const size_t rows[3] = { 128, 50, 97 };
    size_t n_params = 100 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10;
    float *x = malloc(128 * 100 * sizeof *x), t[128];
    float *g[3] = { malloc(n_params * 4), malloc(n_params * 4),
                    malloc(n_params * 4) };
    mlp_pool *pool[3] = { NULL, NULL, NULL };
    mlp_rng r;

    mlp_rng_seed(&r, 11);
    for (size_t i = 0; i < 128 * 100; i++)
        x[i] = uniform(&r, -2.0f, 2.0f);
    for (size_t i = 0; i < 128; i++)
        t[i] = (float)(i % 10);
    for (size_t w = 2; w <= 3; w++)
        CHECK(mlp_pool_new(&pool[w - 1], w, NULL) == MLP_STATUS_OK);
    for (int a = MLP_ACT_SIGMOID; a <= MLP_ACT_RELU; a++)
        for (size_t b = 0; b < 3; b++) {
            for (size_t w = 0; w < 3; w++)
                wide_gradient(pool[w], (mlp_act)a, rows[b], x, t, g[w]);
            CHECKF(memcmp(g[0], g[1], n_params * 4) == 0
                   && memcmp(g[0], g[2], n_params * 4) == 0,
                   "act %d rows %zu", a, rows[b]);
        }
    for (size_t w = 0; w < 3; w++) {
        mlp_pool_free(pool[w]);
        free(g[w]);
    }
    free(x);
}

/* A gradient taken in two parts, the second added by
 * mlp_grad_compute_add, is the gradient of all the rows at once, up to
 * rounding; leaving the second part out is not. */
static void test_parts(void)
{
    problem p;
    float *all, *parts;
    double loss_all, loss_parts;
    size_t bad = 0, differ = 0;

    problem_init(&p, 2, MLP_ACT_TANH, MLP_OUTPUT_SOFTMAX, ROWS, 0.0f, 9);
    all = malloc(p.net.n_params * sizeof *all);
    parts = malloc(p.net.n_params * sizeof *parts);
    loss_all = mlp_grad_compute(&p.net, &p.ws, p.x, p.t, ROWS, 0.2f, all,
                                NULL);
    loss_parts = mlp_grad_compute(&p.net, &p.ws, p.x, p.t, 3, 0.2f, parts,
                                  NULL);
    for (size_t i = 0; i < p.net.n_params; i++)
        differ += fabsf(all[i] - parts[i]) > 1e-4f;
    loss_parts += mlp_grad_compute_add(&p.net, &p.ws, p.x + 3 * IN, p.t + 3,
                                       ROWS - 3, 0.2f, parts, NULL);
    for (size_t i = 0; i < p.net.n_params; i++)
        bad += !(fabsf(all[i] - parts[i]) <= 1e-6f + 1e-5f * fabsf(all[i]));
    CHECKF(bad == 0, "%zu of %zu differ", bad, p.net.n_params);
    CHECK(differ > 0);
    CHECK_NEAR(loss_all, loss_parts, 1e-9 * fabs(loss_all));
    free(all);
    free(parts);
    free(p.block);
    mlp_net_free(&p.net);
}

int main(void)
{
    static const mlp_output outs[3] = {
        MLP_OUTPUT_SIGMOID, MLP_OUTPUT_SOFTMAX, MLP_OUTPUT_LINEAR
    };
    static const mlp_act acts[3] = {
        MLP_ACT_SIGMOID, MLP_ACT_TANH, MLP_ACT_RELU
    };
    static const size_t rows[2] = { 1, ROWS };
    static const float l2s[2] = { 0.0f, 0.1f };

    for (size_t h = 0; h <= 2; h++)
        for (size_t a = 0; a < (h == 0 ? 1 : 3); a++)
            for (size_t o = 0; o < 3; o++)
                for (size_t b = 0; b < 2; b++)
                    for (size_t l = 0; l < 2; l++)
                        one_case(h, acts[a], outs[o], rows[b], l2s[l]);
    test_pool();
    test_parts();
    return check_done("test_grad");
}
