/* test_plan_decisions.c: plan eligibility (MODEL 4.10), enrollment (4.11) and
 * deferral changes (4.12) on small hand-made workforces.
 *
 * This file drives the year pipeline itself so that a hook can change the year
 * before the plan steps (e.g. terminate someone on a chosen date): the
 * workforce steps of engine.c in their order, then eligibility -> enrollment ->
 * deferral (and the money step, as run_year does), a per-test check on the
 * finished decisions, and the year close (which applies pw_plan_year_close_row
 * to the survivors). Every year of every test also runs the invariant checks of
 * MODEL 7 (13-15) on every row, with per-employee counters kept over the
 * horizon. Expected values are written out from the MODEL rules, and draws are
 * recomputed here with pw_rng_u where an outcome depends on them. */
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
#include "core/rng.h"
#include "core/strpool.h"
#include "model/census.h"
#include "sim/sim.h"
#include "support/world.h"

#define assert_rate(got, want)                                                                       \
    do {                                                                                             \
        double g_ = (got), w_ = (want);                                                              \
        if (!(fabs(g_ - w_) < 1e-9)) {                                                               \
            print_error("%s:%d: %s = %.9f, want %.9f\n", __FILE__, __LINE__, #got, g_, w_);           \
            fail();                                                                                  \
        }                                                                                            \
    } while (0)

static struct pw_tables tables;
static pw_date D(int y, int m, int d) { return pw_date_from_ymd(y, m, d); }

/* ---- per-employee counters over the horizon (invariants 5, 13-15) ---- */

struct track {
    uint64_t key;
    bool used, was_eligible, opted_out, seen;
    int elig_events, enroll_events, optout_events;
    pw_date auto_date;          /* date of the auto-enrollment event, if any */
    double last_rate;           /* rate at b of the previous year */
    int last_year;
};
#define TRACK_CAP (1u << 16)
static struct track *tracks;

static struct track *track_of(uint64_t key)
{
    size_t i = (size_t)(pw_mix64(key) & (TRACK_CAP - 1));
    while (tracks[i].used && tracks[i].key != key) i = (i + 1) & (TRACK_CAP - 1);
    if (!tracks[i].used) {
        memset(&tracks[i], 0, sizeof tracks[i]);
        tracks[i].used = true;
        tracks[i].key = key;
        tracks[i].auto_date = PW_NO_DATE;
    }
    return &tracks[i];
}

/* ---- the tiny world of support/world.h, driven step by step ---- */

typedef void (*year_fn)(struct pw_sim *sim);

static struct pw_test_world W;
static int run_threads;           /* worker threads of the run */
static uint64_t year_hash[8];     /* per-year digest of the decisions (determinism test) */

/* A tiered formula 100% on [0, 3%) and 50% on [3%, top): ceiling C = top. */
static void set_tiered_formula(struct pw_plan_config *p, double top)
{
    int i = 0;
    while (i < p->formula_count && strcmp(p->formulas[i].name, "tiered_match") != 0) i++;
    if (i == p->formula_count) p->formula_count++;
    struct pw_match_formula *f = &p->formulas[i];
    memset(f, 0, sizeof *f);
    snprintf(f->name, sizeof f->name, "tiered_match");
    f->type = PW_FORMULA_TIERED;
    f->tier_count = 2;
    f->tiers[0] = (struct pw_match_tier){0.0, 0.03, 1.0};
    f->tiers[1] = (struct pw_match_tier){0.03, top, 0.5};
    f->has_cap = true;
    f->max_match_percentage = 0.04;
    snprintf(p->active_formula, sizeof p->active_formula, "tiered_match");
}

/* MODEL 2.2 defaults of the plan keys used here, with table-backed rates left
 * NAN (= take the assumption table). Set after finalize so the test does not
 * depend on how far the YAML wiring of these keys has come. */
static void plan_defaults(struct pw_plan_config *p)
{
    p->minimum_age = 21;
    p->waiting_period_days = 0;
    p->ae_enabled = true;
    p->ae_scope = PW_AE_NEW_HIRES_ONLY;
    p->ae_hire_date_cutoff = D(2020, 1, 1);
    p->ae_window_days = 45;
    p->ae_opt_out_grace_days = 30;
    p->ae_default_rate = 0.02;
    p->voluntary_enrollment_rate = 1.0;
    for (int i = 0; i < PW_AGE_GROUPS; i++) {
        p->opt_out_by_age[i] = p->proactive_by_age[i] = p->vol_base_by_age[i] = NAN;
        p->yoy_base_by_age[i] = p->yoy_deferral_by_age[i] = NAN;
        for (int j = 0; j < PW_INCOME_GROUPS; j++) p->vol_deferral[i][j] = NAN;
    }
    for (int i = 0; i < PW_INCOME_GROUPS; i++)
        p->opt_out_income_mult[i] = p->vol_income_mult[i] = p->yoy_income_mult[i] = NAN;
    for (int i = 0; i < PW_LEVEL_GROUPS; i++) p->vol_level_mult[i] = NAN;
    for (int i = 0; i < PW_TENURE_GROUPS; i++) p->yoy_tenure_mult[i] = NAN;
    p->proactive_enabled = true;
    p->proactive_min_days = 7;
    p->proactive_max_days = 35;
    p->voluntary_enabled = true;
    p->match_optimization = true;
    p->magnet_snap_probability = 0.45;
    p->magnet_max_rate = 0.10;
    p->magnet_min_rate = 0.01;
    p->yoy_enabled = true;
    p->yoy_month = 6;
    p->yoy_day = 15;
    p->roth_share = 0.15;
    p->esc_enabled = true;
    p->esc_mmdd = 101;
    p->esc_increment = 0.01;
    p->esc_max_rate = 0.10;
    p->esc_hire_date_cutoff = D(2020, 1, 1);
    p->esc_delay_years = 1;
    p->mr_enabled = false;
    p->mr_up_participation = 0.40, p->mr_up_maximize = 0.60, p->mr_up_partial_factor = 0.50;
    p->mr_down_enabled = true;
    p->mr_down_participation = 0.15, p->mr_down_to_max = 0.70, p->mr_down_partial_factor = 0.50;
    p->match_enabled = true;
    set_tiered_formula(p, 0.05);
}

static void plan_defaults_after_finalize(struct pw_test_world *w) { plan_defaults(&w->cfg.plan); }

static void world_begin(void)
{
    pw_test_world_begin(&W, &tables);
    run_threads = 1;
    memset(year_hash, 0, sizeof year_hash);
    /* A still workforce unless a test asks for movement. */
    W.cfg.target_growth_rate = 0.0;
    W.cfg.total_termination_rate = 0.0;
    W.cfg.new_hire_termination_rate = 0.0;
    W.cfg.end_year = 2025;
    /* The plan defaults go in once the workforce config is finalised; plan
     * settings of a test come after the first add_row. */
    W.after_finalize = plan_defaults_after_finalize;
    tracks = calloc(TRACK_CAP, sizeof *tracks);
    assert_non_null(tracks);
}

/* Census row; rate, aeoo ("true"/"false") and override may be NULL (absent). */
static void add_row(const char *id, const char *birth, const char *hire, const char *comp, const char *rate,
                    const char *aeoo, const char *override)
{
    struct pw_census_fields f;
    memset(&f, 0, sizeof f);
    pw_test_field(&f, PW_CC_EMPLOYEE_ID, id);
    pw_test_field(&f, PW_CC_BIRTH_DATE, birth);
    pw_test_field(&f, PW_CC_HIRE_DATE, hire);
    pw_test_field(&f, PW_CC_GROSS_COMPENSATION, comp);
    pw_test_field(&f, PW_CC_DEFERRAL_RATE, rate);
    pw_test_field(&f, PW_CC_AUTO_ESCALATION_OPT_OUT, aeoo);
    pw_test_field(&f, PW_CC_ELIGIBILITY_OVERRIDE, override);
    pw_test_world_add(&W, &f);
}

static void add_employee(const char *id, const char *birth, const char *hire, const char *comp)
{
    add_row(id, birth, hire, comp, NULL, NULL, NULL);
}

/* Ends row r's employment on date t in the current year (before the plan steps). */
static void terminate_on(struct pw_sim *sim, const char *id, pw_date t)
{
    size_t r = pw_test_row_of(sim, id);
    sim->year.term_kind[r] = PW_TERM_EXPERIENCED;
    sim->year.term_date[r] = t;
}

static void check_invariants(const struct pw_sim *sim);

/* Digest of the year's decisions in employee order (determinism test). */
static uint64_t year_digest(const struct pw_sim *sim)
{
    const struct pw_plan_year *py = &sim->plan;
    uint64_t h = 0xCBF29CE484222325ULL;
#define MIX(v)                                                            \
    do {                                                                  \
        uint64_t x_ = 0;                                                  \
        memcpy(&x_, &(v), sizeof(v) < 8 ? sizeof(v) : 8);                 \
        h = pw_mix64(h ^ x_);                                             \
    } while (0)
    for (size_t p = 0; p < sim->year.n_pop; p++) {
        size_t r = sim->year.order[p];
        MIX(sim->wf.key[r]);
        MIX(py->elig_event_date[r]);
        MIX(py->elig_status[r]);
        MIX(py->enroll_date[r]);
        MIX(py->enroll_method[r]);
        MIX(py->enroll_rate[r]);
        MIX(py->enroll_prob[r]);
        MIX(py->optout_date[r]);
        MIX(py->optout_prev_rate[r]);
        MIX(py->esc_date[r]);
        MIX(py->esc_new[r]);
        MIX(py->mr_new[r]);
        MIX(py->carry_enroll_date[r]);
        MIX(py->carry_optout_date[r]);
        MIX(py->rate_start[r]);
        MIX(py->n_changes[r]);
        for (unsigned i = 0; i < py->n_changes[r]; i++) {
            MIX(py->change_date[r * PW_PLAN_MAX_CHANGES + i]);
            MIX(py->change_rate[r * PW_PLAN_MAX_CHANGES + i]);
        }
    }
#undef MIX
    return h;
}

/* Runs S..E: workforce steps as engine.c, the plan steps, checks, plan close, year close. */
static void world_run(year_fn before_plan, year_fn check)
{
    struct pw_err err = {0};
    pw_test_world_start(&W, run_threads);
    struct pw_sim *sim = &W.sim;
    pw_plan_init_census(sim);   /* pw_sim_init does this too; it is idempotent */
    for (int year = W.cfg.start_year; year <= W.cfg.end_year; year++) {
        assert_int_equal(pw_step_start_year(sim, year, &err), 0);
        pw_step_solve(sim);
        size_t rows = sim->wf.count + (size_t)sim->year.needs.total_hires + 1;
        struct pw_scored *scored = realloc(sim->scored, rows * sizeof *scored);
        assert_non_null(scored);
        sim->scored = scored;
        pw_step_experienced_terminations(sim);
        assert_int_equal(pw_step_hires(sim, &err), 0);
        pw_step_new_hire_terminations(sim);
        pw_step_compensation(sim);
        pw_step_payroll(sim);
        pw__sim_build_order(sim);
        if (before_plan) before_plan(sim);
        assert_int_equal(pw_plan_year_reserve(&sim->plan, sim->year.n_pop), 0);
        assert_int_equal(pw_plan_money_reserve(&sim->money, sim->year.n_pop), 0);
        pw_step_eligibility(sim);
        pw_step_enrollment(sim);
        pw_step_deferral(sim);
        pw_step_plan_money(sim);
        check_invariants(sim);
        if (check) check(sim);
        if (year - W.cfg.start_year < 8) year_hash[year - W.cfg.start_year] = year_digest(sim);
        /* year close applies pw_plan_year_close_row to every survivor */
        assert_int_equal(pw_step_year_close(sim, &err), 0);
    }
}

static void world_end(void)
{
    pw_test_world_end(&W);
    free(tracks);
    tracks = NULL;
}

/* ---- invariants on every row of every year (MODEL 7: 5, 13, 14, 15) ---- */

static void check_invariants(const struct pw_sim *sim)
{
    const struct pw_year *y = &sim->year;
    const struct pw_workforce *wf = &sim->wf;
    const struct pw_plan_year *py = &sim->plan;
    const struct pw_plan_config *p = &sim->cfg->plan;
    const double cap = sim->cfg->plan_deferral_cap;
    const pw_date q = pw_mmdd_in_year(p->esc_mmdd, y->year);
    for (size_t r = 0; r < y->n_pop; r++) {
        struct track *t = track_of(wf->key[r]);
        const pw_date hire = wf->hire_date[r], e = wf->eligibility_date[r];
        const pw_date a = pw_year_interval_start(y, hire), b = pw_year_interval_end(y, r);
        if (t->seen) assert_int_equal(t->last_year, y->year - 1);   /* ids never reappear after a gap */
        /* 13: eligibility */
        if (wf->plan_excluded[r]) {
            assert_int_equal(py->elig_status[r], PW_PLAN_EXCLUDED);
            assert_int_equal(e, PW_NO_DATE);
            assert_int_equal(py->elig_event_date[r], PW_NO_DATE);
            assert_int_equal(py->enroll_date[r], PW_NO_DATE);
            assert_int_equal(py->n_changes[r], 0);
        } else {
            assert_true(e >= hire);
            assert_int_equal(py->elig_status[r], e <= b ? PW_PLAN_ELIGIBLE : PW_PLAN_PENDING);
            if (t->was_eligible) assert_int_equal(py->elig_status[r], PW_PLAN_ELIGIBLE);
        }
        if (py->elig_event_date[r] != PW_NO_DATE) {
            assert_int_equal(py->elig_event_date[r], e);
            assert_true(e >= y->jan1 && e <= b && e >= hire);
            assert_false(wf->is_eligible[r]);
            assert_true(++t->elig_events <= 1);
        }
        if (py->elig_status[r] == PW_PLAN_ELIGIBLE) t->was_eligible = true;
        /* 14: enrollment; the exception: with generate_synthetic_events a census
         * participant's own enrollment is an event of the first year */
        if (py->enroll_date[r] != PW_NO_DATE && py->enroll_method[r] == PW_ENROLL_CENSUS) {
            assert_true(W.cfg.generate_synthetic_events && y->year == W.cfg.start_year && wf->is_enrolled[r]);
        } else if (py->enroll_date[r] != PW_NO_DATE) {
            pw_date d = py->enroll_date[r];
            int m = py->enroll_method[r];
            assert_true(d >= a && d <= b && d >= e);
            assert_false(wf->is_enrolled[r]);
            assert_false(t->opted_out);
            assert_true(m >= PW_ENROLL_AUTO && m <= PW_ENROLL_YEAR_OVER_YEAR);
            if (m == PW_ENROLL_PROACTIVE || m == PW_ENROLL_VOLUNTARY)
                assert_true(py->enroll_rate[r] >= p->magnet_min_rate - 1e-12 &&
                            py->enroll_rate[r] <= p->magnet_max_rate + 1e-12);
            assert_rate(py->enroll_comp[r], pw_sim_salary_on(sim, r, d));
            assert_true(++t->enroll_events <= 1);
            if (m == PW_ENROLL_AUTO) t->auto_date = d;
        }
        if (py->optout_date[r] != PW_NO_DATE) {
            pw_date o = py->optout_date[r];
            assert_true(t->auto_date != PW_NO_DATE);
            assert_int_equal(o, t->auto_date + p->ae_opt_out_grace_days);
            assert_true(o >= a && o <= b);
            assert_true(++t->optout_events <= 1);
            assert_rate(py->optout_prev_rate[r], pw_plan_year_rate_on(py, r, o - 1));
            assert_rate(pw_plan_year_rate_on(py, r, o), 0.0);
        }
        /* 15: rates and the timeline */
        const size_t base = r * PW_PLAN_MAX_CHANGES;
        double rate = py->rate_start[r];
        assert_true(rate >= 0 && rate <= cap);
        if (t->seen) assert_rate(rate, t->last_rate);
        if (t->opted_out) {
            assert_rate(rate, 0.0);
            assert_int_equal(py->n_changes[r], 0);
        }
        for (unsigned i = 0; i < py->n_changes[r]; i++) {
            pw_date d = py->change_date[base + i];
            assert_true(d >= a && d <= b);
            if (i) assert_true(d >= py->change_date[base + i - 1]);
            rate = py->change_rate[base + i];
            assert_true(rate >= 0 && rate <= cap);
            if (py->optout_date[r] != PW_NO_DATE && d >= py->optout_date[r]) assert_rate(rate, 0.0);
        }
        if (py->esc_date[r] != PW_NO_DATE) {
            assert_int_equal(py->esc_date[r], q);
            assert_false(wf->auto_escalation_opt_out[r]);
            assert_true(py->esc_new[r] > py->esc_prev[r] && py->esc_new[r] <= p->esc_max_rate + 1e-12);
            assert_rate(py->esc_new[r], pw_round6(pw_min(p->esc_max_rate, py->esc_prev[r] + p->esc_increment)));
            assert_int_equal(py->esc_number[r], wf->escalation_count[r] + 1);
        }
        if (py->mr_date[r] != PW_NO_DATE) {
            assert_int_equal(y->year, sim->cfg->start_year);
            assert_int_equal(wf->enrollment_method[r], PW_ENROLL_CENSUS);
        }
        /* the snapshot rate is the rate of the latest rate-setting event (else the carried rate) */
        struct pw_plan_snapshot s;
        pw_plan_year_snapshot(py, r, wf, r, &s);
        assert_rate(s.current_deferral_rate, rate);
        assert_string_equal(s.participation_status, rate > 0 ? "participating" : "not_participating");
        if (py->optout_date[r] != PW_NO_DATE) t->opted_out = true;
        t->last_rate = rate;
        t->seen = true;
        t->last_year = y->year;
    }
}


/* Finds the event of a type among row r's plan events of the year. */
static int plan_events(const struct pw_sim *sim, size_t r, struct test_event *ev)
{
    return test_row_events(sim, r, TEST_PLAN_EVENT_TYPES, ev);
}

static const struct test_event *event_of(const struct test_event *ev, int n, int type)
{
    for (int i = 0; i < n; i++)
        if (ev[i].type == type) return &ev[i];
    return NULL;
}

/* ---- 4.10 eligibility ---- */

static void elig_hook(struct pw_sim *sim)
{
    if (sim->year.year != 2027) return;
    terminate_on(sim, "EL_TERM", D(2027, 2, 15));      /* two weeks before E */
    terminate_on(sim, "EL_TERM_ON", D(2027, 3, 1));    /* on E: employed that day */
}

static void check_elig(struct pw_sim *sim)
{
    const struct pw_plan_year *py = &sim->plan;
    const struct pw_workforce *wf = &sim->wf;
    const int Y = sim->year.year;
    struct test_event ev[PW_SIM_MAX_ROW_EVENTS];
    struct pw_plan_snapshot s;

    /* E = max(2022-01-01 + 90, birthday 21 = 2026-06-10) */
    size_t r = pw_test_row_of(sim, "EL_AGE");
    assert_int_equal(wf->eligibility_date[r], D(2026, 6, 10));
    assert_int_equal(py->elig_event_date[r], Y == 2026 ? D(2026, 6, 10) : PW_NO_DATE);
    assert_int_equal(py->elig_status[r], Y == 2025 ? PW_PLAN_PENDING : PW_PLAN_ELIGIBLE);

    /* E = 2024-12-15 + 90 days = 2025-03-15 (waiting period wins over the birthday) */
    r = pw_test_row_of(sim, "EL_WAIT");
    assert_int_equal(wf->eligibility_date[r], D(2025, 3, 15));
    assert_int_equal(py->elig_event_date[r], Y == 2025 ? D(2025, 3, 15) : PW_NO_DATE);
    if (Y == 2025) {
        int n = plan_events(sim, r, ev);
        const struct test_event *e = event_of(ev, n, PW_EV_ELIGIBILITY);
        assert_non_null(e);
        assert_int_equal(e->category, PW_CAT_ELIGIBILITY);
        assert_int_equal(e->date, D(2025, 3, 15));
        assert_int_equal(e->row, r);
        assert_rate(e->probability, 1.0);
        assert_true(isnan(e->compensation) && isnan(e->previous_compensation));
        assert_true(isnan(e->deferral_rate) && isnan(e->previous_deferral_rate));
        assert_string_equal(e->details, "eligibility_date=2025-03-15;minimum_age=21;waiting_period_days=90");
    }

    /* eligible before S: no event, eligible from the start */
    r = pw_test_row_of(sim, "EL_OLD");
    assert_true(wf->is_eligible[r]);
    assert_int_equal(py->elig_event_date[r], PW_NO_DATE);
    assert_int_equal(py->elig_status[r], PW_PLAN_ELIGIBLE);

    /* Feb 29 birthday: age 21 on Mar 1 of the common year 2025 */
    r = pw_test_row_of(sim, "EL_LEAP");
    assert_int_equal(py->elig_event_date[r], Y == 2025 ? D(2025, 3, 1) : PW_NO_DATE);

    /* override false, no deferral: excluded for good */
    r = pw_test_row_of(sim, "EL_EXCL");
    assert_int_equal(py->elig_status[r], PW_PLAN_EXCLUDED);
    assert_int_equal(plan_events(sim, r, ev), 0);
    pw_plan_year_snapshot(py, r, wf, r, &s);
    assert_int_equal(s.eligibility_date, PW_NO_DATE);
    assert_string_equal(s.eligibility_status, "excluded");
    assert_false(s.is_enrolled);
    assert_null(s.enrollment_method);

    /* pre-enrolled despite override false and age 18: eligible from C without events */
    r = pw_test_row_of(sim, "EL_PRE_X");
    assert_int_equal(wf->eligibility_date[r], D(2024, 12, 31));
    assert_int_equal(py->elig_event_date[r], PW_NO_DATE);
    assert_int_equal(py->enroll_date[r], PW_NO_DATE);
    assert_int_equal(py->elig_status[r], PW_PLAN_ELIGIBLE);
    pw_plan_year_snapshot(py, r, wf, r, &s);
    assert_true(s.is_enrolled);
    assert_string_equal(s.enrollment_method, "census");
    assert_int_equal(s.method, PW_ENROLL_CENSUS);
    assert_int_equal(s.enrollment_date, D(2024, 12, 31));
    assert_rate(s.original_deferral_rate, 0.05);
    assert_string_equal(s.eligibility_status, "eligible");

    /* E = 2027-03-01; leaves 2027-02-15: never eligible, status stays pending */
    r = pw_test_find_row(sim, "EL_TERM");
    if (Y <= 2027) {
        assert_true(r != (size_t)-1);
        assert_int_equal(py->elig_event_date[r], PW_NO_DATE);
        assert_int_equal(py->elig_status[r], PW_PLAN_PENDING);
    } else {
        assert_true(r == (size_t)-1);
    }
    r = pw_test_find_row(sim, "EL_TERM_ON");
    if (Y <= 2027) assert_int_equal(py->elig_event_date[r], Y == 2027 ? D(2027, 3, 1) : PW_NO_DATE);
    W.counter[0]++;
}

static void test_eligibility_rules(void **state)
{
    (void)state;
    world_begin();
    W.cfg.end_year = 2028;
    add_employee("EL_AGE", "2005-06-10", "2022-01-01", "50000");
    add_employee("EL_WAIT", "1980-01-01", "2024-12-15", "50000");
    add_employee("EL_OLD", "1980-01-01", "2010-05-05", "50000");
    add_employee("EL_LEAP", "2004-02-29", "2020-01-01", "50000");
    add_row("EL_EXCL", "1980-01-01", "2010-05-05", "50000", NULL, NULL, "false");
    add_row("EL_PRE_X", "2006-01-01", "2024-06-01", "50000", "0.05", NULL, "false");
    add_employee("EL_TERM", "2006-03-01", "2023-05-01", "50000");
    add_employee("EL_TERM_ON", "2006-03-01", "2023-05-01", "50000");
    W.cfg.plan.waiting_period_days = 90;
    world_run(elig_hook, check_elig);
    assert_int_equal(W.counter[0], 4);
    world_end();
}

/* Hires: E from 4.10 in the hire year, exclusion from the hire draw (stream 7). */
static void check_hire_elig(struct pw_sim *sim)
{
    const struct pw_year *y = &sim->year;
    const struct pw_workforce *wf = &sim->wf;
    const struct pw_plan_year *py = &sim->plan;
    for (size_t r = y->n_roster; r < y->n_pop; r++) {
        bool excluded = pw_rng_u(sim->seed_h, PW_STREAM_HIRE_INELIGIBLE, wf->key[r], (uint64_t)y->year, 0) < 0.3;
        assert_int_equal(wf->plan_excluded[r], excluded);
        assert_false(wf->is_enrolled[r]);
        if (excluded) {
            W.counter[0]++;
            continue;
        }
        pw_date by_age = pw_birthday(wf->birth_date[r], 25), by_service = wf->hire_date[r] + 30;
        pw_date e = by_age > by_service ? by_age : by_service;
        assert_int_equal(wf->eligibility_date[r], e);
        assert_int_equal(py->elig_event_date[r], e <= y->dec31 ? e : PW_NO_DATE);
        W.counter[e <= y->dec31 ? 1 : 2]++;
    }
    for (size_t r = 0; r < y->n_roster; r++)
        if (!wf->is_census[r] && py->elig_event_date[r] != PW_NO_DATE) W.counter[3]++;
}

static void test_hire_eligibility(void **state)
{
    (void)state;
    world_begin();
    W.cfg.end_year = 2028;
    W.cfg.target_growth_rate = 0.5;
    W.cfg.new_hire_ineligible_pct = 0.3;
    char id[32];
    for (int i = 0; i < 200; i++) {
        snprintf(id, sizeof id, "EMP_%04d", i);
        add_employee(id, "1985-01-01", "2015-01-01", "70000");
    }
    W.cfg.plan.minimum_age = 25;
    W.cfg.plan.waiting_period_days = 30;
    world_run(NULL, check_hire_elig);
    assert_true(W.counter[0] > 0);   /* excluded hires */
    assert_true(W.counter[1] > 0);   /* eligible in the hire year */
    assert_true(W.counter[2] > 0);   /* 22-year-olds reach 25 later */
    assert_true(W.counter[3] > 0);   /* ... and get their event then, once */
    world_end();
}

/* ---- 4.11 (b) auto-enrollment window and opt-out ---- */

static void set_opt_out_all(struct pw_plan_config *p, double v)
{
    for (int i = 0; i < PW_AGE_GROUPS; i++) p->opt_out_by_age[i] = v;
    for (int i = 0; i < PW_INCOME_GROUPS; i++) p->opt_out_income_mult[i] = 1.0;
}

static void ae_hook(struct pw_sim *sim)
{
    if (sim->year.year == 2026) terminate_on(sim, "AE_DEC_T", D(2026, 1, 10));   /* before A */
}

static void check_ae(struct pw_sim *sim)
{
    const struct pw_plan_year *py = &sim->plan;
    const struct pw_workforce *wf = &sim->wf;
    const int Y = sim->year.year;
    struct test_event ev[PW_SIM_MAX_ROW_EVENTS];
    struct pw_plan_snapshot s;

    /* Eligible before S, hired after the cutoff: W0 = Jan 1 2025, A = W0 + 45, O = A + 30. */
    size_t r = pw_test_row_of(sim, "AE_A");
    if (W.cfg.plan.ae_window_days != 45) {
        /* A = 2025-10-28, O = 2026-08-24 after the Jan 1 2026 escalation to 3% */
        const pw_date a0 = D(2025, 1, 1) + W.cfg.plan.ae_window_days, o0 = a0 + W.cfg.plan.ae_opt_out_grace_days;
        assert_int_equal(py->enroll_date[r], Y == pw_date_year(a0) ? a0 : PW_NO_DATE);
        assert_int_equal(py->optout_date[r], Y == pw_date_year(o0) ? o0 : PW_NO_DATE);
        if (Y == pw_date_year(o0)) assert_rate(py->optout_prev_rate[r], 0.03);
    } else if (Y == 2025) {
        assert_int_equal(py->enroll_date[r], D(2025, 2, 15));
        assert_int_equal(py->enroll_method[r], PW_ENROLL_AUTO);
        assert_rate(py->enroll_rate[r], 0.02);
        assert_int_equal(py->optout_date[r], D(2025, 3, 17));
        assert_rate(py->optout_prev_rate[r], 0.02);
        assert_int_equal(py->n_changes[r], 2);
        assert_rate(pw_plan_year_rate_on(py, r, D(2025, 2, 14)), 0.0);
        assert_rate(pw_plan_year_rate_on(py, r, D(2025, 2, 15)), 0.02);
        assert_rate(pw_plan_year_rate_on(py, r, D(2025, 3, 16)), 0.02);
        assert_rate(pw_plan_year_rate_on(py, r, D(2025, 3, 17)), 0.0);
        assert_int_equal(plan_events(sim, r, ev), 2);
        const struct test_event *en = event_of(ev, 2, PW_EV_ENROLLMENT);
        assert_non_null(en);
        assert_int_equal(en->category, PW_CAT_AUTO_ENROLLMENT);
        assert_int_equal(en->date, D(2025, 2, 15));
        assert_rate(en->compensation, 60000);
        assert_true(isnan(en->previous_compensation));
        assert_rate(en->deferral_rate, 0.02);
        assert_rate(en->previous_deferral_rate, 0.0);
        assert_rate(en->probability, 1.0);
        assert_string_equal(en->details, "method=auto;rate=0.020000;magnet=false");
        const struct test_event *oo = event_of(ev, 2, PW_EV_ENROLLMENT_CHANGE);
        assert_non_null(oo);
        assert_int_equal(oo->category, PW_CAT_ENROLLMENT_OPT_OUT);
        assert_int_equal(oo->date, D(2025, 3, 17));
        assert_rate(oo->compensation, 60000);
        assert_rate(oo->previous_compensation, 60000);
        assert_rate(oo->deferral_rate, 0.0);
        assert_rate(oo->previous_deferral_rate, 0.02);
        assert_rate(oo->probability, 1.0);
        assert_string_equal(oo->details, "action=opt_out;grace_period_days=30");
        pw_plan_year_snapshot(py, r, wf, r, &s);
        assert_false(s.is_enrolled);
        assert_int_equal(s.enrollment_date, D(2025, 2, 15));
        assert_string_equal(s.enrollment_method, "auto");
        assert_true(s.ever_opted_out);
        assert_rate(s.current_deferral_rate, 0.0);
        assert_rate(s.original_deferral_rate, 0.02);
        assert_string_equal(s.participation_status, "not_participating");
        assert_int_equal(s.total_deferral_escalations, 0);
    } else {
        /* opted out: never re-enrolled, never escalated, rate 0 */
        assert_true(wf->is_enrolled[r] && wf->ever_opted_out[r]);
        assert_int_equal(wf->opt_out_date[r], D(2025, 3, 17));
        assert_int_equal(plan_events(sim, r, ev), 0);
        assert_rate(py->rate_start[r], 0.0);
    }

    /* E = 2025-12-10 (21st birthday): W0 = E, A = 2026-01-24, O = 2026-02-23. */
    const pw_date a = D(2025, 12, 10) + W.cfg.plan.ae_window_days;
    const pw_date o = a + W.cfg.plan.ae_opt_out_grace_days;
    r = pw_test_row_of(sim, "AE_DEC");
    if (Y == 2025) {
        assert_int_equal(py->elig_event_date[r], D(2025, 12, 10));
        assert_true(py->decided[r] & PW_PLAN_DECIDED_WINDOW);
        assert_int_equal(py->enroll_date[r], PW_NO_DATE);
        assert_int_equal(py->carry_enroll_date[r], a);
        assert_int_equal(py->carry_enroll_method[r], PW_ENROLL_AUTO);
        assert_rate(py->carry_enroll_rate[r], 0.02);
        assert_int_equal(py->carry_optout_date[r], o);
        pw_plan_year_snapshot(py, r, wf, r, &s);
        assert_false(s.is_enrolled);
        assert_null(s.enrollment_method);
        assert_true(isnan(s.original_deferral_rate));
        assert_string_equal(s.eligibility_status, "eligible");
    } else if (pw_date_year(a) == Y || pw_date_year(o) == Y) {
        /* carried plan, emitted in the year of each date */
        assert_int_equal(py->decided[r], 0);
        assert_int_equal(py->enroll_date[r], pw_date_year(a) == Y ? a : PW_NO_DATE);
        assert_int_equal(py->optout_date[r], pw_date_year(o) == Y ? o : PW_NO_DATE);
        if (pw_date_year(a) == Y) assert_int_equal(wf->planned_enrollment_date[r], a);
        assert_int_equal(py->carry_enroll_date[r], PW_NO_DATE);
        assert_int_equal(py->carry_optout_date[r], pw_date_year(o) > Y ? o : PW_NO_DATE);
        if (pw_date_year(o) == Y) {
            /* the rate the opt-out replaces: 0.02, escalated on Jan 1 when enrolled a year before */
            double want = pw_date_year(a) < Y ? 0.03 : 0.02;
            assert_rate(py->optout_prev_rate[r], want);
            W.counter[1]++;
        }
        W.counter[0]++;
    } else {
        assert_int_equal(plan_events(sim, r, ev), 0);
    }

    r = pw_test_find_row(sim, "AE_DEC_T");
    if (Y == 2025) assert_int_equal(py->carry_enroll_date[r], a);
    if (Y == 2026) {
        assert_int_equal(plan_events(sim, r, ev), 0);
        assert_int_equal(py->n_changes[r], 0);
    }
    if (Y > 2026) assert_true(r == (size_t)-1);
}

static void run_ae(int window, int grace)
{
    world_begin();
    W.cfg.end_year = 2028;
    W.cfg.promotion_rate_multiplier = 0;
    add_employee("AE_A", "1990-04-04", "2023-03-01", "60000");
    add_employee("AE_DEC", "2004-12-10", "2023-06-01", "40000");
    add_employee("AE_DEC_T", "2004-12-10", "2023-06-01", "40000");
    W.cfg.plan.proactive_enabled = false;
    W.cfg.plan.ae_window_days = window;
    W.cfg.plan.ae_opt_out_grace_days = grace;
    set_opt_out_all(&W.cfg.plan, 1.0);
    world_run(ae_hook, check_ae);
    world_end();
}

static void test_auto_enrollment_opt_out(void **state)
{
    (void)state;
    run_ae(45, 30);           /* A and O in the year after the window starts */
    assert_int_equal(W.counter[0], 1);
    assert_int_equal(W.counter[1], 1);
    run_ae(300, 300);         /* A in 2026, O in 2027 after an escalation */
    assert_int_equal(W.counter[0], 2);
    assert_int_equal(W.counter[1], 1);
}

/* ---- 4.11 (b) proactive enrollment and the magnet ---- */

static double want_young_low;   /* expected proactive rate of PR_YL */
static int want_magnet;

static void check_proactive(struct pw_sim *sim)
{
    const struct pw_plan_year *py = &sim->plan;
    struct test_event ev[PW_SIM_MAX_ROW_EVENTS];
    if (sim->year.year != 2025) return;
    const char *ids[3] = {"PR_YL", "PR_MM", "PR_SE"};
    /* young/low 0.03 (magnet candidate, C = 0.05); mid/moderate 0.06 >= C; senior/executive 0.15 -> max 0.10 */
    const double want[3] = {want_young_low, 0.06, 0.10};
    for (int i = 0; i < 3; i++) {
        size_t r = pw_test_row_of(sim, ids[i]);
        double u = pw_rng_u(sim->seed, PW_STREAM_PROACTIVE_TIMING, sim->wf.key[r], 2025, 0);
        pw_date p = D(2025, 1, 1) + 7 + (pw_date)floor(u * 29);
        assert_int_equal(py->enroll_date[r], p);
        assert_int_equal(py->enroll_method[r], PW_ENROLL_PROACTIVE);
        assert_rate(py->enroll_rate[r], want[i]);
        assert_rate(py->enroll_prob[r], 1.0);
        assert_int_equal(py->optout_date[r], PW_NO_DATE);   /* opt-out only on the auto path */
        assert_int_equal(py->enroll_magnet[r], i == 0 ? want_magnet : 0);
        int n = plan_events(sim, r, ev);
        assert_int_equal(n, 1);
        assert_int_equal(ev[0].category, PW_CAT_PROACTIVE_VOLUNTARY);
        if (i == 0) {
            char want_details[64];
            snprintf(want_details, sizeof want_details, "method=proactive;rate=%.6f;magnet=%s", want[0],
                     want_magnet ? "true" : "false");
            assert_string_equal(ev[0].details, want_details);
        }
    }
}

static void run_proactive(double snap, bool match_enabled, double min_rate, double want, int magnet)
{
    world_begin();
    add_employee("PR_YL", "1998-01-01", "2021-01-01", "40000");
    add_employee("PR_MM", "1985-05-05", "2021-01-01", "80000");
    add_employee("PR_SE", "1960-01-01", "2021-01-01", "250000");
    for (int i = 0; i < PW_AGE_GROUPS; i++) W.cfg.plan.proactive_by_age[i] = 1.0;
    set_opt_out_all(&W.cfg.plan, 1.0);
    W.cfg.plan.magnet_snap_probability = snap;
    W.cfg.plan.match_enabled = match_enabled;
    W.cfg.plan.magnet_min_rate = min_rate;
    want_young_low = want;
    want_magnet = magnet;
    world_run(NULL, check_proactive);
    world_end();
}

static void test_proactive_and_magnet(void **state)
{
    (void)state;
    run_proactive(1.0, true, 0.01, 0.05, 1);    /* snaps to C */
    run_proactive(0.0, true, 0.01, 0.03, 0);    /* draw above snap_probability */
    run_proactive(1.0, false, 0.01, 0.03, 0);   /* no match, no magnet */
    run_proactive(0.0, true, 0.04, 0.04, 0);    /* clamped up to min_deferral_rate */
}

/* ---- 4.11 (c), (d) voluntary and year-over-year ---- */

static int vol_mode;   /* 0: voluntary and YoY certain; 1: voluntary never; 2: also no YoY */

static void vol_hook(struct pw_sim *sim)
{
    if (sim->year.year != 2025) return;
    terminate_on(sim, "V_TERM", D(2025, 5, 1));     /* gone before J */
    terminate_on(sim, "V_J_TERM", D(2025, 6, 15));  /* leaves on J: employed that day */
}

static void check_vol(struct pw_sim *sim)
{
    const struct pw_plan_year *py = &sim->plan;
    const struct pw_workforce *wf = &sim->wf;
    const int Y = sim->year.year;
    struct test_event ev[PW_SIM_MAX_ROW_EVENTS];

    /* E = 2026-03-20 >= Jan 1 S: voluntary decided in 2026 only; YoY from 2027 */
    size_t r = pw_test_row_of(sim, "V_NEW");
    if (Y == 2025) assert_int_equal(py->enroll_date[r], PW_NO_DATE);
    if (Y == 2026) {
        assert_true(py->decided[r] & PW_PLAN_DECIDED_VOLUNTARY);
        if (vol_mode == 0) {
            assert_int_equal(py->enroll_date[r], D(2026, 3, 20));
            assert_int_equal(py->enroll_method[r], PW_ENROLL_VOLUNTARY);
            assert_rate(py->enroll_rate[r], 0.03);   /* young x low, no snap */
            int n = plan_events(sim, r, ev);
            const struct test_event *en = event_of(ev, n, PW_EV_ENROLLMENT);
            assert_non_null(en);
            assert_int_equal(en->category, PW_CAT_VOLUNTARY_ENROLLMENT);
            assert_non_null(event_of(ev, n, PW_EV_ELIGIBILITY));   /* same day, priority 2 before 3 */
        } else {
            assert_int_equal(py->enroll_date[r], PW_NO_DATE);
        }
    }
    if (Y == 2027) {
        assert_true(wf->voluntary_decided[r]);
        assert_false(py->decided[r] & PW_PLAN_DECIDED_VOLUNTARY);
        if (vol_mode == 1) {
            assert_int_equal(py->enroll_date[r], D(2027, 6, 15));
            assert_int_equal(py->enroll_method[r], PW_ENROLL_YEAR_OVER_YEAR);
            assert_rate(py->enroll_rate[r], 0.03);   /* yoy young */
        } else {
            assert_int_equal(py->enroll_date[r], PW_NO_DATE);
        }
    }

    /* E before S, not AE-covered: YoY on Jun 15, never voluntary */
    r = pw_test_row_of(sim, "V_OLD");
    if (Y == 2025 && vol_mode < 2) {
        assert_int_equal(py->enroll_date[r], D(2025, 6, 15));
        assert_int_equal(py->enroll_method[r], PW_ENROLL_YEAR_OVER_YEAR);
        assert_rate(py->enroll_rate[r], 0.04);       /* age_2025 = 45: mid_career */
        assert_rate(py->enroll_prob[r], 1.0);
        int n = plan_events(sim, r, ev);
        assert_int_equal(n, 1);
        assert_int_equal(ev[0].category, PW_CAT_YEAR_OVER_YEAR_VOLUNTARY);
        assert_string_equal(ev[0].details, "method=year_over_year;rate=0.040000;magnet=false");
    } else {
        assert_int_equal(py->enroll_date[r], PW_NO_DATE);
    }
    assert_false(py->decided[r] & PW_PLAN_DECIDED_VOLUNTARY);

    assert_int_equal(plan_events(sim, pw_test_row_of(sim, "V_EXCL"), ev), 0);
    r = pw_test_row_of(sim, "V_PRE");
    assert_int_equal(py->enroll_date[r], PW_NO_DATE);
    assert_true(wf->is_enrolled[r]);
    if (Y == 2025) {
        assert_int_equal(py->enroll_date[pw_test_row_of(sim, "V_TERM")], PW_NO_DATE);
        assert_int_equal(py->enroll_date[pw_test_row_of(sim, "V_J_TERM")], vol_mode < 2 ? D(2025, 6, 15) : PW_NO_DATE);
    }
}

static void run_vol(int mode)
{
    world_begin();
    W.cfg.end_year = 2027;
    W.cfg.promotion_rate_multiplier = 0;
    add_employee("V_NEW", "2005-03-20", "2022-01-01", "30000");
    add_employee("V_OLD", "1980-02-02", "2010-03-03", "120000");
    add_row("V_EXCL", "1980-02-02", "2010-03-03", "120000", NULL, NULL, "false");
    add_row("V_PRE", "1980-02-02", "2010-03-03", "120000", "0.07", NULL, NULL);
    add_employee("V_TERM", "1980-02-02", "2010-03-03", "120000");
    add_employee("V_J_TERM", "1980-02-02", "2010-03-03", "120000");
    struct pw_plan_config *p = &W.cfg.plan;
    p->ae_enabled = false;
    p->magnet_snap_probability = 0;
    for (int i = 0; i < PW_AGE_GROUPS; i++) {
        p->vol_base_by_age[i] = mode == 0 ? 1.0 : 0.0;
        p->yoy_base_by_age[i] = 1.0;
    }
    for (int i = 0; i < PW_INCOME_GROUPS; i++) p->vol_income_mult[i] = p->yoy_income_mult[i] = 1.0;
    for (int i = 0; i < PW_LEVEL_GROUPS; i++) p->vol_level_mult[i] = 1.0;
    for (int i = 0; i < PW_TENURE_GROUPS; i++) p->yoy_tenure_mult[i] = 1.0;
    p->yoy_enabled = mode < 2;
    vol_mode = mode;
    world_run(vol_hook, check_vol);
    world_end();
}

static void test_voluntary_and_yoy(void **state)
{
    (void)state;
    run_vol(0);
    run_vol(1);
    run_vol(2);
}

/* ---- the reference system's conventions (README "Coming from PlanWise") ---- */

static void check_ref(struct pw_sim *sim)
{
    const struct pw_plan_year *py = &sim->plan;
    const int Y = sim->year.year;
    /* every_year: eligible since 2010, not enrolled: voluntary on Jan 15 at the
     * demographic rate (mid_career x high income 0.08), not year over year */
    size_t r = pw_test_row_of(sim, "R_OLD");
    assert_int_equal(sim->year.age[r], 44 + (Y - 2025)); /* reference age: 2024 - 1980, +1 a year */
    if (Y == 2025) {
        assert_int_equal(py->enroll_date[r], D(2025, 1, 15));
        assert_int_equal(py->enroll_method[r], PW_ENROLL_VOLUNTARY);
        assert_rate(py->enroll_rate[r], 0.08);
    } else {
        assert_int_equal(py->enroll_date[r], PW_NO_DATE);
    }
    /* a census row hired inside 2025 starts in the roster; eligible on its hire date,
     * it enrolls voluntarily that day, and its 2025 pay is prorated from it */
    r = pw_test_row_of(sim, "R_IN");
    assert_true(r < sim->year.n_roster);
    if (Y == 2025) {
        assert_int_equal(py->enroll_date[r], D(2025, 4, 1));
        assert_int_equal(py->enroll_method[r], PW_ENROLL_VOLUNTARY);
        assert_rate(sim->year.prorated_comp[r], pw_round2(73000.0 * 275 / 365));
    }
    /* generate_synthetic_events: the census participant's enrollment as an event of
     * the first year (Jan 1, its census rate), and nothing after */
    r = pw_test_row_of(sim, "R_PRE");
    struct test_event ev[PW_SIM_MAX_ROW_EVENTS];
    int n = plan_events(sim, r, ev);
    const struct test_event *e = event_of(ev, n, PW_EV_ENROLLMENT);
    if (Y == 2025) {
        assert_non_null(e);
        assert_int_equal(e->category, PW_CAT_CENSUS_ENROLLMENT);
        assert_int_equal(e->date, D(2025, 1, 1));
        assert_rate(e->deferral_rate, 0.05);
        assert_string_equal(e->details, "method=census;rate=0.050000;magnet=false");
    } else {
        assert_null(e);
    }
    assert_true(sim->wf.is_enrolled[r]);
    assert_int_equal(sim->wf.enrollment_date[r], D(2024, 12, 31)); /* the state keeps the census date */
    W.counter[0]++;
}

static void test_reference_conventions(void **state)
{
    (void)state;
    world_begin();
    W.cfg.end_year = 2026;
    W.cfg.promotion_rate_multiplier = 0;
    W.cfg.merit_budget = 0;
    W.cfg.cola_rate = 0, W.cfg.cola_rate_set = true;
    W.cfg.age_convention = PW_AGE_REFERENCE;
    add_employee("R_OLD", "1980-02-02", "2010-03-03", "120000");
    add_employee("R_IN", "1980-02-02", "2025-04-01", "73000");
    add_row("R_PRE", "1985-05-05", "2015-01-01", "80000", "0.05", NULL, NULL);
    W.cfg.generate_synthetic_events = true;
    struct pw_plan_config *p = &W.cfg.plan;
    p->ae_enabled = false;
    p->voluntary_every_year = true;
    p->magnet_snap_probability = 0;
    for (int i = 0; i < PW_AGE_GROUPS; i++) p->vol_base_by_age[i] = 1.0, p->yoy_base_by_age[i] = 1.0;
    for (int i = 0; i < PW_INCOME_GROUPS; i++) p->vol_income_mult[i] = p->yoy_income_mult[i] = 1.0;
    for (int i = 0; i < PW_LEVEL_GROUPS; i++) p->vol_level_mult[i] = 1.0;
    for (int i = 0; i < PW_TENURE_GROUPS; i++) p->yoy_tenure_mult[i] = 1.0;
    W.counter[0] = 0;
    world_run(NULL, check_ref);
    assert_int_equal(W.counter[0], 2);
    world_end();
}

/* ---- 4.12 auto-escalation ---- */

static int esc_mode;   /* which configuration run_esc set up */

/* Expected escalation of row id in year Y: 0 = none, else the new rate. */
static double esc_want(const char *id, int Y)
{
    switch (esc_mode) {
    case 0: /* defaults: Jan 1, +1% to 10%, delay 1, cutoff 2020-01-01 */
        if (!strcmp(id, "ES_A")) return Y <= 2028 ? 0.07 + 0.01 * (Y - 2025) : 0;
        if (!strcmp(id, "ES_B")) return Y == 2025 ? 0.10 : 0;
        if (!strcmp(id, "ES_AUTO")) return Y >= 2026 ? 0.03 + 0.01 * (Y - 2026) : 0;
        return 0;   /* ES_OLD before the cutoff, ES_AEOO opted out, ES_MAX above the cap */
    case 1: /* delay 2: census enrollment year 2024 -> first in 2026; auto 2025 -> 2027 */
        if (!strcmp(id, "ES_A")) return Y >= 2026 && Y <= 2029 ? 0.07 + 0.01 * (Y - 2026) : 0;
        if (!strcmp(id, "ES_B")) return Y == 2026 ? 0.10 : 0;
        if (!strcmp(id, "ES_AUTO")) return Y >= 2027 ? 0.03 + 0.01 * (Y - 2027) : 0;
        return 0;
    case 2: /* Jul 1, delay 0: the Feb 15 auto-enrollment escalates in its own year */
        if (!strcmp(id, "ES_A")) return Y <= 2028 ? 0.07 + 0.01 * (Y - 2025) : 0;
        if (!strcmp(id, "ES_B")) return Y == 2025 ? 0.10 : 0;
        if (!strcmp(id, "ES_AUTO")) return 0.03 + 0.01 * (Y - 2025);
        return 0;
    case 3: /* Mar 1, delay 0, everyone auto-enrolled opts out on Mar 17 */
        if (!strcmp(id, "ES_A")) return Y <= 2028 ? 0.07 + 0.01 * (Y - 2025) : 0;
        if (!strcmp(id, "ES_B")) return Y == 2025 ? 0.10 : 0;
        if (!strcmp(id, "ES_AUTO")) return Y == 2025 ? 0.03 : 0;
        return 0;
    case 4: /* no hire-date cutoff: ES_OLD escalates too */
        if (!strcmp(id, "ES_OLD")) return Y <= 2029 ? 0.06 + 0.01 * (Y - 2025) : 0;
        if (!strcmp(id, "ES_A")) return Y <= 2028 ? 0.07 + 0.01 * (Y - 2025) : 0;
        if (!strcmp(id, "ES_B")) return Y == 2025 ? 0.10 : 0;
        if (!strcmp(id, "ES_AUTO")) return Y >= 2026 ? 0.03 + 0.01 * (Y - 2026) : 0;
        return 0;
    default: return 0; /* escalation disabled */
    }
}

static void check_esc(struct pw_sim *sim)
{
    static const char *const ids[] = {"ES_A", "ES_B", "ES_OLD", "ES_AEOO", "ES_MAX", "ES_AUTO"};
    const struct pw_plan_year *py = &sim->plan;
    const struct pw_workforce *wf = &sim->wf;
    const int Y = sim->year.year;
    const pw_date q = pw_mmdd_in_year(W.cfg.plan.esc_mmdd, Y);
    struct test_event ev[PW_SIM_MAX_ROW_EVENTS];
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        size_t r = pw_test_row_of(sim, ids[i]);
        double want = esc_want(ids[i], Y);
        if (want == 0) {
            assert_int_equal(py->esc_date[r], PW_NO_DATE);
            continue;
        }
        assert_int_equal(py->esc_date[r], q);
        assert_rate(py->esc_new[r], want);
        assert_rate(py->esc_prev[r], !strcmp(ids[i], "ES_B") ? 0.095 : want - 0.01);
        int n = plan_events(sim, r, ev);
        const struct test_event *e = event_of(ev, n, PW_EV_ESCALATION);
        assert_non_null(e);
        assert_int_equal(e->category, PW_CAT_DEFERRAL_ESCALATION);
        assert_int_equal(e->date, q);
        assert_true(isnan(e->compensation) && isnan(e->previous_compensation));
        assert_rate(e->deferral_rate, want);
        assert_rate(e->probability, 1.0);
        char details[96];
        snprintf(details, sizeof details, "increment=0.010000;cap=0.100000;escalation_number=%d",
                 wf->escalation_count[r] + 1);
        assert_string_equal(e->details, details);
        struct pw_plan_snapshot s;
        pw_plan_year_snapshot(py, r, wf, r, &s);
        assert_int_equal(s.total_deferral_escalations, wf->escalation_count[r] + 1);
        assert_int_equal(s.last_escalation_date, q);
        W.counter[0]++;
    }
    size_t r = pw_test_row_of(sim, "ES_AUTO");
    if (esc_mode == 2 && Y == 2025) {
        /* enrollment Feb 15 at 2%, escalation Jul 1 to 3% */
        assert_int_equal(py->n_changes[r], 2);
        assert_int_equal(py->change_date[r * PW_PLAN_MAX_CHANGES + 1], D(2025, 7, 1));
        assert_rate(pw_plan_year_rate_on(py, r, D(2025, 6, 30)), 0.02);
        assert_rate(pw_plan_year_rate_on(py, r, D(2025, 7, 1)), 0.03);
    }
    if (esc_mode == 3 && Y == 2025) {
        /* Feb 15 enrol 2%, Mar 1 escalate 3%, Mar 17 opt out: the opt-out replaces 3% */
        assert_int_equal(py->n_changes[r], 3);
        assert_int_equal(py->optout_date[r], D(2025, 3, 17));
        assert_rate(py->optout_prev_rate[r], 0.03);
        const double want[3] = {0.02, 0.03, 0.0};
        const pw_date dates[3] = {D(2025, 2, 15), D(2025, 3, 1), D(2025, 3, 17)};
        for (int i = 0; i < 3; i++) {
            assert_int_equal(py->change_date[r * PW_PLAN_MAX_CHANGES + i], dates[i]);
            assert_rate(py->change_rate[r * PW_PLAN_MAX_CHANGES + i], want[i]);
        }
    }
    if (Y == 2029) {
        /* state carried to 2029 (pre-close): counts match the escalations so far */
        size_t ra = pw_test_row_of(sim, "ES_A");
        if (esc_mode == 0) {
            assert_int_equal(wf->escalation_count[ra], 4);
            assert_int_equal(wf->last_escalation_date[ra], D(2028, 1, 1));
            assert_rate(wf->deferral_rate[ra], 0.10);
        }
    }
}

