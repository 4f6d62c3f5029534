/* deferral.c: deferral changes of the year (MODEL 4.12) and the rate timeline
 * of 4.13, the last plan step (after enrollment).
 *
 *   - Match response: only in S, only census pre-enrolled rows whose rate r
 *     differs from the match ceiling C; dated Jan 1 S; draws of stream 20 keyed
 *     by S (k = 0 upward, k = 1 downward); new rates move in steps of 0.005.
 *   - Auto-escalation on Q = Y-<effective_day>: enrolled before Q, employed on
 *     Q, no auto_escalation_opt_out, hired on or after the cutoff, the delay in
 *     years since the enrollment year served, and 0 < rate on Q < maximum_rate.
 *     An opt-out on or before Q leaves rate 0, so opted-out employees never
 *     escalate. No draws.
 *   - The year's rate-setting events (enrollment, match response, escalation,
 *     opt-out) become the row's rate timeline in (date, priority) order, and
 *     the opt-out learns the rate it replaced. */
#include <math.h>

#include "core/num.h"
#include "core/rng.h"
#include "sim/plan_money.h"
#include "sim/sim.h"

double pw__plan_ceiling(const struct pw_sim *sim, size_t r)
{
    const struct pw_year *y = &sim->year;
    /* Years of service for the match are the reported tenure (MODEL 1.3, 4.14);
     * computed here so the plan steps need not run after payroll. */
    int yos = y->term_date[r] != PW_NO_DATE ? pw_tenure(sim->wf.hire_date[r], y->term_date[r]) : y->tenure[r];
    return sim->match_formula ? pw_match_ceiling_formula(sim->match_formula, yos, y->age[r]) : 0.0;
}

/* One rate-setting event of the row-year; prio is the event type (6.1 priority). */
struct change {
    pw_date date;
    int prio;
    double rate;
};

/* Inserts in (date, priority) order. */
static void add_change(struct change *ch, int *n, pw_date date, int prio, double rate)
{
    PW_ASSERT(*n < PW_PLAN_MAX_CHANGES);
    int i = *n;
    while (i > 0 && (ch[i - 1].date > date || (ch[i - 1].date == date && ch[i - 1].prio > prio))) {
        ch[i] = ch[i - 1];
        i--;
    }
    ch[i] = (struct change){date, prio, rate};
    (*n)++;
}

/* Rate in force on d: the last change dated on or before d. */
static double rate_at(double start, const struct change *ch, int n, pw_date d)
{
    double rate = start;
    for (int i = 0; i < n && ch[i].date <= d; i++) rate = ch[i].rate;
    return rate;
}

static double round_to_half_percent(double x) { return pw_round6(0.005 * pw_rha(x / 0.005)); }

/* Match response of a census pre-enrolled row in S; returns true when it changes the rate. */
static bool match_response(const struct pw_sim *sim, size_t r, double rate, struct pw_plan_year *py)
{
    const struct pw_plan_config *p = &sim->cfg->plan;
    const uint64_t key = sim->wf.key[r], S = (uint64_t)sim->cfg->start_year;
    const double c = pw__plan_ceiling(sim, r);
    if (!isfinite(c) || fabs(rate - c) < PW_EPS) return false;
    double next;
    uint8_t flags;
    double prob;
    if (rate < c) {
        double u0 = pw_rng_u(sim->seed, PW_STREAM_MATCH_RESPONSE, key, S, 0);
        if (!(u0 < p->mr_up_participation)) return false;
        flags = PW_MR_UPWARD;
        prob = p->mr_up_participation;
        if (u0 < p->mr_up_participation * p->mr_up_maximize) next = c, flags |= PW_MR_TO_CEILING;
        else next = round_to_half_percent(rate + p->mr_up_partial_factor * (c - rate));
        next = pw_min(next, p->esc_max_rate);
    } else {
        if (!p->mr_down_enabled) return false;
        double u1 = pw_rng_u(sim->seed, PW_STREAM_MATCH_RESPONSE, key, S, 1);
        if (!(u1 < p->mr_down_participation)) return false;
        flags = PW_MR_DOWNWARD;
        prob = p->mr_down_participation;
        if (u1 < p->mr_down_participation * p->mr_down_to_max) next = c, flags |= PW_MR_TO_CEILING;
        else next = round_to_half_percent(rate - p->mr_down_partial_factor * (rate - c));
        next = pw_max(next, 0.0);
    }
    next = pw_round6(pw_clamp(next, 0.0, sim->cfg->plan_deferral_cap));
    if (fabs(next - rate) < PW_EPS) return false;
    py->mr_date[r] = sim->year.jan1;
    py->mr_flags[r] = flags;
    py->mr_prev[r] = rate;
    py->mr_new[r] = next;
    py->mr_prob[r] = prob;
    py->mr_comp[r] = pw_sim_salary_on(sim, r, sim->year.jan1);
    py->mr_ceiling[r] = c;
    return true;
}

