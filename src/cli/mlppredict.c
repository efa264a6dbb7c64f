/* mlppredict.c -- apply a saved model to CSV rows, streaming: rows are
 * read, predicted and written in batches, in bounded memory, and a batch
 * is written as soon as the input pauses. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/common.h"
#include "mlp.h"

#define BATCH 256   /* rows predicted together */

typedef struct opts {
    const char *model, *input, *output, *label;
    mlp_csv_options csv;
    mlp_header header;
    int probs, keep;
} opts;

/* Where each of the model's features sits in an input row. */
typedef struct layout {
    size_t n_fields;        /* fields every row must have */
    size_t *col;            /* model feature j is field col[j] */
    long label;             /* the label's field, or -1 */
} layout;

/* Figures for the closing summary, when the input carries labels. */
typedef struct tally {
    size_t n_rows, n_unknown;
    size_t *confusion;      /* n_classes x n_classes: [truth][predicted] */
    double se, ae, sum, sum2;
} tally;

/* One batch of rows in flight. */
typedef struct batch {
    size_t n;
    float *x;               /* BATCH x n_features */
    float *out;             /* BATCH x n_outputs */
    char **text;            /* --keep: each row's input text */
    size_t *text_cap;
    char **truth;           /* each row's label text, when labelled */
    size_t *truth_cap;
} batch;

static const char usage_text[] =
"Usage: mlppredict -m MODEL [OPTION]...\n"
"Predict the label of each CSV row with MODEL, one line per row.\n"
"\n"
"  -m, --model FILE       model written by mlptrain (required)\n"
"  -i, --input FILE       CSV rows, plain or gzip; - for standard input\n"
"                         (default: standard input)\n"
"  -o, --output FILE      write predictions here (default: standard output)\n"
"  -d, --delimiter C      field delimiter: , tab ; or space (default: detect)\n"
"      --header           the first row is a header\n"
"      --no-header        the first row is data (default: detect)\n"
"  -l, --label COL        the input's label column, index or name (default:\n"
"                         the model's label name, or the column after the\n"
"                         features)\n"
"  -p, --probabilities    write CSV with one probability column per class\n"
"  -k, --keep             copy each input row in front of its prediction\n"
"  -q, --quiet            print errors only, no summary\n"
"      --help             show this help and exit\n"
"      --version          show the version and exit\n"
"\n"
"When the rows carry labels, a summary goes to standard error: accuracy\n"
"and confusion matrix, or RMSE, MAE and R^2 for regression.\n"
"\n"
"Exit status: 0 success, 64 usage, 65 bad data or model, 66 cannot open,\n"
"71 out of memory, 73 cannot create output, 74 I/O error.\n";

enum { OPT_HEADER = CLI_OPT_FIRST, OPT_NO_HEADER };

static const struct option long_options[] = {
    { "model", required_argument, NULL, 'm' },
    { "input", required_argument, NULL, 'i' },
    { "output", required_argument, NULL, 'o' },
    { "delimiter", required_argument, NULL, 'd' },
    { "header", no_argument, NULL, OPT_HEADER },
    { "no-header", no_argument, NULL, OPT_NO_HEADER },
    { "label", required_argument, NULL, 'l' },
    { "probabilities", no_argument, NULL, 'p' },
    { "keep", no_argument, NULL, 'k' },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, CLI_OPT_HELP },
    { "version", no_argument, NULL, CLI_OPT_VERSION },
    { NULL, 0, NULL, 0 }
};

/* Print the help text for --help. */
static int help(void)
{
    fputs(usage_text, stdout);
    return cli_close_stdout();
}

/* Apply one option other than help and version.  Returns 0 or -1. */
static int parse_one(void *opts_, int c, const char *arg)
{
    opts *o = opts_;

    switch (c) {
    case 'm': o->model = arg; return 0;
    case 'i': o->input = arg; return 0;
    case 'o': o->output = arg; return 0;
    case 'l': o->label = arg; return 0;
    case 'p': o->probs = 1; return 0;
    case 'k': o->keep = 1; return 0;
    case 'q': cli_verbosity = 0; return 0;
    case OPT_HEADER: o->header = MLP_HEADER_YES; return 0;
    case OPT_NO_HEADER: o->header = MLP_HEADER_NO; return 0;
    case 'd': return cli_parse_delimiter(arg, &o->csv.delimiter);
    }
    cli_usage("unknown option");
    return -1;
}

