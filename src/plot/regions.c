/* regions.c -- a classifier's decision regions over two features, its
 * first-layer units beside them, or a regression's fitted curve.
 *
 * The plane is sampled at every pixel centre of the data rectangle with
 * the other features at their training means (so at 0 once
 * standardised).  A pixel takes the colour of the most probable class,
 * mixed with white the more the nearer that probability is to a tie.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plot/plot.h"

/* The top of the unit panels, under their heading. */
enum { UNITS_TOP = 44 };

/* Classes listed in the legend at most; the rest are summed up. */
enum { MAX_LEGEND = 24 };

/* Shading: share of the class colour at a tie and at certainty. */
static const double tint_tie = 0.14, tint_sure = 0.62;

/* Palette entries that class labels naming a colour take. */
static const struct {
    const char *name;
    int index;
} colour_names[] = {
    {"blue", 0}, {"red", 1}, {"vermillion", 1}, {"green", 2},
    {"orange", 3}, {"skyblue", 4}, {"cyan", 4}, {"purple", 5},
    {"pink", 5}, {"magenta", 5}, {"yellow", 6}, {"black", 7}};

/* The palette index a label names, or -1. */
static int named_colour(const char *label)
{
    size_t i;

    for (i = 0; i < sizeof colour_names / sizeof colour_names[0]; i++)
        if (strcasecmp(label, colour_names[i].name) == 0)
            return colour_names[i].index;
    return -1;
}

/* Colours of the model's classes: those the labels name when every label
 * names a different one, else the palette in order (repeating after
 * eight classes). */
static void class_colours(const mlp_model *m, plot_rgb *out)
{
    int used[PLOT_N_PALETTE] = {0}, all_named = 1;
    size_t k;

    for (k = 0; k < m->n_classes && all_named; k++) {
        int c = named_colour(m->classes[k]);

        if (c < 0 || used[c])
            all_named = 0;
        else
            used[c] = 1;
    }
    for (k = 0; k < m->n_classes; k++) {
        int c = all_named ? named_colour(m->classes[k])
                          : (int)(k % PLOT_N_PALETTE);

        out[k] = plot_palette[c];
    }
}

/* How many unit panels, in how many rows and columns, of what side. */
typedef struct units_layout {
    size_t n_units, n_drawn, rows, cols, side;
} units_layout;

static void layout_units(const mlp_model *m, const plot_regions_options *o,
                         units_layout *u)
{
    memset(u, 0, sizeof *u);
    if (!o->units || m->net.n_layers < 2 || m->task != MLP_TASK_CLASSIFY)
        return;
    u->n_units = m->net.width[1];
    u->n_drawn = u->n_units < PLOT_MAX_UNITS ? u->n_units : PLOT_MAX_UNITS;

    /* a near-square grid as tall as the main panel's data rectangle */
    u->rows = (size_t)ceil(sqrt((double)u->n_drawn));
    u->cols = (u->n_drawn + u->rows - 1) / u->rows;
    u->side = (o->height - UNITS_TOP - 8) / u->rows;
}

void plot_regions_size(const mlp_model *m, const plot_regions_options *o,
                       size_t *width, size_t *height)
{
    units_layout u;

    layout_units(m, o, &u);
    *width = o->width + (u.n_drawn > 0 ? u.cols * u.side + PLOT_GAP : 0);
    *height = o->height;
}

/* The legend of the main panel into e (MAX_LEGEND + 2 entries); more
 * classes than fit are summed up in a last line whose text goes in more.
 * Returns the number of entries. */
static size_t legend_entries(const mlp_model *m, const plot_rgb *colours,
                             int with_points, plot_legend_entry *e,
                             char *more, size_t n_more)
{
    size_t n = 0, k;

    if (m->task == MLP_TASK_REGRESS) {
        e[n++] = (plot_legend_entry){"model", plot_palette[0],
                                     PLOT_KEY_LINE};
        if (with_points)
            e[n++] = (plot_legend_entry){"data", plot_palette[1],
                                         PLOT_KEY_DOT};
        return n;
    }
    for (k = 0; k < m->n_classes && k < MAX_LEGEND; k++)
        e[n++] = (plot_legend_entry){m->classes[k], colours[k],
                                     PLOT_KEY_DOT};
    if (m->n_classes > MAX_LEGEND) {
        snprintf(more, n_more, "(%zu more)", m->n_classes - MAX_LEGEND);
        e[n++] = (plot_legend_entry){more, plot_white, PLOT_KEY_LINE};
    }
    if (with_points)
        e[n++] = (plot_legend_entry){"misclassified", plot_ink,
                                     PLOT_KEY_RING};
    return n;
}

