/* hires.c: new hires of the year (MODEL 4.5): ids in level order, hire dates, ages
 * and birth dates, lognormal salary around the level's base, part-time hours and
 * the permanent plan-exclusion draw. Hires are appended after the roster rows. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/num.h"
#include "core/rng.h"
#include "sim/sim.h"

/* "NH_<Y>_<q, at least 6 digits>" without snprintf: this runs once per hire. */
static size_t format_hire_id(char *buf, int year, uint32_t q)
{
    char digits[16];
    int n = 0;
    do {
        digits[n++] = (char)('0' + q % 10);
        q /= 10;
    } while (q);
    while (n < 6) digits[n++] = '0';
    size_t len = 0;
    buf[len++] = 'N', buf[len++] = 'H', buf[len++] = '_';
    unsigned yy = (unsigned)year;
    buf[len++] = (char)('0' + yy / 1000 % 10), buf[len++] = (char)('0' + yy / 100 % 10);
    buf[len++] = (char)('0' + yy / 10 % 10), buf[len++] = (char)('0' + yy % 10);
    buf[len++] = '_';
    while (n) buf[len++] = digits[--n];
    buf[len] = '\0';
    return len;
}

/* Categorical draw: the smallest age whose cumulative weight reaches u; the
 * configuration's new_hire.age_distribution (weights normalised) replaces the table. */
static int draw_age(const struct pw_config *c, const struct pw_tables *t, double u)
{
    if (c->nh_age_count > 0) {
        double total = 0, cum = 0;
        for (int i = 0; i < c->nh_age_count; i++) total += c->nh_age_weight[i];
        for (int i = 0; i < c->nh_age_count; i++) {
            cum += c->nh_age_weight[i] / total;
            if (cum >= u) return c->nh_age[i];
        }
        return c->nh_age[c->nh_age_count - 1];
    }
    double cum = 0;
    for (int i = 0; i < t->new_hire_age_count; i++) {
        cum += t->new_hire_age_weight[i];
        if (cum >= u) return t->new_hire_age[i];
    }
    return t->new_hire_age[t->new_hire_age_count - 1];
}

static void hire_chunk(void *p, size_t chunk, int worker)
{
    (void)worker;
    struct pw_sim *sim = p;
    struct pw_year *y = &sim->year;
    struct pw_workforce *wf = &sim->wf;
    const struct pw_config *c = sim->cfg;
    const uint64_t seed = sim->seed_h, Y = (uint64_t)y->year;
    const double sigma = c->nh_variance_enabled ? c->nh_variance_std_dev : 0.0;
    size_t n_hires = y->n_pop - y->n_roster;
    for (size_t i = pw_chunk_begin(chunk), e = pw_chunk_end(chunk, n_hires); i < e; i++) {
        size_t r = y->n_roster + i;
        uint64_t key = wf->key[r];
        pw_date hire = y->jan1 + (pw_date)floor(pw_rng_u(seed, PW_STREAM_HIRE_DATE, key, Y, 0) * y->days_in_year);
        int age = draw_age(c, sim->tables, pw_rng_u(seed, PW_STREAM_HIRE_AGE, key, Y, 0));
        pw_date birth = pw_date_shift_years(hire, -age) -
                        (pw_date)floor(pw_rng_u(seed, PW_STREAM_HIRE_AGE, key, Y, 1) * 365.0);
        int level = wf->level[r];
        double factor = 1.0;
        if (sigma > 0) {
            double z = pw_normal_from(pw_rng_u(seed, PW_STREAM_HIRE_COMP, key, Y, 0),
                                      pw_rng_u(seed, PW_STREAM_HIRE_COMP, key, Y, 1));
            z = pw_clamp(z, -3.0, 3.0);
            factor = exp(sigma * z - sigma * sigma / 2.0);
        }
        double salary = pw_round2(sim->nh_base[level] * factor);
        bool part_time = pw_rng_u(seed, PW_STREAM_HIRE_PART_TIME, key, Y, 0) < c->part_time_new_hire_pct;
        bool excluded = pw_rng_u(seed, PW_STREAM_HIRE_INELIGIBLE, key, Y, 0) < sim->hire_excluded_share;

        wf->hire_date[r] = hire;
        wf->birth_date[r] = birth;
        wf->salary[r] = salary;
        wf->hours_per_week[r] = part_time ? c->part_time_hours_per_week : 40.0;
        wf->plan_excluded[r] = excluded;
        wf->prior_prorated_comp[r] = NAN;   /* no look-back pay: not HCE in the hire year */

        y->age[r] = (int16_t)pw_sim_age(sim, birth);
        y->tenure[r] = (int16_t)pw_tenure(hire, y->dec31);
        y->reported_tenure[r] = y->tenure[r];
        y->age_band[r] = (uint8_t)pw_band_index(&sim->tables->age_bands, y->age[r]);
        y->tenure_band[r] = (uint8_t)pw_band_index(&sim->tables->tenure_bands, y->tenure[r]);
        y->reported_tenure_band[r] = y->tenure_band[r];
        y->start_level[r] = y->end_level[r] = (uint8_t)level;
        y->start_salary[r] = salary;
        y->term_kind[r] = PW_TERM_NONE;
        y->term_date[r] = PW_NO_DATE;
        y->term_weight[r] = NAN;
        y->promo_date[r] = PW_NO_DATE;
        y->raise_date[r] = PW_NO_DATE;
    }
}

int pw_step_hires(struct pw_sim *sim, struct pw_err *err)
{
    struct pw_year *y = &sim->year;
    struct pw_workforce *wf = &sim->wf;
    size_t total = (size_t)y->needs.total_hires;
    if (total == 0) return 0;
    if (total > PW_MAX_HIRES_PER_YEAR)
        return pw_err_set(err, PW_ERANGE, "year %d needs %zu hires, more than the %u a year supported", y->year, total,
                          PW_MAX_HIRES_PER_YEAR);
    if (total > (size_t)y->n_roster / 2)
        pw_warn("year %d: %zu hires exceed half of the starting headcount (%zu)", y->year, total, y->n_roster);
    size_t rows = y->n_roster + total;
    if (pw_workforce_reserve(wf, rows) != 0 || pw_year_reserve(y, rows) != 0)
        return pw_err_set(err, PW_ENOMEM, "out of memory for %zu hires in year %d", total, y->year);
    /* Identity is assigned sequentially (the string pool is single-threaded);
     * everything drawn from the RNG is filled in parallel afterwards. */
    uint32_t q = 0;
    char id[48];
    for (int l = 1; l <= sim->levels; l++) {
        for (int64_t i = 0; i < y->by_level.hires[l]; i++) {
            size_t r = pw_workforce_push(wf);
            q++;
            size_t len = format_hire_id(id, y->year, q);
            wf->employee_id[r] = pw_strpool_add(sim->strings, id, len);
            if (!wf->employee_id[r]) return pw_err_set(err, PW_ENOMEM, "out of memory for hire ids");
            wf->id_len[r] = (uint32_t)len;
            wf->key[r] = pw_hire_key(y->year, q);
            wf->employee_key[r] = pw_hire_employee_key(y->year, q);
            wf->ssn[r] = NULL;
            wf->is_census[r] = 0;
            wf->level[r] = (uint8_t)l;
        }
    }
    y->n_pop = rows;
    pw_pool_run(sim->pool, pw_chunk_count(total), hire_chunk, sim);
    return 0;
}
