/* ensemble.c: year metrics of one in-memory simulation, and band statistics
 * over seeds, for `planwise ensemble`. The metrics reproduce the aggregates a
 * full run's snapshot and events give (the ensemble exactness test holds them
 * to that), computed from the year's columns directly. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/num.h"
#include "sim/ensemble.h"

const char *const pw_ensemble_metric_names[PW_EM_COUNT] = {
    "headcount_start", "headcount_end", "hires", "experienced_terminations", "new_hire_terminations",
    "promotions", "payroll", "eligible", "participants", "participation_rate", "avg_deferral_rate",
    "employee_deferrals", "employer_match", "employer_core", "forfeitures", "total_employer_cost",
    "employer_cost_pct_payroll",
};

void pw_ensemble_year_metrics(const struct pw_sim *sim, double *v)
{
    const struct pw_year *y = &sim->year;
    int64_t terms = 0, nh_terms = 0, promos = 0, payroll = 0, eligible = 0, part = 0;
    int64_t defer = 0, match = 0, core = 0, forfeit = 0;
    double rate_sum = 0;
    for (size_t row = 0; row < y->n_pop; row++) {
        if (y->term_kind[row] == PW_TERM_EXPERIENCED) terms++;
        else if (y->term_kind[row] == PW_TERM_NEW_HIRE) nh_terms++;
        if (y->promo_date[row] != PW_NO_DATE && row < y->n_roster) promos++;
        payroll += pw_cents(y->prorated_comp[row]);
        struct pw_plan_snapshot ps;
        pw_plan_year_snapshot(&sim->plan, row, &sim->wf, row, &ps);
        if (sim->plan.elig_status[row] == PW_PLAN_ELIGIBLE) eligible++;
        if (ps.current_deferral_rate > 0) {
            part++;
            rate_sum += ps.current_deferral_rate;
        }
        defer += pw_cents(sim->money.deferrals[row]);
        match += pw_cents(sim->money.match[row]);
        core += pw_cents(sim->money.core[row]);
        forfeit += pw_cents(sim->money.forfeit_total[row]);
    }
    int64_t start = (int64_t)y->n_roster, hires = (int64_t)(y->n_pop - y->n_roster);
    v[PW_EM_HEADCOUNT_START] = (double)start;
    v[PW_EM_HEADCOUNT_END] = (double)(start + hires - terms - nh_terms);
    v[PW_EM_HIRES] = (double)hires;
    v[PW_EM_EXPERIENCED_TERMS] = (double)terms;
    v[PW_EM_NEW_HIRE_TERMS] = (double)nh_terms;
    v[PW_EM_PROMOTIONS] = (double)promos;
    v[PW_EM_PAYROLL] = (double)payroll / 100.0;
    v[PW_EM_ELIGIBLE] = (double)eligible;
    v[PW_EM_PARTICIPANTS] = (double)part;
    v[PW_EM_PARTICIPATION_RATE] = eligible ? (double)part / (double)eligible : 0.0;
    v[PW_EM_AVG_DEFERRAL_RATE] = part ? rate_sum / (double)part : 0.0;
    v[PW_EM_DEFERRALS] = (double)defer / 100.0;
    v[PW_EM_MATCH] = (double)match / 100.0;
    v[PW_EM_CORE] = (double)core / 100.0;
    v[PW_EM_FORFEITURES] = (double)forfeit / 100.0;
    /* Employer cost is what the sponsor pays in: match plus core (forfeitures are
     * reported separately; how they are used is a plan choice). */
    v[PW_EM_EMPLOYER_COST] = (double)(match + core) / 100.0;
    v[PW_EM_EMPLOYER_COST_PCT_PAYROLL] = payroll ? (double)(match + core) / (double)payroll : 0.0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double quantile(const double *s, size_t n, double q)
{
    double h = q * (double)(n - 1);
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n) return s[n - 1];
    return s[lo] + (h - (double)lo) * (s[lo + 1] - s[lo]);
}

void pw_band_compute(double *x, size_t n, struct pw_band *b)
{
    static const double qs[7] = {0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95};
    memset(b, 0, sizeof *b);
    b->n = n;
    if (n == 0) return;
    /* Sorting first makes the sums order-independent: identical for any thread or rank count. */
    qsort(x, n, sizeof *x, cmp_double);
    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += x[i];
    b->mean = sum / (double)n;
    double ss = 0;
    for (size_t i = 0; i < n; i++) ss += (x[i] - b->mean) * (x[i] - b->mean);
    b->sd = n > 1 ? sqrt(ss / (double)(n - 1)) : 0.0;
    for (int k = 0; k < 7; k++) b->p[k] = quantile(x, n, qs[k]);
}
