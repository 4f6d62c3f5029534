/* test_plan_config.c: unit tests of the retirement-plan configuration (MODEL 2.2
 * plan rows, 4.10-4.17): defaults, every formula type, validation rules that span
 * keys or list items, and the example plan designs in config/examples/.
 *
 * Run from the repository root (fixtures in tests/data/config/ and config/). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/log.h"
#include "io/yaml_config.h"
#include "model/config.h"
#include "model/config_keys.h"
#include "sim/plan_money.h"
#include "support/config_fixture.h"

/* ---- retirement plan (MODEL 2.2 plan rows, 4.10-4.17) ---- */

static const struct pw_match_formula *formula(const char *name)
{
    for (int i = 0; i < cfg.plan.formula_count; i++)
        if (strcmp(cfg.plan.formulas[i].name, name) == 0) return &cfg.plan.formulas[i];
    return NULL;
}

static void assert_tier(const struct pw_match_tier *t, double lo, double hi, double rate)
{
    assert_float_equal(t->employee_min, lo, 0);
    assert_float_equal(t->employee_max, hi, 0);
    assert_float_equal(t->match_rate, rate, 0);
}

/* The reference's formula types 'safe_harbor' and 'qaca' are tiered formulas;
 * immediate_vesting and vesting_schedule pick the schedule of their money. */
static void test_reference_formula_types(void **state)
{
    (void)state;
    memset(&err, 0, sizeof err);
    int warnings = pw_log_warning_count();
    assert_int_equal(pw_config_load_file(&cfg, "tests/data/config/reference/safe_harbor_formulas.yaml", &err), 0);
    assert_int_equal(pw_log_warning_count(), warnings); /* `tier: 1` and every other key understood */
    const struct pw_match_formula *sh = formula("safe_harbor"), *q = formula("qaca_match");
    assert_non_null(sh);
    assert_non_null(q);
    assert_int_equal(sh->type, PW_FORMULA_TIERED);
    assert_int_equal(sh->tier_count, 2);
    assert_tier(&sh->tiers[0], 0.00, 0.03, 1.00);
    assert_tier(&sh->tiers[1], 0.03, 0.05, 0.50);
    assert_true(sh->has_cap);
    assert_float_equal(sh->max_match_percentage, 0.04, 0);
    assert_string_equal(sh->vesting_schedule, "immediate");
    assert_int_equal(q->type, PW_FORMULA_TIERED);
    assert_float_equal(q->max_match_percentage, 0.035, 0);
    assert_string_equal(q->vesting_schedule, "cliff_2"); /* qaca_2_year: 2-year cliff */

    expect_error("employer_match:\n  formulas:\n    x:\n      type: stretchy\n      match_rate: 0.5\n",
                 "'simple', 'tiered', 'graded_by_service', 'tenure_graded', 'points_based', 'safe_harbor', 'qaca', "
                 "got 'stretchy'");
    expect_error("employer_match:\n  formulas:\n    x:\n      type: simple\n      match_rate: 0.5\n"
                 "      immediate_vesting: true\n      vesting_schedule: graded_4\n",
                 "t.yaml:6: 'employer_match.formulas.x' has immediate_vesting: true and vesting_schedule 'graded_4'");
    expect_error("employer_match:\n  formulas:\n    x:\n      type: simple\n      match_rate: 0.5\n"
                 "      immediate_vesting: soon\n",
                 "'employer_match.formulas.x.immediate_vesting' must be true or false");
    /* immediate_vesting: false leaves the plan's match schedule in force. */
    assert_int_equal(load("employer_match:\n  formulas:\n    x:\n      type: simple\n      match_rate: 0.5\n"
                          "      max_match_percentage: 0.06\n      immediate_vesting: false\n"), 0);
    assert_string_equal(formula("x")->vesting_schedule, "");
}

