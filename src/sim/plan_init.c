/* plan_init.c: the plan state an employee starts with (MODEL 2.1a, 4.10).
 *
 * Census rows at load: a pre-enrolled row (normalised census rate > 0) is
 * enrolled since the census date C at that rate, method census, and eligible
 * from before S with E = min(E, C), whatever its age, service or override. Any
 * other row gets E from 4.10 and starts eligible iff E < Jan 1 S; excluded rows
 * (census override) have no E. A hire starts with E from 4.10 and no plan state;
 * its exclusion flag comes from the hire draw (hires.c).
 *
 * Every plan column is written, dates included: rows come from
 * pw_workforce_push zero-filled, and 0 is 1970-01-01, not "no date". */
#include "sim/sim.h"

/* E = max(hire_date + waiting_period_days, birthday(birth, minimum_age)). */
static pw_date eligibility_date(const struct pw_plan_config *p, pw_date birth, pw_date hire)
{
    pw_date by_service = hire + p->waiting_period_days;
    pw_date by_age = pw_birthday(birth, p->minimum_age);
    return by_service > by_age ? by_service : by_age;
}

void pw__plan_init_row(const struct pw_config *cfg, struct pw_workforce *wf, size_t r)
{
    const struct pw_plan_config *p = &cfg->plan;
    const pw_date census_date = cfg->plan_year_end_date;
    const bool pre_enrolled = wf->is_census[r] && wf->deferral_rate[r] > 0;
    pw_date e = eligibility_date(p, wf->birth_date[r], wf->hire_date[r]);

    wf->is_eligible[r] = 0;
    wf->is_enrolled[r] = 0;
    wf->enrollment_date[r] = PW_NO_DATE;
    wf->enrollment_method[r] = PW_ENROLL_NONE;
    wf->ever_opted_out[r] = 0;
    wf->opt_out_date[r] = PW_NO_DATE;
    wf->window_decided[r] = 0;
    wf->voluntary_decided[r] = 0;
    wf->planned_enrollment_method[r] = PW_ENROLL_NONE;
    wf->planned_enrollment_date[r] = PW_NO_DATE;
    wf->planned_enrollment_rate[r] = 0;
    wf->planned_enrollment_prob[r] = 0;
    wf->planned_opt_out_date[r] = PW_NO_DATE;
    wf->planned_opt_out_prob[r] = 0;
    wf->original_deferral_rate[r] = 0;
    wf->escalation_count[r] = 0;
    wf->last_escalation_date[r] = PW_NO_DATE;

    if (pre_enrolled) {
        /* 2.1a: the census rate wins over the override flag and the age/service rule. */
        wf->plan_excluded[r] = 0;
        /* A row hired after the census date (inside the first year) joins on its hire date. */
        const pw_date joined = wf->hire_date[r] > census_date ? wf->hire_date[r] : census_date;
        wf->eligibility_date[r] = e < joined ? e : joined;
        wf->is_eligible[r] = 1;
        wf->is_enrolled[r] = 1;
        wf->enrollment_date[r] = joined;
        wf->enrollment_method[r] = PW_ENROLL_CENSUS;
        wf->original_deferral_rate[r] = wf->deferral_rate[r];
        return;
    }
    wf->deferral_rate[r] = 0;
    if (wf->plan_excluded[r]) {
        wf->eligibility_date[r] = PW_NO_DATE;
        return;
    }
    wf->eligibility_date[r] = e;
    /* Census rows eligible before S start eligible without an event (4.10); a
     * hire's E is never before its hire year, so its event comes in due time. */
    wf->is_eligible[r] = wf->is_census[r] && e < pw_year_start(cfg->start_year);
}

static void init_chunk(void *p, size_t chunk, int worker)
{
    (void)worker;
    struct pw_sim *sim = p;
    for (size_t r = pw_chunk_begin(chunk), e = pw_chunk_end(chunk, sim->wf.count); r < e; r++)
        pw__plan_init_row(sim->cfg, &sim->wf, r);
}

void pw_plan_init_census(struct pw_sim *sim)
{
    pw_pool_run(sim->pool, pw_chunk_count(sim->wf.count), init_chunk, sim);
}
