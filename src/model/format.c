/* format.c -- a model to bytes and back: the writer, and a reader that
 * trusts nothing it reads.
 *
 * Version 1 body, after the 24-byte header of format.h.  Integers are
 * little-endian, floats IEEE-754 binary32 stored as the little-endian
 * integer of their bits, a string is a u32 byte count then UTF-8 bytes:
 *
 *     u32 task            1 classification, 2 regression
 *     u32 activation      hidden layers: 0 sigmoid, 1 tanh, 2 relu
 *     u32 output          0 sigmoid, 1 softmax, 2 linear
 *     u32 n_layers        L, 1 .. MLP_MAX_LAYERS
 *     u32 width[L + 1]    inputs, hidden widths, outputs
 *     u32 n_features      equal to width[0]
 *     str feature name    n_features times
 *     str label name
 *     u32 n_classes       0 for regression
 *     str class label     n_classes times
 *     f32 mean, scale     n_features each, all of mean then all of scale
 *     f32 y_mean, y_scale
 *     u64 epochs, seed
 *     f32 loss
 *     str version         of the tool that wrote the file
 *     u64 n_params        what the widths imply
 *     f32 params          n_params, in mlp_net's order
 *
 * The reader checks the envelope (magic, length, checksum, version)
 * before it looks at a field, then bounds each count by the format's
 * limits and by the bytes that remain before it allocates anything.
 */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "mlp/model.h"
#include "model/format.h"

_Static_assert(sizeof(float) == 4 && FLT_MANT_DIG == 24 &&
               FLT_MAX_EXP == 128, "the format stores IEEE-754 binary32");

#define VERSION_MAX ((size_t)sizeof(((mlp_model *)0)->version) - 1)

/* File codes of the enums: fixed by the format, not by the C headers. */
static const int task_of_code[] = {
    -1, MLP_TASK_CLASSIFY, MLP_TASK_REGRESS
};
static const int act_of_code[] = {
    MLP_ACT_SIGMOID, MLP_ACT_TANH, MLP_ACT_RELU
};
static const int output_of_code[] = {
    MLP_OUTPUT_SIGMOID, MLP_OUTPUT_SOFTMAX, MLP_OUTPUT_LINEAR
};
#define N_CODES(a) (sizeof(a) / sizeof((a)[0]))

uint32_t mlp_model_get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

uint64_t mlp_model_get_u64(const unsigned char *p)
{
    return (uint64_t)mlp_model_get_u32(p) |
           (uint64_t)mlp_model_get_u32(p + 4) << 32;
}

void mlp_model_put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

void mlp_model_put_u64(unsigned char *p, uint64_t v)
{
    mlp_model_put_u32(p, (uint32_t)v);
    mlp_model_put_u32(p + 4, (uint32_t)(v >> 32));
}

uint32_t mlp_model_checksum(const unsigned char *p, size_t n)
{
    uLong crc = crc32(0L, Z_NULL, 0);

    /* zlib takes a uInt length: feed large buffers in pieces */
    while (n > 0) {
        uInt piece = n > (1u << 30) ? (1u << 30) : (uInt)n;

        crc = crc32(crc, p, piece);
        p += piece;
        n -= piece;
    }
    return (uint32_t)crc;
}

/* Returns the code of v in table (n entries), or -1. */
static long code_of(const int *table, size_t n, int v)
{
    for (size_t i = 0; i < n; i++)
        if (table[i] == v)
            return (long)i;
    return -1;
}

/* *acc += v; returns -1 on overflow. */
static int size_add(size_t *acc, size_t v)
{
    if (v > SIZE_MAX - *acc)
        return -1;
    *acc += v;
    return 0;
}

/* *out = a * b; returns -1 on overflow. */
static int size_mul(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a)
        return -1;
    *out = a * b;
    return 0;
}

/* Parameters of layers of the given widths: sum of I*O + O.  Returns -1
 * when the count does not fit a size_t. */
static int count_params(const size_t *width, size_t n_layers, size_t *out)
{
    size_t n = 0, w;

    for (size_t l = 0; l < n_layers; l++) {
        if (size_mul(width[l], width[l + 1], &w) != 0 ||
            size_add(&n, w) != 0 || size_add(&n, width[l + 1]) != 0)
            return -1;
    }
    *out = n;
    return 0;
}