/* The range of column j of the points into [*lo, *hi]; returns whether
 * there was a finite value. */
static int column_range(const plot_points *pts, size_t n_features,
                        size_t j, double *lo, double *hi)
{
    size_t i;
    int any = 0;

    for (i = 0; pts != NULL && i < pts->n_rows; i++) {
        double v = pts->x[i * n_features + j];

        if (!isfinite(v))
            continue;
        *lo = any ? fmin(*lo, v) : v;
        *hi = any ? fmax(*hi, v) : v;
        any = 1;
    }
    return any;
}

/* The axis over feature j: the points' range, else the training mean
 * give or take 2.5 standard deviations. */
static void feature_axis(const mlp_model *m, const plot_points *pts,
                         size_t j, plot_axis *a)
{
    double lo = 0, hi = 0;

    a->log = 0;
    if (column_range(pts, m->n_features, j, &lo, &hi)) {
        plot_axis_pad(&lo, &hi, 0.06);
    } else {
        lo = m->mean[j] - 2.5 * m->scale[j];
        hi = m->mean[j] + 2.5 * m->scale[j];
        plot_axis_pad(&lo, &hi, 0);
    }
    a->lo = lo;
    a->hi = hi;
}

/* The width of the main panel's legend. */
static double legend_width(const mlp_model *m, const plot_points *pts)
{
    plot_legend_entry e[MAX_LEGEND + 2];
    plot_rgb colours[MAX_LEGEND];
    char more[32];
    size_t n, k;

    /* any colours will do: they do not change widths */
    for (k = 0; k < MAX_LEGEND; k++)
        colours[k] = plot_ink;
    n = legend_entries(m, colours, pts != NULL && pts->n_rows > 0, e, more,
                       sizeof more);
    return plot_legend_width(e, n);
}

/* Widen a regression's y range over the model's curve along the x axis
 * (the other features, if any, at their means). */
static void curve_range(const mlp_model *m, const plot_frame *f,
                        size_t axis_x, double *lo, double *hi)
{
    enum { N_SAMPLES = 256 };
    mlp_predictor *p = mlp_predictor_new(m, N_SAMPLES);
    float *x = calloc((size_t)N_SAMPLES * m->n_features, sizeof *x);
    float out[N_SAMPLES];
    size_t i, j;

    if (p != NULL && x != NULL) {
        for (i = 0; i < N_SAMPLES; i++) {
            for (j = 0; j < m->n_features; j++)
                x[i * m->n_features + j] = m->mean[j];
            x[i * m->n_features + axis_x] = (float)(f->ax.lo + (f->ax.hi -
                f->ax.lo) * (double)i / (N_SAMPLES - 1));
        }
        mlp_predictor_run(p, x, N_SAMPLES, out);
        for (i = 0; i < N_SAMPLES; i++)
            if (isfinite(out[i])) {
                *lo = fmin(*lo, out[i]);
                *hi = fmax(*hi, out[i]);
            }
    }
    mlp_predictor_free(p);
    free(x);
}

void plot_regions_frame(const mlp_model *m, const plot_points *pts,
                        const plot_regions_options *o, plot_frame *f)
{
    double right = legend_width(m, pts) + 2 * PLOT_GAP, lo = 0, hi = 0;
    size_t i;

    f->x = PLOT_MARGIN_LEFT;
    f->y = PLOT_MARGIN_TOP;
    f->w = fmax(floor((double)o->width - PLOT_MARGIN_LEFT - right), 40);
    f->h = fmax((double)o->height - PLOT_MARGIN_TOP - PLOT_MARGIN_BOTTOM, 40);
    feature_axis(m, pts, o->axis_x, &f->ax);
    if (m->task == MLP_TASK_CLASSIFY) {
        feature_axis(m, pts, o->axis_y, &f->ay);
        return;
    }

    /* a regression's y axis is the label: targets and the fitted curve */
    lo = hi = m->y_mean;
    for (i = 0; pts != NULL && i < pts->n_rows; i++)
        if (isfinite(pts->y[i])) {
            lo = fmin(lo, pts->y[i]);
            hi = fmax(hi, pts->y[i]);
        }
    curve_range(m, f, o->axis_x, &lo, &hi);
    plot_axis_pad(&lo, &hi, 0.06);
    f->ay.lo = lo;
    f->ay.hi = hi;
    f->ay.log = 0;
}

