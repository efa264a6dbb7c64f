/* test_plot.c -- the picture code: the PNG encoder checked by decoding
 * its output here, the SVG text, the drawing primitives, and pixels of
 * the decision regions checked against the model's own predictions.
 *
 * The picture code belongs to mlpplot rather than to libmlp, so its
 * sources are compiled into this test directly.
 */
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "check.h"
#include "mlp/model.h"
#include "mlp/net.h"

/* The drawing code is compiled into this test whole, so that it can check
 * the file-private steps (layout, colours) as well as the pictures. */
#include "plot/canvas.c"
#include "plot/curve.c"
#include "plot/font.c"
#include "plot/frame.c"
#include "plot/png.c"
#include "plot/regions.c"
#include "plot/surface.c"
#include "plot/svg.c"

/* ---- a PNG decoder for what the encoder writes ---- */

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
}

/* Undo the row filters of raw ((3w + 1) h bytes) into rgb; returns 0, or
 * -1 for an unknown filter. */
static int unfilter(const unsigned char *raw, size_t w, size_t h,
                    unsigned char *rgb)
{
    size_t stride = 3 * w, y, i;

    for (y = 0; y < h; y++) {
        const unsigned char *src = raw + y * (stride + 1) + 1;
        unsigned char *row = rgb + y * stride;
        const unsigned char *up = y > 0 ? row - stride : NULL;
        int f = raw[y * (stride + 1)];

        for (i = 0; i < stride; i++) {
            int a = i >= 3 ? row[i - 3] : 0, b = up ? up[i] : 0;
            int c = i >= 3 && up ? up[i - 3] : 0, pred;
            int p = a + b - c, pa = abs(p - a), pb = abs(p - b);
            int pc = abs(p - c);

            switch (f) {
            case 0: pred = 0; break;
            case 1: pred = a; break;
            case 2: pred = b; break;
            case 3: pred = (a + b) / 2; break;
            case 4: pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                    break;
            default: return -1;
            }
            row[i] = (unsigned char)(src[i] + pred);
        }
    }
    return 0;
}

/* Decode a PNG written by plot_png_encode: every chunk's CRC checked,
 * IHDR as the encoder writes it, IEND last.  Returns the pixels (freed
 * by the caller) and the size, or NULL when anything is wrong. */
static unsigned char *png_decode(const unsigned char *buf, size_t len,
                                 size_t *w, size_t *h)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n',
                                         0x1a, '\n'};
    const unsigned char *idat = NULL;
    size_t n_idat = 0, pos = 8;
    unsigned char *raw, *rgb;
    uLongf n_raw;
    int seen_end = 0;

    if (len < 8 || memcmp(buf, sig, 8) != 0)
        return NULL;
    while (pos + 12 <= len && !seen_end) {
        size_t n = get32(buf + pos);
        const unsigned char *type = buf + pos + 4;

        if (n > len - pos - 12 ||
            crc32(0, type, (uInt)(n + 4)) != get32(type + 4 + n))
            return NULL;
        if (memcmp(type, "IHDR", 4) == 0) {
            if (n != 13 || type[12] != 8 || type[13] != 2 || type[16] != 0)
                return NULL;
            *w = get32(type + 4);
            *h = get32(type + 8);
        } else if (memcmp(type, "IDAT", 4) == 0) {
            idat = type + 4;
            n_idat = n;
        } else if (memcmp(type, "IEND", 4) == 0) {
            seen_end = 1;
        }
        pos += n + 12;
    }
    if (!seen_end || pos != len || idat == NULL || *w == 0 || *h == 0)
        return NULL;

    /* inflate, then undo the filters */
    n_raw = (uLongf)((3 * *w + 1) * *h);
    raw = malloc(n_raw);
    rgb = malloc(3 * *w * *h);
    if (raw == NULL || rgb == NULL ||
        uncompress(raw, &n_raw, idat, (uLong)n_idat) != Z_OK ||
        n_raw != (3 * *w + 1) * *h || unfilter(raw, *w, *h, rgb) != 0) {
        free(raw);
        free(rgb);
        return NULL;
    }
    free(raw);
    return rgb;
}

/* ---- the PNG encoder ---- */

/* A canvas of w x h with a pattern that exercises every filter: smooth
 * gradients, flat areas and pseudo-random noise. */
static void fill_pattern(plot_canvas *c, unsigned seed)
{
    size_t x, y;

    for (y = 0; y < c->height; y++)
        for (x = 0; x < c->width; x++) {
            unsigned char *p = c->rgb + 3 * (y * c->width + x);

            seed = seed * 1103515245u + 12345u;
            p[0] = (unsigned char)(x * 7 + y);
            p[1] = y % 5 == 0 ? (unsigned char)(seed >> 16) : 128;
            p[2] = (unsigned char)(x < c->width / 2 ? 255 - y : x * y);
        }
}

