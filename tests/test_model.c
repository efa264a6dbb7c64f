/* test_model.c -- the model file: round trips, a golden encoding, atomic
 * saves, and a reader that refuses every damaged, truncated, absurd or
 * foreign input without crashing; then the predictor.
 *
 * Run with "--write-corpus DIR" it also writes seed models for the
 * fuzzer (tests/fuzz/corpus_model) and checks nothing else.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "mlp/model.h"
#include "model/format.h"

/* err.text or err.file is want; quoted short enough for CHECKF */
#define CHECK_TEXT(text, want) \
    CHECKF(strcmp((text), (want)) == 0, "\"%.200s\"", (text))

enum kind { KIND_BINARY, KIND_SOFTMAX, KIND_REGRESS };

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);

    if (p != NULL)
        memcpy(p, s, n);
    return p;
}

/* A small model of each kind, with random weights and odd scalings. */
static void make_model(mlp_model *m, enum kind kind)
{
    static const char *names[] = { "x1", "width (cm)", "\xc3\xa9t\xc3\xa9" };
    static const char *labels[] = { "cat", "dog", "\xe9\xb3\xa5" };
    size_t hidden[2] = { 4, 3 };
    size_t n_out = kind == KIND_SOFTMAX ? 3 : 1;
    mlp_output out = kind == KIND_BINARY    ? MLP_OUTPUT_SIGMOID
                     : kind == KIND_SOFTMAX ? MLP_OUTPUT_SOFTMAX
                                            : MLP_OUTPUT_LINEAR;
    mlp_error err = { 0 };

    /* network */
    memset(m, 0, sizeof *m);
    CHECK(mlp_net_init(&m->net, 3, hidden, kind == KIND_SOFTMAX ? 2 : 1,
                       n_out, kind == KIND_REGRESS ? MLP_ACT_RELU
                                                   : MLP_ACT_TANH,
                       out, &err) == MLP_STATUS_OK);
    mlp_net_randomize(&m->net, 7 + (uint64_t)kind);
    for (size_t i = 0; i < m->net.n_params; i++)
        m->net.params[i] += 0.01f * (float)(i % 7);

    /* names, classes, scaling, record */
    m->task = kind == KIND_REGRESS ? MLP_TASK_REGRESS : MLP_TASK_CLASSIFY;
    m->n_features = 3;
    m->feature_names = calloc(3, sizeof *m->feature_names);
    m->mean = malloc(3 * sizeof *m->mean);
    m->scale = malloc(3 * sizeof *m->scale);
    for (size_t j = 0; j < 3; j++) {
        m->feature_names[j] = dup_str(names[j]);
        m->mean[j] = 1.5f * (float)j - 2.0f;
        m->scale[j] = 0.25f + (float)j;
    }
    m->label_name = dup_str("species");
    m->n_classes = kind == KIND_REGRESS ? 0 : kind == KIND_BINARY ? 2 : 3;
    m->classes = m->n_classes ? calloc(m->n_classes, sizeof(char *)) : NULL;
    for (size_t k = 0; k < m->n_classes; k++)
        m->classes[k] = dup_str(labels[k]);
    m->y_mean = kind == KIND_REGRESS ? 100.0f : 0.0f;
    m->y_scale = kind == KIND_REGRESS ? 12.5f : 1.0f;
    m->epochs = 1234567890123ull;
    m->seed = 0xfedcba9876543210ull;
    m->loss = 0.03125f;
    snprintf(m->version, sizeof m->version, "0.1.0");
}

static unsigned char *encode(const mlp_model *m, size_t *len)
{
    unsigned char *buf = NULL;
    mlp_error err = { 0 };

    mlp_error_clear(&err);
    if (mlp_model_encode(m, &buf, len, &err) != MLP_STATUS_OK) {
        fprintf(stderr, "test_model: cannot encode: %s\n", err.text);
        exit(1);
    }
    return buf;
}

/* Recompute the checksum after a deliberate patch. */
static void fix_crc(unsigned char *buf, size_t len)
{
    mlp_model_put_u32(buf + len - 4, mlp_model_checksum(buf, len - 4));
}

/* Decode len bytes from a buffer of exactly that size, so that any
 * read past the end shows under the sanitizers; returns the status and
 * checks that a failure leaves the model empty. */
static mlp_status decode_exact(const unsigned char *src, size_t len,
                               mlp_error *err)
{
    unsigned char *copy = malloc(len > 0 ? len : 1);
    mlp_model m;
    mlp_status st;

    memcpy(copy, src, len);
    memset(&m, 0xa5, sizeof m);
    mlp_error_clear(err);
    st = mlp_model_decode(&m, copy, len, err);
    if (st != MLP_STATUS_OK)
        CHECK(m.net.params == NULL && m.feature_names == NULL &&
              m.classes == NULL && m.mean == NULL && m.n_features == 0);
    mlp_model_free(&m);
    free(copy);
    return st;
}

