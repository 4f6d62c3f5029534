/* test_config.c: unit tests of the configuration key table, the YAML loader,
 * the cross-key rules and the YAML dump (MODEL 2.2).
 *
 * Run from the repository root: fixtures are read from tests/data/config/ and
 * config/. Warnings are checked through pw_log_warning_count() and, where the
 * wording matters, by capturing stderr into a temporary file. */
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
#include "support/config_fixture.h"

/* ---- the table ---- */

static void test_table_rows_are_consistent(void **state)
{
    (void)state;
    for (size_t i = 0; i < pw_config_key_count; i++) {
        const struct pw_config_key *k = &pw_config_keys[i];
        assert_int_equal(pw_config_key_index(k->key), (int)i); /* unique */
        assert_non_null(k->doc);
        if (k->flags & PW_KF_NAN)
            assert_true(k->type == PW_KEY_DOUBLE && (k->flags & PW_KF_NULLABLE) && k->def == NULL);
        if (k->type == PW_KEY_ENUM) assert_non_null(k->names);
        /* The writer opens a section when it first meets it: every section's rows are adjacent. */
        for (const char *dot = strchr(k->key, '.'); dot; dot = strchr(dot + 1, '.')) {
            size_t n = (size_t)(dot - k->key) + 1;
            size_t first = 0;
            while (strncmp(pw_config_keys[first].key, k->key, n) != 0) first++;
            for (size_t j = first; j < i; j++)
                if (strncmp(pw_config_keys[j].key, k->key, n) != 0)
                    fail_msg("section of '%s' is split by '%s'", k->key, pw_config_keys[j].key);
        }
    }
    for (int t = 0; t < PW_TABLE_COUNT; t++) {
        char key[96];
        snprintf(key, sizeof key, "assumptions.%s", pw_table_names[t]);
        const struct pw_config_key *k = pw_config_key_find(key);
        assert_non_null(k);
        assert_int_equal(k->offset, offsetof(struct pw_config, assumption_files) + (size_t)t * PW_PATH_MAX);
        assert_int_equal(pw_assumption_table_find(pw_table_names[t]), t);
    }
    assert_int_equal(pw_assumption_table_find("nope"), -1);
    assert_true(pw_config_key_is_section("compensation.promotion_compensation"));
    assert_false(pw_config_key_is_section("compensation.promotion"));
    assert_int_equal(pw_config_key_classify("multi_year"), PW_KEY_INFRASTRUCTURE);
    assert_int_equal(pw_config_key_classify("corporate_network"), PW_KEY_INFRASTRUCTURE);
    assert_int_equal(pw_config_key_classify("setup.clear_tables"), PW_KEY_IGNORED);
    assert_int_equal(pw_config_key_classify("enrollment.proactive_enrollment.timing_distribution.early"),
                     PW_KEY_IGNORED);
    assert_int_equal(pw_config_key_classify("eligibility.entry_date_type"), PW_KEY_NOT_MODELLED);
    assert_int_equal(pw_config_key_classify("employer_match.graded_schedule.x"), PW_KEY_NOT_MODELLED);
    assert_int_equal(pw_config_key_classify("employer_match.enabeld"), PW_KEY_UNKNOWN);
    assert_int_equal(pw_config_key_classify("vestingx"), PW_KEY_UNKNOWN);
}

/* ---- defaults ---- */

static void test_defaults(void **state)
{
    (void)state;
    pw_config_init_defaults(&cfg);
    assert_int_equal(pw_config_finalize(&cfg, &err), 0);
    assert_string_equal(cfg.scenario_id, "default");
    assert_int_equal(cfg.start_year, 2025);
    assert_int_equal(cfg.end_year, 2029);
    assert_true(cfg.random_seed == 42 && cfg.seed_termination == 42 && cfg.seed_hiring == 42 &&
                cfg.seed_promotion == 42);
    assert_false(cfg.seed_termination_set);
    assert_float_equal(cfg.target_growth_rate, 0.03, 0);
    assert_string_equal(cfg.census_path, "data/census_preprocessed.parquet");
    assert_int_equal(cfg.plan_year_end_date, pw_date_from_ymd(2024, 12, 31));
    assert_false(cfg.plan_year_end_date_set);
    assert_float_equal(cfg.total_termination_rate, 0.12, 0);
    assert_float_equal(cfg.new_hire_termination_rate, 0.25, 0);
    assert_float_equal(cfg.part_time_new_hire_pct, 0.0, 0);
    assert_float_equal(cfg.part_time_hours_per_week, 20, 0);
    for (int l = 0; l <= PW_MAX_LEVELS; l++) assert_false(cfg.new_hire_level_distribution.set[l]);
    assert_int_equal(cfg.termination_selection, PW_SELECT_HAZARD_WEIGHTED);
    assert_false(cfg.cola_rate_set);
    assert_float_equal(cfg.merit_budget, 0.035, 0);
    assert_float_equal(cfg.merit_max_cap_pct, 0.50, 0);
    assert_float_equal(cfg.merit_max_cap_amount, 250000, 0);
    assert_float_equal(cfg.promotion_rate_multiplier, 1.0, 0);
    assert_float_equal(cfg.promo_base_increase_pct, 0.20, 0);
    assert_float_equal(cfg.promo_distribution_range, 0.05, 0);
    assert_float_equal(cfg.promo_max_cap_pct, 0.30, 0);
    assert_float_equal(cfg.promo_max_cap_amount, 500000, 0);
    assert_int_equal(cfg.promo_distribution_type, PW_PROMO_UNIFORM);
    assert_float_equal(cfg.promo_normal_std_dev, 0.02, 0);
    for (int l = 0; l <= PW_MAX_LEVELS; l++) assert_false(cfg.promo_level_overrides.set[l]);
    assert_int_equal(cfg.promotion_mmdd, 201);
    assert_int_equal(cfg.merit_mmdd, 715);
    assert_int_equal(cfg.raise_timing_methodology, PW_RAISE_CALENDAR);
    assert_float_equal(cfg.nh_default_percentile, 0.30, 0);
    const double pct[] = {0, 0.30, 0.40, 0.50, 0.65, 0.70}, mkt[] = {0, 1.02, 1.00, 0.98, 1.05, 1.10};
    for (int l = 1; l <= 5; l++) {
        assert_true(cfg.nh_percentile_overrides.set[l] && cfg.nh_market_level_adjustments.set[l]);
        assert_float_equal(cfg.nh_percentile_overrides.value[l], pct[l], 0);
        assert_float_equal(cfg.nh_market_level_adjustments.value[l], mkt[l], 0);
    }
    assert_false(cfg.nh_percentile_overrides.set[6]);
    assert_true(cfg.nh_variance_enabled);
    assert_float_equal(cfg.nh_variance_std_dev, 0.05, 0);
    assert_true(cfg.nh_market_enabled);
    assert_float_equal(cfg.nh_market_base_adjustment, 1.0, 0);
    assert_float_equal(cfg.nh_min_percentile, 0.20, 0);
    assert_float_equal(cfg.nh_max_percentile, 0.90, 0);
    assert_float_equal(cfg.nh_min_market_adjustment, 0.80, 0);
    assert_float_equal(cfg.nh_max_market_adjustment, 1.30, 0);
    assert_float_equal(cfg.new_hire_ineligible_pct, 0.0, 0);
    assert_false(cfg.new_hire_eligibility_match_census);
    assert_float_equal(cfg.plan_deferral_cap, 0.75, 0);
    assert_string_equal(cfg.assumptions_directory, "");
    for (int t = 0; t < PW_TABLE_COUNT; t++) assert_string_equal(cfg.assumption_files[t], "");
    assert_int_equal(cfg.threads, 1);
}

