/* compliance_year.h: every nondiscrimination and limit test of one plan year of one
 * scenario, on the year's employees as columns (struct pw_cy_year) and the year
 * before (for the look-back HCE pay, prior-year testing, the top-heavy
 * determination date and running balances). The reader (io/compliance_db.c) fills
 * the input columns from the output tables; pw_cy_run fills the output columns and
 * one result row per test. No I/O here, so hand-made populations test every rule
 * (tests/unit/test_compliance_year.c). See docs/compliance.md for the rules. */
#ifndef PW_MODEL_COMPLIANCE_YEAR_H
#define PW_MODEL_COMPLIANCE_YEAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "model/compliance_config.h"
#include "model/compliance_design.h"

/* The tests of a year, in report order. */
enum pw_cy_test_id {
    PW_CY_HCE = 0,          /* hce_determination: who is highly compensated (414(q)) */
    PW_CY_ADP,              /* adp: 401(k)(3) */
    PW_CY_ACP,              /* acp: 401(m)(2) */
    PW_CY_COV_401K,         /* coverage_401k: 410(b) ratio test of the deferral component */
    PW_CY_COV_401M,         /* coverage_401m: the match component */
    PW_CY_COV_NONELECTIVE,  /* coverage_nonelective: the core component */
    PW_CY_GENERAL,          /* general_test_401a4: rate groups of the core */
    PW_CY_TOP_HEAVY,        /* top_heavy: 416 */
    PW_CY_LIMIT_402G,       /* limit_402g: deferrals held at the 402(g) limit (report) */
    PW_CY_LIMIT_415C,       /* limit_415c: annual additions cut by 415(c) (report) */
    PW_CY_TESTS
};
extern const char *const pw_cy_test_names[PW_CY_TESTS];

/* Plan status of the snapshot (current_eligibility_status). */
enum { PW_CY_PENDING = 0, PW_CY_ELIGIBLE = 1, PW_CY_EXCLUDED = 2 };
/* Match eligibility reason of the snapshot (employer_match_eligibility_reason). */
enum { PW_CY_M_ELIGIBLE = 0, PW_CY_M_INACTIVE_EOY, PW_CY_M_HOURS, PW_CY_M_TENURE };
/* Why an employee is not in the ADP or ACP test (adp_status / acp_status). */
enum { PW_CY_TESTED = 0, PW_CY_NOT_PENDING, PW_CY_NOT_PLAN_EXCLUDED, PW_CY_NOT_OTHERWISE_EXCLUDABLE,
       PW_CY_NOT_MATCH_ELIGIBLE, PW_CY_NOT_NO_MATCH };
/* Why an employee is left out of the 410(b) and 401(a)(4) tests (0 = counted). */
enum { PW_CY_COUNTED = 0, PW_CY_UNDER_21, PW_CY_UNDER_1_YEAR, PW_CY_SHORT_LEAVER };
/* Components an employee benefits under (benefits bits). */
#define PW_CY_BEN_401K 0x1u
#define PW_CY_BEN_401M 0x2u
#define PW_CY_BEN_NE 0x4u
/* Basis of HCE status (hce_basis bits). */
#define PW_CY_HCE_PAY 0x1u
#define PW_CY_HCE_OWNER 0x2u