static void test_png_roundtrip(size_t w, size_t h)
{
    plot_canvas c;
    unsigned char *buf = NULL, *rgb;
    size_t len = 0, dw = 0, dh = 0;
    mlp_error err;

    CHECK(plot_canvas_init(&c, w, h, plot_white, &err) == MLP_STATUS_OK);
    fill_pattern(&c, (unsigned)(w * 31 + h));
    CHECK(plot_png_encode(&c, &buf, &len, &err) == MLP_STATUS_OK);
    rgb = png_decode(buf, len, &dw, &dh);
    CHECKF(rgb != NULL, "%zux%zu does not decode", w, h);
    CHECKF(dw == w && dh == h, "%zux%zu decoded as %zux%zu", w, h, dw, dh);
    if (rgb != NULL && dw == w && dh == h)
        CHECKF(memcmp(rgb, c.rgb, 3 * w * h) == 0,
               "%zux%zu pixels differ after decoding", w, h);

    /* a flipped bit anywhere in a chunk must fail its CRC */
    if (len > 40) {
        buf[37] ^= 0x10;
        free(rgb);
        rgb = png_decode(buf, len, &dw, &dh);
        CHECK(rgb == NULL);
    }
    free(rgb);
    free(buf);
    plot_canvas_free(&c);
}

/* ---- drawing primitives ---- */

static int is_white(plot_rgb p)
{
    return p.r == 255 && p.g == 255 && p.b == 255;
}

static void test_canvas(void)
{
    const plot_rgb red = {200, 0, 0};
    plot_canvas c;
    mlp_error err;
    size_t x, y, inked = 0;

    CHECK(plot_canvas_init(&c, 0, 10, plot_white, &err) ==
          MLP_STATUS_USAGE);
    CHECK(plot_canvas_init(&c, 100, 60, plot_white, &err) ==
          MLP_STATUS_OK);

    /* a whole-pixel rectangle is exact inside and nothing outside */
    plot_canvas_rect(&c, 10, 10, 5, 4, red);
    CHECK(plot_canvas_get(&c, 10, 10).r == 200);
    CHECK(plot_canvas_get(&c, 14, 13).g == 0);
    CHECK(is_white(plot_canvas_get(&c, 15, 13)));
    CHECK(is_white(plot_canvas_get(&c, 14, 14)));

    /* a half-covered pixel is half mixed */
    plot_canvas_rect(&c, 30.5, 10, 1, 1, red);
    CHECK_NEAR(plot_canvas_get(&c, 30, 10).g, 128, 1);

    /* a disc: solid at its centre, untouched well outside */
    plot_canvas_disc(&c, 50.5, 30.5, 5, red);
    CHECK(plot_canvas_get(&c, 50, 30).r == 200);
    CHECK(is_white(plot_canvas_get(&c, 57, 30)));
    plot_canvas_ring(&c, 50.5, 30.5, 12, 2, plot_ink);
    CHECK(plot_canvas_get(&c, 62, 30).r < 80);
    CHECK(is_white(plot_canvas_get(&c, 56, 24)));

    /* clipping: shapes partly or wholly off the canvas do no harm */
    plot_canvas_line(&c, -50, -50, 500, 500, 3, plot_ink);
    plot_canvas_disc(&c, 1e6, -1e6, 5, red);
    plot_canvas_line(&c, NAN, 0, 5, 5, 1, plot_ink);
    CHECK(plot_canvas_get(&c, 40, 40).r < 80);

    /* text lands inside its box and nowhere else */
    plot_canvas_free(&c);
    CHECK(plot_canvas_init(&c, 80, 30, plot_white, &err) == MLP_STATUS_OK);
    plot_canvas_text(&c, 10, 20, "Ag,", 2, 0, plot_ink);
    for (y = 0; y < c.height; y++)
        for (x = 0; x < c.width; x++) {
            if (is_white(plot_canvas_get(&c, x, y)))
                continue;
            inked++;
            CHECKF(x >= 10 && x < 10 + plot_text_width("Ag,", 2) &&
                   y >= 20 - 2 * PLOT_FONT_CAP &&
                   y < 20 + 2 * (PLOT_FONT_H - PLOT_FONT_CAP),
                   "ink at %zu,%zu", x, y);
        }
    CHECK(inked > 40);
    CHECK_NEAR(plot_text_width("abc", 1), 17, 0);
    CHECK(plot_font_glyph(200) == plot_font_glyph('?'));
    plot_canvas_free(&c);
}

/* ---- SVG ---- */

/* Decode base64 text up to the closing quote into out; returns the
 * number of bytes. */
