/* canvas.c -- an RGB raster with smooth-edged shapes.
 *
 * Anti-aliasing by distance: a shape whose edge lies at distance d from a
 * pixel centre (negative inside) covers clamp(0.5 - d, 0, 1) of the
 * pixel, which is exact for a straight edge along an axis and close
 * enough for curves and slanted lines at the sizes drawn here.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plot/canvas.h"

enum { MAX_SIDE = 1 << 15 };

mlp_status plot_canvas_init(plot_canvas *c, size_t width, size_t height,
                            plot_rgb bg, mlp_error *err)
{
    size_t i, n;

    memset(c, 0, sizeof *c);
    if (width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE)
        return mlp_error_set(err, MLP_STATUS_USAGE,
                             "picture size %zux%zu is out of range "
                             "(1 to %d pixels a side)", width, height,
                             MAX_SIDE);

    /* both sides are at most 2^15, so the product cannot overflow */
    n = width * height;
    c->rgb = malloc(n * 3);
    if (c->rgb == NULL)
        return mlp_error_set(err, MLP_STATUS_NOMEM,
                             "out of memory for a %zux%zu picture", width,
                             height);
    c->width = width;
    c->height = height;
    for (i = 0; i < n; i++) {
        c->rgb[3 * i] = bg.r;
        c->rgb[3 * i + 1] = bg.g;
        c->rgb[3 * i + 2] = bg.b;
    }
    return MLP_STATUS_OK;
}

void plot_canvas_free(plot_canvas *c)
{
    free(c->rgb);
    memset(c, 0, sizeof *c);
}

/* Channel value a + (b - a) alpha, rounded; it lies in [0, 255]. */
static unsigned char lerp(unsigned char a, unsigned char b, double alpha)
{
    return (unsigned char)(a + (b - a) * alpha + 0.5);
}

void plot_canvas_blend(plot_canvas *c, long x, long y, plot_rgb colour,
                       double alpha)
{
    unsigned char *p;

    if (x < 0 || y < 0 || (size_t)x >= c->width || (size_t)y >= c->height)
        return;
    if (!(alpha > 0.0))
        return;
    if (alpha > 1.0)
        alpha = 1.0;
    p = c->rgb + 3 * ((size_t)y * c->width + (size_t)x);
    p[0] = lerp(p[0], colour.r, alpha);
    p[1] = lerp(p[1], colour.g, alpha);
    p[2] = lerp(p[2], colour.b, alpha);
}

plot_rgb plot_canvas_get(const plot_canvas *c, size_t x, size_t y)
{
    const unsigned char *p = c->rgb + 3 * (y * c->width + x);
    plot_rgb v;

    v.r = p[0];
    v.g = p[1];
    v.b = p[2];
    return v;
}

/* The pixel range [*lo, *hi) that [a, b) touches, clipped to [0, n). */
static void span(double a, double b, size_t n, long *lo, long *hi)
{
    double fl = floor(a), ce = ceil(b);

    *lo = fl < 0 ? 0 : fl > (double)n ? (long)n : (long)fl;
    *hi = ce < 0 ? 0 : ce > (double)n ? (long)n : (long)ce;
}

/* How much of the pixel [p, p+1) the interval [a, b) covers. */
static double overlap(long p, double a, double b)
{
    double lo = a > (double)p ? a : (double)p;
    double hi = b < (double)p + 1 ? b : (double)p + 1;

    return hi > lo ? hi - lo : 0.0;
}

void plot_canvas_rect(plot_canvas *c, double x, double y, double w,
                      double h, plot_rgb colour)
{
    long x0, x1, y0, y1, i, j;

    if (!(w > 0) || !(h > 0))
        return;
    span(x, x + w, c->width, &x0, &x1);
    span(y, y + h, c->height, &y0, &y1);
    for (j = y0; j < y1; j++) {
        double cy = overlap(j, y, y + h);

        for (i = x0; i < x1; i++)
            plot_canvas_blend(c, i, j, colour, cy * overlap(i, x, x + w));
    }
}

/* Distance from (px, py) to the segment (x0, y0)-(x1, y1). */
static double segment_distance(double px, double py, double x0, double y0,
                               double x1, double y1)
{
    double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy, t = 0;

    if (len2 > 0) {
        t = ((px - x0) * dx + (py - y0) * dy) / len2;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
    }
    return hypot(px - (x0 + t * dx), py - (y0 + t * dy));
}

void plot_canvas_line(plot_canvas *c, double x0, double y0, double x1,
                      double y1, double width, plot_rgb colour)
{
    double half = width / 2, pad = half + 1;
    long i0, i1, j0, j1, i, j;

    if (!isfinite(x0) || !isfinite(y0) || !isfinite(x1) || !isfinite(y1))
        return;

    /* the box around the segment, widened by the stroke */
    span(fmin(x0, x1) - pad, fmax(x0, x1) + pad, c->width, &i0, &i1);
    span(fmin(y0, y1) - pad, fmax(y0, y1) + pad, c->height, &j0, &j1);
    for (j = j0; j < j1; j++)
        for (i = i0; i < i1; i++) {
            double d = segment_distance(i + 0.5, j + 0.5, x0, y0, x1, y1);

            plot_canvas_blend(c, i, j, colour, half + 0.5 - d);
        }
}

/* Blend the pixels whose centres lie within r_out of (cx, cy) by the
 * coverage of the ring between r_in and r_out (r_in < 0: a disc). */
static void annulus(plot_canvas *c, double cx, double cy, double r_in,
                    double r_out, plot_rgb colour)
{
    long i0, i1, j0, j1, i, j;

    if (!isfinite(cx) || !isfinite(cy) || !(r_out > 0))
        return;
    span(cx - r_out - 1, cx + r_out + 1, c->width, &i0, &i1);
    span(cy - r_out - 1, cy + r_out + 1, c->height, &j0, &j1);
    for (j = j0; j < j1; j++)
        for (i = i0; i < i1; i++) {
            double d = hypot(i + 0.5 - cx, j + 0.5 - cy);
            double a = fmin(r_out + 0.5 - d, 1.0);

            if (r_in >= 0)
                a = fmin(a, d - r_in + 0.5);
            plot_canvas_blend(c, i, j, colour, a);
        }
}

void plot_canvas_disc(plot_canvas *c, double cx, double cy, double r,
                      plot_rgb colour)
{
    annulus(c, cx, cy, -1.0, r, colour);
}

void plot_canvas_ring(plot_canvas *c, double cx, double cy, double r,
                      double width, plot_rgb colour)
{
    annulus(c, cx, cy, r - width / 2, r + width / 2, colour);
}

void plot_canvas_blit(plot_canvas *c, long x, long y,
                      const plot_canvas *src)
{
    size_t j;

    for (j = 0; j < src->height; j++) {
        long row = y + (long)j, first = x < 0 ? -x : 0, last;

        if (row < 0 || (size_t)row >= c->height)
            continue;

        /* the run of source pixels that lands inside the canvas */
        last = (long)src->width;
        if (x + last > (long)c->width)
            last = (long)c->width - x;
        if (last <= first)
            continue;
        memcpy(c->rgb + 3 * ((size_t)row * c->width + (size_t)(x + first)),
               src->rgb + 3 * (j * src->width + (size_t)first),
               3 * (size_t)(last - first));
    }
}
