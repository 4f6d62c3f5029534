/* test_sim_steps.c: the per-employee arithmetic of the year pipeline on small
 * hand-made workforces: merit/COLA raises and their caps (MODEL 4.8), promotions
 * and their caps (4.7), the (date, priority) ordering of compensation events,
 * pay segments, prorated pay and hours (4.9), termination amounts (4.4), the
 * hire attributes of 4.5 and the event numbering of 6.1.
 *
 * Each test builds a census in memory (pw_census_add_row), runs pw_sim_run with
 * a sink that inspects the finished year (struct pw_year and the event chunks)
 * through a per-test callback, and compares against values written out by hand
 * from the MODEL rules. Built-in assumption tables; one worker thread. */
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
#include "core/log.h"
#include "core/num.h"
#include "core/pool.h"
#include "core/strpool.h"
#include "model/census.h"
#include "sim/sim.h"
#include "support/assert_money.h"
#include "support/world.h"

static struct pw_tables tables;

/* ---- the tiny world of support/world.h, run through pw_sim_run ---- */

typedef void (*year_check_fn)(struct pw_test_world *w, const struct pw_sim *sim);

static struct pw_test_world W;
static year_check_fn year_check;   /* called for every finished year */
static int years_seen;

static void world_begin(void)
{
    pw_test_world_begin(&W, &tables);
    year_check = NULL;
    years_seen = 0;
    /* These cases check workforce arithmetic and count workforce events only:
     * keep the retirement plan from adding eligibility, enrollment and
     * escalation events or forfeitures (tests/unit/test_plan_*.c cover those). */
    W.cfg.plan.minimum_age = 100;
    W.cfg.plan.ae_enabled = false;
    W.cfg.plan.proactive_enabled = false;
    W.cfg.plan.voluntary_enabled = false;
    W.cfg.plan.yoy_enabled = false;
    W.cfg.plan.esc_enabled = false;
    W.cfg.plan.match_enabled = false;
    W.cfg.plan.core_enabled = false;
}

/* Adds a census row: id, birth, hire (YYYY-MM-DD), compensation, level ("" = derive).
 * The first call finalises the configuration (the census date depends on it). */
static void add_employee(const char *id, const char *birth, const char *hire, const char *comp, const char *level)
{
    struct pw_census_fields f;
    memset(&f, 0, sizeof f);
    pw_test_field(&f, PW_CC_EMPLOYEE_ID, id);
    pw_test_field(&f, PW_CC_BIRTH_DATE, birth);
    pw_test_field(&f, PW_CC_HIRE_DATE, hire);
    pw_test_field(&f, PW_CC_GROSS_COMPENSATION, comp);
    if (level && *level) pw_test_field(&f, PW_CC_LEVEL_ID, level);
    pw_test_world_add(&W, &f);
}

static int sink_write(void *ctx, const struct pw_sim *sim, struct pw_err *err)
{
    (void)ctx;
    (void)err;
    years_seen++;
    if (year_check) year_check(&W, sim);
    return 0;
}

/* Finalises the config, builds the roster and runs the years, calling check per year. */
static void world_run(year_check_fn check)
{
    struct pw_err err = {0};
    pw_test_world_start(&W, 1);
    year_check = check;
    struct pw_sink sink = {NULL, sink_write, NULL, NULL};
    int rc = pw_sim_run(&W.sim, &sink, &err);
    if (rc != 0) print_error("run: %s\n", err.msg);
    assert_int_equal(rc, 0);
    assert_int_equal(years_seen, W.cfg.end_year - W.cfg.start_year + 1);
}

static void world_end(void) { pw_test_world_end(&W); }

static pw_date D(int y, int m, int d) { return pw_date_from_ymd(y, m, d); }

/* Effective merit rate m_l of MODEL 4.8 from the loaded table and the config. */
static double merit_rate(int level)
{
    double mean = 0;
    for (int l = 1; l <= tables.levels.count; l++) mean += tables.merit_base[l];
    mean /= tables.levels.count;
    return tables.merit_base[level] * W.cfg.merit_budget / mean;
}

