/* test_csv.c -- the record reader, the byte source (plain, gzip, refused
 * formats, streaming) and the table loader, including every error. */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "csv/marks.h"
#include "mlp/csv.h"

static char dir[] = "/tmp/test_csv.XXXXXX";
static char path_buf[4][512];

/* A file named name in the temporary folder; returns its path. */
static const char *temp_path(const char *name)
{
    static int k;
    char *p = path_buf[k++ % 4];

    snprintf(p, sizeof path_buf[0], "%s/%s", dir, name);
    return p;
}

/* Write len bytes to the temporary file name; returns its path. */
static const char *write_bytes(const char *name, const void *data,
                               size_t len)
{
    const char *path = temp_path(name);
    FILE *f = fopen(path, "wb");

    CHECK(f != NULL);
    if (f == NULL)
        return path;
    CHECK(fwrite(data, 1, len, f) == len);
    CHECK(fclose(f) == 0);
    return path;
}

static const char *write_text(const char *name, const char *text)
{
    return write_bytes(name, text, strlen(text));
}

/* The whole of a file, in *len bytes (malloc'd). */
static unsigned char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *p = NULL;
    long n;

    *len = 0;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0
        || fseek(f, 0, SEEK_SET) != 0 || (p = malloc((size_t)n + 1)) == NULL
        || fread(p, 1, (size_t)n, f) != (size_t)n) {
        CHECK(!"cannot read back a test file");
        if (f != NULL)
            fclose(f);
        free(p);
        return NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return p;
}

/* Compress text with gzopen/gzwrite into name; returns its path. */
static const char *write_gzip(const char *name, const char *text)
{
    const char *path = temp_path(name);
    gzFile g = gzopen(path, "wb");

    CHECK(g != NULL);
    if (g == NULL)
        return path;
    CHECK(gzwrite(g, text, (unsigned)strlen(text)) == (int)strlen(text));
    CHECK(gzclose(g) == Z_OK);
    return path;
}

/* Load a table; on failure, the formatted error goes to msg. */
static mlp_status load(mlp_table *t, const char *path,
                       const mlp_table_options *opt, char *msg, size_t n)
{
    mlp_error e;
    mlp_status st;

    mlp_error_clear(&e);
    st = mlp_table_load(t, path, opt, &e);
    msg[0] = '\0';
    if (st != MLP_STATUS_OK)
        mlp_error_format(&e, msg, n);
    CHECKF(st == MLP_STATUS_OK || e.status == st, "status %d vs %d",
           (int)st, (int)e.status);
    return st;
}

/* Loading text must fail with status and a message holding fragment. */
static void expect_fail_at(int line, const char *text,
                           const mlp_table_options *opt, mlp_status want,
                           const char *fragment)
{
    mlp_table t;
    char msg[1200];
    mlp_status st = load(&t, write_text("case.csv", text), opt, msg,
                         sizeof msg);

    CHECKF(st == want, "line %d: status %d, want %d (%.300s)", line, (int)st,
           (int)want, msg);
    CHECKF(strstr(msg, fragment) != NULL,
           "line %d: \"%.300s\" lacks \"%.100s\"",
           line, msg, fragment);
    CHECKF(t.x == NULL && t.n_rows == 0, "line %d: table not empty", line);
    mlp_table_free(&t);
}
#define expect_fail(text, opt, want, fragment) \
    expect_fail_at(__LINE__, text, opt, want, fragment)

/* An open reader over len bytes, with delimiter d. */
static mlp_csv *open_bytes(const char *bytes, size_t len, char d)
{
    mlp_csv_options o = { d };
    mlp_csv *r = NULL;
    mlp_error e;

    CHECK(mlp_csv_open(&r, write_bytes("reader.csv", bytes, len), &o, &e)
          == MLP_STATUS_OK);
    return r;
}

static mlp_csv *open_text(const char *text, char d)
{
    return open_bytes(text, strlen(text), d);
}

/* The next record must be the given fields ("|"-separated) on line. */
static void expect_record_at(int at, mlp_csv *r, const char *fields,
                             uint64_t line)
{
    mlp_error e;
    char joined[4096] = "";
    size_t i, len, used = 0;
    int got = mlp_csv_next(r, &e);

    CHECKF(got == 1, "line %d: next gave %d", at, got);
    if (got != 1)
        return;
    for (i = 0; i < mlp_csv_n_fields(r); i++) {
        const char *f = mlp_csv_field(r, i, &len);

        CHECKF(strlen(f) == len, "line %d: field %zu length", at, i);
        used += (size_t)snprintf(joined + used, sizeof joined - used,
                                 "%s%s", i ? "|" : "", f);
    }
    CHECKF(strcmp(joined, fields) == 0, "line %d: \"%s\" != \"%s\"", at,
           joined, fields);
    CHECKF(mlp_csv_line(r) == line, "line %d: on line %llu, want %llu", at,
           (unsigned long long)mlp_csv_line(r), (unsigned long long)line);
}
#define expect_record(r, fields, line) \
    expect_record_at(__LINE__, r, fields, line)

/* The reader must end cleanly, and close without error. */
static void expect_end(mlp_csv *r)
{
    mlp_error e;

    CHECK(mlp_csv_next(r, &e) == 0);
    CHECK(mlp_csv_next(r, &e) == 0);
    CHECK(mlp_csv_close(r, &e) == MLP_STATUS_OK);
}

/* Reading text must fail with status and a message holding fragment. */
static void expect_read_error_at(int at, const char *text, size_t len,
                                 mlp_status want, const char *fragment)
{
    mlp_csv *r = open_bytes(text, len, 0);
    mlp_error e;
    char msg[1200] = "";
    int got;

    if (r == NULL)
        return;
    while ((got = mlp_csv_next(r, &e)) == 1)
        ;
    if (got < 0)
        mlp_error_format(&e, msg, sizeof msg);
    CHECKF(got == -1 && e.status == want, "line %d: got %d status %d", at,
           got, (int)e.status);
    CHECKF(strstr(msg, fragment) != NULL,
           "line %d: \"%.300s\" lacks \"%.100s\"",
           at, msg, fragment);

    /* an error stays */
    CHECK(mlp_csv_next(r, &e) == -1);
    mlp_csv_close(r, NULL);
}
#define expect_read_error(text, want, fragment) \
    expect_read_error_at(__LINE__, text, strlen(text), want, fragment)
#define expect_read_error_n(bytes, want, fragment) \
    expect_read_error_at(__LINE__, bytes, sizeof bytes - 1, want, fragment)

/* RFC 4180 quoting, line ends, the byte order mark, blank lines. */
static void test_reader(void)
{
    mlp_csv *r;
    const char *text;
    size_t len;

    r = open_text("\xef\xbb\xbf" "a,\"b,c\",\"say \"\"hi\"\"\"\r\n"
                  "\r\n\n1,\"two\nlines\",3\n" "\"\",x,\"\"\"\"\n"
                  "last,no,newline", 0);
    expect_record(r, "a|b,c|say \"hi\"", 1);
    text = mlp_csv_text(r, &len);
    CHECK_STR(text, "a,\"b,c\",\"say \"\"hi\"\"\"");
    CHECK(len == strlen(text));
    CHECK(mlp_csv_delimiter(r) == ',');
    expect_record(r, "1|two\nlines|3", 4);
    expect_record(r, "|x|\"", 6);
    CHECK(mlp_csv_pending(r) == 1);
    expect_record(r, "last|no|newline", 7);
    CHECK_STR(mlp_csv_text(r, NULL), "last,no,newline");
    CHECK(mlp_csv_field(r, 3, &len) == NULL && len == 0);
    expect_end(r);

    /* plain records give their text back unchanged */
    r = open_text("1.5,,-2\n,\n", 0);
    expect_record(r, "1.5||-2", 1);
    CHECK(mlp_csv_n_fields(r) == 3);
    CHECK_STR(mlp_csv_text(r, NULL), "1.5,,-2");
    expect_record(r, "|", 2);
    CHECK_STR(mlp_csv_text(r, NULL), ",");
    expect_end(r);

    /* only blank lines: no records */
    r = open_text("\n\r\n\n", 0);
    expect_end(r);
    r = open_text("", 0);
    CHECK_STR(mlp_csv_name(r), mlp_csv_name(r));
    expect_end(r);
}

