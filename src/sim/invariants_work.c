/* invariants_work.c: the per-employee workforce invariants of MODEL 7 (5-12, and
 * 20: ages, tenure, bands, hours, HCE), judged on one row of the finished year and
 * its events. Each block follows the SQL audit check of the same number
 * (models/checks/check_NN_*.sql) with its tolerances; the configured caps and
 * calendar dates replace the audit's built-in defaults. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/num.h"
#include "sim/invariants_int.h"

/* The salary changes of a row's year: s0, then each promotion and raise in
 * sequence order (MODEL 4.8: a later event compounds on an earlier one). */
struct comp_chain {
    double s0;
    int n;
    pw_date date[2];
    double prev[2], amount[2];
    int type[2];
};

static void comp_chain(const struct pw__inv_ctx *cx, const struct pw__inv_row *w, struct comp_chain *c)
{
    const struct pw_year *y = cx->y;
    c->s0 = y->start_salary[w->r];
    c->n = 0;
    for (int i = 0; i < w->nev && c->n < 2; i++) {
        const int type = w->ev[i].type;
        if (type != PW_EV_PROMOTION && type != PW_EV_RAISE) continue;
        c->date[c->n] = w->ev[i].date;
        c->type[c->n] = type;
        c->prev[c->n] = type == PW_EV_PROMOTION ? y->promo_prev[w->r] : y->raise_prev[w->r];
        c->amount[c->n] = type == PW_EV_PROMOTION ? y->promo_new[w->r] : y->raise_new[w->r];
        c->n++;
    }
}

static const char *type_name(int type)
{
    return type > 0 && type < PW_EV_TYPE_COUNT ? pw_event_type_names[type] : "unknown";
}

/* ---- 5: uniqueness ---- */

static int check_uniqueness(const struct pw__inv_ctx *cx, const struct pw__inv_row *w, struct pw__inv_report *rep)
{
    const struct pw_year *y = cx->y;
    const struct pw_plan_year *py = cx->py;
    const struct pw_workforce *wf = cx->wf;
    const uint32_t r = w->r;
    for (int t = 1; t < PW_EV_TYPE_COUNT; t++)
        PW_INV(w->n_of[t] <= 1, rep, 5, "%d %s events in one year", w->n_of[t], pw_event_type_names[t]);
    PW_INV(w->n_of[PW_EV_HIRE] == (w->hire_row ? 1 : 0), rep, 5, "%s",
           w->hire_row ? "a hire of the year without a hire event" : "a hire event for an employee of the start-of-year roster");
    PW_INV(!(w->hire_row && wf->is_census[r]), rep, 5, "a census employee among the hires of the year");
    /* Each event exists exactly when the year's arrays say it happened. */
    const struct {
        int type;
        bool happened;
    } expect[] = {
        {PW_EV_PROMOTION, y->promo_date[r] != PW_NO_DATE},     {PW_EV_RAISE, y->raise_date[r] != PW_NO_DATE},
        {PW_EV_TERMINATION, y->term_kind[r] != PW_TERM_NONE},  {PW_EV_ELIGIBILITY, py->elig_event_date[r] != PW_NO_DATE},
        {PW_EV_ENROLLMENT, py->enroll_date[r] != PW_NO_DATE}, {PW_EV_MATCH_RESPONSE, py->mr_date[r] != PW_NO_DATE},
        {PW_EV_ESCALATION, py->esc_date[r] != PW_NO_DATE},    {PW_EV_ENROLLMENT_CHANGE, py->optout_date[r] != PW_NO_DATE},
    };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
        PW_INV((w->n_of[expect[i].type] > 0) == expect[i].happened, rep, 5, "%s %s event", expect[i].happened ? "no" : "an unexpected",
               pw_event_type_names[expect[i].type]);
    /* Once over the horizon, through the state carried into the year. */
    PW_INV(!(w->n_of[PW_EV_ELIGIBILITY] && wf->is_eligible[r]), rep, 5, "a second eligibility event (eligible before %d)",
           cx->year);
    const bool census_record = w->at[PW_EV_ENROLLMENT] >= 0 && w->ev[w->at[PW_EV_ENROLLMENT]].category == PW_CAT_CENSUS_ENROLLMENT;
    PW_INV(!(w->n_of[PW_EV_ENROLLMENT] && wf->is_enrolled[r] && !census_record), rep, 5, "a second enrollment (enrolled on %s)",
           pw__inv_date(wf->enrollment_date[r]));
    PW_INV(!(w->n_of[PW_EV_ENROLLMENT_CHANGE] && wf->ever_opted_out[r]), rep, 5, "a second opt-out (opted out on %s)",
           pw__inv_date(wf->opt_out_date[r]));
    return 0;
}