static size_t base64_decode(const char *s, unsigned char *out)
{
    static const char digits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned long v = 0;
    size_t n = 0, bits = 0;

    for (; *s != '"' && *s != '\0'; s++) {
        const char *d = strchr(digits, *s);

        if (*s == '=' || d == NULL)
            continue;
        v = (v << 6) | (unsigned long)(d - digits);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (unsigned char)(v >> bits);
        }
    }
    return n;
}

static void test_svg(void)
{
    const plot_text_style st = {plot_ink, 1, PLOT_ANCHOR_MIDDLE, 1};
    const plot_pen pen = {plot_ink, 1.5, 4};
    const double xy[6] = {1, 2, 30, 40, 50.25, 60};
    plot_surface *s;
    plot_canvas img;
    unsigned char *buf = NULL, *png, *rgb;
    size_t len = 0, w = 0, h = 0, n;
    mlp_error err;
    const char *t, *href;

    CHECK(plot_surface_new(&s, PLOT_FORMAT_SVG, 300, 200, &err) ==
          MLP_STATUS_OK);
    CHECK(plot_surface_canvas(s) == NULL);
    plot_surface_path(s, xy, 3, &pen);
    plot_surface_circle(s, 10, 20, 3, &plot_palette[1], NULL);
    plot_surface_text(s, 5, 6, "a<b & \"c\" \x01", &st);
    CHECK(plot_canvas_init(&img, 7, 5, plot_palette[2], &err) ==
          MLP_STATUS_OK);
    plot_surface_image(s, 3, 4, &img);
    CHECK(plot_surface_finish(s, &buf, &len, &err) == MLP_STATUS_OK);
    plot_surface_free(s);
    t = (const char *)buf;

    /* well-formed enough: the root, the shapes, escaped text, the end */
    CHECK(len > 100 && strncmp(t, "<?xml", 5) == 0);
    CHECK(strstr(t, "<svg ") != NULL &&
          strstr(t, "width=\"300\" height=\"200\"") != NULL);
    CHECK(strstr(t, "points=\"1.00,2.00 30.00,40.00 50.25,60.00\"") !=
          NULL);
    CHECK(strstr(t, "stroke-dasharray") != NULL);
    CHECK(strstr(t, "fill=\"#d55e00\"") != NULL);
    CHECK(strstr(t, ">a&lt;b &amp; &quot;c&quot; ?</text>") != NULL);
    CHECK(strstr(t, "rotate(-90") != NULL);
    CHECK(len > 7 && strcmp(t + len - 7, "</svg>\n") == 0);
    CHECK(strlen(t) == len);

    /* the embedded image is a PNG of the right pixels */
    href = strstr(t, "base64,");
    CHECK(href != NULL);
    png = malloc(len);
    n = href != NULL && png != NULL ? base64_decode(href + 7, png) : 0;
    rgb = png_decode(png, n, &w, &h);
    CHECK(rgb != NULL && w == 7 && h == 5);
    if (rgb != NULL && w == 7 && h == 5)
        CHECK(memcmp(rgb, img.rgb, 3 * 7 * 5) == 0);
    free(rgb);
    free(png);
    free(buf);
    plot_canvas_free(&img);
}

/* ---- models built here ---- */

static char *dup_str(const char *s)
{
    char *d = malloc(strlen(s) + 1);

    if (d != NULL)
        strcpy(d, s);
    return d;
}

/* A model of n_features inputs, one tanh hidden layer of n_hidden units
 * with random weights from seed (scaled by gain for curved boundaries),
 * and n_classes classes (0: a regression).  Features are standardised
 * with means 1, -2, ... and scales 2, 0.5, ... */
static int make_model(mlp_model *m, size_t n_features, size_t n_hidden,
                      size_t n_classes, uint64_t seed, float gain)
{
    mlp_output out = n_classes == 0 ? MLP_OUTPUT_LINEAR
                     : n_classes == 2 ? MLP_OUTPUT_SIGMOID
                                      : MLP_OUTPUT_SOFTMAX;
    size_t n_out = n_classes > 2 ? n_classes : 1, i, j;
    mlp_error err;
    char name[32];

    memset(m, 0, sizeof *m);
    if (mlp_net_init(&m->net, n_features, &n_hidden, 1, n_out,
                     MLP_ACT_TANH, out, &err) != MLP_STATUS_OK)
        return -1;
    mlp_net_randomize(&m->net, seed);
    for (i = 0; i < m->net.n_params; i++)
        m->net.params[i] *= gain;
    for (j = 0; j < n_hidden; j++)
        m->net.b[0][j] = 0.4f * (float)((int)(j % 5) - 2);

    /* the metadata a model file would carry */
    m->task = n_classes ? MLP_TASK_CLASSIFY : MLP_TASK_REGRESS;
    m->n_features = n_features;
    m->feature_names = calloc(n_features, sizeof *m->feature_names);
    m->mean = calloc(n_features, sizeof *m->mean);
    m->scale = calloc(n_features, sizeof *m->scale);
    m->n_classes = n_classes;
    m->classes = calloc(n_classes + 1, sizeof *m->classes);
    m->label_name = dup_str(n_classes ? "colour" : "height");
    if (m->feature_names == NULL || m->mean == NULL || m->scale == NULL ||
        m->classes == NULL || m->label_name == NULL)
        return -1;
    for (j = 0; j < n_features; j++) {
        snprintf(name, sizeof name, "f%zu", j + 1);
        m->feature_names[j] = dup_str(name);
        m->mean[j] = j % 2 ? -2.0f : 1.0f;
        m->scale[j] = j % 2 ? 0.5f : 2.0f;
    }
    for (j = 0; j < n_classes; j++) {
        snprintf(name, sizeof name, "class%zu", j);
        m->classes[j] = dup_str(name);
    }
    m->y_mean = 1;
    m->y_scale = 2;
    return 0;
}

