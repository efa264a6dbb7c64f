/* mlpplot.c -- draw what a model learned: decision regions over two
 * features with the data on top, or the training curves from a log; as
 * PNG or SVG.  Parse options, load, draw, write. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/common.h"
#include "mlp/csv.h"
#include "mlp/model.h"
#include "mlp/version.h"
#include "plot/plot.h"

/* Everything the options decide. */
typedef struct opts {
    const char *model, *input, *output, *curve, *axes;
    int units;
    size_t width, height;
    mlp_table_options table;
} opts;

static const char usage_text[] =
"Usage: mlpplot -m MODEL [-i POINTS] -o PICTURE [OPTION]...\n"
"       mlpplot --curve LOG -o PICTURE [OPTION]...\n"
"Draw a classifier's decision regions over two features, shaded by its\n"
"confidence, with labelled points on top; a regression on one feature as\n"
"its fitted curve; or the loss and accuracy curves of a training log.\n"
"PICTURE is PNG or SVG, by its ending (.png, .svg); - writes PNG to\n"
"standard output.\n"
"\n"
"Input:\n"
"  -m, --model FILE       model written by mlptrain\n"
"  -i, --input FILE       labelled CSV points to draw, plain or gzip; -\n"
"                         for standard input (default: none)\n"
"  -d, --delimiter C      field delimiter: , tab ; or space (default: detect)\n"
"      --header           the first row is a header\n"
"      --no-header        the first row is data (default: detect)\n"
"  -l, --label COL        label column, 1-based index or header name\n"
"                         (default: the model's label name if the header\n"
"                         has it, else the last column)\n"
"      --curve FILE       draw the training log FILE (mlptrain --log)\n"
"                         instead of a model\n"
"\n"
"Picture:\n"
"  -o, --output FILE      picture to write (replaced atomically)\n"
"      --axes A,B         features on the x and y axes, by name or 1-based\n"
"                         index; the others stay at their training means\n"
"                         (default: 1,2)\n"
"      --units            add a panel per first-layer hidden unit (at most\n"
"                         16) showing its activation and where its input\n"
"                         is zero (default: off)\n"
"      --size WxH         size of the main panel in pixels\n"
"                         (default: 640x480)\n"
"  -q, --quiet            print errors only\n"
"      --help             show this help and exit\n"
"      --version          show the version and exit\n"
"\n"
"Exit status: 0 success, 64 usage, 65 bad data, 66 cannot open input,\n"
"71 out of memory, 73 cannot create output, 74 I/O error.\n";

enum {
    OPT_HEADER = CLI_OPT_FIRST, OPT_NO_HEADER, OPT_CURVE, OPT_AXES,
    OPT_UNITS, OPT_SIZE
};

static const struct option long_options[] = {
    { "model", required_argument, NULL, 'm' },
    { "input", required_argument, NULL, 'i' },
    { "output", required_argument, NULL, 'o' },
    { "delimiter", required_argument, NULL, 'd' },
    { "header", no_argument, NULL, OPT_HEADER },
    { "no-header", no_argument, NULL, OPT_NO_HEADER },
    { "label", required_argument, NULL, 'l' },
    { "curve", required_argument, NULL, OPT_CURVE },
    { "axes", required_argument, NULL, OPT_AXES },
    { "units", no_argument, NULL, OPT_UNITS },
    { "size", required_argument, NULL, OPT_SIZE },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, CLI_OPT_HELP },
    { "version", no_argument, NULL, CLI_OPT_VERSION },
    { NULL, 0, NULL, 0 }
};

/* Parse "WxH" into the panel size.  Returns 0 or -1. */
static int parse_size(const char *s, size_t *w, size_t *h)
{
    const char *x = strchr(s, 'x');
    char part[32];

    if (x == NULL || (size_t)(x - s) >= sizeof part) {
        cli_usage("option --size: expected WxH, such as 640x480, got "
                  "\"%s\"", s);
        return -1;
    }
    memcpy(part, s, (size_t)(x - s));
    part[x - s] = '\0';
    if (cli_parse_size("--size (width)", part, 400, 8192, w) != 0 ||
        cli_parse_size("--size (height)", x + 1, 300, 8192, h) != 0)
        return -1;
    return 0;
}

