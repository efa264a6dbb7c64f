/* svg.h -- SVG text for the shapes a plot_surface draws. */
#ifndef PLOT_SVG_H
#define PLOT_SVG_H

#include <stddef.h>

#include "mlp/status.h"
#include "plot/canvas.h"
#include "plot/surface.h"

typedef struct plot_svg plot_svg;

/* A document of width x height pixels on a white background; NULL when
 * out of memory. */
plot_svg *plot_svg_new(size_t width, size_t height);
void plot_svg_free(plot_svg *g);

void plot_svg_rect(plot_svg *g, double x, double y, double w, double h,
                   plot_rgb fill);
void plot_svg_path(plot_svg *g, const double *xy, size_t n,
                   const plot_pen *pen);
void plot_svg_circle(plot_svg *g, double cx, double cy, double r,
                     const plot_rgb *fill, const plot_pen *pen);
void plot_svg_text(plot_svg *g, double x, double y, const char *text,
                   const plot_text_style *style);

/* An image embedded as a base64 PNG, shown pixel for pixel. */
void plot_svg_image(plot_svg *g, long x, long y, const plot_canvas *img);

/* Close the document and hand over its text as (*buf, *len), freed by
 * the caller; or the first failure met while writing it. */
mlp_status plot_svg_finish(plot_svg *g, unsigned char **buf, size_t *len,
                           mlp_error *err);

#endif