static void run_esc(int mode)
{
    world_begin();
    W.cfg.end_year = 2029;
    W.cfg.promotion_rate_multiplier = 0;
    add_row("ES_A", "1980-01-01", "2021-01-01", "70000", "0.06", NULL, NULL);
    add_row("ES_B", "1980-01-01", "2021-01-01", "70000", "0.095", NULL, NULL);
    add_row("ES_OLD", "1980-01-01", "2015-01-01", "70000", "0.05", NULL, NULL);
    add_row("ES_AEOO", "1980-01-01", "2021-01-01", "70000", "0.05", "true", NULL);
    add_row("ES_MAX", "1980-01-01", "2021-01-01", "70000", "0.12", NULL, NULL);
    add_employee("ES_AUTO", "1980-01-01", "2022-01-01", "70000");
    struct pw_plan_config *p = &W.cfg.plan;
    p->proactive_enabled = false;
    set_opt_out_all(p, mode == 3 ? 1.0 : 0.0);
    if (mode == 1) p->esc_delay_years = 2;
    if (mode == 2) p->esc_mmdd = 701, p->esc_delay_years = 0;
    if (mode == 3) p->esc_mmdd = 301, p->esc_delay_years = 0;
    if (mode == 4) p->esc_hire_date_cutoff = PW_NO_DATE;
    if (mode == 5) p->esc_enabled = false;
    esc_mode = mode;
    world_run(NULL, check_esc);
    world_end();
}

