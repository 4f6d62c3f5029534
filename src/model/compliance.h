/* compliance.h: the arithmetic of the nondiscrimination tests (ADP 401(k)(3),
 * ACP 401(m)), their corrections (leveling refunds, uniform QNEC) and the 416
 * top-heavy ratio, on plain arrays so it can be tested on hand-made rows.
 * Ratios and rates are fractions (0.05 = 5%); money is in dollars, rounded to
 * cents where a dollar amount is produced. See docs/compliance.md. */
#ifndef PW_MODEL_COMPLIANCE_H
#define PW_MODEL_COMPLIANCE_H

#include <stdbool.h>
#include <stddef.h>

/* Which limit of the ADP/ACP test is the higher (the one that applies). */
enum pw_ct_limit_kind { PW_CT_BASIC = 0, PW_CT_ALTERNATIVE = 1 };

/* A group average to the nearest hundredth of a percentage point (0.0001 as a
 * fraction), as 1.401(k)-2(a)(3)(ii) and 1.401(m)-2(a)(3)(ii) compute the ADP and
 * ACP of a group. */
double pw_ct_round_pct(double x);

/* One ADP or ACP test of one plan year. */
struct pw_ct_result {
    size_t hce_count;          /* eligible HCEs averaged, >= 0 */
    size_t nhce_count;         /* eligible NHCEs averaged (current year), >= 0 */
    double hce_avg;            /* HCE average ratio, fraction, rounded by pw_ct_round_pct */
    double nhce_avg;           /* NHCE average used for the limit (current or prior year), rounded */
    double limit_basic;        /* 1.25 x nhce_avg */
    double limit_alt;          /* lesser of 2 x nhce_avg and nhce_avg + 0.02 */
    double limit;              /* greater of the two: what the HCE average may reach */
    enum pw_ct_limit_kind kind;/* which limit is `limit` */
    double margin;             /* limit - hce_avg; >= 0 passes */
    bool pass;                 /* margin >= 0 (within 1e-12) */
};

/* The HCE limit for an NHCE average: max(1.25 x, min(2 x, x + 0.02)). */
double pw_ct_limit(double nhce_avg, enum pw_ct_limit_kind *kind);

/* Smallest NHCE average whose limit reaches `hce_avg` (inverse of pw_ct_limit). */
double pw_ct_needed_nhce_avg(double hce_avg);

/* Run the test on `n` eligible employees' ratios. `prior_nhce_avg` < 0 means
 * current-year testing (the NHCE average of these rows); otherwise it is the
 * prior-year NHCE average used for the limit. With no HCE the test passes. */
void pw_ct_test(const double *ratio, const bool *hce, size_t n, double prior_nhce_avg, struct pw_ct_result *out);

/* Leveling refunds of excess contributions (IRC 401(k)(8)(C)): first the total
 * excess is found by lowering the highest HCE ratios until the HCE average meets
 * `limit`; that total is then taken from the HCEs with the highest dollar amounts
 * first. `amount[i]` is the tested dollars (deferrals or match), `comp[i]` the
 * testing compensation. refund[i] (0 for NHCEs) receives each refund; returns the
 * total in dollars. Never refunds more than an HCE's amount. */
double pw_ct_leveling_refunds(const double *amount, const double *comp, const bool *hce, size_t n, double limit,
                              double *refund);
/* The same, also giving the step-1 ratio cap in *level (INFINITY when nothing is
 * refunded): the plan counts as corrected once every HCE ratio above it is cut to
 * it, which brings the HCE average to the limit even though the dollar leveling
 * of step 2 takes the money from other HCEs. */
double pw_ct_leveling_refunds_at(const double *amount, const double *comp, const bool *hce, size_t n, double limit,
                                 double *refund, double *level);

/* Uniform QNEC rate (fraction of pay, to every eligible NHCE) that makes a failed
 * current-year test pass: needed NHCE average minus the actual one, >= 0. */
double pw_ct_uniform_qnec_rate(const struct pw_ct_result *r);

/* Money rounded up to the next cent, so a contribution never falls short of the
 * rate it stands for. */
double pw_ct_ceil_cents(double x);

/* QNECs that raise the sum of the ratios of the NHCEs (rows with take[i]) by at
 * least `needed` (the NHCE average times their count). Targeted: the lowest-paid
 * NHCEs first (ties in row order), each up to `cap` of pay, the last one partly;
 * false (and qnec[] zero) when even cap x pay for every NHCE is not enough.
 * *total receives the dollars. NHCEs without pay cannot receive a QNEC. */
bool pw_ct_targeted_qnec(const double *comp, const bool *take, size_t n, double needed, double cap, double *qnec,
                         double *total);
/* Uniform: the rate that raises the sum by `needed` when every NHCE with pay gets
 * it (needed / their count), and each one's dollars; returns the rate. */
double pw_ct_uniform_qnec(const double *comp, const bool *take, size_t n, double needed, double *qnec,
                          double *total);

/* 416 top-heavy: key employees' share of the balances, and the minimum rate owed
 * to non-key employees (3%, or the highest key-employee rate if lower). */
struct pw_th_result {
    double key_share;          /* key balances / all balances, 0 without balances */
    bool top_heavy;            /* key_share > 0.60 */
    double min_rate;           /* minimum contribution rate owed, fraction; 0 if not top-heavy */
    double cost;               /* dollars to top non-key employer money up to min_rate x comp */
    size_t topped_up;          /* non-key employees who receive a top-up */
};

/* balance: account balance at the determination date; key: key employee;
 * employer[i]: the year's employer money (match + core) counted towards the
 * minimum; key_rate_amount[i]: the key employee's deferrals + employer money (the
 * numerator of their rate); comp: 415 compensation; benefit[i]: non-key employee
 * who must get the minimum (employed on the last day of the year). */
void pw_th_test(const double *balance, const bool *key, const double *employer, const double *key_rate_amount,
                const double *comp, const bool *benefit, size_t n, struct pw_th_result *out);
/* The minimum part alone, for a plan known to be top-heavy: sets min_rate, cost,
 * topped_up (key_share and top_heavy are left as they are) and, when owed is not
 * NULL, each employee's top-up (0 for the others). */
void pw_th_minimum(const bool *key, const double *employer, const double *key_rate_amount, const double *comp,
                   const bool *benefit, size_t n, struct pw_th_result *out, double *owed);

#endif
