/* compensation.c: promotions (MODEL 4.7), merit and COLA raises (4.8), and the pay
 * segments, compensation columns and hours of 4.9. Compensation events apply in
 * (date, priority) order, so a raise dated before the promotion compounds first. */
#include <math.h>

#include "core/num.h"
#include "core/rng.h"
#include "sim/sim.h"

static double promotion_probability(const struct pw_sim *sim, size_t r)
{
    const struct pw_hazard *h = &sim->tables->promotion;
    const struct pw_year *y = &sim->year;
    double damp = 1.0 - h->level_factor * (double)(y->start_level[r] - 1);
    if (damp < 0) damp = 0;
    double p = h->base_rate * h->tenure_mult[y->tenure_band[r]] * h->age_mult[y->age_band[r]] * damp *
               sim->cfg->promotion_rate_multiplier;
    return p < 1.0 ? p : 1.0;
}

static double promotion_pct(const struct pw_sim *sim, size_t r)
{
    const struct pw_config *c = sim->cfg;
    int from = sim->year.start_level[r];
    if (c->promo_level_overrides.set[from]) return c->promo_level_overrides.value[from];
    uint64_t key = sim->wf.key[r], Y = (uint64_t)sim->year.year;
    switch (c->promo_distribution_type) {
    case PW_PROMO_NORMAL: {
        double z = pw_normal_from(pw_rng_u(sim->seed_p, PW_STREAM_PROMOTION_RAISE, key, Y, 0),
                                  pw_rng_u(sim->seed_p, PW_STREAM_PROMOTION_RAISE, key, Y, 1));
        return c->promo_base_increase_pct + c->promo_normal_std_dev * z;
    }
    case PW_PROMO_DETERMINISTIC: return c->promo_base_increase_pct;
    default: {
        double u = pw_rng_u(sim->seed_p, PW_STREAM_PROMOTION_RAISE, key, Y, 0);
        return c->promo_base_increase_pct + (2.0 * u - 1.0) * c->promo_distribution_range;
    }
    }
}

static double apply_promotion(const struct pw_config *c, double prev, double pct)
{
    double v = prev * (1.0 + c->promo_max_cap_pct);
    v = pw_min(v, prev + c->promo_max_cap_amount);
    v = pw_min(v, prev * (1.0 + pw_max(pct, 0.0)));
    return pw_round2(v);
}

static double apply_raise(const struct pw_config *c, double prev, double rate)
{
    return pw_round2(pw_min(prev * (1.0 + pw_min(rate, c->merit_max_cap_pct)), prev + c->merit_max_cap_amount));
}

/* Raise date Rd of MODEL 4.8 for a roster row. */
static pw_date raise_date(const struct pw_sim *sim, size_t r)
{
    const struct pw_year *y = &sim->year;
    if (sim->cfg->raise_timing_methodology == PW_RAISE_CALENDAR) return pw_mmdd_in_year(sim->cfg->merit_mmdd, y->year);
    uint64_t key = sim->wf.key[r], Y = (uint64_t)y->year;
    double u = pw_rng_u(sim->seed, PW_STREAM_MERIT_TIMING, key, Y, 0), cum = 0;
    int month = 12;
    for (int m = 1; m <= 12; m++) {
        cum += sim->tables->raise_month_weight[m];
        if (cum >= u) {
            month = m;
            break;
        }
    }
    int dim = pw_days_in_month(y->year, month);
    int day = 1 + (int)floor(pw_rng_u(sim->seed, PW_STREAM_MERIT_TIMING, key, Y, 1) * dim);
    return pw_date_from_ymd(y->year, month, day);
}