/* Returns 1 when s[0..n) is well-formed UTF-8 without NUL: no overlong
 * forms, no surrogates, nothing above U+10FFFF. */
static int utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned c = s[i], len, lo = 0x80, hi = 0xbf;

        /* the lead byte gives the length and the range of the next byte */
        if (c == 0)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            len = 2;
        else if (c >= 0xe0 && c <= 0xef)
            len = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
        else if (c >= 0xf0 && c <= 0xf4)
            len = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
        else
            return 0;
        if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
            return 0;

        /* the rest are continuation bytes */
        for (unsigned k = 2; k < len; k++)
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
        i += len;
    }
    return 1;
}

/* Write a printf-style reason into why[n]; returns -1. */
static int reason(char *why, size_t n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int reason(char *why, size_t n, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
    return -1;
}

/* Check the enums, counts and widths of m against each other and the
 * format's limits.  Returns 0, or -1 with the reason in why[n]. */
static int shape_problem(const mlp_model *m, char *why, size_t n)
{
    const mlp_net *net = &m->net;
    size_t n_out;

    /* enums and layer widths */
    if (code_of(task_of_code, N_CODES(task_of_code), (int)m->task) < 0)
        return reason(why, n, "unknown task %d", (int)m->task);
    if (code_of(act_of_code, N_CODES(act_of_code), (int)net->act) < 0)
        return reason(why, n, "unknown activation %d", (int)net->act);
    if (code_of(output_of_code, N_CODES(output_of_code),
                (int)net->output) < 0)
        return reason(why, n, "unknown output %d", (int)net->output);
    if (net->n_layers < 1 || net->n_layers > MLP_MAX_LAYERS)
        return reason(why, n, "%zu layers; 1 to %d allowed", net->n_layers,
                      MLP_MAX_LAYERS);
    for (size_t l = 0; l <= net->n_layers; l++)
        if (net->width[l] < 1 || net->width[l] > MLP_MAX_WIDTH)
            return reason(why, n, "width %zu of layer %zu; 1 to %d allowed",
                          net->width[l], l, MLP_MAX_WIDTH);
    if (m->n_features != net->width[0])
        return reason(why, n, "%zu features for %zu inputs", m->n_features,
                      net->width[0]);

    /* the output layer must fit the task and the classes */
    n_out = net->width[net->n_layers];
    if (m->task == MLP_TASK_REGRESS) {
        if (net->output != MLP_OUTPUT_LINEAR || n_out != 1 ||
            m->n_classes != 0)
            return reason(why, n, "regression needs one linear output and "
                          "no classes");
        return 0;
    }
    if (m->n_classes < 2 || m->n_classes > MLP_MODEL_MAX_CLASSES)
        return reason(why, n, "%zu classes; 2 to %d allowed", m->n_classes,
                      MLP_MODEL_MAX_CLASSES);
    if (net->output == MLP_OUTPUT_SIGMOID &&
        (n_out != 1 || m->n_classes != 2))
        return reason(why, n, "a sigmoid output needs one unit and 2 "
                      "classes, not %zu and %zu", n_out, m->n_classes);
    if (net->output == MLP_OUTPUT_SOFTMAX && n_out != m->n_classes)
        return reason(why, n, "%zu softmax outputs for %zu classes", n_out,
                      m->n_classes);
    if (net->output == MLP_OUTPUT_LINEAR)
        return reason(why, n, "classification with a linear output");
    return 0;
}

/* Returns the index of the first non-finite value in v[0..n), or n. */
static size_t first_nonfinite(const float *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return i;
    return n;
}

/* Check the standardisation: finite means, finite positive scales, and
 * a positive label scale for regression.  Returns 0, or -1 with why. */
static int value_problem(const mlp_model *m, char *why, size_t n)
{
    for (size_t j = 0; j < m->n_features; j++)
        if (!isfinite(m->mean[j]) || !isfinite(m->scale[j]) ||
            !(m->scale[j] > 0.0f))
            return reason(why, n, "feature %zu has mean %g and scale %g",
                          j + 1, (double)m->mean[j], (double)m->scale[j]);
    if (!isfinite(m->y_mean) || !isfinite(m->y_scale) ||
        (m->task == MLP_TASK_REGRESS && !(m->y_scale > 0.0f)))
        return reason(why, n, "label has mean %g and scale %g",
                      (double)m->y_mean, (double)m->y_scale);
    return 0;
}

/* Check one string for the writer; returns its length in *len. */
static mlp_status check_string(const char *s, size_t limit, const char *what,
                               size_t index, size_t *len, mlp_error *err)
{
    char num[32] = "";

    if (index > 0)
        snprintf(num, sizeof num, " %zu", index);
    if (s == NULL)
        return mlp_error_set(err, MLP_STATUS_SOFTWARE, "model has no %s%s",
                             what, num);
    *len = strlen(s);
    if (*len > limit)
        return mlp_error_set(err, MLP_STATUS_DATA, "%s%s is %zu bytes long; "
                             "a model allows %zu", what, num, *len, limit);
    if (!utf8_ok((const unsigned char *)s, *len))
        return mlp_error_set(err, MLP_STATUS_DATA,
                             "%s%s is not valid UTF-8", what, num);
    return MLP_STATUS_OK;
}

/* Check the strings of m for writing; add their encoded sizes, 4-byte
 * counts included, to *n. */
static mlp_status measure_strings(const mlp_model *m, size_t *n,
                                  mlp_error *err)
{
    size_t len;
    mlp_status st;

    /* names, then class labels: each at most MLP_MODEL_MAX_STRING */
    for (size_t j = 0; j < m->n_features; j++) {
        st = check_string(m->feature_names[j], MLP_MODEL_MAX_STRING,
                          "feature name", j + 1, &len, err);
        if (st != MLP_STATUS_OK)
            return st;
        *n += 4 + len;
    }
    st = check_string(m->label_name, MLP_MODEL_MAX_STRING, "label name", 0,
                      &len, err);
    if (st != MLP_STATUS_OK)
        return st;
    *n += 4 + len;
    for (size_t k = 0; k < m->n_classes; k++) {
        st = check_string(m->classes[k], MLP_MODEL_MAX_STRING, "class label",
                          k + 1, &len, err);
        if (st != MLP_STATUS_OK)
            return st;
        *n += 4 + len;
    }

    /* the version, which must fit mlp_model's array */
    if (memchr(m->version, '\0', sizeof m->version) == NULL)
        return mlp_error_set(err, MLP_STATUS_SOFTWARE,
                             "inconsistent model (version not terminated)");
    st = check_string(m->version, VERSION_MAX, "version", 0, &len, err);
    *n += 4 + len;
    return st;
}

/* Validate m for writing and count the bytes of its encoding into *size.
 * A model the reader would refuse is refused here, so that no file is
 * written that cannot be read back. */
static mlp_status measure(const mlp_model *m, size_t *size, mlp_error *err)
{
    char why[160];
    size_t n = MLP_MODEL_MIN_LEN, bytes, params, fixed;
    mlp_status st;

    /* the shape and the arrays: the caller's bugs */
    if (shape_problem(m, why, sizeof why) != 0)
        return mlp_error_set(err, MLP_STATUS_SOFTWARE,
                             "inconsistent model (%s)", why);
    if (count_params(m->net.width, m->net.n_layers, &params) != 0 ||
        params != m->net.n_params || m->net.params == NULL ||
        m->mean == NULL || m->scale == NULL ||
        m->feature_names == NULL || (m->n_classes > 0 && m->classes == NULL))
        return mlp_error_set(err, MLP_STATUS_SOFTWARE, "inconsistent model "
                             "(missing arrays or parameter count)");

    /* the values: what training on the data produced */
    if (first_nonfinite(m->net.params, params) < params)
        return mlp_error_set(err, MLP_STATUS_DATA,
                             "model has non-finite parameters; not written");
    if (value_problem(m, why, sizeof why) != 0)
        return mlp_error_set(err, MLP_STATUS_DATA, "%s; not written", why);
    if ((st = measure_strings(m, &n, err)) != MLP_STATUS_OK)
        return st;

    /* fixed fields: 6 u32, widths, means and scales, 2 f32, 3 u64, 1 f32 */
    fixed = 6 * 4 + (m->net.n_layers + 1) * 4 + 2 * 4 * m->n_features +
            2 * 4 + 3 * 8 + 4;
    if (size_add(&n, fixed) != 0 || size_mul(params, 4, &bytes) != 0 ||
        size_add(&n, bytes) != 0)
        return mlp_error_set(err, MLP_STATUS_NOMEM,
                             "model too large to encode (%zu parameters)",
                             params);
    *size = n;
    return MLP_STATUS_OK;
}

/* A cursor over the output buffer, sized exactly by measure(). */
typedef struct writer {
    unsigned char *p;
    size_t at;
} writer;

static void put_u32(writer *w, uint32_t v)
{
    mlp_model_put_u32(w->p + w->at, v);
    w->at += 4;
}

static void put_u64(writer *w, uint64_t v)
{
    mlp_model_put_u64(w->p + w->at, v);
    w->at += 8;
}

static void put_f32s(writer *w, const float *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t bits;

        memcpy(&bits, &v[i], 4);
        put_u32(w, bits);
    }
}

