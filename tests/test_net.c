/* test_net.c -- the network's layout, initial weights, forward pass,
 * numerical safety, and feature standardisation. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "engine/grad.h"
#include "engine/layer.h"
#include "engine/rng.h"
#include "mlp/net.h"

/* Layer l's weights, then its biases, then layer l+1's. */
static void test_layout(void)
{
    static const size_t hidden[2] = { 4, 5 };
    mlp_net net;
    mlp_error err;
    size_t zero = 0;

    CHECK(mlp_net_init(&net, 3, hidden, 2, 2, MLP_ACT_TANH,
                       MLP_OUTPUT_SOFTMAX, &err) == MLP_STATUS_OK);
    CHECK(net.n_layers == 3 && net.n_params == 12 + 4 + 20 + 5 + 10 + 2);
    CHECK(net.w[0] == net.params && net.b[0] == net.params + 12);
    CHECK(net.w[1] == net.params + 16 && net.b[1] == net.params + 36);
    CHECK(net.w[2] == net.params + 41 && net.b[2] == net.params + 51);
    CHECK(net.width[0] == 3 && net.width[1] == 4 && net.width[3] == 2);
    for (size_t i = 0; i < net.n_params; i++)
        zero += net.params[i] == 0.0f;
    CHECK(zero == net.n_params);
    mlp_net_free(&net);
    CHECK(net.params == NULL && net.n_params == 0);
    mlp_net_free(&net);
    mlp_net_free(NULL);

    /* shapes refused */
    CHECK(mlp_net_init(&net, 0, NULL, 0, 1, MLP_ACT_TANH,
                       MLP_OUTPUT_SIGMOID, &err) == MLP_STATUS_USAGE);
    CHECK(strstr(err.text, "input layer") != NULL);
    CHECK(mlp_net_init(&net, 2, NULL, 0, 2, MLP_ACT_TANH,
                       MLP_OUTPUT_SIGMOID, &err) == MLP_STATUS_USAGE);
    CHECK(mlp_net_init(&net, 2, NULL, 0, 1, MLP_ACT_TANH,
                       MLP_OUTPUT_SOFTMAX, &err) == MLP_STATUS_USAGE);
    CHECK(mlp_net_init(&net, MLP_MAX_WIDTH + 1, NULL, 0, 1, MLP_ACT_TANH,
                       MLP_OUTPUT_LINEAR, &err) == MLP_STATUS_USAGE);
    CHECK(mlp_net_init(&net, 2, hidden, MLP_MAX_LAYERS, 1, MLP_ACT_TANH,
                       MLP_OUTPUT_LINEAR, &err) == MLP_STATUS_USAGE);
    CHECK(net.params == NULL);
}

/* Mean, max |w| and variance of n weights; checks U(-lim, lim). */
static void check_uniform(const float *w, size_t n, double lim)
{
    double sum = 0.0, ss = 0.0, top = 0.0;

    for (size_t i = 0; i < n; i++) {
        sum += w[i];
        ss += (double)w[i] * w[i];
        top = fabs(w[i]) > top ? fabs(w[i]) : top;
    }

    /* within the limit; for many draws, reaching near it, mean 0 and
     * variance lim^2 / 3 (each test at 6 standard errors or more) */
    CHECKF(top <= lim, "max %g limit %g", top, lim);
    if (n < 1000)
        return;
    CHECK(top > 0.995 * lim);
    CHECK_NEAR(sum / (double)n, 0.0, 0.05 * lim);
    CHECK_NEAR(ss / (double)n / (lim * lim / 3.0), 1.0, 0.1);
}

/* Glorot for tanh/sigmoid and the output, He for relu; hidden biases
 * from 1.5 times the hidden weights' range (the same for relu), the
 * output bias zero. */
