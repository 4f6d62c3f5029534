/* enrollment.c: enrollment decisions of the year (MODEL 4.11), after eligibility.
 *
 * Paths, one enrollment per employee over the horizon and none after an opt-out:
 *   (b) window plan for AE-covered employees: decided once, in the year of
 *       W0 = max(E, Jan 1 S), with draws keyed by year(W0); proactive enrollment
 *       at P, else auto-enrollment at A = W0 + window_days with a possible
 *       opt-out at O = A + grace period. Events whose date falls after Dec 31
 *       are carried (workforce planned_*) and emitted in their own year if the
 *       employee is still employed then;
 *   (c) voluntary enrollment, not AE-covered: decided once, in the year of
 *       E >= Jan 1 S, dated E; with voluntary_enrollment.every_year (the
 *       reference's convention) every later year draws again, dated
 *       max(E, Jan 15), for whoever is still not enrolled and never opted out;
 *   (d) year-over-year conversion, not AE-covered: every year with E < Jan 1 Y,
 *       dated J (Jun 15).
 * The paths are disjoint; should two candidates meet, the earliest date wins,
 * ties in the order proactive, auto, voluntary, year-over-year (e).
 *
 * Groups: age from age_Y, income from the salary on the decision date, job level
 * from the level on that date, tenure from tenure_Y; YAML rates win over the
 * assumption tables key by key (NAN = not set). The opt-out's previous rate is
 * filled in by the deferral step, which knows the escalations. */
#include <math.h>

#include "core/num.h"
#include "core/rng.h"
#include "sim/sim.h"

/* Enrollment rates by group index, YAML over tables. */
struct rates {
    double opt_out_age[8], opt_out_income[8], proactive[8];
    double vol_age[8], vol_income[8], vol_level[8], vol_deferral[8][8];
    double yoy_age[8], yoy_income[8], yoy_tenure[8], yoy_deferral[8];
};

struct enroll_ctx {
    struct pw_sim *sim;
    struct rates rates;
    pw_date ae_cutoff;       /* AE-covered iff hire_date >= this (PW_NO_DATE: everyone) */
    pw_date start_jan1;      /* Jan 1 S */
    pw_date yoy_date;        /* J of this year */
    pw_date jan15;           /* date of the every-year voluntary draw */
};

/* A possible enrollment of one row-year. */
struct cand {
    pw_date date;            /* PW_NO_DATE = none */
    int method;              /* enum pw_enrollment_method */
    double rate, prob;
    uint8_t magnet;
};

static double pick(const double *yaml, int n_yaml, const double *table, int i)
{
    return i < n_yaml && !isnan(yaml[i]) ? yaml[i] : table[i];
}

static void resolve_rates(const struct pw_plan_config *p, const struct pw_tables *t, struct rates *o)
{
    for (int i = 0; i < 8; i++) {
        o->opt_out_age[i] = pick(p->opt_out_by_age, PW_AGE_GROUPS, t->opt_out_rate_by_age, i);
        o->opt_out_income[i] = pick(p->opt_out_income_mult, PW_INCOME_GROUPS, t->opt_out_income_mult, i);
        o->proactive[i] = pick(p->proactive_by_age, PW_AGE_GROUPS, t->proactive_prob_by_age, i);
        o->vol_age[i] = pick(p->vol_base_by_age, PW_AGE_GROUPS, t->voluntary_base_by_age, i);
        o->vol_income[i] = pick(p->vol_income_mult, PW_INCOME_GROUPS, t->voluntary_income_mult, i);
        o->vol_level[i] = pick(p->vol_level_mult, PW_LEVEL_GROUPS, t->voluntary_level_mult, i);
        o->yoy_age[i] = pick(p->yoy_base_by_age, PW_AGE_GROUPS, t->yoy_base_by_age, i);
        o->yoy_income[i] = pick(p->yoy_income_mult, PW_INCOME_GROUPS, t->yoy_income_mult, i);
        o->yoy_tenure[i] = pick(p->yoy_tenure_mult, PW_TENURE_GROUPS, t->yoy_tenure_mult, i);
        o->yoy_deferral[i] = pick(p->yoy_deferral_by_age, PW_AGE_GROUPS, t->yoy_deferral_by_age, i);
        for (int j = 0; j < 8; j++)
            o->vol_deferral[i][j] = i < PW_AGE_GROUPS && j < PW_INCOME_GROUPS && !isnan(p->vol_deferral[i][j])
                                        ? p->vol_deferral[i][j]
                                        : t->voluntary_deferral[i][j];
    }
}

