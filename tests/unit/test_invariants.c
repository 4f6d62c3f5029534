/* test_invariants.c: the engine's invariant checks (sim/invariants.c, MODEL 7).
 *
 * The world of support/world.h with a generated census (model/census_gen.h) runs
 * through pw_sim_run, which checks every year. In the finished year 2027 (seen by
 * the sink, after the engine's own check passed) each case corrupts one value of
 * the year's arrays, events or carried state the way a bug would, runs
 * pw_step_invariants and asserts that exactly the expected invariant is reported,
 * for that year and that employee (or for the year alone, invariants 1-4), then
 * restores the value and checks that the year passes again. Also:
 *   - the reported violation is that of the lowest output position, for 1 and 3
 *     threads (two corrupted rows in different chunks);
 *   - inside a run, a violation stops pw_sim_run with PW_EINTERNAL before the
 *     sink sees the year;
 *   - correct runs of every example design in config/examples (and the shipped
 *     configuration) pass every year. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/num.h"
#include "io/yaml_config.h"
#include "model/census_gen.h"
#include "sim/plan_money.h"
#include "sim/sim.h"
#include "support/world.h"

#define FIRST 2025
#define LAST 2027
#define N_EMPLOYEES 5000   /* two chunks of output positions */

static struct pw_tables tables;

static const char *const names[21] = {
    "", "headcount continuity", "growth exactness", "solver", "quotas", "uniqueness", "nothing after termination",
    "event dates", "events unique and ordered", "promotions and raises", "new hires", "snapshot", "proration",
    "eligibility", "enrollment", "deferral rates", "contributions", "match", "core and 415(c)", "vesting",
    "ages, hours and HCE",
};

/* ---- the world ---- */

static void add_census(struct pw_test_world *w, size_t n)
{
    struct pw_err err = {0};
    struct pw_census_gen_options o;
    pw_census_gen_options_init(&o);
    o.employees = n;
    o.seed = 7;
    o.start_year = w->cfg.start_year;
    assert_int_equal(pw_census_gen_check(&o, &tables.levels, &err), 0);
    for (size_t i = 0; i < n; i++) {
        struct pw_census_gen_row g;
        pw_census_gen_row(&o, &tables.levels, i, &g);
        char birth[11], hire[11], comp[32], rate[32], hours[32], level[8];
        pw_date_format(g.birth_date, birth);
        pw_date_format(g.hire_date, hire);
        snprintf(comp, sizeof comp, "%.2f", g.compensation);
        snprintf(rate, sizeof rate, "%.4f", g.deferral_rate);
        snprintf(hours, sizeof hours, "%g", g.hours_per_week);
        snprintf(level, sizeof level, "%d", g.level_id);
        struct pw_census_fields f;
        memset(&f, 0, sizeof f);
        pw_test_field(&f, PW_CC_EMPLOYEE_ID, g.employee_id);
        pw_test_field(&f, PW_CC_SSN, g.ssn);
        pw_test_field(&f, PW_CC_BIRTH_DATE, birth);
        pw_test_field(&f, PW_CC_HIRE_DATE, hire);
        pw_test_field(&f, PW_CC_GROSS_COMPENSATION, comp);
        pw_test_field(&f, PW_CC_DEFERRAL_RATE, rate);
        pw_test_field(&f, PW_CC_HOURS, hours);
        pw_test_field(&f, PW_CC_AUTO_ESCALATION_OPT_OUT, g.auto_escalation_opt_out ? "true" : "false");
        pw_test_field(&f, PW_CC_LEVEL_ID, level);
        pw_test_world_add(w, &f);
    }
}

typedef void (*year_fn)(struct pw_sim *sim);

static struct pw_test_world W;
static year_fn on_year;            /* called with every finished year */
static int years_written;

static int sink_write(void *ctx, const struct pw_sim *sim, struct pw_err *err)
{
    (void)ctx;
    (void)err;
    years_written++;
    /* The sink sees the year read-only; the cases corrupt and restore it. */
    if (on_year) on_year((struct pw_sim *)sim);
    return 0;
}

