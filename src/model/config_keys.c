/* config_keys.c: the key table of MODEL 2.2 and lookups over it.
 *
 * Row order is the order of `planwise config show` (the layout of the
 * reference simulation_config.yaml); keys of one section must stay together
 * because the YAML writer opens and closes sections by comparing neighbours.
 * Retirement-plan rows (MODEL 4.10-4.17) follow the workforce rows, in the
 * reference's order; the assumption tables come last.
 *
 * Enrollment rates that also exist in an assumption table are PW_KF_NAN rows:
 * absent or null they stay NAN and the engine takes the table's value, so a
 * replaced table is honoured unless the YAML sets the key (MODEL 2.3). Their
 * doc names the table and its built-in value, which `config show` prints as a
 * comment above `key: null`. */
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

/* Rate backed by an assumption table: NAN unless given (see the file comment). */
#define TAB(k, f, hi, table, builtin, doc)                                                          \
    {k, PW_KEY_DOUBLE, F(f), NOF, 0, hi, PW_KF_NULLABLE | PW_KF_NAN, NULL, NULL,                    \
     doc " (null: " table " table, built-in " builtin ")"}
#define RATE(k, f, def, doc) DBL(k, f, 0, 1, 0, def, doc)
#define STR(k, f, lo, def, doc) \
    {k, PW_KEY_STRING, F(f), NOF, lo, sizeof(((struct pw_config *)0)->f) - 1, 0, NULL, def, doc}
#define DATE_OR_NULL(k, f, def, doc) {k, PW_KEY_DATE, F(f), NOF, 0, 0, PW_KF_NULLABLE, NULL, def, doc}
#define LIST(k, f, id, doc) {k, PW_KEY_PLAN_LIST, F(f), NOF, id, 0, 0, NULL, NULL, doc}
#define NANRATE(k, f, doc) {k, PW_KEY_DOUBLE, F(f), NOF, 0, 1, PW_KF_NULLABLE | PW_KF_NAN, NULL, NULL, doc}

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
/* The last two are the reference's spellings of percent and fixed; finalize maps them. */
static const char *const level_mode_names[] = {"ss_wage_base", "percent", "fixed", "percent_of_ss_wage_base",
                                               "fixed_dollar", NULL};
static const char *const age_convention_names[] = {"exact", "reference", NULL};
static const char *const match_status_names[] = {"deferral_based", "graded_by_service", "tenure_based",
                                                 "tenure_graded", "points_based", NULL};
static const char *const timing_names[] = {"first_year", NULL};
/* Same order as enum pw_output_layout (io/store_schema.h) for the two a user picks. */
static const char *const output_format_names[] = {"duckdb", "parquet", NULL};
static const char *const ct_method_names[] = {"current_year", "prior_year", NULL};
static const char *const ct_correction_names[] = {"refund", "qnec", "none", NULL};
static const char *const qnec_method_names[] = {"targeted", "uniform", NULL};
static const char *const th_correction_names[] = {"minimum", "none", NULL};

#define AE "enrollment.auto_enrollment."
#define PE "enrollment.proactive_enrollment."
#define VE "enrollment.voluntary_enrollment."
#define YOY "enrollment.year_over_year_conversion."
#define CT "compliance."
/* ADP or ACP block (compliance_config.h): testing method, first-year NHCE average, correction. */
#define CT_TEST(p, f, what)                                                                                  \
    ENUM(CT p ".testing_method", compliance.f.testing_method, ct_method_names, "current_year",              \
         what " limit from this year's NHCE average or the prior year's"),                                 \
    {CT p ".first_year_nhce_average", PW_KEY_DOUBLE, F(compliance.f.first_year_nhce), NOF, 0, 1,              \
     PW_KF_NULLABLE | PW_KF_NAN, NULL, NULL, "prior_year testing, first year: NHCE average; null = 3% deemed"}, \
    ENUM(CT p ".correction", compliance.f.correction, ct_correction_names, "refund",                        \
         "when the " what " test fails: leveling refunds to HCEs, QNECs to NHCEs, or none")
