/* test_train.c -- the training loop: optimisers, weight decay, batches,
 * validation, early stopping, divergence, interruption, threads, seeds
 * and cross-validation. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "engine/grad.h"
#include "engine/optim.h"
#include "engine/rng.h"
#include "mlp/train.h"

#define N 300

static float x[N * 2], y[N], y3[N], yr[N];

/* Two noisy blobs (y), three (y3), and a smooth target (yr). */
static void make_data(void)
{
    mlp_rng r;

    mlp_rng_seed(&r, 42);
    for (size_t i = 0; i < N; i++) {
        float u = mlp_rng_float(&r) - 0.5f, v = mlp_rng_float(&r) - 0.5f;

        y[i] = (float)(i % 2);
        y3[i] = (float)(i % 3);
        x[2 * i] = u + (y3[i] == 1.0f ? 1.5f : 0.0f) + 0.3f * y[i];
        x[2 * i + 1] = v + (y3[i] == 2.0f ? 1.5f : 0.0f) + 1.2f * y[i];
        yr[i] = sinf(2.0f * x[2 * i]) + 0.5f * x[2 * i + 1];
    }
}

/* A network of 2 inputs, hidden units (0 for none), k outputs. */
static void net_new(mlp_net *net, size_t hidden, mlp_output out, size_t k,
                    uint64_t seed)
{
    mlp_net_init(net, 2, &hidden, hidden > 0, k, MLP_ACT_TANH, out, NULL);
    mlp_net_randomize(net, seed);
}

/* Mean loss of net on n rows. */
static double mean_loss(const mlp_net *net, const float *xs, const float *ys,
                        size_t n)
{
    mlp_arena a = { NULL, 0, 0 };
    mlp_grad_ws ws;
    double loss;
    void *block;

    mlp_grad_ws_layout(&ws, net, n, &a);
    block = mlp_aligned_alloc(a.used);
    a.base = block;
    a.used = 0;
    mlp_grad_ws_layout(&ws, net, n, &a);
    loss = mlp_grad_loss(net, &ws, xs, ys, n, NULL) / (double)n;
    free(block);
    return loss;
}

/* Sum of squared weights (not biases). */
static double weight_norm2(const mlp_net *net)
{
    double ss = 0.0;

    for (size_t l = 0; l < net->n_layers; l++)
        for (size_t i = 0; i < net->width[l] * net->width[l + 1]; i++)
            ss += (double)net->w[l][i] * net->w[l][i];
    return ss;
}

/* 1 when every parameter is finite. */
static int finite_params(const mlp_net *net)
{
    for (size_t i = 0; i < net->n_params; i++)
        if (!isfinite(net->params[i]))
            return 0;
    return 1;
}

/* Every optimiser lowers the loss; the result is the kept weights'. */
static void test_optimisers(void)
{
    static const float rates[3] = { 0.1f, 0.05f, 0.01f };
    mlp_train_options o;
    mlp_train_result res;
    mlp_net net;

    for (int k = MLP_OPTIM_SGD; k <= MLP_OPTIM_ADAM; k++) {
        double before;

        net_new(&net, 4, MLP_OUTPUT_SIGMOID, 1, 1);
        mlp_train_defaults(&o);
        o.optim = (mlp_optim)k;
        o.rate = rates[k];
        o.epochs = 20;
        before = mean_loss(&net, x, y, N);
        CHECK(mlp_train(&net, x, y, N, &o, &res, NULL) == MLP_STATUS_OK);
        CHECKF(res.loss < 0.7 * before, "optim %d: %g -> %g", k, before,
               res.loss);
        CHECK_NEAR(res.loss, mean_loss(&net, x, y, N), 1e-9);
        CHECK(res.epochs_run == 20 && res.best_epoch == 20);
        CHECKF(res.accuracy > 0.75 && !res.has_validation, "optim %d: %g", k,
           res.accuracy);
        mlp_net_free(&net);
    }
}

