/* event_values.c: the columns of an event row computed from the year's arrays
 * (MODEL 6.1, per type as stated in 4.4-4.17), its event_details text and its
 * UUID v5 id. The writers of both output layouts and the engine's invariant
 * checks call these, so an event is described the same way everywhere. */
#include "model/events.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/textbuf.h"
#include "core/uuid.h"
#include "model/config.h"
#include "model/plan_money_year.h"
#include "model/plan_year.h"
#include "model/workforce.h"
#include "model/year.h"

void pw_event_values(const struct pw_year_view *v, const struct pw_event *e, struct pw_event_values *out)
{
    const struct pw_year *y = v->year;
    const struct pw_plan_year *py = v->plan;
    const struct pw_plan_money *m = v->money;
    const uint32_t r = e->row;
    *out = (struct pw_event_values){
        .level = pw_plan_level_on(y, r, e->date),
        .compensation = NAN, .previous_compensation = NAN,
        .deferral_rate = NAN, .previous_deferral_rate = NAN,
        .probability = 1.0,
        .detail_rate_1 = NAN, .detail_rate_2 = NAN, .detail_amount_1 = NAN, .detail_amount_2 = NAN,
    };
    switch (e->type) {
    case PW_EV_HIRE:
        out->level = y->start_level[r];
        out->compensation = y->start_salary[r];
        break;
    case PW_EV_PROMOTION:
        out->level = y->end_level[r];
        out->compensation = y->promo_new[r];
        out->previous_compensation = y->promo_prev[r];
        out->probability = y->promo_prob[r];
        out->detail_code = y->start_level[r];
        out->detail_rate_1 = y->promo_pct[r];
        break;
    case PW_EV_RAISE:
        out->compensation = y->raise_new[r];
        out->previous_compensation = y->raise_prev[r];
        out->detail_rate_1 = y->merit_rate[r];
        out->detail_rate_2 = y->cola_rate[r];
        break;
    case PW_EV_TERMINATION:
        out->compensation = out->previous_compensation = y->current_comp[r];
        out->probability = y->term_weight[r];
        break;
    case PW_EV_FORFEITURE:
        out->compensation = m->forfeit_total[r];
        out->detail_amount_1 = m->forfeit_match[r];
        out->detail_amount_2 = m->forfeit_core[r];
        out->detail_rate_1 = m->match_vested_pct[r];
        out->detail_rate_2 = m->core_vested_pct[r];
        break;
    case PW_EV_ELIGIBILITY: break;
    case PW_EV_ENROLLMENT:
        out->compensation = py->enroll_comp[r];
        out->deferral_rate = py->enroll_rate[r];
        out->previous_deferral_rate = 0.0;
        out->probability = py->enroll_prob[r];
        out->detail_code = py->enroll_magnet[r] ? 1 : 0;
        break;
    case PW_EV_MATCH_RESPONSE:
        out->compensation = out->previous_compensation = py->mr_comp[r];
        out->deferral_rate = py->mr_new[r];
        out->previous_deferral_rate = py->mr_prev[r];
        out->probability = py->mr_prob[r];
        out->detail_code = py->mr_flags[r];
        out->detail_rate_1 = py->mr_ceiling[r];
        break;
    case PW_EV_ESCALATION:
        out->deferral_rate = py->esc_new[r];
        out->previous_deferral_rate = py->esc_prev[r];
        out->detail_code = py->esc_number[r];
        break;
    case PW_EV_ENROLLMENT_CHANGE:
        out->compensation = out->previous_compensation = py->optout_comp[r];
        out->deferral_rate = 0.0;
        out->previous_deferral_rate = py->optout_prev_rate[r];
        out->probability = py->optout_prob[r];
        break;
    default: break;
    }
}

/* Whole hours print as integers, others with two decimals. */
static void hours_text(struct pw_textbuf *d, double hours)
{
    if (hours == floor(hours)) pw_tb_int(d, (long long)hours);
    else pw_tb_fixed(d, hours, 2);
}

static const char *enrollment_method_of(int category)
{
    switch (category) {
    case PW_CAT_PROACTIVE_VOLUNTARY: return "proactive";
    case PW_CAT_VOLUNTARY_ENROLLMENT: return "voluntary";
    case PW_CAT_YEAR_OVER_YEAR_VOLUNTARY: return "year_over_year";
    case PW_CAT_CENSUS_ENROLLMENT: return "census";
    default: return "auto";
    }
}

