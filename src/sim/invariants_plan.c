/* invariants_plan.c: the per-employee retirement-plan invariants of MODEL 7 (13-19:
 * eligibility, enrollment, deferral rates, contributions, match, core and 415(c),
 * vesting), judged on one row of the finished year, its events and the plan state
 * carried into the year (which is what makes the once-over-the-horizon rules and
 * the escalation delay checkable one year at a time). Each block follows the SQL
 * audit check of the same number (models/checks/check_NN_*.sql) with its
 * tolerances, reading the effective configuration and tables instead of the
 * audit's built-in defaults. */
#include <math.h>

#include "core/num.h"
#include "sim/invariants_int.h"
#include "sim/plan_money.h"

/* m_max of invariant 17: the largest match the plan's match rule can pay this
 * employee, as a share of B_cap, whatever the deferral. Two bounds, the lower wins:
 *   - the active formula's largest share over all its rows and bands, from its
 *     definition (pw_match_max_share: sum of tier rate x width, capped where the
 *     formula caps; rate x max for simple formulas and schedule rows);
 *   - the formula evaluated for this employee's service and age at the highest
 *     deferral rate on a base of 1 (the row or band in force).
 * Match modes plug in here. A formula type goes through pw_match_max_share and
 * pw_match_formula_raw (sim/plan_money.c): a new type adds its case there and
 * nothing here. A mode that computes the match from something other than the
 * active formula (a service-, tenure- or points-graded schedule chosen by a
 * setting such as employer_match_status) adds a branch below that returns its own
 * largest share: for rows of {match_rate, max_deferral}, the largest match_rate x
 * max_deferral (of every row, or of the row in force for yos/age), capped where the
 * mode caps. */
double pw__inv_match_max_share(const struct pw__inv_ctx *cx, int yos, int age, double eff_rate)
{
    const struct pw_match_formula *f = cx->formula;
    if (!f) return 0.0;
    const double whole = cx->formula_max_share;
    const double mine = pw_match_formula_raw(f, pw_max(1.0, eff_rate), 1.0, yos, age, NULL);
    return pw_min(whole, mine);
}

static const char *status_name(int s) { return pw_plan_status_name(s); }

static const char *category_name(int c) { return c >= 0 && c < PW_CAT_COUNT ? pw_event_category_names[c] : "unknown"; }

/* ---- 13: eligibility ---- */

static int check_eligibility(const struct pw__inv_ctx *cx, const struct pw__inv_row *w, struct pw__inv_report *rep)
{
    const struct pw_workforce *wf = cx->wf;
    const struct pw_plan_year *py = cx->py;
    const struct pw_plan_config *p = cx->p;
    const uint32_t r = w->r;
    const int status = py->elig_status[r];
    const pw_date e = wf->eligibility_date[r];
    if (wf->plan_excluded[r]) {
        PW_INV(status == PW_PLAN_EXCLUDED, rep, 13, "an excluded employee with status %s", status_name(status));
        PW_INV(!w->pre_enrolled, rep, 13, "a pre-enrolled census row excluded");
        PW_INV(!wf->is_enrolled[r], rep, 13, "an excluded employee enrolled");
        static const int plan_types[] = {PW_EV_ELIGIBILITY, PW_EV_ENROLLMENT, PW_EV_ENROLLMENT_CHANGE, PW_EV_ESCALATION,
                                         PW_EV_MATCH_RESPONSE};
        for (size_t i = 0; i < sizeof plan_types / sizeof plan_types[0]; i++)
            PW_INV(w->n_of[plan_types[i]] == 0, rep, 13, "a %s event for an excluded employee",
                   pw_event_type_names[plan_types[i]]);
        return 0;
    }
    PW_INV(status != PW_PLAN_EXCLUDED, rep, 13, "status excluded for an employee who is not excluded");
    PW_INV(e != PW_NO_DATE, rep, 13, "no eligibility date for an employee who is not excluded");
    if (!w->legacy) {
        const pw_date by_service = w->hire + p->waiting_period_days;
        const pw_date by_age = pw_birthday(wf->birth_date[r], p->minimum_age);
        pw_date want = by_service > by_age ? by_service : by_age;
        /* A pre-enrolled row joins on the census date, or on its hire date inside the first year. */
        const pw_date joined = w->hire > cx->cfg->plan_year_end_date ? w->hire : cx->cfg->plan_year_end_date;
        if (w->pre_enrolled && joined < want) want = joined;
        PW_INV(e == want, rep, 13, "eligibility date %s differs from %s = %s", pw__inv_date(e),
               w->pre_enrolled ? "min(max(hire + waiting period, birthday), max(census date, hire))"
                               : "max(hire + waiting period, birthday of minimum_age)",
               pw__inv_date(want));
    }
    PW_INV(status == (e <= w->b ? PW_PLAN_ELIGIBLE : PW_PLAN_PENDING), rep, 13,
           "status %s with eligibility date %s and end of employment %s", status_name(status), pw__inv_date(e),
           pw__inv_date(w->b));
    PW_INV(!wf->is_eligible[r] || status == PW_PLAN_ELIGIBLE, rep, 13, "eligible before %d, status %s now", cx->year,
           status_name(status));
    const int i = w->at[PW_EV_ELIGIBILITY];
    if (i >= 0) {
        const pw_date d = w->ev[i].date;
        PW_INV(d == e, rep, 13, "eligibility event dated %s, not on the eligibility date %s", pw__inv_date(d),
               pw__inv_date(e));
        PW_INV(d >= cx->start_jan1, rep, 13, "eligibility event on %s, before Jan 1 of the start year", pw__inv_date(d));
        PW_INV(!w->pre_enrolled, rep, 13, "an eligibility event for a pre-enrolled census row");
        PW_INV(status == PW_PLAN_ELIGIBLE, rep, 13, "an eligibility event with status %s", status_name(status));
    } else if (!w->pre_enrolled && e >= cx->start_jan1 && e >= cx->y->jan1 && e <= w->b) {
        return pw__inv_fail(rep, 13, "no eligibility event although the eligibility date %s falls in %d inside the "
                                     "employment", pw__inv_date(e), cx->year);
    }
    return 0;
}

