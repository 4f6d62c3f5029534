/* test_compliance_year.c: every test of a compliance year (model/compliance_year.h)
 * on small hand-made populations: HCE determination with and without the top-paid
 * group, ADP and ACP under both limits, current- and prior-year testing, leveling
 * refunds, targeted and uniform QNECs, safe-harbor exemptions, 410(b) coverage,
 * the 401(a)(4) rate groups, top-heavy with its minimum, and the limit reports. The
 * expected figures are worked out by hand in the comments. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/compliance_groups.h"
#include "model/compliance_year.h"
#include "model/config.h"

#define assert_near(a, b) assert_true(fabs((double)(a) - (double)(b)) < 1e-9)

/* One employee of a test year; zero fields take the defaults of fill(). */
struct emp {
    const char *id;
    double comp;          /* 415 pay; also the testing pay unless tcomp is set */
    double def, match, core;
    int plan;             /* PW_CY_ELIGIBLE (default when 0 is given as -1 below), PENDING, EXCLUDED */
    bool hce;             /* the snapshot's is_hce (should agree with the rules) */
    double census;        /* first year: look-back pay; 0 = NAN (a hire) */
    int age, tenure;      /* 0 = 40 and 5 */
    bool left;            /* terminated during the year */
    int hours;            /* 0 = 2080 */
    double ebal;          /* employer balance on Dec 31 */
    bool owner5, owner1, officer;
    double tcomp;         /* testing pay when it differs from comp */
};

#define ELIG 1
#define PEND 10   /* stands for PW_CY_PENDING in the tables below */

static void fill(struct pw_cy_year *y, int year, const struct emp *e, size_t n)
{
    assert_int_equal(pw_cy_year_reset(y, year, n), 0);
    for (size_t i = 0; i < n; i++) {
        y->id[i] = strdup(e[i].id);
        y->hire_date[i] = pw_date_from_ymd(2015, 1, 1);
        y->active[i] = !e[i].left;
        y->terminated[i] = e[i].left;
        y->age[i] = (int16_t)(e[i].age ? e[i].age : 40);
        y->tenure[i] = (int16_t)(e[i].tenure ? e[i].tenure : 5);
        y->hours[i] = e[i].hours ? e[i].hours : 2080;
        y->sched_hours[i] = 40;
        y->plan_status[i] = e[i].plan == PEND ? PW_CY_PENDING : (uint8_t)e[i].plan;
        y->match_eligible[i] = y->plan_status[i] == PW_CY_ELIGIBLE && !e[i].left;
        y->match_reason[i] = y->match_eligible[i] ? PW_CY_M_ELIGIBLE : PW_CY_M_INACTIVE_EOY;
        y->comp[i] = e[i].comp;
        y->test_comp[i] = e[i].tcomp > 0 ? e[i].tcomp : e[i].comp;
        y->deferrals[i] = e[i].def;
        y->catch_up[i] = 0;
        y->match[i] = e[i].match;
        y->core[i] = e[i].core;
        y->employer_balance[i] = e[i].ebal;
        y->sim_hce[i] = e[i].hce;
        y->owner5[i] = e[i].owner5;
        y->owner1[i] = e[i].owner1;
        y->officer[i] = e[i].officer;
        y->census_comp[i] = e[i].census > 0 ? e[i].census : NAN;
        y->limited_402g[i] = y->limited_415c[i] = 0;
        y->match_415c_cut[i] = 0;
    }
    y->n = n;
}

/* Defaults of the compliance keys, and a plain design: match and a flat core, no
 * safe harbor. */
static struct pw_compliance_config defaults(void)
{
    struct pw_config *c = malloc(sizeof *c);
    pw_config_init_defaults(c);
    struct pw_compliance_config cc = c->compliance;
    free(c);
    return cc;
}

static struct pw_ct_design plain_design(void)
{
    struct pw_ct_design d;
    memset(&d, 0, sizeof d);
    d.match_enabled = d.core_enabled = d.core_uniform = true;
    return d;
}

