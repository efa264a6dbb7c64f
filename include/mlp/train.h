/* train.h -- fitting a network by mini-batch gradient descent.
 *
 * The rows given to the trainer are already standardised (see
 * mlp_scale_apply) and, for regression, so are the targets; the labels of
 * a classification are class indices stored as floats.
 */
#ifndef MLP_TRAIN_H
#define MLP_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "net.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mlp_optim {
    MLP_OPTIM_SGD = 0,
    MLP_OPTIM_MOMENTUM,
    MLP_OPTIM_ADAM
} mlp_optim;

/* What the trainer reports after an epoch.  accuracy fields are only
 * meaningful for classification; validation fields only when held out. */
typedef struct mlp_report {
    size_t epoch;           /* 1-based, epochs done so far */
    size_t n_epochs;        /* epochs asked for */
    double loss;            /* mean training loss over the epoch */
    double accuracy;        /* training accuracy over the epoch, 0..1 */
    int has_validation;
    double val_loss;
    double val_accuracy;
    double rate;            /* learning rate used */
    double seconds;         /* since training started */
} mlp_report;

typedef void (*mlp_report_fn)(const mlp_report *report, void *ctx);

typedef struct mlp_train_options {
    size_t epochs;          /* passes over the training rows */
    size_t batch;           /* rows per step; the last batch may be short */
    float rate;             /* learning rate */
    mlp_optim optim;
    float momentum;         /* for MLP_OPTIM_MOMENTUM */
    float beta1, beta2, eps;/* for MLP_OPTIM_ADAM */
    float l2;               /* weight decay on weights, not biases */
    float validation;       /* share of rows held out, stratified; 0 none */
    size_t patience;        /* stop after this many epochs without a better
                             * validation loss, keeping the best; 0 never */
    uint64_t seed;          /* shuffling and the validation split */
    unsigned threads;       /* worker threads; results do not depend on it */
    int standardize_folds;  /* mlp_train_cv: standardise each fold's
                             * features by its training rows (see
                             * there); default 1 */
    mlp_report_fn report;   /* called after every epoch, may be NULL */
    void *report_ctx;
    volatile int *stop;     /* when non-NULL and set, stop at the next
                             * batch boundary with MLP_STATUS_INTERRUPTED */
} mlp_train_options;

/* Fill *o with the documented defaults. */
void mlp_train_defaults(mlp_train_options *o);

typedef struct mlp_train_result {
    size_t epochs_run;
    size_t best_epoch;      /* the epoch whose weights were kept */
    double loss, accuracy;  /* training figures of the kept weights */
    int has_validation;
    double val_loss, val_accuracy;
    double seconds;
} mlp_train_result;

/* Train net (already initialised and randomised) on n_rows rows of x
 * (n_rows x net->width[0]) with labels y.  Returns MLP_STATUS_OK;
 * MLP_STATUS_DIVERGED when the loss stops being finite (net then holds
 * the last finite weights); MLP_STATUS_INTERRUPTED when *o->stop was set
 * (net holds the weights after the last whole batch, or the best ones
 * with patience); MLP_STATUS_NOMEM; MLP_STATUS_USAGE for bad options.
 * res may be NULL. */
mlp_status mlp_train(mlp_net *net, const float *x, const float *y,
                     size_t n_rows, const mlp_train_options *o,
                     mlp_train_result *res, mlp_error *err);

/* The split mlp_train(net, ..., y, n_rows, o, ...) will make: rows
 * (n_rows of them) gets the training rows' numbers first, *n_train of
 * them, then the o->validation share held out, stratified by class, in
 * ascending order.  With no validation share every row trains, in
 * order.  It lets a caller fit the standardisation on the training rows
 * alone before training.
 * Returns MLP_STATUS_OK, USAGE (a share that leaves no row on one side),
 * DATA (a label that is not a class of net) or NOMEM. */
mlp_status mlp_train_holdout(const mlp_net *net, const float *y,
                             size_t n_rows, const mlp_train_options *o,
                             size_t *rows, size_t *n_train, mlp_error *err);

/* K-fold cross-validation: for each of k stratified folds, train a copy
 * of proto's architecture, freshly randomised from o->seed, on the other
 * folds and score it on this one.  For regression each fold standardises
 * the target, and with o->standardize_folds the features, by the
 * statistics of its training folds alone, so the held-out fold leaks
 * nothing into the fit (rows already standardised on all rows lose
 * nothing by it: a second standardisation undoes the first).  The score
 * is accuracy for classification and root mean squared error, in the
 * units of y, for regression.  Returns the mean and standard deviation. */
mlp_status mlp_train_cv(const mlp_net *proto, const float *x, const float *y,
                        size_t n_rows, size_t k, const mlp_train_options *o,
                        double *mean, double *sd, mlp_error *err);

#ifdef __cplusplus
}
#endif
#endif
