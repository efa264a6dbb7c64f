/* surface.c -- the drawing interface, passed on to a canvas (for PNG) or
 * to SVG text; and the writing of the finished file. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "plot/png.h"
#include "plot/surface.h"
#include "plot/svg.h"

struct plot_surface {
    plot_format format;
    size_t width, height;
    plot_canvas canvas;     /* PNG */
    plot_svg *svg;          /* SVG */
};

static const plot_rgb white = {255, 255, 255};

mlp_status plot_surface_new(plot_surface **out, plot_format format,
                            size_t width, size_t height, mlp_error *err)
{
    plot_surface *s;
    mlp_status st;

    *out = NULL;
    s = calloc(1, sizeof *s);
    if (s == NULL)
        return mlp_error_set(err, MLP_STATUS_NOMEM, "out of memory");
    s->format = format;
    s->width = width;
    s->height = height;

    /* the raster is the picture for PNG; SVG only needs its text */
    if (format == PLOT_FORMAT_PNG) {
        st = plot_canvas_init(&s->canvas, width, height, white, err);
        if (st != MLP_STATUS_OK) {
            free(s);
            return st;
        }
    } else {
        s->svg = plot_svg_new(width, height);
        if (s->svg == NULL) {
            free(s);
            return mlp_error_set(err, MLP_STATUS_NOMEM, "out of memory");
        }
    }
    *out = s;
    return MLP_STATUS_OK;
}

void plot_surface_free(plot_surface *s)
{
    if (s == NULL)
        return;
    plot_canvas_free(&s->canvas);
    plot_svg_free(s->svg);
    free(s);
}

size_t plot_surface_width(const plot_surface *s)
{
    return s->width;
}

size_t plot_surface_height(const plot_surface *s)
{
    return s->height;
}

const plot_canvas *plot_surface_canvas(const plot_surface *s)
{
    return s->svg == NULL ? &s->canvas : NULL;
}

void plot_surface_rect(plot_surface *s, double x, double y, double w,
                       double h, plot_rgb fill)
{
    if (s->svg != NULL)
        plot_svg_rect(s->svg, x, y, w, h, fill);
    else
        plot_canvas_rect(&s->canvas, x, y, w, h, fill);
}

/* Stroke one segment of a dashed path on the canvas.  *phase is how far
 * into the current dash-and-gap period the segment starts; it carries
 * on into the next segment so that dashes run across joints. */
static void dashed_segment(plot_canvas *c, double x0, double y0, double x1,
                           double y1, const plot_pen *pen, double *phase)
{
    double len = hypot(x1 - x0, y1 - y0), t = 0, period = 2 * pen->dash;

    while (t < len) {
        double in = fmod(*phase, period), step;

        /* within the dash: draw to its end; within the gap: skip it */
        step = in < pen->dash ? pen->dash - in : period - in;
        if (step > len - t)
            step = len - t;
        if (in < pen->dash)
            plot_canvas_line(c, x0 + (x1 - x0) * t / len,
                             y0 + (y1 - y0) * t / len,
                             x0 + (x1 - x0) * (t + step) / len,
                             y0 + (y1 - y0) * (t + step) / len, pen->width,
                             pen->colour);
        t += step;
        *phase += step;
    }
}

void plot_surface_path(plot_surface *s, const double *xy, size_t n,
                       const plot_pen *pen)
{
    double phase = 0;
    size_t i;

    if (s->svg != NULL) {
        plot_svg_path(s->svg, xy, n, pen);
        return;
    }
    for (i = 1; i < n; i++) {
        const double *a = xy + 2 * (i - 1), *b = xy + 2 * i;

        if (pen->dash > 0)
            dashed_segment(&s->canvas, a[0], a[1], b[0], b[1], pen, &phase);
        else
            plot_canvas_line(&s->canvas, a[0], a[1], b[0], b[1],
                             pen->width, pen->colour);
    }
}

void plot_surface_circle(plot_surface *s, double cx, double cy, double r,
                         const plot_rgb *fill, const plot_pen *pen)
{
    if (s->svg != NULL) {
        plot_svg_circle(s->svg, cx, cy, r, fill, pen);
        return;
    }
    if (fill != NULL)
        plot_canvas_disc(&s->canvas, cx, cy, r, *fill);
    if (pen != NULL)
        plot_canvas_ring(&s->canvas, cx, cy, r, pen->width, pen->colour);
}

