/* svg.c -- SVG 1.1 text for the shapes of a picture.
 *
 * The document grows in one buffer.  A failed allocation is remembered
 * and later calls do nothing, so that drawing code need not check each
 * shape; plot_svg_finish() reports it.  Numbers are printed with two
 * decimals at most, in the C locale that the tools run in.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/png.h"
#include "plot/svg.h"

struct plot_svg {
    char *text;
    size_t len, cap;
    mlp_status status;
    mlp_error err;
};

/* Make room for n more bytes and the NUL; returns 0, or -1 (recorded). */
static int reserve(plot_svg *g, size_t n)
{
    size_t cap = g->cap ? g->cap : 4096;
    char *p;

    if (g->status != MLP_STATUS_OK)
        return -1;
    while (cap - g->len <= n) {
        if (cap > SIZE_MAX / 2) {
            g->status = MLP_STATUS_NOMEM;
            return -1;
        }
        cap *= 2;
    }
    if (cap == g->cap)
        return 0;
    p = realloc(g->text, cap);
    if (p == NULL) {
        g->status = MLP_STATUS_NOMEM;
        return -1;
    }
    g->text = p;
    g->cap = cap;
    return 0;
}

/* Append formatted text. */
static void put(plot_svg *g, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void put(plot_svg *g, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(g, (size_t)n) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(g->text + g->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    g->len += (size_t)n;
}

/* Append text with XML's special characters escaped; bytes outside
 * printable ASCII become '?', as in the bitmap font. */
static void put_escaped(plot_svg *g, const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        switch (c) {
        case '&': put(g, "&amp;"); break;
        case '<': put(g, "&lt;"); break;
        case '>': put(g, "&gt;"); break;
        case '"': put(g, "&quot;"); break;
        default: put(g, "%c", c >= 32 && c < 127 ? (char)c : '?'); break;
        }
    }
}

plot_svg *plot_svg_new(size_t width, size_t height)
{
    plot_svg *g = calloc(1, sizeof *g);

    if (g == NULL)
        return NULL;
    put(g, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<svg xmlns=\"http://www.w3.org/2000/svg\" "
           "xmlns:xlink=\"http://www.w3.org/1999/xlink\" version=\"1.1\" "
           "width=\"%zu\" height=\"%zu\" viewBox=\"0 0 %zu %zu\">\n"
           "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n",
        width, height, width, height);
    if (g->status != MLP_STATUS_OK) {
        plot_svg_free(g);
        return NULL;
    }
    return g;
}

void plot_svg_free(plot_svg *g)
{
    if (g == NULL)
        return;
    free(g->text);
    free(g);
}

void plot_svg_rect(plot_svg *g, double x, double y, double w, double h,
                   plot_rgb fill)
{
    put(g, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
           "fill=\"#%02x%02x%02x\"/>\n", x, y, w, h, fill.r, fill.g,
        fill.b);
}

/* Append stroke attributes for pen. */
static void put_stroke(plot_svg *g, const plot_pen *pen)
{
    put(g, " stroke=\"#%02x%02x%02x\" stroke-width=\"%.2f\"",
        pen->colour.r, pen->colour.g, pen->colour.b, pen->width);
    if (pen->dash > 0)
        put(g, " stroke-dasharray=\"%.2f %.2f\"", pen->dash, pen->dash);
}

void plot_svg_path(plot_svg *g, const double *xy, size_t n,
                   const plot_pen *pen)
{
    size_t i;

    if (n < 2)
        return;
    put(g, "<polyline fill=\"none\" stroke-linejoin=\"round\" "
           "stroke-linecap=\"round\"");
    put_stroke(g, pen);
    put(g, " points=\"");
    for (i = 0; i < n; i++)
        put(g, "%s%.2f,%.2f", i > 0 ? " " : "", xy[2 * i], xy[2 * i + 1]);
    put(g, "\"/>\n");
}

void plot_svg_circle(plot_svg *g, double cx, double cy, double r,
                     const plot_rgb *fill, const plot_pen *pen)
{
    put(g, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"%.2f\"", cx, cy, r);
    if (fill != NULL)
        put(g, " fill=\"#%02x%02x%02x\"", fill->r, fill->g, fill->b);
    else
        put(g, " fill=\"none\"");
    if (pen != NULL)
        put_stroke(g, pen);
    put(g, "/>\n");
}

void plot_svg_text(plot_svg *g, double x, double y, const char *text,
                   const plot_text_style *style)
{
    static const char *const anchors[] = {"start", "middle", "end"};

    /* a monospace face at this size has about the bitmap font's advance
     * and cap height, so the layout holds in either output */
    put(g, "<text x=\"%.2f\" y=\"%.2f\" font-family=\"DejaVu Sans Mono,"
           "Menlo,Consolas,monospace\" font-size=\"%d\" "
           "text-anchor=\"%s\" fill=\"#%02x%02x%02x\"", x, y,
        10 * style->scale, anchors[style->anchor], style->colour.r,
        style->colour.g, style->colour.b);
    if (style->vertical)
        put(g, " transform=\"rotate(-90 %.2f %.2f)\"", x, y);
    put(g, ">");
    put_escaped(g, text);
    put(g, "</text>\n");
}

/* Append n bytes as base64 (RFC 4648, padded). */
static void put_base64(plot_svg *g, const unsigned char *p, size_t n)
{
    static const char digits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i;

    if (reserve(g, (n + 2) / 3 * 4) != 0)
        return;
    for (i = 0; i < n; i += 3) {
        unsigned long v = (unsigned long)p[i] << 16;
        char *o = g->text + g->len;

        if (i + 1 < n)
            v |= (unsigned long)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        o[0] = digits[(v >> 18) & 63];
        o[1] = digits[(v >> 12) & 63];
        o[2] = i + 1 < n ? digits[(v >> 6) & 63] : '=';
        o[3] = i + 2 < n ? digits[v & 63] : '=';
        g->len += 4;
    }
    g->text[g->len] = '\0';
}

void plot_svg_image(plot_svg *g, long x, long y, const plot_canvas *img)
{
    unsigned char *png;
    size_t n;

    if (g->status != MLP_STATUS_OK)
        return;
    if (plot_png_encode(img, &png, &n, &g->err) != MLP_STATUS_OK) {
        g->status = g->err.status;
        return;
    }
    put(g, "<image x=\"%ld\" y=\"%ld\" width=\"%zu\" height=\"%zu\" "
           "image-rendering=\"pixelated\" "
           "xlink:href=\"data:image/png;base64,", x, y, img->width,
        img->height);
    put_base64(g, png, n);
    put(g, "\"/>\n");
    free(png);
}

mlp_status plot_svg_finish(plot_svg *g, unsigned char **buf, size_t *len,
                           mlp_error *err)
{
    put(g, "</svg>\n");
    if (g->status != MLP_STATUS_OK) {
        if (g->err.status != MLP_STATUS_OK) {
            if (err != NULL)
                *err = g->err;
            return g->err.status;
        }
        return mlp_error_set(err, g->status,
                             "out of memory writing the SVG text");
    }

    /* the buffer passes to the caller; the document is left empty */
    *buf = (unsigned char *)g->text;
    *len = g->len;
    g->text = NULL;
    g->len = g->cap = 0;
    return MLP_STATUS_OK;
}