struct fixture {
    struct pw_compliance_config cfg;
    struct pw_ct_design design;
    struct pw_cy_params par;
    struct pw_cy_year a, b;
    struct pw_cy_test t[PW_CY_TESTS];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->cfg = defaults();
    f->design = plain_design();
    f->par = (struct pw_cy_params){.cfg = &f->cfg, .design = &f->design, .hce_threshold_prev = 155000,
                                   .officer_pay = 230000};
    assert_int_equal(pw_cy_year_init(&f->a, 0), 0);
    assert_int_equal(pw_cy_year_init(&f->b, 0), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    pw_cy_year_release(&f->a);
    pw_cy_year_release(&f->b);
    free(f);
    return 0;
}

static const struct pw_cy_test *T(struct fixture *f, int id) { return &f->t[id]; }

/* ---- 414(q) ---- */

/* Look-back pay over $155,000 (2024): A $200,000 and B $160,000; C $150,000 is not;
 * E is a 5% owner paid $50,000; F was hired this year. HCEs: A, B, E. */
static void test_hce_look_back_and_top_paid_group(void **state)
{
    struct fixture *f = *state;
    const struct emp e[] = {
        {"A", 210000, .plan = ELIG, .hce = true, .census = 200000},
        {"B", 165000, .plan = ELIG, .hce = true, .census = 160000},
        {"C", 150000, .plan = ELIG, .census = 150000},
        {"D", 80000, .plan = ELIG, .census = 80000},
        {"E", 50000, .plan = ELIG, .hce = true, .census = 50000, .owner5 = true},
        {"F", 90000, .plan = ELIG},
    };
    fill(&f->a, 2025, e, 6);
    assert_int_equal(pw_cy_run(&f->par, &f->a, NULL, f->t), 0);
    assert_int_equal(f->a.hce[0] + f->a.hce[1] + f->a.hce[4], 3);
    assert_int_equal(f->a.hce[2] + f->a.hce[3] + f->a.hce[5], 0);
    assert_int_equal(f->a.hce_basis[4], PW_CY_HCE_OWNER);
    assert_int_equal(T(f, PW_CY_HCE)->hce_count, 3);
    assert_int_equal(T(f, PW_CY_HCE)->nhce_count, 3);
    assert_null(strstr(T(f, PW_CY_HCE)->note, "differs"));   /* the snapshot flags agree */

    /* Top-paid group: the 5 census employees are counted, 20% of 5 = 1, so only A
     * (the best paid) stays an HCE by pay; B drops out; E stays as an owner. */
    f->cfg.top_paid_group = true;
    fill(&f->a, 2025, e, 6);
    assert_int_equal(pw_cy_run(&f->par, &f->a, NULL, f->t), 0);
    assert_true(f->a.hce[0]);
    assert_false(f->a.hce[1]);
    assert_true(f->a.hce[4]);
    assert_int_equal(T(f, PW_CY_HCE)->hce_count, 2);
    assert_non_null(strstr(T(f, PW_CY_HCE)->note, "top-paid group of 1: 1 of them outside it"));
    /* The snapshot's is_hce (no election in the simulation) is reconciled with the
     * rule before the election: they agree. */
    assert_null(strstr(T(f, PW_CY_HCE)->note, "differs"));
}

/* In a scenario's first year the simulation's flag decides who is an HCE by pay (a
 * branched scenario's look-back pay is not in its outputs): G, flagged with a salary
 * of $150,000 at the branch point, stays an HCE; H, not flagged, is not, though his
 * salary at the branch point is over the amount; no disagreement is reported beyond
 * those two. */
static void test_hce_first_year_follows_the_snapshot(void **state)
{
    struct fixture *f = *state;
    const struct emp e[] = {{"G", 170000, .plan = ELIG, .hce = true, .census = 150000},
                            {"H", 170000, .plan = ELIG, .census = 158000}};
    f->par.hce_threshold_prev = 155000;
    fill(&f->a, 2028, e, 2);
    assert_int_equal(pw_cy_run(&f->par, &f->a, NULL, f->t), 0);
    assert_true(f->a.hce[0]);
    assert_false(f->a.hce[1]);
    assert_non_null(strstr(T(f, PW_CY_HCE)->note, "differs for 2 employees"));
    assert_non_null(strstr(T(f, PW_CY_HCE)->note, "branched scenario"));
}

/* In a later year the look-back pay is last year's 415 pay of the same employee. */
static void test_hce_from_prior_year_rows(void **state)
{
    struct fixture *f = *state;
    const struct emp y1[] = {{"A", 150000, .plan = ELIG, .census = 100000}, {"B", 170000, .plan = ELIG, .census = 100000}};
    const struct emp y2[] = {{"A", 160000, .plan = ELIG}, {"B", 170000, .plan = ELIG, .hce = true},
                             {"C", 300000, .plan = ELIG}};
    fill(&f->a, 2025, y1, 2);
    assert_int_equal(pw_cy_run(&f->par, &f->a, NULL, f->t), 0);
    fill(&f->b, 2026, y2, 3);
    f->par.hce_threshold_prev = 160000;   /* 2025 */
    assert_int_equal(pw_cy_run(&f->par, &f->b, &f->a, f->t), 0);
    /* A: $150,000 in 2025, not over $160,000; B: $170,000, HCE; C: hired in 2026. */
    assert_false(f->b.hce[0]);
    assert_true(f->b.hce[1]);
    assert_false(f->b.hce[2]);
    assert_near(f->b.prior_comp[1], 170000);
    assert_true(isnan(f->b.prior_comp[2]));
}

/* ---- ADP ---- */

/* NHCEs: $30,000 deferring $600 (2%), $50,000 deferring $2,000 (4%), $100,000
 * deferring $6,000 (6%): average 4%, limit max(5%, min(8%, 6%)) = 6% (alternative).
 * HCEs paid $200,000 (testing pay) deferring $10,000 (5%) and hce2. */
static void adp_rows(struct fixture *f, double hce2, int year)
{
    const struct emp e[] = {
        {"H1", 200000, 10000, .plan = ELIG, .hce = true, .census = 200000},
        {"H2", 200000, hce2, .plan = ELIG, .hce = true, .census = 200000},
        {"N1", 30000, 600, .plan = ELIG, .census = 30000},
        {"N2", 50000, 2000, .plan = ELIG, .census = 50000},
        {"N3", 100000, 6000, .plan = ELIG, .census = 100000},
        {"P1", 40000, 0, .plan = PEND, .census = 40000},   /* not yet eligible: left out */
    };
    fill(&f->a, year, e, 6);
}

static void test_adp_alternative_limit_pass_fail_and_refund(void **state)
{
    struct fixture *f = *state;
    /* H2 at 7%: HCE average 6% = the limit: passes with margin 0. */
    adp_rows(f, 14000, 2025);
    assert_int_equal(pw_cy_run(&f->par, &f->a, NULL, f->t), 0);
    const struct pw_cy_test *t = T(f, PW_CY_ADP);
    assert_string_equal(t->result, "pass");
    assert_string_equal(t->method, "current_year");
    assert_near(t->hce_pct, 0.06);
    assert_near(t->nhce_pct, 0.04);
    assert_near(t->limit_pct, 0.06);
    assert_near(t->margin_pct, 0);
    assert_int_equal(t->hce_count, 2);
    assert_int_equal(t->nhce_count, 3);
    assert_int_equal(t->excluded_count, 1);
    assert_string_equal(t->excluded_reasons, "not yet eligible 1");
    assert_near(f->a.adp_ratio[2], 0.02);
    assert_true(isnan(f->a.adp_ratio[5]));

    /* H2 at 8%: average 6.5%, margin -0.5 points. Refund by leveling: the ratio cap r
     * with (5% + r) / 2 = 6% is 7%, so the excess is (8% - 7%) x $200,000 = $2,000,
     * taken from the largest dollar amount, H2's $16,000. Re-tested on the leveled
     * ratios 5% and 7%: average 6%, passes. The unused alternatives: a uniform QNEC of
     * (4.5% - 4%) = 0.5% to each NHCE costs 150 + 250 + 500 = $900, where 4.5% is the
     * NHCE average whose limit reaches 6.5% (min(5.2%, max(3.25%, 4.5%))); the
     * targeted QNEC puts the 3 x 0.5 = 1.5 points into the lowest-paid N1 alone:
     * 1.5% x $30,000 = $450. */
    adp_rows(f, 16000, 2025);
    assert_int_equal(pw_cy_run(&f->par, &f->a, NULL, f->t), 0);
    t = T(f, PW_CY_ADP);
    assert_string_equal(t->result, "fail");
    assert_near(t->hce_pct, 0.065);
    assert_near(t->margin_pct, -0.005);
    assert_string_equal(t->correction, "refund");
    assert_near(t->correction_amount, 2000);
    assert_near(t->correction_cost, 0);
    assert_int_equal(t->correction_count, 1);
    assert_near(f->a.adp_refund[1], 2000);
    assert_near(f->a.adp_refund[0], 0);
    assert_string_equal(t->corrected_result, "pass");
    assert_true(fabs(t->corrected_margin_pct) < 1e-9);
    assert_near(t->alt_refund_amount, 2000);
    assert_near(t->alt_qnec_uniform_cost, 900);
    assert_near(t->alt_qnec_uniform_rate, 0.005);
    assert_near(t->alt_qnec_targeted_cost, 450);
}

static void test_adp_qnec_corrections(void **state)
{
    struct fixture *f = *state;
    /* The failing rows above with QNEC corrections: targeted, then uniform. */
    f->cfg.adp.correction = PW_CORRECT_QNEC;
    adp_rows(f, 16000, 2025);
    assert_int_equal(pw_cy_run(&f->par, &f->a, NULL, f->t), 0);
    const struct pw_cy_test *t = T(f, PW_CY_ADP);
    assert_string_equal(t->correction, "qnec_targeted");
    assert_near(t->correction_cost, 450);
    assert_int_equal(t->correction_count, 1);
    assert_near(f->a.adp_qnec[2], 450);
    assert_near(f->a.adp_qnec[3] + f->a.adp_qnec[4], 0);
    /* N1 at 3.5%: NHCE average (3.5 + 4 + 6) / 3 = 4.5%, limit 6.5% = the HCE average. */
    assert_string_equal(t->corrected_result, "pass");
    assert_true(t->corrected_margin_pct > -1e-9);
    assert_near(f->a.adp_nhce_avg, 0.045);
    assert_near(f->a.adp_refund[1], 0);

    f->cfg.qnec_method = PW_QNEC_UNIFORM;
    adp_rows(f, 16000, 2025);
    assert_int_equal(pw_cy_run(&f->par, &f->a, NULL, f->t), 0);
    t = T(f, PW_CY_ADP);
    assert_string_equal(t->correction, "qnec_uniform");
    assert_near(t->correction_cost, 900);
    assert_int_equal(t->correction_count, 3);
    assert_near(f->a.adp_qnec[2], 150);
    assert_near(f->a.adp_qnec[3], 250);
    assert_near(f->a.adp_qnec[4], 500);
    assert_string_equal(t->corrected_result, "pass");

    /* No correction: the failure stands, nothing is moved. */
    f->cfg.adp.correction = PW_CORRECT_NONE;
    adp_rows(f, 16000, 2025);
    assert_int_equal(pw_cy_run(&f->par, &f->a, NULL, f->t), 0);
    assert_string_equal(T(f, PW_CY_ADP)->correction, "none");
    assert_string_equal(T(f, PW_CY_ADP)->corrected_result, "");
    assert_near(f->a.adp_qnec[2] + f->a.adp_refund[1], 0);
}

/* A targeted QNEC counts at most 5% of pay per NHCE. Two NHCEs at 0% and 1% (average
 * 0.5%) and an HCE at 9%: passing needs an NHCE average of min(7.2%, max(4.5%, 7%)) =
 * 7%, i.e. 13 more points over two NHCEs, more than 2 x 5%: the uniform QNEC of 6.5%
 * is used instead, $3,250 + $3,250 on $50,000 each. */
static void test_adp_targeted_cap_falls_back_to_uniform(void **state)
{
    struct fixture *f = *state;
    f->cfg.adp.correction = PW_CORRECT_QNEC;
    const struct emp e[] = {
        {"H", 200000, 18000, .plan = ELIG, .hce = true, .census = 200000},
        {"N1", 50000, 0, .plan = ELIG, .census = 50000},
        {"N2", 50000, 500, .plan = ELIG, .census = 50000},
    };
    fill(&f->a, 2025, e, 3);
    assert_int_equal(pw_cy_run(&f->par, &f->a, NULL, f->t), 0);
    const struct pw_cy_test *t = T(f, PW_CY_ADP);
    assert_string_equal(t->result, "fail");
    assert_true(isnan(t->alt_qnec_targeted_cost));
    assert_string_equal(t->correction, "qnec_uniform");
    assert_near(t->correction_cost, 6500);
    assert_near(t->alt_qnec_uniform_rate, 0.065);
    assert_non_null(strstr(t->note, "cannot reach the limit"));
    assert_string_equal(t->corrected_result, "pass");
}

/* NHCEs at 8% and 12% (average 10%): the limit is 12.5% by the basic test. An HCE at
 * 12.5% passes, at 12.6% fails by 0.1 point. */
static void test_adp_basic_limit(void **state)
{
    struct fixture *f = *state;
    for (int k = 0; k < 2; k++) {
        const struct emp e[] = {
            {"H", 100000, k ? 12600 : 12500, .plan = ELIG, .hce = true, .census = 200000},
            {"N1", 50000, 4000, .plan = ELIG, .census = 50000},
            {"N2", 50000, 6000, .plan = ELIG, .census = 50000},
        };
        fill(&f->a, 2025, e, 3);
        assert_int_equal(pw_cy_run(&f->par, &f->a, NULL, f->t), 0);
        const struct pw_cy_test *t = T(f, PW_CY_ADP);
        assert_near(t->limit_pct, 0.125);
        assert_string_equal(t->result, k ? "fail" : "pass");
        assert_near(t->margin_pct, k ? -0.001 : 0);
        assert_non_null(strstr(t->note, "basic (1.25x)"));
        assert_near(t->ratio_pct, k ? 1.26 : 1.25);
    }
}

/* Catch-up deferrals are left out of the ratio: $30,000 deferred on $200,000 with
 * $7,500 of catch-up counts $22,500, 11.25%. */
static void test_adp_catch_up_excluded(void **state)
{
    struct fixture *f = *state;
    const struct emp e[] = {{"H", 200000, 30000, .plan = ELIG, .hce = true, .census = 200000},
                            {"N", 50000, 5000, .plan = ELIG, .census = 50000}};
    fill(&f->a, 2025, e, 2);
    f->a.catch_up[0] = 7500;
    assert_int_equal(pw_cy_run(&f->par, &f->a, NULL, f->t), 0);
    assert_near(f->a.adp_ratio[0], 0.1125);
}

/* Prior-year testing. First year: the NHCE average is the deemed 3%, so the limit is
 * max(3.75%, min(6%, 5%)) = 5% and the passing rows above (HCE 6%) fail; a QNEC would
 * have to go to last year's NHCEs, of which there are none. Second year: the limit
 * comes from the first year's NHCE average, 4%: 6%, and the same rows pass. */
static void test_adp_prior_year(void **state)
{
    struct fixture *f = *state;
    f->cfg.adp.testing_method = PW_CT_PRIOR_YEAR;
    f->cfg.adp.correction = PW_CORRECT_QNEC;
    adp_rows(f, 14000, 2025);
    assert_int_equal(pw_cy_run(&f->par, &f->a, NULL, f->t), 0);
    const struct pw_cy_test *t = T(f, PW_CY_ADP);
    assert_string_equal(t->method, "prior_year");
    assert_near(t->nhce_pct, 0.03);
    assert_near(t->limit_pct, 0.05);
    assert_near(t->margin_pct, -0.01);
    assert_string_equal(t->result, "fail");
    assert_string_equal(t->correction, "none");
    assert_non_null(strstr(t->note, "no prior-year NHCEs"));
    assert_non_null(strstr(t->note, "deemed 3.00%"));
    assert_near(f->a.adp_nhce_avg, 0.04);   /* this year's own NHCE average, for next year */

    /* A configured first-year average of 4% instead gives the 6% limit. */
    f->cfg.adp.first_year_nhce = 0.04;
    adp_rows(f, 14000, 2025);
    assert_int_equal(pw_cy_run(&f->par, &f->a, NULL, f->t), 0);
    assert_string_equal(T(f, PW_CY_ADP)->result, "pass");
    f->cfg.adp.first_year_nhce = NAN;

    /* Second year against the first year's 4%: limit 6%. */
    adp_rows(f, 14000, 2025);
    assert_int_equal(pw_cy_run(&f->par, &f->a, NULL, f->t), 0);
    const struct emp e2[] = {
        {"H1", 200000, 10000, .plan = ELIG, .hce = true}, {"H2", 200000, 16000, .plan = ELIG, .hce = true},
        {"N1", 30000, 0, .plan = ELIG}, {"N2", 50000, 0, .plan = ELIG}, {"N3", 100000, 0, .plan = ELIG},
    };
    fill(&f->b, 2026, e2, 5);
    f->par.hce_threshold_prev = 160000;
    assert_int_equal(pw_cy_run(&f->par, &f->b, &f->a, f->t), 0);
    t = T(f, PW_CY_ADP);
    assert_near(t->nhce_pct, 0.04);
    assert_near(t->limit_pct, 0.06);
    /* HCEs 5% and 8%: 6.5% fails although this year's NHCEs defer nothing; the QNEC
     * goes to last year's NHCEs: 0.5 point more on their 4% average, the lowest-paid
     * first: 1.5% x $30,000 = $450 to N1 of 2025. */
    assert_string_equal(t->result, "fail");
    assert_string_equal(t->correction, "qnec_targeted");
    assert_near(t->correction_cost, 450);
    assert_near(f->a.adp_qnec[2], 450);      /* 2025's N1 row */
    assert_near(f->b.adp_qnec[2], 0);
    assert_string_equal(t->corrected_result, "pass");
}

/* An NHCE under 21 is left out of the ADP only with exclude_otherwise_excludable. */
static void test_adp_otherwise_excludable(void **state)
{
    struct fixture *f = *state;
    const struct emp e[] = {
        {"H", 200000, 10000, .plan = ELIG, .hce = true, .census = 200000},
        {"N1", 50000, 2500, .plan = ELIG, .census = 50000},
        {"Y", 20000, 0, .plan = ELIG, .census = 20000, .age = 19},
    };
    fill(&f->a, 2025, e, 3);
    assert_int_equal(pw_cy_run(&f->par, &f->a, NULL, f->t), 0);
    assert_near(T(f, PW_CY_ADP)->nhce_pct, 0.025);   /* (5% + 0%) / 2 */
    f->cfg.exclude_otherwise_excludable = true;
    fill(&f->a, 2025, e, 3);
    assert_int_equal(pw_cy_run(&f->par, &f->a, NULL, f->t), 0);
    assert_near(T(f, PW_CY_ADP)->nhce_pct, 0.05);
    assert_string_equal(T(f, PW_CY_ADP)->excluded_reasons, "otherwise excludable 1");
    assert_int_equal(f->a.adp_status[2], PW_CY_NOT_OTHERWISE_EXCLUDABLE);
}

/* ---- ACP ---- */

/* Match ratios: NHCEs 2% and 3% (average 2.5%, limit min(5%, 4.5%) = 4.5% by the
 * alternative test), HCE 4%: passes by 0.5 point; a leaver without the match is not
 * in the test (not match-eligible). With the HCE at 5% it fails and the refund is
 * 0.5% x $100,000 = $500 of match. */
static void test_acp(void **state)
{
    struct fixture *f = *state;
    for (int k = 0; k < 2; k++) {
        const struct emp e[] = {
            {"H", 100000, 6000, k ? 5000 : 4000, .plan = ELIG, .hce = true, .census = 200000},
            {"N1", 50000, 1000, 1000, .plan = ELIG, .census = 50000},
            {"N2", 50000, 1500, 1500, .plan = ELIG, .census = 50000},
            {"L", 50000, 1000, 0, .plan = ELIG, .census = 50000, .left = true},
        };
        fill(&f->a, 2025, e, 4);
        assert_int_equal(pw_cy_run(&f->par, &f->a, NULL, f->t), 0);
        const struct pw_cy_test *t = T(f, PW_CY_ACP);
        assert_near(t->nhce_pct, 0.025);
        assert_near(t->limit_pct, 0.045);
        assert_int_equal(t->excluded_count, 1);
        assert_string_equal(t->excluded_reasons, "no match: inactive on Dec 31 1");
        assert_string_equal(t->result, k ? "fail" : "pass");
        if (k) {
            assert_near(t->correction_amount, 500);
            assert_near(f->a.acp_refund[0], 500);
            assert_string_equal(t->corrected_result, "pass");
        }
    }
}

/* ---- safe harbors ---- */

static void test_safe_harbor_designs(void **state)
{
    (void)state;
    struct pw_config *c = malloc(sizeof *c);
    pw_config_init_defaults(c);
    struct pw_plan_config *p = &c->plan;
    struct pw_ct_design d;

    /* The default tiered_match with a 1% core: no safe harbor. */
    pw_ct_design_from_plan(p, &d);
    assert_int_equal(d.adp_safe_harbor, PW_DSH_NONE);
    assert_false(d.acp_safe_harbor);
    assert_true(d.core_uniform);
    assert_false(d.top_heavy_exempt);

    /* The built-in safe_harbor_basic with the default eligibility (1,000 hours and
     * Dec 31 employment) is not a valid safe harbor: tested, with the reason. */
    snprintf(p->active_formula, sizeof p->active_formula, "safe_harbor_basic");
    pw_ct_design_from_plan(p, &d);
    assert_int_equal(d.adp_safe_harbor, PW_DSH_NONE);
    assert_non_null(strstr(d.adp_note, "requires employment on Dec 31"));

    /* Without allocation conditions (config/examples/safe_harbor_basic.yaml) and
     * without a core: ADP and ACP safe harbor, and no top-heavy rules. */
    p->match_eligibility.require_active_at_year_end = false;
    p->match_eligibility.minimum_hours_annual = 0;
    p->core_enabled = false;
    pw_ct_design_from_plan(p, &d);
    assert_int_equal(d.adp_safe_harbor, PW_DSH_MATCH);
    assert_true(d.acp_safe_harbor);
    assert_true(d.top_heavy_exempt);

    /* With a 1% core beside it: still ADP/ACP safe harbor, but top-heavy applies. */
    p->core_enabled = true;
    pw_ct_design_from_plan(p, &d);
    assert_int_equal(d.adp_safe_harbor, PW_DSH_MATCH);
    assert_false(d.top_heavy_exempt);

    /* QACA: 100% of 1% + 50% of the next 5%, 2-year cliff allowed. */
    snprintf(p->active_formula, sizeof p->active_formula, "qaca");
    p->core_enabled = false;
    pw_ct_design_from_plan(p, &d);
    assert_int_equal(d.adp_safe_harbor, PW_DSH_QACA_MATCH);
    assert_true(d.acp_safe_harbor);

    /* A formula typed safe_harbor that matches only 50% of 6% (3% at a 6% deferral,
     * 1.5% at 3%) is below the basic minimum (3% at a 3% deferral): tested. */
    struct pw_match_formula *sf = &p->formulas[0];
    assert_string_equal(sf->name, "simple_match");
    sf->safe_harbor = PW_SH_BASIC;
    snprintf(sf->vesting_schedule, sizeof sf->vesting_schedule, "immediate");
    snprintf(p->active_formula, sizeof p->active_formula, "simple_match");
    pw_ct_design_from_plan(p, &d);
    assert_int_equal(d.adp_safe_harbor, PW_DSH_NONE);
    assert_non_null(strstr(d.adp_note, "below the safe-harbor minimum"));

    /* A safe-harbor type matching 100% up to 8% passes the ADP safe harbor but not the
     * ACP one (match on deferrals above 6% of pay). */
    sf->match_rate = 1.0;
    sf->max_match_percentage = 0.08;
    pw_ct_design_from_plan(p, &d);
    assert_int_equal(d.adp_safe_harbor, PW_DSH_MATCH);
    assert_false(d.acp_safe_harbor);
    assert_non_null(strstr(d.acp_note, "above 6%"));

    /* A 3% flat core without conditions and vesting at once: non-elective safe harbor;
     * the tiered_match beside it meets the ACP limits. */
    snprintf(p->active_formula, sizeof p->active_formula, "tiered_match");
    p->core_enabled = true;
    p->core_rate = 0.03;
    p->core_eligibility.require_active_at_year_end = false;
    p->core_eligibility.minimum_hours_annual = 0;
    snprintf(p->core_schedule, sizeof p->core_schedule, "immediate");
    pw_ct_design_from_plan(p, &d);
    assert_int_equal(d.adp_safe_harbor, PW_DSH_NONELECTIVE);
    assert_true(d.acp_safe_harbor);
    assert_true(d.top_heavy_exempt);
    free(c);
}

/* An exempt design still reports its figures, with the result `exempt` and no
 * correction, even where the rows would fail. */
static void test_adp_exempt_reports_figures(void **state)
{
    struct fixture *f = *state;
    f->design.adp_safe_harbor = PW_DSH_MATCH;
    f->design.acp_safe_harbor = true;
    adp_rows(f, 16000, 2025);
    assert_int_equal(pw_cy_run(&f->par, &f->a, NULL, f->t), 0);
    assert_string_equal(T(f, PW_CY_ADP)->result, "exempt");
    assert_string_equal(T(f, PW_CY_ADP)->method, "safe_harbor_match");
    assert_near(T(f, PW_CY_ADP)->hce_pct, 0.065);
    assert_string_equal(T(f, PW_CY_ADP)->correction, "");
    assert_near(f->a.adp_refund[1], 0);
    assert_string_equal(T(f, PW_CY_ACP)->result, "exempt");
}

/* ---- 410(b) ---- */

/* 2 HCEs, both eligible; 8 NHCEs of which 5 are eligible: 62.5% / 100% = 62.5%, below
 * 70%: fails, and the average benefit test is reported as not computed. One of the
 * three ineligible NHCEs is 19: with the statutory exclusions (the default) she is
 * left out and 5 / 7 = 71.4% passes. */
static void test_coverage_ratio(void **state)
{
    struct fixture *f = *state;
    const struct emp e[] = {
        {"H1", 200000, .plan = ELIG, .hce = true, .census = 200000},
        {"H2", 200000, .plan = ELIG, .hce = true, .census = 200000},
        {"N1", 50000, .plan = ELIG, .census = 1}, {"N2", 50000, .plan = ELIG, .census = 1},
        {"N3", 50000, .plan = ELIG, .census = 1}, {"N4", 50000, .plan = ELIG, .census = 1},
        {"N5", 50000, .plan = ELIG, .census = 1}, {"N6", 50000, .plan = PW_CY_EXCLUDED, .census = 1},
        {"N7", 50000, .plan = PW_CY_EXCLUDED, .census = 1},
        {"N8", 20000, .plan = PW_CY_EXCLUDED, .census = 1, .age = 19},
    };
    f->cfg.exclude_statutory = false;
    fill(&f->a, 2025, e, 10);
    assert_int_equal(pw_cy_run(&f->par, &f->a, NULL, f->t), 0);
    const struct pw_cy_test *t = T(f, PW_CY_COV_401K);
    assert_string_equal(t->result, "fail");
    assert_near(t->nhce_pct, 0.625);
    assert_near(t->hce_pct, 1.0);
    assert_near(t->ratio_pct, 0.625);
    assert_near(t->margin_pct, 0.625 - 0.70);
    assert_non_null(strstr(t->note, "average benefit percentage test: not computed"));

    f->cfg.exclude_statutory = true;
    fill(&f->a, 2025, e, 10);
    assert_int_equal(pw_cy_run(&f->par, &f->a, NULL, f->t), 0);
    t = T(f, PW_CY_COV_401K);
    assert_string_equal(t->result, "pass");
    assert_near(t->ratio_pct, 5.0 / 7.0);
    assert_int_equal(t->excluded_count, 1);
    assert_string_equal(t->excluded_reasons, "under 21 1");
    assert_int_equal(f->a.coverage_excluded[9], PW_CY_UNDER_21);
    /* No match and no core in these rows: those components benefit nobody. */
    assert_string_equal(T(f, PW_CY_COV_NONELECTIVE)->result, "pass");   /* no HCE benefits */
}

/* ---- 401(a)(4) ---- */

/* A graded core: HCE rates 5% and 3%; NHCE rates 5%, 3%, 3%, 1%. Rate group 5%:
 * HCEs 1 of 2 (50%), NHCEs 1 of 4 (25%): ratio 50%, fails. Rate group 3%: HCEs 2 of 2,
 * NHCEs 3 of 4 (75%): ratio 75%, passes. The test fails on one group of two. */
static void test_general_test_rate_group_failure(void **state)
{
    struct fixture *f = *state;
    f->design.core_uniform = false;
    const struct emp e[] = {
        {"H1", 200000, .core = 10000, .plan = ELIG, .hce = true, .census = 200000},
        {"H2", 200000, .core = 6000, .plan = ELIG, .hce = true, .census = 200000},
        {"N1", 50000, .core = 2500, .plan = ELIG, .census = 1},
        {"N2", 50000, .core = 1500, .plan = ELIG, .census = 1},
        {"N3", 40000, .core = 1200, .plan = ELIG, .census = 1},
        {"N4", 50000, .core = 500, .plan = ELIG, .census = 1},
    };
    fill(&f->a, 2025, e, 6);
    assert_int_equal(pw_cy_run(&f->par, &f->a, NULL, f->t), 0);
    const struct pw_cy_test *t = T(f, PW_CY_GENERAL);
    assert_string_equal(t->method, "rate_groups");
    assert_string_equal(t->result, "fail");
    assert_near(t->ratio_pct, 0.5);
    assert_near(t->margin_pct, -0.2);
    assert_non_null(strstr(t->note, "2 rate groups, 1 failing"));
    assert_non_null(strstr(t->note, "rate 5.00%: 1 HCEs and 1 NHCEs, ratio 50.00%"));
    assert_near(f->a.rate_group_ratio[0], 0.5);
    assert_near(f->a.rate_group_ratio[1], 0.75);
    assert_true(isnan(f->a.rate_group_ratio[2]));
    assert_near(f->a.core_rate[4], 0.03);
    assert_near(t->hce_pct, 0.04);               /* (5% + 3%) / 2 */
    assert_near(t->nhce_pct, 0.03);              /* (5 + 3 + 3 + 1) / 4 */

    /* A uniform core is a design-based safe harbor. */
    f->design.core_uniform = true;
    fill(&f->a, 2025, e, 6);
    assert_int_equal(pw_cy_run(&f->par, &f->a, NULL, f->t), 0);
    assert_string_equal(T(f, PW_CY_GENERAL)->result, "exempt");
}

/* ---- 416 ---- */

/* 2025 (first year): no balances on Dec 31, 2024: not computed. Balances on Dec 31,
 * 2025 = employer balance + deferrals: officer A (paid $250,000 > $230,000) 30,000 +
 * 20,000; 5% owner B 10,000 + 10,000; C 15,000; D 10,000; E 5,000: key 70,000 of
 * 100,000 = 70% > 60%, so 2026 is top-heavy. In 2026 the key rates are A 5,200 /
 * 260,000 = 2% and B 2,500 / 100,000 = 2.5%: the minimum is 2.5%. C ($40,000, $500 of
 * employer money) is owed 1,000 - 500 = $500; D ($60,000 with $2,000) nothing; E left
 * and F is not in the plan: nothing. Cost $500. */
static void th_years(struct fixture *f, double a_pay)
{
    const struct emp y1[] = {
        {"A", a_pay, 20000, .plan = ELIG, .hce = true, .census = 240000, .ebal = 30000, .officer = true},
        {"B", 100000, 10000, .plan = ELIG, .hce = true, .census = 100000, .ebal = 10000, .owner5 = true},
        {"C", 40000, 5000, .plan = ELIG, .census = 40000, .ebal = 10000},
        {"D", 60000, 5000, .plan = ELIG, .census = 60000, .ebal = 5000},
        {"E", 30000, 5000, .plan = ELIG, .census = 30000, .ebal = 0},
    };
    fill(&f->a, 2025, y1, 5);
    assert_int_equal(pw_cy_run(&f->par, &f->a, NULL, f->t), 0);
    assert_string_equal(T(f, PW_CY_TOP_HEAVY)->result, "not_computed");
    const struct emp y2[] = {
        {"A", 260000, 5200, .plan = ELIG, .hce = true, .officer = true},
        {"B", 100000, 2500, .plan = ELIG, .hce = true, .owner5 = true},
        {"C", 40000, 0, 300, 200, .plan = ELIG},
        {"D", 60000, 0, 1500, 500, .plan = ELIG},
        {"E", 30000, 0, .plan = ELIG, .left = true},
        {"F", 35000, 0, .plan = PEND},
    };
    fill(&f->b, 2026, y2, 6);
    f->par.officer_pay = 235000;
    assert_int_equal(pw_cy_run(&f->par, &f->b, &f->a, f->t), 0);
}

static void test_top_heavy_minimum(void **state)
{
    struct fixture *f = *state;
    th_years(f, 250000);
    assert_near(f->a.plan_balance[0], 50000);
    assert_near(f->a.total_balance, 100000);
    assert_near(f->a.key_balance, 70000);
    assert_int_equal(f->a.key_basis[0], PW_KEY_OFFICER);
    assert_int_equal(f->a.key_basis[1], PW_KEY_OWNER5);
    const struct pw_cy_test *t = T(f, PW_CY_TOP_HEAVY);
    assert_string_equal(t->result, "top_heavy");
    assert_near(t->ratio_pct, 0.70);
    assert_near(t->margin_pct, -0.10);
    assert_string_equal(t->correction, "top_heavy_minimum");
    assert_near(t->correction_cost, 500);
    assert_int_equal(t->correction_count, 1);
    assert_near(f->b.th_minimum[2], 500);
    assert_near(f->b.th_minimum[3] + f->b.th_minimum[4] + f->b.th_minimum[5], 0);
    assert_non_null(strstr(t->note, "minimum 2.50%"));
    /* Without carry_forward the minimum is not in the balances. */
    assert_near(f->b.cum_adjust[2], 0);
}

/* Officer A paid $200,000 in 2025, under the $230,000 amount: not a key employee; the
 * key balance is B's 20,000 of 100,000, 20%: not top-heavy, nothing owed. */
static void test_not_top_heavy(void **state)
{
    struct fixture *f = *state;
    th_years(f, 200000);
    assert_int_equal(f->a.key_basis[0], 0);
    const struct pw_cy_test *t = T(f, PW_CY_TOP_HEAVY);
    assert_string_equal(t->result, "not_top_heavy");
    assert_near(t->ratio_pct, 0.20);
    assert_string_equal(t->correction, "");
    assert_near(f->b.th_minimum[2], 0);
}

/* With carry_forward the 2026 minimum is part of C's balance on Dec 31, 2026:
 * employer balance 0 + deferrals 5,000 + 0 + the $500. */
static void test_carry_forward(void **state)
{
    struct fixture *f = *state;
    f->cfg.carry_forward = true;
    th_years(f, 250000);
    assert_near(f->b.cum_adjust[2], 500);
    assert_near(f->b.plan_balance[2], 5000 + 500);
}

/* ---- groups ---- */

static void test_key_employee_officer_limit(void **state)
{
    (void)state;
    /* 12 counted employees: at most max(3, 10% of 12 = 1.2 -> 2) = 3 officers count,
     * the best paid first: of five officers over the amount, the $300,000 ones (two,
     * tie broken by row) and the $280,000 one are key, the $260,000 and $250,000 not. */
    double comp[12] = {300000, 250000, 300000, 280000, 260000, 50000, 50000, 50000, 50000, 50000, 50000, 50000};
    bool officer[12] = {true, true, true, true, true};
    bool none[12] = {false};
    bool counted[12];
    for (int i = 0; i < 12; i++) counted[i] = true;
    uint8_t basis[12];
    pw_key_employees(comp, officer, none, none, counted, 12, 230000, 150000, basis);
    assert_int_equal(basis[0] + basis[2] + basis[3], 3 * PW_KEY_OFFICER);
    assert_int_equal(basis[1] + basis[4], 0);
    /* A 1% owner is key only over $150,000. */
    bool owner1[12] = {false};
    owner1[5] = true;
    comp[5] = 150000;
    pw_key_employees(comp, none, none, owner1, counted, 12, 230000, 150000, basis);
    assert_int_equal(basis[5], 0);
    comp[5] = 150001;
    pw_key_employees(comp, none, none, owner1, counted, 12, 230000, 150000, basis);
    assert_int_equal(basis[5], PW_KEY_OWNER1);
}

static void test_top_paid_group_size(void **state)
{
    (void)state;
    /* 20% of 12 counted = 2.4 -> 2; of 13 = 2.6 -> 3. Uncounted employees still rank. */
    double comp[13] = {10, 90, 80, 70, 60, 50, 40, 30, 20, 15, 12, 11, 100};
    bool counted[13], member[13];
    for (int i = 0; i < 13; i++) counted[i] = i < 12;
    assert_int_equal(pw_top_paid_group(comp, counted, 13, member), 2);
    assert_true(member[12] && member[1]);
    assert_false(member[2]);
    counted[12] = true;
    assert_int_equal(pw_top_paid_group(comp, counted, 13, member), 3);
    assert_true(member[2]);
}

/* ---- limit reports ---- */

static void test_limit_reports(void **state)
{
    struct fixture *f = *state;
    const struct emp e[] = {{"H", 400000, 23500, .plan = ELIG, .hce = true, .census = 400000},
                            {"N", 60000, 23500, .plan = ELIG, .census = 60000},
                            {"M", 5000, 3000, 900, .plan = ELIG, .census = 5000}};
    fill(&f->a, 2025, e, 3);
    f->a.limited_402g[0] = f->a.limited_402g[1] = 1;
    f->a.limited_415c[2] = 1;
    f->a.match_415c_cut[2] = 125.5;
    assert_int_equal(pw_cy_run(&f->par, &f->a, NULL, f->t), 0);
    assert_int_equal(T(f, PW_CY_LIMIT_402G)->affected_count, 2);
    assert_int_equal(T(f, PW_CY_LIMIT_402G)->hce_count, 1);
    assert_near(T(f, PW_CY_LIMIT_402G)->affected_amount, 47000);
    assert_int_equal(T(f, PW_CY_LIMIT_415C)->affected_count, 1);
    assert_near(T(f, PW_CY_LIMIT_415C)->affected_amount, 125.5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_hce_look_back_and_top_paid_group, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hce_first_year_follows_the_snapshot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hce_from_prior_year_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_adp_alternative_limit_pass_fail_and_refund, setup, teardown),
        cmocka_unit_test_setup_teardown(test_adp_qnec_corrections, setup, teardown),
        cmocka_unit_test_setup_teardown(test_adp_targeted_cap_falls_back_to_uniform, setup, teardown),
        cmocka_unit_test_setup_teardown(test_adp_basic_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_adp_catch_up_excluded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_adp_prior_year, setup, teardown),
        cmocka_unit_test_setup_teardown(test_adp_otherwise_excludable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_acp, setup, teardown),
        cmocka_unit_test(test_safe_harbor_designs),
        cmocka_unit_test_setup_teardown(test_adp_exempt_reports_figures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_coverage_ratio, setup, teardown),
        cmocka_unit_test_setup_teardown(test_general_test_rate_group_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_top_heavy_minimum, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_top_heavy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_carry_forward, setup, teardown),
        cmocka_unit_test(test_key_employee_officer_limit),
        cmocka_unit_test(test_top_paid_group_size),
        cmocka_unit_test_setup_teardown(test_limit_reports, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