/* What one drawing works with, made once. */
typedef struct scene {
    const mlp_model *m;
    const plot_points *pts;
    const plot_regions_options *o;
    plot_frame f;
    plot_rgb *colours;      /* n_classes */
    mlp_predictor *pred;
    size_t max_rows;        /* rows the predictor takes at a time */
    float *x, *out;         /* max_rows x n_features, x n_outputs */
} scene;

static void scene_free(scene *sc)
{
    free(sc->colours);
    mlp_predictor_free(sc->pred);
    free(sc->x);
    free(sc->out);
}

static mlp_status scene_init(scene *sc, const mlp_model *m,
                             const plot_points *pts,
                             const plot_regions_options *o, mlp_error *err)
{
    size_t n_out = mlp_model_n_outputs(m);

    memset(sc, 0, sizeof *sc);
    sc->m = m;
    sc->pts = pts;
    sc->o = o;
    plot_regions_frame(m, pts, o, &sc->f);

    /* a pixel row at a time; sizes are bounded by the picture's */
    sc->max_rows = (size_t)sc->f.w + 1 > 256 ? (size_t)sc->f.w + 1 : 256;
    sc->colours = calloc(m->n_classes + 1, sizeof *sc->colours);
    sc->pred = mlp_predictor_new(m, sc->max_rows);
    sc->x = calloc(sc->max_rows, m->n_features * sizeof *sc->x);
    sc->out = calloc(sc->max_rows, n_out * sizeof *sc->out);
    if (sc->colours == NULL || sc->pred == NULL || sc->x == NULL ||
        sc->out == NULL) {
        scene_free(sc);
        return mlp_error_set(err, MLP_STATUS_NOMEM,
                             "out of memory drawing the regions");
    }
    class_colours(m, sc->colours);
    return MLP_STATUS_OK;
}

/* Fill the first n rows of sc->x with the features at their means, and
 * the axis features at the data values of pixels (x0 + i, y) for the
 * i-th row (the x axis only when y is NaN). */
static void plane_rows(scene *sc, double x0, double y, size_t n)
{
    size_t d = sc->m->n_features, i, j;

    for (i = 0; i < n; i++) {
        float *row = sc->x + i * d;

        for (j = 0; j < d; j++)
            row[j] = sc->m->mean[j];
        row[sc->o->axis_x] = (float)plot_frame_vx(&sc->f, x0 + i + 0.5);
        if (!isnan(y))
            row[sc->o->axis_y] = (float)plot_frame_vy(&sc->f, y + 0.5);
    }
}

/* The colour of a pixel whose most probable class k has probability p:
 * from a light tint at a tie (p = 1/K) to a strong one at p = 1. */
static plot_rgb region_colour(const scene *sc, size_t k, double p)
{
    double tie = 1.0 / (double)sc->m->n_classes;
    double u = (p - tie) / (1.0 - tie);

    u = u < 0 ? 0 : u > 1 ? 1 : u;
    return plot_rgb_mix(plot_white, sc->colours[k],
                        tint_tie + (tint_sure - tint_tie) * u);
}

/* Shade img (the data rectangle, pixel for pixel) by class and
 * confidence; the class of each pixel goes to cls. */
static void shade_regions(scene *sc, plot_canvas *img, size_t *cls)
{
    size_t n_out = mlp_model_n_outputs(sc->m), i, j;

    for (j = 0; j < img->height; j++) {
        plane_rows(sc, sc->f.x, sc->f.y + (double)j, img->width);
        mlp_predictor_run(sc->pred, sc->x, img->width, sc->out);
        for (i = 0; i < img->width; i++) {
            const float *p = sc->out + i * n_out;
            size_t k = mlp_argmax(p, n_out);

            cls[j * img->width + i] = k;
            plot_canvas_blend(img, (long)i, (long)j,
                              region_colour(sc, k, p[k]), 1.0);
        }
    }
}

/* Darken the pixels where the class changes to the right or below, so
 * that the boundary reads as a line. */
