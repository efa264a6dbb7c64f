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

/* For a caller that splits plain records itself.  When the reader stands
 * between records, its delimiter known and not blanks, sets [*p, *e) to
 * the unread input up to and including its last line end within about
 * limit bytes, *line to the line *p starts, and returns 1; else returns 0
 * and mlp_csv_next() must read the next record.  e[0..CSV_PAD] are
 * readable.  The text stays valid until the next call on r. */
int csv_bulk_peek(mlp_csv *r, size_t limit, const char **p, const char **e,
                  uint64_t *line);

/* Mark the first n bytes that csv_bulk_peek() gave, n_lines whole lines,
 * as read. */
void csv_bulk_take(mlp_csv *r, size_t n, uint64_t n_lines);

/* Whether the input is gzip, which a thread of its own inflates. */
int csv_gzip(const mlp_csv *r);

/* 1 when s[0..len) is well-formed UTF-8 (no overlong forms, surrogates
 * or code points past U+10FFFF), else 0. */
int csv_utf8_valid(const char *s, size_t len);

/* A delimiter as messages name it: "','", "tab", "';'" or "blanks". */
const char *csv_delimiter_name(char delim);

#endif