static void test_plan_defaults(void **state)
{
    (void)state;
    pw_config_init_defaults(&cfg);
    assert_int_equal(pw_config_finalize(&cfg, &err), 0);
    const struct pw_plan_config *p = &cfg.plan;
    assert_int_equal(p->minimum_age, 21);
    assert_int_equal(p->waiting_period_days, 0);
    assert_false(p->waiting_period_days_set);
    assert_true(p->ae_enabled);
    assert_int_equal(p->ae_scope, PW_AE_NEW_HIRES_ONLY);
    assert_int_equal(p->ae_hire_date_cutoff, pw_date_from_ymd(2020, 1, 1));
    assert_int_equal(p->ae_window_days, 45);
    assert_int_equal(p->ae_opt_out_grace_days, 30);
    assert_float_equal(p->ae_default_rate, 0.02, 0);
    assert_float_equal(p->voluntary_enrollment_rate, 1.0, 0);
    assert_true(p->proactive_enabled && p->voluntary_enabled && p->yoy_enabled && p->match_optimization);
    assert_int_equal(p->proactive_min_days, 7);
    assert_int_equal(p->proactive_max_days, 35);
    assert_float_equal(p->magnet_snap_probability, 0.45, 0);
    assert_float_equal(p->magnet_max_rate, 0.10, 0);
    assert_float_equal(p->magnet_min_rate, 0.01, 0);
    assert_int_equal(p->yoy_month, 6);
    assert_int_equal(p->yoy_day, 15);
    /* Rates that live in assumption tables: NAN, so the engine uses the table. */
    for (int g = 0; g < PW_AGE_GROUPS; g++) {
        assert_true(isnan(p->opt_out_by_age[g]) && isnan(p->proactive_by_age[g]) && isnan(p->vol_base_by_age[g]));
        assert_true(isnan(p->yoy_base_by_age[g]) && isnan(p->yoy_deferral_by_age[g]));
        for (int i = 0; i < PW_INCOME_GROUPS; i++) assert_true(isnan(p->vol_deferral[g][i]));
    }
    for (int i = 0; i < PW_INCOME_GROUPS; i++)
        assert_true(isnan(p->opt_out_income_mult[i]) && isnan(p->vol_income_mult[i]) && isnan(p->yoy_income_mult[i]));
    for (int i = 0; i < PW_LEVEL_GROUPS; i++) assert_true(isnan(p->vol_level_mult[i]));
    for (int i = 0; i < PW_TENURE_GROUPS; i++) assert_true(isnan(p->yoy_tenure_mult[i]));
    assert_float_equal(p->roth_share, 0.15, 0);
    assert_true(p->esc_enabled);
    assert_int_equal(p->esc_mmdd, 101);
    assert_float_equal(p->esc_increment, 0.01, 0);
    assert_float_equal(p->esc_max_rate, 0.10, 0);
    assert_int_equal(p->esc_hire_date_cutoff, pw_date_from_ymd(2020, 1, 1));
    assert_int_equal(p->esc_delay_years, 1);
    assert_false(p->mr_enabled);
    assert_float_equal(p->mr_up_participation, 0.40, 0);
    assert_float_equal(p->mr_up_maximize, 0.60, 0);
    assert_float_equal(p->mr_up_partial_factor, 0.50, 0);
    assert_true(p->mr_down_enabled);
    assert_float_equal(p->mr_down_participation, 0.15, 0);
    assert_float_equal(p->mr_down_to_max, 0.70, 0);
    assert_float_equal(p->mr_down_partial_factor, 0.50, 0);
    assert_true(p->match_enabled);
    assert_string_equal(p->active_formula, "tiered_match");
    const struct pw_employer_eligibility *me = &p->match_eligibility, *ce = &p->core_eligibility;
    assert_true(me->apply_eligibility && ce->apply_eligibility);
    assert_true(me->minimum_tenure_years == 0 && me->minimum_hours_annual == 1000 && ce->minimum_hours_annual == 1000);
    assert_true(me->require_active_at_year_end && me->allow_new_hires && ce->require_active_at_year_end);
    assert_false(me->allow_terminated_new_hires || me->allow_experienced_terminations || ce->allow_experienced_terminations);
    assert_true(p->core_enabled);
    assert_int_equal(p->core_status, PW_CORE_FLAT);
    assert_float_equal(p->core_rate, 0.01, 0);
    assert_int_equal(p->graded_count, 3);
    const double graded[3][3] = {{0, 3, 0.01}, {3, 6, 0.02}, {6, -1, 0.03}};
    for (int i = 0; i < 3; i++) {
        assert_float_equal(p->graded[i].min, graded[i][0], 0);
        assert_float_equal(p->graded[i].max, graded[i][1], 0);
        assert_float_equal(p->graded[i].rate, graded[i][2], 0);
    }
    assert_int_equal(p->age_count, 0);
    assert_int_equal(p->points_count, 0);
    assert_false(p->integration_enabled);
    assert_int_equal(p->integration_mode, PW_INTEGRATION_SS_WAGE_BASE);
    assert_true(isnan(p->integration_level_value));
    assert_float_equal(p->disparity_rate, 0.0, 0);
    assert_true(p->vesting_enabled);
    assert_string_equal(p->match_schedule, "graded_6");
    assert_string_equal(p->core_schedule, "graded_6");
    assert_false(p->require_hours_credit);
    assert_int_equal(p->hours_credit_threshold, 1000);

    /* The built-in formulas of MODEL 4.14, in this order. */
    static const char *const names[] = {"simple_match", "tiered_match", "enhanced_tiered", "stretch_match",
                                        "safe_harbor_basic", "qaca"};
    assert_int_equal(p->formula_count, 6);
    for (int i = 0; i < 6; i++) assert_string_equal(p->formulas[i].name, names[i]);
    const struct pw_match_formula *f = formula("simple_match");
    assert_int_equal(f->type, PW_FORMULA_SIMPLE);
    assert_true(f->has_cap);
    assert_float_equal(f->match_rate, 0.50, 0);
    assert_float_equal(f->max_match_percentage, 0.06, 0);
    static const char *const same_tiers[] = {"tiered_match", "enhanced_tiered", "safe_harbor_basic"};
    for (int i = 0; i < 3; i++) {
        f = formula(same_tiers[i]);
        assert_int_equal(f->type, PW_FORMULA_TIERED);
        assert_int_equal(f->tier_count, 2);
        assert_tier(&f->tiers[0], 0, 0.03, 1.0);
        assert_tier(&f->tiers[1], 0.03, 0.05, 0.5);
        assert_true(f->has_cap);
        assert_float_equal(f->max_match_percentage, 0.04, 0);
    }
    assert_string_equal(formula("tiered_match")->vesting_schedule, "");
    assert_string_equal(formula("safe_harbor_basic")->vesting_schedule, "immediate");
    f = formula("stretch_match");
    assert_int_equal(f->tier_count, 1);
    assert_tier(&f->tiers[0], 0, 0.12, 0.25);
    assert_float_equal(f->max_match_percentage, 0.03, 0);
    f = formula("qaca");
    assert_int_equal(f->tier_count, 2);
    assert_tier(&f->tiers[0], 0, 0.01, 1.0);
    assert_tier(&f->tiers[1], 0.01, 0.06, 0.5);
    assert_float_equal(f->max_match_percentage, 0.035, 0);
    assert_string_equal(f->vesting_schedule, "cliff_2");
    assert_ptr_equal(pw_plan_active_formula(p), formula("tiered_match"));
}

