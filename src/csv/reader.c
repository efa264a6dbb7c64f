/* reader.c -- the streaming RFC 4180 record reader: finds each record in a
 * growing buffer, detects the delimiter on the first one, and splits
 * records into NUL-terminated fields in place: plain ones by a bitmap of
 * their delimiters and line ends, made for a block at a time, the rest
 * byte by byte. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv/marks.h"
#include "csv/number.h"
#include "csv/reader.h"
#include "csv/source.h"

/* Input is read in chunks of this size; the buffer grows for longer
 * records. */
#define BUF_START (1u << 20)

/* Plain records are split from the marks of this many bytes at a time:
 * small enough that the text is still in cache when its records are. */
#define MARK_CHUNK (1u << 15)

/* Where the quote-aware scan of a record stands, between refills. */
typedef enum scan_state {
    SCAN_FIELD_START,
    SCAN_UNQUOTED,
    SCAN_QUOTED,
    SCAN_QUOTE_SEEN         /* a '"' inside quotes: closing, or doubled */
} scan_state;

struct mlp_csv {
    csv_source *src;
    char *name;
    char delim;             /* 0 until the first record is read */
    int eof, started, failed;
    mlp_error e;            /* the error, kept for calls after a failure */

    /* input bytes: buf[pos..end) is unread; buf has cap + 1 + CSV_PAD
     * bytes so that a record ending at the very end can still be
     * NUL-terminated, and words can be read past any field */
    char *buf;
    size_t cap, pos, end;
    size_t next_pos;        /* where the record after the current starts */

    /* the marks (see marks.h) of the bytes from about pos up to marked:
     * bit i % 64 of marks[i / 64] for buf[i]; marked is a multiple of 64
     * or end, and cap / 64 + 2 words leave room for every byte */
    uint64_t *marks;
    size_t marked;
    uint64_t line;          /* the line on which buf[pos] stands */

    /* the scan for the end of the record at pos */
    size_t scan;            /* bytes of it already looked at */
    int quoted;             /* it has a '"': the slow, exact scan */
    scan_state state;
    uint64_t scan_lines;    /* line ends inside quotes so far */
    uint64_t quote_line;    /* where the last quoted field opened */

    /* the current record */
    uint64_t rec_line;
    csv_field *f;
    size_t n_f, cap_f;
    char *raw;              /* its text in buf, split in place */
    size_t raw_len;
    char *text;             /* its text as read, made when asked for */
    size_t text_cap;
    int text_ready;
};

/* Fail with r->e filled from a printf-style message at the current
 * record's line; returns -1. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int fail_at(mlp_csv *r, mlp_status st, uint64_t col,
                   const char *fmt, ...)
{
    va_list ap;
    char text[sizeof r->e.text];

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    mlp_error_at(&r->e, st, r->name, r->rec_line, col, "%s", text);
    r->failed = 1;
    return -1;
}

/* Grow a buffer of *cap elements of size elem to at least need, doubling;
 * returns 0, or -1 when the size overflows or memory runs out. */