/* The delimiter: detected on the first record, or given. */
static void test_delimiters(void)
{
    mlp_csv *r;

    r = open_text("a\tb c\td\n1\t2\t3\n", 0);
    expect_record(r, "a|b c|d", 1);
    CHECK(mlp_csv_delimiter(r) == '\t');
    expect_record(r, "1|2|3", 2);
    expect_end(r);

    r = open_text("x;y;z,w\n", 0);
    expect_record(r, "x|y|z,w", 1);
    CHECK(mlp_csv_delimiter(r) == ';');
    expect_end(r);

    /* blanks: runs of spaces and tabs, the outer ones ignored */
    r = open_text("  1   2\t 3  \n4 \"5 6\" 7\n   \n8 9 10", 0);
    expect_record(r, "1|2|3", 1);
    CHECK(mlp_csv_delimiter(r) == ' ');
    expect_record(r, "4|5 6|7", 2);
    CHECK_STR(mlp_csv_text(r, NULL), "4 \"5 6\" 7");
    expect_record(r, "8|9|10", 4);
    expect_end(r);

    /* ties go to ',' then tab then ';' then blanks; quotes hide them */
    r = open_text("a,b;c\n", 0);
    expect_record(r, "a|b;c", 1);
    CHECK(mlp_csv_delimiter(r) == ',');
    mlp_csv_close(r, NULL);
    r = open_text("a b\tc\n", 0);
    expect_record(r, "a b|c", 1);
    CHECK(mlp_csv_delimiter(r) == '\t');
    mlp_csv_close(r, NULL);
    r = open_text("\"a,b,c\";d\n", 0);
    expect_record(r, "a,b,c|d", 1);
    CHECK(mlp_csv_delimiter(r) == ';');
    mlp_csv_close(r, NULL);
    r = open_text("one, two, three\n", 0);
    expect_record(r, "one| two| three", 1);
    mlp_csv_close(r, NULL);
    r = open_text("first name,middle name,last name\n", 0);
    expect_record(r, "first name|middle name|last name", 1);
    mlp_csv_close(r, NULL);
    r = open_text("x 1 2\n", 0);
    expect_record(r, "x|1|2", 1);
    CHECK(mlp_csv_delimiter(r) == ' ');
    mlp_csv_close(r, NULL);

    /* given */
    r = open_text("a,b;c\n", ';');
    expect_record(r, "a,b|c", 1);
    mlp_csv_close(r, NULL);
    r = open_text("a|b|\"c|d\"\n", '|');
    expect_record(r, "a|b|c|d", 1);
    CHECK(mlp_csv_n_fields(r) == 3);
    mlp_csv_close(r, NULL);
    {
        mlp_csv_options o = { '"' };
        mlp_csv *bad = NULL;
        mlp_error e;

        CHECK(mlp_csv_open(&bad, "-", &o, &e) == MLP_STATUS_USAGE);
        CHECK(bad == NULL);
    }
}

/* Malformed records: each error, where it is. */
static void test_reader_errors(void)
{
    expect_read_error("a,b\n1,\"2\n3,4\n5,6\n", MLP_STATUS_DATA,
                      "reader.csv:2: a quoted field opened on this line "
                      "is never closed");
    expect_read_error("a,b\nc,d\"e\n", MLP_STATUS_DATA,
                      "reader.csv:2:2: a '\"' inside an unquoted field");
    expect_read_error("a,b\n\"c\"x,d\n", MLP_STATUS_DATA,
                      "reader.csv:2:1: text after the closing '\"'");
    expect_read_error_n("a,b\nc,d\0e\n", MLP_STATUS_DATA,
                        "reader.csv:2:2: a NUL byte");
    expect_read_error_n("a,b\nc,\"d\0\"\n", MLP_STATUS_DATA,
                        "reader.csv:2:2: a NUL byte");
    expect_read_error_n("a b\nc \0\n", MLP_STATUS_DATA,
                        "reader.csv:2:2: a NUL byte");
}

/* Records longer than the buffer, and too many fields. */
static void test_long_records(void)
{
    size_t n = 3u << 20, i;
    char *text = malloc(n + 64);
    mlp_csv *r;
    mlp_error e;
    size_t len;

    if (text == NULL)
        return;

    /* one 3 MiB field between two short ones, quoted */
    memcpy(text, "a,\"", 3);
    for (i = 0; i < n; i++)
        text[3 + i] = (char)('a' + i % 26);
    memcpy(text + 3 + n, "\",b\nc,d,e\n", 11);
    r = open_text(text, 0);
    CHECK(mlp_csv_next(r, &e) == 1 && mlp_csv_n_fields(r) == 3);
    CHECK(strlen(mlp_csv_field(r, 1, &len)) == n && len == n);
    CHECK(mlp_csv_field(r, 1, NULL)[n - 1] == (char)('a' + (n - 1) % 26));
    expect_record(r, "c|d|e", 2);
    expect_end(r);

    /* a record of 1000001 fields passes the limit */
    memset(text, ',', 1000001);
    text[1000001] = '\n';
    text[1000002] = '\0';
    expect_read_error(text, MLP_STATUS_NOMEM, "more than 1000000 fields");
    free(text);
}

/* Many rows through many refills, every value checked. */
static void test_many_rows(void)
{
    size_t n_rows = 150000, i, cap = n_rows * 40, used = 0;
    char *text = malloc(cap), msg[1200];
    mlp_table t;
    size_t bad = 0;

    if (text == NULL)
        return;
    used += (size_t)snprintf(text, cap, "p,q,r\n");
    for (i = 0; i < n_rows; i++)
        used += (size_t)snprintf(text + used, cap - used,
                                 "%zu.25,-%zu,%zu\n", i, i % 1000, i % 3);
    write_bytes("many.csv", text, used);
    free(text);
    CHECK(load(&t, temp_path("many.csv"), NULL, msg, sizeof msg)
          == MLP_STATUS_OK);
    CHECK(t.n_rows == n_rows && t.n_features == 2 && t.n_classes == 3);
    for (i = 0; i < t.n_rows && i < n_rows; i++)
        bad += t.x[2 * i] != (float)i + 0.25f
               || t.x[2 * i + 1] != -(float)(i % 1000)
               || t.y[i] != (float)(i % 3);
    CHECK(bad == 0);
    mlp_table_free(&t);
}

/* xorshift64*, seeded, for the generated tables and texts below. */
static uint64_t rng_state = UINT64_C(0x6a09e667f3bcc909);

static unsigned rnd_below(unsigned n)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (unsigned)((rng_state * UINT64_C(2685821657736338717)) >> 33) % n;
}

/* Every instruction set's marks agree with a byte-by-byte reference, on
 * every length and alignment near the 64-byte words. */