/* Expect decoding to fail with MLP_STATUS_DATA and a message containing
 * want; line is the caller's, for the report. */
static void expect_refused(const unsigned char *buf, size_t len,
                           const char *want, int line)
{
    mlp_error err = { 0 };
    mlp_status st = decode_exact(buf, len, &err);

    CHECKF(st == MLP_STATUS_DATA && strstr(err.text, want) != NULL,
           "line %d: status %d, \"%.200s\", wanted \"%.100s\"", line,
           (int)st, err.text, want);
}
#define REFUSED(buf, len, want) expect_refused(buf, len, want, __LINE__)

/* Field offsets found by walking the documented layout. */
typedef struct layout {
    size_t n_layers, widths, n_features, name1, n_classes, mean, scale;
    size_t y_mean, epochs, version, n_params, params;
} layout;

static size_t skip_str(const unsigned char *buf, size_t at)
{
    return at + 4 + mlp_model_get_u32(buf + at);
}

static layout walk(const unsigned char *buf)
{
    layout f;
    size_t at, n;

    f.n_layers = 36;
    f.widths = 40;
    f.n_features = f.widths + 4 * (mlp_model_get_u32(buf + 36) + 1);
    n = mlp_model_get_u32(buf + f.n_features);
    f.name1 = at = f.n_features + 4;
    for (size_t j = 0; j < n; j++)
        at = skip_str(buf, at);
    f.n_classes = at = skip_str(buf, at);
    at += 4;
    for (size_t k = mlp_model_get_u32(buf + f.n_classes); k > 0; k--)
        at = skip_str(buf, at);
    f.mean = at;
    f.scale = at + 4 * n;
    f.y_mean = f.scale + 4 * n;
    f.epochs = f.y_mean + 8;
    f.version = f.epochs + 20;
    f.n_params = skip_str(buf, f.version);
    f.params = f.n_params + 8;
    return f;
}

/* Two models hold the same values, bit for bit. */
static void check_same(const mlp_model *a, const mlp_model *b)
{
    CHECK(a->task == b->task && a->n_features == b->n_features &&
          a->n_classes == b->n_classes && a->net.n_layers == b->net.n_layers
          && a->net.act == b->net.act && a->net.output == b->net.output);
    CHECK(memcmp(a->net.width, b->net.width, sizeof a->net.width) == 0);
    CHECK(a->net.n_params == b->net.n_params &&
          memcmp(a->net.params, b->net.params,
                 a->net.n_params * sizeof(float)) == 0);
    CHECK(memcmp(a->mean, b->mean, a->n_features * sizeof(float)) == 0);
    CHECK(memcmp(a->scale, b->scale, a->n_features * sizeof(float)) == 0);
    for (size_t j = 0; j < a->n_features; j++)
        CHECK_STR(a->feature_names[j], b->feature_names[j]);
    for (size_t k = 0; k < a->n_classes; k++)
        CHECK_STR(a->classes[k], b->classes[k]);
    CHECK_STR(a->label_name, b->label_name);
    CHECK_STR(a->version, b->version);
    CHECK(a->y_mean == b->y_mean && a->y_scale == b->y_scale);
    CHECK(a->epochs == b->epochs && a->seed == b->seed && a->loss == b->loss);
}

/* Encode, decode, re-encode: same values and the same bytes. */
static void test_round_trip(enum kind kind)
{
    mlp_model m, back;
    unsigned char *buf, *again;
    size_t len, len2;
    mlp_error err = { 0 };

    make_model(&m, kind);
    buf = encode(&m, &len);
    CHECKF(mlp_model_decode(&back, buf, len, &err) == MLP_STATUS_OK, "%.200s",
           err.text);
    check_same(&m, &back);
    CHECK(mlp_model_n_outputs(&back) == (kind == KIND_REGRESS ? 1 :
                                         kind == KIND_BINARY ? 2 : 3));
    again = encode(&back, &len2);
    CHECK(again != NULL && len2 == len && memcmp(buf, again, len) == 0);
    CHECK(mlp_model_get_u64(buf + MLP_MODEL_AT_LENGTH) == len);
    free(buf);
    free(again);
    mlp_model_free(&back);
    mlp_model_free(&m);
    CHECK(m.net.params == NULL && m.feature_names == NULL);
}

/* One fixed model whose encoding must never change: every field is
 * spelled out so that the hex below can be checked against the manual. */
