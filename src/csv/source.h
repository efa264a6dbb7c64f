/* source.h -- the byte source under the CSV reader: a file or standard
 * input, plain or gzip, read with read(2) so that whatever has arrived is
 * handed on at once (a pipe fed slowly never waits for a full buffer). */
#ifndef MLP_CSV_SOURCE_H
#define MLP_CSV_SOURCE_H

#include <stddef.h>

#include "mlp/status.h"

typedef struct csv_source csv_source;

/* Open path (NULL or "-": standard input) and look at its first bytes:
 * gzip is inflated, zstd, xz, bzip2, zip and UTF-16 are refused by name.
 * name is what messages call the input; it must outlive the source.
 * Returns MLP_STATUS_OK and sets *out, or NOINPUT, DATA, IO or NOMEM. */
mlp_status csv_source_open(csv_source **out, const char *path,
                           const char *name, mlp_error *err);

/* Read up to cap bytes of decoded text into dst, blocking only until at
 * least one byte is available.  Returns the count, 0 at the end of the
 * input, or -1 with err filled (truncated or corrupt gzip, read error). */
long csv_source_read(csv_source *s, char *dst, size_t cap, mlp_error *err);

/* Whether bytes already read from the fd wait to be handed out (the
 * sniffed prefix, or compressed input not yet inflated). */
int csv_source_pending(const csv_source *s);

/* Whether the input is gzip, inflated by a thread of its own. */
int csv_source_gzip(const csv_source *s);

/* Close; returns MLP_STATUS_OK or MLP_STATUS_IO.  s may be NULL. */
mlp_status csv_source_close(csv_source *s, mlp_error *err);

#endif