/* Runs FIRST..LAST with the default configuration, the match response on (so that
 * every kind of plan event occurs) and on_year called on every finished year. */
static void run_world(int threads, year_fn fn)
{
    struct pw_err err = {0};
    pw_test_world_begin(&W, &tables);
    W.cfg.start_year = FIRST;
    W.cfg.end_year = LAST;
    W.cfg.plan.mr_enabled = true;
    W.cfg.part_time_new_hire_pct = 0.1;
    pw_test_world_finalize(&W);
    add_census(&W, N_EMPLOYEES);
    pw_test_world_start(&W, threads);
    on_year = fn;
    years_written = 0;
    struct pw_sink sink = {NULL, sink_write, NULL, NULL};
    int rc = pw_sim_run(&W.sim, &sink, &err);
    if (rc) print_error("run: %s\n", err.msg);
    assert_int_equal(rc, 0);
    assert_int_equal(years_written, LAST - FIRST + 1);
    pw_test_world_end(&W);
}

/* ---- corruption cases ---- */

/* Up to four saved values, restored after the case. */
struct saved {
    int n;
    void *at[4];
    size_t size[4];
    unsigned char bytes[4][16];
};

static void save(struct saved *s, void *at, size_t size)
{
    assert_true(s->n < 4 && size <= 16);
    s->at[s->n] = at;
    s->size[s->n] = size;
    memcpy(s->bytes[s->n], at, size);
    s->n++;
}

static void restore(struct saved *s)
{
    while (s->n > 0) {
        s->n--;
        memcpy(s->at[s->n], s->bytes[s->n], s->size[s->n]);
    }
}

static const char *id_of(const struct pw_sim *sim, uint32_t r) { return sim->wf.employee_id[r]; }

/* First row in output order at or after position `from` that satisfies pred. */
typedef bool (*row_pred)(const struct pw_sim *sim, uint32_t r);
static uint32_t find_row_from(const struct pw_sim *sim, size_t from, row_pred pred)
{
    for (size_t p = from; p < sim->year.n_pop; p++)
        if (pred(sim, sim->year.order[p])) return sim->year.order[p];
    print_error("no row for the case in %d\n", sim->year.year);
    fail();
    return 0;
}
static uint32_t find_row(const struct pw_sim *sim, row_pred pred) { return find_row_from(sim, 0, pred); }

static bool is_active(const struct pw_sim *s, uint32_t r) { return s->year.term_kind[r] == PW_TERM_NONE; }
static bool is_roster(const struct pw_sim *s, uint32_t r) { return r < s->year.n_roster; }

/* Runs the check and asserts the report: invariant, year, employee (NULL = the
 * year as a whole), and optionally a piece of the detail. */
static void expect_violation(struct pw_sim *sim, int invariant, const char *employee, const char *detail)
{
    struct pw_err err = {0};
    int rc = pw_step_invariants(sim, &err);
    if (rc != PW_EINTERNAL) print_error("expected invariant %d, got rc %d: %s\n", invariant, rc, err.msg);
    assert_int_equal(rc, PW_EINTERNAL);
    char want[256];
    if (employee)
        snprintf(want, sizeof want, "invariant %d (%s) violated in %d for employee '%s': ", invariant, names[invariant],
                 sim->year.year, employee);
    else
        snprintf(want, sizeof want, "invariant %d (%s) violated in %d: ", invariant, names[invariant], sim->year.year);
    if (strncmp(err.msg, want, strlen(want)) != 0) print_error("want prefix: %s\ngot: %s\n", want, err.msg);
    assert_true(strncmp(err.msg, want, strlen(want)) == 0);
    if (detail && !strstr(err.msg, detail)) print_error("want detail: %s\ngot: %s\n", detail, err.msg);
    if (detail) assert_non_null(strstr(err.msg, detail));
    assert_non_null(strstr(err.msg, "This is a bug in planwise"));
    char tail[64];
    snprintf(tail, sizeof tail, "Nothing of %d was written", sim->year.year);
    assert_non_null(strstr(err.msg, tail));
}

