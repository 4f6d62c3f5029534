/* plan_money_step.c: the per-row driver of the money steps (MODEL 4.13-4.18).
 *
 * For every row of P_Y it rebuilds the salary timeline from the year's
 * compensation events (as payroll does), takes the deferral-rate timeline that
 * the enrollment steps left in sim->plan (model/plan_year.h), and runs the
 * pure rules of sim/plan_money.c in pipeline order: contributions -> match,
 * core -> 415(c) -> vesting/balances/forfeitures -> HCE. Results go to
 * sim->money; nothing in the workforce is changed, so the step may be rerun,
 * and year close carries match_balance/core_balance of the survivors into
 * R_{Y+1}.
 *
 * Lookups by name (formula, schedules, IRS rows) are done once per step, not
 * per row; the rows are independent, so chunks run in parallel. */
#include <math.h>

#include "core/err.h"
#include "core/num.h"
#include "sim/plan_money.h"
#include "model/plan_year.h"
#include "sim/sim.h"

/* Per-step constants shared by all chunks (read only). */
struct money_ctx {
    struct pw_sim *sim;
    const struct pw_plan_config *p;
    const struct pw_match_formula *formula;       /* NULL: no match formula */
    const struct pw_irs_year *irs, *irs_prev;     /* limits of Y and Y-1 */
    const struct pw_vesting_schedule *match_sched, *core_sched; /* NULL = immediate */
    double integration_level;
};

/* Salary timeline on [a, b]: s0 (or the hire salary), then the promotion and
 * the raise, in (date, priority) order (promotion first on a shared date). */
static void row_salary_timeline(const struct pw_year *y, size_t r, struct pw_timeline *s)
{
    s->v0 = y->start_salary[r];
    s->n = 0;
    if (r >= y->n_roster) return;   /* hires have no compensation event in their hire year */
    if (y->promo_date[r] != PW_NO_DATE) pw_timeline_add(s, y->promo_date[r], y->promo_new[r]);
    if (y->raise_date[r] != PW_NO_DATE) pw_timeline_add(s, y->raise_date[r], y->raise_new[r]);
}

/* Deferral-rate timeline of row r (MODEL 4.13 r(d)) from the enrollment side's
 * per-row timeline (model/plan_year.h): the rate on a, then up to
 * PW_PLAN_MAX_CHANGES (date, rate) changes in (date, priority) order. */
_Static_assert(PW_PLAN_MAX_CHANGES <= PW_TIMELINE_MAX, "rate timeline does not fit struct pw_timeline");
static void row_rate_timeline(const struct pw_plan_year *py, size_t r, struct pw_timeline *rate)
{
    const size_t base = r * PW_PLAN_MAX_CHANGES;
    rate->v0 = py->rate_start[r];
    rate->n = py->n_changes[r];
    for (int i = 0; i < rate->n; i++) {
        rate->date[i] = py->change_date[base + (size_t)i];
        rate->v[i] = py->change_rate[base + (size_t)i];
    }
}

