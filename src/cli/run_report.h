/* run_report.h: the per-year summary `planwise run` prints (headcounts, hires,
 * terminations, promotions, payroll) and the stage-timing JSON for run_metadata. */
#ifndef PW_CLI_RUN_REPORT_H
#define PW_CLI_RUN_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "core/perf.h"
#include "sim/sim.h"

struct pw_year_summary {
    int year;
    int64_t start, hires, terminations, nh_terminations, promotions, end, target;
    int64_t payroll_cents;      /* sum of prorated_annual_compensation */
    /* plan (snapshot state at the end of employment in the year) */
    int64_t eligible, participating;
    double deferral_rate_sum;   /* over participants, for the average */
    int64_t deferral_cents, match_cents, core_cents, forfeiture_cents;
};

struct pw_run_report {
    const struct pw_config *cfg;
    size_t roster_size;
    size_t rejected_rows;       /* census rows skipped (--on-bad-rows skip) */
    struct pw_year_summary *years;
    int year_count;
    double total_seconds;       /* census load to closed database, wall */
};

void pw_run_report_init(struct pw_run_report *r, const struct pw_config *cfg, size_t roster_size);
void pw_run_report_release(struct pw_run_report *r);
void pw_run_report_add_year(struct pw_run_report *r, const struct pw_sim *sim);
void pw_run_report_print(const struct pw_run_report *r, const struct pw_sim *sim, const char *db_path, FILE *out);
/* {"census_load": s, "start_year": s, ...}: wall seconds of every stage recorded
 * in perf so far (for run_metadata.stage_seconds). */
void pw_run_report_timings_json(const struct pw_perf *perf, char *buf, size_t size);

#endif