/* Apply one option other than help and version.  Returns 0 or -1. */
static int parse_one(void *opts_, int c, const char *arg)
{
    opts *o = opts_;

    switch (c) {
    case 'm': o->model = arg; return 0;
    case 'i': o->input = arg; return 0;
    case 'o': o->output = arg; return 0;
    case 'd': return cli_parse_delimiter(arg, &o->table.csv.delimiter);
    case OPT_HEADER: o->table.header = MLP_HEADER_YES; return 0;
    case OPT_NO_HEADER: o->table.header = MLP_HEADER_NO; return 0;
    case 'l': o->table.label = arg; return 0;
    case OPT_CURVE: o->curve = arg; return 0;
    case OPT_AXES: o->axes = arg; return 0;
    case OPT_UNITS: o->units = 1; return 0;
    case OPT_SIZE: return parse_size(arg, &o->width, &o->height);
    case 'q': cli_verbosity = 0; return 0;
    }
    cli_usage("unknown option");
    return -1;
}

/* Check the combination of options.  Returns -1 to go on, else the exit
 * status. */
static int check_args(const opts *o)
{
    plot_format format;

    if (o->output == NULL)
        return cli_usage("no picture file given (-o FILE)");
    if (plot_format_of(o->output, &format) != 0)
        return cli_usage("cannot tell the format of %s: name it .png or "
                         ".svg", o->output);
    if (o->curve != NULL && (o->model != NULL || o->input != NULL))
        return cli_usage("--curve draws a log alone: drop -m and -i");
    if (o->curve == NULL && o->model == NULL)
        return cli_usage("no model given (-m MODEL), nor a log (--curve)");
    if (o->curve != NULL && (o->axes != NULL || o->units))
        return cli_usage("--axes and --units apply to a model's regions");
    if (strcmp(o->output, "-") == 0 && isatty(STDOUT_FILENO))
        return cli_usage("refusing to write a PNG image to a terminal");
    return -1;
}

/* Print the help text for --help. */
static int help(void)
{
    fputs(usage_text, stdout);
    return cli_close_stdout();
}

/* Parse argv into *o.  Returns -1 to go on, else the exit status. */
static int parse_args(opts *o, int argc, char **argv)
{
    int status;

    memset(o, 0, sizeof *o);
    o->width = 640;
    o->height = 480;
    status = cli_getopt(argc, argv, ":m:i:o:d:l:q", long_options,
                        parse_one, o, help);
    return status != -1 ? status : check_args(o);
}

/* The features on the axes from --axes "A,B" (names or 1-based indices
 * of the model's features).  Returns -1 to go on, else the exit
 * status. */
static int pick_axes(const mlp_model *m, const char *spec, size_t *ax,
                     size_t *ay)
{
    char a[256];
    const char *comma;
    long i, j;

    *ax = 0;
    *ay = 1;
    if (spec == NULL)
        return -1;
    comma = strchr(spec, ',');
    if (comma == NULL || (size_t)(comma - spec) >= sizeof a)
        return cli_usage("option --axes: expected two features such as "
                         "x1,x2, got \"%s\"", spec);
    memcpy(a, spec, (size_t)(comma - spec));
    a[comma - spec] = '\0';
    i = mlp_column_find(a, m->feature_names, m->n_features);
    j = mlp_column_find(comma + 1, m->feature_names, m->n_features);
    if (i < 0 || j < 0)
        return cli_usage("option --axes: the model has no feature \"%s\"",
                         i < 0 ? a : comma + 1);
    if (i == j)
        return cli_usage("option --axes: the two axes are the same "
                         "feature");
    *ax = (size_t)i;
    *ay = (size_t)j;
    return -1;
}

/* Whether the first record of path has a field named name (so that the
 * label can be found by the name the model was trained with). */
static int header_has(const char *path, const mlp_csv_options *csv,
                      const char *name)
{
    mlp_csv *r;
    mlp_error err;
    size_t i;
    int found = 0;

    if (strcmp(path, "-") == 0 || mlp_csv_open(&r, path, csv, &err) != 0)
        return 0;
    if (mlp_csv_next(r, &err) == 1)
        for (i = 0; i < mlp_csv_n_fields(r); i++)
            if (strcmp(mlp_csv_field(r, i, NULL), name) == 0)
                found = 1;
    mlp_csv_close(r, NULL);
    return found;
}

/* For each model feature, the table column that holds it: by name when
 * the table names them all, else by position.  Returns 0 or -1. */