/* ---- 14: enrollment ---- */

static int check_enrollment(const struct pw__inv_ctx *cx, const struct pw__inv_row *w, struct pw__inv_report *rep)
{
    const struct pw_workforce *wf = cx->wf;
    const struct pw_plan_year *py = cx->py;
    const struct pw_plan_config *p = cx->p;
    const uint32_t r = w->r;
    const pw_date e = wf->eligibility_date[r];
    const int ie = w->at[PW_EV_ENROLLMENT], io = w->at[PW_EV_ENROLLMENT_CHANGE];
    PW_INV(wf->enrollment_method[r] != PW_ENROLL_CENSUS || wf->is_census[r], rep, 14,
           "enrollment method census for an employee not in the census");
    if (w->pre_enrolled && !w->legacy) {
        /* A census hire inside the first year joins the plan on its hire date. */
        const pw_date joined = w->hire > cx->cfg->plan_year_end_date ? w->hire : cx->cfg->plan_year_end_date;
        PW_INV(wf->enrollment_date[r] == joined, rep, 14,
               "pre-enrolled census row enrolled on %s, not on the census date or its later hire date %s",
               pw__inv_date(wf->enrollment_date[r]), pw__inv_date(joined));
    }
    if (ie >= 0 && w->ev[ie].category == PW_CAT_CENSUS_ENROLLMENT) {
        /* deferral_rates.generate_synthetic_events: a record of the census state, not a change of it */
        PW_INV(cx->cfg->generate_synthetic_events && w->pre_enrolled && cx->year == cx->cfg->start_year, rep, 14,
               "a census enrollment event outside the first year's census participants (or synthetic events off)");
    } else if (ie >= 0) {
        const pw_date d = w->ev[ie].date;
        const int cat = w->ev[ie].category;
        PW_INV(!w->pre_enrolled, rep, 14, "an enrollment event for a pre-enrolled census row");
        PW_INV(e != PW_NO_DATE && d >= e, rep, 14, "enrollment on %s before the eligibility date %s", pw__inv_date(d),
               pw__inv_date(e));
        PW_INV(py->elig_status[r] == PW_PLAN_ELIGIBLE, rep, 14, "enrollment while status %s",
               status_name(py->elig_status[r]));
        PW_INV(!wf->ever_opted_out[r] && !(io >= 0 && w->ev[io].date <= d), rep, 14, "enrollment on %s after an opt-out",
               pw__inv_date(d));
        PW_INV(py->enroll_rate[r] > 0, rep, 14, "enrollment at rate %s", pw__inv_rate(py->enroll_rate[r]));
        PW_INV(isfinite(py->enroll_comp[r]), rep, 14, "enrollment without a compensation");
        const bool covered = p->ae_enabled && (cx->ae_cutoff == PW_NO_DATE || w->hire >= cx->ae_cutoff);
        const pw_date w0 = e > cx->start_jan1 ? e : cx->start_jan1;
        switch (cat) {
        case PW_CAT_AUTO_ENROLLMENT:
        case PW_CAT_PROACTIVE_VOLUNTARY:
            if (w->legacy) break;   /* planned under the settings of the checkpoint's run */
            PW_INV(covered, rep, 14, "%s of an employee not covered by auto-enrollment", category_name(cat));
            if (cat == PW_CAT_AUTO_ENROLLMENT)
                PW_INV(d == w0 + p->ae_window_days, rep, 14, "auto-enrollment on %s, not W0 %s + %d days", pw__inv_date(d),
                       pw__inv_date(w0), p->ae_window_days);
            else
                PW_INV(p->proactive_enabled && d >= w0 + p->proactive_min_days && d <= w0 + p->proactive_max_days, rep,
                       14, "proactive enrollment on %s, outside W0 %s + [%d, %d] days (or proactive disabled)",
                       pw__inv_date(d), pw__inv_date(w0), p->proactive_min_days, p->proactive_max_days);
            break;
        case PW_CAT_VOLUNTARY_ENROLLMENT:
            PW_INV(!covered, rep, 14, "voluntary enrollment of an employee covered by auto-enrollment");
            if (p->voluntary_every_year) {
                /* the reference's convention: a draw every year, on Jan 15 or the later eligibility date */
                PW_INV(p->voluntary_enabled && d >= e && d >= cx->y->jan1, rep, 14,
                       "voluntary enrollment (every year) on %s, before the eligibility date %s or the year",
                       pw__inv_date(d), pw__inv_date(e));
                break;
            }
            PW_INV(p->voluntary_enabled && d == e && e >= cx->start_jan1, rep, 14,
                   "voluntary enrollment on %s, not on an eligibility date %s in the horizon (or voluntary disabled)",
                   pw__inv_date(d), pw__inv_date(e));
            break;
        case PW_CAT_YEAR_OVER_YEAR_VOLUNTARY:
            PW_INV(!covered, rep, 14, "year-over-year enrollment of an employee covered by auto-enrollment");
            PW_INV(p->yoy_enabled && d == cx->yoy_day && e < cx->y->jan1, rep, 14,
                   "year-over-year enrollment on %s, not on %s after eligibility (%s) before %d (or disabled)",
                   pw__inv_date(d), pw__inv_date(cx->yoy_day), pw__inv_date(e), cx->year);
            break;
        default: break;
        }
    }
    if (io >= 0) {
        const int method = ie >= 0 ? (w->ev[ie].category == PW_CAT_AUTO_ENROLLMENT ? PW_ENROLL_AUTO : PW_ENROLL_VOLUNTARY)
                           : wf->is_enrolled[r] ? wf->enrollment_method[r]
                                                : PW_ENROLL_NONE;
        const pw_date enrolled = ie >= 0 ? w->ev[ie].date : wf->enrollment_date[r];
        PW_INV(method != PW_ENROLL_NONE, rep, 14, "an opt-out without an enrollment");
        PW_INV(method == PW_ENROLL_AUTO, rep, 14, "an opt-out after an enrollment that is not an auto-enrollment");
        if (!w->legacy)
            PW_INV(w->ev[io].date == enrolled + p->ae_opt_out_grace_days, rep, 14,
                   "opt-out on %s, not auto-enrollment date %s + %d days", pw__inv_date(w->ev[io].date),
                   pw__inv_date(enrolled), p->ae_opt_out_grace_days);
    }
    return 0;
}