static void golden_model(mlp_model *m)
{
    static const float params[9] = { 0.5f, -1.0f, 0.25f, 2.0f, 0.0f, 1.0f,
                                     -0.5f, 1.5f, -2.0f };
    size_t hidden = 2;
    mlp_error err = { 0 };

    memset(m, 0, sizeof *m);
    CHECK(mlp_net_init(&m->net, 2, &hidden, 1, 1, MLP_ACT_TANH,
                       MLP_OUTPUT_SIGMOID, &err) == MLP_STATUS_OK);
    if (m->net.n_params == 9)
        memcpy(m->net.params, params, sizeof params);
    m->task = MLP_TASK_CLASSIFY;
    m->n_features = 2;
    m->feature_names = calloc(2, sizeof(char *));
    m->feature_names[0] = dup_str("a");
    m->feature_names[1] = dup_str("b");
    m->label_name = dup_str("y");
    m->n_classes = 2;
    m->classes = calloc(2, sizeof(char *));
    m->classes[0] = dup_str("no");
    m->classes[1] = dup_str("yes");
    m->mean = malloc(2 * sizeof(float));
    m->scale = malloc(2 * sizeof(float));
    m->mean[0] = 1.0f, m->mean[1] = 2.0f;
    m->scale[0] = 0.5f, m->scale[1] = 4.0f;
    m->y_mean = 0.0f, m->y_scale = 1.0f;
    m->epochs = 100;
    m->seed = 42;
    m->loss = 0.125f;
    snprintf(m->version, sizeof m->version, "0.1.0");
}

static const char golden_hex[] =
    "894d4c500d0a1a0a" "01000000" "18000000" "bd00000000000000"
    "01000000" "01000000" "00000000" "02000000"
    "02000000" "02000000" "01000000"
    "02000000" "0100000061" "0100000062" "0100000079"
    "02000000" "020000006e6f" "03000000796573"
    "0000803f" "00000040" "0000003f" "00008040"
    "00000000" "0000803f"
    "6400000000000000" "2a00000000000000" "0000003e"
    "05000000302e312e30"
    "0900000000000000"
    "0000003f" "000080bf" "0000803e" "00000040" "00000000" "0000803f"
    "000000bf" "0000c03f" "000000c0"
    "c9faa5bf";

static void test_golden(void)
{
    mlp_model m;
    unsigned char *buf;
    size_t len, n_hex = strlen(golden_hex);
    char *hex;

    golden_model(&m);
    buf = encode(&m, &len);
    if (buf == NULL) {
        mlp_model_free(&m);
        return;
    }
    hex = malloc(2 * len + 1);
    for (size_t i = 0; i < len; i++)
        snprintf(hex + 2 * i, 3, "%02x", buf[i]);
    CHECKF(2 * len == n_hex && strcmp(hex, golden_hex) == 0,
           "golden encoding changed:\n got %s\nwant %s", hex, golden_hex);
    free(hex);
    free(buf);
    mlp_model_free(&m);
}

/* The od(1) example in man/mlp-model.5 shows the golden model's first
 * bytes: check it against the encoding, so the manual cannot drift. */
static void test_manual_example(void)
{
    const char *src = getenv("MLP_SOURCE_DIR");
    char path[512], line[256];
    unsigned char *buf;
    size_t len, n_lines = 0, n_bytes = 0;
    mlp_model m;
    FILE *f;

    snprintf(path, sizeof path, "%s/man/mlp-model.5", src ? src : ".");
    f = fopen(path, "r");
    CHECKF(f != NULL, "cannot open %.400s", path);
    if (f == NULL)
        return;
    golden_model(&m);
    buf = encode(&m, &len);

    /* lines "0000016 bd 00 ...": an offset, then bytes in hex */
    while (fgets(line, sizeof line, f) != NULL) {
        char *p = line, *end;
        unsigned long at = strtoul(p, &end, 10);

        if (strncmp(line, "00000", 5) != 0)
            continue;
        n_lines++;
        for (p = end; at < len; at++, p = end) {
            unsigned long byte = strtoul(p, &end, 16);

            if (end == p)
                break;
            CHECKF(byte == buf[at], "manual byte %lu", at);
            n_bytes++;
        }
    }
    CHECK(n_lines == 4 && n_bytes == 64);
    fclose(f);
    free(buf);
    mlp_model_free(&m);
}

/* Every proper prefix of a model is refused, as empty or truncated. */
static void test_truncation(void)
{
    mlp_model m;
    unsigned char *buf;
    size_t len;
    char want[64];

    make_model(&m, KIND_SOFTMAX);
    buf = encode(&m, &len);
    REFUSED(buf, 0, "not an mlptrain model (empty file)");
    for (size_t n = 1; n < MLP_MODEL_MIN_LEN; n++)
        REFUSED(buf, n, "truncated (");
    snprintf(want, sizeof want, "expected %zu)", len);
    for (size_t n = MLP_MODEL_MIN_LEN; n < len; n++)
        REFUSED(buf, n, want);
    free(buf);
    mlp_model_free(&m);
}

/* Every single-bit error is refused: the checksum catches it, except in
 * the magic and the length field, which are read before it. */