static void test_marks(void)
{
    static const char pool[] = "0123456789.,;\t\n\"\r -e+\0ab";
    char text[300];
    uint64_t want[5], got[5];
    size_t n, off, i;
    int isa, bad, n_isas = 0;

    for (isa = CSV_ISA_C; isa <= CSV_ISA_AVX512; isa++) {
        bad = 0;
        for (n = 0; n <= 200; n++) {
            off = n % 37;
            for (i = 0; i < n; i++)
                text[off + i] = pool[rnd_below(sizeof pool - 1)];
            memset(want, 0, sizeof want);
            for (i = 0; i < n; i++) {
                char c = text[off + i];

                if (c == ';' || c == '\n' || c == '"' || c == '\0')
                    want[i / 64] |= UINT64_C(1) << (i % 64);
            }
            memset(got, 0xa5, sizeof got);
            if (csv_marks_isa((csv_isa)isa, text + off, n, ';', got) < 0)
                break;
            bad += memcmp(want, got, (n + 63) / 64 * sizeof *got) != 0;
            if (n == 200)
                n_isas++;
        }
        CHECKF(bad == 0, "instruction set %d: %d lengths differ", isa, bad);
    }
    CHECK(n_isas >= 1);
    memset(got, 0, sizeof got);
    csv_marks("a;b\n", 4, ';', got);
    CHECK(got[0] == 0xa);
}

/* One random record for test_mixed_records(): plain fields of every
 * length and, now and then, quoted ones with a delimiter, a doubled
 * quote or a line end inside, empty fields, CRLF line ends and blank
 * lines before it.  Appends its text to out at *n_out and sets want to
 * its fields joined by '|' and raw to its text without the line end.
 * Returns the lines it takes, blank ones included; *n_blank of them are
 * the blank ones. */
static unsigned mixed_record(char d, char *out, size_t *n_out, char *want,
                             char *raw, unsigned *n_blank)
{
    static const char plain[] = "0123456789.-eab";
    size_t n = *n_out, w = 0, start, n_fields = 1 + rnd_below(40), i, k;
    unsigned lines = 1;

    /* blank lines first, now and then */
    *n_blank = rnd_below(20) == 0 ? 1 + rnd_below(2) : 0;
    for (i = 0; i < *n_blank; i++)
        n += (size_t)sprintf(out + n, "%s", rnd_below(2) ? "\n" : "\r\n");
    start = n;

    /* the fields */
    for (i = 0; i < n_fields; i++) {
        unsigned kind = rnd_below(40), len = 1 + rnd_below(12);

        if (i > 0) {
            out[n++] = d;
            want[w++] = '|';
        }
        if (kind == 0 && n_fields > 1)
            continue;
        if (kind == 1 || kind == 2 || (kind == 3 && rnd_below(8) == 0)) {
            const char *in = kind == 1 ? "x y" : kind == 2 ? "a\"\"b" : "p\nq";

            n += (size_t)sprintf(out + n, "\"%s\"", in);
            in = kind == 1 ? "x y" : kind == 2 ? "a\"b" : "p\nq";
            w += (size_t)sprintf(want + w, "%s", in);
            out[n - 3] = kind == 1 ? d : out[n - 3];
            want[w - 2] = kind == 1 ? d : want[w - 2];
            lines += kind == 3;
            continue;
        }
        for (k = 0; k < len; k++)
            want[w++] = out[n++] = plain[rnd_below(sizeof plain - 1)];
    }
    want[w] = '\0';
    memcpy(raw, out + start, n - start);
    raw[n - start] = '\0';
    n += (size_t)sprintf(out + n, "%s", rnd_below(4) ? "\n" : "\r\n");
    *n_out = n;
    return lines + *n_blank;
}

/* Many random records, plain and quoted in turn, through several
 * buffers of input: every field, line and text as written. */
static void test_mixed_records(void)
{
    const char delims[2] = { ',', ';' };
    size_t n_rows = 24000, cap = n_rows * 500, used, i;
    char *text = malloc(cap), want[800], raw[800], joined[800];
    uint64_t seed = rng_state, line;
    unsigned n_blank, lines, bad, d;
    mlp_csv *r;

    for (d = 0; d < 2 && text != NULL; d++) {
        /* the text, then the same records again to compare */
        rng_state = seed + d;
        for (i = used = 0; i < n_rows; i++)
            mixed_record(delims[d], text, &used, want, raw, &n_blank);
        r = open_bytes(text, used, delims[d]);
        if (r == NULL)
            break;
        rng_state = seed + d;
        joined[0] = '\0';
        for (i = bad = 0, line = 1; i < n_rows; i++) {
            size_t j, len, k = 0;
            mlp_error e;

            used = 0;
            lines = mixed_record(delims[d], text, &used, want, raw,
                                 &n_blank);
            line += n_blank;
            if (mlp_csv_next(r, &e) != 1) {
                bad++;
                break;
            }
            for (j = 0; j < mlp_csv_n_fields(r); j++) {
                const char *f = mlp_csv_field(r, j, &len);

                k += (size_t)snprintf(joined + k, sizeof joined - k, "%s%s",
                                      j ? "|" : "", f);
                bad += strlen(f) != len;
            }
            bad += strcmp(joined, want) != 0 || mlp_csv_line(r) != line
                   || strcmp(mlp_csv_text(r, NULL), raw) != 0;
            if (bad)
                break;
            line += lines - n_blank;
        }
        CHECKF(bad == 0 && i == n_rows, "record %zu, delimiter '%c': "
               "\"%.200s\", want \"%.200s\"", i, delims[d], joined, want);
        expect_end(r);
    }
    free(text);
}

/* A NUL or a stray quote far into plain input, near the places where
 * the marks and the buffer end, is still found at its line and field;
 * so is a record with too many fields after plain ones. */
static void test_late_errors(void)
{
    static const size_t at[] = { 3276, 3277, 104857, 104858, 104860 };
    size_t n = 1100000, i, k;
    char *text = malloc(n + 1000001 + 8), fragment[120];

    for (k = 0; k < sizeof at / sizeof *at && text != NULL; k++) {
        /* records of 10 bytes: line at[k] + 1 breaks in field 2 */
        for (i = 0; i < n; i += 10)
            memcpy(text + i, "12345,678\n", 10);
        text[at[k] * 10 + 7] = k % 2 ? '"' : '\0';
        snprintf(fragment, sizeof fragment, "reader.csv:%zu:2: %s",
                 at[k] + 1, k % 2 ? "a '\"' inside an unquoted field"
                                  : "a NUL byte");
        expect_read_error_at(__LINE__, text, n, MLP_STATUS_DATA, fragment);
    }
    if (text == NULL)
        return;
    memcpy(text, "a,b\n", 4);
    memset(text + 4, ',', 1000001);
    memcpy(text + 1000005, "\n", 2);
    expect_read_error(text, MLP_STATUS_NOMEM, "more than 1000000 fields");
    free(text);
}

/* A number's text in one of many shapes, and the value strtof gives. */
static void number_text(char *buf, size_t cap, float *v)
{
    double x = (double)rnd_below(2000001) / 1000.0 - 1000.0;

    switch (rnd_below(8)) {
    case 0:
        snprintf(buf, cap, "%.*f", (int)rnd_below(9), x);
        break;
    case 1:
        snprintf(buf, cap, "%.*f", 9 + (int)rnd_below(6), x / 7);
        break;
    case 2:
        snprintf(buf, cap, "%.*e", (int)rnd_below(12), x);
        break;
    case 3:
        snprintf(buf, cap, "%d", (int)rnd_below(100000000));
        break;
    case 4:
        snprintf(buf, cap, "%s%u.%u", rnd_below(2) ? "+" : "",
                 rnd_below(100), rnd_below(1000));
        break;
    case 5:
        snprintf(buf, cap, ".%u", rnd_below(100000));
        break;
    case 6:
        snprintf(buf, cap, "%u.", rnd_below(100000));
        break;
    default:
        snprintf(buf, cap, "%.6f", x / 100);
        break;
    }
    *v = strtof(buf, NULL);
}

/* A table big enough to cross many buffer refills, of every shape the
 * bulk path meets or must leave to the reader: CRLF, quoted fields,
 * blank lines, a label in the middle, an ignored column of text.  Plain
 * and gzip load to the values strtof gives. */