static void compensation_chunk(void *p, size_t chunk, int worker)
{
    (void)worker;
    struct pw_sim *sim = p;
    struct pw_year *y = &sim->year;
    const struct pw_config *c = sim->cfg;
    const struct pw_workforce *wf = &sim->wf;
    const pw_date promo_day = pw_mmdd_in_year(c->promotion_mmdd, y->year);
    for (size_t r = pw_chunk_begin(chunk), e = pw_chunk_end(chunk, y->n_roster); r < e; r++) {
        int level = y->start_level[r];
        bool tenured = y->tenure[r] >= 1;
        /* Promotion decision. */
        bool promoted = false;
        if (tenured && y->age[r] < 65 && level < sim->levels && pw_year_employed_on(y, wf->hire_date[r], r, promo_day)) {
            double prob = promotion_probability(sim, r);
            if (pw_rng_u(sim->seed_p, PW_STREAM_PROMOTION, wf->key[r], (uint64_t)y->year, 0) < prob) {
                promoted = true;
                y->promo_date[r] = promo_day;
                y->promo_prob[r] = prob;
                y->promo_pct[r] = promotion_pct(sim, r);
                y->end_level[r] = (uint8_t)(level + 1);
            }
        }
        /* Raise decision (rates from the level at the start of the year). */
        double rate = sim->merit_rate[level] + sim->cola[level];
        bool raised = false;
        pw_date rd = PW_NO_DATE;
        if (tenured && rate > 0) {
            rd = raise_date(sim, r);
            raised = pw_year_employed_on(y, wf->hire_date[r], r, rd);
        }
        /* Apply in (date, priority) order: promotion before a raise on the same day. */
        double salary = y->start_salary[r];
        bool raise_first = raised && promoted && rd < promo_day;
        if (raise_first) {
            y->raise_prev[r] = salary;
            salary = y->raise_new[r] = apply_raise(c, salary, rate);
        }
        if (promoted) {
            y->promo_prev[r] = salary;
            salary = y->promo_new[r] = apply_promotion(c, salary, y->promo_pct[r]);
        }
        if (raised && !raise_first) {
            y->raise_prev[r] = salary;
            salary = y->raise_new[r] = apply_raise(c, salary, rate);
        }
        if (raised) {
            y->raise_date[r] = rd;
            y->merit_rate[r] = sim->merit_rate[level];
            y->cola_rate[r] = sim->cola[level];
        }
    }
}

void pw_step_compensation(struct pw_sim *sim)
{
    pw_pool_run(sim->pool, pw_chunk_count(sim->year.n_roster), compensation_chunk, sim);
}

double pw_sim_salary_on(const struct pw_sim *sim, size_t r, pw_date d)
{
    const struct pw_year *y = &sim->year;
    if (r >= y->n_roster) return y->start_salary[r];
    pw_date pd = y->promo_date[r], rd = y->raise_date[r];
    double salary = y->start_salary[r];
    /* Whichever event is later holds the final amount on and after its date. */
    if (pd != PW_NO_DATE && rd != PW_NO_DATE) {
        bool raise_first = rd < pd;
        pw_date first = raise_first ? rd : pd, second = raise_first ? pd : rd;
        if (d >= second) return raise_first ? y->promo_new[r] : y->raise_new[r];
        if (d >= first) return raise_first ? y->raise_new[r] : y->promo_new[r];
        return salary;
    }
    if (pd != PW_NO_DATE && d >= pd) return y->promo_new[r];
    if (rd != PW_NO_DATE && d >= rd) return y->raise_new[r];
    return salary;
}

static void payroll_chunk(void *p, size_t chunk, int worker)
{
    (void)worker;
    struct pw_sim *sim = p;
    struct pw_year *y = &sim->year;
    const struct pw_workforce *wf = &sim->wf;
    const double D = y->days_in_year;
    for (size_t r = pw_chunk_begin(chunk), e = pw_chunk_end(chunk, y->n_pop); r < e; r++) {
        pw_date a = pw_year_interval_start(y, wf->hire_date[r]);
        pw_date b = pw_year_interval_end(y, r);
        /* Segment boundaries: the (at most two) compensation event dates inside [a, b]. */
        pw_date cuts[2];
        int ncut = 0;
        if (r < y->n_roster) {
            pw_date pd = y->promo_date[r], rd = y->raise_date[r];
            if (pd != PW_NO_DATE) cuts[ncut++] = pd;
            if (rd != PW_NO_DATE) cuts[ncut++] = rd;
            if (ncut == 2 && cuts[1] < cuts[0]) {
                pw_date t = cuts[0];
                cuts[0] = cuts[1], cuts[1] = t;
            }
        }
        double pay = 0;
        pw_date seg_start = a;
        for (int i = 0; i <= ncut; i++) {
            pw_date seg_end = i < ncut ? cuts[i] - 1 : b;
            if (seg_end >= seg_start) pay += pw_sim_salary_on(sim, r, seg_start) * (double)(seg_end - seg_start + 1) / D;
            if (i < ncut && cuts[i] > seg_start) seg_start = cuts[i];
        }
        y->prorated_comp[r] = pw_round2(pay);
        y->current_comp[r] = pw_sim_salary_on(sim, r, b);
        y->hours_worked[r] = (int32_t)pw_rha(wf->hours_per_week[r] * 52.0 * (double)(b - a + 1) / D);
        if (y->term_date[r] != PW_NO_DATE) {
            int ten = pw_tenure(wf->hire_date[r], y->term_date[r]);
            y->reported_tenure[r] = (int16_t)ten;
            y->reported_tenure_band[r] = (uint8_t)pw_band_index(&sim->tables->tenure_bands, ten);
        }
    }
}

void pw_step_payroll(struct pw_sim *sim)
{
    pw_pool_run(sim->pool, pw_chunk_count(sim->year.n_pop), payroll_chunk, sim);
}
