/* train.c -- mini-batch training: shuffling, the batch loop, validation,
 * early stopping and divergence.
 *
 * Every buffer of a run is sized and allocated, and every thread started,
 * before the first epoch; the epochs allocate nothing.  A batch goes
 * through the network in one piece: its products are cut into fixed
 * panels that the worker threads share (see mlp_gemm_par), and the
 * optimiser's step into fixed ranges, so the result is the same bits for
 * any thread count.  Networks too small for threads to pay are trained
 * on the caller alone, which changes nothing but the time.
 *
 * The gradient of a batch is the mean over its rows, the last, shorter
 * batch of an epoch included, plus l2 w for every weight (biases are not
 * decayed).  The losses reported, per epoch and in the result, are mean
 * data losses without the l2/2 ||W||^2 penalty, so that training and
 * validation figures compare; the squared error is (y - t)^2 / 2.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/grad.h"
#include "engine/mem.h"
#include "engine/optim.h"
#include "engine/pool.h"
#include "engine/rng.h"
#include "engine/split.h"
#include "mlp/train.h"

#define MAX_THREADS 1024

/* Threads pay only when a step has at least this many multiply-adds
 * (forward and backward).  A 64-128-10 network's step of 64 rows has 1.8
 * million, and only two of its products are big enough to share (see
 * mlp_gemm_par), half its work: two threads would save a quarter of a
 * step of some 40 microseconds at best, less the hand-outs.  A
 * 784-512-512-10 network's step of 128 rows has 257 million. */
#define POOL_MIN_MACS (4.0 * 1024.0 * 1024.0)

/* Parameters an optimiser task updates: a multiple of any vector width */
#define STEP_RANGE 16384

/* Rows a task gathers from the training data into a batch */
#define GATHER_ROWS 32

/* Most rows that go through the network at once: a larger batch is
 * taken in parts of this many rows (the last one shorter), whose
 * gradients add up, so that its scratch stays small. */
#define PASS_ROWS 1024

/* The defaults:
 *     epochs 500, batch 32, rate 0.03, optim adam with beta1 0.9,
 *     beta2 0.999 and eps 1e-8; momentum 0.9 (used by optim momentum);
 *     l2 0; validation 0 (none); patience 0 (never stop early); seed 1;
 *     threads 0 (one); cross-validation folds standardised by their own
 *     training rows; no report callback, no stop flag.
 * With them a 2-8-1 network separates the two crescents of
 * data/points.csv (300 rows, standardised) completely with a sigmoid or
 * tanh hidden layer for seeds 1 to 8, and with relu for 7 of them (the
 * eighth misses one row); 200 epochs left sigmoid on a plateau near 93%
 * for some seeds. */
void mlp_train_defaults(mlp_train_options *o)
{
    memset(o, 0, sizeof *o);
    o->epochs = 500;
    o->batch = 32;
    o->rate = 0.03f;
    o->optim = MLP_OPTIM_ADAM;
    o->momentum = 0.9f;
    o->beta1 = 0.9f;
    o->beta2 = 0.999f;
    o->eps = 1e-8f;
    o->l2 = 0.0f;
    o->validation = 0.0f;
    o->standardize_folds = 1;
    o->patience = 0;
    o->seed = 1;
    o->threads = 0;
}

/* The training generator's stream: the seed is mixed with this, so
 * that shuffling and the split do not repeat the initial weights' draws. */
#define TRAIN_STREAM 0x747261696e000000u

/* One training run: the data, its split, and every buffer it needs. */
typedef struct run {
    mlp_net *net;
    const float *x, *y;
    const mlp_train_options *o;
    size_t n_rows, n_train, n_val, batch, n_classes;
    size_t *idx;            /* training rows [0, n_train), then held out */
    size_t *order;          /* scratch for the split */
    size_t *count;          /* n_classes: rows a class */
    float *grad;            /* the batch's gradient, like params */
    float *last_good;       /* params at the end of the last finite epoch */
    float *best;            /* params of the best validation epoch */
    mlp_optim_state opt;
    mlp_grad_ws ws;         /* the batch's rows, activations and deltas */
    mlp_pool *pool;         /* NULL with one worker */
    void *block;
    mlp_rng rng;
    struct timespec t0;
    const size_t *job_rows; /* the rows being gathered */
    size_t job_n;
} run;