static void test_plan_keys(void **state)
{
    (void)state;
    const struct pw_plan_config *p = &cfg.plan;
    assert_int_equal(load("eligibility:\n  waiting_period_days: 90\n"
                          "enrollment:\n  auto_enrollment:\n    scope: all_eligible_employees\n"
                          "    hire_date_cutoff: null\n    default_deferral_rate: 0.06\n"
                          "    opt_out_rates:\n      by_age: {young: 0.2}\n      by_income: {low_income: 1.5}\n"
                          "  proactive_enrollment:\n    probability_by_demographics: {senior: 0.9}\n"
                          "  voluntary_enrollment:\n    income_multipliers: {low: 0.5}\n"
                          "    job_level_multipliers: {executive: 2}\n"
                          "    deferral_rates:\n      demographic_base_rates: {mature_high: 0.11, young_low: null}\n"
                          "  year_over_year_conversion:\n    income_multipliers: {executive: 1.4}\n"
                          "    tenure_multipliers: {veteran: 1.5}\n    deferral_rates: {mid_career: 0.05}\n"
                          "    timing: {enrollment_month: 2, enrollment_day: 28}\n"
                          "deferral_auto_escalation:\n  effective_day: 04-01\n  hire_date_cutoff: ~\n"
                          "employer_core_contribution:\n  integration: {enabled: true, level_mode: percent, "
                          "level_value: 80}\n"
                          "vesting:\n  match_schedule: cliff_3\n"),
                     0);
    assert_int_equal(p->waiting_period_days, 90); /* from eligibility.waiting_period_days */
    assert_false(p->waiting_period_days_set);
    assert_int_equal(p->ae_scope, PW_AE_ALL_ELIGIBLE);
    assert_int_equal(p->ae_hire_date_cutoff, PW_NO_DATE);
    assert_float_equal(p->ae_default_rate, 0.06, 0);
    assert_float_equal(p->opt_out_by_age[0], 0.2, 0);
    assert_true(isnan(p->opt_out_by_age[1]));
    assert_float_equal(p->opt_out_income_mult[0], 1.5, 0); /* low_income is group 0 */
    assert_float_equal(p->proactive_by_age[3], 0.9, 0);
    assert_float_equal(p->vol_income_mult[0], 0.5, 0);
    assert_float_equal(p->vol_level_mult[3], 2, 0);
    assert_float_equal(p->vol_deferral[2][2], 0.11, 0);
    assert_true(isnan(p->vol_deferral[0][0]));
    assert_float_equal(p->yoy_income_mult[3], 1.4, 0);
    assert_float_equal(p->yoy_tenure_mult[2], 1.5, 0);
    assert_float_equal(p->yoy_deferral_by_age[1], 0.05, 0);
    assert_int_equal(p->yoy_month, 2);
    assert_int_equal(p->yoy_day, 28);
    assert_int_equal(p->esc_mmdd, 401);
    assert_int_equal(p->esc_hire_date_cutoff, PW_NO_DATE);
    assert_int_equal(p->integration_mode, PW_INTEGRATION_PERCENT);
    assert_float_equal(p->integration_level_value, 80, 0);
    assert_string_equal(p->match_schedule, "cliff_3");

    /* plan_eligibility.waiting_period_days wins over the fallback; null restores it. */
    assert_int_equal(load("eligibility:\n  waiting_period_days: 90\nplan_eligibility:\n  waiting_period_days: 30\n"), 0);
    assert_int_equal(p->waiting_period_days, 30);
    assert_true(p->waiting_period_days_set);
    assert_int_equal(load("eligibility:\n  waiting_period_days: 90\nplan_eligibility:\n  waiting_period_days: null\n"),
                     0);
    assert_int_equal(p->waiting_period_days, 90);

    /* require_active_enrollment is accepted (enrollment is always required). */
    assert_int_equal(load("deferral_auto_escalation:\n  require_active_enrollment: true\n"), 0);
    expect_error("deferral_auto_escalation:\n  require_active_enrollment: maybe\n", "must be true or false");
    /* Ranges of single keys. */
    expect_error("enrollment:\n  auto_enrollment:\n    opt_out_rates:\n      by_age:\n        young: 1.5\n",
                 "t.yaml:5: 'enrollment.auto_enrollment.opt_out_rates.by_age.young' must be in [0, 1] or null, got 1.5");
    expect_error("enrollment:\n  voluntary_enrollment:\n    income_multipliers:\n      low: high\n",
                 "'enrollment.voluntary_enrollment.income_multipliers.low' must be a number in [0, 10] or null, "
                 "got 'high'");
    expect_error("enrollment:\n  auto_enrollment:\n    default_deferral_rate: 0\n",
                 "'enrollment.auto_enrollment.default_deferral_rate' must be in (0, 1], got 0");
    expect_error("enrollment:\n  auto_enrollment:\n    scope: everyone\n",
                 "'enrollment.auto_enrollment.scope' must be one of 'new_hires_only', 'all_eligible_employees'");
    expect_error("employer_core_contribution:\n  integration:\n    disparity_rate: 0.06\n",
                 "'employer_core_contribution.integration.disparity_rate' must be in [0, 0.057], got 0.06");
    expect_error("employer_core_contribution:\n  status: tiered\n",
                 "'employer_core_contribution.status' must be one of 'none', 'flat', 'graded_by_service', "
                 "'age_banded', 'points_based', got 'tiered'");
    expect_error("vesting:\n  core_schedule: \"\"\n", "'vesting.core_schedule' must be 1 to 47 characters long");
    expect_error("plan_eligibility:\n  minimum_age: 101\n", "'plan_eligibility.minimum_age' must be an integer in [0, 100]");
}

