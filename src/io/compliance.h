/* compliance.h: the nondiscrimination and limit tests of simulated scenarios, run
 * over an output database and written to its tables fct_compliance_tests (one row
 * per scenario, year and test), fct_compliance_detail (one row per scenario, year
 * and employee) and fct_compliance_cost (one row per scenario and year: the cost of
 * the modelled corrections). The rules are in model/compliance_year.h and
 * docs/compliance.md; this module reads the user-facing output tables
 * (fct_workforce_snapshot, fct_yearly_events, fct_employer_match_events,
 * run_metadata) and writes only its own three tables. */
#ifndef PW_IO_COMPLIANCE_H
#define PW_IO_COMPLIANCE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "io/db.h"
#include "model/config.h"
#include "model/tables.h"

/* What one scenario's tests came to. */
struct pw_compliance_outcome {
    int first_year, last_year;      /* years tested */
    size_t tests;                   /* pass/fail tests computed (reports and n/a rows left out) */
    size_t failed;                  /* of them, failed before any correction */
    size_t corrected;               /* failed tests whose modelled correction makes them pass */
    size_t top_heavy_years;         /* years the plan is top-heavy */
    double correction_cost;         /* employer cost of the modelled corrections, all years */
    char warning[512];              /* "" or what was assumed (e.g. built-in IRS limits) */
};

/* Creates the three tables when they do not exist. */
int pw_compliance_ensure_tables(struct pw_db *db, struct pw_err *err);

/* Runs every test of every simulated year of `scenario` and replaces the scenario's
 * rows in the three tables, in one transaction. cfg and tables are the run's own
 * (planwise run); NULL reads the configuration from the scenario's latest
 * run_metadata row (its YAML, overlays included) and loads the assumption tables it
 * names (the built-in ones when they cannot be read, with a warning). The scenario's
 * latest run must be complete. */
int pw_compliance_build(struct pw_db *db, const char *scenario, const struct pw_config *cfg,
                        const struct pw_tables *tables, struct pw_compliance_outcome *out, struct pw_err *err);

/* The tests of `planwise run` computed from the engine's years in memory, as each
 * year is simulated, instead of reading the outputs back: the same rows as
 * pw_compliance_build gives for the scenario afterwards (tests/invariants/
 * compliance.sh checks it). Only a run that simulates every year of the scenario
 * from its census can use it; resumed and branched runs use pw_compliance_build.
 * cfg, tables and the ids of the years (the workforce's strings pool) must
 * outlive the collector. It keeps each finished year's detail rows (about 140
 * bytes an employee-year) until pw_compliance_run_write. */
struct pw_compliance_run;
struct pw_year_view;
int pw_compliance_run_new(struct pw_compliance_run **out, const char *scenario, const struct pw_config *cfg,
                          const struct pw_tables *tables, struct pw_err *err);
/* One simulated year, the years in order without gaps, from the engine's arrays
 * before the year's close. */
int pw_compliance_run_year(struct pw_compliance_run *r, const struct pw_year_view *v, struct pw_err *err);
/* Replaces the scenario's rows of the three tables with the run's, in one transaction. */
int pw_compliance_run_write(struct pw_compliance_run *r, struct pw_db *db, struct pw_compliance_outcome *out,
                            struct pw_err *err);
void pw_compliance_run_free(struct pw_compliance_run *r);

/* Creates the three tables when missing and removes the scenario's rows: a run that
 * replaces a scenario without its tests must not leave the old run's tests behind,
 * and SQL that joins the tables (the employer-cost reporting) finds them. */
int pw_compliance_forget(struct pw_db *db, const char *scenario, struct pw_err *err);

/* Fails (PW_EDB, naming the scenario) unless the scenario's latest run is complete. */
int pw_compliance_check_complete(struct pw_db *db, const char *scenario, struct pw_err *err);

/* True when fct_compliance_tests holds rows of the scenario. */
int pw_compliance_present(struct pw_db *db, const char *scenario, bool *present, struct pw_err *err);

/* The scenarios whose latest run is complete, oldest run first (*ids: free each and
 * the array). */
int pw_compliance_scenarios(struct pw_db *db, char ***ids, size_t *n, struct pw_err *err);

#endif
