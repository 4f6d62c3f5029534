/* plan_money.h: the money rules of one employee-year (MODEL 4.13-4.18) as pure
 * functions: employee contributions with the 401(a)(17) and 402(g) limits, the
 * employer match and its deferral ceiling, the employer core with permitted
 * disparity, the 415(c) annual-additions cut, vesting, balances and forfeitures,
 * and the HCE flag.
 *
 * Nothing here allocates, keeps state or reads the simulation: every input is an
 * argument, so each rule can be tested with hand-computed numbers
 * (tests/unit/test_plan_money.c) and run from any worker thread. The per-row
 * driver that feeds these functions from the year's arrays is
 * sim/plan_money_step.c. Money arguments and results are dollars; results are
 * rounded to cents (round2) exactly where MODEL says so; rates are fractions. */
#ifndef PW_SIM_PLAN_MONEY_H
#define PW_SIM_PLAN_MONEY_H

#include <stdbool.h>

#include "core/date.h"
#include "core/err.h"
#include "model/plan_config.h"
#include "model/plan_money_year.h"
#include "model/tables.h"

/* ---- piecewise-constant timelines over the employment interval ---- */

#define PW_TIMELINE_MAX 4   /* changes per timeline: 2 pay events today, 4 rate events */

/* A value in force on each day of [a, b]: v0 from a, replaced by v[i] from
 * date[i] (inclusive). Dates must be non-decreasing; a change dated <= a is
 * folded into the value at a, a change dated > b is ignored, and of two changes
 * on one date the later entry wins (same-day events apply in priority order). */
struct pw_timeline {
    double v0;
    int n;                          /* [0, PW_TIMELINE_MAX] */
    pw_date date[PW_TIMELINE_MAX];
    double v[PW_TIMELINE_MAX];
};

/* Adds a change in date order (after existing changes of the same date);
 * returns -1 (and changes nothing) when the timeline is full. */
int pw_timeline_add(struct pw_timeline *p, pw_date date, double v);

/* ---- 4.13 employee contributions ---- */

/* 402(g) limit for age_Y: super_catch_up_total_limit when super_catch_up_min_age
 * <= age <= super_catch_up_max_age, else catch_up_total_limit when age >=
 * catch_up_age, else deferral_limit. *type receives the enum pw_limit_type. */
double pw_deferral_limit(const struct pw_irs_year *irs, int age, int *type);

struct pw_contrib_in {
    pw_date a, b;               /* employment interval in Y (MODEL 4.9); b < a = no pay */
    int days_in_year;           /* D_Y */
    struct pw_timeline salary;      /* annual salary, dollars */
    struct pw_timeline rate;        /* deferral rate, fraction; 0 while not enrolled */
    double prorated_comp;       /* B = prorated_annual_compensation (cents) */
    double comp_limit;          /* L17 = compensation_limit of Y */
    double limit;               /* 402(g) limit from pw_deferral_limit */
    int limit_type;             /* enum pw_limit_type of that limit */
    double roth_share;          /* [0, 1] */
};

struct pw_contrib {
    double d_raw;               /* sum of counted pay x rate, unrounded */
    double deferrals;           /* D = round2(min(d_raw, limit)) */
    double pre_tax, roth;       /* roth = round2(D x roth_share), pre_tax = D - roth */
    double b_cap;               /* round2(min(B, L17)) */
    double eff_rate;            /* d = round6(D / B_cap), 0 if B_cap = 0 */
    double limit;               /* applicable 402(g) limit */
    int limit_type;
    bool limit_402g;            /* d_raw > limit */
    bool limit_401a17;          /* B > L17 */
};

/* Contribution segments (maximal runs of constant salary and rate) in date
 * order, the 401(a)(17) cap by cumulative pay, 402(g), the split. */
void pw_contributions(const struct pw_contrib_in *in, struct pw_contrib *out);

/* Sets D (and its pre-tax/Roth split, d) to a new amount, e.g. after 415(c). */
void pw_contrib_set_deferrals(struct pw_contrib *c, double deferrals, double roth_share);

/* ---- 4.14 / 4.15 employer eligibility ---- */

/* What the eligibility tests look at. */
struct pw_emp_facts {
    int term_kind;              /* enum pw_term_kind (model/year.h): 0 = active at Dec 31 */
    bool hired_in_year;         /* hire of Y (row of H_Y) */
    int hours;                  /* annual_hours_worked */
    int yos;                    /* years of service = reported tenure (MODEL 1.3) */
    int age;                    /* age_Y */
};

/* Reason code (0 = eligible) of the 4.14 tests. apply = false is the match's
 * simple form (active at Dec 31 and >= 1000 hours); the core always passes true. */
int pw_employer_eligibility(const struct pw_employer_eligibility *e, bool apply, const struct pw_emp_facts *f);

/* ---- 4.14 match ---- */

/* Formula by name (built-in set merged with YAML formulas), or NULL. */
const struct pw_match_formula *pw_match_find_formula(const struct pw_plan_config *p, const char *name);

/* Deferral ceiling C of formula f for a YOS and age_Y (table of MODEL 4.14):
 * simple -> max_match_percentage; tiered -> largest employee_max of a tier with
 * match_rate > 0; graded_by_service / points_based -> max_deferral of the row
 * with the highest min <= YOS (points); tenure_graded -> the band's largest
 * matched employee_max. No row/band -> 0. */
