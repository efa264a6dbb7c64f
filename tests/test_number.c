/* test_number.c -- mlp_parse_float against strtof in the C locale on
 * millions of generated texts, the strict syntax, and mlp_format_float's
 * round trip. */
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "csv/number.h"
#include "mlp/csv.h"

/* xorshift64*: a seeded generator, so that failures repeat. */
static uint64_t rng_state = UINT64_C(0x9e3779b97f4a7c15);

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * UINT64_C(2685821657736338717);
}

static unsigned rnd_below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

static long n_compared, n_mismatched;

/* Texts the inline short path took, by the way it computed them: one
 * product for a mantissa below 2^24, double arithmetic with a check, or
 * two words of digits. */
static long n_short_float, n_short_double, n_short_long;

/* Texts the reader's inline path took. */
static long n_tiny;

#ifdef CSV_SHORT_FLOAT
/* Which way csv_parse_short() takes s, which it accepted. */
static void count_short(const char *s, size_t len)
{
    uint64_t w = 0;
    size_t i = s[0] == '-';

    if (len - i > 8) {
        n_short_long++;
        return;
    }
    for (; i < len; i++)
        if (s[i] != '.')
            w = w * 10 + (uint64_t)(s[i] - '0');
    if (w < (UINT64_C(1) << 24))
        n_short_float++;
    else
        n_short_double++;
}
#endif

/* Parse s both ways; they must agree on the bits, or both refuse.  The
 * reader's variant, for text with padding after it, must agree too. */
static void compare(const char *s)
{
    static char padded[2048];
    float ours = 0.0f, ref, fast = 0.0f;
    char *end;
    size_t len = strlen(s);
    int ok = mlp_parse_float(s, len, &ours) == 0;

    if (len + 17 <= sizeof padded) {
        memcpy(padded, s, len);
        memset(padded + len, 0, 17);
        if ((csv_parse_float_padded(padded, len, &fast) == CSV_NUMBER_OK)
                != ok
            || (ok && memcmp(&fast, &ours, sizeof fast) != 0))
            CHECKF(n_mismatched++ < 0, "\"%s\": padded parse differs", s);
#ifdef CSV_SHORT_FLOAT
#ifdef CSV_TINY_FLOAT
        /* the reader's inline path, after a NUL, then beside a digit */
        if (csv_parse_tiny(padded, padded + len, &fast)) {
            n_tiny++;
            if (!ok || memcmp(&fast, &ours, sizeof fast) != 0)
                CHECKF(n_mismatched++ < 0, "\"%s\": tiny parse differs",
                       s);
        }
        padded[len] = '7';
        if (csv_parse_tiny(padded, padded + len, &fast)
            && (!ok || memcmp(&fast, &ours, sizeof fast) != 0))
            CHECKF(n_mismatched++ < 0, "\"%s\": tiny parse differs", s);
#endif
        /* the inline path, as the table loader calls it, beside a digit */
        padded[len] = '7';
        if (csv_parse_short(padded, padded + len, &fast)) {
            count_short(s, len);
            if (!ok || memcmp(&fast, &ours, sizeof fast) != 0)
                CHECKF(n_mismatched++ < 0, "\"%s\": short parse differs",
                       s);
        }
#endif
    }
    n_compared++;
    ref = strtof(s, &end);
    if (*end != '\0' || isinf(ref)) {
        if (ok && n_mismatched++ < 10)
            CHECKF(0, "\"%s\": accepted as %.9g, strtof refuses", s,
                   (double)ours);
        return;
    }
    if ((!ok || memcmp(&ours, &ref, sizeof ours) != 0)
        && n_mismatched++ < 10)
        CHECKF(0, "\"%s\": ours %.9g (ok %d), strtof %.9g", s,
               (double)ours, ok, (double)ref);
}

/* Append n random digits at p; returns the new end. */
static char *digits(char *p, unsigned n)
{
    while (n-- > 0)
        *p++ = (char)('0' + rnd_below(10));
    return p;
}