static int grow(void **p, size_t *cap, size_t need, size_t elem,
                size_t extra)
{
    size_t n = *cap ? *cap : 16;
    void *q;

    while (n < need) {
        if (n > SIZE_MAX / 2)
            return -1;
        n *= 2;
    }
    if (n > (SIZE_MAX - extra) / elem)
        return -1;
    q = realloc(*p, n * elem + extra);
    if (q == NULL)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

mlp_status mlp_csv_open(mlp_csv **out, const char *path,
                        const mlp_csv_options *opt, mlp_error *err)
{
    mlp_csv *r;
    const char *name = path == NULL || strcmp(path, "-") == 0 ? "<stdin>"
                                                              : path;
    char d = opt ? opt->delimiter : 0;
    mlp_status st;

    /* the delimiter may be any byte that cannot be part of the quoting */
    *out = NULL;
    if (d == '"' || d == '\n' || d == '\r' || (unsigned char)d >= 0x80)
        return mlp_error_set(err, MLP_STATUS_USAGE,
                             "cannot use byte 0x%02x as the delimiter",
                             (unsigned)(unsigned char)d);

    /* the reader and its buffer */
    r = calloc(1, sizeof *r);
    if (r == NULL || (r->name = malloc(strlen(name) + 1)) == NULL
        || (r->buf = malloc(BUF_START + 1 + CSV_PAD)) == NULL
        || (r->marks = malloc((BUF_START / 64 + 2) * sizeof *r->marks))
               == NULL) {
        if (r != NULL) {
            free(r->name);
            free(r->buf);
        }
        free(r);
        return mlp_error_set(err, MLP_STATUS_NOMEM, "out of memory");
    }
    memcpy(r->name, name, strlen(name) + 1);
    r->cap = BUF_START;
    r->delim = d;
    r->line = 1;

    /* the input */
    st = csv_source_open(&r->src, path, r->name, err);
    if (st != MLP_STATUS_OK) {
        mlp_csv_close(r, NULL);
        return st;
    }
    *out = r;
    return MLP_STATUS_OK;
}

/* Grow the buffer, and the marks with it.  Returns 0, or -1. */
static int grow_buf(mlp_csv *r)
{
    uint64_t *m;

    if (grow((void **)&r->buf, &r->cap, r->cap + 1, 1, 1 + CSV_PAD) < 0)
        return fail_at(r, MLP_STATUS_NOMEM, 0,
                       "out of memory for a record of %zu bytes", r->end);
    m = realloc(r->marks, (r->cap / 64 + 2) * sizeof *m);
    if (m == NULL)
        return fail_at(r, MLP_STATUS_NOMEM, 0,
                       "out of memory for a record of %zu bytes", r->end);
    r->marks = m;
    return 0;
}

/* Read more input after the unread bytes, moving them to the front and
 * growing the buffer when they fill it.  Returns 0, or -1. */
static int fill(mlp_csv *r)
{
    long n;

    /* keep only the unread bytes; moved, their marks are stale, and a
     * last word marked short will get more bytes */
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->end - r->pos);
        r->end -= r->pos;
        r->pos = 0;
        r->next_pos = 0;
        r->marked = 0;
    }
    r->marked &= ~(size_t)63;

    /* a record longer than the buffer: grow it */
    if (r->end == r->cap && grow_buf(r) < 0)
        return -1;

    /* one read(2): whatever has arrived */
    n = csv_source_read(r->src, r->buf + r->end, r->cap - r->end, &r->e);
    if (n < 0) {
        r->failed = 1;
        return -1;
    }
    if (n == 0)
        r->eof = 1;
    r->end += (size_t)n;
    memset(r->buf + r->end, 0, 1 + CSV_PAD);
    return 0;
}

/* Drop a UTF-8 byte order mark at the start.  Returns 1 when done, 0
 * when more bytes are needed to tell. */
static int skip_bom(mlp_csv *r)
{
    static const char bom[] = "\xef\xbb\xbf";
    size_t n = r->end - r->pos;

    if (n < 3 && !r->eof && memcmp(r->buf + r->pos, bom, n) == 0)
        return 0;
    if (n >= 3 && memcmp(r->buf + r->pos, bom, 3) == 0)
        r->pos += 3;
    r->started = 1;
    r->next_pos = r->pos;
    return 1;
}

/* Whether c separates fields (before detection: any candidate). */
static int is_sep(const mlp_csv *r, unsigned char c)
{
    if (r->delim == 0)
        return c == ',' || c == '\t' || c == ';' || c == ' ';
    if (r->delim == ' ')
        return c == ' ' || c == '\t';
    return c == (unsigned char)r->delim;
}

/* The exact scan for a record with quotes, resumable after a refill:
 * a '"' opens a quoted field only at a field's start, and a line end
 * inside quotes belongs to the field.  Returns 1 with *rec_end at the
 * record's line end, or 0 when the buffer ends first. */