/* Parse argv into *o.  Returns -1 to go on, else the exit status. */
static int parse_args(opts *o, int argc, char **argv)
{
    int status;

    memset(o, 0, sizeof *o);
    status = cli_getopt(argc, argv, ":m:i:o:d:l:pkq", long_options,
                        parse_one, o, help);
    if (status != -1)
        return status;
    if (o->model == NULL)
        return cli_usage("no model given (-m MODEL)");
    return -1;
}

/* Whether field i of the current record reads as a number. */
static int numeric(const mlp_csv *r, size_t i)
{
    size_t len;
    const char *s = mlp_csv_field(r, i, &len);
    float v;

    return mlp_parse_float(s, len, &v) == 0;
}

/* Decide whether the first record is a header: forced by an option, else
 * yes when it names every feature of the model or holds a field that is
 * not a number outside the last column. */
static int is_header(const mlp_csv *r, const mlp_model *m, mlp_header h)
{
    size_t n = mlp_csv_n_fields(r), named = 0;

    if (h != MLP_HEADER_DETECT)
        return h == MLP_HEADER_YES;
    for (size_t j = 0; j < m->n_features; j++)
        for (size_t i = 0; i < n; i++)
            if (strcmp(mlp_csv_field(r, i, NULL),
                       m->feature_names[j]) == 0) {
                named++;
                break;
            }
    if (named == m->n_features)
        return 1;
    for (size_t i = 0; i + 1 < n; i++)
        if (!numeric(r, i))
            return 1;
    return 0;
}

/* Copy the current record's fields as column names into *names. */
static int header_names(const mlp_csv *r, char ***names, size_t *n)
{
    *n = mlp_csv_n_fields(r);
    *names = calloc(*n + 1, sizeof **names);
    if (*names == NULL)
        return -1;
    for (size_t i = 0; i < *n; i++)
        if (((*names)[i] = strdup(mlp_csv_field(r, i, NULL))) == NULL)
            return -1;
    return 0;
}