static void test_bulk_table(void)
{
    static const char *const classes[] = { "cat", "dog", "\"emu\"" };
    size_t n_rows = 60000, cap = n_rows * 120 + 100, used = 0, i, bad = 0;
    char *text = malloc(cap), num[3][64], msg[1200];
    float *want = malloc(n_rows * 3 * sizeof *want), *wy;
    mlp_table_options o = { { 0 }, MLP_HEADER_DETECT, "3", "4", 0, 0 };
    mlp_table t;
    const char *q;
    unsigned k, c;
    int gz;

    wy = malloc(n_rows * sizeof *wy);
    if (text == NULL || want == NULL || wy == NULL) {
        CHECK(!"out of memory");
        free(text);
        free(want);
        free(wy);
        return;
    }

    /* a,b,label,ignored,c: some rows quoted, CRLF, or after a blank */
    used += (size_t)snprintf(text, cap, "a,b,label,skip,c\n");
    for (i = 0; i < n_rows; i++) {
        for (k = 0; k < 3; k++)
            number_text(num[k], sizeof num[k], &want[3 * i + k]);
        c = rnd_below(3);
        wy[i] = (float)c;
        q = rnd_below(40) == 0 ? "\"" : "";
        used += (size_t)snprintf(text + used, cap - used,
                                 "%s%s%s%s,%s,%s,%s,%s%s",
                                 rnd_below(50) == 0 ? "\n" : "", q, num[0],
                                 q, num[1], classes[c],
                                 rnd_below(2) ? "x y\r" : "", num[2],
                                 rnd_below(7) == 0 ? "\r\n" : "\n");
    }
    write_bytes("bulk.csv", text, used);
    write_gzip("bulk.csv.gz", text);
    free(text);

    /* both forms load the same, right to the bit */
    for (gz = 0; gz <= 1; gz++) {
        CHECK(load(&t, temp_path(gz ? "bulk.csv.gz" : "bulk.csv"), &o, msg,
                   sizeof msg) == MLP_STATUS_OK);
        CHECKF(t.n_rows == n_rows && t.n_features == 3 && t.n_classes == 3,
               "%zu rows, %zu features (%.300s)", t.n_rows, t.n_features,
               msg);
        for (i = 0, bad = 0; i < t.n_rows && t.n_rows == n_rows; i++)
            bad += memcmp(&t.x[3 * i], &want[3 * i], 3 * sizeof *want) != 0
                   || t.y[i] != wy[i];
        CHECKF(bad == 0, "%zu rows differ (gzip %d)", bad, gz);
        CHECK(t.n_classes == 3 && strcmp(t.classes[2], "emu") == 0);
        mlp_table_free(&t);
    }
    free(want);
    free(wy);
}

/* A row to put deep in a long file, and what loading it must say. */
typedef struct bad_row {
    const char *row;
    const char *message;
} bad_row;

/* Errors deep in a long file, where the bulk path meets them, name the
 * same line and column as the reader would. */
static void test_bulk_errors(void)
{
    static const bad_row cases[] = {
        { "1,2.5.1,0\n", "case.csv:30002:2: expected a number, got \"2.5.1\"" },
        { "1,2\n", "case.csv:30002: line 30002 has 2 fields, expected 3" },
        { "1,2,3,4\n", "line 30002 has 4 fields, expected 3" },
        { "1,2,\n", "case.csv:30002:3: the label is empty" },
        { "1,\"2\"x,0\n", "case.csv:30002:2: text after the closing" },
        { "1,2,a\"b\n", "case.csv:30002:3: a '\"' inside an unquoted" },
        { "1,2\r,0\n", "case.csv:30002:2: expected a number" },
        { "1,1e99,0\n", "beyond float's range" },
    };
    static const bad_row last_cases[] = {
        { "0,1,oops\n", "case.csv:30002:3: expected a number, got \"oops\"" },
        { "0,1,\n", "case.csv:30002:3: expected a number, got \"\"" },
        { "0,1,2.5.1\r\n", "case.csv:30002:3: expected a number" },
    };
    mlp_table_options label_first = { .label = "1" };
    size_t n = 30000, cap = n * 16 + 200, used, i, k;
    char *text = malloc(cap);

    if (text == NULL)
        return;
    for (k = 0; k < sizeof cases / sizeof *cases; k++) {
        used = (size_t)snprintf(text, cap, "p,q,r\n");
        for (i = 0; i < n; i++)
            used += (size_t)snprintf(text + used, cap - used,
                                     "%zu.5,-%zu,%zu\n", i, i % 7, i % 2);
        snprintf(text + used, cap - used, "%s1,2,0\n", cases[k].row);
        expect_fail(text, NULL, MLP_STATUS_DATA, cases[k].message);
    }

    /* a feature in the last column: its bad value is no less an error */
    for (k = 0; k < sizeof last_cases / sizeof *last_cases; k++) {
        used = (size_t)snprintf(text, cap, "r,p,q\n");
        for (i = 0; i < n; i++)
            used += (size_t)snprintf(text + used, cap - used,
                                     "%zu,%zu.5,-%zu\n", i % 2, i, i % 7);
        snprintf(text + used, cap - used, "%s0,1,2\n", last_cases[k].row);
        expect_fail(text, &label_first, MLP_STATUS_DATA,
                    last_cases[k].message);
    }
    free(text);
}

/* Load path with opt on one thread and on two: the same status and
 * message, or the same table to the bit.  Returns 1 when they agree. */
static int same_on_two_threads(const char *path, mlp_table_options opt,
                               const char *what)
{
    mlp_table t[2];
    char msg[2][1200];
    mlp_status st[2];
    int same;

    for (int k = 0; k < 2; k++) {
        opt.threads = k + 1;
        st[k] = load(&t[k], path, &opt, msg[k], sizeof msg[k]);
    }
    same = st[0] == st[1] && strcmp(msg[0], msg[1]) == 0
           && t[0].n_rows == t[1].n_rows
           && t[0].n_features == t[1].n_features
           && t[0].n_classes == t[1].n_classes && t[0].task == t[1].task;
    if (same && st[0] == MLP_STATUS_OK) {
        same = memcmp(t[0].x, t[1].x, t[0].n_rows * t[0].n_features
                                      * sizeof *t[0].x) == 0
               && memcmp(t[0].y, t[1].y, t[0].n_rows * sizeof *t[0].y) == 0;
        for (size_t c = 0; same && c < t[0].n_classes; c++)
            same = strcmp(t[0].classes[c], t[1].classes[c]) == 0;
    }
    CHECKF(same, "%s: one thread: %d rows, \"%.200s\"; two: %d rows, "
           "\"%.200s\"", what, (int)t[0].n_rows, msg[0], (int)t[1].n_rows,
           msg[1]);
    mlp_table_free(&t[0]);
    mlp_table_free(&t[1]);
    return same;
}

/* The rows of test_two_threads(): "a,b,c", then n numeric rows, with
 * odd before row at (none when at >= n).  Returns the length. */
static size_t two_thread_text(char *text, size_t cap, size_t n, size_t at,
                              const char *odd)
{
    size_t used = (size_t)snprintf(text, cap, "a,b,c\n");

    for (size_t i = 0; i < n; i++) {
        if (i == at)
            used += (size_t)snprintf(text + used, cap - used, "%s", odd);
        used += (size_t)snprintf(text + used, cap - used,
                                 "%zu.25,-%zu,%zu\n", i, i % 9, i % 3);
    }
    return used;
}

/* With a second thread a large block is parsed in two shares at once.
 * Whatever stands wherever in the file, before the cut, across it or
 * after it, the table or the error must be the one a single thread gives:
 * bad numbers, short rows, quotes (one holding a line end), blank lines,
 * CRLF, text labels that turn numbers into class names, labels in the
 * middle. */
