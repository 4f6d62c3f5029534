/* test_compliance.c: the ADP/ACP limits and tests, leveling refunds, the uniform
 * QNEC and the 416 top-heavy ratio on small hand-made populations; every expected
 * figure is worked out by hand in the comments. The year driver that uses them is
 * tested in test_compliance_year.c. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "model/compliance.h"

#define assert_near(a, b) assert_true(fabs((double)(a) - (double)(b)) < 1e-9)

static void test_limits(void **state)
{
    (void)state;
    enum pw_ct_limit_kind k;
    /* NHCE 10%: basic 12.5%, alternative min(20%, 12%) = 12% -> basic applies. */
    assert_near(pw_ct_limit(0.10, &k), 0.125);
    assert_int_equal(k, PW_CT_BASIC);
    /* NHCE 4%: basic 5%, alternative min(8%, 6%) = 6% -> alternative. */
    assert_near(pw_ct_limit(0.04, &k), 0.06);
    assert_int_equal(k, PW_CT_ALTERNATIVE);
    /* NHCE 1%: basic 1.25%, alternative min(2%, 3%) = 2%. */
    assert_near(pw_ct_limit(0.01, &k), 0.02);
    assert_int_equal(k, PW_CT_ALTERNATIVE);
    /* Inverse: HCE 6.5% needs min(6.5/1.25 = 5.2%, max(3.25%, 4.5%) = 4.5%) = 4.5%. */
    assert_near(pw_ct_needed_nhce_avg(0.065), 0.045);
    /* HCE 12.5% needs min(10%, max(6.25%, 10.5%)) = 10%. */
    assert_near(pw_ct_needed_nhce_avg(0.125), 0.10);
}

/* Three NHCEs at 2%, 4%, 6% (average 4%, limit 6% by the alternative test); an
 * eligible non-participant would enter as a 0 ratio like any other. */
static void test_adp_alternative_pass_and_fail(void **state)
{
    (void)state;
    bool hce[] = {false, false, false, true, true};
    /* HCEs 5% and 7%: average 6% = limit, margin 0 -> passes. */
    double pass[] = {0.02, 0.04, 0.06, 0.05, 0.07};
    struct pw_ct_result r;
    pw_ct_test(pass, hce, 5, -1, &r);
    assert_int_equal(r.hce_count, 2);
    assert_int_equal(r.nhce_count, 3);
    assert_near(r.nhce_avg, 0.04);
    assert_near(r.hce_avg, 0.06);
    assert_near(r.limit_basic, 0.05);
    assert_near(r.limit_alt, 0.06);
    assert_near(r.margin, 0.0);
    assert_true(r.pass);
    /* HCEs 5% and 8%: average 6.5% > 6%, margin -0.5 points -> fails. */
    double fail[] = {0.02, 0.04, 0.06, 0.05, 0.08};
    pw_ct_test(fail, hce, 5, -1, &r);
    assert_near(r.hce_avg, 0.065);
    assert_near(r.margin, -0.005);
    assert_false(r.pass);
}

static void test_adp_basic_pass_and_fail(void **state)
{
    (void)state;
    /* NHCEs 8% and 12% (average 10%): limit 12.5% by the basic test. */
    bool hce[] = {false, false, true};
    double pass[] = {0.08, 0.12, 0.125};
    struct pw_ct_result r;
    pw_ct_test(pass, hce, 3, -1, &r);
    assert_int_equal(r.kind, PW_CT_BASIC);
    assert_true(r.pass);
    double fail[] = {0.08, 0.12, 0.126};
    pw_ct_test(fail, hce, 3, -1, &r);
    assert_near(r.margin, -0.001);
    assert_false(r.pass);
}