/* ---- 15: deferral rates ---- */

/* New and previous rate of a rate-setting event of row r. */
static bool rate_event(const struct pw_plan_year *py, uint32_t r, int type, double *next, double *prev)
{
    switch (type) {
    case PW_EV_ENROLLMENT: *next = py->enroll_rate[r], *prev = NAN; return true;
    case PW_EV_MATCH_RESPONSE: *next = py->mr_new[r], *prev = py->mr_prev[r]; return true;
    case PW_EV_ESCALATION: *next = py->esc_new[r], *prev = py->esc_prev[r]; return true;
    case PW_EV_ENROLLMENT_CHANGE: *next = 0.0, *prev = py->optout_prev_rate[r]; return true;
    default: return false;
    }
}

static int check_escalation(const struct pw__inv_ctx *cx, const struct pw__inv_row *w, const struct pw_event *e,
                            double next, double prev, pw_date opted, struct pw__inv_report *rep)
{
    const struct pw_workforce *wf = cx->wf;
    const struct pw_plan_config *p = cx->p;
    const uint32_t r = w->r;
    const pw_date enrolled = wf->is_enrolled[r] ? wf->enrollment_date[r] : cx->py->enroll_date[r];
    PW_INV(p->esc_enabled, rep, 15, "an escalation while auto-escalation is disabled");
    PW_INV(opted == PW_NO_DATE || e->date < opted, rep, 15, "an escalation on %s after the opt-out of %s",
           pw__inv_date(e->date), pw__inv_date(opted));
    PW_INV(prev > 0 && next > prev + 1e-12, rep, 15, "escalation from %s to %s does not raise a positive rate",
           pw__inv_rate(prev), pw__inv_rate(next));
    PW_INV(next <= p->esc_max_rate + 1e-9, rep, 15, "escalation to %s above maximum_rate %s", pw__inv_rate(next),
           pw__inv_rate(p->esc_max_rate));
    const double want = pw_round6(pw_min(p->esc_max_rate, prev + p->esc_increment));
    PW_INV(fabs(next - want) <= 1e-9, rep, 15, "escalation to %s differs from round6(min(maximum_rate, %s + %s)) = %s",
           pw__inv_rate(next), pw__inv_rate(prev), pw__inv_rate(p->esc_increment), pw__inv_rate(want));
    PW_INV(!wf->auto_escalation_opt_out[r], rep, 15, "an escalation of an employee with auto_escalation_opt_out");
    PW_INV(p->esc_hire_date_cutoff == PW_NO_DATE || w->hire >= p->esc_hire_date_cutoff, rep, 15,
           "an escalation of an employee hired on %s, before the escalation cutoff %s", pw__inv_date(w->hire),
           pw__inv_date(p->esc_hire_date_cutoff));
    PW_INV(enrolled != PW_NO_DATE && enrolled < e->date && enrolled < cx->esc_enrolled_before, rep,
           15, "an escalation on %s of an employee enrolled on %s (delay %d years)", pw__inv_date(e->date),
           pw__inv_date(enrolled), p->esc_delay_years);
    PW_INV(cx->py->esc_number[r] == wf->escalation_count[r] + 1, rep, 15,
           "escalation number %d after %d earlier escalations", cx->py->esc_number[r], wf->escalation_count[r]);
    return 0;
}

