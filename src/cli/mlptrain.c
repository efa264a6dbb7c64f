/* mlptrain.c -- train a multi-layer perceptron on a CSV file and write the
 * model: parse options, load the table, train, save. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/common.h"
#include "mlp.h"

/* Everything the options decide. */
typedef struct opts {
    const char *input, *output, *init, *log, *checkpoint;
    size_t hidden[MLP_MAX_LAYERS];
    size_t n_hidden;
    int hidden_given;
    mlp_act act;
    int standardize;
    size_t cv;
    mlp_table_options table;
    mlp_train_options train;
} opts;

/* Set by the signal handler; polled by the trainer between batches. */
static volatile int stop_flag;
static volatile sig_atomic_t stop_signal;

/* Set while a model file is being written: a second signal then waits
 * for the save to finish or clean up, so no temporary file is left. */
static volatile sig_atomic_t saving;

static const char usage_fmt[] =
"Usage: mlptrain [OPTION]... -o MODEL\n"
"Train a multi-layer perceptron on labelled CSV rows and write MODEL.\n"
"\n"
"Input:\n"
"  -i, --input FILE       CSV file, plain or gzip; - for standard input\n"
"                         (default: standard input)\n"
"  -d, --delimiter C      field delimiter: , tab ; or space (default: detect)\n"
"      --header           the first row is a header\n"
"      --no-header        the first row is data (default: detect)\n"
"  -l, --label COL        label column, 1-based index or header name\n"
"                         (default: the last column)\n"
"      --ignore LIST      columns to leave out, indices or names, by commas\n"
"      --task TASK        classify, regress, or auto to decide from the\n"
"                         labels (default: auto)\n"
"      --no-standardize   use features as they are (default: standardise)\n"
"\n"
"Network:\n"
"  -h, --hidden LIST      hidden layer widths, e.g. 64,32; 0 for none\n"
"                         (default: 8)\n"
"  -a, --activation F     sigmoid, tanh or relu (default: tanh)\n"
"      --init MODEL       start from MODEL's weights (same architecture)\n"
"\n"
"Training:\n"
"  -e, --epochs N         passes over the data (default: %zu)\n"
"  -b, --batch N          rows per step (default: %zu)\n"
"  -r, --rate R           learning rate (default: %g)\n"
"  -O, --optimizer NAME   sgd, momentum or adam (default: %s)\n"
"      --momentum M       momentum for -O momentum (default: %g)\n"
"      --l2 L             L2 weight decay (default: %g)\n"
"      --validation F     hold out this share of rows (default: 0)\n"
"      --patience N       stop after N epochs without a better validation\n"
"                         loss, keeping the best weights (default: off)\n"
"      --cv K             K-fold cross-validation: print the score, write\n"
"                         no model\n"
"  -s, --seed N           random seed (default: %llu)\n"
"  -j, --threads N        worker threads (default: all cores)\n"
"\n"
"Output:\n"
"  -o, --output MODEL     model file to write (replaced atomically)\n"
"      --checkpoint FILE  on SIGINT or SIGTERM, save the model so far here\n"
"      --log FILE         write one CSV row of figures per epoch\n"
"  -q, --quiet            print errors only\n"
"  -v, --verbose          report every epoch\n"
"      --help             show this help and exit\n"
"      --version          show the version and exit\n"
"\n"
"Exit status: 0 success, 64 usage, 65 bad data, 66 cannot open input,\n"
"71 out of memory, 73 cannot create output, 74 I/O error, 75 training\n"
"diverged, 130/143 interrupted.\n";

enum {
    OPT_HEADER = CLI_OPT_FIRST, OPT_NO_HEADER, OPT_IGNORE, OPT_TASK,
    OPT_NO_STD, OPT_INIT, OPT_MOMENTUM, OPT_L2, OPT_VALIDATION, OPT_PATIENCE,
    OPT_CV, OPT_CHECKPOINT, OPT_LOG
};