static double round2(double x) { return (x < 0 ? -1 : 1) * floor(fabs(x) * 100.0 + 0.5 + 1e-7) / 100.0; }

/* ---- merit and COLA ---- */

static void check_merit_single(struct pw_test_world *w, const struct pw_sim *sim)
{
    (void)w;
    const struct pw_year *y = &sim->year;
    assert_int_equal(y->n_pop, 1);
    size_t r = pw_test_row_of(sim, "EMP_A");
    const struct test_event *ev[8];
    int n = pw_test_events_of(sim, r, ev, 8);
    assert_int_equal(n, 1);
    assert_int_equal(ev[0]->type, PW_EV_RAISE);
    assert_int_equal(ev[0]->category, PW_CAT_RAISE);
    assert_int_equal(ev[0]->sequence, 1);
    assert_int_equal(ev[0]->date, D(y->year, 7, 15));
    assert_int_equal(ev[0]->level, 1);
    assert_money(ev[0]->probability, 1.0);
    if (y->year == 2025) {
        /* m_1 = 0.035 x 0.035 / 0.045 = 0.027222, c = 0.02: 50,000 x 1.047222 = 52,361.11 */
        assert_money(ev[0]->previous_compensation, 50000.00);
        assert_money(ev[0]->compensation, 52361.11);
        /* 195 days (Jan 1 - Jul 14) at 50,000 + 170 days at 52,361.11, over 365 */
        assert_money(y->prorated_comp[r], 51099.70);
        assert_money(y->prorated_comp[r], round2(50000.0 * 195 / 365 + 52361.11 * 170 / 365));
    } else {
        assert_money(ev[0]->previous_compensation, 52361.11);
        assert_money(ev[0]->compensation, 54833.72);
        assert_money(y->prorated_comp[r], 53512.74);
    }
    assert_money(y->current_comp[r], ev[0]->compensation);
    assert_money(y->merit_rate[r], 0.027222222222);
    assert_money(y->cola_rate[r], 0.02);
    assert_int_equal(y->hours_worked[r], 2080);
    assert_int_equal(y->term_kind[r], PW_TERM_NONE);
    /* solver: N = 1, target rha(1.03) = 1, exp_terms floor(0.12) = 0, net 0 -> nothing */
    assert_int_equal(y->needs.target_ending_headcount, 1);
    assert_int_equal(y->needs.total_hires, 0);
    assert_int_equal(y->needs.total_experienced_terminations, 0);
}

static void test_merit_single_employee(void **state)
{
    (void)state;
    world_begin();
    W.cfg.end_year = 2026;
    W.cfg.promotion_rate_multiplier = 0;
    add_employee("EMP_A", "1980-05-05", "2015-03-01", "50000", "1");
    assert_money(merit_rate(1), 0.035 * 0.035 / 0.045);
    world_run(check_merit_single);
    world_end();
}

static void check_merit_caps(struct pw_test_world *w, const struct pw_sim *sim)
{
    const struct pw_year *y = &sim->year;
    size_t r = pw_test_row_of(sim, "EMP_A");
    assert_int_equal(y->raise_date[r], D(2025, 7, 15));
    assert_money(y->raise_prev[r], 50000);
    assert_money(y->raise_new[r], (double)w->counter[0] / 100.0);
}

static void test_merit_caps(void **state)
{
    (void)state;
    /* percentage cap: min(m + c, 1%) */
    world_begin();
    W.cfg.end_year = 2025;
    W.cfg.promotion_rate_multiplier = 0;
    W.cfg.merit_max_cap_pct = 0.01;
    W.counter[0] = 5050000;
    add_employee("EMP_A", "1980-05-05", "2015-03-01", "50000", "1");
    world_run(check_merit_caps);
    world_end();
    /* amount cap: prev + 1,000 */
    world_begin();
    W.cfg.end_year = 2025;
    W.cfg.promotion_rate_multiplier = 0;
    W.cfg.merit_max_cap_amount = 1000;
    W.counter[0] = 5100000;
    add_employee("EMP_A", "1980-05-05", "2015-03-01", "50000", "1");
    world_run(check_merit_caps);
    world_end();
    /* COLA from the config replaces the table: 0.027222 + 0.05 -> 50,000 x 1.077222 = 53,861.11 */
    world_begin();
    W.cfg.end_year = 2025;
    W.cfg.promotion_rate_multiplier = 0;
    W.cfg.cola_rate = 0.05;
    W.cfg.cola_rate_set = true;
    W.counter[0] = 5386111;
    add_employee("EMP_A", "1980-05-05", "2015-03-01", "50000", "1");
    world_run(check_merit_caps);
    world_end();
}