static int method_priority(int method)
{
    switch (method) {
    case PW_ENROLL_PROACTIVE: return 0;
    case PW_ENROLL_AUTO: return 1;
    case PW_ENROLL_VOLUNTARY: return 2;
    default: return 3;
    }
}

static void offer(struct cand *best, const struct cand *c)
{
    if (best->date == PW_NO_DATE || c->date < best->date ||
        (c->date == best->date && method_priority(c->method) < method_priority(best->method)))
        *best = *c;
}

/* Rates are set as round6 inside [0, plan_deferral_cap] (MODEL 1.4, invariant 15). */
static double set_rate(const struct pw_config *c, double rate)
{
    return pw_round6(pw_clamp(rate, 0.0, c->plan_deferral_cap));
}

/* The magnet: snap up to the match ceiling C with probability snap_probability,
 * then clamp to [min_deferral_rate, max_deferral_rate]. */
static double magnet_rate(const struct pw_sim *sim, size_t r, double rate, double u, uint8_t *snapped)
{
    const struct pw_plan_config *p = &sim->cfg->plan;
    *snapped = 0;
    if (p->match_optimization && p->magnet_enabled && p->match_enabled && u < p->magnet_snap_probability) {
        double ceiling = pw__plan_ceiling(sim, r);
        if (rate < ceiling) rate = ceiling, *snapped = 1;
    }
    return set_rate(sim->cfg, pw_clamp(rate, p->magnet_min_rate, p->magnet_max_rate));
}

static int group_of(const struct pw_tables *t, int dim, double value)
{
    return pw_group_index(&t->groups[dim], value);
}

/* Records the opt-out of an auto-enrollment: an event when O is in Y and the
 * employee is employed then, a carried plan when O is after Dec 31. */
static void place_opt_out(struct pw_sim *sim, size_t r, pw_date o, double prob)
{
    const struct pw_year *y = &sim->year;
    struct pw_plan_year *py = &sim->plan;
    if (o > y->dec31) {
        py->carry_optout_date[r] = o;
        py->carry_optout_prob[r] = prob;
    } else if (pw_year_employed_on(y, sim->wf.hire_date[r], r, o)) {
        py->optout_date[r] = o;
        py->optout_prob[r] = prob;
        py->optout_comp[r] = pw_sim_salary_on(sim, r, o);
    }
}

/* Places a planned window enrollment: a candidate of Y, or carried past Dec 31. */
static void place_planned(struct pw_sim *sim, size_t r, const struct cand *c, struct cand *best)
{
    const struct pw_year *y = &sim->year;
    struct pw_plan_year *py = &sim->plan;
    if (c->date > y->dec31) {
        py->carry_enroll_method[r] = (uint8_t)(c->method | (c->magnet ? PW_PLAN_MAGNET_BIT : 0));
        py->carry_enroll_date[r] = c->date;
        py->carry_enroll_rate[r] = c->rate;
        py->carry_enroll_prob[r] = c->prob;
    } else if (pw_year_employed_on(y, sim->wf.hire_date[r], r, c->date)) {
        offer(best, c);
    }
}