/* Weight decay shrinks weights and leaves biases' gradients alone. */
static void test_l2(void)
{
    mlp_train_options o;
    mlp_net a, b;
    float *g;

    /* the decay term: l2 w on weights, nothing on biases */
    net_new(&a, 3, MLP_OUTPUT_SIGMOID, 1, 1);
    for (size_t i = 0; i < a.n_params; i++)
        a.params[i] = 2.0f;
    g = calloc(a.n_params, sizeof *g);
    mlp_grad_add_l2(&a, g, 0.25f);
    CHECK(g[0] == 0.5f && g[a.b[0] - a.params] == 0.0f);
    CHECK(g[a.w[1] - a.params] == 0.5f && g[a.n_params - 1] == 0.0f);
    free(g);
    mlp_net_free(&a);

    /* trained with and without it */
    mlp_train_defaults(&o);
    o.epochs = 30;
    net_new(&a, 8, MLP_OUTPUT_SIGMOID, 1, 1);
    net_new(&b, 8, MLP_OUTPUT_SIGMOID, 1, 1);
    mlp_train(&a, x, y, N, &o, NULL, NULL);
    o.l2 = 0.1f;
    mlp_train(&b, x, y, N, &o, NULL, NULL);
    CHECKF(weight_norm2(&b) < 0.5 * weight_norm2(&a), "%g vs %g",
           weight_norm2(&b), weight_norm2(&a));
    mlp_net_free(&a);
    mlp_net_free(&b);
}

/* 5 rows in batches of 4: flipping any one label, the row in the short
 * batch included, changes the weights after one epoch. */
static void test_partial_batch(void)
{
    mlp_train_options o;
    mlp_net base, flip;
    float yy[5] = { 0, 1, 0, 1, 1 };

    mlp_train_defaults(&o);
    o.epochs = 1;
    o.batch = 4;
    o.optim = MLP_OPTIM_SGD;
    net_new(&base, 3, MLP_OUTPUT_SIGMOID, 1, 1);
    CHECK(mlp_train(&base, x, yy, 5, &o, NULL, NULL) == MLP_STATUS_OK);
    for (size_t i = 0; i < 5; i++) {
        net_new(&flip, 3, MLP_OUTPUT_SIGMOID, 1, 1);
        yy[i] = 1.0f - yy[i];
        mlp_train(&flip, x, yy, 5, &o, NULL, NULL);
        yy[i] = 1.0f - yy[i];
        CHECKF(memcmp(base.params, flip.params,
                      base.n_params * sizeof(float)) != 0, "row %zu", i);
        mlp_net_free(&flip);
    }
    mlp_net_free(&base);
}

/* 50, 30 and 20 rows of three classes, a fifth held out: 10, 6 and 4 of
 * them.  A net that always answers class c, and cannot learn at a rate
 * of 1e-30, scores exactly that share of each side. */
static void test_split(void)
{
    static const double want_val[3] = { 0.5, 0.3, 0.2 };
    float yy[100];
    mlp_train_options o;
    mlp_train_result res;
    mlp_net net;

    for (size_t i = 0; i < 100; i++)
        yy[i] = i % 10 < 5 ? 0.0f : i % 10 < 8 ? 1.0f : 2.0f;
    mlp_train_defaults(&o);
    o.epochs = 1;
    o.optim = MLP_OPTIM_SGD;
    o.rate = 1e-30f;
    o.validation = 0.2f;
    for (size_t c = 0; c < 3; c++) {
        net_new(&net, 0, MLP_OUTPUT_SOFTMAX, 3, 1);
        memset(net.params, 0, net.n_params * sizeof(float));
        net.b[0][c] = 5.0f;
        CHECK(mlp_train(&net, x, yy, 100, &o, &res, NULL) == MLP_STATUS_OK);
        CHECK(res.has_validation);
        CHECKF(res.val_accuracy == want_val[c], "class %zu: %g", c,
               res.val_accuracy);
        CHECKF(res.accuracy == want_val[c], "class %zu: %g", c,
               res.accuracy);
        mlp_net_free(&net);
    }
}

/* mlp_train_holdout names the rows mlp_train holds out: the accuracy
 * of the trained net on exactly those rows is the run's validation
 * accuracy, and on the others its training accuracy; the split is a
 * partition, stratified, and the identity with no share. */