static void test_bit_flips(void)
{
    mlp_model m;
    unsigned char *buf;
    size_t len;
    mlp_error err = { 0 };
    int missed = 0, not_crc = 0;

    make_model(&m, KIND_BINARY);
    buf = encode(&m, &len);
    for (size_t i = 0; i < len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            int in_length = i >= MLP_MODEL_AT_LENGTH &&
                            i < MLP_MODEL_AT_LENGTH + 8;
            mlp_status st;

            buf[i] ^= (unsigned char)(1u << bit);
            st = decode_exact(buf, len, &err);
            buf[i] ^= (unsigned char)(1u << bit);
            missed += st != MLP_STATUS_DATA;
            if (i >= MLP_MODEL_MAGIC_LEN && !in_length)
                not_crc += strstr(err.text, "checksum mismatch") == NULL;
            else if (i < MLP_MODEL_MAGIC_LEN)
                not_crc += strstr(err.text, "bad magic") == NULL;
        }
    }
    CHECKF(missed == 0, "%d of %zu flips accepted", missed, 8 * len);
    CHECKF(not_crc == 0, "%d flips with an unexpected message", not_crc);
    free(buf);
    mlp_model_free(&m);
}

/* Foreign bytes, other byte orders, newer and broken versions. */
static void test_envelope(void)
{
    static const char csv[] = "a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n";
    mlp_model m;
    unsigned char *buf, *be;
    size_t len;

    /* foreign files */
    REFUSED((const unsigned char *)csv, sizeof csv - 1, "(bad magic)");
    REFUSED((const unsigned char *)"\x1f\x8b\x08", 3, "(bad magic)");

    /* all of the header big-endian, magic included or not */
    make_model(&m, KIND_REGRESS);
    buf = encode(&m, &len);
    be = malloc(len);
    memcpy(be, buf, len);
    for (size_t i = 0; i < 4; i++) {
        be[MLP_MODEL_AT_VERSION + i] = buf[MLP_MODEL_AT_VERSION + 3 - i];
        be[MLP_MODEL_AT_HEADER_LEN + i] = buf[MLP_MODEL_AT_HEADER_LEN + 3 - i];
        be[len - 4 + i] = buf[len - 1 - i];
    }
    for (size_t i = 0; i < 8; i++)
        be[MLP_MODEL_AT_LENGTH + i] = buf[MLP_MODEL_AT_LENGTH + 7 - i];
    REFUSED(be, len, "byte order (big-endian fields");
    for (size_t i = 0; i < 8; i++)
        be[i] = buf[7 - i];
    REFUSED(be, len, "byte order (byte-swapped magic");

    /* versions: newer, zero; a bad header length; trailing bytes */
    mlp_model_put_u32(buf + MLP_MODEL_AT_VERSION, 2);
    fix_crc(buf, len);
    REFUSED(buf, len, "written by a newer version of mlptrain (format 2; "
                      "this one reads up to 1)");
    mlp_model_put_u32(buf + MLP_MODEL_AT_VERSION, 0);
    fix_crc(buf, len);
    REFUSED(buf, len, "corrupted (format version 0)");
    mlp_model_put_u32(buf + MLP_MODEL_AT_VERSION, 1);
    mlp_model_put_u32(buf + MLP_MODEL_AT_HEADER_LEN, 28);
    fix_crc(buf, len);
    REFUSED(buf, len, "corrupted (header length 28");
    mlp_model_put_u32(buf + MLP_MODEL_AT_HEADER_LEN, 24);
    mlp_model_put_u64(buf + MLP_MODEL_AT_LENGTH, len - 1);
    fix_crc(buf, len);
    REFUSED(buf, len, "corrupted (header length 24, file length");
    free(be);
    free(buf);
    mlp_model_free(&m);
}

/* Patch n (1 or 4) bytes at off with v, fix the checksum, expect want;
 * then undo. */
static void patch(unsigned char *buf, size_t len, size_t off, size_t n,
                  uint32_t v, const char *want, int line)
{
    unsigned char old[4];

    memcpy(old, buf + off, n);
    if (n == 4)
        mlp_model_put_u32(buf + off, v);
    else
        buf[off] = (unsigned char)v;
    fix_crc(buf, len);
    expect_refused(buf, len, want, line);
    memcpy(buf + off, old, n);
    fix_crc(buf, len);
}
#define PATCH(off, v, want) patch(buf, len, off, 4, v, want, __LINE__)
#define PATCH1(off, v, want) patch(buf, len, off, 1, v, want, __LINE__)

