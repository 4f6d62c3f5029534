/* rng.h: the counter-based random draws of MODEL 3.1-3.4.
 *
 * Every draw is a pure function of (seed, stream, key, year, k), so results do
 * not depend on thread count, chunking or evaluation order. */
#ifndef PW_CORE_RNG_H
#define PW_CORE_RNG_H

#include <stdint.h>

/* Stream ids (MODEL 3.3). */
enum pw_stream {
    PW_STREAM_TERMINATION = 1,
    PW_STREAM_TERMINATION_DATE = 2,
    PW_STREAM_HIRE_AGE = 3,
    PW_STREAM_HIRE_DATE = 4,
    PW_STREAM_HIRE_COMP = 5,
    PW_STREAM_HIRE_PART_TIME = 6,
    PW_STREAM_HIRE_INELIGIBLE = 7,
    PW_STREAM_NH_TERMINATION = 8,
    PW_STREAM_NH_TERMINATION_DATE = 9,
    PW_STREAM_PROMOTION = 10,
    PW_STREAM_PROMOTION_RAISE = 11,
    PW_STREAM_MERIT_TIMING = 12,
    PW_STREAM_OPT_OUT = 13,
    PW_STREAM_PROACTIVE = 14,
    PW_STREAM_PROACTIVE_TIMING = 15,
    PW_STREAM_PROACTIVE_RATE = 16,
    PW_STREAM_VOLUNTARY = 17,
    PW_STREAM_VOLUNTARY_RATE = 18,
    PW_STREAM_YOY = 19,
    PW_STREAM_MATCH_RESPONSE = 20,
};

/* SplitMix64 finaliser. */
static inline uint64_t pw_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

#define PW_RNG_GAMMA 0x9E3779B97F4A7C15ULL

/* The 64-bit hash h behind a draw (exposed for the test vectors). */
static inline uint64_t pw_rng_hash(uint64_t seed, uint64_t stream, uint64_t key, uint64_t year, uint64_t k)
{
    uint64_t h = pw_mix64(seed + PW_RNG_GAMMA);
    h = pw_mix64(h ^ pw_mix64(stream + PW_RNG_GAMMA));
    h = pw_mix64(h ^ pw_mix64(key + PW_RNG_GAMMA));
    h = pw_mix64(h ^ pw_mix64(year + PW_RNG_GAMMA));
    h = pw_mix64(h ^ pw_mix64(k + PW_RNG_GAMMA));
    return h;
}

/* U(seed, stream, key, year, k) in [0, 1) with 53 random bits. */
static inline double pw_rng_u(uint64_t seed, uint64_t stream, uint64_t key, uint64_t year, uint64_t k)
{
    return (double)(pw_rng_hash(seed, stream, key, year, k) >> 11) * 0x1.0p-53;
}

uint64_t pw_fnv1a64(const void *data, uint64_t len);
/* Census employee key: FNV-1a 64 of the id, top bit cleared. */
uint64_t pw_census_key(const char *employee_id, uint64_t len);
/* New hire key: 2^63 | Y << 32 | q. */
static inline uint64_t pw_hire_key(int year, uint32_t q)
{
    return (1ULL << 63) | ((uint64_t)(uint32_t)year << 32) | q;
}

/* Standard normal from two draws: sqrt(-2 ln(1-u0)) cos(2 pi u1). */
double pw_normal_from(double u0, double u1);

#endif