/* (b) The window plan, decided in the year of W0 with draws keyed by that year. */
static void decide_window(const struct enroll_ctx *cx, size_t r, pw_date w0, struct cand *best)
{
    struct pw_sim *sim = cx->sim;
    const struct pw_plan_config *p = &sim->cfg->plan;
    const struct pw_year *y = &sim->year;
    const uint64_t seed = sim->seed, key = sim->wf.key[r], yw = (uint64_t)pw_date_year(w0);
    const int ag = group_of(sim->tables, PW_DIM_AGE, y->age[r]);
    const int ig = group_of(sim->tables, PW_DIM_INCOME, pw_sim_salary_on(sim, r, w0));
    struct cand c = {PW_NO_DATE, PW_ENROLL_NONE, 0, 0, 0};
    if (p->proactive_enabled) {
        double prob = pw_min(1.0, cx->rates.proactive[ag] * p->voluntary_enrollment_rate);
        if (pw_rng_u(seed, PW_STREAM_PROACTIVE, key, yw, 0) < prob) {
            int span = p->proactive_max_days - p->proactive_min_days + 1;
            c.date = w0 + p->proactive_min_days +
                     (pw_date)floor(pw_rng_u(seed, PW_STREAM_PROACTIVE_TIMING, key, yw, 0) * span);
            c.method = PW_ENROLL_PROACTIVE;
            c.rate = magnet_rate(sim, r, cx->rates.vol_deferral[ag][ig],
                                 pw_rng_u(seed, PW_STREAM_PROACTIVE_RATE, key, yw, 0), &c.magnet);
            c.prob = prob;
            /* Proactive window longer than the auto-enrollment window (accepted
             * as in the reference): auto-enrollment comes first on that date. */
            if (p->ae_enabled && c.date >= w0 + p->ae_window_days) c.date = PW_NO_DATE;
        }
    }
    pw_date opt_out = PW_NO_DATE;
    double opt_prob = 0;
    if (c.date == PW_NO_DATE) {
        c.date = w0 + p->ae_window_days;
        c.method = PW_ENROLL_AUTO;
        c.rate = set_rate(sim->cfg, p->ae_default_rate);
        c.prob = 1.0;
        opt_prob = pw_min(1.0, cx->rates.opt_out_age[ag] * cx->rates.opt_out_income[ig]);
        if (pw_rng_u(seed, PW_STREAM_OPT_OUT, key, yw, 0) < opt_prob) opt_out = c.date + p->ae_opt_out_grace_days;
    }
    place_planned(sim, r, &c, best);
    if (opt_out != PW_NO_DATE) place_opt_out(sim, r, opt_out, opt_prob);
}

/* (c) Voluntary enrollment, decided once in the year of E (decision date E). */
static void decide_voluntary(const struct enroll_ctx *cx, size_t r, pw_date e, struct cand *best)
{
    const struct pw_sim *sim = cx->sim;
    const struct pw_plan_config *p = &sim->cfg->plan;
    const struct pw_year *y = &sim->year;
    const uint64_t seed = sim->seed, key = sim->wf.key[r], Y = (uint64_t)y->year;
    const int ag = group_of(sim->tables, PW_DIM_AGE, y->age[r]);
    const int ig = group_of(sim->tables, PW_DIM_INCOME, pw_sim_salary_on(sim, r, e));
    const int lg = group_of(sim->tables, PW_DIM_JOB_LEVEL, pw_plan_level_on(y, r, e));
    double prob = pw_min(1.0, cx->rates.vol_age[ag] * cx->rates.vol_income[ig] * cx->rates.vol_level[lg] *
                                  p->voluntary_enrollment_rate);
    if (!(pw_rng_u(seed, PW_STREAM_VOLUNTARY, key, Y, 0) < prob)) return;
    struct cand c = {e, PW_ENROLL_VOLUNTARY, 0, prob, 0};
    c.rate = magnet_rate(sim, r, cx->rates.vol_deferral[ag][ig], pw_rng_u(seed, PW_STREAM_VOLUNTARY_RATE, key, Y, 0),
                         &c.magnet);
    offer(best, &c);
}

