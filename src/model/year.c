/* year.c: allocation of the per-row arrays of struct pw_year, and the names of
 * the snapshot's status vocabularies. */
#include "model/year.h"

#include <stdlib.h>
#include <string.h>

const char *const pw_employment_status_names[PW_EMPLOYMENT_STATUS_COUNT] = {"active", "terminated"};
const char *const pw_termination_reason_names[PW_TERMINATION_REASON_COUNT] = {"experienced_termination",
                                                                              "new_hire_termination"};
const char *const pw_detailed_status_names[PW_DETAILED_STATUS_COUNT] = {"continuous_active", "new_hire_active",
                                                                        "new_hire_termination",
                                                                        "experienced_termination"};
const char *const pw_participation_status_names[PW_PARTICIPATION_STATUS_COUNT] = {"participating",
                                                                                  "not_participating"};

#define PW__YEAR_COLUMNS(X)                                                              \
    X(age) X(tenure) X(reported_tenure) X(age_band) X(tenure_band) X(reported_tenure_band) \
    X(start_level) X(end_level) X(start_salary) X(term_kind) X(term_date) X(term_weight) \
    X(select_score) X(promo_date) X(promo_prob) X(promo_pct) X(promo_prev) X(promo_new)  \
    X(raise_date) X(raise_prev) X(raise_new) X(merit_rate) X(cola_rate) X(prorated_comp) \
    X(current_comp) X(hours_worked) X(order)

int pw_year_reserve(struct pw_year *y, size_t rows)
{
    if (rows <= y->capacity) return 0;
    size_t cap = rows + rows / 4 + 64;
#define PW__GROW(col)                                                  \
    {                                                                  \
        void *p = realloc(y->col, cap * sizeof *y->col);               \
        if (!p) return -1;                                             \
        y->col = p;                                                    \
    }
    PW__YEAR_COLUMNS(PW__GROW)
#undef PW__GROW
    y->capacity = cap;
    return 0;
}

void pw_year_release(struct pw_year *y)
{
#define PW__FREE(col) free(y->col);
    PW__YEAR_COLUMNS(PW__FREE)
#undef PW__FREE
    memset(y, 0, sizeof *y);
}

void pw_year_set_calendar(struct pw_year *y, int year)
{
    y->year = year;
    y->jan1 = pw_year_start(year);
    y->dec31 = pw_year_end(year);
    y->days_in_year = pw_days_in_year(year);
}
