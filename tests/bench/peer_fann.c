/* peer_fann.c -- the FANN side of the benchmark: train a network on a CSV
 * file with FANN's per-row (incremental) backpropagation.
 *
 * Usage: peer_fann FILE HIDDEN ACT EPOCHS RATE SEED
 *   FILE     CSV with a header row, numeric features, a class label last
 *   HIDDEN   hidden widths, e.g. 128 or 64,32
 *   ACT      sigmoid, or relu (FANN 2.2 has no ReLU: its nearest unit,
 *            FANN_LINEAR_PIECE, a line clipped to [0,1], stands in)
 * Features are standardised to mean 0 and spread 1, as mlptrain does.
 * Two classes get one sigmoid output, more get one sigmoid output per
 * class (FANN has no softmax), trained on mean squared error, the only
 * loss FANN's incremental training has.  The rows are shuffled before
 * every epoch.  Prints key=value lines to standard output: load_s
 * (reading the CSV, this program's own parser), train_s, and acc, the
 * training accuracy of the final weights.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fann.h>

#define MAX_HIDDEN 8
#define MAX_CLASSES 256

/* The rows of a labelled CSV file, features standardised. */
typedef struct table {
    size_t n_rows, n_features, n_classes;
    float *x;               /* n_rows x n_features */
    int *y;                 /* class index per row */
} table;

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const char *what)
{
    fprintf(stderr, "peer_fann: %s\n", what);
    exit(1);
}

/* Fields of one line, counted by commas. */
static size_t count_fields(const char *line)
{
    size_t n = 1;

    for (; *line; line++)
        n += *line == ',';
    return n;
}

/* Append one data line to t, growing the arrays as needed. */
static void add_row(table *t, char *line, size_t *cap)
{
    char *p = line, *end;

    if (t->n_rows == *cap) {
        *cap = *cap ? 2 * *cap : 1024;
        t->x = realloc(t->x, *cap * t->n_features * sizeof *t->x);
        t->y = realloc(t->y, *cap * sizeof *t->y);
        if (t->x == NULL || t->y == NULL)
            die("out of memory");
    }
    for (size_t j = 0; j <= t->n_features; j++) {
        double v = strtod(p, &end);

        if (end == p || (*end != ',' && j < t->n_features))
            die("a field is not a number");
        if (j < t->n_features)
            t->x[t->n_rows * t->n_features + j] = (float)v;
        else if (v < 0 || v >= MAX_CLASSES || v != floor(v))
            die("a label is not a class index 0..255");
        else
            t->y[t->n_rows] = (int)v;
        p = end + 1;
    }
    if ((size_t)t->y[t->n_rows] + 1 > t->n_classes)
        t->n_classes = (size_t)t->y[t->n_rows] + 1;
    t->n_rows++;
}