static void expect_pass(struct pw_sim *sim)
{
    struct pw_err err = {0};
    int rc = pw_step_invariants(sim, &err);
    if (rc) print_error("unexpected: %s\n", err.msg);
    assert_int_equal(rc, 0);
}

/* Rebuilds the year's events from its arrays (as the events step would have). */
static void rebuild_events(struct pw_sim *sim)
{
    struct pw_err err = {0};
    assert_int_equal(pw_step_events(sim, &err), 0);
}

/* ---- invariants 1-4: the year as a whole ---- */

static void year_level_cases(struct pw_sim *sim)
{
    struct pw_year *y = &sim->year;
    struct saved s = {0};

    save(&s, &y->needs.starting_headcount, sizeof y->needs.starting_headcount);
    y->needs.starting_headcount += 1;
    expect_violation(sim, 1, NULL, "starting headcount");
    restore(&s);

    save(&s, &y->needs.reconciliation_error, sizeof y->needs.reconciliation_error);
    y->needs.reconciliation_error += 1;
    expect_violation(sim, 2, NULL, "reconciliation error");
    restore(&s);

    save(&s, &y->needs.expected_experienced_terminations, sizeof y->needs.expected_experienced_terminations);
    y->needs.expected_experienced_terminations += 1;
    expect_violation(sim, 3, NULL, "expected experienced terminations");
    restore(&s);

    /* one hire moved between levels: the totals still agree, level 1 does not */
    assert_true(y->by_level.hires[2] > 0);
    save(&s, &y->by_level.hires[1], sizeof y->by_level.hires[1]);
    save(&s, &y->by_level.hires[2], sizeof y->by_level.hires[2]);
    y->by_level.hires[1]++;
    y->by_level.hires[2]--;
    expect_violation(sim, 4, NULL, "level 1:");
    restore(&s);
    expect_pass(sim);
}

/* ---- invariants 5-20: one employee ---- */

static bool eligibility_event(const struct pw_sim *s, uint32_t r)
{
    return s->plan.elig_event_date[r] != PW_NO_DATE && !s->wf.is_eligible[r];
}
static bool leaver_after_raise(const struct pw_sim *s, uint32_t r)
{
    const struct pw_year *y = &s->year;
    return y->term_kind[r] == PW_TERM_EXPERIENCED && y->raise_date[r] != PW_NO_DATE && y->promo_date[r] == PW_NO_DATE &&
           y->term_date[r] > y->raise_date[r] + 1;
}
static bool promoted_active(const struct pw_sim *s, uint32_t r)
{
    return is_active(s, r) && s->year.promo_date[r] != PW_NO_DATE;
}
static bool two_events(const struct pw_sim *s, uint32_t r)
{
    return is_active(s, r) && s->year.raise_date[r] != PW_NO_DATE && s->plan.esc_date[r] != PW_NO_DATE;
}
static bool raise_only_active(const struct pw_sim *s, uint32_t r)
{
    return is_active(s, r) && s->year.raise_date[r] != PW_NO_DATE && s->year.promo_date[r] == PW_NO_DATE;
}
static bool hire_row(const struct pw_sim *s, uint32_t r) { return r >= s->year.n_roster; }
static bool active_roster(const struct pw_sim *s, uint32_t r) { return is_active(s, r) && is_roster(s, r); }
static bool eligible_census_row(const struct pw_sim *s, uint32_t r)
{
    return is_roster(s, r) && s->wf.is_census[r] && !s->wf.plan_excluded[r] &&
           s->wf.enrollment_method[r] != PW_ENROLL_CENSUS && s->wf.eligibility_date[r] < pw_year_start(FIRST);
}
static bool auto_enrolled(const struct pw_sim *s, uint32_t r)
{
    return is_active(s, r) && s->plan.enroll_date[r] != PW_NO_DATE && s->plan.enroll_method[r] == PW_ENROLL_AUTO &&
           s->plan.enroll_date[r] < s->year.dec31 - 60;
}
static bool escalated(const struct pw_sim *s, uint32_t r) { return s->plan.esc_date[r] != PW_NO_DATE; }
static bool deferring_under_50(const struct pw_sim *s, uint32_t r)
{
    return is_active(s, r) && s->year.age[r] < 50 && s->money.deferrals[r] > 0 && !s->money.irs_415c[r];
}
static bool matched(const struct pw_sim *s, uint32_t r) { return s->money.match[r] > 0; }
static bool cored(const struct pw_sim *s, uint32_t r) { return s->money.core[r] > 0; }