/* ---- 6: nothing after termination ---- */

static int check_termination(const struct pw__inv_ctx *cx, const struct pw__inv_row *w, struct pw__inv_report *rep)
{
    const struct pw_year *y = cx->y;
    const uint32_t r = w->r;
    PW_INV((y->term_kind[r] != PW_TERM_NONE) == (y->term_date[r] != PW_NO_DATE), rep, 6,
           "termination kind %d with termination date %s", y->term_kind[r], pw__inv_date(y->term_date[r]));
    if (w->leaver) {
        PW_INV(y->term_date[r] >= y->jan1 && y->term_date[r] <= y->dec31, rep, 6, "termination date %s outside %d",
               pw__inv_date(y->term_date[r]), cx->year);
        const int t = w->at[PW_EV_TERMINATION];
        if (t >= 0) {
            const struct pw_event *e = &w->ev[t];
            PW_INV(e->date == y->term_date[r], rep, 6, "termination event dated %s, termination date %s",
                   pw__inv_date(e->date), pw__inv_date(y->term_date[r]));
            PW_INV(e->category == (y->term_kind[r] == PW_TERM_EXPERIENCED ? PW_CAT_EXPERIENCED_TERMINATION
                                                                         : PW_CAT_NEW_HIRE_TERMINATION),
                   rep, 6, "termination event category %s does not match the termination reason",
                   e->category < PW_CAT_COUNT ? pw_event_category_names[e->category] : "unknown");
        }
    }
    for (int i = 0; i < w->nev; i++)
        PW_INV(!w->leaver || w->ev[i].date <= w->b, rep, 6, "%s event dated %s, after the termination on %s",
               type_name(w->ev[i].type), pw__inv_date(w->ev[i].date), pw__inv_date(w->b));
    return 0;
}

/* ---- 7: event dates ---- */

/* The date the year's arrays give an event of this type (PW_NO_DATE = no rule here). */
static pw_date array_date(const struct pw__inv_ctx *cx, const struct pw__inv_row *w, int type)
{
    const uint32_t r = w->r;
    switch (type) {
    case PW_EV_HIRE: return w->hire;
    case PW_EV_PROMOTION: return cx->y->promo_date[r];
    case PW_EV_RAISE: return cx->y->raise_date[r];
    case PW_EV_TERMINATION: return cx->y->term_date[r];
    case PW_EV_ELIGIBILITY: return cx->py->elig_event_date[r];
    case PW_EV_ENROLLMENT: return cx->py->enroll_date[r];
    case PW_EV_MATCH_RESPONSE: return cx->py->mr_date[r];
    case PW_EV_ESCALATION: return cx->py->esc_date[r];
    case PW_EV_ENROLLMENT_CHANGE: return cx->py->optout_date[r];
    default: return PW_NO_DATE;
    }
}

