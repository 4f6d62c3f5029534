/* ensemble.c: year metrics of one in-memory simulation, and band statistics
 * over seeds, for `planwise ensemble`. The metrics reproduce the aggregates a
 * full run's snapshot and events give (the ensemble exactness test holds them
 * to that), computed from the year's columns directly, for the total and per
 * level, age band and income band. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/ensemble.h"

const char *const pw_ensemble_metric_names[PW_EM_COUNT] = {
    "headcount_start", "headcount_end", "hires", "experienced_terminations", "new_hire_terminations",
    "promotions", "payroll", "eligible", "participants", "participation_rate", "avg_deferral_rate",
    "employee_deferrals", "employer_match", "employer_core", "forfeitures", "total_employer_cost",
    "employer_cost_pct_payroll",
};

const char *const pw_ensemble_dim_names[PW_ED_COUNT] = {"all", "level", "age_band", "income_band"};

void pw_ensemble_layout_init(struct pw_ens_layout *lo, const struct pw_tables *t)
{
    memset(lo, 0, sizeof *lo);
    lo->groups[PW_ED_ALL] = 1;
    lo->groups[PW_ED_LEVEL] = t->levels.count;
    for (int l = 1; l <= t->levels.count; l++) snprintf(lo->label[PW_ED_LEVEL][l - 1], sizeof lo->label[0][0], "%d", l);
    lo->groups[PW_ED_AGE_BAND] = t->age_bands.count;
    for (int b = 0; b < t->age_bands.count; b++)
        snprintf(lo->label[PW_ED_AGE_BAND][b], sizeof lo->label[0][0], "%s", t->age_bands.label[b]);
    const struct pw_groups *inc = &t->groups[PW_DIM_INCOME];
    lo->groups[PW_ED_INCOME_BAND] = inc->count;
    for (int g = 0; g < inc->count; g++) snprintf(lo->label[PW_ED_INCOME_BAND][g], sizeof lo->label[0][0], "%s", inc->name[g]);
    int at = 0;
    for (int d = 0; d < PW_ED_COUNT; d++) {
        lo->first[d] = at;
        at += lo->groups[d] * (d <= PW_ED_LEVEL ? PW_EM_COUNT : PW_EM_COUNT - PW_EM_PLAN_FIRST);
    }
    lo->series = at;
}

bool pw_ensemble_layout_equal(const struct pw_ens_layout *a, const struct pw_ens_layout *b)
{
    for (int d = 0; d < PW_ED_COUNT; d++) {
        if (a->groups[d] != b->groups[d]) return false;
        for (int g = 0; g < a->groups[d]; g++)
            if (strcmp(a->label[d][g], b->label[d][g]) != 0) return false;
    }
    return true;
}

void pw_ensemble_series(const struct pw_ens_layout *lo, int s, int *metric, char *dim, size_t size)
{
    int d = PW_ED_COUNT - 1;
    while (d > 0 && s < lo->first[d]) d--;
    int per = d <= PW_ED_LEVEL ? PW_EM_COUNT : PW_EM_COUNT - PW_EM_PLAN_FIRST;
    int g = (s - lo->first[d]) / per;
    *metric = (s - lo->first[d]) % per + (d <= PW_ED_LEVEL ? 0 : PW_EM_PLAN_FIRST);
    if (d == PW_ED_ALL) snprintf(dim, size, "all");
    else snprintf(dim, size, "%s=%s", pw_ensemble_dim_names[d], lo->label[d][g]);
}

/* Sums of one group; money in cents. */
struct acc {
    int64_t start, end, hires, terms, nh_terms, promos, payroll, eligible, part, defer, match, core, forfeit;
    double rate_sum;             /* deferral rates of participants, added in row order */
};

static void acc_values(const struct acc *a, double *v, int first_metric)
{
    double m[PW_EM_COUNT];
    m[PW_EM_HEADCOUNT_START] = (double)a->start;
    m[PW_EM_HEADCOUNT_END] = (double)a->end;
    m[PW_EM_HIRES] = (double)a->hires;
    m[PW_EM_EXPERIENCED_TERMS] = (double)a->terms;
    m[PW_EM_NEW_HIRE_TERMS] = (double)a->nh_terms;
    m[PW_EM_PROMOTIONS] = (double)a->promos;
    m[PW_EM_PAYROLL] = (double)a->payroll / 100.0;
    m[PW_EM_ELIGIBLE] = (double)a->eligible;
    m[PW_EM_PARTICIPANTS] = (double)a->part;
    m[PW_EM_PARTICIPATION_RATE] = a->eligible ? (double)a->part / (double)a->eligible : 0.0;
    m[PW_EM_AVG_DEFERRAL_RATE] = a->part ? a->rate_sum / (double)a->part : 0.0;
    m[PW_EM_DEFERRALS] = (double)a->defer / 100.0;
    m[PW_EM_MATCH] = (double)a->match / 100.0;
    m[PW_EM_CORE] = (double)a->core / 100.0;
    m[PW_EM_FORFEITURES] = (double)a->forfeit / 100.0;
    /* Employer cost is what the sponsor pays in: match plus core (forfeitures are
     * reported separately; how they are used is a plan choice). */
    m[PW_EM_EMPLOYER_COST] = (double)(a->match + a->core) / 100.0;
    m[PW_EM_EMPLOYER_COST_PCT_PAYROLL] = a->payroll ? (double)(a->match + a->core) / (double)a->payroll : 0.0;
    memcpy(v, m + first_metric, (size_t)(PW_EM_COUNT - first_metric) * sizeof *v);
}

