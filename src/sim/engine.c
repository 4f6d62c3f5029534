/* engine.c: the multi-year driver. Derives the per-level constants once, then for
 * each year runs the pipeline of MODEL 4.0 (workforce part), hands the finished
 * year to the sink and closes the year. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "sim/sim.h"

const char *const pw_stage_names[PW_STAGE_COUNT] = {
    "start_year", "terminations", "hires", "new_hire_terminations", "compensation", "plan_eligibility",
    "plan_enrollment", "plan_deferral", "plan_money", "events", "invariants", "write",
    "year_close",
};

static void derive_constants(struct pw_sim *sim, const struct pw_census *census)
{
    const struct pw_config *c = sim->cfg;
    const struct pw_tables *t = sim->tables;
    sim->levels = t->levels.count;
    double mean_merit = 0;
    for (int l = 1; l <= sim->levels; l++) mean_merit += t->merit_base[l];
    mean_merit /= sim->levels;
    for (int l = 1; l <= sim->levels; l++) {
        sim->merit_rate[l] = mean_merit > 0 ? t->merit_base[l] * c->merit_budget / mean_merit : 0;
        sim->cola[l] = c->cola_rate_set ? c->cola_rate : t->cola_rate[l];
        double pct = c->nh_percentile_overrides.set[l] ? c->nh_percentile_overrides.value[l] : c->nh_default_percentile;
        double mkt = 1.0;
        if (c->nh_market_enabled)
            mkt = c->nh_market_base_adjustment *
                  (c->nh_market_level_adjustments.set[l] ? c->nh_market_level_adjustments.value[l] : 1.0);
        /* new_hire.job_level_compensation replaces the level's range for hire pay only
         * (the reference's job_level_compensation; levels still come from the table). */
        const bool own = c->nh_level_comp.set[l];
        const double lo = own ? c->nh_level_comp.min[l] : t->levels.min_comp[l];
        const double hi = own ? c->nh_level_comp.max[l] : t->levels.max_comp[l];
        sim->nh_base[l] = lo + (hi - lo) * pct * mkt;
    }
    if (c->new_hire_eligibility_match_census)
        sim->hire_excluded_share = census->stats.valid_rows
                                       ? (double)census->stats.override_false_rows / (double)census->stats.valid_rows
                                       : 0.0;
    else
        sim->hire_excluded_share = c->new_hire_ineligible_pct;
    sim->seed = c->random_seed;
    sim->seed_t = c->seed_termination;
    sim->seed_h = c->seed_hiring;
    sim->seed_p = c->seed_promotion;
}

int pw_sim_init(struct pw_sim *sim, const struct pw_config *cfg, const struct pw_tables *tables,
                struct pw_census *census, struct pw_pool *pool, struct pw_err *err)
{
    memset(sim, 0, sizeof *sim);
    sim->cfg = cfg;
    sim->match_formula = pw_plan_active_formula(&cfg->plan);
    sim->tables = tables;
    sim->pool = pool;
    sim->strings = census->roster.strings;
    sim->wf = census->roster;                 /* take ownership of the columns */
    memset(&census->roster, 0, sizeof census->roster);
    sim->census_roster_size = sim->wf.count;
    derive_constants(sim, census);
    pw_plan_init_census(sim);
    if (pw_workforce_init(&sim->spare, sim->strings, sim->wf.count + 64) != 0)
        return pw_err_set(err, PW_ENOMEM, "out of memory for the workforce");
    return 0;
}

void pw_sim_release(struct pw_sim *sim)
{
    pw_workforce_release(&sim->wf);
    pw_workforce_release(&sim->spare);
    pw_year_release(&sim->year);
    pw_plan_year_release(&sim->plan);
    pw_plan_money_release(&sim->money);
    free(sim->scored);
    for (size_t c = 0; c < sim->chunk_capacity; c++) free(sim->chunks[c].events);
    free(sim->chunks);
    free(sim->inv_chunks);
    memset(sim, 0, sizeof *sim);
}

static int reserve_scratch(struct pw_sim *sim, size_t rows, struct pw_err *err)
{
    struct pw_scored *p = realloc(sim->scored, (rows ? rows : 1) * sizeof *p);
    if (!p) return pw_err_set(err, PW_ENOMEM, "out of memory for selection scratch");
    sim->scored = p;
    return 0;
}

/* Runs stmt as one call of stage in sim->perf (telling on_stage first); rows (rows of P_Y for the steps,
 * events plus snapshot rows for the write) is evaluated afterwards. */