/* Seconds since the run started. */
static double elapsed(const run *r)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - r->t0.tv_sec)
           + 1e-9 * (double)(t.tv_nsec - r->t0.tv_nsec);
}

/* Check the options against the data; returns a status. */
static mlp_status check_options(const mlp_train_options *o, size_t n_rows,
                                mlp_error *err)
{
    const char *bad = NULL;

    if (n_rows == 0)
        bad = "there are no rows to train on";
    else if (o->epochs == 0)
        bad = "the number of epochs must be at least 1";
    else if (o->batch == 0)
        bad = "the batch size must be at least 1";
    else if (!(o->rate > 0.0f) || !isfinite(o->rate))
        bad = "the learning rate must be a positive number";
    else if (!(o->momentum >= 0.0f && o->momentum < 1.0f))
        bad = "the momentum must be at least 0 and below 1";
    else if (!(o->beta1 >= 0.0f && o->beta1 < 1.0f)
             || !(o->beta2 >= 0.0f && o->beta2 < 1.0f) || !(o->eps > 0.0f)
             || !isfinite(o->eps))
        bad = "adam needs 0 <= beta1, beta2 < 1 and eps > 0";
    else if (!(o->l2 >= 0.0f) || !isfinite(o->l2))
        bad = "the weight decay must be a number of at least 0";
    else if (!(o->validation >= 0.0f && o->validation < 1.0f))
        bad = "the validation share must be at least 0 and below 1";
    else if (o->patience > 0 && o->validation == 0.0f)
        bad = "patience needs a validation share to judge the epochs by";
    else if (o->threads > MAX_THREADS)
        bad = "too many threads";
    else if ((unsigned)o->optim > MLP_OPTIM_ADAM)
        bad = "unknown optimiser";
    if (bad != NULL)
        return mlp_error_set(err, MLP_STATUS_USAGE, "%s", bad);
    return MLP_STATUS_OK;
}

/* Hold out a share v of the n rows of y, stratified by class: each of
 * the n_classes classes (one group for 0, regression) gives its share,
 * rounded, from the shuffled order rng deals.  idx gets the training
 * rows first, *n_train of them, then the held-out ones in ascending
 * order; order (n) and count (n_classes + 1) are scratch.  Returns a
 * status. */
static mlp_status hold_out(const float *y, size_t n, size_t n_classes,
                           double v, mlp_rng *rng, size_t *order,
                           size_t *count, size_t *idx, size_t *n_train,
                           mlp_error *err)
{
    size_t n_groups = n_classes > 0 ? n_classes : 1;
    size_t start = 0, ti = 0, vi, n_val = 0;

    *n_train = n;
    if (v == 0.0) {
        for (size_t i = 0; i < n; i++)
            idx[i] = i;
        return MLP_STATUS_OK;
    }
    mlp_split_order(y, n, n_classes, rng, order, count);
    if (n_classes == 0)
        count[0] = n;

    /* held-out rows a group, then where they go */
    for (size_t c = 0; c < n_groups; c++)
        n_val += (size_t)(count[c] * v + 0.5);
    if (n_val == 0 || n_val >= n)
        return mlp_error_set(err, MLP_STATUS_USAGE,
                             "a validation share of %g leaves %s of %zu "
                             "rows", v, n_val == 0 ? "no held-out row"
                             : "no training row", n);
    *n_train = n - n_val;
    vi = *n_train;
    for (size_t c = 0; c < n_groups; c++) {
        size_t hold = (size_t)(count[c] * v + 0.5);

        for (size_t j = 0; j < count[c]; j++)
            idx[j < hold ? vi++ : ti++] = order[start + j];
        start += count[c];
    }

    /* the held-out rows in the order of the data, so that scoring them
     * reads memory forwards: order, no longer needed, marks them */
    for (size_t i = 0; i < n; i++)
        order[i] = 0;
    for (size_t k = *n_train; k < n; k++)
        order[idx[k]] = 1;
    for (size_t i = 0, k = *n_train; i < n; i++)
        if (order[i])
            idx[k++] = i;
    return MLP_STATUS_OK;
}

