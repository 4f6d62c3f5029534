/* test_plan_money.c: the money rules of MODEL 4.13-4.18 (sim/plan_money.c)
 * against numbers worked out by hand, and the per-row driver
 * (sim/plan_money_step.c) on a three-row year.
 *
 * Plan settings are built here field by field (not from the config defaults,
 * which belong to the loader), with the MODEL 4.14 built-in formulas plus one
 * formula of every other type. IRS limits are the 2025 row of the built-in
 * table (checked against the loaded table once). Each expected number carries
 * its arithmetic in a comment. 2025 has D_Y = 365. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/date.h"
#include "core/num.h"
#include "core/pool.h"
#include "core/strpool.h"
#include "model/plan_year.h"
#include "model/year.h"
#include "sim/plan_money.h"
#include "sim/sim.h"
#include "support/assert_money.h"

static struct pw_tables tables;
static struct pw_plan_config plan;

static const struct pw_irs_year irs2025 = {
    .year = 2025, .deferral_limit = 23500, .catch_up_total_limit = 31000, .super_catch_up_total_limit = 34750,
    .compensation_limit = 350000, .hce_threshold = 160000, .annual_additions_limit = 70000,
    .ss_wage_base = 176100, .catch_up_age = 50, .super_catch_up_min_age = 60, .super_catch_up_max_age = 63};

static pw_date D(int m, int d) { return pw_date_from_ymd(2025, m, d); }

static struct pw_match_formula *add_formula(const char *name, int type)
{
    struct pw_match_formula *f = &plan.formulas[plan.formula_count++];
    memset(f, 0, sizeof *f);
    snprintf(f->name, sizeof f->name, "%s", name);
    f->type = type;
    f->max_match_percentage = 1.0;
    return f;
}

static void add_tier(struct pw_match_tier *t, int *n, double lo, double hi, double rate)
{
    t[*n].employee_min = lo, t[*n].employee_max = hi, t[*n].match_rate = rate;
    (*n)++;
}

static struct pw_match_row *add_row(struct pw_match_formula *f, double lo, double hi, double rate, double maxdef)
{
    struct pw_match_row *r = &f->rows[f->row_count++];
    r->min = lo, r->max = hi, r->match_rate = rate, r->max_deferral = maxdef;
    return r;
}

static void tiered(const char *name, double cap, const char *vesting)
{
    struct pw_match_formula *f = add_formula(name, PW_FORMULA_TIERED);
    f->has_cap = cap > 0;
    f->max_match_percentage = cap > 0 ? cap : 1.0;
    snprintf(f->vesting_schedule, sizeof f->vesting_schedule, "%s", vesting);
}

/* MODEL 2.2 defaults for the money keys, the built-in formulas of 4.14 and
 * test formulas "graded", "tenure", "points", "capped". */
static int setup_plan(void **state)
{
    (void)state;
    memset(&plan, 0, sizeof plan);
    plan.roth_share = 0.15;
    plan.match_enabled = true;
    snprintf(plan.active_formula, sizeof plan.active_formula, "tiered_match");
    struct pw_employer_eligibility e = {.apply_eligibility = true, .minimum_tenure_years = 0,
                                        .minimum_hours_annual = 1000, .require_active_at_year_end = true,
                                        .allow_new_hires = true};
    plan.match_eligibility = e;
    plan.core_eligibility = e;
    plan.core_eligibility.apply_eligibility = false;  /* ignored by the core: always the full form */
    plan.core_enabled = true;
    plan.core_status = PW_CORE_FLAT;
    plan.core_rate = 0.01;
    plan.integration_level_value = NAN;
    plan.vesting_enabled = true;
    snprintf(plan.match_schedule, sizeof plan.match_schedule, "graded_6");
    snprintf(plan.core_schedule, sizeof plan.core_schedule, "graded_6");
    plan.hours_credit_threshold = 1000;

    struct pw_match_formula *f = add_formula("simple_match", PW_FORMULA_SIMPLE);
    f->match_rate = 0.5, f->max_match_percentage = 0.06, f->has_cap = true;
    const char *names[] = {"tiered_match", "enhanced_tiered", "safe_harbor_basic"};
    const char *vest[] = {"", "", "immediate"};
    for (int i = 0; i < 3; i++) {
        tiered(names[i], 0.04, vest[i]);
        f = &plan.formulas[plan.formula_count - 1];
        add_tier(f->tiers, &f->tier_count, 0.00, 0.03, 1.0);
        add_tier(f->tiers, &f->tier_count, 0.03, 0.05, 0.5);
    }
    tiered("stretch_match", 0.03, "");
    f = &plan.formulas[plan.formula_count - 1];
    add_tier(f->tiers, &f->tier_count, 0.00, 0.12, 0.25);
    tiered("qaca", 0.035, "cliff_2");
    f = &plan.formulas[plan.formula_count - 1];
    add_tier(f->tiers, &f->tier_count, 0.00, 0.01, 1.0);
    add_tier(f->tiers, &f->tier_count, 0.01, 0.06, 0.5);
    /* 100% on 0-6% capped at 4% of pay; a zero-rate tier above that must not move the ceiling */
    tiered("capped", 0.04, "");
    f = &plan.formulas[plan.formula_count - 1];
    add_tier(f->tiers, &f->tier_count, 0.00, 0.06, 1.0);
    add_tier(f->tiers, &f->tier_count, 0.06, 0.10, 0.0);
    /* graded_by_service: [0,2) 50% up to 4%; [2,5) 75% up to 5%; [5,inf) 100% up to 6% */
    f = add_formula("graded", PW_FORMULA_GRADED_BY_SERVICE);
    add_row(f, 0, 2, 0.50, 0.04);
    add_row(f, 2, 5, 0.75, 0.05);
    add_row(f, 5, -1, 1.00, 0.06);
    /* tenure_graded: YOS [1,3): 100% on 0-3%; [3,inf): 100% on 0-4% + 50% on 4-6%; YOS 0: no band */
    f = add_formula("tenure", PW_FORMULA_TENURE_GRADED);
    struct pw_match_row *b = add_row(f, 1, 3, 0, 0);
    add_tier(b->tiers, &b->tier_count, 0.00, 0.03, 1.0);
    b = add_row(f, 3, -1, 0, 0);
    add_tier(b->tiers, &b->tier_count, 0.00, 0.04, 1.0);
    add_tier(b->tiers, &b->tier_count, 0.04, 0.06, 0.5);
    /* points_based (age + YOS): [0,40) 25% up to 4%; [40,60) 50% up to 5%; [60,inf) 100% up to 6% */
    f = add_formula("points", PW_FORMULA_POINTS_BASED);
    add_row(f, 0, 40, 0.25, 0.04);
    add_row(f, 40, 60, 0.50, 0.05);
    add_row(f, 60, -1, 1.00, 0.06);
    return 0;
}

static const struct pw_match_formula *formula(const char *name)
{
    const struct pw_match_formula *f = pw_match_find_formula(&plan, name);
    assert_non_null(f);
    return f;
}

/* An active, full-year, full-time employee with the given YOS and age. */
static struct pw_emp_facts active(int yos, int age)
{
    struct pw_emp_facts f = {.term_kind = PW_TERM_NONE, .hired_in_year = false, .hours = 2080, .yos = yos, .age = age};
    return f;
}