static void mark_boundary(plot_canvas *img, const size_t *cls)
{
    size_t w = img->width, h = img->height, i, j;

    for (j = 0; j < h; j++)
        for (i = 0; i < w; i++) {
            size_t k = cls[j * w + i];

            if ((i + 1 < w && cls[j * w + i + 1] != k) ||
                (j + 1 < h && cls[(j + 1) * w + i] != k))
                plot_canvas_blend(img, (long)i, (long)j, plot_ink, 0.45);
        }
}

/* The regions image, placed over the data rectangle. */
static mlp_status draw_regions(plot_surface *s, scene *sc, mlp_error *err)
{
    plot_canvas img;
    size_t *cls;
    mlp_status st;

    st = plot_canvas_init(&img, (size_t)sc->f.w, (size_t)sc->f.h,
                          plot_white, err);
    if (st != MLP_STATUS_OK)
        return st;
    cls = malloc(img.width * img.height * sizeof *cls);
    if (cls == NULL) {
        plot_canvas_free(&img);
        return mlp_error_set(err, MLP_STATUS_NOMEM,
                             "out of memory drawing the regions");
    }
    shade_regions(sc, &img, cls);
    mark_boundary(&img, cls);
    plot_surface_image(s, (long)sc->f.x, (long)sc->f.y, &img);
    free(cls);
    plot_canvas_free(&img);
    return MLP_STATUS_OK;
}

/* Predict the class of every point into pred (n_rows entries). */
static void predict_points(scene *sc, size_t *pred)
{
    const plot_points *pts = sc->pts;
    size_t d = sc->m->n_features, n_out = mlp_model_n_outputs(sc->m);
    size_t i, k;

    for (i = 0; i < pts->n_rows; i += sc->max_rows) {
        size_t n = pts->n_rows - i < sc->max_rows ? pts->n_rows - i
                                                  : sc->max_rows;

        mlp_predictor_run(sc->pred, pts->x + i * d, n, sc->out);
        for (k = 0; k < n; k++)
            pred[i + k] = mlp_argmax(sc->out + k * n_out, n_out);
    }
}

/* One point at (px, py): a dot in its class colour (grey when the label
 * is unknown), ringed when the model gets it wrong. */
static void draw_point(plot_surface *s, double px, double py, long cls,
                       int wrong, const scene *sc)
{
    const plot_pen edge = {plot_ink, 0.8, 0}, ring = {plot_ink, 1.6, 0};
    plot_rgb fill = cls >= 0 ? sc->colours[cls] : plot_grey;

    plot_surface_circle(s, px, py, 3.6, &fill, &edge);
    if (wrong)
        plot_surface_circle(s, px, py, 7.0, NULL, &ring);
}

/* The points over the regions, the misclassified ones last so that
 * their rings stay visible; counts go to res. */
static mlp_status draw_points(plot_surface *s, scene *sc,
                              plot_regions_result *res, mlp_error *err)
{
    const plot_points *pts = sc->pts;
    size_t d = sc->m->n_features, i, *pred;
    int pass;

    pred = calloc(pts->n_rows ? pts->n_rows : 1, sizeof *pred);
    if (pred == NULL)
        return mlp_error_set(err, MLP_STATUS_NOMEM,
                             "out of memory predicting the points");
    predict_points(sc, pred);
    for (pass = 0; pass < 2; pass++)
        for (i = 0; i < pts->n_rows; i++) {
            const float *x = pts->x + i * d;
            long c = pts->cls[i];
            int wrong = c < 0 || (size_t)c != pred[i];

            if (wrong != pass)
                continue;
            draw_point(s, plot_frame_px(&sc->f, x[sc->o->axis_x]),
                       plot_frame_py(&sc->f, x[sc->o->axis_y]), c, wrong,
                       sc);
            res->n_correct += !wrong;
            res->n_unknown += c < 0;
        }
    res->n_points = pts->n_rows;
    free(pred);
    return MLP_STATUS_OK;
}

/* Hidden unit j's pre-activation as a line in the raw axes:
 * z = c0 + cx x + cy y, with the other features at their means. */
typedef struct unit_plane {
    double c0, cx, cy;
} unit_plane;

static unit_plane unit_plane_of(const scene *sc, size_t j)
{
    const mlp_model *m = sc->m;
    size_t a = sc->o->axis_x, b = sc->o->axis_y, h = m->net.width[1];
    double wa = m->net.w[0][a * h + j] / m->scale[a];
    double wb = m->net.w[0][b * h + j] / m->scale[b];
    unit_plane u;

    /* w . (x - mean) / scale + bias, with x - mean = 0 off the axes */
    u.cx = wa;
    u.cy = wb;
    u.c0 = m->net.b[0][j] - wa * m->mean[a] - wb * m->mean[b];
    return u;
}

