/* number.c -- strict decimal text to a correctly rounded float, and a
 * float to the shortest text that reads back to it, in any locale. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv/number.h"
#include "mlp/csv.h"

/* 10^0 .. 10^22: every one is exact in double. */
static const double pow10_exact[23] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

/* Significant digits kept for the slow path.  A float halfway point has
 * at most 113 significant decimal digits, so cutting the text after 200
 * and appending a 1 when anything non-zero was cut keeps it on the same
 * side of every halfway point: the rounding does not change. */
#define SLOW_DIGITS 200

/* Exponents are clamped here: far past float's range either way for
 * any text of at most SLOW_DIGITS + 1 digits. */
#define EXP_CLAMP 100000

/* The digits and exponent of a decimal text, once its syntax is known
 * good: value = w * 10^e10 exactly when !inexact. */
typedef struct decimal {
    int neg;
    uint64_t w;             /* the first 19 significant digits */
    int inexact;            /* a non-zero digit did not fit in w */
    int zero;               /* every digit is 0 */
    int64_t e10;
    const char *digits;     /* the mantissa's text, sign excluded */
    const char *digits_end;
    int64_t exp_written;    /* the exponent as written, clamped */
    int64_t n_frac;         /* digits after the point */
} decimal;

/* Read [+-]digits[.digits][(e|E)[+-]digits] from [p, end) in full.
 * Returns 0, or -1 when the text is anything else. */
static int scan_decimal(const char *p, const char *end, decimal *d)
{
    int n_sig = 0, n_digits = 0;
    int64_t int_dropped = 0, x = 0;
    int eneg = 0, seen_point = 0;

    memset(d, 0, sizeof *d);
    if (p != end && (*p == '+' || *p == '-'))
        d->neg = *p++ == '-';
    d->digits = p;

    /* mantissa: up to 19 significant digits exactly in w */
    for (; p != end; p++) {
        unsigned dig = (unsigned)(unsigned char)*p - '0';

        if (dig > 9) {
            if (*p != '.' || seen_point)
                break;
            seen_point = 1;
            continue;
        }
        n_digits++;
        d->n_frac += seen_point;
        if (n_sig == 0 && dig == 0)
            continue;
        if (n_sig < 19) {
            d->w = d->w * 10 + dig;
            n_sig++;
        } else {
            int_dropped++;
            d->inexact |= dig != 0;
        }
    }
    if (n_digits == 0)
        return -1;
    d->digits_end = p;
    d->zero = n_sig == 0;

    /* exponent, saturating far beyond any useful value */
    if (p != end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p != end && (*p == '+' || *p == '-'))
            eneg = *p++ == '-';
        if (p == end)
            return -1;
        for (; p != end && (unsigned)(unsigned char)*p - '0' <= 9; p++)
            if (x < 1000000000000000LL)
                x = x * 10 + (*p - '0');
    }
    if (p != end)
        return -1;
    d->exp_written = eneg ? -x : x;

    /* w * 10^e10: digits dropped from w scale it up */
    d->e10 = d->exp_written - d->n_frac + int_dropped;
    return 0;
}

/* The slow path: canonical text "[-]DIGITSeEXP", which has no decimal
 * point and so reads the same in every locale, through strtof(). */
static float slow_float(const decimal *d)
{
    char buf[SLOW_DIGITS + 40];
    size_t n = 0, n_sig = 0;
    int64_t dropped = 0, e;
    int sticky = 0;
    const char *p;

    /* the significant digits, cut at SLOW_DIGITS with a sticky 1 */
    if (d->neg)
        buf[n++] = '-';
    for (p = d->digits; p != d->digits_end; p++) {
        if (*p == '.' || (n_sig == 0 && *p == '0'))
            continue;
        if (n_sig < SLOW_DIGITS) {
            buf[n++] = *p;
            n_sig++;
        } else {
            dropped++;
            sticky |= *p != '0';
        }
    }
    if (sticky)
        buf[n++] = '1';

    /* value = DIGITS * 10^(written - n_frac + dropped - sticky) */
    e = d->exp_written - d->n_frac + dropped - sticky;
    if (e > EXP_CLAMP)
        e = EXP_CLAMP;
    if (e < -EXP_CLAMP)
        e = -EXP_CLAMP;
    snprintf(buf + n, sizeof buf - n, "e%lld", (long long)e);
    return strtof(buf, NULL);
}