/* ---- 4.13 contributions ---- */

static void test_deferral_limit_by_age(void **state)
{
    (void)state;
    const int ages[] = {21, 49, 50, 59, 60, 63, 64, 80};
    const double want[] = {23500, 23500, 31000, 31000, 34750, 34750, 31000, 31000};
    const int type[] = {0, 0, 1, 1, 2, 2, 1, 1};
    for (int i = 0; i < 8; i++) {
        int t = -1;
        assert_money(pw_deferral_limit(&irs2025, ages[i], &t), want[i]);
        assert_int_equal(t, type[i]);
    }
    assert_string_equal(pw_limit_type_names[PW_LIMIT_SUPER_CATCH_UP], "SUPER_CATCH_UP");
    /* the hand-written limits are the built-in 2025 row */
    const struct pw_irs_year *t = pw_tables_irs(&tables, 2025);
    assert_money(t->deferral_limit, irs2025.deferral_limit);
    assert_money(t->super_catch_up_total_limit, irs2025.super_catch_up_total_limit);
    assert_money(t->compensation_limit, irs2025.compensation_limit);
    assert_money(t->ss_wage_base, irs2025.ss_wage_base);
}

static struct pw_contrib_in contrib_in(pw_date a, pw_date b, double salary, double rate, double B, int age)
{
    struct pw_contrib_in in = {.a = a, .b = b, .days_in_year = 365, .prorated_comp = B,
                               .comp_limit = irs2025.compensation_limit, .roth_share = 0.15};
    in.salary.v0 = salary;
    in.rate.v0 = rate;
    in.limit = pw_deferral_limit(&irs2025, age, &in.limit_type);
    return in;
}

static void test_timeline_order(void **state)
{
    (void)state;
    /* salaries in units of 365 (1 dollar a day) */
    struct pw_timeline t = {.v0 = 365};
    assert_int_equal(pw_timeline_add(&t, D(7, 15), 3 * 365), 0);
    assert_int_equal(pw_timeline_add(&t, D(2, 1), 2 * 365), 0);
    assert_int_equal(pw_timeline_add(&t, D(7, 15), 4 * 365), 0);   /* same day: after the earlier entry */
    assert_int_equal(pw_timeline_add(&t, D(9, 1), 5 * 365), 0);
    assert_int_equal(pw_timeline_add(&t, D(10, 1), 6 * 365), -1);  /* full */
    assert_int_equal(t.n, 4);
    assert_int_equal(t.date[0], D(2, 1));
    assert_money(t.v[1], 3 * 365);
    assert_money(t.v[2], 4 * 365);
    /* 1/day on Jan1-Jan31 (31 d), 2/day on Feb1-Jul14 (164 d), 4/day from Jul 15 (the later
     * same-day entry wins) to Aug 31 (48 d), 5/day on Sep1-Dec31 (122 d); rate 1.0, L17 ample:
     * D_raw = 31 x 1 + 164 x 2 + 48 x 4 + 122 x 5 = 31 + 328 + 192 + 610 = 1,161 */
    struct pw_contrib_in in = contrib_in(D(1, 1), D(12, 31), 365, 1.0, 1161, 30);
    in.salary = t;
    struct pw_contrib c;
    pw_contributions(&in, &c);
    assert_money(c.d_raw, 1161);
}

static void test_contrib_full_year(void **state)
{
    (void)state;
    struct pw_contrib_in in = contrib_in(D(1, 1), D(12, 31), 100000, 0.06, 100000, 35);
    struct pw_contrib c;
    pw_contributions(&in, &c);
    assert_money(c.deferrals, 6000);       /* 100,000 x 0.06 */
    assert_money(c.roth, 900);             /* round2(6,000 x 0.15) */
    assert_money(c.pre_tax, 5100);         /* 6,000 - 900 */
    assert_money(c.b_cap, 100000);
    assert_money(c.eff_rate, 0.06);
    assert_money(c.limit, 23500);
    assert_int_equal(c.limit_type, PW_LIMIT_BASE);
    assert_false(c.limit_402g);
    assert_false(c.limit_401a17);
    /* not enrolled at any time: D = 0, d = 0, the base is still reported */
    in.rate.v0 = 0;
    pw_contributions(&in, &c);
    assert_money(c.deferrals, 0);
    assert_money(c.pre_tax + c.roth, 0);
    assert_money(c.eff_rate, 0);
    assert_money(c.b_cap, 100000);
}

static void test_contrib_part_year_hire(void **state)
{
    (void)state;
    /* hired Jul 1 at 73,000 (200/day): Jul 1 - Dec 31 = 184 days, B = 36,800.
     * Rate 0 until enrollment on Aug 15 (Jul 1 - Aug 14 = 45 days), 5% for 139 days:
     * D = 200 x 139 x 0.05 = 1,390; roth = round2(208.5) = 208.50; pre-tax 1,181.50;
     * d = round6(1,390 / 36,800 = 0.0377717) = 0.037772 */
    struct pw_contrib_in in = contrib_in(D(7, 1), D(12, 31), 73000, 0.0, 36800, 28);
    pw_timeline_add(&in.rate, D(8, 15), 0.05);
    struct pw_contrib c;
    pw_contributions(&in, &c);
    assert_money(c.deferrals, 1390);
    assert_money(c.roth, 208.50);
    assert_money(c.pre_tax, 1181.50);
    assert_money(c.b_cap, 36800);
    assert_money(c.eff_rate, 0.037772);
}

static void test_contrib_segments(void **state)
{
    (void)state;
    /* 73,000 (200/day) with a raise on Jul 15 to 76,650 (210/day); rate 4%, escalated
     * to 5% on Apr 1, opt-out (0) on Oct 1. Segments:
     *   Jan 1 - Mar 31   90 d x 200 = 18,000 x 0.04 =   720
     *   Apr 1 - Jul 14  105 d x 200 = 21,000 x 0.05 = 1,050
     *   Jul 15 - Sep 30  78 d x 210 = 16,380 x 0.05 =   819
     *   Oct 1 - Dec 31   92 d x 210 = 19,320 x 0    =     0
     * D = 2,589; B = 74,700; roth = round2(388.35); d = round6(0.03465863) */
    struct pw_contrib_in in = contrib_in(D(1, 1), D(12, 31), 73000, 0.04, 74700, 40);
    pw_timeline_add(&in.salary, D(7, 15), 76650);
    pw_timeline_add(&in.rate, D(4, 1), 0.05);
    pw_timeline_add(&in.rate, D(10, 1), 0.0);
    struct pw_contrib c;
    pw_contributions(&in, &c);
    assert_money(c.d_raw, 2589);
    assert_money(c.deferrals, 2589);
    assert_money(c.roth, 388.35);
    assert_money(c.pre_tax, 2200.65);
    assert_money(c.eff_rate, 0.034659);

    /* leaver on Mar 31: 90 d x 200 = 18,000 x 4% = 720; the Apr 1 change lies after b */
    in = contrib_in(D(1, 1), D(3, 31), 73000, 0.04, 18000, 40);
    pw_timeline_add(&in.rate, D(4, 1), 0.05);
    pw_contributions(&in, &c);
    assert_money(c.deferrals, 720);
    assert_money(c.eff_rate, 0.04);
    /* a change dated on or before a is the rate at a: 5% from Jan 1 -> 18,000 x 0.05 = 900 */
    in.rate.n = 0;
    pw_timeline_add(&in.rate, D(1, 1), 0.05);
    pw_contributions(&in, &c);
    assert_money(c.deferrals, 900);
}

