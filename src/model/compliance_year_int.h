/* compliance_year_int.h: what the files of the year driver share
 * (compliance_year.c: storage, people, balances; compliance_avg.c: ADP and ACP
 * with their corrections; compliance_cover.c: 410(b), 401(a)(4), top-heavy and
 * the limit reports). */
#ifndef PW_MODEL_COMPLIANCE_YEAR_INT_H
#define PW_MODEL_COMPLIANCE_YEAR_INT_H

#include <stdarg.h>

#include "model/compliance_year.h"

/* A test row with every figure NULL and the given method and result. */
void pw__cy_test_init(struct pw_cy_test *t, const char *method, const char *result);
/* Appends formatted text to buf (size bytes), with "; " before it when buf is not empty. */
void pw__cy_note(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Whole dollars with thousands separators ("$1,234,568") into buf (>= 32 bytes). */
const char *pw__cy_dollars(double v, char *buf, size_t size);
/* Appends "label N" to a reasons list when n > 0. */
void pw__cy_reason(char *buf, size_t size, const char *label, size_t n);

/* compliance_avg.c: the ADP and ACP tests and their corrections. */
int pw__cy_avg_tests(const struct pw_cy_params *p, struct pw_cy_year *cur, struct pw_cy_year *prev,
                     struct pw_cy_test tests[PW_CY_TESTS]);
/* compliance_cover.c */
int pw__cy_coverage_tests(const struct pw_cy_params *p, struct pw_cy_year *cur, struct pw_cy_test tests[PW_CY_TESTS]);
int pw__cy_top_heavy(const struct pw_cy_params *p, struct pw_cy_year *cur, const struct pw_cy_year *prev,
                     struct pw_cy_test *t);
void pw__cy_limit_reports(const struct pw_cy_year *cur, struct pw_cy_test tests[PW_CY_TESTS]);

#endif