static const struct option long_options[] = {
    { "input", required_argument, NULL, 'i' },
    { "delimiter", required_argument, NULL, 'd' },
    { "header", no_argument, NULL, OPT_HEADER },
    { "no-header", no_argument, NULL, OPT_NO_HEADER },
    { "label", required_argument, NULL, 'l' },
    { "ignore", required_argument, NULL, OPT_IGNORE },
    { "task", required_argument, NULL, OPT_TASK },
    { "no-standardize", no_argument, NULL, OPT_NO_STD },
    { "hidden", required_argument, NULL, 'h' },
    { "activation", required_argument, NULL, 'a' },
    { "init", required_argument, NULL, OPT_INIT },
    { "epochs", required_argument, NULL, 'e' },
    { "batch", required_argument, NULL, 'b' },
    { "rate", required_argument, NULL, 'r' },
    { "optimizer", required_argument, NULL, 'O' },
    { "momentum", required_argument, NULL, OPT_MOMENTUM },
    { "l2", required_argument, NULL, OPT_L2 },
    { "validation", required_argument, NULL, OPT_VALIDATION },
    { "patience", required_argument, NULL, OPT_PATIENCE },
    { "cv", required_argument, NULL, OPT_CV },
    { "seed", required_argument, NULL, 's' },
    { "threads", required_argument, NULL, 'j' },
    { "output", required_argument, NULL, 'o' },
    { "checkpoint", required_argument, NULL, OPT_CHECKPOINT },
    { "log", required_argument, NULL, OPT_LOG },
    { "quiet", no_argument, NULL, 'q' },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, CLI_OPT_HELP },
    { "version", no_argument, NULL, CLI_OPT_VERSION },
    { NULL, 0, NULL, 0 }
};

static const char *const act_names[] = { "sigmoid", "tanh", "relu", NULL };
static const char *const optim_names[] = { "sgd", "momentum", "adam", NULL };
static const char *const task_names[] = { "auto", "classify", "regress",
                                          NULL };

/* Print --help with the library's defaults.  Returns the exit status. */
static int help(void)
{
    mlp_train_options d;

    mlp_train_defaults(&d);
    printf(usage_fmt, d.epochs, d.batch, (double)d.rate,
           optim_names[d.optim], (double)d.momentum, (double)d.l2,
           (unsigned long long)d.seed);
    return cli_close_stdout();
}

