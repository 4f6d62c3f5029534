/* compliance_int.h: what the files of io/compliance share (compliance_read.c:
 * one year's rows from the output tables; compliance_store.c: the three tables
 * and their writers; compliance_build.c: the run's configuration and the years). */
#ifndef PW_IO_COMPLIANCE_INT_H
#define PW_IO_COMPLIANCE_INT_H

#include <stdbool.h>

#include "io/compliance.h"
#include "model/compliance_year.h"

/* Fills y with the snapshot rows of one scenario-year (model/compliance_year.h
 * inputs). first_year: the look-back pay is the census pay (the previous_compensation
 * of the year's first raise or promotion, else current pay). base_limit: the base
 * 402(g) limit of the year, above which deferrals of employees 50 and over are
 * catch-up. */
int pw__compliance_read_year(struct pw_db *db, const char *scenario, int year, bool first_year, double base_limit,
                             struct pw_cy_year *y, struct pw_err *err);

/* Appends the year's ten test rows and its cost row. */
int pw__compliance_write_tests(struct pw_db *db, const char *scenario, int year, const struct pw_cy_test *tests,
                               struct pw_err *err);
/* Appends one detail row per employee of each of the n years. */
int pw__compliance_write_detail(struct pw_db *db, const char *scenario, const struct pw_cy_detail *years, size_t n,
                                struct pw_err *err);

/* compliance_build.c, shared with compliance_run.c (the tests of `planwise run`
 * from its years in memory): */
/* Deletes the scenario's rows of the three tables. */
int pw__compliance_delete_rows(struct pw_db *db, const char *scenario, struct pw_err *err);
/* The parameters of year's tests (design: the plan's, filled by the caller). */
void pw__compliance_params(const struct pw_config *cfg, const struct pw_tables *tables, const struct pw_ct_design *design,
                           int year, struct pw_cy_params *par);
/* Adds a year's tests to the outcome. */
void pw__compliance_tally(const struct pw_cy_test *tests, struct pw_compliance_outcome *out);

#endif