static void test_two_threads(void)
{
    static const char *const odd[] = {
        "1.5,oops,0\n", "1.5,2\n", "1.5,2,0,9\n", "1.5,2,\n",
        "\"1.5\",2,1\n", "1.5,\"2\nx\",1\n", "\n", "1.5,2,1\r\n",
        "1.5,2,cat\n", "1.5,2,\"dog\"\n", "1.5,2,1e99\n", "1.5,2,3\n",
        "1.5,nan,0\n", "1.5,2\r,0\n", "1,2,0.5\n",
    };
    size_t n = 40000, cap = n * 24 + 64, used, first, i, k, w, bad = 0;
    size_t where[11] = { 1, 5000, 0, 0, 0, 0, 0, 0, 0, 0, n - 1 };
    char *text = malloc(cap), what[64];
    mlp_table_options plain = { 0 }, middle = { .label = "2" };
    mlp_table_options regress = { .task = MLP_TASK_REGRESS };

    if (text == NULL) {
        CHECK(!"out of memory");
        return;
    }

    /* The loader reads the header and row 0 itself, then the whole rest
     * as one block, cut at the line end after its middle byte: the rows
     * about that byte, give or take the length of an odd row. */
    used = two_thread_text(text, cap, n, n, "");
    first = (size_t)(strchr(strchr(text, '\n') + 1, '\n') + 1 - text);
    for (i = 0, k = 0; k < first + (used - first) / 2; k++)
        i += text[k] == '\n';
    for (w = 2; w < 10; w++)
        where[w] = i + w - 6;

    for (k = 0; k < sizeof odd / sizeof *odd; k++)
        for (w = 0; w < sizeof where / sizeof *where; w++) {
            used = two_thread_text(text, cap, n, where[w], odd[k]);
            write_bytes("two.csv", text, used);
            snprintf(what, sizeof what, "case %zu at row %zu", k, where[w]);
            bad += !same_on_two_threads(temp_path("two.csv"), plain, what);
            bad += !same_on_two_threads(temp_path("two.csv"), middle, what);
            bad += !same_on_two_threads(temp_path("two.csv"), regress,
                                        what);
        }
    CHECKF(bad == 0, "%zu loads differ between one thread and two", bad);
    free(text);
}

/* gzip: one member, two, and every way one can be broken. */
static void test_gzip(void)
{
    const char *text = "a,b,c\n1,2,x\n3,4,y\n";
    unsigned char *one, *two, *both;
    size_t n1, n2;
    mlp_table t;
    char msg[1200];

    /* a single member, and two concatenated */
    one = read_all(write_gzip("one.csv.gz", text), &n1);
    two = read_all(write_gzip("two.gz", "5,6,x\n7,8,z\n"), &n2);
    CHECK(load(&t, temp_path("one.csv.gz"), NULL, msg, sizeof msg) == 0);
    CHECK(t.n_rows == 2 && t.n_features == 2 && t.n_classes == 2);
    mlp_table_free(&t);
    both = malloc(n1 + n2 + 8);
    if (one == NULL || two == NULL || both == NULL)
        return;
    memcpy(both, one, n1);
    memcpy(both + n1, two, n2);
    write_bytes("both.csv.gz", both, n1 + n2);
    CHECK(load(&t, temp_path("both.csv.gz"), NULL, msg, sizeof msg) == 0);
    CHECK(t.n_rows == 4 && t.n_classes == 3 && t.x[6] == 7.0f);
    CHECK(t.n_classes == 3 && strcmp(t.classes[2], "z") == 0);
    mlp_table_free(&t);

    /* truncated, a flipped byte, a bad CRC, a bad length, junk after */
    write_bytes("cut.csv.gz", one, n1 - 5);
    CHECK(load(&t, temp_path("cut.csv.gz"), NULL, msg, sizeof msg)
          == MLP_STATUS_DATA);
    CHECKF(strstr(msg, "cut.csv.gz: unexpected end of gzip data"), "%.400s",
           msg);
    memcpy(both, one, n1);
    both[12] ^= 0x55;
    write_bytes("flip.csv.gz", both, n1);
    CHECK(load(&t, temp_path("flip.csv.gz"), NULL, msg, sizeof msg)
          == MLP_STATUS_DATA);
    CHECKF(strstr(msg, "flip.csv.gz: ") && strstr(msg, "gzip"), "%.400s", msg);
    memcpy(both, one, n1);
    both[n1 - 7] ^= 1;
    write_bytes("crc.csv.gz", both, n1);
    CHECK(load(&t, temp_path("crc.csv.gz"), NULL, msg, sizeof msg)
          == MLP_STATUS_DATA);
    CHECKF(strstr(msg, "crc.csv.gz: gzip data fails its CRC-32 check"),
           "%.400s", msg);
    memcpy(both, one, n1);
    both[n1 - 2] ^= 1;
    write_bytes("len.csv.gz", both, n1);
    CHECK(load(&t, temp_path("len.csv.gz"), NULL, msg, sizeof msg)
          == MLP_STATUS_DATA);
    CHECKF(strstr(msg, "len.csv.gz: gzip data fails its length check"),
           "%.400s", msg);
    memcpy(both, one, n1);
    memcpy(both + n1, "junk\n", 5);
    write_bytes("junk.csv.gz", both, n1 + 5);
    CHECK(load(&t, temp_path("junk.csv.gz"), NULL, msg, sizeof msg)
          == MLP_STATUS_DATA);
    CHECKF(strstr(msg, "junk.csv.gz: junk after the end of the gzip data"),
           "%.400s", msg);
    both[n1] = 0x1f;
    write_bytes("junk1.csv.gz", both, n1 + 1);
    CHECK(load(&t, temp_path("junk1.csv.gz"), NULL, msg, sizeof msg)
          == MLP_STATUS_DATA);

    /* an empty member is empty input */
    write_gzip("empty.csv.gz", "");
    CHECK(load(&t, temp_path("empty.csv.gz"), NULL, msg, sizeof msg)
          == MLP_STATUS_DATA);
    CHECKF(strstr(msg, "no data rows") != NULL, "%.400s", msg);
    free(one);
    free(two);
    free(both);
}

/* Formats that are refused by name; files that cannot be read. */
static void test_refused(void)
{
    static const struct {
        const char *bytes;
        size_t len;
        const char *fragment;
    } cases[] = {
        { "\x28\xb5\x2f\xfd\x00\x58", 6, "looks like zstd-compressed data" },
        { "\xfd\x37\x7a\x58\x5a\x00\x00", 7, "looks like xz-compressed" },
        { "BZh91AY&SY\x01\x02", 12, "looks like bzip2-compressed" },
        { "PK\x03\x04\x14\x00", 6, "looks like a zip archive" },
        { "\xff\xfe" "a\0,\0b\0", 8, "looks like UTF-16 text" },
        { "\xfe\xff\0a\0,\0b", 8, "looks like UTF-16 text" },
    };
    mlp_table t;
    char msg[1200];
    size_t i;

    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        write_bytes("points.csv", cases[i].bytes, cases[i].len);
        CHECK(load(&t, temp_path("points.csv"), NULL, msg, sizeof msg)
              == MLP_STATUS_DATA);
        CHECKF(strncmp(msg, temp_path("points.csv"),
                       strlen(temp_path("points.csv"))) == 0
               && strstr(msg, cases[i].fragment) != NULL, "%.400s", msg);
    }

    /* text that merely starts like a magic is text */
    write_text("bz.csv", "BZh,x\n1,a\n2,b\n");
    CHECK(load(&t, temp_path("bz.csv"), NULL, msg, sizeof msg) == 0);
    CHECK(t.n_rows == 2 && strcmp(t.feature_names[0], "BZh") == 0);
    mlp_table_free(&t);
    write_text("p.csv", "P");
    CHECK(load(&t, temp_path("p.csv"), NULL, msg, sizeof msg)
          == MLP_STATUS_DATA);

    /* a missing file, and a folder */
    CHECK(load(&t, temp_path("missing.csv"), NULL, msg, sizeof msg)
          == MLP_STATUS_NOINPUT);
    CHECKF(strstr(msg, "missing.csv: cannot open: No such file"), "%.400s",
           msg);
    CHECK(load(&t, dir, NULL, msg, sizeof msg) == MLP_STATUS_NOINPUT);
    CHECKF(strstr(msg, "is a directory") != NULL, "%.400s", msg);
}