/* n points spread over the standardised cube [-2, 2]^d of the model's
 * features, raw values in x. */
static void spread_points(const mlp_model *m, size_t n, float *x,
                          unsigned seed)
{
    size_t i, j;

    for (i = 0; i < n; i++)
        for (j = 0; j < m->n_features; j++) {
            double z;

            seed = seed * 1103515245u + 12345u;
            z = 4.0 * ((seed >> 8) & 0xFFFF) / 65535.0 - 2.0;
            x[i * m->n_features + j] = (float)(m->mean[j] +
                                               m->scale[j] * z);
        }
}

/* The class the model predicts at one raw point. */
static size_t predict_one(mlp_predictor *p, const mlp_model *m,
                          const float *x, float *prob)
{
    mlp_predictor_run(p, x, 1, prob);
    return mlp_argmax(prob, mlp_model_n_outputs(m));
}

/* The class whose white-to-colour line passes nearest to pixel c, and
 * how far along that line the pixel lies. */
static size_t nearest_class(plot_rgb c, const plot_rgb *colours, size_t k,
                            double *tint)
{
    double best = INFINITY;
    size_t i, pick = 0;

    for (i = 0; i < k; i++) {
        double d[3] = {colours[i].r - 255.0, colours[i].g - 255.0,
                       colours[i].b - 255.0};
        double p[3] = {c.r - 255.0, c.g - 255.0, c.b - 255.0};
        double dd = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
        double t = (p[0] * d[0] + p[1] * d[1] + p[2] * d[2]) / dd, r = 0;
        int ch;

        for (ch = 0; ch < 3; ch++)
            r += (p[ch] - t * d[ch]) * (p[ch] - t * d[ch]);
        if (t > 0 && r < best) {
            best = r;
            pick = i;
            *tint = t;
        }
    }
    return pick;
}

/* ---- decision regions: pixels against predictions ---- */

enum { N_POINTS = 120 };

/* Whether pixel (px, py) lies within r of any point. */
static int near_point(const plot_frame *f, const mlp_model *m,
                      const float *x, size_t n, size_t ax, size_t ay,
                      double px, double py, double r)
{
    size_t i;

    for (i = 0; i < n; i++) {
        const float *row = x + i * m->n_features;

        if (hypot(plot_frame_px(f, row[ax]) - px,
                  plot_frame_py(f, row[ay]) - py) < r)
            return 1;
    }
    return 0;
}

/* Whether the model predicts the same class k at every pixel within 3 of
 * (px, py): away from the boundary line. */
static int inside_region(mlp_predictor *p, const mlp_model *m,
                         const plot_frame *f, float *x, size_t ax,
                         size_t ay, double px, double py, size_t k)
{
    float prob[16];
    int dx, dy;

    for (dy = -3; dy <= 3; dy += 3)
        for (dx = -3; dx <= 3; dx += 3) {
            x[ax] = (float)plot_frame_vx(f, px + dx);
            x[ay] = (float)plot_frame_vy(f, py + dy);
            if (predict_one(p, m, x, prob) != k)
                return 0;
        }
    return 1;
}

/* Sample pixels of the regions of m and check each against the model's
 * prediction at that pixel: the class by colour, the confidence by the
 * strength of the tint.  Returns the number of pixels checked. */