static void test_contrib_402g(void **state)
{
    (void)state;
    struct pw_contrib c;
    /* age 45, 300,000 x 10% = 30,000 > 23,500 -> 23,500, flagged; d = round6(23,500/300,000) */
    struct pw_contrib_in in = contrib_in(D(1, 1), D(12, 31), 300000, 0.10, 300000, 45);
    pw_contributions(&in, &c);
    assert_money(c.d_raw, 30000);
    assert_money(c.deferrals, 23500);
    assert_true(c.limit_402g);
    assert_money(c.roth, 3525);             /* 23,500 x 0.15 */
    assert_money(c.pre_tax, 19975);
    assert_money(c.eff_rate, 0.078333);     /* 0.0783333 */
    /* age 50: catch-up total 31,000 > 30,000: not limited */
    in = contrib_in(D(1, 1), D(12, 31), 300000, 0.10, 300000, 50);
    pw_contributions(&in, &c);
    assert_money(c.deferrals, 30000);
    assert_false(c.limit_402g);
    assert_money(c.limit, 31000);
    assert_int_equal(c.limit_type, PW_LIMIT_CATCH_UP);
    /* age 61, 12% = 36,000 > 34,750 (super catch-up) */
    in = contrib_in(D(1, 1), D(12, 31), 300000, 0.12, 300000, 61);
    pw_contributions(&in, &c);
    assert_money(c.deferrals, 34750);
    assert_true(c.limit_402g);
    assert_int_equal(c.limit_type, PW_LIMIT_SUPER_CATCH_UP);
    /* age 64, 12% = 36,000 > 31,000 (back to catch-up) */
    in = contrib_in(D(1, 1), D(12, 31), 300000, 0.12, 300000, 64);
    pw_contributions(&in, &c);
    assert_money(c.deferrals, 31000);
    assert_int_equal(c.limit_type, PW_LIMIT_CATCH_UP);
}

static void test_contrib_401a17_midyear(void **state)
{
    (void)state;
    /* 365,000 (1,000/day) to Jun 30 (181 d), raise Jul 1 to 401,500 (1,100/day, 184 d);
     * 4% until Jul 31, 6% from Aug 1. L17 = 350,000 by cumulative pay:
     *   Jan 1 - Jun 30  181,000 counted 181,000 (cum 181,000) x 0.04 = 7,240
     *   Jul 1 - Jul 31   34,100 counted  34,100 (cum 215,100) x 0.04 = 1,364
     *   Aug 1 - Dec 31  168,300 counted 134,900 (= 350,000 - 215,100) x 0.06 = 8,094
     * D = 16,698; B = 383,400 > L17 -> B_cap = 350,000, flagged; d = round6(0.0477086);
     * roth = round2(2,504.70) */
    struct pw_contrib_in in = contrib_in(D(1, 1), D(12, 31), 365000, 0.04, 383400, 40);
    pw_timeline_add(&in.salary, D(7, 1), 401500);
    pw_timeline_add(&in.rate, D(8, 1), 0.06);
    struct pw_contrib c;
    pw_contributions(&in, &c);
    assert_money(c.d_raw, 16698);
    assert_money(c.deferrals, 16698);
    assert_money(c.b_cap, 350000);
    assert_true(c.limit_401a17);
    assert_false(c.limit_402g);
    assert_money(c.eff_rate, 0.047709);
    assert_money(c.roth, 2504.70);
    assert_money(c.pre_tax, 14193.30);
    /* the same year at a flat 6%: counted 350,000 x 0.06 = 21,000 (not 383,400 x 0.06) */
    in.rate.n = 0;
    in.rate.v0 = 0.06;
    pw_contributions(&in, &c);
    assert_money(c.deferrals, 21000);
}

/* ---- 4.14 match formulas, ceilings, m_max ---- */

struct match_case {
    const char *formula;
    double d, b_cap;
    int yos, age;
    double want, want_uncapped;
};

static void test_match_formulas(void **state)
{
    (void)state;
    static const struct match_case cases[] = {
        {"simple_match", 0.04, 100000, 3, 40, 2000, 2000},      /* 0.5 x 0.04 x 100,000 */
        {"simple_match", 0.08, 100000, 3, 40, 3000, 3000},      /* 0.5 x min(0.08, 0.06) */
        {"tiered_match", 0.02, 100000, 3, 40, 2000, 2000},      /* 1.0 x 0.02 */
        {"tiered_match", 0.04, 100000, 3, 40, 3500, 3500},      /* 0.03 + 0.5 x 0.01 */
        {"tiered_match", 0.06, 100000, 3, 40, 4000, 4000},      /* 0.03 + 0.5 x 0.02 = cap 0.04 */
        {"tiered_match", 0.045, 54321.77, 3, 40, 2037.07, 2037.07}, /* 0.0375 x 54,321.77 = 2,037.066 */
        {"enhanced_tiered", 0.05, 80000, 3, 40, 3200, 3200},    /* 0.04 x 80,000 */
        {"safe_harbor_basic", 0.03, 80000, 0, 25, 2400, 2400},  /* 0.03 x 80,000 */
        {"stretch_match", 0.10, 100000, 3, 40, 2500, 2500},     /* 0.25 x 0.10 */
        {"stretch_match", 0.15, 100000, 3, 40, 3000, 3000},     /* 0.25 x 0.12 = cap 0.03 */
        {"qaca", 0.04, 100000, 3, 40, 2500, 2500},              /* 0.01 + 0.5 x 0.03 */
        {"qaca", 0.06, 100000, 3, 40, 3500, 3500},              /* 0.01 + 0.5 x 0.05 = cap */
        {"capped", 0.03, 100000, 3, 40, 3000, 3000},            /* under the 4% cap */
        {"capped", 0.06, 100000, 3, 40, 4000, 6000},            /* 6% matched, capped at 4% */
        {"capped", 0.09, 100000, 3, 40, 4000, 6000},            /* the 0% tier adds nothing */
        {"graded", 0.06, 100000, 1, 40, 2000, 2000},            /* row [0,2): 0.5 x 0.04 */
        {"graded", 0.06, 100000, 2, 40, 3750, 3750},            /* row [2,5): 0.75 x 0.05 */
        {"graded", 0.06, 100000, 7, 40, 6000, 6000},            /* row [5,): 1.0 x 0.06 */
        {"graded", 0.03, 100000, 7, 40, 3000, 3000},            /* 1.0 x 0.03 */
        {"tenure", 0.05, 100000, 0, 40, 0, 0},                  /* no band for YOS 0 */
        {"tenure", 0.05, 100000, 2, 40, 3000, 3000},            /* [1,3): 1.0 x 0.03 */
        {"tenure", 0.05, 100000, 3, 40, 4500, 4500},            /* [3,): 0.04 + 0.5 x 0.01 */
        {"tenure", 0.08, 100000, 20, 40, 5000, 5000},           /* 0.04 + 0.5 x 0.02 */
        {"points", 0.06, 100000, 5, 30, 1000, 1000},            /* 35 points: 0.25 x 0.04 */
        {"points", 0.06, 100000, 2, 38, 2500, 2500},            /* 40 points: 0.5 x 0.05 */
        {"points", 0.06, 100000, 15, 45, 6000, 6000},           /* 60 points: 1.0 x 0.06 */
        {"points", 0.02, 50000.50, 15, 45, 1000.01, 1000.01},   /* 0.02 x 50,000.50 = 1,000.01 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct match_case *k = &cases[i];
        snprintf(plan.active_formula, sizeof plan.active_formula, "%s", k->formula);
        const struct pw_match_formula *f = formula(k->formula);
        struct pw_emp_facts facts = active(k->yos, k->age);
        struct pw_match_result m;
        pw_match(&plan, f, &facts, 1.0, k->d, k->b_cap, &m);
        if (fabs(m.amount - k->want) > 0.0005 || fabs(m.uncapped - k->want_uncapped) > 0.0005) {
            print_error("case %zu (%s d=%g yos=%d): match %.2f uncapped %.2f, want %.2f / %.2f\n", i, k->formula,
                        k->d, k->yos, m.amount, m.uncapped, k->want, k->want_uncapped);
            fail();
        }
        assert_int_equal(m.cap_applied, k->want < k->want_uncapped);
        assert_true(m.eligible);
        /* invariant 17: match <= m_max x B_cap + 0.01 */
        assert_true(m.amount <= pw_match_max_share(f) * k->b_cap + 0.01);
    }
    snprintf(plan.active_formula, sizeof plan.active_formula, "tiered_match");
}

