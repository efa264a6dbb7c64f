/* rng.c -- xoshiro256** (Blackman and Vigna) seeded by splitmix64.
 *
 * Only integer arithmetic and exact float scaling, so the streams, and
 * the weights drawn from them, are the same bits on every machine.
 */
#include "engine/rng.h"

/* Rotate x left by k bits, 0 < k < 64. */
static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* Advance a splitmix64 state; returns its next output. */
static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

void mlp_rng_seed(mlp_rng *r, uint64_t seed)
{
    uint64_t x = seed;

    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
    if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
        r->s[0] = 1;
}

uint64_t mlp_rng_next(mlp_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

float mlp_rng_float(mlp_rng *r)
{
    /* 24 bits fill a float's significand: k * 2^-24 is exact. */
    return (float)(mlp_rng_next(r) >> 40) * 0x1p-24f;
}

size_t mlp_rng_below(mlp_rng *r, size_t n)
{
    uint64_t range = (uint64_t)n;
    uint64_t x = mlp_rng_next(r);

    /* Reject the low 2^64 mod n values so that every residue is equally
     * likely.  That bound is below n, so only a draw below n needs it:
     * the division that finds it is all but never made. */
    if (x < range) {
        uint64_t floor = (0 - range) % range;   /* 2^64 mod n */

        while (x < floor)
            x = mlp_rng_next(r);
    }
    return (size_t)(x % range);
}

void mlp_rng_shuffle(mlp_rng *r, size_t *idx, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = mlp_rng_below(r, i);
        size_t t = idx[i - 1];

        idx[i - 1] = idx[j];
        idx[j] = t;
    }
}
