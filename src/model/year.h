/* year.h: the working state of one simulated year and the solver trace.
 *
 * The population P_Y occupies workforce rows [0, n_pop): rows [0, n_roster) are the
 * start-of-year roster R_Y (sorted by employee_id), rows [n_roster, n_pop) are the
 * hires of Y in sequence order. Every per-row array below is indexed by that row
 * and describes what happened to the row during Y; snapshot and event rows are
 * derived from it at year close. */
#ifndef PW_MODEL_YEAR_H
#define PW_MODEL_YEAR_H

#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "model/config.h"

enum pw_term_kind { PW_TERM_NONE = 0, PW_TERM_EXPERIENCED = 1, PW_TERM_NEW_HIRE = 2 };

/* Snapshot vocabularies (MODEL 6.2), in the order of their ENUM types. */
enum pw_employment_status { PW_STATUS_ACTIVE = 0, PW_STATUS_TERMINATED, PW_EMPLOYMENT_STATUS_COUNT };
enum pw_termination_reason { PW_REASON_EXPERIENCED = 0, PW_REASON_NEW_HIRE, PW_TERMINATION_REASON_COUNT };
enum pw_detailed_status {
    PW_DETAILED_CONTINUOUS_ACTIVE = 0,
    PW_DETAILED_NEW_HIRE_ACTIVE,
    PW_DETAILED_NEW_HIRE_TERMINATION,
    PW_DETAILED_EXPERIENCED_TERMINATION,
    PW_DETAILED_STATUS_COUNT
};
enum pw_participation_status { PW_PARTICIPATING = 0, PW_NOT_PARTICIPATING, PW_PARTICIPATION_STATUS_COUNT };
extern const char *const pw_employment_status_names[PW_EMPLOYMENT_STATUS_COUNT];
extern const char *const pw_termination_reason_names[PW_TERMINATION_REASON_COUNT];
extern const char *const pw_detailed_status_names[PW_DETAILED_STATUS_COUNT];
extern const char *const pw_participation_status_names[PW_PARTICIPATION_STATUS_COUNT];

/* Growth solver result (MODEL 4.2) and its trace (fct_workforce_needs, 6.5). */
struct pw_needs {
    int64_t starting_headcount;           /* N */
    int64_t experienced_headcount;        /* Exp = N - H_prev */
    int64_t prior_year_hires_active;      /* H_prev */
    int64_t target_ending_headcount;      /* rha(N (1 + g)) */
    int64_t expected_experienced_terminations; /* exp_terms */
    int64_t rif_terminations;
    int64_t total_experienced_terminations;
    int64_t total_hires;
    int64_t expected_new_hire_terminations;    /* nh_terms */
    int64_t net_from_hires;
    int64_t nh_terms_shortfall;           /* nh_terms that found no candidate */
    int64_t ending_headcount_actual;
    int64_t reconciliation_error;         /* actual - target */
};

/* Per-level trace (fct_workforce_needs_by_level); index = level id. */
struct pw_level_needs {
    int64_t starting_headcount[PW_MAX_LEVELS + 1];
    int64_t termination_quota[PW_MAX_LEVELS + 1];
    int64_t terminations_realized[PW_MAX_LEVELS + 1];
    int64_t hires[PW_MAX_LEVELS + 1];
    int64_t new_hire_terminations[PW_MAX_LEVELS + 1];
    double new_hire_base_compensation[PW_MAX_LEVELS + 1];  /* base_l, dollars */
    int64_t ending_headcount[PW_MAX_LEVELS + 1];
};

struct pw_year {
    int year;                        /* Y */
    pw_date jan1, dec31;
    int days_in_year;                /* D_Y */
    size_t n_roster;                 /* |R_Y| */
    size_t n_pop;                    /* |P_Y| = |R_Y| + hires */
    size_t capacity;                 /* rows allocated below */

    struct pw_needs needs;
    struct pw_level_needs by_level;

    /* per row of P_Y */
    int16_t *age;                    /* age_Y (age at Dec 31 of Y) */
    int16_t *tenure;                 /* tenure_Y (at Dec 31 of Y) */
    int16_t *reported_tenure;        /* tenure_Y, or tenure at the termination date */
    uint8_t *age_band;               /* band index of age_Y */
    uint8_t *tenure_band;            /* band index of tenure_Y (hazards, promotion) */
    uint8_t *reported_tenure_band;   /* band index of reported_tenure (outputs) */
    uint8_t *start_level;            /* level at Jan 1 (or at hire) */
    uint8_t *end_level;              /* level at the end of employment in Y */
    double *start_salary;            /* s0, or the hire salary */
    uint8_t *term_kind;              /* enum pw_term_kind */
    pw_date *term_date;              /* PW_NO_DATE when still employed on Dec 31 */
    double *term_weight;             /* hazard weight w, or NAN in uniform mode */
    double *select_score;            /* scratch: ln(u)/w for weighted selection */
    pw_date *promo_date;             /* PW_NO_DATE when not promoted */
    double *promo_prob;              /* p of the promotion draw */
    double *promo_pct;               /* drawn raise percentage */
    double *promo_prev, *promo_new;  /* salary before/after, dollars */
    pw_date *raise_date;             /* PW_NO_DATE when no merit/COLA raise */
    double *raise_prev, *raise_new;
    double *merit_rate, *cola_rate;  /* rates applied by the raise */
    double *prorated_comp;           /* prorated_annual_compensation, cents-rounded */
    double *current_comp;            /* salary in force on b */
    int32_t *hours_worked;           /* annual_hours_worked */

    /* output order: positions -> rows, sorted by employee_id */
    uint32_t *order;
};

int pw_year_reserve(struct pw_year *y, size_t rows);
void pw_year_release(struct pw_year *y);
/* Sets the calendar fields of year Y. */
void pw_year_set_calendar(struct pw_year *y, int year);

/* Employment interval of row r in Y: [a, b] (MODEL 4.9). */
static inline pw_date pw_year_interval_start(const struct pw_year *y, pw_date hire)
{
    return hire > y->jan1 ? hire : y->jan1;
}
static inline pw_date pw_year_interval_end(const struct pw_year *y, size_t row)
{
    return y->term_date[row] != PW_NO_DATE ? y->term_date[row] : y->dec31;
}
/* "employed on d" for a row of P_Y (hire <= d and not terminated before d). */
static inline int pw_year_employed_on(const struct pw_year *y, pw_date hire, size_t row, pw_date d)
{
    return hire <= d && (y->term_date[row] == PW_NO_DATE || d <= y->term_date[row]);
}

#endif
