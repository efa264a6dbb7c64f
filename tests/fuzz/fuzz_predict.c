/* fuzz_predict.c -- libFuzzer target: a model and CSV rows, predicted.
 *
 * Input layout: a 4-byte little-endian length L, then L bytes of model
 * (fewer when the input is shorter), then the CSV text.  The model's
 * length field and checksum are made right before decoding, so that
 * mutations reach the body and the prediction instead of stopping at
 * the envelope.  Every row whose field count matches the model and whose
 * fields all read as numbers is predicted, in blocks of a few rows.
 *
 * Every model that decodes must encode, and decoding that encoding and
 * encoding again must give the same bytes (a save then a load changes
 * nothing).  Beyond memory safety the outputs are checked: class
 * probabilities lie in [0, 1], and no output is NaN whenever the
 * arithmetic cannot overflow.  That is decided by a bound carried
 * through the layers in double precision: |standardised input| <= X,
 * then per layer |pre-activation| <= max_j (sum_i |w_ij|) * X +
 * max_j |b_j|, reset to 1 after tanh and sigmoid.  A row whose bound
 * stays below BOUND_SAFE at every step, standardisation included (which
 * is done in float), must give finite network outputs.  With
 * MLP_FUZZ_NAN_STRICT=1 in the environment every finite row is held to
 * "no NaN", overflow or not.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "memfile.h"
#include "mlp/csv.h"
#include "mlp/model.h"
#include "model/format.h"

#define BLOCK 8             /* rows predicted together */
#define BOUND_SAFE 1e37     /* below FLT_MAX: sums cannot overflow */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Rows waiting for prediction, with the bound of each. */
typedef struct pending {
    const mlp_model *m;
    mlp_predictor *p;
    size_t n_out;
    size_t n;
    float *x;               /* BLOCK x n_features */
    float *out;             /* BLOCK x n_out */
    double bound[BLOCK];    /* of each row's network output */
    double gain[MLP_MAX_LAYERS];
    double bias[MLP_MAX_LAYERS];
    int strict;
} pending;

/* Each layer's largest row sum of |w| over its outputs and largest |b|:
 * the factors of the overflow bound. */
static void measure_layers(pending *q)
{
    const mlp_net *net = &q->m->net;

    for (size_t l = 0; l < net->n_layers; l++) {
        size_t n_in = net->width[l], n_out = net->width[l + 1];

        q->gain[l] = 0;
        q->bias[l] = 0;
        for (size_t j = 0; j < n_out; j++) {
            double s = 0;

            for (size_t i = 0; i < n_in; i++)
                s += fabs((double)net->w[l][i * n_out + j]);
            q->gain[l] = fmax(q->gain[l], s);
            q->bias[l] = fmax(q->bias[l], fabs((double)net->b[l][j]));
        }
    }
}

/* Bound on |value| at every step of the forward pass for a raw row x:
 * the largest over the standardised inputs and each layer's
 * pre-activations, or infinity once one reaches BOUND_SAFE. */
static double row_bound(const pending *q, const float *x)
{
    const mlp_model *m = q->m;
    double b = 0, worst;

    /* the standardised inputs, in double: no overflow here */
    for (size_t j = 0; j < m->n_features; j++)
        b = fmax(b, fabs(((double)x[j] - m->mean[j]) / m->scale[j]));
    worst = b;

    /* through the layers; squashing activations reset the bound to 1 */
    for (size_t l = 0; l < m->net.n_layers && worst < BOUND_SAFE; l++) {
        b = q->gain[l] * b + q->bias[l];
        worst = fmax(worst, b);
        if (l + 1 < m->net.n_layers && m->net.act != MLP_ACT_RELU)
            b = 1;
    }
    return worst < BOUND_SAFE ? worst : INFINITY;
}

