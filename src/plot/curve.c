/* curve.c -- training curves: loss and accuracy against epoch, for the
 * training rows and, when held out, the validation rows, from the log
 * that mlptrain --log writes. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/plot.h"

/* The log's columns that the picture uses, in plot_log's order. */
enum { COL_EPOCH, COL_LOSS, COL_ACCURACY, COL_VAL_LOSS, COL_VAL_ACCURACY,
       N_COLS };
static const char *const col_names[N_COLS] = {
    "epoch", "loss", "accuracy", "val_loss", "val_accuracy"};

/* Space between the loss and the accuracy panels. */
enum { PANEL_GAP = 44 };

/* The arrays of log, indexed like col_names. */
static double **log_column(plot_log *log, int c)
{
    double **cols[N_COLS] = {&log->epoch, &log->loss, &log->accuracy,
                             &log->val_loss, &log->val_accuracy};

    return cols[c];
}

void plot_log_free(plot_log *log)
{
    int c;

    for (c = 0; c < N_COLS; c++)
        free(*log_column(log, c));
    memset(log, 0, sizeof *log);
}

/* Find each column in the header record; -1 where absent. */
static mlp_status read_header(mlp_csv *r, long *where, mlp_error *err)
{
    size_t n = mlp_csv_n_fields(r), i;
    int c;

    for (c = 0; c < N_COLS; c++) {
        where[c] = -1;
        for (i = 0; i < n; i++)
            if (strcmp(mlp_csv_field(r, i, NULL), col_names[c]) == 0)
                where[c] = (long)i;
    }
    for (c = COL_EPOCH; c <= COL_LOSS; c++)
        if (where[c] < 0)
            return mlp_error_at(err, MLP_STATUS_DATA, mlp_csv_name(r),
                                mlp_csv_line(r), 0,
                                "not a training log: no \"%s\" column in "
                                "the header", col_names[c]);
    return MLP_STATUS_OK;
}

/* Make room for one more row; returns 0, or -1 when out of memory. */
static int grow(plot_log *log, size_t *cap)
{
    size_t n = *cap ? 2 * *cap : 256;
    int c;

    if (log->n_rows < *cap)
        return 0;
    if (n > SIZE_MAX / sizeof(double) / 2)
        return -1;
    for (c = 0; c < N_COLS; c++) {
        double **col = log_column(log, c), *p = realloc(*col, n *
                                                         sizeof **col);

        if (p == NULL)
            return -1;
        *col = p;
    }
    *cap = n;
    return 0;
}

/* Store the current record's values as a new row: NaN for an absent
 * column or an empty field; epoch and loss must be numbers. */
static mlp_status read_row(mlp_csv *r, const long *where, plot_log *log,
                           mlp_error *err)
{
    int c;

    for (c = 0; c < N_COLS; c++) {
        double *v = *log_column(log, c) + log->n_rows;
        const char *s = "";
        size_t len = 0;
        float f;
        char q[64] = "";

        *v = NAN;
        if (where[c] >= 0 && (size_t)where[c] < mlp_csv_n_fields(r))
            s = mlp_csv_field(r, (size_t)where[c], &len);
        if (len == 0 && c > COL_LOSS)
            continue;
        if (mlp_parse_float(s, len, &f) != 0)
            return mlp_error_at(err, MLP_STATUS_DATA, mlp_csv_name(r),
                                mlp_csv_line(r), (uint64_t)where[c] + 1,
                                "expected a number for %s, got \"%s\"",
                                col_names[c], mlp_quote(q, sizeof q, s,
                                                        len));
        *v = f;
    }
    log->n_rows++;
    return MLP_STATUS_OK;
}

mlp_status plot_log_load(plot_log *log, const char *path, mlp_error *err)
{
    mlp_csv_options opt = {','};
    long where[N_COLS];
    size_t cap = 0;
    mlp_csv *r;
    mlp_status st;
    int more;

    memset(log, 0, sizeof *log);
    st = mlp_csv_open(&r, path, &opt, err);
    if (st != MLP_STATUS_OK)
        return st;

    /* the header, then one row per epoch */
    more = mlp_csv_next(r, err);
    if (more == 0)
        st = mlp_error_at(err, MLP_STATUS_DATA, path, 0, 0,
                          "the training log is empty");
    else if (more < 0)
        st = err->status;
    else
        st = read_header(r, where, err);
    while (st == MLP_STATUS_OK && (more = mlp_csv_next(r, err)) > 0) {
        if (grow(log, &cap) != 0)
            st = mlp_error_set(err, MLP_STATUS_NOMEM,
                               "out of memory reading the training log");
        else
            st = read_row(r, where, log, err);
    }
    if (st == MLP_STATUS_OK && more < 0)
        st = err->status;
    if (st == MLP_STATUS_OK && log->n_rows == 0)
        st = mlp_error_at(err, MLP_STATUS_DATA, path, 0, 0,
                          "the training log has no epochs");

    /* a close that finds a bad gzip trailer is an error too */
    if (st == MLP_STATUS_OK)
        st = mlp_csv_close(r, err);
    else
        mlp_csv_close(r, NULL);
    if (st != MLP_STATUS_OK)
        plot_log_free(log);
    return st;
}

/* The finite range of up to two series into [*lo, *hi]; returns how many
 * finite values there were. */
