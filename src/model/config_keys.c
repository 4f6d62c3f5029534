/* config_keys.c: the key table of MODEL 2.2 and lookups over it.
 *
 * Row order is the order of `planwise config show` (the layout of the
 * reference simulation_config.yaml); keys of one section must stay together
 * because the YAML writer opens and closes sections by comparing neighbours.
 * Plan rows (PW_KF_PLAN) come last; they document the retirement-plan keys
 * the next stage of the model will read (see config_keys.h). */
#include "model/config_keys.h"

#include <string.h>

#define F(f) offsetof(struct pw_config, f)
#define NOF PW_KEY_NO_FIELD
#define INF 0.0 /* placeholder bound when PW_KF_NO_LO / PW_KF_NO_HI says it is absent */

#define BOOL(k, f, def, doc) {k, PW_KEY_BOOL, F(f), NOF, 0, 0, 0, NULL, def, doc}
#define INT(k, f, lo, hi, def, doc) {k, PW_KEY_INT, F(f), NOF, lo, hi, 0, NULL, def, doc}
#define DBL(k, f, lo, hi, fl, def, doc) {k, PW_KEY_DOUBLE, F(f), NOF, lo, hi, fl, NULL, def, doc}
#define ENUM(k, f, names, def, doc) {k, PW_KEY_ENUM, F(f), NOF, 0, 0, 0, names, def, doc}
#define MMDD(k, f, def, doc) {k, PW_KEY_MMDD, F(f), NOF, 0, 0, 0, NULL, def, doc}
#define LMAP(k, f, lo, hi, fl, def, doc) {k, PW_KEY_LEVEL_MAP, F(f), NOF, lo, hi, (fl) | PW_KF_NULLABLE, NULL, def, doc}
#define SEED(k, f, setf, fl, def, doc) {k, PW_KEY_SEED, F(f), setf, 0, 0, fl, NULL, def, doc}
#define PATH(k, f, lo, fl, def, doc) {k, PW_KEY_PATH, F(f), NOF, lo, PW_PATH_MAX - 1, fl, NULL, def, doc}
#define TABLE(name)                                                                                  \
    PATH("assumptions." #name, assumption_files[PW_TABLE_##name##_ID], 0, PW_KF_NULLABLE, NULL,       \
         "CSV replacing " #name ".csv")

/* Plan rows: no field yet. */
#define P_BOOL(k, def, doc) {k, PW_KEY_BOOL, NOF, NOF, 0, 0, PW_KF_PLAN, NULL, def, doc}
#define P_INT(k, lo, hi, def, doc) {k, PW_KEY_INT, NOF, NOF, lo, hi, PW_KF_PLAN, NULL, def, doc}
#define P_DBL(k, lo, hi, fl, def, doc) {k, PW_KEY_DOUBLE, NOF, NOF, lo, hi, (fl) | PW_KF_PLAN, NULL, def, doc}
#define P_RATE(k, def, doc) P_DBL(k, 0, 1, 0, def, doc)
#define P_MULT(k, def, doc) P_DBL(k, 0, 10, 0, def, doc)
#define P_ENUM(k, names, def, doc) {k, PW_KEY_ENUM, NOF, NOF, 0, 0, PW_KF_PLAN, names, def, doc}
#define P_STR(k, def, doc) {k, PW_KEY_STRING, NOF, NOF, 1, 64, PW_KF_PLAN, NULL, def, doc}
#define P_DATE(k, def, doc) {k, PW_KEY_DATE, NOF, NOF, 0, 0, PW_KF_PLAN | PW_KF_NULLABLE, NULL, def, doc}
#define P_MMDD(k, def, doc) {k, PW_KEY_MMDD, NOF, NOF, 0, 0, PW_KF_PLAN, NULL, def, doc}

/* Table ids spelled like the key names so TABLE(age_bands) can paste them. */
enum {
    PW_TABLE_age_bands_ID = PW_TABLE_AGE_BANDS,
    PW_TABLE_tenure_bands_ID = PW_TABLE_TENURE_BANDS,
    PW_TABLE_job_levels_ID = PW_TABLE_JOB_LEVELS,
    PW_TABLE_termination_hazard_ID = PW_TABLE_TERMINATION_HAZARD,
    PW_TABLE_promotion_hazard_ID = PW_TABLE_PROMOTION_HAZARD,
    PW_TABLE_merit_cola_by_level_ID = PW_TABLE_MERIT_COLA_BY_LEVEL,
    PW_TABLE_irs_limits_ID = PW_TABLE_IRS_LIMITS,
    PW_TABLE_new_hire_age_distribution_ID = PW_TABLE_NEW_HIRE_AGE_DISTRIBUTION,
    PW_TABLE_raise_timing_distribution_ID = PW_TABLE_RAISE_TIMING_DISTRIBUTION,
    PW_TABLE_enrollment_groups_ID = PW_TABLE_ENROLLMENT_GROUPS,
    PW_TABLE_enrollment_opt_out_rates_ID = PW_TABLE_ENROLLMENT_OPT_OUT_RATES,
    PW_TABLE_enrollment_proactive_rates_ID = PW_TABLE_ENROLLMENT_PROACTIVE_RATES,
    PW_TABLE_enrollment_voluntary_rates_ID = PW_TABLE_ENROLLMENT_VOLUNTARY_RATES,
    PW_TABLE_enrollment_voluntary_deferral_rates_ID = PW_TABLE_ENROLLMENT_VOLUNTARY_DEFERRAL_RATES,
    PW_TABLE_enrollment_yoy_rates_ID = PW_TABLE_ENROLLMENT_YOY_RATES,
    PW_TABLE_vesting_schedules_ID = PW_TABLE_VESTING_SCHEDULES,
};

static const char *const selection_names[] = {"hazard_weighted", "uniform", NULL};
static const char *const promo_dist_names[] = {"uniform", "normal", "deterministic", NULL};
static const char *const raise_timing_names[] = {"calendar_driven", "realistic", NULL};
static const char *const strategy_names[] = {"percentile_based", NULL};
static const char *const ae_scope_names[] = {"new_hires_only", "all_eligible_employees", NULL};
static const char *const core_status_names[] = {"none", "flat", "graded_by_service", "age_banded",
                                                "points_based", NULL};
static const char *const level_mode_names[] = {"ss_wage_base", "percent", "fixed", NULL};

#define AE "enrollment.auto_enrollment."
#define PE "enrollment.proactive_enrollment."
#define VE "enrollment.voluntary_enrollment."
#define YOY "enrollment.year_over_year_conversion."
#define ESC "deferral_auto_escalation."
#define DMR "deferral_match_response."
#define EM "employer_match."
#define EC "employer_core_contribution."
#define ELIG_ROWS(p)                                                                             \
    P_INT(p "eligibility.minimum_tenure_years", 0, 50, "0", "years of service required"),        \
    P_INT(p "eligibility.minimum_hours_annual", 0, 4000, "1000", "hours worked in the year"),    \
    P_BOOL(p "eligibility.require_active_at_year_end", "true", "must be active on Dec 31"),      \
    P_BOOL(p "eligibility.allow_new_hires", "true", "active new hires qualify regardless of tenure"), \
    P_BOOL(p "eligibility.allow_terminated_new_hires", "false", "new-hire terminations qualify"), \
    P_BOOL(p "eligibility.allow_experienced_terminations", "false", "experienced terminations qualify")
#define AGE4(p, a, b, c, d, doc) \
    P_RATE(p "young", a, doc), P_RATE(p "mid_career", b, doc), P_RATE(p "mature", c, doc), P_RATE(p "senior", d, doc)
#define INC4(p, low, a, b, c, d, doc) \
    P_MULT(p low, a, doc), P_MULT(p "moderate", b, doc), P_MULT(p "high", c, doc), P_MULT(p "executive", d, doc)
#define DBR(age, a, b, c, d)                                                                      \
    P_RATE(VE "deferral_rates.demographic_base_rates." age "_low", a, "initial deferral rate"),    \
    P_RATE(VE "deferral_rates.demographic_base_rates." age "_moderate", b, "initial deferral rate"), \
    P_RATE(VE "deferral_rates.demographic_base_rates." age "_high", c, "initial deferral rate"),   \
    P_RATE(VE "deferral_rates.demographic_base_rates." age "_executive", d, "initial deferral rate")

const struct pw_config_key pw_config_keys[] = {
    {"scenario_id", PW_KEY_STRING, F(scenario_id), NOF, 1, PW_SCENARIO_MAX, 0, NULL, "default",
     "name of this scenario in the output tables"},

    INT("simulation.start_year", start_year, 1900, 2200, "2025", "first simulated plan year S"),
    INT("simulation.end_year", end_year, 1900, 2200, "2029", "last simulated plan year E; S <= E <= S + 100"),
    SEED("simulation.random_seed", random_seed, NOF, 0, "42", "seed of every random draw"),
    SEED("simulation.random_seed_termination", seed_termination, F(seed_termination_set), PW_KF_NULLABLE, NULL,
         "seed of the termination draws; null = random_seed"),
    SEED("simulation.random_seed_hiring", seed_hiring, F(seed_hiring_set), PW_KF_NULLABLE, NULL,
         "seed of the hiring draws; null = random_seed"),
    SEED("simulation.random_seed_promotion", seed_promotion, F(seed_promotion_set), PW_KF_NULLABLE, NULL,
         "seed of the promotion draws; null = random_seed"),
    DBL("simulation.target_growth_rate", target_growth_rate, -1, 1, PW_KF_LO_OPEN, "0.03",
        "yearly headcount growth target"),

    PATH("setup.census_parquet_path", census_path, 1, 0, "data/census_preprocessed.parquet",
         "census file (.parquet or .csv); relative to this file's folder"),
    {"setup.plan_year_end_date", PW_KEY_DATE, F(plan_year_end_date), F(plan_year_end_date_set), 0, 0,
     PW_KF_NULLABLE, NULL, NULL, "census date; null = Dec 31 of start_year - 1; before Jan 1 of start_year"},

    DBL("workforce.total_termination_rate", total_termination_rate, 0, 1, 0, "0.12",
        "yearly termination rate of experienced employees"),
    DBL("workforce.new_hire_termination_rate", new_hire_termination_rate, 0, 0.99, PW_KF_HI_OPEN, "0.25",
        "share of the year's hires who leave in their hire year"),
    DBL("workforce.part_time_new_hire_pct", part_time_new_hire_pct, 0, 1, 0, "0.0", "share of hires who are part-time"),
    DBL("workforce.part_time_hours_per_week", part_time_hours_per_week, 0, 40, PW_KF_LO_OPEN, "20",
        "scheduled hours of part-time hires"),
    LMAP("workforce.new_hire_level_distribution", new_hire_level_distribution, 0, 0, PW_KF_NO_HI, NULL,
         "level -> share of hires (sum > 0); empty = adaptive"),

    ENUM("termination.selection", termination_selection, selection_names, "hazard_weighted",
         "how leavers are chosen"),

    {"compensation.cola_rate", PW_KEY_DOUBLE, F(cola_rate), F(cola_rate_set), 0, 0.5, PW_KF_NULLABLE, NULL, NULL,
     "COLA for every level; null = per level from merit_cola_by_level"},
    DBL("compensation.merit_budget", merit_budget, 0, 0.5, 0, "0.035", "average merit increase"),
    DBL("compensation.merit_max_cap_pct", merit_max_cap_pct, 0, 1, PW_KF_LO_OPEN, "0.50",
        "largest merit increase as a share of pay"),
    DBL("compensation.merit_max_cap_amount", merit_max_cap_amount, 0, INF, PW_KF_LO_OPEN | PW_KF_NO_HI, "250000",
        "largest merit increase in dollars"),
    DBL("compensation.promotion_rate_multiplier", promotion_rate_multiplier, 0, 10, 0, "1.0",
        "scales the promotion hazard"),
    DBL("compensation.promotion_compensation.base_increase_pct", promo_base_increase_pct, 0, 1, 0, "0.20",
        "midpoint of the promotion raise"),
    DBL("compensation.promotion_compensation.distribution_range", promo_distribution_range, 0, 1, 0, "0.05",
        "spread around the midpoint; at most base_increase_pct"),
    DBL("compensation.promotion_compensation.max_cap_pct", promo_max_cap_pct, 0, 1, 0, "0.30",
        "largest promotion raise as a share of pay"),
    DBL("compensation.promotion_compensation.max_cap_amount", promo_max_cap_amount, 0, INF, PW_KF_NO_HI, "500000",
        "largest promotion raise in dollars"),
    ENUM("compensation.promotion_compensation.distribution_type", promo_distribution_type, promo_dist_names,
         "uniform", "shape of the raise around the midpoint"),
    LMAP("compensation.promotion_compensation.level_overrides", promo_level_overrides, 0, 1, 0, NULL,
         "from-level -> raise midpoint, replacing base_increase_pct"),
    DBL("compensation.promotion_compensation.advanced.normal_std_dev", promo_normal_std_dev, 0, 0.5, 0, "0.02",
        "standard deviation when distribution_type is normal"),

    MMDD("event_calendar.promotion", promotion_mmdd, "02-01", "promotion effective day (MM-DD)"),
    MMDD("event_calendar.merit", merit_mmdd, "07-15", "merit and COLA effective day (MM-DD)"),

    ENUM("raise_timing.methodology", raise_timing_methodology, raise_timing_names, "calendar_driven",
         "raise dates from the event calendar or spread over the year"),

    {"new_hire_compensation.strategy", PW_KEY_ENUM, NOF, NOF, 0, 0, 0, strategy_names, "percentile_based",
     "how hire pay is set (only percentile_based)"},
    DBL("new_hire_compensation.percentile_strategy.default_percentile", nh_default_percentile, 0, 1, 0, "0.30",
        "pay percentile within the level band"),
    LMAP("new_hire_compensation.percentile_strategy.level_overrides", nh_percentile_overrides, 0, 1, 0,
         "1: 0.30, 2: 0.40, 3: 0.50, 4: 0.65, 5: 0.70", "level -> percentile"),
    BOOL("new_hire_compensation.percentile_strategy.variance_enabled", nh_variance_enabled, "true",
         "add normal noise to the percentile"),
    DBL("new_hire_compensation.percentile_strategy.variance_std_dev", nh_variance_std_dev, 0, 0.5, 0, "0.05",
        "standard deviation of that noise"),
    BOOL("new_hire_compensation.market_adjustments.enabled", nh_market_enabled, "true",
         "apply market multipliers to hire pay"),
    DBL("new_hire_compensation.market_adjustments.base_adjustment", nh_market_base_adjustment, 0, 10, PW_KF_LO_OPEN,
        "1.00", "multiplier for levels without their own"),
    LMAP("new_hire_compensation.market_adjustments.level_adjustments", nh_market_level_adjustments, 0, 10,
         PW_KF_LO_OPEN, "1: 1.02, 2: 1.00, 3: 0.98, 4: 1.05, 5: 1.10", "level -> multiplier"),
    DBL("new_hire_compensation.validation.min_percentile", nh_min_percentile, 0, 1, 0, "0.20",
        "lowest allowed percentile"),
    DBL("new_hire_compensation.validation.max_percentile", nh_max_percentile, 0, 1, 0, "0.90",
        "highest allowed percentile"),
    DBL("new_hire_compensation.validation.min_market_adjustment", nh_min_market_adjustment, 0, 10, PW_KF_LO_OPEN,
        "0.80", "lowest allowed market multiplier"),
    DBL("new_hire_compensation.validation.max_market_adjustment", nh_max_market_adjustment, 0, 10, PW_KF_LO_OPEN,
        "1.30", "highest allowed market multiplier"),

    DBL("eligibility.new_hire_ineligible_pct", new_hire_ineligible_pct, 0, 1, 0, "0.0",
        "share of hires permanently excluded from the plan"),
    BOOL("eligibility.new_hire_eligibility_match_census", new_hire_eligibility_match_census, "false",
         "hire exclusion share = the census share of eligibility_override false"),

    DBL("deferral_rates.plan_deferral_cap", plan_deferral_cap, 0, 1, PW_KF_LO_OPEN, "0.75",
        "highest deferral rate; census rates are clamped to it"),

    PATH("assumptions.directory", assumptions_directory, 0, PW_KF_NULLABLE, NULL,
         "folder of <table>.csv files replacing built-in tables"),
    TABLE(age_bands), TABLE(tenure_bands), TABLE(job_levels), TABLE(termination_hazard),
    TABLE(promotion_hazard), TABLE(merit_cola_by_level), TABLE(irs_limits), TABLE(new_hire_age_distribution),
    TABLE(raise_timing_distribution), TABLE(enrollment_groups), TABLE(enrollment_opt_out_rates),
    TABLE(enrollment_proactive_rates), TABLE(enrollment_voluntary_rates),
    TABLE(enrollment_voluntary_deferral_rates), TABLE(enrollment_yoy_rates), TABLE(vesting_schedules),

    /* ---- retirement plan: not modelled yet (MODEL 4.10-4.17) ---- */
    P_INT("eligibility.waiting_period_days", 0, 3650, "0", "fallback for plan_eligibility.waiting_period_days"),
    P_INT("plan_eligibility.minimum_age", 0, 100, "21", "age to join the plan"),
    P_INT("plan_eligibility.waiting_period_days", 0, 3650, NULL, "days of service to join the plan"),

    P_BOOL(AE "enabled", "true", "auto-enroll eligible employees"),
    P_ENUM(AE "scope", ae_scope_names, "new_hires_only", "who is auto-enrolled"),
    P_DATE(AE "hire_date_cutoff", "2020-01-01", "only hires on/after this date; null = all"),
    P_INT(AE "window_days", 0, 365, "45", "days from eligibility to auto-enrollment"),
    P_INT(AE "opt_out_grace_period", 0, 365, "30", "days after auto-enrollment to opt out"),
    P_DBL(AE "default_deferral_rate", 0, 1, PW_KF_LO_OPEN, "0.02", "default rate; at most plan_deferral_cap"),
    P_MULT(AE "voluntary_enrollment_rate", "1.0", "scales voluntary enrollment"),
    AGE4(AE "opt_out_rates.by_age.", "0.10", "0.07", "0.05", "0.03", "opt-out probability"),
    INC4(AE "opt_out_rates.by_income.", "low_income", "1.20", "1.00", "0.70", "0.50", "opt-out multiplier"),

    P_BOOL(PE "enabled", "true", "enroll before the auto-enrollment deadline"),
    P_INT(PE "timing_window.min_days", 0, 365, "7", "earliest day after eligibility"),
    P_INT(PE "timing_window.max_days", 0, 365, "35", "latest day; below window_days"),
    AGE4(PE "probability_by_demographics.", "0.25", "0.45", "0.65", "0.75", "proactive probability"),

    P_BOOL(VE "enabled", "true", "voluntary enrollment of eligible non-participants"),
    AGE4(VE "base_rates_by_age.", "0.30", "0.55", "0.70", "0.80", "enrollment probability"),
    INC4(VE "income_multipliers.", "low", "0.70", "1.00", "1.15", "1.25", "enrollment multiplier"),
    P_MULT(VE "job_level_multipliers.individual", "0.90", "enrollment multiplier"),
    P_MULT(VE "job_level_multipliers.senior", "1.00", "enrollment multiplier"),
    P_MULT(VE "job_level_multipliers.manager", "1.10", "enrollment multiplier"),
    P_MULT(VE "job_level_multipliers.executive", "1.20", "enrollment multiplier"),
    P_BOOL(VE "deferral_rates.match_optimization", "true", "snap rates to the match maximum"),
    DBR("young", "0.03", "0.03", "0.04", "0.06"), DBR("mid_career", "0.04", "0.06", "0.08", "0.10"),
    DBR("mature", "0.05", "0.08", "0.10", "0.12"), DBR("senior", "0.06", "0.10", "0.12", "0.15"),

    P_RATE("enrollment.match_magnet.snap_probability", "0.45", "probability of snapping to the match maximum"),
    P_RATE("enrollment.match_magnet.max_deferral_rate", "0.10", "highest rate that snaps"),
    P_RATE("enrollment.match_magnet.min_deferral_rate", "0.01", "lowest rate that snaps"),

    P_BOOL(YOY "enabled", "true", "yearly enrollment of non-participants"),
    P_INT(YOY "timing.enrollment_month", 1, 12, "6", "month of the yearly enrollment"),
    P_INT(YOY "timing.enrollment_day", 1, 31, "15", "day of the yearly enrollment"),
    AGE4(YOY "base_rates_by_age.", "0.03", "0.05", "0.07", "0.08", "conversion probability"),
    INC4(YOY "income_multipliers.", "low_income", "0.8", "1.0", "1.2", "1.3", "conversion multiplier"),
    P_MULT(YOY "tenure_multipliers.new_employee", "0.7", "conversion multiplier"),
    P_MULT(YOY "tenure_multipliers.established", "1.0", "conversion multiplier"),
    P_MULT(YOY "tenure_multipliers.veteran", "1.1", "conversion multiplier"),
    AGE4(YOY "deferral_rates.", "0.03", "0.04", "0.05", "0.06", "deferral rate of converters"),

    P_RATE("deferral_rates.roth_share", "0.15", "share of deferrals that are Roth"),

    P_BOOL(ESC "enabled", "true", "yearly deferral increases"),
    P_MMDD(ESC "effective_day", "01-01", "escalation day (MM-DD)"),
    P_BOOL(ESC "require_active_enrollment", "true", "accepted; enrollment is always required"),
    P_DBL(ESC "increment_amount", 0, 0.5, PW_KF_LO_OPEN, "0.01", "yearly increase"),
    P_DBL(ESC "maximum_rate", 0, 1, PW_KF_LO_OPEN, "0.10", "escalation stops here; at most plan_deferral_cap"),
    P_DATE(ESC "hire_date_cutoff", "2020-01-01", "only hires on/after this date; null = all"),
    P_INT(ESC "first_escalation_delay_years", 0, 50, "1", "years before the first increase"),

    P_BOOL(DMR "enabled", "false", "deferral changes in response to the match formula"),
    P_RATE(DMR "upward_participation_rate", "0.40", "share below the match maximum who raise"),
    P_RATE(DMR "upward_maximize_rate", "0.60", "of those, share who go to the maximum"),
    P_RATE(DMR "upward_partial_increase_factor", "0.50", "partial raise as a share of the gap"),
    P_BOOL(DMR "downward_enabled", "true", "allow decreases"),
    P_RATE(DMR "downward_participation_rate", "0.15", "share above the match maximum who lower"),
    P_RATE(DMR "downward_reduce_to_max_rate", "0.70", "of those, share who go to the maximum"),
    P_RATE(DMR "downward_partial_decrease_factor", "0.50", "partial decrease as a share of the gap"),

    P_BOOL(EM "enabled", "true", "employer match"),
    P_STR(EM "active_formula", "tiered_match", "name of the formula in employer_match.formulas"),
    P_BOOL(EM "apply_eligibility", "true", "apply the match eligibility rules"),
    ELIG_ROWS(EM),

    P_BOOL(EC "enabled", "true", "employer core contribution"),
    P_ENUM(EC "status", core_status_names, "flat", "core formula"),
    P_RATE(EC "contribution_rate", "0.01", "flat core rate"),
    P_BOOL(EC "integration.enabled", "false", "permitted disparity"),
    P_ENUM(EC "integration.level_mode", level_mode_names, "ss_wage_base", "integration level"),
    P_DBL(EC "integration.level_value", 0, INF, PW_KF_NO_HI | PW_KF_NULLABLE, NULL, "integration level value"),
    P_DBL(EC "integration.disparity_rate", 0, 0.057, 0, "0.0", "extra rate above the level"),
    ELIG_ROWS(EC),

    P_BOOL("vesting.enabled", "true", "vesting of employer money"),
    P_STR("vesting.match_schedule", "graded_6", "schedule name in vesting_schedules.csv"),
    P_STR("vesting.core_schedule", "graded_6", "schedule name in vesting_schedules.csv"),
    P_BOOL("vesting.require_hours_credit", "false", "a year counts only with enough hours"),
    P_INT("vesting.hours_credit_threshold", 0, 4000, "1000", "hours for a year of vesting service"),
};

const size_t pw_config_key_count = sizeof pw_config_keys / sizeof pw_config_keys[0];

/* Reference keys accepted silently (MODEL 2.2). '*' matches one segment; a
 * pattern covers the subtree below it. Checked before the plan sections so
 * e.g. enrollment.timing stays silent. */
static const char *const ignored_patterns[] = {
    "multi_year", "optimization", "orchestrator", "ops", "storage", "employee_id_generation", "plan_year",
    "deferral_baseline", "setup",
    "compensation.growth_target", "compensation.growth_tolerance", "compensation.calculation_methodology",
    "compensation.promotion_compensation.advanced.market_adjustments",
    "enrollment.timing", "enrollment.multi_year", "enrollment.performance",
    "enrollment.auto_enrollment.plan_overrides", "enrollment.*.timing_distribution",
    "enrollment.voluntary_enrollment.annual_enrollment_probability",
    "enrollment.voluntary_enrollment.demographic_adjustments",
    "new_hire_compensation.custom_distribution", "new_hire_compensation.market_adjustments.scenarios",
    "raise_timing.distribution_profile", "raise_timing.validation_tolerance", "raise_timing.deterministic_behavior",
};

/* Retirement-plan sections: anything below them without a row (match
 * formulas, core schedules, reference extras) gets the plan warning. */
static const char *const plan_patterns[] = {
    "eligibility", "plan_eligibility", "enrollment", "deferral_auto_escalation", "deferral_match_response",
    "employer_match", "employer_core_contribution", "vesting", "deferral_rates",
};

/* True when pattern's segments match the leading segments of key. */
static bool pattern_covers(const char *pattern, const char *key)
{
    const char *p = pattern, *k = key;
    for (;;) {
        size_t plen = strcspn(p, "."), klen = strcspn(k, ".");
        if (!(plen == 1 && p[0] == '*') && (plen != klen || memcmp(p, k, plen) != 0)) return false;
        p += plen, k += klen;
        if (!*p) return *k == '\0' || *k == '.';
        if (!*k) return false;
        p++, k++;
    }
}

enum pw_key_disposition pw_config_key_classify(const char *key)
{
    for (size_t i = 0; i < sizeof ignored_patterns / sizeof *ignored_patterns; i++)
        if (pattern_covers(ignored_patterns[i], key)) return PW_KEY_IGNORED;
    for (size_t i = 0; i < sizeof plan_patterns / sizeof *plan_patterns; i++)
        if (pattern_covers(plan_patterns[i], key)) return PW_KEY_PLAN;
    return PW_KEY_UNKNOWN;
}

int pw_config_key_index(const char *key)
{
    for (size_t i = 0; i < pw_config_key_count; i++)
        if (strcmp(pw_config_keys[i].key, key) == 0) return (int)i;
    return -1;
}

const struct pw_config_key *pw_config_key_find(const char *key)
{
    int i = pw_config_key_index(key);
    return i < 0 ? NULL : &pw_config_keys[i];
}

bool pw_config_key_is_section(const char *section)
{
    size_t n = strlen(section);
    for (size_t i = 0; i < pw_config_key_count; i++)
        if (strncmp(pw_config_keys[i].key, section, n) == 0 && pw_config_keys[i].key[n] == '.') return true;
    return false;
}

int pw_assumption_table_find(const char *name)
{
    for (int i = 0; i < PW_TABLE_COUNT; i++)
        if (strcmp(pw_table_names[i], name) == 0) return i;
    return -1;
}