/* Counts, codes and values that are wrong in a checksummed file. */
static void test_fields(void)
{
    mlp_model m;
    unsigned char *buf;
    size_t len;
    layout f;
    mlp_error err = { 0 };

    make_model(&m, KIND_BINARY);
    buf = encode(&m, &len);
    f = walk(buf);

    /* enums and counts */
    PATCH(24, 0, "corrupted (unknown task code 0)");
    PATCH(28, 3, "corrupted (unknown activation code 3)");
    PATCH(32, 0xffffffff, "unknown output kind code 4294967295");
    PATCH(24, 2, "regression needs one linear output and no classes");
    PATCH(32, 2, "classification with a linear output");
    PATCH(32, 1, "1 softmax outputs for 2 classes");
    PATCH(f.n_layers, 1000, "corrupted (1000 layers; 1 to 32 allowed)");
    PATCH(f.n_layers, 0, "corrupted (0 layers");
    PATCH(f.n_layers, 3, "corrupted (2 features for 3 inputs)");
    PATCH(f.widths + 4, 70000, "width 70000 of layer 1");
    PATCH(f.widths + 4, 0, "width 0 of layer 1");
    PATCH(f.widths + 4, 5, "parameters; the layer widths need");
    PATCH(f.widths + 8, 2, "a sigmoid output needs one unit");
    PATCH(f.n_features, 4, "corrupted (4 features for 3 inputs)");
    PATCH(f.n_classes, 3, "a sigmoid output needs one unit and 2 classes");
    PATCH(f.n_classes, 0xffffffff, "4294967295 classes; 2 to 65536");
    PATCH(f.n_classes, 0, "0 classes");
    PATCH(f.n_params, 1, "corrupted (1 parameters; the layer widths need");
    PATCH(f.n_params + 4, 1, "parameters; the layer widths need");

    /* strings */
    PATCH(f.name1, 0xffffffff, "feature name 1 is 4294967295 bytes");
    PATCH(f.name1, 4096, "feature name 1 runs past the end");
    PATCH(f.name1, 5, "feature name 1 is not valid UTF-8");
    PATCH1(f.name1 + 4, 0, "feature name 1 is not valid UTF-8");
    PATCH1(f.name1 + 5, 0xff, "feature name 1 is not valid UTF-8");
    PATCH1(f.name1 + 5, 0xc0, "feature name 1 is not valid UTF-8");
    PATCH1(f.name1 + 24, 0xe9, "feature name 3 is not valid UTF-8");
    PATCH1(f.name1 + 25, 0x41, "feature name 3 is not valid UTF-8");
    PATCH(f.version, 32, "version is 32 bytes; at most 31");

    /* values */
    PATCH(f.params + 12, 0x7fc00000, "corrupted (parameter 4 is not finite)");
    PATCH(f.params + 12, 0xff800000, "parameter 4 is not finite");
    PATCH(f.mean + 4, 0x7f800000, "feature 2 has mean inf");
    PATCH(f.scale, 0, "feature 1 has mean -2 and scale 0");
    PATCH(f.scale + 8, 0xbf800000, "feature 3 has mean 1 and scale -1");
    PATCH(f.y_mean, 0x7fc00000, "label has mean nan");

    /* the untouched buffer still decodes: the patches were undone */
    CHECK(decode_exact(buf, len, &err) == MLP_STATUS_OK);
    free(buf);
    mlp_model_free(&m);
}

/* Append a u32, a u64 or a string to a hand-built body. */
static size_t add_u32(unsigned char *p, size_t at, uint32_t v)
{
    mlp_model_put_u32(p + at, v);
    return at + 4;
}

static size_t add_u64(unsigned char *p, size_t at, uint64_t v)
{
    mlp_model_put_u64(p + at, v);
    return at + 8;
}

/* A checksummed file that claims 32 layers of 65536 units and 65536
 * classes, with every name and scale present but no parameters: the
 * reader must refuse it from the counts, before it allocates the 550 GB
 * such a network would need (the sanitizers abort on such an attempt). */
static void test_huge_counts(void)
{
    size_t wide = MLP_MAX_WIDTH, cap = 24 * wide + 1024, at;
    unsigned char *p = calloc(1, cap);

    /* header, shape, empty names, empty class labels */
    memcpy(p, MLP_MODEL_MAGIC, 8);
    at = add_u32(p, 8, 1);
    at = add_u32(p, at, 24);
    at += 8;
    at = add_u32(p, at, 1);
    at = add_u32(p, at, 2);
    at = add_u32(p, at, 1);
    at = add_u32(p, at, MLP_MAX_LAYERS);
    for (size_t l = 0; l <= MLP_MAX_LAYERS; l++)
        at = add_u32(p, at, (uint32_t)wide);
    at = add_u32(p, at, (uint32_t)wide);
    at += 4 * wide + 4;
    at = add_u32(p, at, (uint32_t)wide);
    at += 4 * wide;

    /* means 0, scales 1, label scaling, record, version, count */
    at += 4 * wide;
    for (size_t j = 0; j < wide; j++)
        at = add_u32(p, at, 0x3f800000);
    at = add_u32(p, at + 4, 0x3f800000);
    at += 8 + 8 + 4 + 4;
    at = add_u64(p, at, (uint64_t)MLP_MAX_LAYERS * (wide * wide + wide));
    at = add_u32(p, at, 0);
    mlp_model_put_u64(p + 16, at);
    fix_crc(p, at);
    REFUSED(p, at, "parameters need");

    /* the same with a parameter count that disagrees */
    mlp_model_put_u64(p + at - 12, 1ull << 62);
    fix_crc(p, at);
    REFUSED(p, at, "corrupted (4611686018427387904 parameters");
    free(p);
}