static int scan_quoted(mlp_csv *r, size_t *rec_end)
{
    scan_state st = r->state;
    size_t i;

    for (i = r->pos + r->scan; i < r->end; i++) {
        unsigned char c = (unsigned char)r->buf[i];

        if (st == SCAN_QUOTED) {
            if (c == '"')
                st = SCAN_QUOTE_SEEN;
            else if (c == '\n')
                r->scan_lines++;
        } else if (st == SCAN_FIELD_START && c == '"') {
            st = SCAN_QUOTED;
            r->quote_line = r->line + r->scan_lines;
        } else if (c == '\n') {
            r->state = st;
            *rec_end = i;
            return 1;
        } else if (st == SCAN_QUOTE_SEEN && c == '"') {
            st = SCAN_QUOTED;
        } else if (is_sep(r, c)) {
            st = SCAN_FIELD_START;
        } else {
            st = SCAN_UNQUOTED;
        }
    }
    r->state = st;
    r->scan = i - r->pos;
    return 0;
}

/* Find the end of the record at pos: memchr for the line end, and the
 * exact scan only for lines with a '"'.  Returns 1 with *rec_end, or 0
 * when more input is needed. */
static int find_record(mlp_csv *r, size_t *rec_end)
{
    char *start = r->buf + r->pos, *nl;

    if (!r->quoted) {
        nl = memchr(start + r->scan, '\n', r->end - r->pos - r->scan);
        if (nl == NULL) {
            r->scan = r->end - r->pos;
            return 0;
        }
        if (memchr(start, '"', (size_t)(nl - start)) == NULL) {
            *rec_end = (size_t)(nl - r->buf);
            return 1;
        }
        r->quoted = 1;
        r->scan = 0;
        r->state = SCAN_FIELD_START;
    }
    return scan_quoted(r, rec_end);
}

/* The record at the end of the input, without a line end.  Returns 1
 * with *rec_end, 0 when there is none, -1 for an open quote. */
static int last_record(mlp_csv *r, size_t *rec_end)
{
    if (r->pos == r->end)
        return 0;
    if (!r->quoted && memchr(r->buf + r->pos, '"', r->end - r->pos)) {
        r->quoted = 1;
        r->scan = 0;
        r->state = SCAN_FIELD_START;
        scan_quoted(r, rec_end);
    }
    if (r->quoted && r->state == SCAN_QUOTED) {
        r->rec_line = r->quote_line;
        return fail_at(r, MLP_STATUS_DATA, 0,
                       "a quoted field opened on this line is never "
                       "closed (a missing '\"'?)");
    }
    *rec_end = r->end;
    return 1;
}

/* Pick the delimiter that splits the first record into the most fields;
 * ties go to ',', then tab, then ';'.  Runs of blanks count only when
 * none of those appears outside quotes, or when tabs do but with spaces
 * beside them (columns aligned with both): names with spaces in them
 * ("sepal length") must not outvote a real delimiter. */
static char detect_delimiter(const char *p, size_t len)
{
    static const char cand[3] = { ',', '\t', ';' };
    size_t n[3] = { 0, 0, 0 }, n_spaces = 0, i, k, n_best = 0;
    int in_quotes = 0, aligned = len > 0 && (p[0] == ' '
                                             || p[len - 1] == ' ');
    char best = ',';

    for (i = 0; i < len; i++) {
        if (p[i] == '"')
            in_quotes = !in_quotes;
        if (in_quotes)
            continue;
        for (k = 0; k < 3; k++)
            n[k] += p[i] == cand[k];
        n_spaces += p[i] == ' ';
        aligned |= p[i] == '\t' && ((i > 0 && p[i - 1] == ' ')
                                    || (i + 1 < len && p[i + 1] == ' '));
    }
    for (k = 0; k < 3; k++)
        if (n[k] > n_best) {
            best = cand[k];
            n_best = n[k];
        }
    if (n_spaces > 0 && n[0] == 0 && n[2] == 0 && (n[1] == 0 || aligned))
        return ' ';
    return best;
}