static void test_match_formulas(void **state)
{
    (void)state;
    unsigned long before = pw_log_warning_count();
    assert_int_equal(
        load("employer_match:\n"
             "  active_formula: loyalty\n"
             "  formulas:\n"
             "    tiered_match:\n"                          /* replaces the built-in of that name */
             "      tiers:\n"                               /* type inferred: tiered */
             "        - {tier: 1, employee_min: 0, employee_max: 0.04, match_rate: 1}\n"
             "    flat_half:\n"
             "      name: Half\n"
             "      match_rate: 0.5\n"                      /* type inferred: simple */
             "      max_match_percentage: 0.08\n"
             "      vesting_schedule: cliff_3\n"
             "    by_service:\n"
             "      type: graded_by_service\n"
             "      schedule:\n"
             "        - {min_years: 0, max_years: 5, match_rate: 0.5, max_deferral: 0.06}\n"
             "        - {min_years: 5, max_years: null, rate: 1.0, max_deferral_pct: 0.06}\n"
             "    by_points:\n"
             "      schedule:\n"                            /* type inferred from min_points */
             "        - {min_points: 0, max_points: 60, match_rate: 0.25, max_deferral: 0.04}\n"
             "        - {min_points: 60, match_rate: 0.75, max_deferral: 0.06}\n"
             "    loyalty:\n"
             "      type: tenure_graded\n"
             "      bands:\n"
             "        - min_years: 0\n"
             "          max_years: 3\n"
             "          tiers: [{employee_min: 0, employee_max: 0.06, match_rate: 0.5}]\n"
             "        - min_years: 3\n"
             "          tiers:\n"
             "            - {employee_min: 0, employee_max: 0.03, match_rate: 1}\n"
             "            - {employee_min: 0.03, employee_max: 0.06, match_rate: 0.5}\n"),
        0);
    assert_int_equal(pw_log_warning_count() - before, 0);
    const struct pw_plan_config *p = &cfg.plan;
    assert_int_equal(p->formula_count, 10); /* 6 built-in, one replaced, 4 added */
    assert_string_equal(p->formulas[1].name, "tiered_match"); /* replaced in place */
    const struct pw_match_formula *f = formula("tiered_match");
    assert_int_equal(f->type, PW_FORMULA_TIERED);
    assert_int_equal(f->tier_count, 1);
    assert_tier(&f->tiers[0], 0, 0.04, 1);
    assert_false(f->has_cap); /* no max_match_percentage: no cap */
    assert_float_equal(f->max_match_percentage, 1.0, 0);
    assert_string_equal(f->label, ""); /* replaced whole, name included */

    f = formula("flat_half");
    assert_int_equal(f->type, PW_FORMULA_SIMPLE);
    assert_string_equal(f->label, "Half");
    assert_true(f->has_cap);
    assert_float_equal(f->match_rate, 0.5, 0);
    assert_float_equal(f->max_match_percentage, 0.08, 0);
    assert_string_equal(f->vesting_schedule, "cliff_3");

    f = formula("by_service");
    assert_int_equal(f->type, PW_FORMULA_GRADED_BY_SERVICE);
    assert_int_equal(f->row_count, 2);
    assert_float_equal(f->rows[0].max, 5, 0);
    assert_float_equal(f->rows[1].min, 5, 0);
    assert_float_equal(f->rows[1].max, -1, 0); /* open */
    assert_float_equal(f->rows[1].match_rate, 1.0, 0);
    assert_float_equal(f->rows[1].max_deferral, 0.06, 0);
    assert_float_equal(f->match_rate, 0, 0);

    f = formula("by_points");
    assert_int_equal(f->type, PW_FORMULA_POINTS_BASED);
    assert_int_equal(f->row_count, 2);
    assert_float_equal(f->rows[0].max, 60, 0);
    assert_float_equal(f->rows[1].max, -1, 0); /* absent max = open */
    assert_float_equal(f->rows[0].max_deferral, 0.04, 0);

    f = formula("loyalty");
    assert_int_equal(f->type, PW_FORMULA_TENURE_GRADED);
    assert_int_equal(f->row_count, 2);
    assert_int_equal(f->rows[0].tier_count, 1);
    assert_tier(&f->rows[0].tiers[0], 0, 0.06, 0.5);
    assert_float_equal(f->rows[1].max, -1, 0);
    assert_int_equal(f->rows[1].tier_count, 2);
    assert_tier(&f->rows[1].tiers[1], 0.03, 0.06, 0.5);
    assert_ptr_equal(pw_plan_active_formula(p), f);

    /* A null formulas key keeps the built-in set; unknown keys inside warn. */
    assert_int_equal(load("employer_match:\n  formulas:\n"), 0);
    assert_int_equal(cfg.plan.formula_count, 6);
    capture_begin();
    before = pw_log_warning_count();
    assert_int_equal(load("employer_match:\n  formulas:\n    x:\n      match_rate: 0.5\n      max_match_percentage: 0.06\n"
                          "      colour: blue\n"),
                     0);
    char *out = capture_end();
    assert_int_equal(pw_log_warning_count() - before, 1);
    assert_non_null(strstr(out, "t.yaml:6: unknown key 'employer_match.formulas.x.colour'; ignored"));
    free(out);

    /* The same name twice: warning, the last one wins (as for any key). */
    before = pw_log_warning_count();
    assert_int_equal(load("employer_match:\n  formulas:\n    x: {match_rate: 0.5, max_match_percentage: 0.06}\n"
                          "    x: {match_rate: 0.25, max_match_percentage: 0.06}\n"),
                     0);
    assert_int_equal(pw_log_warning_count() - before, 1);
    assert_float_equal(formula("x")->match_rate, 0.25, 0);
    assert_int_equal(cfg.plan.formula_count, 7);

    /* Reading errors name the key and line. */
    expect_error("employer_match:\n  formulas:\n    x:\n      type: fancy\n",
                 "t.yaml:4: 'employer_match.formulas.x.type' must be one of 'simple', 'tiered', 'graded_by_service', "
                 "'tenure_graded', 'points_based', 'safe_harbor', 'qaca', got 'fancy'");
    expect_error("employer_match:\n  formulas:\n    x:\n      name: nothing\n",
                 "t.yaml:3: 'employer_match.formulas.x' needs 'type'");
    expect_error("employer_match:\n  formulas:\n    x:\n      type: simple\n      match_rate: 0.5\n",
                 "t.yaml:3: 'employer_match.formulas.x' of type 'simple' needs 'max_match_percentage'");
    expect_error("employer_match:\n  formulas:\n    x:\n      type: simple\n      match_rate: 0.5\n"
                 "      max_match_percentage: 0.06\n      tiers: [{employee_min: 0, employee_max: 1, match_rate: 1}]\n",
                 "t.yaml:7: 'employer_match.formulas.x.tiers' is not used by type 'simple'");
    expect_error("employer_match:\n  formulas:\n    x:\n      tiers:\n        - {employee_min: 0, match_rate: 1}\n",
                 "t.yaml:5: 'employer_match.formulas.x.tiers[0]' needs 'employee_max'");
    expect_error("employer_match:\n  formulas:\n    x:\n      tiers:\n        - {employee_min: 0, employee_max: lots, "
                 "match_rate: 1}\n",
                 "t.yaml:5: 'employer_match.formulas.x.tiers[0].employee_max' must be a number, got 'lots'");
    expect_error("employer_match:\n  formulas:\n    x:\n      tiers: {employee_min: 0}\n",
                 "t.yaml:4: 'employer_match.formulas.x.tiers' must be a list of tiers, got a mapping");
    expect_error("employer_match:\n  formulas:\n    x:\n      type: points_based\n      schedule:\n"
                 "        - {min_years: 0, match_rate: 1, max_deferral: 0.05}\n",
                 "'employer_match.formulas.x.schedule' of type 'points_based' needs min_points/max_points");
    expect_error("employer_match:\n  formulas:\n    x:\n      schedule:\n"
                 "        - {min_years: 0, max_points: 9, match_rate: 1, max_deferral: 0.05}\n",
                 "t.yaml:5: 'employer_match.formulas.x.schedule[0]' mixes years keys");
    expect_error("employer_match:\n  formulas:\n    x:\n      schedule:\n"
                 "        - {min_years: 0, max_years: -3, match_rate: 1, max_deferral: 0.05}\n",
                 "'employer_match.formulas.x.schedule[0].max_years' must be >= 0 or null (open), got -3");
    expect_error("employer_match:\n  formulas:\n    x:\n      schedule:\n"
                 "        - {min_years: 0, rate: 1, match_rate: 1, max_deferral: 0.05}\n",
                 "'employer_match.formulas.x.schedule[0].match_rate' repeats");
    expect_error("employer_match:\n  formulas:\n    x:\n      bands:\n        - {min_years: 0}\n",
                 "t.yaml:5: 'employer_match.formulas.x.bands[0]' needs 'tiers'");
    expect_error("employer_match:\n  formulas:\n    my match:\n      match_rate: 0.5\n",
                 "t.yaml:3: 'employer_match.formulas.my match': formula names must be 1 to 47 letters, digits, '_' or '-'");
    expect_error("employer_match:\n  formulas: [a, b]\n",
                 "t.yaml:2: 'employer_match.formulas' must be a mapping of formula names to formulas, got a list");
    expect_error("employer_match:\n  formulas:\n    x:\n      tiers: [{employee_min: 0, employee_max: 1, match_rate: 1}]\n"
                 "      vesting_schedule: \"\"\n",
                 "t.yaml:5: 'employer_match.formulas.x.vesting_schedule' must be 1 to 47 characters long or null");
    char many[2048];
    size_t n = (size_t)snprintf(many, sizeof many, "employer_match:\n  formulas:\n");
    for (int i = 0; i < 11; i++)
        n += (size_t)snprintf(many + n, sizeof many - n, "    f%d: {match_rate: 0.5, max_match_percentage: 0.06}\n", i);
    expect_error(many, "t.yaml:13: 'employer_match.formulas.f10': at most 16 formulas are allowed");
}