/* The hidden activation of pre-activation z, scaled to [0, 1] over its
 * range (relu by top, the largest value in the panel). */
static double unit_level(mlp_act act, double z, double top)
{
    switch (act) {
    case MLP_ACT_SIGMOID:
        return 1 / (1 + exp(-z));
    case MLP_ACT_TANH:
        return (tanh(z) + 1) / 2;
    case MLP_ACT_RELU:
        return z > 0 && top > 0 ? z / top : 0;
    }
    return 0;
}

/* Clip the line c0 + cx x + cy y = 0 to the frame's data ranges; stores
 * its ends in pixels in seg and returns 1, or 0 when it misses. */
static int zero_line(const plot_frame *f, const unit_plane *u, double *seg)
{
    double xs[2] = {f->ax.lo, f->ax.hi}, ys[2] = {f->ay.lo, f->ay.hi};
    double pt[8];
    size_t n = 0, k;

    /* where the line meets each of the four edges, if within it */
    for (k = 0; k < 2; k++) {
        if (u->cy != 0) {
            double y = -(u->c0 + u->cx * xs[k]) / u->cy;

            if (y >= ys[0] && y <= ys[1])
                pt[2 * n] = xs[k], pt[2 * n + 1] = y, n++;
        }
        if (u->cx != 0) {
            double x = -(u->c0 + u->cy * ys[k]) / u->cx;

            if (x >= xs[0] && x <= xs[1])
                pt[2 * n] = x, pt[2 * n + 1] = ys[k], n++;
        }
    }
    if (n < 2)
        return 0;
    seg[0] = plot_frame_px(f, pt[0]);
    seg[1] = plot_frame_py(f, pt[1]);
    seg[2] = plot_frame_px(f, pt[2 * n - 2]);
    seg[3] = plot_frame_py(f, pt[2 * n - 1]);
    return 1;
}

/* Shade img by unit u's activation over frame f: white where it is
 * lowest, dark grey where highest. */
static void shade_unit(const plot_frame *f, const unit_plane *u,
                       mlp_act act, plot_canvas *img)
{
    const plot_rgb dark = {0x4A, 0x4A, 0x4A};
    double top = 0, corner[4][2] = {{f->ax.lo, f->ay.lo},
        {f->ax.lo, f->ay.hi}, {f->ax.hi, f->ay.lo}, {f->ax.hi, f->ay.hi}};
    size_t i, j;

    /* a plane is largest at a corner */
    for (i = 0; i < 4; i++)
        top = fmax(top, u->c0 + u->cx * corner[i][0] +
                            u->cy * corner[i][1]);
    for (j = 0; j < img->height; j++)
        for (i = 0; i < img->width; i++) {
            double x = plot_frame_vx(f, f->x + i + 0.5);
            double y = plot_frame_vy(f, f->y + j + 0.5);
            double z = u->c0 + u->cx * x + u->cy * y;

            plot_canvas_blend(img, (long)i, (long)j, dark,
                              0.85 * unit_level(act, z, top));
        }
}

/* The data rectangle of panel k of the unit grid, over the same data
 * ranges as the main panel, under a line for its caption. */
static void unit_frame(const scene *sc, const units_layout *ul, size_t k,
                       plot_frame *f)
{
    size_t left = sc->o->width + PLOT_GAP / 2 + (k % ul->cols) * ul->side;
    size_t top = UNITS_TOP + (k / ul->cols) * ul->side;

    *f = sc->f;
    f->x = (double)left + 4;
    f->y = (double)top + 16;
    f->w = (double)ul->side - 10;
    f->h = (double)ul->side - 22;
}

/* Panel k of the unit grid: the shaded plane, its zero line, a caption
 * and a border. */