static void test_match_ceiling_and_max_share(void **state)
{
    (void)state;
    assert_money(pw_match_ceiling(&plan, 0, 30), 0.05);       /* tiered_match: largest paying tier max */
    assert_money(pw_match_ceiling_formula(formula("simple_match"), 0, 30), 0.06);
    assert_money(pw_match_ceiling_formula(formula("stretch_match"), 0, 30), 0.12);
    assert_money(pw_match_ceiling_formula(formula("qaca"), 0, 30), 0.06);
    assert_money(pw_match_ceiling_formula(formula("capped"), 0, 30), 0.06);   /* 0% tier ignored */
    assert_money(pw_match_ceiling_formula(formula("graded"), 1, 30), 0.04);
    assert_money(pw_match_ceiling_formula(formula("graded"), 4, 30), 0.05);
    assert_money(pw_match_ceiling_formula(formula("graded"), 30, 30), 0.06);
    assert_money(pw_match_ceiling_formula(formula("tenure"), 0, 30), 0.0);    /* no band */
    assert_money(pw_match_ceiling_formula(formula("tenure"), 2, 30), 0.03);
    assert_money(pw_match_ceiling_formula(formula("tenure"), 3, 30), 0.06);
    assert_money(pw_match_ceiling_formula(formula("points"), 5, 30), 0.04);   /* 35 points */
    assert_money(pw_match_ceiling_formula(formula("points"), 10, 30), 0.05);  /* 40 points */
    assert_money(pw_match_ceiling_formula(formula("points"), 10, 50), 0.06);  /* 60 points */
    snprintf(plan.active_formula, sizeof plan.active_formula, "no_such_formula");
    assert_money(pw_match_ceiling(&plan, 5, 40), 0.0);
    snprintf(plan.active_formula, sizeof plan.active_formula, "tiered_match");

    assert_money(pw_match_max_share(formula("simple_match")), 0.03);     /* 0.5 x 0.06 */
    assert_money(pw_match_max_share(formula("tiered_match")), 0.04);     /* min(0.03 + 0.01, cap 0.04) */
    assert_money(pw_match_max_share(formula("stretch_match")), 0.03);    /* min(0.25 x 0.12, 0.03) */
    assert_money(pw_match_max_share(formula("qaca")), 0.035);            /* min(0.01 + 0.025, 0.035) */
    assert_money(pw_match_max_share(formula("capped")), 0.04);           /* min(0.06, 0.04) */
    assert_money(pw_match_max_share(formula("graded")), 0.06);           /* max(0.02, 0.0375, 0.06) */
    assert_money(pw_match_max_share(formula("tenure")), 0.05);           /* max(0.03, 0.04 + 0.01) */
    assert_money(pw_match_max_share(formula("points")), 0.06);           /* max(0.01, 0.025, 0.06) */
}

/* ---- 4.14 eligibility ---- */

struct elig_case {
    int term_kind;
    bool hired_in_year;
    int hours, yos;
    int want;
};

static void check_elig(const struct pw_employer_eligibility *e, bool apply, const struct elig_case *k, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct pw_emp_facts f = {.term_kind = k[i].term_kind, .hired_in_year = k[i].hired_in_year,
                                 .hours = k[i].hours, .yos = k[i].yos, .age = 40};
        int got = pw_employer_eligibility(e, apply, &f);
        if (got != k[i].want) {
            print_error("case %zu: reason %s, want %s\n", i, pw_elig_reason_names[got], pw_elig_reason_names[k[i].want]);
            fail();
        }
    }
}

enum { OK = PW_ELIG_ELIGIBLE, INACTIVE = PW_ELIG_INACTIVE_EOY, HOURS = PW_ELIG_INSUFFICIENT_HOURS,
       TENURE = PW_ELIG_INSUFFICIENT_TENURE, EXP = PW_TERM_EXPERIENCED, NH = PW_TERM_NEW_HIRE };

static void test_eligibility_options(void **state)
{
    (void)state;
    struct pw_employer_eligibility e = plan.match_eligibility;  /* defaults, minimum tenure 1 */
    e.minimum_tenure_years = 1;
    static const struct elig_case dflt[] = {
        {0, false, 2080, 5, OK},
        {0, false, 999, 5, HOURS},       /* 999 < 1,000 */
        {0, false, 1000, 5, OK},
        {0, false, 2080, 0, TENURE},     /* YOS 0 < 1, not a hire of Y */
        {0, true, 1040, 0, OK},          /* allow_new_hires */
        {EXP, false, 1500, 5, INACTIVE}, /* require_active_at_year_end, no allowance */
        {EXP, false, 500, 0, INACTIVE},  /* the first failing test gives the reason */
        {NH, true, 1200, 0, INACTIVE},
    };
    check_elig(&e, true, dflt, sizeof dflt / sizeof dflt[0]);

    e.allow_terminated_new_hires = true;
    static const struct elig_case nh[] = {
        {NH, true, 1200, 0, OK}, {NH, true, 800, 0, HOURS}, {EXP, false, 1500, 5, INACTIVE}};
    check_elig(&e, true, nh, 3);

    e.allow_terminated_new_hires = false, e.allow_experienced_terminations = true;
    static const struct elig_case ex[] = {
        {EXP, false, 1500, 5, OK}, {EXP, false, 1500, 0, TENURE}, {NH, true, 1200, 0, INACTIVE}};
    check_elig(&e, true, ex, 3);

    e.allow_experienced_terminations = false, e.require_active_at_year_end = false;
    static const struct elig_case any[] = {{EXP, false, 1500, 5, OK}, {NH, true, 1200, 0, OK}};
    check_elig(&e, true, any, 2);

    e = plan.match_eligibility, e.minimum_tenure_years = 1, e.allow_new_hires = false;
    static const struct elig_case nonew[] = {{0, true, 1040, 0, TENURE}, {0, true, 2080, 1, OK}};
    check_elig(&e, true, nonew, 2);

    /* apply_eligibility false: active at Dec 31 and >= 1,000 hours, nothing else */
    e.minimum_tenure_years = 5, e.minimum_hours_annual = 2000;
    e.allow_experienced_terminations = e.allow_terminated_new_hires = true;
    static const struct elig_case simple[] = {
        {0, false, 1000, 0, OK}, {0, false, 999, 9, HOURS}, {EXP, false, 2080, 9, INACTIVE}, {NH, true, 1500, 0, INACTIVE}};
    check_elig(&e, false, simple, 4);
    assert_string_equal(pw_elig_reason_names[TENURE], "insufficient_tenure");
}

