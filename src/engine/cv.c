/* cv.c -- k-fold cross-validation, stratified by class.
 *
 * The rows are grouped by class, shuffled within each group, and dealt
 * to the folds in turn, so every fold holds about 1/k of every class.
 * Each fold's network starts from the same seed as a plain run would.
 * A regression target is scaled by the statistics of the fold's own
 * training rows, and with standardize_folds the features are too, as a
 * plain run on those rows would be, so that nothing of the held-out fold
 * enters the fit; predictions of a target are mapped back before they
 * are scored.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/mem.h"
#include "engine/split.h"
#include "mlp/train.h"

/* Buffers of a cross-validation: row order and the two sides of a fold. */
typedef struct folds {
    size_t *order, *count;
    float *x_fit, *y_fit, *x_test, *y_test, *out;
    float *mean, *scale;    /* a fold's feature scaling, d each */
    double *score;
    void *block;
} folds;

/* Place the buffers in arena a for n rows of d features, k outputs and
 * n_folds folds. */
static void layout(folds *f, size_t n, size_t d, size_t k, size_t n_classes,
                   size_t n_folds, mlp_arena *a)
{
    size_t nd = 0, nk = 0;

    if (!mlp_size_mul(n, d, &nd) || !mlp_size_mul(n, k, &nk))
        a->overflow = 1;
    f->order = mlp_arena_take(a, n, sizeof(size_t));
    f->count = mlp_arena_take(a, n_classes + 1, sizeof(size_t));
    f->x_fit = mlp_arena_take(a, nd, sizeof(float));
    f->y_fit = mlp_arena_take(a, n, sizeof(float));
    f->x_test = mlp_arena_take(a, nd, sizeof(float));
    f->y_test = mlp_arena_take(a, n, sizeof(float));
    f->out = mlp_arena_take(a, nk, sizeof(float));
    f->mean = mlp_arena_take(a, d, sizeof(float));
    f->scale = mlp_arena_take(a, d, sizeof(float));
    f->score = mlp_arena_take(a, n_folds, sizeof(double));
}

/* Copy the rows of fold i (every n_folds-th of the order) to the test
 * side and the rest to the fitting side; returns the test rows. */
static size_t deal(folds *f, const float *x, const float *y, size_t n,
                   size_t d, size_t n_folds, size_t i)
{
    size_t n_fit = 0, n_test = 0;

    for (size_t j = 0; j < n; j++) {
        size_t row = f->order[j];
        int test = j % n_folds == i;
        float *dst = test ? f->x_test + n_test * d : f->x_fit + n_fit * d;

        memcpy(dst, x + row * d, d * sizeof(float));
        if (test)
            f->y_test[n_test++] = y[row];
        else
            f->y_fit[n_fit++] = y[row];
    }
    return n_test;
}

/* Accuracy (classification) or root mean squared error (regression) of
 * net's outputs f->out on the n test rows. */
static double score(const mlp_net *net, const folds *f, size_t n)
{
    size_t k = net->width[net->n_layers], right = 0;
    double ss = 0.0;

    for (size_t i = 0; i < n; i++) {
        const float *p = f->out + i * k;
        size_t best = 0;

        for (size_t j = 1; j < k; j++)
            if (p[j] > p[best])
                best = j;
        if (net->output == MLP_OUTPUT_SIGMOID)
            best = p[0] > 0.5f;
        if (net->output == MLP_OUTPUT_LINEAR)
            ss += ((double)p[0] - f->y_test[i]) * (p[0] - f->y_test[i]);
        else
            right += best == (size_t)f->y_test[i];
    }
    if (net->output == MLP_OUTPUT_LINEAR)
        return sqrt(ss / (double)n);
    return (double)right / (double)n;
}

/* Train a fresh network on fold i's fitting side and score it on its
 * test side into f->score[i]; returns a status. */