static void employee_cases(struct pw_sim *sim)
{
    struct pw_year *y = &sim->year;
    struct pw_workforce *wf = &sim->wf;
    struct pw_plan_year *py = &sim->plan;
    struct pw_plan_money *m = &sim->money;
    struct saved s = {0};
    uint32_t r;

    /* 5: a second eligibility event over the horizon (eligible was carried in) */
    r = find_row(sim, eligibility_event);
    save(&s, &wf->is_eligible[r], 1);
    wf->is_eligible[r] = 1;
    expect_violation(sim, 5, id_of(sim, r), "a second eligibility event");
    restore(&s);

    /* 6: a raise after the termination date */
    r = find_row(sim, leaver_after_raise);
    save(&s, &y->term_date[r], sizeof y->term_date[r]);
    y->term_date[r] = y->raise_date[r] - 1;
    rebuild_events(sim);
    expect_violation(sim, 6, id_of(sim, r), "after the termination on");
    restore(&s);
    rebuild_events(sim);

    /* 7: a promotion off the promotion date */
    r = find_row(sim, promoted_active);
    save(&s, &y->promo_date[r], sizeof y->promo_date[r]);
    y->promo_date[r] += 1;
    rebuild_events(sim);
    expect_violation(sim, 7, id_of(sim, r), "not on the promotion date 2027-02-01");
    restore(&s);
    rebuild_events(sim);

    /* 8: two events numbered out of order */
    r = find_row(sim, two_events);
    struct pw_event *ev = NULL;
    for (size_t c = 0; c < sim->chunk_count && !ev; c++)
        for (size_t i = 0; i < sim->chunks[c].count && !ev; i++)
            if (sim->chunks[c].events[i].row == r) ev = &sim->chunks[c].events[i];
    assert_non_null(ev);
    assert_int_equal(ev[1].row, r);
    save(&s, &ev[0].sequence, sizeof ev[0].sequence);
    save(&s, &ev[1].sequence, sizeof ev[1].sequence);
    ev[0].sequence = 2;
    ev[1].sequence = 1;
    expect_violation(sim, 8, id_of(sim, r), "event 1 of the year numbered 2");
    restore(&s);

    /* 9: a raise above the merit cap */
    r = find_row(sim, raise_only_active);
    save(&s, &y->raise_new[r], sizeof y->raise_new[r]);
    y->raise_new[r] = pw_round2(y->raise_prev[r] * (1 + sim->cfg->merit_max_cap_pct)) + 100;
    expect_violation(sim, 9, id_of(sim, r), "exceeds min(prev x (1 + 0.500000), prev + 250,000.00)");
    restore(&s);

    /* 10: a hire salary outside its level's band of draws */
    r = find_row(sim, hire_row);
    save(&s, &y->start_salary[r], sizeof y->start_salary[r]);
    y->start_salary[r] *= 10;
    expect_violation(sim, 10, id_of(sim, r), "hire salary");
    restore(&s);

    /* 11: current compensation that no event explains */
    r = find_row(sim, active_roster);
    save(&s, &y->current_comp[r], sizeof y->current_comp[r]);
    y->current_comp[r] += 1;
    expect_violation(sim, 11, id_of(sim, r), "differs from the last compensation event's");
    restore(&s);

    /* 12: prorated pay off by 5 cents */
    r = find_row(sim, raise_only_active);
    save(&s, &y->prorated_comp[r], sizeof y->prorated_comp[r]);
    y->prorated_comp[r] += 0.05;
    expect_violation(sim, 12, id_of(sim, r), "differs from the pay segments'");
    restore(&s);

    /* 13: an eligibility date that is not max(hire + wait, birthday) */
    r = find_row(sim, eligible_census_row);
    save(&s, &wf->eligibility_date[r], sizeof wf->eligibility_date[r]);
    wf->eligibility_date[r] -= 1;
    expect_violation(sim, 13, id_of(sim, r), "eligibility date");
    restore(&s);

    /* 14: an auto-enrollment a day late */
    r = find_row(sim, auto_enrolled);
    save(&s, &py->enroll_date[r], sizeof py->enroll_date[r]);
    py->enroll_date[r] += 1;
    rebuild_events(sim);
    expect_violation(sim, 14, id_of(sim, r), "auto-enrollment on");
    restore(&s);
    rebuild_events(sim);

    /* 15: an escalation past maximum_rate (the timeline kept the right rate) */
    r = find_row(sim, escalated);
    save(&s, &py->esc_new[r], sizeof py->esc_new[r]);
    py->esc_new[r] = sim->cfg->plan.esc_max_rate + 0.05;
    expect_violation(sim, 15, id_of(sim, r), "deferral_escalation");
    restore(&s);

    /* 16: deferrals above the 402(g) limit (2027: 24,000) */
    r = find_row(sim, deferring_under_50);
    assert_true(m->applicable_limit[r] == 24000);
    save(&s, &m->deferrals[r], sizeof m->deferrals[r]);
    m->deferrals[r] = m->applicable_limit[r] + 100;
    expect_violation(sim, 16, id_of(sim, r), "D 24,100.00 exceeds the applicable 402(g) limit 24,000.00");
    restore(&s);

    /* 17: a match above m_max x B_cap (tiered_match: 4% of pay) */
    r = find_row(sim, matched);
    save(&s, &m->match[r], sizeof m->match[r]);
    m->match[r] = 0.04 * m->b_cap[r] + 5;
    expect_violation(sim, 17, id_of(sim, r), "exceeds m_max 0.040000 x B_cap");
    restore(&s);

    /* 18: a core ten times the flat rate */
    r = find_row(sim, cored);
    save(&s, &m->core[r], sizeof m->core[r]);
    m->core[r] *= 10;
    expect_violation(sim, 18, id_of(sim, r), "exceeds the largest rate 0.010000");
    restore(&s);

    /* 19: a vested share above 1 */
    r = find_row(sim, matched);
    save(&s, &m->match_vested_pct[r], sizeof m->match_vested_pct[r]);
    m->match_vested_pct[r] = 1.5;
    expect_violation(sim, 19, id_of(sim, r), "not in [0, 1]");
    restore(&s);

    /* 20: a hire of the year flagged HCE */
    r = find_row(sim, hire_row);
    save(&s, &m->is_hce[r], 1);
    m->is_hce[r] = 1;
    expect_violation(sim, 20, id_of(sim, r), "a hire of 2027 flagged HCE");
    restore(&s);

    expect_pass(sim);
}