#define ESC "deferral_auto_escalation."
#define DMR "deferral_match_response."
#define EM "employer_match."
#define EC "employer_core_contribution."
#define OPT_T "enrollment_opt_out_rates"
#define PRO_T "enrollment_proactive_rates"
#define VOL_T "enrollment_voluntary_rates"
#define DEF_T "enrollment_voluntary_deferral_rates"
#define YOY_T "enrollment_yoy_rates"
#define ELIG_ROWS(p, f)                                                                                      \
    INT(p "eligibility.minimum_tenure_years", plan.f.minimum_tenure_years, 0, 50, "0",                        \
        "years of service required"),                                                                        \
    INT(p "eligibility.minimum_hours_annual", plan.f.minimum_hours_annual, 0, 4000, "1000",                   \
        "hours worked in the year"),                                                                         \
    BOOL(p "eligibility.require_active_at_year_end", plan.f.require_active_at_year_end, "true",               \
         "must be active on Dec 31"),                                                                        \
    BOOL(p "eligibility.allow_new_hires", plan.f.allow_new_hires, "true",                                     \
         "hires of the year pass the tenure test"),                                                          \
    BOOL(p "eligibility.allow_terminated_new_hires", plan.f.allow_terminated_new_hires, "false",              \
         "new-hire terminations pass the active test"),                                                      \
    BOOL(p "eligibility.allow_experienced_terminations", plan.f.allow_experienced_terminations, "false",      \
         "experienced terminations pass the active test")
/* Four age groups (plan_config.h order) of a table-backed array. */
#define AGE4(p, f, hi, table, a, b, c, d, doc)                                                              \
    TAB(p "young", plan.f[0], hi, table, a, doc), TAB(p "mid_career", plan.f[1], hi, table, b, doc),         \
    TAB(p "mature", plan.f[2], hi, table, c, doc), TAB(p "senior", plan.f[3], hi, table, d, doc)
/* Four income groups; the first is spelled `low_income` in some reference blocks. */
#define INC4(p, low, f, table, a, b, c, d, doc)                                                             \
    TAB(p low, plan.f[0], 10, table, a, doc), TAB(p "moderate", plan.f[1], 10, table, b, doc),               \
    TAB(p "high", plan.f[2], 10, table, c, doc), TAB(p "executive", plan.f[3], 10, table, d, doc)
#define DBR_ROW(age, inc, g, i, v)                                                                          \
    TAB(VE "deferral_rates.demographic_base_rates." age "_" inc, plan.vol_deferral[g][i], 1, DEF_T, v,       \
        "initial deferral rate, at most plan_deferral_cap")