/* The run's split: o->validation of the rows held out. */
static mlp_status split(run *r, mlp_error *err)
{
    mlp_status st;

    st = hold_out(r->y, r->n_rows, r->n_classes, r->o->validation, &r->rng,
                  r->order, r->count, r->idx, &r->n_train, err);
    r->n_val = st == MLP_STATUS_OK ? r->n_rows - r->n_train : 0;
    return st;
}

/* Place every buffer of the run in arena a (see mem.h). */
static void layout(run *r, mlp_arena *a)
{
    size_t p = r->net->n_params;
    mlp_pool *pool = r->ws.pool;

    r->idx = mlp_arena_take(a, r->n_rows, sizeof(size_t));
    r->order = mlp_arena_take(a, r->n_rows, sizeof(size_t));
    r->count = mlp_arena_take(a, r->n_classes + 1, sizeof(size_t));
    r->grad = mlp_arena_take(a, p, sizeof(float));
    r->last_good = mlp_arena_take(a, p, sizeof(float));
    r->best = mlp_arena_take(a, r->o->validation > 0.0f ? p : 0,
                             sizeof(float));
    mlp_optim_layout(&r->opt, r->o, p, a);
    mlp_grad_ws_layout(&r->ws, r->net,
                       r->batch < PASS_ROWS ? r->batch : PASS_ROWS, a);
    r->ws.pool = pool;
}

/* Multiply-adds of one step of a full batch: the forward product and
 * the two of the backward pass, at every layer. */
static double step_macs(const run *r)
{
    double per_row = 0.0;

    for (size_t l = 0; l < r->net->n_layers; l++)
        per_row += (double)r->net->width[l] * (double)r->net->width[l + 1];
    return 3.0 * per_row * (double)r->batch;
}

/* Returns the worker threads to start for o->threads: no more than the
 * processors online, since the workers poll for a while between tasks
 * and more of them than processors would only take turns. */
static size_t workers(const mlp_train_options *o)
{
    size_t threads = o->threads > 0 ? o->threads : 1;
    long online = sysconf(_SC_NPROCESSORS_ONLN);

    if (online > 0 && threads > (size_t)online)
        threads = (size_t)online;
    return threads;
}

/* Size and allocate everything, start the workers when the network is
 * big enough for them to pay; returns a status. */
static mlp_status setup(run *r, mlp_error *err)
{
    mlp_arena a = { NULL, 0, 0 };
    size_t threads = workers(r->o);
    mlp_status st;

    /* the workers, which decide the time and never the bits */
    if (threads > 1 && step_macs(r) >= POOL_MIN_MACS) {
        st = mlp_pool_new(&r->pool, threads, err);
        if (st != MLP_STATUS_OK)
            return st;
    }
    r->ws.pool = r->pool;

    /* one block for every buffer: measure, allocate, place */
    layout(r, &a);
    if (a.overflow || (r->block = mlp_aligned_alloc(a.used)) == NULL)
        return mlp_error_set(err, MLP_STATUS_NOMEM,
                             "cannot allocate the %zu bytes training needs",
                             a.used);
    a.base = r->block;
    a.used = 0;
    layout(r, &a);
    mlp_optim_reset(&r->opt);
    return MLP_STATUS_OK;
}

/* Free what setup made. */
static void teardown(run *r)
{
    mlp_pool_free(r->pool);
    free(r->block);
}

/* Gather task t: rows [t GATHER_ROWS, (t+1) GATHER_ROWS) of the job's
 * n, and their targets, into the scratch. */
