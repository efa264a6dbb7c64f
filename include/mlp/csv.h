/* csv.h -- reading delimited text into rows of fields, and into a table.
 *
 * Two levels.  mlp_csv is a streaming record reader: it takes a file name
 * or standard input, plain or gzip (recognised by content), and hands out
 * one record at a time as unquoted, NUL-terminated fields, in bounded
 * memory, without waiting for more input than the record needs.
 * mlp_table_load() builds on it to read a whole labelled data set into a
 * float matrix of features and a vector of labels.
 *
 * Errors name the file, the line and the column; the column of a field is
 * its 1-based field number within the record.
 */
#ifndef MLP_CSV_H
#define MLP_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How a header row is decided. */
typedef enum mlp_header {
    MLP_HEADER_DETECT = 0,  /* see mlp_table_load() for the rule */
    MLP_HEADER_YES,
    MLP_HEADER_NO
} mlp_header;

/* What the labels are. */
typedef enum mlp_task {
    MLP_TASK_AUTO = 0,      /* decide from the labels */
    MLP_TASK_CLASSIFY,
    MLP_TASK_REGRESS
} mlp_task;

typedef struct mlp_csv_options {
    /* ',', '\t', ';', or ' ' for runs of blanks (spaces and tabs, leading
     * and trailing ones ignored); any other byte is taken as given.  0
     * detects it from the first record: the candidate among , tab ; that
     * splits it into the most fields (ties in that order), or blanks when
     * none of the three appears outside quotes or tabs stand beside
     * spaces, as in aligned columns. */
    char delimiter;
} mlp_csv_options;

/* Bytes in a column name or a class label, at most: longer ones are
 * refused when a table is loaded, and a model file holds no longer. */
#define MLP_MAX_NAME 4096

/* Fields in one record, at most; a longer record is refused with
 * MLP_STATUS_NOMEM.  Lines may be of any length. */
#define MLP_CSV_MAX_FIELDS 1000000

typedef struct mlp_csv mlp_csv;

/* Open path for reading; NULL or "-" is standard input.  gzip input,
 * including several concatenated members, is recognised by its magic
 * bytes; zstd, xz, bzip2 and zip are recognised and refused by name.
 * opt may be NULL for the defaults.  Returns MLP_STATUS_OK and sets *out,
 * or fails with MLP_STATUS_NOINPUT (cannot open) or MLP_STATUS_DATA. */
mlp_status mlp_csv_open(mlp_csv **out, const char *path,
                        const mlp_csv_options *opt, mlp_error *err);

/* Advance to the next record, skipping blank lines.  Returns 1 when a
 * record is ready, 0 at the end of the input, -1 on error (err filled,
 * with the file, line and column). */
int mlp_csv_next(mlp_csv *r, mlp_error *err);

/* Fields of the current record: count, and field i (0-based) as an
 * unquoted NUL-terminated string whose length goes to *len if not NULL.
 * Valid until the next call to mlp_csv_next(). */
size_t mlp_csv_n_fields(const mlp_csv *r);
const char *mlp_csv_field(const mlp_csv *r, size_t i, size_t *len);

/* Parse field i of the current record as mlp_parse_float() would, but
 * faster (the reader's fields are padded for word-at-a-time reading).
 * Returns 0 and stores the value, or -1 when the field is missing or not
 * a finite float. */
int mlp_csv_field_float(const mlp_csv *r, size_t i, float *out);

/* The current record as it stood in the input, without its line end, so
 * that it can be copied to an output unchanged. */
const char *mlp_csv_text(const mlp_csv *r, size_t *len);

/* Whether the reader already holds input bytes that it has not handed
 * out, so that the next mlp_csv_next() may not need to wait for more.
 * A streaming consumer flushes its output when this is 0. */
int mlp_csv_pending(const mlp_csv *r);

/* The 1-based line on which the current record starts. */
uint64_t mlp_csv_line(const mlp_csv *r);

/* The name used in messages: the path, or "<stdin>". */
const char *mlp_csv_name(const mlp_csv *r);

/* The delimiter in use (after detection, once a record has been read). */
char mlp_csv_delimiter(const mlp_csv *r);

/* Close the input.  Returns MLP_STATUS_OK, or MLP_STATUS_IO when closing
 * revealed an error (a bad gzip trailer, say).  r may be NULL. */
mlp_status mlp_csv_close(mlp_csv *r, mlp_error *err);

/* Parse s[0..len) as a float: optional sign, digits with an optional
 * decimal point, optional exponent; nothing else, in any locale.  Returns
 * 0 and stores the correctly rounded value, or -1 for empty text, text
 * that is not a number, nan, inf, or a value outside float's range. */
int mlp_parse_float(const char *s, size_t len, float *out);

/* Write v as the shortest decimal text that reads back to the same float,
 * in any locale, NUL-terminated; buf needs 32 bytes.  Returns the length. */
int mlp_format_float(char *buf, float v);

/* A labelled data set in memory. */
typedef struct mlp_table {
    size_t n_rows;
    size_t n_features;
    float *x;               /* n_rows x n_features, row-major */
    float *y;               /* n_rows: class index, or target value */
    char **feature_names;   /* n_features; "x1", "x2", ... with no header */
    char *label_name;       /* "y" with no header */
    mlp_task task;          /* CLASSIFY or REGRESS once loaded */
    size_t n_classes;       /* 0 for regression */
    char **classes;         /* class labels, in class index order */
} mlp_table;

typedef struct mlp_table_options {
    mlp_csv_options csv;
    mlp_header header;
    const char *label;      /* 1-based index or header name; NULL: last */
    const char *ignore;     /* comma-separated indices or names; NULL */
    mlp_task task;
    unsigned threads;       /* 2 or more: a second thread parses half
                             * of a plain (not gzip) file's rows; 0 or
                             * 1: the calling thread alone */
} mlp_table_options;

/* Load a whole labelled file.  With MLP_HEADER_DETECT the first record is
 * a header when one of its fields is not a number while the field below
 * it is.  Every column but the label and the ignored ones is a numeric
 * feature.  With MLP_TASK_AUTO the task is classification when any label
 * is not a number, or when the labels are integers with at most 20
 * distinct values; otherwise regression.  Classes are ordered numerically
 * when all labels are numbers (and labels equal in value, "1" and "1.0",
 * are one class, named as first seen), else bytewise.  A label or ignore
 * spec of digits only is an index, never a name.  opt may be NULL.  On
 * failure *t is left empty. */
mlp_status mlp_table_load(mlp_table *t, const char *path,
                          const mlp_table_options *opt, mlp_error *err);

/* Free what mlp_table_load() allocated and empty *t. */
void mlp_table_free(mlp_table *t);

/* Find the column that spec names among n columns: a 1-based index, or
 * the exact name of one of names[] (which may be NULL when there is no
 * header).  Returns the 0-based index, or -1 when none matches. */
long mlp_column_find(const char *spec, char *const *names, size_t n);

#ifdef __cplusplus
}
#endif
#endif