/* No raise when m + c = 0: prorated = current = s0, in a leap year too (D = 366). */
static void check_no_raise(struct pw_test_world *w, const struct pw_sim *sim)
{
    (void)w;
    const struct pw_year *y = &sim->year;
    assert_int_equal(y->days_in_year, 366);
    for (size_t r = 0; r < y->n_roster; r++) {
        const struct test_event *ev[8];
        assert_int_equal(pw_test_events_of(sim, r, ev, 8), 0);
        assert_int_equal(y->raise_date[r], PW_NO_DATE);
        assert_money(y->prorated_comp[r], y->start_salary[r]);
        assert_money(y->current_comp[r], y->start_salary[r]);
        assert_int_equal(y->hours_worked[r], 2080);
    }
}

/* tenure_Y < 1 blocks raises and promotions: hired Dec 31 2024, tenure_2025 =
 * floor(365 / 365.25) = 0, tenure_2026 = floor(730 / 365.25) = 1. */
static void check_tenure_gate(struct pw_test_world *w, const struct pw_sim *sim)
{
    (void)w;
    const struct pw_year *y = &sim->year;
    size_t r = pw_test_row_of(sim, "EMP_NEW");
    const struct test_event *ev[8];
    int n = pw_test_events_of(sim, r, ev, 8);
    if (y->year == 2025) {
        assert_int_equal(y->tenure[r], 0);
        assert_int_equal(n, 0);
        assert_int_equal(y->promo_date[r], PW_NO_DATE);
        assert_money(y->prorated_comp[r], 70000);
    } else {
        assert_int_equal(y->tenure[r], 1);
        assert_true(n >= 1);
        assert_int_equal(ev[n - 1]->type, PW_EV_RAISE);
    }
}

static void test_no_raise_cases(void **state)
{
    (void)state;
    world_begin();
    W.cfg.start_year = 2028;
    W.cfg.end_year = 2028;
    W.cfg.promotion_rate_multiplier = 0;
    W.cfg.cola_rate = 0;
    W.cfg.cola_rate_set = true;
    W.cfg.merit_budget = 0.0;   /* m + c = 0 for every level */
    add_employee("EMP_A", "1980-05-05", "2015-03-01", "50000", "1");
    add_employee("EMP_B", "1970-02-28", "2001-01-01", "456789.01", "5");
    world_run(check_no_raise);
    world_end();

    world_begin();
    W.cfg.end_year = 2026;
    W.cfg.promotion_rate_multiplier = 10;
    add_employee("EMP_NEW", "1995-06-01", "2024-12-31", "70000", "1");
    world_run(check_tenure_gate);
    world_end();
}

/* ---- promotions ---- */

/* Level 1, age 30, tenure 6: p = min(1, 0.04 x 1.4 x 1.8 x 1 x 10) = 1. */
static void add_promotable(const char *id, const char *comp)
{
    add_employee(id, "1995-06-01", "2019-03-01", comp, "1");
}