static void test_prior_year_method(void **state)
{
    (void)state;
    /* Current-year NHCE average 4% gives limit 6% and the HCE average 6% passes;
     * with a prior-year NHCE average of 3% the limit is max(3.75%, min(6%, 5%)) = 5%
     * and the same rows fail by 1 point. */
    bool hce[] = {false, false, false, true, true};
    double v[] = {0.02, 0.04, 0.06, 0.05, 0.07};
    struct pw_ct_result r;
    pw_ct_test(v, hce, 5, 0.03, &r);
    assert_near(r.nhce_avg, 0.03);
    assert_near(r.limit, 0.05);
    assert_near(r.margin, -0.01);
    assert_false(r.pass);
    /* The 3% deemed first-year rate: limit max(3.75%, min(6%, 5%)) = 5% too. */
    pw_ct_test(v, hce, 5, 0.03, &r);
    assert_false(r.pass);
}

/* Group averages are compared to the nearest hundredth of a percentage point: NHCEs
 * at 5% give the limit min(10%, 7%) = 7%; HCEs averaging 7.00002% round to 7.00% and
 * pass, HCEs averaging 7.006% round to 7.01% and fail by 0.01 point. */
static void test_averages_rounded(void **state)
{
    (void)state;
    bool hce[] = {false, false, true, true};
    double close[] = {0.05, 0.05, 0.0700004, 0.07};
    struct pw_ct_result r;
    pw_ct_test(close, hce, 4, -1, &r);
    assert_near(r.hce_avg, 0.07);
    assert_true(r.pass);
    double over[] = {0.05, 0.05, 0.07012, 0.07};
    pw_ct_test(over, hce, 4, -1, &r);
    assert_near(r.hce_avg, 0.0701);
    assert_near(r.margin, -0.0001);
    assert_false(r.pass);
}

static void test_no_hce_passes(void **state)
{
    (void)state;
    bool hce[] = {false, false};
    double v[] = {0.0, 0.01};
    struct pw_ct_result r;
    pw_ct_test(v, hce, 2, -1, &r);
    assert_int_equal(r.hce_count, 0);
    assert_true(r.pass);
}

static void test_leveling_one_hce(void **state)
{
    (void)state;
    /* Limit 6%. HCE A: $8,000 on $100,000 (8%); HCE B: $10,000 on $200,000 (5%);
     * average 6.5%. Step 1: A's ratio comes down to r with (r + 5%) / 2 = 6% ->
     * r = 7%, excess = (8% - 7%) x 100,000 = $1,000. Step 2: the $1,000 comes off
     * the largest dollar amount first: B's $10,000 -> $9,000 (still above A's
     * $8,000), so B is refunded $1,000 and A nothing, although A had the higher
     * ratio. The NHCE row gets nothing. */
    double amount[] = {8000, 10000, 2000};
    double comp[] = {100000, 200000, 50000};
    bool hce[] = {true, true, false};
    double refund[3];
    double total = pw_ct_leveling_refunds(amount, comp, hce, 3, 0.06, refund);
    assert_near(total, 1000.0);
    assert_near(refund[0], 0.0);
    assert_near(refund[1], 1000.0);
    assert_near(refund[2], 0.0);
}

static void test_leveling_two_hces(void **state)
{
    (void)state;
    /* Limit 6.9%. A: $9,800 on $100,000 (9.8%); B: $10,000 on $200,000 (5%);
     * average 7.4%. Step 1: (r + 5%) / 2 = 6.9% -> r = 8.8%, excess = 1% x 100,000 =
     * $1,000. Step 2: B alone to $9,000 would go below A's $9,800, so both come
     * down to m with (10,000 - m) + (9,800 - m) = 1,000 -> m = $9,400: B refunded
     * $600, A $400. */
    double amount[] = {9800, 10000};
    double comp[] = {100000, 200000};
    bool hce[] = {true, true};
    double refund[2];
    double total = pw_ct_leveling_refunds(amount, comp, hce, 2, 0.069, refund);
    assert_near(total, 1000.0);
    assert_near(refund[0], 400.0);
    assert_near(refund[1], 600.0);
    /* After the refunds the HCE ratios are 9.4% and 4.7%, average 7.05%: the
     * dollar leveling does not bring the ratio average to the limit by itself;
     * the rule treats the plan as corrected once the step-1 excess is returned. */
}