static void put_str(writer *w, const char *s)
{
    size_t len = strlen(s);

    put_u32(w, (uint32_t)len);
    memcpy(w->p + w->at, s, len);
    w->at += len;
}

/* Write the body of a validated model. */
static void put_body(writer *w, const mlp_model *m)
{
    const mlp_net *net = &m->net;

    /* shape */
    put_u32(w, (uint32_t)code_of(task_of_code,
                                 N_CODES(task_of_code), (int)m->task));
    put_u32(w, (uint32_t)code_of(act_of_code,
                                 N_CODES(act_of_code), (int)net->act));
    put_u32(w, (uint32_t)code_of(output_of_code,
                                 N_CODES(output_of_code), (int)net->output));
    put_u32(w, (uint32_t)net->n_layers);
    for (size_t l = 0; l <= net->n_layers; l++)
        put_u32(w, (uint32_t)net->width[l]);

    /* names and classes */
    put_u32(w, (uint32_t)m->n_features);
    for (size_t j = 0; j < m->n_features; j++)
        put_str(w, m->feature_names[j]);
    put_str(w, m->label_name);
    put_u32(w, (uint32_t)m->n_classes);
    for (size_t k = 0; k < m->n_classes; k++)
        put_str(w, m->classes[k]);

    /* standardisation, training record, parameters */
    put_f32s(w, m->mean, m->n_features);
    put_f32s(w, m->scale, m->n_features);
    put_f32s(w, &m->y_mean, 1);
    put_f32s(w, &m->y_scale, 1);
    put_u64(w, m->epochs);
    put_u64(w, m->seed);
    put_f32s(w, &m->loss, 1);
    put_str(w, m->version);
    put_u64(w, net->n_params);
    put_f32s(w, net->params, net->n_params);
}

