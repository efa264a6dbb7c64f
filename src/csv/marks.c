/* marks.c -- one pass over a block of text that finds every delimiter,
 * line end, quote and NUL as a bitmap: AVX-512 or AVX2 compares where the
 * processor has them, chosen at run time, else plain C. */
#include <string.h>

#include "csv/marks.h"

/* The portable version: one byte at a time. */
static void marks_c(const char *p, size_t n, char d, uint64_t *bits)
{
    size_t i, k;

    for (k = 0; k * 64 < n; k++) {
        uint64_t m = 0;
        size_t stop = n - k * 64 < 64 ? n - k * 64 : 64;

        for (i = 0; i < stop; i++) {
            char c = p[k * 64 + i];

            m |= (uint64_t)(c == d || c == '\n' || c == '"' || c == '\0')
                 << i;
        }
        bits[k] = m;
    }
}

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_X86_MARKS 1

/* Bits for the 64 bytes at p, in 512-bit compares. */
__attribute__((target("avx512f,avx512bw")))
static inline uint64_t marks64_avx512(__m512i v, __m512i vd)
{
    return _mm512_cmpeq_epi8_mask(v, vd)
           | _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\n'))
           | _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('"'))
           | _mm512_testn_epi8_mask(v, v);
}

__attribute__((target("avx512f,avx512bw")))
static void marks_avx512(const char *p, size_t n, char d, uint64_t *bits)
{
    const __m512i vd = _mm512_set1_epi8(d);
    size_t i, k = 0;
    __mmask64 tail;

    for (i = 0; i + 64 <= n; i += 64)
        bits[k++] = marks64_avx512(_mm512_loadu_si512(p + i), vd);

    /* the tail: a masked load touches no byte past p[n - 1] */
    if (i < n) {
        tail = (~(__mmask64)0) >> (64 - (n - i));
        bits[k] = marks64_avx512(_mm512_maskz_loadu_epi8(tail, p + i), vd)
                  & tail;
    }
}

/* Bits for the 32 bytes at p, from byte compares and their sign bits. */
__attribute__((target("avx2")))
static inline uint32_t marks32_avx2(const char *p, __m256i vd)
{
    __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
    __m256i m = _mm256_or_si256(
        _mm256_or_si256(_mm256_cmpeq_epi8(v, vd),
                        _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\n'))),
        _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('"')),
                        _mm256_cmpeq_epi8(v, _mm256_setzero_si256())));

    return (uint32_t)_mm256_movemask_epi8(m);
}

__attribute__((target("avx2")))
static void marks_avx2(const char *p, size_t n, char d, uint64_t *bits)
{
    const __m256i vd = _mm256_set1_epi8(d);
    char tail[64];
    size_t i, k = 0;

    for (i = 0; i + 64 <= n; i += 64)
        bits[k++] = marks32_avx2(p + i, vd)
                    | (uint64_t)marks32_avx2(p + i + 32, vd) << 32;

    /* the tail, copied so that no read goes past p[n - 1] */
    if (i < n) {
        memset(tail, 0, sizeof tail);
        memcpy(tail, p + i, n - i);
        bits[k] = (marks32_avx2(tail, vd)
                   | (uint64_t)marks32_avx2(tail + 32, vd) << 32)
                  & (~UINT64_C(0) >> (64 - (n - i)));
    }
}
#endif

int csv_marks_isa(csv_isa isa, const char *p, size_t n, char d,
                  uint64_t *bits)
{
    switch (isa) {
    case CSV_ISA_C:
        marks_c(p, n, d, bits);
        return 0;
#ifdef HAVE_X86_MARKS
    case CSV_ISA_AVX2:
        if (!__builtin_cpu_supports("avx2"))
            return -1;
        marks_avx2(p, n, d, bits);
        return 0;
    case CSV_ISA_AVX512:
        if (!__builtin_cpu_supports("avx512bw"))
            return -1;
        marks_avx512(p, n, d, bits);
        return 0;
#else
    case CSV_ISA_AVX2:
    case CSV_ISA_AVX512:
        break;
#endif
    }
    return -1;
}

void csv_marks(const char *p, size_t n, char d, uint64_t *bits)
{
#ifdef HAVE_X86_MARKS
    if (__builtin_cpu_supports("avx512bw")) {
        marks_avx512(p, n, d, bits);
        return;
    }
    if (__builtin_cpu_supports("avx2")) {
        marks_avx2(p, n, d, bits);
        return;
    }
#endif
    marks_c(p, n, d, bits);
}
