/* plan_year.c: allocation of the per-row plan decision arrays, the plan
 * snapshot columns derived from them, and the year-close update of the carried
 * plan state (MODEL 4.10-4.12, 5, 6.2). The plan events themselves are listed by
 * sim/year_events.c and their values computed by model/event_values.c.
 *
 * Close and snapshot share one routine (apply_row) that folds a row's decisions of
 * Y into a copy of its carried state, so the snapshot always shows exactly the
 * state that Y+1 will start from. */
#include "model/plan_year.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PW__PLAN_COLUMNS(X)                                                                       \
    X(elig_event_date) X(elig_status) X(enroll_date) X(enroll_method) X(enroll_magnet)            \
    X(enroll_rate) X(enroll_prob) X(enroll_comp) X(optout_date) X(optout_prob) X(optout_prev_rate) \
    X(optout_comp) X(decided) X(carry_enroll_method) X(carry_enroll_date) X(carry_enroll_rate)    \
    X(carry_enroll_prob) X(carry_optout_date) X(carry_optout_prob) X(mr_date) X(mr_flags)         \
    X(mr_prev) X(mr_new) X(mr_prob) X(mr_comp) X(mr_ceiling) X(esc_date) X(esc_prev) X(esc_new)   \
    X(esc_number) X(rate_start) X(n_changes)

int pw_plan_year_reserve(struct pw_plan_year *py, size_t rows)
{
    if (rows <= py->capacity) return 0;
    size_t cap = rows + rows / 4 + 64;
#define PW__GROW(col, n)                                                \
    {                                                                   \
        void *p = realloc(py->col, (n) * sizeof *py->col);              \
        if (!p) return -1;                                              \
        py->col = p;                                                    \
    }
#define PW__GROW1(col) PW__GROW(col, cap)
    PW__PLAN_COLUMNS(PW__GROW1)
    PW__GROW(change_date, cap * PW_PLAN_MAX_CHANGES)
    PW__GROW(change_rate, cap * PW_PLAN_MAX_CHANGES)
#undef PW__GROW1
#undef PW__GROW
    py->capacity = cap;
    return 0;
}

void pw_plan_year_release(struct pw_plan_year *py)
{
#define PW__FREE(col) free(py->col);
    PW__PLAN_COLUMNS(PW__FREE)
#undef PW__FREE
    free(py->change_date);
    free(py->change_rate);
    memset(py, 0, sizeof *py);
}

const char *const pw_plan_status_names[PW_PLAN_STATUS_COUNT] = {"pending", "eligible", "excluded"};
const char *const pw_enrollment_method_names[PW_ENROLL_METHOD_COUNT] = {"",          "census",    "auto",
                                                                        "proactive", "voluntary", "year_over_year"};

const char *pw_enrollment_method_name(int method)
{
    return method > PW_ENROLL_NONE && method < PW_ENROLL_METHOD_COUNT ? pw_enrollment_method_names[method] : NULL;
}

const char *pw_plan_status_name(int status)
{
    return status >= 0 && status < PW_PLAN_STATUS_COUNT ? pw_plan_status_names[status] : "pending";
}

/* ---- carried state of one row ---- */

struct plan_state {
    uint8_t is_eligible, is_enrolled, enrollment_method, ever_opted_out;
    uint8_t window_decided, voluntary_decided, planned_method;
    pw_date enrollment_date, opt_out_date, planned_date, planned_opt_out_date, last_escalation_date;
    double planned_rate, planned_prob, planned_opt_out_prob;
    double deferral_rate, original_rate;
    int16_t escalation_count;
};

static void load_state(const struct pw_workforce *wf, size_t w, struct plan_state *s)
{
    s->is_eligible = wf->is_eligible[w];
    s->is_enrolled = wf->is_enrolled[w];
    s->enrollment_method = wf->enrollment_method[w];
    s->ever_opted_out = wf->ever_opted_out[w];
    s->window_decided = wf->window_decided[w];
    s->voluntary_decided = wf->voluntary_decided[w];
    s->planned_method = wf->planned_enrollment_method[w];
    s->enrollment_date = wf->enrollment_date[w];
    s->opt_out_date = wf->opt_out_date[w];
    s->planned_date = wf->planned_enrollment_date[w];
    s->planned_opt_out_date = wf->planned_opt_out_date[w];
    s->last_escalation_date = wf->last_escalation_date[w];
    s->planned_rate = wf->planned_enrollment_rate[w];
    s->planned_prob = wf->planned_enrollment_prob[w];
    s->planned_opt_out_prob = wf->planned_opt_out_prob[w];
    s->deferral_rate = wf->deferral_rate[w];
    s->original_rate = wf->original_deferral_rate[w];
    s->escalation_count = wf->escalation_count[w];
}

