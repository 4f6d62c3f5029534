/* plan_config.h: the retirement-plan settings (MODEL 2.2 plan rows, 4.10-4.18), a
 * member of struct pw_config. Filled by the same key table as the rest of the
 * configuration (config_keys.c); lists (match formulas and their tiers, core
 * schedules) are parsed by dedicated handlers of the YAML loader.
 *
 * Group indexes used by the per-group arrays:
 *   age group:    0 young (<= 30), 1 mid_career (31-45), 2 mature (46-55), 3 senior (>= 56)
 *   income group: 0 low, 1 moderate, 2 high, 3 executive
 *   level group:  0 individual, 1 senior, 2 manager, 3 executive
 *   tenure group: 0 new_employee, 1 established, 2 veteran
 * Enrollment rates that also exist in an assumption table are NAN unless the YAML
 * sets them; the engine then takes the table's value (MODEL 2.3: the YAML key
 * wins over the table, key by key).
 *
 * After pw_config_finalize every other number is finite and in range: lists are
 * sorted and contiguous, an open-ended maximum is exactly -1, unused fields of a
 * formula are 0 (rates) or 1 (max_match_percentage when has_cap is false). */
#ifndef PW_MODEL_PLAN_CONFIG_H
#define PW_MODEL_PLAN_CONFIG_H

#include <stdbool.h>

#include "core/date.h"

#define PW_AGE_GROUPS 4
#define PW_INCOME_GROUPS 4
#define PW_LEVEL_GROUPS 4
#define PW_TENURE_GROUPS 3
#define PW_MAX_TIERS 8
#define PW_MAX_SCHEDULE_ROWS 16
#define PW_MAX_FORMULAS 16
#define PW_NAME_MAX 48

enum pw_ae_scope { PW_AE_NEW_HIRES_ONLY = 0, PW_AE_ALL_ELIGIBLE = 1 };
enum pw_formula_type {
    PW_FORMULA_SIMPLE = 0,
    PW_FORMULA_TIERED,
    PW_FORMULA_GRADED_BY_SERVICE,
    PW_FORMULA_TENURE_GRADED,
    PW_FORMULA_POINTS_BASED
};
/* A match formula written with the reference's type `safe_harbor` or `qaca`: tiered
 * arithmetic, and a safe-harbor design for the nondiscrimination tests. */
enum pw_safe_harbor_type { PW_SH_NONE = 0, PW_SH_BASIC = 1, PW_SH_QACA = 2 };
enum pw_core_status { PW_CORE_NONE = 0, PW_CORE_FLAT, PW_CORE_GRADED_BY_SERVICE, PW_CORE_AGE_BANDED, PW_CORE_POINTS_BASED };
enum pw_integration_mode { PW_INTEGRATION_SS_WAGE_BASE = 0, PW_INTEGRATION_PERCENT, PW_INTEGRATION_FIXED };
/* employer_match.employer_match_status (the reference's match mode). */
enum pw_match_status {
    PW_MATCH_DEFERRAL_BASED = 0, /* the formula named by active_formula */
    PW_MATCH_GRADED_BY_SERVICE,  /* employer_match_graded_schedule */
    PW_MATCH_TENURE_BASED,       /* tenure_match_tiers */
    PW_MATCH_TENURE_GRADED,      /* tenure_graded_bands */
    PW_MATCH_POINTS_BASED        /* points_match_tiers */
};
#define PW_MATCH_MODES 4         /* match_mode[status - 1] */

/* Employer-money eligibility block (MODEL 4.14; the core uses it with apply = true). */
struct pw_employer_eligibility {
    bool apply_eligibility;               /* match only: false -> active Dec 31 and >= 1000 hours */
    int minimum_tenure_years;             /* [0, 50] years of service */
    int minimum_hours_annual;             /* [0, 4000] */
    bool require_active_at_year_end;
    bool allow_new_hires;                 /* hires of Y pass the tenure test */
    bool allow_terminated_new_hires;
    bool allow_experienced_terminations;
};

/* One match tier: match_rate on deferrals in [employee_min, employee_max) (fractions of pay). */
struct pw_match_tier {
    double employee_min, employee_max, match_rate;
};

/* A schedule row of graded_by_service / points_based formulas (min, max, match_rate,
 * max_deferral) or a band of tenure_graded (min, max, tiers). max < 0 = open. */
struct pw_match_row {
    double min, max;
    double match_rate, max_deferral;
    int tier_count;
    struct pw_match_tier tiers[PW_MAX_TIERS];
};

struct pw_match_formula {
    char name[PW_NAME_MAX];                /* key under employer_match.formulas: [A-Za-z0-9_-]+ */
    char label[2 * PW_NAME_MAX];           /* YAML `name:` display text ("Tiered Match"); may be "" */
    int type;                              /* enum pw_formula_type */
    double match_rate;                     /* simple; 0 for other types */
    double max_match_percentage;           /* simple: largest deferral matched; tiered: cap as share of pay;
                                              1 when has_cap is false */
    bool has_cap;                          /* simple: always true; tiered: max_match_percentage given;
                                              other types: false */
    int tier_count;                        /* tiered */
    struct pw_match_tier tiers[PW_MAX_TIERS];
    int row_count;                         /* graded_by_service, tenure_graded, points_based */
    struct pw_match_row rows[PW_MAX_SCHEDULE_ROWS];
    char vesting_schedule[PW_NAME_MAX];    /* "" = vesting.match_schedule */
    int safe_harbor;                       /* enum pw_safe_harbor_type: the YAML type was safe_harbor
                                              or qaca (then type is PW_FORMULA_TIERED) */
};

