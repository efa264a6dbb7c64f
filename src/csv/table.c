/* table.c -- a whole labelled CSV file into one float matrix of features
 * and a vector of labels: the header, the roles of the columns, the rows,
 * then the task and the classes. */
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv/labels.h"
#include "csv/marks.h"
#include "csv/number.h"
#include "csv/reader.h"

/* With MLP_TASK_AUTO, integer labels with at most this many distinct
 * values are classes. */
#define AUTO_MAX_CLASSES 20

/* Class indices are stored in the float label vector, exact to 2^24. */
#define MAX_CLASSES (UINT32_C(1) << 24)

/* The matrix grows by a quarter at a time (glibc moves big blocks with
 * mremap, so growing costs no copy and no second block), from about
 * this many bytes. */
#define FIRST_BYTES (64u * 1024u)

/* Plain records are parsed straight from the reader's buffer in blocks of
 * at most this many bytes, with one bitmap word per 64 bytes. */
#define BULK_BYTES (2u << 20)

/* With a second thread, a block of at least this many bytes is parsed in
 * two shares at once; tests and fuzzing may set it lower. */
#ifndef CSV_SPLIT_BYTES
#define CSV_SPLIT_BYTES (256u << 10)
#endif

/* What the bulk path does with each column. */
typedef enum role {
    ROLE_IGNORED,
    ROLE_FEATURE,
    ROLE_LABEL
} role;

struct loader;

/* The second share of a block of plain records, parsed by a helper
 * thread while the calling thread parses the first share.  Its rows go
 * straight into the matrix after the first share's, whose count the
 * helper finds by counting the first share's line ends; only the labels
 * are left, as the spans of their text, for the calling thread to take
 * in order. */
typedef struct bulk_share {
    const struct loader *ld;
    char delim;
    const char *first;          /* the first share, which ends at p */
    const char *p, *e;          /* this share: whole lines */
    uint64_t *bits;             /* the marks of [p, e) */
    float *x;                   /* where the first share's rows begin */
    const char **label;         /* a row's label text: [label[2i], [2i+1]) */
    size_t cap_label;           /* rows label has room for */
    size_t n_rows;              /* rows parsed */
    size_t used;                /* bytes of the rows parsed */
} bulk_share;

typedef struct loader {
    mlp_csv *csv;
    const mlp_table_options *opt;
    mlp_error e;

    /* columns: the label, the features, and the header names if any */
    size_t n_cols;
    char **names;
    size_t label_col;
    size_t *fcol;               /* column of each feature */
    size_t n_feat;

    /* rows so far */
    float *x, *y;
    size_t n_rows, cap_rows;

    /* labels: y holds values until a label is not a number, then ids */
    label_set set;
    int texts;
    int spilled;                /* more distinct numbers than the set holds */
    int all_integers;

    /* the bulk path: column roles, and the marks of the current block */
    unsigned char *roles;
    uint64_t *bits;

    /* with a second thread (share.bits set), the second share of each
     * large block */
    bulk_share share;
} loader;

/* A walk over a block's marks: bits[k] covers base[64 k .. 64 k + 63]. */
typedef struct mark_walk {
    const char *base;
    const uint64_t *bits;
    size_t k;
    uint64_t m;
} mark_walk;

/* A copy of the first record, which the second one overwrites; padded
 * like the reader's fields. */
typedef struct record_copy {
    csv_field *f;
    size_t n;
    char *block;
    uint64_t line;
} record_copy;

/* Fail with ld->e at line and col of the input.  Returns the status. */
#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static mlp_status fail(loader *ld, mlp_status st, uint64_t line,
                       uint64_t col, const char *fmt, ...)
{
    va_list ap;
    char text[sizeof ld->e.text];

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return mlp_error_at(&ld->e, st, mlp_csv_name(ld->csv), line, col, "%s",
                        text);
}

/* s[0..len) quoted for a message, in buf of 200 bytes.  Returns buf. */
static char *quoted(char *buf, const char *s, size_t len)
{
    buf[0] = '\0';
    return mlp_quote(buf, 200, s, len);
}

/* Copy the current record's fields into one block.  Returns 0 or -1. */
static int copy_record(const mlp_csv *r, record_copy *c)
{
    const csv_field *f = csv_fields(r);
    size_t n = mlp_csv_n_fields(r), total = 0, i;
    char *p;

    /* one block for the text, with room for every NUL */
    for (i = 0; i < n; i++) {
        if (f[i].len + 1 > SIZE_MAX - total)
            return -1;
        total += f[i].len + 1;
    }
    if (total > SIZE_MAX - CSV_PAD)
        return -1;
    c->f = malloc(n * sizeof *c->f);
    c->block = calloc(total + CSV_PAD, 1);
    if (c->f == NULL || c->block == NULL)
        return -1;

    /* the fields, pointing into it */
    for (i = 0, p = c->block; i < n; i++) {
        memcpy(p, f[i].s, f[i].len + 1);
        c->f[i].s = p;
        c->f[i].len = f[i].len;
        p += f[i].len + 1;
    }
    c->n = n;
    c->line = mlp_csv_line(r);
    return 0;
}