static size_t check_region_pixels(const mlp_model *m, const plot_canvas *c,
                                  const plot_frame *f, const float *pts,
                                  size_t n_pts, size_t ax, size_t ay,
                                  size_t *n_seen_classes)
{
    plot_rgb colours[16];
    mlp_predictor *p = mlp_predictor_new(m, 1);
    float x[16], prob[16];
    size_t n_checked = 0, tries, seen = 0, j;
    unsigned seed = 7;

    class_colours(m, colours);
    for (tries = 0; tries < 20000 && n_checked < 200 && p != NULL;
         tries++) {
        size_t cx, cy, k, got;
        double px, py, tint = 0, u, want;

        /* a pixel well inside the data rectangle, away from points */
        seed = seed * 1103515245u + 12345u;
        cx = (size_t)f->x + 3 + (seed >> 8) % (size_t)(f->w - 6);
        seed = seed * 1103515245u + 12345u;
        cy = (size_t)f->y + 3 + (seed >> 8) % (size_t)(f->h - 6);
        px = cx + 0.5;
        py = cy + 0.5;
        if (near_point(f, m, pts, n_pts, ax, ay, px, py, 11))
            continue;

        /* the model's class and confidence there */
        for (j = 0; j < m->n_features; j++)
            x[j] = m->mean[j];
        x[ax] = (float)plot_frame_vx(f, px);
        x[ay] = (float)plot_frame_vy(f, py);
        k = predict_one(p, m, x, prob);
        if (!inside_region(p, m, f, x, ax, ay, px, py, k))
            continue;

        /* the pixel's class by colour, and its tint */
        got = nearest_class(plot_canvas_get(c, cx, cy), colours,
                            m->n_classes, &tint);
        u = (prob[k] - 1.0 / m->n_classes) / (1 - 1.0 / m->n_classes);
        want = tint_tie + (tint_sure - tint_tie) * u;
        CHECKF(got == k, "pixel %zu,%zu shows class %zu, model says %zu",
               cx, cy, got, k);
        CHECKF(fabs(tint - want) < 0.02, "pixel %zu,%zu tint %.3f, "
               "confidence %.3f wants %.3f", cx, cy, tint, prob[k], want);
        seen |= (size_t)1 << k;
        n_checked++;
    }
    mlp_predictor_free(p);
    for (*n_seen_classes = 0; seen != 0; seen >>= 1)
        *n_seen_classes += seen & 1;
    return n_checked;
}

/* Check the drawn points: an isolated correct one is a dot of its class
 * colour; an isolated wrong one carries a dark ring. */
static void check_points(const mlp_model *m, const plot_canvas *c,
                         const plot_frame *f, const float *x,
                         const long *cls, const size_t *pred, size_t n)
{
    plot_rgb colours[16];
    size_t i, n_dots = 0, n_rings = 0;

    class_colours(m, colours);
    for (i = 0; i < n; i++) {
        const float *row = x + i * m->n_features;
        double px = plot_frame_px(f, row[0]), py = plot_frame_py(f, row[1]);
        plot_rgb at;

        /* other points nearby would cover this one's marks */
        if (near_point(f, m, x, i, 0, 1, px, py, 18) ||
            near_point(f, m, x + (i + 1) * m->n_features, n - i - 1, 0, 1,
                       px, py, 18))
            continue;
        if (cls[i] >= 0 && (size_t)cls[i] == pred[i]) {
            at = plot_canvas_get(c, (size_t)px, (size_t)py);
            CHECKF(abs(at.r - colours[cls[i]].r) < 4 &&
                   abs(at.g - colours[cls[i]].g) < 4 &&
                   abs(at.b - colours[cls[i]].b) < 4,
                   "point %zu is not in its class colour", i);
            n_dots++;
        } else if (px + 8 < f->x + f->w) {
            at = plot_canvas_get(c, (size_t)(px + 7), (size_t)py);
            CHECKF(at.r < 110 && at.g < 110 && at.b < 110,
                   "misclassified point %zu has no ring", i);
            n_rings++;
        }
    }
    CHECK(n_dots > 5);
    CHECK(n_rings > 0);
}

/* Draw the regions of m with points labelled by the model but every
 * seventh one wrong (and one unknown), and check pixels and counts. */