static void test_match_paid_only_when_due(void **state)
{
    (void)state;
    const struct pw_match_formula *f = formula("tiered_match");
    struct pw_emp_facts facts = active(3, 40);
    struct pw_match_result m;
    pw_match(&plan, f, &facts, 6000, 0.06, 100000, &m);
    assert_money(m.amount, 4000);
    /* D = 0: eligible but no match */
    pw_match(&plan, f, &facts, 0, 0, 100000, &m);
    assert_true(m.eligible);
    assert_money(m.amount, 0);
    /* ineligible (experienced leaver): 0, reason reported */
    facts.term_kind = PW_TERM_EXPERIENCED;
    pw_match(&plan, f, &facts, 6000, 0.06, 100000, &m);
    assert_false(m.eligible);
    assert_int_equal(m.reason, PW_ELIG_INACTIVE_EOY);
    assert_money(m.amount, 0);
    assert_money(m.uncapped, 0);
    /* apply_eligibility false: the same leaver stays out; an active 1,000-hour employee is in
     * even with minimum tenure 5 */
    plan.match_eligibility.apply_eligibility = false;
    plan.match_eligibility.minimum_tenure_years = 5;
    pw_match(&plan, f, &facts, 6000, 0.06, 100000, &m);
    assert_money(m.amount, 0);
    facts = active(0, 22);
    facts.hours = 1000;
    pw_match(&plan, f, &facts, 1500, 0.03, 50000, &m);
    assert_money(m.amount, 1500);          /* 1.0 x 0.03 x 50,000 */
    plan.match_eligibility.apply_eligibility = true;
    plan.match_eligibility.minimum_tenure_years = 0;
    /* match disabled */
    plan.match_enabled = false;
    pw_match(&plan, f, &facts, 1500, 0.03, 50000, &m);
    assert_money(m.amount, 0);
    assert_true(m.eligible);
    plan.match_enabled = true;
    /* a part-year hire: B_cap 36,800, d 0.037772 -> 0.03 + 0.5 x 0.007772 = 0.033886
     * x 36,800 = 1,247.0048 -> 1,247.00 */
    facts = active(0, 28);
    facts.hired_in_year = true, facts.hours = 1043;
    pw_match(&plan, f, &facts, 1390, 0.037772, 36800, &m);
    assert_money(m.amount, 1247.00);
}

/* ---- 4.15 core ---- */

static void test_core_rates(void **state)
{
    (void)state;
    struct pw_plan_config p = plan;
    struct pw_core_result c;
    struct pw_emp_facts f = active(2, 40);
    pw_core(&p, &f, 54321.77, 0, &c);
    assert_money(c.amount, 543.22);       /* flat 0.01 x 54,321.77 = 543.2177 */
    assert_true(c.eligible);

    p.core_status = PW_CORE_GRADED_BY_SERVICE;  /* [0,3) 1%, [3,6) 2%, [6,) 3% */
    p.graded_count = 3;
    p.graded[0] = (struct pw_core_row){0, 3, 0.01};
    p.graded[1] = (struct pw_core_row){3, 6, 0.02};
    p.graded[2] = (struct pw_core_row){6, -1, 0.03};
    const int yos[] = {0, 2, 3, 5, 6, 30};
    const double want_g[] = {800, 800, 1600, 1600, 2400, 2400};   /* rate x 80,000 */
    for (int i = 0; i < 6; i++) {
        f = active(yos[i], 40);
        pw_core(&p, &f, 80000, 0, &c);
        assert_money(c.amount, want_g[i]);
    }
    assert_money(pw_core_max_rate(&p), 0.03);

    p.core_status = PW_CORE_AGE_BANDED;          /* [25,40) 2%, [40,55) 3%; else contribution_rate 1% */
    p.age_count = 2;
    p.age_rows[0] = (struct pw_core_row){25, 40, 0.02};
    p.age_rows[1] = (struct pw_core_row){40, 55, 0.03};
    const int ages[] = {22, 25, 39, 40, 54, 55};
    /* a row runs to the next row's min (the reference convention): 55 stays in the last row */
    const double want_a[] = {500, 1000, 1000, 1500, 1500, 1500};   /* rate x 50,000 */
    for (int i = 0; i < 6; i++) {
        f = active(1, ages[i]);
        pw_core(&p, &f, 50000, 0, &c);
        assert_money(c.amount, want_a[i]);
    }

    p.core_status = PW_CORE_POINTS_BASED;        /* points >= 50: 2%, >= 70: 4%; below: 1% */
    p.points_count = 2;
    p.points_rows[0] = (struct pw_core_row){50, 70, 0.02};
    p.points_rows[1] = (struct pw_core_row){70, -1, 0.04};
    f = active(5, 40);                           /* 45 points */
    assert_money(pw_core_rate(&p, f.yos, f.age), 0.01);
    f = active(10, 40);                          /* 50 */
    pw_core(&p, &f, 50000, 0, &c);
    assert_money(c.amount, 1000);
    f = active(20, 55);                          /* 75 */
    pw_core(&p, &f, 50000, 0, &c);
    assert_money(c.amount, 2000);
    assert_money(pw_core_max_rate(&p), 0.04);

    p.core_status = PW_CORE_NONE;
    pw_core(&p, &f, 50000, 0, &c);
    assert_money(c.amount, 0);
    assert_money(pw_core_max_rate(&p), 0);
}