static int match_features(const mlp_model *m, const mlp_table *t,
                          size_t *col)
{
    size_t j;
    long k;
    int by_name = 1;

    for (j = 0; j < m->n_features && by_name; j++) {
        k = -1;
        for (size_t c = 0; c < t->n_features; c++)
            if (strcmp(t->feature_names[c], m->feature_names[j]) == 0)
                k = (long)c;
        by_name = k >= 0;
        col[j] = (size_t)k;
    }
    if (by_name)
        return 0;
    if (t->n_features != m->n_features)
        return -1;
    for (j = 0; j < m->n_features; j++)
        col[j] = j;
    return 0;
}

/* The points to draw, in the model's feature order, with their labels
 * as the model's class indices (-1 for one it does not know). */
typedef struct points {
    mlp_table table;
    float *x;
    long *cls;
    plot_points view;
} points;

static void points_free(points *p)
{
    mlp_table_free(&p->table);
    free(p->x);
    free(p->cls);
    memset(p, 0, sizeof *p);
}

/* Arrange the loaded table as p->view for model m.  Returns 0 or the
 * exit status. */
static int arrange_points(points *p, const mlp_model *m, const char *path)
{
    const mlp_table *t = &p->table;
    size_t *col = calloc(m->n_features, sizeof *col), i, j, k;

    p->x = calloc(t->n_rows ? t->n_rows : 1, m->n_features * sizeof *p->x);
    p->cls = calloc(t->n_rows ? t->n_rows : 1, sizeof *p->cls);
    if (col == NULL || p->x == NULL || p->cls == NULL) {
        free(col);
        return cli_fail(71, "out of memory for the points of %s", path);
    }
    if (match_features(m, t, col) != 0) {
        free(col);
        return cli_fail(65, "%s: %zu feature columns, but the model takes "
                        "%zu and not all of them are named in the header",
                        path, t->n_features, m->n_features);
    }
    for (i = 0; i < t->n_rows; i++) {
        for (j = 0; j < m->n_features; j++)
            p->x[i * m->n_features + j] = t->x[i * t->n_features + col[j]];
        p->cls[i] = -1;
        for (k = 0; t->task == MLP_TASK_CLASSIFY && k < m->n_classes; k++)
            if (strcmp(t->classes[(size_t)t->y[i]], m->classes[k]) == 0)
                p->cls[i] = (long)k;
    }
    free(col);
    p->view.n_rows = t->n_rows;
    p->view.x = p->x;
    p->view.cls = p->cls;
    p->view.y = t->y;
    return 0;
}

/* Load the points of o->input for model m.  Returns 0 or the exit
 * status. */
static int load_points(points *p, const opts *o, const mlp_model *m)
{
    mlp_table_options topt = o->table;
    mlp_error err;

    memset(p, 0, sizeof *p);

    /* the label by the name the model knows it by, when the file has it */
    if (topt.label == NULL && topt.header != MLP_HEADER_NO &&
        header_has(o->input, &topt.csv, m->label_name))
        topt.label = m->label_name;
    topt.task = m->task;
    if (mlp_table_load(&p->table, o->input, &topt, &err) != MLP_STATUS_OK)
        return cli_report(&err);
    return arrange_points(p, m, o->input);
}

/* The last part of a path, for titles. */
static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (strcmp(path, "-") == 0)
        return "<stdin>";
    return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}

/* Finish the picture on s and write it to path.  Returns 0 or the exit
 * status. */
static int write_picture(plot_surface *s, const char *path)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    mlp_error err;

    mlp_error_clear(&err);
    if (plot_surface_finish(s, &buf, &len, &err) != MLP_STATUS_OK ||
        plot_file_write(path, buf, len, &err) != MLP_STATUS_OK) {
        free(buf);
        return cli_report(&err);
    }
    free(buf);
    return 0;
}

/* Say what was drawn, on standard error. */
static void summarise(const opts *o, const mlp_model *m,
                      const plot_regions_result *r, size_t w, size_t h)
{
    cli_say(1, "%s: wrote %s (%zux%zu)", cli_prog(),
            strcmp(o->output, "-") == 0 ? "standard output" : o->output, w,
            h);
    if (r->n_points > 0 && m->task == MLP_TASK_CLASSIFY)
        cli_say(1, ", accuracy %.1f%% on %zu points of %s",
                100.0 * (double)r->n_correct / (double)r->n_points,
                r->n_points, base_name(o->input));
    cli_say(1, "\n");
    if (r->n_unknown > 0)
        cli_say(1, "%s: %zu points have labels the model does not know; "
                "they are drawn grey and count as wrong\n", cli_prog(),
                r->n_unknown);
    if (o->units && r->n_units == 0)
        cli_say(1, "%s: no unit panels: %s\n", cli_prog(),
                m->net.n_layers < 2 ? "the model has no hidden layer"
                : "they are drawn for classification models only");
    if (r->n_units_drawn < r->n_units)
        cli_say(1, "%s: drew the first %zu of %zu first-layer units\n",
                cli_prog(), r->n_units_drawn, r->n_units);
}

