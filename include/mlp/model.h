/* model.h -- a trained network with everything prediction needs, and its
 * file format (documented byte by byte in mlp-model(5)).
 *
 * A model file is untrusted input: the reader bounds every count, checks
 * every size for overflow before allocating and verifies the checksum.
 * The writer replaces the target atomically, so a failed or interrupted
 * save leaves the previous file as it was.
 */
#ifndef MLP_MODEL_H
#define MLP_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "csv.h"
#include "net.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mlp_model {
    mlp_net net;            /* net.width[0] == n_features */
    mlp_task task;          /* MLP_TASK_CLASSIFY or MLP_TASK_REGRESS */
    size_t n_features;
    char **feature_names;   /* n_features names */
    char *label_name;
    size_t n_classes;       /* 0 for regression */
    char **classes;         /* class labels in class index order */
    float *mean;            /* n_features: subtracted from each feature */
    float *scale;           /* n_features: then divided by this */
    float y_mean, y_scale;  /* regression: prediction = y_mean + y_scale*out */

    /* Training metadata, kept for the record. */
    uint64_t epochs;        /* epochs run, over all sessions */
    uint64_t seed;
    float loss;             /* final training loss */
    char version[32];       /* version of the tool that wrote the file */
} mlp_model;

/* Serialise m into a new buffer (*buf, *len), freed by the caller. */
mlp_status mlp_model_encode(const mlp_model *m, unsigned char **buf,
                            size_t *len, mlp_error *err);

/* Parse len bytes at buf into *m.  Fails with MLP_STATUS_DATA and a
 * message that tells a file that is not a model, a truncated one, a
 * corrupted one (bad checksum, absurd counts, non-finite values) and one
 * written by a newer format version apart.  On failure *m is empty. */
mlp_status mlp_model_decode(mlp_model *m, const unsigned char *buf,
                            size_t len, mlp_error *err);

/* Write m to path atomically: a temporary file in the same folder,
 * flushed and synced, then renamed over path.  On failure path is
 * untouched and the temporary file removed.  MLP_STATUS_CANTCREAT when the
 * file cannot be created, MLP_STATUS_IO when writing it fails. */
mlp_status mlp_model_save(const mlp_model *m, const char *path,
                          mlp_error *err);

/* Read a model from path: MLP_STATUS_NOINPUT when it cannot be opened or
 * is not a regular file, otherwise as mlp_model_decode(). */
mlp_status mlp_model_load(mlp_model *m, const char *path, mlp_error *err);

/* Free everything *m owns and zero it.  m may be zeroed or NULL. */
void mlp_model_free(mlp_model *m);

/* Columns a prediction has per row: n_classes, or 1 for regression. */
size_t mlp_model_n_outputs(const mlp_model *m);

/* Prediction over batches of raw (unstandardised) rows. */
typedef struct mlp_predictor mlp_predictor;

/* Scratch for up to max_rows rows at a time; NULL when out of memory. */
mlp_predictor *mlp_predictor_new(const mlp_model *m, size_t max_rows);
void mlp_predictor_free(mlp_predictor *p);

/* Predict n_rows <= max_rows rows of x (n_rows x n_features, raw values)
 * into out (n_rows x mlp_model_n_outputs): one probability per class, or
 * the predicted value in the label's own units.  x is not modified. */
void mlp_predictor_run(mlp_predictor *p, const float *x, size_t n_rows,
                       float *out);

/* The index of the most probable class in one row of probabilities. */
size_t mlp_argmax(const float *p, size_t n);

#ifdef __cplusplus
}
#endif
#endif
