/* png.h -- a PNG encoder for 8-bit RGB images (zlib does the deflate). */
#ifndef PLOT_PNG_H
#define PLOT_PNG_H

#include <stddef.h>

#include "mlp/status.h"
#include "plot/canvas.h"

/* Encode the canvas as a PNG file image in a new buffer (*buf, *len),
 * freed by the caller: signature, IHDR, one IDAT, IEND.  Each row takes
 * the filter that leaves the smallest sum of absolute bytes.  Fails with
 * MLP_STATUS_NOMEM, or MLP_STATUS_SOFTWARE should zlib refuse. */
mlp_status plot_png_encode(const plot_canvas *c, unsigned char **buf,
                           size_t *len, mlp_error *err);

#endif