/* (d) Year-over-year conversion on J (decision date J). */
static void decide_yoy(const struct enroll_ctx *cx, size_t r, struct cand *best)
{
    const struct pw_sim *sim = cx->sim;
    const struct pw_plan_config *p = &sim->cfg->plan;
    const struct pw_year *y = &sim->year;
    const pw_date j = cx->yoy_date;
    if (!pw_year_employed_on(y, sim->wf.hire_date[r], r, j)) return;
    const int ag = group_of(sim->tables, PW_DIM_AGE, y->age[r]);
    const int ig = group_of(sim->tables, PW_DIM_INCOME, pw_sim_salary_on(sim, r, j));
    const int tg = group_of(sim->tables, PW_DIM_TENURE, y->tenure[r]);
    double prob = pw_min(1.0, cx->rates.yoy_age[ag] * cx->rates.yoy_income[ig] * cx->rates.yoy_tenure[tg] *
                                  p->voluntary_enrollment_rate);
    if (!(pw_rng_u(sim->seed, PW_STREAM_YOY, sim->wf.key[r], (uint64_t)y->year, 0) < prob)) return;
    struct cand c = {j, PW_ENROLL_YEAR_OVER_YEAR, set_rate(sim->cfg, cx->rates.yoy_deferral[ag]), prob, 0};
    /* deferral_rates.conservative: false = converters choose like voluntary enrollees
     * (demographic rate, match magnet); draw 1 of the voluntary-rate stream, which
     * the voluntary path never uses in a year that has a conversion. */
    if (!p->yoy_conservative)
        c.rate = magnet_rate(sim, r, cx->rates.vol_deferral[ag][ig],
                             pw_rng_u(sim->seed, PW_STREAM_VOLUNTARY_RATE, sim->wf.key[r], (uint64_t)y->year, 1),
                             &c.magnet);
    offer(best, &c);
}

/* New decisions for an employee who is eligible some day, not enrolled and never
 * opted out: the window plan, or voluntary and year-over-year enrollment. */
static void decide_new(const struct enroll_ctx *cx, size_t r, pw_date e, struct cand *best)
{
    struct pw_sim *sim = cx->sim;
    const struct pw_plan_config *p = &sim->cfg->plan;
    const struct pw_year *y = &sim->year;
    const struct pw_workforce *wf = &sim->wf;
    const bool covered = p->ae_enabled && (cx->ae_cutoff == PW_NO_DATE || wf->hire_date[r] >= cx->ae_cutoff);
    if (covered) {
        pw_date w0 = e > cx->start_jan1 ? e : cx->start_jan1;
        if (!wf->window_decided[r] && w0 >= y->jan1 && w0 <= y->dec31 &&
            pw_year_employed_on(y, wf->hire_date[r], r, w0)) {
            sim->plan.decided[r] |= PW_PLAN_DECIDED_WINDOW;
            decide_window(cx, r, w0, best);
        }
        return;
    }
    if (p->voluntary_enabled && !wf->voluntary_decided[r] && e >= cx->start_jan1 && e >= y->jan1 && e <= y->dec31 &&
        pw_year_employed_on(y, wf->hire_date[r], r, e)) {
        sim->plan.decided[r] |= PW_PLAN_DECIDED_VOLUNTARY;
        decide_voluntary(cx, r, e, best);
    } else if (p->voluntary_enabled && p->voluntary_every_year && e <= y->dec31) {
        /* The reference's convention: whoever is eligible and not enrolled draws
         * again every year, dated Jan 15 (or the eligibility date if later). */
        const pw_date d = e > cx->jan15 ? e : cx->jan15;
        if (d <= y->dec31 && pw_year_employed_on(y, wf->hire_date[r], r, d)) decide_voluntary(cx, r, d, best);
    }
    if (p->yoy_enabled && e < y->jan1) decide_yoy(cx, r, best);
}

