/* plan_year.h: the retirement-plan decisions of one simulated year (MODEL 4.10-4.12)
 * and the rate timeline the money steps integrate over (4.13).
 *
 * Indexed like struct pw_year: row r of P_Y (roster rows, then the year's hires).
 * The sim steps pw_step_eligibility, pw_step_enrollment and pw_step_deferral fill
 * these arrays; nothing here changes the carried workforce state until
 * pw_plan_year_close_row() applies a row's decisions at year close. Until then
 * the workforce plan columns still hold the state left by Y-1, and the helpers
 * below (events, snapshot) combine both.
 *
 * Rate timeline: the deferral rate of row r on a day d of [a, b] is
 * rate_start[r] before the first change and change_rate[i] from change_date[i]
 * (inclusive) on. Changes are in (date, event priority) order; two changes may
 * share a date (match response then escalation on Jan 1 S), the later one wins.
 * Every change lies inside the employment interval [a, b] of Y. */
#ifndef PW_MODEL_PLAN_YEAR_H
#define PW_MODEL_PLAN_YEAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "model/config.h"
#include "model/events.h"
#include "model/workforce.h"
#include "model/year.h"

/* Rate changes per row-year: at most enrollment, escalation and opt-out, or match
 * response and escalation (only census pre-enrolled rows get a match response). */
#define PW_PLAN_MAX_CHANGES 4
/* Set in workforce.planned_enrollment_method when the planned rate came from the
 * magnet (the carried state has no other room for that event detail). */
#define PW_PLAN_MAGNET_BIT 0x80

/* Snapshot current_eligibility_status (MODEL 4.10). */
enum pw_plan_status { PW_PLAN_PENDING = 0, PW_PLAN_ELIGIBLE = 1, PW_PLAN_EXCLUDED = 2, PW_PLAN_STATUS_COUNT };
extern const char *const pw_plan_status_names[PW_PLAN_STATUS_COUNT];   /* pending / eligible / excluded */
/* Snapshot enrollment_method of enum pw_enrollment_method (model/workforce.h); [0] = "" (never enrolled). */
#define PW_ENROLL_METHOD_COUNT 6
extern const char *const pw_enrollment_method_names[PW_ENROLL_METHOD_COUNT];

/* Bits of pw_plan_year.mr_flags: direction, and whether the new rate is the ceiling C
 * ("maximize" upward / "reduce_to_max" downward) or the partial move. */
enum { PW_MR_UPWARD = 1, PW_MR_DOWNWARD = 2, PW_MR_TO_CEILING = 4 };

/* Bits of pw_plan_year.decided: one-time decisions made in Y (carried as window_decided,
 * voluntary_decided). */
enum { PW_PLAN_DECIDED_WINDOW = 1, PW_PLAN_DECIDED_VOLUNTARY = 2 };

struct pw_plan_year {
    size_t capacity;                /* rows allocated in every array */

    /* eligibility (4.10) */
    pw_date *elig_event_date;       /* date of the eligibility event in Y (= E), PW_NO_DATE = none */
    uint8_t *elig_status;           /* enum pw_plan_status at the end of employment b */

    /* enrollment (4.11): at most one event per row-year */
    pw_date *enroll_date;           /* PW_NO_DATE = no enrollment event in Y */
    uint8_t *enroll_method;         /* enum pw_enrollment_method: AUTO, PROACTIVE, VOLUNTARY, YEAR_OVER_YEAR */
    uint8_t *enroll_magnet;         /* 1 = rate snapped to the match ceiling */
    double *enroll_rate;            /* fraction, round6 */
    double *enroll_prob;            /* event_probability (1.0 for auto) */
    double *enroll_comp;            /* salary in force on the date, dollars */
    pw_date *optout_date;           /* opt-out event in Y (O = A + grace), PW_NO_DATE = none */
    double *optout_prob;            /* p of the opt-out draw, capped at 1 */
    double *optout_prev_rate;       /* rate in force just before O */
    double *optout_comp;            /* salary on O */

    /* window plan (4.11 b) and one-time decisions, for the carried state */
    uint8_t *decided;               /* PW_PLAN_DECIDED_* bits set by decisions of Y */
    uint8_t *carry_enroll_method;   /* planned enrollment still ahead after Dec 31 (method | magnet bit), 0 = none */
    pw_date *carry_enroll_date;
    double *carry_enroll_rate, *carry_enroll_prob;
    pw_date *carry_optout_date;     /* planned opt-out still ahead after Dec 31, PW_NO_DATE = none */
    double *carry_optout_prob;