#define DBR(age, g, a, b, c, d)                                                                             \
    DBR_ROW(age, "low", g, 0, a), DBR_ROW(age, "moderate", g, 1, b), DBR_ROW(age, "high", g, 2, c),          \
    DBR_ROW(age, "executive", g, 3, d)

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
    ENUM("simulation.age_convention", age_convention, age_convention_names, "exact",
         "age for bands, hazards, enrollment groups, core/match age tiers: exact = at Dec 31, reference = census "
         "year - birth year + years since S (catch-up always exact)"),

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

    LIST("new_hire.age_distribution", nh_age, PW_LIST_NH_AGES,
         "hire ages as {age, weight}; empty = the new_hire_age_distribution table"),
    LIST("new_hire.job_level_compensation", nh_level_comp, PW_LIST_NH_LEVEL_COMP,
         "pay range of hires by level as {level, min_compensation, max_compensation}; other levels: job_levels"),

    {"compensation.cola_rate", PW_KEY_DOUBLE, F(cola_rate), F(cola_rate_set), 0, 0.5, PW_KF_NULLABLE, NULL, NULL,
     "COLA for every level; null = per level from merit_cola_by_level"},
    DBL("compensation.merit_budget", merit_budget, 0, 0.5, 0, "0.035", "average merit increase"),
    DBL("compensation.merit_max_cap_pct", merit_max_cap_pct, 0, 1, PW_KF_LO_OPEN, "0.50",
        "largest merit increase as a share of pay"),
    DBL("compensation.merit_max_cap_amount", merit_max_cap_amount, 0, INF, PW_KF_LO_OPEN | PW_KF_NO_HI, "250000",
        "largest merit increase in dollars"),
    DBL("compensation.promotion_rate_multiplier", promotion_rate_multiplier, 0, 10, 0, "1.0",
        "scales the promotion hazard"),
    {"compensation.promotion_increase", PW_KEY_DOUBLE, F(promo_increase_legacy), NOF, 0, 1,
     PW_KF_NULLABLE | PW_KF_NAN, NULL, NULL,
     "the reference's older key: any value but 0.125 sets base_increase_pct when that is not given"},
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
    INT("eligibility.waiting_period_days", plan.eligibility_waiting_period_days, 0, 3650, "0",
        "days of service before plan entry when plan_eligibility.waiting_period_days is null"),

    /* ---- retirement plan (MODEL 4.10-4.17) ---- */
    INT("plan_eligibility.minimum_age", plan.minimum_age, 0, 100, "21", "age to join the plan"),
    {"plan_eligibility.waiting_period_days", PW_KEY_INT, F(plan.waiting_period_days), F(plan.waiting_period_days_set),
     0, 3650, PW_KF_NULLABLE, NULL, NULL, "days of service to join the plan; null = eligibility.waiting_period_days"},

    BOOL(AE "enabled", plan.ae_enabled, "true", "auto-enroll eligible employees"),
    INT(AE "window_days", plan.ae_window_days, 0, 365, "45", "days from eligibility to auto-enrollment"),
    DBL(AE "default_deferral_rate", plan.ae_default_rate, 0, 1, PW_KF_LO_OPEN, "0.02",
        "auto-enrollment rate; at most plan_deferral_cap"),
    INT(AE "opt_out_grace_period", plan.ae_opt_out_grace_days, 0, 365, "30",
        "days after auto-enrollment until an opt-out"),
    ENUM(AE "scope", plan.ae_scope, ae_scope_names, "new_hires_only", "who is auto-enrolled"),
    DATE_OR_NULL(AE "hire_date_cutoff", plan.ae_hire_date_cutoff, "2020-01-01",
                 "only hires on/after this date; null = start of the run (new_hires_only) or everyone"),
    DBL(AE "voluntary_enrollment_rate", plan.voluntary_enrollment_rate, 0, 10, 0, "1.0",
        "scales proactive, voluntary and year-over-year probabilities"),
    AGE4(AE "opt_out_rates.by_age.", opt_out_by_age, 1, OPT_T, "0.10", "0.07", "0.05", "0.03", "opt-out probability"),
    INC4(AE "opt_out_rates.by_income.", "low_income", opt_out_income_mult, OPT_T, "1.20", "1.00", "0.70", "0.50",
         "opt-out multiplier"),

    BOOL(PE "enabled", plan.proactive_enabled, "true", "enroll by choice inside the auto-enrollment window"),
    INT(PE "timing_window.min_days", plan.proactive_min_days, 0, 365, "7", "earliest day after the window opens"),
    INT(PE "timing_window.max_days", plan.proactive_max_days, 0, 365, "35",
        "latest day; at least min_days, below window_days"),
    AGE4(PE "probability_by_demographics.", proactive_by_age, 1, PRO_T, "0.25", "0.45", "0.65", "0.75",
         "proactive probability"),

    BOOL(VE "enabled", plan.voluntary_enabled, "true", "voluntary enrollment when not auto-enrolled"),
    BOOL(VE "every_year", plan.voluntary_every_year, "false",
         "false = decided once, when eligible (MODEL 4.11); true = the reference's convention: every year each "
         "eligible non-participant draws again, dated Jan 15 (or the eligibility date in its first year)"),
    AGE4(VE "base_rates_by_age.", vol_base_by_age, 1, VOL_T, "0.30", "0.55", "0.70", "0.80", "enrollment probability"),
    INC4(VE "income_multipliers.", "low", vol_income_mult, VOL_T, "0.70", "1.00", "1.15", "1.25",
         "enrollment multiplier"),
    TAB(VE "job_level_multipliers.individual", plan.vol_level_mult[0], 10, VOL_T, "0.90", "enrollment multiplier"),
    TAB(VE "job_level_multipliers.senior", plan.vol_level_mult[1], 10, VOL_T, "1.00", "enrollment multiplier"),
    TAB(VE "job_level_multipliers.manager", plan.vol_level_mult[2], 10, VOL_T, "1.10", "enrollment multiplier"),
    TAB(VE "job_level_multipliers.executive", plan.vol_level_mult[3], 10, VOL_T, "1.20", "enrollment multiplier"),
    BOOL(VE "deferral_rates.match_optimization", plan.match_optimization, "true",
         "match magnet: some rates snap up to the match maximum"),
    DBR("young", 0, "0.03", "0.03", "0.04", "0.06"), DBR("mid_career", 1, "0.04", "0.06", "0.08", "0.10"),
    DBR("mature", 2, "0.05", "0.08", "0.10", "0.12"), DBR("senior", 3, "0.06", "0.10", "0.12", "0.15"),

    RATE("enrollment.match_magnet.snap_probability", plan.magnet_snap_probability, "0.45",
         "probability of snapping to the match maximum"),
    RATE("enrollment.match_magnet.max_deferral_rate", plan.magnet_max_rate, "0.10",
         "rates chosen by employees are clamped to [min, max]"),
    RATE("enrollment.match_magnet.min_deferral_rate", plan.magnet_min_rate, "0.01", "at most max_deferral_rate"),
    BOOL("enrollment.match_magnet.enabled", plan.magnet_enabled, "true",
         "snap rates to the match maximum (with voluntary_enrollment.deferral_rates.match_optimization)"),

    BOOL(YOY "enabled", plan.yoy_enabled, "true", "yearly enrollment of eligible non-participants"),
    AGE4(YOY "base_rates_by_age.", yoy_base_by_age, 1, YOY_T, "0.03", "0.05", "0.07", "0.08",
         "conversion probability"),
    INC4(YOY "income_multipliers.", "low_income", yoy_income_mult, YOY_T, "0.8", "1.0", "1.2", "1.3",
         "conversion multiplier"),
    TAB(YOY "tenure_multipliers.new_employee", plan.yoy_tenure_mult[0], 10, YOY_T, "0.7", "conversion multiplier"),
    TAB(YOY "tenure_multipliers.established", plan.yoy_tenure_mult[1], 10, YOY_T, "1.0", "conversion multiplier"),
    TAB(YOY "tenure_multipliers.veteran", plan.yoy_tenure_mult[2], 10, YOY_T, "1.1", "conversion multiplier"),
    INT(YOY "timing.enrollment_month", plan.yoy_month, 1, 12, "6", "month of the yearly conversion"),
    INT(YOY "timing.enrollment_day", plan.yoy_day, 1, 31, "15", "day of that month; 02-29 is refused"),
    BOOL(YOY "deferral_rates.conservative", plan.yoy_conservative, "true",
         "converters take the rates below; false = the voluntary demographic rates with the match magnet"),
    AGE4(YOY "deferral_rates.", yoy_deferral_by_age, 1, YOY_T, "0.03", "0.04", "0.05", "0.06",
         "deferral rate of converters, at most plan_deferral_cap"),

    BOOL(EM "enabled", plan.match_enabled, "true", "pay the employer match"),
    STR(EM "active_formula", plan.active_formula, 1, "tiered_match", "name of the formula in employer_match.formulas"),
    BOOL(EM "apply_eligibility", plan.match_eligibility.apply_eligibility, "true",
         "apply the eligibility block; false = active on Dec 31 with 1000 hours"),
    ELIG_ROWS(EM, match_eligibility),
    {EM "formulas", PW_KEY_MATCH_FORMULAS, F(plan.formulas), NOF, 0, 0, 0, NULL, NULL,
     "match formulas: the built-in set, replaced by name or extended here"},
    ENUM(EM "employer_match_status", plan.match_status, match_status_names, "deferral_based",
         "match mode: active_formula, or the schedule of that name below"),
    LIST(EM "employer_match_graded_schedule", plan.match_mode[0], PW_LIST_MATCH_GRADED,
         "graded_by_service: {service_years_min, service_years_max, match_rate, max_deferral_pct}"),
    LIST(EM "tenure_match_tiers", plan.match_mode[1], PW_LIST_TENURE_TIERS,
         "tenure_based: {min_years, max_years, match_rate, max_deferral_pct}, rates in percent"),
    LIST(EM "tenure_graded_bands", plan.match_mode[2], PW_LIST_TENURE_BANDS,
         "tenure_graded: {min_years, max_years, tiers}"),
    LIST(EM "points_match_tiers", plan.match_mode[3], PW_LIST_POINTS_TIERS,
         "points_based (floor(age) + floor(years)): {min_points, max_points, match_rate, max_deferral_pct}, percent"),

    BOOL(EC "enabled", plan.core_enabled, "true", "pay the employer core (non-elective) contribution"),
    ENUM(EC "status", plan.core_status, core_status_names, "flat", "how the core rate is set"),
    RATE(EC "contribution_rate", plan.core_rate, "0.01", "flat rate, and the rate when no schedule row applies"),
    {EC "graded_schedule", PW_KEY_CORE_SCHEDULE, F(plan.graded), NOF, 0, 0, 0, NULL, NULL,
     "rate by years of service (status graded_by_service): the row with the highest min_years <= service"},
    {EC "age_schedule", PW_KEY_CORE_SCHEDULE, F(plan.age_rows), NOF, 0, 0, 0, NULL, NULL,
     "rate by age (status age_banded): the row with min_age <= age < max_age; the last row open"},
    {EC "points_schedule", PW_KEY_CORE_SCHEDULE, F(plan.points_rows), NOF, 0, 0, 0, NULL, NULL,
     "rate by age + service (status points_based): the row with the highest min_points <= points"},
    BOOL(EC "integration.enabled", plan.integration_enabled, "false", "permitted disparity above a pay level"),
    ENUM(EC "integration.level_mode", plan.integration_mode, level_mode_names, "ss_wage_base",
         "integration level: the SS wage base, a percent of it, or fixed dollars"),
    {EC "integration.level_value", PW_KEY_DOUBLE, F(plan.integration_level_value), NOF, 0, INF,
     PW_KF_NO_HI | PW_KF_NULLABLE | PW_KF_NAN, NULL, NULL, "percent or dollars; needed unless ss_wage_base"},
    DBL(EC "integration.disparity_rate", plan.disparity_rate, 0, 0.057, 0, "0.0", "extra rate above the level"),
    ELIG_ROWS(EC, core_eligibility),

    BOOL(ESC "enabled", plan.esc_enabled, "true", "yearly automatic deferral increases"),
    MMDD(ESC "effective_day", plan.esc_mmdd, "01-01", "escalation day (MM-DD)"),
    DBL(ESC "increment_amount", plan.esc_increment, 0, 0.5, PW_KF_LO_OPEN, "0.01", "yearly increase"),
    DBL(ESC "maximum_rate", plan.esc_max_rate, 0, 1, PW_KF_LO_OPEN, "0.10",
        "escalation stops here; at most plan_deferral_cap"),
    DATE_OR_NULL(ESC "hire_date_cutoff", plan.esc_hire_date_cutoff, "2020-01-01",
                 "only hires on/after this date; null = everyone"),
    {ESC "require_active_enrollment", PW_KEY_BOOL, NOF, NOF, 0, 0, 0, NULL, "true",
     "accepted; escalation always requires an active enrollment"},
    INT(ESC "first_escalation_delay_years", plan.esc_delay_years, 0, 50, "1",
        "whole years from enrollment to the first increase"),

    BOOL(DMR "enabled", plan.mr_enabled, "false", "census participants move their rate toward the match maximum"),
    RATE(DMR "upward_participation_rate", plan.mr_up_participation, "0.40", "share below the maximum who raise"),
    RATE(DMR "upward_maximize_rate", plan.mr_up_maximize, "0.60", "of those, share who go to the maximum"),
    NANRATE(DMR "upward_partial_increase_rate", plan.mr_up_partial_rate,
            "of those, share who raise partly; null = 1 - upward_maximize_rate"),
    RATE(DMR "upward_partial_increase_factor", plan.mr_up_partial_factor, "0.50",
         "partial raise as a share of the gap"),
    BOOL(DMR "downward_enabled", plan.mr_down_enabled, "true", "allow decreases"),
    RATE(DMR "downward_participation_rate", plan.mr_down_participation, "0.15", "share above the maximum who lower"),
    RATE(DMR "downward_reduce_to_max_rate", plan.mr_down_to_max, "0.70", "of those, share who go to the maximum"),
    NANRATE(DMR "downward_partial_decrease_rate", plan.mr_down_partial_rate,
            "of those, share who lower partly; null = 1 - downward_reduce_to_max_rate"),
    RATE(DMR "downward_partial_decrease_factor", plan.mr_down_partial_factor, "0.50",
         "partial decrease as a share of the gap"),
    ENUM(DMR "effective_timing", plan.mr_timing, timing_names, "first_year",
         "the response happens on Jan 1 of the first simulated year"),

    DBL("deferral_rates.plan_deferral_cap", plan_deferral_cap, 0, 1, PW_KF_LO_OPEN, "0.75",
        "highest deferral rate; census rates are clamped to it"),
    RATE("deferral_rates.roth_share", plan.roth_share, "0.15", "share of deferrals that are Roth"),
    BOOL("deferral_rates.use_census_rates", use_census_rates, "true",
         "census deferral rates make participants; false = everyone starts unenrolled"),
    STR("deferral_rates.census_rate_field", census_rate_field, 1, "employee_deferral_rate",
        "census column holding the deferral rate"),
    NANRATE("deferral_rates.pre_enrolled_fallback", pre_enrolled_fallback,
            "rate of a row whose census rate is not a number or out of range; null = such rows are rejected"),
    BOOL("deferral_rates.normalize_percentages", normalize_percentages, "true",
         "census rates above 1 are percents (7.5 = 0.075); false = such rows are rejected"),
    BOOL("deferral_rates.generate_synthetic_events", generate_synthetic_events, "false",
         "an enrollment event (category census_enrollment) for each census participant in the first year"),

    BOOL("vesting.enabled", plan.vesting_enabled, "true", "vest employer money by schedule; false = immediate"),
    STR("vesting.match_schedule", plan.match_schedule, 1, "graded_6",
        "schedule in vesting_schedules (checked when the run loads tables)"),
    STR("vesting.core_schedule", plan.core_schedule, 1, "graded_6",
        "schedule in vesting_schedules (checked when the run loads tables)"),
    BOOL("vesting.require_hours_credit", plan.require_hours_credit, "false",
         "a year counts for vesting only with enough hours"),
    INT("vesting.hours_credit_threshold", plan.hours_credit_threshold, 0, 4000, "1000",
        "hours for a year of vesting service"),

    /* ---- nondiscrimination and limit tests after the run (docs/compliance.md) ---- */
    BOOL(CT "enabled", compliance.enabled, "true", "planwise run computes the tests after the last year (--no-compliance)"),
    CT_TEST("adp", adp, "ADP"),
    CT_TEST("acp", acp, "ACP"),
    ENUM(CT "qnec_method", compliance.qnec_method, qnec_method_names, "targeted",
         "QNECs to the lowest-paid NHCEs first (at most 5% of pay each) or one rate to every NHCE"),
    BOOL(CT "exclude_otherwise_excludable", compliance.exclude_otherwise_excludable, "false",
         "ADP/ACP: leave out NHCEs under 21 or with under 1 year of service"),
    BOOL(CT "hce.top_paid_group", compliance.top_paid_group, "false",
         "top-paid-group election: pay-based HCEs must also be in the top 20% by pay"),
    BOOL(CT "coverage.exclude_statutory", compliance.exclude_statutory, "true",
         "410(b): leave out employees under 21, under 1 year of service, leavers with <= 500 hours"),
    {CT "top_heavy.officer_pay_threshold", PW_KEY_DOUBLE, F(compliance.officer_pay_threshold), NOF, 0, INF,
     PW_KF_LO_OPEN | PW_KF_NO_HI | PW_KF_NULLABLE | PW_KF_NAN, NULL, NULL,
     "officers paid more than this are key employees; null = the IRS amount of the year"},
    DBL(CT "top_heavy.one_percent_owner_pay", compliance.one_pct_owner_pay, 0, INF, PW_KF_LO_OPEN | PW_KF_NO_HI,
        "150000", "1% owners paid more than this are key employees"),
    ENUM(CT "top_heavy.correction", compliance.top_heavy_correction, th_correction_names, "minimum",
         "when top-heavy: model the minimum contribution to non-key employees, or none"),
    BOOL(CT "carry_forward", compliance.carry_forward, "false",
         "corrections change the balances of later years' top-heavy tests"),

    {"performance.threads", PW_KEY_INT, F(perf.threads), NOF, 0, 256, PW_KF_RUNTIME, NULL, "0",
     "worker threads of the simulation and of DuckDB; 0 = CPU count, at most 8 (--threads)"},
    {"performance.memory_limit", PW_KEY_STRING, F(perf.memory_limit), NOF, 1, sizeof(((struct pw_config *)0)->perf.memory_limit) - 1,
     PW_KF_RUNTIME, NULL, "auto", "DuckDB memory limit: auto (1GB, or half the RAM if less), a share of physical RAM (e.g. 75%) or a size (e.g. 4GB) (--memory-limit)"},
    {"performance.temp_directory", PW_KEY_PATH, F(perf.temp_directory), NOF, 0, PW_PATH_MAX - 1,
     PW_KF_RUNTIME | PW_KF_NULLABLE, NULL, NULL, "where DuckDB spills when over the memory limit; null = <db>.tmp"},
    {"performance.connections", PW_KEY_INT, F(perf.connections), NOF, 1, 16, PW_KF_RUNTIME, NULL, "4",
     "DuckDB connections for parallel output writes and SQL models (--connections)"},
    {"performance.checkpoints", PW_KEY_BOOL, F(perf.checkpoints), NOF, 0, 0, PW_KF_RUNTIME, NULL, "true",
     "write the carried state after every year, for --resume (--no-checkpoints)"},
    {"performance.checkpoint_directory", PW_KEY_PATH, F(perf.checkpoint_directory), NOF, 0, PW_PATH_MAX - 1,
     PW_KF_RUNTIME | PW_KF_NULLABLE, NULL, NULL, "checkpoint folder; null = <db>.checkpoints (--checkpoint-dir)"},
    {"performance.output_format", PW_KEY_ENUM, F(perf.output_format), NOF, 0, 0, PW_KF_RUNTIME, output_format_names,
     "duckdb", "duckdb: tables in the database file; parquet: files under <db>.data/ (--output-format)"},

    PATH("assumptions.directory", assumptions_directory, 0, PW_KF_NULLABLE, NULL,
         "folder of <table>.csv files replacing built-in tables"),
    TABLE(age_bands), TABLE(tenure_bands), TABLE(job_levels), TABLE(termination_hazard),
    TABLE(promotion_hazard), TABLE(merit_cola_by_level), TABLE(irs_limits), TABLE(new_hire_age_distribution),
    TABLE(raise_timing_distribution), TABLE(enrollment_groups), TABLE(enrollment_opt_out_rates),
    TABLE(enrollment_proactive_rates), TABLE(enrollment_voluntary_rates),
    TABLE(enrollment_voluntary_deferral_rates), TABLE(enrollment_yoy_rates), TABLE(vesting_schedules),
};