mlp_status mlp_model_encode(const mlp_model *m, unsigned char **buf,
                            size_t *len, mlp_error *err)
{
    writer w = { NULL, 0 };
    size_t size = 0;
    mlp_status st;

    /* validate and size */
    *buf = NULL;
    *len = 0;
    if ((st = measure(m, &size, err)) != MLP_STATUS_OK)
        return st;
    w.p = malloc(size);
    if (w.p == NULL)
        return mlp_error_set(err, MLP_STATUS_NOMEM, "out of memory encoding "
                             "the model (%zu bytes)", size);

    /* header, body, checksum */
    memcpy(w.p, MLP_MODEL_MAGIC, MLP_MODEL_MAGIC_LEN);
    w.at = MLP_MODEL_MAGIC_LEN;
    put_u32(&w, MLP_MODEL_FORMAT);
    put_u32(&w, MLP_MODEL_HEADER_LEN);
    put_u64(&w, (uint64_t)size);
    put_body(&w, m);
    put_u32(&w, mlp_model_checksum(w.p, w.at));
    if (w.at != size) {
        free(w.p);
        return mlp_error_set(err, MLP_STATUS_SOFTWARE, "model encoding "
                             "wrote %zu bytes, expected %zu", w.at, size);
    }
    *buf = w.p;
    *len = size;
    return MLP_STATUS_OK;
}

/* Returns 1 when the first n bytes of buf equal those of the magic read
 * forwards (or, with reversed, backwards). */