    /* match response (4.12; only Y = S, census pre-enrolled rows) */
    pw_date *mr_date;               /* Jan 1 S, PW_NO_DATE = no event */
    uint8_t *mr_flags;              /* PW_MR_* */
    double *mr_prev, *mr_new;       /* rates */
    double *mr_prob;                /* the participation rate of the direction taken */
    double *mr_comp;                /* salary on the date */
    double *mr_ceiling;             /* C used */

    /* auto-escalation (4.12) */
    pw_date *esc_date;              /* Q, PW_NO_DATE = no escalation in Y */
    double *esc_prev, *esc_new;     /* rates */
    int16_t *esc_number;            /* escalation count after this one (1 = first) */

    /* rate timeline (4.13) */
    double *rate_start;             /* rate in force on a = max(hire, Jan 1) */
    uint8_t *n_changes;             /* 0..PW_PLAN_MAX_CHANGES */
    pw_date *change_date;           /* [r * PW_PLAN_MAX_CHANGES + i], i < n_changes[r] */
    double *change_rate;            /* rate from change_date on, same index */
};

/* Snapshot columns of MODEL 6.2 for the plan (state at b). NAN / PW_NO_DATE / NULL
 * strings stand for SQL NULL. */
struct pw_plan_snapshot {
    pw_date eligibility_date;       /* employee_eligibility_date; NULL for excluded employees */
    const char *eligibility_status; /* current_eligibility_status: eligible / pending / excluded */
    bool is_enrolled;               /* is_enrolled_flag: enrolled and not opted out at b */
    pw_date enrollment_date;        /* employee_enrollment_date (kept after an opt-out) */
    const char *enrollment_method;  /* census / auto / proactive / voluntary / year_over_year, NULL = never */
    int method;                     /* the same as enum pw_enrollment_method (PW_ENROLL_NONE = never) */
    bool ever_opted_out;
    double current_deferral_rate;   /* rate in force at b */
    double original_deferral_rate;  /* first enrollment rate, NAN = never enrolled */
    const char *participation_status; /* participating iff current rate > 0, else not_participating */
    int total_deferral_escalations;
    pw_date last_escalation_date;
    bool auto_escalation_opt_out;
};

int pw_plan_year_reserve(struct pw_plan_year *py, size_t rows);
/* Frees the arrays and zeroes the struct (safe to call twice). */
void pw_plan_year_release(struct pw_plan_year *py);

/* Deferral rate of row r on day d of the current year (d inside [a, b]). */
static inline double pw_plan_year_rate_on(const struct pw_plan_year *py, size_t r, pw_date d)
{
    double rate = py->rate_start[r];
    const size_t base = r * PW_PLAN_MAX_CHANGES;
    for (unsigned i = 0; i < py->n_changes[r] && py->change_date[base + i] <= d; i++) rate = py->change_rate[base + i];
    return rate;
}

/* Level in force on date d of Y (the promotion date switches it). */
static inline int pw_plan_level_on(const struct pw_year *y, size_t r, pw_date d)
{
    return y->promo_date[r] != PW_NO_DATE && d >= y->promo_date[r] ? y->end_level[r] : y->start_level[r];
}

/* Plan snapshot columns of row r: workforce row w must still hold the state
 * carried into Y (call before pw_plan_year_close_row on it). */
void pw_plan_year_snapshot(const struct pw_plan_year *py, size_t r, const struct pw_workforce *wf, size_t w,
                           struct pw_plan_snapshot *out);

/* Applies the decisions of row r of Y to workforce row w holding that employee's
 * state carried into Y (in place on sim->wf before the copy, or on the copy):
 * afterwards the plan columns describe the state at b, which is what Y+1 starts
 * from. Only assignments, so a second call changes nothing. */
void pw_plan_year_close_row(const struct pw_plan_year *py, size_t r, struct pw_workforce *wf, size_t w);

/* Names used in snapshot columns. */
const char *pw_enrollment_method_name(int method);   /* NULL for PW_ENROLL_NONE */
const char *pw_plan_status_name(int status);   /* eligible / pending / excluded */

#endif