static void test_init(void)
{
    static const size_t hidden[1] = { 50 }, wide[1] = { 2000 };
    mlp_net net;

    for (int act = MLP_ACT_SIGMOID; act <= MLP_ACT_RELU; act++) {
        double lim = act == MLP_ACT_RELU ? sqrt(6.0 / 100.0)
                                         : sqrt(6.0 / 150.0);

        mlp_net_init(&net, 100, hidden, 1, 1, (mlp_act)act,
                     MLP_OUTPUT_SIGMOID, NULL);
        mlp_net_randomize(&net, 7);
        check_uniform(net.w[0], 5000, lim);
        check_uniform(net.w[1], 50, sqrt(6.0 / 51.0));
        check_uniform(net.b[0], 50, act == MLP_ACT_RELU ? lim : 1.5 * lim);
        CHECK(net.b[1][0] == 0.0f);
        mlp_net_free(&net);
    }

    /* enough hidden biases to test their spread too */
    mlp_net_init(&net, 1, wide, 1, 3, MLP_ACT_TANH, MLP_OUTPUT_SOFTMAX,
                 NULL);
    mlp_net_randomize(&net, 11);
    check_uniform(net.b[0], wide[0], 1.5 * sqrt(6.0 / 2001.0));
    CHECK(net.b[1][0] == 0.0f && net.b[1][1] == 0.0f && net.b[1][2] == 0.0f);
    mlp_net_free(&net);
    mlp_net_init(&net, 1, wide, 1, 1, MLP_ACT_RELU, MLP_OUTPUT_LINEAR, NULL);
    mlp_net_randomize(&net, 12);
    check_uniform(net.b[0], wide[0], sqrt(6.0));
    CHECK(net.b[1][0] == 0.0f);
    mlp_net_free(&net);
}

/* The same seed, the same bits: here and against values computed
 * independently from the published xoshiro256** and splitmix64. */
static void test_seed(void)
{
    static const size_t hidden[1] = { 3 };
    static const uint32_t want[3] = { 0x3ee39feau, 0x3d376546u,
                                      0x3e264106u };
    mlp_net a, b;
    mlp_rng r;
    uint32_t bits;

    mlp_rng_seed(&r, 1);
    CHECK(mlp_rng_next(&r) == 0xb3f2af6d0fc710c5u);
    CHECK(mlp_rng_next(&r) == 0x853b559647364ceau);

    /* 2-3-1 tanh, seed 1: limit sqrt(6/5) times 2u - 1 */
    mlp_net_init(&a, 2, hidden, 1, 1, MLP_ACT_TANH, MLP_OUTPUT_SIGMOID,
                 NULL);
    mlp_net_randomize(&a, 1);
    for (int i = 0; i < 3; i++) {
        memcpy(&bits, &a.w[0][i], sizeof bits);
        CHECKF(bits == want[i], "weight %d is %08x", i, (unsigned)bits);
    }
    mlp_net_copy(&b, &a, NULL);
    CHECK(memcmp(a.params, b.params, a.n_params * sizeof(float)) == 0);
    mlp_net_randomize(&b, 1);
    CHECK(memcmp(a.params, b.params, a.n_params * sizeof(float)) == 0);
    mlp_net_randomize(&b, 2);
    CHECK(memcmp(a.params, b.params, a.n_params * sizeof(float)) != 0);
    mlp_net_free(&a);
    mlp_net_free(&b);
}

/* A 2-2-1 network worked by hand, for each output layer. */
static void test_forward(void)
{
    static const size_t hidden[1] = { 2 };
    static const float x[4] = { 1.0f, 2.0f, -1.0f, 0.5f };
    mlp_net net;
    mlp_infer *ws;
    float out[4];

    for (int o = MLP_OUTPUT_SIGMOID; o <= MLP_OUTPUT_LINEAR; o++) {
        size_t k = o == MLP_OUTPUT_SOFTMAX ? 2 : 1;
        float w1[4] = { 0.5f, -1.0f, 0.25f, 2.0f }, b1[2] = { 0.1f, -0.2f };

        /* h = tanh(x W1 + b1), z = h W2 + b2 */
        mlp_net_init(&net, 2, hidden, 1, k, MLP_ACT_TANH, (mlp_output)o,
                     NULL);
        memcpy(net.w[0], w1, sizeof w1);
        memcpy(net.b[0], b1, sizeof b1);
        for (size_t i = 0; i < 2 * k; i++)
            net.w[1][i] = 0.5f + (float)i;
        net.b[1][0] = 0.3f;
        ws = mlp_infer_new(&net, 2);
        mlp_net_forward(&net, ws, x, 2, out);
        for (size_t r = 0; r < 2; r++) {
            double x0 = x[2 * r], x1 = x[2 * r + 1];
            double h0 = tanh(x0 * 0.5 + x1 * 0.25 + 0.1);
            double h1 = tanh(x0 * -1.0 + x1 * 2.0 - 0.2);
            double z0 = h0 * 0.5 + h1 * (k == 1 ? 1.5 : 2.5) + 0.3;
            double z1 = h0 * 1.5 + h1 * 3.5;

            if (o == MLP_OUTPUT_SIGMOID)
                CHECK_NEAR(out[r], 1.0 / (1.0 + exp(-z0)), 1e-6);
            else if (o == MLP_OUTPUT_LINEAR)
                CHECK_NEAR(out[r], z0, 1e-6);
            else
                CHECK_NEAR(out[2 * r + 1], 1.0 / (1.0 + exp(z0 - z1)), 1e-6);
        }
        mlp_infer_free(ws);
        mlp_net_free(&net);
    }
}