size_t pw_event_details_format(const struct pw_year_view *v, const struct pw_event *e,
                               const struct pw_event_values *ev, char *buf, size_t size)
{
    const struct pw_config *c = v->cfg;
    const struct pw_workforce *wf = v->wf;
    const struct pw_plan_config *p = &c->plan;
    struct pw_textbuf d = {buf, 0, size};
    buf[0] = '\0';
    switch (e->type) {
    case PW_EV_HIRE:
        pw_tb_str(&d, "level="), pw_tb_int(&d, ev->level);
        pw_tb_str(&d, ";hours_per_week="), hours_text(&d, wf->hours_per_week[e->row]);
        pw_tb_str(&d, ";age_at_hire="), pw_tb_int(&d, pw_age(wf->birth_date[e->row], wf->hire_date[e->row]));
        break;
    case PW_EV_PROMOTION:
        pw_tb_str(&d, "from_level="), pw_tb_int(&d, ev->detail_code);
        pw_tb_str(&d, ";to_level="), pw_tb_int(&d, ev->level);
        pw_tb_str(&d, ";raise_pct="), pw_tb_fixed(&d, ev->detail_rate_1, 6);
        break;
    case PW_EV_RAISE:
        pw_tb_str(&d, "merit_rate="), pw_tb_fixed(&d, ev->detail_rate_1, 6);
        pw_tb_str(&d, ";cola_rate="), pw_tb_fixed(&d, ev->detail_rate_2, 6);
        pw_tb_str(&d, c->raise_timing_methodology == PW_RAISE_REALISTIC ? ";timing=realistic" : ";timing=calendar_driven");
        break;
    case PW_EV_TERMINATION: {
        bool experienced = e->category == PW_CAT_EXPERIENCED_TERMINATION;
        pw_tb_str(&d, experienced ? "reason=experienced_termination" : "reason=new_hire_termination");
        pw_tb_str(&d, experienced && c->termination_selection == PW_SELECT_HAZARD_WEIGHTED ? ";selection=hazard_weighted"
                                                                                       : ";selection=uniform");
        break;
    }
    case PW_EV_FORFEITURE:
        pw_tb_str(&d, "match="), pw_tb_fixed(&d, ev->detail_amount_1, 2);
        pw_tb_str(&d, ";core="), pw_tb_fixed(&d, ev->detail_amount_2, 2);
        pw_tb_str(&d, ";vested_pct_match="), pw_tb_fixed(&d, ev->detail_rate_1, 6);
        pw_tb_str(&d, ";vested_pct_core="), pw_tb_fixed(&d, ev->detail_rate_2, 6);
        break;
    case PW_EV_ELIGIBILITY:
        pw_tb_str(&d, "eligibility_date="), pw_tb_date(&d, e->date);
        pw_tb_str(&d, ";minimum_age="), pw_tb_int(&d, p->minimum_age);
        pw_tb_str(&d, ";waiting_period_days="), pw_tb_int(&d, p->waiting_period_days);
        break;
    case PW_EV_ENROLLMENT:
        pw_tb_str(&d, "method="), pw_tb_str(&d, enrollment_method_of(e->category));
        pw_tb_str(&d, ";rate="), pw_tb_fixed(&d, ev->deferral_rate, 6);
        pw_tb_str(&d, ev->detail_code ? ";magnet=true" : ";magnet=false");
        break;
    case PW_EV_MATCH_RESPONSE: {
        int f = ev->detail_code;
        pw_tb_str(&d, f & PW_MR_UPWARD ? "direction=upward" : "direction=downward");
        pw_tb_str(&d, f & PW_MR_TO_CEILING ? (f & PW_MR_UPWARD ? ";mode=maximize" : ";mode=reduce_to_max") : ";mode=partial");
        pw_tb_str(&d, ";ceiling="), pw_tb_fixed(&d, ev->detail_rate_1, 6);
        break;
    }
    case PW_EV_ESCALATION:
        pw_tb_str(&d, "increment="), pw_tb_fixed(&d, p->esc_increment, 6);
        pw_tb_str(&d, ";cap="), pw_tb_fixed(&d, p->esc_max_rate, 6);
        pw_tb_str(&d, ";escalation_number="), pw_tb_int(&d, ev->detail_code);
        break;
    case PW_EV_ENROLLMENT_CHANGE:
        pw_tb_str(&d, "action=opt_out;grace_period_days="), pw_tb_int(&d, p->ae_opt_out_grace_days);
        break;
    default: break;
    }
    return d.len;
}

void pw_event_uuid(const char *scenario_id, const char *employee_id, size_t id_len, int year, const char *type,
                   int sequence, uint8_t out[16])
{
    /* Long enough for any scenario id (64) and employee id the census accepts. */
    char name[512];
    int len = snprintf(name, sizeof name, "%s|%.*s|%d|%s|%d", scenario_id, (int)id_len, employee_id, year, type,
                       sequence);
    pw_uuid5(pw_event_namespace, name, (size_t)len < sizeof name ? (size_t)len : sizeof name - 1, out);
}