/* 10^-1 .. 10^-22 rounded to double (index k holds 10^-k). */
static const double pow10_inverse[23] = {
    1e0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10,
    1e-11, 1e-12, 1e-13, 1e-14, 1e-15, 1e-16, 1e-17, 1e-18, 1e-19, 1e-20,
    1e-21, 1e-22
};

/* The low 29 of a double's 52 fraction bits, which rounding to float
 * drops: 2^28 is exactly halfway between two floats. */
#define HALF_BITS (UINT64_C(1) << 28)
#define DROP_MASK ((UINT64_C(1) << 29) - 1)

/* Whether a double rounds to float the same as any value within 4 of
 * its units in the last place: it is not within 4 units of halfway. */
static inline int clear_of_halfway(double v)
{
    uint64_t bits;

    memcpy(&bits, &v, sizeof bits);
    return (bits & DROP_MASK) - (HALF_BITS - 4) > 8;
}

/* w * 10^e10 when both are exact in double: one IEEE operation rounds
 * correctly to double.  Rounding that double to float again is correct
 * unless it lies exactly halfway between two floats: only then can the
 * true value be on the other side.  For e10 < 0, multiplying by the
 * rounded 10^e10 first is within 2 units of the true value (two
 * roundings of 2^-53 each), which is as good unless it comes within 4
 * units of halfway; the exact division decides those.  1e-22 and
 * 2^53 * 1e22 are inside float's normal range.  Returns 1 with *out
 * set, or 0 to take the slow path. */
static inline int fast_float(const decimal *d, float *out)
{
    double v;
    uint64_t bits;

    if (d->inexact || d->w > (UINT64_C(1) << 53) || d->e10 < -22
        || d->e10 > 22)
        return 0;
    v = (double)d->w;
    if (d->e10 < 0) {
        double approx = v * pow10_inverse[-d->e10];

        if (clear_of_halfway(approx)) {
            *out = d->neg ? -(float)approx : (float)approx;
            return 1;
        }
        v /= pow10_exact[-d->e10];
    } else {
        v *= pow10_exact[d->e10];
    }
    memcpy(&bits, &v, sizeof bits);
    if ((bits & DROP_MASK) == HALF_BITS)
        return 0;
    *out = d->neg ? -(float)v : (float)v;
    return 1;
}

/* The common shape, [-]digits[.digits] with at most 19 digits, in one
 * tight pass.  Returns 1 with *out set, or 0 for anything else, which
 * the general path then reads. */
static int quick_float(const char *s, size_t len, float *out)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    const unsigned char *int_start, *frac_start;
    uint64_t w = 0;
    size_t n_int, n_frac = 0;
    int neg = 0;
    decimal d;

    /* sign, integer digits, fraction digits */
    if (p != end && *p == '-') {
        neg = 1;
        p++;
    }
    for (int_start = p; p != end && (unsigned)(*p - '0') <= 9; p++)
        w = w * 10 + (unsigned)(*p - '0');
    n_int = (size_t)(p - int_start);
    if (p != end && *p == '.') {
        for (frac_start = ++p; p != end && (unsigned)(*p - '0') <= 9; p++)
            w = w * 10 + (unsigned)(*p - '0');
        n_frac = (size_t)(p - frac_start);
    }
    if (p != end || n_int + n_frac == 0 || n_int + n_frac > 19)
        return 0;

    /* w * 10^-n_frac, exact in the fast path's terms */
    if (w == 0) {
        *out = neg ? -0.0f : 0.0f;
        return 1;
    }
    d.neg = neg;
    d.w = w;
    d.inexact = 0;
    d.e10 = -(int64_t)n_frac;
    return fast_float(&d, out);
}

