/* compliance_view.h: the input columns of the compliance tests (struct pw_cy_year)
 * taken from one simulated year in memory (struct pw_year_view, before the year's
 * close), so `planwise run` computes the tests without reading its outputs back.
 * Every value is the one the reader (io/compliance_read.c) gets from the output
 * views for the same year: the views' arithmetic (roth = cents of D minus cents of
 * pre-tax, age and tenure from dates, the match rows of fct_employer_match_events)
 * is repeated here, and tests/invariants/compliance.sh compares both paths. */
#ifndef PW_MODEL_COMPLIANCE_VIEW_H
#define PW_MODEL_COMPLIANCE_VIEW_H

#include <stdbool.h>

#include "model/compliance_year.h"
#include "model/events.h"

/* Fills y (reset to the view's year) with the year's employees in output order
 * (employee_id byte order). first_year: the look-back pay is the census pay (the
 * previous pay of the year's first promotion or raise, else current pay, for
 * employees hired before the year). base_limit: the base 402(g) limit of the year.
 * The ids point into the workforce's strings pool (y->borrowed_ids), which must
 * outlive y and every pw_cy_detail copied from it. Returns 0 or PW_ENOMEM. */
int pw_cy_year_from_view(struct pw_cy_year *y, const struct pw_year_view *v, bool first_year, double base_limit);

#endif