static void test_regions(size_t n_features, size_t n_classes,
                         size_t ax, size_t ay, uint64_t seed)
{
    plot_regions_options o = {640, 480, ax, ay, 0, "pts.csv"};
    plot_regions_result res;
    plot_points pts;
    mlp_model m;
    mlp_predictor *p;
    plot_surface *s;
    plot_frame f;
    float x[N_POINTS * 4];
    long cls[N_POINTS];
    size_t pred[N_POINTS], i, n_correct = 0, w, h, n_seen = 0, n_checked;
    float prob[16];
    mlp_error err;

    CHECK(make_model(&m, n_features, 6, n_classes, seed, 2.0f) == 0);
    p = mlp_predictor_new(&m, 1);
    CHECK(p != NULL);
    if (p == NULL)
        return;
    spread_points(&m, N_POINTS, x, (unsigned)seed);
    for (i = 0; i < N_POINTS; i++) {
        pred[i] = predict_one(p, &m, x + i * n_features, prob);
        cls[i] = (long)(i % 7 == 3 ? (pred[i] + 1) % n_classes : pred[i]);
        if (i == 5)
            cls[i] = -1;
        n_correct += cls[i] >= 0 && (size_t)cls[i] == pred[i];
    }
    pts = (plot_points){N_POINTS, x, cls, NULL};

    /* draw as mlpplot does */
    plot_regions_size(&m, &o, &w, &h);
    CHECK(w == 640 && h == 480);
    CHECK(plot_surface_new(&s, PLOT_FORMAT_PNG, w, h, &err) ==
          MLP_STATUS_OK);
    CHECK(plot_regions_draw(s, &m, &pts, &o, &res, &err) == MLP_STATUS_OK);
    CHECK(res.n_points == N_POINTS && res.n_correct == n_correct);
    CHECK(res.n_unknown == 1);

    /* the pixels agree with the model */
    plot_regions_frame(&m, &pts, &o, &f);
    n_checked = check_region_pixels(&m, plot_surface_canvas(s), &f, x,
                                    N_POINTS, ax, ay, &n_seen);
    CHECKF(n_checked == 200, "only %zu pixels could be checked",
           n_checked);
    CHECKF(n_seen >= 2, "only %zu classes seen in the regions", n_seen);
    if (ax == 0 && ay == 1)
        check_points(&m, plot_surface_canvas(s), &f, x, cls, pred,
                     N_POINTS);
    plot_surface_free(s);
    mlp_predictor_free(p);
    mlp_model_free(&m);
}

/* The unit panels: shading follows each unit's activation, and its zero
 * line is drawn where the pre-activation vanishes. */
static void test_units(void)
{
    plot_regions_options o = {640, 480, 0, 1, 1, NULL};
    plot_regions_result res;
    units_layout ul;
    plot_surface *s;
    const plot_canvas *c;
    mlp_model m;
    mlp_error err;
    scene sc;
    size_t w, h, k, n_checked = 0;

    CHECK(make_model(&m, 2, 5, 2, 11, 1.5f) == 0);
    plot_regions_size(&m, &o, &w, &h);
    layout_units(&m, &o, &ul);
    CHECK(ul.n_drawn == 5 && ul.rows == 3 && ul.cols == 2);
    CHECK(w == 640 + 2 * ul.side + PLOT_GAP && h == 480);
    CHECK(plot_surface_new(&s, PLOT_FORMAT_PNG, w, h, &err) ==
          MLP_STATUS_OK);
    CHECK(plot_regions_draw(s, &m, NULL, &o, &res, &err) == MLP_STATUS_OK);
    CHECK(res.n_units == 5 && res.n_units_drawn == 5);
    c = plot_surface_canvas(s);
    memset(&sc, 0, sizeof sc);
    sc.m = &m;
    sc.o = &o;
    plot_regions_frame(&m, NULL, &o, &sc.f);

    for (k = 0; k < ul.n_drawn; k++) {
        unit_plane u = unit_plane_of(&sc, k);
        plot_frame f;
        double seg[4];
        size_t i, j;

        unit_frame(&sc, &ul, k, &f);
        for (j = 2; j + 2 < (size_t)f.h; j += 9)
            for (i = 2; i + 2 < (size_t)f.w; i += 9) {
                double vx = plot_frame_vx(&f, f.x + i + 0.5);
                double vy = plot_frame_vy(&f, f.y + j + 0.5);
                double z = u.c0 + u.cx * vx + u.cy * vy;
                double a = 0.85 * (tanh(z) + 1) / 2;
                plot_rgb at = plot_canvas_get(c, (size_t)f.x + i,
                                              (size_t)f.y + j);

                /* the line itself covers pixels near z = 0 */
                if (fabs(z) < 0.6)
                    continue;
                CHECKF(fabs(at.r - (255 + (0x4A - 255) * a)) < 2.5,
                       "unit %zu at %zu,%zu: %d for activation %.3f", k,
                       i, j, at.r, tanh(z));
                n_checked++;
            }
        if (zero_line(&f, &u, seg)) {
            plot_rgb mid = plot_canvas_get(c, (size_t)((seg[0] + seg[2]) / 2),
                                           (size_t)((seg[1] + seg[3]) / 2));

            CHECKF(mid.r < 120, "unit %zu: no zero line (%d)", k, mid.r);
        }
    }
    CHECK(n_checked > 500);
    plot_surface_free(s);
    mlp_model_free(&m);
}

/* Whether pixel (px, py) lies within r of any of n targets (x, y). */
static int near_target(const plot_frame *f, const float *x, const float *y,
                       size_t n, double px, double py, double r)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (hypot(plot_frame_px(f, x[i]) - px,
                  plot_frame_py(f, y[i]) - py) < r)
            return 1;
    return 0;
}

/* A regression on one feature: the curve passes through the model's
 * predictions; more features are refused with a clear message. */