/* Room for more fields: double, up to CSV_MAX_FIELDS.  Returns 0, -1. */
static int grow_fields(mlp_csv *r)
{
    size_t cap = r->cap_f ? r->cap_f * 2 : 64;
    csv_field *f;

    if (r->cap_f >= CSV_MAX_FIELDS)
        return fail_at(r, MLP_STATUS_NOMEM, 0,
                       "more than %zu fields in one record",
                       CSV_MAX_FIELDS);
    if (cap > CSV_MAX_FIELDS)
        cap = CSV_MAX_FIELDS;
    f = realloc(r->f, cap * sizeof *f);
    if (f == NULL)
        return fail_at(r, MLP_STATUS_NOMEM, 0, "out of memory");
    r->f = f;
    r->cap_f = cap;
    return 0;
}

/* Append a field to the current record.  Returns 0, or -1. */
static inline int add_field(mlp_csv *r, char *s, size_t len)
{
    if (r->n_f == r->cap_f && grow_fields(r) < 0)
        return -1;
    r->f[r->n_f].s = s;
    r->f[r->n_f].len = len;
    r->n_f++;
    return 0;
}

/* Fail for a NUL byte in field col; returns -1. */
static int nul_error(mlp_csv *r, uint64_t col)
{
    return fail_at(r, MLP_STATUS_DATA, col,
                   "a NUL byte in the text (binary or UTF-16 data?)");
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Bytes of v that are zero have their high bit set in the result; bits
 * above the first such byte may be wrong, the first is always right. */
static inline uint64_t zero_bytes(uint64_t v)
{
    return (v - UINT64_C(0x0101010101010101)) & ~v
           & UINT64_C(0x8080808080808080);
}

/* The first byte at or after p that is d or NUL, eight at a time; the
 * caller guarantees one before the padding ends. */
static inline char *find_end(char *p, uint64_t d8)
{
    for (;;) {
        uint64_t v, z;

        memcpy(&v, p, sizeof v);
        z = zero_bytes(v) | zero_bytes(v ^ d8);
        if (z != 0)
            return p + __builtin_ctzll(z) / 8;
        p += 8;
    }
}
#else
static inline char *find_end(char *p, uint64_t d8)
{
    const char d = (char)(d8 & 0xff);

    while (*p != d && *p != '\0')
        p++;
    return p;
}
#endif

/* Split a record without quotes at a one-byte delimiter, turning each
 * delimiter into the NUL that ends a field.  Returns 1, or -1. */
static int split_plain(mlp_csv *r, char *p, char *e)
{
    const uint64_t d8 = (unsigned char)r->delim
                        * UINT64_C(0x0101010101010101);

    *e = '\0';
    for (;;) {
        char *s = p;

        p = find_end(p, d8);
        if (add_field(r, s, (size_t)(p - s)) < 0)
            return -1;
        if (*p == '\0')
            return p == e ? 1 : nul_error(r, r->n_f);
        *p++ = '\0';
    }
}

/* Keep a copy of the current record's text before splitting it in a way
 * that loses bytes.  Returns 0, or -1. */
static int save_text(mlp_csv *r)
{
    if (r->raw_len + 1 > r->text_cap
        && grow((void **)&r->text, &r->text_cap, r->raw_len + 1, 1, 0))
        return fail_at(r, MLP_STATUS_NOMEM, 0, "out of memory");
    memcpy(r->text, r->raw, r->raw_len);
    r->text[r->raw_len] = '\0';
    r->text_ready = 1;
    return 0;
}

/* Unquote the quoted field at *pp into *wp: doubled quotes become one.
 * Returns 0 with both advanced past it, or -1. */
static int unquote(mlp_csv *r, char **pp, char **wp, const char *e)
{
    char *p = *pp + 1, *w = *wp;

    for (;;) {
        if (p == e)
            return fail_at(r, MLP_STATUS_DATA, r->n_f + 1,
                           "a quoted field is never closed");
        if (*p == '\0')
            return nul_error(r, r->n_f + 1);
        if (*p == '"' && (p + 1 == e || p[1] != '"'))
            break;
        p += *p == '"';
        *w++ = *p++;
    }
    p++;
    if (p != e && !is_sep(r, (unsigned char)*p))
        return fail_at(r, MLP_STATUS_DATA, r->n_f + 1,
                       "text after the closing '\"' of a quoted field");
    *pp = p;
    *wp = w;
    return 0;
}

/* Split any record: quoted fields, or runs of blanks as the delimiter.
 * Fields are rewritten in place, never longer than their text.  Returns
 * 1, or -1. */
static int split_general(mlp_csv *r, char *p, char *e)
{
    int blanks = r->delim == ' ';

    if (save_text(r) < 0)
        return -1;
    for (;;) {
        char *s, *w;

        /* with blanks, those before a field and at the end do not count */
        while (blanks && p != e && is_sep(r, (unsigned char)*p))
            p++;
        if (blanks && p == e)
            return 1;

        /* the field's text, unquoted, into [s, w) */
        s = w = p;
        if (p != e && *p == '"') {
            if (unquote(r, &p, &w, e) < 0)
                return -1;
        } else {
            for (; p != e && !is_sep(r, (unsigned char)*p); p++) {
                if (*p == '"')
                    return fail_at(r, MLP_STATUS_DATA, r->n_f + 1,
                                   "a '\"' inside an unquoted field (quote "
                                   "the field and double the '\"')");
                if (*p == '\0')
                    return nul_error(r, r->n_f + 1);
                *w++ = *p;
            }
        }
        if (add_field(r, s, (size_t)(w - s)) < 0)
            return -1;
        if (p == e) {
            *w = '\0';
            return 1;
        }
        *w = '\0';
        p++;
    }
}

/* Whether the record is blank: empty, or only blanks when blanks may be
 * the delimiter. */
static int is_blank(const mlp_csv *r, const char *p, size_t len)
{
    size_t i;

    if (len == 0)
        return 1;
    if (r->delim != ' ' && r->delim != 0)
        return 0;
    for (i = 0; i < len; i++)
        if (p[i] != ' ' && p[i] != '\t')
            return 0;
    return 1;
}

/* Take the record that ends at rec_end: count its lines, skip it when
 * blank, else split it.  Returns 1, 2 (blank: go on), or -1. */
static int take_record(mlp_csv *r, size_t rec_end)
{
    char *p = r->buf + r->pos, *e = r->buf + rec_end;
    int quoted = r->quoted;

    /* the record, its lines, and where the next one starts */
    r->rec_line = r->line;
    r->line += 1 + r->scan_lines;
    r->next_pos = rec_end < r->end ? rec_end + 1 : rec_end;
    r->scan = 0;
    r->quoted = 0;
    r->scan_lines = 0;
    if (e > p && e[-1] == '\r')
        e--;
    if (is_blank(r, p, (size_t)(e - p))) {
        r->pos = r->next_pos;
        return 2;
    }

    /* the first record decides the delimiter */
    if (r->delim == 0)
        r->delim = detect_delimiter(p, (size_t)(e - p));
    r->raw = p;
    r->raw_len = (size_t)(e - p);
    if (!quoted && r->delim != ' ')
        return split_plain(r, p, e);
    return split_general(r, p, e);
}

/* Mark the next MARK_CHUNK bytes or fewer from from, a multiple of 64
 * at or past marked (or at or before pos, all the same to the walk). */
static void mark_chunk(mlp_csv *r, size_t from)
{
    size_t n = r->end - from;

    if (n > MARK_CHUNK)
        n = MARK_CHUNK;
    csv_marks(r->buf + from, n, r->delim, r->marks + from / 64);
    r->marked = from + n;
}

/* Give the fields split so far back their delimiters; returns 0. */
static int unsplit(mlp_csv *r)
{
    size_t k;

    for (k = 0; k < r->n_f; k++)
        r->f[k].s[r->f[k].len] = r->delim;
    r->n_f = 0;
    return 0;
}

/* Move *m on to the next word of marks with a bit set, *k its index,
 * marking more input as the walk reaches it.  Returns 1, or 0 when the
 * input read so far has no more marks. */
static inline int next_word(mlp_csv *r, size_t *k, uint64_t *m)
{
    while (*m == 0) {
        if ((*k + 1) * 64 >= r->marked) {
            if (r->marked == r->end)
                return 0;
            mark_chunk(r, r->marked);
        }
        *m = r->marks[++*k];
    }
    return 1;
}

/* Split the record at pos by its marks, when it is plain: its line end
 * already read, and no quote or NUL before it.  Blank lines before it
 * are skipped.  The fields are kept in locals while they are found, for
 * the stores into the text could alias r.  Returns 1 with the record
 * taken, 0 when the general path must take it (the record as it was, and
 * only blank lines before it passed), or -1. */
static int take_marked(mlp_csv *r)
{
    const char d = r->delim;
    char *buf = r->buf, *s, *e;
    csv_field *f = r->f;
    size_t i, k, n = 0, cap = r->cap_f;
    uint64_t m;

    /* the word holding pos, marked */
    if (r->pos >= r->end)
        return 0;
    if (r->pos >= r->marked)
        mark_chunk(r, r->pos & ~(size_t)63);
    k = r->pos / 64;
    m = r->marks[k] & (~UINT64_C(0) << (r->pos % 64));
    for (s = buf + r->pos;;) {
        /* each delimiter ends a field; anything else but \n is for the
         * general path, and so is a record past the field limit */
        r->n_f = n;
        if (!next_word(r, &k, &m))
            return unsplit(r);
        i = k * 64 + (size_t)__builtin_ctzll(m);
        m &= m - 1;
        if (buf[i] == d) {
            if (n == cap) {
                if (cap >= CSV_MAX_FIELDS || grow_fields(r) < 0)
                    return r->failed ? -1 : unsplit(r);
                f = r->f;
                cap = r->cap_f;
            }
            f[n].s = s;
            f[n++].len = (size_t)(buf + i - s);
            buf[i] = '\0';
            s = buf + i + 1;
            continue;
        }
        if (buf[i] != '\n')
            return unsplit(r);

        /* the line end: a blank line is passed over */
        e = buf + i;
        if (e > s && e[-1] == '\r')
            e--;
        r->rec_line = r->line++;
        r->next_pos = i + 1;
        if (n == 0 && e == s) {
            r->pos = r->next_pos;
            s = buf + r->pos;
            continue;
        }

        /* the last field */
        *e = '\0';
        r->raw = buf + r->pos;
        r->raw_len = (size_t)(e - r->raw);
        return add_field(r, s, (size_t)(e - s)) < 0 ? -1 : 1;
    }
}

/* Copy r->e to err; returns -1. */
static int report(const mlp_csv *r, mlp_error *err)
{
    if (err != NULL)
        *err = r->e;
    return -1;
}

int mlp_csv_next(mlp_csv *r, mlp_error *err)
{
    size_t rec_end;
    int got;

    /* after an error, the same error again */
    if (r->failed)
        return report(r, err);
    r->pos = r->next_pos;
    r->n_f = 0;
    r->text_ready = 0;
    for (;;) {
        /* most records: plain, split by their marks */
        if (r->started && r->delim != 0 && r->delim != ' ' && r->scan == 0
            && !r->quoted) {
            got = take_marked(r);
            if (got != 0)
                return got < 0 ? report(r, err) : 1;
        }

        /* enough bytes to see a byte order mark, then a whole record */
        if (!r->started && !skip_bom(r))
            got = 0;
        else
            got = find_record(r, &rec_end);
        if (got == 0 && r->eof && r->started)
            got = last_record(r, &rec_end);
        if (got == 0 && r->eof)
            return 0;
        if (got == 0 && fill(r) < 0)
            return report(r, err);
        if (got < 0)
            return report(r, err);
        if (got == 0)
            continue;

        /* split it, or go on past a blank line */
        got = take_record(r, rec_end);
        if (got < 0)
            return report(r, err);
        if (got == 1)
            return 1;
    }
}

int csv_bulk_peek(mlp_csv *r, size_t limit, const char **p, const char **e,
                  uint64_t *line)
{
    const char *start = r->buf + r->next_pos, *nl;
    size_t n = r->end - r->next_pos;

    /* only between records of a plain delimiter, with a line end ahead */
    if (r->failed || !r->started || r->delim == 0 || r->delim == ' '
        || r->scan != 0 || r->quoted)
        return 0;
    if (n > limit)
        n = limit;

    /* the last line end: a record is rarely long, so look back */
    for (nl = start + n; nl > start && nl[-1] != '\n'; nl--)
        ;
    if (nl == start)
        return 0;
    *p = start;
    *e = nl;
    *line = r->line;
    return 1;
}

void csv_bulk_take(mlp_csv *r, size_t n, uint64_t n_lines)
{
    r->next_pos += n;
    r->pos = r->next_pos;
    r->line += n_lines;
    r->n_f = 0;
    r->text_ready = 0;
}

size_t mlp_csv_n_fields(const mlp_csv *r)
{
    return r->n_f;
}

const char *mlp_csv_field(const mlp_csv *r, size_t i, size_t *len)
{
    if (i >= r->n_f) {
        if (len != NULL)
            *len = 0;
        return NULL;
    }
    if (len != NULL)
        *len = r->f[i].len;
    return r->f[i].s;
}

int mlp_csv_field_float(const mlp_csv *r, size_t i, float *out)
{
    if (i >= r->n_f)
        return -1;
#ifdef CSV_TINY_FLOAT
    /* the common short number without a call */
    if (csv_parse_tiny(r->f[i].s, r->f[i].s + r->f[i].len, out))
        return 0;
#endif
    return csv_parse_float_padded(r->f[i].s, r->f[i].len, out) ==
           CSV_NUMBER_OK ? 0 : -1;
}

const csv_field *csv_fields(const mlp_csv *r)
{
    return r->f;
}

const char *mlp_csv_text(const mlp_csv *r, size_t *len)
{
    mlp_csv *w = (mlp_csv *)r;
    size_t i;

    /* split_plain only turned delimiters into NULs: turn them back */
    if (!r->text_ready && r->n_f > 0) {
        if (save_text(w) < 0) {
            if (len != NULL)
                *len = 0;
            return NULL;
        }
        for (i = 0; i < r->raw_len; i++)
            if (w->text[i] == '\0')
                w->text[i] = r->delim;
    }
    if (len != NULL)
        *len = r->n_f > 0 ? r->raw_len : 0;
    return r->n_f > 0 ? r->text : "";
}

int csv_gzip(const mlp_csv *r)
{
    return csv_source_gzip(r->src);
}

int mlp_csv_pending(const mlp_csv *r)
{
    return r->next_pos < r->end || csv_source_pending(r->src);
}

uint64_t mlp_csv_line(const mlp_csv *r)
{
    return r->rec_line;
}

const char *mlp_csv_name(const mlp_csv *r)
{
    return r->name;
}

char mlp_csv_delimiter(const mlp_csv *r)
{
    return r->delim;
}

mlp_status mlp_csv_close(mlp_csv *r, mlp_error *err)
{
    mlp_status st;

    if (r == NULL)
        return MLP_STATUS_OK;
    st = csv_source_close(r->src, err);
    free(r->buf);
    free(r->marks);
    free(r->f);
    free(r->text);
    free(r->name);
    free(r);
    return st;
}

int csv_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, k, n;
    unsigned long cp;

    while (i < len) {
        /* the lead byte gives the length and the first bits */
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        if (p[i] >= 0xc2 && p[i] <= 0xdf) {
            n = 1;
            cp = p[i] & 0x1f;
        } else if (p[i] >= 0xe0 && p[i] <= 0xef) {
            n = 2;
            cp = p[i] & 0x0f;
        } else if (p[i] >= 0xf0 && p[i] <= 0xf4) {
            n = 3;
            cp = p[i] & 0x07;
        } else {
            return 0;
        }

        /* continuation bytes, then overlong forms and surrogates */
        if (len - i <= n)
            return 0;
        for (k = 1; k <= n; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (p[i + k] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)
            || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += n + 1;
    }
    return 1;
}

const char *csv_delimiter_name(char delim)
{
    switch (delim) {
    case ',':  return "','";
    case '\t': return "tab";
    case ';':  return "';'";
    case ' ':  return "blanks";
    default:   return "the given delimiter";
    }
}