static int check_dates(const struct pw__inv_ctx *cx, const struct pw__inv_row *w, struct pw__inv_report *rep)
{
    const struct pw_year *y = cx->y;
    for (int i = 0; i < w->nev; i++) {
        const struct pw_event *e = &w->ev[i];
        const char *name = type_name(e->type);
        PW_INV(e->date >= y->jan1 && e->date <= y->dec31, rep, 7, "%s event dated %s, outside %d", name,
               pw__inv_date(e->date), cx->year);
        PW_INV(e->date >= w->hire, rep, 7, "%s event dated %s, before the hire date %s", name, pw__inv_date(e->date),
               pw__inv_date(w->hire));
        const pw_date want = array_date(cx, w, e->type);
        PW_INV(want == PW_NO_DATE || e->date == want, rep, 7, "%s event dated %s, but the year's %s date is %s", name,
               pw__inv_date(e->date), name, pw__inv_date(want));
        switch (e->type) {
        case PW_EV_TERMINATION:
            if (e->category == PW_CAT_NEW_HIRE_TERMINATION)
                PW_INV(w->hire_row && e->date > w->hire, rep, 7,
                       "new-hire termination on %s of an employee hired on %s (not in (hire date, Dec 31] of %d)",
                       pw__inv_date(e->date), pw__inv_date(w->hire), cx->year);
            else   /* a census row hired inside the first year leaves after its hire date */
                PW_INV(!w->hire_row && (w->hire < y->jan1 || e->date > w->hire || e->date == y->dec31), rep, 7,
                       "experienced termination on %s of an employee hired in %d on %s", pw__inv_date(e->date),
                       cx->year, pw__inv_date(w->hire));
            break;
        case PW_EV_PROMOTION:
            PW_INV(e->date == cx->promo_day, rep, 7, "promotion dated %s, not on the promotion date %s",
                   pw__inv_date(e->date), pw__inv_date(cx->promo_day));
            break;
        case PW_EV_RAISE:
            PW_INV(!cx->calendar_raises || e->date == cx->merit_day, rep, 7, "raise dated %s, not on the merit date %s",
                   pw__inv_date(e->date), pw__inv_date(cx->merit_day));
            break;
        case PW_EV_ESCALATION:
            PW_INV(e->date == cx->esc_day, rep, 7, "escalation dated %s, not on the escalation date %s",
                   pw__inv_date(e->date), pw__inv_date(cx->esc_day));
            break;
        default: break;
        }
    }
    return 0;
}

/* ---- 8: events unique and ordered ---- */

static bool category_of_type(int type, int category)
{
    switch (type) {
    case PW_EV_HIRE: return category == PW_CAT_HIRE;
    case PW_EV_TERMINATION:
        return category == PW_CAT_EXPERIENCED_TERMINATION || category == PW_CAT_NEW_HIRE_TERMINATION;
    case PW_EV_PROMOTION: return category == PW_CAT_PROMOTION;
    case PW_EV_RAISE: return category == PW_CAT_RAISE;
    case PW_EV_ELIGIBILITY: return category == PW_CAT_ELIGIBILITY;
    case PW_EV_ENROLLMENT:
        return category == PW_CAT_AUTO_ENROLLMENT || category == PW_CAT_PROACTIVE_VOLUNTARY ||
               category == PW_CAT_VOLUNTARY_ENROLLMENT || category == PW_CAT_YEAR_OVER_YEAR_VOLUNTARY ||
               category == PW_CAT_CENSUS_ENROLLMENT;
    case PW_EV_ENROLLMENT_CHANGE: return category == PW_CAT_ENROLLMENT_OPT_OUT;
    case PW_EV_ESCALATION: return category == PW_CAT_DEFERRAL_ESCALATION;
    case PW_EV_MATCH_RESPONSE: return category == PW_CAT_MATCH_RESPONSE;
    case PW_EV_FORFEITURE: return category == PW_CAT_FORFEITURE;
    default: return false;
    }
}

static int check_order(const struct pw__inv_row *w, struct pw__inv_report *rep)
{
    for (int i = 0; i < w->nev; i++) {
        const struct pw_event *e = &w->ev[i];
        PW_INV(e->row == w->r, rep, 8, "an event of another row among its events");
        PW_INV(e->sequence == i + 1, rep, 8, "event %d of the year numbered %d", i + 1, e->sequence);
        PW_INV(category_of_type(e->type, e->category), rep, 8, "event category %d does not belong to event type %s",
               e->category, type_name(e->type));
        if (i > 0) {
            const struct pw_event *p = &w->ev[i - 1];
            PW_INV(e->date > p->date || (e->date == p->date && e->type > p->type), rep, 8,
                   "%s event (%s) numbered after %s event (%s): not in (date, priority) order", type_name(e->type),
                   pw__inv_date(e->date), type_name(p->type), pw__inv_date(p->date));
        }
    }
    return 0;
}

/* ---- 9: promotions and raises ---- */