static mlp_status draw_unit(plot_surface *s, scene *sc,
                            const units_layout *ul, size_t k,
                            mlp_error *err)
{
    const plot_text_style st = {plot_ink, 1, PLOT_ANCHOR_MIDDLE, 0};
    const plot_pen line = {plot_ink, 1.5, 0}, edge = {plot_grey, 1, 0};
    unit_plane u = unit_plane_of(sc, k);
    plot_canvas img;
    plot_frame f;
    double seg[4], box[10];
    char caption[32];
    mlp_status st_img;

    unit_frame(sc, ul, k, &f);
    st_img = plot_canvas_init(&img, (size_t)f.w, (size_t)f.h, plot_white,
                              err);
    if (st_img != MLP_STATUS_OK)
        return st_img;
    shade_unit(&f, &u, sc->m->net.act, &img);
    plot_surface_image(s, (long)f.x, (long)f.y, &img);
    plot_canvas_free(&img);

    /* where the input is zero, then caption and border */
    if (zero_line(&f, &u, seg))
        plot_surface_path(s, seg, 2, &line);
    snprintf(caption, sizeof caption, "unit %zu", k + 1);
    plot_surface_text(s, f.x + f.w / 2, f.y - 5, caption, &st);
    box[0] = f.x - 0.5, box[1] = f.y - 0.5, box[2] = f.x + f.w + 0.5;
    box[3] = f.y - 0.5, box[4] = box[2], box[5] = f.y + f.h + 0.5;
    box[6] = box[0], box[7] = box[5], box[8] = box[0], box[9] = box[1];
    plot_surface_path(s, box, 5, &edge);
    return MLP_STATUS_OK;
}

/* The grid of first-layer unit panels right of the main panel. */
static mlp_status draw_units(plot_surface *s, scene *sc,
                             plot_regions_result *res, mlp_error *err)
{
    const plot_text_style st = {plot_ink, 1, PLOT_ANCHOR_MIDDLE, 0};
    const char *hint = "dark: high activation; line: input 0";
    units_layout ul;
    double centre;
    char head[96];
    size_t k;
    mlp_status status;

    layout_units(sc->m, sc->o, &ul);
    res->n_units = ul.n_units;
    if (ul.n_drawn == 0)
        return MLP_STATUS_OK;
    if (ul.n_drawn < ul.n_units)
        snprintf(head, sizeof head, "first-layer units 1-%zu of %zu",
                 ul.n_drawn, ul.n_units);
    else
        snprintf(head, sizeof head, "first-layer units");
    centre = (double)sc->o->width + PLOT_GAP / 2 +
             (double)(ul.cols * ul.side) / 2;
    plot_surface_text(s, centre, 20, head, &st);
    if (plot_text_width(hint, 1) < (double)(ul.cols * ul.side))
        plot_surface_text(s, centre, 34, hint, &st);
    for (k = 0; k < ul.n_drawn; k++) {
        status = draw_unit(s, sc, &ul, k, err);
        if (status != MLP_STATUS_OK)
            return status;
        res->n_units_drawn++;
    }
    return MLP_STATUS_OK;
}

/* A regression: the targets as dots, the model's curve through them;
 * the root mean squared error over the points goes to *rmse. */
static mlp_status draw_fit(plot_surface *s, scene *sc, double *rmse,
                           mlp_error *err)
{
    const plot_pen pen = {plot_palette[0], 2, 0};
    const plot_pen edge = {plot_white, 0.6, 0};
    const plot_points *pts = sc->pts;
    size_t n = (size_t)sc->f.w + 1, i;
    double *xy, sum = 0;

    xy = malloc(2 * n * sizeof *xy);
    if (xy == NULL)
        return mlp_error_set(err, MLP_STATUS_NOMEM,
                             "out of memory drawing the curve");

    /* targets first, their error against the model on the way */
    for (i = 0; pts != NULL && i < pts->n_rows; i += sc->max_rows) {
        size_t k, m = pts->n_rows - i < sc->max_rows ? pts->n_rows - i
                                                     : sc->max_rows;

        mlp_predictor_run(sc->pred, pts->x + i * sc->m->n_features, m,
                          sc->out);
        for (k = 0; k < m; k++) {
            double e = sc->out[k] - pts->y[i + k];
            double x = pts->x[(i + k) * sc->m->n_features + sc->o->axis_x];

            sum += e * e;
            plot_surface_circle(s, plot_frame_px(&sc->f, x),
                                plot_frame_py(&sc->f, pts->y[i + k]), 3,
                                &plot_palette[1], &edge);
        }
    }
    *rmse = pts != NULL && pts->n_rows > 0 ? sqrt(sum / pts->n_rows) : 0;

    /* the curve: one vertex per pixel column */
    plane_rows(sc, sc->f.x - 0.5, NAN, n);
    mlp_predictor_run(sc->pred, sc->x, n, sc->out);
    for (i = 0; i < n; i++) {
        xy[2 * i] = sc->f.x + (double)i;
        xy[2 * i + 1] = plot_frame_py(&sc->f, sc->out[i]);
    }
    plot_surface_path(s, xy, n, &pen);
    free(xy);
    return MLP_STATUS_OK;
}