static void test_escalation(void **state)
{
    (void)state;
    const long want[6] = {4 + 1 + 4, 4 + 1 + 3, 4 + 1 + 5, 4 + 1 + 1, 5 + 4 + 1 + 4, 0};
    for (int mode = 0; mode < 6; mode++) {
        run_esc(mode);
        assert_int_equal(W.counter[0], want[mode]);
    }
}

/* ---- 4.12 match response ---- */

struct mr_case {
    const char *id, *rate;
    double want;       /* new rate; < 0: no event */
    int flags;
};
static const struct mr_case *mr_cases;
static int mr_case_count;

static void check_mr(struct pw_sim *sim)
{
    const struct pw_plan_year *py = &sim->plan;
    const int Y = sim->year.year;
    struct test_event ev[PW_SIM_MAX_ROW_EVENTS];
    for (int i = 0; i < mr_case_count; i++) {
        const struct mr_case *c = &mr_cases[i];
        size_t r = pw_test_row_of(sim, c->id);
        if (Y != 2025 || c->want < 0) {
            assert_int_equal(py->mr_date[r], PW_NO_DATE);
            continue;
        }
        assert_int_equal(py->mr_date[r], D(2025, 1, 1));
        assert_rate(py->mr_new[r], c->want);
        assert_int_equal(py->mr_flags[r], c->flags);
        int n = plan_events(sim, r, ev);
        const struct test_event *e = event_of(ev, n, PW_EV_MATCH_RESPONSE);
        assert_non_null(e);
        assert_int_equal(e->category, PW_CAT_MATCH_RESPONSE);
        assert_rate(e->compensation, 70000);
        assert_rate(e->previous_compensation, 70000);
        assert_rate(e->deferral_rate, c->want);
        assert_rate(e->previous_deferral_rate, atof(c->rate));
        assert_rate(e->probability, c->flags & PW_MR_UPWARD ? W.cfg.plan.mr_up_participation
                                                            : W.cfg.plan.mr_down_participation);
        char details[96];
        snprintf(details, sizeof details, "direction=%s;mode=%s;ceiling=%.6f",
                 c->flags & PW_MR_UPWARD ? "upward" : "downward",
                 c->flags & PW_MR_TO_CEILING ? (c->flags & PW_MR_UPWARD ? "maximize" : "reduce_to_max") : "partial",
                 py->mr_ceiling[r]);
        assert_string_equal(e->details, details);
        W.counter[0]++;
    }
    /* auto-enrolled in S: no match response (census pre-enrolled only) */
    assert_int_equal(py->mr_date[pw_test_row_of(sim, "MR_AUTO")], PW_NO_DATE);
}