#define TIMED(sim, stage, rows, stmt)                                                               \
    do {                                                                                            \
        if ((sim)->on_stage) (sim)->on_stage((sim)->on_stage_ctx, sim, stage);                      \
        struct pw_perf_mark m0_ = pw_perf_start();                                                  \
        stmt;                                                                                       \
        pw_perf_record((sim)->perf, (sim)->perf_stage[stage], (sim)->year.year, m0_, (uint64_t)(rows)); \
    } while (0)

static int run_year(struct pw_sim *sim, int year, const struct pw_sink *sink, struct pw_err *err)
{
    int rc = 0;
    TIMED(sim, PW_STAGE_START_YEAR, sim->year.n_pop, rc = pw_step_start_year(sim, year, err));
    if (rc) return rc;
    pw_step_solve(sim);
    if ((rc = reserve_scratch(sim, sim->wf.count + (size_t)sim->year.needs.total_hires, err))) return rc;
    TIMED(sim, PW_STAGE_TERMINATIONS, sim->year.n_pop, pw_step_experienced_terminations(sim));
    TIMED(sim, PW_STAGE_HIRES, sim->year.n_pop, rc = pw_step_hires(sim, err));
    if (rc) return rc;
    TIMED(sim, PW_STAGE_NH_TERMINATIONS, sim->year.n_pop, pw_step_new_hire_terminations(sim));
    TIMED(sim, PW_STAGE_COMPENSATION, sim->year.n_pop, pw_step_compensation(sim); pw_step_payroll(sim));
    if (pw_plan_year_reserve(&sim->plan, sim->year.n_pop) != 0 || pw_plan_money_reserve(&sim->money, sim->year.n_pop) != 0)
        return pw_err_set(err, PW_ENOMEM, "out of memory for the plan state of year %d", year);
    TIMED(sim, PW_STAGE_PLAN_ELIGIBILITY, sim->year.n_pop, pw_step_eligibility(sim));
    TIMED(sim, PW_STAGE_PLAN_ENROLLMENT, sim->year.n_pop, pw_step_enrollment(sim));
    TIMED(sim, PW_STAGE_PLAN_DEFERRAL, sim->year.n_pop, pw_step_deferral(sim));
    TIMED(sim, PW_STAGE_PLAN_MONEY, sim->year.n_pop, pw_step_plan_money(sim));
    /* The output order is also the row order of next year's roster: always built. */
    TIMED(sim, PW_STAGE_EVENTS, sim->events_in_year,
          pw__sim_build_order(sim); pw__sim_finish_trace(sim);
          if (!sim->skip_event_rows) rc = pw_step_events(sim, err));
    if (rc) return rc;
    /* Before the sink: a year that breaks an invariant is never written. */
    TIMED(sim, PW_STAGE_INVARIANTS, sim->year.n_pop, rc = pw_step_invariants(sim, err));
    if (rc) return rc;
    if (sim->year.needs.nh_terms_shortfall > 0)
        pw_warn("year %d: only %lld of %lld planned new-hire terminations had a candidate", year,
                (long long)(sim->year.needs.expected_new_hire_terminations - sim->year.needs.nh_terms_shortfall),
                (long long)sim->year.needs.expected_new_hire_terminations);
    sim->total_events += sim->events_in_year;
    sim->total_snapshot_rows += sim->year.n_pop;
    if (sink && sink->write_year) {
        TIMED(sim, PW_STAGE_WRITE, sim->events_in_year + sim->year.n_pop, rc = sink->write_year(sink->ctx, sim, err));
        if (rc) return rc;
    }
    if (sink && sink->read_year && (rc = sink->read_year(sink->ctx, sim, err))) return rc;
    TIMED(sim, PW_STAGE_YEAR_CLOSE, sim->year.n_pop, rc = pw_step_year_close(sim, err));
    if (rc == 0 && sink && sink->after_year) rc = sink->after_year(sink->ctx, sim, err);
    return rc;
}

int pw_sim_run(struct pw_sim *sim, const struct pw_sink *sink, struct pw_err *err)
{
    for (int s = 0; s < PW_STAGE_COUNT; s++)
        if ((sim->perf_stage[s] = pw_perf_stage(sim->perf, pw_stage_names[s])) < 0)
            return pw_err_set(err, PW_ENOMEM, "out of memory for the performance monitor");
    int first = sim->first_year > 0 ? sim->first_year : sim->cfg->start_year;
    for (int year = first; year <= sim->cfg->end_year; year++) {
        int rc = run_year(sim, year, sink, err);
        if (rc) return rc;
    }
    return 0;
}