static void check_promotion_then_raise(struct pw_test_world *w, const struct pw_sim *sim)
{
    (void)w;
    const struct pw_year *y = &sim->year;
    size_t r = pw_test_row_of(sim, "EMP_P1");
    const struct test_event *ev[8];
    int n = pw_test_events_of(sim, r, ev, 8);
    assert_int_equal(n, 2);
    /* promotion Feb 1 (priority 6), raise Jul 15 on the promoted salary */
    assert_int_equal(ev[0]->type, PW_EV_PROMOTION);
    assert_int_equal(ev[0]->sequence, 1);
    assert_int_equal(ev[0]->date, D(2025, 2, 1));
    assert_int_equal(ev[0]->level, 2);
    assert_money(ev[0]->previous_compensation, 60000);
    assert_money(ev[0]->compensation, 72000);       /* deterministic 20% */
    assert_money(ev[0]->probability, 1.0);
    assert_int_equal(ev[1]->type, PW_EV_RAISE);
    assert_int_equal(ev[1]->sequence, 2);
    assert_int_equal(ev[1]->level, 2);              /* level in force after the promotion */
    assert_money(ev[1]->previous_compensation, 72000);
    assert_money(ev[1]->compensation, 75400);       /* level-1 rate 0.047222 (start-of-year level) */
    /* segments: 31 days at 60,000, 164 at 72,000, 170 at 75,400 */
    assert_money(y->prorated_comp[r], 72564.38);
    assert_money(y->current_comp[r], 75400);
    assert_int_equal(y->start_level[r], 1);
    assert_int_equal(y->end_level[r], 2);

    /* capped by max_cap_amount 5,000? no: this one runs with defaults; P2 checks the 30% cap path */
    size_t r2 = pw_test_row_of(sim, "EMP_P2");
    assert_money(y->promo_prev[r2], 1000000.00);
    assert_money(y->promo_new[r2], 1200000.00);   /* 20% < 30% and +200,000 < +500,000 */
}

static void test_promotion_then_raise(void **state)
{
    (void)state;
    world_begin();
    W.cfg.end_year = 2025;
    W.cfg.promotion_rate_multiplier = 10;
    W.cfg.promo_distribution_type = PW_PROMO_DETERMINISTIC;
    add_promotable("EMP_P1", "60000");
    add_promotable("EMP_P2", "1000000");
    world_run(check_promotion_then_raise);
    world_end();
}

static void check_promotion_caps(struct pw_test_world *w, const struct pw_sim *sim)
{
    (void)w;
    const struct pw_year *y = &sim->year;
    size_t r = pw_test_row_of(sim, "EMP_P1");
    assert_int_equal(y->promo_date[r], D(2025, 2, 1));
    /* pct 0.40 capped at max_cap_pct 0.30 -> 78,000; amount cap 5,000 -> 65,000 */
    assert_money(y->promo_new[r], 65000);
    size_t r2 = pw_test_row_of(sim, "EMP_P2");
    assert_money(y->promo_new[r2], 1300.00);        /* 1,000 x 1.30 < 1,000 + 5,000 */
}

static void test_promotion_caps(void **state)
{
    (void)state;
    world_begin();
    W.cfg.end_year = 2025;
    W.cfg.promotion_rate_multiplier = 10;
    W.cfg.promo_distribution_type = PW_PROMO_DETERMINISTIC;
    W.cfg.promo_base_increase_pct = 0.40;
    W.cfg.promo_distribution_range = 0.0;
    W.cfg.promo_max_cap_amount = 5000;
    add_promotable("EMP_P1", "60000");
    add_promotable("EMP_P2", "1000");
    world_run(check_promotion_caps);
    world_end();
}

static void check_raise_before_promotion(struct pw_test_world *w, const struct pw_sim *sim)
{
    (void)w;
    const struct pw_year *y = &sim->year;
    size_t r = pw_test_row_of(sim, "EMP_P1");
    const struct test_event *ev[8];
    int n = pw_test_events_of(sim, r, ev, 8);
    assert_int_equal(n, 2);
    assert_int_equal(ev[0]->type, PW_EV_RAISE);
    assert_int_equal(ev[0]->date, D(2025, 3, 1));
    assert_int_equal(ev[0]->level, 1);                 /* not yet promoted */
    assert_money(ev[0]->previous_compensation, 60000);
    assert_money(ev[0]->compensation, 62833.33);
    assert_int_equal(ev[1]->type, PW_EV_PROMOTION);
    assert_int_equal(ev[1]->date, D(2025, 9, 1));
    assert_money(ev[1]->previous_compensation, 62833.33);
    assert_money(ev[1]->compensation, 75400.00);       /* round2(62,833.33 x 1.2) */
    assert_int_equal(ev[1]->level, 2);
    /* 59 days at 60,000 + 184 at 62,833.33 + 122 at 75,400 */
    assert_money(y->prorated_comp[r], 66575.71);
    assert_money(y->current_comp[r], 75400.00);
}

