/* mem.h -- overflow-checked sizes and one-block layouts for the engine.
 *
 * A run's buffers are carved out of one aligned block.  Lay them out
 * twice with the same code: first with a NULL base to learn the size
 * (mlp_arena_take returns NULL then), then with the allocated block.
 */
#ifndef MLP_ENGINE_MEM_H
#define MLP_ENGINE_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define MLP_ALIGN 64    /* bytes: a cache line, and any vector width */

typedef struct mlp_arena {
    char *base;         /* NULL while measuring */
    size_t used;        /* bytes so far, a multiple of MLP_ALIGN */
    int overflow;       /* set when a size did not fit in size_t */
} mlp_arena;

/* *out = a * b; returns 0 when that overflows size_t. */
static inline int mlp_size_mul(size_t a, size_t b, size_t *out)
{
    if (b != 0 && a > SIZE_MAX / b)
        return 0;
    *out = a * b;
    return 1;
}

/* *out = a + b; returns 0 when that overflows size_t. */
static inline int mlp_size_add(size_t a, size_t b, size_t *out)
{
    if (a > SIZE_MAX - b)
        return 0;
    *out = a + b;
    return 1;
}

/* Reserve n elements of size elem, aligned; returns where they are, or
 * NULL while measuring or after an overflow. */
static inline void *mlp_arena_take(mlp_arena *a, size_t n, size_t elem)
{
    size_t bytes, start = a->used;

    if (!mlp_size_mul(n, elem, &bytes)
        || !mlp_size_add(bytes, MLP_ALIGN - 1, &bytes)) {
        a->overflow = 1;
        return NULL;
    }
    bytes -= bytes % MLP_ALIGN;
    if (!mlp_size_add(a->used, bytes, &a->used)) {
        a->overflow = 1;
        return NULL;
    }
    return a->base != NULL ? a->base + start : NULL;
}

/* An aligned block of bytes (rounded up to MLP_ALIGN), or NULL. */
static inline void *mlp_aligned_alloc(size_t bytes)
{
    if (bytes == 0)
        bytes = MLP_ALIGN;
    if (bytes > SIZE_MAX - MLP_ALIGN)
        return NULL;
    bytes = (bytes + MLP_ALIGN - 1) / MLP_ALIGN * MLP_ALIGN;
    return aligned_alloc(MLP_ALIGN, bytes);
}

#endif
