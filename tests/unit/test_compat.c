/* test_compat.c: the reference system's configuration layout and census
 * conventions (README "Coming from PlanWise"), each with hand-checked values:
 * match modes and their percent tiers, schedules that run to the next row's
 * min, the dc_plan block, match-response shares, new_hire lists, the age
 * conventions, and the census deferral-rate keys, first-year hires and 0 hours. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/log.h"
#include "core/strpool.h"
#include "model/census.h"
#include "model/config.h"
#include "model/config_keys.h"
#include "sim/plan_money.h"
#include "sim/sim.h"
#include "support/config_fixture.h"

#define MONEY(x, want) assert_float_equal((x), (want), 0.005)

/* Match on deferral rate d of pay b under the formula the plan pays by. */
static double match(double d, double b, int yos, int age)
{
    const struct pw_match_formula *f = pw_plan_active_formula(&cfg.plan);
    assert_non_null(f);
    return pw_match_formula_raw(f, d, b, yos, age, NULL);
}

static void test_tenure_based_percent_tiers(void **state)
{
    (void)state;
    assert_int_equal(load("employer_match:\n  employer_match_status: tenure_based\n  tenure_match_tiers:\n"
                          "    - {min_years: 0, max_years: 2, match_rate: 25, max_deferral_pct: 6}\n"
                          "    - {min_years: 2, max_years: 5, match_rate: 50, max_deferral_pct: 6}\n"
                          "    - {min_years: 5, max_years: null, match_rate: 100, max_deferral_pct: 6}\n"),
                     0);
    /* 8% deferral on $100,000: the match counts 6% of pay */
    MONEY(match(0.08, 100000, 1, 30), 1500);  /* 25% x 6,000 */
    MONEY(match(0.08, 100000, 2, 30), 3000);  /* 50% */
    MONEY(match(0.08, 100000, 4, 30), 3000);
    MONEY(match(0.08, 100000, 5, 30), 6000);  /* 100% */
    MONEY(match(0.04, 100000, 30, 60), 4000); /* 100% of 4% */
    assert_float_equal(pw_match_ceiling(&cfg.plan, 7, 40), 0.06, 1e-12);
}

static void test_points_and_graded_modes(void **state)
{
    (void)state;
    /* points = floor(age) + floor(years of service) */
    assert_int_equal(load("employer_match:\n  employer_match_status: points_based\n  points_match_tiers:\n"
                          "    - {min_points: 0, max_points: 40, match_rate: 25, max_deferral_pct: 6}\n"
                          "    - {min_points: 40, max_points: 60, match_rate: 50, max_deferral_pct: 6}\n"
                          "    - {min_points: 60, max_points: null, match_rate: 100, max_deferral_pct: 6}\n"),
                     0);
    MONEY(match(0.05, 80000, 4, 35), 1000);  /* 39 points: 25% x 5% x 80,000 */
    MONEY(match(0.05, 80000, 5, 35), 2000);  /* 40 points: 50% */
    MONEY(match(0.05, 80000, 10, 50), 4000); /* 60 points: 100% */

    /* Whole-number gaps 0-2, 3-5, 6+ (the reference's own main configuration):
     * each row runs to the next row's min, so 2 years is the first row. */
    unsigned long w0 = pw_log_warning_count();
    assert_int_equal(load("employer_match:\n  employer_match_status: graded_by_service\n"
                          "  employer_match_graded_schedule:\n"
                          "    - {service_years_min: 0, service_years_max: 2, match_rate: 0.5, max_deferral_pct: 0.06}\n"
                          "    - {service_years_min: 3, service_years_max: 5, match_rate: 75, max_deferral_pct: 6}\n"
                          "    - {service_years_min: 6, service_years_max: null, match_rate: 1.0, max_deferral_pct: 0.06}\n"),
                     0);
    assert_int_equal(pw_log_warning_count() - w0, 0);
    MONEY(match(0.06, 100000, 2, 30), 3000); /* 50% x 6,000 */
    MONEY(match(0.06, 100000, 3, 30), 4500); /* 75% (written as a percent) */
    MONEY(match(0.06, 100000, 5, 30), 4500);
    MONEY(match(0.06, 100000, 6, 30), 6000);

    /* deferral_based keeps paying active_formula */
    assert_int_equal(load("employer_match:\n  active_formula: simple_match\n  tenure_match_tiers:\n"
                          "    - {min_years: 0, match_rate: 100, max_deferral_pct: 6}\n"),
                     0);
    MONEY(match(0.08, 100000, 9, 40), 3000); /* simple: 50% of 6% */

    expect_error("employer_match:\n  employer_match_status: points_based\n",
                 "'employer_match.points_match_tiers' must have rows when 'employer_match.employer_match_status' is "
                 "'points_based'");
    expect_error("employer_match:\n  tenure_match_tiers:\n    - {min_years: 0, max_years: 3, match_rate: 25, "
                 "max_deferral_pct: 6}\n    - {min_years: 2, match_rate: 50, max_deferral_pct: 6}\n",
                 "'employer_match.tenure_match_tiers[1].min_years' (2.0) overlaps");
    expect_error("employer_match:\n  employer_match_status: sometimes\n", "employer_match.employer_match_status");
}

