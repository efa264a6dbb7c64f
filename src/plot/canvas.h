/* canvas.h -- an RGB raster with smooth-edged drawing and a bitmap font.
 *
 * Coordinates are pixels from the top-left corner, y pointing down; pixel
 * (i, j) covers [i, i+1) x [j, j+1), so its centre is (i+0.5, j+0.5).
 * Shapes are drawn with coverage-based anti-aliasing: a pixel is blended
 * with the colour by how far its centre lies inside the shape's edge.
 * Everything is clipped to the canvas.
 */
#ifndef PLOT_CANVAS_H
#define PLOT_CANVAS_H

#include <stddef.h>

#include "mlp/status.h"

typedef struct plot_rgb {
    unsigned char r, g, b;
} plot_rgb;

typedef struct plot_canvas {
    size_t width, height;
    unsigned char *rgb;     /* width x height x 3, row-major */
} plot_canvas;

/* The font: glyphs for ASCII 32..126 in a cell this size, scaled by an
 * integer.  Caps stand PLOT_FONT_CAP rows above the baseline; the last
 * rows of the cell hold descenders. */
enum {
    PLOT_FONT_W = 5,
    PLOT_FONT_H = 9,
    PLOT_FONT_CAP = 7,
    PLOT_FONT_ADVANCE = 6
};

/* Allocate a width x height canvas filled with bg.  MLP_STATUS_USAGE for
 * an empty or absurd size, MLP_STATUS_NOMEM when it cannot be had. */
mlp_status plot_canvas_init(plot_canvas *c, size_t width, size_t height,
                            plot_rgb bg, mlp_error *err);

/* Free the pixels and zero *c.  c may be zeroed. */
void plot_canvas_free(plot_canvas *c);

/* Mix colour into pixel (x, y) with weight alpha in [0, 1]. */
void plot_canvas_blend(plot_canvas *c, long x, long y, plot_rgb colour,
                       double alpha);

/* The colour of pixel (x, y), which must be inside. */
plot_rgb plot_canvas_get(const plot_canvas *c, size_t x, size_t y);

/* Fill the rectangle [x, x+w) x [y, y+h), edges partly covering pixels. */
void plot_canvas_rect(plot_canvas *c, double x, double y, double w,
                      double h, plot_rgb colour);

/* A segment of the given width with round ends. */
void plot_canvas_line(plot_canvas *c, double x0, double y0, double x1,
                      double y1, double width, plot_rgb colour);

/* A filled disc of radius r. */
void plot_canvas_disc(plot_canvas *c, double cx, double cy, double r,
                      plot_rgb colour);

/* A circle of radius r (to the middle of the stroke) and stroke width. */
void plot_canvas_ring(plot_canvas *c, double cx, double cy, double r,
                      double width, plot_rgb colour);

/* Copy src with its top-left corner at (x, y). */
void plot_canvas_blit(plot_canvas *c, long x, long y,
                      const plot_canvas *src);

/* Draw text in the bitmap font, scale times the cell size, starting at x
 * with its baseline at y.  vertical turns it a quarter to read upwards
 * from (x, y), the baseline then being the line x. */
void plot_canvas_text(plot_canvas *c, double x, double y, const char *text,
                      int scale, int vertical, plot_rgb colour);

/* The advance of text at a scale, in pixels. */
double plot_text_width(const char *text, int scale);

/* The glyph rows of character ch (bit 4 is the leftmost column), or
 * those of '?' for a character outside ASCII 32..126. */
const unsigned char *plot_font_glyph(int ch);

#endif