static void test_regression(void)
{
    plot_regions_options o = {640, 480, 0, 0, 0, "fit.csv"};
    plot_regions_result res;
    plot_surface *s;
    const plot_canvas *c;
    plot_points pts;
    plot_frame f;
    mlp_predictor *p;
    mlp_model m;
    mlp_error err;
    float x[40], y[40], out;
    size_t i, n_checked = 0;

    CHECK(make_model(&m, 1, 4, 0, 5, 1.5f) == 0);
    p = mlp_predictor_new(&m, 1);
    spread_points(&m, 40, x, 3);
    for (i = 0; i < 40 && p != NULL; i++) {
        mlp_predictor_run(p, x + i, 1, &out);
        y[i] = out + (i % 2 ? 0.3f : -0.3f);
    }
    pts = (plot_points){40, x, NULL, y};
    CHECK(plot_surface_new(&s, PLOT_FORMAT_PNG, 640, 480, &err) ==
          MLP_STATUS_OK);
    CHECK(plot_regions_draw(s, &m, &pts, &o, &res, &err) == MLP_STATUS_OK);
    c = plot_surface_canvas(s);
    plot_regions_frame(&m, &pts, &o, &f);

    /* the curve's pixel in sampled columns is the line's blue */
    for (i = 3; i + 3 < (size_t)f.w && p != NULL; i += 23) {
        float xv = (float)plot_frame_vx(&f, f.x + (double)i);
        double py;
        plot_rgb at;

        mlp_predictor_run(p, &xv, 1, &out);
        py = plot_frame_py(&f, out);
        if (near_target(&f, x, y, 40, f.x + i, py, 8))
            continue;
        at = plot_canvas_get(c, (size_t)f.x + i, (size_t)py);
        CHECKF(at.b > at.r + 80, "column %zu: curve missing (%d,%d,%d)", i,
               at.r, at.g, at.b);
        n_checked++;
    }
    CHECK(n_checked > 10);
    plot_surface_free(s);
    mlp_predictor_free(p);
    mlp_model_free(&m);

    /* a regression on two features cannot be drawn as regions */
    CHECK(make_model(&m, 2, 3, 0, 5, 1.0f) == 0);
    CHECK(plot_surface_new(&s, PLOT_FORMAT_PNG, 640, 480, &err) ==
          MLP_STATUS_OK);
    CHECK(plot_regions_draw(s, &m, NULL, &o, &res, &err) ==
          MLP_STATUS_USAGE);
    CHECK(strstr(err.text, "regions need a classification model") != NULL);
    plot_surface_free(s);
    mlp_model_free(&m);
}

/* ---- training curves ---- */

static char tmp_dir[64];

/* Write text to a file in the test's folder; returns its path. */
static const char *write_temp(const char *name, const char *text)
{
    static char path[128];
    FILE *fp;

    snprintf(path, sizeof path, "%s/%s", tmp_dir, name);
    fp = fopen(path, "w");
    CHECK(fp != NULL);
    if (fp != NULL) {
        fputs(text, fp);
        CHECK(fclose(fp) == 0);
    }
    return path;
}

/* Pixels near colour c (each channel within 40). */
static size_t count_near(const plot_canvas *cv, plot_rgb c)
{
    size_t i, n = 0;

    for (i = 0; i < cv->width * cv->height; i++) {
        const unsigned char *p = cv->rgb + 3 * i;

        n += abs(p[0] - c.r) < 40 && abs(p[1] - c.g) < 40 &&
             abs(p[2] - c.b) < 40;
    }
    return n;
}

/* Draw a log; returns the pixels in the training and validation
 * colours. */
static void draw_log(const plot_log *log, size_t *n_train, size_t *n_val)
{
    plot_surface *s;
    mlp_error err;

    *n_train = *n_val = 0;
    CHECK(plot_surface_new(&s, PLOT_FORMAT_PNG, 640, 480, &err) ==
          MLP_STATUS_OK);
    CHECK(plot_curve_draw(s, log, "log.csv", &err) == MLP_STATUS_OK);
    *n_train = count_near(plot_surface_canvas(s), plot_palette[0]);
    *n_val = count_near(plot_surface_canvas(s), plot_palette[1]);
    plot_surface_free(s);
}