/* Participation and mode draws forced through the rates: up/down participation
 * 1 and maximize/to-max 0 (partial) or 1 (to the ceiling). */
static void run_mr(const struct mr_case *cases, int n, double top, int to_ceiling, double max_rate, bool esc)
{
    world_begin();
    W.cfg.end_year = 2026;
    W.cfg.promotion_rate_multiplier = 0;
    for (int i = 0; i < n; i++) add_row(cases[i].id, "1980-01-01", "2021-01-01", "70000", cases[i].rate, NULL, NULL);
    add_employee("MR_AUTO", "1980-01-01", "2022-01-01", "70000");
    struct pw_plan_config *p = &W.cfg.plan;
    set_tiered_formula(p, top);
    p->mr_enabled = true;
    p->mr_up_participation = p->mr_down_participation = 1.0;
    p->mr_up_maximize = p->mr_down_to_max = to_ceiling;
    p->esc_max_rate = max_rate;
    p->esc_enabled = esc;
    mr_cases = cases;
    mr_case_count = n;
    world_run(NULL, check_mr);
    world_end();
}

static void check_mr_then_escalation(struct pw_sim *sim)
{
    const struct pw_plan_year *py = &sim->plan;
    if (sim->year.year != 2025) return;
    size_t r = pw_test_row_of(sim, "MR_02");
    /* Jan 1: match response 2% -> 5%, then escalation on the same date 5% -> 6% */
    assert_int_equal(py->n_changes[r], 2);
    assert_int_equal(py->change_date[r * PW_PLAN_MAX_CHANGES], D(2025, 1, 1));
    assert_rate(py->change_rate[r * PW_PLAN_MAX_CHANGES], 0.05);
    assert_int_equal(py->change_date[r * PW_PLAN_MAX_CHANGES + 1], D(2025, 1, 1));
    assert_rate(py->change_rate[r * PW_PLAN_MAX_CHANGES + 1], 0.06);
    assert_rate(py->esc_prev[r], 0.05);
    assert_rate(pw_plan_year_rate_on(py, r, D(2025, 1, 1)), 0.06);
    struct pw_plan_snapshot s;
    pw_plan_year_snapshot(py, r, &sim->wf, r, &s);
    assert_rate(s.current_deferral_rate, 0.06);
    assert_rate(s.original_deferral_rate, 0.02);
    W.counter[1]++;
}