/* Encode m, decode and encode again: the two encodings must be equal. */
static void round_trip(const mlp_model *m)
{
    unsigned char *a = NULL, *b = NULL;
    size_t n_a = 0, n_b = 0;
    mlp_model back;
    mlp_error e;

    if (mlp_model_encode(m, &a, &n_a, &e) != MLP_STATUS_OK)
        abort();
    if (mlp_model_decode(&back, a, n_a, &e) != MLP_STATUS_OK)
        abort();
    if (mlp_model_encode(&back, &b, &n_b, &e) != MLP_STATUS_OK)
        abort();
    if (n_a != n_b || memcmp(a, b, n_a) != 0)
        abort();
    mlp_model_free(&back);
    free(a);
    free(b);
}

/* Predict the waiting rows and check every output. */
static void flush(pending *q)
{
    if (q->n == 0)
        return;
    mlp_predictor_run(q->p, q->x, q->n, q->out);
    for (size_t i = 0; i < q->n; i++) {
        const float *o = q->out + i * q->n_out;
        int safe = q->strict || q->bound[i] < BOUND_SAFE;

        for (size_t k = 0; k < q->n_out; k++) {
            if (safe && isnan(o[k]))
                abort();
            if (q->m->task == MLP_TASK_CLASSIFY && !isnan(o[k]) &&
                !(o[k] >= 0.0f && o[k] <= 1.0f))
                abort();
        }
        if (mlp_argmax(o, q->n_out) >= q->n_out)
            abort();
    }
    q->n = 0;
}

/* Queue the current record when it is a row of n_features numbers. */
static void take_row(pending *q, const mlp_csv *r)
{
    size_t n_f = q->m->n_features, len;
    float *x = q->x + q->n * n_f;

    if (mlp_csv_n_fields(r) != n_f)
        return;
    for (size_t j = 0; j < n_f; j++) {
        const char *f = mlp_csv_field(r, j, &len);

        if (mlp_parse_float(f, len, &x[j]) != 0)
            return;
        if (!isfinite(x[j]))
            abort();
    }
    q->bound[q->n] = row_bound(q, x);
    if (++q->n == BLOCK)
        flush(q);
}

/* Stream the CSV at path through the model. */
static void predict_rows(const mlp_model *m, const char *path)
{
    pending q = { .m = m };
    mlp_csv *r;
    mlp_error e;

    /* scratch for one block */
    q.n_out = mlp_model_n_outputs(m);
    q.p = mlp_predictor_new(m, BLOCK);
    q.x = calloc(BLOCK * m->n_features, sizeof *q.x);
    q.out = calloc(BLOCK * q.n_out, sizeof *q.out);
    q.strict = getenv("MLP_FUZZ_NAN_STRICT") != NULL;
    if (q.p == NULL || q.x == NULL || q.out == NULL)
        goto done;
    measure_layers(&q);

    /* every record; errors end the stream, as they end mlppredict */
    if (mlp_csv_open(&r, path, NULL, &e) != MLP_STATUS_OK)
        goto done;
    while (mlp_csv_next(r, &e) == 1)
        take_row(&q, r);
    flush(&q);
    mlp_csv_close(r, &e);
done:
    mlp_predictor_free(q.p);
    free(q.x);
    free(q.out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *buf;
    size_t n_model;
    mlp_model m;
    mlp_error e;
    char path[64];
    int fd;

    /* split: length prefix, model, CSV */
    if (size < 4)
        return 0;
    n_model = mlp_model_get_u32(data);
    if (n_model > size - 4)
        n_model = size - 4;
    if (n_model < MLP_MODEL_MIN_LEN)
        return 0;

    /* the model, its envelope repaired */
    buf = malloc(n_model);
    if (buf == NULL)
        return 0;
    memcpy(buf, data + 4, n_model);
    mlp_model_put_u64(buf + MLP_MODEL_AT_LENGTH, n_model);
    mlp_model_put_u32(buf + n_model - 4,
                      mlp_model_checksum(buf, n_model - 4));
    if (mlp_model_decode(&m, buf, n_model, &e) != MLP_STATUS_OK) {
        free(buf);
        return 0;
    }
    free(buf);
    round_trip(&m);

    /* the rows */
    fd = memfile("fuzz_predict", data + 4 + n_model, size - 4 - n_model,
                 path, sizeof path);
    if (fd >= 0) {
        predict_rows(&m, path);
        close(fd);
    }
    mlp_model_free(&m);
    return 0;
}