static void test_holdout(void)
{
    size_t rows[N], n_fit = 0, per_class[3] = { 0 }, seen[N] = { 0 };
    size_t right_fit = 0, right_val = 0, bad = 0;
    float out[N * 3];
    mlp_train_options o;
    mlp_train_result res;
    mlp_infer *ws;
    mlp_net net;
    mlp_error err;

    mlp_train_defaults(&o);
    o.epochs = 3;
    o.validation = 0.25f;
    o.seed = 9;
    net_new(&net, 4, MLP_OUTPUT_SOFTMAX, 3, 2);
    CHECK(mlp_train_holdout(&net, y3, N, &o, rows, &n_fit, &err)
          == MLP_STATUS_OK);
    CHECKF(n_fit == N - 75, "%zu training rows", n_fit);
    for (size_t i = 0; i < N; i++) {
        bad += rows[i] >= N || seen[rows[i]]++ != 0;
        if (i >= n_fit && rows[i] < N)
            per_class[(size_t)y3[rows[i]]]++;
        bad += i > n_fit && rows[i] <= rows[i - 1];   /* ascending */
    }
    CHECK(bad == 0);
    CHECK(per_class[0] == 25 && per_class[1] == 25 && per_class[2] == 25);

    CHECK(mlp_train(&net, x, y3, N, &o, &res, &err) == MLP_STATUS_OK);
    ws = mlp_infer_new(&net, N);
    mlp_net_forward(&net, ws, x, N, out);
    for (size_t i = 0; i < N; i++) {
        const float *p = out + rows[i] * 3;
        size_t best = p[1] > p[0] ? 1 : 0;

        best = p[2] > p[best] ? 2 : best;
        if (best == (size_t)y3[rows[i]])
            *(i < n_fit ? &right_fit : &right_val) += 1;
    }
    CHECKF(fabs(res.val_accuracy - right_val / 75.0) < 1e-12, "%g vs %g",
           res.val_accuracy, right_val / 75.0);
    CHECKF(fabs(res.accuracy - right_fit / (double)n_fit) < 1e-12,
           "%g vs %g", res.accuracy, right_fit / (double)n_fit);
    mlp_infer_free(ws);

    /* no share: every row, in order, and scored in place */
    o.validation = 0.0f;
    CHECK(mlp_train_holdout(&net, y3, N, &o, rows, &n_fit, &err)
          == MLP_STATUS_OK && n_fit == N && rows[0] == 0
          && rows[N - 1] == N - 1);
    CHECK(mlp_train(&net, x, y3, N, &o, &res, &err) == MLP_STATUS_OK);
    ws = mlp_infer_new(&net, N);
    mlp_net_forward(&net, ws, x, N, out);
    right_fit = 0;
    for (size_t i = 0; i < N; i++) {
        const float *p = out + i * 3;
        size_t best = p[1] > p[0] ? 1 : 0;

        best = p[2] > p[best] ? 2 : best;
        right_fit += best == (size_t)y3[i];
    }
    CHECKF(fabs(res.accuracy - right_fit / (double)N) < 1e-12, "%g vs %g",
           res.accuracy, right_fit / (double)N);
    mlp_infer_free(ws);

    /* a bad share or label: refused */
    o.validation = 1.0f;
    CHECK(mlp_train_holdout(&net, y3, N, &o, rows, &n_fit, &err)
          == MLP_STATUS_USAGE);
    o.validation = 0.2f;
    CHECK(mlp_train_holdout(&net, yr, N, &o, rows, &n_fit, &err)
          == MLP_STATUS_DATA);
    mlp_net_free(&net);
}

typedef struct tally {
    size_t calls, stop_after;
    double best_val;
    size_t best_epoch;
    int ok;
    volatile int stop;
} tally;

/* Record the reports; set the stop flag after stop_after of them. */
static void on_report(const mlp_report *r, void *ctx)
{
    tally *g = ctx;

    g->calls++;
    g->ok &= r->epoch == g->calls && r->accuracy >= 0.0
             && r->accuracy <= 1.0 && isfinite(r->loss);
    if (r->has_validation && r->val_loss < g->best_val) {
        g->best_val = r->val_loss;
        g->best_epoch = r->epoch;
    }
    if (g->stop_after > 0 && g->calls == g->stop_after)
        g->stop = 1;
}

