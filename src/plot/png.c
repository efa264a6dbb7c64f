/* png.c -- PNG encoding of an RGB canvas (ISO/IEC 15948).
 *
 * The file is the 8-byte signature and three chunks, each a 4-byte
 * big-endian length, a 4-byte type, the data and a CRC-32 of type and
 * data: IHDR (size, 8-bit truecolour, no interlace), one IDAT holding the
 * zlib stream of the filtered rows, and an empty IEND.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "plot/png.h"

/* Row filters (the byte that starts every row of the image data). */
enum { FILTER_NONE, FILTER_SUB, FILTER_UP, FILTER_AVERAGE, FILTER_PAETH,
       N_FILTERS };

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* The Paeth predictor: whichever of left, up, upper-left is nearest to
 * left + up - upper-left. */
static unsigned char paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

    if (pa <= pb && pa <= pc)
        return (unsigned char)a;
    return (unsigned char)(pb <= pc ? b : c);
}

/* Filter row (n bytes, prev the row above or NULL) with filter f into
 * out; returns the sum of the output bytes read as signed, the usual
 * guess at how well the row will compress. */
static unsigned long filter_row(int f, const unsigned char *row,
                                const unsigned char *prev, size_t n,
                                unsigned char *out)
{
    unsigned long cost = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        int a = i >= 3 ? row[i - 3] : 0, b = prev ? prev[i] : 0;
        int c = i >= 3 && prev ? prev[i - 3] : 0, v = row[i];

        switch (f) {
        case FILTER_SUB:     v -= a; break;
        case FILTER_UP:      v -= b; break;
        case FILTER_AVERAGE: v -= (a + b) / 2; break;
        case FILTER_PAETH:   v -= paeth(a, b, c); break;
        default:             break;
        }
        out[i] = (unsigned char)v;
        cost += (unsigned long)abs((signed char)out[i]);
    }
    return cost;
}

/* The filtered image: per row, the filter byte then the filtered bytes.
 * Returns a new buffer of (3w + 1) h bytes, or NULL. */
static unsigned char *filter_image(const plot_canvas *c, size_t *len)
{
    size_t stride = 3 * c->width, y;
    unsigned char *out, *trial;
    int f;

    out = malloc((stride + 1) * c->height);
    trial = malloc(stride);
    if (out == NULL || trial == NULL) {
        free(out);
        free(trial);
        return NULL;
    }
    for (y = 0; y < c->height; y++) {
        const unsigned char *row = c->rgb + y * stride;
        const unsigned char *prev = y > 0 ? row - stride : NULL;
        unsigned char *dst = out + y * (stride + 1);
        unsigned long best = ULONG_MAX;

        /* keep the filter with the least cost */
        for (f = 0; f < N_FILTERS; f++) {
            unsigned long cost = filter_row(f, row, prev, stride, trial);

            if (cost < best) {
                best = cost;
                dst[0] = (unsigned char)f;
                memcpy(dst + 1, trial, stride);
            }
        }
    }
    free(trial);
    *len = (stride + 1) * c->height;
    return out;
}

/* Write a chunk of type and n data bytes at p; returns the bytes used. */
static size_t put_chunk(unsigned char *p, const char *type,
                        const unsigned char *data, size_t n)
{
    uLong crc;

    put32(p, (uint32_t)n);
    memcpy(p + 4, type, 4);
    if (n > 0 && data != p + 8)
        memmove(p + 8, data, n);
    crc = crc32(0L, p + 4, (uInt)(n + 4));
    put32(p + 8 + n, (uint32_t)crc);
    return n + 12;
}

mlp_status plot_png_encode(const plot_canvas *c, unsigned char **buf,
                           size_t *len, mlp_error *err)
{
    static const unsigned char signature[8] = {
        0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    unsigned char ihdr[13], *raw, *out;
    size_t n_raw, used;
    uLongf n_z;
    int zs;

    /* the canvas is at most 2^15 a side, so sizes stay below 2^32 */
    *buf = NULL;
    *len = 0;
    raw = filter_image(c, &n_raw);
    if (raw == NULL)
        return mlp_error_set(err, MLP_STATUS_NOMEM,
                             "out of memory encoding a PNG image");

    /* room for signature, IHDR, IDAT around the deflated data, IEND */
    n_z = compressBound((uLong)n_raw);
    out = malloc(8 + 25 + 12 + (size_t)n_z + 12);
    if (out == NULL) {
        free(raw);
        return mlp_error_set(err, MLP_STATUS_NOMEM,
                             "out of memory encoding a PNG image");
    }
    zs = compress2(out + 8 + 25 + 8, &n_z, raw, (uLong)n_raw, 9);
    free(raw);
    if (zs != Z_OK) {
        free(out);
        return mlp_error_set(err, MLP_STATUS_SOFTWARE,
                             "zlib failed to compress the image (%d)", zs);
    }

    /* 8-bit truecolour, deflate, adaptive filtering, no interlace */
    memcpy(out, signature, 8);
    put32(ihdr, (uint32_t)c->width);
    put32(ihdr + 4, (uint32_t)c->height);
    ihdr[8] = 8;
    ihdr[9] = 2;
    ihdr[10] = ihdr[11] = ihdr[12] = 0;
    used = 8 + put_chunk(out + 8, "IHDR", ihdr, 13);
    used += put_chunk(out + used, "IDAT", out + used + 8, (size_t)n_z);
    used += put_chunk(out + used, "IEND", NULL, 0);
    *buf = out;
    *len = used;
    return MLP_STATUS_OK;
}
