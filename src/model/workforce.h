/* workforce.h: the employee state as struct-of-arrays (one array per column).
 *
 * Rows [0, count) are kept sorted by employee_id (byte order) between years, which
 * is the canonical roster order of MODEL 3.5. The fields here are the carried
 * state of MODEL 5; per-year results live in struct pw_year (model/year.h). */
#ifndef PW_MODEL_WORKFORCE_H
#define PW_MODEL_WORKFORCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "core/strpool.h"

struct pw_workforce {
    size_t count;                   /* rows in use */
    size_t capacity;                /* rows allocated in every column */
    struct pw_strpool *strings;     /* owner of id/ssn text (shared, not owned) */

    const char **employee_id;       /* trimmed id, NUL-terminated */
    uint32_t *id_len;               /* bytes in employee_id */
    uint64_t *key;                  /* RNG key (MODEL 3.2) */
    uint32_t *employee_key;         /* output key, unique in a run: census roster index, or pw_hire_employee_key() */
    const char **ssn;               /* NULL when absent */
    uint8_t *is_census;             /* 1 = census row, 0 = hired during the run */
    pw_date *birth_date;
    pw_date *hire_date;
    uint8_t *level;                 /* job level 1..L_max in force at the start of the year */
    double *salary;                 /* annual rate in dollars at the start of the year (s0) */
    double *hours_per_week;         /* [0, 80] */
    uint8_t *plan_excluded;         /* 1 = never plan-eligible (census override or hire draw) */
    uint8_t *auto_escalation_opt_out;
    uint8_t *eligibility_override_false; /* census flag as read (reporting) */
    double *deferral_rate;          /* normalised census rate / rate in force, fraction [0, cap] */
    double *prior_prorated_comp;    /* HCE look-back (4.18): census comp in S, else last year's prorated */

    /* retirement-plan state carried between years (MODEL 5) */
    pw_date *eligibility_date;      /* E of 4.10 (PW_NO_DATE for excluded employees) */
    uint8_t *is_eligible;           /* 1 once eligible (census before S, pre-enrolled, or event emitted) */
    uint8_t *is_enrolled;           /* 1 once enrolled by any path (stays 1 after an opt-out) */
    pw_date *enrollment_date;       /* PW_NO_DATE if never enrolled; C for pre-enrolled census rows */
    uint8_t *enrollment_method;     /* enum pw_enrollment_method */
    uint8_t *ever_opted_out;
    pw_date *opt_out_date;          /* PW_NO_DATE if none */
    uint8_t *window_decided;        /* 1 once the auto-enrollment window plan (4.11 b) was drawn */
    uint8_t *voluntary_decided;     /* 1 once the voluntary decision (4.11 c) was made */
    uint8_t *planned_enrollment_method; /* window-plan event not yet emitted (date in a later year) */
    pw_date *planned_enrollment_date;
    double *planned_enrollment_rate;
    double *planned_enrollment_prob;
    pw_date *planned_opt_out_date;
    double *planned_opt_out_prob;
    double *original_deferral_rate; /* first enrollment rate */
    int16_t *escalation_count;
    pw_date *last_escalation_date;  /* PW_NO_DATE if never escalated */
    double *match_balance;          /* employer match dollars to date (no investment return) */
    double *core_balance;           /* employer core dollars to date */

    /* census flags of the compliance tests (0 for hires): HCE and key-employee rules */
    uint8_t *is_5pct_owner;         /* owns more than 5% (always an HCE and a key employee) */
    uint8_t *is_1pct_owner;         /* owns more than 1% (key employee above the pay threshold) */
    uint8_t *is_officer;            /* officer (key employee above the pay threshold) */
};

/* Every array field of struct pw_workforce, in declaration order. Allocation,
 * row copies (workforce.c) and the checkpoint column directory (io/checkpoint.c)
 * are generated from this list: a new column added to the struct and here is
 * carried, copied and checkpointed without further changes. */
#define PW_WORKFORCE_COLUMNS(X)                                                                    \
    X(employee_id) X(id_len) X(key) X(employee_key) X(ssn) X(is_census) X(birth_date)                              \
    X(hire_date) X(level) X(salary) X(hours_per_week) X(plan_excluded)                             \
    X(auto_escalation_opt_out) X(eligibility_override_false)                                       \
    X(deferral_rate) X(prior_prorated_comp) X(eligibility_date) X(is_eligible) X(is_enrolled)     \
    X(enrollment_date) X(enrollment_method) X(ever_opted_out) X(opt_out_date) X(window_decided)     \
    X(voluntary_decided) X(planned_enrollment_method) X(planned_enrollment_date)                   \
    X(planned_enrollment_rate) X(planned_enrollment_prob) X(planned_opt_out_date)                  \
    X(planned_opt_out_prob) X(original_deferral_rate) X(escalation_count) X(last_escalation_date)  \
    X(match_balance) X(core_balance) X(is_5pct_owner) X(is_1pct_owner) X(is_officer)

/* The output key of the q-th hire (1-based) of year: above every census roster
 * index (< 2^30), unique per (year, q) for years 1900-2200 and q < 2^21, and it
 * fits the 32-bit key columns of the outputs. */
#define PW_HIRE_KEY_BASE (1u << 30)
#define PW_MAX_HIRES_PER_YEAR ((1u << 21) - 1)
static inline uint32_t pw_hire_employee_key(int year, uint32_t q)
{
    return PW_HIRE_KEY_BASE + ((uint32_t)(year - 1900) << 21) + q;
}

/* How an employee joined the plan (snapshot enrollment_method). */
enum pw_enrollment_method {
    PW_ENROLL_NONE = 0,
    PW_ENROLL_CENSUS,
    PW_ENROLL_AUTO,
    PW_ENROLL_PROACTIVE,
    PW_ENROLL_VOLUNTARY,
    PW_ENROLL_YEAR_OVER_YEAR
};

int pw_workforce_init(struct pw_workforce *wf, struct pw_strpool *strings, size_t capacity);
void pw_workforce_release(struct pw_workforce *wf);
/* Grows every column to hold at least capacity rows (never shrinks). */
int pw_workforce_reserve(struct pw_workforce *wf, size_t capacity);
/* Appends one zeroed row and returns its index, or (size_t)-1 when out of memory. */
size_t pw_workforce_push(struct pw_workforce *wf);
/* Copies row src of from into row dst of to (same strings pool). */
void pw_workforce_copy_row(struct pw_workforce *to, size_t dst, const struct pw_workforce *from, size_t src);
/* byte-order comparison of two ids (the canonical order). */
int pw_id_cmp(const char *a, uint32_t alen, const char *b, uint32_t blen);

#endif
