/* marks.h -- where the bytes that end a field stand in a block of text,
 * found 32 or 64 bytes at a time with the widest vector unit there is. */
#ifndef MLP_CSV_MARKS_H
#define MLP_CSV_MARKS_H

#include <stddef.h>
#include <stdint.h>

/* Set bit i % 64 of bits[i / 64] for each byte p[i], i < n, that is d,
 * '\n', '"' or NUL, and clear the others: bits has (n + 63) / 64 words.
 * Reads nothing outside p[0..n). */
void csv_marks(const char *p, size_t n, char d, uint64_t *bits);

/* The instruction sets csv_marks() may use, best last. */
typedef enum csv_isa {
    CSV_ISA_C = 0,
    CSV_ISA_AVX2,
    CSV_ISA_AVX512
} csv_isa;

/* csv_marks() with the given instruction set, so that each can be tested.
 * Returns 0, or -1 (bits untouched) when the processor lacks it. */
int csv_marks_isa(csv_isa isa, const char *p, size_t n, char d,
                  uint64_t *bits);

#endif