void plot_surface_text(plot_surface *s, double x, double y,
                       const char *text, const plot_text_style *style)
{
    double w = plot_text_width(text, style->scale), shift = 0;

    if (s->svg != NULL) {
        plot_svg_text(s->svg, x, y, text, style);
        return;
    }

    /* move the start so that x is the text's start, middle or end */
    if (style->anchor == PLOT_ANCHOR_MIDDLE)
        shift = w / 2;
    else if (style->anchor == PLOT_ANCHOR_END)
        shift = w;
    if (style->vertical)
        plot_canvas_text(&s->canvas, x, y + shift, text, style->scale, 1,
                         style->colour);
    else
        plot_canvas_text(&s->canvas, x - shift, y, text, style->scale, 0,
                         style->colour);
}

void plot_surface_image(plot_surface *s, long x, long y,
                        const plot_canvas *img)
{
    if (s->svg != NULL)
        plot_svg_image(s->svg, x, y, img);
    else
        plot_canvas_blit(&s->canvas, x, y, img);
}

mlp_status plot_surface_finish(plot_surface *s, unsigned char **buf,
                               size_t *len, mlp_error *err)
{
    if (s->svg != NULL)
        return plot_svg_finish(s->svg, buf, len, err);
    return plot_png_encode(&s->canvas, buf, len, err);
}

int plot_format_of(const char *path, plot_format *format)
{
    size_t n = strlen(path);

    if (strcmp(path, "-") == 0) {
        *format = PLOT_FORMAT_PNG;
        return 0;
    }
    if (n > 4 && strcasecmp(path + n - 4, ".png") == 0) {
        *format = PLOT_FORMAT_PNG;
        return 0;
    }
    if (n > 4 && strcasecmp(path + n - 4, ".svg") == 0) {
        *format = PLOT_FORMAT_SVG;
        return 0;
    }
    return -1;
}

/* Write all n bytes to fd; returns 0, or -1 with errno set. */
static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);

        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Create a new file beside path, named path.tmpNNNN, for writing.
 * Returns its descriptor and the name in tmp (of size n), or -1. */
static int create_temp(const char *path, char *tmp, size_t n)
{
    unsigned attempt;

    for (attempt = 0; attempt < 100; attempt++) {
        int fd, k = snprintf(tmp, n, "%s.tmp%ld.%u", path, (long)getpid(),
                             attempt);

        if (k < 0 || (size_t)k >= n) {
            errno = ENAMETOOLONG;
            return -1;
        }
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

mlp_status plot_file_write(const char *path, const unsigned char *buf,
                           size_t len, mlp_error *err)
{
    char tmp[4096];
    int fd, e;

    if (strcmp(path, "-") == 0) {
        if (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0)
            return mlp_error_at(err, MLP_STATUS_IO, "<stdout>", 0, 0,
                                "cannot write: %s", strerror(errno));
        return MLP_STATUS_OK;
    }
    fd = create_temp(path, tmp, sizeof tmp);
    if (fd < 0)
        return mlp_error_at(err, MLP_STATUS_CANTCREAT, path, 0, 0,
                            "cannot create: %s", strerror(errno));

    /* the picture reaches its name only once it is whole on disk */
    if (write_all(fd, buf, len) != 0 || fsync(fd) != 0) {
        e = errno;
        close(fd);
        unlink(tmp);
        return mlp_error_at(err, MLP_STATUS_IO, path, 0, 0,
                            "cannot write: %s", strerror(e));
    }
    if (close(fd) != 0) {
        e = errno;
        unlink(tmp);
        return mlp_error_at(err, MLP_STATUS_IO, path, 0, 0,
                            "cannot write: %s", strerror(e));
    }
    if (rename(tmp, path) != 0) {
        e = errno;
        unlink(tmp);
        return mlp_error_at(err, MLP_STATUS_CANTCREAT, path, 0, 0,
                            "cannot create: %s", strerror(e));
    }
    return MLP_STATUS_OK;
}