/* Random labels: validation loss soon rises; the best epoch is kept. */
static void test_patience(void)
{
    mlp_train_options o;
    mlp_train_result res;
    mlp_net net;
    mlp_error err;
    tally g = { 0, 0, INFINITY, 0, 1, 0 };
    float yy[N];
    mlp_rng r;

    mlp_rng_seed(&r, 5);
    for (size_t i = 0; i < N; i++)
        yy[i] = (float)mlp_rng_below(&r, 2);
    mlp_train_defaults(&o);
    o.epochs = 300;
    o.validation = 0.3f;
    o.patience = 5;
    o.report = on_report;
    o.report_ctx = &g;
    net_new(&net, 32, MLP_OUTPUT_SIGMOID, 1, 1);
    CHECK(mlp_train(&net, x, yy, N, &o, &res, &err) == MLP_STATUS_OK);
    CHECKF(res.epochs_run < 300, "%zu epochs", res.epochs_run);
    CHECK(res.epochs_run == res.best_epoch + 5);
    CHECK(res.best_epoch == g.best_epoch && g.ok);
    CHECKF(res.val_loss == g.best_val, "%.17g vs %.17g", res.val_loss,
           g.best_val);
    mlp_net_free(&net);

    /* patience without validation is a usage error */
    o.validation = 0.0f;
    net_new(&net, 2, MLP_OUTPUT_SIGMOID, 1, 1);
    CHECK(mlp_train(&net, x, yy, N, &o, &res, &err) == MLP_STATUS_USAGE);
    CHECK(strstr(err.text, "validation") != NULL);
    mlp_net_free(&net);
}

/* A huge rate: DIVERGED, finite weights, advice in the message. */
static void test_diverge(void)
{
    mlp_train_options o;
    mlp_train_result res;
    mlp_net net;
    mlp_error err;
    tally g = { 0, 0, INFINITY, 0, 1, 0 };

    mlp_train_defaults(&o);
    o.optim = MLP_OPTIM_SGD;
    o.rate = 1e6f;
    o.epochs = 50;
    o.report = on_report;
    o.report_ctx = &g;
    net_new(&net, 8, MLP_OUTPUT_LINEAR, 1, 1);
    CHECK(mlp_train(&net, x, yr, N, &o, &res, &err) == MLP_STATUS_DIVERGED);
    CHECK(finite_params(&net));
    CHECK(strstr(err.text, "smaller learning rate") != NULL);
    CHECKF(res.epochs_run == g.calls && res.epochs_run < 50, "%zu",
           res.epochs_run);
    mlp_net_free(&net);
}

/* The stop flag ends training at a batch boundary. */
static void test_stop(void)
{
    mlp_train_options o;
    mlp_train_result res;
    mlp_net net, init;
    mlp_error err;
    tally g = { 0, 2, INFINITY, 0, 1, 0 };

    mlp_train_defaults(&o);
    o.epochs = 10;
    o.report = on_report;
    o.report_ctx = &g;
    o.stop = &g.stop;
    net_new(&net, 4, MLP_OUTPUT_SIGMOID, 1, 1);
    CHECK(mlp_train(&net, x, y, N, &o, &res, &err)
          == MLP_STATUS_INTERRUPTED);
    CHECK(res.epochs_run == 2 && g.calls == 2);
    mlp_net_free(&net);

    /* set before the first batch: the weights are untouched */
    net_new(&net, 4, MLP_OUTPUT_SIGMOID, 1, 1);
    mlp_net_copy(&init, &net, NULL);
    CHECK(mlp_train(&net, x, y, N, &o, &res, &err)
          == MLP_STATUS_INTERRUPTED);
    CHECK(memcmp(net.params, init.params, net.n_params * 4) == 0);
    CHECK(res.epochs_run == 0);
    mlp_net_free(&net);
    mlp_net_free(&init);
}

/* Train with the given threads, batch and seed into a new network. */
static void train_with(mlp_net *net, unsigned threads, size_t batch,
                       uint64_t seed, float validation)
{
    mlp_train_options o;

    mlp_train_defaults(&o);
    o.epochs = 15;
    o.batch = batch;
    o.threads = threads;
    o.seed = seed;
    o.validation = validation;
    net_new(net, 16, MLP_OUTPUT_SOFTMAX, 3, seed);
    CHECK(mlp_train(net, x, y3, N, &o, NULL, NULL) == MLP_STATUS_OK);
}