static void test_leveling_passing_test_refunds_nothing(void **state)
{
    (void)state;
    double amount[] = {5000, 6000};
    double comp[] = {100000, 100000};
    bool hce[] = {true, true};
    double refund[2];
    /* Average 5.5% under a 6% limit. */
    assert_near(pw_ct_leveling_refunds(amount, comp, hce, 2, 0.06, refund), 0.0);
    assert_near(refund[0] + refund[1], 0.0);
}

static void test_uniform_qnec(void **state)
{
    (void)state;
    /* The failing case above: HCE 6.5%, NHCE 4%; passing needs an NHCE average of
     * 4.5%, so the uniform QNEC is 0.5% of pay; on three NHCEs paid $50,000 each it
     * costs 0.005 x 150,000 = $750. */
    bool hce[] = {false, false, false, true, true};
    double v[] = {0.02, 0.04, 0.06, 0.05, 0.08};
    struct pw_ct_result r;
    pw_ct_test(v, hce, 5, -1, &r);
    double q = pw_ct_uniform_qnec_rate(&r);
    assert_near(q, 0.005);
    assert_near(q * 150000.0, 750.0);
    /* With the QNEC added the NHCEs are at 2.5%, 4.5%, 6.5% and the test passes. */
    double after[] = {0.025, 0.045, 0.065, 0.05, 0.08};
    pw_ct_test(after, hce, 5, -1, &r);
    assert_true(r.pass);
    assert_near(pw_ct_uniform_qnec_rate(&r), 0.0);
}

static void test_top_heavy(void **state)
{
    (void)state;
    /* Key balances 40,000 + 30,000 = 70,000 of 100,000: 70% > 60%, top-heavy.
     * Key rates: 5,000 / 200,000 = 2.5% and 3,000 / 150,000 = 2%; the highest is
     * 2.5% < 3%, so the minimum is 2.5%. Non-key: $40,000 pay with $500 employer
     * money is owed 1,000 - 500 = $500; $60,000 pay with $2,000 already has more
     * than 1,500; the $30,000 leaver is not owed the minimum. Cost $500, one
     * top-up. */
    double bal[] = {40000, 30000, 10000, 10000, 10000};
    bool key[] = {true, true, false, false, false};
    double employer[] = {2000, 1000, 500, 2000, 0};
    double key_amt[] = {5000, 3000, 0, 0, 0};
    double comp[] = {200000, 150000, 40000, 60000, 30000};
    bool benefit[] = {true, true, true, true, false};
    struct pw_th_result r;
    pw_th_test(bal, key, employer, key_amt, comp, benefit, 5, &r);
    assert_near(r.key_share, 0.70);
    assert_true(r.top_heavy);
    assert_near(r.min_rate, 0.025);
    assert_near(r.cost, 500.0);
    assert_int_equal(r.topped_up, 1);
}

static void test_not_top_heavy(void **state)
{
    (void)state;
    /* Key 60,000 of 100,000 is exactly 60%: not "more than 60%". */
    double bal[] = {60000, 40000};
    bool key[] = {true, false};
    double employer[] = {0, 0};
    double key_amt[] = {6000, 0};
    double comp[] = {200000, 50000};
    bool benefit[] = {true, true};
    struct pw_th_result r;
    pw_th_test(bal, key, employer, key_amt, comp, benefit, 2, &r);
    assert_near(r.key_share, 0.60);
    assert_false(r.top_heavy);
    assert_near(r.cost, 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_adp_alternative_pass_and_fail),
        cmocka_unit_test(test_adp_basic_pass_and_fail),
        cmocka_unit_test(test_prior_year_method),
        cmocka_unit_test(test_averages_rounded),
        cmocka_unit_test(test_no_hce_passes),
        cmocka_unit_test(test_leveling_one_hce),
        cmocka_unit_test(test_leveling_two_hces),
        cmocka_unit_test(test_leveling_passing_test_refunds_nothing),
        cmocka_unit_test(test_uniform_qnec),
        cmocka_unit_test(test_top_heavy),
        cmocka_unit_test(test_not_top_heavy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