static int check_comp_events(const struct pw__inv_ctx *cx, const struct pw__inv_row *w, const struct comp_chain *c,
                             struct pw__inv_report *rep)
{
    const struct pw_config *cfg = cx->cfg;
    const struct pw_year *y = cx->y;
    const uint32_t r = w->r;
    double cur = c->s0;
    for (int i = 0; i < c->n; i++) {
        const bool promo = c->type[i] == PW_EV_PROMOTION;
        const char *what = promo ? "promotion" : "raise";
        const double prev = c->prev[i], amt = c->amount[i];
        PW_INV(!w->hire_row && w->hire < y->jan1, rep, 9, "%s of an employee hired in %d", what, cx->year);
        PW_INV(y->tenure[r] >= 1, rep, 9, "%s with tenure_Y %d < 1", what, y->tenure[r]);
        PW_INV(isfinite(prev) && isfinite(amt), rep, 9, "%s without amounts", what);
        PW_INV(prev == cur, rep, 9, "%s previous compensation %s differs from the salary in force before it, %s", what,
               pw__inv_money(prev), pw__inv_money(cur));
        PW_INV(amt >= prev, rep, 9, "%s lowers the salary from %s to %s", what, pw__inv_money(prev), pw__inv_money(amt));
        if (promo) {
            const int from = y->start_level[r], to = y->end_level[r];
            const double cap = pw_min(prev * (1.0 + cfg->promo_max_cap_pct), prev + cfg->promo_max_cap_amount);
            PW_INV(y->age[r] < 65, rep, 9, "promotion at age_Y %d", y->age[r]);
            PW_INV(to == from + 1, rep, 9, "promotion from level %d to level %d, not by exactly one", from, to);
            PW_INV(from >= 1 && from < cx->sim->levels, rep, 9, "promotion from level %d (levels 1..%d)", from,
                   cx->sim->levels);
            PW_INV(amt <= cap + 0.005, rep, 9, "promotion to %s exceeds min(prev x (1 + %s), prev + %s) = %s",
                   pw__inv_money(amt), pw__inv_rate(cfg->promo_max_cap_pct), pw__inv_money(cfg->promo_max_cap_amount),
                   pw__inv_money(cap));
            const double want = pw_round2(pw_min(cap, prev * (1.0 + pw_max(y->promo_pct[r], 0.0))));
            PW_INV(fabs(amt - want) <= 0.01 + 1e-6 * prev, rep, 9,
                   "promotion to %s differs from round2(min(cap, prev x (1 + %s))) = %s", pw__inv_money(amt),
                   pw__inv_rate(y->promo_pct[r]), pw__inv_money(want));
        } else {
            const double rate = y->merit_rate[r] + y->cola_rate[r];
            const double cap = pw_min(prev * (1.0 + cfg->merit_max_cap_pct), prev + cfg->merit_max_cap_amount);
            PW_INV(rate > 0, rep, 9, "raise with merit + COLA = %s", pw__inv_rate(rate));
            PW_INV(amt <= cap + 0.005, rep, 9, "raise to %s exceeds min(prev x (1 + %s), prev + %s) = %s",
                   pw__inv_money(amt), pw__inv_rate(cfg->merit_max_cap_pct), pw__inv_money(cfg->merit_max_cap_amount),
                   pw__inv_money(cap));
            const double want = pw_round2(pw_min(prev * (1.0 + pw_min(rate, cfg->merit_max_cap_pct)),
                                                 prev + cfg->merit_max_cap_amount));
            PW_INV(fabs(amt - want) <= 0.01 + 1e-6 * prev, rep, 9,
                   "raise to %s differs from round2(min(prev x (1 + min(%s, cap)), prev + cap)) = %s",
                   pw__inv_money(amt), pw__inv_rate(rate), pw__inv_money(want));
        }
        cur = amt;
    }
    return 0;
}

/* ---- 10: new hires ---- */

/* id == "NH_<year, 4 digits>_<q, zero-padded to at least 6 digits>" (without
 * printf: this runs for every hire). */