/* Any thread count gives the same bits; the seed decides them. */
static void test_threads(void)
{
    static const size_t batches[3] = { 100, 32, 7 };
    mlp_net one, many;

    for (size_t b = 0; b < 3; b++) {
        train_with(&one, 1, batches[b], 3, 0.2f);
        for (unsigned t = 2; t <= 3; t++) {
            train_with(&many, t, batches[b], 3, 0.2f);
            CHECKF(memcmp(one.params, many.params,
                          one.n_params * sizeof(float)) == 0,
                   "batch %zu threads %u", batches[b], t);
            mlp_net_free(&many);
        }
        mlp_net_free(&one);
    }

    /* the same seed twice, then another seed */
    train_with(&one, 0, 64, 9, 0.0f);
    train_with(&many, 0, 64, 9, 0.0f);
    CHECK(memcmp(one.params, many.params, one.n_params * 4) == 0);
    mlp_net_free(&many);
    train_with(&many, 0, 64, 10, 0.0f);
    CHECK(memcmp(one.params, many.params, one.n_params * 4) != 0);
    mlp_net_free(&many);
    mlp_net_free(&one);
}

#define WIDE_ROWS 434     /* 3 batches of 128, then 50 */
#define WIDE_IN 100
#define BIG_ROWS 1200     /* too many to go through the network at once */

/* Fill n rows of WIDE_IN features, and labels of 10 classes. */
static void wide_data(float *xs, float *ys, size_t n)
{
    mlp_rng r;

    mlp_rng_seed(&r, 8);
    for (size_t i = 0; i < n; i++) {
        ys[i] = (float)(i % 10);
        for (size_t j = 0; j < WIDE_IN; j++)
            xs[i * WIDE_IN + j] = mlp_rng_float(&r) - 0.5f
                                  + (j % 10 == i % 10 ? 1.0f : 0.0f);
    }
}

/* Train a 100-128-64-10 relu network on n rows xs, labels ys, with the
 * given threads, batch, optimiser and weight decay, 3 epochs. */
static void train_wide(mlp_net *net, const float *xs, const float *ys,
                       size_t n, unsigned threads, size_t batch,
                       mlp_optim optim, float l2)
{
    static const size_t hidden[2] = { 128, 64 };
    mlp_train_options o;

    mlp_train_defaults(&o);
    o.epochs = 3;
    o.batch = batch;
    o.threads = threads;
    o.optim = optim;
    o.rate = optim == MLP_OPTIM_ADAM ? 0.001f : 0.01f;
    o.l2 = l2;
    o.validation = 0.1f;
    mlp_net_init(net, WIDE_IN, hidden, 2, 10, MLP_ACT_RELU,
                 MLP_OUTPUT_SOFTMAX, NULL);
    mlp_net_randomize(net, 5);
    CHECK(mlp_train(net, xs, ys, n, &o, NULL, NULL) == MLP_STATUS_OK);
}

/* A network big enough for its work to be shared out: any thread count
 * gives the same bits, with batches of 128 (the last one 50 rows short
 * of that, a tenth held out) and of 97, for every optimiser, and with
 * batches too big to go through the network in one part. */
static void test_threads_wide(void)
{
    static const size_t batches[2] = { 128, 97 };
    float *xs = malloc(BIG_ROWS * WIDE_IN * sizeof *xs), ys[BIG_ROWS];
    mlp_net one, many;

    wide_data(xs, ys, BIG_ROWS);
    for (size_t b = 0; b < 2; b++)
        for (int k = MLP_OPTIM_SGD; k <= MLP_OPTIM_ADAM; k++) {
            float l2 = k == MLP_OPTIM_SGD ? 0.0f : 0.01f;

            train_wide(&one, xs, ys, WIDE_ROWS, 1, batches[b], (mlp_optim)k,
                       l2);
            for (unsigned t = 2; t <= 3; t++) {
                train_wide(&many, xs, ys, WIDE_ROWS, t, batches[b],
                           (mlp_optim)k, l2);
                CHECKF(memcmp(one.params, many.params,
                              one.n_params * sizeof(float)) == 0,
                       "batch %zu optim %d threads %u", batches[b], k, t);
                mlp_net_free(&many);
            }
            mlp_net_free(&one);
        }

    /* a batch of 1100, cut to the 1080 training rows: parts of 1024, 56 */
    train_wide(&one, xs, ys, BIG_ROWS, 1, 1100, MLP_OPTIM_ADAM, 0.0f);
    for (unsigned t = 2; t <= 3; t++) {
        train_wide(&many, xs, ys, BIG_ROWS, t, 1100, MLP_OPTIM_ADAM, 0.0f);
        CHECKF(memcmp(one.params, many.params,
                      one.n_params * sizeof(float)) == 0,
               "batch 1100 threads %u", t);
        mlp_net_free(&many);
    }
    mlp_net_free(&one);
    free(xs);
}