/* Find name in a NULL-terminated list; returns its index or -1. */
static int pick(const char *name, const char *const *names)
{
    for (int i = 0; names[i] != NULL; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

/* Handle one option that takes a word from a fixed list. Returns 0/-1. */
static int parse_word(const char *opt, const char *s,
                      const char *const *names, int *out)
{
    int k = pick(s, names);

    if (k < 0) {
        cli_usage("option %s: unknown value \"%s\"", opt, s);
        return -1;
    }
    *out = k;
    return 0;
}


/* Apply one option other than help and version. Returns 0 or -1. */
static int parse_one(void *opts_, int c, const char *arg)
{
    opts *o = opts_;
    mlp_train_options *t = &o->train;
    double v;
    size_t n;
    int k;

    switch (c) {
    case 'i': o->input = arg; return 0;
    case 'o': o->output = arg; return 0;
    case 'd': return cli_parse_delimiter(arg, &o->table.csv.delimiter);
    case OPT_HEADER: o->table.header = MLP_HEADER_YES; return 0;
    case OPT_NO_HEADER: o->table.header = MLP_HEADER_NO; return 0;
    case 'l': o->table.label = arg; return 0;
    case OPT_IGNORE: o->table.ignore = arg; return 0;
    case OPT_NO_STD:
        o->standardize = o->train.standardize_folds = 0;
        return 0;
    case OPT_INIT: o->init = arg; return 0;
    case OPT_CHECKPOINT: o->checkpoint = arg; return 0;
    case OPT_LOG: o->log = arg; return 0;
    case 'q': cli_verbosity = 0; return 0;
    case 'v': cli_verbosity++; return 0;
    case OPT_TASK:
        if (parse_word("--task", arg, task_names, &k) != 0)
            return -1;
        o->table.task = (mlp_task)k;
        return 0;
    case 'a':
        if (parse_word("-a", arg, act_names, &k) != 0)
            return -1;
        o->act = (mlp_act)k;
        return 0;
    case 'O':
        if (parse_word("-O", arg, optim_names, &k) != 0)
            return -1;
        t->optim = (mlp_optim)k;
        return 0;
    case 'h':
        o->hidden_given = 1;
        if (strcmp(arg, "0") == 0) {
            o->n_hidden = 0;
            return 0;
        }
        return cli_parse_sizes("-h", arg, 1, MLP_MAX_WIDTH, o->hidden,
                               MLP_MAX_LAYERS - 1, &o->n_hidden);
    case 'e': return cli_parse_size("-e", arg, 1, (size_t)1 << 40,
                                    &t->epochs);
    case 'b': return cli_parse_size("-b", arg, 1, (size_t)1 << 24,
                                    &t->batch);
    case OPT_PATIENCE: return cli_parse_size("--patience", arg, 1,
                                             (size_t)1 << 40, &t->patience);
    case OPT_CV: return cli_parse_size("--cv", arg, 2, 1000, &o->cv);
    case 's': return cli_parse_u64("-s", arg, &t->seed);
    case 'j':
        if (cli_parse_size("-j", arg, 1, 256, &n) != 0)
            return -1;
        t->threads = (unsigned)n;
        return 0;
    case 'r':
        if (cli_parse_real("-r", arg, 1e-9, 10, &v) != 0)
            return -1;
        t->rate = (float)v;
        return 0;
    case OPT_MOMENTUM:
        if (cli_parse_real("--momentum", arg, 0, 0.999999, &v) != 0)
            return -1;
        t->momentum = (float)v;
        return 0;
    case OPT_L2:
        if (cli_parse_real("--l2", arg, 0, 10, &v) != 0)
            return -1;
        t->l2 = (float)v;
        return 0;
    case OPT_VALIDATION:
        if (cli_parse_real("--validation", arg, 0, 0.9, &v) != 0)
            return -1;
        t->validation = (float)v;
        return 0;
    }
    cli_usage("unknown option");
    return -1;
}

/* Parse argv into *o.  Returns -1 to go on, else the exit status. */
static int parse_args(opts *o, int argc, char **argv)
{
    int status;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);

    memset(o, 0, sizeof *o);
    mlp_train_defaults(&o->train);
    o->train.threads = cores > 0 && cores <= 256 ? (unsigned)cores : 1;
    o->hidden[0] = 8;
    o->n_hidden = 1;
    o->act = MLP_ACT_TANH;
    o->standardize = 1;

    status = cli_getopt(argc, argv, ":i:o:d:l:h:a:e:b:r:O:s:j:qv",
                        long_options, parse_one, o, help);
    if (status != -1)
        return status;
    if (o->output == NULL && o->cv == 0)
        return cli_usage("no model file given (-o MODEL)");
    if (o->train.patience > 0 && o->train.validation <= 0)
        return cli_usage("--patience needs --validation");
    return -1;
}

/* The folder part of path, into buf. */
static void dir_of(const char *path, char *buf, size_t n)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL)
        snprintf(buf, n, ".");
    else if (slash == path)
        snprintf(buf, n, "/");
    else
        snprintf(buf, n, "%.*s", (int)(slash - path), path);
}

/* Refuse, before any training, an output that cannot be written: a
 * missing or read-only folder, a directory, or the input itself. */
static int check_output(const char *path, const char *input)
{
    char dir[4096];
    struct stat so, si;

    dir_of(path, dir, sizeof dir);
    if (stat(dir, &so) != 0 || !S_ISDIR(so.st_mode))
        return cli_fail(73, "%s: folder %s does not exist", path, dir);
    if (access(dir, W_OK | X_OK) != 0)
        return cli_fail(73, "%s: cannot write in folder %s: %s", path, dir,
                        strerror(errno));
    if (stat(path, &so) != 0)
        return 0;
    if (S_ISDIR(so.st_mode))
        return cli_fail(73, "%s: is a directory", path);
    if (input != NULL && strcmp(input, "-") != 0 && stat(input, &si) == 0 &&
        si.st_dev == so.st_dev && si.st_ino == so.st_ino)
        return cli_fail(73, "%s: is the input file; refusing to overwrite "
                        "it", path);
    return 0;
}

