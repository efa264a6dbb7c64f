/* frame.c -- axes, ticks, titles and legends that the charts share. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot/frame.h"

/* Okabe and Ito, "Color Universal Design" (2008): blue, vermillion,
 * bluish green, orange, sky blue, reddish purple, yellow, black. */
const plot_rgb plot_palette[PLOT_N_PALETTE] = {
    {0x00, 0x72, 0xB2}, {0xD5, 0x5E, 0x00}, {0x00, 0x9E, 0x73},
    {0xE6, 0x9F, 0x00}, {0x56, 0xB4, 0xE9}, {0xCC, 0x79, 0xA7},
    {0xF0, 0xE4, 0x42}, {0x00, 0x00, 0x00}};

const plot_rgb plot_ink = {0x22, 0x22, 0x22};
const plot_rgb plot_grey = {0x88, 0x88, 0x88};
const plot_rgb plot_white = {0xFF, 0xFF, 0xFF};

enum { TICK_LEN = 4, LEGEND_LINE = 16, LEGEND_KEY = 18 };

plot_rgb plot_rgb_mix(plot_rgb a, plot_rgb b, double t)
{
    plot_rgb m;

    m.r = (unsigned char)lround(a.r + (b.r - a.r) * t);
    m.g = (unsigned char)lround(a.g + (b.g - a.g) * t);
    m.b = (unsigned char)lround(a.b + (b.b - a.b) * t);
    return m;
}

/* Where v falls along an axis, 0 at lo and 1 at hi. */
static double axis_share(const plot_axis *a, double v)
{
    if (a->log)
        return (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo));
    return (v - a->lo) / (a->hi - a->lo);
}

/* The value at share t along an axis. */
static double axis_value(const plot_axis *a, double t)
{
    if (a->log)
        return pow(10, log10(a->lo) + t * (log10(a->hi) - log10(a->lo)));
    return a->lo + t * (a->hi - a->lo);
}

double plot_frame_px(const plot_frame *f, double v)
{
    return f->x + f->w * axis_share(&f->ax, v);
}

double plot_frame_py(const plot_frame *f, double v)
{
    return f->y + f->h * (1 - axis_share(&f->ay, v));
}

double plot_frame_vx(const plot_frame *f, double px)
{
    return axis_value(&f->ax, (px - f->x) / f->w);
}

double plot_frame_vy(const plot_frame *f, double py)
{
    return axis_value(&f->ay, 1 - (py - f->y) / f->h);
}

void plot_axis_pad(double *lo, double *hi, double share)
{
    double span = *hi - *lo;

    if (!(span > 0)) {
        *lo -= 0.5;
        *hi += 0.5;
        return;
    }
    *lo -= share * span;
    *hi += share * span;
}

/* The smallest of 1, 2 or 5 times a power of ten that is >= raw. */
static double nice_step(double raw)
{
    double p = pow(10, floor(log10(raw))), m = raw / p;

    if (m <= 1.0)
        return p;
    if (m <= 2.0)
        return 2 * p;
    if (m <= 5.0)
        return 5 * p;
    return 10 * p;
}

/* Linear ticks at multiples of a round step between lo and hi. */
static size_t linear_ticks(double lo, double hi, double *ticks, size_t max)
{
    double step = nice_step((hi - lo) / (double)(max > 1 ? max - 1 : 1));
    double v = ceil(lo / step - 1e-9) * step;
    size_t n = 0;

    for (; v <= hi + step * 1e-9 && n < max; v += step) {
        ticks[n++] = fabs(v) < step * 1e-9 ? 0.0 : v;
    }
    return n;
}