/* Every version of Adam's update this CPU has agrees with the formula
 * in double, to float rounding, on 37 elements (no whole number of
 * vectors), and gives the same bits however the elements are cut into
 * ranges. */
static void test_adam_versions(void)
{
    mlp_adam_fn *versions[3];
    size_t n_versions = mlp_optim_adam_versions(versions);
    mlp_adam_coef c = { 0.9f, 0.1f, 0.999f, 0.001f, 0.01f, 1e-7f };
    float g[37], w0[37], m0[37], v0[37], w[2][37], m[2][37], v[2][37];
    mlp_rng r;

    mlp_rng_seed(&r, 6);
    for (size_t i = 0; i < 37; i++) {
        g[i] = 2.0f * mlp_rng_float(&r) - 1.0f;
        w0[i] = 2.0f * mlp_rng_float(&r) - 1.0f;
        m0[i] = 0.2f * mlp_rng_float(&r) - 0.1f;
        v0[i] = 0.1f * mlp_rng_float(&r);
    }
    CHECK(n_versions >= 1 && n_versions <= 3);
    for (size_t k = 0; k < n_versions; k++) {
        size_t bad = 0;

        /* all at once, and in ranges of 5, 16 and 16 */
        for (int cut = 0; cut < 2; cut++) {
            memcpy(w[cut], w0, sizeof w0);
            memcpy(m[cut], m0, sizeof m0);
            memcpy(v[cut], v0, sizeof v0);
        }
        versions[k](w[0], g, m[0], v[0], 37, &c);
        for (size_t a = 0; a < 37; a = a == 0 ? 5 : a + 16)
            versions[k](w[1] + a, g + a, m[1] + a, v[1] + a,
                        a == 0 ? 5 : 16, &c);
        for (size_t i = 0; i < 37; i++) {
            double mi = 0.9 * m0[i] + 0.1 * g[i];
            double vi = 0.999 * v0[i] + 0.001 * (double)g[i] * g[i];
            double wi = w0[i] - 0.01 * mi / (sqrt(vi) + 1e-7);

            bad += fabs(m[0][i] - mi) > 1e-6 || fabs(v[0][i] - vi) > 1e-6
                   || fabs(w[0][i] - wi) > 1e-5;
        }
        CHECKF(bad == 0, "version %zu: %zu elements off", k, bad);
        CHECKF(memcmp(w[0], w[1], sizeof w0) == 0
               && memcmp(m[0], m[1], sizeof m0) == 0
               && memcmp(v[0], v[1], sizeof v0) == 0, "version %zu", k);
    }
}

/* Cross-validation: high accuracy on separable blobs, an RMSE well below
 * the target's spread for regression, and refused fold counts. */
static void test_cv(void)
{
    mlp_train_options o;
    mlp_net net;
    mlp_error err;
    double mean, sd;

    mlp_train_defaults(&o);
    o.epochs = 30;
    net_new(&net, 8, MLP_OUTPUT_SOFTMAX, 3, 1);
    CHECK(mlp_train_cv(&net, x, y3, N, 5, &o, &mean, &sd, &err)
          == MLP_STATUS_OK);
    CHECKF(mean > 0.9 && mean <= 1.0 && sd >= 0.0 && sd < 0.1,
           "%g +- %g", mean, sd);
    CHECK(mlp_train_cv(&net, x, y3, N, 1, &o, &mean, &sd, &err)
          == MLP_STATUS_USAGE);
    mlp_net_free(&net);

    net_new(&net, 8, MLP_OUTPUT_LINEAR, 1, 1);
    CHECK(mlp_train_cv(&net, x, yr, N, 3, &o, &mean, &sd, &err)
          == MLP_STATUS_OK);
    CHECKF(mean > 0.0 && mean < 0.2 && sd < 0.1, "%g +- %g", mean, sd);
    mlp_net_free(&net);
}

