/* compliance_groups.h: the tests that sort people into groups, on plain arrays so
 * they can be checked on hand-made rows: the 410(b) ratio percentage test, the
 * 401(a)(4) general test by rate groups, the 414(q)(3) top-paid group and the
 * 416(i) key employees. Rates and shares are fractions. See docs/compliance.md. */
#ifndef PW_MODEL_COMPLIANCE_GROUPS_H
#define PW_MODEL_COMPLIANCE_GROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The ratio a coverage test must reach: 70%. */
#define PW_COVERAGE_RATIO 0.70

/* 410(b)(1)(B) ratio percentage test of one plan component. */
struct pw_cov_result {
    size_t hce_total, nhce_total;          /* nonexcludable employees counted */
    size_t hce_benefiting, nhce_benefiting;
    double hce_pct, nhce_pct;              /* shares benefiting; NAN without HCEs / NHCEs */
    double ratio;                          /* nhce_pct / hce_pct; NAN without HCEs or NHCEs,
                                              INFINITY when no HCE benefits */
    bool pass;                             /* ratio >= 70%, or no HCE, no NHCE, no HCE benefiting */
};

/* counted[i]: a nonexcludable employee; benefit[i]: benefits under the component. */
void pw_cov_ratio_test(const bool *hce, const bool *benefit, const bool *counted, size_t n, struct pw_cov_result *out);

/* One rate group of the 401(a)(4) general test: the employees (HCE or not) whose
 * allocation rate is at least `rate`, the rate of one or more HCEs. */
struct pw_rate_group {
    double rate;                           /* the HCE allocation rate that defines the group */
    size_t hce_in, nhce_in;                /* employees counted with a rate >= rate */
    double ratio;                          /* its 410(b) ratio percentage (as pw_cov_result) */
    bool pass;                             /* ratio >= 70% */
};

/* Allocation rate as the general test compares it: rounded to the nearest
 * hundredth of a percent, so cent rounding of the dollars does not split the
 * employees of one formula rate into groups. */
double pw_a4_rate(double amount, double comp);

/* Rate groups of the counted employees, highest rate first; groups has room for n.
 * group_ratio (optional) receives, per counted HCE, the ratio of the HCE's own rate
 * group (NAN for the others). Returns the number of groups. */
size_t pw_a4_rate_groups(const double *rate, const bool *hce, const bool *counted, size_t n,
                         struct pw_rate_group *groups, double *group_ratio);

/* 414(q)(3) top-paid group of a look-back year: the top 20% by pay, where the 20%
 * is of the counted employees (those not excluded by 414(q)(5)) rounded to the
 * nearest whole number, and every employee (counted or not) may be among the top.
 * Ties in pay are broken by row order. member[i] receives membership; returns the
 * group's size. */
size_t pw_top_paid_group(const double *comp, const bool *counted, size_t n, bool *member);

/* Key-employee bases (bit flags of pw_key_employees). */
#define PW_KEY_OFFICER 0x1u
#define PW_KEY_OWNER5 0x2u
#define PW_KEY_OWNER1 0x4u

/* 416(i)(1): officers paid more than officer_pay (at most 50 officers, or if fewer
 * the greater of 3 and 10% of the counted employees, a fraction rounded up; the
 * highest-paid officers count first, ties in row order), 5% owners, and 1% owners
 * paid more than owner1_pay. comp is the year's 415 pay. basis[i] receives the
 * PW_KEY_* bits (0 = not a key employee). */
void pw_key_employees(const double *comp, const bool *officer, const bool *owner5, const bool *owner1,
                      const bool *counted, size_t n, double officer_pay, double owner1_pay, uint8_t *basis);

/* The 416(i)(1)(A)(i) officer pay amount of a year (IRS notices to 2026; later
 * years +5,000 a year, *estimated set). */
double pw_key_officer_pay(int year, bool *estimated);

#endif