static void test_raise_before_promotion(void **state)
{
    (void)state;
    world_begin();
    W.cfg.end_year = 2025;
    W.cfg.promotion_rate_multiplier = 10;
    W.cfg.promo_distribution_type = PW_PROMO_DETERMINISTIC;
    W.cfg.merit_mmdd = 301;
    W.cfg.promotion_mmdd = 901;
    add_promotable("EMP_P1", "60000");
    world_run(check_raise_before_promotion);
    world_end();
}

static void check_same_day(struct pw_test_world *w, const struct pw_sim *sim)
{
    (void)w;
    const struct pw_year *y = &sim->year;
    size_t r = pw_test_row_of(sim, "EMP_P1");
    const struct test_event *ev[8];
    int n = pw_test_events_of(sim, r, ev, 8);
    assert_int_equal(n, 2);
    /* same date: promotion (6) before raise (7); merit compounds on the promoted salary */
    assert_int_equal(ev[0]->type, PW_EV_PROMOTION);
    assert_int_equal(ev[1]->type, PW_EV_RAISE);
    assert_int_equal(ev[0]->date, ev[1]->date);
    assert_money(ev[0]->compensation, 72000);
    assert_money(ev[1]->previous_compensation, 72000);
    assert_money(ev[1]->compensation, 75400);
    /* 195 days at 60,000 + 170 at 75,400 */
    assert_money(y->prorated_comp[r], round2(60000.0 * 195 / 365 + 75400.0 * 170 / 365));
}

static void test_same_day_promotion_and_raise(void **state)
{
    (void)state;
    world_begin();
    W.cfg.end_year = 2025;
    W.cfg.promotion_rate_multiplier = 10;
    W.cfg.promo_distribution_type = PW_PROMO_DETERMINISTIC;
    W.cfg.promotion_mmdd = 715;
    add_promotable("EMP_P1", "60000");
    world_run(check_same_day);
    world_end();
}

/* Promotion rules on a larger roster: uniform raise pct in [0.15, 0.25], the
 * age/tenure/level gates, and the top level never promoted. */
static void check_promotion_rules(struct pw_test_world *w, const struct pw_sim *sim)
{
    const struct pw_year *y = &sim->year;
    for (size_t r = 0; r < y->n_roster; r++) {
        if (y->promo_date[r] == PW_NO_DATE) {
            assert_int_equal(y->end_level[r], y->start_level[r]);
            continue;
        }
        w->counter[0]++;
        assert_true(y->tenure[r] >= 1);
        assert_true(y->age[r] < 65);
        assert_true(y->start_level[r] < tables.levels.count);
        assert_int_equal(y->end_level[r], y->start_level[r] + 1);
        assert_true(y->promo_pct[r] >= 0.15 - 1e-12 && y->promo_pct[r] <= 0.25 + 1e-12);
        assert_money(y->promo_new[r], round2(y->promo_prev[r] * (1 + y->promo_pct[r])));
        assert_true(y->promo_prob[r] > 0 && y->promo_prob[r] <= 1);
    }
}

static void test_promotion_rules(void **state)
{
    (void)state;
    world_begin();
    W.cfg.end_year = 2027;
    W.cfg.promotion_rate_multiplier = 10;
    char id[32], birth[16], hire[16];
    for (int i = 0; i < 600; i++) {
        snprintf(id, sizeof id, "E%04d", i);
        snprintf(birth, sizeof birth, "%d-%02d-15", 1958 + i % 45, 1 + i % 12);
        snprintf(hire, sizeof hire, "%d-%02d-10", 2024 - i % 20, 1 + (i * 7) % 12);
        char level[4];
        snprintf(level, sizeof level, "%d", 1 + i % 5);
        add_employee(id, birth, hire, i % 5 == 4 ? "300000" : "90000", level);
    }
    world_run(check_promotion_rules);
    assert_true(W.counter[0] > 100);   /* the multiplier makes promotions common */
    world_end();
}