static void test_core_eligibility(void **state)
{
    (void)state;
    struct pw_plan_config p = plan;
    struct pw_core_result c;
    /* no deferral needed: an active non-participant gets 1% of 60,000 */
    struct pw_emp_facts f = active(1, 30);
    pw_core(&p, &f, 60000, 0, &c);
    assert_money(c.amount, 600);
    /* hours below the core block's minimum */
    f.hours = 900;
    pw_core(&p, &f, 60000, 0, &c);
    assert_int_equal(c.reason, PW_ELIG_INSUFFICIENT_HOURS);
    assert_money(c.amount, 0);
    /* experienced leaver, then allowed by the core block only; apply_eligibility of the
     * core block is ignored (always the full form) */
    f = active(4, 50);
    f.term_kind = PW_TERM_EXPERIENCED, f.hours = 1200;
    pw_core(&p, &f, 30000, 0, &c);
    assert_int_equal(c.reason, PW_ELIG_INACTIVE_EOY);
    p.core_eligibility.allow_experienced_terminations = true;
    pw_core(&p, &f, 30000, 0, &c);
    assert_money(c.amount, 300);          /* prorated base 30,000 x 1% */
    /* B_cap 0 and core disabled */
    pw_core(&p, &f, 0, 0, &c);
    assert_money(c.amount, 0);
    p.core_enabled = false;
    pw_core(&p, &f, 30000, 0, &c);
    assert_money(c.amount, 0);
    assert_true(c.eligible);
}

static void test_core_integration(void **state)
{
    (void)state;
    struct pw_plan_config p = plan;
    p.core_rate = 0.03;
    p.integration_enabled = true;
    p.disparity_rate = 0.057;
    struct pw_emp_facts f = active(5, 45);
    struct pw_core_result c;

    p.integration_mode = PW_INTEGRATION_SS_WAGE_BASE;        /* IL = 176,100 */
    double il = pw_integration_level(&p, &irs2025);
    assert_money(il, 176100);
    pw_core(&p, &f, 300000, il, &c);
    assert_money(c.base, 9000);                              /* 0.03 x 300,000 */
    assert_money(c.disparity, 7062.30);                      /* 0.057 x 123,900 */
    assert_money(c.amount, 16062.30);
    pw_core(&p, &f, 100000, il, &c);                         /* below IL: no disparity */
    assert_money(c.amount, 3000);

    p.integration_mode = PW_INTEGRATION_PERCENT, p.integration_level_value = 80;
    il = pw_integration_level(&p, &irs2025);
    assert_money(il, 140880);                                /* rha(176,100 x 0.8) */
    pw_core(&p, &f, 300000, il, &c);
    assert_money(c.amount, 18069.84);                        /* 9,000 + round2(0.057 x 159,120) */
    p.integration_level_value = 33.3;
    il = pw_integration_level(&p, &irs2025);
    assert_money(il, 58641);                                 /* rha(58,641.3) */
    pw_core(&p, &f, 300000, il, &c);
    assert_money(c.disparity, 13757.46);                     /* 0.057 x 241,359 = 13,757.463 */

    p.integration_mode = PW_INTEGRATION_FIXED, p.integration_level_value = 100000.6;
    il = pw_integration_level(&p, &irs2025);
    assert_money(il, 100001);                                /* rha(100,000.6) */
    pw_core(&p, &f, 300000, il, &c);
    assert_money(c.amount, 20399.94);                        /* 9,000 + round2(0.057 x 199,999 = 11,399.943) */

    p.integration_enabled = false;
    pw_core(&p, &f, 300000, il, &c);
    assert_money(c.amount, 9000);
}

/* ---- 4.16 415(c) ---- */

static void test_415c_order(void **state)
{
    (void)state;
    struct pw_415c_result r;
    double dfr = 6000, m = 4000, c = 1000;
    /* 6,000 + 4,000 + 1,000 = 11,000 <= 70,000: untouched */
    pw_apply_415c(70000, 100000, 23500, &dfr, &m, &c, &r);
    assert_false(r.applied);
    assert_money(r.reduction, 0);
    assert_money(m, 4000);

    /* limit = B = 30,000; 20,000 + 4,000 + 9,000 = 33,000: 3,000 from the match */
    dfr = 20000, m = 4000, c = 9000;
    pw_apply_415c(70000, 30000, 23500, &dfr, &m, &c, &r);
    assert_true(r.applied);
    assert_money(r.limit, 30000);
    assert_money(r.additions, 33000);
    assert_money(m, 1000);
    assert_money(c, 9000);
    assert_money(dfr, 20000);
    assert_money(r.match_cut, 3000);
    assert_money(r.reduction, 3000);

    /* 20,000 + 4,000 + 12,000.55 = 36,000.55: match 4,000 gone, core -2,000.55 */
    dfr = 20000, m = 4000, c = 12000.55;
    pw_apply_415c(70000, 30000, 23500, &dfr, &m, &c, &r);
    assert_money(m, 0);
    assert_money(c, 10000);
    assert_money(r.core_cut, 2000.55);
    assert_money(dfr, 20000);

    /* limit 10,000: 12,000 + 3,000 + 1,000 = 16,000 -> match 0, core 0, deferrals -2,000 */
    dfr = 12000, m = 3000, c = 1000;
    pw_apply_415c(10000, 100000, 23500, &dfr, &m, &c, &r);
    assert_money(m, 0);
    assert_money(c, 0);
    assert_money(dfr, 10000);
    assert_money(r.deferral_cut, 2000);
    assert_money(r.reduction, 6000);
    /* the split is recomputed so pre_tax + roth = D */
    struct pw_contrib_in in = contrib_in(D(1, 1), D(12, 31), 100000, 0.12, 100000, 40);
    struct pw_contrib k;
    pw_contributions(&in, &k);
    pw_contrib_set_deferrals(&k, dfr, 0.15);
    assert_money(k.roth, 1500);
    assert_money(k.pre_tax, 8500);
    assert_money(k.eff_rate, 0.10);

    /* catch-up is not counted: 31,000 deferred at age 55 counts 23,500.
     * limit 70,000: 23,500 + 50,000 + 10,000 = 83,500 -> match -13,500, D kept */
    dfr = 31000, m = 50000, c = 10000;
    pw_apply_415c(70000, 100000, 23500, &dfr, &m, &c, &r);
    assert_money(r.additions, 83500);
    assert_money(m, 36500);
    assert_money(dfr, 31000);
    /* limit 20,000: 23,500 + 1,000 + 1,000 = 25,500 -> 3,500 left after match and core:
     * counted 23,500 - 3,500 = 20,000, and no catch-up remains below the base limit */
    dfr = 31000, m = 1000, c = 1000;
    pw_apply_415c(20000, 100000, 23500, &dfr, &m, &c, &r);
    assert_money(dfr, 20000);
    assert_money(r.deferral_cut, 11000);
    assert_true(pw_min(dfr, 23500) + m + c <= 20000 + 0.01);   /* invariant 18 */
}

/* ---- 4.17 vesting ---- */