static void test_empty_document_gives_defaults(void **state)
{
    (void)state;
    assert_int_equal(load(""), 0);
    assert_int_equal(cfg.start_year, 2025);
    assert_int_equal(load("# only a comment\n"), 0);
    assert_int_equal(load("simulation:\n"), 0); /* empty section */
    assert_string_equal(cfg.config_path, "t.yaml");
}

/* ---- every type ---- */

static void test_types(void **state)
{
    (void)state;
    assert_int_equal(load("scenario_id: high_growth\n"
                          "simulation:\n  start_year: 2030\n  end_year: 2040\n  random_seed: 9223372036854775807\n"
                          "  target_growth_rate: -0.5\n"
                          "setup:\n  plan_year_end_date: 2029-06-30\n"
                          "workforce:\n  part_time_hours_per_week: 40\n"
                          "termination:\n  selection: uniform\n"
                          "compensation:\n  cola_rate: '0.025'\n  promotion_compensation:\n"
                          "    distribution_type: deterministic\n"
                          "event_calendar:\n  promotion: \"03-15\"\n  merit: 12-31\n"
                          "raise_timing:\n  methodology: realistic\n"
                          "new_hire_compensation:\n  percentile_strategy:\n    variance_enabled: no\n"
                          "  market_adjustments:\n    enabled: False\n"
                          "eligibility:\n  new_hire_eligibility_match_census: yes\n"),
                     0);
    assert_string_equal(cfg.scenario_id, "high_growth");
    assert_int_equal(cfg.start_year, 2030);
    assert_int_equal(cfg.end_year, 2040);
    assert_true(cfg.random_seed == UINT64_C(9223372036854775807));
    assert_true(cfg.seed_hiring == cfg.random_seed);
    assert_float_equal(cfg.target_growth_rate, -0.5, 0);
    assert_int_equal(cfg.plan_year_end_date, pw_date_from_ymd(2029, 6, 30));
    assert_true(cfg.plan_year_end_date_set);
    assert_float_equal(cfg.part_time_hours_per_week, 40, 0);
    assert_int_equal(cfg.termination_selection, PW_SELECT_UNIFORM);
    assert_true(cfg.cola_rate_set);
    assert_float_equal(cfg.cola_rate, 0.025, 0);
    assert_int_equal(cfg.promo_distribution_type, PW_PROMO_DETERMINISTIC);
    assert_int_equal(cfg.promotion_mmdd, 315);
    assert_int_equal(cfg.merit_mmdd, 1231);
    assert_int_equal(cfg.raise_timing_methodology, PW_RAISE_REALISTIC);
    assert_false(cfg.nh_variance_enabled);
    assert_false(cfg.nh_market_enabled);
    assert_true(cfg.new_hire_eligibility_match_census);
}

static void test_type_errors(void **state)
{
    (void)state;
    expect_error("simulation:\n  start_year: abc\n", "t.yaml:2: 'simulation.start_year' must be an integer in [1900, 2200], got 'abc'");
    expect_error("simulation:\n  start_year: 2025.5\n", "'simulation.start_year' must be an integer");
    expect_error("workforce:\n  total_termination_rate: lots\n",
                 "t.yaml:2: 'workforce.total_termination_rate' must be a number in [0, 1], got 'lots'");
    expect_error("workforce:\n  total_termination_rate: nan\n", "must be a number in [0, 1], got 'nan'");
    expect_error("workforce:\n  total_termination_rate: 0x1p-3\n", "must be a number");
    expect_error("workforce:\n  total_termination_rate:\n", "must be in [0, 1], got null");
    expect_error("new_hire_compensation:\n  market_adjustments:\n    enabled: maybe\n",
                 "'new_hire_compensation.market_adjustments.enabled' must be true or false, got 'maybe'");
    expect_error("termination:\n  selection: random\n",
                 "'termination.selection' must be one of 'hazard_weighted', 'uniform', got 'random'");
    expect_error("new_hire_compensation:\n  strategy: custom_distribution\n",
                 "'new_hire_compensation.strategy' must be one of 'percentile_based'");
    expect_error("setup:\n  plan_year_end_date: 2023-02-29\n",
                 "t.yaml:2: 'setup.plan_year_end_date' must be a date YYYY-MM-DD or null, got '2023-02-29'");
    expect_error("event_calendar:\n  merit: \"02-29\"\n", "'event_calendar.merit' must be a month and day MM-DD");
    expect_error("event_calendar:\n  merit: \"2-1\"\n", "'event_calendar.merit' must be a month and day MM-DD");
    expect_error("event_calendar:\n  promotion: 13-01\n", "'event_calendar.promotion'");
    expect_error("simulation:\n  random_seed: -1\n",
                 "'simulation.random_seed' must be an integer in [0, 9223372036854775807], got -1");
    expect_error("simulation:\n  random_seed: 9223372036854775808\n", "got 9223372036854775808");
    expect_error("simulation:\n  random_seed: 4x\n", "'simulation.random_seed' must be an integer in [0, 9223372036854775807], got '4x'");
    expect_error("scenario_id: \"\"\n", "'scenario_id' must be 1 to 64 characters long, got 0 characters");
    expect_error("scenario_id: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
                 "got 65 characters");
    /* The YAML key follows the rule of --scenario (letters, digits, _ - .). */
    expect_error("\nscenario_id: \"   \"\n",
                 "t.yaml:2: 'scenario_id' must be 1-64 characters of letters, digits, '_', '-' and '.', not "
                 "starting with '.', got '   '");
    expect_error("scenario_id: \"a\\nb\"\n", "'scenario_id' must be 1-64 characters of letters, digits, '_', "
                                              "'-' and '.', not starting with '.', got 'a?b'");
    expect_error("scenario_id: ../up\n", "got '../up'");
    expect_error("scenario_id: a/b\n", "got 'a/b'");
    expect_error("scenario_id: .hidden\n", "got '.hidden'");
    expect_error("scenario_id: \"q\\\"uote\"\n", "got 'q\"uote'");
    expect_error("setup:\n  census_parquet_path: \"\"\n", "'setup.census_parquet_path' must be a non-empty path");
    /* Shapes. */
    expect_error("simulation:\n  start_year:\n    year: 2025\n",
                 "t.yaml:2: 'simulation.start_year' must be an integer in [1900, 2200], got a mapping");
    expect_error("simulation:\n  start_year: [2025]\n", "got a list");
    expect_error("simulation: 2025\n", "t.yaml:1: 'simulation' must be a mapping of keys, got a scalar");
    expect_error("- a\n- b\n", "the top level must be a mapping of keys, got a list");
    expect_error("? [a, b]\n: 1\n", "keys below 'the top level' must be plain names");
}

