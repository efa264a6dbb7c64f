/* reader.h -- what the table builder may see inside the record reader. */
#ifndef MLP_CSV_READER_H
#define MLP_CSV_READER_H

#include <stddef.h>

#include "mlp/csv.h"

/* Records with more fields than MLP_CSV_MAX_FIELDS are refused, so that
 * a line of delimiters cannot make the field index huge. */
#define CSV_MAX_FIELDS ((size_t)MLP_CSV_MAX_FIELDS)

/* Every field is followed by at least this many readable, initialised
 * bytes (its NUL among them), for parsers that read words at a time. */
#define CSV_PAD 16

/* One field of the current record: NUL-terminated text and its length. */
typedef struct csv_field {
    char *s;
    size_t len;
} csv_field;

/* The current record's fields, mlp_csv_n_fields() of them. */
const csv_field *csv_fields(const mlp_csv *r);

/* 1 when s[0..len) is well-formed UTF-8 (no overlong forms, surrogates
 * or code points past U+10FFFF), else 0. */
int csv_utf8_valid(const char *s, size_t len);

/* A delimiter as messages name it: "','", "tab", "';'" or "blanks". */
const char *csv_delimiter_name(char delim);

#endif
