/* ensemble.h: the metrics of one simulated year for `planwise ensemble`, and the
 * band statistics over seeds. The sim layer computes them in memory from a
 * finished year (no event or snapshot rows are written per seed). */
#ifndef PW_SIM_ENSEMBLE_H
#define PW_SIM_ENSEMBLE_H

#include <stddef.h>

#include "sim/sim.h"

/* Metrics per (design, seed, year), dimension "all"; names in pw_ensemble_metric_names. */
enum pw_ens_metric {
    PW_EM_HEADCOUNT_START = 0, PW_EM_HEADCOUNT_END, PW_EM_HIRES, PW_EM_EXPERIENCED_TERMS, PW_EM_NEW_HIRE_TERMS,
    PW_EM_PROMOTIONS, PW_EM_PAYROLL, PW_EM_ELIGIBLE, PW_EM_PARTICIPANTS, PW_EM_PARTICIPATION_RATE,
    PW_EM_AVG_DEFERRAL_RATE, PW_EM_DEFERRALS, PW_EM_MATCH, PW_EM_CORE, PW_EM_FORFEITURES, PW_EM_EMPLOYER_COST,
    PW_EM_EMPLOYER_COST_PCT_PAYROLL, PW_EM_COUNT
};
extern const char *const pw_ensemble_metric_names[PW_EM_COUNT];

/* Fills v[PW_EM_COUNT] from sim during sink->write_year. Money is summed in
 * whole cents exactly like the run's summary, then given in dollars. */
void pw_ensemble_year_metrics(const struct pw_sim *sim, double *v);

struct pw_band {
    size_t n;
    double mean, sd;            /* sd: sample standard deviation (n-1), 0 when n < 2 */
    double p[7];                /* p05 p10 p25 p50 p75 p90 p95, linear interpolation between order statistics */
};
/* Sorts x[0..n) in place and fills b. */
void pw_band_compute(double *x, size_t n, struct pw_band *b);

#endif