size_t plot_axis_ticks(const plot_axis *a, double *ticks, size_t max)
{
    double e, lo, hi;
    size_t n = 0;

    if (!a->log || max == 0)
        return linear_ticks(a->lo, a->hi, ticks, max);

    /* whole powers of ten; a span under two decades also gets 2 and 5 */
    lo = floor(log10(a->lo));
    hi = log10(a->hi);
    for (e = lo; e <= hi + 1e-9 && n < max; e += 1) {
        static const double mult[3] = {1, 2, 5};
        size_t k, n_mult = hi - log10(a->lo) < 2 ? 3 : 1;

        for (k = 0; k < n_mult && n < max; k++) {
            double v = mult[k] * pow(10, e);

            if (v >= a->lo * (1 - 1e-9) && v <= a->hi * (1 + 1e-9))
                ticks[n++] = v;
        }
    }
    return n;
}

void plot_number_format(char *buf, size_t n, double v, double step)
{
    int decimals = 0;

    /* a log axis (step 0) shows each value briefly; a linear one with
     * enough decimals to tell neighbouring ticks apart */
    if (step == 0) {
        snprintf(buf, n, "%g", v);
        return;
    }
    if (step < 1)
        decimals = (int)ceil(-log10(step) - 1e-9);
    if (v != 0 && (fabs(v) >= 1e6 || fabs(v) < 1e-4))
        snprintf(buf, n, "%.0e", v);
    else
        snprintf(buf, n, "%.*f", decimals > 6 ? 6 : decimals, v);
}

/* The gap between neighbouring ticks (for formatting), or 0. */
static double tick_step(const double *t, size_t n, size_t i)
{
    if (n < 2)
        return 0;
    return i + 1 < n ? t[i + 1] - t[i] : t[i] - t[i - 1];
}

/* Ticks, values and grid along the x axis of f. */
static void draw_x_ticks(plot_surface *s, const plot_frame *f, int values,
                         int grid)
{
    const plot_text_style st = {plot_ink, 1, PLOT_ANCHOR_MIDDLE, 0};
    const plot_pen tick = {plot_ink, 1, 0}, faint = {{0xE4, 0xE4, 0xE4},
                                                      1, 0};
    double t[16], bottom = f->y + f->h;
    size_t n = plot_axis_ticks(&f->ax, t, 9), i;

    for (i = 0; i < n; i++) {
        double x = floor(plot_frame_px(f, t[i])) + 0.5;
        double seg[4] = {x, bottom, x, bottom + TICK_LEN};
        char label[32];

        if (grid) {
            double line[4] = {x, f->y, x, bottom};

            plot_surface_path(s, line, 2, &faint);
        }
        plot_surface_path(s, seg, 2, &tick);
        if (!values)
            continue;
        plot_number_format(label, sizeof label, t[i], f->ax.log ? 0 :
                           tick_step(t, n, i));
        plot_surface_text(s, x, bottom + TICK_LEN + 11, label, &st);
    }
}

/* Ticks, values and grid along the y axis of f. */
static void draw_y_ticks(plot_surface *s, const plot_frame *f, int grid)
{
    const plot_text_style st = {plot_ink, 1, PLOT_ANCHOR_END, 0};
    const plot_pen tick = {plot_ink, 1, 0}, faint = {{0xE4, 0xE4, 0xE4},
                                                      1, 0};
    double t[16];
    size_t n = plot_axis_ticks(&f->ay, t, 7), i;

    for (i = 0; i < n; i++) {
        double y = floor(plot_frame_py(f, t[i])) + 0.5;
        double seg[4] = {f->x - TICK_LEN, y, f->x, y};
        char label[32];

        if (grid) {
            double line[4] = {f->x, y, f->x + f->w, y};

            plot_surface_path(s, line, 2, &faint);
        }
        plot_surface_path(s, seg, 2, &tick);
        plot_number_format(label, sizeof label, t[i], f->ay.log ? 0 :
                           tick_step(t, n, i));
        plot_surface_text(s, f->x - TICK_LEN - 3, y + 3.5, label, &st);
    }
}

