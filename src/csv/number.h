/* number.h -- the strict float parser, with the reason for a refusal, and
 * an inline fast path for the short decimals that fill most data sets. */
#ifndef MLP_CSV_NUMBER_H
#define MLP_CSV_NUMBER_H

#include <float.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef enum csv_number {
    CSV_NUMBER_OK = 0,
    CSV_NUMBER_SYNTAX,      /* not a decimal number (or nan, inf) */
    CSV_NUMBER_RANGE        /* a number, but beyond float's range */
} csv_number;

/* As mlp_parse_float(), saying why a text is refused. */
csv_number csv_parse_float(const char *s, size_t len, float *out);

/* The same, faster, for text followed by at least 8 readable bytes (as
 * the reader's fields are, NUL first): digits are read eight at a time. */
csv_number csv_parse_float_padded(const char *s, size_t len, float *out);

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define CSV_SHORT_FLOAT 1

/* Eight bytes from p, the first in the lowest byte. */
static inline uint64_t csv_load8(const char *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof v);
    return v;
}

/* How many of the eight bytes in v, from the lowest, are ASCII digits:
 * a byte is one when its high nibble is 3 both as it is and with 6
 * added.  A carry out of a non-digit byte only disturbs later bytes. */
static inline unsigned csv_digit_run(uint64_t v)
{
    const uint64_t hi = UINT64_C(0xf0f0f0f0f0f0f0f0);
    const uint64_t threes = UINT64_C(0x3030303030303030);
    uint64_t z = ((v & hi) ^ threes)
                 | (((v + UINT64_C(0x0606060606060606)) & hi) ^ threes);

    return z == 0 ? 8 : (unsigned)__builtin_ctzll(z) / 8;
}

/* The value of the first n (0..8) digit bytes of v: moved to the top (two
 * shifts, so that n = 0 leaves nothing) so that the bytes below read as
 * leading zeros, then combined in pairs, fours and eights. */
static inline uint64_t csv_digits_value(uint64_t v, unsigned n)
{
    unsigned shift = 32 - 4 * n;

    v = ((v - UINT64_C(0x3030303030303030)) << shift) << shift;
    v = v * 10 + (v >> 8);
    v = ((v & UINT64_C(0x000000ff000000ff))
             * (100 + (UINT64_C(1000000) << 32))
         + ((v >> 16) & UINT64_C(0x000000ff000000ff))
               * (1 + (UINT64_C(10000) << 32))) >> 32;
    return v;
}

/* f, not negative, made negative when neg is 1: by its sign bit, since
 * a branch on signs in random order would be mispredicted half the time
 * (and -0 must stay -0). */
static inline float csv_with_sign(float f, int neg)
{
    uint32_t u;

    memcpy(&u, &f, sizeof u);
    u |= (uint32_t)neg << 31;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* w * 10^-k for w < 10^16 and k <= 8, both exact in double, with the
 * sign.  w * 10^-k, with 10^-k rounded, is within 2 units in the last
 * place of the true quotient, so rounding it to float is right unless it
 * lies within 4 units of a halfway point, where the exact division
 * decides; a quotient exactly halfway goes to the general parser.
 * Returns 1 with *out set, or 0. */
static inline int csv_short_double(uint64_t w, unsigned k, int neg,
                                   float *out)
{
    static const double pow10[9] = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8
    };
    static const double pow10_inv[9] = {
        1e0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8
    };
    const uint64_t drop = (UINT64_C(1) << 29) - 1, half = UINT64_C(1) << 28;
    double v = (double)(int64_t)w, q = v * pow10_inv[k];
    uint64_t bits;
    float f;

    memcpy(&bits, &q, sizeof bits);
    if ((bits & drop) - (half - 4) <= 8) {
        q = v / pow10[k];
        memcpy(&bits, &q, sizeof bits);
        if ((bits & drop) == half)
            return 0;
    }
    f = (float)q;
    *out = csv_with_sign(f, neg);
    return 1;
}

/* w * 10^-k for w < 2^24 and k <= 7, correctly rounded as strtof would,
 * by a multiplication instead of a division.  The double product is
 * within 2^-52 of w / 10^k relatively.  A float halfway point h near
 * x = w / 10^k < 2^24 is an odd multiple of 2^(E-1), where 2^E is the
 * float spacing there, and x is never one (x has at most 24 significant
 * bits when it is dyadic at all), so |x - h| >= 2^(E-1) / 10^k, which
 * exceeds 2^-52 x < 2^(E-28) since 10^k < 2^27: the product rounds to
 * float on the same side of every halfway point as x does. */