static int check_rates(const struct pw__inv_ctx *cx, const struct pw__inv_row *w, struct pw__inv_report *rep)
{
    const struct pw_workforce *wf = cx->wf;
    const struct pw_plan_year *py = cx->py;
    const struct pw_plan_config *p = cx->p;
    const uint32_t r = w->r;
    const double cap = cx->cfg->plan_deferral_cap, hi = w->legacy ? INFINITY : cap + 1e-9;
    const int io = w->at[PW_EV_ENROLLMENT_CHANGE];
    /* The opt-out of this employee so far: carried in, or in this year. */
    const pw_date opted = wf->ever_opted_out[r] ? wf->opt_out_date[r] : io >= 0 ? w->ev[io].date : PW_NO_DATE;
    double cur = py->rate_start[r];
    PW_INV(cur >= 0 && cur <= hi, rep, 15, "rate %s in force at the start of %d outside [0, plan_deferral_cap %s]",
           pw__inv_rate(cur), cx->year, pw__inv_rate(cap));
    PW_INV(!wf->ever_opted_out[r] || cur == 0, rep, 15, "rate %s after the opt-out of %s", pw__inv_rate(cur),
           pw__inv_date(wf->opt_out_date[r]));
    PW_INV(!wf->auto_escalation_opt_out[r] || wf->escalation_count[r] == 0, rep, 15,
           "%d escalations of an employee with auto_escalation_opt_out", wf->escalation_count[r]);
    const size_t base = (size_t)r * PW_PLAN_MAX_CHANGES;
    unsigned k = 0;
    double rate_on_q = cur;   /* rate on the escalation date, before an escalation (4.12) */
    for (int i = 0; i < w->nev; i++) {
        const struct pw_event *e = &w->ev[i];
        double next, prev;
        if (!rate_event(py, r, e->type, &next, &prev)) continue;
        const char *name = pw_event_type_names[e->type];
        PW_INV(next >= 0 && next <= hi, rep, 15, "%s rate %s outside [0, plan_deferral_cap %s]", name, pw__inv_rate(next),
               pw__inv_rate(cap));
        if (e->type != PW_EV_ENROLLMENT)
            PW_INV(fabs(prev - cur) <= 1e-9, rep, 15, "%s previous rate %s differs from the rate in force before it, %s",
                   name, pw__inv_rate(prev), pw__inv_rate(cur));
        PW_INV(k < py->n_changes[r] && py->change_date[base + k] == e->date && py->change_rate[base + k] == next, rep, 15,
               "the rate timeline does not hold the %s event of %s (rate %s)", name, pw__inv_date(e->date),
               pw__inv_rate(next));
        switch (e->type) {
        case PW_EV_ENROLLMENT:
            if (e->category == PW_CAT_VOLUNTARY_ENROLLMENT || (e->category == PW_CAT_PROACTIVE_VOLUNTARY && !w->legacy))
                PW_INV(next >= p->magnet_min_rate - 1e-9 && next <= p->magnet_max_rate + 1e-9, rep, 15,
                       "%s rate %s outside [min_deferral_rate %s, max_deferral_rate %s]", category_name(e->category),
                       pw__inv_rate(next), pw__inv_rate(p->magnet_min_rate), pw__inv_rate(p->magnet_max_rate));
            if (e->category == PW_CAT_AUTO_ENROLLMENT && !w->legacy) {
                const double want = pw_round6(pw_clamp(p->ae_default_rate, 0.0, cap));
                PW_INV(fabs(next - want) <= 1e-9, rep, 15, "auto-enrollment rate %s differs from default_deferral_rate %s",
                       pw__inv_rate(next), pw__inv_rate(want));
            }
            if (e->category == PW_CAT_YEAR_OVER_YEAR_VOLUNTARY) {
                const int g = pw_group_index(&cx->t->groups[PW_DIM_AGE], cx->y->age[r]);
                const double want = pw_round6(pw_clamp(cx->yoy_rate[g & 7], 0.0, cap));
                PW_INV(fabs(next - want) <= 1e-9, rep, 15, "year-over-year rate %s differs from the rate of its age group, %s",
                       pw__inv_rate(next), pw__inv_rate(want));
            }
            break;
        case PW_EV_ESCALATION: {
            int inv = check_escalation(cx, w, e, next, prev, opted, rep);
            if (inv) return inv;
            break;
        }
        case PW_EV_MATCH_RESPONSE:
            PW_INV(p->mr_enabled, rep, 15, "a match response while it is disabled");
            PW_INV(cx->first_year && e->date == cx->start_jan1 && w->pre_enrolled, rep, 15,
                   "a match response on %s, not on Jan 1 of the start year for a pre-enrolled census row",
                   pw__inv_date(e->date));
            PW_INV(fabs(next - prev) >= 1e-12, rep, 15, "a match response that keeps the rate %s", pw__inv_rate(next));
            PW_INV(opted == PW_NO_DATE || e->date < opted, rep, 15, "a match response after the opt-out");
            break;
        default: break;
        }
        if (e->date < cx->esc_day || (e->date == cx->esc_day && e->type == PW_EV_MATCH_RESPONSE)) rate_on_q = next;
        cur = next;
        k++;
    }
    PW_INV(k == py->n_changes[r], rep, 15, "%u rate changes in the timeline for %u rate events", (unsigned)py->n_changes[r],
           k);
    PW_INV(opted == PW_NO_DATE || opted > w->b || cur == 0, rep, 15, "rate %s at the end of %d after the opt-out of %s",
           pw__inv_rate(cur), cx->year, pw__inv_date(opted));
    /* An escalation due on Q that was not made (all conditions of 4.12). */
    const pw_date q = cx->esc_day;
    const pw_date enrolled = wf->is_enrolled[r] ? wf->enrollment_date[r] : py->enroll_date[r];
    if (p->esc_enabled && w->n_of[PW_EV_ESCALATION] == 0 && q <= w->b && q >= w->hire && !wf->auto_escalation_opt_out[r] &&
        (p->esc_hire_date_cutoff == PW_NO_DATE || w->hire >= p->esc_hire_date_cutoff) && enrolled != PW_NO_DATE &&
        enrolled < q && enrolled < cx->esc_enrolled_before && (opted == PW_NO_DATE || opted > q))
        PW_INV(!(rate_on_q > 0 && rate_on_q < p->esc_max_rate - 1e-9), rep, 15,
               "an escalation was due on %s (rate %s below maximum_rate %s) but not made", pw__inv_date(q),
               pw__inv_rate(rate_on_q), pw__inv_rate(p->esc_max_rate));
    return 0;
}