void plot_frame_draw(plot_surface *s, const plot_frame *f,
                     const plot_frame_labels *labels, int grid)
{
    const plot_text_style st = {plot_ink, 1, PLOT_ANCHOR_MIDDLE, 0};
    const plot_pen border = {plot_ink, 1, 0};
    double x0 = floor(f->x) - 0.5, y0 = floor(f->y) - 0.5;
    double x1 = floor(f->x + f->w) + 0.5, y1 = floor(f->y + f->h) + 0.5;
    double box[10] = {x0, y0, x1, y0, x1, y1, x0, y1, x0, y0};

    /* grid first so that the border and the data lie over it */
    draw_x_ticks(s, f, labels->x_ticks, grid);
    draw_y_ticks(s, f, grid);
    plot_surface_path(s, box, 5, &border);

    /* axis titles: centred under the x values, upright beside y's */
    if (labels->x != NULL)
        plot_surface_text(s, f->x + f->w / 2, f->y + f->h + 34, labels->x,
                          &st);
    if (labels->y != NULL) {
        plot_text_style vst = st;

        vst.vertical = 1;
        plot_surface_text(s, f->x - 44, f->y + f->h / 2, labels->y, &vst);
    }
}

void plot_title_draw(plot_surface *s, double cx, double y, double room,
                     const char *text)
{
    plot_text_style st = {plot_ink, 2, PLOT_ANCHOR_MIDDLE, 0};

    /* half size rather than past the edges of a small picture */
    if (plot_text_width(text, 2) > room)
        st.scale = 1;
    plot_surface_text(s, cx, y, text, &st);
}

double plot_legend_width(const plot_legend_entry *e, size_t n)
{
    double w = 0;
    size_t i;

    for (i = 0; i < n; i++)
        w = fmax(w, plot_text_width(e[i].label, 1));
    return LEGEND_KEY + 6 + w + 12;
}

/* The key of one legend entry, centred at (cx, cy). */
static void draw_key(plot_surface *s, double cx, double cy,
                     const plot_legend_entry *e)
{
    const plot_pen ring = {e->colour, 1.5, 0}, edge = {plot_ink, 0.8, 0};
    plot_pen line = {e->colour, 2, 0};
    double seg[4] = {cx - 8, cy, cx + 8, cy};

    switch (e->key) {
    case PLOT_KEY_DOT:
        plot_surface_circle(s, cx, cy, 4, &e->colour, &edge);
        break;
    case PLOT_KEY_RING:
        plot_surface_circle(s, cx, cy, 6, NULL, &ring);
        break;
    case PLOT_KEY_DASH:
        line.dash = 4;
        plot_surface_path(s, seg, 2, &line);
        break;
    case PLOT_KEY_LINE:
        plot_surface_path(s, seg, 2, &line);
        break;
    }
}

void plot_legend_draw(plot_surface *s, double x, double y,
                      const plot_legend_entry *e, size_t n)
{
    const plot_text_style st = {plot_ink, 1, PLOT_ANCHOR_START, 0};
    const plot_pen frame = {{0xBB, 0xBB, 0xBB}, 1, 0};
    double w = plot_legend_width(e, n), h = (double)n * LEGEND_LINE + 8;
    double box[10];
    size_t i;

    /* a white box with a light edge, so it reads over anything */
    x = floor(x) + 0.5;
    y = floor(y) + 0.5;
    box[0] = x, box[1] = y, box[2] = x + w, box[3] = y;
    box[4] = x + w, box[5] = y + h, box[6] = x, box[7] = y + h;
    box[8] = x, box[9] = y;
    plot_surface_rect(s, x, y, w, h, plot_white);
    plot_surface_path(s, box, 5, &frame);

    for (i = 0; i < n; i++) {
        double cy = y + 4 + LEGEND_LINE * (i + 0.5);

        draw_key(s, x + 4 + LEGEND_KEY / 2.0, cy, &e[i]);
        plot_surface_text(s, x + 4 + LEGEND_KEY + 6, cy + 3.5, e[i].label,
                          &st);
    }
}