static void test_range_errors_name_key_and_line(void **state)
{
    (void)state;
    expect_error("# c\nworkforce:\n  total_termination_rate: 1.5\n",
                 "t.yaml:3: 'workforce.total_termination_rate' must be in [0, 1], got 1.5");
    expect_error("workforce:\n  new_hire_termination_rate: 0.99\n",
                 "'workforce.new_hire_termination_rate' must be in [0, 0.99), got 0.99");
    expect_error("simulation:\n  target_growth_rate: -1\n", "must be in (-1, 1], got -1");
    expect_error("simulation:\n  start_year: 1899\n", "'simulation.start_year' must be an integer in [1900, 2200], got 1899");
    expect_error("workforce:\n  part_time_hours_per_week: 0\n", "must be in (0, 40], got 0");
    expect_error("compensation:\n  merit_max_cap_amount: 0\n", "'compensation.merit_max_cap_amount' must be > 0, got 0");
    expect_error("compensation:\n  promotion_compensation:\n    max_cap_amount: -1\n", "must be >= 0, got -1");
    expect_error("compensation:\n  cola_rate: 0.6\n", "'compensation.cola_rate' must be in [0, 0.5], got 0.6");
    expect_error("compensation:\n  promotion_compensation:\n    advanced:\n      normal_std_dev: 0.51\n",
                 "t.yaml:4: 'compensation.promotion_compensation.advanced.normal_std_dev' must be in [0, 0.5]");
    expect_error("deferral_rates:\n  plan_deferral_cap: 0\n", "'deferral_rates.plan_deferral_cap' must be in (0, 1]");

    /* From a file: the display name is the path. */
    memset(&err, 0, sizeof err);
    assert_int_equal(pw_config_load_file(&cfg, "tests/data/config/bad_range.yaml", &err), PW_ECONFIG);
    assert_string_equal(err.msg, "tests/data/config/bad_range.yaml:4: 'workforce.total_termination_rate' must be "
                                 "in [0, 1], got 1.5");
}

/* ---- level maps ---- */

static void test_level_maps(void **state)
{
    (void)state;
    assert_int_equal(load("new_hire_compensation:\n  percentile_strategy:\n    level_overrides: {2: 0.45, 7: 0.8}\n"
                          "compensation:\n  promotion_compensation:\n    level_overrides:\n      1: 0.3\n"
                          "workforce:\n  new_hire_level_distribution:\n    1: 3\n    2: 1\n"),
                     0);
    const struct pw_level_map *m = &cfg.nh_percentile_overrides;
    assert_true(m->set[1] && m->set[2] && m->set[5] && m->set[7] && !m->set[6]);
    assert_float_equal(m->value[1], 0.30, 0); /* default kept */
    assert_float_equal(m->value[2], 0.45, 0); /* merged over the default */
    assert_float_equal(m->value[7], 0.8, 0);
    assert_true(cfg.promo_level_overrides.set[1] && !cfg.promo_level_overrides.set[2]);
    assert_float_equal(cfg.new_hire_level_distribution.value[1], 3, 0);

    /* null clears the defaults. */
    assert_int_equal(load("new_hire_compensation:\n  market_adjustments:\n    level_adjustments: null\n"), 0);
    for (int l = 0; l <= PW_MAX_LEVELS; l++) assert_false(cfg.nh_market_level_adjustments.set[l]);

    expect_error("compensation:\n  promotion_compensation:\n    level_overrides:\n      0: 0.1\n",
                 "t.yaml:4: 'compensation.promotion_compensation.level_overrides' keys must be job levels 1 to 16, "
                 "got '0'");
    expect_error("compensation:\n  promotion_compensation:\n    level_overrides:\n      17: 0.1\n", "got '17'");
    expect_error("compensation:\n  promotion_compensation:\n    level_overrides:\n      x: 0.1\n", "got 'x'");
    expect_error("compensation:\n  promotion_compensation:\n    level_overrides:\n      2: 1.5\n",
                 "'compensation.promotion_compensation.level_overrides' level 2 must be in [0, 1], got 1.5");
    expect_error("compensation:\n  promotion_compensation:\n    level_overrides:\n      2: high\n",
                 "level 2 must be a number in [0, 1], got 'high'");
    expect_error("compensation:\n  promotion_compensation:\n    level_overrides: 0.2\n",
                 "must be a mapping of level to number, got '0.2'");
    expect_error("compensation:\n  promotion_compensation:\n    level_overrides: [0.2]\n", "got a list");
    expect_error("workforce:\n  new_hire_level_distribution:\n    1: -0.1\n",
                 "'workforce.new_hire_level_distribution' level 1 must be >= 0, got -0.1");
    expect_error("workforce:\n  new_hire_level_distribution:\n    1: 0\n    2: 0\n",
                 "t.yaml:2: 'workforce.new_hire_level_distribution' shares must sum to more than 0");
}