static void test_tenure_graded_bands_mode(void **state)
{
    (void)state;
    assert_int_equal(load("employer_match:\n  employer_match_status: tenure_graded\n  tenure_graded_bands:\n"
                          "    - min_years: 0\n      max_years: 4\n"
                          "      tiers: [{employee_min: 0, employee_max: 0.06, match_rate: 0.5}]\n"
                          "    - min_years: 5\n      max_years: null\n"
                          "      tiers: [{employee_min: 0, employee_max: 0.03, match_rate: 1.0},"
                          " {employee_min: 0.03, employee_max: 0.06, match_rate: 0.5}]\n"),
                     0);
    MONEY(match(0.06, 50000, 4, 30), 1500); /* 4 years: first band, 50% x 3,000 */
    MONEY(match(0.06, 50000, 5, 30), 2250); /* 100% x 1,500 + 50% x 1,500 */
}

static void test_dc_plan_block(void **state)
{
    (void)state;
    /* dc_plan wins over the keys it maps onto, even when they come after it */
    assert_int_equal(load("dc_plan:\n  default_deferral_percent: 6\n  auto_enroll_scope: all_eligible\n"
                          "  eligibility_months: 3\n  escalation_rate_percent: 2\n  escalation_cap_percent: 12\n"
                          "  match_template: qaca\n  core_contribution_rate_percent: 3\n"
                          "  core_integration_enabled: true\n  core_integration_level_mode: percent_of_ss_wage_base\n"
                          "  core_integration_level_value: 80\n  core_integration_disparity_rate_percent: 2.5\n"
                          "  match_min_tenure_years: 1\n"
                          "  deferral_match_response:\n    upward_participation_rate: 0.5\n"
                          "enrollment:\n  auto_enrollment:\n    default_deferral_rate: 0.03\n"),
                     0);
    assert_float_equal(cfg.plan.ae_default_rate, 0.06, 1e-12);
    assert_int_equal(cfg.plan.ae_scope, PW_AE_ALL_ELIGIBLE);
    assert_int_equal(cfg.plan.waiting_period_days, 90);
    assert_int_equal(cfg.plan.eligibility_waiting_period_days, 90);
    assert_float_equal(cfg.plan.esc_increment, 0.02, 1e-12);
    assert_float_equal(cfg.plan.esc_max_rate, 0.12, 1e-12);
    assert_string_equal(cfg.plan.active_formula, "qaca"); /* planwise's name for qaca_safe_harbor */
    assert_float_equal(cfg.plan.core_rate, 0.03, 1e-12);
    assert_true(cfg.plan.integration_enabled);
    assert_int_equal(cfg.plan.integration_mode, PW_INTEGRATION_PERCENT);
    assert_float_equal(cfg.plan.disparity_rate, 0.025, 1e-12);
    assert_int_equal(cfg.plan.match_eligibility.minimum_tenure_years, 1);
    assert_false(cfg.plan.match_eligibility.allow_new_hires); /* derived: a tenure wait without the flag */
    assert_true(cfg.plan.mr_enabled);                         /* Studio's default */
    assert_float_equal(cfg.plan.mr_up_participation, 0.5, 0);

    /* match_tiers and match_cap_percent: a tiered formula that becomes active */
    assert_int_equal(load("dc_plan:\n  match_tiers:\n    - {employee_min: 0, employee_max: 0.04, match_rate: 1.0}\n"
                          "  match_cap_percent: 0.03\n"),
                     0);
    assert_string_equal(cfg.plan.active_formula, "dc_plan_match");
    MONEY(match(0.05, 100000, 3, 40), 3000); /* 4,000 capped at 3% of pay */

    /* Studio's tenure tiers take fractions or percents */
    assert_int_equal(load("dc_plan:\n  match_status: tenure_based\n  tenure_match_tiers:\n"
                          "    - {min_years: 0, match_rate: 0.5, max_deferral_pct: 0.06}\n"),
                     0);
    MONEY(match(0.10, 100000, 0, 25), 3000);

    unsigned long w0 = pw_log_warning_count();
    assert_int_equal(load("dc_plan:\n  not_a_studio_key: 1\n"), 0);
    assert_int_equal(pw_log_warning_count() - w0, 1);
}

