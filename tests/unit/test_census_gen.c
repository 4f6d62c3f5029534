/* test_census_gen.c: the synthetic census generator (model/census_gen.h):
 * determinism per seed, the shape of 20,000 rows (ages, service, pay bands, level
 * pyramid, deferral, part-time and opt-out shares), ids and option checks. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/census_gen.h"

#define N_SHAPE 20000

/* The MODEL defaults (spec/defaults/job_levels.csv), built here so this test does
 * not depend on the table loader. */
static struct pw_job_levels default_levels(void)
{
    static const double lo[] = {0, 56000, 81000, 121000, 161000, 275000};
    static const double hi[] = {0, 80000, 120000, 160000, 300000, 500000};
    struct pw_job_levels lv;
    memset(&lv, 0, sizeof lv);
    lv.count = 5;
    for (int l = 1; l <= 5; l++) lv.min_comp[l] = lo[l], lv.max_comp[l] = hi[l];
    return lv;
}

static struct pw_census_gen_options options(size_t employees, uint64_t seed)
{
    struct pw_census_gen_options o;
    pw_census_gen_options_init(&o);
    o.employees = employees;
    o.seed = seed;
    return o;
}

static bool rows_equal(const struct pw_census_gen_row *a, const struct pw_census_gen_row *b)
{
    return strcmp(a->employee_id, b->employee_id) == 0 && strcmp(a->ssn, b->ssn) == 0 &&
           a->birth_date == b->birth_date && a->hire_date == b->hire_date && a->level_id == b->level_id &&
           a->compensation == b->compensation && a->deferral_rate == b->deferral_rate &&
           a->hours_per_week == b->hours_per_week && a->auto_escalation_opt_out == b->auto_escalation_opt_out;
}

static void test_same_seed_same_rows(void **state)
{
    (void)state;
    struct pw_job_levels lv = default_levels();
    struct pw_census_gen_options o = options(5000, 42);
    struct pw_census_gen_row a, b;
    for (size_t i = 0; i < o.employees; i++) {
        pw_census_gen_row(&o, &lv, i, &a);
        pw_census_gen_row(&o, &lv, i, &b);
        assert_true(rows_equal(&a, &b));
    }
    /* Row order does not matter: generate backwards and compare with forwards. */
    for (size_t i = o.employees; i-- > 0;) {
        pw_census_gen_row(&o, &lv, i, &a);
        struct pw_census_gen_options o2 = options(5000, 42);
        pw_census_gen_row(&o2, &lv, i, &b);
        assert_true(rows_equal(&a, &b));
    }
}

static void test_different_seed_different_rows(void **state)
{
    (void)state;
    struct pw_job_levels lv = default_levels();
    struct pw_census_gen_options o1 = options(2000, 42), o2 = options(2000, 43);
    struct pw_census_gen_row a, b;
    size_t differ = 0;
    for (size_t i = 0; i < o1.employees; i++) {
        pw_census_gen_row(&o1, &lv, i, &a);
        pw_census_gen_row(&o2, &lv, i, &b);
        assert_string_equal(a.employee_id, b.employee_id); /* ids do not depend on the seed */
        differ += a.birth_date != b.birth_date || a.compensation != b.compensation;
    }
    assert_true(differ > o1.employees * 95 / 100);
}

static void test_prefix_stable(void **state)
{
    (void)state;
    /* The first rows of a bigger census equal a smaller one (same id width). */
    struct pw_job_levels lv = default_levels();
    struct pw_census_gen_options small = options(100, 7), big = options(90000, 7);
    struct pw_census_gen_row a, b;
    for (size_t i = 0; i < small.employees; i++) {
        pw_census_gen_row(&small, &lv, i, &a);
        pw_census_gen_row(&big, &lv, i, &b);
        assert_true(rows_equal(&a, &b));
    }
}