/* Defaults (0.40 / 0.60 / 0.15 / 0.70): every outcome recomputed from the draws. */
static void check_mr_draws(struct pw_sim *sim)
{
    const struct pw_plan_year *py = &sim->plan;
    const struct pw_plan_config *p = &sim->cfg->plan;
    if (sim->year.year != 2025) return;
    for (size_t r = 0; r < sim->year.n_roster; r++) {
        if (sim->wf.enrollment_method[r] != PW_ENROLL_CENSUS) continue;
        double rate = py->rate_start[r], c = 0.05, want = -1;
        double u0 = pw_rng_u(sim->seed, PW_STREAM_MATCH_RESPONSE, sim->wf.key[r], 2025, 0);
        double u1 = pw_rng_u(sim->seed, PW_STREAM_MATCH_RESPONSE, sim->wf.key[r], 2025, 1);
        if (rate < c - 1e-9 && u0 < p->mr_up_participation) {
            want = u0 < p->mr_up_participation * p->mr_up_maximize ? c : 0.005 * pw_rha((rate + 0.5 * (c - rate)) / 0.005);
            want = pw_min(want, p->esc_max_rate);
            W.counter[u0 < p->mr_up_participation * p->mr_up_maximize ? 2 : 3]++;
        } else if (rate > c + 1e-9 && u1 < p->mr_down_participation) {
            want = u1 < p->mr_down_participation * p->mr_down_to_max ? c : 0.005 * pw_rha((rate - 0.5 * (rate - c)) / 0.005);
            W.counter[u1 < p->mr_down_participation * p->mr_down_to_max ? 4 : 5]++;
        }
        if (want >= 0 && fabs(want - rate) < 1e-9) want = -1;
        if (want < 0) {
            assert_int_equal(py->mr_date[r], PW_NO_DATE);
        } else {
            assert_int_equal(py->mr_date[r], D(2025, 1, 1));
            assert_rate(py->mr_new[r], want);
            W.counter[6]++;
        }
    }
}