/* Random decimal texts: every shape the syntax allows. */
static void random_texts(long n)
{
    char buf[128], *p;
    long i;

    for (i = 0; i < n; i++) {
        unsigned n_int = rnd_below(22), n_frac = rnd_below(22);

        p = buf;
        if (rnd_below(4) == 0)
            *p++ = rnd_below(2) ? '-' : '+';
        p = digits(p, n_int);
        if (n_frac > 0 || rnd_below(8) == 0) {
            *p++ = '.';
            p = digits(p, n_frac);
        }
        if (n_int == 0 && n_frac == 0)
            *p++ = '7';
        if (rnd_below(2))
            p += sprintf(p, "%c%d", rnd_below(2) ? 'e' : 'E',
                         (int)rnd_below(100) - 55);
        *p = '\0';
        compare(buf);
    }
}

/* Texts near floats: each float, its neighbour, the exact halfway point
 * between them, and that point cut to 6..17 digits or nudged. */
static void near_floats(long n, int subnormal)
{
    char buf[160];
    long i;
    int prec;

    for (i = 0; i < n; i++) {
        uint32_t bits = (uint32_t)rnd();
        float f, g;
        double mid;

        /* a finite float of either kind */
        bits &= subnormal ? UINT32_C(0x807fffff) : UINT32_C(0xffffffff);
        memcpy(&f, &bits, sizeof f);
        if (!isfinite(f))
            continue;
        g = nextafterf(f, f < 0 ? -INFINITY : INFINITY);
        mid = ((double)f + (double)g) / 2;

        /* the float itself, the halfway point exact and cut */
        snprintf(buf, sizeof buf, "%.9g", (double)f);
        compare(buf);
        snprintf(buf, sizeof buf, "%.120e", mid);
        compare(buf);
        prec = 6 + (int)rnd_below(12);
        snprintf(buf, sizeof buf, "%.*e", prec, mid);
        compare(buf);
        snprintf(buf, sizeof buf, "%.*g", prec, (double)f);
        compare(buf);
    }
}

/* Integers and short decimals: the fast path's home ground, including
 * mantissas around 2^24 and 2^53 where halfway points are exact. */
static void fast_path_texts(long n)
{
    char buf[64];
    long i;

    for (i = 0; i < n; i++) {
        uint64_t m = rnd() >> rnd_below(64);
        int e = (int)rnd_below(45) - 22;

        snprintf(buf, sizeof buf, "%llue%d", (unsigned long long)m, e);
        compare(buf);
        m = (UINT64_C(1) << 24) + rnd_below(64) * 2 + 1;
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)m);
        compare(buf);
        m = ((UINT64_C(1) << 53) >> rnd_below(30)) + rnd_below(1000);
        snprintf(buf, sizeof buf, "%llue%d", (unsigned long long)m,
                 (int)rnd_below(10) - 5);
        compare(buf);
    }
}

/* [-]D{0,9}[.D{0,9}]: the inline short path's shapes and just past
 * them, with mantissas spread over every length. */
static void short_texts(long n)
{
    char buf[64], *p;
    long i;

    for (i = 0; i < n; i++) {
        p = buf;
        if (rnd_below(2))
            *p++ = '-';
        p = digits(p, rnd_below(10));
        if (rnd_below(8) != 0) {
            *p++ = '.';
            p = digits(p, rnd_below(10));
        }
        *p = '\0';
        if (strpbrk(buf, "0123456789") != NULL)
            compare(buf);
    }
}

#if defined(CSV_SHORT_FLOAT) && defined(FLT_EVAL_METHOD) \
    && FLT_EVAL_METHOD == 0
/* csv_short_float() against a float division, which rounds correctly
 * since w and 10^k are both exact in float: every mantissa for the
 * largest divisors, where halfway points come closest, and every
 * seventh for the others. */
static void short_products(void)
{
    static const float pow10f[8] = {
        1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f
    };
    volatile float divisor;
    uint64_t w, n_bad = 0, n_tried = 0;
    unsigned k;

    for (k = 0; k <= 7; k++) {
        divisor = pow10f[k];
        for (w = 0; w < (UINT64_C(1) << 24); w += k >= 6 ? 1 : 7) {
            float want = (float)w / divisor, got = csv_short_float(w, k);

            n_bad += memcmp(&want, &got, sizeof got) != 0;
            n_tried++;
        }
    }
    CHECKF(n_bad == 0, "%llu of %llu products differ from the division",
           (unsigned long long)n_bad, (unsigned long long)n_tried);
    CHECK(n_tried > 40000000);
}
#define HAVE_SHORT_PRODUCTS 1
#endif

#ifdef CSV_TINY_FLOAT
/* The reader's inline path refuses any high byte, whose carries could
 * hide it, at any place in a short number. */