/* A fresh folder for file tests, and its removal (one level deep). */
static char tmp_dir[64];

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[512];

    while (d != NULL && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink(path) != 0 && (errno == EISDIR || errno == EPERM))
            remove_dir(path);
    }
    if (d != NULL)
        closedir(d);
    rmdir(dir);
}

/* Entries in dir other than . and .. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    while (d != NULL && (e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d != NULL)
        closedir(d);
    return n;
}

/* The whole content of a file into a new buffer; NULL if unreadable. */
static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = malloc(1 << 16);

    *len = f != NULL ? fread(buf, 1, 1 << 16, f) : 0;
    if (f == NULL) {
        free(buf);
        return NULL;
    }
    fclose(f);
    return buf;
}

/* save then load: the same model, a plain file of the usual mode, and
 * nothing else left in the folder. */
static void test_save_load(void)
{
    mlp_model m, back;
    mlp_error err = { 0 };
    char path[128], cwd[4096];
    struct stat st;

    make_model(&m, KIND_SOFTMAX);
    snprintf(path, sizeof path, "%s/model.bin", tmp_dir);
    umask(022);
    CHECKF(mlp_model_save(&m, path, &err) == MLP_STATUS_OK, "%.200s",
           err.text);
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);
    CHECK(count_entries(tmp_dir) == 1);
    CHECKF(mlp_model_load(&back, path, &err) == MLP_STATUS_OK, "%.200s",
           err.text);
    check_same(&m, &back);
    mlp_model_free(&back);

    /* replacing keeps the old file's permissions */
    CHECK(chmod(path, 0600) == 0);
    m.epochs = 5;
    CHECK(mlp_model_save(&m, path, &err) == MLP_STATUS_OK);
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
    CHECK(mlp_model_load(&back, path, &err) == MLP_STATUS_OK &&
          back.epochs == 5);
    CHECK(count_entries(tmp_dir) == 1);
    mlp_model_free(&back);

    /* a relative name, in the current folder */
    CHECK(getcwd(cwd, sizeof cwd) != NULL && chdir(tmp_dir) == 0);
    CHECK(mlp_model_save(&m, "rel.bin", &err) == MLP_STATUS_OK);
    CHECK(mlp_model_load(&back, "rel.bin", &err) == MLP_STATUS_OK);
    CHECK(unlink("rel.bin") == 0 && chdir(cwd) == 0);
    mlp_model_free(&back);
    mlp_model_free(&m);
}

/* A save that fails leaves the old file as it was and no temporary file.
 * Root ignores permissions, so the failures come from a folder in the
 * way, a missing folder, and a file size limit that stops write(). */
static void test_save_fails(void)
{
    mlp_model m;
    mlp_error err = { 0 };
    char dir[96], path[128], sub[128];
    unsigned char *before, *after;
    size_t n_before, n_after;
    struct rlimit old, small;

    /* a folder of its own, holding one model */
    make_model(&m, KIND_BINARY);
    snprintf(dir, sizeof dir, "%s/fail", tmp_dir);
    CHECK(mkdir(dir, 0755) == 0);
    snprintf(path, sizeof path, "%s/keep.bin", dir);
    CHECK(mlp_model_save(&m, path, &err) == MLP_STATUS_OK);
    before = slurp(path, &n_before);

    /* write() fails: the limit is below the new, longer model */
    m.net.params[0] = 9.0f;
    free(m.label_name);
    m.label_name = dup_str("a much longer label name than before");
    CHECK(getrlimit(RLIMIT_FSIZE, &old) == 0);
    small = old;
    small.rlim_cur = (rlim_t)n_before;
    signal(SIGXFSZ, SIG_IGN);
    CHECK(setrlimit(RLIMIT_FSIZE, &small) == 0);
    CHECK(mlp_model_save(&m, path, &err) == MLP_STATUS_IO);
    CHECK(setrlimit(RLIMIT_FSIZE, &old) == 0);
    CHECK_TEXT(err.file, path);
    CHECKF(strstr(err.text, "cannot write the model") != NULL, "%.200s",
           err.text);
    after = slurp(path, &n_after);
    CHECK(before != NULL && after != NULL && n_after == n_before &&
          memcmp(before, after, n_before) == 0);
    CHECK(count_entries(dir) == 1);

    /* a folder where the file should be; a missing folder; no name */
    snprintf(sub, sizeof sub, "%s/sub", dir);
    CHECK(mkdir(sub, 0755) == 0);
    CHECK(mlp_model_save(&m, sub, &err) == MLP_STATUS_CANTCREAT);
    CHECK(count_entries(sub) == 0 && count_entries(dir) == 2);
    snprintf(sub, sizeof sub, "%s/none/model.bin", dir);
    CHECK(mlp_model_save(&m, sub, &err) == MLP_STATUS_CANTCREAT);
    CHECKF(strstr(err.text, "/none\": No such file") != NULL, "%.200s",
           err.text);
    snprintf(sub, sizeof sub, "%s/", dir);
    CHECK(mlp_model_save(&m, sub, &err) == MLP_STATUS_CANTCREAT);

    /* a model with a NaN weight is not written at all */
    m.net.params[2] = NAN;
    CHECK(mlp_model_save(&m, path, &err) == MLP_STATUS_DATA);
    CHECK_TEXT(err.text, "model has non-finite parameters; not written");
    free(after);
    after = slurp(path, &n_after);
    CHECK(after != NULL && n_after == n_before &&
          memcmp(before, after, n_before) == 0);
    free(before);
    free(after);
    mlp_model_free(&m);
}