static void test_match_response(void **state)
{
    (void)state;
    /* partial moves, C = 5%: r + 0.5 (C - r) and r - 0.5 (r - C) rounded to 0.005 */
    static const struct mr_case partial[] = {
        {"MR_02", "0.02", 0.035, PW_MR_UPWARD},      /* 0.035 */
        {"MR_021", "0.021", 0.035, PW_MR_UPWARD},    /* 0.0355 -> 7.1 steps -> 0.035 */
        {"MR_025", "0.025", 0.04, PW_MR_UPWARD},     /* 0.0375 -> 7.5 steps -> 8 -> 0.040 */
        {"MR_049", "0.049", 0.05, PW_MR_UPWARD},     /* 0.0495 -> 9.9 -> 10 */
        {"MR_05", "0.05", -1, 0},                    /* r = C: nothing */
        {"MR_08", "0.08", 0.065, PW_MR_DOWNWARD},    /* 0.065 */
        {"MR_0875", "0.0875", 0.07, PW_MR_DOWNWARD}, /* 0.06875 -> 13.75 -> 14 -> 0.070 */
    };
    run_mr(partial, 7, 0.05, 0, 0.10, false);
    assert_int_equal(W.counter[0], 6);
    /* to the ceiling, capped by maximum_rate: up min(C, 4%) = 4%, down to C */
    static const struct mr_case ceiling[] = {
        {"MR_02", "0.02", 0.04, PW_MR_UPWARD | PW_MR_TO_CEILING},
        {"MR_04", "0.04", -1, 0},                    /* min(5%, 4%) = r: unchanged, no event */
        {"MR_08", "0.08", 0.05, PW_MR_DOWNWARD | PW_MR_TO_CEILING},
    };
    run_mr(ceiling, 3, 0.05, 1, 0.04, false);
    assert_int_equal(W.counter[0], 2);
    /* C = 4.2%: 4% + 0.1% = 4.1% rounds back to 4%: no change, no event */
    static const struct mr_case same[] = {{"MR_04", "0.04", -1, 0}, {"MR_02", "0.02", 0.03, PW_MR_UPWARD}};
    run_mr(same, 2, 0.042, 0, 0.10, false);
    assert_int_equal(W.counter[0], 1);
    /* match response then escalation on Jan 1 */
    world_begin();
    W.cfg.end_year = 2026;
    W.cfg.promotion_rate_multiplier = 0;
    add_row("MR_02", "1980-01-01", "2021-01-01", "70000", "0.02", NULL, NULL);
    W.cfg.plan.mr_enabled = true;
    W.cfg.plan.mr_up_participation = W.cfg.plan.mr_up_maximize = 1.0;
    world_run(NULL, check_mr_then_escalation);
    assert_int_equal(W.counter[1], 1);
    world_end();
    /* default participation: outcomes follow stream 20 */
    world_begin();
    W.cfg.end_year = 2026;
    W.cfg.promotion_rate_multiplier = 0;
    char id[32], rate[16];
    for (int i = 0; i < 600; i++) {
        snprintf(id, sizeof id, "MRD_%04d", i);
        snprintf(rate, sizeof rate, "%.3f", 0.005 + 0.001 * (i % 120));
        add_row(id, "1980-01-01", "2021-01-01", "70000", rate, NULL, NULL);
    }
    W.cfg.plan.mr_enabled = true;
    world_run(NULL, check_mr_draws);
    for (int k = 2; k <= 6; k++) assert_true(W.counter[k] > 0);
    world_end();
}