static void test_vesting_schedules(void **state)
{
    (void)state;
    /* built-in vesting_schedules.csv, years 0..8 (last value repeats past the end) */
    static const struct {
        const char *name;
        double pct[9];
    } want[] = {
        {"immediate", {1, 1, 1, 1, 1, 1, 1, 1, 1}},
        {"cliff_1", {0, 1, 1, 1, 1, 1, 1, 1, 1}},
        {"cliff_2", {0, 0, 1, 1, 1, 1, 1, 1, 1}},
        {"cliff_3", {0, 0, 0, 1, 1, 1, 1, 1, 1}},
        {"cliff_4", {0, 0, 0, 0, 1, 1, 1, 1, 1}},
        {"graded_3", {0, 0.3333, 0.6667, 1, 1, 1, 1, 1, 1}},
        {"graded_4", {0, 0.25, 0.50, 0.75, 1, 1, 1, 1, 1}},
        {"graded_5", {0, 0.20, 0.40, 0.60, 0.80, 1, 1, 1, 1}},
        {"graded_6", {0, 0, 0.20, 0.40, 0.60, 0.80, 1, 1, 1}},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const struct pw_vesting_schedule *s = pw_tables_schedule(&tables, want[i].name);
        assert_non_null(s);
        for (int y = 0; y <= 8; y++) {
            double v = pw_vested_share(s, y);
            if (fabs(v - want[i].pct[y]) > 1e-12) {
                print_error("%s year %d: %g, want %g\n", want[i].name, y, v, want[i].pct[y]);
                fail();
            }
            if (y > 0) assert_true(v >= pw_vested_share(s, y - 1));   /* invariant 19 */
        }
    }
    assert_money(pw_vested_share(NULL, 0), 1);   /* vesting disabled = immediate */
}

static void test_vesting_years_and_schedule_choice(void **state)
{
    (void)state;
    struct pw_plan_config p = plan;
    assert_int_equal(pw_vesting_years(&p, 3, 500), 3);   /* no hours credit rule */
    p.require_hours_credit = true;
    assert_int_equal(pw_vesting_years(&p, 3, 999), 2);   /* 999 < 1,000: minus 1 */
    assert_int_equal(pw_vesting_years(&p, 3, 1000), 3);
    assert_int_equal(pw_vesting_years(&p, 0, 100), 0);   /* floor 0 */

    const struct pw_vesting_schedule *s = pw_match_schedule(&p, formula("tiered_match"), &tables);
    assert_non_null(s);
    assert_string_equal(s->name, "graded_6");            /* vesting.match_schedule */
    s = pw_match_schedule(&p, formula("qaca"), &tables);
    assert_string_equal(s->name, "cliff_2");             /* the formula's own schedule wins */
    s = pw_match_schedule(&p, formula("safe_harbor_basic"), &tables);
    assert_string_equal(s->name, "immediate");
    snprintf(p.core_schedule, sizeof p.core_schedule, "graded_4");
    assert_string_equal(pw_core_schedule(&p, &tables)->name, "graded_4");
    /* names are checked once against the tables */
    struct pw_err err = {0};
    assert_int_equal(pw_plan_money_check(&p, &tables, &err), 0);
    snprintf(p.formulas[1].vesting_schedule, sizeof p.formulas[1].vesting_schedule, "graded_9");
    assert_int_equal(pw_plan_money_check(&p, &tables, &err), PW_ECONFIG);
    assert_non_null(strstr(err.msg, "employer_match.formulas.tiered_match.vesting_schedule"));
    assert_non_null(strstr(err.msg, "'graded_9'"));
    p.formulas[1].vesting_schedule[0] = 0;
    snprintf(p.core_schedule, sizeof p.core_schedule, "cliff_9");
    assert_int_equal(pw_plan_money_check(&p, &tables, &err), PW_ECONFIG);
    assert_non_null(strstr(err.msg, "vesting.core_schedule"));
    p.vesting_enabled = false;
    assert_int_equal(pw_plan_money_check(&p, &tables, &err), 0);
    assert_null(pw_match_schedule(&p, formula("qaca"), &tables));
    assert_null(pw_core_schedule(&p, &tables));
}

static void test_balances_and_forfeitures(void **state)
{
    (void)state;
    struct pw_vesting_result v;
    /* balances 1,000 + 2,000 = 3,000 and 500 + 1,000.50 = 1,500.50; graded_6 at 3 years = 0.4.
     * unvested: round2(3,000 x 0.6) = 1,800; round2(1,500.50 x 0.6 = 900.30) = 900.30;
     * vested = 4,500.50 - 2,700.30 = 1,800.20 */
    pw_vesting(1000, 500, 2000, 1000.50, 0.4, 0.4, true, &v);
    assert_money(v.match_balance, 3000);
    assert_money(v.core_balance, 1500.50);
    assert_money(v.forfeit_match, 1800);
    assert_money(v.forfeit_core, 900.30);
    assert_money(v.forfeit_total, 2700.30);
    assert_money(v.vested_balance, 1800.20);
    assert_money(v.forfeit_total + v.vested_balance, v.match_balance + v.core_balance);
    /* the same active employee: no forfeiture, same vested part */
    pw_vesting(1000, 500, 2000, 1000.50, 0.4, 0.4, false, &v);
    assert_money(v.forfeit_total, 0);
    assert_money(v.vested_balance, 1800.20);
    assert_money(v.unvested_match + v.unvested_core + v.vested_balance, 4500.50);
    /* graded_3 at 1 year: round2(1,000.01 x 0.6667 = 666.7067) = 666.71 unvested, 333.30 vested */
    pw_vesting(0, 0, 1000.01, 0, 0.3333, 1, true, &v);
    assert_money(v.forfeit_match, 666.71);
    assert_money(v.vested_balance, 333.30);
    /* different shares per source (qaca match cliff_2 at 1 year = 0, core graded_6 = 0) and
     * fully vested: 2,000 match forfeited; at 2 years the match is kept whole */
    pw_vesting(0, 0, 2000, 600, 0, 0, true, &v);
    assert_money(v.forfeit_total, 2600);
    assert_money(v.vested_balance, 0);
    pw_vesting(0, 0, 2000, 600, 1, 0.2, true, &v);
    assert_money(v.forfeit_match, 0);
    assert_money(v.forfeit_core, 480);    /* 600 x 0.8 */
    assert_money(v.vested_balance, 2120);
}

/* ---- 4.18 HCE ---- */

static void test_hce_lookback(void **state)
{
    (void)state;
    const struct pw_irs_year *prev = pw_tables_irs(&tables, 2024);   /* threshold 155,000 */
    assert_money(prev->hce_threshold, 155000);
    assert_true(pw_is_hce(155000.01, prev));
    assert_false(pw_is_hce(155000, prev));       /* strictly greater */
    assert_false(pw_is_hce(NAN, prev));          /* hire of Y: no prior-year pay */
    assert_false(pw_is_hce(159000, &irs2025));   /* 2025 threshold 160,000 */
}

/* ---- the driver on a hand-made three-row year ---- */