/* ---- cross-key rules ---- */

static void test_cross_key_rules(void **state)
{
    (void)state;
    expect_error("simulation:\n  start_year: 2025\n  end_year: 2024\n",
                 "t.yaml:3: 'simulation.end_year' must be in [2025, 2125]");
    expect_error("simulation:\n  start_year: 2025\n  end_year: 2126\n", "got 2126");
    assert_int_equal(load("simulation:\n  start_year: 2025\n  end_year: 2125\n"), 0);
    expect_error("simulation:\n  start_year: 2030\n", "t.yaml:2: 'simulation.end_year' must be in [2030, 2130]");

    expect_error("setup:\n  plan_year_end_date: 2025-01-01\n",
                 "t.yaml:2: 'setup.plan_year_end_date' must be before 2025-01-01");
    assert_int_equal(load("simulation:\n  start_year: 2027\n  end_year: 2028\n"), 0);
    assert_int_equal(cfg.plan_year_end_date, pw_date_from_ymd(2026, 12, 31));
    assert_int_equal(load("setup:\n  plan_year_end_date: null\n"), 0);
    assert_int_equal(cfg.plan_year_end_date, pw_date_from_ymd(2024, 12, 31));

    assert_int_equal(load("simulation:\n  random_seed: 7\n  random_seed_hiring: 99\n"), 0);
    assert_true(cfg.seed_termination == 7 && cfg.seed_promotion == 7 && cfg.seed_hiring == 99);
    assert_true(cfg.seed_hiring_set && !cfg.seed_termination_set);

    expect_error("compensation:\n  promotion_compensation:\n    base_increase_pct: 0.02\n",
                 "t.yaml:3: 'compensation.promotion_compensation.distribution_range' must be in [0, 0.02]");
    expect_error("compensation:\n  promotion_compensation:\n    base_increase_pct: 0.1\n"
                 "    distribution_range: 0.2\n",
                 "t.yaml:4: 'compensation.promotion_compensation.distribution_range' must be in [0, 0.1]");
    expect_error("new_hire_compensation:\n  validation:\n    min_percentile: 0.95\n",
                 "t.yaml:3: 'new_hire_compensation.validation.min_percentile' (0.95) must not exceed "
                 "'new_hire_compensation.validation.max_percentile' (0.9)");
    expect_error("new_hire_compensation:\n  validation:\n    max_market_adjustment: 0.5\n",
                 "t.yaml:3: 'new_hire_compensation.validation.min_market_adjustment' (0.8) must not exceed");
    expect_error("new_hire_compensation:\n  percentile_strategy:\n    default_percentile: 0.1\n",
                 "t.yaml:3: 'new_hire_compensation.percentile_strategy.default_percentile' must be in [0.2, 0.9]");
    expect_error("new_hire_compensation:\n  validation:\n    max_percentile: 0.6\n",
                 "t.yaml:3: 'new_hire_compensation.percentile_strategy.level_overrides' level 4 must be in [0.2, 0.6]");
    expect_error("new_hire_compensation:\n  market_adjustments:\n    base_adjustment: 1.5\n",
                 "'new_hire_compensation.market_adjustments.base_adjustment' must be in [0.8, 1.3]");
    expect_error("new_hire_compensation:\n  market_adjustments:\n    level_adjustments:\n      3: 0.5\n",
                 "t.yaml:3: 'new_hire_compensation.market_adjustments.level_adjustments' level 3 must be in [0.8, 1.3]");
    /* Widening the bounds makes the same values legal. */
    assert_int_equal(load("new_hire_compensation:\n  validation:\n    min_market_adjustment: 0.4\n"
                          "  market_adjustments:\n    level_adjustments:\n      3: 0.5\n"),
                     0);

    /* finalize re-checks values changed by code after loading. */
    pw_config_init_defaults(&cfg);
    cfg.total_termination_rate = 2;
    assert_int_equal(pw_config_finalize(&cfg, &err), PW_ECONFIG);
    assert_string_equal(err.msg, "'workforce.total_termination_rate' must be in [0, 1], got 2.0");
    pw_config_init_defaults(&cfg);
    cfg.start_year = 2030;
    assert_int_equal(pw_config_finalize(&cfg, &err), PW_ECONFIG);
    cfg.end_year = 2031;
    assert_int_equal(pw_config_finalize(&cfg, &err), 0);
    assert_int_equal(cfg.plan_year_end_date, pw_date_from_ymd(2029, 12, 31));
    cfg.random_seed = 5; /* a CLI --seed after loading: finalize again refreshes the family seeds */
    assert_int_equal(pw_config_finalize(&cfg, &err), 0);
    assert_true(cfg.seed_termination == 5);
}

/* ---- warnings ---- */

