/* number.h -- the strict float parser, with the reason for a refusal. */
#ifndef MLP_CSV_NUMBER_H
#define MLP_CSV_NUMBER_H

#include <stddef.h>

typedef enum csv_number {
    CSV_NUMBER_OK = 0,
    CSV_NUMBER_SYNTAX,      /* not a decimal number (or nan, inf) */
    CSV_NUMBER_RANGE        /* a number, but beyond float's range */
} csv_number;

/* As mlp_parse_float(), saying why a text is refused. */
csv_number csv_parse_float(const char *s, size_t len, float *out);

/* The same, faster, for text followed by at least 8 readable bytes (as
 * the reader's fields are): digits are read eight at a time. */
csv_number csv_parse_float_padded(const char *s, size_t len, float *out);

#endif