static bool hire_id_is(const char *id, uint32_t len, int year, uint64_t q)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + q % 10);
        q /= 10;
    } while (q);
    while (n < 6) digits[n++] = '0';
    if (len != (uint32_t)(8 + n) || memcmp(id, "NH_", 3) != 0 || id[7] != '_') return false;
    for (int i = 0, v = year; i < 4; i++, v /= 10)
        if (id[6 - i] != '0' + v % 10) return false;
    for (int i = 0; i < n; i++)
        if (id[8 + i] != digits[n - 1 - i]) return false;
    return true;
}

static int check_hire(const struct pw__inv_ctx *cx, const struct pw__inv_row *w, struct pw__inv_report *rep)
{
    const struct pw_year *y = cx->y;
    const struct pw_workforce *wf = cx->wf;
    const uint32_t r = w->r;
    /* id NH_<Y>_<q with at least 6 digits>, q = 1..H in row (level) order */
    const uint64_t q = (uint64_t)(r - y->n_roster) + 1;
    PW_INV(hire_id_is(wf->employee_id[r], wf->id_len[r], cx->year, q), rep, 10,
           "hire number %llu of %d has id '%.*s', not NH_%04d_%06llu", (unsigned long long)q, cx->year,
           (int)wf->id_len[r], wf->employee_id[r], cx->year, (unsigned long long)q);
    const int level = y->start_level[r];
    PW_INV(r == y->n_roster || level >= y->start_level[r - 1], rep, 10, "hire at level %d numbered after a hire at level %d",
           level, y->start_level[r - 1]);
    PW_INV(w->hire >= y->jan1 && w->hire <= y->dec31, rep, 10, "hire date %s outside %d", pw__inv_date(w->hire),
           cx->year);
    const int age = pw_age(wf->birth_date[r], w->hire);
    bool sampled = false;
    for (int i = 0; i < cx->t->new_hire_age_count && !sampled; i++) sampled = cx->t->new_hire_age[i] == age;
    PW_INV(sampled, rep, 10, "age %d on the hire date is not an age of new_hire_age_distribution", age);
    PW_INV(level >= 1 && level <= cx->sim->levels, rep, 10, "hire level %d outside 1..%d", level, cx->sim->levels);
    const double s = y->start_salary[r];
    PW_INV(s >= cx->nh_lo[level] && s <= cx->nh_hi[level], rep, 10,
           "hire salary %s outside base_l x [exp(-3s - s^2/2), exp(3s - s^2/2)] = [%s, %s]", pw__inv_money(s),
           pw__inv_money(cx->nh_lo[level] + 0.01), pw__inv_money(cx->nh_hi[level] - 0.01));
    return 0;
}

/* ---- 11: snapshot ---- */

static int check_snapshot(const struct pw__inv_ctx *cx, const struct pw__inv_row *w, const struct comp_chain *c,
                          struct pw__inv_report *rep)
{
    const struct pw_year *y = cx->y;
    const struct pw_workforce *wf = cx->wf;
    const uint32_t r = w->r;
    if (w->pos > 0) {
        const uint32_t p = y->order[w->pos - 1];
        PW_INV(pw_id_cmp(wf->employee_id[p], wf->id_len[p], wf->employee_id[r], wf->id_len[r]) < 0, rep, 11,
               "its snapshot row follows that of '%.*s' (ids not unique and ascending)", (int)wf->id_len[p],
               wf->employee_id[p]);
    }
    if (w->hire_row)
        PW_INV(w->hire >= y->jan1 && w->hire <= y->dec31 && y->term_kind[r] != PW_TERM_EXPERIENCED, rep, 11,
               "a hire of the year (hired %s) with status %s", pw__inv_date(w->hire),
               y->term_kind[r] == PW_TERM_EXPERIENCED ? "experienced_termination" : "active");
    else /* census rows hired inside the first year are in its starting roster */
        PW_INV((w->hire < y->jan1 || (cx->first_year && wf->is_census[r] && w->hire <= y->dec31)) &&
                   y->term_kind[r] != PW_TERM_NEW_HIRE,
               rep, 11,
               "a member of the start-of-year roster (hired %s) with status %s", pw__inv_date(w->hire),
               y->term_kind[r] == PW_TERM_NEW_HIRE ? "new_hire_termination" : "active");
    PW_INV(y->start_salary[r] == wf->salary[r], rep, 11, "starting salary %s differs from the salary carried in, %s",
           pw__inv_money(y->start_salary[r]), pw__inv_money(wf->salary[r]));
    PW_INV(y->start_level[r] == wf->level[r], rep, 11, "starting level %d differs from the level carried in, %d",
           y->start_level[r], wf->level[r]);
    const double last = c->n ? c->amount[c->n - 1] : c->s0;
    PW_INV(y->current_comp[r] == last, rep, 11, "current compensation %s differs from the last compensation event's %s",
           pw__inv_money(y->current_comp[r]), pw__inv_money(last));
    PW_INV(y->current_comp[r] > 0, rep, 11, "current compensation %s <= 0", pw__inv_money(y->current_comp[r]));
    const int promoted = y->promo_date[r] != PW_NO_DATE;
    PW_INV(y->end_level[r] >= 1 && y->end_level[r] <= cx->sim->levels, rep, 11, "level %d outside 1..%d",
           y->end_level[r], cx->sim->levels);
    PW_INV(y->end_level[r] == y->start_level[r] + promoted, rep, 11, "level %d differs from level %d + %d promotions",
           y->end_level[r], y->start_level[r], promoted);
    return 0;
}