/* Huge logits: finite losses, probabilities in [0, 1] summing to 1. */
static void test_safety(void)
{
    static const float z1[4] = { 1000.0f, -1000.0f, 89.0f, -89.0f };
    static const float t1[4] = { 0.0f, 1.0f, 1.0f, 0.0f };
    static const float z3[6] = { 1000.0f, -1000.0f, 0.0f,
                                 -3e38f, 3e38f, 1.0f };
    static const float t3[2] = { 1.0f, 1.0f };
    float dz[6], p[6];
    size_t right;
    double loss;

    /* sigmoid: the first two are confidently wrong, the last two right */
    loss = mlp_loss_rows(MLP_OUTPUT_SIGMOID, z1, t1, 4, 1, 1.0f, dz, &right);
    CHECK(isfinite(loss) && fabs(loss - 2000.0) < 1e-3 && right == 2);
    mlp_output_apply(MLP_OUTPUT_SIGMOID, z1, 4, 1, p);
    for (int i = 0; i < 4; i++)
        CHECK(p[i] >= 0.0f && p[i] <= 1.0f && isfinite(dz[i]));
    CHECK(p[0] == 1.0f && p[1] == 0.0f);

    /* softmax: 2000 for the first row, row two right with loss 0 */
    loss = mlp_loss_rows(MLP_OUTPUT_SOFTMAX, z3, t3, 2, 3, 1.0f, dz, &right);
    CHECKF(isfinite(loss) && fabs(loss - 2000.0) < 1e-3, "%g", loss);
    CHECK(right == 1);
    mlp_output_apply(MLP_OUTPUT_SOFTMAX, z3, 2, 3, p);
    for (int r = 0; r < 2; r++) {
        double s = 0.0;

        for (int j = 0; j < 3; j++) {
            CHECK(p[3 * r + j] >= 0.0f && p[3 * r + j] <= 1.0f);
            CHECK(isfinite(dz[3 * r + j]));
            s += p[3 * r + j];
        }
        CHECK_NEAR(s, 1.0, 1e-6);
    }
}

/* Hidden sigmoids saturate without NaN for huge inputs. */
static void test_saturation(void)
{
    static const size_t hidden[1] = { 3 };
    static const float x[4] = { 1e30f, -1e30f, -1e30f, 1e30f };
    mlp_net net;
    mlp_infer *ws;
    float out[2];

    for (int act = MLP_ACT_SIGMOID; act <= MLP_ACT_TANH; act++) {
        mlp_net_init(&net, 2, hidden, 1, 1, (mlp_act)act,
                     MLP_OUTPUT_SIGMOID, NULL);
        mlp_net_randomize(&net, 3);
        ws = mlp_infer_new(&net, 2);
        mlp_net_forward(&net, ws, x, 2, out);
        CHECK(out[0] >= 0.0f && out[0] <= 1.0f);
        CHECK(out[1] >= 0.0f && out[1] <= 1.0f);
        mlp_infer_free(ws);
        mlp_net_free(&net);
    }
}