const size_t pw_config_key_count = sizeof pw_config_keys / sizeof pw_config_keys[0];

/* Reference keys accepted silently (MODEL 2.2). '*' matches one segment; a
 * pattern covers the subtree below it. */
static const char *const ignored_patterns[] = {
    "employee_id_generation", "plan_year", "deferral_baseline", "setup", "plan_design_id",
    "compensation.growth_target", "compensation.growth_tolerance", "compensation.calculation_methodology",
    "compensation.promotion_compensation.advanced.market_adjustments",
    "enrollment.timing", "enrollment.multi_year", "enrollment.performance",
    "enrollment.auto_enrollment.plan_overrides", "enrollment.*.timing_distribution",
    "enrollment.voluntary_enrollment.annual_enrollment_probability",
    "enrollment.voluntary_enrollment.demographic_adjustments",
    "new_hire_compensation.custom_distribution", "new_hire_compensation.market_adjustments.scenarios",
    "raise_timing.distribution_profile", "raise_timing.validation_tolerance", "raise_timing.deterministic_behavior",
    /* Not a reference key: the census column mapping, read and checked by
     * io/census_map.c (`census: columns: {planwise_column: client column}`). */
    "census.columns",
};

/* Reference keys of features planwise does not model (behaviour that is fixed
 * here, or newer reference layouts of settings planwise reads elsewhere):
 * accepted with one warning per leaf, because a user who sets them expects an
 * effect. Anything else without a row is an unknown key. */