/* The title above the main panel. */
static void draw_title(plot_surface *s, const scene *sc,
                       const plot_regions_result *res, double rmse)
{
    const char *name = sc->o->points_name ? sc->o->points_name : "";
    char title[160];

    if (res->n_points == 0)
        snprintf(title, sizeof title, "%s of %s",
                 sc->m->task == MLP_TASK_REGRESS ? "fitted curve"
                                                 : "decision regions",
                 sc->m->label_name);
    else if (sc->m->task == MLP_TASK_REGRESS)
        snprintf(title, sizeof title, "RMSE %.4g on %s", rmse, name);
    else
        snprintf(title, sizeof title, "accuracy %.1f%% on %s",
                 100.0 * (double)res->n_correct / (double)res->n_points,
                 name);
    plot_title_draw(s, sc->f.x + sc->f.w / 2, 28,
                    fmin(sc->f.w + 2 * sc->f.x, (double)sc->o->width) - 8,
                    title);
}

/* Refuse a model the picture cannot show. */
static mlp_status check_model(const mlp_model *m,
                              const plot_regions_options *o,
                              mlp_error *err)
{
    if (m->task == MLP_TASK_REGRESS && m->n_features != 1)
        return mlp_error_set(err, MLP_STATUS_USAGE,
                             "regions need a classification model; a "
                             "regression can be drawn only on one "
                             "feature, and this one has %zu",
                             m->n_features);
    if (m->task == MLP_TASK_CLASSIFY && m->n_features < 2)
        return mlp_error_set(err, MLP_STATUS_USAGE,
                             "regions need two features; the model has "
                             "one");
    if (m->task == MLP_TASK_CLASSIFY && (o->axis_x == o->axis_y ||
        o->axis_x >= m->n_features || o->axis_y >= m->n_features))
        return mlp_error_set(err, MLP_STATUS_USAGE,
                             "the two axes must be different features");
    if (m->task == MLP_TASK_CLASSIFY && m->n_classes < 2)
        return mlp_error_set(err, MLP_STATUS_DATA,
                             "the model has fewer than two classes");
    return MLP_STATUS_OK;
}

mlp_status plot_regions_draw(plot_surface *s, const mlp_model *m,
                             const plot_points *pts,
                             const plot_regions_options *o,
                             plot_regions_result *res, mlp_error *err)
{
    plot_legend_entry e[MAX_LEGEND + 2];
    plot_frame_labels labels = {NULL, NULL, 1};
    char more[32];
    double rmse = 0;
    size_t n_legend;
    scene sc;
    mlp_status st;

    memset(res, 0, sizeof *res);
    st = check_model(m, o, err);
    if (st == MLP_STATUS_OK)
        st = scene_init(&sc, m, pts, o, err);
    if (st != MLP_STATUS_OK)
        return st;

    /* the data rectangle: regions and points, or targets and curve */
    labels.x = m->feature_names[o->axis_x];
    labels.y = m->task == MLP_TASK_REGRESS ? m->label_name
                                           : m->feature_names[o->axis_y];
    if (m->task == MLP_TASK_REGRESS) {
        plot_frame_draw(s, &sc.f, &labels, 1);
        st = draw_fit(s, &sc, &rmse, err);
    } else {
        st = draw_regions(s, &sc, err);
        if (st == MLP_STATUS_OK && pts != NULL)
            st = draw_points(s, &sc, res, err);
        if (st == MLP_STATUS_OK)
            st = draw_units(s, &sc, res, err);
    }
    if (pts != NULL)
        res->n_points = pts->n_rows;

    /* frame, titles and legend over everything */
    if (m->task == MLP_TASK_CLASSIFY)
        plot_frame_draw(s, &sc.f, &labels, 0);
    draw_title(s, &sc, res, rmse);
    n_legend = legend_entries(m, sc.colours, pts != NULL &&
                              pts->n_rows > 0, e, more, sizeof more);
    plot_legend_draw(s, sc.f.x + sc.f.w + PLOT_GAP, sc.f.y, e, n_legend);
    scene_free(&sc);
    return st;
}