static int magic_match(const unsigned char *buf, size_t n, int reversed)
{
    const unsigned char *magic = (const unsigned char *)MLP_MODEL_MAGIC;

    for (size_t i = 0; i < n; i++) {
        size_t k = reversed ? MLP_MODEL_MAGIC_LEN - 1 - i : i;

        if (buf[i] != magic[k])
            return 0;
    }
    return 1;
}

/* Returns the 4 or 8 bytes at p read big-endian. */
static uint64_t get_be(const unsigned char *p, size_t n)
{
    uint64_t v = 0;

    for (size_t i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* Check the magic and that a header and checksum are there: a file
 * that is not a model, or is cut short before its body. */
static mlp_status check_magic(const unsigned char *buf, size_t len,
                              mlp_error *err)
{
    size_t n_magic = len < MLP_MODEL_MAGIC_LEN ? len : MLP_MODEL_MAGIC_LEN;

    if (len == 0)
        return mlp_error_set(err, MLP_STATUS_DATA,
                             "not an mlptrain model (empty file)");
    if (!magic_match(buf, n_magic, 0)) {
        if (len >= MLP_MODEL_HEADER_LEN && magic_match(buf, n_magic, 1) &&
            get_be(buf + MLP_MODEL_AT_LENGTH, 8) == len)
            return mlp_error_set(err, MLP_STATUS_DATA, "not an mlptrain "
                                 "model in this byte order (byte-swapped "
                                 "magic: written big-endian by mistake?)");
        return mlp_error_set(err, MLP_STATUS_DATA,
                             "not an mlptrain model (bad magic)");
    }
    if (len < MLP_MODEL_MIN_LEN)
        return mlp_error_set(err, MLP_STATUS_DATA, "truncated (%zu bytes, "
                             "expected at least %d)", len,
                             MLP_MODEL_MIN_LEN);
    return MLP_STATUS_OK;
}

/* Check what every version shares: magic, checksum, version; then this
 * version's header.  The checksum comes before any field is trusted, so
 * that damage anywhere reads as damage; a newer file keeps its checksum
 * in the same place, so that it reads as newer, not as damaged. */
static mlp_status check_envelope(const unsigned char *buf, size_t len,
                                 mlp_error *err)
{
    uint64_t declared;
    uint32_t version, header_len;
    mlp_status st;

    /* magic, then the checksum over the bytes as they are */
    if ((st = check_magic(buf, len, err)) != MLP_STATUS_OK)
        return st;
    declared = mlp_model_get_u64(buf + MLP_MODEL_AT_LENGTH);
    if (mlp_model_checksum(buf, len - 4) != mlp_model_get_u32(buf + len - 4)) {
        if (get_be(buf + MLP_MODEL_AT_VERSION, 4) == MLP_MODEL_FORMAT &&
            get_be(buf + MLP_MODEL_AT_LENGTH, 8) == len)
            return mlp_error_set(err, MLP_STATUS_DATA, "not an mlptrain "
                                 "model in this byte order (big-endian "
                                 "fields: written big-endian by mistake?)");
        if (declared > len)
            return mlp_error_set(err, MLP_STATUS_DATA, "truncated (%zu bytes,"
                                 " expected %llu)", len,
                                 (unsigned long long)declared);
        return mlp_error_set(err, MLP_STATUS_DATA,
                             "corrupted (checksum mismatch)");
    }

    /* the version this reader knows, and its header */
    version = mlp_model_get_u32(buf + MLP_MODEL_AT_VERSION);
    header_len = mlp_model_get_u32(buf + MLP_MODEL_AT_HEADER_LEN);
    if (version > MLP_MODEL_FORMAT)
        return mlp_error_set(err, MLP_STATUS_DATA, "written by a newer "
                             "version of mlptrain (format %lu; this one "
                             "reads up to %d)", (unsigned long)version,
                             MLP_MODEL_FORMAT);
    if (version == 0)
        return mlp_error_set(err, MLP_STATUS_DATA,
                             "corrupted (format version 0)");
    if (header_len != MLP_MODEL_HEADER_LEN || declared != len)
        return mlp_error_set(err, MLP_STATUS_DATA, "corrupted (header "
                             "length %lu, file length %llu for %zu bytes)",
                             (unsigned long)header_len,
                             (unsigned long long)declared, len);
    return MLP_STATUS_OK;
}

/* A cursor over the body.  A read past the end yields zeros and records
 * what was being read; callers test `fail` before using the values. */
typedef struct reader {
    const unsigned char *p;
    size_t end, at;
    const char *fail;
} reader;

/* Returns 1 when n more bytes are there; else records what. */
static int has(reader *r, size_t n, const char *what)
{
    if (r->fail != NULL)
        return 0;
    if (n > r->end - r->at) {
        r->fail = what;
        return 0;
    }
    return 1;
}

static uint32_t get_u32(reader *r, const char *what)
{
    uint32_t v;

    if (!has(r, 4, what))
        return 0;
    v = mlp_model_get_u32(r->p + r->at);
    r->at += 4;
    return v;
}

static uint64_t get_u64(reader *r, const char *what)
{
    uint64_t v;

    if (!has(r, 8, what))
        return 0;
    v = mlp_model_get_u64(r->p + r->at);
    r->at += 8;
    return v;
}

/* Read n floats into v (n * 4 known not to overflow). */
static void get_f32s(reader *r, float *v, size_t n, const char *what)
{
    if (!has(r, n * 4, what))
        return;
    for (size_t i = 0; i < n; i++) {
        uint32_t bits = mlp_model_get_u32(r->p + r->at + 4 * i);

        memcpy(&v[i], &bits, 4);
    }
    r->at += n * 4;
}

/* The error for a count that points past the end of the body. */
static mlp_status past_end(const reader *r, mlp_error *err)
{
    return mlp_error_set(err, MLP_STATUS_DATA, "corrupted (%s runs past "
                         "the end of the data)", r->fail);
}

/* Read a string of at most limit bytes into a new NUL-terminated *out. */
static mlp_status get_str(reader *r, size_t limit, const char *what,
                          size_t index, char **out, mlp_error *err)
{
    char name[48];
    uint32_t len;

    /* name the string in messages: "feature name 3" */
    if (index > 0)
        snprintf(name, sizeof name, "%s %zu", what, index);
    else
        snprintf(name, sizeof name, "%s", what);

    /* bounded, present, valid UTF-8; then copied */
    len = get_u32(r, name);
    if (r->fail != NULL)
        return past_end(r, err);
    if (len > limit)
        return mlp_error_set(err, MLP_STATUS_DATA, "corrupted (%s is %lu "
                             "bytes; at most %zu allowed)", name,
                             (unsigned long)len, limit);
    if (!has(r, len, name))
        return past_end(r, err);
    if (!utf8_ok(r->p + r->at, len))
        return mlp_error_set(err, MLP_STATUS_DATA, "corrupted (%s is not "
                             "valid UTF-8)", name);
    *out = malloc((size_t)len + 1);
    if (*out == NULL)
        return mlp_error_set(err, MLP_STATUS_NOMEM, "out of memory");
    memcpy(*out, r->p + r->at, len);
    (*out)[len] = '\0';
    r->at += len;
    return MLP_STATUS_OK;
}

/* Read an enum's file code and map it through table (n entries). */
static mlp_status get_enum(reader *r, const int *table, size_t n,
                           const char *what, int *v, mlp_error *err)
{
    uint32_t code = get_u32(r, what);

    if (r->fail != NULL)
        return past_end(r, err);
    if (code >= n || table[code] < 0)
        return mlp_error_set(err, MLP_STATUS_DATA, "corrupted (unknown %s "
                             "code %lu)", what, (unsigned long)code);
    *v = table[code];
    return MLP_STATUS_OK;
}

/* Task, activation, output kind, widths and the feature count. */
static mlp_status read_shape(reader *r, mlp_model *t, mlp_error *err)
{
    int task = 0, act = 0, output = 0;
    mlp_status st;

    /* enums */
    st = get_enum(r, task_of_code, N_CODES(task_of_code), "task", &task,
                  err);
    if (st == MLP_STATUS_OK)
        st = get_enum(r, act_of_code, N_CODES(act_of_code), "activation",
                      &act, err);
    if (st == MLP_STATUS_OK)
        st = get_enum(r, output_of_code, N_CODES(output_of_code),
                      "output kind", &output, err);
    if (st != MLP_STATUS_OK)
        return st;
    t->task = (mlp_task)task;
    t->net.act = (mlp_act)act;
    t->net.output = (mlp_output)output;

    /* layer count, bounded before it indexes width[] */
    t->net.n_layers = get_u32(r, "layer count");
    if (r->fail != NULL)
        return past_end(r, err);
    if (t->net.n_layers < 1 || t->net.n_layers > MLP_MAX_LAYERS)
        return mlp_error_set(err, MLP_STATUS_DATA, "corrupted (%zu layers; "
                             "1 to %d allowed)", t->net.n_layers,
                             MLP_MAX_LAYERS);
    for (size_t l = 0; l <= t->net.n_layers; l++)
        t->net.width[l] = get_u32(r, "layer widths");
    t->n_features = get_u32(r, "feature count");
    if (r->fail != NULL)
        return past_end(r, err);
    return MLP_STATUS_OK;
}

/* Allocate an array of n string pointers, each of which needs at least
 * 4 bytes of the body: a count larger than the body is refused first. */
static mlp_status new_strings(reader *r, size_t n, const char *what,
                              char ***out, mlp_error *err)
{
    if (n > (r->end - r->at) / 4)
        return mlp_error_set(err, MLP_STATUS_DATA, "corrupted (%zu %s do "
                             "not fit in the %zu bytes left)", n, what,
                             r->end - r->at);
    *out = calloc(n > 0 ? n : 1, sizeof **out);
    if (*out == NULL)
        return mlp_error_set(err, MLP_STATUS_NOMEM, "out of memory");
    return MLP_STATUS_OK;
}

/* Feature names, label name, classes; then the whole shape is checked. */
static mlp_status read_names(reader *r, mlp_model *t, mlp_error *err)
{
    char why[160];
    mlp_status st;

    /* features: as many as inputs */
    if (t->n_features != t->net.width[0] || t->n_features == 0 ||
        t->n_features > MLP_MAX_WIDTH)
        return mlp_error_set(err, MLP_STATUS_DATA, "corrupted (%zu features "
                             "for %zu inputs)", t->n_features,
                             t->net.width[0]);
    st = new_strings(r, t->n_features, "feature names", &t->feature_names,
                     err);
    for (size_t j = 0; st == MLP_STATUS_OK && j < t->n_features; j++)
        st = get_str(r, MLP_MODEL_MAX_STRING, "feature name", j + 1,
                     &t->feature_names[j], err);
    if (st == MLP_STATUS_OK)
        st = get_str(r, MLP_MODEL_MAX_STRING, "label name", 0,
                     &t->label_name, err);
    if (st != MLP_STATUS_OK)
        return st;

    /* classes: counted against the output layer before any allocation */
    t->n_classes = get_u32(r, "class count");
    if (r->fail != NULL)
        return past_end(r, err);
    if (shape_problem(t, why, sizeof why) != 0)
        return mlp_error_set(err, MLP_STATUS_DATA, "corrupted (%s)", why);
    if (t->n_classes == 0)
        return MLP_STATUS_OK;
    st = new_strings(r, t->n_classes, "class labels", &t->classes, err);
    for (size_t k = 0; st == MLP_STATUS_OK && k < t->n_classes; k++)
        st = get_str(r, MLP_MODEL_MAX_STRING, "class label", k + 1,
                     &t->classes[k], err);
    return st;
}

/* Standardisation and the training record. */
static mlp_status read_scaling(reader *r, mlp_model *t, mlp_error *err)
{
    size_t n = t->n_features;
    char *version = NULL, why[160];
    mlp_status st;

    /* per-feature mean and scale: n is at most MLP_MAX_WIDTH */
    if (!has(r, 2 * 4 * n, "feature means and scales"))
        return past_end(r, err);
    t->mean = malloc(n * sizeof *t->mean);
    t->scale = malloc(n * sizeof *t->scale);
    if (t->mean == NULL || t->scale == NULL)
        return mlp_error_set(err, MLP_STATUS_NOMEM, "out of memory");
    get_f32s(r, t->mean, n, "feature means");
    get_f32s(r, t->scale, n, "feature scales");

    /* label scaling and the record */
    get_f32s(r, &t->y_mean, 1, "label mean");
    get_f32s(r, &t->y_scale, 1, "label scale");
    t->epochs = get_u64(r, "epoch count");
    t->seed = get_u64(r, "seed");
    get_f32s(r, &t->loss, 1, "loss");
    if (r->fail != NULL)
        return past_end(r, err);
    st = get_str(r, VERSION_MAX, "version", 0, &version, err);
    if (st != MLP_STATUS_OK)
        return st;
    memcpy(t->version, version, strlen(version) + 1);
    free(version);

    /* values the predictor divides by or adds */
    if (value_problem(t, why, sizeof why) != 0)
        return mlp_error_set(err, MLP_STATUS_DATA, "corrupted (%s)", why);
    return MLP_STATUS_OK;
}

/* The parameter count, checked against the widths and the bytes left
 * before the network is allocated; then the parameters themselves. */
static mlp_status read_params(reader *r, mlp_model *t, mlp_error *err)
{
    size_t width[MLP_MAX_LAYERS + 1], n_layers = t->net.n_layers;
    size_t want, bytes, bad;
    uint64_t stored;
    mlp_status st;

    /* the count the widths imply, and room for it */
    stored = get_u64(r, "parameter count");
    if (r->fail != NULL)
        return past_end(r, err);
    if (count_params(t->net.width, n_layers, &want) != 0 ||
        size_mul(want, 4, &bytes) != 0)
        return mlp_error_set(err, MLP_STATUS_DATA, "corrupted (layer "
                             "widths too large for this machine)");
    if (stored != (uint64_t)want)
        return mlp_error_set(err, MLP_STATUS_DATA, "corrupted (%llu "
                             "parameters; the layer widths need %zu)",
                             (unsigned long long)stored, want);
    if (bytes != r->end - r->at)
        return mlp_error_set(err, MLP_STATUS_DATA, "corrupted (%zu "
                             "parameters need %zu bytes; %zu are left)",
                             want, bytes, r->end - r->at);

    /* the network: mlp_net_init rewrites t->net, so pass a copy */
    memcpy(width, t->net.width, sizeof width);
    st = mlp_net_init(&t->net, width[0], width + 1, n_layers - 1,
                      width[n_layers], t->net.act, t->net.output, err);
    if (st != MLP_STATUS_OK) {
        memset(&t->net, 0, sizeof t->net);
        return st;
    }
    if (t->net.n_params != want)
        return mlp_error_set(err, MLP_STATUS_SOFTWARE, "network has %zu "
                             "parameters, the format %zu", t->net.n_params,
                             want);
    get_f32s(r, t->net.params, want, "parameters");
    bad = first_nonfinite(t->net.params, want);
    if (bad < want)
        return mlp_error_set(err, MLP_STATUS_DATA, "corrupted (parameter "
                             "%zu is not finite)", bad + 1);
    return MLP_STATUS_OK;
}

mlp_status mlp_model_decode(mlp_model *m, const unsigned char *buf,
                            size_t len, mlp_error *err)
{
    mlp_model t;
    reader r;
    mlp_status st;

    /* the envelope first: nothing is read from an unchecked body */
    memset(m, 0, sizeof *m);
    memset(&t, 0, sizeof t);
    st = check_envelope(buf, len, err);
    if (st != MLP_STATUS_OK)
        return st;

    /* the body, section by section */
    r.p = buf;
    r.at = MLP_MODEL_HEADER_LEN;
    r.end = len - 4;
    r.fail = NULL;
    st = read_shape(&r, &t, err);
    if (st == MLP_STATUS_OK)
        st = read_names(&r, &t, err);
    if (st == MLP_STATUS_OK)
        st = read_scaling(&r, &t, err);
    if (st == MLP_STATUS_OK)
        st = read_params(&r, &t, err);
    if (st != MLP_STATUS_OK) {
        mlp_model_free(&t);
        return st;
    }
    *m = t;
    return MLP_STATUS_OK;
}

void mlp_model_free(mlp_model *m)
{
    if (m == NULL)
        return;
    for (size_t j = 0; m->feature_names != NULL && j < m->n_features; j++)
        free(m->feature_names[j]);
    for (size_t k = 0; m->classes != NULL && k < m->n_classes; k++)
        free(m->classes[k]);
    free(m->feature_names);
    free(m->classes);
    free(m->label_name);
    free(m->mean);
    free(m->scale);
    mlp_net_free(&m->net);
    memset(m, 0, sizeof *m);
}