static const char *const not_modelled_patterns[] = {
    "enrollment.auto_enrollment.opt_out_rates.target", "eligibility.minimum_age", "eligibility.minimum_hours_annual",
    "eligibility.excluded_employee_types", "eligibility.entry_date_type", "employer_match.graded_schedule",
};

/* Top-level blocks that configure the reference system's own machinery (its
 * network, logging, dbt/Dagster orchestration, Studio, storage): nothing in
 * them describes the plan or the workforce. Skipped whole, named in one info
 * line per file, because a warning per key would bury the ones that matter. */
static const char *const infrastructure_blocks[] = {
    "corporate_network", "logging", "dbt", "dagster", "studio", "planalign_studio", "optimization", "orchestrator",
    "multi_year", "ops", "storage", "monitoring", "api",
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
    for (size_t i = 0; i < sizeof infrastructure_blocks / sizeof *infrastructure_blocks; i++)
        if (strcmp(infrastructure_blocks[i], key) == 0) return PW_KEY_INFRASTRUCTURE;
    for (size_t i = 0; i < sizeof ignored_patterns / sizeof *ignored_patterns; i++)
        if (pattern_covers(ignored_patterns[i], key)) return PW_KEY_IGNORED;
    for (size_t i = 0; i < sizeof not_modelled_patterns / sizeof *not_modelled_patterns; i++)
        if (pattern_covers(not_modelled_patterns[i], key)) return PW_KEY_NOT_MODELLED;
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
    /* The mapping that holds census.columns (see ignored_patterns): a section, so
     * a misspelt key below it is still an unknown key. */
    return strcmp(section, "census") == 0;
}

int pw_assumption_table_find(const char *name)
{
    for (int i = 0; i < PW_TABLE_COUNT; i++)
        if (strcmp(pw_table_names[i], name) == 0) return i;
    return -1;
}