static void enrollment_row(const struct enroll_ctx *cx, size_t r)
{
    struct pw_sim *sim = cx->sim;
    const struct pw_workforce *wf = &sim->wf;
    struct pw_plan_year *py = &sim->plan;
    if (wf->plan_excluded[r]) return;
    /* deferral_rates.generate_synthetic_events: each census participant gets an
     * enrollment event in the first year, dated when it joined the roster's
     * enrollment (the census date, or its hire date inside the first year), not
     * before Jan 1 so the event lies in its year; the state does not change. */
    if (sim->cfg->generate_synthetic_events && wf->is_census[r] && wf->is_enrolled[r] &&
        wf->enrollment_method[r] == PW_ENROLL_CENSUS && sim->year.year == sim->cfg->start_year) {
        const pw_date d = wf->enrollment_date[r] > sim->year.jan1 ? wf->enrollment_date[r] : sim->year.jan1;
        if (pw_year_employed_on(&sim->year, wf->hire_date[r], r, d)) {
            py->enroll_date[r] = d;
            py->enroll_method[r] = PW_ENROLL_CENSUS;
            py->enroll_magnet[r] = 0;
            py->enroll_rate[r] = py->rate_start[r];
            py->enroll_prob[r] = 1.0;
            py->enroll_comp[r] = pw_sim_salary_on(sim, r, d);
        }
        return;
    }
    const bool open = !wf->is_enrolled[r] && !wf->ever_opted_out[r];
    struct cand best = {PW_NO_DATE, PW_ENROLL_NONE, 0, 0, 0};

    /* A window plan of an earlier year whose events fall in this year or later. */
    if (wf->planned_enrollment_date[r] != PW_NO_DATE && open) {
        uint8_t m = wf->planned_enrollment_method[r];
        struct cand c = {wf->planned_enrollment_date[r], m & ~PW_PLAN_MAGNET_BIT, wf->planned_enrollment_rate[r],
                         wf->planned_enrollment_prob[r], (m & PW_PLAN_MAGNET_BIT) != 0};
        place_planned(sim, r, &c, &best);
    }
    if (wf->planned_opt_out_date[r] != PW_NO_DATE && !wf->ever_opted_out[r])
        place_opt_out(sim, r, wf->planned_opt_out_date[r], wf->planned_opt_out_prob[r]);
    if (open && wf->eligibility_date[r] != PW_NO_DATE) decide_new(cx, r, wf->eligibility_date[r], &best);

    if (best.date == PW_NO_DATE) return;
    py->enroll_date[r] = best.date;
    py->enroll_method[r] = (uint8_t)best.method;
    py->enroll_magnet[r] = best.magnet;
    py->enroll_rate[r] = best.rate;
    py->enroll_prob[r] = best.prob;
    py->enroll_comp[r] = pw_sim_salary_on(sim, r, best.date);
}

static void enrollment_chunk(void *p, size_t chunk, int worker)
{
    (void)worker;
    const struct enroll_ctx *cx = p;
    for (size_t r = pw_chunk_begin(chunk), e = pw_chunk_end(chunk, cx->sim->year.n_pop); r < e; r++)
        enrollment_row(cx, r);
}

void pw_step_enrollment(struct pw_sim *sim)
{
    const struct pw_plan_config *p = &sim->cfg->plan;
    struct enroll_ctx cx;
    cx.sim = sim;
    resolve_rates(p, sim->tables, &cx.rates);
    cx.start_jan1 = pw_year_start(sim->cfg->start_year);
    /* (a) AE coverage: the configured cutoff, else Jan 1 S for new_hires_only, else none. */
    cx.ae_cutoff = p->ae_hire_date_cutoff != PW_NO_DATE ? p->ae_hire_date_cutoff
                   : p->ae_scope == PW_AE_NEW_HIRES_ONLY ? cx.start_jan1
                                                         : PW_NO_DATE;
    cx.yoy_date = pw_date_from_ymd(sim->year.year, p->yoy_month, p->yoy_day);
    cx.jan15 = pw_date_from_ymd(sim->year.year, 1, 15);
    pw_pool_run(sim->pool, pw_chunk_count(sim->year.n_pop), enrollment_chunk, &cx);
}