/* ---- 16: contributions ---- */

static int check_contributions(const struct pw__inv_ctx *cx, const struct pw__inv_row *w, struct pw__inv_report *rep)
{
    const struct pw_plan_money *m = cx->m;
    const struct pw_plan_year *py = cx->py;
    const struct pw_workforce *wf = cx->wf;
    const struct pw_irs_year *irs = cx->irs;
    const uint32_t r = w->r;
    const double d = m->deferrals[r], bcap = m->b_cap[r], b_pay = cx->y->prorated_comp[r];
    /* Catch-up follows the IRS rule (age reached by Dec 31) under either age convention. */
    const int age = cx->cfg->age_convention == PW_AGE_EXACT ? cx->y->age[r] : pw_age(wf->birth_date[r], cx->y->dec31);
    int type = PW_LIMIT_BASE;
    double limit = irs->deferral_limit;
    if (age >= irs->super_catch_up_min_age && age <= irs->super_catch_up_max_age)
        type = PW_LIMIT_SUPER_CATCH_UP, limit = irs->super_catch_up_total_limit;
    else if (age >= irs->catch_up_age)
        type = PW_LIMIT_CATCH_UP, limit = irs->catch_up_total_limit;
    PW_INV(d >= 0, rep, 16, "negative D %s", pw__inv_money(d));
    PW_INV(m->limit_type[r] == type, rep, 16, "limit type %d for age %d, not %s", m->limit_type[r], age,
           pw_limit_type_names[type]);
    PW_INV(m->applicable_limit[r] == limit, rep, 16, "applicable 402(g) limit %s for age %d, not %s",
           pw__inv_money(m->applicable_limit[r]), age, pw__inv_money(limit));
    PW_INV(d <= limit + 0.001, rep, 16, "D %s exceeds the applicable 402(g) limit %s", pw__inv_money(d),
           pw__inv_money(limit));
    PW_INV(!m->irs_402g[r] || m->irs_415c[r] || fabs(d - limit) <= 0.001, rep, 16,
           "402(g) limit applied but D %s differs from the limit %s", pw__inv_money(d), pw__inv_money(limit));
    const pw_date enrolled = wf->is_enrolled[r] ? wf->enrollment_date[r] : py->enroll_date[r];
    PW_INV(d == 0 || (enrolled != PW_NO_DATE && enrolled <= w->b), rep, 16,
           "D %s without an enrollment by the end of employment %s", pw__inv_money(d), pw__inv_date(w->b));
    double top = py->rate_start[r];
    for (unsigned i = 0; i < py->n_changes[r]; i++) top = pw_max(top, py->change_rate[(size_t)r * PW_PLAN_MAX_CHANGES + i]);
    PW_INV(d == 0 || top > 0, rep, 16, "D %s while the deferral rate was 0 all year", pw__inv_money(d));
    PW_INV(pw__inv_cents(m->pre_tax[r]) + pw__inv_cents(m->roth[r]) == pw__inv_cents(d), rep, 16, "pre-tax %s + Roth %s differ from D %s",
           pw__inv_money(m->pre_tax[r]), pw__inv_money(m->roth[r]), pw__inv_money(d));
    PW_INV(m->pre_tax[r] >= 0 && m->roth[r] >= 0, rep, 16, "negative pre-tax %s or Roth %s", pw__inv_money(m->pre_tax[r]),
           pw__inv_money(m->roth[r]));
    PW_INV(fabs(m->roth[r] - d * cx->p->roth_share) <= 0.0051, rep, 16, "Roth %s differs from round2(D %s x %s)",
           pw__inv_money(m->roth[r]), pw__inv_money(d), pw__inv_rate(cx->p->roth_share));
    if (!w->legacy)
        PW_INV(d <= cx->cfg->plan_deferral_cap * bcap + 0.01, rep, 16, "D %s exceeds plan_deferral_cap %s x B_cap %s",
               pw__inv_money(d), pw__inv_rate(cx->cfg->plan_deferral_cap), pw__inv_money(bcap));
    PW_INV(d <= top * bcap + 0.01, rep, 16, "D %s exceeds the highest rate of the year %s x B_cap %s", pw__inv_money(d),
           pw__inv_rate(top), pw__inv_money(bcap));
    PW_INV(bcap <= irs->compensation_limit, rep, 16, "B_cap %s exceeds the 401(a)(17) limit %s", pw__inv_money(bcap),
           pw__inv_money(irs->compensation_limit));
    const double want_bcap = pw_round2(pw_min(b_pay, irs->compensation_limit));
    PW_INV(fabs(bcap - want_bcap) <= 0.0051, rep, 16, "B_cap %s differs from round2(min(B %s, %s))", pw__inv_money(bcap),
           pw__inv_money(b_pay), pw__inv_money(irs->compensation_limit));
    PW_INV(m->irs_401a17[r] == (b_pay > irs->compensation_limit), rep, 16, "401(a)(17) flag %d with B %s and limit %s",
           m->irs_401a17[r], pw__inv_money(b_pay), pw__inv_money(irs->compensation_limit));
    const double want_d = bcap > 0 ? pw_round6(d / bcap) : 0.0;
    PW_INV(fabs(m->eff_rate[r] - want_d) <= 1.01e-6, rep, 16, "effective deferral rate %s differs from round6(D / B_cap) = %s",
           pw__inv_rate(m->eff_rate[r]), pw__inv_rate(want_d));
    return 0;
}

