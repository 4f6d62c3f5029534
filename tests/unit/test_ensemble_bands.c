/* test_ensemble_bands.c: the band statistics of planwise ensemble (sim/ensemble.c):
 * mean, sample sd and linearly interpolated percentiles, independent of input order. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim/ensemble.h"

static void test_band_values(void **state)
{
    (void)state;
    double x[5] = {5, 1, 4, 2, 3};   /* unsorted on purpose */
    struct pw_band b;
    pw_band_compute(x, 5, &b);
    assert_int_equal(b.n, 5);
    assert_true(fabs(b.mean - 3.0) < 1e-12);
    assert_true(fabs(b.sd - sqrt(2.5)) < 1e-12);           /* sample sd of 1..5 */
    assert_true(fabs(b.p[0] - 1.2) < 1e-12);               /* p05: 1 + 0.05*4*(2-1) */
    assert_true(fabs(b.p[3] - 3.0) < 1e-12);               /* p50 */
    assert_true(fabs(b.p[4] - 4.0) < 1e-12);               /* p75 */
    assert_true(fabs(b.p[6] - 4.8) < 1e-12);               /* p95 */
}

static void test_band_order_independent(void **state)
{
    (void)state;
    double a[6] = {0.1, 0.7, 0.3, 1e6, -2, 0.2}, b[6] = {1e6, 0.2, -2, 0.3, 0.7, 0.1};
    struct pw_band x, y;
    pw_band_compute(a, 6, &x);
    pw_band_compute(b, 6, &y);
    assert_memory_equal(&x, &y, sizeof x);                 /* bit-identical for any order of seeds */
}

static void test_band_small(void **state)
{
    (void)state;
    double one[1] = {7};
    struct pw_band b;
    pw_band_compute(one, 1, &b);
    assert_true(b.mean == 7 && b.sd == 0 && b.p[0] == 7 && b.p[6] == 7);
    pw_band_compute(one, 0, &b);
    assert_int_equal(b.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_band_values),
        cmocka_unit_test(test_band_order_independent),
        cmocka_unit_test(test_band_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