static void money_chunk(void *vctx, size_t chunk, int worker)
{
    (void)worker;
    const struct money_ctx *cx = vctx;
    struct pw_sim *sim = cx->sim;
    const struct pw_plan_config *p = cx->p;
    const struct pw_year *y = &sim->year;
    const struct pw_workforce *wf = &sim->wf;
    struct pw_plan_money *m = &sim->money;
    struct pw_contrib_in in = {0};
    in.days_in_year = y->days_in_year;
    in.comp_limit = cx->irs->compensation_limit;
    in.roth_share = p->roth_share;
    for (size_t r = pw_chunk_begin(chunk), e = pw_chunk_end(chunk, y->n_pop); r < e; r++) {
        const int age = y->age[r], yos = y->reported_tenure[r];
        const bool leaver = y->term_date[r] != PW_NO_DATE;

        /* 4.13 contributions */
        in.a = pw_year_interval_start(y, wf->hire_date[r]);
        in.b = pw_year_interval_end(y, r);
        row_salary_timeline(y, r, &in.salary);
        row_rate_timeline(&sim->plan, r, &in.rate);
        in.prorated_comp = y->prorated_comp[r];
        /* Catch-up follows the IRS rule, the age reached by Dec 31, whatever age convention drives the rest. */
        const int irs_age = sim->cfg->age_convention == PW_AGE_EXACT ? age : pw_age(wf->birth_date[r], y->dec31);
        in.limit = pw_deferral_limit(cx->irs, irs_age, &in.limit_type);
        struct pw_contrib c;
        pw_contributions(&in, &c);

        /* 4.14 match, 4.15 core (both on the pre-415(c) rate and base) */
        /* A census row hired inside the first year is a hire of that year too. */
        const bool hired_in_year = r >= y->n_roster || pw_date_year(wf->hire_date[r]) == y->year;
        struct pw_emp_facts f = {.term_kind = y->term_kind[r], .hired_in_year = hired_in_year,
                                 .hours = y->hours_worked[r], .yos = yos, .age = age};
        struct pw_match_result mr;
        pw_match(p, cx->formula, &f, c.deferrals, c.eff_rate, c.b_cap, &mr);
        struct pw_core_result cr;
        pw_core(p, &f, c.b_cap, cx->integration_level, &cr);

        /* 4.16 415(c): match first, then core, then deferrals */
        double deferrals = c.deferrals, match = mr.amount, core = cr.amount;
        struct pw_415c_result lim;
        pw_apply_415c(cx->irs->annual_additions_limit, in.prorated_comp, cx->irs->deferral_limit, &deferrals, &match,
                      &core, &lim);
        if (lim.deferral_cut > 0) pw_contrib_set_deferrals(&c, deferrals, p->roth_share);

        /* 4.17 vesting, balances, forfeitures */
        int vy = pw_vesting_years(p, yos, y->hours_worked[r]);
        struct pw_vesting_result v;
        pw_vesting(wf->match_balance[r], wf->core_balance[r], match, core, pw_vested_share(cx->match_sched, vy),
                   pw_vested_share(cx->core_sched, vy), leaver, &v);

        m->b_cap[r] = c.b_cap;
        m->deferrals[r] = c.deferrals;
        m->pre_tax[r] = c.pre_tax;
        m->roth[r] = c.roth;
        m->eff_rate[r] = c.eff_rate;
        m->applicable_limit[r] = c.limit;
        m->limit_type[r] = (uint8_t)c.limit_type;
        m->irs_402g[r] = c.limit_402g;
        m->irs_401a17[r] = c.limit_401a17;
        m->irs_415c[r] = lim.applied;
        m->irs_415c_reduction[r] = lim.reduction;
        m->match_415c_cut[r] = lim.match_cut;
        m->match[r] = match;
        m->match_uncapped[r] = mr.uncapped;
        m->match_cap_applied[r] = mr.cap_applied;
        m->match_eligible[r] = mr.eligible;
        m->match_reason[r] = (uint8_t)mr.reason;
        m->core[r] = core;
        m->core_eligible[r] = cr.eligible;
        m->yos[r] = (int16_t)yos;
        m->points[r] = (int16_t)(age + yos);
        m->match_balance[r] = v.match_balance;
        m->core_balance[r] = v.core_balance;
        m->vesting_years[r] = (int16_t)vy;
        m->match_vested_pct[r] = v.match_vested_pct;
        m->core_vested_pct[r] = v.core_vested_pct;
        m->vested_balance[r] = v.vested_balance;
        m->forfeit_match[r] = v.forfeit_match;
        m->forfeit_core[r] = v.forfeit_core;
        m->forfeit_total[r] = v.forfeit_total;
        /* 4.18: hires of Y have no look-back pay (their prior comp is NAN too); a 5%
         * owner is an HCE whatever the pay (IRC 414(q)(1)(A)). */
        /* Look-back pay (4.18): none for a hire of the year, nor for a census row hired
         * inside the first year (it was not paid by the employer the year before). */
        m->is_hce[r] = wf->is_5pct_owner[r] ||
                       (r < y->n_roster && wf->hire_date[r] < y->jan1 && pw_is_hce(wf->prior_prorated_comp[r], cx->irs_prev));
    }
}

void pw_step_plan_money(struct pw_sim *sim)
{
    const struct pw_year *y = &sim->year;
    /* The engine reserves sim->money next to sim->year (with error handling);
     * this only covers a caller that did not. */
    PW_ASSERT(pw_plan_money_reserve(&sim->money, y->n_pop) == 0);
    struct money_ctx cx = {.sim = sim, .p = &sim->cfg->plan};
    cx.formula = sim->match_formula;
    cx.irs = pw_tables_irs(sim->tables, y->year);
    cx.irs_prev = pw_tables_irs(sim->tables, y->year - 1);
    cx.match_sched = pw_match_schedule(cx.p, cx.formula, sim->tables);
    cx.core_sched = pw_core_schedule(cx.p, sim->tables);
    cx.integration_level = pw_integration_level(cx.p, cx.irs);
    pw_pool_run(sim->pool, pw_chunk_count(y->n_pop), money_chunk, &cx);
}