/* Draw the model's regions (or curve) and the points.  Returns the exit
 * status. */
static int run_regions(const opts *o, const mlp_model *m, points *p)
{
    plot_regions_options ro;
    plot_regions_result res;
    plot_surface *s = NULL;
    plot_format format = PLOT_FORMAT_PNG;
    mlp_error err;
    size_t w, h;
    int rc;

    memset(&ro, 0, sizeof ro);
    ro.width = o->width;
    ro.height = o->height;
    ro.units = o->units;
    ro.points_name = o->input ? base_name(o->input) : NULL;
    rc = pick_axes(m, o->axes, &ro.axis_x, &ro.axis_y);
    if (rc >= 0)
        return rc;
    if (m->task == MLP_TASK_REGRESS)
        ro.axis_x = ro.axis_y = 0;

    /* draw, then write */
    plot_format_of(o->output, &format);
    plot_regions_size(m, &ro, &w, &h);
    if (plot_surface_new(&s, format, w, h, &err) != MLP_STATUS_OK ||
        plot_regions_draw(s, m, o->input ? &p->view : NULL, &ro, &res,
                          &err) != MLP_STATUS_OK) {
        plot_surface_free(s);
        return cli_report(&err);
    }
    rc = write_picture(s, o->output);
    plot_surface_free(s);
    if (rc == 0)
        summarise(o, m, &res, w, h);
    return rc;
}

/* Draw a training log.  Returns the exit status. */
static int run_curve(const opts *o)
{
    plot_format format = PLOT_FORMAT_PNG;
    plot_surface *s = NULL;
    plot_log log;
    mlp_error err;
    int rc;

    if (plot_log_load(&log, o->curve, &err) != MLP_STATUS_OK)
        return cli_report(&err);
    plot_format_of(o->output, &format);
    if (plot_surface_new(&s, format, o->width, o->height, &err) !=
            MLP_STATUS_OK ||
        plot_curve_draw(s, &log, base_name(o->curve), &err) !=
            MLP_STATUS_OK) {
        plot_surface_free(s);
        plot_log_free(&log);
        return cli_report(&err);
    }
    rc = write_picture(s, o->output);
    if (rc == 0)
        cli_say(1, "%s: wrote %s (%zux%zu) from %zu epochs\n", cli_prog(),
                o->output, o->width, o->height, log.n_rows);
    plot_surface_free(s);
    plot_log_free(&log);
    return rc;
}

/* Whether path names the same file as other (so writing would destroy
 * an input). */
static int same_file(const char *path, const char *other)
{
    struct stat a, b;

    return other != NULL && strcmp(other, "-") != 0 &&
           stat(path, &a) == 0 && stat(other, &b) == 0 &&
           a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int main(int argc, char **argv)
{
    opts o;
    mlp_model m;
    mlp_error err;
    points p;
    int rc;

    cli_init(argv[0]);
    rc = parse_args(&o, argc, argv);
    if (rc >= 0)
        return rc;
    if (same_file(o.output, o.model) || same_file(o.output, o.input) ||
        same_file(o.output, o.curve))
        return cli_fail(73, "%s: is an input file; refusing to overwrite "
                        "it", o.output);
    if (o.curve != NULL)
        return run_curve(&o);

    /* the model, the points, the picture */
    if (mlp_model_load(&m, o.model, &err) != MLP_STATUS_OK)
        return cli_report(&err);
    memset(&p, 0, sizeof p);
    rc = o.input != NULL ? load_points(&p, &o, &m) : 0;
    if (rc == 0)
        rc = run_regions(&o, &m, &p);
    points_free(&p);
    mlp_model_free(&m);
    if (rc == 0 && strcmp(o.output, "-") == 0)
        rc = cli_close_stdout();
    return rc;
}