/* Seconds since an earlier time. */
static double since(const struct timeval *t0)
{
    struct timeval t1;

    gettimeofday(&t1, NULL);
    return (double)(t1.tv_sec - t0->tv_sec)
           + (double)(t1.tv_usec - t0->tv_usec) / 1e6;
}

/* gzip-compress text with a sync flush, so that all of it can be
 * inflated at once; *len gets the size.  end adds the trailer. */
static size_t deflate_chunk(z_stream *z, const char *text, unsigned char *out,
                            size_t cap, int end)
{
    z->next_in = (unsigned char *)text;
    z->avail_in = (uInt)strlen(text);
    z->next_out = out;
    z->avail_out = (uInt)cap;
    CHECK(deflate(z, end ? Z_FINISH : Z_SYNC_FLUSH) != Z_STREAM_ERROR);
    return cap - z->avail_out;
}

/* The child: the first chunk, then the second once the parent says it
 * has the first record, or after 5 s (which the parent then notices). */
static void stream_child(int out, int ack, int gz)
{
    unsigned char a[256], b[256];
    size_t na, nb;
    struct pollfd p = { ack, POLLIN, 0 };
    char c;
    z_stream z;

    if (gz) {
        memset(&z, 0, sizeof z);
        if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY))
            _exit(2);
        na = deflate_chunk(&z, "x,y\n1,2\n", a, sizeof a, 0);
        nb = deflate_chunk(&z, "3,4\n", b, sizeof b, 1);
        deflateEnd(&z);
    } else {
        na = (size_t)snprintf((char *)a, sizeof a, "x,y\n1,2\n");
        nb = (size_t)snprintf((char *)b, sizeof b, "3,4\n");
    }
    if (write(out, a, na) != (ssize_t)na)
        _exit(2);
    if (poll(&p, 1, 5000) == 1 && read(ack, &c, 1) != 1)
        _exit(2);
    if (write(out, b, nb) != (ssize_t)nb)
        _exit(2);
    _exit(0);
}

/* A record comes out as soon as its line end is in, from standard input
 * fed through a pipe in two chunks. */
static void test_streaming(int gz)
{
    int data[2], ack[2], saved = dup(STDIN_FILENO), status;
    pid_t pid;
    mlp_csv *r = NULL;
    mlp_error e;
    struct timeval t0;

    if (saved < 0 || pipe(data) != 0 || pipe(ack) != 0) {
        CHECK(!"pipes");
        return;
    }
    gettimeofday(&t0, NULL);
    pid = fork();
    if (pid == 0) {
        close(data[0]);
        close(ack[1]);
        stream_child(data[1], ack[0], gz);
    }
    close(data[1]);
    close(ack[0]);
    dup2(data[0], STDIN_FILENO);
    close(data[0]);

    /* two records before the second chunk exists; then the third */
    CHECK(mlp_csv_open(&r, NULL, NULL, &e) == MLP_STATUS_OK);
    if (r != NULL) {
        CHECK_STR(mlp_csv_name(r), "<stdin>");
        expect_record(r, "x|y", 1);
        CHECK(mlp_csv_pending(r) == 1);
        expect_record(r, "1|2", 2);
        CHECKF(since(&t0) < 4.0, "first records after %.1f s", since(&t0));
        CHECK(mlp_csv_pending(r) == 0);
        CHECK(write(ack[1], "k", 1) == 1);
        expect_record(r, "3|4", 3);
        expect_end(r);
    }
    close(ack[1]);
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status)
          && WEXITSTATUS(status) == 0);
    dup2(saved, STDIN_FILENO);
    close(saved);
}

/* Every bundled data file, loaded. */
static void test_data_files(void)
{
    static const struct {
        const char *file;
        size_t n_rows, n_features, n_classes;
        const char *first_class, *last_class, *label;
        float x0, y_last;
    } files[] = {
        { "points.csv", 300, 2, 2, "blue", "red", "label", 1.0294f, -1 },
        { "xor.csv", 4, 2, 2, "0", "1", "xor", 0.0f, 0.0f },
        { "circles.csv", 400, 2, 2, "inner", "outer", "ring", 0.5069f, -1 },
        { "spiral.csv", 300, 2, 3, "0", "2", "arm", 0.0f, 2.0f },
        { "sine.csv", 300, 1, 0, NULL, NULL, "y", -1.0558f, -0.4719f },
        { "iris.csv", 150, 4, 3, "setosa", "virginica", "species", 5.1f,
          2.0f },
    };
    const char *root = getenv("MLP_SOURCE_DIR");
    char path[1024], msg[1200] = "";
    mlp_table t;
    size_t i;

    for (i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(path, sizeof path, "%s/data/%s", root ? root : ".",
                 files[i].file);
        CHECKF(load(&t, path, NULL, msg, sizeof msg) == 0, "%.400s", msg);
        CHECKF(t.n_rows == files[i].n_rows
               && t.n_features == files[i].n_features
               && t.n_classes == files[i].n_classes, "%s", files[i].file);
        if (t.n_rows == 0)
            continue;
        CHECK_STR(t.label_name, files[i].label);
        CHECK(t.x[0] == files[i].x0);
        CHECK(files[i].y_last == -1 || t.y[t.n_rows - 1] == files[i].y_last);
        CHECK(t.task == (files[i].n_classes ? MLP_TASK_CLASSIFY
                                            : MLP_TASK_REGRESS));
        if (files[i].n_classes > 0) {
            CHECK_STR(t.classes[0], files[i].first_class);
            CHECK_STR(t.classes[t.n_classes - 1], files[i].last_class);
        }
        mlp_table_free(&t);
    }

    /* iris in detail: names, a middle row, the class order */
    snprintf(path, sizeof path, "%s/data/iris.csv", root ? root : ".");
    if (load(&t, path, NULL, msg, sizeof msg) != 0)
        return;
    CHECK_STR(t.feature_names[0], "sepal_length");
    CHECK_STR(t.feature_names[3], "petal_width");
    CHECK_STR(t.classes[1], "versicolor");
    CHECK(t.y[0] == 0.0f && t.y[50] == 1.0f && t.y[149] == 2.0f);
    CHECK(t.x[4 * 149 + 0] == 5.9f && t.x[4 * 149 + 3] == 1.8f);
    mlp_table_free(&t);
}

