/* terminations.c: the growth solver and level quotas for the year (MODEL 4.2-4.3),
 * experienced terminations by hazard-weighted selection within each level (4.4)
 * and new-hire terminations (4.6). */
#include <math.h>

#include "core/num.h"
#include "core/rng.h"
#include "sim/sim.h"

void pw_step_solve(struct pw_sim *sim)
{
    struct pw_year *y = &sim->year;
    const struct pw_config *c = sim->cfg;
    int64_t h_prev = y->year == c->start_year ? 0 : sim->prior_year_hires_active;
    pw_needs_solve(&y->needs, (int64_t)y->n_roster, h_prev, c->target_growth_rate, c->total_termination_rate,
                   c->new_hire_termination_rate);
    pw_quota_terminations(y->by_level.starting_headcount, sim->levels, y->needs.total_experienced_terminations,
                          y->by_level.termination_quota);
    bool fixed = false;
    double share[PW_MAX_LEVELS + 1] = {0};
    for (int l = 1; l <= sim->levels; l++) {
        if (c->new_hire_level_distribution.set[l]) {
            fixed = true;
            share[l] = c->new_hire_level_distribution.value[l];
        }
    }
    if (fixed)
        pw_quota_hires_fixed(share, sim->levels, y->needs.total_hires, y->by_level.hires);
    else
        pw_quota_hires_adaptive(y->by_level.starting_headcount, sim->levels, y->needs.total_hires,
                                y->by_level.hires);
    for (int l = 1; l <= sim->levels; l++) y->by_level.new_hire_base_compensation[l] = sim->nh_base[l];
}

/* Hazard weight w of MODEL 4.4 for a roster row. */
static double hazard_weight(const struct pw_sim *sim, size_t r)
{
    const struct pw_hazard *h = &sim->tables->termination;
    const struct pw_year *y = &sim->year;
    double level_mult = 1.0 - h->level_factor * (double)(y->start_level[r] - 1);
    if (level_mult < h->min_level_multiplier) level_mult = h->min_level_multiplier;
    return h->base_rate * h->age_mult[y->age_band[r]] * h->tenure_mult[y->tenure_band[r]] * level_mult;
}

static void score_chunk(void *p, size_t chunk, int worker)
{
    (void)worker;
    struct pw_sim *sim = p;
    struct pw_year *y = &sim->year;
    bool uniform = sim->cfg->termination_selection == PW_SELECT_UNIFORM;
    for (size_t r = pw_chunk_begin(chunk), e = pw_chunk_end(chunk, y->n_roster); r < e; r++) {
        double w = uniform ? 1.0 : hazard_weight(sim, r);
        double u = pw_rng_u(sim->seed_t, PW_STREAM_TERMINATION, sim->wf.key[r], (uint64_t)y->year, 0);
        y->term_weight[r] = uniform ? NAN : w;
        y->select_score[r] = pw_selection_score(u, w);
    }
}

static pw_date uniform_date_in_year(const struct pw_year *y, double u)
{
    return y->jan1 + (pw_date)floor(u * y->days_in_year);
}

void pw_step_experienced_terminations(struct pw_sim *sim)
{
    struct pw_year *y = &sim->year;
    pw_pool_run(sim->pool, pw_chunk_count(y->n_roster), score_chunk, sim);
    /* Group rows by level (counting sort keeps row order inside each level). */
    size_t start[PW_MAX_LEVELS + 2] = {0};
    for (int l = 1; l <= sim->levels; l++) start[l + 1] = start[l] + (size_t)y->by_level.starting_headcount[l];
    size_t fill[PW_MAX_LEVELS + 2];
    for (int l = 0; l <= sim->levels + 1; l++) fill[l] = start[l];
    for (size_t r = 0; r < y->n_roster; r++) {
        struct pw_scored *s = &sim->scored[fill[y->start_level[r]]++];
        s->score = y->select_score[r];
        s->row = (uint32_t)r;
    }
    for (int l = 1; l <= sim->levels; l++) {
        size_t n = start[l + 1] - start[l], q = (size_t)y->by_level.termination_quota[l];
        struct pw_scored *group = sim->scored + start[l];
        pw_select_top(group, n, q);
        for (size_t i = 0; i < q && i < n; i++) {
            uint32_t r = group[i].row;
            y->term_kind[r] = PW_TERM_EXPERIENCED;
            double u = pw_rng_u(sim->seed_t, PW_STREAM_TERMINATION_DATE, sim->wf.key[r], (uint64_t)y->year, 0);
            const pw_date hire = sim->wf.hire_date[r];
            /* A census row hired inside the first year (in the roster from its hire
             * date) leaves after it, as a new hire does; Dec 31 hires on Dec 31. */
            if (hire < y->jan1) y->term_date[r] = uniform_date_in_year(y, u);
            else if (hire < y->dec31) y->term_date[r] = hire + 1 + (pw_date)floor(u * (double)(y->dec31 - hire));
            else y->term_date[r] = y->dec31;
        }
    }
}

void pw_step_new_hire_terminations(struct pw_sim *sim)
{
    struct pw_year *y = &sim->year;
    size_t n = 0;
    for (size_t r = y->n_roster; r < y->n_pop; r++) {
        if (sim->wf.hire_date[r] >= y->dec31) continue;
        double u = pw_rng_u(sim->seed_t, PW_STREAM_NH_TERMINATION, sim->wf.key[r], (uint64_t)y->year, 0);
        sim->scored[n].score = pw_selection_score(u, 1.0);
        sim->scored[n].row = (uint32_t)r;
        n++;
    }
    size_t q = (size_t)y->needs.expected_new_hire_terminations;
    if (q > n) {
        y->needs.nh_terms_shortfall = (int64_t)(q - n);
        q = n;
    }
    pw_select_top(sim->scored, n, q);
    for (size_t i = 0; i < q; i++) {
        uint32_t r = sim->scored[i].row;
        pw_date hire = sim->wf.hire_date[r];
        double u = pw_rng_u(sim->seed_t, PW_STREAM_NH_TERMINATION_DATE, sim->wf.key[r], (uint64_t)y->year, 0);
        y->term_kind[r] = PW_TERM_NEW_HIRE;
        y->term_date[r] = hire + 1 + (pw_date)floor(u * (double)(y->dec31 - hire));
        y->term_weight[r] = sim->cfg->new_hire_termination_rate;
    }
}
