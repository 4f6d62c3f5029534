/* roster.c: start of year (MODEL 4.1: ages, tenures, bands, reset of per-row state)
 * and year close (4.19: survivors become R_{Y+1}, merged in employee_id order). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"

int pw_sim_age(const struct pw_sim *sim, pw_date birth)
{
    const struct pw_config *c = sim->cfg;
    if (c->age_convention != PW_AGE_REFERENCE) return pw_age(birth, sim->year.dec31);
    return pw_date_year(c->plan_year_end_date) + (sim->year.year - c->start_year) - pw_date_year(birth);
}

struct start_ctx {
    struct pw_sim *sim;
};

static void start_chunk(void *p, size_t chunk, int worker)
{
    (void)worker;
    struct pw_sim *sim = ((struct start_ctx *)p)->sim;
    struct pw_year *y = &sim->year;
    const struct pw_workforce *wf = &sim->wf;
    const struct pw_tables *t = sim->tables;
    for (size_t r = pw_chunk_begin(chunk), e = pw_chunk_end(chunk, y->n_roster); r < e; r++) {
        int age = pw_sim_age(sim, wf->birth_date[r]);
        int ten = pw_tenure(wf->hire_date[r], y->dec31);
        y->age[r] = (int16_t)age;
        y->tenure[r] = (int16_t)ten;
        y->reported_tenure[r] = (int16_t)ten;
        y->age_band[r] = (uint8_t)pw_band_index(&t->age_bands, age);
        y->tenure_band[r] = (uint8_t)pw_band_index(&t->tenure_bands, ten);
        y->reported_tenure_band[r] = y->tenure_band[r];
        y->start_level[r] = y->end_level[r] = wf->level[r];
        y->start_salary[r] = wf->salary[r];
        y->term_kind[r] = PW_TERM_NONE;
        y->term_date[r] = PW_NO_DATE;
        y->term_weight[r] = NAN;
        y->promo_date[r] = PW_NO_DATE;
        y->raise_date[r] = PW_NO_DATE;
    }
}

int pw_step_start_year(struct pw_sim *sim, int year, struct pw_err *err)
{
    struct pw_year *y = &sim->year;
    pw_year_set_calendar(y, year);
    y->n_roster = y->n_pop = sim->wf.count;
    memset(&y->needs, 0, sizeof y->needs);
    memset(&y->by_level, 0, sizeof y->by_level);
    if (pw_year_reserve(y, sim->wf.count) != 0) return pw_err_set(err, PW_ENOMEM, "out of memory for year %d", year);
    struct start_ctx ctx = {sim};
    pw_pool_run(sim->pool, pw_chunk_count(y->n_roster), start_chunk, &ctx);
    for (size_t r = 0; r < y->n_roster; r++) y->by_level.starting_headcount[sim->wf.level[r]]++;
    return 0;
}

/* Output order: merge the sorted roster run [0, n_roster) with the hires run. Hire
 * ids NH_<Y>_<q> sort in q order while q has six digits; a general merge keeps
 * any id scheme correct. */
static int row_less(const struct pw_workforce *wf, uint32_t a, uint32_t b)
{
    return pw_id_cmp(wf->employee_id[a], wf->id_len[a], wf->employee_id[b], wf->id_len[b]) < 0;
}

static const struct pw_workforce *sort_wf;
static int cmp_rows(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return pw_id_cmp(sort_wf->employee_id[x], sort_wf->id_len[x], sort_wf->employee_id[y], sort_wf->id_len[y]);
}

void pw__sim_build_order(struct pw_sim *sim)
{
    struct pw_year *y = &sim->year;
    const struct pw_workforce *wf = &sim->wf;
    size_t nr = y->n_roster, np = y->n_pop;
    uint32_t *hires = y->order + nr;   /* temporarily park the hire rows at the tail */
    int hires_sorted = 1;
    for (size_t i = nr; i < np; i++) {
        hires[i - nr] = (uint32_t)i;
        if (i > nr && !row_less(wf, (uint32_t)(i - 1), (uint32_t)i)) hires_sorted = 0;
    }
    if (!hires_sorted) {
        sort_wf = wf;  /* single-threaded here */
        qsort(hires, np - nr, sizeof *hires, cmp_rows);
    }
    /* Merge from the back so the parked hires are never overwritten before use. */
    size_t i = nr, j = np - nr, k = np;
    uint32_t *tmp = NULL;
    if (j > 0) {
        tmp = malloc(j * sizeof *tmp);
        PW_ASSERT(tmp != NULL);
        memcpy(tmp, hires, j * sizeof *tmp);
    }
    while (j > 0) {
        if (i > 0 && row_less(wf, tmp[j - 1], (uint32_t)(i - 1))) y->order[--k] = (uint32_t)(--i);
        else y->order[--k] = tmp[--j];
    }
    while (i > 0) y->order[--k] = (uint32_t)(--i);
    free(tmp);
}

void pw__sim_finish_trace(struct pw_sim *sim)
{
    struct pw_year *y = &sim->year;
    int64_t survivors = 0;
    for (size_t r = 0; r < y->n_pop; r++) {
        switch (y->term_kind[r]) {
        case PW_TERM_NONE:
            survivors++;
            y->by_level.ending_headcount[y->end_level[r]]++;
            break;
        case PW_TERM_EXPERIENCED: y->by_level.terminations_realized[y->start_level[r]]++; break;
        case PW_TERM_NEW_HIRE: y->by_level.new_hire_terminations[y->start_level[r]]++; break;
        }
    }
    y->needs.ending_headcount_actual = survivors;
    y->needs.reconciliation_error = survivors - y->needs.target_ending_headcount;
}

int pw_step_year_close(struct pw_sim *sim, struct pw_err *err)
{
    struct pw_year *y = &sim->year;
    struct pw_workforce *next = &sim->spare;
    size_t survivors = 0;
    for (size_t p = 0; p < y->n_pop; p++)
        if (y->term_kind[y->order[p]] == PW_TERM_NONE) survivors++;
    if (pw_workforce_reserve(next, survivors + 1) != 0) return pw_err_set(err, PW_ENOMEM, "out of memory at year close");
    next->count = 0;
    int64_t hires_active = 0;
    for (size_t p = 0; p < y->n_pop; p++) {
        uint32_t r = y->order[p];
        if (y->term_kind[r] != PW_TERM_NONE) continue;
        size_t d = next->count++;
        pw_workforce_copy_row(next, d, &sim->wf, r);
        pw_plan_year_close_row(&sim->plan, r, next, d);
        next->match_balance[d] = sim->money.match_balance[r];
        next->core_balance[d] = sim->money.core_balance[r];
        next->level[d] = y->end_level[r];
        next->salary[d] = y->current_comp[r];
        next->prior_prorated_comp[d] = y->prorated_comp[r];
        if (r >= y->n_roster) hires_active++;
    }
    sim->prior_year_hires_active = hires_active;
    struct pw_workforce tmp = sim->wf;
    sim->wf = *next;
    *next = tmp;
    next->count = 0;
    return 0;
}