static void store_state(struct pw_workforce *wf, size_t w, const struct plan_state *s)
{
    wf->is_eligible[w] = s->is_eligible;
    wf->is_enrolled[w] = s->is_enrolled;
    wf->enrollment_method[w] = s->enrollment_method;
    wf->ever_opted_out[w] = s->ever_opted_out;
    wf->window_decided[w] = s->window_decided;
    wf->voluntary_decided[w] = s->voluntary_decided;
    wf->planned_enrollment_method[w] = s->planned_method;
    wf->enrollment_date[w] = s->enrollment_date;
    wf->opt_out_date[w] = s->opt_out_date;
    wf->planned_enrollment_date[w] = s->planned_date;
    wf->planned_opt_out_date[w] = s->planned_opt_out_date;
    wf->last_escalation_date[w] = s->last_escalation_date;
    wf->planned_enrollment_rate[w] = s->planned_rate;
    wf->planned_enrollment_prob[w] = s->planned_prob;
    wf->planned_opt_out_prob[w] = s->planned_opt_out_prob;
    wf->deferral_rate[w] = s->deferral_rate;
    wf->original_deferral_rate[w] = s->original_rate;
    wf->escalation_count[w] = s->escalation_count;
}

/* Folds the decisions of row r in Y into s (the state carried into Y). */
static void apply_row(const struct pw_plan_year *py, size_t r, struct plan_state *s)
{
    if (py->elig_status[r] == PW_PLAN_ELIGIBLE) s->is_eligible = 1;
    if (py->decided[r] & PW_PLAN_DECIDED_WINDOW) s->window_decided = 1;
    if (py->decided[r] & PW_PLAN_DECIDED_VOLUNTARY) s->voluntary_decided = 1;
    /* A census participant's event (generate_synthetic_events) records the
     * enrollment the roster already holds; the state keeps its census date. */
    if (py->enroll_date[r] != PW_NO_DATE && py->enroll_method[r] != PW_ENROLL_CENSUS) {
        s->is_enrolled = 1;
        s->enrollment_date = py->enroll_date[r];
        s->enrollment_method = py->enroll_method[r];
        s->original_rate = py->enroll_rate[r];
    }
    if (py->optout_date[r] != PW_NO_DATE) {
        s->ever_opted_out = 1;
        s->opt_out_date = py->optout_date[r];
    }
    /* The enrollment step restates the whole planned window every year. */
    s->planned_method = py->carry_enroll_method[r];
    s->planned_date = py->carry_enroll_date[r];
    s->planned_rate = py->carry_enroll_rate[r];
    s->planned_prob = py->carry_enroll_prob[r];
    s->planned_opt_out_date = py->carry_optout_date[r];
    s->planned_opt_out_prob = py->carry_optout_prob[r];
    if (py->esc_date[r] != PW_NO_DATE) {
        s->escalation_count = py->esc_number[r];
        s->last_escalation_date = py->esc_date[r];
    }
    unsigned n = py->n_changes[r];
    s->deferral_rate = n ? py->change_rate[r * PW_PLAN_MAX_CHANGES + n - 1] : py->rate_start[r];
}

void pw_plan_year_close_row(const struct pw_plan_year *py, size_t r, struct pw_workforce *wf, size_t w)
{
    struct plan_state s;
    load_state(wf, w, &s);
    apply_row(py, r, &s);
    store_state(wf, w, &s);
}

void pw_plan_year_snapshot(const struct pw_plan_year *py, size_t r, const struct pw_workforce *wf, size_t w,
                           struct pw_plan_snapshot *out)
{
    struct plan_state s;
    load_state(wf, w, &s);
    apply_row(py, r, &s);
    out->eligibility_date = wf->plan_excluded[w] ? PW_NO_DATE : wf->eligibility_date[w];
    out->eligibility_status = pw_plan_status_name(py->elig_status[r]);
    /* An opt-out ends participation; the enrollment date and method stay as history. */
    out->is_enrolled = s.is_enrolled && !s.ever_opted_out;
    out->enrollment_date = s.is_enrolled ? s.enrollment_date : PW_NO_DATE;
    out->method = s.is_enrolled ? s.enrollment_method : PW_ENROLL_NONE;
    out->enrollment_method = pw_enrollment_method_name(out->method);
    out->ever_opted_out = s.ever_opted_out;
    out->current_deferral_rate = s.deferral_rate;
    out->original_deferral_rate = s.is_enrolled ? s.original_rate : NAN;
    out->participation_status = s.deferral_rate > 0 ? "participating" : "not_participating";
    out->total_deferral_escalations = s.escalation_count;
    out->last_escalation_date = s.escalation_count > 0 ? s.last_escalation_date : PW_NO_DATE;
    out->auto_escalation_opt_out = wf->auto_escalation_opt_out[w];
}