/* ---- 17: match; 18: core and 415(c) ---- */

/* Reason code of the 4.14 tests, written out as the SQL audit states them. */
static int want_reason(const struct pw_employer_eligibility *e, bool apply, const struct pw__inv_ctx *cx,
                       const struct pw__inv_row *w)
{
    const int kind = cx->y->term_kind[w->r], hours = cx->y->hours_worked[w->r], yos = cx->y->reported_tenure[w->r];
    if (!apply) return kind != PW_TERM_NONE ? PW_ELIG_INACTIVE_EOY : hours < 1000 ? PW_ELIG_INSUFFICIENT_HOURS : PW_ELIG_ELIGIBLE;
    if (!(kind == PW_TERM_NONE || !e->require_active_at_year_end ||
          (kind == PW_TERM_NEW_HIRE && e->allow_terminated_new_hires) ||
          (kind == PW_TERM_EXPERIENCED && e->allow_experienced_terminations)))
        return PW_ELIG_INACTIVE_EOY;
    if (hours < e->minimum_hours_annual) return PW_ELIG_INSUFFICIENT_HOURS;
    if (!(yos >= e->minimum_tenure_years || (e->allow_new_hires && w->hire_row))) return PW_ELIG_INSUFFICIENT_TENURE;
    return PW_ELIG_ELIGIBLE;
}