static void corrupt_2027(struct pw_sim *sim)
{
    if (sim->year.year != 2027) return;
    year_level_cases(sim);
    employee_cases(sim);
}

static void test_each_invariant(void **state)
{
    (void)state;
    run_world(1, corrupt_2027);
}

/* ---- the lowest output position wins, for any number of threads ---- */

static char lowest_report[PW_ERR_MSG_MAX];

static void two_chunks(struct pw_sim *sim)
{
    if (sim->year.year != 2027) return;
    assert_true(sim->chunk_count >= 2);
    struct saved s = {0};
    /* a snapshot fault (invariant 11) in chunk 1, a vesting fault (19) in chunk 0 */
    uint32_t late = find_row_from(sim, PW_CHUNK_ROWS, active_roster);
    uint32_t early = find_row(sim, matched);
    save(&s, &sim->year.current_comp[late], sizeof(double));
    save(&s, &sim->money.match_vested_pct[early], sizeof(double));
    sim->year.current_comp[late] += 1;
    sim->money.match_vested_pct[early] = -0.5;
    struct pw_err err = {0};
    assert_int_equal(pw_step_invariants(sim, &err), PW_EINTERNAL);
    char want[128];
    snprintf(want, sizeof want, "invariant 19 (vesting) violated in 2027 for employee '%s'", id_of(sim, early));
    assert_true(strncmp(err.msg, want, strlen(want)) == 0);
    if (lowest_report[0]) assert_string_equal(err.msg, lowest_report);
    else snprintf(lowest_report, sizeof lowest_report, "%s", err.msg);
    restore(&s);
    expect_pass(sim);
}