static void test_match_response_shares(void **state)
{
    (void)state;
    assert_int_equal(load("deferral_match_response:\n  enabled: true\n  upward_partial_increase_rate: 0.3\n"
                          "  downward_partial_decrease_rate: 0.25\n  effective_timing: first_year\n"),
                     0);
    assert_float_equal(cfg.plan.mr_up_maximize, 0.7, 1e-12);
    assert_float_equal(cfg.plan.mr_down_to_max, 0.75, 1e-12);
    expect_error("deferral_match_response:\n  upward_maximize_rate: 0.6\n  upward_partial_increase_rate: 0.5\n",
                 "'deferral_match_response.upward_maximize_rate' (0.6) and "
                 "'deferral_match_response.upward_partial_increase_rate' (0.5) must add up to 1");
    expect_error("deferral_match_response:\n  effective_timing: every_year\n", "one of 'first_year'");
}

static void test_new_hire_lists(void **state)
{
    (void)state;
    assert_int_equal(load("new_hire:\n  age_distribution: [{age: 30, weight: 1}, {age: 55, weight: 3}]\n"
                          "  job_level_compensation:\n    - {level: 2, min_compensation: 60000, max_compensation: 90000}\n"),
                     0);
    assert_int_equal(cfg.nh_age_count, 2);
    assert_int_equal(cfg.nh_age[1], 55);
    assert_float_equal(cfg.nh_age_weight[1], 3, 0);
    assert_true(cfg.nh_level_comp.set[2]);
    assert_false(cfg.nh_level_comp.set[1]);
    assert_float_equal(cfg.nh_level_comp.min[2], 60000, 0);
    char *text = dump(&cfg);
    assert_non_null(strstr(text, "  age_distribution:\n    - age: 30\n      weight: 1.0\n"));
    free(text);
    expect_error("new_hire:\n  age_distribution: [{age: 40, weight: 1}, {age: 30, weight: 1}]\n",
                 "must be above the age of the row before (40)");
    expect_error("new_hire:\n  job_level_compensation: [{level: 1, min_compensation: 9, max_compensation: 5}]\n",
                 "0 < min_compensation <= max_compensation");
}

/* The age convention, on a boundary employee born Jan 1, 2000 (census date Dec 31, 2024). */
static void test_age_conventions(void **state)
{
    (void)state;
    assert_int_equal(load("simulation:\n  age_convention: reference\n"
                          "employer_core_contribution:\n  status: age_banded\n  age_schedule:\n"
                          "    - {min_age: 0, max_age: 25, contribution_rate: 0.03}\n"
                          "    - {min_age: 25, max_age: null, contribution_rate: 0.05}\n"),
                     0);
    struct pw_sim sim;
    memset(&sim, 0, sizeof sim);
    sim.cfg = &cfg;
    pw_year_set_calendar(&sim.year, 2025);
    const pw_date born = pw_date_from_ymd(2000, 1, 1);
    /* reference: 2024 - 2000 = 24 in 2025; exact: 25 by Dec 31, 2025 */
    assert_int_equal(pw_sim_age(&sim, born), 24);
    assert_float_equal(pw_core_rate(&cfg.plan, 0, pw_sim_age(&sim, born)), 0.03, 0);
    pw_year_set_calendar(&sim.year, 2027);
    assert_int_equal(pw_sim_age(&sim, born), 26); /* carried +1 per year */
    cfg.age_convention = PW_AGE_EXACT;
    assert_int_equal(pw_sim_age(&sim, born), 27);
    pw_year_set_calendar(&sim.year, 2025);
    assert_int_equal(pw_sim_age(&sim, born), 25);
    assert_float_equal(pw_core_rate(&cfg.plan, 0, pw_sim_age(&sim, born)), 0.05, 0);
}

/* ---- census ---- */

static struct pw_tables tables;

static struct pw_strpool strings;   /* ids of the census being read; released with it */

static void census_rows(const struct pw_config *c, const char *const *rows, int n, struct pw_census *out)
{
    pw_strpool_init(&strings);
    assert_int_equal(pw_census_init(out, &strings), 0);
    for (int i = 0; i < n; i++) {
        char buf[256];
        struct pw_census_fields f;
        memset(&f, 0, sizeof f);
        snprintf(buf, sizeof buf, "%s", rows[i]);
        char *p = buf;
        for (int col = 0; col < PW_CC_COUNT && p; col++) {
            char *bar = strchr(p, '|');
            if (bar) *bar = '\0';
            if (*p) f.value[col] = p, f.len[col] = strlen(p);
            p = bar ? bar + 1 : NULL;
        }
        assert_int_equal(pw_census_add_row(out, &f, (size_t)i + 1, c, &tables), 0);
    }
    struct pw_err e = {0};
    assert_int_equal(pw_census_finish(out, &e), 0);
}

static double rate_of(const struct pw_census *c, const char *id)
{
    for (size_t i = 0; i < c->roster.count; i++)
        if (!strcmp(c->roster.employee_id[i], id)) return c->roster.deferral_rate[i];
    fail_msg("%s not in the roster", id);
    return NAN;
}