static void gather_task(void *ctx, size_t t, size_t worker)
{
    run *r = ctx;
    size_t d = r->net->width[0], first = t * GATHER_ROWS;
    size_t end = first + GATHER_ROWS < r->job_n ? first + GATHER_ROWS
                                                : r->job_n;

    (void)worker;
    for (size_t i = first; i < end; i++) {
        size_t row = r->job_rows[i];
        float *dst = r->ws.x + i * d;
        const float *src = r->x + row * d;

        /* narrow rows: a call to memcpy per row costs more than the copy */
        if (d < 16)
            for (size_t j = 0; j < d; j++)
                dst[j] = src[j];
        else
            memcpy(dst, src, d * sizeof(float));
        r->ws.t[i] = r->y[row];
    }
}

/* Gather n rows and their targets into the scratch: rows picked at
 * random wait on memory, so the workers share them. */
static void gather(run *r, const size_t *rows, size_t n)
{
    r->job_rows = rows;
    r->job_n = n;
    mlp_pool_run(r->pool, gather_task, r, n / GATHER_ROWS
                                          + (n % GATHER_ROWS != 0));
}

/* Whether rows[0..n) are consecutive rows of the data, in order. */
static int in_order(const size_t *rows, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (rows[i] != rows[0] + i)
            return 0;
    return 1;
}

/* The summed loss of n rows (at most a pass), with scale times the sum
 * of their gradients put in grad when backward is 1, added to it when
 * 2; the rows right go to *right. */
static double pass(run *r, const size_t *rows, size_t n, int backward,
                   float scale, size_t *right)
{
    mlp_grad_ws *ws = &r->ws;

    /* rows in order, as the final score takes them, are read in place */
    if (backward == 0 && in_order(rows, n)) {
        size_t first = n > 0 ? rows[0] : 0;

        return mlp_grad_loss(r->net, ws, r->x + first * r->net->width[0],
                             r->y + first, n, right);
    }
    gather(r, rows, n);
    if (backward == 1)
        return mlp_grad_compute(r->net, ws, ws->x, ws->t, n, scale, r->grad,
                                right);
    if (backward == 2)
        return mlp_grad_compute_add(r->net, ws, ws->x, ws->t, n, scale,
                                    r->grad, right);
    return mlp_grad_loss(r->net, ws, ws->x, ws->t, n, right);
}

/* The summed loss of n rows, pass by pass, the sums in order, with their
 * mean gradient into grad when backward; the rows right go to *right. */
static double batch_pass(run *r, const size_t *rows, size_t n, int backward,
                         size_t *right)
{
    size_t most = r->ws.max_rows;
    double loss = 0.0;

    *right = 0;
    for (size_t s = 0; s < n; s += most) {
        size_t m = n - s < most ? n - s : most, part;

        loss += pass(r, rows + s, m, backward ? 1 + (s > 0) : 0,
                     1.0f / (float)n, &part);
        *right += part;
    }
    return loss;
}

/* Optimiser task t: weight decay and the step on its range. */
static void step_task(void *ctx, size_t t, size_t worker)
{
    run *r = ctx;
    size_t first = t * STEP_RANGE, n = r->net->n_params - first;

    (void)worker;
    if (n > STEP_RANGE)
        n = STEP_RANGE;
    if (r->o->l2 != 0.0f)
        mlp_grad_add_l2_range(r->net, r->grad, r->o->l2, first, n);
    mlp_optim_apply(&r->opt, r->net->params, r->grad, first, n);
}

/* One optimiser step from the batch's gradient, range by range. */
static void step(run *r)
{
    size_t p = r->net->n_params;

    mlp_optim_begin(&r->opt);
    mlp_pool_run(r->pool, step_task, r, p / STEP_RANGE + (p % STEP_RANGE
                                                          != 0));
}

/* Mean loss and accuracy of the current weights on n rows. */
static void evaluate(run *r, const size_t *rows, size_t n, double *loss,
                     double *accuracy)
{
    size_t right;

    *loss = batch_pass(r, rows, n, 0, &right) / (double)n;
    *accuracy = r->n_classes > 0 ? (double)right / (double)n : 0.0;
}