static void test_unknown_plan_and_ignored_keys(void **state)
{
    (void)state;
    unsigned long before = pw_log_warning_count();
    capture_begin();
    memset(&err, 0, sizeof err);
    int rc = pw_config_load_file(&cfg, "tests/data/config/warnings.yaml", &err);
    char *out = capture_end();
    assert_int_equal(rc, 0);
    assert_int_equal(cfg.start_year, 2026); /* the run continues with the rest */
    assert_int_equal(pw_log_warning_count() - before, 2);
    assert_non_null(strstr(out, "planwise: warning: tests/data/config/warnings.yaml:4: unknown key "
                                "'simulation.end_yeer'; ignored\n"));
    assert_non_null(strstr(out, "planwise: warning: tests/data/config/warnings.yaml:6: "
                                "'eligibility.entry_date_type' is not modelled; ignored\n"));
    /* infrastructure blocks: one info line naming them, no warning */
    assert_non_null(strstr(out, "tests/data/config/warnings.yaml: skipped the reference system's infrastructure "
                                "settings: multi_year, corporate_network\n"));
    assert_int_equal(count_lines(out), 3);
    free(out);

    /* Unknown section: one warning for the whole subtree. */
    before = pw_log_warning_count();
    assert_int_equal(load("foo:\n  a: 1\n  b: {c: 2}\n"), 0);
    assert_int_equal(pw_log_warning_count() - before, 1);

    /* Not-modelled reference subtrees: one warning per leaf; a list is one leaf. */
    before = pw_log_warning_count();
    assert_int_equal(load("employer_match:\n  graded_schedule:\n    - {min_years: 0}\n"
                          "  employer_match_status: deferral_based\n"
                          "eligibility:\n  entry_date_type: immediate\n  excluded_employee_types: [a, b]\n"
                          "vesting:\n  enabled: true\n"),
                     0);
    assert_int_equal(pw_log_warning_count() - before, 3);
    /* A misspelt plan key is an unknown key, not a silent default. */
    capture_begin();
    before = pw_log_warning_count();
    assert_int_equal(load("employer_match:\n  enabeld: false\n"), 0);
    out = capture_end();
    assert_int_equal(pw_log_warning_count() - before, 1);
    assert_non_null(strstr(out, "t.yaml:2: unknown key 'employer_match.enabeld'; ignored"));
    free(out);

    /* Deliberately unused reference keys: silent. */
    before = pw_log_warning_count();
    assert_int_equal(load("setup:\n  clear_tables: true\n  clear_table_patterns: [int_]\n"
                          "compensation:\n  growth_target: 0.005\n  promotion_compensation:\n    advanced:\n"
                          "      market_adjustments: {baseline: 1.0}\n"
                          "enrollment:\n  timing:\n    x: 1\n  voluntary_enrollment:\n    timing_distribution:\n"
                          "      early: 0.3\n    annual_enrollment_probability: 0.6\n"
                          "raise_timing:\n  distribution_profile: general\n"
                          "new_hire_compensation:\n  market_adjustments:\n    scenarios: {a: 1}\n"
                          "ops: {a: 1}\nplan_year: {start_date: 2024-01-01}\ndeferral_baseline: {mode: frozen}\n"),
                     0);
    assert_int_equal(pw_log_warning_count() - before, 0);

    /* Plan keys are validated like every other key. */
    expect_error("enrollment:\n  auto_enrollment:\n    window_days: lots\n",
                 "t.yaml:3: 'enrollment.auto_enrollment.window_days' must be an integer in [0, 365], got 'lots'");

    /* A key given twice: warning, last value wins. */
    before = pw_log_warning_count();
    assert_int_equal(load("simulation:\n  end_year: 2030\n  end_year: 2031\n"), 0);
    assert_int_equal(cfg.end_year, 2031);
    assert_int_equal(pw_log_warning_count() - before, 1);
}

/* ---- paths ---- */

static void test_relative_paths(void **state)
{
    (void)state;
    memset(&err, 0, sizeof err);
    assert_int_equal(pw_config_load_file(&cfg, "tests/data/config/sub/relative.yaml", &err), 0);
    assert_string_equal(cfg.census_path, "tests/data/config/sub/census.csv");
    assert_string_equal(cfg.assumptions_directory, "tests/data/config/sub/../tables");
    assert_string_equal(cfg.assumption_files[PW_TABLE_IRS_LIMITS], "/abs/irs_limits.csv");
    assert_string_equal(cfg.assumption_files[PW_TABLE_JOB_LEVELS], "tests/data/config/sub/levels.csv");
    assert_string_equal(cfg.assumption_files[PW_TABLE_AGE_BANDS], "");
    assert_string_equal(cfg.config_path, "tests/data/config/sub/relative.yaml");

    /* A default path resolves like a written one; no base dir leaves paths alone. */
    assert_int_equal(pw_config_load_text(&cfg, "", 0, "x.yaml", "cfgdir", &err), 0);
    assert_string_equal(cfg.census_path, "cfgdir/data/census_preprocessed.parquet");
    assert_int_equal(load("assumptions:\n  vesting_schedules: v.csv\n"), 0);
    assert_string_equal(cfg.assumption_files[PW_TABLE_VESTING_SCHEDULES], "v.csv");
}

/* ---- YAML and file errors ---- */

static void test_yaml_syntax_errors(void **state)
{
    (void)state;
    memset(&err, 0, sizeof err);
    assert_int_equal(pw_config_load_file(&cfg, "tests/data/config/bad_syntax.yaml", &err), PW_ECONFIG);
    assert_non_null(strstr(err.msg, "tests/data/config/bad_syntax.yaml:3:"));
    assert_non_null(strstr(err.msg, "invalid YAML"));
    expect_error("simulation: [1, 2\n", "t.yaml:2:1: invalid YAML");
    expect_error("a: \"unterminated\n", "invalid YAML");
    expect_error("a: *nope\n", "invalid YAML");
    expect_error("a: \xff\xfe\n", "invalid YAML");
}

static void test_hostile_documents(void **state)
{
    (void)state;
    /* Deep nesting below a list-valued key is bounded, not a stack overflow. */
    char deep[4096];
    size_t n = (size_t)snprintf(deep, sizeof deep, "employer_match:\n  formulas:");
    for (int i = 0; i < 100; i++) n += (size_t)snprintf(deep + n, sizeof deep - n, " {a:");
    n += (size_t)snprintf(deep + n, sizeof deep - n, " 1");
    for (int i = 0; i < 100; i++) n += (size_t)snprintf(deep + n, sizeof deep - n, "}");
    snprintf(deep + n, sizeof deep - n, "\n");
    expect_error(deep, "nesting deeper than");
    /* A mapping that contains itself through an alias. */
    expect_error("employer_match: {formulas: &a {x: 1, y: *a}}\n", "nesting deeper than");
    expect_error("employer_core_contribution: {graded_schedule: &a [1, *a]}\n", "nesting deeper than");
    /* Aliases multiplying a subtree are bounded by the visit budget. */
    expect_error("a: &a {x: 1, y: 1, z: 1, w: 1, v: 1, u: 1, t: 1, s: 1, r: 1, q: 1}\n"
                 "b: &b {a: *a, b: *a, c: *a, d: *a, e: *a, f: *a, g: *a, h: *a, i: *a, j: *a}\n"
                 "c: &c {a: *b, b: *b, c: *b, d: *b, e: *b, f: *b, g: *b, h: *b, i: *b, j: *b}\n"
                 "d: &d {a: *c, b: *c, c: *c, d: *c, e: *c, f: *c, g: *c, h: *c, i: *c, j: *c}\n"
                 "e: &e {a: *d, b: *d, c: *d, d: *d, e: *d, f: *d, g: *d, h: *d, i: *d, j: *d}\n"
                 "f: &f {a: *e, b: *e, c: *e, d: *e, e: *e, f: *e, g: *e, h: *e, i: *e, j: *e}\n"
                 "employer_match:\n  formulas: {a: *f, b: *f, c: *f, d: *f, e: *f, f: *f, g: *f, h: *f, i: *f}\n",
                 "'employer_match.formulas' has more than 65536 values");
}

