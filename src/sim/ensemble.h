/* ensemble.h: the metrics of one simulated year for `planwise ensemble`, and the
 * band statistics over seeds. The sim layer computes them in memory from a
 * finished year (no event or snapshot rows are written per seed). */
#ifndef PW_SIM_ENSEMBLE_H
#define PW_SIM_ENSEMBLE_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/sim.h"

/* Metrics per (design, seed, year); names in pw_ensemble_metric_names. The plan
 * metrics are PW_EM_PLAN_FIRST..PW_EM_COUNT-1. */
enum pw_ens_metric {
    PW_EM_HEADCOUNT_START = 0, PW_EM_HEADCOUNT_END, PW_EM_HIRES, PW_EM_EXPERIENCED_TERMS, PW_EM_NEW_HIRE_TERMS,
    PW_EM_PROMOTIONS, PW_EM_PAYROLL, PW_EM_ELIGIBLE, PW_EM_PARTICIPANTS, PW_EM_PARTICIPATION_RATE,
    PW_EM_AVG_DEFERRAL_RATE, PW_EM_DEFERRALS, PW_EM_MATCH, PW_EM_CORE, PW_EM_FORFEITURES, PW_EM_EMPLOYER_COST,
    PW_EM_EMPLOYER_COST_PCT_PAYROLL, PW_EM_COUNT
};
#define PW_EM_PLAN_FIRST PW_EM_ELIGIBLE
extern const char *const pw_ensemble_metric_names[PW_EM_COUNT];

/* Dimensions a metric is broken down by. Every metric is kept for the total and
 * per job level; the plan metrics also per age band and per income band. */
enum pw_ens_dim { PW_ED_ALL = 0, PW_ED_LEVEL, PW_ED_AGE_BAND, PW_ED_INCOME_BAND, PW_ED_COUNT };
extern const char *const pw_ensemble_dim_names[PW_ED_COUNT];   /* all, level, age_band, income_band */

#define PW_ENS_MAX_GROUPS 17

/* Which values one simulated year gives, in this order: every metric of the
 * total; every metric of level 1, of level 2, ...; the plan metrics of each age
 * band; the plan metrics of each income band. The groups come from the
 * assumption tables: job levels, age bands (the snapshot's age_band) and the
 * MODEL 4.11 income groups (enrollment_groups.csv; low < 50,000 <= moderate <
 * 100,000 <= high < 200,000 <= executive by default) of current_compensation. */
struct pw_ens_layout {
    int groups[PW_ED_COUNT];                              /* 1, levels, age bands, income groups */
    char label[PW_ED_COUNT][PW_ENS_MAX_GROUPS][32];       /* "", "3", "25-34", "low" */
    int first[PW_ED_COUNT];                               /* position of the dimension's first value */
    int series;                                           /* values per year */
};
void pw_ensemble_layout_init(struct pw_ens_layout *lo, const struct pw_tables *t);
/* True when both layouts have the same groups with the same labels. */
bool pw_ensemble_layout_equal(const struct pw_ens_layout *a, const struct pw_ens_layout *b);
/* Metric and dimension text of value s in [0, series): "all", "level=3",
 * "age_band=25-34", "income_band=low". */
void pw_ensemble_series(const struct pw_ens_layout *lo, int s, int *metric, char *dim, size_t size);

/* Fills v[lo->series] from the finished year of sim (in sink->write_year). Money
 * is summed in whole cents exactly like the run's summary, then given in dollars.
 * Levels: headcount_start, hires and both terminations count by the level at the
 * start of the year (or at hire), as fct_workforce_needs_by_level does;
 * headcount_end, promotions (the level promoted to), payroll and the plan metrics
 * by the snapshot's level_id. */
void pw_ensemble_year_metrics(const struct pw_sim *sim, const struct pw_ens_layout *lo, double *v);

struct pw_band {
    size_t n;
    double mean, sd;            /* sd: sample standard deviation (n-1), 0 when n < 2 */
    double p[7];                /* p05 p10 p25 p50 p75 p90 p95, linear interpolation between order statistics */
};
/* Sorts x[0..n) in place and fills b. */
void pw_band_compute(double *x, size_t n, struct pw_band *b);

#endif
