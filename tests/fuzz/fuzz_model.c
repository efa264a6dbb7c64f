/* fuzz_model.c -- libFuzzer target for the model reader.
 *
 * Each input is decoded twice: as it is, which exercises the envelope
 * (magic, length, checksum, version), and with its length field and
 * checksum made right, so that mutations reach the body's parser instead
 * of stopping at the checksum.  A model that decodes is then run on a row
 * of zeros and a row of ones.  The outputs are not checked: a valid model
 * may still overflow to infinity or NaN on extreme inputs (a tiny scale,
 * say); what the sanitizers check is that nothing is read or written out
 * of bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mlp/model.h"
#include "model/format.h"

/* Decode len bytes and, when they make a model, predict two rows. */
static void try_model(const unsigned char *buf, size_t len)
{
    mlp_model m;
    mlp_error err;
    mlp_predictor *p;
    float *x, *out;
    size_t n_out;

    if (mlp_model_decode(&m, buf, len, &err) != MLP_STATUS_OK)
        return;
    n_out = mlp_model_n_outputs(&m);
    p = mlp_predictor_new(&m, 1);
    x = calloc(m.n_features, sizeof *x);
    out = calloc(n_out, sizeof *out);
    if (p != NULL && x != NULL && out != NULL) {
        /* zeros, then ones */
        for (int pass = 0; pass < 2; pass++) {
            for (size_t j = 0; j < m.n_features; j++)
                x[j] = (float)pass;
            mlp_predictor_run(p, x, 1, out);
            if (mlp_argmax(out, n_out) >= n_out)
                abort();
        }
    }
    free(x);
    free(out);
    mlp_predictor_free(p);
    mlp_model_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *fixed;

    /* as given */
    try_model(data, size);

    /* with the envelope repaired */
    if (size < MLP_MODEL_MIN_LEN)
        return 0;
    fixed = malloc(size);
    if (fixed == NULL)
        return 0;
    memcpy(fixed, data, size);
    mlp_model_put_u64(fixed + MLP_MODEL_AT_LENGTH, size);
    mlp_model_put_u32(fixed + size - 4,
                      mlp_model_checksum(fixed, size - 4));
    try_model(fixed, size);
    free(fixed);
    return 0;
}