double pw_match_ceiling_formula(const struct pw_match_formula *f, int yos, int age);
/* Same for the active formula of p; 0 when active_formula names no formula. */
double pw_match_ceiling(const struct pw_plan_config *p, int yos, int age);

/* The formula on the effective deferral rate d and B_cap, before rounding.
 * Returns the amount with the tiered cap, *uncapped without it (may be NULL). */
double pw_match_formula_raw(const struct pw_match_formula *f, double d, double b_cap, int yos, int age,
                            double *uncapped);

/* Largest match of f as a share of pay over all rows/bands (invariant 17):
 * sum of tier rate x width (min with the cap when one is set), rate x max for
 * simple and schedule rows. */
double pw_match_max_share(const struct pw_match_formula *f);

struct pw_match_result {
    bool eligible;
    int reason;                 /* enum pw_elig_reason */
    double uncapped;            /* round2(formula without the tiered cap); 0 when not paid */
    double amount;              /* round2(formula) when paid, else 0 */
    bool cap_applied;           /* the tiered cap lowered the amount (in cents) */
};

/* Match of one employee-year: 0 when the match is disabled, f is NULL,
 * ineligible, or D = 0 (eligibility is reported even then). */
void pw_match(const struct pw_plan_config *p, const struct pw_match_formula *f, const struct pw_emp_facts *facts,
              double deferrals, double eff_rate, double b_cap, struct pw_match_result *out);

/* ---- 4.15 core ---- */

/* Core rate by status (no matching row -> contribution_rate; none -> 0). */
double pw_core_rate(const struct pw_plan_config *p, int yos, int age);
/* Largest rate the status can give (invariant 18). */
double pw_core_max_rate(const struct pw_plan_config *p);
/* Integration level IL of permitted disparity for year limits irs; a null
 * level_value in percent/fixed mode falls back to the ss_wage_base. */
double pw_integration_level(const struct pw_plan_config *p, const struct pw_irs_year *irs);

struct pw_core_result {
    bool eligible;
    int reason;                 /* enum pw_elig_reason */
    double base;                /* round2(rate x B_cap) */
    double disparity;           /* round2(disparity_rate x max(0, B_cap - IL)) */
    double amount;              /* base + disparity when paid, else 0 */
};

/* integration_level: from pw_integration_level (ignored without integration). */
void pw_core(const struct pw_plan_config *p, const struct pw_emp_facts *facts, double b_cap,
             double integration_level, struct pw_core_result *out);

/* ---- 4.16 415(c) ---- */

struct pw_415c_result {
    double limit;               /* min(annual_additions_limit, B) */
    double additions;           /* min(D, deferral_limit) + match + core, before the cut */
    bool applied;               /* additions > limit */
    double match_cut, core_cut, deferral_cut;  /* dollars removed from each */
    double reduction;           /* their sum */
};

/* Cuts the excess from *match, then *core, then *deferrals (cents, floors at 0).
 * A deferral cut lowers the counted part min(D, deferral_limit); a catch-up
 * amount above deferral_limit goes with it, because no catch-up remains once
 * the base limit is no longer reached. Afterwards min(D, deferral_limit) +
 * match + core <= limit (invariant 18). Callers re-split D with
 * pw_contrib_set_deferrals when deferral_cut > 0. */
void pw_apply_415c(double annual_additions_limit, double prorated_comp, double deferral_limit, double *deferrals,
                   double *match, double *core, struct pw_415c_result *out);

/* ---- 4.17 vesting, balances, forfeitures ---- */

/* Reported tenure, minus 1 if require_hours_credit and hours < threshold; >= 0. */
int pw_vesting_years(const struct pw_plan_config *p, int reported_tenure, int hours);
/* Schedule value at min(years, last year); s = NULL means immediate (1). */
double pw_vested_share(const struct pw_vesting_schedule *s, int years);
/* Schedules in force: NULL (= immediate) when vesting is disabled or the name is
 * unknown; the formula's own vesting_schedule wins over vesting.match_schedule. */
const struct pw_vesting_schedule *pw_match_schedule(const struct pw_plan_config *p, const struct pw_match_formula *f,
                                                    const struct pw_tables *t);
const struct pw_vesting_schedule *pw_core_schedule(const struct pw_plan_config *p, const struct pw_tables *t);

struct pw_vesting_result {
    double match_balance, core_balance;   /* previous + this year's amount (cents) */
    double match_vested_pct, core_vested_pct;
    double unvested_match, unvested_core; /* round2(balance x (1 - share)) */
    double vested_balance;                /* balances - unvested: vested + unvested = balance exactly */
    double forfeit_match, forfeit_core;   /* = unvested for leavers, 0 for actives */
    double forfeit_total;
};

void pw_vesting(double prev_match_balance, double prev_core_balance, double match, double core,
                double match_share, double core_share, bool leaver, struct pw_vesting_result *out);

/* Checks, once per run, the names the money steps look up in the assumption
 * tables (which the config loader cannot see): with vesting enabled,
 * vesting.match_schedule, vesting.core_schedule and every formula's
 * vesting_schedule must name a schedule of vesting_schedules. Without this an
 * unknown name would quietly vest immediately. PW_ECONFIG naming the key. */
int pw_plan_money_check(const struct pw_plan_config *p, const struct pw_tables *t, struct pw_err *err);

/* ---- 4.18 HCE ---- */

/* prior_comp > hce_threshold of Y-1 (irs_prev); NAN prior_comp (hires of Y) -> false. */
bool pw_is_hce(double prior_comp, const struct pw_irs_year *irs_prev);

#endif