static mlp_status fold(const mlp_net *proto, folds *f, const float *x,
                       const float *y, size_t n, size_t n_folds, size_t i,
                       const mlp_train_options *o, mlp_error *err)
{
    size_t d = proto->width[0], n_test, n_fit;
    int regress = proto->output == MLP_OUTPUT_LINEAR;
    float y_mean = 0.0f, y_scale = 1.0f;
    mlp_net net;
    mlp_infer *ws;
    mlp_status st;

    /* the fold's rows, scaled by its training side, and its network */
    n_test = deal(f, x, y, n, d, n_folds, i);
    n_fit = n - n_test;
    if (o->standardize_folds) {
        mlp_scale_fit(f->x_fit, n_fit, d, f->mean, f->scale);
        mlp_scale_apply(f->x_fit, n_fit, d, f->mean, f->scale);
        mlp_scale_apply(f->x_test, n_test, d, f->mean, f->scale);
    }
    if (regress) {
        mlp_scale_fit(f->y_fit, n_fit, 1, &y_mean, &y_scale);
        mlp_scale_apply(f->y_fit, n_fit, 1, &y_mean, &y_scale);
    }
    st = mlp_net_copy(&net, proto, err);
    if (st != MLP_STATUS_OK)
        return st;
    mlp_net_randomize(&net, o->seed);

    /* fit, then predict the held-out rows */
    st = mlp_train(&net, f->x_fit, f->y_fit, n_fit, o, NULL, err);
    if (st == MLP_STATUS_OK) {
        ws = mlp_infer_new(&net, n_test);
        if (ws == NULL)
            st = mlp_error_set(err, MLP_STATUS_NOMEM, "out of memory");
        else
            mlp_net_forward(&net, ws, f->x_test, n_test, f->out);
        for (size_t j = 0; regress && j < n_test; j++)
            f->out[j] = f->out[j] * y_scale + y_mean;
        mlp_infer_free(ws);
    }
    if (st == MLP_STATUS_OK)
        f->score[i] = score(&net, f, n_test);
    mlp_net_free(&net);
    return st;
}

/* Prefix err's text with the fold that failed. */
static void name_fold(mlp_error *err, size_t i, size_t n_folds)
{
    char text[sizeof err->text + 64];

    if (err == NULL)
        return;
    snprintf(text, sizeof text, "fold %zu of %zu: %s", i + 1, n_folds,
             err->text);
    memcpy(err->text, text, sizeof err->text - 1);
    err->text[sizeof err->text - 1] = '\0';
}

mlp_status mlp_train_cv(const mlp_net *proto, const float *x, const float *y,
                        size_t n_rows, size_t k, const mlp_train_options *o,
                        double *mean, double *sd, mlp_error *err)
{
    size_t n_classes = mlp_split_classes(proto);
    size_t d = proto->width[0], n_out = proto->width[proto->n_layers];
    mlp_arena a = { NULL, 0, 0 };
    mlp_status st = MLP_STATUS_OK;
    double sum = 0.0, ss = 0.0;
    folds f;
    mlp_rng rng;

    /* the folds' count, the data, and the buffers */
    *mean = *sd = 0.0;
    if (k < 2 || k > n_rows)
        return mlp_error_set(err, MLP_STATUS_USAGE,
                             "%zu folds of %zu rows: it takes 2 to one a row",
                             k, n_rows);
    st = mlp_split_check(proto, x, y, n_rows, err);
    if (st != MLP_STATUS_OK)
        return st;
    layout(&f, n_rows, d, n_out, n_classes, k, &a);
    if (a.overflow || (f.block = mlp_aligned_alloc(a.used)) == NULL)
        return mlp_error_set(err, MLP_STATUS_NOMEM,
                             "cannot allocate the %zu bytes the folds need",
                             a.used);
    a.base = f.block;
    a.used = 0;
    layout(&f, n_rows, d, n_out, n_classes, k, &a);

    /* deal the rows, then train and score fold by fold */
    mlp_rng_seed(&rng, o->seed ^ 0x666f6c6473000000u);
    mlp_split_order(y, n_rows, n_classes, &rng, f.order, f.count);
    for (size_t i = 0; i < k && st == MLP_STATUS_OK; i++) {
        st = fold(proto, &f, x, y, n_rows, k, i, o, err);
        if (st != MLP_STATUS_OK)
            name_fold(err, i, k);
    }

    /* mean and population standard deviation of the scores */
    for (size_t i = 0; i < k && st == MLP_STATUS_OK; i++)
        sum += f.score[i];
    *mean = st == MLP_STATUS_OK ? sum / (double)k : 0.0;
    for (size_t i = 0; i < k && st == MLP_STATUS_OK; i++)
        ss += (f.score[i] - *mean) * (f.score[i] - *mean);
    *sd = st == MLP_STATUS_OK ? sqrt(ss / (double)k) : 0.0;
    free(f.block);
    return st;
}
