/* frame.h -- what every chart shares: a data rectangle with linear or
 * logarithmic axes, tick marks at round numbers, axis titles, a chart
 * title, a legend and the colour-blind-safe palette. */
#ifndef PLOT_FRAME_H
#define PLOT_FRAME_H

#include <stddef.h>

#include "plot/canvas.h"
#include "plot/surface.h"

/* The Okabe-Ito palette, in the order classes take it. */
enum { PLOT_N_PALETTE = 8 };
extern const plot_rgb plot_palette[PLOT_N_PALETTE];

/* Margins around a chart's data rectangle and the gap beside a legend,
 * in pixels: room for tick values, axis titles and the title. */
enum { PLOT_MARGIN_LEFT = 72, PLOT_MARGIN_TOP = 44, PLOT_MARGIN_BOTTOM = 52,
       PLOT_GAP = 16 };

/* Ink for text and frames, and the grey of unknown things. */
extern const plot_rgb plot_ink, plot_grey, plot_white;

/* One axis: the data range [lo, hi] shown, on a log scale or not. */
typedef struct plot_axis {
    double lo, hi;
    int log;
} plot_axis;

/* A data rectangle in pixels and the axes that map into it. */
typedef struct plot_frame {
    double x, y, w, h;      /* left, top, width, height */
    plot_axis ax, ay;
} plot_frame;

/* Pixel position of data value v along x (left to right) and along y
 * (bottom to top). */
double plot_frame_px(const plot_frame *f, double v);
double plot_frame_py(const plot_frame *f, double v);

/* The data value at pixel position px along x, py along y. */
double plot_frame_vx(const plot_frame *f, double px);
double plot_frame_vy(const plot_frame *f, double py);

/* Widen [*lo, *hi] by a share of its span on each side, and to a unit
 * span around a single value. */
void plot_axis_pad(double *lo, double *hi, double share);

/* Round tick values inside [lo, hi], at most max of them (steps of 1, 2
 * or 5 times a power of ten; powers of ten on a log axis).  Returns how
 * many were stored in ticks. */
size_t plot_axis_ticks(const plot_axis *a, double *ticks, size_t max);

/* Labels for the axes of a frame. */
typedef struct plot_frame_labels {
    const char *x;          /* under the x axis; NULL for none */
    const char *y;          /* beside the y axis; NULL for none */
    int x_ticks;            /* print the values of the x ticks */
} plot_frame_labels;

/* Draw the border, ticks, tick values and axis titles of f.  Grid lines
 * are drawn faintly across the rectangle when grid is set. */
void plot_frame_draw(plot_surface *s, const plot_frame *f,
                     const plot_frame_labels *labels, int grid);

/* Title text centred on cx with baseline y: at scale 2, or at scale 1
 * when that would be wider than room. */
void plot_title_draw(plot_surface *s, double cx, double y, double room,
                     const char *text);

/* How a legend entry is drawn. */
typedef enum plot_key {
    PLOT_KEY_DOT = 0,       /* a filled point */
    PLOT_KEY_RING,          /* an open ring */
    PLOT_KEY_LINE,          /* a solid line */
    PLOT_KEY_DASH           /* a dashed line */
} plot_key;

typedef struct plot_legend_entry {
    const char *label;
    plot_rgb colour;
    plot_key key;
} plot_legend_entry;

/* The width a legend of these entries takes. */
double plot_legend_width(const plot_legend_entry *e, size_t n);

/* Draw a legend with its top-left corner at (x, y), one entry a line. */
void plot_legend_draw(plot_surface *s, double x, double y,
                      const plot_legend_entry *e, size_t n);

/* Mix a into b: (1-t) a + t b, rounded. */
plot_rgb plot_rgb_mix(plot_rgb a, plot_rgb b, double t);

/* Format v briefly for a tick label ("0.5", "1e-03", "200"). */
void plot_number_format(char *buf, size_t n, double v, double step);

#endif
