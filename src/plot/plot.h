/* plot.h -- the two pictures mlpplot draws: a classifier's decision
 * regions (or a regression's fitted curve) over data points, and the
 * training curves from a log that mlptrain wrote. */
#ifndef PLOT_PLOT_H
#define PLOT_PLOT_H

#include <stddef.h>

#include "mlp/csv.h"
#include "mlp/model.h"
#include "mlp/status.h"
#include "plot/frame.h"
#include "plot/surface.h"

/* First-layer units drawn at most beside the regions. */
enum { PLOT_MAX_UNITS = 16 };

typedef struct plot_regions_options {
    size_t width, height;   /* the main panel; unit panels widen it */
    size_t axis_x, axis_y;  /* 0-based feature indices on x and y */
    int units;              /* draw a panel per first-layer unit */
    const char *points_name;/* shown in the title; NULL with no points */
} plot_regions_options;

/* Points to draw: rows of the model's features with, for a
 * classification, the model's class index of each (or -1 for a label the
 * model does not know), for a regression the target value. */
typedef struct plot_points {
    size_t n_rows;
    const float *x;         /* n_rows x model n_features, raw values */
    const long *cls;        /* classification: n_rows class indices */
    const float *y;         /* regression: n_rows targets */
} plot_points;

/* What was drawn, for the caller to report. */
typedef struct plot_regions_result {
    size_t n_points, n_correct, n_unknown;
    size_t n_units_drawn, n_units;
} plot_regions_result;

/* The size of the whole picture for these options and model. */
void plot_regions_size(const mlp_model *m, const plot_regions_options *o,
                       size_t *width, size_t *height);

/* Draw the picture onto s, which plot_regions_size() sized.  A
 * classification needs two features (axis_x != axis_y); a regression
 * exactly one feature.  pts may be NULL or empty.  Fails with
 * MLP_STATUS_USAGE when the model does not suit, MLP_STATUS_NOMEM. */
mlp_status plot_regions_draw(plot_surface *s, const mlp_model *m,
                             const plot_points *pts,
                             const plot_regions_options *o,
                             plot_regions_result *res, mlp_error *err);

/* Where in the main panel the data rectangle of the regions lies, as
 * plot_regions_draw() places it, and the data ranges of its axes. */
void plot_regions_frame(const mlp_model *m, const plot_points *pts,
                        const plot_regions_options *o, plot_frame *f);

/* A training log: one row per epoch; NaN where a value is absent. */
typedef struct plot_log {
    size_t n_rows;
    double *epoch, *loss, *accuracy, *val_loss, *val_accuracy;
} plot_log;

/* Read a log with a header naming at least epoch and loss (accuracy,
 * val_loss and val_accuracy are used when present; empty fields mean
 * absent).  MLP_STATUS_NOINPUT or MLP_STATUS_DATA naming file, line and
 * column, in err (which must not be NULL). */
mlp_status plot_log_load(plot_log *log, const char *path, mlp_error *err);

void plot_log_free(plot_log *log);

/* Draw loss (and accuracy, when the log has it) against epoch on s;
 * name goes in the title. */
mlp_status plot_curve_draw(plot_surface *s, const plot_log *log,
                           const char *name, mlp_error *err);

#endif