/* ---- every enrollment outcome of S recomputed from the draws ---- */

/* A census of n rows with spread ages, hire dates and pay; every 5th row is
 * pre-enrolled, every 13th excluded by its override. Hire ages 18-57. */
static void add_population(int n)
{
    char id[32], birth[16], hire[16], comp[16];
    for (int i = 0; i < n; i++) {
        int hire_year = 2005 + (i * 11) % 20;
        int birth_year = hire_year - 18 - (i * 7) % 40;
        snprintf(id, sizeof id, "POP_%05d", i);
        snprintf(birth, sizeof birth, "%d-%02d-%02d", birth_year, 1 + i % 12, 1 + (i * 3) % 28);
        snprintf(hire, sizeof hire, "%d-%02d-%02d", hire_year, 1 + (i * 5) % 12, 1 + i % 27);
        snprintf(comp, sizeof comp, "%d", 30000 + (i * 7919) % 270000);
        add_row(id, birth, hire, comp, i % 5 == 0 ? "0.04" : NULL, NULL, i % 13 == 0 ? "false" : NULL);
    }
}

static int grp(int dim, double v) { return pw_group_index(&tables.groups[dim], v); }

/* Expected decision of a census row in S under the default rates (tables). */
static void check_draws(struct pw_sim *sim)
{
    const struct pw_year *y = &sim->year;
    const struct pw_workforce *wf = &sim->wf;
    const struct pw_plan_year *py = &sim->plan;
    const uint64_t seed = sim->seed;
    if (y->year != 2025) return;
    for (size_t r = 0; r < y->n_roster; r++) {
        const uint64_t key = wf->key[r];
        const pw_date e = wf->eligibility_date[r];
        pw_date want_date = PW_NO_DATE, want_carry = PW_NO_DATE, want_opt = PW_NO_DATE;
        int want_method = PW_ENROLL_NONE;
        double want_rate = 0, want_prob = 0;
        const int ag = grp(PW_DIM_AGE, y->age[r]);
        if (wf->plan_excluded[r] || wf->is_enrolled[r] || e > y->dec31) {
            /* excluded, pre-enrolled, or not eligible yet: nothing */
        } else if (wf->hire_date[r] >= D(2020, 1, 1)) {
            pw_date w0 = e > y->jan1 ? e : y->jan1;
            int ig = grp(PW_DIM_INCOME, pw_sim_salary_on(sim, r, w0));
            double p = tables.proactive_prob_by_age[ag];
            if (pw_rng_u(seed, PW_STREAM_PROACTIVE, key, 2025, 0) < p) {
                want_date = w0 + 7 + (pw_date)floor(pw_rng_u(seed, PW_STREAM_PROACTIVE_TIMING, key, 2025, 0) * 29);
                want_method = PW_ENROLL_PROACTIVE;
                want_rate = tables.voluntary_deferral[ag][ig];
                if (pw_rng_u(seed, PW_STREAM_PROACTIVE_RATE, key, 2025, 0) < 0.45 && want_rate < 0.05) want_rate = 0.05;
                want_rate = pw_clamp(want_rate, 0.01, 0.10);
                want_prob = p;
                W.counter[0]++;
            } else {
                want_date = w0 + 45;
                want_method = PW_ENROLL_AUTO;
                want_rate = 0.02;
                want_prob = 1.0;
                double po = pw_min(1.0, tables.opt_out_rate_by_age[ag] * tables.opt_out_income_mult[ig]);
                if (pw_rng_u(seed, PW_STREAM_OPT_OUT, key, 2025, 0) < po) {
                    want_opt = want_date + 30;
                    W.counter[2]++;
                }
                W.counter[1]++;
            }
            if (want_date > y->dec31) want_carry = want_date, want_date = PW_NO_DATE;
        } else if (e < y->jan1) {
            pw_date j = D(2025, 6, 15);
            int ig = grp(PW_DIM_INCOME, pw_sim_salary_on(sim, r, j));
            double p = pw_min(1.0, tables.yoy_base_by_age[ag] * tables.yoy_income_mult[ig] *
                                       tables.yoy_tenure_mult[grp(PW_DIM_TENURE, y->tenure[r])]);
            if (pw_rng_u(seed, PW_STREAM_YOY, key, 2025, 0) < p) {
                want_date = j, want_method = PW_ENROLL_YEAR_OVER_YEAR;
                want_rate = tables.yoy_deferral_by_age[ag], want_prob = p;
                W.counter[3]++;
            }
        } else {
            int ig = grp(PW_DIM_INCOME, pw_sim_salary_on(sim, r, e));
            int lg = grp(PW_DIM_JOB_LEVEL, pw_plan_level_on(y, r, e));
            double p = pw_min(1.0, tables.voluntary_base_by_age[ag] * tables.voluntary_income_mult[ig] *
                                       tables.voluntary_level_mult[lg]);
            if (pw_rng_u(seed, PW_STREAM_VOLUNTARY, key, 2025, 0) < p) {
                want_date = e, want_method = PW_ENROLL_VOLUNTARY, want_prob = p;
                want_rate = tables.voluntary_deferral[ag][ig];
                if (pw_rng_u(seed, PW_STREAM_VOLUNTARY_RATE, key, 2025, 0) < 0.45 && want_rate < 0.05) want_rate = 0.05;
                want_rate = pw_clamp(want_rate, 0.01, 0.10);
                W.counter[4]++;
            }
        }
        assert_int_equal(py->enroll_date[r], want_date);
        assert_int_equal(py->carry_enroll_date[r], want_carry);
        if (want_date != PW_NO_DATE) {
            assert_int_equal(py->enroll_method[r], want_method);
            assert_rate(py->enroll_rate[r], want_rate);
            assert_rate(py->enroll_prob[r], want_prob);
        }
        if (want_opt != PW_NO_DATE && want_opt <= y->dec31) assert_int_equal(py->optout_date[r], want_opt);
        else assert_int_equal(py->optout_date[r], PW_NO_DATE);
    }
}