static void test_lowest_position_any_threads(void **state)
{
    (void)state;
    lowest_report[0] = '\0';
    run_world(1, two_chunks);
    run_world(3, two_chunks);
    assert_true(lowest_report[0] != '\0');
}

/* ---- inside a run: the year is never handed to the sink ---- */

static void break_2026(void *ctx, const struct pw_sim *csim, int stage)
{
    (void)ctx;
    if (stage != PW_STAGE_INVARIANTS || csim->year.year != 2026) return;
    struct pw_sim *sim = (struct pw_sim *)csim;
    uint32_t r = find_row(sim, deferring_under_50);
    sim->money.deferrals[r] = sim->money.applicable_limit[r] + 0.5;
}

static void test_violation_stops_the_run(void **state)
{
    (void)state;
    struct pw_err err = {0};
    pw_test_world_begin(&W, &tables);
    W.cfg.start_year = FIRST;
    W.cfg.end_year = LAST;
    pw_test_world_finalize(&W);
    add_census(&W, 800);
    pw_test_world_start(&W, 2);
    on_year = NULL;
    years_written = 0;
    W.sim.on_stage = break_2026;
    struct pw_sink sink = {NULL, sink_write, NULL, NULL};
    assert_int_equal(pw_sim_run(&W.sim, &sink, &err), PW_EINTERNAL);
    assert_int_equal(years_written, 1);   /* 2025 only */
    assert_int_equal(W.sim.year.year, 2026);
    assert_non_null(strstr(err.msg, "invariant 16 (contributions) violated in 2026 for employee 'EMP_"));
    assert_non_null(strstr(err.msg, "exceeds the applicable 402(g) limit 23,500.00"));
    pw_test_world_end(&W);
}

/* ---- correct runs of the example designs pass ---- */

static void run_design(const char *const *paths, int n)
{
    struct pw_err err = {0};
    pw_test_world_begin(&W, &tables);
    int rc = pw_config_load_layers(&W.cfg, paths, n, &err);
    if (rc) print_error("%s: %s\n", paths[n - 1], err.msg);
    assert_int_equal(rc, 0);
    W.cfg.threads = 1;
    W.cfg.start_year = FIRST;
    W.cfg.end_year = LAST + 1;
    W.cfg.random_seed = W.cfg.seed_termination = W.cfg.seed_hiring = W.cfg.seed_promotion = 11;
    pw_test_world_finalize(&W);
    add_census(&W, 1500);
    pw_test_world_start(&W, 2);
    on_year = NULL;
    years_written = 0;
    struct pw_sink sink = {NULL, sink_write, NULL, NULL};
    rc = pw_sim_run(&W.sim, &sink, &err);
    if (rc) print_error("%s: %s\n", paths[n - 1], err.msg);
    assert_int_equal(rc, 0);
    assert_int_equal(years_written, LAST + 1 - FIRST + 1);
    assert_true(W.sim.total_events > 1500);
    pw_test_world_end(&W);
}

static void test_example_designs_pass(void **state)
{
    (void)state;
    static const char *const designs[] = {
        "config/simulation_config.yaml",          "config/examples/default_plan.yaml",
        "config/examples/qaca.yaml",              "config/examples/safe_harbor_basic.yaml",
        "config/examples/tenure_graded_match.yaml", "config/examples/voluntary_no_ae.yaml",
    };
    for (size_t i = 0; i < sizeof designs / sizeof designs[0]; i++) run_design(&designs[i], 1);
    const char *overlay[] = {"config/simulation_config.yaml", "config/examples/designs/ae_default_6pct.yaml"};
    run_design(overlay, 2);
}

static int setup(void **state)
{
    (void)state;
    return pw_test_tables_load(&tables);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_invariant),
        cmocka_unit_test(test_lowest_position_any_threads),
        cmocka_unit_test(test_violation_stops_the_run),
        cmocka_unit_test(test_example_designs_pass),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