/* Each fold is standardised by its own training rows: features moved
 * and stretched far from mean 0 and spread 1 give the score of the
 * plain ones (up to rounding), a target stretched 1000 times gives 1000
 * times the error (with or without the features' scaling), and without
 * per-fold scaling the far-off features do not train at all. */
static void test_cv_scaling(void)
{
    static float xs[N * 2], ys[N];
    mlp_train_options o;
    mlp_net net;
    double m1, s1, m2, s2;

    for (size_t i = 0; i < N; i++) {
        xs[2 * i] = x[2 * i] * 1000.0f + 50000.0f;
        xs[2 * i + 1] = x[2 * i + 1] * 0.001f - 7.0f;
        ys[i] = yr[i] * 1000.0f;
    }
    mlp_train_defaults(&o);
    o.epochs = 30;
    net_new(&net, 8, MLP_OUTPUT_SOFTMAX, 3, 1);
    CHECK(mlp_train_cv(&net, x, y3, N, 5, &o, &m1, &s1, NULL)
          == MLP_STATUS_OK);
    CHECK(mlp_train_cv(&net, xs, y3, N, 5, &o, &m2, &s2, NULL)
          == MLP_STATUS_OK);
    CHECKF(fabs(m1 - m2) <= 2.0 / N, "accuracy %g vs %g", m1, m2);
    o.standardize_folds = 0;
    CHECK(mlp_train_cv(&net, xs, y3, N, 5, &o, &m2, &s2, NULL)
          == MLP_STATUS_OK);
    CHECKF(m2 < m1 - 0.1, "unscaled %g vs %g", m2, m1);
    mlp_net_free(&net);

    o.standardize_folds = 1;
    net_new(&net, 8, MLP_OUTPUT_LINEAR, 1, 1);
    CHECK(mlp_train_cv(&net, x, yr, N, 3, &o, &m1, &s1, NULL)
          == MLP_STATUS_OK);
    CHECK(mlp_train_cv(&net, x, ys, N, 3, &o, &m2, &s2, NULL)
          == MLP_STATUS_OK);
    CHECKF(fabs(m2 / 1000.0 - m1) < 1e-3 * m1, "rmse %g vs %g x 1000",
           m2, m1);

    /* the target is scaled by each fold even where the features are not */
    o.standardize_folds = 0;
    CHECK(mlp_train_cv(&net, x, yr, N, 3, &o, &m1, &s1, NULL)
          == MLP_STATUS_OK);
    CHECK(mlp_train_cv(&net, x, ys, N, 3, &o, &m2, &s2, NULL)
          == MLP_STATUS_OK);
    CHECKF(fabs(m2 / 1000.0 - m1) < 1e-3 * m1,
           "features as they are: rmse %g vs %g x 1000", m2, m1);
    mlp_net_free(&net);
}

/* Bad options and labels are refused with a message. */
static void test_refusals(void)
{
    mlp_train_options o;
    mlp_net net;
    mlp_error err;
    float bad[N];

    net_new(&net, 2, MLP_OUTPUT_SIGMOID, 1, 1);
    mlp_train_defaults(&o);
    o.batch = 0;
    CHECK(mlp_train(&net, x, y, N, &o, NULL, &err) == MLP_STATUS_USAGE);
    mlp_train_defaults(&o);
    o.rate = -1.0f;
    CHECK(mlp_train(&net, x, y, N, &o, NULL, &err) == MLP_STATUS_USAGE);
    mlp_train_defaults(&o);
    CHECK(mlp_train(&net, x, y, 0, &o, NULL, &err) == MLP_STATUS_USAGE);
    memcpy(bad, y, sizeof bad);
    bad[7] = 2.0f;
    CHECK(mlp_train(&net, x, bad, N, &o, NULL, &err) == MLP_STATUS_DATA);
    CHECK(strstr(err.text, "row 8") != NULL);
    mlp_net_free(&net);
}

int main(void)
{
    make_data();
    test_optimisers();
    test_l2();
    test_partial_batch();
    test_split();
    test_holdout();
    test_patience();
    test_diverge();
    test_stop();
    test_threads();
    test_threads_wide();
    test_adam_versions();
    test_cv();
    test_cv_scaling();
    test_refusals();
    return check_done("test_train");
}