/* The YAML-hardening rules of the loader: one document, each section once,
 * nesting bounded before the document is built. */
static void test_yaml_document_shape(void **state)
{
    (void)state;
    /* A second document names the line of its `---`. */
    expect_error("simulation:\n  random_seed: 1\n---\nworkforce:\n  total_termination_rate: 0.1\n",
                 "t.yaml:3: a second YAML document starts here");
    /* One explicit document is fine. */
    assert_int_equal(load("---\nsimulation:\n  random_seed: 3\n...\n"), 0);
    assert_true(cfg.random_seed == 3);
    /* A section given twice names both lines, also when nested. */
    expect_error("simulation:\n  random_seed: 1\nworkforce:\n  total_termination_rate: 0.1\n"
                 "simulation:\n  target_growth_rate: 0.02\n",
                 "t.yaml:5: section 'simulation' is given again (first on line 1)");
    expect_error("employer_core_contribution:\n  integration:\n    enabled: true\n  integration:\n    enabled: false\n",
                 "t.yaml:4: section 'employer_core_contribution.integration' is given again (first on line 2)");
    /* 200 KB of nested flow lists: an error at once (the scanner alone took
     * over half a minute on this before the event pass). */
    size_t half = 100000;
    char *deep = malloc(2 * half + 8);
    assert_non_null(deep);
    memcpy(deep, "a: ", 3);
    memset(deep + 3, '[', half);
    memset(deep + 3 + half, ']', half);
    deep[3 + 2 * half] = '\0';
    memset(&err, 0, sizeof err);
    assert_int_equal(pw_config_load_text(&cfg, deep, strlen(deep), "t.yaml", NULL, &err), PW_ECONFIG);
    assert_non_null(strstr(err.msg, "t.yaml:1: nesting deeper than 64 levels"));
    free(deep);
}

static void test_read_text_and_missing_file(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(pw_config_read_text("tests/data/config/bad_range.yaml", &text, &len, &err), 0);
    assert_non_null(text);
    assert_int_equal(strlen(text), len);
    assert_non_null(strstr(text, "total_termination_rate: 1.5"));
    free(text);

    memset(&err, 0, sizeof err);
    assert_int_equal(pw_config_read_text("tests/data/config/none.yaml", &text, &len, &err), PW_EIO);
    assert_null(text);
    assert_string_equal(err.msg, "cannot open 'tests/data/config/none.yaml': No such file or directory");
    assert_int_equal(pw_config_load_file(&cfg, "tests/data/config/none.yaml", &err), PW_EIO);
    assert_int_equal(pw_config_load_file(&cfg, "tests/data/config", &err), PW_EIO);
    assert_non_null(strstr(err.msg, "cannot read 'tests/data/config'"));
}

/* ---- scenario overlays ---- */

static void test_scenario_overlays(void **state)
{
    (void)state;
    const char *paths[] = {"tests/data/config/overlay/base.yaml", "tests/data/config/overlay/scen/overlay.yaml"};
    memset(&err, 0, sizeof err);
    int warnings = pw_log_warning_count();
    assert_int_equal(pw_config_load_layers(&cfg, paths, 2, &err), 0);
    /* The same key in base and overlay is the point of an overlay, not a repeated key. */
    assert_int_equal(pw_log_warning_count(), warnings);
    assert_string_equal(cfg.scenario_id, "scen");
    assert_string_equal(cfg.config_path, "tests/data/config/overlay/base.yaml");
    assert_true(cfg.random_seed == 7);            /* base only */
    assert_true(cfg.target_growth_rate == 0.05);  /* overlay wins */
    assert_true(cfg.total_termination_rate == 0.12);
    /* Each relative path resolves against the folder of the file that set it. */
    assert_string_equal(cfg.census_path, "tests/data/config/overlay/scen/other.csv");
    /* A mapping merges entry by entry: level 1 from the base, level 2 from the overlay. */
    assert_true(cfg.new_hire_level_distribution.set[1] && cfg.new_hire_level_distribution.value[1] == 0.6);
    assert_true(cfg.new_hire_level_distribution.set[2] && cfg.new_hire_level_distribution.value[2] == 0.5);
    /* A list replaces the base list whole: one row, not the base's two. */
    assert_int_equal(cfg.plan.graded_count, 1);
    assert_true(cfg.plan.graded[0].rate == 0.04);
    /* A formula named again is that formula, whole. */
    const struct pw_match_formula *f = NULL;
    for (int i = 0; i < cfg.plan.formula_count; i++)
        if (!strcmp(cfg.plan.formulas[i].name, "my_match")) f = &cfg.plan.formulas[i];
    assert_non_null(f);

    /* One layer is the plain load. */
    assert_int_equal(pw_config_load_layers(&cfg, paths, 1, &err), 0);
    assert_string_equal(cfg.scenario_id, "base");
    assert_string_equal(cfg.census_path, "tests/data/config/overlay/census.csv");
    assert_int_equal(cfg.plan.graded_count, 2);

    /* A cross-key rule broken by the merge names the overlay's file and line. */
    const char *cross[] = {paths[0], "tests/data/config/overlay/scen/cross.yaml"};
    assert_int_equal(pw_config_load_layers(&cfg, cross, 2, &err), PW_ECONFIG);
    assert_non_null(strstr(err.msg, "tests/data/config/overlay/scen/cross.yaml:3:"));
    /* A missing overlay is an I/O error naming it; zero layers is refused. */
    const char *missing[] = {paths[0], "tests/data/config/overlay/none.yaml"};
    assert_int_equal(pw_config_load_layers(&cfg, missing, 2, &err), PW_EIO);
    assert_non_null(strstr(err.msg, "none.yaml"));
    assert_int_equal(pw_config_load_layers(&cfg, paths, 0, &err), PW_ECONFIG);
}