/* The values are cents already (MODEL 1.4), so the nearest integer of x * 100 is
 * exact whichever way halves would round; this avoids a libm call per amount. */
static inline int64_t cents(double x)
{
    double c = x * 100.0;
    return (int64_t)(c + (c < 0 ? -0.5 : 0.5));
}

/* Adds one row's amounts to a group. */
static inline void add_plan(struct acc *a, int64_t end, int64_t promo, int64_t pay, int64_t elig, double rate,
                            int64_t defer, int64_t match, int64_t core, int64_t forfeit)
{
    a->end += end;
    a->promos += promo;
    a->payroll += pay;
    a->eligible += elig;
    if (rate > 0) {
        a->part++;
        a->rate_sum += rate;
    }
    a->defer += defer;
    a->match += match;
    a->core += core;
    a->forfeit += forfeit;
}

void pw_ensemble_year_metrics(const struct pw_sim *sim, const struct pw_ens_layout *lo, double *v)
{
    const struct pw_year *y = &sim->year;
    const struct pw_plan_money *mo = &sim->money;
    const struct pw_plan_year *py = &sim->plan;
    const struct pw_groups *inc = &sim->tables->groups[PW_DIM_INCOME];
    /* The total is kept as a group of its own (not summed from the levels), so
     * its deferral-rate sum adds in row order exactly as before the breakdown. */
    struct acc all, level[PW_ENS_MAX_GROUPS + 1], age[PW_ENS_MAX_GROUPS], income[PW_ENS_MAX_GROUPS];
    memset(&all, 0, sizeof all);
    memset(level, 0, sizeof level);
    memset(age, 0, sizeof age);
    memset(income, 0, sizeof income);
    for (size_t r = 0; r < y->n_roster; r++) {
        struct acc *ls = &level[y->start_level[r]];
        ls->start++;
        ls->terms += y->term_kind[r] == PW_TERM_EXPERIENCED;
        ls->nh_terms += y->term_kind[r] == PW_TERM_NEW_HIRE;
    }
    for (size_t r = y->n_roster; r < y->n_pop; r++) {
        struct acc *ls = &level[y->start_level[r]];
        ls->hires++;
        ls->terms += y->term_kind[r] == PW_TERM_EXPERIENCED;
        ls->nh_terms += y->term_kind[r] == PW_TERM_NEW_HIRE;
    }
    for (size_t r = 0; r < y->n_pop; r++) {
        int64_t end = y->term_kind[r] == PW_TERM_NONE, promo = y->promo_date[r] != PW_NO_DATE && r < y->n_roster;
        int64_t pay = cents(y->prorated_comp[r]), elig = py->elig_status[r] == PW_PLAN_ELIGIBLE;
        double rate = pw_plan_year_rate_on(py, r, y->dec31);
        int64_t defer = cents(mo->deferrals[r]), match = cents(mo->match[r]), core = cents(mo->core[r]);
        int64_t forfeit = cents(mo->forfeit_total[r]);
        add_plan(&all, end, promo, pay, elig, rate, defer, match, core, forfeit);
        add_plan(&level[y->end_level[r]], end, promo, pay, elig, rate, defer, match, core, forfeit);
        add_plan(&age[y->age_band[r]], end, promo, pay, elig, rate, defer, match, core, forfeit);
        add_plan(&income[pw_group_index(inc, y->current_comp[r])], end, promo, pay, elig, rate, defer, match, core,
                 forfeit);
    }
    for (int l = 1; l <= lo->groups[PW_ED_LEVEL]; l++) {
        all.start += level[l].start;
        all.hires += level[l].hires;
        all.terms += level[l].terms;
        all.nh_terms += level[l].nh_terms;
    }
    acc_values(&all, v + lo->first[PW_ED_ALL], 0);
    for (int l = 0; l < lo->groups[PW_ED_LEVEL]; l++)
        acc_values(&level[l + 1], v + lo->first[PW_ED_LEVEL] + l * PW_EM_COUNT, 0);
    int plan = PW_EM_COUNT - PW_EM_PLAN_FIRST;
    for (int b = 0; b < lo->groups[PW_ED_AGE_BAND]; b++)
        acc_values(&age[b], v + lo->first[PW_ED_AGE_BAND] + b * plan, PW_EM_PLAN_FIRST);
    for (int b = 0; b < lo->groups[PW_ED_INCOME_BAND]; b++)
        acc_values(&income[b], v + lo->first[PW_ED_INCOME_BAND] + b * plan, PW_EM_PLAN_FIRST);
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