static size_t series_range(const double *a, const double *b, size_t n,
                           double *lo, double *hi)
{
    size_t i, k = 0;

    for (i = 0; i < 2 * n; i++) {
        double v = i < n ? a[i] : b != NULL ? b[i - n] : NAN;

        if (!isfinite(v))
            continue;
        *lo = k ? fmin(*lo, v) : v;
        *hi = k ? fmax(*hi, v) : v;
        k++;
    }
    return k;
}

/* Stroke series y against x in f, breaking the line where y is absent;
 * a lone value shows as a dot. */
static mlp_status draw_series(plot_surface *s, const plot_frame *f,
                              const double *x, const double *y, size_t n,
                              const plot_pen *pen, mlp_error *err)
{
    double *xy = malloc(2 * n * sizeof *xy);
    size_t i = 0, m;

    if (xy == NULL)
        return mlp_error_set(err, MLP_STATUS_NOMEM,
                             "out of memory drawing the curve");
    while (i < n) {
        for (m = 0; i < n && isfinite(y[i]) && isfinite(x[i]); i++, m++) {
            xy[2 * m] = plot_frame_px(f, x[i]);
            xy[2 * m + 1] = plot_frame_py(f, y[i]);
        }
        if (m == 1)
            plot_surface_circle(s, xy[0], xy[1], pen->width + 1,
                                &pen->colour, NULL);
        else if (m > 1)
            plot_surface_path(s, xy, m, pen);
        if (m == 0)
            i++;
    }
    free(xy);
    return MLP_STATUS_OK;
}

/* One panel: the frame with its axes, then training and validation. */
static mlp_status draw_panel(plot_surface *s, const plot_frame *f,
                             const plot_log *log, const double *train,
                             const double *val, const char *ylabel,
                             mlp_error *err)
{
    const plot_pen solid = {plot_palette[0], 2, 0};
    const plot_pen dashed = {plot_palette[1], 2, 6};
    plot_frame_labels labels = {"epoch", ylabel, 1};
    mlp_status st;

    plot_frame_draw(s, f, &labels, 1);
    st = draw_series(s, f, log->epoch, train, log->n_rows, &solid, err);
    if (st == MLP_STATUS_OK)
        st = draw_series(s, f, log->epoch, val, log->n_rows, &dashed, err);
    return st;
}

/* The y axis of a panel: a log scale for a loss spanning decades. */
static void value_axis(const double *a, const double *b, size_t n,
                       int is_loss, plot_axis *ax)
{
    double lo = 0, hi = 1;

    series_range(a, b, n, &lo, &hi);
    ax->log = is_loss && lo > 0 && hi / lo > 30;
    if (ax->log) {
        ax->lo = lo / 1.2;
        ax->hi = hi * 1.2;
        return;
    }
    plot_axis_pad(&lo, &hi, 0.05);
    if (!is_loss) {
        lo = fmax(lo, 0);
        hi = fmin(hi, 1);
    }
    ax->lo = lo;
    ax->hi = hi;
}

mlp_status plot_curve_draw(plot_surface *s, const plot_log *log,
                           const char *name, mlp_error *err)
{
    double w = (double)plot_surface_width(s);
    double h = (double)plot_surface_height(s), lo = 0, hi = 0;
    int has_val = series_range(log->val_loss, NULL, log->n_rows, &lo, &hi)
                  > 0;
    int has_acc = series_range(log->accuracy, log->val_accuracy,
                               log->n_rows, &lo, &hi) > 0;
    plot_legend_entry e[2] = {{"training", plot_palette[0], PLOT_KEY_LINE},
                              {"validation", plot_palette[1],
                               PLOT_KEY_DASH}};
    double right = plot_legend_width(e, 2) + 2 * PLOT_GAP;
    char title[160];
    plot_frame f;
    mlp_status st;

    /* one panel for the loss, a second under it for the accuracy */
    series_range(log->epoch, NULL, log->n_rows, &lo, &hi);
    f.ax.lo = lo;
    f.ax.hi = hi;
    f.ax.log = 0;
    plot_axis_pad(&f.ax.lo, &f.ax.hi, 0.02);
    f.x = PLOT_MARGIN_LEFT;
    f.y = PLOT_MARGIN_TOP;
    f.w = fmax(floor(w - PLOT_MARGIN_LEFT - right), 40);
    f.h = fmax(floor((h - PLOT_MARGIN_TOP - PLOT_MARGIN_BOTTOM -
                      (has_acc ? PANEL_GAP : 0)) / (has_acc ? 2 : 1)), 30);
    value_axis(log->loss, log->val_loss, log->n_rows, 1, &f.ay);
    st = draw_panel(s, &f, log, log->loss, log->val_loss,
                    f.ay.log ? "loss (log scale)" : "loss", err);
    if (st == MLP_STATUS_OK && has_acc) {
        f.y += f.h + PANEL_GAP;
        value_axis(log->accuracy, log->val_accuracy, log->n_rows, 0, &f.ay);
        st = draw_panel(s, &f, log, log->accuracy, log->val_accuracy,
                        "accuracy", err);
    }

    /* title and legend */
    snprintf(title, sizeof title, "training curve: %s", name);
    plot_title_draw(s, PLOT_MARGIN_LEFT + f.w / 2, 28,
                    fmin(f.w + 2 * PLOT_MARGIN_LEFT, w) - 8, title);
    plot_legend_draw(s, PLOT_MARGIN_LEFT + f.w + PLOT_GAP, PLOT_MARGIN_TOP, e,
                     has_val ? 2 : 1);
    return st;
}