/* ---- shipped files and the dump ---- */

static void test_shipped_configs_load(void **state)
{
    (void)state;
    unsigned long before = pw_log_warning_count();
    assert_int_equal(pw_config_load_file(&cfg, "config/simulation_config.yaml", &err), 0);
    assert_int_equal(pw_log_warning_count() - before, 0);
    assert_string_equal(cfg.census_path, "config/../data/census_preprocessed.parquet");
    struct pw_config defaults;
    pw_config_init_defaults(&defaults);
    assert_int_equal(pw_config_finalize(&defaults, &err), 0);
    assert_float_equal(cfg.total_termination_rate, defaults.total_termination_rate, 0);
    assert_int_equal(cfg.merit_mmdd, defaults.merit_mmdd);

    capture_begin();
    before = pw_log_warning_count();
    int rc = pw_config_load_file(&cfg, "config/reference_simulation_config.yaml", &err);
    char *out = capture_end();
    if (rc) print_error("%s\n", err.msg);
    assert_int_equal(rc, 0);
    /* Every reference key is read, ignored or skipped as infrastructure: no warning. */
    assert_int_equal(pw_log_warning_count() - before, 0);
    assert_non_null(strstr(out, "skipped the reference system's infrastructure settings: multi_year, ops, "
                                "corporate_network\n"));
    assert_int_equal(count_lines(out), 1);
    assert_true(cfg.generate_synthetic_events);
    assert_null(strstr(out, "unknown key"));
    free(out);
    /* Hand-checked values of the blocks in the reference layout. */
    assert_true(cfg.use_census_rates);
    assert_float_equal(cfg.pre_enrolled_fallback, 0.03, 0);
    assert_string_equal(cfg.census_rate_field, "employee_deferral_rate");
    assert_int_equal(cfg.plan.match_status, PW_MATCH_DEFERRAL_BASED);
    const struct pw_match_formula *tt = &cfg.plan.match_mode[1];   /* tenure_match_tiers, percents */
    assert_int_equal(tt->row_count, 3);
    assert_float_equal(tt->rows[0].match_rate, 0.25, 1e-12);
    assert_float_equal(tt->rows[2].match_rate, 1.00, 1e-12);
    assert_float_equal(tt->rows[1].max_deferral, 0.06, 1e-12);
    assert_true(tt->rows[2].max < 0);
    assert_int_equal(cfg.plan.match_mode[3].type, PW_FORMULA_POINTS_BASED);
    assert_float_equal(cfg.plan.match_mode[0].rows[1].match_rate, 1.0, 0); /* graded, fraction */
    assert_int_equal(cfg.plan.match_mode[2].rows[1].tier_count, 1);
    assert_int_equal(cfg.plan.core_status, PW_CORE_GRADED_BY_SERVICE);
    assert_int_equal(cfg.plan.graded_count, 3);
    assert_float_equal(cfg.plan.graded[1].min, 3, 0);              /* whole-number gap kept as written */
    assert_int_equal(cfg.plan.age_count, 0);
    assert_int_equal(cfg.plan.integration_mode, PW_INTEGRATION_PERCENT); /* percent_of_ss_wage_base */
    assert_float_equal(cfg.plan.mr_up_maximize, 0.60, 0);
    assert_float_equal(cfg.plan.mr_down_partial_rate, 0.30, 0);
    assert_int_equal(cfg.nh_age_count, 3);
    assert_int_equal(cfg.nh_age[2], 50);
    assert_true(cfg.nh_level_comp.set[2] && !cfg.nh_level_comp.set[3]);
    assert_float_equal(cfg.nh_level_comp.max[2], 110000, 0);
    /* dc_plan wins: core_contribution_rate_percent 1.0 -> 0.01, eligibility_months 0 -> 0 days */
    assert_float_equal(cfg.plan.core_rate, 0.01, 1e-12);
    assert_int_equal(cfg.plan.waiting_period_days, 0);
    const struct pw_match_formula *qaca = NULL, *sh = NULL;
    for (int i = 0; i < cfg.plan.formula_count; i++) {
        if (!strcmp(cfg.plan.formulas[i].name, "qaca_safe_harbor")) qaca = &cfg.plan.formulas[i];
        if (!strcmp(cfg.plan.formulas[i].name, "safe_harbor_basic")) sh = &cfg.plan.formulas[i];
    }
    assert_non_null(qaca);
    assert_string_equal(qaca->vesting_schedule, "cliff_2");
    assert_non_null(sh);
    assert_string_equal(sh->vesting_schedule, "immediate");
    /* Its plan sections are read. */
    assert_string_equal(cfg.plan.active_formula, "simple_match");
    assert_int_equal(cfg.plan.ae_hire_date_cutoff, pw_date_from_ymd(2025, 1, 1));
    assert_false(cfg.plan.esc_enabled);
    assert_int_equal(cfg.plan.esc_hire_date_cutoff, pw_date_from_ymd(2999, 1, 1));
    assert_float_equal(cfg.plan.opt_out_income_mult[0], 1.20, 0); /* low_income */
    assert_float_equal(cfg.plan.vol_income_mult[0], 0.70, 0);     /* low */
    assert_float_equal(cfg.plan.vol_deferral[3][3], 0.15, 0);     /* senior_executive */
    assert_int_equal(cfg.plan.formula_count, 10);                 /* five replaced by name, four added */
    assert_string_equal(cfg.plan.formulas[3].label, "Stretch Match");
    assert_float_equal(cfg.plan.formulas[3].max_match_percentage, 0.03, 0);
    assert_int_equal(cfg.raise_timing_methodology, PW_RAISE_REALISTIC);
    assert_true(cfg.cola_rate_set);
    assert_float_equal(cfg.cola_rate, 0.01, 0);
    assert_float_equal(cfg.promo_level_overrides.value[5], 0.30, 0);
}