/* Mean and population sd; a constant column keeps scale 1. */
static void test_scale(void)
{
    float x[4 * 3] = { 1, 5, 1e8f, 2, 5, 1e8f, 3, 5, 1e8f, 4, 5, 1e8f };
    float mean[3], scale[3], one[1] = { 7.0f };

    mlp_scale_fit(x, 4, 3, mean, scale);
    CHECK_NEAR(mean[0], 2.5, 1e-6);
    CHECK_NEAR(scale[0], sqrt(1.25), 1e-6);
    CHECK(mean[1] == 5.0f && scale[1] == 1.0f);
    CHECK(mean[2] == 1e8f && scale[2] == 1.0f);
    mlp_scale_apply(x, 4, 3, mean, scale);
    CHECK_NEAR(x[0], -1.5 / sqrt(1.25), 1e-6);
    CHECK_NEAR(x[9], 1.5 / sqrt(1.25), 1e-6);
    CHECK(x[1] == 0.0f && x[4] == 0.0f && x[11] == 0.0f);

    /* one row: sd 0, nothing divided by zero */
    mlp_scale_fit(one, 1, 1, mean, scale);
    CHECK(mean[0] == 7.0f && scale[0] == 1.0f);
    mlp_scale_fit(one, 0, 1, mean, scale);
    CHECK(mean[0] == 0.0f && scale[0] == 1.0f);
}

/* Statistics of chosen rows: rows 1 and 3 of four give the figures of
 * those two rows alone, to the bit of a fit on a copy of them; NULL
 * rows means every row in order. */
static void test_scale_rows(void)
{
    static const float x[4 * 2] = { 1, 10, 100, 20, 3, 30, -50, 40 };
    static const float pick[2 * 2] = { 100, 20, -50, 40 };
    static const size_t rows[2] = { 1, 3 };
    float mean[2], scale[2], m2[2], s2[2];

    mlp_scale_fit_rows(x, 2, rows, 2, mean, scale);
    mlp_scale_fit(pick, 2, 2, m2, s2);
    CHECK(memcmp(mean, m2, sizeof mean) == 0);
    CHECK(memcmp(scale, s2, sizeof scale) == 0);
    CHECK(mean[0] == 25.0f && scale[0] == 75.0f);
    CHECK(mean[1] == 30.0f && scale[1] == 10.0f);
    mlp_scale_fit_rows(x, 2, NULL, 4, mean, scale);
    mlp_scale_fit(x, 4, 2, m2, s2);
    CHECK(memcmp(mean, m2, sizeof mean) == 0);
    CHECK(memcmp(scale, s2, sizeof scale) == 0);
}

/* A table wider than the columns scale.c takes at a time (1100 x 3
 * rows, offsets and spreads varying by column): the figures of a plain
 * column-by-column two-pass walk in double, to the last bit. */
static void test_scale_wide(void)
{
    size_t n = 3, d = 1100, bad = 0;
    float *x = malloc(n * d * sizeof *x), *mean = malloc(d * 4);
    float *scale = malloc(d * 4);
    mlp_rng r;

    mlp_rng_seed(&r, 4);
    for (size_t i = 0; i < n * d; i++)
        x[i] = (float)(i % d) * 10.0f + (float)(i % 7) * mlp_rng_float(&r);
    mlp_scale_fit(x, n, d, mean, scale);
    for (size_t j = 0; j < d; j++) {
        double sum = 0.0, ss = 0.0, m, sd;

        for (size_t i = 0; i < n; i++)
            sum += x[i * d + j];
        m = sum / (double)n;
        for (size_t i = 0; i < n; i++)
            ss += (x[i * d + j] - m) * (x[i * d + j] - m);
        sd = sqrt(ss / (double)n);
        bad += mean[j] != (float)m
               || scale[j] != (sd == 0.0 || sd < 1e-12 * fabs(m)
                               ? 1.0f : (float)sd);
    }
    CHECKF(bad == 0, "%zu of %zu columns differ", bad, d);
    free(x);
    free(mean);
    free(scale);
}

int main(void)
{
    test_layout();
    test_init();
    test_seed();
    test_forward();
    test_safety();
    test_saturation();
    test_scale();
    test_scale_rows();
    test_scale_wide();
    return check_done("test_net");
}