static int check_match(const struct pw__inv_ctx *cx, const struct pw__inv_row *w, struct pw__inv_report *rep)
{
    const struct pw_plan_money *m = cx->m;
    const struct pw_plan_config *p = cx->p;
    const uint32_t r = w->r;
    const double match = m->match[r], bcap = m->b_cap[r];
    PW_INV(match >= 0, rep, 17, "negative match %s", pw__inv_money(match));
    const double share = pw__inv_match_max_share(cx, m->yos[r], cx->y->age[r], m->eff_rate[r]);
    PW_INV(match <= share * bcap + 0.01, rep, 17, "match %s exceeds m_max %s x B_cap %s = %s", pw__inv_money(match),
           pw__inv_rate(share), pw__inv_money(bcap), pw__inv_money(share * bcap));
    const struct pw_match_formula *f = cx->formula;
    if (f && f->type == PW_FORMULA_TIERED && f->has_cap)
        PW_INV(match <= f->max_match_percentage * bcap + 0.01, rep, 17, "match %s exceeds the cap %s x B_cap %s",
               pw__inv_money(match), pw__inv_rate(f->max_match_percentage), pw__inv_money(bcap));
    const int want = want_reason(&p->match_eligibility, p->match_eligibility.apply_eligibility, cx, w);
    PW_INV(m->match_reason[r] == want, rep, 17, "match eligibility reason %s, the tests give %s",
           m->match_reason[r] < PW_ELIG_REASON_COUNT ? pw_elig_reason_names[m->match_reason[r]] : "unknown",
           pw_elig_reason_names[want]);
    PW_INV(m->match_eligible[r] == (want == PW_ELIG_ELIGIBLE), rep, 17, "match eligible flag %d with reason %s",
           m->match_eligible[r], pw_elig_reason_names[want]);
    if (match > 0) {
        PW_INV(m->match_eligible[r], rep, 17, "match %s for an employee not eligible", pw__inv_money(match));
        PW_INV(m->deferrals[r] > 0, rep, 17, "match %s with D = 0", pw__inv_money(match));
        PW_INV(p->match_enabled, rep, 17, "match %s while the match is disabled", pw__inv_money(match));
    }
    PW_INV(m->match_415c_cut[r] >= 0 && (m->irs_415c[r] || m->match_415c_cut[r] == 0), rep, 17,
           "415(c) reduction of the match %s without the 415(c) limit applied", pw__inv_money(m->match_415c_cut[r]));
    return 0;
}

static int check_core(const struct pw__inv_ctx *cx, const struct pw__inv_row *w, struct pw__inv_report *rep)
{
    const struct pw_plan_money *m = cx->m;
    const struct pw_plan_config *p = cx->p;
    const uint32_t r = w->r;
    const double core = m->core[r], bcap = m->b_cap[r], d = m->deferrals[r], b_pay = cx->y->prorated_comp[r];
    PW_INV(core >= 0, rep, 18, "negative core %s", pw__inv_money(core));
    const bool eligible = want_reason(&p->core_eligibility, true, cx, w) == PW_ELIG_ELIGIBLE;
    PW_INV(m->core_eligible[r] == eligible, rep, 18, "core eligible flag %d, the tests give %d", m->core_eligible[r],
           eligible);
    if (core > 0) {
        PW_INV(p->core_enabled && (p->core_status != PW_CORE_NONE || p->integration_enabled), rep, 18,
               "core %s while the core is disabled (or status none without integration)", pw__inv_money(core));
        PW_INV(m->core_eligible[r], rep, 18, "core %s for an employee not eligible", pw__inv_money(core));
        PW_INV(bcap > 0, rep, 18, "core %s with B_cap 0", pw__inv_money(core));
    }
    const double bound = cx->core_max_rate * bcap + (p->integration_enabled ? p->disparity_rate * bcap : 0.0) + 0.01;
    PW_INV(core <= bound, rep, 18, "core %s exceeds the largest rate %s x B_cap %s (+ disparity)", pw__inv_money(core),
           pw__inv_rate(cx->core_max_rate), pw__inv_money(bcap));
    if (p->core_enabled && p->core_status == PW_CORE_FLAT && !p->integration_enabled && m->core_eligible[r] && !m->irs_415c[r])
        PW_INV(fabs(core - p->core_rate * bcap) <= 0.0051, rep, 18, "flat core %s differs from round2(%s x B_cap %s)",
               pw__inv_money(core), pw__inv_rate(p->core_rate), pw__inv_money(bcap));
    const double limit = pw_min(cx->irs->annual_additions_limit, b_pay);
    const double additions = pw_min(d, cx->irs->deferral_limit) + m->match[r] + core;
    PW_INV(additions <= limit + 0.01, rep, 18,
           "annual additions %s (min(D %s, %s) + match %s + core %s) exceed the 415(c) limit min(%s, B) = %s",
           pw__inv_money(additions), pw__inv_money(d), pw__inv_money(cx->irs->deferral_limit), pw__inv_money(m->match[r]),
           pw__inv_money(core), pw__inv_money(cx->irs->annual_additions_limit), pw__inv_money(limit));
    PW_INV(!m->irs_415c[r] || fabs(additions - limit) <= 0.011, rep, 18,
           "415(c) limit applied but annual additions %s differ from the limit %s", pw__inv_money(additions),
           pw__inv_money(limit));
    return 0;
}

/* ---- 19: vesting, balances, forfeitures ---- */