static void test_start_year_shifts_calendar(void **state)
{
    (void)state;
    struct pw_job_levels lv = default_levels();
    struct pw_census_gen_options a = options(500, 42), b = options(500, 42);
    b.start_year = 2030;
    pw_date ca = pw_census_gen_census_date(&a), cb = pw_census_gen_census_date(&b);
    assert_int_equal(ca, pw_date_from_ymd(2024, 12, 31));
    assert_int_equal(cb, pw_date_from_ymd(2029, 12, 31));
    struct pw_census_gen_row ra, rb;
    for (size_t i = 0; i < a.employees; i++) {
        pw_census_gen_row(&a, &lv, i, &ra);
        pw_census_gen_row(&b, &lv, i, &rb);
        assert_int_equal(pw_age(ra.birth_date, ca), pw_age(rb.birth_date, cb));
        assert_int_equal(ra.level_id, rb.level_id);
        /* Leap days move service by a day at most, and pay with it by a hair. */
        assert_true(abs((ca - ra.hire_date) - (cb - rb.hire_date)) <= 2);
        assert_true(fabs(ra.compensation - rb.compensation) < 0.001 * ra.compensation);
    }
}

/* Whole multiples of 1/scale, to within binary representation. */
static bool on_grid(double x, double scale)
{
    double units = x * scale;
    return fabs(units - nearbyint(units)) < 1e-6;
}

static void test_shape(void **state)
{
    (void)state;
    struct pw_job_levels lv = default_levels();
    struct pw_census_gen_options o = options(N_SHAPE, 42);
    const pw_date census_date = pw_census_gen_census_date(&o);
    size_t level_n[6] = {0}, deferring = 0, part_time = 0, opt_out = 0, under_30 = 0, over_55 = 0;
    double age_sum = 0, tenure_sum = 0, level_age_sum[6] = {0};
    struct pw_census_gen_row r;

    for (size_t i = 0; i < o.employees; i++) {
        pw_census_gen_row(&o, &lv, i, &r);
        int age = pw_age(r.birth_date, census_date);
        assert_in_range(age, 20, 65);
        assert_true(r.hire_date >= pw_birthday(r.birth_date, 18));
        assert_true(r.hire_date <= census_date);
        assert_in_range(r.level_id, 1, 5);
        assert_true(r.compensation >= lv.min_comp[r.level_id]);
        assert_true(r.compensation < lv.max_comp[r.level_id]);
        assert_true(on_grid(r.compensation, 100));
        assert_true(r.deferral_rate >= 0 && r.deferral_rate <= 0.20);
        assert_true(on_grid(r.deferral_rate, 10000));
        if (r.hours_per_week != 40) {
            assert_true(r.hours_per_week >= 20 && r.hours_per_week <= 30 && on_grid(r.hours_per_week, 1));
            assert_in_range(r.level_id, 1, 2);
            part_time++;
        }
        /* "9dd-dd-dddd" */
        assert_int_equal(strlen(r.ssn), 11);
        assert_true(r.ssn[0] == '9' && r.ssn[3] == '-' && r.ssn[6] == '-');
        level_n[r.level_id]++;
        level_age_sum[r.level_id] += age;
        deferring += r.deferral_rate > 0;
        opt_out += r.auto_escalation_opt_out;
        under_30 += age < 30;
        over_55 += age >= 55;
        age_sum += age;
        tenure_sum += pw_tenure(r.hire_date, census_date);
    }
    const double n = (double)o.employees;
    for (int l = 1; l <= 5; l++) {
        double want = pw_census_gen_level_share(5, l);
        assert_true(fabs(level_n[l] / n - want) < 0.015);
    }
    assert_true(fabs(pw_census_gen_level_share(5, 1) - 0.45) < 1e-12);
    assert_true(fabs(pw_census_gen_level_share(5, 5) - 0.03) < 1e-12);
    assert_true(fabs(deferring / n - o.pre_enrolled_share) < 0.015);
    assert_true(fabs(part_time / n - o.part_time_share) < 0.01);
    assert_true(fabs(opt_out / n - o.escalation_opt_out_share) < 0.01);
    /* A plausible workforce: mean age around 40, both young and old present,
     * senior levels older, mean service of a few years. */
    assert_true(age_sum / n > 36 && age_sum / n < 46);
    assert_true(under_30 / n > 0.10 && over_55 / n > 0.08);
    assert_true(level_age_sum[5] / level_n[5] > level_age_sum[1] / level_n[1] + 3);
    assert_true(tenure_sum / n > 3 && tenure_sum / n < 12);
}