static void test_curve(void)
{
    char text[8192];
    size_t used = 0, e, n_train, n_val;
    plot_log log;
    mlp_error err;

    /* a classification log with validation */
    used += (size_t)snprintf(text, sizeof text, "epoch,loss,accuracy,"
                             "val_loss,val_accuracy,rate,seconds\n");
    for (e = 1; e <= 60; e++)
        used += (size_t)snprintf(text + used, sizeof text - used,
                                 "%zu,%g,%g,%g,%g,0.01,%g\n", e, 1.0 / e,
                                 1 - 0.5 / e, 1.2 / e + 0.01, 1 - 0.6 / e,
                                 0.01 * e);
    CHECK(plot_log_load(&log, write_temp("log.csv", text), &err) ==
          MLP_STATUS_OK);
    CHECK(log.n_rows == 60);
    CHECK_NEAR(log.loss[3], 0.25, 1e-6);
    CHECK_NEAR(log.val_accuracy[0], 0.4, 1e-6);
    draw_log(&log, &n_train, &n_val);
    CHECKF(n_train > 500 && n_val > 300, "%zu %zu", n_train, n_val);
    plot_log_free(&log);

    /* a regression log without validation: empty fields are absent */
    used = (size_t)snprintf(text, sizeof text, "epoch,loss,accuracy,"
                            "val_loss,val_accuracy,rate,seconds\n");
    for (e = 1; e <= 30; e++)
        used += (size_t)snprintf(text + used, sizeof text - used,
                                 "%zu,%g,,,,0.01,%g\n", e, 2.0 / e,
                                 0.01 * e);
    CHECK(plot_log_load(&log, write_temp("reg.csv", text), &err) ==
          MLP_STATUS_OK);
    CHECK(log.n_rows == 30 && isnan(log.accuracy[0]) &&
          isnan(log.val_loss[29]));
    draw_log(&log, &n_train, &n_val);
    CHECKF(n_train > 300 && n_val == 0, "%zu %zu", n_train, n_val);
    plot_log_free(&log);

    /* what is not a log, and a bad number with its place */
    CHECK(plot_log_load(&log, write_temp("bad.csv", "a,b\n1,2\n"), &err) ==
          MLP_STATUS_DATA);
    CHECK(err.line == 1 && strstr(err.text, "\"epoch\"") != NULL);
    CHECK(plot_log_load(&log, write_temp("bad2.csv", "epoch,loss\n1,0.5\n"
                                         "2,abc\n"), &err) ==
          MLP_STATUS_DATA);
    CHECK(err.line == 3 && err.col == 2 && strstr(err.text, "abc"));
    CHECK(plot_log_load(&log, write_temp("empty.csv", "epoch,loss\n"),
                        &err) == MLP_STATUS_DATA);
    CHECK(plot_log_load(&log, "/nonexistent/log.csv", &err) ==
          MLP_STATUS_NOINPUT);
}

/* ---- file names and writing ---- */

/* Files in the test's folder that a write left behind. */
static size_t count_temporaries(void)
{
    DIR *d = opendir(tmp_dir);
    struct dirent *e;
    size_t n = 0;

    CHECK(d != NULL);
    while (d != NULL && (e = readdir(d)) != NULL)
        n += strstr(e->d_name, ".tmp") != NULL;
    if (d != NULL)
        closedir(d);
    return n;
}

static void test_files(void)
{
    const unsigned char bytes[5] = {1, 2, 3, 4, 5};
    unsigned char back[8];
    plot_format fmt = PLOT_FORMAT_SVG;
    char path[128];
    mlp_error err;
    FILE *fp;

    CHECK(plot_format_of("a.PNG", &fmt) == 0 && fmt == PLOT_FORMAT_PNG);
    CHECK(plot_format_of("b.svg", &fmt) == 0 && fmt == PLOT_FORMAT_SVG);
    CHECK(plot_format_of("c.jpg", &fmt) == -1);
    CHECK(plot_format_of(".png", &fmt) == -1);

    /* written whole, with no temporary left beside it */
    snprintf(path, sizeof path, "%s/out.png", tmp_dir);
    CHECK(plot_file_write(path, bytes, 5, &err) == MLP_STATUS_OK);
    fp = fopen(path, "rb");
    CHECK(fp != NULL && fread(back, 1, 8, fp) == 5 &&
          memcmp(back, bytes, 5) == 0);
    if (fp != NULL)
        fclose(fp);
    CHECK(plot_file_write("/nonexistent/dir/x.png", bytes, 5, &err) ==
          MLP_STATUS_CANTCREAT);
    CHECK(strstr(err.file, "x.png") != NULL);
    CHECK(count_temporaries() == 0);
}

int main(void)
{
    char cmd[128];

    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/test_plot.XXXXXX");
    if (mkdtemp(tmp_dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    test_png_roundtrip(1, 1);
    test_png_roundtrip(3, 2);
    test_png_roundtrip(257, 13);
    test_png_roundtrip(64, 64);
    test_canvas();
    test_svg();
    test_regions(2, 2, 0, 1, 3);
    test_regions(2, 3, 0, 1, 4);
    test_regions(3, 4, 2, 0, 9);
    test_units();
    test_regression();
    test_curve();
    test_files();

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmp_dir);
    return check_done("test_plot");
}