/* Every column: type, name. Inputs first (filled by the reader), then outputs. */
#define PW_CY_INPUTS(X)                                                                                   \
    X(const char *, id)        /* employee_id; rows in ascending byte order */                           \
    X(pw_date, hire_date)                                                                                \
    X(uint8_t, active)         /* employed on Dec 31 */                                                  \
    X(uint8_t, terminated)     /* left during the year */                                                \
    X(int16_t, age)            /* age on Dec 31 */                                                       \
    X(int16_t, tenure)         /* reported tenure, whole years */                                        \
    X(int32_t, hours)          /* hours worked in the year */                                            \
    X(double, sched_hours)     /* scheduled hours a week */                                              \
    X(uint8_t, plan_status)    /* PW_CY_PENDING / ELIGIBLE / EXCLUDED */                                 \
    X(uint8_t, match_eligible) /* meets the match allocation conditions */                               \
    X(uint8_t, match_reason)   /* PW_CY_M_* */                                                           \
    X(double, comp)            /* 415 pay of the year (prorated_annual_compensation) */                  \
    X(double, test_comp)       /* testing pay: capped at 401(a)(17) (contribution_base_compensation) */  \
    X(double, deferrals)       /* elective deferrals, pre-tax + Roth */                                  \
    X(double, catch_up)        /* part of deferrals above the base 402(g) limit (age 50+) */            \
    X(double, match)                                                                                     \
    X(double, core)                                                                                      \
    X(double, employer_balance)/* match + core balance on Dec 31 (a leaver's vested part) */            \
    X(uint8_t, sim_hce)        /* the snapshot's is_hce */                                               \
    X(uint8_t, owner5)                                                                                   \
    X(uint8_t, owner1)                                                                                   \
    X(uint8_t, officer)                                                                                  \
    X(double, census_comp)     /* first year: census pay (look-back); NAN for hires */                   \
    X(uint8_t, limited_402g)                                                                             \
    X(uint8_t, limited_415c)                                                                             \
    X(double, match_415c_cut)  /* match removed by 415(c) */

#define PW_CY_OUTPUTS(X)                                                                                  \
    X(int64_t, prev_row)       /* row of the same employee in the year before, -1 if none */             \
    X(double, prior_comp)      /* look-back pay; NAN when none */                                        \
    X(uint8_t, hce)                                                                                      \
    X(uint8_t, hce_basis)      /* PW_CY_HCE_* */                                                         \
    X(uint8_t, key_basis)      /* PW_KEY_* of compliance_groups.h; 0 = not a key employee */            \
    X(uint8_t, adp_status)     /* PW_CY_TESTED or why not */                                             \
    X(uint8_t, acp_status)                                                                               \
    X(double, adp_ratio)       /* NAN when not tested */                                                 \
    X(double, acp_ratio)                                                                                 \
    X(double, adp_refund)                                                                                \
    X(double, acp_refund)                                                                                \
    X(double, adp_qnec)        /* QNEC counted in this year's ADP ratio */                              \
    X(double, acp_qnec)                                                                                  \
    X(uint8_t, benefits)       /* PW_CY_BEN_* */                                                         \
    X(uint8_t, coverage_excluded) /* PW_CY_COUNTED or the reason */                                      \
    X(double, core_rate)       /* allocation rate of the general test */                                 \
    X(double, rate_group_ratio)/* HCEs: ratio percentage of the own rate group; NAN otherwise */        \
    X(double, th_minimum)      /* top-heavy minimum owed */                                              \
    X(double, cum_deferrals)   /* deferrals since the first simulated year */                            \
    X(double, cum_adjust)      /* corrections carried into balances (carry_forward) */                   \
    X(double, plan_balance)    /* balance on Dec 31 used by next year's top-heavy determination */

struct pw_cy_year {
    int year;
    size_t n, cap;
    bool borrowed_ids;       /* id[] points into a pool that outlives y (not freed); false: malloc'd */
#define PW_CY_FIELD(type, name) type *name;
    PW_CY_INPUTS(PW_CY_FIELD)
    PW_CY_OUTPUTS(PW_CY_FIELD)
#undef PW_CY_FIELD
    /* what the next year reads */
    double adp_nhce_avg, acp_nhce_avg;   /* this year's NHCE averages (with QNECs counted in them) */
    size_t adp_nhce_n, acp_nhce_n;       /* their NHCE counts */
    double key_balance, total_balance;   /* balances on Dec 31, for the next determination */
};

/* The columns of a year that fct_compliance_detail shows, kept after its tests (and
 * the next year's, which may allocate prior-year QNECs to it) are done. */