/* ---- 12: proration and hours ---- */

static int check_proration(const struct pw__inv_ctx *cx, const struct pw__inv_row *w, const struct comp_chain *c,
                           struct pw__inv_report *rep)
{
    const struct pw_year *y = cx->y;
    const uint32_t r = w->r;
    const double D = y->days_in_year;
    const int64_t days = (int64_t)w->b - w->a + 1;
    PW_INV(days >= 1, rep, 12, "empty employment interval [%s, %s]", pw__inv_date(w->a), pw__inv_date(w->b));
    const double prorated = y->prorated_comp[r], current = y->current_comp[r];
    /* Full year, no change: prorated = current pay (compared in cents, so a census
     * salary with fractions of a cent rounds as round2 does). */
    if (c->n == 0 && days == y->days_in_year)
        PW_INV(pw__inv_cents(prorated) == pw__inv_cents(current), rep, 12,
               "employed all year without a pay change, but prorated %s differs from current compensation %s",
               pw__inv_money(prorated), pw__inv_money(current));
    double top = pw_max(c->s0, current), pay = c->s0 * (double)((c->n ? c->date[0] : w->b + 1) - w->a);
    for (int i = 0; i < c->n; i++) {
        top = pw_max(top, c->amount[i]);
        pay += c->amount[i] * (double)((i + 1 < c->n ? c->date[i + 1] : w->b + 1) - c->date[i]);
    }
    pay /= D;
    PW_INV(prorated <= top * (double)days / D + 0.0051, rep, 12, "prorated %s exceeds highest salary %s x %lld / %d days",
           pw__inv_money(prorated), pw__inv_money(top), (long long)days, y->days_in_year);
    PW_INV(fabs(prorated - pay) <= 0.0051, rep, 12, "prorated %s differs from the pay segments' %s",
           pw__inv_money(prorated), pw__inv_money(pay));
    const double h = cx->wf->hours_per_week[r];
    const int64_t hours = (int64_t)floor(h * 52 * (double)days / D + 0.5 + 1e-9);
    PW_INV(y->hours_worked[r] == hours, rep, 12, "annual hours %d differ from rha(%g x 52 x %lld / %d) = %lld",
           y->hours_worked[r], h, (long long)days, y->days_in_year, (long long)hours);
    return 0;
}

int pw__inv_row_workforce(const struct pw__inv_ctx *cx, const struct pw__inv_row *w, struct pw__inv_report *rep)
{
    int inv;
    if ((inv = check_uniqueness(cx, w, rep)) || (inv = check_termination(cx, w, rep)) ||
        (inv = check_dates(cx, w, rep)) || (inv = check_order(w, rep)))
        return inv;
    struct comp_chain c;
    comp_chain(cx, w, &c);
    if ((inv = check_comp_events(cx, w, &c, rep))) return inv;
    if (w->hire_row && (inv = check_hire(cx, w, rep))) return inv;
    if ((inv = check_snapshot(cx, w, &c, rep)) || (inv = check_proration(cx, w, &c, rep))) return inv;
    return 0;
}