static void on_signal(int sig)
{
    /* a second signal means: stop now, unless a save is under way */
    if (stop_flag && !saving)
        _exit(sig == SIGTERM ? 143 : 130);
    stop_signal = sig;
    stop_flag = 1;
}

static void catch_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* What the per-epoch report needs. */
typedef struct progress {
    FILE *log;
    const char *log_path;
    int log_failed;
    int classify;
    double y_scale;         /* regression: the target's spread */
    int live;               /* a live line on a terminal */
    int live_shown;
    int pending;            /* last holds a report not yet drawn */
    mlp_report last;        /* the newest report, for the live line */
    double drawn_at;        /* last.seconds when the line was drawn */
    size_t every;           /* plain lines: one every this many epochs */
} progress;

/* The live line is redrawn at most this often (seconds): a terminal that
 * took a line every epoch would slow a small network's training by half
 * or more, and no eye reads faster. */
#define LIVE_EVERY 0.1

/* Format a duration as "4.2s" or "3m12s". */
static void fmt_time(char *buf, size_t n, double s)
{
    if (s < 60)
        snprintf(buf, n, "%.1fs", s);
    else if (s < 3600)
        snprintf(buf, n, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
    else
        snprintf(buf, n, "%dh%02dm", (int)(s / 3600),
                 (int)fmod(s / 60, 60));
}

/* The root mean squared error, in the target's units, that a mean
 * squared-error loss (halved, on the standardised target) stands for. */
static double rmse_of(double loss, double y_scale)
{
    return sqrt(2.0 * loss) * y_scale;
}

/* One report line's figures, without a line end. */
static void report_line(const progress *p, const mlp_report *r, char *buf,
                        size_t n)
{
    char spent[16], left[16];
    int k;

    fmt_time(spent, sizeof spent, r->seconds);
    fmt_time(left, sizeof left,
             r->seconds / (double)r->epoch * (double)(r->n_epochs - r->epoch));
    k = snprintf(buf, n, "epoch %zu/%zu  loss %.4f", r->epoch, r->n_epochs,
                 r->loss);
    if (k > 0 && (size_t)k < n)
        k += p->classify
             ? snprintf(buf + k, n - (size_t)k, "  acc %.2f%%",
                        100 * r->accuracy)
             : snprintf(buf + k, n - (size_t)k, "  rmse %.4g",
                        rmse_of(r->loss, p->y_scale));
    if (r->has_validation && k > 0 && (size_t)k < n)
        k += snprintf(buf + k, n - (size_t)k, "  val loss %.4f",
                      r->val_loss);
    if (r->has_validation && k > 0 && (size_t)k < n)
        k += p->classify
             ? snprintf(buf + k, n - (size_t)k, " acc %.2f%%",
                        100 * r->val_accuracy)
             : snprintf(buf + k, n - (size_t)k, " rmse %.4g",
                        rmse_of(r->val_loss, p->y_scale));
    if (k > 0 && (size_t)k < n)
        snprintf(buf + k, n - (size_t)k, "  %s, %s left", spent, left);
}

/* Write one row of the --log file; a failure is kept for the end. */
static void log_row(progress *p, const mlp_report *r)
{
    char loss[32], acc[32] = "", vl[32] = "", va[32] = "", rate[32];

    mlp_format_float(loss, (float)r->loss);
    mlp_format_float(rate, (float)r->rate);
    if (p->classify)
        mlp_format_float(acc, (float)r->accuracy);
    if (r->has_validation) {
        mlp_format_float(vl, (float)r->val_loss);
        if (p->classify)
            mlp_format_float(va, (float)r->val_accuracy);
    }
    if (fprintf(p->log, "%zu,%s,%s,%s,%s,%s,%.3f\n", r->epoch, loss, acc,
                vl, va, rate, r->seconds) < 0 || fflush(p->log) != 0)
        p->log_failed = 1;
}

/* Redraw the live line with the newest report. */
static void draw_live(progress *p)
{
    char line[256];

    report_line(p, &p->last, line, sizeof line);
    fprintf(stderr, "\r%s\033[K", line);
    p->live_shown = 1;
    p->pending = 0;
    p->drawn_at = p->last.seconds;
}

/* The trainer's per-epoch callback. */
static void on_report(const mlp_report *r, void *ctx)
{
    progress *p = ctx;
    char line[256];

    if (p->log != NULL && !p->log_failed)
        log_row(p, r);
    if (cli_verbosity == 0)
        return;

    /* on a terminal one line redrawn in place, now and then; elsewhere
     * plain lines */
    if (p->live && cli_verbosity < 2) {
        p->last = *r;
        p->pending = 1;
        if (r->epoch == 1 || r->epoch == r->n_epochs ||
            r->seconds - p->drawn_at >= LIVE_EVERY)
            draw_live(p);
        return;
    }
    if (cli_verbosity >= 2 || r->epoch % p->every == 0 ||
        r->epoch == r->n_epochs || r->epoch == 1) {
        report_line(p, r, line, sizeof line);
        fprintf(stderr, "%s\n", line);
    }
}

/* The output layer and its width for a table. */
static void output_for(const mlp_table *t, mlp_output *out, size_t *width)
{
    if (t->task == MLP_TASK_REGRESS) {
        *out = MLP_OUTPUT_LINEAR;
        *width = 1;
    } else if (t->n_classes == 2) {
        *out = MLP_OUTPUT_SIGMOID;
        *width = 1;
    } else {
        *out = MLP_OUTPUT_SOFTMAX;
        *width = t->n_classes;
    }
}

/* Move the table's names and classes into the model, and size its
 * scaling arrays.  Returns 0 or an exit status. */
static int adopt_table(mlp_model *m, mlp_table *t)
{
    m->task = t->task;
    m->n_features = t->n_features;
    m->feature_names = t->feature_names;
    m->label_name = t->label_name;
    m->n_classes = t->n_classes;
    m->classes = t->classes;
    t->feature_names = NULL;
    t->label_name = NULL;
    t->classes = NULL;
    t->n_classes = 0;
    m->mean = calloc(t->n_features ? t->n_features : 1, sizeof *m->mean);
    m->scale = calloc(t->n_features ? t->n_features : 1, sizeof *m->scale);
    if (m->mean == NULL || m->scale == NULL)
        return cli_fail(71, "out of memory");
    return 0;
}

/* Refuse, before allocating, a network whose training would not fit in
 * memory: parameters, gradient, optimiser moments and the kept copies
 * (about 6 floats a parameter), and a batch's activations and deltas.
 * Returns 0 or 71. */
static int check_size(const mlp_table *t, const opts *o, size_t n_out)
{
    double params = 0, units = 0, need, have;
    size_t in = t->n_features;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    struct rlimit lim;

    for (size_t l = 0; l <= o->n_hidden; l++) {
        size_t out = l < o->n_hidden ? o->hidden[l] : n_out;

        params += ((double)in + 1) * (double)out;
        units += (double)out;
        in = out;
    }
    need = 4 * (6 * params + 4 * units * (double)o->train.batch);
    have = pages > 0 && page > 0 ? (double)pages * (double)page : 1e300;
    if (getrlimit(RLIMIT_AS, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY &&
        (double)lim.rlim_cur < have)
        have = (double)lim.rlim_cur;
    if (need <= have)
        return 0;
    return cli_fail(71, "a network of %.0f parameters needs about %.1f GiB "
                    "of memory to train; %.1f GiB are available", params,
                    need / 1073741824.0, have / 1073741824.0);
}

/* A fresh model for the table: architecture from the options, scaling
 * fitted to the rows.  Returns 0 or an exit status. */
static int fresh_model(mlp_model *m, mlp_table *t, const opts *o)
{
    mlp_output out;
    size_t width, *rows = NULL, n_fit = t->n_rows;
    mlp_error err;
    int rc;

    output_for(t, &out, &width);
    if ((rc = check_size(t, o, width)) != 0)
        return rc;
    if (mlp_net_init(&m->net, t->n_features, o->hidden, o->n_hidden, width,
                     o->act, out, &err) != MLP_STATUS_OK)
        return cli_report(&err);
    mlp_net_randomize(&m->net, o->train.seed);
    if ((rc = adopt_table(m, t)) != 0)
        return rc;

    /* Features, and for regression the target, to mean 0 and spread 1,
     * by the statistics of the rows the network will train on: with
     * --validation, the rows mlp_train will hold out are left out of
     * them.  (Cross-validation scales each fold by its own rows.) */
    if (o->train.validation > 0.0f && o->cv == 0) {
        if ((rows = malloc(t->n_rows * sizeof *rows)) == NULL)
            return cli_fail(71, "out of memory");
        if (mlp_train_holdout(&m->net, t->y, t->n_rows, &o->train, rows,
                              &n_fit, &err) != MLP_STATUS_OK) {
            free(rows);
            return cli_report(&err);
        }
    }
    for (size_t j = 0; j < m->n_features; j++)
        m->scale[j] = 1;
    if (o->standardize)
        mlp_scale_fit_rows(t->x, t->n_features, rows, n_fit, m->mean,
                           m->scale);
    m->y_mean = 0;
    m->y_scale = 1;
    if (m->task == MLP_TASK_REGRESS)
        mlp_scale_fit_rows(t->y, 1, rows, n_fit, &m->y_mean, &m->y_scale);
    free(rows);
    m->seed = o->train.seed;
    return 0;
}

/* Whether the model's hidden layers are the ones the options name. */
static int same_hidden(const mlp_net *net, const opts *o)
{
    if (net->n_layers != o->n_hidden + 1)
        return 0;
    for (size_t l = 0; l < o->n_hidden; l++)
        if (net->width[l + 1] != o->hidden[l])
            return 0;
    return 1;
}

/* Renumber the table's class indices to the model's class list. */
static int remap_classes(const mlp_model *m, mlp_table *t, const char *path)
{
    size_t *map = calloc(t->n_classes + 1, sizeof *map);

    if (map == NULL)
        return cli_fail(71, "out of memory");
    for (size_t c = 0; c < t->n_classes; c++) {
        size_t k = 0;

        while (k < m->n_classes && strcmp(m->classes[k], t->classes[c]) != 0)
            k++;
        if (k == m->n_classes) {
            free(map);
            return cli_fail(65, "%s: class \"%s\" is not one of the "
                            "model's classes", path, t->classes[c]);
        }
        map[c] = k;
    }
    for (size_t i = 0; i < t->n_rows; i++)
        t->y[i] = (float)map[(size_t)t->y[i]];
    free(map);
    return 0;
}

/* Continue from a saved model: same task, features and (when -h was given)
 * hidden layers; its scaling is kept so that its weights stay valid.
 * Returns 0 or an exit status. */
static int init_model(mlp_model *m, mlp_table *t, const opts *o)
{
    mlp_error err;
    int rc;

    if (mlp_model_load(m, o->init, &err) != MLP_STATUS_OK)
        return cli_report(&err);
    if (m->task != t->task)
        return cli_fail(65, "%s: the model is for %s, the data for %s",
                        o->init, m->task == MLP_TASK_REGRESS ?
                        "regression" : "classification",
                        t->task == MLP_TASK_REGRESS ?
                        "regression" : "classification");
    if (m->n_features != t->n_features)
        return cli_fail(65, "%s: the model has %zu features, the data %zu",
                        o->init, m->n_features, t->n_features);
    if (o->hidden_given && !same_hidden(&m->net, o))
        return cli_usage("-h does not match the hidden layers of %s",
                         o->init);
    if (m->task == MLP_TASK_CLASSIFY &&
        (rc = remap_classes(m, t, o->init)) != 0)
        return rc;
    return 0;
}

/* Print the closing summary to standard error. */
static void summary(const mlp_model *m, const mlp_train_result *res,
                    size_t n_rows, const char *saved)
{
    const mlp_net *net = &m->net;
    char arch[512];
    size_t k = 0;

    if (cli_verbosity == 0)
        return;
    for (size_t l = 0; l <= net->n_layers && k < sizeof arch - 16; l++)
        k += (size_t)snprintf(arch + k, sizeof arch - k, l ? "-%zu" : "%zu",
                              net->width[l]);
    fprintf(stderr, "rows %zu, features %zu", n_rows, m->n_features);
    if (m->task == MLP_TASK_CLASSIFY)
        fprintf(stderr, ", classes %zu", m->n_classes);
    fprintf(stderr, "\nnetwork %s (%s%s, %s output), %zu parameters\n",
            arch, net->n_layers > 1 ? act_names[net->act] : "no hidden layer",
            net->n_layers > 1 ? " hidden" : "",
            net->output == MLP_OUTPUT_LINEAR ? "linear" :
            net->output == MLP_OUTPUT_SIGMOID ? "sigmoid" : "softmax",
            net->n_params);
    fprintf(stderr, "trained %zu epochs in %.2fs: loss %.4f", res->epochs_run,
            res->seconds, res->loss);
    if (m->task == MLP_TASK_CLASSIFY)
        fprintf(stderr, ", accuracy %.2f%%", 100 * res->accuracy);
    else
        fprintf(stderr, ", rmse %.4g", rmse_of(res->loss, m->y_scale));
    if (res->has_validation) {
        fprintf(stderr, "; validation loss %.4f", res->val_loss);
        if (m->task == MLP_TASK_CLASSIFY)
            fprintf(stderr, ", accuracy %.2f%%", 100 * res->val_accuracy);
        else
            fprintf(stderr, ", rmse %.4g",
                    rmse_of(res->val_loss, m->y_scale));
    }
    if (res->best_epoch != res->epochs_run)
        fprintf(stderr, " (kept epoch %zu)", res->best_epoch);
    fprintf(stderr, "\n");
    if (saved != NULL)
        fprintf(stderr, "model written to %s\n", saved);
}

/* Cross-validate instead of training one model; the score goes to
 * standard output.  Returns the exit status. */
static int cross_validate(const mlp_model *m, const mlp_table *t,
                          const opts *o)
{
    double mean, sd;
    mlp_error err;

    if (mlp_train_cv(&m->net, t->x, t->y, t->n_rows, o->cv, &o->train,
                     &mean, &sd, &err) != MLP_STATUS_OK)
        return cli_report(&err);
    if (m->task == MLP_TASK_CLASSIFY)
        printf("accuracy %.4f +- %.4f (%zu-fold)\n", mean, sd, o->cv);
    else
        printf("rmse %.6g +- %.6g (%zu-fold)\n", mean * m->y_scale,
               sd * m->y_scale, o->cv);
    return cli_close_stdout();
}

/* Open the --log file and write its header. Returns 0 or exit status. */
static int open_log(progress *p, const char *path)
{
    p->log_path = path;
    if (path == NULL)
        return 0;
    p->log = fopen(path, "w");
    if (p->log == NULL)
        return cli_fail(73, "%s: %s", path, strerror(errno));
    if (fputs("epoch,loss,accuracy,val_loss,val_accuracy,rate,seconds\n",
              p->log) < 0)
        p->log_failed = 1;
    return 0;
}

/* Close the log, reporting a failed write. Returns 0 or 74. */
static int close_log(progress *p)
{
    if (p->log == NULL)
        return 0;
    if (fclose(p->log) != 0)
        p->log_failed = 1;
    p->log = NULL;
    if (p->log_failed)
        return cli_fail(74, "%s: error writing the log", p->log_path);
    return 0;
}

/* Save m to path, reporting a failure. Returns 0 or an exit status. */
static int save(const mlp_model *m, const char *path)
{
    mlp_error err;
    mlp_status st;

    saving = 1;
    st = mlp_model_save(m, path, &err);
    saving = 0;
    if (st != MLP_STATUS_OK)
        return cli_report(&err);
    return 0;
}

/* Train m on the table's (already scaled) rows and save the result.
 * Returns the exit status. */
static int train_and_save(mlp_model *m, const mlp_table *t, opts *o)
{
    progress p = { 0 };
    mlp_train_result res = { 0 };
    mlp_error err;
    mlp_status st;
    int rc, rc2;

    p.classify = m->task == MLP_TASK_CLASSIFY;
    p.y_scale = m->y_scale;
    p.live = cli_stderr_is_tty();
    p.every = o->train.epochs >= 10 ? o->train.epochs / 10 : 1;
    if ((rc = open_log(&p, o->log)) != 0)
        return rc;
    o->train.report = on_report;
    o->train.report_ctx = &p;
    o->train.stop = &stop_flag;
    catch_signals();

    st = mlp_train(&m->net, t->x, t->y, t->n_rows, &o->train, &res, &err);
    if (p.pending)
        draw_live(&p);
    if (p.live_shown)
        fputc('\n', stderr);
    rc = close_log(&p);
    m->epochs += res.epochs_run;
    m->loss = (float)res.loss;
    snprintf(m->version, sizeof m->version, "%s", MLP_VERSION);

    /* interrupted: keep what was learned only where asked to */
    if (st == MLP_STATUS_INTERRUPTED) {
        if (o->checkpoint != NULL && save(m, o->checkpoint) == 0)
            cli_say(1, "interrupted; model so far written to %s\n",
                    o->checkpoint);
        else
            cli_say(1, "interrupted; no model written\n");
        return stop_signal == SIGTERM ? 143 : 130;
    }
    if (st != MLP_STATUS_OK) {
        rc = cli_report(&err);
        if (st == MLP_STATUS_DIVERGED)
            cli_fail(0, "the rate was %g; give a smaller one with -r",
                     (double)o->train.rate);
        return rc;
    }
    if ((rc2 = save(m, o->output)) != 0)
        return rc2;
    summary(m, &res, t->n_rows, o->output);
    if (stop_flag)
        return stop_signal == SIGTERM ? 143 : 130;
    return rc;
}

/* Load, prepare, and train or cross-validate. Returns the exit status. */
static int run(opts *o)
{
    mlp_table t = { 0 };
    mlp_model m = { 0 };
    mlp_error err;
    int rc;

    if (o->output != NULL && (rc = check_output(o->output, o->input)) != 0)
        return rc;
    if (o->checkpoint != NULL &&
        (rc = check_output(o->checkpoint, o->input)) != 0)
        return rc;
    if (o->log != NULL && (rc = check_output(o->log, o->input)) != 0)
        return rc;
    o->table.threads = o->train.threads;
    if (mlp_table_load(&t, o->input, &o->table, &err) != MLP_STATUS_OK)
        return cli_report(&err);

    rc = o->init ? init_model(&m, &t, o) : fresh_model(&m, &t, o);
    if (rc == 0) {
        mlp_scale_apply(t.x, t.n_rows, t.n_features, m.mean, m.scale);
        if (m.task == MLP_TASK_REGRESS)
            mlp_scale_apply(t.y, t.n_rows, 1, &m.y_mean, &m.y_scale);
        rc = o->cv ? cross_validate(&m, &t, o) : train_and_save(&m, &t, o);
    }
    mlp_model_free(&m);
    mlp_table_free(&t);
    return rc;
}

int main(int argc, char **argv)
{
    opts o;
    int rc;

    cli_init(argv[0]);
    rc = parse_args(&o, argc, argv);
    if (rc >= 0)
        return rc;
    return run(&o);
}