/* ---- hires, hours, proration ---- */

static void check_hires(struct pw_test_world *w, const struct pw_sim *sim)
{
    const struct pw_year *y = &sim->year;
    const double base[6] = {0, 63344.00, 96600.00, 140110.00, 255867.50, 448250.00};
    const double sigma = 0.05;
    for (int l = 1; l <= 5; l++) assert_money(sim->nh_base[l], base[l]);
    int prev_level = 0;
    for (size_t r = y->n_roster; r < y->n_pop; r++) {
        size_t q = r - y->n_roster + 1;
        char want[32];
        snprintf(want, sizeof want, "NH_%d_%06zu", y->year, q);
        assert_string_equal(sim->wf.employee_id[r], want);
        int level = y->start_level[r];
        assert_true(level >= prev_level);     /* ids in level order */
        prev_level = level;
        pw_date hire = sim->wf.hire_date[r];
        assert_true(hire >= y->jan1 && hire <= y->dec31);
        int age = pw_age(sim->wf.birth_date[r], hire);
        assert_true(age >= 14 && age <= 80);
        double s = y->start_salary[r];
        assert_true(s >= round2(base[level] * exp(-3 * sigma - sigma * sigma / 2)) - 0.01);
        assert_true(s <= round2(base[level] * exp(3 * sigma - sigma * sigma / 2)) + 0.01);
        /* no terminations configured: employed from hire to Dec 31 */
        assert_int_equal(y->term_kind[r], PW_TERM_NONE);
        int days = (int)(y->dec31 - hire) + 1;
        int hours = (int)floor(40.0 * 52.0 * days / y->days_in_year + 0.5 + 1e-9);
        assert_int_equal(y->hours_worked[r], hours);
        assert_money(y->prorated_comp[r], round2(s * days / y->days_in_year));
        assert_money(y->current_comp[r], s);
        if (y->days_in_year == 365 && hire == D(y->year, 7, 9)) {
            assert_int_equal(y->hours_worked[r], 1003);
            w->counter[1]++;
        }
        if (y->days_in_year == 365 && hire == D(y->year, 7, 10)) {
            assert_int_equal(y->hours_worked[r], 997);
            w->counter[2]++;
        }
        const struct test_event *ev[8];
        int n = pw_test_events_of(sim, r, ev, 8);
        assert_true(n >= 1);
        assert_int_equal(ev[0]->type, PW_EV_HIRE);
        assert_int_equal(ev[0]->date, hire);
        assert_int_equal(ev[0]->sequence, 1);
        assert_money(ev[0]->compensation, s);
        assert_true(isnan(ev[0]->previous_compensation));
        assert_money(ev[0]->probability, 1.0);
        w->counter[0]++;
    }
    /* growth 100%, no terminations: hires = N, ending = 2N */
    assert_int_equal(y->needs.total_hires, (int64_t)y->n_roster);
    assert_int_equal(y->needs.ending_headcount_actual, 2 * (int64_t)y->n_roster);
}

static void test_hires_hours_proration(void **state)
{
    (void)state;
    world_begin();
    W.cfg.end_year = 2028;               /* 2028 is a leap year */
    W.cfg.target_growth_rate = 1.0;
    W.cfg.total_termination_rate = 0.0;
    W.cfg.new_hire_termination_rate = 0.0;
    char id[32];
    for (int i = 0; i < 300; i++) {
        snprintf(id, sizeof id, "EMP_%06d", i + 1);
        add_employee(id, "1985-03-03", "2010-10-10", i % 2 ? "70000" : "130000", "");
    }
    world_run(check_hires);
    assert_int_equal(W.counter[0], 300 + 600 + 1200 + 2400);
    /* with ~2,000 non-leap-year hires, Jul 9 and Jul 10 hires exist (seed 42) */
    assert_true(W.counter[1] > 0);
    assert_true(W.counter[2] > 0);
    world_end();
}