/* ---- 20: ages, tenure, bands, hours, HCE ---- */

/* Band of a value: [min, max), the last band open (MODEL 1.3). */
static int band_of(const struct pw_bands *b, double v)
{
    for (int i = 0; i < b->count; i++)
        if (v >= b->min[i] && (b->max[i] < 0 || v < b->max[i])) return i;
    return -1;
}

static int64_t tenure_on(pw_date hire, pw_date as_of)
{
    return as_of < hire ? 0 : (int64_t)floor((double)(as_of - hire) / 365.25);
}

int pw__inv_row_ages(const struct pw__inv_ctx *cx, const struct pw__inv_row *w, struct pw__inv_report *rep)
{
    const struct pw_year *y = cx->y;
    const struct pw_workforce *wf = cx->wf;
    const uint32_t r = w->r;
    /* exact: the age on Dec 31 = Y - year(birth); reference: year(census date) + (Y - S) - year(birth) */
    const int age = y->age[r];
    const bool reference = cx->cfg->age_convention == PW_AGE_REFERENCE;
    const int want = (reference ? pw_date_year(cx->cfg->plan_year_end_date) + cx->year - cx->cfg->start_year : cx->year) -
                     pw_date_year(wf->birth_date[r]);
    PW_INV(age == want, rep, 20, "age_Y %d differs from the %s, %d", age,
           reference ? "reference convention's age (census year + years simulated - birth year)" : "age on Dec 31", want);
    const int64_t ten = tenure_on(w->hire, y->dec31), reported = tenure_on(w->hire, w->b);
    PW_INV(y->tenure[r] == ten, rep, 20, "tenure_Y %d differs from floor(days / 365.25) = %lld", y->tenure[r],
           (long long)ten);
    PW_INV(y->reported_tenure[r] == reported, rep, 20, "reported tenure %d differs from floor(days / 365.25) = %lld",
           y->reported_tenure[r], (long long)reported);
    PW_INV(y->age_band[r] == band_of(&cx->t->age_bands, age), rep, 20, "age band %d is not the band of age %d",
           y->age_band[r], age);
    PW_INV(y->tenure_band[r] == band_of(&cx->t->tenure_bands, (double)ten), rep, 20,
           "tenure band %d is not the band of tenure %lld", y->tenure_band[r], (long long)ten);
    PW_INV(y->reported_tenure_band[r] == band_of(&cx->t->tenure_bands, (double)reported), rep, 20,
           "reported tenure band %d is not the band of tenure %lld", y->reported_tenure_band[r], (long long)reported);
    const double h = wf->hours_per_week[r];
    PW_INV(h >= 0 && h <= 80, rep, 20, "scheduled hours %g outside [0, 80]", h);
    PW_INV(y->hours_worked[r] >= 0 && y->hours_worked[r] <= (int64_t)floor(h * 52 + 0.5 + 1e-9), rep, 20,
           "annual hours %d outside [0, rha(%g x 52)]", y->hours_worked[r], h);
    const bool hce = cx->m->is_hce[r], owner = wf->is_5pct_owner[r];
    if (w->hire_row || w->hire >= y->jan1) {
        /* no look-back pay: a hire of the year, or a census row hired inside the first year */
        PW_INV(hce == owner, rep, 20, "a hire of %d flagged HCE %s (5%% owner %s)", cx->year, hce ? "true" : "false",
               owner ? "true" : "false");
    } else {
        /* Prior-year pay: the census pay in S, else last year's prorated pay (4.18); 5% owners always. */
        const double prior = cx->first_year ? y->start_salary[r] : wf->prior_prorated_comp[r];
        PW_INV(isfinite(prior), rep, 20, "no prior-year compensation for a member of the start-of-year roster");
        PW_INV(hce == (owner || prior > cx->irs_prev->hce_threshold), rep, 20,
               "is_hce %s with prior-year pay %s, threshold %s and 5%% owner %s", hce ? "true" : "false",
               pw__inv_money(prior), pw__inv_money(cx->irs_prev->hce_threshold), owner ? "true" : "false");
    }
    return 0;
}