/* What the writer refuses before touching a file. */
static void test_encode_refuses(void)
{
    mlp_model m;
    mlp_error err = { 0 };
    unsigned char *buf = NULL;
    size_t len;
    char *long_name = calloc(1, MLP_MODEL_MAX_STRING + 2);

    make_model(&m, KIND_BINARY);
    free(m.feature_names[1]);
    m.feature_names[1] = dup_str("caf\xe9");
    CHECK(mlp_model_encode(&m, &buf, &len, &err) == MLP_STATUS_DATA);
    CHECK_TEXT(err.text, "feature name 2 is not valid UTF-8");
    free(m.feature_names[1]);
    memset(long_name, 'x', MLP_MODEL_MAX_STRING + 1);
    m.feature_names[1] = long_name;
    CHECK(mlp_model_encode(&m, &buf, &len, &err) == MLP_STATUS_DATA);
    CHECK(strstr(err.text, "4097 bytes long") != NULL);
    long_name[MLP_MODEL_MAX_STRING] = '\0';
    CHECK(mlp_model_encode(&m, &buf, &len, &err) == MLP_STATUS_OK);
    free(buf);
    m.scale[1] = 0.0f;
    CHECK(mlp_model_encode(&m, &buf, &len, &err) == MLP_STATUS_DATA);
    m.scale[1] = 1.0f;
    m.n_classes = 3;
    CHECK(mlp_model_encode(&m, &buf, &len, &err) == MLP_STATUS_SOFTWARE);
    CHECK(buf == NULL && len == 0);
    m.n_classes = 2;
    mlp_model_free(&m);
}

/* Loading what is not a model file. */
static void test_load_refuses(void)
{
    mlp_model m;
    mlp_error err = { 0 };
    char path[128];
    FILE *f;

    /* not there, a folder, a pipe, a device */
    snprintf(path, sizeof path, "%s/missing.bin", tmp_dir);
    CHECK(mlp_model_load(&m, path, &err) == MLP_STATUS_NOINPUT);
    CHECK(strstr(err.text, "cannot open: No such file") != NULL);
    CHECK_TEXT(err.file, path);
    CHECK(mlp_model_load(&m, tmp_dir, &err) == MLP_STATUS_NOINPUT);
    CHECK_TEXT(err.text, "not a regular file (a folder)");
    snprintf(path, sizeof path, "%s/fifo", tmp_dir);
    CHECK(mkfifo(path, 0600) == 0);
    CHECK(mlp_model_load(&m, path, &err) == MLP_STATUS_NOINPUT);
    CHECK_TEXT(err.text, "not a regular file (a pipe)");
    CHECK(mlp_model_load(&m, "/dev/zero", &err) == MLP_STATUS_NOINPUT);
    CHECK_TEXT(err.text, "not a regular file (a device)");
    CHECK_TEXT(err.file, "/dev/zero");

    /* an empty file, a text file */
    snprintf(path, sizeof path, "%s/empty.bin", tmp_dir);
    f = fopen(path, "w");
    CHECK(f != NULL && fclose(f) == 0);
    CHECK(mlp_model_load(&m, path, &err) == MLP_STATUS_DATA);
    CHECK_TEXT(err.text, "not an mlptrain model (empty file)");
    f = fopen(path, "w");
    CHECK(f != NULL && fputs("x,y\n1,2\n", f) >= 0 && fclose(f) == 0);
    CHECK(mlp_model_load(&m, path, &err) == MLP_STATUS_DATA);
    CHECK_TEXT(err.text, "not an mlptrain model (bad magic)");
    CHECK(m.net.params == NULL && m.feature_names == NULL);
}

