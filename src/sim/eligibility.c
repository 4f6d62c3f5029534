/* eligibility.c: plan eligibility of the year (MODEL 4.10), the first plan step.
 *
 * Per row of P_Y: sets up the plan state of the year's hires (E and nothing
 * else; exclusion was drawn by hires.c), clears the row's plan decisions of the
 * year, records the rate in force at the start of employment, and decides the
 * eligibility event and the snapshot status at b:
 *   - excluded employees never become eligible (status excluded, no event);
 *   - employees already eligible (census before S, pre-enrolled, earlier event)
 *     stay eligible without an event, so the status never returns to pending;
 *   - otherwise one event dated E when E falls in Y and the employee is
 *     employed on E; an employee who leaves before E never gets one.
 * No draws. Rows are independent, so chunks run in parallel. */
#include "sim/sim.h"

/* Clears every decision of row r for the year. */
static void reset_row(struct pw_plan_year *py, size_t r)
{
    py->elig_event_date[r] = PW_NO_DATE;
    py->elig_status[r] = PW_PLAN_PENDING;
    py->enroll_date[r] = PW_NO_DATE;
    py->enroll_method[r] = PW_ENROLL_NONE;
    py->enroll_magnet[r] = 0;
    py->enroll_rate[r] = py->enroll_prob[r] = py->enroll_comp[r] = 0;
    py->optout_date[r] = PW_NO_DATE;
    py->optout_prob[r] = py->optout_prev_rate[r] = py->optout_comp[r] = 0;
    py->decided[r] = 0;
    py->carry_enroll_method[r] = PW_ENROLL_NONE;
    py->carry_enroll_date[r] = PW_NO_DATE;
    py->carry_enroll_rate[r] = py->carry_enroll_prob[r] = 0;
    py->carry_optout_date[r] = PW_NO_DATE;
    py->carry_optout_prob[r] = 0;
    py->mr_date[r] = PW_NO_DATE;
    py->mr_flags[r] = 0;
    py->mr_prev[r] = py->mr_new[r] = py->mr_prob[r] = py->mr_comp[r] = py->mr_ceiling[r] = 0;
    py->esc_date[r] = PW_NO_DATE;
    py->esc_prev[r] = py->esc_new[r] = 0;
    py->esc_number[r] = 0;
    py->n_changes[r] = 0;
}

static void eligibility_chunk(void *p, size_t chunk, int worker)
{
    (void)worker;
    struct pw_sim *sim = p;
    const struct pw_year *y = &sim->year;
    struct pw_workforce *wf = &sim->wf;
    struct pw_plan_year *py = &sim->plan;
    for (size_t r = pw_chunk_begin(chunk), end = pw_chunk_end(chunk, y->n_pop); r < end; r++) {
        if (r >= y->n_roster) pw__plan_init_row(sim->cfg, wf, r);   /* hire of Y */
        reset_row(py, r);
        py->rate_start[r] = wf->deferral_rate[r];
        if (wf->plan_excluded[r]) {
            py->elig_status[r] = PW_PLAN_EXCLUDED;
            continue;
        }
        pw_date e = wf->eligibility_date[r];
        if (wf->is_eligible[r] || e < y->jan1) {
            /* e < Jan 1 without the flag cannot arise from 4.10 (E is checked in its
             * own year); treat it as eligible rather than emit an out-of-year event. */
            py->elig_status[r] = PW_PLAN_ELIGIBLE;
        } else if (e <= y->dec31 && pw_year_employed_on(y, wf->hire_date[r], r, e)) {
            py->elig_event_date[r] = e;
            py->elig_status[r] = PW_PLAN_ELIGIBLE;
        }
    }
}

void pw_step_eligibility(struct pw_sim *sim)
{
    PW_ASSERT(sim->plan.capacity >= sim->year.n_pop);
    pw_pool_run(sim->pool, pw_chunk_count(sim->year.n_pop), eligibility_chunk, sim);
}