/* Each rule of MODEL 2.2/4.14/4.15 that spans keys or list items, by message. */
static void test_plan_validation_errors(void **state)
{
    (void)state;
#define FX "employer_match:\n  formulas:\n    x:\n"
    /* Tiers: sorted, contiguous, max above min, rates and caps in [0, 1]. */
    expect_error(FX "      tiers:\n        - {employee_min: 0, employee_max: 0.03, match_rate: 1}\n"
                    "        - {employee_min: 0.04, employee_max: 0.05, match_rate: 0.5}\n",
                 "t.yaml:6: 'employer_match.formulas.x.tiers[1].employee_min' (0.04) leaves a gap after "
                 "'employer_match.formulas.x.tiers[0].employee_max' (0.03); tiers must be sorted and contiguous");
    expect_error(FX "      tiers:\n        - {employee_min: 0, employee_max: 0.03, match_rate: 1}\n"
                    "        - {employee_min: 0.02, employee_max: 0.05, match_rate: 0.5}\n",
                 "t.yaml:6: 'employer_match.formulas.x.tiers[1].employee_min' (0.02) overlaps "
                 "'employer_match.formulas.x.tiers[0]', which ends at 0.03");
    expect_error(FX "      tiers:\n        - {employee_min: 0.03, employee_max: 0.05, match_rate: 1}\n"
                    "        - {employee_min: 0, employee_max: 0.03, match_rate: 0.5}\n",
                 "'employer_match.formulas.x.tiers[1].employee_min' (0.0) overlaps"); /* unsorted */
    expect_error(FX "      tiers:\n        - {employee_min: 0.03, employee_max: 0.03, match_rate: 1}\n",
                 "t.yaml:5: 'employer_match.formulas.x.tiers[0].employee_max' must be greater than employee_min "
                 "(0.03), got 0.03");
    expect_error(FX "      tiers:\n        - {employee_min: 0, employee_max: 0.03, match_rate: 1.5}\n",
                 "t.yaml:5: 'employer_match.formulas.x.tiers[0].match_rate' must be in [0, 1], got 1.5");
    expect_error(FX "      tiers:\n        - {employee_min: 0, employee_max: 0.03, match_rate: 1}\n"
                    "      max_match_percentage: -0.01\n",
                 "t.yaml:3: 'employer_match.formulas.x.max_match_percentage' must be in [0, 1], got -0.01");
    expect_error(FX "      match_rate: 0.5\n      max_match_percentage: -0.01\n",
                 "'employer_match.formulas.x.max_match_percentage' must be in [0, 1], got -0.01");
    expect_error(FX "      match_rate: -0.5\n      max_match_percentage: 0.06\n",
                 "'employer_match.formulas.x.match_rate' must be in [0, 1], got -0.5");
    /* A tiered match may start above 0 (contiguous from its first employee_min). */
    assert_int_equal(load(FX "      tiers:\n        - {employee_min: 0.01, employee_max: 0.03, match_rate: 1}\n"), 0);
    /* Schedules and bands. */
    /* The reference convention: a row runs to the next row's min, so a whole-number
     * gap (0-2, then 3) is what it says, silently; another gap loads with a warning;
     * unsorted rows are an error. */
    unsigned long warned = pw_log_warning_count();
    assert_int_equal(load(FX "      schedule:\n        - {min_years: 0, max_years: 2, match_rate: 0.5, max_deferral: 0.06}\n"
                             "        - {min_years: 3, match_rate: 1, max_deferral: 0.06}\n"), 0);
    assert_int_equal(pw_log_warning_count() - warned, 0);
    assert_int_equal(load(FX "      schedule:\n        - {min_years: 0, max_years: 2, match_rate: 0.5, max_deferral: 0.06}\n"
                             "        - {min_years: 5, match_rate: 1, max_deferral: 0.06}\n"), 0);
    assert_int_equal(pw_log_warning_count() - warned, 1);
    expect_error(FX "      schedule:\n        - {min_years: 3, max_years: 5, match_rate: 0.5, max_deferral: 0.06}\n"
                    "        - {min_years: 0, max_years: 3, match_rate: 1, max_deferral: 0.06}\n",
                 "t.yaml:6: 'employer_match.formulas.x.schedule[1].min_years' (0.0) is not above "
                 "'employer_match.formulas.x.schedule[0].min_years' (3.0); rows must be sorted by min_years");
    expect_error(FX "      schedule:\n        - {min_years: 0, match_rate: 0.5, max_deferral: 0.06}\n"
                    "        - {min_years: 3, match_rate: 1, max_deferral: 0.06}\n",
                 "t.yaml:5: 'employer_match.formulas.x.schedule[0].max_years' is open (null) but more rows follow");
    expect_error(FX "      schedule:\n        - {min_points: 0, max_points: 50, match_rate: 0.5, max_deferral: 1.2}\n",
                 "'employer_match.formulas.x.schedule[0].max_deferral' must be in [0, 1], got 1.2");
    expect_error(FX "      bands:\n        - min_years: 0\n          max_years: 5\n"
                    "          tiers: [{employee_min: 0, employee_max: 0.06, match_rate: 0.5}]\n"
                    "        - min_years: 4\n          tiers: [{employee_min: 0, employee_max: 0.06, match_rate: 1}]\n",
                 "t.yaml:8: 'employer_match.formulas.x.bands[1].min_years' (4.0) overlaps "
                 "'employer_match.formulas.x.bands[0]', which ends at 5.0");
    expect_error(FX "      bands:\n        - min_years: 0\n          tiers:\n"
                    "            - {employee_min: 0, employee_max: 0.02, match_rate: 0.5}\n"
                    "            - {employee_min: 0.03, employee_max: 0.06, match_rate: 0.5}\n",
                 "t.yaml:8: 'employer_match.formulas.x.bands[0].tiers[1].employee_min' (0.03) leaves a gap");
    /* The active formula must exist; the message lists the known names. */
    expect_error("employer_match:\n  active_formula: nope\n",
                 "t.yaml:2: 'employer_match.active_formula' must name a formula of 'employer_match.formulas' "
                 "(one of 'simple_match', 'tiered_match', 'enhanced_tiered', 'stretch_match', 'safe_harbor_basic', "
                 "'qaca'), got 'nope'");
#undef FX
    /* Core schedules. */
    {
        /* An ambiguous gap (3 to 5) loads with one warning naming the row. */
        unsigned long w0 = pw_log_warning_count();
        assert_int_equal(load("employer_core_contribution:\n  graded_schedule:\n    - {min_years: 0, max_years: 3, "
                              "rate: 0.01}\n    - {min_years: 5, rate: 0.02}\n"), 0);
        assert_int_equal(pw_log_warning_count() - w0, 1);
    }
    expect_error("employer_core_contribution:\n  points_schedule:\n    - {min_points: 0, max_points: 50, rate: 0.01}\n"
                 "    - {min_points: 40, rate: 0.02}\n",
                 "'employer_core_contribution.points_schedule[1].min_points' (40.0) overlaps");
    expect_error("employer_core_contribution:\n  graded_schedule:\n    - {min_years: 0, rate: 1.01}\n",
                 "t.yaml:3: 'employer_core_contribution.graded_schedule[0].rate' must be in [0, 1], got 1.01");
    {
        /* An empty schedule that the status selects falls back to the flat rate, with a
         * warning (what the reference's own tests assert): 2% of pay for everyone. */
        unsigned long w0 = pw_log_warning_count();
        assert_int_equal(load("employer_core_contribution:\n  status: graded_by_service\n  contribution_rate: 0.02\n"
                              "  graded_schedule: []\n"), 0);
        assert_int_equal(pw_log_warning_count() - w0, 1);
        assert_float_equal(pw_core_rate(&cfg.plan, 12, 40), 0.02, 0);
        assert_int_equal(load("employer_core_contribution:\n  status: age_banded\n"), 0);
        assert_int_equal(pw_log_warning_count() - w0, 2);
        assert_float_equal(pw_core_rate(&cfg.plan, 0, 64), cfg.plan.core_rate, 0);
    }
    expect_error("employer_core_contribution:\n  status: age_banded\n  age_schedule:\n"
                 "    - {min_age: 18, max_age: 40, rate: 0.02}\n    - {min_age: 40, max_age: 65, rate: 0.04}\n",
                 "t.yaml:5: 'employer_core_contribution.age_schedule[1].max_age' must be null (open) when "
                 "'employer_core_contribution.status' is 'age_banded', so every age from 18 up has a rate");
    expect_error("employer_core_contribution:\n  age_schedule:\n    - {min_age: 18, max_age: 40, rate: 0.02}\n"
                 "    - {min_age: 35, rate: 0.04}\n",
                 "'employer_core_contribution.age_schedule[1].min_age' (35.0) overlaps");
    expect_error("employer_core_contribution:\n  age_schedule:\n    - {max_age: 40, rate: 0.02}\n",
                 "t.yaml:3: 'employer_core_contribution.age_schedule[0]' needs 'min_age'");
    /* An age schedule from 18 up to an open row is complete; younger ages get contribution_rate. */
    assert_int_equal(load("employer_core_contribution:\n  status: age_banded\n  age_schedule:\n"
                          "    - {min_age: 18, max_age: 40, contribution_rate: 0.02}\n    - {min_age: 40, rate: 0.04}\n"),
                     0);
    assert_int_equal(cfg.plan.age_count, 2);
    assert_float_equal(cfg.plan.age_rows[0].rate, 0.02, 0);
    assert_float_equal(cfg.plan.age_rows[1].max, -1, 0);
    assert_int_equal(load("employer_core_contribution:\n  graded_schedule:\n"
                          "    - {service_years_min: 0, service_years_max: 10, contribution_rate: 0.06}\n"
                          "    - {service_years_min: 10, rate: 0.08}\n  points_schedule: null\n"),
                     0);
    assert_int_equal(cfg.plan.graded_count, 2);
    assert_float_equal(cfg.plan.graded[1].rate, 0.08, 0);

    /* Rules between scalar plan keys. */
    expect_error("enrollment:\n  auto_enrollment:\n    default_deferral_rate: 0.8\n",
                 "t.yaml:3: 'enrollment.auto_enrollment.default_deferral_rate' must be in (0, 0.75] "
                 "(at most 'deferral_rates.plan_deferral_cap'), got 0.8");
    expect_error("deferral_rates:\n  plan_deferral_cap: 0.05\n",
                 "t.yaml:2: 'deferral_auto_escalation.maximum_rate' must be in (0, 0.05] "
                 "(at most 'deferral_rates.plan_deferral_cap'), got 0.1");
    expect_error("deferral_auto_escalation:\n  maximum_rate: 0.9\n",
                 "t.yaml:2: 'deferral_auto_escalation.maximum_rate' must be in (0, 0.75]");
    expect_error("deferral_rates:\n  plan_deferral_cap: 0.1\nenrollment:\n  voluntary_enrollment:\n    deferral_rates:\n"
                 "      demographic_base_rates:\n        senior_high: 0.12\n",
                 "t.yaml:7: 'enrollment.voluntary_enrollment.deferral_rates.demographic_base_rates.senior_high' "
                 "must be in [0, 0.1]");
    expect_error("enrollment:\n  proactive_enrollment:\n    timing_window:\n      min_days: 40\n",
                 "t.yaml:4: 'enrollment.proactive_enrollment.timing_window.min_days' (40) must not exceed "
                 "'enrollment.proactive_enrollment.timing_window.max_days' (35)");
    /* A proactive window (max 35 days) longer than the auto-enrollment window
     * (30) is accepted, as the reference does. */
    assert_int_equal(load("enrollment:\n  auto_enrollment:\n    window_days: 30\n"), 0);
    /* ...which only binds when both paths are on. */
    assert_int_equal(load("enrollment:\n  auto_enrollment:\n    window_days: 35\n  proactive_enrollment:\n"
                          "    enabled: false\n"),
                     0);
    expect_error("enrollment:\n  match_magnet:\n    min_deferral_rate: 0.2\n",
                 "t.yaml:3: 'enrollment.match_magnet.min_deferral_rate' (0.2) must not exceed "
                 "'enrollment.match_magnet.max_deferral_rate' (0.1)");
    expect_error("enrollment:\n  year_over_year_conversion:\n    timing:\n      enrollment_month: 2\n"
                 "      enrollment_day: 29\n",
                 "t.yaml:5: 'enrollment.year_over_year_conversion.timing.enrollment_day' must be in [1, 28] for "
                 "month 2 (02-29 is refused), got 29");
    expect_error("enrollment:\n  year_over_year_conversion:\n    timing:\n      enrollment_month: 4\n"
                 "      enrollment_day: 31\n",
                 "must be in [1, 30] for month 4");
    expect_error("enrollment:\n  year_over_year_conversion:\n    timing:\n      enrollment_month: 13\n",
                 "'enrollment.year_over_year_conversion.timing.enrollment_month' must be an integer in [1, 12]");
    expect_error("employer_core_contribution:\n  integration:\n    enabled: true\n    level_mode: fixed\n",
                 "t.yaml:4: 'employer_core_contribution.integration.level_value' must be given when "
                 "'employer_core_contribution.integration.level_mode' is 'fixed'");

    /* Values set by code are held to the same rules. */
    pw_config_init_defaults(&cfg);
    cfg.plan.formulas[1].tiers[1].employee_min = 0.04;
    assert_int_equal(pw_config_finalize(&cfg, &err), PW_ECONFIG);
    assert_non_null(strstr(err.msg, "'employer_match.formulas.tiered_match.tiers[1].employee_min' (0.04) leaves a gap"));
    pw_config_init_defaults(&cfg);
    snprintf(cfg.plan.active_formula, sizeof cfg.plan.active_formula, "gone");
    assert_int_equal(pw_config_finalize(&cfg, &err), PW_ECONFIG);
    assert_non_null(strstr(err.msg, "got 'gone'"));
}