static void free_names(char **names, size_t n)
{
    if (names == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Match the model's features to the columns of a header row by name.
 * Returns 0 or an exit status. */
static int layout_by_name(layout *lay, const mlp_model *m, char **names,
                          size_t n, const opts *o, const char *file)
{
    const char *label = o->label ? o->label : m->label_name;

    lay->n_fields = n;
    lay->label = label ? mlp_column_find(label, names, n) : -1;
    if (o->label != NULL && lay->label < 0)
        return cli_fail(64, "%s: no column \"%s\" for the label", file,
                        o->label);
    for (size_t j = 0; j < m->n_features; j++) {
        long c = -1;

        for (size_t i = 0; i < n && c < 0; i++)
            if (strcmp(names[i], m->feature_names[j]) == 0)
                c = (long)i;
        if (c < 0)
            return cli_fail(65, "%s:1: no column named \"%s\", which the "
                            "model needs", file, m->feature_names[j]);
        lay->col[j] = (size_t)c;
    }
    return 0;
}

/* Match by position: the features in order, and the label, if there is
 * one more column, at -l's index or last.  Returns 0 or an exit status. */
static int layout_by_position(layout *lay, const mlp_model *m, size_t n,
                              const opts *o, const char *file)
{
    size_t f = m->n_features;

    lay->n_fields = n;
    lay->label = -1;
    if (n != f && n != f + 1)
        return cli_fail(65, "%s:1: %zu fields, but the model has %zu "
                        "features (expected %zu, or %zu with a label)", file,
                        n, f, f, f + 1);
    if (n == f + 1)
        lay->label = o->label ? mlp_column_find(o->label, NULL, n)
                              : (long)f;
    if (n == f + 1 && lay->label < 0)
        return cli_fail(64, "%s: no column \"%s\" for the label", file,
                        o->label);
    for (size_t j = 0, i = 0; j < f; i++)
        if ((long)i != lay->label)
            lay->col[j++] = i;
    return 0;
}

/* Keep a copy of s[0..len) in *dst of capacity *cap.  Returns 0 or -1. */
static int keep_text(char **dst, size_t *cap, const char *s, size_t len)
{
    if (len + 1 > *cap) {
        size_t want = len + 1 < 64 ? 64 : 2 * (len + 1);
        char *p = realloc(*dst, want);

        if (p == NULL)
            return -1;
        *dst = p;
        *cap = want;
    }
    memcpy(*dst, s, len);
    (*dst)[len] = '\0';
    return 0;
}

/* Write s as one CSV field, quoted when it holds the delimiter, a quote
 * or a line end. */
static void put_field(FILE *out, const char *s, char delim)
{
    if (strchr(s, delim) == NULL && strpbrk(s, "\"\r\n") == NULL) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* Everything one run works with. */
typedef struct run_state {
    const opts *o;
    mlp_model m;
    mlp_csv *r;
    FILE *out;
    char delim;
    size_t n_out;           /* prediction columns per row */
    layout lay;
    batch b;
    tally t;
    mlp_predictor *pred;
} run_state;

/* Write the output's header line, when there is one: with -p, or with -k
 * after an input header.  names are the input's column names or NULL. */
static void write_header(run_state *s, char **names, size_t n)
{
    const mlp_model *m = &s->m;

    if (!s->o->probs && !(s->o->keep && names != NULL))
        return;
    if (s->o->keep) {
        for (size_t i = 0; i < n; i++) {
            if (names != NULL)
                put_field(s->out, names[i], s->delim);
            else
                fprintf(s->out, "col%zu", i + 1);
            fputc(s->delim, s->out);
        }
    }
    if (!s->o->probs || m->task == MLP_TASK_REGRESS) {
        fputs("prediction", s->out);
    } else {
        for (size_t k = 0; k < m->n_classes; k++) {
            if (k > 0)
                fputc(s->delim, s->out);
            put_field(s->out, m->classes[k], s->delim);
        }
    }
    fputc('\n', s->out);
}

/* Add one labelled row to the summary. */
static void count(run_state *s, const char *truth, const float *p)
{
    const mlp_model *m = &s->m;
    tally *t = &s->t;
    float y;

    t->n_rows++;
    if (m->task == MLP_TASK_REGRESS) {
        mlp_parse_float(truth, strlen(truth), &y);
        t->se += ((double)p[0] - y) * ((double)p[0] - y);
        t->ae += fabs((double)p[0] - y);
        t->sum += y;
        t->sum2 += (double)y * y;
        return;
    }
    for (size_t k = 0; k < m->n_classes; k++) {
        if (strcmp(truth, m->classes[k]) == 0) {
            t->confusion[k * m->n_classes + mlp_argmax(p, m->n_classes)]++;
            return;
        }
    }
    t->n_unknown++;
}

/* Predict the rows of the batch and write them out. */
static void flush_batch(run_state *s)
{
    const mlp_model *m = &s->m;
    batch *b = &s->b;
    char num[32];

    if (b->n == 0)
        return;
    mlp_predictor_run(s->pred, b->x, b->n, b->out);
    for (size_t i = 0; i < b->n; i++) {
        const float *p = b->out + i * s->n_out;

        if (s->o->keep) {
            fputs(b->text[i], s->out);
            fputc(s->delim, s->out);
        }
        if (m->task == MLP_TASK_REGRESS) {
            mlp_format_float(num, p[0]);
            fputs(num, s->out);
        } else if (s->o->probs) {
            for (size_t k = 0; k < m->n_classes; k++) {
                if (k > 0)
                    fputc(s->delim, s->out);
                mlp_format_float(num, p[k]);
                fputs(num, s->out);
            }
        } else {
            put_field(s->out, m->classes[mlp_argmax(p, m->n_classes)],
                      s->delim);
        }
        fputc('\n', s->out);
        if (s->lay.label >= 0)
            count(s, b->truth[i], p);
    }
    b->n = 0;
}

/* Parse the current record into the batch.  Returns 0 or exit status. */
static int add_row(run_state *s)
{
    const mlp_model *m = &s->m;
    batch *b = &s->b;
    float *x = b->x + b->n * m->n_features;
    const char *name = mlp_csv_name(s->r);
    uint64_t line = mlp_csv_line(s->r);
    size_t n = mlp_csv_n_fields(s->r), len;
    const char *f;
    char q[200] = "";

    if (n != s->lay.n_fields)
        return cli_fail(65, "%s:%llu: %zu fields, expected %zu", name,
                        (unsigned long long)line, n, s->lay.n_fields);

    /* features, each a finite number */
    for (size_t j = 0; j < m->n_features; j++) {
        if (mlp_csv_field_float(s->r, s->lay.col[j], &x[j]) == 0)
            continue;
        f = mlp_csv_field(s->r, s->lay.col[j], &len);
        return cli_fail(65, "%s:%llu:%zu: expected a number, got \"%s\"",
                        name, (unsigned long long)line, s->lay.col[j] + 1,
                        mlp_quote(q, sizeof q, f, len));
    }

    /* the label, kept as text for the summary */
    if (s->lay.label >= 0) {
        float y;

        f = mlp_csv_field(s->r, (size_t)s->lay.label, &len);
        if (m->task == MLP_TASK_REGRESS && mlp_parse_float(f, len, &y) != 0)
            return cli_fail(65, "%s:%llu:%ld: expected a number, got \"%s\"",
                            name, (unsigned long long)line, s->lay.label + 1,
                            mlp_quote(q, sizeof q, f, len));
        if (keep_text(&b->truth[b->n], &b->truth_cap[b->n], f, len) != 0)
            return cli_fail(71, "out of memory");
    }
    if (s->o->keep) {
        f = mlp_csv_text(s->r, &len);
        if (keep_text(&b->text[b->n], &b->text_cap[b->n], f, len) != 0)
            return cli_fail(71, "out of memory");
    }
    b->n++;
    return 0;
}

/* Print the summary of a labelled input to standard error. */
static void summary(const run_state *s)
{
    const mlp_model *m = &s->m;
    const tally *t = &s->t;
    size_t right = 0, k = m->n_classes;

    if (cli_verbosity == 0 || t->n_rows == 0)
        return;
    if (m->task == MLP_TASK_REGRESS) {
        double n = (double)t->n_rows;
        double var = t->sum2 - t->sum * t->sum / n;

        fprintf(stderr, "rows %zu: rmse %.6g, mae %.6g, r2 %.4f\n",
                t->n_rows, sqrt(t->se / n), t->ae / n,
                var > 0 ? 1 - t->se / var : 0.0);
        return;
    }
    for (size_t c = 0; c < k; c++)
        right += t->confusion[c * k + c];
    fprintf(stderr, "accuracy %.2f%% (%zu/%zu)\n",
            100.0 * (double)right / (double)t->n_rows, right, t->n_rows);
    if (t->n_unknown > 0)
        fprintf(stderr, "%zu rows had labels the model does not know\n",
                t->n_unknown);
    fprintf(stderr, "confusion matrix (rows: true, columns: predicted)\n");
    fprintf(stderr, "%12s", "");
    for (size_t c = 0; c < k; c++)
        fprintf(stderr, " %10.10s", m->classes[c]);
    for (size_t a = 0; a < k; a++) {
        fprintf(stderr, "\n%12.12s", m->classes[a]);
        for (size_t c = 0; c < k; c++)
            fprintf(stderr, " %10zu", t->confusion[a * k + c]);
    }
    fputc('\n', stderr);
}

/* Allocate the batch, the layout and the tally for the model.
 * Returns 0 or -1 when out of memory. */
static int setup(run_state *s)
{
    const mlp_model *m = &s->m;
    batch *b = &s->b;
    size_t f = m->n_features ? m->n_features : 1;

    s->n_out = mlp_model_n_outputs(m);
    s->pred = mlp_predictor_new(m, BATCH);
    s->lay.col = calloc(f, sizeof *s->lay.col);
    s->t.confusion = calloc(m->n_classes * m->n_classes + 1,
                            sizeof *s->t.confusion);
    b->x = calloc(BATCH * f, sizeof *b->x);
    b->out = calloc(BATCH * s->n_out, sizeof *b->out);
    b->text = calloc(BATCH, sizeof *b->text);
    b->text_cap = calloc(BATCH, sizeof *b->text_cap);
    b->truth = calloc(BATCH, sizeof *b->truth);
    b->truth_cap = calloc(BATCH, sizeof *b->truth_cap);
    return s->pred && s->lay.col && s->t.confusion && b->x && b->out &&
           b->text && b->text_cap && b->truth && b->truth_cap ? 0 : -1;
}

static void teardown(run_state *s)
{
    batch *b = &s->b;

    for (size_t i = 0; i < BATCH && b->text; i++)
        free(b->text[i]);
    for (size_t i = 0; i < BATCH && b->truth; i++)
        free(b->truth[i]);
    free(b->text);
    free(b->text_cap);
    free(b->truth);
    free(b->truth_cap);
    free(b->x);
    free(b->out);
    free(s->lay.col);
    free(s->t.confusion);
    mlp_predictor_free(s->pred);
    mlp_model_free(&s->m);
}

/* Read the first record and lay out the columns from it.  Returns -1 when
 * it is a data row still to be predicted, 0 when it was a header (or the
 * input is empty: *empty set), else an exit status. */
static int first_record(run_state *s, int *empty)
{
    mlp_error err;
    char **names = NULL;
    size_t n = 0;
    int got, rc, header;

    *empty = 0;
    got = mlp_csv_next(s->r, &err);
    if (got < 0)
        return cli_report(&err);
    if (got == 0) {
        *empty = 1;
        return 0;
    }
    s->delim = mlp_csv_delimiter(s->r);
    if (s->delim == ' ' || s->delim == '\0')
        s->delim = s->delim == ' ' ? ' ' : ',';
    header = is_header(s->r, &s->m, s->o->header);
    if (header && header_names(s->r, &names, &n) != 0) {
        free_names(names, n);
        return cli_fail(71, "out of memory");
    }
    n = mlp_csv_n_fields(s->r);
    rc = header ? layout_by_name(&s->lay, &s->m, names, n, s->o,
                                 mlp_csv_name(s->r))
                : layout_by_position(&s->lay, &s->m, n, s->o,
                                     mlp_csv_name(s->r));
    if (rc == 0)
        write_header(s, names, n);
    free_names(names, n);
    return rc != 0 ? rc : header ? 0 : -1;
}

/* Stream every record through the model.  Returns the exit status. */
static int stream(run_state *s)
{
    mlp_error err;
    int got, rc, empty;

    rc = first_record(s, &empty);
    if (rc > 0 || empty)
        return rc;
    if (rc < 0 && (rc = add_row(s)) != 0)
        return rc;
    for (;;) {
        /* predict when the batch is full or the input pauses */
        if (s->b.n == BATCH || !mlp_csv_pending(s->r)) {
            flush_batch(s);
            if ((fflush(s->out) != 0 || ferror(s->out)) && errno == EPIPE)
                return 0;   /* the reader has all it wanted */
            if (ferror(s->out))
                return cli_fail(74, "error writing %s: %s",
                                s->o->output ? s->o->output : "output",
                                strerror(errno));
        }
        got = mlp_csv_next(s->r, &err);
        if (got < 0)
            return cli_report(&err);
        if (got == 0)
            break;
        if ((rc = add_row(s)) != 0)
            return rc;
    }
    flush_batch(s);
    return 0;
}

/* Whether paths a and b name the same existing file. */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;

    return a != NULL && b != NULL && stat(a, &sa) == 0 &&
           stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* Open the output: standard output, or a file that is neither the input
 * nor the model.  Returns 0 or 73. */
static int open_output(run_state *s)
{
    const char *path = s->o->output;

    if (path == NULL || strcmp(path, "-") == 0) {
        s->out = stdout;
        return 0;
    }
    if (same_file(path, s->o->input) || same_file(path, s->o->model))
        return cli_fail(73, "%s: is the %s; refusing to overwrite it", path,
                        same_file(path, s->o->model) ? "model" : "input");
    s->out = fopen(path, "w");
    if (s->out == NULL)
        return cli_fail(73, "%s: %s", s->o->output, strerror(errno));
    return 0;
}

/* Close the input and the output, reporting what failed. */
static int finish(run_state *s, int rc)
{
    mlp_error err;

    if (mlp_csv_close(s->r, &err) != MLP_STATUS_OK && rc == 0)
        rc = cli_report(&err);
    if (s->out != NULL && s->out != stdout && fclose(s->out) != 0 && rc == 0)
        rc = cli_fail(74, "error writing %s: %s", s->o->output,
                      strerror(errno));
    if (rc == 0)
        summary(s);
    if (rc != 0) {
        fclose(stdout);     /* the failure is reported already */
        return rc;
    }
    return cli_close_stdout();
}

int main(int argc, char **argv)
{
    run_state s;
    opts o;
    mlp_error err;
    int rc;

    cli_init(argv[0]);
    if ((rc = parse_args(&o, argc, argv)) >= 0)
        return rc;
    memset(&s, 0, sizeof s);
    s.o = &o;
    if (mlp_model_load(&s.m, o.model, &err) != MLP_STATUS_OK)
        return cli_report(&err);
    if (setup(&s) != 0) {
        teardown(&s);
        return cli_fail(71, "out of memory");
    }
    if (mlp_csv_open(&s.r, o.input, &o.csv, &err) != MLP_STATUS_OK) {
        teardown(&s);
        return cli_report(&err);
    }
    if ((rc = open_output(&s)) == 0)
        rc = stream(&s);
    rc = finish(&s, rc);
    teardown(&s);
    return rc;
}