struct deferral_ctx {
    struct pw_sim *sim;
    pw_date esc_day;         /* Q of this year */
};

static void deferral_row(const struct deferral_ctx *cx, size_t r)
{
    struct pw_sim *sim = cx->sim;
    const struct pw_plan_config *p = &sim->cfg->plan;
    const struct pw_year *y = &sim->year;
    const struct pw_workforce *wf = &sim->wf;
    struct pw_plan_year *py = &sim->plan;
    const double start = py->rate_start[r];
    struct change ch[PW_PLAN_MAX_CHANGES];
    int n = 0;

    if (py->enroll_date[r] != PW_NO_DATE) add_change(ch, &n, py->enroll_date[r], PW_EV_ENROLLMENT, py->enroll_rate[r]);
    if (y->year == sim->cfg->start_year && p->mr_enabled && p->match_enabled && wf->is_enrolled[r] &&
        wf->enrollment_method[r] == PW_ENROLL_CENSUS && pw_year_employed_on(y, wf->hire_date[r], r, y->jan1) &&
        match_response(sim, r, start, py))
        add_change(ch, &n, py->mr_date[r], PW_EV_MATCH_RESPONSE, py->mr_new[r]);
    if (py->optout_date[r] != PW_NO_DATE) add_change(ch, &n, py->optout_date[r], PW_EV_ENROLLMENT_CHANGE, 0.0);

    /* Auto-escalation on Q. */
    const pw_date q = cx->esc_day;
    const pw_date enrolled = wf->is_enrolled[r] ? wf->enrollment_date[r] : py->enroll_date[r];
    if (p->esc_enabled && !wf->auto_escalation_opt_out[r] &&
        (p->esc_hire_date_cutoff == PW_NO_DATE || wf->hire_date[r] >= p->esc_hire_date_cutoff) &&
        enrolled != PW_NO_DATE && enrolled < q && y->year - pw_date_year(enrolled) >= p->esc_delay_years &&
        pw_year_employed_on(y, wf->hire_date[r], r, q)) {
        double rate = rate_at(start, ch, n, q);
        if (rate > 0 && rate < p->esc_max_rate - PW_EPS) {
            double next = pw_round6(pw_min(p->esc_max_rate, rate + p->esc_increment));
            py->esc_date[r] = q;
            py->esc_prev[r] = rate;
            py->esc_new[r] = next;
            py->esc_number[r] = (int16_t)(wf->escalation_count[r] + 1);
            add_change(ch, &n, q, PW_EV_ESCALATION, next);
        }
    }

    /* The timeline, and the rate each opt-out replaced. */
    double rate = start;
    const size_t base = r * PW_PLAN_MAX_CHANGES;
    for (int i = 0; i < n; i++) {
        if (ch[i].prio == PW_EV_ENROLLMENT_CHANGE) py->optout_prev_rate[r] = rate;
        rate = ch[i].rate;
        py->change_date[base + (size_t)i] = ch[i].date;
        py->change_rate[base + (size_t)i] = ch[i].rate;
    }
    py->n_changes[r] = (uint8_t)n;
}

static void deferral_chunk(void *p, size_t chunk, int worker)
{
    (void)worker;
    const struct deferral_ctx *cx = p;
    for (size_t r = pw_chunk_begin(chunk), e = pw_chunk_end(chunk, cx->sim->year.n_pop); r < e; r++)
        deferral_row(cx, r);
}

void pw_step_deferral(struct pw_sim *sim)
{
    struct deferral_ctx cx = {sim, pw_mmdd_in_year(sim->cfg->plan.esc_mmdd, sim->year.year)};
    pw_pool_run(sim->pool, pw_chunk_count(sim->year.n_pop), deferral_chunk, &cx);
}