static inline float csv_short_float(uint64_t w, unsigned k)
{
    static const double pow10_inv[8] = {
        1e0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7
    };

    return (float)((double)(int32_t)w * pow10_inv[k]);
}

#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
#define CSV_TINY_FLOAT 1

/* [-]D{1,8} or [-]D{0,7}.D{0,7}, at most 8 bytes after the sign and a
 * mantissa below 2^24, the text [s, e) with e[0..8] readable: the bulk
 * of most data sets, in few instructions and no branch on the data
 * beyond the shape.  The point must be the only byte of the word that
 * is not a digit (a carry out of a byte of 0xfa or more marks bytes
 * after it too, but that byte is itself marked first).  Returns 1 with
 * *out set, or 0 for any other text. */
static inline int csv_parse_tiny(const char *s, const char *e, float *out)
{
    const uint64_t hi = UINT64_C(0xf0f0f0f0f0f0f0f0);
    const uint64_t threes = UINT64_C(0x3030303030303030);
    int neg = *s == '-';
    const char *t = s + neg;
    size_t len = (size_t)(e - t);
    uint64_t a = csv_load8(t), z, low;
    unsigned p, n_dig = (unsigned)len, n_frac = 0;

    /* the bytes that are not digits, among the text's */
    if (len - 1 >= 8)
        return 0;
    z = (((a & hi) ^ threes)
         | (((a + UINT64_C(0x0606060606060606)) & hi) ^ threes))
        & (~UINT64_C(0) >> (64 - 8 * len));

    /* one point at most, squeezed out */
    if (z != 0) {
        p = (unsigned)__builtin_ctzll(z) / 8;
        if (((a >> (8 * p)) & 0xff) != '.' || (z >> (8 * p) >> 8) != 0
            || len == 1)
            return 0;
        low = (UINT64_C(1) << (8 * p)) - 1;
        a = (a & low) | ((a >> 8) & ~low);
        n_dig--;
        n_frac = n_dig - p;
    }
    a = csv_digits_value(a, n_dig);
    if (a >= (UINT64_C(1) << 24))
        return 0;
    *out = csv_with_sign(csv_short_float(a, n_frac), neg);
    return 1;
}
#endif

/* D{0,8}.D{0,8} of 9 to 17 bytes at t: the digits each side of the point
 * from a word each.  Returns 1 with *out set, or 0. */
static inline int csv_parse_long(const char *t, size_t len, int neg,
                                 float *out)
{
    static const uint64_t pow10_int[9] = {
        1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000
    };
    uint64_t a = csv_load8(t), b;
    unsigned n_int = csv_digit_run(a), n_frac;

    if (t[n_int] != '.')
        return 0;
    b = csv_load8(t + n_int + 1);
    n_frac = csv_digit_run(b);
    if (n_int + 1 + n_frac != len)
        return 0;
    return csv_short_double(csv_digits_value(a, n_int) * pow10_int[n_frac]
                            + csv_digits_value(b, n_frac), n_frac, neg,
                            out);
}

/* [-]D{0,8}[.D{0,8}] with at least one digit, the text [s, e); e[0..16]
 * must be readable (e[0..8] when e[0] is NUL).  Up to 8 bytes after the
 * sign are one word: the point is squeezed out of it, leaving the digits
 * to be read in one go.  Returns 1 with *out set, or 0 for any other
 * text. */
static inline int csv_parse_short(const char *s, const char *e, float *out)
{
    int neg = s != e && *s == '-';
    const char *t = s + neg;
    size_t len = (size_t)(e - t);
    uint64_t a = csv_load8(t), low, w;
    unsigned n_int = csv_digit_run(a), n_dig = (unsigned)len, n_frac = 0;
    float f;

    /* the digits, the point squeezed out */
    if (len > 8)
        return csv_parse_long(t, len, neg, out);
    if (n_int < len) {
        if (((a >> (8 * n_int)) & 0xff) != '.')
            return 0;
        low = (UINT64_C(1) << (8 * n_int)) - 1;
        a = (a & low) | ((a >> 8) & ~low);
        n_dig--;
        n_frac = n_dig - n_int;
        if (csv_digit_run(a) < n_dig)
            return 0;
    }
    if (n_dig == 0)
        return 0;
    w = csv_digits_value(a, n_dig);

    /* one float division when both parts are exact in float */
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
    if (w < (UINT64_C(1) << 24)) {
        f = csv_short_float(w, n_frac);
        *out = csv_with_sign(f, neg);
        return 1;
    }
#else
    (void)f;
#endif
    return csv_short_double(w, n_frac, neg, out);
}
#endif

#endif