/* Experienced terminations: amount = salary on the date; pay and hours to the date. */
static void check_terminations(struct pw_test_world *w, const struct pw_sim *sim)
{
    const struct pw_year *y = &sim->year;
    const pw_date merit_day = D(y->year, 7, 15);
    for (size_t r = 0; r < y->n_roster; r++) {
        if (y->term_kind[r] == PW_TERM_NONE) continue;
        assert_int_equal(y->term_kind[r], PW_TERM_EXPERIENCED);
        pw_date t = y->term_date[r];
        assert_true(t >= y->jan1 && t <= y->dec31);
        double s0 = y->start_salary[r];
        double rate = merit_rate(y->start_level[r]) + 0.02;
        double expect_now, expect_pay;
        int d_before = (int)(pw_min(t, merit_day - 1) - y->jan1) + 1;
        if (t < merit_day) {
            assert_int_equal(y->raise_date[r], PW_NO_DATE);  /* not employed on the raise date */
            expect_now = s0;
            expect_pay = s0 * d_before / y->days_in_year;
            w->counter[1]++;
        } else {
            double raised = round2(s0 * (1 + rate));
            expect_now = raised;
            expect_pay = s0 * d_before / y->days_in_year + raised * (double)(t - merit_day + 1) / y->days_in_year;
            w->counter[2]++;
        }
        assert_money(y->current_comp[r], expect_now);
        assert_money(y->prorated_comp[r], round2(expect_pay));
        int days = (int)(t - y->jan1) + 1;
        assert_int_equal(y->hours_worked[r], (int)floor(2080.0 * days / y->days_in_year + 0.5 + 1e-9));
        const struct test_event *ev[8];
        int n = pw_test_events_of(sim, r, ev, 8);
        assert_true(n >= 1);
        const struct test_event *last = ev[n - 1];
        assert_int_equal(last->type, PW_EV_TERMINATION);
        assert_int_equal(last->category, PW_CAT_EXPERIENCED_TERMINATION);
        assert_int_equal(last->date, t);
        assert_int_equal(last->sequence, n);
        assert_money(last->compensation, expect_now);
        assert_money(last->previous_compensation, expect_now);
        assert_true(last->probability > 0);   /* hazard weight */
        w->counter[0]++;
    }
    /* 2025: N 400, exp_terms floor(400 x 0.5) = 200, 200 hires back to 400;
     * 2026: Exp 200 (H_prev 200, n = 0), exp_terms 100, 100 hires */
    assert_int_equal(y->needs.total_experienced_terminations, y->year == 2025 ? 200 : 100);
    assert_int_equal(y->needs.total_hires, y->year == 2025 ? 200 : 100);
    assert_int_equal(y->needs.ending_headcount_actual, 400);
}

static void test_termination_amounts(void **state)
{
    (void)state;
    world_begin();
    W.cfg.end_year = 2026;
    W.cfg.target_growth_rate = 0.0;
    W.cfg.total_termination_rate = 0.5;
    W.cfg.new_hire_termination_rate = 0.0;
    W.cfg.promotion_rate_multiplier = 0;
    char id[32];
    for (int i = 0; i < 400; i++) {
        snprintf(id, sizeof id, "EMP_%06d", i + 1);
        add_employee(id, "1975-08-20", "2012-04-04", "88000", "2");
    }
    world_run(check_terminations);
    assert_int_equal(W.counter[0], 300);
    assert_true(W.counter[1] > 0 && W.counter[2] > 0);
    world_end();
}

int main(void)
{
    if (pw_test_tables_load(&tables) != 0) return 1;
    pw_log_set_verbosity(PW_QUIET);   /* the growth tests trigger "hires exceed half" warnings */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merit_single_employee),
        cmocka_unit_test(test_merit_caps),
        cmocka_unit_test(test_no_raise_cases),
        cmocka_unit_test(test_promotion_then_raise),
        cmocka_unit_test(test_promotion_caps),
        cmocka_unit_test(test_raise_before_promotion),
        cmocka_unit_test(test_same_day_promotion_and_raise),
        cmocka_unit_test(test_promotion_rules),
        cmocka_unit_test(test_hires_hours_proration),
        cmocka_unit_test(test_termination_amounts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