static void test_ids(void **state)
{
    (void)state;
    struct pw_job_levels lv = default_levels();
    struct pw_census_gen_options o = options(N_SHAPE, 1);
    struct pw_census_gen_row r;
    char prev[sizeof r.employee_id] = "";
    for (size_t i = 0; i < o.employees; i++) {
        pw_census_gen_row(&o, &lv, i, &r);
        if (i == 0) assert_string_equal(r.employee_id, "EMP_000001");
        assert_true(strcmp(prev, r.employee_id) < 0); /* strictly increasing: sorted and unique */
        memcpy(prev, r.employee_id, sizeof prev);
    }
    assert_string_equal(prev, "EMP_020000");

    /* A seventh digit once there are a million rows keeps byte order = number order. */
    o.employees = 1000000;
    pw_census_gen_row(&o, &lv, 0, &r);
    assert_string_equal(r.employee_id, "EMP_0000001");
    pw_census_gen_row(&o, &lv, 999999, &r);
    assert_string_equal(r.employee_id, "EMP_1000000");
    o.employees = 999999;
    pw_census_gen_row(&o, &lv, 999998, &r);
    assert_string_equal(r.employee_id, "EMP_999999");
}

static void test_check(void **state)
{
    (void)state;
    struct pw_job_levels lv = default_levels();
    struct pw_census_gen_options o = options(10, 42);
    struct pw_err err = {0};
    assert_int_equal(pw_census_gen_check(&o, &lv, &err), 0);

    o.employees = 0;
    assert_int_equal(pw_census_gen_check(&o, &lv, &err), PW_ERANGE);
    assert_non_null(strstr(err.msg, "'employees'"));
    o = options(10, 42);
    o.pre_enrolled_share = 1.5;
    assert_int_equal(pw_census_gen_check(&o, &lv, &err), PW_ERANGE);
    assert_non_null(strstr(err.msg, "'pre_enrolled_share'"));
    o = options(10, 42);
    o.start_year = 1800;
    assert_int_equal(pw_census_gen_check(&o, &lv, &err), PW_ERANGE);

    o = options(10, 42);
    lv.max_comp[3] = lv.min_comp[3];
    assert_int_equal(pw_census_gen_check(&o, &lv, &err), PW_ETABLE);
    assert_non_null(strstr(err.msg, "level 3"));
    lv = default_levels();
    lv.count = 0;
    assert_int_equal(pw_census_gen_check(&o, &lv, &err), PW_ETABLE);
}

static void test_other_level_counts(void **state)
{
    (void)state;
    /* Three levels: the pyramid is the first three shares renormalised. */
    struct pw_job_levels lv = default_levels();
    lv.count = 3;
    struct pw_census_gen_options o = options(N_SHAPE, 5);
    size_t level_n[4] = {0};
    struct pw_census_gen_row r;
    for (size_t i = 0; i < o.employees; i++) {
        pw_census_gen_row(&o, &lv, i, &r);
        assert_in_range(r.level_id, 1, 3);
        level_n[r.level_id]++;
    }
    assert_true(fabs(pw_census_gen_level_share(3, 1) - 0.5) < 1e-12);
    for (int l = 1; l <= 3; l++)
        assert_true(fabs(level_n[l] / (double)N_SHAPE - pw_census_gen_level_share(3, l)) < 0.015);
    /* Eight levels still sum to one and keep shrinking. */
    double sum = 0;
    for (int l = 1; l <= 8; l++) {
        sum += pw_census_gen_level_share(8, l);
        if (l > 1) assert_true(pw_census_gen_level_share(8, l) < pw_census_gen_level_share(8, l - 1));
    }
    assert_true(fabs(sum - 1) < 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_rows),
        cmocka_unit_test(test_different_seed_different_rows),
        cmocka_unit_test(test_prefix_stable),
        cmocka_unit_test(test_start_year_shifts_calendar),
        cmocka_unit_test(test_shape),
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_other_level_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