/* The shipped examples load without a warning, mean what their comments say,
 * and show -> load -> show is stable. */
static void test_example_configs(void **state)
{
    (void)state;
    static const char *const files[] = {"config/examples/default_plan.yaml", "config/examples/safe_harbor_basic.yaml",
                                        "config/examples/qaca.yaml", "config/examples/voluntary_no_ae.yaml",
                                        "config/examples/tenure_graded_match.yaml", "config/simulation_config.yaml"};
    struct pw_config defaults;
    pw_config_init_defaults(&defaults);
    assert_int_equal(pw_config_finalize(&defaults, &err), 0);
    char *want = dump(&defaults);
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        unsigned long before = pw_log_warning_count();
        memset(&err, 0, sizeof err);
        int rc = pw_config_load_file(&cfg, files[i], &err);
        if (rc) print_error("%s: %s\n", files[i], err.msg);
        assert_int_equal(rc, 0);
        assert_int_equal(pw_log_warning_count() - before, 0);
        char *first = dump(&cfg);
        struct pw_config again;
        assert_int_equal(pw_config_load_text(&again, first, strlen(first), "shown.yaml", "", &err), 0);
        char *second = dump(&again);
        assert_string_equal(strchr(strstr(first, "# from:"), '\n'), strchr(strstr(second, "# from:"), '\n'));
        /* default_plan and simulation_config are the defaults, plan sections included. */
        if (strstr(files[i], "default_plan") || strstr(files[i], "simulation_config"))
            assert_string_equal(strstr(first, "\neligibility:"), strstr(want, "\neligibility:"));
        free(first);
        free(second);
    }
    free(want);

    const struct pw_plan_config *p = &cfg.plan;
    assert_int_equal(pw_config_load_file(&cfg, "config/examples/safe_harbor_basic.yaml", &err), 0);
    assert_string_equal(pw_plan_active_formula(p)->vesting_schedule, "immediate");
    assert_false(p->core_enabled);
    assert_false(p->match_eligibility.require_active_at_year_end);
    assert_int_equal(pw_config_load_file(&cfg, "config/examples/qaca.yaml", &err), 0);
    assert_int_equal(p->ae_scope, PW_AE_ALL_ELIGIBLE);
    assert_float_equal(p->ae_default_rate, 0.06, 0);
    assert_float_equal(p->esc_max_rate, 0.10, 0);
    assert_string_equal(pw_plan_active_formula(p)->name, "qaca");
    assert_string_equal(p->match_schedule, "cliff_2");
    assert_int_equal(pw_config_load_file(&cfg, "config/examples/voluntary_no_ae.yaml", &err), 0);
    assert_false(p->ae_enabled || p->esc_enabled);
    assert_true(p->voluntary_enabled && p->yoy_enabled);
    assert_int_equal(p->waiting_period_days, 90);
    assert_int_equal(pw_config_load_file(&cfg, "config/examples/tenure_graded_match.yaml", &err), 0);
    const struct pw_match_formula *f = pw_plan_active_formula(p);
    assert_int_equal(f->type, PW_FORMULA_TENURE_GRADED);
    assert_int_equal(f->row_count, 3);
    assert_int_equal(f->rows[1].tier_count, 2);
    assert_int_equal(p->core_status, PW_CORE_GRADED_BY_SERVICE);
    assert_int_equal(p->graded_count, 3);
    assert_float_equal(p->graded[2].rate, 0.04, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_defaults),
        cmocka_unit_test(test_plan_keys),
        cmocka_unit_test(test_match_formulas),
        cmocka_unit_test(test_plan_validation_errors),
        cmocka_unit_test(test_example_configs),
        cmocka_unit_test(test_reference_formula_types),
    };
    pw_log_set_verbosity(PW_QUIET); /* warnings are counted, not shown; capture tests raise it */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
