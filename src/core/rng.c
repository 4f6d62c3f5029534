/* rng.c: FNV-1a keys and the derived normal draw of MODEL 3.2 and 3.4. */
#include "core/rng.h"

#include <math.h>

uint64_t pw_fnv1a64(const void *data, uint64_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0xCBF29CE484222325ULL;
    for (uint64_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001B3ULL;
    }
    return h;
}

uint64_t pw_census_key(const char *employee_id, uint64_t len)
{
    return pw_fnv1a64(employee_id, len) & 0x7FFFFFFFFFFFFFFFULL;
}

double pw_normal_from(double u0, double u1)
{
    return sqrt(-2.0 * log(1.0 - u0)) * cos(2.0 * M_PI * u1);
}