/* Header, label, ignored columns, names. */
static void test_columns(void)
{
    mlp_table_options o;
    mlp_table t;
    char msg[1200];
    const char *p;

    /* no header: numbers on the first line; names x1.. and y */
    p = write_text("nh.csv", "1,2,0\n3,4,1\n");
    CHECK(load(&t, p, NULL, msg, sizeof msg) == 0);
    CHECK(t.n_rows == 2 && t.n_features == 2);
    CHECK_STR(t.feature_names[1], "x2");
    CHECK_STR(t.label_name, "y");
    mlp_table_free(&t);

    /* text above text is not a header; text above a number is */
    p = write_text("lbl.csv", "1,a\n2,b\n3,a\n");
    CHECK(load(&t, p, NULL, msg, sizeof msg) == 0 && t.n_rows == 3);
    mlp_table_free(&t);
    memset(&o, 0, sizeof o);
    o.header = MLP_HEADER_YES;
    CHECK(load(&t, p, &o, msg, sizeof msg) == 0 && t.n_rows == 2);
    mlp_table_free(&t);
    p = write_text("forced.csv", "5,6,0\n1,2,0\n3,4,1\n");
    CHECK(load(&t, p, &o, msg, sizeof msg) == 0 && t.n_rows == 2);
    CHECK_STR(t.feature_names[0], "5");
    mlp_table_free(&t);
    o.header = MLP_HEADER_NO;
    p = write_text("hdr.csv", "u,v,w\n1,2,a\n3,4,b\n");
    CHECK(load(&t, p, &o, msg, sizeof msg) == MLP_STATUS_DATA);
    CHECKF(strstr(msg, "hdr.csv:1:1: expected a number, got \"u\""), "%.400s",
           msg);

    /* the label by name and by index, features in file order */
    memset(&o, 0, sizeof o);
    p = write_text("cols.csv", "id,k,a,b\n7,x,1,2\n8,y,3,4\n9,x,5,6\n");
    o.label = "k";
    o.ignore = "id";
    CHECK(load(&t, p, &o, msg, sizeof msg) == 0);
    CHECK(t.n_features == 2 && t.n_classes == 2);
    CHECK_STR(t.feature_names[0], "a");
    CHECK_STR(t.label_name, "k");
    CHECK(t.x[2] == 3.0f && t.x[5] == 6.0f && t.y[1] == 1.0f);
    mlp_table_free(&t);
    o.label = "2";
    o.ignore = "1,4";
    CHECK(load(&t, p, &o, msg, sizeof msg) == 0);
    CHECK(t.n_features == 1 && t.x[0] == 1.0f && t.x[2] == 5.0f);
    mlp_table_free(&t);

    /* column errors are usage errors */
    o.label = "nope";
    o.ignore = NULL;
    CHECK(load(&t, p, &o, msg, sizeof msg) == MLP_STATUS_USAGE);
    CHECKF(strstr(msg, "label column \"nope\" not found"), "%.400s", msg);
    o.label = "5";
    CHECK(load(&t, p, &o, msg, sizeof msg) == MLP_STATUS_USAGE);
    CHECKF(strstr(msg, "label column 5 is out of range") != NULL
           && strstr(msg, "has 4 columns") != NULL, "%.400s", msg);
    o.label = "0";
    CHECK(load(&t, p, &o, msg, sizeof msg) == MLP_STATUS_USAGE);
    o.label = NULL;
    o.ignore = "id,zz";
    CHECK(load(&t, p, &o, msg, sizeof msg) == MLP_STATUS_USAGE);
    CHECKF(strstr(msg, "ignored column \"zz\" not found"), "%.400s", msg);
    o.ignore = "1,,2";
    CHECK(load(&t, p, &o, msg, sizeof msg) == MLP_STATUS_USAGE);
    o.ignore = "b";
    CHECK(load(&t, p, &o, msg, sizeof msg) == MLP_STATUS_USAGE);
    CHECKF(strstr(msg, "label column \"b\" is also in the ignore list"),
           "%.400s", msg);
    o.ignore = "1,2,3";
    CHECK(load(&t, p, &o, msg, sizeof msg) == MLP_STATUS_USAGE);
    CHECKF(strstr(msg, "no feature columns"), "%.400s", msg);
    o.ignore = NULL;
    o.label = "a";
    p = write_text("nh2.csv", "1,2,0\n3,4,1\n");
    CHECK(load(&t, p, &o, msg, sizeof msg) == MLP_STATUS_USAGE);
    CHECKF(strstr(msg, "which has no header row"), "%.400s", msg);

    /* mlp_column_find */
    {
        char *names[] = { "a", "b", "12" };

        CHECK(mlp_column_find("b", names, 3) == 1);
        CHECK(mlp_column_find("3", names, 3) == 2);
        CHECK(mlp_column_find("12", names, 3) == -1);
        CHECK(mlp_column_find("1", NULL, 3) == 0);
        CHECK(mlp_column_find("a", NULL, 3) == -1);
        CHECK(mlp_column_find("", names, 3) == -1);
        CHECK(mlp_column_find("99999999999999999999999", names, 3) == -1);
    }
}

/* Classification or regression, and the order of the classes. */
static void test_tasks(void)
{
    mlp_table_options o;
    mlp_table t;
    char msg[1200], text[4096];
    size_t used = 0, i;
    const char *p;

    /* integers, few distinct: classes in numeric order, "1.0" is 1 */
    p = write_text("num.csv", "a,y\n1,10\n2,9\n3,2\n4,9.0\n5,1e1\n");
    CHECK(load(&t, p, NULL, msg, sizeof msg) == 0);
    CHECK(t.task == MLP_TASK_CLASSIFY && t.n_classes == 3);
    CHECK_STR(t.classes[0], "2");
    CHECK_STR(t.classes[1], "9");
    CHECK_STR(t.classes[2], "10");
    CHECK(t.y[0] == 2.0f && t.y[1] == 1.0f && t.y[2] == 0.0f
          && t.y[3] == 1.0f && t.y[4] == 2.0f);
    mlp_table_free(&t);

    /* with text among them: bytewise */
    p = write_text("mix.csv", "a,y\n1,10\n2,9\n3,b\n4,B\n5,10\n");
    CHECK(load(&t, p, NULL, msg, sizeof msg) == 0);
    CHECK(t.n_classes == 4);
    CHECK_STR(t.classes[0], "10");
    CHECK_STR(t.classes[1], "9");
    CHECK_STR(t.classes[2], "B");
    CHECK_STR(t.classes[3], "b");
    CHECK(t.y[0] == 0.0f && t.y[3] == 2.0f && t.y[4] == 0.0f);
    mlp_table_free(&t);

    /* 21 distinct integers, or fractions: regression */
    used = (size_t)snprintf(text, sizeof text, "a,y\n");
    for (i = 0; i < 21; i++)
        used += (size_t)snprintf(text + used, sizeof text - used,
                                 "%zu,%zu\n", i, i);
    p = write_text("reg.csv", text);
    CHECK(load(&t, p, NULL, msg, sizeof msg) == 0);
    CHECK(t.task == MLP_TASK_REGRESS && t.n_classes == 0 && t.y[20] == 20);
    mlp_table_free(&t);
    memset(&o, 0, sizeof o);
    o.task = MLP_TASK_CLASSIFY;
    CHECK(load(&t, p, &o, msg, sizeof msg) == 0);
    CHECK(t.n_classes == 21 && strcmp(t.classes[20], "20") == 0);
    CHECK(t.y[13] == 13.0f);
    mlp_table_free(&t);

    /* many numbers, then text: every number becomes a class */
    used = (size_t)snprintf(text, sizeof text, "a,y\n");
    for (i = 0; i < 30; i++)
        used += (size_t)snprintf(text + used, sizeof text - used,
                                 "%zu,%zu.5\n", i, i);
    snprintf(text + used, sizeof text - used, "99,other\n");
    p = write_text("late.csv", text);
    CHECK(load(&t, p, NULL, msg, sizeof msg) == 0);
    CHECK(t.n_classes == 31 && t.task == MLP_TASK_CLASSIFY);
    CHECK_STR(t.classes[30], "other");
    CHECK(strcmp(t.classes[0], "0.5") == 0 && t.y[0] == 0.0f);
    CHECK(t.y[30] == 30.0f);
    mlp_table_free(&t);

    p = write_text("frac.csv", "a,y\n1,0.5\n2,1\n");
    CHECK(load(&t, p, NULL, msg, sizeof msg) == 0);
    CHECK(t.task == MLP_TASK_REGRESS && t.y[0] == 0.5f);
    mlp_table_free(&t);
    o.task = MLP_TASK_REGRESS;
    p = write_text("int.csv", "a,y\n1,0\n2,1\n");
    CHECK(load(&t, p, &o, msg, sizeof msg) == 0);
    CHECK(t.task == MLP_TASK_REGRESS && t.y[1] == 1.0f);
    mlp_table_free(&t);

    /* regression on text, and a single class */
    expect_fail("a,y\n1,2.5\n2,red\n", &o, MLP_STATUS_DATA,
                "case.csv:3:2: expected a number as the regression target, "
                "got \"red\"");
    expect_fail("a,y\n1,red\n2,red\n", NULL, MLP_STATUS_DATA,
                "only one class (\"red\")");
    o.task = MLP_TASK_CLASSIFY;
    expect_fail("a,y\n1,0.5\n2,0.5\n", &o, MLP_STATUS_DATA,
                "only one class (\"0.5\")");
}