static void test_dump_round_trips(void **state)
{
    (void)state;
    assert_int_equal(load("scenario_id: \"v1.2-beta_X\"\n"
                          "simulation:\n  random_seed_promotion: 11\n  target_growth_rate: 0.1\n"
                          "compensation:\n  cola_rate: 0.015\n  promotion_compensation:\n"
                          "    level_overrides: {3: 0.25}\n"
                          "workforce:\n  new_hire_level_distribution: {1: 0.5, 2: 0.5}\n"
                          "event_calendar:\n  merit: 04-01\n"
                          "assumptions:\n  irs_limits: /x/irs.csv\n"
                          "enrollment:\n  auto_enrollment:\n    opt_out_rates:\n      by_age: {young: 0.2}\n"
                          "employer_match:\n  active_formula: pts\n  formulas:\n"
                          "    svc:\n      schedule:\n        - {min_years: 0, max_years: 2.5, rate: 0.5, max_deferral: 0.06}\n"
                          "        - {min_years: 2.5, rate: 1, max_deferral: 0.06}\n"
                          "    pts:\n      name: \"Points \\\"plus\\\"\"\n      schedule:\n"
                          "        - {min_points: 0, rate: 0.5, max_deferral: 0.05}\n"
                          "employer_core_contribution:\n  status: age_banded\n  age_schedule:\n"
                          "    - {min_age: 0, max_age: 50, rate: 0.02}\n    - {min_age: 50, rate: 0.03}\n"
                          "  integration: {enabled: true, level_mode: fixed, level_value: 50000}\n"),
                     0);
    char *first = dump(&cfg);
    assert_non_null(strstr(first, "\n  random_seed_promotion: 11\n"));
    assert_non_null(strstr(first, "\nevent_calendar:\n"));
    assert_non_null(strstr(first, "  merit: \"04-01\"\n"));
    assert_non_null(strstr(first, "    level_overrides:\n      3: 0.25\n"));
    assert_non_null(strstr(first, "    advanced:\n"));
    assert_non_null(strstr(first, "\nemployer_match:\n"));
    assert_non_null(strstr(first, "        young: 0.2\n"));
    assert_non_null(strstr(first, "        mid_career: null\n"));
    assert_non_null(strstr(first, "(null: enrollment_opt_out_rates table, built-in 0.07); in [0, 1] or null\n"));
    assert_non_null(strstr(first, "    svc:\n      type: \"graded_by_service\"\n      schedule:\n"
                                  "        - min_years: 0\n          max_years: 2.5\n          match_rate: 0.5\n"));
    assert_non_null(strstr(first, "    pts:\n      name: \"Points \\\"plus\\\"\"\n      type: \"points_based\"\n"));
    assert_non_null(strstr(first, "  age_schedule:\n    - min_age: 0\n      max_age: 50\n      rate: 0.02\n"
                                  "    - min_age: 50\n      max_age: null\n"));
    assert_non_null(strstr(first, "  points_schedule: []\n"));
    assert_non_null(strstr(first, "    level_value: 50000.0\n"));

    struct pw_config again;
    assert_int_equal(pw_config_load_text(&again, first, strlen(first), "dump.yaml", "", &err), 0);
    char *second = dump(&again);
    /* Same text apart from the "# from:" provenance line. */
    assert_string_equal(strchr(strstr(first, "# from:"), '\n'), strchr(strstr(second, "# from:"), '\n'));
    assert_string_equal(again.scenario_id, "v1.2-beta_X");
    assert_true(again.seed_promotion == 11 && again.seed_hiring == 42);
    assert_true(isnan(again.plan.opt_out_by_age[1]));
    assert_string_equal(pw_plan_active_formula(&again.plan)->label, "Points \"plus\"");
    free(first);
    free(second);

    /* Defaults also round-trip, including null cola_rate and an empty distribution. */
    pw_config_init_defaults(&cfg);
    assert_int_equal(pw_config_finalize(&cfg, &err), 0);
    first = dump(&cfg);
    assert_non_null(strstr(first, "  cola_rate: null\n"));
    assert_non_null(strstr(first, "  new_hire_level_distribution: {}\n"));
    assert_int_equal(pw_config_load_text(&again, first, strlen(first), "d.yaml", "", &err), 0);
    assert_false(again.cola_rate_set);
    second = dump(&again);
    assert_string_equal(strchr(strstr(first, "scenario_id"), '\n'), strchr(strstr(second, "scenario_id"), '\n'));
    free(first);
    free(second);
}

/* performance.memory_limit: auto is 1 GB, or half the RAM on a small machine;
 * shares and sizes are taken as given; anything else is refused. */
static void test_memory_limit_values(void **state)
{
    (void)state;
    uint64_t b = 0;
    assert_int_equal(pw_config_memory_bytes("auto", 24000000000ULL, &b), 0);
    assert_true(b == 1000000000ULL);
    assert_int_equal(pw_config_memory_bytes("auto", 1200000000ULL, &b), 0);
    assert_true(b == 600000000ULL);
    assert_int_equal(pw_config_memory_bytes("50%", 24000000000ULL, &b), 0);
    assert_true(b == 12000000000ULL);
    assert_int_equal(pw_config_memory_bytes("512MiB", 24000000000ULL, &b), 0);
    assert_true(b == 536870912ULL);
    assert_int_equal(pw_config_memory_bytes("9%", 24000000000ULL, &b), -1);
    assert_int_equal(pw_config_memory_bytes("10MB", 24000000000ULL, &b), -1);
    assert_int_equal(pw_config_memory_bytes("automatic", 24000000000ULL, &b), -1);
    struct pw_config c;
    pw_config_init_defaults(&c);
    assert_string_equal(c.perf.memory_limit, "auto");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory_limit_values),
        cmocka_unit_test(test_table_rows_are_consistent),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_empty_document_gives_defaults),
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_type_errors),
        cmocka_unit_test(test_range_errors_name_key_and_line),
        cmocka_unit_test(test_level_maps),
        cmocka_unit_test(test_cross_key_rules),
        cmocka_unit_test(test_unknown_plan_and_ignored_keys),
        cmocka_unit_test(test_relative_paths),
        cmocka_unit_test(test_yaml_syntax_errors),
        cmocka_unit_test(test_hostile_documents),
        cmocka_unit_test(test_yaml_document_shape),
        cmocka_unit_test(test_read_text_and_missing_file),
        cmocka_unit_test(test_scenario_overlays),
        cmocka_unit_test(test_shipped_configs_load),
        cmocka_unit_test(test_dump_round_trips),
    };
    pw_log_set_verbosity(PW_QUIET); /* warnings are counted, not shown; capture tests raise it */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
