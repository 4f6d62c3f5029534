/* compliance_view.c: a simulated year's arrays as the input columns of the
 * compliance tests (compliance_view.h), value for value what the output views
 * show: fct_workforce_snapshot, the match rows of fct_employer_match_events (a
 * row when the match is positive and the plan has an active formula) and, in the
 * first year, the previous pay of fct_yearly_events' first promotion or raise. */
#include "model/compliance_view.h"

#include <math.h>
#include <stdint.h>

#include "core/err.h"
#include "model/config.h"
#include "model/plan_config.h"
#include "model/plan_money_year.h"
#include "model/plan_year.h"
#include "model/workforce.h"
#include "model/year.h"

/* pw.tenure_at: whole years of 365.25 days from hire to d, 0 before hire. */
static int16_t view_tenure(pw_date hire, pw_date d)
{
    return d < hire ? 0 : (int16_t)(((int64_t)d - hire) * 4 / 1461);
}

/* The census pay of row r (first year): arg_min(previous_compensation,
 * event_sequence) over its promotion and raise, else current pay. Events of a row
 * are numbered by (date, type), and a promotion's type comes before a raise's. */
static double census_pay(const struct pw_year_view *v, uint32_t r)
{
    const struct pw_year *yr = v->year;
    pw_date p = yr->promo_date[r], q = yr->raise_date[r];
    struct pw_event e = {.row = r};
    if (p != PW_NO_DATE && (q == PW_NO_DATE || p <= q)) e.type = PW_EV_PROMOTION, e.date = p;
    else if (q != PW_NO_DATE) e.type = PW_EV_RAISE, e.date = q;
    else return yr->current_comp[r];
    struct pw_event_values ev;
    pw_event_values(v, &e, &ev);
    return isnan(ev.previous_compensation) ? yr->current_comp[r] : ev.previous_compensation;
}

static double or_zero(double x) { return isnan(x) ? 0 : x; }

int pw_cy_year_from_view(struct pw_cy_year *y, const struct pw_year_view *v, bool first_year, double base_limit)
{
    const struct pw_year *yr = v->year;
    const struct pw_workforce *wf = v->wf;
    const struct pw_plan_year *py = v->plan;
    const struct pw_plan_money *m = v->money;
    const int year = yr->year;
    if (pw_cy_year_reset(y, year, yr->n_pop)) return PW_ENOMEM;
    y->borrowed_ids = true;
    const bool match_rows = v->cfg->plan.match_enabled && pw_plan_active_formula(&v->cfg->plan) != NULL;
    for (size_t i = 0; i < yr->n_pop; i++) {
        const uint32_t r = yr->order[i];
        const bool left = yr->term_date[r] != PW_NO_DATE;
        y->id[i] = wf->employee_id[r];
        y->hire_date[i] = wf->hire_date[r];
        y->active[i] = !left;
        y->terminated[i] = left;
        y->age[i] = (int16_t)(year - pw_date_year(wf->birth_date[r]));
        y->tenure[i] = view_tenure(wf->hire_date[r], left ? yr->term_date[r] : yr->dec31);
        y->hours[i] = yr->hours_worked[r];
        y->sched_hours[i] = isnan(wf->hours_per_week[r]) ? 40 : wf->hours_per_week[r];
        uint8_t status = py->elig_status[r];
        y->plan_status[i] = status == PW_PLAN_ELIGIBLE ? PW_CY_ELIGIBLE : status == PW_PLAN_EXCLUDED ? PW_CY_EXCLUDED
                                                                                                   : PW_CY_PENDING;
        y->match_eligible[i] = m->match_eligible[r] != 0;
        y->match_reason[i] = (uint8_t)(m->match_reason[r] & 3u);   /* PW_ELIG_* = PW_CY_M_* */
        y->comp[i] = or_zero(yr->prorated_comp[r]);
        y->test_comp[i] = or_zero(m->b_cap[r]);
        /* the views: roth_contributions = (round(D * 100) - round(pre_tax * 100)) / 100 */
        double pre_tax = m->pre_tax[r];
        double roth = (round(m->deferrals[r] * 100) - round(pre_tax * 100)) / 100.0;
        double deferrals = pre_tax + roth;
        y->deferrals[i] = deferrals;
        double above = deferrals - base_limit;
        uint8_t limit = m->limit_type[r] & 3u;   /* 3 is no member: NULL in the view */
        y->catch_up[i] = (limit == PW_LIMIT_CATCH_UP || limit == PW_LIMIT_SUPER_CATCH_UP) && above > 0 ? above : 0;
        y->match[i] = or_zero(m->match[r]);
        y->core[i] = or_zero(m->core[r]);
        y->employer_balance[i] = or_zero(left ? m->vested_balance[r] : m->match_balance[r] + m->core_balance[r]);
        y->sim_hce[i] = m->is_hce[r] != 0;
        y->owner5[i] = wf->is_5pct_owner[r] != 0;
        y->owner1[i] = wf->is_1pct_owner[r] != 0;
        y->officer[i] = wf->is_officer[r] != 0;
        y->census_comp[i] = first_year && pw_date_year(wf->hire_date[r]) < year ? census_pay(v, r) : NAN;
        y->limited_402g[i] = m->irs_402g[r] != 0;
        y->limited_415c[i] = m->irs_415c[r] != 0;
        /* sum(irs_415c_reduction) of the employee's match row, 0 without one */
        y->match_415c_cut[i] = match_rows && m->match[r] > 0 ? or_zero(0.0 + m->match_415c_cut[r]) : 0;
    }
    y->n = yr->n_pop;
    return 0;
}