/* Any text the short path did not take. */
static csv_number parse_general(const char *s, size_t len, float *out)
{
    decimal d;
    float v;

    if (quick_float(s, len, out))
        return CSV_NUMBER_OK;
    if (scan_decimal(s, s + len, &d) < 0)
        return CSV_NUMBER_SYNTAX;
    if (d.zero) {
        *out = d.neg ? -0.0f : 0.0f;
        return CSV_NUMBER_OK;
    }
    if (fast_float(&d, out))
        return CSV_NUMBER_OK;

    /* hard cases; underflow to zero or a subnormal is fine */
    v = slow_float(&d);
    if (isinf(v))
        return CSV_NUMBER_RANGE;
    *out = v;
    return CSV_NUMBER_OK;
}

#ifdef CSV_SHORT_FLOAT
/* Copy s[0..len), len <= 16, into the zeroed dst with a few overlapping
 * word moves instead of a call. */
static inline void copy_short(char *dst, const char *s, size_t len)
{
    size_t i;

    if (len >= 8) {
        memcpy(dst, s, 8);
        memcpy(dst + len - 8, s + len - 8, 8);
    } else if (len >= 4) {
        memcpy(dst, s, 4);
        memcpy(dst + len - 4, s + len - 4, 4);
    } else {
        for (i = 0; i < len; i++)
            dst[i] = s[i];
    }
}
#endif

csv_number csv_parse_float(const char *s, size_t len, float *out)
{
#ifdef CSV_SHORT_FLOAT
    /* most numbers: a copy beside zero bytes, read a word at a time */
    if (len <= 16) {
        uint64_t words[5] = { 0, 0, 0, 0, 0 };
        char *pad = (char *)words;

        copy_short(pad, s, len);
        if (csv_parse_short(pad, pad + len, out))
            return CSV_NUMBER_OK;
    }
#endif
    return parse_general(s, len, out);
}

csv_number csv_parse_float_padded(const char *s, size_t len, float *out)
{
#ifdef CSV_SHORT_FLOAT
    if (csv_parse_short(s, s + len, out))
        return CSV_NUMBER_OK;
#endif
    return parse_general(s, len, out);
}

int mlp_parse_float(const char *s, size_t len, float *out)
{
    return csv_parse_float(s, len, out) == CSV_NUMBER_OK ? 0 : -1;
}

/* Copy printf's text to dst, writing whatever the locale uses as the
 * decimal point (one or more bytes that are no part of a number) as '.'.
 * Returns the length. */
static int fix_point(char *dst, const char *src)
{
    int n = 0, in_point = 0;

    for (; *src != '\0'; src++) {
        char c = *src;

        if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == 'e') {
            dst[n++] = c;
            in_point = 0;
        } else if (!in_point) {
            dst[n++] = '.';
            in_point = 1;
        }
    }
    dst[n] = '\0';
    return n;
}

int mlp_format_float(char *buf, float v)
{
    char tmp[64], fixed[32];
    float back;
    int prec, n = 0;

    if (isnan(v))
        return snprintf(buf, 32, "nan");
    if (isinf(v))
        return snprintf(buf, 32, v < 0 ? "-inf" : "inf");

    /* 9 significant digits always read back to the same float */
    for (prec = 6; prec <= 9; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, (double)v);
        n = fix_point(fixed, tmp);
        if (csv_parse_float(fixed, (size_t)n, &back) == CSV_NUMBER_OK
            && memcmp(&back, &v, sizeof v) == 0)
            break;
    }
    memcpy(buf, fixed, (size_t)n + 1);
    return n;
}