static void test_census_deferral_keys_and_first_year_hires(void **state)
{
    (void)state;
    struct pw_err e = {0};
    assert_int_equal(pw_tables_load(&tables, "", &e), 0);
    static const char *const rows[] = {
        "A|1980-01-01|2010-01-01|60000||||7.5",     /* percent: 0.075 */
        "B|1980-01-01|2010-01-01|60000||||abc",     /* unreadable: the fallback */
        "C|1980-01-01|2010-01-01|60000||||-1",      /* out of range: the fallback */
        "D|1980-01-01|2025-06-01|60000||||0.04|0",  /* hired inside 2025; 0 hours */
        "E|1980-01-01|2026-01-02|60000",            /* after the first year: rejected */
    };
    assert_int_equal(load("deferral_rates:\n  pre_enrolled_fallback: 0.03\n"), 0);
    struct pw_census c;
    census_rows(&cfg, rows, 5, &c);
    assert_float_equal(rate_of(&c, "A"), 0.075, 1e-12);
    assert_float_equal(rate_of(&c, "B"), 0.03, 1e-12);
    assert_float_equal(rate_of(&c, "C"), 0.03, 1e-12);
    assert_int_equal(c.stats.deferral_fallback, 2);
    assert_int_equal(c.stats.hired_after_census, 1);
    assert_int_equal(c.roster.count, 4);
    assert_float_equal(c.roster.hours_per_week[3], 0, 0);
    assert_int_equal(c.rejected_count, 1);
    assert_string_equal(c.rejected[0].column, "employee_hire_date");
    pw_census_release(&c);
    pw_strpool_release(&strings);

    /* use_census_rates false: nobody starts enrolled; normalize_percentages false: 7.5 is refused */
    assert_int_equal(load("deferral_rates:\n  use_census_rates: false\n"), 0);
    census_rows(&cfg, rows, 4, &c);
    assert_float_equal(rate_of(&c, "A"), 0, 0);
    assert_float_equal(rate_of(&c, "B"), 0, 0);
    assert_int_equal(c.rejected_count, 0);
    pw_census_release(&c);
    pw_strpool_release(&strings);
    assert_int_equal(load("deferral_rates:\n  normalize_percentages: false\n"), 0);
    static const char *const two[] = {"A|1980-01-01|2010-01-01|60000||||7.5", "F|1980-01-01|2010-01-01|60000||||0.05"};
    census_rows(&cfg, two, 2, &c);
    assert_float_equal(rate_of(&c, "F"), 0.05, 1e-12);
    assert_int_equal(c.rejected_count, 1);
    assert_non_null(strstr(c.rejected[0].reason, "normalize_percentages is false"));
    pw_census_release(&c);
    pw_strpool_release(&strings);
}

/* Social Security wage base: pay of exactly the 2025 wage base has no excess, so
 * no disparity part; one dollar of pay above it earns the disparity rate. */
static void test_wage_base_integration(void **state)
{
    (void)state;
    struct pw_err e = {0};
    assert_int_equal(pw_tables_load(&tables, "", &e), 0);
    assert_int_equal(load("employer_core_contribution:\n  contribution_rate: 0.03\n  eligibility: {minimum_hours_annual: 0}\n"
                          "  integration: {enabled: true, level_mode: ss_wage_base, disparity_rate: 0.05}\n"),
                     0);
    const struct pw_irs_year *irs = pw_tables_irs(&tables, 2025);
    assert_non_null(irs);
    assert_float_equal(irs->ss_wage_base, 176100, 0);
    const double level = pw_integration_level(&cfg.plan, irs);
    struct pw_emp_facts f = {.term_kind = 0, .hired_in_year = false, .hours = 2080, .yos = 5, .age = 50};
    struct pw_core_result c;
    pw_core(&cfg.plan, &f, 176100, level, &c);
    MONEY(c.disparity, 0);
    MONEY(c.amount, 5283);          /* 3% x 176,100 */
    pw_core(&cfg.plan, &f, 200000, level, &c);
    MONEY(c.disparity, 1195);       /* 5% x 23,900 */
    MONEY(c.amount, 7195);
}

int main(void)
{
    pw_log_set_verbosity(PW_QUIET); /* warnings are counted, not shown */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tenure_based_percent_tiers),
        cmocka_unit_test(test_points_and_graded_modes),
        cmocka_unit_test(test_tenure_graded_bands_mode),
        cmocka_unit_test(test_dc_plan_block),
        cmocka_unit_test(test_match_response_shares),
        cmocka_unit_test(test_new_hire_lists),
        cmocka_unit_test(test_age_conventions),
        cmocka_unit_test(test_census_deferral_keys_and_first_year_hires),
        cmocka_unit_test(test_wage_base_integration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