static void test_step_driver(void **state)
{
    (void)state;
    static struct pw_config cfg;
    static struct pw_sim sim;
    struct pw_strpool strings;
    memset(&cfg, 0, sizeof cfg);
    memset(&sim, 0, sizeof sim);
    cfg.plan = plan;
    pw_strpool_init(&strings);
    assert_int_equal(pw_workforce_init(&sim.wf, &strings, 4), 0);
    for (int i = 0; i < 3; i++) assert_int_not_equal(pw_workforce_push(&sim.wf), (size_t)-1);
    struct pw_year *y = &sim.year;
    pw_year_set_calendar(y, 2025);
    assert_int_equal(pw_year_reserve(y, 3), 0);
    y->n_roster = 2, y->n_pop = 3;
    struct pw_workforce *wf = &sim.wf;
    struct pw_plan_year *py = &sim.plan;
    assert_int_equal(pw_plan_year_reserve(py, 3), 0);
    for (size_t r = 0; r < 3; r++) {
        y->promo_date[r] = y->raise_date[r] = y->term_date[r] = PW_NO_DATE;
        y->term_kind[r] = PW_TERM_NONE;
        py->n_changes[r] = 0;
    }
    /* row 0: 6 YOS, age 61, 365,000 then promoted Jul 1 to 401,500; rate 5% on Jan 1, escalated
     * to 6% the same day (the change wins); prior pay 200,000;
     * balances 10,000 / 2,000. B = 181,000 + 202,400 = 383,400; counted pay 350,000 (L17)
     * x 6% = 21,000 <= 34,750 (super catch-up). d = round6(21,000 / 350,000) = 0.06, so the
     * tiered match is (0.03 + 0.5 x 0.02) x 350,000 = 14,000; core 1% x 350,000 = 3,500;
     * 415(c): 21,000 + 14,000 + 3,500 = 38,500 <= 70,000.
     * graded_6 at 6 years = 1: vested = 10,000 + 14,000 + 2,000 + 3,500 = 29,500 */
    wf->hire_date[0] = pw_date_from_ymd(2018, 6, 1);
    y->age[0] = 61, y->reported_tenure[0] = 6, y->hours_worked[0] = 2080;
    y->start_salary[0] = 365000, y->promo_date[0] = D(7, 1), y->promo_new[0] = 401500;
    y->prorated_comp[0] = 383400;
    py->rate_start[0] = 0.05, py->n_changes[0] = 1;
    py->change_date[0 * PW_PLAN_MAX_CHANGES] = D(1, 1), py->change_rate[0 * PW_PLAN_MAX_CHANGES] = 0.06;
    wf->prior_prorated_comp[0] = 200000;
    wf->match_balance[0] = 10000, wf->core_balance[0] = 2000;
    /* row 1: experienced leaver Mar 31, 2 YOS, age 40, 73,000 -> B = 18,000; rate 5% -> D = 900;
     * ineligible for match and core (inactive_eoy); graded_6 at 2 = 0.2: balance 5,000 / 1,000
     * -> forfeit 4,000 + 800 = 4,800, vested 1,200 */
    wf->hire_date[1] = pw_date_from_ymd(2022, 9, 1);
    y->age[1] = 40, y->reported_tenure[1] = 2, y->hours_worked[1] = 513;
    y->term_kind[1] = PW_TERM_EXPERIENCED, y->term_date[1] = D(3, 31);
    y->start_salary[1] = 73000, y->prorated_comp[1] = 18000;
    py->rate_start[1] = 0.05, wf->prior_prorated_comp[1] = 70000;
    wf->match_balance[1] = 5000, wf->core_balance[1] = 1000;
    /* row 2: hire of Jul 1 at 73,000 -> B = 36,800, enrolled at 5% on Aug 15: D = 1,390 and
     * d = 0.037772 (test_contrib_part_year_hire), tiered match round2(0.033886 x 36,800) =
     * 1,247.00 (test_match_paid_only_when_due); core 1% = 368 (allow_new_hires); never HCE */
    wf->hire_date[2] = D(7, 1);
    y->age[2] = 25, y->reported_tenure[2] = 0, y->hours_worked[2] = 1049;
    y->start_salary[2] = 73000, y->prorated_comp[2] = 36800;
    py->rate_start[2] = 0, py->n_changes[2] = 1;
    py->change_date[2 * PW_PLAN_MAX_CHANGES] = D(8, 15), py->change_rate[2 * PW_PLAN_MAX_CHANGES] = 0.05;
    wf->prior_prorated_comp[2] = NAN;

    sim.cfg = &cfg;
    sim.match_formula = pw_plan_active_formula(&cfg.plan);   /* as pw_sim_init sets it */
    sim.tables = &tables;
    sim.pool = pw_pool_new(1);
    pw_step_plan_money(&sim);
    const struct pw_plan_money *m = &sim.money;
    assert_money(m->deferrals[0], 21000);
    assert_money(m->b_cap[0], 350000);
    assert_true(m->irs_401a17[0]);
    assert_int_equal(m->limit_type[0], PW_LIMIT_SUPER_CATCH_UP);
    assert_money(m->match[0], 14000);
    assert_money(m->core[0], 3500);
    assert_money(m->vested_balance[0], 29500);
    assert_money(m->forfeit_total[0], 0);
    assert_true(m->is_hce[0]);             /* 200,000 > 155,000 (2024) */
    assert_int_equal(m->points[0], 67);

    assert_money(m->deferrals[1], 900);
    assert_money(m->match[1], 0);
    assert_int_equal(m->match_reason[1], PW_ELIG_INACTIVE_EOY);
    assert_money(m->core[1], 0);
    assert_money(m->match_balance[1], 5000);
    assert_money(m->forfeit_total[1], 4800);
    assert_money(m->vested_balance[1], 1200);
    assert_false(m->is_hce[1]);            /* 70,000 */

    assert_money(m->deferrals[2], 1390);
    assert_money(m->eff_rate[2], 0.037772);
    assert_money(m->match[2], 1247.00);
    assert_true(m->match_eligible[2]);
    assert_money(m->core[2], 368);
    assert_money(m->vested_balance[2], 0);   /* graded_6 at 0 years */
    assert_money(m->forfeit_total[2], 0);    /* active: nothing forfeited */
    assert_false(m->is_hce[2]);

    pw_pool_free(sim.pool);
    pw_plan_money_release(&sim.money);
    pw_plan_year_release(py);
    pw_year_release(y);
    pw_workforce_release(&sim.wf);
    pw_strpool_release(&strings);
}

static int load_tables(void **state)
{
    (void)state;
    struct pw_err err = {0};
    return pw_tables_load(&tables, "", &err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deferral_limit_by_age),
        cmocka_unit_test(test_timeline_order),
        cmocka_unit_test(test_contrib_full_year),
        cmocka_unit_test(test_contrib_part_year_hire),
        cmocka_unit_test(test_contrib_segments),
        cmocka_unit_test(test_contrib_402g),
        cmocka_unit_test(test_contrib_401a17_midyear),
        cmocka_unit_test_setup(test_match_formulas, setup_plan),
        cmocka_unit_test_setup(test_match_ceiling_and_max_share, setup_plan),
        cmocka_unit_test_setup(test_eligibility_options, setup_plan),
        cmocka_unit_test_setup(test_match_paid_only_when_due, setup_plan),
        cmocka_unit_test_setup(test_core_rates, setup_plan),
        cmocka_unit_test_setup(test_core_eligibility, setup_plan),
        cmocka_unit_test_setup(test_core_integration, setup_plan),
        cmocka_unit_test(test_415c_order),
        cmocka_unit_test(test_vesting_schedules),
        cmocka_unit_test_setup(test_vesting_years_and_schedule_choice, setup_plan),
        cmocka_unit_test(test_balances_and_forfeitures),
        cmocka_unit_test(test_hce_lookback),
        cmocka_unit_test_setup(test_step_driver, setup_plan),
    };
    return cmocka_run_group_tests(tests, load_tables, NULL);
}