static void tiny_refusals(void)
{
    char buf[32];
    unsigned c, at, n_taken = 0, n_tried = 0;
    float v;

    for (c = 0x80; c <= 0xff; c++)
        for (at = 0; at < 8; at++) {
            memset(buf, 0, sizeof buf);
            memcpy(buf, "-12.4567", 8);
            buf[at] = (char)c;
            n_taken += csv_parse_tiny(buf, buf + 8, &v);
            n_tried++;
            if (at == 0)
                continue;
            n_taken += csv_parse_tiny(buf + 1, buf + 8, &v);
            n_tried++;
        }
    CHECKF(n_taken == 0, "%u of %u texts with a high byte taken", n_taken,
           n_tried);
}
#endif

/* The edges of float's range. */
static void edges(void)
{
    static const char *const texts[] = {
        "3.4028235e38", "3.4028236e38", "3.40282346e38", "3.402823466e38",
        "3.4028235677973366e38", "3.4028235677973365e38",
        "340282356779733661637539395458142568448",
        "340282356779733661637539395458142568447",
        "-3.4028235e38", "-3.4028236e38", "1e38", "1e39", "1e-38",
        "1.17549435e-38", "1.1754942e-38", "1.4e-45", "1.401298464e-45",
        "7.006492e-46", "7.0064923216240862e-46", "7.0064923216240861e-46",
        "7.0064923216240863e-46", "1e-46", "1e-50", "1e-400", "0", "-0",
        "0.0", "000000000000000000000000000001", "0.000000000000000000000001",
        "1e+0", "1E-0", "16777217", "16777219", "9007199254740993",
        "9007199254740992e-5", "33554431", "33554433",
        "0.100000001490116119384765625", "0.100000005215406417846679687",
        "0.1000000052154064178466796875", "0.10000000521540641784667968751",
        "1e22", "1e23", "123456789012345678901234567890",
        "0.00000000000000000000000000000000000000000000001",
    };
    size_t i;

    for (i = 0; i < sizeof texts / sizeof *texts; i++)
        compare(texts[i]);
}

/* Long texts: hundreds of digits, decided by the last one. */
static void long_texts(void)
{
    char buf[1200];
    int k;

    for (k = 0; k < 200; k++) {
        /* halfway 1 + 2^-24 with a long tail: 0s, then a final 1 */
        size_t n = (size_t)snprintf(buf, sizeof buf, "%.60f",
                                    1.0 + ldexp(1.0, -24));
        while (n > 2 && buf[n - 1] == '0')
            n--;
        memset(buf + n, '0', 300 + (size_t)k);
        n += 300 + (size_t)k;
        buf[n++] = k % 2 ? '1' : '0';
        buf[n] = '\0';
        compare(buf);
    }
}