/* A core schedule row: rate for min <= x < max (years, age or points); max < 0 = open. */
struct pw_core_row {
    double min, max, rate;
};

struct pw_plan_config {
    /* plan eligibility (4.10) */
    int minimum_age;                       /* [0, 100] */
    int waiting_period_days;               /* [0, 3650]; effective value after finalize */
    bool waiting_period_days_set;          /* plan_eligibility.waiting_period_days given */
    int eligibility_waiting_period_days;   /* eligibility.waiting_period_days: the fallback, default 0 */

    /* auto-enrollment (4.11) */
    bool ae_enabled;
    int ae_scope;                          /* enum pw_ae_scope */
    pw_date ae_hire_date_cutoff;           /* PW_NO_DATE = null */
    int ae_window_days, ae_opt_out_grace_days;
    double ae_default_rate;                /* (0, plan_deferral_cap] */
    double voluntary_enrollment_rate;      /* [0, 10] scales voluntary and proactive probabilities */
    double opt_out_by_age[PW_AGE_GROUPS];  /* NAN = table */
    double opt_out_income_mult[PW_INCOME_GROUPS];

    bool proactive_enabled;
    int proactive_min_days, proactive_max_days;
    double proactive_by_age[PW_AGE_GROUPS];

    bool voluntary_enabled;
    bool voluntary_every_year;             /* the reference's convention: a new draw every year (Jan 15) */
    double vol_base_by_age[PW_AGE_GROUPS];
    double vol_income_mult[PW_INCOME_GROUPS];
    double vol_level_mult[PW_LEVEL_GROUPS];
    double vol_deferral[PW_AGE_GROUPS][PW_INCOME_GROUPS];
    bool match_optimization;               /* magnet on */
    double magnet_snap_probability, magnet_max_rate, magnet_min_rate;

    bool yoy_enabled;
    int yoy_month, yoy_day;
    double yoy_base_by_age[PW_AGE_GROUPS];
    double yoy_income_mult[PW_INCOME_GROUPS];
    double yoy_tenure_mult[PW_TENURE_GROUPS];
    double yoy_deferral_by_age[PW_AGE_GROUPS];

    double roth_share;                     /* [0, 1] */

    /* deferral auto-escalation (4.12) */
    bool esc_enabled;
    int esc_mmdd;                          /* month * 100 + day */
    double esc_increment, esc_max_rate;
    pw_date esc_hire_date_cutoff;          /* PW_NO_DATE = null */
    int esc_delay_years;

    /* deferral match response (4.12) */
    bool mr_enabled;
    double mr_up_participation, mr_up_maximize, mr_up_partial_factor;
    bool mr_down_enabled;
    double mr_down_participation, mr_down_to_max, mr_down_partial_factor;
    double mr_up_partial_rate, mr_down_partial_rate; /* NAN unless given; given: maximize + partial = 1 */
    int mr_timing;                         /* 0 = first_year, the only timing */
    bool magnet_enabled;                   /* enrollment.match_magnet.enabled (and match_optimization) */
    bool yoy_conservative;                 /* converters take yoy_deferral_by_age; false: the voluntary rates */

    /* employer match (4.14) */
    bool match_enabled;
    char active_formula[PW_NAME_MAX];
    int formula_count;                     /* built-in set plus YAML formulas */
    struct pw_match_formula formulas[PW_MAX_FORMULAS];
    struct pw_employer_eligibility match_eligibility;
    int match_status;                      /* enum pw_match_status */
    /* The schedules of the other match modes, as formulas (row_count 0 = not given):
     * [0] graded_by_service, [1] tenure_based, [2] tenure_graded, [3] points_based. */
    struct pw_match_formula match_mode[PW_MATCH_MODES];

    /* employer core (4.15) */
    bool core_enabled;
    int core_status;                       /* enum pw_core_status */
    double core_rate;                      /* contribution_rate */
    int graded_count, age_count, points_count;
    struct pw_core_row graded[PW_MAX_SCHEDULE_ROWS];   /* by years of service */
    struct pw_core_row age_rows[PW_MAX_SCHEDULE_ROWS]; /* by age */
    struct pw_core_row points_rows[PW_MAX_SCHEDULE_ROWS];
    bool integration_enabled;
    int integration_mode;                  /* enum pw_integration_mode */
    double integration_level_value;        /* NAN = null */
    double disparity_rate;                 /* [0, 0.057] */
    struct pw_employer_eligibility core_eligibility;

    /* vesting (4.17) */
    bool vesting_enabled;
    char match_schedule[PW_NAME_MAX], core_schedule[PW_NAME_MAX];
    bool require_hours_credit;
    int hours_credit_threshold;
};

/* The formula the match pays by: the schedule employer_match_status selects, else
 * the formula named by active_formula; NULL when neither exists. */
const struct pw_match_formula *pw_plan_active_formula(const struct pw_plan_config *p);

#endif