/* x standardised, run through the network directly: the reference. */
static void forward_by_hand(const mlp_model *m, const float *x, size_t n,
                            float *out)
{
    float *xs = malloc(n * m->n_features * sizeof *xs);
    mlp_infer *ws = mlp_infer_new(&m->net, n);

    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m->n_features; j++)
            xs[i * m->n_features + j] =
                (x[i * m->n_features + j] - m->mean[j]) / m->scale[j];
    mlp_net_forward(&m->net, ws, xs, n, out);
    mlp_infer_free(ws);
    free(xs);
}

/* Binary output spreads to [1-p, p]; softmax rows sum to 1; regression
 * is in the label's units; x is untouched; blocks agree with one run. */
static void test_predictor(enum kind kind)
{
    enum { N = 37 };
    mlp_model m;
    float x[N * 3], keep[N * 3], out[N * 3], ref[N * 3], one[3];
    mlp_predictor *p, *p5;
    size_t k;

    make_model(&m, kind);
    k = mlp_model_n_outputs(&m);
    for (size_t i = 0; i < N * 3; i++)
        x[i] = keep[i] = (float)((int)(i * 37 % 23) - 11) * 0.37f;
    p = mlp_predictor_new(&m, N);
    p5 = mlp_predictor_new(&m, 5);
    CHECK(p != NULL && p5 != NULL);
    mlp_predictor_run(p, x, N, out);
    CHECK(memcmp(x, keep, sizeof x) == 0);
    forward_by_hand(&m, x, N, ref);

    /* each row against the network's own output */
    for (size_t i = 0; i < N; i++) {
        float sum = 0.0f;

        for (size_t c = 0; c < k; c++)
            sum += out[i * k + c];
        if (kind == KIND_BINARY) {
            CHECK_NEAR(out[2 * i + 1], ref[i], 1e-7);
            CHECK_NEAR(out[2 * i], 1.0f - ref[i], 1e-7);
        } else if (kind == KIND_SOFTMAX) {
            CHECK_NEAR(out[i * 3 + 1], ref[i * 3 + 1], 1e-7);
        } else {
            CHECK_NEAR(out[i], 100.0f + 12.5f * ref[i], 1e-4);
        }
        if (kind != KIND_REGRESS)
            CHECK_NEAR(sum, 1.0, 1e-6);
    }

    /* blocks of 5, and one row at a time, give the same bits */
    mlp_predictor_run(p5, x, N, ref);
    CHECK(memcmp(out, ref, N * k * sizeof *out) == 0);
    mlp_predictor_run(p5, x + 3 * (N - 1), 1, one);
    CHECK(memcmp(one, out + k * (N - 1), k * sizeof *out) == 0);
    mlp_predictor_free(p);
    mlp_predictor_free(p5);
    mlp_model_free(&m);
}

static void test_argmax(void)
{
    static const float a[] = { 0.1f, 0.5f, 0.5f, 0.2f };
    static const float b[] = { NAN, 0.2f, NAN, 0.7f };
    static const float c[] = { -3.0f };

    CHECK(mlp_argmax(a, 4) == 1);
    CHECK(mlp_argmax(b, 4) == 3);
    CHECK(mlp_argmax(c, 1) == 0);
    CHECK(mlp_argmax(a + 2, 2) == 0);
}

/* Seed inputs for the fuzzer: one model of each kind, and the golden. */
static int write_corpus(const char *dir)
{
    static const char *names[] = { "binary.bin", "softmax.bin",
                                   "regress.bin", "golden.bin" };
    char path[512];
    mlp_error err = { 0 };

    for (int i = 0; i < 4; i++) {
        mlp_model m;

        if (i < 3)
            make_model(&m, (enum kind)i);
        else
            golden_model(&m);
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (mlp_model_save(&m, path, &err) != MLP_STATUS_OK) {
            fprintf(stderr, "test_model: %s: %s\n", path, err.text);
            return 1;
        }
        mlp_model_free(&m);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write-corpus") == 0)
        return write_corpus(argv[2]);
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/test_model.XXXXXX");
    if (mkdtemp(tmp_dir) == NULL) {
        perror("test_model: mkdtemp");
        return 1;
    }
    test_round_trip(KIND_BINARY);
    test_round_trip(KIND_SOFTMAX);
    test_round_trip(KIND_REGRESS);
    test_golden();
    test_manual_example();
    test_truncation();
    test_bit_flips();
    test_envelope();
    test_fields();
    test_huge_counts();
    test_save_load();
    test_save_fails();
    test_encode_refuses();
    test_load_refuses();
    test_predictor(KIND_BINARY);
    test_predictor(KIND_SOFTMAX);
    test_predictor(KIND_REGRESS);
    test_argmax();
    remove_dir(tmp_dir);
    return check_done("test_model");
}