/* Whether a field is a number. */
static int is_number(const csv_field *f)
{
    float v;

    return csv_parse_float(f->s, f->len, &v) == CSV_NUMBER_OK;
}

/* Read the next record.  Returns 1, 0 at the end, or -1 (ld->e set). */
static int next_record(loader *ld)
{
    return mlp_csv_next(ld->csv, &ld->e);
}

/* Whether the first record is a header: as asked, or, to detect, when a
 * field that is not a number stands above one that is.  May read the
 * second record (*got2 says so).  Returns 1, 0, or -1 on error. */
static int decide_header(loader *ld, const record_copy *first, int *got2)
{
    const csv_field *f2;
    size_t i, n;
    int any_text = 0;

    *got2 = 0;
    if (ld->opt->header != MLP_HEADER_DETECT)
        return ld->opt->header == MLP_HEADER_YES;
    for (i = 0; i < first->n; i++)
        any_text |= !is_number(&first->f[i]);
    if (!any_text)
        return 0;

    /* a lone record with text can only be a header */
    *got2 = next_record(ld);
    if (*got2 <= 0)
        return *got2 < 0 ? -1 : 1;
    f2 = csv_fields(ld->csv);
    n = mlp_csv_n_fields(ld->csv);
    for (i = 0; i < n && i < first->n; i++)
        if (!is_number(&first->f[i]) && is_number(&f2[i]))
            return 1;
    return 0;
}

/* Order for finding equal names: by text. */
static int by_name(const void *a, const void *b)
{
    char **const *pa = a, **const *pb = b;

    return strcmp(**pa, **pb);
}

/* Take the header's names: valid UTF-8, no two alike.  Returns the
 * status. */
static mlp_status take_names(loader *ld, const record_copy *h)
{
    char q[200], **sorted[2], ***order;
    size_t i, a, b;

    /* the names point into the copy's block, which the loader keeps */
    ld->names = malloc(h->n * sizeof *ld->names);
    order = malloc(h->n * sizeof *order);
    if (ld->names == NULL || order == NULL) {
        free(order);
        return fail(ld, MLP_STATUS_NOMEM, 0, 0, "out of memory");
    }
    for (i = 0; i < h->n; i++) {
        ld->names[i] = h->f[i].s;
        order[i] = &ld->names[i];
        if (!csv_utf8_valid(h->f[i].s, h->f[i].len)) {
            free(order);
            return fail(ld, MLP_STATUS_DATA, h->line, i + 1,
                        "column name is not valid UTF-8: \"%s\"",
                        quoted(q, h->f[i].s, h->f[i].len));
        }
        if (h->f[i].len > MLP_MAX_NAME) {
            free(order);
            return fail(ld, MLP_STATUS_DATA, h->line, i + 1,
                        "column name of %zu bytes; at most %d are kept: "
                        "\"%s\"", h->f[i].len, MLP_MAX_NAME,
                        quoted(q, h->f[i].s, h->f[i].len));
        }
    }

    /* equal names sort next to each other */
    qsort(order, h->n, sizeof *order, by_name);
    for (i = 1; i < h->n; i++) {
        if (strcmp(*order[i - 1], *order[i]) != 0)
            continue;
        sorted[0] = order[i - 1];
        sorted[1] = order[i];
        a = (size_t)(sorted[0] - ld->names) + 1;
        b = (size_t)(sorted[1] - ld->names) + 1;
        free(order);
        return fail(ld, MLP_STATUS_DATA, h->line, 0,
                    "columns %zu and %zu have the same name \"%s\"",
                    a < b ? a : b, a < b ? b : a, quoted(q, *sorted[0],
                                                         strlen(*sorted[0])));
    }
    free(order);
    return MLP_STATUS_OK;
}