static int check_vesting(const struct pw__inv_ctx *cx, const struct pw__inv_row *w, struct pw__inv_report *rep)
{
    const struct pw_plan_money *m = cx->m;
    const struct pw_plan_config *p = cx->p;
    const struct pw_workforce *wf = cx->wf;
    const uint32_t r = w->r;
    const double ms = m->match_vested_pct[r], cs = m->core_vested_pct[r];
    PW_INV(ms >= 0 && ms <= 1 && cs >= 0 && cs <= 1, rep, 19, "vested shares %s (match) and %s (core) not in [0, 1]",
           pw__inv_rate(ms), pw__inv_rate(cs));
    const bool short_year = p->require_hours_credit && cx->y->hours_worked[r] < p->hours_credit_threshold;
    const int years = cx->y->reported_tenure[r] - (short_year ? 1 : 0) > 0 ? cx->y->reported_tenure[r] - (short_year ? 1 : 0) : 0;
    PW_INV(m->vesting_years[r] == years, rep, 19, "vesting years %d differ from service %d%s", m->vesting_years[r], years,
           short_year ? " (a year without the hours credit)" : "");
    const double want_m = pw_vested_share(cx->match_sched, years), want_c = pw_vested_share(cx->core_sched, years);
    PW_INV(fabs(ms - want_m) <= 1e-9 && fabs(cs - want_c) <= 1e-9, rep, 19,
           "vested shares %s / %s differ from the schedules' %s / %s at %d years", pw__inv_rate(ms), pw__inv_rate(cs),
           pw__inv_rate(want_m), pw__inv_rate(want_c), years);
    const double mb = m->match_balance[r], cb = m->core_balance[r];
    PW_INV(pw__inv_cents(mb) == pw__inv_cents(wf->match_balance[r]) + pw__inv_cents(m->match[r]), rep, 19,
           "match balance %s differs from last year's %s + match %s", pw__inv_money(mb), pw__inv_money(wf->match_balance[r]),
           pw__inv_money(m->match[r]));
    PW_INV(pw__inv_cents(cb) == pw__inv_cents(wf->core_balance[r]) + pw__inv_cents(m->core[r]), rep, 19,
           "core balance %s differs from last year's %s + core %s", pw__inv_money(cb), pw__inv_money(wf->core_balance[r]),
           pw__inv_money(m->core[r]));
    const double forfeit = m->forfeit_total[r], vested = m->vested_balance[r];
    if (w->leaver) {
        PW_INV(pw__inv_cents(forfeit) + pw__inv_cents(vested) == pw__inv_cents(mb) + pw__inv_cents(cb), rep, 19,
               "leaver: forfeiture %s + vested balance %s differ from the balance %s", pw__inv_money(forfeit),
               pw__inv_money(vested), pw__inv_money(mb + cb));
        PW_INV(fabs(forfeit - mb * (1 - ms) - cb * (1 - cs)) <= 0.0101, rep, 19,
               "leaver: forfeiture %s differs from the unvested parts %s", pw__inv_money(forfeit),
               pw__inv_money(mb * (1 - ms) + cb * (1 - cs)));
    } else {
        PW_INV(forfeit == 0, rep, 19, "forfeiture %s for an active employee", pw__inv_money(forfeit));
        PW_INV(fabs(vested - (mb * ms + cb * cs)) <= 0.0201, rep, 19, "vested balance %s differs from the vested parts %s",
               pw__inv_money(vested), pw__inv_money(mb * ms + cb * cs));
    }
    PW_INV(forfeit >= 0 && vested >= 0, rep, 19, "negative forfeiture %s or vested balance %s", pw__inv_money(forfeit),
           pw__inv_money(vested));
    const bool want_event = w->leaver && forfeit > 0;
    PW_INV((w->n_of[PW_EV_FORFEITURE] > 0) == want_event, rep, 19, "%s",
           want_event ? "a leaver's forfeiture without a forfeiture event" : "a forfeiture event without a forfeiture");
    const int i = w->at[PW_EV_FORFEITURE];
    if (i >= 0) {
        PW_INV(w->ev[i].date == cx->y->term_date[r], rep, 19, "forfeiture event dated %s, not on the termination date %s",
               pw__inv_date(w->ev[i].date), pw__inv_date(cx->y->term_date[r]));
        PW_INV(pw__inv_cents(m->forfeit_match[r]) + pw__inv_cents(m->forfeit_core[r]) == pw__inv_cents(forfeit), rep, 19,
               "forfeited match %s + core %s differ from the forfeiture %s", pw__inv_money(m->forfeit_match[r]),
               pw__inv_money(m->forfeit_core[r]), pw__inv_money(forfeit));
        PW_INV(fabs(m->forfeit_match[r] - mb * (1 - ms)) <= 0.0051, rep, 19,
               "forfeited match %s differs from round2(match balance %s x (1 - %s))", pw__inv_money(m->forfeit_match[r]),
               pw__inv_money(mb), pw__inv_rate(ms));
    }
    return 0;
}

int pw__inv_row_plan(const struct pw__inv_ctx *cx, const struct pw__inv_row *w, struct pw__inv_report *rep)
{
    int inv;
    if ((inv = check_eligibility(cx, w, rep)) || (inv = check_enrollment(cx, w, rep)) || (inv = check_rates(cx, w, rep)) ||
        (inv = check_contributions(cx, w, rep)) || (inv = check_match(cx, w, rep)) || (inv = check_core(cx, w, rep)) ||
        (inv = check_vesting(cx, w, rep)))
        return inv;
    return 0;
}
