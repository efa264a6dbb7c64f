/* surface.h -- one drawing interface over two outputs: a raster that is
 * saved as PNG, and SVG text.
 *
 * The pictures draw through a plot_surface and never know which output
 * they make.  Drawing calls do not fail: a failure (out of memory while
 * the SVG text grows, say) is remembered and reported by
 * plot_surface_finish().  Coordinates are as in canvas.h.
 */
#ifndef PLOT_SURFACE_H
#define PLOT_SURFACE_H

#include <stddef.h>

#include "mlp/status.h"
#include "plot/canvas.h"

typedef enum plot_format {
    PLOT_FORMAT_PNG = 0,
    PLOT_FORMAT_SVG
} plot_format;

/* How a line is stroked: width in pixels; dash > 0 draws dashes of that
 * length with gaps of the same length. */
typedef struct plot_pen {
    plot_rgb colour;
    double width;
    double dash;
} plot_pen;

typedef enum plot_anchor {
    PLOT_ANCHOR_START = 0,
    PLOT_ANCHOR_MIDDLE,
    PLOT_ANCHOR_END
} plot_anchor;

typedef struct plot_text_style {
    plot_rgb colour;
    int scale;              /* 1 or 2: font cell multiple */
    plot_anchor anchor;     /* where x is along the text */
    int vertical;           /* read upwards, turned a quarter */
} plot_text_style;

typedef struct plot_surface plot_surface;

/* Start a picture of width x height in format on a white background. */
mlp_status plot_surface_new(plot_surface **out, plot_format format,
                            size_t width, size_t height, mlp_error *err);

/* Free s and everything it holds; s may be NULL. */
void plot_surface_free(plot_surface *s);

size_t plot_surface_width(const plot_surface *s);
size_t plot_surface_height(const plot_surface *s);

/* Fill a rectangle. */
void plot_surface_rect(plot_surface *s, double x, double y, double w,
                       double h, plot_rgb fill);

/* Stroke the open path through n points xy[0..2n). */
void plot_surface_path(plot_surface *s, const double *xy, size_t n,
                       const plot_pen *pen);

/* A circle: filled when fill is not NULL, stroked when pen is not. */
void plot_surface_circle(plot_surface *s, double cx, double cy, double r,
                         const plot_rgb *fill, const plot_pen *pen);

/* Text whose baseline passes through y (through x when vertical). */
void plot_surface_text(plot_surface *s, double x, double y,
                       const char *text, const plot_text_style *style);

/* Place an RGB image with its top-left corner at (x, y), pixel for
 * pixel. */
void plot_surface_image(plot_surface *s, long x, long y,
                        const plot_canvas *img);

/* The raster behind a PNG surface (NULL for SVG), for tests. */
const plot_canvas *plot_surface_canvas(const plot_surface *s);

/* Finish the picture into a new buffer (*buf, *len) holding the file's
 * bytes, freed by the caller; or the first failure met while drawing. */
mlp_status plot_surface_finish(plot_surface *s, unsigned char **buf,
                               size_t *len, mlp_error *err);

/* The format a file name asks for by its ending, .png or .svg in any
 * case; "-" is PNG.  Returns 0, or -1 for any other name. */
int plot_format_of(const char *path, plot_format *format);

/* Write len bytes to path: "-" is standard output; any other path is
 * written to a temporary file beside it and renamed over it, so that a
 * failure leaves no partial picture.  MLP_STATUS_CANTCREAT or
 * MLP_STATUS_IO, naming path. */
mlp_status plot_file_write(const char *path, const unsigned char *buf,
                           size_t len, mlp_error *err);

#endif