/* One pass over the shuffled training rows, a step a batch.  Returns
 * MLP_STATUS_OK, MLP_STATUS_DIVERGED (before stepping on a non-finite
 * loss) or MLP_STATUS_INTERRUPTED (at a batch boundary). */
static mlp_status epoch(run *r, double *loss, double *accuracy)
{
    double total = 0.0;
    size_t n_right = 0;

    mlp_rng_shuffle(&r->rng, r->idx, r->n_train);
    for (size_t s = 0; s < r->n_train; s += r->batch) {
        size_t n = r->n_train - s < r->batch ? r->n_train - s : r->batch;
        size_t right;
        double bl;

        /* the batch's mean gradient, then the step */
        if (r->o->stop != NULL && *r->o->stop)
            return MLP_STATUS_INTERRUPTED;
        bl = batch_pass(r, r->idx + s, n, 1, &right);
        if (!isfinite(bl)) {
            *loss = bl;
            return MLP_STATUS_DIVERGED;
        }
        step(r);
        total += bl;
        n_right += right;
    }
    *loss = total / (double)r->n_train;
    *accuracy = r->n_classes > 0 ? (double)n_right / (double)r->n_train
                                 : 0.0;
    return MLP_STATUS_OK;
}

/* 1 when every parameter is finite. */
static int all_finite(const mlp_net *net)
{
    for (size_t i = 0; i < net->n_params; i++)
        if (!isfinite(net->params[i]))
            return 0;
    return 1;
}

/* Fill the report's validation figures for the current weights. */
static void validate(run *r, mlp_report *rep)
{
    if (r->n_val == 0)
        return;
    rep->has_validation = 1;
    evaluate(r, r->idx + r->n_train, r->n_val, &rep->val_loss,
             &rep->val_accuracy);
}

/* Put back the last finite weights; returns MLP_STATUS_DIVERGED with a
 * message naming the epoch. */
static mlp_status diverged(run *r, size_t e, double loss, mlp_error *err)
{
    memcpy(r->net->params, r->last_good,
           r->net->n_params * sizeof(float));
    return mlp_error_set(err, MLP_STATUS_DIVERGED,
                         "loss became %s at epoch %zu; try a smaller "
                         "learning rate",
                         isnan(loss) ? "NaN" : "infinite", e);
}

/* The epochs, with a report after each, the finite and best weights kept
 * aside; fills res's epoch counts and returns a status. */
static mlp_status train_epochs(run *r, mlp_train_result *res, mlp_error *err)
{
    const mlp_train_options *o = r->o;
    size_t p = r->net->n_params, best_epoch = 0;
    double best_val = INFINITY;
    mlp_status st = MLP_STATUS_OK;

    memcpy(r->last_good, r->net->params, p * sizeof(float));
    for (size_t e = 1; e <= o->epochs; e++) {
        mlp_report rep = { .epoch = e, .n_epochs = o->epochs,
                           .rate = o->rate };

        /* train, validate, and check that all is finite */
        st = epoch(r, &rep.loss, &rep.accuracy);
        if (st == MLP_STATUS_INTERRUPTED) {
            mlp_error_set(err, st, "interrupted in epoch %zu", e);
            break;
        }
        if (st == MLP_STATUS_OK)
            validate(r, &rep);
        if (st == MLP_STATUS_OK && (!isfinite(rep.val_loss)
                                    || !all_finite(r->net)))
            rep.loss = isfinite(rep.val_loss) ? INFINITY : rep.val_loss;
        if (!isfinite(rep.loss)) {
            st = diverged(r, e, rep.loss, err);
            break;
        }
        memcpy(r->last_good, r->net->params, p * sizeof(float));
        res->epochs_run = e;

        /* the best validation loss so far, and the report */
        if (rep.has_validation && rep.val_loss < best_val) {
            best_val = rep.val_loss;
            best_epoch = e;
            memcpy(r->best, r->net->params, p * sizeof(float));
        }
        rep.seconds = elapsed(r);
        if (o->report != NULL)
            o->report(&rep, o->report_ctx);
        if (o->patience > 0 && e - best_epoch >= o->patience)
            break;
    }

    /* with patience, the best epoch's weights are the ones kept */
    res->best_epoch = res->epochs_run;
    if (o->patience > 0 && best_epoch > 0 && st != MLP_STATUS_DIVERGED) {
        memcpy(r->net->params, r->best, p * sizeof(float));
        res->best_epoch = best_epoch;
    }
    return st;
}

