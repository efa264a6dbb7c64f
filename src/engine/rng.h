/* rng.h -- the project's own random generator: xoshiro256** seeded by
 * splitmix64, so that a seed gives the same numbers on every machine. */
#ifndef MLP_ENGINE_RNG_H
#define MLP_ENGINE_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct mlp_rng {
    uint64_t s[4];
} mlp_rng;

/* Fill the state from seed through splitmix64 (never all zero). */
void mlp_rng_seed(mlp_rng *r, uint64_t seed);

/* The next 64 random bits. */
uint64_t mlp_rng_next(mlp_rng *r);

/* A float in [0, 1) with 24 random bits: the top 24 of the next word. */
float mlp_rng_float(mlp_rng *r);

/* An integer in [0, n), n > 0, without modulo bias. */
size_t mlp_rng_below(mlp_rng *r, size_t n);

/* Put idx[0..n) in a uniformly random order (Fisher-Yates). */
void mlp_rng_shuffle(mlp_rng *r, size_t *idx, size_t n);

#endif
