/* plan_money_year.h: the per-row money results of one simulated year (MODEL
 * 4.13-4.18), filled by pw_step_plan_money (sim/plan_money_step.c) and read by
 * the snapshot (6.2), the match events (6.3), forfeiture events and year close.
 *
 * Arrays are indexed like struct pw_year: rows [0, n_pop) of P_Y. Money is in
 * dollars rounded to cents, rates and vested shares are fractions, flags are 0/1.
 * Amounts are final (after 415(c)) unless the name says otherwise. */
#ifndef PW_MODEL_PLAN_MONEY_YEAR_H
#define PW_MODEL_PLAN_MONEY_YEAR_H

#include <stddef.h>
#include <stdint.h>

/* The 402(g) limit that applies (snapshot limit_type). */
enum pw_limit_type { PW_LIMIT_BASE = 0, PW_LIMIT_CATCH_UP = 1, PW_LIMIT_SUPER_CATCH_UP = 2, PW_LIMIT_TYPE_COUNT };
extern const char *const pw_limit_type_names[PW_LIMIT_TYPE_COUNT];  /* "BASE", "CATCH_UP", "SUPER_CATCH_UP" */

/* Why employer money is paid or not (snapshot employer_match_eligibility_reason). */
enum pw_elig_reason {
    PW_ELIG_ELIGIBLE = 0,
    PW_ELIG_INACTIVE_EOY = 1,
    PW_ELIG_INSUFFICIENT_HOURS = 2,
    PW_ELIG_INSUFFICIENT_TENURE = 3,
    PW_ELIG_REASON_COUNT
};
extern const char *const pw_elig_reason_names[PW_ELIG_REASON_COUNT]; /* "eligible", "inactive_eoy", ... */

struct pw_plan_money {
    size_t capacity;                 /* rows allocated in every array */

    /* employee contributions (4.13) */
    double *b_cap;                   /* contribution_base_compensation = round2(min(B, L17)) */
    double *deferrals;               /* D (prorated_annual_contributions) */
    double *pre_tax, *roth;          /* split of D; pre_tax + roth = D */
    double *eff_rate;                /* d = round6(D / B_cap) */
    double *applicable_limit;        /* 402(g) limit for age_Y, dollars */
    uint8_t *limit_type;             /* enum pw_limit_type */
    uint8_t *irs_402g;               /* irs_402g_limit_applied */
    uint8_t *irs_401a17;             /* irs_401a17_limit_applied */

    /* 415(c) (4.16) */
    uint8_t *irs_415c;               /* irs_415c_limit_applied */
    double *irs_415c_reduction;      /* total removed: match + core + deferral cuts */
    double *match_415c_cut;          /* part of it removed from the match */

    /* match (4.14) */
    double *match;                   /* employer_match_amount */
    double *match_uncapped;          /* formula without the tiered cap (before 415(c)); 0 when not paid */
    uint8_t *match_cap_applied;
    uint8_t *match_eligible;
    uint8_t *match_reason;           /* enum pw_elig_reason */

    /* core (4.15) */
    double *core;                    /* employer_core_amount, including the disparity part */
    uint8_t *core_eligible;

    /* service measures */
    int16_t *yos;                    /* years of service = reported tenure */
    int16_t *points;                 /* age_Y + YOS (output only for points_based formulas) */

    /* vesting, balances, forfeitures (4.17) */
    double *match_balance;           /* carried balance + this year's match, before forfeiture */
    double *core_balance;
    int16_t *vesting_years;
    double *match_vested_pct, *core_vested_pct;   /* [0, 1] */
    double *vested_balance;          /* balances - unvested parts */
    double *forfeit_match, *forfeit_core, *forfeit_total; /* leavers only, else 0 */

    uint8_t *is_hce;                 /* 4.18 */
};

/* Grows every array to at least rows (never shrinks); -1 when out of memory. */
int pw_plan_money_reserve(struct pw_plan_money *m, size_t rows);
void pw_plan_money_release(struct pw_plan_money *m);

#endif