mlp_status mlp_train(mlp_net *net, const float *x, const float *y,
                     size_t n_rows, const mlp_train_options *o,
                     mlp_train_result *res, mlp_error *err)
{
    mlp_train_result spare;
    run r;
    mlp_status st;

    /* options and data */
    if (res == NULL)
        res = &spare;
    memset(res, 0, sizeof *res);
    st = check_options(o, n_rows, err);
    if (st == MLP_STATUS_OK)
        st = mlp_split_check(net, x, y, n_rows, err);
    if (st != MLP_STATUS_OK)
        return st;

    /* the run: buffers, threads, the split */
    memset(&r, 0, sizeof r);
    r.net = net;
    r.x = x;
    r.y = y;
    r.o = o;
    r.n_rows = n_rows;
    r.n_classes = mlp_split_classes(net);
    r.batch = o->batch < n_rows ? o->batch : n_rows;
    clock_gettime(CLOCK_MONOTONIC, &r.t0);
    mlp_rng_seed(&r.rng, o->seed ^ TRAIN_STREAM);
    st = setup(&r, err);
    if (st == MLP_STATUS_OK)
        st = split(&r, err);
    if (st != MLP_STATUS_OK) {
        teardown(&r);
        return st;
    }
    if (r.batch > r.n_train)
        r.batch = r.n_train;

    /* train, then score the weights kept; without held-out rows the
     * training rows are all the rows, taken in order and in place */
    st = train_epochs(&r, res, err);
    if (r.n_val == 0)
        for (size_t i = 0; i < r.n_train; i++)
            r.idx[i] = i;
    evaluate(&r, r.idx, r.n_train, &res->loss, &res->accuracy);
    if (r.n_val > 0) {
        res->has_validation = 1;
        evaluate(&r, r.idx + r.n_train, r.n_val, &res->val_loss,
                 &res->val_accuracy);
    }
    res->seconds = elapsed(&r);
    teardown(&r);
    return st;
}

mlp_status mlp_train_holdout(const mlp_net *net, const float *y,
                             size_t n_rows, const mlp_train_options *o,
                             size_t *rows, size_t *n_train, mlp_error *err)
{
    size_t n_classes = mlp_split_classes(net);
    size_t *order, *count;
    mlp_status st;
    mlp_rng rng;

    *n_train = 0;
    if (!(o->validation >= 0.0f && o->validation < 1.0f))
        return mlp_error_set(err, MLP_STATUS_USAGE, "the validation share "
                             "must be at least 0 and below 1");
    for (size_t i = 0; i < n_rows && n_classes > 0; i++)
        if (!(y[i] >= 0.0f && y[i] < (float)n_classes
              && y[i] == floorf(y[i])))
            return mlp_error_set(err, MLP_STATUS_DATA,
                                 "row %zu: the label is not a class of "
                                 "the network", i + 1);
    order = malloc((n_rows > 0 ? n_rows : 1) * sizeof *order);
    count = malloc((n_classes + 1) * sizeof *count);
    if (order == NULL || count == NULL) {
        free(order);
        free(count);
        return mlp_error_set(err, MLP_STATUS_NOMEM, "out of memory");
    }

    /* the generator exactly as mlp_train seeds it, before its first use */
    mlp_rng_seed(&rng, o->seed ^ TRAIN_STREAM);
    st = hold_out(y, n_rows, n_classes, o->validation, &rng, order, count,
                  rows, n_train, err);
    free(order);
    free(count);
    return st;
}