/* Whether s is a non-empty run of decimal digits. */
static int all_digits(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s != '\0'; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

long mlp_column_find(const char *spec, char *const *names, size_t n)
{
    size_t i, k = 0;

    /* a 1-based index */
    if (spec == NULL)
        return -1;
    if (all_digits(spec)) {
        for (; *spec != '\0'; spec++) {
            if (k > (SIZE_MAX - 9) / 10)
                return -1;
            k = k * 10 + (size_t)(*spec - '0');
        }
        return k >= 1 && k <= n && k - 1 <= (size_t)LONG_MAX ? (long)(k - 1)
                                                             : -1;
    }

    /* or a name */
    for (i = 0; names != NULL && i < n && i <= (size_t)LONG_MAX; i++)
        if (strcmp(names[i], spec) == 0)
            return (long)i;
    return -1;
}

/* The column spec names, for the option what.  Returns the status. */
static mlp_status find_column(loader *ld, const char *spec, const char *what,
                              size_t *col)
{
    long k = mlp_column_find(spec, ld->names, ld->n_cols);
    char q[200];

    if (k >= 0) {
        *col = (size_t)k;
        return MLP_STATUS_OK;
    }
    quoted(q, spec, strlen(spec));
    if (all_digits(spec))
        return mlp_error_set(&ld->e, MLP_STATUS_USAGE,
                             "%s column %s is out of range: %s has %zu "
                             "columns", what, q, mlp_csv_name(ld->csv),
                             ld->n_cols);
    return mlp_error_set(&ld->e, MLP_STATUS_USAGE,
                         "%s column \"%s\" not found in %s%s", what, q,
                         mlp_csv_name(ld->csv),
                         ld->names ? "" : ", which has no header row");
}

/* Mark the columns of the comma-separated list as ignored.  Returns the
 * status. */
static mlp_status mark_ignored(loader *ld, const char *list, char *ignored)
{
    char *copy, *item, *comma;
    size_t col = 0;
    mlp_status st = MLP_STATUS_OK;

    copy = malloc(strlen(list) + 1);
    if (copy == NULL)
        return mlp_error_set(&ld->e, MLP_STATUS_NOMEM, "out of memory");
    memcpy(copy, list, strlen(list) + 1);
    for (item = copy; st == MLP_STATUS_OK; item = comma + 1) {
        comma = strchr(item, ',');
        if (comma != NULL)
            *comma = '\0';
        if (*item == '\0')
            st = mlp_error_set(&ld->e, MLP_STATUS_USAGE,
                               "an empty item in the ignore list \"%s\"",
                               list);
        else
            st = find_column(ld, item, "ignored", &col);
        if (st == MLP_STATUS_OK)
            ignored[col] = 1;
        if (comma == NULL)
            break;
    }
    free(copy);
    return st;
}

/* The label column and the feature columns.  Returns the status. */
static mlp_status assign_columns(loader *ld)
{
    char *ignored, q[200];
    size_t c;
    mlp_status st = MLP_STATUS_OK;

    /* the label: as named, else the last column */
    if (ld->opt->label != NULL)
        st = find_column(ld, ld->opt->label, "label", &ld->label_col);
    else
        ld->label_col = ld->n_cols - 1;
    ignored = calloc(ld->n_cols, 1);
    ld->fcol = malloc(ld->n_cols * sizeof *ld->fcol);
    if (st == MLP_STATUS_OK && (ignored == NULL || ld->fcol == NULL))
        st = mlp_error_set(&ld->e, MLP_STATUS_NOMEM, "out of memory");

    /* the rest, less the ignored ones, are features */
    if (st == MLP_STATUS_OK && ld->opt->ignore != NULL)
        st = mark_ignored(ld, ld->opt->ignore, ignored);
    if (st == MLP_STATUS_OK && ignored[ld->label_col]) {
        if (ld->names != NULL)
            snprintf(q, sizeof q, "\"%.150s\"", ld->names[ld->label_col]);
        else
            snprintf(q, sizeof q, "%zu", ld->label_col + 1);
        st = mlp_error_set(&ld->e, MLP_STATUS_USAGE,
                           "the label column %s is also in the ignore list",
                           q);
    }
    for (c = 0; st == MLP_STATUS_OK && c < ld->n_cols; c++)
        if (c != ld->label_col && !ignored[c])
            ld->fcol[ld->n_feat++] = c;
    free(ignored);
    if (st != MLP_STATUS_OK || ld->n_feat > 0)
        return st;

    /* no features: a lone column suggests an unknown delimiter */
    if (ld->n_cols == 1)
        return fail(ld, MLP_STATUS_DATA, 1, 0,
                    "only one column, so no features (is the delimiter "
                    "not ',', tab, ';' or blanks?)");
    return mlp_error_set(&ld->e, MLP_STATUS_USAGE,
                         "no feature columns left besides the label");
}

/* Room for one more row: the matrix and the labels grow by a quarter.
 * Returns the status. */
static mlp_status grow_rows(loader *ld)
{
    size_t cap = ld->cap_rows, row_bytes = ld->n_feat * sizeof(float);
    float *x, *y;

    /* the new capacity, overflow-checked */
    if (cap == 0)
        cap = FIRST_BYTES / row_bytes > 0 ? FIRST_BYTES / row_bytes : 1;
    else if (cap > SIZE_MAX - cap / 4 - 1)
        return fail(ld, MLP_STATUS_NOMEM, 0, 0, "too many rows");
    else
        cap += cap / 4 + 1;
    if (cap > SIZE_MAX / row_bytes)
        return fail(ld, MLP_STATUS_NOMEM, 0, 0, "too many rows");

    /* both arrays; a failure leaves the old ones in place */
    x = realloc(ld->x, cap * row_bytes);
    if (x == NULL)
        return fail(ld, MLP_STATUS_NOMEM, 0, 0,
                    "out of memory for %zu rows of %zu features", cap,
                    ld->n_feat);
    ld->x = x;
    y = realloc(ld->y, cap * sizeof *y);
    if (y == NULL)
        return fail(ld, MLP_STATUS_NOMEM, 0, 0, "out of memory");
    ld->y = y;
    ld->cap_rows = cap;
    return MLP_STATUS_OK;
}

/* Store an id in y, refusing more classes than y holds exactly. */
static mlp_status put_id(loader *ld, long id, size_t row)
{
    if (id < 0)
        return fail(ld, MLP_STATUS_NOMEM, 0, 0, "out of memory for labels");
    if ((unsigned long)id >= MAX_CLASSES)
        return fail(ld, MLP_STATUS_NOMEM, 0, 0,
                    "more than %lu distinct labels",
                    (unsigned long)MAX_CLASSES);
    ld->y[row] = (float)id;
    return MLP_STATUS_OK;
}

/* The first label that is not a number: y's values become ids, each
 * number a label of its own.  Returns the status. */
static mlp_status to_ids(loader *ld)
{
    size_t i;
    mlp_status st = MLP_STATUS_OK;

    for (i = 0; i < ld->n_rows && st == MLP_STATUS_OK; i++)
        st = put_id(ld, label_set_number(&ld->set, ld->y[i], NULL, 0), i);
    ld->texts = 1;
    return st;
}

/* A label that is a number: its value, or its id once labels are text. */
static mlp_status number_label(loader *ld, const csv_field *f, float v)
{
    size_t row = ld->n_rows;

    if (ld->texts)
        return put_id(ld, label_set_number(&ld->set, v, f->s, f->len), row);
    ld->y[row] = v;
    ld->all_integers &= floorf(v) == v;

    /* the few first distinct numbers keep their text as class names */
    if (!ld->spilled && ld->opt->task != MLP_TASK_REGRESS) {
        if (label_set_number(&ld->set, v, f->s, f->len) < 0)
            return fail(ld, MLP_STATUS_NOMEM, 0, 0, "out of memory");
        ld->spilled = ld->set.n > AUTO_MAX_CLASSES;
    }
    return MLP_STATUS_OK;
}

/* Store the label of the row being added.  Returns the status. */
static mlp_status put_label(loader *ld, const csv_field *f, uint64_t line)
{
    uint64_t col = ld->label_col + 1;
    size_t n_before = ld->set.n;
    char q[200];
    float v;
    long id;

    /* numbers, and the labels that are not */
    if (f->len == 0)
        return fail(ld, MLP_STATUS_DATA, line, col, "the label is empty");
    if (csv_parse_float_padded(f->s, f->len, &v) == CSV_NUMBER_OK)
        return number_label(ld, f, v);
    if (ld->opt->task == MLP_TASK_REGRESS)
        return fail(ld, MLP_STATUS_DATA, line, col,
                    "expected a number as the regression target, got "
                    "\"%s\"", quoted(q, f->s, f->len));
    if (!ld->texts && to_ids(ld) != MLP_STATUS_OK)
        return ld->e.status;

    /* text: a class name, so it must be valid UTF-8 and not too long */
    if (f->len > MLP_MAX_NAME)
        return fail(ld, MLP_STATUS_DATA, line, col,
                    "a label of %zu bytes; at most %d are kept: \"%s\"",
                    f->len, MLP_MAX_NAME, quoted(q, f->s, f->len));
    id = label_set_text(&ld->set, f->s, f->len);
    if (ld->set.n > n_before && !csv_utf8_valid(f->s, f->len))
        return fail(ld, MLP_STATUS_DATA, line, col,
                    "the label is not valid UTF-8: \"%s\"",
                    quoted(q, f->s, f->len));
    return put_id(ld, id, ld->n_rows);
}

/* Fail for a record whose field count differs from the first's, with a
 * hint at the likely cause.  Returns the status. */
static mlp_status ragged(loader *ld, const csv_field *f, size_t n,
                         uint64_t line)
{
    const char *text, *hint = "";
    char d = mlp_csv_delimiter(ld->csv), other[64] = "";
    size_t len;

    /* an empty extra field: a delimiter at the end of the line */
    text = mlp_csv_text(ld->csv, &len);
    if (n == ld->n_cols + 1 && f[n - 1].len == 0) {
        hint = " (a trailing delimiter?)";
    } else if (text != NULL
               && ((d != ',' && memchr(text, ',', len))
                   || (d != ';' && memchr(text, ';', len))
                   || (d != '\t' && d != ' ' && memchr(text, '\t', len)))) {
        snprintf(other, sizeof other, " (wrong delimiter? detected %s)",
                 csv_delimiter_name(d));
        hint = other;
    }
    return fail(ld, MLP_STATUS_DATA, line, 0,
                "line %llu has %zu field%s, expected %zu%s",
                (unsigned long long)line, n, n == 1 ? "" : "s", ld->n_cols,
                hint);
}

/* Add one row: its features into the matrix, its label.  Returns the
 * status. */
static mlp_status add_row(loader *ld, const csv_field *f, size_t n,
                          uint64_t line)
{
    size_t j, c;
    float *row;
    csv_number k;
    char q[200];

    if (n != ld->n_cols)
        return ragged(ld, f, n, line);
    if (ld->n_rows == ld->cap_rows && grow_rows(ld) != MLP_STATUS_OK)
        return ld->e.status;

    /* features straight from the reader's buffer into the matrix */
    row = ld->x + ld->n_rows * ld->n_feat;
    for (j = 0; j < ld->n_feat; j++) {
        c = ld->fcol[j];
        k = csv_parse_float_padded(f[c].s, f[c].len, &row[j]);
        if (k != CSV_NUMBER_OK)
            return fail(ld, MLP_STATUS_DATA, line, c + 1,
                        "expected a number, got \"%s\"%s",
                        quoted(q, f[c].s, f[c].len),
                        k == CSV_NUMBER_RANGE ? " (beyond float's range)"
                                              : "");
    }
    if (put_label(ld, &f[ld->label_col], line) != MLP_STATUS_OK)
        return ld->e.status;
    ld->n_rows++;
    return MLP_STATUS_OK;
}

/* Read the first record or two: header, columns, first rows.  Returns
 * the status. */
static mlp_status read_head(loader *ld, record_copy *first)
{
    int got, got2, header;
    mlp_status st;

    /* the first record, kept: the second may overwrite it */
    got = next_record(ld);
    if (got < 0)
        return ld->e.status;
    if (got == 0)
        return fail(ld, MLP_STATUS_DATA, 0, 0, "no data rows");
    if (copy_record(ld->csv, first) < 0)
        return fail(ld, MLP_STATUS_NOMEM, 0, 0, "out of memory");
    ld->n_cols = first->n;
    header = decide_header(ld, first, &got2);
    if (header < 0)
        return ld->e.status;

    /* names and column roles */
    st = header ? take_names(ld, first) : MLP_STATUS_OK;
    if (st == MLP_STATUS_OK)
        st = assign_columns(ld);
    if (st != MLP_STATUS_OK)
        return st;

    /* the records read so far that are data */
    if (!header)
        st = add_row(ld, first->f, first->n, first->line);
    if (st == MLP_STATUS_OK && got2 > 0)
        st = add_row(ld, csv_fields(ld->csv), mlp_csv_n_fields(ld->csv),
                     mlp_csv_line(ld->csv));
    return st;
}

/* The next marked byte: a block ends with a line end, so there is one. */
static inline const char *next_mark(mark_walk *w)
{
    const char *at;

    while (w->m == 0)
        w->m = w->bits[++w->k];
    at = w->base + w->k * 64 + (size_t)__builtin_ctzll(w->m);
    w->m &= w->m - 1;
    return at;
}

/* The label of a bulk record, [s, e).  Returns the status. */
static mlp_status bulk_label(loader *ld, const char *s, const char *e,
                             uint64_t line)
{
    csv_field f;
    float v;

    f.s = (char *)s;
    f.len = (size_t)(e - s);
#ifdef CSV_SHORT_FLOAT
    if (csv_parse_short(s, e, &v))
        return number_label(ld, &f, v);
#else
    (void)v;
#endif
    return put_label(ld, &f, line);
}

/* A feature field [s, e) into *x.  Returns 1, or 0 when it is no number. */
static inline int bulk_feature(const char *s, const char *e, float *x)
{
#ifdef CSV_SHORT_FLOAT
    if (csv_parse_short(s, e, x))
        return 1;
#endif
    return csv_parse_float_padded(s, (size_t)(e - s), x) == CSV_NUMBER_OK;
}

/* The record at *pp, its fields found by the marks: its features parsed
 * in place into row, its label's text to [*ls, *le).  Anything but n_cols
 * unquoted fields of good numbers, a line end after the last, is left to
 * the reader, which takes it the slow way and reports it exactly.
 * Returns 1 (*pp past the record) or 0 (left, *pp unchanged).  Reads ld
 * and the text only, so that two threads may run it at once. */
static inline int bulk_fields(const loader *ld, mark_walk *w, const char **pp,
                              char delim, float *row, const char **ls,
                              const char **le)
{
    const char *s = *pp, *e, *next;
    size_t c, last = ld->n_cols - 1;

    /* the fields before the last, each ended by the delimiter */
    for (c = 0; c < last; c++) {
        e = next_mark(w);
        if (*e != delim)
            return 0;
        if (ld->roles[c] == ROLE_FEATURE) {
            if (!bulk_feature(s, e, row++))
                return 0;
        } else if (ld->roles[c] == ROLE_LABEL) {
            *ls = s;
            *le = e;
        }
        s = e + 1;
    }

    /* the last, ended by the line end, less a '\r' before it; the
     * record is passed only once every field is in */
    e = next_mark(w);
    if (*e != '\n')
        return 0;
    next = e + 1;
    if (e > s && e[-1] == '\r')
        e--;
    if (ld->roles[last] == ROLE_FEATURE) {
        if (!bulk_feature(s, e, row))
            return 0;
    } else if (ld->roles[last] == ROLE_LABEL) {
        *ls = s;
        *le = e;
    }
    *pp = next;
    return 1;
}

/* Start a walk over the marks of [p, e), computed into bits. */
static void walk_start(mark_walk *w, const char *p, const char *e,
                       char delim, uint64_t *bits)
{
    csv_marks(p, (size_t)(e - p), delim, bits);
    w->base = p;
    w->bits = bits;
    w->k = 0;
    w->m = bits[0];
}

/* Rows from the plain records at the start of [p, e), which ends with a
 * line end, straight into the matrix.  *n_rows gets how many were added,
 * *used the bytes they took.  Returns the status. */
static mlp_status bulk_rows(loader *ld, const char *p, const char *e,
                            uint64_t line, size_t *n_rows, size_t *used)
{
    const char *rec = p, *ls = NULL, *le = NULL;
    char delim = mlp_csv_delimiter(ld->csv);
    mark_walk w;

    /* records until the block ends or one needs the reader */
    walk_start(&w, p, e, delim, ld->bits);
    *n_rows = 0;
    while (rec < e) {
        if (ld->n_rows == ld->cap_rows && grow_rows(ld) != MLP_STATUS_OK)
            return ld->e.status;
        if (!bulk_fields(ld, &w, &rec, delim,
                         ld->x + ld->n_rows * ld->n_feat, &ls, &le))
            break;
        if (bulk_label(ld, ls, le, line + *n_rows) != MLP_STATUS_OK)
            return ld->e.status;
        ld->n_rows++;
        ++*n_rows;
    }
    *used = (size_t)(rec - p);
    return MLP_STATUS_OK;
}

/* The helper thread's work: the share's records as rows after those of
 * the first share, until its end or a record that needs the reader (who
 * then takes it).  sh->used says how far it got. */
static void *share_rows(void *arg)
{
    bulk_share *sh = arg;
    const loader *ld = sh->ld;
    const char *rec = sh->p, *nl;
    size_t first_rows = 0;
    float *row;
    mark_walk w;

    /* the first share's rows, one a line when it is taken whole */
    for (nl = sh->first; (nl = memchr(nl, '\n', (size_t)(sh->p - nl)))
                         != NULL; nl++)
        first_rows++;
    row = sh->x + first_rows * ld->n_feat;

    walk_start(&w, sh->p, sh->e, sh->delim, sh->bits);
    sh->n_rows = 0;
    while (rec < sh->e
           && bulk_fields(ld, &w, &rec, sh->delim, row,
                          &sh->label[2 * sh->n_rows],
                          &sh->label[2 * sh->n_rows + 1])) {
        row += ld->n_feat;
        sh->n_rows++;
    }
    sh->used = (size_t)(rec - sh->p);
    return NULL;
}

/* The labels of the helper's rows, taken in order as the calling thread
 * would have; *n_rows counts the rows added.  Returns the status. */
static mlp_status take_share(loader *ld, uint64_t line, size_t *n_rows)
{
    const bulk_share *sh = &ld->share;

    for (size_t i = 0; i < sh->n_rows; i++) {
        if (bulk_label(ld, sh->label[2 * i], sh->label[2 * i + 1],
                       line + *n_rows) != MLP_STATUS_OK)
            return ld->e.status;
        ld->n_rows++;
        ++*n_rows;
    }
    return MLP_STATUS_OK;
}

/* Room in the matrix for n more rows, and in the share for their labels.
 * Returns the status. */
static mlp_status reserve_rows(loader *ld, size_t n)
{
    bulk_share *sh = &ld->share;

    while (ld->cap_rows - ld->n_rows < n)
        if (grow_rows(ld) != MLP_STATUS_OK)
            return ld->e.status;
    if (sh->cap_label < n) {
        const char **label = realloc(sh->label, 2 * n * sizeof *label);

        if (label == NULL)
            return fail(ld, MLP_STATUS_NOMEM, 0, 0, "out of memory");
        sh->label = label;
        sh->cap_label = n;
    }
    return MLP_STATUS_OK;
}

/* Rows from a block as bulk_rows() takes them, in two shares at once
 * when the block is large and a second thread may help: the first share
 * here, the second on the helper, each up to a line end.  The result is
 * the same, row for row and error for error, as one thread's. */
static mlp_status bulk_block(loader *ld, const char *p, const char *e,
                             uint64_t line, size_t *n_rows, size_t *used)
{
    bulk_share *sh = &ld->share;
    size_t half = (size_t)(e - p) / 2;
    const char *mid;
    pthread_t helper;
    mlp_status st;

    /* the second share begins after the line end nearest the middle */
    if (ld->share.bits == NULL || (size_t)(e - p) < CSV_SPLIT_BYTES)
        return bulk_rows(ld, p, e, line, n_rows, used);
    mid = memchr(p + half, '\n', (size_t)(e - p) - half);
    if (mid == NULL || mid + 1 == e)
        return bulk_rows(ld, p, e, line, n_rows, used);

    /* a bulk record takes at least one byte a column (its delimiters and
     * line end), which bounds the rows; the matrix must not move while
     * the helper writes into it */
    if (reserve_rows(ld, (size_t)(e - p) / ld->n_cols + 1) != MLP_STATUS_OK)
        return ld->e.status;
    sh->delim = mlp_csv_delimiter(ld->csv);
    sh->first = p;
    sh->p = mid + 1;
    sh->e = e;
    sh->x = ld->x + ld->n_rows * ld->n_feat;
    if (pthread_create(&helper, NULL, share_rows, sh) != 0)
        return bulk_rows(ld, p, e, line, n_rows, used);

    /* the first share here; the second counts only if the first was
     * taken whole, as one thread would have gone on to it */
    st = bulk_rows(ld, p, mid + 1, line, n_rows, used);
    pthread_join(helper, NULL);
    if (st != MLP_STATUS_OK || *used < (size_t)(mid + 1 - p))
        return st;
    st = take_share(ld, line, n_rows);
    *used += sh->used;
    return st;
}

/* The bulk path's roles of the columns, and room for a block's marks.
 * Returns the status. */
static mlp_status start_bulk(loader *ld)
{
    size_t j;

    ld->roles = calloc(ld->n_cols, 1);
    ld->bits = malloc((BULK_BYTES / 64 + 1) * sizeof *ld->bits);
    if (ld->roles == NULL || ld->bits == NULL)
        return fail(ld, MLP_STATUS_NOMEM, 0, 0, "out of memory");
    /* a second thread for the rows, unless one already inflates gzip */
    if (ld->opt->threads > 1 && !csv_gzip(ld->csv)) {
        ld->share.ld = ld;
        ld->share.bits = malloc((BULK_BYTES / 64 + 1)
                                * sizeof *ld->share.bits);
    }
    for (j = 0; j < ld->n_feat; j++)
        ld->roles[ld->fcol[j]] = ROLE_FEATURE;
    ld->roles[ld->label_col] = ROLE_LABEL;
    return MLP_STATUS_OK;
}

/* Every remaining record: whole blocks of plain records in bulk, the
 * reader for the rest (a refill, quotes, blank lines, errors).  Returns
 * the status. */
static mlp_status read_rows(loader *ld)
{
    const char *p, *e;
    uint64_t line;
    size_t n_rows = 0, used = 0;
    int got;

    if (start_bulk(ld) != MLP_STATUS_OK)
        return ld->e.status;
    for (;;) {
        /* blocks of plain records, straight from the reader's buffer */
        while (csv_bulk_peek(ld->csv, BULK_BYTES, &p, &e, &line)) {
            if (bulk_block(ld, p, e, line, &n_rows, &used) != MLP_STATUS_OK)
                return ld->e.status;
            csv_bulk_take(ld->csv, used, n_rows);
            if (used < (size_t)(e - p))
                break;
        }

        /* one record the reader's way */
        got = next_record(ld);
        if (got <= 0)
            break;
        if (add_row(ld, csv_fields(ld->csv), mlp_csv_n_fields(ld->csv),
                    mlp_csv_line(ld->csv)) != MLP_STATUS_OK)
            return ld->e.status;
    }
    if (got < 0)
        return ld->e.status;
    if (ld->n_rows == 0)
        return fail(ld, MLP_STATUS_DATA, 0, 0,
                    "no data rows (only a header)");
    return MLP_STATUS_OK;
}

/* Whether the labels make a classification. */
static int is_classification(const loader *ld)
{
    switch (ld->opt->task) {
    case MLP_TASK_CLASSIFY:
        return 1;
    case MLP_TASK_REGRESS:
        return 0;
    case MLP_TASK_AUTO:
        break;
    }
    return ld->texts || (ld->all_integers && !ld->spilled);
}

/* Classes: ids for every row, sorted, at least two.  Returns the status. */
static mlp_status make_classes(loader *ld, mlp_table *t)
{
    size_t i, *rank;
    mlp_status st = MLP_STATUS_OK;
    char q[200];

    /* rows still holding values get the ids of their numbers */
    if (!ld->texts)
        st = to_ids(ld);
    if (st != MLP_STATUS_OK)
        return st;
    if (ld->set.n < 2)
        return fail(ld, MLP_STATUS_DATA, 0, 0,
                    "only one class (\"%s\"): classification needs two or "
                    "more", quoted(q, ld->set.labels[0].name,
                                   strlen(ld->set.labels[0].name)));

    /* class index = place in the sorted order */
    rank = malloc(ld->set.n * sizeof *rank);
    t->classes = malloc(ld->set.n * sizeof *t->classes);
    if (rank == NULL || t->classes == NULL) {
        free(rank);
        return fail(ld, MLP_STATUS_NOMEM, 0, 0, "out of memory");
    }
    label_set_sort(&ld->set, rank);
    for (i = 0; i < ld->n_rows; i++)
        ld->y[i] = (float)rank[(size_t)ld->y[i]];
    free(rank);

    /* the names move to the table */
    for (i = 0; i < ld->set.n; i++) {
        t->classes[i] = ld->set.labels[i].name;
        ld->set.labels[i].name = NULL;
    }
    t->n_classes = ld->set.n;
    return MLP_STATUS_OK;
}

/* A copy of s, or NULL. */
static char *dup_text(const char *s)
{
    char *p = malloc(strlen(s) + 1);

    if (p != NULL)
        memcpy(p, s, strlen(s) + 1);
    return p;
}

/* Feature and label names: the header's, or x1, x2, ... and y. */
static mlp_status name_columns(loader *ld, mlp_table *t)
{
    char buf[32];
    size_t j;

    t->feature_names = calloc(ld->n_feat, sizeof *t->feature_names);
    if (t->feature_names == NULL)
        return fail(ld, MLP_STATUS_NOMEM, 0, 0, "out of memory");
    for (j = 0; j < ld->n_feat; j++) {
        if (ld->names == NULL)
            snprintf(buf, sizeof buf, "x%zu", j + 1);
        t->feature_names[j] = dup_text(ld->names ? ld->names[ld->fcol[j]]
                                                 : buf);
        if (t->feature_names[j] == NULL)
            return fail(ld, MLP_STATUS_NOMEM, 0, 0, "out of memory");
    }
    t->label_name = dup_text(ld->names ? ld->names[ld->label_col] : "y");
    if (t->label_name == NULL)
        return fail(ld, MLP_STATUS_NOMEM, 0, 0, "out of memory");
    return MLP_STATUS_OK;
}

/* Hand the rows to the table, trimmed to size, and decide the task. */
static mlp_status finish(loader *ld, mlp_table *t)
{
    float *p;
    mlp_status st;

    /* trimming never fails in practice; if it does, keep the block */
    p = realloc(ld->x, ld->n_rows * ld->n_feat * sizeof *p);
    if (p != NULL)
        ld->x = p;
    p = realloc(ld->y, ld->n_rows * sizeof *p);
    if (p != NULL)
        ld->y = p;

    t->task = is_classification(ld) ? MLP_TASK_CLASSIFY : MLP_TASK_REGRESS;
    st = t->task == MLP_TASK_CLASSIFY ? make_classes(ld, t) : MLP_STATUS_OK;
    if (st == MLP_STATUS_OK)
        st = name_columns(ld, t);
    if (st != MLP_STATUS_OK)
        return st;
    t->n_rows = ld->n_rows;
    t->n_features = ld->n_feat;
    t->x = ld->x;
    t->y = ld->y;
    ld->x = ld->y = NULL;
    return MLP_STATUS_OK;
}

mlp_status mlp_table_load(mlp_table *t, const char *path,
                          const mlp_table_options *opt, mlp_error *err)
{
    static const mlp_table_options defaults;
    loader ld;
    record_copy first;
    mlp_status st;

    memset(t, 0, sizeof *t);
    memset(&ld, 0, sizeof ld);
    memset(&first, 0, sizeof first);
    ld.opt = opt ? opt : &defaults;
    ld.all_integers = 1;

    /* open, head, rows, task */
    st = mlp_csv_open(&ld.csv, path, &ld.opt->csv, &ld.e);
    if (st == MLP_STATUS_OK)
        st = read_head(&ld, &first);
    if (st == MLP_STATUS_OK)
        st = read_rows(&ld);
    if (st == MLP_STATUS_OK)
        st = finish(&ld, t);
    if (ld.csv != NULL) {
        mlp_error close_err;

        if (mlp_csv_close(ld.csv, &close_err) != MLP_STATUS_OK
            && st == MLP_STATUS_OK) {
            ld.e = close_err;
            st = close_err.status;
        }
    }

    /* everything the loader kept, and the table on failure */
    free(first.f);
    free(first.block);
    free(ld.names);
    free(ld.fcol);
    free(ld.roles);
    free(ld.bits);
    free(ld.share.bits);
    free(ld.share.label);
    free(ld.x);
    free(ld.y);
    label_set_free(&ld.set);
    if (st != MLP_STATUS_OK) {
        mlp_table_free(t);
        if (err != NULL)
            *err = ld.e;
    }
    return st;
}

void mlp_table_free(mlp_table *t)
{
    size_t i;

    if (t == NULL)
        return;
    for (i = 0; t->feature_names != NULL && i < t->n_features; i++)
        free(t->feature_names[i]);
    for (i = 0; t->classes != NULL && i < t->n_classes; i++)
        free(t->classes[i]);
    free(t->feature_names);
    free(t->classes);
    free(t->label_name);
    free(t->x);
    free(t->y);
    memset(t, 0, sizeof *t);
}