#define PW_CY_DETAIL(X)                                                                                   \
    X(const char *, id)  X(uint8_t, hce) X(uint8_t, hce_basis) X(double, prior_comp) X(uint8_t, key_basis) \
    X(double, test_comp) X(uint8_t, adp_status) X(double, deferrals) X(double, catch_up)                 \
    X(double, adp_ratio) X(double, adp_refund) X(double, adp_qnec) X(uint8_t, acp_status) X(double, match)\
    X(double, acp_ratio) X(double, acp_refund) X(double, acp_qnec) X(uint8_t, benefits)                  \
    X(uint8_t, coverage_excluded) X(double, core_rate) X(double, rate_group_ratio) X(double, th_minimum) \
    X(double, plan_balance)

/* One year's detail rows (the ids are borrowed from the year they were copied from:
 * y's ids must outlive d unless y->borrowed_ids, when they outlive y too). */
struct pw_cy_detail {
    int year;
    size_t n, cap;
#define PW_CY_FIELD(type, name) type *name;
    PW_CY_DETAIL(PW_CY_FIELD)
#undef PW_CY_FIELD
};

int pw_cy_year_init(struct pw_cy_year *y, size_t capacity);
void pw_cy_year_release(struct pw_cy_year *y);
/* Empties the year (frees the ids unless borrowed) and grows it to hold capacity rows. */
int pw_cy_year_reset(struct pw_cy_year *y, int year, size_t capacity);

/* Copies the detail columns of y into d (grown as needed; d zeroed before first use).
 * Returns 0 or PW_ENOMEM. */
int pw_cy_detail_copy(struct pw_cy_detail *d, const struct pw_cy_year *y);
void pw_cy_detail_release(struct pw_cy_detail *d);

/* One row of fct_compliance_tests (without scenario and year). NAN doubles and -1
 * counts are NULL; "" strings are NULL. Money in dollars, shares as fractions. */
struct pw_cy_test {
    char method[48];
    char result[16];           /* pass, fail, exempt, not_applicable, not_computed, top_heavy,
                                  not_top_heavy, report */
    double hce_pct, nhce_pct;  /* the two groups' figures (averages, shares benefiting, rates) */
    double ratio_pct;          /* the ratio or share the test compares with its limit */
    double limit_pct;          /* what it may reach (ADP/ACP: the HCE limit) */
    double margin_pct;         /* room left: positive passes (top-heavy: 60% minus the key share) */
    int64_t hce_count, nhce_count, excluded_count;
    char excluded_reasons[200];
    char correction[24];       /* refund, qnec_targeted, qnec_uniform, top_heavy_minimum, none */
    double correction_amount;  /* dollars moved by the correction */
    double correction_cost;    /* employer cost of it (refunds cost the employer nothing) */
    int64_t correction_count;  /* employees receiving or refunded */
    char corrected_result[16]; /* the test after the correction */
    double corrected_margin_pct;
    double alt_refund_amount, alt_qnec_targeted_cost, alt_qnec_uniform_cost, alt_qnec_uniform_rate;
    int64_t affected_count;    /* limit reports: employees limited */
    double affected_amount;
    char note[700];
};

struct pw_cy_params {
    const struct pw_compliance_config *cfg;
    const struct pw_ct_design *design;
    double hce_threshold_prev;   /* 414(q)(1)(B) pay amount of the look-back year (Y-1) */
    double officer_pay;          /* 416(i)(1)(A)(i) amount of the year */
    bool officer_pay_estimated;
};

/* Runs every test of cur. prev is the year before in the same scenario (NULL for the
 * scenario's first year); under prior-year testing a QNEC correction is allocated to
 * prev's NHCEs (prev's adp_qnec/acp_qnec), so write prev's rows after this call.
 * Returns 0, or PW_ENOMEM. */
int pw_cy_run(const struct pw_cy_params *p, struct pw_cy_year *cur, struct pw_cy_year *prev,
              struct pw_cy_test tests[PW_CY_TESTS]);

#endif