/* Every malformed table, with its message and status. */
static void test_table_errors(void)
{
    expect_fail("", NULL, MLP_STATUS_DATA, "case.csv: no data rows");
    expect_fail("\n\n\r\n", NULL, MLP_STATUS_DATA, "no data rows");
    expect_fail("a,b,c\n", NULL, MLP_STATUS_DATA,
                "no data rows (only a header)");
    expect_fail("a,b,c\n\n", NULL, MLP_STATUS_DATA, "only a header");
    expect_fail("a,b,c\n1,2,3\n4,5\n", NULL, MLP_STATUS_DATA,
                "case.csv:3: line 3 has 2 fields, expected 3");
    expect_fail("a,b,c\n1,2,3\n4,5,6,\n", NULL, MLP_STATUS_DATA,
                "line 3 has 4 fields, expected 3 (a trailing delimiter?)");
    expect_fail("a;b;c\n1;2;3\n4,5;6,5\n", NULL, MLP_STATUS_DATA,
                "line 3 has 2 fields, expected 3 (wrong delimiter? "
                "detected ';')");
    expect_fail("a,b,c\n1,abc,3\n", NULL, MLP_STATUS_DATA,
                "case.csv:2:2: expected a number, got \"abc\"");
    expect_fail("a,b,c\n1,,3\n", NULL, MLP_STATUS_DATA,
                "case.csv:2:2: expected a number, got \"\"");
    expect_fail("a,b,c\n1,2,3\nnan,2,3\n", NULL, MLP_STATUS_DATA,
                "case.csv:3:1: expected a number, got \"nan\"");
    expect_fail("a,b,c\n1,-inf,3\n", NULL, MLP_STATUS_DATA,
                "case.csv:2:2: expected a number, got \"-inf\"");
    expect_fail("a,b,c\n1,1e39,3\n", NULL, MLP_STATUS_DATA,
                "case.csv:2:2: expected a number, got \"1e39\" (beyond");
    expect_fail("a,b,c\n1, 2,3\n", NULL, MLP_STATUS_DATA,
                "case.csv:2:2: expected a number, got \" 2\"");
    expect_fail("a,b,c\n1,2,\n", NULL, MLP_STATUS_DATA,
                "case.csv:2:3: the label is empty");
    expect_fail("x,y,x\n1,2,3\n", NULL, MLP_STATUS_DATA,
                "columns 1 and 3 have the same name \"x\"");
    expect_fail("a,b\xff,c\n1,2,3\n", NULL, MLP_STATUS_DATA,
                "case.csv:1:2: column name is not valid UTF-8: \"b\\xff\"");
    expect_fail("a,b,c\n1,2,ok\n1,2,\xc0\xaf\n", NULL, MLP_STATUS_DATA,
                "case.csv:3:3: the label is not valid UTF-8");
    expect_fail("a|b|c\n1|2|3\n", NULL, MLP_STATUS_DATA,
                "only one column, so no features");
    expect_fail("a,b\n1,\"2\n", NULL, MLP_STATUS_DATA,
                "case.csv:2: a quoted field opened on this line is never "
                "closed");
    {
        mlp_table t;
        char msg[1200];
        const char *p = write_bytes("nul.csv", "a,b\n1,2\0\n", 9);

        CHECK(load(&t, p, NULL, msg, sizeof msg) == MLP_STATUS_DATA);
        CHECKF(strstr(msg, "nul.csv:2:2: a NUL byte") != NULL, "%.400s",
               msg);
    }
}

/* Odd but valid tables. */
static void test_table_variants(void)
{
    mlp_table t;
    char msg[1200];
    const char *p;

    /* CRLF, a BOM, quoted numbers, blank lines, no final newline */
    p = write_text("v.csv", "\xef\xbb\xbf\"f 1\",f2,\"y\"\r\n\r\n"
                            "\"1.5\",-0,a\r\n2,3e2,\"b\"");
    CHECK(load(&t, p, NULL, msg, sizeof msg) == 0);
    CHECK(t.n_rows == 2 && t.n_features == 2);
    CHECK_STR(t.feature_names[0], "f 1");
    CHECK(t.x[0] == 1.5f && t.x[1] == 0.0f && t.x[3] == 300.0f);
    mlp_table_free(&t);

    /* blanks as the delimiter, UTF-8 names and labels */
    p = write_text("w.csv", " l\xc3\xa4nge  breite  art \n"
                            " 1 2 \xc3\xa9t\xc3\xa9\n3 4 hiver\n");
    CHECK(load(&t, p, NULL, msg, sizeof msg) == 0);
    CHECK(t.n_rows == 2 && t.n_classes == 2);
    CHECK_STR(t.feature_names[0], "l\xc3\xa4nge");
    CHECK_STR(t.classes[1], "\xc3\xa9t\xc3\xa9");
    mlp_table_free(&t);

    /* a given delimiter */
    {
        mlp_table_options o;

        memset(&o, 0, sizeof o);
        o.csv.delimiter = ';';
        o.header = MLP_HEADER_YES;
        p = write_text("semi.csv", "a;b\n1,5;x\n2;y\n");
        CHECK(load(&t, p, &o, msg, sizeof msg) == MLP_STATUS_DATA);
        CHECKF(strstr(msg, "semi.csv:2:1: expected a number, got \"1,5\""),
               "%.400s", msg);
    }
}

/* Remove the temporary folder and what is in it. */
static void clean_up(void)
{
    static const char *const names[] = {
        "case.csv", "reader.csv", "many.csv", "one.csv.gz", "two.gz",
        "both.csv.gz", "cut.csv.gz", "flip.csv.gz", "crc.csv.gz",
        "len.csv.gz", "junk.csv.gz", "junk1.csv.gz", "empty.csv.gz",
        "points.csv", "bz.csv", "p.csv", "nh.csv", "lbl.csv", "forced.csv",
        "hdr.csv", "cols.csv", "nh2.csv", "num.csv", "mix.csv", "reg.csv",
        "late.csv", "frac.csv", "int.csv", "v.csv", "w.csv", "semi.csv",
        "nul.csv", "bulk.csv", "bulk.csv.gz", "two.csv",
    };
    size_t i;

    for (i = 0; i < sizeof names / sizeof *names; i++)
        unlink(temp_path(names[i]));
    CHECKF(rmdir(dir) == 0, "rmdir %s: %s", dir, strerror(errno));
}

int main(void)
{
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    test_reader();
    test_delimiters();
    test_reader_errors();
    test_long_records();
    test_many_rows();
    test_marks();
    test_mixed_records();
    test_late_errors();
    test_bulk_table();
    test_bulk_errors();
    test_two_threads();
    test_gzip();
    test_refused();
    test_streaming(0);
    test_streaming(1);
    test_data_files();
    test_columns();
    test_tasks();
    test_table_errors();
    test_table_variants();
    clean_up();
    return check_done("test_csv");
}