/* Read the whole file; the first line is the header. */
static void read_table(table *t, const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t len = 0, cap = 0;

    if (f == NULL) {
        fprintf(stderr, "peer_fann: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    memset(t, 0, sizeof *t);
    if (getline(&line, &len, f) < 0)
        die("empty file");
    t->n_features = count_fields(line) - 1;
    while (getline(&line, &len, f) > 0)
        if (line[0] != '\n')
            add_row(t, line, &cap);
    if (ferror(f) || fclose(f) != 0)
        die("read error");
    free(line);
    if (t->n_rows == 0 || t->n_classes < 2)
        die("need rows of at least two classes");
}

/* Each feature to mean 0 and standard deviation 1. */
static void standardize(table *t)
{
    size_t n = t->n_rows, f = t->n_features;

    for (size_t j = 0; j < f; j++) {
        double s = 0, s2 = 0, mean, sd;

        for (size_t i = 0; i < n; i++) {
            s += t->x[i * f + j];
            s2 += (double)t->x[i * f + j] * t->x[i * f + j];
        }
        mean = s / (double)n;
        sd = sqrt(fmax(s2 / (double)n - mean * mean, 0));
        if (sd == 0)
            sd = 1;
        for (size_t i = 0; i < n; i++)
            t->x[i * f + j] = (float)((t->x[i * f + j] - mean) / sd);
    }
}

/* Copy the table into FANN's training set: one target per class, or a
 * single 0/1 target for two classes. */
static struct fann_train_data *to_fann(const table *t, unsigned n_out)
{
    struct fann_train_data *d = fann_create_train(
        (unsigned)t->n_rows, (unsigned)t->n_features, n_out);

    if (d == NULL)
        die("out of memory");
    for (size_t i = 0; i < t->n_rows; i++) {
        for (size_t j = 0; j < t->n_features; j++)
            d->input[i][j] = t->x[i * t->n_features + j];
        for (unsigned k = 0; k < n_out; k++)
            d->output[i][k] = n_out == 1 ? (fann_type)t->y[i]
                                         : (fann_type)(t->y[i] == (int)k);
    }
    return d;
}

/* Share of rows whose strongest output is their class. */
static double accuracy(struct fann *ann, const table *t, unsigned n_out)
{
    size_t right = 0;

    for (size_t i = 0; i < t->n_rows; i++) {
        fann_type in[4096], *out;
        unsigned best = 0;

        for (size_t j = 0; j < t->n_features; j++)
            in[j] = t->x[i * t->n_features + j];
        out = fann_run(ann, in);
        for (unsigned k = 1; k < n_out; k++)
            if (out[k] > out[best])
                best = k;
        if (n_out == 1)
            best = out[0] > 0.5f;
        right += (int)best == t->y[i];
    }
    return (double)right / (double)t->n_rows;
}

/* Parse "64,32" into layer widths after the input. Returns the count. */
static unsigned parse_hidden(const char *s, unsigned *layers)
{
    unsigned n = 0;
    char *end;

    do {
        long v = strtol(s, &end, 10);

        if (end == s || v < 1 || v > 65536 || n == MAX_HIDDEN)
            die("bad hidden layer list");
        layers[1 + n++] = (unsigned)v;
        s = end + 1;
    } while (*end == ',');
    if (*end != '\0')
        die("bad hidden layer list");
    return n;
}

int main(int argc, char **argv)
{
    unsigned layers[MAX_HIDDEN + 2], n_hidden, n_out, epochs;
    struct fann_train_data *d;
    struct fann *ann;
    table t;
    double t0, load_s, train_s;

    if (argc != 7) {
        fputs("usage: peer_fann FILE HIDDEN ACT EPOCHS RATE SEED\n", stderr);
        return 64;
    }

    /* data */
    t0 = now();
    read_table(&t, argv[1]);
    standardize(&t);
    load_s = now() - t0;
    if (t.n_features > 4096)
        die("too many features");
    n_out = t.n_classes == 2 ? 1 : (unsigned)t.n_classes;
    d = to_fann(&t, n_out);

    /* network: FANN draws its initial weights and shuffles with rand(),
     * but seeds rand() itself from /dev/urandom when it creates a
     * network; so the seed is set after, and the weights drawn again in
     * FANN's own default range, for a run that repeats */
    n_hidden = parse_hidden(argv[2], layers);
    layers[0] = (unsigned)t.n_features;
    layers[n_hidden + 1] = n_out;
    ann = fann_create_standard_array(n_hidden + 2, layers);
    if (ann == NULL)
        die("cannot create the network");
    srand((unsigned)strtoul(argv[6], NULL, 10));
    fann_randomize_weights(ann, -0.1f, 0.1f);
    fann_set_activation_function_hidden(ann, strcmp(argv[3], "relu") == 0 ?
                                        FANN_LINEAR_PIECE : FANN_SIGMOID);
    fann_set_activation_function_output(ann, FANN_SIGMOID);
    fann_set_training_algorithm(ann, FANN_TRAIN_INCREMENTAL);
    fann_set_learning_rate(ann, (float)strtod(argv[5], NULL));
    epochs = (unsigned)strtoul(argv[4], NULL, 10);

    /* training: one pass of per-row updates per epoch, rows shuffled */
    t0 = now();
    for (unsigned e = 0; e < epochs; e++) {
        fann_shuffle_train_data(d);
        fann_train_epoch(ann, d);
    }
    train_s = now() - t0;

    printf("load_s=%.4f\ntrain_s=%.4f\nacc=%.4f\n", load_s, train_s,
           accuracy(ann, &t, n_out));
    fann_destroy(ann);
    fann_destroy_train(d);
    free(t.x);
    free(t.y);
    return ferror(stdout) || fclose(stdout) != 0;
}