/* What the strict syntax refuses, and why. */
static void refusals(void)
{
    static const char *const bad[] = {
        "", " ", "1 ", " 1", "+", "-", ".", "+.", "-.e1", "e5", "1e",
        "1e+", "1e-", "0x10", "0X1p3", "1_000", "1,5", "1,000.5", "nan",
        "NaN", "-nan", "inf", "-inf", "Infinity", "1.2.3", "--1", "+-1",
        "1e5.5", "1e5e5", "1d5", "1f", "12a", "\xd9\xa1", "1\n", "\t1",
    };
    float v = 42.0f;
    size_t i;

    for (i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECKF(mlp_parse_float(bad[i], strlen(bad[i]), &v) == -1,
               "\"%s\" accepted", bad[i]);
    CHECK(v == 42.0f);
    CHECK(csv_parse_float("1e39", 4, &v) == CSV_NUMBER_RANGE);
    CHECK(csv_parse_float("-1e999999999999999999999", 24, &v)
          == CSV_NUMBER_RANGE);
    CHECK(csv_parse_float("1x", 2, &v) == CSV_NUMBER_SYNTAX);

    /* the length bounds the text: no NUL needed, none read past */
    CHECK(mlp_parse_float("12345", 2, &v) == 0 && v == 12.0f);
    CHECK(mlp_parse_float("1e-999999999999999999999", 24, &v) == 0
          && v == 0.0f);
    CHECK(mlp_parse_float("-0", 2, &v) == 0 && v == 0.0f && signbit(v));
    CHECK(mlp_parse_float("1.", 2, &v) == 0 && v == 1.0f);
    CHECK(mlp_parse_float(".5", 2, &v) == 0 && v == 0.5f);
    CHECK(mlp_parse_float("+.5e+1", 6, &v) == 0 && v == 5.0f);
}

/* mlp_format_float reads back to the same bits, in at most 9 digits,
 * and is short for simple values. */
static void formatting(void)
{
    static const struct {
        float v;
        const char *text;
    } known[] = {
        { 0.1f, "0.1" }, { 1.0f, "1" }, { -2.5f, "-2.5" }, { 0.0f, "0" },
        { 1e-45f, "1.4013e-45" }, { FLT_MAX, "3.4028235e+38" },
        { 16777216.0f, "16777216" }, { 0.3f, "0.3" }, { 1e10f, "1e+10" },
    };
    char buf[32];
    long i, n_bad = 0;
    size_t k;

    for (k = 0; k < sizeof known / sizeof *known; k++) {
        mlp_format_float(buf, known[k].v);
        CHECK_STR(buf, known[k].text);
    }
    mlp_format_float(buf, -0.0f);
    CHECK_STR(buf, "-0");
    mlp_format_float(buf, NAN);
    CHECK_STR(buf, "nan");
    CHECK(mlp_format_float(buf, -INFINITY) == 4 && strcmp(buf, "-inf") == 0);

    /* random bit patterns round-trip */
    for (i = 0; i < 300000; i++) {
        uint32_t bits = (uint32_t)rnd();
        float v, back = 0.0f;
        int n;

        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v))
            continue;
        n = mlp_format_float(buf, v);
        if ((n != (int)strlen(buf) || mlp_parse_float(buf, strlen(buf),
                                                      &back) != 0
             || memcmp(&back, &v, sizeof v) != 0) && n_bad++ < 5)
            CHECKF(0, "%.9g formats as \"%s\", reads back as %.9g",
                   (double)v, buf, (double)back);
    }
    CHECK(n_bad == 0);
}

/* A locale with a decimal comma changes nothing, when one is installed. */
static void other_locale(void)
{
    static const char *const names[] = { "de_DE.UTF-8", "de_DE.utf8",
                                         "fr_FR.UTF-8", "de_DE" };
    char buf[32];
    float v = 0.0f;
    size_t i;

    for (i = 0; i < sizeof names / sizeof *names; i++)
        if (setlocale(LC_ALL, names[i]) != NULL)
            break;
    if (i == sizeof names / sizeof *names) {
        printf("test_number: no decimal-comma locale installed; "
               "locale check skipped\n");
        return;
    }
    CHECK(mlp_parse_float("1.5", 3, &v) == 0 && v == 1.5f);
    CHECK(mlp_parse_float("1,5", 3, &v) == -1);
    CHECK(mlp_parse_float("1234567.25e-3", 13, &v) == 0
          && v == 1234.56725f);
    mlp_format_float(buf, 0.25f);
    CHECK_STR(buf, "0.25");
    mlp_format_float(buf, 3.14159274f);
    CHECK_STR(buf, "3.1415927");
    setlocale(LC_ALL, "C");
}

int main(void)
{
    /* strtof is the reference only in the C locale */
    setlocale(LC_ALL, "C");
    random_texts(1500000);
    near_floats(250000, 0);
    near_floats(60000, 1);
    fast_path_texts(300000);
    short_texts(600000);
    edges();
#ifdef HAVE_SHORT_PRODUCTS
    short_products();
#endif
#ifdef CSV_TINY_FLOAT
    tiny_refusals();
#endif
    long_texts();
    printf("test_number: %ld texts compared with strtof, %ld differ\n",
           n_compared, n_mismatched);
    CHECK(n_compared > 3000000);
    CHECK(n_mismatched == 0);
#ifdef CSV_SHORT_FLOAT
    printf("test_number: the short path took %ld by one product, %ld "
           "by double, %ld from two words\n", n_short_float, n_short_double,
           n_short_long);
    CHECK(n_short_float > 100000 && n_short_double > 5000
          && n_short_long > 10000);
#endif
#ifdef CSV_TINY_FLOAT
    printf("test_number: the reader's inline path took %ld\n", n_tiny);
    CHECK(n_tiny > 100000);
#endif

    refusals();
    formatting();
    other_locale();
    return check_done("test_number");
}
