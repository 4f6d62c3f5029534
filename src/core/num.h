/* num.h: the rounding rules of MODEL 1.4 (cents, rates, epsilon-guarded integer
 * rounding) shared by every step. */
#ifndef PW_CORE_NUM_H
#define PW_CORE_NUM_H

#include <math.h>
#include <stdint.h>

#define PW_EPS 1e-9

/* Round half away from zero to cents. The 1e-9 nudge makes values like 0.125 *
 * 100 = 12.4999999 round as the decimal they stand for. */
static inline double pw_round2(double x)
{
    double r = floor(fabs(x) * 100.0 + 0.5 + 1e-7) / 100.0;
    return x < 0 ? -r : r;
}
static inline double pw_round6(double x)
{
    double r = floor(fabs(x) * 1e6 + 0.5 + 1e-6) / 1e6;
    return x < 0 ? -r : r;
}
static inline int64_t pw_cents(double money) { return (int64_t)llround(money * 100.0); }
static inline double pw_floor_eps(double x) { return floor(x + PW_EPS); }
static inline double pw_ceil_eps(double x) { return ceil(x - PW_EPS); }
static inline double pw_rha(double x)
{
    double r = floor(fabs(x) + 0.5 + PW_EPS);
    return x < 0 ? -r : r;
}
static inline double pw_clamp(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }
static inline double pw_min(double a, double b) { return a < b ? a : b; }
static inline double pw_max(double a, double b) { return a > b ? a : b; }

#endif