static void test_enrollment_draws(void **state)
{
    (void)state;
    world_begin();
    W.cfg.end_year = 2026;
    add_population(3000);
    W.cfg.plan.minimum_age = 30;   /* so that some employees hired before the AE cutoff reach E in S */
    world_run(NULL, check_draws);
    for (int k = 0; k <= 4; k++) assert_true(W.counter[k] > 0);   /* every path taken */
    world_end();
}

/* ---- determinism over thread counts, with hires and terminations ---- */

static void run_moving(int threads, uint64_t *hash)
{
    world_begin();
    run_threads = threads;
    W.cfg.end_year = 2028;
    W.cfg.target_growth_rate = 0.03;
    W.cfg.total_termination_rate = 0.12;
    W.cfg.new_hire_termination_rate = 0.25;
    W.cfg.new_hire_ineligible_pct = 0.1;
    add_population(9000);   /* three chunks of PW_CHUNK_ROWS */
    W.cfg.plan.mr_enabled = true;
    W.cfg.plan.esc_delay_years = 0;
    world_run(NULL, NULL);
    memcpy(hash, year_hash, sizeof year_hash);
    world_end();
}

static void test_determinism_and_invariants(void **state)
{
    (void)state;
    uint64_t one[8], many[8];
    run_moving(1, one);
    run_moving(4, many);
    assert_memory_equal(one, many, sizeof one);
}

int main(void)
{
    if (pw_test_tables_load(&tables) != 0) return 1;
    pw_log_set_verbosity(PW_QUIET);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eligibility_rules),
        cmocka_unit_test(test_hire_eligibility),
        cmocka_unit_test(test_auto_enrollment_opt_out),
        cmocka_unit_test(test_proactive_and_magnet),
        cmocka_unit_test(test_voluntary_and_yoy),
        cmocka_unit_test(test_enrollment_draws),
        cmocka_unit_test(test_escalation),
        cmocka_unit_test(test_match_response),
        cmocka_unit_test(test_reference_conventions),
        cmocka_unit_test(test_determinism_and_invariants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
